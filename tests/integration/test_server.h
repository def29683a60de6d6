// Test fixture helpers for integration tests: a real PatentMatchServer on
// 127.0.0.1:0 in a fresh temporary data directory, restartable in place, and
// gRPC stubs connected to it. The stubs carry the administrator token the
// server wrote on first start; Channel(token) connects as anyone else.
#ifndef PATENTMATCH_TESTS_INTEGRATION_TEST_SERVER_H_
#define PATENTMATCH_TESTS_INTEGRATION_TEST_SERVER_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "clients/bearer_channel.h"
#include "patentmatch/v1/access.grpc.pb.h"
#include "patentmatch/v1/audit.grpc.pb.h"
#include "patentmatch/v1/patentmatch.grpc.pb.h"
#include "patentmatch/v1/review.grpc.pb.h"
#include "services/server.h"

namespace patentmatch::testing {

using ::patentmatch::ChannelWithToken;

inline std::string MakeTempDir(const std::string& tag) {
  std::string tmpl = std::filesystem::temp_directory_path().string() + "/pm-" +
                     tag + "-XXXXXX";
  char* made = mkdtemp(tmpl.data());
  EXPECT_NE(made, nullptr);
  return tmpl;
}

class TestServer {
 public:
  explicit TestServer(const std::string& tag) : dir_(MakeTempDir(tag)) {}
  ~TestServer() {
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Precise push is off unless a test turns it on: most tests propose
  // suggestions themselves and count what was created.
  void set_push(const PushLimits& push) { push_ = push; }
  // Waits until push has handled every change so far.
  void AwaitPush() {
    absl::Status s = server_->AwaitPush(absl::Seconds(60));
    ASSERT_TRUE(s.ok()) << s;
  }

  // Runs on the server between an event change worked out without the
  // writer lock and its check and commit under it.
  void set_after_unlocked_event_change(std::function<void()> hook) {
    after_unlocked_event_change_ = std::move(hook);
  }

  void Start() {
    ServerOptions options;
    options.data_dir = dir_;
    options.listen_address = "127.0.0.1:0";
    options.push = push_;
    options.after_unlocked_event_change_for_test = after_unlocked_event_change_;
    auto server = PatentMatchServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    std::ifstream token_file(server_->admin_token_file());
    std::getline(token_file, admin_token_);
    ASSERT_FALSE(admin_token_.empty()) << server_->admin_token_file();
    channel_ = Channel(admin_token_);
    patents = v1::PatentService::NewStub(channel_);
    demands = v1::DemandService::NewStub(channel_);
    organisations = v1::OrganisationService::NewStub(channel_);
    matches = v1::MatchService::NewStub(channel_);
    access = v1::AccessService::NewStub(channel_);
    reviews = v1::ReviewService::NewStub(channel_);
    audit = v1::AuditService::NewStub(channel_);
  }

  // A plaintext channel whose calls carry `token` (none if empty).
  std::shared_ptr<grpc::Channel> Channel(const std::string& token) const {
    return ChannelWithToken(server_->target(), token);
  }

  // Issues a token as the administrator; fails the test if refused.
  v1::IssueTokenResponse Issue(v1::IssueTokenRequest request) {
    v1::IssueTokenResponse response;
    auto ctx = Context();
    grpc::Status s = access->IssueToken(ctx.get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  void Stop() {
    access.reset();
    reviews.reset();
    audit.reset();
    patents.reset();
    demands.reset();
    organisations.reset();
    matches.reset();
    channel_.reset();
    if (server_) server_->Shutdown();
    server_.reset();
  }

  void Restart() {
    Stop();
    Start();
  }

  const std::string& data_dir() const { return dir_; }
  std::string target() const { return server_->target(); }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  const std::string& admin_token() const { return admin_token_; }

  // A client context with a deadline, as every real client call has.
  static std::unique_ptr<grpc::ClientContext> Context(int seconds = 30) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(seconds));
    return ctx;
  }

  std::unique_ptr<v1::PatentService::Stub> patents;
  std::unique_ptr<v1::DemandService::Stub> demands;
  std::unique_ptr<v1::OrganisationService::Stub> organisations;
  std::unique_ptr<v1::MatchService::Stub> matches;
  std::unique_ptr<v1::AccessService::Stub> access;
  std::unique_ptr<v1::ReviewService::Stub> reviews;
  std::unique_ptr<v1::AuditService::Stub> audit;

 private:
  static PushLimits NoPush() {
    PushLimits off;
    off.enabled = false;
    return off;
  }

  PushLimits push_ = NoPush();
  std::function<void()> after_unlocked_event_change_;
  std::string dir_;
  std::string admin_token_;
  std::unique_ptr<PatentMatchServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

// Calls `method` with raw request bytes, as a client without our generated
// code (or a broken one) would; returns the status and the reply bytes.
inline std::pair<grpc::Status, std::string> RawUnaryCall(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
    const std::string& request_bytes) {
  grpc::GenericStub stub(channel);
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer reply;
  auto ctx = TestServer::Context();
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(ctx.get(), method, grpc::StubOptions(), &request, &reply,
                 [&](grpc::Status s) {
                   std::lock_guard<std::mutex> lock(mu);
                   status = s;
                   done = true;
                   cv.notify_one();
                 });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done; });
  std::string bytes;
  std::vector<grpc::Slice> slices;
  if (status.ok() && reply.Dump(&slices).ok()) {
    for (const auto& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return {status, bytes};
}

}  // namespace patentmatch::testing

#endif  // PATENTMATCH_TESTS_INTEGRATION_TEST_SERVER_H_
