// The portable part of our GEMM (BLIS's loop order, or A's row panels outermost where nc_direct_a
// says): for each NC column panel of B, for each KC slice
// of the inner dimension, pack B once (GEMV-like shapes read it in place: through the micro-kernel's
// row_stream, row by row, where it has one, else by its tiles); for each MC row block of A, pack A
// (unless the micro-kernel reads an untransposed A in place: MicroKernel::direct_a, within the limits of
// reads_a_in_place; an A packed whole is packed by the first NC panel only and kept for the others:
// kept_a_elements); then sweep MR x NR tiles
// with the ISA's micro-kernel: each sliver of B across the block's row panels, or, where A is read in
// place and a sliver outgrows L1, each row panel of A across an L2-sized panel of B (nc_direct_a). Built at
// the baseline ISA; the packing routines come with the micro-kernel (MicroKernel::pack_a/pack_b,
// gemm_pack.hpp), instantiated in its ISA's file so that they are vectorised like it. Threads of one NUMA
// node share one packed B panel and split its rows of C (gemm_team_plan); GEMV-like shapes split C into a 2-D
// grid of rectangles instead (gemm_partition), each computed by one worker with its own panels.
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/team.hpp"
#include "core/topology.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/parallel.hpp"

namespace armperf::kernels {
namespace {

constexpr std::size_t kPanelAlignment = 64;  // one cache line; also the widest vector (AVX-512)
constexpr std::size_t kHugePage = 2 << 20;
// B is read in place, unpacked, when a thread's rows of C span at most this many MR-row panels.
constexpr std::int64_t kDirectBRowPanels = 2;
// A is packed once for all of a thread's rows and all of K, and reused by every NC panel of B, when
// that copy is at most this large (kept_a_elements).
constexpr std::int64_t kKeptAMaxBytes = std::int64_t{4} << 20;
// Accumulators of a GEMV-like range's column block (row_stream_range).
constexpr std::int64_t kRowStreamAccBytes = std::int64_t{64} << 10;

std::int64_t round_down(std::int64_t x, std::int64_t multiple) {
  return std::max(multiple, x / multiple * multiple);
}
std::int64_t round_up(std::int64_t x, std::int64_t multiple) {
  return (x + multiple - 1) / multiple * multiple;
}
std::size_t round_up_bytes(std::size_t x, std::size_t multiple) {
  return (x + multiple - 1) / multiple * multiple;
}

// Grow-only packing buffer, one per thread and element type: allocating and faulting in megabytes
// of fresh pages on every call costs a few percent at 1024^3.
// Tag: a thread's own panels, the B panel it allocates for its node group (a second buffer, so
// a group leader's own A panels and the group's B never overlap), or its row_stream accumulators.
enum class Use { own, group_b, row_stream };
template <class T, Use use = Use::own>
T* workspace(std::size_t elements) {
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  thread_local std::unique_ptr<T, Free> buffer;
  thread_local std::size_t capacity = 0;
  if (elements > capacity) {
    // Megabyte-sized panels on 2 MiB boundaries, advised as huge pages: the packed B panel then
    // needs one TLB entry instead of hundreds (where THP is enabled; harmless elsewhere).
    const std::size_t bytes = elements * sizeof(T);
    const std::size_t alignment = bytes >= kHugePage ? kHugePage : kPanelAlignment;
    capacity = 0;
    buffer.reset(static_cast<T*>(std::aligned_alloc(alignment, round_up_bytes(bytes, alignment))));
    if (!buffer) throw std::bad_alloc();
    if (alignment == kHugePage) madvise(buffer.get(), round_up_bytes(bytes, alignment), MADV_HUGEPAGE);
    capacity = elements;
  }
  return buffer.get();
}

// C = beta * C, with beta == 0 writing zeros (BLAS: C is then not read, so NaN does not survive).
template <class C>
void scale_c(C* c, std::int64_t ldc, std::int64_t rows, std::int64_t cols, C beta) {
  for (std::int64_t i = 0; i < rows; ++i) {
    C* row = c + i * ldc;
    for (std::int64_t j = 0; j < cols; ++j) row[j] = beta == C(0) ? C(0) : beta * row[j];
  }
}

// A tile cut by the edge of C: `tile(out, ldo, alpha, beta)` (the micro-kernel on this tile's
// operands) writes a full scratch tile, then the valid part is merged with alpha and beta here.
template <class C, class Tile>
void edge_tile(const Tile& tile, int nr, C* c, std::int64_t ldc, std::int64_t rows, std::int64_t cols,
               C alpha, C beta, C* scratch) {
  tile(scratch, nr, C(1), C(0));
  for (std::int64_t i = 0; i < rows; ++i) {
    C* row = c + i * ldc;
    const C* t = scratch + i * nr;
    for (std::int64_t j = 0; j < cols; ++j) row[j] = alpha * t[j] + (beta == C(0) ? C(0) : beta * row[j]);
  }
}

// Whether both operands are small enough to be read in place (GemmBlocking::unpacked_bytes).
template <class T>
bool unpacked_product(const GemmArgs<T>& args, const GemmBlocking& blk) {
  const std::int64_t bytes = static_cast<std::int64_t>(sizeof(T)) * args.k;
  return args.m * bytes <= blk.unpacked_bytes && args.n * bytes <= blk.unpacked_bytes;
}

// A read in place by the micro-kernel (where it can) instead of packed: full MR-row panels of an
// untransposed A; a last panel of fewer rows too where the micro-kernel has tiles of fewer rows
// (MicroKernel::direct_a_rows), else it is packed (zero-padded).
template <class T>
bool reads_a_in_place(const GemmArgs<T>& args, const MicroKernel<T>& kernel, const GemmBlocking& blk) {
  if (kernel.direct_a == nullptr || args.trans_a != Trans::no) return false;
  const std::int64_t a_bytes = args.m * args.k * static_cast<std::int64_t>(sizeof(T));
  return !kernel.direct_a_small_only || a_bytes <= blk.direct_a_bytes || unpacked_product(args, blk);
}

// Elements of one packed MR-row panel of A over `kc_packed` k steps, with the micro-kernel's own data
// after it (MicroKernel::a_panel_extra).
template <class T>
std::int64_t a_panel_elements(const MicroKernel<T>& kernel, std::int64_t kc_packed) {
  return kernel.mr * kc_packed + kernel.a_panel_extra;
}

// Elements of the copy of A packed once for `rows` rows of C and all of K, reused by each of the NC
// panels of B that a thread's `cols` columns span; 0 where A is packed per panel instead. Per panel,
// A would be packed N / NC times: at 512x4096x1024 (f32, NC 1024) four times, 2 % of the single-thread
// profile on Zen 3 against OpenBLAS's 0.8 % (it packs that A once). The copy then comes back from the
// LLC rather than being rebuilt from A there; above kKeptAMaxBytes (2048^3: 16 MiB) it would mostly
// come from memory, so such A stays packed per panel. The limit is per thread: threads that split the
// columns of C (512x4096x1024 at 2 threads) each keep a copy of all of A, as each packed it before.
template <class T>
std::int64_t kept_a_elements(const GemmArgs<T>& args, const MicroKernel<T>& kernel, const GemmBlocking& blk,
                             std::int64_t rows, std::int64_t cols) {
  if (reads_a_in_place(args, kernel, blk) || cols <= blk.nc || rows <= kDirectBRowPanels * kernel.mr)
    return 0;
  // The layout gemm_block's packed_a reads: every K slice holds all the panels; the last slice may be
  // shallower than blk.kc.
  const std::int64_t panels = round_up(rows, kernel.mr) / kernel.mr, rest = args.k % blk.kc;
  const std::int64_t elements =
      panels * (args.k / blk.kc * a_panel_elements(kernel, blk.kc) +
                (rest > 0 ? a_panel_elements(kernel, round_up(rest, kernel.k_unit)) : 0));
  return elements * static_cast<std::int64_t>(sizeof(T)) <= kKeptAMaxBytes ? elements : 0;
}

// Packing buffers of one thread: the MC x KC block of A (or all of a thread's A: `kept_a` elements,
// kept_a_elements), each of its MR-row panels followed by the micro-kernel's a_panel_extra elements; the
// KC x NC panel of B; one scratch tile of C's type. Each part starts on a 64-byte
// boundary (mr * kc and nr * kc need not be multiples of a line). Sizes in elements of T; blk.kc is a
// whole number of the micro-kernel's k groups.
template <class T>
struct Panels {
  std::int64_t a_size, b_size, scratch_size;

