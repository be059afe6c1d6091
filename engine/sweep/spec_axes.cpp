// The axes of a sweep file (one field, linked fields as tuples or expressions, named cases) and the
// check of every design point: the base scenario loaded with the point's overrides, as a run will load
// it. Problems found at a point are reported at what caused them: a bad path at the axis's path (once),
// a bad value at the value, a broken rule of the scenario (owner + renter + vacant must be 1) at each
// axis that sets a field near the rule's, naming the point and its values.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "scenario/scenario.h"
#include "sweep/spec_detail.h"

namespace courtyard::sweep::spec_detail {

namespace {

namespace pb = google::protobuf;


bool is_identifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char ch : s)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_')) return false;
  return s != "min" && s != "max";
}

// A field path an axis sets: given, no '=' or blanks, not the seed, not set by another axis.
bool check_path(Checker& c, const sd::FieldPath& at, const std::string& path, std::set<std::string>& paths) {
  if (path.empty()) {
    c.fail(at, "give the scenario field, as in --set (e.g. \"courtyard_kinds[0].count\")");
    return false;
  }
  if (path.find_first_of("= \t") != std::string::npos) {
    c.fail(at, "a field path has no '=' or blanks: \"" + path + "\"");
    return false;
  }
  if (path == "run.seed") {
    c.fail(at, "the sweep sets run.seed itself (from seed, replicates and common_random_numbers)");
    return false;
  }
  if (!paths.insert(path).second) {
    c.fail(at, "\"" + path + "\" is varied by an earlier axis too");
    return false;
  }
  return true;
}

// values, levels, range or bounds (exactly one) into axis.values / the bounds; false if none or several.
bool read_values(Checker& c, const v1::Axis& a, const sd::FieldPath& ap, Axis& axis, AxisSites& site,
                 int64_t values_so_far, int64_t replicates, bool allow_levels) {
  const int kinds = (a.values_size() > 0) + (a.levels_size() > 0) + a.has_range() + a.has_bounds();
  if (kinds == 0) {
    c.fail(ap, "axis \"" + axis.name + "\" has no values: give values, " + (allow_levels ? "levels, " : "") +
                   "range or bounds");
    return false;
  }
  if (kinds > 1) {
    c.fail(ap, "axis \"" + axis.name + "\" gives more than one of values, levels, range and bounds");
    return false;
  }
  if (a.values_size() > 0) {
    for (int k = 0; k < a.values_size(); ++k) {
      if (!std::isfinite(a.values(k))) c.fail(sweep_field(ap, "values", k), "values must be finite numbers");
      axis.values.push_back(number_text(a.values(k)));
      site.value.push_back(sweep_field(ap, "values", k));
    }
  } else if (a.levels_size() > 0) {
    if (!allow_levels) {
      c.fail(sweep_field(ap, "levels", 0), "an axis with links takes numbers (values, range or bounds): its links compute from them");
      return false;
    }
    axis.numeric = false;
    for (int k = 0; k < a.levels_size(); ++k) {
      axis.values.push_back(a.levels(k));
      site.value.push_back(sweep_field(ap, "levels", k));
    }
  } else if (a.has_range()) {
    const v1::Range& r = a.range();
    const sd::FieldPath rp = sweep_field(ap, "range");
    if (!r.has_first()) c.fail(rp, "range needs first");
    if (!r.has_last()) c.fail(rp, "range needs last");
    if (!r.has_steps() || r.steps() < 1) {
      c.fail(r.has_steps() ? sweep_field(rp, "steps") : rp, "range needs steps >= 1 (how many values, first and last included)");
    } else if (r.steps() > 1'000'000) {
      c.fail(sweep_field(rp, "steps"), "at most 1000000 steps");
    } else if (saturated_product(saturated_product(values_so_far, r.steps()), replicates) > kMaxRuns) {
      // refused before the values are made: a few such axes would fill the memory
      c.fail(sweep_field(rp, "steps"), "the sweep would have more than " + std::to_string(kMaxRuns) +
                                           " runs (this axis's " + std::to_string(r.steps()) + " values times " +
                                           std::to_string(values_so_far) + " combinations of the earlier axes times " +
                                           std::to_string(replicates) + " replicates)");
    } else if (r.has_first() && r.has_last()) {
      if (!std::isfinite(r.first()) || !std::isfinite(r.last())) {
        c.fail(rp, "first and last must be finite");
      } else if (r.steps() > 1 && r.first() == r.last()) {
        c.fail(sweep_field(rp, "last"), "first and last are equal: use steps: 1 for a single value");
      } else {
        // each value a weighted mean of the ends: 0..1 in 11 steps gives 0.3, not 0.30000000000000004
        const int n = r.steps();
        for (int k = 0; k < n; ++k) {
          const double x = n == 1 ? r.first() : (r.first() * (n - 1 - k) + r.last() * k) / (n - 1);
          axis.values.push_back(number_text(x));
          site.value.push_back(rp);
        }
      }
    }
  } else {
    axis.sampled = true;
    const v1::Bounds& b = a.bounds();
    const sd::FieldPath bp = sweep_field(ap, "bounds");
    axis.min = b.min();
    axis.max = b.max();
    site.value = {bp};
    if (!b.has_min() || !b.has_max()) {
      c.fail(bp, "bounds need min and max");
    } else if (!std::isfinite(b.min()) || !std::isfinite(b.max())) {
      c.fail(bp, "min and max must be finite");
    } else if (!(b.min() < b.max())) {
      c.fail(sweep_field(bp, "max"), "max (" + number_text(b.max()) + ") must be above min (" + number_text(b.min()) + ")");
    }
  }
  // repeated values would run the same point twice
  if (a.values_size() > 0 || a.levels_size() > 0) {
    std::set<std::string> seen;
    for (size_t k = 0; k < axis.values.size(); ++k)
      if (!seen.insert(axis.values[k]).second) c.fail(site.value[k], "the value " + axis.values[k] + " is listed twice");
  }
  return true;
}

