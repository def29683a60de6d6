// gRPC handlers for matching: suggestions for a stored need or free text,
// and reverse matching (which open needs a patent fits).
#ifndef PATENTMATCH_SERVICES_MATCH_SERVICE_H_
#define PATENTMATCH_SERVICES_MATCH_SERVICE_H_

#include "patentmatch/v1/patentmatch.grpc.pb.h"
#include "services/service_context.h"

namespace patentmatch {

class MatchServiceImpl final : public v1::MatchService::Service {
 public:
  explicit MatchServiceImpl(const ServiceContext* ctx) : ctx_(ctx) {}

  grpc::Status SuggestForDemand(grpc::ServerContext*,
                                const v1::SuggestForDemandRequest*,
                                v1::SuggestResponse*) override;
  grpc::Status SuggestForText(grpc::ServerContext*,
                              const v1::SuggestForTextRequest*,
                              v1::SuggestResponse*) override;
  grpc::Status MatchDemandsForPatent(
      grpc::ServerContext*, const v1::MatchDemandsForPatentRequest*,
      v1::MatchDemandsForPatentResponse*) override;

 private:
  grpc::Status Suggest(v1::NeedQuery need, const v1::PatentFilter& filter,
                       int top_k, v1::SuggestResponse* response);
  const ServiceContext* ctx_;
};

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_MATCH_SERVICE_H_
