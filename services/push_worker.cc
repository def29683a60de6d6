// Precise push; see push_worker.h.
#include "services/push_worker.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "matcher/ranking.h"
#include "services/suggestion_writes.h"
#include "storage/keys.h"

namespace patentmatch {
namespace {

using storage::EntityKind;

constexpr size_t kBatch = 256;
// Needs re-ranked per changed listing (reverse matching's shortlist).
constexpr int kReverseCandidates = 20;

// An incubation-pool company's standing interest in `industry`, as the
// need its pushed suggestions are for ("pool:<organisation id>": there is no
// stored need behind it).
v1::Demand PoolProfile(const v1::Organisation& org,
                       const std::string& industry) {
  v1::Demand profile;
  profile.set_id(absl::StrCat("pool:", org.id()));
  profile.set_organisation_id(org.id());
  profile.set_title(absl::StrCat("培育库 incubation-pool profile: ", industry));
  profile.set_industry(industry);
  profile.set_district(org.district());
  profile.set_status(v1::DEMAND_OPEN);
  return profile;
}

// Orders candidates that score the same. Incubation-pool profiles often
// tie (same industry, district and deal terms), and ordering ties by id
// would give every tied listing to the organisations with the smallest ids
// until their M is full. A hash of the suggestion id differs per patent, so
// ties go to different companies for different patents; it is FNV-1a, not
// absl::Hash (seeded per process), so a replayed batch decides the same.
uint64_t TieOrder(absl::string_view suggestion_id) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : suggestion_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// One pair push may suggest.
struct Candidate {
  Candidate(v1::Demand d, v1::PatentListing l, double s, v1::Explanation e,
            bool is_pool)
      : demand(std::move(d)),
        listing(std::move(l)),
        score(s),
        explanation(std::move(e)),
        pool(is_pool),
        id(SuggestionId(demand.id(), listing.id())),
        tie(TieOrder(id)) {}

  v1::Demand demand;  // or an incubation-pool profile
  v1::PatentListing listing;
  double score = 0;
  v1::Explanation explanation;
  bool pool = false;  // demand is a profile: there is no stored need
  std::string id;     // of the suggestion
  uint64_t tie = 0;   // TieOrder(id)
};

// The suggestions push's limits look at, as of the start of a batch plus
// what the batch adds.
class LimitBook {
 public:
  // `closed_needs`: ids of needs no longer open; must outlive the book.
  LimitBook(const PushLimits& limits, int64_t now,
            const absl::flat_hash_set<std::string>* closed_needs)
      : limits_(limits),
        period_start_(now - absl::ToInt64Seconds(limits.period)),
        closed_needs_(*closed_needs) {}

  void Add(const v1::Suggestion& s) {
    if (!IsActiveSuggestion(s.state())) {
      if (s.source() == "push" && s.state() != v1::SUPERSEDED &&
          s.created_unix() >= period_start_) {
        by_company_[s.company_organisation_id()].push_back(s);
      }
      return;
    }
    // A closed need takes nothing more, and a claimed or approved
    // suggestion for it cannot be displaced: counted, it would hold one of
    // the patent's N places for good. The company did receive it, so it
    // still counts towards the company's M.
    if (!closed_needs_.contains(s.demand_id())) {
      by_patent_[s.patent_id()].push_back(s);
    }
    if (s.source() == "push" && s.created_unix() >= period_start_) {
      by_company_[s.company_organisation_id()].push_back(s);
    }
  }

  // Decides for `s` (new, SUGGESTED, push): true if it may be added, with
  // the suggestions it displaces in *displaced. *why: which limit refused.
  bool Admit(const v1::Suggestion& s, std::vector<v1::Suggestion>* displaced,
             int* why) {
    displaced->clear();
    *why = 0;
    // Patent limit: distinct companies with an active suggestion.
    const auto& of_patent = by_patent_[s.patent_id()];
    std::set<std::string> companies;
    for (const auto& o : of_patent)
      companies.insert(o.company_organisation_id());
    if (!companies.count(s.company_organisation_id()) &&
        static_cast<int>(companies.size()) >=
            limits_.max_companies_per_patent) {
      // The weakest company whose every suggestion of this patent is
      // displaceable and weaker than `s`.
      std::map<std::string, double> best_of;
      std::set<std::string> fixed;
      for (const auto& o : of_patent) {
        if (!Displaceable(o, s)) fixed.insert(o.company_organisation_id());
        double& b = best_of[o.company_organisation_id()];
        b = std::max(b, o.score());
      }
      std::string victim;
      double victim_score = 0;
      for (const auto& [company, score] : best_of) {
        if (fixed.count(company)) continue;
        if (victim.empty() || score < victim_score) {
          victim = company;
          victim_score = score;
        }
      }
      if (victim.empty()) {
        *why = 1;
        return false;
      }
      for (const auto& o : of_patent) {
        if (o.company_organisation_id() == victim) displaced->push_back(o);
      }
    }
    // Company limit: pushed suggestions this period.
    auto& of_company = by_company_[s.company_organisation_id()];
    int counted = 0;
    for (const auto& o : of_company) {
      if (!IsIn(*displaced, o.id())) ++counted;
    }
    if (counted >= limits_.max_per_company) {
      const v1::Suggestion* weakest = nullptr;
      for (const auto& o : of_company) {
        if (IsIn(*displaced, o.id()) || !Displaceable(o, s)) continue;
        if (weakest == nullptr || o.score() < weakest->score()) weakest = &o;
      }
      if (weakest == nullptr) {
        displaced->clear();
        *why = 2;
        return false;
      }
      displaced->push_back(*weakest);
    }
    return true;
  }

