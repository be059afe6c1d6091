#include "core/errors.h"

namespace courtyard {

std::string Diagnostic::format() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += ": ";
  if (!field.empty()) out += field + ": ";
  out += message;
  return out;
}

namespace {
// Every run of more than kLongRun characters without a space (a name, a value, a token a parser
// echoes) cut to kKeep characters and "…": a 1 MB name is not printed whole.
constexpr size_t kLongRun = 100, kKeep = 80;
std::string clip_long_runs(const std::string& s) {
  std::string out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find_first_of(" \n", start);
    if (end == std::string::npos) end = s.size();
    // keep: the byte offset after kKeep characters (an opening quote not counted)
    const size_t body = s[start] == '"' || s[start] == '\'' ? start + 1 : start;
    size_t chars = 0, keep = end;
    for (size_t i = body; i < end; ++i) {
      if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
      if (chars == kKeep) keep = i;
      ++chars;
    }
    if (chars > kLongRun) {
      out.append(s, start, keep - start);
      out += "\u2026";
      if (s[end - 1] == '"' || s[end - 1] == '\'') out += s[end - 1];  // the closing quote stays
    } else {
      out.append(s, start, end - start);
    }
    if (end < s.size()) out += s[end];
    start = end + 1;
  }
  return out;
}

std::vector<Diagnostic> clipped(std::vector<Diagnostic> ds) {
  for (auto& d : ds) d.message = clip_long_runs(d.message);
  return ds;
}

std::string join(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) {
    if (!out.empty()) out += "\n";
    out += d.format();
  }
  return out;
}
}  // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(clipped(diagnostics))), diagnostics_(clipped(std::move(diagnostics))) {}

}  // namespace courtyard
