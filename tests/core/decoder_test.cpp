// SPDX-License-Identifier: GPL-2.0-or-later
// The decoder: devices, streams, sticky metadata, scaling, axis remapping, timing, GPS and filters.
#include <cmath>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "gpmf/decoder.h"
#include "gpmf/gps.h"
#include "gpmf/klv_writer.h"
#include "gpmf/records.h"

using namespace gpmf;

namespace {

// One camera DEVC holding the streams written by `body`.
template<typename Body>
std::vector<std::uint8_t> camera(Body body, std::uint32_t id = 1, const char *name = "Camera")
{
	KlvWriter w;
	w.begin(FourCC("DEVC"));
	w.integers(FourCC("DVID"), 'L', {id});
	w.string(FourCC("DVNM"), name);
	body(w);
	w.end();
	return w.take();
}

// tsmp: total samples so far including these (0: this payload's count, as in a first payload).
void accelStream(KlvWriter &w, std::initializer_list<std::int64_t> xyz, std::int64_t tsmp = 0)
{
	w.begin(FourCC("STRM"));
	w.integers(FourCC("TSMP"), 'L', {tsmp ? tsmp : std::int64_t(xyz.size() / 3)});
	w.string(FourCC("STNM"), "Accelerometer");
	w.floats(FourCC("TMPC"), 'f', {25.5});
	w.string(FourCC("SIUN"), "m/s\xb2");
	w.integers(FourCC("SCAL"), 's', {100});
	w.integers(FourCC("ACCL"), 's', xyz, 3);
	w.end();
}

// A pointer into a temporary payload would dangle: keep the payload in a variable.
const Stream *findStream(const Payload &&p, FourCC key) = delete;

const Stream *findStream(const Payload &p, FourCC key)
{
	for (const auto &d : p.devices)
		for (const auto &s : d.streams)
			if (s.key == key)
				return &s;
	return nullptr;
}

} // namespace

TEST(DecodePayload, DeviceAndStreamWithStickyMetadata)
{
	const auto bytes = camera([](KlvWriter &w) { accelStream(w, {981, 10, -20, 982, 11, -21}); });
	const Payload p = decodePayload(bytes);
	EXPECT_TRUE(p.diagnostics.empty());
	ASSERT_EQ(p.devices.size(), 1u);
	EXPECT_EQ(p.devices[0].id, 1u);
	EXPECT_EQ(p.devices[0].name, "Camera");
	const Stream *s = findStream(p, "ACCL");
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(s->name, "Accelerometer");
	EXPECT_EQ(s->units, std::vector<std::string>{"m/s\xc2\xb2"});
	EXPECT_EQ(s->tsmp, 2u);
	ASSERT_NE(s->findSticky(FourCC("TMPC")), nullptr);
	EXPECT_FLOAT_EQ(float(s->findSticky(FourCC("TMPC"))->values.firstNumber()), 25.5f);
	// SCAL is a divisor.
	EXPECT_EQ(s->values.numbers, (std::vector<double>{9.81, 0.1, -0.2, 9.82, 0.11, -0.21}));
	// DVNM "Camera" is a HERO5: its IMU axis order is Z,X,Y.
	EXPECT_EQ(s->fields, (std::vector<std::string>{"z", "x", "y"}));
}

TEST(DecodePayload, ScaleMayBeGivenPerField)
{
	const auto bytes = camera([](KlvWriter &w) {
		w.begin(FourCC("STRM"));
		w.integers(FourCC("SCAL"), 'l', {10000000, 10000000, 1000, 1000, 100});
		w.integers(FourCC("GPS5"), 'l', {331264969, -1173273542, -20184, 167, 19}, 5);
		w.end();
	});
	const Payload sPayload = decodePayload(bytes);
	const Stream *s = findStream(sPayload, "GPS5");
	ASSERT_NE(s, nullptr);
	EXPECT_NEAR(s->values.number(0, 0), 33.1264969, 1e-12);
	EXPECT_NEAR(s->values.number(0, 1), -117.3273542, 1e-12);
	EXPECT_NEAR(s->values.number(0, 2), -20.184, 1e-12);
	EXPECT_NEAR(s->values.number(0, 4), 0.19, 1e-12);
	EXPECT_EQ(s->fields[0], "lat");
}

