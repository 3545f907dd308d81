// SPDX-License-Identifier: GPL-2.0-or-later
// KlvWriter: the exact bytes of the spec's examples, nested size patching, and round trips.
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpmf/klv.h"
#include "gpmf/klv_writer.h"

using namespace gpmf;

namespace {

using Bytes = std::vector<std::uint8_t>;

/// Builds expected bytes from a mix of text (keys, strings) and numbers, as written in the spec.
Bytes bytesOf(std::initializer_list<std::uint8_t> b)
{
	return Bytes(b);
}

Bytes text(std::string_view s)
{
	return Bytes(s.begin(), s.end());
}

Bytes operator+(Bytes a, const Bytes &b)
{
	a.insert(a.end(), b.begin(), b.end());
	return a;
}

std::vector<Klv> walkAll(std::span<const std::uint8_t> bytes)
{
	std::vector<Klv> out;
	KlvWalker walker(bytes);
	while (auto klv = walker.next())
		out.push_back(*klv);
	EXPECT_FALSE(walker.error().has_value()) << walker.error()->message();
	return out;
}

} // namespace

TEST(KlvWriter, SingleByteGetsThreePadBytes)
{
	// Spec, "Alignment and Storage": DEMO, 'b' 1 1, <byte value> 0 0 0
	KlvWriter w;
	w.integers(FourCC("DEMO"), 'b', {-2});
	EXPECT_EQ(w.bytes(), text("DEMO") + bytesOf({'b', 1, 0, 1, 0xfe, 0, 0, 0}));
}

