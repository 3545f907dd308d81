// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// A decoding session: payloads in, decoded payloads, records, GPS points and warnings out, in
// stream order, with the records optionally written on helper threads.

#include "gpmf/session.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

#include "gpmf/records.h"
#include "raw_track_reader.h"

namespace gpmf {

namespace {

constexpr Nanoseconds kSecond = 1000000000;
// Bounds the records made from one payload when `interval` is tiny (1 ms gives 1001).
constexpr std::uint64_t kMaxWindowsPerPayload = 4096;
constexpr unsigned kMaxPending = 32;
constexpr double kInf = std::numeric_limits<double>::infinity();

double toSeconds(Nanoseconds t)
{
	return t == kNoTime ? std::numeric_limits<double>::quiet_NaN() : double(t) / double(kSecond);
}

Nanoseconds toNanoseconds(double seconds)
{
	return seconds >= 0 && seconds < 1.8e10 ? Nanoseconds(seconds * double(kSecond) + 0.5) : 0;
}

// GStreamer's GST_TIME_FORMAT, so messages read the same from every front end.
std::string formatTime(Nanoseconds t)
{
	if (t == kNoTime)
		return "99:99:99.999999999";
	char text[40];
	std::snprintf(text, sizeof(text), "%" PRIu64 ":%02u:%02u.%09u", t / (kSecond * 3600),
		      unsigned(t / (kSecond * 60) % 60), unsigned(t / kSecond % 60), unsigned(t % kSecond));
	return text;
}

// A piece of [pts, pts + duration) that gets a record of its own (`interval`).
struct Window {
	Nanoseconds pts;
	Nanoseconds duration;
	RecordWindow range;
};

// Cuts [pts, pts + duration) into records of at most `interval`. The first and last windows
// are open-ended, so samples that TIMO or timing puts just outside the payload still go
// somewhere.
void cutWindows(std::vector<Window> &windows, Nanoseconds pts, Nanoseconds duration, Nanoseconds interval)
{
	windows.clear();
	if (interval == 0 || duration <= interval) {
		windows.push_back(Window{pts, duration, {}});
		return;
	}
	std::uint64_t count = (duration + interval - 1) / interval;
	if (count > kMaxWindowsPerPayload) {
		interval = (duration + kMaxWindowsPerPayload - 1) / kMaxWindowsPerPayload;
		count = (duration + interval - 1) / interval;
	}
	windows.reserve(count);
	for (std::uint64_t k = 0; k < count; k++) {
		const Nanoseconds begin = pts + k * interval;
		const Nanoseconds end = std::min(pts + duration, begin + interval);
		RecordWindow range;
		range.begin = k == 0 ? -kInf : toSeconds(begin);
		range.end = k + 1 == count ? kInf : toSeconds(end);
		range.part = std::int64_t(k);
		windows.push_back(Window{begin, end - begin, range});
	}
}

// A decoded payload and what is made of it. Kept from one payload to the next: decoding and
// writing then allocate next to nothing.
struct Decoded {
	Payload payload;
	std::vector<Window> windows;
	std::vector<std::string> records; ///< per window; empty: no sample inside (a Gap)
	std::vector<GpsPoint> gps;
	RecordTimes times;                ///< how the records write times
	std::size_t sizeHint = 4096;      ///< bytes to reserve for a record, from the last one
	bool failed = false;              ///< writing ran out of memory

	void writeRecords(bool records) noexcept
	{
		try {
			failed = false;
			this->records.resize(windows.size());
			for (std::size_t k = 0; k < windows.size(); k++) {
				std::string &json = this->records[k];
				json.clear();
				const RecordWindow &range = windows[k].range;
				if (range.part >= 0 && !windowHasSamples(payload, range))
					continue;
				if (!records) {
					json = " "; // has samples; no text asked for
					continue;
				}
				json.reserve(sizeHint); // the last record's size: no regrowth on the way
				writePayloadRecord(json, payload, range, times);
				sizeHint = json.size() + json.size() / 8;
			}
		} catch (const std::exception &) {
			failed = true;
		}
	}
};

} // namespace

/*
 * Events wait in `queue` only with helper threads: a decoded payload is queued for a helper to
 * write, and everything after it waits behind it. The caller's thread delivers from the front:
 * written payloads, and events that need no writing; it writes the oldest payload itself when
 * no helper has taken it. Helpers touch only the Decoded of an entry they took.
 */
struct Session::State {
	State(SessionOptions o, SessionHandler h) : options(std::move(o)), handler(std::move(h)), decoder(options.decode),
		gpsTrack(options.gpsInterval)
	{
	}

