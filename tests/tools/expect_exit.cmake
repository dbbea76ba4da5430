# Runs PROGRAM ARGS (through EMULATOR when cross-compiling) and checks the exit code and that
# stdout+stderr match EXPECT_MATCH. Used for CLI tests that must fail in a given way.
set(command ${PROGRAM})
if(EMULATOR)
  set(command ${EMULATOR} ${PROGRAM})
endif()
execute_process(COMMAND ${command} ${ARGS} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL EXPECT_EXIT)
  message(FATAL_ERROR "expected exit code ${EXPECT_EXIT}, got ${code}\nstdout: ${out}\nstderr: ${err}")
endif()
if(EXPECT_MATCH AND NOT "${out}${err}" MATCHES "${EXPECT_MATCH}")
  message(FATAL_ERROR "output does not match '${EXPECT_MATCH}'\nstdout: ${out}\nstderr: ${err}")
endif()