TEST(KlvWriter, FifteenBytesGetOnePadByte)
{
	// Spec: DEMO, 'b' 1 15, <15 bytes data> 0
	KlvWriter w;
	std::vector<std::int64_t> values;
	for (int i = 1; i <= 15; i++)
		values.push_back(i);
	w.integers(FourCC("DEMO"), 'b', values);
	const Bytes header = text("DEMO") + bytesOf({'b', 1, 0, 15});
	const Bytes data = bytesOf({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
	EXPECT_EQ(w.bytes(), header + data + bytesOf({0}));
}

TEST(KlvWriter, PackedSiblingsStayAligned)
{
	// Spec: DMO1, b 1 1, <byte> 0 0 0  DMO2 b 1 15 <values> 0  DMO3 L 4 1 <32-bit value>
	KlvWriter w;
	w.integers(FourCC("DMO1"), 'b', {5});
	std::vector<std::int64_t> fifteen(15, 0x11);
	w.integers(FourCC("DMO2"), 'b', fifteen);
	w.integers(FourCC("DMO3"), 'L', {0xdeadbeef});

	const Bytes expected = text("DMO1") + bytesOf({'b', 1, 0, 1, 5, 0, 0, 0}) + text("DMO2") +
			       bytesOf({'b', 1, 0, 15}) + Bytes(15, 0x11) + bytesOf({0}) + text("DMO3") +
			       bytesOf({'L', 4, 0, 1, 0xde, 0xad, 0xbe, 0xef});
	EXPECT_EQ(w.bytes(), expected);
}

TEST(KlvWriter, MultiAxisSamplesAreBigEndianStructs)
{
	// Spec, "Multiple axis sensor data": GYRO 's' 6 <n>, x,y,z per sample.
	KlvWriter w;
	w.integers(FourCC("GYRO"), 's', {1, -1, 256, 0x7fff, -32768, 2}, 3);
	const Bytes first = bytesOf({0x00, 0x01, 0xff, 0xff, 0x01, 0x00});
	const Bytes second = bytesOf({0x7f, 0xff, 0x80, 0x00, 0x00, 0x02});
	EXPECT_EQ(w.bytes(), text("GYRO") + bytesOf({'s', 6, 0, 2}) + first + second);
}

TEST(KlvWriter, PartialLastSampleIsDropped)
{
	KlvWriter w;
	w.integers(FourCC("ACCL"), 's', {1, 2, 3, 4}, 3);
	EXPECT_EQ(w.bytes(), text("ACCL") + bytesOf({'s', 6, 0, 1, 0, 1, 0, 2, 0, 3, 0, 0}));
}

TEST(KlvWriter, StringIsStructSizeOneRepeatLength)
{
	// Spec example: STNM 'c' 50 1 "Accelerometer (up/down, right/left, forward/back)", written
	// here the way our header documents: struct size 1, repeat = length.
	KlvWriter w;
	w.string(FourCC("STNM"), "Camera");
	EXPECT_EQ(w.bytes(), text("STNM") + bytesOf({'c', 1, 0, 6}) + text("Camera") + bytesOf({0, 0}));
}

TEST(KlvWriter, Latin1UnitsStaySingleBytes)
{
	// SIUN "m/s²" as cameras write it: 0xB2, not the UTF-8 pair 0xC2 0xB2.
	KlvWriter w;
	w.string(FourCC("SIUN"), "m/s\xb2");
	EXPECT_EQ(w.bytes(), text("SIUN") + bytesOf({'c', 1, 0, 4, 'm', '/', 's', 0xb2}));
}

TEST(KlvWriter, FixedWidthStringsAreZeroFilled)
{
	// GPS5 UNIT as every GoPro writes it: c 3 5 "degdegm\0\0m/sm/s".
	KlvWriter w;
	w.strings(FourCC("UNIT"), {"deg", "deg", "m", "m/s", "m/s"});
	EXPECT_EQ(w.bytes(), text("UNIT") + bytesOf({'c', 3, 0, 5}) + text("degdegm") + bytesOf({0, 0}) +
				     text("m/sm/s") + bytesOf({0}));
}

TEST(KlvWriter, NestedHeaderIsPatchedWithByteLength)
{
	// As in hero5.raw: DEVC 0 1 <length>, the body being whole padded KLVs.
	KlvWriter w;
	w.begin(FourCC("DEVC"));
	w.integers(FourCC("DVID"), 'L', {1});
	w.begin(FourCC("STRM"));
	w.integers(FourCC("TSMP"), 'L', {199});
	w.end();
	w.end();

	const Bytes strm =
		text("STRM") + bytesOf({0, 1, 0, 12}) + text("TSMP") + bytesOf({'L', 4, 0, 1, 0, 0, 0, 199});
	const Bytes expected = text("DEVC") + bytesOf({0, 1, 0, 32}) + text("DVID") +
			       bytesOf({'L', 4, 0, 1, 0, 0, 0, 1}) + strm;
	EXPECT_EQ(w.bytes(), expected);
}

TEST(KlvWriter, NestOverSixtyFourKilobytesUsesFourByteStructs)
{
	KlvWriter w;
	w.begin(FourCC("DEVC"));
	// 3 × (8 + 4 × 8190) = 98,304 bytes: more than a 16-bit repeat of single bytes can say.
	std::vector<std::int64_t> values(8190, 7);
	for (int i = 0; i < 3; i++)
		w.integers(FourCC("DATA"), 'L', values);
	w.end();

	const Bytes &b = w.bytes();
	ASSERT_EQ(b.size(), 8u + 98304u);
	EXPECT_EQ(b[4], 0);
	EXPECT_EQ(b[5], 4);
	EXPECT_EQ((b[6] << 8) | b[7], 98304 / 4);

	const auto top = walkAll(b);
	ASSERT_EQ(top.size(), 1u);
	EXPECT_EQ(top[0].data.size(), 98304u);
	EXPECT_EQ(walkAll(top[0].data).size(), 3u);
}

TEST(KlvWriter, EndWithoutBeginIsIgnored)
{
	KlvWriter w;
	w.end();
	w.integers(FourCC("TSMP"), 'L', {1});
	w.end();
	EXPECT_EQ(w.bytes().size(), 12u);
}

TEST(KlvWriter, FloatsAreIeeeBigEndian)
{
	KlvWriter w;
	w.floats(FourCC("TMPC"), 'f', {1.5});
	w.floats(FourCC("DUBL"), 'd', {-2.0});
	EXPECT_EQ(w.bytes(), text("TMPC") + bytesOf({'f', 4, 0, 1, 0x3f, 0xc0, 0x00, 0x00}) + text("DUBL") +
				     bytesOf({'d', 8, 0, 1, 0xc0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(KlvWriter, FixedPointTypes)
{
	// q is Q15.16 (int16 + uint16/65536), Q is Q31.32.
	KlvWriter w;
	w.floats(FourCC("FIXQ"), 'q', {1.5, -0.5});
	w.floats(FourCC("FIXL"), 'Q', {2.25});
	EXPECT_EQ(w.bytes(), text("FIXQ") +
				     bytesOf({'q', 4, 0, 2, 0x00, 0x01, 0x80, 0x00, 0xff, 0xff, 0x80, 0x00}) +
				     text("FIXL") + bytesOf({'Q', 8, 0, 1, 0, 0, 0, 2, 0x40, 0, 0, 0}));
}

TEST(KlvWriter, FourccsAndWideIntegers)
{
	KlvWriter w;
	w.fourccs(FourCC("GPSA"), {FourCC("MSLV")});
	w.integers(FourCC("STMP"), 'J', {0x0102030405060708});
	EXPECT_EQ(w.bytes(), text("GPSA") + bytesOf({'F', 4, 0, 1}) + text("MSLV") + text("STMP") +
				     bytesOf({'J', 8, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(KlvWriter, RawDataIsPaddedAndHeaderKept)
{
	// GPSU as HERO8+ write it: type U, one 16-byte date.
	KlvWriter w;
	const Bytes date = text("220920132938.299");
	w.raw(FourCC("GPSU"), 'U', 16, 1, date);
	EXPECT_EQ(w.bytes(), text("GPSU") + bytesOf({'U', 16, 0, 1}) + date);

	// A complex sample ('?') of 3 bytes with a short buffer: zero-filled to what the header says.
	KlvWriter s;
	s.raw(FourCC("HUES"), '?', 3, 2, bytesOf({1, 2, 3, 4}));
	EXPECT_EQ(s.bytes(), text("HUES") + bytesOf({'?', 3, 0, 2, 1, 2, 3, 4, 0, 0, 0, 0}));
}

TEST(KlvWriter, UnknownTypesWriteNothing)
{
	KlvWriter w;
	w.integers(FourCC("BADT"), 'f', {1});
	w.floats(FourCC("BADT"), 'l', {1});
	// 300 bytes per sample cannot fit the one-byte struct size.
	std::vector<std::int64_t> wide(150, 0);
	w.integers(FourCC("WIDE"), 's', wide, 150);
	EXPECT_TRUE(w.bytes().empty());
}

TEST(KlvWriter, RoundTripThroughWalker)
{
	KlvWriter w;
	w.begin(FourCC("DEVC"));
	w.integers(FourCC("DVID"), 'L', {1});
	w.string(FourCC("DVNM"), "Camera");
	w.begin(FourCC("STRM"));
	w.integers(FourCC("TSMP"), 'L', {400});
	w.string(FourCC("SIUN"), "m/s\xb2");
	w.integers(FourCC("SCAL"), 's', {418});
	w.integers(FourCC("ACCL"), 's', {4084, -76, 387, 4081, -150, 404}, 3);
	w.end();
	w.end();

	const auto top = walkAll(w.bytes());
	ASSERT_EQ(top.size(), 1u);
	EXPECT_EQ(top[0].key, FourCC("DEVC"));
	EXPECT_TRUE(top[0].isNested());

	const auto devc = walkAll(top[0].data);
	ASSERT_EQ(devc.size(), 3u);
	EXPECT_EQ(devc[1].key, FourCC("DVNM"));
	EXPECT_EQ(std::string(devc[1].data.begin(), devc[1].data.end()), "Camera");
	EXPECT_EQ(devc[2].key, FourCC("STRM"));

	const auto strm = walkAll(devc[2].data);
	ASSERT_EQ(strm.size(), 4u);
	const Klv &accl = strm[3];
	EXPECT_EQ(accl.key, FourCC("ACCL"));
	EXPECT_EQ(accl.type, 's');
	EXPECT_EQ(accl.structSize, 6);
	EXPECT_EQ(accl.repeat, 2);
	ASSERT_EQ(accl.data.size(), 12u);
	// Second axis of the first sample: -76 as a big-endian int16.
	EXPECT_EQ(static_cast<std::int16_t>((accl.data[2] << 8) | accl.data[3]), -76);
	EXPECT_EQ(strm[1].data.size(), 4u);
	EXPECT_EQ(strm[1].data[3], 0xb2);
}

TEST(AppendBe, WritesMostSignificantByteFirst)
{
	Bytes out;
	appendBe(out, 0x0a0b0c0d, 4);
	appendBe(out, 0x1234, 2);
	appendBe(out, 0xff, 1);
	EXPECT_EQ(out, bytesOf({0x0a, 0x0b, 0x0c, 0x0d, 0x12, 0x34, 0xff}));
}
