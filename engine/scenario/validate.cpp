// Validation of the effective scenario (overrides applied, defaults filled). Every problem is
// collected, never only the first, each located at the field it concerns (FILE:LINE:COL, or the
// --set that wrote it). build_model relies on everything checked here.
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>

#include "core/calendar.h"
#include "model/model.h"
#include "model/metric_table.h"
#include "scenario/detail.h"

namespace courtyard::scenario_detail {

namespace {

using courtyard::v1::Scenario;

std::string range_text(double lo, double hi) {
  if (hi == std::numeric_limits<double>::infinity()) return ">= " + format_number(lo);
  return "in [" + format_number(lo) + ", " + format_number(hi) + "]";
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

// Collects diagnostics, located through the locator.
class Checker {
 public:
  explicit Checker(const Locator& locator) : locator_(locator) {}

  void fail(const FieldPath& path, const std::string& message) {
    SourceLoc loc = locator_.locate(path);
    // nothing written to point at (no courtyards at all): the start of the file, as sweep files do
    if (loc.line == 0) loc.line = loc.column = 1;
    out_.push_back(make_diagnostic(loc, path_string(path), message));
  }
  // lo <= x <= hi (false for NaN)
  bool range(double x, double lo, double hi, const FieldPath& path) {
    if (lo <= x && x <= hi && std::isfinite(x)) return true;
    fail(path, "must be " + range_text(lo, hi) + ", got " + format_number(x));
    return false;
  }
  bool share(double x, const FieldPath& path) { return range(x, 0, 1, path); }
  bool non_negative(double x, const FieldPath& path) {
    return range(x, 0, std::numeric_limits<double>::infinity(), path);
  }
  bool positive(double x, const FieldPath& path) {
    if (x > 0 && std::isfinite(x)) return true;
    fail(path, "must be > 0, got " + format_number(x));
    return false;
  }
  bool finite(double x, const FieldPath& path) {
    if (std::isfinite(x)) return true;
    fail(path, "must be a finite number, got " + format_number(x));
    return false;
  }
  void add(std::vector<Diagnostic> problems) {
    for (auto& d : problems) out_.push_back(std::move(d));
  }
  const Locator& locator() const { return locator_; }
  std::vector<Diagnostic> take() { return std::move(out_); }

 private:
  const Locator& locator_;
  std::vector<Diagnostic> out_;
};

// The values a distribution can give: [lo, hi].
struct Support {
  double lo, hi;
};

// A Dist of an attribute: one kind set, well-formed, and every value it can give in the rule's range.
std::optional<Support> check_dist(Checker& c, const courtyard::v1::Dist& d, const AttributeRule& rule,
                                  const FieldPath& path) {
  const std::string valid = " (the valid range of " + std::string(rule.name) + ")";
  switch (d.kind_case()) {
    case courtyard::v1::Dist::KIND_NOT_SET:
      c.fail(path, "a distribution needs one of fixed, uniform or normal");
      return std::nullopt;
    case courtyard::v1::Dist::kFixed:
      if (!c.range(d.fixed(), rule.lo, rule.hi, at(path, "fixed"))) return std::nullopt;
      return Support{d.fixed(), d.fixed()};
    case courtyard::v1::Dist::kUniform: {
      const FieldPath up = at(path, "uniform");
      const auto& u = d.uniform();
      if (!c.finite(u.min(), at(up, "min")) || !c.finite(u.max(), at(up, "max"))) return std::nullopt;
      if (u.min() > u.max()) {
        c.fail(up, "min " + format_number(u.min()) + " is above max " + format_number(u.max()));
        return std::nullopt;
      }
      bool ok = true;
      if (u.min() < rule.lo) {
        c.fail(at(up, "min"), "must be >= " + format_number(rule.lo) + valid + ", got " + format_number(u.min()));
        ok = false;
      }
      if (u.max() > rule.hi) {
        c.fail(at(up, "max"), "must be <= " + format_number(rule.hi) + valid + ", got " + format_number(u.max()));
        ok = false;
      }
      if (!ok) return std::nullopt;
      return Support{u.min(), u.max()};
    }
    case courtyard::v1::Dist::kNormal: {
      const FieldPath np = at(path, "normal");
      const auto& n = d.normal();
      bool ok = c.finite(n.mean(), at(np, "mean"));
      ok = c.non_negative(n.sd(), at(np, "sd")) && ok;
      if (std::isnan(n.min()) || std::isnan(n.max())) {
        c.fail(np, "min and max must be numbers");
        return std::nullopt;
      }
      if (n.min() > n.max()) {
        c.fail(np, "min " + format_number(n.min()) + " is above max " + format_number(n.max()));
        return std::nullopt;
      }
      // the normal is clamped to [min, max]: that interval must lie in the valid range (the schema's
      // defaults, +-1e300, fit no bounded field)
      const double unset_min = courtyard::v1::Normal::descriptor()->FindFieldByName("min")->default_value_double();
      const double unset_max = courtyard::v1::Normal::descriptor()->FindFieldByName("max")->default_value_double();
      if (n.min() < rule.lo) {
        c.fail(at(np, "min"), "must be >= " + format_number(rule.lo) + valid + ", got " + format_number(n.min()) +
                                  (n.min() == unset_min ? " (the unset default: set normal.min)" : ""));
        ok = false;
      }
      if (n.max() > rule.hi) {
        c.fail(at(np, "max"), "must be <= " + format_number(rule.hi) + valid + ", got " + format_number(n.max()) +
                                  (n.max() == unset_max ? " (the unset default: set normal.max)" : ""));
        ok = false;
      }
      if (!ok) return std::nullopt;
      return Support{n.min(), n.max()};
    }
  }
  return std::nullopt;
}

void check_tenure(Checker& c, const courtyard::v1::TenureMix& t, const FieldPath& path) {
  bool ok = c.share(t.owner(), at(path, "owner"));
  ok = c.share(t.renter(), at(path, "renter")) && ok;
  ok = c.share(t.vacant(), at(path, "vacant")) && ok;
  const double sum = t.owner() + t.renter() + t.vacant();
  if (ok && std::fabs(sum - 1.0) > 1e-6)
    c.fail(path, "owner + renter + vacant must be 1, got " + format_number(sum));
}

void check_management(Checker& c, courtyard::v1::Management m, const FieldPath& path) {
  if (m == courtyard::v1::MANAGEMENT_UNSPECIFIED)
    c.fail(path, "must be MANAGEMENT_NONE, MANAGEMENT_SELF, MANAGEMENT_COMPANY, MANAGEMENT_TRUST or "
                 "MANAGEMENT_OWNERS_COMMITTEE");
}

// The terms of a management contract that are set.
void check_contract(Checker& c, const courtyard::v1::ManagementContract& k, const FieldPath& path) {
  if (k.has_margin()) c.share(k.margin(), at(path, "margin"));
  if (k.has_service_level()) c.share(k.service_level(), at(path, "service_level"));
  if (k.has_exit_collection()) c.share(k.exit_collection(), at(path, "exit_collection"));
  if (k.has_exit_months()) c.range(k.exit_months(), 0, 1200, at(path, "exit_months"));
  if (k.has_remuneration_per_household_month())
    c.range(k.remuneration_per_household_month(), 0, kMaxYuanPerHousehold, at(path, "remuneration_per_household_month"));
}

// A value of a Courtyard attribute field as a double.
double attribute_value(const courtyard::v1::Courtyard& cy, const pb::FieldDescriptor* f) {
  const pb::Reflection* refl = cy.GetReflection();
  return f->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT32 ? refl->GetInt32(cy, f) : refl->GetDouble(cy, f);
}

// Courtyard names: explicit ones and "<kind>-<n>" for each valid kind.
class CourtyardNames {
 public:
  void add_explicit(const std::string& name) { explicit_.insert(name); }
  void add_kind(const std::string& name, int count) { kinds_.emplace_back(name, count); }

  // The kind whose generated courtyards include `name`, or nullptr.
  const std::string* generated_kind(const std::string& name) const {
    for (const auto& [kind, count] : kinds_) {
      if (name.size() <= kind.size() + 1 || name.compare(0, kind.size(), kind) != 0 || name[kind.size()] != '-')
        continue;
      const std::string digits = name.substr(kind.size() + 1);
      int n = 0;
      const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (r.ec == std::errc() && r.ptr == digits.data() + digits.size() && digits[0] != '0' && n >= 1 && n <= count)
        return &kind;
    }
    return nullptr;
  }
  bool exists(const std::string& name) const { return explicit_.count(name) || generated_kind(name); }

 private:
  std::set<std::string> explicit_;
  std::vector<std::pair<std::string, int>> kinds_;
};

// Every string field of `m` (names, dates, conditions, ...) must be UTF-8: the output stores them as
// UTF-8 strings, which readers (h5py, xarray) decode.
void check_utf8(Checker& c, const pb::Message& m, const FieldPath& base) {
  const pb::Reflection* r = m.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const pb::FieldDescriptor* f : fields) {
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      FieldPath path = base;
      path.push_back({f, f->is_repeated() ? i : -1});
      if (f->type() == pb::FieldDescriptor::TYPE_STRING) {
        const std::string v = f->is_repeated() ? r->GetRepeatedString(m, f, i) : r->GetString(m, f);
        if (const size_t bad = invalid_utf8_at(v); bad != std::string_view::npos)
          c.fail(path, "not valid UTF-8 (byte " + std::to_string(bad + 1) + " of " + std::to_string(v.size()) +
                           "): " + kUtf8Advice);
      } else if (f->type() == pb::FieldDescriptor::TYPE_MESSAGE) {
        check_utf8(c, f->is_repeated() ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f), path);
      }
    }
  }
}

