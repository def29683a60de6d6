// Creating and writing suggestions; see suggestion_writes.h.
#include "services/suggestion_writes.h"

#include "absl/strings/str_cat.h"

namespace patentmatch {

std::string SuggestionId(absl::string_view demand_id,
                         absl::string_view patent_id) {
  return absl::StrCat(demand_id, ":", patent_id);
}

v1::Suggestion NewSuggestion(const v1::Demand& demand,
                             const v1::PatentListing& listing, double score,
                             const v1::Explanation& explanation,
                             absl::string_view source,
                             const storage::AuditContext& audit, int64_t now) {
  v1::Suggestion s;
  s.set_id(SuggestionId(demand.id(), listing.id()));
  s.set_demand_id(demand.id());
  s.set_patent_id(listing.id());
  s.set_company_organisation_id(demand.organisation_id());
  s.set_holder_organisation_id(listing.owner_organisation_id());
  s.set_industry(demand.industry());
  s.set_district(demand.district());
  s.set_score(score);
  *s.mutable_explanation() = explanation;
  s.set_state(v1::SUGGESTED);
  s.set_source(std::string(source));
  s.set_created_unix(now);
  s.set_state_changed_unix(now);
  v1::StateChange* change = s.add_history();
  change->set_to(v1::SUGGESTED);
  change->set_action("propose");
  change->set_actor_id(audit.actor_id);
  change->set_actor_role(audit.actor_role);
  change->set_at_unix(now);
  return s;
}

void PutSuggestion(v1::SuggestionState before, const v1::Suggestion& after,
                   storage::WriteSet* writes) {
  writes->Put(storage::EntityKind::kSuggestion, after.id(), after);
  v1::NoticeKind kind = v1::NOTICE_KIND_UNSPECIFIED;
  if (before == v1::SUGGESTION_STATE_UNSPECIFIED) {
    kind = v1::SUGGESTION_CREATED;
  } else if (before != v1::APPROVED && after.state() == v1::APPROVED) {
    kind = v1::SUGGESTION_APPROVED;
  }
  if (kind == v1::NOTICE_KIND_UNSPECIFIED) return;
  v1::SuggestionNotice notice;
  notice.set_kind(kind);
  *notice.mutable_suggestion() = after;
  writes->Announce(notice);
}

bool IsActiveSuggestion(v1::SuggestionState state) {
  switch (state) {
    case v1::SUGGESTED:
    case v1::IN_REVIEW:
    case v1::APPROVED:
    case v1::CONTACTED:
    case v1::NEGOTIATING:
      return true;
    default:
      return false;
  }
}

}  // namespace patentmatch
