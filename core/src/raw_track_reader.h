// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// A raw gpmd track dump read as it arrives: payloads handed out as soon as they are known to
// be complete, corrupt stretches skipped to the next DEVC, memory bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gpmf/track_splitter.h"

namespace gpmf::detail {

class RawTrackReader {
public:
	/// What the reader found: a payload (bytes valid during the call, with its time), or a
	/// problem (message and detail, lost = data dropped rather than repaired).
	struct Callbacks {
		std::function<bool(std::span<const std::uint8_t> bytes, const PayloadTime &time)> payload;
		std::function<void(const std::string &message, const std::string &detail, bool lost)> problem;
	};

	/// Appends bytes and hands out every payload now complete (all of them when `end`).
	/// Returns false as soon as the payload callback does.
	bool push(std::span<const std::uint8_t> bytes, bool end, const Callbacks &callbacks);
	/// Forgets buffered bytes and the clock.
	void reset();

private:
	bool drain(bool end, const Callbacks &callbacks);
	std::span<const std::uint8_t> buffered() const { return {buffer_.data() + start_, buffer_.size() - start_}; }
	void consume(std::size_t n);

	// A corrupt stretch being skipped while its end (the next DEVC) has not arrived: said once,
	// with all its bytes, when it ends, so the warnings do not depend on how the bytes came.
	struct Skip {
		Diagnostic error;
		std::size_t dropped = 0;
	};
	void endSkip(const Callbacks &callbacks);

	std::vector<std::uint8_t> buffer_;
	std::size_t start_ = 0;  ///< bytes of buffer_ already consumed
	std::uint64_t consumed_ = 0; ///< bytes of the dump consumed: offsets in messages are the dump's
	std::optional<Skip> skip_;
	std::size_t needed_ = 0; ///< buffered bytes worth waiting for before splitting again
	RawTrackClock clock_;
};

} // namespace gpmf::detail
