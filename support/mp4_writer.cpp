// SPDX-License-Identifier: LGPL-2.1-or-later
// A minimal MP4 with one GoPro-style 'gpmd' metadata track, laid out as GoPro cameras do:
// ftyp, mdat, then moov with mvhd, udta and the track (compared with a HERO7 Black file).

#include "support/mp4_writer.h"

#include <cstddef>
#include <limits>
#include <string_view>

#include "gpmf/klv_writer.h"

namespace gpmf {

namespace {

constexpr std::uint64_t kMax32 = std::numeric_limits<std::uint32_t>::max();

/// Appends boxes; open() and close() patch the 32-bit size of nested boxes.
class BoxWriter {
public:
	void open(FourCC type)
	{
		open_.push_back(out.size());
		u32(0);
		u32(type.value());
	}
	/// A full box: header plus version and flags.
	void openFull(FourCC type, std::uint8_t version, std::uint32_t flags)
	{
		open(type);
		u8(version);
		be(flags, 3);
	}
	void close()
	{
		const std::size_t at = open_.back();
		open_.pop_back();
		const std::uint64_t size = out.size() - at;
		for (int i = 0; i < 4; i++)
			out[at + i] = static_cast<std::uint8_t>(size >> (24 - 8 * i));
	}

	void u8(std::uint8_t v) { out.push_back(v); }
	void u16(std::uint16_t v) { be(v, 2); }
	void u32(std::uint64_t v) { be(v, 4); }
	void u64(std::uint64_t v) { be(v, 8); }
	void be(std::uint64_t v, int bytes) { appendBe(out, v, bytes); }
	void zeros(std::size_t n) { out.resize(out.size() + n, 0); }
	void bytes(std::span<const std::uint8_t> data) { out.insert(out.end(), data.begin(), data.end()); }

	/// The unity matrix of mvhd and tkhd (16.16 and 2.30 fixed point).
	void matrix()
	{
		for (std::uint32_t v : {0x10000u, 0u, 0u, 0u, 0x10000u, 0u, 0u, 0u, 0x40000000u})
			u32(v);
	}

