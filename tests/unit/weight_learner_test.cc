// Tests for matcher/weight_learner.h: the state <-> weights mapping, which
// decisions teach which features, the direction and size of each learning
// step, the bounds, and that consistent decisions improve the ranking of
// pairs the learner never saw.
#include "matcher/weight_learner.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "matcher/ranking.h"
#include "matcher/ranking_weights.h"
#include "patentmatch/v1/patentmatch.pb.h"
#include "patentmatch/v1/review.pb.h"

namespace patentmatch::matcher {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr int64_t kNow = 1735689600;  // 2025-01-01

// An explanation carrying the given feature values, as ScorePair writes them.
v1::Explanation Pair(std::vector<std::pair<std::string, double>> values) {
  v1::Explanation e;
  for (const auto& [name, value] : values) {
    auto* f = e.add_features();
    f->set_feature(name);
    f->set_value(value);
  }
  return e;
}

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

double StateWeight(const v1::RankingWeightsState& state,
                   const std::string& feature) {
  return GetWeight(WeightsFromState(state), feature);
}

// Position of each pair when ranked by score under `weights` (0 = top);
// equal scores keep the input order.
std::vector<int> Positions(const std::vector<v1::Explanation>& pairs,
                           const RankingWeights& weights) {
  std::vector<int> order(pairs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return Rescore(pairs[a], weights) > Rescore(pairs[b], weights);
  });
  std::vector<int> position(pairs.size());
  for (size_t p = 0; p < order.size(); ++p) position[order[p]] = p;
  return position;
}

TEST(WeightLearnerTest, FeatureNamesFollowRankingWeightsAndScorePair) {
  EXPECT_THAT(FeatureNames(),
              ElementsAre("text_relevance", "ipc_overlap", "industry",
                          "deal_mode", "budget", "remaining_life", "district",
                          "open_licence", "owner_kind"));
  // The names ScorePair writes into an explanation, in the same order.
  v1::NeedQuery need;
  need.set_text("锂电池正极材料");
  v1::PatentListing patent;
  patent.set_id("CN114081026A");
  const ScoredPair scored =
      ScorePair(need, patent, PairEvidence{.text_relevance = 0.8},
                RankingWeights{}, absl::CivilDay(2025, 1, 1));
  std::vector<std::string> names;
  for (const auto& f : scored.explanation.features()) {
    names.push_back(f.feature());
  }
  EXPECT_EQ(names, FeatureNames());
}

TEST(WeightLearnerTest, RescoreEqualsScorePairScore) {
  v1::NeedQuery need;
  need.set_text("锂电池正极材料");
  need.add_ipc_hints("H01M4/36");
  need.add_deal_modes(v1::TRANSFER);
  need.set_industry("新能源");
  v1::PatentListing patent;
  patent.set_id("CN114081026A");
  patent.add_ipc_codes("H01M4/36");
  patent.add_deal_modes(v1::LICENCE_OPEN);
  patent.add_industry_tags("新材料");
  patent.set_owner_kind(v1::UNIVERSITY);
  RankingWeights weights;
  weights.ipc_overlap = 0.33;
  weights.deal_mode = 0.41;
  const ScoredPair scored =
      ScorePair(need, patent, PairEvidence{.text_relevance = 0.7}, weights,
                absl::CivilDay(2025, 1, 1));
  EXPECT_DOUBLE_EQ(Rescore(scored.explanation, weights), scored.score);
}

TEST(WeightLearnerTest, MutableWeightAndGetWeight) {
  RankingWeights weights;
  double* deal_mode = MutableWeight(&weights, "deal_mode");
  ASSERT_NE(deal_mode, nullptr);
  EXPECT_EQ(deal_mode, &weights.deal_mode);
  *deal_mode = 0.42;
  EXPECT_DOUBLE_EQ(GetWeight(weights, "deal_mode"), 0.42);
  EXPECT_DOUBLE_EQ(GetWeight(weights, "owner_kind"), 0.03);
  EXPECT_EQ(MutableWeight(&weights, "popularity"), nullptr);
  EXPECT_EQ(MutableWeight(&weights, ""), nullptr);
  EXPECT_EQ(GetWeight(weights, "popularity"), 0);
  EXPECT_EQ(MutableWeight(&weights, "Deal_Mode"), nullptr);  // exact names
}

