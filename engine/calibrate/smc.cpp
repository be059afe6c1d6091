// ABC-SMC (population Monte Carlo ABC; Toni et al. 2009, Beaumont et al. 2009), resumable in a folder.
//
// Generation 0 samples the prior and accepts every run that did not fail and has a finite distance. Generation t > 0 has the
// tolerance eps_t = max(min_tolerance, the `quantile` weighted quantile of generation t-1's distances);
// its proposals pick an ancestor j of generation t-1 by weight and move it by a Gaussian kernel with
// covariance 2 x the weighted covariance of generation t-1 (Beaumont et al. 2009), drawn again until it
// lies inside the prior's bounds. Proposals are run in batches of `population`; after a whole batch has
// run, its runs with distance <= eps_t are accepted in run order until `population` are. An accepted
// particle's weight is prior(theta) / sum_j W_j K(theta | theta_j), normalised (the prior is uniform,
// so the numerator is the same for every particle inside the bounds).
//
// The folder:
//   manifest.txt, calibration.txtpb, targets.csv, scenario.txtpb   what this calibration is
//   gen-000/batch-000/{design.csv, runs/run-NNNNN.csv}              the runs (each batch a folder)
//   gen-000/population.csv                                          the accepted particles, weights
//   generations.csv                                                 tolerance, acceptance, ESS per generation
//   posterior.csv, posterior_summary.csv                            the final population, summarised
//   predictive/batch/..., predictive.csv, predictive_summary.csv    the posterior predictive
// A generation's population is read back from its file before it is used, both when it was just made
// and when a restart finds it: a resumed calibration continues from the same bits.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>

#include "calibrate/internal.h"
#include "core/errors.h"
#include "scenario/sha256.h"
#include "sweep/util.h"

namespace courtyard::calibrate {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxPerturbTries = 100000;

std::string gen_dir(const std::string& dir, int32_t g) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "gen-%03d", g);
  return (fs::path(dir) / buf).string();
}

std::string batch_dir(const std::string& gdir, int32_t b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "batch-%03d", b);
  return (fs::path(gdir) / buf).string();
}

// The folder holds this calibration, or is made to.
void prepare(const Setup& s, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw OutputCreateError("cannot create " + dir + ": " + ec.message());
  Sha256 h;
  h.update("courtyard calibration identity 1\ncalibration\n");
  h.update(s.spec_text);
  h.update("\ntargets\n");
  h.update(s.targets_text);
  h.update("\nscenario\n");
  h.update(s.effective_scenario);
  std::string identity;
  static const char* hex = "0123456789abcdef";
  for (uint8_t b : h.digest()) {
    identity += hex[b >> 4];
    identity += hex[b & 15];
  }
  const std::string manifest = "courtyard calibration manifest 1\nidentity " + identity + "\nname " + s.name +
                               "\ncalibration_file " + s.spec_path + "\ntargets_file " + s.targets_path +
                               "\nscenario_file " + s.scenario_path + "\n";
  const std::string path = (fs::path(dir) / "manifest.txt").string();
  if (fs::exists(path, ec)) {
    const std::string old = sweep::read_text(path);
    if (old.find("identity " + identity + "\n") == std::string::npos)
      throw OutputCreateError(dir + " holds another calibration (or one whose calibration file, targets or base scenario "
                              "differ): run into a new folder, or remove the old one");
    return;
  }
  // the copies first, the manifest last: a folder with a manifest is complete
  write_atomically((fs::path(dir) / "calibration.txtpb").string(), s.spec_text);
  write_atomically((fs::path(dir) / "targets.csv").string(), s.targets_text);
  write_atomically((fs::path(dir) / "scenario.txtpb").string(), s.effective_scenario);
  write_atomically(path, manifest);
}

// The perturbation kernel of generation t: L L^T = 2 x the weighted covariance of `prev`.
std::vector<double> kernel_factor(const Population& prev) {
  std::vector<double> mean, cov;
  weighted_moments(prev.theta, prev.weight, &mean, &cov);
  for (double& c : cov) c *= 2.0;
  return cholesky(cov, static_cast<int>(mean.size()));
}

bool inside(const Setup& s, const std::vector<double>& theta) {
  for (size_t k = 0; k < theta.size(); ++k)
    if (!(theta[k] >= s.parameters[k].min && theta[k] <= s.parameters[k].max)) return false;
  return true;
}

