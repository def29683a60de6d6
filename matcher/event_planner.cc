// Docking-event planning: which meetings (a min-cost flow solved by LEMON's
// network simplex) and where (bipartite edge colouring, König and de Werra);
// re-planning fills freed places around kept meetings. See event_planner.h
// for the model and why the plan is exact.
#include "matcher/event_planner.h"

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace patentmatch::matcher {
namespace {

// Costs are integers so the network simplex is exact: quality in millionths.
constexpr double kCostScale = 1e6;
// Re-planning rounds (solve, place, drop what did not fit) before settling
// for the best placed set seen.
constexpr int kMaxReplanRounds = 64;

// Vertices of the bipartite graph: companies first, then holders.
struct Ends {
  int company_vertex;
  int holder_vertex;
};

Ends EndsOf(const PlanInput& in, int candidate) {
  const CandidatePair& p = in.candidates[candidate];
  return {p.company, static_cast<int>(in.company_limits.size()) + p.holder};
}

absl::Status ValidateInput(const PlanInput& in) {
  if (in.slots < 1 || in.slots > kMaxSlots) {
    return absl::InvalidArgumentError(
        absl::StrCat("slots must be in [1, ", kMaxSlots, "], got ", in.slots));
  }
  if (in.tables < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("tables must be >= 1, got ", in.tables));
  }
  for (size_t i = 0; i < in.company_limits.size(); ++i) {
    if (in.company_limits[i] < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "company_limits[", i, "] must be >= 0, got ", in.company_limits[i]));
    }
  }
  for (size_t i = 0; i < in.holder_limits.size(); ++i) {
    if (in.holder_limits[i] < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "holder_limits[", i, "] must be >= 0, got ", in.holder_limits[i]));
    }
  }
  const int num_companies = static_cast<int>(in.company_limits.size());
  const int num_holders = static_cast<int>(in.holder_limits.size());
  for (size_t k = 0; k < in.candidates.size(); ++k) {
    const CandidatePair& p = in.candidates[k];
    if (p.company < 0 || p.company >= num_companies) {
      return absl::InvalidArgumentError(absl::StrCat(
          "candidates[", k, "].company ", p.company,
          " is not an index of company_limits (size ", num_companies, ")"));
    }
    if (p.holder < 0 || p.holder >= num_holders) {
      return absl::InvalidArgumentError(absl::StrCat(
          "candidates[", k, "].holder ", p.holder,
          " is not an index of holder_limits (size ", num_holders, ")"));
    }
    if (!std::isfinite(p.quality) || p.quality <= 0 ||
        p.quality > kMaxQuality) {
      return absl::InvalidArgumentError(absl::StrCat(
          "candidates[", k, "].quality must be a positive finite number <= ",
          kMaxQuality, ", got ", p.quality));
    }
  }
  std::vector<int> order(in.candidates.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
  auto pair_of = [&](int k) {
    return std::make_pair(in.candidates[k].company, in.candidates[k].holder);
  };
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return std::make_pair(pair_of(a), a) < std::make_pair(pair_of(b), b);
  });
  for (size_t i = 1; i < order.size(); ++i) {
    if (pair_of(order[i - 1]) == pair_of(order[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "candidates[", order[i], "] repeats the pair (company ",
          pair_of(order[i]).first, ", holder ", pair_of(order[i]).second,
          ") of candidates[", order[i - 1], "]"));
    }
  }
  return absl::OkStatus();
}