// ---- the parts of a scenario -------------------------------------------------------------------

// run: returns the number of steps when valid (interventions are checked against it), else 0.
int check_run(Checker& c, const Scenario& s) {
  const FieldPath rp = at({}, "run");
  const auto& run = s.run();
  const bool steps_ok = c.range(run.steps(), 1, 50000, at(rp, "steps"));  // visit steps are 16-bit
  Date date;
  if (!parse_date(run.start_date(), &date))
    c.fail(at(rp, "start_date"), "\"" + run.start_date() + "\" is not a valid date YYYY-MM-DD");
  const FieldPath op = at(rp, "output");
  const auto& out = run.output();
  if (out.record_every() < 1) c.fail(at(op, "record_every"), "must be >= 1, got " + std::to_string(out.record_every()));
  if (out.block_records() < 1) c.fail(at(op, "block_records"), "must be >= 1, got " + std::to_string(out.block_records()));
  std::set<std::string> seen;
  for (int i = 0; i < out.metrics_size(); ++i) {
    const std::string& m = out.metrics(i);
    if (!is_known_metric(m)) {
      c.fail(at(op, "metrics", i), "unknown metric \"" + m + "\" (known: " + quoted_list(known_metric_names()) + ")");
    } else if (!seen.insert(m).second) {
      c.fail(at(op, "metrics", i), "metric \"" + m + "\" is listed twice");
    }
  }
  return steps_ok ? run.steps() : 0;
}

