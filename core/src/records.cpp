// SPDX-License-Identifier: LGPL-2.1-or-later
// The NDJSON contract: "header", "payload" and "summary" records, one JSON object per line.

#include "gpmf/records.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "gpmf/gps.h"
#include "gpmf/json_writer.h"

#include "fixed_decimal.h"
#include "utc.h"

namespace gpmf {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// A FourCC as a JSON key, without a heap allocation; unprintable bytes become '?' as in FourCC::str().
struct KeyText {
	explicit KeyText(FourCC key) noexcept
	{
		for (int i = 0; i < 4; i++) {
			const char c = key.at(i);
			text[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
		}
	}
	std::string_view view() const noexcept { return { text, 4 }; }
	char text[4];
};

// Stable machine-readable names for Errc; the human text goes into "message".
std::string_view codeName(Errc code) noexcept
{
	switch (code) {
	case Errc::Truncated:
		return "truncated";
	case Errc::BadKey:
		return "bad_key";
	case Errc::BadType:
		return "bad_type";
	case Errc::BadSize:
		return "bad_size";
	case Errc::TooDeep:
		return "too_deep";
	case Errc::BadStructure:
		return "bad_structure";
	case Errc::Unsupported:
		return "unsupported";
	case Errc::BadTime:
		return "bad_time";
	}
	return "unknown";
}

// A number as Stream::precision says, at p (kJsonNumberRoom bytes of room).
char *writeNumber(char *p, double v, std::int8_t precision) noexcept
{
	if (precision >= 0)
		return detail::writeFixedDecimal(p, v, precision);
	if (precision == kPrecisionFloat)
		return detail::writeJsonFloat(p, static_cast<float>(v));
	return detail::writeJsonNumber(p, v);
}

// Appends through a stack buffer: the per-sample loop makes one std::string append per few
// kilobytes instead of one per number. Call flush() when done (not left to a destructor, which
// must not throw).
class Sink {
public:
	explicit Sink(std::string &out) noexcept : out_(out) {}
	Sink(const Sink &) = delete;
	Sink &operator=(const Sink &) = delete;

	void number(double v)
	{
		reserve(detail::kJsonNumberRoom);
		p_ = detail::writeJsonNumber(p_, v);
	}
	// A time in seconds: nanoseconds, GStreamer's clock unit, so a buffer time is exact.
	void seconds(double v)
	{
		reserve(detail::kJsonNumberRoom);
		p_ = detail::writeSeconds(p_, v);
	}
	// A number with the precision the decoder gave its field (Stream::precision).
	void number(double v, std::int8_t precision)
	{
		reserve(detail::kJsonNumberRoom);
		p_ = writeNumber(p_, v, precision);
	}
	void ch(char c)
	{
		reserve(1);
		*p_++ = c;
	}
	// Literals: the size is known when compiling, so the copy is a couple of moves.
	template<std::size_t N>
	void literal(const char (&s)[N])
	{
		static_assert(N - 1 <= kMargin);
		reserve(N - 1);
		std::memcpy(p_, s, N - 1);
		p_ += N - 1;
	}
	void string(std::string_view s)
	{
		flush();
		appendJsonString(out_, s);
	}
	// Writes into the buffer directly: the caller stores at most `n` (<= kSize) bytes.
	char *raw(std::size_t n)
	{
		reserve(n);
		return p_;
	}
	static constexpr std::size_t kSize = 4096;
	void advance(char *end) { p_ = end; }
	void flush()
	{
		out_.append(buf_, p_);
		p_ = buf_;
	}

private:
	static constexpr std::size_t kMargin = 64;
	void reserve(std::size_t n)
	{
		if (static_cast<std::size_t>(buf_ + kSize - p_) < n)
			flush();
	}