// The plan rules for `meetings` of a valid `input`, total_quality aside.
// FAILED_PRECONDITION naming the first violation.
absl::Status CheckMeetings(const PlanInput& in,
                           const std::vector<PlannedMeeting>& meetings) {
  const int num_candidates = static_cast<int>(in.candidates.size());
  const int num_companies = static_cast<int>(in.company_limits.size());
  std::vector<int> user_of_candidate(in.candidates.size(), -1);
  std::map<std::pair<int, int>, int> user_of_table;   // (slot, table)
  std::map<std::pair<int, int>, int> user_of_vertex;  // (vertex, slot)
  std::vector<int> meeting_count(in.company_limits.size() +
                                 in.holder_limits.size());
  auto who = [&](int vertex) {
    return vertex < num_companies
               ? absl::StrCat("company ", vertex)
               : absl::StrCat("holder ", vertex - num_companies);
  };
  for (size_t i = 0; i < meetings.size(); ++i) {
    const PlannedMeeting& m = meetings[i];
    const int index = static_cast<int>(i);
    if (m.candidate < 0 || m.candidate >= num_candidates) {
      return absl::FailedPreconditionError(absl::StrCat(
          "meetings[", i, "].candidate ", m.candidate,
          " is not an index of candidates (size ", num_candidates, ")"));
    }
    if (m.slot < 0 || m.slot >= in.slots) {
      return absl::FailedPreconditionError(
          absl::StrCat("meetings[", i, "].slot ", m.slot, " is outside [0, ",
                       in.slots, ")"));
    }
    if (m.table < 0 || m.table >= in.tables) {
      return absl::FailedPreconditionError(
          absl::StrCat("meetings[", i, "].table ", m.table, " is outside [0, ",
                       in.tables, ")"));
    }
    int& candidate_user = user_of_candidate[m.candidate];
    if (candidate_user >= 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("meetings[", i, "] repeats candidates[", m.candidate,
                       "] of meetings[", candidate_user, "]"));
    }
    candidate_user = index;
    auto [table_it, table_new] =
        user_of_table.emplace(std::make_pair(m.slot, m.table), index);
    if (!table_new) {
      return absl::FailedPreconditionError(
          absl::StrCat("meetings[", table_it->second, "] and meetings[", i,
                       "] both use table ", m.table, " of slot ", m.slot));
    }
    const Ends ends = EndsOf(in, m.candidate);
    for (int vertex : {ends.company_vertex, ends.holder_vertex}) {
      auto [it, is_new] =
          user_of_vertex.emplace(std::make_pair(vertex, m.slot), index);
      if (!is_new) {
        return absl::FailedPreconditionError(
            absl::StrCat(who(vertex), " is in both meetings[", it->second,
                         "] and meetings[", i, "] in slot ", m.slot));
      }
      ++meeting_count[vertex];
    }
  }
  for (size_t v = 0; v < meeting_count.size(); ++v) {
    const int vertex = static_cast<int>(v);
    const int limit = vertex < num_companies
                          ? in.company_limits[vertex]
                          : in.holder_limits[vertex - num_companies];
    if (meeting_count[v] > limit) {
      return absl::FailedPreconditionError(
          absl::StrCat(who(vertex), " has ", meeting_count[v],
                       " meetings, over its limit of ", limit));
    }
  }
  return absl::OkStatus();
}

// Orders `meetings` by slot and table, sums their quality and checks the
// result: a plan that breaks the rules is never returned.
absl::StatusOr<EventPlan> FinishPlan(const PlanInput& in,
                                     std::vector<PlannedMeeting> meetings) {
  std::sort(meetings.begin(), meetings.end(),
            [](const PlannedMeeting& a, const PlannedMeeting& b) {
              return std::make_pair(a.slot, a.table) <
                     std::make_pair(b.slot, b.table);
            });
  EventPlan plan;
  plan.meetings = std::move(meetings);
  for (const PlannedMeeting& m : plan.meetings) {
    plan.total_quality += in.candidates[m.candidate].quality;
  }
  if (absl::Status s = CheckMeetings(in, plan.meetings); !s.ok()) {
    return absl::InternalError(
        absl::StrCat("planner produced an invalid plan: ", s.message()));
  }
  return plan;
}