void check_proposal(Checker& c, const courtyard::v1::Proposal& p, const FieldPath& pp) {
  c.range(p.cost_per_household(), 0, kMaxYuanPerHousehold, at(pp, "cost_per_household"));
  if (p.rule() == courtyard::v1::VOTING_RULE_UNSPECIFIED) c.fail(at(pp, "rule"), "must name a voting rule");
  switch (p.beneficiaries()) {
    case courtyard::v1::BENEFICIARIES_UNSPECIFIED: c.fail(at(pp, "beneficiaries"), "must say who benefits"); break;
    case courtyard::v1::BENEFICIARIES_UPPER_FLOORS:
      if (!p.has_floors_from() || p.floors_from() < 1) c.fail(at(pp, "floors_from"), "upper floors need floors_from >= 1");
      break;
    case courtyard::v1::BENEFICIARIES_LOWER_FLOORS:
      if (!p.has_floors_to() || p.floors_to() < 1) c.fail(at(pp, "floors_to"), "lower floors need floors_to >= 1");
      break;
    case courtyard::v1::BENEFICIARIES_STAIRWELLS:
      if (p.stairwells_size() == 0) c.fail(at(pp, "stairwells"), "name the stairwells that benefit (from 0)");
      for (int j = 0; j < p.stairwells_size(); ++j)
        if (p.stairwells(j) < 0 || p.stairwells(j) > 254) c.fail(at(pp, "stairwells", j), "must be in [0, 254]");
      break;
    default: break;
  }
  if (p.has_facility() && facility_from_name(p.facility()) == kFacilityCount)
    c.fail(at(pp, "facility"), "unknown facility \"" + p.facility() + "\"");
}

