// Tests for indexer/index_updater.h: replaying the store's change feed into
// the search index, at start-up (CatchUp), after the index directory is lost
// (rebuild), and live (Start + Notify + WaitFor).
#include "indexer/index_updater.h"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/search_index.h"
#include "patentmatch/v1/patentmatch.pb.h"
#include "rocksdb/db.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "tests/unit/test_dir.h"

namespace patentmatch::indexer {
namespace {

using storage::EntityKind;
using storage::WriteSet;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

v1::PatentListing Patent(const std::string& id, const std::string& title,
                         const std::string& abstract) {
  v1::PatentListing p;
  p.set_id(id);
  p.set_publication_number(id);
  p.set_title(title);
  p.set_abstract(abstract);
  p.set_patent_type(v1::INVENTION);
  p.set_legal_status(v1::IN_FORCE);
  p.set_status(v1::LISTING_ACTIVE);
  p.add_ipc_codes("H01M 4/525");
  p.add_deal_modes(v1::TRANSFER);
  return p;
}

v1::Demand Demand(const std::string& id, const std::string& title) {
  v1::Demand d;
  d.set_id(id);
  d.set_organisation_id("ORG000001");
  d.set_title(title);
  d.set_status(v1::DEMAND_OPEN);
  return d;
}

class IndexUpdaterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::FreshTestDir("index_updater_test");
    std::filesystem::create_directories(root_);
    OpenStore();
    OpenIndex();
  }
  void TearDown() override {
    updater_.reset();
    index_.reset();
    store_.reset();
    std::filesystem::remove_all(root_);
  }
  std::string StoreDir() const { return (root_ / "store").string(); }
  std::string IndexDir() const { return (root_ / "index").string(); }
  void OpenStore() {
    store_.reset();
    auto store = storage::Store::Open(StoreDir());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void OpenIndex() {
    updater_.reset();
    index_.reset();
    auto index = SearchIndex::Open(IndexDir());
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = std::move(*index);
    updater_ = std::make_unique<IndexUpdater>(store_.get(), index_.get());
  }
  uint64_t Commit(const WriteSet& writes) {
    auto seq = store_->Commit(writes);
    EXPECT_TRUE(seq.ok()) << seq.status();
    return seq.ok() ? *seq : 0;
  }
  uint64_t PutPatent(const v1::PatentListing& p) {
    WriteSet writes(storage::SystemAudit("test"));
    writes.Put(EntityKind::kPatent, p.id(), p);
    return Commit(writes);
  }
  void WriteCatalogue() {
    WriteSet writes(storage::SystemAudit("test"));
    writes.Put(
        EntityKind::kPatent, "CN1A",
        Patent("CN1A", "一种锂电池正极材料", "锂电池正极材料及制备方法"));
    writes.Put(EntityKind::kPatent, "CN2A",
               Patent("CN2A", "锂电池管理系统", "电池管理系统，监测锂电池。"));
    writes.Put(EntityKind::kPatent, "CN3A",
               Patent("CN3A", "LED灯具", "LED lamp with heat sink"));
    Commit(writes);
    // Later changes to one already written: the index must end up with the
    // current version.
    v1::PatentListing updated =
        Patent("CN3A", "LED灯具散热结构", "LED lamp heat sink, 散热");
    PutPatent(updated);
    WriteSet more(storage::SystemAudit("test"));
    more.Put(EntityKind::kPatent, "CN4A",
             Patent("CN4A", "电池隔膜", "锂电池用隔膜 battery separator"));
    more.Put(EntityKind::kDemand, "D000000001",
             Demand("D000000001", "锂电池回收技术"));
    more.Put(EntityKind::kOrganisation, "ORG000001", v1::Organisation());
    Commit(more);
  }
  std::vector<std::string> Ids(const std::string& text,
                               const v1::PatentFilter& filter = {}) {
    TextSearch search;
    search.text = text;
    search.limit = 100;
    auto r = index_->SearchPatents(search, filter);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> ids;
    if (r.ok()) {
      for (const auto& h : r->hits) ids.push_back(h.id);
    }
    return ids;
  }
  std::vector<std::string> DemandIds(const std::string& text) {
    TextSearch search;
    search.text = text;
    auto r = index_->SearchDemands(search);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> ids;
    if (r.ok()) {
      for (const auto& h : r->hits) ids.push_back(h.id);
    }
    return ids;
  }
  void WireListener() {
    store_->SetChangeListener([this](uint64_t seq) { updater_->Notify(seq); });
  }

  std::filesystem::path root_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<SearchIndex> index_;
  std::unique_ptr<IndexUpdater> updater_;
};

TEST_F(IndexUpdaterTest, CatchUpOnEmptyStoreIsANoOp) {
  ASSERT_TRUE(updater_->CatchUp().ok());
  EXPECT_EQ(index_->watermark(), 0u);
  EXPECT_EQ(index_->document_count(), 0u);
}

TEST_F(IndexUpdaterTest, CatchUpReplaysTheStore) {
  WriteCatalogue();
  ASSERT_EQ(store_->last_change_seq(), 6u);
  ASSERT_TRUE(updater_->CatchUp().ok());
  EXPECT_EQ(index_->watermark(), 6u);
  // Four patents and one demand; the organisation is not indexed.
  EXPECT_EQ(index_->document_count(), 5u);
  EXPECT_THAT(Ids("锂电池"), UnorderedElementsAre("CN1A", "CN2A", "CN4A"));
  // The current version of CN3A, not the first one.
  EXPECT_THAT(Ids("散热"), ElementsAre("CN3A"));
  EXPECT_THAT(DemandIds("锂电池回收"), ElementsAre("D000000001"));
}

TEST_F(IndexUpdaterTest, CatchUpReportsProgress) {
  WriteCatalogue();
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  ASSERT_TRUE(updater_
                  ->CatchUp([&calls](uint64_t applied, uint64_t total) {
                    calls.emplace_back(applied, total);
                  })
                  .ok());
  ASSERT_FALSE(calls.empty());
  // An empty index is rebuilt from the entities: 4 patents and 1 demand
  // (6 changes; organisations are not indexed).
  EXPECT_EQ(calls.back(), std::make_pair(uint64_t{5}, uint64_t{5}));
  EXPECT_EQ(index_->watermark(), 6u);
}

TEST_F(IndexUpdaterTest, CatchUpOnlyAppliesWhatIsNew) {
  WriteCatalogue();
  ASSERT_TRUE(updater_->CatchUp().ok());
  ASSERT_EQ(index_->watermark(), 6u);
  const uint64_t seq =
      PutPatent(Patent("CN5A", "光伏组件", "太阳能光伏组件 solar panel"));
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  ASSERT_TRUE(updater_
                  ->CatchUp([&calls](uint64_t applied, uint64_t total) {
                    calls.emplace_back(applied, total);
                  })
                  .ok());
  EXPECT_EQ(index_->watermark(), seq);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], std::make_pair(uint64_t{1}, uint64_t{1}));
  EXPECT_THAT(Ids("光伏"), ElementsAre("CN5A"));
}

