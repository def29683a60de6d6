// Xapian index of listings and demands; see search_index.h.
#include "indexer/search_index.h"

#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "matcher/ipc_code.h"
#include "matcher/ranking.h"

namespace patentmatch::indexer {
namespace {

// Retrieval settings chosen by measurement on the eval sets (README,
// "Retrieval quality"). One setting serves every kind of query.
// Lower k1 and b than Xapian's defaults (1.2, 0.75): repeated terms saturate
// sooner and long abstracts are penalised less (1.0/0.75 misses the
// keyphrase bar). (0.6, 0.3) scored a little higher on the eval sets, whose
// right answers are all long abstracts, but let long abstracts full of weak
// matches crowd out title-only records on the mixed demo data. Figures and
// commands: README, "Retrieval quality".
constexpr double kBm25K1 = 0.8;
constexpr double kBm25B = 0.5;
constexpr int kTitleWdf = 1;  // a title boost measured slightly worse
// Pseudo-relevance feedback, when asked for: few documents, few terms, a
// light touch (heavier feedback hurt known-item search in measurements).
constexpr int kFeedbackDocs = 3;
constexpr int kFeedbackTerms = 10;
constexpr double kFeedbackScale = 0.1;
// Keywords (a need's title and keywords) against its free description.
constexpr double kKeywordScale = 2.0;
constexpr char kWatermarkKey[] = "watermark";
constexpr Xapian::valueno kIdSlot = 0;  // entity id, for listing in id order
constexpr char kFormatKey[] = "format";

absl::Status XapianError(const Xapian::Error& e, absl::string_view what) {
  const std::string message =
      absl::StrCat("search index: ", what, ": ", e.get_description());
  // A reader whose revision the writer has moved past (two commits during
  // one read): the read is retried on a reopened reader (ReadWithRetry).
  if (absl::string_view(e.get_type()) == "DatabaseModifiedError") {
    return absl::AbortedError(message);
  }
  return absl::InternalError(message);
}

// Runs `read(fresh)` again while it fails with ABORTED (the index moved on
// under it), from a reader reopened at the newest revision. The last try
// holds `gate` shared, which Commit takes exclusively: no commit can
// overtake it, so a reader under a busy writer still finishes.
template <typename Read>
auto ReadWithRetry(absl::Mutex& gate, const Read& read)
    -> decltype(read(false)) {
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    if (attempt == kAttempts) {
      absl::ReaderMutexLock no_commits(&gate);
      return read(/*fresh=*/true);
    }
    auto result = read(/*fresh=*/attempt > 1);
    if (result.ok() || !absl::IsAborted(result.status())) return result;
  }
}

std::string IdTerm(char kind, absl::string_view id) {
  return absl::StrCat(kIdPrefix, std::string(1, kind), id);
}

// Xapian terms are at most 245 bytes.
std::string Clip(std::string term) {
  if (term.size() > 240) term.resize(240);
  return term;
}

void AddText(const TextAnalyzer& analyzer, absl::string_view text, int wdf,
             Xapian::Document* doc) {
  for (const Token& t : analyzer.Analyze(text)) doc->add_term(t.term, wdf);
}

// Distinct query terms (sorted, as Xapian's term lists are) and how often
// each occurs in the query (its wqf); `emphasised` terms come from the
// caller's keywords (for a stored need: its title and keywords, the
// company's own summary) and weigh kKeywordScale times as much.
struct WeightedTerms {
  std::map<std::string, int> terms;
  std::set<std::string> emphasised;
};

// `tokens[text_tokens..]` came from keywords.
WeightedTerms TermsOf(const std::vector<Token>& tokens, size_t text_tokens) {
  WeightedTerms out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    ++out.terms[tokens[i].term];  // a repeated query word weighs more (k3)
    if (i >= text_tokens) out.emphasised.insert(tokens[i].term);
  }
  return out;
}

