// SPDX-License-Identifier: LGPL-2.1-or-later
// Splitting raw gpmd track dumps into payloads, and timing them without a container.
#include "gpmf/track_splitter.h"

#include <algorithm>
#include <cmath>

#include "gpmf/byte_reader.h"
#include "gpmf/klv.h"

namespace gpmf {

namespace {

struct DevcInfo {
	std::optional<std::uint32_t> dvid;
	std::optional<std::uint64_t> stmp;
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
		while (auto s = inner.next()) {
			if (s->key == FourCC("STMP") && s->data.size() >= 8) {
				const std::uint64_t v = loadBe64(s->data.data());
				info.stmp = info.stmp ? std::min(*info.stmp, v) : v;
			}
		}
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
	bool open = false;

	auto close = [&]() {
		if (open)
			result.payloads.push_back(RawPayload{dump.subspan(start, end - start), start, stmp});
		open = false;
		ids.clear();
		stmp.reset();
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

} // namespace

PayloadTime RawTrackClock::next(const RawPayload &payload, const RawPayload *following)
{
	PayloadTime t{nextPts_, 1.0};
	if (count_ == 0) {
		stmpMode_ = payload.stmp.has_value();
		anchor_ = payload.stmp.value_or(0);
	}
	if (stmpMode_ && payload.stmp) {
		const double pts = start(*payload.stmp);
		if (count_ == 0 || saneStep(pts - lastPts_))
			t.pts = pts;
		else
			stmpMode_ = false;
	} else {
		stmpMode_ = false;
	}
	if (stmpMode_) {
		t.duration = lastDuration_;
		if (following && following->stmp) {
			const double step = start(*following->stmp) - t.pts;
			if (saneStep(step))
				t.duration = step;
		}
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