// The candidates (increasing indices) of a maximum-weight b-matching: only
// those with allowed[k], each company c in at most company_cap[c] of them,
// each holder h in at most holder_cap[h], at most max_meetings in all.
//
// Min-cost flow: source -> company (cap), company -> holder (1, -quality),
// holder -> sink (cap), and a free bypass source -> sink, with supply K at
// the source; the bypass lets the flow skip any meeting that does not pay.
absl::StatusOr<std::vector<int>> ChooseMeetings(
    const PlanInput& in, const std::vector<char>& allowed,
    const std::vector<int64_t>& company_cap,
    const std::vector<int64_t>& holder_cap, int64_t max_meetings) {
  using Graph = lemon::SmartDigraph;
  const int num_companies = static_cast<int>(company_cap.size());
  const int num_holders = static_cast<int>(holder_cap.size());

  std::vector<int> arcs_for;  // candidates that get an arc
  std::vector<char> company_used(num_companies, 0);
  std::vector<char> holder_used(num_holders, 0);
  for (size_t k = 0; k < in.candidates.size(); ++k) {
    const CandidatePair& p = in.candidates[k];
    if (!allowed[k] || company_cap[p.company] <= 0 ||
        holder_cap[p.holder] <= 0) {
      continue;
    }
    arcs_for.push_back(static_cast<int>(k));
    company_used[p.company] = 1;
    holder_used[p.holder] = 1;
  }
  int64_t company_total = 0;
  int64_t holder_total = 0;
  for (int c = 0; c < num_companies; ++c) {
    if (company_used[c]) company_total += company_cap[c];
  }
  for (int h = 0; h < num_holders; ++h) {
    if (holder_used[h]) holder_total += holder_cap[h];
  }
  const int64_t flow_value =
      std::min({max_meetings, company_total, holder_total,
                static_cast<int64_t>(arcs_for.size())});
  if (flow_value <= 0) return std::vector<int>();

  Graph g;
  std::vector<int64_t> upper;
  std::vector<int64_t> cost;
  auto add_arc = [&](Graph::Node from, Graph::Node to, int64_t cap,
                     int64_t arc_cost) {
    Graph::Arc a = g.addArc(from, to);
    upper.push_back(cap);
    cost.push_back(arc_cost);
    return a;
  };
  const Graph::Node source = g.addNode();
  const Graph::Node sink = g.addNode();
  std::vector<Graph::Node> company_node(num_companies, lemon::INVALID);
  std::vector<Graph::Node> holder_node(num_holders, lemon::INVALID);
  for (int c = 0; c < num_companies; ++c) {
    if (!company_used[c]) continue;
    company_node[c] = g.addNode();
    add_arc(source, company_node[c], company_cap[c], 0);
  }
  for (int h = 0; h < num_holders; ++h) {
    if (!holder_used[h]) continue;
    holder_node[h] = g.addNode();
    add_arc(holder_node[h], sink, holder_cap[h], 0);
  }
  std::vector<Graph::Arc> meeting_arc;
  meeting_arc.reserve(arcs_for.size());
  for (int k : arcs_for) {
    const CandidatePair& p = in.candidates[k];
    meeting_arc.push_back(add_arc(company_node[p.company],
                                  holder_node[p.holder], 1,
                                  -std::llround(p.quality * kCostScale)));
  }
  add_arc(source, sink, flow_value, 0);

  Graph::ArcMap<int64_t> upper_map(g);
  Graph::ArcMap<int64_t> cost_map(g);
  for (Graph::ArcIt a(g); a != lemon::INVALID; ++a) {
    upper_map[a] = upper[g.id(a)];
    cost_map[a] = cost[g.id(a)];
  }
  lemon::NetworkSimplex<Graph, int64_t, int64_t> simplex(g);
  simplex.upperMap(upper_map).costMap(cost_map).stSupply(source, sink,
                                                         flow_value);
  const auto result = simplex.run();
  if (result != lemon::NetworkSimplex<Graph, int64_t, int64_t>::OPTIMAL) {
    return absl::InternalError(
        absl::StrCat("network simplex did not find an optimal flow (result ",
                     static_cast<int>(result), ")"));
  }
  std::vector<int> chosen;
  for (size_t i = 0; i < arcs_for.size(); ++i) {
    if (simplex.flow(meeting_arc[i]) > 0) chosen.push_back(arcs_for[i]);
  }
  return chosen;
}

// A proper edge colouring of a bipartite graph with `num_colours` colours
// (colour = slot), made balanced. Each vertex keeps its (colour, edge)
// pairs: its degree is at most the number of slots, so a lookup by colour
// scans a short list and memory stays linear in the edges.
class SlotColouring {
 public:
  SlotColouring(int num_vertices, std::vector<std::pair<int, int>> ends,
                int num_colours)
      : ends_(std::move(ends)),
        colour_(ends_.size(), -1),
        position_(ends_.size(), -1),
        at_(num_vertices),
        members_(num_colours) {}

