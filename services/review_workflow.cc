// The suggestion review state machine; see review_workflow.h.
#include "services/review_workflow.h"

#include <unicode/utf8.h>

#include <initializer_list>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/grpc_status.h"

namespace patentmatch {
namespace {

using Errors = std::vector<v1::FieldError>;
using Request = v1::AdvanceSuggestionRequest;

constexpr absl::string_view kHolderDeclined = "holder declined contact";

constexpr auto Add = &AddFieldError;

// A free-text note: trimmed, at most kReviewNoteBytes, clean. Returns the
// trimmed text.
std::string CheckNote(Errors* errors, absl::string_view field,
                      absl::string_view text, bool required) {
  std::string note(absl::StripAsciiWhitespace(text));
  if (note.empty()) {
    if (required) Add(errors, field, "is required");
    return note;
  }
  if (note.size() > kReviewNoteBytes) {
    Add(errors, field,
        absl::StrCat("is ", note.size(), " bytes; the limit is ",
                     kReviewNoteBytes));
    return note;
  }
  std::string why;
  if (!CleanText(note, /*multiline=*/true, &why)) Add(errors, field, why);
  return note;
}

// A date YYYY-MM-DD (NormaliseDate: the year 1800..2200, the form
// normalised). Returns the normalised date, or "" when
// empty or invalid.
std::string CheckDate(Errors* errors, absl::string_view field,
                      absl::string_view text, bool required) {
  const absl::string_view date = absl::StripAsciiWhitespace(text);
  if (date.empty()) {
    if (required) Add(errors, field, "is required (YYYY-MM-DD)");
    return "";
  }
  auto normal = NormaliseDate(date);
  if (!normal) {
    Add(errors, field, absl::StrCat("'", date, "' is not a date YYYY-MM-DD"));
    return "";
  }
  return *normal;
}

// A CNIPA filing (备案) number: one line, bounded.
std::string CheckFilingNumber(Errors* errors, absl::string_view field,
                              absl::string_view text) {
  std::string number(absl::StripAsciiWhitespace(text));
  if (number.empty()) {
    Add(errors, field, "is required");
  } else if (number.size() > kFilingNumberBytes) {
    Add(errors, field,
        absl::StrCat("is ", number.size(), " bytes; the limit is ",
                     kFilingNumberBytes));
  } else {
    std::string why;
    if (!CleanText(number, /*multiline=*/false, &why)) {
      Add(errors, field, why);
    }
  }
  return number;
}

// Who may take an action, besides an administrator (who may take any).
enum class Who {
  kInScope,   // a commissioner whose scope covers the need
  kClaimant,  // the commissioner named in claimed_by
  kCarrier,   // the claimant, or a commissioner in scope
  kCompany,   // a member of the company that posted the need
  kHolder,    // a member of the patent's holder
};

// One action, checked and normalised, ready to apply.
struct Step {
  absl::string_view action;  // as in ReviewOutcome::action
  std::string label;         // how messages name it: "'claim'"
  Who who = Who::kInScope;
  std::vector<v1::SuggestionState> from;  // the states it may start from
  v1::SuggestionState to = v1::SUGGESTION_STATE_UNSPECIFIED;  // 0: unchanged
  bool history = false;  // append a StateChange even without a state change
  std::string note;      // for the StateChange
  // Normalised arguments.
  v1::RejectionReason reason = v1::REJECTION_REASON_UNSPECIFIED;
  v1::Deal deal;
  std::string filing_number;
  std::string filed_date;
  v1::CompanyFeedback feedback = v1::COMPANY_FEEDBACK_UNSPECIFIED;
  v1::HolderResponse response = v1::HOLDER_RESPONSE_UNSPECIFIED;
};

std::string KindName(v1::DealKind kind) {
  switch (kind) {
    case v1::DEAL_LICENCE:
      return "licence";
    case v1::DEAL_TRANSFER:
      return "transfer";
    case v1::DEAL_EQUITY:
      return "equity";
    default:
      return absl::StrCat("kind ", static_cast<int>(kind));
  }
}

// Argument checks (step 1): fills `step` or returns INVALID_ARGUMENT.
absl::StatusOr<Step> CheckArguments(const Request& request) {
  Errors errors;
  Step step;
  switch (request.action_case()) {
    case Request::kClaim:
      step.action = "claim";
      step.who = Who::kInScope;
      step.from = {v1::SUGGESTED};
      step.to = v1::IN_REVIEW;
      break;
    case Request::kRelease:
      step.action = "release";
      step.who = Who::kClaimant;
      step.from = {v1::IN_REVIEW};
      step.to = v1::SUGGESTED;
      step.note = CheckNote(&errors, "release.note", request.release().note(),
                            /*required=*/false);
      break;
    case Request::kApprove:
      step.action = "approve";
      step.who = Who::kClaimant;
      step.from = {v1::IN_REVIEW};
      step.to = v1::APPROVED;
      step.note = CheckNote(&errors, "approve.note", request.approve().note(),
                            /*required=*/false);
      break;
    case Request::kReject: {
      step.action = "reject";
      step.who = Who::kClaimant;
      step.from = {v1::IN_REVIEW};
      step.to = v1::REJECTED;
      const auto& r = request.reject();
      if (!v1::RejectionReason_IsValid(r.reason())) {
        Add(&errors, "reject.reason",
            absl::StrCat("unknown value ", r.reason()));
      } else if (r.reason() == v1::REJECTION_REASON_UNSPECIFIED) {
        Add(&errors, "reject.reason",
            "is required (NOT_RELEVANT, WRONG_DEAL_MODE, PRICE, "
            "PATENT_NOT_IN_FORCE, COMPANY_NOT_READY, DUPLICATE or OTHER)");
      }
      step.reason = r.reason();
      step.note = CheckNote(&errors, "reject.note", r.note(),
                            /*required=*/false);
      if (r.reason() == v1::OTHER && step.note.empty()) {
        Add(&errors, "reject.note", "is required when the reason is OTHER");
      }
      break;
    }
    case Request::kContacted:
      step.action = "contacted";
      step.who = Who::kCarrier;
      step.from = {v1::APPROVED};
      step.to = v1::CONTACTED;
      step.note = CheckNote(&errors, "contacted.note",
                            request.contacted().note(), /*required=*/false);
      break;
    case Request::kNegotiating:
      step.action = "negotiating";
      step.who = Who::kCarrier;
      step.from = {v1::CONTACTED};
      step.to = v1::NEGOTIATING;
      step.note = CheckNote(&errors, "negotiating.note",
                            request.negotiating().note(), /*required=*/false);
      break;
    case Request::kSignDeal: {
      step.action = "sign_deal";
      step.who = Who::kCarrier;
      step.from = {v1::CONTACTED, v1::NEGOTIATING};
      step.to = v1::DEAL_SIGNED;
      if (!request.sign_deal().has_deal()) {
        Add(&errors, "sign_deal.deal", "is required");
        break;
      }
      const v1::Deal& d = request.sign_deal().deal();
      if (!v1::DealKind_IsValid(d.kind())) {
        Add(&errors, "sign_deal.deal.kind",
            absl::StrCat("unknown value ", d.kind()));
      } else if (d.kind() == v1::DEAL_KIND_UNSPECIFIED) {
        Add(&errors, "sign_deal.deal.kind",
            "is required (DEAL_LICENCE, DEAL_TRANSFER or DEAL_EQUITY)");
      }
      if (d.amount_yuan() < 0) {
        Add(&errors, "sign_deal.deal.amount_yuan", "must not be negative");
      }
      step.deal.set_kind(d.kind());
      step.deal.set_amount_yuan(d.amount_yuan());
      step.deal.set_signed_date(CheckDate(&errors, "sign_deal.deal.signed_date",
                                          d.signed_date(), /*required=*/true));
      const bool has_filing =
          !absl::StripAsciiWhitespace(d.filing_number()).empty();
      if (has_filing) {
        step.deal.set_filing_number(CheckFilingNumber(
            &errors, "sign_deal.deal.filing_number", d.filing_number()));
      }
      step.deal.set_filed_date(CheckDate(&errors, "sign_deal.deal.filed_date",
                                         d.filed_date(), /*required=*/false));
      if (!has_filing && !step.deal.filed_date().empty()) {
        Add(&errors, "sign_deal.deal.filed_date",
            "is given without a filing_number");
      }
      step.note = absl::StrCat(KindName(d.kind()), ", ", d.amount_yuan(),
                               " yuan, signed ", step.deal.signed_date());
      if (has_filing) {
        absl::StrAppend(&step.note, ", filing ", step.deal.filing_number());
      }
      break;
    }
    case Request::kNoDeal:
      step.action = "no_deal";
      step.who = Who::kCarrier;
      step.from = {v1::APPROVED, v1::CONTACTED, v1::NEGOTIATING};
      step.to = v1::NO_DEAL;
      step.note = CheckNote(&errors, "no_deal.reason",
                            request.no_deal().reason(), /*required=*/true);
      break;
    case Request::kRecordFiling: {
      step.action = "record_filing";
      step.who = Who::kCarrier;
      step.from = {v1::DEAL_SIGNED};
      step.history = true;
      const auto& f = request.record_filing();
      step.filing_number = CheckFilingNumber(
          &errors, "record_filing.filing_number", f.filing_number());
      step.filed_date = CheckDate(&errors, "record_filing.filed_date",
                                  f.filed_date(), /*required=*/false);
      step.note = absl::StrCat("filing ", step.filing_number);
      if (!step.filed_date.empty()) {
        absl::StrAppend(&step.note, ", filed ", step.filed_date);
      }
      break;
    }
    case Request::kFeedback: {
      step.action = "feedback";
      step.who = Who::kCompany;
      step.from = {v1::APPROVED, v1::CONTACTED, v1::NEGOTIATING,
                   v1::DEAL_SIGNED, v1::NO_DEAL};
      const auto& f = request.feedback();
      if (!v1::CompanyFeedback_IsValid(f.feedback())) {
        Add(&errors, "feedback.feedback",
            absl::StrCat("unknown value ", f.feedback()));
      } else if (f.feedback() == v1::COMPANY_FEEDBACK_UNSPECIFIED) {
        Add(&errors, "feedback.feedback", "is required (USEFUL or NOT_USEFUL)");
      }
      step.feedback = f.feedback();
      step.note = CheckNote(&errors, "feedback.note", f.note(),
                            /*required=*/false);
      break;
    }
    case Request::kRespond: {
      step.action = "respond";
      step.who = Who::kHolder;
      const v1::HolderResponse r = request.respond().response();
      step.response = r;
      if (!v1::HolderResponse_IsValid(r)) {
        Add(&errors, "respond.response", absl::StrCat("unknown value ", r));
      } else if (r == v1::HOLDER_RESPONSE_UNSPECIFIED) {
        Add(&errors, "respond.response",
            "is required (CONTACT_ACCEPTED or CONTACT_DECLINED)");
      } else if (r == v1::CONTACT_ACCEPTED) {
        // Harmless after the commissioner has marked the contact made.
        step.label = "'respond' (accept)";
        step.from = {v1::APPROVED, v1::CONTACTED};
      } else {
        step.label = "'respond' (decline)";
        step.from = {v1::APPROVED};
        step.to = v1::NO_DEAL;
        step.note = std::string(kHolderDeclined);
      }
      break;
    }
    case Request::ACTION_NOT_SET:
    default:
      Add(&errors, "action",
          "is required (claim, release, approve, reject, contacted, "
          "negotiating, sign_deal, no_deal, record_filing, feedback or "
          "respond)");
      break;
  }
  if (!errors.empty()) return FieldErrorsToStatus(errors);
  if (step.label.empty()) step.label = absl::StrCat("'", step.action, "'");
  return step;
}

absl::string_view WhoText(Who who) {
  switch (who) {
    case Who::kInScope:
      return "a commissioner whose scope covers the need";
    case Who::kClaimant:
      return "the commissioner who claimed it";
    case Who::kCarrier:
      return "the commissioner who claimed it or one whose scope covers the "
             "need";
    case Who::kCompany:
      return "a member of the company that posted the need";
    case Who::kHolder:
      return "a member of the patent's holder";
  }
  return "";
}

// Permission by role and relation (step 2).
absl::Status CheckPermission(const Step& step, const ReviewActor& actor,
                             const v1::Suggestion& s) {
  if (actor.account_id.empty()) {
    return absl::PermissionDeniedError("the caller has no account");
  }
  if (actor.role == v1::ADMINISTRATOR) return absl::OkStatus();
  const bool commissioner = actor.role == v1::COMMISSIONER;
  const bool member = actor.role == v1::ORGANISATION_MEMBER;
  const bool in_scope = commissioner && actor.commissioner_in_scope;
  const bool claimant = commissioner && !s.claimed_by().empty() &&
                        s.claimed_by() == actor.account_id;
  bool allowed = false;
  switch (step.who) {
    case Who::kInScope:
      allowed = in_scope;
      break;
    case Who::kClaimant:
      if (commissioner && !claimant && !s.claimed_by().empty()) {
        return absl::PermissionDeniedError(absl::StrCat(
            "suggestion ", s.id(), " is claimed by ", s.claimed_by(), "; only ",
            s.claimed_by(), " or an administrator may '", step.action, "' it"));
      }
      // Unclaimed: a commissioner in scope passes here and the state check
      // tells them to claim it first.
      allowed = claimant || in_scope;
      break;
    case Who::kCarrier:
      allowed = claimant || in_scope;
      break;
    case Who::kCompany:
      allowed = member && actor.company_member;
      break;
    case Who::kHolder:
      allowed = member && actor.holder_member;
      break;
  }
  if (allowed) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "'", step.action, "' on suggestion ", s.id(), " is for ",
      WhoText(step.who), ", or an administrator; account ", actor.account_id,
      " (", v1::Role_Name(actor.role), ") is neither"));
}

