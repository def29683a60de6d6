// `patentmatch review ...` and `patentmatch weights ...`: the commissioners'
// review workflow from the command line — propose suggestions for a need,
// work the queue, take each suggestion from claim to a signed, filed deal —
// and the ranking weights the decisions teach.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clients/cli/cli.h"
#include "clients/cli/filter.h"
#include "clients/cli/output.h"
#include "patentmatch/v1/review.grpc.pb.h"

namespace patentmatch::cli {
namespace {

using v1::AdvanceSuggestionRequest;
using v1::Suggestion;

std::string Waited(int64_t seconds) {
  if (seconds < 3600) return absl::StrCat(seconds / 60, "m");
  if (seconds < 86400) return absl::StrCat(seconds / 3600, "h");
  return absl::StrCat(seconds / 86400, "d");
}

std::string StateLabel(int state) {
  return EnumLabel(v1::SuggestionState_descriptor(), state);
}

void PrintSuggestionRows(const std::vector<Suggestion>& suggestions) {
  Table table({"ID", "STATE", "SCORE", "WAITED", "NEED", "PATENT"});
  for (const auto& s : suggestions) {
    table.AddRow(
        {s.id(), StateLabel(s.state()), absl::StrFormat("%.3f", s.score()),
         Waited(s.waiting_seconds()), s.demand_title(), s.patent_title()});
  }
  table.Print();
}

void PrintSuggestion(const Suggestion& s) {
  std::printf("%s  %s  score %.3f  (waited %s in this state)\n", s.id().c_str(),
              StateLabel(s.state()).c_str(), s.score(),
              Waited(s.waiting_seconds()).c_str());
  std::printf("  need:    %s  %s\n", s.demand_id().c_str(),
              s.demand_title().c_str());
  std::printf("  company: %s  %s\n", s.company_organisation_id().c_str(),
              s.company_name().c_str());
  if (s.has_company_contact()) {
    std::printf("  contact: %s  %s  %s\n", s.company_contact().name().c_str(),
                s.company_contact().phone().c_str(),
                s.company_contact().email().c_str());
  }
  std::printf("  patent:  %s  %s\n", s.patent_id().c_str(),
              s.patent_title().c_str());
  if (!s.holder_organisation_id().empty()) {
    std::printf("  holder:  %s\n", s.holder_organisation_id().c_str());
  }
  std::printf("  why:     %s\n", s.explanation().summary().c_str());
  if (!s.claimed_by().empty()) {
    std::printf("  claimed by %s\n", s.claimed_by().c_str());
  }
  if (s.rejection_reason() != v1::REJECTION_REASON_UNSPECIFIED) {
    std::printf(
        "  rejected: %s %s\n",
        EnumLabel(v1::RejectionReason_descriptor(), s.rejection_reason())
            .c_str(),
        s.rejection_note().c_str());
  }
  if (s.company_feedback() != v1::COMPANY_FEEDBACK_UNSPECIFIED) {
    std::printf(
        "  company feedback: %s %s\n",
        EnumLabel(v1::CompanyFeedback_descriptor(), s.company_feedback())
            .c_str(),
        s.company_feedback_note().c_str());
  }
  if (s.holder_response() != v1::HOLDER_RESPONSE_UNSPECIFIED) {
    std::printf("  holder: %s\n",
                EnumLabel(v1::HolderResponse_descriptor(), s.holder_response())
                    .c_str());
  }
  if (s.deal().kind() != v1::DEAL_KIND_UNSPECIFIED) {
    std::printf("  deal: %s, %lld yuan, signed %s%s%s\n",
                EnumLabel(v1::DealKind_descriptor(), s.deal().kind()).c_str(),
                static_cast<long long>(s.deal().amount_yuan()),
                s.deal().signed_date().c_str(),
                s.deal().filing_number().empty() ? "" : ", filed as ",
                s.deal().filing_number().c_str());
  }
  if (!s.no_deal_reason().empty()) {
    std::printf("  no deal: %s\n", s.no_deal_reason().c_str());
  }
  for (const auto& h : s.history()) {
    std::printf(
        "  %s  %-13s %s → %s by %s %s\n",
        absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(h.at_unix()),
                         absl::UTCTimeZone())
            .c_str(),
        h.action().c_str(), StateLabel(h.from()).c_str(),
        StateLabel(h.to()).c_str(), h.actor_id().c_str(), h.note().c_str());
  }
}

int Propose(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  v1::ProposeSuggestionsRequest req;
  req.set_demand_id(args.positional()[0]);
  auto top_k = args.GetInt("top_k", 0);
  if (!top_k.ok()) return UsageFailure(top_k.status());
  req.set_top_k(static_cast<int>(*top_k));
  auto stub = v1::ReviewService::NewStub(conn.channel());
  v1::ProposeSuggestionsResponse resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->ProposeSuggestions(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
    return kExitOk;
  }
  std::fflush(stdout);
  std::fprintf(stderr, "%d new suggestions, %d already suggested\n",
               resp.created_size(), resp.already_suggested());
  PrintSuggestionRows({resp.created().begin(), resp.created().end()});
  return kExitOk;
}

int Queue(Connection& conn, const Args& args) {
  if (!args.positional().empty()) return kExitUsage;
  v1::ListSuggestionsRequest req;
  if (absl::Status s =
          EnumListFromArgs(args, "states", v1::SuggestionState_descriptor(),
                           req.mutable_states());
      !s.ok()) {
    return UsageFailure(s);
  }
  req.set_industry(args.Get("industry"));
  if (args.Has("district")) {
    auto d = ParseEnum(v1::District_descriptor(), args.Get("district"));
    if (!d.ok()) return UsageFailure(d.status());
    req.set_district(static_cast<v1::District>(*d));
  }
  req.set_demand_id(args.Get("demand"));
  req.set_patent_id(args.Get("patent"));
  auto mine = args.GetBool("mine");
  if (!mine.ok()) return UsageFailure(mine.status());
  req.set_claimed_by_me(*mine);
  auto page_size = args.GetInt("page_size", 50);
  if (!page_size.ok()) return UsageFailure(page_size.status());
  req.set_page_size(static_cast<int>(*page_size));
  req.set_page_token(args.Get("page_token"));
  auto stub = v1::ReviewService::NewStub(conn.channel());
  v1::ListSuggestionsResponse resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->ListSuggestions(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    for (const auto& sg : resp.suggestions()) PrintJson(sg);
    return kExitOk;
  }
  PrintSuggestionRows({resp.suggestions().begin(), resp.suggestions().end()});
  std::fflush(stdout);
  std::fprintf(
      stderr, "%d of %d%s\n", resp.suggestions_size(), resp.total(),
      resp.next_page_token().empty()
          ? ""
          : absl::StrCat("; next: --page_token=", resp.next_page_token())
                .c_str());
  return kExitOk;
}

int Show(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  auto stub = v1::ReviewService::NewStub(conn.channel());
  v1::GetSuggestionRequest req;
  req.set_id(args.positional()[0]);
  Suggestion resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->GetSuggestion(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
  } else {
    PrintSuggestion(resp);
  }
  return kExitOk;
}

// Sends one workflow action for the suggestion named on the command line.
int Advance(Connection& conn, const Args& args, AdvanceSuggestionRequest req) {
  if (args.positional().size() != 1) return kExitUsage;
  req.set_suggestion_id(args.positional()[0]);
  auto stub = v1::ReviewService::NewStub(conn.channel());
  Suggestion resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->AdvanceSuggestion(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
  } else {
    std::printf("%s  %s\n", resp.id().c_str(),
                StateLabel(resp.state()).c_str());
  }
  return kExitOk;
}

int Claim(Connection& conn, const Args& args) {
  AdvanceSuggestionRequest req;
  req.mutable_claim();
  return Advance(conn, args, req);
}
int Release(Connection& conn, const Args& args) {
  AdvanceSuggestionRequest req;
  req.mutable_release()->set_note(args.Get("note"));
  return Advance(conn, args, req);
}
int Approve(Connection& conn, const Args& args) {
  AdvanceSuggestionRequest req;
  req.mutable_approve()->set_note(args.Get("note"));
  return Advance(conn, args, req);
}
int Reject(Connection& conn, const Args& args) {
  AdvanceSuggestionRequest req;
  if (args.Has("reason")) {
    auto r = ParseEnum(v1::RejectionReason_descriptor(), args.Get("reason"));
    if (!r.ok()) return UsageFailure(r.status());
    req.mutable_reject()->set_reason(static_cast<v1::RejectionReason>(*r));
  }
  req.mutable_reject()->set_note(args.Get("note"));
  return Advance(conn, args, req);
}
int Contacted(Connection& conn, const Args& args) {
  AdvanceSuggestionRequest req;
  req.mutable_contacted()->set_note(args.Get("note"));
  return Advance(conn, args, req);
}
int Negotiating(Connection& conn, const Args& args) {
  AdvanceSuggestionRequest req;
  req.mutable_negotiating()->set_note(args.Get("note"));
  return Advance(conn, args, req);
}
int Deal(Connection& conn, const Args& args) {
  AdvanceSuggestionRequest req;
  v1::Deal* deal = req.mutable_sign_deal()->mutable_deal();
  if (args.Has("kind")) {
    auto k = ParseEnum(v1::DealKind_descriptor(), args.Get("kind"));
    if (!k.ok()) return UsageFailure(k.status());
    deal->set_kind(static_cast<v1::DealKind>(*k));
  }
  auto amount = args.GetInt("amount", 0);
  if (!amount.ok()) return UsageFailure(amount.status());
  deal->set_amount_yuan(*amount);
  deal->set_signed_date(args.Get("date"));
  deal->set_filing_number(args.Get("filing"));
  deal->set_filed_date(args.Get("filed"));
  return Advance(conn, args, req);
}
int NoDeal(Connection& conn, const Args& args) {
  AdvanceSuggestionRequest req;
  req.mutable_no_deal()->set_reason(args.Get("reason"));
  return Advance(conn, args, req);
}
int Filing(Connection& conn, const Args& args) {
  AdvanceSuggestionRequest req;
  req.mutable_record_filing()->set_filing_number(args.Get("number"));
  req.mutable_record_filing()->set_filed_date(args.Get("date"));
  return Advance(conn, args, req);
}
int Feedback(Connection& conn, const Args& args) {
  AdvanceSuggestionRequest req;
  if (args.Has("feedback")) {
    auto f = ParseEnum(v1::CompanyFeedback_descriptor(), args.Get("feedback"));
    if (!f.ok()) return UsageFailure(f.status());
    req.mutable_feedback()->set_feedback(static_cast<v1::CompanyFeedback>(*f));
  }
  req.mutable_feedback()->set_note(args.Get("note"));
  return Advance(conn, args, req);
}
int Respond(Connection& conn, const Args& args) {
  AdvanceSuggestionRequest req;
  if (args.Has("response")) {
    auto r = ParseEnum(v1::HolderResponse_descriptor(), args.Get("response"));
    if (!r.ok()) return UsageFailure(r.status());
    req.mutable_respond()->set_response(static_cast<v1::HolderResponse>(*r));
  }
  return Advance(conn, args, req);
}

void PrintWeights(const Connection& conn, const v1::RankingWeightsState& w) {
  if (conn.options().json) {
    PrintJson(w);
    return;
  }
  Table table({"FEATURE", "WEIGHT", "DEFAULT"});
  for (const auto& f : w.weights()) {
    table.AddRow({f.feature(), absl::StrFormat("%.4f", f.weight()),
                  absl::StrFormat("%.4f", f.default_weight())});
  }
  table.Print();
  std::printf("learned from %lld decisions\n",
              static_cast<long long>(w.decisions_learned()));
}

int WeightsShow(Connection& conn, const Args& args) {
  if (!args.positional().empty()) return kExitUsage;
  auto stub = v1::ReviewService::NewStub(conn.channel());
  v1::RankingWeightsState resp;
  auto ctx = conn.NewContext();
  grpc::Status s =
      stub->GetRankingWeights(ctx.get(), v1::GetRankingWeightsRequest(), &resp);
  if (!s.ok()) return ReportRpcError(s);
  PrintWeights(conn, resp);
  return kExitOk;
}

int WeightsReset(Connection& conn, const Args& args) {
  if (!args.positional().empty()) return kExitUsage;
  auto stub = v1::ReviewService::NewStub(conn.channel());
  v1::RankingWeightsState resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->ResetRankingWeights(
      ctx.get(), v1::ResetRankingWeightsRequest(), &resp);
  if (!s.ok()) return ReportRpcError(s);
  PrintWeights(conn, resp);
  return kExitOk;
}

}  // namespace

