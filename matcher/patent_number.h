// Patent publication and application numbers: one normal form for the many
// ways exports and people write them ("CN 114081026 A", "US 5,535,303 A",
// "ZL 2021 1 0123456.7"), the CNIPA check digit of Chinese application
// numbers, and the patent type a publication's kind code implies.
//
//   NormalisePublicationNumber("cn 114081026 a");   // "CN114081026A"
//   NormaliseApplicationNumber("ZL201710601862.3");  // "CN201710601862.3"
//   PatentTypeFromPublicationNumber("CN215792497U");  // UTILITY_MODEL
#ifndef PATENTMATCH_MATCHER_PATENT_NUMBER_H_
#define PATENTMATCH_MATCHER_PATENT_NUMBER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "patentmatch/v1/patentmatch.pb.h"

namespace patentmatch::matcher {

// Country code (two letters) + serial + optional kind code (a letter and an
// optional digit), upper case, with spaces, commas and slashes removed:
// "US 2018/0123456 A1" -> "US20180123456A1". US serials may start with D
// (design), RE (reissue), PP (plant), H or T ("USD349814"). Full-width
// characters are accepted. InvalidArgument says what is wrong.
absl::StatusOr<std::string> NormalisePublicationNumber(std::string_view text);

// Chinese application numbers, with or without "CN"/"ZL", spaces and dot:
// 12 digits since 2003 ("201710601862.3"), 8 before ("95115608.X"), each
// followed by a check digit (0-9 or X) that is verified; when the check digit
// is missing it is computed. Result: "CN201710601862.3".
// Other countries' numbers ("US 08/123,456") keep their country code,
// digits, '/' and '.', with spaces and commas removed: "US08/123456".
absl::StatusOr<std::string> NormaliseApplicationNumber(std::string_view text);

// The CNIPA check character ('0'..'9' or 'X') for the 8 or 12 digits of a
// Chinese application number: digits weighted 2,3,4,5,6,7,8,9,2,3,4,5 from
// the left, summed, mod 11, 10 written as X.
char ChineseApplicationCheckDigit(std::string_view digits);

// The type a normalised publication number's kind code implies: CN A/B/C
// invention, U/Y utility model, S/D design (and, without a kind code, the
// first digit of a 9-digit CN serial: 1, 2, 3); US utility numbers and A, B1,
// B2, A1, A2, E invention, D-serials and S design. Other countries follow the
// common A/B/C, U/Y, S convention. Unknown: PATENT_TYPE_UNSPECIFIED.
patentmatch::v1::PatentType PatentTypeFromPublicationNumber(
    std::string_view normalised);

}  // namespace patentmatch::matcher

#endif  // PATENTMATCH_MATCHER_PATENT_NUMBER_H_
