"""The Mesa port's rules: constants and helpers of the engine, and the Household agent (one per flat).

Part of the Mesa port of courtyard's weekly household rules (README.md here); the equations are those of
engine/life/*.cpp and docs/ODD.md section 7.
"""

import math
from types import SimpleNamespace

from mesa.agent import Agent

# engine/model/model.h
FACILITY_COST_WEIGHT = (0.25, 0.15, 0.15, 0.08, 0.07, 0.10, 0.10, 0.10)
FACILITY_VISIBILITY = (0.05, 0.25, 0.10, 0.10, 0.15, 0.15, 0.10, 0.10)
NFACILITY = 8
MAX_DEMANDS = 3
MAX_URGENT_DEMANDS = NFACILITY * MAX_DEMANDS
DAMAGE_PER_COSTLY_VIOLATION = 0.005
EMPTY_TO_MARKET_PER_WEEK = 0.005
WEEKS_PER_MONTH = 52.0 / 12.0

OWNER, RENTER, VACANT = 0, 1, 2
CONDITIONAL, FREE_RIDER, HUMP, OTHER = 0, 1, 2, 3
NONE, SELF = 0, 1  # management (the scale scenario has only these two)
PAID, PARTY, FOR_RENT, FOR_SALE = 1, 2, 4, 8  # household flags
TRANSPARENCY = 1  # courtyard institutions (none are set up without interventions)

NOISE_SCALE = 2.449489742783178 / 65536.0


def default_params():
    """The behaviour defaults of proto/courtyard/v1/scenario.proto (benchmarks/scale.txtpb sets none)."""
    ns = SimpleNamespace
    return ns(
        cooperation=ns(conditional_share=0.50, free_rider_share=0.30, hump_share=0.14, other_share=0.06,
                       conditional_slope=0.85, belief_learning_rate=0.3),
        decay=ns(base_wear_per_week=0.0010, wear_age_factor=0.02, failure_prob_at_zero=0.02,
                 failure_drop=0.15, repair_cost_per_household=600.0),
        broken_windows=ns(cheap_base_prob=0.04, cheap_disorder_risk_ratio=2.1, costly_base_prob=0.005,
                          costly_disorder_risk_ratio=1.2, disorder_per_violation=1.0, natural_cleanup=0.01,
                          funded_cleanup=0.15, cleaning_cost_per_household_month=8.0, social_control=0.5,
                          resident_cleanup=0.3, norm_rate=0.02, visible_cleaning_norm_gain=0.03,
                          norm_threshold=0.6, norm_steepness=20.0),
        fee_payment=ns(intercept=0.0, trust_weight=1.5, satisfaction_weight=1.5, ability_weight=1.0,
                       renter_penalty=0.8, collection_effort=2.0, free_rider_log_odds=-3.0,
                       custom_half_life_years=2.0),
        trust=ns(rate=0.02, opacity_noise=0.3, satisfaction_rate=0.05),
        moving=ns(owner_base_per_year=0.07, renter_base_per_year=0.30, dissatisfaction_odds=2.0,
                  means_weight=1.5, let_share=0.6, sell_share=0.25, vacancy_fill_per_week=0.05,
                  within_community_share=0.2),
        ties=ns(growth_per_year=0.15, newcomer_ties=0.05),
        demands=ns(raise_prob=0.05, address_share=0.1),
        governance=ns(communication_effect=2.2, written_effect=0.83, accounts_noise=0.05, services_weight=0.15,
                      reception_address_share=0.15, effect_half_life_weeks=13.0),
    )


# engine/core/rng.h
def logistic(x):
    return 1.0 / (1.0 + math.exp(-x))


def logit(p):
    return math.log(p / (1.0 - p))


def clamp01(x):
    return 0.0 if x < 0.0 else (1.0 if x > 1.0 else x)


def fade(weeks, half_life_weeks):
    return 2.0 ** (-weeks / half_life_weeks) if half_life_weeks > 0 else 0.0


