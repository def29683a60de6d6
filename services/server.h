// PatentMatchServer: the whole patentmatchd service in one object — opens the
// RocksDB store and the Xapian index under a data directory, catches the
// index up with the store, and serves every gRPC service (plus health
// checking and reflection) on one address. patentmatchd's main, the eval
// command and the integration tests all start it the same way.
//
//   ServerOptions opts;
//   opts.data_dir = "/var/lib/patentmatch";
//   opts.listen_address = "127.0.0.1:0";  // port 0: pick a free port
//   auto server = PatentMatchServer::Start(opts);
//   if (!server.ok()) ...;
//   std::string target = (*server)->target();  // e.g. "127.0.0.1:41234"
//   (*server)->Shutdown();
#ifndef PATENTMATCH_SERVICES_SERVER_H_
#define PATENTMATCH_SERVICES_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/push_worker.h"

namespace patentmatch {

struct ServerOptions {
  std::string data_dir;  // created if missing
  std::string listen_address = "127.0.0.1:50051";
  int max_message_bytes = 16 * 1024 * 1024;  // larger requests rejected
  // TLS: PEM files of the server's certificate chain and private key. Both
  // empty: plaintext (the default, for loopback and the demo).
  std::string tls_cert_file;
  std::string tls_key_file;
  // Where the first administrator's token is written (mode 0600) on first
  // start. Empty: DATA_DIR/admin.token.
  std::string admin_token_file;
  // Issue a fresh administrator token at start even if accounts exist (for
  // an operator who lost the token; needs access to the data directory).
  bool new_admin_token = false;
  // Precise push: limits and whether it runs (services/push_worker.h).
  PushLimits push;
  // Tests only: runs when an event change (planning, re-planning) has been
  // worked out without the store's writer lock, before it is checked and
  // committed under it (EventServiceImpl::ChangeEvent).
  std::function<void()> after_unlocked_event_change_for_test;
};

class PatentMatchServer {
 public:
  static absl::StatusOr<std::unique_ptr<PatentMatchServer>> Start(
      const ServerOptions& options);
  virtual ~PatentMatchServer() = default;

  virtual int port() const = 0;
  // "host:port" a client on this machine can dial.
  virtual std::string target() const = 0;
  // The file holding the first administrator's token.
  virtual std::string admin_token_file() const = 0;
  // True if this start wrote a new administrator token.
  virtual bool created_admin_token() const = 0;
  // Blocks until precise push has handled every change committed so far
  // (tests and benchmarks: "the import's suggestions are in the queue").
  virtual absl::Status AwaitPush(absl::Duration timeout) = 0;
  // Stops accepting calls, finishes those in flight, flushes the index.
  virtual void Shutdown() = 0;
  // Blocks until Shutdown() is called from elsewhere (e.g. a signal).
  virtual void Wait() = 0;
};

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_SERVER_H_
