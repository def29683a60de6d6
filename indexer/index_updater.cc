// Replays the store's change feed into the search index; see index_updater.h.
#include "indexer/index_updater.h"

#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"

namespace patentmatch::indexer {
namespace {
constexpr size_t kBatch = 2000;             // changes per Xapian commit
constexpr uint64_t kRebuildCommit = 20000;  // documents per commit, rebuild
}  // namespace

IndexUpdater::IndexUpdater(storage::Store* store, SearchIndex* index)
    : store_(store), index_(index) {
  absl::MutexLock lock(&mutex_);
  applied_ = index_->watermark();
  target_ = applied_;
}

IndexUpdater::~IndexUpdater() { Stop(); }

absl::Status IndexUpdater::ApplyPending(
    const std::function<void(uint64_t, uint64_t)>& progress) {
  absl::MutexLock apply(&apply_mutex_);
  const uint64_t start = index_->watermark();
  const uint64_t end = store_->last_change_seq();
  std::vector<storage::Change> changes;
  while (true) {
    changes.clear();
    const uint64_t after = index_->watermark();
    absl::Status s = store_->ReadChanges(after, kBatch, &changes);
    if (!s.ok()) return s;
    if (changes.empty()) break;
    for (const auto& change : changes) {
      switch (change.kind) {
        case storage::EntityKind::kPatent: {
          auto listing = store_->GetPatent(change.id);
          if (listing.ok()) {
            s = index_->PutPatent(*listing);
          } else if (absl::IsNotFound(listing.status())) {
            s = index_->RemovePatent(change.id);
          } else {
            s = listing.status();
          }
          break;
        }
        case storage::EntityKind::kDemand: {
          auto demand = store_->GetDemand(change.id);
          if (demand.ok()) {
            s = index_->PutDemand(*demand);
          } else if (absl::IsNotFound(demand.status())) {
            s = index_->RemoveDemand(change.id);
          } else {
            s = demand.status();
          }
          break;
        }
        case storage::EntityKind::kOrganisation:
        case storage::EntityKind::kAccount:
        case storage::EntityKind::kSuggestion:
        case storage::EntityKind::kSetting:
        case storage::EntityKind::kEvent:
        case storage::EntityKind::kEventParticipant:
        case storage::EntityKind::kEventPreference:
        case storage::EntityKind::kMeeting:
          break;  // not indexed
      }
      if (!s.ok()) return s;
    }
    s = index_->Commit(changes.back().seq);
    if (!s.ok()) return s;
    {
      absl::MutexLock lock(&mutex_);
      applied_ = changes.back().seq;
    }
    if (progress) {
      progress(changes.back().seq - start, end > start ? end - start : 0);
    }
  }
  return absl::OkStatus();
}

absl::Status IndexUpdater::Rebuild(
    const std::function<void(uint64_t, uint64_t)>& progress) {
  absl::MutexLock apply(&apply_mutex_);
  // Nothing writes to the store yet (see CatchUp), so this is the state the
  // scan below will see.
  const uint64_t target = store_->last_change_seq();
  uint64_t done = 0, pending = 0;
  absl::Status error;
  auto added = [&]() {
    ++done;
    if (++pending >= kRebuildCommit) {
      error = index_->Commit(0);  // not caught up until the end
      pending = 0;
      if (progress) progress(done, 0);
    }
    return error.ok();
  };
  absl::Status s = store_->ScanPatents("", [&](const v1::PatentListing& p) {
    error = index_->PutPatent(p, /*known_absent=*/true);
    return error.ok() && added();
  });
  if (s.ok()) s = error;
  if (s.ok()) {
    s = store_->ScanDemands("", [&](const v1::Demand& d) {
      error = index_->PutDemand(d, /*known_absent=*/true);
      return error.ok() && added();
    });
  }
  if (s.ok()) s = error;
  if (s.ok()) s = index_->Commit(target);
  if (!s.ok()) return s;
  if (progress) progress(done, done);
  absl::MutexLock lock(&mutex_);
  applied_ = target;
  if (target_ < target) target_ = target;
  return absl::OkStatus();
}

absl::Status IndexUpdater::CatchUp(
    const std::function<void(uint64_t, uint64_t)>& progress) {
  if (index_->watermark() == 0 && index_->document_count() == 0 &&
      store_->last_change_seq() > 0) {
    // An empty index (new, deleted or of an old format): build it from one
    // scan of the entities rather than replaying every change ever made.
    absl::Status s = Rebuild(progress);
    if (!s.ok()) return s;
  }
  return ApplyPending(progress);
}

void IndexUpdater::Start() {
  thread_ = std::thread([this] { Run(); });
}

void IndexUpdater::Notify(uint64_t seq) {
  absl::MutexLock lock(&mutex_);
  if (seq > target_) target_ = seq;
}

void IndexUpdater::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      auto work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
        return stopping_ || target_ > applied_;
      };
      mutex_.Await(absl::Condition(&work));
      if (stopping_ && target_ <= applied_) return;
    }
    absl::Status s = ApplyPending(nullptr);
    absl::MutexLock lock(&mutex_);
    last_error_ = s;
    if (!s.ok()) {
      std::fprintf(stderr, "patentmatchd: index update failed: %s\n",
                   s.ToString().c_str());
      // Retry later rather than spin; writes stay safe in the store.
      mutex_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Seconds(1));
      if (stopping_) return;
    }
  }
}

uint64_t IndexUpdater::applied() const {
  absl::MutexLock lock(&mutex_);
  return applied_;
}

absl::Status IndexUpdater::WaitFor(uint64_t seq, absl::Duration timeout) {
  Notify(seq);
  absl::MutexLock lock(&mutex_);
  auto done = [this, seq]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return applied_ >= seq;
  };
  if (!mutex_.AwaitWithTimeout(absl::Condition(&done), timeout)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "saved, but the search index has not caught up yet",
        last_error_.ok() ? "" : absl::StrCat(": ", last_error_.message())));
  }
  return absl::OkStatus();
}

void IndexUpdater::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace patentmatch::indexer