// Single characters only add weight to documents that match a bigram, word
// or English term: they occur in most documents, and as full OR members
// they made every query visit nearly the whole corpus (README, Benchmarks).
Xapian::Query ToQuery(const WeightedTerms& terms) {
  std::vector<Xapian::Query> main, unigrams;
  for (const auto& [term, wqf] : terms.terms) {
    Xapian::Query q(term, wqf);
    if (terms.emphasised.contains(term)) {
      q = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, kKeywordScale);
    }
    (term.rfind(kUnigramPrefix, 0) == 0 ? unigrams : main)
        .push_back(std::move(q));
  }
  Xapian::Query boost(Xapian::Query::OP_OR, unigrams.begin(), unigrams.end());
  if (main.empty()) return boost;
  Xapian::Query required(Xapian::Query::OP_OR, main.begin(), main.end());
  if (unigrams.empty()) return required;
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, required, boost);
}

absl::string_view LastCharacter(absl::string_view utf8) {
  size_t i = utf8.size();
  while (i > 0 && (static_cast<uint8_t>(utf8[i - 1]) & 0xC0) == 0x80) --i;
  return i > 0 ? utf8.substr(i - 1) : utf8;
}

// Readable matched words: query words and maximal runs of matched bigrams
// ("颗粒" + "粒分" + "分散" → "颗粒分散"), in query order, without repeats.
std::vector<std::string> ReadableMatches(
    const std::vector<Token>& query_tokens,
    const std::vector<std::string>& matched) {
  std::vector<std::string> out;
  auto add = [&out](std::string s) {
    if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) {
      out.push_back(std::move(s));
    }
  };
  auto is_matched = [&matched](const std::string& term) {
    return std::binary_search(matched.begin(), matched.end(), term);
  };
  std::string phrase;
  int phrase_end = -1;
  for (const Token& t : query_tokens) {
    if (t.kind == Token::Kind::kCjkUnigram || t.kind == Token::Kind::kCjkWord) {
      continue;  // explained through the bigrams and words around them
    }
    if (!is_matched(t.term)) {
      if (t.kind == Token::Kind::kCjkBigram) {  // a gap ends the phrase
        add(std::move(phrase));
        phrase.clear();
        phrase_end = -1;
      }
      continue;
    }
    if (t.kind == Token::Kind::kCjkBigram && t.start == phrase_end - 1) {
      // Overlaps the phrase by one character: extend it.
      phrase.append(std::string(LastCharacter(t.surface)));
      phrase_end = t.end;
      continue;
    }
    add(std::move(phrase));
    phrase.clear();
    phrase_end = -1;
    if (t.kind == Token::Kind::kCjkBigram) {
      phrase = t.surface;
      phrase_end = t.end;
    } else {
      add(t.surface);
    }
  }
  add(std::move(phrase));
  return out;
}

// Excludes boolean/filter terms and terms already in the query from
// feedback expansion.
class FeedbackDecider : public Xapian::ExpandDecider {
 public:
  explicit FeedbackDecider(const WeightedTerms& query) : query_(query) {}
  bool operator()(const std::string& term) const override {
    if (term.empty() || term[0] == 'X' || term[0] == 'Q') return false;
    if (term.rfind(kUnigramPrefix, 0) == 0) return false;
    if (term.rfind(kWordPrefix, 0) == 0) return false;
    return !query_.terms.contains(term);
  }

 private:
  const WeightedTerms& query_;
};

