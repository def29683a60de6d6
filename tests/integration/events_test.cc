// End-to-end tests of docking events (对接活动) and point-to-point short
// lists (events.proto): the real server on 127.0.0.1:0, driven through gRPC
// only with real tokens, as administrators, commissioners in and out of the
// event's scope, and members of the organisations taking part.
//
// The city: three holders with listings on three unrelated subjects (lithium
// battery cathodes, antibacterial coatings for medical catheters, textile
// dyeing wastewater), written in vocabularies that share no words, so which
// need fits which holder is known; four companies with needs on them, and a
// fifth that takes part in no event.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tests/integration/test_clients.h"
#include "tests/integration/test_server.h"

namespace patentmatch {
namespace {

using testing::Client;
using testing::Commissioner;
using testing::CreatePatent;
using testing::Ctx;
using testing::Describe;
using testing::Identity;
using testing::Listing;
using testing::Member;
using testing::MustSubmitNeed;
using testing::NeedSpec;
using testing::RegisterOrg;
using testing::TestServer;

constexpr char kIndustry[] = "新材料";
constexpr char kOtherIndustry[] = "新能源";

// Holders.
constexpr char kH1[] = "ev-h1-univ";  // battery cathodes
constexpr char kH2[] = "ev-h2-inst";  // catheter coatings
constexpr char kH3[] = "ev-h3-env";   // dyeing wastewater
// Companies.
constexpr char kC1[] = "ev-c1-battery";
constexpr char kC2[] = "ev-c2-textile-med";
constexpr char kC3[] = "ev-c3-dyeing";
constexpr char kC4[] = "ev-c4-materials";
// A company that takes part in no event.
constexpr char kOutsider[] = "ev-x-outsider";

constexpr char kL1a[] = "CN200000001A";
constexpr char kL1b[] = "CN200000002A";
constexpr char kL1Off[] = "CN200000009A";  // tagged 机械: outside the scope
constexpr char kL2a[] = "CN200000011A";
constexpr char kL2b[] = "CN200000012A";
constexpr char kL3a[] = "CN200000021A";
constexpr char kL3b[] = "CN200000022A";

constexpr double kWishBonus = 0.25;  // services/event_planning.h kWishBonus

// Texts per subject. No character sequence is shared across subjects.
constexpr char kBatteryNeed[] =
    "我们生产动力电池，需要循环寿命长、能量密度大的锂电池正极材料。";
constexpr char kBatteryNeed2[] =
    "储能电池项目需要锂电池正极材料，要求循环寿命长。";
constexpr char kCoatingNeed[] = "需要防止导管感染的医用导管抗菌涂层技术。";
constexpr char kWastewaterNeed[] =
    "我们是纺织印染厂，需要印染废水脱色和COD处理技术。";

// ---------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------

v1::DockingEvent EventSpec(const std::string& name) {
  v1::DockingEvent e;
  e.set_name(name);
  e.set_industry(kIndustry);
  e.set_date("2025-06-18");
  e.set_start_time("13:30");
  e.set_slot_minutes(25);
  e.set_venue("江门市科技大厦三楼（样例）");
  e.set_slots(3);
  e.set_tables(2);
  e.set_max_meetings_per_company(2);
  e.set_max_meetings_per_holder(3);
  return e;
}

grpc::Status CreateEvent(Client& as, const v1::DockingEvent& e,
                         v1::DockingEvent* out) {
  v1::CreateEventRequest req;
  *req.mutable_event() = e;
  return as.events->CreateEvent(Ctx().get(), req, out);
}

v1::DockingEvent MustCreateEvent(Client& as, const v1::DockingEvent& e) {
  v1::DockingEvent out;
  grpc::Status s = CreateEvent(as, e, &out);
  EXPECT_TRUE(s.ok()) << Describe(s);
  return out;
}

grpc::Status GetEvent(Client& as, const std::string& id,
                      v1::DockingEvent* out) {
  v1::GetEventRequest req;
  req.set_event_id(id);
  return as.events->GetEvent(Ctx().get(), req, out);
}

std::vector<std::string> ListEventIds(Client& as, v1::EventState state = {}) {
  v1::ListEventsRequest req;
  req.set_state(state);
  v1::ListEventsResponse out;
  grpc::Status s = as.events->ListEvents(Ctx().get(), req, &out);
  EXPECT_TRUE(s.ok()) << Describe(s);
  std::vector<std::string> ids;
  for (const auto& e : out.events()) ids.push_back(e.id());
  return ids;
}

grpc::Status Register(Client& as, const std::string& event,
                      const std::string& org, v1::EventSide side,
                      const std::vector<std::string>& demand_ids = {},
                      const std::vector<std::string>& patent_ids = {},
                      v1::EventParticipant* out = nullptr) {
  v1::RegisterParticipantRequest req;
  auto* p = req.mutable_participant();
  p->set_event_id(event);
  p->set_organisation_id(org);
  p->set_side(side);
  for (const auto& id : demand_ids) p->add_demand_ids(id);
  for (const auto& id : patent_ids) p->add_patent_ids(id);
  v1::EventParticipant ignored;
  return as.events->RegisterParticipant(Ctx().get(), req, out ? out : &ignored);
}

v1::EventParticipant MustRegister(
    Client& as, const std::string& event, const std::string& org,
    v1::EventSide side, const std::vector<std::string>& demand_ids = {},
    const std::vector<std::string>& patent_ids = {}) {
  v1::EventParticipant out;
  grpc::Status s = Register(as, event, org, side, demand_ids, patent_ids, &out);
  EXPECT_TRUE(s.ok()) << org << ": " << Describe(s);
  return out;
}

grpc::Status Prefer(Client& as, const std::string& event,
                    const std::string& company, const std::string& holder,
                    v1::PairPreferenceKind kind,
                    v1::EventSide stated_by = v1::EVENT_SIDE_UNSPECIFIED,
                    v1::PairPreference* out = nullptr,
                    v1::SetPairPreferenceResponse* response = nullptr) {
  v1::SetPairPreferenceRequest req;
  req.set_event_id(event);
  req.set_company_organisation_id(company);
  req.set_holder_organisation_id(holder);
  req.set_stated_by(stated_by);
  req.set_preference(kind);
  v1::SetPairPreferenceResponse ignored;
  if (response == nullptr) response = &ignored;
  grpc::Status s = as.events->SetPairPreference(Ctx().get(), req, response);
  if (out != nullptr) *out = response->preference();
  return s;
}

grpc::Status Plan(Client& as, const std::string& event, v1::Agenda* out) {
  v1::PlanEventRequest req;
  req.set_event_id(event);
  return as.events->PlanEvent(Ctx().get(), req, out);
}

v1::Agenda MustPlan(Client& as, const std::string& event) {
  v1::Agenda out;
  grpc::Status s = Plan(as, event, &out);
  EXPECT_TRUE(s.ok()) << Describe(s);
  return out;
}

grpc::Status GetAgenda(Client& as, const std::string& event,
                       const std::string& org, v1::Agenda* out) {
  v1::GetAgendaRequest req;
  req.set_event_id(event);
  req.set_organisation_id(org);
  return as.events->GetAgenda(Ctx().get(), req, out);
}

v1::Agenda MustGetAgenda(Client& as, const std::string& event,
                         const std::string& org = "") {
  v1::Agenda out;
  grpc::Status s = GetAgenda(as, event, org, &out);
  EXPECT_TRUE(s.ok()) << Describe(s);
  return out;
}

grpc::Status CancelParticipation(Client& as, const std::string& event,
                                 const std::string& org,
                                 const std::string& reason,
                                 v1::ReplanResponse* out) {
  v1::CancelParticipationRequest req;
  req.set_event_id(event);
  req.set_organisation_id(org);
  req.set_reason(reason);
  return as.events->CancelParticipation(Ctx().get(), req, out);
}

grpc::Status CancelMeeting(Client& as, const std::string& event,
                           const std::string& meeting,
                           const std::string& reason, v1::ReplanResponse* out) {
  v1::CancelMeetingRequest req;
  req.set_event_id(event);
  req.set_meeting_id(meeting);
  req.set_reason(reason);
  return as.events->CancelMeeting(Ctx().get(), req, out);
}

grpc::Status RecordOutcome(Client& as, const std::string& event,
                           const std::string& meeting,
                           v1::MeetingOutcome outcome, v1::Meeting* out,
                           const std::string& note = "",
                           const v1::Deal* deal = nullptr,
                           bool correction = false) {
  v1::RecordMeetingOutcomeRequest req;
  req.set_event_id(event);
  req.set_meeting_id(meeting);
  req.set_outcome(outcome);
  req.set_note(note);
  req.set_correction(correction);
  if (deal != nullptr) *req.mutable_deal() = *deal;
  return as.events->RecordMeetingOutcome(Ctx().get(), req, out);
}

grpc::Status CloseEvent(Client& as, const std::string& event,
                        v1::DockingEvent* out) {
  v1::CloseEventRequest req;
  req.set_event_id(event);
  return as.events->CloseEvent(Ctx().get(), req, out);
}

grpc::Status GetSuggestion(Client& as, const std::string& id,
                           v1::Suggestion* out) {
  v1::GetSuggestionRequest req;
  req.set_id(id);
  return as.reviews->GetSuggestion(Ctx().get(), req, out);
}

grpc::Status Advance(Client& as, v1::AdvanceSuggestionRequest req) {
  v1::Suggestion ignored;
  return as.reviews->AdvanceSuggestion(Ctx().get(), req, &ignored);
}

// The notices `as` may watch, replayed from the start of the feed.
std::vector<v1::SuggestionNotice> Backlog(Client& as) {
  v1::WatchSuggestionsRequest req;
  req.set_backlog_only(true);
  auto ctx = Ctx();
  auto reader = as.reviews->WatchSuggestions(ctx.get(), req);
  std::vector<v1::SuggestionNotice> notices;
  v1::SuggestionNotice notice;
  while (reader->Read(&notice)) notices.push_back(notice);
  grpc::Status s = reader->Finish();
  EXPECT_TRUE(s.ok()) << Describe(s);
  return notices;
}

// ---------------------------------------------------------------------------
// What every agenda must obey
// ---------------------------------------------------------------------------

// "HH:MM" `minutes` after "HH:MM".
std::string ClockAfter(const std::string& start, int minutes) {
  const int total = std::stoi(start.substr(0, 2)) * 60 +
                    std::stoi(start.substr(3, 2)) + minutes;
  return absl::StrFormat("%02d:%02d", total / 60 % 24, total % 60);
}

using PairKey = std::pair<std::string, std::string>;  // (company, holder)
using Place = std::pair<int, int>;                    // (slot, table)

PairKey PairOf(const v1::Meeting& m) {
  return {m.company_organisation_id(), m.holder_organisation_id()};
}

std::vector<v1::Meeting> Scheduled(const v1::Agenda& agenda) {
  std::vector<v1::Meeting> out;
  for (const auto& m : agenda.meetings()) {
    if (m.status() == v1::MEETING_SCHEDULED) out.push_back(m);
  }
  return out;
}

std::map<std::string, Place> PlacesById(const v1::Agenda& agenda) {
  std::map<std::string, Place> out;
  for (const auto& m : Scheduled(agenda)) out[m.id()] = {m.slot(), m.table()};
  return out;
}

const v1::Meeting* FindPair(const v1::Agenda& agenda, const std::string& c,
                            const std::string& h) {
  for (const auto& m : agenda.meetings()) {
    if (m.status() == v1::MEETING_SCHEDULED &&
        m.company_organisation_id() == c && m.holder_organisation_id() == h) {
      return &m;
    }
  }
  return nullptr;
}

const v1::Meeting* FindMeeting(const v1::Agenda& agenda,
                               const std::string& id) {
  for (const auto& m : agenda.meetings()) {
    if (m.id() == id) return &m;
  }
  return nullptr;
}

int CountFor(const v1::Agenda& agenda, const std::string& org) {
  int n = 0;
  for (const auto& m : Scheduled(agenda)) {
    n +=
        m.company_organisation_id() == org || m.holder_organisation_id() == org;
  }
  return n;
}

// The whole event's agenda obeys every rule of the event: places in range
// and used once, nobody twice in a slot, limits per participant (cancelled
// participants meet nobody), clock times from start_time + slot_minutes, no
// refused pair, every pair at most once.
void ExpectFeasible(const v1::Agenda& agenda,
                    const std::set<PairKey>& refused = {}) {
  const v1::DockingEvent& e = agenda.event();
  // A participant that cancelled keeps only the meetings that took place.
  std::map<std::string, int> held;
  for (const auto& m : agenda.meetings()) {
    if (m.status() == v1::MEETING_SCHEDULED &&
        m.outcome() != v1::MEETING_OUTCOME_UNSPECIFIED) {
      ++held[m.company_organisation_id()];
      ++held[m.holder_organisation_id()];
    }
  }
  std::map<std::string, int> limit;
  std::map<std::string, v1::EventSide> side;
  for (const auto& p : agenda.participants()) {
    int l = p.max_meetings() > 0           ? p.max_meetings()
            : p.side() == v1::COMPANY_SIDE ? e.max_meetings_per_company()
                                           : e.max_meetings_per_holder();
    limit[p.organisation_id()] = p.cancelled() ? held[p.organisation_id()] : l;
    side[p.organisation_id()] = p.side();
  }
  std::set<Place> places;
  std::set<std::pair<std::string, int>> busy;  // (organisation, slot)
  std::set<PairKey> pairs;
  std::map<int, int> per_slot;
  std::map<std::string, int> count;
  std::set<std::string> ids;
  for (const auto& m : agenda.meetings()) {
    EXPECT_TRUE(ids.insert(m.id()).second) << "meeting id twice: " << m.id();
    EXPECT_EQ(m.event_id(), e.id());
    if (m.status() != v1::MEETING_SCHEDULED) continue;
    const std::string where = absl::StrCat(
        m.id(), " ", m.company_organisation_id(), "-",
        m.holder_organisation_id(), " slot ", m.slot(), " table ", m.table());
    EXPECT_GE(m.slot(), 1) << where;
    EXPECT_LE(m.slot(), e.slots()) << where;
    EXPECT_GE(m.table(), 1) << where;
    EXPECT_LE(m.table(), e.tables()) << where;
    EXPECT_TRUE(places.insert({m.slot(), m.table()}).second)
        << "place used twice: " << where;
    EXPECT_LE(++per_slot[m.slot()], e.tables()) << where;
    EXPECT_TRUE(busy.insert({m.company_organisation_id(), m.slot()}).second)
        << "company twice in one slot: " << where;
    EXPECT_TRUE(busy.insert({m.holder_organisation_id(), m.slot()}).second)
        << "holder twice in one slot: " << where;
    EXPECT_TRUE(pairs.insert(PairOf(m)).second) << "pair twice: " << where;
    EXPECT_EQ(refused.count(PairOf(m)), 0u) << "refused pair meets: " << where;
    EXPECT_EQ(side[m.company_organisation_id()], v1::COMPANY_SIDE) << where;
    EXPECT_EQ(side[m.holder_organisation_id()], v1::HOLDER_SIDE) << where;
    ++count[m.company_organisation_id()];
    ++count[m.holder_organisation_id()];
    EXPECT_EQ(m.start_time(),
              ClockAfter(e.start_time(), (m.slot() - 1) * e.slot_minutes()))
        << where;
    EXPECT_EQ(m.end_time(),
              ClockAfter(e.start_time(), m.slot() * e.slot_minutes()))
        << where;
    EXPECT_FALSE(m.company_name().empty()) << where;
    EXPECT_FALSE(m.holder_name().empty()) << where;
    // Topics: best first, at most three, none under half the best.
    EXPECT_LE(m.topics_size(), 3) << where;
    for (int i = 1; i < m.topics_size(); ++i) {
      EXPECT_LE(m.topics(i).score(), m.topics(i - 1).score()) << where;
      EXPECT_GE(m.topics(i).score(), 0.5 * m.topics(0).score()) << where;
    }
  }
  for (const auto& [org, n] : count) {
    ASSERT_TRUE(limit.count(org)) << org << " meets but is not registered";
    EXPECT_LE(n, limit[org]) << org;
  }
}

// The plan summary agrees with the agenda.
void ExpectSummaryMatches(const v1::Agenda& agenda) {
  const v1::PlanSummary& plan = agenda.event().plan();
  const auto scheduled = Scheduled(agenda);
  EXPECT_EQ(plan.meetings(), static_cast<int>(scheduled.size()));
  double total = 0;
  for (const auto& m : scheduled) total += m.quality();
  EXPECT_NEAR(plan.total_quality(), total, 1e-6);
  EXPECT_FALSE(plan.optimality().empty());
  EXPECT_GT(plan.planned_unix(), 0);
}

// Every meeting about a need–patent fit says why, in words and with titles.
void ExpectExplainedTopics(const v1::Meeting& m) {
  EXPECT_FALSE(m.explanation().summary().empty()) << m.id();
  ASSERT_GE(m.topics_size(), 1) << m.id();
  EXPECT_LE(m.topics_size(), 3) << m.id();
  for (int i = 0; i < m.topics_size(); ++i) {
    const auto& t = m.topics(i);
    EXPECT_FALSE(t.demand_title().empty()) << m.id() << " " << t.demand_id();
    EXPECT_FALSE(t.patent_title().empty()) << m.id() << " " << t.patent_id();
    EXPECT_GT(t.score(), 0) << m.id();
    if (i > 0) {
      EXPECT_GE(m.topics(i - 1).score(), t.score()) << m.id();
    }
  }
  // The planner maximised the best topic's score (plus wishes).
  const double wish = m.wished() ? kWishBonus : 0;
  EXPECT_NEAR(m.quality(), m.topics(0).score() + wish, 1e-9) << m.id();
}

// ---------------------------------------------------------------------------
// The city
// ---------------------------------------------------------------------------

class EventWorld : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>("events");
    server_->set_after_unlocked_event_change([this] {
      std::function<void()> once;
      {
        std::lock_guard<std::mutex> lock(during_change_mutex_);
        ++unlocked_changes_;
        once = std::move(during_change_);
        during_change_ = nullptr;
      }
      if (once) once();
    });
    server_->Start();
    admin_ = std::make_unique<Client>(server_->channel());
    RegisterOrg(*server_, kH1, "五邑大学（样例）", v1::UNIVERSITY,
                v1::PENGJIANG);
    RegisterOrg(*server_, kH2, "江门医疗器械研究院（样例）",
                v1::RESEARCH_INSTITUTE, v1::JIANGHAI);
    RegisterOrg(*server_, kH3, "鹤山环保科技有限公司（样例）",
                v1::PRIVATE_COMPANY, v1::HESHAN);
    RegisterOrg(*server_, kC1, "新会动力电池有限公司（样例）",
                v1::PRIVATE_COMPANY, v1::XINHUI);
    RegisterOrg(*server_, kC2, "开平纺织医用敷料有限公司（样例）",
                v1::PRIVATE_COMPANY, v1::KAIPING);
    RegisterOrg(*server_, kC3, "台山印染有限公司（样例）", v1::PRIVATE_COMPANY,
                v1::TAISHAN);
    RegisterOrg(*server_, kC4, "江海新材料有限公司（样例）",
                v1::PRIVATE_COMPANY, v1::JIANGHAI);
    RegisterOrg(*server_, kOutsider, "恩平储能有限公司（样例）",
                v1::PRIVATE_COMPANY, v1::ENPING);

