// A batch of calibration runs on this machine: the files (design.csv, runs/run-NNNNN.csv) and the runner.
//
// The runner is the sweep runner's rule (engine/sweep/local.cpp): K runs at once, each in a oneTBB
// task_arena of threads / K workers, handed out in index order from an atomic counter. A run's file is
// written under a temporary name and renamed, so a file under its final name is complete; a run that
// fails writes "failed,<reason>" (the same values fail again, so it is not retried). Several processes
// may run shares of one batch at once (--task/--tasks): each writes only its own runs' files, and the
// design's bytes are the same from every process.
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include "calibrate/internal.h"
#include "core/errors.h"
#include "sweep/util.h"

namespace courtyard::calibrate {

namespace fs = std::filesystem;

namespace {

std::string run_name(size_t run) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "run-%05zu", run);
  return buf;
}

std::string run_path(const Batch& b, size_t run) { return (fs::path(b.dir) / "runs" / (run_name(run) + ".csv")).string(); }

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

double parse_number(const std::string& s, const std::string& where) {
  if (s == "nan") return std::nan("");
  if (s == "inf") return HUGE_VAL;
  if (s == "-inf") return -HUGE_VAL;
  double x = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), x);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) throw IoError(where + ": cannot read \"" + s + "\" as a number");
  return x;
}

uint64_t parse_u64(const std::string& s, const std::string& where) {
  uint64_t x = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), x);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) throw IoError(where + ": cannot read \"" + s + "\" as a count");
  return x;
}

std::string design_text(const Setup& setup, const Batch& b) {
  std::string out = csv_header(setup, "run,seed", true, false);
  for (size_t r = 0; r < b.theta.size(); ++r) {
    out += std::to_string(r) + "," + std::to_string(b.seeds[r]);
    for (double v : b.theta[r]) out += "," + number_text(v);
    out += "\n";
  }
  return out;
}

}  // namespace

void write_atomically(const std::string& path, const std::string& text) {
  const std::string temp = sweep::temporary_name(path);
  sweep::write_file(temp, text);
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw OutputCreateError("cannot write " + path);
  }
}

std::string csv_header(const Setup& setup, const std::string& first_columns, bool parameters, bool targets) {
  std::string out = first_columns;
  if (parameters)
    for (const Parameter& p : setup.parameters) out += "," + p.name;
  if (targets)
    for (const Target& t : setup.targets) out += "," + t.name;
  return out + "\n";
}

std::string population_csv(const Setup& setup, const Population& p) {
  std::string out = csv_header(setup, "particle,weight,distance,seed,batch,run", true, true);
  for (size_t i = 0; i < p.size(); ++i) {
    out += std::to_string(i) + "," + number_text(p.weight[i]) + "," + number_text(p.dist[i]) + "," + std::to_string(p.seed[i]) +
           "," + std::to_string(p.batch[i]) + "," + std::to_string(p.run[i]);
    for (double v : p.theta[i]) out += "," + number_text(v);
    for (double v : p.sims[i]) out += "," + number_text(v);
    out += "\n";
  }
  return out;
}

Population read_population(const Setup& setup, const std::string& path) {
  std::istringstream in(sweep::read_text(path));
  std::string line;
  Population p;
  if (!std::getline(in, line) || line + "\n" != csv_header(setup, "particle,weight,distance,seed,batch,run", true, true))
    throw IoError(path + ": not the population file of this calibration (its header differs)");
  const size_t np = setup.parameters.size(), nt = setup.targets.size();
  int row = 1;
  while (std::getline(in, line)) {
    ++row;
    const std::string where = path + ":" + std::to_string(row);
    const std::vector<std::string> f = split(line);
    if (f.size() != 6 + np + nt) throw IoError(where + ": expected " + std::to_string(6 + np + nt) + " fields");
    p.weight.push_back(parse_number(f[1], where));
    p.dist.push_back(parse_number(f[2], where));
    p.seed.push_back(parse_u64(f[3], where));
    p.batch.push_back(static_cast<int32_t>(parse_u64(f[4], where)));
    p.run.push_back(static_cast<int32_t>(parse_u64(f[5], where)));
    std::vector<double> theta, sims;
    for (size_t k = 0; k < np; ++k) theta.push_back(parse_number(f[6 + k], where));
    for (size_t k = 0; k < nt; ++k) sims.push_back(parse_number(f[6 + np + k], where));
    p.theta.push_back(theta);
    p.sims.push_back(sims);
  }
  if (p.size() == 0) throw IoError(path + ": no particles");
  return p;
}

