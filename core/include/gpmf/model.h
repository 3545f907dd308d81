// SPDX-License-Identifier: LGPL-2.1-or-later
// The decoded form of a GPMF payload: devices, their streams, sticky metadata and timed samples.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gpmf/error.h"
#include "gpmf/fourcc.h"
#include "gpmf/values.h"

namespace gpmf {

/// A metadata KLV (TSMP, TMPC, GPSF, SCAL, ORIN, settings in udta...), decoded but not scaled.
struct Property {
	FourCC key;
	Values values;
	/// The KLV `values` were decoded from (header and data; empty when not decoded here): the
	/// decoder skips decoding it again when the same KLV comes at this place in a later payload
	/// decoded into this one. Not part of the property's value.
	std::string decodedFrom = {};

	friend bool operator==(const Property &a, const Property &b) { return a.key == b.key && a.values == b.values; }
};

/// How a number of a stream's samples is written: 0 to kMaxFixedDecimals (json_writer.h) is a
/// count of decimals, or one of these.
inline constexpr std::int8_t kPrecisionShortest = -1; ///< shortest form that reads back as the double
inline constexpr std::int8_t kPrecisionFloat = -2;    ///< shortest form that reads back as the float

struct Stream {
	FourCC key;                      ///< FourCC of the data, e.g. ACCL
	std::string name;                ///< STNM, may be empty
	std::vector<std::string> units;  ///< SIUN (preferred) or UNIT, UTF-8; one per field or one for all
	std::vector<std::string> fields; ///< known field names (e.g. lat, lon, alt...), may be empty
	std::vector<Property> sticky;    ///< every metadata KLV of the STRM, in file order

	/// The samples, scaled (SCAL) and remapped (MTRX or ORIN/ORIO) unless raw was asked for.
	Values values;
	/// Multi-sample streams (FACE, SCEN, HUES...) have several data KLVs per payload: each is one
	/// time slot holding slotSizes[i] items. Empty for ordinary streams (one item per slot).
	std::vector<std::uint32_t> slotSizes;
	/// Time of each slot in seconds on the video timeline (filled by the Decoder).
	std::vector<double> times;
	/// UTC of each slot in seconds since 1970 (GPS streams only; NaN where unknown). Empty otherwise.
	std::vector<double> utc;
	/// Per numeric field (indexed by Values::slotOf): the decimals that carry the sensor's whole
	/// precision, or a kPrecision marker. A value v = raw / SCAL is written with the fewest
	/// decimals d for which round(v * SCAL) gives raw back for every raw (10^d >= SCAL; exact when
	/// SCAL is a power of 10), so the JSON drops digits the sensor never measured. Empty, or a
	/// missing entry: kPrecisionShortest.
	std::vector<std::int8_t> precision;

	std::optional<std::uint64_t> tsmp; ///< TSMP: total samples since record start, this payload included
	std::optional<std::uint64_t> stmp; ///< STMP: µs timestamp of the first sample
	double timo = 0;                   ///< TIMO: seconds the data is delayed
	double rate = 0;                   ///< measured sample rate in Hz so far (0 when unknown)
	bool raw = false;                  ///< values left unscaled on request

	bool isGrouped() const noexcept { return !slotSizes.empty(); }
	/// Number of time slots (samples for ordinary streams).
	std::size_t slotCount() const noexcept { return isGrouped() ? slotSizes.size() : values.sampleCount; }
	const Property *findSticky(FourCC key) const noexcept;
};

struct Device {
	std::uint32_t id = 0;      ///< numeric DVID (1 = camera)
	std::string idText;        ///< DVID given as a FourCC (HLMT, FOVL...), empty otherwise
	std::string name;          ///< DVNM
	std::vector<Property> properties; ///< device-level KLVs other than DVID, DVNM and STRM
	std::vector<Stream> streams;

	/// "1", or the FourCC id text.
	std::string idString() const;
};

struct Payload {
	std::uint64_t index = 0;
	double pts = 0;      ///< seconds on the video timeline (NaN when unknown)
	double duration = 0; ///< seconds (NaN when unknown)
	std::vector<Device> devices;
	std::vector<Diagnostic> diagnostics; ///< problems found; what could be decoded is still here
	std::vector<std::string> unsupported; ///< FourCC paths of data left undecoded (e.g. compressed)
};

} // namespace gpmf
