// pm_event_bench: a docking event (对接活动) of 200 companies x 500 patents
// planned end to end on this machine. Starts PatentMatchServer in-process on
// 127.0.0.1:0 (precise push off, so the figures are the event's own; --push
// turns it on) and, through gRPC only, with the administrator token:
//  (1) setup, timed apart from the event: registers --holders organisations
//      (universities, research institutes, companies) and --companies
//      companies, imports --patents real patents dealt round-robin to the
//      holders (ImportPatents), and submits one need per company
//      (SubmitDemand);
//  (2) creates the event (--slots x --tables), registers every company
//      (COMPANY_SIDE, its open needs) and holder (HOLDER_SIDE, its
//      listings), states --wishes wishes and --refusals refusals;
//  (3) times PlanEvent --repeat times (each plans afresh; the first ranks
//      every pair, later ones reuse the rankings kept for the event while
//      nothing ranking reads has changed) and reports the
//      RPC's wall clock and the PlanSummary's solve_ms (LEMON solve +
//      placement) and total_ms (with scoring every need against the event's
//      listings), meetings, total quality and candidate pairs;
//  (3b) submits a need 100 ms into one more PlanEvent and times it (planning
//      ranks without the store's writer lock, so the write is not held up);
//  (4) cancels --cancellations companies one by one (CancelParticipation,
//      the minimal-change re-plan), timing each, and verifies that every
//      surviving meeting kept its slot and table and that the agenda keeps
//      every limit (nobody twice in a slot, at most --tables meetings per
//      slot, per-participant limits, refusals) — prints OK or FAIL and exits
//      non-zero on FAIL;
//  (5) times GetAgenda of the whole event and reports its size.
// The last line is a key=value summary. Run by hand from anywhere, never by
// ctest (the data defaults resolve against the source tree):
//
//   cmake --build build --target pm_event_bench && build/bin/pm_event_bench
//
// Data: patents are real (../shared/data/eval/dev_corpus.jsonl): first the
// relevant patents of the queries the companies' needs come from, then the
// corpus in order. The needs are the texts of real evaluation queries (the
// first 60 from dev_need_queries.jsonl, company-style; the rest from
// dev_queries.jsonl, keyphrases). The organisations, their names, kinds and
// districts, the listings' owners and deal modes, the needs' owners, the
// wishes and the refusals are samples written for this benchmark; the
// organisations, needs and the event are marked sample=true.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <sched.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "clients/bearer_channel.h"
#include "clients/import/patent_file_reader.h"
#include "patentmatch/v1/events.grpc.pb.h"
#include "patentmatch/v1/patentmatch.grpc.pb.h"
#include "services/server.h"

#ifndef PM_SHARED_DATA_DIR
#define PM_SHARED_DATA_DIR "../shared/data"
#endif

ABSL_FLAG(std::string, corpus, PM_SHARED_DATA_DIR "/eval/dev_corpus.jsonl",
          "patents (JSONL with id/title/abstract)");
ABSL_FLAG(std::string, need_queries,
          PM_SHARED_DATA_DIR "/eval/dev_need_queries.jsonl",
          "company-style needs: the first companies' needs (\"text\"; their "
          "\"relevant\" patents are imported first)");
ABSL_FLAG(std::string, keyphrase_queries,
          PM_SHARED_DATA_DIR "/eval/dev_queries.jsonl",
          "keyphrase queries: the needs of the remaining companies");
ABSL_FLAG(std::string, data_dir, "",
          "server data directory; default: a fresh temporary directory, "
          "removed at the end");
ABSL_FLAG(int, companies, 200, "companies, one need each");
ABSL_FLAG(int, patents, 500, "patents brought to the event");
ABSL_FLAG(int, holders, 100, "holder organisations (listings round-robin)");
ABSL_FLAG(int, slots, 12, "event time slots");
ABSL_FLAG(int, slot_minutes, 20, "minutes per slot");
ABSL_FLAG(int, tables, 60, "tables (meetings at once)");
ABSL_FLAG(int, max_per_company, 6, "meetings per company at most");
ABSL_FLAG(int, max_per_holder, 8, "meetings per holder at most");
ABSL_FLAG(int, wishes, 20, "company-holder pairs one side wants to meet");
ABSL_FLAG(int, refusals, 20, "company-holder pairs one side refuses");
ABSL_FLAG(int, repeat, 3, "timed PlanEvent (and GetAgenda) calls");
ABSL_FLAG(int, cancellations, 5, "companies cancelling after planning");
ABSL_FLAG(bool, push, false,
          "run precise push (off by default: the figures are the event's)");
ABSL_FLAG(int, deadline_s, 600, "deadline of each RPC, seconds");

namespace patentmatch::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
using PairKey = std::pair<std::string, std::string>;  // (company, holder)

// A path as printed: "/src/../shared/x" becomes "/shared/x".
std::string Shown(const std::string& path) {
  return fs::path(path).lexically_normal().string();
}

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

