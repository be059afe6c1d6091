// Confidence intervals, the probe runner and the report files (table, CSV, markdown).
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "core/errors.h"
#include "patterns/patterns.h"
#include "scenario/scenario.h"

namespace courtyard::patterns {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

double mean_of(std::span<const double> xs) {
  double s = 0;
  for (double x : xs) s += x;
  return xs.empty() ? std::nan("") : s / static_cast<double>(xs.size());
}
}  // namespace

// ---------------------------------------------------------------------------------------------------
// intervals

double student_t_quantile(double p, double df) {
  boost::math::students_t dist(df);
  return boost::math::quantile(dist, p);
}

Interval t_interval(std::span<const double> xs, double level) {
  Interval out;
  out.n = static_cast<int64_t>(xs.size());
  if (xs.empty()) return {std::nan(""), std::nan(""), std::nan(""), 0};
  out.mean = mean_of(xs);
  if (xs.size() == 1) {
    out.low = -kInf;
    out.high = kInf;
    return out;
  }
  double ss = 0;
  for (double x : xs) ss += (x - out.mean) * (x - out.mean);
  const double n = static_cast<double>(xs.size());
  const double se = std::sqrt(ss / (n - 1) / n);
  const double half = se > 0 ? student_t_quantile(0.5 + level / 2, n - 1) * se : 0.0;
  out.low = out.mean - half;
  out.high = out.mean + half;
  return out;
}

