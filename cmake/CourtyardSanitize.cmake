# Sanitizer builds (`make sanitize`, `make tsan`, `make fuzz`; README "Development").
#   -DCOURTYARD_SANITIZE=address,undefined   ASan + UBSan; UB is fatal (-fno-sanitize-recover)
#   -DCOURTYARD_SANITIZE=thread              ThreadSanitizer
#   -DCOURTYARD_FUZZ=ON                      (clang) everything with -fsanitize=fuzzer-no-link,address,undefined;
#                                            builds the libFuzzer targets of tests/fuzz
# Every target of the project gets the flags (add_compile_options before the subdirectories); the
# third-party libraries (oneTBB, HDF5, protobuf, Open MPI) are Debian's, not instrumented.
set(COURTYARD_SANITIZE "" CACHE STRING "Sanitizers for the whole build: address,undefined or thread (empty: none)")
option(COURTYARD_FUZZ "Build the libFuzzer targets (tests/fuzz); needs clang and libclang-rt-14-dev" OFF)

set(courtyard_sanitize_flags "")
if(COURTYARD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "COURTYARD_FUZZ needs clang (CXX=clang++-14 CC=clang-14)")
  endif()
  set(courtyard_sanitize_flags -fsanitize=fuzzer-no-link,address,undefined)
elseif(COURTYARD_SANITIZE)
  set(courtyard_sanitize_flags -fsanitize=${COURTYARD_SANITIZE})
endif()

if(courtyard_sanitize_flags)
  list(APPEND courtyard_sanitize_flags -fno-omit-frame-pointer -g)
  if(COURTYARD_FUZZ OR COURTYARD_SANITIZE MATCHES "undefined")
    # UB fails the test instead of printing and going on; float-divide-by-zero is not part of
    # `undefined` (the model's IEEE arithmetic is allowed to produce inf, caught by its own checks).
    list(APPEND courtyard_sanitize_flags -fno-sanitize-recover=undefined)
  endif()
  message(STATUS "Sanitizer flags: ${courtyard_sanitize_flags}")
  add_compile_options(${courtyard_sanitize_flags})
  add_link_options(${courtyard_sanitize_flags})
endif()