  // König: each edge gets a colour free at both ends, after swapping the two
  // colours along an alternating path if needed. Needs num_colours >= the
  // maximum degree.
  void ColourEdges() {
    for (size_t e = 0; e < ends_.size(); ++e) {
      const auto [u, v] = ends_[e];
      const int a = SmallestFreeColour(u);
      const int b = SmallestFreeColour(v);
      if (EdgeAt(v, a) >= 0) {
        // The a/b path from v cannot reach u (bipartite parity), so after
        // the swap a is free at both ends.
        for (int f : AlternatingPath(v, a, b))
          Recolour(f, colour_[f] == a ? b : a);
      }
      Recolour(static_cast<int>(e), a);
    }
  }

  // de Werra: while some colour class has two edges more than another, swap
  // the two colours along a component of their subgraph that is a path
  // beginning and ending with an edge of the larger class. Afterwards class
  // sizes differ by at most one.
  void Balance() {
    const int num_colours = static_cast<int>(members_.size());
    while (true) {
      int largest = 0;
      int smallest = 0;
      for (int c = 1; c < num_colours; ++c) {
        if (members_[c].size() > members_[largest].size()) largest = c;
        if (members_[c].size() < members_[smallest].size()) smallest = c;
      }
      if (members_[largest].size() <= members_[smallest].size() + 1) return;
      std::vector<int> path = UnevenPath(largest, smallest);
      if (path.empty()) return;  // cannot happen: counting argument
      for (int f : path) {
        Recolour(f, colour_[f] == largest ? smallest : largest);
      }
    }
  }

  int colour(int edge) const { return colour_[edge]; }

 private:
  int EdgeAt(int vertex, int colour) const {
    for (const auto& [c, e] : at_[vertex]) {
      if (c == colour) return e;
    }
    return -1;
  }

  int SmallestFreeColour(int vertex) const {
    std::vector<int> used;
    for (const auto& [c, e] : at_[vertex]) used.push_back(c);
    std::sort(used.begin(), used.end());
    int free = 0;
    for (int c : used) {
      if (c == free) ++free;
    }
    return free;
  }

  int Other(int edge, int vertex) const {
    return ends_[edge].first == vertex ? ends_[edge].second : ends_[edge].first;
  }

  // The edges of the path from `start` coloured first, second, first, ...
  // `start` must lack a `second` edge, so it is an end of the path.
  std::vector<int> AlternatingPath(int start, int first, int second) const {
    std::vector<int> path;
    int vertex = start;
    int colour = first;
    while (path.size() < ends_.size()) {
      const int edge = EdgeAt(vertex, colour);
      if (edge < 0) break;
      path.push_back(edge);
      vertex = Other(edge, vertex);
      colour = colour == first ? second : first;
    }
    return path;
  }

  // A path of the larger/smaller subgraph that begins and ends with a
  // `larger` edge (so it has one more of them), or empty.
  std::vector<int> UnevenPath(int larger, int smaller) const {
    for (int e : members_[larger]) {
      for (int end : {ends_[e].first, ends_[e].second}) {
        if (EdgeAt(end, smaller) >= 0) continue;
        std::vector<int> path = AlternatingPath(end, larger, smaller);
        if (path.size() % 2 == 1) return path;
      }
    }
    return {};
  }

  void Recolour(int edge, int colour) {
    const int old = colour_[edge];
    if (old >= 0) {
      std::vector<int>& from = members_[old];
      const int moved = from.back();
      from[position_[edge]] = moved;
      position_[moved] = position_[edge];
      from.pop_back();
      for (int vertex : {ends_[edge].first, ends_[edge].second}) {
        for (auto& entry : at_[vertex]) {
          if (entry.second == edge) entry.first = colour;
        }
      }
    } else {
      at_[ends_[edge].first].push_back({colour, edge});
      at_[ends_[edge].second].push_back({colour, edge});
    }
    colour_[edge] = colour;
    position_[edge] = static_cast<int>(members_[colour].size());
    members_[colour].push_back(edge);
  }

  std::vector<std::pair<int, int>> ends_;
  std::vector<int> colour_;
  std::vector<int> position_;  // index of the edge in members_[colour]
  std::vector<std::vector<std::pair<int, int>>> at_;  // (colour, edge)
  std::vector<std::vector<int>> members_;             // edges per colour
};

// Who is busy in which slot and how many tables each slot has taken, while
// meetings are added and removed. Vertices as in EndsOf.
class Occupancy {
 public:
  static constexpr int kFree = -2;  // Occupant: nobody
  static constexpr int kKept = -1;  // Occupant: a meeting that cannot move