TEST(WeightLearnerTest, DefaultsRoundTrip) {
  const v1::RankingWeightsState state = DefaultWeightsState();
  EXPECT_EQ(state.decisions_learned(), 0);
  EXPECT_EQ(state.updated_unix(), 0);
  ASSERT_EQ(state.weights_size(), static_cast<int>(FeatureNames().size()));
  const RankingWeights defaults;
  for (int i = 0; i < state.weights_size(); ++i) {
    const auto& entry = state.weights(i);
    EXPECT_EQ(entry.feature(), FeatureNames()[i]);
    EXPECT_EQ(entry.weight(), GetWeight(defaults, entry.feature()));
    EXPECT_EQ(entry.default_weight(), entry.weight());
  }
  const RankingWeights back = WeightsFromState(state);
  for (const std::string& name : FeatureNames()) {
    EXPECT_EQ(GetWeight(back, name), GetWeight(defaults, name)) << name;
  }
}

TEST(WeightLearnerTest, MissingEntriesUseDefaultsAndUnknownAreIgnored) {
  v1::RankingWeightsState state;  // empty: all defaults
  RankingWeights weights = WeightsFromState(state);
  EXPECT_DOUBLE_EQ(weights.ipc_overlap, 0.20);
  EXPECT_DOUBLE_EQ(weights.text_relevance, 1.0);

  auto* known = state.add_weights();
  known->set_feature("budget");
  known->set_weight(0.3);
  auto* unknown = state.add_weights();
  unknown->set_feature("popularity");
  unknown->set_weight(0.9);
  auto* not_finite = state.add_weights();
  not_finite->set_feature("district");
  not_finite->set_weight(std::nan(""));
  weights = WeightsFromState(state);
  EXPECT_DOUBLE_EQ(weights.budget, 0.3);
  EXPECT_DOUBLE_EQ(weights.district, 0.05);   // NaN: default
  EXPECT_DOUBLE_EQ(weights.deal_mode, 0.10);  // no entry: default
}

TEST(WeightLearnerTest, FeaturesTaughtByTable) {
  EXPECT_THAT(
      FeaturesTaughtBy(true, v1::REJECTION_REASON_UNSPECIFIED),
      ElementsAre("ipc_overlap", "industry", "deal_mode", "budget",
                  "remaining_life", "district", "open_licence", "owner_kind"));
  // The reason is irrelevant for an approval.
  EXPECT_EQ(FeaturesTaughtBy(true, v1::PRICE),
            FeaturesTaughtBy(true, v1::REJECTION_REASON_UNSPECIFIED));
  EXPECT_THAT(FeaturesTaughtBy(false, v1::NOT_RELEVANT),
              UnorderedElementsAre("ipc_overlap", "industry"));
  EXPECT_THAT(FeaturesTaughtBy(false, v1::WRONG_DEAL_MODE),
              UnorderedElementsAre("deal_mode", "open_licence"));
  EXPECT_THAT(FeaturesTaughtBy(false, v1::PRICE), ElementsAre("budget"));
  EXPECT_THAT(FeaturesTaughtBy(false, v1::PATENT_NOT_IN_FORCE),
              ElementsAre("remaining_life"));
  EXPECT_THAT(FeaturesTaughtBy(false, v1::COMPANY_NOT_READY), IsEmpty());
  EXPECT_THAT(FeaturesTaughtBy(false, v1::DUPLICATE), IsEmpty());
  EXPECT_THAT(FeaturesTaughtBy(false, v1::OTHER), IsEmpty());
  EXPECT_THAT(FeaturesTaughtBy(false, v1::REJECTION_REASON_UNSPECIFIED),
              IsEmpty());
}

