// Tests for services/validation.h: what callers send is normalised where it
// safely can be, and every problem comes back as a FieldError naming the
// field the way the caller wrote it.
#include "services/validation.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "patentmatch/v1/patentmatch.pb.h"

namespace patentmatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Fields(const std::vector<v1::FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field());
  return out;
}

std::string Describe(const std::vector<v1::FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.field() + ": " + e.message() + "\n";
  return out;
}

v1::PatentListing GoodListing() {
  v1::PatentListing l;
  l.set_publication_number("CN114081026A");
  l.set_title("一种锂电池正极材料");
  l.set_abstract("本发明公开了一种锂电池正极材料。");
  l.add_ipc_codes("H01M 4/525");
  l.set_application_date("2021-11-05");
  l.add_deal_modes(v1::TRANSFER);
  return l;
}

std::vector<v1::FieldError> Validate(v1::PatentListing* l) {
  return ValidateListing(l, nullptr);
}

// --- Listing identity --------------------------------------------------------

TEST(ValidateListingTest, GoodListingPasses) {
  v1::PatentListing l = GoodListing();
  std::vector<v1::FieldError> warnings;
  auto errors = ValidateListing(&l, &warnings);
  EXPECT_THAT(errors, IsEmpty()) << Describe(errors);
  EXPECT_THAT(warnings, IsEmpty()) << Describe(warnings);
  EXPECT_EQ(l.id(), "CN114081026A");
}

TEST(ValidateListingTest, IdFromNormalisedPublicationNumber) {
  v1::PatentListing l = GoodListing();
  l.set_publication_number("CN 114081026 A");
  auto errors = Validate(&l);
  EXPECT_THAT(errors, IsEmpty()) << Describe(errors);
  EXPECT_EQ(l.id(), "CN114081026A");
  EXPECT_EQ(l.publication_number(), "CN114081026A");
  // The kind code A gives the type when none was stated.
  EXPECT_EQ(l.patent_type(), v1::INVENTION);
}

TEST(ValidateListingTest, PublicationNumberWinsOverApplicationNumber) {
  v1::PatentListing l = GoodListing();
  l.set_publication_number("cn 215792497 u");
  l.set_application_number("ZL 201710601862.3");
  l.set_source_id("KPA0001");
  auto errors = Validate(&l);
  EXPECT_THAT(errors, IsEmpty()) << Describe(errors);
  EXPECT_EQ(l.id(), "CN215792497U");
  EXPECT_EQ(l.application_number(), "CN201710601862.3");
  EXPECT_EQ(l.patent_type(), v1::UTILITY_MODEL);
}

TEST(ValidateListingTest, IdFromApplicationNumberWithoutPublication) {
  v1::PatentListing l = GoodListing();
  l.clear_publication_number();
  l.set_application_number("ZL201710601862.3");
  l.set_source_id("KPA0001");
  auto errors = Validate(&l);
  EXPECT_THAT(errors, IsEmpty()) << Describe(errors);
  EXPECT_EQ(l.id(), "CN201710601862.3");
}

TEST(ValidateListingTest, IdFromSourceIdWithoutNumbers) {
  v1::PatentListing l = GoodListing();
  l.clear_publication_number();
  l.set_source_id("  KPA0001 ");
  auto errors = Validate(&l);
  EXPECT_THAT(errors, IsEmpty()) << Describe(errors);
  EXPECT_EQ(l.id(), "KPA0001");
  EXPECT_EQ(l.source_id(), "KPA0001");
}

TEST(ValidateListingTest, NoIdentityIsAnError) {
  v1::PatentListing l = GoodListing();
  l.clear_publication_number();
  auto errors = Validate(&l);
  ASSERT_THAT(Fields(errors), ElementsAre("listing.publication_number"));
  EXPECT_THAT(errors[0].message(), HasSubstr("required"));
}

TEST(ValidateListingTest, BadPublicationNumberIsNamed) {
  v1::PatentListing l = GoodListing();
  l.set_publication_number("114081026");
  auto errors = Validate(&l);
  ASSERT_THAT(Fields(errors), ElementsAre("listing.publication_number"));
  EXPECT_THAT(errors[0].message(), HasSubstr("114081026"));
  EXPECT_EQ(l.id(), "");
}

