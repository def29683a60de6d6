// Tests for services/review_workflow.h: every transition of a suggestion's
// review, legal and illegal, who may take each action, the argument checks
// and their order (arguments, then permission, then state).
#include "services/review_workflow.h"

#include <google/protobuf/util/message_differencer.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "patentmatch/v1/access.pb.h"
#include "patentmatch/v1/review.pb.h"

namespace patentmatch {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Request = v1::AdvanceSuggestionRequest;

constexpr char kId[] = "D000000001:CN1A";
constexpr char kClaimant[] = "A000002";
constexpr char kOther[] = "A000003";
constexpr int64_t kNow = 1700000000;

const std::vector<v1::SuggestionState>& AllStates() {
  static const auto* states =
      new std::vector<v1::SuggestionState>{v1::SUGGESTION_STATE_UNSPECIFIED,
                                           v1::SUGGESTED,
                                           v1::IN_REVIEW,
                                           v1::APPROVED,
                                           v1::REJECTED,
                                           v1::CONTACTED,
                                           v1::NEGOTIATING,
                                           v1::DEAL_SIGNED,
                                           v1::NO_DEAL};
  return *states;
}

v1::Suggestion MakeSuggestion(v1::SuggestionState state,
                              const std::string& claimed_by = "") {
  v1::Suggestion s;
  s.set_id(kId);
  s.set_demand_id("D000000001");
  s.set_patent_id("CN1A");
  s.set_state(state);
  s.set_claimed_by(claimed_by);
  s.set_created_unix(kNow - 1000);
  s.set_state_changed_unix(kNow - 500);
  return s;
}

// --- Requests ----------------------------------------------------------------

Request Claim() {
  Request r;
  r.set_suggestion_id(kId);
  r.mutable_claim();
  return r;
}
Request Release(const std::string& note = "") {
  Request r;
  r.mutable_release()->set_note(note);
  return r;
}
Request Approve(const std::string& note = "") {
  Request r;
  r.mutable_approve()->set_note(note);
  return r;
}
Request Reject(v1::RejectionReason reason, const std::string& note = "") {
  Request r;
  r.mutable_reject()->set_reason(reason);
  r.mutable_reject()->set_note(note);
  return r;
}
Request Contacted(const std::string& note = "") {
  Request r;
  r.mutable_contacted()->set_note(note);
  return r;
}
Request Negotiating(const std::string& note = "") {
  Request r;
  r.mutable_negotiating()->set_note(note);
  return r;
}
Request SignDeal(v1::DealKind kind = v1::DEAL_LICENCE, int64_t amount = 50000,
                 const std::string& signed_date = "2024-03-01",
                 const std::string& filing_number = "",
                 const std::string& filed_date = "") {
  Request r;
  v1::Deal* d = r.mutable_sign_deal()->mutable_deal();
  d->set_kind(kind);
  d->set_amount_yuan(amount);
  d->set_signed_date(signed_date);
  d->set_filing_number(filing_number);
  d->set_filed_date(filed_date);
  return r;
}
Request NoDeal(const std::string& reason = "price too high") {
  Request r;
  r.mutable_no_deal()->set_reason(reason);
  return r;
}
Request RecordFiling(const std::string& number = "2024440000123",
                     const std::string& date = "2024-04-02") {
  Request r;
  r.mutable_record_filing()->set_filing_number(number);
  r.mutable_record_filing()->set_filed_date(date);
  return r;
}
Request Feedback(v1::CompanyFeedback feedback = v1::USEFUL,
                 const std::string& note = "") {
  Request r;
  r.mutable_feedback()->set_feedback(feedback);
  r.mutable_feedback()->set_note(note);
  return r;
}
Request Respond(v1::HolderResponse response) {
  Request r;
  r.mutable_respond()->set_response(response);
  return r;
}

// --- Actors ------------------------------------------------------------------

ReviewActor Admin() { return {"A000001", v1::ADMINISTRATOR}; }
ReviewActor Commissioner(const std::string& id, bool in_scope = true) {
  ReviewActor a{id, v1::COMMISSIONER};
  a.commissioner_in_scope = in_scope;
  return a;
}
ReviewActor CompanyMember() {
  ReviewActor a{"A000010", v1::ORGANISATION_MEMBER};
  a.company_member = true;
  return a;
}
ReviewActor HolderMember() {
  ReviewActor a{"A000011", v1::ORGANISATION_MEMBER};
  a.holder_member = true;
  return a;
}
ReviewActor Stranger() { return {"A000012", v1::ORGANISATION_MEMBER}; }

absl::Status Apply(const Request& request, const ReviewActor& actor,
                   v1::Suggestion* s, int64_t now = kNow) {
  return ApplyReviewAction(request, actor, now, s).status();
}

// Applies, expecting `code`, and checks that an error leaves the suggestion
// alone. Returns the message.
std::string ExpectError(const Request& request, const ReviewActor& actor,
                        const v1::Suggestion& s, absl::StatusCode code) {
  v1::Suggestion copy = s;
  absl::Status status = Apply(request, actor, &copy);
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_TRUE(MessageDifferencer::Equals(copy, s))
      << "changed on error: " << copy.DebugString();
  return std::string(status.message());
}

// --- The transition table ----------------------------------------------------

struct ActionCase {
  std::string name;
  Request request;
  std::vector<v1::SuggestionState> legal_from;
  v1::SuggestionState to;  // unspecified: unchanged
  ReviewActor allowed;     // a non-administrator allowed to take it
  bool history;            // appends a StateChange
};

std::vector<ActionCase> AllActions() {
  const ReviewActor claimant = Commissioner(kClaimant);
  const ReviewActor in_scope = Commissioner(kOther);
  const v1::SuggestionState same = v1::SUGGESTION_STATE_UNSPECIFIED;
  return {
      {"claim", Claim(), {v1::SUGGESTED}, v1::IN_REVIEW, in_scope, true},
      {"release",
       Release("busy"),
       {v1::IN_REVIEW},
       v1::SUGGESTED,
       claimant,
       true},
      {"approve", Approve(), {v1::IN_REVIEW}, v1::APPROVED, claimant, true},
      {"reject",
       Reject(v1::PRICE),
       {v1::IN_REVIEW},
       v1::REJECTED,
       claimant,
       true},
      {"contacted", Contacted(), {v1::APPROVED}, v1::CONTACTED, in_scope, true},
      {"negotiating",
       Negotiating(),
       {v1::CONTACTED},
       v1::NEGOTIATING,
       in_scope,
       true},
      {"sign_deal",
       SignDeal(),
       {v1::CONTACTED, v1::NEGOTIATING},
       v1::DEAL_SIGNED,
       in_scope,
       true},
      {"no_deal",
       NoDeal(),
       {v1::APPROVED, v1::CONTACTED, v1::NEGOTIATING},
       v1::NO_DEAL,
       in_scope,
       true},
      {"record_filing",
       RecordFiling(),
       {v1::DEAL_SIGNED},
       same,
       in_scope,
       true},
      {"feedback",
       Feedback(),
       {v1::APPROVED, v1::CONTACTED, v1::NEGOTIATING, v1::DEAL_SIGNED,
        v1::NO_DEAL},
       same,
       CompanyMember(),
       false},
      {"respond",
       Respond(v1::CONTACT_ACCEPTED),
       {v1::APPROVED, v1::CONTACTED},
       same,
       HolderMember(),
       false},
      {"respond",
       Respond(v1::CONTACT_DECLINED),
       {v1::APPROVED},
       v1::NO_DEAL,
       HolderMember(),
       true},
  };
}

bool Contains(const std::vector<v1::SuggestionState>& states,
              v1::SuggestionState state) {
  for (auto s : states) {
    if (s == state) return true;
  }
  return false;
}

TEST(ReviewWorkflowTest, EveryActionFromEveryState) {
  int legal = 0;
  int illegal = 0;
  for (const ActionCase& c : AllActions()) {
    for (const ReviewActor& actor : {Admin(), c.allowed}) {
      for (v1::SuggestionState state : AllStates()) {
        SCOPED_TRACE(c.request.ShortDebugString() + " by " +
                     v1::Role_Name(actor.role) + " from " + StateName(state));
        // Claimed as the workflow leaves it: from in_review on.
        const bool claimed =
            state != v1::SUGGESTED && state != v1::SUGGESTION_STATE_UNSPECIFIED;
        const v1::Suggestion before =
            MakeSuggestion(state, claimed ? kClaimant : "");
        if (!Contains(c.legal_from, state)) {
          ++illegal;
          std::string message = ExpectError(
              c.request, actor, before, absl::StatusCode::kFailedPrecondition);
          EXPECT_THAT(message,
                      AllOf(HasSubstr(absl::StrCat("suggestion ", kId, " is ",
                                                   StateName(state))),
                            HasSubstr(absl::StrCat("'", c.name, "'")),
                            HasSubstr(StateName(c.legal_from[0]))));
          continue;
        }
        ++legal;
        v1::Suggestion s = before;
        auto outcome = ApplyReviewAction(c.request, actor, kNow, &s);
        ASSERT_TRUE(outcome.ok()) << outcome.status();
        EXPECT_EQ(outcome->action, c.name);
        const v1::SuggestionState to =
            c.to == v1::SUGGESTION_STATE_UNSPECIFIED ? state : c.to;
        EXPECT_EQ(s.state(), to);
        EXPECT_EQ(s.state_changed_unix(),
                  to != state ? kNow : before.state_changed_unix());
        if (!c.history) {
          EXPECT_THAT(s.history(), IsEmpty());
          continue;
        }
        ASSERT_EQ(s.history_size(), 1);
        const v1::StateChange& h = s.history(0);
        EXPECT_EQ(h.from(), state);
        EXPECT_EQ(h.to(), to);
        EXPECT_EQ(h.action(), c.name);
        EXPECT_EQ(h.actor_id(), actor.account_id);
        EXPECT_EQ(h.actor_role(), actor.role);
        EXPECT_EQ(h.at_unix(), kNow);
      }
    }
  }
  // Both actors over the 20 legal and 88 illegal (action, state) pairs.
  EXPECT_EQ(legal, 2 * 20);
  EXPECT_EQ(illegal, 2 * (12 * 9 - 20));
}

TEST(ReviewWorkflowTest, StateNames) {
  EXPECT_EQ(StateName(v1::SUGGESTION_STATE_UNSPECIFIED), "unspecified");
  EXPECT_EQ(StateName(v1::SUGGESTED), "suggested");
  EXPECT_EQ(StateName(v1::IN_REVIEW), "in_review");
  EXPECT_EQ(StateName(v1::APPROVED), "approved");
  EXPECT_EQ(StateName(v1::REJECTED), "rejected");
  EXPECT_EQ(StateName(v1::CONTACTED), "contacted");
  EXPECT_EQ(StateName(v1::NEGOTIATING), "negotiating");
  EXPECT_EQ(StateName(v1::DEAL_SIGNED), "deal_signed");
  EXPECT_EQ(StateName(v1::NO_DEAL), "no_deal");
  EXPECT_EQ(StateName(static_cast<v1::SuggestionState>(42)), "state_42");
}

TEST(ReviewWorkflowTest, StateMessagesListEveryAllowedState) {
  EXPECT_EQ(ExpectError(SignDeal(), Admin(), MakeSuggestion(v1::APPROVED),
                        absl::StatusCode::kFailedPrecondition),
            absl::StrCat("suggestion ", kId,
                         " is approved; 'sign_deal' needs contacted or "
                         "negotiating"));
  EXPECT_EQ(ExpectError(NoDeal(), Admin(), MakeSuggestion(v1::REJECTED),
                        absl::StatusCode::kFailedPrecondition),
            absl::StrCat("suggestion ", kId,
                         " is rejected; 'no_deal' needs approved, contacted "
                         "or negotiating"));
  EXPECT_THAT(ExpectError(Respond(v1::CONTACT_DECLINED), HolderMember(),
                          MakeSuggestion(v1::CONTACTED),
                          absl::StatusCode::kFailedPrecondition),
              HasSubstr("is contacted; 'respond' (decline) needs approved"));
}

// --- Lifecycles
// ----------------------------------------------------------------

TEST(ReviewWorkflowTest, FullLifecycleToDealAndFiling) {
  v1::Suggestion s = MakeSuggestion(v1::SUGGESTED);
  const ReviewActor commissioner = Commissioner(kClaimant);

  auto claim = ApplyReviewAction(Claim(), commissioner, kNow + 1, &s);
  ASSERT_TRUE(claim.ok()) << claim.status();
  EXPECT_FALSE(claim->is_decision);
  EXPECT_EQ(s.claimed_by(), kClaimant);

  auto approve =
      ApplyReviewAction(Approve("  good fit  "), commissioner, kNow + 2, &s);
  ASSERT_TRUE(approve.ok()) << approve.status();
  EXPECT_TRUE(approve->is_decision);
  EXPECT_TRUE(approve->approved);
  EXPECT_EQ(approve->action, "approve");
  EXPECT_EQ(s.claimed_by(), kClaimant);  // kept: the reviewer

  // Another commissioner in scope carries it on.
  const ReviewActor colleague = Commissioner(kOther);
  ASSERT_TRUE(Apply(Contacted("phoned both"), colleague, &s, kNow + 3).ok());
  ASSERT_TRUE(
      Apply(Feedback(v1::USEFUL, "promising"), CompanyMember(), &s, kNow + 4)
          .ok());
  ASSERT_TRUE(Apply(Negotiating(), commissioner, &s, kNow + 5).ok());
  ASSERT_TRUE(Apply(SignDeal(v1::DEAL_TRANSFER, 300000, " 2024-3-1 "),
                    commissioner, &s, kNow + 6)
                  .ok());
  EXPECT_EQ(s.state(), v1::DEAL_SIGNED);
  EXPECT_EQ(s.deal().kind(), v1::DEAL_TRANSFER);
  EXPECT_EQ(s.deal().amount_yuan(), 300000);
  EXPECT_EQ(s.deal().signed_date(), "2024-03-01");  // normalised
  EXPECT_EQ(s.deal().filing_number(), "");

  auto filing = ApplyReviewAction(RecordFiling(" X2024440000123 ", "2024-04-2"),
                                  Admin(), kNow + 7, &s);
  ASSERT_TRUE(filing.ok()) << filing.status();
  EXPECT_EQ(filing->action, "record_filing");
  EXPECT_EQ(s.state(), v1::DEAL_SIGNED);
  EXPECT_EQ(s.deal().filing_number(), "X2024440000123");
  EXPECT_EQ(s.deal().filed_date(), "2024-04-02");
  EXPECT_EQ(s.deal().kind(), v1::DEAL_TRANSFER);  // the rest of the deal kept
  EXPECT_EQ(s.state_changed_unix(), kNow + 6);    // filing is no state change
  EXPECT_EQ(s.company_feedback(), v1::USEFUL);
  EXPECT_EQ(s.company_feedback_note(), "promising");

  // claim, approve, contacted, negotiating, sign_deal, record_filing; the
  // feedback changes no state.
  ASSERT_EQ(s.history_size(), 6);
  const std::vector<std::string> actions = {"claim",     "approve",
                                            "contacted", "negotiating",
                                            "sign_deal", "record_filing"};
  const std::vector<v1::SuggestionState> to = {
      v1::IN_REVIEW,   v1::APPROVED,    v1::CONTACTED,
      v1::NEGOTIATING, v1::DEAL_SIGNED, v1::DEAL_SIGNED};
  v1::SuggestionState from = v1::SUGGESTED;
  for (int i = 0; i < 6; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(s.history(i).action(), actions[i]);
    EXPECT_EQ(s.history(i).from(), from);
    EXPECT_EQ(s.history(i).to(), to[i]);
    from = to[i];
  }
  EXPECT_EQ(s.history(1).note(), "good fit");  // trimmed
  EXPECT_EQ(s.history(2).actor_id(), kOther);
  EXPECT_EQ(s.history(2).actor_role(), v1::COMMISSIONER);
  EXPECT_EQ(s.history(2).at_unix(), kNow + 3);
  EXPECT_EQ(s.history(2).note(), "phoned both");
  EXPECT_THAT(s.history(4).note(), HasSubstr("300000"));
  EXPECT_EQ(s.history(5).actor_role(), v1::ADMINISTRATOR);
  EXPECT_THAT(s.history(5).note(), HasSubstr("X2024440000123"));

  // Terminal for the workflow, though the filing may be corrected.
  EXPECT_THAT(ExpectError(NoDeal(), commissioner, s,
                          absl::StatusCode::kFailedPrecondition),
              HasSubstr("is deal_signed"));
  ASSERT_TRUE(Apply(RecordFiling("X2024440000124", ""), commissioner, &s).ok());
  EXPECT_EQ(s.deal().filing_number(), "X2024440000124");
  EXPECT_EQ(s.deal().filed_date(), "");
  EXPECT_EQ(s.history_size(), 7);
}

TEST(ReviewWorkflowTest, SignDealWithFilingAtOnce) {
  v1::Suggestion s = MakeSuggestion(v1::CONTACTED, kClaimant);
  ASSERT_TRUE(Apply(SignDeal(v1::DEAL_EQUITY, 0, "2024-03-01", "2024440000001",
                             "2024-03-15"),
                    Commissioner(kClaimant), &s)
                  .ok());
  EXPECT_EQ(s.deal().kind(), v1::DEAL_EQUITY);
  EXPECT_EQ(s.deal().amount_yuan(), 0);  // zero is allowed
  EXPECT_EQ(s.deal().filing_number(), "2024440000001");
  EXPECT_EQ(s.deal().filed_date(), "2024-03-15");
  // Without the filed date.
  s = MakeSuggestion(v1::NEGOTIATING, kClaimant);
  ASSERT_TRUE(
      Apply(SignDeal(v1::DEAL_LICENCE, 1, "2024-03-01", "2024440000001"),
            Commissioner(kClaimant), &s)
          .ok());
  EXPECT_EQ(s.deal().filed_date(), "");
}

TEST(ReviewWorkflowTest, RejectRecordsTheReason) {
  v1::Suggestion s = MakeSuggestion(v1::IN_REVIEW, kClaimant);
  auto outcome = ApplyReviewAction(Reject(v1::OTHER, " holder bankrupt "),
                                   Commissioner(kClaimant), kNow, &s);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(outcome->is_decision);
  EXPECT_FALSE(outcome->approved);
  EXPECT_EQ(outcome->rejection_reason, v1::OTHER);
  EXPECT_EQ(s.state(), v1::REJECTED);
  EXPECT_EQ(s.rejection_reason(), v1::OTHER);
  EXPECT_EQ(s.rejection_note(), "holder bankrupt");
  EXPECT_EQ(s.history(0).note(), "holder bankrupt");
  // Rejected is final.
  for (const ActionCase& c : AllActions()) {
    ExpectError(c.request, Admin(), s, absl::StatusCode::kFailedPrecondition);
  }
}

TEST(ReviewWorkflowTest, NoDealRecordsTheReason) {
  v1::Suggestion s = MakeSuggestion(v1::NEGOTIATING, kClaimant);
  ASSERT_TRUE(Apply(NoDeal("  company chose another supplier "),
                    Commissioner(kOther), &s)
                  .ok());
  EXPECT_EQ(s.state(), v1::NO_DEAL);
  EXPECT_EQ(s.no_deal_reason(), "company chose another supplier");
  EXPECT_EQ(s.history(0).note(), "company chose another supplier");
}

TEST(ReviewWorkflowTest, ReleaseReturnsToQueueForAnotherCommissioner) {
  v1::Suggestion s = MakeSuggestion(v1::SUGGESTED);
  const ReviewActor first = Commissioner(kClaimant);
  const ReviewActor second = Commissioner(kOther);
  ASSERT_TRUE(Apply(Claim(), first, &s, kNow + 1).ok());
  EXPECT_EQ(
      ExpectError(Claim(), second, s, absl::StatusCode::kFailedPrecondition),
      "suggestion D000000001:CN1A is in_review (claimed by A000002); "
      "'claim' needs suggested");
  EXPECT_THAT(
      ExpectError(Release(), second, s, absl::StatusCode::kPermissionDenied),
      HasSubstr("claimed by A000002"));

  ASSERT_TRUE(Apply(Release("on leave"), first, &s, kNow + 2).ok());
  EXPECT_EQ(s.state(), v1::SUGGESTED);
  EXPECT_EQ(s.claimed_by(), "");
  EXPECT_EQ(s.state_changed_unix(), kNow + 2);
  EXPECT_EQ(s.history(1).note(), "on leave");

  ASSERT_TRUE(Apply(Claim(), second, &s, kNow + 3).ok());
  EXPECT_EQ(s.state(), v1::IN_REVIEW);
  EXPECT_EQ(s.claimed_by(), kOther);
  // Now the first may not decide it.
  EXPECT_THAT(
      ExpectError(Approve(), first, s, absl::StatusCode::kPermissionDenied),
      AllOf(HasSubstr("claimed by A000003"), HasSubstr("'approve'")));
  ASSERT_TRUE(Apply(Approve(), second, &s, kNow + 4).ok());
  EXPECT_EQ(s.history_size(), 4);
}

TEST(ReviewWorkflowTest, AdministratorReleasesAnyClaim) {
  v1::Suggestion s = MakeSuggestion(v1::IN_REVIEW, kClaimant);
  ASSERT_TRUE(Apply(Release(), Admin(), &s).ok());
  EXPECT_EQ(s.state(), v1::SUGGESTED);
  EXPECT_EQ(s.claimed_by(), "");
  EXPECT_EQ(s.history(0).actor_role(), v1::ADMINISTRATOR);
}

TEST(ReviewWorkflowTest, AdministratorClaimsAndDecides) {
  v1::Suggestion s = MakeSuggestion(v1::SUGGESTED);
  ASSERT_TRUE(Apply(Claim(), Admin(), &s).ok());
  EXPECT_EQ(s.claimed_by(), Admin().account_id);
  ASSERT_TRUE(Apply(Reject(v1::DUPLICATE), Admin(), &s).ok());
  EXPECT_EQ(s.state(), v1::REJECTED);
  EXPECT_EQ(s.rejection_reason(), v1::DUPLICATE);
}

TEST(ReviewWorkflowTest, HolderDeclineEndsInNoDeal) {
  v1::Suggestion s = MakeSuggestion(v1::APPROVED, kClaimant);
  auto outcome = ApplyReviewAction(Respond(v1::CONTACT_DECLINED),
                                   HolderMember(), kNow + 9, &s);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->action, "respond");
  EXPECT_FALSE(outcome->is_decision);
  EXPECT_EQ(s.state(), v1::NO_DEAL);
  EXPECT_EQ(s.holder_response(), v1::CONTACT_DECLINED);
  EXPECT_EQ(s.no_deal_reason(), "holder declined contact");
  EXPECT_EQ(s.state_changed_unix(), kNow + 9);
  ASSERT_EQ(s.history_size(), 1);
  EXPECT_EQ(s.history(0).from(), v1::APPROVED);
  EXPECT_EQ(s.history(0).to(), v1::NO_DEAL);
  EXPECT_EQ(s.history(0).action(), "respond");
  EXPECT_EQ(s.history(0).actor_role(), v1::ORGANISATION_MEMBER);
  EXPECT_EQ(s.history(0).note(), "holder declined contact");

