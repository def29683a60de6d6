// Agenda and short-list documents (text, CSV, HTML); see agenda_format.h.
#include "clients/cli/agenda_format.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "clients/cli/cli.h"
#include "clients/cli/output.h"
#include "matcher/ranking.h"

namespace patentmatch::cli {
namespace {

using v1::Agenda;
using v1::Meeting;

std::string Or(const std::string& s, const std::string& fallback) {
  return s.empty() ? fallback : s;
}

std::string CompanyName(const Meeting& m) {
  return Or(m.company_name(), m.company_organisation_id());
}
std::string HolderName(const Meeting& m) {
  return Or(m.holder_name(), m.holder_organisation_id());
}

}  // namespace

std::string Counted(int n, absl::string_view noun) {
  return absl::StrCat(n, " ", noun, n == 1 ? "" : "s");
}

namespace {

bool Cancelled(const Meeting& m) { return m.status() == v1::MEETING_CANCELLED; }

std::string TopicText(const v1::MeetingTopic& t) {
  return absl::StrCat(Or(t.demand_title(), t.demand_id()), " → ",
                      Or(t.patent_title(), t.patent_id()));
}

std::string TimeRange(const Meeting& m) {
  if (m.start_time().empty()) return "";
  return absl::StrCat(m.start_time(), "-", m.end_time());
}

std::string Quality(const Meeting& m) {
  return absl::StrFormat("%.3f%s", m.quality(), m.wished() ? "*" : "");
}

std::string UtcTime(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%d %H:%M UTC",
                          absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

std::string StateLabel(const v1::DockingEvent& e) {
  return ShortLabel(v1::EventState_descriptor(), e.state(), "event_");
}
std::string SideLabel(int side) {
  return ShortLabel(v1::EventSide_descriptor(), side, "_side");
}

// "2025-06-12, 8 slots of 20 min from 09:00, 10 tables, <venue>".
std::string EventWhenWhere(const v1::DockingEvent& e) {
  std::vector<std::string> parts;
  if (!e.date().empty()) parts.push_back(e.date());
  if (e.slots() > 0) {
    parts.push_back(absl::StrCat(Counted(e.slots(), "slot"), " of ",
                                 e.slot_minutes(), " min from ",
                                 Or(e.start_time(), "09:00")));
  }
  if (e.tables() > 0) parts.push_back(Counted(e.tables(), "table"));
  if (!e.venue().empty()) parts.push_back(e.venue());
  return absl::StrJoin(parts, ", ");
}

std::string EventScope(const v1::DockingEvent& e) {
  std::vector<std::string> parts;
  if (!e.industry().empty()) {
    parts.push_back(absl::StrCat("industry ", e.industry()));
  }
  if (e.ipc_prefixes_size() > 0) {
    parts.push_back(
        absl::StrCat("IPC ", absl::StrJoin(e.ipc_prefixes(), ", ")));
  }
  return absl::StrJoin(parts, "; ");
}

}  // namespace

std::string PlanLine(const v1::PlanSummary& p) {
  std::string line = absl::StrFormat("plan v%d: %s", p.version(),
                                     Counted(p.meetings(), "meeting"));
  // Members' agendas come without the total.
  if (p.total_quality() > 0) {
    absl::StrAppendFormat(&line, ", total quality %.3f", p.total_quality());
  }
  return line;
}

namespace {

// The organisation an agenda is about, or nullptr for the whole event.
const v1::EventParticipant* FindParticipant(const Agenda& agenda,
                                            const std::string& org) {
  for (const auto& p : agenda.participants()) {
    if (p.organisation_id() == org) return &p;
  }
  return nullptr;
}

// A participant's name: from the participant list, else from a meeting.
std::string ParticipantName(const Agenda& agenda, const std::string& org) {
  if (const auto* p = FindParticipant(agenda, org);
      p != nullptr && !p->organisation_name().empty()) {
    return p->organisation_name();
  }
  for (const auto& m : agenda.meetings()) {
    if (m.company_organisation_id() == org && !m.company_name().empty()) {
      return m.company_name();
    }
    if (m.holder_organisation_id() == org && !m.holder_name().empty()) {
      return m.holder_name();
    }
  }
  return org;
}

bool Involves(const Meeting& m, const std::string& org) {
  return m.company_organisation_id() == org ||
         m.holder_organisation_id() == org;
}

// The other side of `m` as seen by `org`.
std::string Counterpart(const Meeting& m, const std::string& org) {
  return m.company_organisation_id() == org ? HolderName(m) : CompanyName(m);
}

// Columns padded to their widest cell (terminal columns, so CJK lines up);
// the last column is cut to what is left of `width` (0: never cut).
class TextGrid {
 public:
  explicit TextGrid(std::vector<std::string> header)
      : header_(std::move(header)), caps_(header_.size(), 0) {}
  void AddRow(std::vector<std::string> row) {
    row.resize(header_.size());
    rows_.push_back(std::move(row));
  }
  // On a terminal (width > 0), cells of `column` are cut to `cap` columns
  // so that long organisation names leave room for the topics.
  void Cap(size_t column, int cap) { caps_[column] = cap; }
  std::string Render(int width) const {
    std::vector<int> widths(header_.size());
    for (size_t c = 0; c < header_.size(); ++c) {
      widths[c] = DisplayWidth(header_[c]);
      for (const auto& r : rows_) {
        widths[c] = std::max(widths[c], DisplayWidth(r[c]));
      }
      if (width > 0 && caps_[c] > 0) {
        widths[c] = std::min(widths[c], std::max(caps_[c], 4));
      }
    }
    int fixed = 0;
    for (size_t c = 0; c + 1 < widths.size(); ++c) fixed += widths[c] + 2;
    const int last = width > 0 ? std::max(20, width - fixed - 1) : 0;
    std::string out;
    auto add = [&](const std::vector<std::string>& r) {
      std::string line;
      for (size_t c = 0; c < r.size(); ++c) {
        if (c + 1 < r.size()) {
          absl::StrAppend(&line, PadToWidth(r[c], widths[c]), "  ");
        } else {
          absl::StrAppend(&line, last > 0 ? TruncateToWidth(r[c], last) : r[c]);
        }
      }
      absl::StrAppend(&out, absl::StripTrailingAsciiWhitespace(line), "\n");
    };
    add(header_);
    for (const auto& r : rows_) add(r);
    return out;
  }

