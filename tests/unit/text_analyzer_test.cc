// Tests for indexer/text_analyzer.h: the terms documents and queries are
// reduced to. Both sides go through the same analyzer, so these tests pin
// what can match what.
#include "indexer/text_analyzer.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace patentmatch::indexer {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

std::vector<std::string> Terms(const TextAnalyzer& a, const std::string& text) {
  std::vector<std::string> out;
  for (const Token& t : a.Analyze(text)) out.push_back(t.term);
  return out;
}

std::vector<std::string> TermsOfKind(const TextAnalyzer& a,
                                     const std::string& text,
                                     Token::Kind kind) {
  std::vector<std::string> out;
  for (const Token& t : a.Analyze(text)) {
    if (t.kind == kind) out.push_back(t.term);
  }
  return out;
}

TEST(TextAnalyzerTest, NormaliseFoldsFullWidthAndCase) {
  TextAnalyzer a;
  EXPECT_EQ(a.Normalise("ＬＥＤ"), "led");
  EXPECT_EQ(a.Normalise("ＬＥＤ灯１２３"), "led灯123");
  EXPECT_EQ(a.Normalise("Lithium-ION"), "lithium-ion");
  EXPECT_EQ(a.Normalise("锂电池"), "锂电池");
}

TEST(TextAnalyzerTest, FullWidthAndAsciiGiveTheSameTerms) {
  TextAnalyzer a;
  EXPECT_EQ(Terms(a, "ＬＥＤ"), Terms(a, "LED"));
  EXPECT_EQ(Terms(a, "ＬＥＤ"), (std::vector<std::string>{"led"}));
}

TEST(TextAnalyzerTest, CjkRunsGiveBigramsAndPrefixedUnigrams) {
  TextAnalyzer a;
  EXPECT_THAT(TermsOfKind(a, "锂电池", Token::Kind::kCjkBigram),
              ElementsAre("锂电", "电池"));
  EXPECT_THAT(TermsOfKind(a, "锂电池", Token::Kind::kCjkUnigram),
              ElementsAre("U锂", "U电", "U池"));
  // Character terms in text order: each character, then the bigram it
  // starts.
  std::vector<std::string> chars;
  for (const Token& t : a.Analyze("锂电池")) {
    if (t.kind != Token::Kind::kCjkWord) chars.push_back(t.term);
  }
  EXPECT_THAT(chars, ElementsAre("U锂", "锂电", "U电", "电池", "U池"));
}

TEST(TextAnalyzerTest, CjkDictionaryWordsCoverTheRun) {
  TextAnalyzer a;
  const std::string text = "锂电池正极材料";
  std::string joined;
  int last_end = 0;
  for (const Token& t : a.Analyze(text)) {
    if (t.kind != Token::Kind::kCjkWord) continue;
    EXPECT_EQ(t.term, std::string(kWordPrefix) + t.surface);
    EXPECT_EQ(t.start, last_end) << t.surface;
    EXPECT_GT(t.end, t.start);
    last_end = t.end;
    joined += t.surface;
  }
  EXPECT_EQ(joined, text);
  EXPECT_EQ(last_end, 7);
}

TEST(TextAnalyzerTest, SingleCjkCharacterHasNoBigram) {
  TextAnalyzer a;
  EXPECT_THAT(TermsOfKind(a, "锂", Token::Kind::kCjkBigram), IsEmpty());
  EXPECT_THAT(TermsOfKind(a, "锂", Token::Kind::kCjkUnigram),
              ElementsAre("U锂"));
}

TEST(TextAnalyzerTest, PunctuationSplitsCjkRuns) {
  TextAnalyzer a;
  // No bigram across the comma.
  EXPECT_THAT(TermsOfKind(a, "电池，电机", Token::Kind::kCjkBigram),
              ElementsAre("电池", "电机"));
  EXPECT_THAT(Terms(a, "电池，电机"), Not(Contains("池电")));
}

TEST(TextAnalyzerTest, EnglishIsStemmed) {
  TextAnalyzer a;
  EXPECT_EQ(Terms(a, "batteries"), Terms(a, "battery"));
  EXPECT_EQ(Terms(a, "Batteries").size(), 1u);
  EXPECT_EQ(Terms(a, "charging"), Terms(a, "charge"));
  EXPECT_EQ(Terms(a, "electrodes"), Terms(a, "electrode"));
  EXPECT_NE(Terms(a, "battery"), Terms(a, "electrode"));
}

TEST(TextAnalyzerTest, StopwordsAreDropped) {
  TextAnalyzer a;
  EXPECT_THAT(Terms(a, "the"), IsEmpty());
  EXPECT_THAT(Terms(a, "of the and"), IsEmpty());
  EXPECT_EQ(Terms(a, "The cathode of a battery"), Terms(a, "cathode battery"));
  // Case folding comes before the stopword check.
  EXPECT_THAT(Terms(a, "THE AND"), IsEmpty());
}

TEST(TextAnalyzerTest, MixedScriptTextSplitsByScript) {
  TextAnalyzer a;
  const std::vector<Token> tokens = a.Analyze("锂电池battery管理");
  std::vector<std::string> bigrams, words;
  for (const Token& t : tokens) {
    if (t.kind == Token::Kind::kCjkBigram) bigrams.push_back(t.term);
    if (t.kind == Token::Kind::kWord) words.push_back(t.surface);
  }
  EXPECT_THAT(bigrams, ElementsAre("锂电", "电池", "管理"));
  EXPECT_THAT(words, ElementsAre("battery"));
  // No bigram joins the two CJK runs across the English word.
  EXPECT_THAT(bigrams, Not(Contains("池管")));
  EXPECT_THAT(Terms(a, "锂电池battery管理"), Contains(Terms(a, "battery")[0]));
}