  // Records that `s` was added and `displaced` superseded.
  void Apply(const v1::Suggestion& s,
             const std::vector<v1::Suggestion>& displaced) {
    for (const auto& d : displaced) {
      Remove(&by_patent_[d.patent_id()], d.id());
      Remove(&by_company_[d.company_organisation_id()], d.id());
    }
    Add(s);
  }

 private:
  static bool Displaceable(const v1::Suggestion& o, const v1::Suggestion& s) {
    return o.state() == v1::SUGGESTED && o.source() == "push" &&
           o.score() < s.score();
  }
  static bool IsIn(const std::vector<v1::Suggestion>& list,
                   const std::string& id) {
    for (const auto& x : list) {
      if (x.id() == id) return true;
    }
    return false;
  }
  static void Remove(std::vector<v1::Suggestion>* list, const std::string& id) {
    list->erase(
        std::remove_if(list->begin(), list->end(),
                       [&](const v1::Suggestion& x) { return x.id() == id; }),
        list->end());
  }

  const PushLimits& limits_;
  const int64_t period_start_;
  const absl::flat_hash_set<std::string>& closed_needs_;
  absl::flat_hash_map<std::string, std::vector<v1::Suggestion>> by_patent_;
  absl::flat_hash_map<std::string, std::vector<v1::Suggestion>> by_company_;
};

}  // namespace

PushWorker::PushWorker(const ServiceContext* ctx, PushLimits limits)
    : ctx_(ctx), limits_(limits) {}

PushWorker::~PushWorker() { Stop(); }

void PushWorker::Start() {
  auto watermark = ctx_->store->GetMetaCounter(storage::kMetaPushWatermark);
  {
    absl::MutexLock lock(&mutex_);
    handled_ = watermark.ok() ? *watermark : 0;
    target_ = ctx_->store->last_change_seq();
    stopping_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void PushWorker::Notify(uint64_t seq) {
  absl::MutexLock lock(&mutex_);
  target_ = std::max(target_, seq);
}

void PushWorker::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status PushWorker::WaitFor(uint64_t seq, absl::Duration timeout) {
  absl::MutexLock lock(&mutex_);
  auto done = [this, seq]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return handled_ >= seq;
  };
  if (!mutex_.AwaitWithTimeout(absl::Condition(&done), timeout)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "push has handled changes up to ", handled_, ", not yet ", seq));
  }
  return absl::OkStatus();
}

uint64_t PushWorker::handled() const {
  absl::MutexLock lock(&mutex_);
  return handled_;
}

PushStats PushWorker::stats() const {
  absl::MutexLock lock(&mutex_);
  return stats_;
}

void PushWorker::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      auto wake = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
        return stopping_ || target_ > handled_;
      };
      mutex_.AwaitWithTimeout(absl::Condition(&wake), absl::Seconds(1));
      if (stopping_) return;
      if (target_ <= handled_) continue;
    }
    bool idle = false;
    absl::Status s = RunBatch(&idle);
    if (!s.ok()) {
      std::fprintf(stderr, "patentmatchd: push: %s (will retry)\n",
                   std::string(s.message()).c_str());
      absl::SleepFor(absl::Seconds(1));
    }
  }
}