std::vector<Command> ReviewCommands() {
  return {
      {"review",
       "propose",
       "DEMAND_ID [--top_k=10]",
       "Rank patents for a need and queue the new pairs for review",
       {"top_k"},
       Propose},
      {"review",
       "queue",
       "[--states=suggested,in_review] [--industry=X] [--district=X] "
       "[--demand=ID] [--patent=ID] [--mine] [--page_size=50]",
       "The review queue (commissioners) or approved suggestions "
       "(organisations), best score first",
       {"states", "industry", "district", "demand", "patent", "mine",
        "page_size", "page_token"},
       Queue},
      {"review",
       "show",
       "SUGGESTION_ID",
       "One suggestion with its explanation and history",
       {},
       Show},
      {"review",
       "claim",
       "SUGGESTION_ID",
       "Take a suggestion into review",
       {},
       Claim},
      {"review",
       "release",
       "SUGGESTION_ID [--note=...]",
       "Put a claimed suggestion back in the queue",
       {"note"},
       Release},
      {"review",
       "approve",
       "SUGGESTION_ID [--note=...]",
       "Approve: the company and the holder now see it",
       {"note"},
       Approve},
      {"review",
       "reject",
       "SUGGESTION_ID --reason=not_relevant|wrong_deal_mode|price|"
       "patent_not_in_force|company_not_ready|duplicate|other [--note=...]",
       "Reject with a reason (the ranking learns from it)",
       {"reason", "note"},
       Reject},
      {"review",
       "contacted",
       "SUGGESTION_ID [--note=...]",
       "The parties were put in touch",
       {"note"},
       Contacted},
      {"review",
       "negotiating",
       "SUGGESTION_ID [--note=...]",
       "The parties are negotiating",
       {"note"},
       Negotiating},
      {"review",
       "deal",
       "SUGGESTION_ID --kind=licence|transfer|equity --amount=YUAN "
       "--date=YYYY-MM-DD [--filing=NUMBER --filed=YYYY-MM-DD]",
       "Record a signed deal",
       {"kind", "amount", "date", "filing", "filed"},
       Deal},
      {"review",
       "no-deal",
       "SUGGESTION_ID --reason=TEXT",
       "Record that no deal came of it",
       {"reason"},
       NoDeal},
      {"review",
       "filing",
       "SUGGESTION_ID --number=NUMBER [--date=YYYY-MM-DD]",
       "Record the CNIPA licence/transfer filing of a signed deal",
       {"number", "date"},
       Filing},
      {"review",
       "feedback",
       "SUGGESTION_ID --feedback=useful|not_useful [--note=...]",
       "The company says whether an approved suggestion was useful",
       {"feedback", "note"},
       Feedback},
      {"review",
       "respond",
       "SUGGESTION_ID --response=accepted|declined",
       "The holder accepts or declines contact",
       {"response"},
       Respond},
      {"review",
       "watch",
       "[--after=POSITION] [--max=N] [--backlog_only]",
       "Follow new and approved suggestions as they appear (Ctrl-C stops)",
       {"after", "max", "backlog_only"},
       ReviewWatch},
      {"review",
       "push-status",
       "[--wait=SECONDS]",
       "How far precise push has got, and its limits (--wait: until caught up)",
       {"wait"},
       ReviewPushStatus},
      {"weights",
       "show",
       "",
       "The ranking weights, as learned from review decisions",
       {},
       WeightsShow},
      {"weights",
       "reset",
       "",
       "Back to the default weights (administrators)",
       {},
       WeightsReset},
  };
}

}  // namespace patentmatch::cli
