// Streaming HDF5 output of a sweep and its crash-safe journal (store_impl.hpp: the layout and
// the final analysis are in store_layout.cpp and store_analysis.cpp).
//
// Every value is written at its (point, replication) index, never in completion order, so the
// datasets are the same whatever the number of threads or ranks and however often the sweep was
// stopped and resumed. Layout: docs/sweeps.md.
#include <fcntl.h>
#include <hdf5.h>

#include "store_impl.hpp"
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "zonesim/engine.hpp"
#include "zonesim/output.hpp"
#include "zonesim/sweep.hpp"
#include "zonesim/text.hpp"

namespace zonesim::sweep {

namespace {

// ---- journal ---------------------------------------------------------------------------------

constexpr std::uint32_t kRecordMagic = 0x5A535750u;  // "ZSWP"
const char* const kJournalHeader = "zonesim sweep journal 1\n";

std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 1469598103934665603ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

bool write_fully(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// Identifies a sweep: a journal is only resumed by the same sweep of the same base scenario.
std::string fingerprint(const SweepSpec& s, int total_points) {
  std::string all = s.text + "\x1f" + s.base.text + "\x1f" + zonesim_version() + "\x1f" +
                    std::to_string(total_points) + "\x1f" + std::to_string(row_stride(s));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a(all.data(), all.size())));
  return buf;
}

}  // namespace

std::string journal_path_for(const std::string& out) { return out + ".journal"; }
std::string partial_path_for(const std::string& out) { return out + ".partial.h5"; }

void SweepStore::Impl::write_design_row(int p, const std::vector<double>& unit) {
  std::vector<double> disp(static_cast<std::size_t>(k));
  for (int i = 0; i < k; ++i) disp[i] = spec->factors[i].display_at(unit[i]);
  write_row(d_unit, p, unit);
  write_row(d_matrix, p, disp);
}

void SweepStore::Impl::write_h5(int p, const std::vector<double>& unit, const std::vector<double>& rows) {
  write_design_row(p, unit);
  std::vector<double> out(static_cast<std::size_t>(R) * O), tval(static_cast<std::size_t>(R) * T), cost(R),
      param(static_cast<std::size_t>(R) * U);
  std::vector<std::uint8_t> met(static_cast<std::size_t>(R) * T);
  for (int r = 0; r < R; ++r) {
    const double* row = &rows[static_cast<std::size_t>(r) * stride];
    for (int o = 0; o < O; ++o) out[r * O + o] = row[o];
    for (int t = 0; t < T; ++t) {
      tval[r * T + t] = row[O + t];
      met[r * T + t] = row[O + T + t] > 0.5 ? 1 : 0;
    }
    cost[r] = row[O + 2 * T];
    for (int u = 0; u < U; ++u) param[static_cast<std::size_t>(r) * U + u] = row[O + 2 * T + 1 + u];
  }
  write_row(d_out, p, out);
  write_row(d_tval, p, tval);
  write_row(d_tmet, p, met);
  write_row(d_cost, p, cost);
  write_row(d_param, p, param);
  PointSummary sum = summarise_point(*spec, rows);
  write_row(d_pout, p, sum.output_mean);
  write_row(d_ptmean, p, sum.target_mean);
  write_row(d_pprob, p, sum.target_probability);
  write_row(d_pall, p, std::vector<double>{sum.all_targets_probability});
  write_row(d_preq, p, std::vector<double>{sum.required_targets_probability});
  write_row(d_pcost, p, std::vector<double>{sum.budget_cost_mean});
  write_row(d_done, p, std::vector<std::uint8_t>{1});
  if (!done[p]) {
    done[p] = 1;
    ++done_count;
  }
}

// Reads the journal's valid records (a torn last record is cut off) into the HDF5 file.
void SweepStore::Impl::replay(const std::string& fp,
                                const std::function<void(int, const std::vector<double>&, const std::vector<double>&)>& cb) {
  int fd = ::open(journal.c_str(), O_RDWR);
  if (fd < 0) throw std::runtime_error("cannot open " + journal + ": " + std::strerror(errno));
  std::string header = std::string(kJournalHeader) + fp + "\n";
  std::string got(header.size(), '\0');
  if (::read(fd, got.data(), got.size()) != static_cast<ssize_t>(got.size()) || got != header) {
    ::close(fd);
    throw std::invalid_argument("the journal " + journal +
                                " belongs to a different sweep (the sweep file, base scenario or zonesim "
                                "version changed); use --force to start over");
  }
  off_t good = static_cast<off_t>(header.size());
  const std::size_t nvals = static_cast<std::size_t>(k) + static_cast<std::size_t>(R) * stride;
  std::vector<double> payload(nvals);
  while (true) {
    std::uint32_t magic = 0, count = 0;
    std::int64_t point = 0;
    std::uint64_t sum = 0;
    if (::read(fd, &magic, 4) != 4 || magic != kRecordMagic) break;
    if (::read(fd, &point, 8) != 8 || ::read(fd, &count, 4) != 4 || count != nvals) break;
    const auto bytes = static_cast<ssize_t>(nvals * sizeof(double));
    if (::read(fd, payload.data(), static_cast<std::size_t>(bytes)) != bytes) break;
    if (::read(fd, &sum, 8) != 8) break;
    std::uint64_t h = fnv1a(&point, 8);
    h = fnv1a(payload.data(), static_cast<std::size_t>(bytes), h);
    if (h != sum || point < 0 || point >= P) break;
    good = ::lseek(fd, 0, SEEK_CUR);
    std::vector<double> unit(payload.begin(), payload.begin() + k), rows(payload.begin() + k, payload.end());
    write_h5(static_cast<int>(point), unit, rows);
    if (cb) cb(static_cast<int>(point), unit, rows);
  }
  if (::ftruncate(fd, good) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot truncate " + journal);
  }
  ::lseek(fd, good, SEEK_SET);
  journal_fd = fd;
}

