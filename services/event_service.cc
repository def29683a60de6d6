// Docking events and short lists; see event_service.h.
#include "services/event_service.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "matcher/event_planner.h"
#include "matcher/ipc_code.h"
#include "matcher/ranking.h"
#include "services/event_planning.h"
#include "services/grpc_status.h"
#include "services/paging.h"
#include "services/review_workflow.h"
#include "services/suggestion_writes.h"
#include "services/validation.h"
#include "storage/status_macros.h"

namespace patentmatch {
namespace {

using storage::EntityKind;

constexpr int kMaxSlots = 48;
constexpr int kMaxTables = 500;
constexpr int kMaxListingsPerEvent = 5000;

// "follow_up" for MEETING_FOLLOW_UP: the word the CLI and agendas use.
std::string OutcomeWord(v1::MeetingOutcome outcome) {
  if (outcome == v1::MEETING_OUTCOME_UNSPECIFIED) return "none";
  return absl::AsciiStrToLower(
      absl::StripPrefix(v1::MeetingOutcome_Name(outcome), "MEETING_"));
}

// Whether a meeting's outcome may go from `was` to `now` as news rather
// than a correction: talks that go on move only forward (follow-up,
// negotiating, deal), and talks still going on may end in no interest.
bool MovesForward(v1::MeetingOutcome was, v1::MeetingOutcome now) {
  if (was == v1::MEETING_OUTCOME_UNSPECIFIED || was == now) return true;
  auto stage = [](v1::MeetingOutcome o) {
    switch (o) {
      case v1::MEETING_FOLLOW_UP:
        return 1;
      case v1::MEETING_NEGOTIATING:
        return 2;
      case v1::MEETING_DEAL:
        return 3;
      default:
        return 0;
    }
  };
  const bool going_on =
      was == v1::MEETING_FOLLOW_UP || was == v1::MEETING_NEGOTIATING;
  return (going_on && stage(now) > stage(was)) ||
         (going_on && now == v1::MEETING_NO_INTEREST);
}

// ---------------------------------------------------------------------------
// Access

absl::Status CheckManage(const Caller& caller, const v1::DockingEvent& e) {
  if (caller.is_staff() && caller.CoversIndustry(e.industry())) {
    return absl::OkStatus();
  }
  if (caller.is_commissioner()) {
    return absl::PermissionDeniedError(
        absl::StrCat("event ", e.id(), " (industry '", e.industry(),
                     "') is outside the scope of account ", caller.id()));
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "only administrators and commissioners may manage event ", e.id()));
}

// What members do not see of a plan: the total includes other pairs'
// qualities, and the counts tell a holder that some company refused it.
void HideTotals(v1::PlanSummary* plan) {
  plan->clear_total_quality();
  plan->clear_candidate_pairs();
  plan->clear_wished_pairs();
  plan->clear_refused_pairs();
}

bool MayManage(const Caller& caller, const v1::DockingEvent& e) {
  return CheckManage(caller, e).ok();
}

// Members see open events and those their organisation takes part in.
bool MaySeeEvent(const Caller& caller, const storage::Store& store,
                 const v1::DockingEvent& e) {
  if (MayManage(caller, e)) return true;
  if (caller.is_staff()) return false;
  if (e.state() == v1::EVENT_OPEN) return true;
  return store.Exists(
      EntityKind::kEventParticipant,
      ParticipantKey(e.id(), caller.account().organisation_id()));
}

absl::Status NotFoundOrHidden(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("no event '", id, "'"));
}

// ---------------------------------------------------------------------------
// Validation

