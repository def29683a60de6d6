// pm_scale_bench: how the whole service behaves as the corpus grows. Starts
// PatentMatchServer in-process on 127.0.0.1:0 and, through gRPC only,
//  (a) starts the server,
//  (b) imports a corpus with ImportPatents (client-streaming, --batch records
//      per stream; each stream's Finish returns once the index has caught
//      up, so records/s includes indexing),
//  (c) measures sequential SuggestForText latency over the queries,
//  (d) measures throughput with --clients concurrent callers,
//  (e) deletes the index and times the catch-up rebuild at start.
// Each step prints its figures; the last line is a one-line summary that
// tests/benchmarks/run.sh collects into a table. Run by hand, never by ctest:
//
//   pm_scale_bench --corpus=/tmp/pm_scale/corpus_10000.jsonl
//       --queries=../shared/data/eval/dev_need_queries.jsonl
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/bearer_channel.h"
#include "clients/import/patent_file_reader.h"
#include "patentmatch/v1/patentmatch.grpc.pb.h"
#include "services/server.h"

ABSL_FLAG(std::string, corpus, "", "patent file to import (JSONL or CSV)");
ABSL_FLAG(std::string, queries, "",
          "JSONL file of queries; each line's \"text\" is a need");
ABSL_FLAG(std::string, data_dir, "",
          "server data directory; default: a fresh temporary directory, "
          "removed at the end");
ABSL_FLAG(int, clients, 4, "concurrent callers in the throughput step");
ABSL_FLAG(double, seconds, 10, "duration of the throughput step");
ABSL_FLAG(int, batch, 1000, "records per ImportPatents stream");
ABSL_FLAG(int, repeat, 5,
          "timed passes over the queries in the latency step (after one "
          "untimed warm-up pass)");
ABSL_FLAG(int, deadline_ms, 10000, "deadline of each SuggestForText call");
ABSL_FLAG(int, top_k, 10, "suggestions asked for");

namespace patentmatch::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// Extra import deadline per record in a stream, on top of a fixed minute:
// a 1000-record batch gets 80 s on a loaded 2-core machine.
constexpr std::chrono::milliseconds kImportDeadlinePerRecord(20);
constexpr std::chrono::seconds kImportDeadlineBase(60);
// The server's import handler waits at most this long for the index
// (ServiceContext::AwaitIndexed); a stream slower than this may have
// returned before the index caught up.
constexpr double kServerIndexWaitSeconds = 30;
// Bound on calls per client in the throughput step, whatever --seconds says.
constexpr int64_t kMaxCallsPerClient = 10'000'000;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double Mb(uint64_t bytes) { return bytes / (1024.0 * 1024.0); }

uint64_t DiskBytes(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      uint64_t size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

// Latencies in milliseconds; nearest-rank percentiles.
struct LatencyStats {
  size_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, mean = 0, max = 0;
};

LatencyStats Summarise(std::vector<double> ms) {
  LatencyStats s;
  s.count = ms.size();
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    size_t rank = static_cast<size_t>(q * ms.size() + 0.999999);
    return ms[std::clamp<size_t>(rank, 1, ms.size()) - 1];
  };
  s.p50 = at(0.50);
  s.p90 = at(0.90);
  s.p99 = at(0.99);
  s.max = ms.back();
  double sum = 0;
  for (double v : ms) sum += v;
  s.mean = sum / ms.size();
  return s;
}

// The "text" of each JSONL line. A query line ({"qid", "text", "relevant"})
// parses as a NeedQuery once unknown fields are ignored.
absl::StatusOr<std::vector<std::string>> ReadQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<std::string> texts;
  std::string line;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    v1::NeedQuery need;  // {"text": ...}; qid, relevant ignored
    auto status =
        google::protobuf::util::JsonStringToMessage(line, &need, options);
    if (!status.ok() || need.text().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": line without \"text\": ", line.substr(0, 80)));
    }
    texts.push_back(need.text());
  }
  if (texts.empty()) return absl::InvalidArgumentError(path + ": no queries");
  return texts;
}

// The administrator token of the server under test (read after start).
std::string& AdminToken() {
  static std::string token;
  return token;
}

std::shared_ptr<grpc::Channel> Dial(const std::string& target) {
  return ChannelWithToken(target, AdminToken());
}

