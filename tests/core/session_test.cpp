// SPDX-License-Identifier: GPL-2.0-or-later
// gpmf::Session: one decoding path, the same events whatever the threads and however the bytes
// arrive.

#include "gpmf/session.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "gpmf/klv_writer.h"
#include "gpmf/records.h"
#include "samples.h"
#include "support/demo.h"

namespace gpmf {
namespace {

// An event as a comparable line: kind, times, part and the record or message.
struct Seen {
	std::vector<std::string> lines;
	std::size_t gpsPoints = 0;
	std::size_t payloads = 0;

	SessionHandler handler()
	{
		return [this](SessionEvent &e) {
			std::string line = std::to_string(int(e.kind)) + " " + std::to_string(e.pts) + " " +
					   std::to_string(e.duration) + " " + std::to_string(e.part) + " ";
			if (e.json)
				line += *e.json;
			line += std::string(e.message) + "|" + std::string(e.detail);
			if (e.gps)
				gpsPoints += e.gps->size();
			if (e.kind == SessionEvent::Kind::Payload && e.part <= 0)
				payloads++;
			lines.push_back(std::move(line));
			return true;
		};
	}
};

// "" when equal, else where two event lists first differ (records are long: only their start).
std::string firstDifference(const std::vector<std::string> &a, const std::vector<std::string> &b)
{
	for (std::size_t i = 0; i < std::max(a.size(), b.size()); i++) {
		const std::string x = i < a.size() ? a[i] : "(none)";
		const std::string y = i < b.size() ? b[i] : "(none)";
		if (x != y)
			return "event " + std::to_string(i) + ": " + x.substr(0, 160) + " <> " + y.substr(0, 160);
	}
	return "";
}

// The demo recording's payloads, with an empty and a corrupt one in between.
std::vector<Mp4Sample> demoPayloads(double seconds)
{
	DemoOptions options;
	options.seconds = seconds;
	std::vector<Mp4Sample> samples = makeDemoRecording(options).samples;
	samples.insert(samples.begin() + 2, Mp4Sample{});
	Mp4Sample noise = samples[3];
	noise.data.assign(noise.data.size(), 0x5a);
	samples.insert(samples.begin() + 4, noise);
	return samples;
}

std::vector<std::string> decodeAll(const std::vector<Mp4Sample> &payloads, SessionOptions options)
{
	Seen seen;
	Session session(options, seen.handler());
	Nanoseconds pts = 0;
	for (const Mp4Sample &p : payloads) {
		const Nanoseconds duration = 1001000000;
		EXPECT_TRUE(session.pushPayload(p.data, pts, duration));
		pts += duration;
	}
	EXPECT_TRUE(session.end());
	return seen.lines;
}

TEST(Session, HelperThreadsGiveTheEventsOfOneThreadInTheSameOrder)
{
	const std::vector<Mp4Sample> payloads = demoPayloads(40);
	for (Nanoseconds interval : {Nanoseconds(0), Nanoseconds(300000000)}) {
		SessionOptions options;
		options.interval = interval;
		const std::vector<std::string> one = decodeAll(payloads, options);
		ASSERT_GT(one.size(), 40u);
		for (unsigned threads : {2u, 4u}) {
			options.threads = threads;
			EXPECT_EQ(firstDifference(decodeAll(payloads, options), one), "") << threads << " threads, interval " << interval;
		}
	}
}

// A handler may take a payload at its last window (gpmfattach swaps it into its store): the
// payloads it takes are the ones a copying handler keeps, and what it leaves behind (an old
// payload's memory) never shows in the next ones, with or without helper threads.
TEST(Session, PayloadsTakenAtTheirLastWindowAreThoseACopyKeeps)
{
	const std::vector<Mp4Sample> payloads = demoPayloads(12);
	auto collect = [&](SessionOptions options, bool take) {
		std::vector<std::string> records;
		Payload spare; // handed back each time, as a store recycles its old entries
		std::size_t taken = 0;
		std::vector<std::pair<std::uint64_t, bool>> windows; // payload index, takeable
		Session session(options, [&](SessionEvent &e) {
			if (e.kind != SessionEvent::Kind::Payload)
				return true;
			windows.emplace_back(e.payload->index, e.takeablePayload != nullptr);
			if (!e.takeablePayload)
				return true;
			EXPECT_EQ(e.takeablePayload, e.payload);
			std::string record;
			if (take) {
				std::swap(spare, *e.takeablePayload);
				writePayloadRecord(record, spare);
				taken++;
			} else {
				writePayloadRecord(record, *e.payload);
			}
			records.push_back(std::move(record));
			return true;
		});
		Nanoseconds pts = 0;
		for (const Mp4Sample &p : payloads) {
			EXPECT_TRUE(session.pushPayload(p.data, pts, 1001000000));
			pts += 1001000000;
		}
		EXPECT_TRUE(session.end());
		EXPECT_EQ(taken, take ? records.size() : 0u);
		// Each payload's last window, and only that one, may be taken.
		for (std::size_t i = 0; i < windows.size(); i++) {
			const bool last = i + 1 == windows.size() || windows[i + 1].first != windows[i].first;
			EXPECT_EQ(windows[i].second, last) << "window " << i << " of payload " << windows[i].first;
		}
		return records;
	};
	for (Nanoseconds interval : {Nanoseconds(0), Nanoseconds(300000000)}) {
		for (unsigned threads : {1u, 3u}) {
			SessionOptions options;
			options.interval = interval;
			options.threads = threads;
			const std::vector<std::string> copied = collect(options, false);
			ASSERT_GE(copied.size(), 10u);
			EXPECT_EQ(collect(options, true), copied) << threads << " threads, interval " << interval;
		}
	}
}

TEST(Session, HeaderComesBeforeTheFirstPayloadRecordAndSummaryLast)
{
	const std::vector<std::string> lines = decodeAll(demoPayloads(5), {});
	ASSERT_GE(lines.size(), 4u);
	// Payloads 0 and 1; the empty one (a warning and a gap); payload 2; the corrupt one, which
	// the decoder counts as payload 3 (a warning and a gap).
	EXPECT_EQ(lines[0].rfind("0 0 0 -1 {\"type\":\"header\"", 0), 0u) << lines[0].substr(0, 100);
	EXPECT_NE(lines[1].find("\"type\":\"payload\""), std::string::npos);
	EXPECT_NE(lines[3].find("Empty GPMF payload|zero-length buffer at 0:00:02.002000000"), std::string::npos) << lines[3].substr(0, 200);
	EXPECT_EQ(lines[4].rfind(std::to_string(int(SessionEvent::Kind::Gap)) + " 2002000000 1001000000", 0), 0u);
	EXPECT_EQ(lines[5].rfind("1 3003000000 1001000000 -1 {\"type\":\"payload\",\"index\":2,", 0), 0u);
	EXPECT_NE(lines[6].find("Corrupt GPMF payload|payload 3 at 0:00:04.004000000, 7192 bytes: "), std::string::npos)
		<< lines[6].substr(0, 200);
	EXPECT_EQ(lines[7].rfind(std::to_string(int(SessionEvent::Kind::Gap)) + " 4004000000 1001000000", 0), 0u);
	EXPECT_NE(lines.back().find("\"type\":\"summary\""), std::string::npos);
}

TEST(Session, WithoutPayloadsTheHeaderStillPrecedesTheSummary)
{
	Seen seen;
	Session session({}, seen.handler());
	Header header;
	header.camera = "HERO11 Black";
	session.setHeader(header);
	ASSERT_TRUE(session.end());
	ASSERT_EQ(seen.lines.size(), 2u);
	EXPECT_NE(seen.lines[0].find("\"camera\":\"HERO11 Black\""), std::string::npos);
	EXPECT_NE(seen.lines[1].find("\"payloads\":0"), std::string::npos);
}

TEST(Session, RecordsAreThoseOfTheRecordWriter)
{
	const std::vector<Mp4Sample> payloads = demoPayloads(3);
	Decoder decoder;
	std::string expected;
	expected += "";
	Seen seen;
	Session session({}, seen.handler());
	ASSERT_TRUE(session.pushPayload(payloads[0].data, 0, 1001000000));
	writePayloadRecord(expected, decoder.decode(payloads[0].data, 0, 1.001));
	ASSERT_EQ(seen.lines.size(), 2u);
	EXPECT_EQ(seen.lines[1], "1 0 1001000000 -1 " + expected + "|");
}

TEST(Session, ARawDumpGivesTheSameEventsHoweverItsBytesArrive)
{
	std::vector<std::uint8_t> dump;
	for (const Mp4Sample &p : demoPayloads(12))
		dump.insert(dump.end(), p.data.begin(), p.data.end());
	dump.insert(dump.end(), {'J', 'U', 'N', 'K', 1, 2, 3}); // a torn tail

	const auto read = [&dump](std::size_t piece, unsigned threads) {
		Seen seen;
		SessionOptions options;
		options.threads = threads;
		Session session(options, seen.handler());
		for (std::size_t at = 0; at < dump.size(); at += piece)
			EXPECT_TRUE(session.pushRaw(std::span(dump).subspan(at, std::min(piece, dump.size() - at))));
		EXPECT_TRUE(session.endRaw());
		EXPECT_TRUE(session.end());
		return seen;
	};
	const Seen whole = read(dump.size(), 1);
	EXPECT_EQ(whole.payloads, 12u); // the empty payload is no bytes at all in a dump, the noise is skipped
	bool skipped = false;
	for (const std::string &line : whole.lines)
		skipped = skipped || line.find("Corrupt GPMF data skipped|") != std::string::npos;
	EXPECT_TRUE(skipped);
	for (std::size_t piece : {std::size_t(1), std::size_t(7), std::size_t(4096)})
		EXPECT_EQ(firstDifference(read(piece, 1).lines, whole.lines), "") << "pieces of " << piece;
	EXPECT_EQ(firstDifference(read(100, 3).lines, whole.lines), "") << "3 threads";
}

TEST(Session, AHandlerThatSaysStopStopsTheSessionUntilItIsDiscarded)
{
	const std::vector<Mp4Sample> payloads = demoPayloads(10);
	for (unsigned threads : {1u, 3u}) {
		std::size_t calls = 0;
		SessionOptions options;
		options.threads = threads;
		Session session(options, [&calls](SessionEvent &) { return ++calls < 3; });
		bool stopped = false;
		for (std::size_t i = 0; i < payloads.size() && !stopped; i++)
			stopped = !session.pushPayload(payloads[i].data, i * 1000000000, 1000000000);
		stopped = stopped || !session.flush();
		EXPECT_TRUE(stopped);
		EXPECT_EQ(calls, 3u);
		EXPECT_FALSE(session.pushPayload(payloads[0].data, 0, 1000000000));
		session.discard();
		calls = 0;
		EXPECT_TRUE(session.pushPayload(payloads[0].data, 0, 1000000000)) << threads;
	}
}

TEST(Session, AMissingTimeFollowsThePreviousPayload)
{
	const std::vector<Mp4Sample> payloads = demoPayloads(3);
	Seen seen;
	SessionOptions options;
	options.header = false;
	Session session(options, seen.handler());
	ASSERT_TRUE(session.pushPayload(payloads[0].data, 5000000000, kNoTime));
	ASSERT_TRUE(session.pushPayload(payloads[1].data, kNoTime, kNoTime));
	ASSERT_EQ(seen.lines.size(), 2u);
	EXPECT_EQ(seen.lines[0].rfind("1 5000000000 1000000000 ", 0), 0u);
	EXPECT_EQ(seen.lines[1].rfind("1 6000000000 1000000000 ", 0), 0u);
}

// HERO11 writes GPS5 and GPS9: once a device has given GPS9, a payload of it with GPS5 alone
// must not put GPS5 points in the track (they would duplicate the GPS9 fixes).
TEST(GpsTrack, ADeviceThatWroteGps9NeverContributesGps5)
{
	const auto payload = [](bool withGps9) {
		KlvWriter w;
		w.begin(FourCC("DEVC"));
		w.integers(FourCC("DVID"), 'L', {1});
		w.begin(FourCC("STRM"));
		w.integers(FourCC("SCAL"), 'l', {10000000, 10000000, 1000, 1000, 100});
		w.integers(FourCC("GPS5"), 'l', {423000000, -86000000, 30000, 1000, 100}, 5);
		w.end();
		if (withGps9) {
			w.begin(FourCC("STRM"));
			w.integers(FourCC("SCAL"), 'l', {10000000, 10000000, 1000, 1000, 100, 1, 1000, 100, 1});
			w.string(FourCC("TYPE"), "lllllllSS");
			w.raw(FourCC("GPS9"), '?', 32, 1,
			      std::vector<std::uint8_t>{0x19, 0x36, 0xd4, 0xc0, 0xfa, 0xdf, 0xc4, 0x80, 0, 0, 0x75, 0x30,
							0, 0, 0x03, 0xe8, 0, 0, 0, 0x64, 0, 0, 0x21, 0x34, 0, 0x01,
							0x86, 0xa0, 0, 0x64, 0, 3});
			w.end();
		}
		w.end();
		return w.take();
	};
	Decoder decoder;
	GpsTrack track;
	std::vector<GpsPoint> points;
	track.add(decoder.decode(payload(false), 0, 1), points);
	ASSERT_EQ(points.size(), 1u);
	EXPECT_EQ(points[0].source, "GPS5"); // no GPS9 seen yet: GPS5 is the track
	track.add(decoder.decode(payload(true), 1, 1), points);
	ASSERT_EQ(points.size(), 2u);
	EXPECT_EQ(points[1].source, "GPS9");
	track.add(decoder.decode(payload(false), 2, 1), points);
	EXPECT_EQ(points.size(), 2u);
	// gpsPoints() alone, per payload, would have taken it.
	EXPECT_EQ(gpsPoints(decoder.decode(payload(false), 3, 1)).size(), 1u);
}

TEST(GpsTrack, AnIntervalKeepsTheFirstPointOfEachSlot)
{
	DemoOptions options;
	options.seconds = 4;
	options.camera = DemoCamera::Hero7; // GPS5 at 18 Hz
	Decoder decoder;
	GpsTrack every, thinned(0.5);
	std::vector<GpsPoint> all, some;
	double pts = 0;
	for (const Mp4Sample &p : makeDemoRecording(options).samples) {
		const Payload payload = decoder.decode(p.data, pts, 1.001);
		every.add(payload, all);
		thinned.add(payload, some);
		pts += 1.001;
	}
	ASSERT_GT(all.size(), 60u);
	EXPECT_EQ(some.size(), std::size_t(std::ceil(all.back().time / 0.5)));
	for (std::size_t i = 1; i < some.size(); i++)
		EXPECT_GE(some[i].time - some[i - 1].time, 0.5 - 1.0 / 18);
}

} // namespace
} // namespace gpmf
