// sweep.h5, the sweep's analysis file (internal to engine/sweep; collect.cpp gathers, this writes).
//
// netCDF-4 style, so that xarray opens it with engine="h5netcdf" (docs/sweeps.md, "sweep.h5"):
//   /          dimensions run, time, kind (HDF5 dimension scales); coordinates along run: point,
//              replicate, seed, status and every parameter column of design.csv; step along time;
//              <metric> (run, time): each subdistrict series, a virtual dataset over the run files;
//              <metric>_by_kind (run, kind, time): the series per courtyard kind (sweep/kinds.h)
//   /summary   the same coordinates; <summary> (run) and <summary>_by_kind (run, kind)
//   /runs      run-NNNNN: an external link to each done run's file
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sweep/sweep.h"

namespace courtyard::sweep {

// One column of design.csv after run, point, replicate and seed: whatever the design exposes (one per
// axis, one per linked field), taken from design_csv itself so that new kinds of columns follow.
struct ParameterColumn {
  std::string name;               // the column's name
  std::string path;               // the scenario field an axis of this name sets ("" if none)
  bool numeric = true;            // an axis's own type; other columns: every value reads as a number
  std::vector<std::string> text;  // one per run, as in design.csv
};
std::vector<ParameterColumn> parameter_columns(const Plan& plan, const Design& design);

// A CSV text (RFC 4180: quoted fields, "" inside quotes) as rows of fields.
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

// The records shared by every done run of a full sweep (its time axis), when they agree.
struct TimeAxis {
  std::vector<int32_t> steps;
  std::vector<double> days;  // /subdistrict/time of the first done run
  std::map<std::string, std::string> attrs;  // its units, calendar, standard_name, axis, long_name
};

// What collect gathered, for the summary group.
struct Gathered {
  std::vector<RunState> state;           // per run
  std::vector<double> summaries;         // (run x summary)
  std::vector<std::string> kinds;        // every kind of every done run, in order of first appearance
  std::vector<bool> kind_summary;        // per summary: whether its metric has per-kind values
  std::vector<double> kind_summaries;    // (run x kind x summary), NaN where a run lacks the kind
};

class SweepFile {
 public:
  // Creates DIR/sweep.h5 under a temporary name: root attributes, coordinates, links and, when `time`
  // is given (full runs that agree on their records), the series `metrics` (subdistrict) and the
  // per-kind series of `kind_metrics` (filled by add_kind_series).
  SweepFile(const std::string& dir, const Plan& plan, const Design& design, const Folder& folder,
            const std::vector<ParameterColumn>& columns, const Gathered& gathered, const TimeAxis* time,
            const std::vector<std::string>& metrics, const std::vector<std::string>& kind_metrics);
  ~SweepFile();  // removes the temporary file unless finish() was called
  SweepFile(const SweepFile&) = delete;
  SweepFile& operator=(const SweepFile&) = delete;
  // One run's per-kind series: metric -> (kind x time) in the order of gathered.kinds (NaN rows for
  // kinds the run lacks).
  void add_kind_series(int64_t run, const std::map<std::string, std::vector<double>>& series);
  // Writes the summary group from `gathered`, closes the file and renames it to DIR/sweep.h5.
  void finish(const Gathered& gathered);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace courtyard::sweep
