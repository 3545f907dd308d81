// SPDX-License-Identifier: GPL-2.0-or-later
// Value decoding: every GPMF type character, TYPE-described structures and text encodings.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpmf/values.h"

using namespace gpmf;

namespace {

// A KLV over caller-owned bytes (the walker is tested elsewhere).
Klv makeKlv(char type, std::uint8_t structSize, std::uint16_t repeat, const std::vector<std::uint8_t> &data)
{
	Klv k;
	k.key = FourCC("TEST");
	k.type = type;
	k.structSize = structSize;
	k.repeat = repeat;
	k.data = data;
	return k;
}

struct NumberCase {
	char type;
	std::vector<std::uint8_t> bytes;
	double expected;
};

class NumericType : public ::testing::TestWithParam<NumberCase> {};

std::vector<std::uint8_t> floatBytes(float f)
{
	std::uint32_t u;
	std::memcpy(&u, &f, 4);
	return {std::uint8_t(u >> 24), std::uint8_t(u >> 16), std::uint8_t(u >> 8), std::uint8_t(u)};
}

std::vector<std::uint8_t> doubleBytes(double d)
{
	std::uint64_t u;
	std::memcpy(&u, &d, 8);
	std::vector<std::uint8_t> b;
	for (int i = 7; i >= 0; i--)
		b.push_back(std::uint8_t(u >> (8 * i)));
	return b;
}

} // namespace

TEST_P(NumericType, DecodesOneBigEndianElement)
{
	const auto &c = GetParam();
	const auto k = makeKlv(c.type, std::uint8_t(c.bytes.size()), 1, c.bytes);
	const auto d = decodeValues(k);
	ASSERT_FALSE(d.error) << d.error->message();
	ASSERT_EQ(d.values.sampleCount, 1u);
	ASSERT_EQ(d.values.numbers.size(), 1u);
	EXPECT_DOUBLE_EQ(d.values.numbers[0], c.expected);
}

INSTANTIATE_TEST_SUITE_P(
	EveryNumericTypeCharacter, NumericType,
	::testing::Values(NumberCase{'b', {0xff}, -1.0}, NumberCase{'B', {0xff}, 255.0},
			  NumberCase{'s', {0xff, 0xfe}, -2.0}, NumberCase{'S', {0xff, 0xfe}, 65534.0},
			  NumberCase{'l', {0xff, 0xff, 0xff, 0xfd}, -3.0},
			  NumberCase{'L', {0xff, 0xff, 0xff, 0xfd}, 4294967293.0},
			  NumberCase{'j', {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc}, -4.0},
			  NumberCase{'J', {0, 0, 0, 1, 0, 0, 0, 0}, 4294967296.0},
			  NumberCase{'f', floatBytes(1.5f), 1.5}, NumberCase{'d', doubleBytes(-2.25), -2.25},
			  // Q15.16: 0x0001_8000 is 1.5; 0xFFFF_8000 is -0.5.
			  NumberCase{'q', {0x00, 0x01, 0x80, 0x00}, 1.5}, NumberCase{'q', {0xff, 0xff, 0x80, 0x00}, -0.5},
			  // Q31.32: integer part 3, fraction 0x4000_0000 = 0.25.
			  NumberCase{'Q', {0, 0, 0, 3, 0x40, 0, 0, 0}, 3.25}),
	[](const ::testing::TestParamInfo<NumberCase> &info) {
		return std::string(1, info.param.type) + (std::isupper(info.param.type) ? "upper" : "lower") +
		       std::to_string(info.index);
	});

TEST(TextTypes, StringWithStructSizeOneIsOneString)
{
	const std::vector<std::uint8_t> b{'C', 'a', 'm', 'e', 'r', 'a'};
	const auto d = decodeValues(makeKlv('c', 1, 6, b));
	ASSERT_FALSE(d.error);
	ASSERT_EQ(d.values.sampleCount, 1u);
	EXPECT_EQ(d.values.texts.at(0), "Camera");
}

TEST(TextTypes, FixedWidthStringsAreAnArrayWithPaddingTrimmed)
{
	// UNIT 'c' 3 2 "deg","m\0\0" as Karma writes per-field units.
	const std::vector<std::uint8_t> b{'d', 'e', 'g', 'm', 0, 0};
	const auto d = decodeValues(makeKlv('c', 3, 2, b));
	ASSERT_FALSE(d.error);
	ASSERT_EQ(d.values.texts.size(), 2u);
	EXPECT_EQ(d.values.texts[0], "deg");
	EXPECT_EQ(d.values.texts[1], "m");
}

TEST(TextTypes, Latin1UnitsBecomeUtf8)
{
	const std::vector<std::uint8_t> b{'m', '/', 's', 0xb2};
	const auto d = decodeValues(makeKlv('c', 4, 1, b));
	ASSERT_FALSE(d.error);
	EXPECT_EQ(d.values.texts.at(0), "m/s\xc2\xb2");
	EXPECT_EQ(latin1ToUtf8("\xb5T"), "\xc2\xb5T");
	EXPECT_EQ(latin1ToUtf8("\xc2\xb0"
			       "C"),
		  "\xc2\xb0"
		  "C"); // already UTF-8: unchanged
}

