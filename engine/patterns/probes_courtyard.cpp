#include <algorithm>
// Probes of courtyard dynamics: disorder with memory, moving, tenure.
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "patterns/patterns.h"
#include "sim/simulation.h"

namespace courtyard::patterns {

namespace {

std::string intervention(const std::string& name, int start, int end, const std::string& action) {
  return "interventions {\n  name: \"" + name + "\"\n  start_step: " + std::to_string(start) +
         (end >= 0 ? "\n  end_step: " + std::to_string(end) : std::string()) + "\n  targets { all: true }\n  " + action + "\n}\n";
}

// --- tipping and hysteresis -------------------------------------------------------------------------

constexpr int kLevelWeeks = 26;
constexpr int kLevels = 16;  // weekly_share 0, 0.02, ..., 0.30

std::string tipping_scenario() {
  // up: levels 0..15, then down: 14..0
  std::string s = "name: \"patterns-tipping\"\nrun { steps: " + std::to_string((2 * kLevels - 1) * kLevelWeeks) +
                  " }\ncourtyards { name: \"c\" households: 86 management: MANAGEMENT_NONE initial_disorder: 0.8 "
                  "initial_condition: 1.0 }\n"
                  // facilities held as new (no wear, failures or damage): the loop in disorder alone
                  "behaviour { decay { base_wear_per_week: 0 failure_prob_at_zero: 0 } broken_windows { costly_base_prob: 0 } }\n";
  int block = 0;
  auto add = [&](int level, const char* dir) {
    char share[16];
    std::snprintf(share, sizeof share, "%.2f", 0.02 * level);
    s += intervention(std::string("cleaning ") + share + " " + dir, block * kLevelWeeks, (block + 1) * kLevelWeeks - 1,
                      std::string("cleaning { weekly_share: ") + share + " }");
    ++block;
  };
  for (int l = 0; l < kLevels; ++l) add(l, "up");
  for (int l = kLevels - 2; l >= 0; --l) add(l, "down");
  return s;
}

// --- withdrawal of funded cleaning ------------------------------------------------------------------

constexpr int kWithdrawStart = 52, kWithdrawWeeks = 12;

std::string self_managed_orderly(bool withdrawn) {
  std::string s = "name: \"patterns-withdrawal\"\nrun { steps: " + std::to_string(kWithdrawStart + 2 * kWithdrawWeeks + 1) +
                  " }\ncourtyards { name: \"c\" households: 200 management: MANAGEMENT_SELF initial_fund: 200000 "
                  "maintenance_per_household_month: 0 initial_condition: 0.5 initial_disorder: 0.1 "
                  "initial_collection: 0.8 initial_trust: 0.6 }\n";
  if (withdrawn) {
    s += intervention("upkeep withdrawn", kWithdrawStart, -1, "management_change { management: MANAGEMENT_NONE }");
    s += intervention("upkeep restored", kWithdrawStart + kWithdrawWeeks, -1, "management_change { management: MANAGEMENT_SELF }");
  }
  return s;
}

// --- moving -----------------------------------------------------------------------------------------

struct MoveCounts {
  double owner_leavers = 0, owner_weeks = 0, renter_leavers = 0, renter_weeks = 0;
};

// Leavers and household-weeks at risk per tenure, from the state's counters (reset after every step).
MoveCounts count_moves(const Model& m) {
  MoveCounts out;
  StepHooks hooks;
  hooks.after = [&](const Simulation& sim) {
    const State& s = sim.state();
    out.owner_leavers += s.move_outs_owner[0];
    out.owner_weeks += s.owner_weeks[0];
    out.renter_leavers += s.move_outs_renter[0];
    out.renter_weeks += s.renter_weeks[0];
  };
  simulate(m, 0, {"move_outs"}, hooks);
  return out;
}

double annualised(double leavers, double weeks) {
  return weeks > 0 ? 1.0 - std::pow(1.0 - leavers / weeks, 52.0) : std::nan("");
}

const std::vector<MoveCounts>& moving_runs(Context& ctx) {
  return ctx.cached<std::vector<MoveCounts>>("moving", [&] {
    const std::string text =
        "name: \"patterns-moving\"\nrun { steps: 104 }\ncourtyards { name: \"c\" households: 86 "
        "tenure { owner: 0.6 renter: 0.35 vacant: 0.05 } management: MANAGEMENT_SELF initial_fund: 50000 "
        "maintenance_per_household_month: 10 initial_condition: 0.8 initial_disorder: 0.1 }\n";
    return ctx.per_seed<MoveCounts>(
        [&](int seed) { return count_moves(model_from_text("<patterns:moving>", text, {seed_override(seed)})); });
  });
}

// Per seed, the annualised move-out hazard of owner-occupiers or of renters.
std::vector<double> hazards(Context& ctx, bool owners) {
  std::vector<double> v;
  for (const MoveCounts& c : moving_runs(ctx))
    v.push_back(owners ? annualised(c.owner_leavers, c.owner_weeks) : annualised(c.renter_leavers, c.renter_weeks));
  return v;
}

const char* kMovingSetup =
    "one courtyard of 86 flats: 60% owners, 35% renters, 5% vacant, MANAGEMENT_SELF, fund 50,000, maintenance 10, "
    "initial condition 0.8, disorder 0.1; 104 weeks";

}  // namespace

void add_courtyard_probes(std::vector<Probe>& out) {
  out.push_back(Probe{
      "tipping_hysteresis", "littering tips between a clean and a littered state, with hysteresis: the way back needs more cleaning",
      "one courtyard, 86 households, MANAGEMENT_NONE, initial disorder 0.8, facilities held as new (no wear, failures or "
      "damage); a cleaning campaign whose weekly_share steps up "
      "0, 0.02, ..., 0.30 and back down to 0, 26 weeks per level (one cleaning intervention per level)",
      "mean over the 15 levels 0..0.28 of (disorder at the end of the level on the way up - on the way down)", 0.05, 1.0,
      false, false, "Rangoni & Jager 2017, JASSS 20(2):1", "reproduced", "n/a", "the loop must be open", Rule::kMeanInRange,
      [](Context& ctx) {
        const std::string text = tipping_scenario();
        return t_measure(ctx.per_seed<double>([&](int seed) {
          const Trajectory t = simulate(model_from_text("<patterns:tipping>", text, {seed_override(seed)}), 0, {"disorder"});
          double sum = 0;
          for (int l = 0; l < kLevels - 1; ++l) {
            const int up_end = (l + 1) * kLevelWeeks;                      // record after the level's last week
            const int down_end = (2 * kLevels - 1 - l) * kLevelWeeks;      // block 2K-2-l ends here
            sum += t.at("disorder", up_end) - t.at("disorder", down_end);
          }
          return sum / (kLevels - 1);
        }));
      }});

  out.push_back(Probe{
      "withdrawal_outlasts", "withdrawing public cleaning raised littering, and the rise outlasted the withdrawal",
      "one self-managed courtyard of 200 households kept orderly by paid cleaning (MANAGEMENT_SELF, fund 200,000, no "
      "routine maintenance, condition 0.5, initial disorder 0.1); management_change "
      "to MANAGEMENT_NONE at week 52 and back to MANAGEMENT_SELF at week 64, against the same courtyard without (same seed)",
      "mean paired difference (withdrawn - control) in violations per week over the 12 weeks after restoration (weeks 64-76)",
      0.0, std::numeric_limits<double>::infinity(), true, true, "Dur & Vollaard 2015, Environment & Behavior 47:970", "reproduced", "yes",
      "withdrawal modelled as a spell without management (no funded upkeep of any kind)", Rule::kCiAboveLow,
      [](Context& ctx) {
        const std::string with = self_managed_orderly(true), without = self_managed_orderly(false);
        return t_measure(ctx.per_seed<double>([&](int seed) {
          const int first = kWithdrawStart + kWithdrawWeeks + 1, last = kWithdrawStart + 2 * kWithdrawWeeks;
          const Trajectory a = simulate(model_from_text("<patterns:withdrawn>", with, {seed_override(seed)}), 0, {"violations"});
          const Trajectory b = simulate(model_from_text("<patterns:control>", without, {seed_override(seed)}), 0, {"violations"});
          return a.mean("violations", first, last) - b.mean("violations", first, last);
        }), "t-interval of paired differences");
      }});

  out.push_back(Probe{
      "repair_decays_back", "a cleaned and repaired setting without a change in norms returns to disorder",
      "jiangdong_minju_baseline (decayed, unmanaged, no fund) with at week 4 a hardware_upgrade of every facility to 0.9 "
      "and a one-week cleaning campaign (weekly_share 1.0), no upkeep afterwards; 56 weeks",
      "disorder at week 56 / disorder at week 0", 0.5, 1.5, false, false,
      "Rangoni & Jager 2017, JASSS 20(2):1; Keizer, Lindenberg & Steg 2008", "reproduced", "n/a", "", Rule::kMeanInRange,
      [](Context& ctx) {
        const std::string text = scenario_text("jiangdong_minju_baseline") +
                                 intervention("repair everything", 4, -1, "intensity: 0.9\n  hardware_upgrade { }") +
                                 intervention("clean once", 4, 4, "cleaning { weekly_share: 1.0 }");
        return t_measure(ctx.per_seed<double>([&](int seed) {
          const Model m = model_from_text("<patterns:repair>", text,
                                          {seed_override(seed), "run.steps=56"});
          const Trajectory t = simulate(m, 0, {"disorder"});
          return t.at("disorder", 56) / t.at("disorder", 0);
        }));
      }});

  out.push_back(Probe{
      "courtyard_broken_windows", "a disordered courtyard violates about twice as often as an orderly one",
      "86 households, unmanaged: disorder 0.95 and condition 0.1 against disorder 0 and condition 1.0, same seed; "
      "violations over the first 4 weeks",
      "violations (messy) / violations (tidy)", 1.5, 3.0, false, false,
      "Keizer, Lindenberg & Steg 2008 (littering 69% vs 33%); Cialdini, Reno & Kallgren 1990 (littered vs clean "
      "setting, 2-3x)",
      "partly input", "yes",
      "the cue's risk ratio is a parameter; the descriptive norm (docs/ODD.md 7.4) compounds with it where the norm "
      "has collapsed",
      Rule::kMeanInRange,
      [](Context& ctx) {
        const std::string common =
            "run { steps: 4 }\ncourtyards { name: \"c\" households: 86 stairwells: 4 management: MANAGEMENT_NONE ";
        return t_measure(ctx.per_seed<double>([&](int seed) {
          const Model messy = model_from_text("<patterns:messy>", common + "initial_disorder: 0.95 initial_condition: 0.1 }\n",
                                              {seed_override(seed)});
          const Model tidy = model_from_text("<patterns:tidy>", common + "initial_disorder: 0.0 initial_condition: 1.0 }\n",
                                             {seed_override(seed)});
          const double a = simulate(messy, 0, {"violations"}).mean("violations", 1, 4);
          const double b = simulate(tidy, 0, {"violations"}).mean("violations", 1, 4);
          return a / std::max(0.25, b);
        }));
      }});

  out.push_back(Probe{
      "move_out_rate_owner", "owner-occupiers move about 7% a year", kMovingSetup,
      "annualised move-out hazard of owner-occupiers, 1 - (1 - leavers/owner-weeks)^52", 0.04, 0.10, false, false,
      "US CPS 2006 (EVIDENCE.md: 7% a year; no Chinese equivalent found)", "partly input", "n/a",
      "base rates are parameters (behaviour.moving); satisfaction and means move them; counted from the state "
      "(leavers and exposure per tenure)",
      Rule::kMeanInRange,
      [](Context& ctx) { return t_measure(hazards(ctx, true)); }});

  out.push_back(Probe{
      "move_out_rate_renter", "renters move about 30% a year", kMovingSetup,
      "annualised move-out hazard of renters, 1 - (1 - leavers/renter-weeks)^52", 0.20, 0.40, false, false,
      "US CPS 2006 (EVIDENCE.md: 30% a year)", "partly input", "n/a",
      "base rates are parameters (behaviour.moving); satisfaction and means move them", Rule::kMeanInRange,
      [](Context& ctx) { return t_measure(hazards(ctx, false)); }});

  out.push_back(Probe{
      "move_out_ratio", "renters move about four times as often as owners", kMovingSetup,
      "ratio of the mean annualised hazards, renter / owner", 3.0, 6.0, false, false,
      "US CPS 2006 (EVIDENCE.md: 30% vs 7%, about four times)", "partly input", "n/a",
      "base rates are parameters (behaviour.moving)", Rule::kMeanInRange,
      [](Context& ctx) {
        const std::vector<double> owner = hazards(ctx, true), renter = hazards(ctx, false);
        Measurement m;
        m.ci = ratio_interval(renter, owner);
        for (size_t i = 0; i < owner.size(); ++i) m.values.push_back(renter[i] / owner[i]);
        m.method = "delta-method t-interval of the ratio of means (per-seed ratios plotted)";
        return m;
      }});

  out.push_back(Probe{
      "tenure_drift", "in the decaying courtyard residents who could moved away and let their flats: renting grew",
      "jiangdong_minju_baseline, 104 weeks", "renter share at month 24 (week 104) minus at the start", 0.0, 0.3, false, false,
      "the case (shared/seed/DIGEST.md: residents with means moved out and rented their flats)", "reproduced", "n/a", "",
      Rule::kMeanInRange,
      [](Context& ctx) {
        std::vector<double> v;
        for (const Trajectory& t : jiangdong_runs(ctx, false)) v.push_back(t.at("renter_share", 104) - t.at("renter_share", 0));
        return t_measure(v);
      }});

  out.push_back(Probe{
      "vacancy_high_demand", "in inner-city Chengdu empty flats find tenants",
      "jiangdong_minju_baseline, 104 weeks", "vacancy share at month 24 (week 104)", 0.0, 0.15, false, false,
      "assumption grounded on the 2020 census (25.6% of urban households rent: a deep rental market)", "reproduced", "n/a",
      "the range is an assumption, not an observation of the case", Rule::kMeanInRange,
      [](Context& ctx) {
        std::vector<double> v;
        for (const Trajectory& t : jiangdong_runs(ctx, false)) v.push_back(t.at("vacancy_share", 104));
        return t_measure(v);
      }});
}

}  // namespace courtyard::patterns
