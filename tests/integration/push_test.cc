// End-to-end tests of precise push (精准推动) and watching new suggestions:
// the real server on 127.0.0.1:0 with push turned on, driven through gRPC
// only. A listing import must reach the needs and incubation-pool companies
// it fits and no others; the limits must hold and keep the best; a watcher
// must see every new suggestion in its scope exactly once, across a
// reconnect.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/push_worker.h"
#include "tests/integration/test_clients.h"
#include "tests/integration/test_server.h"

namespace patentmatch {
namespace {

using testing::Client;
using testing::Commissioner;
using testing::CreatePatent;
using testing::Ctx;
using testing::Describe;
using testing::Identity;
using testing::Listing;
using testing::Member;
using testing::MustSubmitNeed;
using testing::NeedSpec;
using testing::RegisterOrg;
using testing::TestServer;

PushLimits Limits(int per_patent, int per_company) {
  PushLimits limits;
  limits.enabled = true;
  limits.max_companies_per_patent = per_patent;
  limits.max_per_company = per_company;
  limits.top_k = 10;
  return limits;
}

void RegisterPoolCompany(TestServer& server, const std::string& id,
                         const std::string& name,
                         const std::vector<std::string>& industries) {
  v1::RegisterOrganisationRequest req;
  v1::Organisation* org = req.mutable_organisation();
  org->set_id(id);
  org->set_name(name);
  org->set_kind(v1::PRIVATE_COMPANY);
  org->set_district(v1::JIANGHAI);
  org->set_incubation_pool(true);
  for (const auto& i : industries) org->add_industries(i);
  v1::Organisation out;
  grpc::Status s =
      server.organisations->RegisterOrganisation(Ctx().get(), req, &out);
  ASSERT_TRUE(s.ok()) << Describe(s);
}

v1::PatentListing Tagged(v1::PatentListing listing, const std::string& tag) {
  listing.add_industry_tags(tag);
  return listing;
}

// Every suggestion the administrator can see, by id.
std::map<std::string, v1::Suggestion> AllSuggestions(TestServer& server) {
  v1::ListSuggestionsRequest req;
  for (int s = v1::SUGGESTED; s <= v1::SUPERSEDED; ++s) {
    req.add_states(static_cast<v1::SuggestionState>(s));
  }
  req.set_page_size(500);
  v1::ListSuggestionsResponse resp;
  grpc::Status s = server.reviews->ListSuggestions(Ctx().get(), req, &resp);
  EXPECT_TRUE(s.ok()) << Describe(s);
  std::map<std::string, v1::Suggestion> out;
  for (const auto& x : resp.suggestions()) out[x.id()] = x;
  return out;
}

std::set<std::string> ActiveIds(
    const std::map<std::string, v1::Suggestion>& all) {
  std::set<std::string> out;
  for (const auto& [id, s] : all) {
    if (s.state() != v1::SUPERSEDED) out.insert(id);
  }
  return out;
}

// Imports `listings` in one ImportPatents stream, as a file import does.
void Import(TestServer& server,
            const std::vector<v1::PatentListing>& listings) {
  auto ctx = Ctx();
  v1::ImportPatentsResponse response;
  auto writer = server.patents->ImportPatents(ctx.get(), &response);
  for (size_t i = 0; i < listings.size(); ++i) {
    v1::ImportPatentRecord record;
    *record.mutable_listing() = listings[i];
    record.set_source_line(static_cast<int64_t>(i + 1));
    ASSERT_TRUE(writer->Write(record));
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(response.created() + response.updated(),
            static_cast<int>(listings.size()));
}

grpc::Status Advance(Client& as, const std::string& id,
                     void (*action)(v1::AdvanceSuggestionRequest*)) {
  v1::AdvanceSuggestionRequest req;
  req.set_suggestion_id(id);
  action(&req);
  v1::Suggestion out;
  return as.reviews->AdvanceSuggestion(Ctx().get(), req, &out);
}

void Claim(Client& as, const std::string& id) {
  grpc::Status s = Advance(
      as, id, [](v1::AdvanceSuggestionRequest* r) { r->mutable_claim(); });
  ASSERT_TRUE(s.ok()) << id << ": " << Describe(s);
}

void CloseNeed(Client& as, const std::string& id) {
  v1::CloseDemandRequest req;
  req.set_id(id);
  req.set_reason("solved in house");
  v1::Demand out;
  grpc::Status s = as.demands->CloseDemand(Ctx().get(), req, &out);
  ASSERT_TRUE(s.ok()) << id << ": " << Describe(s);
  ASSERT_EQ(out.status(), v1::DEMAND_CLOSED);
}

void Withdraw(Client& as, const std::string& id) {
  v1::WithdrawPatentRequest req;
  req.set_id(id);
  req.set_reason(v1::HOLDER_REQUEST);
  v1::PatentListing out;
  grpc::Status s = as.patents->WithdrawPatent(Ctx().get(), req, &out);
  ASSERT_TRUE(s.ok()) << id << ": " << Describe(s);
}

v1::PushStatus GetPushStatus(Client& as) {
  v1::GetPushStatusRequest req;
  req.set_wait_seconds(60);
  v1::PushStatus status;
  grpc::Status s = as.reviews->GetPushStatus(Ctx(90).get(), req, &status);
  EXPECT_TRUE(s.ok()) << Describe(s);
  return status;
}

// The companies with an active suggestion of `patent_id`.
std::set<std::string> CompaniesOf(
    const std::map<std::string, v1::Suggestion>& all,
    const std::string& patent_id) {
  std::set<std::string> out;
  for (const auto& [id, x] : all) {
    if (x.patent_id() == patent_id && x.state() != v1::SUPERSEDED) {
      out.insert(x.company_organisation_id());
    }
  }
  return out;
}

constexpr char kBattery[] = "锂电池正极材料 高镍三元 循环寿命 提升";
constexpr char kCatheter[] = "医用导管 抗菌涂层 银离子 缓释";
constexpr char kDyeing[] = "纺织印染废水 脱色 处理工艺";

class PushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RestartWith(Limits(2, 3));
    RegisterOrg(server_, "U1", "五邑大学（样例）", v1::UNIVERSITY,
                v1::PENGJIANG);
    RegisterOrg(server_, "A", "样例电池公司", v1::PRIVATE_COMPANY, v1::XINHUI);
    RegisterOrg(server_, "B", "样例医疗器械公司", v1::PRIVATE_COMPANY,
                v1::HESHAN);
    RegisterOrg(server_, "C", "样例新能源公司", v1::PRIVATE_COMPANY,
                v1::TAISHAN);
    RegisterOrg(server_, "D", "样例储能公司", v1::PRIVATE_COMPANY, v1::KAIPING);
  }

