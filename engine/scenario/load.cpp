// Loading a scenario: read, parse (text format or JSON), apply --set overrides, fill defaults,
// validate. Every problem is collected and thrown together as one ScenarioError.
//
// Why the text parser runs with AllowUnknownField(true): protobuf's parser stops at its first
// error, so a file with three misspelt fields would take three runs to fix. Allowing unknown
// fields turns each into a warning and parsing goes on; we then report every warning as an error,
// so unknown fields stay errors (the file is rejected) but all of them are reported at once.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "core/file_io.h"
#include "scenario/detail.h"
#include "scenario/scenario.h"

namespace courtyard {

using namespace scenario_detail;

namespace scenario_detail {

namespace {

// Locations from the text parser's ParseInfoTree.
class TextLocator : public Locator {
 public:
  TextLocator(std::string file, std::string text, std::unique_ptr<pb::TextFormat::ParseInfoTree> tree)
      : file_(std::move(file)), text_(std::move(text)), tree_(std::move(tree)) {}

  // Walks the tree along the path; the deepest step that was written gives the location.
  SourceLoc locate(const FieldPath& path) const override {
    SourceLoc best{file_, 0, 0};
    const pb::TextFormat::ParseInfoTree* tree = tree_.get();
    for (const PathStep& step : path) {
      if (!tree) break;
      const bool repeated = step.field->is_repeated();
      const int index = repeated ? std::max(step.index, 0) : -1;
      auto loc = tree->GetLocation(step.field, index);
      // list syntax (`metrics: ["a", "b"]`) records only the field's first position
      if (loc.line < 0 && repeated && index > 0) loc = tree->GetLocation(step.field, 0);
      if (loc.line < 0) break;
      best = {file_, loc.line + 1, character_column(text_, loc.line, loc.column)};
      if (step.field->type() != pb::FieldDescriptor::TYPE_MESSAGE || (repeated && step.index < 0)) break;
      tree = tree->GetTreeForNested(step.field, index);
    }
    return best;
  }

 private:
  std::string file_;
  std::string text_;
  std::unique_ptr<pb::TextFormat::ParseInfoTree> tree_;
};

// `message` as PREFIX a MIDDLE b "` with an optional final '.': a and b (no quotes inside them).
bool two_quoted(std::string_view message, std::string_view prefix, std::string_view middle, std::string_view* a,
                std::string_view* b) {
  if (message.substr(0, prefix.size()) != prefix) return false;
  message.remove_prefix(prefix.size());
  const size_t mid = message.find(middle);
  if (mid == std::string_view::npos) return false;
  *a = message.substr(0, mid);
  message.remove_prefix(mid + middle.size());
  if (!message.empty() && message.back() == '.') message.remove_suffix(1);
  if (message.empty() || message.back() != '"') return false;
  message.remove_suffix(1);
  *b = message;
  return a->find('"') == std::string_view::npos && b->find('"') == std::string_view::npos;
}

// Collects the parser's errors and warnings (unknown fields), positions made 1-based.
class CollectingErrors : public pb::io::ErrorCollector {
 public:
  CollectingErrors(const std::string& file, const std::string& text) : file_(file), text_(text) {}

  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    add(line, column, message);
  }
  void AddWarning(int line, pb::io::ColumnNumber column, const std::string& message) override {
    add(line, column, message);
  }
  std::vector<Diagnostic> take() { return std::move(diagnostics_); }

 private:
  void add(int line, int column, const std::string& message) {
    Diagnostic d;
    d.file = file_;
    d.line = line >= 0 ? line + 1 : 0;
    d.column = line >= 0 && column >= 0 ? character_column(text_, line, column) : 0;
    d.message = message;
    // protobuf points at the token after an unknown field's name; point at the name and suggest
    // (the messages are taken apart by hand: std::regex recurses per character of a long name)
    std::string_view type_name, name;
    if (two_quoted(message, "Message type \"", "\" has no field named \"", &type_name, &name)) {
      const std::string field(name);
      const pb::Descriptor* type = pb::DescriptorPool::generated_pool()->FindMessageTypeByName(std::string(type_name));
      const std::string short_name = type ? type->name() : std::string(type_name);
      d.message = "unknown field \"" + clip(field) + "\" in " + short_name + did_you_mean(type, field);
      if (d.line > 0) d.column = name_column(line, column, field, d.column);
    }
    // the same for an unknown enum value: point at the value
    std::string_view value, enum_field;
    if (two_quoted(message, "Unknown enumeration value of \"", "\" for field \"", &value, &enum_field)) {
      d.message = "unknown value \"" + clip(value) + "\" for field \"" + clip(enum_field) + "\"";
      if (d.line > 0) d.column = name_column(line, column, std::string(value), d.column);
    }
    diagnostics_.push_back(std::move(d));
  }