TEST_F(IndexUpdaterTest, CatchUpResumesFromTheIndexWatermarkAfterRestart) {
  WriteCatalogue();
  ASSERT_TRUE(updater_->CatchUp().ok());
  // Restart both: new writes happened while the server was down.
  updater_.reset();
  index_.reset();
  OpenStore();
  PutPatent(Patent("CN5A", "光伏组件", "太阳能光伏组件"));
  OpenIndex();
  EXPECT_EQ(index_->watermark(), 6u);
  ASSERT_TRUE(updater_->CatchUp().ok());
  EXPECT_EQ(index_->watermark(), 7u);
  EXPECT_EQ(index_->document_count(), 6u);
  EXPECT_THAT(Ids("光伏"), ElementsAre("CN5A"));
}

TEST_F(IndexUpdaterTest, CatchUpHandlesMoreThanOneBatch) {
  // A non-empty index replays changes (an empty one is rebuilt instead).
  WriteSet first(storage::SystemAudit("test"));
  first.Put(EntityKind::kPatent, "CN0A", Patent("CN0A", "风机", ""));
  ASSERT_EQ(Commit(first), 1u);
  ASSERT_TRUE(updater_->CatchUp().ok());
  // More changes than one replay batch (2000).
  WriteSet writes(storage::SystemAudit("test"));
  for (int i = 0; i < 2100; ++i) {
    const std::string id = "CN" + std::to_string(100000 + i) + "A";
    writes.Put(EntityKind::kPatent, id, Patent(id, "电池", "电池"));
  }
  writes.Put(EntityKind::kPatent, "CNLASTA", Patent("CNLASTA", "光伏", ""));
  ASSERT_EQ(Commit(writes), 2102u);
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  ASSERT_TRUE(updater_
                  ->CatchUp([&calls](uint64_t applied, uint64_t total) {
                    calls.emplace_back(applied, total);
                  })
                  .ok());
  EXPECT_EQ(index_->watermark(), 2102u);
  EXPECT_EQ(index_->document_count(), 2102u);
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls.back(), std::make_pair(uint64_t{2101}, uint64_t{2101}));
  EXPECT_THAT(Ids("光伏"), ElementsAre("CNLASTA"));
}