TEST(DecodePayload, RawOptionKeepsSensorValues)
{
	const auto bytes = camera([](KlvWriter &w) { accelStream(w, {981, 10, -20}); });
	DecodeOptions raw;
	raw.raw = true;
	const Payload sPayload = decodePayload(bytes, raw);
	const Stream *s = findStream(sPayload, "ACCL");
	ASSERT_NE(s, nullptr);
	EXPECT_TRUE(s->raw);
	EXPECT_EQ(s->values.numbers, (std::vector<double>{981, 10, -20}));
}

TEST(DecodePayload, OrinOrioRemapsAndNegatesAxes)
{
	// MAX ACCL: ORIN "XzY" (input X, -Z, Y) to ORIO "ZXY".
	const auto bytes = camera(
		[](KlvWriter &w) {
			w.begin(FourCC("STRM"));
			w.string(FourCC("ORIN"), "XzY");
			w.string(FourCC("ORIO"), "ZXY");
			w.integers(FourCC("ACCL"), 's', {1, 2, 3}, 3);
			w.end();
		},
		1, "GoPro Max");
	const Payload sPayload = decodePayload(bytes);
	const Stream *s = findStream(sPayload, "ACCL");
	ASSERT_NE(s, nullptr);
	// Z = -(input 2), X = input 1, Y = input 3.
	EXPECT_EQ(s->values.numbers, (std::vector<double>{-2, 1, 3}));
	EXPECT_EQ(s->fields, (std::vector<std::string>{"z", "x", "y"}));
}

TEST(DecodePayload, MatrixTakesPrecedenceAndAppliesAfterScaling)
{
	const auto bytes = camera([](KlvWriter &w) {
		w.begin(FourCC("STRM"));
		w.integers(FourCC("SCAL"), 's', {2});
		w.string(FourCC("ORIN"), "XYZ");
		w.string(FourCC("ORIO"), "XYZ");
		// out = M·in with a calibration term: x' = x + 0.5 y, y' = -z, z' = y
		w.floats(FourCC("MTRX"), 'f', {1, 0.5, 0, 0, 0, -1, 0, 1, 0});
		w.integers(FourCC("GYRO"), 's', {2, 4, 6}, 3);
		w.end();
	});
	const Payload sPayload = decodePayload(bytes);
	const Stream *s = findStream(sPayload, "GYRO");
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(s->values.numbers, (std::vector<double>{1 + 0.5 * 2, -3, 2}));
}

TEST(DecodePayload, SamplesKnowTheDecimalsTheirSensorMeasured)
{
	const auto bytes = camera([](KlvWriter &w) {
		w.begin(FourCC("STRM"));
		w.integers(FourCC("SCAL"), 'l', {10000000, 10000000, 1000, 1000, 100});
		w.integers(FourCC("GPS5"), 'l', {331264969, -1173273542, -20184, 167, 19}, 5);
		w.end();
		w.begin(FourCC("STRM"));
		w.integers(FourCC("SCAL"), 's', {418});
		w.integers(FourCC("ACCL"), 's', {1, 2, 3}, 3);
		w.end();
		w.begin(FourCC("STRM"));
		w.integers(FourCC("CORI"), 's', {32767, 0, 0, 0}, 4); // no SCAL: whole numbers
		w.end();
		w.begin(FourCC("STRM"));
		w.floats(FourCC("TMPC"), 'f', {25.5}); // a float as the camera stored it
		w.floats(FourCC("WBAL"), 'f', {5000.5});
		w.end();
	});
	const Payload p = decodePayload(bytes);
	// 10^7 and 1000 are powers of ten (exact); 418 needs 3 decimals to tell readings apart.
	EXPECT_EQ(findStream(p, "GPS5")->precision, (std::vector<std::int8_t>{7, 7, 3, 3, 2}));
	EXPECT_EQ(findStream(p, "ACCL")->precision, (std::vector<std::int8_t>{3, 3, 3}));
	EXPECT_EQ(findStream(p, "CORI")->precision, (std::vector<std::int8_t>{0, 0, 0, 0}));
	EXPECT_EQ(findStream(p, "WBAL")->precision, (std::vector<std::int8_t>{kPrecisionFloat}));
}

