// Column names and value parsing for patent exports; see column_mapping.h.
#include "clients/import/column_mapping.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/json_util.h"
#include "matcher/ipc_code.h"
#include "matcher/patent_number.h"

namespace patentmatch::import {
namespace {

using ::patentmatch::matcher::FoldFullWidth;

// Debian's Abseil has its own string_view, distinct from std::string_view,
// so the few string helpers needed here are written out.
bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}
bool ConsumePrefix(std::string_view* s, std::string_view prefix) {
  if (!s->starts_with(prefix)) return false;
  s->remove_prefix(prefix.size());
  return true;
}
bool ConsumeSuffix(std::string_view* s, std::string_view suffix) {
  if (!s->ends_with(suffix)) return false;
  s->remove_suffix(suffix.size());
  return true;
}
bool IsSpace(char c) {
  return absl::ascii_isspace(static_cast<unsigned char>(c));
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
std::optional<int> ToInt(std::string_view digits) {
  int n = 0;
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (error != std::errc() || end != digits.data() + digits.size() ||
      digits.empty()) {
    return std::nullopt;
  }
  return n;
}

// Lower-case ASCII, full-width folded, without spaces and punctuation that
// exports vary on: "公开（公告）号" and "Publication_Number" become
// "公开公告号" and "publicationnumber".
std::string NormaliseName(std::string_view name) {
  std::string out;
  for (char c : FoldFullWidth(name)) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) ||
        std::string_view("_-()[]./:").find(c) != std::string_view::npos) {
      continue;
    }
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

const absl::flat_hash_map<std::string, ListingField>& ColumnTable() {
  static const auto* table = [] {
    const std::pair<ListingField, std::vector<std::string_view>> kNames[] = {
        {ListingField::kPublicationNumber,
         {"公开号", "公开(公告)号", "公告号", "公开公告号", "授权公告号",
          "公布号", "公开(公布)号", "文献号", "publication_number",
          "publication number", "publication no", "pub_no", "pub number"}},
        {ListingField::kUsPatentNumber, {"patent_number", "patent no"}},
        {ListingField::kApplicationNumber,
         {"申请号", "专利号", "专利申请号", "application_number",
          "application no", "app_no"}},
        {ListingField::kSourceId, {"id", "source_id", "编号"}},
        {ListingField::kTitle,
         {"名称", "标题", "专利名称", "发明名称", "发明创造名称", "title"}},
        {ListingField::kAbstract, {"摘要", "abstract"}},
        {ListingField::kClaims,
         {"主权项", "权利要求", "权利要求书", "claims", "claim",
          "first claim"}},
        {ListingField::kIpcCodes,
         {"分类号", "IPC", "IPC分类号", "主分类号", "IPC主分类号", "IPC分类",
          "国际分类号", "ipc_subclasses", "ipc_codes", "ipc code"}},
        {ListingField::kPatentType,
         {"专利类型", "专利种类", "类型", "patent_type"}},
        {ListingField::kLegalStatus,
         {"法律状态", "当前法律状态", "专利状态", "legal_status"}},
        {ListingField::kApplicationDate,
         {"申请日", "申请日期", "application_date", "filing date"}},
        {ListingField::kPublicationDate,
         {"公开日", "公告日", "公开(公告)日", "公开日期", "publication_date"}},
        {ListingField::kGrantDate,
         {"授权日", "授权公告日", "授权日期", "grant_date", "issue date"}},
        {ListingField::kExpiryDate,
         {"到期日", "届满日", "expiry_date", "expiration date"}},
        {ListingField::kOwnerOrganisationId, {"owner_organisation_id"}},
        {ListingField::kOwnerName,
         {"申请人", "专利权人", "当前权利人", "当前专利权人", "权利人",
          "申请(专利权)人", "owner", "owner_name", "applicant", "applicants",
          "assignee", "assignees"}},
        {ListingField::kInventors,
         {"发明人", "设计人", "发明(设计)人", "inventors", "inventor"}},
        {ListingField::kDealModes,
         {"许可方式", "交易方式", "转化方式", "交易类型", "许可类型",
          "deal_modes", "deal mode"}},
        {ListingField::kRoyalty,
         {"许可费", "许可费用", "许可使用费", "royalty", "royalty rate"}},
        {ListingField::kOpenLicence, {"open_licence", "open_license"}},
        {ListingField::kAskingPrice,
         {"价格", "挂牌价", "挂牌价格", "转让价格", "交易价格", "报价",
          "asking_price", "price"}},
        {ListingField::kAskingPriceMin, {"最低价", "最低价格", "min price"}},
        {ListingField::kAskingPriceMax, {"最高价", "最高价格", "max price"}},
        {ListingField::kIndustryTags,
         {"行业", "所属行业", "产业", "产业领域", "industry", "industries",
          "industry_tags"}},
        {ListingField::kMaturity,
         {"技术成熟度", "成熟度", "技术阶段", "maturity"}},
    };
    auto* t = new absl::flat_hash_map<std::string, ListingField>;
    for (const auto& [field, names] : kNames) {
      for (std::string_view name : names)
        t->emplace(NormaliseName(name), field);
    }
    return t;
  }();
  return *table;
}

void AddIssue(std::vector<v1::FieldError>* issues, std::string_view column,
              std::string message) {
  v1::FieldError& e = issues->emplace_back();
  e.set_field(std::string(column));
  e.set_message(std::move(message));
}

// Trims ASCII whitespace, the ideographic space and no-break spaces.
std::string_view Trim(std::string_view s) {
  static constexpr std::string_view kWide[] = {"\xE3\x80\x80", "\xC2\xA0"};
  for (bool changed = true; changed;) {
    changed = false;
    while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
    for (std::string_view w : kWide) {
      if (ConsumePrefix(&s, w) || ConsumeSuffix(&s, w)) {
        changed = true;
      }
    }
  }
  return s;
}

// Splits on any of the separators people put between list items.
std::vector<std::string> SplitList(std::string_view text) {
  static constexpr std::string_view kSeparators[] = {";",
                                                     "\xEF\xBC\x9B" /*；*/,
                                                     ",",
                                                     "\xEF\xBC\x8C" /*，*/,
                                                     "\xE3\x80\x81" /*、*/,
                                                     "|"};
  std::vector<std::string> out;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t cut = rest.size(), len = 0;
    for (std::string_view sep : kSeparators) {
      const size_t pos = rest.find(sep);
      if (pos < cut) cut = pos, len = sep.size();
    }
    const std::string_view item = Trim(rest.substr(0, cut));
    if (!item.empty()) out.emplace_back(item);
    rest.remove_prefix(std::min(rest.size(), cut + len));
  }
  return out;
}

