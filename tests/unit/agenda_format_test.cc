// Tests for clients/cli/agenda_format.h: agendas and short lists as text,
// CSV and HTML. User-typed names and titles must not become markup or
// spreadsheet formulas, CSV must survive commas, quotes and line breaks,
// and a participant's agenda shows that participant's meetings only.
#include "clients/cli/agenda_format.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "clients/cli/output.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace patentmatch::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

v1::Meeting MakeMeeting(const std::string& id, int slot, int table,
                        const std::string& company_id,
                        const std::string& company,
                        const std::string& holder_id, const std::string& holder,
                        const std::string& need, const std::string& patent) {
  v1::Meeting m;
  m.set_event_id("EV000001");
  m.set_id(id);
  m.set_slot(slot);
  m.set_table(table);
  m.set_start_time(slot == 1 ? "09:00" : "09:20");
  m.set_end_time(slot == 1 ? "09:20" : "09:40");
  m.set_company_organisation_id(company_id);
  m.set_company_name(company);
  m.set_holder_organisation_id(holder_id);
  m.set_holder_name(holder);
  m.set_quality(0.75);
  m.set_status(v1::MEETING_SCHEDULED);
  v1::MeetingTopic* t = m.add_topics();
  t->set_demand_id("D-" + id);
  t->set_demand_title(need);
  t->set_patent_id("P-" + id);
  t->set_patent_title(patent);
  t->set_score(0.7);
  m.mutable_explanation()->set_summary("Why " + id);
  m.mutable_explanation()->add_matched_terms("电池");
  return m;
}

v1::EventParticipant MakeParticipant(const std::string& org,
                                     const std::string& name,
                                     v1::EventSide side) {
  v1::EventParticipant p;
  p.set_event_id("EV000001");
  p.set_organisation_id(org);
  p.set_organisation_name(name);
  p.set_side(side);
  return p;
}

// Two companies, two holders, three meetings; M0003 was cancelled.
v1::Agenda SampleAgenda() {
  v1::Agenda a;
  v1::DockingEvent* e = a.mutable_event();
  e->set_id("EV000001");
  e->set_name("新能源对接会");
  e->set_date("2025-06-12");
  e->set_start_time("09:00");
  e->set_slot_minutes(20);
  e->set_slots(2);
  e->set_tables(2);
  e->set_venue("会展中心");
  e->set_state(v1::EVENT_PLANNED);
  e->mutable_plan()->set_version(1);
  e->mutable_plan()->set_meetings(2);
  *a.add_meetings() = MakeMeeting("M0001", 1, 1, "ORGC1", "甲公司", "ORGH1",
                                  "乙大学", "固态电池隔膜", "一种隔膜材料");
  *a.add_meetings() =
      MakeMeeting("M0002", 1, 2, "ORGC2", "Acme Ltd", "ORGH2", "Beta Institute",
                  "Battery recycling", "Recycling method");
  v1::Meeting cancelled =
      MakeMeeting("M0003", 2, 1, "ORGC2", "Acme Ltd", "ORGH1", "乙大学",
                  "Thermal management", "Cooling plate");
  cancelled.set_status(v1::MEETING_CANCELLED);
  *a.add_meetings() = cancelled;
  *a.add_participants() = MakeParticipant("ORGC1", "甲公司", v1::COMPANY_SIDE);
  *a.add_participants() =
      MakeParticipant("ORGC2", "Acme Ltd", v1::COMPANY_SIDE);
  *a.add_participants() = MakeParticipant("ORGH1", "乙大学", v1::HOLDER_SIDE);
  *a.add_participants() =
      MakeParticipant("ORGH2", "Beta Institute", v1::HOLDER_SIDE);
  return a;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

TEST(HtmlEscapeTest, EscapesMarkupQuotesAndAmpersands) {
  EXPECT_EQ(HtmlEscape("<script>alert(\"x\")</script>"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  EXPECT_EQ(HtmlEscape("A & B's"), "A &amp; B&#39;s");
  EXPECT_EQ(HtmlEscape("&amp;"), "&amp;amp;");
  EXPECT_EQ(HtmlEscape("甲公司"), "甲公司");
}

TEST(CsvFieldTest, QuotesCommasQuotesAndLineBreaks) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("line1\nline2"), "\"line1\nline2\"");
  EXPECT_EQ(CsvField("cr\r\n"), "\"cr\r\n\"");
  EXPECT_EQ(CsvField(""), "");
}

TEST(CsvFieldTest, DefusesFormulas) {
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvField("+1+2"), "'+1+2");
  EXPECT_EQ(CsvField("-2+3"), "'-2+3");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("\tx"), "'\tx");
  // Only the first character matters.
  EXPECT_EQ(CsvField("a=b"), "a=b");
  EXPECT_EQ(CsvField("2025-06-12"), "2025-06-12");
}

