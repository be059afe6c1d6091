// Fuzz target: a sweep file (proto/courtyard/v1/sweep.proto), loaded and validated as `courtyard sweep
// expand` loads it. The base scenario is always tests/fuzz/sweep_base.txtpb (the override that `sweep
// status` uses), so a mutated `scenario:` path never makes the fuzzer read an arbitrary file of this
// machine; the design itself is not expanded (a valid sweep may hold up to 10^7 runs).
#include "fuzz_common.h"
#include "sweep/sweep.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  static const std::string base = courtyard::fuzz::source_path("tests/fuzz/sweep_base.txtpb");
  static const std::string dir = courtyard::fuzz::source_path("scenarios/sweeps");
  return courtyard::fuzz::guarded([&] {
    const courtyard::sweep::Plan plan = courtyard::sweep::load_sweep_text("fuzz.txtpb", text, dir, base);
    (void)plan.keep_text();
  });
}
