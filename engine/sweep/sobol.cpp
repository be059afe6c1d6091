// The Sobol' sequence with Joe & Kuo's direction numbers, and Owen's nested uniform scrambling.
//
// Direction numbers: the first 64 dimensions of new-joe-kuo-6.21201 (S. Joe and F. Y. Kuo, "Constructing
// Sobol sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30, 2635-2654, 2008).
// Dimension 1 is van der Corput's sequence (every m = 1); each row below is one later dimension as the
// file gives it: s (degree of the primitive polynomial), a (its inner coefficients as bits) and the
// initial m_1..m_s. Points are generated in Gray-code order like Joe & Kuo's own generator, so the
// unscrambled points equal SALib's sobol_sequence and SciPy's qmc.Sobol(scramble=False).
//
// Scrambling: Owen's nested uniform scramble with 32 digits, each flip a Philox bit keyed by the sweep's
// seed (core/rng.h, Purpose::kLab, counter word "courtyard" = 0x5357'04'dd for dimension dd): the
// permutation applied to digit b depends on the digits above it, which keeps every dyadic elementary
// interval of the unscrambled point set mapped onto one of the same size.
#include <array>
#include <stdexcept>

#include "core/rng.h"
#include "sweep/design.h"
#include "sweep/keys.h"

namespace courtyard::sweep {

namespace {

struct Primitive {
  int s;                      // degree
  uint32_t a;                 // inner coefficients a_1..a_{s-1}, most significant first
  std::array<uint32_t, 9> m;  // initial direction numbers m_1..m_s (odd, m_k < 2^k)
};

// new-joe-kuo-6.21201, dimensions 2..64.
constexpr Primitive kJoeKuo[kSobolMaxDimensions - 1] = {
    {1, 0, {1}},  // d = 2
    {2, 1, {1, 3}},  // d = 3
    {3, 1, {1, 3, 1}},  // d = 4
    {3, 2, {1, 1, 1}},  // d = 5
    {4, 1, {1, 1, 3, 3}},  // d = 6
    {4, 4, {1, 3, 5, 13}},  // d = 7
    {5, 2, {1, 1, 5, 5, 17}},  // d = 8
    {5, 4, {1, 1, 5, 5, 5}},  // d = 9
    {5, 7, {1, 1, 7, 11, 19}},  // d = 10
    {5, 11, {1, 1, 5, 1, 1}},  // d = 11
    {5, 13, {1, 1, 1, 3, 11}},  // d = 12
    {5, 14, {1, 3, 5, 5, 31}},  // d = 13
    {6, 1, {1, 3, 3, 9, 7, 49}},  // d = 14
    {6, 13, {1, 1, 1, 15, 21, 21}},  // d = 15
    {6, 16, {1, 3, 1, 13, 27, 49}},  // d = 16
    {6, 19, {1, 1, 1, 15, 7, 5}},  // d = 17
    {6, 22, {1, 3, 1, 15, 13, 25}},  // d = 18
    {6, 25, {1, 1, 5, 5, 19, 61}},  // d = 19
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},  // d = 20
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},  // d = 21
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},  // d = 22
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},  // d = 23
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},  // d = 24
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},  // d = 25
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},  // d = 26
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},  // d = 27
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},  // d = 28
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},  // d = 29
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},  // d = 30
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},  // d = 31
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},  // d = 32
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},  // d = 33
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},  // d = 34
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},  // d = 35
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},  // d = 36
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},  // d = 37
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},  // d = 38
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},  // d = 39
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},  // d = 40
    {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},  // d = 41
    {8, 47, {1, 1, 7, 15, 21, 11, 81, 45}},  // d = 42
    {8, 49, {1, 3, 7, 3, 25, 31, 65, 79}},  // d = 43
    {8, 50, {1, 3, 1, 1, 19, 11, 3, 205}},  // d = 44
    {8, 52, {1, 1, 5, 9, 19, 21, 29, 157}},  // d = 45
    {8, 56, {1, 3, 7, 11, 1, 33, 89, 185}},  // d = 46
    {8, 67, {1, 3, 3, 3, 15, 9, 79, 71}},  // d = 47
    {8, 70, {1, 3, 7, 11, 15, 39, 119, 27}},  // d = 48
    {8, 84, {1, 1, 3, 1, 11, 31, 97, 225}},  // d = 49
    {8, 97, {1, 1, 1, 3, 23, 43, 57, 177}},  // d = 50
    {8, 103, {1, 3, 7, 7, 17, 17, 37, 71}},  // d = 51
    {8, 115, {1, 3, 1, 5, 27, 63, 123, 213}},  // d = 52
    {8, 122, {1, 1, 3, 5, 11, 43, 53, 133}},  // d = 53
    {9, 8, {1, 3, 5, 5, 29, 17, 47, 173, 479}},  // d = 54
    {9, 13, {1, 3, 3, 11, 3, 1, 109, 9, 69}},  // d = 55
    {9, 16, {1, 1, 1, 5, 17, 39, 23, 5, 343}},  // d = 56
    {9, 22, {1, 3, 1, 5, 25, 15, 31, 103, 499}},  // d = 57
    {9, 25, {1, 1, 1, 11, 11, 17, 63, 105, 183}},  // d = 58
    {9, 44, {1, 1, 5, 11, 9, 29, 97, 231, 363}},  // d = 59
    {9, 47, {1, 1, 5, 15, 19, 45, 41, 7, 383}},  // d = 60
    {9, 52, {1, 3, 7, 7, 31, 19, 83, 137, 221}},  // d = 61
    {9, 55, {1, 1, 1, 3, 23, 15, 111, 223, 83}},  // d = 62
    {9, 59, {1, 1, 5, 13, 31, 15, 55, 25, 161}},  // d = 63
    {9, 62, {1, 1, 3, 13, 25, 47, 39, 87, 257}},  // d = 64
};

