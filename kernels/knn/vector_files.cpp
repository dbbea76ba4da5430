#include "kernels/knn/vector_files.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <regex>
#include <sstream>

namespace armperf::kernels {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw VectorFileError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw VectorFileError(fmt::format("{}: read error", path));
  return bytes.str();
}

// The files are little-endian, as every machine armperf runs on (x86-64, AArch64 Linux).
template <class T>
T load(const std::string& bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

// One TEXMEX layout: records of [int32 dim][dim x C], C converted to Out. All records must share
// record 0's dimension.
template <class C, class Out>
std::vector<Out> parse_texmex(const std::string& bytes, const std::string& name, std::int64_t& n,
                              std::int64_t& d) {
  if (bytes.empty()) throw VectorFileError(fmt::format("{}: empty file, expected at least one vector", name));
  std::vector<Out> out;
  std::size_t offset = 0;
  n = 0;
  d = 0;
  while (offset < bytes.size()) {
    if (bytes.size() - offset < 4) {
      throw VectorFileError(
          fmt::format("{}: record {}: truncated, expected a 4-byte dimension, found {} byte(s)", name, n,
                      bytes.size() - offset));
    }
    const auto dim = load<std::int32_t>(bytes, offset);
    if (dim <= 0)
      throw VectorFileError(
          fmt::format("{}: record {}: dimension {}, expected a positive int32", name, n, dim));
    if (n > 0 && dim != d) {
      throw VectorFileError(fmt::format(
          "{}: record {}: dimension {}, expected {} (the dimension of record 0)", name, n, dim, d));
    }
    d = dim;
    const std::size_t need = std::size_t(dim) * sizeof(C);
    offset += 4;
    if (bytes.size() - offset < need) {
      throw VectorFileError(fmt::format("{}: record {}: truncated, expected {} bytes of components, found {}",
                                        name, n, need, bytes.size() - offset));
    }
    for (std::int32_t j = 0; j < dim; ++j)
      out.push_back(static_cast<Out>(load<C>(bytes, offset + j * sizeof(C))));
    offset += need;
    ++n;
  }
  return out;
}

}  // namespace

VectorSet parse_fvecs(const std::string& bytes, const std::string& name) {
  VectorSet set;
  set.data = parse_texmex<float, float>(bytes, name, set.n, set.d);
  return set;
}

VectorSet parse_bvecs(const std::string& bytes, const std::string& name) {
  VectorSet set;
  set.data = parse_texmex<std::uint8_t, float>(bytes, name, set.n, set.d);
  return set;
}

IdSet parse_ivecs(const std::string& bytes, const std::string& name) {
  IdSet set;
  set.ids = parse_texmex<std::int32_t, std::int64_t>(bytes, name, set.n, set.k);
  return set;
}

