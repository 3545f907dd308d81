// SPDX-License-Identifier: GPL-2.0-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse under fault. Through GstHarness: truncated, bit-flipped, zero-length, oversized-repeat
// and random payloads, buffers without timestamps, mixed good and bad streams, wrong caps, raw
// dumps with garbage, and max-errors. In pipelines with qtdemux: GoPro MP4s cut short and with
// damaged gpmd samples, written by the test from the samples. Every case must end with EOS or a
// clear error, and every intact payload must come out as it does on its own.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <new>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include "gpmf/fourcc.h"
#include "gpmf/klv_writer.h"
#include "gpmf/mp4_index.h"
#include "support/mp4_writer.h"
#include "gpmf/track_splitter.h"

#include "plugin_test_utils.h"
#include "samples.h"

using namespace gpmf::test;

/*
 * C++ allocations made by this thread while `tracking` is set: the core and the element allocate
 * with operator new (std::vector, std::string), so this shows whether a size read from the input
 * ever becomes an allocation. Replacing the global operator new is allowed by the standard; the
 * plugin, loaded as a shared module, binds to this definition too. Valgrind puts its own
 * operator new and delete in place of these (not the sized deletes: those forward to the unsized
 * ones), so none may be inlined or merged (GCC folds identical functions), and nothing is
 * counted under valgrind.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define GPMF_NO_ICF [[gnu::no_icf]]
#else
#define GPMF_NO_ICF
#endif

namespace
{
thread_local bool tracking = false;
thread_local std::size_t largestAllocation = 0;
thread_local std::size_t allocatedBytes = 0;

void *allocate(std::size_t size)
{
	if (tracking) {
		largestAllocation = std::max(largestAllocation, size);
		allocatedBytes += size;
	}
	if (void *p = std::malloc(size ? size : 1))
		return p;
	throw std::bad_alloc();
}
} // namespace

GPMF_NO_ICF [[gnu::noinline]] void *operator new(std::size_t size)
{
	return allocate(size);
}
GPMF_NO_ICF [[gnu::noinline]] void *operator new[](std::size_t size)
{
	return allocate(size);
}
GPMF_NO_ICF [[gnu::noinline]] void operator delete(void *p) noexcept
{
	std::free(p);
}
GPMF_NO_ICF [[gnu::noinline]] void operator delete[](void *p) noexcept
{
	std::free(p);
}
GPMF_NO_ICF void operator delete(void *p, std::size_t) noexcept
{
	::operator delete(p);
}
GPMF_NO_ICF void operator delete[](void *p, std::size_t) noexcept
{
	::operator delete[](p);
}

namespace
{

/// tests/valgrind/run.sh sets this: the loops below then run a sixteenth of their iterations,
/// through the same code paths, so memcheck finishes in minutes.
bool underValgrind()
{
	const char *v = std::getenv("GPMF_TEST_UNDER_VALGRIND");
	return v && *v && std::string(v) != "0";
}

std::size_t iterations(std::size_t n)
{
	return underValgrind() ? std::max<std::size_t>(2, n / 16) : n;
}

constexpr const char *kGpmdCaps = "meta/x-gst-fourcc-gpmd";
constexpr const char *kRawCaps = "application/x-gpmf";

using Bytes = std::vector<std::uint8_t>;
using Gap = std::pair<GstClockTime, GstClockTime>;

struct Record {
	std::string text;
	GstClockTime pts;
	GstClockTime duration;
};

struct BusMessage {
	GQuark domain;
	gint code;
	std::string message;
	std::string debug;
	std::string source;
};

BusMessage parseBusMessage(GstMessage *m)
{
	GError *error = nullptr;
	gchar *debug = nullptr;
	if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_WARNING)
		gst_message_parse_warning(m, &error, &debug);
	else
		gst_message_parse_error(m, &error, &debug);
	BusMessage out{error->domain, error->code, error->message, debug ? debug : "",
		       GST_MESSAGE_SRC(m) ? GST_OBJECT_NAME(GST_MESSAGE_SRC(m)) : ""};
	g_error_free(error);
	g_free(debug);
	return out;
}

std::string describe(const std::vector<BusMessage> &messages)
{
	std::string text;
	for (const BusMessage &m : messages)
		text += m.source + ": " + m.message + " (" + m.debug + ")\n";
	return text;
}

/// What one input buffer gave: records, GAP events and bus messages.
struct Outcome {
	GstFlowReturn flow = GST_FLOW_OK;
	std::vector<Record> payloads; ///< payload records (the header record is left out)
	std::vector<Gap> gaps;
	std::vector<BusMessage> warnings;
	std::vector<BusMessage> errors;
};

/*
 * A record as a JSON value, without what depends on the payloads before it: the record index and
 * each stream's measured rate (a least-squares fit over the stream's history). Everything else
 * (times, values, names, units, diagnostics) belongs to the payload alone.
 */
/*
 * The GPS clock checks depend on the payloads before too: these tests repeat one payload, so
 * its GPSU repeats, which leaves its GPS5 without UTC and adds a bad_time diagnostic.
 */
void removeGpsClock(JsonObject *record)
{
	if (!json_object_has_member(record, "diagnostics"))
		return;
	JsonArray *list = json_object_get_array_member(record, "diagnostics");
	for (guint i = json_array_get_length(list); i-- > 0;)
		if (std::string(json_object_get_string_member(json_array_get_object_element(list, i), "code")) ==
		    "bad_time")
			json_array_remove_element(list, i);
	if (json_array_get_length(list) == 0)
		json_object_remove_member(record, "diagnostics");
}

Json normalized(const std::string &text)
{
	Json json(text);
	JsonObject *o = json.object();
	if (!o)
		return json;
	json_object_remove_member(o, "index");
	removeGpsClock(o);
	for (const StreamRef &ref : streamsOf(json)) {
		json_object_remove_member(ref.stream, "rate");
		JsonArray *samples = json_object_get_array_member(ref.stream, "samples");
		for (guint i = 0; samples && i < json_array_get_length(samples); i++)
			json_object_remove_member(json_array_get_object_element(samples, i), "utc");
	}
	return json;
}

bool hasDiagnostics(const Record &r)
{
	Json json(r.text);
	if (JsonObject *o = json.object())
		removeGpsClock(o);
	return json.has("diagnostics");
}

std::string diagnosticCodes(const Record &r)
{
	Json json(r.text);
	std::string codes;
	if (!json.has("diagnostics"))
		return codes;
	JsonArray *list = json_object_get_array_member(json.object(), "diagnostics");
	for (guint i = 0; i < json_array_get_length(list); i++)
		codes += std::string(json_object_get_string_member(json_array_get_object_element(list, i),
								   "code")) +
			 " ";
	return codes;
}

Bytes concat(const std::vector<Bytes> &parts)
{
	Bytes out;
	for (const Bytes &p : parts)
		out.insert(out.end(), p.begin(), p.end());
	return out;
}

/// Sets the struct size and repeat of the first KLV with this key (walked as a GPMF tree).
bool patchKlv(Bytes &bytes, const char *key, std::uint8_t structSize, std::uint16_t repeat)
{
	const std::size_t end = bytes.size();
	std::vector<std::pair<std::size_t, std::size_t>> ranges{{0, end}};
	while (!ranges.empty()) {
		auto [at, stop] = ranges.back();
		ranges.pop_back();
		while (at + 8 <= stop) {
			const std::size_t size = std::size_t(bytes[at + 5]) * ((bytes[at + 6] << 8) | bytes[at + 7]);
			if (std::equal(key, key + 4, bytes.begin() + at)) {
				bytes[at + 5] = structSize;
				bytes[at + 6] = std::uint8_t(repeat >> 8);
				bytes[at + 7] = std::uint8_t(repeat);
				return true;
			}
			if (bytes[at + 4] == 0)
				ranges.emplace_back(at + 8, std::min(stop, at + 8 + size));
			at += 8 + ((size + 3) & ~std::size_t{3});
		}
	}
	return false;
}

Bytes flipBits(Bytes bytes, std::mt19937 &random, int flips)
{
	std::uniform_int_distribution<std::size_t> pick(0, bytes.size() * 8 - 1);
	for (int i = 0; i < flips; i++) {
		const std::size_t bit = pick(random);
		bytes[bit / 8] ^= std::uint8_t(1u << (bit % 8));
	}
	return bytes;
}

/// Where each top-level KLV ends: a cut there leaves whole KLVs only.
std::set<std::size_t> topLevelEnds(const Bytes &bytes)
{
	std::set<std::size_t> ends;
	for (std::size_t at = 0; at + 8 <= bytes.size();) {
		const std::size_t size = std::size_t(bytes[at + 5]) * ((bytes[at + 6] << 8) | bytes[at + 7]);
		at += 8 + ((size + 3) & ~std::size_t{3});
		ends.insert(at);
	}
	return ends;
}

/// Offset of the n-th (from 0) STRM header inside the first DEVC, or nullopt.
std::optional<std::size_t> findStrm(const Bytes &payload, int n)
{
	for (std::size_t at = 8; at + 8 <= payload.size();) {
		const std::size_t size = std::size_t(payload[at + 5]) * ((payload[at + 6] << 8) | payload[at + 7]);
		if (std::equal(payload.begin() + std::ptrdiff_t(at), payload.begin() + std::ptrdiff_t(at + 4), "STRM") &&
		    n-- == 0)
			return at;
		at += 8 + ((size + 3) & ~std::size_t{3});
	}
	return std::nullopt;
}

Bytes randomBytes(std::mt19937 &random, std::size_t size)
{
	Bytes out(size);
	std::uniform_int_distribution<int> byte(0, 255);
	for (std::uint8_t &b : out)
		b = std::uint8_t(byte(random));
	return out;
}