    comm_in_ = Commissioner(*server_, "全市新材料特派员", {kIndustry}, {});
    comm_out_ = Commissioner(*server_, "新能源特派员", {kOtherIndustry}, {});
    for (const char* org : {kH1, kH2, kH3, kC1, kC2, kC3, kC4, kOutsider}) {
      members_[org] = Member(*server_, org, absl::StrCat(org, " 员工"));
    }

    auto add = [&](const char* number, const std::string& title,
                   const std::string& abstract, const char* owner,
                   const char* tag) {
      auto l = Listing(number, title, abstract, owner,
                       {v1::LICENCE_ORDINARY, v1::TRANSFER});
      l.add_industry_tags(tag);
      CreatePatent(*admin_, l);
    };
    add(kL1a, "一种高镍锂电池正极材料及其制备方法",
        "高镍三元锂电池正极材料，循环寿命长，能量密度高，用于动力电池。", kH1,
        kIndustry);
    add(kL1b, "锂电池正极材料表面包覆改性方法",
        "对锂电池正极材料进行包覆改性，提高循环稳定性和倍率性能。", kH1,
        kIndustry);
    add(kL1Off, "一种数控机床主轴锁紧装置",
        "数控机床主轴的锁紧装置，结构简单，锁紧可靠。", kH1, "机械");
    add(kL2a, "一种医用导管抗菌涂层",
        "医用导管表面的抗菌涂层，银离子缓释，防止导管相关感染。", kH2,
        kIndustry);
    add(kL2b, "导尿管抗菌涂层的制备方法",
        "在导尿管表面制备抗菌涂层，抑菌率高，生物相容性好。", kH2, kIndustry);
    add(kL3a, "纺织印染废水处理工艺",
        "印染废水脱色处理，絮凝沉淀与生化处理结合，COD去除率高。", kH3,
        kIndustry);
    add(kL3b, "一种印染废水膜分离处理装置",
        "采用膜分离处理纺织印染废水，出水可回用于印染生产。", kH3, kIndustry);

    auto need = [&](const char* org, const std::string& title,
                    const std::string& text) {
      return MustSubmitNeed(*admin_, {org,
                                      title,
                                      text,
                                      kIndustry,
                                      {v1::LICENCE_ORDINARY},
                                      "13800000000",
                                      "need@example.com"})
          .id();
    };
    n1_ = need(kC1, "动力电池用锂电池正极材料", kBatteryNeed);
    n2_coating_ = need(kC2, "医用导管抗菌涂层", kCoatingNeed);
    n2_water_ = need(kC2, "印染废水处理", kWastewaterNeed);
    n2_battery_ = need(kC2, "储能用锂电池正极材料", kBatteryNeed2);
    n3_water_ = need(kC3, "印染废水脱色", kWastewaterNeed);
    n3_battery_ = need(kC3, "锂电池正极材料", kBatteryNeed2);
    n4_ = need(kC4, "锂电池正极材料", kBatteryNeed);
    nx_ = need(kOutsider, "储能用锂电池正极材料", kBatteryNeed2);
  }

  Client& M(const char* org) { return *members_.at(org).client; }

  // After Restart(): the server listens on a new port; every client
  // reconnects with the token it had.
  void Reconnect() {
    admin_ = std::make_unique<Client>(server_->channel());
    for (Identity* id : {&comm_in_, &comm_out_}) {
      id->client = std::make_unique<Client>(server_->Channel(id->token));
    }
    for (auto& [org, id] : members_) {
      id.client = std::make_unique<Client>(server_->Channel(id.token));
    }
  }

  // The event of the planning tests, everyone registered, C4's refusal of
  // the holder it fits (H1) and its wish for one it has no fit with (H2):
  //   C1 brings its need (default): fits H1.
  //   C2 brings its three needs (default): fits H1, H2 and H3; limit 2.
  //   C3 brings only its wastewater need (explicit): fits H3 (its battery
  //      need, left at home, would fit H1).
  //   C4 brings its battery need: fits H1, refused; wishes H2.
  //   H1 brings its two listings in scope (not the 机械 one), H2 only L2a
  //   (explicit), H3 both (default).
  // Candidate pairs: C1-H1, C2-H1, C2-H2, C2-H3, C3-H3, C4-H2 (wish).
  std::string SetUpEvent(const v1::DockingEvent& spec) {
    const std::string id = MustCreateEvent(*comm_in_.client, spec).id();
    auto c1 = MustRegister(*admin_, id, kC1, v1::COMPANY_SIDE);
    EXPECT_EQ(std::vector<std::string>(c1.demand_ids().begin(),
                                       c1.demand_ids().end()),
              std::vector<std::string>{n1_});
    auto c2 = MustRegister(M(kC2), id, kC2, v1::COMPANY_SIDE);
    EXPECT_EQ(
        std::set<std::string>(c2.demand_ids().begin(), c2.demand_ids().end()),
        (std::set<std::string>{n2_coating_, n2_water_, n2_battery_}));
    MustRegister(*comm_in_.client, id, kC3, v1::COMPANY_SIDE, {n3_water_});
    MustRegister(*admin_, id, kC4, v1::COMPANY_SIDE);
    auto h1 = MustRegister(*admin_, id, kH1, v1::HOLDER_SIDE);
    EXPECT_EQ(
        std::set<std::string>(h1.patent_ids().begin(), h1.patent_ids().end()),
        (std::set<std::string>{kL1a, kL1b}))
        << "the 机械 listing is outside the event's scope";
    auto h2 = MustRegister(M(kH2), id, kH2, v1::HOLDER_SIDE, {}, {kL2a});
    EXPECT_EQ(h2.patent_ids_size(), 1);
    EXPECT_EQ(h2.organisation_name(), "江门医疗器械研究院（样例）");
    MustRegister(*admin_, id, kH3, v1::HOLDER_SIDE);

    v1::PairPreference pref;
    grpc::Status s = Prefer(M(kC4), id, kC4, kH1, v1::REFUSE_TO_MEET,
                            v1::EVENT_SIDE_UNSPECIFIED, &pref);
    EXPECT_TRUE(s.ok()) << Describe(s);
    EXPECT_EQ(pref.company_says(), v1::REFUSE_TO_MEET);
    EXPECT_EQ(pref.holder_says(), v1::PAIR_PREFERENCE_UNSPECIFIED);
    s = Prefer(M(kC4), id, kC4, kH2, v1::WANT_TO_MEET,
               v1::EVENT_SIDE_UNSPECIFIED, &pref);
    EXPECT_TRUE(s.ok()) << Describe(s);
    EXPECT_EQ(pref.company_says(), v1::WANT_TO_MEET);
    return id;
  }

