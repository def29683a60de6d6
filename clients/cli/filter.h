// Command-line flags for PatentFilter, shared by `patent search` and the
// `match` commands so that both accept the same filter spelling.
#ifndef PATENTMATCH_CLIENTS_CLI_FILTER_H_
#define PATENTMATCH_CLIENTS_CLI_FILTER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/cli/cli.h"
#include "patentmatch/v1/patentmatch.pb.h"

namespace patentmatch::cli {

// --deal_modes --types --owner_kinds --districts --industries --ipc
// --open_licence_only --include_inactive
extern const std::vector<std::string> kFilterFlags;

absl::Status FilterFromArgs(const Args& args, v1::PatentFilter& filter);

// Parses a comma-separated enum list flag into `out`.
absl::Status EnumListFromArgs(const Args& args, const std::string& flag,
                              const google::protobuf::EnumDescriptor* desc,
                              google::protobuf::RepeatedField<int>* out);

// Prints a usage error for `status` and returns kExitUsage.
int UsageFailure(const absl::Status& status);

}  // namespace patentmatch::cli

#endif  // PATENTMATCH_CLIENTS_CLI_FILTER_H_
