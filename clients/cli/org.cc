// `patentmatch org ...`: register, show and list organisations (the
// universities, institutes and companies behind patents and needs).
#include "absl/strings/str_cat.h"
#include "clients/cli/cli.h"
#include "clients/cli/output.h"
#include "google/protobuf/util/json_util.h"
#include "patentmatch/v1/patentmatch.grpc.pb.h"

namespace patentmatch::cli {
namespace {

using v1::Organisation;

absl::Status OrgFromFlags(const Args& args, Organisation& org) {
  org.set_id(args.Get("id"));
  org.set_name(args.Get("name"));
  org.set_credit_code(args.Get("credit_code"));
  if (args.Has("kind")) {
    auto k = ParseEnum(v1::OrganisationKind_descriptor(), args.Get("kind"));
    if (!k.ok()) return k.status();
    org.set_kind(static_cast<v1::OrganisationKind>(*k));
  }
  if (args.Has("district")) {
    auto d = ParseEnum(v1::District_descriptor(), args.Get("district"));
    if (!d.ok()) return d.status();
    org.set_district(static_cast<v1::District>(*d));
  }
  for (const char* name :
       {"high_tech", "specialised", "incubation", "sample"}) {
    auto b = args.GetBool(name);
    if (!b.ok()) return b.status();
    if (std::string(name) == "high_tech") org.set_high_tech(*b);
    if (std::string(name) == "specialised")
      org.set_specialised_sophisticated(*b);
    if (std::string(name) == "incubation") org.set_incubation_pool(*b);
    if (std::string(name) == "sample") org.set_sample(*b);
  }
  for (auto& i : args.GetList("industries")) org.add_industries(i);
  if (org.name().empty()) return UsageError("--name is required (or --file)");
  return absl::OkStatus();
}

// Returns true when the server accepted the organisation.
bool RegisterOne(Connection& conn, v1::OrganisationService::Stub& stub,
                 const Organisation& org, const std::string& where) {
  v1::RegisterOrganisationRequest req;
  *req.mutable_organisation() = org;
  Organisation resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub.RegisterOrganisation(ctx.get(), req, &resp);
  if (!s.ok()) {
    ReportRpcError(s, where);
    return false;
  }
  if (conn.options().json) {
    PrintJson(resp);
  } else {
    std::printf("%s%sregistered %s  %s\n", where.c_str(),
                where.empty() ? "" : ": ", resp.id().c_str(),
                resp.name().c_str());
  }
  return true;
}

int Register(Connection& conn, const Args& args) {
  auto stub = v1::OrganisationService::NewStub(conn.channel());
  if (!args.Has("file")) {
    Organisation org;
    if (absl::Status s = OrgFromFlags(args, org); !s.ok()) {
      std::fprintf(stderr, "error: %s\n", std::string(s.message()).c_str());
      return kExitUsage;
    }
    return RegisterOne(conn, *stub, org, "") ? kExitOk : kExitFailure;
  }
  const std::string path = args.Get("file");
  auto records = ReadJsonRecords(path, Organisation());
  if (!records.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 std::string(records.status().message()).c_str());
    return kExitFailure;
  }
  int ok = 0, failed = 0;
  for (const auto& rec : *records) {
    std::string where = absl::StrCat(path, ":", rec.line);
    Organisation org;
    auto parsed = google::protobuf::util::JsonStringToMessage(rec.json, &org);
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s: %s\n", where.c_str(),
                   std::string(parsed.message()).c_str());
      ++failed;
      continue;
    }
    if (RegisterOne(conn, *stub, org, where)) {
      ++ok;
    } else {
      ++failed;
    }
  }
  std::fprintf(stderr, "%s: %d registered, %d failed\n", path.c_str(), ok,
               failed);
  return failed == 0 ? kExitOk : kExitFailure;
}

int Get(Connection& conn, const Args& args) {
  if (args.positional().size() != 1) return kExitUsage;
  auto stub = v1::OrganisationService::NewStub(conn.channel());
  v1::GetOrganisationRequest req;
  req.set_id(args.positional()[0]);
  Organisation resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->GetOrganisation(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    PrintJson(resp);
  } else {
    PrintOrganisation(resp);
  }
  return kExitOk;
}

int List(Connection& conn, const Args& args) {
  if (!args.positional().empty()) return kExitUsage;
  v1::ListOrganisationsRequest req;
  if (args.Has("kind")) {
    auto k = ParseEnum(v1::OrganisationKind_descriptor(), args.Get("kind"));
    if (!k.ok()) {
      std::fprintf(stderr, "error: --kind: %s\n",
                   std::string(k.status().message()).c_str());
      return kExitUsage;
    }
    req.set_kind(static_cast<v1::OrganisationKind>(*k));
  }
  if (args.Has("district")) {
    auto d = ParseEnum(v1::District_descriptor(), args.Get("district"));
    if (!d.ok()) {
      std::fprintf(stderr, "error: --district: %s\n",
                   std::string(d.status().message()).c_str());
      return kExitUsage;
    }
    req.set_district(static_cast<v1::District>(*d));
  }
  auto page_size = args.GetInt("page_size", 0);
  if (!page_size.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 std::string(page_size.status().message()).c_str());
    return kExitUsage;
  }
  req.set_page_size(static_cast<int32_t>(*page_size));
  req.set_page_token(args.Get("page_token"));
  auto stub = v1::OrganisationService::NewStub(conn.channel());
  v1::ListOrganisationsResponse resp;
  auto ctx = conn.NewContext();
  grpc::Status s = stub->ListOrganisations(ctx.get(), req, &resp);
  if (!s.ok()) return ReportRpcError(s);
  if (conn.options().json) {
    for (const auto& o : resp.organisations()) PrintJson(o);
    if (!resp.next_page_token().empty()) {
      std::fprintf(stderr, "next_page_token: %s\n",
                   resp.next_page_token().c_str());
    }
    return kExitOk;
  }
  Table t({"id", "kind", "district", "flags", "name"});
  for (const auto& o : resp.organisations()) {
    std::string flags;
    if (o.high_tech()) flags += "H";
    if (o.specialised_sophisticated()) flags += "S";
    if (o.incubation_pool()) flags += "I";
    if (o.sample()) flags += "*";
    t.AddRow({o.id(), EnumLabel(v1::OrganisationKind_descriptor(), o.kind()),
              EnumLabel(v1::District_descriptor(), o.district()),
              flags.empty() ? "-" : flags, o.name()});
  }
  t.Print();
  std::printf(
      "(flags: H high-tech, S specialised, I incubation pool, * sample)\n");
  if (!resp.next_page_token().empty()) {
    std::printf("more: --page_token=%s\n", resp.next_page_token().c_str());
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> OrgCommands() {
  return {
      {"org",
       "register",
       "--file=orgs.jsonl | --name=NAME [--id --kind --district --high_tech "
       "--specialised --incubation --industries=a,b --credit_code]",
       "Register organisations (protobuf JSON, one per line) or one from flags",
       {"file", "id", "name", "kind", "district", "high_tech", "specialised",
        "incubation", "industries", "credit_code", "sample"},
       &Register},
      {"org", "get", "ID", "Show one organisation", {}, &Get},
      {"org",
       "list",
       "[--kind=university --district=pengjiang --page_size=N --page_token=T]",
       "List organisations",
       {"kind", "district", "page_size", "page_token"},
       &List},
  };
}

}  // namespace patentmatch::cli
