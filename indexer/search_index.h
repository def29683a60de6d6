// SearchIndex: the Xapian index of patent listings and demands, derived from
// the store and rebuildable from it at any time.
//
// One document per entity. Text terms come from TextAnalyzer; hard filters
// are boolean terms (prefixes below), so a filter never changes a score.
// The index records in its own metadata the store change sequence it has
// caught up to (watermark), committed atomically with the documents.
//
// Thread-safety: one writer (IndexUpdater's thread calls Put*/Remove/Commit);
// any number of concurrent searches, each on a pooled reader that is
// reopened after a commit. Xapian exceptions never leave this class.
#ifndef PATENTMATCH_INDEXER_SEARCH_INDEX_H_
#define PATENTMATCH_INDEXER_SEARCH_INDEX_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "indexer/text_analyzer.h"
#include "patentmatch/v1/patentmatch.pb.h"

namespace Xapian {
class Database;
class WritableDatabase;
class Query;
}  // namespace Xapian

namespace patentmatch::indexer {

// Boolean term prefixes. Persisted in the index: change only with a rebuild
// (bump kIndexFormat).
inline constexpr char kIdPrefix[] = "Q";          // Q + kind letter + id
inline constexpr char kKindPrefix[] = "XK";       // XKpatent / XKdemand
inline constexpr char kActivePrefix[] = "XA";     // XA: suggestable / open
inline constexpr char kModePrefix[] = "XM";       // XM + DealMode number
inline constexpr char kTypePrefix[] = "XT";       // XT + PatentType number
inline constexpr char kOwnerKindPrefix[] = "XW";  // XW + OrganisationKind
inline constexpr char kDistrictPrefix[] = "XD";   // XD + District number
inline constexpr char kIndustryPrefix[] = "XI";   // XI + casefolded tag
inline constexpr char kIpcPrefix[] = "XP";        // XP + IPC prefix per level
inline constexpr char kOpenLicenceTerm[] = "XO";
inline constexpr int kIndexFormat = 3;

struct SearchHit {
  std::string id;
  double relevance = 0;                    // BM25 (with feedback terms, if any)
  std::vector<std::string> matched_terms;  // readable, in query order
};

struct SearchResult {
  std::vector<SearchHit> hits;
  uint64_t total_estimate = 0;
};

struct TextSearch {
  std::string text;  // free text, any length
  // The caller's own summary words (for a stored need: its title and
  // keywords); they weigh more than words of the free text.
  std::vector<std::string> keywords;
  size_t offset = 0;
  size_t limit = 10;
  // Pseudo-relevance feedback: expand the query with terms from the best
  // first-round hits. Off by default: measured, it gained one need query
  // and cost keyphrase precision and twice the latency.
  bool expand_query = false;
  // Readable matched terms per hit. Costs a term-list read per hit: callers
  // that re-rank many candidates ask MatchedPatentTerms for the few they
  // return instead.
  bool with_matched_terms = true;
};

class SearchIndex {
 public:
  // Opens or creates the index in `dir`. An index of another format is
  // discarded (it is derived: the caller replays the store into it).
  static absl::StatusOr<std::unique_ptr<SearchIndex>> Open(
      const std::string& dir);
  ~SearchIndex();

  // Writer side (single thread).
  // `known_absent`: the caller guarantees the entity is not in the index
  // (a rebuild into an empty index), which saves the id lookup.
  absl::Status PutPatent(const v1::PatentListing& listing,
                         bool known_absent = false);
  absl::Status PutDemand(const v1::Demand& demand, bool known_absent = false);
  absl::Status RemovePatent(const std::string& id);
  absl::Status RemoveDemand(const std::string& id);
  // Makes pending changes visible and durable, recording `watermark`.
  absl::Status Commit(uint64_t watermark);
  uint64_t watermark() const { return watermark_.load(); }
  uint64_t document_count() const;

  // Patents whose text matches and that pass `filter`, best first. With
  // empty text: every patent passing the filter, in id order.
  absl::StatusOr<SearchResult> SearchPatents(
      const TextSearch& search, const v1::PatentFilter& filter) const;
  // Readable matched terms of `search` in each listed patent (same order).
  absl::StatusOr<std::vector<std::vector<std::string>>> MatchedPatentTerms(
      const TextSearch& search, const std::vector<std::string>& ids) const;
  // Open demands whose text matches, best first.
  absl::StatusOr<SearchResult> SearchDemands(const TextSearch& search) const;

  const TextAnalyzer& analyzer() const { return analyzer_; }

 private:
  class ReaderLease;
  explicit SearchIndex(std::string dir);
  std::vector<Token> QueryTokens(const TextSearch& search,
                                 size_t* text_tokens) const;
  // Search and MatchedPatentTerms retry their *Once on a reader the writer
  // moved past (Xapian's DatabaseModifiedError under a busy writer).
  absl::StatusOr<SearchResult> Search(const TextSearch& search,
                                      const Xapian::Query& filter) const;
  absl::StatusOr<SearchResult> SearchOnce(const TextSearch& search,
                                          const Xapian::Query& filter,
                                          bool fresh) const;
  absl::StatusOr<std::vector<std::vector<std::string>>> MatchedPatentTermsOnce(
      const TextSearch& search, const std::vector<std::string>& ids,
      bool fresh) const;

  const std::string dir_;
  TextAnalyzer analyzer_;
  std::unique_ptr<Xapian::WritableDatabase> writer_;
  std::atomic<uint64_t> watermark_{0};
  std::atomic<uint64_t> generation_{0};  // bumped on every commit
  // Commit holds it exclusively; a read overtaken twice by commits retries
  // holding it shared, so it cannot be overtaken again.
  mutable absl::Mutex commit_gate_;

  mutable absl::Mutex readers_mutex_;
  mutable std::vector<std::unique_ptr<Xapian::Database>> idle_readers_
      ABSL_GUARDED_BY(readers_mutex_);
  mutable std::vector<uint64_t> idle_generations_
      ABSL_GUARDED_BY(readers_mutex_);
};

}  // namespace patentmatch::indexer

#endif  // PATENTMATCH_INDEXER_SEARCH_INDEX_H_
