// Store: the system of record. Every organisation, patent listing and demand
// lives here, in RocksDB, one column family per entity kind (layout in
// keys.h). Writes go through WriteSet + Commit: all entities of one logical
// change land in one WriteBatch, synced to the WAL before Commit returns, so
// an acknowledged write survives a crash. Writes to indexed kinds (patents,
// demands) also append to the change feed that the Xapian index replays, and
// every entity write appends an audit record (who, role, when, what, before
// and after) in the same batch: a WriteSet cannot be made without saying who
// is writing.
//
//   WriteSet writes(caller.Audit("PatentService.CreatePatent"));
//   writes.Put(EntityKind::kPatent, listing.id(), listing);
//   RETURN_IF_ERROR(store->Commit(writes));
//
// Thread-safety: all methods are safe to call concurrently. Commit is atomic
// but does not serialise read-check-write sequences; callers that must
// check before writing (create-if-absent, id allocation) hold
// writer_mutex() around the check and the Commit.
#ifndef PATENTMATCH_STORAGE_STORE_H_
#define PATENTMATCH_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "patentmatch/v1/access.pb.h"
#include "patentmatch/v1/audit.pb.h"
#include "patentmatch/v1/patentmatch.pb.h"
#include "patentmatch/v1/review.pb.h"
#include "storage/keys.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace patentmatch::storage {

// Who makes a write, and through which action: stamped on its audit records.
struct AuditContext {
  std::string actor_id;  // account id, or "system" for the server itself
  std::string actor_name;
  v1::Role actor_role = v1::ROLE_UNSPECIFIED;
  std::string action;  // e.g. "PatentService.CreatePatent"
};
// The server acting on its own behalf (start-up, first administrator).
AuditContext SystemAudit(absl::string_view action);

// The entities and bookkeeping values of one atomic write.
class WriteSet {
 public:
  explicit WriteSet(AuditContext audit) : audit_(std::move(audit)) {}
  void Put(EntityKind kind, std::string id,
           const google::protobuf::Message& entity);
  // Removes an entity (audited, with an empty "after"). Only for kinds
  // that are not indexed: docking-event meetings replaced by a new plan.
  void Delete(EntityKind kind, std::string id);
  void PutMeta(std::string key, std::string value);
  // Appends `notice` (a SuggestionNotice) to the notices feed; Commit gives
  // it the next notice position, sets its `position` field and wakes
  // watchers.
  void Announce(const v1::SuggestionNotice& notice);
  bool empty() const {
    return entities_.empty() && meta_.empty() && notices_.empty();
  }
  size_t size() const {
    return entities_.size() + meta_.size() + notices_.size();
  }

 private:
  friend class Store;
  struct Entity {
    EntityKind kind;
    std::string id;
    std::string bytes;
    bool deleted = false;
  };
  AuditContext audit_;
  std::vector<Entity> entities_;
  std::vector<std::pair<std::string, std::string>> meta_;
  std::vector<v1::SuggestionNotice> notices_;
};

// Which audit records to read. kind + entity_id, or actor_id, use the audit
// index; otherwise the log is read in order. Times are unix seconds.
struct AuditQuery {
  std::optional<EntityKind> kind;
  std::string entity_id;
  std::string actor_id;
  int64_t since_unix = 0;  // inclusive; 0: any
  int64_t until_unix = 0;  // exclusive; 0: any
  uint64_t after_seq = 0;  // resume after this record
  size_t limit = 100;
};

class Store {
 public:
  // Opens (creating if needed) the store in directory `path`.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // NOT_FOUND if there is no such entity.
  absl::StatusOr<v1::Organisation> GetOrganisation(absl::string_view id) const;
  absl::StatusOr<v1::PatentListing> GetPatent(absl::string_view id) const;
  absl::StatusOr<v1::Demand> GetDemand(absl::string_view id) const;
  // Reads any entity into `out` (whose type must match `kind`).
  absl::Status Get(EntityKind kind, absl::string_view id,
                   google::protobuf::Message* out) const;
  bool Exists(EntityKind kind, absl::string_view id) const;

  // Visits entities of one kind in id order, starting after `start_after`
  // (empty: from the first). `visit` returns false to stop.
  absl::Status ScanOrganisations(
      absl::string_view start_after,
      const std::function<bool(const v1::Organisation&)>& visit) const;
  absl::Status ScanPatents(
      absl::string_view start_after,
      const std::function<bool(const v1::PatentListing&)>& visit) const;
  absl::Status ScanDemands(
      absl::string_view start_after,
      const std::function<bool(const v1::Demand&)>& visit) const;
  absl::Status ScanAccounts(
      absl::string_view start_after,
      const std::function<bool(const v1::Account&)>& visit) const;
  absl::Status ScanSuggestions(
      absl::string_view start_after,
      const std::function<bool(const v1::Suggestion&)>& visit) const;

