#include <iostream>

#include "commands.hpp"
#include "zonesim/listing.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::cli {

// ---- levers / schema ---------------------------------------------------------------------

int cmd_levers(const std::vector<std::string>& args) {
  po::options_description opts("zonesim levers [--format table|markdown|json]\n\nLists every lever and parameter with unit, default and valid range.\n\nOptions");
  opts.add_options()("help,h", "show this help")("format", po::value<std::string>()->default_value("table"),
                                                  "table, markdown or json");
  po::positional_options_description pos;
  auto vm = parse(args, opts, pos);
  if (vm.count("help")) {
    std::cout << opts;
    return kOk;
  }
  std::string f = vm["format"].as<std::string>();
  ListingFormat lf;
  if (f == "table") lf = ListingFormat::table;
  else if (f == "markdown") lf = ListingFormat::markdown;
  else if (f == "json") lf = ListingFormat::json;
  else throw UsageError("--format must be table, markdown or json, not \"" + f + "\"");
  std::cout << settings_listing(lf);
  return kOk;
}

int cmd_schema(const std::vector<std::string>& args) {
  po::options_description opts("zonesim schema\n\nPrints the JSON Schema of scenario files (scenarios/zonesim.schema.json).\n\nOptions");
  opts.add_options()("help,h", "show this help");
  po::positional_options_description pos;
  auto vm = parse(args, opts, pos);
  if (vm.count("help")) {
    std::cout << opts;
    return kOk;
  }
  std::cout << json_schema();
  return kOk;
}

}  // namespace zonesim::cli
