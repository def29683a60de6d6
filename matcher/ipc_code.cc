// Parsing and comparison of IPC codes; see ipc_code.h.
#include "matcher/ipc_code.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace patentmatch::matcher {
namespace {

// The classes of IPC 2024.01, sorted. Sections A-H each end with a "99"
// class (subject matter not otherwise provided for); H10 (semiconductor
// devices) was added in 2023, G16 in 2018, B33 in 2015.
constexpr std::array<std::string_view, 133> kIpcClasses = {
    // A: human necessities
    "A01", "A21", "A22", "A23", "A24", "A41", "A42", "A43", "A44", "A45", "A46",
    "A47", "A61", "A62", "A63", "A99",
    // B: performing operations; transporting
    "B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B09", "B21", "B22",
    "B23", "B24", "B25", "B26", "B27", "B28", "B29", "B30", "B31", "B32", "B33",
    "B41", "B42", "B43", "B44", "B60", "B61", "B62", "B63", "B64", "B65", "B66",
    "B67", "B68", "B81", "B82", "B99",
    // C: chemistry; metallurgy
    "C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08", "C09", "C10", "C11",
    "C12", "C13", "C14", "C21", "C22", "C23", "C25", "C30", "C40", "C99",
    // D: textiles; paper
    "D01", "D02", "D03", "D04", "D05", "D06", "D07", "D10", "D21", "D99",
    // E: fixed constructions
    "E01", "E02", "E03", "E04", "E05", "E06", "E21", "E99",
    // F: mechanical engineering; lighting; heating; weapons; blasting
    "F01", "F02", "F03", "F04", "F15", "F16", "F17", "F21", "F22", "F23", "F24",
    "F25", "F26", "F27", "F28", "F41", "F42", "F99",
    // G: physics
    "G01", "G02", "G03", "G04", "G05", "G06", "G07", "G08", "G09", "G10", "G11",
    "G12", "G16", "G21", "G99",
    // H: electricity
    "H01", "H02", "H03", "H04", "H05", "H10", "H99"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) {
  return absl::ascii_isspace(static_cast<unsigned char>(c));
}

// Debian's Abseil has its own string_view, so trimming is done here.
std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

std::string_view StripLeadingZeros(std::string_view digits) {
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  return digits;
}

absl::Status NotAnIpcCode(std::string_view original, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrFormat("'%s' is not an IPC code: %s", original, why));
}

// Removes a trailing version or indicator in brackets, "(2010.01)" or
// "[2006.01]", as printed on CNIPA and WIPO documents.
std::string_view StripVersion(std::string_view s) {
  while (!s.empty() && (s.back() == ')' || s.back() == ']')) {
    const char open = s.back() == ')' ? '(' : '[';
    const size_t pos = s.rfind(open);
    if (pos == std::string_view::npos) break;
    s = Trim(s.substr(0, pos));
  }
  return s;
}

}  // namespace

