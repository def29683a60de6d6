// Tests for indexer/search_index.h: the derived Xapian index. A small
// catalogue of listings (active, lapsed, withdrawn...) and demands is indexed
// into a per-test directory; searches check what is found, what the hard
// filters keep out, and what the hits say about why they matched.
#include "indexer/search_index.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "patentmatch/v1/patentmatch.pb.h"
#include "tests/unit/test_dir.h"

namespace patentmatch::indexer {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

struct ListingSpec {
  std::string id;
  std::string title;
  std::string abstract;
  std::vector<std::string> ipc;
  v1::PatentType type = v1::INVENTION;
  std::vector<v1::DealMode> modes;
  v1::OrganisationKind owner_kind = v1::ORGANISATION_KIND_UNSPECIFIED;
  v1::District district = v1::DISTRICT_UNSPECIFIED;
  std::vector<std::string> industries;
  v1::LegalStatus legal = v1::IN_FORCE;
  v1::ListingStatus status = v1::LISTING_ACTIVE;
};

v1::PatentListing Listing(const ListingSpec& s) {
  v1::PatentListing p;
  p.set_id(s.id);
  p.set_publication_number(s.id);
  p.set_title(s.title);
  p.set_abstract(s.abstract);
  for (const auto& c : s.ipc) p.add_ipc_codes(c);
  p.set_patent_type(s.type);
  for (auto m : s.modes) p.add_deal_modes(m);
  p.set_owner_kind(s.owner_kind);
  p.set_owner_district(s.district);
  for (const auto& t : s.industries) p.add_industry_tags(t);
  p.set_legal_status(s.legal);
  p.set_status(s.status);
  return p;
}

// Active listings.
const ListingSpec kCathode = {
    .id = "CN111A",
    .title = "一种锂电池正极材料",
    .abstract =
        "本发明公开了一种锂电池正极材料，提高电池循环寿命。A cathode "
        "material for lithium batteries.",
    .ipc = {"H01M 4/525"},
    .modes = {v1::LICENCE_OPEN, v1::TRANSFER},
    .owner_kind = v1::UNIVERSITY,
    .district = v1::PENGJIANG,
    .industries = {"新能源"}};
const ListingSpec kLamp = {.id = "CN222U",
                           .title = "LED灯具散热结构",
                           .abstract =
                               "一种LED灯具的散热结构。LED lamp heat "
                               "sink structure.",
                           .ipc = {"F21V 29/70"},
                           .type = v1::UTILITY_MODEL,
                           .modes = {v1::TRANSFER},
                           .owner_kind = v1::PRIVATE_COMPANY,
                           .district = v1::XINHUI,
                           .industries = {"照明"}};
const ListingSpec kBms = {
    .id = "CN333A",
    .title = "电池管理系统",
    .abstract =
        "一种电池管理系统，用于监测电池组。Battery management system "
        "monitoring battery packs.",
    .ipc = {"H02J 7/00"},
    .modes = {v1::LICENCE_ORDINARY},
    .owner_kind = v1::RESEARCH_INSTITUTE,
    .district = v1::JIANGHAI,
    .industries = {"新能源", "EV"}};
// Inactive listings, all about 锂电池 too.
const ListingSpec kLapsed = {.id = "CN444A",
                             .title = "锂电池隔膜",
                             .abstract = "锂电池用隔膜。",
                             .ipc = {"H01M 50/40"},
                             .modes = {v1::TRANSFER},
                             .legal = v1::LAPSED};
const ListingSpec kWithdrawn = {.id = "CN555A",
                                .title = "锂电池电解液",
                                .abstract = "锂电池电解液。",
                                .ipc = {"H01M 10/0567"},
                                .modes = {v1::TRANSFER},
                                .status = v1::LISTING_WITHDRAWN};
const ListingSpec kExpired = {.id = "CN666A",
                              .title = "锂电池外壳",
                              .abstract = "锂电池外壳。",
                              .ipc = {"H01M 50/10"},
                              .modes = {v1::TRANSFER},
                              .legal = v1::EXPIRED};
const ListingSpec kInvalidated = {.id = "CN777A",
                                  .title = "锂电池极耳",
                                  .abstract = "锂电池极耳。",
                                  .ipc = {"H01M 50/50"},
                                  .modes = {v1::TRANSFER},
                                  .legal = v1::INVALIDATED};

v1::Demand MakeDemand(const std::string& id, const std::string& title,
                      v1::DemandStatus status) {
  v1::Demand d;
  d.set_id(id);
  d.set_organisation_id("ORG000001");
  d.set_title(title);
  d.set_description("我们需要" + title + "技术。");
  d.set_status(status);
  return d;
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir("search_index_test");
    Reopen();
  }
  void TearDown() override {
    index_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    index_.reset();
    auto index = SearchIndex::Open(dir_.string());
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = std::move(*index);
  }
  void Put(const ListingSpec& spec) {
    absl::Status s = index_->PutPatent(Listing(spec));
    ASSERT_TRUE(s.ok()) << s;
  }
  void IndexCatalogue() {
    for (const ListingSpec* s : {&kCathode, &kLamp, &kBms, &kLapsed,
                                 &kWithdrawn, &kExpired, &kInvalidated}) {
      Put(*s);
    }
    ASSERT_TRUE(
        index_
            ->PutDemand(MakeDemand("D000000001", "锂电池回收", v1::DEMAND_OPEN))
            .ok());
    ASSERT_TRUE(index_
                    ->PutDemand(MakeDemand("D000000002", "锂电池回收利用",
                                           v1::DEMAND_CLOSED))
                    .ok());
    ASSERT_TRUE(index_->Commit(9).ok());
  }
  SearchResult Search(const std::string& text,
                      const v1::PatentFilter& filter = {}, size_t offset = 0,
                      size_t limit = 50) {
    TextSearch search;
    search.text = text;
    search.offset = offset;
    search.limit = limit;
    search.expand_query = false;
    auto result = index_->SearchPatents(search, filter);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : SearchResult{};
  }
  std::vector<std::string> Ids(const SearchResult& result) {
    std::vector<std::string> ids;
    for (const auto& h : result.hits) ids.push_back(h.id);
    return ids;
  }
  std::vector<std::string> Ids(const std::string& text,
                               const v1::PatentFilter& filter = {}) {
    return Ids(Search(text, filter));
  }
  const SearchHit* Hit(const SearchResult& result, const std::string& id) {
    for (const auto& h : result.hits) {
      if (h.id == id) return &h;
    }
    return nullptr;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SearchIndex> index_;
};

TEST_F(SearchIndexTest, NewIndexIsEmptyWithWatermarkZero) {
  EXPECT_EQ(index_->watermark(), 0u);
  EXPECT_EQ(index_->document_count(), 0u);
  EXPECT_THAT(Ids(""), IsEmpty());
  EXPECT_THAT(Ids("锂电池"), IsEmpty());
}

TEST_F(SearchIndexTest, WatermarkAndDocumentsSurviveReopen) {
  IndexCatalogue();
  EXPECT_EQ(index_->watermark(), 9u);
  EXPECT_EQ(index_->document_count(), 9u);
  Reopen();
  EXPECT_EQ(index_->watermark(), 9u);
  EXPECT_EQ(index_->document_count(), 9u);
  EXPECT_THAT(Ids("锂电池"), Contains("CN111A"));
}

TEST_F(SearchIndexTest, UncommittedChangesAreNotVisibleNorDurable) {
  Put(kCathode);
  ASSERT_TRUE(index_->Commit(1).ok());
  EXPECT_THAT(Ids(""), ElementsAre("CN111A"));
  Put(kLamp);
  EXPECT_THAT(Ids(""), ElementsAre("CN111A")) << "not committed yet";
  ASSERT_TRUE(index_->Commit(2).ok());
  EXPECT_THAT(Ids(""), UnorderedElementsAre("CN111A", "CN222U"));
  EXPECT_EQ(index_->watermark(), 2u);
}

TEST_F(SearchIndexTest, FindsByChineseText) {
  IndexCatalogue();
  const std::vector<std::string> ids = Ids("锂电池");
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0], "CN111A");
  EXPECT_THAT(ids, Not(Contains("CN222U")));
  EXPECT_THAT(Ids("散热"), ElementsAre("CN222U"));
  EXPECT_THAT(Ids("电池管理"), Contains("CN333A"));
  EXPECT_THAT(Ids("电池管理"), Not(Contains("CN222U")));
}

