// End-to-end tests of the `patentmatch` command-line client: a real
// PatentMatchServer on loopback port 0 with a temporary data directory, and
// the real CLI binary (PM_CLI_BINARY) run as a child process against it,
// exactly as a user would run it.
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "patentmatch/v1/patentmatch.pb.h"
#include "services/server.h"
#include "tests/integration/self_signed_cert.h"

namespace patentmatch {
namespace {

namespace fs = std::filesystem;

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) lines.push_back(l);
  }
  return lines;
}

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/pm-cli-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = new fs::path(tmpl);
    ServerOptions options;
    options.data_dir = (*dir_ / "data").string();
    options.listen_address = "127.0.0.1:0";
    options.push.enabled = false;  // the review tests propose themselves
    auto server = PatentMatchServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) {
      server_->Shutdown();
      delete server_;
      server_ = nullptr;
    }
    if (dir_ != nullptr) {
      std::error_code ec;
      fs::remove_all(*dir_, ec);
      delete dir_;
      dir_ = nullptr;
    }
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr) << "server did not start";
  }

  // Runs the CLI against the test server; stdout and stderr are captured
  // separately so tests can tell results from diagnostics.
  static CliResult Run(const std::vector<std::string>& args,
                       bool with_server = true) {
    static int counter = 0;
    const fs::path out = *dir_ / ("out" + std::to_string(counter));
    const fs::path err = *dir_ / ("err" + std::to_string(counter++));
    std::string cmd = ShellQuote(PM_CLI_BINARY);
    if (with_server) {
      cmd += " --server=" + server_->target() +
             " --token_file=" + ShellQuote(server_->admin_token_file());
    }
    for (const auto& a : args) cmd += " " + ShellQuote(a);
    cmd += " >" + ShellQuote(out.string()) + " 2>" + ShellQuote(err.string()) +
           " </dev/null";
    int status = std::system(cmd.c_str());
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadAll(out);
    r.err = ReadAll(err);
    return r;
  }

  static fs::path* dir_;
  static PatentMatchServer* server_;
};

fs::path* CliTest::dir_ = nullptr;
PatentMatchServer* CliTest::server_ = nullptr;

constexpr char kCsv[] =
    "publication_number,title,ipc_subclasses\n"
    "CN114081026A,一种水电站高压输电线路驱鸟保护装置,A01M|G06F|H02G\n"
    "CN111504366B,基于人工智能的流体输送系统精确计量方法及计量装置,G01D|G01F\n"
    "CN113000001A,一种锂离子电池正极材料及其制备方法\n"  // line 4: 2 fields
    "CN112345678A,一种锂电池电极浆料分散装置,H01M\n";

