// What an intervention does to a courtyard (sim/intervention_effects.cpp): each acts on courtyard c
// alone (a meeting or a levy with keyed draws), so the timeline may call them from parallel passes.
#pragma once

#include <cstdint>

#include "life/life.h"
#include "model/model.h"
#include "model/state.h"

namespace courtyard {

// The one-off effect, or the start of a lasting one, of an intervention in courtyard c.
void start_effect(const InterventionSpec& iv, const Week& w, State& s, int32_t c);
// The end of a lasting intervention's window.
void end_effect(const InterventionSpec& iv, State& s, int32_t c);
// Whether it acts each week of its window.
bool is_lasting(const InterventionSpec& iv);

}  // namespace courtyard