TEST(ValidateListingTest, BadApplicationCheckDigitIsNamed) {
  v1::PatentListing l = GoodListing();
  l.clear_publication_number();
  l.set_application_number("CN201710601862.4");
  auto errors = Validate(&l);
  ASSERT_THAT(Fields(errors), ElementsAre("listing.application_number"));
  EXPECT_THAT(errors[0].message(), HasSubstr("check digit"));
}

TEST(ValidateListingTest, SourceIdWithSpacesIsRejected) {
  v1::PatentListing l = GoodListing();
  l.clear_publication_number();
  l.set_source_id("KPA 0001");
  auto errors = Validate(&l);
  EXPECT_THAT(Fields(errors), ElementsAre("listing.source_id"));
}

TEST(ValidateListingTest, IdMustAgreeWithTheNumber) {
  v1::PatentListing l = GoodListing();
  l.set_id("CN999999999A");
  auto errors = Validate(&l);
  ASSERT_THAT(Fields(errors), ElementsAre("listing.id"));
  EXPECT_THAT(errors[0].message(), HasSubstr("CN114081026A"));

  v1::PatentListing same = GoodListing();
  same.set_id("CN114081026A");
  same.set_publication_number("CN 114081026 A");
  EXPECT_THAT(Validate(&same), IsEmpty());
}

// --- Listing fields ----------------------------------------------------------

TEST(ValidateListingTest, BadIpcCodeIsNamedByIndexAndGoodOnesNormalised) {
  v1::PatentListing l = GoodListing();
  l.clear_ipc_codes();
  l.add_ipc_codes("h01m4/525");
  l.add_ipc_codes("Z99");
  l.add_ipc_codes("H01M0004505000");
  auto errors = Validate(&l);
  ASSERT_THAT(Fields(errors), ElementsAre("listing.ipc_codes[1]"));
  EXPECT_THAT(errors[0].message(), HasSubstr("Z99"));
  EXPECT_EQ(l.ipc_codes(0), "H01M 4/525");
  EXPECT_EQ(l.ipc_codes(2), "H01M 4/505");
}

TEST(ValidateListingTest, BadDatesAreNamed) {
  struct Case {
    void (v1::PatentListing::*set)(const std::string&);
    std::string value;
    std::string field;
  };
  const std::vector<Case> cases = {
      {&v1::PatentListing::set_application_date, "2021-13-01",
       "listing.application_date"},
      {&v1::PatentListing::set_application_date, "2021-02-30",
       "listing.application_date"},
      {&v1::PatentListing::set_publication_date, "2021/03/05",
       "listing.publication_date"},
      {&v1::PatentListing::set_grant_date, "yesterday", "listing.grant_date"},
      {&v1::PatentListing::set_expiry_date, "1700-01-01",
       "listing.expiry_date"},
  };
  for (const auto& c : cases) {
    v1::PatentListing l = GoodListing();
    (l.*c.set)(c.value);
    auto errors = Validate(&l);
    ASSERT_THAT(Fields(errors), ElementsAre(c.field)) << c.value;
    if (!errors.empty()) {
      EXPECT_THAT(errors[0].message(), HasSubstr(c.value));
    }
  }
}

TEST(ValidateListingTest, DatesAreTrimmed) {
  v1::PatentListing l = GoodListing();
  l.set_grant_date(" 2023-04-07 ");
  auto errors = Validate(&l);
  EXPECT_THAT(errors, IsEmpty()) << Describe(errors);
  EXPECT_EQ(l.grant_date(), "2023-04-07");
}