  Occupancy(int slots, int tables, int num_vertices)
      : tables_(tables),
        used_(slots, 0),
        open_slots_(slots),
        busy_(num_vertices) {}

  int slots() const { return static_cast<int>(used_.size()); }
  bool Open(int slot) const { return used_[slot] < tables_; }
  int FreeTables(int slot) const { return tables_ - used_[slot]; }

  // kFree, kKept or the id given to Add.
  int Occupant(int vertex, int slot) const {
    for (const auto& [s, id] : busy_[vertex]) {
      if (s == slot) return id;
    }
    return kFree;
  }

  bool Fits(const Ends& ends, int slot) const {
    return Open(slot) && Occupant(ends.company_vertex, slot) == kFree &&
           Occupant(ends.holder_vertex, slot) == kFree;
  }

  // Slots where both could meet now.
  int CommonFreeSlots(const Ends& ends) const {
    int count = open_slots_;
    for (const auto& [s, id] : busy_[ends.company_vertex]) {
      if (Open(s)) --count;
    }
    for (const auto& [s, id] : busy_[ends.holder_vertex]) {
      if (Open(s) && Occupant(ends.company_vertex, s) == kFree) --count;
    }
    return count;
  }

  // Slots where `vertex` could meet someone now.
  int FreeSlots(int vertex) const {
    int count = open_slots_;
    for (const auto& [s, id] : busy_[vertex]) {
      if (Open(s)) --count;
    }
    return count;
  }

  void Add(const Ends& ends, int slot, int id) {
    if (++used_[slot] == tables_) --open_slots_;
    busy_[ends.company_vertex].push_back({slot, id});
    busy_[ends.holder_vertex].push_back({slot, id});
  }

  void Remove(const Ends& ends, int slot) {
    if (used_[slot]-- == tables_) ++open_slots_;
    for (int vertex : {ends.company_vertex, ends.holder_vertex}) {
      auto& list = busy_[vertex];
      list.erase(std::remove_if(list.begin(), list.end(),
                                [slot](const std::pair<int, int>& entry) {
                                  return entry.first == slot;
                                }),
                 list.end());
    }
  }

 private:
  int tables_;
  std::vector<int> used_;  // tables taken, per slot
  int open_slots_;         // slots with a free table
  std::vector<std::vector<std::pair<int, int>>> busy_;  // (slot, id)
};