absl::Status PushWorker::RunBatch(bool* idle) {
  uint64_t after;
  {
    absl::MutexLock lock(&mutex_);
    after = handled_;
  }
  std::vector<storage::Change> changes;
  absl::Status s = ctx_->store->ReadChanges(after, kBatch, &changes);
  if (!s.ok()) return s;
  *idle = changes.empty();
  if (changes.empty()) return absl::OkStatus();
  const uint64_t last = changes.back().seq;
  // Rankings must see these changes.
  s = ctx_->updater->WaitFor(last, absl::Seconds(60));
  if (!s.ok()) return s;

  std::vector<Candidate> candidates;
  // Needs not open any more (closing is final, so a need closed when this
  // is read is still closed when the limits are decided; one submitted
  // since is open and counts, as it should).
  absl::flat_hash_set<std::string> closed_needs;
  if (limits_.enabled) {
    // Which listings and needs changed.
    std::set<std::string> patents, demands;
    for (const auto& c : changes) {
      (c.kind == EntityKind::kPatent ? patents : demands).insert(c.id);
    }
    std::vector<v1::PatentListing> listings;
    for (const auto& id : patents) {
      auto listing = ctx_->store->GetPatent(id);
      if (listing.ok() && matcher::IsSuggestable(*listing)) {
        listings.push_back(std::move(*listing));
      }
    }
    // Needs to re-rank: the changed ones (every pair of their top_k), and
    // those reverse matching finds for a changed listing (only pairs with a
    // changed listing).
    std::set<std::string> reverse;
    for (const auto& listing : listings) {
      auto fits = ctx_->engine->MatchDemands(listing, kReverseCandidates);
      if (!fits.ok()) return fits.status();
      for (const auto& m : fits->matches()) reverse.insert(m.demand().id());
    }
    std::vector<std::pair<v1::Demand, bool>> needs;  // (need, all pairs)
    for (const auto& id : demands) {
      auto d = ctx_->store->GetDemand(id);
      if (d.ok() && d->status() == v1::DEMAND_OPEN) needs.push_back({*d, true});
    }
    for (const auto& id : reverse) {
      if (demands.count(id)) continue;
      auto d = ctx_->store->GetDemand(id);
      if (d.ok()) needs.push_back({*d, false});
    }
    for (const auto& [need, all_pairs] : needs) {
      auto ranked =
          ctx_->engine->SuggestPatents(matcher::NeedQueryFromDemand(need),
                                       v1::PatentFilter(), limits_.top_k);
      if (!ranked.ok()) return ranked.status();
      for (const auto& m : ranked->matches()) {
        if (!all_pairs && !patents.count(m.patent().id())) continue;
        // Not pushed on a word or two in common (ranking.h).
        if (matcher::TextRelevanceOf(m.explanation()) <
            matcher::kMinProposedRelevance) {
          continue;
        }
        candidates.emplace_back(need, m.patent(), m.score(), m.explanation(),
                                /*is_pool=*/false);
      }
    }
    // One scan of the needs serves both the pool profiles and the limits.
    // A company that stated an open need in an industry is matched by that
    // need there, not by its profile as well.
    std::set<std::pair<std::string, std::string>> stated;
    if (!listings.empty() || !candidates.empty()) {
      s = ctx_->store->ScanDemands("", [&](const v1::Demand& d) {
        if (d.status() == v1::DEMAND_OPEN) {
          stated.insert({d.organisation_id(), d.industry()});
        } else {
          closed_needs.insert(d.id());
        }
        return true;
      });
      if (!s.ok()) return s;
    }
    // Incubation-pool companies, by their profile: a changed listing tagged
    // with one of their industries is scored for them (no text to match, so
    // industry, region, deal terms and remaining life decide).
    if (!listings.empty()) {
      absl::Status error;
      s = ctx_->store->ScanOrganisations("", [&](const v1::Organisation& o) {
        if (!o.incubation_pool()) return true;
        for (const auto& listing : listings) {
          for (const auto& industry : o.industries()) {
            if (stated.count({o.id(), industry})) continue;
            if (std::find(listing.industry_tags().begin(),
                          listing.industry_tags().end(),
                          industry) == listing.industry_tags().end()) {
              continue;
            }
            v1::NeedQuery profile;
            profile.set_industry(industry);
            profile.set_district(o.district());
            auto explained = ctx_->engine->Explain(profile, {{0, 0, listing}});
            if (!explained.ok()) {
              error = explained.status();
              return false;
            }
            for (const auto& m : *explained) {
              candidates.emplace_back(PoolProfile(o, industry), listing,
                                      m.score(), m.explanation(),
                                      /*is_pool=*/true);
            }
            break;
          }
        }
        return true;
      });
      if (!error.ok()) return error;
      if (!s.ok()) return s;
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const Candidate& a, const Candidate& b) {
                if (a.score != b.score) return a.score > b.score;
                if (a.tie != b.tie) return a.tie < b.tie;
                return a.id < b.id;
              });
  }

  if (limits_.after_ranking_for_test) limits_.after_ranking_for_test();

  // Decide and write under the writer lock: the limits read what is there.
  PushStats batch;
  batch.changes_handled = changes.size();
  {
    absl::MutexLock lock(&ctx_->store->writer_mutex());
    const int64_t now = NowUnix();
    storage::WriteSet writes(storage::SystemAudit("PushWorker"));
    if (!candidates.empty()) {
      LimitBook book(limits_, now, &closed_needs);
      s = ctx_->store->ScanSuggestions("", [&](const v1::Suggestion& x) {
        book.Add(x);
        return true;
      });
      if (!s.ok()) return s;
      // Ranking ran outside the writer lock: a listing withdrawn or a need
      // closed meanwhile must not be pushed, and what is pushed stores the
      // listing and need as they are now. Each is read once per batch.
      absl::flat_hash_map<std::string, std::optional<v1::PatentListing>>
          listings_now;
      absl::flat_hash_map<std::string, std::optional<v1::Demand>> needs_now;
      // The candidate's listing and need as stored now, or nullopt when it
      // no longer fits (pool profiles have no stored need: theirs is kept).
      auto still_fits = [&](const Candidate& c)
          -> absl::StatusOr<
              std::optional<std::pair<v1::Demand, v1::PatentListing>>> {
        auto [l, unread] = listings_now.try_emplace(c.listing.id());
        if (unread) {
          auto listing = ctx_->store->GetPatent(c.listing.id());
          if (!listing.ok() && !absl::IsNotFound(listing.status())) {
            return listing.status();
          }
          if (listing.ok() && matcher::IsSuggestable(*listing)) {
            l->second = std::move(*listing);
          }
        }
        if (!l->second.has_value()) return std::nullopt;
        if (c.pool) return std::make_pair(c.demand, *l->second);
        auto [d, unread_need] = needs_now.try_emplace(c.demand.id());
        if (unread_need) {
          auto need = ctx_->store->GetDemand(c.demand.id());
          if (!need.ok() && !absl::IsNotFound(need.status())) {
            return need.status();
          }
          if (need.ok() && need->status() == v1::DEMAND_OPEN) {
            d->second = std::move(*need);
          }
        }
        if (!d->second.has_value()) return std::nullopt;
        return std::make_pair(*d->second, *l->second);
      };
      std::set<std::string> added;
      std::vector<v1::Suggestion> displaced;
      for (const auto& c : candidates) {
        const std::string& id = c.id;
        if (added.count(id) ||
            ctx_->store->Exists(EntityKind::kSuggestion, id)) {
          continue;
        }
        auto fits = still_fits(c);
        if (!fits.ok()) return fits.status();
        if (!fits->has_value()) continue;
        const auto& [need_now, listing_now] = **fits;
        v1::Suggestion fresh =
            NewSuggestion(need_now, listing_now, c.score, c.explanation, "push",
                          storage::SystemAudit("PushWorker"), now);
        int why = 0;
        if (!book.Admit(fresh, &displaced, &why)) {
          ++(why == 1 ? batch.dropped_patent_limit
                      : batch.dropped_company_limit);
          continue;
        }
        for (v1::Suggestion d : displaced) {
          const v1::SuggestionState before = d.state();
          d.set_state(v1::SUPERSEDED);
          d.set_state_changed_unix(now);
          v1::StateChange* change = d.add_history();
          change->set_from(before);
          change->set_to(v1::SUPERSEDED);
          change->set_action("supersede");
          change->set_actor_id("system");
          change->set_at_unix(now);
          change->set_note(absl::StrCat("push limit: ", id, " scored higher"));
          PutSuggestion(before, d, &writes);
          ++batch.superseded;
        }
        book.Apply(fresh, displaced);
        PutSuggestion(v1::SUGGESTION_STATE_UNSPECIFIED, fresh, &writes);
        added.insert(id);
        ++batch.suggested;
      }
    }
    writes.PutMeta(storage::kMetaPushWatermark, storage::EncodeUint64(last));
    auto committed = ctx_->store->Commit(writes);
    if (!committed.ok()) return committed.status();
  }
  if (batch.suggested + batch.superseded + batch.dropped_patent_limit +
          batch.dropped_company_limit >
      0) {
    std::fprintf(stderr,
                 "patentmatchd: push: %zu changes: %llu suggested, %llu "
                 "superseded, dropped %llu by the patent limit and %llu by "
                 "the company limit\n",
                 changes.size(),
                 static_cast<unsigned long long>(batch.suggested),
                 static_cast<unsigned long long>(batch.superseded),
                 static_cast<unsigned long long>(batch.dropped_patent_limit),
                 static_cast<unsigned long long>(batch.dropped_company_limit));
  }
  absl::MutexLock lock(&mutex_);
  handled_ = last;
  stats_.changes_handled += batch.changes_handled;
  stats_.suggested += batch.suggested;
  stats_.superseded += batch.superseded;
  stats_.dropped_patent_limit += batch.dropped_patent_limit;
  stats_.dropped_company_limit += batch.dropped_company_limit;
  return absl::OkStatus();
}

}  // namespace patentmatch
