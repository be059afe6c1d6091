# engine/version.cpp: the engine version and the git commit, refreshed on every build (only rewritten
# when the commit changes, so nothing rebuilds needlessly).
set(COURTYARD_VERSION_CPP ${CMAKE_BINARY_DIR}/generated/version.cpp)
add_custom_target(courtyard_version_file
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUTPUT=${COURTYARD_VERSION_CPP}
          -DVERSION=${PROJECT_VERSION} -P ${CMAKE_SOURCE_DIR}/cmake/WriteVersion.cmake
  BYPRODUCTS ${COURTYARD_VERSION_CPP}
  COMMENT "Recording the git commit")