// Proposal k of generation g.
std::vector<double> propose(const Setup& s, int32_t g, uint32_t k, const Population* prev, const std::vector<double>& lower,
                            const std::vector<double>& cumulative) {
  Draws d(s.seed, k, static_cast<uint32_t>(g), Draws::kPropose);
  const size_t np = s.parameters.size();
  std::vector<double> theta(np);
  if (!prev) {
    for (size_t i = 0; i < np; ++i) theta[i] = s.parameters[i].min + (s.parameters[i].max - s.parameters[i].min) * d.uniform();
    return theta;
  }
  for (int attempt = 0; attempt < kMaxPerturbTries; ++attempt) {
    const double u = d.uniform() * cumulative.back();
    const size_t j = static_cast<size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
    const std::vector<double>& base = prev->theta[std::min(j, prev->size() - 1)];
    std::vector<double> z(np);
    for (double& zi : z) zi = d.normal();
    for (size_t i = 0; i < np; ++i) {
      double step = 0;
      for (size_t m = 0; m <= i; ++m) step += lower[i * np + m] * z[m];
      theta[i] = base[i] + step;
    }
    if (inside(s, theta)) return theta;
  }
  throw CalibrationError("generation " + std::to_string(g) + ": no perturbed particle inside the prior's bounds after " +
                           std::to_string(kMaxPerturbTries) + " tries");
}

Batch make_batch(const Setup& s, const std::string& gdir, int32_t g, int32_t b, const Population* prev,
                 const std::vector<double>& lower, const std::vector<double>& cumulative) {
  Batch batch;
  batch.dir = batch_dir(gdir, b);
  const auto n = static_cast<uint32_t>(s.population);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t k = static_cast<uint32_t>(b) * n + i;
    batch.theta.push_back(propose(s, g, k, prev, lower, cumulative));
    batch.seeds.push_back(Draws(s.seed, k, static_cast<uint32_t>(g), Draws::kRunSeed).seed53());
  }
  return batch;
}

std::vector<double> cumulative_weights(const Population& p) {
  std::vector<double> c;
  double sum = 0;
  for (double w : p.weight) c.push_back(sum += w);
  return c;
}

double effective_sample_size(const std::vector<double>& w) {
  double s = 0, s2 = 0;
  for (double x : w) {
    s += x;
    s2 += x * x;
  }
  return s2 > 0 ? s * s / s2 : 0;
}

struct GenerationRow {
  int32_t generation = 0;
  double tolerance = 0;
  int64_t simulations = 0, accepted = 0;
  double ess = 0;
};

std::string generations_csv(const std::vector<GenerationRow>& rows) {
  std::string out = "generation,tolerance,accepted,simulations,acceptance_rate,ess\n";
  for (const GenerationRow& r : rows)
    out += std::to_string(r.generation) + "," + number_text(r.tolerance) + "," + std::to_string(r.accepted) + "," +
           std::to_string(r.simulations) + "," +
           number_text(r.simulations ? static_cast<double>(r.accepted) / static_cast<double>(r.simulations) : 0.0) + "," +
           number_text(r.ess) + "\n";
  return out;
}

}  // namespace

