// From a plan to its frozen list of runs: design points mapped onto the axes, replicates, seeds; and
// design.csv, the list as a file (the same sweep file gives the same bytes).
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "sweep/csv.h"
#include "sweep/sweep.h"

namespace courtyard::sweep {

namespace {

// A sampled coordinate u in [0,1) as the axis's value: uniform in [min, max), or for an integer field
// each whole number of [min, max] with the same chance.
std::string sampled_value(const Axis& a, double u) {
  char buf[64];
  if (a.integer) {
    const double span = a.max - a.min + 1;
    const double x = std::min(a.max, a.min + std::floor(u * span));
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(x));
    return std::string(buf, r.ptr);
  }
  const double x = a.min + u * (a.max - a.min);
  const auto r = std::to_chars(buf, buf + sizeof buf, x);  // shortest text that reads back as x
  return std::string(buf, r.ptr);
}

}  // namespace

Design make_design(const Plan& plan) {
  Design d;
  const int dims = static_cast<int>(plan.axes.size());
  std::vector<std::vector<std::string>> points;  // (point x axis) values
  const DesignSettings& s = plan.design;
  if (s.kind == DesignKind::kFactorial) {
    std::vector<int32_t> levels;
    for (const Axis& a : plan.axes) levels.push_back(static_cast<int32_t>(a.values.size()));
    for (const auto& combo : factorial(levels)) {
      std::vector<std::string> row;
      for (int i = 0; i < dims; ++i) row.push_back(plan.axes[i].values[combo[i]]);
      points.push_back(std::move(row));
    }
  } else {
    switch (s.kind) {
      case DesignKind::kLatinHypercube: d.unit = latin_hypercube(s.points, dims, s.centered, plan.seed); break;
      case DesignKind::kSobol: d.unit = sobol_points(s.points, dims, s.skip, s.scramble, plan.seed); break;
      case DesignKind::kSaltelli:
        d.unit = saltelli(s.points, dims, s.second_order, s.skip, s.scramble, plan.seed);
        break;
      case DesignKind::kFactorial: break;
    }
    for (int64_t p = 0; p < d.unit.rows; ++p) {
      std::vector<std::string> row;
      for (int i = 0; i < dims; ++i) row.push_back(sampled_value(plan.axes[i], d.unit.at(p, i)));
      points.push_back(std::move(row));
    }
  }

  // runs: replicates of each point in turn; seeds by replicate (common random numbers) or by run
  d.points = static_cast<int64_t>(points.size());
  d.runs.reserve(static_cast<size_t>(d.points) * static_cast<size_t>(plan.replicates));
  for (int64_t p = 0; p < d.points; ++p)
    for (int32_t r = 0; r < plan.replicates; ++r) {
      Run run;
      run.index = p * plan.replicates + r;
      run.point = p;
      run.replicate = r;
      run.seed = run_seed(plan.seed, plan.common_random_numbers ? static_cast<uint64_t>(r) : static_cast<uint64_t>(run.index));
      run.values = points[static_cast<size_t>(p)];
      d.runs.push_back(std::move(run));
    }
  return d;
}

std::string design_csv(const Plan& plan, const Design& design) {
  std::string out = "run,point,replicate,seed";
  for (const Axis& a : plan.axes) out += "," + csv_field(a.name);
  out += "\n";
  for (const Run& r : design.runs) {
    out += std::to_string(r.index) + "," + std::to_string(r.point) + "," + std::to_string(r.replicate) + "," +
           std::to_string(r.seed);
    for (const std::string& v : r.values) out += "," + csv_field(v);
    out += "\n";
  }
  return out;
}

std::vector<std::string> run_overrides(const Plan& plan, const Run& run) {
  std::vector<std::string> out;
  for (size_t i = 0; i < plan.axes.size(); ++i) out.push_back(plan.axes[i].path + "=" + run.values[i]);
  out.push_back("run.seed=" + std::to_string(run.seed));
  return out;
}

std::vector<int64_t> task_share(int64_t runs, int64_t task, int64_t tasks) {
  if (tasks < 1 || task < 0 || task >= tasks) throw std::invalid_argument("task must be in [0, tasks)");
  std::vector<int64_t> out;
  for (int64_t r = task; r < runs; r += tasks) out.push_back(r);
  return out;
}

}  // namespace courtyard::sweep