	struct Entry {
		enum class Step { Queued, Writing, Written } step = Step::Written;
		Decoded *decoded = nullptr; ///< a payload; else `event` alone
		SessionEvent::Kind kind = SessionEvent::Kind::Gap;
		Nanoseconds pts = kNoTime, duration = kNoTime;
		std::string message, detail;
		bool lost = false, payloadLost = false;
	};

	SessionOptions options;
	SessionHandler handler;
	Decoder decoder;
	GpsTrack gpsTrack;
	Header header;
	bool headerSent = false;
	bool stopped = false;
	Nanoseconds lastPts = kNoTime;
	Nanoseconds lastEnd = kNoTime;
	detail::RawTrackReader raw;

	// The payloads' memory: one with no helpers, else a ring as large as the queue may hold.
	std::vector<std::unique_ptr<Decoded>> ring;
	std::size_t nextDecoded = 0;

	// Helpers (options.threads > 1).
	std::mutex mutex;
	std::condition_variable workReady; ///< a Queued entry, or quit
	std::condition_variable written;   ///< an entry became Written
	std::deque<Entry> queue;           ///< guarded by mutex (steps); pushed and popped by the caller
	std::vector<std::thread> helpers;
	unsigned helperCount = 0;
	bool quit = false;

	~State() { stopHelpers(); }

	bool parallel() const { return helperCount > 0; }
	std::size_t capacity() const { return std::min<std::size_t>(kMaxPending, std::size_t(4) * (helperCount + 1)); }

	void startHelpers()
	{
		unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
		const unsigned wanted = std::min(threads, 64u) - 1;
		if (wanted == helperCount)
			return;
		stopHelpers();
		helperCount = wanted;
		quit = false;
		for (unsigned i = 0; i < helperCount; i++)
			helpers.emplace_back([this] { helperLoop(); });
		ring.clear();
		nextDecoded = 0;
	}

	void stopHelpers()
	{
		{
			std::lock_guard lock(mutex);
			quit = true;
		}
		workReady.notify_all();
		for (std::thread &t : helpers)
			t.join();
		helpers.clear();
		helperCount = 0;
	}

	void helperLoop()
	{
		std::unique_lock lock(mutex);
		for (;;) {
			Entry *work = nullptr;
			workReady.wait(lock, [&] {
				if (quit)
					return true;
				for (Entry &e : queue)
					if (e.decoded && e.step == Entry::Step::Queued) {
						work = &e;
						return true;
					}
				return false;
			});
			if (quit)
				return;
			work->step = Entry::Step::Writing;
			Decoded *d = work->decoded;
			const bool records = options.records;
			lock.unlock();
			d->writeRecords(records);
			lock.lock();
			work->step = Entry::Step::Written;
			written.notify_all();
		}
	}

	Decoded &nextSlot()
	{
		const std::size_t size = parallel() ? capacity() : 1;
		if (ring.size() != size) {
			ring.clear();
			ring.resize(size);
			nextDecoded = 0;
		}
		// Only a payload that is queued takes its place for good (queue(): nextDecoded++).
		std::unique_ptr<Decoded> &slot = ring[nextDecoded % size];
		if (!slot)
			slot = std::make_unique<Decoded>();
		return *slot;
	}

	bool emit(SessionEvent &event)
	{
		if (stopped)
			return false;
		if (!handler(event)) {
			stopped = true;
			return false;
		}
		return true;
	}

	bool emitSimple(const Entry &e)
	{
		SessionEvent event;
		event.kind = e.kind;
		event.pts = e.pts;
		event.duration = e.duration;
		event.message = e.message;
		event.detail = e.detail;
		event.lost = e.lost;
		event.payloadLost = e.payloadLost;
		return emit(event);
	}

	bool emitDecoded(Decoded &d)
	{
		if (d.failed) {
			Entry e;
			e.kind = SessionEvent::Kind::Warning;
			e.message = "Out of memory";
			e.detail = "writing the record of payload " + std::to_string(d.payload.index);
			e.lost = true;
			return emitSimple(e);
		}
		bool gpsGiven = false;
		for (std::size_t k = 0; k < d.windows.size(); k++) {
			const Window &w = d.windows[k];
			SessionEvent event;
			event.pts = w.pts;
			event.duration = w.duration;
			if (d.records[k].empty()) {
				event.kind = SessionEvent::Kind::Gap;
			} else {
				event.kind = SessionEvent::Kind::Payload;
				event.payload = &d.payload;
				if (k + 1 == d.windows.size())
					event.takeablePayload = &d.payload;
				event.part = w.range.part;
				event.json = options.records ? &d.records[k] : nullptr;
				if (options.gps && !gpsGiven) { // with the payload's first record
					event.gps = &d.gps;
					gpsGiven = true;
				}
			}
			if (!emit(event))
				return false;
		}
		return true;
	}

