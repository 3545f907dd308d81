// SPDX-License-Identifier: GPL-2.0-or-later
// The MP4 index: finding moov without reading mdat, the sample tables of the telemetry track,
// qtdemux's timestamps (checked against GStreamer 1.22 itself), udta, and hostile boxes.
//
// Where the expected values come from (the oracle is qtdemux, never this code):
//  - Real samples: `gst-launch-1.0 -v filesrc location=F ! qtdemux name=d d.meta_0 ! fakesink
//    silent=false` (GStreamer 1.22.0, Debian 12): the "chain" lines give size, pts and duration
//    of each buffer and the SEGMENT event its start/stop/time; the same run with
//    GST_DEBUG=qtdemux:6 gives the offset of each gpmd sample ("creating entry N with offset O
//    and size S" after "parsing samples for stream fourcc gpmd") and the mvhd/tkhd/mdhd/hdlr/
//    stsd dumps; `... d.meta_0 ! filesink location=x.bin` gives the bytes qtdemux pushed
//    (hashed below with FNV-1a 64); the private-qt-tag samples of the TAG event give the udta
//    atoms. Top-level box offsets: `ffprobe -v trace F` ("type:'moov' parent:'root' sz: ...").
//  - Built files: the DISABLED_WriteOracleFiles test below writes them to $GPMF_MP4_ORACLE_DIR;
//    the constants are the output of the same gst-launch command on those files.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpmf/byte_reader.h"
#include "gpmf/header.h"
#include "gpmf/mp4_index.h"
#include "support/mp4_writer.h"
#include "samples.h"

using namespace gpmf;

namespace {

using Bytes = std::vector<std::uint8_t>;

std::uint64_t fnv1a(std::span<const std::uint8_t> bytes, std::uint64_t h = 0xcbf29ce484222325ull)
{
	for (std::uint8_t b : bytes)
		h = (h ^ b) * 0x100000001b3ull;
	return h;
}

Mp4ReadFn memoryReader(const Bytes &file, std::uint64_t *bytesRead = nullptr)
{
	return [&file, bytesRead](std::uint64_t offset, std::span<std::uint8_t> out) -> std::size_t {
		if (offset >= file.size())
			return 0;
		const std::size_t n = std::min<std::uint64_t>(out.size(), file.size() - offset);
		std::copy_n(file.begin() + offset, n, out.begin());
		if (bytesRead)
			*bytesRead += n;
		return n;
	};
}

/// Reads a real file through the callback, counting what was read.
struct FileSource {
	explicit FileSource(const std::filesystem::path &path)
	    : in(path, std::ios::binary), size(std::filesystem::file_size(path))
	{
	}
	Mp4ReadFn reader()
	{
		return [this](std::uint64_t offset, std::span<std::uint8_t> out) -> std::size_t {
			in.clear();
			in.seekg(std::streamoff(offset));
			in.read(reinterpret_cast<char *>(out.data()), std::streamsize(out.size()));
			const auto n = std::size_t(in.gcount());
			bytesRead += n;
			return n;
		};
	}
	std::ifstream in;
	std::uint64_t size;
	std::uint64_t bytesRead = 0;
};

/// The whole path the demuxer takes: scan, read moov, index it.
struct Opened {
	Mp4TopLevel top;
	Bytes moov;
	Mp4Index index;
};

Opened open(std::uint64_t fileSize, const Mp4ReadFn &read)
{
	Opened o;
	o.top = scanTopLevel(fileSize, read);
	if (!o.top.moov)
		return o;
	auto body = readBoxBody(*o.top.moov, read);
	if (!body)
		return o;
	o.moov = std::move(*body);
	o.index = parseMoov(o.moov, {o.top.moov->bodyOffset(), fileSize, false});
	return o;
}

std::string messages(const std::vector<Diagnostic> &diagnostics)
{
	std::string s;
	for (const Diagnostic &d : diagnostics)
		s += d.message() + "\n";
	return s;
}

bool mentions(const std::vector<Diagnostic> &diagnostics, Errc code, const std::string &words)
{
	return std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic &d) {
		return d.code == code && d.message().find(words) != std::string::npos;
	});
}

// -------------------------------------------------------------------------------------------
// A small box writer for hand-made files (independent of gpmf::writeMp4).

class BoxWriter
{
public:
	BoxWriter &open(FourCC type)
	{
		open_.push_back(out.size());
		u32(0);
		u32(type.value());
		return *this;
	}
	BoxWriter &full(FourCC type, std::uint8_t version, std::uint32_t flags = 0)
	{
		open(type);
		u32((std::uint32_t(version) << 24) | flags);
		return *this;
	}
	BoxWriter &close()
	{
		const std::size_t at = open_.back();
		open_.pop_back();
		const std::uint64_t size = out.size() - at;
		for (int i = 0; i < 4; i++)
			out[at + i] = std::uint8_t(size >> (24 - 8 * i));
		return *this;
	}
	BoxWriter &be(std::uint64_t v, int bytes)
	{
		for (int i = bytes - 1; i >= 0; i--)
			out.push_back(std::uint8_t(v >> (8 * i)));
		return *this;
	}
	BoxWriter &u8(std::uint8_t v) { return be(v, 1); }
	BoxWriter &u16(std::uint16_t v) { return be(v, 2); }
	BoxWriter &u32(std::uint64_t v) { return be(v, 4); }
	BoxWriter &u64(std::uint64_t v) { return be(v, 8); }
	BoxWriter &zeros(std::size_t n)
	{
		out.insert(out.end(), n, 0);
		return *this;
	}
	BoxWriter &text(std::string_view s)
	{
		out.insert(out.end(), s.begin(), s.end());
		return *this;
	}
	/// A leaf box with raw body bytes.
	BoxWriter &leaf(FourCC type, const Bytes &body)
	{
		open(type);
		out.insert(out.end(), body.begin(), body.end());
		return close();
	}

	Bytes out;

private:
	std::vector<std::size_t> open_;
};

struct EditSpec {
	std::uint64_t duration;
	std::int64_t mediaTime;
	std::uint32_t rate = 0x10000;
};

/// A file with one gpmd track, built box by box. Samples are laid out chunk by chunk in mdat
/// with `chunkGap` filler bytes between chunks; sample i holds (size_i) bytes of value i + 1.
struct Spec {
	std::uint32_t movieTimescale = 1000;
	std::uint32_t mediaTimescale = 1000;
	std::optional<std::uint64_t> movieDuration; ///< default: the media duration, rescaled
	std::vector<std::uint32_t> durations;
	std::vector<std::uint32_t> sizes;
	std::vector<std::array<std::uint32_t, 3>> stsc = {{1, 1, 1}};
	bool fixedSize = false; ///< stsz with one size for all (sizes[0])
	bool co64 = false;
	std::size_t chunkGap = 0;
	std::optional<std::vector<EditSpec>> edits;
	std::uint8_t elstVersion = 0;
	std::vector<std::pair<FourCC, Bytes>> udta;
};

/// The number of samples in each chunk, following the stsc runs.
std::vector<std::uint32_t> chunkSizes(const Spec &spec)
{
	std::vector<std::uint32_t> chunks;
	std::size_t placed = 0;
	for (std::size_t e = 0; e < spec.stsc.size() && placed < spec.sizes.size(); e++) {
		const std::uint32_t first = spec.stsc[e][0];
		const std::uint64_t next = e + 1 < spec.stsc.size() ? spec.stsc[e + 1][0] : ~std::uint64_t(0);
		for (std::uint64_t c = first; c < next && placed < spec.sizes.size(); c++) {
			const std::uint32_t n =
			    std::min<std::uint64_t>(spec.stsc[e][1], spec.sizes.size() - placed);
			chunks.push_back(n);
			placed += n;
		}
	}
	return chunks;
}

