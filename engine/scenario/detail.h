// Internals of engine/scenario shared by its .cpp files and its tests; not for other subsystems, except
// the field paths, locations and text-format parsing, which sweep files (engine/sweep) reuse so that
// their problems read FILE:LINE:COL: field.path: message like a scenario's.
//
// Locations: every problem is reported against a field path (a list of (field, element index)
// steps, printed as `courtyard_kinds[1].households`). A Locator turns a path into FILE:LINE:COL:
// the text parser's ParseInfoTree, the JSON key index, or a --set override, whichever set it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "core/errors.h"
#include "model/model.h"
#include "courtyard/v1/scenario.pb.h"

namespace courtyard::scenario_detail {

namespace pb = google::protobuf;

// ---- field paths -------------------------------------------------------------------------------

// One step of a field path: a field and, for a repeated field, the element (-1: the whole field).
struct PathStep {
  const pb::FieldDescriptor* field = nullptr;
  int index = -1;
};
using FieldPath = std::vector<PathStep>;

// "courtyard_kinds[1].households" (original proto field names).
std::string path_string(const FieldPath& path);
// `base` extended by the field `name` of the message type `base` ends in (Scenario when empty).
// Throws std::logic_error for a name the schema lacks (a programming error, not an input error).
FieldPath at(const FieldPath& base, std::string_view name, int index = -1);
// The same for a path into any message type: `root` is the type of the path's first field.
FieldPath at(const pb::Descriptor* root, const FieldPath& base, std::string_view name, int index = -1);

// ---- locations ---------------------------------------------------------------------------------

struct SourceLoc {
  std::string file;
  int line = 0;    // from 1; 0: unknown
  int column = 0;  // from 1; 0: unknown
};

Diagnostic make_diagnostic(const SourceLoc& loc, std::string field, std::string message);

// Where a field path was written. Falls back to the nearest written ancestor for a field that
// was not written (it took its default), and to the bare file name when nothing is known.
class Locator {
 public:
  virtual ~Locator() = default;
  virtual SourceLoc locate(const FieldPath& path) const = 0;
};

// A file that records no positions (or positions are unknown): FILE only.
class FileOnlyLocator : public Locator {
 public:
  explicit FileOnlyLocator(std::string file) : file_(std::move(file)) {}
  SourceLoc locate(const FieldPath&) const override { return {file_, 0, 0}; }

 private:
  std::string file_;
};

// Positions keyed by path string, with ancestor fallback (used for JSON).
class PathMapLocator : public Locator {
 public:
  PathMapLocator(std::string file, std::map<std::string, std::pair<int, int>> positions)
      : file_(std::move(file)), positions_(std::move(positions)) {}
  SourceLoc locate(const FieldPath& path) const override;
  const std::map<std::string, std::pair<int, int>>& positions() const { return positions_; }

 private:
  std::string file_;
  std::map<std::string, std::pair<int, int>> positions_;
};

// A field set by --set[i]: validation problems with it (or inside it) are reported there.
struct OverrideSite {
  std::string path;  // canonical path string
  SourceLoc loc;     // --set[i]:1:COL (the value's column)
};

// Overrides first (the last one to touch a path wins), then the file.
class ScenarioLocator : public Locator {
 public:
  ScenarioLocator(const Locator& file, std::vector<OverrideSite> overrides)
      : file_(file), overrides_(std::move(overrides)) {}
  SourceLoc locate(const FieldPath& path) const override;

