// Printable documents for docking events (对接活动) and point-to-point
// service: an event's agenda (the whole event or one participant's) and a
// company's short list, each as a terminal table, a CSV file for
// spreadsheets, or a self-contained HTML page to print and hand out.
//
// Pure functions of the messages — no gRPC calls, no files, no terminal
// queries — so that every layout is unit-tested
// (tests/unit/agenda_format_test.cc). Names, titles and notes are user
// input: HTML escapes all of it, CSV defuses spreadsheet formulas.
//
//   v1::Agenda agenda = ...;  // EventService.GetAgenda
//   std::string page = RenderAgenda(agenda, DocumentFormat::kHtml);
#ifndef PATENTMATCH_CLIENTS_CLI_AGENDA_FORMAT_H_
#define PATENTMATCH_CLIENTS_CLI_AGENDA_FORMAT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "patentmatch/v1/events.pb.h"

namespace patentmatch::cli {

enum class DocumentFormat { kTable, kCsv, kHtml };

// "table", "csv" or "html"; a usage error otherwise.
absl::StatusOr<DocumentFormat> ParseDocumentFormat(absl::string_view name);
// The format a file name asks for: .csv, .html/.htm, anything else a table.
DocumentFormat FormatForPath(absl::string_view path);

// `width` is the terminal's columns: the last (topics) column of the text
// table is cut to fit. 0 never cuts (for files). CSV and HTML ignore it.
std::string RenderAgenda(const v1::Agenda& agenda, DocumentFormat format,
                         int width = 0);
std::string RenderShortlist(const v1::Shortlist& shortlist,
                            DocumentFormat format, int width = 0);

std::string AgendaText(const v1::Agenda& agenda, int width = 0);
std::string AgendaCsv(const v1::Agenda& agenda);
std::string AgendaHtml(const v1::Agenda& agenda);
std::string ShortlistText(const v1::Shortlist& shortlist, int width = 0);
std::string ShortlistCsv(const v1::Shortlist& shortlist);
std::string ShortlistHtml(const v1::Shortlist& shortlist);

// The meetings a reader of `agenda` sees, in the agenda's order: all of
// them for the whole event, only the named organisation's for one
// participant's agenda (whatever else the message carries).
std::vector<const v1::Meeting*> AgendaMeetings(const v1::Agenda& agenda);

// The enum value's lower-case name without the word it shares with its
// type: ShortLabel(EventState, EVENT_OPEN, "event_") is "open",
// ShortLabel(EventSide, COMPANY_SIDE, "_side") is "company". "-" for 0.
std::string ShortLabel(const google::protobuf::EnumDescriptor* desc, int value,
                       absl::string_view affix);
// "scheduled", "cancelled", or the outcome and where it moved the
// suggestion: "deal → deal_signed".
std::string MeetingStatusText(const v1::Meeting& meeting);

// Text safe inside HTML elements and attribute values.
std::string HtmlEscape(absl::string_view text);

// "1 meeting", "3 meetings".
std::string Counted(int n, absl::string_view noun);
// "plan v2: 3 meetings, total quality 2.345" (no total on a member's
// agenda: the server leaves it out).
std::string PlanLine(const v1::PlanSummary& p);
// One RFC 4180 field. A cell starting with = + - @ (or tab / CR) gets a
// leading ' so that spreadsheets show it instead of running it as a
// formula; fields with commas, quotes or line breaks are quoted.
std::string CsvField(absl::string_view text);

}  // namespace patentmatch::cli

#endif  // PATENTMATCH_CLIENTS_CLI_AGENDA_FORMAT_H_