	// Delivers from the front of the queue: everything when `all`, else what is ready, and at
	// least the front entry when `makeRoom` (then the queue has room for one more payload).
	bool deliver(bool all, bool makeRoom = false)
	{
		for (;;) {
			Entry *front = nullptr;
			{
				std::unique_lock lock(mutex);
				if (queue.empty())
					return true;
				front = &queue.front();
				if (front->decoded && front->step != Entry::Step::Written) {
					if (front->step == Entry::Step::Queued && (all || makeRoom)) {
						front->step = Entry::Step::Writing; // no helper took it: write it here
						lock.unlock();
						front->decoded->writeRecords(options.records);
						lock.lock();
						front->step = Entry::Step::Written;
					} else if (all || makeRoom) {
						written.wait(lock, [front] { return front->step == Entry::Step::Written; });
					} else {
						return true;
					}
				}
			}
			const bool ok = front->decoded ? emitDecoded(*front->decoded) : emitSimple(*front);
			bool wasPayload = front->decoded != nullptr;
			{
				std::lock_guard lock(mutex);
				queue.pop_front();
			}
			if (!ok) {
				drop();
				return false;
			}
			if (makeRoom && wasPayload)
				makeRoom = false;
		}
	}

	std::size_t queuedPayloads()
	{
		std::lock_guard lock(mutex);
		return std::size_t(std::count_if(queue.begin(), queue.end(), [](const Entry &e) { return e.decoded != nullptr; }));
	}

	// Drops what is queued, once the helpers are done with what they took.
	void drop()
	{
		std::unique_lock lock(mutex);
		for (Entry &e : queue)
			if (e.decoded && e.step == Entry::Step::Queued)
				e.step = Entry::Step::Written;
		written.wait(lock, [this] {
			return std::none_of(queue.begin(), queue.end(),
					    [](const Entry &e) { return e.step == Entry::Step::Writing; });
		});
		queue.clear();
	}

	bool post(Entry entry)
	{
		if (stopped)
			return false;
		if (!parallel() || (queue.empty()))
			return emitSimple(entry);
		std::lock_guard lock(mutex);
		queue.push_back(std::move(entry));
		return true;
	}

	bool warn(std::string message, std::string detail, bool lost, bool payloadLost)
	{
		Entry e;
		e.kind = SessionEvent::Kind::Warning;
		e.message = std::move(message);
		e.detail = std::move(detail);
		e.lost = lost;
		e.payloadLost = payloadLost;
		return post(std::move(e));
	}

	bool gap(Nanoseconds pts, Nanoseconds duration)
	{
		Entry e;
		e.kind = SessionEvent::Kind::Gap;
		e.pts = pts;
		e.duration = duration;
		return post(std::move(e));
	}

	RecordTimes recordTimes() const
	{
		RecordTimes times;
		if (options.localTime)
			times.localTimeMinutes = header.timeZoneMinutes;
		return times;
	}

	bool sendHeader(Nanoseconds pts)
	{
		if (headerSent || !options.header)
			return true;
		headerSent = true;
		std::string json;
		writeHeaderRecord(json, header);
		SessionEvent event;
		event.kind = SessionEvent::Kind::Header;
		event.pts = pts;
		event.duration = 0;
		event.json = &json;
		return emit(event);
	}

	// A raw dump's times come in seconds from its clock: decoded with those exact values (the
	// nanoseconds round them), so every front end times a dump as gpmf-dump always has.
	bool readRaw(std::span<const std::uint8_t> bytes, bool end);