Xapian::Query AnyOf(absl::string_view prefix,
                    const std::vector<std::string>& values) {
  std::vector<Xapian::Query> terms;
  for (const auto& v : values)
    terms.emplace_back(Clip(absl::StrCat(prefix, v)));
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

template <typename RepeatedEnum>
std::vector<std::string> Numbers(const RepeatedEnum& values) {
  std::vector<std::string> out;
  for (int v : values) out.push_back(absl::StrCat(v));
  return out;
}

std::string IndustryTerm(absl::string_view tag) {
  return Clip(absl::StrCat(kIndustryPrefix, absl::AsciiStrToLower(tag)));
}

Xapian::Query PatentFilterQuery(const v1::PatentFilter& filter) {
  std::vector<Xapian::Query> all = {
      Xapian::Query(absl::StrCat(kKindPrefix, "patent"))};
  if (!filter.include_inactive()) all.emplace_back(kActivePrefix);
  if (!filter.deal_modes().empty()) {
    all.push_back(AnyOf(kModePrefix, Numbers(filter.deal_modes())));
  }
  if (!filter.patent_types().empty()) {
    all.push_back(AnyOf(kTypePrefix, Numbers(filter.patent_types())));
  }
  if (!filter.owner_kinds().empty()) {
    all.push_back(AnyOf(kOwnerKindPrefix, Numbers(filter.owner_kinds())));
  }
  if (!filter.owner_districts().empty()) {
    all.push_back(AnyOf(kDistrictPrefix, Numbers(filter.owner_districts())));
  }
  if (!filter.industry_tags().empty()) {
    std::vector<Xapian::Query> tags;
    for (const auto& tag : filter.industry_tags()) {
      tags.emplace_back(IndustryTerm(tag));
    }
    all.emplace_back(Xapian::Query::OP_OR, tags.begin(), tags.end());
  }
  if (!filter.ipc_prefixes().empty()) {
    std::vector<std::string> prefixes;
    for (const auto& p : filter.ipc_prefixes()) {
      // Filters may be any level; normalise the spelling when it parses.
      auto code = matcher::ParseIpcCode(p);
      prefixes.push_back(code.ok() ? code->ToString()
                                   : absl::AsciiStrToUpper(p));
    }
    all.push_back(AnyOf(kIpcPrefix, prefixes));
  }
  if (filter.open_licence_only()) all.emplace_back(kOpenLicenceTerm);
  if (!filter.patent_ids().empty()) {
    std::vector<Xapian::Query> ids;
    for (const auto& id : filter.patent_ids())
      ids.emplace_back(IdTerm('p', id));
    all.emplace_back(Xapian::Query::OP_OR, ids.begin(), ids.end());
  }
  return Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end());
}

}  // namespace

// A reader borrowed from the pool for one search; reopened if a commit
// happened since it was last used.
class SearchIndex::ReaderLease {
 public:
  // `fresh`: reopen at the newest revision even if no commit was counted
  // since this reader was last used (a retry after DatabaseModifiedError).
  explicit ReaderLease(const SearchIndex& index, bool fresh = false)
      : index_(index) {
    const uint64_t current = index.generation_.load();
    {
      absl::MutexLock lock(&index.readers_mutex_);
      if (!index.idle_readers_.empty()) {
        db_ = std::move(index.idle_readers_.back());
        generation_ = index.idle_generations_.back();
        index.idle_readers_.pop_back();
        index.idle_generations_.pop_back();
      }
    }
    if (db_ == nullptr) {
      db_ = std::make_unique<Xapian::Database>(index.dir_);
    } else if (fresh || generation_ != current) {
      db_->reopen();
    }
    generation_ = current;
  }
  ~ReaderLease() {
    absl::MutexLock lock(&index_.readers_mutex_);
    index_.idle_readers_.push_back(std::move(db_));
    index_.idle_generations_.push_back(generation_);
  }
  Xapian::Database& db() { return *db_; }

 private:
  const SearchIndex& index_;
  std::unique_ptr<Xapian::Database> db_;
  uint64_t generation_ = 0;
};

SearchIndex::SearchIndex(std::string dir) : dir_(std::move(dir)) {}
SearchIndex::~SearchIndex() = default;