Bytes buildMp4(const Spec &spec)
{
	BoxWriter w;
	w.open("ftyp").text("mp41").u32(0).text("mp41isom").close();

	std::vector<std::uint64_t> chunkOffsets;
	w.open("mdat");
	std::size_t sample = 0;
	for (std::uint32_t n : chunkSizes(spec)) {
		w.zeros(spec.chunkGap);
		chunkOffsets.push_back(w.out.size());
		for (std::uint32_t k = 0; k < n; k++, sample++)
			w.out.insert(w.out.end(), spec.sizes[sample], std::uint8_t(sample + 1));
	}
	w.close();

	std::uint64_t mediaDuration = 0;
	for (std::uint32_t d : spec.durations)
		mediaDuration += d;
	const std::uint64_t movieDuration =
	    spec.movieDuration.value_or(mediaDuration * spec.movieTimescale / spec.mediaTimescale);

	w.open("moov");
	w.full("mvhd", 0).u32(0).u32(0).u32(spec.movieTimescale).u32(movieDuration);
	w.u32(0x10000).u16(0x100).zeros(10).zeros(36).zeros(24).u32(2).close();
	if (!spec.udta.empty()) {
		w.open("udta");
		for (const auto &[type, body] : spec.udta)
			w.leaf(type, body);
		w.close();
	}
	w.open("trak");
	w.full("tkhd", 0, 3).u32(0).u32(0).u32(1).u32(0).u32(movieDuration).zeros(60).close();
	if (spec.edits) {
		w.open("edts").full("elst", spec.elstVersion).u32(spec.edits->size());
		for (const EditSpec &e : *spec.edits) {
			w.be(e.duration, spec.elstVersion ? 8 : 4);
			w.be(std::uint64_t(e.mediaTime), spec.elstVersion ? 8 : 4);
			w.u32(e.rate);
		}
		w.close().close();
	}
	w.open("mdia");
	w.full("mdhd", 0)
	    .u32(0)
	    .u32(0)
	    .u32(spec.mediaTimescale)
	    .u32(mediaDuration)
	    .u16(0x55c4)
	    .u16(0)
	    .close();
	w.full("hdlr", 0).text("mhlrmeta").zeros(12).u8(11).text("GoPro MET  ").close();
	w.open("minf").open("gmhd").full("gmin", 0).zeros(12).close().close();
	w.open("stbl");
	w.full("stsd", 0).u32(1).open("gpmd").zeros(6).u16(1).u32(0).close().close();

	std::vector<std::pair<std::uint32_t, std::uint32_t>> runs;
	for (std::uint32_t d : spec.durations) {
		if (!runs.empty() && runs.back().second == d)
			runs.back().first++;
		else
			runs.emplace_back(1, d);
	}
	w.full("stts", 0).u32(runs.size());
	for (const auto &[n, d] : runs)
		w.u32(n).u32(d);
	w.close();
	w.full("stsc", 0).u32(spec.stsc.size());
	for (const auto &e : spec.stsc)
		w.u32(e[0]).u32(e[1]).u32(e[2]);
	w.close();
	w.full("stsz", 0).u32(spec.fixedSize ? spec.sizes.at(0) : 0).u32(spec.sizes.size());
	if (!spec.fixedSize) {
		for (std::uint32_t s : spec.sizes)
			w.u32(s);
	}
	w.close();
	w.full(spec.co64 ? "co64" : "stco", 0).u32(chunkOffsets.size());
	for (std::uint64_t o : chunkOffsets)
		w.be(o, spec.co64 ? 8 : 4);
	w.close();
	w.close().close().close().close(); /* stbl minf mdia trak */
	w.close();			   /* moov */
	return w.out;
}

/// A buffer as qtdemux pushes it: file offset, size, PTS and duration in ns.
struct QtBuffer {
	std::uint64_t offset;
	std::uint32_t size;
	std::uint64_t pts;
	std::uint64_t duration;
};

/// A SEGMENT event as qtdemux pushes it (ns).
struct QtSegment {
	std::uint64_t start, stop, time, base;
};

constexpr std::uint64_t kNone = kMp4NoTime;

void expectPlayback(const Mp4Track &track, const Mp4Playback &plan, const std::vector<QtSegment> &segments,
		    const std::vector<QtBuffer> &buffers)
{
	ASSERT_EQ(plan.segments.size(), segments.size());
	for (std::size_t i = 0; i < segments.size(); i++) {
		SCOPED_TRACE("segment " + std::to_string(i));
		EXPECT_EQ(plan.segments[i].start, segments[i].start);
		EXPECT_EQ(plan.segments[i].stop, segments[i].stop);
		EXPECT_EQ(plan.segments[i].time, segments[i].time);
		EXPECT_EQ(plan.segments[i].base, segments[i].base);
	}
	ASSERT_EQ(plan.samples.size(), buffers.size());
	for (std::size_t i = 0; i < buffers.size(); i++) {
		SCOPED_TRACE("buffer " + std::to_string(i));
		const Mp4SampleInfo &s = track.samples.at(plan.samples[i].sample);
		if (buffers[i].offset) {
			EXPECT_EQ(s.offset, buffers[i].offset);
		}
		EXPECT_EQ(s.size, buffers[i].size);
		EXPECT_EQ(plan.samples[i].pts, buffers[i].pts);
		EXPECT_EQ(plan.samples[i].duration, buffers[i].duration);
	}
}

// -------------------------------------------------------------------------------------------
// Real GoPro files

struct TrackExpect {
	std::uint32_t id;
	FourCC handler;
	const char *name;
	FourCC entry;
	std::uint32_t timescale;
	std::uint64_t duration;
};

struct UdtaExpect {
	FourCC type;
	std::size_t size;
};

struct RealFile {
	const char *name;
	std::uint64_t moovOffset, moovSize;
	std::uint32_t movieTimescale;
	std::uint64_t movieDuration;
	std::vector<TrackExpect> tracks;
	std::vector<QtBuffer> buffers;
	std::uint64_t segmentStop;
	std::uint64_t payloadHash; ///< FNV-1a of the bytes qtdemux pushed on meta_0
	std::vector<UdtaExpect> udta;
	std::uint64_t udtaHash; ///< FNV-1a of the private-qt-tag atoms, in order
	const char *firmware;
};

std::vector<TrackExpect> goproTracks(std::uint64_t video, std::uint64_t audio, std::uint64_t gpmd)
{
	return {{1, "vide", "GoPro AVC", "avc1", 90000, video},
		{2, "soun", "GoPro AAC", "mp4a", 48000, audio},
		{3, "tmcd", "GoPro TCD", "tmcd", 90000, video},
		{4, "meta", "GoPro MET", "gpmd", 1000, gpmd},
		{5, "meta", "GoPro SOS", "fdsc", 90000, video}};
}

const std::vector<RealFile> &realFiles()
{
	static const std::vector<RealFile> files = {
	    {"hero7.mp4",
	     4059027,
	     43662,
	     90000,
	     1057056,
	     goproTracks(1057056, 563200, 11011),
	     {{364343, 4560, 0, 1001000000},
	      {368919, 5796, 1001000000, 1001000000},
	      {704306, 5464, 2002000000, 1001000000},
	      {1034258, 5392, 3003000000, 1001000000},
	      {1379329, 5484, 4004000000, 1001000000},
	      {1724739, 5504, 5005000000, 1001000000},
	      {2069836, 5464, 6006000000, 1001000000},
	      {2409937, 5464, 7007000000, 1001000000},
	      {2747954, 5464, 8008000000, 1001000000},
	      {3091735, 5464, 9009000000, 1001000000},
	      {3434896, 5524, 10010000000, 1001000000}},
	     11011000000,
	     0x1ae62dd05cfb0053,
	     {{"\xa9xyz", 30},
	      {"FIRM", 23},
	      {"LENS", 56},
	      {"CAME", 24},
	      {"SETT", 20},
	      {"MUID", 40},
	      {"HMMT", 412},
	      {"BCID", 44},
	      {"GUMI", 24},
	      {"GPMF", 25608},
	      {"free", 132}},
	     0xafb8d6e929574a49,
	     "HD7.01.01.70.00"},
	    {"karma.mp4",
	     4115984,
	     18663,
	     90000,
	     1087086,
	     goproTracks(1087086, 579584, 13013),
	     {{323381, 7768, 0, 1001000000},
	      {691944, 7824, 1001000000, 1001000000},
	      {1043392, 7604, 2002000000, 1001000000},
	      {1346708, 7780, 3003000000, 1001000000},
	      {1697198, 7744, 4004000000, 1001000000},
	      {2037747, 7828, 5005000000, 1001000000},
	      {2391183, 7808, 6006000000, 1001000000},
	      {2692241, 7828, 7007000000, 1001000000},
	      {3043342, 7808, 8008000000, 1001000000},
	      {3394320, 7828, 9009000000, 1001000000},
	      {3746103, 7744, 10010000000, 1001000000},
	      {4055642, 7824, 11011000000, 1001000000},
	      {4063482, 3052, 12012000000, 1001000000}},
	     12078733333,
	     0xb7cff4e3b6bd1c39,
	     {{"free", 30},
	      {"FIRM", 23},
	      {"LENS", 56},
	      {"CAME", 24},
	      {"SETT", 20},
	      {"AMBA", 128},
	      {"MUID", 40},
	      {"HMMT", 412},
	      {"BCID", 44},
	      {"GUMI", 24},
	      {"free", 132}},
	     0x54d989107304b4f9,
	     "HD5.02.02.00.00"},
	    {"max-heromode.mp4",
	     3638610,
	     42150,
	     90000,
	     946560,
	     goproTracks(945945, 504832, 10543),
	     {{417048, 6188, 0, 1001000000},
	      {757650, 6200, 1001000000, 1001000000},
	      {1099894, 6144, 2002000000, 1001000000},
	      {1439652, 6280, 3003000000, 1001000000},
	      {1783121, 6124, 4004000000, 1001000000},
	      {2123666, 6292, 5005000000, 1001000000},
	      {2472997, 6280, 6006000000, 1001000000},
	      {2818480, 6272, 7007000000, 1001000000},
	      {3160261, 6200, 8008000000, 1001000000},
	      {3507522, 6208, 9009000000, 1001000000},
	      {3634470, 4140, 10010000000, 533000000}},
	     10517333333,
	     0xa2abb18ae6953cbe,
	     {{"\xa9xyz", 30},
	      {"FIRM", 23},
	      {"LENS", 56},
	      {"CAME", 24},
	      {"SETT", 20},
	      {"MUID", 40},
	      {"HMMT", 412},
	      {"BCID", 44},
	      {"GUMI", 24},
	      {"GPMF", 25608},
	      {"free", 132}},
	     0x75552b32202da36b,
	     "H19.03.01.30.00"},
	};
	return files;
}

