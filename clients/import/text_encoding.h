// Text encodings of patent exports. Chinese patent databases and Excel write
// CSV as UTF-8 (often with a byte order mark) or as GBK/GB18030; nothing in
// the file says which, so the encoding is guessed from the bytes, and each
// field is then converted to UTF-8 on its own so that one damaged record does
// not cost the rest of the file.
#ifndef PATENTMATCH_CLIENTS_IMPORT_TEXT_ENCODING_H_
#define PATENTMATCH_CLIENTS_IMPORT_TEXT_ENCODING_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "clients/import/patent_file_reader.h"

struct UConverter;  // ICU

namespace patentmatch::import {

// Removes a leading UTF-8 byte order mark, if any.
std::string_view StripUtf8Bom(std::string_view bytes);

// True if `bytes` is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Guesses the encoding of a whole file (BOM already stripped). Valid UTF-8
// is UTF-8; otherwise valid GB18030 is GB18030; otherwise the encoding in
// which the file is overwhelmingly well-formed wins, and its bad sequences
// are reported per field later. Fails for UTF-16, binary data and text that
// is neither. `name` is used in messages.
absl::StatusOr<TextEncoding> DetectEncoding(std::string_view bytes,
                                            const std::string& name);

// Converts fields of one encoding to UTF-8. Not thread-safe (one ICU
// converter per decoder).
class FieldDecoder {
 public:
  static absl::StatusOr<std::unique_ptr<FieldDecoder>> Create(
      TextEncoding encoding);
  ~FieldDecoder();
  FieldDecoder(const FieldDecoder&) = delete;
  FieldDecoder& operator=(const FieldDecoder&) = delete;

  // `raw` as UTF-8, or InvalidArgument if it holds a sequence that is not
  // valid in the encoding.
  absl::StatusOr<std::string> ToUtf8(std::string_view raw);

 private:
  FieldDecoder(TextEncoding encoding, UConverter* gb18030)
      : encoding_(encoding), gb18030_(gb18030) {}

  const TextEncoding encoding_;
  UConverter* const gb18030_;  // owned; null for UTF-8
};

}  // namespace patentmatch::import

#endif  // PATENTMATCH_CLIENTS_IMPORT_TEXT_ENCODING_H_
