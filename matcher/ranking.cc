// Feature computation, weighting and explanations; see ranking.h.
#include "matcher/ranking.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "matcher/ipc_code.h"

namespace patentmatch::matcher {
namespace {

using v1::DealMode;

struct Feature {
  const char* name;
  double weight;
  double value;
  std::string reason;
};

bool ParseDate(const std::string& text, absl::CivilDay* day) {
  return !text.empty() && absl::ParseCivilTime(text, day);
}

bool IsLicence(int mode) {
  return mode == v1::LICENCE_EXCLUSIVE || mode == v1::LICENCE_SOLE ||
         mode == v1::LICENCE_ORDINARY || mode == v1::LICENCE_OPEN;
}

std::string ModeName(int mode) {
  return absl::AsciiStrToLower(v1::DealMode_Name(static_cast<DealMode>(mode)));
}

std::string Yuan(int64_t yuan) {
  if (yuan >= 10000 && yuan % 10000 == 0) {
    return absl::StrCat(yuan / 10000, "万元");
  }
  return absl::StrCat(yuan, "元");
}

Feature IpcFeature(const v1::NeedQuery& need, const v1::PatentListing& patent,
                   double weight, v1::Explanation* explanation) {
  Feature f{"ipc_overlap", weight, 0, ""};
  explanation->set_ipc_overlap_level("none");
  if (need.ipc_hints().empty()) {
    f.reason = "need gives no IPC field";
    return f;
  }
  if (patent.ipc_codes().empty()) {
    f.reason = "patent has no IPC codes";
    return f;
  }
  IpcLevel best = IpcLevel::kNone;
  std::string best_prefix;
  for (const auto& hint_text : need.ipc_hints()) {
    auto hint = ParseIpcCode(hint_text);
    if (!hint.ok()) continue;
    for (const auto& code_text : patent.ipc_codes()) {
      auto code = ParseIpcCode(code_text);
      if (!code.ok()) continue;
      IpcLevel level = SharedLevel(*hint, *code);
      if (level > best) {
        best = level;
        best_prefix = IpcPrefix(*code, level);
      }
    }
  }
  switch (best) {
    case IpcLevel::kNone:
      f.value = -0.25;  // different technical field altogether
      break;
    case IpcLevel::kSection:
      f.value = 0.25;
      break;
    case IpcLevel::kClass:
      f.value = 0.5;
      break;
    case IpcLevel::kSubclass:
      f.value = 0.75;
      break;
    case IpcLevel::kMainGroup:
    case IpcLevel::kSubgroup:
      f.value = 1.0;
      break;
  }
  explanation->set_ipc_overlap_level(std::string(IpcLevelName(best)));
  explanation->set_ipc_overlap_code(best_prefix);
  f.reason = best == IpcLevel::kNone
                 ? absl::StrCat("no IPC section in common with ",
                                absl::StrJoin(need.ipc_hints(), ","))
                 : absl::StrCat("same IPC ", std::string(IpcLevelName(best)),
                                " ", best_prefix);
  return f;
}

Feature IndustryFeature(const v1::NeedQuery& need,
                        const v1::PatentListing& patent, double weight) {
  Feature f{"industry", weight, 0, ""};
  if (need.industry().empty() || patent.industry_tags().empty()) {
    f.reason = "industry not stated on both sides";
    return f;
  }
  for (const auto& tag : patent.industry_tags()) {
    if (absl::EqualsIgnoreCase(tag, need.industry())) {
      f.value = 1;
      f.reason = absl::StrCat("both in ", need.industry());
      return f;
    }
  }
  f.value = -0.3;
  f.reason =
      absl::StrCat("patent tagged ", absl::StrJoin(patent.industry_tags(), ","),
                   ", need is ", need.industry());
  return f;
}

Feature DealModeFeature(const v1::NeedQuery& need,
                        const v1::PatentListing& patent, double weight) {
  Feature f{"deal_mode", weight, 0, ""};
  if (need.deal_modes().empty() || patent.deal_modes().empty()) {
    f.reason = need.deal_modes().empty() ? "need accepts any deal"
                                         : "holder has not stated deal modes";
    return f;
  }
  std::vector<std::string> exact;
  bool licence_kin = false;
  for (int want : need.deal_modes()) {
    for (int offer : patent.deal_modes()) {
      if (want == offer) exact.push_back(ModeName(offer));
      if (IsLicence(want) && IsLicence(offer)) licence_kin = true;
    }
  }
  if (!exact.empty()) {
    f.value = 1;
    f.reason = absl::StrCat("offers ", absl::StrJoin(exact, ", "));
  } else if (licence_kin) {
    f.value = 0.5;
    f.reason = "offers a different kind of licence";
  } else {
    f.value = -1;
    std::vector<std::string> offered;
    for (int offer : patent.deal_modes()) offered.push_back(ModeName(offer));
    f.reason = absl::StrCat("offers only ", absl::StrJoin(offered, ", "));
  }
  return f;
}

Feature BudgetFeature(const v1::NeedQuery& need,
                      const v1::PatentListing& patent, double weight) {
  Feature f{"budget", weight, 0, ""};
  const int64_t budget = need.budget().max_yuan();
  int64_t price = patent.asking_price().min_yuan();
  if (price == 0 && patent.open_licence().royalty_fixed_yuan() > 0) {
    price = patent.open_licence().royalty_fixed_yuan();
  }
  if (budget <= 0 || price <= 0) {
    f.reason = "price or budget not stated";
    return f;
  }
  if (price <= budget) {
    f.value = 1;
    f.reason = absl::StrCat("asking from ", Yuan(price), ", budget up to ",
                            Yuan(budget));
  } else {
    const double over = static_cast<double>(price - budget) / budget;
    f.value = -std::min(1.0, over);
    f.reason = absl::StrFormat("asking from %s, %.0f%% over budget %s",
                               Yuan(price), over * 100, Yuan(budget));
  }
  return f;
}

Feature RemainingLifeFeature(const v1::PatentListing& patent, double weight,
                             absl::CivilDay today) {
  Feature f{"remaining_life", weight, 0, ""};
  absl::CivilDay end;
  if (!ProtectionEnds(patent, &end)) {
    f.reason = "protection term unknown";
    return f;
  }
  const double years = static_cast<double>(end - today) / 365.25;
  if (years <= 0) {
    f.value = -1;
    f.reason = "protection has ended";
  } else {
    f.value = std::min(1.0, years / 10.0);
    f.reason = absl::StrFormat("%.1f years of protection left", years);
  }
  return f;
}

Feature DistrictFeature(const v1::NeedQuery& need,
                        const v1::PatentListing& patent, double weight) {
  Feature f{"district", weight, 0, ""};
  const int a = need.district(), b = patent.owner_district();
  if (a == v1::DISTRICT_UNSPECIFIED || b == v1::DISTRICT_UNSPECIFIED) {
    f.reason = "district not known on both sides";
  } else if (a == b) {
    f.value = 1;
    f.reason = absl::StrCat("same district ",
                            v1::District_Name(static_cast<v1::District>(a)));
  } else if (a != v1::OUTSIDE_JIANGMEN && b != v1::OUTSIDE_JIANGMEN) {
    f.value = 0.5;
    f.reason = "both in Jiangmen";
  } else {
    f.reason = "holder outside Jiangmen";
  }
  return f;
}

Feature OpenLicenceFeature(const v1::NeedQuery& need,
                           const v1::PatentListing& patent, double weight) {
  Feature f{"open_licence", weight, 0, ""};
  const bool offered =
      std::find(patent.deal_modes().begin(), patent.deal_modes().end(),
                v1::LICENCE_OPEN) != patent.deal_modes().end();
  bool need_takes_licence = need.deal_modes().empty();
  for (int m : need.deal_modes()) need_takes_licence |= IsLicence(m);
  if (offered && need_takes_licence) {
    f.value = 1;
    f.reason = "open licence: standard terms, can be taken at once";
  } else {
    f.reason = offered ? "open licence, but need wants no licence"
                       : "no open licence declared";
  }
  return f;
}

Feature OwnerKindFeature(const v1::PatentListing& patent, double weight) {
  Feature f{"owner_kind", weight, 0, ""};
  if (patent.owner_kind() == v1::UNIVERSITY ||
      patent.owner_kind() == v1::RESEARCH_INSTITUTE) {
    f.value = 1;
    f.reason = "held by a university or institute (plan priority)";
  } else {
    f.reason = patent.owner_kind() == v1::ORGANISATION_KIND_UNSPECIFIED
                   ? "owner kind unknown"
                   : "held by a company or individual";
  }
  return f;
}

std::string Summary(const v1::PatentListing& patent,
                    const PairEvidence& evidence,
                    const std::vector<Feature>& features) {
  std::vector<std::string> parts;
  if (!evidence.matched_terms.empty()) {
    std::vector<std::string> shown(
        evidence.matched_terms.begin(),
        evidence.matched_terms.begin() +
            std::min<size_t>(6, evidence.matched_terms.size()));
    parts.push_back(absl::StrFormat("text matches %s (relevance %.2f)",
                                    absl::StrJoin(shown, ", "),
                                    evidence.text_relevance));
  } else {
    parts.push_back(
        absl::StrFormat("text relevance %.2f", evidence.text_relevance));
  }
  // The other features that moved the score, strongest first.
  std::vector<const Feature*> movers;
  for (const auto& f : features) {
    if (absl::string_view(f.name) != "text_relevance" && f.value != 0) {
      movers.push_back(&f);
    }
  }
  std::sort(
      movers.begin(), movers.end(), [](const Feature* a, const Feature* b) {
        return std::abs(a->weight * a->value) > std::abs(b->weight * b->value);
      });
  for (const Feature* f : movers) {
    parts.push_back(absl::StrCat(f->value > 0 ? "+ " : "- ", f->reason));
  }
  if (patent.legal_status() == v1::LEGAL_STATUS_UNSPECIFIED) {
    parts.push_back("legal status not recorded: check before contact");
  }
  return absl::StrJoin(parts, "; ");
}

}  // namespace

bool ProtectionEnds(const v1::PatentListing& patent, absl::CivilDay* end) {
  if (ParseDate(patent.expiry_date(), end)) return true;
  absl::CivilDay filed;
  if (!ParseDate(patent.application_date(), &filed)) return false;
  int years = 0;
  switch (patent.patent_type()) {
    case v1::INVENTION:
      years = 20;
      break;
    case v1::UTILITY_MODEL:
      years = 10;
      break;
    case v1::DESIGN:
      years = 15;  // designs filed since 2021-06-01; 10 before
      if (filed < absl::CivilDay(2021, 6, 1)) years = 10;
      break;
    default:
      return false;
  }
  // Same day `years` later; a 29 February filing ends on 28 February of a
  // common year (CivilDay would roll over into March).
  const absl::CivilMonth month(filed.year() + years, filed.month());
  const absl::CivilDay last_of_month = absl::CivilDay(month + 1) - 1;
  *end = std::min(absl::CivilDay(month) + (filed.day() - 1), last_of_month);
  return true;
}

bool IsSuggestable(const v1::PatentListing& patent) {
  if (patent.status() == v1::LISTING_WITHDRAWN) return false;
  switch (patent.legal_status()) {
    case v1::LAPSED:
    case v1::EXPIRED:
    case v1::INVALIDATED:
      return false;
    default:
      return true;
  }
}

std::string ListingHeadline(const v1::PatentListing& patent, size_t max_chars) {
  if (!patent.title().empty()) return patent.title();
  const std::string& text = patent.abstract();
  if (text.empty()) return patent.id();
  // Count UTF-8 lead bytes; continuation bytes are 10xxxxxx.
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars) return text.substr(0, i) + "…";
    ++chars;
  }
  return text;
}

