// SPDX-License-Identifier: LGPL-2.1-or-later
// Payload decoding (devices, streams, sticky metadata, scaling, axis remapping) and the stateful
// Decoder that adds times, measured rates, GPS UTC and filters.
#include "gpmf/decoder.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "gpmf/gps.h"
#include "gpmf/klv.h"
#include "names.h"
#include "precision.h"

namespace gpmf {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Keys that describe data rather than being data (GPMF property hierarchy). A STRM whose last
// KLV is one of these holds no samples.
bool isModifierKey(FourCC key) noexcept
{
	static constexpr FourCC kModifiers[] = {
		FourCC("STNM"), FourCC("RMRK"), FourCC("SCAL"), FourCC("SIUN"), FourCC("UNIT"), FourCC("TYPE"),
		FourCC("TSMP"), FourCC("TIMO"), FourCC("EMPT"), FourCC("TICK"), FourCC("TOCK"), FourCC("STMP"),
		FourCC("ORIN"), FourCC("ORIO"), FourCC("MTRX"), FourCC("QUAN"), FourCC("VERS"), FourCC("FREE"),
		FourCC("DVID"), FourCC("DVNM"),
	};
	return std::find(std::begin(kModifiers), std::end(kModifiers), key) != std::end(kModifiers);
}

std::string joinPath(const std::string &parent, FourCC key)
{
	return parent.empty() ? key.str() : parent + "/" + key.str();
}

struct Context {
	const DecodeOptions &options;
	Payload &payload;
	// Lists of KLVs, reused stream after stream (each would be an allocation per stream).
	std::vector<Klv> children, data, streams;
	Values extraSlot; ///< the second and later data KLVs of a multi-sample stream

