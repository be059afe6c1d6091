// Google Benchmark: each phase of the weekly step over a generated district, and the whole step.
// Items processed are household-steps, so the reports read as household-steps per second.
//
//   build/benchmarks/courtyard_bench [--benchmark_filter=Phase] [--courtyards N via COURTYARD_BENCH_COURTYARDS]
#include <benchmark/benchmark.h>

#include <oneapi/tbb/global_control.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/rng.h"
#include "life/fee_decision.h"
#include "life/life.h"
#include "scenario/scenario.h"
#include "sim/metrics.h"
#include "sim/simulation.h"

namespace courtyard {
namespace {

const Model& bench_model() {
  static const Model model = [] {
    const char* env = std::getenv("COURTYARD_BENCH_COURTYARDS");
    const int n = env ? std::atoi(env) : 1000;
    const std::string root = std::getenv("COURTYARD_SOURCE_DIR") ? std::getenv("COURTYARD_SOURCE_DIR") : ".";
    return build_model(load_scenario(root + "/benchmarks/scale.txtpb",
                                     {"courtyard_kinds[0].count=" + std::to_string(n * 7 / 10),
                                      "courtyard_kinds[1].count=" + std::to_string(n - n * 7 / 10)}));
  }();
  return model;
}

// A simulation warmed up for a few weeks so the state is not the initial one.
Simulation& warm_simulation() {
  static Simulation sim = [] {
    Simulation s(bench_model());
    for (int i = 0; i < 4; ++i) s.step();
    return s;
  }();
  return sim;
}

template <class Fn>
void per_courtyard_phase(benchmark::State& st, Fn fn) {
  Simulation& sim = warm_simulation();
  const Model& m = bench_model();
  State& s = sim.mutable_state();
  std::vector<Event> slots(static_cast<size_t>(m.ncourtyard()) * 64);
  std::vector<int32_t> counts(m.ncourtyard());
  std::vector<std::vector<Event>> overflow(m.ncourtyard());
  // a first week of the month, so monthly processes do their work
  const Week w{m, s.step, 2015.0, true, EventSlots{slots.data(), counts.data(), overflow.data(), 64}};
  for (auto _ : st) {
    std::fill(counts.begin(), counts.end(), 0);
    for (auto& list : overflow) list.clear();
    for (int32_t c = 0; c < m.ncourtyard(); ++c) fn(w, s, c);
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * m.nhousehold());
}

void BM_Phase_Wear(benchmark::State& st) { per_courtyard_phase(st, wear_and_failures); }
void BM_Phase_Maintenance(benchmark::State& st) { per_courtyard_phase(st, maintenance); }
void BM_Phase_BrokenWindows(benchmark::State& st) { per_courtyard_phase(st, broken_windows); }
void BM_Phase_SatisfactionTrust(benchmark::State& st) { per_courtyard_phase(st, satisfaction_and_trust); }
void BM_Phase_FeePayment(benchmark::State& st) { per_courtyard_phase(st, fee_payment); }
void BM_Phase_Demands(benchmark::State& st) { per_courtyard_phase(st, demands); }
void BM_Phase_MoveOut(benchmark::State& st) { per_courtyard_phase(st, move_out); }
void BM_Phase_MoveIn(benchmark::State& st) { per_courtyard_phase(st, move_in); }
void BM_Phase_Ties(benchmark::State& st) { per_courtyard_phase(st, ties_and_norms); }
BENCHMARK(BM_Phase_Wear)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Phase_Maintenance)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Phase_BrokenWindows)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Phase_SatisfactionTrust)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Phase_FeePayment)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Phase_Demands)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Phase_MoveOut)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Phase_MoveIn)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Phase_Ties)->Unit(benchmark::kMillisecond);

