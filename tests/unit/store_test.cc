// Tests for storage/store.h: the RocksDB system of record. Each test opens a
// store in its own temporary directory; "reopen" means destroying the Store
// and opening the same directory again, as a restarted server would.
#include "storage/store.h"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "patentmatch/v1/patentmatch.pb.h"
#include "storage/keys.h"
#include "tests/unit/test_dir.h"

namespace patentmatch::storage {
namespace {

v1::PatentListing Patent(const std::string& id, const std::string& title) {
  v1::PatentListing p;
  p.set_id(id);
  p.set_publication_number(id);
  p.set_title(title);
  p.add_ipc_codes("H01M 4/525");
  p.set_patent_type(v1::INVENTION);
  p.add_deal_modes(v1::LICENCE_OPEN);
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

v1::Organisation Organisation(const std::string& id, const std::string& name) {
  v1::Organisation o;
  o.set_id(id);
  o.set_name(name);
  o.set_kind(v1::UNIVERSITY);
  o.set_district(v1::PENGJIANG);
  return o;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir("store_test");
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto store = Store::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  uint64_t CommitOrDie(const WriteSet& writes) {
    auto seq = store_->Commit(writes);
    EXPECT_TRUE(seq.ok()) << seq.status();
    return seq.ok() ? *seq : 0;
  }
  std::vector<Change> AllChanges() {
    std::vector<Change> changes;
    absl::Status s = store_->ReadChanges(0, 1000, &changes);
    EXPECT_TRUE(s.ok()) << s;
    return changes;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, EmptyStoreHasNoChanges) {
  EXPECT_EQ(store_->last_change_seq(), 0u);
  EXPECT_TRUE(AllChanges().empty());
}

TEST_F(StoreTest, PatentRoundTrips) {
  v1::PatentListing p = Patent("CN114081026A", "一种锂电池正极材料");
  p.set_abstract("本发明公开了一种锂电池正极材料及其制备方法。");
  p.mutable_asking_price()->set_min_yuan(200000);
  WriteSet writes(storage::SystemAudit("test"));
  writes.Put(EntityKind::kPatent, p.id(), p);
  CommitOrDie(writes);

  auto got = store_->GetPatent("CN114081026A");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->SerializeAsString(), p.SerializeAsString());
  EXPECT_TRUE(store_->Exists(EntityKind::kPatent, "CN114081026A"));

  v1::PatentListing generic;
  ASSERT_TRUE(store_->Get(EntityKind::kPatent, "CN114081026A", &generic).ok());
  EXPECT_EQ(generic.title(), "一种锂电池正极材料");
}

TEST_F(StoreTest, DemandAndOrganisationRoundTrip) {
  WriteSet writes(storage::SystemAudit("test"));
  writes.Put(EntityKind::kDemand, "D000000001", Demand("D000000001", "电池"));
  writes.Put(EntityKind::kOrganisation, "ORG000001",
             Organisation("ORG000001", "五邑大学"));
  CommitOrDie(writes);

  auto demand = store_->GetDemand("D000000001");
  ASSERT_TRUE(demand.ok()) << demand.status();
  EXPECT_EQ(demand->title(), "电池");
  EXPECT_EQ(demand->status(), v1::DEMAND_OPEN);
  auto org = store_->GetOrganisation("ORG000001");
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->name(), "五邑大学");
  EXPECT_EQ(org->kind(), v1::UNIVERSITY);
}

TEST_F(StoreTest, UnknownIdsAreNotFound) {
  EXPECT_EQ(store_->GetPatent("CN1A").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetDemand("D000000009").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetOrganisation("ORG000009").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(store_->Exists(EntityKind::kPatent, "CN1A"));
  // The message names what is missing.
  EXPECT_NE(store_->GetPatent("CN1A").status().message().find("CN1A"),
            absl::string_view::npos);
}

TEST_F(StoreTest, KindsAreSeparateNamespaces) {
  WriteSet writes(storage::SystemAudit("test"));
  writes.Put(EntityKind::kPatent, "X1", Patent("X1", "patent"));
  CommitOrDie(writes);
  EXPECT_TRUE(store_->Exists(EntityKind::kPatent, "X1"));
  EXPECT_FALSE(store_->Exists(EntityKind::kDemand, "X1"));
  EXPECT_FALSE(store_->Exists(EntityKind::kOrganisation, "X1"));
  EXPECT_EQ(store_->GetDemand("X1").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, PutReplacesTheStoredVersion) {
  WriteSet first(storage::SystemAudit("test"));
  first.Put(EntityKind::kPatent, "CN1A", Patent("CN1A", "old title"));
  CommitOrDie(first);
  v1::PatentListing updated = Patent("CN1A", "new title");
  updated.set_status(v1::LISTING_WITHDRAWN);
  WriteSet second(storage::SystemAudit("test"));
  second.Put(EntityKind::kPatent, "CN1A", updated);
  CommitOrDie(second);
  auto got = store_->GetPatent("CN1A");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->title(), "new title");
  EXPECT_EQ(got->status(), v1::LISTING_WITHDRAWN);
}

TEST_F(StoreTest, WriteSetOfSeveralKindsLandsTogether) {
  WriteSet writes(storage::SystemAudit("test"));
  writes.Put(EntityKind::kOrganisation, "ORG000001",
             Organisation("ORG000001", "江门某公司"));
  writes.Put(EntityKind::kPatent, "CN1A", Patent("CN1A", "a"));
  writes.Put(EntityKind::kPatent, "CN2A", Patent("CN2A", "b"));
  writes.Put(EntityKind::kDemand, "D000000001", Demand("D000000001", "c"));
  writes.PutMeta(kMetaNextDemandNumber, EncodeUint64(2));
  EXPECT_EQ(writes.size(), 5u);
  EXPECT_FALSE(writes.empty());
  const uint64_t seq = CommitOrDie(writes);

  // Three indexed entities: three changes, in WriteSet order.
  EXPECT_EQ(seq, 3u);
  EXPECT_EQ(store_->last_change_seq(), 3u);
  EXPECT_TRUE(store_->Exists(EntityKind::kOrganisation, "ORG000001"));
  EXPECT_TRUE(store_->Exists(EntityKind::kPatent, "CN1A"));
  EXPECT_TRUE(store_->Exists(EntityKind::kPatent, "CN2A"));
  EXPECT_TRUE(store_->Exists(EntityKind::kDemand, "D000000001"));
  auto counter = store_->GetMetaCounter(kMetaNextDemandNumber);
  ASSERT_TRUE(counter.ok());
  EXPECT_EQ(*counter, 2u);

  std::vector<Change> changes = AllChanges();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].seq, 1u);
  EXPECT_EQ(changes[0].kind, EntityKind::kPatent);
  EXPECT_EQ(changes[0].id, "CN1A");
  EXPECT_EQ(changes[1].seq, 2u);
  EXPECT_EQ(changes[1].id, "CN2A");
  EXPECT_EQ(changes[2].seq, 3u);
  EXPECT_EQ(changes[2].kind, EntityKind::kDemand);
  EXPECT_EQ(changes[2].id, "D000000001");
}

TEST_F(StoreTest, OrganisationsAreNotInTheChangeFeed) {
  WriteSet writes(storage::SystemAudit("test"));
  writes.Put(EntityKind::kOrganisation, "ORG000001",
             Organisation("ORG000001", "org"));
  int calls = 0;
  store_->SetChangeListener([&calls](uint64_t) { ++calls; });
  const uint64_t seq = CommitOrDie(writes);
  EXPECT_EQ(seq, 0u);
  EXPECT_EQ(store_->last_change_seq(), 0u);
  EXPECT_TRUE(AllChanges().empty());
  EXPECT_EQ(calls, 0) << "nothing indexed changed: no notification";
  EXPECT_TRUE(store_->Exists(EntityKind::kOrganisation, "ORG000001"));
}

TEST_F(StoreTest, CommitWithoutIndexedKindsReturnsCurrentSequence) {
  WriteSet patents(storage::SystemAudit("test"));
  patents.Put(EntityKind::kPatent, "CN1A", Patent("CN1A", "a"));
  patents.Put(EntityKind::kPatent, "CN2A", Patent("CN2A", "b"));
  EXPECT_EQ(CommitOrDie(patents), 2u);
  WriteSet meta(storage::SystemAudit("test"));
  meta.PutMeta(kMetaNextOrganisationNumber, EncodeUint64(7));
  EXPECT_EQ(CommitOrDie(meta), 2u);
  WriteSet empty(storage::SystemAudit("test"));
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(CommitOrDie(empty), 2u);
  EXPECT_EQ(store_->last_change_seq(), 2u);
}

TEST_F(StoreTest, SequenceNumbersAreConsecutiveAcrossCommits) {
  uint64_t expected = 0;
  for (int i = 0; i < 5; ++i) {
    WriteSet writes(storage::SystemAudit("test"));
    const std::string id = "CN" + std::to_string(i) + "A";
    writes.Put(EntityKind::kPatent, id, Patent(id, "t"));
    EXPECT_EQ(CommitOrDie(writes), ++expected);
  }
  std::vector<Change> changes = AllChanges();
  ASSERT_EQ(changes.size(), 5u);
  for (size_t i = 0; i < changes.size(); ++i) {
    EXPECT_EQ(changes[i].seq, i + 1);
    EXPECT_EQ(changes[i].id, "CN" + std::to_string(i) + "A");
  }
}

TEST_F(StoreTest, SequenceSurvivesReopen) {
  WriteSet writes(storage::SystemAudit("test"));
  writes.Put(EntityKind::kPatent, "CN1A", Patent("CN1A", "a"));
  writes.Put(EntityKind::kDemand, "D000000001", Demand("D000000001", "b"));
  ASSERT_EQ(CommitOrDie(writes), 2u);

  Reopen();
  EXPECT_EQ(store_->last_change_seq(), 2u);
  WriteSet more(storage::SystemAudit("test"));
  more.Put(EntityKind::kPatent, "CN2A", Patent("CN2A", "c"));
  EXPECT_EQ(CommitOrDie(more), 3u) << "numbering must continue, not restart";

  Reopen();
  EXPECT_EQ(store_->last_change_seq(), 3u);
  std::vector<Change> changes = AllChanges();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[2].seq, 3u);
  EXPECT_EQ(changes[2].id, "CN2A");
}

