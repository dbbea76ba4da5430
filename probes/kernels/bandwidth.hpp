// The inner loops of the bandwidth probe: STREAM's operations on f64 arrays, one set per ISA in
// probes/kernels/bandwidth_<isa>.cpp. Each op reads x (and y) and writes z, so every op can be run
// again and again on the same arrays and checked against one expected value afterwards.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/startup.hpp"

#include "core/isa.hpp"

namespace armperf::probes {

enum class StreamOp { read, write, copy, scale, add, triad, write_nt, copy_nt, triad_nt };
inline constexpr std::size_t kStreamOps = 9;

struct StreamOpInfo {
  StreamOp op;
  std::string_view name;
  int arrays_read;   // f64 arrays read per element
  int arrays_written;
  bool nontemporal;  // stores bypass the cache: no write-allocate read
};
const std::array<StreamOpInfo, kStreamOps>& stream_ops();
const StreamOpInfo& stream_op_info(StreamOp op);
std::optional<StreamOp> parse_stream_op(std::string_view name);

// STREAM counting: 8 B per array read or written per element.
double stream_bytes(StreamOp op, std::size_t n);
// What the memory system really moves: a cached store first reads its line (write-allocate).
double stream_bytes_with_write_allocate(StreamOp op, std::size_t n);

// read:  returns Σ x[i]                     write: z[i] = s
// copy:  z[i] = x[i]                        scale: z[i] = s·x[i]
// add:   z[i] = x[i] + y[i]                 triad: z[i] = x[i] + s·y[i]
// The _nt ops store with non-temporal stores (x86 streaming stores, ARM stnp / SVE stnt1); they take
// any alignment (a scalar head reaches the vector alignment). Returns 0 except for read.
using StreamFn = double (*)(double* z, const double* x, const double* y, double s, std::size_t n);

// The value every z[i] holds after op with x[i] = x, y[i] = y (read: x, the value summed).
double stream_expected(StreamOp op, double x, double y, double s);

struct BandwidthKernels {
  Isa isa = Isa::scalar;
  std::array<StreamFn, kStreamOps> fn{};  // nullptr: the ISA has no such op (non-temporal in scalar)
  StreamFn get(StreamOp op) const { return fn[static_cast<std::size_t>(op)]; }
};

// Every ISA file registers its set at static initialisation; the list is in isa_rank order.
bool register_bandwidth_kernels(const BandwidthKernels& kernels);
const std::vector<BandwidthKernels>& bandwidth_kernels();
const BandwidthKernels* bandwidth_kernels_for(Isa isa);

}  // namespace armperf::probes