Interval wilson_interval(int64_t successes, int64_t trials, double level) {
  if (trials <= 0) return {std::nan(""), std::nan(""), std::nan(""), 0};
  boost::math::normal_distribution<double> normal;
  const double z = boost::math::quantile(normal, 0.5 + level / 2);
  const double n = static_cast<double>(trials), p = static_cast<double>(successes) / n;
  const double denom = 1 + z * z / n;
  const double centre = (p + z * z / (2 * n)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom;
  return {p, std::max(0.0, centre - half), std::min(1.0, centre + half), trials};
}

Interval ratio_interval(std::span<const double> num, std::span<const double> den, double level) {
  if (num.size() != den.size()) throw std::invalid_argument("ratio_interval: unpaired values");
  const size_t k = num.size();
  if (k == 0) return {std::nan(""), std::nan(""), std::nan(""), 0};
  const double ma = mean_of(num), mb = mean_of(den);
  Interval out{ma / mb, -kInf, kInf, static_cast<int64_t>(k)};
  if (k < 2) return out;
  double va = 0, vb = 0, cab = 0;
  for (size_t i = 0; i < k; ++i) {
    va += (num[i] - ma) * (num[i] - ma);
    vb += (den[i] - mb) * (den[i] - mb);
    cab += (num[i] - ma) * (den[i] - mb);
  }
  const double n = static_cast<double>(k);
  va /= n - 1;
  vb /= n - 1;
  cab /= n - 1;
  const double r = out.mean;
  const double var = (va - 2 * r * cab + r * r * vb) / (n * mb * mb);
  const double se = std::sqrt(std::max(0.0, var));
  const double half = se > 0 ? student_t_quantile(0.5 + level / 2, n - 1) * se : 0.0;
  if (std::isfinite(r)) {
    out.low = r - half;
    out.high = r + half;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// context and probes

Context::Context(int seeds) : seeds_(seeds) {
  params_ = model_from_text("<patterns:defaults>", "run { steps: 1 }\ncourtyards { name: \"c\" }\n").params;
}

void Context::for_seeds(const std::function<void(int)>& fn) const {
  oneapi::tbb::parallel_for(1, seeds_ + 1, [&](int seed) { fn(seed); });
}

const std::vector<Probe>& all_probes() {
  static const std::vector<Probe> probes = [] {
    std::vector<Probe> out;
    add_lab_probes(out);
    add_courtyard_probes(out);
    add_case_probes(out);
    return out;
  }();
  return probes;
}

const Probe* find_probe(const std::string& name) {
  for (const Probe& p : all_probes())
    if (p.name == name) return &p;
  return nullptr;
}

std::string verdict_of(const Probe& p, const Interval& ci) {
  if (!std::isfinite(ci.mean)) return "fail";
  if (p.rule == Rule::kCiAboveLow) return ci.low > p.range_low ? "pass" : "fail";
  const bool above = p.low_open ? ci.mean > p.range_low : ci.mean >= p.range_low;
  const bool below = p.high_open ? ci.mean < p.range_high : ci.mean <= p.range_high;
  return above && below ? "pass" : "fail";
}

std::vector<Row> run_probes(const std::vector<const Probe*>& probes, int seeds,
                            const std::function<void(const Row&)>& on_row) {
  Context ctx(seeds);
  std::vector<Row> rows;
  for (const Probe* p : probes) {
    Row row;
    row.probe = p;
    const auto t0 = std::chrono::steady_clock::now();
    try {
      row.m = p->measure(ctx);
      row.verdict = verdict_of(*p, row.m.ci);
    } catch (const std::exception& e) {
      row.verdict = "error";
      row.error = e.what();
      row.m = Measurement{};
      row.m.ci = {std::nan(""), std::nan(""), std::nan(""), 0};
    }
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (on_row) on_row(row);
    rows.push_back(std::move(row));
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// output

namespace {

std::string num(double x) {
  if (std::isnan(x)) return "";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

std::string short_num(double x) {
  if (std::isnan(x)) return "-";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}

std::string range_text(const Probe& p) {
  return std::string(p.low_open ? "(" : "[") + short_num(p.range_low) + ", " + short_num(p.range_high) +
         (p.high_open || std::isinf(p.range_high) ? ")" : "]");
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

// The note column: the probe's caveats, the CI method, what else was measured, and any error.
std::string full_note(const Row& r) {
  std::string note;
  auto add = [&](const std::string& s) {
    if (s.empty()) return;
    if (!note.empty()) note += "; ";
    note += s;
  };
  if (r.verdict == "error") add("error: " + r.error);
  add(r.m.method.empty() ? "" : "CI: " + r.m.method);
  if (r.probe->rule == Rule::kCiAboveLow) add("verdict: pass when the whole CI lies above " + short_num(r.probe->range_low));
  add(r.m.note);
  add(r.probe->note);
  return note;
}

void open_out(std::ofstream& f, const std::string& path) {
  f.open(path, std::ios::binary | std::ios::trunc);
  if (!f) throw OutputCreateError("cannot write " + path);
}

}  // namespace

std::string format_table(const std::vector<Row>& rows) {
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof line, "%-28s %-9s %10s %22s %16s %-12s %-6s %s\n", "probe", "verdict", "mean",
                "95% CI", "range", "kind", "paired", "source");
  out << line;
  for (const Row& r : rows) {
    const Probe& p = *r.probe;
    const std::string ci = "[" + short_num(r.m.ci.low) + ", " + short_num(r.m.ci.high) + "]";
    std::snprintf(line, sizeof line, "%-28s %-9s %10s %22s %16s %-12s %-6s %s\n", p.name.c_str(),
                  r.verdict == "pass" ? "pass" : r.verdict == "fail" ? "FAIL" : "ERROR", short_num(r.m.ci.mean).c_str(),
                  ci.c_str(), range_text(p).c_str(), p.kind.c_str(), p.paired.c_str(), p.source.c_str());
    out << line;
    if (r.verdict == "error") out << "    error: " << r.error << "\n";
    else if (!r.m.note.empty()) out << "    " << r.m.note << "\n";
  }
  int pass = 0, fail = 0, error = 0;
  for (const Row& r : rows) (r.verdict == "pass" ? pass : r.verdict == "fail" ? fail : error)++;
  out << "\n" << pass << " pass, " << fail << " fail, " << error << " error (of " << rows.size() << ")\n";
  return out.str();
}

void write_csv(const std::string& path, const std::vector<Row>& rows, int seeds) {
  std::ofstream f;
  open_out(f, path);
  f << "name,pattern,setup,statistic,mean,ci_low,ci_high,seeds,range_low,range_high,source,kind,paired,verdict,note\n";
  for (const Row& r : rows) {
    const Probe& p = *r.probe;
    f << csv_field(p.name) << ',' << csv_field(p.pattern) << ',' << csv_field(p.setup) << ',' << csv_field(p.statistic)
      << ',' << num(r.m.ci.mean) << ',' << num(r.m.ci.low) << ',' << num(r.m.ci.high) << ',' << seeds << ','
      << num(p.range_low) << ',' << num(p.range_high) << ',' << csv_field(p.source) << ',' << csv_field(p.kind) << ','
      << csv_field(p.paired) << ',' << r.verdict << ',' << csv_field(full_note(r)) << '\n';
  }
  if (!f) throw IoError("writing " + path + " failed");
}

void write_values_csv(const std::string& path, const std::vector<Row>& rows) {
  std::ofstream f;
  open_out(f, path);
  f << "name,seed,value\n";
  for (const Row& r : rows)
    for (size_t i = 0; i < r.m.values.size(); ++i) f << r.probe->name << ',' << i + 1 << ',' << num(r.m.values[i]) << '\n';
  if (!f) throw IoError("writing " + path + " failed");
}

void write_markdown(const std::string& path, const std::vector<Row>& rows, int seeds, const std::string& commit,
                    const std::string& date) {
  std::ofstream f;
  open_out(f, path);
  int pass = 0;
  for (const Row& r : rows) pass += r.verdict == "pass";
  f << "Pattern-oriented validation (`courtyard patterns --seeds " << seeds << "`), commit `" << commit << "`, "
    << seeds << " seeds" << (date.empty() ? "" : ", " + date) << ": " << pass << " of " << rows.size()
    << " patterns pass. Mean and 95% confidence interval over seeds; a pattern passes when the mean lies in the "
       "range the source supports (the method of each interval is in the notes).\n\n";
  f << "| # | probe | pattern | statistic | mean | 95% CI | range | source | kind | paired | verdict | notes |\n";
  f << "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  int k = 0;
  for (const Row& r : rows) {
    const Probe& p = *r.probe;
    f << "| " << ++k << " | `" << p.name << "` | " << md_cell(p.pattern) << " | " << md_cell(p.statistic) << " | "
      << short_num(r.m.ci.mean) << " | [" << short_num(r.m.ci.low) << ", " << short_num(r.m.ci.high) << "] | "
      << range_text(p) << " | " << md_cell(p.source) << " | " << p.kind << " | " << p.paired << " | "
      << (r.verdict == "pass" ? "pass" : r.verdict == "fail" ? "**fail**" : "**error**") << " | "
      << md_cell(full_note(r)) << " |\n";
  }
  f << "\nSetups:\n\n";
  for (const Row& r : rows) f << "- `" << r.probe->name << "`: " << md_cell(r.probe->setup) << "\n";
  if (!f) throw IoError("writing " + path + " failed");
}

}  // namespace courtyard::patterns
