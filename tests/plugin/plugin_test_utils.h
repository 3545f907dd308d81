// SPDX-License-Identifier: GPL-2.0-or-later
// Copyright (C) 2025 The gst-gpmf authors
// Helpers shared by the plugin tests: GPMF payloads built with KlvWriter, MP4 atoms, buffers, JSON.
#pragma once

#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gtest/gtest.h>
#include <json-glib/json-glib.h>

#include "gpmf/klv_writer.h"

namespace gpmf::test
{

/// What a hand-made camera payload holds. Numbers are in real units; the writer scales them.
struct PayloadSpec {
	std::uint32_t dvid = 1;
	std::string name = "Camera";
	int accl = 200;	      ///< ACCL samples (0: no ACCL stream)
	int gps = 18;	      ///< GPS5 samples (0: no GPS5 stream)
	int gpsFix = 3;	      ///< GPSF
	int gpsDopX100 = 150; ///< GPSP (DOP × 100)
	double lat = 47.5, lon = 8.25, alt = 410.0, speed2d = 3.5, speed3d = 3.6;
	std::uint64_t tsmp = 0;		   ///< TSMP of ACCL; 0: number of samples so far is not given
	std::optional<std::uint64_t> stmp; ///< STMP (µs) of each stream
};

/// A DEVC as a GoPro camera writes it: DVID, DVNM, STRM{ACCL}, STRM{GPS5 with GPSF/GPSP}.
inline void writeDevice(KlvWriter &w, const PayloadSpec &spec)
{
	w.begin(FourCC("DEVC"));
	w.integers(FourCC("DVID"), 'L', {std::int64_t(spec.dvid)});
	w.string(FourCC("DVNM"), spec.name);
	if (spec.accl > 0) {
		w.begin(FourCC("STRM"));
		if (spec.stmp)
			w.integers(FourCC("STMP"), 'J', {std::int64_t(*spec.stmp)});
		if (spec.tsmp)
			w.integers(FourCC("TSMP"), 'L', {std::int64_t(spec.tsmp)});
		w.string(FourCC("STNM"), "Accelerometer");
		w.string(FourCC("SIUN"), "m/s\xb2");
		w.integers(FourCC("SCAL"), 's', {100});
		std::vector<std::int64_t> values;
		for (int i = 0; i < spec.accl; i++) {
			values.push_back(981);
			values.push_back(i % 100);
			values.push_back(-50);
		}
		w.integers(FourCC("ACCL"), 's', values, 3);
		w.end();
	}
	if (spec.gps > 0) {
		w.begin(FourCC("STRM"));
		if (spec.stmp)
			w.integers(FourCC("STMP"), 'J', {std::int64_t(*spec.stmp)});
		w.integers(FourCC("GPSF"), 'L', {spec.gpsFix});
		w.integers(FourCC("GPSP"), 'S', {spec.gpsDopX100});
		w.string(FourCC("STNM"), "GPS (Lat., Long., Alt., 2D speed, 3D speed)");
		w.integers(FourCC("SCAL"), 'l', {10000000, 10000000, 1000, 1000, 100}, 1);
		std::vector<std::int64_t> values;
		for (int i = 0; i < spec.gps; i++) {
			values.push_back(std::llround(spec.lat * 1e7));
			values.push_back(std::llround(spec.lon * 1e7));
			values.push_back(std::llround(spec.alt * 1000));
			values.push_back(std::llround(spec.speed2d * 1000));
			values.push_back(std::llround(spec.speed3d * 100));
		}
		w.integers(FourCC("GPS5"), 'l', values, 5);
		w.end();
	}
	w.end();
}

inline std::vector<std::uint8_t> makePayload(const PayloadSpec &spec = {})
{
	KlvWriter w;
	writeDevice(w, spec);
	return w.take();
}

/// Camera and a second device ("Sensor", DVID 2, GPS only) in one payload, like Karma files.
inline std::vector<std::uint8_t> makeTwoDevicePayload()
{
	KlvWriter w;
	writeDevice(w, PayloadSpec{});
	PayloadSpec sensor;
	sensor.dvid = 2;
	sensor.name = "Sensor";
	sensor.accl = 0;
	sensor.gps = 5;
	sensor.lat = -33.75;
	writeDevice(w, sensor);
	return w.take();
}

/// A whole MP4 atom (size, type, body) as qtdemux puts it into a private-qt-tag sample.
inline std::vector<std::uint8_t> makeAtom(const char (&type)[5], const std::vector<std::uint8_t> &body)
{
	std::vector<std::uint8_t> atom;
	appendBe(atom, 8 + body.size(), 4);
	atom.insert(atom.end(), type, type + 4);
	atom.insert(atom.end(), body.begin(), body.end());
	return atom;
}

inline std::vector<std::uint8_t> textBody(const std::string &text)
{
	return std::vector<std::uint8_t>(text.begin(), text.end());
}

/// HMMT: a count, then one millisecond time per manual HiLight.
inline std::vector<std::uint8_t> hmmtBody(const std::vector<std::uint32_t> &ms)
{
	std::vector<std::uint8_t> body;
	appendBe(body, ms.size(), 4);
	for (std::uint32_t t : ms)
		appendBe(body, t, 4);
	return body;
}

inline GstBuffer *makeBuffer(const std::vector<std::uint8_t> &bytes, GstClockTime pts = GST_CLOCK_TIME_NONE,
			     GstClockTime duration = GST_CLOCK_TIME_NONE)
{
	GstBuffer *buffer =
	    bytes.empty() ? gst_buffer_new() : gst_buffer_new_memdup(bytes.data(), bytes.size());
	GST_BUFFER_PTS(buffer) = pts;
	GST_BUFFER_DURATION(buffer) = duration;
	return buffer;
}

inline std::string bufferText(GstBuffer *buffer)
{
	GstMapInfo info;
	if (!gst_buffer_map(buffer, &info, GST_MAP_READ))
		return {};
	std::string text(reinterpret_cast<const char *>(info.data), info.size);
	gst_buffer_unmap(buffer, &info);
	return text;
}

/// A parsed JSON document (json-glib), for comparing values rather than bytes.
class Json
{
public:
	explicit Json(const std::string &text)
	{
		GError *error = nullptr;
		root_ = json_from_string(text.c_str(), &error);
		if (error) {
			error_ = error->message;
			g_error_free(error);
		}
	}
	~Json()
	{
		if (root_)
			json_node_unref(root_);
	}
	Json(const Json &) = delete;
	Json &operator=(const Json &) = delete;
	Json(Json &&other) noexcept : root_(other.root_), error_(std::move(other.error_))
	{
		other.root_ = nullptr;
	}

