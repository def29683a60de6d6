// `patentmatch patent ...`: list, update, show, withdraw, search and bulk
// import patent listings (the supply side).
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/cli/cli.h"
#include "clients/cli/filter.h"
#include "clients/cli/importer.h"
#include "clients/cli/output.h"
#include "google/protobuf/util/json_util.h"
#include "patentmatch/v1/patentmatch.grpc.pb.h"

namespace patentmatch::cli {
namespace {

using v1::PatentListing;

// Create and update read the same files: one JSON object, or JSON Lines.
int WriteListings(Connection& conn, const Args& args, bool update) {
  if (!args.Has("file") || !args.positional().empty()) return kExitUsage;
  const std::string path = args.Get("file");
  auto records = ReadJsonRecords(path, PatentListing());
  if (!records.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 std::string(records.status().message()).c_str());
    return kExitFailure;
  }
  auto stub = v1::PatentService::NewStub(conn.channel());
  int failed = 0;
  for (const auto& rec : *records) {
    const std::string where = absl::StrCat(path, ":", rec.line);
    PatentListing listing;
    auto parsed =
        google::protobuf::util::JsonStringToMessage(rec.json, &listing);
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s: %s\n", where.c_str(),
                   std::string(parsed.message()).c_str());
      ++failed;
      continue;
    }
    PatentListing resp;
    auto ctx = conn.NewContext();
    grpc::Status s;
    if (update) {
      v1::UpdatePatentRequest req;
      *req.mutable_listing() = std::move(listing);
      s = stub->UpdatePatent(ctx.get(), req, &resp);
    } else {
      v1::CreatePatentRequest req;
      *req.mutable_listing() = std::move(listing);
      s = stub->CreatePatent(ctx.get(), req, &resp);
    }
    if (!s.ok()) {
      ReportRpcError(s, where);
      ++failed;
      continue;
    }
    if (conn.options().json) {
      PrintJson(resp);
    } else {
      std::printf("%s %s  %s\n", update ? "updated" : "created",
                  resp.id().c_str(), resp.title().c_str());
    }
  }
  return failed == 0 ? kExitOk : kExitFailure;
}

int Create(Connection& conn, const Args& args) {
  return WriteListings(conn, args, /*update=*/false);
}
int Update(Connection& conn, const Args& args) {
  return WriteListings(conn, args, /*update=*/true);
}

int Get(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  auto stub = v1::PatentService::NewStub(conn.channel());
  v1::GetPatentRequest req;
  req.set_id(args.positional()[0]);
  PatentListing resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->GetPatent(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
  } else {
    PrintListing(resp);
  }
  return kExitOk;
}

int Withdraw(Connection& conn, const Args& args) {
  if (args.positional().size() != 1 || !args.Has("reason")) return kExitUsage;
  auto reason =
      ParseEnum(v1::WithdrawalReason_descriptor(), args.Get("reason"));
  if (!reason.ok()) return UsageFailure(reason.status());
  v1::WithdrawPatentRequest req;
  req.set_id(args.positional()[0]);
  req.set_reason(static_cast<v1::WithdrawalReason>(*reason));
  req.set_note(args.Get("note"));
  auto stub = v1::PatentService::NewStub(conn.channel());
  PatentListing resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->WithdrawPatent(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
  } else {
    std::printf(
        "withdrawn %s (%s)\n", resp.id().c_str(),
        EnumLabel(v1::WithdrawalReason_descriptor(), resp.withdrawal_reason())
            .c_str());
  }
  return kExitOk;
}

