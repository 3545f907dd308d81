// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfattach's telemetry store and what one frame gets from it.

#include "gstgpmfattach-telemetry.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include "gpmf/records.h"

namespace gpmf::attach
{

namespace
{

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// GPS: points further apart than this are not interpolated between (a lost fix, dropped points).
constexpr double kGpsMaxGap = 2.0;
// A frame without GPS points on both sides takes the nearest one this close (seconds).
constexpr double kGpsHold = 1.0;
// UTC runs on: it is carried from a GPS point this far (seconds).
constexpr double kUtcReach = 60.0;
// UTC at a time: a line through the GPS points this close (seconds), spread at least so far.
// Within what is sure to be there when a frame goes out (kKeepPayloads behind it, a second of
// telemetry ahead: kMinLead in gstgpmfattach-output.cpp), so a frame's UTC does not depend on
// how far the other pad happened to be.
constexpr double kUtcFitSpan = 0.9;
constexpr double kUtcMinFitSpread = 0.5;
// The course is the direction between the positions this far (seconds) either side of the
// frame's middle, when they are at least kCourseMinDistance metres apart (GPS noise otherwise).
constexpr double kCourseHalfSpan = 0.5;
constexpr double kCourseMinDistance = 1.0;
// Orientation, gravity and exposure: the sample nearest the frame's middle, if this close.
constexpr double kNearestReach = 0.5;
// What is kept before the oldest frame that may still come (seconds): GPS interpolation and the
// nearest-sample searches look that far back.
constexpr double kKeepPayloads = 1.0;
constexpr double kKeepGps = kGpsMaxGap + kCourseHalfSpan;
constexpr std::size_t kMaxSpare = 4;
constexpr double kEarthRadius = 6371008.8;
// The streams a frame's typed fields come from.
constexpr std::array<FourCC, 9> kFrameKeys = {FourCC("ACCL"), FourCC("GYRO"), FourCC("GRAV"),
					       FourCC("CORI"), FourCC("IORI"), FourCC("ISOE"),
					       FourCC("ISOG"), FourCC("SHUT"), FourCC("FACE")};

double seconds(Ns ns) noexcept
{
	return double(ns) / 1e9;
}

Ns nanoseconds(double s) noexcept
{
	return Ns(std::llround(s * 1e9));
}

// The stream with this key: the camera's (device 1) when several devices have one.
const Stream *findStream(const Payload &payload, FourCC key) noexcept
{
	const Stream *any = nullptr;
	for (const Device &d : payload.devices) {
		for (const Stream &s : d.streams) {
			if (s.key != key)
				continue;
			if (d.id == 1)
				return &s;
			if (!any)
				any = &s;
		}
	}
	return any;
}

// The timed slots of a stream inside [begin, end) (the payload's seconds): an index range.
std::pair<std::size_t, std::size_t> slotRange(const Stream &s, double begin, double end) noexcept
{
	const auto first = s.times.begin();
	const auto last = first + std::ptrdiff_t(std::min(s.times.size(), s.slotCount()));
	const auto lo = std::partition_point(first, last, [begin](double t) { return t < begin; });
	const auto hi = std::partition_point(lo, last, [end](double t) { return t < end; });
	return {std::size_t(lo - first), std::size_t(hi - first)};
}

// First item of a slot (grouped streams hold several items per slot).
std::size_t firstItem(const Stream &s, std::size_t slot) noexcept
{
	if (!s.isGrouped())
		return slot;
	std::size_t item = 0;
	for (std::size_t i = 0; i < slot && i < s.slotSizes.size(); i++)
		item += s.slotSizes[i];
	return item;
}

std::size_t fieldIndex(const Stream &s, std::string_view name) noexcept
{
	for (std::size_t i = 0; i < s.fields.size(); i++) {
		if (s.fields[i] == name && i < s.values.fields.size() && !s.values.isTextField(i))
			return i;
	}
	return std::size_t(-1);
}

// Numeric value `field` (among the numeric fields) of an item; NaN when absent.
double numberAt(const Values &v, std::size_t item, std::size_t field) noexcept
{
	const std::size_t stride = v.numericFieldCount();
	const std::size_t at = item * stride + field;
	return field < stride && at < v.numbers.size() ? v.numbers[at] : kNaN;
}

double lerp(double a, double b, double f) noexcept
{
	return a + (b - a) * f;
}

// Two GPS points mixed: f = 0 gives a, 1 gives b (longitude across ±180 handled).
GpsPoint mix(const GpsPoint &a, const GpsPoint &b, double f)
{
	GpsPoint p = a;
	p.lat = lerp(a.lat, b.lat, f);
	double lon = b.lon;
	if (lon - a.lon > 180)
		lon -= 360;
	else if (a.lon - lon > 180)
		lon += 360;
	p.lon = lerp(a.lon, lon, f);
	if (p.lon > 180)
		p.lon -= 360;
	else if (p.lon < -180)
		p.lon += 360;
	p.alt = lerp(a.alt, b.alt, f);
	p.speed2d = lerp(a.speed2d, b.speed2d, f);
	p.speed3d = lerp(a.speed3d, b.speed3d, f);
	p.utc = lerp(a.utc, b.utc, f);
	return p;
}

} // namespace

/* TimeMap. */

Ns TimeMap::toRunning(Ns position) const noexcept
{
	if (rate == 1)
		return position - origin + base;
	return Ns(std::llround(double(position - origin) / rate)) + base;
}

Ns TimeMap::fromRunning(Ns running) const noexcept
{
	if (rate == 1)
		return running - base + origin;
	return Ns(std::llround(double(running - base) * rate)) + origin;
}

double TimeMap::toRunningSeconds(double position) const noexcept
{
	return (position - seconds(origin)) / rate + seconds(base);
}

double TimeMap::fromRunningSeconds(double running) const noexcept
{
	return (running - seconds(base)) * rate + seconds(origin);
}

void FrameTelemetry::clear()
{
	record.clear();
	latitude = longitude = altitude = speed2d = speed3d = course = gpsAge = utc = std::nullopt;
	gpsFix = std::nullopt;
	acceleration = rotation = gravity = std::nullopt;
	cameraOrientation = imageOrientation = std::nullopt;
	iso = shutter = std::nullopt;
	faces.clear();
}

/* The store. */

struct Telemetry::Stored {
	Payload payload;
	TimeMap map;
	Ns start = 0, end = 0;		    ///< the payload's span, running time
	double minRt = kInf, maxRt = -kInf; ///< its timed slots, seconds of running time
	/// The streams each frame looks up (kFrameKeys), found once: nullptr where there is none.
	std::array<const Stream *, kFrameKeys.size()> keyed{};
	/// The frames' records of this payload; laid out when a record is first asked for.
	PayloadRecordWriter records;
	bool recordsReady = false;

