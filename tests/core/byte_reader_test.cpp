// SPDX-License-Identifier: GPL-2.0-or-later
// ByteReader: big-endian reads that never run past the end.
#include <array>

#include <gtest/gtest.h>

#include "gpmf/byte_reader.h"

using gpmf::ByteReader;

TEST(ByteReader, ReadsBigEndianValuesInOrder)
{
	const std::array<std::uint8_t, 15> bytes{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
						 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
	ByteReader r(bytes);
	std::uint8_t u8;
	std::uint16_t u16;
	std::uint32_t u32;
	std::uint64_t u64;
	ASSERT_TRUE(r.readU8(u8));
	ASSERT_TRUE(r.readBe16(u16));
	ASSERT_TRUE(r.readBe32(u32));
	ASSERT_TRUE(r.readBe64(u64));
	EXPECT_EQ(u8, 0x01);
	EXPECT_EQ(u16, 0x0203);
	EXPECT_EQ(u32, 0x04050607u);
	EXPECT_EQ(u64, 0x08090a0b0c0d0e0full);
	EXPECT_TRUE(r.atEnd());
}

TEST(ByteReader, ShortReadFailsWithoutMoving)
{
	const std::array<std::uint8_t, 3> bytes{1, 2, 3};
	ByteReader r(bytes);
	std::uint32_t v = 0xdeadbeef;
	EXPECT_FALSE(r.readBe32(v));
	EXPECT_EQ(v, 0xdeadbeefu);
	EXPECT_EQ(r.offset(), 0u);
	EXPECT_FALSE(r.take(4).has_value());
	EXPECT_FALSE(r.skip(4));
	auto two = r.take(2);
	ASSERT_TRUE(two.has_value());
	EXPECT_EQ(two->size(), 2u);
	EXPECT_EQ(r.remaining(), 1u);
}