	bool ok() const { return root_ && JSON_NODE_HOLDS_OBJECT(root_); }
	const std::string &error() const { return error_; }
	JsonNode *root() const { return root_; }
	JsonObject *object() const { return ok() ? json_node_get_object(root_) : nullptr; }

	std::string string(const char *member) const
	{
		JsonObject *o = object();
		return o && json_object_has_member(o, member) ? json_object_get_string_member(o, member) : "";
	}
	double number(const char *member) const
	{
		JsonObject *o = object();
		return o && json_object_has_member(o, member) ? json_object_get_double_member(o, member)
							      : NAN;
	}
	bool has(const char *member) const
	{
		JsonObject *o = object();
		return o && json_object_has_member(o, member);
	}
	bool operator==(const Json &other) const
	{
		return root_ && other.root_ && json_node_equal(root_, other.root_);
	}

private:
	JsonNode *root_ = nullptr;
	std::string error_;
};

/// Every stream of a payload record, as (device object, stream object) pairs.
struct StreamRef {
	JsonObject *device;
	JsonObject *stream;
};
inline std::vector<StreamRef> streamsOf(const Json &record)
{
	std::vector<StreamRef> out;
	JsonObject *o = record.object();
	if (!o || !json_object_has_member(o, "devices"))
		return out;
	JsonArray *devices = json_object_get_array_member(o, "devices");
	for (guint d = 0; d < json_array_get_length(devices); d++) {
		JsonObject *device = json_array_get_object_element(devices, d);
		JsonArray *streams = json_object_get_array_member(device, "streams");
		for (guint s = 0; s < json_array_get_length(streams); s++)
			out.push_back(StreamRef{device, json_array_get_object_element(streams, s)});
	}
	return out;
}

inline std::string fourccOf(const StreamRef &ref)
{
	return json_object_get_string_member(ref.stream, "fourcc");
}

inline JsonArray *samplesOf(const StreamRef &ref)
{
	return json_object_get_array_member(ref.stream, "samples");
}

/// The "t" of every sample of every stream in a payload record.
inline std::vector<double> sampleTimes(const Json &record)
{
	std::vector<double> times;
	for (const StreamRef &ref : streamsOf(record)) {
		JsonArray *samples = samplesOf(ref);
		for (guint i = 0; i < json_array_get_length(samples); i++) {
			JsonObject *sample = json_array_get_object_element(samples, i);
			if (json_object_has_member(sample, "t"))
				times.push_back(json_object_get_double_member(sample, "t"));
		}
	}
	return times;
}

inline std::size_t sampleCount(const Json &record)
{
	std::size_t n = 0;
	for (const StreamRef &ref : streamsOf(record))
		n += json_array_get_length(samplesOf(ref));
	return n;
}

inline double seconds(GstClockTime t)
{
	return double(t) / double(GST_SECOND);
}

/// True when GStreamer can make `name` (a system element such as qtdemux may be missing).
inline bool haveElement(const char *name)
{
	GstElementFactory *factory = gst_element_factory_find(name);
	if (!factory)
		return false;
	gst_object_unref(factory);
	return true;
}

/// gpmfparse in a GstHarness, its record writers as GPMF_TEST_THREADS says (meson runs the
/// harness suites with 1 and 3). A test that needs a setting passes it: `threads` is read when
/// the element starts, before the harness returns.
inline GstHarness *newParseHarness(std::optional<guint> threads = std::nullopt)
{
	GstElement *element = gst_element_factory_make("gpmfparse", nullptr);
	if (!element)
		return nullptr;
	const char *threadsEnv = std::getenv("GPMF_TEST_THREADS");
	if (!threads && threadsEnv)
		threads = guint(std::strtoul(threadsEnv, nullptr, 10));
	if (threads)
		g_object_set(element, "threads", *threads, nullptr);
	GstHarness *h = gst_harness_new_with_element(element, "sink", "src");
	gst_object_unref(element);
	return h;
}

/// Returns once gpmfparse has pushed all it was given: with threads above 1, records being
/// written on helpers wait for the next input, an event or a serialized query such as DRAIN.
inline void drainOutput(GstHarness *h)
{
	GstQuery *query = gst_query_new_drain();
	gst_pad_peer_query(h->srcpad, query);
	gst_query_unref(query);
}

} // namespace gpmf::test
