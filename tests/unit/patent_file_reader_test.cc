// Tests for clients/import/patent_file_reader.h: encodings, CSV edge cases,
// column mapping and value parsing, JSON Lines, and the four real data files
// in ../shared/data (exact record counts, no errors, known values).
#include "clients/import/patent_file_reader.h"

#include <unicode/ucnv.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/import/column_mapping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace patentmatch::import {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<ParsedRecord> ReadAll(PatentFileReader& reader) {
  std::vector<ParsedRecord> records;
  while (std::optional<ParsedRecord> record = reader.Next()) {
    records.push_back(*std::move(record));
  }
  return records;
}

std::unique_ptr<PatentFileReader> MustOpen(std::string bytes,
                                           FileFormat format) {
  auto reader = PatentFileReader::FromBytes(std::move(bytes), format, "test");
  EXPECT_TRUE(reader.ok()) << reader.status();
  return reader.ok() ? *std::move(reader) : nullptr;
}

std::vector<ParsedRecord> ReadCsv(std::string bytes) {
  auto reader = MustOpen(std::move(bytes), FileFormat::kCsv);
  return reader ? ReadAll(*reader) : std::vector<ParsedRecord>();
}

std::string ToGb18030(const std::string& utf8) {
  std::string out(utf8.size() * 2 + 8, '\0');
  UErrorCode error = U_ZERO_ERROR;
  const int32_t n = ucnv_convert("GB18030", "UTF-8", out.data(),
                                 static_cast<int32_t>(out.size()), utf8.data(),
                                 static_cast<int32_t>(utf8.size()), &error);
  EXPECT_TRUE(U_SUCCESS(error)) << u_errorName(error);
  out.resize(n);
  return out;
}

std::vector<std::string> Fields(const std::vector<v1::FieldError>& issues) {
  std::vector<std::string> fields;
  for (const v1::FieldError& e : issues) fields.push_back(e.field());
  return fields;
}

// A supply list as Chinese patent databases export it.
const char kChineseCsv[] =
    "公开（公告）号,申请号,名称,摘要,分类号,申请人,发明人,法律状态,申请日,"
    "许可方式,价格,行业,技术成熟度,备注\n"
    "CN 114081026 A,201710601862.3,一种水电站高压输电线路驱鸟保护装置,"
    "本发明公开了一种驱鸟保护装置。,H01M4/525；H01M 10/0525,五邑大学,"
    "张三、李四,有效,2021年1月2日,\"开放许可，转让\",10-20万元,新能源,中试,"
    "无\n"
    "CN215792497U,,一种膜纸自动化印刷技术生产线结构,,B41F,江门某公司,王五,"
    "未缴年费专利权终止,2021/9/8,独占许可,5万元,印刷,量产,\n";

