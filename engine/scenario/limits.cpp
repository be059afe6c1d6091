// Input limits checked before parsing, and the retired (reserved) field names of text format.
//
// Both are hand-written scanners over the raw text: no recursion, no std::regex (whose matcher
// recurses per character and overflows the stack on a long line), memory independent of the input.
#include <vector>

#include "scenario/detail.h"

namespace courtyard::scenario_detail {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// A position in the text: byte offset, 1-based line and character column.
struct Cursor {
  std::string_view text;
  size_t pos = 0;
  int line = 1, column = 1;

  bool done() const { return pos >= text.size(); }
  char peek(size_t ahead = 0) const { return pos + ahead < text.size() ? text[pos + ahead] : '\0'; }
  void advance() {
    const char c = text[pos++];
    if (c == '\n') {
      ++line;
      column = 1;
    } else if (!continuation(c)) {
      ++column;
    }
  }
};

std::string kib(size_t bytes) { return std::to_string(bytes >> 10) + " KiB"; }

}  // namespace

std::string_view strip_bom(std::string_view text) {
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  return text;
}

std::string clip(std::string_view s) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (continuation(s[i])) continue;
    if (chars++ == kMaxEchoChars) return std::string(s.substr(0, i)) + "…";
  }
  return std::string(s);
}

std::vector<Diagnostic> check_file_size(const std::string& file, uintmax_t bytes) {
  if (bytes <= kMaxFileBytes) return {};
  return {make_diagnostic({file, 1, 1}, "",
                          "the file is " + std::to_string(bytes >> 20) + " MiB, more than the limit of " +
                              std::to_string(kMaxFileBytes >> 20) + " MiB (docs/scenario-format.md, \"Limits\")")};
}

std::vector<Diagnostic> check_input_limits(const std::string& file, std::string_view text, bool json) {
  if (auto size = check_file_size(file, text.size()); !size.empty()) return size;
  std::vector<Diagnostic> out;
  // line length: the first line past the limit, at the column where it is passed
  {
    size_t start = 0;
    int line = 1;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      if (end - start > kMaxLineBytes) {
        int column = 1;
        for (size_t i = start; i < start + kMaxLineBytes; ++i)
          if (!continuation(text[i])) ++column;
        out.push_back(make_diagnostic({file, line, column}, "",
                                      "line " + std::to_string(line) + " is " + std::to_string(end - start) +
                                          " bytes long, more than the limit of " + kib(kMaxLineBytes) +
                                          " (docs/scenario-format.md, \"Limits\")"));
        break;
      }
      start = end + 1;
      ++line;
    }
  }
  // nesting: brackets outside strings (and, in text format, outside comments)
  Cursor c{strip_bom(text)};
  int depth = 0;
  while (!c.done()) {
    const char ch = c.peek();
    if (ch == '"' || (!json && ch == '\'')) {  // a string: to its closing quote, or the end of the line
      c.advance();
      while (!c.done() && c.peek() != ch && c.peek() != '\n') {
        if (c.peek() == '\\' && c.pos + 1 < c.text.size() && c.text[c.pos + 1] != '\n') c.advance();
        c.advance();
      }
      if (!c.done() && c.peek() == ch) c.advance();
      continue;
    }
    if (!json && ch == '#') {
      while (!c.done() && c.peek() != '\n') c.advance();
      continue;
    }
    if (ch == '{' || ch == '[' || (!json && ch == '<')) {
      if (++depth > kMaxNesting) {
        out.push_back(make_diagnostic({file, c.line, c.column}, "",
                                      "nested more than " + std::to_string(kMaxNesting) +
                                          " levels deep, the limit (docs/scenario-format.md, \"Limits\")"));
        break;
      }
    } else if (ch == '}' || ch == ']' || (!json && ch == '>')) {
      if (depth > 0) --depth;
    }
    c.advance();
  }
  return out;
}

std::string retired_message(const pb::Descriptor* type, std::string_view name) {
  return "field \"" + clip(name) + "\" of " + type->name() +
         " is retired (a reserved name of the schema) and has no effect: remove it (docs/scenario-format.md)";
}

namespace {

// Tokens of protobuf text format, enough to follow field names through nested messages.
struct Token {
  enum Kind { kEnd, kIdent, kString, kNumber, kSymbol } kind = kEnd;
  std::string_view text;
  int line = 0, column = 0;
};

class TextTokens {
 public:
  explicit TextTokens(std::string_view text) : c_{text} { next_ = scan(); }
  const Token& peek() const { return next_; }
  Token take() {
    Token t = next_;
    next_ = scan();
    return t;
  }

 private:
  static bool ident_start(char ch) { return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }
  static bool digit(char ch) { return ch >= '0' && ch <= '9'; }

