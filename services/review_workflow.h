// The review workflow of a patent-match suggestion as a pure state machine:
// who may take which AdvanceSuggestionRequest action in which state, and what
// the action changes. No I/O and no clock (the caller passes the time); the
// service looks up the suggestion and the actor, calls ApplyReviewAction and
// stores the result. The diagram is in proto/patentmatch/v1/review.proto.
//
// The transition table (an ADMINISTRATOR may take every action):
//
//   action         from                   to           who
//   claim          suggested              in_review    in scope
//   release        in_review              suggested    claimant
//   approve        in_review              approved     claimant
//   reject         in_review              rejected     claimant
//   contacted      approved               contacted    claimant or in scope
//   negotiating    contacted              negotiating  claimant or in scope
//   sign_deal      contacted/negotiating  deal_signed  claimant or in scope
//   no_deal        approved/contacted/    no_deal      claimant or in scope
//                  negotiating
//   record_filing  deal_signed            deal_signed  claimant or in scope
//   feedback       approved and later,    unchanged    company member
//                  except rejected
//   respond        accept: approved/      unchanged    holder member
//                  contacted
//                  decline: approved      no_deal      holder member
//
// "in scope": a COMMISSIONER whose scope covers the suggestion's need.
// "The claimant" is the COMMISSIONER whose account id is claimed_by (whether
// or not the suggestion is still in its scope). claimed_by is set by claim,
// cleared by release and kept after approve/reject, so the reviewing
// commissioner may carry the suggestion on.
//
// Checks run in this order, and the first failing kind is returned:
// 1. INVALID_ARGUMENT: the request itself ("field: problem; field: problem").
// 2. PERMISSION_DENIED: the actor's role and relation. A commissioner who is
//    in scope but is not the claimant of a claimed suggestion is denied
//    release/approve/reject with a message naming the claimant.
// 3. FAILED_PRECONDITION: the current state, named in lower case:
//    "suggestion D000000001:CN1A is in_review (claimed by A000002); 'claim'
//    needs suggested".
//
// History: every state change appends a StateChange (from, to, action,
// actor, time, note) and sets state_changed_unix; record_filing also appends
// one (from = to = deal_signed) but leaves state_changed_unix alone. feedback
// and an accepting respond change no state and append nothing (the audit log
// has them).
//
// Details:
// - A holder's decline moves approved → no_deal (no_deal_reason "holder
//   declined contact"). Once contacted, the holder may still accept (it
//   changes nothing), but a decline then is for the commissioner to record as
//   no_deal. 'contacted' is refused whenever holder_response is
//   CONTACT_DECLINED.
// - record_filing may be repeated to correct the filing; it replaces both
//   filing_number and filed_date (an empty filed_date clears it).
// - An in_review suggestion with no claimant (not produced by this code) can
//   only be released, approved or rejected by an administrator.
// - sign_deal: filed_date only together with a filing_number; amount 0 is
//   allowed (e.g. an equity deal without cash).
#ifndef PATENTMATCH_SERVICES_REVIEW_WORKFLOW_H_
#define PATENTMATCH_SERVICES_REVIEW_WORKFLOW_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "patentmatch/v1/access.pb.h"
#include "patentmatch/v1/review.pb.h"
#include "services/validation.h"

namespace patentmatch {

// Longest free-text note (release/approve/reject/... notes, no_deal reason,
// feedback note), in bytes after trimming surrounding whitespace.
inline constexpr size_t kReviewNoteBytes = 2000;
// Longest CNIPA filing number, in bytes: an id.
inline constexpr size_t kFilingNumberBytes = Limits::kIdBytes;

// Who is acting, and how they relate to this suggestion (the service works
// this out from the token and the store). The relation flags count only
// together with the matching role.
struct ReviewActor {
  std::string account_id;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  // COMMISSIONER whose scope covers the suggestion's need.
  bool commissioner_in_scope = false;
  // ORGANISATION_MEMBER of the suggestion's company.
  bool company_member = false;
  // ORGANISATION_MEMBER of the patent's holder.
  bool holder_member = false;
};

// What an applied action means beyond the new state.
struct ReviewOutcome {
  // "claim", "release", "approve", "reject", "contacted", "negotiating",
  // "sign_deal", "no_deal", "record_filing", "feedback", "respond".
  std::string action;
  bool is_decision = false;  // approve or reject: the ranking learns from it
  bool approved = false;
  v1::RejectionReason rejection_reason = v1::REJECTION_REASON_UNSPECIFIED;
};

// Checks and applies `request`'s action to `suggestion` (its current stored
// state; must not be null). On error `suggestion` is unchanged. Free text is
// stored trimmed of surrounding whitespace and dates as YYYY-MM-DD.
absl::StatusOr<ReviewOutcome> ApplyReviewAction(
    const v1::AdvanceSuggestionRequest& request, const ReviewActor& actor,
    int64_t now_unix, v1::Suggestion* suggestion);

// "suggested", "in_review", "approved", "rejected", "contacted",
// "negotiating", "deal_signed", "no_deal"; "unspecified" for 0 and
// "state_<n>" for values this build does not know.
std::string StateName(v1::SuggestionState state);

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_REVIEW_WORKFLOW_H_