	PayloadRecordWriter &recordWriter()
	{
		if (!std::exchange(recordsReady, true))
			records.reset(payload);
		return records;
	}

	// The frame's span in this payload's seconds.
	std::pair<double, double> window(const FrameRequest &r) const noexcept
	{
		return {seconds(map.fromRunning(r.begin)), seconds(map.fromRunning(r.end))};
	}
	bool mayHold(double begin, double end) const noexcept { return maxRt >= begin && minRt < end; }
	const Stream *stream(FourCC key) const noexcept
	{
		for (std::size_t k = 0; k < kFrameKeys.size(); k++) {
			if (kFrameKeys[k] == key)
				return keyed[k];
		}
		return findStream(payload, key);
	}
};

Telemetry::Telemetry() : merged_(std::make_unique<Payload>())
{
}

Telemetry::~Telemetry() = default;

void Telemetry::takePayload(Payload &payload, const std::vector<GpsPoint> *gps, const TimeMap &map,
			    Ns start, Ns end)
{
	std::unique_ptr<Stored> st;
	if (!spare_.empty()) {
		st = std::move(spare_.back());
		spare_.pop_back();
	} else {
		st = std::make_unique<Stored>();
	}
	// The payload's contents for an old one's memory, which the decoder fills again.
	std::swap(st->payload, payload);
	st->recordsReady = false;
	for (std::size_t k = 0; k < kFrameKeys.size(); k++)
		st->keyed[k] = findStream(st->payload, kFrameKeys[k]);
	st->map = map;
	st->start = start;
	st->end = end;
	double lo = kInf, hi = -kInf;
	for (const Device &d : st->payload.devices) {
		for (const Stream &s : d.streams) {
			const std::size_t n = std::min(s.times.size(), s.slotCount());
			if (n == 0)
				continue;
			if (std::isfinite(s.times.front()))
				lo = std::min(lo, s.times.front());
			if (std::isfinite(s.times[n - 1]))
				hi = std::max(hi, s.times[n - 1]);
		}
	}
	st->minRt = std::isfinite(lo) ? map.toRunningSeconds(lo) : kInf;
	st->maxRt = std::isfinite(hi) ? map.toRunningSeconds(hi) : -kInf;
	if (std::isfinite(lo))
		lead_ = std::max(lead_, start - nanoseconds(st->minRt));
	coverageEnd_ = coverageEnd_ == kNoNs ? end : std::max(coverageEnd_, end);
	payloadsSeen_ = true;

	if (gps) {
		for (const GpsPoint &p : *gps) {
			if (!std::isfinite(p.time))
				continue;
			GpsSample sample{map.toRunningSeconds(p.time), p};
			if (gps_.empty() || gps_.back().rt <= sample.rt) {
				gps_.push_back(std::move(sample));
			} else {
				auto at =
				    std::upper_bound(gps_.begin(), gps_.end(), sample.rt,
						     [](double rt, const GpsSample &g) { return rt < g.rt; });
				gps_.insert(at, std::move(sample));
			}
		}
	}
	store_.push_back(std::move(st));
}

void Telemetry::addGap(Ns start, Ns end)
{
	(void)start;
	coverageEnd_ = coverageEnd_ == kNoNs ? end : std::max(coverageEnd_, end);
}

std::size_t Telemetry::payloadsFrom(Ns running) const noexcept
{
	return std::size_t(std::count_if(store_.begin(), store_.end(),
					 [running](const auto &st) { return st->start >= running; }));
}

void Telemetry::prune(Ns running)
{
	const double keep = seconds(running);
	while (!store_.empty()) {
		const Stored &front = *store_.front();
		if (!(front.maxRt < keep - kKeepPayloads && seconds(front.end) < keep - kKeepPayloads))
			break;
		if (spare_.size() < kMaxSpare)
			spare_.push_back(std::move(store_.front()));
		store_.pop_front();
	}
	// The newest point before the frames stays: it still says how old the GPS is.
	std::size_t stale = 0;
	while (stale + 1 < gps_.size() && gps_[stale + 1].rt < keep - kKeepGps)
		stale++;
	gps_.erase(gps_.begin(), gps_.begin() + std::ptrdiff_t(stale));
}

void Telemetry::clear()
{
	while (!store_.empty()) {
		if (spare_.size() < kMaxSpare)
			spare_.push_back(std::move(store_.front()));
		store_.pop_front();
	}
	gps_.clear();
	coverageEnd_ = kNoNs;
	lead_ = 0;
	payloadsSeen_ = false;
	partPayload_ = std::numeric_limits<std::uint64_t>::max();
	part_ = -1;
}

const Telemetry::Stored *Telemetry::mainPayload(double begin) const noexcept
{
	const Stored *before = nullptr;
	for (const auto &st : store_) {
		if (seconds(st->start) <= begin && begin < seconds(st->end))
			return st.get();
		if (seconds(st->start) <= begin)
			before = st.get();
	}
	return before ? before : (store_.empty() ? nullptr : store_.front().get());
}

namespace
{

// The merged payload: streams matched by device and key, their slots appended in time order.
class Merger
{
public:
	explicit Merger(Payload &out) : out_(out) {}

