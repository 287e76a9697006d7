// The final analysis of a sweep, written into its file and summarised as text: Sobol or Morris
// sensitivity indices, the optimizer's cost-probability frontier, scenario discovery (PRIM); then
// the file is closed and renamed into place.
#include <hdf5.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "store_impl.hpp"
#include "zonesim/engine.hpp"
#include "zonesim/output.hpp"
#include "zonesim/sweep.hpp"
#include "zonesim/text.hpp"

namespace zonesim::sweep {

namespace {

std::string fmt(double v, int prec = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", prec, v);
  return buf;
}

// The per-point values of the quantities analysed: outputs of interest, each target's
// probability, all targets, cost.
struct Quantities {
  std::vector<std::string> name;
  std::vector<std::vector<double>> value;
};

Quantities quantities(const SweepSpec& s, int P, const std::vector<double>& pout, const std::vector<double>& pprob,
                      const std::vector<double>& pall, const std::vector<double>& pcost) {
  const int O = static_cast<int>(s.outputs.size()), T = static_cast<int>(s.base.targets.size());
  Quantities q;
  std::vector<std::string>& qname = q.name;
  std::vector<std::vector<double>>& qval = q.value;
  for (int o = 0; o < O; ++o) {
    qname.push_back(s.outputs[o].name);
    std::vector<double> v(P);
    for (int p = 0; p < P; ++p) v[p] = pout[static_cast<std::size_t>(p) * O + o];
    qval.push_back(v);
  }
  for (int t = 0; t < T; ++t) {
    qname.push_back("P(" + s.base.targets[t].id + ")");
    std::vector<double> v(P);
    for (int p = 0; p < P; ++p) v[p] = pprob[static_cast<std::size_t>(p) * T + t];
    qval.push_back(v);
  }
  qname.push_back("P(all targets)");
  qval.push_back(pall);
  qname.push_back("budget_cost");
  qval.push_back(pcost);
  return q;
}

// Tables of quantity x factor, aligned by display width (CJK units take two columns).
std::vector<std::string> factor_header(const SweepSpec& s) {
  std::vector<std::string> header = {"quantity"};
  for (const auto& f : s.factors) header.push_back(f.short_name());
  return header;
}

// /sensitivity/sobol.
void write_sobol(hid_t g, const SweepSpec& s, const Quantities& quant, std::ostream& report) {
  const int k = static_cast<int>(s.factors.size());
  const auto Q = static_cast<hsize_t>(quant.name.size());
  Hid sg = group(g, "sobol");
  std::vector<double> S1, S1l, S1h, ST, STl, STh, var;
  report << "Sobol indices (first order S1 [95 % CI] / total ST; Saltelli 2010, Jansen; N = "
         << s.base_samples << ", " << s.bootstrap << " bootstrap resamples)\n";
  std::vector<std::vector<std::string>> table = {factor_header(s)};
  for (hsize_t q = 0; q < Q; ++q) {
    SobolIndices si = sobol_indices(quant.value[q], k, s.base_samples, s.bootstrap, s.seed);
    S1.insert(S1.end(), si.S1.begin(), si.S1.end());
    S1l.insert(S1l.end(), si.S1_low.begin(), si.S1_low.end());
    S1h.insert(S1h.end(), si.S1_high.begin(), si.S1_high.end());
    ST.insert(ST.end(), si.ST.begin(), si.ST.end());
    STl.insert(STl.end(), si.ST_low.begin(), si.ST_low.end());
    STh.insert(STh.end(), si.ST_high.begin(), si.ST_high.end());
    var.push_back(si.variance);
    std::vector<std::string> row = {quant.name[q]};
    if (si.variance == 0) {
      row.push_back("(no variation)");
    } else {
      for (int i = 0; i < k; ++i)
        row.push_back(fmt(si.S1[i], 2) + " [" + fmt(si.S1_low[i], 2) + "," + fmt(si.S1_high[i], 2) + "] / " +
                      fmt(si.ST[i], 2));
    }
    table.push_back(std::move(row));
  }
  report << format_columns(table);
  const std::vector<hsize_t> dims = {Q, hsize_t(k)};
  whole(sg, "S1", dims, S1);
  whole(sg, "S1_low", dims, S1l);
  whole(sg, "S1_high", dims, S1h);
  whole(sg, "ST", dims, ST);
  whole(sg, "ST_low", dims, STl);
  whole(sg, "ST_high", dims, STh);
  whole(sg, "variance", {Q}, var);
  attr_string(sg, "method", "Saltelli 2010 first-order and Jansen total-effect estimators on N*(k+2) "
                            "Saltelli points; 95 % percentile bootstrap over the N base samples");
  attr_int(sg, "base_samples", s.base_samples);
  attr_int(sg, "bootstrap", s.bootstrap);
  attr_string(sg, "dims", "quantity,factor");
}

// /sensitivity/morris.
void write_morris(hid_t g, const SweepSpec& s, int P, const std::vector<double>& unit, const Quantities& quant,
                  std::ostream& report) {
  const int k = static_cast<int>(s.factors.size());
  const auto Q = static_cast<hsize_t>(quant.name.size());
  Hid mg = group(g, "morris");
  Matrix design(static_cast<std::size_t>(P), std::vector<double>(k));
  for (int p = 0; p < P; ++p)
    for (int i = 0; i < k; ++i) design[p][i] = unit[static_cast<std::size_t>(p) * k + i];
  std::vector<double> mu, mus, sig;
  report << "Morris elementary effects (mu* / sigma, per whole factor range; r = " << s.trajectories
         << ", p = " << s.morris_levels << ")\n";
  std::vector<std::vector<std::string>> table = {factor_header(s)};
  for (hsize_t q = 0; q < Q; ++q) {
    MorrisIndices mi = morris_indices(design, quant.value[q], k, s.trajectories);
    mu.insert(mu.end(), mi.mu.begin(), mi.mu.end());
    mus.insert(mus.end(), mi.mu_star.begin(), mi.mu_star.end());
    sig.insert(sig.end(), mi.sigma.begin(), mi.sigma.end());
    std::vector<std::string> row = {quant.name[q]};
    for (int i = 0; i < k; ++i) row.push_back(fmt(mi.mu_star[i]) + " / " + fmt(mi.sigma[i]));
    table.push_back(std::move(row));
  }
  report << format_columns(table);
  const std::vector<hsize_t> dims = {Q, hsize_t(k)};
  whole(mg, "mu", dims, mu);
  whole(mg, "mu_star", dims, mus);
  whole(mg, "sigma", dims, sig);
  attr_string(mg, "method", "Morris elementary effects, Campolongo et al. mu*; effects per whole factor range");
  attr_int(mg, "trajectories", s.trajectories);
  attr_int(mg, "levels", s.morris_levels);
  attr_string(mg, "dims", "quantity,factor");
}

// /sensitivity: the quantities and factors, then Sobol or Morris indices.
void write_sensitivity(hid_t file, const SweepSpec& s, int P, const std::vector<double>& unit,
                       const Quantities& quant, std::ostream& report) {
  Hid g = group(file, "sensitivity");
  dataset_strings(g, "quantity", quant.name);
  std::vector<std::string> fac;
  for (const auto& f : s.factors) fac.push_back(f.key);
  dataset_strings(g, "factor", fac);
  if (s.design == DesignKind::sobol)
    write_sobol(g, s, quant, report);
  else
    write_morris(g, s, P, unit, quant, report);
}

// /optimize: the cost-probability frontier and the cheapest point that meets the required
// probability.
void write_frontier(hid_t file, const SweepSpec& s, int P, const std::vector<double>& unit,
                    const std::vector<double>& pcost, const std::vector<double>& preq, std::ostream& report) {
  const int k = static_cast<int>(s.factors.size());
  Hid g = group(file, "optimize");
  // What must be met: every target, or the optimize.targets subset.
  std::string required = "every target";
  std::string required_ids;
  for (int t : s.optimize.required_targets)
    required_ids += (required_ids.empty() ? "" : ", ") + s.base.targets[static_cast<std::size_t>(t)].id;
  if (!s.optimize.required_targets.empty()) required = "every required target (" + required_ids + ")";
  std::vector<int> front = pareto_front(pcost, preq);
  int best = -1;
  for (int p = 0; p < P; ++p)
    if (preq[p] >= s.optimize.probability && (best < 0 || pcost[p] < pcost[best])) best = p;
  std::vector<std::int32_t> fidx(front.begin(), front.end());
  std::vector<double> fcost, fprob;
  for (int p : front) {
    fcost.push_back(pcost[p]);
    fprob.push_back(preq[p]);
  }
  whole<std::int32_t>(g, "frontier", {hsize_t(front.size())}, fidx);
  Hid dc(H5Dopen2(g, "frontier", H5P_DEFAULT), H5Dclose);
  label(dc, "1", "Points on the cost-probability Pareto front, by increasing cost", "成本-概率帕累托前沿上的设计点", "frontier");
  whole(g, "frontier_cost", {hsize_t(front.size())}, fcost);
  whole(g, "frontier_probability", {hsize_t(front.size())}, fprob);
  attr_int(g, "best_point", best);
  attr_double(g, "probability", s.optimize.probability);
  attr_string(g, "required_targets", required_ids.empty() ? std::string("all") : required_ids);
  attr_string(g, "method", "Latin hypercube of initial_points, then rounds of points_per_round Latin-hypercube "
                           "points in boxes (half-width 0.5^(round+1) of each range) around the cheapest "
                           "feasible points (or the most probable when none is feasible)");
  report << "Cost-probability frontier (P(" << required << " met) against budget cost; " << front.size()
         << " of " << P << " points):\n";
  std::vector<std::vector<std::string>> table = {
      {"point", "cost 亿元", s.optimize.required_targets.empty() ? "P(all)" : "P(req)"}};
  for (const auto& f : s.factors) table[0].push_back(f.short_name());
  table[0].push_back("");
  for (int p : front) {
    std::vector<std::string> row = {std::to_string(p), fmt(pcost[p], 4), fmt(preq[p], 3)};
    for (int i = 0; i < k; ++i) row.push_back(s.factors[i].describe(s.factors[i].at(unit[static_cast<std::size_t>(p) * k + i])));
    row.push_back(p == best ? "<- cheapest with P >= " + fmt(s.optimize.probability) : "");
    table.push_back(std::move(row));
  }
  report << format_columns(table);
  if (best < 0)
    report << "No evaluated point meets " << required << " with probability >= " << fmt(s.optimize.probability)
           << "; the frontier shows the best found.\n";
  else {
    report << "Cheapest setting meeting " << required << " with probability >= " << fmt(s.optimize.probability)
           << ": point " << best << ", cost " << fmt(pcost[best], 4) << " 亿元, P = " << fmt(preq[best])
           << "\nthe point's runs (its replications and seed):\n  "
           << reproduce_command(s, std::vector<double>(unit.begin() + static_cast<std::ptrdiff_t>(best) * k,
                                                       unit.begin() + static_cast<std::ptrdiff_t>(best + 1) * k))
           << "\n";
  }
}

// /discovery: per target (and all targets), PRIM over the runs.
void write_discovery(hid_t file, const SweepSpec& s, int P, int R, const std::vector<double>& matrix,
                     std::ostream& report) {
  const int k = static_cast<int>(s.factors.size()), T = static_cast<int>(s.base.targets.size());
  const std::vector<double> met = read_all(file, "runs/target_met");
  Hid g = group(file, "discovery");
  Matrix x;
  x.reserve(static_cast<std::size_t>(P) * R);
  for (int p = 0; p < P; ++p)
    for (int r = 0; r < R; ++r)
      x.emplace_back(matrix.begin() + static_cast<std::ptrdiff_t>(p) * k,
                     matrix.begin() + static_cast<std::ptrdiff_t>(p + 1) * k);
  std::vector<double> col_low(k), col_high(k);
  for (int i = 0; i < k; ++i) {
    col_low[i] = INFINITY;
    col_high[i] = -INFINITY;
    for (int p = 0; p < P; ++p) {
      col_low[i] = std::min(col_low[i], matrix[static_cast<std::size_t>(p) * k + i]);
      col_high[i] = std::max(col_high[i], matrix[static_cast<std::size_t>(p) * k + i]);
    }
  }
  std::vector<std::string> names, texts;
  std::vector<double> dens, cov, mass, base, lo, hi;
  std::vector<std::uint8_t> restricted;
  report << "Scenario discovery (PRIM, peeling 5 % at a time, boxes with at least 10 % of the runs):\n";
  for (int t = 0; t <= T; ++t) {
    std::vector<std::uint8_t> y(static_cast<std::size_t>(P) * R);
    for (int p = 0; p < P; ++p)
      for (int r = 0; r < R; ++r) {
        bool v = true;
        if (t < T) v = met[(static_cast<std::size_t>(p) * R + r) * T + t] == 1.0;
        else
          for (int u = 0; u < T; ++u) v = v && met[(static_cast<std::size_t>(p) * R + r) * T + u] == 1.0;
        y[static_cast<std::size_t>(p) * R + r] = v ? 1 : 0;
      }
    double share = 0;
    for (auto v : y) share += v;
    share /= std::max<std::size_t>(y.size(), 1);
    PrimBox b = prim(x, y);
    const std::string name = t < T ? s.base.targets[t].id : "all targets";
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.0f", 100 * b.mass);
    std::string text = describe_box(s, b, col_low, col_high) + ": " + (t < T ? "target " + name : name) +
                       " met with probability " + fmt(b.density, 2) + " in " + pct +
                       " % of the runs (overall " + fmt(share, 2) + ")";
    report << "  " << text << "\n";
    names.push_back(name);
    texts.push_back(text);
    dens.push_back(b.density);
    cov.push_back(b.coverage);
    mass.push_back(b.mass);
    base.push_back(share);
    lo.insert(lo.end(), b.low.begin(), b.low.end());
    hi.insert(hi.end(), b.high.begin(), b.high.end());
    restricted.insert(restricted.end(), b.restricted.begin(), b.restricted.end());
  }
  const auto D = static_cast<hsize_t>(names.size());
  dataset_strings(g, "target", names);
  dataset_strings(g, "text", texts);
  whole(g, "density", {D}, dens);
  whole(g, "coverage", {D}, cov);
  whole(g, "mass", {D}, mass);
  whole(g, "overall_probability", {D}, base);
  whole(g, "low", {D, hsize_t(k)}, lo);
  whole(g, "high", {D, hsize_t(k)}, hi);
  whole(g, "restricted", {D, hsize_t(k)}, restricted);
  attr_string(g, "method", "PRIM (Friedman and Fisher 1999): peeling alpha = 0.05, minimum mass 0.1, pasting");
}

}  // namespace

std::string SweepStore::finish(const std::string& started_at, const std::function<void(std::int64_t)>& extra) {
  return impl_->guarded([&] { return finish_file(started_at, extra); });
}

std::string SweepStore::finish_file(const std::string& started_at, const std::function<void(std::int64_t)>& extra) {
  Impl& m = *impl_;
  // Checked again at the end of a sweep that may have run for hours: the rename replaces only a
  // regular file. Not a write failure: the partial file and the journal stay for --resume.
  if (std::string problem = not_a_regular_file(m.out); !problem.empty()) throw std::invalid_argument(problem);
  const SweepSpec& s = *m.spec;
  std::ostringstream report;
  const std::vector<double> unit = read_all(m.file, "design/unit_matrix");
  const std::vector<double> matrix = read_all(m.file, "design/matrix");
  const std::vector<double> pout = read_all(m.file, "points/output_mean");
  const std::vector<double> pprob = read_all(m.file, "points/target_probability");
  const std::vector<double> pall = read_all(m.file, "points/all_targets_probability");
  const std::vector<double> preq = read_all(m.file, "points/required_targets_probability");
  const std::vector<double> pcost = read_all(m.file, "points/budget_cost_mean");
  const Quantities quant = quantities(s, m.P, pout, pprob, pall, pcost);

  if (s.design == DesignKind::sobol || s.design == DesignKind::morris)
    write_sensitivity(m.file, s, m.P, unit, quant, report);
  if (s.design == DesignKind::optimize) write_frontier(m.file, s, m.P, unit, pcost, preq, report);
  if (m.T > 0 && m.k > 0) write_discovery(m.file, s, m.P, m.R, matrix, report);

  if (extra) extra(m.file);
  m.publish(started_at);
  return report.str();
}

// Closes the file and renames it into place; the journal is then no longer needed.
void SweepStore::Impl::publish(const std::string& started_at) {
  Impl& m = *this;
  attr_string(m.file, "started_at", started_at);
  attr_string(m.file, "finished_at", iso_time_now());
  check(H5Fflush(m.file, H5F_SCOPE_GLOBAL), "flush");
  m.d_unit.reset(); m.d_matrix.reset(); m.d_out.reset(); m.d_tval.reset(); m.d_tmet.reset(); m.d_cost.reset();
  m.d_pout.reset(); m.d_ptmean.reset(); m.d_pprob.reset(); m.d_pall.reset(); m.d_preq.reset(); m.d_pcost.reset(); m.d_done.reset();
  check(m.file.close(), "close");
  if (FILE* fp = std::fopen(m.partial.c_str(), "rb")) {
    const bool synced = fsync(fileno(fp)) == 0;
    const int err = errno;
    std::fclose(fp);
    if (!synced) throw std::runtime_error("cannot store " + m.partial + ": " + std::strerror(err));
  }
  std::error_code ec;
  fs::rename(m.partial, m.out, ec);
  if (ec) throw std::runtime_error("cannot rename " + m.partial + " to " + m.out + ": " + ec.message());
  if (m.journal_fd >= 0) ::close(m.journal_fd);
  m.journal_fd = -1;
  fs::remove(m.journal, ec);
}

}  // namespace zonesim::sweep
