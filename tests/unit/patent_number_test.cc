// Tests for matcher/patent_number.h: publication and application number
// normalisation, the CNIPA check digit (on real application numbers), and
// patent types from kind codes.
#include "matcher/patent_number.h"

#include <string>

#include "gtest/gtest.h"

namespace patentmatch::matcher {
namespace {

std::string Publication(std::string_view text) {
  absl::StatusOr<std::string> n = NormalisePublicationNumber(text);
  return n.ok() ? *n : "error: " + std::string(n.status().message());
}

std::string Application(std::string_view text) {
  absl::StatusOr<std::string> n = NormaliseApplicationNumber(text);
  return n.ok() ? *n : "error: " + std::string(n.status().message());
}

TEST(NormalisePublicationNumberTest, NormalisesCommonForms) {
  EXPECT_EQ(Publication("CN114081026A"), "CN114081026A");
  EXPECT_EQ(Publication("CN 114081026 A"), "CN114081026A");
  EXPECT_EQ(Publication("cn114081026a"), "CN114081026A");
  EXPECT_EQ(Publication(" ＣＮ１１４０８１０２６Ａ "), "CN114081026A");
  EXPECT_EQ(Publication("US5535303"), "US5535303");
  EXPECT_EQ(Publication("US 5,535,303 A"), "US5535303A");
  EXPECT_EQ(Publication("US20180123456A1"), "US20180123456A1");
  EXPECT_EQ(Publication("US 2018/0123456 A1"), "US20180123456A1");
  EXPECT_EQ(Publication("US-5535303-A"), "US5535303A");
  EXPECT_EQ(Publication("WO2020123456A1"), "WO2020123456A1");
  EXPECT_EQ(Publication("EP1234567B1"), "EP1234567B1");
  EXPECT_EQ(Publication("JP2020123456A"), "JP2020123456A");
  EXPECT_EQ(Publication("USD349814"), "USD349814");
  EXPECT_EQ(Publication("US RE36823 E"), "USRE36823E");
}

TEST(NormalisePublicationNumberTest, RejectsWithReasons) {
  EXPECT_EQ(Publication(""), "error: empty publication number");
  EXPECT_EQ(Publication("114081026A"),
            "error: '114081026A' is not a publication number: it must start "
            "with a two-letter country code, as in CN114081026A");
  EXPECT_EQ(Publication("CN"),
            "error: 'CN' is not a publication number: no serial number after "
            "the country code");
  EXPECT_EQ(Publication("CN114081026ABC"),
            "error: 'CN114081026ABC' is not a publication number: unexpected "
            "'ABC' after the serial number (a kind code is a letter and an "
            "optional digit, as in A, B1)");
  EXPECT_EQ(Publication("ZL201710601862.3"),
            "error: 'ZL201710601862.3' is not a publication number: ZL marks "
            "a Chinese patent (application) number");
  EXPECT_FALSE(NormalisePublicationNumber("发明专利").ok());
  EXPECT_EQ(NormalisePublicationNumber("C1").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ChineseApplicationCheckDigitTest, MatchesRealNumbers) {
  // Real application numbers with their published check characters.
  EXPECT_EQ(ChineseApplicationCheckDigit("201710601862"), '3');
  EXPECT_EQ(ChineseApplicationCheckDigit("201080063196"), '9');
  EXPECT_EQ(ChineseApplicationCheckDigit("95115608"), 'X');
  EXPECT_EQ(ChineseApplicationCheckDigit("97101765"), '4');
}

TEST(NormaliseApplicationNumberTest, NormalisesChineseForms) {
  EXPECT_EQ(Application("201710601862.3"), "CN201710601862.3");
  EXPECT_EQ(Application("CN201710601862.3"), "CN201710601862.3");
  EXPECT_EQ(Application("ZL 2017 1 0601862.3"), "CN201710601862.3");
  EXPECT_EQ(Application("zl201710601862.3"), "CN201710601862.3");
  EXPECT_EQ(Application("ＣＮ２０１７１０６０１８６２．３"),
            "CN201710601862.3");
  EXPECT_EQ(Application("2017106018623"), "CN201710601862.3");  // no dot
  EXPECT_EQ(Application("201710601862"), "CN201710601862.3");   // computed
  EXPECT_EQ(Application("CN 2010 8 0063196.9"), "CN201080063196.9");
  EXPECT_EQ(Application("ZL95115608.X"), "CN95115608.X");
  EXPECT_EQ(Application("95115608.x"), "CN95115608.X");
  EXPECT_EQ(Application("97101765.4"), "CN97101765.4");
}

TEST(NormaliseApplicationNumberTest, RejectsWrongCheckDigits) {
  EXPECT_EQ(Application("201710601862.4"),
            "error: '201710601862.4' is not an application number: check "
            "digit is 4 but should be 3");
  // The examples in the original brief carry made-up check digits.
  EXPECT_EQ(Application("202111234567.8"),
            "error: '202111234567.8' is not an application number: check "
            "digit is 8 but should be 1");
  EXPECT_EQ(Application("200810012345.X"),
            "error: '200810012345.X' is not an application number: check "
            "digit is X but should be 3");
  EXPECT_EQ(Application("98123456.7"),
            "error: '98123456.7' is not an application number: check digit "
            "is 7 but should be 9");
}

TEST(NormaliseApplicationNumberTest, RejectsMalformedChineseNumbers) {
  EXPECT_EQ(Application(""), "error: empty application number");
  EXPECT_EQ(Application("2017106018.3"),
            "error: '2017106018.3' is not an application number: a Chinese "
            "application number has 12 digits (8 before 2004) and a check "
            "character, as in 201710601862.3");
  EXPECT_EQ(Application("201750601862.3"),
            "error: '201750601862.3' is not an application number: "
            "application type digit '5' must be 1 (invention), 2 (utility "
            "model), 3 (design), 8 or 9 (PCT)");
  EXPECT_EQ(Application("201710601862.34"),
            "error: '201710601862.34' is not an application number: expected "
            "one check character after the '.'");
  EXPECT_FALSE(NormaliseApplicationNumber("CN20171060186A.3").ok());
}

TEST(NormaliseApplicationNumberTest, KeepsOtherCountriesLightlyNormalised) {
  EXPECT_EQ(Application("US 08/123,456"), "US08/123456");
  EXPECT_EQ(Application("ep 25153079.6"), "EP25153079.6");
  EXPECT_EQ(Application("US abc"),
            "error: 'US abc' is not an application number: expected digits "
            "(and '/', '.', '-') after the country code");
  EXPECT_FALSE(NormaliseApplicationNumber("申请号").ok());
}

TEST(PatentTypeFromPublicationNumberTest, FollowsKindCodes) {
  using v1::DESIGN;
  using v1::INVENTION;
  using v1::PATENT_TYPE_UNSPECIFIED;
  using v1::UTILITY_MODEL;
  EXPECT_EQ(PatentTypeFromPublicationNumber("CN114081026A"), INVENTION);
  EXPECT_EQ(PatentTypeFromPublicationNumber("CN111504366B"), INVENTION);
  EXPECT_EQ(PatentTypeFromPublicationNumber("CN215792497U"), UTILITY_MODEL);
  EXPECT_EQ(PatentTypeFromPublicationNumber("CN2157924Y"), UTILITY_MODEL);
  EXPECT_EQ(PatentTypeFromPublicationNumber("CN306123456S"), DESIGN);
  EXPECT_EQ(PatentTypeFromPublicationNumber("CN3012345D"), DESIGN);
  EXPECT_EQ(PatentTypeFromPublicationNumber("CN215792497"), UTILITY_MODEL);
  EXPECT_EQ(PatentTypeFromPublicationNumber("US5535303"), INVENTION);
  EXPECT_EQ(PatentTypeFromPublicationNumber("US5535303A"), INVENTION);
  EXPECT_EQ(PatentTypeFromPublicationNumber("US10123456B2"), INVENTION);
  EXPECT_EQ(PatentTypeFromPublicationNumber("US6169981B1"), INVENTION);
  EXPECT_EQ(PatentTypeFromPublicationNumber("US20180123456A1"), INVENTION);
  EXPECT_EQ(PatentTypeFromPublicationNumber("USD349814"), DESIGN);
  EXPECT_EQ(PatentTypeFromPublicationNumber("USD349814S"), DESIGN);
  EXPECT_EQ(PatentTypeFromPublicationNumber("USRE36823"), INVENTION);
  EXPECT_EQ(PatentTypeFromPublicationNumber("USPP12345P2"),
            PATENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(PatentTypeFromPublicationNumber("EP1234567B1"), INVENTION);
  EXPECT_EQ(PatentTypeFromPublicationNumber("WO2020123456A1"), INVENTION);
  EXPECT_EQ(PatentTypeFromPublicationNumber("JP3123456U"), UTILITY_MODEL);
  EXPECT_EQ(PatentTypeFromPublicationNumber("not a number"),
            PATENT_TYPE_UNSPECIFIED);
}

}  // namespace
}  // namespace patentmatch::matcher
