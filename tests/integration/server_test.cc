// End-to-end tests of patentmatchd through gRPC: the real server on
// 127.0.0.1:0 with a temporary data directory, real patent records from
// ../shared/data, restarts, a deleted index, and bad input.
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/import/patent_file_reader.h"
#include "tests/integration/test_server.h"

namespace patentmatch {
namespace {

using testing::TestServer;

const std::string kSharedData = PM_SHARED_DATA_DIR;

// Streams every parseable record of a real data file through ImportPatents.
v1::ImportPatentsResponse ImportFile(TestServer& server,
                                     const std::string& path) {
  auto reader = import::PatentFileReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  auto ctx = TestServer::Context(120);
  v1::ImportPatentsResponse response;
  auto writer = server.patents->ImportPatents(ctx.get(), &response);
  while (auto record = (*reader)->Next()) {
    if (!record->errors.empty()) continue;
    v1::ImportPatentRecord r;
    *r.mutable_listing() = record->listing;
    r.set_source_line(record->line);
    r.set_source_name(path);
    EXPECT_TRUE(writer->Write(r));
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

v1::ImportPatentsResponse ImportListings(
    TestServer& server, const std::vector<v1::PatentListing>& listings) {
  auto ctx = TestServer::Context();
  v1::ImportPatentsResponse response;
  auto writer = server.patents->ImportPatents(ctx.get(), &response);
  int line = 1;
  for (const auto& l : listings) {
    v1::ImportPatentRecord r;
    *r.mutable_listing() = l;
    r.set_source_line(++line);
    EXPECT_TRUE(writer->Write(r));
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

v1::PatentListing Listing(const std::string& number, const std::string& title,
                          const std::string& abstract) {
  v1::PatentListing l;
  l.set_publication_number(number);
  l.set_title(title);
  l.set_abstract(abstract);
  return l;
}

std::string RegisterCompany(TestServer& server, v1::District district) {
  v1::RegisterOrganisationRequest request;
  request.mutable_organisation()->set_name("测试示例企业（样例）");
  request.mutable_organisation()->set_kind(v1::PRIVATE_COMPANY);
  request.mutable_organisation()->set_district(district);
  v1::Organisation org;
  auto ctx = TestServer::Context();
  grpc::Status s =
      server.organisations->RegisterOrganisation(ctx.get(), request, &org);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(org.id().empty());
  return org.id();
}

v1::Demand Submit(TestServer& server, const std::string& org,
                  const std::string& title, const std::string& description) {
  v1::SubmitDemandRequest request;
  auto* d = request.mutable_demand();
  d->set_organisation_id(org);
  d->set_title(title);
  d->set_description(description);
  d->mutable_contact()->set_name("张三（样例）");
  d->mutable_contact()->set_phone("0750-0000000");
  v1::Demand demand;
  auto ctx = TestServer::Context();
  grpc::Status s = server.demands->SubmitDemand(ctx.get(), request, &demand);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return demand;
}

std::vector<std::string> SuggestIds(TestServer& server,
                                    const std::string& demand_id, int k = 10) {
  v1::SuggestForDemandRequest request;
  request.set_demand_id(demand_id);
  request.set_top_k(k);
  v1::SuggestResponse response;
  auto ctx = TestServer::Context();
  grpc::Status s =
      server.matches->SuggestForDemand(ctx.get(), request, &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
  std::vector<std::string> ids;
  for (const auto& m : response.matches()) ids.push_back(m.patent().id());
  return ids;
}

std::vector<std::string> SuggestTextIds(TestServer& server,
                                        const std::string& text) {
  v1::SuggestForTextRequest request;
  request.mutable_need()->set_text(text);
  v1::SuggestResponse response;
  auto ctx = TestServer::Context();
  grpc::Status s =
      server.matches->SuggestForText(ctx.get(), request, &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
  std::vector<std::string> ids;
  for (const auto& m : response.matches()) ids.push_back(m.patent().id());
  return ids;
}

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// A need written in a company's words (dev_need_queries.jsonl, NKPA0108),
// whose right answer is KPA0108 in cn_abstracts_keyphrases.jsonl.
constexpr char kNeedText[] =
    "我们做LED灯具的反光板，想找一种加钛白粉的PC料，反光率要非常高，还要能"
    "阻燃，方便注塑成型。";
constexpr char kNeedAnswer[] = "KPA0108";

class RealDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer("realdata");
    server_->Start();
    imported_ = new v1::ImportPatentsResponse(
        ImportFile(*server_, kSharedData + "/cn_abstracts_keyphrases.jsonl"));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete imported_;
  }
  static TestServer* server_;
  static v1::ImportPatentsResponse* imported_;
};
TestServer* RealDataTest::server_ = nullptr;
v1::ImportPatentsResponse* RealDataTest::imported_ = nullptr;

TEST_F(RealDataTest, ImportKeepsEveryRecordWithPerRecordResults) {
  EXPECT_EQ(imported_->received(), 3024);
  EXPECT_EQ(imported_->created(), 3024);
  EXPECT_EQ(imported_->rejected(), 0);
  ASSERT_EQ(imported_->results_size(), 3024);
  EXPECT_EQ(imported_->results(0).id(), "KPA0001");
  EXPECT_EQ(imported_->results(0).outcome(), v1::ImportRecordResult::CREATED);
  EXPECT_EQ(imported_->results(0).source_line(), 1);

  v1::GetPatentRequest get;
  get.set_id("KPA0108");
  v1::PatentListing listing;
  auto ctx = TestServer::Context();
  ASSERT_TRUE(server_->patents->GetPatent(ctx.get(), get, &listing).ok());
  EXPECT_TRUE(absl::StrContains(listing.abstract(), "聚碳酸酯"))
      << listing.abstract();
}

TEST_F(RealDataTest, NeedInEverydayWordsFindsTheRightPatentWithExplanation) {
  const std::string org = RegisterCompany(*server_, v1::JIANGHAI);
  v1::Demand demand =
      Submit(*server_, org, "【样例】高反光阻燃PC料", kNeedText);
  ASSERT_FALSE(demand.id().empty());
  EXPECT_EQ(demand.district(), v1::JIANGHAI);
  EXPECT_EQ(demand.status(), v1::DEMAND_OPEN);

  v1::SuggestForDemandRequest request;
  request.set_demand_id(demand.id());
  request.set_top_k(10);
  v1::SuggestResponse response;
  auto ctx = TestServer::Context();
  ASSERT_TRUE(
      server_->matches->SuggestForDemand(ctx.get(), request, &response).ok());
  ASSERT_EQ(response.matches_size(), 10);
  bool found = false;
  for (int i = 0; i < response.matches_size(); ++i) {
    const auto& m = response.matches(i);
    EXPECT_EQ(m.rank(), i + 1);
    EXPECT_FALSE(m.explanation().summary().empty());
    // Every feature is explained, and the score is their sum.
    double sum = 0;
    for (const auto& f : m.explanation().features()) {
      EXPECT_FALSE(f.reason().empty()) << f.feature();
      EXPECT_DOUBLE_EQ(f.contribution(), f.weight() * f.value());
      sum += f.contribution();
    }
    EXPECT_NEAR(sum, m.score(), 1e-9);
    if (m.patent().id() == kNeedAnswer) {
      found = true;
      EXPECT_FALSE(m.explanation().matched_terms().empty());
    }
  }
  EXPECT_TRUE(found) << "KPA0108 not in the top 10: "
                     << response.matches(0).patent().id() << " "
                     << response.matches(0).explanation().summary();
  // Scores never increase down the list.
  for (int i = 1; i < response.matches_size(); ++i) {
    EXPECT_GE(response.matches(i - 1).score(), response.matches(i).score());
  }
}

TEST_F(RealDataTest, ReimportUpdatesWithoutDuplicates) {
  v1::PatentListing again;
  again.set_source_id("KPA0001");
  again.set_title("更新后的标题");
  again.set_abstract(
      "本申请涉及使用近红外光谱法评估牙齿表面上的聚合物沉积的方法。");
  auto response = ImportListings(*server_, {again});
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_EQ(response.results(0).outcome(), v1::ImportRecordResult::UPDATED);
  EXPECT_EQ(response.updated(), 1);

  v1::SearchPatentsRequest search;
  search.set_query("更新后的标题");
  search.set_page_size(50);
  v1::SearchPatentsResponse found;
  auto ctx = TestServer::Context();
  ASSERT_TRUE(server_->patents->SearchPatents(ctx.get(), search, &found).ok());
  int copies = 0;
  for (const auto& h : found.hits()) copies += h.listing().id() == "KPA0001";
  EXPECT_EQ(copies, 1);
  EXPECT_EQ(found.hits(0).listing().id(), "KPA0001");
}

TEST(ServerTest, RestartKeepsDataAndAnswers_DeletedIndexIsRebuilt) {
  TestServer server("restart");
  server.Start();
  auto imported =
      ImportFile(server, kSharedData + "/cn_abstracts_keyphrases.jsonl");
  ASSERT_EQ(imported.created(), 3024);
  const std::string org = RegisterCompany(server, v1::XINHUI);
  v1::Demand demand = Submit(server, org, "【样例】高反光阻燃PC料", kNeedText);
  const auto before = SuggestIds(server, demand.id());
  ASSERT_EQ(before.size(), 10u);

  server.Restart();
  v1::GetDemandRequest get;
  get.set_id(demand.id());
  v1::Demand stored;
  auto ctx = TestServer::Context();
  ASSERT_TRUE(server.demands->GetDemand(ctx.get(), get, &stored).ok());
  EXPECT_EQ(stored.description(), kNeedText);
  EXPECT_EQ(stored.contact().phone(), "0750-0000000");
  EXPECT_EQ(SuggestIds(server, demand.id()), before);

  server.Stop();
  std::filesystem::remove_all(server.data_dir() + "/index");
  ASSERT_FALSE(std::filesystem::exists(server.data_dir() + "/index"));
  server.Start();
  EXPECT_EQ(SuggestIds(server, demand.id()), before);

  // A new demand after the rebuild gets a new id, not a reused one.
  v1::Demand second = Submit(server, org, "【样例】第二个需求", kNeedText);
  EXPECT_NE(second.id(), demand.id());
}

TEST(ServerTest, WithdrawnAndLapsedPatentsAreNeverSuggested) {
  TestServer server("withdraw");
  server.Start();
  auto lapsed = Listing("CN111111111A", "一种锂电池极片辊压装置",
                        "锂电池极片辊压，提高压实密度。");
  lapsed.set_legal_status(v1::LAPSED);
  auto response = ImportListings(
      server, {Listing("CN114081026A", "一种锂电池极片辊压装置",
                       "本实用新型公开了一种锂电池极片辊压装置，压实均匀。"),
               Listing("CN114081027A", "锂电池极片分切机",
                       "锂电池极片的分切与辊压一体化。"),
               lapsed});
  ASSERT_EQ(response.created(), 3);

  auto ids = SuggestTextIds(server, "锂电池极片辊压");
  EXPECT_TRUE(Contains(ids, "CN114081026A"));
  EXPECT_TRUE(Contains(ids, "CN114081027A"));
  EXPECT_FALSE(Contains(ids, "CN111111111A")) << "lapsed patent suggested";

  v1::WithdrawPatentRequest withdraw;
  withdraw.set_id("CN114081026A");
  withdraw.set_reason(v1::OPEN_LICENCE_WITHDRAWN);
  v1::PatentListing withdrawn;
  auto ctx = TestServer::Context();
  ASSERT_TRUE(
      server.patents->WithdrawPatent(ctx.get(), withdraw, &withdrawn).ok());
  EXPECT_EQ(withdrawn.status(), v1::LISTING_WITHDRAWN);
  ids = SuggestTextIds(server, "锂电池极片辊压");
  EXPECT_FALSE(Contains(ids, "CN114081026A"));
  EXPECT_TRUE(Contains(ids, "CN114081027A"));
  // Reverse matching says why a withdrawn patent gets no needs.
  v1::MatchDemandsForPatentRequest reverse;
  reverse.set_patent_id("CN114081026A");
  v1::MatchDemandsForPatentResponse none;
  auto ctx_reverse = TestServer::Context();
  grpc::Status s =
      server.matches->MatchDemandsForPatent(ctx_reverse.get(), reverse, &none);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "withdrawn"))
      << s.error_message();

  // Re-importing the same record does not silently re-activate it.
  ImportListings(server, {Listing("CN114081026A", "一种锂电池极片辊压装置",
                                  "锂电池极片辊压装置。")});
  EXPECT_FALSE(
      Contains(SuggestTextIds(server, "锂电池极片辊压"), "CN114081026A"));

  // Search can still see it when asked to include inactive listings.
  v1::SearchPatentsRequest search;
  search.set_query("锂电池极片辊压");
  search.mutable_filter()->set_include_inactive(true);
  v1::SearchPatentsResponse all;
  auto ctx2 = TestServer::Context();
  ASSERT_TRUE(server.patents->SearchPatents(ctx2.get(), search, &all).ok());
  EXPECT_EQ(all.hits_size(), 3);
}

TEST(ServerTest, FiltersAndReverseMatching) {
  TestServer server("filters");
  server.Start();
  v1::RegisterOrganisationRequest reg;
  reg.mutable_organisation()->set_id("wyu-sample");
  reg.mutable_organisation()->set_name("五邑大学（样例）");
  reg.mutable_organisation()->set_kind(v1::UNIVERSITY);
  reg.mutable_organisation()->set_district(v1::PENGJIANG);
  v1::Organisation uni;
  auto ctx = TestServer::Context();
  auto st = server.organisations->RegisterOrganisation(ctx.get(), reg, &uni);
  ASSERT_TRUE(st.ok()) << st.error_message();

  auto open = Listing("CN200000001A", "一种陈皮低温干燥设备",
                      "陈皮低温烘干，保持香气，节能。");
  open.set_owner_organisation_id("wyu-sample");
  open.add_deal_modes(v1::LICENCE_OPEN);
  open.mutable_open_licence()->set_royalty_fixed_yuan(20000);
  open.add_ipc_codes("F26B 9/06");
  // Same text as `open`: the features below, not BM25, must decide.
  auto transfer = Listing("CN200000002A", "一种陈皮低温干燥设备",
                          "陈皮低温烘干，保持香气，节能。");
  transfer.add_deal_modes(v1::TRANSFER);
  transfer.add_ipc_codes("F26B");
  ASSERT_EQ(ImportListings(server, {open, transfer}).created(), 2);

  // Owner fields are copied from the organisation for filtering.
  v1::GetPatentRequest get;
  get.set_id("CN200000001A");
  v1::PatentListing stored;
  auto ctx1 = TestServer::Context();
  ASSERT_TRUE(server.patents->GetPatent(ctx1.get(), get, &stored).ok());
  EXPECT_EQ(stored.owner_kind(), v1::UNIVERSITY);
  EXPECT_EQ(stored.owner_district(), v1::PENGJIANG);
  EXPECT_EQ(stored.owner_name(), "五邑大学（样例）");
  EXPECT_EQ(stored.ipc_codes(0), "F26B 9/06");

  v1::SuggestForTextRequest request;
  request.mutable_need()->set_text("陈皮干燥");
  request.mutable_filter()->add_deal_modes(v1::LICENCE_OPEN);
  v1::SuggestResponse response;
  auto ctx2 = TestServer::Context();
  ASSERT_TRUE(
      server.matches->SuggestForText(ctx2.get(), request, &response).ok());
  ASSERT_EQ(response.matches_size(), 1);
  EXPECT_EQ(response.matches(0).patent().id(), "CN200000001A");

  request.mutable_filter()->Clear();
  request.mutable_filter()->add_ipc_prefixes("F26B 9");
  auto ctx3 = TestServer::Context();
  ASSERT_TRUE(
      server.matches->SuggestForText(ctx3.get(), request, &response).ok());
  ASSERT_EQ(response.matches_size(), 1);
  EXPECT_EQ(response.matches(0).patent().id(), "CN200000001A");

  // IPC hints and deal modes shape the ranking and the explanation.
  request.mutable_filter()->Clear();
  request.mutable_need()->add_ipc_hints("F26B9/06");
  request.mutable_need()->add_deal_modes(v1::LICENCE_OPEN);
  request.mutable_need()->set_district(v1::PENGJIANG);
  auto ctx4 = TestServer::Context();
  ASSERT_TRUE(
      server.matches->SuggestForText(ctx4.get(), request, &response).ok());
  ASSERT_EQ(response.matches_size(), 2);
  const auto& best = response.matches(0);
  EXPECT_EQ(best.patent().id(), "CN200000001A");
  EXPECT_EQ(best.explanation().ipc_overlap_level(), "subgroup");
  EXPECT_TRUE(absl::StrContains(best.explanation().summary(), "open licence"))
      << best.explanation().summary();
  const auto& second = response.matches(1);
  bool saw_conflict = false;
  for (const auto& f : second.explanation().features()) {
    if (f.feature() == "deal_mode") saw_conflict = f.value() < 0;
  }
  EXPECT_TRUE(saw_conflict) << "transfer-only patent for a licence need";

  // Reverse: which open needs fit the open-licence patent.
  const std::string org = RegisterCompany(server, v1::XINHUI);
  v1::Demand fits = Submit(server, org, "【样例】陈皮烘干",
                           "我们做新会陈皮，想要低温干燥不损失香味的设备。");
  v1::Demand other = Submit(server, org, "【样例】摩托车车架焊接",
                            "车架焊接变形大，想提高焊接质量。");
  v1::MatchDemandsForPatentRequest reverse;
  reverse.set_patent_id("CN200000001A");
  v1::MatchDemandsForPatentResponse fitting;
  auto ctx5 = TestServer::Context();
  ASSERT_TRUE(
      server.matches->MatchDemandsForPatent(ctx5.get(), reverse, &fitting)
          .ok());
  ASSERT_GE(fitting.matches_size(), 1);
  EXPECT_EQ(fitting.matches(0).demand().id(), fits.id());
  EXPECT_FALSE(fitting.matches(0).demand().has_contact())
      << "contact details leaked to the patent side";
  for (const auto& m : fitting.matches())
    EXPECT_NE(m.demand().id(), other.id());

  // A closed need is no longer matched.
  v1::CloseDemandRequest close;
  close.set_id(fits.id());
  close.set_reason("solved");
  v1::Demand closed;
  auto ctx6 = TestServer::Context();
  ASSERT_TRUE(server.demands->CloseDemand(ctx6.get(), close, &closed).ok());
  EXPECT_EQ(closed.status(), v1::DEMAND_CLOSED);
  auto ctx7 = TestServer::Context();
  ASSERT_TRUE(
      server.matches->MatchDemandsForPatent(ctx7.get(), reverse, &fitting)
          .ok());
  for (const auto& m : fitting.matches()) EXPECT_NE(m.demand().id(), fits.id());
}

TEST(ServerTest, BadInputGetsClearErrorsAndNothingHalfWritten) {
  TestServer server("badinput");
  server.Start();

  v1::GetPatentRequest get;
  get.set_id("CN999999999A");
  v1::PatentListing listing;
  auto ctx = TestServer::Context();
  grpc::Status s = server.patents->GetPatent(ctx.get(), get, &listing);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "CN999999999A"));

  v1::CreatePatentRequest create;
  *create.mutable_listing() = Listing("CN114081026A", "标题", "摘要");
  create.mutable_listing()->add_ipc_codes("H01M 4/525");
  create.mutable_listing()->add_ipc_codes("Z99Q 1/00");
  auto ctx2 = TestServer::Context();
  s = server.patents->CreatePatent(ctx2.get(), create, &listing);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "listing.ipc_codes[1]"))
      << s.error_message();
  auto ctx3 = TestServer::Context();
  get.set_id("CN114081026A");
  EXPECT_EQ(server.patents->GetPatent(ctx3.get(), get, &listing).error_code(),
            grpc::StatusCode::NOT_FOUND)
      << "a rejected create left a record behind";