absl::StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::Open(
    const std::string& dir) {
  auto index = std::unique_ptr<SearchIndex>(new SearchIndex(dir));
  try {
    index->writer_ = std::make_unique<Xapian::WritableDatabase>(
        dir, Xapian::DB_CREATE_OR_OPEN);
    const std::string format = index->writer_->get_metadata(kFormatKey);
    if (format != absl::StrCat(kIndexFormat)) {
      if (index->writer_->get_doccount() > 0 || !format.empty()) {
        // Another format: throw it away; the caller replays the store.
        index->writer_.reset();
        std::filesystem::remove_all(dir);
        index->writer_ = std::make_unique<Xapian::WritableDatabase>(
            dir, Xapian::DB_CREATE_OR_OPEN);
      }
      index->writer_->set_metadata(kFormatKey, absl::StrCat(kIndexFormat));
      index->writer_->set_metadata(kWatermarkKey, "0");
      index->writer_->commit();
    }
    uint64_t watermark = 0;
    if (!absl::SimpleAtoi(index->writer_->get_metadata(kWatermarkKey),
                          &watermark)) {
      watermark = 0;
    }
    index->watermark_ = watermark;
  } catch (const Xapian::Error& e) {
    return XapianError(e, absl::StrCat("opening ", dir));
  } catch (const std::filesystem::filesystem_error& e) {
    return absl::InternalError(
        absl::StrCat("search index: resetting ", dir, ": ", e.what()));
  }
  return index;
}

uint64_t SearchIndex::document_count() const {
  try {
    return writer_->get_doccount();
  } catch (const Xapian::Error&) {
    return 0;
  }
}

absl::Status SearchIndex::PutPatent(const v1::PatentListing& p,
                                    bool known_absent) {
  try {
    Xapian::Document doc;
    const std::string id_term = IdTerm('p', p.id());
    doc.set_data(p.id());
    doc.add_value(kIdSlot, p.id());
    doc.add_boolean_term(id_term);
    doc.add_boolean_term(absl::StrCat(kKindPrefix, "patent"));
    if (matcher::IsSuggestable(p)) doc.add_boolean_term(kActivePrefix);
    for (int mode : p.deal_modes()) {
      doc.add_boolean_term(absl::StrCat(kModePrefix, mode));
      if (mode == v1::LICENCE_OPEN) doc.add_boolean_term(kOpenLicenceTerm);
    }
    doc.add_boolean_term(absl::StrCat(kTypePrefix, p.patent_type()));
    doc.add_boolean_term(absl::StrCat(kOwnerKindPrefix, p.owner_kind()));
    doc.add_boolean_term(absl::StrCat(kDistrictPrefix, p.owner_district()));
    for (const auto& tag : p.industry_tags()) {
      doc.add_boolean_term(IndustryTerm(tag));
    }
    for (const auto& text : p.ipc_codes()) {
      auto code = matcher::ParseIpcCode(text);
      if (!code.ok()) continue;
      for (auto level :
           {matcher::IpcLevel::kSection, matcher::IpcLevel::kClass,
            matcher::IpcLevel::kSubclass, matcher::IpcLevel::kMainGroup,
            matcher::IpcLevel::kSubgroup}) {
        std::string prefix = matcher::IpcPrefix(*code, level);
        if (!prefix.empty()) {
          doc.add_boolean_term(Clip(absl::StrCat(kIpcPrefix, prefix)));
        }
      }
    }
    AddText(analyzer_, p.title(), kTitleWdf, &doc);
    AddText(analyzer_, p.abstract(), 1, &doc);
    AddText(analyzer_, p.claims(), 1, &doc);
    if (known_absent) {
      writer_->add_document(doc);
    } else {
      writer_->replace_document(id_term, doc);
    }
  } catch (const Xapian::Error& e) {
    return XapianError(e, absl::StrCat("indexing patent ", p.id()));
  }
  return absl::OkStatus();
}

