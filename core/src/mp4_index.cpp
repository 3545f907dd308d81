// SPDX-License-Identifier: LGPL-2.1-or-later
// MP4 box scanning, the moov index (tracks, sample tables, edit lists, udta) and qtdemux's timing.
#include "gpmf/mp4_index.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "gpmf/byte_reader.h"

namespace gpmf {

namespace {

__extension__ typedef unsigned __int128 Uint128;

constexpr std::uint64_t kSecond = 1000000000;

/// gst_util_uint64_scale_ceil(), which qtdemux uses to find the first sample of an edit.
std::uint64_t scaleCeil(std::uint64_t val, std::uint64_t num, std::uint64_t denom) noexcept
{
	if (denom == 0)
		return kMp4NoTime;
	const Uint128 r = (Uint128(val) * num + denom - 1) / denom;
	return r > std::numeric_limits<std::uint64_t>::max() ? kMp4NoTime : std::uint64_t(r);
}

/// A double to a time, saturating: converting an out-of-range double is undefined behaviour.
std::uint64_t toTime(double v) noexcept
{
	if (!(v >= 0))
		return 0;
	if (v >= 18446744073709551616.0)
		return kMp4NoTime;
	return std::uint64_t(v);
}

std::size_t readFully(const Mp4ReadFn &read, std::uint64_t offset, std::span<std::uint8_t> out)
{
	std::size_t got = 0;
	while (got < out.size()) {
		const std::size_t n = read(offset + got, out.subspan(got));
		if (n == 0 || n > out.size() - got)
			break;
		got += n;
	}
	return got;
}

/// Where we are in the moov bytes, for diagnostics with absolute offsets.
struct Context {
	std::span<const std::uint8_t> moov;
	std::uint64_t base = 0;
	std::vector<Diagnostic> *diagnostics = nullptr;

