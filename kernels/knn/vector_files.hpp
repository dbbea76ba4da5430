// The vector files ANN data sets ship in: TEXMEX .fvecs / .bvecs / .ivecs (SIFT, GIST: per vector a
// little-endian int32 dimension, then its components as float32 / uint8 / int32) and NumPy .npy
// (float32, 2-D, C order). Every error names the file, the record and what was expected.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace armperf::kernels {

// A malformed or unreadable file: what() is one line, "<file>: record <i>: <expected>, <found>".
struct VectorFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct VectorSet {
  std::int64_t n = 0, d = 0;
  std::vector<float> data;  // n x d, row-major
};

struct IdSet {
  std::int64_t n = 0, k = 0;
  std::vector<std::int64_t> ids;  // n x k
};

// By extension: .fvecs, .bvecs (components widened to float) or .npy.
VectorSet read_vectors(const std::string& path);
IdSet read_ivecs(const std::string& path);

// Parsers of a file's bytes (tests feed them directly); `name` is used in messages.
VectorSet parse_fvecs(const std::string& bytes, const std::string& name);
VectorSet parse_bvecs(const std::string& bytes, const std::string& name);
IdSet parse_ivecs(const std::string& bytes, const std::string& name);
VectorSet parse_npy(const std::string& bytes, const std::string& name);

// Writers (ground truth, generated data sets); throw VectorFileError naming the path.
void write_ivecs(const std::string& path, const IdSet& ids);
void write_fvecs(const std::string& path, const VectorSet& vectors);

}  // namespace armperf::kernels
