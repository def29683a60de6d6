// A fresh, empty directory per test (name from the test and the process),
// for tests that open a real RocksDB store or Xapian index.
#ifndef PATENTMATCH_TESTS_UNIT_TEST_DIR_H_
#define PATENTMATCH_TESTS_UNIT_TEST_DIR_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace patentmatch::testing {

inline std::filesystem::path FreshTestDir(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const auto dir =
      std::filesystem::path(::testing::TempDir()) /
      (prefix + "_" + info->name() + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

}  // namespace patentmatch::testing

#endif  // PATENTMATCH_TESTS_UNIT_TEST_DIR_H_
