// RocksDB-backed system of record; see store.h.
#include "storage/store.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/options_util.h"
#include "rocksdb/write_batch.h"

namespace patentmatch::storage {
namespace {

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsIOError() || s.IsBusy() || s.IsTryAgain()) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

bool IsIndexed(EntityKind kind) {
  return kind == EntityKind::kPatent || kind == EntityKind::kDemand;
}

template <typename Message>
absl::StatusOr<Message> GetTyped(const Store& store, EntityKind kind,
                                 absl::string_view id) {
  Message message;
  absl::Status s = store.Get(kind, id, &message);
  if (!s.ok()) return s;
  return message;
}

template <typename Message>
std::function<bool(absl::string_view, absl::string_view)> ParsingVisitor(
    const std::function<bool(const Message&)>& visit, absl::Status* error) {
  return [&visit, error](absl::string_view key, absl::string_view value) {
    Message message;
    if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      *error = absl::DataLossError(
          absl::StrCat("stored record '", key, "' does not parse"));
      return false;
    }
    return visit(message);
  };
}

// The last key of a column family that uses 8-byte sequence keys, as a
// number (0 if the family is empty).
absl::StatusOr<uint64_t> LastSequence(rocksdb::DB* db,
                                      rocksdb::ColumnFamilyHandle* family,
                                      absl::string_view what) {
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), family));
  it->SeekToLast();
  uint64_t last = 0;
  if (it->Valid()) {
    auto seq =
        DecodeUint64(absl::string_view(it->key().data(), it->key().size()));
    if (!seq)
      return absl::DataLossError(absl::StrCat("malformed ", what, " key"));
    last = *seq;
  }
  if (!it->status().ok()) return FromRocks(it->status(), what);
  return last;
}

}  // namespace

AuditContext SystemAudit(absl::string_view action) {
  AuditContext audit;
  audit.actor_id = "system";
  audit.actor_name = "patentmatchd";
  audit.action = std::string(action);
  return audit;
}

void WriteSet::Put(EntityKind kind, std::string id,
                   const google::protobuf::Message& entity) {
  entities_.push_back({kind, std::move(id), entity.SerializeAsString()});
}

void WriteSet::Delete(EntityKind kind, std::string id) {
  entities_.push_back({kind, std::move(id), std::string(), true});
}

void WriteSet::Announce(const v1::SuggestionNotice& notice) {
  notices_.push_back(notice);
}

void WriteSet::PutMeta(std::string key, std::string value) {
  meta_.emplace_back(std::move(key), std::move(value));
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  options.OptimizeLevelStyleCompaction();
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(128 << 20);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  const rocksdb::ColumnFamilyOptions family_options(options);
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, family_options},
      {kOrganisationsFamily, family_options},
      {kPatentsFamily, family_options},
      {kDemandsFamily, family_options},
      {kChangesFamily, family_options},
      {kMetaFamily, family_options},
      {kAccountsFamily, family_options},
      {kSuggestionsFamily, family_options},
      {kSettingsFamily, family_options},
      {kAuditFamily, family_options},
      {kAuditIndexFamily, family_options},
      {kEventsFamily, family_options},
      {kEventParticipantsFamily, family_options},
      {kEventPreferencesFamily, family_options},
      {kMeetingsFamily, family_options},
      {kNoticesFamily, family_options},
  };

  auto store = std::unique_ptr<Store>(new Store());
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(rocksdb::DBOptions(options), path,
                                        families, &store->handles_, &db);
  if (!s.ok()) return FromRocks(s, absl::StrCat("opening store at ", path));
  store->db_.reset(db);
  store->organisations_ = store->handles_[1];
  store->patents_ = store->handles_[2];
  store->demands_ = store->handles_[3];
  store->changes_ = store->handles_[4];
  store->meta_ = store->handles_[5];
  store->accounts_ = store->handles_[6];
  store->suggestions_ = store->handles_[7];
  store->settings_ = store->handles_[8];
  store->audit_ = store->handles_[9];
  store->audit_index_ = store->handles_[10];
  store->events_ = store->handles_[11];
  store->event_participants_ = store->handles_[12];
  store->event_preferences_ = store->handles_[13];
  store->meetings_ = store->handles_[14];
  store->notices_ = store->handles_[15];

  // Check (or stamp) the on-disk format.
  std::string version;
  s = db->Get(rocksdb::ReadOptions(), store->meta_, kMetaFormatVersion,
              &version);
  if (s.IsNotFound()) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = db->Put(sync, store->meta_, kMetaFormatVersion,
                EncodeUint64(kFormatVersion));
    if (!s.ok()) return FromRocks(s, "stamping format version");
  } else if (!s.ok()) {
    return FromRocks(s, "reading format version");
  } else if (DecodeUint64(version) != kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("store at ", path, " has an unknown format version"));
  }

  // The last change and audit sequences are the last keys of their logs.
  auto last_change = LastSequence(db, store->changes_, "change feed");
  if (!last_change.ok()) return last_change.status();
  auto last_audit = LastSequence(db, store->audit_, "audit log");
  if (!last_audit.ok()) return last_audit.status();
  auto last_notice = LastSequence(db, store->notices_, "notice feed");
  if (!last_notice.ok()) return last_notice.status();
  {
    absl::MutexLock lock(&store->commit_mutex_);
    store->last_change_seq_ = *last_change;
    store->last_audit_seq_ = *last_audit;
    store->last_notice_seq_ = *last_notice;
  }
  return store;
}