// Lower middle for an even count.
double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[(v.size() - 1) / 2];
}
double Min(const std::vector<double>& v) {
  return v.empty() ? 0 : *std::min_element(v.begin(), v.end());
}

std::string FirstLine(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      auto colon = line.find(':');
      if (colon == std::string::npos) return line;
      return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "?";
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return absl::StrCat(a, " ", b, " ", c);
}

int CpusAvailable() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return -1;
  return CPU_COUNT(&set);
}

// ---------------------------------------------------------------------------
// Data

struct Query {
  std::string text;
  std::vector<std::string> relevant;  // corpus ids
};

absl::StatusOr<std::vector<Query>> ReadQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<Query> queries;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    google::protobuf::Struct json;
    auto status = google::protobuf::util::JsonStringToMessage(line, &json);
    const auto& fields = json.fields();
    auto text = fields.find("text");
    if (!status.ok() || text == fields.end() ||
        text->second.string_value().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": line without \"text\": ", line.substr(0, 80)));
    }
    Query q;
    q.text = text->second.string_value();
    if (auto rel = fields.find("relevant"); rel != fields.end()) {
      for (const auto& v : rel->second.list_value().values()) {
        q.relevant.push_back(v.string_value());
      }
    }
    queries.push_back(std::move(q));
  }
  return queries;
}

// The id the server gives a listing (ValidateListing): publication number,
// else application number, else source id.
std::string ListingKey(const v1::PatentListing& l) {
  if (!l.publication_number().empty()) return l.publication_number();
  if (!l.application_number().empty()) return l.application_number();
  return l.source_id();
}

absl::StatusOr<std::vector<v1::PatentListing>> ReadCorpus(
    const std::string& path) {
  auto reader = import::PatentFileReader::Open(path);
  if (!reader.ok()) return reader.status();
  std::vector<v1::PatentListing> listings;
  int bad = 0;
  while (std::optional<import::ParsedRecord> rec = (*reader)->Next()) {
    if (!rec->errors.empty()) {
      ++bad;
      continue;
    }
    listings.push_back(std::move(rec->listing));
  }
  if (bad > 0) std::printf("  corpus: %d unreadable records skipped\n", bad);
  return listings;
}

// ---------------------------------------------------------------------------
// gRPC

struct Stubs {
  explicit Stubs(const std::shared_ptr<grpc::Channel>& channel)
      : orgs(v1::OrganisationService::NewStub(channel)),
        patents(v1::PatentService::NewStub(channel)),
        demands(v1::DemandService::NewStub(channel)),
        events(v1::EventService::NewStub(channel)) {}
  std::unique_ptr<v1::OrganisationService::Stub> orgs;
  std::unique_ptr<v1::PatentService::Stub> patents;
  std::unique_ptr<v1::DemandService::Stub> demands;
  std::unique_ptr<v1::EventService::Stub> events;
};

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(absl::GetFlag(FLAGS_deadline_s)));
  return ctx;
}

// Prints a failed RPC; true if `s` is OK.
bool Ok(const grpc::Status& s, const std::string& what, double ms = -1) {
  if (s.ok()) return true;
  std::fprintf(stderr, "%s failed (code %d%s): %s\n", what.c_str(),
               static_cast<int>(s.error_code()),
               ms >= 0 ? absl::StrFormat(", after %.1f ms", ms).c_str() : "",
               s.error_message().c_str());
  return false;
}

// ---------------------------------------------------------------------------
// Checks

// Every limit of `agenda`'s scheduled meetings; the problems found.
std::vector<std::string> CheckAgenda(const v1::Agenda& agenda,
                                     const std::set<PairKey>& refused) {
  std::vector<std::string> problems;
  const v1::DockingEvent& e = agenda.event();
  std::map<std::string, const v1::EventParticipant*> parts;
  for (const auto& p : agenda.participants()) parts[p.organisation_id()] = &p;
  std::set<std::pair<int, int>> slot_table;
  std::set<std::pair<int, std::string>> slot_org;
  std::map<int, int> per_slot;
  std::map<std::string, int> per_org;
  std::set<PairKey> pairs;
  for (const auto& m : agenda.meetings()) {
    if (m.status() != v1::MEETING_SCHEDULED) continue;
    const std::string where =
        absl::StrCat(m.id(), " (slot ", m.slot(), ", table ", m.table(), ")");
    if (m.slot() < 1 || m.slot() > e.slots() || m.table() < 1 ||
        m.table() > e.tables()) {
      problems.push_back(where + ": slot or table out of range");
    }
    if (!slot_table.insert({m.slot(), m.table()}).second) {
      problems.push_back(where + ": table used twice in the slot");
    }
    if (++per_slot[m.slot()] > e.tables()) {
      problems.push_back(where + ": more meetings than tables in the slot");
    }
    for (const auto& [org, side] :
         {std::pair<std::string, v1::EventSide>{m.company_organisation_id(),
                                                v1::COMPANY_SIDE},
          {m.holder_organisation_id(), v1::HOLDER_SIDE}}) {
      if (!slot_org.insert({m.slot(), org}).second) {
        problems.push_back(absl::StrCat(where, ": ", org, " twice in a slot"));
      }
      ++per_org[org];
      auto p = parts.find(org);
      if (p == parts.end() || p->second->side() != side) {
        problems.push_back(
            absl::StrCat(where, ": ", org, " not registered on its side"));
      } else if (p->second->cancelled()) {
        problems.push_back(absl::StrCat(where, ": ", org, " has cancelled"));
      }
    }
    const PairKey pair{m.company_organisation_id(), m.holder_organisation_id()};
    if (!pairs.insert(pair).second) {
      problems.push_back(where + ": the pair meets twice");
    }
    if (refused.count(pair)) {
      problems.push_back(where + ": a refused pair is planned");
    }
  }
  for (const auto& [org, count] : per_org) {
    auto p = parts.find(org);
    if (p == parts.end()) continue;
    int limit = p->second->max_meetings() > 0
                    ? p->second->max_meetings()
                    : (p->second->side() == v1::COMPANY_SIDE
                           ? e.max_meetings_per_company()
                           : e.max_meetings_per_holder());
    limit = std::min(limit, e.slots());
    if (count > limit) {
      problems.push_back(
          absl::StrCat(org, ": ", count, " meetings, over its limit ", limit));
    }
  }
  return problems;
}