int Search(Connection& conn, const Args& args) {
  if (args.positional().size() > 1) return kExitUsage;
  v1::SearchPatentsRequest req;
  if (!args.positional().empty()) req.set_query(args.positional()[0]);
  if (absl::Status s = FilterFromArgs(args, *req.mutable_filter()); !s.ok()) {
    return UsageFailure(s);
  }
  auto page_size = args.GetInt("page_size", 0);
  if (!page_size.ok()) return UsageFailure(page_size.status());
  req.set_page_size(static_cast<int32_t>(*page_size));
  req.set_page_token(args.Get("page_token"));
  auto stub = v1::PatentService::NewStub(conn.channel());
  v1::SearchPatentsResponse resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->SearchPatents(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    for (const auto& h : resp.hits()) PrintJson(h);
    if (!resp.next_page_token().empty()) {
      std::fprintf(stderr, "next_page_token: %s\n",
                   resp.next_page_token().c_str());
    }
    return kExitOk;
  }
  Table t({"#", "relevance", "id", "type", "IPC", "title"});
  int n = 0;
  for (const auto& h : resp.hits()) {
    const auto& p = h.listing();
    std::string ipc = p.ipc_codes_size() > 0 ? p.ipc_codes(0) : "-";
    if (p.ipc_codes_size() > 1)
      absl::StrAppend(&ipc, " +", p.ipc_codes_size() - 1);
    t.AddRow({absl::StrCat(++n), absl::StrFormat("%.3f", h.relevance()), p.id(),
              EnumLabel(v1::PatentType_descriptor(), p.patent_type()), ipc,
              p.title().empty() ? p.abstract() : p.title()});
  }
  t.Print();
  std::printf("%d shown of about %lld\n", resp.hits_size(),
              static_cast<long long>(resp.total_estimate()));
  if (!resp.next_page_token().empty()) {
    std::printf("more: --page_token=%s\n", resp.next_page_token().c_str());
  }
  return kExitOk;
}

int Import(Connection& conn, const Args& args) {
  if (args.positional().empty()) return kExitUsage;
  auto batch = args.GetInt("batch", 1000);
  if (!batch.ok()) return UsageFailure(batch.status());
  if (*batch <= 0) return UsageFailure(UsageError("--batch must be positive"));
  ImportOptions options;
  options.batch = *batch;
  options.show_progress = !args.Has("quiet");
  bool failed = false;
  bool rejected = false;
  for (const auto& path : args.positional()) {
    ImportFileResult r = ImportFile(conn, path, options);
    failed = failed || r.read_failed || !r.rpc_status.ok();
    rejected = rejected || r.rejected > 0;
    if (r.read_failed) continue;
    if (conn.options().json) {
      // ImportPatentsResponse has no file name; print it as a small object.
      v1::ImportPatentsResponse summary;
      summary.set_received(static_cast<int32_t>(r.received));
      summary.set_created(static_cast<int32_t>(r.created));
      summary.set_updated(static_cast<int32_t>(r.updated));
      summary.set_rejected(static_cast<int32_t>(r.rejected));
      PrintJson(summary);
    } else {
      std::printf(
          "%s: %lld received, %lld created, %lld updated, %lld rejected "
          "(%lld by the reader), %lld warnings, %.1f s%s\n",
          path.c_str(), static_cast<long long>(r.received),
          static_cast<long long>(r.created), static_cast<long long>(r.updated),
          static_cast<long long>(r.rejected),
          static_cast<long long>(r.rejected_local),
          static_cast<long long>(r.warnings), r.seconds,
          r.rpc_status.ok() ? "" : " (stopped: server error)");
    }
    if (!r.rpc_status.ok() &&
        r.rpc_status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      break;  // no server: the other files would fail the same way
    }
  }
  if (failed) return kExitFailure;
  return rejected ? kExitSomeRejected : kExitOk;
}

}  // namespace

std::vector<Command> PatentCommands() {
  std::vector<std::string> search_flags = kFilterFlags;
  search_flags.insert(search_flags.end(), {"page_size", "page_token"});
  return {
      {"patent",
       "create",
       "--file=listing.json",
       "List new patents (protobuf JSON PatentListing; one object or JSON "
       "Lines)",
       {"file"},
       &Create},
      {"patent",
       "update",
       "--file=listing.json",
       "Replace existing listings (same file format as create)",
       {"file"},
       &Update},
      {"patent", "get", "ID", "Show one listing", {}, &Get},
      {"patent",
       "withdraw",
       "ID "
       "--reason=lapsed|open_licence_withdrawn|holder_request|deal_completed "
       "[--note=TEXT]",
       "Take a listing off offer",
       {"reason", "note"},
       &Withdraw},
      {"patent", "search",
       "[\"text\"] [--deal_modes=licence_open,transfer --types=invention "
       "--owner_kinds=university --districts=pengjiang --industries=a,b "
       "--ipc=H01M --open_licence_only --include_inactive --page_size=N "
       "--page_token=T]",
       "Full-text search with filters", search_flags, &Search},
      {"patent",
       "import",
       "FILE... [--batch=1000] [--quiet]",
       "Bulk import CSV (UTF-8/GB18030) or JSON Lines exports; bad rows are "
       "reported as FILE:LINE: field: message and the good ones kept; exit "
       "0 all kept, 3 some rejected, 1 a file or the server failed",
       {"batch", "quiet"},
       &Import},
  };
}

}  // namespace patentmatch::cli
