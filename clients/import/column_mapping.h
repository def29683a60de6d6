// Mapping the columns of patent exports (Chinese or English headers, or the
// JSON names of PatentListing) to PatentListing fields, and turning their
// text into field values: dates to YYYY-MM-DD, legal status and patent type
// words to enums, "5万元" to yuan, lists split on the separators people use.
// Shared by the CSV and JSON Lines readers so both accept the same names.
#ifndef PATENTMATCH_CLIENTS_IMPORT_COLUMN_MAPPING_H_
#define PATENTMATCH_CLIENTS_IMPORT_COLUMN_MAPPING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clients/import/patent_file_reader.h"

namespace patentmatch::import {

enum class ListingField {
  kPublicationNumber,
  kUsPatentNumber,  // digits only, as PatentsView writes them
  kApplicationNumber,
  kSourceId,
  kTitle,
  kAbstract,
  kClaims,
  kIpcCodes,
  kPatentType,
  kLegalStatus,
  kApplicationDate,
  kPublicationDate,
  kGrantDate,
  kExpiryDate,
  kOwnerOrganisationId,
  kOwnerName,
  kInventors,
  kDealModes,
  kRoyalty,      // open-licence royalty: "3%" or an amount
  kOpenLicence,  // OpenLicenceTerms as a JSON object
  kAskingPrice,  // "50万元", "10-20万元" or a PriceRange JSON object
  kAskingPriceMin,
  kAskingPriceMax,
  kIndustryTags,
  kMaturity,
};

// Longest accepted field value; longer ones are reported, not stored.
inline constexpr size_t kMaxFieldBytes = 1 << 20;

// The field a column name maps to, or nullopt. Case, spaces, '_', '-' and
// full-width forms are ignored: "Publication Number", "publication_number"
// and "publicationNumber" are one name.
std::optional<ListingField> FieldForColumn(std::string_view column);

// True if the field identifies a record (title, abstract or a number): a
// file needs at least one such column to be worth reading.
bool IsIdentifyingField(ListingField field);

// Applies the (UTF-8) values one column gave a record. Lists may come as
// several values (JSON arrays) or one value with separators. Unusable values
// become errors or warnings on `record`, named by `column`.
void ApplyColumnValues(ListingField field, std::string_view column,
                       const std::vector<std::string>& values,
                       ParsedRecord* record);

// Completes a record once all its columns are applied: the patent type from
// the publication number's kind code when no column gave it, and an error if
// nothing identifies the record.
void FinishRecord(ParsedRecord* record);

// Value parsers, exposed for tests.
// Trims whitespace (including U+3000) and removes the extra layers of
// quoting some exports add: "\"\"Barometer\"\" neuron\"" -> "\"Barometer\"
// neuron".
std::string CleanText(std::string_view text);
// "2021-01-02", "2021.1.2", "2021/1/2", "20210102", "2021年1月2日", with an
// optional time after the date -> "2021-01-02"; nullopt if not a real date.
std::optional<std::string> ParseDate(std::string_view text);
// Amount in yuan: "50000", "5万", "5万元", "1,200元", "0.5亿" -> nullopt if
// there is no number.
std::optional<int64_t> ParseYuan(std::string_view text);

}  // namespace patentmatch::import

#endif  // PATENTMATCH_CLIENTS_IMPORT_COLUMN_MAPPING_H_