// "suggestion X is in_review (claimed by A2)".
std::string DescribeState(const v1::Suggestion& s) {
  std::string out =
      absl::StrCat("suggestion ", s.id(), " is ", StateName(s.state()));
  if (s.state() == v1::IN_REVIEW && !s.claimed_by().empty()) {
    absl::StrAppend(&out, " (claimed by ", s.claimed_by(), ")");
  }
  return out;
}

// "a", "a or b", "a, b or c".
std::string StateList(const std::vector<v1::SuggestionState>& states) {
  std::string out;
  for (size_t i = 0; i < states.size(); ++i) {
    if (i > 0) out += i + 1 == states.size() ? " or " : ", ";
    out += StateName(states[i]);
  }
  return out;
}

// The current state (step 3).
absl::Status CheckState(const Step& step, const ReviewActor& actor,
                        const v1::Suggestion& s) {
  if (step.action == "contacted" &&
      s.holder_response() == v1::CONTACT_DECLINED) {
    return absl::FailedPreconditionError(
        absl::StrCat(DescribeState(s), " and the holder declined contact; ",
                     step.label, " is not possible"));
  }
  bool allowed = false;
  for (v1::SuggestionState from : step.from) allowed |= s.state() == from;
  if (!allowed) {
    return absl::FailedPreconditionError(absl::StrCat(
        DescribeState(s), "; ", step.label, " needs ", StateList(step.from)));
  }
  if (step.who == Who::kClaimant && actor.role != v1::ADMINISTRATOR &&
      s.claimed_by().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(DescribeState(s),
                     " but claimed by no one; an administrator must release "
                     "it before ",
                     step.label));
  }
  return absl::OkStatus();
}

