// SPDX-License-Identifier: GPL-2.0-or-later
// KLV framing: header fields, 32-bit padding, and every malformed header reported, never crashed on.
#include <vector>

#include <gtest/gtest.h>

#include "gpmf/klv.h"
#include "gpmf/klv_writer.h"

using namespace gpmf;

namespace {

std::vector<std::uint8_t> header(const char key[5], char type, std::uint8_t size, std::uint16_t repeat)
{
	return {std::uint8_t(key[0]), std::uint8_t(key[1]), std::uint8_t(key[2]), std::uint8_t(key[3]),
		std::uint8_t(type),   size,		     std::uint8_t(repeat >> 8), std::uint8_t(repeat)};
}

} // namespace

TEST(TypeSize, MatchesTheSpecificationTable)
{
	const std::pair<char, std::size_t> table[] = {
		{'b', 1}, {'B', 1}, {'c', 1}, {'u', 1}, {'s', 2}, {'S', 2}, {'l', 4}, {'L', 4}, {'f', 4},
		{'F', 4}, {'q', 4}, {'d', 8}, {'j', 8}, {'J', 8}, {'Q', 8}, {'G', 16}, {'U', 16},
	};
	for (auto [type, size] : table)
		EXPECT_EQ(typeSize(type), size) << "type " << type;
	EXPECT_EQ(typeSize(0), 0u);
	EXPECT_EQ(typeSize('?'), 0u);
	EXPECT_EQ(typeSize('#'), 0u);
	EXPECT_FALSE(typeSize('x').has_value());
	EXPECT_FALSE(typeSize('\x7f').has_value());
}

TEST(KlvWalker, ReadsHeaderFieldsAndSkipsPadding)
{
	// Spec example: DMO1 b 1 1 <byte> + 3 pad, DMO2 b 1 15 <15 bytes> + 1 pad, DMO3 L 4 1.
	KlvWriter w;
	w.integers(FourCC("DMO1"), 'b', {7});
	std::vector<std::int64_t> fifteen(15, 3);
	w.integers(FourCC("DMO2"), 'b', fifteen);
	w.integers(FourCC("DMO3"), 'L', {0x01020304});
	const auto bytes = w.take();
	ASSERT_EQ(bytes.size(), 12u + 24u + 12u);

	KlvWalker walker(bytes);
	auto a = walker.next();
	ASSERT_TRUE(a);
	EXPECT_EQ(a->key, FourCC("DMO1"));
	EXPECT_EQ(a->type, 'b');
	EXPECT_EQ(a->structSize, 1);
	EXPECT_EQ(a->repeat, 1);
	EXPECT_EQ(a->data.size(), 1u);
	EXPECT_EQ(a->offset, 0u);
	auto b = walker.next();
	ASSERT_TRUE(b);
	EXPECT_EQ(b->data.size(), 15u);
	EXPECT_EQ(b->offset, 12u);
	auto c = walker.next();
	ASSERT_TRUE(c);
	EXPECT_EQ(c->offset, 36u);
	EXPECT_EQ(c->data[3], 0x04);
	EXPECT_FALSE(walker.next());
	EXPECT_FALSE(walker.error());
}

TEST(KlvWalker, DataRunningPastTheEndIsTruncated)
{
	auto bytes = header("ACCL", 's', 6, 100); // needs 600 bytes
	bytes.resize(bytes.size() + 20, 0);
	KlvWalker walker(bytes, 1000);
	// The 3 whole samples that are there still come out, with the error reported.
	auto k = walker.next();
	ASSERT_TRUE(k);
	EXPECT_EQ(k->repeat, 3);
	EXPECT_EQ(k->data.size(), 18u);
	EXPECT_FALSE(walker.next());
	ASSERT_TRUE(walker.error());
	EXPECT_EQ(walker.error()->code, Errc::Truncated);
	EXPECT_EQ(walker.error()->offset, 1000u);
	EXPECT_EQ(walker.error()->path, "ACCL");
	EXPECT_NE(walker.error()->message().find("needs 600 bytes, 20 left"), std::string::npos);
}

