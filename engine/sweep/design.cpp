// Latin hypercubes, Saltelli's scheme, full factorials and run seeds (Sobol' points: sobol.cpp).
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/rng.h"
#include "sweep/design.h"
#include "sweep/keys.h"

namespace courtyard::sweep {

UnitDesign latin_hypercube(int64_t n, int dims, bool centered, uint64_t seed) {
  if (n < 1 || n > (int64_t{1} << 31)) throw std::invalid_argument("Latin hypercube points out of range");
  if (dims < 1 || dims > 255) throw std::invalid_argument("Latin hypercube dimensions must be 1 to 255");
  UnitDesign out;
  out.rows = n;
  out.dims = dims;
  out.u.resize(static_cast<size_t>(n) * static_cast<size_t>(dims));
  std::vector<uint32_t> stratum(static_cast<size_t>(n));
  for (int d = 0; d < dims; ++d) {
    // the strata in a random order: Fisher-Yates, one keyed draw per swap
    std::iota(stratum.begin(), stratum.end(), 0u);
    for (int64_t j = n - 1; j > 0; --j) {
      Stream s(seed, Purpose::kLab, key_word(KeyUse::kLhsPermutation, d), 0, static_cast<uint32_t>(j));
      std::swap(stratum[static_cast<size_t>(j)], stratum[s.below(static_cast<uint32_t>(j + 1))]);
    }
    // a point within each stratum, kept inside it despite rounding
    for (int64_t i = 0; i < n; ++i) {
      double jitter = 0.5;
      if (!centered) jitter = Stream(seed, Purpose::kLab, key_word(KeyUse::kLhsJitter, d), 0, static_cast<uint32_t>(i)).uniform();
      const double k = stratum[static_cast<size_t>(i)];
      double u = (k + jitter) / static_cast<double>(n);
      while (u > 0 && std::floor(u * static_cast<double>(n)) > k) u = std::nextafter(u, 0.0);
      out.u[static_cast<size_t>(i) * static_cast<size_t>(dims) + static_cast<size_t>(d)] = u;
    }
  }
  return out;
}

UnitDesign saltelli(int64_t n, int dims, bool second_order, int64_t skip, bool scramble, uint64_t seed) {
  if (dims < 1 || 2 * dims > kSobolMaxDimensions) throw std::invalid_argument("Saltelli dimensions must be 1 to 32");
  const UnitDesign base = sobol_points(n, 2 * dims, skip, scramble, seed);
  const int64_t per_row = second_order ? 2 * dims + 2 : dims + 2;
  UnitDesign out;
  out.rows = n * per_row;
  out.dims = dims;
  out.u.reserve(static_cast<size_t>(out.rows) * static_cast<size_t>(dims));
  for (int64_t j = 0; j < n; ++j) {
    auto a = [&](int i) { return base.at(j, i); };
    auto b = [&](int i) { return base.at(j, dims + i); };
    // A_j
    for (int i = 0; i < dims; ++i) out.u.push_back(a(i));
    // AB_j^(k): A with column k from B
    for (int k = 0; k < dims; ++k)
      for (int i = 0; i < dims; ++i) out.u.push_back(i == k ? b(i) : a(i));
    // BA_j^(k): B with column k from A
    if (second_order)
      for (int k = 0; k < dims; ++k)
        for (int i = 0; i < dims; ++i) out.u.push_back(i == k ? a(i) : b(i));
    // B_j
    for (int i = 0; i < dims; ++i) out.u.push_back(b(i));
  }
  return out;
}

UnitDesign morris(int64_t r, int dims, int levels, uint64_t seed) {
  if (r < 1 || r > (int64_t{1} << 31)) throw std::invalid_argument("Morris trajectories out of range");
  if (dims < 1 || dims > 254) throw std::invalid_argument("Morris dimensions must be 1 to 254");
  if (levels < 2 || levels % 2 != 0) throw std::invalid_argument("Morris levels must be even and >= 2");
  const int delta_levels = levels / 2;  // delta = p / (2 (p - 1)) = (p / 2) grid steps
  UnitDesign out;
  out.rows = r * (dims + 1);
  out.dims = dims;
  out.u.resize(static_cast<size_t>(out.rows) * static_cast<size_t>(dims));
  std::vector<int> order(static_cast<size_t>(dims)), level(static_cast<size_t>(dims));
  std::vector<int> direction(static_cast<size_t>(dims));
  for (int64_t t = 0; t < r; ++t) {
    const auto tw = static_cast<uint32_t>(t);
    // the order the coordinates move in (Fisher-Yates) and their directions
    std::iota(order.begin(), order.end(), 0);
    for (int j = dims - 1; j > 0; --j) {
      Stream s(seed, Purpose::kLab, key_word(KeyUse::kMorris, 0), tw, static_cast<uint32_t>(j));
      std::swap(order[static_cast<size_t>(j)], order[s.below(static_cast<uint32_t>(j + 1))]);
    }
    for (int d = 0; d < dims; ++d) {
      Stream s(seed, Purpose::kLab, key_word(KeyUse::kMorris, d + 1), tw, 0);
      const int base = static_cast<int>(s.below(static_cast<uint32_t>(levels / 2)));  // x*: one of the p/2 lowest levels
      direction[static_cast<size_t>(d)] = (s.next_u32() & 1u) ? 1 : -1;
      // a coordinate that moves down starts delta above x*
      level[static_cast<size_t>(d)] = base + (direction[static_cast<size_t>(d)] < 0 ? delta_levels : 0);
    }
    for (int row = 0; row <= dims; ++row) {
      if (row > 0) {
        const int d = order[static_cast<size_t>(row - 1)];
        level[static_cast<size_t>(d)] += direction[static_cast<size_t>(d)] * delta_levels;
      }
      for (int d = 0; d < dims; ++d)
        out.u[static_cast<size_t>(t * (dims + 1) + row) * static_cast<size_t>(dims) + static_cast<size_t>(d)] =
            static_cast<double>(level[static_cast<size_t>(d)]) / (levels - 1);
    }
  }
  return out;
}

std::vector<std::vector<int32_t>> factorial(const std::vector<int32_t>& levels) {
  int64_t total = 1;
  for (int32_t l : levels) {
    if (l < 1) throw std::invalid_argument("a factorial axis needs at least one level");
    total *= l;
  }
  std::vector<std::vector<int32_t>> out(static_cast<size_t>(total), std::vector<int32_t>(levels.size()));
  for (int64_t p = 0; p < total; ++p) {
    // the point's index in mixed radix, the last axis the least significant digit
    int64_t rest = p;
    for (size_t a = levels.size(); a-- > 0;) {
      out[static_cast<size_t>(p)][a] = static_cast<int32_t>(rest % levels[a]);
      rest /= levels[a];
    }
  }
  return out;
}

uint64_t run_seed(uint64_t sweep_seed, uint64_t k) {
  Stream s(sweep_seed, Purpose::kLab, key_word(KeyUse::kRunSeed, 0), static_cast<uint32_t>(k),
           static_cast<uint32_t>(k >> 32));
  const uint64_t lo = s.next_u32();
  const uint64_t hi = s.next_u32();
  // 53 bits: a seed reads back exactly wherever numbers are doubles (pandas, R, spreadsheets)
  return (lo | (hi << 32)) >> 11;
}

}  // namespace courtyard::sweep
