// Organisation handlers; see organisation_service.h.
#include "services/organisation_service.h"

#include "absl/strings/str_cat.h"
#include "services/grpc_status.h"
#include "services/paging.h"
#include "services/validation.h"
#include "storage/status_macros.h"

namespace patentmatch {

using storage::EntityKind;

grpc::Status OrganisationServiceImpl::RegisterOrganisation(
    grpc::ServerContext*, const v1::RegisterOrganisationRequest* request,
    v1::Organisation* response) {
  v1::Organisation org = request->organisation();
  absl::Status s = FieldErrorsToStatus(ValidateOrganisation(&org));
  if (!s.ok()) return ToGrpcStatus(s);

  absl::MutexLock lock(&ctx_->store->writer_mutex());
  storage::WriteSet writes;
  if (org.id().empty()) {
    auto next =
        ctx_->store->GetMetaCounter(storage::kMetaNextOrganisationNumber);
    if (!next.ok()) return ToGrpcStatus(next.status());
    const uint64_t number = *next + 1;
    org.set_id(storage::OrganisationIdFromNumber(number));
    writes.PutMeta(storage::kMetaNextOrganisationNumber,
                   storage::EncodeUint64(number));
    org.set_created_unix(NowUnix());
  } else {
    auto existing = ctx_->store->GetOrganisation(org.id());
    if (existing.ok()) {
      org.set_created_unix(existing->created_unix());
    } else if (absl::IsNotFound(existing.status())) {
      org.set_created_unix(NowUnix());
    } else {
      return ToGrpcStatus(existing.status());
    }
  }
  org.set_updated_unix(NowUnix());
  writes.Put(EntityKind::kOrganisation, org.id(), org);
  auto committed = ctx_->store->Commit(writes);
  if (!committed.ok()) return ToGrpcStatus(committed.status());
  *response = std::move(org);
  return grpc::Status::OK;
}

grpc::Status OrganisationServiceImpl::GetOrganisation(
    grpc::ServerContext*, const v1::GetOrganisationRequest* request,
    v1::Organisation* response) {
  absl::Status s = FieldErrorsToStatus(ValidateId(request->id(), "id"));
  if (!s.ok()) return ToGrpcStatus(s);
  auto org = ctx_->store->GetOrganisation(request->id());
  if (!org.ok()) return ToGrpcStatus(org.status());
  *response = std::move(*org);
  return grpc::Status::OK;
}

grpc::Status OrganisationServiceImpl::ListOrganisations(
    grpc::ServerContext*, const v1::ListOrganisationsRequest* request,
    v1::ListOrganisationsResponse* response) {
  const int page_size = PageSize(request->page_size(), 50, 1000);
  std::string last;
  absl::Status s = ctx_->store->ScanOrganisations(
      request->page_token(), [&](const v1::Organisation& org) {
        if (request->kind() != v1::ORGANISATION_KIND_UNSPECIFIED &&
            org.kind() != request->kind()) {
          return true;
        }
        if (request->district() != v1::DISTRICT_UNSPECIFIED &&
            org.district() != request->district()) {
          return true;
        }
        if (response->organisations_size() == page_size) {
          response->set_next_page_token(last);
          return false;
        }
        *response->add_organisations() = org;
        last = org.id();
        return true;
      });
  return ToGrpcStatus(s);
}

}  // namespace patentmatch