	void report(Diagnostic d, const std::string &path)
	{
		if (d.path.empty())
			d.path = path;
		else if (!path.empty() && d.path.find('/') == std::string::npos)
			d.path = path + "/" + d.path;
		payload.diagnostics.push_back(std::move(d));
	}
	// Walks the children of a nested KLV, reporting a malformed tail.
	template<typename Fn>
	void forEachChild(const Klv &parent, const std::string &path, Fn &&fn)
	{
		KlvWalker walker(parent.data, parent.offset + kKlvHeaderSize);
		while (auto child = walker.next())
			fn(*child);
		if (walker.error())
			report(*walker.error(), path);
	}
};

// A count or timestamp as uint64: negative values clamp to 0; NaN and values of 2^64 or more
// (converting those is undefined behaviour) are no count at all.
std::optional<std::uint64_t> toUint64(double v) noexcept
{
	if (std::isnan(v) || v >= 18446744073709551616.0)
		return std::nullopt;
	return v <= 0 ? 0 : std::uint64_t(v);
}

bool wanted(const std::vector<FourCC> &filter, FourCC key)
{
	return filter.empty() || std::find(filter.begin(), filter.end(), key) != filter.end();
}

// Element `n` of `list`, added when the list is shorter: the decoder fills the devices, streams
// and properties of the payload before in place, so their memory serves again.
template<typename T>
T &reuse(std::vector<T> &list, std::size_t n)
{
	if (n == list.size())
		list.emplace_back();
	return list[n];
}

// Drops what the payload before had beyond the first `n`.
template<typename T>
void keepFirst(std::vector<T> &list, std::size_t n)
{
	if (list.size() > n)
		list.erase(list.begin() + std::ptrdiff_t(n), list.end());
}

// Whether the samples of `b` can follow those of `a`: text and numbers in the same places.
bool sameLayout(const Values &a, const Values &b)
{
	if (a.fields.size() != b.fields.size())
		return false;
	for (std::size_t f = 0; f < a.fields.size(); f++)
		if (a.isTextField(f) != b.isTextField(f))
			return false;
	return true;
}

// Divides each numeric field by its SCAL entry: one value for all fields, or one per field.
void applyScale(Values &v, const std::vector<double> &scale)
{
	if (scale.empty() || v.numericFieldCount() == 0)
		return;
	std::vector<double> divisor(v.numericFieldCount(), 1.0);
	for (std::size_t f = 0; f < v.fields.size(); f++)
		if (!v.isTextField(f))
			divisor[v.slotOf(f)] = detail::fieldDivisor(scale, f);
	const std::size_t n = divisor.size();
	bool uniform = std::all_of(divisor.begin(), divisor.end(), [&](double d) { return d == divisor[0]; });
	if (uniform) {
		if (divisor[0] == 1.0)
			return;
		const double d = divisor[0];
		for (double &x : v.numbers)
			x /= d;
		return;
	}
	for (std::size_t i = 0; i < v.numbers.size(); i++)
		v.numbers[i] /= divisor[i % n];
}

// Maps sensor channels to output channels: MTRX (n×n, row-major, out = M·in) when present,
// else the ORIN→ORIO letter permutation, lower case meaning a negated axis.
// `precision` (per field) follows the fields it came from; an output mixing several inputs has no
// sensor precision of its own and is written in the shortest form.
bool remapAxes(Values &v, std::vector<std::int8_t> &precision, const std::vector<double> &mtrx,
	       std::string_view orin, std::string_view orio)
{
	const std::size_t n = v.fields.size();
	if (n == 0 || v.textFieldCount() != 0)
		return false;
	// The matrix on the stack for the usual 3 or 4 axes (every payload remaps ACCL and GYRO).
	constexpr std::size_t kSmall = 16;
	std::array<double, kSmall * kSmall> small{};
	std::vector<double> large;
	double *m = small.data();
	if (n > kSmall) {
		large.assign(n * n, 0.0);
		m = large.data();
	}
	if (mtrx.size() == n * n) {
		std::copy(mtrx.begin(), mtrx.end(), m);
	} else if (orin.size() == n && orio.size() == n) {
		for (std::size_t o = 0; o < n; o++) {
			const int want = std::toupper(static_cast<unsigned char>(orio[o]));
			std::size_t i = 0;
			while (i < n && std::toupper(static_cast<unsigned char>(orin[i])) != want)
				i++;
			if (i == n)
				return false;
			const bool sameSign = bool(std::isupper(static_cast<unsigned char>(orin[i]))) ==
					      bool(std::isupper(static_cast<unsigned char>(orio[o])));
			m[o * n + i] = sameSign ? 1.0 : -1.0;
		}
	} else {
		return false;
	}
	// Each output's one source when it is a plain ±1 copy of an input (always for ORIN/ORIO):
	// the precision follows it, and such a remap is applied as copies (up to kSmall axes).
	std::vector<std::int8_t> remapped(n, kPrecisionShortest);
	std::array<std::size_t, kSmall> source{};
	bool permutation = n <= kSmall;
	for (std::size_t o = 0; o < n; o++) {
		std::size_t sources = 0, from = 0;
		for (std::size_t i = 0; i < n; i++)
			if (m[o * n + i] != 0) {
				sources++;
				from = i;
			}
		const bool copy = sources == 1 && std::fabs(m[o * n + from]) == 1;
		if (copy && precision.size() == n)
			remapped[o] = precision[from];
		if (o < kSmall)
			source[o] = from;
		permutation = permutation && copy;
	}
	if (precision.size() == n)
		precision = std::move(remapped);
	if (permutation) {
		// out = ±in[source], + 0.0 as the matrix product's sum gives +0 for a negated 0.
		std::array<double, kSmall> in{};
		for (std::size_t s = 0; s < v.sampleCount; s++) {
			double *row = v.numbers.data() + s * n;
			std::copy(row, row + n, in.begin());
			for (std::size_t o = 0; o < n; o++)
				row[o] = m[o * n + source[o]] * in[source[o]] + 0.0;
		}
		return true;
	}
	std::vector<double> in(n);
	for (std::size_t s = 0; s < v.sampleCount; s++) {
		double *row = v.numbers.data() + s * n;
		std::copy(row, row + n, in.begin());
		for (std::size_t o = 0; o < n; o++) {
			double acc = 0;
			for (std::size_t i = 0; i < n; i++)
				acc += m[o * n + i] * in[i];
			row[o] = acc;
		}
	}
	return true;
}

// Everything a Stream holds from the payload before, emptied; its memory stays.
void resetStream(Stream &s)
{
	s.name.clear();
	// s.values is decoded into (its sizes kept: resizing to the same size writes nothing)
	s.slotSizes.clear();
	s.times.clear();
	s.utc.clear();
	s.tsmp.reset();
	s.stmp.reset();
	s.timo = 0;
	s.rate = 0;
	s.raw = false;
}

// A KLV as Property::decodedFrom keeps it: what decodeValues() reads of it (and its key).
constexpr std::size_t kSourceHead = 4 + 1 + 1 + 2;

void writeSourceHead(char *out, const Klv &k) noexcept
{
	const std::uint32_t key = k.key.value();
	std::memcpy(out, &key, 4);
	out[4] = k.type;
	out[5] = char(k.structSize);
	std::memcpy(out + 6, &k.repeat, 2);
}

bool isSource(const std::string &source, const Klv &k) noexcept
{
	if (source.size() != kSourceHead + k.data.size())
		return false;
	char head[kSourceHead];
	writeSourceHead(head, k);
	return std::memcmp(source.data(), head, kSourceHead) == 0 &&
	       (k.data.empty() || std::memcmp(source.data() + kSourceHead, k.data.data(), k.data.size()) == 0);
}

void setSource(std::string &source, const Klv &k)
{
	source.resize(kSourceHead + k.data.size());
	writeSourceHead(source.data(), k);
	if (!k.data.empty())
		std::memcpy(source.data() + kSourceHead, k.data.data(), k.data.size());
}

// Decodes a STRM into `stream` (a Stream of the payload before, reused); false when it is left
// out (filtered).
bool decodeStream(Context &ctx, const Klv &strm, const std::string &parentPath, Device &device, Stream &stream)
{
	const std::string path = joinPath(parentPath, strm.key);
	std::vector<Klv> &children = ctx.children;
	children.clear();
	ctx.forEachChild(strm, path, [&](const Klv &k) { children.push_back(k); });

	resetStream(stream);
	// The data is the last KLV of the nest; multi-sample streams repeat its key.
	const Klv *last = nullptr;
	for (auto it = children.rbegin(); it != children.rend(); ++it)
		if (!isModifierKey(it->key) || it->type == '?') {
			last = &*it;
			break;
		}
	stream.key = last ? last->key : FourCC("STRM");
	if (!wanted(ctx.options.streams, stream.key))
		return false;

	std::string complexType;
	// SCAL and MTRX stay in `sticky`; their places there, read once every KLV is in.
	std::size_t scaleAt = SIZE_MAX, mtrxAt = SIZE_MAX;
	std::string orin, orio;
	std::size_t sticky = 0, dataCount = 0;
	bool haveUnits = false, haveSiUnits = false;
	std::uint8_t unitStructSize = 0;
	for (const auto &k : children) {
		if (last && k.key == last->key) {
			dataCount++;
			continue;
		}
		if (k.isNested()) {
			// Nothing else is nested inside a STRM.
			ctx.report(Diagnostic{Errc::BadStructure, k.offset, k.key.str(), "nested KLV not understood here"}, path);
			continue;
		}
		Property &property = reuse(stream.sticky, sticky);
		// Most metadata (names, units, scales) is the same in every payload.
		if (!isSource(property.decodedFrom, k)) {
			if (auto error = decodeValuesInto(property.values, k)) {
				property.decodedFrom.clear();
				ctx.report(*error, path);
				continue;
			}
			setSource(property.decodedFrom, k);
		}
		const Values &v = property.values;
		const FourCC key = k.key;
		property.key = key;
		// One string (SIUN "m/s²") applies to every field; fixed-width arrays give one unit per field.
		if (key == FourCC("STNM"))
			v.joinedTextInto(stream.name);
		else if (key == FourCC("SIUN")) {
			stream.units = v.texts;
			unitStructSize = k.structSize;
			haveUnits = haveSiUnits = true;
		} else if (key == FourCC("UNIT")) {
			if (!haveSiUnits) {
				stream.units = v.texts;
				unitStructSize = k.structSize;
				haveUnits = true;
			}
		} else if (key == FourCC("TYPE"))
			v.joinedTextInto(complexType);
		else if (key == FourCC("SCAL"))
			scaleAt = sticky;
		else if (key == FourCC("MTRX"))
			mtrxAt = sticky;
		else if (key == FourCC("ORIN"))
			v.joinedTextInto(orin);
		else if (key == FourCC("ORIO"))
			v.joinedTextInto(orio);
		else if (key == FourCC("TSMP") && !v.numbers.empty())
			stream.tsmp = toUint64(v.numbers[0]);
		else if (key == FourCC("STMP") && !v.numbers.empty())
			stream.stmp = toUint64(v.numbers[0]);
		else if (key == FourCC("TIMO") && !v.numbers.empty() && std::isfinite(v.numbers[0]))
			stream.timo = v.numbers[0];
		sticky++;
	}
	keepFirst(stream.sticky, sticky);
	if (!haveUnits)
		stream.units.clear();

	// Nested data (FACE with TICK/TOCK inside) holds the real data KLVs one level down.
	std::vector<Klv> &flattened = ctx.data;
	flattened.clear();
	flattened.reserve(dataCount);
	for (const Klv &k : children) {
		if (!last || k.key != last->key)
			continue;
		if (!k.isNested()) {
			flattened.push_back(k);
			continue;
		}
		const std::string inner = joinPath(path, k.key);
		ctx.forEachChild(k, inner, [&](const Klv &c) {
			if (c.key == k.key && !c.isNested())
				flattened.push_back(c);
			else if (c.isNested())
				ctx.report(Diagnostic{Errc::TooDeep, c.offset, c.key.str(), "nested deeper than the data level"}, inner);
		});
	}

	// Each data KLV of a multi-sample stream is one time slot of several items (GPMF spec,
	// "Multi-sample and Non-periodic data"); FACE, SCEN and HUES are such streams even when a
	// payload holds a single slot.
	const bool grouped = flattened.size() > 1 || stream.key == FourCC("FACE") || stream.key == FourCC("SCEN") ||
			     stream.key == FourCC("HUES");
	bool first = true;
	for (const Klv &k : flattened) {
		// The first decodes straight into the stream; later slots are appended to it.
		Values &slot = first ? stream.values : ctx.extraSlot;
		if (auto error = decodeValuesInto(slot, k, complexType)) {
			if (error->code == Errc::Unsupported)
				ctx.payload.unsupported.push_back(joinPath(path, k.key));
			ctx.report(*error, path);
			continue;
		}
		if (first) {
			first = false;
		} else if (sameLayout(slot, stream.values)) {
			stream.values.append(slot);
		} else {
			ctx.report(Diagnostic{Errc::BadSize, k.offset, {}, "layout differs from the first sample"},
				   joinPath(path, k.key));
			continue;
		}
		if (grouped)
			stream.slotSizes.push_back(slot.sampleCount);
	}
	if (first) // no data KLV decoded: no fields either
		stream.values = Values{};

	// Karma writes one-letter units per field as a single string (UNIT 'c' 1 2 "ss" for TYPE "JJ").
	const std::size_t nFields = stream.values.fields.size();
	if (unitStructSize == 1 && stream.units.size() == 1 && nFields > 1 && stream.units[0].size() == nFields) {
		const std::string joined = std::move(stream.units[0]);
		stream.units.clear();
		for (char c : joined)
			stream.units.emplace_back(1, c);
	}

	stream.raw = ctx.options.raw;
	bool remapped = false;
	static const std::vector<double> kNone;
	const std::vector<double> &scale = scaleAt < stream.sticky.size() ? stream.sticky[scaleAt].values.numbers : kNone;
	const std::vector<double> &mtrx = mtrxAt < stream.sticky.size() ? stream.sticky[mtrxAt].values.numbers : kNone;
	if (!stream.raw) {
		stream.precision = detail::scaledPrecision(stream.values, scale);
		applyScale(stream.values, scale);
		remapped = remapAxes(stream.values, stream.precision, mtrx, orin, orio);
	} else {
		stream.precision = detail::scaledPrecision(stream.values, {});
	}
	const std::string_view order = stream.raw ? std::string_view(orin) : remapped ? std::string_view(orio) : orin;
	stream.fields = detail::fieldNames(stream.key, stream.values.fields.size(), order, device.name, stream.name);
	// Cameras that wrote no STNM or SIUN/UNIT: the documentation's name and unit.
	if (stream.name.empty())
		stream.name = detail::documentedName(stream.key);
	if (stream.units.empty())
		if (const std::string_view unit = detail::documentedUnit(stream.key); !unit.empty())
			stream.units.assign(1, std::string(unit));
	return true;
}

bool deviceWanted(const DecodeOptions &options, const Device &device)
{
	if (options.devices.empty())
		return true;
	const std::string id = device.idString();
	return std::any_of(options.devices.begin(), options.devices.end(),
			   [&](const std::string &d) { return d == id || d == device.name; });
}

// Decodes a DEVC into `device` (a Device of the payload before, reused); false when it is left
// out (filtered).
bool decodeDevice(Context &ctx, const Klv &devc, Device &device)
{
	const std::string path = devc.key.str();
	device.id = 0;
	device.idText.clear();
	device.name.clear();
	std::size_t properties = 0;
	std::vector<Klv> &streams = ctx.streams;
	streams.clear();
	ctx.forEachChild(devc, path, [&](const Klv &k) {
		if (k.key == FourCC("STRM") && k.isNested()) {
			streams.push_back(k);
			return;
		}
		if (k.isNested()) {
			ctx.report(Diagnostic{Errc::BadStructure, k.offset, k.key.str(), "nested KLV not understood in a DEVC"}, path);
			return;
		}
		Property &property = reuse(device.properties, properties);
		if (auto error = decodeValuesInto(property.values, k)) {
			ctx.report(*error, path);
			return;
		}
		const Values &v = property.values;
		if (k.key == FourCC("DVID")) {
			if (k.type == 'F' || v.textFieldCount()) {
				v.joinedTextInto(device.idText);
			} else {
				// clamp() passes NaN through, and converting NaN is undefined: no number, no id.
				const double id = v.firstNumber();
				device.id = std::isnan(id) ? 0 : std::uint32_t(std::clamp(id, 0.0, 4294967295.0));
			}
		} else if (k.key == FourCC("DVNM")) {
			v.joinedTextInto(device.name);
		} else {
			property.key = k.key;
			properties++;
		}
	});
	keepFirst(device.properties, properties);
	if (!deviceWanted(ctx.options, device))
		return false;
	std::size_t kept = 0; // decodeStream() uses ctx.children and ctx.data, never ctx.streams
	for (std::size_t i = 0; i < streams.size(); i++)
		kept += decodeStream(ctx, streams[i], path, device, reuse(device.streams, kept));
	keepFirst(device.streams, kept);
	return true;
}

// Position of a named numeric field, or -1 (a TYPE may make any field text).
int fieldIndex(const Stream &s, std::string_view name)
{
	for (std::size_t i = 0; i < s.fields.size(); i++)
		if (s.fields[i] == name)
			return i < s.values.fields.size() && !s.values.isTextField(i) ? int(i) : -1;
	return -1;
}

// A numeric field in output units, whether or not the values were left raw.
double scaledNumber(const Stream &s, std::size_t sample, std::size_t field)
{
	const double v = s.values.number(sample, field);
	if (s.raw)
		if (const Property *scal = s.findSticky(FourCC("SCAL")))
			return v / detail::fieldDivisor(scal->values.numbers, field); // as applyScale() does
	return v;
}

void assignGpsUtc(Stream &s)
{
	const std::size_t n = s.slotCount();
	if (s.key == FourCC("GPS9")) {
		const int days = fieldIndex(s, "days"), secs = fieldIndex(s, "secs");
		if (days < 0 || secs < 0 || s.isGrouped())
			return;
		s.utc.resize(n);
		for (std::size_t i = 0; i < n; i++)
			s.utc[i] = gps9Utc(scaledNumber(s, i, days), scaledNumber(s, i, secs));
	} else if (s.key == FourCC("GPS5")) {
		s.utc.assign(n, kNaN); // timeGps5() times them
	}
}

/*
 * GPS5's UTC comes from one GPSU per payload, which cameras get wrong: garbage before a lock,
 * a repeat or a step back, and on HERO11 a time 1.4 s off the GPS9 fixes of the same payload.
 * GPS9 gives each fix its own time, so where the device wrote both with the same fixes, GPS5
 * takes GPS9's times; otherwise a GPSU that cannot be right leaves the payload's GPS5 without
 * UTC, with a diagnostic, rather than with a wrong time. A GPSU that passes goes to the stream's
 * GpsClock, which times each fix and keeps UTC from going back.
 */
constexpr double kFirstGpmfYear = 1451606400; // 2016-01-01T00:00:00Z

void timeGps5(Stream &s, const std::vector<double> *gps9Utc, double &lastGpsu, double before, GpsClock &clock,
	      std::vector<Diagnostic> &diagnostics)
{
	std::vector<std::string> problems;
	const auto report = [&](const char *path) {
		for (auto &why : problems)
			diagnostics.push_back(Diagnostic{Errc::BadTime, 0, path, std::move(why)});
	};
	const bool gps9Times = gps9Utc && gps9Utc->size() == s.utc.size() && !s.utc.empty() && std::isfinite(gps9Utc->front());
	if (gps9Times) {
		s.utc = *gps9Utc;
		clock.keepOrder(s.utc, problems);
		return report("STRM/GPS5");
	}
	const Property *gpsu = s.findSticky(FourCC("GPSU"));
	if (!gpsu || gpsu->values.texts.empty() || s.utc.empty())
		return;
	const auto fail = [&](std::string why) {
		s.utc.assign(s.utc.size(), kNaN);
		diagnostics.push_back(Diagnostic{Errc::BadTime, 0, "STRM/GPS5/GPSU", std::move(why)});
	};
	const std::string &text = gpsu->values.texts[0];
	const std::optional<double> t = parseGpsu(text);
	if (!t)
		return fail("GPSU \"" + text + "\" is not a time; the GPS5 samples of this payload have no UTC");
	// The first GPMF cameras (HERO5) came out in 2016: an earlier date is a clock never set
	// (2015-10-18 is a camera's default before its first lock).
	if (*t < kFirstGpmfYear)
		return fail("GPSU " + text + " is before 2016, before any GPMF camera (a clock not set yet); "
			    "the GPS5 samples of this payload have no UTC");
	if (std::isfinite(lastGpsu) && *t <= lastGpsu)
		return fail("GPSU " + text + (*t == lastGpsu ? " repeats" : " goes back from the previous payload's") +
			    "; the GPS5 samples of this payload have no UTC");
	lastGpsu = *t;
	if (gps9Utc && !gps9Utc->empty() && std::isfinite(gps9Utc->front()) && std::abs(gps9Utc->front() - *t) > 2.0)
		return fail("GPSU " + text + " is " + std::to_string(int(std::lround(gps9Utc->front() - *t))) +
			    " s off the GPS9 time of the same payload; the GPS5 samples of this payload have no UTC");
	clock.time(*t, std::span<const double>(s.times.data(), s.utc.size()), s.stmp, before, s.utc, problems);
	report("STRM/GPS5/GPSU");
}

void keepGps9InOrder(Stream &s, GpsClock &clock, std::vector<Diagnostic> &diagnostics)
{
	std::vector<std::string> problems;
	clock.keepOrder(s.utc, problems);
	for (auto &why : problems)
		diagnostics.push_back(Diagnostic{Errc::BadTime, 0, "STRM/GPS9", std::move(why)});
}

// Keeps only the slots for which keep(i) is true (ungrouped streams).
template<typename Keep>
void filterSlots(Stream &s, Keep keep)
{
	if (s.isGrouped())
		return;
	const std::size_t nNum = s.values.numericFieldCount(), nText = s.values.textFieldCount();
	std::size_t out = 0;
	for (std::size_t i = 0; i < s.values.sampleCount; i++) {
		if (!keep(i))
			continue;
		if (out != i) {
			std::copy_n(s.values.numbers.begin() + i * nNum, nNum, s.values.numbers.begin() + out * nNum);
			for (std::size_t t = 0; t < nText; t++)
				s.values.texts[out * nText + t] = std::move(s.values.texts[i * nText + t]);
			if (i < s.times.size())
				s.times[out] = s.times[i];
			if (i < s.utc.size())
				s.utc[out] = s.utc[i];
		}
		out++;
	}
	s.values.sampleCount = std::uint32_t(out);
	s.values.numbers.resize(out * nNum);
	s.values.texts.resize(out * nText);
	if (s.times.size() > out)
		s.times.resize(out);
	if (s.utc.size() > out)
		s.utc.resize(out);
}

void applyGpsFilters(Stream &s, const DecodeOptions &o)
{
	if (o.minGpsFix <= 0 && o.maxGpsDop <= 0)
		return;
	if (s.key == FourCC("GPS5")) {
		const Property *gpsf = s.findSticky(FourCC("GPSF"));
		const Property *gpsp = s.findSticky(FourCC("GPSP"));
		const double fix = gpsf ? gpsf->values.firstNumber(-1) : -1;
		const double dop = gpsp ? gpsp->values.firstNumber(-1) / 100.0 : -1;
		const bool keep = (o.minGpsFix <= 0 || fix >= o.minGpsFix) && (o.maxGpsDop <= 0 || (dop >= 0 && dop <= o.maxGpsDop));
		if (!keep)
			filterSlots(s, [](std::size_t) { return false; });
	} else if (s.key == FourCC("GPS9")) {
		const int fix = fieldIndex(s, "fix"), dop = fieldIndex(s, "dop");
		if (fix < 0 || dop < 0)
			return;
		filterSlots(s, [&](std::size_t i) {
			return (o.minGpsFix <= 0 || scaledNumber(s, i, fix) >= o.minGpsFix) &&
			       (o.maxGpsDop <= 0 || scaledNumber(s, i, dop) <= o.maxGpsDop);
		});
	}
}

// Great-circle distance in metres (haversine; a sphere of the WGS84 mean radius is enough to
// tell a jump of kilometres from a ride).
double groundDistance(double lat1, double lon1, double lat2, double lon2)
{
	constexpr double kRadius = 6371008.8, kRad = 3.14159265358979323846 / 180;
	const double dLat = (lat2 - lat1) * kRad, dLon = (lon2 - lon1) * kRad;
	const double a = std::sin(dLat / 2) * std::sin(dLat / 2) +
			 std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dLon / 2) * std::sin(dLon / 2);
	return 2 * kRadius * std::asin(std::min(1.0, std::sqrt(a)));
}

