// Request validation; see validation.h.
#include "services/validation.h"

#include <unicode/utf8.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "matcher/ipc_code.h"
#include "matcher/patent_number.h"

namespace patentmatch {
namespace {

using Errors = std::vector<v1::FieldError>;

constexpr auto Add = &AddFieldError;

std::string Field(absl::string_view prefix, absl::string_view name) {
  return absl::StrCat(prefix, ".", name);
}

std::string Indexed(absl::string_view prefix, absl::string_view name, int i) {
  return absl::StrCat(prefix, ".", name, "[", i, "]");
}

}  // namespace

void AddFieldError(std::vector<v1::FieldError>* errors, absl::string_view field,
                   absl::string_view message) {
  v1::FieldError e;
  e.set_field(std::string(field));
  e.set_message(std::string(message));
  errors->push_back(std::move(e));
}

bool CleanText(absl::string_view s, bool multiline, std::string* why) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  const auto length = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) {
      *why = "is not valid UTF-8";
      return false;
    }
    const bool allowed_space =
        multiline && (c == '\t' || c == '\n' || c == '\r');
    if ((c < 0x20 && !allowed_space) || (c >= 0x7f && c <= 0x9f)) {
      *why = absl::StrCat("contains control character U+",
                          absl::Hex(c, absl::kZeroPad4));
      return false;
    }
  }
  return true;
}

std::optional<std::string> NormaliseDate(absl::string_view text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day) || day.year() < 1800 ||
      day.year() > 2200) {
    return std::nullopt;
  }
  return absl::FormatCivilTime(day);
}

namespace {

void CheckText(Errors* errors, absl::string_view field, std::string* text,
               size_t max_bytes) {
  *text = std::string(absl::StripAsciiWhitespace(*text));
  if (text->size() > max_bytes) {
    Add(errors, field,
        absl::StrCat("is ", text->size(), " bytes; the limit is ", max_bytes));
    return;
  }
  std::string why;
  if (!CleanText(*text, /*multiline=*/true, &why)) Add(errors, field, why);
}

template <typename Repeated>
void CheckTextList(Errors* errors, absl::string_view prefix,
                   absl::string_view name, Repeated* list, size_t max_bytes) {
  if (list->size() > Limits::kRepeated) {
    Add(errors, Field(prefix, name),
        absl::StrCat("has ", list->size(), " entries; the limit is ",
                     Limits::kRepeated));
    return;
  }
  for (int i = 0; i < list->size(); ++i) {
    CheckText(errors, Indexed(prefix, name, i), list->Mutable(i), max_bytes);
  }
}

void CheckDate(Errors* errors, absl::string_view field, std::string* date) {
  *date = std::string(absl::StripAsciiWhitespace(*date));
  if (date->empty()) return;
  auto normal = NormaliseDate(*date);
  if (!normal) {
    Add(errors, field, absl::StrCat("'", *date, "' is not a date YYYY-MM-DD"));
    return;
  }
  *date = std::move(*normal);
}

template <typename IsValid, typename Repeated>
void CheckEnums(Errors* errors, absl::string_view prefix,
                absl::string_view name, const Repeated& values,
                IsValid is_valid) {
  for (int i = 0; i < values.size(); ++i) {
    if (!is_valid(values.Get(i)) || values.Get(i) == 0) {
      Add(errors, Indexed(prefix, name, i),
          absl::StrCat("unknown value ", values.Get(i)));
    }
  }
}

template <typename IsValid>
void CheckEnum(Errors* errors, absl::string_view field, int value,
               IsValid is_valid) {
  if (!is_valid(value)) {
    Add(errors, field, absl::StrCat("unknown value ", value));
  }
}

void CheckIpcCodes(Errors* errors, absl::string_view prefix,
                   absl::string_view name,
                   google::protobuf::RepeatedPtrField<std::string>* codes) {
  if (codes->size() > Limits::kRepeated) {
    Add(errors, Field(prefix, name), "too many IPC codes");
    return;
  }
  for (int i = 0; i < codes->size(); ++i) {
    auto code = matcher::ParseIpcCode(codes->Get(i));
    if (!code.ok()) {
      Add(errors, Indexed(prefix, name, i), code.status().message());
    } else {
      *codes->Mutable(i) = code->ToString();
    }
  }
}

void CheckPrice(Errors* errors, absl::string_view field,
                const v1::PriceRange& price) {
  if (price.min_yuan() < 0 || price.max_yuan() < 0) {
    Add(errors, field, "must not be negative");
  } else if (price.max_yuan() > 0 && price.max_yuan() < price.min_yuan()) {
    Add(errors, field, "max_yuan is below min_yuan");
  }
}

}  // namespace