TEST(AgendaTextTest, ListsEveryMeetingOfTheEvent) {
  const std::string text = AgendaText(SampleAgenda());
  for (const char* want :
       {"M0001", "M0002", "M0003", "甲公司", "乙大学", "Acme Ltd",
        "Beta Institute", "固态电池隔膜 → 一种隔膜材料",
        "Battery recycling → Recycling method", "09:00-09:20", "cancelled",
        "scheduled", "2 meetings scheduled, 1 cancelled", "新能源对接会"}) {
    EXPECT_THAT(text, HasSubstr(want));
  }
  EXPECT_THAT(text, HasSubstr("COMPANY"));
  EXPECT_THAT(text, HasSubstr("HOLDER"));
}

TEST(AgendaTextTest, AlignsColumnsAcrossChineseAndLatinNames) {
  const std::string text = AgendaText(SampleAgenda());
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  // The QUALITY column starts at the same display column in every row.
  int header_col = -1;
  std::vector<int> cols;
  for (const auto& line : lines) {
    size_t at = line.find("QUALITY");
    if (at != std::string::npos) header_col = DisplayWidth(line.substr(0, at));
    at = line.find("0.750");
    if (at != std::string::npos)
      cols.push_back(DisplayWidth(line.substr(0, at)));
  }
  ASSERT_EQ(cols.size(), 3u);
  for (int c : cols) EXPECT_EQ(c, header_col);
}

TEST(AgendaTextTest, ExtraTopicsGoOnTheirOwnLines) {
  v1::Agenda a = SampleAgenda();
  v1::MeetingTopic* extra = a.mutable_meetings(0)->add_topics();
  extra->set_demand_title("第二个需求");
  extra->set_patent_title("第二个专利");
  const std::string text = AgendaText(a);
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  bool found = false;
  for (const auto& line : lines) {
    if (absl::StrContains(line, "第二个需求 → 第二个专利")) {
      found = true;
      EXPECT_THAT(line, Not(HasSubstr("M0001")));
    }
  }
  EXPECT_TRUE(found);
}

TEST(AgendaTextTest, CutsTopicsToTheTerminalWidth) {
  v1::Agenda a = SampleAgenda();
  a.mutable_meetings(0)->mutable_topics(0)->set_patent_title(
      std::string(300, 'x'));
  const std::string text = AgendaText(a, 120);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    EXPECT_LE(DisplayWidth(line), 120) << line;
  }
  EXPECT_THAT(text, HasSubstr("…"));
  EXPECT_THAT(AgendaText(a, 0), HasSubstr(std::string(300, 'x')));
}

TEST(AgendaTextTest, ParticipantAgendaShowsOnlyItsMeetings) {
  v1::Agenda a = SampleAgenda();
  a.set_organisation_id("ORGC2");
  const std::string text = AgendaText(a);
  EXPECT_THAT(text, HasSubstr("M0002"));
  EXPECT_THAT(text, HasSubstr("M0003"));
  EXPECT_THAT(text, Not(HasSubstr("M0001")));
  EXPECT_THAT(text, Not(HasSubstr("固态电池隔膜")));
  EXPECT_THAT(text, HasSubstr("WITH"));
  EXPECT_THAT(text, Not(HasSubstr("COMPANY")));
  EXPECT_THAT(text, HasSubstr("agenda of Acme Ltd (ORGC2), company side"));
  // The counterpart, not the participant itself, is named in each row.
  EXPECT_THAT(text, HasSubstr("Beta Institute"));
  EXPECT_THAT(text, HasSubstr("乙大学"));

  std::vector<const v1::Meeting*> seen = AgendaMeetings(a);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0]->id(), "M0002");
  EXPECT_EQ(seen[1]->id(), "M0003");
}