TEST_F(StoreTest, DataSurvivesReopen) {
  WriteSet writes(storage::SystemAudit("test"));
  writes.Put(EntityKind::kPatent, "CN1A", Patent("CN1A", "锂电池"));
  writes.Put(EntityKind::kDemand, "D000000001", Demand("D000000001", "需求"));
  writes.Put(EntityKind::kOrganisation, "ORG000001",
             Organisation("ORG000001", "五邑大学"));
  writes.PutMeta(kMetaNextOrganisationNumber, EncodeUint64(2));
  CommitOrDie(writes);

  Reopen();
  auto patent = store_->GetPatent("CN1A");
  ASSERT_TRUE(patent.ok()) << patent.status();
  EXPECT_EQ(patent->title(), "锂电池");
  auto demand = store_->GetDemand("D000000001");
  ASSERT_TRUE(demand.ok()) << demand.status();
  EXPECT_EQ(demand->title(), "需求");
  auto org = store_->GetOrganisation("ORG000001");
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->name(), "五邑大学");
  auto counter = store_->GetMetaCounter(kMetaNextOrganisationNumber);
  ASSERT_TRUE(counter.ok());
  EXPECT_EQ(*counter, 2u);
}

TEST_F(StoreTest, MetaCounterIsZeroWhenNeverWritten) {
  auto counter = store_->GetMetaCounter(kMetaNextDemandNumber);
  ASSERT_TRUE(counter.ok()) << counter.status();
  EXPECT_EQ(*counter, 0u);
}

