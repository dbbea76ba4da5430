// The result file of DESIGN §5: a Google Benchmark JSON document ({"context": {...},
// "benchmarks": [...]}) with armperf's fields, written one row at a time so that it stays valid JSON
// after every row and after an interrupt, and read back even when a run was cut off mid-file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace armperf {

// The version of the layout below; a reader refuses nothing but reports what it found.
inline constexpr int kResultSchema = 1;

// Every key of the file, spelled once. Reports and probes use these, never string literals.
namespace result_key {
inline constexpr const char* context = "context";
inline constexpr const char* benchmarks = "benchmarks";
}  // namespace result_key

namespace row_key {
// Google Benchmark's own fields.
inline constexpr const char* name = "name";
inline constexpr const char* run_name = "run_name";
inline constexpr const char* run_type = "run_type";
inline constexpr const char* repetitions = "repetitions";
inline constexpr const char* repetition_index = "repetition_index";
inline constexpr const char* threads = "threads";
inline constexpr const char* iterations = "iterations";
inline constexpr const char* real_time = "real_time";
inline constexpr const char* cpu_time = "cpu_time";
inline constexpr const char* time_unit = "time_unit";
inline constexpr const char* aggregate_name = "aggregate_name";
inline constexpr const char* label = "label";
inline constexpr const char* error_occurred = "error_occurred";
inline constexpr const char* error_message = "error_message";
// Rates gbench writes as counters.
inline constexpr const char* bytes_per_second = "bytes_per_second";
inline constexpr const char* items_per_second = "items_per_second";
// armperf's fields.
inline constexpr const char* suite = "suite";
inline constexpr const char* op = "op";
inline constexpr const char* impl = "impl";
inline constexpr const char* isa = "isa";
inline constexpr const char* dtype = "dtype";
inline constexpr const char* placement = "placement";
inline constexpr const char* membind = "membind";
inline constexpr const char* size = "size";
inline constexpr const char* gflops = "gflops";
inline constexpr const char* gbps = "gbps";
inline constexpr const char* pct_of_peak = "pct_of_peak";
// Probe fields (DESIGN §4, issue 4). ResultRow has no member for them, so they are not in
// row_keys(): numbers travel as counters, strings in extra, under these names.
inline constexpr const char* gbps_with_write_allocate = "gbps_with_write_allocate";  // counter, 1e9 B/s
inline constexpr const char* gbps_median = "gbps_median";                            // counter, 1e9 B/s
inline constexpr const char* latency_ns = "latency_ns";                              // counter
inline constexpr const char* latency_cycles = "latency_cycles";                      // counter
inline constexpr const char* ghz = "ghz";                                            // counter, 1e9 Hz
inline constexpr const char* peak_gflops = "peak_gflops";                            // counter
inline constexpr const char* pct_of_dram_peak = "pct_of_dram_peak";                  // counter, percent
inline constexpr const char* cpu_a = "cpu_a";                                        // counter, PU OS index
inline constexpr const char* cpu_b = "cpu_b";                                        // counter, PU OS index
inline constexpr const char* page = "page";                                          // extra: "4k" | "huge"
inline constexpr const char* atomic = "atomic";                                      // extra: lse | llsc | x86
inline constexpr const char* level = "level";                                        // extra: L1 | L2 | L3 | DRAM
inline constexpr const char* from_node = "from_node";                                // counter, NUMA node of the threads
inline constexpr const char* to_node = "to_node";                                    // counter, NUMA node of the memory
inline constexpr const char* streamers = "streamers";                                // counter, streaming threads
inline constexpr const char* intensity = "intensity";                                // counter, 0..1 duty cycle
inline constexpr const char* cpus = "cpus";                                          // extra: PU list "0-3,8"
inline constexpr const char* source = "source";                                      // extra: cache | c2c
inline constexpr const char* cache = "cache";                                        // extra: L2 | L3 (source cache)
// Accuracy rows (suite "accuracy", `armperf accuracy --out`): the error of one variant of an op
// against the double reference. Counters unless marked extra; a non-finite error is left out and
// its row says within_bound false.
inline constexpr const char* max_ulp = "max_ulp";                      // counter, ulp
inline constexpr const char* p9999_ulp = "p9999_ulp";                  // counter, ulp
inline constexpr const char* bound_ulp = "bound_ulp";                  // counter, ulp (0: bitwise exact)
inline constexpr const char* argmax_input = "argmax_input";            // counter: the input of max_ulp
inline constexpr const char* argmax_input_bits = "argmax_input_bits";  // extra: its bits, "0x3f800000"
inline constexpr const char* samples = "samples";                      // counter: inputs scored
inline constexpr const char* mismatches = "mismatches";                // counter: exact ops, not bitwise equal
inline constexpr const char* max_abs_below = "max_abs_below";          // counter: gelu, abs error for x < -3
inline constexpr const char* bound_abs_below = "bound_abs_below";      // counter: gelu
inline constexpr const char* max_rel_eps = "max_rel_eps";              // counter: softmax, FLT_EPSILON units
inline constexpr const char* bound_rel_eps = "bound_rel_eps";          // counter: softmax
inline constexpr const char* max_sum_error_n_eps = "max_sum_error_n_eps";  // counter: softmax, n·FLT_EPSILON
inline constexpr const char* exhaustive = "exhaustive";                // extra: bool, all 2^32 inputs
inline constexpr const char* within_bound = "within_bound";            // extra: bool
inline constexpr const char* bound = "bound";                          // extra: the contract in words
inline constexpr const char* gops = "gops";                  // counter, 1e9 integer op/s (int8: peakflops, s8gemm)
inline constexpr const char* gops_median = "gops_median";    // counter, 1e9 integer op/s
inline constexpr const char* gflops_median = "gflops_median";  // counter: peakflops' median window, GFLOP/s
inline constexpr const char* peak_gops = "peak_gops";        // counter, 1e9 integer op/s
inline constexpr const char* rate_unit = "rate_unit";        // extra: "GFLOP/s" (gflops) | "GOP/s" (gops)
inline constexpr const char* instruction = "instruction";    // extra: the instruction measured ("bfmmla", ...)
inline constexpr const char* peak_provenance = "peak_provenance";  // extra: where the peak comes from
inline constexpr const char* peak_unknown = "peak_unknown";  // extra: why a row has no pct_of_peak
}  // namespace row_key

