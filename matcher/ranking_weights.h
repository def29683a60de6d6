// The ranking engine's weights: the one place they are defined. A match's
// score is the sum over features of weight × value, each value in [-1, 1]
// (0 = unknown / neutral), so a weight says how many "points" of normalised
// text relevance a fully satisfied feature is worth. Text relevance dominates
// by design: the other features re-order patents that already address the
// need; they cannot lift a patent that does not.
//
// Why these defaults (documented in README "Ranking"):
//  - ipc_overlap 0.20: a shared subclass is strong evidence of the same
//    technical field, but companies' IPC hints are often rough.
//  - deal_mode 0.10, budget 0.08: a patent the company cannot acquire in the
//    way or at the price it can afford wastes a docking slot.
//  - industry 0.10: the plan organises docking by industry.
//  - remaining_life 0.05: little value in licensing a patent about to lapse.
//  - district 0.05, open_licence 0.05, owner_kind 0.03: the plan's
//    priorities (local partners, open licences, university transfers) as
//    tie-breakers, never more.
#ifndef PATENTMATCH_MATCHER_RANKING_WEIGHTS_H_
#define PATENTMATCH_MATCHER_RANKING_WEIGHTS_H_

namespace patentmatch::matcher {

struct RankingWeights {
  double text_relevance = 1.00;
  double ipc_overlap = 0.20;
  double industry = 0.10;
  double deal_mode = 0.10;
  double budget = 0.08;
  double remaining_life = 0.05;
  double district = 0.05;
  double open_licence = 0.05;
  double owner_kind = 0.03;

  bool operator==(const RankingWeights&) const = default;
};

}  // namespace patentmatch::matcher

#endif  // PATENTMATCH_MATCHER_RANKING_WEIGHTS_H_