// The 32 direction numbers v_1..v_32 of every dimension (v_j = m_j 2^(32-j)), computed once.
struct Directions {
  std::array<std::array<uint32_t, 32>, kSobolMaxDimensions> v{};
  Directions() {
    for (int j = 0; j < 32; ++j) v[0][j] = 1u << (31 - j);
    for (int d = 1; d < kSobolMaxDimensions; ++d) {
      const Primitive& p = kJoeKuo[d - 1];
      std::array<uint32_t, 32> m{};
      for (int j = 0; j < p.s; ++j) m[j] = p.m[j];
      // m_j = 2^s m_{j-s} xor m_{j-s} xor (xor over k of 2^k a_k m_{j-k}) for j > s
      for (int j = p.s; j < 32; ++j) {
        uint32_t x = (m[j - p.s] << p.s) ^ m[j - p.s];
        for (int k = 1; k < p.s; ++k)
          if ((p.a >> (p.s - 1 - k)) & 1u) x ^= m[j - k] << k;
        m[j] = x;
      }
      for (int j = 0; j < 32; ++j) v[d][j] = m[j] << (31 - j);
    }
  }
};

const Directions& directions() {
  static const Directions table;
  return table;
}

}  // namespace

uint32_t sobol_coordinate(uint32_t index, int dim) {
  if (dim < 0 || dim >= kSobolMaxDimensions) throw std::out_of_range("Sobol' dimension out of range");
  const auto& v = directions().v[dim];
  // Gray code of the index: point i is the xor of the direction numbers of gray(i)'s bits
  uint32_t gray = index ^ (index >> 1);
  uint32_t x = 0;
  for (int j = 0; gray; ++j, gray >>= 1)
    if (gray & 1u) x ^= v[j];
  return x;
}

uint32_t owen_scramble(uint32_t x, int dim, uint64_t seed) {
  uint32_t out = 0;
  for (int b = 0; b < 32; ++b) {
    const uint32_t bit = (x >> (31 - b)) & 1u;
    const uint32_t prefix = b == 0 ? 0u : x >> (32 - b);  // the b digits above digit b
    Stream flip(seed, Purpose::kLab, key_word(KeyUse::kOwenScramble, dim), static_cast<uint32_t>(b), prefix);
    out |= (bit ^ (flip.next_u32() & 1u)) << (31 - b);
  }
  return out;
}

UnitDesign sobol_points(int64_t n, int dims, int64_t skip, bool scramble, uint64_t seed) {
  if (dims < 1 || dims > kSobolMaxDimensions) throw std::invalid_argument("Sobol' dimensions must be 1 to 64");
  if (n < 0 || skip < 0 || n + skip > (int64_t{1} << 32)) throw std::invalid_argument("Sobol' points out of range");
  UnitDesign out;
  out.rows = n;
  out.dims = dims;
  out.u.resize(static_cast<size_t>(n) * static_cast<size_t>(dims));
  for (int64_t i = 0; i < n; ++i)
    for (int d = 0; d < dims; ++d) {
      uint32_t x = sobol_coordinate(static_cast<uint32_t>(i + skip), d);
      if (scramble) x = owen_scramble(x, d, seed);
      out.u[static_cast<size_t>(i) * static_cast<size_t>(dims) + static_cast<size_t>(d)] = x * 0x1p-32;
    }
  return out;
}

}  // namespace courtyard::sweep