 private:
  const Locator& file_;
  std::vector<OverrideSite> overrides_;
};

// ---- parsing -----------------------------------------------------------------------------------

// A parsed file: the message and where each field was written, or every syntax error.
struct Parsed {
  courtyard::v1::Scenario spec;
  std::unique_ptr<Locator> locator;
  std::vector<Diagnostic> errors;  // non-empty: the parse failed
};
Parsed parse_text_format(const std::string& file, const std::string& text);
// A text-format file of any message type (a sweep file), parsed into `message`: where each field was
// written, or every syntax error and unknown field, reported exactly as for scenarios.
struct ParsedText {
  std::unique_ptr<Locator> locator;
  std::vector<Diagnostic> errors;  // non-empty: the parse failed
};
ParsedText parse_text_format_message(const std::string& file, const std::string& text, pb::Message* message);
Parsed parse_json(const std::string& file, const std::string& text);
// Whether load_scenario reads a file as JSON: its first non-blank character is '{', or its name ends in .json.
bool looks_like_json(const std::string& path, const std::string& text);

// Protobuf reports columns with tabs expanded to multiples of 8; the 1-based character column of
// the 0-based expanded column `col` on line `line` (0-based) of `text`.
int character_column(const std::string& text, int line, int col);

// Key positions of a JSON document by field path, checked against the schema: syntax errors
// (parsing stops at the first), unknown keys and values of the wrong shape are appended to `errors`.
std::map<std::string, std::pair<int, int>> index_json(const std::string& file, const std::string& text,
                                                      const pb::Descriptor* root,
                                                      std::vector<Diagnostic>* errors);

// The byte offset of the first malformed UTF-8 sequence in `s` (overlong forms, surrogates and code
// points past U+10FFFF are malformed too), or npos when `s` is valid UTF-8. Every string of a
// scenario must be UTF-8: the output stores names as UTF-8 strings.
size_t invalid_utf8_at(std::string_view s);
inline constexpr const char* kUtf8Advice = "text in a scenario must be UTF-8";

// ---- overrides, defaults, validation ----------------------------------------------------------

// Applies --set[index]; returns where later problems with the field it set are to be reported.
// Throws UsageError (malformed) or ScenarioError (bad path or value).
OverrideSite apply_override_site(courtyard::v1::Scenario* spec, const std::string& assignment, int index);
// The scenario field a --set path ends in ("courtyard_kinds[0].tenure.renter" -> renter), nullptr if the
// path names none; indices are not checked. Sweep axes and calibration parameters name fields this way.
const google::protobuf::FieldDescriptor* override_field(const std::string& path);

// Creates run, run.output, subdistrict, behaviour and its parts, sets every unset field that has a
// schema default (recursively, in present messages only) and adds a "default" community if none.
void fill_defaults(courtyard::v1::Scenario* spec);

// Every problem of an effective scenario (defaults filled), located by `locator`.
std::vector<Diagnostic> validate_scenario(const courtyard::v1::Scenario& spec, const Locator& locator);

// The metric names a scenario may use (output.metrics, intervention conditions).
const std::vector<std::string>& known_metric_names();
bool is_known_metric(std::string_view name);

// "<metric> <op> <number>", op one of < <= > >=.
struct Condition {
  std::string metric;
  char op = '<';  // '<' or '>'
  bool or_equal = false;
  double value = 0;
};
// Parses a targets.condition; on failure returns nullopt and says why in `error`.
std::optional<Condition> parse_condition(const std::string& text, std::string* error);

// Name of the n-th (from 1) generated courtyard of a kind: "<kind>-<n>".
std::string generated_courtyard_name(const std::string& kind, int n);

// " (did you mean \"steps\"?)" when a field of `type` is close to the unknown `name`, else "".
std::string did_you_mean(const pb::Descriptor* type, std::string_view name);
// A number for messages: whole numbers as integers, others to 12 significant digits ("0.5", "1e+300").
std::string format_number(double x);

// A courtyard attribute: the field of that name in Courtyard (a value) and CourtyardKind (a Dist),
// and the range every value of it must lie in.
struct AttributeRule {
  const char* name;
  double lo, hi;
  bool integer;
};
const std::vector<AttributeRule>& courtyard_attributes();

// ---- bounds (docs/scenario-format.md, "Bounds") -------------------------------------------------
// Every number of a scenario has a lower and an upper bound, so that no valid scenario can drive the
// run to infinity or NaN: with these, the largest sum a run can reach (a lump of kMaxYuan every week
// for 50,000 weeks, a fee of kMaxYuanPerHousehold from 20,000 flats for 1,000 years) stays below 1e17,
// far inside a float32 (3.4e38), and no exponential of a log-odds overflows (e^(several x 100)).
inline constexpr double kMaxLogOdds = 100;            // |log-odds weight| (the logistic saturates by 40)
inline constexpr double kMaxRatio = 1000;             // risk ratios, odds multipliers, per-unit effects
inline constexpr double kMaxRate = 100;               // growth factors per year of age
inline constexpr double kMaxNoiseSd = 10;             // sd of a signal on a [0,1] quantity
inline constexpr double kMaxYuanPerHousehold = 1e6;   // yuan per household (a fee, a month's cost, a levy)
inline constexpr double kMaxYuan = 1e12;              // a lump sum, a budget, a fund
inline constexpr double kMaxHours = 1e5;              // person-hours of one act, per week or per household
inline constexpr double kMaxWeeks = 5200;             // 100 years
inline constexpr double kMaxMonths = 1200;            // 100 years
inline constexpr double kMaxYears = 1000;
inline constexpr double kMaxAreaM2 = 1e4;             // a flat's floor area

// The valid range [lo, hi] of a behavioural parameter (probabilities and shares [0, 1], log-odds
// weights [-kMaxLogOdds, kMaxLogOdds], amounts [0, their kMax...]).
struct ParamRule {
  const char* group;  // field of Behaviour
  const char* field;  // field of the group's message
  double lo, hi;
};
const std::vector<ParamRule>& behaviour_rules();

// ---- packages (package.cpp) --------------------------------------------------------------------
// A package's month length and months: bounded so that months x weeks_per_month stays far from int32_t.
inline constexpr double kMaxWeeksPerMonth = 10000;
inline constexpr double kMaxPackageMonths = 100000;
// The components of `pkg` its `without` leaves out (with those needing them), in the case's order.
std::vector<std::string> package_left_out(const courtyard::v1::Package& pkg);
// The pilot's package in the case's order, from the 1-2-3-4 shorthand.
courtyard::v1::Package case_package(const courtyard::v1::OneTwoThreeFour& legacy);
// Problems of a package at `path` (an intervention's `package`): ranges, names in `without`, and a
// component that needs one the package lacks.
std::vector<Diagnostic> validate_package(const courtyard::v1::Package& pkg, const FieldPath& path, const Locator& locator);
// The hours a plain (non-package) intervention takes, by its type (docs/ODD.md 7.19.4): the staff
// hours, and a meeting's volunteers; its yuan stay its cost_yuan.
void set_plain_act_hours(InterventionSpec& iv, const Params& params);
// One intervention per component, from `base` (the package's start, targets and condition); the first
// gets index `first_index` in the model. `legacy_payer`: hardware works take base's payer unless set.
std::vector<InterventionSpec> expand_package(const courtyard::v1::Package& pkg, const InterventionSpec& base,
                                             const Params& params, bool legacy_payer, int32_t steps,
                                             int32_t first_index);

}  // namespace courtyard::scenario_detail