  // 1-based column of the last `name` on 0-based `line` that starts at or before expanded `column`.
  int name_column(int line, int column, const std::string& name, int fallback) const {
    size_t start = 0;
    for (int l = 0; l < line && start != std::string::npos; ++l) {
      start = text_.find('\n', start);
      if (start != std::string::npos) ++start;
    }
    if (start == std::string::npos) return fallback;
    const size_t end = std::min(text_.find('\n', start), text_.size());
    const std::string_view row(text_.data() + start, end - start);
    // byte offset of the reported position, then the name before it
    int expanded = 0;
    size_t offset = 0;
    while (offset < row.size() && expanded < column) {
      expanded = row[offset] == '\t' ? expanded + 8 - expanded % 8 : expanded + 1;
      ++offset;
    }
    const size_t found = row.rfind(name, offset);
    if (found == std::string_view::npos) return fallback;
    int col = 1;
    for (size_t i = 0; i < found; ++i)
      if ((static_cast<unsigned char>(row[i]) & 0xC0) != 0x80) ++col;
    return col;
  }

  std::string file_;
  const std::string& text_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace

ParsedText parse_text_format_message(const std::string& file, const std::string& raw, pb::Message* message) {
  ParsedText out;
  // the limits first: the parser recurses into unknown fields without a depth limit
  out.errors = check_input_limits(file, raw, false);
  if (!out.errors.empty()) {
    out.locator = std::make_unique<FileOnlyLocator>(file);
    return out;
  }
  const std::string text(strip_bom(raw));  // positions as an editor shows them, after the mark
  auto tree = std::make_unique<pb::TextFormat::ParseInfoTree>();
  CollectingErrors errors(file, text);
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(tree.get());
  parser.AllowUnknownField(true);  // see the note at the top: reported, then rejected
  const bool ok = parser.ParseFromString(text, message);
  out.errors = errors.take();
  if (!ok && out.errors.empty()) out.errors.push_back(make_diagnostic({file, 1, 1}, "", "cannot parse"));
  // retired names: the parser skips them without a word
  for (Diagnostic& d : find_retired_text_fields(file, text, message->GetDescriptor())) out.errors.push_back(std::move(d));
  std::stable_sort(out.errors.begin(), out.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::make_pair(a.line, a.column) < std::make_pair(b.line, b.column);
  });
  out.locator = std::make_unique<TextLocator>(file, text, std::move(tree));
  return out;
}

Parsed parse_text_format(const std::string& file, const std::string& text) {
  Parsed out;
  ParsedText parsed = parse_text_format_message(file, text, &out.spec);
  out.errors = std::move(parsed.errors);
  out.locator = std::move(parsed.locator);
  return out;
}

bool looks_like_json(const std::string& path, const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') return true;
  if (first != std::string::npos && text.compare(first, 3, "\xEF\xBB\xBF") == 0) {  // UTF-8 BOM
    const size_t next = text.find_first_not_of(" \t\r\n", first + 3);
    if (next != std::string::npos && text[next] == '{') return true;
  }
  return path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
}

}  // namespace scenario_detail

LoadedScenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw IoError("cannot read scenario " + path + ": is a folder");
  // too large: refused before it is read
  if (const uintmax_t bytes = std::filesystem::file_size(path, ec); !ec) {
    if (auto size = check_file_size(path, bytes); !size.empty()) throw ScenarioError(std::move(size));
  }
  const std::string text = read_whole_file(path, "scenario");
  return load_scenario_text(path, text, looks_like_json(path, text), overrides);
}

LoadedScenario load_scenario_text(const std::string& name, const std::string& text, bool json,
                                  const std::vector<std::string>& overrides) {
  // syntax: every error, then stop (no validation of a half-read file)
  Parsed parsed = json ? parse_json(name, text) : parse_text_format(name, text);
  if (!parsed.errors.empty()) throw ScenarioError(std::move(parsed.errors));

  // a malformed --set is a usage error, whatever else is wrong
  for (size_t i = 0; i < overrides.size(); ++i) {
    const size_t eq = overrides[i].find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--set[" + std::to_string(i) + "]: expected PATH=VALUE, got \"" + overrides[i] + "\"");
  }

  // overrides: every bad one reported
  std::vector<OverrideSite> sites;
  std::vector<Diagnostic> problems;
  for (size_t i = 0; i < overrides.size(); ++i) {
    try {
      sites.push_back(apply_override_site(&parsed.spec, overrides[i], static_cast<int>(i)));
    } catch (const ScenarioError& e) {
      problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
  if (!problems.empty()) throw ScenarioError(std::move(problems));

  fill_defaults(&parsed.spec);
  const ScenarioLocator locator(*parsed.locator, std::move(sites));
  problems = validate_scenario(parsed.spec, locator);
  if (!problems.empty()) throw ScenarioError(std::move(problems));

  LoadedScenario loaded;
  loaded.path = name;
  loaded.spec = std::move(parsed.spec);
  return loaded;
}

}  // namespace courtyard
