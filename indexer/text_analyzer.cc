// Chinese/English term generation; see text_analyzer.h.
#include "indexer/text_analyzer.h"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>
#include <xapian.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_split.h"

namespace patentmatch::indexer {
namespace {

// English function words; they carry no topic.
const absl::flat_hash_set<std::string>& EnglishStopwords() {
  static const auto* words = new absl::flat_hash_set<std::string>{
      "a",     "an",    "and",   "are",   "as",    "at",    "be",   "been",
      "but",   "by",    "can",   "could", "do",    "does",  "for",  "from",
      "had",   "has",   "have",  "how",   "i",     "if",    "in",   "into",
      "is",    "it",    "its",   "may",   "more",  "most",  "must", "no",
      "not",   "of",    "on",    "or",    "our",   "such",  "than", "that",
      "the",   "their", "them",  "then",  "there", "these", "they", "this",
      "those", "to",    "up",    "us",    "was",   "we",    "were", "what",
      "when",  "where", "which", "while", "who",   "will",  "with", "would",
      "you",   "your",  "so",    "any",   "all",   "also",  "each", "other",
      "some",  "very",  "via",   "said",  "being", "about", "over", "out"};
  return *words;
}

// How companies phrase a need, rather than what they need. Written from
// general need phrasing, not from any evaluation query. Query side only.
constexpr char kNeedPhrasing[] = R"(
我 我们 我司 我方 本 本公司 公司 厂 工厂 小厂 厂家 企业 单位 咱们 你们 他们 它 它们 大家
希望 想 想要 想找 找 找到 寻找 需要 需求 要 求 请问 请 问 有没有 有 没有 是否 能否 可否 能不能
一种 一个 一套 一款 一些 一下 一点 某种 某些 这种 那种 这个 那个 这些 那些 这样 那样 各种
能 能够 可以 可 会 让 使 把 被 给 对 用 做 搞 弄 进行 实现 提供 提高 帮助 帮 解决
问题 方案 办法 技术 产品 东西 情况 方面 地方 时候 时间 现在 目前 以前 之前 之后 后来 经常 总是 常常
如何 怎么 怎样 怎么样 什么 哪些 哪个 为什么 为了 因为 所以 但是 但 而且 并且 同时 还 又 也 都 就 才 再 更
很 非常 特别 比较 太 挺 十分 越来越 老是 一直 容易 麻烦 费 费时 费力
的 了 着 过 地 得 和 与 及 以及 或 或者 在 是 而 从 到 向 于 之 其 等 上 下 里 中 后 前
吗 呢 吧 啊 呀 嘛
客户 用户 顾客 人员 工人 成熟 可靠 更好 好 新 改进 开发 研发 设计 生产 制作 做成
)";

const absl::flat_hash_set<std::string>& NeedPhrasingStopwords() {
  static const auto* words = [] {
    auto* set = new absl::flat_hash_set<std::string>();
    for (absl::string_view w : absl::StrSplit(
             kNeedPhrasing, absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
      set->insert(std::string(w));
    }
    return set;
  }();
  return *words;
}

bool IsCjk(UChar32 c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F) ||
         (c >= 0x3040 && c <= 0x30FF) || (c >= 0xAC00 && c <= 0xD7AF) ||
         c == 0x3005 || c == 0x3007;
}

void AppendUtf8(UChar32 c, std::string* out) {
  char buf[U8_MAX_LENGTH];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, U8_MAX_LENGTH, c, error);
  if (!error) out->append(buf, len);
}

std::string Utf8(const std::vector<UChar32>& cps, int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i) AppendUtf8(cps[i], &out);
  return out;
}

// ICU's dictionary word breaker, one per thread (BreakIterator is not
// thread-safe; cloning the prototype is cheap).
icu::BreakIterator* WordBreaker() {
  thread_local std::unique_ptr<icu::BreakIterator> breaker = [] {
    UErrorCode err = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> b(
        icu::BreakIterator::createWordInstance(icu::Locale("zh"), err));
    if (U_FAILURE(err)) b.reset();
    return b;
  }();
  return breaker.get();
}

// Word boundaries of cps[from, to) as code-point offsets [start, end).
std::vector<std::pair<int, int>> Words(const std::vector<UChar32>& cps,
                                       int from, int to) {
  std::vector<std::pair<int, int>> words;
  icu::BreakIterator* breaker = WordBreaker();
  if (breaker == nullptr) return words;
  icu::UnicodeString text;
  std::vector<int> cp_at_unit;  // UTF-16 offset → code-point offset
  for (int i = from; i < to; ++i) {
    cp_at_unit.push_back(i);
    if (cps[i] > 0xFFFF) cp_at_unit.push_back(i);
    text.append(cps[i]);
  }
  cp_at_unit.push_back(to);
  breaker->setText(text);
  int32_t start = breaker->first();
  for (int32_t end = breaker->next(); end != icu::BreakIterator::DONE;
       start = end, end = breaker->next()) {
    words.emplace_back(cp_at_unit[start], cp_at_unit[end]);
  }
  return words;
}

// Terms of the CJK span cps[from, to), appended in text order.
void EmitCjk(const std::vector<UChar32>& cps, int from, int to,
             std::vector<Token>* out) {
  if (to - from == 1) {
    std::string ch = Utf8(cps, from, to);
    out->push_back(
        {Token::Kind::kCjkUnigram, kUnigramPrefix + ch, ch, from, to});
  } else {
    for (int k = from; k < to; ++k) {
      std::string ch = Utf8(cps, k, k + 1);
      out->push_back(
          {Token::Kind::kCjkUnigram, kUnigramPrefix + ch, ch, k, k + 1});
      if (k + 1 < to) {
        std::string bigram = Utf8(cps, k, k + 2);
        out->push_back({Token::Kind::kCjkBigram, bigram, bigram, k, k + 2});
      }
    }
  }
  for (const auto& [start, end] : Words(cps, from, to)) {
    std::string word = Utf8(cps, start, end);
    out->push_back(
        {Token::Kind::kCjkWord, kWordPrefix + word, word, start, end});
  }
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

std::vector<Token> TextAnalyzer::Analyze(absl::string_view text) const {
  return Run(text, false);
}

std::vector<Token> TextAnalyzer::AnalyzeQuery(absl::string_view text) const {
  return Run(text, true);
}

std::vector<Token> TextAnalyzer::Run(absl::string_view raw,
                                     bool drop_stopwords) const {
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
      if (!drop_stopwords) {
        EmitCjk(cps, i, j, &tokens);
      } else {
        // Need phrasing splits the run: emit the spans between stopwords.
        int span_start = -1, span_end = -1;
        for (const auto& [ws, we] : Words(cps, i, j)) {
          if (NeedPhrasingStopwords().contains(Utf8(cps, ws, we))) {
            if (span_start >= 0) EmitCjk(cps, span_start, span_end, &tokens);
            span_start = -1;
          } else {
            if (span_start < 0) span_start = ws;
            span_end = we;
          }
        }
        if (span_start >= 0) EmitCjk(cps, span_start, span_end, &tokens);
      }
      i = j;
    } else if (u_isalnum(cps[i])) {
      int j = i;
      while (j < n && u_isalnum(cps[j]) && !IsCjk(cps[j])) ++j;
      std::string word = Utf8(cps, i, j);
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