/// A payload of other shape than makePayload(): two streams with TSMP and STMP, no GPS lock.
Bytes makeOtherPayload(std::uint64_t stmp)
{
	PayloadSpec spec;
	spec.accl = 197;
	spec.gps = 18;
	spec.gpsFix = 0;
	spec.tsmp = 197 * (stmp / 1000000 + 1);
	spec.stmp = stmp;
	spec.lat = 36.1;
	spec.lon = -115.2;
	return makePayload(spec);
}

class FaultTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		h_ = newHarness();
		ASSERT_NE(h_, nullptr);
		// The harness makes no bus: warnings and errors need one attached by hand.
		bus_ = gst_bus_new();
		gst_element_set_bus(h_->element, bus_);
	}

	void TearDown() override
	{
		if (bus_) {
			gst_bus_set_flushing(bus_, TRUE);
			gst_element_set_bus(h_->element, nullptr);
			gst_object_unref(bus_);
		}
		if (h_)
			gst_harness_teardown(h_);
		if (reference_)
			gst_harness_teardown(reference_);
	}

	static GstHarness *newHarness()
	{
		GstHarness *h = newParseHarness();
		EXPECT_NE(h, nullptr) << "gpmfparse not found: is GST_PLUGIN_PATH_1_0 set?";
		return h;
	}

	void start(const char *caps = kGpmdCaps) { gst_harness_set_src_caps_str(h_, caps); }

	/// Pops every message (gst_bus_pop_filtered() would drop the others), keeping warnings and errors.
	void popMessages(std::vector<BusMessage> &warnings, std::vector<BusMessage> &errors)
	{
		while (GstMessage *m = gst_bus_pop(bus_)) {
			if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_WARNING)
				warnings.push_back(parseBusMessage(m));
			else if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR)
				errors.push_back(parseBusMessage(m));
			gst_message_unref(m);
		}
	}

	/// Everything output since the last call.
	Outcome collect(GstFlowReturn flow = GST_FLOW_OK)
	{
		Outcome out;
		out.flow = flow;
		drainOutput(h_);
		while (GstBuffer *buffer = gst_harness_try_pull(h_)) {
			Record r{bufferText(buffer), GST_BUFFER_PTS(buffer), GST_BUFFER_DURATION(buffer)};
			gst_buffer_unref(buffer);
			Json json(r.text);
			EXPECT_TRUE(json.ok()) << "not JSON: " << r.text;
			if (json.string("type") == "payload")
				out.payloads.push_back(std::move(r));
			else
				types_.push_back(json.string("type"));
		}
		drainOutput(h_);
		while (GstEvent *event = gst_harness_try_pull_event(h_)) {
			if (GST_EVENT_TYPE(event) == GST_EVENT_GAP) {
				GstClockTime ts, duration;
				gst_event_parse_gap(event, &ts, &duration);
				out.gaps.emplace_back(ts, duration);
			} else if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) {
				eos_ = true;
			}
			gst_event_unref(event);
		}
		popMessages(out.warnings, out.errors);
		return out;
	}

	Outcome push(const Bytes &bytes, GstClockTime pts, GstClockTime duration = GST_SECOND)
	{
		return collect(gst_harness_push(h_, makeBuffer(bytes, pts, duration)));
	}

	/// EOS must give the summary record and the EOS event; returns the summary.
	Json finish()
	{
		EXPECT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));
		std::string summary;
		drainOutput(h_);
		while (GstBuffer *buffer = gst_harness_try_pull(h_)) {
			summary = bufferText(buffer);
			gst_buffer_unref(buffer);
		}
		collect();
		EXPECT_TRUE(eos_) << "EOS not forwarded";
		Json json(summary);
		EXPECT_EQ(json.string("type"), "summary");
		return json;
	}

	/// The payload records of `bytes` pushed alone into gpmfparse at the same time. A flush
	/// starts a reference element over, as a new one would (cheaper under valgrind).
	std::vector<Record> pushedAlone(const Bytes &bytes, GstClockTime pts, GstClockTime duration,
					guint64 interval = 0)
	{
		if (!reference_) {
			reference_ = newHarness();
			gst_harness_set_src_caps_str(reference_, kGpmdCaps);
		} else {
			gst_harness_push_event(reference_, gst_event_new_flush_start());
			gst_harness_push_event(reference_, gst_event_new_flush_stop(TRUE));
			GstSegment segment;
			gst_segment_init(&segment, GST_FORMAT_TIME);
			gst_harness_push_event(reference_, gst_event_new_segment(&segment));
		}
		g_object_set(reference_->element, "interval", interval, nullptr);
		EXPECT_EQ(gst_harness_push(reference_, makeBuffer(bytes, pts, duration)), GST_FLOW_OK);
		std::vector<Record> out;
		drainOutput(reference_);
		while (GstBuffer *buffer = gst_harness_try_pull(reference_)) {
			Record r{bufferText(buffer), GST_BUFFER_PTS(buffer), GST_BUFFER_DURATION(buffer)};
			if (Json(r.text).string("type") == "payload")
				out.push_back(std::move(r));
			gst_buffer_unref(buffer);
		}
		drainOutput(reference_);
		while (GstEvent *event = gst_harness_try_pull_event(reference_))
			gst_event_unref(event);
		return out;
	}

	/// An intact payload's records must equal those it gives alone, index and rates aside.
	void expectSameAsAlone(const std::vector<Record> &got, const Bytes &bytes, GstClockTime pts,
			       GstClockTime duration, guint64 interval = 0)
	{
		const std::vector<Record> alone = pushedAlone(bytes, pts, duration, interval);
		ASSERT_FALSE(alone.empty());
		ASSERT_EQ(got.size(), alone.size()) << "intact payload at " << seconds(pts) << " s";
		for (std::size_t i = 0; i < got.size(); i++) {
			EXPECT_EQ(got[i].pts, alone[i].pts);
			EXPECT_EQ(got[i].duration, alone[i].duration);
			EXPECT_FALSE(hasDiagnostics(got[i])) << got[i].text;
			EXPECT_TRUE(normalized(got[i].text) == normalized(alone[i].text))
			    << "intact payload at " << seconds(pts) << " s differs:\n"
			    << got[i].text << "alone:\n"
			    << alone[i].text;
		}
	}

	GstHarness *h_ = nullptr;
	GstBus *bus_ = nullptr;
	GstHarness *reference_ = nullptr;
	std::vector<std::string> types_; ///< header and summary records seen by collect()
	bool eos_ = false;
};

/*
 * A damaged payload gives either one record at its time, or a GAP over its time; a GAP comes
 * with a STREAM/DECODE warning naming the payload when the bytes were bad (`mustWarn`), and a
 * record of damaged bytes carries diagnostics when `mustDiagnose`.
 */
void expectRecordOrGap(const Outcome &out, GstClockTime pts, GstClockTime duration, bool mustWarn,
		       bool mustDiagnose, const std::string &what)
{
	SCOPED_TRACE(what);
	EXPECT_EQ(out.flow, GST_FLOW_OK);
	EXPECT_TRUE(out.errors.empty()) << describe(out.errors);
	if (!out.payloads.empty()) {
		ASSERT_EQ(out.payloads.size(), 1u);
		EXPECT_EQ(out.payloads[0].pts, pts);
		EXPECT_EQ(out.payloads[0].duration, duration);
		EXPECT_TRUE(out.gaps.empty());
		EXPECT_TRUE(out.warnings.empty()) << "a partly decoded payload is logged, not a warning";
		if (mustDiagnose) {
			EXPECT_TRUE(hasDiagnostics(out.payloads[0])) << out.payloads[0].text;
		}
		return;
	}
	ASSERT_EQ(out.gaps.size(), 1u) << "neither a record nor a GAP";
	EXPECT_EQ(out.gaps[0], Gap(pts, duration));
	EXPECT_LE(out.warnings.size(), 1u);
	if (mustWarn) {
		ASSERT_EQ(out.warnings.size(), 1u) << "a GAP for bad bytes needs a warning";
	}
	for (const BusMessage &w : out.warnings) {
		EXPECT_EQ(w.domain, GST_STREAM_ERROR);
		EXPECT_EQ(w.code, GST_STREAM_ERROR_DECODE);
		EXPECT_FALSE(w.message.empty());
		// The debug text says which payload (its time) and why.
		gchar *time = g_strdup_printf("%" GST_TIME_FORMAT, GST_TIME_ARGS(pts));
		EXPECT_NE(w.debug.find(time), std::string::npos) << w.debug;
		g_free(time);
	}
}

/* Real and written payloads, truncated at many points. */

struct NamedPayload {
	std::string name;
	Bytes bytes;
};

std::vector<NamedPayload> writtenPayloads()
{
	return {{"written", makePayload()},
		{"written-two-devices", makeTwoDevicePayload()},
		{"written-stmp", makeOtherPayload(4000000)}};
}

/// The real payloads (skipped when the samples are absent, failed under CI) and written ones.
std::vector<NamedPayload> allPayloads()
{
	std::vector<NamedPayload> out = writtenPayloads();
	for (const char *name : {"hero5.raw", "karma.raw"}) {
		const std::filesystem::path path = samplesDir() / name;
		if (std::filesystem::exists(path))
			out.push_back({name, readFile(path)});
		else if (underCi())
			ADD_FAILURE() << "sample missing under CI: " << path;
	}
	return out;
}

TEST_F(FaultTest, RealSamplesArePresent)
{
	GPMF_REQUIRE_SAMPLE(hero5, "hero5.raw");
	GPMF_REQUIRE_SAMPLE(karma, "karma.raw");
	EXPECT_EQ(readFile(hero5).size(), 4792u);
	EXPECT_EQ(readFile(karma).size(), 7768u);
}