Store::~Store() {
  if (db_ == nullptr) return;
  for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  db_->Close();
}

rocksdb::ColumnFamilyHandle* Store::Family(EntityKind kind) const {
  switch (kind) {
    case EntityKind::kOrganisation:
      return organisations_;
    case EntityKind::kPatent:
      return patents_;
    case EntityKind::kDemand:
      return demands_;
    case EntityKind::kAccount:
      return accounts_;
    case EntityKind::kSuggestion:
      return suggestions_;
    case EntityKind::kSetting:
      return settings_;
    case EntityKind::kEvent:
      return events_;
    case EntityKind::kEventParticipant:
      return event_participants_;
    case EntityKind::kEventPreference:
      return event_preferences_;
    case EntityKind::kMeeting:
      return meetings_;
  }
  return nullptr;
}

absl::Status Store::Get(EntityKind kind, absl::string_view id,
                        google::protobuf::Message* out) const {
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Family(kind),
                               rocksdb::Slice(id.data(), id.size()), &bytes);
  if (s.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat("no ", EntityKindName(kind), " '", id, "'"));
  }
  if (!s.ok())
    return FromRocks(s, absl::StrCat("reading ", EntityKindName(kind)));
  if (!out->ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("stored ", EntityKindName(kind),
                                            " '", id, "' does not parse"));
  }
  return absl::OkStatus();
}

bool Store::Exists(EntityKind kind, absl::string_view id) const {
  std::string ignored;
  return db_
      ->Get(rocksdb::ReadOptions(), Family(kind),
            rocksdb::Slice(id.data(), id.size()), &ignored)
      .ok();
}

absl::StatusOr<v1::Organisation> Store::GetOrganisation(
    absl::string_view id) const {
  return GetTyped<v1::Organisation>(*this, EntityKind::kOrganisation, id);
}
absl::StatusOr<v1::PatentListing> Store::GetPatent(absl::string_view id) const {
  return GetTyped<v1::PatentListing>(*this, EntityKind::kPatent, id);
}
absl::StatusOr<v1::Demand> Store::GetDemand(absl::string_view id) const {
  return GetTyped<v1::Demand>(*this, EntityKind::kDemand, id);
}

