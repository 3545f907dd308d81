// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's reading of GstGpmfMeta: values, filters, attitude and track.
//
// Axes. The decoder puts ACCL in GoPro's output order ORIO "ZXY" (HERO5 writes it so natively):
// acceleration = (Z up, X right, Y forward) of the camera body, the order of HERO5's stream
// name "Accelerometer (up/down, right/left, forward/back)". An accelerometer reads the specific
// force, so at rest it reads +1 g *up*. GRAV is (X right, Z up, Y forward) in the same body axes
// (HERO8 and later; the demo recording copies a HERO11 file) and its sign differs between
// firmwares, so "up" is GRAV turned to agree with the slow mean of ACCL.

#include "gstgpmfoverlay-telemetry.h"

#include <algorithm>
#include <cmath>

#include "gstgpmfmeta.h"

namespace gpmf::overlay
{

namespace
{

constexpr double kPi = 3.14159265358979323846;
constexpr double kDegrees = 180.0 / kPi;
constexpr double kEarthRadius = 6371000.0;

double dot(const double *a, const double *b) noexcept
{
	return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

double norm(const double *a) noexcept
{
	return std::sqrt(dot(a, a));
}

// Equirectangular distance in metres: plenty for points a few metres apart.
double distance(GeoPoint a, GeoPoint b) noexcept
{
	const double lat = (a.lat + b.lat) / 2 / kDegrees;
	const double dx = (b.lon - a.lon) / kDegrees * std::cos(lat);
	const double dy = (b.lat - a.lat) / kDegrees;
	return kEarthRadius * std::sqrt(dx * dx + dy * dy);
}

std::optional<double> getDouble(const GstStructure *s, const char *field) noexcept
{
	gdouble value = 0;
	if (gst_structure_get_double(s, field, &value) && std::isfinite(value))
		return value;
	return std::nullopt;
}

std::optional<int> getInt(const GstStructure *s, const char *field) noexcept
{
	gint value = 0;
	if (gst_structure_get_int(s, field, &value))
		return value;
	return std::nullopt;
}

// The part of `axis` across `up` (a unit vector), made a unit vector; false when they are parallel.
bool across(const double *axis, const double *up, double *out) noexcept
{
	const double along = dot(axis, up);
	for (int i = 0; i < 3; i++)
		out[i] = axis[i] - along * up[i];
	const double n = norm(out);
	if (n < 1e-3)
		return false;
	for (int i = 0; i < 3; i++)
		out[i] /= n;
	return true;
}

} // namespace

void Track::add(GeoPoint p)
{
	if (!points_.empty() && distance(points_.back(), p) < minStep_)
		return;
	points_.push_back(p);
	if (points_.size() > kMaxPoints) {
		std::size_t kept = 0;
		for (std::size_t i = 0; i < points_.size(); i += 2)
			points_[kept++] = points_[i];
		if (points_.back().lat != points_[kept - 1].lat ||
		    points_.back().lon != points_[kept - 1].lon)
			points_[kept++] = points_.back();
		points_.resize(kept);
		minStep_ *= 2;
	}
	version_++;
}

void Track::clear() noexcept
{
	points_.clear();
	minStep_ = 0.5;
	version_++;
}

std::optional<double> parseUtc(const char *iso8601) noexcept
{
	if (!iso8601)
		return std::nullopt;
	GDateTime *time = g_date_time_new_from_iso8601(iso8601, nullptr);
	if (!time)
		return std::nullopt;
	const double seconds = double(g_date_time_to_unix(time)) + g_date_time_get_microsecond(time) / 1e6;
	g_date_time_unref(time);
	return seconds;
}

void Telemetry::reset() noexcept
{
	fastAccel_.reset();
	slowAccel_.reset();
}

FrameValues Telemetry::update(const GstStructure *meta, GstClockTime duration)
{
	FrameValues f;
	f.speed = getDouble(meta, GST_GPMF_META_SPEED_2D);
	f.altitude = getDouble(meta, GST_GPMF_META_ALTITUDE);
	f.course = getDouble(meta, GST_GPMF_META_COURSE);
	f.gpsAge = getDouble(meta, GST_GPMF_META_GPS_AGE);
	f.gpsFix = getInt(meta, GST_GPMF_META_GPS_FIX);
	f.tzOffset = getInt(meta, GST_GPMF_META_TZ_OFFSET);
	f.utc = parseUtc(gst_structure_get_string(meta, GST_GPMF_META_UTC));
	const auto lat = getDouble(meta, GST_GPMF_META_LATITUDE);
	const auto lon = getDouble(meta, GST_GPMF_META_LONGITUDE);
	// (0, 0) is what a camera without a fix writes; no track goes through it.
	if (lat && lon && std::abs(*lat) <= 90 && std::abs(*lon) <= 180 && (*lat != 0 || *lon != 0) &&
	    f.gpsFix.value_or(3) >= 2) {
		f.position = GeoPoint{*lat, *lon};
		track_.add(*f.position);
	}

	const double dt = GST_CLOCK_TIME_IS_VALID(duration) && duration > 0
			      ? std::min(double(duration) / double(GST_SECOND), 1.0)
			      : 1.0 / 30.0;
	double accel[3];
	const bool haveAccel = gst_gpmf_meta_get_vector(meta, GST_GPMF_META_ACCELERATION, accel, 3) == 3 &&
			       std::isfinite(norm(accel));
	if (haveAccel) {
		const double fast = 1 - std::exp(-dt / kGForceTau);
		const double slow = 1 - std::exp(-dt / kGravityTau);
		if (!fastAccel_)
			fastAccel_ = Vec3{{accel[0], accel[1], accel[2]}};
		if (!slowAccel_)
			slowAccel_ = Vec3{{accel[0], accel[1], accel[2]}};
		for (int i = 0; i < 3; i++) {
			fastAccel_->v[i] += fast * (accel[i] - fastAccel_->v[i]);
			slowAccel_->v[i] += slow * (accel[i] - slowAccel_->v[i]);
		}
	}

	// "Up" in the acceleration's axes (up, right, forward).
	double up[3] = {0, 0, 0};
	bool haveUp = false;
	double grav[3];
	if (gst_gpmf_meta_get_vector(meta, GST_GPMF_META_GRAVITY, grav, 3) == 3 && norm(grav) > 0.1) {
		up[0] = grav[1];
		up[1] = grav[0];
		up[2] = grav[2];
		if (slowAccel_ && dot(up, slowAccel_->v) < 0) {
			for (double &c : up)
				c = -c;
		}
		haveUp = std::isfinite(norm(up));
	} else if (slowAccel_ && norm(slowAccel_->v) > 0.1) {
		std::copy(slowAccel_->v, slowAccel_->v + 3, up);
		haveUp = true;
	}
	if (haveUp) {
		const double n = norm(up);
		for (double &c : up)
			c /= n;
		f.roll = std::atan2(-up[1], up[0]) * kDegrees;
		f.pitch = std::asin(std::clamp(up[2], -1.0, 1.0)) * kDegrees;
	}

	if (fastAccel_) {
		const double *a = fastAccel_->v;
		f.gTotal = norm(a) / kStandardGravity;
		if (haveUp) {
			const double rightAxis[3] = {0, 1, 0}, forwardAxis[3] = {0, 0, 1};
			double right[3], forward[3];
			const bool r = across(rightAxis, up, right);
			const bool fw = across(forwardAxis, up, forward);
			f.gLateral = r ? dot(a, right) / kStandardGravity : 0;
			f.gLongitudinal = fw ? dot(a, forward) / kStandardGravity : 0;
		}
	}
	return f;
}

} // namespace gpmf::overlay
