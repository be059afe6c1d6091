// The step never allocates: every buffer is sized at load. Counted with a replaced operator new.
#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>

#include <atomic>
#include <cstdlib>
#include <new>

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

TEST(Simulation, StepDoesNotAllocate) {
  // one thread: TBB's own worker start-up is not the step's doing
  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, 1);
  const Model m = testing::model_from_file("scenarios/demo_district.txtpb", {"run.steps=60"});
  Simulation sim(m);
  sim.step();  // warm-up
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 58; ++i) sim.step();
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_EQ(sim.state().step, 59);
}

}  // namespace
}  // namespace courtyard