absl::Status Store::Scan(
    EntityKind kind, absl::string_view start_after,
    const std::function<bool(absl::string_view, absl::string_view)>& visit)
    const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), Family(kind)));
  if (start_after.empty()) {
    it->SeekToFirst();
  } else {
    it->Seek(rocksdb::Slice(start_after.data(), start_after.size()));
    if (it->Valid() &&
        it->key() == rocksdb::Slice(start_after.data(), start_after.size())) {
      it->Next();
    }
  }
  for (; it->Valid(); it->Next()) {
    if (!visit(absl::string_view(it->key().data(), it->key().size()),
               absl::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
  return FromRocks(it->status(),
                   absl::StrCat("scanning ", EntityKindName(kind)));
}

absl::Status Store::ScanKeys(
    EntityKind kind, absl::string_view prefix,
    const std::function<bool(absl::string_view, absl::string_view)>& visit)
    const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), Family(kind)));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid();
       it->Next()) {
    const absl::string_view key(it->key().data(), it->key().size());
    if (!absl::StartsWith(key, prefix)) break;
    if (!visit(key,
               absl::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
  return FromRocks(it->status(),
                   absl::StrCat("scanning ", EntityKindName(kind)));
}

absl::Status Store::DataLoss(EntityKind kind, absl::string_view key) {
  return absl::DataLossError(absl::StrCat("stored ", EntityKindName(kind), " '",
                                          key, "' does not parse"));
}

absl::Status Store::ScanOrganisations(
    absl::string_view start_after,
    const std::function<bool(const v1::Organisation&)>& visit) const {
  absl::Status error;
  absl::Status s = Scan(EntityKind::kOrganisation, start_after,
                        ParsingVisitor(visit, &error));
  return error.ok() ? s : error;
}
absl::Status Store::ScanPatents(
    absl::string_view start_after,
    const std::function<bool(const v1::PatentListing&)>& visit) const {
  absl::Status error;
  absl::Status s =
      Scan(EntityKind::kPatent, start_after, ParsingVisitor(visit, &error));
  return error.ok() ? s : error;
}
absl::Status Store::ScanDemands(
    absl::string_view start_after,
    const std::function<bool(const v1::Demand&)>& visit) const {
  absl::Status error;
  absl::Status s =
      Scan(EntityKind::kDemand, start_after, ParsingVisitor(visit, &error));
  return error.ok() ? s : error;
}

absl::Status Store::ScanAccounts(
    absl::string_view start_after,
    const std::function<bool(const v1::Account&)>& visit) const {
  absl::Status error;
  absl::Status s =
      Scan(EntityKind::kAccount, start_after, ParsingVisitor(visit, &error));
  return error.ok() ? s : error;
}
absl::Status Store::ScanSuggestions(
    absl::string_view start_after,
    const std::function<bool(const v1::Suggestion&)>& visit) const {
  absl::Status error;
  absl::Status s =
      Scan(EntityKind::kSuggestion, start_after, ParsingVisitor(visit, &error));
  return error.ok() ? s : error;
}

absl::Status Store::ReadAudit(const AuditQuery& query,
                              std::vector<v1::AuditRecord>* out,
                              bool* more) const {
  *more = false;
  // Reads one record by sequence and keeps it if it matches; false to stop.
  absl::Status error;
  auto consider = [&](uint64_t seq, absl::string_view bytes) {
    v1::AuditRecord record;
    if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      error = absl::DataLossError(
          absl::StrCat("audit record ", seq, " does not parse"));
      return false;
    }
    if (query.since_unix != 0 && record.at_unix() < query.since_unix) {
      return true;
    }
    if (query.until_unix != 0 && record.at_unix() >= query.until_unix) {
      return true;
    }
    if (!query.actor_id.empty() && record.actor_id() != query.actor_id) {
      return true;
    }
    if (query.kind && record.entity_kind() != EntityKindName(*query.kind)) {
      return true;
    }
    if (!query.entity_id.empty() && record.entity_id() != query.entity_id) {
      return true;
    }
    if (out->size() == query.limit) {
      *more = true;
      return false;
    }
    out->push_back(std::move(record));
    return true;
  };

  std::string prefix;
  if (query.kind && !query.entity_id.empty()) {
    prefix = AuditEntityPrefix(*query.kind, query.entity_id);
  } else if (!query.actor_id.empty()) {
    prefix = AuditActorPrefix(query.actor_id);
  }
  if (prefix.empty()) {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), audit_));
    for (it->Seek(AuditKey(query.after_seq + 1)); it->Valid(); it->Next()) {
      auto seq =
          DecodeUint64(absl::string_view(it->key().data(), it->key().size()));
      if (!seq) return absl::DataLossError("malformed audit key");
      if (!consider(*seq, absl::string_view(it->value().data(),
                                            it->value().size()))) {
        break;
      }
    }
    if (!error.ok()) return error;
    return FromRocks(it->status(), "reading the audit log");
  }

  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), audit_index_));
  const std::string start = prefix + EncodeUint64(query.after_seq + 1);
  for (it->Seek(start); it->Valid(); it->Next()) {
    const absl::string_view key(it->key().data(), it->key().size());
    if (!absl::StartsWith(key, prefix) || key.size() != prefix.size() + 8) {
      if (!absl::StartsWith(key, prefix)) break;
      continue;
    }
    auto seq = AuditSeqFromIndexKey(key);
    if (!seq) return absl::DataLossError("malformed audit index key");
    std::string bytes;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), audit_, AuditKey(*seq), &bytes);
    if (!s.ok()) return FromRocks(s, "reading the audit log");
    if (!consider(*seq, bytes)) break;
  }
  if (!error.ok()) return error;
  return FromRocks(it->status(), "reading the audit index");
}

