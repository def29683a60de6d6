// Shared pieces of the `patentmatch` command-line client: the parsed command
// line, the connection to the server, and the command table that main.cc
// dispatches on. Each service group lives in its own file (org.cc,
// patent.cc, demand.cc, match.cc, health.cc, eval.cc, event.cc) and
// registers its commands through one `...Commands()` function declared here.
#ifndef PATENTMATCH_CLIENTS_CLI_CLI_H_
#define PATENTMATCH_CLIENTS_CLI_CLI_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace patentmatch::cli {

// Exit codes: scripts (deploy/demo.sh) tell usage mistakes from failures.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
// An import ran, but some records were rejected (each was reported).
inline constexpr int kExitSomeRejected = 3;

// Options that apply to every command. They may appear before the group or
// anywhere after it (`patentmatch patent get X --json` works too).
struct GlobalOptions {
  std::string server = "127.0.0.1:50051";
  int64_t deadline_ms = 10000;
  bool json = false;
  // Bearer token sent with every call: --token, else $PATENTMATCH_TOKEN,
  // else the first line of --token_file / $PATENTMATCH_TOKEN_FILE.
  std::string token;
  std::string token_file;
  // TLS: trust this CA (PEM). Empty: plaintext.
  std::string ca_file;
};

// The words and flags after `<group> <command>`. Flags are `--name=value`,
// `--name value` or a bare `--name` (boolean); everything else is
// positional. `--` ends flag parsing.
class Args {
 public:
  // Splits words into flags and positional arguments. Which flags a command
  // accepts is checked by CheckAllowed().
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& words);

  const std::vector<std::string>& positional() const { return positional_; }
  bool Has(const std::string& name) const { return flags_.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& def = "") const;
  absl::StatusOr<int64_t> GetInt(const std::string& name, int64_t def) const;
  absl::StatusOr<bool> GetBool(const std::string& name) const;
  // Comma-separated list; empty when the flag is absent.
  std::vector<std::string> GetList(const std::string& name) const;
  // Fails naming the first flag not in `allowed`.
  absl::Status CheckAllowed(const std::vector<std::string>& allowed) const;
  // Takes the global flags out of the map and applies them to `opts`.
  absl::Status ExtractGlobals(GlobalOptions& opts);

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> flags_;
};

// A thrown-free "usage error" result: commands return this through Status
// with code kInvalidArgument and main turns it into exit 2.
absl::Status UsageError(const std::string& message);
bool IsUsageError(const absl::Status& status);

// One connection to the server, plus the per-call deadline policy.
class Connection {
 public:
  // A connection error (unreadable --ca_file or token file) is reported on
  // the first call; see error().
  explicit Connection(const GlobalOptions& opts);
  // Why the connection could not be set up (OK if it could).
  const absl::Status& error() const { return error_; }
  const GlobalOptions& options() const { return opts_; }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  // A context whose deadline is --deadline_ms from now, plus `extra`.
  std::unique_ptr<grpc::ClientContext> NewContext(
      std::chrono::milliseconds extra = std::chrono::milliseconds(0)) const;

 private:
  GlobalOptions opts_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
  absl::Status error_;
};

// Prints "error: CODE_NAME: message" to stderr and returns kExitFailure.
int ReportRpcError(const grpc::Status& status, const std::string& what = "");
std::string StatusCodeName(grpc::StatusCode code);

// Enum values from the command line: "licence_open", "LICENCE_OPEN",
// "lapsed" (for PATENT_LAPSED) and "open" (for DEMAND_OPEN) all work; a
// unique suffix or prefix of the value name after an underscore is enough.
absl::StatusOr<int> ParseEnum(const google::protobuf::EnumDescriptor* desc,
                              const std::string& text);
// The value's name in lower case, for tables ("licence_open").
std::string EnumLabel(const google::protobuf::EnumDescriptor* desc, int value);

// Reads a whole file; NotFound / PermissionDenied style errors otherwise.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Protobuf JSON messages from a file: either the whole file is one JSON
// object, or it is JSON Lines (blank lines skipped). Each entry carries the
// 1-based line the object started on, or the parse error for that line.
struct JsonRecord {
  int64_t line = 0;
  std::string json;
};
absl::StatusOr<std::vector<JsonRecord>> ReadJsonRecords(
    const std::string& path, const google::protobuf::Message& prototype);

using CommandFn = int (*)(Connection& conn, const Args& args);

struct Command {
  std::string group;    // "patent"
  std::string name;     // "search"; empty for a group with no sub-commands
  std::string usage;    // arguments, e.g. "\"text\" [--ipc=H01M ...]"
  std::string summary;  // one line
  std::vector<std::string> flags;  // accepted command flags
  CommandFn run;
};

std::vector<Command> OrgCommands();
std::vector<Command> PatentCommands();
std::vector<Command> DemandCommands();
std::vector<Command> MatchCommands();
std::vector<Command> HealthCommands();
std::vector<Command> EvalCommands();
std::vector<Command> TokenCommands();
std::vector<Command> ReviewCommands();
std::vector<Command> AuditCommands();
std::vector<Command> EventCommands();      // event.cc
std::vector<Command> ShortlistCommands();  // event.cc

// `review watch` (watch.cc), listed in ReviewCommands().
int ReviewWatch(Connection& conn, const Args& args);
int ReviewPushStatus(Connection& conn, const Args& args);

}  // namespace patentmatch::cli

#endif  // PATENTMATCH_CLIENTS_CLI_CLI_H_
