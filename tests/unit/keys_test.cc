// Tests for storage/keys.h: the byte layouts the store persists. Changing
// any of these breaks existing stores, so the exact bytes are pinned here.
#include "storage/keys.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace patentmatch::storage {
namespace {

TEST(EncodeUint64Test, IsEightBytesBigEndian) {
  EXPECT_EQ(EncodeUint64(0), std::string(8, '\0'));
  EXPECT_EQ(EncodeUint64(1), std::string("\0\0\0\0\0\0\0\x01", 8));
  EXPECT_EQ(EncodeUint64(0x0102030405060708ull),
            std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(EncodeUint64(UINT64_MAX), std::string(8, '\xff'));
}

TEST(EncodeUint64Test, RoundTrips) {
  for (uint64_t v :
       {uint64_t{0}, uint64_t{1}, uint64_t{255}, uint64_t{256},
        uint64_t{0x8000000000000000ull}, uint64_t{123456789012}, UINT64_MAX}) {
    std::optional<uint64_t> decoded = DecodeUint64(EncodeUint64(v));
    ASSERT_TRUE(decoded.has_value()) << v;
    EXPECT_EQ(*decoded, v);
  }
}

TEST(EncodeUint64Test, ByteOrderIsNumericOrder) {
  // RocksDB compares keys bytewise: the change feed relies on this.
  const std::vector<uint64_t> values = {0,
                                        1,
                                        2,
                                        255,
                                        256,
                                        257,
                                        65535,
                                        65536,
                                        1u << 31,
                                        0xffffffffull,
                                        1ull << 32,
                                        1ull << 56,
                                        (1ull << 63) - 1,
                                        1ull << 63,
                                        UINT64_MAX};
  for (size_t i = 0; i + 1 < values.size(); ++i) {
    EXPECT_LT(EncodeUint64(values[i]), EncodeUint64(values[i + 1]))
        << values[i] << " vs " << values[i + 1];
  }
}

TEST(DecodeUint64Test, RejectsWrongLength) {
  EXPECT_FALSE(DecodeUint64("").has_value());
  EXPECT_FALSE(DecodeUint64(std::string(7, '\0')).has_value());
  EXPECT_FALSE(DecodeUint64(std::string(9, '\0')).has_value());
}

TEST(ChangeKeyTest, IsTheEncodedSequence) {
  EXPECT_EQ(ChangeKey(42), EncodeUint64(42));
  EXPECT_LT(ChangeKey(9), ChangeKey(10));
}

TEST(EncodeChangeTest, IsKindByteThenId) {
  EXPECT_EQ(EncodeChange(EntityKind::kPatent, "CN114081026A"),
            std::string("\x02") + "CN114081026A");
  EXPECT_EQ(EncodeChange(EntityKind::kDemand, "D000000001"),
            std::string("\x03") + "D000000001");
  EXPECT_EQ(EncodeChange(EntityKind::kOrganisation, "ORG000001"),
            std::string("\x01") + "ORG000001");
}

TEST(DecodeChangeTest, RoundTrips) {
  for (EntityKind kind :
       {EntityKind::kOrganisation, EntityKind::kPatent, EntityKind::kDemand}) {
    std::optional<Change> change =
        DecodeChange(7, EncodeChange(kind, "CN 锂电池/1"));
    ASSERT_TRUE(change.has_value());
    EXPECT_EQ(change->seq, 7u);
    EXPECT_EQ(change->kind, kind);
    EXPECT_EQ(change->id, "CN 锂电池/1");
  }
}

TEST(DecodeChangeTest, EmptyIdIsKept) {
  std::optional<Change> change =
      DecodeChange(1, EncodeChange(EntityKind::kPatent, ""));
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->id, "");
}

TEST(DecodeChangeTest, RejectsEmptyValueAndUnknownKinds) {
  EXPECT_FALSE(DecodeChange(1, "").has_value());
  EXPECT_FALSE(DecodeChange(1, std::string("\x00id", 3)).has_value());
  EXPECT_FALSE(DecodeChange(1, std::string("\x07id")).has_value());
  EXPECT_FALSE(DecodeChange(1, std::string("\xffid")).has_value());
}

TEST(ServerIdsTest, DemandIdsAreFixedWidth) {
  EXPECT_EQ(DemandIdFromNumber(0), "D000000000");
  EXPECT_EQ(DemandIdFromNumber(42), "D000000042");
  EXPECT_EQ(DemandIdFromNumber(999999999), "D999999999");
}

TEST(ServerIdsTest, OrganisationIdsAreFixedWidth) {
  EXPECT_EQ(OrganisationIdFromNumber(42), "ORG000042");
  EXPECT_EQ(OrganisationIdFromNumber(1), "ORG000001");
  EXPECT_EQ(OrganisationIdFromNumber(999999), "ORG999999");
}

TEST(ServerIdsTest, SortInCreationOrder) {
  EXPECT_LT(DemandIdFromNumber(9), DemandIdFromNumber(10));
  EXPECT_LT(DemandIdFromNumber(99999), DemandIdFromNumber(100000));
  EXPECT_LT(OrganisationIdFromNumber(9), OrganisationIdFromNumber(10));
  EXPECT_LT(OrganisationIdFromNumber(999), OrganisationIdFromNumber(1000));
}

}  // namespace
}  // namespace patentmatch::storage
