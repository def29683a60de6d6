// Docking events' stored form and planning glue; see event_planning.h.
#include "services/event_planning.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "indexer/index_updater.h"
#include "matcher/ranking.h"
#include "storage/keys.h"

namespace patentmatch {

using storage::EntityKind;

std::string ParticipantKey(absl::string_view event, absl::string_view org) {
  return storage::EventChildKey(event, {org});
}
std::string PreferenceKey(absl::string_view event, absl::string_view company,
                          absl::string_view holder) {
  return storage::EventChildKey(event, {company, holder});
}
std::string MeetingKey(absl::string_view event, absl::string_view meeting) {
  return storage::EventChildKey(event, {meeting});
}

absl::StatusOr<EventData> LoadEvent(const storage::Store& store,
                                    absl::string_view id) {
  EventData data;
  absl::Status s = store.Get(EntityKind::kEvent, id, &data.event);
  if (!s.ok()) return s;
  const std::string prefix = storage::EventChildPrefix(id);
  s = store.ScanPrefix<v1::EventParticipant>(
      EntityKind::kEventParticipant, prefix,
      [&](const v1::EventParticipant& p) {
        data.participants.push_back(p);
        return true;
      });
  if (s.ok()) {
    s = store.ScanPrefix<v1::PairPreference>(
        EntityKind::kEventPreference, prefix, [&](const v1::PairPreference& p) {
          data.preferences.push_back(p);
          return true;
        });
  }
  if (s.ok()) {
    s = store.ScanPrefix<v1::Meeting>(EntityKind::kMeeting, prefix,
                                      [&](const v1::Meeting& m) {
                                        data.meetings.push_back(m);
                                        return true;
                                      });
  }
  if (!s.ok()) return s;
  return data;
}

namespace {

// `m`'s bytes, the same for equal messages (map fields sorted), after their
// length so that concatenations cannot be confused.
void AppendMessage(const google::protobuf::Message& m, std::string* out) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
  }
  absl::StrAppend(out, bytes.size(), ":", bytes);
}

}  // namespace

std::string EventFingerprint(const EventData& data) {
  std::string out;
  AppendMessage(data.event, &out);
  for (const auto& p : data.participants) AppendMessage(p, &out);
  absl::StrAppend(&out, "|");
  for (const auto& p : data.preferences) AppendMessage(p, &out);
  absl::StrAppend(&out, "|");
  for (const auto& m : data.meetings) AppendMessage(m, &out);
  return out;
}

const v1::EventParticipant* FindParticipant(const EventData& data,
                                            absl::string_view org) {
  for (const auto& p : data.participants) {
    if (p.organisation_id() == org) return &p;
  }
  return nullptr;
}

std::string SlotClock(const v1::DockingEvent& e, int slot0, bool end) {
  int hh = 9, mm = 0;
  std::sscanf(e.start_time().c_str(), "%d:%d", &hh, &mm);
  int minutes = hh * 60 + mm + (slot0 + (end ? 1 : 0)) * e.slot_minutes();
  minutes %= 24 * 60;
  return absl::StrFormat("%02d:%02d", minutes / 60, minutes % 60);
}

int LimitOf(const v1::DockingEvent& e, const v1::EventParticipant& p) {
  int limit = p.max_meetings() > 0 ? p.max_meetings()
                                   : (p.side() == v1::COMPANY_SIDE
                                          ? e.max_meetings_per_company()
                                          : e.max_meetings_per_holder());
  return std::clamp(limit, 0, e.slots());
}

EventRankingCache::State EventRankingCache::Now(const ServiceContext& ctx) {
  State state;
  state.change_seq = ctx.store->last_change_seq();
  state.index_applied = ctx.updater->applied();
  state.weights = ctx.engine->weights();
  state.today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  return state;
}

std::optional<std::vector<EventRankingCache::Fit>> EventRankingCache::Find(
    absl::string_view event_id, const State& state, absl::string_view listings,
    absl::string_view demand_id) const {
  absl::MutexLock lock(&mu_);
  auto entry = events_.find(event_id);
  if (entry == events_.end() || !(entry->second.state == state) ||
      entry->second.listings != listings) {
    return std::nullopt;
  }
  auto fits = entry->second.by_demand.find(demand_id);
  if (fits == entry->second.by_demand.end()) return std::nullopt;
  entry->second.last_used = ++uses_;
  return fits->second;
}

