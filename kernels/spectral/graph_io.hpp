// Graph files for `armperf sbm` (issue 8): GraphChallenge-style TSV edge lists ("src dst [weight]",
// 1-based ids), Matrix Market coordinate files, and truth files ("node block", 1-based). Directed
// input is symmetrised as A + A^T; a weight column whose weights are all 1 reads as a pattern.
// Every error names the file, the line and what was expected (std::invalid_argument).
#pragma once

#include <string>
#include <vector>

#include "kernels/spectral/csr.hpp"

namespace armperf::kernels::spectral {

struct GraphFile {
  Index n = 0;              // the largest id seen
  std::vector<Edge> edges;  // 0-based
  bool weighted = false;
};

// Chooses the reader by content: a first line starting with %%MatrixMarket is Matrix Market.
GraphFile read_graph(const std::string& path);
GraphFile read_edge_tsv(const std::string& path);
GraphFile read_matrix_market(const std::string& path);

// Blocks per node, 0-based and dense (block ids renumbered in increasing order); the file must name
// every node in [1, n] exactly once, and may extend n (nodes without edges).
std::vector<Index> read_truth(const std::string& path, Index& n);

// The edges once each, 1-based, "u<TAB>v<TAB>1"; and "node<TAB>block", both 1-based.
void write_edge_tsv(const std::string& path, const std::vector<Edge>& edges);
void write_truth(const std::string& path, const std::vector<Index>& blocks);

}  // namespace armperf::kernels::spectral
