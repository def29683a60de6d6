// Technology-need handlers; see demand_service.h.
#include "services/demand_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/grpc_status.h"
#include "services/paging.h"
#include "services/validation.h"

namespace patentmatch {

using storage::EntityKind;

namespace {

// The organisation a demand belongs to must exist; its district is copied.
absl::Status AttachOrganisation(const storage::Store& store, v1::Demand* d) {
  auto org = store.GetOrganisation(d->organisation_id());
  if (absl::IsNotFound(org.status())) {
    return absl::InvalidArgumentError(
        absl::StrCat("demand.organisation_id: no organisation '",
                     d->organisation_id(), "' (register it first)"));
  }
  if (!org.ok()) return org.status();
  d->set_district(org->district());
  return absl::OkStatus();
}

}  // namespace

grpc::Status DemandServiceImpl::SubmitDemand(
    grpc::ServerContext*, const v1::SubmitDemandRequest* request,
    v1::Demand* response) {
  v1::Demand demand = request->demand();
  absl::Status s = FieldErrorsToStatus(ValidateDemand(&demand, true));
  if (s.ok()) s = AttachOrganisation(*ctx_->store, &demand);
  if (!s.ok()) return ToGrpcStatus(s);

  absl::StatusOr<uint64_t> seq;
  {
    absl::MutexLock lock(&ctx_->store->writer_mutex());
    auto next = ctx_->store->GetMetaCounter(storage::kMetaNextDemandNumber);
    if (!next.ok()) return ToGrpcStatus(next.status());
    const uint64_t number = *next + 1;
    demand.set_id(storage::DemandIdFromNumber(number));
    demand.set_status(v1::DEMAND_OPEN);
    demand.clear_close_reason();
    demand.set_created_unix(NowUnix());
    demand.set_updated_unix(demand.created_unix());
    storage::WriteSet writes;
    writes.Put(EntityKind::kDemand, demand.id(), demand);
    writes.PutMeta(storage::kMetaNextDemandNumber,
                   storage::EncodeUint64(number));
    seq = ctx_->store->Commit(writes);
  }
  if (!seq.ok()) return ToGrpcStatus(seq.status());
  ctx_->AwaitIndexed(*seq);
  *response = std::move(demand);
  return grpc::Status::OK;
}

grpc::Status DemandServiceImpl::UpdateDemand(
    grpc::ServerContext*, const v1::UpdateDemandRequest* request,
    v1::Demand* response) {
  v1::Demand demand = request->demand();
  absl::Status s = FieldErrorsToStatus(ValidateDemand(&demand, false));
  if (!s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<uint64_t> seq;
  {
    absl::MutexLock lock(&ctx_->store->writer_mutex());
    auto stored = ctx_->store->GetDemand(demand.id());
    if (!stored.ok()) return ToGrpcStatus(stored.status());
    if (stored->organisation_id() != demand.organisation_id()) {
      return ToGrpcStatus(absl::InvalidArgumentError(
          absl::StrCat("demand.organisation_id: a need cannot move to another "
                       "organisation (it belongs to '",
                       stored->organisation_id(), "')")));
    }
    s = AttachOrganisation(*ctx_->store, &demand);
    if (!s.ok()) return ToGrpcStatus(s);
    // Status changes only through CloseDemand.
    demand.set_status(stored->status());
    demand.set_close_reason(stored->close_reason());
    demand.set_created_unix(stored->created_unix());
    demand.set_updated_unix(NowUnix());
    storage::WriteSet writes;
    writes.Put(EntityKind::kDemand, demand.id(), demand);
    seq = ctx_->store->Commit(writes);
  }
  if (!seq.ok()) return ToGrpcStatus(seq.status());
  ctx_->AwaitIndexed(*seq);
  *response = std::move(demand);
  return grpc::Status::OK;
}

grpc::Status DemandServiceImpl::GetDemand(grpc::ServerContext*,
                                          const v1::GetDemandRequest* request,
                                          v1::Demand* response) {
  absl::Status s = FieldErrorsToStatus(ValidateId(request->id(), "id"));
  if (!s.ok()) return ToGrpcStatus(s);
  auto demand = ctx_->store->GetDemand(request->id());
  if (!demand.ok()) return ToGrpcStatus(demand.status());
  *response = std::move(*demand);
  return grpc::Status::OK;
}

grpc::Status DemandServiceImpl::ListDemands(
    grpc::ServerContext*, const v1::ListDemandsRequest* request,
    v1::ListDemandsResponse* response) {
  if (!v1::DemandStatus_IsValid(request->status()) ||
      !v1::District_IsValid(request->district())) {
    return ToGrpcStatus(
        absl::InvalidArgumentError("status/district: unknown value"));
  }
  const int page_size = PageSize(request->page_size(), 50, 1000);
  std::string last;
  absl::Status s =
      ctx_->store->ScanDemands(request->page_token(), [&](const v1::Demand& d) {
        if (!request->organisation_id().empty() &&
            d.organisation_id() != request->organisation_id()) {
          return true;
        }
        if (request->status() != v1::DEMAND_STATUS_UNSPECIFIED &&
            d.status() != request->status()) {
          return true;
        }
        if (!request->industry().empty() &&
            !absl::EqualsIgnoreCase(d.industry(), request->industry())) {
          return true;
        }
        if (request->district() != v1::DISTRICT_UNSPECIFIED &&
            d.district() != request->district()) {
          return true;
        }
        if (response->demands_size() == page_size) {
          response->set_next_page_token(last);
          return false;
        }
        *response->add_demands() = d;
        last = d.id();
        return true;
      });
  return ToGrpcStatus(s);
}

grpc::Status DemandServiceImpl::CloseDemand(
    grpc::ServerContext*, const v1::CloseDemandRequest* request,
    v1::Demand* response) {
  std::vector<v1::FieldError> errors = ValidateId(request->id(), "id");
  if (request->reason().size() > Limits::kNameBytes) {
    v1::FieldError e;
    e.set_field("reason");
    e.set_message("too long");
    errors.push_back(std::move(e));
  }
  absl::Status s = FieldErrorsToStatus(errors);
  if (!s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<uint64_t> seq;
  v1::Demand demand;
  {
    absl::MutexLock lock(&ctx_->store->writer_mutex());
    auto stored = ctx_->store->GetDemand(request->id());
    if (!stored.ok()) return ToGrpcStatus(stored.status());
    demand = std::move(*stored);
    if (demand.status() == v1::DEMAND_CLOSED) {
      *response = std::move(demand);  // closing twice is harmless
      return grpc::Status::OK;
    }
    demand.set_status(v1::DEMAND_CLOSED);
    demand.set_close_reason(request->reason());
    demand.set_updated_unix(NowUnix());
    storage::WriteSet writes;
    writes.Put(EntityKind::kDemand, demand.id(), demand);
    seq = ctx_->store->Commit(writes);
  }
  if (!seq.ok()) return ToGrpcStatus(seq.status());
  ctx_->AwaitIndexed(*seq);
  *response = std::move(demand);
  return grpc::Status::OK;
}

}  // namespace patentmatch
