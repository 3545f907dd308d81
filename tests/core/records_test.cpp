// SPDX-License-Identifier: GPL-2.0-or-later
// The NDJSON records: payload, header and summary, read back with json-glib.

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <json-glib/json-glib.h>

#include "gpmf/records.h"

namespace {

using namespace gpmf;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Samples of `fieldCount` float fields, given sample-major.
Values floats(std::size_t fieldCount, std::vector<double> flat)
{
	Values v;
	v.type = 'f';
	v.setFields(FieldList(fieldCount, Field{ 'f', 4 }));
	v.sampleCount = static_cast<std::uint32_t>(flat.size() / fieldCount);
	v.numbers = std::move(flat);
	return v;
}

Values text(const std::string &s)
{
	Values v;
	v.type = 'c';
	v.setFields({ Field{ 'c', static_cast<std::uint16_t>(s.size()) } });
	v.sampleCount = 1;
	v.texts = { s };
	return v;
}

Property property(FourCC key, Values values)
{
	return Property{ key, std::move(values) };
}

// Seconds since 1970 of a UTC calendar time, from the C library rather than from our own code.
double utcSeconds(int year, int month, int day, int hour, int minute, int second)
{
	std::tm tm{};
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	return static_cast<double>(timegm(&tm));
}

// One record: checks the line framing, parses it, and optionally saves it for tests/check_schema.py.
class Record {
public:
	explicit Record(const std::string &line) : text_(line), parser_(json_parser_new())
	{
		EXPECT_FALSE(line.empty());
		EXPECT_EQ(line.back(), '\n') << "a record ends its line";
		EXPECT_EQ(line.find('\n'), line.size() - 1) << "a record is one line";
		GError *error = nullptr;
		if (!json_parser_load_from_data(parser_, line.data(), static_cast<gssize>(line.size()), &error)) {
			ADD_FAILURE() << "invalid JSON: " << (error ? error->message : "?") << "\n" << line;
			g_clear_error(&error);
			return;
		}
		JsonNode *root = json_parser_get_root(parser_);
		if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
			ADD_FAILURE() << "a record is a JSON object: " << line;
			return;
		}
		root_ = json_node_get_object(root);
		if (const char *path = std::getenv("GPMF_RECORDS_DUMP")) {
			std::ofstream dump(path, std::ios::app);
			dump << line;
		}
	}
	~Record() { g_object_unref(parser_); }
	Record(const Record &) = delete;
	Record &operator=(const Record &) = delete;

	bool ok() const { return root_ != nullptr; }
	JsonObject *root() const { return root_; }
	const std::string &text() const { return text_; }
	// Position of a member name in the text, to check the key order.
	std::size_t pos(const std::string &key) const { return text_.find("\"" + key + "\":"); }

private:
	std::string text_;
	JsonParser *parser_;
	JsonObject *root_ = nullptr;
};

JsonObject *objectAt(JsonArray *array, guint i)
{
	return json_array_get_object_element(array, i);
}

JsonArray *arrayOf(JsonObject *o, const char *key)
{
	return json_object_get_array_member(o, key);
}

std::vector<double> doubles(JsonArray *array)
{
	std::vector<double> out;
	for (guint i = 0; i < json_array_get_length(array); i++)
		out.push_back(json_array_get_double_element(array, i));
	return out;
}

std::vector<std::string> strings(JsonArray *array)
{
	std::vector<std::string> out;
	for (guint i = 0; i < json_array_get_length(array); i++)
		out.emplace_back(json_array_get_string_element(array, i));
	return out;
}

// The camera device of a typical HERO payload: ACCL (3 fields, scaled), TMPC, and a one-field stream.
Payload accelPayload()
{
	Payload p;
	p.index = 7;
	p.pts = 7.007;
	p.duration = 1.001;

	Device d;
	d.id = 1;
	d.name = "Camera";
	d.properties.push_back(property(FourCC("TICK"), floats(1, { 12345 })));

	Stream accl;
	accl.key = FourCC("ACCL");
	accl.name = "Accelerometer";
	accl.units = { "m/s\xc2\xb2" };
	accl.fields = { "z", "x", "y" };
	accl.rate = 200.5;
	accl.sticky.push_back(property(FourCC("STNM"), text("Accelerometer")));
	accl.sticky.push_back(property(FourCC("SIUN"), text("m/s\xc2\xb2")));
	accl.sticky.push_back(property(FourCC("TMPC"), floats(1, { 25.5 })));
	accl.sticky.push_back(property(FourCC("SCAL"), floats(1, { 418, 418, 418 })));
	accl.sticky.push_back(property(FourCC("ORIN"), text("ZXY")));
	accl.sticky.push_back(property(FourCC("TSMP"), floats(1, { 1234 })));
	accl.sticky.push_back(property(FourCC("XTRA"), floats(2, {}))); // a KLV with repeat 0
	accl.values = floats(3, { 9.81, 0.1, -0.25, 9.79, 0.125, -0.5 });
	accl.times = { 7.007, 7.012 };

	Stream shut;
	shut.key = FourCC("SHUT");
	shut.name = "Exposure time (shutter speed)";
	shut.units = { "s" };
	shut.values = floats(1, { 0.005, 0.004 });
	shut.times = { 7.007, 7.5 };

	d.streams.push_back(std::move(accl));
	d.streams.push_back(std::move(shut));
	p.devices.push_back(std::move(d));
	return p;
}

std::string payloadLine(const Payload &p, const RecordWindow &window = {})
{
	std::string out;
	writePayloadRecord(out, p, window);
	return out;
}

TEST(PayloadRecord, TopLevelMembersInContractOrder)
{
	Record r(payloadLine(accelPayload()));
	ASSERT_TRUE(r.ok());
	EXPECT_STREQ(json_object_get_string_member(r.root(), "type"), "payload");
	EXPECT_EQ(json_object_get_int_member(r.root(), "index"), 7);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(r.root(), "pts"), 7.007);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(r.root(), "duration"), 1.001);
	EXPECT_FALSE(json_object_has_member(r.root(), "part")) << "a whole payload has no part";
	EXPECT_FALSE(json_object_has_member(r.root(), "diagnostics"));
	EXPECT_FALSE(json_object_has_member(r.root(), "unsupported"));
	EXPECT_LT(r.pos("type"), r.pos("index"));
	EXPECT_LT(r.pos("index"), r.pos("pts"));
	EXPECT_LT(r.pos("pts"), r.pos("duration"));
	EXPECT_LT(r.pos("duration"), r.pos("devices"));
}

