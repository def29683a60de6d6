// Tables, entity views and JSON lines for the `patentmatch` client.
#include "clients/cli/output.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/cli.h"
#include "google/protobuf/util/json_util.h"

namespace patentmatch::cli {
namespace {

// Decodes one UTF-8 sequence at s[i]; advances i. Invalid bytes decode as
// U+FFFD one byte at a time, so broken input still prints.
char32_t NextCodePoint(absl::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80           ? 1
            : (c >> 5) == 0x6  ? 2
            : (c >> 4) == 0xE  ? 3
            : (c >> 3) == 0x1E ? 4
                               : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc >> 6) != 0x2) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += len;
  return cp;
}

// East Asian Wide and Fullwidth ranges (UAX #11), the ones that occur in
// patent text; a range check keeps the client free of an ICU dependency.
int CodePointWidth(char32_t c) {
  if (c == 0) return 0;
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) ||
      (c >= 0xFE00 && c <= 0xFE0F)) {
    return 0;  // combining marks, zero-width spaces, variation selectors
  }
  if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
      (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
      (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
      (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
      (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
      (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
      (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD)) {
    return 2;
  }
  return 1;
}

std::string Or(const std::string& s, const std::string& dflt = "-") {
  return s.empty() ? dflt : s;
}

void Line(const std::string& label, const std::string& value) {
  if (value.empty()) return;
  std::printf("%-18s %s\n", (label + ":").c_str(), value.c_str());
}

std::string YesNo(bool b) { return b ? "yes" : "no"; }

void PrintExplanation(const v1::Explanation& e, const std::string& indent) {
  if (!e.summary().empty()) {
    std::printf("%s%s\n", indent.c_str(), e.summary().c_str());
  }
  if (e.matched_terms_size() > 0) {
    std::printf("%smatched terms: %s\n", indent.c_str(),
                absl::StrJoin(e.matched_terms(), ", ").c_str());
  }
  if (!e.ipc_overlap_level().empty() && e.ipc_overlap_level() != "none") {
    std::printf("%sIPC overlap: %s %s\n", indent.c_str(),
                e.ipc_overlap_level().c_str(), e.ipc_overlap_code().c_str());
  } else {
    std::printf("%sIPC overlap: none\n", indent.c_str());
  }
  if (e.features_size() == 0) return;
  std::printf("%s%-22s %7s %7s %8s  %s\n", indent.c_str(), "feature", "value",
              "weight", "contrib", "reason");
  for (const auto& f : e.features()) {
    std::printf("%s%-22s %7.3f %7.3f %8.3f  %s\n", indent.c_str(),
                f.feature().c_str(), f.value(), f.weight(), f.contribution(),
                f.reason().c_str());
  }
}

}  // namespace

int DisplayWidth(absl::string_view utf8) {
  int w = 0;
  for (size_t i = 0; i < utf8.size();)
    w += CodePointWidth(NextCodePoint(utf8, i));
  return w;
}

std::string TruncateToWidth(absl::string_view utf8, int width) {
  if (DisplayWidth(utf8) <= width) return std::string(utf8);
  if (width <= 0) return "";
  int used = 0;
  size_t i = 0;
  while (i < utf8.size()) {
    size_t start = i;
    int cw = CodePointWidth(NextCodePoint(utf8, i));
    if (used + cw > width - 1) {  // keep one column for the ellipsis
      i = start;
      break;
    }
    used += cw;
  }
  return absl::StrCat(utf8.substr(0, i), "…");
}

std::string PadToWidth(absl::string_view utf8, int width) {
  std::string s = TruncateToWidth(utf8, width);
  int w = DisplayWidth(s);
  if (w < width) s.append(width - w, ' ');
  return s;
}

int TerminalWidth() {
  if (const char* cols = std::getenv("COLUMNS")) {
    int n = 0;
    if (absl::SimpleAtoi(cols, &n) && n > 20) return n;
  }
  struct winsize ws;
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
      ws.ws_col > 20) {
    return ws.ws_col;
  }
  return 100;
}

void PrintJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    std::fprintf(stderr, "error: cannot print JSON: %s\n",
                 std::string(status.message()).c_str());
    return;
  }
  std::printf("%s\n", json.c_str());
}