TEST_F(IndexUpdaterTest, EmptyIndexIsRebuiltFromOneScanNotEveryChange) {
  // Three versions of each of four patents: twelve changes, four entities.
  for (int version = 0; version < 3; ++version) {
    WriteSet writes(storage::SystemAudit("test"));
    for (int i = 0; i < 4; ++i) {
      const std::string id = "CN" + std::to_string(200 + i) + "A";
      writes.Put(EntityKind::kPatent, id,
                 Patent(id, version == 2 ? "光伏逆变器" : "旧标题", ""));
    }
    Commit(writes);
  }
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  ASSERT_TRUE(updater_
                  ->CatchUp([&calls](uint64_t applied, uint64_t total) {
                    calls.emplace_back(applied, total);
                  })
                  .ok());
  EXPECT_EQ(index_->watermark(), 12u);
  EXPECT_EQ(index_->document_count(), 4u);
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back(), std::make_pair(uint64_t{4}, uint64_t{4}));
  EXPECT_THAT(Ids("逆变器"),
              UnorderedElementsAre("CN200A", "CN201A", "CN202A", "CN203A"));
  EXPECT_THAT(Ids("旧标题"), ElementsAre());
}

TEST_F(IndexUpdaterTest, RebuildAfterDeletingTheIndexGivesTheSameResults) {
  WriteCatalogue();
  ASSERT_TRUE(updater_->CatchUp().ok());
  const std::vector<std::string> queries = {"锂电池", "电池管理", "LED",
                                            "散热",   "battery",  ""};
  std::vector<std::vector<std::string>> before;
  for (const auto& q : queries) before.push_back(Ids(q));
  const std::vector<std::string> demands_before = DemandIds("锂电池");
  ASSERT_FALSE(before[0].empty());

  updater_.reset();
  index_.reset();
  std::filesystem::remove_all(IndexDir());
  OpenIndex();
  EXPECT_EQ(index_->watermark(), 0u);
  EXPECT_EQ(index_->document_count(), 0u);
  ASSERT_TRUE(updater_->CatchUp().ok());
  EXPECT_EQ(index_->watermark(), store_->last_change_seq());
  for (size_t i = 0; i < queries.size(); ++i) {
    EXPECT_EQ(Ids(queries[i]), before[i]) << "query '" << queries[i] << "'";
  }
  EXPECT_EQ(DemandIds("锂电池"), demands_before);
}

TEST_F(IndexUpdaterTest, LiveUpdatesAreSearchableAfterWaitFor) {
  WireListener();
  ASSERT_TRUE(updater_->CatchUp().ok());
  updater_->Start();
  const uint64_t seq =
      PutPatent(Patent("CN1A", "一种锂电池正极材料", "锂电池正极材料"));
  ASSERT_TRUE(updater_->WaitFor(seq, absl::Seconds(10)).ok());
  EXPECT_GE(index_->watermark(), seq);
  EXPECT_THAT(Ids("锂电池"), ElementsAre("CN1A"));

  WriteSet demand(storage::SystemAudit("test"));
  demand.Put(EntityKind::kDemand, "D000000001",
             Demand("D000000001", "锂电池回收"));
  const uint64_t seq2 = Commit(demand);
  ASSERT_TRUE(updater_->WaitFor(seq2, absl::Seconds(10)).ok());
  EXPECT_THAT(DemandIds("锂电池回收"), ElementsAre("D000000001"));
}

TEST_F(IndexUpdaterTest, WithdrawalAndClosingAreReflected) {
  WireListener();
  WriteCatalogue();
  ASSERT_TRUE(updater_->CatchUp().ok());
  updater_->Start();
  ASSERT_THAT(Ids("正极"), ElementsAre("CN1A"));

  v1::PatentListing withdrawn =
      Patent("CN1A", "一种锂电池正极材料", "锂电池正极材料及制备方法");
  withdrawn.set_status(v1::LISTING_WITHDRAWN);
  withdrawn.set_withdrawal_reason(v1::HOLDER_REQUEST);
  v1::Demand closed = Demand("D000000001", "锂电池回收技术");
  closed.set_status(v1::DEMAND_CLOSED);
  WriteSet writes(storage::SystemAudit("test"));
  writes.Put(EntityKind::kPatent, "CN1A", withdrawn);
  writes.Put(EntityKind::kDemand, "D000000001", closed);
  const uint64_t seq = Commit(writes);
  ASSERT_TRUE(updater_->WaitFor(seq, absl::Seconds(10)).ok());

  EXPECT_THAT(Ids("正极"), IsEmpty());
  EXPECT_THAT(Ids("锂电池"), Not(Contains("CN1A")));
  v1::PatentFilter all;
  all.set_include_inactive(true);
  EXPECT_THAT(Ids("正极", all), ElementsAre("CN1A"));
  EXPECT_THAT(DemandIds("锂电池回收"), IsEmpty());
}

