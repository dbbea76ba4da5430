#include "probes/kernels/bandwidth.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace armperf::probes {

const std::array<StreamOpInfo, kStreamOps>& stream_ops() {
  static const std::array<StreamOpInfo, kStreamOps> ops = {{
      {StreamOp::read, "read", 1, 0, false},
      {StreamOp::write, "write", 0, 1, false},
      {StreamOp::copy, "copy", 1, 1, false},
      {StreamOp::scale, "scale", 1, 1, false},
      {StreamOp::add, "add", 2, 1, false},
      {StreamOp::triad, "triad", 2, 1, false},
      {StreamOp::write_nt, "write_nt", 0, 1, true},
      {StreamOp::copy_nt, "copy_nt", 1, 1, true},
      {StreamOp::triad_nt, "triad_nt", 2, 1, true},
  }};
  return ops;
}

const StreamOpInfo& stream_op_info(StreamOp op) { return stream_ops()[static_cast<std::size_t>(op)]; }

std::optional<StreamOp> parse_stream_op(std::string_view name) {
  for (const auto& info : stream_ops()) {
    if (info.name == name) return info.op;
  }
  return std::nullopt;
}

double stream_bytes(StreamOp op, std::size_t n) {
  const auto& info = stream_op_info(op);
  return 8.0 * static_cast<double>(n) * (info.arrays_read + info.arrays_written);
}

double stream_bytes_with_write_allocate(StreamOp op, std::size_t n) {
  const auto& info = stream_op_info(op);
  const int allocate_reads = info.nontemporal ? 0 : info.arrays_written;
  return stream_bytes(op, n) + 8.0 * static_cast<double>(n) * allocate_reads;
}

double stream_expected(StreamOp op, double x, double y, double s) {
  switch (op) {
    case StreamOp::read: return x;
    case StreamOp::write:
    case StreamOp::write_nt: return s;
    case StreamOp::copy:
    case StreamOp::copy_nt: return x;
    case StreamOp::scale: return s * x;
    case StreamOp::add: return x + y;
    case StreamOp::triad:
    case StreamOp::triad_nt: return x + s * y;
  }
  throw std::logic_error("unknown stream op");
}

namespace {
std::vector<BandwidthKernels>& kernel_list() {
  static std::vector<BandwidthKernels> list;
  return list;
}
}  // namespace

bool register_bandwidth_kernels(const BandwidthKernels& kernels) {
  auto& list = kernel_list();
  if (bandwidth_kernels_for(kernels.isa) != nullptr) {
    throw std::logic_error("bandwidth kernels registered twice for " + std::string(isa_name(kernels.isa)));
  }
  list.push_back(kernels);
  std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return isa_rank(a.isa) < isa_rank(b.isa); });
  return true;
}

const std::vector<BandwidthKernels>& bandwidth_kernels() { return kernel_list(); }

const BandwidthKernels* bandwidth_kernels_for(Isa isa) {
  for (const auto& k : kernel_list()) {
    if (k.isa == isa) return &k;
  }
  return nullptr;
}

}  // namespace armperf::probes
