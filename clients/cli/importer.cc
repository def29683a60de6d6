// Streams parsed patent files to ImportPatents in batches; see importer.h.
#include "clients/cli/importer.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/import/patent_file_reader.h"
#include "patentmatch/v1/patentmatch.grpc.pb.h"

namespace patentmatch::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kMaxWarningsShown = 20;
// Extra deadline per record in a stream, on top of --deadline_ms: a batch
// of 1000 records gets 20 s more, enough for a loaded 2-core server to
// index it, while a hung server is still noticed.
constexpr std::chrono::milliseconds kDeadlinePerRecord(20);

// Progress on stderr: rewritten in place on a terminal, one plain line per
// 10% otherwise (logs and CI should not fill with carriage returns).
class Progress {
 public:
  Progress(std::string file, bool enabled)
      : file_(std::move(file)),
        enabled_(enabled),
        tty_(isatty(STDERR_FILENO) != 0),
        start_(Clock::now()) {}

  void Update(double fraction, int64_t read, int64_t done, int64_t rejected,
              bool force = false) {
    if (!enabled_) return;
    auto now = Clock::now();
    if (tty_) {
      if (!force && now - last_ < std::chrono::milliseconds(100)) return;
      last_ = now;
      std::fprintf(stderr, "\r\033[K%s",
                   Text(fraction, read, done, rejected).c_str());
      shown_ = true;
    } else {
      int decile = static_cast<int>(fraction * 10);
      if (!force && decile <= last_decile_) return;
      last_decile_ = decile;
      std::fprintf(stderr, "%s\n",
                   Text(fraction, read, done, rejected).c_str());
    }
    std::fflush(stderr);
  }

  // Clears the progress line so that a diagnostic can be printed.
  void Clear() {
    if (tty_ && shown_) {
      std::fprintf(stderr, "\r\033[K");
      shown_ = false;
    }
  }

 private:
  std::string Text(double fraction, int64_t read, int64_t done,
                   int64_t rejected) const {
    double secs = std::chrono::duration<double>(Clock::now() - start_).count();
    double rate = secs > 0 ? read / secs : 0;
    return absl::StrFormat(
        "%s: %3.0f%%  %d records read, %d imported, %.0f records/s, %d "
        "rejected",
        file_, fraction * 100, read, done, rate, rejected);
  }

  std::string file_;
  bool enabled_;
  bool tty_;
  Clock::time_point start_;
  Clock::time_point last_{};
  int last_decile_ = -1;
  bool shown_ = false;
};

std::string FieldErrorText(const v1::FieldError& e) {
  return e.field().empty() ? e.message()
                           : absl::StrCat(e.field(), ": ", e.message());
}

// One open ImportPatents stream.
struct Stream {
  std::unique_ptr<grpc::ClientContext> ctx;
  v1::ImportPatentsResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportPatentRecord>> writer;
  int64_t written = 0;
};

}  // namespace

ImportFileResult ImportFile(const Connection& conn, const std::string& path,
                            const ImportOptions& options) {
  ImportFileResult result;
  result.file = path;
  const auto start = Clock::now();
  auto reader = import::PatentFileReader::Open(path);
  if (!reader.ok()) {
    std::fprintf(stderr, "%s: cannot import: %s\n", path.c_str(),
                 std::string(reader.status().message()).c_str());
    result.read_failed = true;
    return result;
  }
  Progress progress(path, options.show_progress);
  auto stub = v1::PatentService::NewStub(conn.channel());
  const int64_t batch = options.batch > 0 ? options.batch : 1000;

  int64_t rejections_shown = 0;
  auto report_rejection = [&](int64_t line, const std::string& text) {
    ++rejections_shown;
    if (options.max_rejections_shown >= 0 &&
        rejections_shown > options.max_rejections_shown) {
      return;
    }
    progress.Clear();
    std::fprintf(stderr, "%s:%lld: %s\n", path.c_str(),
                 static_cast<long long>(line), text.c_str());
  };
  int64_t warnings_shown = 0;
  auto report_warning = [&](int64_t line, const v1::FieldError& w) {
    ++result.warnings;
    if (warnings_shown >= kMaxWarningsShown) return;
    ++warnings_shown;
    progress.Clear();
    std::fprintf(stderr, "%s:%lld: warning: %s\n", path.c_str(),
                 static_cast<long long>(line), FieldErrorText(w).c_str());
  };

  if (auto unmapped = (*reader)->unmapped_columns(); !unmapped.empty()) {
    std::fprintf(stderr, "%s: columns not imported: %s\n", path.c_str(),
                 absl::StrJoin(unmapped, ", ").c_str());
  }

  std::unique_ptr<Stream> stream;
  // Closes the open stream and folds its results into `result`; false when
  // the server failed.
  auto finish_stream = [&]() -> bool {
    if (!stream) return true;
    std::unique_ptr<Stream> s = std::move(stream);
    s->writer->WritesDone();
    grpc::Status status = s->writer->Finish();
    if (!status.ok()) {
      result.rpc_status = status;
      return false;
    }
    const auto& r = s->response;
    result.created += r.created();
    result.updated += r.updated();
    result.rejected += r.rejected();
    for (const auto& rec : r.results()) {
      for (const auto& w : rec.warnings()) report_warning(rec.source_line(), w);
      if (rec.outcome() != v1::ImportRecordResult::REJECTED) continue;
      if (rec.errors_size() == 0) {
        report_rejection(rec.source_line(), "rejected by the server");
      }
      for (const auto& e : rec.errors()) {
        report_rejection(rec.source_line(), FieldErrorText(e));
      }
    }
    return true;
  };

  bool server_ok = true;
  while (auto rec = (*reader)->Next()) {
    ++result.received;
    for (const auto& w : rec->warnings) report_warning(rec->line, w);
    if (!rec->errors.empty()) {
      ++result.rejected;
      ++result.rejected_local;
      for (const auto& e : rec->errors) {
        report_rejection(rec->line, FieldErrorText(e));
      }
    } else {
      if (!stream) {
        stream = std::make_unique<Stream>();
        stream->ctx = conn.NewContext(kDeadlinePerRecord * batch);
        stream->writer =
            stub->ImportPatents(stream->ctx.get(), &stream->response);
      }
      v1::ImportPatentRecord out;
      *out.mutable_listing() = std::move(rec->listing);
      out.set_source_line(rec->line);
      out.set_source_name(path);
      // A failed write means the stream is broken; Finish() says why.
      if (!stream->writer->Write(out) || ++stream->written >= batch) {
        if (!(server_ok = finish_stream())) break;
      }
    }
    progress.Update((*reader)->progress(), result.received,
                    result.created + result.updated, result.rejected);
  }
  if (server_ok) server_ok = finish_stream();
  progress.Update(1.0, result.received, result.created + result.updated,
                  result.rejected, /*force=*/true);
  progress.Clear();
  if (options.max_rejections_shown >= 0 &&
      rejections_shown > options.max_rejections_shown) {
    std::fprintf(stderr, "%s: %lld more rejections not shown\n", path.c_str(),
                 static_cast<long long>(rejections_shown -
                                        options.max_rejections_shown));
  }
  if (result.warnings > warnings_shown) {
    std::fprintf(stderr, "%s: %lld warnings in all (first %lld shown)\n",
                 path.c_str(), static_cast<long long>(result.warnings),
                 static_cast<long long>(warnings_shown));
  }
  if (!server_ok) {
    std::fprintf(stderr, "%s: import stopped: %s: %s\n", path.c_str(),
                 StatusCodeName(result.rpc_status.error_code()).c_str(),
                 result.rpc_status.error_message().c_str());
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace patentmatch::cli
