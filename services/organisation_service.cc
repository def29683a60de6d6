// Organisation handlers; see organisation_service.h.
#include "services/organisation_service.h"

#include "absl/strings/str_cat.h"
#include "services/grpc_status.h"
#include "services/paging.h"
#include "services/validation.h"
#include "storage/status_macros.h"

namespace patentmatch {

using storage::EntityKind;

namespace {

// Listings and demands carry copies of their organisation's kind and
// district (for filters without a join). When those change, the copies are
// rewritten in the same batch as the organisation, so nothing is stale or
// half-written. A scan of all listings: organisations change rarely.
absl::Status CopyOwnerFields(const v1::Organisation& before,
                             const v1::Organisation& after,
                             const storage::Store& store,
                             storage::WriteSet* writes) {
  if (before.kind() == after.kind() && before.district() == after.district()) {
    return absl::OkStatus();
  }
  absl::Status s = store.ScanPatents("", [&](const v1::PatentListing& listing) {
    if (listing.owner_organisation_id() == after.id()) {
      v1::PatentListing copy = listing;
      copy.set_owner_kind(after.kind());
      copy.set_owner_district(after.district());
      writes->Put(EntityKind::kPatent, copy.id(), copy);
    }
    return true;
  });
  if (!s.ok()) return s;
  return store.ScanDemands("", [&](const v1::Demand& demand) {
    if (demand.organisation_id() == after.id()) {
      v1::Demand copy = demand;
      copy.set_district(after.district());
      writes->Put(EntityKind::kDemand, copy.id(), copy);
    }
    return true;
  });
}

}  // namespace

grpc::Status OrganisationServiceImpl::RegisterOrganisation(
    grpc::ServerContext* context,
    const v1::RegisterOrganisationRequest* request,
    v1::Organisation* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "register organisations"));
  v1::Organisation org = request->organisation();
  // Staff register organisations; a member may only update its own.
  if (!caller.is_staff() && !caller.IsMemberOf(org.id())) {
    return ToGrpcStatus(absl::PermissionDeniedError(
        absl::StrCat("account ", caller.id(), " may only update organisation '",
                     caller.account().organisation_id(), "'")));
  }
  absl::Status s = FieldErrorsToStatus(ValidateOrganisation(&org));
  if (!s.ok()) return ToGrpcStatus(s);

  // Under the writer lock: allocate the id or read the previous version,
  // then commit. The wait for the index happens after the lock is released.
  auto committed = [&]() -> absl::StatusOr<uint64_t> {
    absl::MutexLock lock(&ctx_->store->writer_mutex());
    storage::WriteSet writes(
        caller.Audit("OrganisationService.RegisterOrganisation"));
    if (org.id().empty()) {
      auto next =
          ctx_->store->GetMetaCounter(storage::kMetaNextOrganisationNumber);
      if (!next.ok()) return next.status();
      const uint64_t number = *next + 1;
      org.set_id(storage::OrganisationIdFromNumber(number));
      writes.PutMeta(storage::kMetaNextOrganisationNumber,
                     storage::EncodeUint64(number));
      org.set_created_unix(NowUnix());
    } else {
      auto existing = ctx_->store->GetOrganisation(org.id());
      if (existing.ok()) {
        org.set_created_unix(existing->created_unix());
        absl::Status s = CopyOwnerFields(*existing, org, *ctx_->store, &writes);
        if (!s.ok()) return s;
      } else if (absl::IsNotFound(existing.status())) {
        org.set_created_unix(NowUnix());
      } else {
        return existing.status();
      }
    }
    org.set_updated_unix(NowUnix());
    writes.Put(EntityKind::kOrganisation, org.id(), org);
    return ctx_->store->Commit(writes);
  }();
  if (!committed.ok()) return ToGrpcStatus(committed.status());
  ctx_->AwaitIndexed(*committed);
  *response = std::move(org);
  return grpc::Status::OK;
}

grpc::Status OrganisationServiceImpl::GetOrganisation(
    grpc::ServerContext* context, const v1::GetOrganisationRequest* request,
    v1::Organisation* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "read organisations"));
  absl::Status s = FieldErrorsToStatus(ValidateId(request->id(), "id"));
  if (!s.ok()) return ToGrpcStatus(s);
  auto org = ctx_->store->GetOrganisation(request->id());
  if (!org.ok()) return ToGrpcStatus(org.status());
  *response = std::move(*org);
  return grpc::Status::OK;
}

grpc::Status OrganisationServiceImpl::ListOrganisations(
    grpc::ServerContext* context, const v1::ListOrganisationsRequest* request,
    v1::ListOrganisationsResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "list organisations"));
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