  EXPECT_THAT(ExpectError(Contacted(), Commissioner(kClaimant), s,
                          absl::StatusCode::kFailedPrecondition),
              AllOf(HasSubstr("is no_deal"), HasSubstr("declined")));
  // Feedback is still welcome.
  ASSERT_TRUE(Apply(Feedback(v1::NOT_USEFUL), CompanyMember(), &s).ok());
  EXPECT_EQ(s.company_feedback(), v1::NOT_USEFUL);
}

TEST(ReviewWorkflowTest, ContactedRefusedWhenHolderDeclined) {
  // However the decline was recorded, no contact after it.
  v1::Suggestion s = MakeSuggestion(v1::APPROVED, kClaimant);
  s.set_holder_response(v1::CONTACT_DECLINED);
  EXPECT_THAT(ExpectError(Contacted(), Admin(), s,
                          absl::StatusCode::kFailedPrecondition),
              AllOf(HasSubstr("is approved"),
                    HasSubstr("the holder declined contact")));
}

TEST(ReviewWorkflowTest, HolderAcceptChangesNoState) {
  for (auto state : {v1::APPROVED, v1::CONTACTED}) {
    v1::Suggestion s = MakeSuggestion(state, kClaimant);
    ASSERT_TRUE(Apply(Respond(v1::CONTACT_ACCEPTED), HolderMember(), &s).ok());
    EXPECT_EQ(s.state(), state);
    EXPECT_EQ(s.holder_response(), v1::CONTACT_ACCEPTED);
    EXPECT_THAT(s.history(), IsEmpty());
    EXPECT_EQ(s.state_changed_unix(), kNow - 500);
  }
  // A later decline, while still approved, ends it.
  v1::Suggestion s = MakeSuggestion(v1::APPROVED, kClaimant);
  s.set_holder_response(v1::CONTACT_ACCEPTED);
  ASSERT_TRUE(Apply(Respond(v1::CONTACT_DECLINED), HolderMember(), &s).ok());
  EXPECT_EQ(s.state(), v1::NO_DEAL);
}