TEST_F(FaultTest, TruncatedPayloadsKeepWhatIsWholeAndIntactOnesFollow)
{
	start();
	GstClockTime pts = 0;
	for (const NamedPayload &p : allPayloads()) {
		const std::size_t full = p.bytes.size();
		const std::size_t intactSamples = sampleCount(Json(pushedAlone(p.bytes, 0, GST_SECOND)[0].text));
		// Every byte of the first 64, then 61 cuts spread over the rest (never the whole).
		std::set<std::size_t> cuts;
		const std::size_t step = underValgrind() ? 16 : 1;
		for (std::size_t c = 1; c < 64 && c < full; c += step)
			cuts.insert(c);
		const std::size_t spread = iterations(61);
		for (std::size_t k = 1; k <= spread; k++)
			cuts.insert(full * k / (spread + 1));
		// A cut between two DEVCs (karma.raw holds two) leaves a whole, shorter payload.
		const std::set<std::size_t> ends = topLevelEnds(p.bytes);
		std::size_t previous = 0;
		for (std::size_t cut : cuts) {
			const std::string what = p.name + " cut at " + std::to_string(cut) + "/" + std::to_string(full);
			const bool whole = ends.count(cut) > 0;
			const Bytes truncated(p.bytes.begin(), p.bytes.begin() + std::ptrdiff_t(cut));
			const Outcome out = push(truncated, pts, GST_SECOND);
			expectRecordOrGap(out, pts, GST_SECOND, true, !whole, what);
			if (!out.payloads.empty() && !whole) {
				EXPECT_NE(diagnosticCodes(out.payloads[0]).find("truncated"), std::string::npos)
				    << what << ": " << out.payloads[0].text;
			}
			if (!out.payloads.empty()) {
				// Whole samples are kept, none invented: more bytes never give fewer samples.
				const std::size_t n = sampleCount(Json(out.payloads[0].text));
				EXPECT_LE(n, intactSamples) << what;
				EXPECT_GE(n, previous) << what;
				previous = n;
			} else {
				EXPECT_EQ(previous, 0u) << what << ": a longer cut decoded nothing";
				for (const BusMessage &w : out.warnings)
					EXPECT_NE(w.debug.find("truncated"), std::string::npos) << what << ": " << w.debug;
			}
			pts += GST_SECOND;

			// The intact payload after it is unharmed.
			const Outcome next = push(p.bytes, pts, GST_SECOND);
			EXPECT_TRUE(next.warnings.empty()) << describe(next.warnings);
			EXPECT_TRUE(next.gaps.empty());
			expectSameAsAlone(next.payloads, p.bytes, pts, GST_SECOND);
			pts += GST_SECOND;
			if (HasFatalFailure())
				return;
		}
	}
	finish();
}

TEST_F(FaultTest, BitFlipsNeverCrashAndIntactPayloadsFollow)
{
	start();
	GstClockTime pts = 0;
	for (const NamedPayload &p : allPayloads()) {
		for (std::uint32_t seed = 1; seed <= iterations(60); seed++) {
			std::mt19937 random(seed);
			const int flips = 1 + int(seed % 8);
			const Bytes flipped = flipBits(p.bytes, random, flips);
			const std::string what = p.name + " seed " + std::to_string(seed);
			// Flipped bits may still be a valid payload (a changed value): no diagnostics needed.
			expectRecordOrGap(push(flipped, pts, GST_SECOND), pts, GST_SECOND, false, false, what);
			pts += GST_SECOND;
			const Outcome next = push(p.bytes, pts, GST_SECOND);
			EXPECT_TRUE(next.gaps.empty()) << what;
			expectSameAsAlone(next.payloads, p.bytes, pts, GST_SECOND);
			pts += GST_SECOND;
			if (HasFatalFailure())
				return;
		}
	}
	finish();
}

TEST_F(FaultTest, BitFlipsWithIntervalWindows)
{
	// The window code sees the damaged payloads too: every record inside its payload.
	const guint64 interval = 100 * GST_MSECOND;
	g_object_set(h_->element, "interval", interval, nullptr);
	start();
	GstClockTime pts = 0;
	for (const NamedPayload &p : allPayloads()) {
		for (std::uint32_t seed = 100; seed < 100 + iterations(30); seed++) {
			std::mt19937 random(seed);
			const Outcome out = push(flipBits(p.bytes, random, 4), pts, GST_SECOND);
			EXPECT_EQ(out.flow, GST_FLOW_OK);
			EXPECT_TRUE(out.errors.empty());
			// Ten windows, each a record or a GAP, or one GAP for the whole payload.
			EXPECT_TRUE(out.payloads.size() + out.gaps.size() == 10 ||
				    (out.payloads.empty() && out.gaps.size() == 1))
			    << p.name << " seed " << seed << ": " << out.payloads.size() << " records, "
			    << out.gaps.size() << " gaps";
			for (const Record &r : out.payloads) {
				EXPECT_GE(r.pts, pts);
				EXPECT_LE(r.pts + r.duration, pts + GST_SECOND);
			}
			pts += GST_SECOND;
			const Outcome next = push(p.bytes, pts, GST_SECOND);
			expectSameAsAlone(next.payloads, p.bytes, pts, GST_SECOND, interval);
			pts += GST_SECOND;
		}
	}
	finish();
}

TEST_F(FaultTest, ZeroLengthBuffersGiveGapAndWarning)
{
	start();
	const Bytes good = makePayload();
	expectSameAsAlone(push(good, 0).payloads, good, 0, GST_SECOND);

	const Outcome empty = push({}, GST_SECOND, 500 * GST_MSECOND);
	expectRecordOrGap(empty, GST_SECOND, 500 * GST_MSECOND, true, false, "zero-length");
	ASSERT_EQ(empty.warnings.size(), 1u);
	EXPECT_NE(empty.warnings[0].message.find("Empty"), std::string::npos) << empty.warnings[0].message;
	EXPECT_NE(empty.warnings[0].debug.find("zero-length"), std::string::npos) << empty.warnings[0].debug;

	// Without timestamps it follows the previous one and lasts the nominal second.
	const Outcome untimed = push({}, GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE);
	expectRecordOrGap(untimed, 1500 * GST_MSECOND, GST_SECOND, true, false, "zero-length, untimed");

	expectSameAsAlone(push(good, 2500 * GST_MSECOND).payloads, good, 2500 * GST_MSECOND, GST_SECOND);
	const Json summary = finish();
	EXPECT_DOUBLE_EQ(summary.number("payloads"), 2.0) << "empty buffers hold no payload";
}

TEST_F(FaultTest, ZeroLengthBuffersInARawDumpAreHarmless)
{
	start(kRawCaps);
	const Bytes p = makePayload();
	for (const Bytes &piece : {Bytes{}, p, Bytes{}, Bytes{}, p, Bytes{}})
		ASSERT_EQ(gst_harness_push(h_, makeBuffer(piece)), GST_FLOW_OK);
	Outcome out = collect();
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));
	const Outcome rest = collect();
	out.payloads.insert(out.payloads.end(), rest.payloads.begin(), rest.payloads.end());
	ASSERT_EQ(out.payloads.size(), 2u);
	EXPECT_TRUE(out.warnings.empty() && rest.warnings.empty());
	expectSameAsAlone({out.payloads[1]}, p, GST_SECOND, GST_SECOND);
}

/* Sizes read from the input. */

struct Hostile {
	std::string what;
	Bytes bytes;
	Bytes original; ///< the intact payload it was made from, when large
};

std::vector<Hostile> hostilePayloads()
{
	std::vector<Hostile> out;
	PayloadSpec spec;
	spec.accl = 4;
	spec.gps = 1;
	const Bytes small = makePayload(spec);

	Bytes accl = small; // ACCL of 4 samples says 65535 samples of 255 bytes
	patchKlv(accl, "ACCL", 255, 65535);
	out.push_back({"ACCL 255 x 65535", accl, {}});

	Bytes accl6 = small; // the same with a struct size that fits 's' (3 x int16)
	patchKlv(accl6, "ACCL", 6, 65535);
	out.push_back({"ACCL 6 x 65535", accl6, {}});

	Bytes gps = small; // GPS5 with a plausible struct size and an impossible count
	patchKlv(gps, "GPS5", 20, 65535);
	out.push_back({"GPS5 20 x 65535", gps, {}});

	Bytes devc = small; // the DEVC itself claims 16 MiB
	patchKlv(devc, "DEVC", 255, 65535);
	out.push_back({"DEVC 255 x 65535", devc, {}});

	Bytes strm = small;
	patchKlv(strm, "STRM", 255, 65535);
	out.push_back({"STRM 255 x 65535", strm, {}});

	Bytes scal = small; // a sticky SCAL with 65535 divisors
	patchKlv(scal, "SCAL", 2, 65535);
	out.push_back({"SCAL 2 x 65535", scal, {}});

	Bytes all = small;
	for (const char *key : {"DEVC", "STRM", "ACCL", "GPS5", "SCAL", "STNM"})
		patchKlv(all, key, 255, 65535);
	out.push_back({"every KLV 255 x 65535", all, {}});

	// A complex structure whose TYPE describes a huge struct with many samples.
	gpmf::KlvWriter w;
	w.begin(gpmf::FourCC("DEVC"));
	w.integers(gpmf::FourCC("DVID"), 'L', {1});
	w.begin(gpmf::FourCC("STRM"));
	w.string(gpmf::FourCC("TYPE"), std::string(200, 'd'));
	w.raw(gpmf::FourCC("CPLX"), '?', 8, 2, Bytes(16, 0x40));
	w.end();
	w.end();
	Bytes complex = w.take();
	patchKlv(complex, "CPLX", 255, 65535);
	out.push_back({"? of TYPE dddd... 255 x 65535", complex, {}});

	// Real payloads whose sensor streams claim 65535 samples of their own size.
	for (const NamedPayload &p : allPayloads()) {
		Bytes bytes = p.bytes;
		for (const char *key : {"ACCL", "GYRO"}) {
			for (std::size_t at = 0; at + 8 <= bytes.size(); at += 4) {
				if (std::equal(key, key + 4, bytes.begin() + std::ptrdiff_t(at)) && bytes[at + 4] == 's') {
					bytes[at + 6] = bytes[at + 7] = 0xff;
					break;
				}
			}
		}
		out.push_back({p.name + " ACCL and GYRO x 65535", bytes, p.bytes});
	}
	return out;
}