// NumPy format 1.0-3.0: "\x93NUMPY", major, minor, header length (uint16 in 1.x, uint32 after), a
// Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (n, d), }, then the data.
VectorSet parse_npy(const std::string& bytes, const std::string& name) {
  static const std::string magic = "\x93NUMPY";
  if (bytes.compare(0, magic.size(), magic) != 0) {
    throw VectorFileError(fmt::format("{}: wrong magic, expected \\x93NUMPY (a NumPy .npy file)", name));
  }
  if (bytes.size() < 10)
    throw VectorFileError(fmt::format("{}: truncated header, expected at least 10 bytes", name));
  const int major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3)
    throw VectorFileError(fmt::format("{}: format version {}, expected 1, 2 or 3", name, major));
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  const std::size_t header_start = 8 + length_bytes;
  if (bytes.size() < header_start) throw VectorFileError(fmt::format("{}: truncated header length", name));
  const std::size_t header_length =
      major == 1 ? load<std::uint16_t>(bytes, 8) : static_cast<std::size_t>(load<std::uint32_t>(bytes, 8));
  if (bytes.size() < header_start + header_length) {
    throw VectorFileError(fmt::format("{}: truncated header, expected {} bytes, found {}", name,
                                      header_length, bytes.size() - header_start));
  }
  const std::string header = bytes.substr(header_start, header_length);
  std::smatch m;
  if (!std::regex_search(header, m, std::regex(R"('descr'\s*:\s*'([^']*)')")) || m[1] != "<f4") {
    throw VectorFileError(fmt::format("{}: header: descr '{}', expected '<f4' (little-endian float32)", name,
                                      m.empty() ? std::string("?") : m[1].str()));
  }
  if (!std::regex_search(header, m, std::regex(R"('fortran_order'\s*:\s*(True|False))")) || m[1] != "False") {
    throw VectorFileError(fmt::format("{}: header: fortran_order must be False (C order)", name));
  }
  if (!std::regex_search(header, m, std::regex(R"('shape'\s*:\s*\(\s*(\d+)\s*,\s*(\d+)\s*,?\s*\))"))) {
    throw VectorFileError(fmt::format("{}: header: shape, expected a 2-D shape (n, d)", name));
  }
  VectorSet set;
  set.n = std::stoll(m[1]);
  set.d = std::stoll(m[2]);
  if (set.n <= 0 || set.d <= 0) {
    throw VectorFileError(
        fmt::format("{}: header: shape ({}, {}), expected positive n and d", name, set.n, set.d));
  }
  const std::size_t data_start = header_start + header_length;
  const std::size_t need = std::size_t(set.n) * std::size_t(set.d) * 4;
  if (bytes.size() - data_start != need) {
    const std::size_t found = bytes.size() - data_start;
    throw VectorFileError(fmt::format("{}: record {}: data of {} bytes, expected {} ({} x {} float32)", name,
                                      found / (std::size_t(set.d) * 4), found, need, set.n, set.d));
  }
  set.data.resize(std::size_t(set.n * set.d));
  std::memcpy(set.data.data(), bytes.data() + data_start, need);
  return set;
}

VectorSet read_vectors(const std::string& path) {
  auto ends_with = [&](const char* ext) { return path.size() >= std::strlen(ext) && path.ends_with(ext); };
  if (ends_with(".fvecs")) return parse_fvecs(read_file(path), path);
  if (ends_with(".bvecs")) return parse_bvecs(read_file(path), path);
  if (ends_with(".npy")) return parse_npy(read_file(path), path);
  throw VectorFileError(fmt::format("{}: unknown extension, expected .fvecs, .bvecs or .npy", path));
}

IdSet read_ivecs(const std::string& path) {
  if (!path.ends_with(".ivecs"))
    throw VectorFileError(fmt::format("{}: unknown extension, expected .ivecs", path));
  return parse_ivecs(read_file(path), path);
}

namespace {

template <class T, class Row>
void write_texmex(const std::string& path, std::int64_t n, std::int64_t d, Row row) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw VectorFileError(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
  const auto dim = static_cast<std::int32_t>(d);
  std::vector<T> buffer(static_cast<std::size_t>(d));
  for (std::int64_t i = 0; i < n; ++i) {
    row(i, buffer.data());
    out.write(reinterpret_cast<const char*>(&dim), 4);
    out.write(reinterpret_cast<const char*>(buffer.data()), static_cast<std::streamsize>(d * sizeof(T)));
  }
  if (!out.flush()) throw VectorFileError(fmt::format("{}: write error", path));
}

}  // namespace

void write_ivecs(const std::string& path, const IdSet& ids) {
  write_texmex<std::int32_t>(path, ids.n, ids.k, [&](std::int64_t i, std::int32_t* row) {
    for (std::int64_t j = 0; j < ids.k; ++j)
      row[j] = static_cast<std::int32_t>(ids.ids[std::size_t(i * ids.k + j)]);
  });
}

void write_fvecs(const std::string& path, const VectorSet& vectors) {
  write_texmex<float>(path, vectors.n, vectors.d, [&](std::int64_t i, float* row) {
    std::memcpy(row, vectors.data.data() + i * vectors.d, std::size_t(vectors.d) * sizeof(float));
  });
}

}  // namespace armperf::kernels