absl::StatusOr<uint64_t> Store::GetMetaCounter(absl::string_view key) const {
  std::string bytes;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_,
                               rocksdb::Slice(key.data(), key.size()), &bytes);
  if (s.IsNotFound()) return 0;
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", key));
  auto value = DecodeUint64(bytes);
  if (!value) return absl::DataLossError(absl::StrCat("malformed ", key));
  return *value;
}

absl::StatusOr<uint64_t> Store::Commit(const WriteSet& writes) {
  uint64_t last = 0;
  bool appended = false;
  {
    absl::MutexLock lock(&commit_mutex_);
    rocksdb::WriteBatch batch;
    uint64_t seq = last_change_seq_;
    uint64_t audit_seq = last_audit_seq_;
    uint64_t notice_seq = last_notice_seq_;
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    // Entities written earlier in this same set: their "before" is the
    // earlier write, not what is on disk.
    absl::flat_hash_map<std::string, std::string> pending;
    for (const auto& e : writes.entities_) {
      rocksdb::ColumnFamilyHandle* family = Family(e.kind);
      if (family == nullptr) {
        return absl::InternalError("write to an unknown entity kind");
      }
      const std::string pending_key = EncodeChange(e.kind, e.id);
      std::string before;
      if (auto it = pending.find(pending_key); it != pending.end()) {
        before = it->second;
      } else {
        rocksdb::Status s =
            db_->Get(rocksdb::ReadOptions(), family, e.id, &before);
        if (s.IsNotFound()) {
          before.clear();
        } else if (!s.ok()) {
          return FromRocks(s, "reading the version being replaced");
        }
      }
      if (e.deleted && IsIndexed(e.kind)) {
        return absl::InternalError("indexed entities are never deleted");
      }
      pending[pending_key] = e.bytes;
      rocksdb::Status s = e.deleted ? batch.Delete(family, e.id)
                                    : batch.Put(family, e.id, e.bytes);
      if (!s.ok()) return FromRocks(s, "building write batch");
      if (IsIndexed(e.kind)) {
        s = batch.Put(changes_, ChangeKey(++seq), EncodeChange(e.kind, e.id));
        if (!s.ok()) return FromRocks(s, "building write batch");
        appended = true;
      }
      if (before == e.bytes) continue;  // nothing changed: nothing to audit
      v1::AuditRecord record;
      record.set_seq(++audit_seq);
      record.set_at_unix(now);
      record.set_actor_id(writes.audit_.actor_id);
      record.set_actor_name(writes.audit_.actor_name);
      record.set_actor_role(writes.audit_.actor_role);
      record.set_action(writes.audit_.action);
      record.set_entity_kind(std::string(EntityKindName(e.kind)));
      record.set_entity_id(e.id);
      record.set_before(std::move(before));
      record.set_after(e.bytes);
      s = batch.Put(audit_, AuditKey(audit_seq), record.SerializeAsString());
      if (s.ok()) {
        s = batch.Put(audit_index_,
                      AuditEntityPrefix(e.kind, e.id) + EncodeUint64(audit_seq),
                      "");
      }
      if (s.ok()) {
        s = batch.Put(
            audit_index_,
            AuditActorPrefix(writes.audit_.actor_id) + EncodeUint64(audit_seq),
            "");
      }
      if (!s.ok()) return FromRocks(s, "building write batch");
    }
    for (const auto& [key, value] : writes.meta_) {
      rocksdb::Status s = batch.Put(meta_, key, value);
      if (!s.ok()) return FromRocks(s, "building write batch");
    }
    for (v1::SuggestionNotice notice : writes.notices_) {
      notice.set_position(++notice_seq);
      notice.set_at_unix(now);
      rocksdb::Status s = batch.Put(notices_, NoticeKey(notice_seq),
                                    notice.SerializeAsString());
      if (!s.ok()) return FromRocks(s, "building write batch");
    }
    rocksdb::WriteOptions options;
    options.sync = true;  // acknowledged means on disk
    rocksdb::Status s = db_->Write(options, &batch);
    if (!s.ok()) return FromRocks(s, "writing");
    last_change_seq_ = seq;
    last_audit_seq_ = audit_seq;
    last_notice_seq_ = notice_seq;  // wakes AwaitNotice (a Condition)
    last = seq;
  }
  if (appended && change_listener_) change_listener_(last);
  return last;
}

