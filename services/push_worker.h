// Precise push (精准推动): when a patent is listed or changes, find the open
// needs and the incubation-pool companies (培育库) it fits; when a need is
// submitted or changes, rank patents for it; enter the new pairs into the
// review queue as source "push", within limits.
//
// It tails the store's change feed (the one the search index replays) on a
// background thread, after the index has caught up with each change so
// rankings see it. A pair fits when the patent ranks among the need's
// `top_k` best patents, the same list a commissioner's ProposeSuggestions
// would give, and its text relevance reaches matcher::kMinProposedRelevance
// (a patent sharing a word or two with the need is not pushed): reverse
// matching only picks which needs to re-rank. An
// incubation-pool company is matched by its profile in each of its
// industries where it has stated no open need: every changed listing tagged
// with that industry is scored for it (industry, region, deal
// terms, remaining life; there is no text), as suggestion
// "pool:<organisation id>:<patent id>" with demand_id "pool:<organisation
// id>".
//
// Limits, applied to pushed suggestions in score order (equal scores, as
// incubation-pool profiles often have, in an order hashed from the
// suggestion id, so ties do not always go to the same companies):
//  - a patent is suggested to at most `max_companies_per_patent` companies
//    at once (counting every active suggestion of the patent, whoever made
//    it, except those for a need that is no longer open: such a need takes
//    nothing more, and a claimed suggestion would otherwise hold its place
//    for good);
//  - a company gets at most `max_per_company` pushed suggestions per
//    `period` (rolling; those for closed needs count: it received them).
// When a limit is full, a better pair takes the place of the weakest
// pushed suggestion nobody has claimed yet (it becomes SUPERSEDED);
// otherwise it is dropped. So the best are kept.
//
// Ranking runs outside the store's writer lock; under it, before a pair is
// admitted, its listing is read again (still suggestable) and its need
// (still open), so nothing withdrawn or closed meanwhile is pushed.
//
// Exactly once: the suggestions of a batch of changes and the push
// watermark (storage kMetaPushWatermark) commit in one batch, so a crash
// replays the batch at most once; a pair is never suggested twice anyway.
#ifndef PATENTMATCH_SERVICES_PUSH_WORKER_H_
#define PATENTMATCH_SERVICES_PUSH_WORKER_H_

#include <cstdint>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/service_context.h"

namespace patentmatch {

struct PushLimits {
  bool enabled = true;
  int max_companies_per_patent = 5;  // N
  int max_per_company = 10;          // M per period
  absl::Duration period = absl::Hours(24 * 7);
  int top_k = 10;  // a patent fits a need when among its top_k
  // Tests only: runs on the push thread once a batch is ranked, before its
  // pairs are decided under the writer lock, so a test can change the store
  // in between (the listing withdrawn or need closed while push ranked).
  std::function<void()> after_ranking_for_test;
};

// What push has done since start (for logs and tests).
struct PushStats {
  uint64_t changes_handled = 0;
  uint64_t suggested = 0;
  uint64_t superseded = 0;
  uint64_t dropped_patent_limit = 0;
  uint64_t dropped_company_limit = 0;
};

class PushWorker {
 public:
  // `ctx` must outlive the worker.
  PushWorker(const ServiceContext* ctx, PushLimits limits);
  ~PushWorker();  // stops the thread

  // Starts the background thread; it first handles any changes made while
  // the server was down. Wire Notify to the store's change listener.
  void Start();
  void Notify(uint64_t seq);
  void Stop();

  // Blocks until push has handled change `seq` (or timeout).
  absl::Status WaitFor(uint64_t seq, absl::Duration timeout);
  PushStats stats() const;
  // Every change up to this one has been handled.
  uint64_t handled() const;
  const PushLimits& limits() const { return limits_; }

 private:
  // Handles the next batch of changes after the watermark; sets *idle when
  // there was none.
  absl::Status RunBatch(bool* idle);
  void Run();

  const ServiceContext* const ctx_;
  const PushLimits limits_;

  mutable absl::Mutex mutex_;
  uint64_t target_ ABSL_GUARDED_BY(mutex_) = 0;
  uint64_t handled_ ABSL_GUARDED_BY(mutex_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  PushStats stats_ ABSL_GUARDED_BY(mutex_);
  std::thread thread_;
};

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_PUSH_WORKER_H_