Table::Table(std::vector<std::string> header) : header_(std::move(header)) {}

void Table::AddRow(std::vector<std::string> row) {
  row.resize(header_.size());
  rows_.push_back(std::move(row));
}

void Table::Print(std::FILE* out) const {
  std::vector<int> widths(header_.size());
  for (size_t c = 0; c < header_.size(); ++c) {
    widths[c] = DisplayWidth(header_[c]);
    for (const auto& r : rows_)
      widths[c] = std::max(widths[c], DisplayWidth(r[c]));
  }
  // On a terminal the last column (usually a title) takes what is left of
  // its width; into a pipe or a file every cell goes whole.
  int fixed = 0;
  for (size_t c = 0; c + 1 < widths.size(); ++c) fixed += widths[c] + 2;
  const int last = isatty(fileno(out))
                       ? std::max(20, TerminalWidth() - fixed - 1)
                       : std::numeric_limits<int>::max();
  auto print_row = [&](const std::vector<std::string>& r) {
    std::string line;
    for (size_t c = 0; c < r.size(); ++c) {
      if (c + 1 == r.size()) {
        absl::StrAppend(&line, TruncateToWidth(r[c], last));
      } else {
        absl::StrAppend(&line, PadToWidth(r[c], widths[c]), "  ");
      }
    }
    std::fprintf(out, "%s\n", line.c_str());
  };
  print_row(header_);
  for (const auto& r : rows_) print_row(r);
}

std::string JoinIpc(
    const google::protobuf::RepeatedPtrField<std::string>& ipc) {
  return absl::StrJoin(ipc, ", ");
}

std::string DealModesLabel(const google::protobuf::RepeatedField<int>& modes) {
  std::vector<std::string> out;
  for (int m : modes) out.push_back(EnumLabel(v1::DealMode_descriptor(), m));
  return absl::StrJoin(out, ", ");
}

void PrintListing(const v1::PatentListing& p) {
  Line("id", p.id());
  Line("title", p.title());
  Line("publication", p.publication_number());
  Line("application", p.application_number());
  Line("source id", p.source_id());
  Line("type", EnumLabel(v1::PatentType_descriptor(), p.patent_type()));
  Line("legal status",
       EnumLabel(v1::LegalStatus_descriptor(), p.legal_status()));
  Line("listing status", EnumLabel(v1::ListingStatus_descriptor(), p.status()));
  if (p.withdrawal_reason() != 0) {
    Line("withdrawn", absl::StrCat(EnumLabel(v1::WithdrawalReason_descriptor(),
                                             p.withdrawal_reason()),
                                   p.withdrawal_note().empty() ? "" : ": ",
                                   p.withdrawal_note()));
  }
  Line("IPC", JoinIpc(p.ipc_codes()));
  Line("owner", p.owner_name());
  Line("owner org", p.owner_organisation_id());
  if (p.owner_kind() != 0 || p.owner_district() != 0) {
    Line("owner kind",
         absl::StrCat(
             EnumLabel(v1::OrganisationKind_descriptor(), p.owner_kind()), ", ",
             EnumLabel(v1::District_descriptor(), p.owner_district())));
  }
  Line("inventors", absl::StrJoin(p.inventors(), ", "));
  Line("applied", p.application_date());
  Line("published", p.publication_date());
  Line("granted", p.grant_date());
  Line("expires", p.expiry_date());
  Line("deal modes", DealModesLabel(p.deal_modes()));
  if (p.has_open_licence()) {
    const auto& o = p.open_licence();
    Line("open licence",
         absl::StrFormat("royalty %.2f%% / %d yuan, %d years, declared %s",
                         o.royalty_rate_percent(), o.royalty_fixed_yuan(),
                         o.period_years(), Or(o.declared_date())));
  }
  if (p.asking_price().min_yuan() || p.asking_price().max_yuan()) {
    Line("asking price", absl::StrCat(p.asking_price().min_yuan(), " - ",
                                      p.asking_price().max_yuan(), " yuan"));
  }
  if (p.maturity() != 0) {
    Line("maturity", EnumLabel(v1::Maturity_descriptor(), p.maturity()));
  }
  Line("industries", absl::StrJoin(p.industry_tags(), ", "));
  Line("abstract", p.abstract());
  Line("claims", p.claims());
}