class RealMp4 : public ::testing::TestWithParam<std::size_t>
{
protected:
	const RealFile &expected() const { return realFiles()[GetParam()]; }
};

TEST_P(RealMp4, FindsMoovAfterMdatReadingOnlyHeadersAndMoov)
{
	GPMF_REQUIRE_SAMPLE(path, expected().name);
	FileSource file(path);
	const Opened o = open(file.size, file.reader());
	ASSERT_TRUE(o.top.moov) << messages(o.top.diagnostics);
	EXPECT_TRUE(o.top.diagnostics.empty()) << messages(o.top.diagnostics);
	ASSERT_EQ(o.top.boxes.size(), 3u);
	EXPECT_EQ(o.top.boxes[0].type, FourCC("ftyp"));
	EXPECT_EQ(o.top.boxes[1].type, FourCC("mdat"));
	EXPECT_EQ(o.top.boxes[1].offset, 20u);
	EXPECT_EQ(o.top.moov->offset, expected().moovOffset);
	EXPECT_EQ(o.top.moov->size, expected().moovSize);
	/* Three 16-byte header reads and the moov body: nothing of mdat. */
	EXPECT_LE(file.bytesRead, 3 * kMp4BoxHeaderMax + expected().moovSize);
	EXPECT_TRUE(o.index.diagnostics.empty()) << messages(o.index.diagnostics);
}

TEST_P(RealMp4, TracksAreThoseQtdemuxSees)
{
	GPMF_REQUIRE_SAMPLE(path, expected().name);
	FileSource file(path);
	const Opened o = open(file.size, file.reader());
	EXPECT_EQ(o.index.timescale, expected().movieTimescale);
	EXPECT_EQ(o.index.duration, expected().movieDuration);
	ASSERT_EQ(o.index.tracks.size(), expected().tracks.size());
	for (std::size_t i = 0; i < expected().tracks.size(); i++) {
		const TrackExpect &want = expected().tracks[i];
		const Mp4Track &got = o.index.tracks[i];
		SCOPED_TRACE("track " + std::to_string(want.id));
		EXPECT_EQ(got.id, want.id);
		EXPECT_EQ(got.handlerType, want.handler);
		EXPECT_EQ(got.handlerName, want.name);
		EXPECT_EQ(got.sampleEntry, want.entry);
		EXPECT_EQ(got.timescale, want.timescale);
		EXPECT_EQ(got.duration, want.duration);
		/* Only the video track has an edit list (media time 0), and only gpmd is indexed. */
		EXPECT_EQ(got.hasEditList, want.handler == FourCC("vide"));
		EXPECT_EQ(got.samplesIndexed, want.entry == FourCC("gpmd"));
	}
	ASSERT_EQ(o.index.tracks[0].edits.size(), 1u);
	EXPECT_EQ(o.index.tracks[0].edits[0].mediaTime, 0);
	EXPECT_EQ(o.index.tracks[0].edits[0].segmentDuration, expected().tracks[0].duration);
	EXPECT_EQ(findTelemetryTrack(o.index), &o.index.tracks[3]);
}

TEST_P(RealMp4, TelemetrySamplesAndTimesMatchQtdemuxBuffers)
{
	GPMF_REQUIRE_SAMPLE(path, expected().name);
	FileSource file(path);
	const Opened o = open(file.size, file.reader());
	const Mp4Track *track = findTelemetryTrack(o.index);
	ASSERT_NE(track, nullptr);
	EXPECT_EQ(track->samples.size(), expected().buffers.size());
	const Mp4Playback plan = planPlayback(o.index, *track);
	EXPECT_FALSE(plan.qtdemuxSkipsTrack);
	expectPlayback(*track, plan, {{0, expected().segmentStop, 0, 0}}, expected().buffers);
	for (const Mp4PlayedSample &p : plan.samples)
		EXPECT_EQ(p.movieTime, std::int64_t(p.pts)); /* no edit list: movie time = media time */
}

TEST_P(RealMp4, SampleBytesAreWhatQtdemuxPushed)
{
	GPMF_REQUIRE_SAMPLE(path, expected().name);
	FileSource file(path);
	const Opened o = open(file.size, file.reader());
	const Mp4Track *track = findTelemetryTrack(o.index);
	ASSERT_NE(track, nullptr);
	const auto read = file.reader();
	std::uint64_t hash = 0xcbf29ce484222325ull;
	Bytes all;
	for (const Mp4SampleInfo &s : track->samples) {
		Bytes payload(s.size);
		ASSERT_EQ(read(s.offset, payload), s.size);
		/* Every gpmd payload starts with a DEVC KLV. */
		EXPECT_EQ(FourCC(loadBe32(payload.data())), FourCC("DEVC"));
		hash = fnv1a(payload, hash);
		all.insert(all.end(), payload.begin(), payload.end());
	}
	EXPECT_EQ(hash, expected().payloadHash);

	if (std::string(expected().name) == "karma.mp4") {
		GPMF_REQUIRE_SAMPLE(dump, "karma-track.bin");
		EXPECT_EQ(all, test::readFile(dump)) << "karma-track.bin is the karma.mp4 gpmd track";
	}
}

TEST_P(RealMp4, UdtaAtomsAreQtdemuxPrivateTags)
{
	GPMF_REQUIRE_SAMPLE(path, expected().name);
	FileSource file(path);
	const Opened o = open(file.size, file.reader());
	ASSERT_EQ(o.index.udta.size(), expected().udta.size());
	std::uint64_t hash = 0xcbf29ce484222325ull;
	for (std::size_t i = 0; i < expected().udta.size(); i++) {
		EXPECT_EQ(o.index.udta[i].type, expected().udta[i].type) << i;
		EXPECT_EQ(o.index.udta[i].atom.size(), expected().udta[i].size) << i;
		EXPECT_EQ(o.index.udta[i].body.size() + 8, o.index.udta[i].atom.size()) << i;
		hash = fnv1a(o.index.udta[i].atom, hash);
	}
	EXPECT_EQ(hash, expected().udtaHash);

	/* What the header parser gets from them. */
	Header header;
	for (const Mp4UdtaAtom &atom : o.index.udta)
		addUdtaAtom(header, atom.type, atom.body);
	EXPECT_EQ(header.firmware, expected().firmware);
}

INSTANTIATE_TEST_SUITE_P(Samples, RealMp4, ::testing::Values(0, 1, 2),
			 [](const ::testing::TestParamInfo<std::size_t> &info) {
				 std::string name = realFiles()[info.param].name;
				 name = name.substr(0, name.find('.'));
				 name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
				 return name;
			 });

TEST(RealMp4Index, TelemetryOnlyUnlessAllSamplesAsked)
{
	GPMF_REQUIRE_SAMPLE(path, "hero7.mp4");
	FileSource file(path);
	const Opened o = open(file.size, file.reader());
	auto all = parseMoov(o.moov, {o.top.moov->bodyOffset(), file.size, true});
	ASSERT_EQ(all.tracks.size(), 5u);
	/* Counts from the qtdemux dump ("n entries" of stsz) and its pushed buffers. */
	EXPECT_EQ(all.tracks[0].samples.size(), 352u);
	EXPECT_EQ(all.tracks[1].samples.size(), 550u);
	EXPECT_EQ(all.tracks[4].samples.size(), 915u);
	EXPECT_EQ(all.tracks[0].samples[1].offset, 95770u);
	EXPECT_EQ(all.tracks[0].samples[1].size, 6770u);
	EXPECT_TRUE(all.tracks[0].hasSyncTable);
	EXPECT_TRUE(all.diagnostics.empty()) << messages(all.diagnostics);
	EXPECT_TRUE(o.index.tracks[0].samples.empty());
}

TEST(RealMp4Index, CreationTimeAndLanguageAreWhatQtdemuxTags)
{
	/* qtdemux's global datetime tag is mvhd's creation time (2017-04-17T19:27:57Z and
	 * 2019-05-06T11:13:28Z, seconds since 1904 here); its mdhd dump says language 0 (the
	 * Macintosh code for English, tagged language-code "en") for every track. */
	for (const auto &[name, created] : {std::pair<const char *, std::uint64_t>{"karma.mp4", 3575302077},
					    {"hero7.mp4", 3639986008}}) {
		GPMF_REQUIRE_SAMPLE(path, name);
		FileSource file(path);
		const Opened o = open(file.size, file.reader());
		EXPECT_EQ(o.index.creationTime, created) << name;
		const Mp4Track *track = findTelemetryTrack(o.index);
		ASSERT_NE(track, nullptr);
		EXPECT_EQ(track->language, 0u) << name;
	}
}

// -------------------------------------------------------------------------------------------
// Files made by gpmf::writeMp4 and by hand, timed by qtdemux

