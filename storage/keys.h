// Every byte layout the store writes, in one place.
//
// Column families (one per entity kind, plus bookkeeping):
//   organisations  key: organisation id (UTF-8)      value: Organisation proto
//   patents        key: listing id (UTF-8)           value: PatentListing proto
//   demands        key: demand id (UTF-8)            value: Demand proto
//   changes        key: change sequence (8 bytes, big-endian, so keys sort
//                  in sequence order)                value: EncodeChange()
//   meta           key: one of the kMeta* names      value: see each name
//   accounts       key: account id                   value: Account proto
//   suggestions    key: suggestion id ("<demand id>:<patent id>")
//                                                    value: Suggestion proto
//   settings       key: setting name (kSetting*)     value: the setting's proto
//   audit          key: audit sequence (8 bytes, big-endian)
//                                                    value: AuditRecord proto
//                  (stored form: before/after as serialised entities)
//   audit_index    key: AuditEntityIndexKey / AuditActorIndexKey, each ending
//                  in the 8-byte audit sequence      value: empty
//   events         key: event id ("EV000001")        value: DockingEvent
//   event_participants, event_preferences, meetings
//                  key: EventChildKey(event id, ...) value: EventParticipant,
//                  PairPreference, Meeting — one entity each, so recording
//                  one outcome rewrites (and audits) one meeting, not the
//                  whole event; a prefix scan of "<event id> " reads them all
//   notices        key: notice sequence (8 bytes, big-endian)
//                                                    value: SuggestionNotice
//                  the durable feed WatchSuggestions replays: appended in
//                  the same batch as the suggestion it announces
//
// Every entity write appends one audit record (and its two index keys) in the
// same WriteBatch as the entity, so the audit log can never miss a write.
//
// The `changes` family is the feed the derived Xapian index replays: every
// write to an indexed entity (patents, demands) appends one change in the
// same WriteBatch as the entity itself, so the index can never miss one.
// A change records only which entity changed; the index reads the entity's
// current version, so replaying a change twice is harmless.
#ifndef PATENTMATCH_STORAGE_KEYS_H_
#define PATENTMATCH_STORAGE_KEYS_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace patentmatch::storage {

// Entity kinds. The numeric values are persisted in change records: never
// renumber, only append.
enum class EntityKind : uint8_t {
  kOrganisation = 1,
  kPatent = 2,
  kDemand = 3,
  kAccount = 4,
  kSuggestion = 5,
  kSetting = 6,
  kEvent = 7,             // docking event
  kEventParticipant = 8,  // "<event id> <organisation id>"
  kEventPreference = 9,   // "<event id> <company org id> <holder org id>"
  kMeeting = 10,          // "<event id> <meeting id>"
};

// "organisation", "patent", ...: how audit records name a kind.
absl::string_view EntityKindName(EntityKind kind);
// The inverse; nullopt for an unknown name.
std::optional<EntityKind> EntityKindFromName(absl::string_view name);

inline constexpr char kOrganisationsFamily[] = "organisations";
inline constexpr char kPatentsFamily[] = "patents";
inline constexpr char kDemandsFamily[] = "demands";
inline constexpr char kChangesFamily[] = "changes";
inline constexpr char kMetaFamily[] = "meta";
inline constexpr char kAccountsFamily[] = "accounts";
inline constexpr char kSuggestionsFamily[] = "suggestions";
inline constexpr char kSettingsFamily[] = "settings";
inline constexpr char kAuditFamily[] = "audit";
inline constexpr char kAuditIndexFamily[] = "audit_index";
inline constexpr char kEventsFamily[] = "events";
inline constexpr char kEventParticipantsFamily[] = "event_participants";
inline constexpr char kEventPreferencesFamily[] = "event_preferences";
inline constexpr char kMeetingsFamily[] = "meetings";
inline constexpr char kNoticesFamily[] = "notices";

// settings: the ranking weights learned from review decisions
// (RankingWeightsState).
inline constexpr char kSettingRankingWeights[] = "ranking_weights";

// meta: next number for server-assigned demand ids, 8 bytes big-endian.
inline constexpr char kMetaNextDemandNumber[] = "next_demand_number";
// meta: next number for server-assigned organisation ids, 8 bytes big-endian.
inline constexpr char kMetaNextOrganisationNumber[] =
    "next_organisation_number";
// meta: next number for account ids, 8 bytes big-endian.
inline constexpr char kMetaNextAccountNumber[] = "next_account_number";
// meta: next number for event ids, 8 bytes big-endian.
inline constexpr char kMetaNextEventNumber[] = "next_event_number";
// meta: the last change (patent/demand) precise push has handled.
inline constexpr char kMetaPushWatermark[] = "push_watermark";
// meta: on-disk format version, 8 bytes big-endian.
inline constexpr char kMetaFormatVersion[] = "format_version";
inline constexpr uint64_t kFormatVersion = 1;

// 8-byte big-endian encoding, so that byte order equals numeric order.
std::string EncodeUint64(uint64_t value);
std::optional<uint64_t> DecodeUint64(absl::string_view bytes);

// changes: key for change number `seq`.
inline std::string ChangeKey(uint64_t seq) { return EncodeUint64(seq); }

struct Change {
  uint64_t seq = 0;
  EntityKind kind = EntityKind::kPatent;
  std::string id;
};
// value: 1 byte EntityKind, then the id bytes.
std::string EncodeChange(EntityKind kind, absl::string_view id);
std::optional<Change> DecodeChange(uint64_t seq, absl::string_view value);

// Server-assigned ids: "D000000042" for demands, "ORG000042" for
// organisations. Fixed width so that they sort in creation order.
std::string DemandIdFromNumber(uint64_t number);
std::string OrganisationIdFromNumber(uint64_t number);
// "A000042" for accounts.
std::string AccountIdFromNumber(uint64_t number);
// "EV000042" for docking events.
std::string EventIdFromNumber(uint64_t number);
// "<event id> <part> <part>...": keys of an event's participants,
// preferences and meetings, joined by spaces, which ids never contain
// (validation refuses them), so keys are unambiguous and readable in the
// audit trail.
std::string EventChildKey(absl::string_view event_id,
                          std::initializer_list<absl::string_view> parts);
// "<event id> ": the prefix of all of an event's child keys.
std::string EventChildPrefix(absl::string_view event_id);

// notices: key for notice `seq`.
inline std::string NoticeKey(uint64_t seq) { return EncodeUint64(seq); }

// audit: key for audit record `seq`.
inline std::string AuditKey(uint64_t seq) { return EncodeUint64(seq); }
// audit_index: "e" kind-byte id NUL seq — one entity's history in order.
// Ids never contain NUL (validation refuses control characters).
std::string AuditEntityPrefix(EntityKind kind, absl::string_view id);
// audit_index: "a" actor-id NUL seq — one actor's writes in order.
std::string AuditActorPrefix(absl::string_view actor_id);
// The audit sequence at the end of an index key (nullopt if malformed).
std::optional<uint64_t> AuditSeqFromIndexKey(absl::string_view key);

}  // namespace patentmatch::storage

#endif  // PATENTMATCH_STORAGE_KEYS_H_
