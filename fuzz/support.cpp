// SPDX-License-Identifier: LGPL-2.1-or-later
// The fuzz targets' checks: a strict JSON validator, the model's invariants, an allocation bound.
#include "support.h"

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <numeric>

#include <sanitizer/allocator_interface.h>
#include <sanitizer/common_interface_defs.h>

namespace gpmf::fuzz {

namespace {

class Checker {
public:
	explicit Checker(std::string_view text) : s_(text) {}

	bool record()
	{
		if (!object(0))
			return false;
		return pos_ + 1 == s_.size() && s_[pos_] == '\n';
	}

private:
	// The writer tracks 64 levels; records nest far less.
	static constexpr int kMaxDepth = 64;

	bool at(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
	bool eat(char c)
	{
		if (!at(c))
			return false;
		pos_++;
		return true;
	}
	bool literal(std::string_view word)
	{
		if (s_.substr(pos_, word.size()) != word)
			return false;
		pos_ += word.size();
		return true;
	}
	bool digits()
	{
		const std::size_t start = pos_;
		while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9')
			pos_++;
		return pos_ > start;
	}

	bool value(int depth)
	{
		if (depth > kMaxDepth || pos_ >= s_.size())
			return false;
		switch (s_[pos_]) {
		case '{':
			return object(depth + 1);
		case '[':
			return array(depth + 1);
		case '"':
			return string();
		case 't':
			return literal("true");
		case 'f':
			return literal("false");
		case 'n':
			return literal("null");
		default:
			return number();
		}
	}

	bool object(int depth)
	{
		if (!eat('{'))
			return false;
		if (eat('}'))
			return true;
		do {
			if (!string() || !eat(':') || !value(depth))
				return false;
		} while (eat(','));
		return eat('}');
	}

	bool array(int depth)
	{
		if (!eat('['))
			return false;
		if (eat(']'))
			return true;
		do {
			if (!value(depth))
				return false;
		} while (eat(','));
		return eat(']');
	}

	bool number()
	{
		eat('-');
		if (eat('0')) {
			// no leading zeros
		} else if (!digits()) {
			return false;
		}
		if (eat('.') && !digits())
			return false;
		if (eat('e') || eat('E')) {
			if (!eat('+'))
				eat('-');
			if (!digits())
				return false;
		}
		return true;
	}

	bool string()
	{
		if (!eat('"'))
			return false;
		while (pos_ < s_.size()) {
			const auto c = static_cast<unsigned char>(s_[pos_]);
			if (c == '"') {
				pos_++;
				return true;
			}
			if (c < 0x20)
				return false;
			if (c == '\\') {
				pos_++;
				if (pos_ >= s_.size())
					return false;
				const char e = s_[pos_++];
				if (e == 'u') {
					for (int i = 0; i < 4; i++) {
						if (pos_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_])))
							return false;
						pos_++;
					}
				} else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
					return false;
				}
				continue;
			}
			if (c < 0x80) {
				pos_++;
				continue;
			}
			if (!utf8(c))
				return false;
		}
		return false;
	}

	// One well-formed multi-byte UTF-8 sequence (Unicode table 3-7).
	bool utf8(unsigned char c)
	{
		std::size_t len;
		unsigned char lo = 0x80, hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			lo = c == 0xe0 ? 0xa0 : 0x80;
			hi = c == 0xed ? 0x9f : 0xbf;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			lo = c == 0xf0 ? 0x90 : 0x80;
			hi = c == 0xf4 ? 0x8f : 0xbf;
		} else {
			return false;
		}
		if (s_.size() - pos_ < len)
			return false;
		for (std::size_t i = 1; i < len; i++) {
			const auto b = static_cast<unsigned char>(s_[pos_ + i]);
			if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf))
				return false;
		}
		pos_ += len;
		return true;
	}

	std::string_view s_;
	std::size_t pos_ = 0;
};

} // namespace

bool isJsonRecord(std::string_view text)
{
	return Checker(text).record();
}

void requireJsonRecord(std::string_view text, const char *what)
{
	if (isJsonRecord(text))
		return;
	std::fprintf(stderr, "malformed %s record (%zu bytes):\n%.*s\n", what, text.size(),
		     static_cast<int>(text.size() > 4096 ? 4096 : text.size()), text.data());
	std::abort();
}

namespace {

[[noreturn]] void inconsistent(const Device &device, const Stream &stream, const char *what)
{
	std::fprintf(stderr, "inconsistent stream %s/%s: %s\n", device.idString().c_str(), stream.key.str().c_str(), what);
	std::abort();
}

} // namespace

void requireConsistent(const Payload &payload, std::size_t inputSize)
{
	for (const Diagnostic &d : payload.diagnostics) {
		if (d.offset > inputSize) {
			std::fprintf(stderr, "diagnostic offset %zu past the %zu-byte input: %s\n", d.offset, inputSize,
				     d.message().c_str());
			std::abort();
		}
	}
	for (const Device &device : payload.devices) {
		for (const Stream &s : device.streams) {
			const Values &v = s.values;
			if (v.numbers.size() != std::size_t{v.sampleCount} * v.numericFieldCount())
				inconsistent(device, s, "numbers do not match sampleCount x numeric fields");
			if (v.texts.size() != std::size_t{v.sampleCount} * v.textFieldCount())
				inconsistent(device, s, "texts do not match sampleCount x text fields");
			if (s.isGrouped() &&
			    std::accumulate(s.slotSizes.begin(), s.slotSizes.end(), std::uint64_t{0}) != v.sampleCount)
				inconsistent(device, s, "slot sizes do not add up to sampleCount");
			if (!s.times.empty() && s.times.size() != s.slotCount())
				inconsistent(device, s, "one time per slot");
			if (!s.utc.empty() && s.utc.size() != s.slotCount())
				inconsistent(device, s, "one UTC per slot");
		}
	}
}

namespace {

// 0: no bound (outside the code under test: libFuzzer's own work).
std::atomic<std::size_t> gAllocationLimit{0};

void mallocHook(const volatile void *, std::size_t size)
{
	const std::size_t limit = gAllocationLimit.load(std::memory_order_relaxed);
	if (limit == 0 || size <= limit)
		return;
	gAllocationLimit.store(0);
	std::fprintf(stderr, "==ERROR: allocation of %zu bytes exceeds the bound of %zu for this input\n", size, limit);
	__sanitizer_print_stack_trace();
	std::abort();
}

void freeHook(const volatile void *) {}

} // namespace

AllocationBound::AllocationBound(std::size_t inputSize)
{
	static const bool installed = __sanitizer_install_malloc_and_free_hooks(mallocHook, freeHook) != 0;
	(void)installed;
	// A Stream object (a few hundred bytes, doubled by vector growth) is the largest thing
	// made from 8 input bytes; 1 MiB covers the fixed costs. A hostile repeat × struct size
	// claims up to 16 MiB from a 16-byte input, far beyond this.
	gAllocationLimit.store((std::size_t{1} << 20) + 128 * inputSize);
}

AllocationBound::~AllocationBound()
{
	gAllocationLimit.store(0);
}

} // namespace gpmf::fuzz
