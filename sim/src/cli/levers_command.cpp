#include <iostream>

#include "commands.hpp"
#include "zonesim/listing.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::cli {

// ---- levers / schema ---------------------------------------------------------------------

int cmd_levers(const std::vector<std::string>& args) {
  po::options_description opts("zonesim levers [--format table|markdown|json|channels]\n\nLists every lever and parameter with unit, default and valid range; `channels` lists per lever where it acts, the indicator `zonesim effects` shows and the budget item it charges (docs/model.md, section 4).\n\nOptions");
  opts.add_options()("help,h", "show this help")("format", po::value<std::string>()->default_value("table"),
                                                  "table, markdown, json or channels");
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
  else if (f == "channels") lf = ListingFormat::channels;
  else throw UsageError("--format must be table, markdown, json or channels, not \"" + f + "\"");
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
