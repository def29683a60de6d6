// `patentmatch demand ...`: submit, update, show, list and close companies'
// technology needs (the demand side).
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "clients/cli/cli.h"
#include "clients/cli/filter.h"
#include "clients/cli/output.h"
#include "google/protobuf/util/json_util.h"
#include "patentmatch/v1/patentmatch.grpc.pb.h"

namespace patentmatch::cli {
namespace {

using v1::Demand;

absl::Status DemandFromFlags(const Args& args, Demand& d) {
  d.set_organisation_id(args.Get("org"));
  d.set_title(args.Get("title"));
  d.set_description(args.Get("description"));
  d.set_industry(args.Get("industry"));
  d.set_deadline(args.Get("deadline"));
  for (auto& i : args.GetList("ipc")) d.add_ipc_hints(i);
  for (auto& k : args.GetList("keywords")) d.add_keywords(k);
  if (absl::Status s =
          EnumListFromArgs(args, "deal_modes", v1::DealMode_descriptor(),
                           d.mutable_deal_modes());
      !s.ok()) {
    return s;
  }
  auto min = args.GetInt("budget_min", 0);
  if (!min.ok()) return min.status();
  auto max = args.GetInt("budget_max", 0);
  if (!max.ok()) return max.status();
  if (*min || *max) {
    d.mutable_budget()->set_min_yuan(*min);
    d.mutable_budget()->set_max_yuan(*max);
  }
  auto sample = args.GetBool("sample");
  if (!sample.ok()) return sample.status();
  d.set_sample(*sample);
  if (d.organisation_id().empty() || d.title().empty()) {
    return UsageError("--org and --title are required (or --file)");
  }
  return absl::OkStatus();
}

void PrintWritten(const Connection& conn, const Demand& d, const char* verb,
                  const std::string& where) {
  if (conn.options().json) {
    PrintJson(d);
  } else {
    std::printf("%s%s%s %s  %s\n", where.c_str(), where.empty() ? "" : ": ",
                verb, d.id().c_str(), d.title().c_str());
  }
}

int Write(Connection& conn, const Args& args, bool update) {
  auto stub = v1::DemandService::NewStub(conn.channel());
  auto send = [&](Demand d, const std::string& where) {
    Demand resp;
    auto ctx = conn.NewContext();
    grpc::Status s;
    if (update) {
      v1::UpdateDemandRequest req;
      *req.mutable_demand() = std::move(d);
      s = stub->UpdateDemand(ctx.get(), req, &resp);
    } else {
      v1::SubmitDemandRequest req;
      *req.mutable_demand() = std::move(d);
      s = stub->SubmitDemand(ctx.get(), req, &resp);
    }
    if (!s.ok()) {
      ReportRpcError(s, where);
      return false;
    }
    PrintWritten(conn, resp, update ? "updated" : "submitted", where);
    return true;
  };
  if (!args.positional().empty()) return kExitUsage;
  if (!args.Has("file")) {
    if (update) return UsageFailure(UsageError("update needs --file"));
    Demand d;
    if (absl::Status s = DemandFromFlags(args, d); !s.ok()) {
      return UsageFailure(s);
    }
    return send(std::move(d), "") ? kExitOk : kExitFailure;
  }
  const std::string path = args.Get("file");
  auto records = ReadJsonRecords(path, Demand());
  if (!records.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 std::string(records.status().message()).c_str());
    return kExitFailure;
  }
  int ok = 0, failed = 0;
  for (const auto& rec : *records) {
    const std::string where = absl::StrCat(path, ":", rec.line);
    Demand d;
    auto parsed = google::protobuf::util::JsonStringToMessage(rec.json, &d);
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s: %s\n", where.c_str(),
                   std::string(parsed.message()).c_str());
      ++failed;
      continue;
    }
    if (send(std::move(d), where)) {
      ++ok;
    } else {
      ++failed;
    }
  }
  std::fprintf(stderr, "%s: %d %s, %d failed\n", path.c_str(), ok,
               update ? "updated" : "submitted", failed);
  return failed == 0 ? kExitOk : kExitFailure;
}