// --- Permissions
// ---------------------------------------------------------------

TEST(ReviewWorkflowTest, ClaimNeedsCommissionerInScope) {
  const v1::Suggestion s = MakeSuggestion(v1::SUGGESTED);
  for (const ReviewActor& actor :
       {Commissioner(kOther, /*in_scope=*/false), CompanyMember(),
        HolderMember(), Stranger(),
        ReviewActor{"A000099", v1::ROLE_UNSPECIFIED}}) {
    SCOPED_TRACE(v1::Role_Name(actor.role));
    EXPECT_THAT(
        ExpectError(Claim(), actor, s, absl::StatusCode::kPermissionDenied),
        HasSubstr("'claim'"));
  }
  // Relation flags count only with the matching role.
  ReviewActor member_in_scope = CompanyMember();
  member_in_scope.commissioner_in_scope = true;
  ExpectError(Claim(), member_in_scope, s, absl::StatusCode::kPermissionDenied);
}

TEST(ReviewWorkflowTest, DecisionsOnlyByClaimantOrAdministrator) {
  const v1::Suggestion s = MakeSuggestion(v1::IN_REVIEW, kClaimant);
  for (const Request& r : {Approve(), Reject(v1::NOT_RELEVANT), Release()}) {
    SCOPED_TRACE(r.ShortDebugString());
    // In scope but not the claimant: denied, naming the claimant.
    EXPECT_THAT(ExpectError(r, Commissioner(kOther), s,
                            absl::StatusCode::kPermissionDenied),
                HasSubstr("claimed by A000002"));
    ExpectError(r, Commissioner(kOther, false), s,
                absl::StatusCode::kPermissionDenied);
    ExpectError(r, CompanyMember(), s, absl::StatusCode::kPermissionDenied);
    ExpectError(r, HolderMember(), s, absl::StatusCode::kPermissionDenied);
    // The claimant, even out of scope now; an administrator.
    v1::Suggestion copy = s;
    EXPECT_TRUE(Apply(r, Commissioner(kClaimant, false), &copy).ok());
    copy = s;
    EXPECT_TRUE(Apply(r, Admin(), &copy).ok());
  }
}

