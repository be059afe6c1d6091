// Tests of engine/calibrate: the numerics, recovering known parameters from a synthetic target, resuming
// after a lost generation, and the same posterior bytes on 1 and 2 threads.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "calibrate/calibrate.h"
#include "calibrate/internal.h"
#include "core/errors.h"

namespace courtyard::calibrate {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// Every file under `dir` (relative path -> bytes).
std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = slurp(e.path());
  return out;
}

// A work folder holding the synthetic calibration, its base, and targets made by the model itself at
// trust 0.55, disorder 0.35 (seed 99): what a calibration must recover.
struct Synthetic {
  fs::path dir;
  calibrate::Setup setup;
  std::vector<double> truth{0.55, 0.35};
  explicit Synthetic(const std::string& name) {
    dir = fs::temp_directory_path() / ("courtyard-calibrate-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path data = fs::path(COURTYARD_CALIBRATE_TEST_DIR) / "data";
    for (const char* f : {"synthetic.txtpb", "synthetic_cal.txtpb", "synthetic_targets.csv"}) fs::copy_file(data / f, dir / f);
    const Setup placeholder = load_calibration((dir / "synthetic_cal.txtpb").string());
    const std::vector<double> observed = simulate_targets(placeholder, truth, 99);
    spit(dir / "synthetic_targets.csv", "metric,where,when,observed,tolerance\n"
                                        "trust_mean,courtyard:A,week 8," + number_text(observed[0]) + ",0.02\n"
                                        "disorder,subdistrict,week 8," + number_text(observed[1]) + ",0.05\n");
    setup = load_calibration((dir / "synthetic_cal.txtpb").string());
  }
  ~Synthetic() { fs::remove_all(dir); }
  Outcome run(const std::string& out, int threads) const {
    Options o;
    o.threads = threads;
    o.quiet = true;
    return run_calibration(setup, (dir / out).string(), o);
  }
};

TEST(CalibrateNumerics, WeightedQuantileAndMoments) {
  EXPECT_EQ(weighted_quantile({3, 1, 2, 4}, {1, 1, 1, 1}, 0.5), 2);
  EXPECT_EQ(weighted_quantile({3, 1, 2, 4}, {0, 0, 0, 1}, 0.1), 4);
  EXPECT_EQ(weighted_quantile({1, 2}, {3, 1}, 0.75), 1);
  std::vector<double> mean, cov;
  weighted_moments({{0, 0}, {2, 4}}, {1, 1}, &mean, &cov);
  EXPECT_DOUBLE_EQ(mean[0], 1);
  EXPECT_DOUBLE_EQ(mean[1], 2);
  EXPECT_DOUBLE_EQ(cov[0], 1);
  EXPECT_DOUBLE_EQ(cov[1], 2);
  EXPECT_DOUBLE_EQ(cov[3], 4);
}

TEST(CalibrateNumerics, CholeskyAndKernel) {
  const std::vector<double> l = cholesky({4, 2, 2, 5}, 2);  // [[2,0],[1,2]]
  EXPECT_DOUBLE_EQ(l[0], 2);
  EXPECT_DOUBLE_EQ(l[2], 1);
  EXPECT_DOUBLE_EQ(l[3], 2);
  // (x - y) = (2, 3): z = (1, 1), |z|^2 = 2
  EXPECT_DOUBLE_EQ(gaussian_kernel(l, {2, 3}, {0, 0}), std::exp(-1.0));
  // a singular covariance gets a ridge rather than failing
  const std::vector<double> s = cholesky({1, 1, 1, 1}, 2);
  EXPECT_GT(s[3], 0);
}

TEST(CalibrateNumerics, NumbersReadBackExactly) {
  for (double x : {0.1, 1.0 / 3.0, 123456.789, -2e-300, 0.0}) EXPECT_EQ(std::stod(number_text(x)), x);
}

// The distance is the largest error in units of the targets' tolerances.
TEST(Calibrate, DistanceInToleranceUnits) {
  Synthetic s("distance");
  const double o0 = s.setup.targets[0].observed, o1 = s.setup.targets[1].observed;
  EXPECT_NEAR(distance(s.setup, {o0 + 0.03, o1 - 0.025}), 1.5, 1e-9);  // tolerances 0.02 and 0.05
  EXPECT_TRUE(std::isinf(distance(s.setup, {o0, std::nan("")})));
}

// Known values recovered: targets made by the model at trust 0.55, disorder 0.35 (another seed), and the
// calibration's posterior holds them: each inside its 90% interval, each posterior mean within 0.05.
TEST(Calibrate, RecoversKnownParametersFromSyntheticTargets) {
  Synthetic s("recover");
  const Outcome out = s.run("cal", 2);
  ASSERT_TRUE(out.finished) << out.stop_reason;
  EXPECT_GE(out.generations, 3);
  std::istringstream in(slurp(s.dir / "cal" / "posterior_summary.csv"));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "parameter,path,prior_min,prior_max,mean,sd,q05,q25,q50,q75,q95");
  for (size_t k = 0; k < 2; ++k) {
    ASSERT_TRUE(std::getline(in, line));
    std::cout << "posterior: " << line << "\n";
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) f.push_back(cell);
    ASSERT_EQ(f.size(), 11u);
    const double mean = std::stod(f[4]), q05 = std::stod(f[6]), q95 = std::stod(f[10]);
    EXPECT_NEAR(mean, s.truth[k], 0.05) << f[0];
    EXPECT_LE(q05, s.truth[k]) << f[0];
    EXPECT_GE(q95, s.truth[k]) << f[0];
    // narrower than the prior's 90% interval (0.72 wide)
    EXPECT_LT(q95 - q05, 0.36) << f[0];
  }
  // the predictive reruns the posterior: most runs land within the targets' tolerances
  const std::string pred = slurp(s.dir / "cal" / "predictive_summary.csv");
  EXPECT_NE(pred.find("target_0_trust_mean,trust_mean,courtyard:A,week 8,8,"), std::string::npos) << pred;
}