	std::size_t at(std::span<const std::uint8_t> part) const noexcept
	{
		return std::size_t(base + std::uint64_t(part.data() - moov.data()));
	}
	void report(Errc code, std::size_t offset, std::string path, std::string detail) const
	{
		diagnostics->push_back(Diagnostic{code, offset, std::move(path), std::move(detail)});
	}
};

struct Child {
	FourCC type;
	std::span<const std::uint8_t> atom;
	std::span<const std::uint8_t> body;
};

/// Calls `fn(child)` for each box in `body`; stops at the first malformed header and reports it.
/// Fewer than 8 trailing zero bytes are QuickTime's list terminator, not an error.
template <typename Fn>
void forEachChild(const Context &ctx, std::span<const std::uint8_t> body, const std::string &path, int depth,
		  Fn &&fn)
{
	if (depth > kMp4MaxDepth) {
		ctx.report(Errc::TooDeep, ctx.at(body), path,
			   "boxes nested deeper than " + std::to_string(kMp4MaxDepth) +
			       " levels are not read");
		return;
	}
	std::size_t pos = 0;
	while (pos < body.size()) {
		const std::size_t left = body.size() - pos;
		if (left < 8 &&
		    std::all_of(body.begin() + pos, body.end(), [](std::uint8_t b) { return b == 0; }))
			return;
		Diagnostic error;
		const auto box = parseBoxHeader(body.subspan(pos, std::min(left, kMp4BoxHeaderMax)), pos,
						body.size(), &error);
		if (!box) {
			error.offset = ctx.at(body) + error.offset;
			error.path = path;
			ctx.diagnostics->push_back(std::move(error));
			return;
		}
		const auto atom = body.subspan(pos, std::size_t(box->size));
		fn(Child{box->type, atom, atom.subspan(box->headerSize)});
		pos += std::size_t(box->size);
	}
}

/// The fields of a full box (version, flags) and a reader over the rest.
struct FullBox {
	std::uint8_t version = 0;
	ByteReader reader;
};

std::optional<FullBox> openFullBox(const Context &ctx, std::span<const std::uint8_t> body,
				   const std::string &path)
{
	ByteReader r(body);
	std::uint32_t versionFlags;
	if (!r.readBe32(versionFlags)) {
		ctx.report(Errc::Truncated, ctx.at(body), path,
			   "full box shorter than its version and flags");
		return std::nullopt;
	}
	return FullBox{std::uint8_t(versionFlags >> 24), r};
}

/// Reads a 32-bit (version 0) or 64-bit (version 1) field.
bool readVersioned(ByteReader &r, std::uint8_t version, std::uint64_t &out)
{
	if (version == 1)
		return r.readBe64(out);
	std::uint32_t v;
	if (!r.readBe32(v))
		return false;
	out = v;
	return true;
}

/// A table of `count` entries of `entrySize` bytes after the count field: the count is cut to
/// what the bytes hold, and a shortfall is reported.
struct Table {
	std::span<const std::uint8_t> bytes;
	std::uint32_t count = 0;
};

std::optional<Table> openTable(const Context &ctx, std::span<const std::uint8_t> body,
			       const std::string &path, std::size_t headerBytes, std::size_t entrySize)
{
	if (body.size() < headerBytes) {
		ctx.report(Errc::Truncated, ctx.at(body), path,
			   "needs " + std::to_string(headerBytes) + " bytes of header, has " +
			       std::to_string(body.size()));
		return std::nullopt;
	}
	const std::uint32_t declared = loadBe32(body.data() + headerBytes - 4);
	const auto entries = body.subspan(headerBytes);
	const std::uint64_t held = entries.size() / entrySize;
	Table table{entries, declared};
	if (declared > held) {
		ctx.report(Errc::Truncated, ctx.at(body), path,
			   "declares " + std::to_string(declared) + " entries, its " +
			       std::to_string(entries.size()) + " bytes hold " + std::to_string(held));
		table.count = std::uint32_t(held);
	}
	return table;
}

std::string trimName(std::string name)
{
	while (!name.empty() && (name.back() == ' ' || name.back() == '\0'))
		name.pop_back();
	return name;
}

/// hdlr name: a Pascal string in QuickTime files (GoPro: "\x0bGoPro MET  "), a C string in ISO ones.
std::string handlerName(std::span<const std::uint8_t> bytes)
{
	if (bytes.empty())
		return {};
	const std::uint8_t count = bytes[0];
	if (count > 0 && count <= bytes.size() - 1 && (count < 0x20 || count == bytes.size() - 1))
		return trimName(std::string(bytes.begin() + 1, bytes.begin() + 1 + count));
	const auto nul = std::find(bytes.begin(), bytes.end(), std::uint8_t(0));
	return trimName(std::string(bytes.begin(), nul));
}

void parseMvhd(const Context &ctx, std::span<const std::uint8_t> body, Mp4Index &index)
{
	const std::string path = "moov/mvhd";
	auto box = openFullBox(ctx, body, path);
	if (!box)
		return;
	ByteReader &r = box->reader;
	std::uint64_t created, skip, duration;
	std::uint32_t timescale;
	if (!readVersioned(r, box->version, created) || !readVersioned(r, box->version, skip) ||
	    !r.readBe32(timescale) || !readVersioned(r, box->version, duration)) {
		ctx.report(Errc::Truncated, ctx.at(body), path, "too short for its timescale and duration");
		return;
	}
	index.creationTime = created;
	index.timescale = timescale;
	index.duration = duration;
	if (timescale == 0)
		ctx.report(Errc::BadStructure, ctx.at(body), path,
			   "movie timescale 0: edit lists cannot be timed");
}

void parseTkhd(const Context &ctx, std::span<const std::uint8_t> body, Mp4Track &track)
{
	const std::string path = track.path + "/tkhd";
	auto box = openFullBox(ctx, body, path);
	if (!box)
		return;
	std::uint64_t skip;
	std::uint32_t id;
	if (!readVersioned(box->reader, box->version, skip) ||
	    !readVersioned(box->reader, box->version, skip) || !box->reader.readBe32(id)) {
		ctx.report(Errc::Truncated, ctx.at(body), path, "too short for its track ID");
		return;
	}
	track.id = id;
}

void parseElst(const Context &ctx, std::span<const std::uint8_t> body, const std::string &path,
	       Mp4Track &track)
{
	auto box = openFullBox(ctx, body, path);
	if (!box)
		return;
	const std::size_t entrySize = box->version == 1 ? 20 : 12;
	auto table = openTable(ctx, body, path, 8, entrySize);
	if (!table)
		return;
	track.edits.reserve(table->count);
	ByteReader r(table->bytes);
	for (std::uint32_t i = 0; i < table->count; i++) {
		Mp4Edit edit;
		std::uint64_t mediaTime;
		readVersioned(r, box->version, edit.segmentDuration);
		readVersioned(r, box->version, mediaTime);
		r.readBe32(edit.rate);
		/* qtdemux takes only all-ones as "empty"; other negative times in version 1 make no sense. */
		const std::uint64_t emptyMark = box->version == 1 ? ~std::uint64_t(0) : 0xffffffffu;
		if (mediaTime == emptyMark) {
			edit.mediaTime = -1;
		} else if (mediaTime > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
			ctx.report(Errc::BadStructure, ctx.at(table->bytes) + i * entrySize, path,
				   "entry " + std::to_string(i) +
				       " has a negative media time; taken as an empty edit");
			edit.mediaTime = -1;
		} else {
			edit.mediaTime = std::int64_t(mediaTime);
		}
		track.edits.push_back(edit);
	}
}

void parseMdhd(const Context &ctx, std::span<const std::uint8_t> body, Mp4Track &track)
{
	const std::string path = track.path + "/mdia/mdhd";
	auto box = openFullBox(ctx, body, path);
	if (!box)
		return;
	ByteReader &r = box->reader;
	std::uint64_t skip, duration;
	std::uint32_t timescale;
	if (!readVersioned(r, box->version, skip) || !readVersioned(r, box->version, skip) ||
	    !r.readBe32(timescale) || !readVersioned(r, box->version, duration)) {
		ctx.report(Errc::Truncated, ctx.at(body), path, "too short for its timescale and duration");
		return;
	}
	track.timescale = timescale;
	track.duration = duration;
	std::uint16_t language;
	if (r.readBe16(language))
		track.language = language;
	if (timescale == 0)
		ctx.report(Errc::BadStructure, ctx.at(body), path,
			   "media timescale 0: samples cannot be timed");
}

void parseHdlr(const Context &ctx, std::span<const std::uint8_t> body, Mp4Track &track)
{
	/* version/flags, component type ('mhlr' or 0), handler type, 12 reserved bytes, name */
	if (body.size() < 12) {
		ctx.report(Errc::Truncated, ctx.at(body), track.path + "/mdia/hdlr",
			   "too short for its handler type");
		return;
	}
	track.handlerType = FourCC(loadBe32(body.data() + 8));
	if (body.size() > 24)
		track.handlerName = handlerName(body.subspan(24));
}

void parseStsd(const Context &ctx, std::span<const std::uint8_t> body, const std::string &path,
	       Mp4Track &track)
{
	if (body.size() < 8) {
		ctx.report(Errc::Truncated, ctx.at(body), path, "too short for its entry count");
		return;
	}
	track.sampleEntries = loadBe32(body.data() + 4);
	if (track.sampleEntries == 0) {
		ctx.report(Errc::BadStructure, ctx.at(body), path, "no sample entry");
		return;
	}
	/* Only the entry's header is needed: its type says what the samples are. */
	Diagnostic error;
	const auto entries = body.subspan(8);
	const auto entry = parseBoxHeader(entries.first(std::min(entries.size(), kMp4BoxHeaderMax)), 0,
					  entries.size(), &error);
	if (!entry) {
		ctx.report(error.code, ctx.at(entries) + error.offset, path, error.detail);
		return;
	}
	track.sampleEntry = entry->type;
}

void parseStbl(const Context &ctx, std::span<const std::uint8_t> body, const std::string &path, int depth,
	       Mp4Track &track)
{
	track.stbl = body;
	track.stblOffset = ctx.at(body);
	forEachChild(ctx, body, path, depth, [&](const Child &c) {
		if (c.type == FourCC("stsd"))
			parseStsd(ctx, c.body, path + "/stsd", track);
		else if (c.type == FourCC("stss"))
			track.hasSyncTable = true;
		else if (c.type == FourCC("stsz") && c.body.size() >= 12)
			track.declaredSamples = loadBe32(c.body.data() + 8);
	});
}

void parseMdia(const Context &ctx, std::span<const std::uint8_t> body, int depth, Mp4Track &track)
{
	const std::string path = track.path + "/mdia";
	bool haveMdhd = false, haveHdlr = false, haveStbl = false;
	forEachChild(ctx, body, path, depth, [&](const Child &c) {
		if (c.type == FourCC("mdhd")) {
			haveMdhd = true;
			parseMdhd(ctx, c.body, track);
		} else if (c.type == FourCC("hdlr")) {
			haveHdlr = true;
			parseHdlr(ctx, c.body, track);
		} else if (c.type == FourCC("minf")) {
			forEachChild(ctx, c.body, path + "/minf", depth + 1, [&](const Child &m) {
				if (m.type == FourCC("stbl") && !haveStbl) {
					haveStbl = true;
					parseStbl(ctx, m.body, path + "/minf/stbl", depth + 2, track);
				}
			});
		}
	});
	if (!haveMdhd)
		ctx.report(Errc::BadStructure, ctx.at(body), path, "no mdhd: the track has no timescale");
	if (!haveHdlr)
		ctx.report(Errc::BadStructure, ctx.at(body), path, "no hdlr: the track type is unknown");
	if (!haveStbl)
		ctx.report(Errc::BadStructure, ctx.at(body), path,
			   "no minf/stbl: the track has no sample table");
}

void parseTrak(const Context &ctx, std::span<const std::uint8_t> body, int depth, Mp4Track &track)
{
	bool haveMdia = false;
	forEachChild(ctx, body, track.path, depth, [&](const Child &c) {
		if (c.type == FourCC("tkhd")) {
			parseTkhd(ctx, c.body, track);
		} else if (c.type == FourCC("edts")) {
			forEachChild(ctx, c.body, track.path + "/edts", depth + 1, [&](const Child &e) {
				if (e.type == FourCC("elst") && !track.hasEditList) {
					track.hasEditList = true;
					parseElst(ctx, e.body, track.path + "/edts/elst", track);
				}
			});
		} else if (c.type == FourCC("mdia") && !haveMdia) {
			haveMdia = true;
			parseMdia(ctx, c.body, depth + 1, track);
		} else if (c.type == FourCC("trak") || c.type == FourCC("moov")) {
			/* Only moov/trak/... is followed, so hostile nesting cannot recurse. */
			ctx.report(Errc::BadStructure, ctx.at(c.atom), track.path,
				   "'" + c.type.str() + "' inside a track is ignored");
		}
	});
	if (!haveMdia)
		ctx.report(Errc::BadStructure, ctx.at(body), track.path, "no mdia: the track has no media");
}

bool isTelemetry(const Mp4Track &track) noexcept
{
	return track.sampleEntry == FourCC("gpmd");
}

} // namespace

std::uint64_t mp4Scale(std::uint64_t val, std::uint64_t num, std::uint64_t denom) noexcept
{
	if (denom == 0)
		return kMp4NoTime;
	const Uint128 r = Uint128(val) * num / denom;
	return r > std::numeric_limits<std::uint64_t>::max() ? kMp4NoTime : std::uint64_t(r);
}

std::optional<Mp4Box> parseBoxHeader(std::span<const std::uint8_t> head, std::uint64_t offset,
				     std::uint64_t end, Diagnostic *error)
{
	auto fail = [&](Errc code, std::string detail) -> std::optional<Mp4Box> {
		if (error)
			*error = Diagnostic{code, std::size_t(offset), {}, std::move(detail)};
		return std::nullopt;
	};
	const std::uint64_t room = end > offset ? end - offset : 0;
	if (room < 8 || head.size() < 8)
		return fail(Errc::Truncated, "box header needs 8 bytes, " +
						 std::to_string(std::min<std::uint64_t>(room, head.size())) +
						 " left");

	Mp4Box box;
	box.offset = offset;
	box.type = FourCC(loadBe32(head.data() + 4));
	const std::uint32_t size32 = loadBe32(head.data());
	if (size32 == 1) {
		if (room < 16 || head.size() < 16)
			return fail(Errc::Truncated,
				    "'" + box.type.str() + "' box: 64-bit size needs 16 header bytes");
		box.headerSize = 16;
		box.size = loadBe64(head.data() + 8);
		if (box.size < 16)
			return fail(Errc::BadSize, "'" + box.type.str() + "' box: 64-bit size " +
						       std::to_string(box.size) +
						       " is smaller than its header");
	} else if (size32 == 0) {
		box.size = room;
		box.toEnd = true;
	} else if (size32 < 8) {
		return fail(Errc::BadSize, "'" + box.type.str() + "' box: size " + std::to_string(size32) +
					       " is smaller than its header");
	} else {
		box.size = size32;
	}
	if (box.size > room)
		return fail(Errc::Truncated, "'" + box.type.str() + "' box of " + std::to_string(box.size) +
						 " bytes runs past its container (" + std::to_string(room) +
						 " left)");
	return box;
}

Mp4TopLevel scanTopLevel(std::uint64_t fileSize, const Mp4ReadFn &read, const Mp4ScanOptions &options)
{
	Mp4TopLevel top;
	std::uint64_t offset = 0;
	while (offset < fileSize) {
		if (top.boxes.size() >= options.maxBoxes) {
			top.diagnostics.push_back(
			    Diagnostic{Errc::Unsupported,
				       std::size_t(offset),
				       {},
				       "more than " + std::to_string(options.maxBoxes) +
					   " top-level boxes; the rest is not scanned"});
			break;
		}
		std::uint8_t head[kMp4BoxHeaderMax];
		const std::size_t want =
		    std::size_t(std::min<std::uint64_t>(fileSize - offset, sizeof(head)));
		const std::size_t got = readFully(read, offset, std::span(head, want));
		if (got < want) {
			top.diagnostics.push_back(Diagnostic{Errc::Truncated,
							     std::size_t(offset),
							     {},
							     "read of a box header came back short"});
			break;
		}
		Diagnostic error;
		const auto box =
		    parseBoxHeader(std::span<const std::uint8_t>(head, got), offset, fileSize, &error);
		if (!box) {
			top.diagnostics.push_back(std::move(error));
			break;
		}
		top.boxes.push_back(*box);
		if (box->type == FourCC("moov") && !top.moov) {
			top.moov = box;
			if (options.stopAtMoov)
				break;
		}
		offset = box->end();
	}
	if (!top.moov)
		top.diagnostics.push_back(
		    Diagnostic{Errc::BadStructure, std::size_t(offset), {}, "no moov box found"});
	return top;
}

std::optional<std::vector<std::uint8_t>> readBoxBody(const Mp4Box &box, const Mp4ReadFn &read,
						     std::size_t maxBytes, Diagnostic *error)
{
	const std::uint64_t size = box.bodySize();
	if (size > maxBytes) {
		if (error)
			*error = Diagnostic{Errc::Unsupported, std::size_t(box.offset), box.type.str(),
					    "body of " + std::to_string(size) + " bytes is over the " +
						std::to_string(maxBytes) + "-byte limit"};
		return std::nullopt;
	}
	std::vector<std::uint8_t> body(static_cast<std::size_t>(size));
	if (readFully(read, box.bodyOffset(), body) < body.size()) {
		if (error)
			*error = Diagnostic{Errc::Truncated, std::size_t(box.bodyOffset()), box.type.str(),
					    "read came back short: the file ends inside the box"};
		return std::nullopt;
	}
	return body;
}

std::uint64_t Mp4Index::durationNs() const noexcept
{
	if (duration == 0 || timescale == 0)
		return kMp4NoTime;
	return mp4Scale(duration, kSecond, timescale);
}

Mp4Index parseMoov(std::span<const std::uint8_t> moov, const Mp4ParseOptions &options)
{
	Mp4Index index;
	const Context ctx{moov, options.bodyOffset, &index.diagnostics};
	bool haveMvhd = false, haveUdta = false;

	forEachChild(ctx, moov, "moov", 1, [&](const Child &c) {
		if (c.type == FourCC("mvhd") && !haveMvhd) {
			haveMvhd = true;
			parseMvhd(ctx, c.body, index);
		} else if (c.type == FourCC("trak")) {
			Mp4Track &track = index.tracks.emplace_back();
			track.path = "moov/trak[" + std::to_string(index.tracks.size() - 1) + "]";
			parseTrak(ctx, c.body, 2, track);
		} else if (c.type == FourCC("udta") && !haveUdta) {
			/* qtdemux reads the first udta only. */
			haveUdta = true;
			forEachChild(ctx, c.body, "moov/udta", 2, [&](const Child &u) {
				index.udta.push_back(Mp4UdtaAtom{u.type, u.atom, u.body});
			});
		} else if (c.type == FourCC("mvex")) {
			index.fragmented = true;
			ctx.report(Errc::Unsupported, ctx.at(c.atom), "moov/mvex",
				   "fragmented MP4: samples in moof boxes are not indexed");
		}
	});
	if (!haveMvhd)
		ctx.report(Errc::BadStructure, ctx.at(moov), "moov",
			   "no mvhd: the movie timescale is unknown");

	for (Mp4Track &track : index.tracks) {
		if (options.allSamples || isTelemetry(track))
			indexTrackSamples(track, index.diagnostics, options);
	}
	/* The stbl spans were taken with this context's base; keep diagnostics in file order. */
	return index;
}

void indexTrackSamples(Mp4Track &track, std::vector<Diagnostic> &diagnostics, const Mp4ParseOptions &options)
{
	const std::uint64_t fileSize = options.fileSize;
	track.samples.clear();
	track.samplesIndexed = true;
	if (track.stbl.empty())
		return;

	/* Offsets are reported relative to the stbl body, rebased on its absolute offset. */
	const Context ctx{track.stbl, track.stblOffset, &diagnostics};
	const std::string path = track.path + "/mdia/minf/stbl";
	/* parseMoov() already reported malformed stbl children: gather them quietly. */
	std::optional<Child> stsz, stts, stsc, stco, co64;
	bool compact = false;
	std::vector<Diagnostic> quiet;
	const Context gather{track.stbl, track.stblOffset, &quiet};
	forEachChild(gather, track.stbl, path, 0, [&](const Child &c) {
		std::optional<Child> *slot = c.type == FourCC("stsz")	? &stsz
					     : c.type == FourCC("stts") ? &stts
					     : c.type == FourCC("stsc") ? &stsc
					     : c.type == FourCC("stco") ? &stco
					     : c.type == FourCC("co64") ? &co64
									: nullptr;
		if (slot && !*slot)
			*slot = c;
		compact = compact || c.type == FourCC("stz2");
	});

	if (!stsz) {
		ctx.report(compact ? Errc::Unsupported : Errc::BadStructure, ctx.at(track.stbl), path,
			   compact ? "compact sample sizes (stz2) are not supported"
				   : "no stsz: sample sizes unknown");
		return;
	}
	if (!stts || !stsc || (!stco && !co64)) {
		ctx.report(Errc::BadStructure, ctx.at(track.stbl), path,
			   std::string("missing ") + (!stts ? "stts " : "") + (!stsc ? "stsc " : "") +
			       (!stco && !co64 ? "stco/co64" : ""));
		return;
	}
	const bool wide = !stco;
	if (stco && co64)
		ctx.report(Errc::BadStructure, ctx.at(co64->atom), path + "/co64",
			   "both stco and co64: co64 ignored");
	const Child &offsets = wide ? *co64 : *stco;
	const std::size_t offsetSize = wide ? 8 : 4;

	/* Sizes: a fixed size, or one 32-bit entry per sample that the bytes must hold. */
	const std::string stszPath = path + "/stsz";
	if (stsz->body.size() < 12) {
		ctx.report(Errc::Truncated, ctx.at(stsz->body), stszPath, "too short for its sample count");
		return;
	}
	const std::uint32_t fixedSize = loadBe32(stsz->body.data() + 4);
	std::uint64_t count = loadBe32(stsz->body.data() + 8);
	const auto sizeTable = stsz->body.subspan(12);
	if (fixedSize == 0 && count > sizeTable.size() / 4) {
		ctx.report(Errc::Truncated, ctx.at(stsz->body), stszPath,
			   "declares " + std::to_string(count) + " sample sizes, its bytes hold " +
			       std::to_string(sizeTable.size() / 4));
		count = sizeTable.size() / 4;
	}
	if (count > options.maxSamples) {
		ctx.report(Errc::Unsupported, ctx.at(stsz->body), stszPath,
			   std::to_string(count) + " samples: only the first " +
			       std::to_string(options.maxSamples) + " are indexed");
		count = options.maxSamples;
	}
	auto sizeOf = [&](std::uint64_t i) {
		return fixedSize ? fixedSize : loadBe32(sizeTable.data() + 4 * i);
	};

	const auto chunks = openTable(ctx, offsets.body, path + "/" + offsets.type.str(), 8, offsetSize);
	const auto runs = openTable(ctx, stsc->body, path + "/stsc", 8, 12);
	const auto times = openTable(ctx, stts->body, path + "/stts", 8, 8);
	if (!chunks || !runs || !times)
		return;
	auto chunkOffset = [&](std::uint32_t chunk) {
		const std::uint8_t *p = chunks->bytes.data() + offsetSize * (chunk - 1);
		return wide ? loadBe64(p) : std::uint64_t(loadBe32(p));
	};

	/* Offsets: stsc maps runs of chunks to a number of samples per chunk; each entry runs up to
	 * the next one's first chunk, the last one to the end of stco. An entry whose end is unknown
	 * (next first_chunk 0 or not increasing) ends the mapping. */
	std::vector<Mp4SampleInfo> samples;
	samples.reserve(std::size_t(std::min<std::uint64_t>(count, fixedSize ? 65536 : count)));
	const std::string stscPath = path + "/stsc";
	auto firstChunk = [&](std::uint32_t e) { return loadBe32(runs->bytes.data() + 12 * std::size_t(e)); };
	auto entryProblem = [&](std::uint32_t e) -> std::string {
		const std::uint32_t first = firstChunk(e);
		if (first == 0)
			return "entry " + std::to_string(e) + " has first_chunk 0 (chunks count from 1)";
		if (e > 0 && first <= firstChunk(e - 1))
			return "entry " + std::to_string(e) + " goes backwards: first_chunk " +
			       std::to_string(first) + " after " + std::to_string(firstChunk(e - 1));
		if (first > chunks->count)
			return "entry " + std::to_string(e) + " starts at chunk " + std::to_string(first) +
			       " of " + std::to_string(chunks->count);
		return {};
	};

	bool stopped = false; /* a problem was reported: no summary of the shortfall */
	bool spare = false;   /* chunk room left once every sample was placed */
	for (std::uint32_t e = 0; e < runs->count && !stopped; e++) {
		if (samples.size() == count) {
			spare = true;
			break;
		}
		std::string problem = entryProblem(e);
		std::uint32_t problemEntry = e;
		std::uint64_t endChunk = std::uint64_t(chunks->count) + 1;
		if (problem.empty() && e + 1 < runs->count) {
			problem = entryProblem(e + 1);
			problemEntry = e + 1;
			endChunk = firstChunk(e + 1);
		}
		if (!problem.empty()) {
			ctx.report(Errc::BadStructure, ctx.at(runs->bytes) + 12 * std::size_t(problemEntry),
				   stscPath, problem);
			stopped = true;
			break;
		}
		const std::uint32_t perChunk = loadBe32(runs->bytes.data() + 12 * std::size_t(e) + 4);
		for (std::uint64_t chunk = firstChunk(e); chunk < endChunk && !stopped; chunk++) {
			std::uint64_t offset = chunkOffset(std::uint32_t(chunk));
			for (std::uint32_t k = 0; k < perChunk; k++) {
				if (samples.size() == count) {
					spare = true;
					break;
				}
				const std::uint32_t size = sizeOf(samples.size());
				if (offset > std::numeric_limits<std::uint64_t>::max() - size) {
					ctx.report(Errc::BadSize, ctx.at(offsets.body),
						   path + "/" + offsets.type.str(),
						   "sample " + std::to_string(samples.size()) + " in chunk " +
						       std::to_string(chunk) + " runs past 2^64");
					stopped = true;
					break;
				}
				if (fileSize && (offset > fileSize || size > fileSize - offset)) {
					/* A recording cut short: the rest is not in the file. */
					ctx.report(Errc::Truncated, std::size_t(offset), path,
						   "sample " + std::to_string(samples.size()) + " (" +
						       std::to_string(size) + " bytes at " +
						       std::to_string(offset) +
						       ") runs past the end of the file (" +
						       std::to_string(fileSize) +
						       " bytes); it and the samples after it are dropped");
					stopped = true;
					break;
				}
				samples.push_back(Mp4SampleInfo{offset, size, 0, 0});
				offset += size;
			}
			if (spare)
				break;
		}
		if (spare)
			break;
	}
	if (!stopped && samples.size() < count)
		ctx.report(Errc::BadStructure, ctx.at(stsc->body), stscPath,
			   "stsc and " + offsets.type.str() + " place " + std::to_string(samples.size()) +
			       " of the " + std::to_string(count) + " samples of stsz");
	else if (!stopped && spare)
		ctx.report(Errc::BadStructure, ctx.at(stsc->body), stscPath,
			   "stsc and " + offsets.type.str() + " have room for more than the " +
			       std::to_string(count) + " samples of stsz");

	/* Decode times: runs of (count, delta). Samples past the last run have no time and go. */
	std::uint64_t timed = 0;
	std::uint64_t dts = 0;
	for (std::uint32_t i = 0; i < times->count; i++) {
		const std::uint32_t n = loadBe32(times->bytes.data() + 8 * std::size_t(i));
		const std::uint32_t delta = loadBe32(times->bytes.data() + 8 * std::size_t(i) + 4);
		const std::uint64_t end = std::min<std::uint64_t>(timed + n, samples.size());
		for (std::uint64_t s = timed; s < end; s++) {
			samples[s].dts = dts;
			samples[s].duration = delta;
			dts += delta;
		}
		timed += n;
	}
	if (timed != count) {
		ctx.report(Errc::BadStructure, ctx.at(stts->body), path + "/stts",
			   "times " + std::to_string(timed) + " samples, stsz has " + std::to_string(count) +
			       (timed < count ? ": the untimed ones are dropped" : ""));
	}
	if (timed < samples.size())
		samples.resize(std::size_t(timed));

	track.samples = std::move(samples);
}

const Mp4Track *findTelemetryTrack(const Mp4Index &index) noexcept
{
	for (const Mp4Track &track : index.tracks) {
		if (isTelemetry(track))
			return &track;
	}
	return nullptr;
}

namespace {

/// qtdemux's QtDemuxSegment: an edit in ns.
struct EditSegment {
	std::uint64_t time = 0, stopTime = 0, duration = 0;
	std::uint64_t mediaStart = kMp4NoTime, mediaStop = kMp4NoTime;
	double rate = 1;
	bool empty() const noexcept { return mediaStart == kMp4NoTime; }
};

/// qtdemux_parse_segments() of GStreamer 1.22, observed behaviour included: a media edit of
/// duration 0 runs to the end of the media and ends the list; rates of 0 or 1 (not 16.16) mean 1.
std::vector<EditSegment> editSegments(const Mp4Index &index, const Mp4Track &track, std::uint64_t &movieStop)
{
	std::vector<EditSegment> segments;
	if (!track.edits.empty() && index.timescale != 0) {
		std::uint64_t elapsed = 0; /* movie timescale, summed unscaled to avoid rounding drift */
		std::uint64_t stime = 0;
		for (const Mp4Edit &edit : track.edits) {
			EditSegment seg;
			const bool media = !edit.empty();
			seg.time = stime;
			if (edit.segmentDuration != 0 || !media) {
				elapsed += edit.segmentDuration;
				stime = mp4Scale(elapsed, kSecond, index.timescale);
				seg.duration = stime - seg.time;
			} else {
				stime = kMp4NoTime;
				seg.duration = kMp4NoTime;
			}
			seg.stopTime = stime;
			if (media) {
				seg.mediaStart =
				    mp4Scale(std::uint64_t(edit.mediaTime), kSecond, track.timescale);
				seg.mediaStop =
				    seg.duration == kMp4NoTime ? kMp4NoTime : seg.mediaStart + seg.duration;
			}
			seg.rate = edit.rate <= 1 ? 1.0 : edit.rate / 65536.0;
			if (seg.stopTime > movieStop)
				movieStop = seg.stopTime;
			segments.push_back(seg);
			if (media && edit.segmentDuration == 0)
				break;
		}
	}
	if (segments.empty()) {
		/* No edit list: one segment over the whole media. */
		std::uint64_t duration = mp4Scale(track.duration, kSecond, track.timescale);
		if (duration == 0)
			duration = kMp4NoTime;
		EditSegment seg;
		seg.stopTime = seg.duration = seg.mediaStop = duration;
		seg.mediaStart = 0;
		segments.push_back(seg);
	}
	return segments;
}

/// gst_qtdemux_find_segment(): the segment holding `position`; the last one always matches.
std::size_t findSegment(const std::vector<EditSegment> &segments, std::uint64_t position)
{
	for (std::size_t i = 0; i + 1 < segments.size(); i++) {
		if (segments[i].time <= position && position < segments[i].stopTime)
			return i;
	}
	return segments.size() - 1;
}

/// gst_qtdemux_find_index_linear(): the last sample starting at or before `start`.
std::size_t findSample(const Mp4Track &track, std::uint64_t start)
{
	const auto &samples = track.samples;
	const std::uint64_t movTime = scaleCeil(start, track.timescale, kSecond);
	std::size_t index = 0;
	if (movTime == samples[0].dts)
		return 0;
	while (index + 1 < samples.size() && movTime >= samples[index + 1].dts)
		index++;
	return index;
}

} // namespace

Mp4Playback planPlayback(const Mp4Index &index, const Mp4Track &track, const Mp4PlayRange &range)
{
	Mp4Playback plan;
	if (track.timescale == 0)
		return plan;

	/* qtdemux_parse_trak(): tdur products in 64 bits, wrapping as the C code does. */
	const std::uint64_t tdur1 = std::uint64_t(track.timescale) * index.duration;
	const std::uint64_t tdur2 = std::uint64_t(index.timescale) * track.duration;
	if (!index.fragmented && index.duration != std::uint64_t(std::numeric_limits<std::int64_t>::max()) &&
	    track.duration != std::uint64_t(std::numeric_limits<std::int32_t>::max()) && tdur1 != 0 &&
	    tdur2 * 10 / tdur1 < 2)
		plan.qtdemuxSkipsTrack = true;

	/* qtdemux->segment.stop and .duration: the movie duration, extended by edits that end
	 * after it (1.22 logs "movie segment will be extended"; a segment stop of NONE for an
	 * open-ended edit shows both are). */
	std::uint64_t movieDuration = index.durationNs();
	const std::vector<EditSegment> segments = editSegments(index, track, movieDuration);
	plan.movieStop = movieDuration;
	/* A seek sets qtdemux->segment.stop (NONE for an open one: then the duration counts), and
	 * starts every stream at its position with no running time accumulated
	 * (gst_qtdemux_perform_seek()). */
	const std::uint64_t movieStop = range.stop != kMp4NoTime ? range.stop : movieDuration;

	const auto &samples = track.samples;
	std::uint64_t position = range.start; /* stream->time_position */
	std::uint64_t accumulated = 0;
	/* Each pass activates one segment and position only moves forward, so this bounds the loop. */
	for (std::size_t pass = 0; pass <= segments.size(); pass++) {
		const std::size_t s = findSegment(segments, position);
		const EditSegment &seg = segments[s];
		if (position < seg.time)
			break;
		if (movieDuration != kMp4NoTime && seg.time > movieDuration)
			break; /* "segment lies beyond total indicated duration": qtdemux ends the stream */

		/* gst_qtdemux_stream_segment_get_boundaries(), forward playback. Unsigned wrap-around
		 * is kept as in C: these are the values qtdemux would put in its segment. */
		std::uint64_t segTime = toTime(double(position - seg.time) * seg.rate);
		if (segTime > seg.duration)
			segTime = seg.duration;
		std::uint64_t stop = movieStop;
		if (stop == kMp4NoTime)
			stop = seg.mediaStop;
		else
			stop = std::min(seg.mediaStop, stop - seg.time + seg.mediaStart);

		Mp4PlaySegment out;
		out.empty = seg.empty();
		out.rate = seg.rate;
		out.base = accumulated;
		out.time = position;
		if (seg.empty()) {
			out.start = seg.time + segTime;
			out.stop = out.start - segTime + seg.duration;
			/* qtdemux 1.22 sends the GAP only when it covers a second or more (observed:
			 * a 50 ms empty edit gets none, a 1 s one gets GAP(0, 1 s)). */
			out.gap = out.stop - out.start >= kSecond;
		} else {
			out.start = std::min(seg.mediaStart + segTime, stop);
			out.stop = stop;
		}
		plan.segments.push_back(out);
		const std::size_t segIndex = plan.segments.size() - 1;
		bool eos = false;

		if (!seg.empty()) {
			if (samples.empty())
				break;
			std::size_t i = findSample(track, out.start);
			/* gst_qtdemux_loop_state_movie() ends the stream once its position reaches
			 * the movie segment's stop. That position is the stream time, plus the
			 * edit's media start while the segment is active: so the movie time for
			 * the first sample of an edit, then time + decode time (observed on 1.22:
			 * an edit at media 1.5 s placed at 1 s of a 3 s movie plays one sample). */
			std::uint64_t checked = position;
			while (true) {
				if (movieStop != kMp4NoTime && movieStop <= checked) {
					eos = true;
					break;
				}
				const Mp4SampleInfo &sample = samples[i];
				if (sample.size > 0) {
					Mp4PlayedSample played;
					played.sample = i;
					played.segment = segIndex;
					played.pts = track.ptsNs(sample);
					played.duration = track.durationNs(sample);
					played.movieTime = std::int64_t(out.time + played.pts - out.start);
					plan.samples.push_back(played);
				}
				/* gst_qtdemux_advance_sample() */
				if (++i >= samples.size())
					break;
				const std::uint64_t dts = track.ptsNs(samples[i]);
				if (dts >= seg.mediaStop)
					break;
				const std::uint64_t timePosition =
				    dts >= seg.mediaStart ? dts - seg.mediaStart + seg.time : seg.time;
				checked = timePosition + seg.mediaStart;
			}
		}
		if (eos)
			break;
		if (out.stop != kMp4NoTime)
			accumulated += toTime(double(out.stop - out.start) / std::abs(out.rate));
		if (s + 1 >= segments.size())
			break;
		position = seg.stopTime;
	}
	return plan;
}

} // namespace gpmf