TEST(WeightLearnerTest, OneStepFollowsTheFormula) {
  // Approval of a pair whose only side feature is deal_mode = +1:
  // p = sigmoid(4 × 0.10 × 1), w += 0.05 × (1 − p) × 1.
  v1::RankingWeightsState state = DefaultWeightsState();
  ASSERT_TRUE(
      LearnFromDecision(Pair({{"text_relevance", 0.9}, {"deal_mode", 1}}), true,
                        v1::REJECTION_REASON_UNSPECIFIED, kNow, &state));
  EXPECT_DOUBLE_EQ(StateWeight(state, "deal_mode"),
                   0.10 + kLearningRate * (1 - Sigmoid(kLogitScale * 0.10)));
  EXPECT_EQ(state.decisions_learned(), 1);
  EXPECT_EQ(state.updated_unix(), kNow);

  // A PRICE rejection of a pair 50% over budget: x = −0.5,
  // p = sigmoid(4 × 0.08 × −0.5), w += 0.05 × (0 − p) × (−0.5).
  ASSERT_TRUE(LearnFromDecision(
      Pair({{"text_relevance", 0.9}, {"budget", -0.5}, {"deal_mode", 1}}),
      false, v1::PRICE, kNow + 60, &state));
  const double p = Sigmoid(kLogitScale * 0.08 * -0.5);
  EXPECT_DOUBLE_EQ(StateWeight(state, "budget"),
                   0.08 + kLearningRate * (0 - p) * -0.5);
  EXPECT_EQ(state.decisions_learned(), 2);
  EXPECT_EQ(state.updated_unix(), kNow + 60);
  // deal_mode was in the pair but a PRICE rejection says nothing about it.
  EXPECT_DOUBLE_EQ(StateWeight(state, "deal_mode"),
                   0.10 + kLearningRate * (1 - Sigmoid(kLogitScale * 0.10)));
}

TEST(WeightLearnerTest, ApprovalsOfMatchingDealModeRaiseItsWeight) {
  v1::RankingWeightsState state = DefaultWeightsState();
  double before = StateWeight(state, "deal_mode");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(LearnFromDecision(
        Pair({{"text_relevance", 0.7}, {"deal_mode", 1}}), true,
        v1::REJECTION_REASON_UNSPECIFIED, kNow + i, &state));
    const double after = StateWeight(state, "deal_mode");
    EXPECT_GT(after, before) << "decision " << i;
    before = after;
  }
  EXPECT_EQ(state.decisions_learned(), 5);
  // Features the pairs did not carry are untouched.
  EXPECT_DOUBLE_EQ(StateWeight(state, "ipc_overlap"), 0.20);
  EXPECT_DOUBLE_EQ(StateWeight(state, "budget"), 0.08);
}

TEST(WeightLearnerTest, ApprovalDespiteAFeatureLowersItsWeight) {
  // Approved although the patent is in another IPC section (x = −0.25): the
  // commissioner did not hold that against it, so IPC counts for less.
  v1::RankingWeightsState state = DefaultWeightsState();
  ASSERT_TRUE(
      LearnFromDecision(Pair({{"text_relevance", 0.9}, {"ipc_overlap", -0.25}}),
                        true, v1::REJECTION_REASON_UNSPECIFIED, kNow, &state));
  EXPECT_LT(StateWeight(state, "ipc_overlap"), 0.20);
}

TEST(WeightLearnerTest, WrongDealModeRejectionsOfMismatchRaiseItsWeight) {
  // deal_mode = −1 (the patent is not offered the way the company wants) and
  // the commissioner rejected it for exactly that: y = 0, x = −1, so the
  // step 0.05 × (0 − p) × (−1) is positive. The bad fit was rightly a reason
  // to reject; the engine should have pushed such pairs further down, which
  // a larger deal_mode weight does.
  v1::RankingWeightsState state = DefaultWeightsState();
  double before = StateWeight(state, "deal_mode");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        LearnFromDecision(Pair({{"text_relevance", 0.8}, {"deal_mode", -1}}),
                          false, v1::WRONG_DEAL_MODE, kNow + i, &state));
    const double after = StateWeight(state, "deal_mode");
    EXPECT_GT(after, before) << "decision " << i;
    before = after;
  }
}

