// Byte layouts of the store; see keys.h for the format description.
#include "storage/keys.h"

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
      kind > static_cast<uint8_t>(EntityKind::kDemand)) {
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

}  // namespace patentmatch::storage
