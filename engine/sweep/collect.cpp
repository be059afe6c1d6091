// Collecting a sweep: results.csv (one row per run), results_by_kind.csv (one row per run and courtyard
// kind), sweep.h5 (sweep_file.h: the design's columns as coordinates along run, the summaries, the
// series of full runs, per kind too, and a link to every run's file) and SALib's files
// (salib/params.txt, X.txt, Y_<summary>.txt; one row per design point).
//
// Numbers are written in the shortest form that reads back as the same double, so results.csv holds
// exactly the values of the run files. A run that is not done has empty summary cells (NaN in pandas);
// in Y files a point whose replicates all failed or are missing reads "nan".
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include "core/errors.h"
#include "core/version.h"
#include "sweep/csv.h"
#include "sweep/h5.h"
#include "sweep/kinds.h"
#include "sweep/sweep_file.h"
#include "sweep/sweep.h"
#include "sweep/util.h"

namespace courtyard::sweep {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string number(double x) {
  if (std::isnan(x)) return "";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

const char* state_name(RunState s) {
  switch (s) {
    case RunState::kDone: return "done";
    case RunState::kFailed: return "failed";
    case RunState::kMissing: return "missing";
    case RunState::kBad: return "bad";
  }
  return "?";
}

// Writes under a temporary name, then renames.
void publish(const std::string& path, const std::string& text) {
  const std::string temp = temporary_name(path);
  write_file(temp, text);
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw IoError("cannot write " + path);
  }
}

double as_number(const std::string& s) {
  double x = kNaN;
  std::from_chars(s.data(), s.data() + s.size(), x);
  return x;
}

size_t kind_index(const Gathered& g, const std::string& kind) {
  return static_cast<size_t>(std::find(g.kinds.begin(), g.kinds.end(), kind) - g.kinds.begin());
}

// results.csv and results_by_kind.csv: the design's columns, the status, the summaries (per kind).
void write_tables(const std::string& dir, const Plan& plan, const Design& design,
                  const std::vector<ParameterColumn>& columns, const Gathered& g, Collected* collected) {
  const size_t nrun = design.runs.size(), nsum = plan.summaries.size(), nk = g.kinds.size();
  std::string head = "run,point,replicate,seed";
  for (const ParameterColumn& c : columns) head += "," + csv_field(c.name);
  head += ",status";
  std::string csv = head, by_kind = head + ",kind";
  for (const Summary& s : plan.summaries) csv += "," + csv_field(s.name);
  for (size_t k = 0; k < nsum; ++k)
    if (g.kind_summary[k]) by_kind += "," + csv_field(plan.summaries[k].name);
  csv += "\n";
  by_kind += "\n";
  for (size_t r = 0; r < nrun; ++r) {
    const Run& run = design.runs[r];
    std::string row = std::to_string(run.index) + "," + std::to_string(run.point) + "," + std::to_string(run.replicate) +
                      "," + std::to_string(run.seed);
    for (const ParameterColumn& c : columns) row += "," + csv_field(c.text[r]);
    row += std::string(",") + state_name(g.state[r]);
    csv += row;
    for (size_t k = 0; k < nsum; ++k) csv += "," + number(g.summaries[r * nsum + k]);
    csv += "\n";
    for (size_t j = 0; j < nk; ++j) {
      by_kind += row + "," + csv_field(g.kinds[j]);
      for (size_t k = 0; k < nsum; ++k)
        if (g.kind_summary[k]) by_kind += "," + number(g.kind_summaries[(r * nk + j) * nsum + k]);
      by_kind += "\n";
    }
  }
  publish((fs::path(dir) / "results.csv").string(), csv);
  collected->files.push_back("results.csv");
  publish((fs::path(dir) / "results_by_kind.csv").string(), by_kind);
  collected->files.push_back("results_by_kind.csv");

}

// The run's per-kind summaries into g (row `run`), and its per-kind series in g.kinds' order (kind x
// time) into *rows when `series`.
void gather_kinds(const Plan& plan, const RunKinds& rk, size_t run, bool series, Gathered* g,
                  std::map<std::string, std::vector<double>>* rows) {
  const size_t nsum = plan.summaries.size(), nk = g->kinds.size(), records = rk.steps.size();
  for (size_t j = 0; j < rk.groups.names.size(); ++j) {
    const size_t kind = kind_index(*g, rk.groups.names[j]);
    if (kind == nk) continue;  // not seen in the first pass (the file changed since)
    std::map<std::string, std::vector<double>> one;
    for (const auto& [m, s] : rk.series) {
      one[m].assign(s.begin() + static_cast<std::ptrdiff_t>(j * records), s.begin() + static_cast<std::ptrdiff_t>((j + 1) * records));
      if (!series) continue;
      std::vector<double>& row = (*rows)[m];
      if (row.empty()) row.assign(nk * records, kNaN);
      std::copy(one[m].begin(), one[m].end(), row.begin() + static_cast<std::ptrdiff_t>(kind * records));
    }
    const std::vector<double> ks = evaluate_summaries(plan, rk.steps, one);
    for (size_t k = 0; k < nsum; ++k)
      if (g->kind_summary[k]) g->kind_summaries[(run * nk + kind) * nsum + k] = ks[k];
  }
}

// A summary file's per-kind summaries (its /by_kind group) into g (row `run`).
void gather_kinds(const Plan& plan, const std::string& path, size_t run, Gathered* g) {
  const h5::Reader f(path);
  if (!f.has("by_kind/kind")) return;  // written before per-kind summaries existed
  const size_t nsum = plan.summaries.size(), nk = g->kinds.size();
  const std::vector<std::string> kinds = f.strings("by_kind/kind");
  for (size_t k = 0; k < nsum; ++k) {
    const std::string name = "by_kind/" + plan.summaries[k].name;
    if (!g->kind_summary[k] || !f.has(name)) continue;
    const std::vector<double> per = f.doubles(name);
    for (size_t j = 0; j < kinds.size() && j < per.size(); ++j)
      if (const size_t kind = kind_index(*g, kinds[j]); kind < nk) g->kind_summaries[(run * nk + kind) * nsum + k] = per[j];
  }
}

}  // namespace

