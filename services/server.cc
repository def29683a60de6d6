// PatentMatchServer: assembles store, index, engine and gRPC services; see
// server.h.
#include "services/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "indexer/index_updater.h"
#include "indexer/search_index.h"
#include "matcher/weight_learner.h"
#include "services/access_control.h"
#include "services/access_service.h"
#include "services/audit_service.h"
#include "services/demand_service.h"
#include "services/event_planning.h"
#include "services/event_service.h"
#include "services/match_engine.h"
#include "services/match_service.h"
#include "services/organisation_service.h"
#include "services/patent_service.h"
#include "services/push_worker.h"
#include "services/review_service.h"
#include "services/service_context.h"
#include "storage/store.h"

namespace patentmatch {

int64_t NowUnix() { return absl::ToUnixSeconds(absl::Now()); }

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", what, " ", path));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Plaintext unless both TLS files are given.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServerOptions& options) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    return grpc::InsecureServerCredentials();
  }
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "tls_cert_file and tls_key_file: give both, or neither for plaintext");
  }
  auto cert = ReadFile(options.tls_cert_file, "TLS certificate");
  if (!cert.ok()) return cert.status();
  auto key = ReadFile(options.tls_key_file, "TLS private key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(ssl);
}

class ServerImpl final : public PatentMatchServer {
 public:
  ~ServerImpl() override { Shutdown(); }