// The field's type for a one-field axis: integer fields take whole numbers.
void check_field_type(Checker& c, const v1::Axis& a, const sd::FieldPath& ap, Axis& axis) {
  const pb::FieldDescriptor* f = sd::override_field(axis.path);
  if (!f) return;  // a bad path: reported at the design points
  const auto t = f->cpp_type();
  axis.integer = t == pb::FieldDescriptor::CPPTYPE_INT32 || t == pb::FieldDescriptor::CPPTYPE_INT64 ||
                 t == pb::FieldDescriptor::CPPTYPE_UINT32 || t == pb::FieldDescriptor::CPPTYPE_UINT64;
  const bool number = axis.integer || t == pb::FieldDescriptor::CPPTYPE_DOUBLE || t == pb::FieldDescriptor::CPPTYPE_FLOAT;
  if (axis.sampled && !number) {
    c.fail(sweep_field(ap, "bounds"), "\"" + axis.path + "\" is not a number: give its levels in a factorial design");
  } else if (axis.sampled && axis.integer && (axis.min != std::trunc(axis.min) || axis.max != std::trunc(axis.max))) {
    c.fail(sweep_field(ap, "bounds"), "\"" + axis.path + "\" holds whole numbers: give whole min and max");
  } else if (a.has_range() && axis.integer) {
    for (const std::string& v : axis.values)
      if (v.find_first_of(".e") != std::string::npos) {
        c.fail(sweep_field(ap, "range"), "\"" + axis.path + "\" holds whole numbers, but the range gives " + v);
        break;
      }
  }
}

// What an axis may not give besides its kind's fields.
void refuse_others(Checker& c, const v1::Axis& a, const sd::FieldPath& ap, const char* kind, bool path, bool values) {
  const auto no = [&](bool given, const char* field) {
    if (given) c.fail(sweep_field(ap, field), std::string("an axis of ") + kind + " takes no " + field);
  };
  if (!path) no(a.has_path(), "path");
  if (!values) {
    no(a.values_size() > 0, "values");
    no(a.levels_size() > 0, "levels");
    no(a.has_range(), "range");
    no(a.has_bounds(), "bounds");
  }
  if (std::string(kind) != "tuples") {
    no(a.fields_size() > 0, "fields");
    no(a.tuples_size() > 0, "tuples");
  }
  if (std::string(kind) != "links") no(a.links_size() > 0, "links");
  if (std::string(kind) != "cases") no(a.cases_size() > 0, "cases");
}

}  // namespace

