// End-to-end tests of accounts, roles, field visibility, the review workflow,
// the audit trail, learned ranking weights and TLS (issue #3): the real
// server on 127.0.0.1:0 with a temporary data directory, driven through gRPC
// only, as administrators, commissioners and organisation members.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/access_control.h"
#include "services/server.h"
#include "tests/integration/self_signed_cert.h"
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
using testing::IssueIdentity;
using testing::Listing;
using testing::Member;
using testing::MustSubmitNeed;
using testing::NeedSpec;
using testing::RegisterOrg;
using testing::SubmitNeed;
using testing::TestServer;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

grpc::Status Propose(Client& as, const std::string& demand_id, int top_k,
                     v1::ProposeSuggestionsResponse* out) {
  v1::ProposeSuggestionsRequest req;
  req.set_demand_id(demand_id);
  req.set_top_k(top_k);
  return as.reviews->ProposeSuggestions(Ctx().get(), req, out);
}

v1::ProposeSuggestionsResponse MustPropose(Client& as,
                                           const std::string& demand_id,
                                           int top_k) {
  v1::ProposeSuggestionsResponse out;
  grpc::Status s = Propose(as, demand_id, top_k, &out);
  EXPECT_TRUE(s.ok()) << Describe(s);
  return out;
}

// AdvanceSuggestion request builders.
v1::AdvanceSuggestionRequest ClaimReq(const std::string& id) {
  v1::AdvanceSuggestionRequest r;
  r.set_suggestion_id(id);
  r.mutable_claim();
  return r;
}
v1::AdvanceSuggestionRequest ReleaseReq(const std::string& id) {
  v1::AdvanceSuggestionRequest r;
  r.set_suggestion_id(id);
  r.mutable_release();
  return r;
}
v1::AdvanceSuggestionRequest ApproveReq(const std::string& id) {
  v1::AdvanceSuggestionRequest r;
  r.set_suggestion_id(id);
  r.mutable_approve()->set_note("looks right");
  return r;
}
v1::AdvanceSuggestionRequest RejectReq(const std::string& id,
                                       v1::RejectionReason reason,
                                       const std::string& note = "") {
  v1::AdvanceSuggestionRequest r;
  r.set_suggestion_id(id);
  r.mutable_reject()->set_reason(reason);
  r.mutable_reject()->set_note(note);
  return r;
}
v1::AdvanceSuggestionRequest ContactedReq(const std::string& id) {
  v1::AdvanceSuggestionRequest r;
  r.set_suggestion_id(id);
  r.mutable_contacted()->set_note("phoned both sides");
  return r;
}
v1::AdvanceSuggestionRequest NegotiatingReq(const std::string& id) {
  v1::AdvanceSuggestionRequest r;
  r.set_suggestion_id(id);
  r.mutable_negotiating()->set_note("first meeting held");
  return r;
}
v1::AdvanceSuggestionRequest SignDealReq(const std::string& id,
                                         v1::DealKind kind, int64_t amount,
                                         const std::string& date) {
  v1::AdvanceSuggestionRequest r;
  r.set_suggestion_id(id);
  auto* deal = r.mutable_sign_deal()->mutable_deal();
  deal->set_kind(kind);
  deal->set_amount_yuan(amount);
  deal->set_signed_date(date);
  return r;
}
v1::AdvanceSuggestionRequest FilingReq(const std::string& id,
                                       const std::string& number,
                                       const std::string& date) {
  v1::AdvanceSuggestionRequest r;
  r.set_suggestion_id(id);
  r.mutable_record_filing()->set_filing_number(number);
  r.mutable_record_filing()->set_filed_date(date);
  return r;
}
v1::AdvanceSuggestionRequest FeedbackReq(const std::string& id,
                                         v1::CompanyFeedback feedback) {
  v1::AdvanceSuggestionRequest r;
  r.set_suggestion_id(id);
  r.mutable_feedback()->set_feedback(feedback);
  return r;
}
v1::AdvanceSuggestionRequest RespondReq(const std::string& id,
                                        v1::HolderResponse response) {
  v1::AdvanceSuggestionRequest r;
  r.set_suggestion_id(id);
  r.mutable_respond()->set_response(response);
  return r;
}

grpc::Status Advance(Client& as, const v1::AdvanceSuggestionRequest& req,
                     v1::Suggestion* out = nullptr) {
  v1::Suggestion ignored;
  return as.reviews->AdvanceSuggestion(Ctx().get(), req, out ? out : &ignored);
}

v1::Suggestion MustAdvance(Client& as,
                           const v1::AdvanceSuggestionRequest& req) {
  v1::Suggestion out;
  grpc::Status s = Advance(as, req, &out);
  EXPECT_TRUE(s.ok()) << req.ShortDebugString() << " -> " << Describe(s);
  return out;
}

grpc::Status GetSuggestion(Client& as, const std::string& id,
                           v1::Suggestion* out) {
  v1::GetSuggestionRequest req;
  req.set_id(id);
  return as.reviews->GetSuggestion(Ctx().get(), req, out);
}

// One ListSuggestions call as `as` (the default page holds up to 50).
v1::ListSuggestionsResponse ListSuggestions(
    Client& as, v1::ListSuggestionsRequest req = {}) {
  v1::ListSuggestionsResponse out;
  grpc::Status s = as.reviews->ListSuggestions(Ctx().get(), req, &out);
  EXPECT_TRUE(s.ok()) << Describe(s);
  return out;
}

grpc::Status GetDemand(Client& as, const std::string& id, v1::Demand* out) {
  v1::GetDemandRequest req;
  req.set_id(id);
  return as.demands->GetDemand(Ctx().get(), req, out);
}

grpc::Status GetPatent(Client& as, const std::string& id,
                       v1::PatentListing* out) {
  v1::GetPatentRequest req;
  req.set_id(id);
  return as.patents->GetPatent(Ctx().get(), req, out);
}

grpc::Status WhoAmI(Client& as, v1::Account* out) {
  return as.access->WhoAmI(Ctx().get(), v1::WhoAmIRequest(), out);
}

// All audit records matching `req`, following next_page_token.
std::vector<v1::AuditRecord> QueryAudit(Client& as,
                                        v1::QueryAuditLogRequest req) {
  std::vector<v1::AuditRecord> all;
  for (int pages = 0; pages < 1000; ++pages) {
    v1::QueryAuditLogResponse page;
    grpc::Status s = as.audit->QueryAuditLog(Ctx().get(), req, &page);
    EXPECT_TRUE(s.ok()) << Describe(s);
    if (!s.ok()) break;
    for (const auto& r : page.records()) all.push_back(r);
    if (page.next_page_token().empty()) break;
    req.set_page_token(page.next_page_token());
  }
  return all;
}

std::vector<v1::AuditRecord> EntityHistory(Client& as, const std::string& kind,
                                           const std::string& id) {
  v1::QueryAuditLogRequest req;
  req.set_entity_kind(kind);
  req.set_entity_id(id);
  return QueryAudit(as, req);
}

double FeatureValue(const v1::Explanation& e, const std::string& feature) {
  for (const auto& f : e.features()) {
    if (f.feature() == feature) return f.value();
  }
  ADD_FAILURE() << "no feature " << feature << " in " << e.ShortDebugString();
  return 0;
}

const v1::FeatureWeight* FindWeight(const v1::RankingWeightsState& state,
                                    const std::string& feature) {
  for (const auto& w : state.weights()) {
    if (w.feature() == feature) return &w;
  }
  return nullptr;
}

grpc::StatusCode ResetWeights(Client& as, v1::RankingWeightsState* out) {
  return as.reviews
      ->ResetRankingWeights(Ctx().get(), v1::ResetRankingWeightsRequest(), out)
      .error_code();
}

v1::RankingWeightsState GetWeights(Client& as) {
  v1::RankingWeightsState state;
  grpc::Status s = as.reviews->GetRankingWeights(
      Ctx().get(), v1::GetRankingWeightsRequest(), &state);
  EXPECT_TRUE(s.ok()) << Describe(s);
  return state;
}

// ---------------------------------------------------------------------------
// A small city: two companies and a university holder in known districts,
// accounts for each role, patents and needs with private fields.
// ---------------------------------------------------------------------------

constexpr char kOrgA[] = "org-a-sample";
constexpr char kOrgB[] = "org-b-sample";
constexpr char kOrgH[] = "org-h-sample";
constexpr char kOrgAName[] = "甲精密电子有限公司（样例）";
constexpr char kIndustry[] = "新材料";
constexpr char kOtherIndustry[] = "新能源";

// Private fields, chosen to be unmistakable in a serialised response.
constexpr char kPhoneA[] = "13800001111";
constexpr char kEmailA[] = "need-a-contact@example.com";
constexpr char kPhoneB[] = "13900002222";
constexpr char kEmailB[] = "need-b-contact@example.com";
constexpr char kPhoneC[] = "13700003333";
constexpr int64_t kAskingMin = 888123;  // Yuan(888123) = "888123元"
constexpr char kAskingText[] = "888123";

constexpr char kP1[] = "CN100000001A";  // the holder's flagship listing
constexpr char kPBattery[] = "CN100000020A";

const std::vector<std::string>& Aspects() {
  static const auto* aspects = new std::vector<std::string>{
      "导热涂层", "复合导热膜", "导热垫片", "散热片", "导热胶",  "相变散热材料",
      "导热硅脂", "散热涂料",   "导热塑料", "均热板", "导热粉体"};
  return *aspects;
}