Mp4Recording ntscRecording(std::size_t count)
{
	Mp4Recording rec;
	rec.timescale = 30000;
	for (std::size_t i = 0; i < count; i++) {
		Mp4Sample s;
		s.data.assign(100 + 4 * i, std::uint8_t(0x10 + i));
		s.duration = 1001;
		rec.samples.push_back(std::move(s));
	}
	return rec;
}

Mp4Recording editedRecording()
{
	Mp4Recording rec = ntscRecording(6);
	rec.use64BitOffsets = true;
	rec.editListStart = 1500;
	rec.udta.push_back({FourCC("FIRM"), {'H', 'D', '9', '.', '0', '1'}});
	return rec;
}

Mp4Recording secondsRecording()
{
	/* Six payloads of 1.001 s, timescale 1000, as GoPro writes them. */
	Mp4Recording rec;
	for (std::size_t i = 0; i < 6; i++)
		rec.samples.push_back(Mp4Sample{Bytes(50 + i, std::uint8_t(i)), 1001});
	return rec;
}

Spec ntscChunks()
{
	/* 30000/1001 media in a 90000 movie, chunks of 2, 2, then 1 sample with gaps between them. */
	Spec s;
	s.movieTimescale = 90000;
	s.mediaTimescale = 30000;
	s.durations = {1001, 1001, 1001, 1001, 1001, 500};
	s.sizes = {40, 41, 42, 43, 44, 45};
	s.stsc = {{1, 2, 1}, {3, 1, 1}};
	s.chunkGap = 7;
	return s;
}

Spec emptyEditThenMedia()
{
	/* elst version 1: 50 ms of nothing, then media from 1500/30000 s; one fixed sample size. */
	Spec s;
	s.movieTimescale = 90000;
	s.mediaTimescale = 30000;
	s.durations = {1001, 1001, 1001, 1001, 1001};
	s.sizes = {64, 64, 64, 64, 64};
	s.fixedSize = true;
	s.co64 = true;
	s.stsc = {{1, 3, 1}, {2, 2, 1}};
	s.edits = std::vector<EditSpec>{{4500, -1}, {270000, 1500}};
	s.elstVersion = 1;
	return s;
}

Spec twoMediaEdits()
{
	/* Media 1 s to 3 s, then media 0 s to 1.5 s again: some samples play twice. */
	Spec s;
	s.durations = {1001, 1001, 1001, 1001, 1001};
	s.sizes = {40, 41, 42, 43, 44};
	s.edits = std::vector<EditSpec>{{2000, 1000}, {1500, 0}};
	return s;
}

Spec movieShorterThanTrack()
{
	Spec s;
	s.durations = {1001, 1001, 1001, 1001, 1001};
	s.sizes = {40, 41, 42, 43, 44};
	s.movieDuration = 3500;
	return s;
}

Spec zeroDurationEdit()
{
	/* A media edit of duration 0 runs to the end of the media; qtdemux ignores edits after it. */
	Spec s;
	s.durations = {1001, 1001, 1001, 1001, 1001};
	s.sizes = {40, 41, 42, 43, 44};
	s.edits = std::vector<EditSpec>{{0, 500}, {1000, 0}};
	return s;
}

Spec lateEdit()
{
	/* After 1 s of nothing, media from 1.5 s for 2 s, in a movie that says it lasts 3 s. */
	Spec s;
	s.durations = {1001, 1001, 1001, 1001, 1001};
	s.sizes = {40, 41, 42, 43, 44};
	s.edits = std::vector<EditSpec>{{1000, -1}, {2000, 1500}};
	s.movieDuration = 3000;
	return s;
}

Spec shortTrack()
{
	Spec s;
	s.durations = {1001, 1001, 1001, 1001, 1001};
	s.sizes = {40, 41, 42, 43, 44};
	s.movieDuration = 30000;
	return s;
}

Opened openBytes(const Bytes &file)
{
	return open(file.size(), memoryReader(file));
}

TEST(Mp4Oracle, DISABLED_WriteOracleFiles)
{
	/* Writes the built files for the qtdemux runs that produced the constants below. */
	const char *dir = std::getenv("GPMF_MP4_ORACLE_DIR");
	ASSERT_NE(dir, nullptr) << "set GPMF_MP4_ORACLE_DIR";
	auto save = [&](const char *name, const Bytes &bytes) {
		std::ofstream(std::filesystem::path(dir) / name, std::ios::binary)
		    .write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
	};
	save("writer-edited.mp4", writeMp4(editedRecording()));
	save("writer-seconds.mp4", writeMp4(secondsRecording()));
	save("ntsc-chunks.mp4", buildMp4(ntscChunks()));
	save("empty-edit.mp4", buildMp4(emptyEditThenMedia()));
	save("two-edits.mp4", buildMp4(twoMediaEdits()));
	save("movie-shorter.mp4", buildMp4(movieShorterThanTrack()));
	save("zero-edit.mp4", buildMp4(zeroDurationEdit()));
	save("short-track.mp4", buildMp4(shortTrack()));
	save("late-edit.mp4", buildMp4(lateEdit()));
}

TEST(Mp4Writer, EditListAndCo64FileIsTimedLikeQtdemux)
{
	const Mp4Recording rec = editedRecording();
	const Bytes file = writeMp4(rec);
	const Opened o = openBytes(file);
	EXPECT_TRUE(o.index.diagnostics.empty()) << messages(o.index.diagnostics);
	const Mp4Track *track = findTelemetryTrack(o.index);
	ASSERT_NE(track, nullptr);
	EXPECT_EQ(track->handlerName, "GoPro MET");
	ASSERT_EQ(track->edits.size(), 1u);
	EXPECT_EQ(track->edits[0].mediaTime, 1500);
	ASSERT_EQ(track->samples.size(), rec.samples.size());
	for (std::size_t i = 0; i < rec.samples.size(); i++) {
		const Mp4SampleInfo &s = track->samples[i];
		ASSERT_LE(s.offset + s.size, file.size());
		EXPECT_TRUE(std::equal(rec.samples[i].data.begin(), rec.samples[i].data.end(),
				       file.begin() + s.offset))
		    << "sample " << i;
	}
	ASSERT_EQ(o.index.udta.size(), 1u);
	EXPECT_EQ(o.index.udta[0].type, FourCC("FIRM"));
	EXPECT_EQ(std::string(o.index.udta[0].body.begin(), o.index.udta[0].body.end()), "HD9.01");

	/* qtdemux on writer-edited.mp4: the sample holding media time 1500 comes first; PTS stay
	 * in media time and the edit shows in the segment (start 50 ms, time 0). Offsets from
	 * qtdemux's "creating entry" lines. */
	const Mp4Playback plan = planPlayback(o.index, *track);
	expectPlayback(*track, plan, {{50000000, 200200000, 0, 0}},
		       {{132, 104, 33366666, 33366667},
			{236, 108, 66733333, 33366667},
			{344, 112, 100100000, 33366666},
			{456, 116, 133466666, 33366667}});
	/* The sixth sample (media 166.8 ms) is not played: the movie ends at 150.2 ms and qtdemux
	 * checks the edit's media start plus the stream time against that. */
	EXPECT_EQ(track->samples.size(), 6u);
	EXPECT_EQ(plan.samples[0].sample, 1u);
	/* Movie time: decode time minus the edit's media time. */
	EXPECT_EQ(plan.samples[0].movieTime, 33366666 - 50000000);
	EXPECT_EQ(plan.samples[1].movieTime, 66733333 - 50000000);
}

TEST(Mp4Writer, PlainRecordingPlaysEverySample)
{
	Mp4Recording rec = ntscRecording(4);
	const Bytes file = writeMp4(rec);
	const Opened o = openBytes(file);
	const Mp4Track *track = findTelemetryTrack(o.index);
	ASSERT_NE(track, nullptr);
	EXPECT_FALSE(track->hasEditList);
	const Mp4Playback plan = planPlayback(o.index, *track);
	ASSERT_EQ(plan.samples.size(), 4u);
	for (std::size_t i = 0; i < 4; i++) {
		EXPECT_EQ(plan.samples[i].sample, i);
		EXPECT_EQ(track->samples[i].dts, 1001 * i);
	}
	/* durations are differences of rounded-down ends: 33366666 then 33366667, ... */
	EXPECT_EQ(plan.samples[0].duration, 33366666u);
	EXPECT_EQ(plan.samples[1].duration, 33366667u);
	EXPECT_EQ(plan.samples[2].duration, 33366667u);
	EXPECT_EQ(plan.samples[3].pts, 100100000u);
}

TEST(Mp4Writer, LanguageUndeterminedAndNoCreationTime)
{
	const Opened o = openBytes(writeMp4(ntscRecording(2)));
	EXPECT_EQ(o.index.creationTime, 0u); /* qtdemux sends no datetime tag */
	ASSERT_EQ(o.index.tracks.size(), 1u);
	EXPECT_EQ(o.index.tracks[0].language, 0x55c4u); /* "und": no language-code tag */
}