  Token scan() {
    for (;;) {
      while (!c_.done() && (c_.peek() == ' ' || c_.peek() == '\t' || c_.peek() == '\r' || c_.peek() == '\n' ||
                            c_.peek() == '\f' || c_.peek() == '\v'))
        c_.advance();
      if (c_.done()) return {};
      if (c_.peek() != '#') break;
      while (!c_.done() && c_.peek() != '\n') c_.advance();
    }
    Token t;
    t.line = c_.line;
    t.column = c_.column;
    const size_t start = c_.pos;
    const char ch = c_.peek();
    if (ident_start(ch)) {
      t.kind = Token::kIdent;
      while (!c_.done() && (ident_start(c_.peek()) || digit(c_.peek()))) c_.advance();
    } else if (digit(ch) || (ch == '.' && digit(c_.peek(1)))) {
      t.kind = Token::kNumber;
      while (!c_.done()) {
        const char d = c_.peek();
        const char prev = c_.pos > start ? c_.text[c_.pos - 1] : '\0';
        if (ident_start(d) || digit(d) || d == '.' || ((d == '+' || d == '-') && (prev == 'e' || prev == 'E')))
          c_.advance();
        else
          break;
      }
    } else if (ch == '"' || ch == '\'') {
      t.kind = Token::kString;
      c_.advance();
      while (!c_.done() && c_.peek() != ch && c_.peek() != '\n') {
        if (c_.peek() == '\\' && c_.peek(1) != '\n' && c_.pos + 1 < c_.text.size()) c_.advance();
        c_.advance();
      }
      if (!c_.done() && c_.peek() == ch) c_.advance();
    } else {
      t.kind = Token::kSymbol;
      c_.advance();
      while (!c_.done() && continuation(c_.peek())) c_.advance();  // one whole (stray) character
    }
    t.text = c_.text.substr(start, c_.pos - start);
    return t;
  }

  Cursor c_;
  Token next_;
};

bool is(const Token& t, char symbol) {
  return t.kind == Token::kSymbol && t.text.size() == 1 && t.text[0] == symbol;
}

}  // namespace

std::vector<Diagnostic> find_retired_text_fields(const std::string& file, std::string_view text,
                                                 const pb::Descriptor* root) {
  std::vector<Diagnostic> out;
  struct Frame {
    const pb::Descriptor* type;  // the message here; null: unknown (inside an unknown field)
    bool list;                   // inside [ ]: elements of type `type` (null: scalars or unknown)
  };
  std::vector<Frame> stack{{root, false}};  // explicit stack: no recursion
  TextTokens tokens(strip_bom(text));
  // a value after a field name (and its ':'): a message, a list or a scalar
  auto value = [&](const pb::FieldDescriptor* field) {
    const pb::Descriptor* type = field ? field->message_type() : nullptr;
    const Token& t = tokens.peek();
    if (is(t, '{') || is(t, '<')) {
      tokens.take();
      stack.push_back({type, false});
    } else if (is(t, '[')) {
      tokens.take();
      stack.push_back({type, true});
    } else if (t.kind == Token::kString) {
      while (tokens.peek().kind == Token::kString) tokens.take();  // "a" "b": one string
    } else if (is(t, '-')) {
      tokens.take();
      if (tokens.peek().kind != Token::kEnd) tokens.take();
    } else if (t.kind != Token::kEnd) {
      tokens.take();
    }
  };
  while (tokens.peek().kind != Token::kEnd) {
    const Frame frame = stack.back();
    const Token t = tokens.take();
    if (frame.list) {
      if (is(t, ']')) {
        stack.pop_back();
      } else if (is(t, '{') || is(t, '<')) {
        stack.push_back({frame.type, false});
      }  // scalars and commas: nothing to follow
      continue;
    }
    if (is(t, '}') || is(t, '>')) {
      if (stack.size() > 1) stack.pop_back();
      continue;
    }
    const pb::FieldDescriptor* field = nullptr;
    if (t.kind == Token::kIdent) {
      if (frame.type) {
        const std::string name(t.text);
        field = frame.type->FindFieldByName(name);
        if (!field && frame.type->IsReservedName(name))
          out.push_back(make_diagnostic({file, t.line, t.column}, "", retired_message(frame.type, name)));
      }
    } else if (is(t, '[')) {  // [extension.name] or [type.url/Type]: skip the name
      while (tokens.peek().kind != Token::kEnd && !is(tokens.peek(), ']')) tokens.take();
      if (is(tokens.peek(), ']')) tokens.take();
    } else {
      continue;  // ',' ';' or something the parser reports
    }
    if (is(tokens.peek(), ':')) {
      tokens.take();
      value(field);
    } else if (is(tokens.peek(), '{') || is(tokens.peek(), '<')) {
      value(field);
    }
  }
  return out;
}

}  // namespace courtyard::scenario_detail
