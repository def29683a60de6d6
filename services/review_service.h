// gRPC handlers for the commissioners' review workflow: proposing
// suggestions into the queue, listing them by role, advancing them through
// their life (review_workflow.h has the rules), and the ranking weights the
// decisions teach (matcher/weight_learner.h).
//
// Who sees a suggestion: administrators all; commissioners those whose need
// their scope covers; organisation members those of their own needs or own
// patents once a commissioner approved them. A company's contact details go
// only to the company itself, administrators and covering commissioners.
#ifndef PATENTMATCH_SERVICES_REVIEW_SERVICE_H_
#define PATENTMATCH_SERVICES_REVIEW_SERVICE_H_

#include <string>

#include "patentmatch/v1/review.grpc.pb.h"
#include "services/service_context.h"

namespace patentmatch {

class ReviewServiceImpl final : public v1::ReviewService::Service {
 public:
  static constexpr int kDefaultTopK = 10;

  explicit ReviewServiceImpl(const ServiceContext* ctx) : ctx_(ctx) {}

  grpc::Status ProposeSuggestions(grpc::ServerContext*,
                                  const v1::ProposeSuggestionsRequest*,
                                  v1::ProposeSuggestionsResponse*) override;
  grpc::Status ListSuggestions(grpc::ServerContext*,
                               const v1::ListSuggestionsRequest*,
                               v1::ListSuggestionsResponse*) override;
  grpc::Status GetSuggestion(grpc::ServerContext*,
                             const v1::GetSuggestionRequest*,
                             v1::Suggestion*) override;
  grpc::Status AdvanceSuggestion(grpc::ServerContext*,
                                 const v1::AdvanceSuggestionRequest*,
                                 v1::Suggestion*) override;
  grpc::Status GetRankingWeights(grpc::ServerContext*,
                                 const v1::GetRankingWeightsRequest*,
                                 v1::RankingWeightsState*) override;
  grpc::Status ResetRankingWeights(grpc::ServerContext*,
                                   const v1::ResetRankingWeightsRequest*,
                                   v1::RankingWeightsState*) override;
  grpc::Status GetPushStatus(grpc::ServerContext*,
                             const v1::GetPushStatusRequest*,
                             v1::PushStatus*) override;
  // Replays the notices feed after the requested position, then waits for
  // new ones; each notice is sent only if the caller may see it.
  grpc::Status WatchSuggestions(
      grpc::ServerContext*, const v1::WatchSuggestionsRequest*,
      grpc::ServerWriter<v1::SuggestionNotice>*) override;

  // Ranks patents for `demand` and enters the best pairs not yet suggested
  // into the queue, as `source` ("commissioner", "push"), in one write.
  static absl::StatusOr<v1::ProposeSuggestionsResponse> Propose(
      const ServiceContext& ctx, const storage::AuditContext& audit,
      const v1::Demand& demand, int top_k, const v1::PatentFilter& filter,
      absl::string_view source);

 private:
  const ServiceContext* ctx_;
};

// The learned weights as stored (defaults if none were ever stored).
absl::StatusOr<v1::RankingWeightsState> LoadRankingWeights(
    const storage::Store& store);

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_REVIEW_SERVICE_H_
