// PatentFilter from command-line flags; see filter.h.
#include "clients/cli/filter.h"

#include <cstdio>

#include "absl/strings/str_cat.h"

namespace patentmatch::cli {

const std::vector<std::string> kFilterFlags = {
    "deal_modes", "types", "owner_kinds",       "districts",
    "industries", "ipc",   "open_licence_only", "include_inactive"};

absl::Status EnumListFromArgs(const Args& args, const std::string& flag,
                              const google::protobuf::EnumDescriptor* desc,
                              google::protobuf::RepeatedField<int>* out) {
  for (const auto& word : args.GetList(flag)) {
    auto v = ParseEnum(desc, word);
    if (!v.ok()) {
      return UsageError(absl::StrCat("--", flag, ": ", v.status().message()));
    }
    out->Add(*v);
  }
  return absl::OkStatus();
}

absl::Status FilterFromArgs(const Args& args, v1::PatentFilter& filter) {
  absl::Status s;
  if (!(s = EnumListFromArgs(args, "deal_modes", v1::DealMode_descriptor(),
                             filter.mutable_deal_modes()))
           .ok() ||
      !(s = EnumListFromArgs(args, "types", v1::PatentType_descriptor(),
                             filter.mutable_patent_types()))
           .ok() ||
      !(s = EnumListFromArgs(args, "owner_kinds",
                             v1::OrganisationKind_descriptor(),
                             filter.mutable_owner_kinds()))
           .ok() ||
      !(s = EnumListFromArgs(args, "districts", v1::District_descriptor(),
                             filter.mutable_owner_districts()))
           .ok()) {
    return s;
  }
  for (auto& i : args.GetList("industries")) filter.add_industry_tags(i);
  for (auto& i : args.GetList("ipc")) filter.add_ipc_prefixes(i);
  auto open_only = args.GetBool("open_licence_only");
  if (!open_only.ok()) return open_only.status();
  filter.set_open_licence_only(*open_only);
  auto inactive = args.GetBool("include_inactive");
  if (!inactive.ok()) return inactive.status();
  filter.set_include_inactive(*inactive);
  return absl::OkStatus();
}

int UsageFailure(const absl::Status& status) {
  std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
  return kExitUsage;
}

}  // namespace patentmatch::cli
