// `patentmatch review watch`: follows the suggestion feed (precise push,
// ReviewService.WatchSuggestions) — one line per new or newly approved
// suggestion as it happens, until Ctrl-C, --max notices, or the end of the
// backlog with --backlog_only. On the way out it says which --after
// position resumes the feed without missing or repeating a notice.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <limits>
#include <thread>

#include "clients/cli/agenda_format.h"
#include "clients/cli/cli.h"
#include "clients/cli/filter.h"
#include "clients/cli/output.h"
#include "patentmatch/v1/review.grpc.pb.h"

namespace patentmatch::cli {
namespace {

// Write end of the self-pipe the signal handler wakes the canceller with;
// a write(2) is all a handler may safely do, and it may run on any of
// gRPC's threads.
int g_stop_fd = -1;

extern "C" void OnStopSignal(int) {
  const int saved = errno;
  const char stop = 1;
  if (g_stop_fd >= 0) {
    ssize_t n = write(g_stop_fd, &stop, 1);
    (void)n;
  }
  errno = saved;
}

// While alive, Ctrl-C (or SIGTERM) cancels `ctx` instead of killing the
// process, so the stream ends normally and the resume position is printed.
class CancelOnSignal {
 public:
  explicit CancelOnSignal(grpc::ClientContext* ctx) {
    if (pipe2(fds_, O_CLOEXEC) != 0) {
      fds_[0] = fds_[1] = -1;
      return;  // no pipe: the default handlers stay, Ctrl-C just exits
    }
    g_stop_fd = fds_[1];
    struct sigaction sa = {};
    sa.sa_handler = OnStopSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
    waiter_ = std::thread([this, ctx] {
      char c = 0;
      ssize_t n;
      while ((n = read(fds_[0], &c, 1)) < 0 && errno == EINTR) {
      }
      if (n == 1 && c == 1) {
        interrupted_ = true;
        ctx->TryCancel();
      }
    });
  }
  ~CancelOnSignal() {
    if (fds_[1] < 0) return;
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    const char done = 0;  // wakes the waiter without cancelling
    ssize_t n = write(fds_[1], &done, 1);
    (void)n;
    waiter_.join();
    g_stop_fd = -1;
    close(fds_[0]);
    close(fds_[1]);
  }
  CancelOnSignal(const CancelOnSignal&) = delete;
  CancelOnSignal& operator=(const CancelOnSignal&) = delete;

  // True once a signal cancelled the call.
  bool interrupted() const { return interrupted_.load(); }

