// Tests for matcher/ranking.h: each feature's value, the explanation a
// commissioner reads, and how features add up to the score.
#include "matcher/ranking.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "matcher/ranking_weights.h"
#include "patentmatch/v1/patentmatch.pb.h"

namespace patentmatch::matcher {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const absl::CivilDay kToday(2025, 1, 1);

v1::PatentListing BasePatent() {
  v1::PatentListing p;
  p.set_id("CN114081026A");
  p.set_title("一种锂电池正极材料");
  p.set_legal_status(v1::IN_FORCE);
  p.set_status(v1::LISTING_ACTIVE);
  return p;
}

const v1::FeatureContribution* FindFeature(const v1::Explanation& e,
                                           const std::string& name) {
  for (const auto& f : e.features()) {
    if (f.feature() == name) return &f;
  }
  return nullptr;
}

// Scores with everything else neutral and returns one feature.
v1::FeatureContribution Feature(const v1::NeedQuery& need,
                                const v1::PatentListing& patent,
                                const std::string& name,
                                ScoredPair* out = nullptr) {
  ScoredPair s = ScorePair(need, patent, {}, RankingWeights(), kToday);
  if (out != nullptr) *out = s;
  const v1::FeatureContribution* f = FindFeature(s.explanation, name);
  EXPECT_NE(f, nullptr) << "no feature " << name;
  return f != nullptr ? *f : v1::FeatureContribution();
}

// --- IPC overlap -----------------------------------------------------------

struct IpcCase {
  std::string hint;
  std::string level;
  std::string code;
};

TEST(RankingIpcTest, OverlapLevels) {
  v1::PatentListing patent = BasePatent();
  patent.add_ipc_codes("H01M 4/525");
  const std::vector<IpcCase> cases = {
      {"H01M", "subclass", "H01M"},
      {"H01", "class", "H01"},
      {"H", "section", "H"},
      {"H02J", "section", "H"},
      {"H01B", "class", "H01"},
      {"H01M 4/00", "group", "H01M 4"},
      {"H01M 10/0525", "subclass", "H01M"},
      {"H01M 4/525", "subgroup", "H01M 4/525"},
  };
  for (const auto& c : cases) {
    v1::NeedQuery need;
    need.add_ipc_hints(c.hint);
    ScoredPair s;
    v1::FeatureContribution f = Feature(need, patent, "ipc_overlap", &s);
    EXPECT_EQ(s.explanation.ipc_overlap_level(), c.level) << c.hint;
    EXPECT_EQ(s.explanation.ipc_overlap_code(), c.code) << c.hint;
    EXPECT_GT(f.value(), 0) << c.hint;
    EXPECT_THAT(f.reason(), HasSubstr(c.code)) << c.hint;
  }
}

TEST(RankingIpcTest, DeeperOverlapScoresHigher) {
  v1::PatentListing patent = BasePatent();
  patent.add_ipc_codes("H01M 4/525");
  double last = -2;
  for (const char* hint : {"G06F", "H", "H01", "H01M", "H01M 4/525"}) {
    v1::NeedQuery need;
    need.add_ipc_hints(hint);
    const double value = Feature(need, patent, "ipc_overlap").value();
    EXPECT_GT(value, last) << hint;
    last = value;
  }
  EXPECT_DOUBLE_EQ(last, 1.0);
}

TEST(RankingIpcTest, NoOverlapIsNegativeWithLevelNone) {
  v1::PatentListing patent = BasePatent();
  patent.add_ipc_codes("H01M 4/525");
  v1::NeedQuery need;
  need.add_ipc_hints("G06F");
  ScoredPair s;
  v1::FeatureContribution f = Feature(need, patent, "ipc_overlap", &s);
  EXPECT_LT(f.value(), 0);
  EXPECT_LT(f.contribution(), 0);
  EXPECT_EQ(s.explanation.ipc_overlap_level(), "none");
  EXPECT_EQ(s.explanation.ipc_overlap_code(), "");
  EXPECT_THAT(f.reason(), HasSubstr("G06F"));
}

TEST(RankingIpcTest, BestOfSeveralCodesAndHints) {
  v1::PatentListing patent = BasePatent();
  patent.add_ipc_codes("G06F 17/30");
  patent.add_ipc_codes("H01M 10/0525");
  v1::NeedQuery need;
  need.add_ipc_hints("A61K");
  need.add_ipc_hints("H01M 10/0525");
  ScoredPair s;
  v1::FeatureContribution f = Feature(need, patent, "ipc_overlap", &s);
  EXPECT_EQ(s.explanation.ipc_overlap_level(), "subgroup");
  EXPECT_EQ(s.explanation.ipc_overlap_code(), "H01M 10/0525");
  EXPECT_DOUBLE_EQ(f.value(), 1.0);
}

TEST(RankingIpcTest, MissingCodesAreNeutral) {
  v1::PatentListing with_codes = BasePatent();
  with_codes.add_ipc_codes("H01M 4/525");
  v1::NeedQuery no_hints;
  ScoredPair s;
  EXPECT_EQ(Feature(no_hints, with_codes, "ipc_overlap", &s).value(), 0);
  EXPECT_EQ(s.explanation.ipc_overlap_level(), "none");

  v1::NeedQuery need;
  need.add_ipc_hints("H01M");
  v1::FeatureContribution f = Feature(need, BasePatent(), "ipc_overlap");
  EXPECT_EQ(f.value(), 0);
  EXPECT_THAT(f.reason(), HasSubstr("no IPC"));
}

// --- Deal mode -------------------------------------------------------------

double DealValue(std::vector<v1::DealMode> wanted,
                 std::vector<v1::DealMode> offered, std::string* reason) {
  v1::NeedQuery need;
  for (auto m : wanted) need.add_deal_modes(m);
  v1::PatentListing patent = BasePatent();
  for (auto m : offered) patent.add_deal_modes(m);
  v1::FeatureContribution f = Feature(need, patent, "deal_mode");
  if (reason != nullptr) *reason = f.reason();
  return f.value();
}

TEST(RankingDealModeTest, ExactMatchIsPlusOne) {
  std::string reason;
  EXPECT_DOUBLE_EQ(
      DealValue({v1::TRANSFER}, {v1::LICENCE_OPEN, v1::TRANSFER}, &reason), 1);
  EXPECT_THAT(reason, HasSubstr("transfer"));
}

TEST(RankingDealModeTest, AnotherKindOfLicenceIsHalf) {
  std::string reason;
  EXPECT_DOUBLE_EQ(
      DealValue({v1::LICENCE_EXCLUSIVE}, {v1::LICENCE_OPEN}, &reason), 0.5);
  EXPECT_THAT(reason, HasSubstr("licence"));
  EXPECT_DOUBLE_EQ(
      DealValue({v1::LICENCE_ORDINARY}, {v1::LICENCE_SOLE}, nullptr), 0.5);
}

TEST(RankingDealModeTest, DisjointIsMinusOne) {
  std::string reason;
  EXPECT_DOUBLE_EQ(DealValue({v1::TRANSFER}, {v1::LICENCE_ORDINARY}, &reason),
                   -1);
  EXPECT_THAT(reason, HasSubstr("licence_ordinary"));
  EXPECT_DOUBLE_EQ(DealValue({v1::JOINT_DEVELOPMENT}, {v1::TRANSFER}, nullptr),
                   -1);
  EXPECT_DOUBLE_EQ(DealValue({v1::LICENCE_OPEN}, {v1::EQUITY}, nullptr), -1);
}

TEST(RankingDealModeTest, UnknownOnEitherSideIsZero) {
  EXPECT_DOUBLE_EQ(DealValue({}, {v1::TRANSFER}, nullptr), 0);
  EXPECT_DOUBLE_EQ(DealValue({v1::TRANSFER}, {}, nullptr), 0);
}

// --- Budget ----------------------------------------------------------------

TEST(RankingBudgetTest, WithinBudgetIsPlusOne) {
  v1::NeedQuery need;
  need.mutable_budget()->set_max_yuan(500000);
  v1::PatentListing patent = BasePatent();
  patent.mutable_asking_price()->set_min_yuan(200000);
  v1::FeatureContribution f = Feature(need, patent, "budget");
  EXPECT_DOUBLE_EQ(f.value(), 1);
  EXPECT_THAT(f.reason(), HasSubstr("20万元"));
  EXPECT_THAT(f.reason(), HasSubstr("50万元"));
  patent.mutable_asking_price()->set_min_yuan(500000);  // exactly the budget
  EXPECT_DOUBLE_EQ(Feature(need, patent, "budget").value(), 1);
}

TEST(RankingBudgetTest, OverBudgetIsNegativeAndGrowsWithTheExcess) {
  v1::NeedQuery need;
  need.mutable_budget()->set_max_yuan(500000);
  v1::PatentListing patent = BasePatent();
  patent.mutable_asking_price()->set_min_yuan(750000);
  v1::FeatureContribution f = Feature(need, patent, "budget");
  EXPECT_DOUBLE_EQ(f.value(), -0.5);
  EXPECT_THAT(f.reason(), HasSubstr("50%"));
  patent.mutable_asking_price()->set_min_yuan(5000000);
  EXPECT_DOUBLE_EQ(Feature(need, patent, "budget").value(), -1);
}

TEST(RankingBudgetTest, OpenLicenceFixedRoyaltyCountsAsPrice) {
  v1::NeedQuery need;
  need.mutable_budget()->set_max_yuan(10000);
  v1::PatentListing patent = BasePatent();
  patent.mutable_open_licence()->set_royalty_fixed_yuan(30000);
  EXPECT_LT(Feature(need, patent, "budget").value(), 0);
}

TEST(RankingBudgetTest, UnstatedIsNeutral) {
  v1::NeedQuery need;
  v1::PatentListing patent = BasePatent();
  patent.mutable_asking_price()->set_min_yuan(750000);
  EXPECT_EQ(Feature(need, patent, "budget").value(), 0);
  need.mutable_budget()->set_max_yuan(500000);
  EXPECT_EQ(Feature(need, BasePatent(), "budget").value(), 0);
}

// --- Remaining life --------------------------------------------------------

TEST(RankingRemainingLifeTest, FromApplicationDateAndType) {
  v1::NeedQuery need;
  v1::PatentListing invention = BasePatent();
  invention.set_patent_type(v1::INVENTION);
  invention.set_application_date("2020-01-01");  // ends 2040: 15 years left
  v1::FeatureContribution f = Feature(need, invention, "remaining_life");
  EXPECT_DOUBLE_EQ(f.value(), 1);
  EXPECT_THAT(f.reason(), HasSubstr("15.0 years"));

  v1::PatentListing utility = invention;
  utility.set_patent_type(v1::UTILITY_MODEL);  // ends 2030: 5 years left
  EXPECT_NEAR(Feature(need, utility, "remaining_life").value(), 0.5, 1e-3);
}

TEST(RankingRemainingLifeTest, EndedProtectionIsMinusOne) {
  v1::NeedQuery need;
  v1::PatentListing old = BasePatent();
  old.set_patent_type(v1::UTILITY_MODEL);
  old.set_application_date("2010-05-01");
  v1::FeatureContribution f = Feature(need, old, "remaining_life");
  EXPECT_DOUBLE_EQ(f.value(), -1);
  EXPECT_THAT(f.reason(), HasSubstr("ended"));
}

TEST(RankingRemainingLifeTest, ExpiryDateWins) {
  v1::NeedQuery need;
  v1::PatentListing p = BasePatent();
  p.set_patent_type(v1::INVENTION);
  p.set_application_date("2020-01-01");
  p.set_expiry_date("2024-06-30");
  EXPECT_DOUBLE_EQ(Feature(need, p, "remaining_life").value(), -1);
}

TEST(RankingRemainingLifeTest, UnknownIsNeutral) {
  v1::NeedQuery need;
  v1::PatentListing p = BasePatent();
  p.set_application_date("2020-01-01");  // type unknown
  v1::FeatureContribution f = Feature(need, p, "remaining_life");
  EXPECT_EQ(f.value(), 0);
  EXPECT_THAT(f.reason(), HasSubstr("unknown"));
}

// --- District, open licence, owner kind, industry --------------------------

TEST(RankingDistrictTest, Values) {
  v1::NeedQuery need;
  need.set_district(v1::PENGJIANG);
  v1::PatentListing p = BasePatent();
  p.set_owner_district(v1::PENGJIANG);
  v1::FeatureContribution same = Feature(need, p, "district");
  EXPECT_DOUBLE_EQ(same.value(), 1);
  EXPECT_THAT(same.reason(), HasSubstr("PENGJIANG"));
  p.set_owner_district(v1::TAISHAN);
  EXPECT_DOUBLE_EQ(Feature(need, p, "district").value(), 0.5);
  p.set_owner_district(v1::OUTSIDE_JIANGMEN);
  EXPECT_DOUBLE_EQ(Feature(need, p, "district").value(), 0);
  p.set_owner_district(v1::DISTRICT_UNSPECIFIED);
  EXPECT_DOUBLE_EQ(Feature(need, p, "district").value(), 0);
}

TEST(RankingOpenLicenceTest, Values) {
  v1::PatentListing open = BasePatent();
  open.add_deal_modes(v1::LICENCE_OPEN);
  v1::NeedQuery any;
  EXPECT_DOUBLE_EQ(Feature(any, open, "open_licence").value(), 1);
  v1::NeedQuery licence;
  licence.add_deal_modes(v1::LICENCE_ORDINARY);
  EXPECT_DOUBLE_EQ(Feature(licence, open, "open_licence").value(), 1);
  v1::NeedQuery transfer;
  transfer.add_deal_modes(v1::TRANSFER);
  EXPECT_DOUBLE_EQ(Feature(transfer, open, "open_licence").value(), 0);
  v1::PatentListing closed = BasePatent();
  closed.add_deal_modes(v1::LICENCE_ORDINARY);
  EXPECT_DOUBLE_EQ(Feature(any, closed, "open_licence").value(), 0);
}

TEST(RankingOwnerKindTest, Values) {
  v1::NeedQuery need;
  v1::PatentListing p = BasePatent();
  p.set_owner_kind(v1::UNIVERSITY);
  EXPECT_DOUBLE_EQ(Feature(need, p, "owner_kind").value(), 1);
  p.set_owner_kind(v1::RESEARCH_INSTITUTE);
  EXPECT_DOUBLE_EQ(Feature(need, p, "owner_kind").value(), 1);
  p.set_owner_kind(v1::PRIVATE_COMPANY);
  EXPECT_DOUBLE_EQ(Feature(need, p, "owner_kind").value(), 0);
  p.set_owner_kind(v1::ORGANISATION_KIND_UNSPECIFIED);
  EXPECT_DOUBLE_EQ(Feature(need, p, "owner_kind").value(), 0);
}

TEST(RankingIndustryTest, Values) {
  v1::NeedQuery need;
  need.set_industry("新能源");
  v1::PatentListing p = BasePatent();
  p.add_industry_tags("新能源");
  v1::FeatureContribution f = Feature(need, p, "industry");
  EXPECT_DOUBLE_EQ(f.value(), 1);
  EXPECT_THAT(f.reason(), HasSubstr("新能源"));
  v1::PatentListing other = BasePatent();
  other.add_industry_tags("照明");
  EXPECT_LT(Feature(need, other, "industry").value(), 0);
  EXPECT_DOUBLE_EQ(Feature(need, BasePatent(), "industry").value(), 0);
}

// --- Score and explanation -------------------------------------------------

v1::NeedQuery RichNeed() {
  v1::NeedQuery need;
  need.set_text("锂电池正极材料");
  need.add_ipc_hints("H01M");
  need.set_industry("新能源");
  need.add_deal_modes(v1::TRANSFER);
  need.mutable_budget()->set_max_yuan(300000);
  need.set_district(v1::PENGJIANG);
  return need;
}

v1::PatentListing RichPatent() {
  v1::PatentListing p = BasePatent();
  p.add_ipc_codes("H01M 4/525");
  p.add_industry_tags("新能源");
  p.add_deal_modes(v1::LICENCE_OPEN);
  p.mutable_asking_price()->set_min_yuan(500000);
  p.set_patent_type(v1::INVENTION);
  p.set_application_date("2021-03-15");
  p.set_owner_district(v1::JIANGHAI);
  p.set_owner_kind(v1::UNIVERSITY);
  return p;
}

TEST(RankingScoreTest, ScoreIsTheSumOfContributions) {
  PairEvidence evidence{.text_relevance = 0.8,
                        .matched_terms = {"锂电池", "正极材料"}};
  ScoredPair s =
      ScorePair(RichNeed(), RichPatent(), evidence, RankingWeights(), kToday);
  double sum = 0;
  for (const auto& f : s.explanation.features()) {
    EXPECT_DOUBLE_EQ(f.contribution(), f.weight() * f.value()) << f.feature();
    EXPECT_GE(f.value(), -1) << f.feature();
    EXPECT_LE(f.value(), 1) << f.feature();
    EXPECT_FALSE(f.reason().empty()) << f.feature();
    sum += f.contribution();
  }
  EXPECT_NEAR(s.score, sum, 1e-12);
  // Every feature is reported, with the configured weight.
  const RankingWeights w;
  const std::vector<std::pair<std::string, double>> expected = {
      {"text_relevance", w.text_relevance},
      {"ipc_overlap", w.ipc_overlap},
      {"industry", w.industry},
      {"deal_mode", w.deal_mode},
      {"budget", w.budget},
      {"remaining_life", w.remaining_life},
      {"district", w.district},
      {"open_licence", w.open_licence},
      {"owner_kind", w.owner_kind}};
  ASSERT_EQ(s.explanation.features_size(), static_cast<int>(expected.size()));
  for (const auto& [name, weight] : expected) {
    const v1::FeatureContribution* f = FindFeature(s.explanation, name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_DOUBLE_EQ(f->weight(), weight) << name;
  }
  const v1::FeatureContribution* text =
      FindFeature(s.explanation, "text_relevance");
  EXPECT_DOUBLE_EQ(text->value(), 0.8);
}

TEST(RankingScoreTest, WeightsAreApplied) {
  PairEvidence evidence{.text_relevance = 0.5, .matched_terms = {}};
  RankingWeights no_ipc;
  no_ipc.ipc_overlap = 0;
  ScoredPair with =
      ScorePair(RichNeed(), RichPatent(), evidence, RankingWeights(), kToday);
  ScoredPair without =
      ScorePair(RichNeed(), RichPatent(), evidence, no_ipc, kToday);
  // H01M vs H01M 4/525: subclass, 0.75 × 0.20.
  EXPECT_NEAR(with.score - without.score, 0.75 * 0.20, 1e-12);
}

TEST(RankingScoreTest, TextRelevanceIsClamped) {
  v1::NeedQuery need;
  ScoredPair high = ScorePair(need, BasePatent(), {.text_relevance = 3.0},
                              RankingWeights(), kToday);
  ScoredPair low = ScorePair(need, BasePatent(), {.text_relevance = -2.0},
                             RankingWeights(), kToday);
  EXPECT_DOUBLE_EQ(FindFeature(high.explanation, "text_relevance")->value(),
                   1.0);
  EXPECT_DOUBLE_EQ(FindFeature(low.explanation, "text_relevance")->value(),
                   0.0);
}

TEST(RankingScoreTest, WithOnlyTextEvidenceOrderFollowsRelevance) {
  v1::NeedQuery need;
  need.set_text("锂电池");
  std::vector<std::pair<double, std::string>> scored;
  for (const auto& [relevance, id] :
       std::vector<std::pair<double, std::string>>{
           {0.3, "C"}, {1.0, "A"}, {0.7, "B"}, {0.0, "D"}}) {
    v1::PatentListing p = BasePatent();
    p.set_id(id);
    ScoredPair s = ScorePair(need, p, {.text_relevance = relevance},
                             RankingWeights(), kToday);
    scored.emplace_back(s.score, id);
  }
  std::sort(scored.rbegin(), scored.rend());
  std::vector<std::string> order;
  for (const auto& [score, id] : scored) order.push_back(id);
  EXPECT_EQ(order, (std::vector<std::string>{"A", "B", "C", "D"}));
  EXPECT_DOUBLE_EQ(scored[0].first, 1.0);
}

TEST(RankingScoreTest, BetterFitWinsAtEqualText) {
  PairEvidence evidence{.text_relevance = 0.6, .matched_terms = {"锂电池"}};
  v1::PatentListing fitting = RichPatent();
  fitting.clear_deal_modes();
  fitting.add_deal_modes(v1::TRANSFER);
  fitting.mutable_asking_price()->set_min_yuan(200000);
  v1::PatentListing misfit = RichPatent();
  misfit.clear_ipc_codes();
  misfit.add_ipc_codes("G06F 17/30");
  misfit.clear_deal_modes();
  misfit.add_deal_modes(v1::LICENCE_ORDINARY);
  const double a =
      ScorePair(RichNeed(), fitting, evidence, RankingWeights(), kToday).score;
  const double b =
      ScorePair(RichNeed(), misfit, evidence, RankingWeights(), kToday).score;
  EXPECT_GT(a, b);
}

TEST(RankingExplanationTest, SummaryMentionsMatchedTermsAndReasons) {
  PairEvidence evidence{.text_relevance = 0.8,
                        .matched_terms = {"锂电池", "正极材料"}};
  ScoredPair s =
      ScorePair(RichNeed(), RichPatent(), evidence, RankingWeights(), kToday);
  EXPECT_THAT(s.explanation.matched_terms(),
              ::testing::ElementsAre("锂电池", "正极材料"));
  const std::string& summary = s.explanation.summary();
  EXPECT_THAT(summary, HasSubstr("锂电池"));
  EXPECT_THAT(summary, HasSubstr("正极材料"));
  EXPECT_THAT(summary, HasSubstr("0.80"));
  // Features that moved the score are explained, with their sign.
  EXPECT_THAT(summary, HasSubstr("+ same IPC subclass H01M"));
  EXPECT_THAT(summary, HasSubstr("- "));  // over budget, other licence...
  EXPECT_THAT(summary, HasSubstr("over budget"));
  // Legal status is recorded: no warning.
  EXPECT_THAT(summary, Not(HasSubstr("legal status")));
}

TEST(RankingExplanationTest, SummaryPutsTheStrongestFeatureFirst) {
  PairEvidence evidence{.text_relevance = 0.5, .matched_terms = {"电池"}};
  ScoredPair s =
      ScorePair(RichNeed(), RichPatent(), evidence, RankingWeights(), kToday);
  const std::string& summary = s.explanation.summary();
  // IPC (0.75 × 0.20 = 0.15) outweighs district (0.5 × 0.05).
  const size_t ipc = summary.find("same IPC");
  const size_t district = summary.find("both in Jiangmen");
  ASSERT_NE(ipc, std::string::npos) << summary;
  ASSERT_NE(district, std::string::npos) << summary;
  EXPECT_LT(ipc, district);
}

TEST(RankingExplanationTest, WarnsWhenLegalStatusIsUnknown) {
  v1::PatentListing p = BasePatent();
  p.set_legal_status(v1::LEGAL_STATUS_UNSPECIFIED);
  ScoredPair s = ScorePair(v1::NeedQuery(), p, {.text_relevance = 0.4},
                           RankingWeights(), kToday);
  EXPECT_THAT(s.explanation.summary(), HasSubstr("legal status not recorded"));
  EXPECT_THAT(s.explanation.summary(), HasSubstr("text relevance 0.40"));
}

TEST(RankingExplanationTest, ShowsAtMostSixMatchedTermsInSummary) {
  PairEvidence evidence{
      .text_relevance = 1,
      .matched_terms = {"t1", "t2", "t3", "t4", "t5", "t6", "t7"}};
  ScoredPair s = ScorePair(v1::NeedQuery(), BasePatent(), evidence,
                           RankingWeights(), kToday);
  EXPECT_THAT(s.explanation.summary(), HasSubstr("t6"));
  EXPECT_THAT(s.explanation.summary(), Not(HasSubstr("t7")));
  EXPECT_EQ(s.explanation.matched_terms_size(), 7);
}

// --- Helpers ---------------------------------------------------------------

TEST(IsSuggestableTest, ActiveAndNotDeadOnly) {
  v1::PatentListing p = BasePatent();
  EXPECT_TRUE(IsSuggestable(p));
  for (auto s : {v1::LEGAL_STATUS_UNSPECIFIED, v1::PENDING, v1::IN_FORCE}) {
    p.set_legal_status(s);
    EXPECT_TRUE(IsSuggestable(p)) << s;
  }
  for (auto s : {v1::LAPSED, v1::EXPIRED, v1::INVALIDATED}) {
    p.set_legal_status(s);
    EXPECT_FALSE(IsSuggestable(p)) << s;
  }
  v1::PatentListing withdrawn = BasePatent();
  withdrawn.set_status(v1::LISTING_WITHDRAWN);
  EXPECT_FALSE(IsSuggestable(withdrawn));
  v1::PatentListing unstated = BasePatent();
  unstated.set_status(v1::LISTING_STATUS_UNSPECIFIED);
  EXPECT_TRUE(IsSuggestable(unstated));
}

TEST(NeedQueryFromDemandTest, CopiesTheNeed) {
  v1::Demand d;
  d.set_id("D000000001");
  d.set_title("锂电池回收");
  d.set_description("需要废旧锂电池回收技术");
  d.add_ipc_hints("H01M");
  d.add_keywords("回收");
  d.set_industry("新能源");
  d.add_deal_modes(v1::TRANSFER);
  d.mutable_budget()->set_max_yuan(100000);
  d.set_district(v1::XINHUI);
  d.mutable_contact()->set_phone("13800000000");
  v1::NeedQuery need = NeedQueryFromDemand(d);
  // The description is the free text; the title, the company's own summary,
  // joins the keywords (which weigh more in retrieval) as a separate entry.
  EXPECT_EQ(need.text(), "需要废旧锂电池回收技术");
  ASSERT_EQ(need.ipc_hints_size(), 1);
  EXPECT_EQ(need.ipc_hints(0), "H01M");
  ASSERT_EQ(need.keywords_size(), 2);
  EXPECT_EQ(need.keywords(0), "回收");
  EXPECT_EQ(need.keywords(1), "锂电池回收");
  EXPECT_EQ(need.industry(), "新能源");
  ASSERT_EQ(need.deal_modes_size(), 1);
  EXPECT_EQ(need.deal_modes(0), v1::TRANSFER);
  EXPECT_EQ(need.budget().max_yuan(), 100000);
  EXPECT_EQ(need.district(), v1::XINHUI);
}

absl::CivilDay Ends(v1::PatentType type, const std::string& filed) {
  v1::PatentListing p;
  p.set_patent_type(type);
  p.set_application_date(filed);
  absl::CivilDay end;
  EXPECT_TRUE(ProtectionEnds(p, &end)) << filed;
  return end;
}

TEST(ListingHeadlineTest, TitleElseTheStartOfTheAbstractElseTheId) {
  v1::PatentListing p;
  p.set_id("KPA0840");
  EXPECT_EQ(ListingHeadline(p), "KPA0840");
  p.set_abstract("本发明公开了一种储能柜");  // 11 characters, 33 bytes
  EXPECT_EQ(ListingHeadline(p), "本发明公开了一种储能柜");
  EXPECT_EQ(ListingHeadline(p, 11), "本发明公开了一种储能柜");
  // Cut at characters, never inside one.
  EXPECT_EQ(ListingHeadline(p, 5), "本发明公开…");
  p.set_abstract("A battery 电池 pack");
  EXPECT_EQ(ListingHeadline(p, 11), "A battery 电…");
  p.set_title("一种储能柜");
  EXPECT_EQ(ListingHeadline(p, 2), "一种储能柜") << "titles are not cut";
}

TEST(ProtectionEndsTest, TermsByType) {
  EXPECT_EQ(Ends(v1::INVENTION, "2015-03-10"), absl::CivilDay(2035, 3, 10));
  EXPECT_EQ(Ends(v1::UTILITY_MODEL, "2015-03-10"), absl::CivilDay(2025, 3, 10));
  // Designs: 15 years if filed since 2021-06-01, 10 before.
  EXPECT_EQ(Ends(v1::DESIGN, "2021-06-01"), absl::CivilDay(2036, 6, 1));
  EXPECT_EQ(Ends(v1::DESIGN, "2021-05-31"), absl::CivilDay(2031, 5, 31));
}

TEST(ProtectionEndsTest, ExpiryDateTakesPrecedence) {
  v1::PatentListing p;
  p.set_patent_type(v1::INVENTION);
  p.set_application_date("2015-03-10");
  p.set_expiry_date("2030-01-31");
  absl::CivilDay end;
  ASSERT_TRUE(ProtectionEnds(p, &end));
  EXPECT_EQ(end, absl::CivilDay(2030, 1, 31));
}

TEST(ProtectionEndsTest, UnknownWithoutDateOrType) {
  absl::CivilDay end;
  v1::PatentListing no_date;
  no_date.set_patent_type(v1::INVENTION);
  EXPECT_FALSE(ProtectionEnds(no_date, &end));
  v1::PatentListing no_type;
  no_type.set_application_date("2015-03-10");
  EXPECT_FALSE(ProtectionEnds(no_type, &end));
  v1::PatentListing bad_date;
  bad_date.set_patent_type(v1::INVENTION);
  bad_date.set_application_date("2015/03/10");
  EXPECT_FALSE(ProtectionEnds(bad_date, &end));
}

TEST(ProtectionEndsTest, LeapDayFilingEndsInFebruary) {
  // Regression (was a bug): ProtectionEnds (ranking.cc) builds
  // CivilDay(filed.year() + years, filed.month(), filed.day()); for a filing
  // on 29 February and a non-leap end year, absl normalises 02-29 to 03-01,
  // so protection appears to last one day beyond the term. It should end on
  // 28 February.
  EXPECT_EQ(Ends(v1::UTILITY_MODEL, "2008-02-29"), absl::CivilDay(2018, 2, 28));
  // A leap end year keeps the day.
  EXPECT_EQ(Ends(v1::INVENTION, "2008-02-29"), absl::CivilDay(2028, 2, 29));
}

}  // namespace
}  // namespace patentmatch::matcher
