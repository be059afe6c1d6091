// Link expressions of linked axes: a small arithmetic language, parsed once, evaluated per design point.
//
//   expr   := term (('+' | '-') term)*
//   term   := factor (('*' | '/') factor)*
//   factor := ('+' | '-') factor | NUMBER | NAME | '(' expr ')' | ('min' | 'max') '(' expr ',' expr ')'
//
// NAME is the axis's own name (its value); "−" (U+2212) reads as '-'. Nothing else: no other names, no
// calls, no code; a parse error says at which character. docs/sweeps.md, "Linked axes and cases".
#pragma once

#include <string>
#include <vector>

namespace courtyard::sweep {

class Expression {
 public:
  // Parses `text` in the variable `variable`. On error returns false with `*error` and the 1-based
  // character `*column` in the text.
  bool parse(const std::string& text, const std::string& variable, std::string* error, int* column);
  // The value at `x` (NaN or infinity for a division by zero: the caller checks).
  double eval(double x) const;

 private:
  enum class Op { kNumber, kVariable, kAdd, kSub, kMul, kDiv, kNeg, kMin, kMax };
  struct Instr {
    Op op;
    double number = 0;
  };
  std::vector<Instr> code_;  // postfix
};

// A computed value as it is applied with --set: rounded to 12 significant digits (so that 0.9 - 0.35
// gives 0.55, not 0.5500000000000000444), then the shortest text that reads back as that double.
std::string link_value_text(double x);

}  // namespace courtyard::sweep