  Panels(const GemmBlocking& blk, const MicroKernel<T>& kernel, std::int64_t kept_a = 0) {
    const std::int64_t align = static_cast<std::int64_t>(kPanelAlignment / sizeof(T));
    constexpr auto acc_elements = static_cast<std::int64_t>(sizeof(GemmAcc<T>) / sizeof(T));
    const int mr = kernel.mr, nr = kernel.nr;
    const std::int64_t block_panels = round_up(blk.mc, mr) / mr;
    a_size = round_up(std::max(block_panels * a_panel_elements(kernel, blk.kc), kept_a), align);
    b_size = round_up(round_up(blk.nc, nr) * blk.kc, align);
    scratch_size = round_up(static_cast<std::int64_t>(mr) * nr * acc_elements, align);
  }
  std::int64_t total() const { return a_size + b_size + scratch_size; }
};

// A thread's part in packing its node group's B panels: two panels (shared by the group) used in
// turn, the group's barrier, and which share of the slivers this thread packs.
template <class T>
struct GroupB {
  T* panels[2] = {nullptr, nullptr};
  Barrier* barrier = nullptr;
  int rank = 0, size = 1;
};

// A GEMV-like range of C through the micro-kernel's row_stream: B's rows streamed past accumulators
// that stay in cache. The column block is blocking.nc where set (the tests set it to cross blocks;
// rounded to whole NR columns), else the whole NR columns whose accumulators for these rows fit in
// kRowStreamAccBytes: with 16 KiB (L1) the rows of B were read 2 KiB at a time at 8 rows, and
// 8x4096x4096 f32 reached 16-18 GFLOP/s on Zen 3; with 64 KiB (L2) 21-30, with 256 KiB 18; 1x4096x4096
// is 7.3-8.9 GFLOP/s (15-18 GB/s of B) with any of them.
template <class T>
void row_stream_range(const GemmArgs<T>& args, const MicroKernel<T>& kernel, const GemmRange& range) {
  using Acc = GemmAcc<T>;
  const std::int64_t rows = range.i1 - range.i0, cols = range.j1 - range.j0;
  const std::int64_t acc_columns = kRowStreamAccBytes / (rows * static_cast<std::int64_t>(sizeof(Acc)));
  const std::int64_t block =
      std::min(cols, round_down(args.blocking.nc > 0 ? args.blocking.nc : acc_columns, kernel.nr));
  const bool a_transposed = args.trans_a == Trans::yes;
  // Row i0 of op(A): a row of the stored A, or its column i0 when A is transposed.
  const GemmOperand<T> a{args.a + (a_transposed ? range.i0 : range.i0 * args.lda), args.lda, a_transposed};
  kernel.row_stream(rows, cols, args.k, a, args.b + range.j0, args.ldb,
                    args.c + range.i0 * args.ldc + range.j0, args.ldc, args.alpha, args.beta, block,
                    workspace<Acc, Use::row_stream>(static_cast<std::size_t>(rows * block)));
}

// C[i0:i1, j0:j1] of the whole product, on one thread, packing into `work` (panels.total()
// elements, room for this range's kept_a_elements). With `group`, B comes from the group's panel:
// every thread of the group calls this with the same column band (and so the same sequence of
// barriers), its own rows (possibly none).
template <class T>
void gemm_block(const GemmArgs<T>& args, const MicroKernel<T>& kernel, const GemmBlocking& blk,
                const Panels<T>& panels, const GemmRange& range, T* work, const GroupB<T>* group = nullptr) {
  const int mr = kernel.mr, nr = kernel.nr;
  const GemmOperand<T> a{args.a, args.lda, args.trans_a == Trans::yes};
  const GemmOperand<T> b{args.b, args.ldb, args.trans_b == Trans::yes};
  using Acc = GemmAcc<T>;
  T* a_pack = work;
  T* b_pack = a_pack + panels.a_size;
  // C's type in T's buffer: the part is 64-byte aligned and only ever accessed as Acc.
  Acc* scratch = reinterpret_cast<Acc*>(b_pack + panels.b_size);
  const std::int64_t i0 = range.i0, i1 = range.i1, j0 = range.j0, j1 = range.j1;
  // GEMV-like shapes (a few rows of C): each packed B panel would be used by one or two MR-row
  // panels only, so packing costs more memory traffic (read B, write and reread the copy) than it
  // saves. The micro-kernel's row_stream then takes the range; without one (e.g. SVE: its sizeless
  // vectors cannot form row_stream.hpp's arrays), full-width tiles read an untransposed B in place
  // and only the partial last sliver is packed. An unpacked product's B is read in place too.
  const bool gemv_like = i1 - i0 <= kDirectBRowPanels * mr;
  const bool direct_b =
      group == nullptr && !b.transposed && kernel.k_unit == 1 && (gemv_like || unpacked_product(args, blk));
  if (direct_b && gemv_like && kernel.row_stream != nullptr) {
    row_stream_range(args, kernel, range);
    return;
  }
  const bool read_a_in_place = reads_a_in_place(args, kernel, blk);
  // Whether a row panel of `rows` rows is read in place: a full one, or a last one of fewer rows where the
  // micro-kernel has tiles of fewer rows (those write only their rows of C).
  const auto panel_in_place = [&](std::int64_t rows) {
    return read_a_in_place && (rows == mr || kernel.direct_a_rows != nullptr);
  };
  // A packed by the first NC panel and kept for the others (its rows of each K slice together, the
  // slices one after the other), or packed per MC block at the start of the buffer.
  const bool keep_a = kept_a_elements(args, kernel, blk, i1 - i0, j1 - j0) > 0;
  const std::int64_t rows_padded = round_up(i1 - i0, mr);
  int step = 0;  // KC x NC panels so far: the group's panels alternate
  // Row blocks of even height (at most MC): every block streams the whole B panel through L2, so a
  // last block of a few rows (1024 = 5 x 204 + 4) would cost a full pass for almost no work.
  const std::int64_t row_blocks = std::max<std::int64_t>(1, (i1 - i0 + blk.mc - 1) / blk.mc);
  const std::int64_t mc_even = round_up((i1 - i0 + row_blocks - 1) / row_blocks, mr);

  // NC sizes a packed B panel for the LLC; B read in place has no panel, and splitting its rows into
  // NC-wide pieces only restarts the hardware prefetcher more often (GEMV-like shapes, reading B from
  // memory, lost 3-8 % with 2 MiB panels, Zen 5). Where A is read in place and a packed sliver
  // outgrows L1, the panel is sized for L2 instead and A's row panels go outermost
  // (GemmBlocking::nc_direct_a, given for KC-deep slivers: a product of fewer k steps takes
  // proportionally more columns, the same bytes).
  const bool rows_outer = read_a_in_place && !direct_b && blk.nc_direct_a > 0;
  std::int64_t nc_step = direct_b ? j1 - j0 : blk.nc;
  if (rows_outer) {
    const std::int64_t deepest_slice = std::min(blk.kc, round_up(args.k, kernel.k_unit));
    nc_step = std::min(blk.nc, round_down(blk.nc_direct_a * (blk.kc / deepest_slice), nr));
  }
  for (std::int64_t jc = j0; jc < j1; jc += nc_step) {
    const std::int64_t nc = std::min(nc_step, j1 - jc);
    for (std::int64_t pc = 0; pc < args.k; pc += blk.kc) {
      const std::int64_t kc = std::min(blk.kc, args.k - pc);
      const std::int64_t kc_packed = round_up(kc, kernel.k_unit);  // a last slice's group is zero-padded
      // Where the packed sliver of the panel's column j (a multiple of nr) lies: direct B packs only its
      // partial last sliver, at the buffer's start (its band can be wider than the buffer's NC columns).
      const auto packed_sliver = [&](std::int64_t j) { return b_pack + (direct_b ? 0 : j * kc_packed); };
      const Acc beta = pc == 0 ? args.beta : Acc(1);  // later K slices accumulate onto the first
      // The packed panel of A's rows from ic + ir (ir within block ic) in this K slice. A kept A holds
      // the slices one after the other, each all of the range's panels; every slice before this one
      // is blk.kc deep.
      const std::int64_t a_panel = a_panel_elements(kernel, kc_packed);
      const auto packed_a = [&](std::int64_t ic, std::int64_t ir) {
        if (!keep_a) return a_pack + ir / mr * a_panel;
        const std::int64_t slice_start = pc / blk.kc * (rows_padded / mr) * a_panel_elements(kernel, blk.kc);
        return a_pack + slice_start + (ic - i0 + ir) / mr * a_panel;
      };
      const bool pack_a_now = !keep_a || jc == j0;  // a kept A is packed by the first NC panel
      if (group != nullptr) {
        // This thread's share of the slivers, then one barrier: after it every share is there, and
        // every thread has finished the tiles of the step before the last, the one that read the
        // panel packed now (so two panels in turn need one barrier per step, not two).
        b_pack = group->panels[step++ % 2];
        const std::int64_t slivers = (nc + nr - 1) / nr;
        const std::int64_t from = slivers * group->rank / group->size * nr;
        const std::int64_t to = std::min(nc, slivers * (group->rank + 1) / group->size * nr);
        if (from < to) kernel.pack_b(b, pc, kc, jc + from, to - from, nr, packed_sliver(from));
        group->barrier->arrive_and_wait();
      } else {
        // Direct B packs only the partial last sliver (if any), packed B all of them.
        const std::int64_t from = direct_b ? nc / nr * nr : 0;
        if (from < nc) kernel.pack_b(b, pc, kc, jc + from, nc - from, nr, packed_sliver(from));
      }
      for (std::int64_t ic = i0; ic < i1; ic += mc_even) {
        const std::int64_t mc = std::min(mc_even, i1 - ic);
        for (std::int64_t ir = 0; pack_a_now && ir < mc; ir += mr) {
          const std::int64_t rows = std::min<std::int64_t>(mr, mc - ir);
          if (panel_in_place(rows)) continue;  // nothing to pack
          const std::int64_t next_rows = std::clamp<std::int64_t>(i1 - (ic + ir + rows), 0, mr);
          kernel.pack_a(a, ic + ir, rows, pc, kc, mr, next_rows, packed_a(ic, ir));
        }
        // The tile of rows ir.. and columns jr.. of this block.
        const auto tile_at = [&](std::int64_t ir, std::int64_t jr) {
          const std::int64_t rows = std::min<std::int64_t>(mr, mc - ir);
          const std::int64_t cols = std::min<std::int64_t>(nr, nc - jr);
          Acc* c = args.c + (ic + ir) * args.ldc + jc + jr;
          const bool b_in_place = direct_b && cols == nr;
          const T* bp = b_in_place ? b.data + pc * b.ld + jc + jr : packed_sliver(jr);
          const std::int64_t ldb = b_in_place ? b.ld : nr;
          const bool a_in_place = panel_in_place(rows);
          const T* ap = a_in_place ? a.data + (ic + ir) * a.ld + pc : packed_a(ic, ir);
          const auto tile = [&](Acc* out, std::int64_t ldo, Acc tile_alpha, Acc tile_beta) {
            if (a_in_place && rows < mr) {
              kernel.direct_a_rows(static_cast<int>(rows), kc, ap, a.ld, bp, ldb, out, ldo, tile_alpha,
                                   tile_beta);
            } else if (a_in_place) {
              kernel.direct_a(kc, ap, a.ld, bp, ldb, out, ldo, tile_alpha, tile_beta);
            } else {
              kernel.fn(kc, ap, bp, ldb, out, ldo, tile_alpha, tile_beta);
            }
          };
          if ((rows == mr || a_in_place) && cols == nr) {
            tile(c, args.ldc, args.alpha, beta);
          } else {
            edge_tile(tile, nr, c, args.ldc, rows, cols, args.alpha, beta, scratch);
          }
        };
        if (rows_outer) {
          for (std::int64_t ir = 0; ir < mc; ir += mr) {
            for (std::int64_t jr = 0; jr < nc; jr += nr) tile_at(ir, jr);
          }
        } else {
          for (std::int64_t jr = 0; jr < nc; jr += nr) {
            for (std::int64_t ir = 0; ir < mc; ir += mr) tile_at(ir, jr);
          }
        }
      }
    }
  }
}

// The NUMA node of each thread of a kernel team of `threads` (0 where the topology does not say).
std::vector<int> team_nodes(int threads) {
  const std::vector<NumaSummary>& numa = Topology::binding().summary().numa;
  std::vector<int> nodes;
  for (int pu : kernel_team_pus(threads)) {
    int node = 0;
    for (const NumaSummary& n : numa) {
      if (std::find(n.cpus.begin(), n.cpus.end(), pu) != n.cpus.end()) node = n.node;
    }
    nodes.push_back(node);
  }
  return nodes;
}

void gemm_require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("gemm: " + what);
}

}  // namespace