TEST_F(StoreTest, MalformedMetaCounterIsDataLoss) {
  WriteSet writes(storage::SystemAudit("test"));
  writes.PutMeta(kMetaNextDemandNumber, "abc");
  CommitOrDie(writes);
  EXPECT_EQ(store_->GetMetaCounter(kMetaNextDemandNumber).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(StoreTest, FormatVersionIsStamped) {
  auto version = store_->GetMetaCounter(kMetaFormatVersion);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, kFormatVersion);
}

TEST_F(StoreTest, ReopenRejectsUnknownFormatVersion) {
  WriteSet writes(storage::SystemAudit("test"));
  writes.PutMeta(kMetaFormatVersion, EncodeUint64(kFormatVersion + 1));
  CommitOrDie(writes);
  store_.reset();
  auto reopened = Store::Open(dir_.string());
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(StoreTest, ReadChangesPages) {
  for (int i = 1; i <= 7; ++i) {
    WriteSet writes(storage::SystemAudit("test"));
    const std::string id = "P" + std::to_string(i);
    writes.Put(EntityKind::kPatent, id, Patent(id, "t"));
    CommitOrDie(writes);
  }
  std::vector<Change> page;
  ASSERT_TRUE(store_->ReadChanges(0, 3, &page).ok());
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].seq, 1u);
  EXPECT_EQ(page[2].seq, 3u);

  page.clear();
  ASSERT_TRUE(store_->ReadChanges(3, 3, &page).ok());
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].seq, 4u);
  EXPECT_EQ(page[0].id, "P4");
  EXPECT_EQ(page[2].seq, 6u);

  page.clear();
  ASSERT_TRUE(store_->ReadChanges(6, 3, &page).ok());
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].seq, 7u);
  EXPECT_EQ(page[0].id, "P7");

  page.clear();
  ASSERT_TRUE(store_->ReadChanges(7, 3, &page).ok());
  EXPECT_TRUE(page.empty());
  ASSERT_TRUE(store_->ReadChanges(100, 3, &page).ok());
  EXPECT_TRUE(page.empty());
}

