#include "kernels/spectral/graph_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace armperf::kernels::spectral {
namespace {

// Reads a file line by line, splitting on blanks, and builds errors that name "file:line".
class LineReader {
 public:
  explicit LineReader(const std::string& path) : path_(path), in_(path) {
    if (!in_) throw std::invalid_argument(path + ": cannot open: " + std::strerror(errno));
  }
  // The next line that is not blank and not a comment (comment starts with any of `comments`).
  bool next(std::vector<std::string>& fields, const char* comments) {
    std::string text;
    while (std::getline(in_, text)) {
      ++line_;
      if (!text.empty() && text.back() == '\r') text.pop_back();
      const auto first = text.find_first_not_of(" \t");
      if (first == std::string::npos || std::strchr(comments, text[first]) != nullptr) continue;
      fields.clear();
      std::istringstream words(text);
      for (std::string w; words >> w;) fields.push_back(w);
      return true;
    }
    return false;
  }
  std::invalid_argument error(const std::string& what) const {
    return std::invalid_argument(path_ + ":" + std::to_string(line_) + ": " + what);
  }
  // A 1-based id in [1, 2^31 - 1], returned 0-based.
  Index id(const std::string& text, const char* what) const {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || errno != 0) {
      throw error(std::string("expected ") + what + " as a positive integer, got \"" + text + "\"");
    }
    if (v < 1 || v > 2147483647LL) {
      throw error(std::string(what) + " " + text + " is out of range: ids are 1-based, up to 2147483647");
    }
    return static_cast<Index>(v - 1);
  }
  float weight(const std::string& text) const {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0' || !std::isfinite(v)) {
      throw error("expected the weight as a finite number, got \"" + text + "\"");
    }
    return static_cast<float>(v);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ifstream in_;
  long line_ = 0;
};

void finish(GraphFile& g, const std::string& path) {
  if (g.edges.empty()) throw std::invalid_argument(path + ": no edges (expected lines \"src dst [weight]\")");
  g.weighted = std::any_of(g.edges.begin(), g.edges.end(), [](const Edge& e) { return e.weight != 1.0f; });
}

}  // namespace

GraphFile read_edge_tsv(const std::string& path) {
  LineReader in(path);
  GraphFile g;
  std::vector<std::string> f;
  std::size_t columns = 0;
  while (in.next(f, "#%")) {
    if (columns == 0) {
      if (f.size() != 2 && f.size() != 3) {
        throw in.error("expected 2 or 3 fields (src dst [weight]), got " + std::to_string(f.size()));
      }
      columns = f.size();
    } else if (f.size() != columns) {
      throw in.error("expected " + std::to_string(columns) + " fields like the first line, got " +
                     std::to_string(f.size()));
    }
    Edge e{in.id(f[0], "src"), in.id(f[1], "dst"), 0, columns == 3 ? in.weight(f[2]) : 1.0f};
    g.n = std::max({g.n, e.u + 1, e.v + 1});
    g.edges.push_back(e);
  }
  finish(g, path);
  return g;
}

