// What every gRPC handler works with: the store (system of record), the
// search index and its updater, the match engine and access control. Owned by
// PatentMatchServer; handlers hold a pointer.
#ifndef PATENTMATCH_SERVICES_SERVICE_CONTEXT_H_
#define PATENTMATCH_SERVICES_SERVICE_CONTEXT_H_

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "indexer/index_updater.h"
#include "indexer/search_index.h"
#include "services/access_control.h"
#include "services/match_engine.h"
#include "storage/store.h"

namespace patentmatch {

class EventRankingCache;
class PushWorker;

struct ServiceContext {
  storage::Store* store = nullptr;
  indexer::SearchIndex* index = nullptr;
  indexer::IndexUpdater* updater = nullptr;
  MatchEngine* engine = nullptr;
  AccessControl* access = nullptr;
  PushWorker* push = nullptr;  // precise push (push_worker.h)
  // Rankings kept between plans of an event (event_planning.h); may be null.
  EventRankingCache* event_rankings = nullptr;
  // Set when the server begins to shut down: long-lived streams end.
  std::atomic<bool> stopping{false};

  // After a write: wait (briefly) until searches see change `seq`. The write
  // is already durable; if the index lags, searches catch up on their own.
  void AwaitIndexed(uint64_t seq) const {
    (void)updater->WaitFor(seq, absl::Seconds(30));
  }
};

// Server-side clock, in whole seconds since the epoch.
int64_t NowUnix();

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_SERVICE_CONTEXT_H_