// Places new meetings (candidate indices) around what `occupancy` holds:
// the most constrained meeting first, into the slot that takes fewest
// options from the others; a meeting with no slot left gets a one-move
// repair (its blockers moved to another slot). Returns slot per meeting,
// -1 for those that could not be placed.
std::vector<int> PlaceNewMeetings(const PlanInput& in, Occupancy occupancy,
                                  const std::vector<int>& chosen) {
  const int n = static_cast<int>(chosen.size());
  const int slots = occupancy.slots();
  std::vector<Ends> ends(n);
  for (int i = 0; i < n; ++i) ends[i] = EndsOf(in, chosen[i]);
  std::vector<int> slot_of(n, -1);
  std::vector<char> done(n, 0);
  auto place = [&](int i, int s) {
    occupancy.Add(ends[i], s, i);
    slot_of[i] = s;
  };
  auto unplace = [&](int i) {
    occupancy.Remove(ends[i], slot_of[i]);
    slot_of[i] = -1;
  };
  auto adjacent = [&](int i, int j) {
    return ends[i].company_vertex == ends[j].company_vertex ||
           ends[i].holder_vertex == ends[j].holder_vertex;
  };

  // Puts i in s after moving `movers` (all in s) to other slots, or changes
  // nothing and returns false.
  auto try_repair_at = [&](int i, int s, const std::vector<int>& movers) {
    for (int m : movers) unplace(m);
    place(i, s);
    std::vector<int> moved;
    for (int m : movers) {
      int to = -1;
      for (int t = 0; t < slots && to < 0; ++t) {
        if (t != s && occupancy.Fits(ends[m], t)) to = t;
      }
      if (to < 0) {
        for (int back : moved) unplace(back);
        unplace(i);
        for (int back : movers) place(back, s);
        return false;
      }
      place(m, to);
      moved.push_back(m);
    }
    return true;
  };
  auto repair = [&](int i) {
    for (int s = 0; s < slots; ++s) {
      const int at_company = occupancy.Occupant(ends[i].company_vertex, s);
      const int at_holder = occupancy.Occupant(ends[i].holder_vertex, s);
      if (at_company == Occupancy::kKept || at_holder == Occupancy::kKept) {
        continue;
      }
      std::vector<int> movers;
      if (at_company >= 0) movers.push_back(at_company);
      if (at_holder >= 0) movers.push_back(at_holder);
      if (occupancy.FreeTables(s) + static_cast<int>(movers.size()) > 0) {
        if (try_repair_at(i, s, movers)) return true;
        continue;
      }
      // The slot is full: one more new meeting must leave it.
      for (int j = 0; j < n; ++j) {
        if (slot_of[j] != s || j == at_company || j == at_holder) continue;
        movers.push_back(j);
        if (try_repair_at(i, s, movers)) return true;
        movers.pop_back();
      }
    }
    return false;
  };

  for (int round = 0; round < n; ++round) {
    int next = -1;
    int next_options = 0;
    for (int i = 0; i < n; ++i) {
      if (done[i]) continue;
      const int options = occupancy.CommonFreeSlots(ends[i]);
      if (next < 0 || options < next_options ||
          (options == next_options &&
           in.candidates[chosen[i]].quality >
               in.candidates[chosen[next]].quality)) {
        next = i;
        next_options = options;
      }
    }
    done[next] = 1;
    if (next_options == 0) {
      repair(next);
      continue;
    }
    int best_slot = -1;
    int best_cost = 0;
    for (int s = 0; s < slots; ++s) {
      if (!occupancy.Fits(ends[next], s)) continue;
      // Options taken from the meetings still to place.
      const bool last_table = occupancy.FreeTables(s) == 1;
      int cost = 0;
      for (int j = 0; j < n; ++j) {
        if (done[j] || !(last_table || adjacent(next, j))) continue;
        if (occupancy.Fits(ends[j], s)) ++cost;
      }
      if (best_slot < 0 || cost < best_cost) {
        best_slot = s;
        best_cost = cost;
      }
    }
    place(next, best_slot);
  }
  return slot_of;
}

// Numbers tables in each slot, around the kept meetings' tables. Holders
// stay put and companies walk: a holder keeps the table of its first
// meeting (its home) whenever that is free, and a holder without one yet
// takes the lowest free table that is nobody's home, so with no more
// holders than tables every holder keeps one table all event (a fresh
// plan). Otherwise the lowest free table.
void NumberTables(const PlanInput& in, const std::vector<PlannedMeeting>& kept,
                  std::vector<PlannedMeeting>* added) {
  std::vector<std::vector<bool>> busy(in.slots,
                                      std::vector<bool>(in.tables, false));
  std::vector<int> home(in.holder_limits.size(), -1);
  std::vector<bool> is_home(in.tables, false);
  std::vector<const PlannedMeeting*> by_time;
  for (const PlannedMeeting& m : kept) {
    busy[m.slot][m.table] = true;
    by_time.push_back(&m);
  }
  std::sort(by_time.begin(), by_time.end(),
            [](const PlannedMeeting* a, const PlannedMeeting* b) {
              return std::make_pair(a->slot, a->table) <
                     std::make_pair(b->slot, b->table);
            });
  for (const PlannedMeeting* m : by_time) {
    int& h = home[in.candidates[m->candidate].holder];
    if (h < 0 && !is_home[m->table]) {
      h = m->table;
      is_home[h] = true;
    }
  }
  std::sort(added->begin(), added->end(),
            [&](const PlannedMeeting& a, const PlannedMeeting& b) {
              const CandidatePair& pa = in.candidates[a.candidate];
              const CandidatePair& pb = in.candidates[b.candidate];
              return std::make_tuple(a.slot, pa.holder, pa.company) <
                     std::make_tuple(b.slot, pb.holder, pb.company);
            });
  for (size_t begin = 0; begin < added->size();) {
    const int slot = (*added)[begin].slot;
    size_t end = begin;
    while (end < added->size() && (*added)[end].slot == slot) ++end;
    std::vector<bool>& taken = busy[slot];
    // Holders at home first, so nobody else takes a home table.
    std::vector<PlannedMeeting*> rest;
    for (size_t i = begin; i < end; ++i) {
      PlannedMeeting& m = (*added)[i];
      const int h = home[in.candidates[m.candidate].holder];
      if (h >= 0 && !taken[h]) {
        m.table = h;
        taken[h] = true;
      } else {
        rest.push_back(&m);
      }
    }
    for (PlannedMeeting* m : rest) {
      int pick = -1;
      for (int t = 0; t < in.tables; ++t) {
        if (taken[t]) continue;
        if (!is_home[t]) {
          pick = t;
          break;
        }
        if (pick < 0) pick = t;
      }
      // The plan puts at most `tables` meetings in a slot, so one is free.
      m->table = pick;
      taken[pick] = true;
      int& h = home[in.candidates[m->candidate].holder];
      if (h < 0 && !is_home[pick]) {
        h = pick;
        is_home[pick] = true;
      }
    }
    begin = end;
  }
}

}  // namespace