// Non-empty pieces of `text` between any of the characters in `separators`.
std::vector<std::string_view> SplitAny(std::string_view text,
                                       std::string_view separators) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(separators, start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void AddUnique(google::protobuf::RepeatedPtrField<std::string>* list,
               std::string value) {
  if (std::find(list->begin(), list->end(), value) == list->end()) {
    list->Add(std::move(value));
  }
}

// Every IPC code in a cell. Codes are separated by | ; , (or their
// full-width forms), or by whitespace; but "H01M 4/525" has a space of its
// own, so whitespace splits only where every piece is a whole code.
std::vector<std::string> SplitIpcCodes(std::string_view text) {
  std::vector<std::string> out;
  const std::string folded = FoldFullWidth(text);
  for (std::string_view piece : SplitAny(folded, "|;,")) {
    piece = Trim(piece);
    if (piece.empty()) continue;
    if (auto code = matcher::ParseIpcCode(piece); code.ok()) {
      out.push_back(code->ToString());
      continue;
    }
    const std::vector<std::string_view> tokens = SplitAny(piece, " \t\r\n");
    std::vector<std::string> codes;
    bool all_codes = tokens.size() > 1;
    for (size_t i = 0; all_codes && i < tokens.size();) {
      // "H01M" followed by "4/525" is one code, not two.
      if (i + 1 < tokens.size() && IsDigit(tokens[i + 1][0])) {
        if (auto code = matcher::ParseIpcCode(absl::StrCat(
                std::string(tokens[i]), " ", std::string(tokens[i + 1])));
            code.ok()) {
          codes.push_back(code->ToString());
          i += 2;
          continue;
        }
      }
      auto code = matcher::ParseIpcCode(tokens[i]);
      if (!code.ok())
        all_codes = false;
      else
        codes.push_back(code->ToString());
      ++i;
    }
    if (all_codes) {
      out.insert(out.end(), codes.begin(), codes.end());
    } else {
      out.emplace_back(piece);  // the server will say what is wrong with it
    }
  }
  return out;
}

template <typename Enum>
std::optional<Enum> EnumFromNumber(std::string_view key,
                                   bool (*is_valid)(int)) {
  std::optional<int> n = ToInt(key);
  if (n.has_value() && is_valid(*n)) return static_cast<Enum>(*n);
  return std::nullopt;
}

std::optional<v1::LegalStatus> ParseLegalStatus(std::string_view text) {
  const std::string key = NormaliseName(text);
  static const auto* english =
      new absl::flat_hash_map<std::string_view, v1::LegalStatus>{
          {"inforce", v1::IN_FORCE},
          {"valid", v1::IN_FORCE},
          {"active", v1::IN_FORCE},
          {"alive", v1::IN_FORCE},
          {"live", v1::IN_FORCE},
          {"granted", v1::IN_FORCE},
          {"pending", v1::PENDING},
          {"published", v1::PENDING},
          {"underexamination", v1::PENDING},
          {"examination", v1::PENDING},
          {"lapsed", v1::LAPSED},
          {"dead", v1::LAPSED},
          {"abandoned", v1::LAPSED},
          {"withdrawn", v1::LAPSED},
          {"rejected", v1::LAPSED},
          {"refused", v1::LAPSED},
          {"ceased", v1::LAPSED},
          {"expired", v1::EXPIRED},
          {"invalidated", v1::INVALIDATED},
          {"invalid", v1::INVALIDATED},
          {"revoked", v1::INVALIDATED},
          {"legalstatusunspecified", v1::LEGAL_STATUS_UNSPECIFIED},
          {"unknown", v1::LEGAL_STATUS_UNSPECIFIED},
          {"未知", v1::LEGAL_STATUS_UNSPECIFIED}};
  if (auto it = english->find(key); it != english->end()) return it->second;
  if (auto n = EnumFromNumber<v1::LegalStatus>(key, v1::LegalStatus_IsValid)) {
    return n;
  }
  // Chinese statuses are often compound ("未缴年费专利权终止，等恢复"), so
  // look for the telling word, most decisive first: "无效" before "有效",
  // "失效" before "授权".
  static const std::pair<std::string_view, v1::LegalStatus> kWords[] = {
      {"届满", v1::EXPIRED},      {"期满", v1::EXPIRED},
      {"部分无效", v1::IN_FORCE},  // the remaining claims stay in force
      {"无效", v1::INVALIDATED},  {"失效", v1::LAPSED},
      {"未缴年费", v1::LAPSED},   {"撤回", v1::LAPSED},
      {"驳回", v1::LAPSED},       {"放弃", v1::LAPSED},
      {"终止", v1::LAPSED},       {"审中", v1::PENDING},
      {"实质审查", v1::PENDING},  {"待审", v1::PENDING},
      {"公开", v1::PENDING},      {"有效", v1::IN_FORCE},
      {"授权", v1::IN_FORCE},     {"维持", v1::IN_FORCE}};
  for (const auto& [word, status] : kWords) {
    if (Contains(key, word)) return status;
  }
  return std::nullopt;
}

std::optional<v1::PatentType> ParsePatentType(std::string_view text) {
  const std::string key = NormaliseName(text);
  static const auto* english =
      new absl::flat_hash_map<std::string_view, v1::PatentType>{
          {"invention", v1::INVENTION},
          {"inventionpatent", v1::INVENTION},
          // A US "utility patent" is an invention patent, not a utility
          // model.
          {"utility", v1::INVENTION},
          {"utilitypatent", v1::INVENTION},
          {"utilitymodel", v1::UTILITY_MODEL},
          {"design", v1::DESIGN},
          {"designpatent", v1::DESIGN},
          {"patenttypeunspecified", v1::PATENT_TYPE_UNSPECIFIED}};
  if (auto it = english->find(key); it != english->end()) return it->second;
  if (auto n = EnumFromNumber<v1::PatentType>(key, v1::PatentType_IsValid)) {
    return n;
  }
  if (Contains(key, "实用新型")) return v1::UTILITY_MODEL;
  if (Contains(key, "外观")) return v1::DESIGN;
  if (Contains(key, "发明")) return v1::INVENTION;
  return std::nullopt;
}

std::optional<v1::DealMode> ParseDealMode(std::string_view text) {
  const std::string key = NormaliseName(text);
  static const auto* english =
      new absl::flat_hash_map<std::string_view, v1::DealMode>{
          {"licenceopen", v1::LICENCE_OPEN},
          {"openlicence", v1::LICENCE_OPEN},
          {"openlicense", v1::LICENCE_OPEN},
          {"licenceexclusive", v1::LICENCE_EXCLUSIVE},
          {"exclusive", v1::LICENCE_EXCLUSIVE},
          {"exclusivelicence", v1::LICENCE_EXCLUSIVE},
          {"exclusivelicense", v1::LICENCE_EXCLUSIVE},
          {"licencesole", v1::LICENCE_SOLE},
          {"sole", v1::LICENCE_SOLE},
          {"solelicence", v1::LICENCE_SOLE},
          {"solelicense", v1::LICENCE_SOLE},
          {"licenceordinary", v1::LICENCE_ORDINARY},
          {"ordinary", v1::LICENCE_ORDINARY},
          {"ordinarylicence", v1::LICENCE_ORDINARY},
          {"ordinarylicense", v1::LICENCE_ORDINARY},
          {"nonexclusive", v1::LICENCE_ORDINARY},
          {"nonexclusivelicence", v1::LICENCE_ORDINARY},
          {"nonexclusivelicense", v1::LICENCE_ORDINARY},
          {"transfer", v1::TRANSFER},
          {"assignment", v1::TRANSFER},
          {"equity", v1::EQUITY},
          {"jointdevelopment", v1::JOINT_DEVELOPMENT}};
  if (auto it = english->find(key); it != english->end()) return it->second;
  if (auto n = EnumFromNumber<v1::DealMode>(key, v1::DealMode_IsValid)) {
    if (*n != v1::DEAL_MODE_UNSPECIFIED) return n;
  }
  static const std::pair<std::string_view, v1::DealMode> kWords[] = {
      {"开放许可", v1::LICENCE_OPEN},
      {"非独占", v1::LICENCE_ORDINARY},
      {"独占", v1::LICENCE_EXCLUSIVE},
      {"排他", v1::LICENCE_SOLE},
      {"普通", v1::LICENCE_ORDINARY},
      {"转让", v1::TRANSFER},
      {"入股", v1::EQUITY},
      {"合作开发", v1::JOINT_DEVELOPMENT}};
  for (const auto& [word, mode] : kWords) {
    if (Contains(key, word)) return mode;
  }
  return std::nullopt;
}

std::optional<v1::Maturity> ParseMaturity(std::string_view text) {
  const std::string key = NormaliseName(text);
  static const auto* english =
      new absl::flat_hash_map<std::string_view, v1::Maturity>{
          {"laboratory", v1::LABORATORY},
          {"lab", v1::LABORATORY},
          {"prototype", v1::PROTOTYPE},
          {"pilot", v1::PILOT},
          {"massproduction", v1::MASS_PRODUCTION},
          {"production", v1::MASS_PRODUCTION},
          {"maturityunspecified", v1::MATURITY_UNSPECIFIED}};
  if (auto it = english->find(key); it != english->end()) return it->second;
  if (auto n = EnumFromNumber<v1::Maturity>(key, v1::Maturity_IsValid)) {
    return n;
  }
  static const std::pair<std::string_view, v1::Maturity> kWords[] = {
      {"实验室", v1::LABORATORY},
      {"小试", v1::LABORATORY},
      {"样机", v1::PROTOTYPE},
      {"原型", v1::PROTOTYPE},
      {"中试", v1::PILOT},
      {"量产", v1::MASS_PRODUCTION},
      {"批量", v1::MASS_PRODUCTION},
      {"产业化", v1::MASS_PRODUCTION},
      {"规模化", v1::MASS_PRODUCTION}};
  for (const auto& [word, maturity] : kWords) {
    if (Contains(key, word)) return maturity;
  }
  return std::nullopt;
}

// A number followed by an optional unit: "5万元" is {5, 10000, true}.
struct Amount {
  double number = 0;
  double multiplier = 1;
  bool unit_given = false;
};

std::optional<Amount> ParseAmount(std::string_view text) {
  std::string s;
  for (char c : FoldFullWidth(text)) {
    if (c != ',' && !absl::ascii_isspace(static_cast<unsigned char>(c))) {
      s.push_back(c);
    }
  }
  const size_t start = s.find_first_of("0123456789");
  if (start == std::string::npos) return std::nullopt;
  size_t end = start;
  while (end < s.size() && (absl::ascii_isdigit(s[end]) || s[end] == '.')) {
    ++end;
  }
  Amount amount;
  if (!absl::SimpleAtod(s.substr(start, end - start), &amount.number)) {
    return std::nullopt;
  }
  const std::string_view unit = std::string_view(s).substr(end);
  static const std::pair<std::string_view, double> kUnits[] = {
      {"百万", 1e6}, {"千万", 1e7}, {"万", 1e4}, {"亿", 1e8},
      {"千", 1e3},   {"元", 1},     {"k", 1e3},  {"K", 1e3}};
  for (const auto& [word, multiplier] : kUnits) {
    if (unit.starts_with(word)) {
      amount.multiplier = multiplier;
      amount.unit_given = true;
      break;
    }
  }
  return amount;
}

int64_t ToYuan(const Amount& amount, double multiplier) {
  return std::llround(amount.number * multiplier);
}

// "50万元" -> {500000, 500000}; "10-20万元" -> {100000, 200000}.
std::optional<v1::PriceRange> ParsePriceRange(std::string_view text) {
  const std::string s = FoldFullWidth(text);
  static constexpr std::string_view kDashes[] = {"~",
                                                 "-",
                                                 "\xE8\x87\xB3" /*至*/,
                                                 "\xE5\x88\xB0" /*到*/,
                                                 "\xE2\x80\x94" /*—*/,
                                                 "\xE2\x80\x93" /*–*/};
  for (std::string_view dash : kDashes) {
    const size_t pos = s.find(dash, 1);
    if (pos == std::string::npos) continue;
    auto low = ParseAmount(std::string_view(s).substr(0, pos));
    auto high = ParseAmount(std::string_view(s).substr(pos + dash.size()));
    if (!low || !high) continue;
    v1::PriceRange range;
    range.set_min_yuan(
        ToYuan(*low, low->unit_given ? low->multiplier : high->multiplier));
    range.set_max_yuan(ToYuan(*high, high->multiplier));
    return range;
  }
  auto amount = ParseAmount(s);
  if (!amount) return std::nullopt;
  v1::PriceRange range;
  range.set_min_yuan(ToYuan(*amount, amount->multiplier));
  range.set_max_yuan(range.min_yuan());
  return range;
}

template <typename Message>
bool MergeJson(std::string_view json, Message* message) {
  Message parsed;
  if (!google::protobuf::util::JsonStringToMessage(
           google::protobuf::StringPiece(json.data(), json.size()), &parsed)
           .ok()) {
    return false;
  }
  message->MergeFrom(parsed);
  return true;
}

constexpr std::string_view kDateFormats =
    "expected a date such as 2021-01-02, 2021/1/2, 20210102 or 2021年1月2日";

}  // namespace