// Exactly "HH:MM": sscanf's %2d alone also takes "+9:30" and " 9:30", which
// were then stored as the event's start time.
bool ValidClock(absl::string_view text) {
  if (text.size() != 5 || text[2] != ':') return false;
  for (size_t i : {0, 1, 3, 4}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  const int hh = (text[0] - '0') * 10 + (text[1] - '0');
  const int mm = (text[3] - '0') * 10 + (text[4] - '0');
  return hh < 24 && mm < 60;
}

std::vector<v1::FieldError> ValidateEvent(v1::DockingEvent* e) {
  std::vector<v1::FieldError> errors;
  auto add = [&](absl::string_view field, absl::string_view message) {
    AddFieldError(&errors, absl::StrCat("event.", field), message);
  };
  std::string why;
  auto text = [&](absl::string_view field, const std::string& value, size_t max,
                  bool required) {
    if (value.empty()) {
      if (required) add(field, "is required");
      return;
    }
    if (required && absl::StripAsciiWhitespace(value).empty()) {
      add(field, "is blank");
      return;
    }
    if (value.size() > max) {
      add(field, absl::StrCat("is longer than ", max, " bytes"));
    } else if (!CleanText(value, /*multiline=*/false, &why)) {
      add(field, why);
    }
  };
  text("name", e->name(), Limits::kShortTextBytes, true);
  text("venue", e->venue(), Limits::kShortTextBytes, false);
  text("industry", e->industry(), Limits::kShortTextBytes, false);
  if (e->ipc_prefixes_size() > 20) add("ipc_prefixes", "at most 20");
  for (int i = 0; i < e->ipc_prefixes_size() && i < 20; ++i) {
    auto code = matcher::ParseIpcCode(e->ipc_prefixes(i));
    if (!code.ok()) {
      add(absl::StrCat("ipc_prefixes[", i, "]"),
          "not an IPC code (e.g. H01M or H01M 4/)");
    } else {
      e->set_ipc_prefixes(i, code->ToString());
    }
  }
  if (auto date = NormaliseDate(e->date())) {
    e->set_date(*date);
  } else {
    add("date", e->date().empty()
                    ? "is required"
                    : absl::StrCat("'", e->date(),
                                   "' is not a calendar date (YYYY-MM-DD)"));
  }
  if (e->start_time().empty()) e->set_start_time("09:00");
  if (!ValidClock(e->start_time()))
    add("start_time", "must be a time of day, HH:MM from 00:00 to 23:59");
  if (e->slot_minutes() == 0) e->set_slot_minutes(20);
  if (e->slot_minutes() < 5 || e->slot_minutes() > 240) {
    add("slot_minutes", "must be between 5 and 240");
  }
  if (e->slots() < 1 || e->slots() > kMaxSlots) {
    add("slots", absl::StrCat("must be between 1 and ", kMaxSlots));
  }
  if (e->tables() < 1 || e->tables() > kMaxTables) {
    add("tables", absl::StrCat("must be between 1 and ", kMaxTables));
  }
  // One day: agendas print clock times without a date.
  if (ValidClock(e->start_time()) && e->slot_minutes() >= 5 &&
      e->slot_minutes() <= 240 && e->slots() >= 1 && e->slots() <= kMaxSlots) {
    const int start =
        ((e->start_time()[0] - '0') * 10 + (e->start_time()[1] - '0')) * 60 +
        (e->start_time()[3] - '0') * 10 + (e->start_time()[4] - '0');
    const int end = start + e->slots() * e->slot_minutes();
    if (end > 24 * 60) {
      add("slots", absl::StrFormat(
                       "%d slots of %d minutes from %s end after midnight; an "
                       "event fits in one day (at most %d slots)",
                       e->slots(), e->slot_minutes(), e->start_time(),
                       (24 * 60 - start) / e->slot_minutes()));
    }
  }
  for (auto [field, value] :
       {std::pair<const char*, int>{"max_meetings_per_company",
                                    e->max_meetings_per_company()},
        {"max_meetings_per_holder", e->max_meetings_per_holder()}}) {
    if (value < 0 || value > std::max(1, e->slots())) {
      add(field, "must be between 0 (one per slot) and the number of slots");
    }
  }
  if (e->max_meetings_per_company() == 0) {
    e->set_max_meetings_per_company(e->slots());
  }
  if (e->max_meetings_per_holder() == 0) {
    e->set_max_meetings_per_holder(e->slots());
  }
  return errors;
}

// Whether `listing` falls in the event's industry/IPC scope (an event with
// neither takes every listing).
bool InScope(const v1::DockingEvent& e, const v1::PatentListing& listing) {
  if (e.industry().empty() && e.ipc_prefixes().empty()) return true;
  for (const auto& tag : listing.industry_tags()) {
    if (!e.industry().empty() && absl::EqualsIgnoreCase(tag, e.industry())) {
      return true;
    }
  }
  for (const auto& code : listing.ipc_codes()) {
    for (const auto& prefix : e.ipc_prefixes()) {
      if (absl::StartsWith(code, prefix)) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Agendas

void FillNames(const ServiceContext& ctx, v1::Agenda* agenda) {
  absl::flat_hash_map<std::string, std::string> names;
  auto name = [&](const std::string& id) -> const std::string& {
    auto it = names.find(id);
    if (it != names.end()) return it->second;
    auto org = ctx.store->GetOrganisation(id);
    return names[id] = org.ok() ? org->name() : id;
  };
  for (auto& m : *agenda->mutable_meetings()) {
    m.set_company_name(name(m.company_organisation_id()));
    m.set_holder_name(name(m.holder_organisation_id()));
  }
  for (auto& part : *agenda->mutable_participants()) {
    part.set_organisation_name(name(part.organisation_id()));
  }
}

// The agenda of `data` for `org` (empty: the whole event) as `caller` may
// see it.
v1::Agenda MakeAgenda(const ServiceContext& ctx, const Caller& caller,
                      const EventData& data, absl::string_view org) {
  v1::Agenda agenda;
  *agenda.mutable_event() = data.event;
  agenda.set_organisation_id(std::string(org));
  std::vector<v1::Meeting> meetings;
  for (const auto& m : data.meetings) {
    if (!org.empty() && m.company_organisation_id() != org &&
        m.holder_organisation_id() != org) {
      continue;
    }
    meetings.push_back(m);
  }
  std::sort(meetings.begin(), meetings.end(),
            [](const v1::Meeting& a, const v1::Meeting& b) {
              return std::make_tuple(a.slot(), a.table(), a.id()) <
                     std::make_tuple(b.slot(), b.table(), b.id());
            });
  for (auto& m : meetings) {
    if (!caller.is_staff() && !caller.IsMemberOf(m.holder_organisation_id())) {
      // The quality and the best topic's score carry the explanation's
      // budget contribution: they follow its redaction, or they would give
      // the asking price back.
      double quality = m.quality();
      RedactAskingPriceInExplanation(m.mutable_explanation(), &quality);
      if (m.topics_size() > 0) {
        m.mutable_topics(0)->set_score(m.topics(0).score() + quality -
                                       m.quality());
      }
      m.set_quality(quality);
      // Further topics have no explanation to redact against.
      for (int i = 1; i < m.topics_size(); ++i)
        m.mutable_topics(i)->clear_score();
    }
    *agenda.add_meetings() = std::move(m);
  }
  for (const auto& part : data.participants) {
    if (!org.empty() && part.organisation_id() != org && !caller.is_staff()) {
      continue;
    }
    *agenda.add_participants() = part;
  }
  if (!caller.is_staff()) HideTotals(agenda.mutable_event()->mutable_plan());
  FillNames(ctx, &agenda);
  return agenda;
}

// ---------------------------------------------------------------------------
// Meeting outcomes → the review workflow

v1::SuggestionState TargetOf(v1::MeetingOutcome outcome) {
  switch (outcome) {
    case v1::MEETING_FOLLOW_UP:
      return v1::CONTACTED;
    case v1::MEETING_NEGOTIATING:
      return v1::NEGOTIATING;
    case v1::MEETING_DEAL:
      return v1::DEAL_SIGNED;
    case v1::MEETING_NO_INTEREST:
      return v1::NO_DEAL;
    default:
      return v1::SUGGESTION_STATE_UNSPECIFIED;
  }
}

// The next workflow step from `from` towards `target`; false when there is
// none (already there, or the workflow cannot get there from here).
bool NextStep(v1::SuggestionState from, v1::SuggestionState target,
              const v1::RecordMeetingOutcomeRequest& request,
              const std::string& note, v1::AdvanceSuggestionRequest* step) {
  if (from == target) return false;
  switch (from) {
    case v1::SUGGESTED:
      step->mutable_claim();
      return true;
    case v1::IN_REVIEW:
      step->mutable_approve()->set_note(note);
      return true;
    case v1::APPROVED:
      step->mutable_contacted()->set_note(note);
      return true;
    case v1::CONTACTED:
    case v1::NEGOTIATING:
      if (target == v1::NO_DEAL) {
        step->mutable_no_deal()->set_reason(
            request.note().empty() ? note : request.note());
      } else if (target == v1::DEAL_SIGNED) {
        *step->mutable_sign_deal()->mutable_deal() = request.deal();
      } else if (target == v1::NEGOTIATING && from == v1::CONTACTED) {
        step->mutable_negotiating()->set_note(note);
      } else {
        return false;
      }
      return true;
    default:
      return false;
  }
}

// A MEETING_DEAL's deal checked by the workflow's own rules for sign_deal
// (review_workflow.h), up front: it is refused naming the request's fields
// ("deal.signed_date"), whatever state the suggestion is in, and even when
// no suggestion would reach sign_deal.
absl::Status CheckDeal(const v1::Deal& deal) {
  constexpr char kScratch[] = "deal-check";
  v1::AdvanceSuggestionRequest step;
  step.set_suggestion_id(kScratch);
  *step.mutable_sign_deal()->mutable_deal() = deal;
  ReviewActor actor;
  actor.account_id = kScratch;
  actor.role = v1::ADMINISTRATOR;
  v1::Suggestion scratch;
  scratch.set_id(kScratch);
  scratch.set_state(v1::CONTACTED);
  auto applied = ApplyReviewAction(step, actor, /*now_unix=*/0, &scratch);
  if (absl::IsInvalidArgument(applied.status())) {
    return absl::InvalidArgumentError(absl::StrReplaceAll(
        applied.status().message(), {{"sign_deal.deal.", "deal."}}));
  }
  return absl::OkStatus();
}

}  // namespace

// ---------------------------------------------------------------------------
// Handlers

grpc::Status EventServiceImpl::CreateEvent(
    grpc::ServerContext* context, const v1::CreateEventRequest* request,
    v1::DockingEvent* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kStaff, "create docking events"));
  v1::DockingEvent e = request->event();
  absl::Status s = FieldErrorsToStatus(ValidateEvent(&e));
  if (!s.ok()) return ToGrpcStatus(s);
  if (!caller.CoversIndustry(e.industry())) {
    return ToGrpcStatus(absl::PermissionDeniedError(absl::StrCat(
        "account ", caller.id(), " may create events only for its industries",
        e.industry().empty() ? " (event.industry is required)" : "")));
  }
  absl::MutexLock lock(&ctx_->store->writer_mutex());
  ASSIGN_OR_RETURN_GRPC(
      const uint64_t last,
      ctx_->store->GetMetaCounter(storage::kMetaNextEventNumber));
  const int64_t now = NowUnix();
  e.set_id(storage::EventIdFromNumber(last + 1));
  e.set_state(v1::EVENT_OPEN);
  e.set_created_by(caller.id());
  e.set_created_unix(now);
  e.set_updated_unix(now);
  e.clear_plan();
  e.clear_last_meeting_number();
  storage::WriteSet writes(caller.Audit("EventService.CreateEvent"));
  writes.Put(EntityKind::kEvent, e.id(), e);
  writes.PutMeta(storage::kMetaNextEventNumber,
                 storage::EncodeUint64(last + 1));
  auto committed = ctx_->store->Commit(writes);
  if (!committed.ok()) return ToGrpcStatus(committed.status());
  *response = std::move(e);
  return grpc::Status::OK;
}

grpc::Status EventServiceImpl::GetEvent(grpc::ServerContext* context,
                                        const v1::GetEventRequest* request,
                                        v1::DockingEvent* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "read docking events"));
  absl::Status s =
      FieldErrorsToStatus(ValidateId(request->event_id(), "event_id"));
  if (!s.ok()) return ToGrpcStatus(s);
  s = ctx_->store->Get(EntityKind::kEvent, request->event_id(), response);
  if (!s.ok()) return ToGrpcStatus(s);
  if (!MaySeeEvent(caller, *ctx_->store, *response)) {
    return ToGrpcStatus(NotFoundOrHidden(request->event_id()));
  }
  if (!caller.is_staff()) HideTotals(response->mutable_plan());
  return grpc::Status::OK;
}