void ExpectChineseRecords(const std::vector<ParsedRecord>& records) {
  ASSERT_EQ(records.size(), 2u);
  const ParsedRecord& first = records[0];
  EXPECT_EQ(first.line, 2);
  EXPECT_THAT(first.errors, IsEmpty());
  EXPECT_THAT(first.warnings, IsEmpty());
  const v1::PatentListing& a = first.listing;
  EXPECT_EQ(a.publication_number(), "CN114081026A");
  EXPECT_EQ(a.application_number(), "CN201710601862.3");
  EXPECT_EQ(a.title(), "一种水电站高压输电线路驱鸟保护装置");
  EXPECT_EQ(a.abstract(), "本发明公开了一种驱鸟保护装置。");
  EXPECT_THAT(a.ipc_codes(), ElementsAre("H01M 4/525", "H01M 10/0525"));
  EXPECT_EQ(a.owner_name(), "五邑大学");
  EXPECT_THAT(a.inventors(), ElementsAre("张三", "李四"));
  EXPECT_EQ(a.legal_status(), v1::IN_FORCE);
  EXPECT_EQ(a.application_date(), "2021-01-02");
  EXPECT_THAT(a.deal_modes(), ElementsAre(v1::LICENCE_OPEN, v1::TRANSFER));
  EXPECT_EQ(a.asking_price().min_yuan(), 100000);
  EXPECT_EQ(a.asking_price().max_yuan(), 200000);
  EXPECT_THAT(a.industry_tags(), ElementsAre("新能源"));
  EXPECT_EQ(a.maturity(), v1::PILOT);
  EXPECT_EQ(a.patent_type(), v1::INVENTION);  // from kind code A

  const v1::PatentListing& b = records[1].listing;
  EXPECT_EQ(records[1].line, 3);
  EXPECT_THAT(records[1].errors, IsEmpty());
  EXPECT_EQ(b.publication_number(), "CN215792497U");
  EXPECT_EQ(b.patent_type(), v1::UTILITY_MODEL);
  EXPECT_EQ(b.legal_status(), v1::LAPSED);
  EXPECT_EQ(b.application_date(), "2021-09-08");
  EXPECT_THAT(b.deal_modes(), ElementsAre(v1::LICENCE_EXCLUSIVE));
  EXPECT_EQ(b.asking_price().min_yuan(), 50000);
  EXPECT_EQ(b.asking_price().max_yuan(), 50000);
  EXPECT_EQ(b.maturity(), v1::MASS_PRODUCTION);
}

TEST(PatentFileReaderTest, MapsChineseHeaderInUtf8) {
  auto reader = MustOpen(kChineseCsv, FileFormat::kCsv);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->encoding(), TextEncoding::kUtf8);
  EXPECT_THAT(reader->unmapped_columns(), ElementsAre("备注"));
  ExpectChineseRecords(ReadAll(*reader));
  EXPECT_DOUBLE_EQ(reader->progress(), 1.0);
}

TEST(PatentFileReaderTest, DetectsGb18030) {
  auto reader = MustOpen(ToGb18030(kChineseCsv), FileFormat::kCsv);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->encoding(), TextEncoding::kGb18030);
  EXPECT_THAT(reader->unmapped_columns(), ElementsAre("备注"));
  ExpectChineseRecords(ReadAll(*reader));
}

TEST(PatentFileReaderTest, BadGb18030BytesCostOnlyTheirRecord) {
  std::string bytes = ToGb18030(
      "公开号,名称,摘要\n"
      "CN114081026A,一种水电站高压输电线路驱鸟保护装置,"
      "本发明公开了一种装置。\n");
  // 0x81 must be followed by a trail byte, not by ASCII.
  bytes += "CN111504366B,\x81\x20\xB2\xE2,";
  bytes += ToGb18030("基于人工智能的计量方法。\n");
  bytes += ToGb18030("CN215792497U,一种膜纸自动化印刷技术生产线结构,结构。\n");
  auto reader = MustOpen(bytes, FileFormat::kCsv);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->encoding(), TextEncoding::kGb18030);
  const std::vector<ParsedRecord> records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].errors, IsEmpty());
  ASSERT_EQ(records[1].errors.size(), 1u);
  EXPECT_EQ(records[1].errors[0].field(), "名称");
  EXPECT_THAT(records[1].errors[0].message(), HasSubstr("line 3"));
  EXPECT_THAT(records[1].errors[0].message(), HasSubstr("GB18030"));
  EXPECT_EQ(records[1].listing.abstract(), "基于人工智能的计量方法。");
  EXPECT_THAT(records[2].errors, IsEmpty());
  EXPECT_EQ(records[2].listing.title(), "一种膜纸自动化印刷技术生产线结构");
}