TEST(Mp4Writer, SeekStartsAtTheSampleHoldingThePositionLikeQtdemux)
{
	const Bytes file = writeMp4(secondsRecording());
	const Opened o = openBytes(file);
	const Mp4Track *track = findTelemetryTrack(o.index);
	ASSERT_NE(track, nullptr);
	EXPECT_EQ(planPlayback(o.index, *track).movieStop, 6006000000u);
	/* qtdemux on writer-seconds.mp4 after a flushing accurate seek to 3.5 s (no stop): SEGMENT
	 * start and time 3.5 s, base 0, stop the movie's; the payload holding 3.5 s first. */
	Mp4Playback plan = planPlayback(o.index, *track, {3500000000});
	expectPlayback(*track, plan, {{3500000000, 6006000000, 3500000000, 0}},
		       {{0, 53, 3003000000, 1001000000}, {0, 54, 4004000000, 1001000000}, {0, 55, 5005000000, 1001000000}});
	EXPECT_EQ(plan.movieStop, 6006000000u);
	/* From 1.2 s to 3.1 s: the stop ends the segment and the samples from there on. */
	plan = planPlayback(o.index, *track, {1200000000, 3100000000});
	expectPlayback(*track, plan, {{1200000000, 3100000000, 1200000000, 0}},
		       {{0, 51, 1001000000, 1001000000}, {0, 52, 2002000000, 1001000000}, {0, 53, 3003000000, 1001000000}});
}

TEST(Mp4Writer, SeekInsideAnEditLikeQtdemux)
{
	/* qtdemux on writer-edited.mp4 (media from 50 ms, the movie 150.2 ms long) after a flushing
	 * accurate seek to 60 ms: the segment starts at media 110 ms, movie time 60 ms, and the
	 * sample holding it (media 100.1 ms) comes first. */
	const Opened o = openBytes(writeMp4(editedRecording()));
	const Mp4Track *track = findTelemetryTrack(o.index);
	ASSERT_NE(track, nullptr);
	const Mp4Playback plan = planPlayback(o.index, *track, {60000000});
	expectPlayback(*track, plan, {{110000000, 200200000, 60000000, 0}},
		       {{0, 112, 100100000, 33366666}, {0, 116, 133466666, 33366667}});
}

TEST(Mp4Built, ChunksOfSeveralSamplesWithGapsLikeQtdemux)
{
	const Bytes file = buildMp4(ntscChunks());
	const Opened o = openBytes(file);
	EXPECT_TRUE(o.index.diagnostics.empty()) << messages(o.index.diagnostics);
	const Mp4Track *track = findTelemetryTrack(o.index);
	ASSERT_NE(track, nullptr);
	/* qtdemux on ntsc-chunks.mp4 (offsets from its "creating entry" lines). */
	expectPlayback(*track, planPlayback(o.index, *track), {{0, 183500000, 0, 0}},
		       {{39, 40, 0, 33366666},
			{79, 41, 33366666, 33366667},
			{127, 42, 66733333, 33366667},
			{169, 43, 100100000, 33366666},
			{219, 44, 133466666, 33366667},
			{270, 45, 166833333, 16666667}});
}

TEST(Mp4Built, EmptyEditVersion1FixedSizesLikeQtdemux)
{
	const Bytes file = buildMp4(emptyEditThenMedia());
	const Opened o = openBytes(file);
	EXPECT_TRUE(o.index.diagnostics.empty()) << messages(o.index.diagnostics);
	const Mp4Track *track = findTelemetryTrack(o.index);
	ASSERT_NE(track, nullptr);
	ASSERT_EQ(track->edits.size(), 2u);
	EXPECT_TRUE(track->edits[0].empty());
	const Mp4Playback plan = planPlayback(o.index, *track);
	/* qtdemux on empty-edit.mp4: SEGMENT + GAP for the empty edit, then the media edit. */
	expectPlayback(*track, plan, {{0, 50000000, 0, 0}, {50000000, 3050000000, 50000000, 50000000}},
		       {{96, 64, 33366666, 33366667},
			{160, 64, 66733333, 33366667},
			{224, 64, 100100000, 33366666},
			{288, 64, 133466666, 33366667}});
	EXPECT_TRUE(plan.segments[0].empty);
	EXPECT_FALSE(plan.segments[1].empty);
	/* No GAP event reached fakesink for this 50 ms empty edit (GST_DEBUG=GST_EVENT:7). */
	EXPECT_FALSE(plan.segments[0].gap);
	/* The media edit starts 50 ms into the movie, at media time 50 ms. */
	EXPECT_EQ(plan.samples[1].movieTime, 66733333);
	/* Fixed sizes, chunks of three: offsets run on inside a chunk. */
	EXPECT_EQ(track->samples[1].offset, track->samples[0].offset + 64);
	EXPECT_EQ(track->samples[4].offset, track->samples[3].offset + 64);
}

TEST(Mp4Built, TwoMediaEditsReplaySamplesLikeQtdemux)
{
	const Bytes file = buildMp4(twoMediaEdits());
	const Opened o = openBytes(file);
	const Mp4Track *track = findTelemetryTrack(o.index);
	ASSERT_NE(track, nullptr);
	const Mp4Playback plan = planPlayback(o.index, *track);
	expectPlayback(*track, plan,
		       {{1000000000, 3000000000, 0, 0}, {0, 1500000000, 2000000000, 2000000000}},
		       {{32, 40, 0, 1001000000},
			{72, 41, 1001000000, 1001000000},
			{113, 42, 2002000000, 1001000000},
			{32, 40, 0, 1001000000},
			{72, 41, 1001000000, 1001000000}});
	EXPECT_EQ(plan.samples[3].segment, 1u);
	EXPECT_EQ(plan.samples[3].movieTime, 2000000000);
}

TEST(Mp4Built, MovieShorterThanTrackEndsThePlayLikeQtdemux)
{
	const Bytes file = buildMp4(movieShorterThanTrack());
	const Opened o = openBytes(file);
	const Mp4Track *track = findTelemetryTrack(o.index);
	ASSERT_NE(track, nullptr);
	expectPlayback(*track, planPlayback(o.index, *track), {{0, 3500000000, 0, 0}},
		       {{32, 40, 0, 1001000000},
			{72, 41, 1001000000, 1001000000},
			{113, 42, 2002000000, 1001000000},
			{155, 43, 3003000000, 1001000000}});
}

TEST(Mp4Built, ZeroDurationEditRunsToTheEndLikeQtdemux)
{
	const Bytes file = buildMp4(zeroDurationEdit());
	const Opened o = openBytes(file);
	const Mp4Track *track = findTelemetryTrack(o.index);
	ASSERT_NE(track, nullptr);
	expectPlayback(*track, planPlayback(o.index, *track), {{500000000, kNone, 0, 0}},
		       {{32, 40, 0, 1001000000},
			{72, 41, 1001000000, 1001000000},
			{113, 42, 2002000000, 1001000000},
			{155, 43, 3003000000, 1001000000},
			{198, 44, 4004000000, 1001000000}});
}

TEST(Mp4Built, LateEditStopsAtTheMovieEndLikeQtdemux)
{
	/* qtdemux on late-edit.mp4: SEGMENT + GAP for the first second, then one buffer only:
	 * the next sample (media 2.002 s) would be at 1.502 s of movie time, and qtdemux checks
	 * movie time plus the edit's media start (3.002 s) against the movie's 3 s. */
	const Bytes file = buildMp4(lateEdit());
	const Opened o = openBytes(file);
	const Mp4Track *track = findTelemetryTrack(o.index);
	ASSERT_NE(track, nullptr);
	const Mp4Playback plan = planPlayback(o.index, *track);
	expectPlayback(*track, plan,
		       {{0, 1000000000, 0, 0}, {1500000000, 3500000000, 1000000000, 1000000000}},
		       {{72, 41, 1001000000, 1001000000}});
	EXPECT_EQ(plan.samples[0].movieTime, 1000000000 + 1001000000 - 1500000000);
	/* fakesink got GAP(timestamp 0, duration 1 s) for the empty second. */
	EXPECT_TRUE(plan.segments[0].empty);
	EXPECT_TRUE(plan.segments[0].gap);
}

TEST(Mp4Built, TrackUnderAFifthOfTheMovieIsOneQtdemuxSkips)
{
	/* qtdemux on short-track.mp4: "Track shorter than 20% ... skipping track", no meta_0 pad. */
	const Bytes file = buildMp4(shortTrack());
	const Opened o = openBytes(file);
	const Mp4Track *track = findTelemetryTrack(o.index);
	ASSERT_NE(track, nullptr);
	const Mp4Playback plan = planPlayback(o.index, *track);
	EXPECT_TRUE(plan.qtdemuxSkipsTrack);
	EXPECT_EQ(plan.samples.size(), 5u);
	/* A track longer than its movie (5 s in 3.5 s) is kept. */
	const Opened longer = openBytes(buildMp4(movieShorterThanTrack()));
	EXPECT_FALSE(planPlayback(longer.index, longer.index.tracks.at(0)).qtdemuxSkipsTrack);
}

// -------------------------------------------------------------------------------------------
// Scaling