  // Visits entities of one kind whose id starts with `prefix`, in id order
  // (e.g. all meetings of one event: EventChildPrefix(event id)).
  template <typename Entity>
  absl::Status ScanPrefix(
      EntityKind kind, absl::string_view prefix,
      const std::function<bool(const Entity&)>& visit) const {
    absl::Status error;
    absl::Status s = ScanKeys(
        kind, prefix, [&](absl::string_view key, absl::string_view value) {
          Entity entity;
          if (!entity.ParseFromArray(value.data(),
                                     static_cast<int>(value.size()))) {
            error = DataLoss(kind, key);
            return false;
          }
          return visit(entity);
        });
    return error.ok() ? s : error;
  }

  // Audit records matching `query`, oldest first, in their stored form
  // (before/after as serialised entities). *more is set when the limit cut
  // the answer short.
  absl::Status ReadAudit(const AuditQuery& query,
                         std::vector<v1::AuditRecord>* out, bool* more) const;

  // Reads a bookkeeping counter from meta (0 if never written).
  absl::StatusOr<uint64_t> GetMetaCounter(absl::string_view key) const;

  // Writes `writes` atomically and durably (WAL fsync), appends one change
  // per indexed entity and one audit record per entity that changed. Returns
  // the last change sequence written (or the current one if nothing indexed
  // changed).
  absl::StatusOr<uint64_t> Commit(const WriteSet& writes);

  // Up to `limit` changes with sequence > after_seq, in order.
  absl::Status ReadChanges(uint64_t after_seq, size_t limit,
                           std::vector<Change>* out) const;
  uint64_t last_change_seq() const;

  // Called after every Commit that appended changes, with the new last
  // sequence (outside any store lock). Set once, before concurrent use.
  void SetChangeListener(std::function<void(uint64_t)> listener);

  // Notices (SuggestionNotice, position set) with position > after, in
  // order, at most `limit`.
  absl::Status ReadNotices(uint64_t after, size_t limit,
                           std::vector<v1::SuggestionNotice>* out) const;
  uint64_t last_notice_seq() const;
  // Blocks until a notice after `after` exists or `timeout` passes; true if
  // one exists.
  bool AwaitNotice(uint64_t after, absl::Duration timeout) const;

  // See the class comment.
  absl::Mutex& writer_mutex() { return writer_mutex_; }

 private:
  Store() = default;
  rocksdb::ColumnFamilyHandle* Family(EntityKind kind) const;
  absl::Status Scan(EntityKind kind, absl::string_view start_after,
                    const std::function<bool(absl::string_view,
                                             absl::string_view)>& visit) const;
  absl::Status ScanKeys(
      EntityKind kind, absl::string_view prefix,
      const std::function<bool(absl::string_view, absl::string_view)>& visit)
      const;
  static absl::Status DataLoss(EntityKind kind, absl::string_view key);

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* organisations_ = nullptr;
  rocksdb::ColumnFamilyHandle* patents_ = nullptr;
  rocksdb::ColumnFamilyHandle* demands_ = nullptr;
  rocksdb::ColumnFamilyHandle* changes_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* accounts_ = nullptr;
  rocksdb::ColumnFamilyHandle* suggestions_ = nullptr;
  rocksdb::ColumnFamilyHandle* settings_ = nullptr;
  rocksdb::ColumnFamilyHandle* audit_ = nullptr;
  rocksdb::ColumnFamilyHandle* audit_index_ = nullptr;
  rocksdb::ColumnFamilyHandle* events_ = nullptr;
  rocksdb::ColumnFamilyHandle* event_participants_ = nullptr;
  rocksdb::ColumnFamilyHandle* event_preferences_ = nullptr;
  rocksdb::ColumnFamilyHandle* meetings_ = nullptr;
  rocksdb::ColumnFamilyHandle* notices_ = nullptr;

  absl::Mutex writer_mutex_;
  mutable absl::Mutex commit_mutex_;  // orders change sequence numbers
  uint64_t last_change_seq_ ABSL_GUARDED_BY(commit_mutex_) = 0;
  uint64_t last_audit_seq_ ABSL_GUARDED_BY(commit_mutex_) = 0;
  uint64_t last_notice_seq_ ABSL_GUARDED_BY(commit_mutex_) = 0;
  std::function<void(uint64_t)> change_listener_;
};

}  // namespace patentmatch::storage

#endif  // PATENTMATCH_STORAGE_STORE_H_