void AddHistory(const Step& step, const ReviewActor& actor, int64_t now_unix,
                v1::SuggestionState to, v1::Suggestion* s) {
  v1::StateChange* change = s->add_history();
  change->set_from(s->state());
  change->set_to(to);
  change->set_action(std::string(step.action));
  change->set_actor_id(actor.account_id);
  change->set_actor_role(actor.role);
  change->set_at_unix(now_unix);
  change->set_note(step.note);
  if (to != s->state()) {
    s->set_state(to);
    s->set_state_changed_unix(now_unix);
  }
}

}  // namespace

std::string StateName(v1::SuggestionState state) {
  switch (state) {
    case v1::SUGGESTION_STATE_UNSPECIFIED:
      return "unspecified";
    case v1::SUGGESTED:
      return "suggested";
    case v1::IN_REVIEW:
      return "in_review";
    case v1::APPROVED:
      return "approved";
    case v1::REJECTED:
      return "rejected";
    case v1::CONTACTED:
      return "contacted";
    case v1::NEGOTIATING:
      return "negotiating";
    case v1::DEAL_SIGNED:
      return "deal_signed";
    case v1::NO_DEAL:
      return "no_deal";
    case v1::SUPERSEDED:
      return "superseded";
    default:
      return absl::StrCat("state_", static_cast<int>(state));
  }
}