GraphFile read_matrix_market(const std::string& path) {
  std::ifstream head(path);
  std::string banner;
  if (!head || !std::getline(head, banner))
    throw std::invalid_argument(path + ": empty file (expected a %%MatrixMarket header)");
  std::istringstream words(banner);
  std::string tag, object, format, field, symmetry;
  words >> tag >> object >> format >> field >> symmetry;
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  if (tag != "%%MatrixMarket" || lower(object) != "matrix" || lower(format) != "coordinate") {
    throw std::invalid_argument(path +
                                ":1: expected \"%%MatrixMarket matrix coordinate <field> <symmetry>\"");
  }
  field = lower(field);
  symmetry = lower(symmetry);
  if (field != "real" && field != "integer" && field != "pattern") {
    throw std::invalid_argument(path + ":1: field \"" + field +
                                "\" is not supported (expected real, integer or pattern)");
  }
  if (symmetry != "general" && symmetry != "symmetric") {
    throw std::invalid_argument(path + ":1: symmetry \"" + symmetry +
                                "\" is not supported (expected general or symmetric)");
  }
  LineReader in(path);
  std::vector<std::string> f;
  if (!in.next(f, "%") || f.size() != 3) throw in.error("expected the size line \"rows cols entries\"");
  const Index rows = in.id(f[0], "rows"), cols = in.id(f[1], "cols");
  if (rows != cols) throw in.error("expected a square matrix, got " + f[0] + " x " + f[1]);
  char* end = nullptr;
  const long long entries = std::strtoll(f[2].c_str(), &end, 10);
  if (*end != '\0' || entries < 0)
    throw in.error("expected the entry count as an integer >= 0, got \"" + f[2] + "\"");
  GraphFile g;
  g.n = rows + 1;
  const std::size_t columns = field == "pattern" ? 2 : 3;
  while (in.next(f, "%")) {
    if (f.size() != columns) {
      throw in.error("expected " + std::to_string(columns) + " fields (row col" +
                     (columns == 3 ? " value)" : ")") + ", got " + std::to_string(f.size()));
    }
    Edge e{in.id(f[0], "row"), in.id(f[1], "col"), 0, columns == 3 ? in.weight(f[2]) : 1.0f};
    if (e.u >= g.n || e.v >= g.n)
      throw in.error("entry (" + f[0] + ", " + f[1] + ") is outside the " + std::to_string(g.n) + " x " +
                     std::to_string(g.n) + " matrix");
    g.edges.push_back(e);
  }
  if (static_cast<long long>(g.edges.size()) != entries) {
    throw std::invalid_argument(path + ": the size line announces " + std::to_string(entries) +
                                " entries, the file has " + std::to_string(g.edges.size()));
  }
  finish(g, path);
  return g;
}

GraphFile read_graph(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(path + ": cannot open: " + std::strerror(errno));
  std::string first;
  std::getline(in, first);
  return first.rfind("%%MatrixMarket", 0) == 0 ? read_matrix_market(path) : read_edge_tsv(path);
}

std::vector<Index> read_truth(const std::string& path, Index& n) {
  LineReader in(path);
  std::vector<std::string> f;
  std::vector<std::pair<Index, Index>> rows;
  while (in.next(f, "#%")) {
    if (f.size() != 2) throw in.error("expected 2 fields (node block), got " + std::to_string(f.size()));
    rows.emplace_back(in.id(f[0], "node"), in.id(f[1], "block"));
  }
  if (rows.empty()) throw std::invalid_argument(path + ": no lines (expected \"node block\" per node)");
  for (const auto& r : rows) n = std::max(n, r.first + 1);
  std::map<Index, Index> dense;
  for (const auto& r : rows) dense.emplace(r.second, 0);
  Index next = 0;
  for (auto& [block, id] : dense) id = next++;
  std::vector<Index> blocks(static_cast<std::size_t>(n), -1);
  for (const auto& [node, block] : rows) {
    if (blocks[std::size_t(node)] != -1) {
      throw std::invalid_argument(path + ": node " + std::to_string(node + 1) + " is listed twice");
    }
    blocks[std::size_t(node)] = dense[block];
  }
  const auto missing = std::find(blocks.begin(), blocks.end(), -1);
  if (missing != blocks.end()) {
    throw std::invalid_argument(path + ": node " + std::to_string(missing - blocks.begin() + 1) + " of 1.." +
                                std::to_string(n) + " has no block (expected one line per node)");
  }
  return blocks;
}

void write_edge_tsv(const std::string& path, const std::vector<Edge>& edges) {
  std::ofstream out(path);
  if (!out) throw std::invalid_argument(path + ": cannot write: " + std::strerror(errno));
  for (const Edge& e : edges) out << e.u + 1 << '\t' << e.v + 1 << '\t' << e.weight << '\n';
  if (!out) throw std::invalid_argument(path + ": write failed");
}

void write_truth(const std::string& path, const std::vector<Index>& blocks) {
  std::ofstream out(path);
  if (!out) throw std::invalid_argument(path + ": cannot write: " + std::strerror(errno));
  for (std::size_t i = 0; i < blocks.size(); ++i) out << i + 1 << '\t' << blocks[i] + 1 << '\n';
  if (!out) throw std::invalid_argument(path + ": write failed");
}

}  // namespace armperf::kernels::spectral
