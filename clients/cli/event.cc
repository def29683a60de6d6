// `patentmatch event ...` and `patentmatch shortlist`: docking events
// (对接活动) from creation through registration, pair preferences, planning,
// late cancellations and meeting outcomes to closing — and point-to-point
// service, one company's needs with the best patents for each. Agendas and
// short lists print as a table, or go to a CSV or printable HTML file
// (agenda_format.h).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/agenda_format.h"
#include "clients/cli/cli.h"
#include "clients/cli/filter.h"
#include "clients/cli/output.h"
#include "patentmatch/v1/events.grpc.pb.h"

namespace patentmatch::cli {
namespace {

// Tables are cut to the terminal's width; piped or redirected output is
// not cut (a file or a pager has room for whole titles).
int StdoutWidth() { return isatty(STDOUT_FILENO) ? TerminalWidth() : 0; }

using v1::Agenda;
using v1::DockingEvent;
using v1::EventService;

// Planning scores every company–holder pair in scope and then solves; a
// large event takes longer than one ordinary call, so planning calls get
// this much on top of --deadline_ms.
constexpr std::chrono::seconds kPlanningAllowance(60);

int PrintReplan(const Connection& conn, const v1::ReplanResponse& resp);

std::string EventStateLabel(int state) {
  return ShortLabel(v1::EventState_descriptor(), state, "event_");
}
std::string SideLabel(int side) {
  return ShortLabel(v1::EventSide_descriptor(), side, "_side");
}

void Field(const std::string& label, const std::string& value) {
  if (value.empty()) return;
  std::printf("%-18s %s\n", (label + ":").c_str(), value.c_str());
}

// A non-negative flag that fits the int32 proto fields.
absl::StatusOr<int32_t> GetInt32(const Args& args, const std::string& name,
                                 int32_t def) {
  auto v = args.GetInt(name, def);
  if (!v.ok()) return v.status();
  if (*v < 0 || *v > std::numeric_limits<int32_t>::max()) {
    return UsageError(absl::StrCat("--", name, " is out of range"));
  }
  return static_cast<int32_t>(*v);
}

void PrintPlanSummary(const v1::PlanSummary& p) {
  Field("plan version", absl::StrCat(p.version()));
  Field("meetings", absl::StrCat(p.meetings()));
  // Members get neither (the server leaves them out).
  if (p.total_quality() > 0 || p.candidate_pairs() > 0) {
    Field("total quality", absl::StrFormat("%.3f", p.total_quality()));
    Field("candidate pairs",
          absl::StrFormat("%d (%d wished, %d refused)", p.candidate_pairs(),
                          p.wished_pairs(), p.refused_pairs()));
  }
  Field("solved in", absl::StrFormat("%.1f ms (%.1f ms with scoring)",
                                     p.solve_ms(), p.total_ms()));
  Field("optimality", p.optimality());
}

void PrintEvent(const DockingEvent& e) {
  Field("id", e.id());
  Field("name", e.name());
  Field("state", EventStateLabel(e.state()));
  Field("date", e.date());
  Field("slots", absl::StrFormat("%d × %d min from %s", e.slots(),
                                 e.slot_minutes(), e.start_time()));
  Field("tables", absl::StrCat(e.tables()));
  Field("venue", e.venue());
  Field("industry", e.industry());
  Field("IPC", absl::StrJoin(e.ipc_prefixes(), ", "));
  Field("max per company", absl::StrCat(e.max_meetings_per_company()));
  Field("max per holder", absl::StrCat(e.max_meetings_per_holder()));
  if (e.sample()) Field("sample", "yes (demo data)");
  Field("created by", e.created_by());
  if (e.plan().version() > 0) PrintPlanSummary(e.plan());
}

// The document on stdout, or in --out and a line saying where.
int Emit(const std::string& document, const std::string& out_path,
         const std::string& what) {
  if (out_path.empty()) {
    std::fwrite(document.data(), 1, document.size(), stdout);
    return kExitOk;
  }
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  if (out) out.write(document.data(), document.size());
  out.close();
  if (!out) {
    std::fprintf(stderr, "error: cannot write %s\n", out_path.c_str());
    return kExitFailure;
  }
  std::printf("wrote %s to %s\n", what.c_str(), out_path.c_str());
  return kExitOk;
}

// --format, else what --out's extension says, else a table. --json prints
// the message itself, so it does not mix with either.
absl::StatusOr<DocumentFormat> FormatFromArgs(const Connection& conn,
                                              const Args& args) {
  if (conn.options().json && (args.Has("format") || args.Has("out"))) {
    return UsageError("--json prints the message; drop --format and --out");
  }
  if (args.Has("format")) return ParseDocumentFormat(args.Get("format"));
  return FormatForPath(args.Get("out"));
}

int Create(Connection& conn, const Args& args) {
  if (!args.positional().empty()) return kExitUsage;
  if (!args.Has("name") || !args.Has("date") || !args.Has("slots") ||
      !args.Has("tables")) {
    return UsageFailure(
        UsageError("--name, --date, --slots and --tables are required"));
  }
  v1::CreateEventRequest req;
  DockingEvent* e = req.mutable_event();
  e->set_name(args.Get("name"));
  e->set_date(args.Get("date"));
  e->set_industry(args.Get("industry"));
  for (auto& ipc : args.GetList("ipc")) e->add_ipc_prefixes(ipc);
  e->set_start_time(args.Get("start"));
  e->set_venue(args.Get("venue"));
  for (auto [flag, setter] :
       {std::pair{"slots", &DockingEvent::set_slots},
        std::pair{"tables", &DockingEvent::set_tables},
        std::pair{"slot_minutes", &DockingEvent::set_slot_minutes},
        std::pair{"max_per_company",
                  &DockingEvent::set_max_meetings_per_company},
        std::pair{"max_per_holder",
                  &DockingEvent::set_max_meetings_per_holder}}) {
    auto v = GetInt32(args, flag, 0);
    if (!v.ok()) return UsageFailure(v.status());
    (e->*setter)(*v);
  }
  auto sample = args.GetBool("sample");
  if (!sample.ok()) return UsageFailure(sample.status());
  e->set_sample(*sample);

  auto stub = EventService::NewStub(conn.channel());
  DockingEvent resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->CreateEvent(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
  } else {
    std::printf("created %s  %s  %s\n", resp.id().c_str(), resp.date().c_str(),
                resp.name().c_str());
  }
  return kExitOk;
}

int List(Connection& conn, const Args& args) {
  if (!args.positional().empty()) return kExitUsage;
  v1::ListEventsRequest req;
  if (args.Has("state")) {
    auto st = ParseEnum(v1::EventState_descriptor(), args.Get("state"));
    if (!st.ok()) return UsageFailure(st.status());
    req.set_state(static_cast<v1::EventState>(*st));
  }
  auto page_size = GetInt32(args, "page_size", 50);
  if (!page_size.ok()) return UsageFailure(page_size.status());
  req.set_page_size(*page_size);
  req.set_page_token(args.Get("page_token"));
  auto stub = EventService::NewStub(conn.channel());
  v1::ListEventsResponse resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->ListEvents(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    for (const auto& e : resp.events()) PrintJson(e);
    return kExitOk;
  }
  Table table({"ID", "STATE", "DATE", "SLOTS", "TABLES", "MEETINGS", "NAME"});
  for (const auto& e : resp.events()) {
    table.AddRow(
        {e.id(), EventStateLabel(e.state()), e.date(), absl::StrCat(e.slots()),
         absl::StrCat(e.tables()),
         e.plan().version() > 0 ? absl::StrCat(e.plan().meetings()) : "-",
         e.name()});
  }
  table.Print();
  if (!resp.next_page_token().empty()) {
    std::fflush(stdout);
    std::fprintf(stderr, "more: --page_token=%s\n",
                 resp.next_page_token().c_str());
  }
  return kExitOk;
}

int Show(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  v1::GetEventRequest req;
  req.set_event_id(args.positional()[0]);
  auto stub = EventService::NewStub(conn.channel());
  DockingEvent resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->GetEvent(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
  } else {
    PrintEvent(resp);
  }
  return kExitOk;
}

int Register(Connection& conn, const Args& args) {
  if (args.positional().size() != 2) return kExitUsage;
  if (!args.Has("side")) {
    return UsageFailure(UsageError("--side=company or --side=holder"));
  }
  v1::RegisterParticipantRequest req;
  v1::EventParticipant* p = req.mutable_participant();
  p->set_event_id(args.positional()[0]);
  p->set_organisation_id(args.positional()[1]);
  auto side = ParseEnum(v1::EventSide_descriptor(), args.Get("side"));
  if (!side.ok()) return UsageFailure(side.status());
  p->set_side(static_cast<v1::EventSide>(*side));
  for (auto& d : args.GetList("demands")) p->add_demand_ids(d);
  for (auto& id : args.GetList("patents")) p->add_patent_ids(id);
  auto max = GetInt32(args, "max", 0);
  if (!max.ok()) return UsageFailure(max.status());
  p->set_max_meetings(*max);

  auto stub = EventService::NewStub(conn.channel());
  v1::EventParticipant resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->RegisterParticipant(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
    return kExitOk;
  }
  std::printf("registered %s %s in %s as %s\n", resp.organisation_id().c_str(),
              resp.organisation_name().c_str(), resp.event_id().c_str(),
              SideLabel(resp.side()).c_str());
  if (resp.demand_ids_size() > 0) {
    std::printf("  needs:   %s\n",
                absl::StrJoin(resp.demand_ids(), ", ").c_str());
  }
  if (resp.patent_ids_size() > 0) {
    std::printf("  patents: %s\n",
                absl::StrJoin(resp.patent_ids(), ", ").c_str());
  }
  if (resp.max_meetings() > 0) {
    std::printf("  at most %d meetings\n", resp.max_meetings());
  }
  return kExitOk;
}

int Prefer(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  if (!args.Has("company") || !args.Has("holder") || !args.Has("by")) {
    return UsageFailure(
        UsageError("--company, --holder and --by are required"));
  }
  v1::SetPairPreferenceRequest req;
  req.set_event_id(args.positional()[0]);
  req.set_company_organisation_id(args.Get("company"));
  req.set_holder_organisation_id(args.Get("holder"));
  auto by = ParseEnum(v1::EventSide_descriptor(), args.Get("by"));
  if (!by.ok()) return UsageFailure(by.status());
  req.set_stated_by(static_cast<v1::EventSide>(*by));
  int chosen = 0;
  for (auto [flag, kind] : {std::pair{"want", v1::WANT_TO_MEET},
                            std::pair{"refuse", v1::REFUSE_TO_MEET},
                            std::pair{"clear", v1::NO_PREFERENCE}}) {
    auto set = args.GetBool(flag);
    if (!set.ok()) return UsageFailure(set.status());
    if (*set) {
      req.set_preference(kind);
      ++chosen;
    }
  }
  if (chosen != 1) {
    return UsageFailure(UsageError("give one of --want, --refuse, --clear"));
  }
  req.set_note(args.Get("note"));

  auto stub = EventService::NewStub(conn.channel());
  v1::SetPairPreferenceResponse resp;
  // A refusal on a planned event re-plans.
  auto ctx = conn.NewContext(kPlanningAllowance);
  grpc::Status s = stub->SetPairPreference(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
    return kExitOk;
  }
  const v1::PairPreference& pref = resp.preference();
  const auto* kinds = v1::PairPreferenceKind_descriptor();
  std::printf("%s: %s ↔ %s  company says %s, holder says %s\n",
              pref.event_id().c_str(), pref.company_organisation_id().c_str(),
              pref.holder_organisation_id().c_str(),
              ShortLabel(kinds, pref.company_says(), "").c_str(),
              ShortLabel(kinds, pref.holder_says(), "").c_str());
  if (resp.has_replan()) {
    std::printf("the refused pair's meeting is cancelled; re-planned:\n");
    return PrintReplan(conn, resp.replan());
  }
  return kExitOk;
}

int Plan(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  v1::PlanEventRequest req;
  req.set_event_id(args.positional()[0]);
  auto stub = EventService::NewStub(conn.channel());
  Agenda resp;
  auto ctx = conn.NewContext(kPlanningAllowance);
  grpc::Status s = stub->PlanEvent(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
    return kExitOk;
  }
  std::printf("%s planned\n", resp.event().id().c_str());
  PrintPlanSummary(resp.event().plan());
  std::printf("\n%s", AgendaText(resp, StdoutWidth()).c_str());
  return kExitOk;
}

int ShowAgenda(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  auto format = FormatFromArgs(conn, args);
  if (!format.ok()) return UsageFailure(format.status());
  v1::GetAgendaRequest req;
  req.set_event_id(args.positional()[0]);
  req.set_organisation_id(args.Get("org"));
  auto stub = EventService::NewStub(conn.channel());
  Agenda resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->GetAgenda(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
    return kExitOk;
  }
  const std::string out = args.Get("out");
  const size_t meetings = AgendaMeetings(resp).size();
  return Emit(RenderAgenda(resp, *format, out.empty() ? StdoutWidth() : 0), out,
              absl::StrCat("the agenda of ", resp.event().id(),
                           resp.organisation_id().empty() ? "" : " for ",
                           resp.organisation_id(), " (", meetings,
                           meetings == 1 ? " meeting)" : " meetings)"));
}

// What a late cancellation did: the meetings it removed, the ones planned
// into the freed places, and how many stayed where they were.
int PrintReplan(const Connection& conn, const v1::ReplanResponse& resp) {
  if (conn.options().json) {
    PrintJson(resp);
    return kExitOk;
  }
  const v1::PlanSummary& plan = resp.agenda().event().plan();
  std::printf("cancelled: %s\n",
              resp.cancelled_meeting_ids().empty()
                  ? "none"
                  : absl::StrJoin(resp.cancelled_meeting_ids(), ", ").c_str());
  std::printf("added:     %s\n",
              resp.added_meeting_ids().empty()
                  ? "none"
                  : absl::StrJoin(resp.added_meeting_ids(), ", ").c_str());
  std::printf("kept:      %s in place\n",
              Counted(plan.kept(), "meeting").c_str());
  for (const auto& id : resp.added_meeting_ids()) {
    for (const auto& m : resp.agenda().meetings()) {
      if (m.id() != id) continue;
      std::printf("  + %s  slot %d %s-%s table %d  %s ↔ %s\n", m.id().c_str(),
                  m.slot(), m.start_time().c_str(), m.end_time().c_str(),
                  m.table(),
                  (m.company_name().empty() ? m.company_organisation_id()
                                            : m.company_name())
                      .c_str(),
                  (m.holder_name().empty() ? m.holder_organisation_id()
                                           : m.holder_name())
                      .c_str());
    }
  }
  std::printf("%s\n", PlanLine(plan).c_str());
  return kExitOk;
}

int CancelParticipation(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  if (!args.Has("org")) return UsageFailure(UsageError("--org is required"));
  v1::CancelParticipationRequest req;
  req.set_event_id(args.positional()[0]);
  req.set_organisation_id(args.Get("org"));
  req.set_reason(args.Get("reason"));
  auto stub = EventService::NewStub(conn.channel());
  v1::ReplanResponse resp;
  auto ctx = conn.NewContext(kPlanningAllowance);
  grpc::Status s = stub->CancelParticipation(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  return PrintReplan(conn, resp);
}

int CancelMeeting(Connection& conn, const Args& args) {
  if (args.positional().size() != 2) return kExitUsage;
  v1::CancelMeetingRequest req;
  req.set_event_id(args.positional()[0]);
  req.set_meeting_id(args.positional()[1]);
  req.set_reason(args.Get("reason"));
  auto stub = EventService::NewStub(conn.channel());
  v1::ReplanResponse resp;
  auto ctx = conn.NewContext(kPlanningAllowance);
  grpc::Status s = stub->CancelMeeting(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  return PrintReplan(conn, resp);
}

int Outcome(Connection& conn, const Args& args) {
  if (args.positional().size() != 2) return kExitUsage;
  if (!args.Has("outcome")) {
    return UsageFailure(UsageError("--outcome is required"));
  }
  v1::RecordMeetingOutcomeRequest req;
  req.set_event_id(args.positional()[0]);
  req.set_meeting_id(args.positional()[1]);
  auto outcome =
      ParseEnum(v1::MeetingOutcome_descriptor(), args.Get("outcome"));
  if (!outcome.ok()) return UsageFailure(outcome.status());
  req.set_outcome(static_cast<v1::MeetingOutcome>(*outcome));
  req.set_note(args.Get("note"));
  auto correction = args.GetBool("correct");
  if (!correction.ok()) return UsageFailure(correction.status());
  req.set_correction(*correction);
  const bool deal_flags =
      args.Has("deal_kind") || args.Has("amount") || args.Has("signed");
  if (req.outcome() == v1::MEETING_DEAL) {
    if (!args.Has("deal_kind") || !args.Has("amount") || !args.Has("signed")) {
      return UsageFailure(UsageError(
          "--outcome=deal needs --deal_kind, --amount and --signed"));
    }
    v1::Deal* deal = req.mutable_deal();
    auto kind = ParseEnum(v1::DealKind_descriptor(), args.Get("deal_kind"));
    if (!kind.ok()) return UsageFailure(kind.status());
    deal->set_kind(static_cast<v1::DealKind>(*kind));
    auto amount = args.GetInt("amount", 0);
    if (!amount.ok()) return UsageFailure(amount.status());
    deal->set_amount_yuan(*amount);
    deal->set_signed_date(args.Get("signed"));
  } else if (deal_flags) {
    return UsageFailure(UsageError(
        "--deal_kind, --amount and --signed go with --outcome=deal"));
  }

  auto stub = EventService::NewStub(conn.channel());
  v1::Meeting resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->RecordMeetingOutcome(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
    return kExitOk;
  }
  std::string outcome_label =
      ShortLabel(v1::MeetingOutcome_descriptor(), resp.outcome(), "meeting_");
  if (resp.suggestion_id().empty()) {
    std::printf("%s  %s  (no suggestion moved)\n", resp.id().c_str(),
                outcome_label.c_str());
  } else {
    std::printf(
        "%s  %s  suggestion %s is now %s\n", resp.id().c_str(),
        outcome_label.c_str(), resp.suggestion_id().c_str(),
        EnumLabel(v1::SuggestionState_descriptor(), resp.suggestion_state())
            .c_str());
  }
  if (!resp.suggestion_note().empty()) {
    std::printf("  note: %s\n", resp.suggestion_note().c_str());
  }
  return kExitOk;
}

int Close(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  v1::CloseEventRequest req;
  req.set_event_id(args.positional()[0]);
  auto stub = EventService::NewStub(conn.channel());
  DockingEvent resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->CloseEvent(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
  } else {
    std::printf("%s  %s\n", resp.id().c_str(),
                EventStateLabel(resp.state()).c_str());
  }
  return kExitOk;
}

int Shortlist(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  auto format = FormatFromArgs(conn, args);
  if (!format.ok()) return UsageFailure(format.status());
  v1::BuildShortlistRequest req;
  req.set_organisation_id(args.positional()[0]);
  auto per_need = GetInt32(args, "per_need", 5);
  if (!per_need.ok()) return UsageFailure(per_need.status());
  if (*per_need < 1 || *per_need > 20) {
    return UsageFailure(UsageError("--per_need must be 1..20"));
  }
  req.set_per_need(*per_need);
  if (absl::Status s = FilterFromArgs(args, *req.mutable_filter()); !s.ok()) {
    return UsageFailure(s);
  }
  auto stub = EventService::NewStub(conn.channel());
  v1::Shortlist resp;
  // One ranking per open need of the company.
  auto ctx = conn.NewContext(kPlanningAllowance);
  grpc::Status s = stub->BuildShortlist(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
    return kExitOk;
  }
  const std::string out = args.Get("out");
  return Emit(RenderShortlist(resp, *format, out.empty() ? StdoutWidth() : 0),
              out,
              absl::StrCat("the short list for ", resp.organisation().id(),
                           " (", resp.entries_size(),
                           resp.entries_size() == 1 ? " need)" : " needs)"));
}

}  // namespace

std::vector<Command> EventCommands() {
  return {
      {"event",
       "create",
       "--name=NAME --date=YYYY-MM-DD --slots=N --tables=N [--industry=X] "
       "[--ipc=H01M,G06F] [--start=09:00] [--slot_minutes=20] [--venue=X] "
       "[--max_per_company=N] [--max_per_holder=N] [--sample]",
       "Create a docking event (commissioners, administrators)",
       {"name", "date", "slots", "tables", "industry", "ipc", "start",
        "slot_minutes", "venue", "max_per_company", "max_per_holder", "sample"},
       Create},
      {"event",
       "list",
       "[--state=open|planned|closed] [--page_size=50]",
       "Docking events, soonest first",
       {"state", "page_size", "page_token"},
       List},
      {"event", "show", "EVENT_ID", "One event with its last plan", {}, Show},
      {"event",
       "register",
       "EVENT_ID ORG_ID --side=company|holder [--demands=D1,D2] "
       "[--patents=P1,P2] [--max=N]",
       "Register a participant with the needs or patents it brings (again: "
       "updates the registration); --max: its meeting limit, 0 the event's",
       {"side", "demands", "patents", "max"},
       Register},
      {"event",
       "prefer",
       "EVENT_ID --company=ORG_ID --holder=ORG_ID --by=company|holder "
       "(--want|--refuse|--clear) [--note=...]",
       "Say that a company–holder pair wants to meet, refuses to, or neither",
       {"company", "holder", "by", "want", "refuse", "clear", "note"},
       Prefer},
      {"event",
       "plan",
       "EVENT_ID",
       "Plan (or plan afresh) the meetings; prints the summary and agenda",
       {},
       Plan},
      {"event",
       "agenda",
       "EVENT_ID [--org=ORG_ID] [--format=table|csv|html] [--out=FILE]",
       "The agenda of the whole event or one participant; CSV or printable "
       "HTML with --format / --out",
       {"org", "format", "out"},
       ShowAgenda},
      {"event",
       "cancel",
       "EVENT_ID --org=ORG_ID [--reason=...]",
       "A participant withdraws; re-plans without moving other meetings",
       {"org", "reason"},
       CancelParticipation},
      {"event",
       "cancel-meeting",
       "EVENT_ID MEETING_ID [--reason=...]",
       "Cancel one meeting; re-plans without moving other meetings",
       {"reason"},
       CancelMeeting},
      {"event",
       "outcome",
       "EVENT_ID MEETING_ID "
       "--outcome=no_interest|follow_up|negotiating|deal|no_show "
       "[--note=...] [--deal_kind=licence|transfer|equity --amount=YUAN "
       "--signed=YYYY-MM-DD] [--correct]",
       "Record how a meeting went; moves its suggestion along. An outcome "
       "moves only forward; --correct changes a mistaken one",
       {"outcome", "note", "deal_kind", "amount", "signed", "correct"},
       Outcome},
      {"event",
       "close",
       "EVENT_ID",
       "The event was held (outcomes may still be recorded)",
       {},
       Close},
  };
}

std::vector<Command> ShortlistCommands() {
  std::vector<std::string> flags = {"per_need", "format", "out"};
  flags.insert(flags.end(), kFilterFlags.begin(), kFilterFlags.end());
  return {{"shortlist", "",
           "ORG_ID [--per_need=5] [--format=table|csv|html] [--out=FILE] "
           "[filter flags as for match]",
           "Point-to-point service: the company's open needs, each with its "
           "best patents, explained",
           flags, Shortlist}};
}

}  // namespace patentmatch::cli