bool possible(const GpsJumpFilter::Point &from, const GpsJumpFilter::Point &to, double maxSpeed)
{
	const double dt = std::abs(to.time - from.time);
	// Within the receiver's own noise (a few metres) any step is possible, even at dt = 0.
	return groundDistance(from.lat, from.lon, to.lat, to.lon) <= maxSpeed * dt + 10.0;
}

// Drops the GPS points that jump impossibly far (maxGpsSpeed); returns how many.
std::size_t dropGpsJumps(Stream &s, GpsJumpFilter &filter, double maxSpeed)
{
	if (maxSpeed <= 0 || (s.key != FourCC("GPS5") && s.key != FourCC("GPS9")) || s.isGrouped() ||
	    s.values.numericFieldCount() < 2)
		return 0;
	const std::size_t before = s.slotCount();
	filterSlots(s, [&](std::size_t i) {
		const GpsJumpFilter::Point p{scaledNumber(s, i, 0), scaledNumber(s, i, 1),
					     i < s.times.size() ? s.times[i] : 0.0};
		if ((p.lat == 0 && p.lon == 0) || !std::isfinite(p.lat) || !std::isfinite(p.lon))
			return true; // no position: not this filter's business
		return filter.keep(p, maxSpeed);
	});
	return before - s.slotCount();
}

} // namespace

