// SPDX-License-Identifier: GPL-2.0-or-later
// GPX, KML, CSV and GeoJSON track files: structure, values read back, streaming.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <gtest/gtest.h>

#include "gpmf/gps_writers.h"
#include "gpmf/records.h"

namespace gpmf {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// 2017-04-17T17:31:03Z (see gps_test.cpp for the arithmetic).
constexpr double kStart = 1492450263.0;

std::vector<GpsPoint> samplePoints()
{
	GpsPoint a;
	a.time = 0.5;
	a.utc = kStart;
	a.lat = 33.1264969;
	a.lon = -117.3273542;
	a.alt = -20.184;
	a.speed2d = 0.167;
	a.speed3d = 0.16;
	a.fix = 3;
	a.dop = 1.5;
	a.source = "GPS5";

	// No UTC, no DOP, 2D fix.
	GpsPoint b = a;
	b.time = 0.5 + 1.0 / 18;
	b.utc = kNaN;
	b.lat = 33.1264968;
	b.lon = -117.3273541;
	b.alt = 12.5;
	b.fix = 2;
	b.dop = -1;

	// No fix at all, a fraction of a millisecond to round.
	GpsPoint c = a;
	c.time = 0.5 + 2.0 / 18;
	c.utc = kStart + 2.0 / 18;
	c.lat = -0.0000001; // needs 7 decimals and must not turn into 1e-07
	c.lon = 179.9999999;
	c.fix = 0;
	c.dop = 99.99;
	return { a, b, c };
}

// A point no format can hold: it is left out.
GpsPoint invalidPoint()
{
	GpsPoint p;
	p.lat = kNaN;
	p.lon = 10;
	return p;
}

std::string writeAll(GpsFormat format, std::string_view name, const std::vector<GpsPoint> &points)
{
	auto writer = makeGpsWriter(format);
	std::string out;
	writer->begin(out, name);
	for (const GpsPoint &p : points)
		writer->add(out, p);
	writer->add(out, invalidPoint());
	writer->end(out);
	return out;
}

double parseDouble(std::string_view s)
{
	double v = kNaN;
	auto res = std::from_chars(s.data(), s.data() + s.size(), v);
	EXPECT_TRUE(res.ec == std::errc() && res.ptr == s.data() + s.size()) << "not a number: \"" << s << '"';
	return v;
}

// An XML element as GMarkup (a strict well-formedness checker) reports it.
struct Element {
	std::string name;
	std::string path; // "/gpx/trk/name"
	std::map<std::string, std::string> attributes;
	std::string text;
	std::vector<std::string> children;
};

struct XmlDoc {
	std::vector<Element> elements; // in document order
	std::vector<std::size_t> open;
	std::vector<Element *> find(const std::string &path)
	{
		std::vector<Element *> found;
		for (Element &e : elements)
			if (e.path == path)
				found.push_back(&e);
		return found;
	}
};

void startElement(GMarkupParseContext *, const gchar *name, const gchar **attrNames, const gchar **attrValues,
		  gpointer data, GError **)
{
	auto *doc = static_cast<XmlDoc *>(data);
	Element e;
	e.name = name;
	e.path = (doc->open.empty() ? std::string() : doc->elements[doc->open.back()].path) + "/" + name;
	for (int i = 0; attrNames[i]; i++)
		e.attributes[attrNames[i]] = attrValues[i];
	if (!doc->open.empty())
		doc->elements[doc->open.back()].children.push_back(name);
	doc->elements.push_back(std::move(e));
	doc->open.push_back(doc->elements.size() - 1);
}

void endElement(GMarkupParseContext *, const gchar *, gpointer data, GError **)
{
	static_cast<XmlDoc *>(data)->open.pop_back();
}

void text(GMarkupParseContext *, const gchar *t, gsize len, gpointer data, GError **)
{
	auto *doc = static_cast<XmlDoc *>(data);
	if (!doc->open.empty())
		doc->elements[doc->open.back()].text.append(t, len);
}

// Parses the whole document; fails the test if it is not well-formed.
XmlDoc parseXml(const std::string &xml)
{
	XmlDoc doc;
	GMarkupParser parser = {};
	parser.start_element = startElement;
	parser.end_element = endElement;
	parser.text = text;
	GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &doc, nullptr);
	GError *error = nullptr;
	const bool ok = g_markup_parse_context_parse(ctx, xml.data(), gssize(xml.size()), &error) &&
			g_markup_parse_context_end_parse(ctx, &error);
	EXPECT_TRUE(ok) << (error ? error->message : "") << "\n" << xml;
	if (error)
		g_error_free(error);
	g_markup_parse_context_free(ctx);
	EXPECT_TRUE(doc.open.empty());
	return doc;
}

