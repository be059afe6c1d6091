// JSON scenarios: a small schema-aware JSON reader that records where each key was written, then
// protobuf's own JSON parser for the conversion.
//
// Why our own reader first: util::JsonStringToMessage reports only its first error, without a line
// or column, and accepts some malformed input (a trailing comma, an object where a list belongs).
// Reading the document ourselves gives FILE:LINE:COL for syntax errors, for every unknown key and
// for values of the wrong shape, and a key index so that later (semantic) errors are located too.
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>

#include <google/protobuf/util/json_util.h>

#include "scenario/detail.h"

namespace courtyard::scenario_detail {

namespace {

class JsonIndexer {
 public:
  JsonIndexer(const std::string& file, const std::string& text, std::vector<Diagnostic>* errors)
      : file_(file), text_(text), errors_(errors) {}

  std::map<std::string, std::pair<int, int>> run(const pb::Descriptor* root) {
    try {
      if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;  // a UTF-8 byte-order mark
      skip_space();
      if (pos_ >= text_.size()) syntax("empty file: expected a JSON object");
      value("", nullptr, false, root);
      skip_space();
      if (pos_ < text_.size()) syntax("unexpected text after the end of the JSON object");
    } catch (const SyntaxError&) {
      // reported; a syntax error ends the reading
    }
    return std::move(positions_);
  }

 private:
  struct SyntaxError {};
  enum class Kind { kObject, kArray, kString, kNumber, kBool, kNull };

