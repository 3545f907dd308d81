// SPDX-License-Identifier: GPL-2.0-or-later
// Raw track dumps: split into payloads at DEVC, grouping devices, timed by STMP or 1 s.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "gpmf/klv_writer.h"
#include "gpmf/track_splitter.h"

using namespace gpmf;

namespace {

void devc(KlvWriter &w, std::uint32_t id, std::optional<std::uint64_t> stmp = {})
{
	w.begin(FourCC("DEVC"));
	w.integers(FourCC("DVID"), 'L', {id});
	w.begin(FourCC("STRM"));
	if (stmp)
		w.integers(FourCC("STMP"), 'J', {std::int64_t(*stmp)});
	w.integers(FourCC("ACCL"), 's', {1, 2, 3}, 3);
	w.end();
	w.end();
}

} // namespace

TEST(SplitRawTrack, EachCameraDevcStartsAPayload)
{
	KlvWriter w;
	devc(w, 1);
	devc(w, 1);
	devc(w, 1);
	const auto bytes = w.take();
	const auto split = splitRawTrack(bytes);
	EXPECT_FALSE(split.error);
	ASSERT_EQ(split.payloads.size(), 3u);
	EXPECT_EQ(split.payloads[1].offset, bytes.size() / 3);
	EXPECT_EQ(split.payloads[2].bytes.size(), bytes.size() / 3);
}

TEST(SplitRawTrack, OtherDevicesJoinThePayloadUntilAnIdRepeats)
{
	// Karma: camera + drone DEVC per payload.
	KlvWriter w;
	devc(w, 1);
	devc(w, 16835857);
	devc(w, 1);
	devc(w, 16835857);
	const auto split = splitRawTrack(w.bytes());
	ASSERT_EQ(split.payloads.size(), 2u);
	EXPECT_EQ(split.payloads[0].bytes.size(), w.bytes().size() / 2);
}

TEST(SplitRawTrack, GarbageAfterGoodPayloadsIsReportedAndTheyAreKept)
{
	KlvWriter w;
	devc(w, 1);
	devc(w, 1);
	auto bytes = w.take();
	bytes.insert(bytes.end(), {'J', 'U', 'N', 'K', 'x', 1, 0, 1});
	const auto split = splitRawTrack(bytes);
	EXPECT_EQ(split.payloads.size(), 2u);
	ASSERT_TRUE(split.error);
}

TEST(SplitRawTrack, ADevcSizeRunningOverTheNextPayloadIsCutThere)
{
	KlvWriter w;
	devc(w, 1);
	devc(w, 1);
	devc(w, 1);
	auto bytes = w.take();
	const std::size_t one = bytes.size() / 3;
	// The first DEVC claims the first two payloads (repeat is big-endian at bytes 6-7).
	const std::size_t claimed = 2 * one - 8;
	bytes[6] = std::uint8_t(claimed >> 8);
	bytes[7] = std::uint8_t(claimed);

	const auto split = splitRawTrack(bytes);
	EXPECT_FALSE(split.error);
	ASSERT_EQ(split.repairs.size(), 1u);
	EXPECT_EQ(split.repairs[0].offset, 0u);
	ASSERT_EQ(split.payloads.size(), 3u);
	EXPECT_EQ(split.payloads[0].bytes.size(), one);
	EXPECT_EQ(split.payloads[1].offset, one);
	EXPECT_EQ(split.payloads[2].offset, 2 * one);
}

TEST(SplitRawTrack, ADevcRunningPastTheEndOverAPayloadStillFreesIt)
{
	KlvWriter w;
	devc(w, 1);
	devc(w, 1);
	auto bytes = w.take();
	bytes[6] = 0xff; // the first DEVC now claims 65280 bytes more than the dump holds
	const auto split = splitRawTrack(bytes);
	ASSERT_EQ(split.repairs.size(), 1u);
	ASSERT_EQ(split.payloads.size(), 2u);
	EXPECT_EQ(split.payloads[1].offset, bytes.size() / 2);
	EXPECT_FALSE(split.error);
}