class World : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>(Tag());
    server_->Start();
    admin_ = std::make_unique<Client>(server_->channel());
    RegisterOrg(*server_, kOrgA, kOrgAName, v1::PRIVATE_COMPANY, v1::XINHUI);
    RegisterOrg(*server_, kOrgB, "乙新材料科技有限公司（样例）",
                v1::PRIVATE_COMPANY, v1::XINHUI);
    RegisterOrg(*server_, kOrgH, "丙大学（样例）", v1::UNIVERSITY,
                v1::PENGJIANG);
    member_a_ = Member(*server_, kOrgA, "甲公司员工");
    member_b_ = Member(*server_, kOrgB, "乙公司员工");
    member_h_ = Member(*server_, kOrgH, "丙大学技术转移中心");
    comm_in_ =
        Commissioner(*server_, "新会新材料特派员", {kIndustry}, {v1::XINHUI});
    comm_in2_ = Commissioner(*server_, "全市新材料特派员", {kIndustry}, {});
    comm_out_ = Commissioner(*server_, "新能源特派员", {kOtherIndustry}, {});

    // The holder's listings: one flagship with an asking price, and ten
    // more on the same subject, so a need yields a queue of suggestions.
    auto p1 = Listing(kP1, "一种石墨烯导热膜及其制备方法",
                      "本发明公开了一种石墨烯导热膜，导热系数高，柔韧性好，"
                      "用于手机等电子产品散热。",
                      kOrgH, {v1::TRANSFER, v1::LICENCE_ORDINARY});
    p1.mutable_asking_price()->set_min_yuan(kAskingMin);
    p1.mutable_asking_price()->set_max_yuan(kAskingMin + 100000);
    CreatePatent(*member_h_.client, p1);
    for (size_t i = 0; i < Aspects().size(); ++i) {
      const std::string& aspect = Aspects()[i];
      CreatePatent(*admin_,
                   Listing(absl::StrCat("CN1000001", 10 + i, "A"),
                           absl::StrCat("一种石墨烯", aspect),
                           absl::StrCat("石墨烯", aspect,
                                        "，导热性能好，用于电子产品散热。"),
                           kOrgH, {v1::LICENCE_ORDINARY}));
    }
    CreatePatent(*admin_, Listing(kPBattery, "一种锂电池正极材料",
                                  "锂电池正极材料，循环寿命长，能量密度高。",
                                  kOrgH, {v1::TRANSFER}));

    need_a_ = MustSubmitNeed(
        *member_a_.client,
        {kOrgA,
         "手机散热用石墨烯导热膜",
         "我们生产手机，需要导热系数高的石墨烯导热膜解决散热问题。",
         kIndustry,
         {v1::TRANSFER},
         kPhoneA,
         kEmailA,
         500000});
    need_b_ = MustSubmitNeed(*admin_, {kOrgB,
                                       "导热硅脂",
                                       "寻找石墨烯导热硅脂，用于电子产品散热。",
                                       kIndustry,
                                       {v1::LICENCE_ORDINARY},
                                       kPhoneB,
                                       kEmailB});
    // Out of comm_in's scope (industry), in comm_out's.
    need_c_ = MustSubmitNeed(*admin_, {kOrgB,
                                       "锂电池正极材料",
                                       "需要循环寿命长的锂电池正极材料。",
                                       kOtherIndustry,
                                       {v1::TRANSFER},
                                       kPhoneC,
                                       ""});
  }

  virtual std::string Tag() const { return "access"; }

  // The suggestion for need_a_ and P1, proposed by comm_in_.
  std::string ProposeFlagship() {
    auto proposed = MustPropose(*comm_in_.client, need_a_.id(), 20);
    const std::string id = absl::StrCat(need_a_.id(), ":", kP1);
    bool found = false;
    for (const auto& s : proposed.created()) found |= s.id() == id;
    EXPECT_TRUE(found) << proposed.DebugString();
    return id;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<Client> admin_;
  Identity member_a_, member_b_, member_h_;
  Identity comm_in_, comm_in2_, comm_out_;
  v1::Demand need_a_, need_b_, need_c_;
};

// ---------------------------------------------------------------------------
// 1. Tokens
// ---------------------------------------------------------------------------

class AccessTokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>("tokens");
    server_->Start();
    admin_ = std::make_unique<Client>(server_->channel());
    RegisterOrg(*server_, kOrgA, kOrgAName, v1::PRIVATE_COMPANY, v1::XINHUI);
  }
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<Client> admin_;
};