// Children's names must be a subsequence of the schema's order.
bool inSchemaOrder(const std::vector<std::string> &children, const std::vector<std::string> &order)
{
	std::size_t k = 0;
	for (const std::string &c : children) {
		while (k < order.size() && order[k] != c)
			k++;
		if (k == order.size())
			return false;
		k++;
	}
	return true;
}

std::vector<std::string> splitLines(const std::string &s)
{
	std::vector<std::string> lines;
	std::istringstream in(s);
	for (std::string line; std::getline(in, line);)
		lines.push_back(line);
	return lines;
}

std::vector<std::string> splitCells(const std::string &line)
{
	std::vector<std::string> cells(1);
	for (char c : line) {
		if (c == ',')
			cells.emplace_back();
		else
			cells.back() += c;
	}
	return cells;
}

TEST(GpxWriter, Gpx11Track)
{
	const auto points = samplePoints();
	XmlDoc doc = parseXml(writeAll(GpsFormat::Gpx, "Ride <1> & \"2\"", points));

	ASSERT_FALSE(doc.elements.empty());
	Element &gpx = doc.elements[0];
	EXPECT_EQ(gpx.name, "gpx");
	EXPECT_EQ(gpx.attributes["version"], "1.1");
	EXPECT_EQ(gpx.attributes["creator"], "gst-gpmf");
	EXPECT_EQ(gpx.attributes["xmlns"], "http://www.topografix.com/GPX/1/1");

	auto names = doc.find("/gpx/trk/name");
	ASSERT_EQ(names.size(), 1u);
	EXPECT_EQ(names[0]->text, "Ride <1> & \"2\"");
	// GPX 1.1 trkType: name comes before trkseg.
	EXPECT_TRUE(inSchemaOrder(doc.find("/gpx/trk")[0]->children, { "name", "cmt", "desc", "src", "link", "number",
								       "type", "extensions", "trkseg" }));

	auto trkpts = doc.find("/gpx/trk/trkseg/trkpt");
	ASSERT_EQ(trkpts.size(), points.size());
	// wptType order from the GPX 1.1 schema.
	const std::vector<std::string> wptOrder = { "ele", "time", "magvar", "geoidheight", "name", "cmt", "desc",
						    "src", "link", "sym", "type", "fix", "sat", "hdop", "vdop",
						    "pdop", "ageofdgpsdata", "dgpsid", "extensions" };
	for (std::size_t i = 0; i < points.size(); i++) {
		EXPECT_EQ(parseDouble(trkpts[i]->attributes["lat"]), points[i].lat);
		EXPECT_EQ(parseDouble(trkpts[i]->attributes["lon"]), points[i].lon);
		EXPECT_TRUE(inSchemaOrder(trkpts[i]->children, wptOrder)) << "trkpt " << i;
	}
	EXPECT_EQ(trkpts[2]->attributes["lat"], "-0.0000001");

	auto ele = doc.find("/gpx/trk/trkseg/trkpt/ele");
	ASSERT_EQ(ele.size(), 3u);
	EXPECT_EQ(parseDouble(ele[0]->text), -20.184);
	EXPECT_EQ(parseDouble(ele[1]->text), 12.5);

	// Only the points with UTC have a time; the third is rounded to milliseconds.
	auto times = doc.find("/gpx/trk/trkseg/trkpt/time");
	ASSERT_EQ(times.size(), 2u);
	EXPECT_EQ(times[0]->text, "2017-04-17T17:31:03.000Z");
	EXPECT_EQ(times[1]->text, "2017-04-17T17:31:03.111Z");
	EXPECT_EQ(trkpts[1]->children, (std::vector<std::string>{ "ele", "fix" }));

	auto fixes = doc.find("/gpx/trk/trkseg/trkpt/fix");
	ASSERT_EQ(fixes.size(), 3u);
	EXPECT_EQ(fixes[0]->text, "3d");
	EXPECT_EQ(fixes[1]->text, "2d");
	EXPECT_EQ(fixes[2]->text, "none");

	auto pdops = doc.find("/gpx/trk/trkseg/trkpt/pdop");
	ASSERT_EQ(pdops.size(), 2u);
	EXPECT_EQ(parseDouble(pdops[0]->text), 1.5);
	EXPECT_EQ(parseDouble(pdops[1]->text), 99.99);
}