TEST(ValidateListingTest, InvalidUtf8IsRejected) {
  v1::PatentListing l = GoodListing();
  l.set_title(std::string("锂电池\xff\xfe"));
  auto errors = Validate(&l);
  ASSERT_THAT(Fields(errors), ElementsAre("listing.title"));
  EXPECT_THAT(errors[0].message(), HasSubstr("UTF-8"));

  v1::PatentListing truncated = GoodListing();
  // The first two bytes of 锂 (E9 94 82).
  truncated.set_abstract(std::string("正极\xe9\x94"));
  EXPECT_THAT(Fields(Validate(&truncated)), ElementsAre("listing.abstract"));
}

TEST(ValidateListingTest, MalformedUtf8SequencesAreRejected) {
  // Regression (was a bug): CleanText (services/validation.cc) only checks lead
  // and continuation bits, so it accepts UTF-16 surrogates encoded as UTF-8 (ED
  // A0 80 = U+D800), overlong forms (E0 80 AF = '/', C0/C1 are caught but
  // E0 80..9F and F0 80..8F are not) and F4 90+ (beyond U+10FFFF). All are
  // invalid UTF-8 (RFC 3629) and should give "is not valid UTF-8".
  for (const std::string& bad :
       {std::string("a\xed\xa0\x80z"), std::string("a\xe0\x80\xafz"),
        std::string("a\xf0\x80\x80\xafz"), std::string("a\xf4\x90\x80\x80z")}) {
    v1::PatentListing l = GoodListing();
    l.set_title(bad);
    EXPECT_THAT(Fields(Validate(&l)), ElementsAre("listing.title"))
        << "bytes of length " << bad.size();
  }
}

TEST(ValidateListingTest, ControlCharactersAreRejected) {
  v1::PatentListing l = GoodListing();
  l.set_abstract("正极材料\x07与\x1b[31m");
  auto errors = Validate(&l);
  ASSERT_THAT(Fields(errors), ElementsAre("listing.abstract"));
  EXPECT_THAT(errors[0].message(), HasSubstr("U+0007"));

  v1::PatentListing del = GoodListing();
  del.set_owner_name(std::string("五邑大学\x7f"));
  EXPECT_THAT(Fields(Validate(&del)), ElementsAre("listing.owner_name"));

  v1::PatentListing nul = GoodListing();
  nul.set_title(std::string("a\0b", 3));
  EXPECT_THAT(Fields(Validate(&nul)), ElementsAre("listing.title"));

  // Tabs and line breaks are ordinary text.
  v1::PatentListing ok = GoodListing();
  ok.set_abstract("第一段\n第二段\t缩进\r\n结束");
  EXPECT_THAT(Validate(&ok), IsEmpty());
}

TEST(ValidateListingTest, C1ControlCharactersAreRejected) {
  // Regression (was a bug): CleanText (services/validation.cc) rejects only
  // ASCII control characters; the C1 controls U+0080..U+009F (here U+009B, the
  // 8-bit terminal CSI) pass, although the function promises "without control
  // characters".
  v1::PatentListing l = GoodListing();
  l.set_title(
      "正极材料\xc2\x9b"
      "31m");
  EXPECT_THAT(Fields(Validate(&l)), ElementsAre("listing.title"));
}

TEST(ValidateListingTest, OversizedAbstractNamesFieldAndLimit) {
  v1::PatentListing l = GoodListing();
  l.set_abstract(std::string(Limits::kAbstractBytes + 1, 'a'));
  auto errors = Validate(&l);
  ASSERT_THAT(Fields(errors), ElementsAre("listing.abstract"));
  EXPECT_THAT(errors[0].message(),
              HasSubstr(std::to_string(Limits::kAbstractBytes)));
  EXPECT_THAT(errors[0].message(),
              HasSubstr(std::to_string(Limits::kAbstractBytes + 1)));

  // Exactly at the limit is fine; surrounding spaces do not count.
  v1::PatentListing at_limit = GoodListing();
  at_limit.set_abstract("  " + std::string(Limits::kAbstractBytes, 'a') + " ");
  EXPECT_THAT(Validate(&at_limit), IsEmpty());
  EXPECT_EQ(at_limit.abstract().size(), Limits::kAbstractBytes);
}

