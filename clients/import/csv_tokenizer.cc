// RFC 4180 record splitting; see csv_tokenizer.h.
#include "clients/import/csv_tokenizer.h"

#include "absl/strings/str_cat.h"

namespace patentmatch::import {

char DetectCsvSeparator(std::string_view text) {
  size_t commas = 0, tabs = 0, semicolons = 0;
  bool in_quotes = false;
  for (char c : text) {
    if (c == '"') in_quotes = !in_quotes;
    if (in_quotes) continue;
    if (c == '\n' || c == '\r') break;
    if (c == ',') ++commas;
    if (c == '\t') ++tabs;
    if (c == ';') ++semicolons;
  }
  if (tabs > commas && tabs >= semicolons) return '\t';
  if (semicolons > commas) return ';';
  return ',';
}

bool CsvTokenizer::Next(CsvRow* row) {
  if (pos_ >= data_.size()) return false;
  row->line = line_;
  row->fields.clear();
  row->error.clear();

  std::string field;
  bool quoted = false;     // the current field began with a quote
  bool in_quotes = false;  // inside that quote now
  int64_t quote_line = 0;
  const size_t n = data_.size();
  while (pos_ < n) {
    const char c = data_[pos_];
    if (in_quotes) {
      if (c == '"') {
        if (pos_ + 1 < n && data_[pos_ + 1] == '"') {
          field.push_back('"');
          pos_ += 2;
        } else {
          in_quotes = false;
          ++pos_;
        }
      } else if (c == '\r' && pos_ + 1 < n && data_[pos_ + 1] == '\n') {
        field.push_back('\n');
        pos_ += 2;
        ++line_;
      } else {
        if (c == '\n') ++line_;
        field.push_back(c);
        ++pos_;
      }
      continue;
    }
    if (c == separator_) {
      row->fields.push_back(std::move(field));
      field.clear();
      quoted = false;
      ++pos_;
    } else if (c == '\n' || c == '\r') {
      pos_ += (c == '\r' && pos_ + 1 < n && data_[pos_ + 1] == '\n') ? 2 : 1;
      ++line_;
      row->fields.push_back(std::move(field));
      return true;
    } else if (c == '"' && !quoted &&
               field.find_first_not_of(' ') == std::string::npos) {
      // Opening quote, possibly after stray spaces, which are dropped.
      field.clear();
      quoted = in_quotes = true;
      quote_line = line_;
      ++pos_;
    } else {
      field.push_back(c);
      ++pos_;
    }
  }
  if (in_quotes) {
    row->error = absl::StrCat("the quoted field opened on line ", quote_line,
                              " is never closed");
  }
  row->fields.push_back(std::move(field));
  return true;
}

}  // namespace patentmatch::import