  // (Re)starts the server with `limits` in the same data directory. Push
  // runs AfterRanking between ranking a batch and deciding it.
  void RestartWith(PushLimits limits) {
    limits.after_ranking_for_test = [this] { AfterRanking(); };
    server_.Stop();
    server_.set_push(limits);
    server_.Start();
    admin_ = std::make_unique<Client>(server_.channel());
  }

  // Has push run `change` once, on its own thread, right after it has
  // ranked the next batch and before it decides that batch's pairs.
  void OnceAfterRanking(std::function<void()> change) {
    std::lock_guard<std::mutex> lock(hook_mutex_);
    after_ranking_ = std::move(change);
  }

  v1::Demand Need(const std::string& org, const std::string& text,
                  const std::string& industry) {
    NeedSpec spec;
    spec.org = org;
    spec.title = text.substr(0, 12);
    spec.description = text;
    spec.industry = industry;
    return MustSubmitNeed(*admin_, spec);
  }

  // Before server_: push may call AfterRanking until the server stops.
  std::mutex hook_mutex_;
  std::function<void()> after_ranking_;
  TestServer server_{"push"};
  std::unique_ptr<Client> admin_;

 private:
  void AfterRanking() {
    std::function<void()> change;
    {
      std::lock_guard<std::mutex> lock(hook_mutex_);
      change = std::move(after_ranking_);
      after_ranking_ = nullptr;
    }
    if (change) change();
  }
};

TEST_F(PushTest, ListingImportReachesTheNeedsAndPoolCompaniesItFitsOnly) {
  RegisterPoolCompany(server_, "P", "样例培育库企业（新能源）", {"新能源"});
  RegisterPoolCompany(server_, "Q", "样例培育库企业（生物医药）", {"生物医药"});
  const v1::Demand battery = Need("A", kBattery, "新能源");
  const v1::Demand catheter = Need("B", kCatheter, "生物医药");
  server_.AwaitPush();
  EXPECT_TRUE(AllSuggestions(server_).empty()) << "no listings yet";

  Import(server_,
         {Tagged(Listing("CN1001A", "一种高镍三元锂电池正极材料",
                         std::string(kBattery) + "，提高循环寿命。", "U1",
                         {v1::LICENCE_OPEN}),
                 "新能源"),
          Tagged(Listing("CN1002A", "一种医用导管抗菌涂层",
                         std::string(kCatheter) + "，长效抗菌。", "U1",
                         {v1::TRANSFER}),
                 "生物医药"),
          Listing("CN1003A", "一种印染废水脱色工艺", kDyeing, "U1",
                  {v1::TRANSFER}),
          // Shares one word (锂电池) with the battery need and is in
          // its top 10, but is no fit: never pushed.
          Listing("CN1004A", "一种锂电池隔膜分切设备",
                  "隔膜 分切 收卷 张力控制", "U1", {v1::LICENCE_OPEN})});
  server_.AwaitPush();

  const auto all = AllSuggestions(server_);
  std::set<std::string> ids;
  for (const auto& [id, s] : all) {
    ids.insert(id);
    EXPECT_EQ(s.source(), "push") << id;
    EXPECT_EQ(s.state(), v1::SUGGESTED) << id;
    EXPECT_FALSE(s.explanation().summary().empty()) << id;
  }
  EXPECT_EQ(ids, (std::set<std::string>{absl::StrCat(battery.id(), ":CN1001A"),
                                        absl::StrCat(catheter.id(), ":CN1002A"),
                                        "pool:P:CN1001A", "pool:Q:CN1002A"}));
  const v1::Suggestion& pool = all.at("pool:P:CN1001A");
  EXPECT_EQ(pool.company_organisation_id(), "P");
  EXPECT_EQ(pool.industry(), "新能源");
  EXPECT_TRUE(absl::StrContains(pool.demand_title(), "培育库"))
      << pool.demand_title();

  // Nothing new happens when nothing changed: re-importing the same
  // listings suggests no pair twice.
  Import(server_, {Tagged(Listing("CN1001A", "一种高镍三元锂电池正极材料",
                                  std::string(kBattery) + "，提高循环寿命。",
                                  "U1", {v1::LICENCE_OPEN}),
                          "新能源")});
  server_.AwaitPush();
  EXPECT_EQ(AllSuggestions(server_).size(), all.size());

  // A withdrawn listing is never pushed to a new need.
  v1::WithdrawPatentRequest withdraw;
  withdraw.set_id("CN1002A");
  withdraw.set_reason(v1::HOLDER_REQUEST);
  v1::PatentListing withdrawn;
  grpc::Status s =
      server_.patents->WithdrawPatent(Ctx().get(), withdraw, &withdrawn);
  ASSERT_TRUE(s.ok()) << Describe(s);
  const v1::Demand second = Need("D", kCatheter, "生物医药");
  server_.AwaitPush();
  for (const auto& [id, x] : AllSuggestions(server_)) {
    EXPECT_FALSE(absl::StartsWith(id, second.id())) << id;
  }
}

TEST_F(PushTest, NewNeedIsMatchedAndTheCompanyLimitKeepsTheBest) {
  // Five battery listings of decreasing fit, before the need exists.
  const std::vector<std::string> texts = {
      kBattery, "锂电池正极材料 高镍三元 循环寿命", "锂电池正极材料 高镍三元",
      "锂电池正极材料 循环寿命", "锂电池正极材料"};
  std::vector<v1::PatentListing> listings;
  for (size_t i = 0; i < texts.size(); ++i) {
    listings.push_back(Listing(absl::StrCat("CN20", i, "A"), texts[i], texts[i],
                               "U1", {v1::LICENCE_OPEN}));
  }
  Import(server_, listings);
  server_.AwaitPush();
  EXPECT_TRUE(AllSuggestions(server_).empty()) << "no needs yet";

  // The need is ranked once it is submitted; the company limit (3) keeps
  // the three best of the ranking a commissioner would see.
  const v1::Demand need = Need("A", kBattery, "新能源");
  server_.AwaitPush();
  v1::SuggestForDemandRequest rank;
  rank.set_demand_id(need.id());
  rank.set_top_k(10);
  v1::SuggestResponse ranked;
  grpc::Status s =
      server_.matches->SuggestForDemand(Ctx().get(), rank, &ranked);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_GE(ranked.matches_size(), 4);
  std::set<std::string> best3;
  for (int i = 0; i < 3; ++i) {
    best3.insert(absl::StrCat(need.id(), ":", ranked.matches(i).patent().id()));
  }
  EXPECT_EQ(ActiveIds(AllSuggestions(server_)), best3);

  // A better listing arrives later: it takes the place of the weakest
  // unclaimed pushed suggestion, which is superseded, not deleted.
  Import(server_, {Listing("CN2099A", std::string("最佳匹配 ") + kBattery,
                           std::string(kBattery) + " " + kBattery, "U1",
                           {v1::LICENCE_OPEN})});
  server_.AwaitPush();
  const auto after = AllSuggestions(server_);
  const std::set<std::string> active = ActiveIds(after);
  EXPECT_EQ(active.size(), 3u);
  EXPECT_TRUE(active.count(absl::StrCat(need.id(), ":CN2099A")));
  int superseded = 0;
  double weakest_active = 1e9;
  for (const auto& id : active) {
    weakest_active = std::min(weakest_active, after.at(id).score());
  }
  for (const auto& [id, x] : after) {
    if (x.state() != v1::SUPERSEDED) continue;
    ++superseded;
    EXPECT_LE(x.score(), weakest_active) << id;
    ASSERT_GE(x.history_size(), 2);
    EXPECT_EQ(x.history(x.history_size() - 1).action(), "supersede");
  }
  EXPECT_EQ(superseded, 1);
}

TEST_F(PushTest, APatentGoesToAtMostNCompaniesAndClaimedOnesAreNeverDisplaced) {
  Import(server_, {Listing("CN3001A", "高镍三元锂电池正极材料", kBattery, "U1",
                           {v1::LICENCE_OPEN})});
  server_.AwaitPush();
  // Three companies need it, equally; the patent limit is 2 companies at
  // once, and a pair only as good as those in place does not displace one.
  Need("A", kBattery, "新能源");
  Need("B", kBattery, "新能源");
  Need("C", kBattery, "新能源");
  server_.AwaitPush();
  auto all = AllSuggestions(server_);
  ASSERT_EQ(all.size(), 2u) << "one of three dropped, none superseded";
  const std::set<std::string> first = CompaniesOf(all, "CN3001A");
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(GetPushStatus(*admin_).dropped_by_patent_limit(), 1u);

  // A commissioner claims both. A company in the holder's own district
  // scores higher and would displace an unclaimed one; claimed suggestions
  // are never displaced.
  for (const auto& id : ActiveIds(all)) Claim(*admin_, id);
  RegisterOrg(server_, "E", "样例蓬江电池公司", v1::PRIVATE_COMPANY,
              v1::PENGJIANG);
  const v1::Demand e = Need("E", kBattery, "新能源");
  server_.AwaitPush();
  all = AllSuggestions(server_);
  EXPECT_EQ(CompaniesOf(all, "CN3001A"), first);
  EXPECT_EQ(all.size(), 2u);
  EXPECT_FALSE(all.count(absl::StrCat(e.id(), ":CN3001A")));
  EXPECT_EQ(GetPushStatus(*admin_).dropped_by_patent_limit(), 2u);
}

// The displacement path of the patent limit: when a patent's N places are
// taken by unclaimed pushed suggestions, a better company's need takes the
// weakest one's place.
TEST_F(PushTest, ABetterCompanyTakesThePlaceOfAPatentsWeakestUnclaimedPair) {
  Import(server_, {Listing("CN3101A", "高镍三元锂电池正极材料", kBattery, "U1",
                           {v1::LICENCE_OPEN})});
  server_.AwaitPush();
  const v1::Demand a = Need("A", kBattery, "新能源");
  // C wants an assignment, not the open licence the holder offers: it fits
  // the patent less well than A.
  NeedSpec weaker;
  weaker.org = "C";
  weaker.title = "锂电池正极材料";
  weaker.description = kBattery;
  weaker.industry = "新能源";
  weaker.modes = {v1::TRANSFER};
  const v1::Demand c = MustSubmitNeed(*admin_, weaker);
  server_.AwaitPush();
  auto all = AllSuggestions(server_);
  const std::string a_id = absl::StrCat(a.id(), ":CN3101A");
  const std::string c_id = absl::StrCat(c.id(), ":CN3101A");
  ASSERT_EQ(ActiveIds(all), (std::set<std::string>{a_id, c_id}));
  ASSERT_LT(all.at(c_id).score(), all.at(a_id).score());

  // E is in the holder's district: better than both; the patent is full.
  RegisterOrg(server_, "E", "样例蓬江电池公司", v1::PRIVATE_COMPANY,
              v1::PENGJIANG);
  const v1::Demand e = Need("E", kBattery, "新能源");
  server_.AwaitPush();
  all = AllSuggestions(server_);
  const std::string e_id = absl::StrCat(e.id(), ":CN3101A");
  ASSERT_TRUE(all.count(e_id));
  EXPECT_GT(all.at(e_id).score(), all.at(a_id).score());
  EXPECT_EQ(ActiveIds(all), (std::set<std::string>{a_id, e_id}));
  EXPECT_EQ(CompaniesOf(all, "CN3101A"), (std::set<std::string>{"A", "E"}));
  const v1::Suggestion& gone = all.at(c_id);
  EXPECT_EQ(gone.state(), v1::SUPERSEDED);
  ASSERT_GE(gone.history_size(), 2);
  const v1::StateChange& last = gone.history(gone.history_size() - 1);
  EXPECT_EQ(last.action(), "supersede");
  EXPECT_EQ(last.from(), v1::SUGGESTED);
  EXPECT_EQ(last.to(), v1::SUPERSEDED);
  EXPECT_EQ(last.note(), absl::StrCat("push limit: ", e_id, " scored higher"));
  const v1::PushStatus status = GetPushStatus(*admin_);
  EXPECT_EQ(status.superseded(), 1u);
  EXPECT_EQ(status.dropped_by_patent_limit(), 0u);
}

// A need that is closed can take nothing more, and a claimed suggestion
// for it is never displaced: it must not hold one of the patent's N places.
TEST_F(PushTest, AClosedNeedsSuggestionNoLongerHoldsAPatentsPlace) {
  Import(server_, {Listing("CN3201A", "高镍三元锂电池正极材料", kBattery, "U1",
                           {v1::LICENCE_OPEN})});
  server_.AwaitPush();
  const v1::Demand a = Need("A", kBattery, "新能源");
  Need("C", kBattery, "新能源");
  server_.AwaitPush();
  auto all = AllSuggestions(server_);
  ASSERT_EQ(ActiveIds(all).size(), 2u);
  for (const auto& id : ActiveIds(all)) Claim(*admin_, id);
  CloseNeed(*admin_, a.id());

  const v1::Demand d = Need("D", kBattery, "新能源");
  server_.AwaitPush();
  all = AllSuggestions(server_);
  const std::string d_id = absl::StrCat(d.id(), ":CN3201A");
  ASSERT_TRUE(all.count(d_id)) << "A's closed need holds a place";
  EXPECT_EQ(all.at(d_id).state(), v1::SUGGESTED);
  // A's claimed suggestion stays as it was (closing a need retires
  // nothing); it only no longer counts.
  EXPECT_EQ(all.at(absl::StrCat(a.id(), ":CN3201A")).state(), v1::IN_REVIEW);
  EXPECT_EQ(CompaniesOf(all, "CN3201A"),
            (std::set<std::string>{"A", "C", "D"}));
  // The open needs' places are full again: a fourth company is refused.
  const v1::Demand b = Need("B", kBattery, "新能源");
  server_.AwaitPush();
  EXPECT_FALSE(AllSuggestions(server_).count(absl::StrCat(b.id(), ":CN3201A")));
}

// Incubation-pool profiles often tie; the tie must not always go to the
// companies with the smallest ids.
TEST_F(PushTest, TiedPoolCompaniesShareAPatentsPlacesFairly) {
  RestartWith(Limits(2, 10));
  const std::vector<std::string> pool = {"P1", "P2", "P3", "P4", "P5"};
  for (const auto& id : pool) {
    RegisterPoolCompany(server_, id, absl::StrCat("样例培育库企业", id),
                        {"新能源"});
  }
  std::vector<v1::PatentListing> listings;
  for (int i = 0; i < 4; ++i) {
    listings.push_back(Tagged(
        Listing(absl::StrCat("CN33", i, "1A"), absl::StrCat("储能电池 方案", i),
                kBattery, "U1", {v1::LICENCE_OPEN}),
        "新能源"));
  }
  Import(server_, listings);
  server_.AwaitPush();
  const auto all = AllSuggestions(server_);
  ASSERT_EQ(all.size(), 8u) << "two companies per patent";
  std::set<std::string> winners;
  std::set<std::set<std::string>> pairs;
  double score = -1;
  for (const auto& listing : listings) {
    const std::set<std::string> of =
        CompaniesOf(all, listing.publication_number());
    EXPECT_EQ(of.size(), 2u) << listing.publication_number();
    winners.insert(of.begin(), of.end());
    pairs.insert(of);
  }
  for (const auto& [id, x] : all) {
    if (score < 0) score = x.score();
    EXPECT_EQ(x.score(), score) << id << ": the profiles should tie";
  }
  EXPECT_GT(pairs.size(), 1u) << "every patent went to the same two";
  EXPECT_GT(winners.size(), 2u) << *winners.begin();
}

// A listing withdrawn, or a need closed, while push was ranking (outside
// the writer lock) is not pushed.
TEST_F(PushTest, APairThatStoppedFittingWhilePushRankedIsNotPushed) {
  const v1::Demand a = Need("A", kBattery, "新能源");
  const v1::Demand c = Need("C", kBattery, "新能源");
  server_.AwaitPush();

  bool withdrew = false;
  OnceAfterRanking([&] {
    Withdraw(*admin_, "CN3401A");
    withdrew = true;
  });
  Import(server_, {Listing("CN3401A", "高镍三元锂电池正极材料", kBattery, "U1",
                           {v1::LICENCE_OPEN})});
  server_.AwaitPush();
  ASSERT_TRUE(withdrew);
  EXPECT_TRUE(AllSuggestions(server_).empty());

  bool closed = false;
  OnceAfterRanking([&] {
    CloseNeed(*admin_, c.id());
    closed = true;
  });
  Import(server_, {Listing("CN3402A", "高镍三元锂电池正极材料", kBattery, "U1",
                           {v1::LICENCE_OPEN})});
  server_.AwaitPush();
  ASSERT_TRUE(closed);
  EXPECT_EQ(ActiveIds(AllSuggestions(server_)),
            (std::set<std::string>{absl::StrCat(a.id(), ":CN3402A")}));
}

// The company limit counts the pushed suggestions of the last `period`
// only: once it has passed, a full company gets new ones again.
TEST_F(PushTest, TheCompanyLimitRollsOverAfterItsPeriod) {
  PushLimits limits = Limits(5, 2);
  limits.period = absl::Seconds(2);
  RestartWith(limits);
  Import(server_, {Listing("CN3501A", "高镍三元锂电池正极材料", kBattery, "U1",
                           {v1::LICENCE_OPEN}),
                   Listing("CN3502A", "高镍三元锂电池正极材料 方案二", kBattery,
                           "U1", {v1::LICENCE_OPEN})});
  server_.AwaitPush();
  const v1::Demand a = Need("A", kBattery, "新能源");
  server_.AwaitPush();
  auto all = AllSuggestions(server_);
  ASSERT_EQ(all.size(), 2u);
  // Claimed, so a new pair cannot displace them: only the period frees A.
  int64_t newest = 0;
  for (const auto& [id, x] : all) {
    Claim(*admin_, id);
    newest = std::max(newest, x.created_unix());
  }
  Import(server_, {Listing("CN3503A", "高镍三元锂电池正极材料 方案三", kBattery,
                           "U1", {v1::LICENCE_OPEN})});
  server_.AwaitPush();
  EXPECT_FALSE(AllSuggestions(server_).count(absl::StrCat(a.id(), ":CN3503A")));
  EXPECT_EQ(GetPushStatus(*admin_).dropped_by_company_limit(), 1u);

  // Suggestions count while created at or after now - period (whole
  // seconds), so A is free once the clock reads newest + period + 1.
  absl::SleepFor(absl::FromUnixSeconds(newest + 3) - absl::Now());
  Import(server_, {Listing("CN3504A", "高镍三元锂电池正极材料 方案四", kBattery,
                           "U1", {v1::LICENCE_OPEN})});
  server_.AwaitPush();
  all = AllSuggestions(server_);
  const std::string late = absl::StrCat(a.id(), ":CN3504A");
  ASSERT_TRUE(all.count(late)) << "the period did not roll over";
  EXPECT_EQ(all.at(late).state(), v1::SUGGESTED);
  EXPECT_EQ(GetPushStatus(*admin_).dropped_by_company_limit(), 1u);
}

TEST_F(PushTest, PushSurvivesARestartWithoutRepeatingOrLosingWork) {
  const v1::Demand need = Need("A", kBattery, "新能源");
  server_.AwaitPush();
  Import(server_, {Listing("CN4001A", "高镍三元锂电池正极材料", kBattery, "U1",
                           {v1::LICENCE_OPEN})});
  server_.AwaitPush();
  const auto before = AllSuggestions(server_);
  ASSERT_EQ(before.size(), 1u);
  server_.Restart();
  server_.AwaitPush();
  admin_ = std::make_unique<Client>(server_.channel());
  const auto after = AllSuggestions(server_);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after.begin()->second.created_unix(),
            before.begin()->second.created_unix());
  // Work committed while push was busy elsewhere is still picked up after a
  // restart: a need submitted right before the restart is ranked after it.
  const v1::Demand late = Need("C", kBattery, "新能源");
  server_.Restart();
  admin_ = std::make_unique<Client>(server_.channel());
  server_.AwaitPush();
  EXPECT_TRUE(
      AllSuggestions(server_).count(absl::StrCat(late.id(), ":CN4001A")));
}