std::vector<GemmRange> gemm_partition(std::int64_t m, std::int64_t n, int mr, int nr, int threads) {
  const std::int64_t row_tiles = (m + mr - 1) / mr, col_tiles = (n + nr - 1) / nr;
  // Grid rows x cols = threads. Each thread packs its rows of A and its columns of B, so minimise
  // m / rows + n / cols (the packed volume per thread), among grids where every thread gets a tile.
  int best_rows = 1;
  double best_cost = -1;
  for (int rows = 1; rows <= threads; ++rows) {
    if (threads % rows != 0) continue;
    const int cols = threads / rows;
    const bool all_busy = rows <= row_tiles && cols <= col_tiles;
    const double cost = double(m) / rows + double(n) / cols + (all_busy ? 0.0 : 1e300);
    if (best_cost < 0 || cost < best_cost) {
      best_cost = cost;
      best_rows = rows;
    }
  }
  const int rows = best_rows, cols = threads / best_rows;
  std::vector<GemmRange> ranges;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      // Whole tiles per thread, spread evenly; only the last band/column holds the edge.
      ranges.push_back({std::min(m, row_tiles * r / rows * mr), std::min(m, row_tiles * (r + 1) / rows * mr),
                        std::min(n, col_tiles * c / cols * nr),
                        std::min(n, col_tiles * (c + 1) / cols * nr)});
    }
  }
  return ranges;
}

