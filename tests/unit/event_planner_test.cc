// Tests for matcher/event_planner.h: PlanEvent's total against exhaustive
// search on small instances (feasibility decided by backtracking over slots,
// independently of the colouring theory), plan validity on larger random
// instances, edge cases and input validation, CheckPlan's verdicts, and
// Replan keeping kept meetings in place while filling only freed places.
#include "matcher/event_planner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace patentmatch::matcher {
namespace {

using ::testing::HasSubstr;

// A random instance: every (company, holder) pair a candidate with
// probability `density`, qualities in [0.01, 1].
PlanInput RandomInput(std::mt19937* rng, int companies, int holders,
                      int max_slots, int max_tables, int max_limit,
                      double density) {
  PlanInput in;
  in.slots = std::uniform_int_distribution<int>(1, max_slots)(*rng);
  in.tables = std::uniform_int_distribution<int>(1, max_tables)(*rng);
  std::uniform_int_distribution<int> limit(0, max_limit);
  for (int c = 0; c < companies; ++c) in.company_limits.push_back(limit(*rng));
  for (int h = 0; h < holders; ++h) in.holder_limits.push_back(limit(*rng));
  std::uniform_real_distribution<double> unit(0, 1);
  std::uniform_real_distribution<double> quality(0.01, 1);
  for (int c = 0; c < companies; ++c) {
    for (int h = 0; h < holders; ++h) {
      if (unit(*rng) < density) {
        in.candidates.push_back(
            {.company = c, .holder = h, .quality = quality(*rng)});
      }
    }
  }
  std::shuffle(in.candidates.begin(), in.candidates.end(), *rng);
  return in;
}

// True if the meetings (candidate indices) can be given slots so that nobody
// is in two meetings of one slot and no slot holds more than `tables`.
// Plain backtracking; `fixed` meetings already hold their slots.
bool HasTimetable(const PlanInput& in, const std::vector<int>& meetings,
                  const std::vector<PlannedMeeting>& fixed = {}) {
  const int nc = static_cast<int>(in.company_limits.size());
  std::vector<std::set<int>> busy(nc + in.holder_limits.size());
  std::vector<int> used(in.slots, 0);
  for (const PlannedMeeting& m : fixed) {
    busy[in.candidates[m.candidate].company].insert(m.slot);
    busy[nc + in.candidates[m.candidate].holder].insert(m.slot);
    ++used[m.slot];
  }
  std::function<bool(size_t)> assign = [&](size_t i) {
    if (i == meetings.size()) return true;
    const int u = in.candidates[meetings[i]].company;
    const int v = nc + in.candidates[meetings[i]].holder;
    for (int s = 0; s < in.slots; ++s) {
      if (used[s] >= in.tables || busy[u].count(s) || busy[v].count(s)) {
        continue;
      }
      ++used[s];
      busy[u].insert(s);
      busy[v].insert(s);
      if (assign(i + 1)) return true;
      --used[s];
      busy[u].erase(s);
      busy[v].erase(s);
    }
    return false;
  };
  return assign(0);
}

bool WithinLimits(const PlanInput& in, const std::vector<int>& meetings,
                  const std::vector<PlannedMeeting>& fixed = {}) {
  std::vector<int> company(in.company_limits.size());
  std::vector<int> holder(in.holder_limits.size());
  for (const PlannedMeeting& m : fixed) {
    ++company[in.candidates[m.candidate].company];
    ++holder[in.candidates[m.candidate].holder];
  }
  for (int k : meetings) {
    if (++company[in.candidates[k].company] >
            in.company_limits[in.candidates[k].company] ||
        ++holder[in.candidates[k].holder] >
            in.holder_limits[in.candidates[k].holder]) {
      return false;
    }
  }
  return true;
}

// Best total quality of a feasible set of meetings added to `fixed`, by
// trying every subset of the other candidates, best total first.
double BruteForceBest(const PlanInput& in,
                      const std::vector<PlannedMeeting>& fixed = {}) {
  std::set<int> fixed_candidates;
  double fixed_quality = 0;
  for (const PlannedMeeting& m : fixed) {
    fixed_candidates.insert(m.candidate);
    fixed_quality += in.candidates[m.candidate].quality;
  }
  std::vector<int> free_candidates;
  for (int k = 0; k < static_cast<int>(in.candidates.size()); ++k) {
    if (!fixed_candidates.count(k)) free_candidates.push_back(k);
  }
  const int n = static_cast<int>(free_candidates.size());
  std::vector<std::pair<double, int>> subsets;
  for (int mask = 0; mask < (1 << n); ++mask) {
    double total = 0;
    for (int i = 0; i < n; ++i) {
      if (mask >> i & 1) total += in.candidates[free_candidates[i]].quality;
    }
    subsets.push_back({total, mask});
  }
  std::sort(subsets.rbegin(), subsets.rend());
  for (const auto& [total, mask] : subsets) {
    std::vector<int> meetings;
    for (int i = 0; i < n; ++i) {
      if (mask >> i & 1) meetings.push_back(free_candidates[i]);
    }
    if (WithinLimits(in, meetings, fixed) &&
        HasTimetable(in, meetings, fixed)) {
      return fixed_quality + total;
    }
  }
  ADD_FAILURE() << "not even the empty set is feasible";
  return -1;
}

std::vector<int> MeetingsPerSlot(const PlanInput& in, const EventPlan& plan) {
  std::vector<int> count(in.slots, 0);
  for (const PlannedMeeting& m : plan.meetings) ++count[m.slot];
  return count;
}

// The first candidate outside `plan` that could still be added: both under
// their limits and a slot where both are free and a table is free; -1 if
// none.
int AddableCandidate(const PlanInput& in, const EventPlan& plan) {
  const int nc = static_cast<int>(in.company_limits.size());
  std::vector<int> count(nc + in.holder_limits.size(), 0);
  std::set<std::pair<int, int>> busy;  // (vertex, slot)
  std::set<int> used;
  const std::vector<int> per_slot = MeetingsPerSlot(in, plan);
  for (const PlannedMeeting& m : plan.meetings) {
    const CandidatePair& p = in.candidates[m.candidate];
    ++count[p.company];
    ++count[nc + p.holder];
    busy.insert({p.company, m.slot});
    busy.insert({nc + p.holder, m.slot});
    used.insert(m.candidate);
  }
  for (int k = 0; k < static_cast<int>(in.candidates.size()); ++k) {
    const CandidatePair& p = in.candidates[k];
    if (used.count(k) || count[p.company] >= in.company_limits[p.company] ||
        count[nc + p.holder] >= in.holder_limits[p.holder]) {
      continue;
    }
    for (int s = 0; s < in.slots; ++s) {
      if (per_slot[s] < in.tables && !busy.count({p.company, s}) &&
          !busy.count({nc + p.holder, s})) {
        return k;
      }
    }
  }
  return -1;
}

double SumOfQualities(const PlanInput& in, const EventPlan& plan) {
  double sum = 0;
  for (const PlannedMeeting& m : plan.meetings) {
    sum += in.candidates[m.candidate].quality;
  }
  return sum;
}

bool IsOrdered(const EventPlan& plan) {
  return std::is_sorted(plan.meetings.begin(), plan.meetings.end(),
                        [](const PlannedMeeting& a, const PlannedMeeting& b) {
                          return std::make_pair(a.slot, a.table) <
                                 std::make_pair(b.slot, b.table);
                        });
}

using MeetingTuple = std::tuple<int, int, int>;

std::set<MeetingTuple> AsSet(const std::vector<PlannedMeeting>& meetings) {
  std::set<MeetingTuple> set;
  for (const PlannedMeeting& m : meetings) {
    set.insert({m.candidate, m.slot, m.table});
  }
  return set;
}

// Plan, then cancel `cancelled_companies` and `cancelled_holders`: their
// limits drop to 0 and their meetings leave `kept`.
struct Cancellation {
  PlanInput input;
  std::vector<PlannedMeeting> kept;
};

Cancellation Cancel(const PlanInput& in, const EventPlan& plan,
                    const std::set<int>& companies,
                    const std::set<int>& holders) {
  Cancellation out{.input = in, .kept = {}};
  for (int c : companies) out.input.company_limits[c] = 0;
  for (int h : holders) out.input.holder_limits[h] = 0;
  for (const PlannedMeeting& m : plan.meetings) {
    const CandidatePair& p = in.candidates[m.candidate];
    if (!companies.count(p.company) && !holders.count(p.holder)) {
      out.kept.push_back(m);
    }
  }
  return out;
}

// Everything Replan promises about `result` for `kept`.
void ExpectValidReplan(const PlanInput& in,
                       const std::vector<PlannedMeeting>& kept,
                       const EventPlan& result) {
  ASSERT_TRUE(CheckPlan(in, result).ok()) << CheckPlan(in, result);
  EXPECT_TRUE(IsOrdered(result));
  const std::set<MeetingTuple> all = AsSet(result.meetings);
  for (const PlannedMeeting& m : kept) {
    EXPECT_TRUE(all.count({m.candidate, m.slot, m.table}))
        << "kept candidate " << m.candidate << " moved or vanished";
  }
  EXPECT_EQ(AddableCandidate(in, result), -1);
}

TEST(EventPlannerTest, MatchesBruteForceOnSmallInstances) {
  std::mt19937 rng(20250101);
  int nonempty = 0;
  for (int instance = 0; instance < 300; ++instance) {
    SCOPED_TRACE(instance);
    const int companies = std::uniform_int_distribution<int>(1, 4)(rng);
    const int holders = std::uniform_int_distribution<int>(1, 4)(rng);
    PlanInput in = RandomInput(&rng, companies, holders, 3, 3, 3, 0.75);
    if (in.candidates.size() > 12) in.candidates.resize(12);
    absl::StatusOr<EventPlan> plan = PlanEvent(in);
    ASSERT_TRUE(plan.ok()) << plan.status();
    ASSERT_TRUE(CheckPlan(in, *plan).ok()) << CheckPlan(in, *plan);
    EXPECT_NEAR(plan->total_quality, BruteForceBest(in), 1e-5);
    EXPECT_TRUE(IsOrdered(*plan));
    if (!plan->meetings.empty()) ++nonempty;
  }
  EXPECT_GT(nonempty, 200);  // the instances are not trivially empty
}

TEST(EventPlannerTest, LargeRandomInstancesAreValidAndMaximal) {
  std::mt19937 rng(7);
  for (int instance = 0; instance < 50; ++instance) {
    SCOPED_TRACE(instance);
    const double density = instance % 2 == 0 ? 0.8 : 0.08;
    const PlanInput in = RandomInput(&rng, 30, 60, 10, 12, 8, density);
    absl::StatusOr<EventPlan> plan = PlanEvent(in);
    ASSERT_TRUE(plan.ok()) << plan.status();
    ASSERT_TRUE(CheckPlan(in, *plan).ok()) << CheckPlan(in, *plan);
    EXPECT_NEAR(plan->total_quality, SumOfQualities(in, *plan), 1e-9);
    const int meetings = static_cast<int>(plan->meetings.size());
    EXPECT_LE(meetings, in.slots * in.tables);
    // Balanced: no slot holds more than ceil(meetings / slots).
    const int ceiling = (meetings + in.slots - 1) / in.slots;
    for (int count : MeetingsPerSlot(in, *plan)) {
      EXPECT_LE(count, in.tables);
      EXPECT_LE(count, ceiling);
    }
    // An optimal plan leaves no pair that could still be added.
    EXPECT_EQ(AddableCandidate(in, *plan), -1);
  }
}

// Holders stay put and companies walk: with no more holders than tables
// every holder keeps one table all event; with more, most still do.
TEST(EventPlannerTest, HoldersKeepOneTable) {
  std::mt19937 rng(29);
  int holders_seen = 0, holders_moved = 0;
  for (int instance = 0; instance < 60; ++instance) {
    SCOPED_TRACE(instance);
    const bool few_holders = instance % 2 == 0;
    PlanInput in = RandomInput(&rng, 30, few_holders ? 8 : 40, 8, 12, 6,
                               instance % 3 == 0 ? 0.7 : 0.2);
    if (few_holders) in.tables = std::max(in.tables, 8);
    absl::StatusOr<EventPlan> plan = PlanEvent(in);
    ASSERT_TRUE(plan.ok()) << plan.status();
    ASSERT_TRUE(CheckPlan(in, *plan).ok()) << CheckPlan(in, *plan);
    std::map<int, std::set<int>> tables_of;
    for (const PlannedMeeting& m : plan->meetings) {
      tables_of[in.candidates[m.candidate].holder].insert(m.table);
    }
    for (const auto& [holder, tables] : tables_of) {
      if (few_holders) {
        EXPECT_EQ(tables.size(), 1u) << "holder " << holder;
      } else {
        ++holders_seen;
        holders_moved += tables.size() > 1 ? 1 : 0;
      }
    }
  }
  // Measured: with 40 holders at up to 12 tables most must share tables
  // over the day; the rule still keeps the ones that can stay put.
  EXPECT_GT(holders_seen, 0);
  EXPECT_LT(holders_moved, holders_seen);
}

TEST(EventPlannerTest, IsDeterministic) {
  std::mt19937 rng(11);
  const PlanInput in = RandomInput(&rng, 20, 40, 6, 8, 5, 0.5);
  absl::StatusOr<EventPlan> first = PlanEvent(in);
  absl::StatusOr<EventPlan> second = PlanEvent(in);
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first->meetings.size(), second->meetings.size());
  for (size_t i = 0; i < first->meetings.size(); ++i) {
    EXPECT_EQ(first->meetings[i].candidate, second->meetings[i].candidate);
    EXPECT_EQ(first->meetings[i].slot, second->meetings[i].slot);
    EXPECT_EQ(first->meetings[i].table, second->meetings[i].table);
  }
}