def noise_of(word):
    """The engine's cheap noise (mean 0, sd 1, triangular) from one 32-bit word."""
    return ((word & 0xFFFF) + (word >> 16) - 65535) * NOISE_SCALE


# Purposes of the engine's keyed streams (engine/core/rng.h), for --rng philox
WEAR, VIOLATIONS, PERCEPTION, FEE_PAYMENT, DEMANDS, MOVE_OUT, MOVE_IN, RELOCATE, NEWCOMER, LEAVING = (
    3, 4, 5, 6, 7, 8, 9, 10, 14, 15)
_M0, _M1, _W0, _W1, _MASK = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85, 0xFFFFFFFF


def philox4x32_10(c0, c1, c2, c3, k0, k1):
    """Random123's Philox4x32-10 block in pure Python (philox4x32_10(0, 0) = 6627e8d5 e169c58d ...)."""
    for _ in range(10):
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & _MASK, p1 & _MASK, ((p0 >> 32) ^ c3 ^ k1) & _MASK, p0 & _MASK
        k0 = (k0 + _W0) & _MASK
        k1 = (k1 + _W1) & _MASK
    return c0, c1, c2, c3


class PhiloxStream:
    """The engine's Stream (seed, purpose, courtyard, household, step) with the methods of random.Random the
    port uses, so a phase can draw from either (--rng philox). Not the engine's bytes: the port's population,
    its doubles and the order of a few draws differ; it costs what keyed draws cost in Python."""

    __slots__ = ("k0", "k1", "c0", "c1", "c2", "c3", "block", "used", "spare")

    def __init__(self, seed, purpose, courtyard, household, step):
        self.k0, self.k1 = seed & _MASK, (seed >> 32) & _MASK
        self.c0, self.c1, self.c2, self.c3 = step & _MASK, courtyard & _MASK, household & _MASK, purpose << 16
        self.used = 4
        self.spare = None

    def getrandbits(self, k):  # k = 32 (the port asks for nothing else)
        if self.used == 4:
            self.block = philox4x32_10(self.c0, self.c1, self.c2, self.c3, self.k0, self.k1)
            self.c3 += 1
            self.used = 0
        word = self.block[self.used]
        self.used += 1
        return word

    def random(self):
        return self.getrandbits(32) * (1.0 / 4294967296.0)

    def gauss(self, mu, sigma):
        if self.spare is not None:
            z, self.spare = self.spare, None
            return mu + sigma * z
        r = math.sqrt(-2.0 * math.log((self.getrandbits(32) + 1.0) * (1.0 / 4294967296.0)))
        theta = 2.0 * math.pi * self.random()
        self.spare = r * math.sin(theta)
        return mu + sigma * r * math.cos(theta)


def payment_probability(p, coop, belief, trust, satisfaction, ability, renter, managed, pressure):
    """life/fees.cpp payment_probability."""
    fp = p.fee_payment
    slope = p.cooperation.conditional_slope
    if coop == CONDITIONAL:
        willingness = logit(min(0.99, max(0.01, slope * belief)))
    elif coop == FREE_RIDER:
        willingness = fp.free_rider_log_odds
    elif coop == HUMP:
        willingness = logit(min(0.99, max(0.01, slope * min(belief, 1.0 - belief))))
    else:
        willingness = 0.0
    lo = (fp.intercept + willingness + fp.trust_weight * (trust - 0.5) + fp.satisfaction_weight * (satisfaction - 0.5)
          + fp.ability_weight * (ability - 0.5))
    if renter:
        lo -= fp.renter_penalty
    if managed:
        lo += fp.collection_effort
    return logistic(lo + pressure)


def draw_coop_type(p, u):
    c = p.cooperation
    if u < c.conditional_share:
        return CONDITIONAL
    if u < c.conditional_share + c.free_rider_share:
        return FREE_RIDER
    if u < c.conditional_share + c.free_rider_share + c.hump_share:
        return HUMP
    return OTHER