TEST(TextAnalyzerTest, TokenOffsetsAreCodePointsInNormalisedText) {
  TextAnalyzer a;
  const std::vector<Token> tokens = a.Analyze("锂电池battery管理");
  auto find = [&tokens](Token::Kind kind, const std::string& surface) {
    for (const Token& t : tokens) {
      if (t.kind == kind && t.surface == surface) return t;
    }
    ADD_FAILURE() << "no token " << surface;
    return Token{kind, "", "", -1, -1};
  };
  Token li = find(Token::Kind::kCjkUnigram, "锂");
  EXPECT_EQ(li.start, 0);
  EXPECT_EQ(li.end, 1);
  Token dianchi = find(Token::Kind::kCjkBigram, "电池");
  EXPECT_EQ(dianchi.start, 1);
  EXPECT_EQ(dianchi.end, 3);
  Token battery = find(Token::Kind::kWord, "battery");
  EXPECT_EQ(battery.start, 3);
  EXPECT_EQ(battery.end, 10);
  Token guanli = find(Token::Kind::kCjkBigram, "管理");
  EXPECT_EQ(guanli.start, 10);
  EXPECT_EQ(guanli.end, 12);
}

TEST(TextAnalyzerTest, OffsetsSkipSeparators) {
  TextAnalyzer a;
  const std::vector<Token> tokens = a.Analyze("  Lithium, ION cells");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].surface, "lithium");
  EXPECT_EQ(tokens[0].start, 2);
  EXPECT_EQ(tokens[0].end, 9);
  EXPECT_EQ(tokens[1].surface, "ion");
  EXPECT_EQ(tokens[1].start, 11);
  EXPECT_EQ(tokens[1].end, 14);
  EXPECT_EQ(tokens[2].surface, "cells");
  EXPECT_EQ(tokens[2].term, Terms(a, "cell")[0]);
}

TEST(TextAnalyzerTest, SurfaceIsTheNormalisedText) {
  TextAnalyzer a;
  const std::vector<Token> tokens = a.Analyze("ＬＥＤ Lamps");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].surface, "led");
  EXPECT_EQ(tokens[1].surface, "lamps");
  EXPECT_EQ(tokens[1].term, "lamp");
}

TEST(TextAnalyzerTest, DigitsAreWords) {
  TextAnalyzer a;
  EXPECT_THAT(Terms(a, "18650"), ElementsAre("18650"));
  EXPECT_THAT(TermsOfKind(a, "18650型锂电池", Token::Kind::kWord),
              ElementsAre("18650"));
}

TEST(TextAnalyzerTest, EmptyAndPunctuationOnlyGiveNothing) {
  TextAnalyzer a;
  EXPECT_THAT(a.Analyze(""), IsEmpty());
  EXPECT_THAT(a.Analyze("，。！ -- ()"), IsEmpty());
}

TEST(TextAnalyzerTest, InvalidUtf8DoesNotCrashAndSeparates) {
  TextAnalyzer a;
  const std::string text = std::string("abc\xff") + "def";
  std::vector<std::string> terms = Terms(a, text);
  // Whatever the normaliser does with the bad byte, "abc" and "def" are
  // not glued into one word.
  EXPECT_THAT(terms, Not(Contains("abcdef")));
}

TEST(TextAnalyzerTest, QueriesDropNeedPhrasing) {
  TextAnalyzer a;
  const std::string need = "我们希望找到锂电池回收技术";
  std::vector<std::string> query_bigrams;
  for (const Token& t : a.AnalyzeQuery(need)) {
    if (t.kind == Token::Kind::kCjkBigram) query_bigrams.push_back(t.term);
  }
  EXPECT_THAT(query_bigrams, Contains("锂电"));
  EXPECT_THAT(query_bigrams, Contains("电池"));
  EXPECT_THAT(query_bigrams, Contains("回收"));
  EXPECT_THAT(query_bigrams, Not(Contains("我们")));
  EXPECT_THAT(query_bigrams, Not(Contains("希望")));
  // A dropped word splits the run: no bigram spans it.
  EXPECT_THAT(query_bigrams, Not(Contains("到锂")));
  // Documents keep every word.
  EXPECT_THAT(TermsOfKind(a, need, Token::Kind::kCjkBigram), Contains("希望"));
}

TEST(TextAnalyzerTest, QueryAndDocumentAgreeOnPlainTopicText) {
  TextAnalyzer a;
  EXPECT_EQ(Terms(a, "锂电池正极材料 batteries"), [&a] {
    std::vector<std::string> out;
    for (const Token& t : a.AnalyzeQuery("锂电池正极材料 batteries")) {
      out.push_back(t.term);
    }
    return out;
  }());
}

TEST(TextAnalyzerTest, CopiesShareTheSameBehaviour) {
  TextAnalyzer a;
  TextAnalyzer b = a;
  EXPECT_EQ(Terms(a, "锂电池 batteries"), Terms(b, "锂电池 batteries"));
}

}  // namespace
}  // namespace patentmatch::indexer