TEST_F(StoreTest, ReadChangesWithZeroLimitReadsNothing) {
  for (int i = 1; i <= 4; ++i) {
    WriteSet writes(storage::SystemAudit("test"));
    const std::string id = "P" + std::to_string(i);
    writes.Put(EntityKind::kPatent, id, Patent(id, "t"));
    CommitOrDie(writes);
  }
  std::vector<Change> page;
  ASSERT_TRUE(store_->ReadChanges(0, 0, &page).ok());
  EXPECT_TRUE(page.empty());
}

TEST_F(StoreTest, ReadChangesAfterTheLargestSequenceIsEmpty) {
  WriteSet writes(storage::SystemAudit("test"));
  writes.Put(EntityKind::kPatent, "CN1A", Patent("CN1A", "a"));
  CommitOrDie(writes);
  std::vector<Change> page;
  ASSERT_TRUE(store_->ReadChanges(UINT64_MAX, 10, &page).ok());
  // Regression (was a bug): Store::ReadChanges seeks to ChangeKey(after_seq +
  // 1); for after_seq == UINT64_MAX that wraps to 0 and the whole feed is
  // returned instead of nothing.
  EXPECT_TRUE(page.empty()) << "got " << page.size() << " changes";
}

TEST_F(StoreTest, ScanVisitsInIdOrderAndResumesAfter) {
  WriteSet writes(storage::SystemAudit("test"));
  for (const char* id : {"CN3A", "CN1A", "CN5A", "CN2A", "CN4A"}) {
    writes.Put(EntityKind::kPatent, id, Patent(id, "t"));
  }
  writes.Put(EntityKind::kDemand, "D000000001", Demand("D000000001", "d"));
  CommitOrDie(writes);

  std::vector<std::string> ids;
  auto collect = [&ids](const v1::PatentListing& p) {
    ids.push_back(p.id());
    return true;
  };
  ASSERT_TRUE(store_->ScanPatents("", collect).ok());
  EXPECT_EQ(ids,
            (std::vector<std::string>{"CN1A", "CN2A", "CN3A", "CN4A", "CN5A"}));

  ids.clear();
  ASSERT_TRUE(store_->ScanPatents("CN2A", collect).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"CN3A", "CN4A", "CN5A"}));

  // start_after need not exist: resume at the next id.
  ids.clear();
  ASSERT_TRUE(store_->ScanPatents("CN2B", collect).ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"CN3A", "CN4A", "CN5A"}));

  ids.clear();
  ASSERT_TRUE(store_->ScanPatents("CN5A", collect).ok());
  EXPECT_TRUE(ids.empty());
}