// The fee decision alone over every household of the warm district, one thread, the same draws for both:
// the exact `u < payment_probability(...)` per household, against the fast path of life/fee_decision.h (scalar,
// as the test calls it; fee_payment runs an AVX2 loop of it) with the exact fallback inside its margin.
template <bool kFast>
void fee_decisions(benchmark::State& st) {
  const Model& m = bench_model();
  const State& s = warm_simulation().state();
  const Params& params = m.params;
  std::vector<uint32_t> words(static_cast<size_t>(m.nhousehold()));
  for (size_t i = 0; i < words.size(); ++i) words[i] = static_cast<uint32_t>(i * 2654435761u);
  const double custom = 0.4, meeting = 0.3;
  for (auto _ : st) {
    int64_t paid = 0;
    for (int32_t c = 0; c < m.ncourtyard(); ++c) {
      const bool managed = collects(s, c);
      const FeeTerms terms = fee_terms(params, managed, custom, meeting);
      for (int64_t h = first_household(m, c); h < end_household(m, c); ++h) {
        const double u = Stream::to_uniform(words[h]);
        const bool renter = s.tenure[h] == Tenure::kRenter, attended = (s.civic[h] & kAttended) != 0;
        FeeDecision d = kFeeUnsure;
        if constexpr (kFast)
          d = fee_decision_fast(terms, static_cast<uint8_t>(s.coop[h]), s.belief[h], s.trust[h], s.satisfaction[h],
                                s.ability[h], s.sanction[h], renter, attended, u);
        if (d == kFeeUnsure) {
          double pressure = custom + s.sanction[h];
          if (attended) pressure += meeting;
          d = u < payment_probability(params, s.coop[h], s.belief[h], s.trust[h], s.satisfaction[h], s.ability[h],
                                      renter, managed, pressure)
                  ? kFeePay
                  : kFeeNoPay;
        }
        paid += d == kFeePay;
      }
    }
    benchmark::DoNotOptimize(paid);
  }
  st.SetItemsProcessed(st.iterations() * m.nhousehold());
}
void BM_FeeDecision_Exact(benchmark::State& st) { fee_decisions<false>(st); }
void BM_FeeDecision_Fast(benchmark::State& st) { fee_decisions<true>(st); }
BENCHMARK(BM_FeeDecision_Exact)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FeeDecision_Fast)->Unit(benchmark::kMillisecond);

// The whole step (all phases, TBB-parallel, default thread count).
void BM_Step(benchmark::State& st) {
  Simulation sim(bench_model());
  for (auto _ : st) sim.step();
  st.SetItemsProcessed(st.iterations() * bench_model().nhousehold());
}
BENCHMARK(BM_Step)->Unit(benchmark::kMillisecond);

// The whole step on one thread: the numerator of the work-per-core ratio below.
void BM_Step_OneThread(benchmark::State& st) {
  oneapi::tbb::global_control one(oneapi::tbb::global_control::max_allowed_parallelism, 1);
  Simulation sim(bench_model());
  for (auto _ : st) sim.step();
  st.SetItemsProcessed(st.iterations() * bench_model().nhousehold());
}
BENCHMARK(BM_Step_OneThread)->Unit(benchmark::kMillisecond);

// A toy household step, one thread, as many households as the model: 48 bytes of state per household
// (twelve floats), three keyed Philox streams (one block each), two exp, a few multiply-adds. The issue
// "Performance" measures the real step against it: BM_Step_OneThread / BM_ToyHouseholdStep household-steps
// per second, from the same run of this binary (benchmarks/RESULTS.md), not remembered from another machine.
void BM_ToyHouseholdStep(benchmark::State& st) {
  const Model& m = bench_model();
  const int64_t n = m.nhousehold();
  std::vector<float> state(static_cast<size_t>(n) * 12, 0.5f);
  uint32_t step = 0;
  for (auto _ : st) {
    for (int32_t c = 0; c < m.ncourtyard(); ++c) {
      for (int64_t h = first_household(m, c); h < end_household(m, c); ++h) {
        float* x = state.data() + h * 12;
        Stream a(m.seed, Purpose::kWear, static_cast<uint32_t>(c), static_cast<uint32_t>(h), step);
        Stream b(m.seed, Purpose::kFeePayment, static_cast<uint32_t>(c), static_cast<uint32_t>(h), step);
        Stream d(m.seed, Purpose::kMoveOut, static_cast<uint32_t>(c), static_cast<uint32_t>(h), step);
        const double p = 1.0 / (1.0 + std::exp(-(x[0] * 2.0 - x[1])));
        const double q = std::exp(-0.01 * x[2]);
        x[3] = 0.9f * x[3] + 0.1f * static_cast<float>(a.uniform() < p);
        x[4] = 0.95f * x[4] + 0.05f * static_cast<float>(b.uniform() < q);
        x[5] += static_cast<float>(d.uniform() < 0.002);
        for (int k = 6; k < 12; ++k) x[k] = 0.99f * x[k] + 0.01f * x[k - 6];
      }
    }
    ++step;
    benchmark::DoNotOptimize(state.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * n);
}
BENCHMARK(BM_ToyHouseholdStep)->Unit(benchmark::kMillisecond);

// Recording every metric for every courtyard.
void BM_RecordMetrics(benchmark::State& st) {
  const Model& m = bench_model();
  MetricRecorder rec(m);
  std::vector<float> values(rec.size() * m.ncourtyard());
  std::vector<double> sub(rec.size());
  const State& state = warm_simulation().state();  // built (and warmed) before the timed loop
  for (auto _ : st) rec.compute(state, values, sub);
  st.SetItemsProcessed(st.iterations() * m.nhousehold());
}
BENCHMARK(BM_RecordMetrics)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace courtyard

BENCHMARK_MAIN();
