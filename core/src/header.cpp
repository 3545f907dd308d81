// SPDX-License-Identifier: LGPL-2.1-or-later
// Recording-level metadata from the MP4 udta atoms and from settings GPMF (udta GPMF box, JPEG APP6).
#include "gpmf/header.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "gpmf/byte_reader.h"
#include "gpmf/decoder.h"
#include "names.h"

namespace gpmf {

namespace {

// Binary atoms larger than this are not shown (AMBA, preallocated free space...).
constexpr std::size_t kMaxHexAtom = 64;
// Two HiLights closer than this (seconds) are the same tag seen in HMMT and HLMT.
constexpr double kSameHiLight = 0.001 + 1e-9;
// Cameras preallocate HMMT for 100 tags. Each new tag costs a pass over the list, so past this
// many, new tags are dropped and reported: a hostile atom cannot make the cost quadratic.
constexpr std::size_t kMaxHiLights = 1000;

std::string hex(std::span<const std::uint8_t> bytes)
{
	static constexpr char digits[] = "0123456789abcdef";
	std::string out;
	out.reserve(bytes.size() * 2);
	for (std::uint8_t b : bytes) {
		out += digits[b >> 4];
		out += digits[b & 0xf];
	}
	return out;
}

std::string hex32(std::uint32_t v)
{
	char buf[9];
	std::snprintf(buf, sizeof(buf), "%08x", static_cast<unsigned>(v));
	return buf;
}

// Strict UTF-8 check that also rejects control characters other than tab and newlines.
bool isPrintableText(std::string_view s)
{
	std::size_t i = 0;
	while (i < s.size()) {
		const auto c = static_cast<std::uint8_t>(s[i]);
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				return false;
			++i;
			continue;
		}
		std::size_t len;
		std::uint32_t cp;
		if ((c & 0xe0) == 0xc0) {
			len = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (s.size() - i < len)
			return false;
		for (std::size_t k = 1; k < len; ++k) {
			const auto cc = static_cast<std::uint8_t>(s[i + k]);
			if ((cc & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (cc & 0x3f);
		}
		// Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
		static constexpr std::uint32_t minimum[] = { 0, 0, 0x80, 0x800, 0x10000 };
		if (cp < minimum[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

// The body as text if it is printable once the NUL padding of fixed-size fields is trimmed.
std::optional<std::string> asText(std::span<const std::uint8_t> body)
{
	std::size_t end = body.size();
	while (end > 0 && (body[end - 1] == 0 || body[end - 1] == ' '))
		--end;
	if (end == 0)
		return std::nullopt;
	std::string text(reinterpret_cast<const char *>(body.data()), end);
	if (!isPrintableText(text))
		return std::nullopt;
	return text;
}

// QuickTime user data text (©xyz, ©nam...): 16-bit length, 16-bit language code, then the text.
std::span<const std::uint8_t> quickTimeText(std::span<const std::uint8_t> body)
{
	if (body.size() < 4)
		return body;
	const std::size_t len = loadBe16(body.data());
	if (len > body.size() - 4)
		return body;
	return body.subspan(4, len);
}

// "©xyz" for the QuickTime 0xA9 atoms, the FourCC text otherwise.
std::string atomKey(FourCC key)
{
	if (static_cast<std::uint8_t>(key.at(0)) != 0xa9)
		return key.str();
	std::string out = "\xc2\xa9";
	const std::string rest = key.str();
	out += rest.substr(1);
	return out;
}

void setAtom(Header &header, std::string key, std::string value)
{
	for (auto &[k, v] : header.atoms) {
		if (k == key) {
			v = std::move(value);
			return;
		}
	}
	header.atoms.emplace_back(std::move(key), std::move(value));
}

void addDiagnostic(Header &header, Errc code, std::size_t offset, std::string path, std::string detail)
{
	header.diagnostics.push_back({ code, offset, std::move(path), std::move(detail) });
}

struct FirmwareModel {
	std::string_view prefix;
	std::string_view model;
};

// The first six characters of the firmware version name the camera platform and variant.
// Only prefixes seen in samples or in GoPro's published firmware names are listed: the variant
// digits keep e.g. a HERO5 Session (HD5.03) from being named a HERO5 Black.
constexpr FirmwareModel kFirmwareModels[] = {
	{ "HD5.02", "HERO5 Black" },
	{ "HD6.01", "HERO6 Black" },
	{ "HD7.01", "HERO7 Black" },
	{ "HD8.01", "HERO8 Black" },
	{ "HD9.01", "HERO9 Black" },
	{ "H19.03", "GoPro Max" },
	{ "H21.01", "HERO10 Black" },
	{ "H22.01", "HERO11 Black" },
	{ "H23.01", "HERO12 Black" },
	{ "H24.01", "HERO13 Black" },
};

std::string_view modelFromFirmware(std::string_view firmware)
{
	for (const auto &entry : kFirmwareModels) {
		if (firmware.substr(0, entry.prefix.size()) == entry.prefix)
			return entry.model;
	}
	return {};
}

// True when the camera name only came from a settings device's DVNM, which any better source
// may replace.
bool cameraIsDeviceName(const Header &header)
{
	return std::any_of(header.settings.begin(), header.settings.end(),
			   [&](const Device &d) { return !d.name.empty() && d.name == header.camera; });
}

void setCameraFromFirmware(Header &header, std::string_view firmware)
{
	const std::string_view model = modelFromFirmware(firmware);
	if (model.empty())
		return;
	if (header.camera.empty() || cameraIsDeviceName(header))
		header.camera = std::string(model);
}

// Keeps HMMT and HLMT entries for the same tag once (the HLMT one, which says more), and
// ignores exact repeats so that an atom seen twice (tags resent on every pad) adds nothing.
// False when the tag is new but the list is full.
bool addHiLight(Header &header, const HiLight &hl)
{
	auto &list = header.hilights;
	auto near = [&](const HiLight &e) { return std::fabs(e.time - hl.time) <= kSameHiLight; };
	for (const HiLight &e : list) {
		if (!near(e))
			continue;
		if (hl.kind.empty())
			return true;
		if (e.kind == hl.kind && e.in == hl.in && e.out == hl.out)
			return true;
	}
	if (list.size() >= kMaxHiLights)
		return false;
	// An HLMT entry takes the place of the HMMT ones at the same time.
	auto manual = [&](const HiLight &e) { return e.kind.empty() && near(e); };
	list.erase(std::remove_if(list.begin(), list.end(), manual), list.end());
	list.push_back(hl);
	std::stable_sort(list.begin(), list.end(),
			 [](const HiLight &a, const HiLight &b) { return a.time < b.time; });
	return true;
}

void reportTooManyHiLights(Header &header, const char *path)
{
	addDiagnostic(header, Errc::BadSize, 0, path,
		      "more than " + std::to_string(kMaxHiLights) + " HiLights; the rest are ignored");
}

void addHmmt(Header &header, std::span<const std::uint8_t> body)
{
	ByteReader reader(body);
	std::uint32_t count;
	if (!reader.readBe32(count)) {
		addDiagnostic(header, Errc::Truncated, 0, "udta/HMMT",
			      "needs 4 bytes for the count, " + std::to_string(body.size()) + " left");
		return;
	}
	// The box is preallocated: slots past the count are zero, and the count cannot exceed them.
	const std::size_t slots = reader.remaining() / 4;
	if (count > slots) {
		addDiagnostic(header, Errc::BadSize, 0, "udta/HMMT",
			      "count " + std::to_string(count) + " exceeds the " + std::to_string(slots) +
				      " slots of the box");
		count = static_cast<std::uint32_t>(slots);
	}
	for (std::uint32_t i = 0; i < count; ++i) {
		std::uint32_t ms = 0;
		reader.readBe32(ms);
		HiLight hl;
		hl.time = ms / 1000.0;
		if (!addHiLight(header, hl)) {
			reportTooManyHiLights(header, "udta/HMMT");
			return;
		}
	}
}

// Where a settings key lives depends on the camera: directly in the device (MAX, HERO6 photo),
// or in a STRM of it (HERO7), where the last one may be taken as the stream's data.
const Values *findSetting(const Device &device, FourCC key)
{
	for (const Property &p : device.properties) {
		if (p.key == key)
			return &p.values;
	}
	for (const Stream &s : device.streams) {
		if (const Property *p = s.findSticky(key))
			return &p->values;
		if (s.key == key)
			return &s.values;
	}
	return nullptr;
}

std::string settingText(const Device &device, FourCC key)
{
	const Values *v = findSetting(device, key);
	if (!v)
		return {};
	std::string text = v->joinedText();
	while (!text.empty() && (text.back() == ' ' || text.back() == '\0'))
		text.pop_back();
	return text;
}

std::string muidFromValues(const Values &v)
{
	if (!v.texts.empty() && v.numbers.empty())
		return v.joinedText();
	std::string out;
	for (double n : v.numbers) {
		if (!(n >= 0 && n <= 4294967295.0))
			return {};
		out += hex32(static_cast<std::uint32_t>(n));
	}
	return out;
}

void addIdentity(Header &header, const Device &device)
{
	if (std::string minf = settingText(device, FourCC("MINF")); !minf.empty())
		header.camera = std::move(minf);
	if (header.firmware.empty())
		header.firmware = settingText(device, FourCC("FMWR"));
	if (header.serial.empty())
		header.serial = settingText(device, FourCC("CASN"));
	if (header.lens.empty())
		header.lens = settingText(device, FourCC("LINF"));
	if (header.mediaUid.empty()) {
		if (const Values *v = findSetting(device, FourCC("MUID")))
			header.mediaUid = muidFromValues(*v);
	}
	if (const Values *v = findSetting(device, FourCC("TZON")); v && !v->numbers.empty() && !header.timeZoneMinutes) {
		// Whole minutes within ±18 h; 32767 is the camera's "not set".
		const double minutes = v->numbers.front();
		if (minutes == std::floor(minutes) && std::abs(minutes) <= 18 * 60)
			header.timeZoneMinutes = int(minutes);
	}
	if (const Values *v = findSetting(device, FourCC("CDAT")); v && !v->numbers.empty() && !header.created) {
		const double seconds = v->numbers.front();
		if (seconds > 0 && seconds < 4102444800.0) // before 2100
			header.created = seconds;
	}
	if (!header.firmware.empty())
		setCameraFromFirmware(header, header.firmware);
	// DVNM of the settings device is "Global Settings" and the like on every known camera:
	// only a name that is not such a label says which camera this is.
	if (header.camera.empty() && device.id == 1 && !device.name.empty() &&
	    device.name.find("Settings") == std::string::npos)
		header.camera = device.name;
}

bool hasLayout(const Values &v)
{
	return v.numbers.size() >= std::size_t(v.sampleCount) * v.numericFieldCount() &&
	       v.texts.size() >= std::size_t(v.sampleCount) * v.textFieldCount();
}

// HLMT samples: time, in, out (ms), lat, lon (deg), alt (m), type FourCC, confidence (%), score.
void addHlmt(Header &header, const Stream &stream)
{
	const Values &v = stream.values;
	if (!hasLayout(v))
		return;
	const std::size_t n = v.fields.size();
	bool full = n >= 9;
	for (std::size_t f = 0; full && f < 9; ++f)
		full = v.isTextField(f) == (f == 6);
	const bool timesOnly = n == 1 && !v.isTextField(0);
	if (!full && !timesOnly) {
		addDiagnostic(header, Errc::Unsupported, 0, "GPMF/HLMT",
			      "unexpected HiLight layout with " + std::to_string(n) + " fields");
		return;
	}
	for (std::uint32_t i = 0; i < v.sampleCount; ++i) {
		HiLight hl;
		hl.time = v.number(i, 0) / 1000.0;
		if (full) {
			hl.in = v.number(i, 1) / 1000.0;
			hl.out = v.number(i, 2) / 1000.0;
			hl.lat = v.number(i, 3);
			hl.lon = v.number(i, 4);
			hl.alt = v.number(i, 5);
			hl.kind = v.text(i, 6);
			hl.confidence = v.number(i, 7);
			hl.score = v.number(i, 8);
		}
		if (!std::isfinite(hl.time))
			continue;
		if (!addHiLight(header, hl)) {
			reportTooManyHiLights(header, "GPMF/HLMT");
			return;
		}
	}
}

// Keeps one copy of each settings device, so a box seen twice does not double the list.
void keepSettings(Header &header, const Device &device)
{
	for (Device &d : header.settings) {
		if (d.id == device.id && d.idText == device.idText && d.name == device.name) {
			d = device;
			return;
		}
	}
	header.settings.push_back(device);
}

// The settings box is preallocated (25.6 kB on HERO7 and MAX) and zero after the last KLV:
// stop at the first all-zero header so the padding is not reported as bad keys.
std::size_t usedLength(std::span<const std::uint8_t> gpmf)
{
	std::size_t pos = 0;
	while (gpmf.size() - pos >= kKlvHeaderSize) {
		const std::uint8_t *h = gpmf.data() + pos;
		if (std::all_of(h, h + kKlvHeaderSize, [](std::uint8_t b) { return b == 0; }))
			return pos;
		const std::size_t size = std::size_t(h[5]) * loadBe16(h + 6);
		const std::size_t padded = (size + 3) & ~std::size_t(3);
		if (padded > gpmf.size() - pos - kKlvHeaderSize)
			break;
		pos += kKlvHeaderSize + padded;
	}
	return gpmf.size();
}

} // namespace

bool Header::empty() const noexcept
{
	return camera.empty() && firmware.empty() && serial.empty() && lens.empty() && mediaUid.empty() &&
	       atoms.empty() && settings.empty() && hilights.empty() && diagnostics.empty();
}

void addUdtaAtom(Header &header, FourCC key, std::span<const std::uint8_t> body)
{
	if (key == FourCC("free") || key == FourCC("skip"))
		return;
	if (key == FourCC("GPMF")) {
		addSettingsGpmf(header, body);
		return;
	}
	if (key == FourCC("HMMT")) {
		addHmmt(header, body);
		return;
	}
	if (key == FourCC("MUID") && !body.empty() && body.size() % 4 == 0 && body.size() <= kMaxHexAtom) {
		// The atom is the camera's uint32[8] in little-endian memory order: read this way its
		// first four words equal the big-endian MUID of the settings GPMF.
		if (header.mediaUid.empty()) {
			for (std::size_t i = 0; i < body.size(); i += 4) {
				const std::uint8_t *p = body.data() + i;
				header.mediaUid += hex32(std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) |
							 (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24));
			}
		}
		return;
	}

	const bool quickTime = static_cast<std::uint8_t>(key.at(0)) == 0xa9;
	const std::optional<std::string> text = asText(quickTime ? quickTimeText(body) : body);
	if (key == FourCC("FIRM") && text) {
		if (header.firmware.empty())
			header.firmware = *text;
		setCameraFromFirmware(header, *text);
		return;
	}
	if (key == FourCC("LENS") && text) {
		header.lens = *text;
		return;
	}
	if (text)
		setAtom(header, atomKey(key), *text);
	else if (!body.empty() && body.size() <= kMaxHexAtom)
		setAtom(header, atomKey(key), hex(body));
}

bool addUdtaAtomBytes(Header &header, std::span<const std::uint8_t> atom)
{
	ByteReader reader(atom);
	std::uint32_t size32, type;
	if (!reader.readBe32(size32) || !reader.readBe32(type)) {
		addDiagnostic(header, Errc::Truncated, 0, "udta",
			      "atom header needs 8 bytes, " + std::to_string(atom.size()) + " given");
		return false;
	}
	const FourCC key(type);
	std::uint64_t size = size32;
	std::size_t headerSize = 8;
	if (size32 == 1) {
		if (!reader.readBe64(size)) {
			addDiagnostic(header, Errc::Truncated, 8, "udta/" + atomKey(key),
				      "64-bit atom size needs 8 more bytes");
			return false;
		}
		headerSize = 16;
	} else if (size32 == 0) {
		// ISO/IEC 14496-12: size 0 means the atom runs to the end of its container.
		size = atom.size();
	}
	if (size < headerSize) {
		addDiagnostic(header, Errc::BadSize, 0, "udta/" + atomKey(key),
			      "atom size " + std::to_string(size) + " is smaller than its header");
		return false;
	}
	if (size > atom.size()) {
		addDiagnostic(header, Errc::Truncated, 0, "udta/" + atomKey(key),
			      "atom size " + std::to_string(size) + ", " + std::to_string(atom.size()) +
				      " bytes given");
		return false;
	}
	addUdtaAtom(header, key, atom.subspan(headerSize, static_cast<std::size_t>(size) - headerSize));
	return true;
}

void addSettingsGpmf(Header &header, std::span<const std::uint8_t> gpmf)
{
	// A JPEG APP6 segment starts with this tag before the GPMF.
	static constexpr std::uint8_t app6Tag[] = { 'G', 'o', 'P', 'r', 'o', 0 };
	if (gpmf.size() >= sizeof(app6Tag) && std::equal(app6Tag, app6Tag + sizeof(app6Tag), gpmf.begin()))
		gpmf = gpmf.subspan(sizeof(app6Tag));
	const std::size_t used = usedLength(gpmf);
	if (used == 0)
		return;
	Payload payload = decodePayload(gpmf.first(used));
	for (Diagnostic &d : payload.diagnostics) {
		d.path = d.path.empty() ? std::string("GPMF") : "GPMF/" + d.path;
		header.diagnostics.push_back(std::move(d));
	}
	for (const Device &device : payload.devices) {
		keepSettings(header, device);
		addIdentity(header, device);
		for (const Stream &stream : device.streams) {
			if (stream.key == FourCC("HLMT"))
				addHlmt(header, stream);
		}
	}
}

std::string_view settingName(FourCC key) noexcept
{
	return detail::settingName(key);
}

} // namespace gpmf
