// `patentmatch token ...`: administrators issue, list and revoke bearer
// tokens; anyone checks whom a token belongs to. A new token is printed once:
// the server keeps only its hash.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/cli.h"
#include "clients/cli/filter.h"
#include "clients/cli/output.h"
#include "patentmatch/v1/access.grpc.pb.h"

namespace patentmatch::cli {
namespace {

std::string ScopeLabel(const v1::Account& a) {
  std::vector<std::string> parts;
  if (!a.organisation_id().empty()) parts.push_back(a.organisation_id());
  if (a.industries_size() > 0) {
    parts.push_back(absl::StrJoin(a.industries(), "|"));
  }
  if (a.districts_size() > 0) {
    std::vector<std::string> d;
    for (int v : a.districts()) {
      d.push_back(EnumLabel(v1::District_descriptor(), v));
    }
    parts.push_back(absl::StrJoin(d, "|"));
  }
  if (parts.empty() && a.role() == v1::COMMISSIONER) return "whole city";
  return parts.empty() ? "-" : absl::StrJoin(parts, " ");
}

void PrintAccounts(const Connection& conn,
                   const std::vector<v1::Account>& accounts) {
  if (conn.options().json) {
    for (const auto& a : accounts) PrintJson(a);
    return;
  }
  Table table({"ID", "ROLE", "SCOPE", "REVOKED", "NAME"});
  for (const auto& a : accounts) {
    table.AddRow({a.id(), EnumLabel(v1::Role_descriptor(), a.role()),
                  ScopeLabel(a), a.revoked() ? "yes" : "no", a.name()});
  }
  table.Print();
}

int Issue(Connection& conn, const Args& args) {
  if (!args.positional().empty()) return kExitUsage;
  v1::IssueTokenRequest req;
  req.set_name(args.Get("name"));
  auto role = ParseEnum(v1::Role_descriptor(), args.Get("role"));
  if (!role.ok()) return UsageFailure(role.status());
  req.set_role(static_cast<v1::Role>(*role));
  if (req.role() == v1::ORGANISATION_MEMBER && !args.Has("org")) {
    return UsageFailure(UsageError(
        "--role=member needs --org=ORG_ID (the organisation it acts for)"));
  }
  req.set_organisation_id(args.Get("org"));
  for (auto& i : args.GetList("industries")) req.add_industries(i);
  if (absl::Status s =
          EnumListFromArgs(args, "districts", v1::District_descriptor(),
                           req.mutable_districts());
      !s.ok()) {
    return UsageFailure(s);
  }
  auto stub = v1::AccessService::NewStub(conn.channel());
  v1::IssueTokenResponse resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->IssueToken(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
    return kExitOk;
  }
  // The token alone on stdout, so `patentmatch token issue ... > file` works;
  // what it is goes to stderr.
  std::fprintf(stderr, "issued %s: %s (%s); the token is shown once:\n",
               resp.account().id().c_str(),
               EnumLabel(v1::Role_descriptor(), resp.account().role()).c_str(),
               ScopeLabel(resp.account()).c_str());
  std::printf("%s\n", resp.token().c_str());
  return kExitOk;
}

int Revoke(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  auto stub = v1::AccessService::NewStub(conn.channel());
  v1::RevokeTokenRequest req;
  req.set_account_id(args.positional()[0]);
  v1::Account resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->RevokeToken(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  PrintAccounts(conn, {resp});
  return kExitOk;
}

int List(Connection& conn, const Args& args) {
  if (!args.positional().empty()) return kExitUsage;
  auto all = args.GetBool("all");
  if (!all.ok()) return UsageFailure(all.status());
  auto stub = v1::AccessService::NewStub(conn.channel());
  v1::ListAccountsRequest req;
  req.set_include_revoked(*all);
  req.set_page_size(1000);
  std::vector<v1::Account> accounts;
  do {
    v1::ListAccountsResponse resp;
    auto ctx = conn.NewContext();
    grpc::Status s = stub->ListAccounts(ctx.get(), req, &resp);
    if (!s.ok()) return ReportRpcError(s);
    accounts.insert(accounts.end(), resp.accounts().begin(),
                    resp.accounts().end());
    req.set_page_token(resp.next_page_token());
  } while (!req.page_token().empty());
  PrintAccounts(conn, accounts);
  return kExitOk;
}

int WhoAmI(Connection& conn, const Args& args) {
  if (!args.positional().empty()) return kExitUsage;
  auto stub = v1::AccessService::NewStub(conn.channel());
  v1::Account resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->WhoAmI(ctx.get(), v1::WhoAmIRequest(), &resp);
  if (!s.ok()) return ReportRpcError(s);
  PrintAccounts(conn, {resp});
  return kExitOk;
}

}  // namespace

std::vector<Command> TokenCommands() {
  return {
      {"token",
       "issue",
       "--role=administrator|commissioner|member --name=NAME [--org=ID] "
       "[--industries=A,B] [--districts=xinhui,...]",
       "Issue a bearer token (administrators); printed once on stdout",
       {"role", "name", "org", "industries", "districts"},
       Issue},
      {"token",
       "revoke",
       "ACCOUNT_ID",
       "Revoke an account's token (administrators)",
       {},
       Revoke},
      {"token",
       "list",
       "[--all]",
       "List accounts (administrators); --all includes revoked ones",
       {"all"},
       List},
      {"token",
       "whoami",
       "",
       "Show the account this token belongs to",
       {},
       WhoAmI},
  };
}

}  // namespace patentmatch::cli
