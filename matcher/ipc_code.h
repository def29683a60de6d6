// International Patent Classification (IPC) codes: parsing the messy forms
// found in patent database exports ("H01M4/525", "Ｈ０１Ｍ ４/５２５",
// "H01M0004525000", "H01M 4/525(2010.01)") into one normal form, and
// comparing two codes level by level, which the ranking engine uses to score
// and explain IPC overlap between a need and a patent.
//
//   absl::StatusOr<IpcCode> code = ParseIpcCode(" h01m  4/525 ");
//   if (!code.ok()) return code.status();     // InvalidArgument, readable
//   code->ToString();                         // "H01M 4/525"
//   SharedLevel(*code, *ParseIpcCode("H01M 10/0525"));  // kSubclass
#ifndef PATENTMATCH_MATCHER_IPC_CODE_H_
#define PATENTMATCH_MATCHER_IPC_CODE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace patentmatch::matcher {

// A code at any depth: section ("H"), class ("H01"), subclass ("H01M"),
// main group ("H01M 4") or subgroup ("H01M 4/525"). Deeper parts are empty
// (or 0) when a shallower one is.
struct IpcCode {
  char section = 0;        // 'A'..'H'
  std::string ipc_class;   // two digits, "01"
  char subclass = 0;       // 'A'..'Z' or 0 if absent
  std::string main_group;  // "4" (no leading zeros) or empty
  std::string subgroup;    // "525" / "00" or empty
  // "H01M 4/525", "H01M 4/00", "H01M 4", "H01M", "H01", "H".
  std::string ToString() const;

  friend bool operator==(const IpcCode&, const IpcCode&) = default;
};

enum class IpcLevel {
  kNone = 0,
  kSection,
  kClass,
  kSubclass,
  kMainGroup,
  kSubgroup
};

// Accepts upper or lower case, full-width characters, any spacing,
// WIPO's 14-character fixed-width form, a trailing version "(2010.01)" and a
// trailing "/". The class is checked against the IPC 2024 list of classes;
// subclasses and groups are checked for form only. Returns InvalidArgument
// naming what is wrong.
absl::StatusOr<IpcCode> ParseIpcCode(std::string_view text);

// The deepest level at which `a` and `b` agree (kNone if their sections
// differ). A level missing from either code is not agreed on.
IpcLevel SharedLevel(const IpcCode& a, const IpcCode& b);

// "none", "section", "class", "subclass", "group", "subgroup": the words
// used in Explanation.ipc_overlap_level.
std::string_view IpcLevelName(IpcLevel level);

// `code` cut to `level`: "H", "H01", "H01M", "H01M 4", "H01M 4/525". Empty
// for kNone; a level deeper than the code gives the whole code.
std::string IpcPrefix(const IpcCode& code, IpcLevel level);

// True if `ipc_class` (e.g. "H01") is a class of IPC 2024.
bool IsKnownIpcClass(std::string_view ipc_class);

// Maps full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space
// (U+3000) to their ASCII equivalents and leaves every other byte alone.
// Identifiers typed with a Chinese input method often arrive full-width.
std::string FoldFullWidth(std::string_view text);

}  // namespace patentmatch::matcher

#endif  // PATENTMATCH_MATCHER_IPC_CODE_H_
