// TextAnalyzer: turns Chinese and English text into index terms, the same
// way for patents, needs and queries.
//
// Text is NFKC-casefolded (full-width letters and digits become ASCII, case
// is folded), then split into runs by script:
//  - CJK runs (Han, kana, hangul) give three kinds of term at once:
//      bigrams    "锂电池" → "锂电", "电池"          (no prefix)
//      unigrams   "U锂", "U电", "U池"                (prefix U)
//      words      "W锂电池" from ICU's dictionary word breaker (prefix W)
//    Bigrams match technical compounds no dictionary knows; unigrams catch
//    single-character words and partial overlaps; dictionary words reward
//    whole-word matches. All three count equally.
//  - Letter/digit runs: English words, Porter-stemmed (Xapian's "english"
//    stemmer); English function words dropped.
// Queries additionally drop need phrasing ("我们", "希望", "想找", "问题",
// "方案", …): a stopword is removed as a whole ICU word and splits the run,
// so no bigram spans it.
//
// Why this and not bigrams alone or ICU words alone: measured on the eval
// sets (README, "Retrieval quality"); unigrams+bigrams+words beat each
// alone on both the keyphrase and the need queries.
//
// Thread-safe: one analyzer may be used from many threads.
#ifndef PATENTMATCH_INDEXER_TEXT_ANALYZER_H_
#define PATENTMATCH_INDEXER_TEXT_ANALYZER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace patentmatch::indexer {

inline constexpr char kUnigramPrefix[] = "U";
inline constexpr char kWordPrefix[] = "W";

struct Token {
  enum class Kind { kCjkBigram, kCjkUnigram, kCjkWord, kWord };
  Kind kind;
  std::string term;     // what is indexed / searched
  std::string surface;  // the normalised text it came from
  int start = 0;        // code-point offset in the normalised text
  int end = 0;          // one past the last code point
};

class TextAnalyzer {
 public:
  TextAnalyzer();
  // NFKC-casefolded text.
  std::string Normalise(absl::string_view text) const;
  // Terms of a document field, in text order (repeats kept: they are wdf).
  std::vector<Token> Analyze(absl::string_view text) const;
  // Terms of a query: as Analyze, after dropping need-phrasing stopwords.
  std::vector<Token> AnalyzeQuery(absl::string_view text) const;

 private:
  std::vector<Token> Run(absl::string_view text, bool drop_stopwords) const;
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace patentmatch::indexer

#endif  // PATENTMATCH_INDEXER_TEXT_ANALYZER_H_
