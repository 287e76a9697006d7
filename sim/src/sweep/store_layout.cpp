// The layout of a sweep's HDF5 file: attributes, the inputs it ran, and every dataset created
// pre-sized (NaN until written) and labelled. Layout: docs/sweeps.md.
#include <hdf5.h>

#include <limits>
#include <string>
#include <vector>

#include "store_impl.hpp"
#include "zonesim/engine.hpp"
#include "zonesim/output.hpp"
#include "zonesim/sweep.hpp"

namespace zonesim::sweep {

void SweepStore::Impl::create_file() {
  write_header();
  write_inputs();
  create_design();
  write_output_table();
  write_target_table();
  create_runs();
  write_parameter_table();
  create_points();
}

// The file and its attributes: what ran, with which seed, threads and ranks.
void SweepStore::Impl::write_header() {
  const SweepSpec& s = *spec;
  Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST), "libver");
  file = Hid(H5Fcreate(partial.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), H5Fclose);
  attr_int(file, "format_version", kFormatVersion);
  attr_string(file, "kind", "sweep");
  attr_string(file, "zonesim_version", zonesim_version());
  attr_string(file, "git_revision", zonesim_git_revision());
  attr_string(file, "sweep_name", s.name);
  attr_string(file, "scenario_name", s.base.name);
  attr_string(file, "design", std::string(design_name(s.design)));
  h5::attr_u64(file, "seed", s.seed);
  attr_int(file, "replications", R);
  attr_int(file, "points", P);
  attr_int(file, "base_year", s.base.base_year);
  attr_int(file, "end_year", s.base.end_year);
  attr_int(file, "threads", options.threads);
  attr_int(file, "ranks", options.ranks);
  attr_string(file, "command_line", options.command_line);
}

// The sweep file and the base scenario, as text.
void SweepStore::Impl::write_inputs() {
  const SweepSpec& s = *spec;
  {
    Hid g = group(file, "sweep");
    dataset_string(g, "text", s.text);
    attr_string(g, "file", s.file);
  }
  {
    Hid g = group(file, "scenario");
    dataset_string(g, "text", s.base.text);
    dataset_string(g, "resolved", resolved_scenario_json(s.base));
    attr_string(g, "file", s.base_path);
  }
}

// /design: the factors, and the unit and display matrices of the points.
void SweepStore::Impl::create_design() {
  const SweepSpec& s = *spec;
  Hid g = group(file, "design");
  std::vector<std::string> key, unit, values, sets;
  std::vector<double> low, high;
  std::vector<std::uint8_t> discrete;
  for (const auto& f : s.factors) {
    key.push_back(f.key);
    unit.push_back(f.discrete ? "index" : (f.unit.empty() ? "1" : f.unit));
    std::string v;
    for (const auto& x : f.values) v += (v.empty() ? "" : "|") + x;
    values.push_back(v);
    low.push_back(f.display_at(0.0));
    high.push_back(f.display_at(1.0));
    discrete.push_back(f.discrete ? 1 : 0);
  }
  dataset_strings(g, "factor", key);
  dataset_strings(g, "unit", unit);
  dataset_strings(g, "values", values);
  whole<double>(g, "low", {static_cast<hsize_t>(k)}, low);
  whole<double>(g, "high", {static_cast<hsize_t>(k)}, high);
  whole<std::uint8_t>(g, "discrete", {static_cast<hsize_t>(k)}, discrete);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  d_unit = presized<double>(g, "unit_matrix", {hsize_t(P), hsize_t(k)}, nan);
  label(d_unit, "1", "Design points in the unit cube", "设计点(单位超立方体坐标)", "point,factor");
  d_matrix = presized<double>(g, "matrix", {hsize_t(P), hsize_t(k)}, nan);
  label(d_matrix, "see /design/unit", "Factor values of each point (display units; index for word lists)",
        "各设计点的因子取值", "point,factor");
  attr_string(g, "type", std::string(design_name(s.design)));
  attr_int(g, "levels", s.design == DesignKind::morris ? s.morris_levels : s.levels);
  attr_int(g, "lhs_points", s.points);
  attr_int(g, "base_samples", s.base_samples);
  attr_int(g, "trajectories", s.trajectories);
}

// /outputs: the outputs of interest.
void SweepStore::Impl::write_output_table() {
  const SweepSpec& s = *spec;
  Hid g = group(file, "outputs");
  std::vector<std::string> name, ind, zone, unit, en, zh;
  std::vector<std::int32_t> year;
  for (const auto& o : s.outputs) {
    const auto& info = indicator_info(o.ind);
    name.push_back(o.name);
    ind.push_back(o.indicator);
    zone.push_back(o.zone);
    year.push_back(o.year);
    unit.push_back(dim_unit_text(info.dim));
    en.emplace_back(info.en);
    zh.emplace_back(info.zh);
  }
  dataset_strings(g, "name", name);
  dataset_strings(g, "indicator", ind);
  dataset_strings(g, "zone", zone);
  dataset_strings(g, "unit", unit);
  dataset_strings(g, "label_en", en);
  dataset_strings(g, "label_zh", zh);
  whole<std::int32_t>(g, "year", {hsize_t(O)}, year);
}