TEST_F(FaultTest, OversizedRepeatCountsAllocateOnlyWhatTheBufferHolds)
{
	start();
	GstClockTime pts = 0;
	for (const Hostile &h : hostilePayloads()) {
		ASSERT_LT(h.bytes.size(), 16u * 1024) << h.what;
		// What the intact payload needs (its JSON text, mostly) is the yardstick.
		std::size_t intact = 0;
		if (!h.original.empty()) {
			largestAllocation = 0;
			tracking = true;
			EXPECT_EQ(gst_harness_push(h_, makeBuffer(h.original, pts, GST_SECOND)), GST_FLOW_OK);
			tracking = false;
			intact = largestAllocation;
			collect();
			pts += GST_SECOND;
		}
		largestAllocation = allocatedBytes = 0;
		tracking = true;
		const GstFlowReturn flow = gst_harness_push(h_, makeBuffer(h.bytes, pts, GST_SECOND));
		tracking = false;
		// The claimed sizes are 390 KiB to 16 MiB; a decoder that trusts them allocates that much.
		if (!underValgrind()) {
			EXPECT_GT(allocatedBytes, 0u) << "the element's allocations are not seen";
			EXPECT_LT(largestAllocation, std::max<std::size_t>(64 * 1024, 2 * intact)) << h.what;
			EXPECT_LT(allocatedBytes, 1024u * 1024) << h.what;
		}
		const Outcome out = collect(flow);
		expectRecordOrGap(out, pts, GST_SECOND, true, true, h.what);
		pts += GST_SECOND;
		if (HasFatalFailure())
			return;
	}
	finish();
}

TEST_F(FaultTest, RawDumpWithAHugeClaimedSizeKeepsThePayloadsAround)
{
	// A DEVC header claiming 16 MiB in the middle of a raw dump: the payloads before it come out,
	// and so do the ones after it once the stream ends (nothing arrives to fill the claim).
	start(kRawCaps);
	const Bytes p = makePayload();
	Bytes bogus{'D', 'E', 'V', 'C', 0, 255, 0xff, 0xff};
	const Bytes dump = concat({p, p, bogus, p, p});
	for (std::size_t at = 0; at < dump.size(); at += 1000) {
		const std::size_t n = std::min<std::size_t>(1000, dump.size() - at);
		ASSERT_EQ(gst_harness_push(h_, makeBuffer(Bytes(dump.begin() + std::ptrdiff_t(at),
								      dump.begin() + std::ptrdiff_t(at + n)))),
			  GST_FLOW_OK);
	}
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));
	const Outcome out = collect();
	EXPECT_TRUE(out.errors.empty()) << describe(out.errors);
	ASSERT_EQ(out.payloads.size(), 4u) << describe(out.warnings);
	for (std::size_t i = 0; i < 4; i++)
		EXPECT_TRUE(normalized(out.payloads[i].text) ==
			    normalized(pushedAlone(p, out.payloads[i].pts, out.payloads[i].duration)[0].text));
	ASSERT_EQ(out.warnings.size(), 1u) << describe(out.warnings);
	EXPECT_NE(out.warnings[0].debug.find("size runs over the next payload"), std::string::npos)
	    << out.warnings[0].debug;
}

/* Random input. */

TEST_F(FaultTest, RandomBuffersGiveGapsAndWarnings)
{
	start();
	std::mt19937 random(20250101);
	std::uniform_int_distribution<std::size_t> length(1, 8192);
	GstClockTime pts = 0;
	for (std::size_t i = 0; i < iterations(200); i++) {
		Bytes bytes = randomBytes(random, length(random));
		if (i % 2) {
			// Past the first check: a DEVC header whose size matches, then noise.
			const std::size_t body = std::min<std::size_t>(bytes.size(), 4000) & ~std::size_t{3};
			Bytes devc{'D', 'E', 'V', 'C', 0, 4, std::uint8_t(body / 4 >> 8), std::uint8_t(body / 4)};
			devc.insert(devc.end(), bytes.begin(), bytes.begin() + std::ptrdiff_t(body));
			bytes = std::move(devc);
		}
		expectRecordOrGap(push(bytes, pts, GST_SECOND), pts, GST_SECOND, false, true,
				  "random buffer " + std::to_string(i));
		pts += GST_SECOND;
		if (HasFatalFailure())
			return;
	}
	const Bytes good = makePayload();
	expectSameAsAlone(push(good, pts).payloads, good, pts, GST_SECOND);
	finish();
}

TEST_F(FaultTest, RandomKlvTreesNeverCrash)
{
	// Well-framed KLVs with random keys, types, sizes and nesting: deeper than plain noise gets.
	start();
	std::mt19937 random(7);
	const char types[] = "bBcdfFgjJlLqQsSUG?\0";
	const std::vector<std::string> keys{"DEVC", "DVID", "DVNM", "STRM", "STNM", "SCAL", "TSMP", "STMP",
					    "TYPE", "ACCL", "GYRO", "GPS5", "GPS9", "GPSU", "GPSF", "TIMO",
					    "ORIN", "ORIO", "MTRX", "EMPT", "UNIT", "SIUN", "FACE", "KBAT"};
	std::function<void(gpmf::KlvWriter &, int)> fill = [&](gpmf::KlvWriter &w, int depth) {
		const int n = 1 + int(random() % 6);
		for (int i = 0; i < n; i++) {
			const gpmf::FourCC key = *gpmf::FourCC::fromString(keys[random() % keys.size()]);
			if (depth < 3 && random() % 3 == 0) {
				w.begin(key);
				fill(w, depth + 1);
				w.end();
				continue;
			}
			const char type = types[random() % (sizeof(types) - 1)];
			const std::uint8_t size = std::uint8_t(1 + random() % 24);
			const std::uint16_t repeat = std::uint16_t(random() % 40);
			w.raw(key, type, size, repeat, randomBytes(random, std::size_t(size) * repeat));
		}
	};
	GstClockTime pts = 0;
	for (std::size_t i = 0; i < iterations(300); i++) {
		gpmf::KlvWriter w;
		w.begin(gpmf::FourCC("DEVC"));
		w.integers(gpmf::FourCC("DVID"), 'L', {1});
		fill(w, 1);
		w.end();
		expectRecordOrGap(push(w.take(), pts, GST_SECOND), pts, GST_SECOND, false, false,
				  "random tree " + std::to_string(i));
		pts += GST_SECOND;
		if (HasFatalFailure())
			return;
	}
	finish();
}

/* Timestamps. */

TEST_F(FaultTest, BuffersWithoutTimestampsFollowThePreviousOneEvenWhenBad)
{
	GstSegment segment;
	gst_segment_init(&segment, GST_FORMAT_TIME);
	segment.start = segment.time = 7 * GST_SECOND;
	start();
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_segment(&segment)));
	const Bytes good = makePayload();
	const Bytes bad{'D', 'E', 'V', 'C', 0, 1, 0x40, 0, 'j', 'u', 'n', 'k'};

	// The first one starts the segment; each then starts where the one before ended.
	expectSameAsAlone(push(good, GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE).payloads, good, 7 * GST_SECOND,
			  GST_SECOND);
	expectRecordOrGap(push(bad, GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE), 8 * GST_SECOND, GST_SECOND, true,
			  true, "bad, untimed");
	// A duration without PTS, and a PTS without duration.
	expectSameAsAlone(push(good, GST_CLOCK_TIME_NONE, 500 * GST_MSECOND).payloads, good, 9 * GST_SECOND,
			  500 * GST_MSECOND);
	expectRecordOrGap(push(bad, 20 * GST_SECOND, GST_CLOCK_TIME_NONE), 20 * GST_SECOND, GST_SECOND, true,
			  true, "bad, PTS only");
	expectSameAsAlone(push(good, GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE).payloads, good, 21 * GST_SECOND,
			  GST_SECOND);
	finish();
}

/* Mixed streams. */