TEST(AgendaTextTest, TotalQualityOnlyWhenTheServerSentIt) {
  v1::Agenda a = SampleAgenda();
  EXPECT_THAT(AgendaText(a), HasSubstr("plan v1: 2 meetings\n"))
      << "a member's agenda comes without the total";
  EXPECT_THAT(AgendaText(a), Not(HasSubstr("total quality")));
  a.mutable_event()->mutable_plan()->set_total_quality(1.5);
  EXPECT_THAT(AgendaText(a),
              HasSubstr("plan v1: 2 meetings, total quality 1.500"));
  EXPECT_THAT(AgendaHtml(a), HasSubstr("total quality 1.500"));
}

TEST(AgendaTextTest, OutcomeShowsWhereTheSuggestionMoved) {
  v1::Agenda a = SampleAgenda();
  a.mutable_meetings(0)->set_outcome(v1::MEETING_DEAL);
  a.mutable_meetings(0)->set_suggestion_id("S000042");
  a.mutable_meetings(0)->set_suggestion_state(v1::DEAL_SIGNED);
  EXPECT_EQ(MeetingStatusText(a.meetings(0)), "deal → deal_signed");
  EXPECT_EQ(MeetingStatusText(a.meetings(1)), "scheduled");
  EXPECT_EQ(MeetingStatusText(a.meetings(2)), "cancelled");
  EXPECT_THAT(AgendaText(a), HasSubstr("deal → deal_signed"));
}

TEST(AgendaCsvTest, HasBomHeaderAndOneRecordPerMeeting) {
  v1::Agenda a = SampleAgenda();
  a.mutable_meetings(1)->set_company_name("=cmd|'/c calc'!A1");
  a.mutable_meetings(1)->mutable_topics(0)->set_demand_title(
      "Need, with \"quotes\"\nand a line break");
  const std::string csv = AgendaCsv(a);
  ASSERT_THAT(csv, StartsWith("\xEF\xBB\xBF"
                              "event_id,meeting_id,slot,"));
  // Header + 3 meetings, each record CRLF-terminated (the quoted line
  // break inside a cell is a bare LF).
  EXPECT_EQ(Count(csv, "\r\n"), 4u);
  EXPECT_THAT(csv, HasSubstr("EV000001,M0001,1,09:00,09:20,1,ORGC1,甲公司,"));
  EXPECT_THAT(csv, HasSubstr(",'=cmd|'/c calc'!A1,"));
  EXPECT_THAT(csv, Not(HasSubstr(",=cmd")));
  EXPECT_THAT(csv, HasSubstr("\"Need, with \"\"quotes\"\"\nand a line break "
                             "→ Recycling method\""));
  EXPECT_THAT(csv, HasSubstr(",cancelled,"));
}

TEST(AgendaCsvTest, ParticipantCsvHasOnlyItsMeetings) {
  v1::Agenda a = SampleAgenda();
  a.set_organisation_id("ORGC1");
  const std::string csv = AgendaCsv(a);
  EXPECT_EQ(Count(csv, "\r\n"), 2u);
  EXPECT_THAT(csv, HasSubstr("M0001"));
  EXPECT_THAT(csv, Not(HasSubstr("M0002")));
}