 private:
  int fds_[2] = {-1, -1};
  struct sigaction old_int_ = {};
  struct sigaction old_term_ = {};
  std::thread waiter_;
  std::atomic<bool> interrupted_{false};
};

}  // namespace

int ReviewWatch(Connection& conn, const Args& args) {
  if (!args.positional().empty()) return kExitUsage;
  v1::WatchSuggestionsRequest req;
  auto after = args.GetInt("after", 0);
  if (!after.ok()) return UsageFailure(after.status());
  if (*after < 0) return UsageFailure(UsageError("--after must be >= 0"));
  req.set_after_position(static_cast<uint64_t>(*after));
  auto max = args.GetInt("max", 0);
  if (!max.ok()) return UsageFailure(max.status());
  if (*max < 0 || *max > std::numeric_limits<int32_t>::max()) {
    return UsageFailure(UsageError("--max is out of range"));
  }
  req.set_max_notices(static_cast<int32_t>(*max));
  auto backlog_only = args.GetBool("backlog_only");
  if (!backlog_only.ok()) return UsageFailure(backlog_only.status());
  req.set_backlog_only(*backlog_only);

  auto stub = v1::ReviewService::NewStub(conn.channel());
  auto ctx = conn.NewContext();
  // Replaying the backlog is one bounded call; a live watch is meant to
  // run for days, so it has no deadline and ends by Ctrl-C.
  if (!req.backlog_only()) {
    ctx->set_deadline(std::chrono::system_clock::time_point::max());
  }
  uint64_t last = req.after_position();
  grpc::Status status;
  bool interrupted = false;
  {
    CancelOnSignal cancel_on_signal(ctx.get());
    auto reader = stub->WatchSuggestions(ctx.get(), req);
    v1::SuggestionNotice notice;
    while (reader->Read(&notice)) {
      last = notice.position();
      if (conn.options().json) {
        PrintJson(notice);
      } else {
        const v1::Suggestion& s = notice.suggestion();
        // A pushed pair for a company's pool has no need: name the company.
        const std::string& need = !s.demand_title().empty() ? s.demand_title()
                                  : !s.company_name().empty()
                                      ? s.company_name()
                                      : s.company_organisation_id();
        std::printf(
            "%llu  %-8s  %s  %.3f  %s → %s\n",
            static_cast<unsigned long long>(notice.position()),
            ShortLabel(v1::NoticeKind_descriptor(), notice.kind(),
                       "suggestion_")
                .c_str(),
            s.id().c_str(), s.score(), need.c_str(),
            (s.patent_title().empty() ? s.patent_id() : s.patent_title())
                .c_str());
      }
      std::fflush(stdout);  // a watcher reads each line as it comes
    }
    status = reader->Finish();
    interrupted = cancel_on_signal.interrupted();
  }
  // Where to resume, unless resuming the same way would fail again.
  const grpc::StatusCode code = status.error_code();
  if (interrupted || (code != grpc::StatusCode::INVALID_ARGUMENT &&
                      code != grpc::StatusCode::UNAUTHENTICATED &&
                      code != grpc::StatusCode::PERMISSION_DENIED)) {
    std::fprintf(stderr, "resume with --after=%llu\n",
                 static_cast<unsigned long long>(last));
  }
  if (!status.ok() && !interrupted) return ReportRpcError(status, "watch");
  return kExitOk;
}

// `patentmatch review push-status [--wait=SECONDS]`: how far precise push
// has got and its limits; --wait blocks until it has handled every change
// made before the call (scripts use it before reading the queue).
int ReviewPushStatus(Connection& conn, const Args& args) {
  if (!args.positional().empty()) {
    std::fprintf(stderr, "error: review push-status takes no arguments\n");
    return kExitUsage;
  }
  auto wait = args.GetInt("wait", 0);
  if (!wait.ok() || *wait < 0 || *wait > 600) {
    std::fprintf(stderr, "error: --wait: seconds between 0 and 600\n");
    return kExitUsage;
  }
  v1::GetPushStatusRequest request;
  request.set_wait_seconds(static_cast<int32_t>(*wait));
  v1::PushStatus status;
  auto stub = v1::ReviewService::NewStub(conn.channel());
  auto ctx = conn.NewContext(std::chrono::seconds(*wait));
  grpc::Status s = stub->GetPushStatus(ctx.get(), request, &status);
  if (!s.ok()) return ReportRpcError(s, "push status");
  if (conn.options().json) {
    PrintJson(status);
    return kExitOk;
  }
  std::printf("precise push:   %s\n", status.enabled() ? "on" : "off");
  std::printf(
      "limits:         %d companies per patent at once, %d suggestions "
      "per company per %lld h, a patent fits a need in its top %d\n",
      status.max_companies_per_patent(), status.max_per_company(),
      static_cast<long long>(status.period_seconds() / 3600), status.top_k());
  std::printf(
      "changes:        %llu of %llu handled%s\n",
      static_cast<unsigned long long>(status.handled_change()),
      static_cast<unsigned long long>(status.last_change()),
      status.handled_change() >= status.last_change() ? " (caught up)" : "");
  std::printf(
      "since start:    %llu suggested, %llu superseded, %llu dropped by "
      "the patent limit, %llu by the company limit\n",
      static_cast<unsigned long long>(status.suggested()),
      static_cast<unsigned long long>(status.superseded()),
      static_cast<unsigned long long>(status.dropped_by_patent_limit()),
      static_cast<unsigned long long>(status.dropped_by_company_limit()));
  return kExitOk;
}

}  // namespace patentmatch::cli
