// A gRPC channel whose every call carries "authorization: Bearer <token>",
// for programs that talk to patentmatchd with generated stubs (integration
// tests, benchmarks). Call credentials would need TLS; an interceptor works
// on plaintext loopback too. The CLI adds the header per call instead.
#ifndef PATENTMATCH_CLIENTS_BEARER_CHANNEL_H_
#define PATENTMATCH_CLIENTS_BEARER_CHANNEL_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_interceptor.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace patentmatch {

// Adds "authorization: Bearer <token>" to every call on a channel, as a
// real client does (call credentials need TLS; this works on plaintext too).
class BearerInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(std::string token) : token_(std::move(token)) {}
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::
                PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert(
          {"authorization", "Bearer " + token_});
    }
    methods->Proceed();
  }

 private:
  std::string token_;
};

class BearerInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerInterceptorFactory(std::string token)
      : token_(std::move(token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new BearerInterceptor(token_);
  }

 private:
  std::string token_;
};

// A channel to `target` whose calls carry `token` (none if empty).
inline std::shared_ptr<grpc::Channel> ChannelWithToken(
    const std::string& target, const std::string& token,
    std::shared_ptr<grpc::ChannelCredentials> credentials =
        grpc::InsecureChannelCredentials()) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(64 << 20);
  args.SetMaxReceiveMessageSize(64 << 20);
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  if (!token.empty()) {
    interceptors.push_back(std::make_unique<BearerInterceptorFactory>(token));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      target, credentials, args, std::move(interceptors));
}

}  // namespace patentmatch

#endif  // PATENTMATCH_CLIENTS_BEARER_CHANNEL_H_
