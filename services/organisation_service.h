// gRPC handlers for organisations (universities, institutes, companies).
#ifndef PATENTMATCH_SERVICES_ORGANISATION_SERVICE_H_
#define PATENTMATCH_SERVICES_ORGANISATION_SERVICE_H_

#include "patentmatch/v1/patentmatch.grpc.pb.h"
#include "services/service_context.h"

namespace patentmatch {

class OrganisationServiceImpl final : public v1::OrganisationService::Service {
 public:
  explicit OrganisationServiceImpl(const ServiceContext* ctx) : ctx_(ctx) {}

  grpc::Status RegisterOrganisation(grpc::ServerContext*,
                                    const v1::RegisterOrganisationRequest*,
                                    v1::Organisation*) override;
  grpc::Status GetOrganisation(grpc::ServerContext*,
                               const v1::GetOrganisationRequest*,
                               v1::Organisation*) override;
  grpc::Status ListOrganisations(grpc::ServerContext*,
                                 const v1::ListOrganisationsRequest*,
                                 v1::ListOrganisationsResponse*) override;

 private:
  const ServiceContext* ctx_;
};

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_ORGANISATION_SERVICE_H_
