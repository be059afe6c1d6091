// The designs' documented properties (docs/sweeps.md): factorial order, Latin hypercube strata, the
// Sobol' sequence's values and balance (unscrambled and scrambled), Saltelli's rows in SALib's order,
// seeds with and without common random numbers, Slurm task shares, determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "sweep/design.h"
#include "sweep/sweep.h"

namespace courtyard::sweep {
namespace {

TEST(Factorial, CountAndOrderLastAxisFastest) {
  const auto rows = factorial({2, 3, 1});
  ASSERT_EQ(rows.size(), 6u);
  const std::vector<std::vector<int32_t>> want = {{0, 0, 0}, {0, 1, 0}, {0, 2, 0}, {1, 0, 0}, {1, 1, 0}, {1, 2, 0}};
  EXPECT_EQ(rows, want);
  EXPECT_EQ(factorial({}).size(), 1u);  // no axes: one point (replicates of the base)
  EXPECT_THROW(factorial({2, 0}), std::invalid_argument);
}

TEST(LatinHypercube, EachStratumHitOncePerDimension) {
  for (const bool centered : {false, true}) {
    const int64_t n = 97;
    const UnitDesign d = latin_hypercube(n, 5, centered, 42);
    ASSERT_EQ(d.rows, n);
    for (int dim = 0; dim < d.dims; ++dim) {
      std::set<int64_t> strata;
      for (int64_t i = 0; i < n; ++i) {
        const double u = d.at(i, dim);
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        strata.insert(static_cast<int64_t>(std::floor(u * static_cast<double>(n))));
        if (centered) {
          const double k = std::floor(u * static_cast<double>(n));
          EXPECT_NEAR(u, (k + 0.5) / static_cast<double>(n), 1e-15);
        }
      }
      EXPECT_EQ(strata.size(), static_cast<size_t>(n)) << "dimension " << dim;
    }
  }
}

TEST(LatinHypercube, DeterministicAndKeyedBySeed) {
  EXPECT_EQ(latin_hypercube(20, 3, false, 7).u, latin_hypercube(20, 3, false, 7).u);
  EXPECT_NE(latin_hypercube(20, 3, false, 7).u, latin_hypercube(20, 3, false, 8).u);
  // dimensions are permuted independently
  const UnitDesign d = latin_hypercube(20, 2, true, 7);
  bool differ = false;
  for (int64_t i = 0; i < 20; ++i) differ = differ || d.at(i, 0) != d.at(i, 1);
  EXPECT_TRUE(differ);
}

TEST(Sobol, FirstPointsAreJoeKuoInGrayCodeOrder) {
  // the values SALib's sobol_sequence and SciPy's qmc.Sobol(scramble=False) give
  const UnitDesign d = sobol_points(8, 3, 0, false, 0);
  const double want[8][3] = {{0, 0, 0},          {0.5, 0.5, 0.5},       {0.75, 0.25, 0.25},   {0.25, 0.75, 0.75},
                             {0.375, 0.375, 0.625}, {0.875, 0.875, 0.125}, {0.625, 0.125, 0.875}, {0.125, 0.625, 0.375}};
  for (int i = 0; i < 8; ++i)
    for (int k = 0; k < 3; ++k) EXPECT_EQ(d.at(i, k), want[i][k]) << "point " << i << " dimension " << k;
  // skip: the sequence continued
  const UnitDesign later = sobol_points(4, 3, 4, false, 0);
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 3; ++k) EXPECT_EQ(later.at(i, k), want[i + 4][k]);
}

// The first 2^m points of every dimension put exactly one point in each [k/2^m, (k+1)/2^m).
void expect_balanced(const UnitDesign& d, int m, const char* what) {
  const int64_t n = int64_t{1} << m;
  for (int dim = 0; dim < d.dims; ++dim) {
    std::vector<int> hits(static_cast<size_t>(n), 0);
    for (int64_t i = 0; i < n; ++i) ++hits[static_cast<size_t>(std::floor(d.at(i, dim) * static_cast<double>(n)))];
    for (int64_t k = 0; k < n; ++k)
      ASSERT_EQ(hits[static_cast<size_t>(k)], 1) << what << ": m " << m << ", dimension " << dim << ", interval " << k;
  }
}

TEST(Sobol, EveryElementaryIntervalHoldsOnePointUnscrambledAndScrambled) {
  for (int m = 0; m <= 10; ++m) {
    expect_balanced(sobol_points(int64_t{1} << m, kSobolMaxDimensions, 0, false, 0), m, "unscrambled");
    expect_balanced(sobol_points(int64_t{1} << m, kSobolMaxDimensions, 0, true, 12345), m, "scrambled");
  }
  // and any block of 2^m points starting at a multiple of 2^m
  expect_balanced(sobol_points(64, 8, 192, false, 0), 6, "skipped");
}

TEST(Sobol, FirstTwoDimensionsFormAZeroNetUnscrambledAndScrambled) {
  // (0, m, 2)-net: every dyadic box of area 2^-m, [a/2^i, (a+1)/2^i) x [b/2^j, (b+1)/2^j) with i + j = m,
  // holds exactly one of the first 2^m points
  const int m = 8;
  const int64_t n = int64_t{1} << m;
  for (const bool scramble : {false, true}) {
    const UnitDesign d = sobol_points(n, 2, 0, scramble, 99);
    for (int i = 0; i <= m; ++i) {
      const int j = m - i;
      std::set<std::pair<int64_t, int64_t>> boxes;
      for (int64_t p = 0; p < n; ++p)
        boxes.insert({static_cast<int64_t>(std::floor(d.at(p, 0) * std::ldexp(1.0, i))),
                      static_cast<int64_t>(std::floor(d.at(p, 1) * std::ldexp(1.0, j)))});
      EXPECT_EQ(boxes.size(), static_cast<size_t>(n)) << "split " << i << "+" << j << (scramble ? " scrambled" : "");
    }
  }
}

TEST(Sobol, ScramblingChangesThePointsAndDependsOnTheSeed) {
  const UnitDesign plain = sobol_points(64, 4, 0, false, 1);
  const UnitDesign a = sobol_points(64, 4, 0, true, 1);
  const UnitDesign b = sobol_points(64, 4, 0, true, 2);
  EXPECT_NE(plain.u, a.u);
  EXPECT_NE(a.u, b.u);
  EXPECT_EQ(a.u, sobol_points(64, 4, 0, true, 1).u);
  EXPECT_NE(a.at(0, 0), 0.0);  // the origin is scrambled away
}

TEST(Sobol, OwenScrambleIsABijectionOnEveryLevel) {
  // the scrambled leading m digits are a permutation of the leading m digits
  for (int m : {1, 4, 10}) {
    std::set<uint32_t> images;
    for (uint32_t k = 0; k < (1u << m); ++k) images.insert(owen_scramble(k << (32 - m), 3, 77) >> (32 - m));
    EXPECT_EQ(images.size(), size_t{1} << m);
  }
}

TEST(Saltelli, RowsInSalibOrder) {
  const int64_t n = 8;
  const int d = 3;
  for (const bool second : {true, false}) {
    const UnitDesign s = saltelli(n, d, second, 0, true, 5);
    const UnitDesign base = sobol_points(n, 2 * d, 0, true, 5);  // A: columns 0..d-1, B: d..2d-1
    const int64_t per = second ? 2 * d + 2 : d + 2;
    ASSERT_EQ(s.rows, n * per);
    ASSERT_EQ(s.dims, d);
    for (int64_t j = 0; j < n; ++j) {
      const int64_t r0 = j * per;
      auto a = [&](int i) { return base.at(j, i); };
      auto b = [&](int i) { return base.at(j, d + i); };
      for (int i = 0; i < d; ++i) EXPECT_EQ(s.at(r0, i), a(i)) << "A row " << j;
      for (int k = 0; k < d; ++k) {
        for (int i = 0; i < d; ++i) EXPECT_EQ(s.at(r0 + 1 + k, i), i == k ? b(i) : a(i)) << "AB row " << j << "," << k;
      }
      if (second) {
        for (int k = 0; k < d; ++k)
          for (int i = 0; i < d; ++i)
            EXPECT_EQ(s.at(r0 + 1 + d + k, i), i == k ? a(i) : b(i)) << "BA row " << j << "," << k;
      }
      for (int i = 0; i < d; ++i) EXPECT_EQ(s.at(r0 + per - 1, i), b(i)) << "B row " << j;
    }
  }
  EXPECT_EQ(saltelli(16, 5, true, 0, true, 1).rows, 16 * (2 * 5 + 2));
}

TEST(RunSeeds, DeterministicDistinctAndKeyedBySweepSeed) {
  EXPECT_EQ(run_seed(1, 0), run_seed(1, 0));
  EXPECT_NE(run_seed(1, 0), run_seed(1, 1));
  EXPECT_NE(run_seed(1, 0), run_seed(2, 0));
  // neighbouring sweep seeds do not share run seeds
  std::set<uint64_t> seen;
  for (uint64_t s = 0; s < 4; ++s)
    for (uint64_t k = 0; k < 256; ++k) seen.insert(run_seed(s, k));
  EXPECT_EQ(seen.size(), 4u * 256u);
  for (uint64_t s : seen) EXPECT_LT(s, uint64_t{1} << 53);
}

TEST(TaskShare, UnionOfAllTasksIsEveryRunExactlyOnce) {
  for (int64_t runs : {0, 1, 7, 100}) {
    for (int64_t tasks : {1, 3, 8, 150}) {
      std::vector<int> hits(static_cast<size_t>(runs), 0);
      for (int64_t t = 0; t < tasks; ++t)
        for (int64_t r : task_share(runs, t, tasks)) ++hits[static_cast<size_t>(r)];
      for (int64_t r = 0; r < runs; ++r) EXPECT_EQ(hits[static_cast<size_t>(r)], 1) << runs << " runs, " << tasks << " tasks";
    }
  }
  EXPECT_THROW(task_share(10, 3, 3), std::invalid_argument);
}

}  // namespace
}  // namespace courtyard::sweep