	std::vector<std::uint8_t> out;

private:
	std::vector<std::size_t> open_;
};

/// Writes a time field as version 0 (32 bits) or version 1 (64 bits).
void timeField(BoxWriter &w, std::uint8_t version, std::uint64_t value)
{
	if (version)
		w.u64(value);
	else
		w.u32(value);
}

void writeMvhd(BoxWriter &w, std::uint32_t timescale, std::uint64_t duration, std::uint32_t nextTrack)
{
	const std::uint8_t version = duration > kMax32 ? 1 : 0;
	w.openFull("mvhd", version, 0);
	timeField(w, version, 0); /* creation time: left unset, so output is reproducible */
	timeField(w, version, 0); /* modification time */
	w.u32(timescale);
	timeField(w, version, duration);
	w.u32(0x00010000); /* rate 1.0 */
	w.u16(0x0100);	   /* volume 1.0 */
	w.zeros(10);
	w.matrix();
	w.zeros(24); /* pre_defined */
	w.u32(nextTrack);
	w.close();
}

void writeTkhd(BoxWriter &w, std::uint32_t trackId, std::uint64_t duration)
{
	const std::uint8_t version = duration > kMax32 ? 1 : 0;
	w.openFull("tkhd", version, 0x000003); /* enabled, in movie */
	timeField(w, version, 0);
	timeField(w, version, 0);
	w.u32(trackId);
	w.u32(0);
	timeField(w, version, duration);
	w.zeros(8);
	w.u16(0); /* layer */
	w.u16(0); /* alternate group */
	w.u16(0); /* volume: not an audio track */
	w.u16(0);
	w.matrix();
	w.u32(0); /* width and height: no picture */
	w.u32(0);
	w.close();
}

void writeElst(BoxWriter &w, std::uint64_t segmentDuration, std::uint32_t mediaTime)
{
	w.open("edts");
	const std::uint8_t version = segmentDuration > kMax32 ? 1 : 0;
	w.openFull("elst", version, 0);
	w.u32(1);
	timeField(w, version, segmentDuration);
	timeField(w, version, mediaTime);
	w.u16(1); /* media rate 1.0 */
	w.u16(0);
	w.close();
	w.close();
}

void writeMdhd(BoxWriter &w, std::uint32_t timescale, std::uint64_t duration)
{
	const std::uint8_t version = duration > kMax32 ? 1 : 0;
	w.openFull("mdhd", version, 0);
	timeField(w, version, 0);
	timeField(w, version, 0);
	w.u32(timescale);
	timeField(w, version, duration);
	w.u16(0x55c4); /* language "und", packed ISO-639-2 */
	w.u16(0);
	w.close();
}

void writeHdlr(BoxWriter &w)
{
	/* QuickTime style as GoPro writes it: component type 'mhlr', Pascal-string name. */
	constexpr std::string_view name = "GoPro MET";
	w.openFull("hdlr", 0, 0);
	w.u32(FourCC("mhlr").value());
	w.u32(FourCC("meta").value());
	w.zeros(12);
	w.u8(static_cast<std::uint8_t>(name.size()));
	for (char c : name)
		w.u8(static_cast<std::uint8_t>(c));
	w.close();
}

void writeMinfHeaders(BoxWriter &w)
{
	/* Generic media header: gmin (graphics mode, opcolor, balance) and an empty 'gpmd' atom. */
	w.open("gmhd");
	w.openFull("gmin", 0, 0);
	w.zeros(12);
	w.close();
	w.open("gpmd");
	w.u32(0);
	w.close();
	w.close();

	w.open("dinf");
	w.openFull("dref", 0, 0);
	w.u32(1);
	w.openFull("url ", 0, 0x000001); /* data in this file */
	w.close();
	w.close();
	w.close();
}

void writeStbl(BoxWriter &w, const Mp4Recording &rec, std::uint64_t firstOffset)
{
	w.open("stbl");

	w.openFull("stsd", 0, 0);
	w.u32(1);
	w.open("gpmd");
	w.zeros(6);
	w.u16(1); /* data reference index */
	w.u32(0);
	w.close();
	w.close();

	/* Decoding times: runs of equal durations. */
	std::vector<std::pair<std::uint32_t, std::uint32_t>> runs;
	for (const Mp4Sample &sample : rec.samples) {
		if (!runs.empty() && runs.back().second == sample.duration)
			runs.back().first++;
		else
			runs.emplace_back(1, sample.duration);
	}
	w.openFull("stts", 0, 0);
	w.u32(runs.size());
	for (const auto &[count, duration] : runs) {
		w.u32(count);
		w.u32(duration);
	}
	w.close();

	/* One sample per chunk, as GoPro does. */
	w.openFull("stsc", 0, 0);
	if (rec.samples.empty()) {
		w.u32(0);
	} else {
		w.u32(1);
		w.u32(1);
		w.u32(1);
		w.u32(1);
	}
	w.close();

	w.openFull("stsz", 0, 0);
	w.u32(0); /* sizes differ */
	w.u32(rec.samples.size());
	for (const Mp4Sample &sample : rec.samples)
		w.u32(sample.data.size());
	w.close();

	/* Offsets past 4 GiB need co64 whatever was asked. */
	std::uint64_t lastOffset = firstOffset;
	for (const Mp4Sample &sample : rec.samples)
		lastOffset += sample.data.size();
	const bool co64 = rec.use64BitOffsets || lastOffset > kMax32;
	w.openFull(co64 ? "co64" : "stco", 0, 0);
	w.u32(rec.samples.size());
	std::uint64_t offset = firstOffset;
	for (const Mp4Sample &sample : rec.samples) {
		if (co64)
			w.u64(offset);
		else
			w.u32(offset);
		offset += sample.data.size();
	}
	w.close();

	w.close();
}

} // namespace

std::vector<std::uint8_t> writeMp4(const Mp4Recording &recording)
{
	BoxWriter w;

	w.open("ftyp");
	w.u32(FourCC("mp41").value());
	w.u32(0);
	w.u32(FourCC("mp41").value());
	w.u32(FourCC("isom").value());
	w.close();

	std::uint64_t payloadBytes = 0;
	std::uint64_t mediaDuration = 0;
	for (const Mp4Sample &sample : recording.samples) {
		payloadBytes += sample.data.size();
		mediaDuration += sample.duration;
	}

	/* mdat, with a 64-bit size when the payloads need it. */
	std::uint64_t firstOffset;
	if (payloadBytes + 8 > kMax32) {
		w.u32(1);
		w.u32(FourCC("mdat").value());
		w.u64(payloadBytes + 16);
		firstOffset = w.out.size();
	} else {
		w.u32(payloadBytes + 8);
		w.u32(FourCC("mdat").value());
		firstOffset = w.out.size();
	}
	w.out.reserve(w.out.size() + payloadBytes + 4096);
	for (const Mp4Sample &sample : recording.samples)
		w.bytes(sample.data);

	/* The edit list skips editListStart of media time, so the presentation is that much shorter. */
	const std::uint32_t timescale = recording.timescale ? recording.timescale : 1000;
	const std::uint64_t editStart = recording.editListStart;
	const std::uint64_t presented = mediaDuration > editStart ? mediaDuration - editStart : 0;

	w.open("moov");
	writeMvhd(w, timescale, presented, 2);

	if (!recording.udta.empty()) {
		w.open("udta");
		for (const auto &[type, body] : recording.udta) {
			w.open(type);
			w.bytes(body);
			w.close();
		}
		w.close();
	}

	w.open("trak");
	writeTkhd(w, 1, presented);
	if (editStart > 0)
		writeElst(w, presented, recording.editListStart);
	w.open("mdia");
	writeMdhd(w, timescale, mediaDuration);
	writeHdlr(w);
	w.open("minf");
	writeMinfHeaders(w);
	writeStbl(w, recording, firstOffset);
	w.close(); /* minf */
	w.close(); /* mdia */
	w.close(); /* trak */
	w.close(); /* moov */

	return std::move(w.out);
}

} // namespace gpmf