grpc::Status EventServiceImpl::ListEvents(grpc::ServerContext* context,
                                          const v1::ListEventsRequest* request,
                                          v1::ListEventsResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "list docking events"));
  if (!v1::EventState_IsValid(request->state())) {
    return ToGrpcStatus(absl::InvalidArgumentError("state: unknown value"));
  }
  const int size = PageSize(request->page_size(), 50, 500);
  absl::Status s = ctx_->store->ScanPrefix<v1::DockingEvent>(
      EntityKind::kEvent, "", [&](const v1::DockingEvent& e) {
        if (!request->page_token().empty() && e.id() <= request->page_token()) {
          return true;
        }
        if (request->state() != v1::EVENT_STATE_UNSPECIFIED &&
            e.state() != request->state()) {
          return true;
        }
        if (!MaySeeEvent(caller, *ctx_->store, e)) return true;
        if (response->events_size() == size) {
          response->set_next_page_token(response->events(size - 1).id());
          return false;
        }
        v1::DockingEvent* out = response->add_events();
        *out = e;
        if (!caller.is_staff()) HideTotals(out->mutable_plan());
        return true;
      });
  return ToGrpcStatus(s);
}

grpc::Status EventServiceImpl::RegisterParticipant(
    grpc::ServerContext* context, const v1::RegisterParticipantRequest* request,
    v1::EventParticipant* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "register for events"));
  v1::EventParticipant part = request->participant();
  std::vector<v1::FieldError> errors =
      ValidateId(part.event_id(), "participant.event_id");
  auto more = ValidateId(part.organisation_id(), "participant.organisation_id");
  errors.insert(errors.end(), more.begin(), more.end());
  if (part.side() != v1::COMPANY_SIDE && part.side() != v1::HOLDER_SIDE) {
    AddFieldError(&errors, "participant.side",
                  "must be COMPANY_SIDE or HOLDER_SIDE");
  }
  if (part.demand_ids_size() > Limits::kRepeated) {
    AddFieldError(&errors, "participant.demand_ids", "too many");
  }
  if (part.patent_ids_size() > kMaxListingsPerEvent) {
    AddFieldError(&errors, "participant.patent_ids", "too many");
  }
  if (part.side() == v1::COMPANY_SIDE && part.patent_ids_size() > 0) {
    AddFieldError(&errors, "participant.patent_ids", "only for HOLDER_SIDE");
  }
  if (part.side() == v1::HOLDER_SIDE && part.demand_ids_size() > 0) {
    AddFieldError(&errors, "participant.demand_ids", "only for COMPANY_SIDE");
  }
  for (auto [field, ids] :
       {std::pair<const char*,
                  const google::protobuf::RepeatedPtrField<std::string>*>{
            "demand_ids", &part.demand_ids()},
        {"patent_ids", &part.patent_ids()}}) {
    absl::flat_hash_map<std::string, int> first;
    for (int i = 0; i < ids->size(); ++i) {
      auto [it, fresh] = first.emplace(ids->Get(i), i);
      if (!fresh) {
        AddFieldError(&errors, absl::StrCat("participant.", field, "[", i, "]"),
                      absl::StrCat("repeats ", field, "[", it->second, "]"));
      }
    }
  }
  absl::Status s = FieldErrorsToStatus(errors);
  if (!s.ok()) return ToGrpcStatus(s);

  absl::MutexLock lock(&ctx_->store->writer_mutex());
  ASSIGN_OR_RETURN_GRPC(EventData data,
                        LoadEvent(*ctx_->store, part.event_id()));
  const v1::DockingEvent& e = data.event;
  // An event a member may not see stays hidden, also when it registers its
  // own organisation (members join open events, or ones they are in).
  if (!MaySeeEvent(caller, *ctx_->store, e)) {
    return ToGrpcStatus(NotFoundOrHidden(e.id()));
  }
  if (!MayManage(caller, e) && !caller.IsMemberOf(part.organisation_id())) {
    return ToGrpcStatus(absl::PermissionDeniedError(
        "organisation members may register only their own organisation"));
  }
  if (e.state() == v1::EVENT_CLOSED) {
    return ToGrpcStatus(absl::FailedPreconditionError(
        absl::StrCat("event ", e.id(), " is closed")));
  }
  if (part.max_meetings() < 0 || part.max_meetings() > e.slots()) {
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "participant.max_meetings: must be between 0 (the event's limit) and ",
        e.slots(), " (the number of slots)")));
  }
  ASSIGN_OR_RETURN_GRPC(const v1::Organisation org,
                        ctx_->store->GetOrganisation(part.organisation_id()));
  const v1::EventParticipant* before = FindParticipant(data, org.id());
  if (before != nullptr && before->side() != part.side()) {
    return ToGrpcStatus(absl::FailedPreconditionError(
        absl::StrCat("organisation ", org.id(),
                     " is already registered on the other side")));
  }
  // A planned event's registration may change (it counts from the next
  // plan or re-plan), but not under the meetings already scheduled, and a
  // cancellation is not undone by registering again: its meetings are gone.
  if (before != nullptr && e.state() == v1::EVENT_PLANNED) {
    if (before->cancelled()) {
      return ToGrpcStatus(absl::FailedPreconditionError(absl::StrCat(
          "organisation ", org.id(), " cancelled its participation in event ",
          e.id(), " after it was planned; it cannot register again")));
    }
    int scheduled = 0;
    for (const auto& m : data.meetings) {
      if (m.status() == v1::MEETING_SCHEDULED &&
          (m.company_organisation_id() == org.id() ||
           m.holder_organisation_id() == org.id())) {
        ++scheduled;
      }
    }
    if (LimitOf(e, part) < scheduled) {
      return ToGrpcStatus(absl::FailedPreconditionError(absl::StrCat(
          "participant.max_meetings: organisation ", org.id(), " has ",
          scheduled, " meetings scheduled in event ", e.id(),
          "; cancel meetings first, or allow at least ", scheduled)));
    }
  }
  // A commissioner brings only needs in its own scope (industries and
  // districts); holders' listings serve the whole city.
  const bool scoped = caller.is_commissioner();
  errors.clear();
  if (part.side() == v1::COMPANY_SIDE) {
    if (part.demand_ids_size() == 0) {
      // Default: the organisation's open needs (in the event's industry when
      // it has any there).
      std::vector<std::string> all, matching;
      s = ctx_->store->ScanDemands("", [&](const v1::Demand& d) {
        if (d.organisation_id() != org.id() || d.status() != v1::DEMAND_OPEN ||
            (scoped && !caller.CoversDemand(d))) {
          return true;
        }
        all.push_back(d.id());
        if (!e.industry().empty() &&
            absl::EqualsIgnoreCase(d.industry(), e.industry())) {
          matching.push_back(d.id());
        }
        return true;
      });
      if (!s.ok()) return ToGrpcStatus(s);
      for (const auto& id : matching.empty() ? all : matching) {
        part.add_demand_ids(id);
      }
      if (part.demand_ids_size() == 0) {
        return ToGrpcStatus(absl::FailedPreconditionError(absl::StrCat(
            "organisation ", org.id(), " has no open needs to bring",
            scoped ? absl::StrCat(" in the scope of account ", caller.id())
                   : "",
            " (submit one, or list demand_ids)")));
      }
    }
    for (int i = 0; i < part.demand_ids_size(); ++i) {
      const std::string field = absl::StrCat("participant.demand_ids[", i, "]");
      auto d = ctx_->store->GetDemand(part.demand_ids(i));
      if (!d.ok()) {
        AddFieldError(&errors, field, "no such need");
      } else if (d->organisation_id() != org.id()) {
        AddFieldError(&errors, field, "is another organisation's need");
      } else if (d->status() != v1::DEMAND_OPEN) {
        AddFieldError(&errors, field, "is closed");
      } else if (scoped && !caller.CoversDemand(*d)) {
        AddFieldError(&errors, field,
                      absl::StrCat("is outside the scope of account ",
                                   caller.id(), " (its industry or district)"));
      }
    }
  } else {
    if (part.patent_ids_size() == 0) {
      s = ctx_->store->ScanPatents("", [&](const v1::PatentListing& l) {
        if (l.owner_organisation_id() == org.id() &&
            matcher::IsSuggestable(l) && InScope(e, l) &&
            part.patent_ids_size() < kMaxListingsPerEvent) {
          part.add_patent_ids(l.id());
        }
        return true;
      });
      if (!s.ok()) return ToGrpcStatus(s);
      if (part.patent_ids_size() == 0) {
        return ToGrpcStatus(absl::FailedPreconditionError(absl::StrCat(
            "organisation ", org.id(),
            " has no listings in force in this event's scope (list "
            "patent_ids, or widen the event's industry/IPC scope)")));
      }
    }
    for (int i = 0; i < part.patent_ids_size(); ++i) {
      const std::string field = absl::StrCat("participant.patent_ids[", i, "]");
      auto l = ctx_->store->GetPatent(part.patent_ids(i));
      if (!l.ok()) {
        AddFieldError(&errors, field, "no such listing");
      } else if (l->owner_organisation_id() != org.id()) {
        AddFieldError(&errors, field, "is another organisation's listing");
      } else if (!matcher::IsSuggestable(*l)) {
        AddFieldError(&errors, field, "is withdrawn, lapsed or expired");
      }
    }
    // The whole event's listings are one search filter.
    size_t total = part.patent_ids_size();
    for (const auto& other : data.participants) {
      if (other.organisation_id() != org.id()) total += other.patent_ids_size();
    }
    if (total > kMaxListingsPerEvent) {
      AddFieldError(&errors, "participant.patent_ids",
                    absl::StrCat("the event would bring more than ",
                                 kMaxListingsPerEvent, " listings"));
    }
  }
  s = FieldErrorsToStatus(errors);
  if (!s.ok()) return ToGrpcStatus(s);
  part.set_cancelled(false);  // an OPEN event's cancellation is undone
  part.clear_cancel_reason();
  part.set_registered_by(caller.id());
  part.set_registered_unix(NowUnix());
  part.clear_organisation_name();
  storage::WriteSet writes(caller.Audit("EventService.RegisterParticipant"));
  writes.Put(EntityKind::kEventParticipant, ParticipantKey(e.id(), org.id()),
             part);
  auto committed = ctx_->store->Commit(writes);
  if (!committed.ok()) return ToGrpcStatus(committed.status());
  part.set_organisation_name(org.name());
  *response = std::move(part);
  return grpc::Status::OK;
}

