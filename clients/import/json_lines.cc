// JSON Lines parsing through protobuf's Struct; see json_lines.h.
#include "clients/import/json_lines.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace patentmatch::import {
namespace {

using ::google::protobuf::Value;

std::string NumberText(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
    return absl::StrFormat("%.0f", d);
  }
  return absl::StrFormat("%.15g", d);
}

void AppendValues(const Value& value, std::vector<std::string>* out) {
  switch (value.kind_case()) {
    case Value::kStringValue:
      out->push_back(value.string_value());
      break;
    case Value::kNumberValue:
      out->push_back(NumberText(value.number_value()));
      break;
    case Value::kBoolValue:
      out->push_back(value.bool_value() ? "true" : "false");
      break;
    case Value::kListValue:
      for (const Value& element : value.list_value().values()) {
        // Nested arrays are flattened: [["A01M"]] is still one code.
        AppendValues(element, out);
      }
      break;
    case Value::kStructValue: {
      std::string json;
      if (google::protobuf::util::MessageToJsonString(value.struct_value(),
                                                      &json)
              .ok()) {
        out->push_back(std::move(json));
      }
      break;
    }
    case Value::kNullValue:
    case Value::KIND_NOT_SET:
      break;
  }
}

}  // namespace

absl::StatusOr<std::vector<JsonKeyValues>> ParseJsonObjectLine(
    std::string_view line) {
  while (!line.empty() && absl::ascii_isspace(line.front())) {
    line.remove_prefix(1);
  }
  while (!line.empty() && absl::ascii_isspace(line.back())) {
    line.remove_suffix(1);
  }
  if (line.empty() || line.front() != '{') {
    return absl::InvalidArgumentError(
        "not a JSON object (must start with '{')");
  }
  google::protobuf::Struct object;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(line.data(), line.size()), &object);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a JSON object: ", status.message().as_string()));
  }
  std::vector<JsonKeyValues> out;
  out.reserve(object.fields().size());
  for (const auto& [key, value] : object.fields()) {
    JsonKeyValues& kv = out.emplace_back();
    kv.key = key;
    AppendValues(value, &kv.values);
  }
  std::sort(out.begin(), out.end(),
            [](const JsonKeyValues& a, const JsonKeyValues& b) {
              return a.key < b.key;
            });
  return out;
}

}  // namespace patentmatch::import