 private:
  std::vector<std::string> header_;
  std::vector<int> caps_;
  std::vector<std::vector<std::string>> rows_;
};

std::string CsvRow(const std::vector<std::string>& cells) {
  std::vector<std::string> fields;
  fields.reserve(cells.size());
  for (const auto& c : cells) fields.push_back(CsvField(c));
  // RFC 4180 records end in CRLF.
  return absl::StrCat(absl::StrJoin(fields, ","), "\r\n");
}

// UTF-8 byte order mark: without it Excel reads a CSV file in the
// system's ANSI code page (GBK on Chinese Windows) and garbles every
// Chinese name; with it Excel, LibreOffice and WPS all read UTF-8.
constexpr char kUtf8Bom[] = "\xEF\xBB\xBF";

// Minutes since midnight of "HH:MM", or -1.
int ParseClock(const std::string& hhmm) {
  int h = 0, m = 0;
  if (hhmm.size() != 5 || hhmm[2] != ':' ||
      !absl::SimpleAtoi(hhmm.substr(0, 2), &h) ||
      !absl::SimpleAtoi(hhmm.substr(3, 2), &m)) {
    return -1;
  }
  return h * 60 + m;
}

std::string SlotStart(const v1::DockingEvent& e, int slot) {
  int start = ParseClock(Or(e.start_time(), "09:00"));
  if (start < 0 || e.slot_minutes() <= 0) return "";
  int t = start + (slot - 1) * e.slot_minutes();
  return absl::StrFormat("%02d:%02d", (t / 60) % 24, t % 60);
}

// Shared by both HTML pages: screen and print, no external resources.
constexpr char kCss[] = R"css(
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC",
  "Microsoft YaHei", "PingFang SC", sans-serif; font-size: 11pt;
  margin: 1.5em; color: #111; }
h1 { font-size: 18pt; margin: 0 0 .3em; }
h2 { font-size: 14pt; margin: 1.2em 0 .3em; }
.id, .meta { color: #555; font-size: 10pt; font-weight: normal; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #999; padding: 3px 6px; text-align: left;
  vertical-align: top; }
th { background: #eee; }
ul.topics { margin: 0; padding-left: 1.1em; }
tr.cancelled td { color: #777; text-decoration: line-through; }
tr.why td { border-top: none; font-size: 9pt; color: #333; }
tr.why p { margin: 0 0 .2em; }
.terms { color: #555; }
table.grid td { font-size: 9pt; }
section.need { break-inside: avoid; page-break-inside: avoid; }
@media print {
  body { margin: 0; font-size: 10pt; }
  section.page { break-before: page; page-break-before: always; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  th { background: none; }
}
)css";

std::string HtmlHead(const std::string& title) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
      "<meta charset=\"utf-8\">\n<title>",
      HtmlEscape(title), "</title>\n<style>", kCss,
      "</style>\n</head>\n<body>\n");
}

constexpr char kHtmlTail[] = "</body>\n</html>\n";

void AppendExplanation(std::string& out, const v1::Explanation& e) {
  if (!e.summary().empty()) {
    absl::StrAppend(&out, "<p>", HtmlEscape(e.summary()), "</p>");
  }
  if (e.matched_terms_size() > 0) {
    std::vector<std::string> terms;
    for (const auto& t : e.matched_terms()) terms.push_back(HtmlEscape(t));
    absl::StrAppend(&out, "<p class=\"terms\">Matched terms: ",
                    absl::StrJoin(terms, ", "), "</p>");
  }
}

void AppendTopics(std::string& out, const Meeting& m) {
  if (m.topics_size() == 0) return;
  absl::StrAppend(&out, "<ul class=\"topics\">");
  for (const auto& t : m.topics()) {
    absl::StrAppend(
        &out, "<li>", HtmlEscape(TopicText(t)),
        absl::StrFormat(" <span class=\"meta\">%.3f</span>", t.score()),
        "</li>");
  }
  absl::StrAppend(&out, "</ul>");
}

// One participant's page: their meetings, each with why it was planned.
void AppendParticipantSection(std::string& out, const Agenda& agenda,
                              const std::string& org, bool new_page) {
  const v1::EventParticipant* p = FindParticipant(agenda, org);
  std::vector<const Meeting*> mine;
  for (const auto& m : agenda.meetings()) {
    if (Involves(m, org)) mine.push_back(&m);
  }
  absl::StrAppend(&out, "<section class=\"", new_page ? "page " : "",
                  "participant\">\n<h2>",
                  HtmlEscape(ParticipantName(agenda, org)),
                  " <span class=\"id\">", HtmlEscape(org), "</span></h2>\n");
  std::vector<std::string> meta;
  if (p != nullptr) {
    meta.push_back(absl::StrCat(HtmlEscape(SideLabel(p->side())), " side"));
    if (p->demand_ids_size() > 0) {
      meta.push_back(absl::StrCat(
          "needs: ", HtmlEscape(absl::StrJoin(p->demand_ids(), ", "))));
    }
    if (p->patent_ids_size() > 0) {
      meta.push_back(absl::StrCat(
          "patents: ", HtmlEscape(absl::StrJoin(p->patent_ids(), ", "))));
    }
  }
  int scheduled = 0;
  bool any_wished = false;
  for (const Meeting* m : mine) {
    scheduled += Cancelled(*m) ? 0 : 1;
    any_wished = any_wished || m->wished();
  }
  meta.push_back(Counted(scheduled, "meeting"));
  absl::StrAppend(&out, "<p class=\"meta\">", absl::StrJoin(meta, " · "),
                  "</p>\n");
  if (mine.empty()) {
    absl::StrAppend(&out, "<p>No meetings planned.</p>\n</section>\n");
    return;
  }
  absl::StrAppend(&out,
                  "<table class=\"agenda\">\n<thead><tr><th>Meeting</th>"
                  "<th>Slot</th><th>Time</th><th>Table</th><th>With</th>"
                  "<th>Topics (need → patent)</th><th>Quality</th>"
                  "<th>Status</th></tr></thead>\n<tbody>\n");
  for (const Meeting* m : mine) {
    absl::StrAppend(&out, "<tr class=\"meeting",
                    Cancelled(*m) ? " cancelled" : "", "\"><td>",
                    HtmlEscape(m->id()), "</td><td>", m->slot(), "</td><td>",
                    HtmlEscape(TimeRange(*m)), "</td><td>", m->table(),
                    "</td><td>", HtmlEscape(Counterpart(*m, org)), "</td><td>");
    AppendTopics(out, *m);
    absl::StrAppend(&out, "</td><td>", HtmlEscape(Quality(*m)), "</td><td>",
                    HtmlEscape(MeetingStatusText(*m)), "</td></tr>\n");
    absl::StrAppend(&out, "<tr class=\"why\"><td colspan=\"8\">");
    AppendExplanation(out, m->explanation());
    if (!m->outcome_note().empty()) {
      absl::StrAppend(&out, "<p>Outcome note: ", HtmlEscape(m->outcome_note()),
                      "</p>");
    }
    absl::StrAppend(&out, "</td></tr>\n");
  }
  absl::StrAppend(&out, "</tbody>\n</table>\n");
  if (any_wished) {
    absl::StrAppend(&out,
                    "<p class=\"meta\">* a participant asked for this "
                    "meeting</p>\n");
  }
  absl::StrAppend(&out, "</section>\n");
}

// Slots down, tables across: where everyone sits, for the organisers.
void AppendGrid(std::string& out, const Agenda& agenda) {
  std::map<std::pair<int, int>, const Meeting*> at;
  int slots = agenda.event().slots();
  int tables = 0;
  for (const auto& m : agenda.meetings()) {
    if (Cancelled(m)) continue;
    at[{m.slot(), m.table()}] = &m;
    slots = std::max(slots, m.slot());
    tables = std::max(tables, m.table());
  }
  absl::StrAppend(&out,
                  "<section class=\"page grid\">\n<h2>All meetings</h2>\n");
  if (at.empty()) {
    absl::StrAppend(&out, "<p>No meetings scheduled.</p>\n</section>\n");
    return;
  }
  absl::StrAppend(&out, "<table class=\"grid\">\n<thead><tr><th>Slot</th>");
  for (int t = 1; t <= tables; ++t) {
    absl::StrAppend(&out, "<th>Table ", t, "</th>");
  }
  absl::StrAppend(&out, "</tr></thead>\n<tbody>\n");
  for (int s = 1; s <= slots; ++s) {
    std::string start = SlotStart(agenda.event(), s);
    absl::StrAppend(&out, "<tr><th>", s, start.empty() ? "" : "<br>",
                    HtmlEscape(start), "</th>");
    for (int t = 1; t <= tables; ++t) {
      auto it = at.find({s, t});
      if (it == at.end()) {
        absl::StrAppend(&out, "<td></td>");
        continue;
      }
      const Meeting& m = *it->second;
      absl::StrAppend(&out, "<td>", HtmlEscape(m.id()), "<br>",
                      HtmlEscape(CompanyName(m)), "<br>↔ ",
                      HtmlEscape(HolderName(m)), "</td>");
    }
    absl::StrAppend(&out, "</tr>\n");
  }
  absl::StrAppend(&out, "</tbody>\n</table>\n</section>\n");
}

std::string ShortlistTitle(const v1::Shortlist& s) {
  return Or(s.organisation().name(), s.organisation().id());
}

}  // namespace

absl::StatusOr<DocumentFormat> ParseDocumentFormat(absl::string_view name) {
  std::string n = absl::AsciiStrToLower(name);
  if (n == "table" || n == "text") return DocumentFormat::kTable;
  if (n == "csv") return DocumentFormat::kCsv;
  if (n == "html") return DocumentFormat::kHtml;
  return UsageError(
      absl::StrCat("--format: unknown '", name, "'; one of table, csv, html"));
}

DocumentFormat FormatForPath(absl::string_view path) {
  std::string p = absl::AsciiStrToLower(path);
  if (absl::EndsWith(p, ".csv")) return DocumentFormat::kCsv;
  if (absl::EndsWith(p, ".html") || absl::EndsWith(p, ".htm")) {
    return DocumentFormat::kHtml;
  }
  return DocumentFormat::kTable;
}

std::string RenderAgenda(const Agenda& agenda, DocumentFormat format,
                         int width) {
  switch (format) {
    case DocumentFormat::kCsv:
      return AgendaCsv(agenda);
    case DocumentFormat::kHtml:
      return AgendaHtml(agenda);
    case DocumentFormat::kTable:
      break;
  }
  return AgendaText(agenda, width);
}

std::string RenderShortlist(const v1::Shortlist& shortlist,
                            DocumentFormat format, int width) {
  switch (format) {
    case DocumentFormat::kCsv:
      return ShortlistCsv(shortlist);
    case DocumentFormat::kHtml:
      return ShortlistHtml(shortlist);
    case DocumentFormat::kTable:
      break;
  }
  return ShortlistText(shortlist, width);
}

std::vector<const Meeting*> AgendaMeetings(const Agenda& agenda) {
  std::vector<const Meeting*> out;
  for (const auto& m : agenda.meetings()) {
    if (agenda.organisation_id().empty() ||
        Involves(m, agenda.organisation_id())) {
      out.push_back(&m);
    }
  }
  return out;
}

std::string ShortLabel(const google::protobuf::EnumDescriptor* desc, int value,
                       absl::string_view affix) {
  std::string label = EnumLabel(desc, value);
  absl::string_view v = label;
  if (!absl::ConsumePrefix(&v, affix)) absl::ConsumeSuffix(&v, affix);
  return std::string(v);
}

std::string MeetingStatusText(const Meeting& m) {
  if (Cancelled(m)) return "cancelled";
  if (m.outcome() != v1::MEETING_OUTCOME_UNSPECIFIED) {
    std::string out =
        ShortLabel(v1::MeetingOutcome_descriptor(), m.outcome(), "meeting_");
    if (m.suggestion_state() != v1::SUGGESTION_STATE_UNSPECIFIED) {
      absl::StrAppend(
          &out, " → ",
          EnumLabel(v1::SuggestionState_descriptor(), m.suggestion_state()));
    }
    return out;
  }
  return ShortLabel(v1::MeetingStatus_descriptor(), m.status(), "meeting_");
}

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string CsvField(absl::string_view text) {
  std::string cell;
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' ||
                        text[0] == '@' || text[0] == '\t' || text[0] == '\r')) {
    cell = "'";
  }
  cell.append(text.data(), text.size());
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string AgendaText(const Agenda& agenda, int width) {
  const v1::DockingEvent& e = agenda.event();
  std::string out =
      absl::StrCat(e.id(), "  ", e.name(), "  [", StateLabel(e), "]\n");
  if (std::string s = EventWhenWhere(e); !s.empty()) {
    absl::StrAppend(&out, s, "\n");
  }
  if (std::string s = EventScope(e); !s.empty()) {
    absl::StrAppend(&out, "scope: ", s, "\n");
  }
  if (e.plan().version() > 0) absl::StrAppend(&out, PlanLine(e.plan()), "\n");
  const std::string& org = agenda.organisation_id();
  if (!org.empty()) {
    const v1::EventParticipant* p = FindParticipant(agenda, org);
    absl::StrAppend(
        &out, "agenda of ", ParticipantName(agenda, org), " (", org, ")",
        p != nullptr ? absl::StrCat(", ", SideLabel(p->side()), " side") : "",
        "\n");
  }
  absl::StrAppend(&out, "\n");

  const std::vector<const Meeting*> meetings = AgendaMeetings(agenda);
  if (meetings.empty()) {
    absl::StrAppend(&out, "no meetings\n");
    return out;
  }
  std::vector<std::string> header = {"MEETING", "SLOT", "TIME", "TABLE"};
  if (org.empty()) {
    header.insert(header.end(), {"COMPANY", "HOLDER"});
  } else {
    header.push_back("WITH");
  }
  header.insert(header.end(), {"QUALITY", "STATUS", "TOPICS"});
  TextGrid grid(header);
  // Names sit between TABLE and QUALITY.
  for (size_t c = 4; c + 3 < header.size(); ++c) grid.Cap(c, 20);
  int scheduled = 0, cancelled = 0;
  bool any_wished = false;
  for (const Meeting* m : meetings) {
    (Cancelled(*m) ? cancelled : scheduled) += 1;
    any_wished = any_wished || m->wished();
    std::vector<std::string> row = {m->id(), absl::StrCat(m->slot()),
                                    TimeRange(*m), absl::StrCat(m->table())};
    if (org.empty()) {
      row.push_back(CompanyName(*m));
      row.push_back(HolderName(*m));
    } else {
      row.push_back(Counterpart(*m, org));
    }
    row.push_back(Quality(*m));
    row.push_back(MeetingStatusText(*m));
    row.push_back(m->topics_size() > 0 ? TopicText(m->topics(0)) : "-");
    grid.AddRow(row);
    // Further topics on their own lines, under the first.
    for (int i = 1; i < m->topics_size(); ++i) {
      std::vector<std::string> more(header.size());
      more.back() = TopicText(m->topics(i));
      grid.AddRow(std::move(more));
    }
  }
  absl::StrAppend(&out, grid.Render(width), "\n", Counted(scheduled, "meeting"),
                  " scheduled");
  if (cancelled > 0) absl::StrAppend(&out, ", ", cancelled, " cancelled");
  absl::StrAppend(&out, "\n");
  // Why each meeting was planned: its best topic's explanation.
  bool why_header = false;
  for (const Meeting* m : meetings) {
    if (Cancelled(*m) || m->explanation().summary().empty()) continue;
    if (!why_header) {
      absl::StrAppend(&out, "\nwhy:\n");
      why_header = true;
    }
    absl::StrAppend(&out, "  ", m->id(), "  ", m->explanation().summary(),
                    "\n");
  }
  if (any_wished) {
    absl::StrAppend(&out, "* a participant asked for this meeting\n");
  }
  return out;
}

std::string AgendaCsv(const Agenda& agenda) {
  std::string out = kUtf8Bom;
  absl::StrAppend(&out,
                  CsvRow({"event_id",         "meeting_id",    "slot",
                          "start_time",       "end_time",      "table",
                          "company_id",       "company",       "holder_id",
                          "holder",           "quality",       "wished",
                          "status",           "outcome",       "topics",
                          "explanation",      "matched_terms", "suggestion_id",
                          "suggestion_state", "outcome_note"}));
  for (const Meeting* m : AgendaMeetings(agenda)) {
    std::vector<std::string> topics;
    for (const auto& t : m->topics()) topics.push_back(TopicText(t));
    absl::StrAppend(
        &out, CsvRow({agenda.event().id(),
                      m->id(),
                      absl::StrCat(m->slot()),
                      m->start_time(),
                      m->end_time(),
                      absl::StrCat(m->table()),
                      m->company_organisation_id(),
                      m->company_name(),
                      m->holder_organisation_id(),
                      m->holder_name(),
                      absl::StrFormat("%.4f", m->quality()),
                      m->wished() ? "yes" : "no",
                      ShortLabel(v1::MeetingStatus_descriptor(), m->status(),
                                 "meeting_"),
                      m->outcome() == v1::MEETING_OUTCOME_UNSPECIFIED
                          ? ""
                          : ShortLabel(v1::MeetingOutcome_descriptor(),
                                       m->outcome(), "meeting_"),
                      absl::StrJoin(topics, "; "),
                      m->explanation().summary(),
                      absl::StrJoin(m->explanation().matched_terms(), ", "),
                      m->suggestion_id(),
                      m->suggestion_state() == v1::SUGGESTION_STATE_UNSPECIFIED
                          ? ""
                          : EnumLabel(v1::SuggestionState_descriptor(),
                                      m->suggestion_state()),
                      m->outcome_note()}));
  }
  return out;
}

std::string AgendaHtml(const Agenda& agenda) {
  const v1::DockingEvent& e = agenda.event();
  const std::string& org = agenda.organisation_id();
  std::string out =
      HtmlHead(org.empty() ? absl::StrCat(e.name(), " — agenda")
                           : absl::StrCat(e.name(), " — ",
                                          ParticipantName(agenda, org)));
  absl::StrAppend(&out, "<header>\n<h1>", HtmlEscape(e.name()),
                  " <span class=\"id\">", HtmlEscape(e.id()), "</span></h1>\n",
                  "<p class=\"meta\">", HtmlEscape(EventWhenWhere(e)),
                  "</p>\n");
  if (std::string s = EventScope(e); !s.empty()) {
    absl::StrAppend(&out, "<p class=\"meta\">Scope: ", HtmlEscape(s), "</p>\n");
  }
  if (e.plan().version() > 0) {
    absl::StrAppend(&out, "<p class=\"meta\">", HtmlEscape(PlanLine(e.plan())),
                    "</p>\n");
  }
  if (org.empty()) {
    std::vector<std::string> withdrawn;
    for (const auto& p : agenda.participants()) {
      if (!p.cancelled()) continue;
      withdrawn.push_back(absl::StrCat(
          HtmlEscape(Or(p.organisation_name(), p.organisation_id())),
          p.cancel_reason().empty()
              ? ""
              : absl::StrCat(" (", HtmlEscape(p.cancel_reason()), ")")));
    }
    if (!withdrawn.empty()) {
      absl::StrAppend(&out, "<p class=\"meta\">Withdrawn: ",
                      absl::StrJoin(withdrawn, "; "), "</p>\n");
    }
  }
  absl::StrAppend(&out, "</header>\n");

  if (!org.empty()) {
    AppendParticipantSection(out, agenda, org, /*new_page=*/false);
    absl::StrAppend(&out, kHtmlTail);
    return out;
  }
  // One printed page per participant (companies first), then the grid.
  std::vector<std::string> orgs;
  std::set<std::string> seen;
  for (int side : {v1::COMPANY_SIDE, v1::HOLDER_SIDE}) {
    for (const auto& p : agenda.participants()) {
      if (p.side() == side && !p.cancelled() &&
          seen.insert(p.organisation_id()).second) {
        orgs.push_back(p.organisation_id());
      }
    }
  }
  for (const auto& m : agenda.meetings()) {
    if (Cancelled(m)) continue;
    for (const std::string* id :
         {&m.company_organisation_id(), &m.holder_organisation_id()}) {
      if (seen.insert(*id).second) orgs.push_back(*id);
    }
  }
  bool first = true;
  for (const auto& id : orgs) {
    AppendParticipantSection(out, agenda, id, /*new_page=*/!first);
    first = false;
  }
  AppendGrid(out, agenda);
  absl::StrAppend(&out, kHtmlTail);
  return out;
}

std::string ShortlistText(const v1::Shortlist& s, int width) {
  const int title_width = width > 0 ? std::max(20, width - 30) : 0;
  auto cut = [&](const std::string& text) {
    return title_width > 0 ? TruncateToWidth(text, title_width) : text;
  };
  std::string out = absl::StrCat("short list for ", ShortlistTitle(s), " (",
                                 s.organisation().id(),
                                 "): ", Counted(s.entries_size(), "need"));
  if (s.built_unix() > 0) {
    absl::StrAppend(&out, ", built ", UtcTime(s.built_unix()));
    if (!s.built_by().empty()) absl::StrAppend(&out, " by ", s.built_by());
  }
  absl::StrAppend(&out, "\n");
  for (const auto& entry : s.entries()) {
    absl::StrAppend(&out, "\n", entry.demand().id());
    if (!entry.demand().title().empty()) {
      absl::StrAppend(&out, "  ", cut(entry.demand().title()));
    }
    absl::StrAppend(&out, "\n");
    if (entry.matches_size() == 0) {
      absl::StrAppend(&out, "  no matching patents\n");
      continue;
    }
    for (const auto& m : entry.matches()) {
      absl::StrAppend(&out,
                      absl::StrFormat("  %2d. %.3f  %s  ", m.rank(), m.score(),
                                      m.patent().id()),
                      cut(matcher::ListingHeadline(m.patent())), "\n");
      if (!m.explanation().summary().empty()) {
        absl::StrAppend(&out, "       ", m.explanation().summary(), "\n");
      }
      if (m.explanation().matched_terms_size() > 0) {
        absl::StrAppend(&out, "       matched terms: ",
                        absl::StrJoin(m.explanation().matched_terms(), ", "),
                        "\n");
      }
    }
  }
  return out;
}

std::string ShortlistCsv(const v1::Shortlist& s) {
  std::string out = kUtf8Bom;
  absl::StrAppend(&out, CsvRow({"organisation_id", "organisation", "demand_id",
                                "need", "rank", "score", "patent_id",
                                "publication_number", "patent_title", "owner",
                                "deal_modes", "explanation", "matched_terms"}));
  const v1::Organisation& org = s.organisation();
  for (const auto& entry : s.entries()) {
    const v1::Demand& d = entry.demand();
    if (entry.matches_size() == 0) {
      absl::StrAppend(&out, CsvRow({org.id(), org.name(), d.id(), d.title(), "",
                                    "", "", "", "", "", "", "", ""}));
      continue;
    }
    for (const auto& m : entry.matches()) {
      const v1::PatentListing& p = m.patent();
      absl::StrAppend(
          &out,
          CsvRow({org.id(), org.name(), d.id(), d.title(),
                  absl::StrCat(m.rank()), absl::StrFormat("%.4f", m.score()),
                  p.id(), p.publication_number(), matcher::ListingHeadline(p),
                  p.owner_name(), DealModesLabel(p.deal_modes()),
                  m.explanation().summary(),
                  absl::StrJoin(m.explanation().matched_terms(), ", ")}));
    }
  }
  return out;
}

std::string ShortlistHtml(const v1::Shortlist& s) {
  std::string out = HtmlHead(absl::StrCat("Short list — ", ShortlistTitle(s)));
  absl::StrAppend(&out,
                  "<header>\n<h1>Short list: ", HtmlEscape(ShortlistTitle(s)),
                  " <span class=\"id\">", HtmlEscape(s.organisation().id()),
                  "</span></h1>\n");
  std::vector<std::string> meta = {Counted(s.entries_size(), "need")};
  if (s.built_unix() > 0) {
    meta.push_back(absl::StrCat("built ", UtcTime(s.built_unix())));
  }
  if (!s.built_by().empty()) {
    meta.push_back(absl::StrCat("by ", HtmlEscape(s.built_by())));
  }
  absl::StrAppend(&out, "<p class=\"meta\">", absl::StrJoin(meta, " · "),
                  "</p>\n</header>\n");
  for (const auto& entry : s.entries()) {
    const v1::Demand& d = entry.demand();
    absl::StrAppend(&out, "<section class=\"need\">\n<h2>",
                    HtmlEscape(Or(d.title(), d.id())), " <span class=\"id\">",
                    HtmlEscape(d.id()), "</span></h2>\n");
    if (!d.description().empty()) {
      absl::StrAppend(&out, "<p>", HtmlEscape(d.description()), "</p>\n");
    }
    if (entry.matches_size() == 0) {
      absl::StrAppend(&out, "<p>No matching patents.</p>\n</section>\n");
      continue;
    }
    absl::StrAppend(&out,
                    "<table>\n<thead><tr><th>#</th><th>Score</th>"
                    "<th>Patent</th><th>Owner</th><th>Deal modes</th>"
                    "<th>Why</th></tr></thead>\n<tbody>\n");
    for (const auto& m : entry.matches()) {
      const v1::PatentListing& p = m.patent();
      absl::StrAppend(
          &out, "<tr><td>", m.rank(), "</td><td>",
          absl::StrFormat("%.3f", m.score()), "</td><td>",
          HtmlEscape(matcher::ListingHeadline(p)), "<br><span class=\"meta\">",
          HtmlEscape(Or(p.publication_number(), p.id())), "</span></td><td>",
          HtmlEscape(p.owner_name()), "</td><td>",
          HtmlEscape(DealModesLabel(p.deal_modes())), "</td><td>");
      AppendExplanation(out, m.explanation());
      absl::StrAppend(&out, "</td></tr>\n");
    }
    absl::StrAppend(&out, "</tbody>\n</table>\n</section>\n");
  }
  absl::StrAppend(&out, kHtmlTail);
  return out;
}

}  // namespace patentmatch::cli