GemmTeamPlan gemm_team_plan(std::int64_t m, std::int64_t n, int mr, int nr,
                            const std::vector<int>& node_of_thread, std::int64_t min_rows) {
  const int threads = static_cast<int>(node_of_thread.size());
  GemmTeamPlan plan;
  std::vector<int> nodes;  // group g is the g-th distinct node, in thread order
  for (int node : node_of_thread) {
    const auto it = std::find(nodes.begin(), nodes.end(), node);
    plan.group.push_back(static_cast<int>(it - nodes.begin()));
    if (it == nodes.end()) {
      nodes.push_back(node);
      plan.group_size.push_back(0);
    }
    plan.group_rank.push_back(plan.group_size[static_cast<std::size_t>(plan.group.back())]++);
  }
  const std::int64_t row_tiles = (m + mr - 1) / mr, col_tiles = (n + nr - 1) / nr;
  const int largest =
      plan.group_size.empty() ? 0 : *std::max_element(plan.group_size.begin(), plan.group_size.end());
  // Sharing pays only where the 2-D partition would split the rows of C, so that threads would pack
  // the same columns of B. Where it splits only the columns (N at least about M x threads, e.g.
  // 512x4096x1024 or 1024^3 at 2 threads), every thread packs a disjoint band of B anyway: B is
  // packed once, into a buffer the thread itself first touches (on its node), with no barrier, and
  // each thread's MC blocks cover all M rows (512 = 3 x 174) instead of half of them in blocks
  // of the same width (256 = 2 x 132), so it streams less of B through L2. Measured on Zen 5 at 2
  // threads (6x64 f32, interleaved runs, best of 6): 512x4096x1024 336 -> 386 GFLOP/s (medians
  // 286 -> 361), 1024^3 370 -> 394.
  const std::vector<GemmRange> grid = gemm_partition(m, n, mr, nr, threads);
  const bool splits_rows = std::any_of(grid.begin(), grid.end(), [](const GemmRange& r) { return r.i0 > 0; });
  plan.shared_b = threads > 1 && m > min_rows && row_tiles >= largest && splits_rows;
  if (!plan.shared_b) {
    plan.ranges = grid;
    return plan;
  }
  // Column bands: group g gets col_tiles * (threads before it) / threads .. onwards.
  std::vector<std::int64_t> band(plan.group_size.size() + 1, 0);
  for (std::size_t g = 0, before = 0; g < plan.group_size.size(); ++g) {
    before += static_cast<std::size_t>(plan.group_size[g]);
    band[g + 1] = col_tiles * static_cast<std::int64_t>(before) / threads;
  }
  for (int t = 0; t < threads; ++t) {
    const auto g = static_cast<std::size_t>(plan.group[static_cast<std::size_t>(t)]);
    const std::int64_t r = plan.group_rank[static_cast<std::size_t>(t)], size = plan.group_size[g];
    plan.ranges.push_back({std::min(m, row_tiles * r / size * mr),
                           std::min(m, row_tiles * (r + 1) / size * mr), std::min(n, band[g] * nr),
                           std::min(n, band[g + 1] * nr)});
  }
  return plan;
}