TEST(GpxWriter, NameWithControlCharactersAndBadUtf8StaysWellFormed)
{
	// GMarkup rejects invalid UTF-8 and bare control characters, so parsing proves they were replaced.
	const std::string name = std::string("bad\x01name\xff\xc3(") + "\xc3\xa9t\xc3\xa9";
	XmlDoc doc = parseXml(writeAll(GpsFormat::Gpx, name, {}));
	auto names = doc.find("/gpx/trk/name");
	ASSERT_EQ(names.size(), 1u);
	EXPECT_EQ(names[0]->text, "bad\xef\xbf\xbdname\xef\xbf\xbd\xef\xbf\xbd(\xc3\xa9t\xc3\xa9");
	// An empty track is still a valid file with one empty segment.
	EXPECT_EQ(doc.find("/gpx/trk/trkseg").size(), 1u);
	EXPECT_TRUE(doc.find("/gpx/trk/trkseg/trkpt").empty());
}

TEST(KmlWriter, TrackWithTimes)
{
	const auto points = samplePoints();
	XmlDoc doc = parseXml(writeAll(GpsFormat::Kml, "hero5 & co", points));
	ASSERT_FALSE(doc.elements.empty());
	EXPECT_EQ(doc.elements[0].name, "kml");
	EXPECT_EQ(doc.elements[0].attributes["xmlns"], "http://www.opengis.net/kml/2.2");
	EXPECT_EQ(doc.elements[0].attributes["xmlns:gx"], "http://www.google.com/kml/ext/2.2");
	ASSERT_EQ(doc.find("/kml/Document/name").size(), 1u);
	EXPECT_EQ(doc.find("/kml/Document/name")[0]->text, "hero5 & co");

	auto tracks = doc.find("/kml/Document/Placemark/gx:Track");
	ASSERT_EQ(tracks.size(), 1u);
	auto mode = doc.find("/kml/Document/Placemark/gx:Track/altitudeMode");
	ASSERT_EQ(mode.size(), 1u);
	EXPECT_EQ(mode[0]->text, "absolute");

	// One <when> and one <gx:coord> per point, alternating, so the n-th time goes with the n-th position.
	const auto &children = tracks[0]->children;
	ASSERT_EQ(children.size(), 1 + 2 * points.size());
	for (std::size_t i = 0; i < points.size(); i++) {
		EXPECT_EQ(children[1 + 2 * i], "when");
		EXPECT_EQ(children[2 + 2 * i], "gx:coord");
	}
	auto whens = doc.find("/kml/Document/Placemark/gx:Track/when");
	auto coords = doc.find("/kml/Document/Placemark/gx:Track/gx:coord");
	ASSERT_EQ(whens.size(), 3u);
	ASSERT_EQ(coords.size(), 3u);
	EXPECT_EQ(whens[0]->text, "2017-04-17T17:31:03.000Z");
	EXPECT_EQ(whens[1]->text, "");
	EXPECT_EQ(whens[2]->text, "2017-04-17T17:31:03.111Z");
	for (std::size_t i = 0; i < points.size(); i++) {
		// gx:coord is "lon lat alt", separated by spaces.
		std::istringstream in(coords[i]->text);
		std::string lon, lat, alt, extra;
		in >> lon >> lat >> alt;
		EXPECT_FALSE(in >> extra);
		EXPECT_EQ(parseDouble(lon), points[i].lon);
		EXPECT_EQ(parseDouble(lat), points[i].lat);
		EXPECT_EQ(parseDouble(alt), points[i].alt);
	}
}

