# cmake -DCOMMAND=<list> -DEXPECTED_EXIT=<n> [-DMATCH=<regex>] -P expect_exit.cmake
# Runs COMMAND; fails unless it exits with EXPECTED_EXIT and, when MATCH is given, its output matches.
list(FILTER COMMAND EXCLUDE REGEX "^$")
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT "${code}" STREQUAL "${EXPECTED_EXIT}")
  message(FATAL_ERROR "expected exit ${EXPECTED_EXIT}, got ${code}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(MATCH AND NOT "${out}${err}" MATCHES "${MATCH}")
  message(FATAL_ERROR "output does not match '${MATCH}'\nstdout:\n${out}\nstderr:\n${err}")
endif()