TEST(SplitRawTrack, ALoneDevcHeaderClaimingWhatFollowsIsDropped)
{
	KlvWriter w;
	devc(w, 1);
	const auto one = w.take();
	std::vector<std::uint8_t> bytes = one;
	const std::uint8_t bogus[] = {'D', 'E', 'V', 'C', 0, 255, 0xff, 0xff}; // 16 MiB claimed
	bytes.insert(bytes.end(), std::begin(bogus), std::end(bogus));
	bytes.insert(bytes.end(), one.begin(), one.end());
	bytes.insert(bytes.end(), one.begin(), one.end());
	const auto split = splitRawTrack(bytes);
	ASSERT_EQ(split.repairs.size(), 1u);
	EXPECT_EQ(split.repairs[0].offset, one.size());
	ASSERT_EQ(split.payloads.size(), 3u);
	EXPECT_EQ(split.payloads[1].offset, one.size() + 8);
	EXPECT_EQ(split.payloads[1].bytes.size(), one.size());
	EXPECT_EQ(split.payloads[2].offset, 2 * one.size() + 8);
	EXPECT_FALSE(split.error);
}

TEST(SplitRawTrack, TopLevelNonDevcIsAnError)
{
	KlvWriter w;
	w.integers(FourCC("TSMP"), 'L', {1});
	const auto split = splitRawTrack(w.bytes());
	EXPECT_TRUE(split.payloads.empty());
	ASSERT_TRUE(split.error);
	EXPECT_EQ(split.error->code, Errc::BadStructure);
}

TEST(RawTrackTimes, OneSecondApartWithoutStmp)
{
	KlvWriter w;
	devc(w, 1);
	devc(w, 1);
	const auto times = rawTrackTimes(splitRawTrack(w.bytes()).payloads);
	ASSERT_EQ(times.size(), 2u);
	EXPECT_DOUBLE_EQ(times[1].pts, 1.0);
	EXPECT_DOUBLE_EQ(times[1].duration, 1.0);
}

TEST(RawTrackTimes, StmpGivesTheRealSpacing)
{
	KlvWriter w;
	devc(w, 1, 5'000'000);
	devc(w, 1, 6'001'000);
	devc(w, 1, 7'002'000);
	const auto split = splitRawTrack(w.bytes());
	ASSERT_TRUE(split.payloads[1].stmp);
	const auto times = rawTrackTimes(split.payloads);
	ASSERT_EQ(times.size(), 3u);
	EXPECT_DOUBLE_EQ(times[0].pts, 0.0);
	EXPECT_NEAR(times[1].pts, 1.001, 1e-9);
	EXPECT_NEAR(times[0].duration, 1.001, 1e-9);
	EXPECT_NEAR(times[2].duration, 1.001, 1e-9);
}

TEST(RawTrackTimes, NonsenseStmpFallsBackToOneSecond)
{
	KlvWriter w;
	devc(w, 1, 9'000'000);
	devc(w, 1, 1'000'000); // goes backwards
	const auto times = rawTrackTimes(splitRawTrack(w.bytes()).payloads);
	EXPECT_DOUBLE_EQ(times[1].pts, 1.0);
}

namespace {

// A camera payload whose streams carry these STMPs (µs).
void payloadWith(KlvWriter &w, std::initializer_list<std::pair<const char *, std::uint64_t>> streams)
{
	w.begin(FourCC("DEVC"));
	w.integers(FourCC("DVID"), 'L', {1});
	for (const auto &[key, stmp] : streams) {
		w.begin(FourCC("STRM"));
		w.integers(FourCC("STMP"), 'J', {std::int64_t(stmp)});
		w.integers(*FourCC::fromString(key), 's', {1, 2, 3}, 3);
		w.end();
	}
	w.end();
}

std::vector<double> startsOf(const KlvWriter &w)
{
	std::vector<double> starts;
	for (const PayloadTime &t : rawTrackTimes(splitRawTrack(w.bytes()).payloads))
		starts.push_back(t.pts);
	return starts;
}

void expectStarts(const std::vector<double> &got, const std::vector<double> &want)
{
	ASSERT_EQ(got.size(), want.size());
	for (std::size_t i = 0; i < got.size(); i++)
		EXPECT_NEAR(got[i], want[i], 1e-6) << "payload " << i;
}

} // namespace

