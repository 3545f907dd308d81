// SPDX-License-Identifier: LGPL-2.1-or-later
// Splitting raw gpmd track dumps into payloads, and timing them without a container.
#include "gpmf/track_splitter.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "gpmf/byte_reader.h"
#include "gpmf/klv.h"

namespace gpmf {

namespace {

struct DevcInfo {
	std::optional<std::uint32_t> dvid;
	std::optional<std::uint64_t> stmp;
	std::vector<StreamStamp> stamps;
	/// Where a payload starts inside this DEVC (absolute offset): DEVCs do not nest, so its size
	/// is corrupt and runs over the payloads that follow.
	std::optional<std::size_t> nextPayloadAt;
};

bool startsPayload(const Klv &k)
{
	if (k.key != FourCC("DEVC") || !k.isNested())
		return false;
	KlvWalker inner(k.data);
	const auto first = inner.next();
	return first && first->key == FourCC("DVID");
}

DevcInfo inspectDevc(const Klv &devc)
{
	DevcInfo info;
	KlvWalker walker(devc.data, devc.offset + kKlvHeaderSize);
	while (auto k = walker.next()) {
		if (startsPayload(*k)) {
			info.nextPayloadAt = k->offset;
			break;
		}
		if (k->key == FourCC("DVID") && k->data.size() >= 4 && !info.dvid)
			info.dvid = loadBe32(k->data.data());
		if (k->key != FourCC("STRM") || !k->isNested())
			continue;
		KlvWalker inner(k->data);
		std::optional<std::uint64_t> streamStmp;
		FourCC data; // the stream's data: its last KLV
		while (auto s = inner.next()) {
			data = s->key;
			if (s->key == FourCC("STMP") && s->data.size() >= 8) {
				const std::uint64_t v = loadBe64(s->data.data());
				info.stmp = info.stmp ? std::min(*info.stmp, v) : v;
				streamStmp = v;
			}
		}
		if (streamStmp)
			info.stamps.push_back(StreamStamp{info.dvid.value_or(0), data, *streamStmp});
	}
	return info;
}

} // namespace

SplitResult splitRawTrack(std::span<const std::uint8_t> dump)
{
	SplitResult result;
	KlvWalker walker(dump);
	std::size_t start = 0, end = 0;
	std::vector<std::uint32_t> ids;
	std::optional<std::uint64_t> stmp;
	std::vector<StreamStamp> stamps;
	bool open = false;

	auto close = [&]() {
		if (open)
			result.payloads.push_back(RawPayload{dump.subspan(start, end - start), start, stmp, std::move(stamps)});
		open = false;
		ids.clear();
		stmp.reset();
		stamps.clear();
	};

	while (auto klv = walker.next()) {
		std::size_t klvEnd = std::min(dump.size(), klv->offset + kKlvHeaderSize + ((klv->data.size() + 3) & ~std::size_t{3}));
		if (klv->key != FourCC("DEVC") || !klv->isNested()) {
			result.error = Diagnostic{Errc::BadStructure, klv->offset, klv->key.str(), "top-level KLV is not a DEVC"};
			break;
		}
		const DevcInfo info = inspectDevc(*klv);
		if (info.nextPayloadAt) {
			// Cut the DEVC where the next payload starts, end its payload there and walk on.
			klvEnd = *info.nextPayloadAt;
			const bool empty = klvEnd == klv->offset + kKlvHeaderSize;
			result.repairs.push_back(Diagnostic{Errc::BadSize, klv->offset, "DEVC",
							    "size runs over the next payload, at offset " +
								std::to_string(klvEnd) +
								(empty ? ": header dropped" : ": cut there")});
			walker = KlvWalker(dump.subspan(klvEnd), klvEnd);
			if (empty) {
				close(); // a lone header: nothing to decode
				continue;
			}
		}
		// A device id seen again means the next payload has begun.
		const bool repeated = info.dvid && std::find(ids.begin(), ids.end(), *info.dvid) != ids.end();
		if (repeated || !open || !info.dvid) {
			if (repeated || !info.dvid)
				close();
			if (!open) {
				open = true;
				start = klv->offset;
			}
		}
		if (info.dvid)
			ids.push_back(*info.dvid);
		if (info.stmp)
			stmp = stmp ? std::min(*stmp, *info.stmp) : *info.stmp;
		stamps.insert(stamps.end(), info.stamps.begin(), info.stamps.end());
		end = klvEnd;
		if (info.nextPayloadAt)
			close();
	}
	close();
	if (!result.error && walker.error())
		result.error = walker.error();
	return result;
}

namespace {

bool saneStep(double step) noexcept
{
	return step > 0.1 && step < 10.0;
}

// Streams of one payload stamp their first samples within a frame or two of each other (a
// 10 Hz stream up to 0.1 s apart): candidates this close tell the same time.
constexpr std::int64_t kAgreement = 200000; // µs

// a - b, held to ±INT64_MAX: STMP is any 64-bit value in a damaged or hostile dump, where the
// plain difference would overflow (and llabs() of INT64_MIN too).
std::int64_t clampedDifference(std::int64_t a, std::int64_t b) noexcept
{
	constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
	if (b > 0 && a < -kMax + b)
		return -kMax;
	if (b < 0 && a > kMax + b)
		return kMax;
	return a - b;
}

// Seconds from one STMP clock value (µs) to another.
double secondsBetween(std::int64_t from, std::int64_t to) noexcept
{
	return double(clampedDifference(to, from)) / 1e6;
}

std::int64_t signedStmp(std::uint64_t stmp) noexcept
{
	return std::int64_t(std::min<std::uint64_t>(stmp, std::numeric_limits<std::int64_t>::max()));
}

} // namespace

const RawTrackClock::Offset *RawTrackClock::offsetOf(const StreamStamp &stamp) const
{
	for (const Offset &o : offsets_)
		if (o.device == stamp.device && o.stream == stamp.stream)
			return &o;
	return nullptr;
}

/*
 * Each known stream proposes a payload clock (its STMP minus its offset); the proposal most
 * streams agree with wins, the reference stream's (offset 0) first, so that a stream whose
 * STMP jumped alone is outvoted.
 */
std::optional<std::int64_t> RawTrackClock::agreedClock(const std::vector<StreamStamp> &stamps) const
{
	struct Proposal {
		std::int64_t clock;
		bool reference;
	};
	std::vector<Proposal> proposals;
	for (const StreamStamp &s : stamps)
		if (const Offset *o = offsetOf(s))
			proposals.push_back({clampedDifference(signedStmp(s.stmp), o->offset), o->offset == 0});
	std::optional<std::int64_t> best;
	std::size_t bestVotes = 0;
	bool bestIsReference = false;
	for (const Proposal &p : proposals) {
		std::size_t votes = 0;
		for (const Proposal &q : proposals)
			votes += std::llabs(clampedDifference(p.clock, q.clock)) <= kAgreement;
		if (votes > bestVotes || (votes == bestVotes && p.reference && !bestIsReference)) {
			best = p.clock;
			bestVotes = votes;
			bestIsReference = p.reference;
		}
	}
	return best;
}

PayloadTime RawTrackClock::next(const RawPayload &payload, const RawPayload *following)
{
	PayloadTime t{nextPts_, 1.0};
	std::optional<std::int64_t> clock = agreedClock(payload.stamps);
	if (!payload.stamps.empty() && (!clock || !lastClock_ || !saneStep(secondsBetween(*lastClock_, *clock)))) {
		// The first payload with STMP, or every stream jumped (the camera's clock restarted): the
		// earliest stream is the reference from here, and times go on from the last payload.
		const auto earliest = std::min_element(payload.stamps.begin(), payload.stamps.end(),
						       [](const StreamStamp &a, const StreamStamp &b) { return a.stmp < b.stmp; });
		clock = signedStmp(earliest->stmp);
		offsets_.clear();
		anchor_ = *clock;
		basePts_ = nextPts_;
	}
	if (clock) {
		// Streams seen for the first time, and those that jumped alone, are read from now on
		// relative to the agreed clock.
		for (const StreamStamp &s : payload.stamps) {
			const std::int64_t offset = clampedDifference(signedStmp(s.stmp), *clock);
			auto known = std::find_if(offsets_.begin(), offsets_.end(), [&s](const Offset &o) {
				return o.device == s.device && o.stream == s.stream;
			});
			if (known == offsets_.end())
				offsets_.push_back(Offset{s.device, s.stream, offset});
			else if (std::llabs(clampedDifference(known->offset, offset)) > kAgreement)
				known->offset = offset;
		}
		t.pts = basePts_ + secondsBetween(anchor_, *clock);
		t.duration = lastDuration_;
		if (following) {
			const std::optional<std::int64_t> then = agreedClock(following->stamps);
			if (then && saneStep(secondsBetween(*clock, *then)))
				t.duration = secondsBetween(*clock, *then);
		}
		lastClock_ = clock;
	}
	lastPts_ = t.pts;
	lastDuration_ = t.duration;
	nextPts_ = t.pts + t.duration;
	count_++;
	return t;
}

std::vector<PayloadTime> rawTrackTimes(const std::vector<RawPayload> &payloads)
{
	RawTrackClock clock;
	std::vector<PayloadTime> times;
	times.reserve(payloads.size());
	for (std::size_t i = 0; i < payloads.size(); i++)
		times.push_back(clock.next(payloads[i], i + 1 < payloads.size() ? &payloads[i + 1] : nullptr));
	return times;
}

} // namespace gpmf