void EventRankingCache::Keep(absl::string_view event_id, const State& state,
                             absl::string_view listings,
                             const std::string& demand_id,
                             std::vector<Fit> fits) {
  absl::MutexLock lock(&mu_);
  auto [entry, fresh] = events_.try_emplace(event_id);
  if (fresh || !(entry->second.state == state) ||
      entry->second.listings != listings) {
    entry->second = Entry{state, std::string(listings), {}, 0};
  }
  entry->second.by_demand[demand_id] = std::move(fits);
  entry->second.last_used = ++uses_;
  if (events_.size() > kEvents) {  // drop the event used longest ago
    auto oldest = events_.begin();
    for (auto it = events_.begin(); it != events_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    events_.erase(oldest);
  }
}

// `excluded`: (company, holder) pairs that must not meet (a cancelled
// meeting). Cancelled participants take part with limit 0.
absl::StatusOr<Problem> BuildProblem(
    const ServiceContext& ctx, const EventData& data,
    const std::set<std::pair<std::string, std::string>>& excluded) {
  const v1::DockingEvent& e = data.event;
  // Before anything ranking depends on is read: a ranking kept under this
  // state is then what ranking again would give while the state holds.
  EventRankingCache* const cache = ctx.event_rankings;
  const EventRankingCache::State state = cache != nullptr
                                             ? EventRankingCache::Now(ctx)
                                             : EventRankingCache::State{};
  Problem p;
  p.input.slots = e.slots();
  p.input.tables = e.tables();
  absl::flat_hash_map<std::string, int> company_index, holder_of_listing;
  std::map<std::string, int> holder_index;
  for (const auto& part : data.participants) {
    const int limit = part.cancelled() ? 0 : LimitOf(e, part);
    if (part.side() == v1::COMPANY_SIDE) {
      company_index[part.organisation_id()] =
          static_cast<int>(p.companies.size());
      p.companies.push_back(part.organisation_id());
      p.input.company_limits.push_back(limit);
    } else {
      const int h = static_cast<int>(p.holders.size());
      holder_index[part.organisation_id()] = h;
      p.holders.push_back(part.organisation_id());
      p.input.holder_limits.push_back(limit);
      for (const auto& id : part.patent_ids()) {
        auto listing = ctx.store->GetPatent(id);
        if (!listing.ok() || !matcher::IsSuggestable(*listing)) continue;
        holder_of_listing[id] = h;
        p.listings[id] = std::move(*listing);
      }
    }
  }
  v1::PatentFilter filter;
  for (const auto& [id, h] : holder_of_listing) filter.add_patent_ids(id);
  std::sort(filter.mutable_patent_ids()->begin(),
            filter.mutable_patent_ids()->end());

  const std::string listings = absl::StrJoin(filter.patent_ids(), ",");

  std::map<std::pair<int, int>, Pair> pairs;
  if (filter.patent_ids_size() > 0) {
    for (const auto& part : data.participants) {
      if (part.side() != v1::COMPANY_SIDE || part.cancelled()) continue;
      const int c = company_index[part.organisation_id()];
      for (const auto& demand_id : part.demand_ids()) {
        auto demand = ctx.store->GetDemand(demand_id);
        if (!demand.ok() || demand->status() != v1::DEMAND_OPEN) continue;
        std::optional<std::vector<EventRankingCache::Fit>> fits;
        if (cache != nullptr) {
          fits = cache->Find(e.id(), state, listings, demand_id);
        }
        if (!fits.has_value()) {
          auto ranked = ctx.engine->RankPatents(
              matcher::NeedQueryFromDemand(*demand), filter,
              static_cast<size_t>(filter.patent_ids_size()));
          if (!ranked.ok()) return ranked.status();
          fits.emplace();
          for (const auto& r : *ranked) {
            if (r.score > 0 && r.relevance >= matcher::kMinProposedRelevance) {
              fits->push_back({r.listing.id(), r.score, r.relevance});
            }
          }
          if (cache != nullptr) {
            cache->Keep(e.id(), state, listings, demand_id, *fits);
          }
        }
        for (const auto& f : *fits) {
          auto h = holder_of_listing.find(f.patent_id);
          if (h == holder_of_listing.end()) continue;
          Pair& pair = pairs[{c, h->second}];
          pair.company = c;
          pair.holder = h->second;
          pair.topics.push_back({demand_id, f.patent_id, f.score, f.relevance});
        }
        p.demands[demand_id] = std::move(*demand);
      }
    }
  }
  // Wishes raise a pair (and may create one); refusals remove it.
  std::set<std::pair<int, int>> refused;
  for (const auto& pref : data.preferences) {
    auto c = company_index.find(pref.company_organisation_id());
    auto h = holder_index.find(pref.holder_organisation_id());
    if (c == company_index.end() || h == holder_index.end()) continue;
    const std::pair<int, int> key{c->second, h->second};
    if (pref.company_says() == v1::REFUSE_TO_MEET ||
        pref.holder_says() == v1::REFUSE_TO_MEET) {
      refused.insert(key);
      continue;
    }
    const int wishes = (pref.company_says() == v1::WANT_TO_MEET ? 1 : 0) +
                       (pref.holder_says() == v1::WANT_TO_MEET ? 1 : 0);
    if (wishes == 0) continue;
    Pair& pair = pairs[key];
    pair.company = key.first;
    pair.holder = key.second;
    pair.wished = true;
    pair.quality = kWishBonus * wishes;  // topics add below
  }
  for (auto& [key, pair] : pairs) {
    if (refused.count(key)) {
      ++p.refused;
      continue;
    }
    if (excluded.count({p.companies[key.first], p.holders[key.second]})) {
      continue;
    }
    std::sort(pair.topics.begin(), pair.topics.end(),
              [](const Topic& a, const Topic& b) {
                if (a.score != b.score) return a.score > b.score;
                return std::tie(a.demand_id, a.patent_id) <
                       std::tie(b.demand_id, b.patent_id);
              });
    // Further topics only when they are worth part of the meeting's time:
    // at least half the best one's score.
    size_t keep = std::min<size_t>(pair.topics.size(), kTopicsPerMeeting);
    for (size_t i = 1; i < keep; ++i) {
      if (pair.topics[i].score < 0.5 * pair.topics[0].score) keep = i;
    }
    pair.topics.resize(keep);
    if (!pair.topics.empty()) pair.quality += pair.topics[0].score;
    if (!(pair.quality > 0)) continue;
    if (pair.wished) ++p.wished;
    p.pair_of[{p.companies[pair.company], p.holders[pair.holder]}] =
        static_cast<int>(p.pairs.size());
    p.input.candidates.push_back({pair.company, pair.holder, pair.quality});
    p.pairs.push_back(std::move(pair));
  }
  return p;
}

// The explanation of each chosen pair's best topic, one search per need.
absl::Status ExplainTopics(
    const ServiceContext& ctx, const Problem& p, const std::vector<int>& chosen,
    absl::flat_hash_map<int, v1::Explanation>* explanations) {
  std::map<std::string, std::vector<int>> by_demand;
  for (int c : chosen) {
    if (!p.pairs[c].topics.empty()) {
      by_demand[p.pairs[c].topics[0].demand_id].push_back(c);
    }
  }
  for (const auto& [demand_id, pairs] : by_demand) {
    auto demand = p.demands.find(demand_id);
    if (demand == p.demands.end()) continue;
    std::vector<MatchEngine::RankedPatent> ranked;
    for (int c : pairs) {
      const Topic& t = p.pairs[c].topics[0];
      auto listing = p.listings.find(t.patent_id);
      if (listing == p.listings.end()) continue;
      ranked.push_back({t.score, t.relevance, listing->second});
    }
    const v1::NeedQuery need = matcher::NeedQueryFromDemand(demand->second);
    auto explained = ctx.engine->Explain(need, ranked);
    if (!explained.ok()) return explained.status();
    size_t i = 0;
    for (int c : pairs) {
      if (i < explained->size() &&
          (*explained)[i].patent().id() == p.pairs[c].topics[0].patent_id) {
        (*explanations)[c] = (*explained)[i].explanation();
        ++i;
      }
    }
  }
  return absl::OkStatus();
}

std::string MeetingId(int number) { return absl::StrFormat("M%04d", number); }

int MeetingNumber(const std::string& id) {
  int n = 0;
  if (id.size() > 1) std::sscanf(id.c_str() + 1, "%d", &n);
  return n;
}

int NextMeetingNumber(const EventData& data) {
  int number = data.event.last_meeting_number();
  for (const auto& m : data.meetings) {
    number = std::max(number, MeetingNumber(m.id()));
  }
  return number + 1;
}

v1::Meeting MakeMeeting(const v1::DockingEvent& e, const Problem& p,
                        const matcher::PlannedMeeting& planned,
                        const std::string& id, int version,
                        const absl::flat_hash_map<int, v1::Explanation>& why) {
  const Pair& pair = p.pairs[planned.candidate];
  v1::Meeting m;
  m.set_event_id(e.id());
  m.set_id(id);
  m.set_company_organisation_id(p.companies[pair.company]);
  m.set_holder_organisation_id(p.holders[pair.holder]);
  m.set_slot(planned.slot + 1);
  m.set_table(planned.table + 1);
  m.set_start_time(SlotClock(e, planned.slot, false));
  m.set_end_time(SlotClock(e, planned.slot, true));
  m.set_quality(pair.quality);
  m.set_wished(pair.wished);
  for (const Topic& t : pair.topics) {
    v1::MeetingTopic* topic = m.add_topics();
    topic->set_demand_id(t.demand_id);
    topic->set_patent_id(t.patent_id);
    topic->set_score(t.score);
    if (auto d = p.demands.find(t.demand_id); d != p.demands.end()) {
      topic->set_demand_title(d->second.title());
    }
    if (auto l = p.listings.find(t.patent_id); l != p.listings.end()) {
      topic->set_patent_title(matcher::ListingHeadline(l->second));
    }
  }
  if (auto it = why.find(planned.candidate); it != why.end()) {
    *m.mutable_explanation() = it->second;
  } else if (pair.wished) {
    m.mutable_explanation()->set_summary(
        "Asked for by the participants; no need–patent fit was found.");
  }
  if (pair.wished && !pair.topics.empty()) {
    const std::string& summary = m.explanation().summary();
    m.mutable_explanation()->set_summary(
        absl::StrCat(summary, summary.empty() ? "" : "; ",
                     "asked for by the participants (raised in planning)"));
  }
  m.set_status(v1::MEETING_SCHEDULED);
  m.set_planned_in(version);
  return m;
}

std::string Optimality(const Problem& p) {
  return absl::StrCat(
      "exact: the highest total quality any timetable can reach under these "
      "limits (",
      p.input.slots, " slots x ", p.input.tables,
      " tables), by min-cost flow (LEMON network simplex) and a balanced "
      "edge colouring that places every chosen meeting");
}

absl::StatusOr<v1::ReplanResponse> Replan(const ServiceContext& ctx,
                                          EventData* data,
                                          const std::set<std::string>& cancel,
                                          const std::string& reason,
                                          storage::WriteSet* writes) {
  const absl::Time started = absl::Now();
  v1::DockingEvent& e = data->event;
  v1::ReplanResponse response;
  std::set<std::string> cancelled_orgs;
  for (const auto& p : data->participants) {
    if (p.cancelled()) cancelled_orgs.insert(p.organisation_id());
  }
  std::set<std::pair<std::string, std::string>> refused;
  for (const auto& p : data->preferences) {
    if (p.company_says() == v1::REFUSE_TO_MEET ||
        p.holder_says() == v1::REFUSE_TO_MEET) {
      refused.insert({p.company_organisation_id(), p.holder_organisation_id()});
    }
  }
  // Which meetings go: the named ones, every one of a cancelled
  // participant, and refused pairs'; not those that took place (they have
  // an outcome). The pairs of cancelled meetings are not planned again.
  std::set<std::pair<std::string, std::string>> excluded;
  std::vector<v1::Meeting*> kept_meetings;
  for (auto& m : data->meetings) {
    const std::pair<std::string, std::string> pair{m.company_organisation_id(),
                                                   m.holder_organisation_id()};
    if (m.status() != v1::MEETING_SCHEDULED) {
      if (m.status() == v1::MEETING_CANCELLED) excluded.insert(pair);
      continue;
    }
    const bool held = m.outcome() != v1::MEETING_OUTCOME_UNSPECIFIED;
    const bool by_cancellation = cancel.count(m.id()) > 0 ||
                                 cancelled_orgs.count(pair.first) > 0 ||
                                 cancelled_orgs.count(pair.second) > 0;
    if (!held && (by_cancellation || refused.count(pair) > 0)) {
      m.set_status(v1::MEETING_CANCELLED);
      m.set_outcome_note(by_cancellation ? reason : "the pair was refused");
      excluded.insert(
          {m.company_organisation_id(), m.holder_organisation_id()});
      writes->Put(EntityKind::kMeeting, MeetingKey(e.id(), m.id()), m);
      response.add_cancelled_meeting_ids(m.id());
      continue;
    }
    kept_meetings.push_back(&m);
  }
  if (e.state() != v1::EVENT_PLANNED) {
    // Nothing planned yet (or the event is over): only the cancellation.
    return response;
  }
  auto problem = BuildProblem(ctx, *data, excluded);
  if (!problem.ok()) return problem.status();
  // Kept meetings must be candidates; one whose fit has gone (a listing
  // withdrawn since) keeps its planned quality.
  std::vector<matcher::PlannedMeeting> kept;
  auto index_of = [&](const std::string& company, const std::string& holder) {
    auto it = std::find(problem->companies.begin(), problem->companies.end(),
                        company);
    auto jt =
        std::find(problem->holders.begin(), problem->holders.end(), holder);
    return std::make_pair(static_cast<int>(it - problem->companies.begin()),
                          static_cast<int>(jt - problem->holders.begin()));
  };
  for (const v1::Meeting* m : kept_meetings) {
    auto key = std::make_pair(m->company_organisation_id(),
                              m->holder_organisation_id());
    auto found = problem->pair_of.find(key);
    int candidate;
    if (found != problem->pair_of.end()) {
      candidate = found->second;
    } else {
      auto [c, h] = index_of(key.first, key.second);
      if (c == static_cast<int>(problem->companies.size()) ||
          h == static_cast<int>(problem->holders.size())) {
        continue;  // its participant is gone
      }
      candidate = static_cast<int>(problem->pairs.size());
      Pair pair;
      pair.company = c;
      pair.holder = h;
      pair.quality = std::max(m->quality(), 1e-6);
      problem->pairs.push_back(pair);
      problem->input.candidates.push_back({c, h, pair.quality});
      problem->pair_of[key] = candidate;
    }
    kept.push_back({candidate, m->slot() - 1, m->table() - 1});
  }
  // Kept meetings stand even where a limit has since fallen below them (a
  // participant that cancelled after some of its meetings took place):
  // such a participant gets no new meeting.
  {
    std::vector<int> company_kept(problem->input.company_limits.size()),
        holder_kept(problem->input.holder_limits.size());
    for (const auto& k : kept) {
      const auto& c = problem->input.candidates[k.candidate];
      ++company_kept[c.company];
      ++holder_kept[c.holder];
    }
    for (size_t i = 0; i < company_kept.size(); ++i) {
      int& limit = problem->input.company_limits[i];
      limit = std::max(limit, company_kept[i]);
    }
    for (size_t i = 0; i < holder_kept.size(); ++i) {
      int& limit = problem->input.holder_limits[i];
      limit = std::max(limit, holder_kept[i]);
    }
  }
  const absl::Time solve_start = absl::Now();
  auto plan = matcher::Replan(problem->input, kept);
  if (!plan.ok()) return plan.status();
  const double solve_ms = absl::ToDoubleMilliseconds(absl::Now() - solve_start);
  absl::Status s = matcher::CheckPlan(problem->input, *plan);
  if (!s.ok()) return absl::InternalError(s.message());
  std::set<int> kept_candidates;
  for (const auto& k : kept) kept_candidates.insert(k.candidate);
  std::vector<matcher::PlannedMeeting> added;
  for (const auto& m : plan->meetings) {
    if (!kept_candidates.count(m.candidate)) added.push_back(m);
  }
  std::vector<int> chosen;
  for (const auto& m : added) chosen.push_back(m.candidate);
  absl::flat_hash_map<int, v1::Explanation> why;
  s = ExplainTopics(ctx, *problem, chosen, &why);
  if (!s.ok()) return s;
  int number = NextMeetingNumber(*data);
  const int version = e.plan().version() + 1;
  for (const auto& planned : added) {
    v1::Meeting m =
        MakeMeeting(e, *problem, planned, MeetingId(number), version, why);
    e.set_last_meeting_number(number++);
    writes->Put(EntityKind::kMeeting, MeetingKey(e.id(), m.id()), m);
    response.add_added_meeting_ids(m.id());
    data->meetings.push_back(std::move(m));
  }
  v1::PlanSummary* summary = e.mutable_plan();
  summary->set_version(version);
  summary->set_meetings(static_cast<int>(plan->meetings.size()));
  summary->set_total_quality(plan->total_quality);
  summary->set_candidate_pairs(static_cast<int>(problem->pairs.size()));
  summary->set_wished_pairs(problem->wished);
  summary->set_refused_pairs(problem->refused);
  summary->set_kept(static_cast<int>(kept.size()));
  summary->set_added(static_cast<int>(added.size()));
  summary->set_cancelled(response.cancelled_meeting_ids_size());
  summary->set_solve_ms(solve_ms);
  summary->set_total_ms(absl::ToDoubleMilliseconds(absl::Now() - started));
  summary->set_optimality(
      "re-plan: every surviving meeting kept in its slot and at its table; "
      "freed places filled by a maximum-weight matching of the remaining "
      "limits");
  summary->set_planned_unix(NowUnix());
  e.set_updated_unix(NowUnix());
  writes->Put(EntityKind::kEvent, e.id(), e);
  return response;
}

}  // namespace patentmatch