	std::string &out_;
	char buf_[kSize];
	char *p_ = buf_;
};

constexpr std::size_t kUtcChars = detail::kUtcTextSize + 2; // with its quotes

// "2017-04-17T17:31:03.055Z", quotes included (kUtcChars), for a utcMilliseconds() result.
char *writeQuotedUtc(char *p, std::int64_t ms) noexcept
{
	*p = '"';
	p = detail::writeUtc(p + 1, ms);
	*p = '"';
	return p + 1;
}

// ,"local":"2017-04-17T10:31:03.055-07:00" (kLocalChars at most) for a utcMilliseconds()
// result and a time zone in minutes east of UTC: the same instant as writeQuotedUtc() writes,
// on the camera's clock.
constexpr std::size_t kLocalChars = 10 + (detail::kUtcTextSize - 1) + 6 + 1; // its Z becomes +hh:mm
char *writeLocalMember(char *p, std::int64_t ms, int minutes) noexcept
{
	std::memcpy(p, ",\"local\":\"", 10);
	p = detail::writeUtc(p + 10, ms + std::int64_t(minutes) * 60000) - 1; // over its 'Z'
	const int offset = minutes < 0 ? -minutes : minutes;
	*p++ = minutes < 0 ? '-' : '+';
	*p++ = char('0' + offset / 600 % 10);
	*p++ = char('0' + offset / 60 % 10);
	*p++ = ':';
	*p++ = char('0' + offset % 60 / 10);
	*p++ = char('0' + offset % 10);
	*p = '"';
	return p + 1;
}

// Samples that are really present: a Values built by hand could promise more than it holds.
std::size_t availableSamples(const Values &v) noexcept
{
	std::size_t n = v.sampleCount;
	const std::size_t numeric = v.numericFieldCount();
	const std::size_t text = v.fields.size() >= numeric ? v.fields.size() - numeric : 0;
	if (numeric)
		n = std::min(n, v.numbers.size() / numeric);
	if (text)
		n = std::min(n, v.texts.size() / text);
	return n;
}

// How the numbers of one Values are written: Stream::precision per numeric slot, or (properties,
// streams without it) the shortest form throughout.
struct Precision {
	Precision() = default;
	explicit Precision(const Stream &s) noexcept : slots(s.precision.data()), count(s.precision.size()) {}
	std::int8_t of(const Values &v, std::size_t field) const noexcept
	{
		const std::size_t slot = v.slotOf(field);
		return slot < count ? slots[slot] : kPrecisionShortest;
	}
	const std::int8_t *slots = nullptr;
	std::size_t count = 0;
};

void writeField(Sink &out, const Values &v, std::size_t sample, std::size_t field, bool hasText,
		const Precision &precision)
{
	if (hasText && v.isTextField(field))
		out.string(v.text(sample, field));
	else
		out.number(v.number(sample, field), precision.of(v, field));
}

// One sample: a scalar for a single field, else an array in field order.
void writeItem(Sink &out, const Values &v, std::size_t sample, bool hasText, const Precision &precision)
{
	const std::size_t fields = v.fields.size();
	if (fields == 1) {
		writeField(out, v, sample, 0, hasText, precision);
		return;
	}
	out.ch('[');
	for (std::size_t f = 0; f < fields; f++) {
		if (f)
			out.ch(',');
		writeField(out, v, sample, f, hasText, precision);
	}
	out.ch(']');
}

// Items [first, first + count) as a JSON array.
void writeItems(Sink &out, const Values &v, std::size_t first, std::size_t count, bool hasText,
		const Precision &precision)
{
	out.ch('[');
	for (std::size_t i = 0; i < count; i++) {
		if (i)
			out.ch(',');
		writeItem(out, v, first + i, hasText, precision);
	}
	out.ch(']');
}

// A Property's value: a scalar or field array for one sample, an array of those otherwise.
void writeValues(std::string &text, const Values &v)
{
	const std::size_t n = availableSamples(v);
	const bool hasText = v.textFieldCount() != 0;
	Sink out(text);
	if (n == 1)
		writeItem(out, v, 0, hasText, {});
	else
		writeItems(out, v, 0, n, hasText, {});
	out.flush();
}

void writeValues(JsonWriter &w, const Values &v)
{
	w.rawValue({});
	writeValues(w.out(), v);
}

// One field of one item that is text: the JSON value is a string.
bool isOneString(const Values &v, std::size_t items) noexcept
{
	return items == 1 && v.fields.size() == 1 && v.isTextField(0);
}

struct Window {
	explicit Window(const RecordWindow &window, const RecordTimes &times = {})
		: begin(window.begin), end(window.end),
		  all(!(window.begin > -kInf) && !(window.end < kInf)), windowed(window.part >= 0),
		  localTimeMinutes(times.localTimeMinutes)
	{
	}
	// A slot with no known time can only be placed in an unbounded window.
	bool contains(double t) const noexcept { return all || (begin <= t && t < end); }