TEST(PayloadRecord, DeviceCarriesIdNameAndProperties)
{
	Record r(payloadLine(accelPayload()));
	ASSERT_TRUE(r.ok());
	JsonArray *devices = arrayOf(r.root(), "devices");
	ASSERT_EQ(json_array_get_length(devices), 1u);
	JsonObject *dev = objectAt(devices, 0);
	EXPECT_EQ(json_object_get_int_member(dev, "id"), 1);
	EXPECT_STREQ(json_object_get_string_member(dev, "name"), "Camera");
	EXPECT_EQ(json_object_get_int_member(dev, "TICK"), 12345);
	EXPECT_EQ(json_array_get_length(arrayOf(dev, "streams")), 2u);
	EXPECT_LT(r.pos("id"), r.pos("name"));
	EXPECT_LT(r.pos("TICK"), r.pos("streams"));
}

TEST(PayloadRecord, DeviceIdGivenAsFourCCIsText)
{
	Payload p;
	Device d;
	d.id = 0x484c4d54;
	d.idText = "HLMT";
	p.devices.push_back(d);
	Record r(payloadLine(p));
	ASSERT_TRUE(r.ok());
	JsonObject *dev = objectAt(arrayOf(r.root(), "devices"), 0);
	EXPECT_STREQ(json_object_get_string_member(dev, "id"), "HLMT");
	EXPECT_EQ(json_array_get_length(arrayOf(dev, "streams")), 0u);
}

TEST(PayloadRecord, StreamMetadataAndStickyProperties)
{
	Record r(payloadLine(accelPayload()));
	ASSERT_TRUE(r.ok());
	JsonObject *accl = objectAt(arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams"), 0);
	EXPECT_STREQ(json_object_get_string_member(accl, "fourcc"), "ACCL");
	EXPECT_STREQ(json_object_get_string_member(accl, "name"), "Accelerometer");
	EXPECT_EQ(strings(arrayOf(accl, "units")), std::vector<std::string>{ "m/s\xc2\xb2" });
	EXPECT_EQ(strings(arrayOf(accl, "fields")), (std::vector<std::string>{ "z", "x", "y" }));
	EXPECT_DOUBLE_EQ(json_object_get_double_member(accl, "rate"), 200.5);
	EXPECT_FALSE(json_object_has_member(accl, "raw"));

	// One sample of one field: a scalar. Several samples: an array. Text: a string.
	EXPECT_DOUBLE_EQ(json_object_get_double_member(accl, "TMPC"), 25.5);
	EXPECT_EQ(doubles(arrayOf(accl, "SCAL")), (std::vector<double>{ 418, 418, 418 }));
	EXPECT_STREQ(json_object_get_string_member(accl, "ORIN"), "ZXY");
	EXPECT_EQ(json_object_get_int_member(accl, "TSMP"), 1234);
	EXPECT_EQ(json_array_get_length(arrayOf(accl, "XTRA")), 0u) << "no sample: []";
	// Already given as "name" and "units".
	EXPECT_FALSE(json_object_has_member(accl, "STNM"));
	EXPECT_FALSE(json_object_has_member(accl, "SIUN"));

	EXPECT_LT(r.pos("fourcc"), r.pos("units"));
	EXPECT_LT(r.pos("units"), r.pos("fields"));
	EXPECT_LT(r.pos("fields"), r.pos("rate"));
	EXPECT_LT(r.pos("rate"), r.pos("TMPC"));
	EXPECT_LT(r.pos("TMPC"), r.pos("SCAL"));
	EXPECT_LT(r.pos("TSMP"), r.pos("samples"));
}

TEST(PayloadRecord, SamplesAreArraysForSeveralFieldsAndScalarsForOne)
{
	Record r(payloadLine(accelPayload()));
	ASSERT_TRUE(r.ok());
	JsonArray *streams = arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams");

	JsonArray *accl = arrayOf(objectAt(streams, 0), "samples");
	ASSERT_EQ(json_array_get_length(accl), 2u);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(objectAt(accl, 0), "t"), 7.007);
	EXPECT_EQ(doubles(arrayOf(objectAt(accl, 0), "v")), (std::vector<double>{ 9.81, 0.1, -0.25 }));
	EXPECT_DOUBLE_EQ(json_object_get_double_member(objectAt(accl, 1), "t"), 7.012);
	EXPECT_EQ(doubles(arrayOf(objectAt(accl, 1), "v")), (std::vector<double>{ 9.79, 0.125, -0.5 }));
	EXPECT_FALSE(json_object_has_member(objectAt(accl, 0), "utc")) << "no utc outside GPS streams";

	JsonObject *shut = objectAt(streams, 1);
	EXPECT_FALSE(json_object_has_member(shut, "fields"));
	EXPECT_FALSE(json_object_has_member(shut, "rate")) << "rate 0 means unknown";
	JsonArray *samples = arrayOf(shut, "samples");
	ASSERT_EQ(json_array_get_length(samples), 2u);
	JsonNode *v = json_object_get_member(objectAt(samples, 1), "v");
	ASSERT_TRUE(JSON_NODE_HOLDS_VALUE(v));
	EXPECT_DOUBLE_EQ(json_node_get_double(v), 0.004);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(objectAt(samples, 1), "t"), 7.5);
}

