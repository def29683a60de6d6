// pm_event_planner_bench: the cost of planning a docking event
// (matcher/event_planner.h) at the size of a large real one — 200 companies
// x 500 holders (each holder one patent), 12 slots x 60 tables, company
// limit 6, holder limit 4 — and of re-planning after 5 late cancellations.
// Run by hand, never by ctest:
//
//   pm_event_planner_bench --benchmark_min_time=1
//
// dense:1 makes every pair a candidate (100,000: the worst case for the
// min-cost flow); dense:0 gives each company ~50 candidates. Counters report
// the meetings planned and their total quality.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <set>
#include <vector>

#include "matcher/event_planner.h"

namespace patentmatch {
namespace {

using matcher::EventPlan;
using matcher::PlanInput;
using matcher::PlannedMeeting;

constexpr int kCompanies = 200;
constexpr int kHolders = 500;
constexpr int kSparseCandidatesPerCompany = 50;

PlanInput EventInput(bool dense) {
  std::mt19937 rng(2025);
  std::uniform_real_distribution<double> quality(0.01, 1.0);
  PlanInput in;
  in.slots = 12;
  in.tables = 60;
  in.company_limits.assign(kCompanies, 6);
  in.holder_limits.assign(kHolders, 4);
  std::vector<int> holders(kHolders);
  for (int h = 0; h < kHolders; ++h) holders[h] = h;
  for (int c = 0; c < kCompanies; ++c) {
    if (dense) {
      for (int h = 0; h < kHolders; ++h) {
        in.candidates.push_back({c, h, quality(rng)});
      }
    } else {
      std::shuffle(holders.begin(), holders.end(), rng);
      for (int i = 0; i < kSparseCandidatesPerCompany; ++i) {
        in.candidates.push_back({c, holders[i], quality(rng)});
      }
    }
  }
  return in;
}

void Report(benchmark::State& state, const EventPlan& plan) {
  state.counters["meetings"] = static_cast<double>(plan.meetings.size());
  state.counters["total_quality"] = plan.total_quality;
}

EventPlan PlanOrDie(const PlanInput& in) {
  absl::StatusOr<EventPlan> plan = matcher::PlanEvent(in);
  if (!plan.ok()) std::abort();
  return *std::move(plan);
}

void BM_PlanEvent(benchmark::State& state) {
  const PlanInput in = EventInput(state.range(0) != 0);
  EventPlan plan;
  for (auto _ : state) {
    plan = PlanOrDie(in);
    benchmark::DoNotOptimize(plan);
  }
  Report(state, plan);
  state.counters["candidates"] = static_cast<double>(in.candidates.size());
}
BENCHMARK(BM_PlanEvent)
    ->ArgName("dense")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);

// Two companies and three holders cancel (the first of each, in plan order,
// that had meetings): limits drop to 0, their meetings leave the plan, and
// Replan fills the freed places around everyone else's.
void BM_ReplanAfterFiveCancellations(benchmark::State& state) {
  PlanInput in = EventInput(state.range(0) != 0);
  const EventPlan plan = PlanOrDie(in);
  std::set<int> companies;
  std::set<int> holders;
  for (const PlannedMeeting& m : plan.meetings) {
    const matcher::CandidatePair& p = in.candidates[m.candidate];
    if (companies.size() < 2) companies.insert(p.company);
    if (holders.size() < 3 && !companies.count(p.company)) {
      holders.insert(p.holder);
    }
  }
  for (int c : companies) in.company_limits[c] = 0;
  for (int h : holders) in.holder_limits[h] = 0;
  std::vector<PlannedMeeting> kept;
  for (const PlannedMeeting& m : plan.meetings) {
    const matcher::CandidatePair& p = in.candidates[m.candidate];
    if (!companies.count(p.company) && !holders.count(p.holder)) {
      kept.push_back(m);
    }
  }
  EventPlan replanned;
  for (auto _ : state) {
    absl::StatusOr<EventPlan> result = matcher::Replan(in, kept);
    if (!result.ok()) std::abort();
    replanned = *std::move(result);
    benchmark::DoNotOptimize(replanned);
  }
  Report(state, replanned);
  state.counters["kept"] = static_cast<double>(kept.size());
  state.counters["before"] = static_cast<double>(plan.meetings.size());
}
BENCHMARK(BM_ReplanAfterFiveCancellations)
    ->ArgName("dense")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace patentmatch

BENCHMARK_MAIN();
