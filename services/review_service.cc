// Review workflow handlers; see review_service.h.
#include "services/review_service.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "matcher/ranking.h"
#include "matcher/weight_learner.h"
#include "services/grpc_status.h"
#include "services/paging.h"
#include "services/push_worker.h"
#include "services/review_workflow.h"
#include "services/suggestion_writes.h"
#include "services/validation.h"

namespace patentmatch {

using storage::EntityKind;

namespace {

// A suggestion not found under an id that is not NEED:PATENT: say what
// the ids look like.
absl::Status WithIdHint(const absl::Status& s, absl::string_view id) {
  if (!absl::IsNotFound(s) || absl::StrContains(id, ':')) return s;
  return absl::NotFoundError(
      absl::StrCat(s.message(),
                   " (suggestion ids are NEED_ID:PATENT_ID, e.g. "
                   "D000000014:CN215771260U)"));
}

bool ApprovedOrLater(v1::SuggestionState state) {
  switch (state) {
    case v1::APPROVED:
    case v1::CONTACTED:
    case v1::NEGOTIATING:
    case v1::DEAL_SIGNED:
    case v1::NO_DEAL:
      return true;
    default:
      return false;
  }
}

// Whether `caller` may see `s` at all (see review_service.h).
bool MaySee(const Caller& caller, const v1::Suggestion& s) {
  if (caller.is_staff()) return caller.Covers(s.industry(), s.district());
  return ApprovedOrLater(s.state()) &&
         (caller.IsMemberOf(s.company_organisation_id()) ||
          caller.IsMemberOf(s.holder_organisation_id()));
}

absl::Status NotVisible(const Caller& caller, const v1::Suggestion& s) {
  if (caller.is_commissioner()) {
    return absl::PermissionDeniedError(
        absl::StrCat("suggestion ", s.id(), " is outside the scope of account ",
                     caller.id()));
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "suggestion ", s.id(),
      " is not visible to this organisation (organisations see suggestions "
      "for their own needs and patents once a commissioner approved them)"));
}

void RedactAskingPrice(v1::Suggestion* s) {
  double score = s->score();
  RedactAskingPriceInExplanation(s->mutable_explanation(), &score);
  s->set_score(score);
}

// Adds the read-only view fields for `caller`.
void Decorate(const ServiceContext& ctx, const Caller& caller, int64_t now,
              v1::Suggestion* s) {
  s->set_waiting_seconds(std::max<int64_t>(0, now - s->state_changed_unix()));
  auto demand = ctx.store->GetDemand(s->demand_id());
  if (absl::StartsWith(s->demand_id(), "pool:")) {
    // Pushed to an incubation-pool company by its profile (push_worker.h).
    s->set_demand_title(
        absl::StrCat("培育库 incubation-pool profile: ", s->industry()));
  }
  if (demand.ok()) {
    s->set_demand_title(demand->title());
    if (caller.IsMemberOf(demand->organisation_id()) ||
        caller.CoversDemand(*demand)) {
      *s->mutable_company_contact() = demand->contact();
    }
  }
  auto patent = ctx.store->GetPatent(s->patent_id());
  if (patent.ok()) s->set_patent_title(matcher::ListingHeadline(*patent));
  if (!caller.is_staff() &&
      !caller.IsMemberOf(patent.ok() ? patent->owner_organisation_id()
                                     : s->holder_organisation_id())) {
    RedactAskingPrice(s);
  }
  auto company = ctx.store->GetOrganisation(s->company_organisation_id());
  if (company.ok()) s->set_company_name(company->name());
  if (!caller.is_staff() && !caller.IsMemberOf(s->company_organisation_id())) {
    // The holder learns who is interested, not the reviewers' notes.
    s->clear_rejection_note();
    s->clear_company_feedback_note();
    s->clear_history();
  }
}

absl::Status CheckTopK(int top_k) {
  if (top_k < 0 || top_k > MatchEngine::kMaxTopK) {
    return absl::InvalidArgumentError(absl::StrCat(
        "top_k: must be between 1 and ", MatchEngine::kMaxTopK,
        " (0 means the default, ", ReviewServiceImpl::kDefaultTopK, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::RankingWeightsState> LoadRankingWeights(
    const storage::Store& store) {
  v1::RankingWeightsState state;
  absl::Status s =
      store.Get(EntityKind::kSetting, storage::kSettingRankingWeights, &state);
  if (absl::IsNotFound(s)) return matcher::DefaultWeightsState();
  if (!s.ok()) return s;
  return state;
}

absl::StatusOr<v1::ProposeSuggestionsResponse> ReviewServiceImpl::Propose(
    const ServiceContext& ctx, const storage::AuditContext& audit,
    const v1::Demand& demand, int top_k, const v1::PatentFilter& filter,
    absl::string_view source) {
  if (demand.status() != v1::DEMAND_OPEN) {
    return absl::FailedPreconditionError(
        absl::StrCat("demand '", demand.id(), "' is closed"));
  }
  auto ranked =
      ctx.engine->SuggestPatents(matcher::NeedQueryFromDemand(demand), filter,
                                 top_k > 0 ? top_k : kDefaultTopK);
  if (!ranked.ok()) return ranked.status();
  v1::ProposeSuggestionsResponse response;
  const int64_t now = NowUnix();
  absl::MutexLock lock(&ctx.store->writer_mutex());
  storage::WriteSet writes(audit);
  for (const auto& match : ranked->matches()) {
    const std::string id = SuggestionId(demand.id(), match.patent().id());
    if (ctx.store->Exists(EntityKind::kSuggestion, id)) {
      response.set_already_suggested(response.already_suggested() + 1);
      continue;
    }
    v1::Suggestion s = NewSuggestion(demand, match.patent(), match.score(),
                                     match.explanation(), source, audit, now);
    PutSuggestion(v1::SUGGESTION_STATE_UNSPECIFIED, s, &writes);
    *response.add_created() = std::move(s);
  }
  if (!writes.empty()) {
    auto committed = ctx.store->Commit(writes);
    if (!committed.ok()) return committed.status();
  }
  return response;
}

grpc::Status ReviewServiceImpl::ProposeSuggestions(
    grpc::ServerContext* context, const v1::ProposeSuggestionsRequest* request,
    v1::ProposeSuggestionsResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kStaff, "propose suggestions"));
  auto errors = ValidateId(request->demand_id(), "demand_id");
  auto filter_errors = ValidateFilter(request->filter(), "filter");
  errors.insert(errors.end(), filter_errors.begin(), filter_errors.end());
  absl::Status s = FieldErrorsToStatus(errors);
  if (s.ok()) s = CheckTopK(request->top_k());
  if (!s.ok()) return ToGrpcStatus(s);
  auto demand = ctx_->store->GetDemand(request->demand_id());
  if (!demand.ok()) return ToGrpcStatus(demand.status());
  if (!caller.CoversDemand(*demand)) {
    return ToGrpcStatus(absl::PermissionDeniedError(
        absl::StrCat("need '", demand->id(),
                     "' is outside the scope of account ", caller.id())));
  }
  ASSIGN_OR_RETURN_GRPC(
      *response,
      Propose(*ctx_, caller.Audit("ReviewService.ProposeSuggestions"), *demand,
              request->top_k(), request->filter(), "commissioner"));
  const int64_t now = NowUnix();
  for (auto& created : *response->mutable_created()) {
    Decorate(*ctx_, caller, now, &created);
  }
  return grpc::Status::OK;
}

grpc::Status ReviewServiceImpl::ListSuggestions(
    grpc::ServerContext* context, const v1::ListSuggestionsRequest* request,
    v1::ListSuggestionsResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "list suggestions"));
  std::vector<v1::FieldError> errors;
  for (int i = 0; i < request->states_size(); ++i) {
    const v1::SuggestionState state = request->states(i);
    if (!v1::SuggestionState_IsValid(state) ||
        state == v1::SUGGESTION_STATE_UNSPECIFIED) {
      v1::FieldError e;
      e.set_field(absl::StrCat("states[", i, "]"));
      e.set_message("unknown state");
      errors.push_back(std::move(e));
    } else if (!caller.is_staff() && !ApprovedOrLater(state)) {
      return ToGrpcStatus(absl::PermissionDeniedError(
          absl::StrCat("organisations see suggestions once approved; '",
                       StateName(state), "' ones are for commissioners")));
    }
  }
  if (!v1::District_IsValid(request->district())) {
    v1::FieldError e;
    e.set_field("district");
    e.set_message("unknown district");
    errors.push_back(std::move(e));
  }
  for (const auto& [id, field] :
       {std::pair{request->demand_id(), "demand_id"},
        std::pair{request->patent_id(), "patent_id"}}) {
    if (id.empty()) continue;
    auto bad = ValidateId(id, field);
    errors.insert(errors.end(), bad.begin(), bad.end());
  }
  absl::Status s = FieldErrorsToStatus(errors);
  if (!s.ok()) return ToGrpcStatus(s);
  auto offset = OffsetFromToken(request->page_token());
  if (!offset.ok()) return ToGrpcStatus(offset.status());

  std::vector<v1::SuggestionState> states;
  for (int state : request->states()) {
    states.push_back(static_cast<v1::SuggestionState>(state));
  }
  if (states.empty()) {
    if (caller.is_staff()) {
      states = {v1::SUGGESTED, v1::IN_REVIEW};
    } else {
      states = {v1::APPROVED, v1::CONTACTED, v1::NEGOTIATING, v1::DEAL_SIGNED,
                v1::NO_DEAL};
    }
  }
  // The queue is a scan: suggestions number in the thousands, and the order
  // (score, then age) is not the key order.
  std::vector<v1::Suggestion> matching;
  s = ctx_->store->ScanSuggestions("", [&](const v1::Suggestion& sg) {
    if (std::find(states.begin(), states.end(), sg.state()) == states.end()) {
      return true;
    }
    if (!MaySee(caller, sg)) return true;
    if (!request->industry().empty() &&
        !absl::EqualsIgnoreCase(sg.industry(), request->industry())) {
      return true;
    }
    if (request->district() != v1::DISTRICT_UNSPECIFIED &&
        sg.district() != request->district()) {
      return true;
    }
    if (!request->demand_id().empty() &&
        sg.demand_id() != request->demand_id()) {
      return true;
    }
    if (!request->patent_id().empty() &&
        sg.patent_id() != request->patent_id()) {
      return true;
    }
    if (request->claimed_by_me() && sg.claimed_by() != caller.id()) return true;
    // 0 (unset) is no minimum: side features can push a weak text match
    // below zero, and such a suggestion must still reach the queue.
    if (request->min_score() != 0 && sg.score() < request->min_score()) {
      return true;
    }
    matching.push_back(sg);
    return true;
  });
  if (!s.ok()) return ToGrpcStatus(s);
  std::sort(matching.begin(), matching.end(),
            [](const v1::Suggestion& a, const v1::Suggestion& b) {
              if (a.score() != b.score()) return a.score() > b.score();
              if (a.created_unix() != b.created_unix()) {
                return a.created_unix() < b.created_unix();
              }
              return a.id() < b.id();
            });
  const size_t page_size =
      static_cast<size_t>(PageSize(request->page_size(), 50, 500));
  response->set_total(static_cast<int32_t>(matching.size()));
  const int64_t now = NowUnix();
  for (size_t i = *offset; i < matching.size() && i < *offset + page_size;
       ++i) {
    v1::Suggestion* out = response->add_suggestions();
    *out = std::move(matching[i]);
    Decorate(*ctx_, caller, now, out);
  }
  if (*offset + page_size < matching.size()) {
    response->set_next_page_token(TokenFromOffset(*offset + page_size));
  }
  return grpc::Status::OK;
}

grpc::Status ReviewServiceImpl::GetSuggestion(
    grpc::ServerContext* context, const v1::GetSuggestionRequest* request,
    v1::Suggestion* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "read suggestions"));
  absl::Status s = FieldErrorsToStatus(ValidateId(request->id(), "id"));
  if (!s.ok()) return ToGrpcStatus(s);
  v1::Suggestion suggestion;
  s = ctx_->store->Get(EntityKind::kSuggestion, request->id(), &suggestion);
  if (!s.ok()) return ToGrpcStatus(WithIdHint(s, request->id()));
  if (!MaySee(caller, suggestion)) {
    return ToGrpcStatus(NotVisible(caller, suggestion));
  }
  Decorate(*ctx_, caller, NowUnix(), &suggestion);
  *response = std::move(suggestion);
  return grpc::Status::OK;
}