absl::Status EventServiceImpl::ChangeEvent(absl::string_view event_id,
                                           const storage::AuditContext& audit,
                                           const EventChange& change,
                                           EventData* committed) {
  constexpr int kUnlockedTries = 2;
  for (int attempt = 0;; ++attempt) {
    const bool locked_throughout = attempt == kUnlockedTries;
    std::optional<absl::MutexLock> lock;
    if (locked_throughout) lock.emplace(&ctx_->store->writer_mutex());
    // Before anything is read: every later change to a need or listing
    // shows in the change feed after this position.
    const uint64_t change_seq = ctx_->store->last_change_seq();
    const matcher::RankingWeights weights = ctx_->engine->weights();
    ASSIGN_OR_RETURN(EventData data, LoadEvent(*ctx_->store, event_id));
    const std::string read = EventFingerprint(data);
    storage::WriteSet writes(audit);
    const absl::Status worked_out = change(&data, &writes);
    if (!locked_throughout) {
      if (after_unlocked_change_for_test_) after_unlocked_change_for_test_();
      lock.emplace(&ctx_->store->writer_mutex());
      // Unlocked reads are no snapshot: an error too may come from a
      // half-seen write, so it counts only if nothing changed.
      ASSIGN_OR_RETURN(const EventData now, LoadEvent(*ctx_->store, event_id));
      if (EventFingerprint(now) != read ||
          !(ctx_->engine->weights() == weights)) {
        continue;  // changed meanwhile: work it out again
      }
      ASSIGN_OR_RETURN(const bool touched,
                       NeedsOrListingsChangedSince(now, change_seq));
      if (touched) continue;
    }
    RETURN_IF_ERROR(worked_out);
    if (!writes.empty()) {
      auto done = ctx_->store->Commit(writes);
      if (!done.ok()) return done.status();
    }
    *committed = std::move(data);
    return absl::OkStatus();
  }
}

absl::StatusOr<bool> EventServiceImpl::NeedsOrListingsChangedSince(
    const EventData& data, uint64_t change_seq) const {
  absl::flat_hash_set<std::string> demands, listings;
  for (const auto& p : data.participants) {
    demands.insert(p.demand_ids().begin(), p.demand_ids().end());
    listings.insert(p.patent_ids().begin(), p.patent_ids().end());
  }
  std::vector<storage::Change> changes;
  for (uint64_t after = change_seq;; after = changes.back().seq) {
    changes.clear();
    RETURN_IF_ERROR(ctx_->store->ReadChanges(after, 4096, &changes));
    if (changes.empty()) return false;
    for (const auto& c : changes) {
      if ((c.kind == EntityKind::kDemand && demands.contains(c.id)) ||
          (c.kind == EntityKind::kPatent && listings.contains(c.id))) {
        return true;
      }
    }
  }
}

