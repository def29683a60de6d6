// Online learning of the ranking weights from review decisions; see
// weight_learner.h for the rule and why.
#include "matcher/weight_learner.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

namespace patentmatch::matcher {
namespace {

struct WeightField {
  const char* name;
  double RankingWeights::*member;
};

// RankingWeights' fields in declaration order. A new field must be added
// here (the test checks the names against ScorePair's explanation).
constexpr WeightField kFields[] = {
    {"text_relevance", &RankingWeights::text_relevance},
    {"ipc_overlap", &RankingWeights::ipc_overlap},
    {"industry", &RankingWeights::industry},
    {"deal_mode", &RankingWeights::deal_mode},
    {"budget", &RankingWeights::budget},
    {"remaining_life", &RankingWeights::remaining_life},
    {"district", &RankingWeights::district},
    {"open_licence", &RankingWeights::open_licence},
    {"owner_kind", &RankingWeights::owner_kind},
};

const WeightField* FindField(absl::string_view feature) {
  for (const WeightField& field : kFields) {
    if (feature == field.name) return &field;
  }
  return nullptr;
}

// A feature value as the learner uses it: in [-1, 1], 0 if not finite.
double SanitisedValue(double value) {
  if (!std::isfinite(value)) return 0;
  return std::clamp(value, -1.0, 1.0);
}

// The first value the explanation gives the feature, 0 if none.
double ValueIn(const v1::Explanation& explanation, absl::string_view feature) {
  for (const auto& contribution : explanation.features()) {
    if (contribution.feature() == feature) {
      return SanitisedValue(contribution.value());
    }
  }
  return 0;
}

double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

}  // namespace

const std::vector<std::string>& FeatureNames() {
  static const std::vector<std::string>* const names = [] {
    auto* out = new std::vector<std::string>();
    for (const WeightField& field : kFields) out->push_back(field.name);
    return out;
  }();
  return *names;
}

double* MutableWeight(RankingWeights* weights, absl::string_view feature) {
  const WeightField* field = FindField(feature);
  return field == nullptr ? nullptr : &(weights->*(field->member));
}

double GetWeight(const RankingWeights& weights, absl::string_view feature) {
  const WeightField* field = FindField(feature);
  return field == nullptr ? 0 : weights.*(field->member);
}

RankingWeights WeightsFromState(const v1::RankingWeightsState& state) {
  RankingWeights weights;
  std::set<std::string> seen;  // the first entry for a feature wins
  for (const auto& entry : state.weights()) {
    double* weight = MutableWeight(&weights, entry.feature());
    if (weight == nullptr || !seen.insert(entry.feature()).second) continue;
    if (std::isfinite(entry.weight())) *weight = entry.weight();
  }
  return weights;
}

v1::RankingWeightsState DefaultWeightsState() {
  const RankingWeights defaults;
  v1::RankingWeightsState state;
  for (const WeightField& field : kFields) {
    auto* entry = state.add_weights();
    entry->set_feature(field.name);
    entry->set_weight(defaults.*(field.member));
    entry->set_default_weight(defaults.*(field.member));
  }
  return state;
}

double Rescore(const v1::Explanation& explanation,
               const RankingWeights& weights) {
  double score = 0;
  for (const auto& contribution : explanation.features()) {
    score += GetWeight(weights, contribution.feature()) * contribution.value();
  }
  return score;
}

std::vector<std::string> FeaturesTaughtBy(bool approved,
                                          v1::RejectionReason reason) {
  if (approved) {
    std::vector<std::string> all;
    for (const std::string& name : FeatureNames()) {
      if (name != kAnchorFeature) all.push_back(name);
    }
    return all;
  }
  switch (reason) {
    case v1::NOT_RELEVANT:
      return {"ipc_overlap", "industry"};
    case v1::WRONG_DEAL_MODE:
      return {"deal_mode", "open_licence"};
    case v1::PRICE:
      return {"budget"};
    case v1::PATENT_NOT_IN_FORCE:
      return {"remaining_life"};
    default:  // COMPANY_NOT_READY, DUPLICATE, OTHER, unspecified: not the
              // ranking's fault.
      return {};
  }
}

bool LearnFromDecision(const v1::Explanation& explanation, bool approved,
                       v1::RejectionReason reason, int64_t now_unix,
                       v1::RankingWeightsState* state) {
  // The taught features and their values; no non-zero value, no signal.
  std::vector<std::pair<std::string, double>> taught;
  bool any_signal = false;
  for (std::string& name : FeaturesTaughtBy(approved, reason)) {
    if (name == kAnchorFeature) continue;  // never learned
    const double x = ValueIn(explanation, name);
    any_signal |= x != 0;
    taught.emplace_back(std::move(name), x);
  }
  if (!any_signal) return false;

  RankingWeights weights = WeightsFromState(*state);
  double z = 0;
  for (const auto& [name, x] : taught) z += GetWeight(weights, name) * x;
  const double p = Sigmoid(kLogitScale * z);
  const double y = approved ? 1.0 : 0.0;
  for (const auto& [name, x] : taught) {
    if (x == 0) continue;  // no gradient: the pair said nothing about it
    double* w = MutableWeight(&weights, name);
    *w = std::clamp(*w + kLearningRate * (y - p) * x, kMinLearnedWeight,
                    kMaxLearnedWeight);
  }

  // Write back: one entry per feature in order, then any entries for
  // features this build does not know, as they were.
  const RankingWeights defaults;
  v1::RankingWeightsState out;
  for (const WeightField& field : kFields) {
    auto* entry = out.add_weights();
    entry->set_feature(field.name);
    entry->set_weight(weights.*(field.member));
    entry->set_default_weight(defaults.*(field.member));
  }
  for (const auto& entry : state->weights()) {
    if (FindField(entry.feature()) == nullptr) *out.add_weights() = entry;
  }
  out.set_decisions_learned(state->decisions_learned() + 1);
  out.set_updated_unix(now_unix);
  *state = std::move(out);
  return true;
}

}  // namespace patentmatch::matcher