std::string FoldFullWidth(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 == 0xE3 && i + 2 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0x80) {
      out.push_back(' ');  // U+3000 ideographic space
      i += 2;
      continue;
    }
    if (b0 == 0xEF && i + 2 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      // U+FF01..U+FF3F is EF BC 81..BF; U+FF40..U+FF5E is EF BD 80..9E.
      const uint32_t cp = 0xF000u | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
      if ((b1 == 0xBC || b1 == 0xBD) && (b2 & 0xC0) == 0x80 && cp >= 0xFF01 &&
          cp <= 0xFF5E) {
        out.push_back(static_cast<char>(cp - 0xFF01 + 0x21));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

bool IsKnownIpcClass(std::string_view ipc_class) {
  return std::binary_search(kIpcClasses.begin(), kIpcClasses.end(), ipc_class);
}

std::string IpcCode::ToString() const {
  return IpcPrefix(*this, IpcLevel::kSubgroup);
}

absl::StatusOr<IpcCode> ParseIpcCode(std::string_view text) {
  const std::string folded = FoldFullWidth(text);
  const std::string_view original = Trim(folded);
  if (original.empty()) return absl::InvalidArgumentError("empty IPC code");

  // Upper-case, without spaces and version: "H01M4/525".
  std::string s;
  for (char c : StripVersion(original)) {
    if (IsSpace(c)) continue;
    s.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  while (!s.empty() && s.back() == '/') s.pop_back();
  if (s.empty()) return NotAnIpcCode(original, "no section letter");

  IpcCode code;
  if (s[0] < 'A' || s[0] > 'H') {
    return NotAnIpcCode(original, "section must be A-H");
  }
  code.section = s[0];
  if (s.size() == 1) return code;

  if (s.size() < 3 || !IsDigit(s[1]) || !IsDigit(s[2])) {
    return NotAnIpcCode(original,
                        "the section must be followed by a "
                        "two-digit class, as in H01");
  }
  code.ipc_class = s.substr(1, 2);
  const std::string class_code = s.substr(0, 3);
  if (!IsKnownIpcClass(class_code)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown IPC class '", class_code, "'"));
  }
  if (s.size() == 3) return code;

  if (!IsUpper(s[3])) {
    return NotAnIpcCode(original,
                        "the class must be followed by a subclass "
                        "letter, as in H01M");
  }
  code.subclass = s[3];
  std::string_view rest = std::string_view(s).substr(4);
  if (rest.empty()) return code;

  // WIPO fixed width: 4-digit main group, zero-padded on the left, then a
  // 6-digit subgroup, zero-padded on the right ("H01M0004525000").
  if (rest.size() == 10 && std::all_of(rest.begin(), rest.end(),
                                       [](char c) { return IsDigit(c); })) {
    code.main_group = std::string(StripLeadingZeros(rest.substr(0, 4)));
    std::string_view sub = rest.substr(4);
    while (sub.size() > 2 && sub.back() == '0') sub.remove_suffix(1);
    code.subgroup = std::string(sub);
    if (code.main_group == "0") {
      return NotAnIpcCode(original, "main group 0 does not exist");
    }
    return code;
  }

  size_t i = 0;
  while (i < rest.size() && IsDigit(rest[i])) ++i;
  if (i == 0) {
    return NotAnIpcCode(original,
                        absl::StrCat("unexpected '", std::string(rest),
                                     "' after the subclass"));
  }
  if (i > 4) return NotAnIpcCode(original, "main group has more than 4 digits");
  code.main_group = std::string(StripLeadingZeros(rest.substr(0, i)));
  if (code.main_group == "0") {
    return NotAnIpcCode(original, "main group 0 does not exist");
  }
  rest.remove_prefix(i);
  if (rest.empty()) return code;
  if (rest[0] != '/') {
    return NotAnIpcCode(original,
                        absl::StrCat("unexpected '", std::string(rest),
                                     "' after the main group"));
  }
  rest.remove_prefix(1);
  i = 0;
  while (i < rest.size() && IsDigit(rest[i])) ++i;
  if (i != rest.size()) {
    return NotAnIpcCode(
        original, absl::StrCat("unexpected '", std::string(rest.substr(i)),
                               "' in the subgroup"));
  }
  if (i < 2) {
    return NotAnIpcCode(original,
                        "a subgroup has at least two digits, as in "
                        "4/00 or 4/52");
  }
  if (i > 6) return NotAnIpcCode(original, "subgroup has more than 6 digits");
  code.subgroup = std::string(rest);
  return code;
}

IpcLevel SharedLevel(const IpcCode& a, const IpcCode& b) {
  if (a.section == 0 || a.section != b.section) return IpcLevel::kNone;
  if (a.ipc_class.empty() || a.ipc_class != b.ipc_class) {
    return IpcLevel::kSection;
  }
  if (a.subclass == 0 || a.subclass != b.subclass) return IpcLevel::kClass;
  if (a.main_group.empty() || a.main_group != b.main_group) {
    return IpcLevel::kSubclass;
  }
  if (a.subgroup.empty() || a.subgroup != b.subgroup) {
    return IpcLevel::kMainGroup;
  }
  return IpcLevel::kSubgroup;
}

std::string_view IpcLevelName(IpcLevel level) {
  switch (level) {
    case IpcLevel::kNone:
      return "none";
    case IpcLevel::kSection:
      return "section";
    case IpcLevel::kClass:
      return "class";
    case IpcLevel::kSubclass:
      return "subclass";
    case IpcLevel::kMainGroup:
      return "group";
    case IpcLevel::kSubgroup:
      return "subgroup";
  }
  return "none";
}

std::string IpcPrefix(const IpcCode& code, IpcLevel level) {
  std::string out;
  if (level == IpcLevel::kNone || code.section == 0) return out;
  out.push_back(code.section);
  if (level == IpcLevel::kSection || code.ipc_class.empty()) return out;
  out += code.ipc_class;
  if (level == IpcLevel::kClass || code.subclass == 0) return out;
  out.push_back(code.subclass);
  if (level == IpcLevel::kSubclass || code.main_group.empty()) return out;
  absl::StrAppend(&out, " ", code.main_group);
  if (level == IpcLevel::kMainGroup || code.subgroup.empty()) return out;
  absl::StrAppend(&out, "/", code.subgroup);
  return out;
}

}  // namespace patentmatch::matcher