std::optional<ListingField> FieldForColumn(std::string_view column) {
  const auto& table = ColumnTable();
  if (auto it = table.find(NormaliseName(column)); it != table.end()) {
    return it->second;
  }
  return std::nullopt;
}

bool IsIdentifyingField(ListingField field) {
  switch (field) {
    case ListingField::kPublicationNumber:
    case ListingField::kUsPatentNumber:
    case ListingField::kApplicationNumber:
    case ListingField::kTitle:
    case ListingField::kAbstract:
      return true;
    default:
      return false;
  }
}

std::string CleanText(std::string_view text) {
  std::string s(Trim(text));
  // Peel wrapping quotes while what they wrap has only doubled quotes inside,
  // i.e. while they are an extra layer of CSV quoting that was never undone.
  while (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    const std::string_view inner = std::string_view(s).substr(1, s.size() - 2);
    bool only_doubled = true;
    for (size_t i = 0; i < inner.size(); ++i) {
      if (inner[i] != '"') continue;
      if (i + 1 < inner.size() && inner[i + 1] == '"') {
        ++i;
      } else {
        only_doubled = false;
        break;
      }
    }
    if (!only_doubled) break;
    s = std::string(
        Trim(absl::StrReplaceAll(std::string(inner), {{"\"\"", "\""}})));
  }
  return s;
}