absl::StatusOr<ReviewOutcome> ApplyReviewAction(
    const v1::AdvanceSuggestionRequest& request, const ReviewActor& actor,
    int64_t now_unix, v1::Suggestion* suggestion) {
  if (suggestion == nullptr) {
    return absl::InternalError("ApplyReviewAction: no suggestion");
  }
  absl::StatusOr<Step> checked = CheckArguments(request);
  if (!checked.ok()) return checked.status();
  const Step& step = *checked;
  if (absl::Status s = CheckPermission(step, actor, *suggestion); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckState(step, actor, *suggestion); !s.ok()) {
    return s;
  }

  ReviewOutcome outcome;
  outcome.action = std::string(step.action);
  v1::Suggestion* s = suggestion;
  switch (request.action_case()) {
    case Request::kClaim:
      s->set_claimed_by(actor.account_id);
      break;
    case Request::kRelease:
      s->clear_claimed_by();
      break;
    case Request::kApprove:
      outcome.is_decision = true;
      outcome.approved = true;
      break;
    case Request::kReject:
      outcome.is_decision = true;
      outcome.rejection_reason = step.reason;
      s->set_rejection_reason(step.reason);
      s->set_rejection_note(step.note);
      break;
    case Request::kSignDeal:
      *s->mutable_deal() = step.deal;
      break;
    case Request::kNoDeal:
      s->set_no_deal_reason(step.note);
      break;
    case Request::kRecordFiling:
      s->mutable_deal()->set_filing_number(step.filing_number);
      s->mutable_deal()->set_filed_date(step.filed_date);
      break;
    case Request::kFeedback:
      s->set_company_feedback(step.feedback);
      s->set_company_feedback_note(step.note);
      break;
    case Request::kRespond:
      s->set_holder_response(step.response);
      if (step.response == v1::CONTACT_DECLINED) {
        s->set_no_deal_reason(std::string(kHolderDeclined));
      }
      break;
    default:
      break;
  }
  const v1::SuggestionState to =
      step.to == v1::SUGGESTION_STATE_UNSPECIFIED ? s->state() : step.to;
  if (to != s->state() || step.history) {
    AddHistory(step, actor, now_unix, to, s);
  }
  return outcome;
}

}  // namespace patentmatch
