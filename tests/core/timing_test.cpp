// SPDX-License-Identifier: GPL-2.0-or-later
// Timing: samples spread over their payload, and the least-squares rate measurement.
#include <cmath>

#include <gtest/gtest.h>

#include "gpmf/timing.h"

using gpmf::RateFit;

TEST(SpreadTime, SamplesCoverThePayloadWithNoGap)
{
	// 4 samples over [10, 11): 10, 10.25, 10.5, 10.75; the next payload starts at 11.
	EXPECT_DOUBLE_EQ(gpmf::spreadTime(10, 1, 0, 4, 0), 10.0);
	EXPECT_DOUBLE_EQ(gpmf::spreadTime(10, 1, 3, 4, 0), 10.75);
	EXPECT_DOUBLE_EQ(gpmf::spreadTime(10, 1, 4, 4, 0), 11.0);
	EXPECT_DOUBLE_EQ(gpmf::spreadTime(10, 1, 2, 4, 0.1), 10.4); // TIMO delays the data: subtract it
}

TEST(RateFit, ExactRateFromCumulativeCounts)
{
	RateFit fit;
	EXPECT_EQ(fit.rate(), 0.0);
	fit.addStart(0.0, 0);
	fit.add(1.001, 201.9 * 1.001);
	fit.add(2.002, 201.9 * 2.002);
	EXPECT_NEAR(fit.rate(), 201.9, 1e-9);
}

TEST(RateFit, JitteredCountsConvergeToTheTrueRate)
{
	// Whole-sample counts per 1.001 s payload, as cameras write them (199, 202, 201...).
	RateFit fit;
	const double trueRate = 197.45;
	fit.addStart(5.0, 0);
	for (int i = 1; i <= 600; i++) {
		const double end = 5.0 + i * 1.001;
		fit.add(end, std::floor((end - 5.0) * trueRate));
	}
	EXPECT_NEAR(fit.rate(), trueRate, 0.01);
}

TEST(RateFit, IgnoresNonFinitePointsAndNeedsTwo)
{
	RateFit fit;
	fit.add(std::nan(""), 10);
	fit.add(1.0, 10);
	EXPECT_EQ(fit.points(), 1u);
	EXPECT_EQ(fit.rate(), 0.0);
}