// ---------------------------------------------------------------------------
// Watching

// Reads notices from one WatchSuggestions stream until `count` arrived or
// the stream ends; `cancel_after` > 0 disconnects after that many.
std::vector<v1::SuggestionNotice> Watch(Client& as, uint64_t after, int count,
                                        int cancel_after = 0) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::WatchSuggestionsRequest req;
  req.set_after_position(after);
  auto reader = as.reviews->WatchSuggestions(&ctx, req);
  std::vector<v1::SuggestionNotice> out;
  v1::SuggestionNotice notice;
  while (static_cast<int>(out.size()) < count && reader->Read(&notice)) {
    out.push_back(notice);
    if (cancel_after > 0 && static_cast<int>(out.size()) == cancel_after) {
      ctx.TryCancel();  // the client goes away mid-stream
      break;
    }
  }
  if (static_cast<int>(out.size()) >= count || cancel_after > 0) {
    ctx.TryCancel();
  }
  reader->Finish();
  return out;
}

TEST_F(PushTest, AWatcherSeesEachNewSuggestionOnceAcrossAReconnect) {
  Identity energy =
      Commissioner(server_, "新能源特派员（样例）", {"新能源"}, {});
  Identity medical =
      Commissioner(server_, "生物医药特派员（样例）", {"生物医药"}, {});
  Identity company = Member(server_, "A", "样例电池公司员工");
  Identity other = Member(server_, "B", "样例医疗器械公司员工");

  // Six battery listings, then needs: suggestions appear in the feed.
  std::vector<v1::PatentListing> listings;
  for (int i = 0; i < 6; ++i) {
    listings.push_back(Listing(absl::StrCat("CN50", i, "A"),
                               absl::StrCat("锂电池正极材料 方案", i), kBattery,
                               "U1", {v1::LICENCE_OPEN}));
  }
  Import(server_, listings);
  server_.AwaitPush();
  Need("A", kBattery, "新能源");     // company limit 3: three pushed
  Need("B", kCatheter, "生物医药");  // fits nothing
  server_.AwaitPush();

  // The energy commissioner reads two, then disconnects.
  std::vector<v1::SuggestionNotice> seen = Watch(*energy.client, 0, 100, 2);
  ASSERT_EQ(seen.size(), 2u);
  // More appear while nobody watches.
  Need("C", kBattery, "新能源");
  server_.AwaitPush();
  // Reconnecting from the last position delivers the rest, once.
  std::set<std::string> created;
  for (const auto& [id, x] : AllSuggestions(server_)) {
    if (x.industry() == "新能源") created.insert(id);
  }
  ASSERT_EQ(created.size(), 6u) << "A and C get three each";
  const auto rest = Watch(*energy.client, seen.back().position(),
                          static_cast<int>(created.size()) - 2);
  seen.insert(seen.end(), rest.begin(), rest.end());
  std::vector<std::string> ids;
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].kind(), v1::SUGGESTION_CREATED);
    if (i > 0) {
      EXPECT_GT(seen[i].position(), seen[i - 1].position());
    }
    ids.push_back(seen[i].suggestion().id());
  }
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), created);
  EXPECT_EQ(ids.size(), created.size()) << "no notice twice";

  // Nothing is in the medical commissioner's scope; the backlog ends.
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    v1::WatchSuggestionsRequest req;
    req.set_backlog_only(true);
    auto reader = medical->reviews->WatchSuggestions(&ctx, req);
    v1::SuggestionNotice notice;
    EXPECT_FALSE(reader->Read(&notice)) << notice.suggestion().id();
    EXPECT_TRUE(reader->Finish().ok());
  }

  // Live: a company waits; it hears of its own suggestion once a
  // commissioner approves it, and the other company hears nothing.
  std::vector<v1::SuggestionNotice> heard;
  std::thread watcher([&] { heard = Watch(*company.client, 0, 1); });
  const std::string a_id = [&] {
    for (const auto& [id, x] : AllSuggestions(server_)) {
      if (x.company_organisation_id() == "A" && x.state() == v1::SUGGESTED) {
        return id;
      }
    }
    return std::string();
  }();
  ASSERT_FALSE(a_id.empty());
  for (const char* step : {"claim", "approve"}) {
    v1::AdvanceSuggestionRequest req;
    req.set_suggestion_id(a_id);
    if (std::string(step) == "claim") {
      req.mutable_claim();
    } else {
      req.mutable_approve();
    }
    v1::Suggestion out;
    grpc::Status st =
        energy->reviews->AdvanceSuggestion(Ctx().get(), req, &out);
    ASSERT_TRUE(st.ok()) << step << ": " << Describe(st);
  }
  watcher.join();
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].kind(), v1::SUGGESTION_APPROVED);
  EXPECT_EQ(heard[0].suggestion().id(), a_id);
  EXPECT_TRUE(heard[0].suggestion().has_company_contact() ||
              heard[0].suggestion().company_name() == "样例电池公司");
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    v1::WatchSuggestionsRequest req;
    req.set_backlog_only(true);
    auto reader = other->reviews->WatchSuggestions(&ctx, req);
    v1::SuggestionNotice notice;
    EXPECT_FALSE(reader->Read(&notice)) << notice.suggestion().id();
    EXPECT_TRUE(reader->Finish().ok());
  }
}

