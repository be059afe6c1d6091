# Warnings for our own targets: courtyard_warnings(target).
# -ffp-contract=off everywhere: fused multiply-adds would make results depend on the compiler's choices.
add_compile_options(-ffp-contract=off)

function(courtyard_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  # GCC 12 reports false -Wrestrict positives inside std::string at -O2/-O3 (GCC bug 105651)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(COURTYARD_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