  // Runs once, on the server, inside the next planning or re-planning call:
  // after it has worked out its change without the writer lock, before it
  // checks and commits under the lock.
  void DuringNextChange(std::function<void()> write) {
    std::lock_guard<std::mutex> lock(during_change_mutex_);
    during_change_ = std::move(write);
  }

  // How many times a change was worked out without the writer lock.
  int UnlockedChanges() {
    std::lock_guard<std::mutex> lock(during_change_mutex_);
    return unlocked_changes_;
  }

  std::mutex during_change_mutex_;
  std::function<void()> during_change_;
  int unlocked_changes_ = 0;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<Client> admin_;
  Identity comm_in_, comm_out_;
  std::map<std::string, Identity> members_;
  std::string n1_, n2_coating_, n2_water_, n2_battery_, n3_water_, n3_battery_,
      n4_, nx_;
};

// ---------------------------------------------------------------------------
// 1. Planning end to end
// ---------------------------------------------------------------------------

using EventPlanningTest = EventWorld;

TEST_F(EventPlanningTest, PlansTheBestFeasibleAgendaWithWishesAndRefusals) {
  const std::string id = SetUpEvent(EventSpec("新材料对接会（样例）"));

  // Who may plan.
  v1::Agenda agenda;
  grpc::Status s = Plan(M(kC1), id, &agenda);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  s = Plan(*comm_out_.client, id, &agenda);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  v1::DockingEvent e;
  ASSERT_TRUE(GetEvent(*admin_, id, &e).ok());
  EXPECT_EQ(e.state(), v1::EVENT_OPEN) << "a refused plan changes nothing";

  agenda = MustPlan(*comm_in_.client, id);
  const std::set<PairKey> refused = {{kC4, kH1}};
  ExpectFeasible(agenda, refused);
  ExpectSummaryMatches(agenda);
  EXPECT_EQ(agenda.event().state(), v1::EVENT_PLANNED);
  EXPECT_TRUE(agenda.organisation_id().empty());
  EXPECT_EQ(agenda.participants_size(), 7);

  const v1::PlanSummary& plan = agenda.event().plan();
  EXPECT_EQ(plan.version(), 1);
  EXPECT_EQ(plan.candidate_pairs(), 6) << plan.ShortDebugString();
  EXPECT_EQ(plan.wished_pairs(), 1);
  EXPECT_EQ(plan.refused_pairs(), 1);
  // Every candidate can meet except one of C2's three (its limit is 2), and
  // the six places (3 slots x 2 tables) hold them all.
  EXPECT_EQ(plan.meetings(), 5);
  EXPECT_EQ(CountFor(agenda, kC1), 1);
  EXPECT_EQ(CountFor(agenda, kC2), 2) << "C2's limit binds";
  EXPECT_EQ(CountFor(agenda, kC3), 1);
  EXPECT_EQ(CountFor(agenda, kC4), 1);

  EXPECT_EQ(FindPair(agenda, kC4, kH1), nullptr) << "refused";
  EXPECT_EQ(FindPair(agenda, kC3, kH1), nullptr)
      << "C3 left its battery need at home";
  const v1::Meeting* wished = FindPair(agenda, kC4, kH2);
  ASSERT_NE(wished, nullptr) << "the wished pair meets";
  EXPECT_TRUE(wished->wished());
  EXPECT_EQ(wished->topics_size(), 0) << "no text fit";
  EXPECT_NEAR(wished->quality(), kWishBonus, 1e-9);
  EXPECT_FALSE(wished->explanation().summary().empty());

  for (const auto& m : Scheduled(agenda)) {
    EXPECT_EQ(m.planned_in(), 1);
    EXPECT_EQ(m.outcome(), v1::MEETING_OUTCOME_UNSPECIFIED);
    if (m.id() == wished->id()) continue;
    EXPECT_FALSE(m.wished()) << m.id();
    ExpectExplainedTopics(m);
    for (const auto& t : m.topics()) {
      // Topics use only what each side brought.
      EXPECT_NE(t.patent_id(), kL1Off);
      EXPECT_NE(t.patent_id(), kL2b) << "H2 brought only " << kL2a;
      EXPECT_NE(t.demand_id(), n3_battery_);
    }
  }
  // Each meeting is about its subject: the company's need on the holder's
  // subject, with the listing that fits it best.
  const v1::Meeting* c1h1 = FindPair(agenda, kC1, kH1);
  ASSERT_NE(c1h1, nullptr);
  EXPECT_EQ(c1h1->topics(0).demand_id(), n1_);
  EXPECT_EQ(c1h1->topics(0).patent_id(), kL1a);
  EXPECT_EQ(c1h1->topics_size(), 2);
  EXPECT_EQ(c1h1->company_name(), "新会动力电池有限公司（样例）");
  EXPECT_EQ(c1h1->holder_name(), "五邑大学（样例）");
  const v1::Meeting* c3h3 = FindPair(agenda, kC3, kH3);
  ASSERT_NE(c3h3, nullptr);
  EXPECT_EQ(c3h3->topics(0).demand_id(), n3_water_);
  EXPECT_EQ(c3h3->topics(0).patent_id(), kL3a);
  for (const auto& m : Scheduled(agenda)) {
    if (m.company_organisation_id() != kC2) continue;
    const std::string expected_need =
        m.holder_organisation_id() == kH1   ? n2_battery_
        : m.holder_organisation_id() == kH2 ? n2_coating_
                                            : n2_water_;
    for (const auto& t : m.topics()) EXPECT_EQ(t.demand_id(), expected_need);
  }

  // The stored event carries the same summary.
  ASSERT_TRUE(GetEvent(*admin_, id, &e).ok());
  EXPECT_EQ(e.state(), v1::EVENT_PLANNED);
  EXPECT_EQ(e.plan().version(), 1);
  EXPECT_EQ(e.plan().meetings(), 5);

  // The administrator may plan afresh: the same input gives the same plan.
  v1::Agenda again = MustPlan(*admin_, id);
  EXPECT_EQ(again.event().plan().version(), 2);
  std::map<PairKey, Place> first, second;
  for (const auto& m : Scheduled(agenda))
    first[PairOf(m)] = {m.slot(), m.table()};
  for (const auto& m : Scheduled(again))
    second[PairOf(m)] = {m.slot(), m.table()};
  EXPECT_EQ(first, second);
  ExpectFeasible(again, refused);
  ExpectSummaryMatches(again);
  // New meetings, new ids: a printed v1 agenda's id never names a v2
  // meeting, and the v1 ids are gone.
  int highest_first = 0;
  for (const auto& m : agenda.meetings()) {
    highest_first = std::max(highest_first, std::stoi(m.id().substr(1)));
  }
  for (const auto& m : again.meetings()) {
    EXPECT_GT(std::stoi(m.id().substr(1)), highest_first) << m.id();
  }
  EXPECT_EQ(again.event().last_meeting_number(), 2 * highest_first);
  v1::Meeting gone;
  s = RecordOutcome(*admin_, id, agenda.meetings(0).id(), v1::MEETING_FOLLOW_UP,
                    &gone);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
}

TEST_F(EventPlanningTest, CapacityBindsAndTheBestMeetingsAreKept) {
  // One table, two slots: two places for six candidate pairs. The wished
  // pair (quality 0.25, no fit) is the weakest and must give way.
  v1::DockingEvent spec = EventSpec("小型对接会（样例）");
  spec.set_slots(2);
  spec.set_tables(1);
  spec.set_max_meetings_per_company(2);
  spec.set_max_meetings_per_holder(2);
  const std::string id = SetUpEvent(spec);
  v1::Agenda agenda = MustPlan(*admin_, id);
  ExpectFeasible(agenda, {{kC4, kH1}});
  ExpectSummaryMatches(agenda);
  EXPECT_EQ(agenda.event().plan().meetings(), 2);
  EXPECT_EQ(FindPair(agenda, kC4, kH2), nullptr);
  for (const auto& m : Scheduled(agenda)) {
    EXPECT_GT(m.quality(), 0.9) << m.ShortDebugString();
  }
}

// A need with nothing in the event that addresses it gets no meeting: its
// best match among the event's listings (one that shares the word 电池 and
// nothing else) is weighed against the best match in the whole index (H1's
// cathode patents, not at this event), not against the event's own best.
TEST_F(EventPlanningTest, ANeedWithNoFitAtTheEventGetsNoMeeting) {
  constexpr char kWeak[] = "CN200000023A";
  auto weak = Listing(kWeak, "印染废水处理设备的电池供电装置",
                      "印染废水处理设备由电池供电，便于野外排污口使用。", kH3,
                      {v1::LICENCE_ORDINARY, v1::TRANSFER});
  weak.add_industry_tags(kIndustry);
  CreatePatent(*admin_, weak);
  const std::string id =
      MustCreateEvent(*comm_in_.client, EventSpec("印染专场（样例）")).id();
  MustRegister(*admin_, id, kC1, v1::COMPANY_SIDE);  // battery need only
  MustRegister(*admin_, id, kC3, v1::COMPANY_SIDE, {n3_water_});
  MustRegister(*admin_, id, kH3, v1::HOLDER_SIDE, {}, {kL3a, kWeak});
  const v1::Agenda agenda = MustPlan(*admin_, id);
  EXPECT_EQ(FindPair(agenda, kC1, kH3), nullptr)
      << "a shared word is no reason to meet: " << agenda.ShortDebugString();
  const v1::Meeting* water = FindPair(agenda, kC3, kH3);
  ASSERT_NE(water, nullptr);
  EXPECT_EQ(water->topics(0).patent_id(), kL3a);
  EXPECT_EQ(agenda.event().plan().meetings(), 1);

  // The whole index's best for the battery need is not at the event; had
  // it been, the pair would meet.
  const std::string with_h1 =
      MustCreateEvent(*comm_in_.client, EventSpec("电池专场（样例）")).id();
  MustRegister(*admin_, with_h1, kC1, v1::COMPANY_SIDE);
  MustRegister(*admin_, with_h1, kH1, v1::HOLDER_SIDE);
  MustRegister(*admin_, with_h1, kH3, v1::HOLDER_SIDE, {}, {kWeak});
  const v1::Agenda both = MustPlan(*admin_, with_h1);
  EXPECT_NE(FindPair(both, kC1, kH1), nullptr);
  EXPECT_EQ(FindPair(both, kC1, kH3), nullptr);
}