TEST(WeightLearnerTest, WrongDealModeRejectionOfMatchLowersItsWeight) {
  // The engine said the deal mode fits (+1) and the commissioner rejected
  // the pair for its deal mode anyway: deal_mode was over-trusted.
  v1::RankingWeightsState state = DefaultWeightsState();
  ASSERT_TRUE(LearnFromDecision(
      Pair({{"text_relevance", 0.8}, {"deal_mode", 1}, {"open_licence", 1}}),
      false, v1::WRONG_DEAL_MODE, kNow, &state));
  EXPECT_LT(StateWeight(state, "deal_mode"), 0.10);
  EXPECT_LT(StateWeight(state, "open_licence"), 0.05);
}

TEST(WeightLearnerTest, NotRelevantRejectionOfIpcMatchLowersIpcWeight) {
  // Same IPC group (+1) yet not relevant: the engine over-trusted IPC.
  // y = 0, x = +1: the step 0.05 × (0 − p) × 1 is negative.
  v1::RankingWeightsState state = DefaultWeightsState();
  ASSERT_TRUE(LearnFromDecision(Pair({{"text_relevance", 0.6},
                                      {"ipc_overlap", 1},
                                      {"industry", 1},
                                      {"budget", 1}}),
                                false, v1::NOT_RELEVANT, kNow, &state));
  EXPECT_LT(StateWeight(state, "ipc_overlap"), 0.20);
  EXPECT_LT(StateWeight(state, "industry"), 0.10);
  EXPECT_DOUBLE_EQ(StateWeight(state, "budget"), 0.08);  // not taught
}

TEST(WeightLearnerTest, PatentNotInForceRejectionRaisesRemainingLife) {
  v1::RankingWeightsState state = DefaultWeightsState();
  ASSERT_TRUE(
      LearnFromDecision(Pair({{"text_relevance", 0.9}, {"remaining_life", -1}}),
                        false, v1::PATENT_NOT_IN_FORCE, kNow, &state));
  EXPECT_GT(StateWeight(state, "remaining_life"), 0.05);
}

TEST(WeightLearnerTest, ReasonsNotTheRankingsFaultChangeNothing) {
  const v1::Explanation pair = Pair({{"text_relevance", 0.9},
                                     {"ipc_overlap", 1},
                                     {"deal_mode", -1},
                                     {"budget", -1},
                                     {"remaining_life", -1},
                                     {"industry", 1}});
  for (v1::RejectionReason reason :
       {v1::COMPANY_NOT_READY, v1::DUPLICATE, v1::OTHER,
        v1::REJECTION_REASON_UNSPECIFIED}) {
    v1::RankingWeightsState state = DefaultWeightsState();
    state.set_decisions_learned(7);
    state.set_updated_unix(123);
    const std::string before = state.SerializeAsString();
    EXPECT_FALSE(LearnFromDecision(pair, false, reason, kNow, &state))
        << v1::RejectionReason_Name(reason);
    EXPECT_EQ(state.SerializeAsString(), before)
        << v1::RejectionReason_Name(reason);
  }
}

TEST(WeightLearnerTest, DecisionWithoutTaughtValuesChangesNothing) {
  v1::RankingWeightsState state = DefaultWeightsState();
  const std::string before = state.SerializeAsString();
  // A PRICE rejection of a pair whose budget fit is unknown (0 or missing).
  EXPECT_FALSE(LearnFromDecision(
      Pair({{"text_relevance", 0.9}, {"budget", 0}, {"deal_mode", 1}}), false,
      v1::PRICE, kNow, &state));
  EXPECT_FALSE(LearnFromDecision(Pair({{"text_relevance", 0.9}}), false,
                                 v1::PRICE, kNow, &state));
  // An approval of a pair with only text relevance: nothing to learn.
  EXPECT_FALSE(LearnFromDecision(Pair({{"text_relevance", 0.9}}), true,
                                 v1::REJECTION_REASON_UNSPECIFIED, kNow,
                                 &state));
  EXPECT_EQ(state.SerializeAsString(), before);
}