	void add(const Payload &payload, double begin, double end, const TimeMap &from, const TimeMap &to)
	{
		for (const Device &d : payload.devices) {
			std::size_t device = std::size_t(-1);
			for (const Stream &s : d.streams) {
				const auto [i0, i1] = slotRange(s, begin, end);
				if (i0 == i1)
					continue;
				if (device == std::size_t(-1))
					device = deviceFor(d);
				append(streamFor(device, s), s, i0, i1, from, to);
			}
		}
	}

	void finish()
	{
		out_.devices.resize(devices_);
		for (std::size_t k = 0; k < devices_; k++)
			out_.devices[k].streams.resize(streams_[k]);
	}

private:
	std::size_t deviceFor(const Device &d)
	{
		for (std::size_t k = 0; k < devices_; k++) {
			const Device &m = out_.devices[k];
			if (m.id == d.id && m.idText == d.idText && m.name == d.name)
				return k;
		}
		if (devices_ == out_.devices.size())
			out_.devices.emplace_back();
		Device &m = out_.devices[devices_];
		m.id = d.id;
		m.idText = d.idText;
		m.name = d.name;
		m.properties = d.properties;
		streams_.push_back(0);
		return devices_++;
	}

	Stream &streamFor(std::size_t device, const Stream &s)
	{
		Device &m = out_.devices[device];
		std::size_t &used = streams_[device];
		for (std::size_t k = 0; k < used; k++) {
			if (m.streams[k].key == s.key && m.streams[k].name == s.name)
				return m.streams[k];
		}
		if (used == m.streams.size())
			m.streams.emplace_back();
		// The stream whole (into the memory of the last merge's), its slots then emptied for
		// append() to fill: a frame across payloads is one in a payload's worth of frames.
		Stream &t = m.streams[used++];
		t = s;
		t.values.clearSamples();
		t.slotSizes.clear();
		t.times.clear();
		t.utc.clear();
		return t;
	}

