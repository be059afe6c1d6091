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
// Long text echoed in a message is cut to kKeep characters and "…", so a 1 MB name is not printed
// whole: a quoted string ("...", a name or a value) longer than kLongQuoted characters, and a run
// without spaces or quotes (a token a parser echoes) longer than kLongRun, which no file path
// (PATH_MAX 4096) reaches.
constexpr size_t kKeep = 80, kLongQuoted = 100, kLongRun = 4200;

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// characters (UTF-8) in s[from, to), and the byte offset after the first `keep` of them
size_t count_chars(const std::string& s, size_t from, size_t to, size_t keep, size_t* keep_end) {
  size_t chars = 0;
  *keep_end = to;
  for (size_t i = from; i < to; ++i) {
    if (continuation(s[i])) continue;
    if (chars == keep) *keep_end = i;
    ++chars;
  }
  return chars;
}

std::string clip_long_runs(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t keep_end = 0;
    if (s[i] == '"') {
      if (const size_t close = s.find('"', i + 1); close != std::string::npos) {
        if (count_chars(s, i + 1, close, kKeep, &keep_end) > kLongQuoted) {
          out.append(s, i, keep_end - i);
          out += "\u2026\"";
        } else {
          out.append(s, i, close + 1 - i);
        }
        i = close + 1;
        continue;
      }
    }
    if (s[i] == ' ' || s[i] == '\n' || s[i] == '"') {  // a separator (or an unpaired quote)
      out += s[i++];
      continue;
    }
    size_t end = s.find_first_of(" \n\"", i);
    if (end == std::string::npos) end = s.size();
    if (count_chars(s, i, end, kKeep, &keep_end) > kLongRun) {
      out.append(s, i, keep_end - i);
      out += "\u2026";
    } else {
      out.append(s, i, end - i);
    }
    i = end;
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