std::vector<AxisSites> check_axes(Checker& c, const v1::Sweep& spec, Plan& plan, bool base_ok) {
  (void)base_ok;
  std::vector<AxisSites> sites;
  std::set<std::string> paths;
  int64_t values_so_far = 1;  // combinations of the axes' values so far (a factorial design's points)
  const int64_t replicates = std::max(1, spec.replicates());
  for (int i = 0; i < spec.axes_size(); ++i) {
    const v1::Axis& a = spec.axes(i);
    const sd::FieldPath ap = sweep_field({}, "axes", i);
    Axis axis;
    AxisSites site;
    site.axis = ap;
    site.path = sweep_field(ap, "path");
    axis.path = a.path();
    axis.name = a.has_name() ? a.name() : a.path();
    const bool named = a.has_name() || !a.path().empty();

    if (a.cases_size() > 0) {
      // named cases, each a set of overrides
      axis.kind = Axis::Kind::kCases;
      axis.numeric = false;
      refuse_others(c, a, ap, "cases", false, false);
      if (!a.has_name()) c.fail(ap, "an axis of cases needs a name (its column, e.g. name: \"steps\")");
      else if (!valid_column_name(a.name()))
        c.fail(sweep_field(ap, "name"), "column name \"" + a.name() + "\" must be letters, digits and _ . [ ] - only");
      std::set<std::string> names;
      for (int k = 0; k < a.cases_size(); ++k) {
        const v1::Case& cs = a.cases(k);
        const sd::FieldPath cp = sweep_field(ap, "cases", k);
        if (cs.name().empty()) c.fail(cp, "a case needs a name");
        else if (cs.name().find_first_of("\r\n") != std::string::npos) c.fail(sweep_field(cp, "name"), "a case's name is one line");
        else if (!names.insert(cs.name()).second) c.fail(sweep_field(cp, "name"), "the case \"" + cs.name() + "\" is listed twice");
        std::vector<std::string> set;
        std::vector<sd::FieldPath> set_at;
        std::set<std::string> case_paths;
        for (int s = 0; s < cs.set_size(); ++s) {
          const sd::FieldPath sp = sweep_field(cp, "set", s);
          const std::string& o = cs.set(s);
          const size_t eq = o.find('=');
          if (eq == std::string::npos || eq == 0) {
            c.fail(sp, "expected PATH=VALUE, as in --set, got \"" + o + "\"");
          } else if (o.substr(0, eq) == "run.seed") {
            c.fail(sp, "the sweep sets run.seed itself (from seed, replicates and common_random_numbers)");
          } else if (!case_paths.insert(o.substr(0, eq)).second) {
            c.fail(sp, "\"" + o.substr(0, eq) + "\" is set twice in this case");
          }
          set.push_back(o);
          set_at.push_back(sp);
        }
        axis.values.push_back(cs.name());
        site.value.push_back(cp);
        axis.cases.push_back(std::move(set));
        site.case_set.push_back(std::move(set_at));
      }
    } else if (a.fields_size() > 0 || a.tuples_size() > 0) {
      // linked fields set together, one tuple per level
      axis.kind = Axis::Kind::kTuples;
      axis.numeric = false;
      refuse_others(c, a, ap, "tuples", false, false);
      if (!a.has_name()) c.fail(ap, "a linked axis needs a name (its column, e.g. name: \"tenure\")");
      else if (!valid_column_name(a.name()))
        c.fail(sweep_field(ap, "name"), "column name \"" + a.name() + "\" must be letters, digits and _ . [ ] - only");
      if (a.fields_size() == 0) c.fail(ap, "a linked axis needs fields: [\"path\", ...], the fields each tuple sets");
      if (a.tuples_size() == 0) c.fail(ap, "a linked axis needs tuples { values: [...] }, one per level");
      for (int j = 0; j < a.fields_size(); ++j) {
        const sd::FieldPath fp = sweep_field(ap, "fields", j);
        check_path(c, fp, a.fields(j), paths);
        Link link;
        link.path = a.fields(j);
        axis.links.push_back(link);
        site.link_path.push_back(fp);
      }
      std::set<std::string> labels;
      for (int k = 0; k < a.tuples_size(); ++k) {
        const v1::Tuple& t = a.tuples(k);
        const sd::FieldPath tp = sweep_field(ap, "tuples", k);
        std::vector<std::string> vals;
        if ((t.values_size() > 0) == (t.levels_size() > 0)) {
          c.fail(tp, "a tuple gives its values either as numbers (values) or as text (levels)");
        } else if (t.values_size() > 0) {
          for (int v = 0; v < t.values_size(); ++v) {
            if (!std::isfinite(t.values(v))) c.fail(sweep_field(tp, "values", v), "values must be finite numbers");
            vals.push_back(number_text(t.values(v)));
          }
        } else {
          for (int v = 0; v < t.levels_size(); ++v) vals.push_back(t.levels(v));
        }
        if (!vals.empty() && static_cast<int>(vals.size()) != a.fields_size())
          c.fail(tp, "the tuple has " + std::to_string(vals.size()) + " values for " + std::to_string(a.fields_size()) +
                         " fields");
        vals.resize(static_cast<size_t>(a.fields_size()));
        std::string label = t.name();
        if (label.empty())
          for (size_t v = 0; v < vals.size(); ++v) label += (v ? "/" : "") + vals[v];
        if (label.find_first_of("\r\n") != std::string::npos)
          c.fail(tp, "a tuple's name and values are one line each");
        else if (!labels.insert(label).second)
          c.fail(t.has_name() ? sweep_field(tp, "name") : tp, "the level \"" + label + "\" is listed twice");
        for (size_t j = 0; j < axis.links.size(); ++j) axis.links[j].values.push_back(vals[j]);
        axis.values.push_back(label);
        site.value.push_back(tp);
      }
    } else {
      // one field, or a named number whose links derive fields from it
      const bool derived = a.links_size() > 0;
      axis.kind = derived ? Axis::Kind::kDerived : Axis::Kind::kField;
      refuse_others(c, a, ap, derived ? "links" : "values", true, true);
      bool path_ok = true;
      if (!derived || a.has_path()) path_ok = check_path(c, site.path, a.path(), paths);
      if (derived) {
        if (!a.has_name()) {
          c.fail(ap, "an axis with links needs a name: the links' expressions use it (e.g. name: \"renter_share\")");
        } else if (!is_identifier(a.name())) {
          c.fail(sweep_field(ap, "name"), "an axis with links needs a name of letters, digits and _ (its expressions use it), not \"" +
                                             a.name() + "\"");
        }
        for (int j = 0; j < a.links_size(); ++j) {
          const v1::Link& l = a.links(j);
          const sd::FieldPath lp = sweep_field(ap, "links", j);
          check_path(c, l.has_path() ? sweep_field(lp, "path") : lp, l.path(), paths);
          Link link;
          link.path = l.path();
          std::string error;
          int column = 0;
          if (!l.has_expr()) {
            c.fail(lp, "a link needs expr, e.g. expr: \"0.9 - " + axis.name + "\"");
          } else if (!link.expr.parse(l.expr(), axis.name, &error, &column)) {
            c.fail(sweep_field(lp, "expr"), "character " + std::to_string(column) + " of \"" + l.expr() + "\": " + error);
          }
          axis.links.push_back(std::move(link));
          site.link_path.push_back(sweep_field(lp, "path"));
          site.link_value.push_back(sweep_field(lp, "expr"));
        }
      } else if (named && !valid_column_name(axis.name)) {
        c.fail(sweep_field(ap, a.has_name() ? "name" : "path"),
               "column name \"" + axis.name + "\" must be letters, digits and _ . [ ] - only");
      }
      if (!read_values(c, a, ap, axis, site, values_so_far, replicates, !derived)) {
        plan.axes.push_back(axis);
        sites.push_back(site);
        continue;
      }
      if (path_ok && !axis.path.empty()) check_field_type(c, a, ap, axis);
    }
    if (!axis.sampled) values_so_far = saturated_product(values_so_far, std::max<int64_t>(1, static_cast<int64_t>(axis.values.size())));
    if (axis.sampled) axis.values.clear();
    plan.axes.push_back(std::move(axis));
    sites.push_back(std::move(site));
  }
  return sites;
}