// /targets: the base scenario's targets.
void SweepStore::Impl::write_target_table() {
  const SweepSpec& s = *spec;
  Hid g = group(file, "targets");
  std::vector<std::string> id, en, zh, unit, comparison;
  std::vector<double> value;
  std::vector<std::int32_t> year;
  for (const auto& t : s.base.targets) {
    id.push_back(t.id);
    en.push_back(target_label(s.base, t, false));
    zh.push_back(target_label(s.base, t, true));
    unit.push_back(target_unit(t).empty() ? "1" : std::string(target_unit(t)));
    comparison.emplace_back(comparison_text(t.op));
    value.push_back(target_display(t, t.value));
    year.push_back(t.year);
  }
  dataset_strings(g, "id", id);
  dataset_strings(g, "label_en", en);
  dataset_strings(g, "label_zh", zh);
  dataset_strings(g, "unit", unit);
  dataset_strings(g, "comparison", comparison);
  whole<double>(g, "value", {hsize_t(T)}, value);
  whole<std::int32_t>(g, "year", {hsize_t(T)}, year);
}

// /runs: a value per point and replication.
void SweepStore::Impl::create_runs() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Hid g = group(file, "runs");
  d_out = presized<double>(g, "outputs", {hsize_t(P), hsize_t(R), hsize_t(O)}, nan);
  label(d_out, "see /outputs/unit", "Outputs of interest per point and replication", "各设计点各重复的关注指标",
        "point,replication,output");
  d_tval = presized<double>(g, "target_values", {hsize_t(P), hsize_t(R), hsize_t(T)}, nan);
  label(d_tval, "see /targets/unit", "Target indicator values", "目标指标取值", "point,replication,target");
  d_tmet = presized<std::uint8_t>(g, "target_met", {hsize_t(P), hsize_t(R), hsize_t(T)}, 255);
  label(d_tmet, "1", "1 when the target is met (255: not run yet)", "是否达标(1=达标)", "point,replication,target");
  d_cost = presized<double>(g, "budget_cost", {hsize_t(P), hsize_t(R)}, nan);
  label(d_cost, "亿元", "Budget spent on levers, all zones, summed over years", "政策支出合计(各年之和)",
        "point,replication");
  d_param = presized<double>(g, "parameters", {hsize_t(P), hsize_t(R), hsize_t(U)}, nan);
  label(d_param, "see /parameters/unit", "Value of each uncertain parameter in each run",
        "各设计点各重复的不确定参数取值", "point,replication,parameter");
}

// /parameters: the base scenario's uncertain parameters.
void SweepStore::Impl::write_parameter_table() {
  Hid g = group(file, "parameters");  // the base scenario's uncertain parameters
  std::vector<std::string> name, unit;
  for (Param p : uncertain_parameters(*spec)) {
    const Setting& st = setting(p);
    name.emplace_back(st.key);
    unit.push_back(dim_unit_text(st.dim));
  }
  dataset_strings(g, "name", name);
  dataset_strings(g, "unit", unit);
}

// /points: a summary per point.
void SweepStore::Impl::create_points() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Hid g = group(file, "points");
  d_pout = presized<double>(g, "output_mean", {hsize_t(P), hsize_t(O)}, nan);
  label(d_pout, "see /outputs/unit", "Mean over replications of each output of interest", "关注指标均值", "point,output");
  d_ptmean = presized<double>(g, "target_mean", {hsize_t(P), hsize_t(T)}, nan);
  label(d_ptmean, "see /targets/unit", "Mean over replications of each target's indicator", "目标指标均值", "point,target");
  d_pprob = presized<double>(g, "target_probability", {hsize_t(P), hsize_t(T)}, nan);
  label(d_pprob, "1", "Share of replications that meet the target", "达标概率", "point,target");
  d_pall = presized<double>(g, "all_targets_probability", {hsize_t(P)}, nan);
  label(d_pall, "1", "Share of replications that meet every target", "全部目标同时达标概率", "point");
  d_preq = presized<double>(g, "required_targets_probability", {hsize_t(P)}, nan);
  label(d_preq, "1", "Share of replications that meet every target the policy search requires (optimize.targets; all by default)",
        "政策搜索所要求目标同时达标概率", "point");
  d_pcost = presized<double>(g, "budget_cost_mean", {hsize_t(P)}, nan);
  label(d_pcost, "亿元", "Mean budget cost (sum over years of budget_spent, all zones)", "平均政策支出合计", "point");
  d_done = presized<std::uint8_t>(g, "done", {hsize_t(P)}, 0);
  label(d_done, "1", "1 when the point has been run", "是否已完成", "point");
}

}  // namespace zonesim::sweep
