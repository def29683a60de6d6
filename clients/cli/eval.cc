// `patentmatch eval`: measures retrieval quality and latency end to end.
// Starts the real service in-process on a fresh temporary data directory,
// imports the corpus through ImportPatents (as `patent import` does), asks
// SuggestForText for every query and prints one line:
//
//   R@1=0.576 R@10=0.820 R@50=0.895 MRR=0.662 p50_ms=3.1 p99_ms=12.4 ...
//   ... below_floor=1/58   (one line)
//
// R@k is the share of queries with a relevant id among the first k
// suggestions; MRR is over the first 100; latencies are measured on the
// client around each call. below_floor counts the right answers found whose
// text relevance is under matcher::kMinProposedRelevance, the floor under
// which push and docking events never propose a pair: the share of real
// fits that floor would lose. Progress and diagnostics go to stderr.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/cli/cli.h"
#include "clients/cli/filter.h"
#include "clients/cli/importer.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "matcher/ranking.h"
#include "patentmatch/v1/patentmatch.grpc.pb.h"
#include "services/server.h"

namespace patentmatch::cli {
namespace {

struct Query {
  int64_t line = 0;
  std::string qid;
  std::string text;
  std::set<std::string> relevant;
};

absl::StatusOr<std::vector<Query>> ReadQueries(const std::string& path) {
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  std::vector<Query> out;
  int64_t line = 0;
  for (absl::string_view l : absl::StrSplit(*bytes, '\n')) {
    ++line;
    l = absl::StripAsciiWhitespace(l);
    if (l.empty()) continue;
    google::protobuf::Struct obj;
    auto s = google::protobuf::util::JsonStringToMessage(std::string(l), &obj);
    if (!s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line, ": ", std::string(s.message())));
    }
    Query q;
    q.line = line;
    const auto& f = obj.fields();
    if (auto it = f.find("qid"); it != f.end())
      q.qid = it->second.string_value();
    if (auto it = f.find("text"); it != f.end())
      q.text = it->second.string_value();
    if (auto it = f.find("relevant"); it != f.end()) {
      for (const auto& v : it->second.list_value().values()) {
        q.relevant.insert(v.string_value());
      }
    }
    if (q.text.empty() || q.relevant.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", line, ": a query needs \"text\" and \"relevant\""));
    }
    if (q.qid.empty()) q.qid = absl::StrCat("line", line);
    out.push_back(std::move(q));
  }
  if (out.empty()) return absl::InvalidArgumentError(path + ": no queries");
  return out;
}

// Nearest-rank percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * sorted.size()));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// Removes the temporary data directory however eval ends.
struct TempDir {
  std::string path;
  ~TempDir() {
    if (path.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

int Eval(Connection& conn, const Args& args) {
  if (!args.positional().empty() || !args.Has("corpus") ||
      !args.Has("queries")) {
    return kExitUsage;
  }
  auto top = args.GetInt("top", 100);
  if (!top.ok()) return UsageFailure(top.status());
  if (*top <= 0 || *top > 100) {
    std::fprintf(stderr, "error: --top must be 1..100\n");
    return kExitUsage;
  }
  auto batch = args.GetInt("batch", 1000);
  if (!batch.ok() || *batch <= 0) {
    std::fprintf(stderr, "error: --batch must be a positive number\n");
    return kExitUsage;
  }
  auto queries = ReadQueries(args.Get("queries"));
  if (!queries.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 std::string(queries.status().message()).c_str());
    return kExitFailure;
  }

  TempDir dir;
  {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "patentmatch-eval-XXXXXX")
            .string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("error: mkdtemp");
      return kExitFailure;
    }
    dir.path = tmpl;
  }
  ServerOptions server_options;
  server_options.data_dir = dir.path;
  server_options.listen_address = "127.0.0.1:0";
  server_options.push.enabled = false;  // retrieval only: no needs, no queue
  auto server = PatentMatchServer::Start(server_options);
  if (!server.ok()) {
    std::fprintf(stderr, "error: cannot start the service: %s\n",
                 std::string(server.status().message()).c_str());
    return kExitFailure;
  }
  std::fprintf(stderr, "eval: service on %s, data in %s\n",
               (*server)->target().c_str(), dir.path.c_str());
  GlobalOptions local = conn.options();
  local.server = (*server)->target();
  local.token.clear();
  local.ca_file.clear();
  local.token_file = (*server)->admin_token_file();  // its own administrator
  Connection eval_conn(local);

  int rc = kExitOk;
  {
    ImportOptions import_options;
    import_options.batch = *batch;
    import_options.max_rejections_shown = 20;
    ImportFileResult imported =
        ImportFile(eval_conn, args.Get("corpus"), import_options);
    std::fprintf(stderr,
                 "eval: corpus %lld records, %lld created, %lld updated, "
                 "%lld rejected, %.1f s\n",
                 static_cast<long long>(imported.received),
                 static_cast<long long>(imported.created),
                 static_cast<long long>(imported.updated),
                 static_cast<long long>(imported.rejected), imported.seconds);
    if (imported.read_failed || !imported.rpc_status.ok() ||
        imported.created + imported.updated == 0) {
      std::fprintf(stderr, "error: corpus import failed\n");
      rc = kExitFailure;
    }
  }