namespace {

// The index of `value` among the axis's levels (-1 for a sampled value).
int level_of(const Axis& a, const std::string& value) {
  for (size_t k = 0; k < a.values.size(); ++k)
    if (a.values[k] == value) return static_cast<int>(k);
  return -1;
}

// The parent of a field path ("courtyards[0].tenure" of "courtyards[0].tenure.owner").
std::string parent_of(const std::string& path) {
  const size_t dot = path.rfind('.');
  return dot == std::string::npos ? "" : path.substr(0, dot);
}

// Whether a message names the field a path ends in ("households" or "households" written with blanks).
bool mentions(const std::string& message, const std::string& path) {
  std::string name = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
  if (const size_t bracket = name.find('['); bracket != std::string::npos) name.resize(bracket);
  std::string spaced = name;
  std::replace(spaced.begin(), spaced.end(), '_', ' ');
  return !name.empty() && (message.find(name) != std::string::npos || message.find(spaced) != std::string::npos);
}

// Whether a problem at scenario field `field` may come from an override of `path` (the same field, one
// inside it, or a sibling: a rule over several fields of one message).
bool near(const std::string& field, const std::string& path) {
  if (field.empty() || path.empty()) return false;
  const std::string parent = parent_of(path);
  return path.starts_with(field) || (!parent.empty() && field.starts_with(parent)) || field.starts_with(path);
}

}  // namespace

