#include "sweep/kinds.h"

#include <cmath>
#include <limits>

#include "core/errors.h"
#include "model/metric_table.h"
#include "sweep/h5.h"

namespace courtyard::sweep {

KindGroups group_courtyards(const std::vector<std::string>& kind, const std::vector<double>& flats) {
  KindGroups g;
  g.flats = flats;
  g.of.reserve(kind.size());
  for (const std::string& k : kind) {
    const std::string label = k.empty() ? kExplicitKind : k;
    size_t i = 0;
    while (i < g.names.size() && g.names[i] != label) ++i;
    if (i == g.names.size()) g.names.push_back(label);
    g.of.push_back(static_cast<int32_t>(i));
  }
  return g;
}

bool has_kind_series(const std::string& metric, bool residents_known) {
  const int id = find_metric(metric);
  if (id < 0) return false;
  const MetricWeight w = metric_weight(id);
  return w != MetricWeight::kOther && (w != MetricWeight::kResidents || residents_known);
}

void kind_values(MetricWeight weight, std::span<const float> values, std::span<const float> vacancy,
                 const KindGroups& groups, std::span<double> out) {
  const size_t nk = groups.names.size();
  std::vector<double> num(nk, 0.0), den(nk, 0.0);
  for (size_t c = 0; c < values.size(); ++c) {
    const float v = values[c];
    if (std::isnan(v)) continue;
    const size_t k = static_cast<size_t>(groups.of[c]);
    double w = 1;
    if (weight == MetricWeight::kFlats) {
      w = groups.flats[c];
    } else if (weight == MetricWeight::kResidents) {
      const double flats = groups.flats[c];
      const float share = c < vacancy.size() ? vacancy[c] : std::numeric_limits<float>::quiet_NaN();
      w = std::isnan(share) ? 0.0 : flats - std::round(static_cast<double>(share) * flats);
    }
    num[k] += static_cast<double>(v) * w;
    den[k] += w;
  }
  // den counts the courtyards with a value for sums: a kind none of whose courtyards has one is NaN
  for (size_t k = 0; k < nk; ++k)
    out[k] = den[k] > 0 ? (weight == MetricWeight::kSum ? num[k] : num[k] / den[k])
                        : std::numeric_limits<double>::quiet_NaN();
}

std::vector<double> kind_series(MetricWeight weight, std::span<const float> values, std::span<const float> vacancy,
                                const KindGroups& groups, size_t records) {
  const size_t nc = groups.of.size(), nk = groups.names.size();
  std::vector<double> series(nk * records), row(nk);
  for (size_t t = 0; t < records; ++t) {
    kind_values(weight, values.subspan(t * nc, nc), vacancy.empty() ? vacancy : vacancy.subspan(t * nc, nc), groups, row);
    for (size_t k = 0; k < nk; ++k) series[k * records + t] = row[k];
  }
  return series;
}

RunKinds kind_series_from_run_file(const std::string& path, const std::vector<std::string>& metrics) {
  const h5::Reader f(path);
  RunKinds out;
  out.steps = f.ints("timeseries/step");
  const std::vector<std::string> kind = f.strings("courtyards/kind");
  std::vector<double> flats;
  for (int32_t n : f.ints("courtyards/households")) flats.push_back(n);
  if (kind.size() != flats.size()) throw IoError(path + ": /courtyards/kind and /courtyards/households differ in length");
  out.groups = group_courtyards(kind, flats);
  const size_t records = out.steps.size(), nc = kind.size();
  auto read = [&](const std::string& metric) {
    size_t rows = 0, cols = 0;
    std::vector<float> v = f.floats2d("timeseries/" + metric, &rows, &cols);
    if (rows != records || cols != nc)
      throw IoError(path + ": /timeseries/" + metric + " is not (time, courtyard) as /timeseries/step and /courtyards say");
    return v;
  };
  const bool residents_known = f.has("timeseries/vacancy_share");
  const std::vector<float> vacancy = residents_known ? read("vacancy_share") : std::vector<float>();
  for (const std::string& m : metrics) {
    if (out.series.count(m) || !f.has("timeseries/" + m) || !has_kind_series(m, residents_known)) continue;
    const std::vector<float> v = read(m);
    out.series[m] = kind_series(metric_weight(find_metric(m)), v, vacancy, out.groups, records);
  }
  return out;
}

}  // namespace courtyard::sweep
