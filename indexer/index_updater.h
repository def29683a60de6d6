// IndexUpdater: keeps the derived SearchIndex caught up with the store.
//
// The store appends a change record for every write to a patent or demand
// (storage/keys.h). The updater replays those after the index's watermark:
// at start-up, synchronously (CatchUp), and afterwards on a background
// thread woken by each commit, batching whatever accumulated into one Xapian
// commit. Deleting the index directory therefore only costs a replay.
//
//   IndexUpdater updater(store, index);
//   RETURN_IF_ERROR(updater.CatchUp());
//   updater.Start();
//   ... after a write that returned change sequence `seq`:
//   RETURN_IF_ERROR(updater.WaitFor(seq, absl::Seconds(10)));  //
//   read-your-writes
#ifndef PATENTMATCH_INDEXER_INDEX_UPDATER_H_
#define PATENTMATCH_INDEXER_INDEX_UPDATER_H_

#include <cstdint>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "indexer/search_index.h"
#include "storage/store.h"

namespace patentmatch::indexer {

class IndexUpdater {
 public:
  // Neither pointer is owned; both must outlive the updater.
  IndexUpdater(storage::Store* store, SearchIndex* index);
  ~IndexUpdater();  // stops the background thread

  // Replays every change the index has not yet seen; an empty index is
  // instead rebuilt from one scan of the store. Call before Start() and
  // before anything writes to the store. `progress`, if set, is called after
  // each batch with (applied, total), total 0 when not known.
  absl::Status CatchUp(
      const std::function<void(uint64_t, uint64_t)>& progress = nullptr);
  // Starts the background thread; wire Notify to the store's listener.
  void Start();
  void Notify(uint64_t seq);
  // Blocks until the index has applied change `seq` (or timeout).
  absl::Status WaitFor(uint64_t seq, absl::Duration timeout);
  // The last change the index has applied.
  uint64_t applied() const;
  // Applies what is pending, then stops the thread.
  void Stop();

 private:
  absl::Status Rebuild(const std::function<void(uint64_t, uint64_t)>& progress);
  absl::Status ApplyPending(
      const std::function<void(uint64_t, uint64_t)>& progress);
  void Run();

  storage::Store* const store_;
  SearchIndex* const index_;
  absl::Mutex apply_mutex_;  // one applier at a time (the index has one writer)

  mutable absl::Mutex mutex_;
  uint64_t target_ ABSL_GUARDED_BY(mutex_) = 0;
  uint64_t applied_ ABSL_GUARDED_BY(mutex_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  absl::Status last_error_ ABSL_GUARDED_BY(mutex_);
  std::thread thread_;
};

}  // namespace patentmatch::indexer

#endif  // PATENTMATCH_INDEXER_INDEX_UPDATER_H_
