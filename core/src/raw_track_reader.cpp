// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// A raw gpmd track dump read as it arrives.

#include "raw_track_reader.h"

#include <algorithm>
#include <optional>

#include "gpmf/klv.h"

namespace gpmf::detail {

namespace {

// A payload is about 5-100 KiB: this much without a payload boundary is not GPMF (or corrupt).
constexpr std::size_t kMaxBuffered = 16 * 1024 * 1024;

constexpr std::uint8_t kDevc[] = {'D', 'E', 'V', 'C'};
constexpr std::uint8_t kDvid[] = {'D', 'V', 'I', 'D'};

bool startsWith(std::span<const std::uint8_t> data, std::size_t at, const std::uint8_t (&tag)[4])
{
	return at + 4 <= data.size() && std::equal(std::begin(tag), std::end(tag), data.begin() + long(at));
}

// Skips to the next "DEVC" after a malformed top-level KLV; returns the bytes to drop.
std::size_t resync(std::span<const std::uint8_t> data, std::size_t from, bool end)
{
	for (std::size_t i = from + 1; i + 4 <= data.size(); i++)
		if (startsWith(data, i, kDevc))
			return i;
	if (end)
		return data.size();
	// Keep a tail that may be the start of a "DEVC" still arriving.
	return std::max(from + 1, data.size() > 3 ? data.size() - 3 : 0);
}

// Where a payload starts (a DEVC whose first child is DVID) inside the KLV at `at`, if anywhere:
// DEVCs do not nest, so a DEVC claiming those bytes has a corrupt size, and waiting for (or
// swallowing) what it claims, up to 16 MiB, would lose the payloads it covers.
std::optional<std::size_t> nextPayload(std::span<const std::uint8_t> data, std::size_t at)
{
	for (std::size_t i = at + kKlvHeaderSize; i + 2 * kKlvHeaderSize <= data.size(); i += 4)
		if (startsWith(data, i, kDevc) && startsWith(data, i + kKlvHeaderSize, kDvid))
			return i;
	return std::nullopt;
}

// Bytes needed before the top-level KLV at `at` is complete.
std::size_t klvEnd(std::span<const std::uint8_t> data, std::size_t at)
{
	if (at + kKlvHeaderSize > data.size())
		return at + kKlvHeaderSize;
	const std::size_t size = std::size_t{data[at + 5]} * ((std::size_t{data[at + 6]} << 8) | data[at + 7]);
	return at + kKlvHeaderSize + ((size + 3) & ~std::size_t{3});
}

} // namespace

void RawTrackReader::reset()
{
	buffer_.clear();
	start_ = 0;
	consumed_ = 0;
	skip_.reset();
	needed_ = 0;
	clock_.reset();
}

void RawTrackReader::consume(std::size_t n)
{
	start_ += n;
	consumed_ += n;
	// Move the rest to the front once the consumed part dominates: amortised O(1) per byte.
	if (start_ == buffer_.size()) {
		buffer_.clear();
		start_ = 0;
	} else if (start_ > 64 * 1024 && start_ * 2 > buffer_.size()) {
		buffer_.erase(buffer_.begin(), buffer_.begin() + long(start_));
		start_ = 0;
	}
}

void RawTrackReader::endSkip(const Callbacks &callbacks)
{
	if (!skip_)
		return;
	callbacks.problem("Corrupt GPMF data skipped",
			  skip_->error.message() + "; " + std::to_string(skip_->dropped) + " bytes dropped", true);
	skip_.reset();
}

bool RawTrackReader::push(std::span<const std::uint8_t> bytes, bool end, const Callbacks &callbacks)
{
	buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
	return drain(end, callbacks);
}

/*
 * Hands out every payload known to be complete, i.e. once the next payload's first DEVC is
 * complete too (a DEVC whose DVID has not arrived yet could belong to either), or all of them
 * at the end. needed_ says how many bytes must be buffered before splitting again is worth it,
 * so small pieces do not make the work quadratic.
 */
bool RawTrackReader::drain(bool end, const Callbacks &callbacks)
{
	for (;;) {
		const std::span<const std::uint8_t> data = buffered();
		if (data.empty() || (!end && data.size() < needed_)) {
			if (end)
				endSkip(callbacks);
			return true;
		}

		const std::uint64_t base = consumed_; // the dump's offset of data[0]
		std::span<const std::uint8_t> bytes = data;
		SplitResult split = splitRawTrack(bytes);
		bool complete = end;
		std::optional<Diagnostic> error;
		std::size_t errorEnd = 0;
		bool stretchGoesOn = false; ///< no DEVC after the bad bytes yet
		const bool truncated = split.error && split.error->code == Errc::Truncated;
		const std::optional<std::size_t> next = truncated ? nextPayload(bytes, split.error->offset) : std::nullopt;
		if (!end && truncated && !next) {
			// Split again without the KLV still arriving, so it cannot regroup payloads. Look
			// again at least each time the buffered bytes double, in case a payload start
			// shows that its size is corrupt.
			const std::size_t cut = split.error->offset;
			needed_ = std::min(klvEnd(bytes, cut), 2 * data.size());
			bytes = bytes.first(cut);
			split = splitRawTrack(bytes);
		} else if (!split.error) {
			needed_ = data.size() + kKlvHeaderSize;
		} else {
			complete = true; // bad data ends the last payload
			error = split.error;
			const std::size_t at = split.error->offset;
			if (next) {
				split = splitRawTrack(bytes.first(at));
				errorEnd = *next;
			} else if (truncated) {
				errorEnd = data.size(); // the end inside the KLV: decode what arrived
			} else {
				errorEnd = resync(bytes, at, end);
				stretchGoesOn = !end && errorEnd + 4 > bytes.size();
			}
			needed_ = 0;
		}

		std::size_t ready = split.payloads.size();
		if (!complete && ready > 0)
			ready--;
		std::size_t position = 0;
		if (ready > 0 || (error && error->offset > 0))
			endSkip(callbacks); // payloads (or good bytes) came after the stretch
		for (std::size_t i = 0; i < ready; i++) {
			const RawPayload &item = split.payloads[i];
			const RawPayload *following = i + 1 < split.payloads.size() ? &split.payloads[i + 1] : nullptr;
			const PayloadTime time = clock_.next(item, following);
			position = item.offset + item.bytes.size();
			if (!callbacks.payload(item.bytes, time)) {
				consume(position);
				return false;
			}
		}
		// A DEVC whose size ran over the payloads after it was cut by the split; said once,
		// when the bytes it lies in are consumed (later splits do not see it again).
		for (Diagnostic r : split.repairs)
			if (r.offset < position) {
				r.offset += base;
				callbacks.problem("Corrupt GPMF data repaired", r.message(), false);
			}
		consume(position);
		// needed_ was counted from the old start; make it relative to the new one.
		needed_ = needed_ > position ? needed_ - position : 0;

		if (error) {
			const std::size_t drop = std::min(errorEnd > position ? errorEnd - position : 0, buffered().size());
			if (!skip_) {
				skip_ = Skip{*error, 0};
				skip_->error.offset += base;
			}
			skip_->dropped += drop;
			consume(drop);
			if (!stretchGoesOn)
				endSkip(callbacks);
			if (drop == 0)
				return true;
			continue; // complete payloads may follow the bad bytes, at the end too
		}

		if (end)
			endSkip(callbacks);
		if (buffered().size() > kMaxBuffered) {
			callbacks.problem("Corrupt GPMF data skipped",
					  "no payload boundary in " + std::to_string(buffered().size()) + " bytes; dropped",
					  true);
			buffer_.clear();
			start_ = 0;
			needed_ = 0;
		}
		return true;
	}
}

} // namespace gpmf::detail