// A watch stream read on its own thread while the test writes, until
// Stop() disconnects it.
class LiveWatch {
 public:
  LiveWatch(Client& as, uint64_t after) {
    ctx_.set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(60));
    v1::WatchSuggestionsRequest req;
    req.set_after_position(after);
    reader_ = as.reviews->WatchSuggestions(&ctx_, req);
    thread_ = std::thread([this] {
      v1::SuggestionNotice notice;
      while (reader_->Read(&notice)) {
        std::lock_guard<std::mutex> lock(mutex_);
        seen_.push_back(notice);
        arrived_.notify_all();
      }
    });
  }
  ~LiveWatch() { Stop(); }

  // True once `count` notices have arrived (within 20 s).
  bool AwaitCount(size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    return arrived_.wait_for(lock, std::chrono::seconds(20),
                             [&] { return seen_.size() >= count; });
  }

  // Disconnects, as a client that goes away; returns what arrived.
  std::vector<v1::SuggestionNotice> Stop() {
    if (thread_.joinable()) {
      ctx_.TryCancel();
      thread_.join();
      reader_->Finish();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }

 private:
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<v1::SuggestionNotice>> reader_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<v1::SuggestionNotice> seen_;
  std::thread thread_;
};

// New-energy suggestions (in the energy commissioner's scope) and the others.
void SplitByScope(const std::map<std::string, v1::Suggestion>& all,
                  std::set<std::string>* in, std::set<std::string>* out) {
  in->clear();
  out->clear();
  for (const auto& [id, x] : all)
    (x.industry() == "新能源" ? in : out)->insert(id);
}

