// The CSV and JSON Lines readers behind PatentFileReader; see
// patent_file_reader.h. Both read the whole file, guess its encoding once,
// and convert field by field so that a damaged record is reported and the
// rest are kept.
#include "clients/import/patent_file_reader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/import/column_mapping.h"
#include "clients/import/csv_tokenizer.h"
#include "clients/import/json_lines.h"
#include "clients/import/text_encoding.h"

namespace patentmatch::import {
namespace {

void AddError(ParsedRecord* record, std::string_view field,
              std::string message) {
  v1::FieldError& e = record->errors.emplace_back();
  e.set_field(std::string(field));
  e.set_message(std::move(message));
}

// Keeps the names of unknown columns or keys in first-seen order, once.
class UnmappedNames {
 public:
  void Add(const std::string& name) {
    if (seen_.insert(name).second) names_.push_back(name);
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  absl::flat_hash_set<std::string> seen_;
  std::vector<std::string> names_;
};

class CsvPatentFileReader : public PatentFileReader {
 public:
  CsvPatentFileReader(std::string bytes, TextEncoding encoding,
                      std::unique_ptr<FieldDecoder> decoder)
      : bytes_(std::move(bytes)),
        text_(StripUtf8Bom(bytes_)),
        encoding_(encoding),
        decoder_(std::move(decoder)),
        tokenizer_(text_, DetectCsvSeparator(text_)) {}

  absl::Status ReadHeader(const std::string& name) {
    CsvRow header;
    // Blank lines before the header are skipped.
    do {
      if (!tokenizer_.Next(&header)) {
        return absl::InvalidArgumentError(
            absl::StrFormat("'%s' is empty: no header line", name));
      }
    } while (header.fields.size() == 1 && header.fields[0].empty());
    if (!header.error.empty()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "'%s' line %d (header): %s", name, header.line, header.error));
    }
    bool identifying = false;
    for (const std::string& raw : header.fields) {
      absl::StatusOr<std::string> column = decoder_->ToUtf8(raw);
      if (!column.ok()) {
        return absl::InvalidArgumentError(
            absl::StrFormat("'%s' line %d (header): %s", name, header.line,
                            column.status().message()));
      }
      std::string column_name(absl::StripAsciiWhitespace(*column));
      std::optional<ListingField> field = FieldForColumn(column_name);
      if (field.has_value()) {
        identifying = identifying || IsIdentifyingField(*field);
      } else {
        unmapped_.Add(column_name);
      }
      columns_.push_back({std::move(column_name), field});
    }
    if (!identifying) {
      std::vector<std::string> names;
      for (const Column& c : columns_) names.push_back(c.name);
      return absl::InvalidArgumentError(absl::StrFormat(
          "'%s': the header (%s) has no title, abstract or publication "
          "number column, e.g. 名称/title, 摘要/abstract, 公开号/"
          "publication_number",
          name, absl::StrJoin(names, ", ")));
    }
    return absl::OkStatus();
  }

  std::optional<ParsedRecord> Next() override {
    CsvRow row;
    while (tokenizer_.Next(&row)) {
      const bool blank =
          row.error.empty() &&
          std::all_of(row.fields.begin(), row.fields.end(),
                      [](const std::string& f) {
                        return absl::StripAsciiWhitespace(f).empty();
                      });
      if (!blank) return ToRecord(row);
    }
    return std::nullopt;
  }

  TextEncoding encoding() const override { return encoding_; }
  std::vector<std::string> unmapped_columns() const override {
    return unmapped_.names();
  }
  double progress() const override {
    return text_.empty() ? 1.0
                         : static_cast<double>(tokenizer_.offset()) /
                               static_cast<double>(text_.size());
  }

 private:
  struct Column {
    std::string name;
    std::optional<ListingField> field;
  };

  ParsedRecord ToRecord(const CsvRow& row) {
    ParsedRecord record;
    record.line = row.line;
    if (!row.error.empty()) {
      AddError(&record, "record",
               absl::StrCat("line ", row.line, ": ", row.error));
      return record;
    }
    if (row.fields.size() != columns_.size()) {
      AddError(&record, "record",
               absl::StrFormat("line %d has %d fields, the header has %d",
                               row.line, row.fields.size(), columns_.size()));
      return record;
    }
    for (size_t i = 0; i < columns_.size(); ++i) {
      const Column& column = columns_[i];
      if (!column.field.has_value() || row.fields[i].empty()) continue;
      absl::StatusOr<std::string> value = decoder_->ToUtf8(row.fields[i]);
      if (!value.ok()) {
        AddError(&record, column.name,
                 absl::StrFormat("line %d, column '%s': %s", row.line,
                                 column.name, value.status().message()));
        continue;
      }
      ApplyColumnValues(*column.field, column.name, {*std::move(value)},
                        &record);
    }
    FinishRecord(&record);
    return record;
  }