double TextRelevanceOf(const v1::Explanation& explanation) {
  for (const auto& f : explanation.features()) {
    if (f.feature() == "text_relevance") return f.value();
  }
  return 0;
}

v1::NeedQuery NeedQueryFromDemand(const v1::Demand& demand) {
  v1::NeedQuery need;
  need.set_text(demand.description());
  *need.mutable_ipc_hints() = demand.ipc_hints();
  need.set_industry(demand.industry());
  *need.mutable_deal_modes() = demand.deal_modes();
  *need.mutable_budget() = demand.budget();
  need.set_district(demand.district());
  *need.mutable_keywords() = demand.keywords();
  // The title is the company's own summary of the need: it weighs like a
  // keyword (the description stays in `text`).
  if (!demand.title().empty()) need.add_keywords(demand.title());
  return need;
}

ScoredPair ScorePair(const v1::NeedQuery& need, const v1::PatentListing& patent,
                     const PairEvidence& evidence,
                     const RankingWeights& weights, absl::CivilDay today) {
  ScoredPair out;
  v1::Explanation& explanation = out.explanation;
  std::vector<Feature> features;
  features.push_back({"text_relevance", weights.text_relevance,
                      std::clamp(evidence.text_relevance, 0.0, 1.0),
                      evidence.matched_terms.empty()
                          ? "no query words in common"
                          : absl::StrCat(evidence.matched_terms.size(),
                                         " query words/phrases found")});
  features.push_back(
      IpcFeature(need, patent, weights.ipc_overlap, &explanation));
  features.push_back(IndustryFeature(need, patent, weights.industry));
  features.push_back(DealModeFeature(need, patent, weights.deal_mode));
  features.push_back(BudgetFeature(need, patent, weights.budget));
  features.push_back(
      RemainingLifeFeature(patent, weights.remaining_life, today));
  features.push_back(DistrictFeature(need, patent, weights.district));
  features.push_back(OpenLicenceFeature(need, patent, weights.open_licence));
  features.push_back(OwnerKindFeature(patent, weights.owner_kind));

  for (const auto& term : evidence.matched_terms) {
    explanation.add_matched_terms(term);
  }
  for (const auto& f : features) {
    auto* c = explanation.add_features();
    c->set_feature(f.name);
    c->set_value(f.value);
    c->set_weight(f.weight);
    c->set_contribution(f.weight * f.value);
    c->set_reason(f.reason);
    out.score += f.weight * f.value;
  }
  explanation.set_summary(Summary(patent, evidence, features));
  return out;
}

}  // namespace patentmatch::matcher