absl::StatusOr<EventPlan> PlanEvent(const PlanInput& input) {
  if (absl::Status s = ValidateInput(input); !s.ok()) return s;
  const int num_companies = static_cast<int>(input.company_limits.size());
  const int num_holders = static_cast<int>(input.holder_limits.size());
  std::vector<int64_t> company_cap(num_companies);
  std::vector<int64_t> holder_cap(num_holders);
  for (int c = 0; c < num_companies; ++c) {
    company_cap[c] = std::min(input.company_limits[c], input.slots);
  }
  for (int h = 0; h < num_holders; ++h) {
    holder_cap[h] = std::min(input.holder_limits[h], input.slots);
  }
  const std::vector<char> allowed(input.candidates.size(), 1);
  const int64_t places = static_cast<int64_t>(input.slots) * input.tables;
  absl::StatusOr<std::vector<int>> chosen =
      ChooseMeetings(input, allowed, company_cap, holder_cap, places);
  if (!chosen.ok()) return chosen.status();
  const int num_meetings = static_cast<int>(chosen->size());
  if (num_meetings == 0) return EventPlan();

  // Degrees are <= slots and meetings <= slots x tables, so min(slots,
  // meetings) balanced colours put at most `tables` meetings in a slot.
  std::vector<std::pair<int, int>> ends;
  ends.reserve(num_meetings);
  for (int k : *chosen) {
    const Ends e = EndsOf(input, k);
    ends.push_back({e.company_vertex, e.holder_vertex});
  }
  SlotColouring colouring(num_companies + num_holders, std::move(ends),
                          std::min(input.slots, num_meetings));
  colouring.ColourEdges();
  colouring.Balance();

  std::vector<PlannedMeeting> meetings(num_meetings);
  for (int i = 0; i < num_meetings; ++i) {
    meetings[i].candidate = (*chosen)[i];
    meetings[i].slot = colouring.colour(i);
  }
  NumberTables(input, {}, &meetings);
  return FinishPlan(input, std::move(meetings));
}