	static void append(Stream &t, const Stream &s, std::size_t i0, std::size_t i1, const TimeMap &from,
			   const TimeMap &to)
	{
		const Values &v = s.values;
		const std::size_t item0 = firstItem(s, i0);
		const std::size_t item1 = s.isGrouped() ? firstItem(s, i1) : i1;
		if (s.isGrouped())
			t.slotSizes.insert(t.slotSizes.end(), s.slotSizes.begin() + std::ptrdiff_t(i0),
					   s.slotSizes.begin() + std::ptrdiff_t(i1));
		const std::size_t nf = v.numericFieldCount(), nt = v.textFieldCount();
		auto copy = [](auto &dst, const auto &src, std::size_t a, std::size_t b) {
			a = std::min(a, src.size());
			b = std::min(b, src.size());
			dst.insert(dst.end(), src.begin() + std::ptrdiff_t(a),
				   src.begin() + std::ptrdiff_t(b));
		};
		copy(t.values.numbers, v.numbers, item0 * nf, item1 * nf);
		copy(t.values.texts, v.texts, item0 * nt, item1 * nt);
		t.values.sampleCount += std::uint32_t(item1 - item0);
		const std::size_t before = t.times.size();
		for (std::size_t i = i0; i < i1; i++)
			t.times.push_back(from == to
					      ? s.times[i]
					      : to.fromRunningSeconds(from.toRunningSeconds(s.times[i])));
		if (!s.utc.empty()) {
			t.utc.resize(before, kNaN);
			for (std::size_t i = i0; i < i1; i++)
				t.utc.push_back(i < s.utc.size() ? s.utc[i] : kNaN);
		}
	}

