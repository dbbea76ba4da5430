# Build helpers shared by every directory.
#
# ISA flags live here and only here. A kernel source named <anything>_<isa>.cpp is an ISA variant:
# it is compiled only when the target architecture has that ISA, and only that file gets the ISA's
# flags. Each such file opens with an #error guard on the matching compiler macro, so a file that
# somehow builds without its flags fails loudly instead of producing baseline code under an ISA name.
#
# An optional feature of an ISA (instructions the base ISA does not guarantee: ARM FP16 arithmetic,
# dot products, bf16, i8mm; x86 VNNI, AVX512_BF16, AVX512_FP16) gets its own suffix,
# <anything>_<isa>_<feature>.cpp: the ISA's flags plus the feature's, for that file only. The base ISA
# file never gets the feature's flags, so none of its instructions reaches code that runs on a CPU
# without it; the feature file's functions run only after core/isa found the feature (HWCAP / cpuid).
# What an ISA file runs at start-up (its registration) runs on every CPU: it is compiled for the
# baseline instead (ARMPERF_AT_STARTUP, ARMPERF_BASELINE_CODE in core/startup.hpp).

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(ARMPERF_ARCH aarch64)
  set(ARMPERF_BASELINE_FLAGS -march=armv8-a)
  set(ARMPERF_ISAS scalar neon sve sve2 neon_fp16 neon_dotprod neon_i8mm neon_bf16 sve_i8mm sve_bf16)
  set(ARMPERF_ISA_FLAGS_neon -march=armv8-a)
  set(ARMPERF_ISA_FLAGS_sve -march=armv8.2-a+sve)
  set(ARMPERF_ISA_FLAGS_sve2 -march=armv8.5-a+sve2)
  set(ARMPERF_ISA_FLAGS_neon_fp16 -march=armv8.2-a+fp16)
  set(ARMPERF_ISA_FLAGS_neon_dotprod -march=armv8.2-a+dotprod)
  set(ARMPERF_ISA_FLAGS_neon_i8mm -march=armv8.2-a+i8mm)
  set(ARMPERF_ISA_FLAGS_neon_bf16 -march=armv8.2-a+bf16)
  set(ARMPERF_ISA_FLAGS_sve_i8mm -march=armv8.2-a+sve+i8mm)
  set(ARMPERF_ISA_FLAGS_sve_bf16 -march=armv8.2-a+sve+bf16)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(ARMPERF_ARCH x86_64)
  set(ARMPERF_BASELINE_FLAGS -march=x86-64-v2)
  set(ARMPERF_ISAS scalar avx2 avx512 avx512_vnni avx512_bf16 avx512_fp16)
  set(ARMPERF_ISA_FLAGS_avx2 -mavx2 -mfma -mf16c)
  set(ARMPERF_ISA_FLAGS_avx512 -mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512dq -mavx512vl)
  set(ARMPERF_ISA_FLAGS_avx512_vnni ${ARMPERF_ISA_FLAGS_avx512} -mavx512vnni)
  set(ARMPERF_ISA_FLAGS_avx512_bf16 ${ARMPERF_ISA_FLAGS_avx512} -mavx512bf16)
  set(ARMPERF_ISA_FLAGS_avx512_fp16 ${ARMPERF_ISA_FLAGS_avx512} -mavx512fp16)
else()
  message(FATAL_ERROR "armperf supports aarch64 and x86_64, not ${CMAKE_SYSTEM_PROCESSOR}")
endif()
# Scalar variants are honest baselines: the compiler may neither vectorise them nor turn a loop
# into a call to libc's (vectorised) memcpy/memset behind our back.
set(ARMPERF_ISA_FLAGS_scalar -fno-tree-vectorize -fno-tree-slp-vectorize -fno-tree-loop-distribute-patterns)
set(ARMPERF_ALL_ISAS scalar neon sve sve2 avx2 avx512 neon_fp16 neon_dotprod neon_i8mm neon_bf16 sve_i8mm
    sve_bf16 avx512_vnni avx512_bf16 avx512_fp16)

# The object library every kernel family adds its sources to; executables that link it get every
# registry row (static registration needs the objects linked whole, hence OBJECT, not STATIC).
function(armperf_kernels_library)
  add_library(armperf_kernels OBJECT)
  target_link_libraries(armperf_kernels PUBLIC armperf::core benchmark::benchmark)
endfunction()

# armperf_add_isa_sources(TARGET <target> SOURCES <files...>)
# Adds sources to a target with the ISA rule above: <anything>_<isa>.cpp is compiled only when the
# target architecture has <isa>, and only that file gets the ISA's flags; other sources build at the
# baseline. Paths are relative to the calling directory.
function(armperf_add_isa_sources)
  cmake_parse_arguments(ARG "" "TARGET" "SOURCES" ${ARGN})
  foreach(src IN LISTS ARG_SOURCES)
    get_filename_component(stem "${src}" NAME_WE)
    set(isa "")
    foreach(candidate IN LISTS ARMPERF_ALL_ISAS)
      if(stem MATCHES "_${candidate}$")
        set(isa ${candidate})
      endif()
    endforeach()
    if(isa AND NOT isa IN_LIST ARMPERF_ISAS)
      continue()  # a variant for the other architecture
    endif()
    get_filename_component(path "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    target_sources(${ARG_TARGET} PRIVATE "${path}")
    if(isa)
      set_source_files_properties("${path}" TARGET_DIRECTORY ${ARG_TARGET}
                                  PROPERTIES COMPILE_OPTIONS "${ARMPERF_ISA_FLAGS_${isa}}"
                                             # its flags are its own: never batched with other files
                                             SKIP_UNITY_BUILD_INCLUSION ON)
    endif()
  endforeach()
endfunction()

# armperf_add_kernel_family(NAME <family> SOURCES <files...> [LIBRARIES <targets...>])
# Adds a kernel family's sources to armperf_kernels. Sources ending in _<isa>.cpp are ISA variants
# (see above); the rest (reference, benchmark driver, family header code) build at the baseline.
function(armperf_add_kernel_family)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBRARIES" ${ARGN})
  armperf_add_isa_sources(TARGET armperf_kernels SOURCES ${ARG_SOURCES})
  if(ARG_LIBRARIES)
    target_link_libraries(armperf_kernels PUBLIC ${ARG_LIBRARIES})
  endif()
endfunction()

# armperf_add_test(NAME <binary> SOURCES <files...> [LIBRARIES <targets...>] [LABELS <labels...>])
# One gtest binary; each test case becomes a ctest test (discovered at test time, so discovery
# also works through the qemu emulator of the cross build).
function(armperf_add_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBRARIES;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_LIBRARIES} GTest::gmock GTest::gtest_main armperf::options)
  gtest_discover_tests(${ARG_NAME}
    DISCOVERY_MODE PRE_TEST
    DISCOVERY_TIMEOUT 120
    PROPERTIES LABELS "${ARG_LABELS}" ENVIRONMENT "ARMPERF_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