TEST(PatentFileReaderTest, BadUtf8BytesCostOnlyTheirRecord) {
  const std::string bytes =
      "publication_number,title,abstract\n"
      "CN114081026A,一种水电站高压输电线路驱鸟保护装置,本发明公开了一种装置。\n"
      "CN111504366B,基于人工智能的流体输送系统精确计量方法,bad \xFF byte\n"
      "CN215792497U,一种膜纸自动化印刷技术生产线结构,结构。\n";
  auto reader = MustOpen(bytes, FileFormat::kCsv);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->encoding(), TextEncoding::kUtf8);
  const std::vector<ParsedRecord> records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].errors, IsEmpty());
  EXPECT_THAT(Fields(records[1].errors), ElementsAre("abstract"));
  EXPECT_THAT(records[1].errors[0].message(), HasSubstr("invalid UTF-8"));
  EXPECT_THAT(records[2].errors, IsEmpty());
}

TEST(PatentFileReaderTest, RejectsTextInNeitherEncoding) {
  auto reader =
      PatentFileReader::FromBytes("title\n\x80\x80\x80\xFF\xFF\x80\n\x80\x80\n",
                                  FileFormat::kCsv, "junk.csv");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(reader.status().message(),
              HasSubstr("'junk.csv' is neither UTF-8"));
  auto utf16 = PatentFileReader::FromBytes(std::string("\xFF\xFEt\0i\0", 6),
                                           FileFormat::kCsv, "u16.csv");
  ASSERT_FALSE(utf16.ok());
  EXPECT_THAT(utf16.status().message(), HasSubstr("UTF-16"));
}

TEST(PatentFileReaderTest, StripsUtf8ByteOrderMark) {
  auto reader =
      MustOpen("\xEF\xBB\xBFpublication_number,title\nCN114081026A,T\n",
               FileFormat::kCsv);
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(reader->unmapped_columns(), IsEmpty());
  const std::vector<ParsedRecord> records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].listing.publication_number(), "CN114081026A");
}