TEST_F(SearchIndexTest, FindsByEnglishTextWithStemming) {
  IndexCatalogue();
  // The document says "batteries"/"battery"; the query uses the other form.
  EXPECT_THAT(Ids("battery"), UnorderedElementsAre("CN111A", "CN333A"));
  EXPECT_THAT(Ids("lamps"), ElementsAre("CN222U"));
  EXPECT_THAT(Ids("Cathode"), ElementsAre("CN111A"));
}

TEST_F(SearchIndexTest, FullWidthQueryMatchesAsciiDocument) {
  IndexCatalogue();
  EXPECT_THAT(Ids("ＬＥＤ"), ElementsAre("CN222U"));
}

TEST_F(SearchIndexTest, BestMatchComesFirst) {
  IndexCatalogue();
  SearchResult r = Search("锂电池正极材料");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].id, "CN111A");
  SearchResult bms = Search("电池管理系统");
  ASSERT_GE(bms.hits.size(), 2u);
  EXPECT_EQ(bms.hits[0].id, "CN333A");
  for (size_t i = 1; i < bms.hits.size(); ++i) {
    EXPECT_GE(bms.hits[i - 1].relevance, bms.hits[i].relevance);
  }
  EXPECT_GT(bms.hits[0].relevance, bms.hits.back().relevance);
}