grpc::Status EventServiceImpl::SetPairPreference(
    grpc::ServerContext* context, const v1::SetPairPreferenceRequest* request,
    v1::SetPairPreferenceResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "state meeting wishes"));
  std::vector<v1::FieldError> errors =
      ValidateId(request->event_id(), "event_id");
  for (auto [field, id] :
       {std::pair<const char*, const std::string*>{
            "company_organisation_id", &request->company_organisation_id()},
        {"holder_organisation_id", &request->holder_organisation_id()}}) {
    auto bad = ValidateId(*id, field);
    errors.insert(errors.end(), bad.begin(), bad.end());
  }
  if (request->preference() == v1::PAIR_PREFERENCE_UNSPECIFIED ||
      !v1::PairPreferenceKind_IsValid(request->preference())) {
    AddFieldError(&errors, "preference",
                  "must be WANT_TO_MEET, REFUSE_TO_MEET or NO_PREFERENCE");
  }
  std::string why;
  if (request->note().size() > kReviewNoteBytes ||
      !CleanText(request->note(), /*multiline=*/true, &why)) {
    AddFieldError(&errors, "note", why.empty() ? "too long" : why);
  }
  absl::Status s = FieldErrorsToStatus(errors);
  if (!s.ok()) return ToGrpcStatus(s);

  v1::PairPreference pref;
  bool replanned = false;
  auto change = [&](EventData* data,
                    storage::WriteSet* writes) -> absl::Status {
    response->Clear();
    pref.Clear();
    replanned = false;
    if (!MaySeeEvent(caller, *ctx_->store, data->event)) {
      return NotFoundOrHidden(request->event_id());
    }
    if (data->event.state() == v1::EVENT_CLOSED) {
      return absl::FailedPreconditionError(
          absl::StrCat("event ", data->event.id(), " is closed"));
    }
    const auto* company =
        FindParticipant(*data, request->company_organisation_id());
    const auto* holder =
        FindParticipant(*data, request->holder_organisation_id());
    std::vector<v1::FieldError> errors;
    if (company == nullptr || company->side() != v1::COMPANY_SIDE) {
      AddFieldError(&errors, "company_organisation_id",
                    "is not registered on the company side of this event");
    }
    if (holder == nullptr || holder->side() != v1::HOLDER_SIDE) {
      AddFieldError(&errors, "holder_organisation_id",
                    "is not registered on the holder side of this event");
    }
    RETURN_IF_ERROR(FieldErrorsToStatus(errors));
    // Who speaks: staff say which side; members speak for their own side.
    v1::EventSide side = request->stated_by();
    if (MayManage(caller, data->event)) {
      if (side != v1::COMPANY_SIDE && side != v1::HOLDER_SIDE) {
        return absl::InvalidArgumentError(
            "stated_by: must be COMPANY_SIDE or HOLDER_SIDE");
      }
    } else if (caller.IsMemberOf(request->company_organisation_id()) &&
               side != v1::HOLDER_SIDE) {
      side = v1::COMPANY_SIDE;
    } else if (caller.IsMemberOf(request->holder_organisation_id()) &&
               side != v1::COMPANY_SIDE) {
      side = v1::HOLDER_SIDE;
    } else {
      return absl::PermissionDeniedError(
          "organisation members state wishes only for their own side of a "
          "pair");
    }
    // The pair's preference so far (LoadEvent read them all).
    for (const auto& p : data->preferences) {
      if (p.company_organisation_id() == request->company_organisation_id() &&
          p.holder_organisation_id() == request->holder_organisation_id()) {
        pref = p;
      }
    }
    pref.set_event_id(data->event.id());
    pref.set_company_organisation_id(request->company_organisation_id());
    pref.set_holder_organisation_id(request->holder_organisation_id());
    if (side == v1::COMPANY_SIDE) {
      pref.set_company_says(request->preference());
    } else {
      pref.set_holder_says(request->preference());
    }
    if (!request->note().empty()) pref.set_note(request->note());
    writes->Put(EntityKind::kEventPreference,
                PreferenceKey(data->event.id(), pref.company_organisation_id(),
                              pref.holder_organisation_id()),
                pref);
    // A refusal of a pair with a scheduled meeting cancels that meeting now
    // (unless it took place) and re-plans around it, in the same batch.
    if (request->preference() != v1::REFUSE_TO_MEET ||
        data->event.state() != v1::EVENT_PLANNED) {
      return absl::OkStatus();
    }
    std::set<std::string> cancel;
    for (const auto& m : data->meetings) {
      if (m.status() == v1::MEETING_SCHEDULED &&
          m.outcome() == v1::MEETING_OUTCOME_UNSPECIFIED &&
          m.company_organisation_id() == pref.company_organisation_id() &&
          m.holder_organisation_id() == pref.holder_organisation_id()) {
        cancel.insert(m.id());
      }
    }
    if (cancel.empty()) return absl::OkStatus();
    bool stored = false;
    for (auto& p : data->preferences) {
      if (p.company_organisation_id() == pref.company_organisation_id() &&
          p.holder_organisation_id() == pref.holder_organisation_id()) {
        p = pref;
        stored = true;
      }
    }
    if (!stored) data->preferences.push_back(pref);
    const std::string reason = absl::StrCat(
        "refused by the ", side == v1::COMPANY_SIDE ? "company" : "holder",
        request->note().empty() ? "" : ": ", request->note());
    ASSIGN_OR_RETURN(*response->mutable_replan(),
                     Replan(*ctx_, data, cancel, reason, writes));
    replanned = true;
    return absl::OkStatus();
  };
  EventData data;
  s = ChangeEvent(request->event_id(),
                  caller.Audit("EventService.SetPairPreference"), change,
                  &data);
  if (!s.ok()) return ToGrpcStatus(s);
  if (replanned) {
    const bool manage = MayManage(caller, data.event);
    *response->mutable_replan()->mutable_agenda() = MakeAgenda(
        *ctx_, caller, data, manage ? "" : caller.account().organisation_id());
  }
  *response->mutable_preference() = std::move(pref);
  return grpc::Status::OK;
}

