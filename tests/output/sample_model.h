// A small hand-built Model and deterministic record values for the result-file tests and for
// write_sample_run_file (which feeds tests/python/check_xarray.py).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "model/events.h"
#include "model/model.h"
#include "output/run_file.h"

namespace courtyard::testing {

// ncourtyard courtyards in two communities, households 10, 11, 12, ... each; start 2015-01-05.
inline Model make_sample_model(int32_t ncourtyard, int32_t block_records, int32_t steps = 20,
                               int32_t record_every = 2) {
  Model m;
  m.seed = 18446744073709551557ull;  // above 2^63: checks the unsigned attribute
  m.steps = steps;
  m.start_date = Date{2015, 1, 5};
  m.output.record_every = record_every;
  m.output.block_records = block_records;
  m.subdistrict_name = "Jiangdong";
  m.community_names = {"north", "south"};
  m.kind_names = {"danwei_1980s", "commercial_2000s"};
  m.scenario_name = "sample";
  m.scenario_text = "name: \"sample\"\nseed: 18446744073709551557\n# 中文 comment\n";
  m.scenario_sha256 = std::string(64, 'a');
  m.household_offset.push_back(0);
  for (int32_t c = 0; c < ncourtyard; ++c) {
    CourtyardSpec s;
    s.name = "courtyard " + std::to_string(c) + (c == 0 ? " 东院" : "");
    s.kind = c % 3 == 2 ? -1 : c % 2;  // every third courtyard described explicitly
    s.community = c % 2;
    s.households = 10 + c;
    s.stairwells = 1 + c % 4;
    s.floors = 5 + c % 3;
    s.build_year = 1980 + c;
    s.fee_per_month = 0.5 * c;
    s.initial_fund = 1000.0 + c;
    s.management = static_cast<Management>(c % 3);
    s.flat_area_m2 = 55.25 + c;
    m.courtyards.push_back(s);
    m.household_offset.push_back(m.household_offset.back() + s.households);
  }
  return m;
}

// nmetric metric columns; the first few have real-looking names.
inline std::vector<MetricColumn> sample_metrics(int32_t nmetric) {
  const std::vector<MetricColumn> named = {
      {"collection_rate", "1", "share of households that paid the fee"},
      {"fund_balance", "yuan", "maintenance fund balance"},
      {"disorder", "1", "visible disorder"},
  };
  std::vector<MetricColumn> out;
  for (int32_t k = 0; k < nmetric; ++k) {
    if (k < static_cast<int32_t>(named.size()))
      out.push_back(named[static_cast<size_t>(k)]);
    else
      out.push_back({"metric_" + std::to_string(k), "1", "test metric " + std::to_string(k)});
  }
  return out;
}

// The value of metric m for courtyard c after `step` steps: smooth in time, different everywhere.
inline float sample_value(int32_t m, int32_t step, int32_t c) {
  return static_cast<float>(m) * 100.f + static_cast<float>(step) +
         0.25f * static_cast<float>(std::sin(0.1 * step + 0.7 * c)) + 0.001f * static_cast<float>(c % 997);
}
inline double sample_subdistrict(int32_t m, int32_t step) { return m * 1000.0 + step * 0.5; }

// One record's values, metric-major, as RunFile::append_record takes them.
inline void sample_record(int32_t nmetric, int32_t ncourtyard, int32_t step, std::vector<float>* cy,
                          std::vector<double>* sd) {
  cy->resize(static_cast<size_t>(nmetric) * static_cast<size_t>(ncourtyard));
  sd->resize(static_cast<size_t>(nmetric));
  for (int32_t m = 0; m < nmetric; ++m) {
    for (int32_t c = 0; c < ncourtyard; ++c)
      (*cy)[static_cast<size_t>(m) * static_cast<size_t>(ncourtyard) + static_cast<size_t>(c)] =
          sample_value(m, step, c);
    (*sd)[static_cast<size_t>(m)] = sample_subdistrict(m, step);
  }
}

// A few events of every type, in (step, courtyard) order.
inline std::vector<Event> sample_events(int32_t ncourtyard, int32_t steps) {
  std::vector<Event> out;
  int16_t type = 0;
  for (int32_t s = 1; s <= steps; s += 3) {
    for (int32_t c = 0; c < ncourtyard; c += 2) {
      Event e;
      e.step = s;
      e.courtyard = c;
      e.type = static_cast<EventType>(type);
      type = static_cast<int16_t>((type + 1) % static_cast<int16_t>(EventType::kCount));
      e.rule = static_cast<int16_t>(s % 3);
      e.subject = c + 1;
      e.caller = s * 10 + c;
      e.attendees = 20 + c;
      e.yes = 12;
      e.no = 5;
      e.abstain = 3;
      e.outcome = (s + c) % 2;
      e.amount = 1234.5 + s;
      e.share = 0.75f;
      out.push_back(e);
    }
  }
  return out;
}

// Household snapshots of the sample model: the layout of snapshot_households(m) (flats dealt to the
// courtyard's stairwells in blocks, floors bottom-up, as the engine does) and each record's tenure
// and paid, different for every (step, household) and covering every value (tenure 0..2, paid 0..1;
// vacant flats never paid).
inline HouseholdLayout sample_layout(const Model& m) {
  HouseholdLayout layout;
  for (const int32_t c : m.output.household_snapshots) {
    const CourtyardSpec& spec = m.courtyards[static_cast<size_t>(c)];
    const int64_t n = spec.households;
    const int64_t per_stairwell = (n + spec.stairwells - 1) / spec.stairwells;
    const int64_t per_floor = std::max<int64_t>(1, (per_stairwell + spec.floors - 1) / spec.floors);
    for (int64_t slot = 0; slot < n; ++slot) {
      layout.stairwell.push_back(static_cast<int16_t>(slot / per_stairwell));
      layout.floor.push_back(static_cast<int16_t>(1 + (slot % per_stairwell) / per_floor));
    }
  }
  return layout;
}
inline int8_t sample_tenure(int32_t step, size_t i) {
  return static_cast<int8_t>((static_cast<size_t>(step) / 2 + i) % 3);
}
inline int8_t sample_paid(int32_t step, size_t i) {
  return sample_tenure(step, i) == 2 ? 0 : static_cast<int8_t>((static_cast<size_t>(step) + 3 * i) % 5 < 3);
}
inline int8_t sample_civic(int32_t step, size_t i) {
  return sample_tenure(step, i) == 2 ? 0 : static_cast<int8_t>((static_cast<size_t>(step) * 7 + 5 * i) % 128);
}
inline void sample_snapshot(size_t nhousehold, int32_t step, std::vector<int8_t>* tenure,
                            std::vector<int8_t>* paid, std::vector<int8_t>* civic) {
  tenure->resize(nhousehold);
  paid->resize(nhousehold);
  civic->resize(nhousehold);
  for (size_t i = 0; i < nhousehold; ++i) {
    (*tenure)[i] = sample_tenure(step, i);
    (*paid)[i] = sample_paid(step, i);
    (*civic)[i] = sample_civic(step, i);
  }
}

}  // namespace courtyard::testing