TEST_F(AccessTokensTest,
       CallsWithoutTokenOrWithGarbageTokenAreUnauthenticated) {
  for (const std::string& token : {std::string(), std::string("garbage"),
                                   std::string("pm_") + std::string(43, 'A')}) {
    Client anon(server_->Channel(token));
    v1::Account account;
    grpc::Status s = WhoAmI(anon, &account);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << "token '" << token << "': " << Describe(s);
    v1::PatentListing listing;
    EXPECT_EQ(GetPatent(anon, kP1, &listing).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    v1::ListSuggestionsResponse list;
    EXPECT_EQ(
        anon.reviews
            ->ListSuggestions(Ctx().get(), v1::ListSuggestionsRequest(), &list)
            .error_code(),
        grpc::StatusCode::UNAUTHENTICATED);
    v1::QueryAuditLogResponse records;
    EXPECT_EQ(
        anon.audit
            ->QueryAuditLog(Ctx().get(), v1::QueryAuditLogRequest(), &records)
            .error_code(),
        grpc::StatusCode::UNAUTHENTICATED);
  }
  // A header that is not "Bearer <token>" at all.
  auto ctx = Ctx();
  ctx->AddMetadata("authorization", "Basic dXNlcjpwYXNz");
  Client anon(server_->Channel(""));
  v1::Account account;
  EXPECT_EQ(anon.access->WhoAmI(ctx.get(), v1::WhoAmIRequest(), &account)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AccessTokensTest, AdminTokenFileIsReadableByOwnerOnly) {
  const std::string path = server_->data_dir() + "/admin.token";
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
  EXPECT_EQ(st.st_mode & 0777, 0600u) << std::oct << (st.st_mode & 0777);
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  EXPECT_EQ(token, server_->admin_token());
  EXPECT_TRUE(absl::StartsWith(token, "pm_")) << token;
}

TEST_F(AccessTokensTest, IssuedTokensActInTheirRoleAndScope) {
  v1::Account admin;
  ASSERT_TRUE(WhoAmI(*admin_, &admin).ok());
  EXPECT_EQ(admin.role(), v1::ADMINISTRATOR);

  Identity comm =
      Commissioner(*server_, "新会新材料特派员", {kIndustry}, {v1::XINHUI});
  Identity member = Member(*server_, kOrgA, "甲公司员工");
  ASSERT_FALSE(comm.token.empty());
  ASSERT_FALSE(member.token.empty());
  EXPECT_NE(comm.token, member.token);
  EXPECT_TRUE(comm.account.token_sha256().empty());
  EXPECT_EQ(comm.account.created_by(), admin.id());

  v1::Account who;
  ASSERT_TRUE(WhoAmI(*comm.client, &who).ok());
  EXPECT_EQ(who.id(), comm.account.id());
  EXPECT_EQ(who.role(), v1::COMMISSIONER);
  ASSERT_EQ(who.industries_size(), 1);
  EXPECT_EQ(who.industries(0), kIndustry);
  ASSERT_EQ(who.districts_size(), 1);
  EXPECT_EQ(who.districts(0), v1::XINHUI);
  EXPECT_TRUE(who.token_sha256().empty());

  ASSERT_TRUE(WhoAmI(*member.client, &who).ok());
  EXPECT_EQ(who.id(), member.account.id());
  EXPECT_EQ(who.role(), v1::ORGANISATION_MEMBER);
  EXPECT_EQ(who.organisation_id(), kOrgA);
  EXPECT_TRUE(who.token_sha256().empty());

  // A member token needs an organisation that exists.
  v1::IssueTokenRequest bad;
  bad.set_name("nobody");
  bad.set_role(v1::ORGANISATION_MEMBER);
  bad.set_organisation_id("no-such-org");
  v1::IssueTokenResponse refused;
  EXPECT_EQ(admin_->access->IssueToken(Ctx().get(), bad, &refused).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AccessTokensTest, ListAccountsNeverReturnsTokenHashes) {
  Identity comm = Commissioner(*server_, "特派员", {}, {});
  Identity member = Member(*server_, kOrgA, "员工");
  v1::ListAccountsRequest req;
  req.set_include_revoked(true);
  v1::ListAccountsResponse list;
  grpc::Status s = admin_->access->ListAccounts(Ctx().get(), req, &list);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(list.accounts_size(), 3);  // administrator, commissioner, member
  for (const auto& a : list.accounts()) {
    EXPECT_TRUE(a.token_sha256().empty()) << a.id();
  }
  const std::string dump = list.DebugString();
  for (const std::string& token :
       {server_->admin_token(), comm.token, member.token}) {
    EXPECT_FALSE(absl::StrContains(dump, TokenSha256Hex(token)));
    EXPECT_FALSE(absl::StrContains(dump, token));
  }
  // Paging with page_size 1 walks the same three accounts.
  std::vector<std::string> ids;
  req.set_page_size(1);
  for (int i = 0; i < 10; ++i) {
    v1::ListAccountsResponse page;
    ASSERT_TRUE(admin_->access->ListAccounts(Ctx().get(), req, &page).ok());
    for (const auto& a : page.accounts()) ids.push_back(a.id());
    if (page.next_page_token().empty()) break;
    req.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(ids.size(), 3u);
}

TEST_F(AccessTokensTest, RevokedTokenIsRefusedAndStaysRevokedAfterRestart) {
  Identity keep = Member(*server_, kOrgA, "留用");
  Identity gone = Commissioner(*server_, "离职特派员", {}, {});
  v1::Account who;
  ASSERT_TRUE(WhoAmI(*gone.client, &who).ok());

  v1::RevokeTokenRequest revoke;
  revoke.set_account_id(gone.account.id());
  v1::Account revoked;
  grpc::Status s = admin_->access->RevokeToken(Ctx().get(), revoke, &revoked);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_TRUE(revoked.revoked());
  EXPECT_GT(revoked.revoked_unix(), 0);
  EXPECT_TRUE(revoked.token_sha256().empty());

  s = WhoAmI(*gone.client, &who);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(s);
  EXPECT_TRUE(WhoAmI(*keep.client, &who).ok());

  // Listing hides revoked accounts unless asked.
  v1::ListAccountsResponse list;
  ASSERT_TRUE(admin_->access
                  ->ListAccounts(Ctx().get(), v1::ListAccountsRequest(), &list)
                  .ok());
  for (const auto& a : list.accounts()) EXPECT_NE(a.id(), gone.account.id());
  v1::ListAccountsRequest all;
  all.set_include_revoked(true);
  ASSERT_TRUE(admin_->access->ListAccounts(Ctx().get(), all, &list).ok());
  bool listed = false;
  for (const auto& a : list.accounts()) {
    if (a.id() == gone.account.id()) listed = a.revoked();
  }
  EXPECT_TRUE(listed);

  server_->Restart();
  Client keep_again(server_->Channel(keep.token));
  Client gone_again(server_->Channel(gone.token));
  s = WhoAmI(keep_again, &who);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(who.id(), keep.account.id());
  EXPECT_EQ(who.role(), v1::ORGANISATION_MEMBER);
  s = WhoAmI(gone_again, &who);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(s);
  // The administrator token from the first start still works.
  Client admin_again(server_->channel());
  ASSERT_TRUE(WhoAmI(admin_again, &who).ok());
  EXPECT_EQ(who.role(), v1::ADMINISTRATOR);
}

TEST_F(AccessTokensTest, OnlyAdministratorsIssueRevokeOrListTokens) {
  Identity comm = Commissioner(*server_, "特派员", {}, {});
  Identity member = Member(*server_, kOrgA, "员工");
  v1::IssueTokenRequest req;
  req.set_name("self-made administrator");
  req.set_role(v1::ADMINISTRATOR);
  for (Identity* who : {&comm, &member}) {
    v1::IssueTokenResponse issued;
    grpc::Status s = (*who)->access->IssueToken(Ctx().get(), req, &issued);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << Describe(s);
    EXPECT_TRUE(issued.token().empty());
    v1::RevokeTokenRequest revoke;
    revoke.set_account_id(comm.account.id());
    v1::Account account;
    EXPECT_EQ(
        (*who)->access->RevokeToken(Ctx().get(), revoke, &account).error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
    v1::ListAccountsResponse list;
    EXPECT_EQ((*who)
                  ->access
                  ->ListAccounts(Ctx().get(), v1::ListAccountsRequest(), &list)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // Nothing was issued.
  v1::ListAccountsRequest all;
  all.set_include_revoked(true);
  v1::ListAccountsResponse list;
  ASSERT_TRUE(admin_->access->ListAccounts(Ctx().get(), all, &list).ok());
  EXPECT_EQ(list.accounts_size(), 3);
}

// ---------------------------------------------------------------------------
// 2. What each role may do
// ---------------------------------------------------------------------------

class AccessRolesTest : public World {
  std::string Tag() const override { return "roles"; }
};

TEST_F(AccessRolesTest, MemberActsForItsOwnOrganisationOnly) {
  Client& a = *member_a_.client;
  v1::Demand own;
  grpc::Status s = SubmitNeed(
      a, {kOrgA, "第二个需求", "需要导热胶。", kIndustry, {}, "", ""}, &own);
  EXPECT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(own.organisation_id(), kOrgA);

  v1::Demand other;
  s = SubmitNeed(
      a, {kOrgB, "冒名需求", "替乙公司提交。", kIndustry, {}, "", ""}, &other);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  s = GetDemand(a, need_b_.id(), &other);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  EXPECT_FALSE(absl::StrContains(other.DebugString(), kPhoneB));

  v1::ListDemandsRequest list_b;
  list_b.set_organisation_id(kOrgB);
  v1::ListDemandsResponse listed;
  s = a.demands->ListDemands(Ctx().get(), list_b, &listed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  s = a.demands->ListDemands(Ctx().get(), v1::ListDemandsRequest(), &listed);
  ASSERT_TRUE(s.ok()) << Describe(s);
  std::set<std::string> ids;
  for (const auto& d : listed.demands()) {
    EXPECT_EQ(d.organisation_id(), kOrgA) << d.id();
    ids.insert(d.id());
  }
  EXPECT_EQ(ids, (std::set<std::string>{need_a_.id(), own.id()}));
  EXPECT_FALSE(absl::StrContains(listed.DebugString(), kPhoneB));
  EXPECT_FALSE(absl::StrContains(listed.DebugString(), kPhoneC));

  // Raw ranking is for staff.
  v1::SuggestForDemandRequest for_demand;
  for_demand.set_demand_id(need_a_.id());
  v1::SuggestResponse suggested;
  s = a.matches->SuggestForDemand(Ctx().get(), for_demand, &suggested);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  v1::SuggestForTextRequest for_text;
  for_text.mutable_need()->set_text("石墨烯导热膜");
  s = a.matches->SuggestForText(Ctx().get(), for_text, &suggested);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  v1::MatchDemandsForPatentRequest reverse;
  reverse.set_patent_id(kP1);
  v1::MatchDemandsForPatentResponse reversed;
  s = a.matches->MatchDemandsForPatent(Ctx().get(), reverse, &reversed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  v1::ProposeSuggestionsResponse proposed;
  s = Propose(a, need_a_.id(), 5, &proposed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  // A listing for another organisation is refused and not stored.
  v1::CreatePatentRequest create;
  *create.mutable_listing() =
      Listing("CN100000099A", "一种冒名专利", "替乙公司登记的专利。", kOrgB,
              {v1::TRANSFER});
  v1::PatentListing created;
  s = a.patents->CreatePatent(Ctx().get(), create, &created);
  EXPECT_TRUE(s.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
              s.error_code() == grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(s);
  if (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    EXPECT_TRUE(
        absl::StrContains(s.error_message(), "listing.owner_organisation_id"))
        << s.error_message();
  }
  v1::PatentListing stored;
  EXPECT_EQ(GetPatent(*admin_, "CN100000099A", &stored).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Nor may it take over another organisation's listing.
  v1::UpdatePatentRequest update;
  *update.mutable_listing() = Listing(kP1, "改名", "改写。", kOrgA, {});
  s = a.patents->UpdatePatent(Ctx().get(), update, &created);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  // The audit log and the ranking weights are for staff.
  v1::QueryAuditLogResponse records;
  s = a.audit->QueryAuditLog(Ctx().get(), v1::QueryAuditLogRequest(), &records);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  EXPECT_EQ(records.records_size(), 0);
  v1::RankingWeightsState weights;
  EXPECT_EQ(a.reviews
                ->GetRankingWeights(Ctx().get(), v1::GetRankingWeightsRequest(),
                                    &weights)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// A member's import that names another organisation's listing loses that
// record only; its own records in the same stream are kept.
TEST_F(AccessRolesTest, MemberImportRejectsOtherOrganisationsRecordsOnly) {
  Client& a = *member_a_.client;
  v1::ImportPatentsResponse response;
  auto ctx = Ctx();
  auto writer = a.patents->ImportPatents(ctx.get(), &response);
  v1::ImportPatentRecord theirs;
  *theirs.mutable_listing() = Listing(kP1, "改名", "改写别人的专利。", "", {});
  theirs.set_source_line(2);
  ASSERT_TRUE(writer->Write(theirs));
  v1::ImportPatentRecord mine;
  *mine.mutable_listing() = Listing("CN100000077A", "一种导热胶",
                                    "导热胶，用于电子产品散热。", "", {});
  mine.set_source_line(3);
  ASSERT_TRUE(writer->Write(mine));
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).outcome(), v1::ImportRecordResult::REJECTED);
  ASSERT_EQ(response.results(0).errors_size(), 1);
  EXPECT_EQ(response.results(0).errors(0).field(), "listing.id");
  EXPECT_EQ(response.results(1).outcome(), v1::ImportRecordResult::CREATED);
  v1::PatentListing stored;
  ASSERT_TRUE(GetPatent(*admin_, kP1, &stored).ok());
  EXPECT_EQ(stored.owner_organisation_id(), kOrgH);
  EXPECT_NE(stored.title(), "改名");
  ASSERT_TRUE(GetPatent(*admin_, "CN100000077A", &stored).ok());
  EXPECT_EQ(stored.owner_organisation_id(), kOrgA);
}

TEST_F(AccessRolesTest, CommissionerWorksWithinItsScopeOnly) {
  Client& c = *comm_in_.client;
  v1::ProposeSuggestionsResponse proposed;
  grpc::Status s = Propose(c, need_a_.id(), 5, &proposed);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_GT(proposed.created_size(), 0);
  for (const auto& sg : proposed.created()) {
    EXPECT_EQ(sg.state(), v1::SUGGESTED);
    EXPECT_EQ(sg.source(), "commissioner");
  }

  // need_c_ is in another industry: outside the scope.
  s = Propose(c, need_c_.id(), 5, &proposed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  v1::ListSuggestionsRequest for_c;
  for_c.set_demand_id(need_c_.id());
  EXPECT_EQ(ListSuggestions(*admin_, for_c).total(), 0)
      << "a refused proposal left suggestions behind";
  // The commissioner covering it may.
  s = Propose(*comm_out_.client, need_c_.id(), 5, &proposed);
  EXPECT_TRUE(s.ok()) << Describe(s);

  v1::CreatePatentRequest create;
  *create.mutable_listing() =
      Listing("CN100000098A", "一种特派员登记的专利", "摘要。", "", {});
  v1::PatentListing created;
  s = c.patents->CreatePatent(Ctx().get(), create, &created);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  v1::IssueTokenRequest issue;
  issue.set_name("helper");
  issue.set_role(v1::COMMISSIONER);
  v1::IssueTokenResponse issued;
  s = c.access->IssueToken(Ctx().get(), issue, &issued);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  v1::QueryAuditLogResponse records;
  s = c.audit->QueryAuditLog(Ctx().get(), v1::QueryAuditLogRequest(), &records);
  EXPECT_TRUE(s.ok()) << Describe(s);
  EXPECT_GT(records.records_size(), 0);

  v1::RankingWeightsState weights;
  EXPECT_TRUE(c.reviews
                  ->GetRankingWeights(Ctx().get(),
                                      v1::GetRankingWeightsRequest(), &weights)
                  .ok());
  EXPECT_EQ(ResetWeights(c, &weights), grpc::StatusCode::PERMISSION_DENIED);

  // Staff may rank; members may not (checked above).
  v1::SuggestForDemandRequest for_demand;
  for_demand.set_demand_id(need_a_.id());
  v1::SuggestResponse suggested;
  EXPECT_TRUE(
      c.matches->SuggestForDemand(Ctx().get(), for_demand, &suggested).ok());
}

// ---------------------------------------------------------------------------
// 3. Private fields
// ---------------------------------------------------------------------------

class AccessPrivacyTest : public World {
  std::string Tag() const override { return "privacy"; }
};

TEST_F(AccessPrivacyTest, NeedContactGoesToItsCompanyAdminsAndCoveringStaff) {
  struct Case {
    const char* who;
    Client* client;
    bool sees_contact;
  };
  for (const Case& c :
       {Case{"own member", member_a_.client.get(), true},
        Case{"administrator", admin_.get(), true},
        Case{"commissioner in scope", comm_in_.client.get(), true},
        Case{"commissioner in scope, whole city", comm_in2_.client.get(), true},
        Case{"commissioner out of scope", comm_out_.client.get(), false}}) {
    SCOPED_TRACE(c.who);
    v1::Demand d;
    grpc::Status s = GetDemand(*c.client, need_a_.id(), &d);
    ASSERT_TRUE(s.ok()) << Describe(s);
    EXPECT_EQ(d.description(), need_a_.description());
    const std::string dump = d.DebugString();
    if (c.sees_contact) {
      EXPECT_EQ(d.contact().phone(), kPhoneA);
      EXPECT_EQ(d.contact().email(), kEmailA);
    } else {
      EXPECT_FALSE(d.has_contact());
      EXPECT_FALSE(absl::StrContains(dump, kPhoneA)) << dump;
      EXPECT_FALSE(absl::StrContains(dump, kEmailA)) << dump;
    }

    v1::ListDemandsResponse listed;
    s = c.client->demands->ListDemands(Ctx().get(), v1::ListDemandsRequest(),
                                       &listed);
    ASSERT_TRUE(s.ok()) << Describe(s);
    bool found = false;
    for (const auto& l : listed.demands()) {
      if (l.id() != need_a_.id()) continue;
      found = true;
      EXPECT_EQ(l.contact().phone(), c.sees_contact ? kPhoneA : "");
    }
    EXPECT_TRUE(found);
    if (!c.sees_contact) {
      EXPECT_FALSE(absl::StrContains(listed.DebugString(), kPhoneA));
      EXPECT_FALSE(absl::StrContains(listed.DebugString(), kEmailA));
    }
  }
  // The out-of-scope commissioner does see the contact of a need it covers.
  v1::Demand covered;
  ASSERT_TRUE(GetDemand(*comm_out_.client, need_c_.id(), &covered).ok());
  EXPECT_EQ(covered.contact().phone(), kPhoneC);

  // Another organisation is refused outright, in every form.
  v1::Demand d;
  grpc::Status s = GetDemand(*member_b_.client, need_a_.id(), &d);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  EXPECT_FALSE(absl::StrContains(d.DebugString(), kPhoneA));
  v1::ListDemandsResponse b_list;
  ASSERT_TRUE(member_b_->demands
                  ->ListDemands(Ctx().get(), v1::ListDemandsRequest(), &b_list)
                  .ok());
  EXPECT_FALSE(absl::StrContains(b_list.DebugString(), kPhoneA));
  EXPECT_FALSE(absl::StrContains(b_list.DebugString(), kEmailA));
  for (const auto& l : b_list.demands()) EXPECT_EQ(l.organisation_id(), kOrgB);
}

TEST_F(AccessPrivacyTest, AskingPriceGoesToTheHolderAndStaffOnly) {
  struct Case {
    const char* who;
    Client* client;
    bool sees_price;
  };
  for (const Case& c :
       {Case{"holder", member_h_.client.get(), true},
        Case{"administrator", admin_.get(), true},
        Case{"commissioner", comm_in_.client.get(), true},
        Case{"commissioner out of scope", comm_out_.client.get(), true},
        Case{"another organisation", member_a_.client.get(), false},
        Case{"a third organisation", member_b_.client.get(), false}}) {
    SCOPED_TRACE(c.who);
    v1::PatentListing listing;
    grpc::Status s = GetPatent(*c.client, kP1, &listing);
    ASSERT_TRUE(s.ok()) << Describe(s);
    EXPECT_EQ(listing.title(), "一种石墨烯导热膜及其制备方法");
    if (c.sees_price) {
      EXPECT_EQ(listing.asking_price().min_yuan(), kAskingMin);
    } else {
      EXPECT_FALSE(listing.has_asking_price());
      EXPECT_FALSE(absl::StrContains(listing.DebugString(), kAskingText));
    }

    v1::SearchPatentsRequest search;
    search.set_query("石墨烯导热膜");
    search.set_page_size(50);
    v1::SearchPatentsResponse found;
    s = c.client->patents->SearchPatents(Ctx().get(), search, &found);
    ASSERT_TRUE(s.ok()) << Describe(s);
    bool hit = false;
    for (const auto& h : found.hits()) {
      if (h.listing().id() != kP1) continue;
      hit = true;
      EXPECT_EQ(h.listing().asking_price().min_yuan(),
                c.sees_price ? kAskingMin : 0);
    }
    EXPECT_TRUE(hit);
    if (!c.sees_price) {
      EXPECT_FALSE(absl::StrContains(found.DebugString(), kAskingText));
    }
  }
}

TEST_F(AccessPrivacyTest,
       OrganisationsSeeOnlyApprovedSuggestionsAndOnlyTheirSide) {
  const std::string id = ProposeFlagship();
  Client& company = *member_a_.client;
  Client& holder = *member_h_.client;
  Client& stranger = *member_b_.client;

  auto expect_invisible = [&](const char* stage) {
    SCOPED_TRACE(stage);
    for (Client* c : {&company, &holder, &stranger}) {
      v1::Suggestion s;
      grpc::Status st = GetSuggestion(*c, id, &s);
      EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << Describe(st);
      auto listed = ListSuggestions(*c);
      EXPECT_EQ(listed.total(), 0);
      EXPECT_EQ(listed.suggestions_size(), 0);
      EXPECT_FALSE(absl::StrContains(listed.DebugString(), kPhoneA));
      // Asking for the review queue's states explicitly is refused.
      v1::ListSuggestionsRequest queue;
      queue.add_states(v1::SUGGESTED);
      queue.add_states(v1::IN_REVIEW);
      v1::ListSuggestionsResponse refused;
      EXPECT_EQ(c->reviews->ListSuggestions(Ctx().get(), queue, &refused)
                    .error_code(),
                grpc::StatusCode::PERMISSION_DENIED);
    }
  };
  expect_invisible("suggested");
  MustAdvance(*comm_in_.client, ClaimReq(id));
  expect_invisible("in review");
  MustAdvance(*comm_in_.client, ApproveReq(id));

  // The holder: who is interested, but not how to reach them.
  v1::Suggestion seen;
  grpc::Status st = GetSuggestion(holder, id, &seen);
  ASSERT_TRUE(st.ok()) << Describe(st);
  EXPECT_EQ(seen.state(), v1::APPROVED);
  EXPECT_EQ(seen.company_name(), kOrgAName);
  EXPECT_FALSE(seen.has_company_contact());
  EXPECT_FALSE(absl::StrContains(seen.DebugString(), kPhoneA))
      << seen.DebugString();
  EXPECT_FALSE(absl::StrContains(seen.DebugString(), kEmailA));
  auto holder_list = ListSuggestions(holder);
  ASSERT_EQ(holder_list.suggestions_size(), 1);
  EXPECT_EQ(holder_list.suggestions(0).id(), id);
  EXPECT_EQ(holder_list.suggestions(0).company_name(), kOrgAName);
  EXPECT_FALSE(absl::StrContains(holder_list.DebugString(), kPhoneA));
  EXPECT_FALSE(absl::StrContains(holder_list.DebugString(), kEmailA));

  // The company: its own contact, and not the holder's asking price.
  st = GetSuggestion(company, id, &seen);
  ASSERT_TRUE(st.ok()) << Describe(st);
  EXPECT_EQ(seen.company_contact().phone(), kPhoneA);
  EXPECT_EQ(seen.company_contact().email(), kEmailA);
  EXPECT_EQ(seen.patent_title(), "一种石墨烯导热膜及其制备方法");
  EXPECT_FALSE(absl::StrContains(seen.DebugString(), kAskingText))
      << seen.DebugString();
  auto company_list = ListSuggestions(company);
  ASSERT_EQ(company_list.suggestions_size(), 1);
  EXPECT_EQ(company_list.suggestions(0).company_contact().phone(), kPhoneA);
  EXPECT_FALSE(absl::StrContains(company_list.DebugString(), kAskingText));

  // The other suggestions for the same need stay in the queue: invisible.
  EXPECT_EQ(company_list.total(), 1);

  // A third organisation sees nothing of it.
  st = GetSuggestion(stranger, id, &seen);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListSuggestions(stranger).total(), 0);

  // The out-of-scope commissioner may not read it either.
  st = GetSuggestion(*comm_out_.client, id, &seen);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

// ---------------------------------------------------------------------------
// 4. The review workflow
// ---------------------------------------------------------------------------

class ReviewWorkflowTest : public World {
  std::string Tag() const override { return "review"; }
};

TEST_F(ReviewWorkflowTest, FullLifecycleFromProposalToFiledDeal) {
  const std::string id = ProposeFlagship();
  Client& comm = *comm_in_.client;
  v1::Suggestion s = MustAdvance(comm, ClaimReq(id));
  EXPECT_EQ(s.state(), v1::IN_REVIEW);
  EXPECT_EQ(s.claimed_by(), comm_in_.account.id());
  s = MustAdvance(comm, ApproveReq(id));
  EXPECT_EQ(s.state(), v1::APPROVED);

  s = MustAdvance(*member_a_.client, FeedbackReq(id, v1::USEFUL));
  EXPECT_EQ(s.company_feedback(), v1::USEFUL);
  EXPECT_EQ(s.state(), v1::APPROVED);
  // Each side answers only for itself.
  EXPECT_EQ(
      Advance(*member_h_.client, FeedbackReq(id, v1::NOT_USEFUL)).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Advance(*member_a_.client, RespondReq(id, v1::CONTACT_DECLINED))
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  s = MustAdvance(*member_h_.client, RespondReq(id, v1::CONTACT_ACCEPTED));
  EXPECT_EQ(s.holder_response(), v1::CONTACT_ACCEPTED);
  EXPECT_EQ(s.state(), v1::APPROVED);

  s = MustAdvance(comm, ContactedReq(id));
  EXPECT_EQ(s.state(), v1::CONTACTED);
  s = MustAdvance(comm, NegotiatingReq(id));
  EXPECT_EQ(s.state(), v1::NEGOTIATING);
  s = MustAdvance(comm,
                  SignDealReq(id, v1::DEAL_LICENCE, 300000, "2025-03-01"));
  EXPECT_EQ(s.state(), v1::DEAL_SIGNED);
  EXPECT_EQ(s.deal().kind(), v1::DEAL_LICENCE);
  EXPECT_EQ(s.deal().amount_yuan(), 300000);
  EXPECT_EQ(s.deal().signed_date(), "2025-03-01");
  EXPECT_TRUE(s.deal().filing_number().empty());
  s = MustAdvance(comm, FilingReq(id, "2025440000123", "2025-03-15"));
  EXPECT_EQ(s.state(), v1::DEAL_SIGNED);

  // As stored, read back by the administrator.
  ASSERT_TRUE(GetSuggestion(*admin_, id, &s).ok());
  EXPECT_EQ(s.state(), v1::DEAL_SIGNED);
  EXPECT_EQ(s.deal().kind(), v1::DEAL_LICENCE);
  EXPECT_EQ(s.deal().amount_yuan(), 300000);
  EXPECT_EQ(s.deal().signed_date(), "2025-03-01");
  EXPECT_EQ(s.deal().filing_number(), "2025440000123");
  EXPECT_EQ(s.deal().filed_date(), "2025-03-15");
  EXPECT_EQ(s.company_feedback(), v1::USEFUL);
  EXPECT_EQ(s.holder_response(), v1::CONTACT_ACCEPTED);
  EXPECT_EQ(s.claimed_by(), comm_in_.account.id());
  const std::vector<std::string> expected = {
      "propose",     "claim",     "approve",      "contacted",
      "negotiating", "sign_deal", "record_filing"};
  ASSERT_EQ(s.history_size(), static_cast<int>(expected.size()))
      << s.DebugString();
  const std::vector<v1::SuggestionState> to = {
      v1::SUGGESTED,   v1::IN_REVIEW,   v1::APPROVED,   v1::CONTACTED,
      v1::NEGOTIATING, v1::DEAL_SIGNED, v1::DEAL_SIGNED};
  for (int i = 0; i < s.history_size(); ++i) {
    EXPECT_EQ(s.history(i).action(), expected[i]) << i;
    EXPECT_EQ(s.history(i).to(), to[i]) << i;
    EXPECT_EQ(s.history(i).actor_id(), comm_in_.account.id()) << i;
    EXPECT_EQ(s.history(i).actor_role(), v1::COMMISSIONER) << i;
    if (i > 0) {
      EXPECT_EQ(s.history(i).from(), to[i - 1]) << i;
    }
  }
  // The company sees the deal on its side of the queue; the holder too.
  auto company = ListSuggestions(*member_a_.client);
  ASSERT_EQ(company.suggestions_size(), 1);
  EXPECT_EQ(company.suggestions(0).state(), v1::DEAL_SIGNED);
  auto holder = ListSuggestions(*member_h_.client);
  ASSERT_EQ(holder.suggestions_size(), 1);
  EXPECT_EQ(holder.suggestions(0).deal().filing_number(), "2025440000123");
}

TEST_F(ReviewWorkflowTest, IllegalTransitionsFailNamingTheCurrentState) {
  const std::string id = ProposeFlagship();
  Client& comm = *comm_in_.client;

  grpc::Status s = Advance(comm, ApproveReq(id));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "suggested"))
      << s.error_message();
  s = Advance(comm, ContactedReq(id));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // An id not of the NEED:PATENT form is not found, and told what ids are.
  std::string mistyped = id;
  std::replace(mistyped.begin(), mistyped.end(), ':', '-');
  s = Advance(comm, ClaimReq(mistyped));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "NEED_ID:PATENT_ID"))
      << s.error_message();
  v1::Suggestion none;
  s = GetSuggestion(comm, mistyped, &none);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "NEED_ID:PATENT_ID"))
      << s.error_message();

  // Members cannot review; the out-of-scope commissioner cannot claim.
  s = Advance(*member_a_.client, ClaimReq(id));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  s = Advance(*comm_out_.client, ClaimReq(id));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  MustAdvance(comm, ClaimReq(id));
  // Only the claimant decides.
  s = Advance(*comm_in2_.client, ApproveReq(id));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), comm_in_.account.id()))
      << s.error_message();
  s = Advance(*comm_in2_.client, ClaimReq(id));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "in_review"))
      << s.error_message();

  // A rejection needs a reason (and a note for OTHER).
  s = Advance(comm, RejectReq(id, v1::REJECTION_REASON_UNSPECIFIED));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "reject.reason"))
      << s.error_message();
  s = Advance(comm, RejectReq(id, v1::OTHER, "   "));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  v1::Suggestion unchanged;
  ASSERT_TRUE(GetSuggestion(comm, id, &unchanged).ok());
  EXPECT_EQ(unchanged.state(), v1::IN_REVIEW);

  // A deal needs a kind and a date.
  MustAdvance(comm, ApproveReq(id));
  s = Advance(comm, ClaimReq(id));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "approved"))
      << s.error_message();
  s = Advance(comm, ApproveReq(id));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "approved"));
  s = Advance(comm, SignDealReq(id, v1::DEAL_LICENCE, 1, "2025-01-01"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << "sign_deal straight from approved: " << Describe(s);
  MustAdvance(comm, ContactedReq(id));
  s = Advance(comm, SignDealReq(id, v1::DEAL_KIND_UNSPECIFIED, 1, ""));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  s = Advance(comm, FilingReq(id, "2025440000999", ""));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "contacted"));

  // Reject with a reason works from in_review, and is final.
  auto second = MustPropose(*admin_, need_b_.id(), 3);
  ASSERT_GT(second.created_size(), 0);
  const std::string other = second.created(0).id();
  MustAdvance(comm, ClaimReq(other));
  v1::Suggestion rejected =
      MustAdvance(comm, RejectReq(other, v1::PRICE, "too dear"));
  EXPECT_EQ(rejected.state(), v1::REJECTED);
  EXPECT_EQ(rejected.rejection_reason(), v1::PRICE);
  s = Advance(comm, ClaimReq(other));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "rejected"));
}