absl::StatusOr<std::unique_ptr<PatentMatchServer>> StartServer(
    const std::string& data_dir) {
  ServerOptions options;
  options.data_dir = data_dir;
  options.listen_address = "127.0.0.1:0";
  auto server = PatentMatchServer::Start(options);
  if (server.ok()) {
    std::ifstream file((*server)->admin_token_file());
    std::getline(file, AdminToken());
  }
  return server;
}

struct ImportFigures {
  int64_t read = 0, created = 0, updated = 0, rejected = 0, warnings = 0;
  int streams = 0;
  double seconds = 0;
  double parse_seconds = 0;   // client time spent in the file reader
  double slowest_stream = 0;  // longest WritesDone→Finish wait
  bool ok = true;
};

ImportFigures Import(const std::string& target, const std::string& path,
                     int batch) {
  ImportFigures f;
  const auto start = Clock::now();
  auto reader = import::PatentFileReader::Open(path);
  if (!reader.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(),
                 std::string(reader.status().message()).c_str());
    f.ok = false;
    return f;
  }
  auto stub = v1::PatentService::NewStub(Dial(target));
  struct Stream {
    grpc::ClientContext ctx;
    v1::ImportPatentsResponse response;
    std::unique_ptr<grpc::ClientWriter<v1::ImportPatentRecord>> writer;
    int written = 0;
  };
  std::unique_ptr<Stream> stream;
  auto finish = [&]() {
    if (!stream) return;
    std::unique_ptr<Stream> s = std::move(stream);
    const auto wait_start = Clock::now();
    s->writer->WritesDone();
    grpc::Status status = s->writer->Finish();
    f.slowest_stream = std::max(f.slowest_stream, SecondsSince(wait_start));
    ++f.streams;
    if (!status.ok()) {
      std::fprintf(stderr, "ImportPatents failed: %s\n",
                   status.error_message().c_str());
      f.ok = false;
      return;
    }
    f.created += s->response.created();
    f.updated += s->response.updated();
    f.rejected += s->response.rejected();
    for (const auto& r : s->response.results()) {
      if (r.outcome() == v1::ImportRecordResult::REJECTED && f.rejected <= 5) {
        std::fprintf(stderr, "%s:%lld: rejected: %s\n", path.c_str(),
                     static_cast<long long>(r.source_line()),
                     r.errors_size() > 0 ? r.errors(0).message().c_str() : "");
      }
    }
  };
  while (f.ok) {
    const auto parse_start = Clock::now();
    std::optional<import::ParsedRecord> rec = (*reader)->Next();
    f.parse_seconds += SecondsSince(parse_start);
    if (!rec) break;
    ++f.read;
    f.warnings += static_cast<int64_t>(rec->warnings.size());
    if (!rec->errors.empty()) {
      ++f.rejected;
      continue;
    }
    if (!stream) {
      stream = std::make_unique<Stream>();
      stream->ctx.set_deadline(std::chrono::system_clock::now() +
                               kImportDeadlineBase +
                               kImportDeadlinePerRecord * batch);
      stream->writer = stub->ImportPatents(&stream->ctx, &stream->response);
    }
    v1::ImportPatentRecord out;
    *out.mutable_listing() = std::move(rec->listing);
    out.set_source_line(rec->line);
    out.set_source_name(path);
    if (!stream->writer->Write(out) || ++stream->written >= batch) finish();
  }
  finish();
  f.seconds = SecondsSince(start);
  return f;
}

class Suggester {
 public:
  explicit Suggester(const std::string& target)
      : stub_(v1::MatchService::NewStub(Dial(target))) {}

  // One call; its latency in ms, or a negative value if it failed.
  double Call(const std::string& text, int64_t* matches = nullptr) {
    v1::SuggestForTextRequest request;
    request.mutable_need()->set_text(text);
    request.set_top_k(absl::GetFlag(FLAGS_top_k));
    v1::SuggestResponse response;
    grpc::ClientContext ctx;
    ctx.set_deadline(
        std::chrono::system_clock::now() +
        std::chrono::milliseconds(absl::GetFlag(FLAGS_deadline_ms)));
    const auto start = Clock::now();
    grpc::Status status = stub_->SuggestForText(&ctx, request, &response);
    const double ms = SecondsSince(start) * 1000;
    if (!status.ok()) {
      if (errors_reported_++ < 3) {
        std::fprintf(stderr, "SuggestForText: %s\n",
                     status.error_message().c_str());
      }
      return -1;
    }
    if (matches != nullptr) *matches += response.matches_size();
    return ms;
  }

