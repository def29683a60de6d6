// TextAnalyzer: turns Chinese and English text into index terms, the same
// way for documents and for queries.
//
// Text is first NFKC-casefolded (full-width letters/digits become ASCII,
// case is folded). Then each maximal run of characters is handled by script:
//  - Han/kana/hangul runs: overlapping character bigrams ("锂电池" →
//    "锂电", "电池"), plus single characters as a separate, prefixed
//    term ("U锂", ...), so single-character words still match, weakly.
//  - Latin/digit runs: words, lower-cased and Porter-stemmed (Xapian's
//    English stemmer), stopwords dropped.
// Why bigrams (and not a dictionary word breaker): measured on the eval
// sets, see README "Retrieval quality"; bigrams need no dictionary, cope
// with technical compounds no dictionary has, and match partial words.
#ifndef PATENTMATCH_INDEXER_TEXT_ANALYZER_H_
#define PATENTMATCH_INDEXER_TEXT_ANALYZER_H_

#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

namespace patentmatch::indexer {

// Term prefix of CJK single characters.
inline constexpr char kUnigramPrefix[] = "U";

struct Token {
  enum class Kind { kCjkBigram, kCjkUnigram, kWord };
  Kind kind;
  std::string term;     // what is indexed / searched
  std::string surface;  // the normalised text it came from
  int start = 0;        // code-point offset in the normalised text
  int end = 0;          // one past the last code point
};

class TextAnalyzer {
 public:
  TextAnalyzer();
  // NFKC-casefolded text (exposed for tests and explanations).
  std::string Normalise(absl::string_view text) const;
  // All tokens of `text`, in text order.
  std::vector<Token> Analyze(absl::string_view text) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace patentmatch::indexer

#endif  // PATENTMATCH_INDEXER_TEXT_ANALYZER_H_
