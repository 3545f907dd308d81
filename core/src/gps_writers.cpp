// SPDX-License-Identifier: LGPL-2.1-or-later
// GPS track files: GPX 1.1, KML 2.2, CSV and GeoJSON (RFC 7946), written point by point.

#include "gpmf/gps_writers.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "gpmf/json_writer.h"

namespace gpmf {

namespace {

/*
 * Shortest round-trip decimal in fixed notation: xsd:decimal (GPX) and KML coordinates allow no
 * exponent, and std::to_chars ignores the locale. 7 decimals of a GPS5 latitude stay exact.
 */
void appendDecimal(std::string &out, double v)
{
	// Fixed notation of the extreme doubles needs up to ~330 characters.
	char buf[400];
	const auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
	if (res.ec == std::errc())
		out.append(buf, res.ptr);
}

void appendInt(std::string &out, long long v)
{
	char buf[24];
	const auto res = std::to_chars(buf, buf + sizeof(buf), v);
	out.append(buf, res.ptr);
}

// Positions no format can hold (GPX types lat in [-90, 90], lon in [-180, 180]) are left out.
bool validPosition(const GpsPoint &p) noexcept
{
	return std::isfinite(p.lat) && std::isfinite(p.lon) && p.lat >= -90 && p.lat <= 90 &&
	       p.lon >= -180 && p.lon <= 180;
}

bool knownUtc(const GpsPoint &p) noexcept
{
	return std::isfinite(p.utc);
}

bool knownDop(const GpsPoint &p) noexcept
{
	return std::isfinite(p.dop) && p.dop >= 0;
}

/*
 * Length of the valid UTF-8 sequence at s[i], or 0. Overlong forms, surrogates and code points
 * above U+10FFFF are invalid.
 */
std::size_t utf8Length(std::string_view s, std::size_t i) noexcept
{
	const auto byte = [&](std::size_t k) { return std::uint8_t(s[k]); };
	const std::uint8_t c = byte(i);
	if (c < 0x80)
		return 1;
	std::size_t n;
	std::uint32_t cp;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (i + n > s.size())
		return 0;
	for (std::size_t k = 1; k < n; k++) {
		if ((byte(i + k) & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (byte(i + k) & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	// U+FFFE and U+FFFF are not XML characters either.
	if (cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/*
 * XML character data: markup characters escaped; control characters (not allowed in XML 1.0)
 * and invalid UTF-8 replaced with U+FFFD so the file stays well-formed whatever the name holds.
 */
void appendXmlText(std::string &out, std::string_view s)
{
	for (std::size_t i = 0; i < s.size();) {
		const char c = s[i];
		switch (c) {
		case '&': out += "&amp;"; i++; continue;
		case '<': out += "&lt;"; i++; continue;
		case '>': out += "&gt;"; i++; continue;
		case '"': out += "&quot;"; i++; continue;
		case '\'': out += "&apos;"; i++; continue;
		default: break;
		}
		const std::uint8_t u = std::uint8_t(c);
		if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
			out += "\xef\xbf\xbd";
			i++;
			continue;
		}
		const std::size_t n = utf8Length(s, i);
		if (n == 0) {
			out += "\xef\xbf\xbd";
			i++;
			continue;
		}
		out.append(s.substr(i, n));
		i += n;
	}
}

const char *gpxFix(int fix) noexcept
{
	switch (fix) {
	case 0: return "none";
	case 2: return "2d";
	case 3: return "3d";
	default: return nullptr;
	}
}

/*
 * GPX 1.1: one trk with one trkseg. The children of trkpt follow the order of wptType in the
 * schema (ele, time, ..., fix, sat, hdop, vdop, pdop); GPX 1.1 has no speed element.
 */
class GpxWriter : public GpsWriter {
public:
	void begin(std::string &out, std::string_view trackName) override
	{
		if (begun_)
			return;
		begun_ = true;
		out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<gpx version=\"1.1\" creator=\"gst-gpmf\" xmlns=\"http://www.topografix.com/GPX/1/1\" "
		       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
		       "xsi:schemaLocation=\"http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd\">\n"
		       "<trk>\n";
		if (!trackName.empty()) {
			out += "<name>";
			appendXmlText(out, trackName);
			out += "</name>\n";
		}
		out += "<trkseg>\n";
	}

	void add(std::string &out, const GpsPoint &p) override
	{
		begin(out, {});
		if (!validPosition(p) || ended_)
			return;
		out += "<trkpt lat=\"";
		appendDecimal(out, p.lat);
		out += "\" lon=\"";
		appendDecimal(out, p.lon);
		out += "\">";
		if (std::isfinite(p.alt)) {
			out += "<ele>";
			appendDecimal(out, p.alt);
			out += "</ele>";
		}
		if (knownUtc(p)) {
			const std::string utc = formatUtc(p.utc);
			if (!utc.empty())
				out += "<time>" + utc + "</time>";
		}
		if (const char *fix = gpxFix(p.fix))
			out += std::string("<fix>") + fix + "</fix>";
		if (knownDop(p)) {
			out += "<pdop>";
			appendDecimal(out, p.dop);
			out += "</pdop>";
		}
		out += "</trkpt>\n";
	}

	void end(std::string &out) override
	{
		begin(out, {});
		if (ended_)
			return;
		ended_ = true;
		out += "</trkseg>\n</trk>\n</gpx>\n";
	}

private:
	bool begun_ = false;
	bool ended_ = false;
};

/*
 * KML 2.2 with Google's gx:Track, so every point keeps its time: a <when> and a <gx:coord>
 * ("lon lat alt") per point, written in pairs so that nothing has to be buffered. A point
 * without UTC gets an empty <when/> to keep the pairing.
 */
class KmlWriter : public GpsWriter {
public:
	void begin(std::string &out, std::string_view trackName) override
	{
		if (begun_)
			return;
		begun_ = true;
		out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<kml xmlns=\"http://www.opengis.net/kml/2.2\" xmlns:gx=\"http://www.google.com/kml/ext/2.2\">\n"
		       "<Document>\n";
		std::string name;
		appendXmlText(name, trackName);
		if (!name.empty())
			out += "<name>" + name + "</name>\n";
		out += "<Placemark>\n";
		if (!name.empty())
			out += "<name>" + name + "</name>\n";
		out += "<gx:Track>\n<altitudeMode>absolute</altitudeMode>\n";
	}

	void add(std::string &out, const GpsPoint &p) override
	{
		begin(out, {});
		if (!validPosition(p) || ended_)
			return;
		const std::string utc = knownUtc(p) ? formatUtc(p.utc) : std::string();
		if (utc.empty())
			out += "<when/>";
		else
			out += "<when>" + utc + "</when>";
		out += "<gx:coord>";
		appendDecimal(out, p.lon);
		out += ' ';
		appendDecimal(out, p.lat);
		out += ' ';
		appendDecimal(out, std::isfinite(p.alt) ? p.alt : 0.0);
		out += "</gx:coord>\n";
	}

	void end(std::string &out) override
	{
		begin(out, {});
		if (ended_)
			return;
		ended_ = true;
		out += "</gx:Track>\n</Placemark>\n</Document>\n</kml>\n";
	}

private:
	bool begun_ = false;
	bool ended_ = false;
};

/// CSV (RFC 4180 shape): a header naming the units, one row per point, empty cells when unknown.
class CsvWriter : public GpsWriter {
public:
	explicit CsvWriter(std::optional<int> localMinutes) : local_(localMinutes) {}

	void begin(std::string &out, std::string_view) override
	{
		if (begun_)
			return;
		begun_ = true;
		out += local_ ? "time_s,utc,local,lat_deg,lon_deg,alt_m,speed2d_mps,speed3d_mps,fix,dop\n"
			      : "time_s,utc,lat_deg,lon_deg,alt_m,speed2d_mps,speed3d_mps,fix,dop\n";
	}

	void add(std::string &out, const GpsPoint &p) override
	{
		begin(out, {});
		if (!validPosition(p))
			return;
		if (std::isfinite(p.time))
			appendJsonSeconds(out, p.time); // to the nanosecond, as the records give it
		out += ',';
		if (knownUtc(p))
			out += formatUtc(p.utc);
		out += ',';
		if (local_) {
			if (knownUtc(p))
				out += formatLocalTime(p.utc, *local_);
			out += ',';
		}
		appendCell(out, p.lat);
		out += ',';
		appendCell(out, p.lon);
		out += ',';
		appendCell(out, p.alt);
		out += ',';
		appendCell(out, p.speed2d);
		out += ',';
		appendCell(out, p.speed3d);
		out += ',';
		if (p.fix >= 0)
			appendInt(out, p.fix);
		out += ',';
		if (knownDop(p))
			appendDecimal(out, p.dop);
		out += '\n';
	}

	void end(std::string &out) override
	{
		begin(out, {});
	}

private:
	static void appendCell(std::string &out, double v)
	{
		if (std::isfinite(v))
			appendDecimal(out, v);
	}

	std::optional<int> local_;
	bool begun_ = false;
};

/*
 * GeoJSON (RFC 7946): a FeatureCollection of Points, one Feature per line. Coordinates are
 * [lon, lat, alt] as the RFC orders them; unknown properties are null.
 */
class GeoJsonWriter : public GpsWriter {
public:
	explicit GeoJsonWriter(std::optional<int> localMinutes) : local_(localMinutes) {}

	void begin(std::string &out, std::string_view trackName) override
	{
		if (begun_)
			return;
		begun_ = true;
		out += "{\"type\":\"FeatureCollection\",";
		// "name" is a foreign member (RFC 7946 §6.1); GDAL takes it as the layer name.
		if (!trackName.empty()) {
			out += "\"name\":";
			appendJsonString(out, trackName);
			out += ',';
		}
		out += "\"features\":[";
	}

	void add(std::string &out, const GpsPoint &p) override
	{
		begin(out, {});
		if (!validPosition(p) || ended_)
			return;
		out += first_ ? "\n" : ",\n";
		first_ = false;
		out += "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[";
		appendJsonNumber(out, p.lon);
		out += ',';
		appendJsonNumber(out, p.lat);
		if (std::isfinite(p.alt)) {
			out += ',';
			appendJsonNumber(out, p.alt);
		}
		out += "]},\"properties\":{\"time\":";
		appendJsonSeconds(out, p.time);
		out += ",\"utc\":";
		const std::string utc = knownUtc(p) ? formatUtc(p.utc) : std::string();
		if (utc.empty())
			out += "null";
		else
			appendJsonString(out, utc);
		if (local_) {
			out += ",\"local\":";
			if (utc.empty())
				out += "null";
			else
				appendJsonString(out, formatLocalTime(p.utc, *local_));
		}
		out += ",\"speed2d\":";
		appendJsonNumber(out, p.speed2d);
		out += ",\"speed3d\":";
		appendJsonNumber(out, p.speed3d);
		out += ",\"fix\":";
		if (p.fix >= 0)
			appendJsonNumber(out, p.fix);
		else
			out += "null";
		out += ",\"dop\":";
		if (knownDop(p))
			appendJsonNumber(out, p.dop);
		else
			out += "null";
		out += "}}";
	}

	void end(std::string &out) override
	{
		begin(out, {});
		if (ended_)
			return;
		ended_ = true;
		out += "\n]}\n";
	}

private:
	std::optional<int> local_;
	bool begun_ = false;
	bool ended_ = false;
	bool first_ = true;
};

} // namespace

std::unique_ptr<GpsWriter> makeGpsWriter(GpsFormat format, std::optional<int> localMinutes)
{
	switch (format) {
	case GpsFormat::Gpx: return std::make_unique<GpxWriter>();
	case GpsFormat::Kml: return std::make_unique<KmlWriter>();
	case GpsFormat::Csv: return std::make_unique<CsvWriter>(localMinutes);
	case GpsFormat::GeoJson: return std::make_unique<GeoJsonWriter>(localMinutes);
	}
	return nullptr;
}

} // namespace gpmf