int Scheduled(const v1::Agenda& agenda) {
  int n = 0;
  for (const auto& m : agenda.meetings()) {
    if (m.status() == v1::MEETING_SCHEDULED) ++n;
  }
  return n;
}

// A late cancellation of `company`: `before` is the agenda before it,
// `r` the CancelParticipation response.
std::vector<std::string> CheckReplan(const v1::Agenda& before,
                                     const v1::ReplanResponse& r,
                                     const std::string& company) {
  std::vector<std::string> problems;
  std::map<std::string, const v1::Meeting*> after;
  for (const auto& m : r.agenda().meetings()) after[m.id()] = &m;
  std::set<std::string> cancelled_ids(r.cancelled_meeting_ids().begin(),
                                      r.cancelled_meeting_ids().end());
  int kept = 0, cancelled = 0;
  std::set<std::string> scheduled_before;
  for (const auto& m : before.meetings()) {
    if (m.status() != v1::MEETING_SCHEDULED) continue;
    scheduled_before.insert(m.id());
    auto it = after.find(m.id());
    if (m.company_organisation_id() == company) {
      ++cancelled;
      if (!cancelled_ids.count(m.id())) {
        problems.push_back(
            absl::StrCat(m.id(), ": the company's meeting not cancelled"));
      }
      if (it != after.end() && it->second->status() != v1::MEETING_CANCELLED) {
        problems.push_back(absl::StrCat(m.id(), ": still scheduled"));
      }
      continue;
    }
    ++kept;
    if (it == after.end() || it->second->status() != v1::MEETING_SCHEDULED) {
      problems.push_back(absl::StrCat(m.id(), ": a surviving meeting is gone"));
    } else if (it->second->slot() != m.slot() ||
               it->second->table() != m.table() ||
               it->second->company_organisation_id() !=
                   m.company_organisation_id() ||
               it->second->holder_organisation_id() !=
                   m.holder_organisation_id()) {
      problems.push_back(absl::StrFormat(
          "%s: moved from slot %d table %d to slot %d table %d", m.id(),
          m.slot(), m.table(), it->second->slot(), it->second->table()));
    }
  }
  for (const auto& id : r.added_meeting_ids()) {
    auto it = after.find(id);
    if (scheduled_before.count(id) || it == after.end() ||
        it->second->status() != v1::MEETING_SCHEDULED) {
      problems.push_back(absl::StrCat(id, ": 'added' but not a new meeting"));
    }
  }
  const v1::PlanSummary& s = r.agenda().event().plan();
  if (s.kept() != kept || s.cancelled() != cancelled ||
      s.added() != r.added_meeting_ids_size() ||
      static_cast<int>(cancelled_ids.size()) != cancelled ||
      s.meetings() != Scheduled(r.agenda()) ||
      s.meetings() != kept + s.added()) {
    problems.push_back(absl::StrFormat(
        "summary kept/added/cancelled/meetings %d/%d/%d/%d; agenda says "
        "%d/%d/%d/%d",
        s.kept(), s.added(), s.cancelled(), s.meetings(), kept,
        r.added_meeting_ids_size(), cancelled, Scheduled(r.agenda())));
  }
  return problems;
}

bool Report(const char* what, const std::vector<std::string>& problems) {
  std::printf("  check %s: %s\n", what, problems.empty() ? "OK" : "FAIL");
  for (size_t i = 0; i < problems.size() && i < 10; ++i) {
    std::printf("    %s\n", problems[i].c_str());
  }
  if (problems.size() > 10) {
    std::printf("    ... %zu problems in all\n", problems.size());
  }
  return problems.empty();
}

// ---------------------------------------------------------------------------