TEST(Mp4Scale, RoundsDownThroughOneHundredTwentyEightBits)
{
	EXPECT_EQ(mp4Scale(1001, 1000000000, 30000), 33366666u);
	EXPECT_EQ(mp4Scale(2002, 1000000000, 30000), 66733333u);
	/* 2^63 ticks at 90 kHz: the product needs more than 64 bits, the result does not. */
	EXPECT_EQ(mp4Scale(std::uint64_t(1) << 40, 1000000000, 1u << 20),
		  (std::uint64_t(1) << 20) * 1000000000u);
	EXPECT_EQ(mp4Scale(~std::uint64_t(0), 90000, 90000), ~std::uint64_t(0) - 0);
	EXPECT_EQ(mp4Scale(1, 1, 0), kMp4NoTime);
	EXPECT_EQ(mp4Scale(~std::uint64_t(0), 2, 1), kMp4NoTime);
}

// -------------------------------------------------------------------------------------------
// The top level: headers only, largesize, size 0, hostile sizes

Bytes box(FourCC type, std::size_t bodySize, std::uint8_t fill = 0)
{
	BoxWriter w;
	w.open(type).zeros(bodySize).close();
	std::fill(w.out.begin() + 8, w.out.end(), fill);
	return w.out;
}

Bytes concat(std::initializer_list<Bytes> parts)
{
	Bytes out;
	for (const Bytes &p : parts)
		out.insert(out.end(), p.begin(), p.end());
	return out;
}

TEST(Mp4TopLevel, LargesizeMdatIsSkippedInOneRead)
{
	/* A 64-bit mdat header claiming 6 GB: the reader serves a virtual file, mdat is never read. */
	const std::uint64_t mdatSize = 6000000000ull;
	const Bytes ftyp = box("ftyp", 12);
	BoxWriter head;
	head.u32(1).text("mdat").u64(mdatSize);
	const Bytes moov = box("moov", 100, 0xee);
	const std::uint64_t moovAt = ftyp.size() + mdatSize;
	const std::uint64_t fileSize = moovAt + moov.size();
	std::uint64_t mdatBytesRead = 0;
	std::size_t reads = 0;
	const Mp4ReadFn read = [&](std::uint64_t offset, std::span<std::uint8_t> out) -> std::size_t {
		reads++;
		std::size_t n = 0;
		for (; n < out.size() && offset + n < fileSize; n++) {
			const std::uint64_t at = offset + n;
			if (at < ftyp.size())
				out[n] = ftyp[at];
			else if (at < ftyp.size() + 16)
				out[n] = head.out[at - ftyp.size()];
			else if (at < moovAt)
				out[n] = 0, mdatBytesRead++;
			else
				out[n] = moov[at - moovAt];
		}
		return n;
	};
	const Mp4TopLevel top = scanTopLevel(fileSize, read);
	ASSERT_TRUE(top.moov) << messages(top.diagnostics);
	EXPECT_EQ(top.boxes[1].headerSize, 16u);
	EXPECT_EQ(top.boxes[1].size, mdatSize);
	EXPECT_EQ(top.moov->offset, moovAt);
	EXPECT_EQ(reads, 3u);
	EXPECT_EQ(mdatBytesRead, 0u);
	const auto body = readBoxBody(*top.moov, read);
	ASSERT_TRUE(body);
	EXPECT_EQ(*body, Bytes(100, 0xee));
	EXPECT_EQ(mdatBytesRead, 0u);
}

TEST(Mp4TopLevel, SizeZeroRunsToTheEndOfTheFile)
{
	Bytes moovToEnd = box("moov", 40);
	moovToEnd[3] = 0; /* size 0 */
	const Bytes file = concat({box("ftyp", 12), box("free", 4), moovToEnd});
	const Mp4TopLevel top = scanTopLevel(file.size(), memoryReader(file));
	ASSERT_TRUE(top.moov);
	EXPECT_TRUE(top.moov->toEnd);
	EXPECT_EQ(top.moov->size, 48u);
	EXPECT_EQ(top.moov->end(), file.size());
}

TEST(Mp4TopLevel, StopsAtMoovUnlessAskedForEverything)
{
	const Bytes file = concat({box("ftyp", 12), box("moov", 8), box("free", 4), box("uuid", 20)});
	EXPECT_EQ(scanTopLevel(file.size(), memoryReader(file)).boxes.size(), 2u);
	const Mp4TopLevel all = scanTopLevel(file.size(), memoryReader(file), {false, 4096});
	ASSERT_EQ(all.boxes.size(), 4u);
	EXPECT_EQ(all.boxes[3].type, FourCC("uuid"));
	EXPECT_TRUE(all.diagnostics.empty());
}

TEST(Mp4TopLevel, CutFileReportsTheBoxThatRunsPastTheEnd)
{
	/* A recording cut short: mdat claims more bytes than the file has, moov never written. */
	Bytes file = concat({box("ftyp", 12), box("mdat", 1000)});
	file.resize(500);
	const Mp4TopLevel top = scanTopLevel(file.size(), memoryReader(file));
	EXPECT_FALSE(top.moov);
	ASSERT_EQ(top.boxes.size(), 1u);
	EXPECT_TRUE(mentions(top.diagnostics, Errc::Truncated, "'mdat' box of 1008 bytes runs past"));
	EXPECT_TRUE(mentions(top.diagnostics, Errc::BadStructure, "no moov"));
	EXPECT_EQ(top.diagnostics[0].offset, 20u);
}

TEST(Mp4TopLevel, SizesBelowTheHeaderAreErrorsNotLoops)
{
	for (std::uint32_t size : {2u, 7u}) {
		Bytes file = concat({box("ftyp", 12), box("junk", 8)});
		file[20 + 3] = std::uint8_t(size);
		const Mp4TopLevel top = scanTopLevel(file.size(), memoryReader(file));
		EXPECT_TRUE(mentions(top.diagnostics, Errc::BadSize, "size " + std::to_string(size))) << size;
	}
	BoxWriter w;
	w.u32(1).text("mdat").u64(15);
	const Mp4TopLevel top = scanTopLevel(w.out.size(), memoryReader(w.out));
	EXPECT_TRUE(mentions(top.diagnostics, Errc::BadSize, "64-bit size 15"));
}

TEST(Mp4TopLevel, ShortReadsAndHugeMoovAreReported)
{
	const Bytes file = concat({box("ftyp", 12), box("moov", 64)});
	/* A reader that fails past byte 40: the moov header is read, its body is not. */
	const Mp4ReadFn failing = [&](std::uint64_t offset, std::span<std::uint8_t> out) -> std::size_t {
		if (offset >= 40)
			return 0;
		const std::size_t n = std::min<std::uint64_t>(out.size(), 40 - offset);
		std::copy_n(file.begin() + offset, n, out.begin());
		return n;
	};
	const Mp4TopLevel top = scanTopLevel(file.size(), failing);
	ASSERT_TRUE(top.moov);
	Diagnostic error;
	EXPECT_FALSE(readBoxBody(*top.moov, failing, 1 << 20, &error));
	EXPECT_EQ(error.code, Errc::Truncated);
	EXPECT_FALSE(readBoxBody(*top.moov, memoryReader(file), 63, &error));
	EXPECT_EQ(error.code, Errc::Unsupported);
	EXPECT_TRUE(readBoxBody(*top.moov, memoryReader(file), 64, &error));
}

TEST(Mp4TopLevel, ManyTinyBoxesStopAtTheLimit)
{
	Bytes file;
	for (int i = 0; i < 100; i++) {
		const Bytes b = box("free", 0);
		file.insert(file.end(), b.begin(), b.end());
	}
	const Mp4TopLevel top = scanTopLevel(file.size(), memoryReader(file), {false, 10});
	EXPECT_EQ(top.boxes.size(), 10u);
	EXPECT_TRUE(mentions(top.diagnostics, Errc::Unsupported, "more than 10 top-level boxes"));
}

TEST(Mp4BoxHeader, NeedsTheBytesItSays)
{
	const Bytes b = box("moov", 8);
	Diagnostic error;
	EXPECT_FALSE(parseBoxHeader(std::span(b).first(7), 100, 116, &error));
	EXPECT_EQ(error.code, Errc::Truncated);
	EXPECT_EQ(error.offset, 100u);
	const auto ok = parseBoxHeader(b, 100, 116);
	ASSERT_TRUE(ok);
	EXPECT_EQ(ok->bodyOffset(), 108u);
	EXPECT_EQ(ok->bodySize(), 8u);
	EXPECT_FALSE(parseBoxHeader(b, 100, 115, &error)) << "one byte past the container";
	EXPECT_EQ(error.code, Errc::Truncated);
}

// -------------------------------------------------------------------------------------------
// Hostile moov contents

/// The moov body of a built file.
Bytes moovBody(const Bytes &file)
{
	const Mp4TopLevel top = scanTopLevel(file.size(), memoryReader(file));
	return *readBoxBody(*top.moov, memoryReader(file));
}