  // Duplicate create → ALREADY_EXISTS; update of unknown → NOT_FOUND.
  create.mutable_listing()->mutable_ipc_codes()->RemoveLast();
  auto ctx4 = TestServer::Context();
  ASSERT_TRUE(server.patents->CreatePatent(ctx4.get(), create, &listing).ok());
  auto ctx5 = TestServer::Context();
  EXPECT_EQ(
      server.patents->CreatePatent(ctx5.get(), create, &listing).error_code(),
      grpc::StatusCode::ALREADY_EXISTS);
  v1::UpdatePatentRequest update;
  *update.mutable_listing() = Listing("CN100000000A", "标题", "摘要");
  auto ctx6 = TestServer::Context();
  EXPECT_EQ(
      server.patents->UpdatePatent(ctx6.get(), update, &listing).error_code(),
      grpc::StatusCode::NOT_FOUND);

  // An import keeps the good records around a bad one and names the bad.
  auto bad_date = Listing("CN114081030A", "好标题", "好摘要");
  bad_date.set_application_date("2021-13-45");
  auto no_text = Listing("CN114081031A", "", "");
  auto response = ImportListings(
      server, {Listing("CN114081028A", "一种装置", "摘要一"), bad_date,
               Listing("CN114081029A", "另一种装置", "摘要二"), no_text,
               Listing("not a number", "标题", "摘要")});
  EXPECT_EQ(response.created(), 2);
  EXPECT_EQ(response.rejected(), 3);
  ASSERT_EQ(response.results_size(), 5);
  EXPECT_EQ(response.results(1).outcome(), v1::ImportRecordResult::REJECTED);
  EXPECT_EQ(response.results(1).source_line(), 3);
  ASSERT_GE(response.results(1).errors_size(), 1);
  EXPECT_EQ(response.results(1).errors(0).field(), "listing.application_date");
  EXPECT_EQ(response.results(3).errors(0).field(), "listing.title");
  EXPECT_EQ(response.results(4).errors(0).field(),
            "listing.publication_number");