// Suggestions in and out of a commissioner's scope are created while it
// streams and while it is away; resuming from its last position it sees
// each in-scope one once and nothing else.
TEST_F(PushTest, AWatcherResumesThroughInterleavedOutOfScopeNotices) {
  Identity energy =
      Commissioner(server_, "新能源特派员（样例）", {"新能源"}, {});
  std::vector<v1::PatentListing> listings;
  for (int i = 0; i < 4; ++i) {
    listings.push_back(Tagged(Listing(absl::StrCat("CN36", i, "1A"),
                                      absl::StrCat("锂电池正极材料 方案", i),
                                      kBattery, "U1", {v1::LICENCE_OPEN}),
                              "新能源"));
  }
  for (int i = 0; i < 2; ++i) {
    listings.push_back(Listing(absl::StrCat("CN37", i, "1A"),
                               absl::StrCat("医用导管 方案", i), kCatheter,
                               "U1", {v1::TRANSFER}));
  }
  Import(server_, listings);
  server_.AwaitPush();
  std::set<std::string> in, out;

  // Streaming: in scope (A), out of scope (B), in scope (C).
  LiveWatch first(*energy.client, 0);
  Need("A", kBattery, "新能源");
  server_.AwaitPush();
  SplitByScope(AllSuggestions(server_), &in, &out);
  ASSERT_FALSE(in.empty());
  ASSERT_TRUE(first.AwaitCount(in.size())) << "the watch is live";
  Need("B", kCatheter, "生物医药");
  server_.AwaitPush();  // so B's notices come before C's
  Need("C", kBattery, "新能源");
  server_.AwaitPush();
  SplitByScope(AllSuggestions(server_), &in, &out);
  ASSERT_FALSE(out.empty());
  ASSERT_TRUE(first.AwaitCount(in.size()));
  std::vector<v1::SuggestionNotice> seen = first.Stop();
  const size_t streamed = seen.size();
  // B's notices lie between A's and C's in the feed: the stream skipped them.
  bool skipped = false;
  for (size_t i = 1; i < streamed; ++i) {
    skipped |= seen[i].position() > seen[i - 1].position() + 1;
  }
  EXPECT_TRUE(skipped);

  // Away: out of scope (D, C), in scope (D, and a pool company's profile).
  Need("D", kCatheter, "生物医药");
  Need("D", kBattery, "新能源");
  Need("C", kCatheter, "生物医药");
  RegisterPoolCompany(server_, "P", "样例培育库企业（新能源）", {"新能源"});
  Import(server_, {Tagged(Listing("CN3641A", "锂电池正极材料 方案4", kBattery,
                                  "U1", {v1::LICENCE_OPEN}),
                          "新能源")});
  server_.AwaitPush();
  SplitByScope(AllSuggestions(server_), &in, &out);
  const size_t away = in.size() - streamed;
  ASSERT_GT(away, 0u);

  // Back from the last position; more of both while it streams.
  LiveWatch second(*energy.client, seen.back().position());
  ASSERT_TRUE(second.AwaitCount(away));
  Import(server_, {Tagged(Listing("CN3651A", "锂电池正极材料 方案5", kBattery,
                                  "U1", {v1::LICENCE_OPEN}),
                          "新能源"),
                   Listing("CN3751A", "医用导管 方案5", kCatheter, "U1",
                           {v1::TRANSFER})});
  server_.AwaitPush();
  const size_t before = in.size() + out.size();
  SplitByScope(AllSuggestions(server_), &in, &out);
  ASSERT_GT(in.size(), streamed + away);
  ASSERT_GT(in.size() + out.size(), before + (in.size() - streamed - away));
  ASSERT_TRUE(second.AwaitCount(in.size() - streamed));
  const std::vector<v1::SuggestionNotice> rest = second.Stop();
  seen.insert(seen.end(), rest.begin(), rest.end());

  std::vector<std::string> ids;
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].kind(), v1::SUGGESTION_CREATED);
    EXPECT_EQ(seen[i].suggestion().industry(), "新能源");
    if (i > 0) {
      EXPECT_GT(seen[i].position(), seen[i - 1].position());
    }
    ids.push_back(seen[i].suggestion().id());
    EXPECT_FALSE(out.count(ids.back())) << ids.back() << " is out of scope";
  }
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), in);
  EXPECT_EQ(ids.size(), in.size()) << "no notice twice";
  // Nothing is left after the last notice seen.
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::WatchSuggestionsRequest req;
  req.set_after_position(seen.back().position());
  req.set_backlog_only(true);
  auto reader = energy->reviews->WatchSuggestions(&ctx, req);
  v1::SuggestionNotice notice;
  EXPECT_FALSE(reader->Read(&notice)) << notice.suggestion().id();
  EXPECT_TRUE(reader->Finish().ok());
}