absl::Status Store::ReadChanges(uint64_t after_seq, size_t limit,
                                std::vector<Change>* out) const {
  if (after_seq == UINT64_MAX) return absl::OkStatus();  // nothing after it
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), changes_));
  for (it->Seek(ChangeKey(after_seq + 1)); it->Valid() && out->size() < limit;
       it->Next()) {
    auto seq =
        DecodeUint64(absl::string_view(it->key().data(), it->key().size()));
    if (!seq) return absl::DataLossError("malformed change feed key");
    auto change = DecodeChange(
        *seq, absl::string_view(it->value().data(), it->value().size()));
    if (!change) {
      return absl::DataLossError(
          absl::StrCat("malformed change record ", *seq));
    }
    out->push_back(std::move(*change));
  }
  return FromRocks(it->status(), "reading changes");
}

absl::Status Store::ReadNotices(uint64_t after, size_t limit,
                                std::vector<v1::SuggestionNotice>* out) const {
  if (after == UINT64_MAX) return absl::OkStatus();
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), notices_));
  for (it->Seek(NoticeKey(after + 1)); it->Valid() && out->size() < limit;
       it->Next()) {
    v1::SuggestionNotice notice;
    if (!notice.ParseFromArray(it->value().data(),
                               static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a stored suggestion notice does not parse");
    }
    out->push_back(std::move(notice));
  }
  return FromRocks(it->status(), "reading notices");
}

uint64_t Store::last_notice_seq() const {
  absl::MutexLock lock(&commit_mutex_);
  return last_notice_seq_;
}

bool Store::AwaitNotice(uint64_t after, absl::Duration timeout) const {
  absl::MutexLock lock(&commit_mutex_);
  auto newer = [this, after]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(commit_mutex_) {
    return last_notice_seq_ > after;
  };
  return commit_mutex_.AwaitWithTimeout(absl::Condition(&newer), timeout);
}

uint64_t Store::last_change_seq() const {
  absl::MutexLock lock(&commit_mutex_);
  return last_change_seq_;
}

void Store::SetChangeListener(std::function<void(uint64_t)> listener) {
  change_listener_ = std::move(listener);
}

}  // namespace patentmatch::storage