  // Hostile strings: control characters and invalid UTF-8 in bytes fields
  // we control (ids), unknown enum numbers.
  get.set_id("bad\x01id");
  auto ctx7 = TestServer::Context();
  EXPECT_EQ(server.patents->GetPatent(ctx7.get(), get, &listing).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::SuggestForTextRequest suggest;
  suggest.mutable_need()->set_text("锂电池");
  suggest.mutable_filter()->add_deal_modes(static_cast<v1::DealMode>(99));
  v1::SuggestResponse suggestions;
  auto ctx8 = TestServer::Context();
  s = server.matches->SuggestForText(ctx8.get(), suggest, &suggestions);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "filter.deal_modes[0]"))
      << s.error_message();
  suggest.mutable_filter()->Clear();
  suggest.set_top_k(1000);
  auto ctx9 = TestServer::Context();
  s = server.matches->SuggestForText(ctx9.get(), suggest, &suggestions);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "top_k"));
  suggest.set_top_k(5);
  suggest.mutable_need()->clear_text();
  auto ctx10 = TestServer::Context();
  s = server.matches->SuggestForText(ctx10.get(), suggest, &suggestions);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "need.text"));

  // Unknown demand / organisation ids.
  v1::SubmitDemandRequest submit;
  submit.mutable_demand()->set_organisation_id("ORG-NOPE");
  submit.mutable_demand()->set_description("需要一种技术");
  v1::Demand demand;
  auto ctx11 = TestServer::Context();
  s = server.demands->SubmitDemand(ctx11.get(), submit, &demand);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "demand.organisation_id"));
  v1::SuggestForDemandRequest for_demand;
  for_demand.set_demand_id("D999999999");
  auto ctx12 = TestServer::Context();
  EXPECT_EQ(
      server.matches->SuggestForDemand(ctx12.get(), for_demand, &suggestions)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);

  // Oversized message: rejected by the transport with a clear status.
  v1::CreatePatentRequest huge;
  *huge.mutable_listing() =
      Listing("CN114081099A", "标题", std::string(17 << 20, 'a'));
  auto ctx13 = TestServer::Context();
  s = server.patents->CreatePatent(ctx13.get(), huge, &listing);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << s.error_message();
  // Large but under the transport limit: our own field limit names it.
  *huge.mutable_listing() =
      Listing("CN114081099A", "标题", std::string(1 << 20, 'a'));
  auto ctx14 = TestServer::Context();
  s = server.patents->CreatePatent(ctx14.get(), huge, &listing);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "listing.abstract"));
}