TEST(ReviewWorkflowTest, InReviewWithoutClaimantNeedsAdministrator) {
  const v1::Suggestion s = MakeSuggestion(v1::IN_REVIEW);
  EXPECT_THAT(ExpectError(Approve(), Commissioner(kOther), s,
                          absl::StatusCode::kFailedPrecondition),
              HasSubstr("claimed by no one"));
  v1::Suggestion copy = s;
  EXPECT_TRUE(Apply(Release(), Admin(), &copy).ok());
}

TEST(ReviewWorkflowTest, CarryingOnByClaimantOrCommissionerInScope) {
  struct Case {
    Request request;
    v1::SuggestionState state;
  };
  const std::vector<Case> cases = {{Contacted(), v1::APPROVED},
                                   {Negotiating(), v1::CONTACTED},
                                   {SignDeal(), v1::NEGOTIATING},
                                   {NoDeal(), v1::APPROVED},
                                   {RecordFiling(), v1::DEAL_SIGNED}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.request.ShortDebugString());
    const v1::Suggestion s = MakeSuggestion(c.state, kClaimant);
    for (const ReviewActor& actor : {Commissioner(kClaimant, false),
                                     Commissioner(kOther, true), Admin()}) {
      v1::Suggestion copy = s;
      EXPECT_TRUE(Apply(c.request, actor, &copy).ok()) << actor.account_id;
    }
    for (const ReviewActor& actor :
         {Commissioner(kOther, false), CompanyMember(), HolderMember(),
          Stranger()}) {
      ExpectError(c.request, actor, s, absl::StatusCode::kPermissionDenied);
    }
  }
}