TEST_F(CliTest, ImportReportsBrokenRowAndKeepsGoodOnes) {
  const fs::path csv = *dir_ / "small.csv";
  WriteAll(csv, kCsv);
  CliResult r = Run({"patent", "import", csv.string(), "--batch=2"});
  // 3: the import ran and kept the good rows, but rejected one.
  EXPECT_EQ(r.exit_code, 3) << r.err;
  // The broken row is named by file, line and field.
  const std::string where = csv.string() + ":4: ";
  size_t at = r.err.find(where);
  ASSERT_NE(at, std::string::npos) << "stderr:\n" << r.err;
  std::string diag = r.err.substr(at + where.size());
  diag = diag.substr(0, diag.find('\n'));
  EXPECT_NE(diag.find(": "), std::string::npos)
      << "no 'field: message' in: " << diag;
  // The summary counts three created and one rejected.
  EXPECT_NE(r.out.find("4 received"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 rejected"), std::string::npos) << r.out;

  for (const char* id : {"CN114081026A", "CN111504366B", "CN112345678A"}) {
    CliResult get = Run({"patent", "get", id});
    EXPECT_EQ(get.exit_code, 0) << id << ": " << get.err;
    EXPECT_NE(get.out.find(id), std::string::npos) << get.out;
  }
  CliResult missing = Run({"patent", "get", "CN113000001A"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("NOT_FOUND"), std::string::npos) << missing.err;
}

TEST_F(CliTest, GetPrintsListingAndJsonParses) {
  const fs::path csv = *dir_ / "one.csv";
  WriteAll(csv,
           "publication_number,title,ipc_subclasses\n"
           "CN111504366B,基于人工智能的流体输送系统精确计量方法及计量装置,"
           "G01D|G01F\n");
  ASSERT_EQ(Run({"patent", "import", csv.string()}).exit_code, 0);

  CliResult table = Run({"patent", "get", "CN111504366B"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("流体输送系统"), std::string::npos) << table.out;

  CliResult json = Run({"--json", "patent", "get", "CN111504366B"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  v1::PatentListing listing;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(json.out, &listing).ok())
      << json.out;
  EXPECT_EQ(listing.id(), "CN111504366B");
  EXPECT_NE(listing.title().find("流体输送"), std::string::npos);
}

TEST_F(CliTest, MatchTextPrintsRankedTable) {
  const fs::path csv = *dir_ / "match.csv";
  WriteAll(csv, kCsv);
  ASSERT_EQ(Run({"patent", "import", csv.string()}).exit_code, 3);

  CliResult r = Run({"match", "text", "锂电池电极浆料分散", "--top=3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("rank"), std::string::npos) << r.out;
  EXPECT_NE(lines[0].find("score"), std::string::npos) << r.out;
  // The first row is rank 1 and names the battery slurry patent.
  ASSERT_GE(lines.size(), 2u) << r.out;
  std::istringstream row(lines[1]);
  int rank = 0;
  double score = 0;
  std::string id;
  row >> rank >> score >> id;
  EXPECT_EQ(rank, 1) << lines[1];
  EXPECT_EQ(id, "CN112345678A") << r.out;

  CliResult json = Run({"--json", "match", "text", "锂电池电极浆料分散"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  for (const auto& line : Lines(json.out)) {
    v1::PatentMatch m;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &m).ok())
        << line;
  }
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Run({"patent", "frobnicate"}).exit_code, 2);
  EXPECT_EQ(Run({"patent", "get"}).exit_code, 2);
  EXPECT_EQ(Run({"patent", "search", "x", "--no_such_flag=1"}).exit_code, 2);
  CliResult help = Run({"help"}, /*with_server=*/false);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("patent import"), std::string::npos);
  EXPECT_EQ(Run({"health"}).exit_code, 0);
  // An unknown enum word lists the words the usage line offers ("deal",
  // not "meeting_deal"); a value without a shared prefix is listed whole.
  CliResult outcome =
      Run({"event", "outcome", "EV000001", "M0001", "--outcome=great"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("unknown value 'great'; one of: no_interest, "
                             "follow_up, negotiating, deal, no_show"),
            std::string::npos)
      << outcome.err;
  // A suffix every value shares goes too: company_side is "company".
  CliResult side =
      Run({"event", "register", "EV000001", "org-x", "--side=compnay"});
  EXPECT_EQ(side.exit_code, 2);
  EXPECT_NE(side.err.find("unknown value 'compnay'; one of: company, holder"),
            std::string::npos)
      << side.err;
  CliResult role = Run({"token", "issue", "--role=king", "--name=x"});
  EXPECT_EQ(role.exit_code, 2);
  EXPECT_NE(role.err.find("administrator, commissioner, organisation_member"),
            std::string::npos)
      << role.err;
}

// Reads the first `n` JSON lines of a file.
std::vector<std::string> HeadLines(const fs::path& path, size_t n) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string l; out.size() < n && std::getline(in, l);) {
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

TEST_F(CliTest, EvalOnSmallSlicePrintsSaneFigures) {
  const fs::path eval = fs::path(PM_SHARED_DATA_DIR) / "eval";
  // 30 keyphrase queries, their relevant documents, and other documents up
  // to 200.
  std::vector<std::string> queries = HeadLines(eval / "dev_queries.jsonl", 30);
  ASSERT_EQ(queries.size(), 30u);
  std::set<std::string> relevant;
  for (const auto& q : queries) {
    google::protobuf::Struct s;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(q, &s).ok());
    for (const auto& v : s.fields().at("relevant").list_value().values()) {
      relevant.insert(v.string_value());
    }
  }
  std::vector<std::string> corpus;
  std::vector<std::string> others;
  std::ifstream in(eval / "dev_corpus.jsonl");
  for (std::string l; std::getline(in, l);) {
    if (l.empty()) continue;
    google::protobuf::Struct s;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(l, &s).ok());
    if (relevant.count(s.fields().at("id").string_value())) {
      corpus.push_back(l);
    } else if (others.size() < 200) {
      others.push_back(l);
    }
    if (corpus.size() == relevant.size() && others.size() >= 200) break;
  }
  ASSERT_EQ(corpus.size(), relevant.size());
  for (size_t i = 0; corpus.size() < 200; ++i) corpus.push_back(others[i]);

  std::string corpus_text, query_text;
  for (const auto& l : corpus) corpus_text += l + "\n";
  for (const auto& l : queries) query_text += l + "\n";
  const fs::path corpus_file = *dir_ / "eval_corpus.jsonl";
  const fs::path query_file = *dir_ / "eval_queries.jsonl";
  const fs::path per_query = *dir_ / "per_query.tsv";
  WriteAll(corpus_file, corpus_text);
  WriteAll(query_file, query_text);

  CliResult r = Run(
      {"eval", "--corpus=" + corpus_file.string(),
       "--queries=" + query_file.string(), "--per_query=" + per_query.string()},
      /*with_server=*/false);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1u) << "stdout must be exactly one line:\n" << r.out;
  double r1 = -1, r10 = -1, r50 = -1, mrr = -1, p50 = -1, p99 = -1;
  long long below_floor = -1, found = -1;
  ASSERT_EQ(
      std::sscanf(lines[0].c_str(),
                  "R@1=%lf R@10=%lf R@50=%lf MRR=%lf p50_ms=%lf "
                  "p99_ms=%lf below_floor=%lld/%lld",
                  &r1, &r10, &r50, &mrr, &p50, &p99, &below_floor, &found),
      8)
      << lines[0];
  // Every query found in the top 50 was found in the top 100.
  EXPECT_GE(found, static_cast<long long>(std::lround(r50 * 30)));
  EXPECT_LE(found, 30);
  EXPECT_GE(below_floor, 0);
  EXPECT_LE(below_floor, found);
  EXPECT_LE(0.0, r1);
  EXPECT_LE(r1, r10);
  EXPECT_LE(r10, r50);
  EXPECT_LE(r50, 1.0);
  EXPECT_GE(mrr, r1 - 1e-3);
  EXPECT_LE(mrr, 1.0);
  // Chance would put a relevant document in the top 10 of 200 for 5%.
  EXPECT_GT(r10, 0.5) << lines[0];
  EXPECT_GT(p50, 0.0);
  EXPECT_GE(p99, p50);
  EXPECT_EQ(Lines(ReadAll(per_query)).size(), 31u);  // header + 30 queries
}

// The first "id" value in a line of protobuf JSON.
std::string JsonId(const std::string& line) {
  const std::string key = "\"id\":\"";
  const size_t at = line.find(key);
  if (at == std::string::npos) return "";
  const size_t start = at + key.size();
  return line.substr(start, line.find('"', start) - start);
}

TEST_F(CliTest, TokensReviewAndAuditFromTheCommandLine) {
  const fs::path orgs = *dir_ / "review-orgs.jsonl";
  WriteAll(orgs,
           "{\"id\":\"cli-co\",\"name\":\"CLI Co (sample)\","
           "\"kind\":\"PRIVATE_COMPANY\",\"district\":\"HESHAN\"}\n");
  ASSERT_EQ(Run({"org", "register", "--file=" + orgs.string()}).exit_code, 0);
  const fs::path csv = *dir_ / "review.csv";
  WriteAll(
      csv,
      "publication_number,title,abstract\n"
      "CN300000001A,一种陶瓷釉料低温烧结方法,陶瓷釉料在低温下烧结，节能降耗\n"
      "CN300000002A,一种陶瓷坯体快速干燥装置,陶瓷坯体干燥均匀不开裂\n");
  ASSERT_EQ(Run({"patent", "import", csv.string()}).exit_code, 0);
  CliResult submitted = Run({"--json", "demand", "submit", "--org=cli-co",
                             "--title=陶瓷釉料低温烧结",
                             "--description=想降低陶瓷釉料烧结温度，节能"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string demand_id = JsonId(submitted.out);
  ASSERT_FALSE(demand_id.empty()) << submitted.out;

  // A member token, printed once on stdout.
  CliResult issued = Run(
      {"token", "issue", "--role=member", "--org=cli-co", "--name=CLI member"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  ASSERT_EQ(Lines(issued.out).size(), 1u);
  const fs::path member_token = *dir_ / "member.token";
  WriteAll(member_token, issued.out);
  const std::string as_member = "--token_file=" + member_token.string();
  CliResult who = Run({"token", "whoami", as_member});
  EXPECT_EQ(who.exit_code, 0) << who.err;
  EXPECT_NE(who.out.find("organisation_member"), std::string::npos) << who.out;
  EXPECT_NE(who.out.find("cli-co"), std::string::npos);

  // No token at all: refused, and the message says how to send one.
  CliResult anonymous =
      Run({"--server=" + server_->target(), "demand", "get", demand_id}, false);
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.err.find("UNAUTHENTICATED"), std::string::npos)
      << anonymous.err;
  // The member may not rank patents itself.
  CliResult ranked = Run({"match", "demand", demand_id, as_member});
  EXPECT_EQ(ranked.exit_code, 1);
  EXPECT_NE(ranked.err.find("PERMISSION_DENIED"), std::string::npos);

  // Administrator: propose, claim, approve.
  CliResult proposed = Run({"review", "propose", demand_id, "--top_k=2"});
  ASSERT_EQ(proposed.exit_code, 0) << proposed.err;
  CliResult queue = Run({"--json", "review", "queue", "--demand=" + demand_id});
  ASSERT_EQ(queue.exit_code, 0) << queue.err;
  std::vector<std::string> queued = Lines(queue.out);
  ASSERT_EQ(queued.size(), 2u) << queue.out;
  const std::string best = JsonId(queued[0]);
  EXPECT_EQ(best, demand_id + ":CN300000001A");
  EXPECT_EQ(Run({"review", "claim", best}).exit_code, 0);
  CliResult twice = Run({"review", "claim", best});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.err.find("FAILED_PRECONDITION"), std::string::npos);
  EXPECT_NE(twice.err.find("in_review"), std::string::npos) << twice.err;
  EXPECT_EQ(Run({"review", "approve", best, "--note=fits"}).exit_code, 0);

  // The company sees its approved suggestion, and only that one.
  CliResult mine = Run({"--json", "review", "queue", as_member});
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  ASSERT_EQ(Lines(mine.out).size(), 1u) << mine.out;
  EXPECT_EQ(JsonId(mine.out), best);
  CliResult feedback =
      Run({"review", "feedback", best, "--feedback=useful", as_member});
  EXPECT_EQ(feedback.exit_code, 0) << feedback.err;

  // The audit trail has each step, by whom.
  CliResult audit =
      Run({"--json", "audit", "--kind=suggestion", "--id=" + best});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  std::vector<std::string> records = Lines(audit.out);
  ASSERT_EQ(records.size(), 4u) << audit.out;
  EXPECT_NE(records[0].find("ReviewService.ProposeSuggestions"),
            std::string::npos);
  EXPECT_NE(records[1].find("AdvanceSuggestion/claim"), std::string::npos);
  EXPECT_NE(records[2].find("AdvanceSuggestion/approve"), std::string::npos);
  EXPECT_NE(records[3].find("AdvanceSuggestion/feedback"), std::string::npos);
  EXPECT_NE(records[3].find("ORGANISATION_MEMBER"), std::string::npos);

  // Revoked: the member's token stops working.
  CliResult who_json = Run({"--json", "token", "whoami", as_member});
  const std::string account = JsonId(who_json.out);
  ASSERT_FALSE(account.empty()) << who_json.out;
  EXPECT_EQ(Run({"token", "revoke", account}).exit_code, 0);
  CliResult revoked = Run({"token", "whoami", as_member});
  EXPECT_EQ(revoked.exit_code, 1);
  EXPECT_NE(revoked.err.find("revoked"), std::string::npos) << revoked.err;
}

// The CLI over TLS: --ca_file trusts a certificate generated for this test.
TEST(CliTlsTest, CaFileConnectsOverTls) {
  char tmpl[] = "/tmp/pm-cli-tls-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const fs::path dir(tmpl);
  std::string error;
  testing::SelfSignedCert cert = testing::MakeSelfSignedCert(&error);
  ASSERT_FALSE(cert.cert_pem.empty()) << error;
  ASSERT_TRUE(testing::WriteCertFiles(dir.string(), &cert));
  ServerOptions options;
  options.data_dir = (dir / "data").string();
  options.listen_address = "127.0.0.1:0";
  options.tls_cert_file = cert.cert_path;
  options.tls_key_file = cert.key_path;
  auto server = PatentMatchServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto run = [&](const std::vector<std::string>& args) {
    std::string cmd = ShellQuote(PM_CLI_BINARY);
    for (const auto& a : args) cmd += " " + ShellQuote(a);
    cmd +=
        " >/dev/null 2>" + ShellQuote((dir / "err").string()) + " </dev/null";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  const std::string server_flag =
      "--server=localhost:" + std::to_string((*server)->port());
  const std::string token_flag =
      "--token_file=" + (*server)->admin_token_file();
  EXPECT_EQ(run({server_flag, token_flag, "--ca_file=" + cert.cert_path,
                 "--deadline_ms=5000", "token", "whoami"}),
            0)
      << ReadAll(dir / "err");
  // Plaintext against the TLS port fails.
  EXPECT_EQ(
      run({server_flag, token_flag, "--deadline_ms=3000", "token", "whoami"}),
      1);
  (*server)->Shutdown();
  server->reset();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace patentmatch