/// Finds the body offset of the first box of `type` inside `bytes` (a flat search for tests).
std::size_t find(const Bytes &bytes, FourCC type, std::size_t from = 0)
{
	for (std::size_t i = from + 4; i + 4 <= bytes.size(); i++) {
		if (loadBe32(bytes.data() + i) == type.value())
			return i + 4;
	}
	ADD_FAILURE() << "no " << type.str();
	return 0;
}

void put32(Bytes &bytes, std::size_t at, std::uint32_t v)
{
	for (int i = 0; i < 4; i++)
		bytes[at + i] = std::uint8_t(v >> (24 - 8 * i));
}

Spec fiveSamplesInThreeChunks()
{
	Spec s;
	s.durations = {1000, 1000, 1000, 1000, 1000};
	s.sizes = {10, 11, 12, 13, 14};
	s.stsc = {{1, 2, 1}, {2, 1, 1}, {3, 2, 1}};
	return s;
}

const Mp4Track &gpmd(const Mp4Index &index)
{
	static const Mp4Track none;
	const Mp4Track *t = findTelemetryTrack(index);
	EXPECT_NE(t, nullptr);
	return t ? *t : none;
}

TEST(Mp4Hostile, StszCountOfFourBillionInAHundredBytesIsAnErrorNotAnAllocation)
{
	Bytes moov = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	const std::size_t stsz = find(moov, "stsz");
	put32(moov, stsz + 8, 0xffffffffu); /* sample_count */
	const Mp4Index index = parseMoov(moov);
	EXPECT_TRUE(mentions(index.diagnostics, Errc::Truncated,
			     "declares 4294967295 sample sizes, its bytes hold 5"))
	    << messages(index.diagnostics);
	EXPECT_EQ(gpmd(index).samples.size(), 5u);
	EXPECT_LT(gpmd(index).samples.capacity(), 64u);
}

TEST(Mp4Hostile, FixedSizeCountOfFourBillionIsCapped)
{
	/* One sample size, 4 billion samples, one chunk of 4 billion: consistent, but absurd. */
	Spec s;
	s.durations = {1000};
	s.sizes = {1};
	s.fixedSize = true;
	Bytes moov = moovBody(buildMp4(s));
	put32(moov, find(moov, "stsz") + 8, 0xffffffffu);
	put32(moov, find(moov, "stsc") + 8 + 4, 0xffffffffu);
	put32(moov, find(moov, "stts") + 8, 0xffffffffu);
	Mp4ParseOptions options;
	options.maxSamples = 1000; /* the default, kMp4MaxSamples, works the same way, only slower */
	const Mp4Index index = parseMoov(moov, options);
	EXPECT_TRUE(
	    mentions(index.diagnostics, Errc::Unsupported, "4294967295 samples: only the first 1000"));
	EXPECT_EQ(gpmd(index).samples.size(), 1000u);
	EXPECT_EQ(gpmd(index).samples[999].dts, 999000u);
	/* With the file size known, placing stops at its end, before any allocation runs away. */
	const Mp4Index bounded = parseMoov(moov, {0, 100000, false});
	const std::size_t inFile = 100000 - gpmd(bounded).samples.at(0).offset;
	EXPECT_EQ(gpmd(bounded).samples.size(), inFile);
	EXPECT_TRUE(mentions(bounded.diagnostics, Errc::Truncated, "runs past the end of the file"));
}

TEST(Mp4Hostile, StscFirstChunkZeroKeepsNothingItCannotPlace)
{
	Bytes moov = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	const std::size_t stsc = find(moov, "stsc");
	put32(moov, stsc + 8 + 12, 0); /* entry 1: first_chunk 0 */
	const Mp4Index index = parseMoov(moov);
	EXPECT_TRUE(mentions(index.diagnostics, Errc::BadStructure, "entry 1 has first_chunk 0"))
	    << messages(index.diagnostics);
	/* Entry 0 ends where entry 1 starts, which is unknown: nothing is placed. */
	EXPECT_TRUE(gpmd(index).samples.empty());
}

TEST(Mp4Hostile, StscGoingBackwardsKeepsTheChunksBeforeIt)
{
	Bytes moov = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	const std::size_t stsc = find(moov, "stsc");
	put32(moov, stsc + 8 + 24, 2); /* entry 2 starts at chunk 2, like entry 1 */
	const Mp4Index index = parseMoov(moov);
	EXPECT_TRUE(
	    mentions(index.diagnostics, Errc::BadStructure, "entry 2 goes backwards: first_chunk 2 after 2"))
	    << messages(index.diagnostics);
	/* Chunk 1 (entry 0, two samples) is fully determined; entry 1's end is not. */
	ASSERT_EQ(gpmd(index).samples.size(), 2u);
	EXPECT_EQ(gpmd(index).samples[1].size, 11u);
}

TEST(Mp4Hostile, StscBeyondTheChunksOfStco)
{
	Bytes moov = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	put32(moov, find(moov, "stsc") + 8 + 24, 9); /* entry 2 at chunk 9 of 3 */
	const Mp4Index index = parseMoov(moov);
	EXPECT_TRUE(mentions(index.diagnostics, Errc::BadStructure, "entry 2 starts at chunk 9 of 3"));
	EXPECT_EQ(gpmd(index).samples.size(), 2u);
}

TEST(Mp4Hostile, FewerChunksThanSamplesNeed)
{
	Bytes moov = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	const std::size_t stco = find(moov, "stco");
	put32(moov, stco + 4, 2); /* two chunks: the last entry has none left */
	const Mp4Index index = parseMoov(moov);
	EXPECT_TRUE(mentions(index.diagnostics, Errc::BadStructure, "entry 2 starts at chunk 3 of 2"))
	    << messages(index.diagnostics);
	EXPECT_EQ(gpmd(index).samples.size(), 2u);

	/* Two samples per chunk everywhere: room for six, five declared. */
	Bytes roomy = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	put32(roomy, find(roomy, "stsc") + 8 + 12 + 4, 2);
	const Mp4Index spare = parseMoov(roomy);
	EXPECT_TRUE(mentions(spare.diagnostics, Errc::BadStructure, "room for more than the 5 samples"));
	EXPECT_EQ(gpmd(spare).samples.size(), 5u);
}

TEST(Mp4Hostile, SttsTimingFewerSamplesDropsTheUntimedOnes)
{
	Bytes moov = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	put32(moov, find(moov, "stts") + 8, 3); /* one run of 3 instead of 5 */
	const Mp4Index index = parseMoov(moov);
	EXPECT_TRUE(mentions(index.diagnostics, Errc::BadStructure, "times 3 samples, stsz has 5"));
	ASSERT_EQ(gpmd(index).samples.size(), 3u);
	EXPECT_EQ(gpmd(index).samples[2].dts, 2000u);

	Bytes more = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	put32(more, find(more, "stts") + 8, 9);
	const Mp4Index extra = parseMoov(more);
	EXPECT_TRUE(mentions(extra.diagnostics, Errc::BadStructure, "times 9 samples, stsz has 5"));
	EXPECT_EQ(gpmd(extra).samples.size(), 5u);
}

TEST(Mp4Hostile, OffsetsPastFourGigabytesDoNotWrap)
{
	/* A chunk at 0xfffffff0 holding two 16-byte samples: the second starts at 2^32, not 0. */
	Spec s;
	s.durations = {1000, 1000};
	s.sizes = {16, 16};
	s.stsc = {{1, 2, 1}};
	Bytes moov = moovBody(buildMp4(s));
	put32(moov, find(moov, "stco") + 8, 0xfffffff0u);
	const Mp4Index index = parseMoov(moov);
	ASSERT_EQ(gpmd(index).samples.size(), 2u);
	EXPECT_EQ(gpmd(index).samples[1].offset, 0x100000000ull);

	/* co64 near 2^64: the second sample would wrap; it is refused. */
	s.co64 = true;
	Bytes wide = moovBody(buildMp4(s));
	const std::size_t co64 = find(wide, "co64");
	for (int i = 0; i < 8; i++)
		wide[co64 + 8 + i] = i < 7 ? 0xff : 0xf8;
	const Mp4Index wrapped = parseMoov(wide);
	EXPECT_TRUE(mentions(wrapped.diagnostics, Errc::BadSize, "runs past 2^64"));
	EXPECT_EQ(gpmd(wrapped).samples.size(), 0u);
}

TEST(Mp4Hostile, TimescaleZeroIsReportedAndNothingIsTimed)
{
	Bytes moov = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	put32(moov, find(moov, "mdhd") + 12, 0);
	const Mp4Index index = parseMoov(moov);
	EXPECT_TRUE(mentions(index.diagnostics, Errc::BadStructure, "media timescale 0"));
	EXPECT_EQ(gpmd(index).samples.size(), 5u); /* offsets and sizes are still right */
	const Mp4Playback plan = planPlayback(index, gpmd(index));
	EXPECT_TRUE(plan.samples.empty());
	EXPECT_EQ(gpmd(index).ptsNs(gpmd(index).samples[1]), kMp4NoTime);

	Bytes movie = moovBody(buildMp4(twoMediaEdits()));
	put32(movie, find(movie, "mvhd") + 12, 0);
	const Mp4Index noMovie = parseMoov(movie);
	EXPECT_TRUE(mentions(noMovie.diagnostics, Errc::BadStructure, "movie timescale 0"));
	/* The edit list cannot be timed: the whole media plays, as with no edit list. */
	EXPECT_EQ(planPlayback(noMovie, gpmd(noMovie)).samples.size(), 5u);
}