grpc::Status EventServiceImpl::PlanEvent(grpc::ServerContext* context,
                                         const v1::PlanEventRequest* request,
                                         v1::Agenda* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kStaff, "plan docking events"));
  absl::Status s =
      FieldErrorsToStatus(ValidateId(request->event_id(), "event_id"));
  if (!s.ok()) return ToGrpcStatus(s);
  const absl::Time started = absl::Now();
  auto change = [&](EventData* data,
                    storage::WriteSet* writes) -> absl::Status {
    RETURN_IF_ERROR(CheckManage(caller, data->event));
    if (data->event.state() == v1::EVENT_CLOSED) {
      return absl::FailedPreconditionError(
          absl::StrCat("event ", data->event.id(), " is closed"));
    }
    for (const auto& m : data->meetings) {
      if (m.outcome() != v1::MEETING_OUTCOME_UNSPECIFIED) {
        return absl::FailedPreconditionError(absl::StrCat(
            "event ", data->event.id(), " has recorded meeting outcomes (",
            m.id(), "); cancel participants or meetings to re-plan instead"));
      }
    }
    int companies = 0, holders = 0;
    for (const auto& p : data->participants) {
      if (p.cancelled()) continue;
      ++(p.side() == v1::COMPANY_SIDE ? companies : holders);
    }
    if (companies == 0 || holders == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "event ", data->event.id(), " has no ",
          companies == 0 ? "companies" : "holders",
          " taking part: register some (CLI event register) before planning"));
    }
    // A pair whose meeting was cancelled is not planned again, even afresh.
    std::set<std::pair<std::string, std::string>> cancelled_pairs;
    for (const auto& m : data->meetings) {
      if (m.status() == v1::MEETING_CANCELLED) {
        cancelled_pairs.insert(
            {m.company_organisation_id(), m.holder_organisation_id()});
      }
    }
    ASSIGN_OR_RETURN(const Problem problem,
                     BuildProblem(*ctx_, *data, cancelled_pairs));
    const absl::Time solve_start = absl::Now();
    ASSIGN_OR_RETURN(const matcher::EventPlan plan,
                     matcher::PlanEvent(problem.input));
    const double solve_ms =
        absl::ToDoubleMilliseconds(absl::Now() - solve_start);
    absl::Status checked = matcher::CheckPlan(problem.input, plan);
    if (!checked.ok()) return absl::InternalError(checked.message());
    std::vector<int> chosen;
    for (const auto& m : plan.meetings) chosen.push_back(m.candidate);
    absl::flat_hash_map<int, v1::Explanation> why;
    RETURN_IF_ERROR(ExplainTopics(*ctx_, problem, chosen, &why));

    v1::DockingEvent& e = data->event;
    const int version = e.plan().version() + 1;
    // Scheduled meetings are replaced; cancelled ones stay on record. New
    // meeting ids continue after every id given out before, so a printed
    // agenda's M0003 never names another pair.
    int number = NextMeetingNumber(*data);
    std::vector<v1::Meeting> kept_on_record;
    for (auto& old : data->meetings) {
      if (old.status() == v1::MEETING_CANCELLED) {
        kept_on_record.push_back(std::move(old));
      } else {
        writes->Delete(EntityKind::kMeeting, MeetingKey(e.id(), old.id()));
      }
    }
    data->meetings = std::move(kept_on_record);
    for (const auto& planned : plan.meetings) {
      v1::Meeting m =
          MakeMeeting(e, problem, planned, MeetingId(number), version, why);
      e.set_last_meeting_number(number++);
      writes->Put(EntityKind::kMeeting, MeetingKey(e.id(), m.id()), m);
      data->meetings.push_back(std::move(m));
    }
    v1::PlanSummary* summary = e.mutable_plan();
    summary->Clear();
    summary->set_version(version);
    summary->set_meetings(static_cast<int>(plan.meetings.size()));
    summary->set_total_quality(plan.total_quality);
    summary->set_candidate_pairs(static_cast<int>(problem.pairs.size()));
    summary->set_wished_pairs(problem.wished);
    summary->set_refused_pairs(problem.refused);
    summary->set_solve_ms(solve_ms);
    summary->set_total_ms(absl::ToDoubleMilliseconds(absl::Now() - started));
    summary->set_optimality(Optimality(problem));
    summary->set_planned_unix(NowUnix());
    e.set_state(v1::EVENT_PLANNED);
    e.set_updated_unix(NowUnix());
    writes->Put(EntityKind::kEvent, e.id(), e);
    return absl::OkStatus();
  };
  EventData data;
  s = ChangeEvent(request->event_id(), caller.Audit("EventService.PlanEvent"),
                  change, &data);
  if (!s.ok()) return ToGrpcStatus(s);
  *response = MakeAgenda(*ctx_, caller, data, "");
  return grpc::Status::OK;
}

namespace {

std::string CleanReason(const std::string& reason, std::string* why) {
  if (reason.size() > kReviewNoteBytes) {
    *why = "reason: too long";
    return "";
  }
  std::string problem;
  if (!CleanText(reason, /*multiline=*/true, &problem)) {
    *why = absl::StrCat("reason: ", problem);
    return "";
  }
  return reason;
}

}  // namespace

grpc::Status EventServiceImpl::CancelParticipation(
    grpc::ServerContext* context, const v1::CancelParticipationRequest* request,
    v1::ReplanResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "cancel participation"));
  std::vector<v1::FieldError> errors =
      ValidateId(request->event_id(), "event_id");
  auto more = ValidateId(request->organisation_id(), "organisation_id");
  errors.insert(errors.end(), more.begin(), more.end());
  std::string why;
  CleanReason(request->reason(), &why);
  if (!why.empty()) AddFieldError(&errors, "reason", why);
  absl::Status s = FieldErrorsToStatus(errors);
  if (!s.ok()) return ToGrpcStatus(s);

  auto change = [&](EventData* data,
                    storage::WriteSet* writes) -> absl::Status {
    if (!MayManage(caller, data->event) &&
        !caller.IsMemberOf(request->organisation_id())) {
      if (!MaySeeEvent(caller, *ctx_->store, data->event)) {
        return NotFoundOrHidden(request->event_id());
      }
      return absl::PermissionDeniedError(
          "organisation members may cancel only their own participation");
    }
    if (data->event.state() == v1::EVENT_CLOSED) {
      return absl::FailedPreconditionError(
          absl::StrCat("event ", data->event.id(), " is closed"));
    }
    v1::EventParticipant* part = nullptr;
    for (auto& p : data->participants) {
      if (p.organisation_id() == request->organisation_id()) part = &p;
    }
    if (part == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("organisation ", request->organisation_id(),
                       " is not registered for event ", data->event.id()));
    }
    if (part->cancelled()) {
      return absl::FailedPreconditionError(
          absl::StrCat("organisation ", request->organisation_id(),
                       " has already cancelled"));
    }
    part->set_cancelled(true);
    part->set_cancel_reason(request->reason());
    writes->Put(EntityKind::kEventParticipant,
                ParticipantKey(data->event.id(), part->organisation_id()),
                *part);
    const std::string reason =
        absl::StrCat("participant ", part->organisation_id(), " cancelled",
                     request->reason().empty() ? "" : ": ", request->reason());
    ASSIGN_OR_RETURN(*response, Replan(*ctx_, data, {}, reason, writes));
    return absl::OkStatus();
  };
  EventData data;
  s = ChangeEvent(request->event_id(),
                  caller.Audit("EventService.CancelParticipation"), change,
                  &data);
  if (!s.ok()) return ToGrpcStatus(s);
  // Staff get the whole agenda; a member its own.
  *response->mutable_agenda() = MakeAgenda(
      *ctx_, caller, data, caller.is_staff() ? "" : request->organisation_id());
  return grpc::Status::OK;
}

grpc::Status EventServiceImpl::CancelMeeting(
    grpc::ServerContext* context, const v1::CancelMeetingRequest* request,
    v1::ReplanResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "cancel meetings"));
  std::vector<v1::FieldError> errors =
      ValidateId(request->event_id(), "event_id");
  auto more = ValidateId(request->meeting_id(), "meeting_id");
  errors.insert(errors.end(), more.begin(), more.end());
  std::string why;
  CleanReason(request->reason(), &why);
  if (!why.empty()) AddFieldError(&errors, "reason", why);
  absl::Status s = FieldErrorsToStatus(errors);
  if (!s.ok()) return ToGrpcStatus(s);

  bool manage = false;
  auto change = [&](EventData* data,
                    storage::WriteSet* writes) -> absl::Status {
    const v1::Meeting* meeting = nullptr;
    for (const auto& m : data->meetings) {
      if (m.id() == request->meeting_id()) meeting = &m;
    }
    manage = MayManage(caller, data->event);
    if (!manage && !MaySeeEvent(caller, *ctx_->store, data->event)) {
      return NotFoundOrHidden(request->event_id());
    }
    if (meeting == nullptr ||
        (!manage && !caller.IsMemberOf(meeting->company_organisation_id()) &&
         !caller.IsMemberOf(meeting->holder_organisation_id()))) {
      return absl::NotFoundError(absl::StrCat("event ", data->event.id(),
                                              " has no meeting '",
                                              request->meeting_id(), "'"));
    }
    if (data->event.state() != v1::EVENT_PLANNED) {
      return absl::FailedPreconditionError(absl::StrCat(
          "event ", data->event.id(), " is not planned (or closed)"));
    }
    if (meeting->status() != v1::MEETING_SCHEDULED) {
      return absl::FailedPreconditionError(
          absl::StrCat("meeting ", meeting->id(), " is already cancelled"));
    }
    if (meeting->outcome() != v1::MEETING_OUTCOME_UNSPECIFIED) {
      return absl::FailedPreconditionError(absl::StrCat(
          "meeting ", meeting->id(), " took place (its outcome is ",
          OutcomeWord(meeting->outcome()), "); it cannot be cancelled"));
    }
    const std::string reason =
        absl::StrCat("meeting cancelled", request->reason().empty() ? "" : ": ",
                     request->reason());
    const std::string meeting_id = meeting->id();
    ASSIGN_OR_RETURN(*response,
                     Replan(*ctx_, data, {meeting_id}, reason, writes));
    return absl::OkStatus();
  };
  EventData data;
  s = ChangeEvent(request->event_id(),
                  caller.Audit("EventService.CancelMeeting"), change, &data);
  if (!s.ok()) return ToGrpcStatus(s);
  *response->mutable_agenda() = MakeAgenda(
      *ctx_, caller, data, manage ? "" : caller.account().organisation_id());
  return grpc::Status::OK;
}

