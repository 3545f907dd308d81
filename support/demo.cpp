// SPDX-License-Identifier: LGPL-2.1-or-later
// The demo recording: a made-up bike ride written the way GoPro cameras lay out their payloads.
//
// Layouts follow the real samples (hero5.raw, hero7.raw/hero7.mp4, hero8 and hero11 dumps): the
// same streams, key order, string style and scales; only the names say "demo" and the data is
// simulated. The physics is kept consistent so decoders can be checked against it:
//  - IMU axes as the HERO5 stream name describes them: Z up/down, X right/left, Y forward/back;
//    here +Z up, +X right, +Y forward (right-handed). At rest the accelerometer reads +g on Z.
//  - The camera is mounted level in roll, pitched down by kMountPitch.
//  - ACCL = tangential + centripetal + vertical acceleration + g (specific force) + vibration;
//    GYRO = the heading rate about the world vertical, seen in the pitched camera frame.
//  - GRAV follows the real HERO11 file, where it is parallel to the mean ACCL with its y taken
//    from IMU Z and its z from IMU Y; CORI is the heading change about that same vertical axis
//    (positive for left turns; GoPro documents no sign convention).
//  - GPS5/GPS9 sample the same path at UTC-aligned times; GPSU is the UTC of the payload's first
//    GPS sample, GPS9 days/seconds the UTC of each sample.

#include "support/demo.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "gpmf/klv_writer.h"

namespace gpmf {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kG = 9.80665;
constexpr double kPayloadDuration = 1.001;
constexpr std::uint32_t kPayloadTicks = 1001; /* in the track timescale of 1000, as GoPro writes */
constexpr int kFramesPerPayload = 30;	      /* 29.97 fps: 30 frames in 1.001 s */
constexpr double kFrameRate = 30000.0 / 1001.0;
constexpr double kMountPitch = 5.0 * kPi / 180.0;
constexpr double kStartLat = 52.35795; /* near the Vondelpark, Amsterdam */
constexpr double kStartLon = 4.86820;
constexpr double kStartHeading = -0.35; /* radians counterclockwise from east: a little south of east */
constexpr double kCruiseSpeed = 8.0;
constexpr double kStartSpeed = 3.0;
/* 2024-05-18 09:41:07.263 UTC */
constexpr int kStartYear = 2024, kStartMonth = 5, kStartDay = 18;
constexpr double kStartSecondOfDay = 9 * 3600 + 41 * 60 + 7.263;
/* ms since camera boot at video time 0 (HERO5 TICK), and the STMP epoch in µs. */
constexpr std::uint64_t kBootMs = 118094;
constexpr std::uint64_t kStmpEpoch = 1'000'283'150;

/// splitmix64: small, fast, and the same on every platform (unlike std::normal_distribution).
class Random {
public:
	explicit Random(std::uint64_t seed) : state_(seed) {}

	std::uint64_t next()
	{
		std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		return z ^ (z >> 31);
	}
	double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
	double uniform(double a, double b) { return a + (b - a) * uniform(); }
	double gauss()
	{
		const double u1 = 1.0 - uniform(); /* (0, 1] */
		const double u2 = uniform();
		return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * kPi * u2);
	}

private:
	std::uint64_t state_;
};

/// An independent stream per purpose, so adding draws to one sensor does not shift another.
Random stream(std::uint64_t seed, std::uint64_t purpose)
{
	Random r(seed * 0x2545f4914f6cdd1dull + purpose);
	r.next();
	return r;
}

/// Slowly varying noise: first-order autoregressive with unit variance.
class Drift {
public:
	Drift(Random random, double keep) : random_(random), keep_(keep) {}
	double next()
	{
		value_ = keep_ * value_ + std::sqrt(1 - keep_ * keep_) * random_.gauss();
		return value_;
	}

private:
	Random random_;
	double keep_;
	double value_ = 0;
};

double smoothstep(double u)
{
	u = std::clamp(u, 0.0, 1.0);
	return u * u * (3 - 2 * u);
}

std::int64_t quantise(double value, double scale, double lo, double hi)
{
	return static_cast<std::int64_t>(std::clamp(std::round(value * scale), lo, hi));
}

std::int64_t toS16(double value, double scale)
{
	return quantise(value, scale, -32768, 32767);
}