TEST(CsvWriter, HeaderWithUnitsAndEmptyUnknowns)
{
	const auto points = samplePoints();
	const auto lines = splitLines(writeAll(GpsFormat::Csv, "ignored", points));
	ASSERT_EQ(lines.size(), 1 + points.size());
	EXPECT_EQ(lines[0], "time_s,utc,lat_deg,lon_deg,alt_m,speed2d_mps,speed3d_mps,fix,dop");
	for (std::size_t i = 0; i < points.size(); i++) {
		const auto cells = splitCells(lines[1 + i]);
		ASSERT_EQ(cells.size(), 9u) << lines[1 + i];
		EXPECT_EQ(parseDouble(cells[0]), recordedSeconds(points[i].time)); // to the ns, as in the records
		EXPECT_EQ(parseDouble(cells[2]), points[i].lat);
		EXPECT_EQ(parseDouble(cells[3]), points[i].lon);
		EXPECT_EQ(parseDouble(cells[4]), points[i].alt);
		EXPECT_EQ(parseDouble(cells[5]), points[i].speed2d);
		EXPECT_EQ(parseDouble(cells[6]), points[i].speed3d);
		EXPECT_EQ(parseDouble(cells[7]), points[i].fix);
	}
	const auto a = splitCells(lines[1]), b = splitCells(lines[2]), c = splitCells(lines[3]);
	EXPECT_EQ(a[1], "2017-04-17T17:31:03.000Z");
	EXPECT_EQ(a[8], "1.5");
	EXPECT_EQ(b[1], "");  // no UTC
	EXPECT_EQ(b[8], "");  // no DOP
	EXPECT_EQ(c[1], "2017-04-17T17:31:03.111Z");
	EXPECT_EQ(c[2], "-0.0000001");

	GpsPoint unknown = points[0];
	unknown.fix = -1;
	unknown.time = kNaN;
	const auto d = splitCells(splitLines(writeAll(GpsFormat::Csv, "", { unknown }))[1]);
	EXPECT_EQ(d[0], "");
	EXPECT_EQ(d[7], "");
}

