// Scalar STREAM loops: the honest baseline (built with -fno-tree-vectorize, no memcpy/memset calls).
// No non-temporal ops: those need a vector store.
#include "probes/kernels/bandwidth_loops.hpp"

namespace armperf::probes {
namespace {
ARMPERF_AT_STARTUP(register_bandwidth_kernels(
    stream_loops::make_bandwidth_kernels<stream_loops::Scalar, false>(Isa::scalar)));
}  // namespace
}  // namespace armperf::probes