// Planning ranks every pair without holding the store's writer lock, so
// other writes go on meanwhile (the writes below are made from inside the
// planning call: were the lock held, they would wait for ever). What they
// change is not lost: the plan is worked out again on the new state.
TEST_F(EventPlanningTest, WritesDuringPlanningGoOnAndArePlannedWith) {
  const std::string id = SetUpEvent(EventSpec("并发对接会（样例）"));
  bool wrote = false;
  DuringNextChange([&] {
    v1::CloseDemandRequest close;
    close.set_id(n1_);  // C1's only need: C1 has nothing left to meet
    v1::Demand closed;
    grpc::Status s =
        admin_->demands->CloseDemand(Ctx(10).get(), close, &closed);
    EXPECT_TRUE(s.ok()) << Describe(s);
    s = Prefer(*admin_, id, kC3, kH3, v1::REFUSE_TO_MEET, v1::HOLDER_SIDE);
    EXPECT_TRUE(s.ok()) << Describe(s);
    wrote = true;
  });
  const v1::Agenda agenda = MustPlan(*admin_, id);
  ASSERT_TRUE(wrote);
  ExpectFeasible(agenda, {{kC4, kH1}, {kC3, kH3}});
  EXPECT_EQ(FindPair(agenda, kC1, kH1), nullptr)
      << "C1's need was closed while planning ran";
  EXPECT_EQ(FindPair(agenda, kC3, kH3), nullptr)
      << "H3 refused C3 while planning ran";
  EXPECT_GE(agenda.event().plan().meetings(), 2);
  EXPECT_EQ(agenda.event().plan().refused_pairs(), 2);

  // A listing changed and changed back while planning ran: its state is
  // the same, but the plan may have read it in between, so it is worked out
  // again (the change feed shows both writes).
  v1::PatentListing l2a;
  {
    v1::GetPatentRequest get;
    get.set_id(kL2a);
    ASSERT_TRUE(admin_->patents->GetPatent(Ctx().get(), get, &l2a).ok());
  }
  const int runs_before = UnlockedChanges();
  DuringNextChange([&] {
    for (const char* title : {"一种医用导管抗菌涂层（修订）", ""}) {
      v1::UpdatePatentRequest update;
      *update.mutable_listing() = l2a;
      if (*title) update.mutable_listing()->set_title(title);
      v1::PatentListing out;
      grpc::Status s =
          admin_->patents->UpdatePatent(Ctx(10).get(), update, &out);
      EXPECT_TRUE(s.ok()) << Describe(s);
    }
  });
  const v1::Agenda again = MustPlan(*admin_, id);
  EXPECT_EQ(UnlockedChanges() - runs_before, 2)
      << "the plan that may have read the changed listing was not committed";
  EXPECT_EQ(again.event().plan().meetings(), agenda.event().plan().meetings());

  // Re-planning after a cancellation, with a refusal (itself a re-plan)
  // written meanwhile: both re-plans count, one after the other.
  PairKey refused_late;
  for (const auto& m : Scheduled(again)) {
    if (m.holder_organisation_id() != kH2) {
      refused_late = {m.company_organisation_id(), m.holder_organisation_id()};
    }
  }
  ASSERT_FALSE(refused_late.first.empty()) << again.ShortDebugString();
  wrote = false;
  DuringNextChange([&] {
    v1::SetPairPreferenceResponse replanned;
    grpc::Status s =
        Prefer(*admin_, id, refused_late.first, refused_late.second,
               v1::REFUSE_TO_MEET, v1::COMPANY_SIDE, nullptr, &replanned);
    EXPECT_TRUE(s.ok()) << Describe(s);
    EXPECT_EQ(replanned.replan().cancelled_meeting_ids_size(), 1);
    wrote = true;
  });
  v1::ReplanResponse cancelled;
  grpc::Status s = CancelParticipation(*admin_, id, kH2, "", &cancelled);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_TRUE(wrote);
  const v1::Agenda after = MustGetAgenda(*admin_, id);
  ExpectFeasible(after, {{kC4, kH1}, {kC3, kH3}, refused_late});
  EXPECT_EQ(FindPair(after, refused_late.first, refused_late.second), nullptr);
  for (const auto& m : Scheduled(after)) {
    EXPECT_NE(m.holder_organisation_id(), kH2) << m.id();
  }
  EXPECT_EQ(after.event().plan().version(), again.event().plan().version() + 2)
      << "the refusal's re-plan and then the cancellation's";
  std::set<std::string> ids;
  for (const auto& m : after.meetings()) {
    EXPECT_TRUE(ids.insert(m.id()).second) << "meeting id reused: " << m.id();
  }
}

// Plans keep each need's ranking for the next plan of the event, but only
// while nothing ranking reads has changed: a listing rewritten since is
// ranked again.
TEST_F(EventPlanningTest, AListingChangedSinceTheLastPlanIsRankedAgain) {
  const std::string id = SetUpEvent(EventSpec("再规划对接会（样例）"));
  const v1::Agenda first = MustPlan(*admin_, id);
  ASSERT_NE(FindPair(first, kC1, kH1), nullptr);
  const v1::Agenda same = MustPlan(*admin_, id);
  EXPECT_NEAR(same.event().plan().total_quality(),
              first.event().plan().total_quality(), 1e-9);
  EXPECT_EQ(same.event().plan().meetings(), first.event().plan().meetings());

  // H1's two cathode listings become machine-tool patents: C1's battery
  // need has nothing left at the event.
  for (const char* number : {kL1a, kL1b}) {
    v1::GetPatentRequest get;
    get.set_id(number);
    v1::UpdatePatentRequest update;
    ASSERT_TRUE(
        admin_->patents->GetPatent(Ctx().get(), get, update.mutable_listing())
            .ok());
    update.mutable_listing()->set_title("一种数控机床主轴锁紧装置");
    update.mutable_listing()->set_abstract(
        "数控机床主轴的锁紧装置，结构简单，锁紧可靠。");
    v1::PatentListing out;
    grpc::Status s = admin_->patents->UpdatePatent(Ctx().get(), update, &out);
    ASSERT_TRUE(s.ok()) << Describe(s);
  }
  const v1::Agenda after = MustPlan(*admin_, id);
  ExpectFeasible(after, {{kC4, kH1}});
  EXPECT_EQ(FindPair(after, kC1, kH1), nullptr)
      << "planned on the listings' old text";
}

// ---------------------------------------------------------------------------
// 2. Agendas and roles
// ---------------------------------------------------------------------------

using EventRolesTest = EventWorld;

TEST_F(EventRolesTest, StaffSeeEverythingMembersTheirOwn) {
  const std::string id = SetUpEvent(EventSpec("新材料对接会（样例）"));
  const v1::Agenda planned = MustPlan(*admin_, id);
  const std::string open_id =
      MustCreateEvent(*admin_, EventSpec("下月对接会（样例）")).id();

  // Staff in scope: the whole agenda.
  for (Client* staff : {admin_.get(), comm_in_.client.get()}) {
    v1::Agenda whole = MustGetAgenda(*staff, id);
    EXPECT_EQ(whole.meetings_size(), planned.meetings_size());
    EXPECT_EQ(whole.participants_size(), 7);
    EXPECT_TRUE(whole.organisation_id().empty());
    v1::Agenda one = MustGetAgenda(*staff, id, kC2);
    EXPECT_EQ(one.organisation_id(), kC2);
    EXPECT_EQ(one.meetings_size(), 2);
  }
  // Staff out of scope do not see the event at all.
  v1::Agenda agenda;
  grpc::Status s = GetAgenda(*comm_out_.client, id, "", &agenda);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);

  // A member: its own meetings only, whatever it asks for.
  v1::Agenda own = MustGetAgenda(M(kC2), id);
  EXPECT_EQ(own.organisation_id(), kC2);
  EXPECT_EQ(own.meetings_size(), 2);
  for (const auto& m : own.meetings()) {
    EXPECT_EQ(m.company_organisation_id(), kC2);
  }
  ASSERT_EQ(own.participants_size(), 1);
  EXPECT_EQ(own.participants(0).organisation_id(), kC2);
  // The plan's totals are staff's: they include other pairs' qualities,
  // and the refusal count would tell H1 that a company refused it.
  EXPECT_GT(planned.event().plan().candidate_pairs(), 0);
  EXPECT_EQ(planned.event().plan().refused_pairs(), 1);
  {
    v1::DockingEvent seen;
    ASSERT_TRUE(GetEvent(M(kH1), id, &seen).ok());
    for (const v1::PlanSummary& plan : {own.event().plan(), seen.plan()}) {
      EXPECT_EQ(plan.meetings(), planned.event().plan().meetings());
      EXPECT_EQ(plan.total_quality(), 0);
      EXPECT_EQ(plan.candidate_pairs(), 0);
      EXPECT_EQ(plan.wished_pairs(), 0);
      EXPECT_EQ(plan.refused_pairs(), 0);
    }
  }
  own = MustGetAgenda(M(kH3), id, kH3);
  EXPECT_EQ(own.meetings_size(), CountFor(planned, kH3));
  for (const auto& m : own.meetings()) {
    EXPECT_EQ(m.holder_organisation_id(), kH3);
  }
  s = GetAgenda(M(kC2), id, kC1, &agenda);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  // An organisation not taking part: the planned event is hidden, the open
  // one is visible.
  Client& outsider = M(kOutsider);
  v1::DockingEvent e;
  s = GetEvent(outsider, id, &e);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  s = GetAgenda(outsider, id, "", &agenda);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  EXPECT_EQ(ListEventIds(outsider), std::vector<std::string>{open_id});
  EXPECT_TRUE(GetEvent(outsider, open_id, &e).ok());
  EXPECT_EQ(ListEventIds(M(kC2)), (std::vector<std::string>{id, open_id}));
  EXPECT_EQ(ListEventIds(M(kC2), v1::EVENT_PLANNED),
            std::vector<std::string>{id});
  EXPECT_EQ(ListEventIds(*comm_out_.client).size(), 0u);
  // Registering for the hidden event does not reveal it either.
  s = Register(outsider, id, kOutsider, v1::COMPANY_SIDE);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);

  // Members register their own organisation, not another.
  v1::EventParticipant part;
  s = Register(outsider, open_id, kOutsider, v1::COMPANY_SIDE, {}, {}, &part);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(part.registered_by(), members_.at(kOutsider).account.id());
  EXPECT_EQ(part.demand_ids_size(), 1);
  s = Register(outsider, open_id, kC1, v1::COMPANY_SIDE);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  MustRegister(M(kH1), open_id, kH1, v1::HOLDER_SIDE);
  MustRegister(M(kH2), open_id, kH2, v1::HOLDER_SIDE);

  // Members state wishes only for their own side.
  v1::PairPreference pref;
  s = Prefer(outsider, open_id, kOutsider, kH1, v1::WANT_TO_MEET,
             v1::HOLDER_SIDE);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << "a company speaking for the holder: " << Describe(s);
  s = Prefer(M(kH2), open_id, kOutsider, kH1, v1::REFUSE_TO_MEET);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << "a third party: " << Describe(s);
  s = Prefer(M(kH1), open_id, kOutsider, kH1, v1::WANT_TO_MEET,
             v1::EVENT_SIDE_UNSPECIFIED, &pref);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(pref.holder_says(), v1::WANT_TO_MEET);
  EXPECT_EQ(pref.company_says(), v1::PAIR_PREFERENCE_UNSPECIFIED);
  s = Prefer(outsider, open_id, kOutsider, kH1, v1::REFUSE_TO_MEET,
             v1::EVENT_SIDE_UNSPECIFIED, &pref);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(pref.company_says(), v1::REFUSE_TO_MEET);
  EXPECT_EQ(pref.holder_says(), v1::WANT_TO_MEET) << "the other side's kept";
  // Staff say which side speaks.
  s = Prefer(*admin_, open_id, kOutsider, kH2, v1::WANT_TO_MEET);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  // Not registered on that side.
  s = Prefer(*admin_, open_id, kH1, kOutsider, v1::WANT_TO_MEET,
             v1::COMPANY_SIDE);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);

  // The refusal wins over the holder's wish: the only fitting pair does not
  // meet, so the outsider meets H2 only if a wish makes it (none here).
  v1::Agenda open_plan = MustPlan(*comm_in_.client, open_id);
  ExpectFeasible(open_plan, {{kOutsider, kH1}});
  EXPECT_EQ(open_plan.event().plan().refused_pairs(), 1);
  EXPECT_EQ(open_plan.event().plan().meetings(), 0);
}

