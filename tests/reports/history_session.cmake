# cmake -DARMPERF=<command list> -DDB=<path> -DFIXTURES=<dir> -P history_session.cmake
# armperf history end to end: add (idempotent), show, trend, check (exit 1 on a regression), bad input (exit 2).
list(FILTER ARMPERF EXCLUDE REGEX "^$")
file(REMOVE "${DB}" "${DB}-wal" "${DB}-shm")

function(step expected_exit pattern)
  execute_process(COMMAND ${ARMPERF} ${ARGN} --db "${DB}" RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT "${code}" STREQUAL "${expected_exit}" OR NOT "${out}${err}" MATCHES "${pattern}")
    message(FATAL_ERROR "armperf ${ARGN}: expected exit ${expected_exit} and output matching '${pattern}', "
                        "got exit ${code}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
endfunction()

step(0 "added run 1 \\(2 results, machine ci-runner\\)" history add "${FIXTURES}/base.json" --commit a1 --branch main)
step(0 "already stored as run 1" history add "${FIXTURES}/base.json")
step(0 "added run 2" history add "${FIXTURES}/slower_1pct.json" --commit a2)
step(0 "0 of 2 benchmark series regressed" history check)
step(0 "added run 3" history add "${FIXTURES}/slower_2x.json" --commit a3)
step(1 "regressed: BM_copy/4096 on ci-runner: run 3" history check --window 2)
step(0 "a2 +BM_copy/4096 +101.0 ns" history show --benchmark copy)
step(0 "\\| 3 \\| .* \\| ci-runner \\| a3 \\| +\\| 200.0 ns \\| \\+98.0% \\|" history trend --benchmark BM_copy/4096)
step(2 "no such file" history add "${FIXTURES}/absent.json")
step(2 "no stored results" history trend --benchmark BM_none)
