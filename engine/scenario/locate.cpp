// Field paths and their locations in the input (FILE:LINE:COL), shared by parsing, overrides and
// validation.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "scenario/detail.h"

namespace courtyard::scenario_detail {

std::string path_string(const FieldPath& path) {
  std::string out;
  for (const PathStep& step : path) {
    if (!out.empty()) out += '.';
    out += step.field->name();
    if (step.index >= 0) out += "[" + std::to_string(step.index) + "]";
  }
  return out;
}

FieldPath at(const FieldPath& base, std::string_view name, int index) {
  return at(courtyard::v1::Scenario::descriptor(), base, name, index);
}

FieldPath at(const pb::Descriptor* root, const FieldPath& base, std::string_view name, int index) {
  const pb::Descriptor* type = base.empty() ? root : base.back().field->message_type();
  const pb::FieldDescriptor* field = type ? type->FindFieldByName(std::string(name)) : nullptr;
  if (!field) {
    const std::string schema = root == courtyard::v1::Scenario::descriptor() || !root ? "scenario" : root->name();
    throw std::logic_error(schema + " schema has no field " + std::string(name));
  }
  FieldPath out = base;
  out.push_back({field, index});
  return out;
}

Diagnostic make_diagnostic(const SourceLoc& loc, std::string field, std::string message) {
  Diagnostic d;
  d.file = loc.file;
  d.line = loc.line;
  d.column = loc.column;
  d.field = std::move(field);
  d.message = std::move(message);
  return d;
}

SourceLoc PathMapLocator::locate(const FieldPath& path) const {
  // the longest written prefix of the path
  for (size_t n = path.size(); n > 0; --n) {
    FieldPath prefix(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(n));
    auto it = positions_.find(path_string(prefix));
    if (it == positions_.end() && prefix.back().index >= 0) {
      // an element without a position of its own: the field's
      prefix.back().index = -1;
      it = positions_.find(path_string(prefix));
    }
    if (it != positions_.end()) return {file_, it->second.first, it->second.second};
  }
  return {file_, 0, 0};
}

SourceLoc ScenarioLocator::locate(const FieldPath& path) const {
  // a check on a whole singular message (tenure, cooperation) follows an override of a field in it
  const std::string p = path_string(path);
  const bool message_check = !path.empty() && !path.back().field->is_repeated() &&
                             path.back().field->type() == pb::FieldDescriptor::TYPE_MESSAGE;
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
    if (it->path == p) return it->loc;
    if (message_check && it->path.size() > p.size() && it->path.compare(0, p.size(), p) == 0 &&
        it->path[p.size()] == '.')
      return it->loc;
  }
  return file_.locate(path);
}

int character_column(const std::string& text, int line, int col) {
  // find the line's first byte
  size_t pos = 0;
  for (int l = 0; l < line; ++l) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return col + 1;
    ++pos;
  }
  // walk it, expanding tabs the way protobuf's tokenizer does; count characters, not UTF-8 bytes
  int expanded = 0, chars = 0;
  while (pos < text.size() && text[pos] != '\n' && expanded < col) {
    const unsigned char c = static_cast<unsigned char>(text[pos]);
    expanded = c == '\t' ? expanded + 8 - expanded % 8 : expanded + 1;
    if ((c & 0xC0) != 0x80) ++chars;
    ++pos;
  }
  return chars + 1 + std::max(0, col - expanded);
}

namespace {

// Levenshtein distance, for suggestions.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string did_you_mean(const pb::Descriptor* type, std::string_view name) {
  if (!type || name.size() > 200) return "";  // no field name is that long; the distances would cost
  const pb::FieldDescriptor* best = nullptr;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (int i = 0; i < type->field_count(); ++i) {
    const size_t d = edit_distance(name, type->field(i)->name());
    if (d < best_distance) {
      best_distance = d;
      best = type->field(i);
    }
  }
  // close enough: a typo, not a different word
  if (!best || best_distance > std::max<size_t>(2, name.size() / 4)) return "";
  return " (did you mean \"" + best->name() + "\"?)";
}

std::string format_number(double x) {
  // whole numbers as integers (100000, not 1e+05); others to 12 significant digits, so that a sum
  // such as 0.6 + 0.3 + 0.2 reads 1.1, not 1.0999999999999999
  char buf[64];
  if (std::isfinite(x) && x == std::trunc(x) && std::fabs(x) < 1e15) {
    const auto result = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(x));
    return std::string(buf, result.ptr);
  }
  const auto result = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::general, 12);
  return std::string(buf, result.ptr);
}

const std::vector<AttributeRule>& courtyard_attributes() {
  // every amount bounded above too (detail.h, "Bounds")
  static const std::vector<AttributeRule> rules = {
      {"households", 1, 20000, true},  // a random stream holds 2^18 words: ample for 20,000 flats
      {"stairwells", 1, 255, true},    // and at most households; stored in a byte
      {"floors", 1, 60, true},
      {"build_year", 1900, 2100, true},
      {"party_member_share", 0, 1, false},
      {"initial_condition", 0, 1, false},
      {"initial_disorder", 0, 1, false},
      {"fee_per_month", 0, kMaxYuanPerHousehold, false},
      {"initial_fund", 0, kMaxYuan, false},
      {"flat_area_m2", 0, kMaxAreaM2, false},
      {"initial_collection", 0, 1, false},
      {"initial_trust", 0, 1, false},
      {"maintenance_per_household_month", 0, kMaxYuanPerHousehold, false},
      {"running_cost_per_household_month", 0, kMaxYuanPerHousehold, false},
      {"joint_payment_history", 0, 1, false},
  };
  return rules;
}

}  // namespace courtyard::scenario_detail