std::optional<std::string> ParseDate(std::string_view text) {
  const std::string folded = FoldFullWidth(text);
  std::string_view s = Trim(folded);
  auto take_digits = [&s](size_t max) {
    size_t n = 0;
    while (n < s.size() && n < max && IsDigit(s[n])) ++n;
    std::string_view digits = s.substr(0, n);
    s.remove_prefix(n);
    return digits;
  };
  int year = 0, month = 0, day = 0;
  std::string_view y = take_digits(8);
  if (y.size() == 8) {
    year = *ToInt(y.substr(0, 4));
    month = *ToInt(y.substr(4, 2));
    day = *ToInt(y.substr(6, 2));
  } else {
    if (y.size() != 4) return std::nullopt;
    year = *ToInt(y);
    auto take_separator = [&s](std::string_view word) {
      if (!s.empty() && (s[0] == '-' || s[0] == '.' || s[0] == '/')) {
        s.remove_prefix(1);
        return true;
      }
      return ConsumePrefix(&s, word);
    };
    if (!take_separator("年")) return std::nullopt;
    std::string_view m = take_digits(2);
    if (m.empty()) return std::nullopt;
    month = *ToInt(m);
    if (!take_separator("月")) return std::nullopt;
    std::string_view d = take_digits(2);
    if (d.empty()) return std::nullopt;
    day = *ToInt(d);
    ConsumePrefix(&s, "日");
  }
  // A time of day may follow ("2021-01-02 00:00:00", "2021-01-02T08:00").
  if (!s.empty() && s[0] != ' ' && s[0] != 'T') return std::nullopt;
  if (year < 1800 || year > 2200 || month < 1 || month > 12 || day < 1) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDays[month - 1] + (month == 2 && leap ? 1 : 0)) {
    return std::nullopt;
  }
  return absl::StrFormat("%04d-%02d-%02d", year, month, day);
}