int64_t run_batch(const Setup& setup, const Batch& b, const Options& options) {
  std::error_code ec;
  fs::create_directories(fs::path(b.dir) / "runs", ec);
  if (ec) throw OutputCreateError("cannot create " + (fs::path(b.dir) / "runs").string() + ": " + ec.message());
  const std::string design_path = (fs::path(b.dir) / "design.csv").string();
  const std::string design = design_text(setup, b);
  if (sweep::read_text(design_path) != design) write_atomically(design_path, design);

  std::vector<size_t> todo;
  const int64_t tasks = std::max<int64_t>(1, options.tasks);
  for (size_t r = 0; r < b.theta.size(); ++r)
    if (static_cast<int64_t>(r) % tasks == options.task && !fs::exists(run_path(b, r), ec)) todo.push_back(r);
  if (todo.empty()) return 0;

  const int threads = std::max(1, options.threads);
  int concurrent = options.concurrent > 0 ? std::min(options.concurrent, threads) : threads;
  concurrent = static_cast<int>(std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(concurrent), todo.size())));
  const int per_run = std::max(1, threads / concurrent);
  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism,
                                    static_cast<size_t>(std::max(threads, concurrent * per_run)));
  std::atomic<size_t> next{0};
  std::atomic<int64_t> done{0};
  std::mutex mutex;
  std::string error;  // a file that cannot be written stops the batch
  auto worker = [&] {
    oneapi::tbb::task_arena arena(per_run);
    for (;;) {
      if (options.stop && options.stop->load()) return;
      const size_t i = next.fetch_add(1);
      if (i >= todo.size()) return;
      const size_t r = todo[i];
      std::string text;
      bool stopped = false;
      arena.execute([&] {
        try {
          const std::vector<double> v = simulate_targets(setup, b.theta[r], b.seeds[r], options.stop);
          text = "ok";
          for (double x : v) text += "," + number_text(x);
        } catch (const ScenarioError& e) {
          std::string m = e.what();
          text = "failed,invalid scenario: " + m.substr(0, m.find('\n'));
        } catch (const std::exception& e) {
          if (options.stop && options.stop->load()) stopped = true;
          std::string m = e.what();
          text = "failed," + m.substr(0, m.find('\n'));
        }
      });
      if (stopped) return;
      for (char& ch : text)
        if (ch == '\r') ch = ' ';
      try {
        write_atomically(run_path(b, r), text + "\n");
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mutex);
        if (error.empty()) error = e.what();
        return;
      }
      const int64_t n = ++done;
      if (!options.quiet) {
        std::lock_guard<std::mutex> lock(mutex);
        std::fprintf(stderr, "calibrate: %s [%lld/%zu] %s%s\n", b.dir.c_str(), static_cast<long long>(n), todo.size(),
                     run_name(r).c_str(), text.starts_with("failed") ? (" " + text).c_str() : "");
      }
    }
  };
  std::vector<std::thread> pool;
  for (int k = 0; k < concurrent; ++k) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  if (!error.empty()) throw OutputCreateError(error);
  return done.load();
}

std::vector<RunResult> read_batch(const Setup& setup, const Batch& b) {
  std::vector<RunResult> out(b.theta.size());
  std::error_code ec;
  for (size_t r = 0; r < b.theta.size(); ++r) {
    const std::string path = run_path(b, r);
    if (!fs::exists(path, ec)) continue;
    RunResult& res = out[r];
    res.present = true;
    std::string text = sweep::read_text(path);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (text.starts_with("failed,")) {
      res.message = text.substr(7);
      res.values.assign(setup.targets.size(), std::nan(""));
      continue;
    }
    const std::vector<std::string> f = split(text);
    if (f.size() != 1 + setup.targets.size() || f[0] != "ok")
      throw IoError(path + ": not a run file of this calibration (expected ok and " + std::to_string(setup.targets.size()) + " values)");
    res.ok = true;
    for (size_t k = 1; k < f.size(); ++k) res.values.push_back(parse_number(f[k], path));
  }
  return out;
}

}  // namespace courtyard::calibrate
