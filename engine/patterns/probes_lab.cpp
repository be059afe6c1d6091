// Probes of individual decisions: the households' rules in the behavioural lab (docs/ODD.md 7.15).
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "lab/lab.h"
#include "life/life.h"
#include "patterns/patterns.h"
#include "sim/simulation.h"

namespace courtyard::patterns {

namespace {

constexpr int kGroups = 500;       // groups of 4 per seed
constexpr int kLargeGroups = 50;   // groups of 40 per seed
constexpr int kSubjects = 2000;    // litter lab: passers-by per cell and seed

// The lab options a colleague adds (antisocial punishment, a surprise restart), set when PggSettings has
// them. A probe that needs an option the lab lacks throws, and is reported as an error.
template <class S>
constexpr bool kHasAntisocial = requires(S s) { s.antisocial = true; };
template <class S>
constexpr bool kHasRestart = requires(S s) { s.restart_at = 1; };

template <class S>
void set_antisocial(S& s, bool on) {
  if constexpr (kHasAntisocial<S>) {
    s.antisocial = on;
  } else {
    (void)s;
    if (on) throw std::runtime_error("the lab has no antisocial punishment yet (PggSettings::antisocial)");
  }
}

template <class S>
void set_restart(S& s, int round) {
  if constexpr (kHasRestart<S>) {
    s.restart_at = round;
  } else {
    (void)s;
    if (round > 0) throw std::runtime_error("the lab has no surprise restart yet (PggSettings::restart_at)");
  }
}

struct PggOptions {
  int group_size = 4, groups = kGroups;
  bool punishment = false, antisocial = false;
  int restart_at = 0;
};

// Mean contribution share per round (index 0 = round 1) for one seed.
std::vector<double> pgg_shares(const Params& params, int seed, const PggOptions& o) {
  PggSettings s;
  s.group_size = o.group_size;
  s.groups = o.groups;
  s.rounds = 10;
  s.seed = static_cast<uint64_t>(seed);
  set_antisocial(s, o.antisocial);
  set_restart(s, o.restart_at);
  std::vector<double> out;
  for (const PggRound& r : run_public_goods_game(params, s, o.punishment)) out.push_back(r.mean_share);
  return out;
}

std::string fmt(const char* f, double x) {
  char buf[128];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

// Keizer-style ratios per seed: {cheap disordered/orderly, costly disordered/orderly}.
std::vector<std::pair<double, double>> litter_ratios(Context& ctx) {
  return ctx.cached<std::vector<std::pair<double, double>>>("litter", [&] {
    return ctx.per_seed<std::pair<double, double>>([&](int seed) {
      LitterSettings s;
      s.subjects = kSubjects;
      s.seeds = 1;
      s.seed = static_cast<uint64_t>(seed);
      double rate[2][2] = {{0, 0}, {0, 0}};  // [costly][disordered]
      for (const LitterCell& cell : run_litter_experiment(ctx.params(), s))
        rate[cell.violation == "costly"][cell.setting == "disordered"] = cell.rate;
      return std::make_pair(rate[0][1] / rate[0][0], rate[1][1] / rate[1][0]);
    });
  });
}

// The conditional cooperators' schedule slope: the lab's payment_schedule when it exists (found by
// argument-dependent lookup), else the least-squares line of payment_probability over beliefs 0, 0.1, ..., 1.
template <class P>
double conditional_slope(const P& params) {
  if constexpr (requires { schedule_slope(payment_schedule(params, 11), 0); }) {
    return schedule_slope(payment_schedule(params, 11), static_cast<int>(CoopType::kConditional));
  } else {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    const int k = 11;
    for (int i = 0; i < k; ++i) {
      const double b = i / 10.0;
      const double y = payment_probability(params, CoopType::kConditional, b, 0.5, 0.5, 0.5, false, false, 0);
      sx += b;
      sy += y;
      sxx += b * b;
      sxy += b * y;
    }
    return (k * sxy - sx * sy) / (k * sxx - sx * sx);
  }
}

}  // namespace

void add_lab_probes(std::vector<Probe>& out) {
  const PggSettings d;
  const std::string pgg_setup = "PGG lab (docs/ODD.md 7.15) with its default settings: groups of 4, 10 rounds, endowment " +
                                fmt("%g", d.endowment) + ", MPCR " + fmt("%g", d.mpcr) + ", initial belief " +
                                fmt("%g", d.initial_belief) + ", punishment effect " + fmt("%g", d.punishment_effect) + "; " +
                                std::to_string(kGroups) + " groups per seed (lab seed = seed)";

  out.push_back(Probe{
      "pgg_first_round", "first-round contributions are 40-60% of the endowment",
      pgg_setup + ", no punishment", "mean round-1 contribution share", 0.40, 0.60, false, false, "Ledyard 1995 (Handbook of Experimental Economics)",
      "reproduced", "n/a", "depends on the initial belief (" + fmt("%g", d.initial_belief) + ", a lab setting) and the types' schedules", Rule::kMeanInRange,
      [](Context& ctx) {
        return t_measure(ctx.per_seed<double>([&](int seed) { return pgg_shares(ctx.params(), seed, {})[0]; }));
      }});

  out.push_back(Probe{
      "pgg_decay", "contributions decay with repetition without punishment",
      pgg_setup + ", no punishment", "round-1 share minus round-10 share", 0.10, 0.40, false, false,
      "Ledyard 1995; Fehr & Gachter 2000 (no-punishment condition); Fischbacher & Gachter 2010, AER 100:541",
      "reproduced", "n/a", "", Rule::kMeanInRange,
      [](Context& ctx) {
        return t_measure(ctx.per_seed<double>([&](int seed) {
          const auto r = pgg_shares(ctx.params(), seed, {});
          return r[0] - r[9];
        }));
      }});

  out.push_back(Probe{
      "pgg_punishment", "with peer punishment contributions hold or rise",
      pgg_setup + ", with peer punishment", "round-10 share minus round-1 share", 0.0, 0.5, false, false,
      "Fehr & Gachter 2000, AER 90:980", "reproduced", "n/a", "", Rule::kMeanInRange,
      [](Context& ctx) {
        return t_measure(ctx.per_seed<double>([&](int seed) {
          PggOptions o;
          o.punishment = true;
          const auto r = pgg_shares(ctx.params(), seed, o);
          return r[9] - r[0];
        }));
      }});

  out.push_back(Probe{
      "pgg_punishment_large_groups", "peer punishment stays effective in groups of 40 (without jumping to full contribution)",
      "PGG lab as pgg_punishment but groups of 40, " + std::to_string(kLargeGroups) + " groups per seed",
      "round-10 share minus round-1 share (round-4 share reported in the note)", -0.05, 0.5, false, false,
      "Xu, Cadsby, Fan & Song 2013, Games 4:89", "reproduced", "n/a", "", Rule::kMeanInRange,
      [](Context& ctx) {
        PggOptions o;
        o.punishment = true;
        o.group_size = 40;
        o.groups = kLargeGroups;
        const auto runs = ctx.per_seed<std::vector<double>>([&](int seed) { return pgg_shares(ctx.params(), seed, o); });
        std::vector<double> diff, r1, r4, r10;
        for (const auto& r : runs) {
          diff.push_back(r[9] - r[0]);
          r1.push_back(r[0]);
          r4.push_back(r[3]);
          r10.push_back(r[9]);
        }
        const Interval i4 = t_interval(r4);
        return t_measure(diff, "t-interval over seeds", fmt("round-1 share %.3f, ", t_interval(r1).mean) +
                                   fmt("round-4 share %.3f ", i4.mean) + fmt("[%.3f, ", i4.low) + fmt("%.3f], ", i4.high) +
                                   fmt("round-10 share %.3f", t_interval(r10).mean));
      }});

  out.push_back(Probe{
      "pgg_antisocial", "antisocial punishment lowers cooperation",
      pgg_setup + ", with peer punishment, with and without antisocial punishment (PggSettings::antisocial), same seed",
      "round-10 share with antisocial punishment minus without", -0.5, -0.02, false, false,
      "Herrmann, Thoni & Gachter 2008, Science 319:1362", "reproduced", "yes", "", Rule::kMeanInRange,
      [](Context& ctx) {
        return t_measure(ctx.per_seed<double>([&](int seed) {
          PggOptions o;
          o.punishment = true;
          const double without = pgg_shares(ctx.params(), seed, o)[9];
          o.antisocial = true;
          return pgg_shares(ctx.params(), seed, o)[9] - without;
        }));
      }});

  out.push_back(Probe{
      "pgg_restart", "a surprise restart lifts contributions again (restart effect)",
      pgg_setup + ", no punishment, surprise restart before round 6 (PggSettings::restart_at = 6)",
      "round-6 share minus round-5 share", 0.05, 0.5, false, false, "Andreoni 1988, J. Public Econ. 37:291",
      "reproduced", "n/a", "", Rule::kMeanInRange,
      [](Context& ctx) {
        return t_measure(ctx.per_seed<double>([&](int seed) {
          PggOptions o;
          o.restart_at = 6;
          const auto r = pgg_shares(ctx.params(), seed, o);
          return r[5] - r[4];
        }));
      }});

  out.push_back(Probe{
      "contributor_types", "about half of subjects are conditional cooperators",
      "one default courtyard of 86 households per seed (run.seed = seed), cooperation types at initialisation",
      "share of conditional cooperators among occupied households", 0.45, 0.55, false, false,
      "Fischbacher, Gachter & Fehr 2001, Economics Letters 71:397", "input", "n/a",
      "set by cooperation.conditional_share", Rule::kMeanInRange,
      [](Context& ctx) {
        const auto counts = ctx.per_seed<std::pair<int64_t, int64_t>>([&](int seed) {
          const Model m = model_from_text("<patterns:types>", "run { steps: 1 }\ncourtyards { name: \"c\" households: 86 }\n",
                                          {seed_override(seed)});
          Simulation sim(m);
          const State& s = sim.state();
          int64_t cc = 0, n = 0;
          for (int64_t h = 0; h < m.nhousehold(); ++h) {
            if (s.tenure[h] == Tenure::kVacant) continue;
            ++n;
            cc += s.coop[h] == CoopType::kConditional;
          }
          return std::make_pair(cc, n);
        });
        int64_t cc = 0, n = 0;
        Measurement m;
        for (const auto& [a, b] : counts) {
          cc += a;
          n += b;
          m.values.push_back(b > 0 ? static_cast<double>(a) / static_cast<double>(b) : std::nan(""));
        }
        m.ci = wilson_interval(cc, n);
        m.method = "Wilson interval, households pooled over seeds (" + std::to_string(n) + ")";
        return m;
      }});

  out.push_back(Probe{
      "schedule_slope", "conditional cooperators give slightly less than they believe others give",
      "payment_probability (engine/life/life.h) of a conditional cooperator with trust, satisfaction and ability 0.5, "
      "owner, unmanaged, no pressure, at beliefs 0, 0.1, ..., 1",
      "slope of the least-squares line of pay probability on belief", 0.5, 1.0, false, true,
      "Fischbacher & Gachter 2010, AER 100:541", "input", "n/a",
      "set by cooperation.conditional_slope; the lab's payment_schedule (11 beliefs) when lab.h has it, else the same from payment_probability",
      Rule::kMeanInRange,
      [](Context& ctx) {
        const double slope = conditional_slope(ctx.params());
        Measurement m;
        m.values = {slope};
        m.ci = {slope, slope, slope, 1};
        m.method = "none: deterministic";
        return m;
      }});

  out.push_back(Probe{
      "broken_windows_cheap", "a cue of disorder raises a cheap violation about twofold (littering 33% vs 69%)",
      "litter lab (docs/ODD.md 7.15), " + std::to_string(kSubjects) + " passers-by per cell and seed, cheap violation",
      "violation rate disordered / orderly", 1.5, 3.0, false, false, "Keizer, Lindenberg & Steg 2008, Science 322:1681",
      "input", "n/a", "the risk ratio is a parameter (behaviour.broken_windows.cheap_disorder_risk_ratio)", Rule::kMeanInRange,
      [](Context& ctx) {
        std::vector<double> v;
        for (const auto& r : litter_ratios(ctx)) v.push_back(r.first);
        return t_measure(v);
      }});

  out.push_back(Probe{
      "broken_windows_costly", "no broken-windows effect for costly violations",
      "litter lab, " + std::to_string(kSubjects) + " passers-by per cell and seed, costly violation",
      "violation rate disordered / orderly", 0.8, 1.5, false, false, "Keuschnigg & Wolbring 2015, Rationality & Society 27:96",
      "input", "n/a", "the risk ratio is a parameter (behaviour.broken_windows.costly_disorder_risk_ratio)", Rule::kMeanInRange,
      [](Context& ctx) {
        std::vector<double> v;
        for (const auto& r : litter_ratios(ctx)) v.push_back(r.second);
        return t_measure(v);
      }});
}

}  // namespace courtyard::patterns