TEST_F(FaultTest, MixedGoodAndBadPayloadsEveryGoodOneComesOutAsAlone)
{
	for (guint64 interval : {guint64(0), guint64(250 * GST_MSECOND)}) {
		SCOPED_TRACE("interval " + std::to_string(interval));
		GstHarness *h = newParseHarness();
		g_object_set(h->element, "interval", interval, nullptr);
		gst_harness_set_src_caps_str(h, kGpmdCaps);
		GstBus *bus = gst_bus_new();
		gst_element_set_bus(h->element, bus);

		std::vector<NamedPayload> good = allPayloads();
		std::mt19937 random(42);
		struct Item {
			Bytes bytes;
			bool intact;
			GstClockTime pts;
		};
		std::vector<Item> stream;
		for (std::size_t i = 0; i < iterations(120); i++) {
			const Bytes &base = good[random() % good.size()].bytes;
			switch (random() % 7) {
			case 0: // truncated
				stream.push_back({Bytes(base.begin(), base.begin() + std::ptrdiff_t(random() % base.size())),
						  false, 0});
				break;
			case 1:
				stream.push_back({flipBits(base, random, 3), false, 0});
				break;
			case 2:
				stream.push_back({{}, false, 0});
				break;
			case 3:
				stream.push_back({randomBytes(random, 1 + random() % 3000), false, 0});
				break;
			case 4: {
				const std::vector<Hostile> hostile = hostilePayloads();
				stream.push_back({hostile[random() % hostile.size()].bytes, false, 0});
				break;
			}
			default:
				stream.push_back({base, true, 0});
				break;
			}
		}

		GstClockTime pts = 0;
		std::size_t gaps = 0, warnings = 0, errors = 0, badWithoutOutput = 0;
		for (Item &item : stream) {
			item.pts = pts;
			ASSERT_EQ(gst_harness_push(h, makeBuffer(item.bytes, pts, GST_SECOND)), GST_FLOW_OK);
			std::vector<Record> records;
			drainOutput(h);
			while (GstBuffer *buffer = gst_harness_try_pull(h)) {
				Record r{bufferText(buffer), GST_BUFFER_PTS(buffer), GST_BUFFER_DURATION(buffer)};
				if (Json(r.text).string("type") == "payload")
					records.push_back(std::move(r));
				gst_buffer_unref(buffer);
			}
			std::size_t gapsHere = 0;
			drainOutput(h);
			while (GstEvent *event = gst_harness_try_pull_event(h)) {
				gapsHere += GST_EVENT_TYPE(event) == GST_EVENT_GAP;
				gst_event_unref(event);
			}
			gaps += gapsHere;
			while (GstMessage *m = gst_bus_pop(bus)) {
				warnings += GST_MESSAGE_TYPE(m) == GST_MESSAGE_WARNING;
				errors += GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR;
				gst_message_unref(m);
			}
			if (item.intact) {
				expectSameAsAlone(records, item.bytes, pts, GST_SECOND, interval);
			} else if (records.empty()) {
				EXPECT_GE(gapsHere, 1u);
				badWithoutOutput++;
			}
			pts += GST_SECOND;
		}
		EXPECT_EQ(errors, 0u);
		EXPECT_GT(badWithoutOutput, stream.size() / 12);
		EXPECT_LE(warnings, badWithoutOutput) << "a warning only where a payload was dropped";
		EXPECT_GE(gaps, badWithoutOutput);
		ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
		GstBuffer *last = nullptr;
		drainOutput(h);
		while (GstBuffer *buffer = gst_harness_try_pull(h)) {
			if (last)
				gst_buffer_unref(last);
			last = buffer;
		}
		ASSERT_NE(last, nullptr);
		const Json summary(bufferText(last));
		gst_buffer_unref(last);
		EXPECT_EQ(summary.string("type"), "summary");
		const auto empty = std::count_if(stream.begin(), stream.end(),
						 [](const Item &i) { return i.bytes.empty(); });
		EXPECT_DOUBLE_EQ(summary.number("payloads"), double(stream.size() - std::size_t(empty)));

		gst_bus_set_flushing(bus, TRUE);
		gst_element_set_bus(h->element, nullptr);
		gst_object_unref(bus);
		gst_harness_teardown(h);
	}
}

/* Caps. */

TEST_F(FaultTest, WrongCapsAreRefusedAndDataIsNotNegotiated)
{
	GstCaps *video = gst_caps_from_string("video/x-raw, format=(string)I420, width=(int)64, height=(int)48");
	GstPad *sink = gst_element_get_static_pad(h_->element, "sink");
	EXPECT_FALSE(gst_pad_query_accept_caps(sink, video));
	// The event is kept on the pushing pad (sticky), so the push itself reports no failure...
	gst_harness_push_event(h_, gst_event_new_stream_start("faults"));
	gst_harness_push_event(h_, gst_event_new_caps(video));
	gst_caps_unref(video);
	GstSegment segment;
	gst_segment_init(&segment, GST_FORMAT_TIME);
	gst_harness_push_event(h_, gst_event_new_segment(&segment));
	GstCaps *current = gst_pad_get_current_caps(sink);
	EXPECT_EQ(current, nullptr) << "video caps were accepted";
	if (current)
		gst_caps_unref(current);

	// ...but data is refused: not-negotiated, which the source turns into an error message.
	const Outcome refused = collect(gst_harness_push(h_, makeBuffer(makePayload(), 0, GST_SECOND)));
	EXPECT_EQ(refused.flow, GST_FLOW_NOT_NEGOTIATED);
	EXPECT_TRUE(refused.payloads.empty());
	EXPECT_TRUE(refused.gaps.empty());

	// Proper caps afterwards work as usual.
	GstCaps *caps = gst_caps_from_string(kGpmdCaps);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_caps(caps)));
	gst_caps_unref(caps);
	current = gst_pad_get_current_caps(sink);
	ASSERT_NE(current, nullptr);
	gst_caps_unref(current);
	gst_object_unref(sink);
	const Bytes good = makePayload();
	expectSameAsAlone(collect(gst_harness_push(h_, makeBuffer(good, GST_SECOND, GST_SECOND))).payloads, good,
			  GST_SECOND, GST_SECOND);
}

TEST_F(FaultTest, CapsOfAnotherMediaTypeMidStreamStopTheDataUntilGpmfCapsReturn)
{
	start();
	const Bytes good = makePayload();
	expectSameAsAlone(push(good, 0).payloads, good, 0, GST_SECOND);
	GstCaps *audio = gst_caps_from_string("audio/x-raw");
	gst_harness_push_event(h_, gst_event_new_caps(audio));
	gst_caps_unref(audio);
	EXPECT_EQ(push(good, GST_SECOND).flow, GST_FLOW_NOT_NEGOTIATED);

	GstCaps *caps = gst_caps_from_string(kGpmdCaps);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_caps(caps)));
	gst_caps_unref(caps);
	expectSameAsAlone(push(good, 2 * GST_SECOND).payloads, good, 2 * GST_SECOND, GST_SECOND);
}

TEST_F(FaultTest, BuffersBeforeAnyCapsAreNotNegotiated)
{
	// No caps event at all: the element cannot know gpmd from a raw dump, and has no output caps.
	gst_harness_push_event(h_, gst_event_new_stream_start("faults"));
	GstSegment segment;
	gst_segment_init(&segment, GST_FORMAT_TIME);
	gst_harness_push_event(h_, gst_event_new_segment(&segment));
	const Outcome out = collect(gst_harness_push(h_, makeBuffer(makePayload(), 0, GST_SECOND)));
	EXPECT_EQ(out.flow, GST_FLOW_NOT_NEGOTIATED);
	EXPECT_TRUE(out.payloads.empty());
}

TEST_F(FaultTest, EosBeforeCapsForwardsOnlyTheEos)
{
	// Upstream failed to negotiate, and GStreamer still pushes the EOS: no records can follow.
	gst_harness_push_event(h_, gst_event_new_stream_start("faults"));
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));
	const Outcome out = collect();
	EXPECT_TRUE(eos_);
	EXPECT_TRUE(out.payloads.empty());
	EXPECT_TRUE(types_.empty()) << "no header or summary without caps";
}

TEST_F(FaultTest, EosWithoutSegmentStillGivesAValidStream)
{
	// Caps but no segment (a demuxer that failed after exposing its pad): the header and summary
	// records need a segment before them.
	gst_harness_push_event(h_, gst_event_new_stream_start("faults"));
	GstCaps *caps = gst_caps_from_string(kGpmdCaps);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_caps(caps)));
	gst_caps_unref(caps);
	ASSERT_TRUE(gst_harness_push_event(h_, gst_event_new_eos()));
	collect();
	EXPECT_TRUE(eos_);
	EXPECT_EQ(types_, (std::vector<std::string>{"header", "summary"}));
}

/* Raw dumps with garbage between payloads. */

TEST_F(FaultTest, RawDumpWithGarbageBetweenPayloadsKeepsEveryPayload)
{
	std::vector<NamedPayload> payloads = allPayloads();
	std::mt19937 random(99);
	for (std::size_t chunk : {std::size_t(underValgrind() ? 7 : 1), std::size_t(97), std::size_t(4096), std::size_t(1) << 20}) {
		SCOPED_TRACE("chunks of " + std::to_string(chunk));
		GstHarness *h = newParseHarness();
		gst_harness_set_src_caps_str(h, kRawCaps);
		GstBus *bus = gst_bus_new();
		gst_element_set_bus(h->element, bus);

		// Payloads separated by noise (never containing "DEVC"), a lone KLV that is not a DEVC,
		// and nothing; each payload once, in order.
		std::vector<Bytes> parts;
		std::vector<const Bytes *> expected;
		std::size_t garbage = 0;
		for (std::size_t i = 0; i < payloads.size(); i++) {
			Bytes noise = randomBytes(random, 1 + random() % 300);
			std::replace(noise.begin(), noise.end(), std::uint8_t('D'), std::uint8_t('d'));
			if (i % 3 == 1)
				noise = Bytes{'F', 'R', 'E', 'E', 'B', 1, 0, 4, 1, 2, 3, 4};
			if (i % 3 != 2) {
				parts.push_back(noise);
				garbage++;
			}
			parts.push_back(payloads[i].bytes);
			expected.push_back(&payloads[i].bytes);
		}
		const Bytes dump = concat(parts);
		for (std::size_t at = 0; at < dump.size(); at += chunk) {
			const std::size_t n = std::min(chunk, dump.size() - at);
			ASSERT_EQ(gst_harness_push(h, makeBuffer(Bytes(dump.begin() + std::ptrdiff_t(at),
								       dump.begin() + std::ptrdiff_t(at + n)))),
				  GST_FLOW_OK);
		}
		ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));

		std::vector<Record> records;
		drainOutput(h);
		while (GstBuffer *buffer = gst_harness_try_pull(h)) {
			Record r{bufferText(buffer), GST_BUFFER_PTS(buffer), GST_BUFFER_DURATION(buffer)};
			if (Json(r.text).string("type") == "payload")
				records.push_back(std::move(r));
			gst_buffer_unref(buffer);
		}
		ASSERT_EQ(records.size(), expected.size());
		for (std::size_t i = 0; i < records.size(); i++)
			EXPECT_TRUE(normalized(records[i].text) ==
				    normalized(pushedAlone(*expected[i], records[i].pts, records[i].duration)[0].text))
			    << "payload " << i;
		std::size_t warnings = 0, errors = 0;
		while (GstMessage *m = gst_bus_pop(bus)) {
			if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_WARNING) {
				const BusMessage w = parseBusMessage(m);
				EXPECT_NE(w.debug.find("bytes dropped"), std::string::npos) << w.debug;
				warnings++;
			}
			errors += GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR;
			gst_message_unref(m);
		}
		// One warning per stretch of garbage (several where noise looks like a KLV header).
		EXPECT_GE(warnings, garbage);
		EXPECT_EQ(errors, 0u);

		gst_bus_set_flushing(bus, TRUE);
		gst_element_set_bus(h->element, nullptr);
		gst_object_unref(bus);
		gst_harness_teardown(h);
	}
}

