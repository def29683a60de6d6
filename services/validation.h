// Validation and normalisation of what callers send, before anything is
// written. Each function fixes what it safely can in place (spacing of IPC
// codes and patent numbers, date formats) and returns one FieldError per
// problem, naming the field as the caller wrote it ("listing.ipc_codes[2]").
// An empty result means the record may be stored. Checks that need the
// store (does the owner organisation exist?) are the caller's.
#ifndef PATENTMATCH_SERVICES_VALIDATION_H_
#define PATENTMATCH_SERVICES_VALIDATION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "patentmatch/v1/patentmatch.pb.h"

namespace patentmatch {

// Size limits, in one place. Generous for real records, small enough that
// one hostile record cannot exhaust memory or the index.
struct Limits {
  static constexpr size_t kIdBytes = 128;
  static constexpr size_t kNameBytes = 1000;
  static constexpr size_t kTitleBytes = 2000;
  static constexpr size_t kAbstractBytes = 64 * 1024;
  static constexpr size_t kClaimsBytes = 512 * 1024;
  static constexpr size_t kDescriptionBytes = 64 * 1024;
  static constexpr size_t kShortTextBytes = 256;
  static constexpr int kRepeated = 200;  // list fields (IPC codes, inventors…)
};

// Sets listing->id from publication_number, else application_number, else
// source_id (normalised). Warnings (kept, but tell the user) go to
// `warnings` when non-null.
std::vector<v1::FieldError> ValidateListing(
    v1::PatentListing* listing, std::vector<v1::FieldError>* warnings);

// For submit (`is_new`: id must be empty) and update (id required).
std::vector<v1::FieldError> ValidateDemand(v1::Demand* demand, bool is_new);

std::vector<v1::FieldError> ValidateOrganisation(v1::Organisation* org);

// Shared by suggest-for-text and stored demands.
std::vector<v1::FieldError> ValidateNeedQuery(v1::NeedQuery* need,
                                              absl::string_view field);
std::vector<v1::FieldError> ValidateFilter(const v1::PatentFilter& filter,
                                           absl::string_view field);

// Appends one FieldError; how every check here and in the services reports
// a bad field.
void AddFieldError(std::vector<v1::FieldError>* errors, absl::string_view field,
                   absl::string_view message);

// Well-formed UTF-8 (ICU's U8_NEXT: no overlong forms, surrogates or values
// past U+10FFFF) without C0 or C1 control characters; tab and newlines are
// allowed only when `multiline`. On failure *why says what is wrong.
bool CleanText(absl::string_view text, bool multiline, std::string* why);

// A date "YYYY-MM-DD" (years 1800..2200) in normal form ("2024-3-1" gives
// "2024-03-01"); nullopt if it is not one.
std::optional<std::string> NormaliseDate(absl::string_view text);

// Checks an id a caller sent (Get/Withdraw/...): non-empty, bounded, no
// control characters.
std::vector<v1::FieldError> ValidateId(absl::string_view id,
                                       absl::string_view field);

}  // namespace patentmatch

#endif  // PATENTMATCH_SERVICES_VALIDATION_H_
