// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// A decoding session: the one path from GPMF bytes to decoded payloads, NDJSON records, GPS
// points and the summary, shared by gpmf-dump, gpmfparse, gpmf2json, gpmfattach and Python.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gpmf/decoder.h"
#include "gpmf/gps.h"
#include "gpmf/header.h"
#include "gpmf/model.h"

namespace gpmf {

/// A time in nanoseconds on the media timeline (GStreamer's unit), or kNoTime.
using Nanoseconds = std::uint64_t;
inline constexpr Nanoseconds kNoTime = ~Nanoseconds(0);

struct SessionOptions {
	DecodeOptions decode;
	/// One payload record per interval (a payload's samples split by time); 0: one per payload.
	Nanoseconds interval = 0;
	/// Write NDJSON records; false: decoded payloads only (SessionEvent::json stays null).
	bool records = true;
	/// A header record before the first payload record that has samples.
	bool header = true;
	/// A summary record at end().
	bool summary = true;
	/// GPS points of each payload in its event (SessionEvent::gps), by GpsTrack's rules.
	bool gps = false;
	/// With gps: at most one point per this many seconds (0: every point).
	double gpsInterval = 0;
	/// Records also give each UTC as local time ("local", "first_local", "last_local"; see
	/// RecordTimes) when the header's time zone is known (setHeader(), TZON).
	bool localTime = false;
	/// Threads that write records (0: one per core): 1 writes them in the caller's thread; more write them on
	/// helpers while the next payloads are decoded (at most 4 × threads payloads, 32 in all,
	/// are held). Events still come in stream order, from the caller's thread.
	unsigned threads = 1;
};

/// What a session gives, in stream order, always from the thread that called it.
struct SessionEvent {
	enum class Kind {
		Header,  ///< json: the header record
		Payload, ///< payload: a decoded payload; json: its record for [pts, pts + duration)
		Gap,     ///< [pts, pts + duration) has no sample to give (empty or filtered window)
		Summary, ///< json: the summary record
		Warning, ///< message and detail: data lost (lost = true) or repaired
	};
	Kind kind = Kind::Gap;
	Nanoseconds pts = kNoTime;
	Nanoseconds duration = kNoTime;
	/// Payload: valid during the handler's call. The same payload comes once per window
	/// (part 0, 1...) with `interval`; part is -1 when the record is the whole payload.
	const Payload *payload = nullptr;
	/// Payload, at its last window: the same payload, which the handler may take (move or swap
	/// it away): the session does not read it after the call, and decodes into what is left.
	Payload *takeablePayload = nullptr;
	std::int64_t part = -1;
	/// Header, Payload (with records on), Summary: the record, newline included. The handler
	/// may move the text away (it is not used after the call).
	std::string *json = nullptr;
	/// Payload with options.gps, the payload's first record only: its GPS points.
	const std::vector<GpsPoint> *gps = nullptr;
	/// Warning: one line each ("Corrupt GPMF payload", "payload 3 at 0:00:03.000000000, ...").
	std::string_view message, detail;
	/// Warning: data was lost (a corrupt payload or skipped bytes), not only repaired.
	bool lost = false;
	/// Warning about a payload that gave nothing (corrupt or empty): what max-errors counts.
	bool payloadLost = false;
};

/// Receives the events; returning false stops the session: the call that is running returns
/// false and what is pending is dropped.
using SessionHandler = std::function<bool(SessionEvent &event)>;

class Session {
public:
	Session(SessionOptions options, SessionHandler handler);
	~Session();
	Session(const Session &) = delete;
	Session &operator=(const Session &) = delete;

	/// Applies from the next payload (threads: once nothing is pending).
	void setOptions(SessionOptions options);
	const SessionOptions &options() const noexcept;

	/// The header record's content (udta atoms). Sent before the first payload record with
	/// samples; a header set after that is kept for header() but not sent again.
	void setHeader(Header header);
	const Header &header() const noexcept;

	/// One timed payload (a demuxer's buffer). duration kNoTime: 1 s. pts kNoTime: right after
	/// the previous payload. Returns false when the handler stopped the session.
	bool pushPayload(std::span<const std::uint8_t> bytes, Nanoseconds pts, Nanoseconds duration);
	/// Bytes of a raw gpmd track dump, in any pieces: cut into payloads at top-level DEVC as
	/// they complete, timed from STMP (or 1 s apart); corrupt stretches are skipped to the next
	/// DEVC with a Warning. Memory is bounded (16 MiB without a payload boundary is dropped).
	bool pushRaw(std::span<const std::uint8_t> bytes);
	/// The raw dump ended: decodes what is buffered.
	bool endRaw();

	/// Emits every pending event (records written on helpers). Call before a serialized event.
	bool flush();
	/// flush(), then the summary record (options.summary). The session can go on afterwards.
	bool end();
	/// Forgets the position (a seek or flush): pending events and buffered raw bytes are
	/// dropped; timing, rates, the GPS track and the summary start again. The header is kept.
	void discard();
	/// A new stream: discard(), and the header is sent again, the summary starts again.
	void reset();

	Summary summary() const;

private:
	struct State;
	std::unique_ptr<State> state_;
};

} // namespace gpmf