Outcome run_calibration(const Setup& s, const std::string& dir, const Options& options) {
  prepare(s, dir);
  Outcome out;
  std::vector<GenerationRow> rows;
  Population prev;
  bool have_prev = false;
  const auto n = static_cast<size_t>(s.population);

  for (int32_t g = 0; g < s.generations; ++g) {
    // the stopping rules, before generation g
    double eps = std::numeric_limits<double>::infinity();
    if (have_prev) {
      if (out.tolerance <= s.min_tolerance) {
        out.stop_reason = "generation " + std::to_string(g - 1) + " reached min_tolerance " + number_text(s.min_tolerance);
        break;
      }
      eps = std::max(s.min_tolerance, weighted_quantile(prev.dist, prev.weight, s.quantile));
    }
    const std::string gdir = gen_dir(dir, g);
    const std::string pop_path = (fs::path(gdir) / "population.csv").string();
    std::error_code ec;
    std::vector<double> lower, cumulative;
    if (have_prev) {
      lower = kernel_factor(prev);
      cumulative = cumulative_weights(prev);
    }

    Population pop;
    int64_t simulations = 0;
    bool complete = false, exhausted = false;
    if (fs::exists(pop_path, ec)) {
      pop = read_population(s, pop_path);
      // the simulations it took: every run of its batches
      for (int32_t b = 0; fs::exists(batch_dir(gdir, b), ec); ++b) simulations += s.population;
      complete = true;
    } else {
      for (int32_t b = 0; b < s.max_batches && !complete; ++b) {
        const Batch batch = make_batch(s, gdir, g, b, have_prev ? &prev : nullptr, lower, cumulative);
        out.runs_done += run_batch(s, batch, options);
        const std::vector<RunResult> results = read_batch(s, batch);
        for (const RunResult& r : results)
          if (!r.present) {
            out.stop_reason = options.stop && options.stop->load() ? "stopped by a signal"
                                                                    : "waiting for other tasks' runs of " + batch.dir;
            out.generations = g;
            return out;
          }
        simulations += s.population;
        for (size_t r = 0; r < results.size() && pop.size() < n; ++r) {
          const double d = distance(s, results[r].values);
          if (!results[r].ok || !std::isfinite(d) || !(d <= eps)) continue;
          pop.theta.push_back(batch.theta[r]);
          pop.sims.push_back(results[r].values);
          pop.dist.push_back(d);
          pop.seed.push_back(batch.seeds[r]);
          pop.batch.push_back(b);
          pop.run.push_back(static_cast<int32_t>(r));
        }
        complete = pop.size() == n;
        exhausted = !complete && b + 1 == s.max_batches;
      }
      if (exhausted) {
        if (!have_prev) throw CalibrationError("generation 0: fewer than " + std::to_string(n) + " runs of the prior succeeded (with every target a number) in " +
                                                 std::to_string(s.max_batches) + " batches (see " + gdir + "/batch-*/runs)");
        out.stop_reason = "generation " + std::to_string(g) + " accepted only " + std::to_string(pop.size()) + " of " +
                          std::to_string(n) + " particles in " + std::to_string(s.max_batches) +
                          " batches at tolerance " + number_text(eps) + "; the posterior is generation " + std::to_string(g - 1);
        break;
      }
      // weights: prior / sum_j W_j K(theta | theta_j), normalised
      pop.weight.assign(n, 1.0 / static_cast<double>(n));
      if (have_prev) {
        double total = 0;
        for (size_t i = 0; i < n; ++i) {
          double denom = 0;
          for (size_t j = 0; j < prev.size(); ++j) denom += prev.weight[j] * gaussian_kernel(lower, pop.theta[i], prev.theta[j]);
          pop.weight[i] = denom > 0 ? 1.0 / denom : 0.0;
          total += pop.weight[i];
        }
        if (!(total > 0)) throw CalibrationError("generation " + std::to_string(g) + ": every weight is zero");
        for (double& w : pop.weight) w /= total;
      }
      write_atomically(pop_path, population_csv(s, pop));
      pop = read_population(s, pop_path);  // the same bits as a restart reads
    }
    GenerationRow row;
    row.generation = g;
    row.tolerance = eps;
    row.simulations = simulations;
    row.accepted = static_cast<int64_t>(pop.size());
    row.ess = effective_sample_size(pop.weight);
    rows.push_back(row);
    if (!options.quiet)
      std::fprintf(stderr, "calibrate: generation %d: tolerance %s, %lld accepted of %lld runs, ESS %.1f\n", g,
                   number_text(eps).c_str(), static_cast<long long>(row.accepted), static_cast<long long>(simulations), row.ess);
    prev = std::move(pop);
    have_prev = true;
    out.generations = g + 1;
    out.tolerance = eps;
  }
  if (out.stop_reason.empty()) out.stop_reason = "ran all " + std::to_string(s.generations) + " generations";
  write_atomically((fs::path(dir) / "generations.csv").string(), generations_csv(rows));

  // the posterior and its summary
  write_atomically((fs::path(dir) / "posterior.csv").string(), population_csv(s, prev));
  std::string summary = write_posterior_summary(s, prev, dir);

  // the posterior predictive: particles drawn by weight, each run with a new seed
  if (s.predictive_samples > 0) {
    const std::vector<double> cumulative = cumulative_weights(prev);
    Batch batch;
    batch.dir = (fs::path(dir) / "predictive").string();
    std::vector<size_t> picked;
    for (int32_t i = 0; i < s.predictive_samples; ++i) {
      Draws d(s.seed, static_cast<uint32_t>(i), 0, Draws::kPredictivePick);
      const double u = d.uniform() * cumulative.back();
      const size_t j = std::min(prev.size() - 1, static_cast<size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) -
                                                                     cumulative.begin()));
      picked.push_back(j);
      batch.theta.push_back(prev.theta[j]);
      batch.seeds.push_back(Draws(s.seed, static_cast<uint32_t>(i), 0, Draws::kPredictiveSeed).seed53());
    }
    out.runs_done += run_batch(s, batch, options);
    const std::vector<RunResult> results = read_batch(s, batch);
    for (const RunResult& r : results)
      if (!r.present) {
        out.stop_reason = options.stop && options.stop->load() ? "stopped by a signal" : "waiting for other tasks' predictive runs";
        return out;
      }
    summary += write_predictive(s, prev, batch, picked, results, dir);
  }
  write_atomically((fs::path(dir) / "summary.txt").string(), "calibration \"" + s.name + "\": " + std::to_string(out.generations) +
                                                                 " generations, final tolerance " + number_text(out.tolerance) +
                                                                 " (" + out.stop_reason + ")\n\n" + summary);
  out.finished = true;
  return out;
}

}  // namespace courtyard::calibrate
