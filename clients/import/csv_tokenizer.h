// Splitting CSV text into records and fields, RFC 4180 style: quoted fields,
// doubled quotes, separators and line breaks inside quotes, CRLF or LF line
// ends. Works on raw bytes, so GB18030 text can be split before it is
// converted (no GB18030 byte sequence contains '"', ',', tab or a line
// break). Lenient where exports are sloppy: a quote inside an unquoted field
// is kept as a character, text after a closing quote is appended.
#ifndef PATENTMATCH_CLIENTS_IMPORT_CSV_TOKENIZER_H_
#define PATENTMATCH_CLIENTS_IMPORT_CSV_TOKENIZER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace patentmatch::import {

struct CsvRow {
  int64_t line = 0;  // 1-based line on which the record starts
  std::vector<std::string> fields;
  std::string error;  // non-empty: the record is malformed
};

// The separator a header line uses: tab, ';' or (by default) ','.
char DetectCsvSeparator(std::string_view text);

class CsvTokenizer {
 public:
  // `data` must outlive the tokenizer.
  CsvTokenizer(std::string_view data, char separator)
      : data_(data), separator_(separator) {}

  // Reads the next record into `row`; false at end of input. A blank line is
  // returned as a record with one empty field.
  bool Next(CsvRow* row);

  // Bytes consumed so far.
  size_t offset() const { return pos_; }

 private:
  std::string_view data_;
  char separator_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

}  // namespace patentmatch::import

#endif  // PATENTMATCH_CLIENTS_IMPORT_CSV_TOKENIZER_H_