TEST(DecodePayload, PrecisionFollowsTheAxesItCameFrom)
{
	const auto bytes = camera([](KlvWriter &w) {
		w.begin(FourCC("STRM"));
		w.integers(FourCC("SCAL"), 's', {10, 100, 1000});
		w.string(FourCC("ORIN"), "XzY");
		w.string(FourCC("ORIO"), "ZXY");
		w.integers(FourCC("ACCL"), 's', {1, 2, 3}, 3);
		w.end();
		w.begin(FourCC("STRM"));
		w.integers(FourCC("SCAL"), 's', {10, 100, 1000});
		// x' = x + 0.5 y mixes two readings: no single sensor precision, so the shortest form.
		w.floats(FourCC("MTRX"), 'f', {1, 0.5, 0, 0, 0, -1, 0, 1, 0});
		w.integers(FourCC("GYRO"), 's', {2, 4, 6}, 3);
		w.end();
	});
	const Payload p = decodePayload(bytes);
	EXPECT_EQ(findStream(p, "ACCL")->precision, (std::vector<std::int8_t>{2, 1, 3}));
	EXPECT_EQ(findStream(p, "GYRO")->precision, (std::vector<std::int8_t>{kPrecisionShortest, 3, 2}));
}

TEST(DecodePayload, MultiSampleStreamKeepsOneSlotPerDataKlv)
{
	const auto bytes = camera([](KlvWriter &w) {
		w.begin(FourCC("STRM"));
		w.string(FourCC("TYPE"), "Ff");
		KlvWriter item;
		// SCEN slots of 2, 0 and 1 items.
		auto scen = [&](std::vector<std::pair<const char *, float>> items) {
			std::vector<std::uint8_t> data;
			for (auto &[c, f] : items) {
				data.insert(data.end(), c, c + 4);
				std::uint32_t u;
				std::memcpy(&u, &f, 4);
				appendBe(data, u, 4);
			}
			w.raw(FourCC("SCEN"), '?', 8, std::uint16_t(items.size()), data);
		};
		scen({{"SNOW", 0.5f}, {"URBA", 0.25f}});
		scen({});
		scen({{"INDO", 1.0f}});
		w.end();
	});
	const Payload sPayload = decodePayload(bytes);
	const Stream *s = findStream(sPayload, "SCEN");
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(s->slotSizes, (std::vector<std::uint32_t>{2, 0, 1}));
	EXPECT_EQ(s->slotCount(), 3u);
	EXPECT_EQ(s->values.sampleCount, 3u);
	EXPECT_EQ(s->values.text(2, 0), "INDO");
	EXPECT_EQ(s->fields, (std::vector<std::string>{"class", "probability"}));
}

TEST(DecodePayload, StreamWithRepeatZeroHasNoSamples)
{
	const auto bytes = camera([](KlvWriter &w) {
		w.begin(FourCC("STRM"));
		w.integers(FourCC("GPS5"), 'l', std::span<const std::int64_t>{}, 5);
		w.end();
	});
	const Payload sPayload = decodePayload(bytes);
	const Stream *s = findStream(sPayload, "GPS5");
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(s->slotCount(), 0u);
	EXPECT_TRUE(s->values.numbers.empty());
}

TEST(DecodePayload, TruncatedPayloadKeepsWhatCameBefore)
{
	auto bytes = camera([](KlvWriter &w) {
		accelStream(w, {981, 10, -20});
		w.begin(FourCC("STRM"));
		std::vector<std::int64_t> many(300, 7);
		w.integers(FourCC("GYRO"), 's', many, 3);
		w.end();
	});
	bytes.resize(bytes.size() - 100); // cut inside GYRO
	const Payload p = decodePayload(bytes);
	ASSERT_FALSE(p.diagnostics.empty());
	EXPECT_EQ(p.diagnostics[0].code, Errc::Truncated);
	EXPECT_NE(p.diagnostics[0].path.find("DEVC"), std::string::npos);
	ASSERT_NE(findStream(p, "ACCL"), nullptr); // intact stream before the damage
	EXPECT_EQ(findStream(p, "ACCL")->values.sampleCount, 1u);
}

