// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfdemux: the telemetry track of one file, read from its moov, and the pad name, caps, tags
// and playback plan qtdemux would give it. Shared by the pull and the push mode.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gst/gst.h>

#include "gpmf/fourcc.h"
#include "gpmf/mp4_index.h"

namespace gpmf::gst
{

/// The moov of a file is bounded like readBoxBody() bounds it: real ones are a few MiB at most.
inline constexpr std::size_t kMaxMoovBytes = std::size_t(256) << 20;
/// A gpmd payload is about 5-100 KiB; anything above this is a corrupt sample table.
inline constexpr std::uint32_t kMaxSampleBytes = std::uint32_t(64) << 20;

/// What a file says about itself before its moov: the major brand of ftyp ('qt  ' makes
/// qtdemux call its private tags "quicktime" style).
struct FileFacts {
	FourCC majorBrand;
	std::uint64_t moovBodyOffset = 0;
	std::uint64_t fileSize = 0; ///< 0 when unknown
};

class DemuxIndex
{
public:
	/// Parses a moov body. nullptr with `error` (for the user) and `detail` (for the debug
	/// line) set when the file has no gpmd track.
	static std::unique_ptr<DemuxIndex> open(std::vector<std::uint8_t> moov, const FileFacts &facts,
						std::string &error, std::string &detail);

	const Mp4Index &index() const noexcept { return index_; }
	const Mp4Track &track() const noexcept { return *track_; }

	/// qtdemux's pad name: meta_N, N the meta tracks before this one.
	std::string padName() const;
	/// qtdemux's stream-id suffix: the track ID as %03u.
	std::string streamIdSuffix() const;
	/// meta/x-gst-fourcc-gpmd
	GstCaps *makeCaps() const;
	/// Stream scope: the mdhd language (none for "und"). nullptr when empty.
	GstTagList *makeStreamTags() const;
	/// Global scope: mvhd creation time, every udta atom as a private-qt-tag sample in file
	/// order, the container format.
	GstTagList *makeGlobalTags() const;
	/// The movie duration (mvhd), GST_CLOCK_TIME_NONE when unknown.
	GstClockTime duration() const noexcept;

	Mp4Playback plan(const Mp4PlayRange &range = {}) const
	{
		return planPlayback(index_, *track_, range);
	}

private:
	DemuxIndex() = default;

	std::vector<std::uint8_t> moov_; ///< backs the spans of index_
	Mp4Index index_;
	const Mp4Track *track_ = nullptr;
	FileFacts facts_;
};

} // namespace gpmf::gst
