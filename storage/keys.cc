// Byte layouts of the store; see keys.h for the format description.
#include "storage/keys.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace patentmatch::storage {

std::string EncodeUint64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

std::optional<uint64_t> DecodeUint64(absl::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

std::string EncodeChange(EntityKind kind, absl::string_view id) {
  std::string out(1, static_cast<char>(kind));
  out.append(id.data(), id.size());
  return out;
}

std::optional<Change> DecodeChange(uint64_t seq, absl::string_view value) {
  if (value.empty()) return std::nullopt;
  const auto kind = static_cast<uint8_t>(value[0]);
  if (kind < static_cast<uint8_t>(EntityKind::kOrganisation) ||
      kind > static_cast<uint8_t>(EntityKind::kSetting)) {
    return std::nullopt;
  }
  Change change;
  change.seq = seq;
  change.kind = static_cast<EntityKind>(kind);
  change.id = std::string(value.substr(1));
  return change;
}

std::string DemandIdFromNumber(uint64_t number) {
  return absl::StrFormat("D%09d", number);
}

std::string OrganisationIdFromNumber(uint64_t number) {
  return absl::StrFormat("ORG%06d", number);
}

std::string AccountIdFromNumber(uint64_t number) {
  return absl::StrFormat("A%06d", number);
}

std::string EventIdFromNumber(uint64_t number) {
  return absl::StrFormat("EV%06d", number);
}

std::string EventChildPrefix(absl::string_view event_id) {
  return absl::StrCat(event_id, " ");
}

std::string EventChildKey(absl::string_view event_id,
                          std::initializer_list<absl::string_view> parts) {
  std::string key(event_id);
  for (absl::string_view part : parts) absl::StrAppend(&key, " ", part);
  return key;
}

absl::string_view EntityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kOrganisation:
      return "organisation";
    case EntityKind::kPatent:
      return "patent";
    case EntityKind::kDemand:
      return "demand";
    case EntityKind::kAccount:
      return "account";
    case EntityKind::kSuggestion:
      return "suggestion";
    case EntityKind::kSetting:
      return "setting";
    case EntityKind::kEvent:
      return "event";
    case EntityKind::kEventParticipant:
      return "event_participant";
    case EntityKind::kEventPreference:
      return "event_preference";
    case EntityKind::kMeeting:
      return "meeting";
  }
  return "entity";
}

std::optional<EntityKind> EntityKindFromName(absl::string_view name) {
  for (EntityKind kind :
       {EntityKind::kOrganisation, EntityKind::kPatent, EntityKind::kDemand,
        EntityKind::kAccount, EntityKind::kSuggestion, EntityKind::kSetting,
        EntityKind::kEvent, EntityKind::kEventParticipant,
        EntityKind::kEventPreference, EntityKind::kMeeting}) {
    if (EntityKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

std::string AuditEntityPrefix(EntityKind kind, absl::string_view id) {
  std::string out = "e";
  out.push_back(static_cast<char>(kind));
  out.append(id.data(), id.size());
  out.push_back('\0');
  return out;
}

std::string AuditActorPrefix(absl::string_view actor_id) {
  std::string out = "a";
  out.append(actor_id.data(), actor_id.size());
  out.push_back('\0');
  return out;
}

std::optional<uint64_t> AuditSeqFromIndexKey(absl::string_view key) {
  if (key.size() < 8) return std::nullopt;
  return DecodeUint64(key.substr(key.size() - 8));
}

}  // namespace patentmatch::storage