TEST(EventPlannerTest, NoCandidatesGiveAnEmptyPlan) {
  const PlanInput in{.slots = 3,
                     .tables = 2,
                     .company_limits = {2, 2},
                     .holder_limits = {1},
                     .candidates = {}};
  absl::StatusOr<EventPlan> plan = PlanEvent(in);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE(plan->meetings.empty());
  EXPECT_EQ(plan->total_quality, 0);
  EXPECT_TRUE(CheckPlan(in, *plan).ok());
}

TEST(EventPlannerTest, NoParticipantsAtAll) {
  const PlanInput in{.slots = 1, .tables = 1};
  absl::StatusOr<EventPlan> plan = PlanEvent(in);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE(plan->meetings.empty());
}

TEST(EventPlannerTest, PrefersTheBestTotalOverTheBestPair) {
  // Greedy would take (0, 0) = 0.9 and stop; two meetings give 1.6.
  const PlanInput in{.slots = 1,
                     .tables = 5,
                     .company_limits = {1, 1},
                     .holder_limits = {1, 1},
                     .candidates = {{0, 0, 0.9}, {0, 1, 0.8}, {1, 0, 0.8}}};
  absl::StatusOr<EventPlan> plan = PlanEvent(in);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_NEAR(plan->total_quality, 1.6, 1e-9);
  ASSERT_EQ(plan->meetings.size(), 2u);
  EXPECT_EQ(plan->meetings[0].slot, 0);
  EXPECT_EQ(plan->meetings[1].slot, 0);
}