TEST(TextTypes, FourCCGuidAndUtcDate)
{
	const std::vector<std::uint8_t> fourcc{'S', 'N', 'O', 'W'};
	EXPECT_EQ(decodeValues(makeKlv('F', 4, 1, fourcc)).values.texts.at(0), "SNOW");

	std::vector<std::uint8_t> guid(16);
	for (int i = 0; i < 16; i++)
		guid[i] = std::uint8_t(i * 17);
	EXPECT_EQ(decodeValues(makeKlv('G', 16, 1, guid)).values.texts.at(0), "00112233445566778899aabbccddeeff");

	const std::string utc = "170417173103.000";
	const std::vector<std::uint8_t> u(utc.begin(), utc.end());
	EXPECT_EQ(decodeValues(makeKlv('U', 16, 1, u)).values.texts.at(0), utc);
}

TEST(ComplexTypes, TypeDescriptorExpandsArrays)
{
	const auto f = parseTypeDescriptor("f[8]L");
	ASSERT_TRUE(f);
	ASSERT_EQ(f->size(), 9u);
	EXPECT_EQ((*f)[7].type, 'f');
	EXPECT_EQ((*f)[8].type, 'L');
	const auto s = parseTypeDescriptor("c[16]f");
	ASSERT_TRUE(s);
	ASSERT_EQ(s->size(), 2u);
	EXPECT_EQ((*s)[0].width, 16);
	EXPECT_FALSE(parseTypeDescriptor("f["));
	EXPECT_FALSE(parseTypeDescriptor("f[]"));
	EXPECT_FALSE(parseTypeDescriptor("[3]"));
	EXPECT_FALSE(parseTypeDescriptor("fx"));
	EXPECT_FALSE(parseTypeDescriptor("f[99999]"));
	EXPECT_FALSE(parseTypeDescriptor(""));
}

TEST(ComplexTypes, MixedStructureDecodesFieldByField)
{
	// SCEN-like "Ff": FourCC class + float probability, two samples.
	std::vector<std::uint8_t> b{'S', 'N', 'O', 'W'};
	auto p = floatBytes(0.25f);
	b.insert(b.end(), p.begin(), p.end());
	b.insert(b.end(), {'U', 'R', 'B', 'A'});
	p = floatBytes(0.75f);
	b.insert(b.end(), p.begin(), p.end());
	const auto d = decodeValues(makeKlv('?', 8, 2, b), "Ff");
	ASSERT_FALSE(d.error);
	ASSERT_EQ(d.values.sampleCount, 2u);
	EXPECT_TRUE(d.values.isTextField(0));
	EXPECT_FALSE(d.values.isTextField(1));
	EXPECT_EQ(d.values.text(1, 0), "URBA");
	EXPECT_DOUBLE_EQ(d.values.number(1, 1), 0.75);
}

TEST(ComplexTypes, TypeThatDoesNotFitTheStructSizeIsBadSize)
{
	const std::vector<std::uint8_t> b(8, 0);
	const auto d = decodeValues(makeKlv('?', 8, 1, b), "Lf[2]");
	ASSERT_TRUE(d.error);
	EXPECT_EQ(d.error->code, Errc::BadSize);
}

TEST(ComplexTypes, MissingTypeIsReported)
{
	const std::vector<std::uint8_t> b(4, 0);
	const auto d = decodeValues(makeKlv('?', 4, 1, b));
	ASSERT_TRUE(d.error);
	EXPECT_EQ(d.error->code, Errc::BadStructure);
}

TEST(Values, StructSizeNotAMultipleOfTheTypeIsBadSize)
{
	const std::vector<std::uint8_t> b(5, 0);
	const auto d = decodeValues(makeKlv('s', 5, 1, b));
	ASSERT_TRUE(d.error);
	EXPECT_EQ(d.error->code, Errc::BadSize);
}

TEST(Values, CompressedDataIsUnsupported)
{
	const std::vector<std::uint8_t> b(8, 0);
	const auto d = decodeValues(makeKlv('#', 8, 1, b));
	ASSERT_TRUE(d.error);
	EXPECT_EQ(d.error->code, Errc::Unsupported);
}

TEST(Values, RepeatZeroGivesNoSamples)
{
	const auto d = decodeValues(makeKlv('s', 6, 0, {}));
	ASSERT_FALSE(d.error);
	EXPECT_EQ(d.values.sampleCount, 0u);
	EXPECT_EQ(d.values.fields.size(), 3u);
	EXPECT_TRUE(d.values.numbers.empty());
}

TEST(Values, MultiAxisSamplesAreSampleMajor)
{
	// Two samples of x,y,z int16.
	const std::vector<std::uint8_t> b{0, 1, 0, 2, 0, 3, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xfd};
	const auto d = decodeValues(makeKlv('s', 6, 2, b));
	ASSERT_FALSE(d.error);
	ASSERT_EQ(d.values.fields.size(), 3u);
	EXPECT_EQ(d.values.numbers, (std::vector<double>{1, 2, 3, -1, -2, -3}));
	EXPECT_DOUBLE_EQ(d.values.number(1, 2), -3);
}