bool GpsJumpFilter::keep(const Point &p, double maxSpeed)
{
	if (!kept || possible(*kept, p, maxSpeed)) {
		kept = p;
		away.clear();
		return true;
	}
	// Three points in a row that agree with each other: the track moved (a tunnel's exit,
	// a receiver that was wrong before): follow them from here.
	if (!away.empty() && !possible(away.back(), p, maxSpeed))
		away.clear();
	away.push_back(p);
	if (away.size() < 3)
		return false;
	kept = p;
	away.clear();
	return true;
}

const Property *Stream::findSticky(FourCC key) const noexcept
{
	for (const auto &p : sticky)
		if (p.key == key)
			return &p;
	return nullptr;
}

std::string Device::idString() const
{
	return idText.empty() ? std::to_string(id) : idText;
}

namespace {

void decodePayloadInto(Payload &payload, std::span<const std::uint8_t> bytes, const DecodeOptions &options)
{
	payload.index = 0;
	payload.pts = kNaN;
	payload.duration = kNaN;
	payload.diagnostics.clear();
	payload.unsupported.clear();
	Context ctx{options, payload, {}, {}, {}, {}};
	std::size_t devices = 0;
	KlvWalker walker(bytes);
	while (auto klv = walker.next()) {
		if (klv->key == FourCC("DEVC") && klv->isNested())
			devices += decodeDevice(ctx, *klv, reuse(payload.devices, devices));
		else
			ctx.report(Diagnostic{Errc::BadStructure, klv->offset, klv->key.str(),
					      "top-level KLV is not a DEVC"},
				   {});
	}
	keepFirst(payload.devices, devices);
	if (walker.error())
		ctx.report(*walker.error(), {});
}

} // namespace