TEST(EventPlannerTest, OneTableRunsOneMeetingPerSlot) {
  std::vector<CandidatePair> candidates;
  for (int c = 0; c < 3; ++c) {
    for (int h = 0; h < 3; ++h) {
      candidates.push_back({c, h, 0.1 + 0.1 * (3 * c + h)});
    }
  }
  const PlanInput in{.slots = 4,
                     .tables = 1,
                     .company_limits = {4, 4, 4},
                     .holder_limits = {4, 4, 4},
                     .candidates = candidates};
  absl::StatusOr<EventPlan> plan = PlanEvent(in);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_TRUE(CheckPlan(in, *plan).ok()) << CheckPlan(in, *plan);
  ASSERT_EQ(plan->meetings.size(), 4u);
  for (int s = 0; s < 4; ++s) {
    EXPECT_EQ(plan->meetings[s].slot, s);
    EXPECT_EQ(plan->meetings[s].table, 0);
  }
  // The four best pairs: 0.9 + 0.8 + 0.7 + 0.6.
  EXPECT_NEAR(plan->total_quality, 3.0, 1e-9);
}

TEST(EventPlannerTest, LimitsAboveSlotsAreCappedBySlots) {
  const PlanInput in{
      .slots = 2,
      .tables = 10,
      .company_limits = {10},
      .holder_limits = {5, 5, 5, 5},
      .candidates = {{0, 0, 0.4}, {0, 1, 0.3}, {0, 2, 0.2}, {0, 3, 0.1}}};
  absl::StatusOr<EventPlan> plan = PlanEvent(in);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_TRUE(CheckPlan(in, *plan).ok()) << CheckPlan(in, *plan);
  ASSERT_EQ(plan->meetings.size(), 2u);
  EXPECT_NE(plan->meetings[0].slot, plan->meetings[1].slot);
  EXPECT_NEAR(plan->total_quality, 0.7, 1e-9);
}