TEST(AgendaHtmlTest, EscapesHostileNamesAndTitles) {
  v1::Agenda a = SampleAgenda();
  a.mutable_event()->set_name("<script>alert('event')</script>");
  a.mutable_meetings(0)->set_company_name("\"><img src=x onerror=alert(1)>");
  a.mutable_participants(0)->set_organisation_name(
      "\"><img src=x onerror=alert(1)>");
  a.mutable_meetings(0)->mutable_topics(0)->set_patent_title("R&D <b>bold</b>");
  a.mutable_meetings(0)->mutable_explanation()->set_summary(
      "<iframe src=evil>");
  a.mutable_meetings(0)->mutable_explanation()->add_matched_terms("<u>term");
  const std::string html = AgendaHtml(a);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, Not(HasSubstr("<iframe")));
  EXPECT_THAT(html, Not(HasSubstr("<u>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;event&#39;)"));
  EXPECT_THAT(html, HasSubstr("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(html, HasSubstr("R&amp;D &lt;b&gt;bold&lt;/b&gt;"));
  EXPECT_THAT(html, HasSubstr("&lt;iframe src=evil&gt;"));
}

TEST(AgendaHtmlTest, WholeEventHasAPagePerParticipantThenTheGrid) {
  const std::string html = AgendaHtml(SampleAgenda());
  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(html, HasSubstr("@media print"));
  EXPECT_THAT(html, HasSubstr("break-before: page"));
  // Self-contained: no scripts, stylesheets or images fetched.
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_EQ(Count(html, "<section class=\"page participant\">") +
                Count(html, "<section class=\"participant\">"),
            4u);
  // Every participant page but the first starts a new printed page, and
  // so does the grid, which comes last.
  EXPECT_EQ(Count(html, "<section class=\"page participant\">"), 3u);
  const size_t grid = html.find("<section class=\"page grid\">");
  ASSERT_NE(grid, std::string::npos);
  EXPECT_GT(grid, html.rfind("participant\">"));
  // Companies first.
  EXPECT_LT(html.find("甲公司 <span"), html.find("乙大学 <span"));
  // Each meeting's explanation and matched terms, on both sides' pages.
  EXPECT_EQ(Count(html, "<p>Why M0001</p>"), 2u);
  EXPECT_EQ(Count(html, "<p>Why M0002</p>"), 2u);
  EXPECT_THAT(html, HasSubstr("Matched terms: 电池"));
  // The grid places scheduled meetings only: slot 1 has M0001 at table 1
  // and M0002 at table 2; the cancelled M0003 is not in the grid.
  const std::string grid_html = html.substr(grid);
  EXPECT_THAT(grid_html, HasSubstr("<th>1<br>09:00</th><td>M0001<br>"));
  EXPECT_THAT(grid_html, HasSubstr("<td>M0002<br>Acme Ltd<br>"));
  EXPECT_THAT(grid_html, Not(HasSubstr("M0003")));
  EXPECT_THAT(grid_html, HasSubstr("<th>2<br>09:20</th><td></td><td></td>"));
}

TEST(AgendaHtmlTest, ParticipantPageHasOnlyItsMeetingsAndNoGrid) {
  v1::Agenda a = SampleAgenda();
  a.set_organisation_id("ORGH2");
  const std::string html = AgendaHtml(a);
  EXPECT_THAT(html, HasSubstr("M0002"));
  EXPECT_THAT(html, Not(HasSubstr("M0001")));
  EXPECT_THAT(html, Not(HasSubstr("M0003")));
  EXPECT_THAT(html, Not(HasSubstr("class=\"page grid\"")));
  EXPECT_EQ(Count(html, "participant\">"), 1u);
  EXPECT_THAT(html, HasSubstr("<td>Acme Ltd</td>"));  // the counterpart
}

v1::Shortlist SampleShortlist() {
  v1::Shortlist s;
  s.mutable_organisation()->set_id("ORG00001");
  s.mutable_organisation()->set_name("甲公司 & Co");
  s.set_built_by("ACC0001");
  s.set_built_unix(1749700000);
  v1::ShortlistEntry* e = s.add_entries();
  e->mutable_demand()->set_id("D000001");
  e->mutable_demand()->set_title("固态电池隔膜");
  e->mutable_demand()->set_description("<b>need</b>");
  for (int i = 1; i <= 2; ++i) {
    v1::PatentMatch* m = e->add_matches();
    m->set_rank(i);
    m->set_score(i == 1 ? 0.9 : 0.5);
    m->mutable_patent()->set_id(i == 1 ? "P000001" : "P000002");
    m->mutable_patent()->set_title(i == 1 ? "一种隔膜" : "-1 formula, \"x\"");
    m->mutable_patent()->set_publication_number("CN1000000A");
    m->mutable_patent()->add_deal_modes(v1::LICENCE_OPEN);
    m->mutable_explanation()->set_summary(i == 1 ? "Strong fit" : "Weak fit");
    m->mutable_explanation()->add_matched_terms("隔膜");
  }
  s.add_entries()->mutable_demand()->set_id("D000002");
  return s;
}

TEST(ShortlistTest, TextListsEachNeedWithItsPatents) {
  const std::string text = ShortlistText(SampleShortlist());
  EXPECT_THAT(text,
              HasSubstr("short list for 甲公司 & Co (ORG00001): 2 needs"));
  EXPECT_THAT(text, HasSubstr("D000001  固态电池隔膜"));
  EXPECT_THAT(text, HasSubstr(" 1. 0.900  P000001  一种隔膜"));
  EXPECT_THAT(text, HasSubstr(" 2. 0.500  P000002"));
  EXPECT_THAT(text, HasSubstr("Strong fit"));
  EXPECT_THAT(text, HasSubstr("matched terms: 隔膜"));
  EXPECT_THAT(text, HasSubstr("D000002"));
  EXPECT_THAT(text, HasSubstr("no matching patents"));
  EXPECT_LT(text.find("P000001"), text.find("P000002"));
}

TEST(ShortlistTest, CsvHasARowPerPatentAndDefusesFormulas) {
  const std::string csv = ShortlistCsv(SampleShortlist());
  ASSERT_THAT(csv, StartsWith("\xEF\xBB\xBF"
                              "organisation_id,"));
  // Header, two patents for D000001, one empty row for D000002.
  EXPECT_EQ(Count(csv, "\r\n"), 4u);
  EXPECT_THAT(csv,
              HasSubstr("ORG00001,甲公司 & Co,D000001,固态电池隔膜,1,0.9000,"
                        "P000001,CN1000000A,一种隔膜,,licence_open,"
                        "Strong fit,隔膜\r\n"));
  EXPECT_THAT(csv, HasSubstr(",\"'-1 formula, \"\"x\"\"\","));
  EXPECT_THAT(csv, HasSubstr("ORG00001,甲公司 & Co,D000002,,,,,,,,,,\r\n"));
}

TEST(ShortlistTest, HtmlEscapesAndExplainsEveryPatent) {
  const std::string html = ShortlistHtml(SampleShortlist());
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(html, HasSubstr("甲公司 &amp; Co"));
  EXPECT_THAT(html, Not(HasSubstr("<b>need")));
  EXPECT_THAT(html, HasSubstr("&lt;b&gt;need&lt;/b&gt;"));
  EXPECT_THAT(html, HasSubstr("<p>Strong fit</p>"));
  EXPECT_THAT(html, HasSubstr("<p>Weak fit</p>"));
  EXPECT_EQ(Count(html, "Matched terms: 隔膜"), 2u);
  EXPECT_THAT(html, HasSubstr("No matching patents."));
}

TEST(DocumentFormatTest, FromFlagAndFileName) {
  EXPECT_EQ(*ParseDocumentFormat("CSV"), DocumentFormat::kCsv);
  EXPECT_EQ(*ParseDocumentFormat("html"), DocumentFormat::kHtml);
  EXPECT_EQ(*ParseDocumentFormat("table"), DocumentFormat::kTable);
  EXPECT_FALSE(ParseDocumentFormat("pdf").ok());
  EXPECT_EQ(FormatForPath("/tmp/agenda.HTML"), DocumentFormat::kHtml);
  EXPECT_EQ(FormatForPath("a.htm"), DocumentFormat::kHtml);
  EXPECT_EQ(FormatForPath("a.csv"), DocumentFormat::kCsv);
  EXPECT_EQ(FormatForPath("a.txt"), DocumentFormat::kTable);
  EXPECT_EQ(FormatForPath(""), DocumentFormat::kTable);
  EXPECT_EQ(RenderAgenda(SampleAgenda(), DocumentFormat::kCsv),
            AgendaCsv(SampleAgenda()));
}

TEST(ShortLabelTest, DropsTheTypeWord) {
  EXPECT_EQ(ShortLabel(v1::EventState_descriptor(), v1::EVENT_OPEN, "event_"),
            "open");
  EXPECT_EQ(ShortLabel(v1::EventSide_descriptor(), v1::HOLDER_SIDE, "_side"),
            "holder");
  EXPECT_EQ(ShortLabel(v1::MeetingOutcome_descriptor(), v1::MEETING_NO_SHOW,
                       "meeting_"),
            "no_show");
  EXPECT_EQ(ShortLabel(v1::EventState_descriptor(), 0, "event_"), "-");
}

}  // namespace
}  // namespace patentmatch::cli