// Context keys that armperf writes (Google Benchmark's own where they overlap: date, host_name,
// executable, num_cpus, cpu_scaling_enabled, load_avg, library_build_type). The machine-metadata
// keys are filled by read_environment() (core/environment.hpp).
namespace context_key {
inline constexpr const char* armperf_schema = "armperf_schema";
inline constexpr const char* armperf_version = "armperf_version";
inline constexpr const char* git_commit = "git_commit";
inline constexpr const char* command_line = "command_line";
inline constexpr const char* compiler = "compiler";
inline constexpr const char* build_flags = "build_flags";
inline constexpr const char* date = "date";
inline constexpr const char* host_name = "host_name";
inline constexpr const char* executable = "executable";
inline constexpr const char* num_cpus = "num_cpus";
inline constexpr const char* cpu_scaling_enabled = "cpu_scaling_enabled";
inline constexpr const char* load_avg = "load_avg";
inline constexpr const char* library_build_type = "library_build_type";
inline constexpr const char* kernel_version = "kernel_version";
inline constexpr const char* os = "os";
inline constexpr const char* boot_cmdline = "boot_cmdline";
inline constexpr const char* cpufreq_governors = "cpufreq_governors";
inline constexpr const char* scaling_min_khz = "scaling_min_khz";
inline constexpr const char* scaling_max_khz = "scaling_max_khz";
inline constexpr const char* scaling_cur_khz = "scaling_cur_khz";
inline constexpr const char* thp_enabled = "thp_enabled";
inline constexpr const char* thp_defrag = "thp_defrag";
inline constexpr const char* hugepages_total = "hugepages_total";
inline constexpr const char* hugepage_size_kib = "hugepage_size_kib";
inline constexpr const char* mem_total_kib = "mem_total_kib";
inline constexpr const char* mitigations = "mitigations";
inline constexpr const char* dmi_product_name = "dmi_product_name";  // cloud instance type
inline constexpr const char* dmi_sys_vendor = "dmi_sys_vendor";
inline constexpr const char* dmi_board_name = "dmi_board_name";
inline constexpr const char* dmi_bios_version = "dmi_bios_version";
inline constexpr const char* memory_modules = "memory_modules";
inline constexpr const char* smt_control = "smt_control";
inline constexpr const char* online_cpus = "online_cpus";
inline constexpr const char* hypervisor = "hypervisor";
inline constexpr const char* hypervisor_evidence = "hypervisor_evidence";
inline constexpr const char* perf_event_paranoid = "perf_event_paranoid";
inline constexpr const char* numa_balancing = "numa_balancing";
// Written by `armperf probe` / `armperf run`: the CPU (core/isa.hpp) and topology summary (core/topology.hpp).
inline constexpr const char* cpu = "cpu";
inline constexpr const char* topology = "topology";
// Written by `armperf run` (tools/run/context.hpp): {"options": ..., "plan": ...}; reports read the
// plan's `interleaved` (repetitions measured in rounds).
inline constexpr const char* run = "armperf_run";
inline constexpr const char* options = "options";
inline constexpr const char* plan = "plan";
inline constexpr const char* interleaved = "interleaved";
}  // namespace context_key