TEST(ReviewWorkflowTest, FeedbackOnlyByCompany) {
  const v1::Suggestion s = MakeSuggestion(v1::APPROVED, kClaimant);
  for (const ReviewActor& actor :
       {HolderMember(), Stranger(), Commissioner(kClaimant),
        Commissioner(kOther)}) {
    ExpectError(Feedback(), actor, s, absl::StatusCode::kPermissionDenied);
  }
  ReviewActor commissioner_flagged = Commissioner(kOther);
  commissioner_flagged.company_member = true;
  ExpectError(Feedback(), commissioner_flagged, s,
              absl::StatusCode::kPermissionDenied);
  v1::Suggestion copy = s;
  ASSERT_TRUE(
      Apply(Feedback(v1::NOT_USEFUL, "wrong field"), CompanyMember(), &copy)
          .ok());
  EXPECT_EQ(copy.company_feedback(), v1::NOT_USEFUL);
  EXPECT_EQ(copy.company_feedback_note(), "wrong field");
  copy = s;
  EXPECT_TRUE(Apply(Feedback(), Admin(), &copy).ok());
}

TEST(ReviewWorkflowTest, RespondOnlyByHolder) {
  const v1::Suggestion s = MakeSuggestion(v1::APPROVED, kClaimant);
  for (const ReviewActor& actor :
       {CompanyMember(), Stranger(), Commissioner(kClaimant)}) {
    ExpectError(Respond(v1::CONTACT_DECLINED), actor, s,
                absl::StatusCode::kPermissionDenied);
  }
  v1::Suggestion copy = s;
  EXPECT_TRUE(Apply(Respond(v1::CONTACT_DECLINED), Admin(), &copy).ok());
  EXPECT_EQ(copy.state(), v1::NO_DEAL);
}