// HERO13: FACE stamps its samples about 0.5 s before the sensors and is not in every payload;
// taking the earliest STMP of each payload made the steps look insane.
TEST(RawTrackTimes, StreamsWhoseStmpLagEachOtherKeepOneClock)
{
	KlvWriter w;
	const std::uint64_t t0 = 40'000'000;
	payloadWith(w, {{"ACCL", t0}, {"GYRO", t0 + 900}});
	payloadWith(w, {{"ACCL", t0 + 500'000}, {"GYRO", t0 + 500'800}, {"FACE", t0 + 20'000}});
	payloadWith(w, {{"ACCL", t0 + 1'000'000}, {"GYRO", t0 + 1'000'700}});
	payloadWith(w, {{"ACCL", t0 + 1'500'000}, {"GYRO", t0 + 1'501'000}, {"FACE", t0 + 1'010'000}});
	payloadWith(w, {{"ACCL", t0 + 2'000'000}, {"GYRO", t0 + 2'000'900}, {"FACE", t0 + 1'530'000}});
	expectStarts(startsOf(w), {0, 0.5, 1.0, 1.5, 2.0});
}

TEST(RawTrackTimes, AReferenceStreamMissingFromAPayloadIsStandedInForByTheOthers)
{
	KlvWriter w;
	payloadWith(w, {{"ACCL", 1'000'000}, {"GYRO", 1'002'000}});
	payloadWith(w, {{"GYRO", 2'003'000}}); // ACCL missing: GYRO's offset of 2 ms still applies
	payloadWith(w, {{"ACCL", 3'000'000}, {"GYRO", 3'002'000}});
	expectStarts(startsOf(w), {0, 1.001, 2.0});
}

TEST(RawTrackTimes, AStreamWhoseStmpJumpsAloneIsOutvoted)
{
	KlvWriter w;
	payloadWith(w, {{"ACCL", 1'000'000}, {"GYRO", 1'000'000}, {"CORI", 1'010'000}});
	payloadWith(w, {{"ACCL", 2'000'000}, {"GYRO", 2'000'000}, {"CORI", 2'010'000}});
	payloadWith(w, {{"ACCL", 3'000'000}, {"GYRO", 903'000'000}, {"CORI", 3'010'000}});
	payloadWith(w, {{"ACCL", 4'000'000}, {"GYRO", 904'000'000}, {"CORI", 4'010'000}});
	// The reference itself jumping is outvoted too.
	payloadWith(w, {{"ACCL", 705'000'000}, {"GYRO", 905'000'000}, {"CORI", 5'010'000}});
	expectStarts(startsOf(w), {0, 1, 2, 3, 4});
}

TEST(RawTrackTimes, AClockThatRestartsGoesOnFromThePreviousPayload)
{
	KlvWriter w;
	payloadWith(w, {{"ACCL", 50'000'000}, {"GYRO", 50'001'000}});
	payloadWith(w, {{"ACCL", 51'001'000}, {"GYRO", 51'002'000}});
	payloadWith(w, {{"ACCL", 1'000}, {"GYRO", 2'000}}); // every stream back near zero
	payloadWith(w, {{"ACCL", 1'001'000}, {"GYRO", 1'002'000}});
	expectStarts(startsOf(w), {0, 1.001, 2.002, 3.002});
}

// STMP is any 64-bit value in a damaged dump: stamps at both ends of the range (whose
// differences overflow 64 bits) still give every payload a finite time, the next one later.
TEST(RawTrackTimes, StmpsAtTheEndsOfTheRangeStillGiveFiniteTimes)
{
	KlvWriter w;
	const std::uint64_t top = ~std::uint64_t(0), half = std::uint64_t(1) << 63;
	payloadWith(w, {{"ACCL", 1'000'000}, {"GYRO", top}});
	payloadWith(w, {{"ACCL", half}, {"GYRO", 0}});
	payloadWith(w, {{"ACCL", top}, {"GYRO", half - 1}, {"CORI", 2'000'000}});
	payloadWith(w, {{"ACCL", 3'000'000}, {"GYRO", top - 1}, {"CORI", half + 1}});
	payloadWith(w, {{"ACCL", 4'000'000}, {"GYRO", 4'000'000}});
	const std::vector<double> starts = startsOf(w);
	ASSERT_EQ(starts.size(), 5u);
	for (std::size_t i = 0; i < starts.size(); i++) {
		EXPECT_TRUE(std::isfinite(starts[i])) << "payload " << i;
		if (i) {
			EXPECT_GT(starts[i], starts[i - 1]) << "payload " << i;
		}
	}
}