TEST_F(SearchIndexTest, InactiveListingsAreExcludedByDefault) {
  IndexCatalogue();
  std::vector<std::string> ids = Ids("锂电池");
  for (const char* inactive : {"CN444A", "CN555A", "CN666A", "CN777A"}) {
    EXPECT_THAT(ids, Not(Contains(inactive)));
  }
  EXPECT_THAT(Ids(""), UnorderedElementsAre("CN111A", "CN222U", "CN333A"));
}

TEST_F(SearchIndexTest, IncludeInactiveShowsLapsedAndWithdrawn) {
  IndexCatalogue();
  v1::PatentFilter filter;
  filter.set_include_inactive(true);
  EXPECT_THAT(Ids("锂电池", filter),
              IsSupersetOf({"CN111A", "CN444A", "CN555A", "CN666A", "CN777A"}));
  EXPECT_THAT(Ids("隔膜", filter), ElementsAre("CN444A"));
  EXPECT_EQ(Ids("", filter).size(), 7u);
}

TEST_F(SearchIndexTest, ReindexingReflectsWithdrawal) {
  IndexCatalogue();
  ListingSpec withdrawn = kCathode;
  withdrawn.status = v1::LISTING_WITHDRAWN;
  Put(withdrawn);
  ASSERT_TRUE(index_->Commit(10).ok());
  EXPECT_THAT(Ids("正极"), IsEmpty());
  EXPECT_THAT(Ids("锂电池"), Not(Contains("CN111A")));
  EXPECT_EQ(index_->document_count(), 9u) << "replaced, not added";
}

TEST_F(SearchIndexTest, EmptyTextListsAllPassingTheFilter) {
  IndexCatalogue();
  v1::PatentFilter filter;
  filter.add_industry_tags("新能源");
  SearchResult r = Search("", filter);
  EXPECT_THAT(Ids(r), UnorderedElementsAre("CN111A", "CN333A"));
  EXPECT_EQ(r.total_estimate, 2u);
  for (const auto& h : r.hits) EXPECT_THAT(h.matched_terms, IsEmpty());
}

TEST_F(SearchIndexTest, EmptyTextListsInIdOrder) {
  // Indexed out of id order.
  Put(kBms);
  Put(kCathode);
  Put(kLamp);
  ASSERT_TRUE(index_->Commit(3).ok());
  // Regression (was a bug): search_index.h promises "With empty text: every
  // patent passing the filter, in id order", but SearchIndex::Search sorts by
  // Xapian docid (insertion order), giving CN333A, CN111A, CN222U.
  EXPECT_THAT(Ids(""), ElementsAre("CN111A", "CN222U", "CN333A"));
}

