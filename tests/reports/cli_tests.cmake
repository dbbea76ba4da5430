# Command-line tests of the report subcommands: the built armperf run on fixture files, its exit code and
# output checked by tests/reports/expect_exit.cmake. Included from tests/CMakeLists.txt.
set(report_fixtures "${PROJECT_SOURCE_DIR}/tests/fixtures/reports")

# armperf_report_cli_test(NAME <name> EXIT <code> [MATCH <regex on stdout+stderr>] ARGS <armperf args...>)
function(armperf_report_cli_test)
  cmake_parse_arguments(ARG "" "NAME;EXIT;MATCH" "ARGS" ${ARGN})
  add_test(NAME reports.cli.${ARG_NAME}
    COMMAND ${CMAKE_COMMAND} "-DCOMMAND=${CMAKE_CROSSCOMPILING_EMULATOR};$<TARGET_FILE:armperf>;${ARG_ARGS}"
            -DEXPECTED_EXIT=${ARG_EXIT} "-DMATCH=${ARG_MATCH}"
            -P "${CMAKE_CURRENT_SOURCE_DIR}/reports/expect_exit.cmake"
    WORKING_DIRECTORY "${report_fixtures}/compare")
  set_tests_properties(reports.cli.${ARG_NAME} PROPERTIES LABELS reports)
endfunction()

armperf_report_cli_test(NAME compare_2x_slower EXIT 1 MATCH "BM_copy/4096 .* regressed" ARGS compare base.json slower_2x.json)
armperf_report_cli_test(NAME compare_1pct_slower EXIT 0 ARGS compare base.json slower_1pct.json --threshold 5%)
armperf_report_cli_test(NAME compare_noisy EXIT 0 MATCH "noisy" ARGS compare base.json noisy.json)
armperf_report_cli_test(NAME compare_missing_new EXIT 0 MATCH "missing.*new" ARGS compare base.json missing_new.json)
armperf_report_cli_test(NAME compare_throughput_down EXIT 1 ARGS compare base.json throughput_down.json --format md)
armperf_report_cli_test(NAME compare_throughput_up EXIT 0 ARGS compare base.json throughput_up.json --format json)
armperf_report_cli_test(NAME compare_few_repetitions EXIT 1 MATCH "no U-test \\(n < 5\\)"
                        ARGS compare base_3reps.json slower_2x_3reps.json)
armperf_report_cli_test(NAME compare_junit EXIT 1 MATCH "<failure " ARGS compare base.json slower_2x.json --format junit)
armperf_report_cli_test(NAME compare_filter EXIT 0 ARGS compare base.json slower_2x.json --filter triad)
armperf_report_cli_test(NAME compare_no_such_file EXIT 2 MATCH "armperf: nothere.json: no such file"
                        ARGS compare base.json nothere.json)
armperf_report_cli_test(NAME compare_directory EXIT 2 MATCH "is a directory" ARGS compare base.json .)
armperf_report_cli_test(NAME compare_bad_threshold EXIT 2 MATCH "--threshold" ARGS compare base.json base.json --threshold x)
armperf_report_cli_test(NAME compare_bad_filter EXIT 2 MATCH "--filter" ARGS compare base.json base.json --filter "(")

set(machines "${report_fixtures}/report/altra.json" "${report_fixtures}/report/graviton3.json")
armperf_report_cli_test(NAME report_md EXIT 0 MATCH "Geometric mean of speedups per family" ARGS report ${machines})
armperf_report_cli_test(NAME report_labels_baseline EXIT 0 MATCH "\\| new \\(baseline\\) \\|"
                        ARGS report ${machines} --label old=${report_fixtures}/report/altra.json
                             --label new=${report_fixtures}/report/graviton3.json
                             --baseline ${report_fixtures}/report/graviton3.json --no-charts)
armperf_report_cli_test(NAME report_csv EXIT 0 MATCH "^input,file,benchmark" ARGS report ${machines} --format csv)
armperf_report_cli_test(NAME report_html_file EXIT 0
                        ARGS report ${machines} --out "${CMAKE_CURRENT_BINARY_DIR}/report-cli-test.html")
armperf_report_cli_test(NAME report_bad_label EXIT 2 MATCH "--label: expected NAME=FILE" ARGS report base.json --label x)
armperf_report_cli_test(NAME report_truncated_input EXIT 2
                        MATCH "armperf: .*truncated.json: cut off before its first complete benchmark row"
                        ARGS report base.json "${report_fixtures}/bad/truncated.json")
armperf_report_cli_test(NAME report_recovered_input EXIT 0
                        MATCH "warning: .*killed_run.json was cut off; using its 1 complete benchmarks"
                        ARGS report base.json "${report_fixtures}/bad/killed_run.json" --no-charts)
armperf_report_cli_test(NAME report_garbage_input EXIT 2 MATCH "armperf: .*garbage.bin:1:1: "
                        ARGS report "${report_fixtures}/bad/garbage.bin")
armperf_report_cli_test(NAME report_wrong_type EXIT 2 MATCH "wrong_type.json: benchmarks\\[0\\]: .*'real_time'"
                        ARGS report "${report_fixtures}/bad/wrong_type.json")
armperf_report_cli_test(NAME report_empty_file EXIT 2 MATCH "empty.json: empty file"
                        ARGS report "${report_fixtures}/bad/empty.json")
armperf_report_cli_test(NAME report_no_input EXIT 2 MATCH "no input files" ARGS report)

# history: one scripted session on a fresh database (the steps depend on each other).
add_test(NAME reports.cli.history_session
  COMMAND ${CMAKE_COMMAND} "-DARMPERF=${CMAKE_CROSSCOMPILING_EMULATOR};$<TARGET_FILE:armperf>"
          "-DDB=${CMAKE_CURRENT_BINARY_DIR}/history-cli-test.db" "-DFIXTURES=${report_fixtures}/compare"
          -P "${CMAKE_CURRENT_SOURCE_DIR}/reports/history_session.cmake")
set_tests_properties(reports.cli.history_session PROPERTIES LABELS reports)
