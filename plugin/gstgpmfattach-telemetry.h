// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfattach's telemetry store: the decoded payloads and GPS points that video frames may still
// need, on the running-time timeline, and what one frame gets from them (its record, its typed
// values, its faces). Plain C++ over libgpmf: the element does the GStreamer side.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gpmf/gps.h"
#include "gpmf/model.h"

namespace gpmf {
class PayloadRecordWriter;
}

namespace gpmf::attach
{

/// Nanoseconds on a signed timeline (running time may lie before 0 for data before a segment).
using Ns = std::int64_t;
inline constexpr Ns kNoNs = std::numeric_limits<Ns>::min();

/// A payload's position → running time: rt = (position - origin) / rate + base, in ns (a forward
/// TIME segment; origin is its start plus offset, rate its absolute rate).
struct TimeMap {
	Ns origin = 0;
	Ns base = 0;
	double rate = 1;

	Ns toRunning(Ns position) const noexcept;
	Ns fromRunning(Ns running) const noexcept;
	/// The same in seconds, for sample times (which the decoder gives in seconds).
	double toRunningSeconds(double position) const noexcept;
	double fromRunningSeconds(double running) const noexcept;
	bool operator==(const TimeMap &) const = default;
};

/// A face the camera detected (FACE), normalised to the frame: 0..1.
struct Face {
	double x = 0, y = 0, w = 0, h = 0; ///< top-left corner and size
	std::optional<std::uint32_t> id;
	/// As the camera wrote them: percent on HERO8 and later, NaN when the camera has no field.
	double confidence = std::numeric_limits<double>::quiet_NaN();
	double smile = std::numeric_limits<double>::quiet_NaN();
	double blink = std::numeric_limits<double>::quiet_NaN();
};

/// What a frame gets. Every member is optional: the telemetry may not have it for this frame.
struct FrameTelemetry {
	std::string record; ///< the payload record, without its newline (empty: not asked for)
	std::optional<double> latitude, longitude, altitude, speed2d, speed3d, course, gpsAge;
	std::optional<int> gpsFix;
	std::optional<double> utc; ///< seconds since 1970 at the frame's middle
	std::optional<std::array<double, 3>> acceleration, rotation, gravity;
	std::optional<std::array<double, 4>> cameraOrientation, imageOrientation;
	std::optional<double> iso, shutter;
	std::vector<Face> faces;

	void clear();
};

struct FrameRequest {
	Ns begin = 0, end = 0; ///< the frame's span in running time
	bool record = true;
	bool faces = true;
};

/*
 * The decoded payloads in arrival order, each with the time map of its segment. Used from one
 * thread (gpmfattach's aggregate thread).
 */
class Telemetry
{
public:
	Telemetry();
	~Telemetry();
	Telemetry(const Telemetry &) = delete;
	Telemetry &operator=(const Telemetry &) = delete;

	/// A decoded payload covering [start, end) of running time, with its GPS points (times as
	/// the payload's). Its contents are taken, not copied: `payload` is left with the memory
	/// of an old one, for the decoder to fill again.
	void takePayload(Payload &payload, const std::vector<GpsPoint> *gps, const TimeMap &map, Ns start,
			 Ns end);
	/// Time with no payload: [start, end) of running time.
	void addGap(Ns start, Ns end);

	/// Whether a payload came since the last clear().
	bool hasPayloads() const noexcept { return payloadsSeen_; }
	/// Running time up to which telemetry has arrived (payload and gap ends), kNoNs before any.
	Ns coverageEnd() const noexcept { return coverageEnd_; }
	/// How far before its own start a payload's samples reach (TIMO, timing): the largest seen.
	Ns lead() const noexcept { return lead_; }
	/// Stored payloads that start at or after `running`.
	std::size_t payloadsFrom(Ns running) const noexcept;

	/// Drops what no frame starting at or after `running` can need.
	void prune(Ns running);
	/// Forgets everything (flush, new stream).
	void clear();

	/// The frame's telemetry into `out` (cleared first).
	void frame(const FrameRequest &request, FrameTelemetry &out);

private:
	struct Stored;
	struct GpsSample {
		double rt; ///< seconds of running time
		GpsPoint point;
	};

	void writeRecord(const FrameRequest &request, FrameTelemetry &out);
	/// The record of a frame across the payloads of contributors_, all on `main`'s timeline:
	/// false (nothing written) where they are not, or their streams' layouts differ.
	bool writeMergedRecord(const Stored &main, double begin, double end, FrameTelemetry &out);
	/// The span of contributors_' payloads, in `main`'s seconds: [first, second).
	std::pair<double, double> contributorsSpan(const Stored &main) const;
	void gps(double middle, double end, FrameTelemetry &out) const;
	std::optional<double> utcAt(double t) const;
	const Stored *mainPayload(double begin) const noexcept;

	std::deque<std::unique_ptr<Stored>> store_;
	std::vector<std::unique_ptr<Stored>> spare_; ///< pruned entries, their memory reused
	/// By time; a vector, not a deque: every frame bisects it several times.
	std::vector<GpsSample> gps_;
	Ns coverageEnd_ = kNoNs;
	Ns lead_ = 0;
	bool payloadsSeen_ = false;
	// Records: "part" counts the frames of one payload; the merged payload's memory is reused.
	std::uint64_t partPayload_ = std::numeric_limits<std::uint64_t>::max();
	std::int64_t part_ = -1;
	std::unique_ptr<Payload> merged_;
	std::vector<Stored *> contributors_;
	std::vector<PayloadRecordWriter *> mergedParts_; ///< their record writers
};

} // namespace gpmf::attach