TEST(ValidateListingTest, OversizedTitleIsNamed) {
  v1::PatentListing l = GoodListing();
  l.set_title(std::string(Limits::kTitleBytes + 1, 'x'));
  EXPECT_THAT(Fields(Validate(&l)), ElementsAre("listing.title"));
}

TEST(ValidateListingTest, TitleOrAbstractRequired) {
  v1::PatentListing l = GoodListing();
  l.clear_title();
  l.set_abstract("   ");
  auto errors = Validate(&l);
  EXPECT_THAT(Fields(errors), ElementsAre("listing.title"));
  v1::PatentListing only_abstract = GoodListing();
  only_abstract.clear_title();
  EXPECT_THAT(Validate(&only_abstract), IsEmpty());
}

TEST(ValidateListingTest, UnknownEnumNumbersAreRejected) {
  {
    v1::PatentListing l = GoodListing();
    l.set_patent_type(static_cast<v1::PatentType>(9));
    EXPECT_THAT(Fields(Validate(&l)), ElementsAre("listing.patent_type"));
  }
  {
    v1::PatentListing l = GoodListing();
    l.set_legal_status(static_cast<v1::LegalStatus>(17));
    auto errors = Validate(&l);
    ASSERT_THAT(Fields(errors), ElementsAre("listing.legal_status"));
    if (!errors.empty()) {
      EXPECT_THAT(errors[0].message(), HasSubstr("17"));
    }
  }
  {
    v1::PatentListing l = GoodListing();
    l.add_deal_modes(static_cast<v1::DealMode>(42));
    EXPECT_THAT(Fields(Validate(&l)), ElementsAre("listing.deal_modes[1]"));
  }
  {
    v1::PatentListing l = GoodListing();
    l.add_deal_modes(v1::DEAL_MODE_UNSPECIFIED);
    EXPECT_THAT(Fields(Validate(&l)), ElementsAre("listing.deal_modes[1]"));
  }
  {
    v1::PatentListing l = GoodListing();
    l.set_status(static_cast<v1::ListingStatus>(5));
    EXPECT_THAT(Fields(Validate(&l)), ElementsAre("listing.status"));
  }
  {
    v1::PatentListing l = GoodListing();
    l.set_maturity(static_cast<v1::Maturity>(-1));
    EXPECT_THAT(Fields(Validate(&l)), ElementsAre("listing.maturity"));
  }
  {
    v1::PatentListing l = GoodListing();
    l.set_withdrawal_reason(static_cast<v1::WithdrawalReason>(99));
    EXPECT_THAT(Fields(Validate(&l)), ElementsAre("listing.withdrawal_reason"));
  }
}

TEST(ValidateListingTest, JointDevelopmentIsNotOffered) {
  v1::PatentListing l = GoodListing();
  l.add_deal_modes(v1::JOINT_DEVELOPMENT);
  auto errors = Validate(&l);
  EXPECT_THAT(Fields(errors), ElementsAre("listing.deal_modes[1]"));
}

TEST(ValidateListingTest, PriceAndOpenLicenceTermsAreChecked) {
  v1::PatentListing l = GoodListing();
  l.mutable_asking_price()->set_min_yuan(500000);
  l.mutable_asking_price()->set_max_yuan(100000);
  l.add_deal_modes(v1::LICENCE_OPEN);
  l.mutable_open_licence()->set_royalty_rate_percent(150);
  l.mutable_open_licence()->set_declared_date("2024-02-30");
  auto errors = Validate(&l);
  EXPECT_THAT(Fields(errors), ::testing::UnorderedElementsAre(
                                  "listing.asking_price",
                                  "listing.open_licence.royalty_rate_percent",
                                  "listing.open_licence.declared_date"));
  v1::PatentListing negative = GoodListing();
  negative.mutable_asking_price()->set_min_yuan(-1);
  EXPECT_THAT(Fields(Validate(&negative)), ElementsAre("listing.asking_price"));
}

