// SPDX-License-Identifier: LGPL-2.1-or-later
// Reading the telemetry out of an MP4 without a demuxer: find moov without reading mdat, index
// its tracks (stsd/stts/stsc/stsz/stco/co64/elst) and the udta atoms, and time the gpmd samples
// exactly as GStreamer 1.22's qtdemux does.
//
// The path of a demuxer over a random-access source:
//   auto top = scanTopLevel(size, read);               // headers only: one read per top-level box
//   auto moov = readBoxBody(*top.moov, read);          // a few hundred kB
//   auto index = parseMoov(*moov, {top.moov->bodyOffset(), size});
//   const Mp4Track *gpmd = findTelemetryTrack(index);  // samples: offset, size, times
//   auto plan = planPlayback(index, *gpmd);            // qtdemux's SEGMENT events and buffers
//   for (const Mp4UdtaAtom &a : index.udta) addUdtaAtom(header, a.type, a.body);
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gpmf/error.h"
#include "gpmf/fourcc.h"

namespace gpmf {

/// GST_CLOCK_TIME_NONE: an unknown or unbounded time.
inline constexpr std::uint64_t kMp4NoTime = ~std::uint64_t(0);
/// A guard on box descent. parseMoov() follows only moov/trak/mdia/minf/stbl (5 levels) and
/// reports known containers found elsewhere (a trak in a trak) instead of entering them.
inline constexpr int kMp4MaxDepth = 16;
/// Default limit of samples indexed per track: a fixed-size stsz needs no bytes per sample, so
/// without one a 100-byte moov could ask for billions. 4 Mi (96 MiB of index) is 4.8 hours of
/// 240 fps video; a gpmd track has one sample a second.
inline constexpr std::uint64_t kMp4MaxSamples = std::uint64_t(1) << 22;

/// gst_util_uint64_scale(): val * num / denom rounded down, through a 128-bit intermediate.
/// kMp4NoTime when denom is 0 or the result does not fit 64 bits.
std::uint64_t mp4Scale(std::uint64_t val, std::uint64_t num, std::uint64_t denom) noexcept;

// ---------------------------------------------------------------------------------------------
// Boxes and the top level of the file

/// A box header: where the box is and how big, as read from its size/type (and largesize) fields.
struct Mp4Box {
	FourCC type;
	std::uint64_t offset = 0;    ///< of the size field, from the start of the file (or container)
	std::uint64_t size = 0;	     ///< whole box, header included
	std::uint8_t headerSize = 8; ///< 8, or 16 with a 64-bit largesize
	bool toEnd = false;	     ///< size field 0: the box runs to the end of its container

	std::uint64_t bodyOffset() const noexcept { return offset + headerSize; }
	std::uint64_t bodySize() const noexcept { return size - headerSize; }
	std::uint64_t end() const noexcept { return offset + size; }
};

/// Bytes that always suffice to parse a box header (size, type, largesize).
inline constexpr std::size_t kMp4BoxHeaderMax = 16;

/// Parses the box header at `offset` of a container that ends at `end` (both absolute).
/// `head` holds the bytes at `offset`: give min(kMp4BoxHeaderMax, end - offset) of them.
/// Fails (nullopt and `*error` set, when given) on a header that does not fit, a size below the
/// header size, or a box that runs past `end`.
std::optional<Mp4Box> parseBoxHeader(std::span<const std::uint8_t> head, std::uint64_t offset,
				     std::uint64_t end, Diagnostic *error = nullptr);

/// Reads up to out.size() bytes at `offset` into `out` and returns how many it read; fewer means
/// end of file or a read error. A file, a GStreamer pull_range, a memory buffer...
using Mp4ReadFn = std::function<std::size_t(std::uint64_t offset, std::span<std::uint8_t> out)>;

struct Mp4TopLevel {
	std::vector<Mp4Box> boxes;  ///< top-level boxes in file order, up to moov (or all of them)
	std::optional<Mp4Box> moov; ///< the first moov
	std::vector<Diagnostic> diagnostics;
};

struct Mp4ScanOptions {
	bool stopAtMoov = true;	     ///< stop at the first moov instead of listing the whole file
	std::size_t maxBoxes = 4096; ///< give up after this many top-level boxes (hostile files)
};

/// Walks the top-level boxes reading only their headers (16 bytes each), so a multi-GB mdat
/// before moov costs one read. Problems (a box past the end of the file, a bad size) stop the
/// walk and are reported; the boxes found before them are kept.
Mp4TopLevel scanTopLevel(std::uint64_t fileSize, const Mp4ReadFn &read, const Mp4ScanOptions &options = {});

/// Reads a box body whole (moov is a few hundred kB). nullopt and `*error` set when the body is
/// larger than `maxBytes` or the read comes back short.
std::optional<std::vector<std::uint8_t>> readBoxBody(const Mp4Box &box, const Mp4ReadFn &read,
						     std::size_t maxBytes = std::size_t(256) << 20,
						     Diagnostic *error = nullptr);

// ---------------------------------------------------------------------------------------------
// The moov index

/// One elst entry, as stored.
struct Mp4Edit {
	std::uint64_t segmentDuration = 0; ///< movie timescale
	std::int64_t mediaTime = 0;	   ///< media timescale; -1 for an empty edit
	std::uint32_t rate = 0x10000;	   ///< 16.16 fixed point

