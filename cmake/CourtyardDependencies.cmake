# Every third-party dependency, all from Debian 12 packages (scripts/install-deps.sh installs them).
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(TBB REQUIRED)
find_package(HDF5 REQUIRED COMPONENTS C HL)
find_package(Protobuf REQUIRED)
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)  # the HDF5 writer deflates chunks itself (engine/output/run_file.cpp)

# Random123 is header-only and ships no CMake package.
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
add_library(random123 INTERFACE)
target_include_directories(random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})

add_library(hdf5_deps INTERFACE)
target_include_directories(hdf5_deps SYSTEM INTERFACE ${HDF5_INCLUDE_DIRS})
target_link_libraries(hdf5_deps INTERFACE ${HDF5_HL_LIBRARIES} ${HDF5_C_LIBRARIES})
target_compile_definitions(hdf5_deps INTERFACE ${HDF5_DEFINITIONS})

if(COURTYARD_WITH_MPI)
  find_package(MPI COMPONENTS CXX)
  if(NOT MPI_CXX_FOUND)
    message(STATUS "MPI not found: sweeps run without MPI")
    set(COURTYARD_WITH_MPI OFF)
  endif()
endif()

if(COURTYARD_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(COURTYARD_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()

# Python with h5py, numpy, xarray (Debian's python3 at /usr/bin/python3) for analysis and its tests.
find_program(COURTYARD_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT COURTYARD_PYTHON)
  find_program(COURTYARD_PYTHON NAMES python3 REQUIRED)
endif()