absl::StatusOr<EventPlan> Replan(const PlanInput& input,
                                 const std::vector<PlannedMeeting>& kept) {
  if (absl::Status s = ValidateInput(input); !s.ok()) return s;
  if (absl::Status s = CheckMeetings(input, kept); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("kept: ", s.message()));
  }
  const int num_companies = static_cast<int>(input.company_limits.size());
  const int num_holders = static_cast<int>(input.holder_limits.size());
  const int num_candidates = static_cast<int>(input.candidates.size());
  auto limit_of = [&](int vertex) {
    return vertex < num_companies ? input.company_limits[vertex]
                                  : input.holder_limits[vertex - num_companies];
  };

  Occupancy base(input.slots, input.tables, num_companies + num_holders);
  std::vector<int64_t> meeting_count(num_companies + num_holders, 0);
  std::vector<char> in_plan(num_candidates, 0);
  for (const PlannedMeeting& m : kept) {
    const Ends ends = EndsOf(input, m.candidate);
    base.Add(ends, m.slot, Occupancy::kKept);
    ++meeting_count[ends.company_vertex];
    ++meeting_count[ends.holder_vertex];
    in_plan[m.candidate] = 1;
  }
  const int64_t free_places = static_cast<int64_t>(input.slots) * input.tables -
                              static_cast<int64_t>(kept.size());

  // Residual caps: what the limit leaves, and no more than the slots where
  // the participant could still meet.
  std::vector<int64_t> company_cap(num_companies);
  std::vector<int64_t> holder_cap(num_holders);
  for (int v = 0; v < num_companies + num_holders; ++v) {
    const int64_t cap =
        std::min<int64_t>(limit_of(v) - meeting_count[v], base.FreeSlots(v));
    if (v < num_companies) {
      company_cap[v] = cap;
    } else {
      holder_cap[v - num_companies] = cap;
    }
  }
  std::vector<char> could_meet(num_candidates, 0);
  for (int k = 0; k < num_candidates; ++k) {
    const CandidatePair& p = input.candidates[k];
    could_meet[k] = !in_plan[k] && company_cap[p.company] > 0 &&
                    holder_cap[p.holder] > 0 &&
                    base.CommonFreeSlots(EndsOf(input, k)) > 0;
  }

  std::vector<PlannedMeeting> best;
  double best_quality = 0;
  std::vector<char> allowed = could_meet;
  for (int round = 0; round < kMaxReplanRounds; ++round) {
    absl::StatusOr<std::vector<int>> chosen =
        ChooseMeetings(input, allowed, company_cap, holder_cap, free_places);
    if (!chosen.ok()) return chosen.status();
    const std::vector<int> slot_of = PlaceNewMeetings(input, base, *chosen);
    std::vector<PlannedMeeting> placed;
    double quality = 0;
    bool all_placed = true;
    for (size_t i = 0; i < chosen->size(); ++i) {
      const int k = (*chosen)[i];
      if (slot_of[i] < 0) {
        allowed[k] = 0;
        all_placed = false;
        continue;
      }
      placed.push_back({.candidate = k, .slot = slot_of[i], .table = 0});
      quality += input.candidates[k].quality;
    }
    if (round == 0 || quality > best_quality) {
      best = std::move(placed);
      best_quality = quality;
    }
    if (all_placed) break;
  }

  // Whatever still fits, best quality first: no addable pair stays out.
  Occupancy occupancy = base;
  for (const PlannedMeeting& m : best) {
    const Ends ends = EndsOf(input, m.candidate);
    occupancy.Add(ends, m.slot, 0);
    ++meeting_count[ends.company_vertex];
    ++meeting_count[ends.holder_vertex];
    in_plan[m.candidate] = 1;
  }
  std::vector<int> by_quality;
  for (int k = 0; k < num_candidates; ++k) {
    if (could_meet[k] && !in_plan[k]) by_quality.push_back(k);
  }
  std::stable_sort(by_quality.begin(), by_quality.end(), [&](int a, int b) {
    return input.candidates[a].quality > input.candidates[b].quality;
  });
  for (int k : by_quality) {
    const Ends ends = EndsOf(input, k);
    if (meeting_count[ends.company_vertex] >= limit_of(ends.company_vertex) ||
        meeting_count[ends.holder_vertex] >= limit_of(ends.holder_vertex)) {
      continue;
    }
    for (int s = 0; s < input.slots; ++s) {
      if (!occupancy.Fits(ends, s)) continue;
      occupancy.Add(ends, s, 0);
      ++meeting_count[ends.company_vertex];
      ++meeting_count[ends.holder_vertex];
      best.push_back({.candidate = k, .slot = s, .table = 0});
      break;
    }
  }

  NumberTables(input, kept, &best);
  std::vector<PlannedMeeting> meetings = kept;
  meetings.insert(meetings.end(), best.begin(), best.end());
  return FinishPlan(input, std::move(meetings));
}

absl::Status CheckPlan(const PlanInput& input, const EventPlan& plan) {
  if (absl::Status s = ValidateInput(input); !s.ok()) return s;
  if (absl::Status s = CheckMeetings(input, plan.meetings); !s.ok()) return s;
  double sum = 0;
  for (const PlannedMeeting& m : plan.meetings) {
    sum += input.candidates[m.candidate].quality;
  }
  if (!(std::abs(plan.total_quality - sum) <=
        1e-6 * std::max(1.0, std::abs(sum)))) {
    return absl::FailedPreconditionError(
        absl::StrCat("total_quality ", plan.total_quality,
                     " is not the sum of the meetings' qualities, ", sum));
  }
  return absl::OkStatus();
}

}  // namespace patentmatch::matcher