TEST_F(PushTest, PushStatusWaitsUntilCaughtUpAndCounts) {
  Need("A", kBattery, "新能源");
  Import(server_, {Listing("CN6001A", "高镍三元锂电池正极材料", kBattery, "U1",
                           {v1::LICENCE_OPEN})});
  // No AwaitPush here: the RPC itself waits.
  v1::GetPushStatusRequest req;
  req.set_wait_seconds(60);
  v1::PushStatus status;
  grpc::Status s = server_.reviews->GetPushStatus(Ctx(90).get(), req, &status);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_TRUE(status.enabled());
  EXPECT_EQ(status.max_companies_per_patent(), 2);
  EXPECT_EQ(status.max_per_company(), 3);
  EXPECT_EQ(status.handled_change(), status.last_change());
  EXPECT_EQ(status.suggested(), 1u);
  EXPECT_EQ(AllSuggestions(server_).size(), 1u);

  Identity member = Member(server_, "A", "样例电池公司员工");
  s = member->reviews->GetPushStatus(Ctx().get(), v1::GetPushStatusRequest(),
                                     &status);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  req.set_wait_seconds(601);
  s = server_.reviews->GetPushStatus(Ctx().get(), req, &status);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// A watch opened with a token that is later revoked ends with
// UNAUTHENTICATED, and delivers nothing created after the revocation.
TEST_F(PushTest, RevokingATokenEndsItsWatch) {
  Identity energy =
      Commissioner(server_, "新能源特派员（样例）", {"新能源"}, {});
  Import(server_, {Tagged(Listing("CN1001A", "一种高镍三元锂电池正极材料",
                                  kBattery, "U1", {v1::LICENCE_OPEN}),
                          "新能源")});
  server_.AwaitPush();
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto reader =
      energy->reviews->WatchSuggestions(&ctx, v1::WatchSuggestionsRequest());
  Need("A", kBattery, "新能源");
  server_.AwaitPush();
  v1::SuggestionNotice notice;
  ASSERT_TRUE(reader->Read(&notice)) << "the watch is live";
  EXPECT_EQ(notice.kind(), v1::SUGGESTION_CREATED);

  v1::RevokeTokenRequest revoke;
  revoke.set_account_id(energy.account.id());
  v1::Account revoked;
  grpc::Status s = admin_->access->RevokeToken(Ctx().get(), revoke, &revoked);
  ASSERT_TRUE(s.ok()) << Describe(s);
  Need("C", kBattery, "新能源");  // a new suggestion in its scope
  server_.AwaitPush();
  std::vector<std::string> after;
  while (reader->Read(&notice)) after.push_back(notice.suggestion().id());
  EXPECT_TRUE(after.empty()) << after.front();
  s = reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "revoked"))
      << s.error_message();
}

TEST_F(PushTest, WatchingNeedsAToken) {
  Client anonymous(server_.Channel(""));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto reader =
      anonymous.reviews->WatchSuggestions(&ctx, v1::WatchSuggestionsRequest());
  v1::SuggestionNotice notice;
  EXPECT_FALSE(reader->Read(&notice));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// Resuming after a position no notice has had would skip every notice up
// to it: refused, saying where the feed is.
TEST_F(PushTest, ResumingBeyondTheLastNoticeIsRefused) {
  Client admin(server_.channel());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::WatchSuggestionsRequest req;
  req.set_after_position(99999);
  auto reader = admin.reviews->WatchSuggestions(&ctx, req);
  v1::SuggestionNotice notice;
  EXPECT_FALSE(reader->Read(&notice));
  const grpc::Status s = reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(),
                                "99999 is beyond the last notice (0)"))
      << s.error_message();
}

}  // namespace
}  // namespace patentmatch
