// The small numerics of ABC-SMC: weighted quantiles and moments, a Cholesky factor, a Gaussian kernel,
// and numbers written so that they read back exactly. Plain loops in a fixed order: the same input
// gives the same bits on any machine of the same floating-point model and any number of threads.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "calibrate/calibrate.h"

namespace courtyard::calibrate {

std::string number_text(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

double weighted_quantile(const std::vector<double>& values, const std::vector<double>& weights, double q) {
  if (values.empty()) throw std::runtime_error("weighted_quantile of nothing");
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  double total = 0;
  for (double w : weights) total += w;
  double cum = 0;
  for (size_t i : order) {
    cum += weights[i];
    if (cum >= q * total) return values[i];
  }
  return values[order.back()];
}

void weighted_moments(const std::vector<std::vector<double>>& x, const std::vector<double>& w, std::vector<double>* mean,
                      std::vector<double>* cov) {
  const size_t n = x.size(), d = n ? x[0].size() : 0;
  double total = 0;
  for (double wi : w) total += wi;
  mean->assign(d, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t k = 0; k < d; ++k) (*mean)[k] += w[i] * x[i][k];
  for (size_t k = 0; k < d; ++k) (*mean)[k] /= total;
  cov->assign(d * d, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t a = 0; a < d; ++a)
      for (size_t b = 0; b < d; ++b) (*cov)[a * d + b] += w[i] * (x[i][a] - (*mean)[a]) * (x[i][b] - (*mean)[b]);
  for (double& c : *cov) c /= total;
}

std::vector<double> cholesky(std::vector<double> a, int d) {
  const auto n = static_cast<size_t>(d);
  // a ridge relative to the diagonal: a population collapsed onto one value in some direction still
  // gets a kernel that can move (a zero variance would stop the sampler)
  double scale = 0;
  for (size_t i = 0; i < n; ++i) scale = std::max(scale, std::fabs(a[i * n + i]));
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::vector<double> l(n * n, 0.0);
    bool ok = true;
    for (size_t j = 0; j < n && ok; ++j) {
      double s = a[j * n + j];
      for (size_t k = 0; k < j; ++k) s -= l[j * n + k] * l[j * n + k];
      if (!(s > 0) || !std::isfinite(s)) {
        ok = false;
        break;
      }
      l[j * n + j] = std::sqrt(s);
      for (size_t i = j + 1; i < n; ++i) {
        double t = a[i * n + j];
        for (size_t k = 0; k < j; ++k) t -= l[i * n + k] * l[j * n + k];
        l[i * n + j] = t / l[j * n + j];
      }
    }
    if (ok) return l;
    const double ridge = (scale > 0 ? scale : 1.0) * std::pow(10.0, -10 + attempt);
    for (size_t i = 0; i < n; ++i) a[i * n + i] += ridge;
  }
  throw CalibrationError("the population's covariance is not positive definite");
}

double gaussian_kernel(const std::vector<double>& lower, const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = x.size();
  std::vector<double> z(n);
  double q = 0;
  for (size_t i = 0; i < n; ++i) {  // forward substitution: L z = x - y
    double t = x[i] - y[i];
    for (size_t k = 0; k < i; ++k) t -= lower[i * n + k] * z[k];
    z[i] = t / lower[i * n + i];
    q += z[i] * z[i];
  }
  return std::exp(-0.5 * q);
}

}  // namespace courtyard::calibrate