// A commissioner scoped by district only covers events of every industry,
// but brings to them only the needs of its own districts: the city-wide
// event is not a way into another district's companies.
TEST_F(EventRolesTest, ADistrictCommissionerBringsOnlyItsDistrictsNeeds) {
  Identity xinhui = Commissioner(*server_, "新会特派员", {}, {v1::XINHUI});
  const std::string id =
      MustCreateEvent(*xinhui.client, EventSpec("新会对接会（样例）")).id();
  v1::EventParticipant part;
  grpc::Status s =
      Register(*xinhui.client, id, kC1, v1::COMPANY_SIDE, {}, {}, &part);
  ASSERT_TRUE(s.ok()) << "C1 is in Xinhui: " << Describe(s);
  EXPECT_EQ(std::vector<std::string>(part.demand_ids().begin(),
                                     part.demand_ids().end()),
            std::vector<std::string>{n1_});
  // C2 is in Kaiping: nothing of it to bring, by default or by name.
  s = Register(*xinhui.client, id, kC2, v1::COMPANY_SIDE);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "scope")) << Describe(s);
  s = Register(*xinhui.client, id, kC2, v1::COMPANY_SIDE, {n2_coating_});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_TRUE(absl::StartsWith(s.error_message(), "participant.demand_ids[0]"))
      << s.error_message();
  // Holders serve the whole city; the company itself, or an administrator,
  // may still bring C2's needs.
  MustRegister(*xinhui.client, id, kH1, v1::HOLDER_SIDE);
  MustRegister(M(kC2), id, kC2, v1::COMPANY_SIDE);
  const v1::Agenda agenda = MustGetAgenda(*xinhui.client, id);
  EXPECT_EQ(agenda.participants_size(), 3);
}

TEST_F(EventRolesTest, CompaniesDoNotLearnAskingPricesFromTheirAgenda) {
  // A listing asking 888123元 for a need with a budget of 500000元: 78% over.
  // The company sees only "over budget"; the holder and staff the figures.
  auto priced = Listing("CN200000031A", "一种锂电池正极材料及其制备方法",
                        "锂电池正极材料，循环寿命长，能量密度高。", kH1,
                        {v1::LICENCE_ORDINARY});
  priced.add_industry_tags(kIndustry);
  priced.mutable_asking_price()->set_min_yuan(888123);
  CreatePatent(*admin_, priced);
  NeedSpec spec{kC1,
                "锂电池正极材料（限预算）",
                kBatteryNeed,
                kIndustry,
                {v1::LICENCE_ORDINARY},
                "",
                "",
                500000};
  const std::string need = MustSubmitNeed(*admin_, spec).id();
  const std::string id = MustCreateEvent(*admin_, EventSpec("定价")).id();
  MustRegister(*admin_, id, kC1, v1::COMPANY_SIDE, {need});
  MustRegister(*admin_, id, kH1, v1::HOLDER_SIDE, {}, {"CN200000031A"});
  MustPlan(*admin_, id);

  auto budget_of = [](const v1::Explanation& e) {
    for (const auto& f : e.features()) {
      if (f.feature() == "budget") return f;
    }
    return v1::FeatureContribution();
  };
  auto contributions = [](const v1::Explanation& e) {
    double sum = 0;
    for (const auto& f : e.features()) sum += f.contribution();
    return sum;
  };
  const v1::Agenda staff = MustGetAgenda(*admin_, id);
  ASSERT_EQ(staff.meetings_size(), 1);
  const v1::Meeting& full = staff.meetings(0);
  ASSERT_GE(full.topics_size(), 1);
  EXPECT_EQ(full.topics(0).patent_id(), "CN200000031A");
  EXPECT_LT(budget_of(full.explanation()).value(), -0.5);
  EXPECT_GT(budget_of(full.explanation()).value(), -1.0)
      << "the corpus no longer sets up the test";
  EXPECT_TRUE(absl::StrContains(full.explanation().DebugString(), "888123"));
  const v1::Agenda holder = MustGetAgenda(M(kH1), id);
  ASSERT_EQ(holder.meetings_size(), 1);
  EXPECT_EQ(holder.meetings(0).SerializeAsString(), full.SerializeAsString());

  const v1::Agenda company = MustGetAgenda(M(kC1), id);
  ASSERT_EQ(company.meetings_size(), 1);
  const v1::Meeting& seen = company.meetings(0);
  EXPECT_FALSE(absl::StrContains(seen.DebugString(), "888123"))
      << seen.DebugString();
  EXPECT_EQ(budget_of(seen.explanation()).value(), -1.0);
  // Nothing numeric gives the share over budget back either.
  EXPECT_NEAR(seen.quality(), contributions(seen.explanation()), 1e-9);
  EXPECT_NEAR(seen.topics(0).score(), seen.quality(), 1e-9);
  EXPECT_NE(seen.quality(), full.quality());
}

// ---------------------------------------------------------------------------
// 3. Late cancellations
// ---------------------------------------------------------------------------

using EventCancellationTest = EventWorld;

TEST_F(EventCancellationTest, ReplanKeepsSurvivingMeetingsInPlace) {
  // One table, three slots: the plan fills all three places, so a
  // cancellation frees exactly the places of the cancelled meetings, and a
  // company with no meeting yet can always be added there.
  v1::DockingEvent spec = EventSpec("三场对接会（样例）");
  spec.set_tables(1);
  const std::string id = SetUpEvent(spec);
  const std::set<PairKey> refused = {{kC4, kH1}};
  const v1::Agenda before = MustPlan(*admin_, id);
  ExpectFeasible(before, refused);
  ASSERT_EQ(before.event().plan().meetings(), 3);

  // The company to cancel: one with exactly one meeting.
  std::string gone;
  std::string gone_meeting;
  for (const auto& m : Scheduled(before)) {
    if (CountFor(before, m.company_organisation_id()) == 1) {
      gone = m.company_organisation_id();
      gone_meeting = m.id();
      break;
    }
  }
  ASSERT_FALSE(gone.empty());
  const Place freed = {FindMeeting(before, gone_meeting)->slot(),
                       FindMeeting(before, gone_meeting)->table()};

  // A member may not cancel another organisation's participation.
  const char* other = gone == kC1 ? kC2 : kC1;
  v1::ReplanResponse replan;
  grpc::Status s = CancelParticipation(M(other), id, gone, "", &replan);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);

  s = CancelParticipation(M(gone.c_str()), id, gone, "设备调试，无法到场",
                          &replan);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(std::vector<std::string>(replan.cancelled_meeting_ids().begin(),
                                     replan.cancelled_meeting_ids().end()),
            std::vector<std::string>{gone_meeting});
  // A member's answer is its own agenda.
  EXPECT_EQ(replan.agenda().organisation_id(), gone);
  for (const auto& m : replan.agenda().meetings()) {
    EXPECT_EQ(m.company_organisation_id(), gone);
  }

  const v1::Agenda after = MustGetAgenda(*admin_, id);
  ExpectFeasible(after, refused);
  ExpectSummaryMatches(after);
  const v1::Meeting* cancelled = FindMeeting(after, gone_meeting);
  ASSERT_NE(cancelled, nullptr);
  EXPECT_EQ(cancelled->status(), v1::MEETING_CANCELLED);
  EXPECT_TRUE(absl::StrContains(cancelled->outcome_note(), "设备调试"))
      << cancelled->outcome_note();
  EXPECT_EQ(CountFor(after, gone), 0);
  bool gone_cancelled = false;
  for (const auto& p : after.participants()) {
    if (p.organisation_id() == gone) gone_cancelled = p.cancelled();
  }
  EXPECT_TRUE(gone_cancelled);

  // Every other meeting stays exactly where it was.
  std::map<std::string, Place> kept_before = PlacesById(before);
  kept_before.erase(gone_meeting);
  const std::map<std::string, Place> places_after = PlacesById(after);
  for (const auto& [mid, place] : kept_before) {
    ASSERT_TRUE(places_after.count(mid)) << mid << " disappeared";
    EXPECT_EQ(places_after.at(mid), place) << mid << " moved";
  }
  // Added meetings take only the freed place (all others were full).
  std::set<std::string> added(replan.added_meeting_ids().begin(),
                              replan.added_meeting_ids().end());
  EXPECT_EQ(added.size(), 1u) << "a company without a meeting fits there";
  for (const auto& [mid, place] : places_after) {
    if (kept_before.count(mid)) continue;
    EXPECT_TRUE(added.count(mid)) << mid << " appeared but is not 'added'";
    EXPECT_EQ(place, freed) << mid;
    const v1::Meeting* m = FindMeeting(after, mid);
    EXPECT_EQ(m->planned_in(), 2);
    EXPECT_NE(m->company_organisation_id(), gone);
    EXPECT_GT(m->quality(), 0);
  }
  const v1::PlanSummary& plan = after.event().plan();
  EXPECT_EQ(plan.version(), 2);
  EXPECT_EQ(plan.kept(), static_cast<int>(kept_before.size()));
  EXPECT_EQ(plan.added(), static_cast<int>(added.size()));
  EXPECT_EQ(plan.cancelled(), 1);
  EXPECT_EQ(plan.meetings(), plan.kept() + plan.added());

  // A member of one side cancels a meeting: it is cancelled and that pair
  // is not planned again.
  const v1::Meeting target = Scheduled(after).front();
  const PairKey pair = PairOf(target);
  s = CancelMeeting(M(kOutsider), id, target.id(), "", &replan);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND)
      << "not its meeting: " << Describe(s);
  s = CancelMeeting(M(pair.second.c_str()), id, target.id(), "另有安排",
                    &replan);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(std::vector<std::string>(replan.cancelled_meeting_ids().begin(),
                                     replan.cancelled_meeting_ids().end()),
            std::vector<std::string>{target.id()});
  const v1::Agenda last = MustGetAgenda(*admin_, id);
  ExpectFeasible(last, refused);
  ExpectSummaryMatches(last);
  EXPECT_EQ(FindMeeting(last, target.id())->status(), v1::MEETING_CANCELLED);
  EXPECT_EQ(FindPair(last, pair.first, pair.second), nullptr)
      << "a cancelled pair is not planned again";
  const std::map<std::string, Place> places_last = PlacesById(last);
  for (const auto& [mid, place] : places_after) {
    if (mid == target.id()) continue;
    ASSERT_TRUE(places_last.count(mid)) << mid << " disappeared";
    EXPECT_EQ(places_last.at(mid), place) << mid << " moved";
  }
  EXPECT_EQ(last.event().plan().version(), 3);
  EXPECT_EQ(last.event().plan().cancelled(), 1);
  EXPECT_EQ(last.event().plan().meetings(),
            last.event().plan().kept() + last.event().plan().added());
  s = CancelMeeting(*admin_, id, target.id(), "", &replan);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << "already cancelled: " << Describe(s);
  s = CancelParticipation(*admin_, id, gone, "", &replan);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << "already cancelled: " << Describe(s);

  // Planning afresh keeps the cancellations: the cancelled meetings stay on
  // record, their pairs are not planned again, new ids follow the old ones.
  const v1::Agenda fresh = MustPlan(*admin_, id);
  ExpectFeasible(fresh, refused);
  EXPECT_EQ(FindPair(fresh, pair.first, pair.second), nullptr);
  ASSERT_NE(FindMeeting(fresh, target.id()), nullptr);
  EXPECT_EQ(FindMeeting(fresh, target.id())->status(), v1::MEETING_CANCELLED);
  int highest_before = 0, lowest_new = 1 << 30;
  for (const auto& m : last.meetings()) {
    highest_before = std::max(highest_before, std::stoi(m.id().substr(1)));
  }
  for (const auto& m : Scheduled(fresh)) {
    EXPECT_NE(m.company_organisation_id(), gone);
    lowest_new = std::min(lowest_new, std::stoi(m.id().substr(1)));
  }
  EXPECT_GT(lowest_new, highest_before);
}