  // ---- characters ----
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void advance() {
    const unsigned char c = static_cast<unsigned char>(text_[pos_++]);
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((c & 0xC0) != 0x80) {  // one column per character, not per UTF-8 byte
      ++column_;
    }
  }
  void skip_space() {
    while (pos_ < text_.size() && (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n')) advance();
  }
  void expect(char c, const char* what) {
    if (peek() != c) syntax(std::string("expected ") + what);
    advance();
  }
  [[noreturn]] void syntax(const std::string& message) {
    const std::string found = pos_ < text_.size() ? describe_char(peek()) : "the end of the file";
    errors_->push_back(make_diagnostic({file_, line_, column_}, "", message + ", found " + found));
    throw SyntaxError{};
  }
  static std::string describe_char(char c) {
    if (static_cast<unsigned char>(c) < 0x20) return "a control character";
    return std::string("'") + c + "'";
  }
  void problem(int line, int column, const std::string& field, const std::string& message) {
    errors_->push_back(make_diagnostic({file_, line, column}, field, message));
  }

  // ---- values ----

  // What the schema wants at a position: a message (object), a list (array) or a scalar.
  static std::string wanted(const pb::FieldDescriptor* field, bool element, const pb::Descriptor* message) {
    if (message) return "an object (" + message->name() + ")";
    if (field->is_repeated() && !element) return "a list";
    switch (field->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_BOOL: return "true or false";
      case pb::FieldDescriptor::CPPTYPE_STRING: return "a string";
      case pb::FieldDescriptor::CPPTYPE_ENUM: return "a name of " + field->enum_type()->name();
      default: return "a number";
    }
  }
  static bool fits(Kind kind, const pb::FieldDescriptor* field, bool element, const pb::Descriptor* message) {
    if (kind == Kind::kNull) return !element;  // null: unset (not allowed inside a list)
    if (message) return kind == Kind::kObject;
    if (field->is_repeated() && !element) return kind == Kind::kArray;
    switch (field->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_BOOL: return kind == Kind::kBool;
      case pb::FieldDescriptor::CPPTYPE_STRING: return kind == Kind::kString;
      case pb::FieldDescriptor::CPPTYPE_MESSAGE: return kind == Kind::kObject;
      default: return kind == Kind::kString || kind == Kind::kNumber;  // numbers and enums
    }
  }
  static const char* kind_name(Kind kind) {
    switch (kind) {
      case Kind::kObject: return "an object";
      case Kind::kArray: return "a list";
      case Kind::kString: return "a string";
      case Kind::kNumber: return "a number";
      case Kind::kBool: return "true/false";
      case Kind::kNull: return "null";
    }
    return "a value";
  }

  // One value at `path`. `field` is null where the schema is unknown (an unknown key's value):
  // then only the syntax is read. `message` is the type an object here must have.
  void value(const std::string& path, const pb::FieldDescriptor* field, bool element,
             const pb::Descriptor* message) {
    skip_space();
    // nesting is limited before parsing too; the indexer keeps its own cap (it recurses)
    struct Depth {
      int& d;
      explicit Depth(int& depth) : d(depth) { ++d; }
      ~Depth() { --d; }
    } depth(depth_);
    if (depth_ > kMaxNesting)
      syntax("nested more than " + std::to_string(kMaxNesting) + " levels deep, the limit (docs/scenario-format.md, \"Limits\")");
    const int line = line_, column = column_;
    Kind kind;
    switch (peek()) {
      case '{': kind = Kind::kObject; break;
      case '[': kind = Kind::kArray; break;
      case '"': kind = Kind::kString; break;
      case 't': case 'f': kind = Kind::kBool; break;
      case 'n': kind = Kind::kNull; break;
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) {
          kind = Kind::kNumber;
          break;
        }
        syntax("expected a value");
    }
    // the shape the schema wants; on a mismatch read on without the schema (no cascade)
    const bool known = field != nullptr || message != nullptr;
    if (known && !fits(kind, field, element, message)) {
      problem(line, column, path, "expected " + wanted(field, element, message) + ", got " + kind_name(kind));
      field = nullptr;
      message = nullptr;
    }
    switch (kind) {
      case Kind::kObject: object(path, message); break;
      case Kind::kArray: array(path, field); break;
      case Kind::kString: {
        const std::string s = string();
        if (const size_t bad = invalid_utf8_at(s); bad != std::string_view::npos)
          problem(line, column, path, "not valid UTF-8 (byte " + std::to_string(bad + 1) + " of " +
                                          std::to_string(s.size()) + "): " + kUtf8Advice);
        else if (field && field->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM && !field->enum_type()->FindValueByName(s))
          problem(line, column, path, "unknown " + field->enum_type()->name() + " \"" + clip(s) + "\"");
        break;
      }
      case Kind::kNumber: {
        const size_t start = pos_;
        number();
        // an enum by number: protobuf's JSON parser would take an unknown number as the default
        if (field && field->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM) {
          const std::string digits = text_.substr(start, pos_ - start);
          const double x = std::strtod(digits.c_str(), nullptr);
          const pb::EnumValueDescriptor* v =
              x == std::floor(x) && std::fabs(x) <= 2147483647.0 ? field->enum_type()->FindValueByNumber(static_cast<int>(x))
                                                                : nullptr;
          if (!v)
            problem(line, column, path, "unknown " + field->enum_type()->name() + " number " + clip(digits));
        }
        break;
      }
      case Kind::kBool: literal(peek() == 't' ? "true" : "false"); break;
      case Kind::kNull: literal("null"); break;
    }
  }

  void object(const std::string& path, const pb::Descriptor* type) {
    expect('{', "'{'");
    skip_space();
    if (peek() == '}') {
      advance();
      return;
    }
    std::set<const pb::FieldDescriptor*> seen;
    std::map<const pb::OneofDescriptor*, const pb::FieldDescriptor*> oneof_members;
    for (;;) {
      skip_space();
      if (peek() != '"') syntax("expected a field name in double quotes");
      const int line = line_, column = column_;
      const std::string key = string();
      skip_space();
      expect(':', "':' after the field name");
      // the field: its proto name or its lowerCamelCase JSON name
      const pb::FieldDescriptor* f = nullptr;
      std::string child;
      if (type) {
        f = type->FindFieldByName(key);
        if (!f) f = type->FindFieldByCamelcaseName(key);
        child = (path.empty() ? "" : path + ".") + (f ? f->name() : key);
        if (!f && (type->IsReservedName(key) || type->IsReservedName(snake_case(key)))) {
          problem(line, column, child, retired_message(type, key));
        } else if (!f) {
          problem(line, column, child, "unknown field \"" + clip(key) + "\" in " + type->name() + did_you_mean(type, key));
        } else if (!seen.insert(f).second) {
          problem(line, column, child, "written twice");
        } else if (const pb::OneofDescriptor* oneof = f->containing_oneof()) {
          auto [it, fresh] = oneof_members.emplace(oneof, f);
          if (!fresh)
            problem(line, column, child,
                    "only one of " + oneof_list(oneof) + " may be set (\"" + it->second->name() + "\" is set too)");
        }
        if (f) positions_.emplace(child, std::make_pair(line, column));
      }
      value(child, f, false, f && !f->is_repeated() ? f->message_type() : nullptr);
      skip_space();
      if (peek() == ',') {
        advance();
        continue;
      }
      expect('}', "',' or '}'");
      return;
    }
  }

  // lowerCamelCase to the proto name: fooBar -> foo_bar
  static std::string snake_case(const std::string& key) {
    std::string out;
    for (const char ch : key) {
      if (ch >= 'A' && ch <= 'Z') {
        out += '_';
        out += static_cast<char>(ch - 'A' + 'a');
      } else {
        out += ch;
      }
    }
    return out;
  }

  static std::string oneof_list(const pb::OneofDescriptor* oneof) {
    std::string out;
    for (int i = 0; i < oneof->field_count(); ++i)
      out += (i == 0 ? "" : i + 1 == oneof->field_count() ? " or " : ", ") + oneof->field(i)->name();
    return out;
  }

  void array(const std::string& path, const pb::FieldDescriptor* field) {
    expect('[', "'['");
    skip_space();
    if (peek() == ']') {
      advance();
      return;
    }
    for (int i = 0;; ++i) {
      skip_space();
      std::string child;
      if (field) {
        child = path + "[" + std::to_string(i) + "]";
        positions_.emplace(child, std::make_pair(line_, column_));
      }
      value(child, field, true, field ? field->message_type() : nullptr);
      skip_space();
      if (peek() == ',') {
        advance();
        continue;
      }
      expect(']', "',' or ']'");
      return;
    }
  }

  // A string's content (escapes decoded; \u escapes kept only when ASCII).
  std::string string() {
    expect('"', "'\"'");
    std::string out;
    for (;;) {
      if (pos_ >= text_.size()) syntax("unterminated string");
      const char c = peek();
      if (static_cast<unsigned char>(c) < 0x20) syntax("unescaped control character in a string");
      if (c == '"') {
        advance();
        return out;
      }
      if (c != '\\') {
        out += c;
        advance();
        continue;
      }
      advance();
      const char e = peek();
      static const std::string kSimple = "\"\\/bfnrt", kDecoded = "\"\\/\b\f\n\r\t";
      if (const size_t k = kSimple.find(e); e != '\0' && k != std::string::npos) {
        out += kDecoded[k];
        advance();
      } else if (e == 'u') {
        advance();
        unsigned code = 0;
        for (int i = 0; i < 4; ++i) {
          const char h = peek();
          if (!std::isxdigit(static_cast<unsigned char>(h))) syntax("expected four hex digits after \\u");
          code = code * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (h | 0x20) - 'a' + 10);
          advance();
        }
        out += code < 0x80 ? static_cast<char>(code) : '?';
      } else {
        syntax("unknown escape in a string");
      }
    }
  }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  void number() {
    auto digits = [&] {
      if (!std::isdigit(static_cast<unsigned char>(peek()))) syntax("malformed number: expected a digit");
      while (std::isdigit(static_cast<unsigned char>(peek()))) advance();
    };
    if (peek() == '-') advance();
    if (peek() == '0') {
      advance();
    } else {
      digits();
    }
    if (peek() == '.') {
      advance();
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      advance();
      if (peek() == '+' || peek() == '-') advance();
      digits();
    }
  }

