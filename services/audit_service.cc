// Audit trail queries; see audit_service.h.
#include "services/audit_service.h"

#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "patentmatch/v1/events.pb.h"
#include "services/grpc_status.h"
#include "services/paging.h"
#include "services/validation.h"

namespace patentmatch {
namespace {

using storage::EntityKind;

// An empty message of the kind's type, to parse stored bytes into.
std::unique_ptr<google::protobuf::Message> NewEntity(EntityKind kind) {
  switch (kind) {
    case EntityKind::kOrganisation:
      return std::make_unique<v1::Organisation>();
    case EntityKind::kPatent:
      return std::make_unique<v1::PatentListing>();
    case EntityKind::kDemand:
      return std::make_unique<v1::Demand>();
    case EntityKind::kAccount:
      return std::make_unique<v1::Account>();
    case EntityKind::kSuggestion:
      return std::make_unique<v1::Suggestion>();
    case EntityKind::kSetting:
      return std::make_unique<v1::RankingWeightsState>();
    case EntityKind::kEvent:
      return std::make_unique<v1::DockingEvent>();
    case EntityKind::kEventParticipant:
      return std::make_unique<v1::EventParticipant>();
    case EntityKind::kEventPreference:
      return std::make_unique<v1::PairPreference>();
    case EntityKind::kMeeting:
      return std::make_unique<v1::Meeting>();
  }
  return nullptr;
}

// The stored entity as JSON, without what `caller` may not see.
absl::StatusOr<std::string> EntityJson(const Caller& caller, EntityKind kind,
                                       const std::string& bytes) {
  if (bytes.empty()) return std::string();
  auto entity = NewEntity(kind);
  if (entity == nullptr || !entity->ParseFromString(bytes)) {
    return absl::DataLossError("an audit record's entity does not parse");
  }
  if (kind == EntityKind::kAccount) {
    static_cast<v1::Account*>(entity.get())->clear_token_sha256();
  } else if (kind == EntityKind::kDemand) {
    RedactDemand(caller, static_cast<v1::Demand*>(entity.get()));
  } else if (kind == EntityKind::kPatent) {
    RedactListing(caller, static_cast<v1::PatentListing*>(entity.get()));
  }
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  auto s = google::protobuf::util::MessageToJsonString(*entity, &json, options);
  if (!s.ok()) return absl::InternalError(std::string(s.message()));
  return json;
}

}  // namespace

grpc::Status AuditServiceImpl::QueryAuditLog(
    grpc::ServerContext* context, const v1::QueryAuditLogRequest* request,
    v1::QueryAuditLogResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kStaff, "read the audit log"));
  storage::AuditQuery query;
  std::vector<v1::FieldError> errors;
  auto add = [&](absl::string_view field, absl::string_view message) {
    AddFieldError(&errors, field, message);
  };
  if (!request->entity_kind().empty()) {
    query.kind = storage::EntityKindFromName(request->entity_kind());
    if (!query.kind) {
      add("entity_kind",
          "must be organisation, patent, demand, account, suggestion, "
          "setting, event, event_participant, event_preference or meeting");
    }
  }
  if (!request->entity_id().empty()) {
    // Not ValidateId: an event's participants, preferences and meetings
    // have ids joined by spaces (storage/keys.h, EventChildKey).
    std::string why;
    if (request->entity_id().size() > 4 * Limits::kIdBytes) {
      add("entity_id", "too long");
    } else if (!CleanText(request->entity_id(), /*multiline=*/false, &why)) {
      add("entity_id", why);
    }
    if (request->entity_kind().empty()) {
      add("entity_kind", "is required with entity_id");
    }
    query.entity_id = request->entity_id();
  }
  if (!request->actor_id().empty()) {
    auto bad = ValidateId(request->actor_id(), "actor_id");
    errors.insert(errors.end(), bad.begin(), bad.end());
    query.actor_id = request->actor_id();
  }
  if (request->since_unix() < 0) add("since_unix", "must not be negative");
  if (request->until_unix() < 0) add("until_unix", "must not be negative");
  if (!request->page_token().empty() &&
      !absl::SimpleAtoi(request->page_token(), &query.after_seq)) {
    add("page_token", "not a token this service issued");
  }
  absl::Status s = FieldErrorsToStatus(errors);
  if (!s.ok()) return ToGrpcStatus(s);
  query.since_unix = request->since_unix();
  query.until_unix = request->until_unix();
  query.limit = static_cast<size_t>(PageSize(request->page_size(), 100, 1000));

  std::vector<v1::AuditRecord> records;
  bool more = false;
  s = ctx_->store->ReadAudit(query, &records, &more);
  if (!s.ok()) return ToGrpcStatus(s);
  for (auto& record : records) {
    auto kind = storage::EntityKindFromName(record.entity_kind());
    if (!kind) {
      return ToGrpcStatus(absl::DataLossError(absl::StrCat(
          "audit record ", record.seq(), " has an unknown entity kind")));
    }
    ASSIGN_OR_RETURN_GRPC(std::string before,
                          EntityJson(caller, *kind, record.before()));
    ASSIGN_OR_RETURN_GRPC(std::string after,
                          EntityJson(caller, *kind, record.after()));
    record.clear_before();
    record.clear_after();
    record.set_before_json(std::move(before));
    record.set_after_json(std::move(after));
    *response->add_records() = std::move(record);
  }
  // From the response: the records above were moved out of `records`.
  if (more && response->records_size() > 0) {
    response->set_next_page_token(
        absl::StrCat(response->records(response->records_size() - 1).seq()));
  }
  return grpc::Status::OK;
}

}  // namespace patentmatch