std::string& AdminToken() {
  static std::string token;
  return token;
}

int Run() {
  const int n_companies = std::max(1, absl::GetFlag(FLAGS_companies));
  const int n_patents = std::max(1, absl::GetFlag(FLAGS_patents));
  const int n_holders = std::max(1, absl::GetFlag(FLAGS_holders));
  const int repeat = std::max(1, absl::GetFlag(FLAGS_repeat));
  const int n_cancel = std::max(0, absl::GetFlag(FLAGS_cancellations));

  std::printf("machine: nproc %d, CPU %s, load average %s\n", CpusAvailable(),
              FirstLine("/proc/cpuinfo", "model name").c_str(),
              LoadAverage().c_str());

  // Data.
  auto need_queries = ReadQueries(absl::GetFlag(FLAGS_need_queries));
  auto key_queries = ReadQueries(absl::GetFlag(FLAGS_keyphrase_queries));
  auto corpus = ReadCorpus(absl::GetFlag(FLAGS_corpus));
  for (const absl::Status& s :
       {need_queries.status(), key_queries.status(), corpus.status()}) {
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
      return 2;
    }
  }
  if (need_queries->size() + key_queries->size() <
          static_cast<size_t>(n_companies) ||
      corpus->size() < static_cast<size_t>(n_patents)) {
    std::fprintf(stderr, "not enough queries (%zu) or patents (%zu)\n",
                 need_queries->size() + key_queries->size(), corpus->size());
    return 2;
  }
  std::vector<const Query*> needs;  // company i's need
  for (const auto& q : *need_queries) {
    if (needs.size() < static_cast<size_t>(n_companies)) needs.push_back(&q);
  }
  const size_t from_need_queries = needs.size();
  for (const auto& q : *key_queries) {
    if (needs.size() < static_cast<size_t>(n_companies)) needs.push_back(&q);
  }
  // Patents: the needs' relevant ones first, then the corpus in order.
  std::unordered_map<std::string, size_t> corpus_index;
  for (size_t i = 0; i < corpus->size(); ++i) {
    corpus_index.emplace(ListingKey((*corpus)[i]), i);
  }
  std::vector<size_t> chosen;  // corpus indices; patent j → holder j % H
  std::unordered_map<std::string, size_t> position;  // id → j
  int relevant_missing = 0;
  auto take = [&](size_t i) {
    if (chosen.size() >= static_cast<size_t>(n_patents)) return;
    if (position.emplace(ListingKey((*corpus)[i]), chosen.size()).second) {
      chosen.push_back(i);
    }
  };
  for (const Query* q : needs) {
    for (const auto& id : q->relevant) {
      auto it = corpus_index.find(id);
      if (it == corpus_index.end()) {
        ++relevant_missing;
      } else {
        take(it->second);
      }
    }
  }
  const size_t relevant_taken = chosen.size();
  for (size_t i = 0; i < corpus->size(); ++i) take(i);

  auto company_id = [](int i) { return absl::StrFormat("EVC%03d", i + 1); };
  auto holder_id = [](int h) { return absl::StrFormat("EVH%03d", h + 1); };
  std::printf(
      "data: %d companies (%zu needs from %s, %zu from %s), %zu patents "
      "(%zu relevant to the needs%s, then corpus order) from %s, %d holders\n",
      n_companies, from_need_queries,
      Shown(absl::GetFlag(FLAGS_need_queries)).c_str(),
      needs.size() - from_need_queries,
      Shown(absl::GetFlag(FLAGS_keyphrase_queries)).c_str(), chosen.size(),
      relevant_taken,
      relevant_missing > 0
          ? absl::StrFormat(", %d relevant ids not in the corpus",
                            relevant_missing)
                .c_str()
          : "",
      Shown(absl::GetFlag(FLAGS_corpus)).c_str(), n_holders);

  // Server.
  std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  const bool temporary = data_dir.empty();
  if (temporary) {
    std::string tmpl = (fs::temp_directory_path() / "pm_event_bench.XXXXXX");
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    data_dir = tmpl;
  }
  struct Cleanup {
    std::string dir;
    bool remove;
    ~Cleanup() {
      std::error_code ec;
      if (remove) fs::remove_all(dir, ec);
    }
  } cleanup{data_dir, temporary};

  ServerOptions options;
  options.data_dir = data_dir;
  options.listen_address = "127.0.0.1:0";
  options.push.enabled = absl::GetFlag(FLAGS_push);
  auto start = Clock::now();
  auto server = PatentMatchServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "start: %s\n",
                 std::string(server.status().message()).c_str());
    return 1;
  }
  {
    std::ifstream file((*server)->admin_token_file());
    std::getline(file, AdminToken());
  }
  const std::string target = (*server)->target();
  std::printf("server on %s, started in %.0f ms; data_dir %s%s; push %s\n",
              target.c_str(), MsSince(start), data_dir.c_str(),
              temporary ? " (temporary)" : "",
              options.push.enabled ? "ON" : "off");
  std::fflush(stdout);
  Stubs rpc(ChannelWithToken(target, AdminToken()));

  // (1) Setup.
  const auto setup_start = Clock::now();
  start = Clock::now();
  static constexpr v1::OrganisationKind kHolderKinds[] = {
      v1::UNIVERSITY, v1::RESEARCH_INSTITUTE, v1::PRIVATE_COMPANY,
      v1::STATE_OWNED_COMPANY};
  static constexpr const char* kHolderNames[] = {"高校", "研究院", "科技公司",
                                                 "集团"};
  for (int k = 0; k < n_holders + n_companies; ++k) {
    const bool holder = k < n_holders;
    const int i = holder ? k : k - n_holders;
    v1::RegisterOrganisationRequest req;
    v1::Organisation* o = req.mutable_organisation();
    if (holder) {
      o->set_id(holder_id(i));
      o->set_kind(kHolderKinds[i % 4]);
      o->set_name(absl::StrFormat("样例%s%03d（基准测试）", kHolderNames[i % 4],
                                  i + 1));
    } else {
      o->set_id(company_id(i));
      o->set_kind(i % 5 == 4 ? v1::STATE_OWNED_COMPANY : v1::PRIVATE_COMPANY);
      o->set_name(absl::StrFormat("样例制造企业%03d（基准测试）", i + 1));
      o->set_high_tech(i % 3 == 0);
    }
    o->set_district(static_cast<v1::District>(1 + k % 7));
    o->set_sample(true);
    v1::Organisation out;
    if (!Ok(rpc.orgs->RegisterOrganisation(Ctx().get(), req, &out),
            "RegisterOrganisation " + o->id())) {
      return 1;
    }
  }
  const double orgs_ms = MsSince(start);

  start = Clock::now();
  int64_t imported = 0;
  {
    v1::ImportPatentsResponse response;
    auto ctx = Ctx();
    auto writer = rpc.patents->ImportPatents(ctx.get(), &response);
    for (size_t j = 0; j < chosen.size(); ++j) {
      v1::ImportPatentRecord record;
      v1::PatentListing* l = record.mutable_listing();
      *l = (*corpus)[chosen[j]];
      l->set_owner_organisation_id(holder_id(static_cast<int>(j) % n_holders));
      switch (j % 3) {
        case 0:
          l->add_deal_modes(v1::LICENCE_OPEN);
          l->mutable_open_licence()->set_royalty_rate_percent(3);
          l->mutable_open_licence()->set_period_years(5);
          break;
        case 1:
          l->add_deal_modes(v1::TRANSFER);
          break;
        default:
          l->add_deal_modes(v1::LICENCE_ORDINARY);
          l->add_deal_modes(v1::TRANSFER);
          break;
      }
      record.set_source_line(static_cast<int64_t>(chosen[j]) + 1);
      record.set_source_name(absl::GetFlag(FLAGS_corpus));
      if (!writer->Write(record)) break;
    }
    writer->WritesDone();
    if (!Ok(writer->Finish(), "ImportPatents", MsSince(start))) return 1;
    imported = response.created() + response.updated();
    if (response.rejected() > 0) {
      for (const auto& r : response.results()) {
        if (r.outcome() == v1::ImportRecordResult::REJECTED) {
          std::fprintf(
              stderr, "rejected %s: %s\n", r.id().c_str(),
              r.errors_size() > 0 ? r.errors(0).message().c_str() : "");
          break;
        }
      }
    }
    if (imported != static_cast<int64_t>(chosen.size())) {
      std::fprintf(stderr, "ImportPatents: %lld of %zu patents imported\n",
                   static_cast<long long>(imported), chosen.size());
      return 1;
    }
  }
  const double import_ms = MsSince(start);

  start = Clock::now();
  for (int i = 0; i < n_companies; ++i) {
    v1::SubmitDemandRequest req;
    v1::Demand* d = req.mutable_demand();
    d->set_organisation_id(company_id(i));
    d->set_description(needs[i]->text);
    d->set_sample(true);
    v1::Demand out;
    if (!Ok(rpc.demands->SubmitDemand(Ctx().get(), req, &out),
            "SubmitDemand for " + company_id(i))) {
      return 1;
    }
  }
  const double demands_ms = MsSince(start);
  double push_ms = 0;
  if (options.push.enabled) {
    start = Clock::now();
    absl::Status s = (*server)->AwaitPush(absl::Minutes(10));
    push_ms = MsSince(start);
    if (!s.ok()) {
      std::fprintf(stderr, "AwaitPush: %s\n", std::string(s.message()).c_str());
    }
  }
  const double setup_ms = MsSince(setup_start);
  std::printf(
      "[1] setup (not part of the event): %.2f s\n"
      "  %d organisations registered in %.0f ms; %lld patents imported in "
      "%.0f ms (one stream, indexed); %d needs submitted in %.0f ms%s\n",
      setup_ms / 1000, n_holders + n_companies, orgs_ms,
      static_cast<long long>(imported), import_ms, n_companies, demands_ms,
      options.push.enabled
          ? absl::StrFormat("; push caught up %.0f ms later", push_ms).c_str()
          : "");
  std::fflush(stdout);

  // (2) The event and its participants.
  const auto event_start = Clock::now();
  v1::CreateEventRequest create;
  {
    v1::DockingEvent* e = create.mutable_event();
    e->set_name("基准测试技术对接会（样例）");
    e->set_date("2025-06-18");
    e->set_venue("江门市科技馆（样例）");
    e->set_slots(absl::GetFlag(FLAGS_slots));
    e->set_slot_minutes(absl::GetFlag(FLAGS_slot_minutes));
    e->set_tables(absl::GetFlag(FLAGS_tables));
    e->set_max_meetings_per_company(absl::GetFlag(FLAGS_max_per_company));
    e->set_max_meetings_per_holder(absl::GetFlag(FLAGS_max_per_holder));
    e->set_sample(true);
  }
  v1::DockingEvent event;
  if (!Ok(rpc.events->CreateEvent(Ctx().get(), create, &event),
          "CreateEvent")) {
    return 1;
  }
  start = Clock::now();
  int64_t listings_brought = 0;
  for (int k = 0; k < n_companies + n_holders; ++k) {
    const bool company = k < n_companies;
    v1::RegisterParticipantRequest req;
    v1::EventParticipant* p = req.mutable_participant();
    p->set_event_id(event.id());
    p->set_organisation_id(company ? company_id(k)
                                   : holder_id(k - n_companies));
    p->set_side(company ? v1::COMPANY_SIDE : v1::HOLDER_SIDE);
    v1::EventParticipant out;
    if (!Ok(rpc.events->RegisterParticipant(Ctx().get(), req, &out),
            "RegisterParticipant " + p->organisation_id())) {
      return 1;
    }
    listings_brought += out.patent_ids_size();
  }
  const double register_ms = MsSince(start);

  // Wishes: companies 5, 15, ... name a spread of holders. Refusals:
  // companies 1, 11, ... refuse the holder of their need's first relevant
  // patent (a pair that would otherwise rank high).
  start = Clock::now();
  std::set<PairKey> wished, refused;
  const int n_wishes = std::min(absl::GetFlag(FLAGS_wishes), n_companies);
  const int n_refusals = std::min(absl::GetFlag(FLAGS_refusals), n_companies);
  for (int k = 0; k < n_wishes + n_refusals; ++k) {
    const bool wish = k < n_wishes;
    const int r = wish ? k : k - n_wishes;
    const int c = (10 * r + (wish ? 5 : 1)) % n_companies;
    int h = (7 * r + 3) % n_holders;
    if (!wish) {
      for (const auto& id : needs[c]->relevant) {
        if (auto it = position.find(id); it != position.end()) {
          h = static_cast<int>(it->second) % n_holders;
          break;
        }
      }
    }
    PairKey pair{company_id(c), holder_id(h)};
    while (wished.count(pair) || refused.count(pair)) {
      h = (h + 1) % n_holders;
      pair.second = holder_id(h);
    }
    (wish ? wished : refused).insert(pair);
    v1::SetPairPreferenceRequest req;
    req.set_event_id(event.id());
    req.set_company_organisation_id(pair.first);
    req.set_holder_organisation_id(pair.second);
    req.set_stated_by(r % 2 == 0 ? v1::COMPANY_SIDE : v1::HOLDER_SIDE);
    req.set_preference(wish ? v1::WANT_TO_MEET : v1::REFUSE_TO_MEET);
    req.set_note("基准测试样例");
    v1::SetPairPreferenceResponse out;
    if (!Ok(rpc.events->SetPairPreference(Ctx().get(), req, &out),
            "SetPairPreference")) {
      return 1;
    }
  }
  const double prefs_ms = MsSince(start);
  std::printf(
      "[2] event %s: %d slots x %d tables (%d min), limits company %d / "
      "holder %d; registered %d companies + %d holders (%lld listings) in "
      "%.0f ms (%.1f ms/call); %zu wishes + %zu refusals in %.0f ms\n",
      event.id().c_str(), event.slots(), event.tables(), event.slot_minutes(),
      event.max_meetings_per_company(), event.max_meetings_per_holder(),
      n_companies, n_holders, static_cast<long long>(listings_brought),
      register_ms, register_ms / (n_companies + n_holders), wished.size(),
      refused.size(), prefs_ms);
  std::fflush(stdout);

  // (3) PlanEvent, --repeat times.
  std::vector<double> plan_ms, solve_ms, total_ms;
  v1::Agenda agenda;
  bool all_ok = true;
  std::printf("[3] PlanEvent x %d (each plans afresh):\n", repeat);
  for (int i = 0; i < repeat; ++i) {
    v1::PlanEventRequest req;
    req.set_event_id(event.id());
    v1::Agenda out;
    start = Clock::now();
    grpc::Status s = rpc.events->PlanEvent(Ctx().get(), req, &out);
    const double ms = MsSince(start);
    if (!Ok(s, "PlanEvent", ms)) return 1;
    const v1::PlanSummary& p = out.event().plan();
    plan_ms.push_back(ms);
    solve_ms.push_back(p.solve_ms());
    total_ms.push_back(p.total_ms());
    std::printf(
        "  #%d: rpc %.1f ms, total_ms %.1f, solve_ms %.1f; version %d, %d "
        "meetings, quality %.4f, %d candidate pairs (%d wished, %d refused), "
        "agenda %.1f KB\n",
        i + 1, ms, p.total_ms(), p.solve_ms(), p.version(), p.meetings(),
        p.total_quality(), p.candidate_pairs(), p.wished_pairs(),
        p.refused_pairs(), out.ByteSizeLong() / 1024.0);
    if (i > 0 && (p.meetings() != agenda.event().plan().meetings() ||
                  std::abs(p.total_quality() -
                           agenda.event().plan().total_quality()) > 1e-6)) {
      std::printf("  note: this plan differs from the previous one\n");
    }
    std::fflush(stdout);
    agenda = std::move(out);
  }
  const v1::PlanSummary plan = agenda.event().plan();
  // The first plan ranks every pair; later ones reuse the rankings while
  // nothing ranking reads has changed (EventRankingCache).
  const std::vector<double> again(plan_ms.begin() + 1, plan_ms.end());
  std::printf(
      "  PlanEvent rpc: first %.1f ms (ranks every pair), again median "
      "%.1f ms (rankings kept); total_ms first %.1f; solve_ms median %.1f "
      "(min %.1f)\n  optimality: %s\n",
      plan_ms[0], again.empty() ? 0.0 : Median(again), total_ms[0],
      Median(solve_ms), Min(solve_ms), plan.optimality().c_str());
  {
    int wished_met = 0, slots_used = 0;
    std::set<int> slots;
    std::set<std::string> companies_met, holders_met;
    for (const auto& m : agenda.meetings()) {
      if (m.status() != v1::MEETING_SCHEDULED) continue;
      if (m.wished()) ++wished_met;
      slots.insert(m.slot());
      companies_met.insert(m.company_organisation_id());
      holders_met.insert(m.holder_organisation_id());
    }
    slots_used = static_cast<int>(slots.size());
    std::printf(
        "  agenda: %d meetings in %d slots (%.0f%% of %d places), %zu of %d "
        "companies and %zu of %d holders meet someone, %d wished meetings\n",
        plan.meetings(), slots_used,
        100.0 * plan.meetings() / (event.slots() * event.tables()),
        event.slots() * event.tables(), companies_met.size(), n_companies,
        holders_met.size(), n_holders, wished_met);
  }
  all_ok &= Report("plan limits", CheckAgenda(agenda, refused));
  std::fflush(stdout);

  // (3b) A write while PlanEvent runs: planning ranks without the store's
  // writer lock, so a need submitted meanwhile is not held up by it.
  double write_during_plan_ms = 0;
  {
    v1::SubmitDemandRequest need;
    need.mutable_demand()->set_organisation_id(company_id(0));
    need.mutable_demand()->set_description(needs[0]->text);
    need.mutable_demand()->set_sample(true);
    v1::Demand submitted;
    // A change to the store first, so the plan ranks every pair again
    // rather than reusing the rankings kept from step 3.
    if (!Ok(rpc.demands->SubmitDemand(Ctx().get(), need, &submitted),
            "SubmitDemand before PlanEvent")) {
      return 1;
    }
    v1::PlanEventRequest req;
    req.set_event_id(event.id());
    v1::Agenda out;
    grpc::Status plan_status;
    double plan_rpc_ms = 0;
    std::thread planner([&] {
      const auto t = Clock::now();
      plan_status = rpc.events->PlanEvent(Ctx().get(), req, &out);
      plan_rpc_ms = MsSince(t);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto t = Clock::now();
    grpc::Status s = rpc.demands->SubmitDemand(Ctx().get(), need, &submitted);
    write_during_plan_ms = MsSince(t);
    planner.join();
    if (!Ok(s, "SubmitDemand during PlanEvent", write_during_plan_ms) ||
        !Ok(plan_status, "PlanEvent", plan_rpc_ms)) {
      return 1;
    }
    std::printf(
        "[3b] SubmitDemand 100 ms into a PlanEvent: %.1f ms (the PlanEvent "
        "took %.1f ms%s; %d meetings, quality %.4f)\n",
        write_during_plan_ms, plan_rpc_ms,
        plan_rpc_ms < 100 + write_during_plan_ms
            ? ", so it ended before the write: no overlap"
            : "",
        out.event().plan().meetings(), out.event().plan().total_quality());
    all_ok &= Report("plan with a write meanwhile", CheckAgenda(out, refused));
    agenda = std::move(out);
    std::fflush(stdout);
  }

  // (4) Late cancellations: companies with meetings, spread over the list.
  std::vector<std::string> with_meetings;
  {
    std::set<std::string> met;
    for (const auto& m : agenda.meetings()) {
      if (m.status() == v1::MEETING_SCHEDULED) {
        met.insert(m.company_organisation_id());
      }
    }
    with_meetings.assign(met.begin(), met.end());
  }
  std::vector<double> replan_ms, replan_solve_ms;
  int added = 0, cancelled = 0;
  std::printf("[4] CancelParticipation x %d (minimal-change re-plan):\n",
              n_cancel);
  const size_t cancels =
      std::min(static_cast<size_t>(n_cancel), with_meetings.size());
  for (size_t k = 0; k < cancels; ++k) {
    const std::string& company =
        with_meetings[k * with_meetings.size() / cancels];
    v1::CancelParticipationRequest req;
    req.set_event_id(event.id());
    req.set_organisation_id(company);
    req.set_reason("基准测试：临时取消");
    v1::ReplanResponse out;
    start = Clock::now();
    grpc::Status s = rpc.events->CancelParticipation(Ctx().get(), req, &out);
    const double ms = MsSince(start);
    if (!Ok(s, "CancelParticipation " + company, ms)) return 1;
    const v1::PlanSummary& p = out.agenda().event().plan();
    replan_ms.push_back(ms);
    replan_solve_ms.push_back(p.solve_ms());
    added += p.added();
    cancelled += p.cancelled();
    std::printf(
        "  %s: rpc %.1f ms, solve_ms %.2f; kept %d, added %d, cancelled %d "
        "-> %d meetings, quality %.4f (version %d)\n",
        company.c_str(), ms, p.solve_ms(), p.kept(), p.added(), p.cancelled(),
        p.meetings(), p.total_quality(), p.version());
    all_ok &= Report("surviving meetings in place",
                     CheckReplan(agenda, out, company));
    all_ok &= Report("limits", CheckAgenda(out.agenda(), refused));
    std::fflush(stdout);
    agenda = out.agenda();
  }
  if (cancels > 0) {
    std::printf(
        "  CancelParticipation rpc: min %.1f ms, median %.1f ms; solve_ms "
        "median %.2f; in all %d added, %d cancelled, %d meetings left\n",
        Min(replan_ms), Median(replan_ms), Median(replan_solve_ms), added,
        cancelled, Scheduled(agenda));
  }

  // (5) The whole event's agenda.
  std::vector<double> agenda_ms;
  size_t agenda_bytes = 0;
  int agenda_meetings = 0;
  for (int i = 0; i < repeat; ++i) {
    v1::GetAgendaRequest req;
    req.set_event_id(event.id());
    v1::Agenda out;
    start = Clock::now();
    grpc::Status s = rpc.events->GetAgenda(Ctx().get(), req, &out);
    const double ms = MsSince(start);
    if (!Ok(s, "GetAgenda", ms)) return 1;
    agenda_ms.push_back(ms);
    agenda_bytes = out.ByteSizeLong();
    agenda_meetings = out.meetings_size();
    if (i == 0) {
      all_ok &= Report("GetAgenda limits", CheckAgenda(out, refused));
    }
  }
  std::printf(
      "[5] GetAgenda (whole event) x %d: min %.1f ms, median %.1f ms; %d "
      "meetings (cancelled included), %d participants, %.1f KB\n",
      repeat, Min(agenda_ms), Median(agenda_ms), agenda_meetings,
      n_companies + n_holders, agenda_bytes / 1024.0);
  std::printf("event part (create .. agenda): %.2f s; load average now %s\n",
              MsSince(event_start) / 1000, LoadAverage().c_str());
  std::printf("verification: %s\n", all_ok ? "OK" : "FAIL");
  std::fflush(stdout);

  (*server)->Shutdown();
  server.value().reset();

  std::printf(
      "event_companies=%d patents=%zu holders=%d plan_ms_first=%.1f "
      "plan_ms_again_median=%.1f solve_ms=%.1f replan_ms_median=%.1f "
      "meetings=%d quality=%.4f total_ms_first=%.1f candidate_pairs=%d "
      "agenda_ms=%.1f agenda_kb=%.1f "
      "write_during_plan_ms=%.1f setup_s=%.2f push=%d verify=%s\n",
      n_companies, chosen.size(), n_holders, plan_ms[0],
      again.empty() ? 0.0 : Median(again), Median(solve_ms), Median(replan_ms),
      plan.meetings(), plan.total_quality(), total_ms[0],
      plan.candidate_pairs(), Median(agenda_ms), agenda_bytes / 1024.0,
      write_during_plan_ms, setup_ms / 1000, options.push.enabled ? 1 : 0,
      all_ok ? "OK" : "FAIL");
  std::fflush(stdout);
  return all_ok ? 0 : 1;
}

}  // namespace
}  // namespace patentmatch::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Docking-event benchmark: a 200-company x 500-patent event planned, "
      "re-planned after cancellations and read back through gRPC from an "
      "in-process patentmatch server on 127.0.0.1.");
  absl::ParseCommandLine(argc, argv);
  return patentmatch::bench::Run();
}
