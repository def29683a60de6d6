// Normalisation of patent publication and application numbers; see
// patent_number.h.
#include "matcher/patent_number.h"

#include <algorithm>
#include <array>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "matcher/ipc_code.h"

namespace patentmatch::matcher {
namespace {

using ::patentmatch::v1::PatentType;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return IsDigit(c); });
}

// Upper-cases `text` (after folding full-width forms) and drops the
// characters in `drop` and all whitespace. `original` receives the trimmed
// input for messages.
std::string Compact(std::string_view text, std::string_view drop,
                    std::string* original) {
  std::string folded = FoldFullWidth(text);
  std::string_view trimmed = folded;
  while (!trimmed.empty() && absl::ascii_isspace(trimmed.front())) {
    trimmed.remove_prefix(1);
  }
  while (!trimmed.empty() && absl::ascii_isspace(trimmed.back())) {
    trimmed.remove_suffix(1);
  }
  *original = std::string(trimmed);
  std::string out;
  for (char c : *original) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) ||
        drop.find(c) != std::string_view::npos) {
      continue;
    }
    out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

struct PublicationParts {
  std::string country;        // "US"
  std::string serial_prefix;  // "D", "RE", ... (US only) or empty
  std::string serial;         // digits
  std::string kind;           // "A", "B2" or empty
};

absl::StatusOr<PublicationParts> SplitPublicationNumber(std::string_view text) {
  std::string original;
  const std::string s = Compact(text, ",/-", &original);
  auto invalid = [&original](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrFormat("'%s' is not a publication number: %s", original, why));
  };
  if (s.empty()) return absl::InvalidArgumentError("empty publication number");
  if (s.size() < 2 || !IsUpper(s[0]) || !IsUpper(s[1])) {
    return invalid(
        "it must start with a two-letter country code, as in CN114081026A");
  }
  PublicationParts parts;
  parts.country = s.substr(0, 2);
  if (parts.country == "ZL") {
    return invalid("ZL marks a Chinese patent (application) number");
  }
  std::string_view rest = std::string_view(s).substr(2);
  if (parts.country == "US") {
    // Two-letter prefixes first: "RE" must not be taken for a kind code.
    for (std::string_view prefix : {"RE", "PP", "D", "H", "T"}) {
      if (rest.starts_with(prefix) && rest.size() > prefix.size() &&
          IsDigit(rest[prefix.size()])) {
        parts.serial_prefix = std::string(prefix);
        rest.remove_prefix(prefix.size());
        break;
      }
    }
  }
  size_t n = 0;
  while (n < rest.size() && IsDigit(rest[n])) ++n;
  if (n == 0) return invalid("no serial number after the country code");
  parts.serial = std::string(rest.substr(0, n));
  rest.remove_prefix(n);
  if (rest.empty()) return parts;
  if (IsUpper(rest[0]) &&
      (rest.size() == 1 || (rest.size() == 2 && IsDigit(rest[1])))) {
    parts.kind = std::string(rest);
    return parts;
  }
  return invalid(absl::StrCat(
      "unexpected '", std::string(rest),
      "' after the serial number (a kind code is a letter and an optional "
      "digit, as in A, B1)"));
}

PatentType TypeFromKind(char kind) {
  switch (kind) {
    case 'A':
    case 'B':
    case 'C':
      return v1::INVENTION;
    case 'U':
    case 'Y':
      return v1::UTILITY_MODEL;
    case 'S':
      return v1::DESIGN;
    default:
      return v1::PATENT_TYPE_UNSPECIFIED;
  }
}

}  // namespace

absl::StatusOr<std::string> NormalisePublicationNumber(std::string_view text) {
  absl::StatusOr<PublicationParts> parts = SplitPublicationNumber(text);
  if (!parts.ok()) return parts.status();
  return absl::StrCat(parts->country, parts->serial_prefix, parts->serial,
                      parts->kind);
}

char ChineseApplicationCheckDigit(std::string_view digits) {
  static constexpr std::array<int, 12> kWeights = {2, 3, 4, 5, 6, 7,
                                                   8, 9, 2, 3, 4, 5};
  int sum = 0;
  for (size_t i = 0; i < digits.size() && i < kWeights.size(); ++i) {
    sum += (digits[i] - '0') * kWeights[i];
  }
  const int check = sum % 11;
  return check == 10 ? 'X' : static_cast<char>('0' + check);
}

