// SPDX-License-Identifier: LGPL-2.1-or-later
// A minimal MP4 writer for a GoPro-like file: one timed 'gpmd' metadata track ("GoPro MET"),
// optional udta atoms, moov at the end as GoPro cameras write it. Used by tests and the demo.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gpmf/fourcc.h"

namespace gpmf {

struct Mp4Sample {
	std::vector<std::uint8_t> data;
	std::uint32_t duration = 1001; ///< in track timescale units
};

struct Mp4Recording {
	std::uint32_t timescale = 1000;          ///< track and movie timescale
	std::vector<Mp4Sample> samples;          ///< the gpmd payloads, in order
	std::vector<std::pair<FourCC, std::vector<std::uint8_t>>> udta; ///< atom type, body
	bool use64BitOffsets = false;            ///< co64 instead of stco
	std::uint32_t editListStart = 0;         ///< media time of an elst entry (0: no edit list)
};

/// Serialises the recording as an MP4 file: ftyp, mdat, moov (mvhd, trak with tkhd, mdia (mdhd,
/// hdlr 'meta' "GoPro MET", minf (gmhd, dinf, stbl: stsd 'gpmd', stts, stsc, stsz, stco/co64)), udta).
std::vector<std::uint8_t> writeMp4(const Mp4Recording &recording);

} // namespace gpmf
