// Reads patent listings from the files users actually have: CSV exports of
// patent databases (UTF-8 or GB18030/GBK, detected; Chinese or English
// column headers) and JSON Lines. Each record comes back with the line it
// started on, its parse errors and warnings, so a caller can report a bad row
// by line and field and keep every good row.
//
//   auto reader = PatentFileReader::Open("export.csv");
//   if (!reader.ok()) ...;  // unreadable file, unknown format, no usable
//   header while (auto rec = (*reader)->Next()) {
//     if (!rec->errors.empty()) report(rec->line, rec->errors); else
//     send(rec->listing);
//   }
//
// The reader only parses and maps fields; it does not decide whether a
// publication number or IPC code is valid (the server does, for every
// client alike).
#ifndef PATENTMATCH_CLIENTS_IMPORT_PATENT_FILE_READER_H_
#define PATENTMATCH_CLIENTS_IMPORT_PATENT_FILE_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "patentmatch/v1/patentmatch.pb.h"

namespace patentmatch::import {

enum class FileFormat { kCsv, kJsonLines };
enum class TextEncoding { kUtf8, kGb18030 };

struct ParsedRecord {
  int64_t line = 0;  // 1-based line on which the record starts
  v1::PatentListing listing;
  std::vector<v1::FieldError> errors;    // non-empty: do not send
  std::vector<v1::FieldError> warnings;  // sent, but tell the user
};

class PatentFileReader {
 public:
  // Format from the extension (.csv, .jsonl/.json/.ndjson), encoding detected
  // from the bytes. Reads the whole file into memory (exports are at most a
  // few hundred MB).
  static absl::StatusOr<std::unique_ptr<PatentFileReader>> Open(
      const std::string& path);
  // Same, over bytes already in memory; `name` is used in messages.
  static absl::StatusOr<std::unique_ptr<PatentFileReader>> FromBytes(
      std::string bytes, FileFormat format, const std::string& name);

  virtual ~PatentFileReader() = default;
  // The next record, or nullopt at end of input.
  virtual std::optional<ParsedRecord> Next() = 0;
  virtual TextEncoding encoding() const = 0;
  // Columns of a CSV header that map to no field (reported once).
  virtual std::vector<std::string> unmapped_columns() const = 0;
  // Fraction of the input consumed, for progress display.
  virtual double progress() const = 0;
};

}  // namespace patentmatch::import

#endif  // PATENTMATCH_CLIENTS_IMPORT_PATENT_FILE_READER_H_