Collected collect(const std::string& dir, const Plan& plan, const Design& design, const Folder& folder) {
  Collected out;
  const size_t nrun = design.runs.size(), nsum = plan.summaries.size();
  out.rows = static_cast<int64_t>(nrun);
  const std::vector<ParameterColumn> columns = parameter_columns(plan, design);

  // the metrics the summaries read: the series sweep.h5 stacks
  std::vector<std::string> metrics;
  for (const Summary& s : plan.summaries)
    if (std::find(metrics.begin(), metrics.end(), s.metric) == metrics.end()) metrics.push_back(s.metric);
  std::vector<std::string> kind_metrics;
  for (const std::string& m : metrics)
    if (has_kind_series(m, true)) kind_metrics.push_back(m);

  // first pass: every run's state, every done run's kinds and records
  Gathered g;
  g.state.resize(nrun);
  for (const Summary& s : plan.summaries)
    g.kind_summary.push_back(std::find(kind_metrics.begin(), kind_metrics.end(), s.metric) != kind_metrics.end());
  std::optional<TimeAxis> time;
  bool same_records = !folder.summary_only();
  for (size_t r = 0; r < nrun; ++r) {
    g.state[r] = folder.state(static_cast<int64_t>(r));
    if (g.state[r] == RunState::kBad) out.bad.push_back(static_cast<int64_t>(r));
    if (g.state[r] != RunState::kDone) continue;
    ++out.done;
    const h5::Reader f(folder.run_path(static_cast<int64_t>(r)));
    std::vector<std::string> kinds;
    if (!folder.summary_only()) {
      const std::vector<std::string> kind_of = f.strings("courtyards/kind");
      kinds = group_courtyards(kind_of, std::vector<double>(kind_of.size())).names;
      const std::vector<int32_t> steps = f.ints("timeseries/step");
      const std::string units = f.attr_text("subdistrict/time", "units");
      if (!time) {
        time = TimeAxis{steps, f.doubles("subdistrict/time"), {}};
        for (const char* a : {"units", "calendar", "long_name", "standard_name", "axis"})
          if (const std::string v = f.attr_text("subdistrict/time", a); !v.empty()) time->attrs[a] = v;
      } else if (steps != time->steps || units != time->attrs["units"]) {
        same_records = false;
      }
    } else if (f.has("by_kind/kind")) {
      kinds = f.strings("by_kind/kind");
    }
    for (const std::string& k : kinds)
      if (std::find(g.kinds.begin(), g.kinds.end(), k) == g.kinds.end()) g.kinds.push_back(k);
  }
  const size_t nk = g.kinds.size();
  const bool series = same_records && time.has_value();

  // second pass: the summaries of every done run, for the subdistrict and per kind, and the per-kind series
  SweepFile file(dir, plan, design, folder, columns, g, series ? &*time : nullptr, metrics, kind_metrics);
  g.summaries.assign(nrun * nsum, kNaN);
  g.kind_summaries.assign(nrun * nk * nsum, kNaN);
  for (size_t r = 0; r < nrun; ++r) {
    if (g.state[r] != RunState::kDone) continue;
    const std::string path = folder.run_path(static_cast<int64_t>(r));
    const std::vector<double> v = folder.summary_only() ? summaries_from_summary_file(plan, path)
                                                        : summaries_from_run_file(plan, path);
    std::copy(v.begin(), v.end(), g.summaries.begin() + static_cast<std::ptrdiff_t>(r * nsum));
    if (folder.summary_only()) {
      gather_kinds(plan, path, r, &g);
      continue;
    }
    std::map<std::string, std::vector<double>> rows;  // metric -> (kind x time) in g.kinds' order
    gather_kinds(plan, kind_series_from_run_file(path, kind_metrics), r, series, &g, &rows);
    if (series) file.add_kind_series(static_cast<int64_t>(r), rows);
  }

  write_tables(dir, plan, design, columns, g, &out);
  file.finish(g);
  out.files.push_back("sweep.h5");
  const std::vector<double>& values = g.summaries;

  // SALib: the problem, one row of X per design point and, per summary, the replicates' mean
  bool numeric = true;
  for (const Axis& a : plan.axes) numeric = numeric && a.numeric;
  if (numeric && !plan.axes.empty()) {
    const fs::path sd = fs::path(dir) / "salib";
    std::error_code ec;
    fs::create_directories(sd, ec);
    if (ec) throw OutputCreateError("cannot create " + sd.string() + ": " + ec.message());
    std::string params;
    for (const Axis& a : plan.axes) {
      double lo = a.min, hi = a.max;
      if (!a.sampled) {
        lo = hi = as_number(a.values.front());
        for (const std::string& v : a.values) {
          lo = std::min(lo, as_number(v));
          hi = std::max(hi, as_number(v));
        }
      }
      params += a.name + " " + number(lo) + " " + number(hi) + "\n";
    }
    publish((sd / "params.txt").string(), params);
    // each point's runs, by point number (a grown sweep numbers its runs otherwise than point by point)
    std::vector<std::vector<size_t>> of_point(static_cast<size_t>(design.points));
    for (size_t r = 0; r < design.runs.size(); ++r) of_point.at(static_cast<size_t>(design.runs[r].point)).push_back(r);
    std::string x;
    for (int64_t p = 0; p < design.points; ++p) {
      const Run& first = design.runs[of_point[static_cast<size_t>(p)].front()];
      for (size_t a = 0; a < first.values.size(); ++a) x += (a ? " " : "") + first.values[a];
      x += "\n";
    }
    publish((sd / "X.txt").string(), x);
    out.files.push_back("salib/params.txt");
    out.files.push_back("salib/X.txt");
    for (size_t k = 0; k < nsum; ++k) {
      std::string y;
      for (int64_t p = 0; p < design.points; ++p) {
        double sum = 0;
        int n = 0;
        for (size_t r : of_point[static_cast<size_t>(p)]) {
          const double v = values[r * nsum + k];
          if (!std::isnan(v)) {
            sum += v;
            ++n;
          }
        }
        y += n > 0 ? number(sum / n) : std::string("nan");
        y += "\n";
      }
      const std::string name = "Y_" + plan.summaries[k].name + ".txt";
      publish((sd / name).string(), y);
      out.files.push_back("salib/" + name);
    }
  }
  return out;
}

}  // namespace courtyard::sweep