// A calibration that lost its last generations (killed while running them) continues from the last
// finished one and writes the same bytes as one that ran straight through; a folder of another
// calibration is refused.
TEST(Calibrate, ResumeGivesIdenticalOutput) {
  Synthetic s("resume");
  ASSERT_TRUE(s.run("a", 2).finished);
  const auto full = tree(s.dir / "a");
  // lose everything after generation 1, and some runs of generation 2's first batch
  const fs::path a = s.dir / "a";
  for (const char* f : {"posterior.csv", "posterior_summary.csv", "predictive.csv", "predictive_summary.csv", "generations.csv", "summary.txt"})
    fs::remove(a / f);
  fs::remove_all(a / "predictive");
  for (int g = 3; g < 10; ++g) {
    char name[16];
    std::snprintf(name, sizeof name, "gen-%03d", g);
    fs::remove_all(a / name);
  }
  fs::remove(a / "gen-002" / "population.csv");
  int removed = 0;
  for (const auto& e : fs::directory_iterator(a / "gen-002" / "batch-000" / "runs"))
    if (removed < 15) {
      fs::remove(e.path());
      ++removed;
    }
  ASSERT_EQ(removed, 15);
  const Outcome again = s.run("a", 1);
  ASSERT_TRUE(again.finished);
  EXPECT_GT(again.runs_done, 0);
  EXPECT_EQ(tree(a), full);

  // another calibration in the same folder
  calibrate::Setup other = s.setup;
  other.spec_text += "\n# changed\n";
  Options o;
  o.quiet = true;
  EXPECT_THROW(run_calibration(other, a.string(), o), OutputCreateError);
}

// The same seed gives the same bytes on one thread and on two runs at once.
TEST(Calibrate, PosteriorBytesDoNotDependOnThreads) {
  Synthetic s("threads");
  ASSERT_TRUE(s.run("one", 1).finished);
  ASSERT_TRUE(s.run("two", 2).finished);
  const auto one = tree(s.dir / "one"), two = tree(s.dir / "two");
  EXPECT_EQ(one.size(), two.size());
  EXPECT_EQ(one, two);
  EXPECT_FALSE(one.at("posterior.csv").empty());
}

// Slurm-style task shares: two tasks, each running its share and advancing when the other's runs are done,
// end with the bytes of a single process.
TEST(Calibrate, TaskSharesGiveTheSameBytes) {
  Synthetic s("tasks");
  ASSERT_TRUE(s.run("single", 2).finished);
  Options o;
  o.quiet = true;
  o.tasks = 2;
  bool finished = false;
  for (int round = 0; round < 200 && !finished; ++round) {
    o.task = round % 2;
    finished = run_calibration(s.setup, (s.dir / "shared").string(), o).finished;
  }
  ASSERT_TRUE(finished);
  EXPECT_EQ(tree(s.dir / "shared"), tree(s.dir / "single"));
}

}  // namespace
}  // namespace courtyard::calibrate