TEST(ReviewWorkflowTest, CallerWithoutAccountIsDenied) {
  ReviewActor nobody = Admin();
  nobody.account_id.clear();
  ExpectError(Claim(), nobody, MakeSuggestion(v1::SUGGESTED),
              absl::StatusCode::kPermissionDenied);
}

TEST(ReviewWorkflowTest, ChecksRunArgumentsThenPermissionThenState) {
  // Bad argument, wrong actor, wrong state: the argument.
  EXPECT_THAT(ExpectError(Reject(v1::REJECTION_REASON_UNSPECIFIED), Stranger(),
                          MakeSuggestion(v1::DEAL_SIGNED),
                          absl::StatusCode::kInvalidArgument),
              HasSubstr("reject.reason"));
  // Wrong actor, wrong state: the permission.
  ExpectError(Claim(), Commissioner(kOther, false),
              MakeSuggestion(v1::APPROVED, kClaimant),
              absl::StatusCode::kPermissionDenied);
  ExpectError(Feedback(), HolderMember(), MakeSuggestion(v1::SUGGESTED),
              absl::StatusCode::kPermissionDenied);
  // Right actor, wrong state: the state.
  ExpectError(Feedback(), CompanyMember(), MakeSuggestion(v1::SUGGESTED),
              absl::StatusCode::kFailedPrecondition);
}

