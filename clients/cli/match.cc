// `patentmatch match ...`: explained suggestions — patents for a stored need,
// patents for ad-hoc text, and (reverse) open needs a patent fits.
#include <cstdio>

#include "clients/cli/cli.h"
#include "clients/cli/filter.h"
#include "clients/cli/output.h"
#include "patentmatch/v1/patentmatch.grpc.pb.h"

namespace patentmatch::cli {
namespace {

absl::StatusOr<int32_t> TopK(const Args& args) {
  auto top = args.GetInt("top", 10);
  if (!top.ok()) return top.status();
  if (*top <= 0 || *top > 100) return UsageError("--top must be 1..100");
  return static_cast<int32_t>(*top);
}

int PrintSuggestions(const Connection& conn, const v1::SuggestResponse& resp) {
  if (conn.options().json) {
    for (const auto& m : resp.matches()) PrintJson(m);
  } else {
    PrintPatentMatches(resp);
  }
  return kExitOk;
}

int Demand(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  auto top = TopK(args);
  if (!top.ok()) return UsageFailure(top.status());
  v1::SuggestForDemandRequest req;
  req.set_demand_id(args.positional()[0]);
  req.set_top_k(*top);
  if (absl::Status s = FilterFromArgs(args, *req.mutable_filter()); !s.ok()) {
    return UsageFailure(s);
  }
  auto stub = v1::MatchService::NewStub(conn.channel());
  v1::SuggestResponse resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->SuggestForDemand(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  return PrintSuggestions(conn, resp);
}

int Text(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  auto top = TopK(args);
  if (!top.ok()) return UsageFailure(top.status());
  v1::SuggestForTextRequest req;
  req.set_top_k(*top);
  v1::NeedQuery* need = req.mutable_need();
  need->set_text(args.positional()[0]);
  for (auto& i : args.GetList("ipc")) need->add_ipc_hints(i);
  for (auto& k : args.GetList("keywords")) need->add_keywords(k);
  need->set_industry(args.Get("industry"));
  if (absl::Status s =
          EnumListFromArgs(args, "deal_modes", v1::DealMode_descriptor(),
                           need->mutable_deal_modes());
      !s.ok()) {
    return UsageFailure(s);
  }
  auto budget = args.GetInt("budget_max", 0);
  if (!budget.ok()) return UsageFailure(budget.status());
  if (*budget > 0) need->mutable_budget()->set_max_yuan(*budget);
  if (args.Has("district")) {
    auto d = ParseEnum(v1::District_descriptor(), args.Get("district"));
    if (!d.ok()) return UsageFailure(d.status());
    need->set_district(static_cast<v1::District>(*d));
  }
  // --ipc and --deal_modes describe the need (soft, ranked), not hard
  // filters; the remaining filter flags do filter.
  v1::PatentFilter* filter = req.mutable_filter();
  if (absl::Status s =
          EnumListFromArgs(args, "types", v1::PatentType_descriptor(),
                           filter->mutable_patent_types());
      !s.ok()) {
    return UsageFailure(s);
  }
  auto open_only = args.GetBool("open_licence_only");
  if (!open_only.ok()) return UsageFailure(open_only.status());
  filter->set_open_licence_only(*open_only);
  auto stub = v1::MatchService::NewStub(conn.channel());
  v1::SuggestResponse resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->SuggestForText(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  return PrintSuggestions(conn, resp);
}

int Patent(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  auto top = TopK(args);
  if (!top.ok()) return UsageFailure(top.status());
  v1::MatchDemandsForPatentRequest req;
  req.set_patent_id(args.positional()[0]);
  req.set_top_k(*top);
  auto stub = v1::MatchService::NewStub(conn.channel());
  v1::MatchDemandsForPatentResponse resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->MatchDemandsForPatent(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    for (const auto& m : resp.matches()) PrintJson(m);
  } else {
    PrintDemandMatches(resp);
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> MatchCommands() {
  std::vector<std::string> demand_flags = kFilterFlags;
  demand_flags.push_back("top");
  return {
      {"match", "demand",
       "DEMAND_ID [--top=10] [--deal_modes --types --owner_kinds --districts "
       "--industries --ipc --open_licence_only --include_inactive]",
       "Best patents for a stored need, with explanations", demand_flags,
       &Demand},
      {"match",
       "text",
       "\"free text\" [--top=10 --ipc=H01M --industry=X "
       "--deal_modes=licence_open --budget_max=YUAN --district=D "
       "--keywords=a,b --types=invention --open_licence_only]",
       "Best patents for a need typed in ad hoc",
       {"top", "ipc", "industry", "deal_modes", "budget_max", "district",
        "keywords", "types", "open_licence_only"},
       &Text},
      {"match",
       "patent",
       "PATENT_ID [--top=10]",
       "Reverse match: open needs a patent fits",
       {"top"},
       &Patent},
  };
}

}  // namespace patentmatch::cli