 private:
  std::unique_ptr<v1::MatchService::Stub> stub_;
  int errors_reported_ = 0;
};

void PrintLatency(const char* label, const LatencyStats& s) {
  std::printf(
      "  %s: n=%zu p50=%.2f ms p90=%.2f ms p99=%.2f ms mean=%.2f ms "
      "max=%.2f ms\n",
      label, s.count, s.p50, s.p90, s.p99, s.mean, s.max);
}

int Run() {
  const std::string corpus = absl::GetFlag(FLAGS_corpus);
  const std::string queries_path = absl::GetFlag(FLAGS_queries);
  const int clients = std::max(1, absl::GetFlag(FLAGS_clients));
  const double seconds = std::max(0.1, absl::GetFlag(FLAGS_seconds));
  const int batch = std::max(1, absl::GetFlag(FLAGS_batch));
  const int repeat = std::max(1, absl::GetFlag(FLAGS_repeat));
  if (corpus.empty() || queries_path.empty()) {
    std::fprintf(stderr, "--corpus and --queries are required\n");
    return 2;
  }
  auto queries = ReadQueries(queries_path);
  if (!queries.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(queries.status().message()).c_str());
    return 2;
  }

  std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  const bool temporary = data_dir.empty();
  if (temporary) {
    std::string tmpl = (fs::temp_directory_path() / "pm_scale_bench.XXXXXX");
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    data_dir = tmpl;
  } else if (fs::exists(data_dir) && !fs::is_empty(data_dir)) {
    std::fprintf(stderr, "warning: %s is not empty; imports become updates\n",
                 data_dir.c_str());
  }
  // Removes the temporary directory however Run() returns.
  struct Cleanup {
    std::string dir;
    bool remove;
    ~Cleanup() {
      std::error_code ec;
      if (remove) fs::remove_all(dir, ec);
    }
  } cleanup{data_dir, temporary};

  std::printf("corpus: %s\nqueries: %s (%zu)\ndata_dir: %s%s\n", corpus.c_str(),
              queries_path.c_str(), queries->size(), data_dir.c_str(),
              temporary ? " (temporary)" : "");

  // (a) Start.
  auto start = Clock::now();
  auto server = StartServer(data_dir);
  if (!server.ok()) {
    std::fprintf(stderr, "start: %s\n",
                 std::string(server.status().message()).c_str());
    return 1;
  }
  const std::string target = (*server)->target();
  std::printf("[a] server on %s, started in %.2f s\n", target.c_str(),
              SecondsSince(start));
  std::fflush(stdout);

  // (b) Import.
  ImportFigures imp = Import(target, corpus, batch);
  if (!imp.ok) return 1;
  const int64_t patents = imp.created + imp.updated;
  const double import_per_s = imp.seconds > 0 ? patents / imp.seconds : 0;
  const double store_mb = Mb(DiskBytes(fs::path(data_dir) / "store"));
  const double index_mb = Mb(DiskBytes(fs::path(data_dir) / "index"));
  std::printf(
      "[b] import: %lld read, %lld created, %lld updated, %lld rejected, "
      "%lld warnings, %d streams of <=%d\n"
      "  %.2f s end-to-end = %.0f records/s (client parsing %.2f s of it; "
      "slowest stream's Finish wait %.2f s)\n"
      "  on disk: store %.1f MB, index %.1f MB (%.2f KB/patent)\n",
      static_cast<long long>(imp.read), static_cast<long long>(imp.created),
      static_cast<long long>(imp.updated), static_cast<long long>(imp.rejected),
      static_cast<long long>(imp.warnings), imp.streams, batch, imp.seconds,
      import_per_s, imp.parse_seconds, imp.slowest_stream, store_mb, index_mb,
      patents > 0 ? (store_mb + index_mb) * 1024 / patents : 0);
  if (imp.slowest_stream > kServerIndexWaitSeconds) {
    std::printf(
        "  warning: a stream took over %.0f s; the server stops waiting for "
        "the index then, so indexing may not have caught up\n",
        kServerIndexWaitSeconds);
  }
  std::fflush(stdout);

  // (c) Sequential latency: one warm-up pass, then --repeat timed passes.
  Suggester suggester(target);
  int64_t errors = 0, matches = 0;
  for (const auto& q : *queries) {
    if (suggester.Call(q) < 0) ++errors;
  }
  std::vector<double> seq_ms;
  seq_ms.reserve(queries->size() * repeat);
  for (int pass = 0; pass < repeat; ++pass) {
    for (const auto& q : *queries) {
      double ms = suggester.Call(q, &matches);
      if (ms < 0) {
        ++errors;
      } else {
        seq_ms.push_back(ms);
      }
    }
  }
  LatencyStats seq = Summarise(seq_ms);
  std::printf(
      "[c] sequential SuggestForText, top_k %d, %d passes over %zu "
      "queries after a warm-up pass (%lld errors, %.1f matches/query)\n",
      absl::GetFlag(FLAGS_top_k), repeat, queries->size(),
      static_cast<long long>(errors),
      seq.count > 0 ? static_cast<double>(matches) / seq.count : 0.0);
  PrintLatency("latency", seq);
  std::fflush(stdout);

  // (d) Throughput: each client cycles through the queries from its own
  // offset until the time is up.
  std::vector<std::vector<double>> per_client(clients);
  std::atomic<int64_t> load_errors{0};
  const auto load_start = Clock::now();
  const auto load_end =
      load_start + std::chrono::duration_cast<Clock::duration>(
                       std::chrono::duration<double>(seconds));
  {
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        Suggester caller(target);
        size_t next = (c * queries->size()) / clients;
        for (int64_t i = 0; i < kMaxCallsPerClient && Clock::now() < load_end;
             ++i) {
          double ms = caller.Call((*queries)[next]);
          next = (next + 1) % queries->size();
          if (ms < 0) {
            ++load_errors;
          } else {
            per_client[c].push_back(ms);
          }
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  const double load_seconds = SecondsSince(load_start);
  std::vector<double> load_ms;
  for (auto& v : per_client) load_ms.insert(load_ms.end(), v.begin(), v.end());
  LatencyStats load = Summarise(load_ms);
  const double qps = load.count / load_seconds;
  std::printf(
      "[d] throughput: %d clients for %.1f s: %zu calls, %.1f "
      "requests/s (%lld errors)\n",
      clients, load_seconds, load.count, qps,
      static_cast<long long>(load_errors.load()));
  PrintLatency("latency under load", load);
  std::fflush(stdout);

  // (e) Restart with the index deleted: Start() catches it up from the
  // store before it returns.
  (*server)->Shutdown();
  server.value().reset();  // releases the RocksDB and Xapian locks
  std::error_code ec;
  fs::remove_all(fs::path(data_dir) / "index", ec);
  if (ec) {
    std::fprintf(stderr, "cannot delete index: %s\n", ec.message().c_str());
    return 1;
  }
  start = Clock::now();
  auto restarted = StartServer(data_dir);
  if (!restarted.ok()) {
    std::fprintf(stderr, "restart: %s\n",
                 std::string(restarted.status().message()).c_str());
    return 1;
  }
  const double rebuild_s = SecondsSince(start);
  const double rebuilt_index_mb = Mb(DiskBytes(fs::path(data_dir) / "index"));
  // The rebuilt index must answer like the imported one.
  Suggester after((*restarted)->target());
  int64_t after_matches = 0;
  const bool answers = after.Call(queries->front(), &after_matches) >= 0;
  std::printf(
      "[e] restart without index: rebuilt in %.2f s (%.0f patents/s), "
      "index %.1f MB; first query %s (%lld matches)\n",
      rebuild_s, rebuild_s > 0 ? patents / rebuild_s : 0.0, rebuilt_index_mb,
      answers ? "ok" : "FAILED", static_cast<long long>(after_matches));
  (*restarted)->Shutdown();
  restarted.value().reset();

  std::printf(
      "patents=%lld import_per_s=%.0f p50_ms=%.2f p99_ms=%.2f qps=%.1f "
      "load_p50_ms=%.2f load_p99_ms=%.2f rebuild_s=%.2f store_mb=%.1f "
      "index_mb=%.1f\n",
      static_cast<long long>(patents), import_per_s, seq.p50, seq.p99, qps,
      load.p50, load.p99, rebuild_s, store_mb, index_mb);
  std::fflush(stdout);
  return errors + load_errors.load() > 0 || !answers ? 1 : 0;
}

}  // namespace
}  // namespace patentmatch::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Scale benchmark: import, latency, throughput and index rebuild of an "
      "in-process patentmatch server on 127.0.0.1.");
  absl::ParseCommandLine(argc, argv);
  return patentmatch::bench::Run();
}
