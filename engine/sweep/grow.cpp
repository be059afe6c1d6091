// Growing a sweep: the runs of a folder's design.csv matched to the points of the plan's canonical
// design, and the runs the design has gained appended after them.
//
// A run is identified by its row: the values of its point (every design.csv column after seed) and its
// replicate. Points whose values are equal (possible in sampled designs) are told apart by their order.
// Old runs keep their run and point numbers and their seeds; new runs are numbered on, in the canonical
// design's order, new points likewise; a new run's seed is its replicate's (common random numbers) or
// that of its new run number. So a design grown in steps runs the same scenarios with the same seeds as
// the canonical design (with common random numbers), under other run numbers.
#include <map>
#include <string>
#include <vector>

#include "core/errors.h"
#include "sweep/sweep.h"

namespace courtyard::sweep {

namespace {

struct Row {
  int64_t run = 0, point = 0;
  int32_t replicate = 0;
  uint64_t seed = 0;
  std::string values;  // the CSV text after the seed
};

// "run,point,replicate,seed,rest" (the first four fields are plain integers)
bool parse_row(const std::string& line, Row* row) {
  size_t at = 0;
  std::string f[4];
  for (int k = 0; k < 4; ++k) {
    const size_t comma = line.find(',', at);
    if (comma == std::string::npos && k < 3) return false;
    f[k] = line.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    at = comma == std::string::npos ? line.size() : comma + 1;
  }
  try {
    row->run = std::stoll(f[0]);
    row->point = std::stoll(f[1]);
    row->replicate = std::stoi(f[2]);
    row->seed = std::stoull(f[3]);
  } catch (const std::exception&) {
    return false;
  }
  row->values = at <= line.size() ? line.substr(at) : "";
  return true;
}

// CSV records: a line break inside a quoted field (a level written with one) does not end the record
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::string line;
  bool quoted = false;
  for (char ch : text) {
    if (ch == '"') quoted = !quoted;
    if (ch == '\n' && !quoted) {
      out.push_back(std::move(line));
      line.clear();
    } else {
      line += ch;
    }
  }
  if (!line.empty()) out.push_back(std::move(line));
  return out;
}

// Point keys: the values, and which occurrence of those values (in point order) the point is.
std::map<int64_t, std::string> point_keys(const std::vector<Row>& rows) {
  std::map<int64_t, std::string> key;
  std::map<std::string, int> seen;
  for (const Row& r : rows)
    if (!key.count(r.point)) key[r.point] = r.values + "\n#" + std::to_string(seen[r.values]++);
  return key;
}

}  // namespace

Design folder_design(const Plan& plan, const Design& canonical, const std::string& folder_csv, bool grow) {
  const std::vector<std::string> want = lines_of(design_csv(plan, canonical));
  const std::vector<std::string> have = lines_of(folder_csv);
  std::vector<Row> crows, frows;
  for (size_t i = 1; i < want.size(); ++i) {
    Row r;
    parse_row(want[i], &r);
    crows.push_back(r);
  }
  if (!have.empty() && have.front() != want.front())
    throw OutputCreateError("its design.csv has the columns " + have.front() + ", this sweep " + want.front());
  for (size_t i = 1; i < have.size(); ++i) {
    Row r;
    if (!parse_row(have[i], &r) || r.run != static_cast<int64_t>(i - 1))
      throw OutputCreateError("its design.csv is damaged at line " + std::to_string(i + 1));
    frows.push_back(r);
  }

  // the canonical runs by point key and replicate
  const std::map<int64_t, std::string> ckey = point_keys(crows);
  std::map<std::string, size_t> canonical_run;
  for (size_t i = 0; i < crows.size(); ++i)
    canonical_run[ckey.at(crows[i].point) + "\n" + std::to_string(crows[i].replicate)] = i;

  Design out;
  std::vector<bool> taken(crows.size(), false);
  std::map<std::string, int64_t> point_of;  // point key -> the folder's point number
  const std::map<int64_t, std::string> fkey = point_keys(frows);
  std::vector<std::string> lost;
  size_t nlost = 0;
  int64_t next_point = 0;
  for (const Row& r : frows) {
    const std::string pk = fkey.at(r.point);
    const auto it = canonical_run.find(pk + "\n" + std::to_string(r.replicate));
    if (it == canonical_run.end() || (plan.common_random_numbers && crows[it->second].seed != r.seed)) {
      if (++nlost <= 3)
        lost.push_back("run " + std::to_string(r.run) + " (point " + std::to_string(r.point) + ", replicate " +
                       std::to_string(r.replicate) + ": " + r.values + ")");
      continue;
    }
    taken[it->second] = true;
    point_of[pk] = r.point;
    next_point = std::max(next_point, r.point + 1);
    Run run = canonical.runs[it->second];
    run.index = r.run;
    run.point = r.point;
    run.seed = r.seed;
    out.runs.push_back(std::move(run));
  }
  if (nlost > 0) {
    std::string list;
    for (const std::string& l : lost) list += (list.empty() ? "" : "; ") + l;
    throw OutputCreateError("this sweep no longer has " + std::to_string(nlost) + " of its " + std::to_string(frows.size()) +
                            " runs (" + list + (nlost > lost.size() ? "; ..." : "") +
                            "): a sweep may gain replicates, values or points, but its runs may not change or go");
  }
  if (grow) {
    for (size_t i = 0; i < crows.size(); ++i) {
      if (taken[i]) continue;
      Run run = canonical.runs[i];
      const std::string pk = ckey.at(crows[i].point);
      const auto p = point_of.find(pk);
      run.point = p != point_of.end() ? p->second : (point_of[pk] = next_point++);
      run.index = static_cast<int64_t>(out.runs.size());
      if (!plan.common_random_numbers) run.seed = run_seed(plan.seed, static_cast<uint64_t>(run.index));
      out.runs.push_back(std::move(run));
    }
  }
  out.points = static_cast<int64_t>(point_of.size());
  return out;
}

}  // namespace courtyard::sweep