absl::Status SearchIndex::PutDemand(const v1::Demand& d, bool known_absent) {
  try {
    Xapian::Document doc;
    const std::string id_term = IdTerm('d', d.id());
    doc.set_data(d.id());
    doc.add_value(kIdSlot, d.id());
    doc.add_boolean_term(id_term);
    doc.add_boolean_term(absl::StrCat(kKindPrefix, "demand"));
    if (d.status() == v1::DEMAND_OPEN) doc.add_boolean_term(kActivePrefix);
    doc.add_boolean_term(absl::StrCat(kDistrictPrefix, d.district()));
    if (!d.industry().empty()) doc.add_boolean_term(IndustryTerm(d.industry()));
    AddText(analyzer_, d.title(), kTitleWdf, &doc);
    AddText(analyzer_, d.description(), 1, &doc);
    for (const auto& k : d.keywords()) AddText(analyzer_, k, 1, &doc);
    if (known_absent) {
      writer_->add_document(doc);
    } else {
      writer_->replace_document(id_term, doc);
    }
  } catch (const Xapian::Error& e) {
    return XapianError(e, absl::StrCat("indexing demand ", d.id()));
  }
  return absl::OkStatus();
}

absl::Status SearchIndex::RemovePatent(const std::string& id) {
  try {
    writer_->delete_document(IdTerm('p', id));
  } catch (const Xapian::Error& e) {
    return XapianError(e, absl::StrCat("removing patent ", id));
  }
  return absl::OkStatus();
}

absl::Status SearchIndex::RemoveDemand(const std::string& id) {
  try {
    writer_->delete_document(IdTerm('d', id));
  } catch (const Xapian::Error& e) {
    return XapianError(e, absl::StrCat("removing demand ", id));
  }
  return absl::OkStatus();
}

absl::Status SearchIndex::Commit(uint64_t watermark) {
  try {
    writer_->set_metadata(kWatermarkKey, absl::StrCat(watermark));
    absl::WriterMutexLock gate(&commit_gate_);  // see ReadWithRetry
    writer_->commit();
  } catch (const Xapian::Error& e) {
    return XapianError(e, "commit");
  }
  watermark_ = watermark;
  generation_.fetch_add(1);
  return absl::OkStatus();
}

absl::StatusOr<SearchResult> SearchIndex::SearchPatents(
    const TextSearch& search, const v1::PatentFilter& filter) const {
  return Search(search, PatentFilterQuery(filter));
}

absl::StatusOr<SearchResult> SearchIndex::SearchDemands(
    const TextSearch& search) const {
  const Xapian::Query kinds[] = {
      Xapian::Query(absl::StrCat(kKindPrefix, "demand")),
      Xapian::Query(kActivePrefix)};
  return Search(search, Xapian::Query(Xapian::Query::OP_AND, std::begin(kinds),
                                      std::end(kinds)));
}

absl::StatusOr<SearchResult> SearchIndex::Search(
    const TextSearch& search, const Xapian::Query& filter) const {
  return ReadWithRetry(commit_gate_, [&](bool fresh) {
    return SearchOnce(search, filter, fresh);
  });
}

