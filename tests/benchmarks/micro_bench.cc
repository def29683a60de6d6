// pm_micro_bench: the per-document and per-query CPU costs behind the scale
// figures of pm_scale_bench — analysing a patent's text (index time),
// analysing a need (query time) and scoring one candidate (query time, once
// per retrieved patent). Run by hand, never by ctest:
//
//   pm_micro_bench --benchmark_min_time=0.5
//
// Texts are real records of ../shared/data of typical (median) length.
#include <benchmark/benchmark.h>

#include <string>

#include "absl/time/civil_time.h"
#include "indexer/text_analyzer.h"
#include "matcher/ranking.h"
#include "matcher/ranking_weights.h"
#include "patentmatch/v1/patentmatch.pb.h"

namespace patentmatch {
namespace {

// cn_abstracts_keyphrases.jsonl, 244 characters (the median is 245).
constexpr char kChineseTitle[] = "一种耐高温贴片传声器";
constexpr char kChineseAbstract[] =
    "本发明公开提出一种耐高温贴片传声器,其由底面被极化的外壳、垫片、塑环、"
    "振动膜片、金属极环以及PCB板组件组成，所述外壳底面开设有多个声孔、顶面被"
    "PCB板组件密封，垫片设置于外壳底面上将外壳底面与振动膜片隔开，金属极环一"
    "端面与PCB板电连接，另一端面与振动膜片电连接，塑环将金属极环与振动模块包"
    "容使得三者能固定于外壳内部。本发明耐高温贴片传声器的塑环采用特殊的耐高温"
    "树脂和纤维构成，能够很好的保护位于其中的金属极环和振动膜片，在耐高温贴片"
    "传声器进行回流焊时，耐高温贴片传声器的灵敏度变化较小。";

// us_patents.csv, 748 characters (the median).
constexpr char kEnglishAbstract[] =
    "The present invention relates to the analysis of data to identify "
    "relationships between the input data and one or more conditions. One "
    "method of analyzing such data is by the use of neural networks which are "
    "non-linear statistical data modelling tools, the structure of which may "
    "be changed based on information that is passed through the network "
    "during a training phase. A known problem that affects neural networks is "
    "the issue of overtraining which arises in overcomplex or overspecified "
    "systems when the capacity of the network significantly exceeds the "
    "needed parameters. The present invention provides a method of analyzing "
    "data using a neural network with a constrained architecture that "
    "mitigates the problems associated with the prior art.";

// eval/dev_need_queries.jsonl, NKPA0208.
constexpr char kNeedText[] =
    "我们是做办公打印机的小厂，用户往纸盒里换了别的规格的纸后，机器还按老设置"
    "打印，经常卡纸或打错尺寸；希望机器能自己判断用户换过纸，并提醒重新设置纸"
    "的大小和种类。";

const indexer::TextAnalyzer& Analyzer() {
  static const auto* analyzer = new indexer::TextAnalyzer();
  return *analyzer;
}

void BM_AnalyzeChineseAbstract(benchmark::State& state) {
  const auto& analyzer = Analyzer();
  size_t terms = 0;
  for (auto _ : state) {
    auto tokens = analyzer.Analyze(kChineseAbstract);
    terms = tokens.size();
    benchmark::DoNotOptimize(tokens);
  }
  state.counters["terms"] = static_cast<double>(terms);
  state.SetBytesProcessed(state.iterations() * (sizeof(kChineseAbstract) - 1));
}
BENCHMARK(BM_AnalyzeChineseAbstract);

void BM_AnalyzeEnglishAbstract(benchmark::State& state) {
  const auto& analyzer = Analyzer();
  size_t terms = 0;
  for (auto _ : state) {
    auto tokens = analyzer.Analyze(kEnglishAbstract);
    terms = tokens.size();
    benchmark::DoNotOptimize(tokens);
  }
  state.counters["terms"] = static_cast<double>(terms);
  state.SetBytesProcessed(state.iterations() * (sizeof(kEnglishAbstract) - 1));
}
BENCHMARK(BM_AnalyzeEnglishAbstract);

void BM_AnalyzeQueryNeed(benchmark::State& state) {
  const auto& analyzer = Analyzer();
  size_t terms = 0;
  for (auto _ : state) {
    auto tokens = analyzer.AnalyzeQuery(kNeedText);
    terms = tokens.size();
    benchmark::DoNotOptimize(tokens);
  }
  state.counters["terms"] = static_cast<double>(terms);
}
BENCHMARK(BM_AnalyzeQueryNeed);

// Every feature has something to say: IPC hints, industry, deal modes,
// budget, district, keywords on the need; the matching fields, an open
// licence and dates on the listing.
v1::NeedQuery FullNeed() {
  v1::NeedQuery need;
  need.set_text(kNeedText);
  need.add_ipc_hints("B41J 11/00");
  need.add_ipc_hints("G03G");
  need.set_industry("电子信息");
  need.add_deal_modes(v1::LICENCE_OPEN);
  need.add_deal_modes(v1::TRANSFER);
  need.mutable_budget()->set_min_yuan(50000);
  need.mutable_budget()->set_max_yuan(300000);
  need.set_district(v1::PENGJIANG);
  need.add_keywords("纸张尺寸检测");
  need.add_keywords("卡纸");
  return need;
}

v1::PatentListing FullListing() {
  v1::PatentListing p;
  p.set_id("CN114081026A");
  p.set_publication_number("CN114081026A");
  p.set_application_number("CN202111234567.8");
  p.set_title("一种可自动识别纸张规格的打印机及其控制方法");
  p.set_abstract(kChineseAbstract);
  p.set_claims("一种打印机，其特征在于，包括纸盒、纸张尺寸传感器和控制器。");
  p.add_ipc_codes("B41J 11/00");
  p.add_ipc_codes("B41J 29/38");
  p.add_ipc_codes("G06F 3/12");
  p.set_patent_type(v1::INVENTION);
  p.set_legal_status(v1::IN_FORCE);
  p.set_application_date("2021-10-12");
  p.set_publication_date("2022-02-25");
  p.set_grant_date("2023-06-30");
  p.set_owner_organisation_id("org-wyu");
  p.set_owner_name("五邑大学");
  p.add_inventors("张三");
  p.add_inventors("李四");
  p.add_deal_modes(v1::LICENCE_OPEN);
  p.add_deal_modes(v1::LICENCE_ORDINARY);
  p.mutable_open_licence()->set_royalty_rate_percent(3.0);
  p.mutable_open_licence()->set_period_years(3);
  p.mutable_open_licence()->set_declared_date("2024-01-15");
  p.mutable_asking_price()->set_min_yuan(100000);
  p.mutable_asking_price()->set_max_yuan(200000);
  p.set_maturity(v1::PROTOTYPE);
  p.add_industry_tags("电子信息");
  p.add_industry_tags("高端装备");
  p.set_status(v1::LISTING_ACTIVE);
  p.set_owner_kind(v1::UNIVERSITY);
  p.set_owner_district(v1::PENGJIANG);
  return p;
}

void BM_ScorePair(benchmark::State& state) {
  const v1::NeedQuery need = FullNeed();
  const v1::PatentListing listing = FullListing();
  const matcher::PairEvidence evidence{
      .text_relevance = 0.82,
      .matched_terms = {"打印机", "纸盒", "规格", "纸张"}};
  const matcher::RankingWeights weights;
  const absl::CivilDay today(2025, 6, 1);
  size_t features = 0;
  for (auto _ : state) {
    matcher::ScoredPair scored =
        matcher::ScorePair(need, listing, evidence, weights, today);
    features = scored.explanation.features_size();
    benchmark::DoNotOptimize(scored);
  }
  state.counters["features"] = static_cast<double>(features);
}
BENCHMARK(BM_ScorePair);

}  // namespace
}  // namespace patentmatch

BENCHMARK_MAIN();