TEST(DecodePayload, GarbageNeverCrashesAndIsReported)
{
	std::vector<std::uint8_t> junk(256);
	for (std::size_t i = 0; i < junk.size(); i++)
		junk[i] = std::uint8_t(i * 37 + 11);
	const Payload p = decodePayload(junk);
	EXPECT_FALSE(p.diagnostics.empty());
	EXPECT_TRUE(p.devices.empty());
}

TEST(DecodePayload, StreamAndDeviceFilters)
{
	auto bytes = camera([](KlvWriter &w) {
		accelStream(w, {1, 2, 3});
		w.begin(FourCC("STRM"));
		w.integers(FourCC("GYRO"), 's', {1, 2, 3}, 3);
		w.end();
	});
	const auto drone = camera([](KlvWriter &w) { accelStream(w, {4, 5, 6}); }, 16835857, "GoPro Karma v1.0");
	bytes.insert(bytes.end(), drone.begin(), drone.end());

	DecodeOptions onlyGyro;
	onlyGyro.streams = {FourCC("GYRO")};
	const Payload g = decodePayload(bytes, onlyGyro);
	ASSERT_EQ(g.devices.size(), 2u);
	ASSERT_EQ(g.devices[0].streams.size(), 1u);
	EXPECT_EQ(g.devices[0].streams[0].key, FourCC("GYRO"));
	EXPECT_TRUE(g.devices[1].streams.empty());

	DecodeOptions onlyDrone;
	onlyDrone.devices = {"GoPro Karma v1.0"};
	const Payload d = decodePayload(bytes, onlyDrone);
	ASSERT_EQ(d.devices.size(), 1u);
	EXPECT_EQ(d.devices[0].id, 16835857u);
	onlyDrone.devices = {"1"};
	EXPECT_EQ(decodePayload(bytes, onlyDrone).devices.at(0).name, "Camera");
}

TEST(Decoder, SamplesAreSpreadOverThePayloadAndLineUpAcrossPayloads)
{
	Decoder decoder;
	const auto first = camera([](KlvWriter &w) { accelStream(w, {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4}); });
	const auto second = camera([](KlvWriter &w) { accelStream(w, {5, 5, 5, 6, 6, 6}, 6); });
	const Payload a = decoder.decode(first, 10.0, 1.0);
	const Payload b = decoder.decode(second, 11.0, 1.0);
	EXPECT_EQ(a.index, 0u);
	EXPECT_EQ(b.index, 1u);
	EXPECT_EQ(findStream(a, "ACCL")->times, (std::vector<double>{10.0, 10.25, 10.5, 10.75}));
	EXPECT_EQ(findStream(b, "ACCL")->times, (std::vector<double>{11.0, 11.5}));
	// 6 samples over 2 s: the fit of cumulative counts gives 3 Hz.
	EXPECT_NEAR(findStream(b, "ACCL")->rate, 3.0, 1e-9);
	const Summary s = decoder.summary();
	ASSERT_EQ(s.streams.size(), 1u);
	EXPECT_EQ(s.payloads, 2u);
	EXPECT_EQ(s.streams[0].samples, 6u);
	EXPECT_DOUBLE_EQ(s.streams[0].firstTime, 10.0);
	EXPECT_DOUBLE_EQ(s.streams[0].lastTime, 11.5);
	decoder.reset();
	EXPECT_EQ(decoder.summary().payloads, 0u);
}

