# Finds armperf's dependencies (DESIGN §2): all from Debian packages, never downloaded.
# Each becomes an imported target; a missing required one stops configuration with the package name.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

function(armperf_require_pkg target module debian_package)
  pkg_check_modules(${target} REQUIRED IMPORTED_TARGET ${module})
  if(NOT ${target}_FOUND)
    message(FATAL_ERROR "armperf needs ${module}: apt-get install ${debian_package} (or scripts/install-deps.sh)")
  endif()
endfunction()

armperf_require_pkg(HWLOC hwloc libhwloc-dev)
armperf_require_pkg(SLEEF sleef libsleef-dev)

find_package(benchmark REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(SQLite3 REQUIRED)

# libpfm4 ships neither a CMake package nor a .pc file.
set(ARMPERF_HAVE_PFM OFF)
if(ARMPERF_ENABLE_PFM)
  find_path(PFM_INCLUDE_DIR perfmon/pfmlib_perf_event.h)
  find_library(PFM_LIBRARY pfm)
  if(PFM_INCLUDE_DIR AND PFM_LIBRARY)
    add_library(armperf_pfm INTERFACE)
    add_library(armperf::pfm ALIAS armperf_pfm)
    target_include_directories(armperf_pfm INTERFACE "${PFM_INCLUDE_DIR}")
    target_link_libraries(armperf_pfm INTERFACE "${PFM_LIBRARY}")
    set(ARMPERF_HAVE_PFM ON)
  else()
    message(WARNING "libpfm4 not found (apt-get install libpfm4-dev): PMU counters will report 'unavailable'")
  endif()
endif()

# Peers (DESIGN §2), measured beside our kernels and checked by the same tests. A peer that is not
# found is skipped with a message, never replaced. Found by header + library rather than by their
# CMake/pkg-config files, so the cross build sees only arm64 libraries (Debian's libdnnl-dev and
# libxnnpack-dev cannot be co-installed with their :arm64 twins; see scripts/install-deps.sh). The
# cross build links oneDNN's arm64 runtime (libdnnl2:arm64, libdnnl.so.2) with the shared headers.
find_path(DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.hpp)
find_library(DNNL_LIBRARY NAMES dnnl libdnnl.so.2)
find_package(OpenMP COMPONENTS CXX QUIET)  # Debian's oneDNN runs on libgomp; we cap its team
if(DNNL_INCLUDE_DIR AND DNNL_LIBRARY AND OpenMP_gomp_LIBRARY)
  add_library(armperf_onednn INTERFACE)
  add_library(armperf::onednn ALIAS armperf_onednn)
  target_include_directories(armperf_onednn INTERFACE "${DNNL_INCLUDE_DIR}")
  target_link_libraries(armperf_onednn INTERFACE "${DNNL_LIBRARY}" "${OpenMP_gomp_LIBRARY}")
else()
  message(STATUS "armperf: oneDNN peer skipped (apt-get install libdnnl-dev): no libdnnl for ${CMAKE_SYSTEM_PROCESSOR}")
endif()

find_path(XNNPACK_INCLUDE_DIR xnnpack.h)
find_path(PTHREADPOOL_INCLUDE_DIR pthreadpool.h)
find_library(XNNPACK_LIBRARY XNNPACK)
if(XNNPACK_INCLUDE_DIR AND PTHREADPOOL_INCLUDE_DIR AND XNNPACK_LIBRARY)
  add_library(armperf_xnnpack INTERFACE)
  add_library(armperf::xnnpack ALIAS armperf_xnnpack)
  target_include_directories(armperf_xnnpack INTERFACE "${XNNPACK_INCLUDE_DIR}" "${PTHREADPOOL_INCLUDE_DIR}")
  target_link_libraries(armperf_xnnpack INTERFACE "${XNNPACK_LIBRARY}")
else()
  message(STATUS "armperf: XNNPACK peer skipped (apt-get install libxnnpack-dev libpthreadpool-dev): "
                 "no libXNNPACK for ${CMAKE_SYSTEM_PROCESSOR}")
endif()

if(ARMPERF_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