// --- Arguments
// -----------------------------------------------------------------

// Expects INVALID_ARGUMENT naming `field` from an administrator on a
// suggestion in `state` (where the action would otherwise be legal).
void ExpectBadField(const Request& request, v1::SuggestionState state,
                    const std::string& field) {
  EXPECT_THAT(ExpectError(request, Admin(), MakeSuggestion(state, kClaimant),
                          absl::StatusCode::kInvalidArgument),
              HasSubstr(field + ": "))
      << request.ShortDebugString();
}

TEST(ReviewWorkflowTest, MissingAction) {
  Request r;
  r.set_suggestion_id(kId);
  ExpectBadField(r, v1::SUGGESTED, "action");
}

TEST(ReviewWorkflowTest, RejectArguments) {
  ExpectBadField(Reject(v1::REJECTION_REASON_UNSPECIFIED), v1::IN_REVIEW,
                 "reject.reason");
  ExpectBadField(Reject(static_cast<v1::RejectionReason>(99)), v1::IN_REVIEW,
                 "reject.reason");
  ExpectBadField(Reject(v1::OTHER), v1::IN_REVIEW, "reject.note");
  ExpectBadField(Reject(v1::OTHER, " \n "), v1::IN_REVIEW, "reject.note");
  ExpectBadField(Reject(v1::PRICE, std::string(2001, 'x')), v1::IN_REVIEW,
                 "reject.note");
  v1::Suggestion s = MakeSuggestion(v1::IN_REVIEW, kClaimant);
  EXPECT_TRUE(
      Apply(Reject(v1::PRICE, std::string(2000, 'x')), Admin(), &s).ok());
}