TEST_F(ReviewWorkflowTest, ConcurrentClaimsLetExactlyOneCommissionerWin) {
  auto proposed = MustPropose(*admin_, need_a_.id(), 20);
  std::vector<std::string> ids;
  for (const auto& s : proposed.created()) ids.push_back(s.id());
  ASSERT_GE(ids.size(), 10u) << proposed.DebugString();
  ids.resize(10);

  // Two commissioners, both covering need_a_, each on its own connection.
  Client first(server_->Channel(comm_in_.token));
  Client second(server_->Channel(comm_in2_.token));
  v1::Account who;
  ASSERT_TRUE(WhoAmI(first, &who).ok());  // connect before racing
  ASSERT_TRUE(WhoAmI(second, &who).ok());

  for (const std::string& id : ids) {
    SCOPED_TRACE(id);
    std::latch start(2);
    grpc::Status results[2];
    v1::Suggestion outs[2];
    Client* clients[2] = {&first, &second};
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        const auto req = ClaimReq(id);
        auto ctx = Ctx();
        start.arrive_and_wait();
        results[i] =
            clients[i]->reviews->AdvanceSuggestion(ctx.get(), req, &outs[i]);
      });
    }
    for (auto& t : threads) t.join();
    const int ok = results[0].ok() + results[1].ok();
    ASSERT_EQ(ok, 1) << Describe(results[0]) << " / " << Describe(results[1]);
    const int winner = results[0].ok() ? 0 : 1;
    const int loser = 1 - winner;
    EXPECT_EQ(results[loser].error_code(),
              grpc::StatusCode::FAILED_PRECONDITION)
        << Describe(results[loser]);
    EXPECT_TRUE(absl::StrContains(results[loser].error_message(), "in_review"))
        << results[loser].error_message();
    const std::string winner_id =
        winner == 0 ? comm_in_.account.id() : comm_in2_.account.id();
    EXPECT_EQ(outs[winner].claimed_by(), winner_id);
    v1::Suggestion stored;
    ASSERT_TRUE(GetSuggestion(*admin_, id, &stored).ok());
    EXPECT_EQ(stored.state(), v1::IN_REVIEW);
    EXPECT_EQ(stored.claimed_by(), winner_id);
    EXPECT_EQ(stored.history_size(), 2) << "one propose, one claim";
  }
}