grpc::Status ReviewServiceImpl::AdvanceSuggestion(
    grpc::ServerContext* context, const v1::AdvanceSuggestionRequest* request,
    v1::Suggestion* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "act on suggestions"));
  absl::Status s = FieldErrorsToStatus(
      ValidateId(request->suggestion_id(), "suggestion_id"));
  if (!s.ok()) return ToGrpcStatus(s);
  v1::Suggestion suggestion;
  std::optional<v1::RankingWeightsState> learned;
  {
    // One writer at a time: of two commissioners claiming the same
    // suggestion, the second sees it in review and is refused.
    absl::MutexLock lock(&ctx_->store->writer_mutex());
    s = ctx_->store->Get(EntityKind::kSuggestion, request->suggestion_id(),
                         &suggestion);
    if (!s.ok()) {
      return ToGrpcStatus(WithIdHint(s, request->suggestion_id()));
    }
    if (!caller.is_staff() && !MaySee(caller, suggestion)) {
      return ToGrpcStatus(NotVisible(caller, suggestion));
    }
    ReviewActor actor;
    actor.account_id = caller.id();
    actor.role = caller.role();
    actor.commissioner_in_scope =
        caller.is_commissioner() &&
        caller.Covers(suggestion.industry(), suggestion.district());
    actor.company_member =
        caller.IsMemberOf(suggestion.company_organisation_id());
    actor.holder_member =
        caller.IsMemberOf(suggestion.holder_organisation_id());
    const int64_t now = NowUnix();
    const v1::SuggestionState before = suggestion.state();
    ASSIGN_OR_RETURN_GRPC(const ReviewOutcome outcome,
                          ApplyReviewAction(*request, actor, now, &suggestion));
    storage::WriteSet writes(caller.Audit(
        absl::StrCat("ReviewService.AdvanceSuggestion/", outcome.action)));
    PutSuggestion(before, suggestion, &writes);
    if (outcome.is_decision) {
      // The decision and what the ranking learned from it land together.
      ASSIGN_OR_RETURN_GRPC(v1::RankingWeightsState state,
                            LoadRankingWeights(*ctx_->store));
      if (matcher::LearnFromDecision(suggestion.explanation(), outcome.approved,
                                     outcome.rejection_reason, now, &state)) {
        writes.Put(EntityKind::kSetting, storage::kSettingRankingWeights,
                   state);
        learned = std::move(state);
      }
    }
    auto committed = ctx_->store->Commit(writes);
    if (!committed.ok()) return ToGrpcStatus(committed.status());
    if (learned) ctx_->engine->set_weights(matcher::WeightsFromState(*learned));
  }
  Decorate(*ctx_, caller, NowUnix(), &suggestion);
  *response = std::move(suggestion);
  return grpc::Status::OK;
}