void PrintOrganisation(const v1::Organisation& o) {
  Line("id", o.id());
  Line("name", o.name());
  Line("kind", EnumLabel(v1::OrganisationKind_descriptor(), o.kind()));
  Line("district", EnumLabel(v1::District_descriptor(), o.district()));
  Line("credit code", o.credit_code());
  Line("high-tech", YesNo(o.high_tech()));
  Line("specialised", YesNo(o.specialised_sophisticated()));
  Line("incubation pool", YesNo(o.incubation_pool()));
  Line("industries", absl::StrJoin(o.industries(), ", "));
  if (o.sample()) Line("sample", "yes (demo data)");
}

void PrintDemand(const v1::Demand& d) {
  Line("id", d.id());
  Line("title", d.title());
  Line("organisation", d.organisation_id());
  Line("status", EnumLabel(v1::DemandStatus_descriptor(), d.status()));
  Line("close reason", d.close_reason());
  Line("industry", d.industry());
  Line("district", EnumLabel(v1::District_descriptor(), d.district()));
  Line("IPC hints", JoinIpc(d.ipc_hints()));
  Line("keywords", absl::StrJoin(d.keywords(), ", "));
  Line("deal modes", DealModesLabel(d.deal_modes()));
  if (d.budget().min_yuan() || d.budget().max_yuan()) {
    Line("budget", absl::StrCat(d.budget().min_yuan(), " - ",
                                d.budget().max_yuan(), " yuan"));
  }
  Line("deadline", d.deadline());
  if (d.has_contact()) {
    Line("contact", absl::StrJoin({d.contact().name(), d.contact().phone(),
                                   d.contact().email()},
                                  " "));
  }
  if (d.sample()) Line("sample", "yes (demo data)");
  Line("description", d.description());
}

void PrintPatentMatches(const v1::SuggestResponse& response) {
  if (response.matches_size() == 0) {
    std::printf("no matches (%lld candidates considered)\n",
                static_cast<long long>(response.candidates_considered()));
    return;
  }
  int title_width = std::max(20, TerminalWidth() - 4 - 2 - 7 - 2 - 16 - 2 - 1);
  std::printf("%4s  %7s  %-16s  %s\n", "rank", "score", "id", "title");
  for (const auto& m : response.matches()) {
    std::printf("%4d  %7.4f  %s  %s\n", m.rank(), m.score(),
                PadToWidth(m.patent().id(), 16).c_str(),
                TruncateToWidth(Or(m.patent().title(), m.patent().abstract()),
                                title_width)
                    .c_str());
    PrintExplanation(m.explanation(), "      ");
    std::printf("\n");
  }
  std::printf("%d matches, %lld candidates considered\n",
              response.matches_size(),
              static_cast<long long>(response.candidates_considered()));
}

void PrintDemandMatches(const v1::MatchDemandsForPatentResponse& response) {
  if (response.matches_size() == 0) {
    std::printf("no open needs match\n");
    return;
  }
  int title_width = std::max(20, TerminalWidth() - 4 - 2 - 7 - 2 - 16 - 2 - 1);
  std::printf("%4s  %7s  %-16s  %s\n", "rank", "score", "demand", "title");
  for (const auto& m : response.matches()) {
    std::printf("%4d  %7.4f  %s  %s\n", m.rank(), m.score(),
                PadToWidth(m.demand().id(), 16).c_str(),
                TruncateToWidth(m.demand().title(), title_width).c_str());
    PrintExplanation(m.explanation(), "      ");
    std::printf("\n");
  }
}

}  // namespace patentmatch::cli