TEST_F(ReviewWorkflowTest, CommissionerQueueIsInScopeBestFirstAndPagesCleanly) {
  int in_scope_created = 0;
  for (const auto* need : {&need_a_, &need_b_}) {
    in_scope_created += MustPropose(*admin_, need->id(), 20).created_size();
  }
  const int out_of_scope_created =
      MustPropose(*admin_, need_c_.id(), 5).created_size();
  ASSERT_GE(in_scope_created, 5);
  ASSERT_GE(out_of_scope_created, 1);

  Client& comm = *comm_in_.client;
  auto all = ListSuggestions(comm);
  EXPECT_EQ(all.total(), in_scope_created);
  EXPECT_EQ(all.suggestions_size(), in_scope_created);
  EXPECT_TRUE(all.next_page_token().empty());
  for (int i = 0; i < all.suggestions_size(); ++i) {
    const auto& s = all.suggestions(i);
    EXPECT_NE(s.demand_id(), need_c_.id()) << "out-of-scope need in queue";
    EXPECT_EQ(s.industry(), kIndustry);
    EXPECT_EQ(s.district(), v1::XINHUI);
    EXPECT_EQ(s.state(), v1::SUGGESTED);
    EXPECT_GE(s.waiting_seconds(), 0);
    EXPECT_FALSE(s.demand_title().empty());
    EXPECT_FALSE(s.patent_title().empty());
    if (i > 0) {
      EXPECT_GE(all.suggestions(i - 1).score(), s.score()) << i;
    }
  }
  // The administrator's queue has everything.
  EXPECT_EQ(ListSuggestions(*admin_).total(),
            in_scope_created + out_of_scope_created);
  // The other commissioner's queue has only need_c_'s.
  auto other = ListSuggestions(*comm_out_.client);
  EXPECT_EQ(other.total(), out_of_scope_created);
  for (const auto& s : other.suggestions()) {
    EXPECT_EQ(s.demand_id(), need_c_.id());
  }

  // Pages of two cover the same queue in the same order, once each.
  v1::ListSuggestionsRequest req;
  req.set_page_size(2);
  std::vector<std::string> paged;
  std::set<std::string> unique;
  for (int pages = 0; pages < 100; ++pages) {
    v1::ListSuggestionsResponse page;
    grpc::Status s = comm.reviews->ListSuggestions(Ctx().get(), req, &page);
    ASSERT_TRUE(s.ok()) << Describe(s);
    EXPECT_EQ(page.total(), in_scope_created);
    EXPECT_LE(page.suggestions_size(), 2);
    for (const auto& sg : page.suggestions()) {
      paged.push_back(sg.id());
      unique.insert(sg.id());
    }
    if (page.next_page_token().empty()) break;
    req.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(paged.size(), static_cast<size_t>(in_scope_created));
  EXPECT_EQ(unique.size(), paged.size()) << "duplicates across pages";
  std::vector<std::string> unpaged;
  for (const auto& s : all.suggestions()) unpaged.push_back(s.id());
  EXPECT_EQ(paged, unpaged);

  // Claimed ones stay in the queue (in review), and claimed_by_me finds them.
  MustAdvance(comm, ClaimReq(all.suggestions(0).id()));
  v1::ListSuggestionsRequest mine;
  mine.set_claimed_by_me(true);
  auto claimed = ListSuggestions(comm, mine);
  ASSERT_EQ(claimed.total(), 1);
  EXPECT_EQ(claimed.suggestions(0).state(), v1::IN_REVIEW);
  EXPECT_EQ(ListSuggestions(comm).total(), in_scope_created);
}

// A proposal may enter a pair whose side features outweigh its weak text
// match: its score is below zero, and it must still reach the queue.
TEST(ReviewQueueTest, SuggestionsScoredBelowZeroStillReachTheQueue) {
  TestServer server("negative");
  server.Start();
  Client admin(server.channel());
  RegisterOrg(server, "buyer-sample", "买方企业（样例）", v1::PRIVATE_COMPANY,
              v1::XINHUI);
  auto strong =
      Listing("CN200000801A", "Tangerine peel low temperature drying oven",
              "Tangerine peel drying oven at low temperature "
              "keeping the aroma of the tangerine peel.",
              "", {v1::TRANSFER});
  strong.add_ipc_codes("A23N 12/08");
  auto weak = Listing("CN200000802A", "Motorcycle frame welding jig",
                      "A welding jig for motorcycle frames; the peel strength "
                      "of the paint is tested after welding.",
                      "", {v1::LICENCE_ORDINARY});
  weak.add_ipc_codes("B23K 37/04");
  weak.add_industry_tags("机械");
  weak.set_expiry_date("2001-01-01");
  weak.mutable_asking_price()->set_min_yuan(5000000);
  CreatePatent(admin, strong);
  CreatePatent(admin, weak);
  const v1::Demand need =
      MustSubmitNeed(admin, {"buyer-sample",
                             "",
                             "tangerine peel drying keeping aroma",
                             "食品",
                             {v1::TRANSFER},
                             "",
                             "",
                             100000,
                             {"A23N"}});

  auto proposed = MustPropose(admin, need.id(), 10);
  ASSERT_EQ(proposed.created_size(), 2) << proposed.DebugString();
  double lowest = 1e9;
  for (const auto& s : proposed.created()) lowest = std::min(lowest, s.score());
  ASSERT_LT(lowest, 0) << "the corpus no longer sets up the test: "
                       << proposed.DebugString();
  auto queue = ListSuggestions(admin);
  EXPECT_EQ(queue.total(), 2);
  EXPECT_EQ(queue.suggestions_size(), 2);
  // An explicit minimum still filters.
  v1::ListSuggestionsRequest above;
  above.set_min_score(lowest / 2);
  EXPECT_EQ(ListSuggestions(admin, above).total(), 1);
}

// ---------------------------------------------------------------------------
// 5. The audit trail
// ---------------------------------------------------------------------------

class AuditTrailTest : public World {
  std::string Tag() const override { return "audit"; }
};

TEST_F(AuditTrailTest, SuggestionHistoryNamesWhoDidWhatInOrder) {
  const std::string id = ProposeFlagship();
  MustAdvance(*comm_in_.client, ClaimReq(id));
  MustAdvance(*comm_in_.client, ApproveReq(id));

  auto records = EntityHistory(*admin_, "suggestion", id);
  ASSERT_EQ(records.size(), 3u);
  const std::vector<std::string> actions = {
      "ReviewService.ProposeSuggestions",
      "ReviewService.AdvanceSuggestion/claim",
      "ReviewService.AdvanceSuggestion/approve"};
  const std::vector<std::string> states = {"SUGGESTED", "IN_REVIEW",
                                           "APPROVED"};
  for (size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(i);
    const auto& r = records[i];
    EXPECT_EQ(r.action(), actions[i]);
    EXPECT_EQ(r.entity_kind(), "suggestion");
    EXPECT_EQ(r.entity_id(), id);
    EXPECT_EQ(r.actor_id(), comm_in_.account.id());
    EXPECT_EQ(r.actor_role(), v1::COMMISSIONER);
    EXPECT_EQ(r.actor_name(), "新会新材料特派员");
    EXPECT_GT(r.at_unix(), 0);
    EXPECT_TRUE(r.before().empty());
    EXPECT_TRUE(r.after().empty());
    EXPECT_TRUE(
        absl::StrContains(r.after_json(), absl::StrCat("\"", states[i], "\"")))
        << r.after_json();
    if (i == 0) {
      EXPECT_TRUE(r.before_json().empty()) << r.before_json();
    } else {
      EXPECT_TRUE(absl::StrContains(r.before_json(),
                                    absl::StrCat("\"", states[i - 1], "\"")))
          << r.before_json();
      EXPECT_GT(r.seq(), records[i - 1].seq());
      EXPECT_GE(r.at_unix(), records[i - 1].at_unix());
    }
  }

  // The setup's writes carry their own actors.
  auto org = EntityHistory(*admin_, "organisation", kOrgA);
  ASSERT_EQ(org.size(), 1u);
  EXPECT_EQ(org[0].action(), "OrganisationService.RegisterOrganisation");
  EXPECT_EQ(org[0].actor_role(), v1::ADMINISTRATOR);
  EXPECT_TRUE(org[0].before_json().empty());
  auto patent = EntityHistory(*admin_, "patent", kP1);
  ASSERT_EQ(patent.size(), 1u);
  EXPECT_EQ(patent[0].action(), "PatentService.CreatePatent");
  EXPECT_EQ(patent[0].actor_id(), member_h_.account.id());
  EXPECT_EQ(patent[0].actor_role(), v1::ORGANISATION_MEMBER);
  auto demand = EntityHistory(*admin_, "demand", need_a_.id());
  ASSERT_EQ(demand.size(), 1u);
  EXPECT_EQ(demand[0].action(), "DemandService.SubmitDemand");
  EXPECT_EQ(demand[0].actor_id(), member_a_.account.id());
  EXPECT_TRUE(absl::StrContains(demand[0].after_json(), kPhoneA))
      << "the administrator sees the contact it may see";

  // An unknown kind, or an id without a kind, is a bad request.
  v1::QueryAuditLogRequest bad;
  bad.set_entity_id(id);
  v1::QueryAuditLogResponse none;
  EXPECT_EQ(admin_->audit->QueryAuditLog(Ctx().get(), bad, &none).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  bad.set_entity_kind("gadget");
  EXPECT_EQ(admin_->audit->QueryAuditLog(Ctx().get(), bad, &none).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AuditTrailTest, QueryByActorAndTimeWindow) {
  const std::string id = ProposeFlagship();
  MustAdvance(*comm_in_.client, ClaimReq(id));
  MustAdvance(*comm_in_.client, ApproveReq(id));

  v1::QueryAuditLogRequest by_actor;
  by_actor.set_actor_id(comm_in_.account.id());
  auto mine = QueryAudit(*admin_, by_actor);
  // Every proposed suggestion, the claim, the approval, and the learned
  // ranking weights the approval wrote.
  ASSERT_GE(mine.size(), 4u);
  std::set<std::string> kinds;
  for (size_t i = 0; i < mine.size(); ++i) {
    EXPECT_EQ(mine[i].actor_id(), comm_in_.account.id());
    kinds.insert(mine[i].entity_kind());
    if (i > 0) {
      EXPECT_GT(mine[i].seq(), mine[i - 1].seq());
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"suggestion", "setting"}));

  v1::QueryAuditLogRequest member;
  member.set_actor_id(member_a_.account.id());
  auto member_records = QueryAudit(*admin_, member);
  ASSERT_EQ(member_records.size(), 1u);  // need_a_
  EXPECT_EQ(member_records[0].entity_id(), need_a_.id());

  // Time windows: nothing before 1970-01-01T00:00:01, everything since.
  v1::QueryAuditLogRequest window;
  window.set_until_unix(1);
  EXPECT_TRUE(QueryAudit(*admin_, window).empty());
  window.set_until_unix(0);
  window.set_since_unix(mine.front().at_unix());
  auto since = QueryAudit(*admin_, window);
  EXPECT_GE(since.size(), mine.size());
  window.set_since_unix(mine.back().at_unix() + 3600);
  EXPECT_TRUE(QueryAudit(*admin_, window).empty());

  // The whole log, paged by 7, is in sequence order without gaps in seq.
  v1::QueryAuditLogRequest everything;
  everything.set_page_size(7);
  auto log = QueryAudit(*admin_, everything);
  ASSERT_GT(log.size(), 20u);
  for (size_t i = 1; i < log.size(); ++i) {
    EXPECT_EQ(log[i].seq(), log[i - 1].seq() + 1);
  }
}

TEST_F(AuditTrailTest, EveryWriteToANeedIsRecordedAndSurvivesRestart) {
  v1::Demand d = need_a_;
  d.set_description("我们生产手机，需要更薄的石墨烯导热膜。");
  v1::UpdateDemandRequest update;
  *update.mutable_demand() = d;
  v1::Demand updated;
  grpc::Status s =
      member_a_->demands->UpdateDemand(Ctx().get(), update, &updated);
  ASSERT_TRUE(s.ok()) << Describe(s);
  v1::CloseDemandRequest close;
  close.set_id(need_a_.id());
  close.set_reason("已解决");
  v1::Demand closed;
  s = comm_in_->demands->CloseDemand(Ctx().get(), close, &closed);
  ASSERT_TRUE(s.ok()) << Describe(s);
  // Closing twice changes nothing and records nothing.
  s = comm_in_->demands->CloseDemand(Ctx().get(), close, &closed);
  ASSERT_TRUE(s.ok()) << Describe(s);

  auto history = EntityHistory(*admin_, "demand", need_a_.id());
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].action(), "DemandService.SubmitDemand");
  EXPECT_EQ(history[1].action(), "DemandService.UpdateDemand");
  EXPECT_EQ(history[1].actor_id(), member_a_.account.id());
  EXPECT_TRUE(absl::StrContains(history[1].after_json(), "更薄"));
  EXPECT_FALSE(absl::StrContains(history[1].before_json(), "更薄"));
  EXPECT_EQ(history[2].action(), "DemandService.CloseDemand");
  EXPECT_EQ(history[2].actor_id(), comm_in_.account.id());
  EXPECT_EQ(history[2].actor_role(), v1::COMMISSIONER);
  EXPECT_TRUE(absl::StrContains(history[2].after_json(), "DEMAND_CLOSED"));

  v1::QueryAuditLogRequest everything;
  everything.set_page_size(1000);
  const auto before_restart = QueryAudit(*admin_, everything);
  server_->Restart();
  Client admin(server_->channel());
  auto after = EntityHistory(admin, "demand", need_a_.id());
  ASSERT_EQ(after.size(), history.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].SerializeAsString(), history[i].SerializeAsString());
  }
  const auto after_restart = QueryAudit(admin, everything);
  ASSERT_EQ(after_restart.size(), before_restart.size());
  // New writes continue the sequence.
  RegisterOrg(*server_, "org-new-sample", "新机构（样例）", v1::PRIVATE_COMPANY,
              v1::HESHAN);
  auto org = EntityHistory(admin, "organisation", "org-new-sample");
  ASSERT_EQ(org.size(), 1u);
  EXPECT_EQ(org[0].seq(), after_restart.back().seq() + 1);
}