TEST(ReviewWorkflowTest, NoteChecks) {
  const std::string long_note(2001, 'n');
  EXPECT_THAT(ExpectError(Approve(long_note), Admin(),
                          MakeSuggestion(v1::IN_REVIEW, kClaimant),
                          absl::StatusCode::kInvalidArgument),
              AllOf(HasSubstr("approve.note: "), HasSubstr("2000")));
  ExpectBadField(Release(long_note), v1::IN_REVIEW, "release.note");
  ExpectBadField(Contacted(long_note), v1::APPROVED, "contacted.note");
  ExpectBadField(Negotiating(long_note), v1::CONTACTED, "negotiating.note");
  ExpectBadField(Feedback(v1::USEFUL, long_note), v1::APPROVED,
                 "feedback.note");
  ExpectBadField(Approve("bad \x01 byte"), v1::IN_REVIEW, "approve.note");
  ExpectBadField(Approve("bad \xff utf-8"), v1::IN_REVIEW, "approve.note");
  // Multi-line notes are fine.
  v1::Suggestion s = MakeSuggestion(v1::IN_REVIEW, kClaimant);
  ASSERT_TRUE(Apply(Approve("line one\n\tline two"), Admin(), &s).ok());
  EXPECT_EQ(s.history(0).note(), "line one\n\tline two");
}

TEST(ReviewWorkflowTest, SignDealArguments) {
  const auto st = v1::NEGOTIATING;
  Request no_deal_given;
  no_deal_given.mutable_sign_deal();
  ExpectBadField(no_deal_given, st, "sign_deal.deal");
  ExpectBadField(SignDeal(v1::DEAL_KIND_UNSPECIFIED), st,
                 "sign_deal.deal.kind");
  ExpectBadField(SignDeal(static_cast<v1::DealKind>(7)), st,
                 "sign_deal.deal.kind");
  ExpectBadField(SignDeal(v1::DEAL_LICENCE, -1), st,
                 "sign_deal.deal.amount_yuan");
  ExpectBadField(SignDeal(v1::DEAL_LICENCE, 1, ""), st,
                 "sign_deal.deal.signed_date");
  for (const char* bad : {"2024-02-30", "01/03/2024", "2024-03-01T00:00",
                          "yesterday", "1700-01-01"}) {
    ExpectBadField(SignDeal(v1::DEAL_LICENCE, 1, bad), st,
                   "sign_deal.deal.signed_date");
  }
  ExpectBadField(SignDeal(v1::DEAL_LICENCE, 1, "2024-03-01",
                          "2024\x01"
                          "44"),
                 st, "sign_deal.deal.filing_number");
  ExpectBadField(
      SignDeal(v1::DEAL_LICENCE, 1, "2024-03-01", std::string(129, '9')), st,
      "sign_deal.deal.filing_number");
  ExpectBadField(SignDeal(v1::DEAL_LICENCE, 1, "2024-03-01", "", "2024-03-02"),
                 st, "sign_deal.deal.filed_date");
  ExpectBadField(
      SignDeal(v1::DEAL_LICENCE, 1, "2024-03-01", "2024440000001", "soon"), st,
      "sign_deal.deal.filed_date");
  // Every problem at once.
  EXPECT_THAT(ExpectError(SignDeal(v1::DEAL_KIND_UNSPECIFIED, -5, "x"), Admin(),
                          MakeSuggestion(st, kClaimant),
                          absl::StatusCode::kInvalidArgument),
              AllOf(HasSubstr("sign_deal.deal.kind: "),
                    HasSubstr("sign_deal.deal.amount_yuan: "),
                    HasSubstr("sign_deal.deal.signed_date: ")));
}

TEST(ReviewWorkflowTest, NoDealArguments) {
  ExpectBadField(NoDeal(""), v1::APPROVED, "no_deal.reason");
  ExpectBadField(NoDeal("   "), v1::APPROVED, "no_deal.reason");
  ExpectBadField(NoDeal(std::string(2001, 'r')), v1::APPROVED,
                 "no_deal.reason");
}

TEST(ReviewWorkflowTest, RecordFilingArguments) {
  const auto st = v1::DEAL_SIGNED;
  ExpectBadField(RecordFiling(""), st, "record_filing.filing_number");
  ExpectBadField(RecordFiling("  "), st, "record_filing.filing_number");
  ExpectBadField(RecordFiling(std::string(129, '1')), st,
                 "record_filing.filing_number");
  ExpectBadField(RecordFiling("2024\n44"), st, "record_filing.filing_number");
  ExpectBadField(RecordFiling("2024\x7f"), st, "record_filing.filing_number");
  ExpectBadField(RecordFiling("2024440000123", "2024-13-01"), st,
                 "record_filing.filed_date");
  v1::Suggestion s = MakeSuggestion(st, kClaimant);
  EXPECT_TRUE(Apply(RecordFiling(std::string(128, '1'), ""), Admin(), &s).ok());
}

TEST(ReviewWorkflowTest, FeedbackAndRespondArguments) {
  ExpectBadField(Feedback(v1::COMPANY_FEEDBACK_UNSPECIFIED), v1::APPROVED,
                 "feedback.feedback");
  ExpectBadField(Feedback(static_cast<v1::CompanyFeedback>(9)), v1::APPROVED,
                 "feedback.feedback");
  ExpectBadField(Respond(v1::HOLDER_RESPONSE_UNSPECIFIED), v1::APPROVED,
                 "respond.response");
  ExpectBadField(Respond(static_cast<v1::HolderResponse>(5)), v1::APPROVED,
                 "respond.response");
}

}  // namespace
}  // namespace patentmatch