  const std::string bytes_;
  const std::string_view text_;  // bytes_ without a BOM
  const TextEncoding encoding_;
  std::unique_ptr<FieldDecoder> decoder_;
  CsvTokenizer tokenizer_;
  std::vector<Column> columns_;
  UnmappedNames unmapped_;
};

class JsonLinesPatentFileReader : public PatentFileReader {
 public:
  JsonLinesPatentFileReader(std::string bytes, TextEncoding encoding,
                            std::unique_ptr<FieldDecoder> decoder)
      : bytes_(std::move(bytes)),
        text_(StripUtf8Bom(bytes_)),
        encoding_(encoding),
        decoder_(std::move(decoder)) {}

  std::optional<ParsedRecord> Next() override {
    while (pos_ < text_.size()) {
      size_t end = text_.find('\n', pos_);
      if (end == std::string_view::npos) end = text_.size();
      const std::string_view raw = text_.substr(pos_, end - pos_);
      pos_ = end + 1;
      const int64_t line = ++line_;
      if (raw.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        continue;
      }
      return ToRecord(raw, line);
    }
    return std::nullopt;
  }

  TextEncoding encoding() const override { return encoding_; }
  std::vector<std::string> unmapped_columns() const override {
    return unmapped_.names();
  }
  double progress() const override {
    return text_.empty() ? 1.0
                         : static_cast<double>(std::min(pos_, text_.size())) /
                               static_cast<double>(text_.size());
  }

 private:
  ParsedRecord ToRecord(std::string_view raw, int64_t line) {
    ParsedRecord record;
    record.line = line;
    absl::StatusOr<std::string> text = decoder_->ToUtf8(raw);
    if (!text.ok()) {
      AddError(&record, "record",
               absl::StrFormat("line %d: %s", line, text.status().message()));
      return record;
    }
    absl::StatusOr<std::vector<JsonKeyValues>> object =
        ParseJsonObjectLine(*text);
    if (!object.ok()) {
      AddError(&record, "record",
               absl::StrFormat("line %d: %s", line, object.status().message()));
      return record;
    }
    for (const JsonKeyValues& kv : *object) {
      std::optional<ListingField> field = FieldForColumn(kv.key);
      if (!field.has_value()) {
        unmapped_.Add(kv.key);
        continue;
      }
      ApplyColumnValues(*field, kv.key, kv.values, &record);
    }
    FinishRecord(&record);
    return record;
  }

  const std::string bytes_;
  const std::string_view text_;
  const TextEncoding encoding_;
  std::unique_ptr<FieldDecoder> decoder_;
  size_t pos_ = 0;
  int64_t line_ = 0;
  UnmappedNames unmapped_;
};

absl::StatusOr<FileFormat> FormatFromPath(const std::string& path) {
  const std::string lower = absl::AsciiStrToLower(path);
  for (std::string_view ext : {".csv", ".tsv", ".txt"}) {
    if (lower.ends_with(ext)) return FileFormat::kCsv;
  }
  for (std::string_view ext : {".jsonl", ".json", ".ndjson"}) {
    if (lower.ends_with(ext)) return FileFormat::kJsonLines;
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "cannot tell the format of '%s': expected a .csv, .tsv, .jsonl, .json "
      "or .ndjson file",
      path));
}

}  // namespace

absl::StatusOr<std::unique_ptr<PatentFileReader>> PatentFileReader::Open(
    const std::string& path) {
  absl::StatusOr<FileFormat> format = FormatFromPath(path);
  if (!format.ok()) return format.status();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    const std::string message =
        absl::StrFormat("cannot open '%s': %s", path, std::strerror(error));
    return error == ENOENT ? absl::NotFoundError(message)
                           : absl::FailedPreconditionError(message);
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(absl::StrFormat("cannot read '%s'", path));
  }
  return FromBytes(std::move(contents).str(), *format, path);
}

absl::StatusOr<std::unique_ptr<PatentFileReader>> PatentFileReader::FromBytes(
    std::string bytes, FileFormat format, const std::string& name) {
  absl::StatusOr<TextEncoding> encoding =
      DetectEncoding(StripUtf8Bom(bytes), name);
  if (!encoding.ok()) return encoding.status();
  absl::StatusOr<std::unique_ptr<FieldDecoder>> decoder =
      FieldDecoder::Create(*encoding);
  if (!decoder.ok()) return decoder.status();
  if (format == FileFormat::kJsonLines) {
    return std::make_unique<JsonLinesPatentFileReader>(
        std::move(bytes), *encoding, *std::move(decoder));
  }
  auto reader = std::make_unique<CsvPatentFileReader>(
      std::move(bytes), *encoding, *std::move(decoder));
  if (absl::Status status = reader->ReadHeader(name); !status.ok()) {
    return status;
  }
  return reader;
}

}  // namespace patentmatch::import