TEST(WeightLearnerTest, UnknownFeatureInExplanationIsIgnored) {
  v1::RankingWeightsState with_unknown = DefaultWeightsState();
  v1::RankingWeightsState without = DefaultWeightsState();
  ASSERT_TRUE(LearnFromDecision(
      Pair({{"text_relevance", 0.9}, {"popularity", 1}, {"deal_mode", 1}}),
      true, v1::REJECTION_REASON_UNSPECIFIED, kNow, &with_unknown));
  ASSERT_TRUE(
      LearnFromDecision(Pair({{"text_relevance", 0.9}, {"deal_mode", 1}}), true,
                        v1::REJECTION_REASON_UNSPECIFIED, kNow, &without));
  EXPECT_EQ(with_unknown.SerializeAsString(), without.SerializeAsString());
  // Only an unknown feature: no signal.
  EXPECT_FALSE(LearnFromDecision(Pair({{"popularity", 1}}), true,
                                 v1::REJECTION_REASON_UNSPECIFIED, kNow,
                                 &without));
}

TEST(WeightLearnerTest, LearningCompletesAPartialState) {
  v1::RankingWeightsState state;  // e.g. nothing stored yet
  auto* budget = state.add_weights();
  budget->set_feature("budget");
  budget->set_weight(0.25);
  auto* retired = state.add_weights();
  retired->set_feature("retired_feature");
  retired->set_weight(0.4);
  ASSERT_TRUE(
      LearnFromDecision(Pair({{"text_relevance", 0.9}, {"deal_mode", 1}}), true,
                        v1::REJECTION_REASON_UNSPECIFIED, kNow, &state));
  const RankingWeights defaults;
  ASSERT_EQ(state.weights_size(), static_cast<int>(FeatureNames().size()) + 1);
  for (size_t i = 0; i < FeatureNames().size(); ++i) {
    const auto& entry = state.weights(i);
    EXPECT_EQ(entry.feature(), FeatureNames()[i]);
    EXPECT_EQ(entry.default_weight(), GetWeight(defaults, entry.feature()));
  }
  EXPECT_DOUBLE_EQ(StateWeight(state, "budget"), 0.25);       // kept
  EXPECT_DOUBLE_EQ(StateWeight(state, "ipc_overlap"), 0.20);  // default
  EXPECT_GT(StateWeight(state, "deal_mode"), 0.10);           // learned
  EXPECT_EQ(state.weights(state.weights_size() - 1).feature(),
            "retired_feature");
  EXPECT_EQ(state.weights(state.weights_size() - 1).weight(), 0.4);
}

