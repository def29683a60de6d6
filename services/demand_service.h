// gRPC handlers for technology needs (demand): submit, update, get, list,
// close.
#ifndef PATENTMATCH_SERVICES_DEMAND_SERVICE_H_
#define PATENTMATCH_SERVICES_DEMAND_SERVICE_H_

#include "patentmatch/v1/patentmatch.grpc.pb.h"
#include "services/service_context.h"

namespace patentmatch {

class DemandServiceImpl final : public v1::DemandService::Service {
 public:
  explicit DemandServiceImpl(const ServiceContext* ctx) : ctx_(ctx) {}

  grpc::Status SubmitDemand(grpc::ServerContext*,
                            const v1::SubmitDemandRequest*,
                            v1::Demand*) override;
  grpc::Status UpdateDemand(grpc::ServerContext*,
                            const v1::UpdateDemandRequest*,
                            v1::Demand*) override;
  grpc::Status GetDemand(grpc::ServerContext*, const v1::GetDemandRequest*,
                         v1::Demand*) override;
  grpc::Status ListDemands(grpc::ServerContext*, const v1::ListDemandsRequest*,
                           v1::ListDemandsResponse*) override;
  grpc::Status CloseDemand(grpc::ServerContext*, const v1::CloseDemandRequest*,
                           v1::Demand*) override;

 private:
  const ServiceContext* ctx_;
};

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_DEMAND_SERVICE_H_