TEST_F(FaultTest, RawDumpOfRandomBytesEndsWithEos)
{
	start(kRawCaps);
	std::mt19937 random(5);
	for (int i = 0; i < 64; i++)
		ASSERT_EQ(gst_harness_push(h_, makeBuffer(randomBytes(random, 1 + random() % 5000))), GST_FLOW_OK);
	finish();
	EXPECT_FALSE(collect().payloads.size());
}

/* max-errors. */

TEST_F(FaultTest, MaxErrorsStopsAfterThatManyBadPayloadsInARow)
{
	g_object_set(h_->element, "max-errors", 3, nullptr);
	start();
	const Bytes good = makePayload();
	const Bytes bad{'n', 'o', 'i', 's', 'e', '!', '!', '!'};
	GstClockTime pts = 0;
	auto next = [&pts]() {
		const GstClockTime t = pts;
		pts += GST_SECOND;
		return t;
	};

	// Three in a row are skipped; a good payload starts the count again.
	for (int i = 0; i < 3; i++) {
		const GstClockTime t = next();
		expectRecordOrGap(push(bad, t), t, GST_SECOND, true, true, "bad " + std::to_string(i));
	}
	EXPECT_EQ(push(good, next()).payloads.size(), 1u);
	for (int i = 0; i < 3; i++) {
		const GstClockTime t = next();
		expectRecordOrGap(push(bad, t), t, GST_SECOND, true, true, "bad again " + std::to_string(i));
	}

	// The fourth in a row is an error, with what was wrong.
	const Outcome out = push(bad, next());
	EXPECT_EQ(out.flow, GST_FLOW_ERROR);
	EXPECT_TRUE(out.payloads.empty());
	ASSERT_EQ(out.errors.size(), 1u);
	EXPECT_EQ(out.errors[0].domain, GST_STREAM_ERROR);
	EXPECT_EQ(out.errors[0].code, GST_STREAM_ERROR_DECODE);
	EXPECT_NE(out.errors[0].message.find("Too many corrupt"), std::string::npos) << out.errors[0].message;
	EXPECT_NE(out.errors[0].debug.find("4 in a row"), std::string::npos) << out.errors[0].debug;
}

TEST_F(FaultTest, MaxErrorsCountsEmptyBuffersToo)
{
	g_object_set(h_->element, "max-errors", 1, nullptr);
	start();
	EXPECT_EQ(push({}, 0).flow, GST_FLOW_OK);
	const Outcome out = push({}, GST_SECOND);
	EXPECT_EQ(out.flow, GST_FLOW_ERROR);
	ASSERT_EQ(out.errors.size(), 1u);
	EXPECT_NE(out.errors[0].debug.find("2 in a row"), std::string::npos) << out.errors[0].debug;
}

TEST_F(FaultTest, MaxErrorsZeroStopsAtTheFirstBadPayload)
{
	g_object_set(h_->element, "max-errors", 0, nullptr);
	start();
	EXPECT_EQ(push(makePayload(), 0).payloads.size(), 1u);
	// A partly decoded payload is not an error: it still has samples.
	Bytes truncated = makePayload();
	truncated.resize(truncated.size() - 10);
	const Outcome partial = push(truncated, GST_SECOND);
	EXPECT_EQ(partial.flow, GST_FLOW_OK);
	ASSERT_EQ(partial.payloads.size(), 1u);
	EXPECT_TRUE(hasDiagnostics(partial.payloads[0]));
	const Outcome out = push({'j', 'u', 'n', 'k'}, 2 * GST_SECOND);
	EXPECT_EQ(out.flow, GST_FLOW_ERROR);
	EXPECT_EQ(out.errors.size(), 1u);
}

/* Pipelines with qtdemux over damaged MP4 files. */

struct PipelineResult {
	enum { Eos, Error, Timeout, Failed } end = Failed;
	std::vector<Record> records; ///< every record, header and summary included
	std::vector<Gap> gaps;	     ///< GAP events that reached the sink
	std::vector<BusMessage> warnings, errors;
	double seconds = 0;

	std::vector<Record> payloads() const
	{
		std::vector<Record> out;
		for (const Record &r : records) {
			if (Json(r.text).string("type") == "payload")
				out.push_back(r);
		}
		return out;
	}
};

/// Runs `launch` (with an appsink named "out") to EOS, an error or the time limit.
PipelineResult runPipeline(const std::string &launch, std::chrono::seconds limit = std::chrono::seconds(60),
			   const std::function<void(GstElement *)> &prepare = {})
{
	PipelineResult result;
	GError *error = nullptr;
	GstElement *pipeline = gst_parse_launch(launch.c_str(), &error);
	if (error) {
		ADD_FAILURE() << launch << ": " << error->message;
		g_error_free(error);
		if (pipeline)
			gst_object_unref(pipeline);
		return result;
	}
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	struct Gaps {
		std::mutex mutex;
		std::vector<Gap> list;
	} gaps;
	GstPad *pad = gst_element_get_static_pad(sink, "sink");
	gst_pad_add_probe(
	    pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
	    [](GstPad *, GstPadProbeInfo *info, gpointer data) {
		    GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
		    if (GST_EVENT_TYPE(event) == GST_EVENT_GAP) {
			    GstClockTime ts, duration;
			    gst_event_parse_gap(event, &ts, &duration);
			    auto *g = static_cast<Gaps *>(data);
			    std::lock_guard<std::mutex> lock(g->mutex);
			    g->list.emplace_back(ts, duration);
		    }
		    return GST_PAD_PROBE_OK;
	    },
	    &gaps, nullptr);
	gst_object_unref(pad);

	if (prepare)
		prepare(pipeline);
	const auto started = std::chrono::steady_clock::now();
	GstBus *bus = gst_element_get_bus(pipeline);
	result.end = PipelineResult::Timeout;
	if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
		result.end = PipelineResult::Error; // the error message is on the bus
	bool done = result.end == PipelineResult::Error;
	while (std::chrono::steady_clock::now() < started + limit) {
		GstSample *sample = done ? nullptr : gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 50 * GST_MSECOND);
		if (sample) {
			GstBuffer *b = gst_sample_get_buffer(sample);
			result.records.push_back(Record{bufferText(b), GST_BUFFER_PTS(b), GST_BUFFER_DURATION(b)});
			gst_sample_unref(sample);
		}
		while (GstMessage *m = gst_bus_pop(bus)) {
			if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_WARNING) {
				result.warnings.push_back(parseBusMessage(m));
			} else if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR) {
				result.errors.push_back(parseBusMessage(m));
				result.end = PipelineResult::Error;
			}
			gst_message_unref(m);
		}
		if (result.end == PipelineResult::Error)
			break;
		if (!sample && gst_app_sink_is_eos(GST_APP_SINK(sink))) {
			result.end = PipelineResult::Eos;
			break;
		}
		if (done)
			break;
	}
	result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
	gst_object_unref(bus);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(pipeline);
	std::lock_guard<std::mutex> lock(gaps.mutex);
	result.gaps = gaps.list;
	return result;
}

std::string launchLine(const std::filesystem::path &path)
{
	return "filesrc location=\"" + path.string() +
	       "\" ! qtdemux ! gpmfparse name=p ! appsink name=out sync=false max-buffers=0";
}

/// An MP4 file's bytes and its gpmd samples (gpmf::parseMoov).
struct Mp4File {
	Bytes bytes;
	std::optional<gpmf::Mp4Box> moov;
	std::vector<gpmf::Mp4SampleInfo> gpmd;

	explicit Mp4File(Bytes file) : bytes(std::move(file))
	{
		const gpmf::Mp4ReadFn read = [this](std::uint64_t offset, std::span<std::uint8_t> out) {
			if (offset >= bytes.size())
				return std::size_t(0);
			const std::size_t n = std::min<std::uint64_t>(out.size(), bytes.size() - offset);
			std::copy_n(bytes.begin() + std::ptrdiff_t(offset), n, out.begin());
			return n;
		};
		const gpmf::Mp4TopLevel top = gpmf::scanTopLevel(bytes.size(), read);
		moov = top.moov;
		if (!moov)
			return;
		const auto body = gpmf::readBoxBody(*moov, read);
		if (!body)
			return;
		const gpmf::Mp4Index index = gpmf::parseMoov(*body, {moov->bodyOffset(), bytes.size()});
		if (const gpmf::Mp4Track *track = gpmf::findTelemetryTrack(index))
			gpmd = track->samples;
	}
};

