// SPDX-License-Identifier: LGPL-2.1-or-later
// Recording-level metadata from the MP4 udta atoms: camera, firmware, settings, lens, HiLights.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpmf/fourcc.h"
#include "gpmf/model.h"

namespace gpmf {

struct HiLight {
	double time = 0;       ///< seconds from the start of the recording
	double in = -1, out = -1; ///< seconds, -1 when unknown (HLMT only)
	double lat = 0, lon = 0, alt = 0; ///< 0 when unknown
	std::string kind;      ///< MANL, AIMU, AACD, FUSE; empty for HMMT (manual tags)
	double confidence = -1, score = -1; ///< -1 when unknown
};

struct Header {
	std::string camera;    ///< model, e.g. "HERO7 Black" (MINF, FIRM prefix or device name)
	std::string firmware;  ///< FIRM atom or FMWR
	std::string serial;    ///< CASN
	std::string lens;      ///< LENS atom
	std::string mediaUid;  ///< MUID as hex
	/// TZON: the camera's time zone, minutes east of UTC (32767, "unknown", is left out).
	std::optional<int> timeZoneMinutes;
	/// CDAT: when the recording was created, in the camera's local time, as seconds since
	/// 1970-01-01T00:00 of that local time (not UTC: the camera writes its wall clock).
	std::optional<double> created;
	std::vector<std::pair<std::string, std::string>> atoms; ///< other udta atoms shown as text
	std::vector<Device> settings; ///< devices of the udta GPMF box (settings, FOVL lens data...)
	std::vector<HiLight> hilights; ///< in time order, duplicates of HMMT and HLMT merged
	std::vector<Diagnostic> diagnostics;

	bool empty() const noexcept;
};

/// Adds one udta atom to the header. `key` is the atom type, `body` its contents without the
/// 8-byte atom header. Unknown atoms are kept as text when printable, else ignored.
void addUdtaAtom(Header &header, FourCC key, std::span<const std::uint8_t> body);

/// Same, for a whole atom (size, type, body) as qtdemux sends it in private-qt-tag samples.
/// Returns false when the bytes are not a well-formed atom.
bool addUdtaAtomBytes(Header &header, std::span<const std::uint8_t> atom);

/// What a settings key is, as the GPMF documentation's header tables list it (Global Settings,
/// FOVL lens): "Digital zoom level" for ZOOM, "Time zone (minutes east of UTC)" for TZON; empty
/// for keys it does not list.
std::string_view settingName(FourCC key) noexcept;

/// Decodes GPMF that is not a timed payload (udta GPMF box, JPEG APP6) into the header:
/// settings devices, camera model, firmware, serial, and HLMT HiLights.
void addSettingsGpmf(Header &header, std::span<const std::uint8_t> gpmf);

} // namespace gpmf
