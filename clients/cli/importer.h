// Bulk import of patent files through the client-streaming ImportPatents
// RPC, shared by `patentmatch patent import` and `patentmatch eval`.
// Records are read with PatentFileReader and written to the stream as they
// are parsed, one stream per batch, so the server indexes while the client
// parses and a huge file never becomes one giant response. Progress goes to
// stderr; every rejected record is reported as `FILE:LINE: field: message`.
#ifndef PATENTMATCH_CLIENTS_CLI_IMPORTER_H_
#define PATENTMATCH_CLIENTS_CLI_IMPORTER_H_

#include <cstdint>
#include <string>

#include "clients/cli/cli.h"

namespace patentmatch::cli {

struct ImportOptions {
  int64_t batch = 1000;       // records per stream
  bool show_progress = true;  // on stderr
  // Rejections printed before summarising (-1: all). Warnings are always
  // capped at 20 per file.
  int64_t max_rejections_shown = -1;
};

struct ImportFileResult {
  std::string file;
  int64_t received = 0;  // records read from the file
  int64_t created = 0;
  int64_t updated = 0;
  int64_t rejected = 0;        // local parse errors + server rejections
  int64_t rejected_local = 0;  // of which found by the reader
  int64_t warnings = 0;
  double seconds = 0;
  bool read_failed = false;  // the file could not be opened or read
  grpc::Status rpc_status;   // first failed stream, if any
};

// Imports one file; the result says whether it could be read and whether
// the server failed.
ImportFileResult ImportFile(const Connection& conn, const std::string& path,
                            const ImportOptions& options);

}  // namespace patentmatch::cli

#endif  // PATENTMATCH_CLIENTS_CLI_IMPORTER_H_
