// patentmatchd: the patentmatch gRPC service. Starts on --listen with its
// data under --data_dir, prints "patentmatchd listening on HOST:PORT" once
// it accepts calls, and shuts down cleanly on SIGINT/SIGTERM. On first start
// it writes an administrator token to DATA_DIR/admin.token (mode 0600).
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "services/server.h"

ABSL_FLAG(std::string, data_dir, "./patentmatch-data",
          "Directory for the store (RocksDB) and the search index (Xapian); "
          "created if missing.");
ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to serve gRPC on; port 0 picks a free port.");
ABSL_FLAG(int, max_message_mb, 16,
          "Largest request message accepted, in MiB; larger ones get "
          "RESOURCE_EXHAUSTED.");

ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain for TLS; with --tls_key. Empty: plaintext "
          "(keep plaintext to loopback).");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for TLS.");
ABSL_FLAG(std::string, admin_token_file, "",
          "Where the first administrator token is written on first start "
          "(default DATA_DIR/admin.token).");
ABSL_FLAG(bool, new_admin_token, false,
          "Write a fresh administrator token at start even though accounts "
          "exist (recovery for a lost token).");

ABSL_FLAG(bool, push, true,
          "Precise push: suggest newly listed patents to the needs and "
          "incubation-pool companies they fit, and rank new needs, into the "
          "review queue.");
ABSL_FLAG(int, push_max_companies_per_patent, 5,
          "Push: a patent is suggested to at most this many companies at "
          "once.");
ABSL_FLAG(int, push_max_per_company, 10,
          "Push: a company gets at most this many pushed suggestions per "
          "--push_period (the best are kept).");
ABSL_FLAG(absl::Duration, push_period, absl::Hours(24 * 7),
          "Push: the rolling period of --push_max_per_company, e.g. 168h.");
ABSL_FLAG(int, push_top_k, 10,
          "Push: a patent fits a need when it ranks among the need's best "
          "this many.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "patentmatchd --data_dir=DIR --listen=127.0.0.1:50051");
  absl::ParseCommandLine(argc, argv);

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  patentmatch::ServerOptions options;
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_mb) << 20;
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  options.admin_token_file = absl::GetFlag(FLAGS_admin_token_file);
  options.new_admin_token = absl::GetFlag(FLAGS_new_admin_token);
  options.push.enabled = absl::GetFlag(FLAGS_push);
  options.push.max_companies_per_patent =
      absl::GetFlag(FLAGS_push_max_companies_per_patent);
  options.push.max_per_company = absl::GetFlag(FLAGS_push_max_per_company);
  options.push.period = absl::GetFlag(FLAGS_push_period);
  options.push.top_k = absl::GetFlag(FLAGS_push_top_k);
  if (options.push.max_companies_per_patent < 1 ||
      options.push.max_per_company < 1 ||
      options.push.period <= absl::ZeroDuration() || options.push.top_k < 1 ||
      options.push.top_k > 100) {
    std::fprintf(stderr,
                 "patentmatchd: --push_max_companies_per_patent and "
                 "--push_max_per_company must be at least 1, --push_period "
                 "positive, --push_top_k between 1 and 100\n");
    return 2;
  }
  auto server = patentmatch::PatentMatchServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "patentmatchd: %s\n",
                 server.status().ToString().c_str());
    return 1;
  }
  if ((*server)->created_admin_token()) {
    std::printf("patentmatchd: administrator token written to %s\n",
                (*server)->admin_token_file().c_str());
  }
  std::printf("patentmatchd listening on %s (%s; data in %s)\n",
              (*server)->target().c_str(),
              options.tls_cert_file.empty() ? "plaintext" : "TLS",
              options.data_dir.c_str());
  std::fflush(stdout);

  std::thread waiter([&stop_signals, s = server->get()] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    std::fprintf(stderr, "patentmatchd: signal %d, shutting down\n", signal);
    s->Shutdown();
  });
  (*server)->Wait();
  waiter.detach();  // still blocked in sigwait if Shutdown came from elsewhere
  return 0;
}