TEST(EventPlannerTest, ZeroLimitsKeepParticipantsOut) {
  const PlanInput in{
      .slots = 3,
      .tables = 3,
      .company_limits = {0, 2},
      .holder_limits = {2, 0},
      .candidates = {{0, 0, 1.0}, {0, 1, 1.0}, {1, 1, 1.0}, {1, 0, 0.5}}};
  absl::StatusOr<EventPlan> plan = PlanEvent(in);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->meetings.size(), 1u);
  EXPECT_EQ(plan->meetings[0].candidate, 3);
  EXPECT_NEAR(plan->total_quality, 0.5, 1e-9);
}

TEST(EventPlannerTest, SlotsTimesTablesBoundsTheMeetings) {
  std::vector<CandidatePair> candidates;
  for (int c = 0; c < 5; ++c) {
    for (int h = 0; h < 5; ++h) candidates.push_back({c, h, 1.0});
  }
  const PlanInput in{.slots = 2,
                     .tables = 3,
                     .company_limits = std::vector<int>(5, 2),
                     .holder_limits = std::vector<int>(5, 2),
                     .candidates = candidates};
  absl::StatusOr<EventPlan> plan = PlanEvent(in);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_TRUE(CheckPlan(in, *plan).ok()) << CheckPlan(in, *plan);
  EXPECT_EQ(plan->meetings.size(), 6u);
  EXPECT_EQ(MeetingsPerSlot(in, *plan), (std::vector<int>{3, 3}));
}

