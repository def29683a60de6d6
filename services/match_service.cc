// Matching handlers; see match_service.h.
#include "services/match_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "matcher/ranking.h"
#include "services/grpc_status.h"
#include "services/validation.h"

namespace patentmatch {
namespace {

absl::Status CheckTopK(int top_k) {
  if (top_k < 0 || top_k > MatchEngine::kMaxTopK) {
    return absl::InvalidArgumentError(absl::StrCat(
        "top_k: must be between 1 and ", MatchEngine::kMaxTopK,
        " (0 means the default, ", MatchEngine::kDefaultTopK, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

grpc::Status MatchServiceImpl::Suggest(v1::NeedQuery need,
                                       const v1::PatentFilter& filter,
                                       int top_k,
                                       v1::SuggestResponse* response) {
  auto errors = ValidateNeedQuery(&need, "need");
  auto filter_errors = ValidateFilter(filter, "filter");
  errors.insert(errors.end(), filter_errors.begin(), filter_errors.end());
  absl::Status s = FieldErrorsToStatus(errors);
  if (s.ok()) s = CheckTopK(top_k);
  if (!s.ok()) return ToGrpcStatus(s);
  auto result = ctx_->engine->SuggestPatents(need, filter, top_k);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status MatchServiceImpl::SuggestForDemand(
    grpc::ServerContext* context, const v1::SuggestForDemandRequest* request,
    v1::SuggestResponse* response) {
  // Raw suggestions go to staff; companies see them once approved
  // (ReviewService).
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kStaff, "rank patents for needs"));
  absl::Status s =
      FieldErrorsToStatus(ValidateId(request->demand_id(), "demand_id"));
  if (!s.ok()) return ToGrpcStatus(s);
  auto demand = ctx_->store->GetDemand(request->demand_id());
  if (!demand.ok()) return ToGrpcStatus(demand.status());
  if (demand->status() != v1::DEMAND_OPEN) {
    return ToGrpcStatus(absl::FailedPreconditionError(
        absl::StrCat("demand '", demand->id(), "' is closed (",
                     demand->close_reason(), ")")));
  }
  return Suggest(matcher::NeedQueryFromDemand(*demand), request->filter(),
                 request->top_k(), response);
}

grpc::Status MatchServiceImpl::SuggestForText(
    grpc::ServerContext* context, const v1::SuggestForTextRequest* request,
    v1::SuggestResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kStaff, "rank patents for needs"));
  return Suggest(request->need(), request->filter(), request->top_k(),
                 response);
}

grpc::Status MatchServiceImpl::MatchDemandsForPatent(
    grpc::ServerContext* context,
    const v1::MatchDemandsForPatentRequest* request,
    v1::MatchDemandsForPatentResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kStaff, "match needs to patents"));
  absl::Status s =
      FieldErrorsToStatus(ValidateId(request->patent_id(), "patent_id"));
  if (s.ok()) s = CheckTopK(request->top_k());
  if (!s.ok()) return ToGrpcStatus(s);
  auto patent = ctx_->store->GetPatent(request->patent_id());
  if (!patent.ok()) return ToGrpcStatus(patent.status());
  if (!matcher::IsSuggestable(*patent)) {
    return ToGrpcStatus(absl::FailedPreconditionError(
        absl::StrCat("patent '", patent->id(), "' is ",
                     patent->status() == v1::LISTING_WITHDRAWN
                         ? "withdrawn"
                         : absl::AsciiStrToLower(
                               v1::LegalStatus_Name(patent->legal_status())),
                     ": it is not matched to needs")));
  }
  auto result = ctx_->engine->MatchDemands(*patent, request->top_k());
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace patentmatch