TEST(ValidateListingTest, OpenLicenceTermsWithoutOpenLicenceWarn) {
  v1::PatentListing l = GoodListing();
  l.mutable_open_licence()->set_royalty_rate_percent(3);
  std::vector<v1::FieldError> warnings;
  auto errors = ValidateListing(&l, &warnings);
  EXPECT_THAT(errors, IsEmpty()) << Describe(errors);
  EXPECT_THAT(Fields(warnings), ElementsAre("listing.open_licence"));

  v1::PatentListing offered = GoodListing();
  offered.add_deal_modes(v1::LICENCE_OPEN);
  offered.mutable_open_licence()->set_royalty_rate_percent(3);
  warnings.clear();
  EXPECT_THAT(ValidateListing(&offered, &warnings), IsEmpty());
  EXPECT_THAT(warnings, IsEmpty());
}

TEST(ValidateListingTest, TooManyListEntries) {
  v1::PatentListing l = GoodListing();
  for (int i = 0; i <= Limits::kRepeated; ++i) l.add_inventors("张三");
  auto errors = Validate(&l);
  ASSERT_THAT(Fields(errors), ElementsAre("listing.inventors"));
  EXPECT_THAT(errors[0].message(),
              HasSubstr(std::to_string(Limits::kRepeated)));
}

TEST(ValidateListingTest, BadInventorIsNamedByIndex) {
  v1::PatentListing l = GoodListing();
  l.add_inventors("张三");
  l.add_inventors(std::string("李\x01四"));
  EXPECT_THAT(Fields(Validate(&l)), ElementsAre("listing.inventors[1]"));
}

TEST(ValidateListingTest, SeveralProblemsAreAllReported) {
  v1::PatentListing l = GoodListing();
  l.add_ipc_codes("not a code");
  l.set_application_date("2021-99-99");
  l.set_owner_organisation_id("ORG 1");
  auto errors = Validate(&l);
  EXPECT_THAT(Fields(errors),
              ::testing::UnorderedElementsAre("listing.ipc_codes[1]",
                                              "listing.application_date",
                                              "listing.owner_organisation_id"));
}

// --- Demand
// -------------------------------------------------------------------

v1::Demand GoodDemand() {
  v1::Demand d;
  d.set_organisation_id("ORG000001");
  d.set_title("锂电池回收技术");
  d.set_description("需要废旧锂电池正极材料回收技术");
  d.add_ipc_hints("h01m");
  d.add_deal_modes(v1::TRANSFER);
  d.mutable_budget()->set_max_yuan(300000);
  d.set_deadline("2025-12-31");
  d.mutable_contact()->set_email("li@example.com");
  return d;
}

TEST(ValidateDemandTest, GoodDemandPassesAndIsNormalised) {
  v1::Demand d = GoodDemand();
  auto errors = ValidateDemand(&d, /*is_new=*/true);
  EXPECT_THAT(errors, IsEmpty()) << Describe(errors);
  EXPECT_EQ(d.ipc_hints(0), "H01M");
}

TEST(ValidateDemandTest, NewDemandMustNotCarryAnId) {
  v1::Demand d = GoodDemand();
  d.set_id("D000000001");
  auto errors = ValidateDemand(&d, /*is_new=*/true);
  EXPECT_THAT(Fields(errors), ElementsAre("demand.id"));
}

TEST(ValidateDemandTest, UpdateNeedsAnId) {
  v1::Demand d = GoodDemand();
  EXPECT_THAT(Fields(ValidateDemand(&d, /*is_new=*/false)),
              ElementsAre("demand.id"));
  d.set_id("D000000001");
  EXPECT_THAT(ValidateDemand(&d, /*is_new=*/false), IsEmpty());
}

TEST(ValidateDemandTest, OrganisationIdIsRequired) {
  v1::Demand d = GoodDemand();
  d.clear_organisation_id();
  auto errors = ValidateDemand(&d, /*is_new=*/true);
  ASSERT_THAT(Fields(errors), ElementsAre("demand.organisation_id"));
  EXPECT_THAT(errors[0].message(), HasSubstr("required"));
}