absl::StatusOr<std::string> NormaliseApplicationNumber(std::string_view text) {
  std::string original;
  std::string s = Compact(text, ",", &original);
  auto invalid = [&original](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "'%s' is not an application number: %s", original, why));
  };
  if (s.empty()) return absl::InvalidArgumentError("empty application number");

  bool chinese = IsDigit(s[0]);
  if (s.starts_with("CN") || s.starts_with("ZL")) {
    chinese = true;
    s.erase(0, 2);
  }
  if (!chinese) {
    if (s.size() < 2 || !IsUpper(s[0]) || !IsUpper(s[1])) {
      return invalid("it must start with a two-letter country code or digits");
    }
    std::string_view rest = std::string_view(s).substr(2);
    if (rest.empty() || !IsDigit(rest.front()) ||
        rest.find_first_not_of("0123456789/.-") != std::string_view::npos) {
      return invalid(
          "expected digits (and '/', '.', '-') after the country code");
    }
    return s;
  }

  // Chinese: 8 or 12 digits, then the check character, with or without the
  // dot between them.
  std::string digits;
  char check = 0;
  if (const size_t dot = s.find('.'); dot != std::string::npos) {
    digits = s.substr(0, dot);
    if (s.size() != dot + 2) {
      return invalid("expected one check character after the '.'");
    }
    check = s[dot + 1];
  } else if ((s.size() == 13 || s.size() == 9) &&
             (IsDigit(s.back()) || s.back() == 'X')) {
    digits = s.substr(0, s.size() - 1);
    check = s.back();
  } else {
    digits = s;
  }
  if (!AllDigits(digits) || (digits.size() != 12 && digits.size() != 8)) {
    return invalid(
        "a Chinese application number has 12 digits (8 before 2004) and a "
        "check character, as in 201710601862.3");
  }
  if (check != 0 && !IsDigit(check) && check != 'X') {
    return invalid("the check character must be a digit or X");
  }
  const char type = digits[digits.size() == 12 ? 4 : 2];
  if (std::string_view("12389").find(type) == std::string_view::npos) {
    return invalid(absl::StrCat(
        "application type digit '", std::string(1, type),
        "' must be 1 (invention), 2 (utility model), 3 (design), 8 or 9 "
        "(PCT)"));
  }
  if (digits.size() == 12 && (digits.compare(0, 2, "20") != 0)) {
    return invalid("a 12-digit application number starts with its year, 20xx");
  }
  const char expected = ChineseApplicationCheckDigit(digits);
  if (check != 0 && check != expected) {
    return invalid(
        absl::StrFormat("check digit is %c but should be %c", check, expected));
  }
  return absl::StrCat("CN", digits, ".", std::string(1, expected));
}

PatentType PatentTypeFromPublicationNumber(std::string_view normalised) {
  absl::StatusOr<PublicationParts> parts = SplitPublicationNumber(normalised);
  if (!parts.ok()) return v1::PATENT_TYPE_UNSPECIFIED;
  const char kind = parts->kind.empty() ? 0 : parts->kind[0];
  if (parts->country == "US") {
    if (parts->serial_prefix == "D" || kind == 'S') return v1::DESIGN;
    if (parts->serial_prefix == "PP" || parts->serial_prefix == "H" ||
        parts->serial_prefix == "T" || kind == 'P' || kind == 'H') {
      return v1::PATENT_TYPE_UNSPECIFIED;  // plant, SIR, defensive pub.
    }
    // Utility numbers, reissues (E) and applications (A1, A2).
    if (kind == 0 || kind == 'A' || kind == 'B' || kind == 'E') {
      return v1::INVENTION;
    }
    return v1::PATENT_TYPE_UNSPECIFIED;
  }
  if (parts->country == "CN") {
    if (kind == 'D') return v1::DESIGN;
    if (kind == 0 && parts->serial.size() == 9) {
      // Since 2007 the first digit of the serial is the type.
      switch (parts->serial[0]) {
        case '1':
          return v1::INVENTION;
        case '2':
          return v1::UTILITY_MODEL;
        case '3':
          return v1::DESIGN;
        default:
          return v1::PATENT_TYPE_UNSPECIFIED;
      }
    }
  }
  if (parts->country == "WO" && kind == 'A') return v1::INVENTION;
  return TypeFromKind(kind);
}

}  // namespace patentmatch::matcher