  void literal(const char* word) {
    for (const char* p = word; *p; ++p) {
      if (peek() != *p) syntax(std::string("expected ") + word);
      advance();
    }
  }

  const std::string& file_;
  const std::string& text_;
  std::vector<Diagnostic>* errors_;
  size_t pos_ = 0;
  int line_ = 1, column_ = 1;
  int depth_ = 0;
  std::map<std::string, std::pair<int, int>> positions_;
};

}  // namespace

std::map<std::string, std::pair<int, int>> index_json(const std::string& file, const std::string& text,
                                                      const pb::Descriptor* root,
                                                      std::vector<Diagnostic>* errors) {
  return JsonIndexer(file, text, errors).run(root);
}

Parsed parse_json(const std::string& file, const std::string& raw) {
  Parsed out;
  out.errors = check_input_limits(file, raw, true);
  if (!out.errors.empty()) {
    out.locator = std::make_unique<FileOnlyLocator>(file);
    return out;
  }
  // protobuf's JSON parser does not take a byte-order mark
  const std::string text(strip_bom(raw));
  auto positions = index_json(file, text, courtyard::v1::Scenario::descriptor(), &out.errors);
  auto locator = std::make_unique<PathMapLocator>(file, std::move(positions));
  if (out.errors.empty()) {
    // the conversion itself (integer ranges and the like): one error, located by its path
    pb::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto status = pb::util::JsonStringToMessage(text, &out.spec, options);
    if (!status.ok()) {
      const std::string message(status.message());
      // "(path): what" or "(path) what": taken apart by hand (std::regex recurses per character)
      std::string path, what = message;
      if (!message.empty() && message[0] == '(') {
        if (const size_t close = message.find(')'); close != std::string::npos) {
          path = message.substr(1, close - 1);
          size_t rest = close + 1;
          if (rest < message.size() && message[rest] == ':') ++rest;
          while (rest < message.size() && std::isspace(static_cast<unsigned char>(message[rest]))) ++rest;
          what = message.substr(rest);
        }
      }
      // the path as the protobuf library prints it: look its longest known prefix up
      SourceLoc loc{file, 1, 1};  // a path not found (or none): the start of the document
      for (std::string p = path; !p.empty();) {
        if (auto it = locator->positions().find(p); it != locator->positions().end()) {
          loc = {file, it->second.first, it->second.second};
          break;
        }
        const size_t cut = p.find_last_of(".[");
        p = cut == std::string::npos ? "" : p.substr(0, cut);
      }
      out.errors.push_back(make_diagnostic(loc, path, what));
    }
  }
  out.locator = std::move(locator);
  return out;
}

}  // namespace courtyard::scenario_detail
