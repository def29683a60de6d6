// The one way suggestions are created and written, so that every new
// suggestion and every approval also lands in the notices feed that
// WatchSuggestions replays (storage/keys.h, "notices"), in the same batch.
// Used by the review workflow, precise push and docking-event outcomes.
#ifndef PATENTMATCH_SERVICES_SUGGESTION_WRITES_H_
#define PATENTMATCH_SERVICES_SUGGESTION_WRITES_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "patentmatch/v1/patentmatch.pb.h"
#include "patentmatch/v1/review.pb.h"
#include "storage/store.h"

namespace patentmatch {

// "<demand id>:<patent id>".
std::string SuggestionId(absl::string_view demand_id,
                         absl::string_view patent_id);

// A new SUGGESTED suggestion pairing `demand` with `listing`, ranked
// `score` with `explanation`, created by `audit`'s actor as `source`
// ("commissioner", "push", "event").
v1::Suggestion NewSuggestion(const v1::Demand& demand,
                             const v1::PatentListing& listing, double score,
                             const v1::Explanation& explanation,
                             absl::string_view source,
                             const storage::AuditContext& audit, int64_t now);

// Puts `after` into `writes`. `before` is the state it had (UNSPECIFIED for
// a new one): a new suggestion is announced as SUGGESTION_CREATED, one that
// has just become APPROVED as SUGGESTION_APPROVED.
void PutSuggestion(v1::SuggestionState before, const v1::Suggestion& after,
                   storage::WriteSet* writes);

// States in which a suggestion is still being worked on (not rejected,
// superseded, or finished).
bool IsActiveSuggestion(v1::SuggestionState state);

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_SUGGESTION_WRITES_H_
