// Patent listing handlers; see patent_service.h.
#include "services/patent_service.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "matcher/ranking.h"
#include "services/grpc_status.h"
#include "services/paging.h"
#include "services/validation.h"

namespace patentmatch {

using storage::EntityKind;

namespace {

// Who may write listings: administrators, and members for their own
// organisation (checked per listing).
constexpr std::initializer_list<v1::Role> kListingWriters = {
    v1::ADMINISTRATOR, v1::ORGANISATION_MEMBER};

}  // namespace

std::vector<v1::FieldError> PatentServiceImpl::Prepare(
    const Caller& caller, v1::PatentListing* listing,
    std::vector<v1::FieldError>* warnings) const {
  std::vector<v1::FieldError> errors = ValidateListing(listing, warnings);
  if (caller.role() == v1::ORGANISATION_MEMBER) {
    const std::string& own = caller.account().organisation_id();
    if (listing->owner_organisation_id().empty()) {
      listing->set_owner_organisation_id(own);
    } else if (listing->owner_organisation_id() != own) {
      v1::FieldError e;
      e.set_field("listing.owner_organisation_id");
      e.set_message(absl::StrCat("account ", caller.id(),
                                 " may only list patents of organisation '",
                                 own, "'"));
      errors.push_back(std::move(e));
      return errors;
    }
  }
  listing->clear_owner_kind();
  listing->clear_owner_district();
  if (errors.empty() && !listing->owner_organisation_id().empty()) {
    auto owner = ctx_->store->GetOrganisation(listing->owner_organisation_id());
    if (owner.ok()) {
      listing->set_owner_kind(owner->kind());
      listing->set_owner_district(owner->district());
      if (listing->owner_name().empty()) listing->set_owner_name(owner->name());
    } else {
      v1::FieldError e;
      e.set_field("listing.owner_organisation_id");
      e.set_message(absl::IsNotFound(owner.status())
                        ? absl::StrCat("no organisation '",
                                       listing->owner_organisation_id(),
                                       "' (register it first)")
                        : std::string(owner.status().message()));
      errors.push_back(std::move(e));
    }
  }
  return errors;
}

absl::StatusOr<uint64_t> PatentServiceImpl::WriteLocked(
    const Caller& caller, absl::string_view action,
    std::vector<v1::PatentListing>* listings, WriteMode mode,
    std::vector<bool>* existed) {
  storage::WriteSet writes(caller.Audit(action));
  const int64_t now = NowUnix();
  // Within one batch a later record with the same id replaces an earlier.
  absl::flat_hash_map<std::string, const v1::PatentListing*> in_batch;
  existed->clear();
  for (auto& listing : *listings) {
    const v1::PatentListing* previous = nullptr;
    v1::PatentListing stored;
    if (auto it = in_batch.find(listing.id()); it != in_batch.end()) {
      previous = it->second;
    } else {
      absl::Status s =
          ctx_->store->Get(EntityKind::kPatent, listing.id(), &stored);
      if (s.ok()) {
        previous = &stored;
      } else if (!absl::IsNotFound(s)) {
        return s;
      }
    }
    if (mode == WriteMode::kCreate && previous != nullptr) {
      return absl::AlreadyExistsError(absl::StrCat(
          "listing '", listing.id(), "' already exists; use UpdatePatent"));
    }
    if (mode == WriteMode::kUpdate && previous == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("no patent '", listing.id(), "'"));
    }
    if (previous != nullptr && caller.role() == v1::ORGANISATION_MEMBER &&
        !caller.IsMemberOf(previous->owner_organisation_id())) {
      return absl::PermissionDeniedError(absl::StrCat(
          "listing '", listing.id(), "' belongs to another organisation"));
    }
    if (previous != nullptr) {
      listing.set_created_unix(previous->created_unix());
      // A re-import does not silently re-activate a withdrawn listing.
      if (listing.status() == v1::LISTING_STATUS_UNSPECIFIED) {
        listing.set_status(previous->status());
        listing.set_withdrawal_reason(previous->withdrawal_reason());
        listing.set_withdrawal_note(previous->withdrawal_note());
      }
    } else {
      listing.set_created_unix(now);
    }
    if (listing.status() == v1::LISTING_STATUS_UNSPECIFIED) {
      listing.set_status(v1::LISTING_ACTIVE);
    }
    listing.set_updated_unix(now);
    existed->push_back(previous != nullptr);
    writes.Put(EntityKind::kPatent, listing.id(), listing);
    in_batch[listing.id()] = &listing;
  }
  return ctx_->store->Commit(writes);
}

grpc::Status PatentServiceImpl::CreatePatent(
    grpc::ServerContext* context, const v1::CreatePatentRequest* request,
    v1::PatentListing* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kListingWriters, "write listings"));
  std::vector<v1::PatentListing> listings = {request->listing()};
  absl::Status s = FieldErrorsToStatus(Prepare(caller, &listings[0], nullptr));
  if (!s.ok()) return ToGrpcStatus(s);
  std::vector<bool> existed;
  absl::StatusOr<uint64_t> seq;
  {
    absl::MutexLock lock(&ctx_->store->writer_mutex());
    seq = WriteLocked(caller, "PatentService.CreatePatent", &listings,
                      WriteMode::kCreate, &existed);
  }
  if (!seq.ok()) return ToGrpcStatus(seq.status());
  ctx_->AwaitIndexed(*seq);
  *response = std::move(listings[0]);
  return grpc::Status::OK;
}