TEST_F(StoreTest, ScanStopsWhenVisitReturnsFalse) {
  WriteSet writes(storage::SystemAudit("test"));
  for (const char* id : {"A", "B", "C", "D"}) {
    writes.Put(EntityKind::kPatent, id, Patent(id, "t"));
  }
  CommitOrDie(writes);
  std::vector<std::string> ids;
  ASSERT_TRUE(store_
                  ->ScanPatents("",
                                [&ids](const v1::PatentListing& p) {
                                  ids.push_back(p.id());
                                  return ids.size() < 2;
                                })
                  .ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"A", "B"}));
}

TEST_F(StoreTest, ScanDemandsAndOrganisationsSeeOnlyTheirKind) {
  WriteSet writes(storage::SystemAudit("test"));
  writes.Put(EntityKind::kDemand, "D000000002", Demand("D000000002", "b"));
  writes.Put(EntityKind::kDemand, "D000000001", Demand("D000000001", "a"));
  writes.Put(EntityKind::kOrganisation, "ORG000002",
             Organisation("ORG000002", "y"));
  writes.Put(EntityKind::kOrganisation, "ORG000001",
             Organisation("ORG000001", "x"));
  writes.Put(EntityKind::kPatent, "CN1A", Patent("CN1A", "p"));
  CommitOrDie(writes);

  std::vector<std::string> demands;
  ASSERT_TRUE(store_
                  ->ScanDemands("",
                                [&demands](const v1::Demand& d) {
                                  demands.push_back(d.id());
                                  return true;
                                })
                  .ok());
  EXPECT_EQ(demands, (std::vector<std::string>{"D000000001", "D000000002"}));

  std::vector<std::string> orgs;
  ASSERT_TRUE(store_
                  ->ScanOrganisations("ORG000001",
                                      [&orgs](const v1::Organisation& o) {
                                        orgs.push_back(o.id());
                                        return true;
                                      })
                  .ok());
  EXPECT_EQ(orgs, (std::vector<std::string>{"ORG000002"}));
}

TEST_F(StoreTest, ListenerGetsTheLastSequenceOfEachCommit) {
  std::vector<uint64_t> notified;
  store_->SetChangeListener(
      [&notified](uint64_t seq) { notified.push_back(seq); });
  WriteSet first(storage::SystemAudit("test"));
  first.Put(EntityKind::kPatent, "CN1A", Patent("CN1A", "a"));
  first.Put(EntityKind::kPatent, "CN2A", Patent("CN2A", "b"));
  first.Put(EntityKind::kDemand, "D000000001", Demand("D000000001", "c"));
  CommitOrDie(first);
  WriteSet second(storage::SystemAudit("test"));
  second.Put(EntityKind::kDemand, "D000000002", Demand("D000000002", "d"));
  CommitOrDie(second);
  EXPECT_EQ(notified, (std::vector<uint64_t>{3, 4}));
}

TEST_F(StoreTest, ListenerMayReadTheStore) {
  // Called outside the store's locks: reading back must not deadlock and
  // must see the committed write.
  std::string seen;
  store_->SetChangeListener([this, &seen](uint64_t seq) {
    std::vector<Change> changes;
    if (store_->ReadChanges(seq - 1, 1, &changes).ok() && !changes.empty()) {
      auto p = store_->GetPatent(changes[0].id);
      if (p.ok()) seen = p->title();
    }
    EXPECT_EQ(store_->last_change_seq(), seq);
  });
  WriteSet writes(storage::SystemAudit("test"));
  writes.Put(EntityKind::kPatent, "CN1A", Patent("CN1A", "visible"));
  CommitOrDie(writes);
  EXPECT_EQ(seen, "visible");
}

}  // namespace
}  // namespace patentmatch::storage