TEST(ValidateDemandTest, FieldProblemsAreNamed) {
  v1::Demand d = GoodDemand();
  d.add_ipc_hints("Z99");
  d.add_deal_modes(static_cast<v1::DealMode>(77));
  d.mutable_budget()->set_min_yuan(500000);
  d.set_deadline("2025-02-29");
  d.mutable_contact()->set_email("not-an-email");
  auto errors = ValidateDemand(&d, /*is_new=*/true);
  EXPECT_THAT(Fields(errors),
              ::testing::UnorderedElementsAre(
                  "demand.ipc_hints[1]", "demand.deal_modes[1]",
                  "demand.budget", "demand.deadline", "demand.contact.email"));
}

TEST(ValidateDemandTest, NeedMustBeDescribed) {
  v1::Demand d = GoodDemand();
  d.clear_title();
  d.set_description(" \n ");
  EXPECT_THAT(Fields(ValidateDemand(&d, true)),
              ElementsAre("demand.description"));
}

TEST(ValidateDemandTest, OversizedDescriptionIsNamed) {
  v1::Demand d = GoodDemand();
  d.set_description(std::string(Limits::kDescriptionBytes + 1, 'x'));
  auto errors = ValidateDemand(&d, true);
  ASSERT_THAT(Fields(errors), ElementsAre("demand.description"));
  EXPECT_THAT(errors[0].message(),
              HasSubstr(std::to_string(Limits::kDescriptionBytes)));
}

// --- Organisation ---------------------------------------------------------

v1::Organisation GoodOrganisation() {
  v1::Organisation o;
  o.set_name("五邑大学");
  o.set_kind(v1::UNIVERSITY);
  o.set_district(v1::PENGJIANG);
  o.set_credit_code("12440700455863012X");
  return o;
}

TEST(ValidateOrganisationTest, GoodOrganisationPasses) {
  v1::Organisation o = GoodOrganisation();
  auto errors = ValidateOrganisation(&o);
  EXPECT_THAT(errors, IsEmpty()) << Describe(errors);
  o.set_id("ORG000001");
  EXPECT_THAT(ValidateOrganisation(&o), IsEmpty());
}

TEST(ValidateOrganisationTest, NameAndKindRequired) {
  v1::Organisation o = GoodOrganisation();
  o.set_name("  ");
  o.set_kind(v1::ORGANISATION_KIND_UNSPECIFIED);
  EXPECT_THAT(Fields(ValidateOrganisation(&o)),
              ::testing::UnorderedElementsAre("organisation.name",
                                              "organisation.kind"));
}

TEST(ValidateOrganisationTest, BadFieldsAreNamed) {
  v1::Organisation o = GoodOrganisation();
  o.set_id("ORG 1");
  o.set_credit_code("12345");
  o.set_district(static_cast<v1::District>(42));
  o.add_industries("新能源");
  o.add_industries(std::string(Limits::kShortTextBytes + 1, 'x'));
  EXPECT_THAT(Fields(ValidateOrganisation(&o)),
              ::testing::UnorderedElementsAre(
                  "organisation.id", "organisation.credit_code",
                  "organisation.district", "organisation.industries[1]"));
}

// --- Need query and filter --------------------------------------------------

TEST(ValidateNeedQueryTest, TextOrKeywordsRequired) {
  v1::NeedQuery empty;
  EXPECT_THAT(Fields(ValidateNeedQuery(&empty, "need")),
              ElementsAre("need.text"));
  v1::NeedQuery keywords;
  keywords.add_keywords("锂电池");
  EXPECT_THAT(ValidateNeedQuery(&keywords, "need"), IsEmpty());
}

TEST(ValidateNeedQueryTest, FieldsAreNamedUnderTheGivenPrefix) {
  v1::NeedQuery n;
  n.set_text("  锂电池正极材料  ");
  n.add_ipc_hints("H01M 4/525");
  n.add_ipc_hints("H01M 4/5");
  n.add_deal_modes(static_cast<v1::DealMode>(8));
  n.mutable_budget()->set_max_yuan(-5);
  n.set_district(static_cast<v1::District>(9));
  auto errors = ValidateNeedQuery(&n, "request.need");
  EXPECT_THAT(Fields(errors),
              ::testing::UnorderedElementsAre(
                  "request.need.ipc_hints[1]", "request.need.deal_modes[0]",
                  "request.need.budget", "request.need.district"));
  EXPECT_EQ(n.text(), "锂电池正极材料");
}

