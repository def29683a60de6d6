// Docking events' stored form and the glue between it and the planner
// (matcher/event_planner.h): loading an event with its participants,
// preferences and meetings; turning them into the planner's input (the
// ranking engine's score for every need × listing brought to the event,
// wishes raised, refusals and cancelled pairs removed); turning the plan
// into meetings with explanations; and re-planning around a cancellation
// without moving any surviving meeting. The gRPC handlers are
// event_service.cc.
#ifndef PATENTMATCH_SERVICES_EVENT_PLANNING_H_
#define PATENTMATCH_SERVICES_EVENT_PLANNING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "matcher/event_planner.h"
#include "matcher/ranking_weights.h"
#include "patentmatch/v1/events.pb.h"
#include "services/service_context.h"
#include "storage/store.h"

namespace patentmatch {

// A wish raises a pair's quality by this much per side that states it.
inline constexpr double kWishBonus = 0.25;
// Topics (need–patent pairs) kept per meeting.
inline constexpr int kTopicsPerMeeting = 3;

// One event as stored: the event and its child entities.
struct EventData {
  v1::DockingEvent event;
  std::vector<v1::EventParticipant> participants;
  std::vector<v1::PairPreference> preferences;
  std::vector<v1::Meeting> meetings;
};

absl::StatusOr<EventData> LoadEvent(const storage::Store& store,
                                    absl::string_view id);
// The event, its participants, preferences and meetings as one string:
// equal fingerprints, equal stored event. (The needs and listings it brings
// are checked through the store's change feed, which also sees a change
// that was undone; see EventServiceImpl::ChangeEvent.)
std::string EventFingerprint(const EventData& data);

const v1::EventParticipant* FindParticipant(const EventData& data,
                                            absl::string_view org);
std::string ParticipantKey(absl::string_view event, absl::string_view org);
std::string PreferenceKey(absl::string_view event, absl::string_view company,
                          absl::string_view holder);
std::string MeetingKey(absl::string_view event, absl::string_view meeting);

// The most meetings `p` may have: its own limit, else its side's, at most
// one per slot.
int LimitOf(const v1::DockingEvent& e, const v1::EventParticipant& p);

// "HH:MM" at the start (or end) of 0-based `slot0`.
std::string SlotClock(const v1::DockingEvent& e, int slot0, bool end);

struct Topic {
  std::string demand_id;
  std::string patent_id;
  double score = 0;
  double relevance = 0;
};

struct Pair {
  int company = 0;
  int holder = 0;
  double quality = 0;
  bool wished = false;
  std::vector<Topic> topics;  // best first
};

struct Problem {
  matcher::PlanInput input;
  std::vector<std::string> companies;  // organisation ids, by index
  std::vector<std::string> holders;
  std::vector<Pair> pairs;  // parallel to input.candidates
  std::map<std::pair<std::string, std::string>, int> pair_of;  // (c, h)
  absl::flat_hash_map<std::string, v1::Demand> demands;
  absl::flat_hash_map<std::string, v1::PatentListing> listings;
  int refused = 0;
  int wished = 0;
};

// Each need's ranking against an event's listings, kept from one plan of
// the event to the next, so that a re-plan after a cancellation (or a
// fresh plan) does not rank again what it ranked before. A kept ranking
// serves only while everything ranking reads is as it was then: the
// store's listings and needs (its change-feed position), the search index
// (the change it has applied), the learned weights and the day (remaining
// life counts days). So it gives exactly what ranking again would give.
// Thread-safe; keeps the last few events planned.
class EventRankingCache {
 public:
  struct State {
    uint64_t change_seq = 0;
    uint64_t index_applied = 0;
    matcher::RankingWeights weights;
    absl::CivilDay today;
    bool operator==(const State&) const = default;
  };
  // What ranking would read now.
  static State Now(const ServiceContext& ctx);

  // A need's fitting listings: id, score and text relevance.
  struct Fit {
    std::string patent_id;
    double score = 0;
    double relevance = 0;
  };
  // Need `demand_id`'s fits among `listings` (the event's listing ids,
  // sorted, joined), kept for `event_id` in `state`; nullopt if not kept.
  std::optional<std::vector<Fit>> Find(absl::string_view event_id,
                                       const State& state,
                                       absl::string_view listings,
                                       absl::string_view demand_id) const;
  // Keeps them (an event's rankings from another state or listing set are
  // dropped first).
  void Keep(absl::string_view event_id, const State& state,
            absl::string_view listings, const std::string& demand_id,
            std::vector<Fit> fits);

 private:
  static constexpr size_t kEvents = 8;
  struct Entry {
    State state;
    std::string listings;
    absl::flat_hash_map<std::string, std::vector<Fit>> by_demand;
    uint64_t last_used = 0;
  };
  mutable absl::Mutex mu_;
  mutable uint64_t uses_ ABSL_GUARDED_BY(mu_) = 0;
  mutable absl::flat_hash_map<std::string, Entry> events_ ABSL_GUARDED_BY(mu_);
};

// The planner's input for `data`. `excluded`: (company, holder) pairs that
// must not meet (their meeting was cancelled). Cancelled participants take
// part with limit 0. Rankings come from ctx.event_rankings when it has
// them for this state, and are kept there.
absl::StatusOr<Problem> BuildProblem(
    const ServiceContext& ctx, const EventData& data,
    const std::set<std::pair<std::string, std::string>>& excluded);

// The explanation of each chosen pair's best topic, one search per need.
absl::Status ExplainTopics(
    const ServiceContext& ctx, const Problem& p, const std::vector<int>& chosen,
    absl::flat_hash_map<int, v1::Explanation>* explanations);

// "M0001".
std::string MeetingId(int number);
int MeetingNumber(const std::string& id);
// The next meeting number of `data`'s event: after every one ever given
// out, so an id never names two meetings. Callers record the numbers they
// use in event.last_meeting_number.
int NextMeetingNumber(const EventData& data);

v1::Meeting MakeMeeting(const v1::DockingEvent& e, const Problem& p,
                        const matcher::PlannedMeeting& planned,
                        const std::string& id, int version,
                        const absl::flat_hash_map<int, v1::Explanation>& why);

// What the plan's optimality is, in words.
std::string Optimality(const Problem& p);

// Re-plans `*data` (already holding the cancellation) keeping every
// scheduled meeting not in `cancel` in place; cancelled meetings get
// `reason`. A meeting with a recorded outcome took place: it is never
// cancelled, also when its participant cancels later. A scheduled meeting
// of a pair one side now refuses is cancelled. Updates `*data` and adds
// every write to `writes`. The response's agenda is left for the caller
// (it depends on who asks).
absl::StatusOr<v1::ReplanResponse> Replan(const ServiceContext& ctx,
                                          EventData* data,
                                          const std::set<std::string>& cancel,
                                          const std::string& reason,
                                          storage::WriteSet* writes);

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_EVENT_PLANNING_H_