// What may change once an event is planned, and what a change never does:
// a registration cannot drop a limit under the meetings already scheduled,
// a cancelled participant cannot come back into the plan, a refusal cancels
// the refused pair's meeting at once, and a meeting that took place (it has
// an outcome) is never cancelled. After all of it, cancellations still
// re-plan.
TEST_F(EventCancellationTest, ChangesAfterPlanningKeepThePlanWhole) {
  const std::string id = SetUpEvent(EventSpec("新材料对接会（样例）"));
  std::set<PairKey> refused = {{kC4, kH1}};
  const v1::Agenda before = MustPlan(*admin_, id);
  ASSERT_EQ(CountFor(before, kC2), 2) << "C2 fills its limit of 2";

  // C2 asks for fewer meetings than it has: refused by field, nothing
  // stored; the same registration with room for them is fine.
  v1::RegisterParticipantRequest req;
  v1::EventParticipant* part = req.mutable_participant();
  part->set_event_id(id);
  part->set_organisation_id(kC2);
  part->set_side(v1::COMPANY_SIDE);
  part->set_max_meetings(1);
  v1::EventParticipant registered;
  grpc::Status s =
      M(kC2).events->RegisterParticipant(Ctx().get(), req, &registered);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  EXPECT_TRUE(absl::StartsWith(s.error_message(), "participant.max_meetings"))
      << s.error_message();
  part->set_max_meetings(2);
  s = M(kC2).events->RegisterParticipant(Ctx().get(), req, &registered);
  EXPECT_TRUE(s.ok()) << Describe(s);

  // C1 refuses H1 after the plan: their meeting is cancelled at once and
  // the event re-planned around it; nothing else moves.
  const v1::Meeting c1h1 = *FindPair(before, kC1, kH1);
  v1::SetPairPreferenceResponse refusal;
  s = Prefer(M(kC1), id, kC1, kH1, v1::REFUSE_TO_MEET,
             v1::EVENT_SIDE_UNSPECIFIED, nullptr, &refusal);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(refusal.preference().company_says(), v1::REFUSE_TO_MEET);
  ASSERT_TRUE(refusal.has_replan());
  EXPECT_EQ(
      std::vector<std::string>(refusal.replan().cancelled_meeting_ids().begin(),
                               refusal.replan().cancelled_meeting_ids().end()),
      std::vector<std::string>{c1h1.id()});
  EXPECT_EQ(refusal.replan().agenda().organisation_id(), kC1)
      << "a member's answer is its own agenda";
  refused.insert({kC1, kH1});
  const v1::Agenda after_refusal = MustGetAgenda(*admin_, id);
  ExpectFeasible(after_refusal, refused);
  ExpectSummaryMatches(after_refusal);
  EXPECT_EQ(FindMeeting(after_refusal, c1h1.id())->status(),
            v1::MEETING_CANCELLED);
  EXPECT_TRUE(absl::StrContains(
      FindMeeting(after_refusal, c1h1.id())->outcome_note(), "refused"));
  for (const auto& [mid, place] : PlacesById(before)) {
    if (mid == c1h1.id()) continue;
    EXPECT_EQ(PlacesById(after_refusal).at(mid), place) << mid << " moved";
  }
  // A wish on a planned event changes nothing until the next plan.
  v1::SetPairPreferenceResponse wish;
  s = Prefer(M(kC3), id, kC3, kH2, v1::WANT_TO_MEET, v1::EVENT_SIDE_UNSPECIFIED,
             nullptr, &wish);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_FALSE(wish.has_replan());

  // C3 and H3 met and are negotiating; then C3 cancels the rest of its
  // day. The meeting that took place stays, with its outcome and note.
  const v1::Meeting c3h3 = *FindPair(after_refusal, kC3, kH3);
  v1::Meeting recorded;
  s = RecordOutcome(*admin_, id, c3h3.id(), v1::MEETING_NEGOTIATING, &recorded,
                    "双方约定下周谈许可费");
  ASSERT_TRUE(s.ok()) << Describe(s);
  v1::ReplanResponse replan;
  s = CancelMeeting(M(kC3), id, c3h3.id(), "", &replan);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << "it took place: " << Describe(s);
  s = CancelParticipation(M(kC3), id, kC3, "下午有事", &replan);
  ASSERT_TRUE(s.ok()) << Describe(s);
  for (const auto& mid : replan.cancelled_meeting_ids()) {
    EXPECT_NE(mid, c3h3.id());
  }
  const v1::Agenda after_cancel = MustGetAgenda(*admin_, id);
  ExpectFeasible(after_cancel, refused);
  const v1::Meeting* kept = FindMeeting(after_cancel, c3h3.id());
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->status(), v1::MEETING_SCHEDULED);
  EXPECT_EQ(kept->outcome(), v1::MEETING_NEGOTIATING);
  EXPECT_EQ(kept->outcome_note(), "双方约定下周谈许可费");
  EXPECT_EQ(CountFor(after_cancel, kC3), 1) << "no new meeting for C3";
  // C3 cannot register its way back into the plan.
  s = Register(M(kC3), id, kC3, v1::COMPANY_SIDE, {n3_water_});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);

  // And a further cancellation still re-plans around all of it.
  s = CancelParticipation(*admin_, id, kC2, "", &replan);
  ASSERT_TRUE(s.ok()) << Describe(s);
  const v1::Agenda last = MustGetAgenda(*admin_, id);
  ExpectFeasible(last, refused);
  ExpectSummaryMatches(last);
  EXPECT_EQ(CountFor(last, kC2), 0);
  EXPECT_EQ(FindMeeting(last, c3h3.id())->status(), v1::MEETING_SCHEDULED);
}

TEST_F(EventCancellationTest, ReplanOnTheWiderEventKeepsEveryConstraint) {
  const std::string id = SetUpEvent(EventSpec("新材料对接会（样例）"));
  const std::set<PairKey> refused = {{kC4, kH1}};
  const v1::Agenda before = MustPlan(*admin_, id);
  // H3 leaves: its meetings go, C2 may now meet the holder it had to drop.
  v1::ReplanResponse replan;
  grpc::Status s = CancelParticipation(*comm_in_.client, id, kH3, "", &replan);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(static_cast<int>(replan.cancelled_meeting_ids_size()),
            CountFor(before, kH3));
  EXPECT_TRUE(replan.agenda().organisation_id().empty()) << "staff: all";
  const v1::Agenda after = MustGetAgenda(*admin_, id);
  ExpectFeasible(after, refused);
  ExpectSummaryMatches(after);
  EXPECT_EQ(CountFor(after, kH3), 0);
  const std::map<std::string, Place> places_after = PlacesById(after);
  for (const auto& [mid, place] : PlacesById(before)) {
    const v1::Meeting* m = FindMeeting(before, mid);
    if (m->holder_organisation_id() == kH3) continue;
    ASSERT_TRUE(places_after.count(mid)) << mid << " disappeared";
    EXPECT_EQ(places_after.at(mid), place) << mid << " moved";
  }
  // C2 had to leave out one of its three holders (limit 2). With H3 gone it
  // meets both others: if it had left out H1 or H2, that pair now fits in
  // a slot where both are free, which no remaining meeting can fill.
  EXPECT_NE(FindPair(after, kC2, kH1), nullptr);
  EXPECT_NE(FindPair(after, kC2, kH2), nullptr);
  EXPECT_EQ(after.event().plan().added(), replan.added_meeting_ids_size());
  for (const auto& mid : replan.added_meeting_ids()) {
    ExpectExplainedTopics(*FindMeeting(after, mid));
  }
}

// ---------------------------------------------------------------------------
// 4. Outcomes feed the review workflow
// ---------------------------------------------------------------------------

using EventOutcomeTest = EventWorld;

