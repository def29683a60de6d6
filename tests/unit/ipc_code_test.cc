// Tests for matcher/ipc_code.h: normalising messy IPC codes, rejecting bad
// ones with a readable reason, and comparing codes level by level.
#include "matcher/ipc_code.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace patentmatch::matcher {
namespace {

std::string Normalised(std::string_view text) {
  absl::StatusOr<IpcCode> code = ParseIpcCode(text);
  if (!code.ok()) return "error: " + std::string(code.status().message());
  return code->ToString();
}

std::string ErrorOf(std::string_view text) {
  absl::StatusOr<IpcCode> code = ParseIpcCode(text);
  EXPECT_FALSE(code.ok()) << text << " parsed as " << code->ToString();
  if (code.ok()) return "";
  EXPECT_EQ(code.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(code.status().message());
}

TEST(ParseIpcCodeTest, SplitsIntoParts) {
  absl::StatusOr<IpcCode> code = ParseIpcCode("H01M 4/525");
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(code->section, 'H');
  EXPECT_EQ(code->ipc_class, "01");
  EXPECT_EQ(code->subclass, 'M');
  EXPECT_EQ(code->main_group, "4");
  EXPECT_EQ(code->subgroup, "525");
}

TEST(ParseIpcCodeTest, NormalisesSpacingCaseAndWidth) {
  EXPECT_EQ(Normalised("H01M4/525"), "H01M 4/525");
  EXPECT_EQ(Normalised("H01M 4/525"), "H01M 4/525");
  EXPECT_EQ(Normalised(" h01m  4/525 "), "H01M 4/525");
  EXPECT_EQ(Normalised("H01M 4 / 525"), "H01M 4/525");
  // Full-width letters, digits, slash and an ideographic space.
  EXPECT_EQ(Normalised("Ｈ０１Ｍ　４／５２５"), "H01M 4/525");
  EXPECT_EQ(Normalised("Ｈ０１Ｍ"), "H01M");
}

TEST(ParseIpcCodeTest, AcceptsWipoFixedWidth) {
  EXPECT_EQ(Normalised("H01M0004525000"), "H01M 4/525");
  EXPECT_EQ(Normalised("H01M0004000000"), "H01M 4/00");
  EXPECT_EQ(Normalised("G06F0016300000"), "G06F 16/30");
  EXPECT_EQ(Normalised("A01B0001020000"), "A01B 1/02");
  EXPECT_EQ(Normalised("H01L0021823400"), "H01L 21/8234");
}

TEST(ParseIpcCodeTest, DropsVersionsTrailingSlashAndLeadingZeros) {
  EXPECT_EQ(Normalised("H01M 4/525(2010.01)"), "H01M 4/525");
  EXPECT_EQ(Normalised("H01M 4/525 (2006.01)"), "H01M 4/525");
  EXPECT_EQ(Normalised("H01M4/525［2006.01］"), "H01M 4/525");
  EXPECT_EQ(Normalised("H01M 4/"), "H01M 4");
  EXPECT_EQ(Normalised("H01M/"), "H01M");
  EXPECT_EQ(Normalised("H01M 004/525"), "H01M 4/525");
  EXPECT_EQ(Normalised("A01B 1/02"), "A01B 1/02");  // subgroup zeros kept
  EXPECT_EQ(Normalised("G06F 16/3344"), "G06F 16/3344");
}

TEST(ParseIpcCodeTest, AcceptsShallowCodes) {
  EXPECT_EQ(Normalised("H"), "H");
  EXPECT_EQ(Normalised("h01"), "H01");
  EXPECT_EQ(Normalised("H01M"), "H01M");
  EXPECT_EQ(Normalised("H01M 4"), "H01M 4");
  absl::StatusOr<IpcCode> code = ParseIpcCode("H01");
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(code->subclass, 0);
  EXPECT_TRUE(code->main_group.empty());
}

TEST(ParseIpcCodeTest, RejectsWithReasons) {
  EXPECT_EQ(ErrorOf("Z01M"), "'Z01M' is not an IPC code: section must be A-H");
  EXPECT_EQ(ErrorOf("A02B"), "unknown IPC class 'A02'");
  EXPECT_EQ(ErrorOf("H00"), "unknown IPC class 'H00'");
  EXPECT_EQ(ErrorOf(""), "empty IPC code");
  EXPECT_EQ(ErrorOf("   "), "empty IPC code");
  EXPECT_EQ(ErrorOf("H1M"),
            "'H1M' is not an IPC code: the section must be followed by a "
            "two-digit class, as in H01");
  EXPECT_EQ(ErrorOf("H011"),
            "'H011' is not an IPC code: the class must be followed by a "
            "subclass letter, as in H01M");
  EXPECT_EQ(ErrorOf("H01M 4/5"),
            "'H01M 4/5' is not an IPC code: a subgroup has at least two "
            "digits, as in 4/00 or 4/52");
  EXPECT_EQ(ErrorOf("H01M 4/52x"),
            "'H01M 4/52x' is not an IPC code: unexpected 'X' in the subgroup");
  EXPECT_EQ(ErrorOf("H01M x"),
            "'H01M x' is not an IPC code: unexpected 'X' after the subclass");
  EXPECT_EQ(ErrorOf("H01M 0/00"),
            "'H01M 0/00' is not an IPC code: main group 0 does not exist");
  EXPECT_EQ(ErrorOf("H01M 12345/00"),
            "'H01M 12345/00' is not an IPC code: main group has more than 4 "
            "digits");
  EXPECT_FALSE(ParseIpcCode("光伏").ok());
}

TEST(IpcClassListTest, HasRecentAndResidualClasses) {
  for (std::string_view c : {"A01", "A99", "B33", "B68", "C13", "C40", "D07",
                             "D10", "F99", "G16", "G99", "H10", "H99"}) {
    EXPECT_TRUE(IsKnownIpcClass(c)) << c;
  }
  for (std::string_view c : {"A02", "A25", "B10", "C15", "D22", "E22", "F05",
                             "G13", "H06", "I01", "H1"}) {
    EXPECT_FALSE(IsKnownIpcClass(c)) << c;
  }
}

IpcCode Code(std::string_view text) {
  absl::StatusOr<IpcCode> code = ParseIpcCode(text);
  EXPECT_TRUE(code.ok()) << code.status();
  return code.ok() ? *code : IpcCode();
}

TEST(SharedLevelTest, DeepestAgreedLevel) {
  EXPECT_EQ(SharedLevel(Code("H01M 4/525"), Code("H01M 4/525")),
            IpcLevel::kSubgroup);
  EXPECT_EQ(SharedLevel(Code("H01M 4/525"), Code("H01M 4/131")),
            IpcLevel::kMainGroup);
  EXPECT_EQ(SharedLevel(Code("H01M 4/525"), Code("H01M 10/0525")),
            IpcLevel::kSubclass);
  EXPECT_EQ(SharedLevel(Code("H01M 4/525"), Code("H01L 31/04")),
            IpcLevel::kClass);
  EXPECT_EQ(SharedLevel(Code("H01M"), Code("H02J")), IpcLevel::kSection);
  EXPECT_EQ(SharedLevel(Code("H01M"), Code("G06F")), IpcLevel::kNone);
  // A level missing from one side is not agreed on.
  EXPECT_EQ(SharedLevel(Code("H01M"), Code("H01M 4/525")), IpcLevel::kSubclass);
  EXPECT_EQ(SharedLevel(Code("H01M 4"), Code("H01M 4/525")),
            IpcLevel::kMainGroup);
  EXPECT_EQ(SharedLevel(Code("H"), Code("H")), IpcLevel::kSection);
  EXPECT_EQ(SharedLevel(IpcCode(), IpcCode()), IpcLevel::kNone);
}

TEST(IpcLevelTest, NamesAndPrefixes) {
  EXPECT_EQ(IpcLevelName(IpcLevel::kNone), "none");
  EXPECT_EQ(IpcLevelName(IpcLevel::kSection), "section");
  EXPECT_EQ(IpcLevelName(IpcLevel::kClass), "class");
  EXPECT_EQ(IpcLevelName(IpcLevel::kSubclass), "subclass");
  EXPECT_EQ(IpcLevelName(IpcLevel::kMainGroup), "group");
  EXPECT_EQ(IpcLevelName(IpcLevel::kSubgroup), "subgroup");

  const IpcCode code = Code("H01M 4/525");
  EXPECT_EQ(IpcPrefix(code, IpcLevel::kNone), "");
  EXPECT_EQ(IpcPrefix(code, IpcLevel::kSection), "H");
  EXPECT_EQ(IpcPrefix(code, IpcLevel::kClass), "H01");
  EXPECT_EQ(IpcPrefix(code, IpcLevel::kSubclass), "H01M");
  EXPECT_EQ(IpcPrefix(code, IpcLevel::kMainGroup), "H01M 4");
  EXPECT_EQ(IpcPrefix(code, IpcLevel::kSubgroup), "H01M 4/525");
  EXPECT_EQ(IpcPrefix(Code("H01"), IpcLevel::kSubgroup), "H01");
}

TEST(FoldFullWidthTest, FoldsOnlyFullWidthForms) {
  EXPECT_EQ(FoldFullWidth("ＣＮ１１４０８１０２６Ａ"), "CN114081026A");
  EXPECT_EQ(FoldFullWidth("（公告）　号～"), "(公告) 号~");
  EXPECT_EQ(FoldFullWidth("plain 中文"), "plain 中文");
}

// Every subclass in the real data set must parse, and print as written.
TEST(ParseIpcCodeTest, EverySubclassInCnTitlesParses) {
  std::ifstream in(PM_SHARED_DATA_DIR "/cn_titles_ipc.csv");
  ASSERT_TRUE(in) << "cannot open " PM_SHARED_DATA_DIR "/cn_titles_ipc.csv";
  std::string line;
  // The file has CRLF line ends.
  auto strip_cr = [&line] {
    if (!line.empty() && line.back() == '\r') line.pop_back();
  };
  ASSERT_TRUE(std::getline(in, line));
  strip_cr();
  ASSERT_EQ(line, "publication_number,title,ipc_subclasses");
  std::set<std::string> subclasses;
  int rows = 0;
  while (std::getline(in, line)) {
    strip_cr();
    ++rows;
    // The last column never contains commas or quotes.
    const std::string column = line.substr(line.rfind(',') + 1);
    std::stringstream items(column);
    for (std::string item; std::getline(items, item, '|');) {
      subclasses.insert(item);
    }
  }
  EXPECT_EQ(rows, 9740);
  EXPECT_GT(subclasses.size(), 400u);
  for (const std::string& subclass : subclasses) {
    absl::StatusOr<IpcCode> code = ParseIpcCode(subclass);
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_EQ(code->ToString(), subclass);
    EXPECT_NE(code->subclass, 0) << subclass;
  }
}

}  // namespace
}  // namespace patentmatch::matcher