grpc::Status EventServiceImpl::GetAgenda(grpc::ServerContext* context,
                                         const v1::GetAgendaRequest* request,
                                         v1::Agenda* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "read agendas"));
  std::vector<v1::FieldError> errors =
      ValidateId(request->event_id(), "event_id");
  if (!request->organisation_id().empty()) {
    auto more = ValidateId(request->organisation_id(), "organisation_id");
    errors.insert(errors.end(), more.begin(), more.end());
  }
  absl::Status s = FieldErrorsToStatus(errors);
  if (!s.ok()) return ToGrpcStatus(s);
  ASSIGN_OR_RETURN_GRPC(EventData data,
                        LoadEvent(*ctx_->store, request->event_id()));
  if (!MaySeeEvent(caller, *ctx_->store, data.event)) {
    return ToGrpcStatus(NotFoundOrHidden(request->event_id()));
  }
  std::string org = request->organisation_id();
  if (!MayManage(caller, data.event)) {
    const std::string own = caller.account().organisation_id();
    if (!org.empty() && org != own) {
      return ToGrpcStatus(absl::PermissionDeniedError(
          "organisation members read only their own agenda"));
    }
    org = own;
  }
  if (!org.empty() && FindParticipant(data, org) == nullptr) {
    return ToGrpcStatus(absl::NotFoundError(
        absl::StrCat("organisation ", org, " is not registered for event ",
                     data.event.id())));
  }
  *response = MakeAgenda(*ctx_, caller, data, org);
  return grpc::Status::OK;
}

grpc::Status EventServiceImpl::RecordMeetingOutcome(
    grpc::ServerContext* context,
    const v1::RecordMeetingOutcomeRequest* request, v1::Meeting* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kStaff, "record meeting outcomes"));
  std::vector<v1::FieldError> errors =
      ValidateId(request->event_id(), "event_id");
  auto more = ValidateId(request->meeting_id(), "meeting_id");
  errors.insert(errors.end(), more.begin(), more.end());
  if (request->outcome() == v1::MEETING_OUTCOME_UNSPECIFIED ||
      !v1::MeetingOutcome_IsValid(request->outcome())) {
    AddFieldError(&errors, "outcome",
                  "must be MEETING_NO_INTEREST, MEETING_FOLLOW_UP, "
                  "MEETING_NEGOTIATING, MEETING_DEAL or MEETING_NO_SHOW");
  }
  if (request->outcome() == v1::MEETING_DEAL &&
      request->deal().kind() == v1::DEAL_KIND_UNSPECIFIED) {
    AddFieldError(&errors, "deal.kind", "is required for MEETING_DEAL");
  }
  if (request->outcome() != v1::MEETING_DEAL && request->has_deal()) {
    AddFieldError(&errors, "deal", "only with MEETING_DEAL");
  }
  std::string why;
  if (request->note().size() > kReviewNoteBytes ||
      !CleanText(request->note(), /*multiline=*/true, &why)) {
    AddFieldError(&errors, "note", why.empty() ? "too long" : why);
  }
  absl::Status s = FieldErrorsToStatus(errors);
  if (s.ok() && request->outcome() == v1::MEETING_DEAL) {
    s = CheckDeal(request->deal());
  }
  if (!s.ok()) return ToGrpcStatus(s);

  absl::MutexLock lock(&ctx_->store->writer_mutex());
  ASSIGN_OR_RETURN_GRPC(EventData data,
                        LoadEvent(*ctx_->store, request->event_id()));
  s = CheckManage(caller, data.event);
  if (!s.ok()) return ToGrpcStatus(s);
  v1::Meeting meeting;
  s = ctx_->store->Get(EntityKind::kMeeting,
                       MeetingKey(data.event.id(), request->meeting_id()),
                       &meeting);
  if (absl::IsNotFound(s)) {
    return ToGrpcStatus(absl::NotFoundError(
        absl::StrCat("event ", data.event.id(), " has no meeting '",
                     request->meeting_id(), "'")));
  }
  if (!s.ok()) return ToGrpcStatus(s);
  if (meeting.status() != v1::MEETING_SCHEDULED) {
    return ToGrpcStatus(absl::FailedPreconditionError(absl::StrCat(
        "meeting ", meeting.id(), " was cancelled; it has no outcome")));
  }
  const v1::MeetingOutcome was = meeting.outcome();
  const bool corrected = !MovesForward(was, request->outcome());
  if (corrected && !request->correction()) {
    return ToGrpcStatus(absl::FailedPreconditionError(absl::StrCat(
        "meeting ", meeting.id(), "'s outcome is already ", OutcomeWord(was),
        "; an outcome moves only forward (follow_up, negotiating, deal; "
        "talks still going on may end in no_interest). To correct a "
        "mistake, record it again as a correction (CLI --correct)")));
  }
  const int64_t now = NowUnix();
  const storage::AuditContext audit =
      caller.Audit("EventService.RecordMeetingOutcome");
  storage::WriteSet writes(audit);
  meeting.set_outcome(request->outcome());
  meeting.set_outcome_note(request->note());
  meeting.clear_suggestion_note();  // a note from an earlier recording is stale

  // Move the best topic's suggestion towards the outcome.
  const v1::SuggestionState target = TargetOf(request->outcome());
  // The suggestion's state before this outcome, when it was looked at.
  std::optional<v1::SuggestionState> state_before;
  if (target != v1::SUGGESTION_STATE_UNSPECIFIED && meeting.topics_size() > 0) {
    const v1::MeetingTopic& topic = meeting.topics(0);
    const std::string id = SuggestionId(topic.demand_id(), topic.patent_id());
    v1::Suggestion suggestion;
    v1::SuggestionState before = v1::SUGGESTION_STATE_UNSPECIFIED;
    s = ctx_->store->Get(EntityKind::kSuggestion, id, &suggestion);
    if (absl::IsNotFound(s)) {
      auto demand = ctx_->store->GetDemand(topic.demand_id());
      auto listing = ctx_->store->GetPatent(topic.patent_id());
      if (!demand.ok() || !listing.ok()) {
        meeting.set_suggestion_note(
            "the need or listing no longer exists; no suggestion moved");
      } else if (caller.is_commissioner() && !caller.CoversDemand(*demand)) {
        // The event is in the caller's scope but this need is not: the
        // review queue outside it belongs to other commissioners.
        meeting.set_suggestion_note(absl::StrCat(
            "need ", demand->id(), " (industry '", demand->industry(),
            "') is outside the scope of account ", caller.id(),
            "; no suggestion created (an administrator or a commissioner "
            "covering it can record this outcome again)"));
      } else {
        suggestion = NewSuggestion(*demand, *listing, topic.score(),
                                   meeting.explanation(), "event", audit, now);
      }
    } else if (!s.ok()) {
      return ToGrpcStatus(s);
    } else {
      before = suggestion.state();
    }
    if (!suggestion.id().empty()) {
      state_before = before;
      ReviewActor actor;
      actor.account_id = caller.id();
      actor.role = caller.role();
      actor.commissioner_in_scope =
          caller.is_commissioner() &&
          caller.Covers(suggestion.industry(), suggestion.district());
      const std::string note =
          absl::StrCat("docking event ", data.event.id(), ", meeting ",
                       meeting.id(), ": ", OutcomeWord(request->outcome()));
      v1::AdvanceSuggestionRequest step;
      std::string stopped;
      // Every step is written as it is taken, so the notices feed hears of
      // the creation and of an approval on the way (the company's watch
      // waits for that), as it would from the review service.
      if (before == v1::SUGGESTION_STATE_UNSPECIFIED) {
        PutSuggestion(before, suggestion, &writes);
      }
      while (step.Clear(),
             NextStep(suggestion.state(), target, *request, note, &step)) {
        step.set_suggestion_id(suggestion.id());
        const v1::SuggestionState from = suggestion.state();
        auto moved = ApplyReviewAction(step, actor, now, &suggestion);
        if (absl::IsInvalidArgument(moved.status())) {
          // The request's own fault (e.g. the deal): nothing is recorded.
          return ToGrpcStatus(moved.status());
        }
        if (!moved.ok()) {
          stopped = std::string(moved.status().message());
          break;
        }
        PutSuggestion(from, suggestion, &writes);
      }
      if (suggestion.state() != target && stopped.empty()) {
        stopped = absl::StrCat("the workflow has no way from ",
                               StateName(suggestion.state()), " to ",
                               StateName(target));
      }
      if (!stopped.empty()) {
        meeting.set_suggestion_note(
            absl::StrCat("not moved further: ", stopped));
      }
      meeting.set_suggestion_id(suggestion.id());
      meeting.set_suggestion_state(suggestion.state());
    }
  }
  if (corrected) {
    std::string note = absl::StrCat("outcome corrected from ", OutcomeWord(was),
                                    " to ", OutcomeWord(request->outcome()));
    if (!meeting.suggestion_id().empty()) {
      v1::SuggestionState now = meeting.suggestion_state();
      if (!state_before.has_value()) {  // not looked at above: read it
        v1::Suggestion current;
        s = ctx_->store->Get(EntityKind::kSuggestion, meeting.suggestion_id(),
                             &current);
        if (!s.ok() && !absl::IsNotFound(s)) return ToGrpcStatus(s);
        if (s.ok()) now = current.state();
        meeting.set_suggestion_state(now);
      }
      if (state_before.has_value() && *state_before != now) {
        absl::StrAppend(&note, "; suggestion ", meeting.suggestion_id(),
                        " moved to ", StateName(now));
      } else {
        absl::StrAppend(&note, "; suggestion ", meeting.suggestion_id(),
                        " stays ", StateName(now),
                        " (the review workflow does not go back; a "
                        "commissioner moves it on from there)");
      }
    }
    if (!meeting.suggestion_note().empty()) {
      absl::StrAppend(&note, "; ", meeting.suggestion_note());
    }
    meeting.set_suggestion_note(note);
  }
  writes.Put(EntityKind::kMeeting, MeetingKey(data.event.id(), meeting.id()),
             meeting);
  auto committed = ctx_->store->Commit(writes);
  if (!committed.ok()) return ToGrpcStatus(committed.status());
  *response = std::move(meeting);
  return grpc::Status::OK;
}