std::vector<v1::FieldError> ValidateId(absl::string_view id,
                                       absl::string_view field) {
  Errors errors;
  if (id.empty()) {
    Add(&errors, field, "is required");
  } else if (id.size() > Limits::kIdBytes) {
    Add(&errors, field,
        absl::StrCat("is longer than ", Limits::kIdBytes, " bytes"));
  } else {
    for (char c : id) {
      const auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u == 0x7f) {
        Add(&errors, field, "must not contain spaces or control characters");
        break;
      }
    }
    std::string why;
    if (errors.empty() && !CleanText(id, /*multiline=*/false, &why)) {
      Add(&errors, field, why);
    }
  }
  return errors;
}

std::vector<v1::FieldError> ValidateListing(
    v1::PatentListing* l, std::vector<v1::FieldError>* warnings) {
  Errors errors;
  const std::string p = "listing";

  // Identity: publication number, else application number, else source id.
  std::string id;
  if (!l->publication_number().empty()) {
    auto n = matcher::NormalisePublicationNumber(l->publication_number());
    if (!n.ok()) {
      Add(&errors, Field(p, "publication_number"), n.status().message());
    } else {
      l->set_publication_number(*n);
      id = *n;
    }
  }
  if (!l->application_number().empty()) {
    auto n = matcher::NormaliseApplicationNumber(l->application_number());
    if (!n.ok()) {
      Add(&errors, Field(p, "application_number"), n.status().message());
    } else {
      l->set_application_number(*n);
      if (id.empty() && l->publication_number().empty()) id = *n;
    }
  }
  if (!l->source_id().empty()) {
    l->set_source_id(std::string(absl::StripAsciiWhitespace(l->source_id())));
    auto bad = ValidateId(l->source_id(), Field(p, "source_id"));
    errors.insert(errors.end(), bad.begin(), bad.end());
    if (bad.empty() && id.empty() && l->publication_number().empty() &&
        l->application_number().empty()) {
      id = l->source_id();
    }
  }
  if (id.empty() && errors.empty()) {
    if (!l->id().empty()) {
      auto bad = ValidateId(l->id(), Field(p, "id"));
      errors.insert(errors.end(), bad.begin(), bad.end());
      id = l->id();
    } else {
      Add(&errors, Field(p, "publication_number"),
          "is required (or application_number, or source_id when the "
          "source has no number)");
    }
  } else if (!l->id().empty() && !id.empty() && l->id() != id) {
    Add(&errors, Field(p, "id"),
        absl::StrCat("'", l->id(), "' does not match the patent's number '", id,
                     "'"));
  }
  l->set_id(id);

  CheckText(&errors, Field(p, "title"), l->mutable_title(),
            Limits::kTitleBytes);
  CheckText(&errors, Field(p, "abstract"), l->mutable_abstract(),
            Limits::kAbstractBytes);
  CheckText(&errors, Field(p, "claims"), l->mutable_claims(),
            Limits::kClaimsBytes);
  if (l->title().empty() && l->abstract().empty()) {
    Add(&errors, Field(p, "title"), "title or abstract is required");
  }
  CheckIpcCodes(&errors, p, "ipc_codes", l->mutable_ipc_codes());
  CheckEnum(&errors, Field(p, "patent_type"), l->patent_type(),
            v1::PatentType_IsValid);
  if (l->patent_type() == v1::PATENT_TYPE_UNSPECIFIED &&
      !l->publication_number().empty()) {
    l->set_patent_type(
        matcher::PatentTypeFromPublicationNumber(l->publication_number()));
  }
  CheckEnum(&errors, Field(p, "legal_status"), l->legal_status(),
            v1::LegalStatus_IsValid);
  CheckDate(&errors, Field(p, "application_date"),
            l->mutable_application_date());
  CheckDate(&errors, Field(p, "publication_date"),
            l->mutable_publication_date());
  CheckDate(&errors, Field(p, "grant_date"), l->mutable_grant_date());
  CheckDate(&errors, Field(p, "expiry_date"), l->mutable_expiry_date());
  CheckText(&errors, Field(p, "owner_name"), l->mutable_owner_name(),
            Limits::kNameBytes);
  if (!l->owner_organisation_id().empty()) {
    auto bad = ValidateId(l->owner_organisation_id(),
                          Field(p, "owner_organisation_id"));
    errors.insert(errors.end(), bad.begin(), bad.end());
  }
  CheckTextList(&errors, p, "inventors", l->mutable_inventors(),
                Limits::kNameBytes);
  CheckEnums(&errors, p, "deal_modes", l->deal_modes(), v1::DealMode_IsValid);
  for (int i = 0; i < l->deal_modes_size(); ++i) {
    if (l->deal_modes(i) == v1::JOINT_DEVELOPMENT) {
      Add(&errors, Indexed(p, "deal_modes", i),
          "joint development is a demand-side mode; a listing offers licences, "
          "transfer or equity");
    }
  }
  const bool open = std::find(l->deal_modes().begin(), l->deal_modes().end(),
                              v1::LICENCE_OPEN) != l->deal_modes().end();
  if (l->has_open_licence()) {
    auto* t = l->mutable_open_licence();
    if (t->royalty_rate_percent() < 0 || t->royalty_rate_percent() > 100) {
      Add(&errors, Field(p, "open_licence.royalty_rate_percent"),
          "must be between 0 and 100");
    }
    if (t->royalty_fixed_yuan() < 0) {
      Add(&errors, Field(p, "open_licence.royalty_fixed_yuan"),
          "must not be negative");
    }
    if (t->period_years() < 0 || t->period_years() > 30) {
      Add(&errors, Field(p, "open_licence.period_years"),
          "must be between 0 and 30");
    }
    CheckDate(&errors, Field(p, "open_licence.declared_date"),
              t->mutable_declared_date());
    CheckText(&errors, Field(p, "open_licence.terms_text"),
              t->mutable_terms_text(), Limits::kDescriptionBytes);
    if (!open && warnings != nullptr) {
      v1::FieldError w;
      w.set_field(Field(p, "open_licence"));
      w.set_message("open-licence terms given but LICENCE_OPEN not offered");
      warnings->push_back(std::move(w));
    }
  }
  CheckPrice(&errors, Field(p, "asking_price"), l->asking_price());
  CheckEnum(&errors, Field(p, "maturity"), l->maturity(), v1::Maturity_IsValid);
  CheckTextList(&errors, p, "industry_tags", l->mutable_industry_tags(),
                Limits::kShortTextBytes);
  CheckEnum(&errors, Field(p, "status"), l->status(),
            v1::ListingStatus_IsValid);
  CheckEnum(&errors, Field(p, "withdrawal_reason"), l->withdrawal_reason(),
            v1::WithdrawalReason_IsValid);
  return errors;
}