TEST(ServerTest, HealthCheckAndReflectionAreServed) {
  TestServer server("health");
  server.Start();
  // grpc.health.v1.Health/Check with an empty request (service = "").
  auto [status, bytes] = testing::RawUnaryCall(
      server.channel(), "/grpc.health.v1.Health/Check", "");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(bytes, std::string("\x08\x01", 2)) << "status SERVING";
}

}  // namespace
}  // namespace patentmatch

namespace patentmatch {
namespace {

// Raw bytes on the wire: a CreatePatent request whose title (a proto3
// string) is GBK bytes, not UTF-8, as a careless client would send. Protobuf
// refuses to parse it before any handler runs; gRPC 1.51 answers INTERNAL
// (with no message, which our code cannot change). What must hold: the call
// fails and nothing is stored.
TEST(ServerTest, NonUtf8StringOnTheWireIsRefusedAndNothingStored) {
  testing::TestServer server("wire");
  server.Start();
  const std::string number = "CN114081026A";
  std::string listing = std::string("\x12") + static_cast<char>(number.size()) +
                        number + std::string("\x2a\x04", 2) +
                        "\xc4\xe3\xba\xc3";
  const std::string bytes =
      std::string("\x0a") + static_cast<char>(listing.size()) + listing;
  auto [status, reply] = testing::RawUnaryCall(
      server.channel(), "/patentmatch.v1.PatentService/CreatePatent", bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);

  v1::GetPatentRequest get;
  get.set_id(number);
  v1::PatentListing stored;
  auto ctx2 = testing::TestServer::Context();
  EXPECT_EQ(server.patents->GetPatent(ctx2.get(), get, &stored).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace patentmatch

namespace patentmatch {
namespace {

// Listings and needs copy their organisation's kind and district for
// filtering; changing the organisation must update the copies.
TEST(ServerTest, OrganisationChangeReachesItsListingsAndNeeds) {
  testing::TestServer server("orgchange");
  server.Start();
  v1::RegisterOrganisationRequest reg;
  reg.mutable_organisation()->set_id("holder-sample");
  reg.mutable_organisation()->set_name("示例研究院（样例）");
  reg.mutable_organisation()->set_kind(v1::RESEARCH_INSTITUTE);
  reg.mutable_organisation()->set_district(v1::JIANGHAI);
  v1::Organisation org;
  auto ctx = testing::TestServer::Context();
  ASSERT_TRUE(
      server.organisations->RegisterOrganisation(ctx.get(), reg, &org).ok());
  auto listing = Listing("CN300000001A", "一种光伏逆变器", "光伏逆变器散热。");
  listing.set_owner_organisation_id("holder-sample");
  ASSERT_EQ(ImportListings(server, {listing}).created(), 1);

  auto ids_in = [&](v1::District district) {
    v1::SuggestForTextRequest request;
    request.mutable_need()->set_text("光伏逆变器");
    request.mutable_filter()->add_owner_districts(district);
    v1::SuggestResponse response;
    auto c = testing::TestServer::Context();
    EXPECT_TRUE(
        server.matches->SuggestForText(c.get(), request, &response).ok());
    std::vector<std::string> ids;
    for (const auto& m : response.matches()) ids.push_back(m.patent().id());
    return ids;
  };
  EXPECT_EQ(ids_in(v1::JIANGHAI).size(), 1u);
  EXPECT_TRUE(ids_in(v1::HESHAN).empty());

  reg.mutable_organisation()->set_district(v1::HESHAN);
  auto ctx2 = testing::TestServer::Context();
  ASSERT_TRUE(
      server.organisations->RegisterOrganisation(ctx2.get(), reg, &org).ok());
  EXPECT_TRUE(ids_in(v1::JIANGHAI).empty());
  EXPECT_EQ(ids_in(v1::HESHAN).size(), 1u);
  v1::GetPatentRequest get;
  get.set_id("CN300000001A");
  v1::PatentListing stored;
  auto ctx3 = testing::TestServer::Context();
  ASSERT_TRUE(server.patents->GetPatent(ctx3.get(), get, &stored).ok());
  EXPECT_EQ(stored.owner_district(), v1::HESHAN);
}

}  // namespace
}  // namespace patentmatch