TEST_F(AuditTrailTest, OutOfScopeCommissionerSeesNoContactInNeedHistory) {
  v1::Demand d = need_a_;
  d.mutable_contact()->set_phone("13800009999");
  v1::UpdateDemandRequest update;
  *update.mutable_demand() = d;
  v1::Demand updated;
  ASSERT_TRUE(
      member_a_->demands->UpdateDemand(Ctx().get(), update, &updated).ok());

  auto covered = EntityHistory(*comm_in_.client, "demand", need_a_.id());
  ASSERT_EQ(covered.size(), 2u);
  EXPECT_TRUE(absl::StrContains(covered[1].before_json(), kPhoneA));
  EXPECT_TRUE(absl::StrContains(covered[1].after_json(), "13800009999"));

  auto outside = EntityHistory(*comm_out_.client, "demand", need_a_.id());
  ASSERT_EQ(outside.size(), 2u);
  for (const auto& r : outside) {
    const std::string dump = r.DebugString();
    EXPECT_FALSE(absl::StrContains(dump, kPhoneA)) << dump;
    EXPECT_FALSE(absl::StrContains(dump, kEmailA)) << dump;
    EXPECT_FALSE(absl::StrContains(dump, "13800009999")) << dump;
    EXPECT_TRUE(absl::StrContains(r.after_json(), "石墨烯")) << dump;
  }
  // Nor through the whole log.
  v1::QueryAuditLogRequest everything;
  everything.set_page_size(1000);
  for (const auto& r : QueryAudit(*comm_out_.client, everything)) {
    EXPECT_FALSE(absl::StrContains(r.DebugString(), kPhoneA)) << r.seq();
    EXPECT_FALSE(absl::StrContains(r.DebugString(), kEmailA)) << r.seq();
  }
}

