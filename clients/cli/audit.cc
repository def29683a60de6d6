// `patentmatch audit`: who changed what, when — the audit trail, by entity,
// actor and time (administrators and commissioners).
#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clients/cli/cli.h"
#include "clients/cli/filter.h"
#include "clients/cli/output.h"
#include "patentmatch/v1/audit.grpc.pb.h"

namespace patentmatch::cli {
namespace {

// Unix seconds, or a UTC date YYYY-MM-DD.
absl::StatusOr<int64_t> ParseTime(const Args& args, const std::string& flag) {
  if (!args.Has(flag)) return 0;
  const std::string text = args.Get(flag);
  int64_t unix = 0;
  if (absl::SimpleAtoi(text, &unix)) return unix;
  absl::CivilDay day;
  if (absl::ParseCivilTime(text, &day)) {
    return absl::ToUnixSeconds(absl::FromCivil(day, absl::UTCTimeZone()));
  }
  return UsageError(absl::StrCat(
      "--", flag, " wants YYYY-MM-DD or unix seconds, got '", text, "'"));
}

int Query(Connection& conn, const Args& args) {
  if (!args.positional().empty()) return kExitUsage;
  v1::QueryAuditLogRequest req;
  req.set_entity_kind(args.Get("kind"));
  req.set_entity_id(args.Get("id"));
  req.set_actor_id(args.Get("actor"));
  auto since = ParseTime(args, "since");
  if (!since.ok()) return UsageFailure(since.status());
  auto until = ParseTime(args, "until");
  if (!until.ok()) return UsageFailure(until.status());
  req.set_since_unix(*since);
  req.set_until_unix(*until);
  auto limit = args.GetInt("limit", 100);
  if (!limit.ok()) return UsageFailure(limit.status());
  req.set_page_size(static_cast<int>(*limit));
  req.set_page_token(args.Get("page_token"));
  auto stub = v1::AuditService::NewStub(conn.channel());
  v1::QueryAuditLogResponse resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->QueryAuditLog(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    for (const auto& r : resp.records()) PrintJson(r);
  } else {
    // The action goes last: the table cuts the last column to the terminal.
    Table table({"SEQ", "TIME (UTC)", "ACTOR", "ROLE", "ENTITY", "ACTION"});
    for (const auto& r : resp.records()) {
      table.AddRow({absl::StrCat(r.seq()),
                    absl::FormatTime("%Y-%m-%d %H:%M:%S",
                                     absl::FromUnixSeconds(r.at_unix()),
                                     absl::UTCTimeZone()),
                    r.actor_id(),
                    EnumLabel(v1::Role_descriptor(), r.actor_role()),
                    absl::StrCat(r.entity_kind(), " ", r.entity_id(),
                                 r.before_json().empty() ? " (created)" : ""),
                    r.action()});
    }
    table.Print();
  }
  if (!resp.next_page_token().empty()) {
    std::fprintf(stderr, "more: --page_token=%s\n",
                 resp.next_page_token().c_str());
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> AuditCommands() {
  return {
      {"audit",
       "",
       "[--kind=suggestion --id=ID] [--actor=ACCOUNT_ID] "
       "[--since=YYYY-MM-DD] [--until=YYYY-MM-DD] [--limit=100]",
       "Who changed what and when (--json for before/after)",
       {"kind", "id", "actor", "since", "until", "limit", "page_token"},
       Query},
  };
}

}  // namespace patentmatch::cli
