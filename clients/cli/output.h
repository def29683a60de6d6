// How the `patentmatch` client shows results: readable tables on a terminal
// by default, protobuf JSON (one object per line) with --json. Widths are
// measured in terminal columns, where CJK characters take two, so Chinese
// titles line up with English ones.
#ifndef PATENTMATCH_CLIENTS_CLI_OUTPUT_H_
#define PATENTMATCH_CLIENTS_CLI_OUTPUT_H_

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "patentmatch/v1/patentmatch.pb.h"

namespace patentmatch::cli {

// Terminal columns taken by UTF-8 text (East Asian wide/fullwidth: 2,
// combining marks: 0, everything else: 1).
int DisplayWidth(absl::string_view utf8);
// At most `width` columns, ending in "…" when something was cut; never
// splits a UTF-8 sequence.
std::string TruncateToWidth(absl::string_view utf8, int width);
// Truncated and padded with spaces to exactly `width` columns.
std::string PadToWidth(absl::string_view utf8, int width);
// Columns of the terminal on stdout, or 100 when it is not one.
int TerminalWidth();

// One message as a single line of protobuf JSON on stdout.
void PrintJson(const google::protobuf::Message& message);

// A simple left-aligned table: header, then rows, columns separated by two
// spaces. The last column is truncated to fit the terminal.
class Table {
 public:
  explicit Table(std::vector<std::string> header);
  void AddRow(std::vector<std::string> row);
  void Print(std::FILE* out = stdout) const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Full views of single entities ("patent get", "org get", ...).
void PrintListing(const v1::PatentListing& listing);
void PrintOrganisation(const v1::Organisation& org);
void PrintDemand(const v1::Demand& demand);

// Ranked matches with their explanations indented under each row.
void PrintPatentMatches(const v1::SuggestResponse& response);
void PrintDemandMatches(const v1::MatchDemandsForPatentResponse& response);

// "H01M 4/525, G06F"; deal modes as "licence_open, transfer".
std::string JoinIpc(const google::protobuf::RepeatedPtrField<std::string>& ipc);
std::string DealModesLabel(const google::protobuf::RepeatedField<int>& modes);

}  // namespace patentmatch::cli

#endif  // PATENTMATCH_CLIENTS_CLI_OUTPUT_H_