TEST(Decoder, RateSurvivesATsmpRestart)
{
	// Two 2-payload recordings joined into one stream (a file looped, chapters concatenated):
	// 4 samples a second throughout, TSMP restarting at the join.
	Decoder decoder;
	const std::int64_t tsmp[] = {4, 8, 4, 8};
	for (int i = 0; i < 4; i++) {
		const auto bytes = camera([&](KlvWriter &w) { accelStream(w, {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4}, tsmp[i]); });
		const Payload p = decoder.decode(bytes, double(i), 1.0);
		EXPECT_NEAR(findStream(p, "ACCL")->rate, 4.0, 1e-9) << "payload " << i;
	}
	EXPECT_NEAR(decoder.summary().streams.at(0).rate, 4.0, 1e-9);
}

TEST(Decoder, TimoDelaysAreSubtracted)
{
	const auto bytes = camera([](KlvWriter &w) {
		w.begin(FourCC("STRM"));
		w.floats(FourCC("TIMO"), 'f', {0.125});
		w.integers(FourCC("GYRO"), 's', {1, 2, 3, 4, 5, 6}, 3);
		w.end();
	});
	Decoder decoder;
	const Payload p = decoder.decode(bytes, 2.0, 1.0);
	EXPECT_EQ(findStream(p, "GYRO")->times, (std::vector<double>{1.875, 2.375}));
}

namespace {

std::vector<std::uint8_t> gps5Payload(const char *gpsu, int fix, int dopx100)
{
	return camera([&](KlvWriter &w) {
		w.begin(FourCC("STRM"));
		w.string(FourCC("GPSU"), gpsu);
		w.integers(FourCC("GPSF"), 'L', {fix});
		w.integers(FourCC("GPSP"), 'S', {dopx100});
		w.integers(FourCC("SCAL"), 'l', {10000000, 10000000, 1000, 1000, 100});
		w.integers(FourCC("GPS5"), 'l', {331264969, -1173273542, -20184, 167, 19, 331264969, -1173273541, -20146, 178, 20}, 5);
		w.end();
	});
}

} // namespace

TEST(Decoder, Gps5GetsUtcFromGpsu)
{
	Decoder decoder;
	const Payload p = decoder.decode(gps5Payload("170417173103.000", 3, 150), 0.0, 1.0);
	const Stream *s = findStream(p, "GPS5");
	ASSERT_NE(s, nullptr);
	ASSERT_EQ(s->utc.size(), 2u);
	// 2017-04-17T17:31:03Z is 1492450263 s after the epoch; the second point is 0.5 s later.
	EXPECT_DOUBLE_EQ(s->utc[0], 1492450263.0);
	EXPECT_DOUBLE_EQ(s->utc[1], 1492450263.5);
	EXPECT_DOUBLE_EQ(decoder.summary().streams.at(0).firstUtc, 1492450263.0);
}

TEST(Decoder, GarbageGpsuLeavesUtcUnknown)
{
	Decoder decoder;
	const Payload p = decoder.decode(gps5Payload("5509100082240400", 0, 9999), 0.0, 1.0);
	const Stream *s = findStream(p, "GPS5");
	ASSERT_EQ(s->utc.size(), 2u);
	EXPECT_TRUE(std::isnan(s->utc[0]));
}

// GPS5 points left in a decoded payload.
std::size_t gps5Slots(const Payload &p)
{
	return findStream(p, FourCC("GPS5"))->slotCount();
}

TEST(Decoder, GpsFiltersDropPointsWithoutFixOrAboveDop)
{
	DecodeOptions o;
	o.minGpsFix = 2;
	Decoder fixFilter(o);
	EXPECT_EQ(gps5Slots(fixFilter.decode(gps5Payload("170417173103.000", 0, 150), 0, 1)), 0u);
	EXPECT_EQ(gps5Slots(fixFilter.decode(gps5Payload("170417173104.000", 3, 150), 1, 1)), 2u);

	DecodeOptions d;
	d.maxGpsDop = 5.0;
	Decoder dopFilter(d);
	EXPECT_EQ(gps5Slots(dopFilter.decode(gps5Payload("170417173103.000", 3, 650), 0, 1)), 0u);
	EXPECT_EQ(gps5Slots(dopFilter.decode(gps5Payload("170417173103.000", 3, 499), 0, 1)), 2u);
}