void check_behaviour(Checker& c, const Scenario& s) {
  const FieldPath bp = at({}, "behaviour");
  const pb::Message& behaviour = s.behaviour();
  for (const ParamRule& rule : behaviour_rules()) {
    const FieldPath gp = at(bp, rule.group);
    const pb::Message& group = behaviour.GetReflection()->GetMessage(behaviour, gp.back().field);
    const FieldPath fp = at(gp, rule.field);
    const pb::FieldDescriptor* f = fp.back().field;
    const double x = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT32 ? group.GetReflection()->GetInt32(group, f)
                                                                         : group.GetReflection()->GetDouble(group, f);
    c.range(x, rule.lo, rule.hi, fp);
  }
  const auto& co = s.behaviour().cooperation();
  const double sum = co.conditional_share() + co.free_rider_share() + co.hump_share() + co.other_share();
  if (std::fabs(sum - 1.0) > 1e-6)
    c.fail(at(bp, "cooperation"),
           "conditional_share + free_rider_share + hump_share + other_share must be 1, got " + format_number(sum));
}

void check_interventions(Checker& c, const Scenario& s, int steps, const CourtyardNames& names,
                         const std::set<std::string>& kinds) {
  for (int i = 0; i < s.interventions_size(); ++i) {
    const auto& iv = s.interventions(i);
    const FieldPath ip = at({}, "interventions", i);
    // schedule
    const int last = steps - 1;
    if (iv.start_step() < 0) {
      c.fail(at(ip, "start_step"), "must be >= 0, got " + std::to_string(iv.start_step()));
    } else if (steps > 0 && iv.start_step() > last) {
      c.fail(at(ip, "start_step"), "step " + std::to_string(iv.start_step()) + " is past the end of the run (steps 0 to " +
                                       std::to_string(last) + ")");
    }
    if (iv.has_end_step()) {
      if (iv.end_step() < iv.start_step()) {
        c.fail(at(ip, "end_step"), "end_step " + std::to_string(iv.end_step()) + " is before start_step " +
                                       std::to_string(iv.start_step()));
      } else if (steps > 0 && iv.end_step() > last) {
        c.fail(at(ip, "end_step"), "step " + std::to_string(iv.end_step()) + " is past the end of the run (last step " +
                                       std::to_string(last) + ")");
      }
    }
    c.share(iv.intensity(), at(ip, "intensity"));
    c.range(iv.cost_yuan(), 0, kMaxYuan, at(ip, "cost_yuan"));
    if (iv.payer() == courtyard::v1::Intervention::PAYER_UNSPECIFIED)
      c.fail(at(ip, "payer"), "must be PAYER_SUBDISTRICT, PAYER_COMMUNITY or PAYER_COURTYARD");

    // targets
    if (iv.has_targets()) {
      const FieldPath tp = at(ip, "targets");
      const auto& t = iv.targets();
      for (int j = 0; j < t.courtyards_size(); ++j)
        if (!names.exists(t.courtyards(j)))
          c.fail(at(tp, "courtyards", j), "no courtyard is named \"" + t.courtyards(j) + "\"");
      if (t.has_kind() && !kinds.count(t.kind())) c.fail(at(tp, "kind"), "no courtyard kind is named \"" + t.kind() + "\"");
      if (t.has_condition()) {
        std::string error;
        if (!parse_condition(t.condition(), &error)) c.fail(at(tp, "condition"), error);
      }
    }

    // the action
    switch (iv.action_case()) {
      case courtyard::v1::Intervention::ACTION_NOT_SET:
        c.fail(ip, "no action: set one of hardware_upgrade, fee_change, subsidy, management_change, cleaning");
        break;
      case courtyard::v1::Intervention::kHardwareUpgrade: {
        const FieldPath hp = at(ip, "hardware_upgrade");
        for (int j = 0; j < iv.hardware_upgrade().facilities_size(); ++j) {
          const std::string& f = iv.hardware_upgrade().facilities(j);
          if (facility_from_name(f) == kFacilityCount) {
            std::vector<std::string> known(kFacilityNames.begin(), kFacilityNames.end());
            c.fail(at(hp, "facilities", j), "unknown facility \"" + f + "\" (known: " + quoted_list(known) + ")");
          }
        }
        break;
      }
      case courtyard::v1::Intervention::kFeeChange: {
        const FieldPath fp = at(ip, "fee_change");
        if (!iv.fee_change().has_fee_per_month()) {
          c.fail(fp, "fee_change needs fee_per_month");
        } else {
          c.range(iv.fee_change().fee_per_month(), 0, kMaxYuanPerHousehold, at(fp, "fee_per_month"));
        }
        break;
      }
      case courtyard::v1::Intervention::kSubsidy: {
        const FieldPath sp = at(ip, "subsidy");
        if (!iv.subsidy().has_yuan()) {
          c.fail(sp, "subsidy needs yuan");
        } else {
          c.range(iv.subsidy().yuan(), 0, kMaxYuan, at(sp, "yuan"));
        }
        if (iv.payer() == courtyard::v1::Intervention::PAYER_COURTYARD)
          c.fail(at(ip, "payer"), "a subsidy is paid by the subdistrict, not by the courtyard it goes to");
        break;
      }
      case courtyard::v1::Intervention::kManagementChange:
        check_management(c, iv.management_change().management(), at(at(ip, "management_change"), "management"));
        if (iv.management_change().has_contract())
          check_contract(c, iv.management_change().contract(), at(at(ip, "management_change"), "contract"));
        break;
      case courtyard::v1::Intervention::kCleaning:
        c.share(iv.cleaning().weekly_share(), at(at(ip, "cleaning"), "weekly_share"));
        break;
      case courtyard::v1::Intervention::kHomeVisits:
        c.share(iv.home_visits().coverage_per_week(), at(at(ip, "home_visits"), "coverage_per_week"));
        break;
      case courtyard::v1::Intervention::kServices:
        c.share(iv.services().level(), at(at(ip, "services"), "level"));
        break;
      case courtyard::v1::Intervention::kCovenant:
        if (iv.covenant().rule() == courtyard::v1::VOTING_RULE_UNSPECIFIED)
          c.fail(at(at(ip, "covenant"), "rule"), "must name a voting rule");
        break;
      case courtyard::v1::Intervention::kMeeting: {
        const FieldPath mp = at(ip, "meeting");
        if (iv.meeting().caller() == courtyard::v1::Meeting::CALLER_UNSPECIFIED)
          c.fail(at(mp, "caller"), "must be CALLER_COUNCIL, CALLER_RESIDENTS_COMMITTEE or CALLER_COMMUNITY");
        if (iv.meeting().has_proposal()) check_proposal(c, iv.meeting().proposal(), at(mp, "proposal"));
        break;
      }
      case courtyard::v1::Intervention::kLevy: {
        const FieldPath lp = at(ip, "levy");
        if (!iv.levy().has_proposal()) {
          c.fail(lp, "a levy needs a proposal with cost_per_household > 0");
        } else {
          check_proposal(c, iv.levy().proposal(), at(lp, "proposal"));
          if (!(iv.levy().proposal().cost_per_household() > 0))
            c.fail(at(at(lp, "proposal"), "cost_per_household"), "a levy must ask for money (> 0)");
        }
        break;
      }
      case courtyard::v1::Intervention::kOneTwoThreeFour: {
        const FieldPath pp = at(ip, "one_two_three_four");
        const auto& pkg = iv.one_two_three_four();
        for (int j = 0; j < pkg.without_size(); ++j)
          if (pkg.without(j) == courtyard::v1::OneTwoThreeFour::STEP_UNSPECIFIED)
            c.fail(at(pp, "without", j), "must name a step (STEP_ORGANISATION, STEP_HARDWARE, STEP_COVENANT, STEP_SERVICES)");
        if (!(pkg.weeks_per_month() > 0) || !std::isfinite(pkg.weeks_per_month()))
          c.fail(at(pp, "weeks_per_month"), "must be > 0");
        c.range(pkg.hardware_yuan_per_household(), 0, kMaxYuanPerHousehold, at(pp, "hardware_yuan_per_household"));
        break;
      }
      case courtyard::v1::Intervention::kPackage:
        c.add(validate_package(iv.package(), at(ip, "package"), c.locator()));
        break;
      default: break;  // institutions: nothing to check
    }
  }
}

}  // namespace

