// Encoding detection and per-field conversion to UTF-8; see text_encoding.h.
#include "clients/import/text_encoding.h"

#include <unicode/ucnv.h>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace patentmatch::import {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool InRange(unsigned char c, unsigned char lo, unsigned char hi) {
  return c >= lo && c <= hi;
}

// Length of the well-formed UTF-8 sequence starting at s[i], or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto at = [&s](size_t k) {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : 0;
  };
  const unsigned char b0 = at(i);
  if (b0 < 0x80) return 1;
  if (InRange(b0, 0xC2, 0xDF)) return InRange(at(i + 1), 0x80, 0xBF) ? 2 : 0;
  if (InRange(b0, 0xE0, 0xEF)) {
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
    return InRange(at(i + 1), lo, hi) && InRange(at(i + 2), 0x80, 0xBF) ? 3 : 0;
  }
  if (InRange(b0, 0xF0, 0xF4)) {
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
    return InRange(at(i + 1), lo, hi) && InRange(at(i + 2), 0x80, 0xBF) &&
                   InRange(at(i + 3), 0x80, 0xBF)
               ? 4
               : 0;
  }
  return 0;
}

// Length of the well-formed GB18030 sequence starting at s[i], or 0.
size_t Gb18030SequenceLength(std::string_view s, size_t i) {
  const auto at = [&s](size_t k) {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : 0;
  };
  const unsigned char b0 = at(i);
  if (b0 < 0x80) return 1;
  if (!InRange(b0, 0x81, 0xFE)) return 0;
  const unsigned char b1 = at(i + 1);
  if (InRange(b1, 0x40, 0x7E) || InRange(b1, 0x80, 0xFE)) return 2;
  if (InRange(b1, 0x30, 0x39) && InRange(at(i + 2), 0x81, 0xFE) &&
      InRange(at(i + 3), 0x30, 0x39)) {
    return 4;
  }
  return 0;
}

struct Scan {
  size_t bad = 0;        // ill-formed sequences
  size_t multibyte = 0;  // well-formed non-ASCII sequences
};

template <typename SequenceLength>
Scan ScanBytes(std::string_view s, SequenceLength length) {
  Scan scan;
  for (size_t i = 0; i < s.size();) {
    const size_t n = length(s, i);
    if (n == 0) {
      ++scan.bad;
      ++i;
    } else {
      if (n > 1) ++scan.multibyte;
      i += n;
    }
  }
  return scan;
}

// A file in which fewer than one sequence in this many is ill-formed is
// taken to be in that encoding with a few damaged records. Text in the other
// encoding fails far more often (about one character in two).
constexpr size_t kGoodPerBad = 8;

}  // namespace

std::string_view StripUtf8Bom(std::string_view bytes) {
  if (bytes.starts_with(kUtf8Bom)) bytes.remove_prefix(kUtf8Bom.size());
  return bytes;
}

bool IsValidUtf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    const size_t n = Utf8SequenceLength(bytes, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

absl::StatusOr<TextEncoding> DetectEncoding(std::string_view bytes,
                                            const std::string& name) {
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "'%s' is UTF-16; save it as UTF-8 (or GB18030) and try again", name));
  }
  if (bytes.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "'%s' contains NUL bytes: it is not a text file in UTF-8 or GB18030 "
        "(a spreadsheet must be exported as CSV first)",
        name));
  }
  const Scan utf8 = ScanBytes(bytes, Utf8SequenceLength);
  if (utf8.bad == 0) return TextEncoding::kUtf8;
  const Scan gb = ScanBytes(bytes, Gb18030SequenceLength);
  if (gb.bad == 0) return TextEncoding::kGb18030;
  if (utf8.multibyte >= kGoodPerBad * utf8.bad) return TextEncoding::kUtf8;
  if (gb.multibyte >= kGoodPerBad * gb.bad) return TextEncoding::kGb18030;
  return absl::InvalidArgumentError(absl::StrFormat(
      "'%s' is neither UTF-8 (%d invalid sequences) nor GB18030 (%d invalid "
      "sequences); save it as UTF-8 and try again",
      name, utf8.bad, gb.bad));
}

absl::StatusOr<std::unique_ptr<FieldDecoder>> FieldDecoder::Create(
    TextEncoding encoding) {
  UConverter* converter = nullptr;
  if (encoding == TextEncoding::kGb18030) {
    UErrorCode error = U_ZERO_ERROR;
    converter = ucnv_open("GB18030", &error);
    if (U_FAILURE(error)) {
      return absl::InternalError(absl::StrFormat(
          "cannot open ICU's GB18030 converter: %s", u_errorName(error)));
    }
    // Stop at the first invalid sequence instead of substituting U+FFFD,
    // so that damaged fields are reported rather than silently garbled.
    ucnv_setToUCallBack(converter, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr,
                        nullptr, &error);
    if (U_FAILURE(error)) {
      ucnv_close(converter);
      return absl::InternalError(absl::StrFormat(
          "cannot configure ICU's GB18030 converter: %s", u_errorName(error)));
    }
  }
  return std::unique_ptr<FieldDecoder>(new FieldDecoder(encoding, converter));
}

FieldDecoder::~FieldDecoder() {
  if (gb18030_ != nullptr) ucnv_close(gb18030_);
}

absl::StatusOr<std::string> FieldDecoder::ToUtf8(std::string_view raw) {
  if (encoding_ == TextEncoding::kUtf8) {
    for (size_t i = 0; i < raw.size();) {
      const size_t n = Utf8SequenceLength(raw, i);
      if (n == 0) {
        return absl::InvalidArgumentError(
            absl::StrFormat("invalid UTF-8 byte 0x%02X at byte %d",
                            static_cast<unsigned char>(raw[i]), i + 1));
      }
      i += n;
    }
    return std::string(raw);
  }
  // GB18030 needs at most 3 UTF-8 bytes per 2 input bytes, 4 per 4.
  std::string out(raw.size() * 2 + 4, '\0');
  UErrorCode error = U_ZERO_ERROR;
  ucnv_resetToUnicode(gb18030_);
  const int32_t n = ucnv_toAlgorithmic(
      UCNV_UTF8, gb18030_, out.data(), static_cast<int32_t>(out.size()),
      raw.data(), static_cast<int32_t>(raw.size()), &error);
  if (U_FAILURE(error)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "invalid GB18030 byte sequence (%s)", u_errorName(error)));
  }
  out.resize(n);
  return out;
}

}  // namespace patentmatch::import