TEST(Decoder, Gps9CarriesUtcFixAndDopPerSample)
{
	const auto bytes = camera([](KlvWriter &w) {
		w.begin(FourCC("STRM"));
		w.string(FourCC("TYPE"), "lllllllSS");
		w.integers(FourCC("SCAL"), 'l', {10000000, 10000000, 1000, 1000, 100, 1, 1000, 100, 1});
		std::vector<std::uint8_t> data;
		auto sample = [&](std::int64_t secsMs, std::int64_t dop, std::int64_t fix) {
			for (std::int64_t v : {std::int64_t(424262000), std::int64_t(-86499800), std::int64_t(34098),
					       std::int64_t(18), std::int64_t(10), std::int64_t(8298), secsMs})
				appendBe(data, std::uint64_t(v), 4);
			appendBe(data, std::uint64_t(dop), 2);
			appendBe(data, std::uint64_t(fix), 2);
		};
		sample(48576899, 120, 3);
		sample(48576999, 900, 3);
		sample(48577099, 120, 0);
		w.raw(FourCC("GPS9"), '?', 32, 3, data);
		w.end();
	});
	Decoder all;
	const Payload p = all.decode(bytes, 0, 1);
	const Stream *s = findStream(p, "GPS9");
	ASSERT_NE(s, nullptr);
	ASSERT_EQ(s->utc.size(), 3u);
	// 8298 days after 2000-01-01 is 2022-09-20; 48576.899 s is 13:29:36.899.
	EXPECT_EQ(formatUtc(s->utc[0]), "2022-09-20T13:29:36.899Z");
	EXPECT_DOUBLE_EQ(s->values.number(0, 7), 1.2); // DOP scaled by 100

	DecodeOptions o;
	o.minGpsFix = 3;
	o.maxGpsDop = 5;
	Decoder filtered(o);
	const Payload fPayload = filtered.decode(bytes, 0, 1);
	const Stream *f = findStream(fPayload, "GPS9");
	ASSERT_EQ(f->slotCount(), 1u);
	EXPECT_DOUBLE_EQ(f->times.at(0), 0.0);
	EXPECT_EQ(formatUtc(f->utc.at(0)), "2022-09-20T13:29:36.899Z");
}

TEST(Decoder, CorruptPayloadsAreCounted)
{
	Decoder decoder;
	std::vector<std::uint8_t> junk(64, 0xee);
	decoder.decode(junk, 0, 1);
	EXPECT_EQ(decoder.summary().corruptPayloads, 1u);
}

namespace {

// Everything a decoded payload says, as text: its record plus what the record leaves out.
std::string describe(const Payload &p)
{
	std::string out;
	writePayloadRecord(out, p);
	for (const auto &d : p.diagnostics)
		out += "\ndiagnostic " + d.message();
	for (const auto &u : p.unsupported)
		out += "\nunsupported " + u;
	for (const auto &d : p.devices)
		for (const auto &s : d.streams) {
			out += "\n" + s.key.str() + " sticky";
			for (const auto &prop : s.sticky)
				out += " " + prop.key.str() + ":" + std::to_string(prop.values.numbers.size()) + "/" +
				       std::to_string(prop.values.texts.size());
			out += " units " + std::to_string(s.units.size()) + " utc " + std::to_string(s.utc.size());
		}
	return out;
}

} // namespace

