// gRPC handlers for accounts and tokens: administrators issue, list and
// revoke; anyone may ask who their token belongs to. The rules themselves
// live in access_control.h.
#ifndef PATENTMATCH_SERVICES_ACCESS_SERVICE_H_
#define PATENTMATCH_SERVICES_ACCESS_SERVICE_H_

#include "patentmatch/v1/access.grpc.pb.h"
#include "services/service_context.h"

namespace patentmatch {

class AccessServiceImpl final : public v1::AccessService::Service {
 public:
  explicit AccessServiceImpl(const ServiceContext* ctx) : ctx_(ctx) {}

  grpc::Status IssueToken(grpc::ServerContext*, const v1::IssueTokenRequest*,
                          v1::IssueTokenResponse*) override;
  grpc::Status RevokeToken(grpc::ServerContext*, const v1::RevokeTokenRequest*,
                           v1::Account*) override;
  grpc::Status ListAccounts(grpc::ServerContext*,
                            const v1::ListAccountsRequest*,
                            v1::ListAccountsResponse*) override;
  grpc::Status WhoAmI(grpc::ServerContext*, const v1::WhoAmIRequest*,
                      v1::Account*) override;

 private:
  const ServiceContext* ctx_;
};

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_ACCESS_SERVICE_H_
