// SPDX-License-Identifier: LGPL-2.1-or-later
// A synthetic, GoPro-like recording: the project's default input, since real GoPro files cannot
// ship with it. Payloads are laid out as the named camera writes them, with made-up but
// physically consistent data (a bike ride: GPS track, IMU, orientation) from a fixed seed.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "support/mp4_writer.h"

namespace gpmf {

/// Longest recording makeDemoRecording() writes (longer requests are cut to this).
inline constexpr double kMaxDemoSeconds = 6 * 3600;

/// Which real camera's payload layout to imitate.
enum class DemoCamera {
	Hero5,	///< DVNM "Camera", TICK, ACCL/GYRO in Z,X,Y with no ORIN, GPS5 at 18 Hz, ISOG/SHUT
	Hero7,	///< MTRX/ORIN/ORIO, GPS5 at 18 Hz, FACE/SCEN/HUES, SROT
	Hero8,	///< STMP, CORI/IORI/GRAV, GPS5 with GPSA, WNDM/MWET/AALP
	Hero11, ///< HERO8 set plus GPS9 and GPS5 at 10 Hz, MSKP/LSKP (the default)
};

struct DemoOptions {
	double seconds = 60; ///< length (rounded up to whole payloads, at most kMaxDemoSeconds)
	DemoCamera camera = DemoCamera::Hero11;
	std::uint64_t seed = 1; ///< noise seed; the same options give the same bytes
};

/// "hero5", "hero7", "hero8", "hero11" (case-insensitive); nullopt for anything else.
std::optional<DemoCamera> demoCameraFromName(std::string_view name) noexcept;
std::string_view demoCameraName(DemoCamera camera) noexcept;

/// Facts about the simulated ride that tests can check decoded data against.
struct DemoTruth {
	double startLat = 0, startLon = 0; ///< degrees, where the ride starts
	double cruiseSpeed = 0;		   ///< m/s, after the first seconds
	double startUtc = 0;		   ///< UTC of video time 0, seconds since 1970
	double frameRate = 0;		   ///< frames per second of the (absent) video
	double payloadDuration = 0;	   ///< seconds
	double imuRate = 0;		   ///< true ACCL/GYRO rate in Hz (not exactly nominal)
	double gpsRate = 0;		   ///< GPS5/GPS9 rate in Hz
	double mountPitch = 0;		   ///< radians the camera is tilted down
	double hiLights[2] = {0, 0};	   ///< seconds of the two HiLight tags
};

DemoTruth demoTruth(const DemoOptions &options = {});

/// Builds the recording: gpmd payloads of 1.001 s (timescale 1000, as GoPro writes them) and
/// udta atoms FIRM, GPMF (settings and HLMT HiLights; not on HERO5) and HMMT.
Mp4Recording makeDemoRecording(const DemoOptions &options = {});

} // namespace gpmf