	bool empty() const noexcept { return mediaTime == -1; }
};

/// One sample of a track, flattened from stsz, stsc + stco/co64 and stts.
struct Mp4SampleInfo {
	std::uint64_t offset = 0; ///< absolute file offset of the first byte
	std::uint32_t size = 0;
	std::uint64_t dts = 0;	    ///< decode time, media timescale (stts sum)
	std::uint32_t duration = 0; ///< media timescale
};

struct Mp4Track {
	std::uint32_t id = 0;		 ///< tkhd track_ID
	FourCC handlerType;		 ///< hdlr: 'vide', 'soun', 'meta', 'tmcd'...
	std::string handlerName;	 ///< "GoPro MET" (Pascal or C string, trailing blanks cut)
	FourCC sampleEntry;		 ///< first stsd entry: 'gpmd', 'fdsc', 'avc1', 'hvc1', 'mp4a'...
	std::uint32_t sampleEntries = 0; ///< stsd entry count
	std::uint32_t timescale = 0;	 ///< mdhd
	std::uint64_t duration = 0;	 ///< mdhd, media timescale
	/// mdhd language: three 5-bit letters - 0x60 (ISO 639-2/T, 0x55c4 is "und"), or below
	/// 0x400 a Macintosh language code (0: English); 0x7fff unspecified.
	std::uint16_t language = 0;
	bool hasEditList = false;	 ///< an edts/elst box was present (even with no entries)
	std::vector<Mp4Edit> edits;
	bool hasSyncTable = false; ///< stss present: not every sample is a sync sample

	std::uint64_t declaredSamples = 0;  ///< stsz sample_count
	bool samplesIndexed = false;	    ///< indexTrackSamples() ran on this track
	std::vector<Mp4SampleInfo> samples; ///< the samples whose tables agree, in decode order

	std::span<const std::uint8_t> stbl; ///< stbl body, into the moov bytes given to parseMoov()
	std::uint64_t stblOffset = 0;	    ///< absolute offset of that body
	std::string path;		    ///< "moov/trak[3]" for diagnostics

	/// qtdemux's buffer PTS (= DTS: gpmd has no ctts): the decode time in ns, not edit-shifted.
	std::uint64_t ptsNs(const Mp4SampleInfo &s) const noexcept
	{
		return mp4Scale(s.dts, 1000000000, timescale);
	}
	/// qtdemux's buffer duration: scaled end minus scaled start (not the scaled duration).
	std::uint64_t durationNs(const Mp4SampleInfo &s) const noexcept
	{
		return mp4Scale(s.dts + s.duration, 1000000000, timescale) - ptsNs(s);
	}
};

/// A moov/udta child: what gpmf::addUdtaAtom() (body) or addUdtaAtomBytes() (atom) take.
/// qtdemux sends the udta children it has no tag for (with GoPro files: all of them, ©xyz
/// included) as private-qt-tag samples, in file order: the same list as Mp4Index::udta.
struct Mp4UdtaAtom {
	FourCC type;
	std::span<const std::uint8_t> atom; ///< header included, as qtdemux's private-qt-tag holds it
	std::span<const std::uint8_t> body;
};

struct Mp4Index {
	std::uint32_t timescale = 0; ///< mvhd
	std::uint64_t duration = 0;  ///< mvhd, movie timescale
	std::uint64_t creationTime = 0; ///< mvhd, seconds since 1904-01-01 UTC; 0 when unset
	std::vector<Mp4Track> tracks;
	std::vector<Mp4UdtaAtom> udta;
	bool fragmented = false; ///< mvex present: samples in moof boxes are not indexed
	std::vector<Diagnostic> diagnostics;

