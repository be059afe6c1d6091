"""The Mesa port's Courtyard agent: a courtyard's own state and its part of each weekly phase.

Part of the Mesa port of courtyard's weekly household rules (README.md here); the equations are those of
engine/life/*.cpp and docs/ODD.md section 7.
"""

import math

from mesa.agent import Agent

from households import (DAMAGE_PER_COSTLY_VIOLATION, DEMANDS, EMPTY_TO_MARKET_PER_WEEK, FACILITY_COST_WEIGHT,
                        FACILITY_VISIBILITY, FEE_PAYMENT, FOR_RENT, FOR_SALE, MAX_DEMANDS, MAX_URGENT_DEMANDS,
                        MOVE_OUT, NFACILITY, NONE, OWNER, PAID, PARTY, PERCEPTION, RENTER, SELF, TRANSPARENCY,
                        VACANT, VIOLATIONS, WEAR, WEEKS_PER_MONTH, Household, clamp01, draw_coop_type, fade,
                        logistic, logit, payment_probability)


class Courtyard(Agent):
    """A courtyard's own state (facilities, disorder, fund, counters) and its part of each phase."""

    def __init__(self, unique_id, model, spec):
        super().__init__(unique_id, model)
        self.spec = spec
        self.community = spec.community
        self.households = []
        p = model.params
        rnd = model.random
        # life/init.cpp init_courtyard
        self.condition = [min(1.0, max(0.0, rnd.gauss(spec.initial_condition, 0.05))) for _ in range(NFACILITY)]
        self.disorder = spec.initial_disorder
        self.fund = spec.initial_fund
        self.fee = spec.fee_per_month
        self.management = spec.management
        self.collection_rate = spec.initial_collection
        self.perceived_value = spec.initial_trust
        self.spent_month = self.paid_month = self.costs_month = 0.0
        self.cleaning_share = 0.0
        self.institutions = 0
        self.maintenance_rate = spec.maintenance_per_household_month
        self.services_level = 0.0
        self.weeks_since_meeting = 1 << 20
        self.weeks_since_notice = 1 << 20
        self.self_financing = False
        self.open_demands = 0
        self.urgent_demands = 0
        self.cleaning_paid = (spec.management != NONE and spec.initial_fund
                              >= p.broken_windows.cleaning_cost_per_household_month * spec.households)
        self.violations = self.move_outs = self.move_ins = self.leavers = 0
        self.move_outs_owner = self.move_outs_renter = self.owner_weeks = self.renter_weeks = 0
        self.tidy_norm = 1.0 - self.disorder_cue()
        self.payment_custom = 0.0
        self.attraction = 0.0
        self.cursor = 0

    def init_households(self, first_id):
        """The households of init_courtyard; returns them (the model adds them to its schedule)."""
        p = self.model.params
        rnd = self.model.random
        spec = self.spec
        building_age = max(0.0, self.model.start_date.year - spec.build_year)
        satisfaction = self.satisfaction_target(0)
        for i in range(spec.households):
            h = Household(first_id + i, self.model, self, i)
            u = rnd.random()
            h.tenure = OWNER if u < spec.owner_share else (RENTER if u < spec.owner_share + spec.renter_share else VACANT)
            h.coop = draw_coop_type(p, rnd.random())
            renter = h.tenure == RENTER
            flags = 0
            if h.tenure != VACANT and rnd.random() < spec.party_member_share:
                flags |= PARTY
            if h.tenure != VACANT and rnd.random() < spec.initial_collection:
                flags |= PAID
            h.flags = flags
            h.ability = clamp01(rnd.gauss(0.45 if renter else 0.55, 0.18))
            years = -2.0 * math.log(1.0 - rnd.random()) if renter else rnd.uniform(0, max(1.0, building_age))
            h.years = years
            tie_level = 1.0 - math.exp(-p.ties.growth_per_year * years)
            h.ties = clamp01(p.ties.newcomer_ties + (1 - p.ties.newcomer_ties) * tie_level * rnd.uniform(0.6, 1.0))
            h.engagement = clamp01(rnd.gauss(0.6 if flags & PARTY else 0.35, 0.12))
            h.trust = clamp01(rnd.gauss(spec.initial_trust, 0.1))
            h.satisfaction = clamp01(rnd.gauss(satisfaction, 0.1))
            h.norms = clamp01(rnd.gauss(0.65, 0.15))
            h.belief = clamp01(rnd.gauss(spec.initial_collection, 0.1))
            h.arrears = 0 if (flags & PAID) or h.tenure == VACANT else 1
            self.households.append(h)
        self.payment_custom = self.calibrate_custom(spec.initial_collection)
        return self.households

    def calibrate_custom(self, stated):
        """life/init.cpp payment_custom: the log-odds that make the expected share paying the stated one."""
        p = self.model.params
        managed = self.management != NONE
        residents = [h for h in self.households if h.tenure != VACANT]

        def expected(k):
            if not residents:
                return stated
            return sum(payment_probability(p, h.coop, h.belief, h.trust, h.satisfaction, h.ability,
                                           h.tenure == RENTER, managed, k) for h in residents) / len(residents)

        stated = min(0.999, max(0.001, stated))
        lo, hi = -12.0, 12.0
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            if expected(mid) < stated:
                lo = mid
            else:
                hi = mid
        return 0.5 * (lo + hi)

    # derived quantities (life/wear.cpp, life/trust.cpp, life/management.cpp)
    def visible_condition(self):
        return sum(v * c for v, c in zip(FACILITY_VISIBILITY, self.condition))

    def environment_quality(self):
        return 0.5 * self.visible_condition() + 0.5 * (1.0 - self.disorder)

    def disorder_cue(self):
        return clamp01(0.6 * self.disorder + 0.4 * (1.0 - self.visible_condition()))

    def service_level(self):
        return 0.6 if self.management == SELF else 0.2

    def accounts_posted(self):
        return bool(self.institutions & TRANSPARENCY)

    def satisfaction_target(self, open_demands):
        g = self.model.params.governance
        burden = min(open_demands, MAX_DEMANDS) / MAX_DEMANDS
        urgent = self.urgent_demands / MAX_URGENT_DEMANDS
        return clamp01(0.55 * self.environment_quality() + 0.25 * self.service_level() + 0.2 * self.collection_rate
                       - 0.15 * burden - 0.1 * urgent + g.services_weight * self.services_level)

    # 1. wear and sudden failures
    def wear_and_failures(self):
        p = self.model.params.decay
        rnd = self.model.stream(WEAR, self.unique_id, 0)
        age = max(0.0, self.model.year - self.spec.build_year)
        wear = p.base_wear_per_week * (1.0 + p.wear_age_factor * age)
        cond = self.condition
        for f in range(NFACILITY):
            c = clamp01(cond[f] + wear * math.log(1.0 - rnd.random()))
            worn = 1.0 - c
            if rnd.random() < p.failure_prob_at_zero * worn * worn:
                c = clamp01(c - p.failure_drop)
                if self.urgent_demands < MAX_URGENT_DEMANDS:
                    self.urgent_demands += 1
                self.model.events.append((self.model.step_no, self.unique_id, "facility_failure", f, c))
            cond[f] = c

    # 2. maintenance from the fund
    def repair_cost(self, f, gain):
        return gain * self.model.params.decay.repair_cost_per_household * self.spec.households * FACILITY_COST_WEIGHT[f]

    def maintenance(self):
        if self.management == NONE:
            self.cleaning_paid = False
            return
        m = self.model
        households = self.spec.households
        if m.first_week_of_month:
            cleaning = m.params.broken_windows.cleaning_cost_per_household_month * households
            self.cleaning_paid = self.fund >= cleaning
            if self.cleaning_paid:
                self.fund -= cleaning
                self.spent_month += cleaning
                self.costs_month += cleaning
        cond = self.condition
        budget = min(self.fund, self.maintenance_rate * households * 12.0 / 52.0)
        for f in range(NFACILITY):
            if cond[f] < 0.3:
                cost = self.repair_cost(f, 0.7 - cond[f])
                if self.fund - budget >= cost:
                    budget += cost
        if budget <= 0:
            return
        for _ in range(NFACILITY):
            if budget <= 1e-9:
                break
            worst = min(range(NFACILITY), key=cond.__getitem__)
            if cond[worst] >= 0.999:
                break
            full_cost = self.repair_cost(worst, 1.0 - cond[worst])
            spend = min(budget, full_cost)
            gain = (1.0 - cond[worst]) * spend / full_cost
            cond[worst] = clamp01(cond[worst] + gain)
            budget -= spend
            self.fund -= spend
            self.spent_month += spend
            self.costs_month += spend
            if gain >= 0.1:
                m.events.append((m.step_no, self.unique_id, "repair", worst, spend))

    # 3. broken windows, before and after the households
    def norm_multiplier(self, tidy_norm):
        p = self.model.params.broken_windows
        at0 = logistic(p.norm_steepness * p.norm_threshold)
        at1 = logistic(p.norm_steepness * (p.norm_threshold - 1.0))
        rr = p.cheap_disorder_risk_ratio
        denom = at0 - rr * at1
        a = (rr - 1.0) / denom if denom > 1e-12 else 0.0
        return (1.0 + a * logistic(p.norm_steepness * (p.norm_threshold - tidy_norm))) / (1.0 + a * at1)

    def prepare_broken_windows(self):
        p = self.model.params.broken_windows
        cue = self.disorder_cue()
        self.cheap_at_cue = p.cheap_base_prob * self.norm_multiplier(self.tidy_norm)
        self.costly_at_cue = p.costly_base_prob * (1.0 + (p.costly_disorder_risk_ratio - 1.0) * cue)
        self.control_scale = 1.0 / (1.0 - 0.5 * p.social_control)
        self.half_control = 0.5 * p.social_control
        self.cheap = self.costly = self.residents = 0
        self.rng = self.model.stream(VIOLATIONS, self.unique_id, 0)

    def finish_broken_windows(self):
        p = self.model.params.broken_windows
        rnd = self.rng  # the households' stream goes on
        cheap, costly, residents = self.cheap, self.costly, self.residents
        norm = self.tidy_norm
        self.violations += cheap + costly
        d = self.disorder
        if residents > 0:
            d += p.disorder_per_violation * cheap / residents * (1.0 - d)
        residents_clean = p.resident_cleanup * norm ** 4 if residents > 0 else 0.0
        visible = min(1.0, residents_clean + self.cleaning_share)
        cleanup = p.natural_cleanup + residents_clean + self.cleaning_share
        if self.cleaning_paid:
            cleanup += p.funded_cleanup
        cleanup = min(1.0, cleanup)
        d -= cleanup * d
        self.disorder = clamp01(d)
        seen = 1.0 - self.disorder_cue()
        n = norm + p.norm_rate * (seen - norm) + p.visible_cleaning_norm_gain * visible * (1.0 - norm)
        self.tidy_norm = clamp01(n)
        for _ in range(costly):
            f = (rnd.getrandbits(32) * NFACILITY) >> 32
            self.condition[f] = clamp01(self.condition[f] - DAMAGE_PER_COSTLY_VIOLATION)

    # 4. satisfaction and trust, before the households
    def prepare_perception(self):
        p = self.model.params
        env = self.environment_quality()
        self.target = [self.satisfaction_target(d) for d in range(4)]
        self.noise_sd = p.governance.accounts_noise if self.accounts_posted() else p.trust.opacity_noise
        self.seen = 0.6 * self.perceived_value + 0.4 * env
        self.trust_rate = p.trust.rate
        self.sat_rate = p.trust.satisfaction_rate
        self.rng = self.model.stream(PERCEPTION, self.unique_id, 0)

    # 5. what civic life does without institutions (governance/civic.cpp)
    def civic(self):
        self.weeks_since_meeting += 1
        self.weeks_since_notice += 1

    # 6. fee payment, before, between and after the households' two loops
    def prepare_fees(self):
        p = self.model.params
        g = p.governance
        value_target = clamp01(self.spent_month / self.paid_month) if self.paid_month > 0 else 0.2
        self.perceived_value += 0.3 * (value_target - self.perceived_value)
        self.managed = self.management != NONE
        self.meeting = 0.5 * g.communication_effect * fade(self.weeks_since_meeting, g.effect_half_life_weeks)
        notice = (0.5 * g.written_effect * fade(self.weeks_since_notice, g.effect_half_life_weeks)
                  if self.institutions & TRANSPARENCY else 0.0)
        self.custom = self.payment_custom + notice
        self.payment_custom *= fade(WEEKS_PER_MONTH, 52.0 * p.fee_payment.custom_half_life_years)
        self.due = self.paid = 0
        self.rng = self.model.stream(FEE_PAYMENT, self.unique_id, 0)  # decisions, then beliefs

    def bank_fees(self):
        p = self.model.params
        income = self.paid * self.fee
        self.fund += income  # a residents' committee (or nobody) banks it all (life/management.cpp)
        self.paid_month = income
        self.spent_month = 0.0
        running_due = self.spec.running_cost_per_household_month * self.spec.households
        self.fund -= min(self.fund, running_due)
        self.self_financing = income > 0 and income >= running_due + self.costs_month
        self.costs_month = 0.0
        self.rate = self.paid / self.due if self.due > 0 else 0.0
        self.collection_rate = self.rate
        if self.institutions & TRANSPARENCY:
            self.weeks_since_notice = 0
        self.learning_rate = p.cooperation.belief_learning_rate
        self.posted = self.accounts_posted()
        self.accounts_noise = p.governance.accounts_noise

    # 7. demands
    def prepare_demands(self):
        p = self.model.params
        self.address = p.demands.address_share if self.management != NONE else 0.0
        self.raise_prob = p.demands.raise_prob
        self.open = 0
        self.rng = self.model.stream(DEMANDS, self.unique_id, 0)

    def finish_demands(self):
        if self.address > 0:
            rnd = self.rng  # the households' stream goes on
            q = min(1.0, self.address)
            # Binomial(urgent, q) by Bernoulli sum (urgent <= 24 <= 32, as in Stream::binomial)
            self.urgent_demands -= sum(1 for _ in range(self.urgent_demands) if rnd.random() < q)
        self.open_demands = self.open + self.urgent_demands

    # 8. moving out
    def prepare_move_out(self):
        p = self.model.params.moving
        self.lo_owner = logit(1.0 - (1.0 - p.owner_base_per_year) ** (1.0 / 52.0))
        self.lo_renter = logit(1.0 - (1.0 - p.renter_base_per_year) ** (1.0 / 52.0))
        self.log_diss = math.log(p.dissatisfaction_odds)
        self.means_weight = p.means_weight
        self.within_community_share = p.within_community_share
        cue = self.disorder_cue()
        self.sell = p.sell_share * (1.0 - 0.5 * cue)
        self.let = p.let_share
        keep_empty = max(0.0, 1.0 - p.let_share - p.sell_share)
        self.total = self.let + self.sell + keep_empty
        lo_base = max(self.lo_owner, self.lo_renter)
        self.p_max = logistic(max(lo_base + abs(self.log_diss), lo_base + self.log_diss + 0.5 * p.means_weight,
                                  lo_base + self.log_diss - 0.5 * p.means_weight))
        self.leavers = self.owners = self.renters = self.owners_left = self.renters_left = 0
        self.rng = self.model.stream(MOVE_OUT, self.unique_id, 0)

    def finish_move_out(self):
        self.move_outs += self.leavers
        self.move_outs_owner += self.owners_left
        self.move_outs_renter += self.renters_left
        self.owner_weeks += self.owners
        self.renter_weeks += self.renters

    # 9. relocation: this courtyard's vacancies on the market, and where the next one is
    def compute_attraction(self):
        vacancies = 0
        for h in self.households:
            if h.tenure == VACANT and h.flags & (FOR_RENT | FOR_SALE):
                vacancies += 1
        self.attraction = vacancies * (0.1 + self.environment_quality())
        self.cursor = 0

    def next_vacancy(self):
        hs = self.households
        while self.cursor < len(hs) and (hs[self.cursor].tenure != VACANT
                                         or not hs[self.cursor].flags & (FOR_RENT | FOR_SALE)):
            self.cursor += 1
        if self.cursor == len(hs):
            return None
        h = hs[self.cursor]
        self.cursor += 1
        return h

    # 10. moving in, before the households
    def prepare_move_in(self):
        p = self.model.params.moving
        env = self.environment_quality()
        self.cue = self.disorder_cue()
        demand = self.spec.housing_demand
        self.fill = clamp01(p.vacancy_fill_per_week * (0.5 + env) * demand)
        self.to_market = clamp01(EMPTY_TO_MARKET_PER_WEEK * demand)
        self.arrivals = 0

    def finish_move_in(self):
        self.move_ins += self.arrivals

    # 11. ties and norms, before the households
    def prepare_ties(self):
        flats = len(self.households)
        self.growth = self.model.params.ties.growth_per_year / 52.0
        self.kept = 1.0 - 0.5 * self.leavers / (flats if flats > 0 else 1)
        self.order = self.tidy_norm
        self.leavers = 0
