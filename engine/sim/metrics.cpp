#include "sim/metrics.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "governance/governance.h"
#include "life/life.h"
#include "model/metric_table.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

namespace courtyard {

namespace {

// A run of courtyards' household tallies, structure of arrays: row i is courtyard c0 + i. What the
// household metrics need, counted in one pass over each courtyard's flats (count_courtyards).
struct Tallies {
  double *flats, *owners, *renters, *vacant, *residents;
  float *trust, *satisfaction, *ties;  // sums over resident households
  float* belief_error;                 // sum of |belief - collection rate| over residents
  double* condition;                   // condition_index, where a metric needs it
};

// One household's terms added to sums (trust, satisfaction, ties and belief error over residents):
// branch-free, a vacant flat adds 0 x its value.
inline void add_household(const State& s, int64_t h, float rate, float* sums) {
  const float resident = s.tenure[h] != Tenure::kVacant ? 1.f : 0.f;
  sums[0] += resident * s.trust[h];
  sums[1] += resident * s.satisfaction[h];
  sums[2] += resident * s.ties[h];
  sums[3] += resident * std::fabs(s.belief[h] - rate);
}

// Row i of t: a courtyard's flats, owner-occupiers, renters and sums.
void store_tally(int64_t flats_count, int32_t owners, int32_t renters, const float* sums, const Tallies& t,
                 int32_t i) {
  const double flats = static_cast<double>(flats_count);
  const double vacant = flats - owners - renters;
  t.flats[i] = flats;
  t.owners[i] = owners;
  t.renters[i] = renters;
  t.vacant[i] = vacant;
  t.residents[i] = flats - vacant;
  t.trust[i] = sums[0];
  t.satisfaction[i] = sums[1];
  t.ties[i] = sums[2];
  t.belief_error[i] = sums[3];
}

// Row i of t: courtyard c's tally, household by household. Each float sum is added in household order
// (the order decides the bits) and widened once at the end.
void count_households(const Model& m, const State& s, int32_t c, const Tallies& t, int32_t i) {
  const int64_t h0 = first_household(m, c), h1 = end_household(m, c);
  const float rate = s.collection_rate[c];
  int32_t owners = 0, renters = 0;
  float sums[4] = {0, 0, 0, 0};
  for (int64_t h = h0; h < h1; ++h) {
    owners += s.tenure[h] == Tenure::kOwner;
    renters += s.tenure[h] == Tenure::kRenter;
    add_household(s, h, rate, sums);
  }
  store_tally(h1 - h0, owners, renters, sums, t, i);
}

#if defined(__SSE2__)
// The same tally, faster: four households' terms at a time (lanes by household, the same IEEE operations
// as add_household), transposed to lanes by sum and added household by household, so that each lane
// still adds in household order. A lane's additions depend on each other; two courtyards at a time
// (count_pair) keep two chains going. The counts are integers: lanes by household, summed at the end.
struct Lanes {
  __m128 sum = _mm_setzero_ps();  // trust, satisfaction, ties, belief error
  __m128i owners = _mm_setzero_si128(), renters = _mm_setzero_si128();
};

inline void add_four(const State& s, int64_t h, __m128 rate, Lanes& acc) {
  uint32_t tenure;
  std::memcpy(&tenure, s.tenure.data() + h, sizeof(tenure));
  const __m128i zero = _mm_setzero_si128();
  const __m128i bytes = _mm_cvtsi32_si128(static_cast<int>(tenure));
  const __m128i tenure32 = _mm_unpacklo_epi16(_mm_unpacklo_epi8(bytes, zero), zero);  // one flat per lane
  auto is = [&](Tenure which) { return _mm_cmpeq_epi32(tenure32, _mm_set1_epi32(static_cast<int>(which))); };
  acc.owners = _mm_sub_epi32(acc.owners, is(Tenure::kOwner));  // a true lane is -1
  acc.renters = _mm_sub_epi32(acc.renters, is(Tenure::kRenter));
  const __m128i vacant = is(Tenure::kVacant);
  const __m128 resident = _mm_andnot_ps(_mm_castsi128_ps(vacant), _mm_set1_ps(1.f));
  __m128 trust = _mm_mul_ps(resident, _mm_loadu_ps(s.trust.data() + h));
  __m128 satisfaction = _mm_mul_ps(resident, _mm_loadu_ps(s.satisfaction.data() + h));
  __m128 ties = _mm_mul_ps(resident, _mm_loadu_ps(s.ties.data() + h));
  const __m128 diff = _mm_sub_ps(_mm_loadu_ps(s.belief.data() + h), rate);
  __m128 error = _mm_mul_ps(resident, _mm_andnot_ps(_mm_set1_ps(-0.f), diff));  // fabs: the sign bit cleared
  _MM_TRANSPOSE4_PS(trust, satisfaction, ties, error);  // now one household per register
  acc.sum = _mm_add_ps(acc.sum, trust);
  acc.sum = _mm_add_ps(acc.sum, satisfaction);
  acc.sum = _mm_add_ps(acc.sum, ties);
  acc.sum = _mm_add_ps(acc.sum, error);
}

int32_t lane_total(__m128i v) {
  int32_t lanes[4];
  _mm_storeu_si128(reinterpret_cast<__m128i*>(lanes), v);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

// Courtyard c's flats from h on, added to acc; row i of t.
void finish_courtyard(const Model& m, const State& s, int32_t c, int64_t h, Lanes& acc, const Tallies& t, int32_t i) {
  const int64_t h0 = first_household(m, c), h1 = end_household(m, c);
  const float rate = s.collection_rate[c];
  for (; h + 4 <= h1; h += 4) add_four(s, h, _mm_set1_ps(rate), acc);
  float sums[4];
  _mm_storeu_ps(sums, acc.sum);
  int32_t owners = lane_total(acc.owners), renters = lane_total(acc.renters);
  for (; h < h1; ++h) {
    owners += s.tenure[h] == Tenure::kOwner;
    renters += s.tenure[h] == Tenure::kRenter;
    add_household(s, h, rate, sums);
  }
  store_tally(h1 - h0, owners, renters, sums, t, i);
}

// Rows i and i + 1 of t: courtyards c and c + 1, side by side for as many flats as both have.
void count_pair(const Model& m, const State& s, int32_t c, const Tallies& t, int32_t i) {
  const int64_t a = first_household(m, c), b = first_household(m, c + 1);
  const int64_t both = std::min(end_household(m, c) - a, end_household(m, c + 1) - b) / 4 * 4;
  const __m128 rate_a = _mm_set1_ps(s.collection_rate[c]), rate_b = _mm_set1_ps(s.collection_rate[c + 1]);
  Lanes acc_a, acc_b;
  for (int64_t j = 0; j < both; j += 4) {
    add_four(s, a + j, rate_a, acc_a);
    add_four(s, b + j, rate_b, acc_b);
  }
  finish_courtyard(m, s, c, a + both, acc_a, t, i);
  finish_courtyard(m, s, c + 1, b + both, acc_b, t, i + 1);
}
#endif

// Rows i0..i1 of t: courtyards c0 + i0 .. c0 + i1 - 1.
void count_courtyards(const Model& m, const State& s, int32_t c0, int32_t i0, int32_t i1, const Tallies& t) {
  int32_t i = i0;
#if defined(__SSE2__)
  for (; i + 2 <= i1; i += 2) count_pair(m, s, c0 + i, t, i);
#endif
  for (; i < i1; ++i) count_households(m, s, c0 + i, t, i);
}

bool needs_condition(int metric) { return metric == kConditionIndex || metric == kStarRating; }

// num = x, den = 1 (counts and money)
template <class T>
void counted(const T* x, int32_t n, double* num, double* den) {
  for (int32_t i = 0; i < n; ++i) {
    num[i] = static_cast<double>(x[i]);
    den[i] = 1;
  }
}

// num = x * w, den = w (a mean weighted by flats or residents)
template <class T>
void weighted(const T* x, const double* w, int32_t n, double* num, double* den) {
  for (int32_t i = 0; i < n; ++i) {
    num[i] = static_cast<double>(x[i]) * w[i];
    den[i] = w[i];
  }
}

// weighted, over the courtyards where x is set; NaN (never met, never levied) counts in neither sum
void weighted_where_set(const float* x, const double* w, int32_t n, double* num, double* den) {
  for (int32_t i = 0; i < n; ++i) {
    const bool set = !std::isnan(x[i]);
    num[i] = set ? x[i] * w[i] : 0;
    den[i] = set ? w[i] : 0;
  }
}

// num = sum, den = w (a sum over households, or a count, over flats or residents)
template <class T>
void summed(const T* sum, const double* w, int32_t n, double* num, double* den) {
  for (int32_t i = 0; i < n; ++i) {
    num[i] = static_cast<double>(sum[i]);
    den[i] = w[i];
  }
}

// num/den of one metric for the n courtyards c0.. (tally rows 0..n-1 of t), the metric chosen once for
// the column; each value is what it always was (the same operations on the same operands).
void column_terms(int metric, const State& s, int32_t c0, int32_t n, const Tallies& t, double* num, double* den) {
  const double* flats = t.flats;
  const double* residents = t.residents;
  switch (metric) {
    case kConditionIndex: weighted(t.condition, flats, n, num, den); return;
    case kDisorder: weighted(s.disorder.data() + c0, flats, n, num, den); return;
    case kViolations: counted(s.violations.data() + c0, n, num, den); return;
    case kCollectionRate: weighted(s.collection_rate.data() + c0, residents, n, num, den); return;
    case kFundBalance: counted(s.fund.data() + c0, n, num, den); return;
    case kTrustMean: summed(t.trust, residents, n, num, den); return;
    case kSatisfactionMean: summed(t.satisfaction, residents, n, num, den); return;
    case kTiesMean: summed(t.ties, residents, n, num, den); return;
    case kOwnerShare: summed(t.owners, flats, n, num, den); return;
    case kRenterShare: summed(t.renters, flats, n, num, den); return;
    case kVacancyShare: summed(t.vacant, flats, n, num, den); return;
    case kMoveOuts: counted(s.move_outs.data() + c0, n, num, den); return;
    case kMoveIns: counted(s.move_ins.data() + c0, n, num, den); return;
    case kOpenDemands: counted(s.open_demands.data() + c0, n, num, den); return;
    case kMeetings: counted(s.meetings.data() + c0, n, num, den); return;
    case kAttendanceRate:
      // household-weighted over the courtyards that have met; NaN where none has
      weighted_where_set(s.last_attendance.data() + c0, residents, n, num, den);
      return;
    case kLevyPaidShare: weighted_where_set(s.last_levy_share.data() + c0, flats, n, num, den); return;
    case kSelfFinancing: weighted(s.self_financing.data() + c0, flats, n, num, den); return;
    case kFiveHaves:
      for (int32_t i = 0; i < n; ++i) {
        num[i] = five_haves(s, c0 + i) * flats[i];
        den[i] = flats[i];
      }
      return;
    case kStarRating:
      for (int32_t i = 0; i < n; ++i) {
        const int32_t c = c0 + i;
        const double rate = residents[i] > 0 ? s.collection_rate[c] : 0.0;
        num[i] = star_rating(s, c, rate, t.condition[i], s.disorder[c]) * flats[i];
        den[i] = flats[i];
      }
      return;
    case kMoveOutRateOwner:
    case kMoveOutRateRenter: {
      // weekly hazard over the interval's household-weeks at risk, annualised: 1 - (1 - h)^52 (no
      // moves: pow(1, 52) is exactly 1, the term exactly 0, without the call)
      const bool owner = metric == kMoveOutRateOwner;
      const int32_t* weeks_at_risk = (owner ? s.owner_weeks : s.renter_weeks).data() + c0;
      const int32_t* moved = (owner ? s.move_outs_owner : s.move_outs_renter).data() + c0;
      for (int32_t i = 0; i < n; ++i) {
        const double weeks = weeks_at_risk[i];
        const double moves = moved[i];
        num[i] = weeks > 0 && moves != 0 ? (1.0 - std::pow(1.0 - moves / weeks, 52.0)) * weeks : 0;
        den[i] = weeks;
      }
      return;
    }
    case kTidyNorm: weighted(s.tidy_norm.data() + c0, flats, n, num, den); return;
    case kSanctions: counted(s.sanctions.data() + c0, n, num, den); return;
    case kEnforcementHours: counted(s.enforcement_hours.data() + c0, n, num, den); return;
    case kMoveOutsOwner: counted(s.move_outs_owner.data() + c0, n, num, den); return;
    case kMoveOutsRenter: counted(s.move_outs_renter.data() + c0, n, num, den); return;
    case kStaffHours: counted(s.staff_hours.data() + c0, n, num, den); return;
    case kVolunteerHours: counted(s.volunteer_hours.data() + c0, n, num, den); return;
    case kSpentSubdistrict: counted(s.spent_subdistrict.data() + c0, n, num, den); return;
    case kSpentCommunity: counted(s.spent_community.data() + c0, n, num, den); return;
    case kSpentCourtyard: counted(s.spent_courtyard.data() + c0, n, num, den); return;
    case kBeliefError: summed(t.belief_error, residents, n, num, den); return;
    case kManaged:
      for (int32_t i = 0; i < n; ++i) {
        num[i] = (s.management[c0 + i] != Management::kNone) * flats[i];
        den[i] = flats[i];
      }
      return;
    case kManagerTake: counted(s.manager_take_month.data() + c0, n, num, den); return;
    default: break;
  }
  const int f = metric - kFirstFacility;
  for (int32_t i = 0; i < n; ++i) {
    num[i] = s.condition[(c0 + i) * kFacilityCount + f] * flats[i];
    den[i] = flats[i];
  }
}

double ratio(bool sum, double num, double den) {
  if (sum) return num;
  return den > 0 ? num / den : std::numeric_limits<double>::quiet_NaN();
}

bool is_sum(int metric) { return all_metrics()[metric].aggregate == Aggregate::kSum; }

}  // namespace

void metric_terms(int metric, const Model& m, const State& s, int32_t c, double* num, double* den) {
  double flats, owners, renters, vacant, residents, condition = 0;
  float trust, satisfaction, ties, belief_error;
  const Tallies t{&flats, &owners, &renters, &vacant, &residents, &trust, &satisfaction, &ties, &belief_error,
                  &condition};
  count_households(m, s, c, t, 0);
  if (needs_condition(metric)) condition = condition_index(s, c);
  column_terms(metric, s, c, 1, t, num, den);
}

double metric_value(int metric, const Model& m, const State& s, int32_t c) {
  // courtyard-level metrics need no pass over the households (intervention conditions ask often)
  switch (metric) {
    case kConditionIndex: return condition_index(s, c);
    case kDisorder: return s.disorder[c];
    case kCollectionRate: return s.collection_rate[c];
    case kFundBalance: return s.fund[c];
    case kOpenDemands: return s.open_demands[c];
    case kSelfFinancing: return s.self_financing[c];
    case kFiveHaves: return five_haves(s, c);
    default: break;
  }
  double num = 0, den = 1;
  metric_terms(metric, m, s, c, &num, &den);
  return ratio(is_sum(metric), num, den);
}

MetricWeight metric_weight(int metric) {
  if (all_metrics()[metric].aggregate == Aggregate::kSum) return MetricWeight::kSum;
  switch (metric) {  // as column_terms() above
    case kCollectionRate:
    case kTrustMean:
    case kSatisfactionMean:
    case kTiesMean:
    case kAttendanceRate:
    case kBeliefError: return MetricWeight::kResidents;
    case kMoveOutRateOwner:
    case kMoveOutRateRenter: return MetricWeight::kOther;
    default: return MetricWeight::kFlats;
  }
}

MetricRecorder::MetricRecorder(const Model& m) : model_(m) {
  const auto& all = all_metrics();
  if (m.output.metrics.empty()) {
    for (int i = 0; i < kFirstFacility; ++i) ids_.push_back(i);
  } else {
    for (const auto& name : m.output.metrics) ids_.push_back(find_metric(name));
  }
  if (m.output.per_facility)
    for (int i = kFirstFacility; i < static_cast<int>(all.size()); ++i) ids_.push_back(i);
  for (int id : ids_) {
    sum_.push_back(is_sum(id) ? 1 : 0);
    condition_ = condition_ || needs_condition(id);
  }
  for (auto* v : {&flats_, &owners_, &renters_, &vacant_, &residents_, &condition_index_}) v->assign(kTile, 0);
  for (auto* v : {&trust_, &satisfaction_, &ties_, &belief_error_}) v->assign(kTile, 0);
  num_sum_.assign(ids_.size(), 0);
  den_sum_.assign(ids_.size(), 0);
  check_.assign(ids_.size() * m.courtyards.size(), 0);
  first_bad_.assign(ids_.size(), 0);
  any_den_.assign(ids_.size(), 0);
}

std::vector<MetricColumn> MetricRecorder::columns() const {
  std::vector<MetricColumn> cols;
  for (int id : ids_) {
    const auto& d = all_metrics()[id];
    cols.push_back({d.name, d.units, d.long_name});
  }
  return cols;
}

void MetricRecorder::compute(const State& s, std::span<float> courtyard_values,
                             std::span<double> subdistrict_values) {
  const int32_t nc = model_.ncourtyard();
  const size_t nm = ids_.size();
  std::fill(num_sum_.begin(), num_sum_.end(), 0.0);
  std::fill(den_sum_.begin(), den_sum_.end(), 0.0);
  std::fill(first_bad_.begin(), first_bad_.end(), nc);
  std::fill(any_den_.begin(), any_den_.end(), uint8_t{0});
  const Tallies tile{flats_.data(),     owners_.data(),       renters_.data(), vacant_.data(),
                     residents_.data(), trust_.data(),        satisfaction_.data(), ties_.data(),
                     belief_error_.data(), condition_index_.data()};
  // tiles of kTile courtyards: their household tallies in parallel over courtyards, then each metric's
  // column (the metrics in parallel): its terms, values and check bits, and the subdistrict's sums
  // added by one thread in courtyard order (never through thread-local partial sums), so the sums do
  // not depend on the number of threads; only one tile's tallies are kept
  for (int32_t c0 = 0; c0 < nc; c0 += kTile) {
    const int32_t width = std::min(nc - c0, kTile);
    tbb::parallel_for(tbb::blocked_range<int32_t>(0, width, 64), [&](const tbb::blocked_range<int32_t>& range) {
      count_courtyards(model_, s, c0, range.begin(), range.end(), tile);
      if (condition_)
        for (int32_t i = range.begin(); i < range.end(); ++i)
          condition_index_[static_cast<size_t>(i)] = condition_index(s, c0 + i);
    });
    tbb::parallel_for(size_t{0}, nm, [&](size_t k) {
      // a block of the column at a time: its terms stay in the cache
      constexpr int32_t kBlock = 256;
      double num[kBlock], den[kBlock];
      const bool sum = sum_[k] != 0;
      double num_sum = num_sum_[k], den_sum = den_sum_[k];
      int32_t first_bad = first_bad_[k];
      bool any_den = any_den_[k] != 0;
      for (int32_t b0 = 0; b0 < width; b0 += kBlock) {
        const int32_t n = std::min(width - b0, kBlock);
        const Tallies rows{tile.flats + b0,        tile.owners + b0, tile.renters + b0, tile.vacant + b0,
                           tile.residents + b0,    tile.trust + b0,  tile.satisfaction + b0, tile.ties + b0,
                           tile.belief_error + b0, tile.condition + b0};
        const int32_t c = c0 + b0;
        column_terms(ids_[k], s, c, n, rows, num, den);
        const size_t at = k * static_cast<size_t>(nc) + static_cast<size_t>(c);
        float* values = courtyard_values.data() + at;
        uint8_t* check = check_.data() + at;
        for (int32_t i = 0; i < n; ++i) {
          values[i] = static_cast<float>(ratio(sum, num[i], den[i]));
          const bool bad = !std::isfinite(num[i]) || !std::isfinite(den[i]);
          check[i] = static_cast<uint8_t>((bad ? kBadTerms : 0) | (!bad && den[i] <= 0 ? kNoDenominator : 0) |
                                          (den[i] > 0 ? kPositiveDenominator : 0));
          if (bad && first_bad == nc) first_bad = c + i;
          any_den = any_den || den[i] > 0;
          num_sum += num[i];
          den_sum += den[i];
        }
      }
      num_sum_[k] = num_sum;
      den_sum_[k] = den_sum;
      first_bad_[k] = first_bad;
      any_den_[k] = any_den ? 1 : 0;
    });
  }
  for (size_t k = 0; k < nm; ++k) subdistrict_values[k] = ratio(sum_[k] != 0, num_sum_[k], den_sum_[k]);
}

namespace {
// whether any of n floats is infinite or NaN (all exponent bits set); no early exit, so it vectorises
bool any_non_finite(const float* v, int32_t n) {
  uint32_t any = 0;
  for (int32_t i = 0; i < n; ++i) any |= (std::bit_cast<uint32_t>(v[i]) & 0x7f800000u) == 0x7f800000u;
  return any != 0;
}
}  // namespace

std::optional<MetricRecorder::NonFinite> MetricRecorder::first_non_finite(
    std::span<const float> courtyard_values, std::span<const double> subdistrict_values) const {
  const int32_t nc = model_.ncourtyard();
  const size_t nm = ids_.size();
  // each metric's first finding, the metrics in parallel; the first metric's finding wins. A courtyard's
  // finding: terms that were not finite (first_bad_, from compute()), or a value that is infinite, or
  // NaN other than by design; the values are scanned a block at a time, only a block with a value that
  // is not finite courtyard by courtyard
  std::vector<std::optional<NonFinite>> found(nm);
  tbb::parallel_for(size_t{0}, nm, [&](size_t k) {
    const bool sum = sum_[k] != 0;
    const float* values = courtyard_values.data() + k * static_cast<size_t>(nc);
    const uint8_t* check = check_.data() + k * static_cast<size_t>(nc);
    const int32_t first_bad = first_bad_[k];
    constexpr int32_t kBlock = 256;
    for (int32_t b0 = 0; b0 < first_bad; b0 += kBlock) {
      const int32_t b1 = std::min(first_bad, b0 + kBlock);
      if (!any_non_finite(values + b0, b1 - b0)) continue;
      for (int32_t c = b0; c < b1; ++c) {
        const float v = values[c];
        const bool missing = !sum && (check[c] & kNoDenominator) != 0;  // NaN by design
        if (std::isinf(v) || (std::isnan(v) && !missing)) {
          found[k] = NonFinite{k, c, static_cast<double>(v)};
          return;
        }
      }
    }
    if (first_bad < nc) {
      found[k] = NonFinite{k, first_bad, static_cast<double>(values[first_bad])};
      return;
    }
    const double v = subdistrict_values[k];
    if (std::isinf(v) || (std::isnan(v) && (sum || any_den_[k] != 0))) found[k] = NonFinite{k, -1, v};
  });
  for (const auto& f : found)
    if (f) return f;
  return std::nullopt;
}

}  // namespace courtyard