GemmCaches gemm_caches() {
  // From the topology (hwloc), once; a level it does not report keeps the default.
  static const GemmCaches caches = [] {
    GemmCaches found;
    int llc_level = 0;
    for (const CacheSummary& cache : Topology::binding().summary().caches) {
      if (cache.type == "instruction" || cache.size_bytes == 0) continue;
      const auto size = static_cast<std::int64_t>(cache.size_bytes);
      if (cache.level == 1) found.l1 = size;
      if (cache.level == 2) found.l2 = size;
      if (cache.level >= 3 && cache.level > llc_level) {
        llc_level = cache.level;
        found.llc = size;
      }
    }
    return found;
  }();
  return caches;
}

GemmBlocking gemm_blocking(const GemmBlocking& requested, int mr, int nr, std::int64_t element_bytes,
                           const GemmCaches& caches, int k_unit) {
  GemmBlocking blk = requested;
  // KC: 512 k steps (1024 on x86 cores with a large L2, below) for every element type. The C tile is
  // loaded and stored once per KC slice, and what amortises it is the number of FMA steps per slice, not
  // their bytes: a 6 x 64 f32 tile and a 6 x 32 f64 tile both do 24 vector FMAs per k step. The KC x NR
  // sliver of B then outgrows L1 and
  // streams from L2, which on Zen 4/5, Skylake-X and Neoverse N1/V1 feeds 32-64 B/cycle against the
  // ~20 the micro-kernels need. Measured on Zen 5 at 1024^3 (6x64 and 14x32 f32 tiles): 512 beat the
  // L1-resident choice (96-192) and 256/384 by 5-10 %; rechecked with the per-ISA packing at 1024^3
  // and 512x4096x1024, f32 KC 512 still beat 256 and 1024 (by 3-7 %). f64 had half of it (2 KiB per
  // row, KC 256) until the profile of dgemm 1024^3 showed the C-tile epilogue at 11 % of the
  // micro-kernel's samples (its loads of C miss: between two slices of one tile the whole 8 MiB C is
  // swept); KC 512 halves that and gained 2-6 % over 256 in four interleaved runs (6x32, Zen 5),
  // while a late prefetch of the C tile (32 k steps before the end) gained nothing.
  // x86 with an L2 of 2 MiB or more, 1024: on a Granite Rapids VM (2 MiB L2, 48 KiB L1) the 6x64 f32
  // tile gained 2-6 % at 1024^3 and 2048^3 and 5-12 % at 4096x64x4096 over 512 in interleaved runs,
  // 0-10 % at 2 threads (1024^3, 512x4096x1024), the VNNI int8 tile 3-12 % at 1024^3 on 2 threads; the
  // 6x32 f64 tile was unchanged. Slices of 96-256 were 10-35 % slower there: the C tile's epilogue (its
  // rows 4 KiB apart, from the LLC) is dearer than on Zen 5, and fewer slices read it less often. Arm
  // cores with 2 MiB of L2 (Neoverse V2, AmpereOne) keep 512 until one is measured.
  constexpr bool kX86 =
#if defined(__x86_64__)
      true;
#else
      false;
#endif
  if (blk.kc <= 0) blk.kc = kX86 && caches.l2 >= (std::int64_t{2} << 20) ? 1024 : 512;
  // MC: the packed MC x KC block of A stays in L2 (40 % of it: B slivers and C tiles pass through).
  if (blk.mc <= 0) blk.mc = caches.l2 * 2 / 5 / (blk.kc * element_bytes);
  // NC: the KC x NC panel of B in a share of the LLC, at most 2 MiB: a VM's reported LLC can be the
  // whole host's (508 MB on the Zen 5 VM), and each MC block sweeps the whole panel, which must
  // survive in an LLC shared with other cores (and tenants) between the sweeps. A cap in bytes, not
  // columns, so that f32 and f64 panels are the same size (1024 and 512 columns at KC 512).
  // Measured on Zen 5 at 512x4096x1024 (interleaved runs, 1 thread): 8 MiB panels (4096 f32 /
  // 2048 f64 columns) ran 3-5 % (f32) and 4-7 % (f64) slower than 2 MiB ones, 4 MiB in between;
  // 2 threads f32 +2-10 %; 1024^3 f32 unchanged (N = 1024), f64 within 1 % (then from packing A
  // twice; the AVX-512 tiles now read A in place).
  constexpr std::int64_t kMaxPanelBytes = std::int64_t{2} << 20;
  if (blk.nc <= 0) blk.nc = std::min(caches.llc / 4, kMaxPanelBytes) / (blk.kc * element_bytes);
  // Unpacked products: operands of up to half of L1 each. Each tile then rereads them from L1
  // whether they were packed or not, so packing is a pure extra copy of both (15-25 % of 64^3 f32).
  // Measured on Zen 3 (32 KiB L1, AVX2, interleaved processes, medians of 7-11 rounds): sgemm 64^3
  // 55 -> 65-72 GFLOP/s. At 128^3 f32 and 64^3 f64 (32 and 64 KiB operands) it gained nothing or lost:
  // rows of B a power of two apart then share few L1 sets and evict each other.
  if (blk.unpacked_bytes == 0) blk.unpacked_bytes = caches.l1 / 2;
  // A in place up to half of L2 (where the micro-kernel limits direct_a): its MR row streams then come
  // from L2, and packing it was 11 % of sgemm 128^3's profile at 2 threads. Measured on Zen 3 (AVX2,
  // 9 interleaved processes, ratio to oneDNN in the same process): 128^3 f32 at 2 threads 0.71 -> 0.91
  // (88.6 -> 104 GFLOP/s), 256^3 123 -> 130 GFLOP/s; at 1 thread no change over 15 rounds (f32 and f64,
  // 128^3 and 256^3). A larger A streams from L3 or memory, where the packed panel measured faster
  // (gemm_avx2.cpp).
  if (blk.direct_a_bytes == 0) blk.direct_a_bytes = caches.l2 / 2;
  // The caller as thread 0 below 64 MFLOP (a run of ~0.5 ms at 2 threads): a short run cannot hide the
  // hand-off between a waiting caller and a team thread 0 that shares its CPU (2 threads, Zen 3 VM:
  // sgemm 64^3 16 -> 49 GFLOP/s, 128^3 57 -> 90, 256^3 107 -> 125; dgemm 64^3 13 -> 28). Longer runs
  // keep a pinned thread 0, whose CPU and caches are not the scheduler's choice: at 512x4096x1024 the
  // caller as thread 0 measured 0.93-0.97 of OpenBLAS against 0.94-0.98 pinned (noisy, not conclusive).
  if (blk.caller_works_flops == 0) blk.caller_works_flops = 64e6;
  // On the caller alone below 1 MFLOP: a team of 2 with the caller working still spent ~7 us per call
  // on the hand-off (sgemm 64^3, 0.5 MFLOP: 8.5 us alone, 11 us at 2 threads, Zen 3 VM), which a share
  // of 1 MFLOP / 2 (~7 us) would just cover.
  if (blk.solo_flops == 0) blk.solo_flops = 1e6;
  blk.mc = round_down(blk.mc, mr);
  blk.nc = round_down(blk.nc, nr);
  blk.kc = round_up(blk.kc, k_unit);  // K slices start on a group
  // NC where A is read in place and a KC x NR sliver of B outgrows half of L1 (gemm_block): the B panel
  // in a quarter of L2 (the A block of BLIS's order takes 2/5 of it). In that order an MC block
  // of f64 (KC 1024: 102 rows, 17 tiles) met each 256 KiB sliver first from L3 at the tile's pace;
  // with the panel in L2 and A's row panels outermost, each A panel comes from L3 once per NC panel,
  // a 48 KiB stream at the tile's pace of 48 B per k step. Measured on a Granite Rapids VM against
  // BLIS's order (interleaved runs, medians of 6 paired ratios; 6x32 f64 with NC 64, 6x64 f32 with 128):
  // dgemm 1024^3 +10 %, 512x4096x1024 +8 %, 2048^3 +15 % at 1 thread, +6 %, +3 %, +9 % at 2; sgemm +6 %,
  // +3 %, +10 % at 1 thread, 0-1 % at 2; 128^3-512^3 and 4096x64x4096 within +-3 %. 128 f64 columns
  // measured as 64. It needs A in place: a packed A would be packed once per NC panel, N / NC times
  // (AVX2 f64 tiles, which pack a large A, lost 12-25 %).
  if (blk.nc_direct_a == 0) {
    const bool sliver_in_l1 = blk.kc * nr * element_bytes <= caches.l1 / 2;
    blk.nc_direct_a = sliver_in_l1 ? -1 : caches.l2 / 4 / (blk.kc * element_bytes);
  }
  if (blk.nc_direct_a > 0) blk.nc_direct_a = round_down(blk.nc_direct_a, nr);
  return blk;
}

