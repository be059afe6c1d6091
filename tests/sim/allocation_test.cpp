// The step allocates only to grow its event lists to a new busiest step; counted with a replaced operator new.
#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "sim/simulation.h"
#include "support/scenarios.h"

namespace {
std::atomic<long> g_allocations{0};
std::atomic<bool> g_counting{false};
}  // namespace

void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace courtyard {
namespace {

// Event lists grow to the busiest step and keep their capacity (life.h EventSlots): a step may allocate only
// when it holds more events than any earlier step, or a courtyard more than its four fixed slots and more than it
// ever held before. Every other step allocates nothing.
TEST(Simulation, StepAllocatesOnlyToGrowItsEventLists) {
  // one thread: TBB's own worker start-up is not the step's doing
  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, 1);
  const Model m = testing::model_from_file("scenarios/demo_district.txtpb", {"run.steps=60"});
  Simulation sim(m);
  sim.step();  // warm-up
  size_t busiest_step = sim.step_events().size();
  std::vector<int32_t> busiest_courtyard(static_cast<size_t>(m.ncourtyard()), 4);
  int growing_steps = 0, quiet_steps = 0;
  for (int i = 0; i < 58; ++i) {
    g_allocations = 0;
    g_counting = true;
    sim.step();
    g_counting = false;
    std::vector<int32_t> per_courtyard(static_cast<size_t>(m.ncourtyard()), 0);
    for (const Event& e : sim.step_events()) ++per_courtyard[static_cast<size_t>(e.courtyard)];
    bool grew = sim.step_events().size() > busiest_step;
    busiest_step = std::max(busiest_step, sim.step_events().size());
    for (size_t c = 0; c < per_courtyard.size(); ++c) {
      grew |= per_courtyard[c] > busiest_courtyard[c];
      busiest_courtyard[c] = std::max(busiest_courtyard[c], per_courtyard[c]);
    }
    if (grew) {
      ++growing_steps;
    } else {
      ++quiet_steps;
      EXPECT_EQ(g_allocations.load(), 0) << "step " << sim.state().step - 1 << " allocated without new events to hold";
    }
  }
  EXPECT_GT(quiet_steps, 40);  // most weeks hold no more events than an earlier one: the check has work to do
  EXPECT_EQ(sim.state().step, 59);
  (void)growing_steps;
}

}  // namespace
}  // namespace courtyard