TEST(WeightLearnerTest, WeightsStayWithinBoundsAfter1000Decisions) {
  std::mt19937 rng(20250101);
  std::uniform_real_distribution<double> value(-1.0, 1.0);
  std::uniform_int_distribution<int> reason(0, 7);
  std::bernoulli_distribution approve(0.5), present(0.7);
  v1::RankingWeightsState state = DefaultWeightsState();
  int learned = 0;
  for (int i = 0; i < 1000; ++i) {
    std::vector<std::pair<std::string, double>> values;
    for (const std::string& name : FeatureNames()) {
      if (present(rng)) values.emplace_back(name, value(rng));
    }
    // Out-of-range values must not push a weight out either.
    if (i % 10 == 0) values.emplace_back("deal_mode", 5.0);
    learned += LearnFromDecision(Pair(values), approve(rng),
                                 static_cast<v1::RejectionReason>(reason(rng)),
                                 kNow + i, &state);
    const RankingWeights weights = WeightsFromState(state);
    for (const std::string& name : FeatureNames()) {
      if (name == "text_relevance") continue;
      ASSERT_GE(GetWeight(weights, name), kMinLearnedWeight)
          << name << " @" << i;
      ASSERT_LE(GetWeight(weights, name), kMaxLearnedWeight)
          << name << " @" << i;
    }
  }
  EXPECT_GT(learned, 500);
  EXPECT_EQ(state.decisions_learned(), learned);

  // One-sided runs reach the bounds and stay there.
  v1::RankingWeightsState up = DefaultWeightsState();
  v1::RankingWeightsState down = DefaultWeightsState();
  for (int i = 0; i < 1000; ++i) {
    LearnFromDecision(Pair({{"deal_mode", 1}}), true,
                      v1::REJECTION_REASON_UNSPECIFIED, kNow, &up);
    LearnFromDecision(Pair({{"deal_mode", 1}}), false, v1::WRONG_DEAL_MODE,
                      kNow, &down);
  }
  EXPECT_EQ(StateWeight(up, "deal_mode"), kMaxLearnedWeight);
  EXPECT_EQ(StateWeight(down, "deal_mode"), kMinLearnedWeight);
  EXPECT_EQ(up.decisions_learned(), 1000);
}

TEST(WeightLearnerTest, TextRelevanceIsNeverLearned) {
  v1::RankingWeightsState state = DefaultWeightsState();
  for (int i = 0; i < 200; ++i) {
    const double text = (i % 2 == 0) ? 1.0 : -1.0;
    LearnFromDecision(
        Pair({{"text_relevance", text}, {"ipc_overlap", 1}, {"deal_mode", -1}}),
        i % 3 == 0, i % 2 == 0 ? v1::NOT_RELEVANT : v1::WRONG_DEAL_MODE, kNow,
        &state);
    ASSERT_EQ(StateWeight(state, "text_relevance"), 1.0) << i;
  }
  EXPECT_EQ(state.weights(0).feature(), "text_relevance");
  EXPECT_EQ(state.weights(0).weight(), 1.0);
  EXPECT_EQ(state.weights(0).default_weight(), 1.0);
}

// Held-out pairs: text relevance rising from 0.50 to 0.975 and `feature`
// cycling through `values`.
std::vector<v1::Explanation> HeldOut(const std::string& feature,
                                     const std::vector<double>& values) {
  std::vector<v1::Explanation> pairs;
  for (int i = 0; i < 20; ++i) {
    pairs.push_back(Pair({{"text_relevance", 0.5 + 0.025 * i},
                          {feature, values[i % values.size()]},
                          {"remaining_life", (i % 4) / 4.0}}));
  }
  return pairs;
}

// Share of (deal_mode +1, deal_mode −1) held-out pairs ranked +1 first.
double MatchAboveMismatch(const std::vector<v1::Explanation>& pairs,
                          const std::vector<int>& position) {
  int good = 0, all = 0;
  for (size_t a = 0; a < pairs.size(); ++a) {
    for (size_t b = 0; b < pairs.size(); ++b) {
      if (pairs[a].features(1).value() != 1 ||
          pairs[b].features(1).value() != -1) {
        continue;
      }
      ++all;
      good += position[a] < position[b];
    }
  }
  return static_cast<double>(good) / all;
}