template <class T>
void check_gemm_args(const GemmArgs<T>& args) {
  gemm_require(args.m >= 0 && args.n >= 0 && args.k >= 0, "negative dimension m=" + std::to_string(args.m) +
                                                              " n=" + std::to_string(args.n) +
                                                              " k=" + std::to_string(args.k));
  const std::int64_t a_cols = args.trans_a == Trans::no ? args.k : args.m;
  const std::int64_t b_cols = args.trans_b == Trans::no ? args.n : args.k;
  gemm_require(args.lda >= std::max<std::int64_t>(1, a_cols),
               "lda=" + std::to_string(args.lda) + " < " + std::to_string(a_cols));
  gemm_require(args.ldb >= std::max<std::int64_t>(1, b_cols),
               "ldb=" + std::to_string(args.ldb) + " < " + std::to_string(b_cols));
  gemm_require(args.ldc >= std::max<std::int64_t>(1, args.n),
               "ldc=" + std::to_string(args.ldc) + " < " + std::to_string(args.n));
  gemm_require(args.threads >= 1, "threads=" + std::to_string(args.threads) + " < 1");
}

template <class T>
void gemm(const GemmArgs<T>& args, const MicroKernel<T>& kernel) {
  check_gemm_args(args);
  if (kernel.fn == nullptr || kernel.pack_a == nullptr || kernel.pack_b == nullptr) {
    throw std::logic_error(
        "gemm: micro-kernel without its packing routines (build it with gemm_micro_kernel())");
  }
  if (kernel.a_panel_extra < 0 || (kernel.a_panel_extra > 0 && kernel.direct_a != nullptr)) {
    throw std::logic_error("gemm: a micro-kernel with data after its A panels reads A packed only");
  }
  if (kernel.direct_a_rows != nullptr && kernel.direct_a == nullptr) {
    throw std::logic_error("gemm: a micro-kernel's tiles of fewer rows in place come with its direct_a");
  }
  if (args.m == 0 || args.n == 0) return;
  if (args.k == 0 || args.alpha == GemmAcc<T>(0)) {
    scale_c(args.c, args.ldc, args.m, args.n, args.beta);
    return;
  }
  const GemmBlocking blk =
      gemm_blocking(args.blocking, kernel.mr, kernel.nr, sizeof(T), gemm_caches(), kernel.k_unit);
  const double flops =
      2.0 * static_cast<double>(args.m) * static_cast<double>(args.n) * static_cast<double>(args.k);
  if (args.threads == 1 || flops < blk.solo_flops) {  // like the peers: on the caller, no hand-off
    const Panels<T> panels(blk, kernel, kept_a_elements(args, kernel, blk, args.m, args.n));
    gemm_block(args, kernel, blk, panels, GemmRange{0, args.m, 0, args.n},
               workspace<T>(static_cast<std::size_t>(panels.total())));
    return;
  }
  const GemmTeamPlan plan = gemm_team_plan(args.m, args.n, kernel.mr, kernel.nr, team_nodes(args.threads),
                                           kDirectBRowPanels * kernel.mr);
  std::int64_t kept_a = 0;  // room for the largest range's
  for (const GemmRange& r : plan.ranges) {
    kept_a = std::max(kept_a, kept_a_elements(args, kernel, blk, r.i1 - r.i0, r.j1 - r.j0));
  }
  const Panels<T> panels(blk, kernel, kept_a);
  const auto per_thread = static_cast<std::size_t>(panels.total());
  Team& team = persistent_kernel_team(args.threads,
                                      flops < blk.caller_works_flops ? TeamCaller::works : TeamCaller::waits);
  if (!plan.shared_b) {
    // Each thread packs into its own buffer, first touched by that thread (the caller's own for thread 0
    // of a TeamCaller::works team).
    team.run([&](int t) {
      const GemmRange& range = plan.ranges[static_cast<std::size_t>(t)];
      if (!range.empty()) gemm_block(args, kernel, blk, panels, range, workspace<T>(per_thread));
    });
    return;
  }
  // Two B panels per node group, allocated by the group's first thread (a team thread or the caller,
  // both persistent, so the buffer is reused by later calls) and first touched by the group's packers.
  std::vector<T*> panel(plan.group_size.size(), nullptr);
  std::vector<std::unique_ptr<Barrier>> barriers;
  for (int size : plan.group_size) barriers.push_back(std::make_unique<Barrier>(size));
  team.run([&](int t) {
    const auto g = static_cast<std::size_t>(plan.group[static_cast<std::size_t>(t)]);
    GroupB<T> group{{nullptr, nullptr},
                    barriers[g].get(),
                    plan.group_rank[static_cast<std::size_t>(t)],
                    plan.group_size[g]};
    try {
      if (group.rank == 0) panel[g] = workspace<T, Use::group_b>(2 * static_cast<std::size_t>(panels.b_size));
      group.barrier->arrive_and_wait();
      group.panels[0] = panel[g];
      group.panels[1] = panel[g] + panels.b_size;
      gemm_block(args, kernel, blk, panels, plan.ranges[static_cast<std::size_t>(t)],
                 workspace<T>(per_thread), &group);
    } catch (...) {
      group.barrier->break_all();  // the group's other threads leave their barrier instead of waiting
      throw;
    }
  });
}

template void gemm<float>(const GemmArgs<float>&, const MicroKernel<float>&);
template void gemm<double>(const GemmArgs<double>&, const MicroKernel<double>&);
template void gemm<Bfloat16>(const GemmArgs<Bfloat16>&, const MicroKernel<Bfloat16>&);
template void gemm<std::int8_t>(const GemmArgs<std::int8_t>&, const MicroKernel<std::int8_t>&);
template void check_gemm_args<float>(const GemmArgs<float>&);
template void check_gemm_args<double>(const GemmArgs<double>&);
template void check_gemm_args<Bfloat16>(const GemmArgs<Bfloat16>&);
template void check_gemm_args<std::int8_t>(const GemmArgs<std::int8_t>&);

}  // namespace armperf::kernels
