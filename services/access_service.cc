// Account and token handlers; see access_service.h.
#include "services/access_service.h"

#include "services/grpc_status.h"
#include "services/paging.h"

namespace patentmatch {

grpc::Status AccessServiceImpl::IssueToken(grpc::ServerContext* context,
                                           const v1::IssueTokenRequest* request,
                                           v1::IssueTokenResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAdminOnly, "issue tokens"));
  ASSIGN_OR_RETURN_GRPC(*response, ctx_->access->Issue(caller, *request));
  return grpc::Status::OK;
}

grpc::Status AccessServiceImpl::RevokeToken(
    grpc::ServerContext* context, const v1::RevokeTokenRequest* request,
    v1::Account* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAdminOnly, "revoke tokens"));
  ASSIGN_OR_RETURN_GRPC(*response,
                        ctx_->access->Revoke(caller, request->account_id()));
  return grpc::Status::OK;
}

grpc::Status AccessServiceImpl::ListAccounts(
    grpc::ServerContext* context, const v1::ListAccountsRequest* request,
    v1::ListAccountsResponse* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAdminOnly, "list accounts"));
  const int page_size = PageSize(request->page_size(), 50, 1000);
  std::string last;
  absl::Status s = ctx_->store->ScanAccounts(
      request->page_token(), [&](const v1::Account& account) {
        if (account.revoked() && !request->include_revoked()) return true;
        if (response->accounts_size() == page_size) {
          response->set_next_page_token(last);
          return false;
        }
        *response->add_accounts() = PublicAccount(account);
        last = account.id();
        return true;
      });
  return ToGrpcStatus(s);
}

grpc::Status AccessServiceImpl::WhoAmI(grpc::ServerContext* context,
                                       const v1::WhoAmIRequest*,
                                       v1::Account* response) {
  ASSIGN_OR_RETURN_GRPC(
      const Caller caller,
      ctx_->access->Authorize(*context, kAnyRole, "ask who they are"));
  *response = PublicAccount(caller.account());
  return grpc::Status::OK;
}

}  // namespace patentmatch