	/// Movie duration in ns, kMp4NoTime when unknown (0 or timescale 0), as qtdemux takes it.
	std::uint64_t durationNs() const noexcept;
};

struct Mp4ParseOptions {
	std::uint64_t bodyOffset = 0; ///< where the moov body starts in the file (diagnostic offsets)
	std::uint64_t fileSize = 0;   ///< when known, samples past the end of the file are dropped
	bool allSamples = false;      ///< index the samples of every track, not just gpmd ones
	std::uint64_t maxSamples = kMp4MaxSamples; ///< per track; the rest is reported and dropped
};

/// Parses a moov body (the bytes after the moov box header). Never throws on bad input and never
/// fails as a whole: what cannot be read goes to diagnostics and the rest is returned. The spans
/// in the result point into `moov`, which must outlive it. The samples of tracks whose sample
/// entry is 'gpmd' are indexed (all tracks with options.allSamples).
Mp4Index parseMoov(std::span<const std::uint8_t> moov, const Mp4ParseOptions &options = {});

/// Flattens the sample table of one track (parseMoov() did it for gpmd tracks), using the
/// fileSize and maxSamples of `options`. The moov bytes must still be alive. Diagnostics are
/// appended to `diagnostics`.
void indexTrackSamples(Mp4Track &track, std::vector<Diagnostic> &diagnostics,
		       const Mp4ParseOptions &options = {});

/// The GoPro telemetry track: the first track whose sample entry is 'gpmd' (not the 'fdsc'
/// "GoPro SOS" track, whose handler is 'meta' as well). nullptr when there is none.
const Mp4Track *findTelemetryTrack(const Mp4Index &index) noexcept;

// ---------------------------------------------------------------------------------------------
// Playback as qtdemux does it

/// One edit-list segment as qtdemux activates it: the values of the GstSegment it pushes.
struct Mp4PlaySegment {
	bool empty = false;	 ///< an empty edit: no samples, the movie time just runs on
	bool gap = false;	 ///< qtdemux pushes GAP(start, stop - start): empty edits of 1 s or more
	std::uint64_t start = 0; ///< GstSegment.start, ns of media time (the buffer PTS scale)
	std::uint64_t stop = kMp4NoTime; ///< GstSegment.stop
	std::uint64_t time = 0;		 ///< GstSegment.time: the movie time of `start`
	std::uint64_t base = 0;		 ///< GstSegment.base: running time of the segments before this one
	double rate = 1;		 ///< GstSegment.rate
};

/// One buffer qtdemux pushes.
struct Mp4PlayedSample {
	std::size_t sample = 0;	    ///< index into Mp4Track::samples
	std::size_t segment = 0;    ///< index into Mp4Playback::segments (the one active when pushed)
	std::uint64_t pts = 0;	    ///< buffer PTS and DTS, ns
	std::uint64_t duration = 0; ///< buffer duration, ns
	/// Movie (stream) time: segment.time + pts - segment.start, i.e. the decode time minus the
	/// edit's media_time plus the empty edits before it. Negative for the sample that straddles
	/// the start of an edit.
	std::int64_t movieTime = 0;
};

struct Mp4Playback {
	/// qtdemux 1.22 drops a track shorter than 20% of the movie ("assuming preview image");
	/// the plan is still computed so a demuxer can choose to play it anyway.
	bool qtdemuxSkipsTrack = false;
	/// qtdemux's movie segment stop (and duration) before any seek: the movie duration in ns,
	/// extended by edits that end after it; kMp4NoTime when unknown or open-ended.
	std::uint64_t movieStop = kMp4NoTime;
	std::vector<Mp4PlaySegment> segments;
	std::vector<Mp4PlayedSample> samples;
};

/// Where playback starts and stops, as a flushing seek at rate 1 sets qtdemux's movie segment.
struct Mp4PlayRange {
	std::uint64_t start = 0; ///< movie time (ns) to start at: the seek position
	/// The seek's stop (ns); kMp4NoTime: the movie's (Mp4Playback::movieStop), as qtdemux falls
	/// back to its segment duration when the seek has no stop.
	std::uint64_t stop = kMp4NoTime;
};

/// What GStreamer 1.22's qtdemux pushes for `track` in forward playback, pull mode: the
/// edit-list segments (the dummy one when there is no edit list) and the buffers in order,
/// with their PTS and durations. Samples of size 0 are skipped, as qtdemux does. Every sample
/// is taken as a sync sample (true of gpmd: it has no stss). With a range: what it pushes after
/// a flushing TIME seek to range.start (segments start there, base 0, and the first buffer is
/// the sample that holds that time).
Mp4Playback planPlayback(const Mp4Index &index, const Mp4Track &track, const Mp4PlayRange &range = {});

} // namespace gpmf