int Submit(Connection& conn, const Args& args) {
  return Write(conn, args, false);
}
int Update(Connection& conn, const Args& args) {
  return Write(conn, args, true);
}

int Get(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  auto stub = v1::DemandService::NewStub(conn.channel());
  v1::GetDemandRequest req;
  req.set_id(args.positional()[0]);
  Demand resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->GetDemand(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
  } else {
    PrintDemand(resp);
  }
  return kExitOk;
}

int List(Connection& conn, const Args& args) {
  if (!args.positional().empty()) return kExitUsage;
  v1::ListDemandsRequest req;
  req.set_organisation_id(args.Get("org"));
  req.set_industry(args.Get("industry"));
  if (args.Has("status")) {
    auto st = ParseEnum(v1::DemandStatus_descriptor(), args.Get("status"));
    if (!st.ok()) return UsageFailure(st.status());
    req.set_status(static_cast<v1::DemandStatus>(*st));
  }
  if (args.Has("district")) {
    auto d = ParseEnum(v1::District_descriptor(), args.Get("district"));
    if (!d.ok()) return UsageFailure(d.status());
    req.set_district(static_cast<v1::District>(*d));
  }
  auto page_size = args.GetInt("page_size", 0);
  if (!page_size.ok()) return UsageFailure(page_size.status());
  req.set_page_size(static_cast<int32_t>(*page_size));
  req.set_page_token(args.Get("page_token"));
  auto stub = v1::DemandService::NewStub(conn.channel());
  v1::ListDemandsResponse resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->ListDemands(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    for (const auto& d : resp.demands()) PrintJson(d);
    if (!resp.next_page_token().empty()) {
      std::fprintf(stderr, "next_page_token: %s\n",
                   resp.next_page_token().c_str());
    }
    return kExitOk;
  }
  Table t({"id", "status", "organisation", "industry", "district", "title"});
  for (const auto& d : resp.demands()) {
    t.AddRow({d.id(), EnumLabel(v1::DemandStatus_descriptor(), d.status()),
              d.organisation_id(), d.industry().empty() ? "-" : d.industry(),
              EnumLabel(v1::District_descriptor(), d.district()),
              absl::StrCat(d.sample() ? "[sample] " : "", d.title())});
  }
  t.Print();
  if (!resp.next_page_token().empty()) {
    std::printf("more: --page_token=%s\n", resp.next_page_token().c_str());
  }
  return kExitOk;
}

int Close(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  v1::CloseDemandRequest req;
  req.set_id(args.positional()[0]);
  req.set_reason(args.Get("reason"));
  auto stub = v1::DemandService::NewStub(conn.channel());
  Demand resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->CloseDemand(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  PrintWritten(conn, resp, "closed", "");
  return kExitOk;
}

}  // namespace

std::vector<Command> DemandCommands() {
  return {
      {"demand",
       "submit",
       "--file=needs.jsonl | --org=ORG --title=TEXT [--description --industry "
       "--deal_modes=licence_open,transfer --budget_min --budget_max "
       "--deadline=YYYY-MM-DD --ipc=H01M --keywords=a,b]",
       "Submit needs (protobuf JSON Demand per line) or one from flags; "
       "prints the assigned ids",
       {"file", "org", "title", "description", "industry", "deal_modes",
        "budget_min", "budget_max", "deadline", "ipc", "keywords", "sample"},
       &Submit},
      {"demand",
       "update",
       "--file=needs.jsonl",
       "Replace stored needs (ids in the file)",
       {"file"},
       &Update},
      {"demand", "get", "ID", "Show one need", {}, &Get},
      {"demand",
       "list",
       "[--org=ORG --status=open|closed --industry=X --district=D "
       "--page_size=N --page_token=T]",
       "List needs",
       {"org", "status", "industry", "district", "page_size", "page_token"},
       &List},
      {"demand",
       "close",
       "ID --reason=TEXT",
       "Close a need",
       {"reason"},
       &Close},
  };
}

}  // namespace patentmatch::cli