class Household(Agent):
    """One flat and the household in it (tenure VACANT when empty). Its stage methods are the bodies of the
    engine's household loops; what is common to the courtyard was computed by the courtyard before."""

    def __init__(self, unique_id, model, courtyard, slot):
        super().__init__(unique_id, model)
        self.courtyard = courtyard
        self.slot = slot
        self.tenure = VACANT
        self.coop = OTHER
        self.flags = 0
        self.demands = 0
        self.attended = False
        self.ability = 0.5
        self.years = 0.0
        self.ties = 0.0
        self.engagement = 0.0
        self.trust = 0.0
        self.satisfaction = 0.0
        self.norms = 0.0
        self.belief = 0.0
        self.arrears = 0
        self.sanction = 0.0
        self.mover_ability = -1.0

    # 3. broken windows (life/broken_windows.cpp)
    def violate(self):
        cy = self.courtyard
        u = cy.rng.random()  # drawn for every flat
        if self.tenure == VACANT:
            return
        cy.residents += 1
        control = (1.0 - cy.half_control * (self.ties + self.norms)) * cy.control_scale
        p_cheap = clamp01(cy.cheap_at_cue * control)
        p_costly = clamp01(cy.costly_at_cue * control)
        if u < p_cheap:
            cy.cheap += 1
        elif u < p_cheap + p_costly:
            cy.costly += 1

    # 4. satisfaction and trust (life/trust.cpp)
    def perceive(self):
        cy = self.courtyard
        noise = noise_of(cy.rng.getrandbits(32))  # drawn for every flat
        if self.tenure == VACANT:
            return
        t = cy.target[self.demands if self.demands < 3 else 3]
        self.satisfaction += cy.sat_rate * (t - self.satisfaction)
        signal = clamp01(cy.seen + cy.noise_sd * noise)
        self.trust += cy.trust_rate * (signal - self.trust)

    # 6. fee payment (life/fees.cpp), first week of a month
    def pay_fee(self):
        cy = self.courtyard
        u = cy.rng.random()  # drawn for every flat
        if self.tenure == VACANT:
            self.flags &= ~PAID
            self.arrears = 0
            return
        cy.due += 1
        pressure = cy.custom + self.sanction
        if self.attended:
            pressure += cy.meeting
        prob = payment_probability(self.model.params, self.coop, self.belief, self.trust, self.satisfaction,
                                   self.ability, self.tenure == RENTER, cy.managed, pressure)
        if u < prob:
            self.flags |= PAID
            self.arrears = 0
            cy.paid += 1
        else:
            self.flags &= ~PAID
            if self.arrears < 255:
                self.arrears += 1

    def learn_payment(self):
        cy = self.courtyard
        noise = noise_of(cy.rng.getrandbits(32))  # drawn for every flat
        if self.tenure == VACANT:
            return
        if cy.posted:
            self.belief += cy.learning_rate * (clamp01(cy.rate + cy.accounts_noise * noise) - self.belief)
            return
        observed = clamp01(cy.rate + (1.0 - self.ties) * 0.25 * noise)
        self.belief += cy.learning_rate * (0.3 + 0.7 * self.ties) * (observed - self.belief)

    # 6b. the covenant phase's fading of sanctions received (governance/covenant.cpp), first week of a month
    def fade_sanction(self):
        self.sanction *= self.model.sanction_kept

    # 7. demands (life/demands.cpp)
    def raise_demands(self):
        cy = self.courtyard
        word = cy.rng.getrandbits(32)  # one word, two 16-bit uniforms, for every flat
        if self.tenure == VACANT:
            self.demands = 0
            return
        if (word & 0xFFFF) * (1.0 / 65536.0) < cy.raise_prob * (1.0 - self.satisfaction) and self.demands < MAX_DEMANDS:
            self.demands += 1
        if self.demands > 0 and (word >> 16) * (1.0 / 65536.0) < cy.address:
            self.demands -= 1
            self.satisfaction = clamp01(self.satisfaction + 0.05)
        cy.open += self.demands

    # 8. moving out (life/moving.cpp)
    def consider_leaving(self):
        cy = self.courtyard
        u_leave = cy.rng.random()
        self.mover_ability = -1.0
        if self.tenure == VACANT:
            return
        renter = self.tenure == RENTER
        if renter:
            cy.renters += 1
        else:
            cy.owners += 1
        if u_leave >= cy.p_max:
            return
        dissatisfaction = 1.0 - self.satisfaction
        lo = ((cy.lo_renter if renter else cy.lo_owner) + cy.log_diss * (2.0 * dissatisfaction - 1.0)
              + cy.means_weight * (self.ability - 0.5) * dissatisfaction)
        if u_leave >= logistic(lo):
            return
        word = self.model.stream(LEAVING, cy.unique_id, self.slot).getrandbits(32)  # the leaver's own draws
        u_where, u_flat = (word & 0xFFFF) * (1.0 / 65536.0), (word >> 16) * (1.0 / 65536.0)
        if u_where < cy.within_community_share:
            self.mover_ability = self.ability
        cy.leavers += 1
        market = FOR_RENT
        if renter:
            cy.renters_left += 1
        else:
            cy.owners_left += 1
            x = u_flat * cy.total
            market = FOR_RENT if x < cy.let else (FOR_SALE if x < cy.let + cy.sell else 0)
        self.tenure = VACANT
        self.flags = market
        self.demands = 0

    # 10. moving in (life/moving.cpp): occupied flats draw nothing
    def fill_vacancy(self):
        if self.tenure != VACANT:
            return
        cy = self.courtyard
        word = self.model.stream(MOVE_IN, cy.unique_id, self.slot).getrandbits(32)  # a stream per vacant flat
        u_fill, u_buyer = (word & 0xFFFF) * (1.0 / 65536.0), (word >> 16) * (1.0 / 65536.0)
        market = self.flags & (FOR_RENT | FOR_SALE)
        if market == 0:
            if u_fill < cy.to_market:
                self.flags = FOR_RENT
            return
        if u_fill >= cy.fill:
            return
        tenure = RENTER
        if market == FOR_SALE and u_buyer >= 0.5 * cy.cue:
            tenure = OWNER
        self.settle(tenure, -1.0, self.slot)
        cy.arrivals += 1

    # 11. ties and norms (life/ties.cpp)
    def age_ties(self):
        if self.tenure == VACANT:
            return
        cy = self.courtyard
        self.years += 1.0 / 52.0
        t = self.ties * cy.kept
        t += cy.growth * (1.0 - t)
        self.ties = t
        self.engagement += 0.01 * (0.5 * t + 0.5 * self.trust - self.engagement)
        self.norms += 0.005 * (cy.order - self.norms)

    # a newcomer takes this flat (life/init.cpp settle_newcomer)
    def settle(self, tenure, ability, draw):
        p = self.model.params
        cy = self.courtyard
        rnd = self.model.stream(NEWCOMER, cy.unique_id, draw)
        cue = cy.disorder_cue()
        self.tenure = tenure
        self.coop = draw_coop_type(p, rnd.random())
        self.flags = 0
        self.demands = 0
        self.attended = False
        self.ability = ability if ability >= 0 else clamp01(rnd.gauss(0.5 - 0.2 * cue, 0.18))
        self.years = 0.0
        self.engagement = clamp01(rnd.gauss(0.25, 0.1))
        self.trust = clamp01(rnd.gauss(0.45, 0.1))
        self.satisfaction = clamp01(rnd.gauss(cy.satisfaction_target(0), 0.1))
        self.ties = p.ties.newcomer_ties
        self.norms = clamp01(rnd.gauss(0.6 - 0.15 * cue, 0.15))
        self.belief = clamp01(rnd.gauss(cy.collection_rate, 0.15))
        self.arrears = 0
        self.sanction = 0.0
        self.mover_ability = -1.0
