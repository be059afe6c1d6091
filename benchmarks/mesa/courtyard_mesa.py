"""courtyard's weekly household rules as a Mesa 2.4 model, for the per-step speed comparison.

One mesa.Agent per flat (a Household, vacant or not, as the engine has one slot per flat), one per
courtyard (a Courtyard, not in the schedule). The week is a mesa.time.StagedActivation: household stages
(one method call per flat) between "model.*" stages that do each courtyard's part before and after its
households, in the order of Simulation::step() (engine/sim/simulation.cpp) and with the equations of
engine/life/*.cpp (docs/ODD.md section 7). What is ported, simplified and left out: README.md here.

Import mesa (or run mesa_import.import_mesa()) before importing this module.
"""

import bisect
import datetime
from types import SimpleNamespace

from mesa.model import Model
from mesa.time import StagedActivation

from courtyards import Courtyard
from households import (FACILITY_COST_WEIGHT, NONE, RELOCATE, RENTER, SELF, VACANT, WEEKS_PER_MONTH, Household,
                        PhiloxStream, default_params, fade)


class CourtyardModel(Model):
    """Courtyards of benchmarks/scale.txtpb's two kinds, one Household agent per flat, a weekly step."""

    # the week's stages in the order of Simulation::step(); "model.X" runs X on every courtyard
    WEEK = [
        "model.wear_and_failures", "model.maintenance",
        "model.prepare_broken_windows", "violate", "model.finish_broken_windows",
        "model.prepare_perception", "perceive",
        "model.civic",
        "model.prepare_demands", "raise_demands", "model.finish_demands",
        "model.prepare_move_out", "consider_leaving", "model.finish_move_out",
        "model.relocate",
        "model.prepare_move_in", "fill_vacancy", "model.finish_move_in",
        "model.prepare_ties", "age_ties",
    ]
    # the first week of a month adds fee payment and the covenant phase's fading of sanctions
    MONTH = WEEK[:8] + ["model.prepare_fees", "pay_fee", "model.bank_fees", "learn_payment",
                        "fade_sanction"] + WEEK[8:]

    def __init__(self, ncourtyard=100, seed=7, start_date=datetime.date(2015, 1, 5), households=(60, 140),
                 communities=20, schedule="staged", rng="mesa"):
        super().__init__(seed=seed)
        self.reset_randomizer(seed)
        self.params = default_params()
        self.start_date = start_date
        self.step_no = 0
        self.events = []
        self.sanction_kept = fade(WEEKS_PER_MONTH, self.params.governance.effect_half_life_weeks)
        self.set_week()
        self.schedule_kind = schedule
        self.rng_kind = rng
        self.seed = seed
        self.schedule = StagedActivation(self, stage_list=self.WEEK, shuffle=False)
        self.courtyards = []
        next_id = 0
        nold = ncourtyard * 7 // 10
        for c in range(ncourtyard):
            spec = self.generate_spec(c, c < nold, households, communities)
            cy = Courtyard(next_id, self, spec)
            next_id += 1
            self.courtyards.append(cy)
        for cy in self.courtyards:
            for h in cy.init_households(next_id):
                self.schedule.add(h)
            next_id += len(cy.households)
        self.communities = [[cy for cy in self.courtyards if cy.community == k] for k in range(communities)]
        self.nflat = next_id - len(self.courtyards)

    def generate_spec(self, c, old, households, communities):
        """A courtyard drawn from benchmarks/scale.txtpb's kinds "old" (70%) and "managed" (30%)."""
        rnd = self.random
        n = int(round(rnd.uniform(*households)))
        common = dict(households=n, community=c % communities, fee_per_month=30.0, party_member_share=0.07,
                      initial_trust=0.4, running_cost_per_household_month=8.0, housing_demand=1.0)
        if old:
            return SimpleNamespace(
                **common, build_year=int(round(rnd.uniform(1980, 1998))), owner_share=0.65, renter_share=0.28,
                initial_condition=min(0.9, max(0.2, rnd.gauss(0.55, 0.1))),
                initial_disorder=min(1.0, max(0.0, rnd.gauss(0.35, 0.1))), management=NONE, initial_fund=0.0,
                maintenance_per_household_month=0.0, initial_collection=0.5)
        return SimpleNamespace(
            **common, build_year=int(round(rnd.uniform(1995, 2012))), owner_share=0.7, renter_share=0.25,
            initial_condition=min(1.0, max(0.4, rnd.gauss(0.8, 0.1))), initial_disorder=0.1, management=SELF,
            initial_fund=rnd.uniform(10000, 50000), maintenance_per_household_month=10.0,
            initial_collection=rnd.uniform(0.7, 0.9))

    def set_week(self):
        d = self.start_date + datetime.timedelta(days=7 * self.step_no)
        self.year = d.year + (d.month - 1) / 12.0
        self.first_week_of_month = d.day <= 7

    def stream(self, purpose, courtyard, household):
        """Where a phase draws from: Mesa's model.random, or (rng="philox") a keyed stream as the engine's."""
        if self.rng_kind == "philox":
            return PhiloxStream(self.seed, purpose, courtyard, household, self.step_no)
        return self.random

    def relocate(self):
        """Simulation::relocate_within_communities (sim/simulation.cpp)."""
        for cy in self.courtyards:
            cy.compute_attraction()
        for members in self.communities:
            n = len(members)
            if n < 2:
                continue
            cumulative, total = [], 0.0
            for cy in members:
                total += cy.attraction
                cumulative.append(total)
            if total <= 0:
                continue
            for cy in members:
                if cy.leavers == 0:
                    continue
                for h in cy.households:
                    if h.mover_ability < 0:
                        continue
                    ability = h.mover_ability
                    h.mover_ability = -1.0
                    u = self.stream(RELOCATE, cy.unique_id, h.slot).random()
                    j = bisect.bisect_right(cumulative, u * total)
                    dest = members[min(j, n - 1)]
                    if dest is cy:
                        continue
                    flat = dest.next_vacancy()
                    if flat is None:
                        continue
                    flat.settle(RENTER, ability, flat.slot | 0x80000000)
                    dest.move_ins += 1

    def step(self):
        self.set_week()
        self.schedule.stage_list = self.MONTH if self.first_week_of_month else self.WEEK
        if self.schedule_kind == "staged":
            self.schedule.step()
        else:  # "direct": the same stages, households called from a plain list (no Mesa scheduler)
            for stage in self.schedule.stage_list:
                if stage.startswith("model."):
                    getattr(self, stage[6:])()
                else:
                    method = getattr(Household, stage)
                    for cy in self.courtyards:
                        for h in cy.households:
                            method(h)
        self.events.clear()  # gathered and dropped each week (the engine's event list)
        self.step_no += 1