TEST(WeightLearnerTest, ConsistentDealModeDecisionsImproveHeldOutRanking) {
  const std::vector<v1::Explanation> held_out =
      HeldOut("deal_mode", {-1, 0, 1});
  const std::vector<int> before = Positions(held_out, RankingWeights{});

  // 30 decisions on other pairs: commissioners approve pairs whose deal mode
  // fits and reject WRONG_DEAL_MODE those whose deal mode does not.
  v1::RankingWeightsState state = DefaultWeightsState();
  for (int j = 0; j < 30; ++j) {
    const bool fits = j % 2 == 0;
    const v1::Explanation pair =
        Pair({{"text_relevance", 0.6 + 0.012 * j},
              {"deal_mode", fits ? 1.0 : -1.0},
              {"industry", j % 3 == 0 ? 1.0 : -0.3},
              {"ipc_overlap", j % 5 == 0 ? 0.75 : 0.25},
              {"open_licence", j % 4 == 0 ? 1.0 : 0.0}});
    ASSERT_TRUE(
        LearnFromDecision(pair, fits, v1::WRONG_DEAL_MODE, kNow + j, &state));
  }
  EXPECT_EQ(state.decisions_learned(), 30);
  const RankingWeights learned = WeightsFromState(state);
  EXPECT_GT(learned.deal_mode, 0.3);
  EXPECT_EQ(learned.text_relevance, 1.0);
  const std::vector<int> after = Positions(held_out, learned);

  const double share_before = MatchAboveMismatch(held_out, before);
  const double share_after = MatchAboveMismatch(held_out, after);
  EXPECT_GT(share_after, share_before);
  EXPECT_LT(share_before, 1.0);

  // Pair 2 (text 0.55, deal fits) ranked below pair 18 (text 0.95, deal
  // does not fit) under the defaults, and above it once learned.
  ASSERT_EQ(held_out[2].features(1).value(), 1);
  ASSERT_EQ(held_out[18].features(1).value(), -1);
  EXPECT_GT(before[2], before[18]);
  EXPECT_LT(after[2], after[18]);
}

// Share of held-out pairs with different text relevance ranked in text
// relevance order.
double FollowsText(const std::vector<v1::Explanation>& pairs,
                   const std::vector<int>& position) {
  int good = 0, all = 0;
  for (size_t a = 0; a < pairs.size(); ++a) {
    for (size_t b = a + 1; b < pairs.size(); ++b) {
      ++all;  // text relevance rises with the index
      good += position[b] < position[a];
    }
  }
  return static_cast<double>(good) / all;
}

TEST(WeightLearnerTest, NotRelevantDecisionsMakeHeldOutRankingFollowText) {
  const std::vector<v1::Explanation> held_out =
      HeldOut("ipc_overlap", {-0.25, 0.5, 1.0});
  const std::vector<int> before = Positions(held_out, RankingWeights{});

  // 30 decisions on other pairs: a shared IPC group does not make a patent
  // relevant. Pairs lifted by IPC are rejected NOT_RELEVANT; pairs from
  // another IPC section that address the need are approved.
  v1::RankingWeightsState state = DefaultWeightsState();
  for (int j = 0; j < 30; ++j) {
    const bool approve = j % 3 == 0;
    const v1::Explanation pair =
        approve ? Pair({{"text_relevance", 0.9},
                        {"ipc_overlap", -0.25},
                        {"budget", 1}})
                : Pair({{"text_relevance", 0.55 + 0.01 * j},
                        {"ipc_overlap", j % 2 == 0 ? 1.0 : 0.75},
                        {"industry", 1}});
    ASSERT_TRUE(
        LearnFromDecision(pair, approve, v1::NOT_RELEVANT, kNow + j, &state));
  }
  const RankingWeights learned = WeightsFromState(state);
  EXPECT_LT(learned.ipc_overlap, 0.05);
  EXPECT_GE(learned.ipc_overlap, 0.0);
  EXPECT_LT(learned.industry, 0.10);
  EXPECT_EQ(learned.text_relevance, 1.0);
  const std::vector<int> after = Positions(held_out, learned);

  EXPECT_GT(FollowsText(held_out, after), FollowsText(held_out, before));

  // Pair 2 (text 0.55, same IPC group) ranked above pair 6 (text 0.65,
  // another IPC section) under the defaults, and below it once learned.
  EXPECT_LT(before[2], before[6]);
  EXPECT_GT(after[2], after[6]);
}

}  // namespace
}  // namespace patentmatch::matcher
