// gRPC handlers for docking events (对接活动) and point-to-point short lists
// (events.proto): validation, who may do what, agendas as each role may see
// them, and meeting outcomes moving suggestions along the review workflow.
// Planning is matcher/event_planner.h (the optimisation) and
// event_planning.h (from stored participants to meetings and back).
//
// Who may do what:
// - Administrators everything. Commissioners manage events whose industry
//   their scope covers (an event without an industry: unscoped
//   commissioners), and build short lists for needs in their scope.
// - Organisation members see open events and those they take part in,
//   register their own organisation, state their own side's wishes and
//   refusals, cancel their own participation or meetings, and read their own
//   agenda.
#ifndef PATENTMATCH_SERVICES_EVENT_SERVICE_H_
#define PATENTMATCH_SERVICES_EVENT_SERVICE_H_

#include <cstdint>
#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "patentmatch/v1/events.grpc.pb.h"
#include "services/service_context.h"

namespace patentmatch {

struct EventData;  // event_planning.h

class EventServiceImpl final : public v1::EventService::Service {
 public:
  // `after_unlocked_change_for_test`: tests only; runs when a change has
  // been worked out without the writer lock, before it is checked and
  // committed under it (see ChangeEvent), so a test can write in between.
  explicit EventServiceImpl(
      const ServiceContext* ctx,
      std::function<void()> after_unlocked_change_for_test = nullptr)
      : ctx_(ctx),
        after_unlocked_change_for_test_(
            std::move(after_unlocked_change_for_test)) {}

  grpc::Status CreateEvent(grpc::ServerContext*, const v1::CreateEventRequest*,
                           v1::DockingEvent*) override;
  grpc::Status GetEvent(grpc::ServerContext*, const v1::GetEventRequest*,
                        v1::DockingEvent*) override;
  grpc::Status ListEvents(grpc::ServerContext*, const v1::ListEventsRequest*,
                          v1::ListEventsResponse*) override;
  grpc::Status RegisterParticipant(grpc::ServerContext*,
                                   const v1::RegisterParticipantRequest*,
                                   v1::EventParticipant*) override;
  grpc::Status SetPairPreference(grpc::ServerContext*,
                                 const v1::SetPairPreferenceRequest*,
                                 v1::SetPairPreferenceResponse*) override;
  grpc::Status PlanEvent(grpc::ServerContext*, const v1::PlanEventRequest*,
                         v1::Agenda*) override;
  grpc::Status CancelParticipation(grpc::ServerContext*,
                                   const v1::CancelParticipationRequest*,
                                   v1::ReplanResponse*) override;
  grpc::Status CancelMeeting(grpc::ServerContext*,
                             const v1::CancelMeetingRequest*,
                             v1::ReplanResponse*) override;
  grpc::Status GetAgenda(grpc::ServerContext*, const v1::GetAgendaRequest*,
                         v1::Agenda*) override;
  grpc::Status RecordMeetingOutcome(grpc::ServerContext*,
                                    const v1::RecordMeetingOutcomeRequest*,
                                    v1::Meeting*) override;
  grpc::Status CloseEvent(grpc::ServerContext*, const v1::CloseEventRequest*,
                          v1::DockingEvent*) override;
  grpc::Status BuildShortlist(grpc::ServerContext*,
                              const v1::BuildShortlistRequest*,
                              v1::Shortlist*) override;

 private:
  // Runs `change` on the event as stored, then commits the writes it adds.
  // Planning and re-planning rank every pair the event brings (about half
  // a second for 200 companies x 500 listings), too long to hold up every
  // other write, so `change` runs first without the store's writer lock.
  // Under the lock its writes commit only if nothing it read has changed:
  // the event, participants, preferences and meetings (EventFingerprint),
  // the ranking weights, and every need and listing the event brings (no
  // entry in the change feed since, so a change undone meanwhile counts
  // too). Otherwise it runs again, the last time wholly under the lock;
  // an error it returns counts the same way. The search index is not
  // checked: it always trails the store by its updater's lag. `change` may
  // run more than once. `*committed`: the event as written.
  using EventChange =
      std::function<absl::Status(EventData* data, storage::WriteSet* writes)>;
  absl::Status ChangeEvent(absl::string_view event_id,
                           const storage::AuditContext& audit,
                           const EventChange& change, EventData* committed);
  // Whether a need or listing `data`'s participants bring has a change in
  // the store's feed after `change_seq`.
  absl::StatusOr<bool> NeedsOrListingsChangedSince(const EventData& data,
                                                   uint64_t change_seq) const;

  const ServiceContext* ctx_;
  const std::function<void()> after_unlocked_change_for_test_;
};

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_EVENT_SERVICE_H_