TEST(PatentFileReaderTest, HandlesCrlfQuotedNewlinesAndLineNumbers) {
  const std::vector<ParsedRecord> records = ReadCsv(
      "Title,Abstract\r\n"
      "\"A, with comma\",\"line one\r\nline \"\"two\"\"\"\r\n"
      "\r\n"
      "B,plain\r\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 2);
  EXPECT_EQ(records[0].listing.title(), "A, with comma");
  EXPECT_EQ(records[0].listing.abstract(), "line one\nline \"two\"");
  EXPECT_EQ(records[1].line, 5);  // after the two-line record and a blank
  EXPECT_EQ(records[1].listing.title(), "B");
  EXPECT_THAT(records[1].errors, IsEmpty());
}

TEST(PatentFileReaderTest, DetectsTabSeparator) {
  const std::vector<ParsedRecord> records =
      ReadCsv("title\tabstract\tipc\nA, B\tx\tH01M 4/525 G06F 16/30\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].listing.title(), "A, B");
  EXPECT_THAT(records[0].listing.ipc_codes(),
              ElementsAre("H01M 4/525", "G06F 16/30"));
}

TEST(PatentFileReaderTest, BrokenRowBetweenGoodOnes) {
  const std::vector<ParsedRecord> records = ReadCsv(
      "公开号,名称,申请日\n"
      "CN114081026A,好的一条,2021-01-02\n"
      "CN111504366B,坏的一条,2021-02-30\n"
      "CN215792497U,又一条好的,20210908\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].errors, IsEmpty());
  EXPECT_EQ(records[0].listing.application_date(), "2021-01-02");
  EXPECT_EQ(records[1].line, 3);
  ASSERT_EQ(records[1].errors.size(), 1u);
  EXPECT_EQ(records[1].errors[0].field(), "申请日");
  EXPECT_THAT(records[1].errors[0].message(),
              HasSubstr("'2021-02-30' is not a date"));
  EXPECT_THAT(records[2].errors, IsEmpty());
  EXPECT_EQ(records[2].listing.application_date(), "2021-09-08");
}

TEST(PatentFileReaderTest, WrongFieldCountNamesTheLine) {
  const std::vector<ParsedRecord> records =
      ReadCsv("title,abstract\na,b\nc,d,e\nf,g\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].errors, IsEmpty());
  ASSERT_EQ(records[1].errors.size(), 1u);
  EXPECT_EQ(records[1].line, 3);
  EXPECT_EQ(records[1].errors[0].message(),
            "line 3 has 3 fields, the header has 2");
  EXPECT_THAT(records[2].errors, IsEmpty());
  EXPECT_EQ(records[2].listing.title(), "f");
}

TEST(PatentFileReaderTest, UnterminatedQuoteIsAnError) {
  const std::vector<ParsedRecord> records =
      ReadCsv("title,abstract\na,b\nc,\"never closed\n");
  ASSERT_EQ(records.size(), 2u);
  ASSERT_EQ(records[1].errors.size(), 1u);
  EXPECT_THAT(records[1].errors[0].message(),
              HasSubstr("opened on line 3 is never closed"));
}

TEST(PatentFileReaderTest, DatesInEveryFormat) {
  const std::vector<ParsedRecord> records = ReadCsv(
      "title,application_date,publication_date,grant date,expiry_date\n"
      "a,2021.01.02,2021/1/2,20210102,2021年1月2日\n"
      "b,2020-02-29 00:00:00,２０２１－０３－０４,,2024-02-29\n"
      "c,2021-13-01,1.2.2021,2019-02-29,abc\n");
  ASSERT_EQ(records.size(), 3u);
  const v1::PatentListing& a = records[0].listing;
  EXPECT_EQ(a.application_date(), "2021-01-02");
  EXPECT_EQ(a.publication_date(), "2021-01-02");
  EXPECT_EQ(a.grant_date(), "2021-01-02");
  EXPECT_EQ(a.expiry_date(), "2021-01-02");
  EXPECT_EQ(records[1].listing.application_date(), "2020-02-29");
  EXPECT_EQ(records[1].listing.publication_date(), "2021-03-04");
  EXPECT_EQ(records[1].listing.expiry_date(), "2024-02-29");
  EXPECT_THAT(records[1].errors, IsEmpty());
  EXPECT_THAT(Fields(records[2].errors),
              ElementsAre("application_date", "publication_date", "grant date",
                          "expiry_date"));
}

TEST(PatentFileReaderTest, UnknownLegalStatusIsAWarning) {
  const std::vector<ParsedRecord> records = ReadCsv(
      "title,legal_status\n"
      "a,待定状态\nb,Expired\nc,全部无效\nd,实质审查的生效\ne,Lapsed\n"
      "f,部分无效\n");
  ASSERT_EQ(records.size(), 6u);
  EXPECT_THAT(records[0].errors, IsEmpty());
  ASSERT_EQ(records[0].warnings.size(), 1u);
  EXPECT_EQ(records[0].warnings[0].field(), "legal_status");
  EXPECT_EQ(records[0].warnings[0].message(),
            "unknown legal status '待定状态'; left unspecified");
  EXPECT_EQ(records[0].listing.legal_status(), v1::LEGAL_STATUS_UNSPECIFIED);
  EXPECT_EQ(records[1].listing.legal_status(), v1::EXPIRED);
  EXPECT_EQ(records[2].listing.legal_status(), v1::INVALIDATED);
  EXPECT_EQ(records[3].listing.legal_status(), v1::PENDING);
  EXPECT_EQ(records[4].listing.legal_status(), v1::LAPSED);
  EXPECT_EQ(records[5].listing.legal_status(), v1::IN_FORCE);
  for (size_t i = 1; i < records.size(); ++i) {
    EXPECT_THAT(records[i].warnings, IsEmpty()) << i;
  }
}

TEST(PatentFileReaderTest, PatentTypeRoyaltyAndMoney) {
  const std::vector<ParsedRecord> records = ReadCsv(
      "公开号,名称,专利类型,许可费,价格\n"
      "CN114081026A,a,实用新型,3%,面议\n"
      "CN114081026A,b,外观设计,2万元/年,1.5万\n"
      "CN114081026A,c,design,1200,\"1,200元\"\n");
  ASSERT_EQ(records.size(), 3u);
  // An explicit type wins over the kind code.
  EXPECT_EQ(records[0].listing.patent_type(), v1::UTILITY_MODEL);
  EXPECT_DOUBLE_EQ(records[0].listing.open_licence().royalty_rate_percent(),
                   3.0);
  EXPECT_THAT(Fields(records[0].warnings), ElementsAre("价格"));
  EXPECT_EQ(records[1].listing.patent_type(), v1::DESIGN);
  EXPECT_EQ(records[1].listing.open_licence().royalty_fixed_yuan(), 20000);
  EXPECT_EQ(records[1].listing.asking_price().min_yuan(), 15000);
  EXPECT_EQ(records[2].listing.patent_type(), v1::DESIGN);
  EXPECT_EQ(records[2].listing.asking_price().max_yuan(), 1200);
}

TEST(PatentFileReaderTest, HeaderWithoutIdentifyingColumnFails) {
  auto reader = PatentFileReader::FromBytes("foo,bar,申请人\n1,2,3\n",
                                            FileFormat::kCsv, "x.csv");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(reader.status().message(),
              HasSubstr("has no title, abstract or publication number"));
  EXPECT_THAT(reader.status().message(), HasSubstr("foo, bar, 申请人"));
  EXPECT_FALSE(
      PatentFileReader::FromBytes("", FileFormat::kCsv, "empty.csv").ok());
}

TEST(PatentFileReaderTest, OversizedFieldIsAnError) {
  std::string bytes = "title,abstract\nshort,";
  bytes += std::string((1 << 20) + 1, 'x');
  bytes += "\nnext,fine\n";
  const std::vector<ParsedRecord> records = ReadCsv(bytes);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(Fields(records[0].errors), ElementsAre("abstract"));
  EXPECT_THAT(records[0].errors[0].message(), HasSubstr("1 MB"));
  EXPECT_TRUE(records[0].listing.abstract().empty());
  EXPECT_THAT(records[1].errors, IsEmpty());
}

TEST(PatentFileReaderTest, JsonLinesInProtobufJsonForm) {
  const std::string bytes =
      R"({"publicationNumber":"CN 114081026 A","title":"驱鸟装置",)"
      R"("ipcCodes":["H01M4/525","G06F"],"legalStatus":"IN_FORCE",)"
      R"("dealModes":["LICENCE_OPEN","TRANSFER"],"applicationDate":"2021-01-02",)"
      R"("openLicence":{"royaltyRatePercent":3,"periodYears":5},)"
      R"("askingPrice":{"minYuan":"100000","maxYuan":"200000"},)"
      R"("inventors":["张三","李四"],"status":"LISTING_ACTIVE"})"
      "\n\n"
      "[1, 2]\n"
      R"({"source_id":"X1","abstract":"摘要","patent_type":"INVENTION"})"
      "\n";
  auto reader = MustOpen(bytes, FileFormat::kJsonLines);
  ASSERT_NE(reader, nullptr);
  const std::vector<ParsedRecord> records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].errors, IsEmpty());
  const v1::PatentListing& a = records[0].listing;
  EXPECT_EQ(a.publication_number(), "CN114081026A");
  EXPECT_THAT(a.ipc_codes(), ElementsAre("H01M 4/525", "G06F"));
  EXPECT_EQ(a.legal_status(), v1::IN_FORCE);
  EXPECT_THAT(a.deal_modes(), ElementsAre(v1::LICENCE_OPEN, v1::TRANSFER));
  EXPECT_EQ(a.application_date(), "2021-01-02");
  EXPECT_DOUBLE_EQ(a.open_licence().royalty_rate_percent(), 3.0);
  EXPECT_EQ(a.open_licence().period_years(), 5);
  EXPECT_EQ(a.asking_price().min_yuan(), 100000);
  EXPECT_EQ(a.asking_price().max_yuan(), 200000);
  EXPECT_THAT(a.inventors(), ElementsAre("张三", "李四"));
  EXPECT_EQ(a.patent_type(), v1::INVENTION);

  EXPECT_EQ(records[1].line, 3);
  ASSERT_EQ(records[1].errors.size(), 1u);
  EXPECT_THAT(records[1].errors[0].message(),
              HasSubstr("line 3: not a JSON object"));

  EXPECT_EQ(records[2].line, 4);
  EXPECT_THAT(records[2].errors, IsEmpty());
  EXPECT_EQ(records[2].listing.source_id(), "X1");
  EXPECT_EQ(records[2].listing.patent_type(), v1::INVENTION);
  // Server-controlled fields are not taken from the file.
  EXPECT_THAT(reader->unmapped_columns(), ElementsAre("status"));
}

TEST(PatentFileReaderTest, JsonLinesWithBadJsonKeepsOtherLines) {
  auto reader = MustOpen(
      "{\"id\":\"A\",\"abstract\":\"x\"}\n{\"id\": \n{\"id\":\"B\",\"title\":"
      "\"y\",\"year\":2021}\n",
      FileFormat::kJsonLines);
  ASSERT_NE(reader, nullptr);
  const std::vector<ParsedRecord> records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].errors, IsEmpty());
  EXPECT_THAT(Fields(records[1].errors), ElementsAre("record"));
  EXPECT_THAT(records[1].errors[0].message(), HasSubstr("line 2"));
  EXPECT_EQ(records[2].listing.source_id(), "B");
  EXPECT_THAT(reader->unmapped_columns(), ElementsAre("year"));
}

