// `zonesim serve`: small helpers of the API (api.hpp).
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>

#include "api.hpp"

namespace zonesim::serve {

std::string file_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string random_hex(std::size_t n) {
  static std::mutex m;
  static std::mt19937_64 gen{std::random_device{}()};
  std::lock_guard lock(m);
  std::string out;
  const char* digits = "0123456789abcdef";
  for (std::size_t i = 0; i < n; ++i) out += digits[gen() % 16];
  return out;
}

// HDF5 (Debian's build) is not thread-safe: one writer at a time.
std::mutex g_hdf5_mutex;

}  // namespace zonesim::serve