const std::vector<std::string>& known_metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const MetricDef& m : all_metrics()) out.push_back(m.name);
    return out;
  }();
  return names;
}

bool is_known_metric(std::string_view name) {
  for (const std::string& m : known_metric_names())
    if (m == name) return true;
  return false;
}

std::optional<Condition> parse_condition(const std::string& text, std::string* error) {
  const std::string form = "expected \"<metric> <op> <number>\" with op one of < <= > >=, as \"collection_rate < 0.5\"";
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  Condition c;
  // metric
  skip_space();
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) c.metric += text[i++];
  if (c.metric.empty()) {
    *error = form + ", got \"" + text + "\"";
    return std::nullopt;
  }
  if (!is_known_metric(c.metric)) {
    *error = "unknown metric \"" + c.metric + "\" (known: " + quoted_list(known_metric_names()) + ")";
    return std::nullopt;
  }
  // counters reset at every record: a condition on them would depend on the output settings
  if (c.metric == "violations" || c.metric == "move_outs" || c.metric == "move_ins" || c.metric == "meetings") {
    *error = "\"" + c.metric + "\" counts since the last record and cannot be a condition";
    return std::nullopt;
  }
  // operator
  skip_space();
  if (i < text.size() && (text[i] == '<' || text[i] == '>')) {
    c.op = text[i++];
    if (i < text.size() && text[i] == '=') {
      c.or_equal = true;
      ++i;
    }
  } else {
    *error = form + ", got \"" + text + "\"";
    return std::nullopt;
  }
  // number, then nothing
  skip_space();
  size_t end = text.size();
  while (end > i && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  const auto r = std::from_chars(text.data() + i, text.data() + end, c.value);
  if (i == end || r.ec != std::errc() || r.ptr != text.data() + end || !std::isfinite(c.value)) {
    *error = form + ", got \"" + text + "\"";
    return std::nullopt;
  }
  return c;
}

