// Clients for integration tests: every service's stub on one channel (one
// account), issued identities, and builders for the records most tests
// need (organisations, listings, needs). Shared by the test files of
// tests/integration; each test still talks only gRPC to a real server.
#ifndef PATENTMATCH_TESTS_INTEGRATION_TEST_CLIENTS_H_
#define PATENTMATCH_TESTS_INTEGRATION_TEST_CLIENTS_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "patentmatch/v1/events.grpc.pb.h"
#include "tests/integration/test_server.h"

namespace patentmatch::testing {

// A client context with a deadline. Used as `stub->Call(Ctx().get(), ...)`:
// the temporary lives until the synchronous call has returned.
inline std::unique_ptr<grpc::ClientContext> Ctx(int seconds = 30) {
  return TestServer::Context(seconds);
}

inline std::string Describe(const grpc::Status& s) {
  return absl::StrCat("code ", static_cast<int>(s.error_code()), ": ",
                      s.error_message());
}

// Every service's stub on one channel, i.e. as one account.
struct Client {
  explicit Client(std::shared_ptr<grpc::Channel> ch)
      : channel(std::move(ch)),
        access(v1::AccessService::NewStub(channel)),
        reviews(v1::ReviewService::NewStub(channel)),
        audit(v1::AuditService::NewStub(channel)),
        patents(v1::PatentService::NewStub(channel)),
        demands(v1::DemandService::NewStub(channel)),
        matches(v1::MatchService::NewStub(channel)),
        organisations(v1::OrganisationService::NewStub(channel)),
        events(v1::EventService::NewStub(channel)) {}

  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::AccessService::Stub> access;
  std::unique_ptr<v1::ReviewService::Stub> reviews;
  std::unique_ptr<v1::AuditService::Stub> audit;
  std::unique_ptr<v1::PatentService::Stub> patents;
  std::unique_ptr<v1::DemandService::Stub> demands;
  std::unique_ptr<v1::MatchService::Stub> matches;
  std::unique_ptr<v1::OrganisationService::Stub> organisations;
  std::unique_ptr<v1::EventService::Stub> events;
};

// An issued token with its account and a client that uses it.
struct Identity {
  v1::Account account;
  std::string token;
  std::unique_ptr<Client> client;
  Client* operator->() const { return client.get(); }
};

inline Identity IssueIdentity(TestServer& server,
                              const v1::IssueTokenRequest& req) {
  v1::IssueTokenResponse issued = server.Issue(req);
  Identity id;
  id.account = issued.account();
  id.token = issued.token();
  id.client = std::make_unique<Client>(server.Channel(issued.token()));
  return id;
}

inline Identity Member(TestServer& server, const std::string& org,
                       const std::string& name) {
  v1::IssueTokenRequest req;
  req.set_name(name);
  req.set_role(v1::ORGANISATION_MEMBER);
  req.set_organisation_id(org);
  return IssueIdentity(server, req);
}

inline Identity Commissioner(TestServer& server, const std::string& name,
                             const std::vector<std::string>& industries,
                             const std::vector<v1::District>& districts) {
  v1::IssueTokenRequest req;
  req.set_name(name);
  req.set_role(v1::COMMISSIONER);
  for (const auto& i : industries) req.add_industries(i);
  for (auto d : districts) req.add_districts(d);
  return IssueIdentity(server, req);
}

inline void RegisterOrg(TestServer& server, const std::string& id,
                        const std::string& name, v1::OrganisationKind kind,
                        v1::District district) {
  v1::RegisterOrganisationRequest req;
  req.mutable_organisation()->set_id(id);
  req.mutable_organisation()->set_name(name);
  req.mutable_organisation()->set_kind(kind);
  req.mutable_organisation()->set_district(district);
  v1::Organisation org;
  grpc::Status s =
      server.organisations->RegisterOrganisation(Ctx().get(), req, &org);
  ASSERT_TRUE(s.ok()) << Describe(s);
}

inline v1::PatentListing Listing(const std::string& number,
                                 const std::string& title,
                                 const std::string& abstract,
                                 const std::string& owner,
                                 std::vector<v1::DealMode> modes) {
  v1::PatentListing l;
  l.set_publication_number(number);
  l.set_title(title);
  l.set_abstract(abstract);
  l.set_owner_organisation_id(owner);
  for (auto m : modes) l.add_deal_modes(m);
  return l;
}

inline void CreatePatent(Client& as, const v1::PatentListing& listing) {
  v1::CreatePatentRequest req;
  *req.mutable_listing() = listing;
  v1::PatentListing created;
  grpc::Status s = as.patents->CreatePatent(Ctx().get(), req, &created);
  ASSERT_TRUE(s.ok()) << listing.publication_number() << ": " << Describe(s);
}

struct NeedSpec {
  std::string org;
  std::string title;
  std::string description;
  std::string industry;
  std::vector<v1::DealMode> modes;
  std::string phone;
  std::string email;
  int64_t budget_max = 0;
  std::vector<std::string> ipc_hints;
};

inline grpc::Status SubmitNeed(Client& as, const NeedSpec& spec,
                               v1::Demand* out) {
  v1::SubmitDemandRequest req;
  auto* d = req.mutable_demand();
  d->set_organisation_id(spec.org);
  d->set_title(spec.title);
  d->set_description(spec.description);
  d->set_industry(spec.industry);
  for (auto m : spec.modes) d->add_deal_modes(m);
  if (spec.budget_max > 0) d->mutable_budget()->set_max_yuan(spec.budget_max);
  for (const auto& hint : spec.ipc_hints) d->add_ipc_hints(hint);
  if (!spec.phone.empty() || !spec.email.empty()) {
    d->mutable_contact()->set_name("联系人（样例）");
    d->mutable_contact()->set_phone(spec.phone);
    d->mutable_contact()->set_email(spec.email);
  }
  return as.demands->SubmitDemand(Ctx().get(), req, out);
}

inline v1::Demand MustSubmitNeed(Client& as, const NeedSpec& spec) {
  v1::Demand d;
  grpc::Status s = SubmitNeed(as, spec, &d);
  EXPECT_TRUE(s.ok()) << Describe(s);
  EXPECT_FALSE(d.id().empty());
  return d;
}

}  // namespace patentmatch::testing

#endif  // PATENTMATCH_TESTS_INTEGRATION_TEST_CLIENTS_H_