/*
 * The same file with moov moved before mdat ("fast start"), every stco/co64 entry shifted by the
 * size of moov: a file that can be cut short and still be indexed. nullopt when the layout is
 * not ftyp, mdat..., moov.
 */
std::optional<Bytes> moovFirst(const Mp4File &file)
{
	if (!file.moov || file.moov->end() != file.bytes.size() || file.bytes.size() < 8 ||
	    !std::equal(file.bytes.begin() + 4, file.bytes.begin() + 8, "ftyp"))
		return std::nullopt;
	const std::size_t ftypSize = (std::size_t(file.bytes[0]) << 24) | (file.bytes[1] << 16) |
				     (file.bytes[2] << 8) | file.bytes[3];
	const std::uint64_t shift = file.moov->size;
	Bytes moov(file.bytes.begin() + std::ptrdiff_t(file.moov->offset), file.bytes.end());
	const std::span<const std::uint8_t> body(moov.data() + file.moov->headerSize,
						 moov.size() - file.moov->headerSize);
	gpmf::Mp4ParseOptions options;
	options.allSamples = true;
	const gpmf::Mp4Index index = gpmf::parseMoov(body, options);
	auto load = [&moov](std::size_t at, int n) {
		std::uint64_t v = 0;
		for (int i = 0; i < n; i++)
			v = v << 8 | moov[at + std::size_t(i)];
		return v;
	};
	auto store = [&moov](std::size_t at, int n, std::uint64_t v) {
		for (int i = n - 1; i >= 0; i--, v >>= 8)
			moov[at + std::size_t(i)] = std::uint8_t(v);
	};
	for (const gpmf::Mp4Track &track : index.tracks) {
		std::size_t at = std::size_t(track.stbl.data() - moov.data());
		const std::size_t end = at + track.stbl.size();
		while (at + 16 <= end) {
			const std::size_t size = std::size_t(load(at, 4));
			const bool stco = std::equal(moov.begin() + std::ptrdiff_t(at + 4),
						     moov.begin() + std::ptrdiff_t(at + 8), "stco");
			const bool co64 = std::equal(moov.begin() + std::ptrdiff_t(at + 4),
						     moov.begin() + std::ptrdiff_t(at + 8), "co64");
			if (size < 8 || at + size > end)
				return std::nullopt;
			if (stco || co64) {
				const int width = stco ? 4 : 8;
				const std::uint64_t count = load(at + 12, 4);
				if (16 + count * std::uint64_t(width) > size)
					return std::nullopt;
				for (std::uint64_t i = 0; i < count; i++) {
					const std::size_t entry = at + 16 + std::size_t(i) * std::size_t(width);
					const std::uint64_t offset = load(entry, width) + shift;
					if (stco && offset > 0xffffffffu)
						return std::nullopt;
					store(entry, width, offset);
				}
			}
			at += size;
		}
	}
	Bytes out(file.bytes.begin(), file.bytes.begin() + std::ptrdiff_t(ftypSize));
	out.insert(out.end(), moov.begin(), moov.end());
	out.insert(out.end(), file.bytes.begin() + std::ptrdiff_t(ftypSize),
		   file.bytes.begin() + std::ptrdiff_t(file.moov->offset));
	return out;
}

void writeFile(const std::filesystem::path &path, const Bytes &bytes)
{
	std::ofstream(path, std::ios::binary)
	    .write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
}

class DamagedMp4Test : public ::testing::TestWithParam<const char *>
{
protected:
	void SetUp() override
	{
		if (!haveElement("qtdemux"))
			GTEST_SKIP() << "qtdemux is not installed";
		GPMF_REQUIRE_SAMPLE(path, GetParam());
		path_ = path;
		dir_ = std::filesystem::temp_directory_path() /
		       ("gpmfparse-faults-" + std::to_string(::getpid()) + "-" + GetParam());
		std::filesystem::create_directories(dir_);
	}

	void TearDown() override
	{
		if (!dir_.empty())
			std::filesystem::remove_all(dir_);
	}

	/// The intact file's run: the reference for every damaged copy.
	void runIntact()
	{
		intact_ = runPipeline(launchLine(path_));
		ASSERT_EQ(intact_.end, PipelineResult::Eos) << describe(intact_.errors);
		for (const Record &r : intact_.payloads())
			intactByPts_[r.pts] = r;
		ASSERT_FALSE(intactByPts_.empty());
	}

	std::filesystem::path write(const std::string &name, const Bytes &bytes)
	{
		const std::filesystem::path out = dir_ / name;
		writeFile(out, bytes);
		return out;
	}

	/// Every payload record of `run` equals the intact file's at the same time, except `damaged`.
	void expectIntactPayloads(const PipelineResult &run, const std::set<GstClockTime> &damaged)
	{
		for (const Record &r : run.payloads()) {
			if (damaged.count(r.pts))
				continue;
			auto it = intactByPts_.find(r.pts);
			ASSERT_NE(it, intactByPts_.end()) << "record at " << seconds(r.pts) << " s";
			EXPECT_EQ(r.duration, it->second.duration);
			EXPECT_TRUE(normalized(r.text) == normalized(it->second.text))
			    << "payload at " << seconds(r.pts) << " s differs from the intact file's";
		}
	}

	std::filesystem::path path_, dir_;
	PipelineResult intact_;
	std::map<GstClockTime, Record> intactByPts_;
};

TEST_P(DamagedMp4Test, CutBeforeMoovIsAClearDemuxerError)
{
	// GoPro writes moov after mdat: a cut file has no index, and qtdemux cannot play it.
	const Mp4File file(readFile(path_));
	ASSERT_TRUE(file.moov);
	ASSERT_EQ(file.moov->end(), file.bytes.size()) << "moov is not at the end";
	for (int percent : {10, 50, 90}) {
		SCOPED_TRACE(std::to_string(percent) + " %");
		const Bytes cut(file.bytes.begin(), file.bytes.begin() + std::ptrdiff_t(file.bytes.size() * percent / 100));
		const PipelineResult run = runPipeline(launchLine(write("cut.mp4", cut)));
		EXPECT_EQ(run.end, PipelineResult::Error) << "took " << run.seconds << " s";
		ASSERT_FALSE(run.errors.empty());
		EXPECT_EQ(run.errors[0].source.rfind("qtdemux", 0), 0u) << describe(run.errors);
		EXPECT_EQ(run.errors[0].domain, GST_STREAM_ERROR);
		EXPECT_NE(run.errors[0].message.find("no playable streams"), std::string::npos)
		    << describe(run.errors);
		EXPECT_TRUE(run.records.empty());
	}
}

/*
 * With moov moved to the front, a cut file keeps its index: qtdemux plays it and ends with EOS
 * at its first short read, on any track. GoPro files carry an 'fdsc' track whose samples all
 * have time 0 and are spread over the whole file, so qtdemux reads them first and stops at the
 * first one past the cut: typically only the first gpmd payload comes out. What comes out must be
 * intact and in order, and the stream must end with the summary.
 */
TEST_P(DamagedMp4Test, CutWithTheIndexFirstEndsWithEosAndIntactPayloads)
{
	runIntact();
	const Mp4File file(readFile(path_));
	const std::optional<Bytes> faststart = moovFirst(file);
	ASSERT_TRUE(faststart);
	// Uncut, the rearranged file plays exactly as the original.
	const PipelineResult whole = runPipeline(launchLine(write("faststart.mp4", *faststart)));
	ASSERT_EQ(whole.end, PipelineResult::Eos) << describe(whole.errors);
	ASSERT_EQ(whole.payloads().size(), intactByPts_.size());
	expectIntactPayloads(whole, {});

	const Mp4File moved(*faststart);
	ASSERT_EQ(moved.gpmd.size(), file.gpmd.size());
	for (int percent : {10, 50, 90}) {
		SCOPED_TRACE(std::to_string(percent) + " %");
		const std::size_t size = faststart->size() * std::size_t(percent) / 100;
		const Bytes cut(faststart->begin(), faststart->begin() + std::ptrdiff_t(size));
		const PipelineResult run = runPipeline(launchLine(write("cut.mp4", cut)));
		ASSERT_EQ(run.end, PipelineResult::Eos) << describe(run.errors);
		expectIntactPayloads(run, {});
		const std::vector<Record> payloads = run.payloads();
		std::size_t wholeSamples = 0;
		for (const gpmf::Mp4SampleInfo &s : moved.gpmd)
			wholeSamples += s.offset + s.size <= size;
		EXPECT_LE(payloads.size(), wholeSamples);
		auto it = intactByPts_.begin();
		for (std::size_t i = 0; i < payloads.size(); i++, ++it)
			EXPECT_EQ(payloads[i].pts, it->first) << "payload " << i << " is not the next one";
		ASSERT_FALSE(run.records.empty());
		EXPECT_EQ(Json(run.records.front().text).string("type"), "header");
		const Json summary(run.records.back().text);
		EXPECT_EQ(summary.string("type"), "summary");
		EXPECT_DOUBLE_EQ(summary.number("payloads"), double(payloads.size()));
	}
}