grpc::Status ReviewServiceImpl::GetRankingWeights(
    grpc::ServerContext* context, const v1::GetRankingWeightsRequest*,
    v1::RankingWeightsState* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kStaff, "read the ranking weights"));
  ASSIGN_OR_RETURN_GRPC(*response, LoadRankingWeights(*ctx_->store));
  return grpc::Status::OK;
}

grpc::Status ReviewServiceImpl::ResetRankingWeights(
    grpc::ServerContext* context, const v1::ResetRankingWeightsRequest*,
    v1::RankingWeightsState* response) {
  ASSIGN_OR_RETURN_GRPC(const Caller caller,
                        ctx_->access->Authorize(*context, kAdminOnly,
                                                "reset the ranking weights"));
  v1::RankingWeightsState state = matcher::DefaultWeightsState();
  state.set_updated_unix(NowUnix());
  {
    absl::MutexLock lock(&ctx_->store->writer_mutex());
    storage::WriteSet writes(caller.Audit("ReviewService.ResetRankingWeights"));
    writes.Put(EntityKind::kSetting, storage::kSettingRankingWeights, state);
    auto committed = ctx_->store->Commit(writes);
    if (!committed.ok()) return ToGrpcStatus(committed.status());
    ctx_->engine->set_weights(matcher::WeightsFromState(state));
  }
  *response = std::move(state);
  return grpc::Status::OK;
}

}  // namespace patentmatch