// Values with a fixed vocabulary.
namespace row_value {
inline constexpr const char* iteration = "iteration";
inline constexpr const char* aggregate = "aggregate";
inline constexpr const char* kernel = "kernel";
inline constexpr const char* probe = "probe";
// `armperf accuracy --out`: one row per op and variant, its error against the double reference
// (max_ulp, p9999_ulp, bound_ulp, within_bound, ...) instead of a speed.
inline constexpr const char* accuracy = "accuracy";
inline constexpr const char* impl_armperf = "armperf";
}  // namespace row_value

// The keys ResultRow owns (a counter may not take one of these names). The rates above are
// counters, not listed here.
std::span<const char* const> row_keys();

enum class RunType { iteration, aggregate };

// One benchmarks[] row. Times are in time_unit; gflops (1e9 FLOP/s), gbps (1e9 B/s) and
// pct_of_peak (percent) are derived and absent where they mean nothing.
struct ResultRow {
  // Google Benchmark.
  std::string name;      // unique within a file: "relu/f32/neon/4096"
  std::string run_name;  // name without the aggregate suffix; empty: same as name
  RunType run_type = RunType::iteration;
  std::int64_t repetitions = 1;
  std::int64_t repetition_index = 0;  // iteration rows only
  std::int64_t threads = 1;
  std::int64_t iterations = 0;
  double real_time = 0;
  double cpu_time = 0;
  std::string time_unit = "ns";  // ns, us, ms or s
  std::string aggregate_name;    // aggregate rows only: "mean", "median", "stddev", "cv", ...
  std::string label;             // optional
  std::string error_message;     // non-empty: the run failed or was skipped ("isa unsupported: sve")
  // armperf.
  std::string suite;      // row_value::kernel, row_value::probe or row_value::accuracy
  std::string op;         // "relu", "sgemm", "bandwidth.triad", ...
  std::string impl;       // "armperf" or the peer library: "openblas", "eigen", ...
  std::string isa;        // the variant that ran: "neon", "sve", "avx2", "scalar"
  std::string dtype;      // "f32", "f64", ...; empty when not applicable
  std::string placement;  // "compact" | "spread"; empty when not applicable
  std::string membind;    // "local" | "remote" | "interleave"; empty when not applicable
  nlohmann::json size;    // bytes (unsigned integer) or a shape ("1024x1024x1024"); null: none
  std::optional<double> gflops;
  std::optional<double> gbps;
  std::optional<double> pct_of_peak;
  // Free-form counters, written as top-level numbers as gbench writes user counters.
  std::map<std::string, double> counters;
  // Fields of a row read from a file that are none of the above (gbench's family_index, ...);
  // written back unchanged. An object or null.
  nlohmann::json extra;

  bool operator==(const ResultRow&) const = default;
};

