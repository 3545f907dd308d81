// SPDX-License-Identifier: LGPL-2.1-or-later
// Field names of the streams GoPro documents, so samples come out as named values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gpmf/fourcc.h"

namespace gpmf::detail {

/// Field names for a stream, or empty when unknown. `fieldCount` is the number of fields per
/// sample; names are only given when they match it. `orio` is the stream's output axis order
/// (ORIO, or ORIN when no remapping was applied), `deviceName` the DVNM (axis order differs by model).
std::vector<std::string> fieldNames(FourCC key, std::size_t fieldCount, std::string_view orio,
				    std::string_view deviceName, std::string_view streamName);

/// A stream's name from the GPMF documentation's tables, for cameras that write no STNM;
/// empty for FourCCs it does not list.
std::string_view documentedName(FourCC key) noexcept;

/// The documented unit of a stream whose camera wrote neither SIUN nor UNIT; empty if none.
std::string_view documentedUnit(FourCC key) noexcept;

/// What a settings key (udta GPMF box, JPEG APP6) is, from the documentation's header tables;
/// empty for keys it does not list. gpmf::settingName() is its public name.
std::string_view settingName(FourCC key) noexcept;

} // namespace gpmf::detail