TEST(PayloadRecord, NumbersSurviveTheTripExactly)
{
	Payload p = accelPayload();
	Stream &accl = p.devices[0].streams[0];
	accl.values = floats(3, { 1.0 / 3.0, 1e-7, -123456.789 });
	accl.times = { 1.0 / 7.0 };
	Record r(payloadLine(p));
	ASSERT_TRUE(r.ok());
	JsonObject *sample = objectAt(arrayOf(objectAt(arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams"), 0), "samples"), 0);
	EXPECT_EQ(doubles(arrayOf(sample, "v")), (std::vector<double>{ 1.0 / 3.0, 1e-7, -123456.789 }));
}

TEST(PayloadRecord, TimesAreWrittenToTheNanosecond)
{
	Payload p = accelPayload();
	p.pts = 1001.0 / 30000.0;
	p.duration = 1.0;
	p.devices[0].streams[0].times = { 1.0 / 7.0 };
	const std::string line = payloadLine(p);
	EXPECT_NE(line.find("\"pts\":0.033366667,\"duration\":1,"), std::string::npos) << line;
	EXPECT_NE(line.find("{\"t\":0.142857143,"), std::string::npos) << line;
}

TEST(PayloadRecord, SamplesCarryTheSensorPrecision)
{
	// What the decoder gives an int16 stream with SCAL 418, an unscaled float and a mix.
	Payload p = accelPayload();
	Stream &accl = p.devices[0].streams[0];
	accl.values = floats(3, { 4096.0 / 418.0, 0.1f, 1.0 / 3.0 });
	accl.precision = { 3, kPrecisionFloat, kPrecisionShortest };
	const std::string line = payloadLine(p);
	EXPECT_NE(line.find("\"v\":[9.799,0.1,0.3333333333333333]"), std::string::npos) << line;
}

TEST(PayloadRecord, MixedTextAndNumberFieldsKeepFieldOrder)
{
	Payload p;
	Device d;
	d.id = 1;
	Stream s;
	s.key = FourCC("GPSX");
	Values v;
	v.type = '?';
	v.setFields({ Field{ 'f', 4 }, Field{ 'c', 4 }, Field{ 'L', 4 } });
	v.sampleCount = 2;
	v.numbers = { 1.5, 10, 2.5, 20 };
	v.texts = { "abc", "d\"e" };
	s.values = v;
	s.times = { 0, 1 };
	s.raw = true;
	// A property of several samples of several fields: an array of arrays.
	s.sticky.push_back(property(FourCC("MTRX"), floats(2, { 1, 0, 0, 1 })));
	d.streams.push_back(s);
	p.devices.push_back(d);

	Record r(payloadLine(p));
	ASSERT_TRUE(r.ok());
	JsonObject *stream = objectAt(arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams"), 0);
	EXPECT_TRUE(json_object_get_boolean_member(stream, "raw"));
	JsonArray *mtrx = arrayOf(stream, "MTRX");
	ASSERT_EQ(json_array_get_length(mtrx), 2u);
	EXPECT_EQ(doubles(json_array_get_array_element(mtrx, 0)), (std::vector<double>{ 1, 0 }));
	EXPECT_EQ(doubles(json_array_get_array_element(mtrx, 1)), (std::vector<double>{ 0, 1 }));

	JsonArray *samples = arrayOf(stream, "samples");
	ASSERT_EQ(json_array_get_length(samples), 2u);
	JsonArray *second = arrayOf(objectAt(samples, 1), "v");
	ASSERT_EQ(json_array_get_length(second), 3u);
	EXPECT_EQ(json_array_get_double_element(second, 0), 2.5);
	EXPECT_STREQ(json_array_get_string_element(second, 1), "d\"e");
	EXPECT_EQ(json_array_get_int_element(second, 2), 20);
}

TEST(PayloadRecord, GroupedStreamSlotsHoldTheirItems)
{
	Payload p;
	Device d;
	d.id = 1;
	Stream face;
	face.key = FourCC("FACE");
	// Slot 0: two faces, slot 1: none, slot 2: one face; each face is (id, x, y).
	face.values = floats(3, { 1, 0.25, 0.5, 2, 0.75, 0.5, 1, 0.3, 0.6 });
	face.slotSizes = { 2, 0, 1 };
	face.times = { 0.0, 0.1, 0.2 };
	Stream scen;
	scen.key = FourCC("SCEN");
	// A grouped stream of one-field items: each slot is an array of scalars.
	scen.values = floats(1, { 0.9, 0.1, 0.8 });
	scen.slotSizes = { 2, 1 };
	scen.times = { 0.0, 0.5 };
	d.streams.push_back(face);
	d.streams.push_back(scen);
	p.devices.push_back(d);

	Record r(payloadLine(p));
	ASSERT_TRUE(r.ok());
	JsonArray *streams = arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams");
	JsonArray *slots = arrayOf(objectAt(streams, 0), "samples");
	ASSERT_EQ(json_array_get_length(slots), 3u);
	JsonArray *first = arrayOf(objectAt(slots, 0), "v");
	ASSERT_EQ(json_array_get_length(first), 2u);
	EXPECT_EQ(doubles(json_array_get_array_element(first, 0)), (std::vector<double>{ 1, 0.25, 0.5 }));
	EXPECT_EQ(doubles(json_array_get_array_element(first, 1)), (std::vector<double>{ 2, 0.75, 0.5 }));
	EXPECT_EQ(json_array_get_length(arrayOf(objectAt(slots, 1), "v")), 0u) << "an empty slot is []";
	EXPECT_DOUBLE_EQ(json_object_get_double_member(objectAt(slots, 1), "t"), 0.1);
	JsonArray *third = arrayOf(objectAt(slots, 2), "v");
	ASSERT_EQ(json_array_get_length(third), 1u);
	EXPECT_EQ(doubles(json_array_get_array_element(third, 0)), (std::vector<double>{ 1, 0.3, 0.6 }));

	JsonArray *scenes = arrayOf(objectAt(streams, 1), "samples");
	ASSERT_EQ(json_array_get_length(scenes), 2u);
	EXPECT_EQ(doubles(arrayOf(objectAt(scenes, 0), "v")), (std::vector<double>{ 0.9, 0.1 }));
	EXPECT_EQ(doubles(arrayOf(objectAt(scenes, 1), "v")), (std::vector<double>{ 0.8 }));
}

TEST(PayloadRecord, GroupedSlotsNeverReadPastTheValues)
{
	Payload p;
	Device d;
	Stream s;
	s.key = FourCC("HUES");
	s.values = floats(1, { 1, 2, 3 });
	s.slotSizes = { 2, 5 }; // promises 7 items, holds 3
	s.times = { 0, 1 };
	d.streams.push_back(s);
	p.devices.push_back(d);
	Record r(payloadLine(p));
	ASSERT_TRUE(r.ok());
	JsonArray *slots = arrayOf(objectAt(arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams"), 0), "samples");
	ASSERT_EQ(json_array_get_length(slots), 2u);
	EXPECT_EQ(doubles(arrayOf(objectAt(slots, 1), "v")), std::vector<double>{ 3 });
}

TEST(PayloadRecord, StreamWithoutSamplesKeepsAnEmptyList)
{
	Payload p = accelPayload();
	Stream empty;
	empty.key = FourCC("GYRO");
	empty.name = "Gyroscope";
	empty.values = floats(3, {}); // repeat 0
	p.devices[0].streams.push_back(empty);

	Record r(payloadLine(p));
	ASSERT_TRUE(r.ok());
	JsonArray *streams = arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams");
	ASSERT_EQ(json_array_get_length(streams), 3u);
	JsonObject *gyro = objectAt(streams, 2);
	EXPECT_STREQ(json_object_get_string_member(gyro, "fourcc"), "GYRO");
	EXPECT_EQ(json_array_get_length(arrayOf(gyro, "samples")), 0u);
}

TEST(PayloadRecord, SamplesWithoutTimesHaveNoT)
{
	Payload p = accelPayload();
	p.devices[0].streams[1].times.clear(); // decodePayload() gives no timing
	Record r(payloadLine(p));
	ASSERT_TRUE(r.ok());
	JsonArray *samples = arrayOf(objectAt(arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams"), 1), "samples");
	ASSERT_EQ(json_array_get_length(samples), 2u);
	EXPECT_FALSE(json_object_has_member(objectAt(samples, 0), "t"));
	EXPECT_DOUBLE_EQ(json_object_get_double_member(objectAt(samples, 0), "v"), 0.005);
}

TEST(PayloadRecord, UnknownPtsAndDurationAreNull)
{
	Payload p = accelPayload();
	p.pts = kNaN;
	p.duration = kNaN;
	Record r(payloadLine(p));
	ASSERT_TRUE(r.ok());
	EXPECT_TRUE(json_object_get_null_member(r.root(), "pts"));
	EXPECT_TRUE(json_object_get_null_member(r.root(), "duration"));
}

TEST(PayloadRecord, GpsSamplesCarryIsoUtcWhereKnown)
{
	Payload p;
	p.pts = 0;
	p.duration = 1;
	Device d;
	d.id = 1;
	Stream gps;
	gps.key = FourCC("GPS5");
	gps.fields = { "lat", "lon", "alt", "speed2d", "speed3d" };
	gps.values = floats(5, { 33.1, -117.3, 20.5, 1.5, 1.6,
				 33.2, -117.4, 20.0, 1.4, 1.5,
				 33.3, -117.5, 19.5, 1.3, 1.4,
				 33.4, -117.6, 19.0, 1.2, 1.3 });
	gps.times = { 0.0, 0.25, 0.5, 0.75 };
	gps.utc = { utcSeconds(2017, 4, 17, 17, 31, 3) + 0.055, kNaN, utcSeconds(2020, 2, 29, 23, 59, 59) + 0.999,
		    utcSeconds(1970, 1, 1, 0, 0, 0) };
	d.streams.push_back(gps);
	p.devices.push_back(d);

	Record r(payloadLine(p));
	ASSERT_TRUE(r.ok());
	JsonArray *samples = arrayOf(objectAt(arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams"), 0), "samples");
	ASSERT_EQ(json_array_get_length(samples), 4u);
	EXPECT_STREQ(json_object_get_string_member(objectAt(samples, 0), "utc"), "2017-04-17T17:31:03.055Z");
	EXPECT_FALSE(json_object_has_member(objectAt(samples, 1), "utc")) << "NaN: no utc member";
	EXPECT_STREQ(json_object_get_string_member(objectAt(samples, 2), "utc"), "2020-02-29T23:59:59.999Z");
	EXPECT_STREQ(json_object_get_string_member(objectAt(samples, 3), "utc"), "1970-01-01T00:00:00.000Z");
	EXPECT_LT(r.text().find("\"v\":[33.1"), r.text().find("\"utc\":\"2017"));
}

TEST(PayloadRecord, ShortUtcListOnlyCoversItsSlots)
{
	Payload p;
	Device d;
	Stream gps;
	gps.key = FourCC("GPS9");
	gps.values = floats(1, { 1, 2 });
	gps.times = { 0, 1 };
	gps.utc = { utcSeconds(2023, 12, 31, 23, 59, 59) + 0.9996 }; // rounds to the next millisecond
	d.streams.push_back(gps);
	p.devices.push_back(d);
	Record r(payloadLine(p));
	ASSERT_TRUE(r.ok());
	JsonArray *samples = arrayOf(objectAt(arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams"), 0), "samples");
	ASSERT_EQ(json_array_get_length(samples), 2u);
	EXPECT_STREQ(json_object_get_string_member(objectAt(samples, 0), "utc"), "2024-01-01T00:00:00.000Z");
	EXPECT_FALSE(json_object_has_member(objectAt(samples, 1), "utc"));
}

// With the camera's time zone, each "utc" is followed by "local": the same instant on the
// camera's clock, with its offset, across a day's (and a leap day's) edge; numeric and grouped
// stream writers alike.
TEST(PayloadRecord, LocalTimeFollowsEachUtcInTheCamerasZone)
{
	Payload p;
	Device d;
	Stream gps;
	gps.key = FourCC("GPS5");
	gps.values = floats(1, { 1, 2, 3 });
	gps.times = { 0, 0.5, 1 };
	gps.utc = { utcSeconds(2020, 2, 29, 23, 59, 59) + 0.999, kNaN, utcSeconds(2020, 3, 1, 3, 0, 0) };
	d.streams.push_back(gps);
	p.devices.push_back(d);

	std::string east, west;
	writePayloadRecord(east, p, {}, RecordTimes{ 330 });  // India, +05:30
	writePayloadRecord(west, p, {}, RecordTimes{ -420 }); // California in summer, -07:00
	Record e(east), w(west);
	ASSERT_TRUE(e.ok() && w.ok()) << east << west;
	auto samplesOf = [](Record &r) {
		return arrayOf(objectAt(arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams"), 0), "samples");
	};
	EXPECT_STREQ(json_object_get_string_member(objectAt(samplesOf(e), 0), "local"), "2020-03-01T05:29:59.999+05:30");
	EXPECT_FALSE(json_object_has_member(objectAt(samplesOf(e), 1), "local")) << "no utc, no local";
	EXPECT_STREQ(json_object_get_string_member(objectAt(samplesOf(w), 0), "local"), "2020-02-29T16:59:59.999-07:00");
	EXPECT_STREQ(json_object_get_string_member(objectAt(samplesOf(w), 2), "local"), "2020-02-29T20:00:00.000-07:00");
	EXPECT_LT(e.text().find("\"utc\""), e.text().find("\"local\""));

	std::string plain;
	writePayloadRecord(plain, p);
	EXPECT_EQ(plain.find("local"), std::string::npos) << "no zone: UTC only";

	Summary s;
	StreamSummary g;
	g.key = FourCC("GPS5");
	g.firstUtc = gps.utc[0];
	g.lastUtc = gps.utc[2];
	s.streams = { g };
	std::string summary;
	writeSummaryRecord(summary, s, RecordTimes{ -420 });
	Record r(summary);
	ASSERT_TRUE(r.ok()) << summary;
	JsonObject *stream = objectAt(arrayOf(r.root(), "streams"), 0);
	EXPECT_STREQ(json_object_get_string_member(stream, "first_local"), "2020-02-29T16:59:59.999-07:00");
	EXPECT_STREQ(json_object_get_string_member(stream, "last_local"), "2020-02-29T20:00:00.000-07:00");
	EXPECT_LT(r.pos("last_utc"), r.pos("last_local"));
}

// A payload over [0, 1) s with ACCL at 8 Hz and SHUT at 2 Hz; times are exact binary fractions.
Payload timedPayload()
{
	Payload p;
	p.index = 3;
	p.pts = 0;
	p.duration = 1;
	Device d;
	d.id = 1;
	d.name = "Camera";
	Stream accl;
	accl.key = FourCC("ACCL");
	std::vector<double> values;
	for (int i = 0; i < 8; i++) {
		accl.times.push_back(i * 0.125);
		values.insert(values.end(), { double(i), 0, 0 });
	}
	accl.values = floats(3, values);
	Stream shut;
	shut.key = FourCC("SHUT");
	shut.values = floats(1, { 0.01, 0.02 });
	shut.times = { 0, 0.5 };
	d.streams.push_back(accl);
	d.streams.push_back(shut);
	p.devices.push_back(d);
	return p;
}

TEST(PayloadRecord, WindowKeepsSlotsFromBeginUpToEnd)
{
	const Payload p = timedPayload();
	const RecordWindow window{ 0.25, 0.5, 1 };
	ASSERT_TRUE(windowHasSamples(p, window));
	Record r(payloadLine(p, window));
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(json_object_get_int_member(r.root(), "index"), 3);
	EXPECT_EQ(json_object_get_int_member(r.root(), "part"), 1);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(r.root(), "pts"), 0.25);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(r.root(), "duration"), 0.25);
	EXPECT_LT(r.pos("duration"), r.pos("part"));
	EXPECT_LT(r.pos("part"), r.pos("devices"));

	JsonArray *streams = arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams");
	ASSERT_EQ(json_array_get_length(streams), 1u) << "SHUT has no slot in [0.25, 0.5)";
	JsonArray *samples = arrayOf(objectAt(streams, 0), "samples");
	ASSERT_EQ(json_array_get_length(samples), 2u);
	EXPECT_EQ(json_object_get_double_member(objectAt(samples, 0), "t"), 0.25);
	EXPECT_EQ(json_object_get_double_member(objectAt(samples, 1), "t"), 0.375);
	EXPECT_EQ(json_array_get_double_element(arrayOf(objectAt(samples, 1), "v"), 0), 3);
}

TEST(PayloadRecord, WindowIsClippedToThePayload)
{
	const Payload p = timedPayload();
	const RecordWindow window{ 0.75, 2.0, 3 };
	Record r(payloadLine(p, window));
	ASSERT_TRUE(r.ok());
	EXPECT_DOUBLE_EQ(json_object_get_double_member(r.root(), "pts"), 0.75);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(r.root(), "duration"), 0.25);
	JsonArray *samples = arrayOf(objectAt(arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams"), 0), "samples");
	EXPECT_EQ(json_array_get_length(samples), 2u);

	const RecordWindow before{ -1.0, 0.125, 0 };
	Record first(payloadLine(p, before));
	ASSERT_TRUE(first.ok());
	EXPECT_DOUBLE_EQ(json_object_get_double_member(first.root(), "pts"), 0);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(first.root(), "duration"), 0.125);
	EXPECT_EQ(json_array_get_length(arrayOf(objectAt(arrayOf(first.root(), "devices"), 0), "streams")), 2u)
		<< "both streams have a slot at t = 0";
}

TEST(PayloadRecord, WindowsTileThePayloadWithoutLosingSlots)
{
	const Payload p = timedPayload();
	guint total = 0;
	for (int part = 0; part < 4; part++) {
		const RecordWindow window{ part * 0.25, (part + 1) * 0.25, part };
		Record r(payloadLine(p, window));
		ASSERT_TRUE(r.ok());
		JsonArray *streams = arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams");
		for (guint i = 0; i < json_array_get_length(streams); i++)
			total += json_array_get_length(arrayOf(objectAt(streams, i), "samples"));
	}
	EXPECT_EQ(total, 8u + 2u);
}

TEST(PayloadRecord, EmptyWindowHasNoSamples)
{
	const Payload p = timedPayload();
	EXPECT_FALSE(windowHasSamples(p, RecordWindow{ 1.0, 2.0, 4 }));
	EXPECT_FALSE(windowHasSamples(p, RecordWindow{ 0.9, 0.95, 2 }));
	EXPECT_TRUE(windowHasSamples(p, RecordWindow{}));
	EXPECT_TRUE(windowHasSamples(p, RecordWindow{ 0.5, 0.5000001, 0 }));

	Payload untimed = timedPayload();
	for (Stream &s : untimed.devices[0].streams)
		s.times.clear();
	EXPECT_TRUE(windowHasSamples(untimed, RecordWindow{})) << "no bounds: every slot counts";
	EXPECT_FALSE(windowHasSamples(untimed, RecordWindow{ 0, 1, 0 })) << "a slot without time is in no window";

	Payload nothing;
	EXPECT_FALSE(windowHasSamples(nothing, RecordWindow{}));
}

TEST(PayloadRecord, BoundedWholeRecordKeepsEveryStream)
{
	const Payload p = timedPayload();
	Record r(payloadLine(p, RecordWindow{ 0.25, 0.5, -1 }));
	ASSERT_TRUE(r.ok());
	EXPECT_FALSE(json_object_has_member(r.root(), "part"));
	EXPECT_DOUBLE_EQ(json_object_get_double_member(r.root(), "pts"), 0) << "a whole record keeps the payload's times";
	JsonArray *streams = arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams");
	ASSERT_EQ(json_array_get_length(streams), 2u);
	EXPECT_EQ(json_array_get_length(arrayOf(objectAt(streams, 0), "samples")), 2u);
	EXPECT_EQ(json_array_get_length(arrayOf(objectAt(streams, 1), "samples")), 0u);
}

TEST(PayloadRecord, WindowOverUnknownPtsUsesTheWindowBounds)
{
	Payload p = timedPayload();
	p.pts = kNaN;
	p.duration = kNaN;
	Record r(payloadLine(p, RecordWindow{ 0.5, 0.75, 2 }));
	ASSERT_TRUE(r.ok());
	EXPECT_DOUBLE_EQ(json_object_get_double_member(r.root(), "pts"), 0.5);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(r.root(), "duration"), 0.25);

	Record open(payloadLine(p, RecordWindow{ 0.5, kInf, 2 }));
	ASSERT_TRUE(open.ok());
	EXPECT_DOUBLE_EQ(json_object_get_double_member(open.root(), "pts"), 0.5);
	EXPECT_TRUE(json_object_get_null_member(open.root(), "duration"));
}

TEST(PayloadRecord, DiagnosticsAndUnsupportedPaths)
{
	Payload p = accelPayload();
	const Diagnostic diag{ Errc::Truncated, 120, "DEVC/STRM/ACCL", "needs 600 bytes, 20 left" };
	p.diagnostics.push_back(diag);
	p.unsupported.push_back("DEVC/STRM/CORI");
	Record r(payloadLine(p));
	ASSERT_TRUE(r.ok());
	JsonArray *diagnostics = arrayOf(r.root(), "diagnostics");
	ASSERT_EQ(json_array_get_length(diagnostics), 1u);
	JsonObject *d = objectAt(diagnostics, 0);
	EXPECT_STREQ(json_object_get_string_member(d, "code"), "truncated");
	EXPECT_EQ(json_object_get_int_member(d, "offset"), 120);
	EXPECT_STREQ(json_object_get_string_member(d, "path"), "DEVC/STRM/ACCL");
	EXPECT_EQ(json_object_get_string_member(d, "message"), diag.message());
	EXPECT_EQ(strings(arrayOf(r.root(), "unsupported")), std::vector<std::string>{ "DEVC/STRM/CORI" });
	EXPECT_LT(r.pos("devices"), r.pos("diagnostics"));
	EXPECT_LT(r.pos("diagnostics"), r.pos("unsupported"));
}

TEST(PayloadRecord, RepeatedStickyKeyIsWrittenOnceWithItsLastValue)
{
	Payload p = accelPayload();
	p.devices[0].streams[0].sticky.push_back(property(FourCC("TMPC"), floats(1, { 26.0 })));
	const std::string line = payloadLine(p);
	Record r(line);
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(line.find("\"TMPC\":"), line.rfind("\"TMPC\":"));
	JsonObject *accl = objectAt(arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams"), 0);
	EXPECT_EQ(json_object_get_double_member(accl, "TMPC"), 26.0);
}

TEST(PayloadRecord, RepeatedStickyKeyAmongManyIsWrittenOnceWithItsLastValue)
{
	// Over 64 properties the writer finds the superseded ones another way (a hash set, not a
	// bit mask): the rule must not change.
	Payload p = accelPayload();
	auto &sticky = p.devices[0].streams[0].sticky;
	for (int i = 0; i < 100; i++) {
		const char key[5] = {'K', char('A' + i / 26 % 26), char('A' + i % 26), '0', 0};
		sticky.push_back(property(FourCC(key), floats(1, { double(i) })));
	}
	sticky.push_back(property(FourCC("TMPC"), floats(1, { 26.0 })));
	ASSERT_GT(sticky.size(), 64u);
	const std::string line = payloadLine(p);
	Record r(line);
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(line.find("\"TMPC\":"), line.rfind("\"TMPC\":"));
	JsonObject *accl = objectAt(arrayOf(objectAt(arrayOf(r.root(), "devices"), 0), "streams"), 0);
	EXPECT_EQ(json_object_get_double_member(accl, "TMPC"), 26.0);
	EXPECT_EQ(json_object_get_double_member(accl, "KAA0"), 0.0);
	EXPECT_EQ(json_object_get_double_member(accl, "KDV0"), 99.0);
}

TEST(PayloadRecord, TextIsEscapedAndInvalidUtf8Replaced)
{
	Payload p = accelPayload();
	p.devices[0].name = "Cam \"1\"\n";
	p.devices[0].streams[0].units = { "\xb0""C" }; // raw Latin-1 degree: not UTF-8
	Record r(payloadLine(p));
	ASSERT_TRUE(r.ok());
	JsonObject *dev = objectAt(arrayOf(r.root(), "devices"), 0);
	EXPECT_STREQ(json_object_get_string_member(dev, "name"), "Cam \"1\"\n");
	EXPECT_EQ(strings(arrayOf(objectAt(arrayOf(dev, "streams"), 0), "units")),
		  std::vector<std::string>{ "\xef\xbf\xbd""C" });
}

// A stream of one field whose value at time t is 10 t.
Stream streamAt(const char (&key)[5], std::vector<double> times)
{
	Stream s;
	s.key = FourCC(key);
	s.name = std::string(key) + " stream";
	s.units = { "u" };
	std::vector<double> values;
	for (double t : times)
		values.push_back(10 * t);
	s.values = floats(1, values);
	s.times = std::move(times);
	return s;
}

Device deviceWith(std::uint32_t id, const char *name, std::vector<Stream> streams)
{
	Device d;
	d.id = id;
	d.name = name;
	d.properties = { property(FourCC("TICK"), floats(1, { double(id) })) };
	d.streams = std::move(streams);
	return d;
}

// A video frame across two payloads gets one record: the one of the payload that merges them,
// devices and streams in the order they first come, each stream's samples from both.
TEST(PayloadRecordWriter, MergedRecordIsTheRecordOfTheMergedPayload)
{
	Payload a;
	a.index = 4;
	a.pts = 0;
	a.duration = 1;
	a.devices = { deviceWith(1, "Camera", { streamAt("ACCL", { 0.6, 0.7, 0.8, 0.9 }), streamAt("TMPC", { 0.5 }) }),
		      deviceWith(2, "Karma", { streamAt("SYST", { 0.95 }) }) };
	a.diagnostics = { Diagnostic{ Errc::Truncated, 12, "DEVC/STRM/ACCL", "" } };
	a.unsupported = { "DEVC/STRM/CORI" };
	Payload b;
	b.index = 5;
	b.pts = 1;
	b.duration = 1;
	b.devices = { deviceWith(1, "Camera", { streamAt("ACCL", { 1.0, 1.1, 1.2 }), streamAt("GYRO", { 1.05 }) }),
		      deviceWith(3, "BLE", { streamAt("HR  ", { 1.02, 1.5 }) }) };

	Payload merged;
	merged.index = 4;
	merged.pts = 0;
	merged.duration = 2;
	merged.devices = { deviceWith(1, "Camera", { streamAt("ACCL", { 0.9, 1.0 }), streamAt("GYRO", { 1.05 }) }),
			   deviceWith(2, "Karma", { streamAt("SYST", { 0.95 }) }),
			   deviceWith(3, "BLE", { streamAt("HR  ", { 1.02 }) }) };
	merged.diagnostics = a.diagnostics;
	merged.unsupported = a.unsupported;

	const RecordWindow frame{ 0.85, 1.08, 7 };
	std::string expected;
	writePayloadRecord(expected, merged, frame);
	PayloadRecordWriter first, second;
	first.reset(a);
	second.reset(b);
	PayloadRecordWriter *parts[] = { &first, &second };
	std::string got = "kept,";
	ASSERT_TRUE(PayloadRecordWriter::writeMerged(got, a, 0, 2, parts, frame));
	EXPECT_EQ(got, "kept," + expected);
	Record r(expected);
	EXPECT_TRUE(r.ok());

	// Samples laid out otherwise in the second payload (three fields): not merged here.
	b.devices[0].streams[0].values = floats(3, { 1, 2, 3, 4, 5, 6, 7, 8, 9 });
	second.reset(b);
	std::string none;
	EXPECT_FALSE(PayloadRecordWriter::writeMerged(none, a, 0, 2, parts, frame));
	EXPECT_TRUE(none.empty());
}

// One writer serves payload after payload (it keeps the streams' names from the last one):
// a stream renamed, or given other units or fields, is written as it is now.
TEST(PayloadRecordWriter, NamesFollowEachPayload)
{
	Payload p;
	p.devices = { deviceWith(1, "Camera", { streamAt("ACCL", { 0.1 }), streamAt("GYRO", { 0.2 }) }) };
	PayloadRecordWriter writer;
	auto expectSameRecord = [&writer](const Payload &payload) {
		std::string expected, got;
		writePayloadRecord(expected, payload);
		writer.reset(payload);
		writer.write(got, {});
		EXPECT_EQ(got, expected);
	};
	expectSameRecord(p);
	p.devices[0].streams[0].name = "Accelerometer";
	expectSameRecord(p);
	p.devices[0].streams[1].units = { "rad/s" };
	expectSameRecord(p);
	p.devices[0].streams[1].fields = { "x", "y", "z" };
	expectSameRecord(p);
	std::swap(p.devices[0].streams[0], p.devices[0].streams[1]);
	expectSameRecord(p);
	p.devices[0].streams.pop_back();
	expectSameRecord(p);
}

// The streams' metadata KLVs are kept from one payload to the next too, each copied when it is
// what it was: a KLV whose value moves (TSMP), one added, removed, repeated (the last wins),
// moved to another place, or holding a NaN (never equal to itself), is written as it is now.
TEST(PayloadRecordWriter, MetadataFollowsEachPayload)
{
	Payload p;
	p.devices = { deviceWith(1, "Camera", { streamAt("ACCL", { 0.1 }), streamAt("GYRO", { 0.2 }) }) };
	auto &sticky = p.devices[0].streams[0].sticky;
	sticky = { property(FourCC("STNM"), text("Accelerometer")), property(FourCC("SCAL"), floats(1, { 418 })),
		   property(FourCC("TSMP"), floats(1, { 200 })), property(FourCC("ORIN"), text("ZXY")) };
	PayloadRecordWriter writer;
	auto expectSameRecord = [&writer](const Payload &payload, const char *what) {
		std::string expected, got;
		writePayloadRecord(expected, payload);
		writer.reset(payload);
		writer.write(got, {});
		EXPECT_EQ(got, expected) << what;
	};
	expectSameRecord(p, "first");
	expectSameRecord(p, "the same again");
	sticky[2] = property(FourCC("TSMP"), floats(1, { 400 }));
	expectSameRecord(p, "TSMP moved");
	sticky.push_back(property(FourCC("TMPC"), floats(1, { 41.5 })));
	expectSameRecord(p, "TMPC added");
	sticky.push_back(property(FourCC("SCAL"), floats(1, { 100 })));
	expectSameRecord(p, "SCAL again, later");
	std::swap(sticky[1], sticky[3]);
	expectSameRecord(p, "two swapped");
	sticky[4] = property(FourCC("TMPC"), floats(1, { std::nan("") }));
	expectSameRecord(p, "a NaN");
	expectSameRecord(p, "the NaN again");
	sticky.erase(sticky.begin() + 1, sticky.begin() + 3);
	expectSameRecord(p, "two removed");
	std::swap(p.devices[0].streams[0], p.devices[0].streams[1]);
	expectSameRecord(p, "streams swapped");
	sticky.clear();
	expectSameRecord(p, "none left");
}

TEST(PayloadRecord, RecordsAppendToTheBuffer)
{
	std::string out;
	writePayloadRecord(out, accelPayload());
	const std::size_t first = out.size();
	writePayloadRecord(out, timedPayload());
	ASSERT_GT(out.size(), first);
	EXPECT_EQ(out[first - 1], '\n');
	Record a(out.substr(0, first));
	Record b(out.substr(first));
	ASSERT_TRUE(a.ok() && b.ok());
	EXPECT_EQ(json_object_get_int_member(a.root(), "index"), 7);
	EXPECT_EQ(json_object_get_int_member(b.root(), "index"), 3);
}

Header sampleHeader()
{
	Header h;
	h.camera = "HERO7 Black";
	h.firmware = "HD7.01.01.90.00";
	h.serial = "C3261325101234";
	h.mediaUid = "0123456789abcdef0123456789abcdef";
	h.atoms = { { "SETT", "1080p60" }, { "AMBA", "mode 2" } };

	HiLight manual;
	manual.time = 12.345;
	HiLight automatic;
	automatic.time = 30.5;
	automatic.in = 28.0;
	automatic.out = 33.0;
	automatic.lat = 46.5;
	automatic.lon = 6.6;
	automatic.alt = 372;
	automatic.kind = "AIMU";
	automatic.confidence = 0.75;
	automatic.score = 12;
	h.hilights = { manual, automatic };

	Device settings;
	settings.id = 1;
	settings.name = "Camera";
	settings.properties.push_back(property(FourCC("FMWR"), text("HD7.01.01.90.00")));
	Stream lens;
	lens.key = FourCC("ZFOV");
	lens.name = "Lens FOV";
	lens.units = { "deg" };
	lens.values = floats(1, { 118.2 });
	settings.streams.push_back(lens);
	h.settings.push_back(settings);

	h.diagnostics.push_back(Diagnostic{ Errc::BadKey, 8, "GPMF", "" });
	return h;
}

TEST(HeaderRecord, CameraFieldsOnlyWhenKnown)
{
	std::string line;
	writeHeaderRecord(line, sampleHeader());
	Record r(line);
	ASSERT_TRUE(r.ok());
	EXPECT_STREQ(json_object_get_string_member(r.root(), "type"), "header");
	EXPECT_STREQ(json_object_get_string_member(r.root(), "camera"), "HERO7 Black");
	EXPECT_STREQ(json_object_get_string_member(r.root(), "firmware"), "HD7.01.01.90.00");
	EXPECT_STREQ(json_object_get_string_member(r.root(), "serial"), "C3261325101234");
	EXPECT_STREQ(json_object_get_string_member(r.root(), "media_uid"), "0123456789abcdef0123456789abcdef");
	EXPECT_FALSE(json_object_has_member(r.root(), "lens")) << "empty lens is left out";
	EXPECT_LT(r.pos("type"), r.pos("camera"));
	EXPECT_LT(r.pos("serial"), r.pos("media_uid"));
	EXPECT_LT(r.pos("media_uid"), r.pos("hilights"));
	EXPECT_LT(r.pos("hilights"), r.pos("settings"));
	EXPECT_LT(r.pos("settings"), r.pos("atoms"));
	EXPECT_LT(r.pos("atoms"), r.pos("diagnostics"));
}

TEST(HeaderRecord, HiLightsWithOptionalMembers)
{
	std::string line;
	writeHeaderRecord(line, sampleHeader());
	Record r(line);
	ASSERT_TRUE(r.ok());
	JsonArray *hilights = arrayOf(r.root(), "hilights");
	ASSERT_EQ(json_array_get_length(hilights), 2u);

	JsonObject *manual = objectAt(hilights, 0);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(manual, "t"), 12.345);
	for (const char *absent : { "in", "out", "lat", "lon", "alt", "kind", "confidence", "score" })
		EXPECT_FALSE(json_object_has_member(manual, absent)) << absent;

	JsonObject *automatic = objectAt(hilights, 1);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(automatic, "t"), 30.5);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(automatic, "in"), 28.0);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(automatic, "out"), 33.0);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(automatic, "lat"), 46.5);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(automatic, "lon"), 6.6);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(automatic, "alt"), 372);
	EXPECT_STREQ(json_object_get_string_member(automatic, "kind"), "AIMU");
	EXPECT_DOUBLE_EQ(json_object_get_double_member(automatic, "confidence"), 0.75);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(automatic, "score"), 12);
}

TEST(HeaderRecord, SettingsAtomsAndDiagnostics)
{
	std::string line;
	writeHeaderRecord(line, sampleHeader());
	Record r(line);
	ASSERT_TRUE(r.ok());
	JsonArray *settings = arrayOf(r.root(), "settings");
	ASSERT_EQ(json_array_get_length(settings), 1u);
	JsonObject *dev = objectAt(settings, 0);
	EXPECT_EQ(json_object_get_int_member(dev, "id"), 1);
	EXPECT_STREQ(json_object_get_string_member(dev, "FMWR"), "HD7.01.01.90.00");
	JsonObject *lens = objectAt(arrayOf(dev, "streams"), 0);
	EXPECT_STREQ(json_object_get_string_member(lens, "fourcc"), "ZFOV");
	JsonArray *samples = arrayOf(lens, "samples");
	ASSERT_EQ(json_array_get_length(samples), 1u);
	EXPECT_FALSE(json_object_has_member(objectAt(samples, 0), "t")) << "settings have no times";
	EXPECT_DOUBLE_EQ(json_object_get_double_member(objectAt(samples, 0), "v"), 118.2);

	// Each documented key named once, streams' keys first, then the device's.
	JsonObject *names = json_object_get_object_member(r.root(), "setting_names");
	ASSERT_NE(names, nullptr);
	EXPECT_STREQ(json_object_get_string_member(names, "ZFOV"), "Diagonal field of view (degrees)");
	EXPECT_STREQ(json_object_get_string_member(names, "FMWR"), "Firmware version");
	EXPECT_LT(r.text().find("\"ZFOV\":\"Diagonal"), r.text().find("\"FMWR\":\"Firmware"));

	JsonObject *atoms = json_object_get_object_member(r.root(), "atoms");
	EXPECT_STREQ(json_object_get_string_member(atoms, "SETT"), "1080p60");
	EXPECT_STREQ(json_object_get_string_member(atoms, "AMBA"), "mode 2");

	JsonObject *diag = objectAt(arrayOf(r.root(), "diagnostics"), 0);
	EXPECT_STREQ(json_object_get_string_member(diag, "code"), "bad_key");
	EXPECT_EQ(json_object_get_int_member(diag, "offset"), 8);
}

TEST(HeaderRecord, EmptyHeaderStillHasItsLists)
{
	std::string line;
	writeHeaderRecord(line, Header{});
	Record r(line);
	ASSERT_TRUE(r.ok());
	EXPECT_STREQ(json_object_get_string_member(r.root(), "type"), "header");
	EXPECT_FALSE(json_object_has_member(r.root(), "camera"));
	EXPECT_EQ(json_array_get_length(arrayOf(r.root(), "hilights")), 0u);
	EXPECT_EQ(json_array_get_length(arrayOf(r.root(), "settings")), 0u);
	EXPECT_EQ(json_object_get_size(json_object_get_object_member(r.root(), "setting_names")), 0u);
	EXPECT_EQ(json_object_get_size(json_object_get_object_member(r.root(), "atoms")), 0u);
	EXPECT_FALSE(json_object_has_member(r.root(), "diagnostics"));
}

TEST(SummaryRecord, CountsAndStreams)
{
	Summary s;
	s.payloads = 120;
	s.corruptPayloads = 2;
	StreamSummary accl;
	accl.device = "1";
	accl.deviceName = "Camera";
	accl.key = FourCC("ACCL");
	accl.name = "Accelerometer";
	accl.samples = 23760;
	accl.rate = 199.997;
	accl.firstTime = 0;
	accl.lastTime = 119.995;
	accl.firstUtc = kNaN;
	accl.lastUtc = kNaN;
	StreamSummary gps = accl;
	gps.key = FourCC("GPS5");
	gps.name = "GPS (Lat., Long., Alt., 2D speed, 3D speed)";
	gps.samples = 2160;
	gps.rate = 0;
	gps.firstUtc = utcSeconds(2017, 4, 17, 17, 31, 3) + 0.055;
	gps.lastUtc = utcSeconds(2017, 4, 17, 17, 33, 2) + 0.5;
	s.streams = { accl, gps };

	std::string line;
	writeSummaryRecord(line, s);
	Record r(line);
	ASSERT_TRUE(r.ok());
	EXPECT_STREQ(json_object_get_string_member(r.root(), "type"), "summary");
	EXPECT_EQ(json_object_get_int_member(r.root(), "payloads"), 120);
	EXPECT_EQ(json_object_get_int_member(r.root(), "corrupt_payloads"), 2);
	JsonArray *streams = arrayOf(r.root(), "streams");
	ASSERT_EQ(json_array_get_length(streams), 2u);

	JsonObject *a = objectAt(streams, 0);
	EXPECT_STREQ(json_object_get_string_member(a, "device"), "1");
	EXPECT_STREQ(json_object_get_string_member(a, "device_name"), "Camera");
	EXPECT_STREQ(json_object_get_string_member(a, "fourcc"), "ACCL");
	EXPECT_STREQ(json_object_get_string_member(a, "name"), "Accelerometer");
	EXPECT_EQ(json_object_get_int_member(a, "samples"), 23760);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(a, "rate"), 199.997);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(a, "first"), 0);
	EXPECT_DOUBLE_EQ(json_object_get_double_member(a, "last"), 119.995);
	EXPECT_FALSE(json_object_has_member(a, "first_utc"));
	EXPECT_FALSE(json_object_has_member(a, "last_utc"));

	JsonObject *g = objectAt(streams, 1);
	EXPECT_FALSE(json_object_has_member(g, "rate"));
	EXPECT_STREQ(json_object_get_string_member(g, "first_utc"), "2017-04-17T17:31:03.055Z");
	EXPECT_STREQ(json_object_get_string_member(g, "last_utc"), "2017-04-17T17:33:02.500Z");
	EXPECT_LT(r.pos("payloads"), r.pos("corrupt_payloads"));
	EXPECT_LT(r.pos("corrupt_payloads"), r.pos("streams"));
}

TEST(SummaryRecord, UtcOutsideIsoRangeIsLeftOut)
{
	Summary s;
	StreamSummary st;
	st.device = "1";
	st.key = FourCC("GPS5");
	st.firstUtc = 1e300;
	st.lastUtc = -kInf;
	s.streams = { st };
	std::string line;
	writeSummaryRecord(line, s);
	Record r(line);
	ASSERT_TRUE(r.ok());
	JsonObject *g = objectAt(arrayOf(r.root(), "streams"), 0);
	EXPECT_FALSE(json_object_has_member(g, "first_utc"));
	EXPECT_FALSE(json_object_has_member(g, "last_utc"));
}

} // namespace
