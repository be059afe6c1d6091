// Designs of experiments: where a sweep's points lie in the unit cube [0,1)^D, and the seeds of its runs.
//
// Everything here is frozen and deterministic: the same arguments give the same numbers on any machine
// and any number of threads (integer arithmetic, and Philox draws keyed by the sweep's seed through
// core/rng.h; no std:: distributions). docs/sweeps.md states the properties the tests check.
#pragma once

#include <cstdint>
#include <vector>

namespace courtyard::sweep {

// Dimensions the embedded Joe-Kuo direction numbers cover (a Saltelli design uses two per axis).
constexpr int kSobolMaxDimensions = 64;

// Points in the unit cube: (rows x dims), row-major.
struct UnitDesign {
  int64_t rows = 0;
  int dims = 0;
  std::vector<double> u;
  double at(int64_t row, int dim) const { return u[static_cast<size_t>(row) * static_cast<size_t>(dims) + dim]; }
};

// Coordinate `dim` of the unscrambled Sobol' point `index` as 32-bit fixed point (value x * 2^-32).
// Gray-code order, as Joe & Kuo's generator, SALib and SciPy: point 0 is the origin.
uint32_t sobol_coordinate(uint32_t index, int dim);

// Owen's nested uniform scrambling of one 32-bit coordinate: bit b is flipped by a random bit keyed by
// (seed, dim, b, the coordinate's b leading bits). A bijection on every level of dyadic intervals, so
// stratification properties of the unscrambled points survive.
uint32_t owen_scramble(uint32_t x, int dim, uint64_t seed);

// `n` points of the `dims`-dimensional Sobol' sequence, starting at point `skip`.
UnitDesign sobol_points(int64_t n, int dims, int64_t skip, bool scramble, uint64_t seed);

// Latin hypercube of `n` points: in every dimension each stratum [k/n, (k+1)/n) holds exactly one
// point (its centre when `centered`, else a uniform point in it).
UnitDesign latin_hypercube(int64_t n, int dims, bool centered, uint64_t seed);

// Saltelli's scheme from a (2 dims)-dimensional Sobol' sample: A is its first `dims` columns, B the
// others. For each base row j: A_j, AB_j^(1..dims) (A with column i from B), [BA_j^(1..dims) (B with
// column i from A) when second_order], B_j. n (2 dims + 2) rows, or n (dims + 2) without second order.
UnitDesign saltelli(int64_t n, int dims, bool second_order, int64_t skip, bool scramble, uint64_t seed);

// Morris' elementary-effects design (Morris 1991; SALib's sample.morris without optimal trajectories):
// `r` trajectories of dims + 1 points on the grid {0, 1/(p-1), ..., 1}^dims (p = `levels`, even). Each
// trajectory starts at a random base point x* (each coordinate one of the p/2 lowest levels), moved up
// by delta = p / (2 (p-1)) in the coordinates that go down; then each coordinate in a random order
// moves by +delta or -delta (its random direction), one per row. r (dims + 1) rows, trajectory-major.
UnitDesign morris(int64_t r, int dims, int levels, uint64_t seed);

// Every combination of levels[a] values per axis, as level indices; the last axis varies fastest.
std::vector<std::vector<int32_t>> factorial(const std::vector<int32_t>& levels);

// The seed of run k: the top 53 bits of a 64-bit Philox word keyed by the sweep's seed and countered by
// k (53 bits, so that a seed is exact as a double in any analysis tool). With common random numbers k is
// the replicate, otherwise the run index.
uint64_t run_seed(uint64_t sweep_seed, uint64_t k);

}  // namespace courtyard::sweep