TEST_F(SearchIndexTest, DealModeFilter) {
  IndexCatalogue();
  v1::PatentFilter filter;
  filter.add_deal_modes(v1::LICENCE_OPEN);
  EXPECT_THAT(Ids("", filter), ElementsAre("CN111A"));
  filter.add_deal_modes(v1::LICENCE_ORDINARY);  // any of
  EXPECT_THAT(Ids("", filter), UnorderedElementsAre("CN111A", "CN333A"));
  v1::PatentFilter transfer;
  transfer.add_deal_modes(v1::TRANSFER);
  EXPECT_THAT(Ids("", transfer), UnorderedElementsAre("CN111A", "CN222U"));
  v1::PatentFilter equity;
  equity.add_deal_modes(v1::EQUITY);
  EXPECT_THAT(Ids("", equity), IsEmpty());
}

TEST_F(SearchIndexTest, OpenLicenceOnlyFilter) {
  IndexCatalogue();
  v1::PatentFilter filter;
  filter.set_open_licence_only(true);
  EXPECT_THAT(Ids("", filter), ElementsAre("CN111A"));
  EXPECT_THAT(Ids("电池", filter), ElementsAre("CN111A"));
}

TEST_F(SearchIndexTest, PatentTypeFilter) {
  IndexCatalogue();
  v1::PatentFilter filter;
  filter.add_patent_types(v1::UTILITY_MODEL);
  EXPECT_THAT(Ids("", filter), ElementsAre("CN222U"));
  v1::PatentFilter invention;
  invention.add_patent_types(v1::INVENTION);
  EXPECT_THAT(Ids("", invention), UnorderedElementsAre("CN111A", "CN333A"));
  v1::PatentFilter design;
  design.add_patent_types(v1::DESIGN);
  EXPECT_THAT(Ids("", design), IsEmpty());
}

TEST_F(SearchIndexTest, OwnerKindFilter) {
  IndexCatalogue();
  v1::PatentFilter filter;
  filter.add_owner_kinds(v1::UNIVERSITY);
  filter.add_owner_kinds(v1::RESEARCH_INSTITUTE);
  EXPECT_THAT(Ids("", filter), UnorderedElementsAre("CN111A", "CN333A"));
  v1::PatentFilter company;
  company.add_owner_kinds(v1::PRIVATE_COMPANY);
  EXPECT_THAT(Ids("电池", company), IsEmpty());
  EXPECT_THAT(Ids("", company), ElementsAre("CN222U"));
}

TEST_F(SearchIndexTest, OwnerDistrictFilter) {
  IndexCatalogue();
  v1::PatentFilter filter;
  filter.add_owner_districts(v1::XINHUI);
  EXPECT_THAT(Ids("", filter), ElementsAre("CN222U"));
  filter.add_owner_districts(v1::PENGJIANG);
  EXPECT_THAT(Ids("", filter), UnorderedElementsAre("CN111A", "CN222U"));
  v1::PatentFilter taishan;
  taishan.add_owner_districts(v1::TAISHAN);
  EXPECT_THAT(Ids("", taishan), IsEmpty());
}

TEST_F(SearchIndexTest, IndustryTagFilterIgnoresAsciiCase) {
  IndexCatalogue();
  v1::PatentFilter filter;
  filter.add_industry_tags("照明");
  EXPECT_THAT(Ids("", filter), ElementsAre("CN222U"));
  v1::PatentFilter ev;
  ev.add_industry_tags("ev");
  EXPECT_THAT(Ids("", ev), ElementsAre("CN333A"));
  v1::PatentFilter none;
  none.add_industry_tags("纺织");
  EXPECT_THAT(Ids("", none), IsEmpty());
}

