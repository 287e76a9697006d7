// Specifications of parse_quantity: every scenario value with a unit goes through it, and its
// error text is what a planner reads when a unit is wrong.
#include <catch2/catch.hpp>

#include "zonesim/units.hpp"

using zonesim::Dim;
using zonesim::parse_quantity;

namespace {
double value_of(const char* text, Dim d) {
  auto q = parse_quantity(text, d);
  INFO(text << ": " << q.error);
  REQUIRE(q.ok());
  return q.value;
}
}  // namespace

TEST_CASE("money is read in yuan from 元, 万元, 亿元, CNY and bn CNY") {
  CHECK(value_of("1 亿元", Dim::money) == 1e8);
  CHECK(value_of("1000 亿元", Dim::money) == 1e11);
  CHECK(value_of("50 万元", Dim::money) == 5e5);
  CHECK(value_of("2.5 bn CNY", Dim::money) == 2.5e9);
  CHECK(value_of("300 CNY", Dim::money) == 300.0);
  CHECK(value_of("300 yuan", Dim::money) == 300.0);
  CHECK(value_of("300元", Dim::money) == 300.0);
  CHECK(value_of("1 trillion CNY", Dim::money) == 1e12);
}

TEST_CASE("spaces between number and unit do not matter") {
  CHECK(value_of("1亿元", Dim::money) == value_of("1 亿元", Dim::money));
  CHECK(value_of("  12 %  ", Dim::share) == Approx(0.12));
  CHECK(value_of("+3 %", Dim::share) == Approx(0.03));
}

TEST_CASE("area is read in mu: 1 ha = 15 mu, 1 km2 = 1500 mu") {
  CHECK(value_of("2000 mu", Dim::area) == 2000.0);
  CHECK(value_of("2000 亩", Dim::area) == 2000.0);
  CHECK(value_of("1 ha", Dim::area) == 15.0);
  CHECK(value_of("1 公顷", Dim::area) == 15.0);
  CHECK(value_of("1 km2", Dim::area) == 1500.0);
  CHECK(value_of("2 平方公里", Dim::area) == 3000.0);
}

TEST_CASE("intensities: 万元/亩 in yuan per mu, tce/万元 as written") {
  CHECK(value_of("50 万元/亩", Dim::money_per_area) == 5e5);
  CHECK(value_of("300 yuan/mu", Dim::money_per_area) == 300.0);
  CHECK(value_of("0.4 tce/万元", Dim::energy_per_money) == Approx(0.4));
  CHECK(value_of("400 tce/亿元", Dim::energy_per_money) == Approx(0.04));
  CHECK(value_of("3 万tce", Dim::energy) == 3e4);
}

TEST_CASE("a share is a percentage or a plain fraction") {
  CHECK(value_of("3 %", Dim::share) == Approx(0.03));
  CHECK(value_of("150 %", Dim::share) == Approx(1.5));  // ranges are the registry's business
  CHECK(value_of("0.12", Dim::share) == Approx(0.12));
  CHECK(value_of("1", Dim::share) == 1.0);
  CHECK(value_of("-0.05", Dim::share) == Approx(-0.05));  // growth rates may fall
  CHECK(value_of("-5 %", Dim::share) == Approx(-0.05));
}

TEST_CASE("a plain number above 1 for a share is refused with the percentage it probably meant") {
  auto q = parse_quantity("3", Dim::share);
  CHECK(q.error == "a plain number for a share must be a fraction between -1 and 1");
  CHECK(q.hint == "did you mean \"3 %\"?");
}

TEST_CASE("counts and years are whole numbers without a unit") {
  CHECK(value_of("400", Dim::count) == 400.0);
  CHECK(value_of("12 firms", Dim::count) == 12.0);
  CHECK(value_of("2025", Dim::year) == 2025.0);
  CHECK(value_of("1e9", Dim::count) == 1e9);
  auto q = parse_quantity("400.5", Dim::count);
  CHECK(q.error == "must be a whole number");
  CHECK(q.hint == "write a whole number, such as 400 or 401");
}

TEST_CASE("a unit of the wrong dimension names both dimensions") {
  auto q = parse_quantity("300 mu", Dim::money);
  CHECK(q.error == "\"mu\" is a unit of area, but this value is an amount of money");
  CHECK(q.hint ==
        "write an amount with a unit: yuan, 万元, 亿元, CNY, \"bn CNY\" (1 亿元 = 10^8 yuan)");
  CHECK(parse_quantity("5 亿元", Dim::area).error ==
        "\"亿元\" is a unit of money, but this value is an area");
  CHECK(parse_quantity("10 %", Dim::money).error ==
        "\"%\" is a unit of share, but this value is an amount of money");
  CHECK(parse_quantity("50 万元/亩", Dim::money).error ==
        "\"万元/亩\" is a unit of money per area, but this value is an amount of money");
}

TEST_CASE("money without a unit is refused: 100 could be 元, 万元 or 亿元") {
  auto q = parse_quantity("30000000000", Dim::money);
  CHECK(q.error == "an amount of money needs a unit");
  CHECK(q.hint == "add a unit: \"30000000000 yuan\" (= 300 亿元)");
  auto small = parse_quantity("300", Dim::money);
  CHECK(small.hint == "add a unit: \"300 亿元\", \"300 万元\" or \"300 yuan\" (1 亿元 = 10^8 yuan)");
  CHECK(parse_quantity("2000", Dim::area).error == "an area needs a unit");
  CHECK(parse_quantity("0.4", Dim::energy_per_money).error == "an energy intensity needs a unit");
}

TEST_CASE("an unknown unit is quoted as written, with the nearest unit of the right dimension") {
  auto q = parse_quantity("45 bn USD", Dim::money);
  CHECK(q.error == "unknown unit \"bn USD\"");
  CHECK(q.hint ==
        "write an amount with a unit: yuan, 万元, 亿元, CNY, \"bn CNY\" (1 亿元 = 10^8 yuan)");
  auto typo = parse_quantity("300 mus", Dim::area);
  CHECK(typo.error == "unknown unit \"mus\"");
  CHECK_THAT(typo.hint, Catch::StartsWith("did you mean \"mu\"?"));
  auto upper = parse_quantity("300 MU", Dim::area);
  CHECK_THAT(upper.hint, Catch::StartsWith("did you mean \"mu\"?"));
}

TEST_CASE("text that is not a number is refused") {
  CHECK(parse_quantity("", Dim::money).error == "empty value");
  CHECK(parse_quantity("lots", Dim::count).error == "not a number");
  CHECK(parse_quantity("nan", Dim::number).error == "not a number");
  CHECK(parse_quantity("inf %", Dim::share).error == "not a number");
  CHECK(parse_quantity("1e999", Dim::number).error == "number out of range");
}

TEST_CASE("format_quantity shows canonical values in display units") {
  CHECK(zonesim::format_quantity(Dim::money, 1e11) == "1000 亿元");
  CHECK(zonesim::format_quantity(Dim::share, 0.03) == "3 %");
  CHECK(zonesim::format_quantity(Dim::area, 2000) == "2000 mu");
  CHECK(zonesim::format_quantity(Dim::money_per_area, 5e5) == "50 万元/亩");
}