Payload decodePayload(std::span<const std::uint8_t> bytes, const DecodeOptions &options)
{
	Payload payload;
	decodePayloadInto(payload, bytes, options);
	return payload;
}

Decoder::Decoder(DecodeOptions options) : options_(std::move(options)) {}

void Decoder::reset()
{
	nextIndex_ = 0;
	corrupt_ = 0;
	history_.clear();
	historyIndex_.clear();
}

Decoder::StreamHistory &Decoder::historyFor(const Device &device, const Stream &stream)
{
	// Real recordings have a few dozen; a bit-flipped DVID in every payload must not add one each.
	static constexpr std::size_t kMaxStreams = 4096;
	std::string key = device.idString() + "/" + stream.key.str();
	if (history_.size() >= kMaxStreams && !historyIndex_.contains(key)) {
		overflow_ = StreamHistory{};
		return overflow_;
	}
	const auto [it, added] = historyIndex_.try_emplace(key, history_.size());
	if (!added)
		return history_[it->second].second;
	history_.emplace_back(std::move(key), StreamHistory{});
	auto &h = history_.back().second;
	h.summary.device = device.idString();
	h.summary.deviceName = device.name;
	h.summary.key = stream.key;
	h.summary.name = stream.name;
	h.summary.firstUtc = kNaN;
	h.summary.lastUtc = kNaN;
	return h;
}