namespace patentmatch {

grpc::Status ReviewServiceImpl::GetPushStatus(
    grpc::ServerContext* context, const v1::GetPushStatusRequest* request,
    v1::PushStatus* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kStaff, "read the push status"));
  if (request->wait_seconds() < 0 || request->wait_seconds() > 600) {
    return ToGrpcStatus(
        absl::InvalidArgumentError("wait_seconds: must be between 0 and 600"));
  }
  const uint64_t last = ctx_->store->last_change_seq();
  if (request->wait_seconds() > 0) {
    absl::Status s =
        ctx_->push->WaitFor(last, absl::Seconds(request->wait_seconds()));
    if (!s.ok()) return ToGrpcStatus(s);
  }
  const PushLimits& limits = ctx_->push->limits();
  const PushStats stats = ctx_->push->stats();
  response->set_enabled(limits.enabled);
  response->set_max_companies_per_patent(limits.max_companies_per_patent);
  response->set_max_per_company(limits.max_per_company);
  response->set_period_seconds(absl::ToInt64Seconds(limits.period));
  response->set_top_k(limits.top_k);
  response->set_last_change(ctx_->store->last_change_seq());
  response->set_handled_change(ctx_->push->handled());
  response->set_suggested(stats.suggested);
  response->set_superseded(stats.superseded);
  response->set_dropped_by_patent_limit(stats.dropped_patent_limit);
  response->set_dropped_by_company_limit(stats.dropped_company_limit);
  return grpc::Status::OK;
}