std::vector<v1::FieldError> ValidateDemand(v1::Demand* d, bool is_new) {
  Errors errors;
  const std::string p = "demand";
  if (is_new && !d->id().empty()) {
    Add(&errors, Field(p, "id"), "is assigned by the server; leave it empty");
  }
  if (!is_new) {
    auto bad = ValidateId(d->id(), Field(p, "id"));
    errors.insert(errors.end(), bad.begin(), bad.end());
  }
  auto bad = ValidateId(d->organisation_id(), Field(p, "organisation_id"));
  errors.insert(errors.end(), bad.begin(), bad.end());
  CheckText(&errors, Field(p, "title"), d->mutable_title(),
            Limits::kTitleBytes);
  CheckText(&errors, Field(p, "description"), d->mutable_description(),
            Limits::kDescriptionBytes);
  if (d->title().empty() && d->description().empty()) {
    Add(&errors, Field(p, "description"),
        "describe the need (title or description is required)");
  }
  CheckIpcCodes(&errors, p, "ipc_hints", d->mutable_ipc_hints());
  CheckTextList(&errors, p, "keywords", d->mutable_keywords(),
                Limits::kShortTextBytes);
  CheckText(&errors, Field(p, "industry"), d->mutable_industry(),
            Limits::kShortTextBytes);
  CheckEnums(&errors, p, "deal_modes", d->deal_modes(), v1::DealMode_IsValid);
  CheckPrice(&errors, Field(p, "budget"), d->budget());
  CheckDate(&errors, Field(p, "deadline"), d->mutable_deadline());
  CheckText(&errors, Field(p, "contact.name"),
            d->mutable_contact()->mutable_name(), Limits::kShortTextBytes);
  CheckText(&errors, Field(p, "contact.phone"),
            d->mutable_contact()->mutable_phone(), Limits::kShortTextBytes);
  CheckText(&errors, Field(p, "contact.email"),
            d->mutable_contact()->mutable_email(), Limits::kShortTextBytes);
  if (!d->contact().email().empty() &&
      d->contact().email().find('@') == std::string::npos) {
    Add(&errors, Field(p, "contact.email"), "is not an e-mail address");
  }
  CheckText(&errors, Field(p, "close_reason"), d->mutable_close_reason(),
            Limits::kNameBytes);
  return errors;
}