	bool decode(std::span<const std::uint8_t> bytes, Nanoseconds pts, Nanoseconds duration,
		    double ptsSeconds, double durationSeconds)
	{
		if (stopped)
			return false;
		lastPts = pts;
		lastEnd = pts + duration;
		if (bytes.empty())
			return warn("Empty GPMF payload", "zero-length buffer at " + formatTime(pts), true, true) &&
			       gap(pts, duration);

		if (parallel() && queuedPayloads() >= capacity() && !deliver(false, true))
			return false;
		Decoded &d = nextSlot();
		decoder.decodeInto(d.payload, bytes, ptsSeconds, durationSeconds);
		Payload &payload = d.payload;
		const bool hasSamples = windowHasSamples(payload, {});
		// A GPS time left out (bad_time) loses no data: only broken structure makes a payload lost.
		const bool broken = std::any_of(payload.diagnostics.begin(), payload.diagnostics.end(),
						[](const Diagnostic &d) { return d.code != Errc::BadTime; });
		if (broken && !hasSamples) {
			std::string detail;
			for (const Diagnostic &diagnostic : payload.diagnostics) {
				if (!detail.empty())
					detail += "; ";
				detail += diagnostic.message();
			}
			return warn("Corrupt GPMF payload",
				    "payload " + std::to_string(payload.index) + " at " + formatTime(pts) + ", " +
					std::to_string(bytes.size()) + " bytes: " + detail,
				    true, true) &&
			       gap(pts, duration);
		}
		if (!hasSamples) // filtered out, or metadata only: time still passed
			return gap(pts, duration);

		if (!headerSent && options.header) {
			// The header goes first: only gaps and warnings can be queued before it.
			if (!deliver(true) || !sendHeader(pts))
				return false;
		}
		cutWindows(d.windows, pts, duration, options.interval);
		d.times = recordTimes();
		d.gps.clear();
		if (options.gps)
			gpsTrack.add(payload, d.gps);
		if (!parallel()) {
			d.writeRecords(options.records);
			return emitDecoded(d);
		}
		nextDecoded++;
		{
			std::lock_guard lock(mutex);
			Entry e;
			e.decoded = &d;
			e.step = Entry::Step::Queued;
			queue.push_back(std::move(e));
		}
		workReady.notify_one();
		return deliver(false);
	}
};

Session::Session(SessionOptions options, SessionHandler handler)
	: state_(std::make_unique<State>(std::move(options), std::move(handler)))
{
	state_->startHelpers();
}

Session::~Session() = default;

void Session::setOptions(SessionOptions options)
{
	State &s = *state_;
	const bool threadsChanged = options.threads != s.options.threads;
	if (threadsChanged)
		s.deliver(true);
	s.decoder.setOptions(options.decode);
	if (options.gpsInterval != s.options.gpsInterval)
		s.gpsTrack = GpsTrack(options.gpsInterval);
	{
		std::lock_guard lock(s.mutex);
		s.options = std::move(options);
	}
	if (threadsChanged)
		s.startHelpers();
}

const SessionOptions &Session::options() const noexcept { return state_->options; }

void Session::setHeader(Header header) { state_->header = std::move(header); }

const Header &Session::header() const noexcept { return state_->header; }

bool Session::pushPayload(std::span<const std::uint8_t> bytes, Nanoseconds pts, Nanoseconds duration)
{
	State &s = *state_;
	if (pts == kNoTime)
		pts = s.lastEnd == kNoTime ? 0 : s.lastEnd;
	if (duration == kNoTime)
		duration = kSecond;
	return s.decode(bytes, pts, duration, toSeconds(pts), toSeconds(duration));
}

bool Session::pushRaw(std::span<const std::uint8_t> bytes) { return state_->readRaw(bytes, false); }

bool Session::endRaw() { return state_->readRaw({}, true); }

bool Session::State::readRaw(std::span<const std::uint8_t> bytes, bool end)
{
	State &s = *this;
	if (s.stopped)
		return false;
	bool ok = true;
	detail::RawTrackReader::Callbacks callbacks;
	callbacks.payload = [&s](std::span<const std::uint8_t> payload, const PayloadTime &time) {
		return s.decode(payload, toNanoseconds(time.pts), toNanoseconds(time.duration), time.pts, time.duration);
	};
	callbacks.problem = [&s, &ok](const std::string &message, const std::string &detail, bool lost) {
		ok = s.warn(message, detail, lost, false) && ok;
	};
	return s.raw.push(bytes, end, callbacks) && ok && !s.stopped;
}

bool Session::flush()
{
	State &s = *state_;
	return !s.stopped && s.deliver(true);
}

bool Session::end()
{
	State &s = *state_;
	if (!flush())
		return false;
	// At the last payload's start, not its end: that may lie past a player's segment stop.
	if (!s.sendHeader(s.lastPts))
		return false;
	if (!s.options.summary)
		return true;
	std::string json;
	writeSummaryRecord(json, s.decoder.summary(), s.recordTimes());
	SessionEvent event;
	event.kind = SessionEvent::Kind::Summary;
	event.pts = s.lastPts;
	event.duration = 0;
	event.json = &json;
	return s.emit(event);
}

void Session::discard()
{
	State &s = *state_;
	s.drop();
	s.decoder.reset();
	s.gpsTrack.reset();
	s.raw.reset();
	s.lastPts = kNoTime;
	s.lastEnd = kNoTime;
	s.stopped = false;
}

void Session::reset()
{
	discard();
	state_->headerSent = false;
	state_->header = Header();
}

Summary Session::summary() const { return state_->decoder.summary(); }

} // namespace gpmf
