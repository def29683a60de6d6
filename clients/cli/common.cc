// Command-line parsing, the server connection, enum names and file reading
// shared by every `patentmatch` command.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/cli/cli.h"
#include "google/protobuf/util/json_util.h"

namespace patentmatch::cli {

absl::StatusOr<Args> Args::Parse(const std::vector<std::string>& words) {
  Args args;
  bool flags_done = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (flags_done || w.size() < 3 || w.rfind("--", 0) != 0) {
      if (w == "--") {
        flags_done = true;
        continue;
      }
      args.positional_.push_back(w);
      continue;
    }
    std::string body = w.substr(2);
    size_t eq = body.find('=');
    std::string name = eq == std::string::npos ? body : body.substr(0, eq);
    // Accept --page-size as well as --page_size.
    for (char& c : name) {
      if (c == '-') c = '_';
    }
    if (eq != std::string::npos) {
      args.flags_[name] = body.substr(eq + 1);
    } else if (name == "help" || name == "json" || name == "high_tech" ||
               name == "specialised" || name == "incubation" ||
               name == "open_licence_only" || name == "include_inactive" ||
               name == "sample" || name == "quiet" || name == "all" ||
               name == "mine" || name == "want" || name == "refuse" ||
               name == "clear" || name == "backlog_only" ||
               i + 1 >= words.size() || words[i + 1].rfind("--", 0) == 0) {
      // Boolean flags never take the next word as their value, so
      // `--json get ID` does not eat "get".
      args.flags_[name] = "true";
    } else {
      args.flags_[name] = words[++i];
    }
  }
  return args;
}

std::string Args::Get(const std::string& name, const std::string& def) const {
  auto it = flags_.find(name);
  return it == flags_.end() ? def : it->second;
}

absl::StatusOr<int64_t> Args::GetInt(const std::string& name,
                                     int64_t def) const {
  auto it = flags_.find(name);
  if (it == flags_.end()) return def;
  int64_t v = 0;
  if (!absl::SimpleAtoi(it->second, &v)) {
    return UsageError(absl::StrCat("--", name, " wants a whole number, got '",
                                   it->second, "'"));
  }
  return v;
}

absl::StatusOr<bool> Args::GetBool(const std::string& name) const {
  auto it = flags_.find(name);
  if (it == flags_.end()) return false;
  bool v = false;
  if (!absl::SimpleAtob(it->second, &v)) {
    return UsageError(absl::StrCat("--", name, " wants true or false, got '",
                                   it->second, "'"));
  }
  return v;
}

std::vector<std::string> Args::GetList(const std::string& name) const {
  auto it = flags_.find(name);
  if (it == flags_.end()) return {};
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(it->second, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

absl::Status Args::CheckAllowed(const std::vector<std::string>& allowed) const {
  for (const auto& [name, value] : flags_) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == name;
    if (!ok) return UsageError(absl::StrCat("unknown flag --", name));
  }
  return absl::OkStatus();
}

absl::Status Args::ExtractGlobals(GlobalOptions& opts) {
  if (auto it = flags_.find("server"); it != flags_.end()) {
    opts.server = it->second;
    flags_.erase(it);
  }
  if (auto it = flags_.find("deadline_ms"); it != flags_.end()) {
    if (!absl::SimpleAtoi(it->second, &opts.deadline_ms) ||
        opts.deadline_ms <= 0) {
      return UsageError("--deadline_ms wants a positive number of ms");
    }
    flags_.erase(it);
  }
  for (auto [flag, field] : {std::pair{"token", &opts.token},
                             std::pair{"token_file", &opts.token_file},
                             std::pair{"ca_file", &opts.ca_file}}) {
    if (auto it = flags_.find(flag); it != flags_.end()) {
      *field = it->second;
      flags_.erase(it);
    }
  }
  if (auto it = flags_.find("json"); it != flags_.end()) {
    if (!absl::SimpleAtob(it->second, &opts.json)) {
      return UsageError("--json wants true or false");
    }
    flags_.erase(it);
  }
  return absl::OkStatus();
}

// Usage errors travel as a Status with this payload so that main can tell
// them from other failures without a second error type.
constexpr char kUsagePayload[] = "patentmatch.cli/usage";

absl::Status UsageError(const std::string& message) {
  absl::Status s = absl::InvalidArgumentError(message);
  s.SetPayload(kUsagePayload, absl::Cord("1"));
  return s;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsagePayload).has_value();
}

