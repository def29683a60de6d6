// Chinese/English term generation; see text_analyzer.h.
#include "indexer/text_analyzer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>
#include <xapian.h>

#include <memory>
#include <set>

#include "absl/container/flat_hash_set.h"

namespace patentmatch::indexer {
namespace {

// English function words; they carry no topic.
const absl::flat_hash_set<absl::string_view>& EnglishStopwords() {
  static const auto* words = new absl::flat_hash_set<absl::string_view>{
      "a",     "an",    "and",  "are",   "as",   "at",    "be",   "been",
      "but",   "by",    "can",  "could", "do",   "does",  "for",  "from",
      "had",   "has",   "have", "how",   "i",    "if",    "in",   "into",
      "is",    "it",    "its",  "may",   "more", "most",  "must", "no",
      "not",   "of",    "on",   "or",    "our",  "such",  "than", "that",
      "the",   "their", "them", "then",  "there", "these", "they", "this",
      "those", "to",    "up",   "us",    "was",  "we",    "were", "what",
      "when",  "where", "which", "while", "who",  "will",  "with", "would",
      "you",   "your",  "so",   "any",   "all",  "also",  "each", "other",
      "some",  "very",  "via",  "said",  "being", "about", "over", "out"};
  return *words;
}

bool IsCjk(UChar32 c) {
  UErrorCode err = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &err);
  if (U_FAILURE(err)) return false;
  return script == USCRIPT_HAN || script == USCRIPT_HIRAGANA ||
         script == USCRIPT_KATAKANA || script == USCRIPT_HANGUL;
}

bool IsWordChar(UChar32 c) { return u_isalnum(c) || c == '_'; }

void AppendUtf8(UChar32 c, std::string* out) {
  char buf[U8_MAX_LENGTH];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, U8_MAX_LENGTH, c, error);
  if (!error) out->append(buf, len);
}

}  // namespace

struct TextAnalyzer::Impl {
  const icu::Normalizer2* nfkc_casefold = nullptr;
};

TextAnalyzer::TextAnalyzer() {
  auto impl = std::make_shared<Impl>();
  UErrorCode err = U_ZERO_ERROR;
  impl->nfkc_casefold = icu::Normalizer2::getNFKCCasefoldInstance(err);
  if (U_FAILURE(err)) impl->nfkc_casefold = nullptr;  // fall back to raw text
  impl_ = std::move(impl);
}

std::string TextAnalyzer::Normalise(absl::string_view text) const {
  if (impl_->nfkc_casefold == nullptr) return std::string(text);
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString folded = impl_->nfkc_casefold->normalize(source, err);
  if (U_FAILURE(err)) return std::string(text);
  std::string out;
  folded.toUTF8String(out);
  return out;
}

std::vector<Token> TextAnalyzer::Analyze(absl::string_view raw) const {
  const std::string text = Normalise(raw);
  // Decode once into code points; invalid bytes become separators.
  std::vector<UChar32> cps;
  cps.reserve(text.size());
  for (int32_t i = 0; i < static_cast<int32_t>(text.size());) {
    UChar32 c;
    U8_NEXT(text.data(), i, static_cast<int32_t>(text.size()), c);
    cps.push_back(c < 0 ? ' ' : c);
  }

  thread_local Xapian::Stem stemmer("english");
  std::vector<Token> tokens;
  const int n = static_cast<int>(cps.size());
  for (int i = 0; i < n;) {
    if (IsCjk(cps[i])) {
      int j = i;
      while (j < n && IsCjk(cps[j])) ++j;
      for (int k = i; k < j; ++k) {
        std::string ch;
        AppendUtf8(cps[k], &ch);
        tokens.push_back({Token::Kind::kCjkUnigram,
                          std::string(kUnigramPrefix) + ch, ch, k, k + 1});
        if (k + 1 < j) {
          std::string bigram = ch;
          AppendUtf8(cps[k + 1], &bigram);
          tokens.push_back(
              {Token::Kind::kCjkBigram, bigram, bigram, k, k + 2});
        }
      }
      i = j;
    } else if (IsWordChar(cps[i])) {
      int j = i;
      while (j < n && IsWordChar(cps[j]) && !IsCjk(cps[j])) ++j;
      std::string word;
      for (int k = i; k < j; ++k) AppendUtf8(cps[k], &word);
      if (word.size() < 64 && !EnglishStopwords().contains(word)) {
        std::string term = stemmer(word);
        if (!term.empty()) {
          tokens.push_back({Token::Kind::kWord, std::move(term), word, i, j});
        }
      }
      i = j;
    } else {
      ++i;
    }
  }
  return tokens;
}

}  // namespace patentmatch::indexer
