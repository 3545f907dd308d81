// SPDX-License-Identifier: LGPL-2.1-or-later
// Least-squares sample-rate measurement.
#include "gpmf/timing.h"

#include <cmath>

namespace gpmf {

void RateFit::add(double endTime, double total) noexcept
{
	if (!std::isfinite(endTime) || !std::isfinite(total))
		return;
	if (n_ == 0) {
		x0_ = endTime;
		y0_ = total;
	}
	const double x = endTime - x0_, y = total - y0_;
	n_++;
	sx_ += x;
	sy_ += y;
	sxx_ += x * x;
	sxy_ += x * y;
}

double RateFit::rate() const noexcept
{
	if (n_ < 2)
		return 0;
	const double n = double(n_);
	const double den = n * sxx_ - sx_ * sx_;
	if (!(std::fabs(den) > 1e-12))
		return 0;
	const double slope = (n * sxy_ - sx_ * sy_) / den;
	return slope > 0 ? slope : 0;
}

} // namespace gpmf
