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

#include "patentmatch/v1/events.grpc.pb.h"
#include "services/service_context.h"

namespace patentmatch {

class EventServiceImpl final : public v1::EventService::Service {
 public:
  explicit EventServiceImpl(const ServiceContext* ctx) : ctx_(ctx) {}

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
  const ServiceContext* ctx_;
};

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_EVENT_SERVICE_H_
