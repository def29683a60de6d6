// MatchEngine: the suggestion pipeline, shared by the SuggestFor* RPCs and
// the reverse-matching RPC (and so by `patentmatch eval`, which calls the
// RPC). Retrieval from the search index, a check of every candidate against
// the store (the system of record: a listing withdrawn a moment ago is never
// suggested even if the index has not caught up), then re-ranking and
// explanations by matcher::ScorePair.
#ifndef PATENTMATCH_SERVICES_MATCH_ENGINE_H_
#define PATENTMATCH_SERVICES_MATCH_ENGINE_H_

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "indexer/search_index.h"
#include "matcher/ranking.h"
#include "patentmatch/v1/patentmatch.pb.h"
#include "storage/store.h"

namespace patentmatch {

class MatchEngine {
 public:
  // How many retrieved candidates are re-ranked per query.
  // Re-ranking depth. Eval queries carry text only, so their figures do not
  // depend on it (top_k 100 retrieves 100 either way); 200 doubled the
  // candidates Xapian must rank (README, Benchmarks).
  static constexpr int kCandidates = 100;
  static constexpr int kDefaultTopK = 10;
  static constexpr int kMaxTopK = 100;

  MatchEngine(const storage::Store* store, const indexer::SearchIndex* index,
              matcher::RankingWeights weights = {});

  // Best patents for `need` (already validated), at most top_k.
  absl::StatusOr<v1::SuggestResponse> SuggestPatents(
      const v1::NeedQuery& need, const v1::PatentFilter& filter,
      int top_k) const;

  // Every retrieved candidate (at most `candidates`) that may be
  // suggested, scored, best first (no explanations: see Explain).
  struct RankedPatent {
    double score = 0;
    double relevance = 0;  // text relevance, in [0, 1]
    v1::PatentListing listing;
  };
  absl::StatusOr<std::vector<RankedPatent>> RankPatents(
      const v1::NeedQuery& need, const v1::PatentFilter& filter,
      size_t candidates) const;
  // `ranked` (from RankPatents for `need`) explained, with matched terms; in
  // the given order, ranks 1..n.
  absl::StatusOr<std::vector<v1::PatentMatch>> Explain(
      const v1::NeedQuery& need, std::vector<RankedPatent> ranked) const;

  // Open demands that `patent` fits, best first; contact details removed.
  absl::StatusOr<v1::MatchDemandsForPatentResponse> MatchDemands(
      const v1::PatentListing& patent, int top_k) const;

  // The weights later rankings use (learned from review decisions).
  void set_weights(const matcher::RankingWeights& weights);
  matcher::RankingWeights weights() const;

 private:
  const storage::Store* store_;
  const indexer::SearchIndex* index_;
  mutable absl::Mutex mu_;
  matcher::RankingWeights weights_ ABSL_GUARDED_BY(mu_);
};

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_MATCH_ENGINE_H_
