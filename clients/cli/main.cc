// `patentmatch`: the command-line client for patentmatchd. This file reads
// the global flags, finds the command in the table the group files provide,
// and prints usage. Usage:
//
//   patentmatch [--server=HOST:PORT] [--deadline_ms=N] [--json] GROUP COMMAND
//   ... patentmatch help | patentmatch GROUP --help
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/cli/cli.h"

namespace patentmatch::cli {
namespace {

std::vector<Command> AllCommands() {
  std::vector<Command> all;
  for (auto* group :
       {&OrgCommands, &PatentCommands, &DemandCommands, &MatchCommands,
        &ReviewCommands, &EventCommands, &ShortlistCommands, &TokenCommands,
        &AuditCommands, &HealthCommands, &EvalCommands}) {
    for (auto& c : group()) all.push_back(std::move(c));
  }
  return all;
}

std::string CommandWords(const Command& c) {
  return c.name.empty() ? c.group : absl::StrCat(c.group, " ", c.name);
}

void PrintUsage(std::FILE* out, const std::vector<Command>& commands,
                const std::string& only_group) {
  std::fprintf(
      out,
      "usage: patentmatch [--server=HOST:PORT] [--deadline_ms=N] "
      "[--json] GROUP COMMAND [ARGS]\n\n"
      "Global flags (also accepted after the command):\n"
      "  --server       server address (default $PATENTMATCH_SERVER "
      "or 127.0.0.1:50051)\n"
      "  --deadline_ms  deadline of each call (default 10000)\n"
      "  --json         print protobuf JSON, one object per line\n"
      "  --token_file   file whose first line is the bearer token "
      "(or $PATENTMATCH_TOKEN_FILE;\n"
      "                 $PATENTMATCH_TOKEN or --token give it directly)\n"
      "  --ca_file      talk TLS, trusting this CA certificate (PEM)\n\n"
      "Commands:\n");
  for (const auto& c : commands) {
    if (!only_group.empty() && c.group != only_group) continue;
    std::fprintf(out, "  %s %s\n      %s\n", CommandWords(c).c_str(),
                 c.usage.c_str(), c.summary.c_str());
  }
}

int Run(int argc, char** argv) {
  GlobalOptions opts;
  if (const char* env = std::getenv("PATENTMATCH_SERVER"); env && *env) {
    opts.server = env;
  }
  std::vector<std::string> words(argv + 1, argv + argc);
  auto parsed = Args::Parse(words);
  if (!parsed.ok()) {
    std::fprintf(stderr, "error: %s\n", parsed.status().message().data());
    return kExitUsage;
  }
  Args args = *std::move(parsed);
  if (absl::Status s = args.ExtractGlobals(opts); !s.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(s.message()).c_str());
    return kExitUsage;
  }
  const std::vector<Command> commands = AllCommands();
  const auto& pos = args.positional();
  if (pos.empty() || pos[0] == "help") {
    bool asked = !pos.empty() || args.Has("help");
    std::string group = pos.size() > 1 ? pos[1] : "";
    PrintUsage(asked ? stdout : stderr, commands, group);
    return asked ? kExitOk : kExitUsage;
  }

  // Find the group, then the command inside it ("health" and "eval" have
  // no sub-command word).
  const Command* found = nullptr;
  bool group_exists = false;
  size_t consumed = 1;
  for (const auto& c : commands) {
    if (c.group != pos[0]) continue;
    group_exists = true;
    if (c.name.empty()) {
      found = &c;
      break;
    }
    if (pos.size() > 1 && c.name == pos[1]) {
      found = &c;
      consumed = 2;
      break;
    }
  }
  if (!group_exists) {
    std::fprintf(stderr, "error: unknown command group '%s'\n\n",
                 pos[0].c_str());
    PrintUsage(stderr, commands, "");
    return kExitUsage;
  }
  if (found == nullptr || args.Has("help")) {
    bool asked = args.Has("help") || (pos.size() > 1 && pos[1] == "help");
    if (!asked) {
      std::fprintf(
          stderr, "error: %s\n\n",
          pos.size() > 1
              ? absl::StrCat("unknown command '", pos[0], " ", pos[1], "'")
                    .c_str()
              : absl::StrCat("'", pos[0], "' needs a command").c_str());
    }
    PrintUsage(
        asked ? stdout : stderr, commands,
        found != nullptr && !found->name.empty() ? found->group : pos[0]);
    return asked ? kExitOk : kExitUsage;
  }

  // Hand the command only its own words.
  std::vector<std::string> rest(words.begin(), words.end());
  std::vector<std::string> own;
  {
    // Drop the group and command words (first occurrences, in order).
    size_t dropped = 0;
    for (const auto& w : rest) {
      if (dropped < consumed && w == pos[dropped]) {
        ++dropped;
        continue;
      }
      own.push_back(w);
    }
  }
  auto cmd_args = Args::Parse(own);
  if (!cmd_args.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 std::string(cmd_args.status().message()).c_str());
    return kExitUsage;
  }
  (void)cmd_args->ExtractGlobals(opts);  // already validated above
  if (absl::Status s = cmd_args->CheckAllowed(found->flags); !s.ok()) {
    std::fprintf(stderr, "error: %s\nusage: patentmatch %s %s\n",
                 std::string(s.message()).c_str(), CommandWords(*found).c_str(),
                 found->usage.c_str());
    return kExitUsage;
  }
  Connection conn(opts);
  if (!conn.error().ok() && found->group != "eval") {
    std::fprintf(stderr, "error: %s\n",
                 std::string(conn.error().message()).c_str());
    return kExitUsage;
  }
  int rc = found->run(conn, *cmd_args);
  if (rc == kExitUsage) {
    std::fprintf(stderr, "usage: patentmatch %s %s\n",
                 CommandWords(*found).c_str(), found->usage.c_str());
  }
  return rc;
}

}  // namespace
}  // namespace patentmatch::cli

int main(int argc, char** argv) { return patentmatch::cli::Run(argc, argv); }
