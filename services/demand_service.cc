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

// Who may write a need: its organisation's members, administrators, and
// commissioners whose scope covers it (they often file needs on a company's
// behalf after a visit).
absl::Status CheckMayWrite(const Caller& caller, const v1::Demand& demand) {
  if (caller.IsMemberOf(demand.organisation_id()) ||
      caller.CoversDemand(demand)) {
    return absl::OkStatus();
  }
  if (caller.is_commissioner()) {
    return absl::PermissionDeniedError(
        absl::StrCat("need of industry '", demand.industry(), "' in ",
                     v1::District_Name(demand.district()),
                     " is outside the scope of account ", caller.id()));
  }
  return absl::PermissionDeniedError(
      absl::StrCat("account ", caller.id(), " may only act for organisation '",
                   caller.account().organisation_id(), "'"));
}

}  // namespace

grpc::Status DemandServiceImpl::SubmitDemand(
    grpc::ServerContext* context, const v1::SubmitDemandRequest* request,
    v1::Demand* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "submit needs"));
  v1::Demand demand = request->demand();
  if (caller.role() == v1::ORGANISATION_MEMBER &&
      demand.organisation_id().empty()) {
    demand.set_organisation_id(caller.account().organisation_id());
  }
  absl::Status s = FieldErrorsToStatus(ValidateDemand(&demand, true));
  if (s.ok()) s = AttachOrganisation(*ctx_->store, &demand);
  if (s.ok()) s = CheckMayWrite(caller, demand);
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
    storage::WriteSet writes(caller.Audit("DemandService.SubmitDemand"));
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
    grpc::ServerContext* context, const v1::UpdateDemandRequest* request,
    v1::Demand* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "update needs"));
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
    s = CheckMayWrite(caller, *stored);
    if (s.ok()) s = AttachOrganisation(*ctx_->store, &demand);
    if (s.ok()) s = CheckMayWrite(caller, demand);
    if (!s.ok()) return ToGrpcStatus(s);
    // Status changes only through CloseDemand.
    demand.set_status(stored->status());
    demand.set_close_reason(stored->close_reason());
    demand.set_created_unix(stored->created_unix());
    demand.set_updated_unix(NowUnix());
    storage::WriteSet writes(caller.Audit("DemandService.UpdateDemand"));
    writes.Put(EntityKind::kDemand, demand.id(), demand);
    seq = ctx_->store->Commit(writes);
  }
  if (!seq.ok()) return ToGrpcStatus(seq.status());
  ctx_->AwaitIndexed(*seq);
  *response = std::move(demand);
  return grpc::Status::OK;
}

grpc::Status DemandServiceImpl::GetDemand(grpc::ServerContext* context,
                                          const v1::GetDemandRequest* request,
                                          v1::Demand* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "read needs"));
  absl::Status s = FieldErrorsToStatus(ValidateId(request->id(), "id"));
  if (!s.ok()) return ToGrpcStatus(s);
  auto demand = ctx_->store->GetDemand(request->id());
  if (!demand.ok()) return ToGrpcStatus(demand.status());
  // Members see their own organisation's needs only; staff see every need,
  // with contact details only where their scope covers it.
  if (!caller.is_staff() && !caller.IsMemberOf(demand->organisation_id())) {
    return ToGrpcStatus(absl::PermissionDeniedError(absl::StrCat(
        "need '", demand->id(), "' belongs to another organisation")));
  }
  RedactDemand(caller, &*demand);
  *response = std::move(*demand);
  return grpc::Status::OK;
}

grpc::Status DemandServiceImpl::ListDemands(
    grpc::ServerContext* context, const v1::ListDemandsRequest* request,
    v1::ListDemandsResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "list needs"));
  std::string organisation_id = request->organisation_id();
  if (caller.role() == v1::ORGANISATION_MEMBER) {
    if (organisation_id.empty()) {
      organisation_id = caller.account().organisation_id();
    } else if (!caller.IsMemberOf(organisation_id)) {
      return ToGrpcStatus(absl::PermissionDeniedError(absl::StrCat(
          "account ", caller.id(), " may only list the needs of organisation '",
          caller.account().organisation_id(), "'")));
    }
  }
  if (!v1::DemandStatus_IsValid(request->status()) ||
      !v1::District_IsValid(request->district())) {
    return ToGrpcStatus(
        absl::InvalidArgumentError("status/district: unknown value"));
  }
  const int page_size = PageSize(request->page_size(), 50, 1000);
  std::string last;
  absl::Status s =
      ctx_->store->ScanDemands(request->page_token(), [&](const v1::Demand& d) {
        if (!organisation_id.empty() &&
            d.organisation_id() != organisation_id) {
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
        v1::Demand* out = response->add_demands();
        *out = d;
        RedactDemand(caller, out);
        last = d.id();
        return true;
      });
  return ToGrpcStatus(s);
}

grpc::Status DemandServiceImpl::CloseDemand(
    grpc::ServerContext* context, const v1::CloseDemandRequest* request,
    v1::Demand* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "close needs"));
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
    s = CheckMayWrite(caller, demand);
    if (!s.ok()) return ToGrpcStatus(s);
    if (demand.status() == v1::DEMAND_CLOSED) {
      *response = std::move(demand);  // closing twice is harmless
      return grpc::Status::OK;
    }
    demand.set_status(v1::DEMAND_CLOSED);
    demand.set_close_reason(request->reason());
    demand.set_updated_unix(NowUnix());
    storage::WriteSet writes(caller.Audit("DemandService.CloseDemand"));
    writes.Put(EntityKind::kDemand, demand.id(), demand);
    seq = ctx_->store->Commit(writes);
  }
  if (!seq.ok()) return ToGrpcStatus(seq.status());
  ctx_->AwaitIndexed(*seq);
  *response = std::move(demand);
  return grpc::Status::OK;
}

}  // namespace patentmatch