TEST_F(EventOutcomeTest, OutcomesMoveSuggestionsAlong) {
  const std::string id = SetUpEvent(EventSpec("新材料对接会（样例）"));
  const v1::Agenda agenda = MustPlan(*admin_, id);
  const v1::Meeting a = *FindPair(agenda, kC1, kH1);
  const v1::Meeting b = *FindPair(agenda, kC3, kH3);
  const v1::Meeting w = *FindPair(agenda, kC4, kH2);
  std::vector<v1::Meeting> c2;
  for (const auto& m : Scheduled(agenda)) {
    if (m.company_organisation_id() == kC2) c2.push_back(m);
  }
  ASSERT_EQ(c2.size(), 2u);
  const v1::Meeting r = c2[0];  // its suggestion is rejected beforehand
  const v1::Meeting x = c2[1];  // cancelled

  // A commissioner proposes and rejects the suggestion of R's main topic.
  const std::string r_id =
      absl::StrCat(r.topics(0).demand_id(), ":", r.topics(0).patent_id());
  {
    v1::ProposeSuggestionsRequest req;
    req.set_demand_id(r.topics(0).demand_id());
    req.set_top_k(10);
    v1::ProposeSuggestionsResponse out;
    grpc::Status s =
        comm_in_->reviews->ProposeSuggestions(Ctx().get(), req, &out);
    ASSERT_TRUE(s.ok()) << Describe(s);
    v1::AdvanceSuggestionRequest step;
    step.set_suggestion_id(r_id);
    step.mutable_claim();
    ASSERT_TRUE(Advance(*comm_in_.client, step).ok());
    step.mutable_reject()->set_reason(v1::NOT_RELEVANT);
    ASSERT_TRUE(Advance(*comm_in_.client, step).ok());
  }
  v1::Suggestion rejected_before;
  ASSERT_TRUE(GetSuggestion(*admin_, r_id, &rejected_before).ok());
  ASSERT_EQ(rejected_before.state(), v1::REJECTED);

  v1::ReplanResponse replan;
  ASSERT_TRUE(CancelMeeting(*admin_, id, x.id(), "", &replan).ok());

  // Only staff in scope record outcomes.
  v1::Meeting m;
  grpc::Status s = RecordOutcome(M(kC1), id, a.id(), v1::MEETING_FOLLOW_UP, &m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  s = RecordOutcome(*comm_out_.client, id, a.id(), v1::MEETING_FOLLOW_UP, &m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  s = RecordOutcome(*admin_, id, "M9999", v1::MEETING_FOLLOW_UP, &m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);

  // FOLLOW_UP: a new suggestion, created by the event, moved to CONTACTED.
  const std::string a_id =
      absl::StrCat(a.topics(0).demand_id(), ":", a.topics(0).patent_id());
  s = RecordOutcome(*comm_in_.client, id, a.id(), v1::MEETING_FOLLOW_UP, &m,
                    "双方约定下周到校参观");
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(m.outcome(), v1::MEETING_FOLLOW_UP);
  EXPECT_EQ(m.outcome_note(), "双方约定下周到校参观");
  EXPECT_EQ(m.suggestion_id(), a_id);
  EXPECT_EQ(m.suggestion_state(), v1::CONTACTED);
  EXPECT_TRUE(m.suggestion_note().empty()) << m.suggestion_note();
  v1::Suggestion sug;
  ASSERT_TRUE(GetSuggestion(*admin_, a_id, &sug).ok());
  EXPECT_EQ(sug.state(), v1::CONTACTED);
  EXPECT_EQ(sug.source(), "event");
  EXPECT_EQ(sug.company_organisation_id(), kC1);
  EXPECT_EQ(sug.holder_organisation_id(), kH1);
  std::vector<std::string> actions;
  for (const auto& h : sug.history()) actions.push_back(h.action());
  EXPECT_EQ(actions, (std::vector<std::string>{"propose", "claim", "approve",
                                               "contacted"}));
  EXPECT_EQ(sug.history().rbegin()->to(), v1::CONTACTED);
  EXPECT_TRUE(absl::StrContains(sug.history().rbegin()->note(), id))
      << sug.history().rbegin()->note();
  // The company hears of the approval like any other (WatchSuggestions).
  bool announced = false;
  for (const auto& n : Backlog(M(kC1))) {
    announced |=
        n.kind() == v1::SUGGESTION_APPROVED && n.suggestion().id() == a_id;
  }
  EXPECT_TRUE(announced) << "no SUGGESTION_APPROVED notice for " << a_id;
  bool created = false;
  for (const auto& n : Backlog(*comm_in_.client)) {
    created |=
        n.kind() == v1::SUGGESTION_CREATED && n.suggestion().id() == a_id;
  }
  EXPECT_TRUE(created);

  // NEGOTIATING, then a bad deal changes nothing, then the deal.
  s = RecordOutcome(*admin_, id, a.id(), v1::MEETING_NEGOTIATING, &m);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(m.suggestion_state(), v1::NEGOTIATING);
  v1::Deal deal;
  deal.set_amount_yuan(300000);
  deal.set_signed_date("2025-07-01");
  s = RecordOutcome(*admin_, id, a.id(), v1::MEETING_DEAL, &m, "", &deal);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "deal.kind"))
      << s.error_message();
  deal.set_kind(v1::DEAL_LICENCE);
  deal.clear_signed_date();
  s = RecordOutcome(*admin_, id, a.id(), v1::MEETING_DEAL, &m, "", &deal);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_TRUE(absl::StartsWith(s.error_message(), "deal.signed_date"))
      << "the request's own field: " << s.error_message();
  EXPECT_EQ(FindMeeting(MustGetAgenda(*admin_, id), a.id())->outcome(),
            v1::MEETING_NEGOTIATING)
      << "nothing recorded";
  ASSERT_TRUE(GetSuggestion(*admin_, a_id, &sug).ok());
  EXPECT_EQ(sug.state(), v1::NEGOTIATING);
  deal.set_signed_date("2025-07-01");
  s = RecordOutcome(*admin_, id, a.id(), v1::MEETING_DEAL, &m, "签约", &deal);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(m.outcome(), v1::MEETING_DEAL);
  EXPECT_EQ(m.suggestion_state(), v1::DEAL_SIGNED);
  ASSERT_TRUE(GetSuggestion(*admin_, a_id, &sug).ok());
  EXPECT_EQ(sug.state(), v1::DEAL_SIGNED);
  EXPECT_EQ(sug.deal().kind(), v1::DEAL_LICENCE);
  EXPECT_EQ(sug.deal().amount_yuan(), 300000);
  EXPECT_EQ(sug.deal().signed_date(), "2025-07-01");
  EXPECT_EQ(sug.history_size(), 6);

  // An outcome moves only forward: going back from a deal is a correction,
  // said as one; it changes the meeting, not the suggestion.
  s = RecordOutcome(*admin_, id, a.id(), v1::MEETING_FOLLOW_UP, &m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "already deal"))
      << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "correction"))
      << s.error_message();
  EXPECT_EQ(FindMeeting(MustGetAgenda(*admin_, id), a.id())->outcome(),
            v1::MEETING_DEAL)
      << "a refused change stores nothing";
  s = RecordOutcome(*admin_, id, a.id(), v1::MEETING_DEAL, &m, "签约", &deal);
  EXPECT_TRUE(s.ok()) << "the same outcome again: " << Describe(s);
  s = RecordOutcome(*admin_, id, a.id(), v1::MEETING_FOLLOW_UP, &m, "记错了",
                    nullptr, /*correction=*/true);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(m.outcome(), v1::MEETING_FOLLOW_UP);
  EXPECT_EQ(m.suggestion_state(), v1::DEAL_SIGNED);
  EXPECT_TRUE(absl::StrContains(m.suggestion_note(),
                                "corrected from deal to follow_up"))
      << m.suggestion_note();
  ASSERT_TRUE(GetSuggestion(*admin_, a_id, &sug).ok());
  EXPECT_EQ(sug.state(), v1::DEAL_SIGNED);
  EXPECT_EQ(sug.history_size(), 6);
  s = RecordOutcome(*admin_, id, a.id(), v1::MEETING_DEAL, &m, "签约", &deal);
  ASSERT_TRUE(s.ok()) << "forward again from follow_up: " << Describe(s);

  // NO_INTEREST on another meeting, first recorded by mistake as a no-show
  // (which moves nothing); the correction moves its suggestion and says so.
  s = RecordOutcome(*admin_, id, b.id(), v1::MEETING_NO_SHOW, &m);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_TRUE(m.suggestion_id().empty());
  s = RecordOutcome(*admin_, id, b.id(), v1::MEETING_NO_INTEREST, &m,
                    "处理规模不匹配");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << "no_show is no stage of talks: " << Describe(s);
  s = RecordOutcome(*admin_, id, b.id(), v1::MEETING_NO_INTEREST, &m,
                    "处理规模不匹配", nullptr, /*correction=*/true);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(m.suggestion_state(), v1::NO_DEAL);
  EXPECT_TRUE(absl::StrContains(m.suggestion_note(),
                                "outcome corrected from no_show to "
                                "no_interest; suggestion "))
      << m.suggestion_note();
  EXPECT_TRUE(absl::StrContains(m.suggestion_note(), "moved to no_deal"))
      << m.suggestion_note();
  const std::string b_id =
      absl::StrCat(b.topics(0).demand_id(), ":", b.topics(0).patent_id());
  EXPECT_EQ(m.suggestion_id(), b_id);
  ASSERT_TRUE(GetSuggestion(*admin_, b_id, &sug).ok());
  EXPECT_EQ(sug.state(), v1::NO_DEAL);
  EXPECT_EQ(sug.no_deal_reason(), "处理规模不匹配");

  // A suggestion a commissioner rejected is not moved; the meeting says why.
  s = RecordOutcome(*admin_, id, r.id(), v1::MEETING_FOLLOW_UP, &m);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(m.outcome(), v1::MEETING_FOLLOW_UP);
  EXPECT_EQ(m.suggestion_id(), r_id);
  EXPECT_EQ(m.suggestion_state(), v1::REJECTED);
  EXPECT_TRUE(absl::StrContains(m.suggestion_note(), "rejected"))
      << m.suggestion_note();
  ASSERT_TRUE(GetSuggestion(*admin_, r_id, &sug).ok());
  EXPECT_EQ(sug.state(), v1::REJECTED);
  EXPECT_EQ(sug.history_size(), rejected_before.history_size());

  // The wished meeting has no topic: the outcome is recorded, no suggestion.
  s = RecordOutcome(*admin_, id, w.id(), v1::MEETING_FOLLOW_UP, &m);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_TRUE(m.suggestion_id().empty());
  EXPECT_EQ(m.outcome(), v1::MEETING_FOLLOW_UP);

  // A cancelled meeting has no outcome.
  s = RecordOutcome(*admin_, id, x.id(), v1::MEETING_FOLLOW_UP, &m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  s = RecordOutcome(*admin_, id, a.id(), v1::MEETING_OUTCOME_UNSPECIFIED, &m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "outcome"));

  // The agenda shows what was recorded.
  const v1::Agenda now = MustGetAgenda(*admin_, id);
  EXPECT_EQ(FindMeeting(now, a.id())->outcome(), v1::MEETING_DEAL);
  EXPECT_EQ(FindMeeting(now, a.id())->suggestion_state(), v1::DEAL_SIGNED);
  EXPECT_EQ(FindMeeting(now, b.id())->outcome(), v1::MEETING_NO_INTEREST);
  EXPECT_EQ(FindMeeting(now, r.id())->suggestion_state(), v1::REJECTED);
  EXPECT_EQ(FindMeeting(now, x.id())->outcome(),
            v1::MEETING_OUTCOME_UNSPECIFIED);
}

// A company whose need is in another industry takes part in the event (its
// only open need comes with it). The event's commissioner records the
// meeting's outcome, but the need is outside their scope: no suggestion is
// created in another commissioner's queue, and the meeting says why. An
// administrator then records it and the suggestion follows the outcome.
TEST_F(EventOutcomeTest, OutcomeOutsideTheCommissionersScopeCreatesNothing) {
  constexpr char kC5[] = "ev-c5-storage";
  RegisterOrg(*server_, kC5, "恩平储能电池有限公司（样例）",
              v1::PRIVATE_COMPANY, v1::ENPING);
  const std::string n5 = MustSubmitNeed(*admin_, {kC5,
                                                  "储能锂电池正极材料",
                                                  kBatteryNeed2,
                                                  kOtherIndustry,
                                                  {v1::LICENCE_ORDINARY},
                                                  "13800000000",
                                                  "need@example.com"})
                             .id();
  v1::DockingEvent spec = EventSpec("新材料对接会（样例）");
  const std::string id = MustCreateEvent(*comm_in_.client, spec).id();
  auto c5 = MustRegister(*admin_, id, kC5, v1::COMPANY_SIDE);
  ASSERT_EQ(c5.demand_ids_size(), 1);
  EXPECT_EQ(c5.demand_ids(0), n5);
  MustRegister(*admin_, id, kH1, v1::HOLDER_SIDE);
  const v1::Agenda agenda = MustPlan(*comm_in_.client, id);
  const v1::Meeting* meeting = FindPair(agenda, kC5, kH1);
  ASSERT_NE(meeting, nullptr);
  ASSERT_GT(meeting->topics_size(), 0);
  ASSERT_EQ(meeting->topics(0).demand_id(), n5);
  const std::string sug_id =
      absl::StrCat(n5, ":", meeting->topics(0).patent_id());

  v1::Meeting m;
  grpc::Status s = RecordOutcome(*comm_in_.client, id, meeting->id(),
                                 v1::MEETING_NO_INTEREST, &m, "不合适");
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(m.outcome(), v1::MEETING_NO_INTEREST);
  EXPECT_TRUE(m.suggestion_id().empty()) << m.suggestion_id();
  EXPECT_TRUE(absl::StrContains(m.suggestion_note(), "outside the scope"))
      << m.suggestion_note();
  EXPECT_TRUE(absl::StrContains(m.suggestion_note(), n5))
      << m.suggestion_note();
  v1::Suggestion sug;
  s = GetSuggestion(*admin_, sug_id, &sug);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);

  // An administrator may: the new suggestion goes all the way to NO_DEAL.
  s = RecordOutcome(*admin_, id, meeting->id(), v1::MEETING_NO_INTEREST, &m,
                    "不合适");
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(m.suggestion_id(), sug_id);
  EXPECT_EQ(m.suggestion_state(), v1::NO_DEAL);
  EXPECT_TRUE(m.suggestion_note().empty()) << m.suggestion_note();
  ASSERT_TRUE(GetSuggestion(*admin_, sug_id, &sug).ok());
  EXPECT_EQ(sug.state(), v1::NO_DEAL);
  EXPECT_EQ(sug.no_deal_reason(), "不合适");
}

// ---------------------------------------------------------------------------
// 5. Persistence
// ---------------------------------------------------------------------------

using EventPersistenceTest = EventWorld;

TEST_F(EventPersistenceTest, EverythingAcknowledgedSurvivesARestart) {
  const std::string id = SetUpEvent(EventSpec("新材料对接会（样例）"));
  MustPlan(*admin_, id);
  v1::ReplanResponse replan;
  ASSERT_TRUE(CancelParticipation(*admin_, id, kC3, "临时出差", &replan).ok());
  const v1::Agenda planned = MustGetAgenda(*admin_, id);
  const v1::Meeting a = *FindPair(planned, kC1, kH1);
  v1::Meeting m;
  ASSERT_TRUE(
      RecordOutcome(*admin_, id, a.id(), v1::MEETING_FOLLOW_UP, &m).ok());
  const v1::Agenda before = MustGetAgenda(*admin_, id);
  v1::DockingEvent event_before;
  ASSERT_TRUE(GetEvent(*admin_, id, &event_before).ok());
  const v1::Agenda member_before = MustGetAgenda(M(kC2), id);

  server_->Restart();
  Reconnect();

  const v1::Agenda after = MustGetAgenda(*admin_, id);
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString())
      << "before:\n"
      << before.DebugString() << "after:\n"
      << after.DebugString();
  v1::DockingEvent event_after;
  ASSERT_TRUE(GetEvent(*admin_, id, &event_after).ok());
  EXPECT_EQ(event_after.SerializeAsString(), event_before.SerializeAsString());
  EXPECT_EQ(MustGetAgenda(M(kC2), id).SerializeAsString(),
            member_before.SerializeAsString());
  EXPECT_EQ(FindMeeting(after, a.id())->outcome(), v1::MEETING_FOLLOW_UP);
  EXPECT_EQ(CountFor(after, kC3), 0);
  v1::Suggestion sug;
  ASSERT_TRUE(GetSuggestion(*admin_, m.suggestion_id(), &sug).ok());
  EXPECT_EQ(sug.state(), v1::CONTACTED);

  // Outcomes recorded: planning afresh would throw them away.
  v1::Agenda agenda;
  grpc::Status s = Plan(*admin_, id, &agenda);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), a.id()))
      << s.error_message();
  EXPECT_EQ(MustGetAgenda(*admin_, id).SerializeAsString(),
            after.SerializeAsString());

  // Numbering continues; outcomes may still be recorded after closing.
  EXPECT_EQ(MustCreateEvent(*admin_, EventSpec("第二场（样例）")).id(),
            "EV000002");
  v1::DockingEvent closed;
  ASSERT_TRUE(CloseEvent(*comm_in_.client, id, &closed).ok());
  EXPECT_EQ(closed.state(), v1::EVENT_CLOSED);
  const v1::Meeting b = *FindPair(after, kC4, kH2);
  s = RecordOutcome(*admin_, id, b.id(), v1::MEETING_NO_SHOW, &m);
  EXPECT_TRUE(s.ok()) << Describe(s);
  s = Plan(*admin_, id, &agenda);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  server_->Restart();
  Reconnect();
  ASSERT_TRUE(GetEvent(*admin_, id, &closed).ok());
  EXPECT_EQ(closed.state(), v1::EVENT_CLOSED);
  EXPECT_EQ(FindMeeting(MustGetAgenda(*admin_, id), b.id())->outcome(),
            v1::MEETING_NO_SHOW);
}