size_t invalid_utf8_at(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;  // continuation bytes
    uint32_t cp = 0, min = 0;
    if ((b & 0xE0) == 0xC0) {
      n = 1, cp = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      n = 2, cp = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      n = 3, cp = b & 0x07, min = 0x10000;
    } else {
      return i;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return i;
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

std::string generated_courtyard_name(const std::string& kind, int n) { return kind + "-" + std::to_string(n); }

namespace {

// Resource limits (docs/scenario-format.md, "Resource limits"): a scenario that each field's range
// allows can still ask for more memory than any machine has; refused here, before anything is
// allocated. Counts in 64 bits, products saturated.
void check_resources(Checker& c, const Scenario& s, int64_t courtyards, int64_t households, const FieldPath& largest) {
  auto product = [](int64_t a, int64_t b) {
    int64_t out = 0;
    return __builtin_mul_overflow(a, b, &out) ? std::numeric_limits<int64_t>::max() : out;
  };
  if (households > kMaxHouseholds)
    c.fail(largest, "the scenario has up to " + std::to_string(households) + " households, more than the limit of " +
                        std::to_string(kMaxHouseholds) + " (docs/scenario-format.md, \"Resource limits\")");
  if (courtyards > kMaxCourtyards)
    c.fail(at({}, "courtyard_kinds"), "the scenario has " + std::to_string(courtyards) + " courtyards, more than the limit of " +
                                          std::to_string(kMaxCourtyards) + " (docs/scenario-format.md, \"Resource limits\")");
  // the output's buffer of one block: a float per metric, record and courtyard, a double per metric and
  // record, a time and a step per record, two bytes per snapshot household and record
  const auto& out = s.run().output();
  if (out.block_records() >= 1) {
    const int64_t metrics = out.metrics_size() > 0 ? out.metrics_size() : static_cast<int64_t>(known_metric_names().size());
    const int64_t snapshot_households = product(out.household_snapshots_size(), 20000);  // at most per courtyard
    // each term below 2^62 (courtyards and snapshot households are bounded first): the sum cannot overflow
    const int64_t per_record = std::min<int64_t>(product(product(4, metrics), std::max<int64_t>(courtyards, 1)), int64_t{1} << 60) +
                               8 * metrics + 16 + std::min<int64_t>(product(2, snapshot_households), int64_t{1} << 60);
    const int64_t bytes = product(per_record, out.block_records());
    if (bytes > kMaxBlockBytes)
      c.fail(at(at(at({}, "run"), "output"), "block_records"),
             std::to_string(out.block_records()) + " records a block need " + std::to_string(bytes >> 20) +
                 " MiB of buffer (" + std::to_string(per_record) + " bytes a record), more than the limit of " +
                 std::to_string(kMaxBlockBytes >> 20) + " MiB (docs/scenario-format.md, \"Resource limits\")");
  }
}

// Labels: a key, once; a name in at least one language; one line each (they are titles on the report's
// page). A key need not name anything of this scenario: a run derived from it (a paired baseline without
// its interventions, a sweep's point) keeps the labels of what it dropped, unused.
void check_labels(Checker& c, const Scenario& s) {
  std::unordered_map<std::string, int> first;
  for (int i = 0; i < s.labels_size(); ++i) {
    const auto& label = s.labels(i);
    const FieldPath lp = at({}, "labels", i);
    if (label.key().empty()) {
      c.fail(at(lp, "key"), "a label needs a key (the name it translates)");
    } else if (auto [it, fresh] = first.emplace(label.key(), i); !fresh) {
      c.fail(at(lp, "key"), "\"" + label.key() + "\" is labelled twice (also labels[" + std::to_string(it->second) + "])");
    }
    if (label.zh().empty() && label.en().empty()) c.fail(lp, "a label needs zh or en (or both)");
    for (const char* field : {"zh", "en"}) {
      const std::string& v = field == std::string_view("zh") ? label.zh() : label.en();
      if (v.find_first_of("\n\r\t") != std::string::npos) c.fail(at(lp, field), "a label is one line (no newline or tab)");
    }
  }
}

}  // namespace

std::vector<Diagnostic> validate_scenario(const Scenario& s, const Locator& locator) {
  Checker c(locator);
  check_utf8(c, s, {});
  const int steps = check_run(c, s);
  c.range(s.subdistrict().budget_yuan(), 0, kMaxYuan, at(at({}, "subdistrict"), "budget_yuan"));
  if (s.subdistrict().targeting() == courtyard::v1::TARGETING_UNSPECIFIED)
    c.fail(at(at({}, "subdistrict"), "targeting"),
           "must name a rule (TARGETING_FIRST_COME, TARGETING_WORST_CONDITION_FIRST, TARGETING_GAIN_PER_YUAN, TARGETING_LOTTERY)");

  // communities
  std::set<std::string> communities;
  std::vector<std::string> community_list;
  for (int i = 0; i < s.communities_size(); ++i) {
    const std::string& name = s.communities(i).name();
    const FieldPath np = at(at({}, "communities", i), "name");
    const FieldPath cp = at({}, "communities", i);
    c.range(s.communities(i).housing_demand(), 0, kMaxRatio, at(cp, "housing_demand"));
    c.range(s.communities(i).workers(), 0, 10000, at(cp, "workers"));
    c.range(s.communities(i).hours_per_worker_week(), 0, 168, at(cp, "hours_per_worker_week"));
    c.range(s.communities(i).budget_yuan_per_year(), 0, kMaxYuan, at(cp, "budget_yuan_per_year"));
    if (name.empty()) {
      c.fail(np, "a community needs a name");
    } else if (!communities.insert(name).second) {
      c.fail(np, "duplicate community name \"" + name + "\"");
    } else {
      community_list.push_back(name);
    }
  }
  auto check_community = [&](const std::string& name, const FieldPath& path) {
    if (!name.empty() && !communities.count(name))
      c.fail(path, "unknown community \"" + name + "\" (communities: " + quoted_list(community_list) + ")");
  };

  // kind names and counts first: explicit names must not collide with generated ones
  CourtyardNames names;
  std::set<std::string> kinds;
  long long total = s.courtyards_size();
  for (int k = 0; k < s.courtyard_kinds_size(); ++k) {
    const auto& kind = s.courtyard_kinds(k);
    const FieldPath kp = at({}, "courtyard_kinds", k);
    const bool count_ok = c.range(kind.count(), 0, 100000, at(kp, "count"));
    if (count_ok) total += kind.count();
    if (kind.name().empty()) {
      c.fail(at(kp, "name"), "a courtyard kind needs a name");
    } else if (!kinds.insert(kind.name()).second) {
      c.fail(at(kp, "name"), "duplicate courtyard kind name \"" + kind.name() + "\"");
    } else if (count_ok) {
      names.add_kind(kind.name(), kind.count());
    }
  }
  if (total < 1) c.fail(at({}, "courtyards"), "no courtyards: add a courtyard, or a courtyard kind with count >= 1");

  // the run's size, for the resource limits below: households (at most) and who holds most
  int64_t households_total = 0, largest_share = 0;
  FieldPath largest = at({}, "courtyards");
  auto add_households = [&](int64_t n, const FieldPath& where) {
    households_total = households_total > std::numeric_limits<int64_t>::max() - n ? std::numeric_limits<int64_t>::max()
                                                                                 : households_total + n;
    if (n > largest_share) {
      largest_share = n;
      largest = where;
    }
  };
  int64_t explicit_households = 0;

  // explicit courtyards
  std::unordered_map<std::string, int> first_named;
  for (int i = 0; i < s.courtyards_size(); ++i) {
    const auto& cy = s.courtyards(i);
    const FieldPath cp = at({}, "courtyards", i);
    if (cy.name().empty()) {
      c.fail(at(cp, "name"), "a courtyard needs a name");
    } else if (auto [it, fresh] = first_named.emplace(cy.name(), i); !fresh) {
      c.fail(at(cp, "name"), "duplicate courtyard name \"" + cy.name() + "\" (also courtyards[" +
                                 std::to_string(it->second) + "])");
    } else if (const std::string* kind = names.generated_kind(cy.name())) {
      c.fail(at(cp, "name"), "\"" + cy.name() + "\" is also the name of a generated courtyard of kind \"" + *kind + "\"");
    }
    names.add_explicit(cy.name());
    check_community(cy.community(), at(cp, "community"));
    bool sizes_ok = true;
    for (const AttributeRule& rule : courtyard_attributes()) {
      const FieldPath fp = at(cp, rule.name);
      const bool ok = c.range(attribute_value(cy, fp.back().field), rule.lo, rule.hi, fp);
      if (rule.name == std::string_view("households") || rule.name == std::string_view("stairwells")) sizes_ok &= ok;
    }
    if (sizes_ok) explicit_households += cy.households();
    if (sizes_ok && cy.stairwells() > cy.households())
      c.fail(at(cp, "stairwells"), std::to_string(cy.stairwells()) + " stairwells for " + std::to_string(cy.households()) +
                                       " households: at most one stairwell per household");
    if (cy.has_tenure()) check_tenure(c, cy.tenure(), at(cp, "tenure"));
    check_management(c, cy.management(), at(cp, "management"));
    if (cy.has_contract()) check_contract(c, cy.contract(), at(cp, "contract"));
  }

  add_households(explicit_households, at({}, "courtyards"));

  // courtyard kinds: distributions
  for (int k = 0; k < s.courtyard_kinds_size(); ++k) {
    const auto& kind = s.courtyard_kinds(k);
    const FieldPath kp = at({}, "courtyard_kinds", k);
    for (int j = 0; j < kind.communities_size(); ++j) check_community(kind.communities(j), at(kp, "communities", j));
    if (kind.has_tenure()) check_tenure(c, kind.tenure(), at(kp, "tenure"));
    check_management(c, kind.management(), at(kp, "management"));
    if (kind.has_contract()) check_contract(c, kind.contract(), at(kp, "contract"));
    std::optional<Support> households, stairwells;
    for (const AttributeRule& rule : courtyard_attributes()) {
      const FieldPath fp = at(kp, rule.name);
      std::optional<Support> support;
      if (kind.GetReflection()->HasField(kind, fp.back().field)) {
        const auto& dist = static_cast<const courtyard::v1::Dist&>(kind.GetReflection()->GetMessage(kind, fp.back().field));
        support = check_dist(c, dist, rule, fp);
      } else {
        // absent: every courtyard takes the explicit courtyard's default
        const pb::FieldDescriptor* f = courtyard::v1::Courtyard::descriptor()->FindFieldByName(rule.name);
        const double x = attribute_value(courtyard::v1::Courtyard::default_instance(), f);
        support = Support{x, x};
      }
      if (rule.name == std::string_view("households")) households = support;
      if (rule.name == std::string_view("stairwells")) stairwells = support;
    }
    if (households && kind.count() >= 0 && kind.count() <= 100000 && households->hi >= 0 && households->hi <= 1e9)
      add_households(kind.count() * static_cast<int64_t>(std::lround(households->hi)), at(kp, "count"));
    if (households && stairwells && std::lround(stairwells->hi) > std::lround(households->lo))
      c.fail(at(kp, "stairwells"), "up to " + format_number(stairwells->hi) + " stairwells but as few as " +
                                       format_number(households->lo) + " households: at most one stairwell per household");
  }

  check_behaviour(c, s);
  check_interventions(c, s, steps, names, kinds);
  check_resources(c, s, total, households_total, largest);

  // per-household snapshots name courtyards
  const FieldPath op = at(at({}, "run"), "output");
  for (int i = 0; i < s.run().output().household_snapshots_size(); ++i)
    if (!names.exists(s.run().output().household_snapshots(i)))
      c.fail(at(op, "household_snapshots", i), "no courtyard is named \"" + s.run().output().household_snapshots(i) + "\"");

  check_labels(c, s);
  return c.take();
}

}  // namespace courtyard::scenario_detail