TEST(Mp4Hostile, ChildBoxLargerThanItsParent)
{
	Bytes moov = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	const std::size_t stts = find(moov, "stts") - 8;
	put32(moov, stts, 5000);
	const Mp4Index index = parseMoov(moov);
	EXPECT_TRUE(
	    mentions(index.diagnostics, Errc::Truncated, "'stts' box of 5000 bytes runs past its container"))
	    << messages(index.diagnostics);
	/* stts is lost (and stsc, stsz after it): the track is known but has no samples. */
	EXPECT_EQ(gpmd(index).sampleEntry, FourCC("gpmd"));
	EXPECT_TRUE(gpmd(index).samples.empty());
	/* The diagnostic points at the stts box in the file. */
	const auto it = std::find_if(index.diagnostics.begin(), index.diagnostics.end(),
				     [](const Diagnostic &d) { return d.code == Errc::Truncated; });
	EXPECT_EQ(it->offset, stts);
	EXPECT_EQ(it->path, "moov/trak[0]/mdia/minf/stbl");
}

TEST(Mp4Hostile, ChildBoxSmallerThanAHeader)
{
	Bytes moov = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	put32(moov, find(moov, "hdlr") - 8, 4);
	const Mp4Index index = parseMoov(moov);
	EXPECT_TRUE(
	    mentions(index.diagnostics, Errc::BadSize, "'hdlr' box: size 4 is smaller than its header"));
	EXPECT_TRUE(mentions(index.diagnostics, Errc::BadStructure, "no hdlr"));
}

TEST(Mp4Hostile, NestedTracksAreNotFollowed)
{
	/* 100 levels of trak in trak around a real track: bounded work, one diagnostic. */
	const Bytes real = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	const std::size_t trakAt = find(real, "trak") - 8;
	const std::size_t trakSize = loadBe32(real.data() + trakAt);
	Bytes nested(real.begin() + trakAt, real.begin() + trakAt + trakSize);
	for (int i = 0; i < 100; i++) {
		BoxWriter w;
		w.open("trak");
		w.out.insert(w.out.end(), nested.begin(), nested.end());
		w.close();
		nested = w.out;
	}
	Bytes moov(real.begin(), real.begin() + trakAt);
	moov.insert(moov.end(), nested.begin(), nested.end());
	const Mp4Index index = parseMoov(moov);
	ASSERT_EQ(index.tracks.size(), 1u);
	EXPECT_TRUE(mentions(index.diagnostics, Errc::BadStructure, "'trak' inside a track is ignored"));
	EXPECT_EQ(findTelemetryTrack(index), nullptr);
}

TEST(Mp4Hostile, ElstCountLargerThanItsBytes)
{
	Bytes moov = moovBody(buildMp4(twoMediaEdits()));
	put32(moov, find(moov, "elst") + 4, 1000000);
	const Mp4Index index = parseMoov(moov);
	EXPECT_TRUE(
	    mentions(index.diagnostics, Errc::Truncated, "declares 1000000 entries, its 24 bytes hold 2"));
	EXPECT_EQ(gpmd(index).edits.size(), 2u);
}

TEST(Mp4Hostile, EveryTruncationAndEveryByteFlipIsSurvived)
{
	/* Not a fuzzer, but every prefix and every single-byte corruption of two real-shaped moovs
	 * (elst v1 + co64 + fixed sizes; elst v0 + stco + size table) must parse and plan without
	 * crashing, and never index more samples than the chunk tables can place. */
	for (const Bytes &moov :
	     {moovBody(buildMp4(emptyEditThenMedia())), moovBody(buildMp4(twoMediaEdits()))}) {
		for (std::size_t n = 0; n < moov.size(); n++) {
			const Mp4Index index = parseMoov(std::span(moov).first(n));
			if (const Mp4Track *t = findTelemetryTrack(index))
				(void)planPlayback(index, *t);
		}
		for (std::size_t i = 0; i < moov.size(); i++) {
			for (std::uint8_t v :
			     {std::uint8_t(0), std::uint8_t(0xff), std::uint8_t(moov[i] ^ 0x80)}) {
				Bytes bad = moov;
				bad[i] = v;
				const Mp4Index index = parseMoov(bad, {0, 1 << 20, false});
				for (const Mp4Track &t : index.tracks) {
					EXPECT_LE(t.samples.size(), 5u) << "byte " << i << " = " << int(v);
					const Mp4Playback plan = planPlayback(index, t);
					EXPECT_LE(plan.samples.size(), 3 * t.samples.size());
				}
			}
		}
	}
}

TEST(Mp4Hostile, NegativeMediaTimeIsAnEmptyEdit)
{
	Spec s = emptyEditThenMedia();
	s.edits = std::vector<EditSpec>{{4500, -2}, {270000, 1500}};
	const Mp4Index index = parseMoov(moovBody(buildMp4(s)));
	EXPECT_TRUE(mentions(index.diagnostics, Errc::BadStructure, "entry 0 has a negative media time"));
	ASSERT_EQ(gpmd(index).edits.size(), 2u);
	EXPECT_TRUE(gpmd(index).edits[0].empty());
}

TEST(Mp4Hostile, MissingMovieHeaderAndTables)
{
	Bytes moov = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	put32(moov, find(moov, "mvhd") - 4, FourCC("xxxx").value());
	put32(moov, find(moov, "stts") - 4, FourCC("yyyy").value());
	const Mp4Index index = parseMoov(moov);
	EXPECT_TRUE(mentions(index.diagnostics, Errc::BadStructure, "no mvhd"));
	EXPECT_TRUE(mentions(index.diagnostics, Errc::BadStructure, "missing stts"));
	EXPECT_EQ(index.timescale, 0u);
	EXPECT_TRUE(gpmd(index).samples.empty());
	EXPECT_TRUE(gpmd(index).samplesIndexed);
}

TEST(Mp4Index, TracksWithoutGpmdAreNotTelemetry)
{
	/* An 'fdsc' track with the same 'meta' handler is not the telemetry. */
	Bytes moov = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	const std::size_t entry = find(moov, "gpmd", find(moov, "stsd"));
	put32(moov, entry - 4, FourCC("fdsc").value());
	const Mp4Index index = parseMoov(moov);
	ASSERT_EQ(index.tracks.size(), 1u);
	EXPECT_EQ(index.tracks[0].handlerType, FourCC("meta"));
	EXPECT_EQ(findTelemetryTrack(index), nullptr);
	EXPECT_FALSE(index.tracks[0].samplesIndexed);
	Mp4Track track = index.tracks[0];
	std::vector<Diagnostic> diagnostics;
	indexTrackSamples(track, diagnostics);
	EXPECT_EQ(track.samples.size(), 5u);
	EXPECT_TRUE(diagnostics.empty());
}

TEST(Mp4Index, HandlerNamesInBothStringForms)
{
	Bytes moov = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	EXPECT_EQ(parseMoov(moov).tracks[0].handlerName, "GoPro MET");
	/* ISO form: a NUL-terminated string in place of the Pascal one. */
	const std::size_t name = find(moov, "hdlr") + 24;
	const std::string iso = "MetaHandler";
	std::copy(iso.begin(), iso.end(), moov.begin() + name);
	moov[name + iso.size()] = 0;
	EXPECT_EQ(parseMoov(moov).tracks[0].handlerName, "MetaHandler");
}

TEST(Mp4Index, FragmentedFilesSayWhatIsMissing)
{
	Bytes moov = moovBody(buildMp4(fiveSamplesInThreeChunks()));
	const Bytes mvex = box("mvex", 0);
	moov.insert(moov.end(), mvex.begin(), mvex.end());
	const Mp4Index index = parseMoov(moov);
	EXPECT_TRUE(index.fragmented);
	EXPECT_TRUE(mentions(index.diagnostics, Errc::Unsupported, "fragmented"));
	EXPECT_EQ(gpmd(index).samples.size(), 5u);
}

TEST(Mp4Index, DiagnosticsCarryFileOffsets)
{
	const Bytes file = buildMp4(fiveSamplesInThreeChunks());
	const Mp4TopLevel top = scanTopLevel(file.size(), memoryReader(file));
	Bytes moov = moovBody(file);
	const std::size_t stsz = find(moov, "stsz");
	put32(moov, stsz + 8, 99);
	const Mp4Index index = parseMoov(moov, {top.moov->bodyOffset(), file.size(), false});
	const auto it = std::find_if(index.diagnostics.begin(), index.diagnostics.end(),
				     [](const Diagnostic &d) { return d.path.ends_with("/stsz"); });
	ASSERT_NE(it, index.diagnostics.end()) << messages(index.diagnostics);
	EXPECT_EQ(it->offset, top.moov->bodyOffset() + stsz);
	EXPECT_EQ(FourCC(loadBe32(file.data() + it->offset - 4)), FourCC("stsz"))
	    << "points at the stsz body";
}

} // namespace