TEST_F(SearchIndexTest, IpcFilterAtEveryLevel) {
  IndexCatalogue();
  auto ipc = [](std::vector<std::string> prefixes) {
    v1::PatentFilter f;
    for (auto& p : prefixes) f.add_ipc_prefixes(p);
    return f;
  };
  EXPECT_THAT(Ids("", ipc({"H"})), UnorderedElementsAre("CN111A", "CN333A"));
  EXPECT_THAT(Ids("", ipc({"H01"})), ElementsAre("CN111A"));
  EXPECT_THAT(Ids("", ipc({"H01M"})), ElementsAre("CN111A"));
  EXPECT_THAT(Ids("", ipc({"H01M 4"})), ElementsAre("CN111A"));
  EXPECT_THAT(Ids("", ipc({"H01M 4/"})), ElementsAre("CN111A"));
  EXPECT_THAT(Ids("", ipc({"H01M 4/525"})), ElementsAre("CN111A"));
  // Spelling is normalised like stored codes.
  EXPECT_THAT(Ids("", ipc({"h01m4/525"})), ElementsAre("CN111A"));
  EXPECT_THAT(Ids("", ipc({"h01m"})), ElementsAre("CN111A"));
  // Excludes: another subgroup, another group, another class.
  EXPECT_THAT(Ids("", ipc({"H01M 4/505"})), IsEmpty());
  EXPECT_THAT(Ids("", ipc({"H01M 10"})), IsEmpty());
  EXPECT_THAT(Ids("", ipc({"H02"})), ElementsAre("CN333A"));
  EXPECT_THAT(Ids("", ipc({"F21V"})), ElementsAre("CN222U"));
  EXPECT_THAT(Ids("", ipc({"A61"})), IsEmpty());
  // Any of several prefixes.
  EXPECT_THAT(Ids("", ipc({"H01M", "F21"})),
              UnorderedElementsAre("CN111A", "CN222U"));
  // "H01M 10" matches the withdrawn electrolyte patent once inactive
  // listings are included.
  v1::PatentFilter all = ipc({"H01M 10"});
  all.set_include_inactive(true);
  EXPECT_THAT(Ids("", all), ElementsAre("CN555A"));
}

TEST_F(SearchIndexTest, FiltersCombineWithAnd) {
  IndexCatalogue();
  v1::PatentFilter filter;
  filter.add_industry_tags("新能源");
  filter.add_owner_kinds(v1::RESEARCH_INSTITUTE);
  EXPECT_THAT(Ids("电池", filter), ElementsAre("CN333A"));
  filter.add_ipc_prefixes("H01M");
  EXPECT_THAT(Ids("电池", filter), IsEmpty());
}

TEST_F(SearchIndexTest, FilterDoesNotChangeTheScore) {
  IndexCatalogue();
  SearchResult unfiltered = Search("电池");
  v1::PatentFilter filter;
  filter.add_owner_kinds(v1::RESEARCH_INSTITUTE);
  SearchResult filtered = Search("电池", filter);
  const SearchHit* a = Hit(unfiltered, "CN333A");
  const SearchHit* b = Hit(filtered, "CN333A");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_DOUBLE_EQ(a->relevance, b->relevance);
}

TEST_F(SearchIndexTest, OffsetAndLimitPage) {
  IndexCatalogue();
  v1::PatentFilter all;
  all.set_include_inactive(true);
  const std::vector<std::string> everything = Ids(Search("", all, 0, 100));
  ASSERT_EQ(everything.size(), 7u);

  std::vector<std::string> paged;
  for (size_t offset = 0; offset < 7; offset += 3) {
    SearchResult page = Search("", all, offset, 3);
    EXPECT_LE(page.hits.size(), 3u);
    EXPECT_EQ(page.total_estimate, 7u);
    for (const auto& h : page.hits) paged.push_back(h.id);
  }
  EXPECT_EQ(paged, everything);
  EXPECT_THAT(Search("", all, 7, 3).hits, IsEmpty());

  // Paging ranked results gives the same order as one big page.
  const std::vector<std::string> ranked = Ids(Search("锂电池", all, 0, 100));
  ASSERT_GE(ranked.size(), 5u);
  std::vector<std::string> ranked_pages;
  for (size_t offset = 0; offset < ranked.size() + 2; offset += 2) {
    for (const auto& id : Ids(Search("锂电池", all, offset, 2))) {
      ranked_pages.push_back(id);
    }
  }
  EXPECT_EQ(ranked_pages, ranked);
}