grpc::Status PatentServiceImpl::UpdatePatent(
    grpc::ServerContext* context, const v1::UpdatePatentRequest* request,
    v1::PatentListing* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kListingWriters, "write listings"));
  std::vector<v1::PatentListing> listings = {request->listing()};
  absl::Status s = FieldErrorsToStatus(Prepare(caller, &listings[0], nullptr));
  if (!s.ok()) return ToGrpcStatus(s);
  std::vector<bool> existed;
  absl::StatusOr<uint64_t> seq;
  {
    absl::MutexLock lock(&ctx_->store->writer_mutex());
    seq = WriteLocked(caller, "PatentService.UpdatePatent", &listings,
                      WriteMode::kUpdate, &existed);
  }
  if (!seq.ok()) return ToGrpcStatus(seq.status());
  ctx_->AwaitIndexed(*seq);
  *response = std::move(listings[0]);
  return grpc::Status::OK;
}

absl::Status PatentServiceImpl::FlushImport(
    const Caller& caller, std::vector<v1::PatentListing>* batch,
    std::vector<int>* result_index, v1::ImportPatentsResponse* response,
    uint64_t* last_seq) {
  if (batch->empty()) return absl::OkStatus();
  std::vector<bool> existed;
  absl::StatusOr<uint64_t> seq;
  {
    absl::MutexLock lock(&ctx_->store->writer_mutex());
    seq = WriteLocked(caller, "PatentService.ImportPatents", batch,
                      WriteMode::kUpsert, &existed);
  }
  if (!seq.ok()) return seq.status();
  *last_seq = *seq;
  for (size_t i = 0; i < batch->size(); ++i) {
    auto* result = response->mutable_results((*result_index)[i]);
    result->set_outcome(existed[i] ? v1::ImportRecordResult::UPDATED
                                   : v1::ImportRecordResult::CREATED);
    if (existed[i]) {
      response->set_updated(response->updated() + 1);
    } else {
      response->set_created(response->created() + 1);
    }
  }
  batch->clear();
  result_index->clear();
  return absl::OkStatus();
}

grpc::Status PatentServiceImpl::ImportPatents(
    grpc::ServerContext* context,
    grpc::ServerReader<v1::ImportPatentRecord>* reader,
    v1::ImportPatentsResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kListingWriters, "import listings"));
  v1::ImportPatentRecord record;
  std::vector<v1::PatentListing> batch;
  std::vector<int> result_index;
  uint64_t last_seq = 0;
  while (reader->Read(&record)) {
    if (context->IsCancelled()) {
      return grpc::Status(grpc::StatusCode::CANCELLED,
                          "import cancelled by the client; records before the "
                          "cancellation that were acknowledged are kept");
    }
    response->set_received(response->received() + 1);
    auto* result = response->add_results();
    result->set_source_line(record.source_line());
    v1::PatentListing listing = std::move(*record.mutable_listing());
    std::vector<v1::FieldError> warnings;
    std::vector<v1::FieldError> errors = Prepare(caller, &listing, &warnings);
    // A member's record that would replace another organisation's listing
    // is rejected on its own, so the other records still go in (single
    // writes get PERMISSION_DENIED from WriteLocked instead).
    if (errors.empty() && caller.role() == v1::ORGANISATION_MEMBER) {
      auto stored = ctx_->store->GetPatent(listing.id());
      if (stored.ok() && !caller.IsMemberOf(stored->owner_organisation_id())) {
        v1::FieldError e;
        e.set_field("listing.id");
        e.set_message(absl::StrCat("listing '", listing.id(),
                                   "' belongs to another organisation"));
        errors.push_back(std::move(e));
      }
    }
    result->set_id(listing.id());
    for (auto& w : warnings) *result->add_warnings() = std::move(w);
    if (!errors.empty()) {
      result->set_outcome(v1::ImportRecordResult::REJECTED);
      for (auto& e : errors) *result->add_errors() = std::move(e);
      response->set_rejected(response->rejected() + 1);
      continue;
    }
    batch.push_back(std::move(listing));
    result_index.push_back(response->results_size() - 1);
    if (static_cast<int>(batch.size()) >= kImportBatch) {
      absl::Status s =
          FlushImport(caller, &batch, &result_index, response, &last_seq);
      if (!s.ok()) return ToGrpcStatus(s);
    }
  }
  absl::Status s =
      FlushImport(caller, &batch, &result_index, response, &last_seq);
  if (!s.ok()) return ToGrpcStatus(s);
  if (last_seq > 0) ctx_->AwaitIndexed(last_seq);
  return grpc::Status::OK;
}