grpc::Status ReviewServiceImpl::WatchSuggestions(
    grpc::ServerContext* context, const v1::WatchSuggestionsRequest* request,
    grpc::ServerWriter<v1::SuggestionNotice>* writer) {
  ASSIGN_OR_RETURN_GRPC(
      Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "watch suggestions"));
  if (request->max_notices() < 0) {
    return ToGrpcStatus(
        absl::InvalidArgumentError("max_notices: must not be negative"));
  }
  // Staff watch new suggestions in their scope; organisations the moment
  // one of theirs is approved (before that they may not see it).
  const v1::NoticeKind wanted =
      caller.is_staff() ? v1::SUGGESTION_CREATED : v1::SUGGESTION_APPROVED;
  // A position no notice has had yet is a mistake (a position from another
  // server, or mistyped): resuming there would skip every notice up to it.
  if (request->after_position() > ctx_->store->last_notice_seq()) {
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "after_position: ", request->after_position(),
        " is beyond the last notice (", ctx_->store->last_notice_seq(),
        "); resume from the position of the last notice received, or 0")));
  }
  uint64_t position = request->after_position();
  int sent = 0;
  std::vector<v1::SuggestionNotice> batch;
  while (!context->IsCancelled() && !ctx_->stopping.load()) {
    // The token again on every round (an in-memory lookup): a watch opened
    // before its token was revoked ends within the round, and sends
    // nothing after the revocation.
    auto still =
        ctx_->access->Authorize(*context, kAnyRole, "watch suggestions");
    if (!still.ok()) return ToGrpcStatus(still.status());
    caller = std::move(*still);
    batch.clear();
    absl::Status s = ctx_->store->ReadNotices(position, 256, &batch);
    if (!s.ok()) return ToGrpcStatus(s);
    for (v1::SuggestionNotice& notice : batch) {
      position = notice.position();
      if (notice.kind() != wanted || !MaySee(caller, notice.suggestion())) {
        continue;
      }
      Decorate(*ctx_, caller, NowUnix(), notice.mutable_suggestion());
      if (!writer->Write(notice)) return grpc::Status::OK;  // client left
      if (request->max_notices() > 0 && ++sent >= request->max_notices()) {
        return grpc::Status::OK;
      }
    }
    if (!batch.empty()) continue;
    if (request->backlog_only()) return grpc::Status::OK;
    ctx_->store->AwaitNotice(position, absl::Milliseconds(500));
  }
  return grpc::Status::OK;
}

}  // namespace patentmatch
