# Warnings for our own targets: courtyard_warnings(target).
# -ffp-contract=off everywhere: fused multiply-adds would make results depend on the compiler's choices.
add_compile_options(-ffp-contract=off)

function(courtyard_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(COURTYARD_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
