// Docking-event planning (对接活动): which company meets which patent holder,
// in which time slot and at which table. Pure: no I/O, no clock.
//
// Planning is exact for total meeting quality, in two steps:
//  1. Choose meetings: a maximum-weight bipartite b-matching (companies x
//     holders, each participant at most min(limit, slots) meetings, at most
//     slots x tables meetings in all), solved as a min-cost flow with LEMON's
//     network simplex on integer costs (quality x 1e6). Integral optimum.
//  2. Place them: a bipartite graph whose degrees are <= slots has a proper
//     edge colouring with `slots` colours (König), and one whose colour
//     classes differ by at most one (de Werra), so no slot holds more than
//     ceil(meetings / slots) <= tables meetings. Colour = slot; tables are
//     numbered within each slot.
// So every set of meetings that obeys the limits can be placed, and the plan
// maximises total quality over all feasible timetables (to 1e-6 per meeting).
//
//   PlanInput in{.slots = 6, .tables = 10, .company_limits = {3, 2},
//                .holder_limits = {4}, .candidates = {{0, 0, 0.8}, ...}};
//   absl::StatusOr<EventPlan> plan = PlanEvent(in);
//
// Re-planning after a late cancellation keeps every surviving meeting in its
// slot at its table and only fills the room the cancellation freed.
#ifndef PATENTMATCH_MATCHER_EVENT_PLANNER_H_
#define PATENTMATCH_MATCHER_EVENT_PLANNER_H_

#include <vector>

#include "absl/status/statusor.h"

namespace patentmatch::matcher {

// Bounds that keep the arithmetic exact and the memory small: costs are
// quality x 1e6 in 64-bit integers, and re-planning keeps per-slot arrays.
inline constexpr int kMaxSlots = 1000;
inline constexpr double kMaxQuality = 1e6;

// One pair that may meet. At most one candidate per (company, holder).
struct CandidatePair {
  int company = 0;     // index into PlanInput::company_limits
  int holder = 0;      // index into PlanInput::holder_limits
  double quality = 0;  // in (0, kMaxQuality]; pairs never to choose are absent
};

struct PlanInput {
  int slots = 0;                    // time slots, in [1, kMaxSlots]
  int tables = 0;                   // meetings that can run at once, >= 1
  std::vector<int> company_limits;  // max meetings per company, >= 0
  std::vector<int> holder_limits;   // max meetings per holder, >= 0
  std::vector<CandidatePair> candidates;
};

struct PlannedMeeting {
  int candidate = 0;  // index into PlanInput::candidates
  int slot = 0;       // 0-based
  int table = 0;      // 0-based, unique within the slot
};

struct EventPlan {
  std::vector<PlannedMeeting> meetings;  // ordered by slot, then table
  double total_quality = 0;
};

// INVALID_ARGUMENT (naming the field) for slots outside [1, kMaxSlots],
// tables < 1, negative limits, indices out of range, quality not in
// (0, kMaxQuality] or not finite, duplicate pairs. The same input always
// gives the same plan.
absl::StatusOr<EventPlan> PlanEvent(const PlanInput& input);

// Re-plans after cancellations. `kept`: meetings of the previous plan that
// still happen (indices into input.candidates); they keep their slot and
// table. Cancelled participants should have limit 0 (or no candidates).
// New meetings fill only free (slot, table) places where both participants
// are free: chosen by a maximum-weight b-matching over the remaining limits,
// restricted to pairs that share a free slot, then placed (most constrained
// first, with a one-move repair); a chosen meeting that cannot be placed is
// dropped and the matching solved again without it (at most 64 rounds; the
// best placed set seen wins). Then any pair that still fits a free place is
// added greedily, best quality first, so no addable pair is left out.
// Placement is a heuristic: the result is feasible but not always optimal.
// The result holds the kept meetings unchanged plus the added ones, ordered
// by slot, then table. INVALID_ARGUMENT for an invalid input, or if `kept`
// itself breaks the input's rules (the message starts with "kept: ").
absl::StatusOr<EventPlan> Replan(const PlanInput& input,
                                 const std::vector<PlannedMeeting>& kept);

// Checks `plan` against `input`: candidate indices, slot/table ranges, one
// meeting per pair, each table of a slot used once (so at most `tables` per
// slot), nobody twice in one slot, limits, and total_quality equal to the
// meetings' qualities summed (to 1e-6 relative). OK, INVALID_ARGUMENT if
// `input` itself is invalid, or FAILED_PRECONDITION naming the first
// violation found. The meetings' order is not checked. Used by tests and as
// a guard before storing.
absl::Status CheckPlan(const PlanInput& input, const EventPlan& plan);

}  // namespace patentmatch::matcher

#endif  // PATENTMATCH_MATCHER_EVENT_PLANNER_H_
