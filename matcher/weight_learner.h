// Learning the ranking engine's weights (ranking_weights.h) from the
// commissioners' review decisions. Every approval or rejection of a
// suggestion is one labelled example: the suggestion's explanation, as scored
// when it was suggested, carries the feature values the engine saw, and the
// decision (with its reason) says whether the engine was right to rank it.
// Pure: no I/O, no clock (the caller passes now_unix). The caller loads the
// stored RankingWeightsState, calls LearnFromDecision and stores the state
// back if it returns true; ranking uses WeightsFromState(state).
//
//   v1::RankingWeightsState state = DefaultWeightsState();
//   LearnFromDecision(suggestion.explanation(), /*approved=*/false,
//                     v1::WRONG_DEAL_MODE, now_unix, &state);
//   RankingWeights weights = WeightsFromState(state);
//
// The rule: one online logistic-regression step per decision.
//
//   The model: P(approve | pair) = p = sigmoid(kLogitScale * Σ_f w_f x_f)
//   over the features f the decision teaches about (FeaturesTaughtBy), with
//   w_f the current learned weight and x_f the feature's value in [-1, 1]
//   from the explanation (0 if the explanation lacks it).
//   The label: y = 1 for an approval, 0 for a rejection.
//   The step: w_f += kLearningRate * (y - p) * x_f for each taught f with
//   x_f != 0 (the gradient of the log-likelihood; kLogitScale is folded into
//   the rate), then w_f is clamped to [0, kMaxLearnedWeight].
//
// Why it does what the decision points to:
//  - The step moves w_f in the direction that makes the model's score agree
//    with the decision, in proportion to how surprised the model was
//    (y - p): an approval the model expected (p near 1) teaches little.
//  - Approval (y = 1, y - p > 0): features that spoke for the pair (x > 0)
//    gain weight; features that spoke against it (x < 0) lose weight, since
//    the commissioner approved despite them.
//  - Rejection (y = 0, y - p < 0) for a reason naming feature f:
//      x_f < 0 (e.g. deal_mode = -1, the patent is not offered the way the
//        company wants, rejected WRONG_DEAL_MODE): (0 - p) * (-1) > 0, the
//        weight rises. The bad fit was rightly a reason to reject, and the
//        engine should have pushed the pair further down.
//      x_f > 0 (e.g. ipc_overlap = +1, same IPC group, rejected
//        NOT_RELEVANT): (0 - p) * (+1) < 0, the weight falls. The engine
//        over-trusted the feature that lifted an irrelevant patent.
//  - Only the features the reason names learn from a rejection: a PRICE
//    rejection says nothing about the IPC field. An approval endorses the
//    whole pair, so every side feature learns from it. Reasons that are not
//    the ranking's fault (the company is not ready, a duplicate, other)
//    teach nothing.
//  - text_relevance is never learned. Weights are relative (only the order
//    of scores matters), so one weight must be fixed to pin the scale; text
//    relevance is that anchor, and keeping it at its default keeps text
//    dominant by design: the side features re-order patents that address
//    the need, they never lift one that does not.
//  - Clamping to [0, kMaxLearnedWeight]: a negative weight would invert a
//    feature's meaning (reward a patent for being over budget), and with
//    kMaxLearnedWeight = 0.5 no side feature can outweigh half of text
//    relevance.
//  - Self-limiting: as a weight grows, p moves towards the label the
//    commissioners keep giving and the steps shrink. With a single feature
//    the weight settles where sigmoid(kLogitScale * w) equals the share of
//    approvals among the decisions that teach about it; kLogitScale = 4
//    spreads weights of 0..0.5 over p = 0.5..0.88, so a handful of
//    decisions moves a weight visibly but no single decision dominates
//    (one step changes a weight by at most kLearningRate = 0.05).
#ifndef PATENTMATCH_MATCHER_WEIGHT_LEARNER_H_
#define PATENTMATCH_MATCHER_WEIGHT_LEARNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "matcher/ranking_weights.h"
#include "patentmatch/v1/patentmatch.pb.h"
#include "patentmatch/v1/review.pb.h"

namespace patentmatch::matcher {

// Step size of one decision (see the rule above).
inline constexpr double kLearningRate = 0.05;
// Scale of the weighted sum inside the sigmoid.
inline constexpr double kLogitScale = 4.0;
// Bounds of a learned weight.
inline constexpr double kMinLearnedWeight = 0.0;
inline constexpr double kMaxLearnedWeight = 0.5;
// The feature that is never learned: it fixes the score's scale.
inline constexpr absl::string_view kAnchorFeature = "text_relevance";

// The features, in RankingWeights field order; the names ScorePair writes
// into an explanation.
const std::vector<std::string>& FeatureNames();

// Pointer to the named weight, nullptr if the feature is unknown.
double* MutableWeight(RankingWeights* weights, absl::string_view feature);
// The named weight, 0 if the feature is unknown.
double GetWeight(const RankingWeights& weights, absl::string_view feature);

// The weights a state describes. A feature the state has no entry for (a new
// feature, an empty state) or a non-finite weight uses the RankingWeights{}
// default; entries for unknown features are ignored.
RankingWeights WeightsFromState(const v1::RankingWeightsState& state);

// Every feature in FeatureNames() order with weight = default_weight = the
// RankingWeights{} value; decisions_learned and updated_unix 0.
v1::RankingWeightsState DefaultWeightsState();

// The score an explanation's feature values earn under `weights`:
// Σ weight × value over the explanation's features (unknown features count
// 0). Equals ScorePair's score when the weights are those it scored with.
double Rescore(const v1::Explanation& explanation,
               const RankingWeights& weights);

// Which features a decision teaches about:
//   approval                 every feature except text_relevance
//   NOT_RELEVANT             ipc_overlap, industry
//   WRONG_DEAL_MODE          deal_mode, open_licence
//   PRICE                    budget
//   PATENT_NOT_IN_FORCE      remaining_life
//   COMPANY_NOT_READY, DUPLICATE, OTHER, UNSPECIFIED
//                            none: not the ranking's fault
// (district and owner_kind are the plan's priorities: only approvals teach
// about them.) `reason` is ignored for an approval.
std::vector<std::string> FeaturesTaughtBy(bool approved,
                                          v1::RejectionReason reason);

// Applies one review decision on a suggestion whose explanation (as scored
// when suggested) carries the feature values. approved = true: an approval;
// else a rejection with `reason`. Returns true if the decision was learned:
// the taught weights took one step (possibly held at a bound by the clamp),
// decisions_learned was incremented, updated_unix set to now_unix and the
// state completed to one entry per feature (missing ones at their default,
// default_weight refreshed; entries for unknown features kept as they are).
// Returns false, leaving the state untouched, if the decision carries no
// signal for the ranking: the reason teaches no feature, or every taught
// feature has value 0 in the explanation. Feature values are clamped to
// [-1, 1]; non-finite values count as 0.
bool LearnFromDecision(const v1::Explanation& explanation, bool approved,
                       v1::RejectionReason reason, int64_t now_unix,
                       v1::RankingWeightsState* state);

}  // namespace patentmatch::matcher

#endif  // PATENTMATCH_MATCHER_WEIGHT_LEARNER_H_