void check_points(Checker& c, const Plan& plan, const std::vector<AxisSites>& sites) {
  const Design design = make_design(plan);
  const int64_t n = std::min<int64_t>(design.points, kMaxCheckedPoints);
  std::set<std::string> reported;  // each message once
  auto report = [&](const sd::FieldPath& at, const std::string& message) {
    if (reported.insert(sd::path_string(at) + "\n" + message).second) c.fail(at, message);
  };
  for (int64_t p = 0; p < n; ++p) {
    const Run& run = design.runs[static_cast<size_t>(p * plan.replicates)];
    // the overrides of the point, each with the axis and entry it comes from
    std::vector<std::string> overrides;
    struct Owner {
      size_t axis;
      size_t entry;
    };
    std::vector<Owner> owner;
    std::string combination;
    for (size_t i = 0; i < plan.axes.size(); ++i) {
      const std::vector<std::string> o = axis_overrides(plan.axes[i], run.values[i]);
      for (size_t j = 0; j < o.size(); ++j) {
        overrides.push_back(o[j]);
        owner.push_back({i, j});
      }
      combination += (i ? ", " : "") + plan.axes[i].name + " = " + run.values[i];
    }
    const std::string point = "point " + std::to_string(p) + " (" + combination + ")";
    auto entry_sites = [&](const Owner& o, sd::FieldPath* path_at, sd::FieldPath* value_at) {
      const Axis& a = plan.axes[o.axis];
      const AxisSites& s = sites[o.axis];
      const int level = level_of(a, run.values[o.axis]);
      const sd::FieldPath level_at = level >= 0 && static_cast<size_t>(level) < s.value.size()
                                         ? s.value[static_cast<size_t>(level)]
                                         : (s.value.empty() ? s.axis : s.value.front());
      switch (a.kind) {
        case Axis::Kind::kField:
          *path_at = s.path;
          *value_at = level_at;
          break;
        case Axis::Kind::kTuples:
          *path_at = s.link_path.at(o.entry);
          *value_at = level_at;
          break;
        case Axis::Kind::kDerived: {
          const size_t own = a.path.empty() ? 0 : 1;
          if (o.entry < own) {
            *path_at = s.path;
            *value_at = level_at;
          } else {
            *path_at = s.link_path.at(o.entry - own);
            *value_at = s.link_value.at(o.entry - own);
          }
          break;
        }
        case Axis::Kind::kCases:
          *path_at = *value_at = s.case_set.at(static_cast<size_t>(level)).at(o.entry);
          break;
      }
    };
    try {
      const LoadedScenario loaded =
          load_scenario_text(plan.scenario_path, plan.scenario_text, plan.scenario_json, overrides);
      build_model(loaded);
    } catch (const ScenarioError& e) {
      for (const Diagnostic& d : e.diagnostics()) {
        const std::string field = d.field.empty() ? "" : d.field + ": ";
        int k = -1;
        if (d.file.starts_with("--set[") && d.file.back() == ']') std::from_chars(d.file.data() + 6, d.file.data() + d.file.size() - 1, k);
        if (k >= 0 && static_cast<size_t>(k) < overrides.size()) {
          sd::FieldPath path_at, value_at;
          entry_sites(owner[static_cast<size_t>(k)], &path_at, &value_at);
          const std::string& o = overrides[static_cast<size_t>(k)];
          const std::string path = o.substr(0, o.find('='));
          if (d.column <= static_cast<int>(o.find('='))) {
            report(path_at, field + d.message);  // the path: the same at every point
            continue;
          }
          // the value: with the values of the other axes that set fields of the same message which the
          // problem names (a rule over both: "3 stairwells for 2 households"), so that every bad
          // combination is named
          const size_t axis = owner[static_cast<size_t>(k)].axis;
          const Axis& a = plan.axes[axis];
          std::string note;
          if (a.kind == Axis::Kind::kDerived && (owner[static_cast<size_t>(k)].entry > 0 || a.path.empty()))
            note = a.name + " = " + run.values[axis] + " gives " + o;
          std::vector<size_t> related;
          for (size_t j = 0; j < overrides.size(); ++j) {
            const std::string other = overrides[j].substr(0, overrides[j].find('='));
            if (owner[j].axis != axis && parent_of(other) == parent_of(path) && mentions(d.message, other) &&
                std::find(related.begin(), related.end(), owner[j].axis) == related.end())
              related.push_back(owner[j].axis);
          }
          std::sort(related.begin(), related.end());
          if (!related.empty()) {
            note += std::string(note.empty() ? "" : "; ") + "with";
            for (size_t r = 0; r < related.size(); ++r)
              note += (r ? ", " : " ") + plan.axes[related[r]].name + " = " + run.values[related[r]];
          }
          report(value_at, field + d.message + (note.empty() ? "" : " (" + note + ")"));
          continue;
        }
        // a rule of the scenario that the point's values break together: at the axes that set fields
        // near it (naming their values), else at every axis with more than one level (naming the point)
        std::vector<size_t> blamed;
        for (size_t j = 0; j < overrides.size(); ++j) {
          const std::string path = overrides[j].substr(0, overrides[j].find('='));
          if (near(d.field, path) && std::find(blamed.begin(), blamed.end(), owner[j].axis) == blamed.end())
            blamed.push_back(owner[j].axis);
        }
        std::sort(blamed.begin(), blamed.end());
        std::string with;
        for (size_t i : blamed) with += (with.empty() ? "" : ", ") + plan.axes[i].name + " = " + run.values[i];
        if (blamed.empty()) {
          with = point;
          for (size_t i = 0; i < plan.axes.size(); ++i)
            if (plan.axes[i].sampled || plan.axes[i].values.size() > 1) blamed.push_back(i);
          if (blamed.empty() && !plan.axes.empty()) blamed.push_back(0);
        }
        for (size_t i : blamed) report(sites[i].axis, "with " + with + " the scenario is invalid: " + d.format());
      }
    } catch (const UsageError& e) {
      report(sites.empty() ? sd::FieldPath{} : sites.front().axis, std::string("at ") + point + ": " + e.what());
    }
  }
}

}  // namespace courtyard::sweep::spec_detail