	double begin, end;
	bool all;      ///< no bounds: every slot is kept, timed or not
	bool windowed; ///< a part of a split payload: streams with no slot here are left out
	std::optional<int> localTimeMinutes; ///< RecordTimes
};

double slotTime(const Stream &s, std::size_t slot) noexcept
{
	return slot < s.times.size() ? s.times[slot] : std::nan("");
}

bool streamHasSlot(const Stream &s, const Window &win)
{
	const std::size_t slots = s.slotCount();
	if (win.all)
		return slots != 0;
	const std::size_t timed = std::min(slots, s.times.size());
	for (std::size_t i = 0; i < timed; i++) {
		if (win.contains(s.times[i]))
			return true;
	}
	return false;
}

// Several KLVs with the same key: the last one is the value in force, so only it is written.
// A STRM holds a handful of KLVs, checked pairwise into a bit mask without allocating; a hostile
// one with thousands of keys gets one pass from the end with a hash set (linear time).
class Superseded {
public:
	explicit Superseded(const std::vector<Property> &props)
	{
		const std::size_t n = props.size();
		if (n <= 64) {
			for (std::size_t i = 0; i < n; i++)
				for (std::size_t j = i + 1; j < n; j++)
					if (props[i].key == props[j].key) {
						small_ |= std::uint64_t(1) << i;
						break;
					}
			return;
		}
		large_.resize(n);
		std::unordered_set<std::uint32_t> later;
		for (std::size_t i = n; i-- > 0;)
			large_[i] = !later.insert(props[i].key.value()).second;
	}
	bool operator[](std::size_t i) const noexcept
	{
		return large_.empty() ? (small_ >> i) & 1 : bool(large_[i]);
	}

private:
	std::uint64_t small_ = 0;
	std::vector<bool> large_;
};

// Bytes a sample of `fields` numbers may take: punctuation, the time and each field with its
// comma, the UTC.
constexpr std::size_t sampleRoom(std::size_t fields)
{
	return 48 + (fields + 1) * (detail::kJsonNumberRoom + 1) + kUtcChars + kLocalChars;
}

// Fields a sample may have for writeNumericSamples(): its text must fit the Sink's buffer.
constexpr std::size_t kMaxFastFields = 48;
static_assert(sampleRoom(kMaxFastFields) <= Sink::kSize);

bool numericOnly(const Stream &s) noexcept
{
	const std::size_t fields = s.values.fields.size();
	return !s.isGrouped() && fields > 0 && fields <= kMaxFastFields && s.values.textFieldCount() == 0;
}

// Slots [from, to) of a stream, clipped to those it has: the ones a window may hold.
struct SlotRange {
	std::size_t from = 0;
	std::size_t to = std::size_t(-1);
};

/*
 * The common case of writeSampleObjects(): numbers only, one sample per slot. Each sample is laid
 * out with one room check, its fields read from its row of `numbers` (no text, so a field is its
 * own slot). This loop writes most of the bytes of a payload record.
 */
void writeNumericSamples(Sink &out, const Stream &s, const Window &win, SlotRange range)
{
	const Values &v = s.values;
	const std::size_t fields = v.fields.size();
	const std::size_t samples = availableSamples(v);
	std::int8_t precision[kMaxFastFields];
	for (std::size_t f = 0; f < fields; f++)
		precision[f] = f < s.precision.size() ? s.precision[f] : kPrecisionShortest;
	const std::size_t room = sampleRoom(fields);
	const bool timed = !s.times.empty();
	detail::SecondsWriter seconds;
	bool first = true;
	const std::size_t last = std::min(samples, range.to);
	for (std::size_t i = range.from; i < last; i++) {
		const double t = slotTime(s, i);
		if (!win.contains(t))
			continue;
		char *p = out.raw(room);
		*p = ',';
		p += !first;
		first = false;
		if (timed) {
			std::memcpy(p, "{\"t\":", 5);
			p = seconds.write(p + 5, t);
			std::memcpy(p, ",\"v\":", 5);
			p += 5;
		} else {
			std::memcpy(p, "{\"v\":", 5);
			p += 5;
		}
		const double *row = v.numbers.data() + i * fields;
		if (fields == 1) {
			p = writeNumber(p, row[0], precision[0]);
		} else {
			*p++ = '[';
			for (std::size_t f = 0; f < fields; f++) {
				p = writeNumber(p, row[f], precision[f]);
				*p++ = ',';
			}
			p[-1] = ']';
		}
		std::int64_t ms;
		if (i < s.utc.size() && detail::utcMilliseconds(s.utc[i], ms)) {
			std::memcpy(p, ",\"utc\":", 7);
			p = writeQuotedUtc(p + 7, ms);
			if (win.localTimeMinutes)
				p = writeLocalMember(p, ms, *win.localTimeMinutes);
		}
		*p++ = '}';
		out.advance(p);
	}
}

// Any stream: text fields, grouped slots (several items per time), field by field.
void writeAnySamples(Sink &out, const Stream &s, const Window &win, SlotRange range)
{
	const Values &v = s.values;
	const std::size_t items = availableSamples(v);
	const bool hasText = v.textFieldCount() != 0;
	const bool timed = !s.times.empty();
	const std::size_t slots = std::min(s.slotCount(), range.to);
	const Precision precision(s);
	bool first = true;
	std::size_t item = range.from;
	if (s.isGrouped()) {
		item = 0;
		for (std::size_t i = 0; i < range.from && i < slots; i++)
			item += s.slotSizes[i];
	}
	for (std::size_t i = range.from; i < slots; i++) {
		const std::size_t size = s.isGrouped() ? s.slotSizes[i] : 1;
		const std::size_t start = item;
		item += size;
		const double t = slotTime(s, i);
		if (!win.contains(t))
			continue;
		if (!s.isGrouped() && start >= items)
			break; // a promise of samples the Values do not hold

		if (!first)
			out.ch(',');
		first = false;
		if (timed) {
			out.literal("{\"t\":");
			out.seconds(t);
			out.literal(",\"v\":");
		} else {
			out.literal("{\"v\":");
		}
		if (s.isGrouped()) {
			const std::size_t from = std::min(start, items);
			const std::size_t to = std::min(start + size, items);
			writeItems(out, v, from, to - from, hasText, precision);
		} else {
			writeItem(out, v, start, hasText, precision);
		}
		std::int64_t ms;
		if (i < s.utc.size() && detail::utcMilliseconds(s.utc[i], ms)) {
			out.literal(",\"utc\":");
			out.advance(writeQuotedUtc(out.raw(kUtcChars), ms));
			if (win.localTimeMinutes)
				out.advance(writeLocalMember(out.raw(kLocalChars), ms, *win.localTimeMinutes));
		}
		out.ch('}');
	}
}

// The sample objects inside the window (among the slots of `range`), comma separated.
void writeSampleObjects(std::string &text, const Stream &s, const Window &win, SlotRange range = {})
{
	// The per-sample loops are the hot path: they write through the Sink, commas handled there.
	Sink out(text);
	if (numericOnly(s))
		writeNumericSamples(out, s, win, range);
	else
		writeAnySamples(out, s, win, range);
	out.flush();
}

// "key":["text",...]
void writeStringArray(JsonWriter &w, std::string_view key, const std::vector<std::string> &texts)
{
	w.key(key);
	w.beginArray();
	for (const std::string &text : texts)
		w.string(text);
	w.endArray();
}

// "fourcc", "name", "units" and "fields".
void writeStreamNames(JsonWriter &w, const Stream &s)
{
	w.key("fourcc");
	w.string(KeyText(s.key).view());
	w.key("name");
	w.string(s.name);
	writeStringArray(w, "units", s.units);
	if (!s.fields.empty())
		writeStringArray(w, "fields", s.fields);
}

void writeStreamRate(JsonWriter &w, const Stream &s)
{
	if (s.rate > 0 && std::isfinite(s.rate)) {
		w.key("rate");
		w.number(s.rate);
	}
}

void writeStreamRaw(JsonWriter &w, const Stream &s)
{
	if (s.raw) {
		w.key("raw");
		w.boolean(true);
	}
}

// The stream's metadata KLVs. With `kept` (a PayloadRecordWriter's, for this stream), a KLV
// equal to the one kept at its place is copied as it was written then: the members follow the
// stream's names, so each starts with its comma wherever it is written.
void writeStreamSticky(JsonWriter &w, const Stream &s, std::vector<detail::StickyText> *kept = nullptr)
{
	const Superseded superseded(s.sticky);
	if (kept && kept->size() < s.sticky.size())
		kept->resize(s.sticky.size());
	for (std::size_t i = 0; i < s.sticky.size(); i++) {
		const Property &p = s.sticky[i];
		// STNM and SIUN/UNIT are "name" and "units" already; "name"/"rate" keys would clash.
		if (p.key == FourCC("STNM") || p.key == FourCC("SIUN") || p.key == FourCC("UNIT") ||
		    p.key == FourCC("name") || p.key == FourCC("rate") || superseded[i])
			continue;
		if (kept && (*kept)[i].valid && (*kept)[i].property == p) {
			w.out().append((*kept)[i].text);
			continue;
		}
		const std::size_t begin = w.out().size();
		w.key(KeyText(p.key).view());
		writeValues(w, p.values);
		if (kept) {
			detail::StickyText &k = (*kept)[i];
			k.property = p;
			k.text.assign(w.out(), begin);
			k.valid = true;
		}
	}
}

// GPS streams: what the altitudes are measured from (GPSA, or the WGS84 ellipsoid).
void writeAltitudeReference(JsonWriter &w, const Stream &s)
{
	if (const std::string reference = altitudeReference(s); !reference.empty()) {
		w.key("altitude_reference");
		w.string(reference);
	}
}

// A stream's members after its names, up to the inside of its "samples" array.
void writeStreamHeadAfterNames(JsonWriter &w, const Stream &s,
			       std::vector<detail::StickyText> *kept = nullptr)
{
	writeStreamRate(w, s);
	writeAltitudeReference(w, s);
	writeStreamRaw(w, s);
	writeStreamSticky(w, s, kept);
	w.key("samples");
	w.beginArray();
}

// A stream's object up to the inside of its "samples" array: what a window does not change.
void writeStreamHead(JsonWriter &w, const Stream &s)
{
	w.beginObject();
	writeStreamNames(w, s);
	writeStreamHeadAfterNames(w, s);
}

void writeStream(JsonWriter &w, const Stream &s, const Window &win)
{
	writeStreamHead(w, s);
	writeSampleObjects(w.out(), s, win);
	w.endArray();
	w.endObject();
}

// Calls f(property) for each metadata KLV of the device that the records write.
template<typename F>
void forEachDeviceProperty(const Device &d, F f)
{
	const Superseded superseded(d.properties);
	for (std::size_t i = 0; i < d.properties.size(); i++) {
		const Property &p = d.properties[i];
		if (p.key == FourCC("name") || superseded[i])
			continue;
		f(p);
	}
}

// "setting_names": what each settings key the documentation lists is, once per key
// ({"ZOOM":"Zoom",...}), so that a reader need not know GoPro's FourCCs.
void writeSettingNames(JsonWriter &w, const std::vector<Device> &settings)
{
	std::vector<FourCC> named;
	w.key("setting_names");
	w.beginObject();
	const auto name = [&](FourCC key) {
		const std::string_view text = settingName(key);
		if (text.empty() || std::find(named.begin(), named.end(), key) != named.end())
			return;
		named.push_back(key);
		w.key(KeyText(key).view());
		w.string(text);
	};
	for (const Device &d : settings) {
		for (const Stream &s : d.streams)
			name(s.key);
		forEachDeviceProperty(d, [&name](const Property &p) { name(p.key); });
	}
	w.endObject();
}

// The device's metadata KLVs.
void writeDeviceProperties(JsonWriter &w, const Device &d)
{
	forEachDeviceProperty(d, [&w](const Property &p) {
		w.key(KeyText(p.key).view());
		writeValues(w, p.values);
	});
}

// A device's object up to the inside of its "streams" array.
void writeDeviceHead(JsonWriter &w, const Device &d)
{
	w.beginObject();
	w.key("id");
	if (!d.idText.empty())
		w.string(d.idText);
	else
		w.unsignedInteger(d.id);
	w.key("name");
	w.string(d.name);
	writeDeviceProperties(w, d);
	w.key("streams");
	w.beginArray();
}

void writeDevice(JsonWriter &w, const Device &d, const Window &win)
{
	writeDeviceHead(w, d);
	for (const Stream &s : d.streams) {
		if (win.windowed && !streamHasSlot(s, win))
			continue;
		writeStream(w, s, win);
	}
	w.endArray();
	w.endObject();
}

void writeDevices(JsonWriter &w, const std::vector<Device> &devices, const Window &win)
{
	w.beginArray();
	for (const Device &d : devices)
		writeDevice(w, d, win);
	w.endArray();
}

void writeDiagnostics(JsonWriter &w, const std::vector<Diagnostic> &diagnostics)
{
	if (diagnostics.empty())
		return;
	w.key("diagnostics");
	w.beginArray();
	for (const Diagnostic &d : diagnostics) {
		w.beginObject();
		writeDiagnosticMembers(w, d);
		w.endObject();
	}
	w.endArray();
}

void writeOptionalString(JsonWriter &w, std::string_view key, const std::string &value)
{
	if (value.empty())
		return;
	w.key(key);
	w.string(value);
}

// Optional members are left out rather than written as null.
void writeOptionalNumber(JsonWriter &w, std::string_view key, double value, bool known)
{
	if (!known || !std::isfinite(value))
		return;
	w.key(key);
	w.number(value);
}

// "first_utc":"ISO time" when the time can be written, nothing otherwise; with a time zone,
// "first_local" after it.
void writeOptionalUtc(JsonWriter &w, std::string_view prefix, double seconds, const RecordTimes &times)
{
	std::int64_t ms;
	if (!detail::utcMilliseconds(seconds, ms))
		return;
	w.key(std::string(prefix) + "utc");
	w.rawValue({});
	char text[kUtcChars];
	w.out().append(text, writeQuotedUtc(text, ms));
	if (times.localTimeMinutes) {
		w.key(std::string(prefix) + "local");
		w.rawValue({});
		char local[kLocalChars];
		const char *end = writeLocalMember(local, ms, *times.localTimeMinutes);
		const std::size_t value = sizeof(",\"local\":") - 1;
		w.out().append(local + value, static_cast<std::size_t>(end - (local + value)));
	}
}

} // namespace

void writeDiagnosticMembers(JsonWriter &w, const Diagnostic &d)
{
	w.key("code");
	w.string(codeName(d.code));
	w.key("offset");
	w.unsignedInteger(d.offset);
	w.key("path");
	w.string(d.path);
	w.key("message");
	w.string(d.message());
}

void writeStreamHeadMembers(JsonWriter &w, const Stream &stream)
{
	writeStreamNames(w, stream);
	writeStreamRaw(w, stream);
}

void writeStreamMetadataMembers(JsonWriter &w, const Stream &stream)
{
	writeStreamRate(w, stream);
	writeAltitudeReference(w, stream);
	writeStreamSticky(w, stream);
}

void writeDeviceMetadataMembers(JsonWriter &w, const Device &device)
{
	writeDeviceProperties(w, device);
}

void appendSampleObjects(std::string &out, const Stream &stream, const RecordTimes &times)
{
	writeSampleObjects(out, stream, Window(RecordWindow{}, times));
}

std::vector<std::pair<std::string, std::string>> deviceMetadataTexts(const Device &device)
{
	std::vector<std::pair<std::string, std::string>> texts;
	forEachDeviceProperty(device, [&texts](const Property &p) {
		auto &[key, text] = texts.emplace_back(std::string(KeyText(p.key).view()), std::string());
		if (isOneString(p.values, availableSamples(p.values)))
			text = p.values.text(0, 0);
		else
			writeValues(text, p.values);
	});
	return texts;
}

std::vector<std::string> sampleTexts(const Stream &stream)
{
	// The slots writeAnySamples() writes, each item as writeItem() or writeItems() does.
	const Values &v = stream.values;
	const std::size_t items = availableSamples(v);
	const bool hasText = v.textFieldCount() != 0;
	const Precision precision(stream);
	std::vector<std::string> texts;
	std::size_t item = 0;
	for (std::size_t i = 0; i < stream.slotCount(); i++) {
		const std::size_t size = stream.isGrouped() ? stream.slotSizes[i] : 1;
		const std::size_t start = item;
		item += size;
		if (!stream.isGrouped() && start >= items)
			break;
		if (!stream.isGrouped() && isOneString(v, 1)) {
			texts.push_back(v.text(start, 0));
			continue;
		}
		std::string &text = texts.emplace_back();
		Sink out(text);
		if (stream.isGrouped()) {
			const std::size_t from = std::min(start, items);
			writeItems(out, v, from, std::min(start + size, items) - from, hasText, precision);
		} else {
			writeItem(out, v, start, hasText, precision);
		}
		out.flush();
	}
	return texts;
}

double recordedSeconds(double seconds) noexcept
{
	char text[detail::kJsonNumberRoom];
	const char *end = detail::writeSeconds(text, seconds);
	double value = seconds; // NaN and infinities are written as null
	std::from_chars(text, end, value);
	return value;
}

bool windowHasSamples(const Payload &payload, const RecordWindow &window)
{
	const Window win(window);
	for (const Device &d : payload.devices) {
		for (const Stream &s : d.streams) {
			if (streamHasSlot(s, win))
				return true;
		}
	}
	return false;
}

namespace {

// A payload record up to the inside of its "devices" array, laid out in one buffer: a record per
// video frame (gpmfattach) writes this for every frame.
void appendPayloadHead(std::string &out, std::uint64_t index, double payloadPts, double payloadDuration,
		       const RecordWindow &window, const Window &win)
{
	double pts = payloadPts;
	double duration = payloadDuration;
	if (win.windowed) {
		// The part covers the window clipped to the payload; an unknown edge takes the window's.
		const double payloadEnd = payloadPts + payloadDuration;
		const double start = std::isnan(payloadPts) ? window.begin : std::max(payloadPts, window.begin);
		const double end = std::isnan(payloadEnd) ? window.end : std::min(payloadEnd, window.end);
		pts = start;
		duration = std::isfinite(start) && std::isfinite(end) ? std::max(0.0, end - start) : std::nan("");
	}

	char text[4 * detail::kJsonNumberRoom + 64];
	char *p = text;
	auto put = [&p](std::string_view s) {
		std::memcpy(p, s.data(), s.size());
		p += s.size();
	};
	put("{\"type\":\"payload\",\"index\":");
	p = std::to_chars(p, p + 24, index).ptr;
	put(",\"pts\":");
	p = detail::writeSeconds(p, pts);
	put(",\"duration\":");
	p = detail::writeSeconds(p, duration);
	if (win.windowed) {
		put(",\"part\":");
		p = std::to_chars(p, p + 24, window.part).ptr;
	}
	put(",\"devices\":[");
	out.append(text, p);
}

// The rest of a payload record from the end of its "devices" array.
void appendPayloadTail(std::string &out, const Payload &payload)
{
	out.push_back(']');
	if (!payload.diagnostics.empty() || !payload.unsupported.empty()) {
		// The members after "devices", written as an object whose braces are then left out.
		std::string members;
		JsonWriter w(members);
		w.beginObject();
		writeDiagnostics(w, payload.diagnostics);
		if (!payload.unsupported.empty())
			writeStringArray(w, "unsupported", payload.unsupported);
		w.endObject();
		out.push_back(',');
		out.append(members, 1, members.size() - 2);
	}
	out.append("}\n", 2);
}

// Slot `i` of a stream's times that `ordered` says are in order: the first at or after t.
std::size_t firstSlotFrom(const Stream &s, std::size_t ordered, double t) noexcept
{
	const auto first = s.times.begin();
	return std::size_t(std::partition_point(first, first + std::ptrdiff_t(ordered),
						[t](double time) { return time < t; }) -
			   first);
}

// firstSlotFrom() from a guess, the end of the last window: a video frame's window starts where
// the frame before it ended, so its slots are a few steps away rather than a bisection.
std::size_t firstSlotFrom(const Stream &s, std::size_t ordered, double t, std::size_t guess) noexcept
{
	constexpr std::size_t kSteps = 16; // a 60 fps frame holds 7 samples of a 400 Hz stream
	const double *times = s.times.data();
	if (guess > ordered || (guess > 0 && !(times[guess - 1] < t)))
		return firstSlotFrom(s, ordered, t);
	const std::size_t stop = std::min(ordered, guess + kSteps);
	for (std::size_t i = guess; i < stop; i++) {
		if (!(times[i] < t))
			return i;
	}
	return stop == ordered ? ordered : firstSlotFrom(s, ordered, t);
}

// Whether samples of `b` are written as those of `a` would be (their values, precision and
// grouping alike): then a stream's samples from two payloads can be written one after the other.
bool sameLayout(const Stream &a, const Stream &b) noexcept
{
	return a.values.type == b.values.type && a.values.fields == b.values.fields &&
	       a.precision == b.precision && a.isGrouped() == b.isGrouped();
}

} // namespace

void writePayloadRecord(std::string &out, const Payload &payload, const RecordWindow &window,
			const RecordTimes &times)
{
	const Window win(window, times);
	appendPayloadHead(out, payload.index, payload.pts, payload.duration, window, win);
	for (std::size_t d = 0; d < payload.devices.size(); d++) {
		if (d)
			out.push_back(',');
		JsonWriter w(out);
		writeDevice(w, payload.devices[d], win);
	}
	appendPayloadTail(out, payload);
}

const std::string &PayloadRecordWriter::namesAfterFourcc(std::size_t k, const Stream &s)
{
	if (names_.size() <= k)
		names_.resize(k + 1);
	Names &n = names_[k];
	if (n.text.empty() || n.key != s.key || n.name != s.name || n.units != s.units || n.fields != s.fields) {
		n.key = s.key;
		n.name = s.name;
		n.units = s.units;
		n.fields = s.fields;
		n.text.clear();
		JsonWriter w(n.text);
		w.beginObject();
		writeStreamNames(w, s);
		n.text.erase(0, std::string_view("{\"fourcc\":").size());
	}
	return n.text;
}

void PayloadRecordWriter::reset(const Payload &payload)
{
	payload_ = &payload;
	text_.clear();
	deviceHeads_.clear();
	streams_.clear();
	for (const Device &d : payload.devices) {
		JsonWriter device(text_);
		const std::size_t begin = text_.size();
		writeDeviceHead(device, d);
		deviceHeads_.push_back({ begin, text_.size() });
		for (const Stream &s : d.streams) {
			JsonWriter stream(text_);
			StreamLayout &layout = streams_.emplace_back();
			layout.head.begin = text_.size();
			stream.beginObject();
			stream.key("fourcc");
			const std::size_t k = streams_.size() - 1;
			stream.rawValue(namesAfterFourcc(k, s));
			if (sticky_.size() <= k)
				sticky_.resize(k + 1);
			writeStreamHeadAfterNames(stream, s, &sticky_[k]);
			layout.head.end = text_.size();
			// The timed slots, in order and none NaN: a window's are then a bisection away.
			const std::size_t timed = std::min(s.times.size(), s.slotCount());
			layout.ordered = timed;
			for (std::size_t i = 0; i < timed; i++) {
				if (std::isnan(s.times[i]) || (i && !(s.times[i - 1] <= s.times[i]))) {
					layout.ordered = kUnordered;
					break;
				}
			}
		}
	}
}

void PayloadRecordWriter::write(std::string &out, const RecordWindow &window)
{
	if (!payload_)
		return;
	const Payload &payload = *payload_;
	const Window win(window);
	// Bisection needs bounds to compare with (a NaN bound holds no slot: the scan says so).
	const bool bisect = !win.all && !std::isnan(win.begin) && !std::isnan(win.end);
	appendPayloadHead(out, payload.index, payload.pts, payload.duration, window, win);
	std::size_t k = 0;
	for (std::size_t d = 0; d < payload.devices.size(); d++) {
		if (d)
			out.push_back(',');
		out.append(text_, deviceHeads_[d].begin, deviceHeads_[d].end - deviceHeads_[d].begin);
		bool first = true;
		for (const Stream &s : payload.devices[d].streams) {
			StreamLayout &layout = streams_[k++];
			SlotRange range;
			if (bisect && layout.ordered != kUnordered) {
				range.from = firstSlotFrom(s, layout.ordered, win.begin, layout.next);
				range.to = std::max(range.from, firstSlotFrom(s, layout.ordered, win.end, range.from));
				layout.next = range.to;
				if (win.windowed && range.from == range.to)
					continue;
			} else if (win.windowed && !streamHasSlot(s, win)) {
				continue;
			}
			if (!first)
				out.push_back(',');
			first = false;
			out.append(text_, layout.head.begin, layout.head.end - layout.head.begin);
			writeSampleObjects(out, s, win, range);
			out.append("]}", 2);
		}
		out.append("]}", 2);
	}
	appendPayloadTail(out, payload);
}

bool PayloadRecordWriter::writeMerged(std::string &out, const Payload &main, double pts, double duration,
				      std::span<PayloadRecordWriter *const> parts, const RecordWindow &window)
{
	const Window win(window);
	struct Piece {
		const PayloadRecordWriter *part;
		const Stream *stream;
		SlotRange range;
	};
	struct MergedStream {
		std::vector<Piece> pieces; ///< the first one gives the head
		std::size_t head = 0;	   ///< the head's StreamLayout in the first piece's writer
	};
	struct MergedDevice {
		const Device *device; ///< the first one gives the head
		const PayloadRecordWriter *part;
		std::size_t head;
		std::vector<MergedStream> streams;
	};
	std::vector<MergedDevice> devices;
	for (const PayloadRecordWriter *part : parts) {
		if (!part || !part->payload_)
			continue;
		std::size_t k = 0;
		for (std::size_t di = 0; di < part->payload_->devices.size(); di++) {
			const Device &d = part->payload_->devices[di];
			MergedDevice *merged = nullptr;
			for (const Stream &s : d.streams) {
				const std::size_t layout = k++;
				// The slots between the bounds, found as if the times were in order (they are,
				// but for hostile input, where the window test below still holds).
				const auto first = s.times.begin();
				const auto last = first + std::ptrdiff_t(std::min(s.times.size(), s.slotCount()));
				const auto lo = std::partition_point(first, last, [&win](double t) { return t < win.begin; });
				const auto hi = std::partition_point(lo, last, [&win](double t) { return t < win.end; });
				if (lo == hi)
					continue;
				if (!merged) {
					for (MergedDevice &m : devices) {
						if (m.device->id == d.id && m.device->idText == d.idText && m.device->name == d.name) {
							merged = &m;
							break;
						}
					}
					if (!merged)
						merged = &devices.emplace_back(MergedDevice{ &d, part, di, {} });
				}
				MergedStream *stream = nullptr;
				for (MergedStream &m : merged->streams) {
					if (m.pieces.front().stream->key == s.key && m.pieces.front().stream->name == s.name) {
						stream = &m;
						break;
					}
				}
				if (!stream) {
					stream = &merged->streams.emplace_back();
					stream->head = layout;
				} else if (!sameLayout(*stream->pieces.front().stream, s)) {
					return false;
				}
				stream->pieces.push_back({ part, &s, { std::size_t(lo - first), std::size_t(hi - first) } });
			}
		}
	}

	appendPayloadHead(out, main.index, pts, duration, window, win);
	for (std::size_t i = 0; i < devices.size(); i++) {
		const MergedDevice &m = devices[i];
		if (i)
			out.push_back(',');
		const Span &deviceHead = m.part->deviceHeads_[m.head];
		out.append(m.part->text_, deviceHead.begin, deviceHead.end - deviceHead.begin);
		bool first = true;
		for (const MergedStream &merged : m.streams) {
			// As a windowed record does: a stream with no slot inside the window is left out.
			bool inside = false;
			for (const Piece &piece : merged.pieces) {
				for (std::size_t j = piece.range.from; j < piece.range.to && !inside; j++)
					inside = win.contains(piece.stream->times[j]);
			}
			if (!inside)
				continue;
			if (!first)
				out.push_back(',');
			first = false;
			const PayloadRecordWriter &headPart = *merged.pieces.front().part;
			const Span &head = headPart.streams_[merged.head].head;
			out.append(headPart.text_, head.begin, head.end - head.begin);
			bool samples = false;
			for (const Piece &piece : merged.pieces) {
				const std::size_t before = out.size();
				if (samples)
					out.push_back(',');
				writeSampleObjects(out, *piece.stream, win, piece.range);
				if (out.size() == before + (samples ? 1 : 0))
					out.resize(before); // nothing inside: no comma either
				else
					samples = true;
			}
			out.append("]}", 2);
		}
		out.append("]}", 2);
	}
	appendPayloadTail(out, main);
	return true;
}

bool PayloadRecordWriter::hasSamples(const RecordWindow &window) const
{
	if (!payload_)
		return false;
	const Window win(window);
	const bool bisect = !win.all && !std::isnan(win.begin) && !std::isnan(win.end);
	std::size_t k = 0;
	for (const Device &d : payload_->devices) {
		for (const Stream &s : d.streams) {
			const StreamLayout &layout = streams_[k++];
			if (bisect && layout.ordered != kUnordered) {
				const std::size_t from = firstSlotFrom(s, layout.ordered, win.begin, layout.next);
				if (from < firstSlotFrom(s, layout.ordered, win.end, from))
					return true;
			} else if (streamHasSlot(s, win)) {
				return true;
			}
		}
	}
	return false;
}

void writeHeaderRecord(std::string &out, const Header &header)
{
	JsonWriter w(out);
	w.beginObject();
	w.key("type");
	w.string("header");
	writeOptionalString(w, "camera", header.camera);
	writeOptionalString(w, "firmware", header.firmware);
	writeOptionalString(w, "serial", header.serial);
	writeOptionalString(w, "lens", header.lens);
	writeOptionalString(w, "media_uid", header.mediaUid);
	if (header.timeZoneMinutes) {
		w.key("time_zone");
		w.integer(*header.timeZoneMinutes);
	}
	if (std::int64_t ms; header.created && detail::utcMilliseconds(*header.created, ms)) {
		// The camera's wall clock, so no "Z": "2024-05-18T11:41:07".
		char text[detail::kUtcTextSize];
		detail::writeUtc(text, ms);
		w.key("created");
		w.string(std::string_view(text, 19));
	}

	w.key("hilights");
	w.beginArray();
	for (const HiLight &h : header.hilights) {
		w.beginObject();
		w.key("t");
		w.number(h.time);
		writeOptionalNumber(w, "in", h.in, h.in >= 0);
		writeOptionalNumber(w, "out", h.out, h.out >= 0);
		// 0/0 is "no position"; a real one carries its altitude even at sea level.
		const bool located = h.lat != 0 || h.lon != 0;
		writeOptionalNumber(w, "lat", h.lat, located);
		writeOptionalNumber(w, "lon", h.lon, located);
		writeOptionalNumber(w, "alt", h.alt, located || h.alt != 0);
		writeOptionalString(w, "kind", h.kind);
		writeOptionalNumber(w, "confidence", h.confidence, h.confidence >= 0);
		writeOptionalNumber(w, "score", h.score, h.score >= 0);
		w.endObject();
	}
	w.endArray();

	w.key("settings");
	writeDevices(w, header.settings, Window(RecordWindow{}));
	writeSettingNames(w, header.settings);

	w.key("atoms");
	w.beginObject();
	for (const auto &[key, text] : header.atoms) {
		w.key(key);
		w.string(text);
	}
	w.endObject();

	writeDiagnostics(w, header.diagnostics);
	w.endObject();
	out.push_back('\n');
}

namespace {

void writeStreamSummaryMembers(JsonWriter &w, const StreamSummary &s, const RecordTimes &times)
{
	w.key("device");
	w.string(s.device);
	w.key("device_name");
	w.string(s.deviceName);
	w.key("fourcc");
	w.string(KeyText(s.key).view());
	w.key("name");
	w.string(s.name);
	w.key("samples");
	w.unsignedInteger(s.samples);
	if (s.rate > 0 && std::isfinite(s.rate)) {
		w.key("rate");
		w.number(s.rate);
	}
	w.key("first");
	w.seconds(s.firstTime);
	w.key("last");
	w.seconds(s.lastTime);
	writeOptionalUtc(w, "first_", s.firstUtc, times);
	writeOptionalUtc(w, "last_", s.lastUtc, times);
	if (s.gpsOutliers) {
		w.key("gps_outliers");
		w.unsignedInteger(s.gpsOutliers);
	}
}

} // namespace

void writeSummaryMembers(JsonWriter &w, const Summary &summary,
			 const std::function<void(JsonWriter &, const StreamSummary &)> &more, const RecordTimes &times)
{
	w.key("payloads");
	w.unsignedInteger(summary.payloads);
	w.key("corrupt_payloads");
	w.unsignedInteger(summary.corruptPayloads);
	w.key("streams");
	w.beginArray();
	for (const StreamSummary &s : summary.streams) {
		w.beginObject();
		writeStreamSummaryMembers(w, s, times);
		if (more)
			more(w, s);
		w.endObject();
	}
	w.endArray();
}

void writeSummaryRecord(std::string &out, const Summary &summary, const RecordTimes &times)
{
	JsonWriter w(out);
	w.beginObject();
	w.key("type");
	w.string("summary");
	writeSummaryMembers(w, summary, {}, times);
	w.endObject();
	out.push_back('\n');
}

} // namespace gpmf