def _courtyard_stage(name):
    """A model-level stage "model.<name>": Courtyard.<name> on every courtyard, in id order."""
    method = getattr(Courtyard, name)

    def run_on_courtyards(self):
        for cy in self.courtyards:
            method(cy)

    run_on_courtyards.__name__ = name
    return run_on_courtyards


for _stage in CourtyardModel.MONTH:
    if _stage.startswith("model.") and not hasattr(CourtyardModel, _stage[6:]):
        setattr(CourtyardModel, _stage[6:], _courtyard_stage(_stage[6:]))


def summary(model):
    """Subdistrict values of some of the engine's metrics (docs/ODD.md 7.14), to compare the port's
    trajectories with `courtyard run`'s: ratios weighted by flats or by residents, as the engine's."""
    flats = residents = 0
    acc = dict.fromkeys(["condition_index", "disorder", "tidy_norm", "self_financing", "collection_rate",
                         "trust_mean", "satisfaction_mean", "ties_mean", "owner_share", "renter_share",
                         "vacancy_share"], 0.0)
    fund = 0.0
    for cy in model.courtyards:
        n = len(cy.households)
        occupied = [h for h in cy.households if h.tenure != VACANT]
        flats += n
        residents += len(occupied)
        acc["condition_index"] += n * sum(w * c for w, c in zip(FACILITY_COST_WEIGHT, cy.condition))
        acc["disorder"] += n * cy.disorder
        acc["tidy_norm"] += n * cy.tidy_norm
        acc["self_financing"] += n * cy.self_financing
        acc["collection_rate"] += len(occupied) * cy.collection_rate
        acc["trust_mean"] += sum(h.trust for h in occupied)
        acc["satisfaction_mean"] += sum(h.satisfaction for h in occupied)
        acc["ties_mean"] += sum(h.ties for h in occupied)
        acc["owner_share"] += sum(1 for h in occupied if h.tenure != RENTER)
        acc["renter_share"] += sum(1 for h in occupied if h.tenure == RENTER)
        acc["vacancy_share"] += n - len(occupied)
        fund += cy.fund
    by_residents = {"collection_rate", "trust_mean", "satisfaction_mean", "ties_mean"}
    out = {k: v / (residents if k in by_residents else flats) for k, v in acc.items()}
    out["fund_balance"] = fund
    out["move_outs"] = sum(cy.move_outs for cy in model.courtyards)
    out["move_ins"] = sum(cy.move_ins for cy in model.courtyards)
    return out
