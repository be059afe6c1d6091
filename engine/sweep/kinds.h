// Series and summaries per courtyard kind (internal to engine/sweep).
//
// A kind is a scenario's `courtyard_kinds` entry (its name); the explicitly described courtyards form
// one more group, labelled "(explicit)". A kind's value of a metric at a record is computed from the
// courtyard values as recorded (float32, /timeseries/<metric>) the way the subdistrict's is from the
// engine's terms (sim/metrics.h, MetricWeight): sums (counts, money) are summed over the kind's
// courtyards; shares and means are weighted by each courtyard's flats, or by its occupied flats (flats -
// vacancy_share x flats, rounded: needs vacancy_share among the recorded metrics); courtyards whose
// value is NaN (nothing to measure: no meeting yet, no resident) are left out, and a kind with none left
// is NaN. Sums are taken in courtyard order in double precision. The move-out rates are weighted by
// household-weeks at risk, which no file holds: they have no per-kind series.
//
// Full runs (collect, from the run file) and summary runs (run.cpp, from the same float32 values while
// running) go through the same function, so the two give the same per-kind summaries.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "sim/metrics.h"

namespace courtyard::sweep {

inline constexpr const char* kExplicitKind = "(explicit)";

struct KindGroups {
  std::vector<std::string> names;  // in order of first appearance among the courtyards
  std::vector<int32_t> of;         // per courtyard: index into names
  std::vector<double> flats;       // per courtyard
};

// `kind` per courtyard as /courtyards/kind holds it ("" for an explicit courtyard), flats per courtyard.
KindGroups group_courtyards(const std::vector<std::string>& kind, const std::vector<double>& flats);

// Whether a metric (by name) has per-kind series; `residents_known`: vacancy_share is recorded.
bool has_kind_series(const std::string& metric, bool residents_known);

// One metric's per-kind series (kind x time, kind-major) from its (time x courtyard) float32 array;
// `vacancy` is vacancy_share's array (empty when not recorded; needed for kResidents).
std::vector<double> kind_series(MetricWeight weight, std::span<const float> values, std::span<const float> vacancy,
                                const KindGroups& groups, size_t records);

// A full run file's per-kind series of `metrics` (those that have per-kind series in that file).
struct RunKinds {
  KindGroups groups;
  std::vector<int32_t> steps;
  std::map<std::string, std::vector<double>> series;  // metric -> (kind x time)
};
RunKinds kind_series_from_run_file(const std::string& path, const std::vector<std::string>& metrics);

// One record's values of one metric per kind (out: one per kind) from its courtyard values; `vacancy`
// (the record's vacancy_share per courtyard) is needed for kResidents and may be empty otherwise.
void kind_values(MetricWeight weight, std::span<const float> values, std::span<const float> vacancy,
                 const KindGroups& groups, std::span<double> out);

}  // namespace courtyard::sweep