// Throws std::invalid_argument naming the row and the field unless: name, suite, op, impl and isa
// are set; suite is kernel|probe|accuracy; time_unit is known; an aggregate has its aggregate_name;
// repetitions and threads are >= 1; every number is finite; size is null, an unsigned integer or
// a string; no counter or extra field reuses a row key.
void validate_row(const ResultRow& row);

// The row as it is written (absent fields omitted). Does not validate.
nlohmann::json row_to_json(const ResultRow& row);
// A row as read: known fields must have their types (std::invalid_argument naming the field);
// other numeric fields become counters, other fields go to extra. Does not require the armperf
// fields, so plain gbench rows load; validate_row says whether it is a complete armperf row.
// A number may also be the string "NaN", "-NaN", "Infinity" or "-Infinity" (see read_results).
ResultRow row_from_json(const nlohmann::json& row);

enum class SyncPolicy {
  every_row,  // fsync after each row: a power cut loses at most the row being written
  on_close,   // fsync once at close: for runs that write many small rows
};

// Writes a result file incrementally. The file is created complete (context and an empty
// benchmarks list, written to <path>.tmp and renamed), and each append() overwrites the closing
// "\n  ]\n}\n" with ",\n    {row}\n  ]\n}\n" in one write at the known offset: the file is valid JSON
// after every append, appending costs O(row), and a process killed between rows leaves a complete
// file. A kill in the middle of a write leaves a prefix that read_results() recovers.
class ResultWriter {
 public:
  // The parent directory must exist. Throws std::runtime_error naming the path if the file cannot
  // be written, std::invalid_argument if context is not an object. The context gets
  // armperf_schema and armperf_version.
  ResultWriter(std::string path, nlohmann::json context, SyncPolicy sync = SyncPolicy::every_row);
  ~ResultWriter();
  ResultWriter(ResultWriter&& other) noexcept;
  ResultWriter& operator=(ResultWriter&& other) noexcept;
  ResultWriter(const ResultWriter&) = delete;
  ResultWriter& operator=(const ResultWriter&) = delete;

  // Validates (validate_row) and writes one row. Throws std::logic_error after close(),
  // std::runtime_error naming the path on an I/O error (the file is restored to its previous rows
  // when possible).
  void append(const ResultRow& row);
  // Flushes to disk and closes; idempotent. Throws std::runtime_error on an I/O error.
  void close();

  const std::string& path() const { return path_; }
  std::size_t rows() const { return rows_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t tail_offset_ = 0;  // where the closing "\n  ]\n}\n" starts
  std::size_t rows_ = 0;
  SyncPolicy sync_ = SyncPolicy::every_row;
};

struct ResultFile {
  std::string path;
  nlohmann::json context;                  // an object
  std::vector<nlohmann::json> benchmarks;  // the rows as read; row_from_json() types them
  // The file was cut off (killed writer, full disk, copy in progress): benchmarks holds the
  // complete rows before the cut.
  bool recovered = false;
  // Bare NaN / -NaN / Infinity / -Infinity tokens (written by some gbench versions; not JSON). Each
  // is read as a string of the same spelling ("NaN", ...), which row_from_json() turns back into
  // the double: a consumer of the raw JSON sees a string where it expects a number and cannot take
  // it for a real value, and nothing is lost as null would lose the sign of an infinity.
  std::size_t nonfinite_tokens = 0;
};

// Reads a result file (armperf's or Google Benchmark's). A file cut off after any row, or inside
// one, is recovered up to its last complete row (trailing NUL bytes, as a crash can leave, count as
// a cut). Anything else that is not a valid file throws std::runtime_error naming the file and,
// for a syntax error, line and column: "results.json:3:14: syntax error ...".
ResultFile read_results(const std::string& path);
// The same for text already in memory; path only names it in messages.
ResultFile parse_results(const std::string& text, const std::string& path);

// SIGINT/SIGTERM set a flag instead of killing the process, so a run loop can finish the current
// row, close the file and exit with exit_code_for_signal() (130 / 143). A second signal of the
// same kind terminates at once (the handler resets itself). Installing clears the flag.
void install_interrupt_flag();
// The signal received since install_interrupt_flag(), or 0.
int interrupted();
// The shell convention: 128 + signal.
int exit_code_for_signal(int signal_number);

}  // namespace armperf