TEST(GeoJsonWriter, FeatureCollectionOfPoints)
{
	const auto points = samplePoints();
	const std::string text = writeAll(GpsFormat::GeoJson, "hero5", points);

	JsonParser *parser = json_parser_new();
	GError *error = nullptr;
	ASSERT_TRUE(json_parser_load_from_data(parser, text.data(), gssize(text.size()), &error))
		<< (error ? error->message : "") << "\n" << text;
	JsonObject *root = json_node_get_object(json_parser_get_root(parser));
	ASSERT_NE(root, nullptr);
	EXPECT_STREQ(json_object_get_string_member(root, "type"), "FeatureCollection");
	EXPECT_STREQ(json_object_get_string_member(root, "name"), "hero5");
	JsonArray *features = json_object_get_array_member(root, "features");
	ASSERT_NE(features, nullptr);
	ASSERT_EQ(json_array_get_length(features), points.size());

	for (guint i = 0; i < points.size(); i++) {
		JsonObject *f = json_array_get_object_element(features, i);
		EXPECT_STREQ(json_object_get_string_member(f, "type"), "Feature");
		JsonObject *geometry = json_object_get_object_member(f, "geometry");
		EXPECT_STREQ(json_object_get_string_member(geometry, "type"), "Point");
		JsonArray *coords = json_object_get_array_member(geometry, "coordinates");
		ASSERT_EQ(json_array_get_length(coords), 3u);
		// RFC 7946 §3.1.1: longitude, latitude, altitude.
		EXPECT_EQ(json_array_get_double_element(coords, 0), points[i].lon);
		EXPECT_EQ(json_array_get_double_element(coords, 1), points[i].lat);
		EXPECT_EQ(json_array_get_double_element(coords, 2), points[i].alt);

		JsonObject *props = json_object_get_object_member(f, "properties");
		EXPECT_EQ(json_object_get_double_member(props, "time"), recordedSeconds(points[i].time));
		EXPECT_EQ(json_object_get_double_member(props, "speed2d"), points[i].speed2d);
		EXPECT_EQ(json_object_get_double_member(props, "speed3d"), points[i].speed3d);
		EXPECT_EQ(json_node_get_int(json_object_get_member(props, "fix")), points[i].fix);
	}
	JsonObject *p0 = json_object_get_object_member(json_array_get_object_element(features, 0), "properties");
	JsonObject *p1 = json_object_get_object_member(json_array_get_object_element(features, 1), "properties");
	EXPECT_STREQ(json_object_get_string_member(p0, "utc"), "2017-04-17T17:31:03.000Z");
	EXPECT_EQ(json_object_get_double_member(p0, "dop"), 1.5);
	EXPECT_TRUE(json_object_get_null_member(p1, "utc"));
	EXPECT_TRUE(json_object_get_null_member(p1, "dop"));
	g_object_unref(parser);
}

TEST(GeoJsonWriter, EmptyTrackIsValid)
{
	const std::string text = writeAll(GpsFormat::GeoJson, "", {});
	JsonParser *parser = json_parser_new();
	ASSERT_TRUE(json_parser_load_from_data(parser, text.data(), gssize(text.size()), nullptr)) << text;
	JsonObject *root = json_node_get_object(json_parser_get_root(parser));
	EXPECT_FALSE(json_object_has_member(root, "name"));
	EXPECT_EQ(json_array_get_length(json_object_get_array_member(root, "features")), 0u);
	g_object_unref(parser);
}

// The caller may flush and clear the string between calls: the pieces add up to the same file,
// and each point adds a bounded amount of text whatever came before.
TEST(GpsWriters, StreamingPiecesAddUp)
{
	const auto points = samplePoints();
	for (GpsFormat format : { GpsFormat::Gpx, GpsFormat::Kml, GpsFormat::Csv, GpsFormat::GeoJson }) {
		auto writer = makeGpsWriter(format);
		ASSERT_TRUE(writer);
		std::string out, file;
		writer->begin(out, "t");
		file += out;
		std::size_t largest = 0;
		for (int round = 0; round < 100; round++) {
			for (const GpsPoint &p : points) {
				out.clear();
				writer->add(out, p);
				largest = std::max(largest, out.size());
				file += out;
			}
		}
		out.clear();
		writer->end(out);
		file += out;
		EXPECT_LT(largest, 400u);

		std::vector<GpsPoint> many;
		for (int round = 0; round < 100; round++)
			many.insert(many.end(), points.begin(), points.end());
		auto whole = makeGpsWriter(format);
		std::string expected;
		whole->begin(expected, "t");
		for (const GpsPoint &p : many)
			whole->add(expected, p);
		whole->end(expected);
		EXPECT_EQ(file, expected);
	}
}

} // namespace
} // namespace gpmf
