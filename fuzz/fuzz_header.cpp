// SPDX-License-Identifier: LGPL-2.1-or-later
// Fuzz target: the recording header (udta atoms, settings GPMF, HiLights) and its record.
// The first byte picks how the rest is read:
//   0: a run of udta atoms (size, type, body) as found inside moov/udta,
//   1: a settings GPMF blob (udta GPMF box or JPEG APP6, "GoPro\0" tag optional),
//   2: a 4-byte atom type then an atom body, as addUdtaAtom() takes it.
// Each input is added twice, as qtdemux resends the tags on every pad.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "gpmf/byte_reader.h"
#include "gpmf/header.h"
#include "gpmf/records.h"
#include "support.h"

using namespace gpmf;

namespace {

void addAtoms(Header &header, std::span<const std::uint8_t> bytes)
{
	while (bytes.size() >= 8) {
		const std::uint32_t size32 = loadBe32(bytes.data());
		std::uint64_t size = size32;
		std::size_t headerSize = 8;
		if (size32 == 1) {
			size = bytes.size() >= 16 ? loadBe64(bytes.data() + 8) : 0;
			headerSize = 16;
		} else if (size32 == 0) {
			size = bytes.size();
		}
		const bool wellSized = size >= headerSize && size <= bytes.size();
		// Hand the whole rest to the parser when the size is off, so that it reports it.
		const std::size_t take = wellSized ? std::size_t(size) : bytes.size();
		if (!addUdtaAtomBytes(header, bytes.first(take)) && wellSized)
			__builtin_trap(); // a well-sized atom must be accepted
		bytes = bytes.subspan(take);
	}
	if (!bytes.empty())
		addUdtaAtomBytes(header, bytes);
}

void addInput(Header &header, std::uint8_t mode, std::span<const std::uint8_t> rest)
{
	switch (mode % 3) {
	case 0:
		addAtoms(header, rest);
		break;
	case 1:
		addSettingsGpmf(header, rest);
		break;
	default:
		if (rest.size() >= 4)
			addUdtaAtom(header, FourCC(loadBe32(rest.data())), rest.subspan(4));
		break;
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	if (size < 1)
		return 0;
	fuzz::AllocationBound bound(size);
	const std::span<const std::uint8_t> rest(data + 1, size - 1);
	Header header;
	addInput(header, data[0], rest);
	std::string first;
	writeHeaderRecord(first, header);
	fuzz::requireJsonRecord(first, "header");

	addInput(header, data[0], rest);
	std::string second;
	writeHeaderRecord(second, header);
	fuzz::requireJsonRecord(second, "header");
	return 0;
}
