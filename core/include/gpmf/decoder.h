// SPDX-License-Identifier: LGPL-2.1-or-later
// From GPMF bytes to timed, scaled, named samples: the one entry point the plugin and tools use.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gpmf/fourcc.h"
#include "gpmf/gps.h"
#include "gpmf/model.h"
#include "gpmf/timing.h"

namespace gpmf {

struct DecodeOptions {
	bool raw = false;                 ///< keep sensor values unscaled and in sensor axis order
	std::vector<FourCC> streams;      ///< keep only these stream FourCCs (empty: all)
	std::vector<std::string> devices; ///< keep only devices whose id or name is listed (empty: all)
	int minGpsFix = 0;                ///< drop GPS samples whose fix (0, 2 or 3) is below this
	double maxGpsDop = 0;             ///< drop GPS samples whose DOP is above this (0: no limit)
	/// Drop GPS points (GPS5, GPS9) that jump farther from the last point kept than this speed
	/// (m/s) allows; 0: keep all. Three points in a row that agree with each other are taken as
	/// the track going on (a tunnel's exit), not as outliers.
	double maxGpsSpeed = 0;
};

/// Decodes one payload with no timing (times left empty). Never throws on bad input:
/// problems go to Payload::diagnostics and everything decodable is returned.
Payload decodePayload(std::span<const std::uint8_t> bytes, const DecodeOptions &options = {});

/// What the recording held per stream, for the "summary" record.
struct StreamSummary {
	std::string device;   ///< device id string
	std::string deviceName;
	FourCC key;
	std::string name;
	std::uint64_t samples = 0;
	double rate = 0;      ///< measured Hz (least-squares fit), 0 when unknown
	double firstTime = 0, lastTime = 0;
	double firstUtc = 0, lastUtc = 0; ///< NaN when unknown
	std::uint64_t gpsOutliers = 0; ///< points dropped by DecodeOptions::maxGpsSpeed
};

struct Summary {
	std::uint64_t payloads = 0;
	std::uint64_t corruptPayloads = 0;
	std::vector<StreamSummary> streams;
};

/// maxGpsSpeed's filter for one stream: where the last kept point was, and the run of points
/// that jumped away from it.
struct GpsJumpFilter {
	struct Point {
		double lat, lon, time;
	};
	std::optional<Point> kept;
	std::vector<Point> away; ///< consecutive points too far from `kept`, at most 2
	/// True to keep the point; false for an outlier.
	bool keep(const Point &p, double maxSpeed);
};

/// Stateful decoder for a sequence of payloads: times, measured rates, GPS UTC, filters, summary.
class Decoder {
public:
	explicit Decoder(DecodeOptions options = {});

	/// Decodes the next payload, which covers [pts, pts + duration) seconds on the video timeline.
	Payload decode(std::span<const std::uint8_t> bytes, double pts, double duration);
	/// decode() into `payload`, reusing the memory it holds: pass the same Payload for every
	/// payload of a recording and, once the layout has been seen, decoding allocates next to
	/// nothing. The result is the same as decode()'s.
	void decodeInto(Payload &payload, std::span<const std::uint8_t> bytes, double pts, double duration);

	Summary summary() const;
	const DecodeOptions &options() const noexcept { return options_; }
	void setOptions(DecodeOptions options) { options_ = std::move(options); }
	/// Forgets timing history and the summary (after a seek or flush).
	void reset();

private:
	struct StreamHistory {
		StreamSummary summary;
		RateFit fit;
		std::uint64_t counted = 0; ///< samples counted when TSMP is absent
		double tsmpBase = 0;       ///< added to TSMP after it restarted (a new recording began)
		double lastTotal = 0;      ///< TSMP + tsmpBase of the last payload
		bool seen = false;
		GpsJumpFilter gpsJumps;
		double lastGpsu = std::numeric_limits<double>::quiet_NaN(); ///< GPS5: the last GPSU taken
		GpsClock gpsClock; ///< GPS5 and GPS9: UTC per fix, never going back
	};

	DecodeOptions options_;
	std::uint64_t nextIndex_ = 0;
	std::uint64_t corrupt_ = 0;
	std::vector<std::pair<std::string, StreamHistory>> history_; ///< key: "device/FOURCC", in first-seen order
	std::unordered_map<std::string, std::size_t> historyIndex_;   ///< key to its place in history_
	/// Streams past kMaxStreams (only hostile input has that many device/stream pairs) share this
	/// entry, so memory does not grow with the recording; they get no rate and no summary line.
	StreamHistory overflow_;
	StreamHistory &historyFor(const Device &device, const Stream &stream);
};

} // namespace gpmf