	Payload &out_;
	std::size_t devices_ = 0;
	std::vector<std::size_t> streams_; ///< streams used per device
};

} // namespace

void Telemetry::writeRecord(const FrameRequest &request, FrameTelemetry &out)
{
	const double b = seconds(request.begin), e = seconds(request.end);
	const Stored *main = mainPayload(b);
	if (!main)
		return;
	if (main->payload.index != partPayload_) {
		partPayload_ = main->payload.index;
		part_ = 0;
	} else {
		part_++;
	}

	contributors_.clear();
	for (const auto &st : store_) {
		if (!st->mayHold(b, e))
			continue;
		const auto [wb, we] = st->window(request);
		if (st->recordWriter().hasSamples(RecordWindow{wb, we, 0}))
			contributors_.push_back(st.get());
	}
	const auto [mb, me] = main->window(request);
	if (contributors_.size() == 1) {
		// The usual case: the frame lies in one payload.
		Stored &only = *contributors_.front();
		const auto [wb, we] = only.window(request);
		only.recordWriter().write(out.record, RecordWindow{wb, we, part_});
	} else if (contributors_.size() > 1 && writeMergedRecord(*main, mb, me, out)) {
		// Across payloads on one timeline (the usual case at a payload's end).
	} else {
		// None (the frame holds no sample), or payloads from several segments: one record all
		// the same.
		Payload &m = *merged_;
		m.index = main->payload.index;
		m.pts = mb;
		m.duration = me - mb;
		m.diagnostics = main->payload.diagnostics;
		m.unsupported = main->payload.unsupported;
		Merger merger(m);
		if (!contributors_.empty()) {
			for (const Stored *st : contributors_) {
				const auto [wb, we] = st->window(request);
				merger.add(st->payload, wb, we, st->map, main->map);
			}
			const auto [lo, hi] = contributorsSpan(*main);
			m.pts = lo;
			m.duration = hi - lo;
		}
		merger.finish();
		writePayloadRecord(out.record, m, RecordWindow{mb, me, part_});
	}
	if (!out.record.empty() && out.record.back() == '\n')
		out.record.pop_back();
}

std::pair<double, double> Telemetry::contributorsSpan(const Stored &main) const
{
	double lo = kInf, hi = -kInf;
	for (const Stored *st : contributors_) {
		const double start = main.map.fromRunningSeconds(seconds(st->start));
		lo = std::min(lo, start);
		hi = std::max(hi, start + seconds(st->end - st->start));
	}
	return {lo, hi};
}

bool Telemetry::writeMergedRecord(const Stored &main, double begin, double end, FrameTelemetry &out)
{
	mergedParts_.clear();
	for (Stored *st : contributors_) {
		if (!(st->map == main.map))
			return false;
		mergedParts_.push_back(&st->recordWriter());
	}
	const auto [lo, hi] = contributorsSpan(main);
	return PayloadRecordWriter::writeMerged(out.record, main.payload, lo, hi - lo, mergedParts_,
						RecordWindow{begin, end, part_});
}

std::optional<double> Telemetry::utcAt(double t) const
{
	// GPSU comes once a payload and the points' UTC jumps a little at each payload: a line
	// fitted through the points around smooths that out (and follows timelapse rates).
	// The points are in time order, so g.rt - t grows with the index: the nearest point with a
	// UTC is the first one found on either side of t, the earlier one on a tie.
	const auto after = std::partition_point(gps_.begin(), gps_.end(),
						[t](const GpsSample &g) { return g.rt - t < 0; });
	const GpsSample *nearest = nullptr;
	for (auto it = after; it != gps_.begin();) {
		--it;
		if (nearest && std::abs(it->rt - t) != std::abs(nearest->rt - t))
			break;
		if (std::isfinite(it->point.utc))
			nearest = &*it; // an earlier point as near (the same time) wins
	}
	for (auto it = after; it != gps_.end(); ++it) {
		if (!std::isfinite(it->point.utc))
			continue;
		if (!nearest || std::abs(it->rt - t) < std::abs(nearest->rt - t))
			nearest = &*it;
		break;
	}
	// The fit's points: |g.rt - t| <= kUtcFitSpan, a run of the vector.
	const auto from = std::partition_point(gps_.begin(), after, [t](const GpsSample &g) {
		return g.rt - t < -kUtcFitSpan;
	});
	const auto to = std::partition_point(after, gps_.end(), [t](const GpsSample &g) {
		return !(g.rt - t > kUtcFitSpan);
	});
	double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, lo = kInf, hi = -kInf;
	for (auto it = from; it != to; ++it) {
		const GpsSample &g = *it;
		if (!std::isfinite(g.point.utc))
			continue;
		// Relative to the nearest point: UTC is ~1.7e9, its square would lose the milliseconds.
		const double x = g.rt - t, y = g.point.utc - nearest->point.utc;
		n++;
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
		lo = std::min(lo, g.rt);
		hi = std::max(hi, g.rt);
	}
	if (!nearest)
		return std::nullopt;
	if (n >= 2 && hi - lo >= kUtcMinFitSpread) {
		const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
		const double intercept = (sy - slope * sx) / n; // at x = 0, i.e. at t
		if (std::isfinite(intercept) && slope > 0)
			return nearest->point.utc + intercept;
	}
	// UTC flows on: from the nearest point that has it.
	if (std::abs(nearest->rt - t) <= kUtcReach)
		return nearest->point.utc + (t - nearest->rt);
	return std::nullopt;
}

void Telemetry::gps(double middle, double end, FrameTelemetry &out) const
{
	if (gps_.empty())
		return;
	// The newest point at or before the frame's end gives the age.
	auto upTo = std::upper_bound(gps_.begin(), gps_.end(), end,
				     [](double rt, const GpsSample &g) { return rt < g.rt; });
	if (upTo != gps_.begin())
		out.gpsAge = end - std::prev(upTo)->rt;

	// The position at a time: between the points around it, or the nearest one close enough.
	auto at = [this](double t, double hold) -> std::optional<GpsPoint> {
		auto next = std::upper_bound(gps_.begin(), gps_.end(), t,
					     [](double rt, const GpsSample &g) { return rt < g.rt; });
		const GpsSample *p1 = next != gps_.end() ? &*next : nullptr;
		const GpsSample *p0 = next != gps_.begin() ? &*std::prev(next) : nullptr;
		if (p0 && p1 && p1->rt - p0->rt <= kGpsMaxGap)
			return mix(p0->point, p1->point,
				   p1->rt > p0->rt ? (t - p0->rt) / (p1->rt - p0->rt) : 0);
		if (p0 && t - p0->rt <= hold)
			return p0->point;
		if (p1 && p1->rt - t <= hold)
			return p1->point;
		return std::nullopt;
	};

	if (const auto p = at(middle, kGpsHold)) {
		out.latitude = p->lat;
		out.longitude = p->lon;
		out.altitude = p->alt;
		out.speed2d = p->speed2d;
		out.speed3d = p->speed3d;
		if (p->fix >= 0)
			out.gpsFix = p->fix;
	}
	out.utc = utcAt(middle);

	// (Near the ends of the track, over what there is of that second.)
	const double from = std::max(middle - kCourseHalfSpan, gps_.front().rt);
	const double to = std::min(middle + kCourseHalfSpan, gps_.back().rt);
	const auto a = to - from >= kCourseHalfSpan / 2 ? at(from, 0) : std::nullopt;
	const auto b = a ? at(to, 0) : std::nullopt;
	if (a && b) {
		const double lat = (a->lat + b->lat) / 2 * std::numbers::pi / 180;
		double dlon = b->lon - a->lon;
		if (dlon > 180)
			dlon -= 360;
		else if (dlon < -180)
			dlon += 360;
		const double east = dlon * std::numbers::pi / 180 * std::cos(lat) * kEarthRadius;
		const double north = (b->lat - a->lat) * std::numbers::pi / 180 * kEarthRadius;
		if (std::hypot(east, north) >= kCourseMinDistance) {
			double course = std::atan2(east, north) * 180 / std::numbers::pi;
			if (course < 0)
				course += 360;
			out.course = course;
		}
	}
}

void Telemetry::frame(const FrameRequest &request, FrameTelemetry &out)
{
	out.clear();
	if (request.record)
		writeRecord(request, out);

	const double b = seconds(request.begin), e = seconds(request.end), m = (b + e) / 2;
	gps(m, e, out);

	// Means over the frame.
	auto mean = [&](FourCC key) -> std::optional<std::array<double, 3>> {
		std::array<double, 3> sum{0, 0, 0};
		std::size_t n = 0;
		for (const auto &st : store_) {
			if (!st->mayHold(b, e))
				continue;
			const Stream *s = st->stream(key);
			if (!s || s->isGrouped() || s->values.numericFieldCount() < 3)
				continue;
			const auto [wb, we] = st->window(request);
			const auto [i0, i1] = slotRange(*s, wb, we);
			for (std::size_t i = i0; i < i1; i++) {
				for (std::size_t f = 0; f < 3; f++)
					sum[f] += numberAt(s->values, i, f);
				n++;
			}
		}
		if (n == 0)
			return std::nullopt;
		for (double &v : sum)
			v /= double(n);
		return sum;
	};
	out.acceleration = mean(FourCC("ACCL"));
	out.rotation = mean(FourCC("GYRO"));

	// The slot of a stream nearest the frame's middle, within `reach` seconds.
	struct Nearest {
		const Stream *stream = nullptr;
		std::size_t slot = 0;
		double distance = kInf;
	};
	auto nearest = [&](FourCC key, double reach) {
		Nearest best;
		for (const auto &st : store_) {
			if (!st->mayHold(m - reach, m + reach))
				continue;
			const Stream *s = st->stream(key);
			if (!s)
				continue;
			const double pm = st->map.fromRunningSeconds(m);
			const std::size_t n = std::min(s->times.size(), s->slotCount());
			const auto [k, unused] = slotRange(*s, pm, kInf);
			(void)unused;
			for (std::size_t i : {k - 1, k}) {
				if (i >= n)
					continue;
				const double d = std::abs(s->times[i] - pm) / st->map.rate;
				if (d <= reach && d < best.distance)
					best = Nearest{s, i, d};
			}
		}
		return best;
	};
	auto vector = [&](FourCC key, auto &field) {
		const Nearest n = nearest(key, kNearestReach);
		using Array = typename std::remove_reference_t<decltype(field)>::value_type;
		if (!n.stream || n.stream->isGrouped() ||
		    n.stream->values.numericFieldCount() < std::tuple_size_v<Array>)
			return;
		Array v;
		for (std::size_t f = 0; f < v.size(); f++)
			v[f] = numberAt(n.stream->values, n.slot, f);
		field = v;
	};
	vector(FourCC("GRAV"), out.gravity);
	vector(FourCC("CORI"), out.cameraOrientation);
	vector(FourCC("IORI"), out.imageOrientation);
	auto scalar = [&](FourCC key) -> std::optional<double> {
		const Nearest n = nearest(key, kNearestReach);
		if (!n.stream || n.stream->isGrouped())
			return std::nullopt;
		const double v = numberAt(n.stream->values, n.slot, 0);
		return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
	};
	out.iso = scalar(FourCC("ISOE"));
	if (!out.iso)
		out.iso = scalar(FourCC("ISOG"));
	out.shutter = scalar(FourCC("SHUT"));

	if (!request.faces)
		return;
	// Faces: the FACE slot nearest the frame's middle, within half a slot (FACE runs at the
	// frame rate or below) or half the frame: one inside the frame if there is one.
	Nearest face = nearest(FourCC("FACE"), (e - b) / 2);
	if (!face.stream)
		face = nearest(FourCC("FACE"), kNearestReach);
	if (!face.stream || !face.stream->isGrouped())
		return;
	const Stream &s = *face.stream;
	const double rate = s.rate > 0 ? s.rate : 0;
	const double reach = std::max((e - b) / 2, rate > 0 ? 0.5 / rate : (e - b) / 2);
	if (face.distance > reach + 1e-9)
		return;
	const std::size_t x = fieldIndex(s, "x"), y = fieldIndex(s, "y"), w = fieldIndex(s, "w"),
			  h = fieldIndex(s, "h");
	if (x == std::size_t(-1) || y == std::size_t(-1) || w == std::size_t(-1) || h == std::size_t(-1))
		return;
	const std::size_t id = fieldIndex(s, "id"), confidence = fieldIndex(s, "confidence"),
			  smile = fieldIndex(s, "smile"), blink = fieldIndex(s, "blink");
	auto number = [&s](std::size_t item, std::size_t field) {
		return field == std::size_t(-1) ? kNaN : s.values.number(item, field);
	};
	const std::size_t first = firstItem(s, face.slot);
	const std::size_t count = face.slot < s.slotSizes.size() ? s.slotSizes[face.slot] : 0;
	for (std::size_t item = first; item < first + count && item < s.values.sampleCount; item++) {
		Face f;
		f.x = number(item, x);
		f.y = number(item, y);
		f.w = number(item, w);
		f.h = number(item, h);
		if (!std::isfinite(f.x) || !std::isfinite(f.y) || !(f.w > 0) || !(f.h > 0))
			continue;
		const double faceId = number(item, id);
		if (std::isfinite(faceId) && faceId >= 0 && faceId <= 4294967295.0)
			f.id = std::uint32_t(faceId);
		f.confidence = number(item, confidence);
		f.smile = number(item, smile);
		f.blink = number(item, blink);
		out.faces.push_back(f);
	}
}

} // namespace gpmf::attach