grpc::Status PatentServiceImpl::GetPatent(grpc::ServerContext* context,
                                          const v1::GetPatentRequest* request,
                                          v1::PatentListing* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "read listings"));
  absl::Status s = FieldErrorsToStatus(ValidateId(request->id(), "id"));
  if (!s.ok()) return ToGrpcStatus(s);
  auto listing = ctx_->store->GetPatent(request->id());
  if (!listing.ok()) return ToGrpcStatus(listing.status());
  RedactListing(caller, &*listing);
  *response = std::move(*listing);
  return grpc::Status::OK;
}

grpc::Status PatentServiceImpl::SearchPatents(
    grpc::ServerContext* context, const v1::SearchPatentsRequest* request,
    v1::SearchPatentsResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "search listings"));
  absl::Status s =
      FieldErrorsToStatus(ValidateFilter(request->filter(), "filter"));
  if (!s.ok()) return ToGrpcStatus(s);
  if (request->query().size() > Limits::kDescriptionBytes) {
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "query: longer than ", Limits::kDescriptionBytes, " bytes")));
  }
  auto offset = OffsetFromToken(request->page_token());
  if (!offset.ok()) return ToGrpcStatus(offset.status());
  indexer::TextSearch search;
  search.text = request->query();
  search.offset = *offset;
  search.limit = PageSize(request->page_size(), 20, 200);
  auto result = ctx_->index->SearchPatents(search, request->filter());
  if (!result.ok()) return ToGrpcStatus(result.status());
  for (auto& hit : result->hits) {
    auto listing = ctx_->store->GetPatent(hit.id);
    if (absl::IsNotFound(listing.status())) continue;
    if (!listing.ok()) return ToGrpcStatus(listing.status());
    auto* out = response->add_hits();
    RedactListing(caller, &*listing);
    *out->mutable_listing() = std::move(*listing);
    out->set_relevance(hit.relevance);
    for (auto& term : hit.matched_terms) out->add_matched_terms(term);
  }
  response->set_total_estimate(static_cast<int64_t>(result->total_estimate));
  const size_t next = *offset + result->hits.size();
  if (result->hits.size() == search.limit && next < result->total_estimate) {
    response->set_next_page_token(TokenFromOffset(next));
  }
  return grpc::Status::OK;
}

grpc::Status PatentServiceImpl::WithdrawPatent(
    grpc::ServerContext* context, const v1::WithdrawPatentRequest* request,
    v1::PatentListing* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kListingWriters, "withdraw listings"));
  std::vector<v1::FieldError> errors = ValidateId(request->id(), "id");
  if (!v1::WithdrawalReason_IsValid(request->reason()) ||
      request->reason() == v1::WITHDRAWAL_REASON_UNSPECIFIED) {
    v1::FieldError e;
    e.set_field("reason");
    e.set_message(
        "is required: PATENT_LAPSED, OPEN_LICENCE_WITHDRAWN, HOLDER_REQUEST "
        "or DEAL_COMPLETED");
    errors.push_back(std::move(e));
  }
  if (request->note().size() > Limits::kNameBytes) {
    v1::FieldError e;
    e.set_field("note");
    e.set_message("too long");
    errors.push_back(std::move(e));
  }
  absl::Status s = FieldErrorsToStatus(errors);
  if (!s.ok()) return ToGrpcStatus(s);

  absl::StatusOr<uint64_t> seq;
  v1::PatentListing listing;
  {
    absl::MutexLock lock(&ctx_->store->writer_mutex());
    auto stored = ctx_->store->GetPatent(request->id());
    if (!stored.ok()) return ToGrpcStatus(stored.status());
    listing = std::move(*stored);
    if (caller.role() == v1::ORGANISATION_MEMBER &&
        !caller.IsMemberOf(listing.owner_organisation_id())) {
      return ToGrpcStatus(absl::PermissionDeniedError(absl::StrCat(
          "listing '", listing.id(), "' belongs to another organisation")));
    }
    listing.set_status(v1::LISTING_WITHDRAWN);
    listing.set_withdrawal_reason(request->reason());
    listing.set_withdrawal_note(request->note());
    if (request->reason() == v1::PATENT_LAPSED) {
      listing.set_legal_status(v1::LAPSED);
    }
    if (request->reason() == v1::OPEN_LICENCE_WITHDRAWN) {
      // The open licence is gone; other deal modes may remain on offer, but
      // the listing is withdrawn until the holder relists it.
      auto* modes = listing.mutable_deal_modes();
      modes->erase(std::remove(modes->begin(), modes->end(), v1::LICENCE_OPEN),
                   modes->end());
      listing.clear_open_licence();
    }
    listing.set_updated_unix(NowUnix());
    storage::WriteSet writes(caller.Audit("PatentService.WithdrawPatent"));
    writes.Put(EntityKind::kPatent, listing.id(), listing);
    seq = ctx_->store->Commit(writes);
  }
  if (!seq.ok()) return ToGrpcStatus(seq.status());
  ctx_->AwaitIndexed(*seq);
  *response = std::move(listing);
  return grpc::Status::OK;
}

}  // namespace patentmatch
