// JSON Lines input: one JSON object per line, parsed with protobuf's JSON
// parser into google.protobuf.Struct (no extra JSON library), then flattened
// into per-key string values for the column mapping. A line may be a
// PatentListing in protobuf's JSON form or any object with known keys.
#ifndef PATENTMATCH_CLIENTS_IMPORT_JSON_LINES_H_
#define PATENTMATCH_CLIENTS_IMPORT_JSON_LINES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace patentmatch::import {

// One key of a JSON object and its values as text: a string or number gives
// one value, an array one value per element, an object its JSON text, null
// nothing. Numbers with no fraction are written without one ("5535303").
struct JsonKeyValues {
  std::string key;
  std::vector<std::string> values;
};

// The keys of the object on `line`, sorted by key; InvalidArgument if the
// line is not a JSON object.
absl::StatusOr<std::vector<JsonKeyValues>> ParseJsonObjectLine(
    std::string_view line);

}  // namespace patentmatch::import

#endif  // PATENTMATCH_CLIENTS_IMPORT_JSON_LINES_H_