std::optional<int64_t> ParseYuan(std::string_view text) {
  auto amount = ParseAmount(text);
  if (!amount) return std::nullopt;
  return ToYuan(*amount, amount->multiplier);
}

void ApplyColumnValues(ListingField field, std::string_view column,
                       const std::vector<std::string>& values,
                       ParsedRecord* record) {
  std::vector<std::string> cleaned;
  for (const std::string& value : values) {
    if (value.size() > kMaxFieldBytes) {
      AddIssue(&record->errors, column,
               absl::StrFormat("value is %d bytes long; the limit is %d "
                               "(1 MB)",
                               value.size(), kMaxFieldBytes));
      return;
    }
    std::string text = CleanText(value);
    if (!text.empty()) cleaned.push_back(std::move(text));
  }
  if (cleaned.empty()) return;
  const std::string& first = cleaned.front();
  v1::PatentListing& listing = record->listing;
  auto set_once = [&first](std::string* target) {
    if (target->empty()) *target = first;
  };
  auto set_date = [&](std::string* target) {
    if (!target->empty()) return;
    if (auto date = ParseDate(first)) {
      *target = *std::move(date);
    } else {
      AddIssue(&record->errors, column,
               absl::StrFormat("'%s' is not a date (%s)", first, kDateFormats));
    }
  };
  auto warn_unknown = [&](std::string_view what, std::string_view value) {
    AddIssue(&record->warnings, column,
             absl::StrFormat("unknown %s '%s'; left unspecified", what, value));
  };

  switch (field) {
    case ListingField::kUsPatentNumber:
    case ListingField::kPublicationNumber: {
      if (!listing.publication_number().empty()) return;
      std::string number = first;
      // PatentsView writes US numbers without the country: "5535303",
      // "D349814", "RE36823".
      if (field == ListingField::kUsPatentNumber &&
          (absl::ascii_isdigit(number[0]) ||
           (number.size() > 1 && absl::ascii_isdigit(number[1])) ||
           number.starts_with("RE") || number.starts_with("PP"))) {
        number = absl::StrCat("US", number);
      }
      auto normalised = matcher::NormalisePublicationNumber(number);
      listing.set_publication_number(normalised.ok() ? *normalised : number);
      return;
    }
    case ListingField::kApplicationNumber: {
      if (!listing.application_number().empty()) return;
      auto normalised = matcher::NormaliseApplicationNumber(first);
      listing.set_application_number(normalised.ok() ? *normalised : first);
      return;
    }
    case ListingField::kSourceId:
      return set_once(listing.mutable_source_id());
    case ListingField::kTitle:
      return set_once(listing.mutable_title());
    case ListingField::kAbstract:
      return set_once(listing.mutable_abstract());
    case ListingField::kClaims:
      return set_once(listing.mutable_claims());
    case ListingField::kOwnerOrganisationId:
      return set_once(listing.mutable_owner_organisation_id());
    case ListingField::kOwnerName:
      return set_once(listing.mutable_owner_name());
    case ListingField::kIpcCodes:
      for (const std::string& value : cleaned) {
        for (std::string& code : SplitIpcCodes(value)) {
          AddUnique(listing.mutable_ipc_codes(), std::move(code));
        }
      }
      return;
    case ListingField::kInventors:
    case ListingField::kIndustryTags: {
      auto* list = field == ListingField::kInventors
                       ? listing.mutable_inventors()
                       : listing.mutable_industry_tags();
      for (const std::string& value : cleaned) {
        for (std::string& item : SplitList(value)) {
          AddUnique(list, std::move(item));
        }
      }
      return;
    }
    case ListingField::kApplicationDate:
      return set_date(listing.mutable_application_date());
    case ListingField::kPublicationDate:
      return set_date(listing.mutable_publication_date());
    case ListingField::kGrantDate:
      return set_date(listing.mutable_grant_date());
    case ListingField::kExpiryDate:
      return set_date(listing.mutable_expiry_date());
    case ListingField::kLegalStatus:
      if (listing.legal_status() != v1::LEGAL_STATUS_UNSPECIFIED) return;
      if (auto status = ParseLegalStatus(first)) {
        listing.set_legal_status(*status);
      } else {
        warn_unknown("legal status", first);
      }
      return;
    case ListingField::kPatentType:
      if (listing.patent_type() != v1::PATENT_TYPE_UNSPECIFIED) return;
      if (auto type = ParsePatentType(first)) {
        listing.set_patent_type(*type);
      } else {
        warn_unknown("patent type", first);
      }
      return;
    case ListingField::kMaturity:
      if (listing.maturity() != v1::MATURITY_UNSPECIFIED) return;
      if (auto maturity = ParseMaturity(first)) {
        listing.set_maturity(*maturity);
      } else {
        warn_unknown("technology maturity", first);
      }
      return;
    case ListingField::kDealModes:
      for (const std::string& value : cleaned) {
        for (const std::string& item : SplitList(value)) {
          auto mode = ParseDealMode(item);
          if (!mode) {
            warn_unknown("deal mode", item);
          } else if (std::find(listing.deal_modes().begin(),
                               listing.deal_modes().end(),
                               *mode) == listing.deal_modes().end()) {
            listing.add_deal_modes(*mode);
          }
        }
      }
      return;
    case ListingField::kRoyalty: {
      v1::OpenLicenceTerms* terms = listing.mutable_open_licence();
      const std::string folded = FoldFullWidth(first);
      auto amount = ParseAmount(folded);
      if (!amount) {
        AddIssue(&record->warnings, column,
                 absl::StrFormat("'%s' is neither a royalty rate nor an "
                                 "amount; left unstated",
                                 first));
      } else if (Contains(folded, "%")) {
        terms->set_royalty_rate_percent(amount->number);
      } else {
        terms->set_royalty_fixed_yuan(ToYuan(*amount, amount->multiplier));
      }
      return;
    }
    case ListingField::kOpenLicence:
      if (!MergeJson(first, listing.mutable_open_licence())) {
        AddIssue(&record->errors, column,
                 "not an OpenLicenceTerms object (royalty_rate_percent, "
                 "royalty_fixed_yuan, period_years, declared_date, "
                 "terms_text)");
      }
      return;
    case ListingField::kAskingPrice:
      if (first.front() == '{') {
        if (!MergeJson(first, listing.mutable_asking_price())) {
          AddIssue(&record->errors, column,
                   "not a PriceRange object (min_yuan, max_yuan)");
        }
      } else if (auto range = ParsePriceRange(first)) {
        *listing.mutable_asking_price() = *range;
      } else {
        AddIssue(&record->warnings, column,
                 absl::StrFormat("'%s' is not a price; left unstated", first));
      }
      return;
    case ListingField::kAskingPriceMin:
    case ListingField::kAskingPriceMax:
      if (auto yuan = ParseYuan(first)) {
        if (field == ListingField::kAskingPriceMin) {
          listing.mutable_asking_price()->set_min_yuan(*yuan);
        } else {
          listing.mutable_asking_price()->set_max_yuan(*yuan);
        }
      } else {
        AddIssue(&record->warnings, column,
                 absl::StrFormat("'%s' is not a price; left unstated", first));
      }
      return;
  }
}

void FinishRecord(ParsedRecord* record) {
  v1::PatentListing& listing = record->listing;
  if (listing.patent_type() == v1::PATENT_TYPE_UNSPECIFIED &&
      !listing.publication_number().empty()) {
    listing.set_patent_type(
        matcher::PatentTypeFromPublicationNumber(listing.publication_number()));
  }
  if (listing.title().empty() && listing.abstract().empty() &&
      listing.publication_number().empty() &&
      listing.application_number().empty() && listing.source_id().empty()) {
    AddIssue(&record->errors, "record",
             "no title, abstract, publication number, application number or "
             "id");
  }
}

}  // namespace patentmatch::import
