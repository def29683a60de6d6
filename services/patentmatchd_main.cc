// patentmatchd: the patentmatch gRPC service. Starts on --listen with its
// data under --data_dir, prints "patentmatchd listening on HOST:PORT" once
// it accepts calls, and shuts down cleanly on SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "services/server.h"

ABSL_FLAG(std::string, data_dir, "./patentmatch-data",
          "Directory for the store (RocksDB) and the search index (Xapian); "
          "created if missing.");
ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to serve gRPC on; port 0 picks a free port.");
ABSL_FLAG(int, max_message_mb, 16,
          "Largest request message accepted, in MiB; larger ones get "
          "RESOURCE_EXHAUSTED.");

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
  auto server = patentmatch::PatentMatchServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "patentmatchd: %s\n",
                 server.status().ToString().c_str());
    return 1;
  }
  std::printf("patentmatchd listening on %s (data in %s)\n",
              (*server)->target().c_str(), options.data_dir.c_str());
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