TEST(PatentFileReaderTest, OpenChecksPathAndExtension) {
  auto missing = PatentFileReader::Open("/nonexistent/patents.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  auto unknown = PatentFileReader::Open(PM_SHARED_DATA_DIR "/README.md");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("cannot tell the format"));
}

TEST(ColumnMappingTest, CleanText) {
  EXPECT_EQ(CleanText("  plain\xE3\x80\x80"), "plain");
  EXPECT_EQ(CleanText("\"\"\"Barometer\"\" neuron\""), "\"Barometer\" neuron");
  EXPECT_EQ(CleanText("\" A \"\"quoted\"\" word \""), "A \"quoted\" word");
  // Quotes that are part of the text stay.
  EXPECT_EQ(CleanText("\"foo\" and \"bar\""), "\"foo\" and \"bar\"");
  EXPECT_EQ(CleanText("\"Barometer\" neuron"), "\"Barometer\" neuron");
}

TEST(ColumnMappingTest, ParseYuanAndDate) {
  EXPECT_EQ(ParseYuan("50000"), 50000);
  EXPECT_EQ(ParseYuan("5万元"), 50000);
  EXPECT_EQ(ParseYuan("0.5亿"), 50000000);
  EXPECT_EQ(ParseYuan("￥1,200"), 1200);
  EXPECT_EQ(ParseYuan("面议"), std::nullopt);
  EXPECT_EQ(ParseDate("2021年1月2日"), "2021-01-02");
  EXPECT_EQ(ParseDate("2000-02-29"), "2000-02-29");
  EXPECT_EQ(ParseDate("1900-02-29"), std::nullopt);
  EXPECT_EQ(ParseDate("2021-01-02x"), std::nullopt);
  EXPECT_EQ(ParseDate("21-01-02"), std::nullopt);
}

TEST(ColumnMappingTest, ColumnNames) {
  EXPECT_EQ(FieldForColumn("公开(公告)号"), ListingField::kPublicationNumber);
  EXPECT_EQ(FieldForColumn("公开（公告）号"), ListingField::kPublicationNumber);
  EXPECT_EQ(FieldForColumn(" Publication Number "),
            ListingField::kPublicationNumber);
  EXPECT_EQ(FieldForColumn("publicationNumber"),
            ListingField::kPublicationNumber);
  EXPECT_EQ(FieldForColumn("PUB_NO"), ListingField::kPublicationNumber);
  EXPECT_EQ(FieldForColumn("IPC分类号"), ListingField::kIpcCodes);
  EXPECT_EQ(FieldForColumn("ipc_subclasses"), ListingField::kIpcCodes);
  EXPECT_EQ(FieldForColumn("当前权利人"), ListingField::kOwnerName);
  EXPECT_EQ(FieldForColumn("Grant Date"), ListingField::kGrantDate);
  EXPECT_EQ(FieldForColumn("patent_number"), ListingField::kUsPatentNumber);
  EXPECT_EQ(FieldForColumn("id"), ListingField::kSourceId);
  EXPECT_EQ(FieldForColumn("keyphrases"), std::nullopt);
}

// The real files in ../shared/data.

struct FileSummary {
  std::vector<ParsedRecord> records;
  size_t errors = 0;
  size_t warnings = 0;
  std::string first_error;
  std::vector<std::string> unmapped;
};

FileSummary ReadFile(const std::string& path) {
  FileSummary summary;
  auto reader = PatentFileReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return summary;
  EXPECT_EQ((*reader)->encoding(), TextEncoding::kUtf8);
  summary.records = ReadAll(**reader);
  for (const ParsedRecord& r : summary.records) {
    summary.errors += r.errors.size();
    summary.warnings += r.warnings.size();
    if (!r.errors.empty() && summary.first_error.empty()) {
      summary.first_error =
          absl::StrCat("line ", r.line, ": ", r.errors[0].field(), ": ",
                       r.errors[0].message());
    }
  }
  summary.unmapped = (*reader)->unmapped_columns();
  EXPECT_DOUBLE_EQ((*reader)->progress(), 1.0);
  return summary;
}

const ParsedRecord* FindBySource(const FileSummary& s, std::string_view id) {
  for (const ParsedRecord& r : s.records) {
    if (r.listing.source_id() == id || r.listing.publication_number() == id) {
      return &r;
    }
  }
  return nullptr;
}

TEST(RealDataTest, CnTitlesIpc) {
  const FileSummary s = ReadFile(PM_SHARED_DATA_DIR "/cn_titles_ipc.csv");
  EXPECT_EQ(s.records.size(), 9740u);
  EXPECT_EQ(s.errors, 0u) << s.first_error;
  EXPECT_EQ(s.warnings, 0u);
  EXPECT_THAT(s.unmapped, IsEmpty());
  ASSERT_FALSE(s.records.empty());
  const v1::PatentListing& first = s.records[0].listing;
  EXPECT_EQ(s.records[0].line, 2);
  EXPECT_EQ(first.publication_number(), "CN114081026A");
  EXPECT_EQ(first.title(), "一种水电站高压输电线路驱鸟保护装置");
  EXPECT_THAT(first.ipc_codes(), ElementsAre("A01M", "G06F", "H02G"));
  EXPECT_EQ(first.patent_type(), v1::INVENTION);
  EXPECT_EQ(s.records[2].listing.publication_number(), "CN215792497U");
  EXPECT_EQ(s.records[2].listing.patent_type(), v1::UTILITY_MODEL);
  EXPECT_EQ(s.records[1].listing.patent_type(), v1::INVENTION);  // B
}

TEST(RealDataTest, UsPatents) {
  const FileSummary s = ReadFile(PM_SHARED_DATA_DIR "/us_patents.csv");
  EXPECT_EQ(s.records.size(), 6186u);
  EXPECT_EQ(s.errors, 0u) << s.first_error;
  EXPECT_EQ(s.warnings, 0u);
  EXPECT_THAT(s.unmapped, IsEmpty());
  ASSERT_FALSE(s.records.empty());
  const v1::PatentListing& first = s.records[0].listing;
  EXPECT_EQ(first.publication_number(), "US5535303");
  EXPECT_EQ(first.title(), "\"Barometer\" neuron for a neural network");
  EXPECT_THAT(first.abstract(),
              ::testing::StartsWith("A \"Barometer\" Neuron enhances"));
  EXPECT_THAT(first.abstract(),
              ::testing::EndsWith("of the \"perfect\" pair."));
  EXPECT_EQ(first.grant_date(), "1996-07-09");
  EXPECT_EQ(first.patent_type(), v1::INVENTION);
  EXPECT_EQ(s.records[1].listing.title(),
            "Electronic neural network for solving \"traveling salesman\" and "
            "similar global optimization problems");

  const ParsedRecord* design = FindBySource(s, "USD349814");
  ASSERT_NE(design, nullptr);
  EXPECT_EQ(design->listing.patent_type(), v1::DESIGN);
  const ParsedRecord* reissue = FindBySource(s, "USRE36823");
  ASSERT_NE(reissue, nullptr);
  EXPECT_EQ(reissue->listing.patent_type(), v1::INVENTION);
  // No title or abstract keeps a stray wrapping quote or outer whitespace.
  for (const ParsedRecord& r : s.records) {
    for (const std::string* text :
         {&r.listing.title(), &r.listing.abstract()}) {
      ASSERT_FALSE(text->empty()) << r.line;
      EXPECT_NE(text->front(), ' ') << r.line;
      EXPECT_NE(text->back(), ' ') << r.line;
      EXPECT_EQ(text->find("\"\""), std::string::npos) << r.line << *text;
    }
  }
}

TEST(RealDataTest, CnAbstractsKeyphrases) {
  const FileSummary s =
      ReadFile(PM_SHARED_DATA_DIR "/cn_abstracts_keyphrases.jsonl");
  EXPECT_EQ(s.records.size(), 3024u);
  EXPECT_EQ(s.errors, 0u) << s.first_error;
  EXPECT_EQ(s.warnings, 0u);
  EXPECT_THAT(s.unmapped, ElementsAre("keyphrases"));
  ASSERT_FALSE(s.records.empty());
  EXPECT_EQ(s.records[0].line, 1);
  EXPECT_EQ(s.records[0].listing.source_id(), "KPA0001");
  EXPECT_THAT(s.records[0].listing.abstract(),
              ::testing::StartsWith("本申请涉及使用近红外光谱法"));
  EXPECT_EQ(s.records.back().listing.source_id(), "KPA3024");
}

TEST(RealDataTest, DevCorpus) {
  const FileSummary s = ReadFile(PM_SHARED_DATA_DIR "/eval/dev_corpus.jsonl");
  EXPECT_EQ(s.records.size(), 12764u);
  EXPECT_EQ(s.errors, 0u) << s.first_error;
  EXPECT_EQ(s.warnings, 0u);
  EXPECT_THAT(s.unmapped, IsEmpty());
  const ParsedRecord* cn = FindBySource(s, "CN114081026A");
  ASSERT_NE(cn, nullptr);
  EXPECT_EQ(cn->listing.title(), "一种水电站高压输电线路驱鸟保护装置");
  EXPECT_THAT(cn->listing.ipc_codes(), ElementsAre("A01M", "G06F", "H02G"));
  const ParsedRecord* kpa = FindBySource(s, "KPA0001");
  ASSERT_NE(kpa, nullptr);
  EXPECT_EQ(kpa->line, 1);
  EXPECT_TRUE(kpa->listing.title().empty());
  EXPECT_FALSE(kpa->listing.abstract().empty());
}

}  // namespace
}  // namespace patentmatch::import