grpc::Status EventServiceImpl::CloseEvent(grpc::ServerContext* context,
                                          const v1::CloseEventRequest* request,
                                          v1::DockingEvent* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kStaff, "close docking events"));
  absl::Status s =
      FieldErrorsToStatus(ValidateId(request->event_id(), "event_id"));
  if (!s.ok()) return ToGrpcStatus(s);
  absl::MutexLock lock(&ctx_->store->writer_mutex());
  v1::DockingEvent e;
  s = ctx_->store->Get(EntityKind::kEvent, request->event_id(), &e);
  if (!s.ok()) return ToGrpcStatus(s);
  s = CheckManage(caller, e);
  if (!s.ok()) return ToGrpcStatus(s);
  if (e.state() == v1::EVENT_CLOSED) {
    return ToGrpcStatus(absl::FailedPreconditionError(
        absl::StrCat("event ", e.id(), " is already closed")));
  }
  e.set_state(v1::EVENT_CLOSED);
  e.set_updated_unix(NowUnix());
  storage::WriteSet writes(caller.Audit("EventService.CloseEvent"));
  writes.Put(EntityKind::kEvent, e.id(), e);
  auto committed = ctx_->store->Commit(writes);
  if (!committed.ok()) return ToGrpcStatus(committed.status());
  *response = std::move(e);
  return grpc::Status::OK;
}

grpc::Status EventServiceImpl::BuildShortlist(
    grpc::ServerContext* context, const v1::BuildShortlistRequest* request,
    v1::Shortlist* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kStaff, "build short lists"));
  std::vector<v1::FieldError> errors =
      ValidateId(request->organisation_id(), "organisation_id");
  if (request->per_need() < 0 || request->per_need() > 20) {
    AddFieldError(&errors, "per_need", "must be between 1 and 20 (0: 5)");
  }
  auto filter_errors = ValidateFilter(request->filter(), "filter");
  errors.insert(errors.end(), filter_errors.begin(), filter_errors.end());
  absl::Status s = FieldErrorsToStatus(errors);
  if (!s.ok()) return ToGrpcStatus(s);
  ASSIGN_OR_RETURN_GRPC(
      const v1::Organisation org,
      ctx_->store->GetOrganisation(request->organisation_id()));
  std::vector<v1::Demand> needs;
  int out_of_scope = 0;
  s = ctx_->store->ScanDemands("", [&](const v1::Demand& d) {
    if (d.organisation_id() != org.id() || d.status() != v1::DEMAND_OPEN) {
      return true;
    }
    if (caller.CoversDemand(d)) {
      needs.push_back(d);
    } else {
      ++out_of_scope;
    }
    return true;
  });
  if (!s.ok()) return ToGrpcStatus(s);
  if (needs.empty()) {
    if (out_of_scope > 0) {
      return ToGrpcStatus(absl::PermissionDeniedError(
          absl::StrCat("organisation ", org.id(),
                       "'s open needs are outside the scope of "
                       "account ",
                       caller.id())));
    }
    return ToGrpcStatus(absl::FailedPreconditionError(
        absl::StrCat("organisation ", org.id(), " has no open needs")));
  }
  const int per_need = request->per_need() > 0 ? request->per_need() : 5;
  *response->mutable_organisation() = org;
  for (const auto& d : needs) {
    auto ranked = ctx_->engine->SuggestPatents(matcher::NeedQueryFromDemand(d),
                                               request->filter(), per_need);
    if (!ranked.ok()) return ToGrpcStatus(ranked.status());
    v1::ShortlistEntry* entry = response->add_entries();
    *entry->mutable_demand() = d;
    for (auto& m : *ranked->mutable_matches()) {
      *entry->add_matches() = std::move(m);
    }
  }
  response->set_built_by(caller.id());
  response->set_built_unix(NowUnix());
  return grpc::Status::OK;
}

}  // namespace patentmatch