absl::StatusOr<SearchResult> SearchIndex::SearchOnce(
    const TextSearch& search, const Xapian::Query& filter, bool fresh) const {
  SearchResult result;
  try {
    ReaderLease reader(*this, fresh);
    Xapian::Enquire enquire(reader.db());
    enquire.set_weighting_scheme(
        Xapian::BM25Weight(kBm25K1, 0, 1, kBm25B, 0.5));

    size_t text_tokens = 0;
    const std::vector<Token> query_tokens = QueryTokens(search, &text_tokens);
    const WeightedTerms terms = TermsOf(query_tokens, text_tokens);
    if (terms.terms.empty()) {
      // No text: list what passes the filter, in id order.
      enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER,
                                      Xapian::Query::MatchAll, filter));
      enquire.set_weighting_scheme(Xapian::BoolWeight());
      enquire.set_sort_by_value(kIdSlot, false);
      Xapian::MSet mset = enquire.get_mset(search.offset, search.limit);
      result.total_estimate = mset.get_matches_estimated();
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        result.hits.push_back({it.get_document().get_data(), 0, {}});
      }
      return result;
    }

    Xapian::Query text_query = ToQuery(terms);
    enquire.set_query(
        Xapian::Query(Xapian::Query::OP_FILTER, text_query, filter));
    if (search.expand_query) {
      Xapian::MSet first = enquire.get_mset(0, kFeedbackDocs);
      if (!first.empty()) {
        Xapian::RSet rset;
        for (auto it = first.begin(); it != first.end(); ++it)
          rset.add_document(*it);
        FeedbackDecider decider(terms);
        Xapian::ESet eset = enquire.get_eset(kFeedbackTerms, rset, &decider);
        std::vector<Xapian::Query> expansion;
        for (auto it = eset.begin(); it != eset.end(); ++it) {
          expansion.emplace_back(*it);
        }
        if (!expansion.empty()) {
          Xapian::Query extra(Xapian::Query::OP_OR, expansion.begin(),
                              expansion.end());
          text_query =
              Xapian::Query(Xapian::Query::OP_OR, text_query,
                            Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, extra,
                                          kFeedbackScale));
          enquire.set_query(
              Xapian::Query(Xapian::Query::OP_FILTER, text_query, filter));
        }
      }
    }

    Xapian::MSet mset = enquire.get_mset(search.offset, search.limit);
    result.total_estimate = mset.get_matches_estimated();
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      SearchHit hit{it.get_document().get_data(), it.get_weight(), {}};
      if (search.with_matched_terms) {
        std::vector<std::string> matched;
        for (auto t = enquire.get_matching_terms_begin(it);
             t != enquire.get_matching_terms_end(it); ++t) {
          matched.push_back(*t);
        }
        std::sort(matched.begin(), matched.end());
        hit.matched_terms = ReadableMatches(query_tokens, matched);
      }
      result.hits.push_back(std::move(hit));
    }
  } catch (const Xapian::Error& e) {
    return XapianError(e, "search");
  }
  return result;
}

std::vector<Token> SearchIndex::QueryTokens(const TextSearch& search,
                                            size_t* text_tokens) const {
  std::vector<Token> tokens = analyzer_.AnalyzeQuery(search.text);
  *text_tokens = tokens.size();
  for (const auto& k : search.keywords) {
    // Keywords are separate texts: shift their offsets past everything
    // before, so no phrase spans two of them.
    const int base = tokens.empty() ? 0 : tokens.back().end + 2;
    for (Token t : analyzer_.AnalyzeQuery(k)) {
      t.start += base;
      t.end += base;
      tokens.push_back(std::move(t));
    }
  }
  return tokens;
}

absl::StatusOr<std::vector<std::vector<std::string>>>
SearchIndex::MatchedPatentTerms(const TextSearch& search,
                                const std::vector<std::string>& ids) const {
  return ReadWithRetry(commit_gate_, [&](bool fresh) {
    return MatchedPatentTermsOnce(search, ids, fresh);
  });
}

absl::StatusOr<std::vector<std::vector<std::string>>>
SearchIndex::MatchedPatentTermsOnce(const TextSearch& search,
                                    const std::vector<std::string>& ids,
                                    bool fresh) const {
  std::vector<std::vector<std::string>> out;
  try {
    ReaderLease reader(*this, fresh);
    size_t text_tokens = 0;
    const std::vector<Token> tokens = QueryTokens(search, &text_tokens);
    const WeightedTerms terms = TermsOf(tokens, text_tokens);  // sorted
    for (const auto& id : ids) {
      std::vector<std::string> matched;
      Xapian::PostingIterator doc = reader.db().postlist_begin(IdTerm('p', id));
      if (doc != reader.db().postlist_end(IdTerm('p', id))) {
        Xapian::TermIterator t = reader.db().termlist_begin(*doc);
        const Xapian::TermIterator end = reader.db().termlist_end(*doc);
        for (const auto& [term, wqf] : terms.terms) {
          t.skip_to(term);
          if (t == end) break;
          if (*t == term) matched.push_back(term);
        }
      }
      out.push_back(ReadableMatches(tokens, matched));
    }
  } catch (const Xapian::Error& e) {
    return XapianError(e, "explaining matches");
  }
  return out;
}

}  // namespace patentmatch::indexer