Payload Decoder::decode(std::span<const std::uint8_t> bytes, double pts, double duration)
{
	Payload payload;
	decodeInto(payload, bytes, pts, duration);
	return payload;
}

void Decoder::decodeInto(Payload &payload, std::span<const std::uint8_t> bytes, double pts, double duration)
{
	decodePayloadInto(payload, bytes, options_);
	payload.index = nextIndex_++;
	payload.pts = pts;
	payload.duration = duration;
	if (!payload.diagnostics.empty())
		corrupt_++;
	const double start = std::isfinite(pts) ? pts : 0.0;
	const double span = std::isfinite(duration) && duration >= 0 ? duration : 0.0;

	for (auto &device : payload.devices) {
		// GPS9 first (before any filter drops fixes): GPS5's UTC is checked against it.
		std::optional<std::vector<double>> gps9Utc;
		for (auto &stream : device.streams)
			if (stream.key == FourCC("GPS9") && !gps9Utc) {
				assignGpsUtc(stream);
				gps9Utc = stream.utc;
			}
		for (auto &stream : device.streams) {
			const std::size_t n = stream.slotCount();
			stream.times.resize(n);
			for (std::size_t i = 0; i < n; i++)
				stream.times[i] = spreadTime(start, span, i, n, stream.timo);

			StreamHistory &h = historyFor(device, stream);
			h.counted += n;
			double total = double(h.counted);
			if (stream.tsmp) {
				total = double(*stream.tsmp) + h.tsmpBase;
				// TSMP going back means a new recording began (chapters or a file looped
				// into one stream): carry on from the samples counted so far.
				if (h.seen && total < h.lastTotal) {
					h.tsmpBase = h.lastTotal + double(n) - double(*stream.tsmp);
					total = h.lastTotal + double(n);
				}
				h.lastTotal = total;
			}
			if (!h.seen)
				h.fit.addStart(start, total - double(n));
			h.fit.add(start + span, total);
			stream.rate = h.fit.rate();

			assignGpsUtc(stream);
			if (stream.key == FourCC("GPS5"))
				timeGps5(stream, gps9Utc ? &*gps9Utc : nullptr, h.lastGpsu, total - double(n), h.gpsClock,
					 payload.diagnostics);
			else if (stream.key == FourCC("GPS9"))
				keepGps9InOrder(stream, h.gpsClock, payload.diagnostics);
			applyGpsFilters(stream, options_);
			h.summary.gpsOutliers += dropGpsJumps(stream, h.gpsJumps, options_.maxGpsSpeed);

			StreamSummary &sum = h.summary;
			const std::size_t kept = stream.slotCount();
			if (kept) {
				if (!h.seen || sum.samples == 0)
					sum.firstTime = stream.times.front();
				sum.lastTime = stream.times[kept - 1];
				for (std::size_t i = 0; i < std::min(kept, stream.utc.size()); i++) {
					if (!std::isfinite(stream.utc[i]))
						continue;
					if (!std::isfinite(sum.firstUtc))
						sum.firstUtc = stream.utc[i];
					sum.lastUtc = stream.utc[i];
				}
			}
			if (sum.name.empty())
				sum.name = stream.name;
			sum.samples += kept;
			sum.rate = stream.rate;
			h.seen = true;
		}
	}
}

Summary Decoder::summary() const
{
	Summary s;
	s.payloads = nextIndex_;
	s.corruptPayloads = corrupt_;
	for (const auto &[key, h] : history_)
		s.streams.push_back(h.summary);
	return s;
}

} // namespace gpmf