// ---------------------------------------------------------------------------
// 6. Bad input
// ---------------------------------------------------------------------------

using EventInputTest = EventWorld;

TEST_F(EventInputTest, BadEventsAreRefusedByFieldAndNothingIsStored) {
  struct Case {
    std::string field;
    std::function<void(v1::DockingEvent*)> spoil;
  };
  const std::vector<Case> cases = {
      {"event.slots", [](auto* e) { e->set_slots(0); }},
      {"event.slots", [](auto* e) { e->set_slots(49); }},
      {"event.tables", [](auto* e) { e->set_tables(0); }},
      {"event.tables", [](auto* e) { e->set_tables(-3); }},
      {"event.date", [](auto* e) { e->set_date("2025/06/18"); }},
      {"event.date", [](auto* e) { e->set_date("2025-13-01"); }},
      {"event.date", [](auto* e) { e->set_date("明天"); }},
      {"event.date", [](auto* e) { e->clear_date(); }},
      {"event.start_time", [](auto* e) { e->set_start_time("25:00"); }},
      {"event.start_time", [](auto* e) { e->set_start_time("9:30"); }},
      {"event.start_time", [](auto* e) { e->set_start_time("09:60"); }},
      {"event.start_time", [](auto* e) { e->set_start_time("+9:30"); }},
      {"event.start_time", [](auto* e) { e->set_start_time(" 9:30"); }},
      {"event.start_time", [](auto* e) { e->set_start_time("09:3x"); }},
      {"event.name", [](auto* e) { e->set_name("对接会\x01（样例）"); }},
      {"event.name", [](auto* e) { e->set_name("对接会\n第二行"); }},
      {"event.name", [](auto* e) { e->set_name("对接会\xc2\x85"); }},  // C1
      {"event.name", [](auto* e) { e->clear_name(); }},
      {"event.name", [](auto* e) { e->set_name(std::string(5000, 'a')); }},
      {"event.name", [](auto* e) { e->set_name("   "); }},
      // 13:30 + 48 x 25 min runs into the next day.
      {"event.slots", [](auto* e) { e->set_slots(48); }},
      {"event.slots",
       [](auto* e) {
         e->set_start_time("23:00");
         e->set_slots(3);
       }},
      {"event.slot_minutes", [](auto* e) { e->set_slot_minutes(4); }},
      {"event.max_meetings_per_company",
       [](auto* e) { e->set_max_meetings_per_company(4); }},
      {"event.ipc_prefixes[0]",
       [](auto* e) { e->add_ipc_prefixes("not ipc"); }},
  };
  for (const auto& c : cases) {
    v1::DockingEvent e = EventSpec("对接会（样例）");
    c.spoil(&e);
    v1::DockingEvent out;
    grpc::Status s = CreateEvent(*admin_, e, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.field << " " << e.ShortDebugString() << ": " << Describe(s);
    EXPECT_TRUE(absl::StartsWith(s.error_message(), c.field + ":"))
        << c.field << ": " << s.error_message();
  }
  // Invalid UTF-8 in a string field never reaches the handler: protobuf
  // refuses to parse it (gRPC answers INTERNAL); it must not be stored.
  {
    v1::DockingEvent e = EventSpec("对接会\xff\xfe");
    v1::DockingEvent out;
    grpc::Status s = CreateEvent(*admin_, e, &out);
    EXPECT_FALSE(s.ok());
  }
  // Several faults at once are all named.
  {
    v1::DockingEvent e = EventSpec("对接会（样例）");
    e.set_slots(0);
    e.set_tables(0);
    e.set_date("bad");
    v1::DockingEvent out;
    grpc::Status s = CreateEvent(*admin_, e, &out);
    for (const char* field : {"event.slots", "event.tables", "event.date"}) {
      EXPECT_TRUE(absl::StrContains(s.error_message(), field))
          << s.error_message();
    }
  }
  EXPECT_TRUE(ListEventIds(*admin_).empty());
  // Nothing stored, not even a number: the first event is EV000001.
  v1::DockingEvent ok = MustCreateEvent(*admin_, EventSpec("对接会（样例）"));
  EXPECT_EQ(ok.id(), "EV000001");
  EXPECT_EQ(ok.start_time(), "13:30");
  // Defaults.
  v1::DockingEvent bare;
  bare.set_name("默认设置（样例）");
  bare.set_industry(kIndustry);
  bare.set_date("2025-6-8");
  bare.set_slots(4);
  bare.set_tables(3);
  v1::DockingEvent made = MustCreateEvent(*comm_in_.client, bare);
  EXPECT_EQ(made.start_time(), "09:00");
  EXPECT_EQ(made.slot_minutes(), 20);
  EXPECT_EQ(made.max_meetings_per_company(), 4);
  EXPECT_EQ(made.max_meetings_per_holder(), 4);
  EXPECT_EQ(made.date(), "2025-06-08");
  EXPECT_EQ(made.state(), v1::EVENT_OPEN);
  EXPECT_EQ(made.created_by(), comm_in_.account.id());

  // Who may create: not members, not commissioners outside the industry.
  v1::DockingEvent out;
  grpc::Status s = CreateEvent(M(kC1), EventSpec("x"), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  s = CreateEvent(*comm_out_.client, EventSpec("x"), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListEventIds(*admin_).size(), 2u);
}

TEST_F(EventInputTest, UnknownIdsAndBadRegistrations) {
  const std::string id = MustCreateEvent(*admin_, EventSpec("对接会")).id();
  v1::DockingEvent e;
  grpc::Status s = GetEvent(*admin_, "EV999999", &e);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  v1::Agenda agenda;
  s = Plan(*admin_, "EV999999", &agenda);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  s = GetAgenda(*admin_, "EV999999", "", &agenda);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  s = Register(*admin_, "EV999999", kC1, v1::COMPANY_SIDE);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  // Nobody (then no holder) to plan for: said, not an empty plan.
  s = Plan(*admin_, id, &agenda);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "no companies taking part"))
      << s.error_message();
  {
    const std::string lonely =
        MustCreateEvent(*admin_, EventSpec("只有企业的对接会")).id();
    MustRegister(*admin_, lonely, kC1, v1::COMPANY_SIDE);
    s = Plan(*admin_, lonely, &agenda);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
        << Describe(s);
    EXPECT_TRUE(absl::StrContains(s.error_message(), "no holders taking part"))
        << s.error_message();
  }
  s = GetEvent(*admin_, "bad\x01id", &e);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  s = Register(*admin_, id, "no-such-org", v1::COMPANY_SIDE);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  s = Register(*admin_, id, kC1, v1::COMPANY_SIDE, {n2_coating_});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_TRUE(absl::StartsWith(s.error_message(), "participant.demand_ids[0]"))
      << s.error_message();
  s = Register(M(kC1), id, kC1, v1::COMPANY_SIDE, {n1_, "D999999999"});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "participant.demand_ids[1]"))
      << s.error_message();
  s = Register(*admin_, id, kH1, v1::HOLDER_SIDE, {}, {kL2a});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "participant.patent_ids[0]"))
      << s.error_message();
  // The same need or listing twice would make one pair three topics.
  s = Register(*admin_, id, kC2, v1::COMPANY_SIDE,
               {n2_coating_, n2_water_, n2_coating_});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(s.error_message(),
                               "participant.demand_ids[2]: repeats "
                               "demand_ids[0]"))
      << s.error_message();
  s = Register(*admin_, id, kH1, v1::HOLDER_SIDE, {}, {kL1a, kL1a});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "participant.patent_ids[1]"))
      << s.error_message();
  s = Register(*admin_, id, kC1, v1::EVENT_SIDE_UNSPECIFIED);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "participant.side"));
  // A company with no need: nothing to bring.
  s = Register(*admin_, id, kH1, v1::COMPANY_SIDE);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  MustRegister(*admin_, id, kC1, v1::COMPANY_SIDE);
  s = Register(*admin_, id, kC1, v1::HOLDER_SIDE);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << "already on the other side: " << Describe(s);
  agenda = MustGetAgenda(*admin_, id);
  ASSERT_EQ(agenda.participants_size(), 1) << "refused registrations stored";
  EXPECT_EQ(agenda.participants(0).organisation_id(), kC1);

  // Closed: no more registrations, wishes or plans.
  v1::DockingEvent closed;
  ASSERT_TRUE(CloseEvent(*admin_, id, &closed).ok());
  EXPECT_EQ(closed.state(), v1::EVENT_CLOSED);
  s = Register(*admin_, id, kH1, v1::HOLDER_SIDE);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  s = Register(M(kC1), id, kC1, v1::COMPANY_SIDE);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(s);
  s = Register(M(kC2), id, kC2, v1::COMPANY_SIDE);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND)
      << "closed and C2 is not in it: hidden. " << Describe(s);
  s = Plan(*admin_, id, &agenda);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  s = CloseEvent(*admin_, id, &closed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(MustGetAgenda(*admin_, id).participants_size(), 1);
}

// ---------------------------------------------------------------------------
// 7. Point-to-point short lists
// ---------------------------------------------------------------------------

class ShortlistTest : public EventWorld {};

TEST_F(ShortlistTest, OneExplainedEntryPerOpenNeedBestFirst) {
  v1::BuildShortlistRequest req;
  req.set_organisation_id(kC2);
  req.set_per_need(2);
  v1::Shortlist list;
  grpc::Status s = comm_in_->events->BuildShortlist(Ctx().get(), req, &list);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(list.organisation().id(), kC2);
  EXPECT_EQ(list.built_by(), comm_in_.account.id());
  EXPECT_GT(list.built_unix(), 0);
  // The listing that fits each need best, by subject.
  const std::map<std::string, std::string> best = {
      {n2_coating_, kL2a}, {n2_water_, kL3a}, {n2_battery_, kL1a}};
  std::set<std::string> needs;
  ASSERT_EQ(list.entries_size(), 3);
  for (const auto& entry : list.entries()) {
    const std::string& need = entry.demand().id();
    EXPECT_TRUE(needs.insert(need).second) << need << " twice";
    ASSERT_TRUE(best.count(need)) << need;
    EXPECT_EQ(entry.demand().organisation_id(), kC2);
    ASSERT_GE(entry.matches_size(), 1) << need;
    EXPECT_LE(entry.matches_size(), 2) << need;
    EXPECT_EQ(entry.matches(0).patent().id(), best.at(need));
    for (int i = 0; i < entry.matches_size(); ++i) {
      const auto& match = entry.matches(i);
      EXPECT_EQ(match.rank(), i + 1);
      EXPECT_FALSE(match.explanation().summary().empty());
      if (i > 0) {
        EXPECT_GE(entry.matches(i - 1).score(), match.score());
      }
    }
  }
  // per_need 1: only the best.
  req.set_per_need(1);
  ASSERT_TRUE(admin_->events->BuildShortlist(Ctx().get(), req, &list).ok());
  for (const auto& entry : list.entries()) {
    ASSERT_EQ(entry.matches_size(), 1);
    EXPECT_EQ(entry.matches(0).patent().id(), best.at(entry.demand().id()));
  }

  // Who may, and bad input.
  s = M(kC2).events->BuildShortlist(Ctx().get(), req, &list);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  s = comm_out_->events->BuildShortlist(Ctx().get(), req, &list);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(s);
  req.set_per_need(21);
  s = comm_in_->events->BuildShortlist(Ctx().get(), req, &list);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(s.error_message(), "per_need"))
      << s.error_message();
  req.set_per_need(0);
  req.set_organisation_id("no-such-org");
  s = comm_in_->events->BuildShortlist(Ctx().get(), req, &list);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(s);
  req.set_organisation_id(kH1);
  s = comm_in_->events->BuildShortlist(Ctx().get(), req, &list);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << "no open needs: " << Describe(s);
}

}  // namespace
}  // namespace patentmatch