TEST(EventPlannerTest, InvalidInputsNameTheField) {
  const PlanInput valid{.slots = 2,
                        .tables = 2,
                        .company_limits = {1, 1},
                        .holder_limits = {1},
                        .candidates = {{0, 0, 0.5}, {1, 0, 0.5}}};
  ASSERT_TRUE(PlanEvent(valid).ok());
  struct Case {
    std::string name;
    void (*mutate)(PlanInput*);
    std::string field;
  };
  const std::vector<Case> cases = {
      {"no slots", [](PlanInput* in) { in->slots = 0; }, "slots"},
      {"too many slots", [](PlanInput* in) { in->slots = kMaxSlots + 1; },
       "slots"},
      {"no tables", [](PlanInput* in) { in->tables = 0; }, "tables"},
      {"negative company limit",
       [](PlanInput* in) { in->company_limits[1] = -1; }, "company_limits[1]"},
      {"negative holder limit",
       [](PlanInput* in) { in->holder_limits[0] = -3; }, "holder_limits[0]"},
      {"company out of range",
       [](PlanInput* in) { in->candidates[1].company = 2; },
       "candidates[1].company"},
      {"negative holder", [](PlanInput* in) { in->candidates[0].holder = -1; },
       "candidates[0].holder"},
      {"zero quality", [](PlanInput* in) { in->candidates[1].quality = 0; },
       "candidates[1].quality must be a positive finite number"},
      {"negative quality",
       [](PlanInput* in) { in->candidates[0].quality = -0.5; },
       "candidates[0].quality"},
      {"NaN quality",
       [](PlanInput* in) { in->candidates[1].quality = std::nan(""); },
       "candidates[1].quality"},
      {"infinite quality",
       [](PlanInput* in) { in->candidates[1].quality = INFINITY; },
       "candidates[1].quality"},
      {"huge quality",
       [](PlanInput* in) { in->candidates[0].quality = 2 * kMaxQuality; },
       "candidates[0].quality"},
      {"duplicate pair",
       [](PlanInput* in) {
         in->candidates.push_back({1, 0, 0.7});
       },
       "candidates[2] repeats the pair (company 1, holder 0) of "
       "candidates[1]"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    PlanInput in = valid;
    c.mutate(&in);
    absl::StatusOr<EventPlan> plan = PlanEvent(in);
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(plan.status().message(), HasSubstr(c.field));
    absl::StatusOr<EventPlan> replanned = Replan(in, {});
    EXPECT_EQ(replanned.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(CheckPlan(in, EventPlan()).code(),
              absl::StatusCode::kInvalidArgument);
  }
}

TEST(EventPlannerTest, CheckPlanFindsEachViolation) {
  const PlanInput in{.slots = 2,
                     .tables = 2,
                     .company_limits = {2, 1},
                     .holder_limits = {2, 1},
                     .candidates = {{0, 0, 0.5}, {0, 1, 0.25}, {1, 0, 0.125}}};
  const EventPlan good{.meetings = {{.candidate = 0, .slot = 0, .table = 0},
                                    {.candidate = 1, .slot = 1, .table = 0},
                                    {.candidate = 2, .slot = 1, .table = 1}},
                       .total_quality = 0.875};
  ASSERT_TRUE(CheckPlan(in, good).ok()) << CheckPlan(in, good);
  struct Case {
    std::string name;
    void (*mutate)(EventPlan*);
    std::string message;
  };
  const std::vector<Case> cases = {
      {"candidate out of range",
       [](EventPlan* p) { p->meetings[1].candidate = 3; },
       "meetings[1].candidate 3"},
      {"slot out of range", [](EventPlan* p) { p->meetings[0].slot = 2; },
       "meetings[0].slot 2"},
      {"table out of range", [](EventPlan* p) { p->meetings[2].table = -1; },
       "meetings[2].table -1"},
      {"same candidate twice",
       [](EventPlan* p) {
         p->meetings.push_back({.candidate = 0, .slot = 0, .table = 1});
       },
       "repeats candidates[0]"},
      {"same table twice", [](EventPlan* p) { p->meetings[2].table = 0; },
       "both use table 0 of slot 1"},
      {"participant twice in a slot",
       [](EventPlan* p) {
         p->meetings[1].slot = 0;
         p->meetings[1].table = 1;
       },
       "company 0 is in both meetings[0] and meetings[1] in slot 0"},
      {"wrong total", [](EventPlan* p) { p->total_quality = 1.0; },
       "total_quality"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EventPlan plan = good;
    c.mutate(&plan);
    const absl::Status status = CheckPlan(in, plan);
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
  // A limit: company 1 may meet once.
  const PlanInput tight{.slots = 2,
                        .tables = 2,
                        .company_limits = {2, 1},
                        .holder_limits = {2, 2},
                        .candidates = {{1, 0, 0.5}, {1, 1, 0.5}}};
  const EventPlan over{.meetings = {{.candidate = 0, .slot = 0, .table = 0},
                                    {.candidate = 1, .slot = 1, .table = 0}},
                       .total_quality = 1.0};
  const absl::Status status = CheckPlan(tight, over);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(),
              HasSubstr("company 1 has 2 meetings, over its limit of 1"));
}

TEST(EventPlannerTest, PlanEventOutputPassesCheckAndCheckRejectsItsDamage) {
  std::mt19937 rng(3);
  const PlanInput in = RandomInput(&rng, 10, 20, 4, 3, 3, 0.6);
  absl::StatusOr<EventPlan> plan = PlanEvent(in);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_GE(plan->meetings.size(), 2u);
  ASSERT_TRUE(CheckPlan(in, *plan).ok());
  EventPlan damaged = *plan;
  damaged.meetings[1].slot = damaged.meetings[0].slot;
  damaged.meetings[1].table = damaged.meetings[0].table;
  EXPECT_EQ(CheckPlan(in, damaged).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ReplanTest, FullPlanAsKeptComesBackUnchanged) {
  std::mt19937 rng(5);
  for (int instance = 0; instance < 40; ++instance) {
    SCOPED_TRACE(instance);
    const PlanInput in = RandomInput(&rng, 12, 20, 5, 6, 4, 0.4);
    absl::StatusOr<EventPlan> plan = PlanEvent(in);
    ASSERT_TRUE(plan.ok()) << plan.status();
    absl::StatusOr<EventPlan> again = Replan(in, plan->meetings);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(AsSet(again->meetings), AsSet(plan->meetings));
    EXPECT_NEAR(again->total_quality, plan->total_quality, 1e-9);
  }
}

TEST(ReplanTest, CancelledCompanysPartnersMeetOthersOnlyInFreePlaces) {
  // Company 0 had three meetings; after it cancels, holders 0-2 should meet
  // company 1 or 2 in places that were free, without moving anyone.
  std::vector<CandidatePair> candidates;
  for (int c = 0; c < 3; ++c) {
    for (int h = 0; h < 4; ++h) {
      candidates.push_back({c, h, c == 0 ? 0.9 : 0.3 + 0.1 * h});
    }
  }
  PlanInput in{.slots = 3,
               .tables = 2,
               .company_limits = {3, 3, 3},
               .holder_limits = {2, 2, 2, 2},
               .candidates = candidates};
  absl::StatusOr<EventPlan> plan = PlanEvent(in);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->meetings.size(), 6u);
  const Cancellation after = Cancel(in, *plan, {0}, {});
  ASSERT_EQ(after.kept.size(), 3u);
  absl::StatusOr<EventPlan> replanned = Replan(after.input, after.kept);
  ASSERT_TRUE(replanned.ok()) << replanned.status();
  ExpectValidReplan(after.input, after.kept, *replanned);
  std::set<std::pair<int, int>> kept_places;
  for (const PlannedMeeting& m : after.kept) {
    kept_places.insert({m.slot, m.table});
  }
  int added = 0;
  for (const PlannedMeeting& m : replanned->meetings) {
    EXPECT_NE(after.input.candidates[m.candidate].company, 0);
    if (!AsSet(after.kept).count({m.candidate, m.slot, m.table})) {
      ++added;
      EXPECT_FALSE(kept_places.count({m.slot, m.table}));
    }
  }
  // Three places were freed; companies 1 and 2 have room and holders too.
  EXPECT_EQ(added, 3);
  EXPECT_NEAR(replanned->total_quality, BruteForceBest(after.input, after.kept),
              1e-9);
}

TEST(ReplanTest, RandomCancellationsKeepEveryKeptMeeting) {
  std::mt19937 rng(99);
  for (int instance = 0; instance < 60; ++instance) {
    SCOPED_TRACE(instance);
    const PlanInput in =
        RandomInput(&rng, 25, 50, 8, 10, 6, instance % 2 == 0 ? 0.5 : 0.1);
    absl::StatusOr<EventPlan> plan = PlanEvent(in);
    ASSERT_TRUE(plan.ok()) << plan.status();
    std::set<int> companies;
    std::set<int> holders;
    const int cancellations = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int i = 0; i < cancellations; ++i) {
      if (rng() % 2 == 0) {
        companies.insert(std::uniform_int_distribution<int>(0, 24)(rng));
      } else {
        holders.insert(std::uniform_int_distribution<int>(0, 49)(rng));
      }
    }
    const Cancellation after = Cancel(in, *plan, companies, holders);
    absl::StatusOr<EventPlan> replanned = Replan(after.input, after.kept);
    ASSERT_TRUE(replanned.ok()) << replanned.status();
    ExpectValidReplan(after.input, after.kept, *replanned);
    double kept_quality = 0;
    for (const PlannedMeeting& m : after.kept) {
      kept_quality += in.candidates[m.candidate].quality;
    }
    EXPECT_GE(replanned->total_quality, kept_quality - 1e-9);
    // Never better than the unconstrained optimum.
    absl::StatusOr<EventPlan> fresh = PlanEvent(after.input);
    ASSERT_TRUE(fresh.ok());
    EXPECT_LE(replanned->total_quality, fresh->total_quality + 1e-4);
  }
}

// Replan reaches the exhaustive optimum in 599 of the 600 instances of the
// two tests below (the figure the README reports). Placement around kept
// meetings is a heuristic, so a miss or two is allowed; more than 3 of 300
// in either test is a regression.
void ExpectAlmostAlwaysExact(int exact, int total) {
  std::printf(
      "[ MEASURED ] Replan reached the exhaustive optimum in %d of %d\n", exact,
      total);
  EXPECT_GE(exact * 100, total * 99) << exact << " of " << total;
}

TEST(ReplanTest, SmallInstancesAgainstBruteForce) {
  std::mt19937 rng(424242);
  int exact = 0;
  int total = 0;
  for (int instance = 0; instance < 300; ++instance) {
    SCOPED_TRACE(instance);
    const int companies = std::uniform_int_distribution<int>(1, 4)(rng);
    const int holders = std::uniform_int_distribution<int>(1, 4)(rng);
    PlanInput in = RandomInput(&rng, companies, holders, 3, 3, 3, 0.75);
    if (in.candidates.size() > 12) in.candidates.resize(12);
    absl::StatusOr<EventPlan> plan = PlanEvent(in);
    ASSERT_TRUE(plan.ok()) << plan.status();
    // Keep a random part of the plan and lower some limits to what is kept.
    std::vector<PlannedMeeting> kept;
    for (const PlannedMeeting& m : plan->meetings) {
      if (rng() % 2 == 0) kept.push_back(m);
    }
    std::set<int> companies_out;
    if (companies > 1 && rng() % 2 == 0) {
      const int c = std::uniform_int_distribution<int>(0, companies - 1)(rng);
      companies_out.insert(c);
      kept.erase(std::remove_if(kept.begin(), kept.end(),
                                [&](const PlannedMeeting& m) {
                                  return in.candidates[m.candidate].company ==
                                         c;
                                }),
                 kept.end());
      in.company_limits[c] = 0;
    }
    absl::StatusOr<EventPlan> replanned = Replan(in, kept);
    ASSERT_TRUE(replanned.ok()) << replanned.status();
    ExpectValidReplan(in, kept, *replanned);
    const double best = BruteForceBest(in, kept);
    EXPECT_LE(replanned->total_quality, best + 1e-6);
    ++total;
    if (replanned->total_quality >= best - 1e-6) ++exact;
  }
  ExpectAlmostAlwaysExact(exact, total);
}

TEST(ReplanTest, FragmentedKeptAgainstBruteForce) {
  // Kept meetings from a plan for other qualities, limits raised: free
  // places are scattered, so placement needs its repair and extra rounds.
  std::mt19937 rng(2003);
  int exact = 0;
  int total = 0;
  for (int instance = 0; instance < 300; ++instance) {
    SCOPED_TRACE(instance);
    PlanInput in = RandomInput(&rng, 5, 6, 4, 3, 4, 0.6);
    in.slots = std::max(in.slots, 3);
    if (in.candidates.size() > 14) in.candidates.resize(14);
    PlanInput other = in;
    for (CandidatePair& p : other.candidates) {
      p.quality = std::uniform_real_distribution<double>(0.01, 1)(rng);
    }
    absl::StatusOr<EventPlan> plan = PlanEvent(other);
    ASSERT_TRUE(plan.ok()) << plan.status();
    std::vector<PlannedMeeting> kept;
    for (const PlannedMeeting& m : plan->meetings) {
      if (rng() % 2 == 0) kept.push_back(m);
    }
    for (int& limit : in.company_limits) ++limit;
    for (int& limit : in.holder_limits) ++limit;
    absl::StatusOr<EventPlan> replanned = Replan(in, kept);
    ASSERT_TRUE(replanned.ok()) << replanned.status();
    ExpectValidReplan(in, kept, *replanned);
    const double best = BruteForceBest(in, kept);
    EXPECT_LE(replanned->total_quality, best + 1e-6);
    ++total;
    if (replanned->total_quality >= best - 1e-6) ++exact;
  }
  ExpectAlmostAlwaysExact(exact, total);
}

TEST(ReplanTest, WithNothingKeptPlansFromScratch) {
  std::mt19937 rng(8);
  for (int instance = 0; instance < 20; ++instance) {
    SCOPED_TRACE(instance);
    const PlanInput in = RandomInput(&rng, 15, 30, 6, 5, 4, 0.3);
    absl::StatusOr<EventPlan> replanned = Replan(in, {});
    ASSERT_TRUE(replanned.ok()) << replanned.status();
    ExpectValidReplan(in, {}, *replanned);
    absl::StatusOr<EventPlan> plan = PlanEvent(in);
    ASSERT_TRUE(plan.ok());
    EXPECT_LE(replanned->total_quality, plan->total_quality + 1e-4);
    EXPECT_GE(replanned->total_quality, 0.9 * plan->total_quality);
  }
}

TEST(ReplanTest, InvalidKeptIsInvalidArgument) {
  const PlanInput in{.slots = 2,
                     .tables = 1,
                     .company_limits = {0, 1},
                     .holder_limits = {2},
                     .candidates = {{0, 0, 0.5}, {1, 0, 0.5}}};
  struct Case {
    std::string name;
    std::vector<PlannedMeeting> kept;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"cancelled company still kept",
       {{.candidate = 0, .slot = 0}},
       "kept: company 0 has 1 meetings, over its limit of 0"},
      {"slot out of range",
       {{.candidate = 1, .slot = 2}},
       "kept: meetings[0].slot 2"},
      {"table out of range",
       {{.candidate = 1, .slot = 0, .table = 1}},
       "kept: meetings[0].table 1"},
      {"candidate out of range",
       {{.candidate = 5}},
       "kept: meetings[0].candidate 5"},
      {"same candidate twice",
       {{.candidate = 1, .slot = 0}, {.candidate = 1, .slot = 1}},
       "kept: meetings[1] repeats candidates[1]"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<EventPlan> replanned = Replan(in, c.kept);
    EXPECT_EQ(replanned.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(replanned.status().message(), HasSubstr(c.message));
  }
}

TEST(ReplanTest, AddsOnlyWhereBothAreFree) {
  // Holder 0 is kept busy in slot 0, company 1 in slot 1; the only place
  // where company 1 and holder 0 are both free is slot 2.
  const PlanInput in{.slots = 3,
                     .tables = 2,
                     .company_limits = {1, 2, 1},
                     .holder_limits = {2, 1, 1},
                     .candidates = {{0, 0, 0.5}, {1, 1, 0.5}, {1, 0, 0.9}}};
  const std::vector<PlannedMeeting> kept = {{.candidate = 0, .slot = 0},
                                            {.candidate = 1, .slot = 1}};
  absl::StatusOr<EventPlan> replanned = Replan(in, kept);
  ASSERT_TRUE(replanned.ok()) << replanned.status();
  ExpectValidReplan(in, kept, *replanned);
  ASSERT_EQ(replanned->meetings.size(), 3u);
  EXPECT_EQ(replanned->meetings[2].candidate, 2);
  EXPECT_EQ(replanned->meetings[2].slot, 2);
  EXPECT_EQ(replanned->meetings[2].table, 0);
}

}  // namespace
}  // namespace patentmatch::matcher