TEST(ValidateNeedQueryTest, IpcHintsAreNormalised) {
  v1::NeedQuery n;
  n.set_text("电池");
  n.add_ipc_hints("Ｈ０１Ｍ");
  EXPECT_THAT(ValidateNeedQuery(&n, "need"), IsEmpty());
  EXPECT_EQ(n.ipc_hints(0), "H01M");
}

TEST(ValidateFilterTest, GoodFilterPasses) {
  v1::PatentFilter f;
  f.add_deal_modes(v1::LICENCE_OPEN);
  f.add_patent_types(v1::INVENTION);
  f.add_owner_kinds(v1::UNIVERSITY);
  f.add_owner_districts(v1::OUTSIDE_JIANGMEN);
  f.add_industry_tags("新能源");
  f.add_ipc_prefixes("H01M 4/");
  EXPECT_THAT(ValidateFilter(f, "filter"), IsEmpty());
}

TEST(ValidateFilterTest, UnknownEnumNumbersAreNamed) {
  v1::PatentFilter f;
  f.add_deal_modes(v1::TRANSFER);
  f.add_deal_modes(static_cast<v1::DealMode>(99));
  f.add_patent_types(static_cast<v1::PatentType>(4));
  f.add_owner_kinds(v1::ORGANISATION_KIND_UNSPECIFIED);
  f.add_owner_districts(static_cast<v1::District>(9));
  EXPECT_THAT(Fields(ValidateFilter(f, "filter")),
              ::testing::UnorderedElementsAre(
                  "filter.deal_modes[1]", "filter.patent_types[0]",
                  "filter.owner_kinds[0]", "filter.owner_districts[0]"));
}

TEST(ValidateFilterTest, OversizedValuesAreRejected) {
  v1::PatentFilter f;
  f.add_ipc_prefixes(std::string(33, 'H'));
  f.add_industry_tags(std::string(Limits::kShortTextBytes + 1, 'x'));
  EXPECT_THAT(Fields(ValidateFilter(f, "filter")),
              ::testing::UnorderedElementsAre("filter.ipc_prefixes[0]",
                                              "filter.industry_tags[0]"));
  v1::PatentFilter many;
  for (int i = 0; i <= Limits::kRepeated; ++i) many.add_industry_tags("x");
  EXPECT_THAT(Fields(ValidateFilter(many, "filter")), ElementsAre("filter"));
}

// --- Ids --------------------------------------------------------------------

TEST(ValidateIdTest, AcceptsOrdinaryIds) {
  for (const char* id : {"CN114081026A", "D000000001", "ORG000042", "KPA0001",
                         "CN201710601862.3", "US5535303"}) {
    EXPECT_THAT(ValidateId(id, "id"), IsEmpty()) << id;
  }
}

TEST(ValidateIdTest, RejectsEmptyLongSpacesAndControls) {
  EXPECT_THAT(Fields(ValidateId("", "request.id")), ElementsAre("request.id"));
  ASSERT_EQ(ValidateId("", "id").size(), 1u);
  EXPECT_THAT(ValidateId("", "id")[0].message(), HasSubstr("required"));
  EXPECT_THAT(Fields(ValidateId(std::string(Limits::kIdBytes + 1, 'a'), "id")),
              ElementsAre("id"));
  EXPECT_THAT(ValidateId(std::string(Limits::kIdBytes, 'a'), "id"), IsEmpty());
  for (const std::string& bad :
       {std::string("CN 114081026A"), std::string(" CN1A"),
        std::string("CN1A\n"), std::string("CN\tA"), std::string("a\x7f"),
        std::string("a\0b", 3), std::string("a\xff")}) {
    EXPECT_THAT(Fields(ValidateId(bad, "id")), ElementsAre("id"))
        << "accepted an id of " << bad.size() << " bytes";
  }
}

}  // namespace
}  // namespace patentmatch
