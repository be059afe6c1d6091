// From a plan to its frozen list of runs: design points mapped onto the axes, replicates, seeds; and
// design.csv, the list as a file (the same sweep file gives the same bytes).
#include <charconv>
#include <cmath>
#include <cstdlib>
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

// A Morris grid coordinate u in [0,1] as the axis's value: min + u (max - min), as SALib scales its
// samples; for an integer field the whole number (the bounds make every level whole).
std::string grid_value(const Axis& a, double u) {
  char buf[64];
  const double x = u * (a.max - a.min) + a.min;
  if (a.integer) {
    const auto r = std::to_chars(buf, buf + sizeof buf, std::llround(x));
    return std::string(buf, r.ptr);
  }
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

int level_index(const Axis& a, const std::string& value) {
  for (size_t k = 0; k < a.values.size(); ++k)
    if (a.values[k] == value) return static_cast<int>(k);
  throw std::invalid_argument("\"" + value + "\" is not a level of axis " + a.name);
}

}  // namespace

std::vector<std::string> link_values(const Axis& a, const std::string& value) {
  std::vector<std::string> out;
  if (a.kind == Axis::Kind::kTuples) {
    const int k = level_index(a, value);
    for (const Link& l : a.links) out.push_back(l.values.at(static_cast<size_t>(k)));
  } else if (a.kind == Axis::Kind::kDerived) {
    const double x = std::strtod(value.c_str(), nullptr);
    for (const Link& l : a.links) out.push_back(link_value_text(l.expr.eval(x)));
  }
  return out;
}

std::vector<std::string> axis_overrides(const Axis& a, const std::string& value) {
  std::vector<std::string> out;
  switch (a.kind) {
    case Axis::Kind::kField: out.push_back(a.path + "=" + value); break;
    case Axis::Kind::kDerived:
      if (!a.path.empty()) out.push_back(a.path + "=" + value);
      [[fallthrough]];
    case Axis::Kind::kTuples: {
      const std::vector<std::string> v = link_values(a, value);
      for (size_t j = 0; j < a.links.size(); ++j) out.push_back(a.links[j].path + "=" + v[j]);
      break;
    }
    case Axis::Kind::kCases: out = a.cases.at(static_cast<size_t>(level_index(a, value))); break;
  }
  return out;
}

std::vector<std::string> design_columns(const Plan& plan) {
  std::vector<std::string> out;
  for (const Axis& a : plan.axes) {
    out.push_back(a.name);
    for (const Link& l : a.links) out.push_back(l.path);
  }
  return out;
}

std::vector<std::string> design_row(const Plan& plan, const Run& run) {
  std::vector<std::string> out;
  for (size_t i = 0; i < plan.axes.size(); ++i) {
    out.push_back(run.values[i]);
    if (!plan.axes[i].links.empty())
      for (std::string& v : link_values(plan.axes[i], run.values[i])) out.push_back(std::move(v));
  }
  return out;
}

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
      case DesignKind::kMorris: d.unit = morris(s.points, dims, s.levels, plan.seed); break;
      case DesignKind::kFactorial: break;
    }
    for (int64_t p = 0; p < d.unit.rows; ++p) {
      std::vector<std::string> row;
      for (int i = 0; i < dims; ++i)
        row.push_back(s.kind == DesignKind::kMorris ? grid_value(plan.axes[i], d.unit.at(p, i))
                                                    : sampled_value(plan.axes[i], d.unit.at(p, i)));
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
  for (const std::string& c : design_columns(plan)) out += "," + csv_field(c);
  out += "\n";
  for (const Run& r : design.runs) {
    out += std::to_string(r.index) + "," + std::to_string(r.point) + "," + std::to_string(r.replicate) + "," +
           std::to_string(r.seed);
    for (const std::string& v : design_row(plan, r)) out += "," + csv_field(v);
    out += "\n";
  }
  return out;
}

std::vector<std::string> run_overrides(const Plan& plan, const Run& run) {
  std::vector<std::string> out;
  for (size_t i = 0; i < plan.axes.size(); ++i)
    for (std::string& o : axis_overrides(plan.axes[i], run.values[i])) out.push_back(std::move(o));
  out.push_back("run.seed=" + std::to_string(run.seed));
  return out;
}

std::vector<int64_t> task_share(int64_t runs, int64_t task, int64_t tasks) {
  if (tasks < 1 || task < 0 || task >= tasks) throw std::invalid_argument("task must be in [0, tasks)");
  std::vector<int64_t> out;
  for (int64_t r = task; r < runs; r += tasks) out.push_back(r);
  return out;
}

std::vector<int64_t> task_block(const std::vector<int64_t>& list, int64_t task, int64_t per_task) {
  if (task < 0 || per_task < 1) throw std::invalid_argument("task must be >= 0 and per_task >= 1");
  std::vector<int64_t> out;
  const auto n = static_cast<int64_t>(list.size());
  if (task > n / per_task) return out;
  for (int64_t k = task * per_task; k < std::min(n, (task + 1) * per_task); ++k) out.push_back(list[static_cast<size_t>(k)]);
  return out;
}

}  // namespace courtyard::sweep