TEST_F(SearchIndexTest, MatchedTermsMergeBigramsIntoWords) {
  IndexCatalogue();
  SearchResult r = Search("锂电池");
  const SearchHit* hit = Hit(r, "CN111A");
  ASSERT_NE(hit, nullptr);
  EXPECT_THAT(hit->matched_terms, ElementsAre("锂电池"));
}

TEST_F(SearchIndexTest, MatchedTermsAreInQueryOrderAndReadable) {
  IndexCatalogue();
  SearchResult r = Search("正极材料 for lithium batteries 回收");
  const SearchHit* hit = Hit(r, "CN111A");
  ASSERT_NE(hit, nullptr);
  // "回收" is not in the document; "batteries" shows as typed.
  EXPECT_THAT(hit->matched_terms,
              ElementsAre("正极材料", "lithium", "batteries"));
}

TEST_F(SearchIndexTest, MatchedTermsSplitWhereTheDocumentDiffers) {
  IndexCatalogue();
  // The cathode listing has 正极 and 电池 but never 极电: two words.
  SearchResult r = Search("正极电池");
  const SearchHit* hit = Hit(r, "CN111A");
  ASSERT_NE(hit, nullptr);
  EXPECT_THAT(hit->matched_terms, ElementsAre("正极", "电池"));
  // Only the part the lamp listing has is reported for it.
  SearchResult lamp = Search("电池散热");
  const SearchHit* lamp_hit = Hit(lamp, "CN222U");
  ASSERT_NE(lamp_hit, nullptr);
  EXPECT_THAT(lamp_hit->matched_terms, ElementsAre("散热"));
}

TEST_F(SearchIndexTest, MatchedTermsDoNotGlueTextAndKeywords) {
  IndexCatalogue();
  TextSearch search;
  search.text = "电池";
  // The listing has 锂电 but not 高锂.
  search.keywords = {"高锂电"};
  search.expand_query = false;
  auto r = index_->SearchPatents(search, {});
  ASSERT_TRUE(r.ok()) << r.status();
  const SearchHit* hit = Hit(*r, "CN111A");
  ASSERT_NE(hit, nullptr);
  // Regression (was a bug): ReadableMatches (search_index.cc) compares token
  // offsets across the text and the keywords, which are analysed separately and
  // both start at 0, and an unmatched bigram does not end the current phrase:
  // 锂电 (offset 1 in the keyword) is taken as continuing 电池 (ending at 2 in
  // the text), giving the unreadable "电池电".
  EXPECT_THAT(hit->matched_terms, Not(Contains("电池电")));
  EXPECT_THAT(hit->matched_terms, UnorderedElementsAre("电池", "锂电"));
}

TEST_F(SearchIndexTest, KeywordsCountAsQueryText) {
  IndexCatalogue();
  TextSearch search;
  search.keywords = {"散热"};
  search.expand_query = false;
  auto r = index_->SearchPatents(search, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Ids(*r), ElementsAre("CN222U"));
}

TEST_F(SearchIndexTest, QueryExpansionKeepsFiltersAndDirectHitsFirst) {
  IndexCatalogue();
  TextSearch search;
  search.text = "正极";
  search.expand_query = true;
  v1::PatentFilter filter;
  auto r = index_->SearchPatents(search, filter);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(r->hits[0].id, "CN111A");
  for (const auto& h : r->hits) {
    EXPECT_THAT(
        (std::vector<std::string>{"CN444A", "CN555A", "CN666A", "CN777A"}),
        Not(Contains(h.id)));
  }
}

TEST_F(SearchIndexTest, RemovePatent) {
  IndexCatalogue();
  ASSERT_TRUE(index_->RemovePatent("CN111A").ok());
  ASSERT_TRUE(index_->Commit(10).ok());
  EXPECT_THAT(Ids("正极"), IsEmpty());
  EXPECT_THAT(Ids(""), UnorderedElementsAre("CN222U", "CN333A"));
  EXPECT_EQ(index_->document_count(), 8u);
  // Removing what is not there is harmless.
  EXPECT_TRUE(index_->RemovePatent("CN999A").ok());
  EXPECT_TRUE(index_->Commit(11).ok());
}

