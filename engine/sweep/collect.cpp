// Collecting a sweep: results.csv (one row per run), sweep.h5 (the design, the summaries, a link to
// every run's file and, for full runs, each subdistrict metric of every run as one virtual dataset),
// and SALib's files (salib/params.txt, X.txt, Y_<summary>.txt; one row per design point).
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

#include "core/errors.h"
#include "core/version.h"
#include "sweep/csv.h"
#include "sweep/h5.h"
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

}  // namespace

Collected collect(const std::string& dir, const Plan& plan, const Design& design, const Folder& folder) {
  Collected out;
  const size_t nrun = design.runs.size(), nsum = plan.summaries.size();
  out.rows = static_cast<int64_t>(nrun);

  // every run's state and summaries
  std::vector<RunState> state(nrun);
  std::vector<double> values(nrun * nsum, kNaN);
  for (size_t r = 0; r < nrun; ++r) {
    state[r] = folder.state(static_cast<int64_t>(r));
    if (state[r] == RunState::kBad) out.bad.push_back(static_cast<int64_t>(r));
    if (state[r] != RunState::kDone) continue;
    const std::string path = folder.run_path(static_cast<int64_t>(r));
    const std::vector<double> v = folder.summary_only() ? summaries_from_summary_file(plan, path)
                                                        : summaries_from_run_file(plan, path);
    std::copy(v.begin(), v.end(), values.begin() + static_cast<std::ptrdiff_t>(r * nsum));
    ++out.done;
  }

  // results.csv
  std::string csv = "run,point,replicate,seed";
  for (const Axis& a : plan.axes) csv += "," + csv_field(a.name);
  csv += ",status";
  for (const Summary& s : plan.summaries) csv += "," + csv_field(s.name);
  csv += "\n";
  for (size_t r = 0; r < nrun; ++r) {
    const Run& run = design.runs[r];
    csv += std::to_string(run.index) + "," + std::to_string(run.point) + "," + std::to_string(run.replicate) + "," +
           std::to_string(run.seed);
    for (const std::string& v : run.values) csv += "," + csv_field(v);
    csv += std::string(",") + state_name(state[r]);
    for (size_t k = 0; k < nsum; ++k) csv += "," + number(values[r * nsum + k]);
    csv += "\n";
  }
  publish((fs::path(dir) / "results.csv").string(), csv);
  out.files.push_back("results.csv");

  // sweep.h5
  {
    const std::string path = (fs::path(dir) / "sweep.h5").string();
    const std::string temp = temporary_name(path);
    try {
      h5::Writer w(temp);
      const hid_t root = w.root();
      w.attr(root, "title", "courtyard sweep: " + plan.name);
      w.attr(root, "sweep_name", plan.name);
      w.attr(root, "design", design_name(plan.design.kind));
      w.attr(root, "points", design.points);
      w.attr(root, "replicates", static_cast<int64_t>(plan.replicates));
      w.attr(root, "runs", static_cast<int64_t>(nrun));
      w.attr(root, "runs_done", out.done);
      w.attr_u64(root, "seed", plan.seed);
      w.attr_i8(root, "common_random_numbers", plan.common_random_numbers ? 1 : 0);
      w.attr(root, "keep", plan.summary_only ? "summary" : "full");
      w.attr(root, "identity", sweep_identity(plan, design_csv(plan, design)));
      w.attr(root, "engine_version", engine_version());
      w.attr(root, "git_commit", git_commit());
      w.attr(root, "created_utc", utc_now());

      // the design, one dataset per column
      const hid_t dg = w.group("design");
      std::vector<int64_t> index, point, replicate;
      std::vector<uint64_t> seed;
      for (const Run& run : design.runs) {
        index.push_back(run.index);
        point.push_back(run.point);
        replicate.push_back(run.replicate);
        seed.push_back(run.seed);
      }
      w.array(dg, "run", index);
      w.array(dg, "point", point);
      w.array(dg, "replicate", replicate);
      w.array_u64(dg, "seed", seed);
      for (size_t a = 0; a < plan.axes.size(); ++a) {
        if (plan.axes[a].numeric) {
          std::vector<double> col;
          for (const Run& run : design.runs) col.push_back(as_number(run.values[a]));
          w.array(dg, plan.axes[a].name, col);
        } else {
          std::vector<std::string> col;
          for (const Run& run : design.runs) col.push_back(run.values[a]);
          w.array(dg, plan.axes[a].name, col);
        }
        // the scenario field each column sets
        h5::Handle d(H5Dopen2(dg, plan.axes[a].name.c_str(), H5P_DEFAULT), H5Dclose);
        w.attr(d.get(), "path", plan.axes[a].path);
      }

      // the summaries and each run's state
      const hid_t rg = w.group("results");
      std::vector<std::string> status;
      for (RunState s : state) status.push_back(state_name(s));
      w.array(rg, "status", status);
      for (size_t k = 0; k < nsum; ++k) {
        std::vector<double> col(nrun);
        for (size_t r = 0; r < nrun; ++r) col[r] = values[r * nsum + k];
        w.array(rg, plan.summaries[k].name, col);
      }

      // every done run's file, by an external link (paths relative to DIR)
      const hid_t lg = w.group("runs");
      std::vector<std::string> sources(nrun);
      for (size_t r = 0; r < nrun; ++r) {
        if (state[r] != RunState::kDone) continue;
        sources[r] = (fs::path("runs") / fs::path(folder.run_path(static_cast<int64_t>(r))).filename()).string();
        w.external_link(lg, folder.run_name(static_cast<int64_t>(r)), sources[r], "/");
      }

      // full runs: each subdistrict metric as a (run, time) virtual dataset, when every done run has the
      // same record steps
      if (!folder.summary_only() && out.done > 0) {
        std::vector<int32_t> steps;
        std::vector<std::string> metrics;
        bool same = true;
        for (size_t r = 0; r < nrun && same; ++r) {
          if (state[r] != RunState::kDone) continue;
          const h5::Reader f(folder.run_path(static_cast<int64_t>(r)));
          const std::vector<int32_t> s = f.ints("timeseries/step");
          if (metrics.empty()) {
            steps = s;
            for (const Summary& sum : plan.summaries)
              if (std::find(metrics.begin(), metrics.end(), sum.metric) == metrics.end()) metrics.push_back(sum.metric);
          } else if (s != steps) {
            same = false;
          }
        }
        if (same) {
          const hid_t sg = w.group("subdistrict");
          w.array(sg, "step", steps);
          for (const std::string& m : metrics)
            w.virtual_rows(sg, m, sources, "/subdistrict/" + m, static_cast<int64_t>(steps.size()));
        }
      }
      w.close();
    } catch (...) {
      std::remove(temp.c_str());
      throw;
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
      std::remove(temp.c_str());
      throw IoError("cannot write " + path);
    }
    out.files.push_back("sweep.h5");
  }

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
    std::string x;
    for (int64_t p = 0; p < design.points; ++p) {
      const Run& first = design.runs[static_cast<size_t>(p * plan.replicates)];
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
        for (int32_t rep = 0; rep < plan.replicates; ++rep) {
          const double v = values[static_cast<size_t>(p * plan.replicates + rep) * nsum + k];
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