// decodeInto() fills the devices, streams and properties of the payload before in place: whatever
// that payload held (more devices, other streams, text where numbers are now, GPS UTC, an error),
// the result equals a fresh decode().
TEST(Decoder, DecodeIntoAReusedPayloadEqualsAFreshDecode)
{
	const auto accel = camera([](KlvWriter &w) { accelStream(w, {981, 10, -20, 979, 12, -18}); });
	auto twoDevices = camera([](KlvWriter &w) {
		w.begin(FourCC("STRM"));
		w.string(FourCC("TYPE"), "Ff");
		w.raw(FourCC("SCEN"), '?', 8, 1, std::vector<std::uint8_t>{'S', 'N', 'O', 'W', 0x3f, 0, 0, 0});
		w.raw(FourCC("SCEN"), '?', 8, 0, {});
		w.end();
		accelStream(w, {1, 2, 3});
		w.begin(FourCC("STRM"));
		w.string(FourCC("STNM"), "Gyroscope with a name too long for a short string");
		w.integers(FourCC("GYRO"), 's', {4, 5, 6}, 3);
		w.end();
	});
	const auto drone = camera([](KlvWriter &w) { accelStream(w, {7, 8, 9}); }, 16835857, "GoPro Karma v1.0");
	twoDevices.insert(twoDevices.end(), drone.begin(), drone.end());
	const auto gps = gps5Payload("170417173103.000", 3, 150);
	auto truncated = twoDevices;
	truncated.resize(truncated.size() - 40);
	const std::vector<std::uint8_t> junk(48, 0xee);
	const std::vector<std::vector<std::uint8_t>> sequence{accel, twoDevices, gps, accel, truncated,
							      junk, twoDevices, gps, twoDevices, accel};

	for (const bool raw : {false, true}) {
		DecodeOptions options;
		options.raw = raw;
		Decoder fresh(options), reusing(options);
		Payload reused;
		for (std::size_t i = 0; i < sequence.size(); i++) {
			const Payload expected = fresh.decode(sequence[i], double(i), 1.0);
			reusing.decodeInto(reused, sequence[i], double(i), 1.0);
			EXPECT_EQ(describe(reused), describe(expected)) << "payload " << i << (raw ? " (raw)" : "");
		}
		std::string a, b;
		writeSummaryRecord(a, fresh.summary());
		writeSummaryRecord(b, reusing.summary());
		EXPECT_EQ(a, b);
	}
}

// The metadata of a payload decoded into the payload before is decoded again only where its KLV
// changed: a scale of the same size but other bytes, a name, units, a wider scale, and whatever
// comes at the place of a KLV that failed to decode are read anew; the samples follow the scale.
TEST(Decoder, MetadataDecodedIntoAReusedPayloadFollowsEveryChange)
{
	// `compressed`: a KLV that cannot be decoded comes before TMPC, at the place TMPC had.
	auto accel = [](std::int64_t scale, const char *name, const char *units, bool compressed) {
		return camera([&](KlvWriter &w) {
			w.begin(FourCC("STRM"));
			w.integers(FourCC("TSMP"), 'L', {2});
			w.string(FourCC("STNM"), name);
			if (compressed)
				w.raw(FourCC("XTRA"), '#', 4, 1, std::vector<std::uint8_t>{1, 2, 3, 4});
			w.floats(FourCC("TMPC"), 'f', {25.5});
			w.string(FourCC("SIUN"), units);
			w.integers(FourCC("SCAL"), scale > 32767 ? 'l' : 's', {scale});
			w.integers(FourCC("ACCL"), 's', {981, 10, -20, 979, 12, -18}, 3);
			w.end();
		});
	};
	const std::vector<std::vector<std::uint8_t>> sequence{
	    accel(100, "Accelerometer", "m/s\xb2", false), accel(100, "Accelerometer", "m/s\xb2", false),
	    accel(1000, "Accelerometer", "m/s\xb2", false), accel(1000, "Acceleromètre", "m/s\xb2", false),
	    accel(1000, "Accelerometer", "g", true),	   accel(1000, "Accelerometer", "g", false),
	    accel(100000, "Accelerometer", "g", false),	   accel(100, "Accelerometer", "m/s\xb2", false)};
	Decoder fresh, reusing;
	Payload reused;
	for (std::size_t i = 0; i < sequence.size(); i++) {
		const Payload expected = fresh.decode(sequence[i], double(i), 1.0);
		reusing.decodeInto(reused, sequence[i], double(i), 1.0);
		const Stream *want = findStream(expected, "ACCL");
		const Stream *got = findStream(reused, "ACCL");
		ASSERT_NE(want, nullptr);
		ASSERT_NE(got, nullptr);
		EXPECT_EQ(got->sticky, want->sticky) << "payload " << i;
		EXPECT_EQ(got->name, want->name) << "payload " << i;
		EXPECT_EQ(got->units, want->units) << "payload " << i;
		EXPECT_EQ(got->values.numbers, want->values.numbers) << "payload " << i;
		EXPECT_EQ(reused.diagnostics.size(), expected.diagnostics.size()) << "payload " << i;
	}
	// The scale in force: 981 / 1000 in the third payload, 981 / 100000 in the seventh.
	Payload third, seventh;
	reusing.decodeInto(third, sequence[2], 2.0, 1.0);
	reusing.decodeInto(seventh, sequence[6], 6.0, 1.0);
	EXPECT_DOUBLE_EQ(findStream(third, "ACCL")->values.numbers.at(0), 0.981);
	EXPECT_DOUBLE_EQ(findStream(seventh, "ACCL")->values.numbers.at(0), 0.00981);
}