void SweepStore::Impl::append_journal(int p, const std::vector<double>& unit, const std::vector<double>& rows) {
  std::vector<char> rec;
  auto put = [&](const void* d, std::size_t n) {
    const char* c = static_cast<const char*>(d);
    rec.insert(rec.end(), c, c + n);
  };
  const std::uint32_t magic = kRecordMagic;
  const std::int64_t point = p;
  const auto count = static_cast<std::uint32_t>(unit.size() + rows.size());
  std::uint64_t h = fnv1a(&point, 8);
  h = fnv1a(unit.data(), unit.size() * sizeof(double), h);
  h = fnv1a(rows.data(), rows.size() * sizeof(double), h);
  put(&magic, 4);
  put(&point, 8);
  put(&count, 4);
  put(unit.data(), unit.size() * sizeof(double));
  put(rows.data(), rows.size() * sizeof(double));
  put(&h, 8);
  if (!write_fully(journal_fd, rec.data(), rec.size()) || ::fdatasync(journal_fd) != 0)
    throw std::runtime_error("cannot write the journal " + journal + ": " + std::strerror(errno));
}

SweepStore::SweepStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SweepStore::~SweepStore() = default;
int SweepStore::total_points() const { return impl_->P; }
int SweepStore::done_points() const { return impl_->done_count; }
bool SweepStore::done(int p) const { return impl_->done[p] != 0; }
std::string SweepStore::journal_path() const { return impl_->journal; }

std::unique_ptr<SweepStore> SweepStore::open(
    const std::string& out, const SweepSpec& s, int total_points, const Options& o, OpenError& error,
    const std::function<void(int, const std::vector<double>&, const std::vector<double>&)>& replayed) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  auto impl = std::make_unique<Impl>();
  impl->spec = &s;
  impl->out = out;
  impl->partial = partial_path_for(out);
  impl->journal = journal_path_for(out);
  impl->P = total_points;
  impl->R = s.replications;
  impl->O = static_cast<int>(s.outputs.size());
  impl->T = static_cast<int>(s.base.targets.size());
  impl->k = static_cast<int>(s.factors.size());
  impl->U = static_cast<int>(uncertain_parameters(s).size());
  impl->stride = row_stride(s);
  impl->options = o;
  impl->done.assign(static_cast<std::size_t>(total_points), 0);
  error.bad_input = true;
  // The output, and the journal and partial file beside it, are replaced only when regular files.
  for (const std::string& p : {out, impl->journal, impl->partial}) {
    std::string problem = p == out ? check_output_path(out, o.force) : not_a_regular_file(p);
    if (!problem.empty()) {
      error.message = problem;
      return nullptr;
    }
  }
  const bool have_journal = fs::exists(impl->journal);
  if (have_journal && !o.resume && !o.force) {
    error.message = "an interrupted sweep exists (" + impl->journal + "); pass --resume to continue it or --force to start over";
    return nullptr;
  }
  const bool fresh = !(have_journal && o.resume);
  const std::string fp = fingerprint(s, total_points);
  try {
    impl->guarded([&] {
      impl->create_file();
      if (!fresh) {
        impl->replay(fp, replayed);
      } else {
        impl->journal_fd = ::open(impl->journal.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (impl->journal_fd < 0) throw std::runtime_error("cannot create " + impl->journal + ": " + std::strerror(errno));
        std::string header = std::string(kJournalHeader) + fp + "\n";
        if (!write_fully(impl->journal_fd, header.data(), header.size()) || ::fdatasync(impl->journal_fd) != 0)
          throw std::runtime_error("cannot write " + impl->journal + ": " + std::strerror(errno));
      }
      check(H5Fflush(impl->file, H5F_SCOPE_GLOBAL), "flush");
    });
  } catch (const std::invalid_argument& e) {
    error.message = e.what();
    return nullptr;
  } catch (const std::exception& e) {
    error.bad_input = false;
    error.message = std::string("cannot start the sweep output: ") + e.what();
    if (fresh) {  // a journal without a point in it is no use
      if (impl->journal_fd >= 0) ::close(impl->journal_fd);
      impl->journal_fd = -1;
      std::error_code ec;
      fs::remove(impl->journal, ec);
    }
    return nullptr;  // ~Impl removes the partial file
  }
  return std::unique_ptr<SweepStore>(new SweepStore(std::move(impl)));
}

bool SweepStore::failed() const { return impl_->failed; }

void SweepStore::write_design(int point, const std::vector<double>& unit) {
  impl_->guarded([&] { impl_->write_design_row(point, unit); });
}

void SweepStore::write_point(int point, const std::vector<double>& unit, const std::vector<double>& rows) {
  impl_->guarded([&] {
    impl_->append_journal(point, unit, rows);
    impl_->write_h5(point, unit, rows);
  });
}

}  // namespace zonesim::sweep
