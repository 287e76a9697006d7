#include <cmath>

#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>

#include "zonesim/scenario.hpp"

namespace zonesim {

double ParamSpec::quantile(double u) const {
  namespace bm = boost::math;
  switch (kind) {
    case Kind::normal: return b > 0 ? bm::quantile(bm::normal_distribution<>(a, b), u) : a;
    case Kind::lognormal: return b > 0 ? bm::quantile(bm::lognormal_distribution<>(std::log(a), b), u) : a;
    case Kind::uniform: return bm::quantile(bm::uniform_distribution<>(a, b), u);
    case Kind::triangular: return bm::quantile(bm::triangular_distribution<>(a, c, b), u);
    case Kind::fixed: break;
  }
  return a;
}

}  // namespace zonesim
