// SPDX-License-Identifier: LGPL-2.1-or-later
// Field names for documented streams. Names come from the GPMF documentation's stream tables
// and, for the Karma drone, from the MAVLink messages its streams mirror (same fields and units).
#include "names.h"

#include <array>
#include <cctype>
#include <initializer_list>

namespace gpmf::detail {

namespace {

using Names = std::vector<std::string>;

Names list(std::initializer_list<const char *> names)
{
	return Names(names.begin(), names.end());
}

// "ZXY" -> {"z","x","y"}; a lower-case letter in ORIN/ORIO means a negated axis.
Names axisNames(std::string_view order)
{
	Names names;
	for (char c : order) {
		if (std::isupper(static_cast<unsigned char>(c)))
			names.emplace_back(1, char(std::tolower(static_cast<unsigned char>(c))));
		else
			names.push_back(std::string("-") + c);
	}
	return names;
}

// Sensor axis order of cameras that predate ORIN/ORIO (GPMF documentation, per model).
std::string_view legacyImuOrder(std::string_view deviceName)
{
	if (deviceName == "Camera" || deviceName.starts_with("HERO5") || deviceName.starts_with("Hero5"))
		return "ZXY";
	if (deviceName.starts_with("Hero6") || deviceName.starts_with("HERO6"))
		return "YxZ";
	if (deviceName.starts_with("Fusion"))
		return "yXZ";
	return {};
}

struct KarmaStream {
	std::string_view name;
	std::initializer_list<const char *> fields;
};

// Karma streams carry MAVLink messages with matching TYPE and UNIT lists.
constexpr std::array<KarmaStream, 7> kKarmaStreams{{
	{"GPS RAW", {"time", "lat", "lon", "alt", "eph", "epv", "speed", "course", "fix", "satellites"}},
	{"Attitude", {"time", "roll", "pitch", "yaw", "roll_rate", "pitch_rate", "yaw_rate", "flags"}},
	{"Position", {"time", "lat", "lon", "alt", "relative_alt", "vx", "vy", "vz", "heading"}},
	{"VFR HUD", {"airspeed", "groundspeed", "alt", "climb", "heading", "throttle"}},
	{"Scaled IMU", {"time", "xacc", "yacc", "zacc", "xgyro", "ygyro", "zgyro", "xmag", "ymag", "zmag"}},
	{"Scaled Pressure", {"time", "pressure_abs", "pressure_diff", "temperature"}},
	{"Local Position NED", {"time", "x", "y", "z", "vx", "vy", "vz"}},
}};

Names faceNames(std::size_t count)
{
	switch (count) {
	case 5: // HERO6
		return list({"id", "x", "y", "w", "h"});
	case 7: // HERO8
		return list({"id", "x", "y", "w", "h", "confidence", "smile"});
	case 9: // HERO10 (version 4)
		return list({"version", "confidence", "id", "x", "y", "w", "h", "smile", "blink"});
	case 23: { // HERO7: 17 unused bytes before the smile value
		Names n = list({"id", "x", "y", "w", "h"});
		for (int i = 0; i < 17; i++)
			n.push_back("unused" + std::to_string(i));
		n.push_back("smile");
		return n;
	}
	default:
		return {};
	}
}

} // namespace

std::vector<std::string> fieldNames(FourCC key, std::size_t fieldCount, std::string_view orio,
				    std::string_view deviceName, std::string_view streamName)
{
	Names names;
	if (key == FourCC("GPS5"))
		names = list({"lat", "lon", "alt", "speed2d", "speed3d"});
	else if (key == FourCC("GPS9"))
		names = list({"lat", "lon", "alt", "speed2d", "speed3d", "days", "secs", "dop", "fix"});
	else if (key == FourCC("CORI") || key == FourCC("IORI"))
		names = list({"w", "x", "y", "z"});
	else if (key == FourCC("GRAV") || key == FourCC("MNOR"))
		names = list({"x", "y", "z"});
	else if (key == FourCC("ACCL") || key == FourCC("GYRO") || key == FourCC("MAGN")) {
		std::string_view order = orio.empty() ? legacyImuOrder(deviceName) : orio;
		if (order.size() == fieldCount)
			names = axisNames(order); // unknown order: no names rather than wrong ones
	} else if (key == FourCC("WRGB"))
		names = list({"r", "g", "b"});
	else if (key == FourCC("SCEN"))
		names = list({"class", "probability"});
	else if (key == FourCC("HUES"))
		names = list({"hue", "weight"});
	else if (key == FourCC("AALP"))
		names = list({"rms_dbfs", "peak_dbfs"});
	else if (key == FourCC("FACE"))
		names = faceNames(fieldCount);
	else if (key == FourCC("HLMT"))
		names = list({"time", "in", "out", "lat", "lon", "alt", "type", "confidence", "score"});
	else {
		for (const auto &karma : kKarmaStreams)
			if (karma.name == streamName)
				names = list(karma.fields);
	}
	if (names.size() != fieldCount)
		return {};
	return names;
}

namespace {

struct Documented {
	FourCC key;
	std::string_view name;
	std::string_view unit;
};

// The per-camera stream tables of the GPMF documentation (HERO5 to MAX2 and Mission 1), in our
// words.
constexpr Documented kDocumented[] = {
	{FourCC("ACCL"), "Accelerometer", "m/s²"},
	{FourCC("GYRO"), "Gyroscope", "rad/s"},
	{FourCC("MAGN"), "Magnetometer", "µT"},
	{FourCC("GPS5"), "GPS (lat., lon., alt., 2D speed, 3D speed)", ""},
	{FourCC("GPS9"), "GPS (lat., lon., alt., 2D, 3D speed, days, secs, DOP, fix)", ""},
	{FourCC("ISOG"), "Image sensor gain", ""},
	{FourCC("ISOE"), "Sensor ISO", ""},
	{FourCC("SHUT"), "Exposure time (shutter speed)", "s"},
	{FourCC("FACE"), "Face detection", ""},
	{FourCC("FCNM"), "Faces counted per frame", ""},
	{FourCC("ALLD"), "Auto low light frame duration", ""},
	{FourCC("WBAL"), "White balance (Kelvin)", ""},
	{FourCC("WRGB"), "White balance RGB gains", ""},
	{FourCC("YAVG"), "Luma (Y) average over the frame", ""},
	{FourCC("HUES"), "Predominant hues over the frame", ""},
	{FourCC("UNIF"), "Image uniformity", ""},
	{FourCC("SCEN"), "Scene classification", ""},
	{FourCC("SROT"), "Sensor read out time", ""},
	{FourCC("CORI"), "Camera orientation", ""},
	{FourCC("IORI"), "Image orientation", ""},
	{FourCC("GRAV"), "Gravity vector", ""},
	{FourCC("WNDM"), "Wind processing", ""},
	{FourCC("MWET"), "Microphone wet", ""},
	{FourCC("AALP"), "Audio levels", "dBFS"},
	{FourCC("DISP"), "Disparity (360 modes)", ""},
	{FourCC("MSKP"), "Main video frame skip", ""},
	{FourCC("LSKP"), "Low-res video frame skip", ""},
	{FourCC("LOGS"), "Health logs", ""},
	{FourCC("MNOR"), "Magnetic north vector", ""},
	{FourCC("OCNF"), "Magnetic north confidence (0-255)", ""},
	{FourCC("CSCT"), "Compression score, top EAC slice", ""},
	{FourCC("CSCB"), "Compression score, bottom EAC slice", ""},
	{FourCC("EVTG"), "Exposure value target", "eV"},
	{FourCC("GPDP"), "GpDump data", ""},
	{FourCC("GPDH"), "GpDump header", ""},
};

const Documented *documented(FourCC key) noexcept
{
	for (const Documented &d : kDocumented)
		if (d.key == key)
			return &d;
	return nullptr;
}

} // namespace

std::string_view documentedName(FourCC key) noexcept
{
	const Documented *d = documented(key);
	return d ? d->name : std::string_view();
}

std::string_view documentedUnit(FourCC key) noexcept
{
	const Documented *d = documented(key);
	return d ? d->unit : std::string_view();
}

namespace {

struct Setting {
	std::string_view key, name;
};

// The header metadata tables of the GPMF documentation (gopro/gpmf-parser README, "Header
// metadata"): DVID 1 "Global Settings" and DVID FOVL (the lens's distortion model), in our words.
constexpr Setting kSettings[] = {
	{"ABSC", "AutoBoost score (lens blend)"},
	{"APTO", "Audio Protune option"},
	{"ARUW", "Aspect ratio of the unwarped input"},
	{"ARWA", "Aspect ratio of the warped output"},
	{"AUBT", "Bluetooth audio"},
	{"AUDO", "Audio option"},
	{"AUDT", "Audio tuning"},
	{"AUPT", "Audio Protune"},
	{"BITR", "Bit rate"},
	{"CASN", "Camera serial number"},
	{"CDAT", "Creation time (local, seconds since 1970)"},
	{"CDTM", "Capture delay timer (ms)"},
	{"CINF", "Internal IDs"},
	{"CLDP", "Classification data present"},
	{"CMOD", "Camera mode"},
	{"CPID", "Capture identifier"},
	{"CPIN", "Capture number in group"},
	{"CTRL", "Control level"},
	{"DNSC", "Denoise"},
	{"DUST", "Duration setting"},
	{"DZMX", "Digital zoom amount"},
	{"DZOM", "Digital zoom enabled"},
	{"DZST", "Digital zoom setting (0-100)"},
	{"EISA", "Stabilization applied"},
	{"EISE", "Electronic stabilization"},
	{"EXMD", "Exposure mode"},
	{"EXMN", "Minimum exposure time (s)"},
	{"EXMX", "Maximum exposure time (s)"},
	{"EXPT", "Exposure type"},
	{"FMWR", "Firmware version"},
	{"FOCL", "Lens focal length (mm)"},
	{"GFRE", "Guided framing"},
	{"HCTL", "Horizon control"},
	{"HDRV", "HDR video"},
	{"HSGT", "HindSight"},
	{"IMGT", "Image tuning"},
	{"LINF", "Internal IDs"},
	{"LPID", "Lens model"},
	{"MAPX", "Lens X mapping coefficients"},
	{"MAPY", "Lens Y mapping coefficients"},
	{"MBLR", "Motion blur control"},
	{"MINF", "Camera model"},
	{"MMOD", "Media Mod"},
	{"MTYP", "Media type"},
	{"MUID", "Media ID"},
	{"MXCF", "Lens X mapping terms"},
	{"MYCF", "Lens Y mapping terms"},
	{"ORDP", "Orientation data present"},
	{"OREN", "Orientation"},
	{"PIMD", "Protune ISO mode"},
	{"PIMN", "Protune ISO minimum"},
	{"PIMX", "Protune ISO maximum"},
	{"POLY", "Lens polynomial coefficients"},
	{"PRJT", "Lens projection"},
	{"PRNA", "Preset IDs"},
	{"PRNU", "Preset IDs"},
	{"PRTN", "Protune"},
	{"PTCL", "Protune color"},
	{"PTEV", "Protune EV compensation"},
	{"PTSH", "Protune sharpness"},
	{"PTWB", "Protune white balance"},
	{"PWPR", "Power profile"},
	{"PYCF", "Lens polynomial powers"},
	{"RAMP", "Speed ramp"},
	{"RATE", "Burst, TimeWarp or time-lapse rate"},
	{"SCAP", "Scheduled capture"},
	{"SCTM", "Scheduled capture time (s after UTC midnight)"},
	{"SMTR", "Spot meter"},
	{"SROT", "Sensor read-out time (ms)"},
	{"TZON", "Time zone (minutes east of UTC)"},
	{"VERS", "Metadata library version"},
	{"VFOV", "Field of view"},
	{"VFPS", "Video frame rate"},
	{"VRES", "Video resolution"},
	{"ZFOV", "Diagonal field of view (degrees)"},
	{"ZMPL", "Zoom scale normalization"},
	{"ZOOM", "Digital zoom level"},
};

} // namespace

std::string_view settingName(FourCC key) noexcept
{
	const char text[4] = {key.at(0), key.at(1), key.at(2), key.at(3)};
	for (const Setting &s : kSettings)
		if (s.key == std::string_view(text, 4))
			return s.name;
	return {};
}

} // namespace gpmf::detail
