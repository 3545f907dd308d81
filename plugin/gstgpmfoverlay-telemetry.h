// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's reading of GstGpmfMeta: one frame's values for the widgets, the G-force low-pass,
// the camera's attitude from gravity, and the track driven so far.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include <gst/gst.h>

namespace gpmf::overlay
{

/// Standard gravity (m/s²): the unit of G-force.
inline constexpr double kStandardGravity = 9.80665;

struct GeoPoint {
	double lat = 0, lon = 0; ///< degrees
};

/// What the widgets show for one frame. Every value is optional, as the meta's fields are.
struct FrameValues {
	std::optional<double> speed;	///< m/s, over the ground (speed-2d)
	std::optional<double> altitude; ///< m
	std::optional<double> course;	///< degrees clockwise from north
	std::optional<GeoPoint> position;
	std::optional<int> gpsFix;    ///< 0, 2 or 3
	std::optional<double> gpsAge; ///< s
	std::optional<double> utc;    ///< seconds since 1970 (UTC), with the milliseconds
	std::optional<int> tzOffset;  ///< minutes east of UTC, when the camera recorded its zone

	/// G-force after the low-pass, in g: the magnitude of the acceleration, and its components
	/// across (lateral, + right) and along (longitudinal, + forward) the camera's direction,
	/// gravity left out (horizontal plane).
	std::optional<double> gTotal;
	double gLateral = 0, gLongitudinal = 0;

	/// The camera's roll and pitch (degrees), from the gravity vector (or the slow mean of the
	/// acceleration when the camera writes no GRAV): roll > 0 is the camera turned clockwise
	/// as seen from behind it, pitch > 0 the lens tilted up.
	std::optional<double> roll, pitch;
};

/// The positions seen so far, thinned so that it stays small: points closer than minStep()
/// metres to the previous one are dropped, and when the track grows past kMaxPoints every other
/// point goes and the step doubles.
class Track
{
public:
	static constexpr std::size_t kMaxPoints = 8192;

	void add(GeoPoint p);
	void clear() noexcept;
	const std::vector<GeoPoint> &points() const noexcept { return points_; }
	/// Grows with every change, to tell a drawing of the track is out of date.
	std::size_t version() const noexcept { return version_; }
	double minStep() const noexcept { return minStep_; }

private:
	std::vector<GeoPoint> points_;
	double minStep_ = 0.5;
	std::size_t version_ = 0;
};

/// Turns each frame's GstGpmfMeta into FrameValues, with the state that needs history (the
/// low-pass filters, the gravity estimate, the track). Streaming thread only.
class Telemetry
{
public:
	/// Reads a frame's meta; `duration` is the frame's (for the filters; 1/30 s when unknown).
	FrameValues update(const GstStructure *meta, GstClockTime duration);
	/// Restarts the filters (after a jump in time); the track stays.
	void reset() noexcept;

	const Track &track() const noexcept { return track_; }

	/// Time constants of the filters, in seconds.
	static constexpr double kGForceTau = 0.15; ///< G-force shown: smooth, but keeps bumps
	static constexpr double kGravityTau = 2.0; ///< "up" when the meta has no gravity vector

private:
	struct Vec3 {
		double v[3] = {0, 0, 0};
	};
	Track track_;
	std::optional<Vec3> fastAccel_; ///< low-passed acceleration, camera axes (up, right, fwd)
	std::optional<Vec3> slowAccel_; ///< its slow mean: the direction of "up" at rest
};

/// Seconds since 1970 of an ISO 8601 UTC time ("2024-05-18T09:41:07.300Z").
std::optional<double> parseUtc(const char *iso8601) noexcept;

} // namespace gpmf::overlay