std::vector<v1::FieldError> ValidateOrganisation(v1::Organisation* o) {
  Errors errors;
  const std::string p = "organisation";
  if (!o->id().empty()) {
    auto bad = ValidateId(o->id(), Field(p, "id"));
    errors.insert(errors.end(), bad.begin(), bad.end());
  }
  CheckText(&errors, Field(p, "name"), o->mutable_name(), Limits::kNameBytes);
  if (o->name().empty()) Add(&errors, Field(p, "name"), "is required");
  CheckEnum(&errors, Field(p, "kind"), o->kind(), v1::OrganisationKind_IsValid);
  if (o->kind() == v1::ORGANISATION_KIND_UNSPECIFIED) {
    Add(&errors, Field(p, "kind"),
        "is required (UNIVERSITY, RESEARCH_INSTITUTE, STATE_OWNED_COMPANY, "
        "PRIVATE_COMPANY or INDIVIDUAL)");
  }
  CheckEnum(&errors, Field(p, "district"), o->district(), v1::District_IsValid);
  CheckText(&errors, Field(p, "credit_code"), o->mutable_credit_code(),
            Limits::kShortTextBytes);
  if (!o->credit_code().empty() && o->credit_code().size() != 18) {
    Add(&errors, Field(p, "credit_code"),
        "a unified social credit code has 18 characters");
  }
  CheckTextList(&errors, p, "industries", o->mutable_industries(),
                Limits::kShortTextBytes);
  return errors;
}

std::vector<v1::FieldError> ValidateNeedQuery(v1::NeedQuery* n,
                                              absl::string_view field) {
  Errors errors;
  CheckText(&errors, Field(field, "text"), n->mutable_text(),
            Limits::kDescriptionBytes);
  CheckTextList(&errors, field, "keywords", n->mutable_keywords(),
                Limits::kShortTextBytes);
  if (n->text().empty() && n->keywords().empty()) {
    Add(&errors, Field(field, "text"), "describe the need");
  }
  CheckIpcCodes(&errors, field, "ipc_hints", n->mutable_ipc_hints());
  CheckEnums(&errors, field, "deal_modes", n->deal_modes(),
             v1::DealMode_IsValid);
  CheckPrice(&errors, Field(field, "budget"), n->budget());
  CheckEnum(&errors, Field(field, "district"), n->district(),
            v1::District_IsValid);
  return errors;
}

std::vector<v1::FieldError> ValidateFilter(const v1::PatentFilter& f,
                                           absl::string_view field) {
  Errors errors;
  CheckEnums(&errors, field, "deal_modes", f.deal_modes(),
             v1::DealMode_IsValid);
  CheckEnums(&errors, field, "patent_types", f.patent_types(),
             v1::PatentType_IsValid);
  CheckEnums(&errors, field, "owner_kinds", f.owner_kinds(),
             v1::OrganisationKind_IsValid);
  CheckEnums(&errors, field, "owner_districts", f.owner_districts(),
             v1::District_IsValid);
  if (f.ipc_prefixes_size() > Limits::kRepeated ||
      f.industry_tags_size() > Limits::kRepeated) {
    Add(&errors, field, "too many filter values");
  }
  for (int i = 0; i < f.industry_tags_size(); ++i) {
    if (f.industry_tags(i).size() > Limits::kShortTextBytes) {
      Add(&errors, Indexed(field, "industry_tags", i), "too long");
    }
  }
  for (int i = 0; i < f.ipc_prefixes_size(); ++i) {
    if (f.ipc_prefixes(i).size() > 32) {
      Add(&errors, Indexed(field, "ipc_prefixes", i), "too long");
    }
  }
  if (f.patent_ids_size() > 5000) {
    Add(&errors, absl::StrCat(field, ".patent_ids"), "at most 5000 listings");
  }
  for (int i = 0; i < f.patent_ids_size() && i < 5000; ++i) {
    for (auto& e :
         ValidateId(f.patent_ids(i), Indexed(field, "patent_ids", i))) {
      errors.push_back(std::move(e));
    }
  }
  return errors;
}

}  // namespace patentmatch