TEST_F(SearchIndexTest, SearchDemandsReturnsOnlyOpenDemands) {
  IndexCatalogue();
  TextSearch search;
  search.text = "锂电池回收";
  search.expand_query = false;
  auto r = index_->SearchDemands(search);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Ids(*r), ElementsAre("D000000001"));
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_THAT(r->hits[0].matched_terms, Contains("锂电池回收"));

  // Closing the demand takes it out.
  ASSERT_TRUE(
      index_
          ->PutDemand(MakeDemand("D000000001", "锂电池回收", v1::DEMAND_CLOSED))
          .ok());
  ASSERT_TRUE(index_->Commit(10).ok());
  r = index_->SearchDemands(search);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(Ids(*r), IsEmpty());
}

TEST_F(SearchIndexTest, PatentsAndDemandsDoNotMix) {
  IndexCatalogue();
  v1::PatentFilter all;
  all.set_include_inactive(true);
  for (const auto& id : Ids("锂电池回收", all)) {
    EXPECT_EQ(id.rfind("CN", 0), 0u) << id << " is not a patent";
  }
  for (const auto& id : Ids("", all)) {
    EXPECT_EQ(id.rfind("CN", 0), 0u) << id << " is not a patent";
  }
  TextSearch search;
  search.text = "正极材料";
  auto r = index_->SearchDemands(search);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(Ids(*r), IsEmpty());
}

TEST_F(SearchIndexTest, RemoveDemand) {
  IndexCatalogue();
  ASSERT_TRUE(index_->RemoveDemand("D000000001").ok());
  ASSERT_TRUE(index_->Commit(10).ok());
  TextSearch search;
  search.text = "锂电池回收";
  auto r = index_->SearchDemands(search);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(Ids(*r), IsEmpty());
  // The patent with the same words is untouched.
  EXPECT_THAT(Ids("锂电池"), Contains("CN111A"));
}

TEST_F(SearchIndexTest, SameIdInBothKindsIsTwoDocuments) {
  v1::PatentListing p = Listing(kCathode);
  p.set_id("X1");
  ASSERT_TRUE(index_->PutPatent(p).ok());
  ASSERT_TRUE(
      index_->PutDemand(MakeDemand("X1", "锂电池", v1::DEMAND_OPEN)).ok());
  ASSERT_TRUE(index_->Commit(2).ok());
  EXPECT_EQ(index_->document_count(), 2u);
  ASSERT_TRUE(index_->RemoveDemand("X1").ok());
  ASSERT_TRUE(index_->Commit(3).ok());
  EXPECT_THAT(Ids("锂电池"), ElementsAre("X1"));
}

}  // namespace
}  // namespace patentmatch::indexer

namespace patentmatch::indexer {
namespace {

// Readers racing a writer that commits again and again: Xapian throws
// DatabaseModifiedError at a reader whose revision was replaced twice during
// its read. Searches must retry on a reopened reader, not fail.
TEST_F(SearchIndexTest, SearchesDuringRapidCommitsNeverFail) {
  IndexCatalogue();
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 300; ++i) {
      ListingSpec spec = kCathode;
      spec.id = absl::StrCat("CN9", i, "A");
      spec.abstract = absl::StrCat(spec.abstract, " 批次", i);
      ASSERT_TRUE(index_->PutPatent(Listing(spec)).ok());
      ASSERT_TRUE(index_->Commit(10 + i).ok());
    }
    done = true;
  });
  int searches = 0;
  std::string failure;  // asserted after the writer has been joined
  while (!done && failure.empty()) {
    TextSearch search;
    search.text = "锂电池正极材料";
    search.limit = 100;
    auto result = index_->SearchPatents(search, {});
    if (!result.ok()) {
      failure = result.status().ToString();
      break;
    }
    std::vector<std::string> ids;
    for (const auto& h : result->hits) ids.push_back(h.id);
    auto matched = index_->MatchedPatentTerms(search, ids);
    if (!matched.ok()) failure = matched.status().ToString();
    ++searches;
  }
  writer.join();
  EXPECT_EQ(failure, "");
  EXPECT_GT(searches, 0);
}

}  // namespace
}  // namespace patentmatch::indexer