Connection::Connection(const GlobalOptions& opts) : opts_(opts) {
  grpc::ChannelArguments channel_args;
  // Import responses carry one result per record; allow large batches.
  channel_args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  channel_args.SetMaxSendMessageSize(16 * 1024 * 1024);
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (!opts_.ca_file.empty()) {
    auto ca = ReadFile(opts_.ca_file);
    if (!ca.ok()) {
      error_ = absl::FailedPreconditionError(
          absl::StrCat("--ca_file: ", ca.status().message()));
    } else {
      grpc::SslCredentialsOptions ssl;
      ssl.pem_root_certs = *ca;
      credentials = grpc::SslCredentials(ssl);
    }
  }
  channel_ = grpc::CreateCustomChannel(opts_.server, credentials, channel_args);

  token_ = opts_.token;
  if (token_.empty()) {
    if (const char* env = std::getenv("PATENTMATCH_TOKEN"); env && *env) {
      token_ = env;
    }
  }
  std::string token_file = opts_.token_file;
  if (token_file.empty()) {
    if (const char* env = std::getenv("PATENTMATCH_TOKEN_FILE"); env && *env) {
      token_file = env;
    }
  }
  if (token_.empty() && !token_file.empty()) {
    auto contents = ReadFile(token_file);
    if (!contents.ok()) {
      error_ = absl::FailedPreconditionError(
          absl::StrCat("token file: ", contents.status().message()));
    } else {
      absl::string_view first = *contents;
      first = first.substr(0, first.find('\n'));
      token_ = std::string(absl::StripAsciiWhitespace(first));
    }
  }
}

std::unique_ptr<grpc::ClientContext> Connection::NewContext(
    std::chrono::milliseconds extra) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) ctx->AddMetadata("authorization", "Bearer " + token_);
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(opts_.deadline_ms) + extra);
  return ctx;
}

std::string StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    default:
      return absl::StrCat("CODE_", static_cast<int>(code));
  }
}

int ReportRpcError(const grpc::Status& status, const std::string& what) {
  std::fprintf(stderr, "error: %s%s%s: %s\n", what.c_str(),
               what.empty() ? "" : ": ",
               StatusCodeName(status.error_code()).c_str(),
               status.error_message().c_str());
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    std::fprintf(stderr,
                 "hint: give a valid token with --token_file=FILE (first line "
                 "the token), or $PATENTMATCH_TOKEN_FILE; the demo's "
                 "administrator token is demo-data/admin.token\n");
  }
  return kExitFailure;
}

absl::StatusOr<int> ParseEnum(const google::protobuf::EnumDescriptor* desc,
                              const std::string& text) {
  std::string want = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  for (char& c : want) {
    if (c == '-' || c == ' ') c = '_';
  }
  std::vector<const google::protobuf::EnumValueDescriptor*> partial;
  // The words a user types: without a prefix or suffix every value shares
  // ("meeting_deal" is offered as "deal", "company_side" as "company"), as
  // the usage lines spell them.
  std::string prefix, suffix;
  bool first = true;
  for (int i = 0; i < desc->value_count(); ++i) {
    const std::string& name = desc->value(i)->name();
    if (desc->value(i)->number() == 0) continue;
    if (first) {
      const size_t underscore = name.find('_');
      if (underscore != std::string::npos) {
        prefix = name.substr(0, underscore + 1);
        suffix = name.substr(name.rfind('_'));
      }
      first = false;
    } else {
      if (!absl::StartsWith(name, prefix)) prefix.clear();
      if (!absl::EndsWith(name, suffix)) suffix.clear();
    }
  }
  std::vector<std::string> names;
  for (int i = 0; i < desc->value_count(); ++i) {
    const auto* v = desc->value(i);
    if (v->number() == 0) continue;  // "unspecified" is never asked for
    absl::string_view word = absl::StripPrefix(v->name(), prefix);
    if (word.size() > suffix.size()) word = absl::StripSuffix(word, suffix);
    names.push_back(absl::AsciiStrToLower(word));
    if (v->name() == want) return v->number();
    if (absl::EndsWith(v->name(), absl::StrCat("_", want)) ||
        absl::StartsWith(v->name(), absl::StrCat(want, "_"))) {
      partial.push_back(v);
    }
  }
  if (partial.size() == 1) return partial[0]->number();
  return UsageError(absl::StrCat(partial.empty() ? "unknown" : "ambiguous",
                                 " value '", text,
                                 "'; one of: ", absl::StrJoin(names, ", ")));
}

std::string EnumLabel(const google::protobuf::EnumDescriptor* desc, int value) {
  const auto* v = desc->FindValueByNumber(value);
  if (v == nullptr) return absl::StrCat(value);
  if (value == 0) return "-";
  return absl::AsciiStrToLower(v->name());
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  return ss.str();
}

absl::StatusOr<std::vector<JsonRecord>> ReadJsonRecords(
    const std::string& path, const google::protobuf::Message& prototype) {
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  std::vector<JsonRecord> out;
  // A pretty-printed single object spans lines; try the whole file first.
  std::unique_ptr<google::protobuf::Message> probe(prototype.New());
  absl::string_view trimmed = absl::StripAsciiWhitespace(*bytes);
  if (!trimmed.empty() && google::protobuf::util::JsonStringToMessage(
                              std::string(trimmed), probe.get())
                              .ok()) {
    int64_t line = 1;
    for (char c :
         absl::string_view(*bytes).substr(0, trimmed.data() - bytes->data())) {
      if (c == '\n') ++line;
    }
    out.push_back({line, std::string(trimmed)});
    return out;
  }
  int64_t line = 0;
  for (absl::string_view l : absl::StrSplit(*bytes, '\n')) {
    ++line;
    l = absl::StripAsciiWhitespace(l);
    if (l.empty() || absl::StartsWith(l, "//")) continue;
    out.push_back({line, std::string(l)});
  }
  return out;
}

}  // namespace patentmatch::cli