TEST_F(IndexUpdaterTest, LapsedPatentIsReflected) {
  WireListener();
  updater_->Start();
  v1::PatentListing p = Patent("CN1A", "锂电池", "锂电池");
  ASSERT_TRUE(updater_->WaitFor(PutPatent(p), absl::Seconds(10)).ok());
  ASSERT_THAT(Ids("锂电池"), ElementsAre("CN1A"));
  p.set_legal_status(v1::LAPSED);
  ASSERT_TRUE(updater_->WaitFor(PutPatent(p), absl::Seconds(10)).ok());
  EXPECT_THAT(Ids("锂电池"), IsEmpty());
}

TEST_F(IndexUpdaterTest, EntityMissingFromTheStoreIsRemovedFromTheIndex) {
  ASSERT_EQ(PutPatent(Patent("CN1A", "锂电池", "锂电池")), 1u);
  ASSERT_EQ(PutPatent(Patent("CN2A", "锂电池", "锂电池")), 2u);
  ASSERT_TRUE(updater_->CatchUp().ok());
  ASSERT_THAT(Ids("锂电池"), UnorderedElementsAre("CN1A", "CN2A"));

  // A change whose entity is gone by replay time (the feed records only
  // which entity changed). The Store never deletes an indexed entity, so remove
  // the record underneath it.
  ASSERT_EQ(PutPatent(Patent("CN1A", "锂电池", "锂电池")), 3u);
  updater_.reset();
  store_.reset();
  {
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, {}},
        {storage::kOrganisationsFamily, {}},
        {storage::kPatentsFamily, {}},
        {storage::kDemandsFamily, {}},
        {storage::kChangesFamily, {}},
        {storage::kMetaFamily, {}},
        {storage::kAccountsFamily, {}},
        {storage::kSuggestionsFamily, {}},
        {storage::kSettingsFamily, {}},
        {storage::kAuditFamily, {}},
        {storage::kAuditIndexFamily, {}},
        {storage::kEventsFamily, {}},
        {storage::kEventParticipantsFamily, {}},
        {storage::kEventPreferencesFamily, {}},
        {storage::kMeetingsFamily, {}},
        {storage::kNoticesFamily, {}}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), StoreDir(), families,
                                  &handles, &raw)
                    .ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    EXPECT_TRUE(db->Delete(rocksdb::WriteOptions(), handles[2], "CN1A").ok());
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    db->Close();
  }
  OpenStore();
  updater_ = std::make_unique<IndexUpdater>(store_.get(), index_.get());
  ASSERT_TRUE(updater_->CatchUp().ok());
  EXPECT_EQ(index_->watermark(), 3u);
  EXPECT_THAT(Ids("锂电池"), ElementsAre("CN2A"));
}

TEST_F(IndexUpdaterTest, WaitForTimesOutWhenNothingApplies) {
  // Not started: nothing will apply the change.
  const uint64_t seq = PutPatent(Patent("CN1A", "锂电池", "锂电池"));
  absl::Status s = updater_->WaitFor(seq, absl::Milliseconds(50));
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(Ids("锂电池"), IsEmpty());
}

TEST_F(IndexUpdaterTest, WaitForAnAppliedSequenceReturnsAtOnce) {
  WriteCatalogue();
  ASSERT_TRUE(updater_->CatchUp().ok());
  EXPECT_TRUE(updater_->WaitFor(6, absl::Milliseconds(1)).ok());
  EXPECT_TRUE(updater_->WaitFor(0, absl::Milliseconds(1)).ok());
}

TEST_F(IndexUpdaterTest, StopAppliesWhatIsPending) {
  WireListener();
  updater_->Start();
  const uint64_t seq = PutPatent(Patent("CN1A", "锂电池", "锂电池"));
  updater_->Stop();
  EXPECT_EQ(index_->watermark(), seq);
  EXPECT_THAT(Ids("锂电池"), ElementsAre("CN1A"));
}

TEST_F(IndexUpdaterTest, ManyCommitsFromSeveralThreadsAllArrive) {
  WireListener();
  updater_->Start();
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([this, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string id =
            "CN" + std::to_string(t) + "0" + std::to_string(i) + "A";
        PutPatent(Patent(id, "电池", "电池"));
      }
    });
  }
  for (auto& w : writers) w.join();
  const uint64_t last = store_->last_change_seq();
  ASSERT_EQ(last, 40u);
  ASSERT_TRUE(updater_->WaitFor(last, absl::Seconds(10)).ok());
  EXPECT_EQ(index_->document_count(), 40u);
  EXPECT_EQ(Ids("电池").size(), 40u);
}

}  // namespace
}  // namespace patentmatch::indexer
