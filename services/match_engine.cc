// Suggestion pipeline; see match_engine.h.
#include "services/match_engine.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace patentmatch {
namespace {

absl::CivilDay Today() {
  return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
}

}  // namespace

MatchEngine::MatchEngine(const storage::Store* store,
                         const indexer::SearchIndex* index,
                         matcher::RankingWeights weights)
    : store_(store), index_(index), weights_(weights) {}

void MatchEngine::set_weights(const matcher::RankingWeights& weights) {
  absl::MutexLock lock(&mu_);
  weights_ = weights;
}

matcher::RankingWeights MatchEngine::weights() const {
  absl::MutexLock lock(&mu_);
  return weights_;
}

namespace {

indexer::TextSearch SearchFor(const v1::NeedQuery& need, size_t limit) {
  indexer::TextSearch search;
  search.text = need.text();
  search.keywords.assign(need.keywords().begin(), need.keywords().end());
  search.limit = limit;
  search.with_matched_terms = false;  // only for the few explained
  return search;
}

}  // namespace

absl::StatusOr<std::vector<MatchEngine::RankedPatent>> MatchEngine::RankPatents(
    const v1::NeedQuery& need, const v1::PatentFilter& filter,
    size_t candidates) const {
  v1::PatentFilter active_only = filter;
  active_only.set_include_inactive(false);  // never suggest lapsed patents
  auto hits = index_->SearchPatents(SearchFor(need, candidates), active_only);
  if (!hits.ok()) return hits.status();

  // Text relevance is relative to the best match in the whole index: a
  // filter (an industry, an event's listings) narrows the candidates but
  // does not rescale them, so the best of a set that does not address the
  // need is not scored as a perfect fit. BM25 weights do not depend on the
  // filter, so the two searches' weights compare.
  double best = 0;
  for (const auto& h : hits->hits) best = std::max(best, h.relevance);
  v1::PatentFilter whole_index;
  whole_index.set_include_inactive(false);
  v1::PatentFilter restriction = active_only;
  restriction.clear_include_inactive();
  if (restriction.ByteSizeLong() > 0 && !hits->hits.empty()) {
    auto top = index_->SearchPatents(SearchFor(need, 1), whole_index);
    if (!top.ok()) return top.status();
    for (const auto& h : top->hits) best = std::max(best, h.relevance);
  }
  const absl::CivilDay today = Today();
  const matcher::RankingWeights weights = this->weights();

  // Score every candidate (matched terms do not change a score).
  std::vector<RankedPatent> ranked;
  ranked.reserve(hits->hits.size());
  for (const auto& hit : hits->hits) {
    auto listing = store_->GetPatent(hit.id);
    if (absl::IsNotFound(listing.status())) continue;
    if (!listing.ok()) return listing.status();
    if (!matcher::IsSuggestable(*listing)) continue;
    matcher::PairEvidence evidence;
    evidence.text_relevance = best > 0 ? hit.relevance / best : 0;
    const double score =
        matcher::ScorePair(need, *listing, evidence, weights, today).score;
    ranked.push_back({score, evidence.text_relevance, std::move(*listing)});
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const RankedPatent& a, const RankedPatent& b) {
              if (a.score != b.score) return a.score > b.score;
              return a.listing.id() < b.listing.id();
            });
  return ranked;
}

absl::StatusOr<std::vector<v1::PatentMatch>> MatchEngine::Explain(
    const v1::NeedQuery& need, std::vector<RankedPatent> ranked) const {
  std::vector<std::string> ids;
  for (const auto& r : ranked) ids.push_back(r.listing.id());
  auto matched = index_->MatchedPatentTerms(SearchFor(need, ids.size()), ids);
  if (!matched.ok()) return matched.status();
  const absl::CivilDay today = Today();
  const matcher::RankingWeights weights = this->weights();
  std::vector<v1::PatentMatch> out;
  out.reserve(ranked.size());
  for (size_t i = 0; i < ranked.size(); ++i) {
    matcher::PairEvidence evidence;
    evidence.text_relevance = ranked[i].relevance;
    evidence.matched_terms = std::move((*matched)[i]);
    matcher::ScoredPair scored =
        matcher::ScorePair(need, ranked[i].listing, evidence, weights, today);
    v1::PatentMatch match;
    match.set_rank(static_cast<int>(i + 1));
    match.set_score(scored.score);
    *match.mutable_patent() = std::move(ranked[i].listing);
    *match.mutable_explanation() = std::move(scored.explanation);
    out.push_back(std::move(match));
  }
  return out;
}

absl::StatusOr<v1::SuggestResponse> MatchEngine::SuggestPatents(
    const v1::NeedQuery& need, const v1::PatentFilter& filter,
    int top_k) const {
  if (top_k <= 0) top_k = kDefaultTopK;
  top_k = std::min(top_k, kMaxTopK);
  auto ranked = RankPatents(need, filter, std::max(kCandidates, top_k));
  if (!ranked.ok()) return ranked.status();
  v1::SuggestResponse response;
  response.set_candidates_considered(static_cast<int64_t>(ranked->size()));
  if (ranked->size() > static_cast<size_t>(top_k)) ranked->resize(top_k);
  auto explained = Explain(need, std::move(*ranked));
  if (!explained.ok()) return explained.status();
  for (auto& m : *explained) *response.add_matches() = std::move(m);
  return response;
}

absl::StatusOr<v1::MatchDemandsForPatentResponse> MatchEngine::MatchDemands(
    const v1::PatentListing& patent, int top_k) const {
  if (top_k <= 0) top_k = kDefaultTopK;
  top_k = std::min(top_k, kMaxTopK);
  v1::MatchDemandsForPatentResponse response;
  if (!matcher::IsSuggestable(patent)) return response;

  indexer::TextSearch search;
  search.text = absl::StrCat(patent.title(), "\n", patent.abstract());
  search.limit = kCandidates;
  search.expand_query = false;  // the patent text is already rich
  auto hits = index_->SearchDemands(search);
  if (!hits.ok()) return hits.status();

  double best = 0;
  for (const auto& h : hits->hits) best = std::max(best, h.relevance);
  const absl::CivilDay today = Today();
  const matcher::RankingWeights weights = this->weights();
  std::vector<v1::DemandMatch> matches;
  for (const auto& hit : hits->hits) {
    auto demand = store_->GetDemand(hit.id);
    if (absl::IsNotFound(demand.status())) continue;
    if (!demand.ok()) return demand.status();
    if (demand->status() != v1::DEMAND_OPEN) continue;
    matcher::PairEvidence evidence;
    evidence.text_relevance = best > 0 ? hit.relevance / best : 0;
    evidence.matched_terms = hit.matched_terms;
    matcher::ScoredPair scored =
        matcher::ScorePair(matcher::NeedQueryFromDemand(*demand), patent,
                           evidence, weights, today);
    v1::DemandMatch m;
    m.set_score(scored.score);
    demand->clear_contact();  // personal data: not for the patent side
    *m.mutable_demand() = std::move(*demand);
    *m.mutable_explanation() = std::move(scored.explanation);
    matches.push_back(std::move(m));
  }
  std::sort(matches.begin(), matches.end(),
            [](const v1::DemandMatch& a, const v1::DemandMatch& b) {
              if (a.score() != b.score()) return a.score() > b.score();
              return a.demand().id() < b.demand().id();
            });
  for (size_t i = 0; i < matches.size() && i < static_cast<size_t>(top_k);
       ++i) {
    matches[i].set_rank(static_cast<int>(i + 1));
    *response.add_matches() = std::move(matches[i]);
  }
  return response;
}

}  // namespace patentmatch