TEST_P(DamagedMp4Test, DamagedGpmdSamplesGiveWarningsAndTheRestIsIntact)
{
	runIntact();
	const Mp4File file(readFile(path_));
	ASSERT_GE(file.gpmd.size(), 8u);
	const std::vector<Record> intact = intact_.payloads();
	ASSERT_EQ(intact.size(), file.gpmd.size());

	// What is overwritten in a sample: bytes at an offset, found from the payload's structure.
	struct Damage {
		const char *what;
		std::size_t sample;
		std::function<std::optional<std::size_t>(const Bytes &)> where; ///< offset in the sample
		Bytes with;
	};
	auto at = [](std::size_t offset) {
		return [offset](const Bytes &) { return std::optional<std::size_t>(offset); };
	};
	auto strm = [](int n, std::size_t field) {
		return [n, field](const Bytes &payload) -> std::optional<std::size_t> {
			const auto offset = findStrm(payload, n);
			return offset ? std::optional<std::size_t>(*offset + field) : std::nullopt;
		};
	};
	const std::size_t last = file.gpmd.size() - 1;
	const std::vector<std::vector<Damage>> cases{
	    // The DEVC header: nothing of the payload can be read.
	    {{"DEVC header of sample 2 is noise", 2, at(0), Bytes(8, 0xa5)},
	     {"first 16 bytes of sample 6 are zeros", 6, at(0), Bytes(16, 0)}},
	    // A stream inside: the streams before it still decode.
	    {{"type of the second STRM of sample 1", 1, strm(1, 4), Bytes{0xff}},
	     {"repeat of the third STRM of sample 5", 5, strm(2, 6), Bytes{0xff, 0xff}}},
	    // The first and the last sample.
	    {{"DEVC of sample 0 says 0 bytes", 0, at(5), Bytes{1, 0, 0}},
	     {"DEVC key of the last sample", last, at(0), Bytes{'D', 'E', 'V', 'X'}}},
	};
	int variant = 0;
	for (const std::vector<Damage> &damages : cases) {
		Bytes bytes = file.bytes;
		std::set<GstClockTime> damaged;
		std::string what;
		for (const Damage &d : damages) {
			const gpmf::Mp4SampleInfo &s = file.gpmd[d.sample];
			const Bytes payload(file.bytes.begin() + std::ptrdiff_t(s.offset),
					    file.bytes.begin() + std::ptrdiff_t(s.offset + s.size));
			const std::optional<std::size_t> offset = d.where(payload);
			ASSERT_TRUE(offset && *offset + d.with.size() <= s.size) << d.what;
			std::copy(d.with.begin(), d.with.end(), bytes.begin() + std::ptrdiff_t(s.offset + *offset));
			damaged.insert(intact[d.sample].pts);
			what += std::string(d.what) + "; ";
		}
		SCOPED_TRACE(what);
		const PipelineResult run =
		    runPipeline(launchLine(write("damaged-" + std::to_string(variant++) + ".mp4", bytes)));
		ASSERT_EQ(run.end, PipelineResult::Eos) << describe(run.errors);
		expectIntactPayloads(run, damaged);

		// Each damaged payload: a record with diagnostics, or a GAP and a warning from gpmfparse.
		const std::vector<Record> payloads = run.payloads();
		std::size_t gapsForDamage = 0;
		for (GstClockTime pts : damaged) {
			auto record = std::find_if(payloads.begin(), payloads.end(),
						   [pts](const Record &r) { return r.pts == pts; });
			const bool gap = std::find_if(run.gaps.begin(), run.gaps.end(), [pts](const Gap &g) {
						 return g.first == pts;
					 }) != run.gaps.end();
			if (record != payloads.end()) {
				EXPECT_FALSE(gap);
				EXPECT_TRUE(hasDiagnostics(*record)) << record->text;
			} else {
				EXPECT_TRUE(gap) << "nothing for the damaged payload at " << seconds(pts) << " s";
				gapsForDamage++;
			}
		}
		std::size_t warnings = 0;
		for (const BusMessage &w : run.warnings) {
			if (w.source != "p")
				continue;
			warnings++;
			EXPECT_EQ(w.code, GST_STREAM_ERROR_DECODE);
			EXPECT_NE(w.debug.find("payload"), std::string::npos) << w.debug;
		}
		EXPECT_EQ(warnings, gapsForDamage) << describe(run.warnings);
		// Nothing else is missing: intact records plus damaged ones account for every sample.
		EXPECT_EQ(payloads.size() + gapsForDamage, intact.size());
		const Json summary(run.records.back().text);
		EXPECT_EQ(summary.string("type"), "summary");
		EXPECT_DOUBLE_EQ(summary.number("payloads"), double(intact.size()));
	}
}

INSTANTIATE_TEST_SUITE_P(GoPro, DamagedMp4Test, ::testing::Values("karma.mp4", "hero7.mp4", "max-heromode.mp4"),
			 [](const ::testing::TestParamInfo<const char *> &info) {
				 std::string name = info.param;
				 name = name.substr(0, name.find('.'));
				 std::replace(name.begin(), name.end(), '-', '_');
				 return name;
			 });

/*
 * A telemetry-only MP4 (gpmf::writeMp4) from the real payloads of hero5-track.bin, moov first,
 * cut at 10, 50 and 90 %: the gpmd track is the only one, so every payload whose bytes lie
 * before the cut comes out exactly as from the whole file, then the summary and EOS.
 */
TEST(CutTelemetryMp4, EveryPayloadBeforeTheCutComesOut)
{
	if (!haveElement("qtdemux"))
		GTEST_SKIP() << "qtdemux is not installed";
	GPMF_REQUIRE_SAMPLE(track, "hero5-track.bin");
	const Bytes dump = readFile(track);
	const gpmf::SplitResult split = gpmf::splitRawTrack(dump);
	ASSERT_EQ(split.payloads.size(), 34u);
	gpmf::Mp4Recording recording;
	recording.timescale = 1000;
	for (const gpmf::RawPayload &p : split.payloads)
		recording.samples.push_back(gpmf::Mp4Sample{Bytes(p.bytes.begin(), p.bytes.end()), 1001});
	const Mp4File file(gpmf::writeMp4(recording));
	const std::optional<Bytes> faststart = moovFirst(file);
	ASSERT_TRUE(faststart);
	const Mp4File moved(*faststart);
	ASSERT_EQ(moved.gpmd.size(), 34u);

	const std::filesystem::path dir =
	    std::filesystem::temp_directory_path() / ("gpmfparse-faults-" + std::to_string(::getpid()) + "-cut");
	std::filesystem::create_directories(dir);
	writeFile(dir / "whole.mp4", *faststart);
	const PipelineResult whole = runPipeline(launchLine(dir / "whole.mp4"));
	ASSERT_EQ(whole.end, PipelineResult::Eos) << describe(whole.errors);
	const std::vector<Record> reference = whole.payloads();
	ASSERT_EQ(reference.size(), 34u);

	for (int percent : {10, 50, 90}) {
		SCOPED_TRACE(std::to_string(percent) + " %");
		const std::size_t size = faststart->size() * std::size_t(percent) / 100;
		writeFile(dir / "cut.mp4", Bytes(faststart->begin(), faststart->begin() + std::ptrdiff_t(size)));
		const PipelineResult run = runPipeline(launchLine(dir / "cut.mp4"));
		EXPECT_EQ(run.end, PipelineResult::Eos) << describe(run.errors);
		std::size_t wholeSamples = 0;
		while (wholeSamples < moved.gpmd.size() &&
		       moved.gpmd[wholeSamples].offset + moved.gpmd[wholeSamples].size <= size)
			wholeSamples++;
		const std::vector<Record> payloads = run.payloads();
		// qtdemux does not push the sample it could not read whole: nothing after the cut.
		ASSERT_EQ(payloads.size(), wholeSamples);
		for (std::size_t i = 0; i < payloads.size(); i++) {
			EXPECT_EQ(payloads[i].pts, reference[i].pts);
			EXPECT_TRUE(Json(payloads[i].text) == Json(reference[i].text)) << "payload " << i;
		}
		ASSERT_FALSE(run.records.empty());
		EXPECT_EQ(Json(run.records.back().text).string("type"), "summary");
	}
	std::filesystem::remove_all(dir);
}

TEST(WrongCapsPipeline, VideoIntoGpmfparseIsAClearError)
{
	if (!haveElement("videotestsrc") || !haveElement("appsrc"))
		GTEST_SKIP() << "videotestsrc or appsrc is not installed";
	// A source that can only make video is not even linked.
	GError *error = nullptr;
	GstElement *pipeline = gst_parse_launch("videotestsrc ! gpmfparse ! fakesink", &error);
	ASSERT_NE(error, nullptr);
	EXPECT_TRUE(g_error_matches(error, GST_PARSE_ERROR, GST_PARSE_ERROR_LINK)) << error->message;
	g_error_free(error);
	if (pipeline)
		gst_object_unref(pipeline);

	// One that says video only once it runs gets not-negotiated, posted as an error by the source.
	const PipelineResult run = runPipeline(
	    "appsrc name=src format=time caps=video/x-raw,format=I420,width=64,height=48,framerate=30/1 "
	    "! gpmfparse ! appsink name=out",
	    std::chrono::seconds(20), [](GstElement *pipeline) {
		    GstElement *src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
		    GstBuffer *buffer = makeBuffer(makePayload(), 0, GST_SECOND);
		    gst_app_src_push_buffer(GST_APP_SRC(src), buffer);
		    gst_app_src_end_of_stream(GST_APP_SRC(src));
		    gst_object_unref(src);
	    });
	EXPECT_EQ(run.end, PipelineResult::Error) << "took " << run.seconds << " s";
	ASSERT_EQ(run.errors.size(), 1u);
	EXPECT_EQ(run.errors[0].source, "src");
	EXPECT_TRUE(run.errors[0].domain == GST_STREAM_ERROR) << describe(run.errors);
	EXPECT_NE(run.errors[0].debug.find("not-negotiated"), std::string::npos) << describe(run.errors);
	EXPECT_TRUE(run.records.empty());
}

} // namespace