TEST(KlvWalker, HeaderCutShortIsTruncated)
{
	const auto full = header("TSMP", 'L', 4, 1);
	const std::vector<std::uint8_t> bytes(full.begin(), full.begin() + 5);
	KlvWalker walker(bytes);
	EXPECT_FALSE(walker.next());
	ASSERT_TRUE(walker.error());
	EXPECT_EQ(walker.error()->code, Errc::Truncated);
}

TEST(KlvWalker, MissingFinalPaddingStillYieldsTheData)
{
	auto bytes = header("STNM", 'c', 1, 5);
	for (char c : std::string("Hello"))
		bytes.push_back(std::uint8_t(c));
	KlvWalker walker(bytes); // 3 padding bytes absent
	auto k = walker.next();
	ASSERT_TRUE(k);
	EXPECT_EQ(k->data.size(), 5u);
	EXPECT_FALSE(walker.next());
	EXPECT_FALSE(walker.error());
}

TEST(KlvWalker, NonAsciiKeyIsBadKey)
{
	auto bytes = header("AC\x01L", 's', 2, 1);
	bytes.resize(bytes.size() + 4, 0);
	KlvWalker walker(bytes);
	EXPECT_FALSE(walker.next());
	ASSERT_TRUE(walker.error());
	EXPECT_EQ(walker.error()->code, Errc::BadKey);
}

TEST(KlvWalker, UnknownTypeIsBadType)
{
	auto bytes = header("ACCL", 'x', 2, 1);
	bytes.resize(bytes.size() + 4, 0);
	KlvWalker walker(bytes);
	EXPECT_FALSE(walker.next());
	ASSERT_TRUE(walker.error());
	EXPECT_EQ(walker.error()->code, Errc::BadType);
	EXPECT_NE(walker.error()->message().find("type 0x78 is not a GPMF type"), std::string::npos)
		<< walker.error()->message();
}

TEST(KlvWalker, ABadTypeByteIsNamedInHexadecimal)
{
	auto bytes = header("ACCL", char(0x88), 2, 1);
	bytes.resize(bytes.size() + 4, 0);
	KlvWalker walker(bytes);
	EXPECT_FALSE(walker.next());
	ASSERT_TRUE(walker.error());
	EXPECT_NE(walker.error()->message().find("type 0x88 is not"), std::string::npos) << walker.error()->message();
}

TEST(KlvWalker, TrailingZeroFillIsNotAnError)
{
	KlvWriter w;
	w.integers(FourCC("TSMP"), 'L', {5});
	auto bytes = w.take();
	bytes.resize(bytes.size() + 13, 0);
	KlvWalker walker(bytes);
	EXPECT_TRUE(walker.next());
	EXPECT_FALSE(walker.next());
	EXPECT_FALSE(walker.error());
}

TEST(KlvWalker, ZeroKeyFollowedByDataIsAnError)
{
	std::vector<std::uint8_t> bytes(8, 0);
	const auto more = header("TSMP", 'L', 4, 1);
	bytes.insert(bytes.end(), more.begin(), more.end());
	bytes.resize(bytes.size() + 4, 1);
	KlvWalker walker(bytes);
	EXPECT_FALSE(walker.next());
	ASSERT_TRUE(walker.error());
	EXPECT_EQ(walker.error()->code, Errc::BadKey);
}

TEST(KlvWalker, NestedChildrenCarryAbsoluteOffsets)
{
	KlvWriter w;
	w.begin(FourCC("DEVC"));
	w.integers(FourCC("DVID"), 'L', {1});
	w.string(FourCC("DVNM"), "Camera");
	w.end();
	const auto bytes = w.take();
	KlvWalker top(bytes);
	auto devc = top.next();
	ASSERT_TRUE(devc);
	EXPECT_TRUE(devc->isNested());
	KlvWalker inner(devc->data, devc->offset + kKlvHeaderSize);
	auto dvid = inner.next();
	auto dvnm = inner.next();
	ASSERT_TRUE(dvid && dvnm);
	EXPECT_EQ(dvid->offset, 8u);
	EXPECT_EQ(dvnm->offset, 20u);
	EXPECT_EQ(std::string(dvnm->data.begin(), dvnm->data.end()), "Camera");
}
