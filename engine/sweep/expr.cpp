// Link expressions (expr.h): a recursive-descent parser to postfix code, and a stack evaluator.
#include "sweep/expr.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace courtyard::sweep {

namespace {

struct ParseError {
  std::string message;
  size_t at;
};

}  // namespace

bool Expression::parse(const std::string& source, const std::string& variable, std::string* error, int* column) {
  // "−" (U+2212, as people write a minus) reads as '-'; columns count characters of the original
  std::string text;
  std::vector<size_t> origin;  // byte in `source` of each byte of `text`
  for (size_t i = 0; i < source.size(); ++i) {
    if (source.compare(i, 3, "\xE2\x88\x92") == 0) {
      text += '-';
      origin.push_back(i);
      i += 2;
    } else {
      text += source[i];
      origin.push_back(i);
    }
  }
  origin.push_back(source.size());
  code_.clear();
  size_t pos = 0;
  auto skip = [&] {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  };
  auto fail = [&](const std::string& message) { throw ParseError{message, pos}; };
  // the parser as three mutually recursive lambdas through std::function-free recursion
  struct P {
    std::string& text;
    size_t& pos;
    std::vector<Instr>& code;
    const std::string& variable;
    decltype(skip)& skip_ws;
    decltype(fail)& fail_at;
    int depth = 0;
    void expr() {
      if (++depth > 64) fail_at("the expression is nested too deeply");
      term();
      for (;;) {
        skip_ws();
        if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
          const char op = text[pos++];
          term();
          code.push_back({op == '+' ? Op::kAdd : Op::kSub});
        } else {
          break;
        }
      }
      --depth;
    }
    void term() {
      factor();
      for (;;) {
        skip_ws();
        if (pos < text.size() && (text[pos] == '*' || text[pos] == '/')) {
          const char op = text[pos++];
          factor();
          code.push_back({op == '*' ? Op::kMul : Op::kDiv});
        } else {
          break;
        }
      }
    }
    void factor() {
      if (++depth > 64) fail_at("the expression is nested too deeply");
      skip_ws();
      if (pos >= text.size()) fail_at("expected a number, " + variable + " or '(' at the end");
      const char c = text[pos];
      if (c == '-' || c == '+') {
        ++pos;
        factor();
        if (c == '-') code.push_back({Op::kNeg});
      } else if (c == '(') {
        ++pos;
        expr();
        skip_ws();
        if (pos >= text.size() || text[pos] != ')') fail_at("expected ')'");
        ++pos;
      } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
        double x = 0;
        const auto r = std::from_chars(text.data() + pos, text.data() + text.size(), x);
        if (r.ec != std::errc() || !std::isfinite(x)) fail_at("cannot read a number here");
        pos = static_cast<size_t>(r.ptr - text.data());
        code.push_back({Op::kNumber, x});
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        const size_t start = pos;
        while (pos < text.size() && (std::isalnum(static_cast<unsigned char>(text[pos])) || text[pos] == '_')) ++pos;
        const std::string name = text.substr(start, pos - start);
        if (name == variable) {
          code.push_back({Op::kVariable});
        } else if (name == "min" || name == "max") {
          skip_ws();
          if (pos >= text.size() || text[pos] != '(') fail_at("expected '(' after " + name);
          ++pos;
          expr();
          skip_ws();
          if (pos >= text.size() || text[pos] != ',') fail_at(name + " takes two arguments: expected ','");
          ++pos;
          expr();
          skip_ws();
          if (pos >= text.size() || text[pos] != ')') fail_at("expected ')'");
          ++pos;
          code.push_back({name == "min" ? Op::kMin : Op::kMax});
        } else {
          pos = start;
          fail_at("unknown name \"" + name + "\": an expression knows only the axis's name (" + variable +
                  "), numbers, + - * / ( ), min and max");
        }
      } else {
        fail_at(std::string("unexpected '") + c + "'");
      }
      --depth;
    }
  };
  try {
    P p{text, pos, code_, variable, skip, fail};
    p.expr();
    skip();
    if (pos < text.size()) fail(std::string("unexpected '") + text[pos] + "' after the expression");
  } catch (const ParseError& e) {
    *error = e.message;
    *column = static_cast<int>(origin[std::min(e.at, origin.size() - 1)]) + 1;
    code_.clear();
    return false;
  }
  return true;
}

double Expression::eval(double x) const {
  std::vector<double> stack;
  stack.reserve(code_.size());
  auto pop = [&] {
    const double v = stack.back();
    stack.pop_back();
    return v;
  };
  for (const Instr& in : code_) {
    switch (in.op) {
      case Op::kNumber: stack.push_back(in.number); break;
      case Op::kVariable: stack.push_back(x); break;
      case Op::kNeg: stack.back() = -stack.back(); break;
      default: {
        const double b = pop(), a = pop();
        double r = 0;
        switch (in.op) {
          case Op::kAdd: r = a + b; break;
          case Op::kSub: r = a - b; break;
          case Op::kMul: r = a * b; break;
          case Op::kDiv: r = a / b; break;
          case Op::kMin: r = std::fmin(a, b); break;
          case Op::kMax: r = std::fmax(a, b); break;
          default: break;
        }
        stack.push_back(r);
      }
    }
  }
  return stack.empty() ? std::nan("") : stack.back();
}

std::string link_value_text(double x) {
  char rounded[64];
  std::snprintf(rounded, sizeof rounded, "%.12g", x);
  double y = std::strtod(rounded, nullptr);
  if (y == 0) y = 0;  // no "-0"
  char buf[64];
  if (y == std::trunc(y) && std::fabs(y) < 1e15) {
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(y));
    return std::string(buf, r.ptr);
  }
  const auto r = std::to_chars(buf, buf + sizeof buf, y);
  return std::string(buf, r.ptr);
}

}  // namespace courtyard::sweep
