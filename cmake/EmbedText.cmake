# Script mode: writes OUTPUT, a .cpp whose embedded_default_scenario() returns the text of INPUT.
file(READ ${INPUT} text)
set(delim "courtyard_embed")
file(WRITE ${OUTPUT} "// Generated from ${INPUT} by cmake/EmbedText.cmake.\n#include \"scenario/scenario.h\"\nnamespace courtyard {\nconst std::string& embedded_default_scenario() {\n  static const std::string text = R\"${delim}(${text})${delim}\";\n  return text;\n}\n}  // namespace courtyard\n")