  std::ofstream per_query;
  if (rc == kExitOk && args.Has("per_query")) {
    per_query.open(args.Get("per_query"));
    if (!per_query) {
      std::fprintf(stderr, "error: cannot write %s\n",
                   args.Get("per_query").c_str());
      rc = kExitFailure;
    } else {
      per_query << "qid\trank\trelevance\tlatency_ms\ttop_id\n";
    }
  }

  if (rc == kExitOk) {
    auto stub = v1::MatchService::NewStub(eval_conn.channel());
    const bool tty = isatty(STDERR_FILENO) != 0;
    int64_t hit1 = 0, hit10 = 0, hit50 = 0, failed = 0;
    int64_t found = 0, below_floor = 0;
    double reciprocal_sum = 0;
    std::vector<double> latencies;
    const size_t n = queries->size();
    for (size_t i = 0; i < n; ++i) {
      const Query& q = (*queries)[i];
      v1::SuggestForTextRequest req;
      req.mutable_need()->set_text(q.text);
      req.set_top_k(static_cast<int32_t>(*top));
      v1::SuggestResponse resp;
      auto ctx = eval_conn.NewContext();
      auto t0 = std::chrono::steady_clock::now();
      grpc::Status s = stub->SuggestForText(ctx.get(), req, &resp);
      double ms = std::chrono::duration<double, std::milli>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
      if (!s.ok()) {
        // One failed query counts as a miss; a dead server stops the run.
        ++failed;
        ReportRpcError(s, absl::StrCat("query ", q.qid));
        if (s.error_code() == grpc::StatusCode::UNAVAILABLE || failed > 10) {
          rc = kExitFailure;
          break;
        }
        continue;
      }
      latencies.push_back(ms);
      int rank = 0;
      double relevance = 0;
      for (int r = 0; r < resp.matches_size(); ++r) {
        if (q.relevant.count(resp.matches(r).patent().id())) {
          rank = r + 1;
          relevance = matcher::TextRelevanceOf(resp.matches(r).explanation());
          break;
        }
      }
      if (rank > 0) {
        ++found;
        if (relevance < matcher::kMinProposedRelevance) ++below_floor;
      }
      if (rank >= 1 && rank <= 1) ++hit1;
      if (rank >= 1 && rank <= 10) ++hit10;
      if (rank >= 1 && rank <= 50) ++hit50;
      if (rank >= 1 && rank <= 100) reciprocal_sum += 1.0 / rank;
      if (per_query.is_open()) {
        per_query << q.qid << '\t' << rank << '\t'
                  << absl::StrFormat("%.3f", relevance) << '\t'
                  << absl::StrFormat("%.2f", ms) << '\t'
                  << (resp.matches_size() > 0 ? resp.matches(0).patent().id()
                                              : "")
                  << '\n';
      }
      bool step =
          tty ? (i % 25 == 0 || i + 1 == n) : ((i + 1) * 10 / n != i * 10 / n);
      if (step) {
        std::fprintf(stderr, "%squeries: %zu/%zu, R@10 so far %.3f%s",
                     tty ? "\r\033[K" : "", i + 1, n,
                     static_cast<double>(hit10) / (i + 1 - failed),
                     tty ? "" : "\n");
        std::fflush(stderr);
      }
    }
    if (tty) std::fprintf(stderr, "\n");
    if (rc == kExitOk) {
      std::sort(latencies.begin(), latencies.end());
      const double total = static_cast<double>(n);
      if (failed > 0) {
        std::fprintf(stderr, "eval: %lld queries failed (counted as misses)\n",
                     static_cast<long long>(failed));
      }
      if (*top < 50) {
        std::fprintf(
            stderr, "eval: --top=%lld: R@50 and MRR only see the first %lld\n",
            static_cast<long long>(*top), static_cast<long long>(*top));
      }
      std::fprintf(stderr,
                   "eval: below_floor: right answers found in the top %lld "
                   "with text relevance under %.2f, which push and docking "
                   "events never propose\n",
                   static_cast<long long>(*top),
                   matcher::kMinProposedRelevance);
      std::printf(
          "R@1=%.3f R@10=%.3f R@50=%.3f MRR=%.3f p50_ms=%.1f p99_ms=%.1f "
          "below_floor=%lld/%lld\n",
          hit1 / total, hit10 / total, hit50 / total, reciprocal_sum / total,
          Percentile(latencies, 0.50), Percentile(latencies, 0.99),
          static_cast<long long>(below_floor), static_cast<long long>(found));
      std::fflush(stdout);
    }
  }
  (*server)->Shutdown();
  server->reset();
  return rc;
}

}  // namespace

std::vector<Command> EvalCommands() {
  Command c{"eval",
            "",
            "--corpus=FILE --queries=FILE [--top=100] [--per_query=OUT.tsv] "
            "[--batch=1000]",
            "Start the service in-process on a temporary directory, import "
            "the corpus, run the queries; prints R@1 R@10 R@50 MRR p50/p99",
            {"corpus", "queries", "top", "per_query", "batch"},
            &Eval};
  return {c};
}

}  // namespace patentmatch::cli