  absl::Status Init(const ServerOptions& options) {
    std::error_code ec;
    std::filesystem::create_directories(options.data_dir, ec);
    if (ec) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create data directory ", options.data_dir, ": ",
                       ec.message()));
    }
    const std::string store_dir = options.data_dir + "/store";
    const std::string index_dir = options.data_dir + "/index";
    auto store = storage::Store::Open(store_dir);
    if (!store.ok()) return store.status();
    store_ = std::move(*store);

    auto index = indexer::SearchIndex::Open(index_dir);
    if (!index.ok()) return index.status();
    index_ = std::move(*index);
    if (index_->watermark() > store_->last_change_seq()) {
      // The index claims changes the store never made (e.g. the store was
      // restored from an older backup): rebuild it from the store.
      std::fprintf(stderr,
                   "patentmatchd: index is ahead of the store; rebuilding\n");
      index_.reset();
      std::filesystem::remove_all(index_dir, ec);
      index = indexer::SearchIndex::Open(index_dir);
      if (!index.ok()) return index.status();
      index_ = std::move(*index);
    }

    updater_ =
        std::make_unique<indexer::IndexUpdater>(store_.get(), index_.get());
    const uint64_t behind = store_->last_change_seq() - index_->watermark();
    if (behind > 0) {
      std::fprintf(
          stderr,
          "patentmatchd: bringing the index up to date (%llu changes)\n",
          static_cast<unsigned long long>(behind));
    }
    absl::Status s = updater_->CatchUp([](uint64_t done, uint64_t total) {
      if (total == 0) {
        std::fprintf(stderr, "patentmatchd: rebuilding index: %llu records\n",
                     static_cast<unsigned long long>(done));
      } else if (total >= 10000) {
        std::fprintf(stderr, "patentmatchd: indexed %llu/%llu changes\n",
                     static_cast<unsigned long long>(done),
                     static_cast<unsigned long long>(total));
      }
    });
    if (!s.ok()) return s;
    // Every commit that changed a patent or demand wakes the index updater
    // and precise push (which waits for the index, then ranks).
    store_->SetChangeListener([this](uint64_t seq) {
      updater_->Notify(seq);
      if (push_ != nullptr) push_->Notify(seq);
    });
    updater_->Start();

    engine_ = std::make_unique<MatchEngine>(store_.get(), index_.get());
    auto weights = LoadRankingWeights(*store_);
    if (!weights.ok()) return weights.status();
    engine_->set_weights(matcher::WeightsFromState(*weights));

    admin_token_file_ = options.admin_token_file.empty()
                            ? options.data_dir + "/admin.token"
                            : options.admin_token_file;
    auto access = AccessControl::Open(store_.get(), admin_token_file_,
                                      options.new_admin_token);
    if (!access.ok()) return access.status();
    access_ = std::move(*access);
    auto credentials = Credentials(options);
    if (!credentials.ok()) return credentials.status();

    context_.store = store_.get();
    context_.index = index_.get();
    context_.updater = updater_.get();
    context_.engine = engine_.get();
    context_.access = access_.get();
    push_ = std::make_unique<PushWorker>(&context_, options.push);
    context_.push = push_.get();
    event_rankings_ = std::make_unique<EventRankingCache>();
    context_.event_rankings = event_rankings_.get();
    push_->Start();
    accounts_ = std::make_unique<AccessServiceImpl>(&context_);
    reviews_ = std::make_unique<ReviewServiceImpl>(&context_);
    audit_ = std::make_unique<AuditServiceImpl>(&context_);
    organisations_ = std::make_unique<OrganisationServiceImpl>(&context_);
    patents_ = std::make_unique<PatentServiceImpl>(&context_);
    demands_ = std::make_unique<DemandServiceImpl>(&context_);
    matches_ = std::make_unique<MatchServiceImpl>(&context_);
    events_ = std::make_unique<EventServiceImpl>(
        &context_, options.after_unlocked_event_change_for_test);

    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.AddListeningPort(options.listen_address, *credentials, &port_);
    builder.SetMaxReceiveMessageSize(options.max_message_bytes);
    builder.SetMaxSendMessageSize(64 * 1024 * 1024);
    // Handlers block on disk; bound the sync server's thread pool.
    grpc::ResourceQuota quota("patentmatchd");
    quota.SetMaxThreads(32);
    builder.SetResourceQuota(quota);
    builder.RegisterService(organisations_.get());
    builder.RegisterService(patents_.get());
    builder.RegisterService(demands_.get());
    builder.RegisterService(matches_.get());
    builder.RegisterService(accounts_.get());
    builder.RegisterService(reviews_.get());
    builder.RegisterService(audit_.get());
    builder.RegisterService(events_.get());
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", options.listen_address,
                       " (address in use or not valid)"));
    }
    const auto colon = options.listen_address.rfind(':');
    std::string host = options.listen_address.substr(0, colon);
    if (host.empty() || host == "0.0.0.0" || host == "[::]") host = "127.0.0.1";
    target_ = absl::StrCat(host, ":", port_);
    return absl::OkStatus();
  }

  int port() const override { return port_; }
  std::string target() const override { return target_; }
  std::string admin_token_file() const override { return admin_token_file_; }
  bool created_admin_token() const override {
    return access_ != nullptr && access_->created_admin_token();
  }

  absl::Status AwaitPush(absl::Duration timeout) override {
    if (push_ == nullptr) return absl::FailedPreconditionError("not started");
    return push_->WaitFor(store_->last_change_seq(), timeout);
  }

  void Shutdown() override {
    if (shut_down_.HasBeenNotified()) return;
    context_.stopping = true;  // watch streams end
    if (server_ != nullptr) {
      server_->Shutdown(std::chrono::system_clock::now() +
                        std::chrono::seconds(5));
    }
    if (push_ != nullptr) push_->Stop();
    if (updater_ != nullptr) updater_->Stop();
    shut_down_.Notify();
  }

  void Wait() override { shut_down_.WaitForNotification(); }

 private:
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<indexer::SearchIndex> index_;
  std::unique_ptr<indexer::IndexUpdater> updater_;
  std::unique_ptr<MatchEngine> engine_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<PushWorker> push_;
  std::unique_ptr<EventRankingCache> event_rankings_;
  std::string admin_token_file_;
  ServiceContext context_;
  std::unique_ptr<AccessServiceImpl> accounts_;
  std::unique_ptr<ReviewServiceImpl> reviews_;
  std::unique_ptr<AuditServiceImpl> audit_;
  std::unique_ptr<EventServiceImpl> events_;
  std::unique_ptr<OrganisationServiceImpl> organisations_;
  std::unique_ptr<PatentServiceImpl> patents_;
  std::unique_ptr<DemandServiceImpl> demands_;
  std::unique_ptr<MatchServiceImpl> matches_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string target_;
  absl::Notification shut_down_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<PatentMatchServer>> PatentMatchServer::Start(
    const ServerOptions& options) {
  if (options.data_dir.empty()) {
    return absl::InvalidArgumentError("data_dir: required");
  }
  auto server = std::make_unique<ServerImpl>();
  absl::Status s = server->Init(options);
  if (!s.ok()) return s;
  return std::unique_ptr<PatentMatchServer>(std::move(server));
}

}  // namespace patentmatch