TEST_F(AuditTrailTest, AccountRecordsNeverCarryTokenHashes) {
  v1::RevokeTokenRequest revoke;
  revoke.set_account_id(member_b_.account.id());
  v1::Account revoked;
  ASSERT_TRUE(admin_->access->RevokeToken(Ctx().get(), revoke, &revoked).ok());

  auto history = EntityHistory(*admin_, "account", member_b_.account.id());
  ASSERT_EQ(history.size(), 2u);  // issued, revoked
  EXPECT_EQ(history[0].action(), "AccessService.IssueToken");
  EXPECT_EQ(history[1].action(), "AccessService.RevokeToken");
  EXPECT_TRUE(absl::StrContains(history[1].after_json(), "\"revoked\": true") ||
              absl::StrContains(history[1].after_json(), "\"revoked\":true"))
      << history[1].after_json();

  std::vector<std::string> hashes;
  for (const std::string& token :
       {server_->admin_token(), member_a_.token, member_b_.token,
        member_h_.token, comm_in_.token, comm_in2_.token, comm_out_.token}) {
    hashes.push_back(TokenSha256Hex(token));
  }
  v1::QueryAuditLogRequest everything;
  everything.set_page_size(1000);
  int accounts = 0;
  for (Client* c : {admin_.get(), comm_in_.client.get()}) {
    for (const auto& r : QueryAudit(*c, everything)) {
      const std::string dump = r.DebugString();
      accounts += r.entity_kind() == "account";
      EXPECT_FALSE(absl::StrContains(dump, "token_sha256")) << dump;
      for (const auto& h : hashes) {
        EXPECT_FALSE(absl::StrContains(dump, h)) << dump;
      }
    }
  }
  // The start-up administrator, six issued, one revoked; seen by both.
  EXPECT_EQ(accounts, 2 * 8);
}

// ---------------------------------------------------------------------------
// 6. Learned ranking weights
// ---------------------------------------------------------------------------

// Needs that want a transfer, and per need two patents on its subject: one
// offered for transfer (deal_mode +1), one only under an ordinary licence
// (deal_mode -1). English text keeps the subjects apart.
struct Topic {
  const char* need;
  const char* transfer_title;
  const char* licence_title;
};
const Topic kTopics[] = {
    {"graphene thermal film for smartphone heat spreading",
     "Graphene thermal film for heat spreading",
     "Graphene thermal film for smartphone heat spreading"},
    {"ceramic cutting tool coating wear resistance",
     "Ceramic cutting tool coating", "Ceramic cutting tool coating wear"},
    {"solar inverter cooling fan control", "Solar inverter cooling",
     "Solar inverter cooling fan control"},
    {"motorcycle frame welding distortion", "Motorcycle frame welding",
     "Motorcycle frame welding distortion"},
    {"stainless steel kitchen sink polishing", "Stainless steel sink polishing",
     "Stainless steel kitchen sink polishing"},
    {"LED lamp reflector polycarbonate flame retardant",
     "Polycarbonate LED reflector", "Flame retardant polycarbonate LED lamp"},
    {"water purifier membrane fouling cleaning",
     "Water purifier membrane cleaning",
     "Water purifier membrane fouling cleaning"},
    {"electric bicycle hub motor efficiency", "Electric bicycle hub motor",
     "Electric bicycle hub motor efficiency"},
};
// The held-out need. The licence-only patent repeats the need's words more
// closely, so text alone ranks it first.
constexpr char kHeldOutNeed[] =
    "low temperature drying of tangerine peel keeping its aroma";
constexpr char kHeldOutTransfer[] = "CN200000901A";
constexpr char kHeldOutLicence[] = "CN200000902A";

class ReviewLearningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>("learning");
    server_->Start();
    admin_ = std::make_unique<Client>(server_->channel());
    RegisterOrg(*server_, "buyer-sample", "买方企业（样例）",
                v1::PRIVATE_COMPANY, v1::XINHUI);
    comm_ = Commissioner(*server_, "全市特派员", {}, {});
    int n = 0;
    for (const Topic& t : kTopics) {
      ++n;
      CreatePatent(
          *admin_,
          Listing(absl::StrCat("CN2000001", 10 + n, "A"), t.transfer_title,
                  absl::StrCat(t.transfer_title, "."), "", {v1::TRANSFER}));
      CreatePatent(*admin_,
                   Listing(absl::StrCat("CN2000002", 10 + n, "A"),
                           t.licence_title, absl::StrCat(t.licence_title, "."),
                           "", {v1::LICENCE_ORDINARY}));
      training_.push_back(MustSubmitNeed(
          *admin_, {"buyer-sample", "", t.need, "", {v1::TRANSFER}, "", ""}));
    }
    CreatePatent(*admin_, Listing(kHeldOutTransfer, "Tangerine peel dryer",
                                  "A dryer for tangerine peel at low "
                                  "temperature.",
                                  "", {v1::TRANSFER}));
    CreatePatent(*admin_,
                 Listing(kHeldOutLicence,
                         "Low temperature tangerine peel drying keeping aroma",
                         "Drying tangerine peel at low temperature while "
                         "keeping its aroma.",
                         "", {v1::LICENCE_ORDINARY}));
    held_out_ = MustSubmitNeed(
        *admin_,
        {"buyer-sample", "", kHeldOutNeed, "", {v1::TRANSFER}, "", ""});
  }

  // The held-out patents' ids in the order SuggestForDemand ranks them, and
  // their scores.
  std::vector<std::pair<std::string, double>> HeldOutRanking(Client& as) {
    v1::SuggestForDemandRequest req;
    req.set_demand_id(held_out_.id());
    req.set_top_k(10);
    v1::SuggestResponse response;
    grpc::Status s = as.matches->SuggestForDemand(Ctx().get(), req, &response);
    EXPECT_TRUE(s.ok()) << Describe(s);
    std::vector<std::pair<std::string, double>> out;
    for (const auto& m : response.matches()) {
      if (m.patent().id() == kHeldOutTransfer ||
          m.patent().id() == kHeldOutLicence) {
        out.emplace_back(m.patent().id(), m.score());
      }
    }
    return out;
  }

  // Proposes the training needs and decides every suggestion by its deal
  // fit: approve +1, reject -1 as WRONG_DEAL_MODE. Returns the decisions.
  int Learn() {
    int decisions = 0;
    Client& c = *comm_.client;
    for (const auto& need : training_) {
      auto proposed = MustPropose(c, need.id(), 2);
      EXPECT_EQ(proposed.created_size(), 2) << need.description();
      for (const auto& s : proposed.created()) {
        const double fit = FeatureValue(s.explanation(), "deal_mode");
        MustAdvance(c, ClaimReq(s.id()));
        if (fit > 0) {
          MustAdvance(c, ApproveReq(s.id()));
          ++decisions;
        } else if (fit < 0) {
          MustAdvance(c, RejectReq(s.id(), v1::WRONG_DEAL_MODE));
          ++decisions;
        } else {
          MustAdvance(c, ReleaseReq(s.id()));
        }
      }
    }
    return decisions;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<Client> admin_;
  Identity comm_;
  std::vector<v1::Demand> training_;
  v1::Demand held_out_;
};

TEST_F(ReviewLearningTest, DecisionsTeachDealModeAndReorderAHeldOutNeed) {
  const auto defaults = GetWeights(*comm_.client);
  EXPECT_EQ(defaults.decisions_learned(), 0);
  ASSERT_GT(defaults.weights_size(), 0);
  for (const auto& w : defaults.weights()) {
    EXPECT_DOUBLE_EQ(w.weight(), w.default_weight()) << w.feature();
  }
  const v1::FeatureWeight* deal = FindWeight(defaults, "deal_mode");
  ASSERT_NE(deal, nullptr);
  EXPECT_DOUBLE_EQ(deal->default_weight(), 0.10);

  // Before learning, text wins: the licence-only patent ranks first.
  const auto before = HeldOutRanking(*admin_);
  ASSERT_EQ(before.size(), 2u);
  ASSERT_EQ(before[0].first, kHeldOutLicence)
      << "the corpus no longer sets up the test: " << before[1].first
      << " already ranks first (" << before[0].second << " vs "
      << before[1].second << ")";

  const int decisions = Learn();
  EXPECT_EQ(decisions, 2 * static_cast<int>(std::size(kTopics)));

  const auto learned = GetWeights(*comm_.client);
  EXPECT_EQ(learned.decisions_learned(), decisions);
  EXPECT_GT(learned.updated_unix(), 0);
  deal = FindWeight(learned, "deal_mode");
  ASSERT_NE(deal, nullptr);
  EXPECT_DOUBLE_EQ(deal->default_weight(), 0.10);
  EXPECT_GT(deal->weight(), deal->default_weight() + 0.1)
      << learned.DebugString();
  EXPECT_LE(deal->weight(), 0.5);
  const v1::FeatureWeight* text = FindWeight(learned, "text_relevance");
  ASSERT_NE(text, nullptr);
  EXPECT_DOUBLE_EQ(text->weight(), text->default_weight());
  // No pair had an open licence: that feature learned nothing.
  const v1::FeatureWeight* open = FindWeight(learned, "open_licence");
  ASSERT_NE(open, nullptr);
  EXPECT_DOUBLE_EQ(open->weight(), open->default_weight());

  // After learning, deal fit outweighs the small text advantage.
  const auto after = HeldOutRanking(*admin_);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].first, kHeldOutTransfer)
      << after[0].second << " vs " << after[1].second;

  // A proposal made now carries the learned order into the queue.
  auto proposed = MustPropose(*comm_.client, held_out_.id(), 2);
  std::map<std::string, double> scores;
  for (const auto& s : proposed.created()) scores[s.patent_id()] = s.score();
  ASSERT_EQ(scores.size(), 2u) << proposed.DebugString();
  EXPECT_GT(scores[kHeldOutTransfer], scores[kHeldOutLicence]);
  v1::ListSuggestionsRequest queue;
  queue.set_demand_id(held_out_.id());
  auto listed = ListSuggestions(*comm_.client, queue);
  ASSERT_EQ(listed.suggestions_size(), 2);
  EXPECT_EQ(listed.suggestions(0).patent_id(), kHeldOutTransfer);
}

TEST_F(ReviewLearningTest,
       LearnedWeightsSurviveRestartAndOnlyAdministratorsReset) {
  const int decisions = Learn();
  ASSERT_GT(decisions, 0);
  const auto learned = GetWeights(*admin_);
  ASSERT_EQ(learned.decisions_learned(), decisions);

  server_->Restart();
  Client admin(server_->channel());
  Client comm(server_->Channel(comm_.token));
  const auto restarted = GetWeights(comm);
  EXPECT_EQ(restarted.SerializeAsString(), learned.SerializeAsString())
      << restarted.DebugString() << " vs " << learned.DebugString();
  auto ranking = HeldOutRanking(admin);
  ASSERT_EQ(ranking.size(), 2u);
  EXPECT_EQ(ranking[0].first, kHeldOutTransfer) << "ranking forgot the weights";

  v1::RankingWeightsState state;
  EXPECT_EQ(ResetWeights(comm, &state), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetWeights(admin).decisions_learned(), decisions);

  ASSERT_EQ(ResetWeights(admin, &state), grpc::StatusCode::OK);
  EXPECT_EQ(state.decisions_learned(), 0);
  for (const auto& w : state.weights()) {
    EXPECT_DOUBLE_EQ(w.weight(), w.default_weight()) << w.feature();
  }
  const auto reset = GetWeights(comm);
  EXPECT_EQ(reset.decisions_learned(), 0);
  for (const auto& w : reset.weights()) {
    EXPECT_DOUBLE_EQ(w.weight(), w.default_weight()) << w.feature();
  }
  ranking = HeldOutRanking(admin);
  ASSERT_EQ(ranking.size(), 2u);
  EXPECT_EQ(ranking[0].first, kHeldOutLicence) << "reset did not reach ranking";
  // The reset is audited.
  v1::QueryAuditLogRequest by_admin;
  v1::Account who;
  ASSERT_TRUE(WhoAmI(admin, &who).ok());
  by_admin.set_actor_id(who.id());
  bool audited = false;
  for (const auto& r : QueryAudit(admin, by_admin)) {
    audited |= r.action() == "ReviewService.ResetRankingWeights";
  }
  EXPECT_TRUE(audited);
}

// ---------------------------------------------------------------------------
// 7. TLS
// ---------------------------------------------------------------------------

TEST(TlsTest, TlsServerServesTrustingClientsAndRefusesPlaintext) {
  const std::string dir = testing::MakeTempDir("tls");
  std::string error;
  testing::SelfSignedCert cert = testing::MakeSelfSignedCert(&error);
  ASSERT_FALSE(cert.cert_pem.empty()) << error;
  ASSERT_TRUE(testing::WriteCertFiles(dir, &cert));

  // Half a TLS configuration is refused rather than served in plaintext.
  ServerOptions half;
  half.data_dir = dir + "/half";
  half.listen_address = "127.0.0.1:0";
  half.tls_cert_file = cert.cert_path;
  auto refused = PatentMatchServer::Start(half);
  EXPECT_FALSE(refused.ok());

  ServerOptions options;
  options.data_dir = dir + "/data";
  options.listen_address = "127.0.0.1:0";
  options.tls_cert_file = cert.cert_path;
  options.tls_key_file = cert.key_path;
  auto started = PatentMatchServer::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  std::unique_ptr<PatentMatchServer> server = std::move(*started);
  std::string token;
  {
    std::ifstream in(server->admin_token_file());
    std::getline(in, token);
  }
  ASSERT_FALSE(token.empty());
  const std::string port = absl::StrCat(server->port());

  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = cert.cert_pem;
  Client tls(testing::ChannelWithToken("localhost:" + port, token,
                                       grpc::SslCredentials(ssl)));
  v1::Account who;
  grpc::Status s = WhoAmI(tls, &who);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(who.role(), v1::ADMINISTRATOR);
  // Over TLS, a bad token is still refused.
  Client tls_garbage(testing::ChannelWithToken("localhost:" + port, "garbage",
                                               grpc::SslCredentials(ssl)));
  EXPECT_EQ(WhoAmI(tls_garbage, &who).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // A plaintext client gets nothing, not even an answer.
  Client plain(testing::ChannelWithToken("127.0.0.1:" + port, token));
  v1::Account none;
  s = plain.access->WhoAmI(Ctx(5).get(), v1::WhoAmIRequest(), &none);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << Describe(s);
  EXPECT_TRUE(none.id().empty());
  // Nor does a TLS client that does not trust the certificate.
  grpc::SslCredentialsOptions other_root;
  other_root.pem_root_certs =
      testing::MakeSelfSignedCert(nullptr).cert_pem;  // another key
  Client untrusting(testing::ChannelWithToken(
      "localhost:" + port, token, grpc::SslCredentials(other_root)));
  s = untrusting.access->WhoAmI(Ctx(5).get(), v1::WhoAmIRequest(), &none);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(none.id().empty());

  server->Shutdown();
  server.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace patentmatch