/* Days from 1970-01-01 of a civil date (proleptic Gregorian). */
constexpr std::int64_t daysFromCivil(int y, int m, int d)
{
	y -= m <= 2;
	const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int yoe = static_cast<int>(y - era * 400);
	const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void civilFromDays(std::int64_t z, int &y, int &m, int &d)
{
	z += 719468;
	const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const int doe = static_cast<int>(z - era * 146097);
	const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = static_cast<int>(yoe + era * 400) + (m <= 2);
}

constexpr double kStartUtc =
	static_cast<double>(daysFromCivil(kStartYear, kStartMonth, kStartDay)) * 86400.0 + kStartSecondOfDay;

/* ---------------------------------------------------------------------------------------------- */

/// The ride: speed, heading and altitude as smooth functions of video time, and the path.
class Ride {
public:
	Ride(std::uint64_t seed, double seconds)
	{
		Random plan = stream(seed, 1);
		/* Turns every 8-16 s, 30-95 degrees, mostly alternating so the ride stays in town. */
		double t = plan.uniform(7, 10);
		double side = plan.uniform() < 0.5 ? 1 : -1;
		while (t < seconds + 10) {
			Turn turn;
			turn.start = t;
			turn.duration = plan.uniform(3.5, 6.0);
			turn.angle = side * plan.uniform(30, 95) * kPi / 180;
			turn.before = turns_.empty() ? 0 : turns_.back().before + turns_.back().angle;
			turns_.push_back(turn);
			if (plan.uniform() < 0.75)
				side = -side;
			t += turn.duration + plan.uniform(8, 16);
		}
		wobblePhase_ = plan.uniform(0, 2 * kPi);

		/* The path, integrated at 100 Hz with the midpoint rule from 1 s before the start. */
		const std::size_t steps =
			static_cast<std::size_t>((seconds + kPathMargin * 2) / kPathStep) + 2;
		east_.resize(steps);
		north_.resize(steps);
		for (std::size_t i = 1; i < steps; i++) {
			const double mid = pathTime(i - 1) + kPathStep / 2;
			east_[i] = east_[i - 1] + speed(mid) * std::cos(heading(mid)) * kPathStep;
			north_[i] = north_[i - 1] + speed(mid) * std::sin(heading(mid)) * kPathStep;
		}
		/* Video time 0 is the origin. */
		const double e0 = east(0), n0 = north(0);
		for (std::size_t i = 0; i < steps; i++) {
			east_[i] -= e0;
			north_[i] -= n0;
		}
	}

	/// Ground speed in m/s: speeding up at the start, easing off in turns, a slow wobble.
	double speed(double t) const
	{
		const double ramp = smoothstep(t / 6);
		double v = kStartSpeed + (kCruiseSpeed - kStartSpeed) * ramp;
		v += 0.6 * std::sin(2 * kPi * t / 23 + wobblePhase_) * ramp;
		double braking = 0;
		if (const Turn *turn = nearestTurn(t)) {
			const double u = (t - turn->start + 1.5) / (turn->duration + 3);
			if (u > 0 && u < 1)
				braking = std::pow(std::sin(kPi * u), 2) *
					  std::min(1.0, std::abs(turn->angle) / 1.6);
		}
		return v * (1 - 0.3 * braking);
	}

	/// Heading in radians counterclockwise from east; each turn follows u - sin(2πu)/2π, so the
	/// yaw rate rises and falls smoothly.
	double heading(double t) const
	{
		const Turn *turn = nearestTurn(t);
		if (!turn)
			return kStartHeading;
		const double u = std::clamp((t - turn->start) / turn->duration, 0.0, 1.0);
		return kStartHeading + turn->before + turn->angle * (u - std::sin(2 * kPi * u) / (2 * kPi));
	}

	/// Height above mean sea level: low and flat, with the hump of a canal bridge now and then.
	double altitude(double t) const { return 1.2 + 2.2 * std::pow(std::sin(kPi * t / 37), 6); }

	static double derivative(double (Ride::*f)(double) const, const Ride &r, double t)
	{
		constexpr double h = 1e-3;
		return ((r.*f)(t + h) - (r.*f)(t - h)) / (2 * h);
	}
	double yawRate(double t) const { return derivative(&Ride::heading, *this, t); }
	double tangentialAccel(double t) const { return derivative(&Ride::speed, *this, t); }
	double climbRate(double t) const { return derivative(&Ride::altitude, *this, t); }
	double climbAccel(double t) const { return derivative(&Ride::climbRate, *this, t); }

	double east(double t) const { return lookup(east_, t); }
	double north(double t) const { return lookup(north_, t); }

private:
	struct Turn {
		double start = 0, duration = 0, angle = 0;
		double before = 0; ///< sum of the angles of the turns before this one
	};

	/// The last turn that starts less than 1.5 s after t (turns are 8 s apart or more).
	const Turn *nearestTurn(double t) const
	{
		auto it = std::upper_bound(turns_.begin(), turns_.end(), t + 1.5,
					   [](double v, const Turn &turn) { return v < turn.start; });
		return it == turns_.begin() ? nullptr : &*(it - 1);
	}
	static constexpr double kPathStep = 0.01;
	static constexpr double kPathMargin = 2.0;

	double pathTime(std::size_t i) const { return -kPathMargin + static_cast<double>(i) * kPathStep; }
	double lookup(const std::vector<double> &v, double t) const
	{
		const double x =
			std::clamp((t + kPathMargin) / kPathStep, 0.0, static_cast<double>(v.size() - 1));
		const std::size_t i = std::min(static_cast<std::size_t>(x), v.size() - 2);
		const double f = x - static_cast<double>(i);
		return v[i] * (1 - f) + v[i + 1] * f;
	}

	std::vector<Turn> turns_;
	double wobblePhase_ = 0;
	std::vector<double> east_, north_;
};

struct Vec3 {
	double x = 0, y = 0, z = 0;
};

/// Specific force (what an accelerometer reads) in the camera's X right, Y forward, Z up.
Vec3 specificForce(const Ride &ride, double t)
{
	const double at = ride.tangentialAccel(t);
	const double ac = ride.speed(t) * ride.yawRate(t); /* towards the left */
	const double av = ride.climbAccel(t) + kG;
	const double c = std::cos(kMountPitch), s = std::sin(kMountPitch);
	return {-ac, at * c - av * s, at * s + av * c};
}

/// Angular rate in the camera frame: the yaw rate about the world vertical.
Vec3 angularRate(const Ride &ride, double t)
{
	const double w = ride.yawRate(t);
	return {0, -w * std::sin(kMountPitch), w * std::cos(kMountPitch)};
}

/* ---------------------------------------------------------------------------------------------- */

enum class FaceLayout { None, Hero7, Hero8, Hero11 };

struct Layout {
	DemoCamera camera;
	const char *deviceName;
	bool tick;	 ///< HERO5: TICK in the device and every stream
	bool stmp;	 ///< HERO8+: STMP in every stream
	bool nulStrings; ///< HERO5/7 write 'c' 1 n strings with a trailing NUL; later ones 'c' n 1
	int accelScale, gyroScale;
	double gyroRateFactor; ///< GYRO rate / ACCL rate
	const char *orin, *orio;
	std::array<double, 9> mtrx; ///< all zero: none written
	std::array<int, 3> axis;    ///< which camera axis (0 X, 1 Y, 2 Z) each channel holds
	std::array<int, 3> sign;
	double gpsRate;
	bool gpsa;
	char isoeType;
	bool scene; ///< YAVG, SCEN, HUES
	FaceLayout face;
	bool settingsGpmf; ///< udta GPMF box (HERO5 has only HMMT)
};

/* Which streams each layout writes is in Generator::payload(). */
constexpr Layout kHero5 = {.camera = DemoCamera::Hero5,
			   .deviceName = "Camera",
			   .tick = true,
			   .stmp = false,
			   .nulStrings = true,
			   .accelScale = 418,
			   .gyroScale = 3755,
			   .gyroRateFactor = 2.0,
			   .orin = nullptr,
			   .orio = nullptr,
			   .mtrx = {},
			   .axis = {2, 0, 1},
			   .sign = {1, 1, 1},
			   .gpsRate = 18.18,
			   .gpsa = false,
			   .isoeType = 'S',
			   .scene = false,
			   .face = FaceLayout::None,
			   .settingsGpmf = false};
constexpr Layout kHero7 = {.camera = DemoCamera::Hero7,
			   .deviceName = "gst-gpmf demo (HERO7 layout)",
			   .tick = false,
			   .stmp = false,
			   .nulStrings = true,
			   .accelScale = 418,
			   .gyroScale = 1878,
			   .gyroRateFactor = 1.0,
			   .orin = "YxZ",
			   .orio = "ZXY",
			   .mtrx = {0, 0, 1, 0, -1, 0, 1, 0, 0},
			   .axis = {1, 0, 2},
			   .sign = {1, -1, 1},
			   .gpsRate = 18.18,
			   .gpsa = false,
			   .isoeType = 'L',
			   .scene = true,
			   .face = FaceLayout::Hero7,
			   .settingsGpmf = true};
constexpr Layout kHero8 = {.camera = DemoCamera::Hero8,
			   .deviceName = "gst-gpmf demo (HERO8 layout)",
			   .tick = false,
			   .stmp = true,
			   .nulStrings = false,
			   .accelScale = 417,
			   .gyroScale = 939,
			   .gyroRateFactor = 1.0,
			   .orin = "zxY",
			   .orio = "ZXY",
			   .mtrx = {-1, 0, 0, 0, -1, 0, 0, 0, 1},
			   .axis = {2, 0, 1},
			   .sign = {-1, -1, 1},
			   .gpsRate = 18.18,
			   .gpsa = true,
			   .isoeType = 'S',
			   .scene = false,
			   .face = FaceLayout::Hero8,
			   .settingsGpmf = true};
constexpr Layout kHero11 = {.camera = DemoCamera::Hero11,
			    .deviceName = "gst-gpmf demo (HERO11 layout)",
			    .tick = false,
			    .stmp = true,
			    .nulStrings = false,
			    .accelScale = 417,
			    .gyroScale = 939,
			    .gyroRateFactor = 1.0,
			    .orin = "ZXY",
			    .orio = nullptr,
			    .mtrx = {},
			    .axis = {2, 0, 1},
			    .sign = {1, 1, 1},
			    .gpsRate = 10.0,
			    .gpsa = true,
			    .isoeType = 'S',
			    .scene = true,
			    .face = FaceLayout::Hero11,
			    .settingsGpmf = true};

const Layout &layoutOf(DemoCamera camera)
{
	switch (camera) {
	case DemoCamera::Hero5:
		return kHero5;
	case DemoCamera::Hero7:
		return kHero7;
	case DemoCamera::Hero8:
		return kHero8;
	case DemoCamera::Hero11:
		break;
	}
	return kHero11;
}

/// Whole payloads covering `seconds`, at least one; NaN or negative ask for one, and the length
/// is capped at kMaxDemoSeconds.
std::uint64_t payloadCount(double seconds)
{
	if (!(seconds > 0))
		return 1;
	seconds = std::min(seconds, kMaxDemoSeconds);
	return std::max<std::uint64_t>(
		1, static_cast<std::uint64_t>(std::ceil(seconds / kPayloadDuration - 1e-9)));
}

/// A sensor clock: sample k is taken at first + k / rate (video time, seconds).
struct Clock {
	double first = 0;
	double rate = 1;

	double time(std::uint64_t k) const { return first + static_cast<double>(k) / rate; }
	/// First sample index at or after t.
	std::uint64_t indexAt(double t) const
	{
		const double k = std::ceil((t - first) * rate - 1e-9);
		return k > 0 ? static_cast<std::uint64_t>(k) : 0;
	}
};

/// Samples of one stream in one payload: [begin, end) of its sample indices.
struct Span {
	std::uint64_t begin = 0, end = 0;
	std::uint64_t count() const { return end - begin; }
};

/* ---------------------------------------------------------------------------------------------- */

class Generator {
public:
	Generator(const DemoOptions &options)
	    : layout_(layoutOf(options.camera)), seed_(options.seed),
	      payloads_(payloadCount(options.seconds)),
	      ride_(options.seed, static_cast<double>(payloads_) * kPayloadDuration),
	      accelNoise_(stream(options.seed, 2)), gyroNoise_(stream(options.seed, 3)),
	      gpsNoise_(stream(options.seed, 4)), misc_(stream(options.seed, 5)),
	      gpsEast_(stream(options.seed, 6), 0.97), gpsNorth_(stream(options.seed, 7), 0.97),
	      gpsUp_(stream(options.seed, 8), 0.98), shade_(stream(options.seed, 9), 0.995),
	      stabiliser_(stream(options.seed, 10), 0.9)
	{
		/* Flush times jitter by a few ms, which is what makes real counts go 199, 202, 201... */
		Random flush = stream(options.seed, 11);
		for (std::uint64_t p = 0; p + 1 < payloads_; p++)
			boundaries_.push_back(static_cast<double>(p + 1) * kPayloadDuration +
					      flush.uniform(-0.006, 0.006));
		boundaries_.push_back(static_cast<double>(payloads_) * kPayloadDuration);

		accel_ = {0.0021, 199.87};
		gyro_ = {0.0021, 199.87 * layout_.gyroRateFactor};
		audioClock_ = {0.043, 9.994};
		/* GPS fixes sit on a UTC grid of 1/rate s. */
		const double firstFix = std::ceil(kStartSecondOfDay * layout_.gpsRate) / layout_.gpsRate;
		gps_ = {firstFix - kStartSecondOfDay, layout_.gpsRate};
	}

	Mp4Recording run()
	{
		Mp4Recording rec;
		rec.timescale = 1000;
		for (std::uint64_t p = 0; p < payloads_; p++)
			rec.samples.push_back({payload(p), kPayloadTicks});
		rec.udta = udta();
		return rec;
	}

	DemoTruth truth() const
	{
		DemoTruth t;
		t.startLat = kStartLat;
		t.startLon = kStartLon;
		t.cruiseSpeed = kCruiseSpeed;
		t.startUtc = kStartUtc;
		t.frameRate = kFrameRate;
		t.payloadDuration = kPayloadDuration;
		t.imuRate = accel_.rate;
		t.gpsRate = gps_.rate;
		t.mountPitch = kMountPitch;
		const auto hl = hiLightTimes();
		t.hiLights[0] = static_cast<double>(hl[0]) / 1000;
		t.hiLights[1] = static_cast<double>(hl[1]) / 1000;
		return t;
	}

private:
	/* -- payload structure ------------------------------------------------------------------ */

	Span spanOf(const Clock &clock, std::uint64_t p) const
	{
		const double from = p ? boundaries_[p - 1] : -1.0;
		return {clock.indexAt(from), clock.indexAt(boundaries_[p])};
	}

	/// Frame-locked streams: exactly the frames of the payload, every `step`-th one.
	static Span frames(std::uint64_t p, int step)
	{
		const std::uint64_t per = static_cast<std::uint64_t>(kFramesPerPayload / step);
		return {p * per, (p + 1) * per};
	}
	static double frameTime(std::uint64_t slot, int step)
	{
		return static_cast<double>(slot * static_cast<std::uint64_t>(step)) / kFrameRate;
	}

	/// A 'c' n 1 string with no NUL, as every camera writes SIUN and ORIN/ORIO from HERO8 on.
	static void fixedText(KlvWriter &w, FourCC key, std::string_view s)
	{
		const std::vector<std::uint8_t> bytes(s.begin(), s.end());
		w.raw(key, 'c', static_cast<std::uint8_t>(std::min<std::size_t>(s.size(), 255)), 1, bytes);
	}

	void text(KlvWriter &w, FourCC key, std::string_view s) const
	{
		if (layout_.nulStrings) {
			std::string withNul(s);
			withNul.push_back('\0');
			w.string(key, withNul);
		} else {
			fixedText(w, key, s);
		}
	}

	/// The keys every STRM starts with: STMP (µs of its first sample), TSMP, TICK.
	void streamHeader(KlvWriter &w, std::uint64_t total, double firstTime, std::uint64_t p) const
	{
		if (layout_.stmp) {
			const double us = std::max(0.0, firstTime) * 1e6;
			w.integers("STMP", 'J',
				   {static_cast<std::int64_t>(kStmpEpoch + static_cast<std::uint64_t>(us))});
		}
		w.integers("TSMP", 'L', {static_cast<std::int64_t>(total)});
		if (layout_.tick)
			w.integers("TICK", 'L', {static_cast<std::int64_t>(tickAt(p))});
	}

	static std::uint64_t tickAt(std::uint64_t p)
	{
		return kBootMs + static_cast<std::uint64_t>(
					 std::llround(static_cast<double>(p) * kPayloadDuration * 1000));
	}

	std::vector<std::uint8_t> payload(std::uint64_t p)
	{
		KlvWriter w;
		w.begin("DEVC");
		w.integers("DVID", 'L', {1});
		/* Even the cameras that end STNM with a NUL write DVNM without one. */
		if (layout_.nulStrings)
			w.string("DVNM", layout_.deviceName);
		else
			fixedText(w, "DVNM", layout_.deviceName);
		if (layout_.tick)
			w.integers("TICK", 'L', {static_cast<std::int64_t>(tickAt(p))});

		imu(w, p, true);
		imu(w, p, false);

		switch (layout_.camera) {
		case DemoCamera::Hero5:
			gps5(w, p);
			exposureHero5(w, p);
			break;
		case DemoCamera::Hero7:
			gps5(w, p);
			exposure(w, p);
			imageStats(w, p);
			face(w, p);
			scene(w, p);
			srot(w, p);
			break;
		case DemoCamera::Hero8:
			exposure(w, p);
			imageStats(w, p);
			face(w, p);
			gps5(w, p);
			orientation(w, p);
			audio(w, p);
			break;
		case DemoCamera::Hero11:
			exposure(w, p);
			imageStats(w, p);
			face(w, p);
			gps5(w, p);
			gps9(w, p);
			orientation(w, p);
			audio(w, p);
			frameSkips(w, p);
			break;
		}
		w.end();
		return w.take();
	}

	/* -- IMU ------------------------------------------------------------------------------ */

	void imu(KlvWriter &w, std::uint64_t p, bool accel)
	{
		const Clock &clock = accel ? accel_ : gyro_;
		const Span span = spanOf(clock, p);
		const double t0 = clock.time(span.begin);
		const double scale = accel ? layout_.accelScale : layout_.gyroScale;

		std::vector<std::int64_t> values;
		values.reserve(span.count() * 3);
		for (std::uint64_t k = span.begin; k < span.end; k++) {
			const double t = clock.time(k);
			const double bumpiness = 0.3 + 0.7 * ride_.speed(t) / kCruiseSpeed;
			Vec3 v;
			if (accel) {
				v = specificForce(ride_, t);
				v.x += 0.04 + 0.30 * bumpiness * accelNoise_.gauss();
				v.y += -0.03 + 0.25 * bumpiness * accelNoise_.gauss();
				v.z += 0.06 + 0.40 * bumpiness * accelNoise_.gauss();
			} else {
				v = angularRate(ride_, t);
				v.x += 0.0012 + 0.02 * bumpiness * gyroNoise_.gauss();
				v.y += -0.0006 + 0.015 * bumpiness * gyroNoise_.gauss();
				v.z += 0.0008 + 0.012 * bumpiness * gyroNoise_.gauss();
			}
			const double axes[3] = {v.x, v.y, v.z};
			for (int c = 0; c < 3; c++)
				values.push_back(toS16(layout_.sign[c] * axes[layout_.axis[c]], scale));
		}

		w.begin("STRM");
		streamHeader(w, span.end, t0, p);
		if (layout_.camera == DemoCamera::Hero5)
			text(w, "STNM",
			     accel ? "Accelerometer (up/down, right/left, forward/back)"
				   : "Gyroscope (z,x,y)");
		else
			text(w, "STNM", accel ? "Accelerometer" : "Gyroscope");
		const bool hasMtrx = layout_.mtrx != std::array<double, 9>{};
		if (layout_.camera == DemoCamera::Hero5) {
			w.floats("TMPC", 'f', {temperature(t0)});
			fixedText(w, "SIUN", accel ? "m/s\xb2" : "rad/s");
			w.integers("SCAL", 's', {static_cast<std::int64_t>(scale)});
		} else if (layout_.camera == DemoCamera::Hero7) {
			fixedText(w, "SIUN", accel ? "m/s\xb2" : "rad/s");
			w.integers("SCAL", 's', {static_cast<std::int64_t>(scale)});
			w.floats("MTRX", 'f', layout_.mtrx, 9);
			orientationStrings(w);
		} else {
			if (hasMtrx)
				w.floats("MTRX", 'f', layout_.mtrx, 9);
			orientationStrings(w);
			fixedText(w, "SIUN", accel ? "m/s\xb2" : "rad/s");
			w.integers("SCAL", 's', {static_cast<std::int64_t>(scale)});
			w.floats("TMPC", 'f', {temperature(t0)});
		}
		w.integers(accel ? FourCC("ACCL") : FourCC("GYRO"), 's', values, 3);
		w.end();
	}

	void orientationStrings(KlvWriter &w) const
	{
		/* HERO7 writes ORIN as 'c' 1 3, HERO8+ as 'c' 3 1. */
		for (auto [key, value] : {std::pair<FourCC, const char *>{"ORIN", layout_.orin},
					  std::pair<FourCC, const char *>{"ORIO", layout_.orio}}) {
			if (!value)
				continue;
			const std::string_view s(value);
			if (layout_.nulStrings)
				w.string(key, s);
			else
				fixedText(w, key, s);
		}
	}

	/// IMU temperature: warming up from 38 °C towards 46 °C.
	static double temperature(double t)
	{
		return std::round((38.0 + 8.0 * (1 - std::exp(-t / 420))) * 256) / 256;
	}

	/* -- GPS ------------------------------------------------------------------------------ */

	struct Fix {
		double lat, lon, alt, speed2d, speed3d, utc;
	};

	/// The GPS fixes of a payload, computed once and shared by GPS5 and GPS9.
	const std::vector<Fix> &fixes(std::uint64_t p)
	{
		if (fixesFor_ == p)
			return fixes_;
		fixesFor_ = p;
		fixes_.clear();
		const Span span = spanOf(gps_, p);
		const double phi = kStartLat * kPi / 180;
		const double mPerDegLat = 111132.92 - 559.82 * std::cos(2 * phi) + 1.175 * std::cos(4 * phi);
		const double mPerDegLon = 111412.84 * std::cos(phi) - 93.5 * std::cos(3 * phi);
		for (std::uint64_t k = span.begin; k < span.end; k++) {
			const double t = gps_.time(k);
			const double e = ride_.east(t) + 0.5 * gpsEast_.next();
			const double n = ride_.north(t) + 0.5 * gpsNorth_.next();
			Fix f;
			f.lat = kStartLat + n / mPerDegLat;
			f.lon = kStartLon + e / mPerDegLon;
			f.alt = ride_.altitude(t) + 0.9 * gpsUp_.next();
			const double v = ride_.speed(t), vz = ride_.climbRate(t);
			f.speed2d = std::max(0.0, v + 0.08 * gpsNoise_.gauss());
			f.speed3d = std::max(0.0, std::hypot(v, vz) + 0.08 * gpsNoise_.gauss());
			/* UTC on the receiver's grid, exact to the ms. */
			f.utc = std::round((kStartUtc + t) * 1000) / 1000;
			fixes_.push_back(f);
		}
		return fixes_;
	}

	/// Fix type and DOP: a 2D fix while the receiver settles, then 3D.
	static int fixType(std::uint64_t p) { return p == 0 ? 2 : 3; }
	static double dop(std::uint64_t p)
	{
		return p == 0 ? 2.41
			      : 1.12 + 0.35 * std::exp(-static_cast<double>(p) / 8) +
					0.08 * std::sin(static_cast<double>(p) / 5.0);
	}

	static std::string gpsu(double utc)
	{
		const double msTotal = std::round(utc * 1000);
		const std::int64_t ms = static_cast<std::int64_t>(msTotal);
		const std::int64_t days = ms / 86'400'000;
		std::int64_t rest = ms % 86'400'000;
		int y, m, d;
		civilFromDays(days, y, m, d);
		const int hh = static_cast<int>(rest / 3'600'000);
		rest %= 3'600'000;
		const int mm = static_cast<int>(rest / 60'000);
		rest %= 60'000;
		char buf[96]; /* ample for any int, so the compiler sees no truncation */
		std::snprintf(buf, sizeof(buf), "%02d%02d%02d%02d%02d%02d.%03d", y % 100, m, d, hh, mm,
			      static_cast<int>(rest / 1000), static_cast<int>(rest % 1000));
		return buf;
	}

	void gpsSticky(KlvWriter &w, std::uint64_t p, const std::vector<Fix> &fx, bool before) const
	{
		/* HERO5 writes GPSF/GPSU/GPSP before STNM, later models after it. */
		if (before != (layout_.camera == DemoCamera::Hero5))
			return;
		w.integers("GPSF", 'L', {fixType(p)});
		const std::string u = gpsu(fx.empty() ? kStartUtc + static_cast<double>(p) * kPayloadDuration
						      : fx.front().utc);
		w.raw("GPSU", 'U', 16, 1,
		      std::span(reinterpret_cast<const std::uint8_t *>(u.data()), u.size()));
		w.integers("GPSP", 'S', {static_cast<std::int64_t>(std::lround(dop(p) * 100))});
	}

	void gps5(KlvWriter &w, std::uint64_t p)
	{
		const std::vector<Fix> fx = fixes(p);
		const Span span = spanOf(gps_, p);
		std::vector<std::int64_t> values;
		for (const Fix &f : fx) {
			values.push_back(std::llround(f.lat * 1e7));
			values.push_back(std::llround(f.lon * 1e7));
			values.push_back(std::llround(f.alt * 1000));
			values.push_back(std::llround(f.speed2d * 1000));
			values.push_back(std::llround(f.speed3d * 100));
		}
		w.begin("STRM");
		streamHeader(w, span.end, gps_.time(span.begin), p);
		gpsSticky(w, p, fx, true);
		text(w, "STNM", "GPS (Lat., Long., Alt., 2D speed, 3D speed)");
		gpsSticky(w, p, fx, false);
		w.strings("UNIT", {"deg", "deg", "m", "m/s", "m/s"});
		w.integers("SCAL", 'l', {10000000, 10000000, 1000, 1000, 100});
		if (layout_.gpsa)
			w.fourccs("GPSA", {FourCC("MSLV")});
		w.integers("GPS5", 'l', values, 5);
		w.end();
	}

	void gps9(KlvWriter &w, std::uint64_t p)
	{
		const std::vector<Fix> fx = fixes(p);
		const Span span = spanOf(gps_, p);
		const double epoch2000 = static_cast<double>(daysFromCivil(2000, 1, 1)) * 86400.0;
		std::vector<std::uint8_t> data;
		for (const Fix &f : fx) {
			const double sinceY2k = f.utc - epoch2000;
			const std::int64_t ms = std::llround(sinceY2k * 1000);
			appendBe(data, static_cast<std::uint64_t>(std::llround(f.lat * 1e7)), 4);
			appendBe(data, static_cast<std::uint64_t>(std::llround(f.lon * 1e7)), 4);
			appendBe(data, static_cast<std::uint64_t>(std::llround(f.alt * 1000)), 4);
			appendBe(data, static_cast<std::uint64_t>(std::llround(f.speed2d * 1000)), 4);
			appendBe(data, static_cast<std::uint64_t>(std::llround(f.speed3d * 100)), 4);
			appendBe(data, static_cast<std::uint64_t>(ms / 86'400'000), 4);
			appendBe(data, static_cast<std::uint64_t>(ms % 86'400'000), 4);
			appendBe(data, static_cast<std::uint64_t>(std::lround(dop(p) * 100)), 2);
			appendBe(data, static_cast<std::uint64_t>(fixType(p)), 2);
		}
		w.begin("STRM");
		streamHeader(w, span.end, gps_.time(span.begin), p);
		text(w, "STNM", "GPS (Lat., Long., Alt., 2D, 3D, days, secs, DOP, fix)");
		w.strings("UNIT", {"deg", "deg", "m", "m/s", "m/s", "", "s", "", ""});
		text(w, "TYPE", "lllllllSS");
		w.integers("SCAL", 'l', {10000000, 10000000, 1000, 1000, 100, 1, 1000, 100, 1});
		w.fourccs("GPSA", {FourCC("MSLV")});
		w.raw("GPS9", '?', 32, static_cast<std::uint16_t>(fx.size()), data);
		w.end();
	}

	/* -- frame-rate streams ------------------------------------------------------------------ */

	/// How much of the picture is in the shade of trees, 0 to 1, per frame.
	double shade(std::uint64_t frame)
	{
		while (shadeFrames_ <= frame) {
			const double t = static_cast<double>(shadeFrames_) / kFrameRate;
			shadeValues_.push_back(std::clamp(
				0.5 + 0.3 * std::sin(2 * kPi * t / 31) + 0.15 * shade_.next(), 0.0, 1.0));
			shadeFrames_++;
		}
		return shadeValues_[frame];
	}

	double exposureTime(std::uint64_t frame)
	{
		/* 1/1900 s in sunlight to 1/700 s in shade, in whole sensor lines of 8.015 µs. */
		const double seconds = 1.0 / (1900 - 1200 * shade(frame));
		return std::round(seconds / 8.015e-6) * 8.015e-6;
	}

	void exposure(KlvWriter &w, std::uint64_t p)
	{
		const Span f = frames(p, 1);
		std::vector<double> shut;
		std::vector<std::int64_t> iso;
		for (std::uint64_t i = f.begin; i < f.end; i++) {
			shut.push_back(exposureTime(i));
			iso.push_back(100 + std::lround(80 * std::max(0.0, shade(i) - 0.6)));
		}
		w.begin("STRM");
		streamHeader(w, f.end, frameTime(f.begin, 1), p);
		text(w, "STNM", "Exposure time (shutter speed)");
		fixedText(w, "SIUN", "s");
		w.floats("SHUT", 'f', shut);
		w.end();

		if (layout_.camera == DemoCamera::Hero7) {
			isoStream(w, p, iso);
			return;
		}
		whiteBalance(w, p);
		isoStream(w, p, iso);
	}

	void isoStream(KlvWriter &w, std::uint64_t p, const std::vector<std::int64_t> &iso)
	{
		const Span f = frames(p, 1);
		w.begin("STRM");
		streamHeader(w, f.end, frameTime(f.begin, 1), p);
		text(w, "STNM", "Sensor ISO");
		w.integers("ISOE", layout_.isoeType, iso);
		w.end();
	}

	void exposureHero5(KlvWriter &w, std::uint64_t p)
	{
		const Span f = frames(p, 1);
		std::vector<double> gain, shut;
		for (std::uint64_t i = f.begin; i < f.end; i++) {
			gain.push_back(1.0 + 0.8 * std::max(0.0, shade(i) - 0.6));
			shut.push_back(exposureTime(i));
		}
		w.begin("STRM");
		streamHeader(w, f.end, frameTime(f.begin, 1), p);
		text(w, "STNM", "Sensor gain (ISO x100)");
		w.floats("ISOG", 'f', gain);
		w.end();
		w.begin("STRM");
		streamHeader(w, f.end, frameTime(f.begin, 1), p);
		text(w, "STNM", "Exposure time (shutter speed)");
		fixedText(w, "SIUN", "s");
		w.floats("SHUT", 'f', shut);
		w.end();
	}

	void whiteBalance(KlvWriter &w, std::uint64_t p)
	{
		const Span f = frames(p, 3);
		std::vector<std::int64_t> kelvin;
		std::vector<double> gains;
		for (std::uint64_t i = f.begin; i < f.end; i++) {
			const double s = shade(i * 3);
			kelvin.push_back(5200 + std::lround(600 * s));
			gains.push_back(std::round((1.95 + 0.2 * s) * 256) / 256);
			gains.push_back(1.0);
			gains.push_back(std::round((1.72 - 0.15 * s) * 256) / 256);
		}
		w.begin("STRM");
		streamHeader(w, f.end, frameTime(f.begin, 3), p);
		text(w, "STNM", "White Balance temperature (Kelvin)");
		w.integers("WBAL", 'S', kelvin);
		w.end();
		w.begin("STRM");
		streamHeader(w, f.end, frameTime(f.begin, 3), p);
		text(w, "STNM", "White Balance RGB gains");
		w.floats("WRGB", 'f', gains, 3);
		w.end();
	}

	void imageStats(KlvWriter &w, std::uint64_t p)
	{
		if (layout_.camera == DemoCamera::Hero7)
			whiteBalance(w, p);
		const Span f = frames(p, 3);
		if (layout_.scene) {
			std::vector<std::int64_t> luma;
			for (std::uint64_t i = f.begin; i < f.end; i++)
				luma.push_back(std::lround(135 - 40 * shade(i * 3)));
			w.begin("STRM");
			streamHeader(w, f.end, frameTime(f.begin, 3), p);
			text(w, "STNM", "Average luminance");
			w.integers("YAVG", 'B', luma);
			w.end();
		}
		std::vector<double> unif;
		for (std::uint64_t i = f.begin; i < f.end; i++)
			unif.push_back(std::round((0.25 + 0.2 * shade(i * 3)) * 1024) / 1024);
		w.begin("STRM");
		streamHeader(w, f.end, frameTime(f.begin, 3), p);
		text(w, "STNM", "Image uniformity");
		w.floats("UNIF", 'f', unif);
		w.end();
		if (layout_.scene && layout_.camera != DemoCamera::Hero7)
			scene(w, p);
	}

	/// SCEN and HUES: several data KLVs per payload, one per time slot (multi-sample streams).
	void scene(KlvWriter &w, std::uint64_t p)
	{
		const Span f = frames(p, 3);
		w.begin("STRM");
		streamHeader(w, f.end, frameTime(f.begin, 3), p);
		text(w, "STNM", "Scene classification[[CLASSIFIER_FOUR_CC,prob], ...]");
		text(w, "TYPE", "Ff");
		for (std::uint64_t i = f.begin; i < f.end; i++) {
			const double s = shade(i * 3);
			const std::pair<FourCC, double> classes[] = {
				{"SNOW", 0.01},
				{"URBA", 0.52 - 0.25 * s},
				{"INDO", 0.03},
				{"WATR", 0.06 + 0.04 * std::sin(static_cast<double>(i) / 17)},
				{"VEGE", 0.18 + 0.3 * s},
				{"BEAC", 0.01},
			};
			std::vector<std::uint8_t> data;
			for (const auto &[key, prob] : classes) {
				const double noisy = std::clamp(prob + 0.01 * misc_.gauss(), 0.0, 1.0);
				appendBe(data, key.value(), 4);
				appendBe(data, std::bit_cast<std::uint32_t>(static_cast<float>(noisy)), 4);
			}
			w.raw("SCEN", '?', 8, 6, data);
		}
		w.end();

		w.begin("STRM");
		streamHeader(w, f.end, frameTime(f.begin, 3), p);
		text(w, "STNM", "Predominant hue[[hue, weight], ...]");
		text(w, "TYPE", "BB");
		for (std::uint64_t i = f.begin; i < f.end; i++) {
			const double s = shade(i * 3);
			/* green leaves, grey street, blue sky */
			const std::uint8_t data[] = {
				64,  static_cast<std::uint8_t>(30 + 60 * s),
				170, static_cast<std::uint8_t>(80 - 40 * s),
				150, static_cast<std::uint8_t>(40 - 20 * s),
			};
			w.raw("HUES", '?', 2, 3, data);
		}
		w.end();
	}

	/// A pedestrian at the roadside is seen twice; otherwise no faces (empty slots still count).
	struct Face {
		bool present = false;
		double x = 0, y = 0, w = 0, h = 0, confidence = 0, smile = 0;
	};
	static Face faceAt(double t)
	{
		Face f;
		for (double start : {17.0, 40.0}) {
			const double u = (t - start) / 3.2;
			if (u < 0 || u >= 1)
				continue;
			f.present = true;
			f.x = 0.62 + 0.3 * u;
			f.y = 0.42 - 0.04 * u;
			f.w = 0.05 + 0.07 * u;
			f.h = f.w * 1.3;
			f.confidence = 72 + 20 * std::sin(kPi * u);
			f.smile = 15 + 30 * u;
		}
		return f;
	}

	void face(KlvWriter &w, std::uint64_t p)
	{
		const int step = layout_.face == FaceLayout::Hero7   ? 1
				 : layout_.face == FaceLayout::Hero8 ? 3
								     : 2;
		const Span f = frames(p, step);
		w.begin("STRM");
		streamHeader(w, f.end, frameTime(f.begin, step), p);
		text(w, "STNM", "Face Coordinates and details");
		std::uint8_t size = 0;
		switch (layout_.face) {
		case FaceLayout::Hero7:
			text(w, "TYPE", "Lffffffffffffffffffffff");
			size = 92;
			break;
		case FaceLayout::Hero8:
			text(w, "TYPE", "Lffffff");
			size = 28;
			break;
		default:
			text(w, "TYPE", "BBSSSSSBB");
			w.integers("SCAL", 'S', {1, 1, 1, 65535, 65535, 65535, 65535, 1, 1});
			size = 14;
			break;
		}
		auto f32 = [](std::vector<std::uint8_t> &d, double v) {
			appendBe(d, std::bit_cast<std::uint32_t>(static_cast<float>(v)), 4);
		};
		for (std::uint64_t i = f.begin; i < f.end; i++) {
			const Face face = faceAt(frameTime(i, step));
			std::vector<std::uint8_t> d;
			if (face.present) {
				switch (layout_.face) {
				case FaceLayout::Hero7:
					appendBe(d, 1, 4);
					for (double v : {face.x, face.y, face.w, face.h})
						f32(d, v);
					d.resize(d.size() + 17 * 4, 0);
					f32(d, face.smile);
					break;
				case FaceLayout::Hero8:
					appendBe(d, 1, 4);
					for (double v :
					     {face.x, face.y, face.w, face.h, face.confidence, face.smile})
						f32(d, v);
					break;
				default:
					d.push_back(4); /* struct version */
					d.push_back(static_cast<std::uint8_t>(std::lround(face.confidence)));
					appendBe(d, 1, 2);
					for (double v : {face.x, face.y, face.w, face.h})
						appendBe(d,
							 static_cast<std::uint64_t>(std::lround(v * 65535)),
							 2);
					d.push_back(static_cast<std::uint8_t>(std::lround(face.smile)));
					d.push_back(3); /* blink % */
					break;
				}
			}
			w.raw("FACE", '?', size, face.present ? 1 : 0, d);
		}
		w.end();
	}

	void srot(KlvWriter &w, std::uint64_t p)
	{
		const Span f = frames(p, 1);
		std::vector<double> v;
		for (std::uint64_t i = f.begin; i < f.end; i++)
			v.push_back(i % 3 == 2 ? 8.016 : 8.015);
		w.begin("STRM");
		streamHeader(w, f.end, frameTime(f.begin, 1), p);
		text(w, "STNM", "Sensor read out time");
		w.floats("SROT", 'f', v);
		w.end();
	}

	void orientation(KlvWriter &w, std::uint64_t p)
	{
		const Span f = frames(p, 1);
		const double c = std::cos(kMountPitch), s = std::sin(kMountPitch);
		std::vector<std::int64_t> cori, iori, grav;
		for (std::uint64_t i = f.begin; i < f.end; i++) {
			const double t = frameTime(i, 1);
			/* Heading change about the vertical, which is (0, cos p, -sin p) in these axes. */
			const double half = (ride_.heading(t) - ride_.heading(0)) / 2;
			for (double v : {std::cos(half), 0.0, std::sin(half) * c, -std::sin(half) * s})
				cori.push_back(toS16(v, 32767));

			/* The stabiliser's small counter-rotation. */
			const double ex = 0.004 * stabiliser_.next(), ey = 0.003 * stabiliser_.next(),
				     ez = 0.004 * stabiliser_.next();
			const double n = std::sqrt(1 + ex * ex + ey * ey + ez * ez);
			for (double v : {1 / n, ex / n, ey / n, ez / n})
				iori.push_back(toS16(v, 32767));

			for (double v : {0.0, c, -s})
				grav.push_back(toS16(v + 0.001 * misc_.gauss(), 32767));
		}
		const std::pair<FourCC, const char *> streams[] = {{"CORI", "CameraOrientation"},
								   {"IORI", "ImageOrientation"},
								   {"GRAV", "Gravity Vector"}};
		for (const auto &[key, name] : streams) {
			w.begin("STRM");
			streamHeader(w, f.end, frameTime(f.begin, 1), p);
			text(w, "STNM", name);
			w.integers("SCAL", 's', {32767});
			if (key == FourCC("CORI"))
				w.integers(key, 's', cori, 4);
			else if (key == FourCC("IORI"))
				w.integers(key, 's', iori, 4);
			else
				w.integers(key, 's', grav, 3);
			w.end();
		}
	}

	void audio(KlvWriter &w, std::uint64_t p)
	{
		const Span span = spanOf(audioClock_, p);
		std::vector<std::int64_t> wind, wet, level;
		for (std::uint64_t k = span.begin; k < span.end; k++) {
			const double v = ride_.speed(audioClock_.time(k));
			const double meter = std::clamp(5 + 4 * v + 3 * misc_.gauss(), 0.0, 100.0);
			wind.insert(wind.end(), {1, std::lround(meter)});
			wet.insert(wet.end(), {0, 1, 100});
			const double rms = -34 + 1.2 * v + 1.5 * misc_.gauss();
			level.insert(level.end(),
				     {std::lround(rms), std::lround(rms + 7 + misc_.uniform(0, 3))});
		}
		const double t0 = audioClock_.time(span.begin);
		w.begin("STRM");
		streamHeader(w, span.end, t0, p);
		text(w, "STNM", "Wind Processing[wind_enable, meter_value(0 - 100)]");
		w.integers("WNDM", 'B', wind, 2);
		w.end();
		w.begin("STRM");
		streamHeader(w, span.end, t0, p);
		text(w, "STNM", "Microphone Wet[mic_wet, all_mics, confidence]");
		w.integers("MWET", 'B', wet, 3);
		w.end();
		w.begin("STRM");
		streamHeader(w, span.end, t0, p);
		text(w, "STNM", "AGC audio level[rms_level ,peak_level]");
		text(w, "UNIT", "dBFS");
		w.integers("AALP", 'b', level, 2);
		w.end();
	}

	void frameSkips(KlvWriter &w, std::uint64_t p)
	{
		const Span f = frames(p, 1);
		const std::vector<std::int64_t> zeros(f.count(), 0);
		w.begin("STRM");
		streamHeader(w, f.end, frameTime(f.begin, 1), p);
		text(w, "STNM", "MRV Frame Skip");
		w.integers("MSKP", 's', zeros);
		w.end();
		w.begin("STRM");
		streamHeader(w, f.end, frameTime(f.begin, 1), p);
		text(w, "STNM", "LRV Frame Skip");
		w.integers("LRVO", 'b', {0});
		w.integers("LRVS", 'b', {1});
		w.integers("LSKP", 's', zeros);
		w.end();
	}

	/* -- udta ------------------------------------------------------------------------------- */

	std::array<std::uint32_t, 2> hiLightTimes() const
	{
		const double length = static_cast<double>(payloads_) * kPayloadDuration;
		return {static_cast<std::uint32_t>(std::lround(length * 0.31 * 1000)),
			static_cast<std::uint32_t>(std::lround(length * 0.74 * 1000))};
	}

	std::string cameraLabel() const { return std::string(demoCameraName(layout_.camera)); }

	std::vector<std::pair<FourCC, std::vector<std::uint8_t>>> udta()
	{
		std::vector<std::pair<FourCC, std::vector<std::uint8_t>>> atoms;
		const std::string firmware = "DEMO.01.00.00";
		atoms.emplace_back("FIRM", std::vector<std::uint8_t>(firmware.begin(), firmware.end()));

		const auto times = hiLightTimes();
		if (layout_.settingsGpmf)
			atoms.emplace_back("GPMF", settingsGpmf(firmware, times));

		/* HMMT: count, then the ms of each manual tag, in a box preallocated for 100 (as cameras do).
		 */
		std::vector<std::uint8_t> hmmt;
		appendBe(hmmt, times.size(), 4);
		for (std::uint32_t ms : times)
			appendBe(hmmt, ms, 4);
		hmmt.resize(4 + 100 * 4, 0);
		atoms.emplace_back("HMMT", std::move(hmmt));
		return atoms;
	}

	std::vector<std::uint8_t> settingsGpmf(const std::string &firmware,
					       const std::array<std::uint32_t, 2> &times)
	{
		KlvWriter w;
		w.begin("DEVC");
		w.integers("DVID", 'L', {1});
		/* Strings as the HERO7 settings box has them: 'c' 1 n, but RMRK and TYPE 'c' n 1. */
		w.string("DVNM", "Video Global Settings");
		w.begin("STRM");
		w.string("CASN", "DEMO000000001");
		w.string("MINF", "gst-gpmf demo (" + upper(cameraLabel()) + " layout)");
		w.string("FMWR", firmware);
		std::vector<std::int64_t> muid;
		Random r = stream(seed_, 12);
		for (int i = 0; i < 4; i++)
			muid.push_back(static_cast<std::int64_t>(r.next() & 0xffffffffu));
		muid.insert(muid.end(), {0, 0, 0, 0});
		w.integers("MUID", 'L', muid);
		w.integers("CMOD", 'B', {12});
		w.string("VFOV", "W");
		w.string("EISE", "Y");
		w.string("PRTN", "N");
		w.end();
		w.end();

		const double length = static_cast<double>(payloads_) * kPayloadDuration;
		const double phi = kStartLat * kPi / 180;
		w.begin("DEVC");
		w.fourccs("DVID", {FourCC("HLMT")});
		w.string("DVNM", "Highlights");
		w.begin("STRM");
		w.integers("TSMP", 'L', {static_cast<std::int64_t>(times.size())});
		fixedText(w, "RMRK",
			  "struct: Time (ms), in (ms), out (ms), Location XYZ (deg,deg,m), Type, Confidence");
		fixedText(w, "TYPE", "LLLllfFff");
		w.integers("SCAL", 'l', {1, 1, 1, 10000000, 10000000, 1, 1, 1, 1});
		std::vector<std::uint8_t> data;
		for (std::uint32_t ms : times) {
			const double t = std::min(static_cast<double>(ms) / 1000, length);
			const double lat =
				kStartLat + ride_.north(t) / (111132.92 - 559.82 * std::cos(2 * phi));
			const double lon = kStartLon + ride_.east(t) / (111412.84 * std::cos(phi));
			appendBe(data, ms, 4);
			appendBe(data, ms, 4);
			appendBe(data, ms, 4);
			appendBe(data, static_cast<std::uint64_t>(std::llround(lat * 1e7)), 4);
			appendBe(data, static_cast<std::uint64_t>(std::llround(lon * 1e7)), 4);
			appendBe(data, std::bit_cast<std::uint32_t>(static_cast<float>(ride_.altitude(t))),
				 4);
			appendBe(data, FourCC("MANL").value(), 4);
			appendBe(data, std::bit_cast<std::uint32_t>(100.0f), 4);
			appendBe(data, std::bit_cast<std::uint32_t>(100.0f), 4);
		}
		w.raw("HLMT", '?', 36, static_cast<std::uint16_t>(times.size()), data);
		w.end();
		w.end();
		return w.take();
	}

	static std::string upper(std::string s)
	{
		for (char &c : s)
			c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
		return s;
	}

	const Layout &layout_;
	std::uint64_t seed_;
	std::uint64_t payloads_;
	Ride ride_;
	Random accelNoise_, gyroNoise_, gpsNoise_, misc_;
	Drift gpsEast_, gpsNorth_, gpsUp_, shade_, stabiliser_;
	std::vector<double> boundaries_;
	Clock accel_, gyro_, audioClock_, gps_;

	std::uint64_t fixesFor_ = ~std::uint64_t(0);
	std::vector<Fix> fixes_;
	std::uint64_t shadeFrames_ = 0;
	std::vector<double> shadeValues_;
};

} // namespace

std::optional<DemoCamera> demoCameraFromName(std::string_view name) noexcept
{
	std::string lower;
	for (char c : name)
		lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
	for (DemoCamera camera :
	     {DemoCamera::Hero5, DemoCamera::Hero7, DemoCamera::Hero8, DemoCamera::Hero11}) {
		if (lower == demoCameraName(camera))
			return camera;
	}
	return std::nullopt;
}

std::string_view demoCameraName(DemoCamera camera) noexcept
{
	switch (camera) {
	case DemoCamera::Hero5:
		return "hero5";
	case DemoCamera::Hero7:
		return "hero7";
	case DemoCamera::Hero8:
		return "hero8";
	case DemoCamera::Hero11:
		break;
	}
	return "hero11";
}

DemoTruth demoTruth(const DemoOptions &options)
{
	return Generator(options).truth();
}

Mp4Recording makeDemoRecording(const DemoOptions &options)
{
	return Generator(options).run();
}

} // namespace gpmf