namespace courtyard::scenario_detail {

// ---- input limits (docs/scenario-format.md, "Limits") -------------------------------------------

// Checked before any parser sees the text, so that no input can exhaust the stack (protobuf's text
// parser skips unknown fields recursively) or the memory: the largest real scenario is a few hundred
// KB, nests 6 levels deep and has no line past 300 bytes.
inline constexpr size_t kMaxFileBytes = size_t{64} << 20;  // 64 MiB
inline constexpr size_t kMaxLineBytes = size_t{64} << 10;  // 64 KiB
inline constexpr int kMaxNesting = 64;                     // levels of { } / < > / [ ]
// Resource limits, validation rules (docs/scenario-format.md, "Resource limits").
inline constexpr int64_t kMaxHouseholds = 200'000'000;        // ~40 bytes of state each: 8 GB
inline constexpr int64_t kMaxCourtyards = 10'000'000;
inline constexpr int64_t kMaxBlockBytes = int64_t{1} << 30;   // the output's buffer of one block: 1 GiB
// Names and values echoed in messages are cut to this many characters, then "…".
inline constexpr size_t kMaxEchoChars = 80;

// `text` without a leading UTF-8 byte-order mark.
std::string_view strip_bom(std::string_view text);
// Whether `file` (its size on disk) is past kMaxFileBytes: the diagnostic, or nothing.
std::vector<Diagnostic> check_file_size(const std::string& file, uintmax_t bytes);
// The file size, line length and nesting limits, checked without parsing (strings and comments of
// text format, strings of JSON, are skipped when counting brackets). Empty: within the limits.
std::vector<Diagnostic> check_input_limits(const std::string& file, std::string_view text, bool json);
// Fields of text format whose names are retired (`reserved` in the schema): protobuf's text parser skips
// them silently, so a file that still sets one would run with the default. One diagnostic each, at
// FILE:LINE:COL of the name. `root` is the message type of the whole file.
std::vector<Diagnostic> find_retired_text_fields(const std::string& file, std::string_view text,
                                                 const pb::Descriptor* root);
// The message for a retired field name.
std::string retired_message(const pb::Descriptor* type, std::string_view name);
// `s` cut to kMaxEchoChars characters (UTF-8), with "…" when cut.
std::string clip(std::string_view s);

}  // namespace courtyard::scenario_detail