namespace {

// One payload with one stream of `key`: an optional STNM and SIUN, and three int16 samples.
std::vector<std::uint8_t> oneStream(const char (&key)[5], const char *stnm, const char *siun)
{
	gpmf::KlvWriter w;
	w.begin(gpmf::FourCC("DEVC"));
	w.integers(gpmf::FourCC("DVID"), 'L', {1});
	w.begin(gpmf::FourCC("STRM"));
	if (stnm)
		w.string(gpmf::FourCC("STNM"), stnm);
	if (siun)
		w.string(gpmf::FourCC("SIUN"), siun);
	w.integers(gpmf::FourCC(key), 's', {1, 2, 3});
	w.end();
	w.end();
	return w.take();
}

const gpmf::Stream &onlyStream(const gpmf::Payload &p)
{
	return p.devices.at(0).streams.at(0);
}

} // namespace

// Cameras of 2024-2026 (HERO13, MAX2, Mission 1) and streams the documentation lists.
TEST(DocumentedStreams, AStreamWithoutStnmOrUnitsGetsTheDocumentedOnes)
{
	const gpmf::Payload evtg = gpmf::decodePayload(oneStream("EVTG", nullptr, nullptr));
	EXPECT_EQ(onlyStream(evtg).name, "Exposure value target");
	EXPECT_EQ(onlyStream(evtg).units, std::vector<std::string>{"eV"});
	const gpmf::Payload ocnf = gpmf::decodePayload(oneStream("OCNF", nullptr, nullptr));
	EXPECT_EQ(onlyStream(ocnf).name, "Magnetic north confidence (0-255)");
	EXPECT_EQ(onlyStream(gpmf::decodePayload(oneStream("LOGS", nullptr, nullptr))).name, "Health logs");
	EXPECT_EQ(onlyStream(gpmf::decodePayload(oneStream("CSCB", nullptr, nullptr))).name,
		  "Compression score, bottom EAC slice");
}

TEST(DocumentedStreams, TheCamerasOwnNameAndUnitsWin)
{
	const gpmf::Payload p = gpmf::decodePayload(oneStream("MAGN", "Raw Hall magnetometer", "uT"));
	EXPECT_EQ(onlyStream(p).name, "Raw Hall magnetometer");
	EXPECT_EQ(onlyStream(p).units, std::vector<std::string>{"uT"});
}

TEST(DocumentedStreams, AnUnknownStreamIsDecodedWithItsStnmAndSiun)
{
	const gpmf::Payload p = gpmf::decodePayload(oneStream("XPRS", "Future pressure sensor", "Pa"));
	EXPECT_TRUE(p.diagnostics.empty());
	EXPECT_EQ(onlyStream(p).name, "Future pressure sensor");
	EXPECT_EQ(onlyStream(p).units, std::vector<std::string>{"Pa"});
	EXPECT_EQ(onlyStream(p).values.sampleCount, 3u);
	const gpmf::Payload bare = gpmf::decodePayload(oneStream("XPRS", nullptr, nullptr));
	EXPECT_EQ(onlyStream(bare).name, "");
	EXPECT_EQ(onlyStream(bare).values.sampleCount, 3u);
}
