// Registry rows of the k-NN family, built the same way by every distance_<isa>.cpp: op, dtype,
// FLOPs and bytes per database element, the function.
#pragma once

#include <string>

#include "kernels/knn/knn.hpp"
#include "kernels/registry.hpp"

namespace armperf::kernels {

// A distance kernel row (family "knn"): an element is one database vector component (4 bytes of f32
// read); L2 costs a subtraction and an FMA (3 FLOPs) per element, inner product one FMA (2).
KernelVariant distance_variant(std::string name, Metric metric, Isa isa, unsigned tile, DistanceFn fn);

// An exact-search row (family "knn_search", op knn_search) running the driver on `isa`'s kernels.
KernelVariant search_variant(std::string name, Isa isa, KnnSearchFn fn);

}  // namespace armperf::kernels
