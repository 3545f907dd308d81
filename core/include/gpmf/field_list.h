// SPDX-License-Identifier: LGPL-2.1-or-later
// The fields of a sample, stored inline: every KLV of a payload has a field list, and a heap
// allocation for each (hundreds per payload) cost more than decoding their numbers.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace gpmf {

/// One field of a sample: its type character and how many bytes it takes.
struct Field {
	char type = 0;
	std::uint16_t width = 0; ///< bytes; for 'c' text fields from "c[n]" this is n

	friend bool operator==(const Field &, const Field &) = default;
};

/// A vector of Fields that keeps up to kInline of them without allocating (GPS9 has 9, the
/// widest TYPE seen in camera files about 20); longer lists move to the heap.
class FieldList {
public:
	static constexpr std::size_t kInline = 16;

	FieldList() = default;
	FieldList(std::initializer_list<Field> fields)
	{
		for (const Field &f : fields)
			push_back(f);
	}
	FieldList(std::size_t count, Field field) { assign(count, field); }

	std::size_t size() const noexcept { return size_; }
	bool empty() const noexcept { return size_ == 0; }
	const Field *data() const noexcept { return size_ > kInline ? heap_.data() : inline_.data(); }
	Field *data() noexcept { return size_ > kInline ? heap_.data() : inline_.data(); }
	const Field *begin() const noexcept { return data(); }
	const Field *end() const noexcept { return data() + size_; }
	Field *begin() noexcept { return data(); }
	Field *end() noexcept { return data() + size_; }
	const Field &operator[](std::size_t i) const noexcept { return data()[i]; }
	Field &operator[](std::size_t i) noexcept { return data()[i]; }
	const Field &back() const noexcept { return data()[size_ - 1]; }
	Field &back() noexcept { return data()[size_ - 1]; }

	void push_back(Field f)
	{
		if (size_ < kInline) {
			inline_[size_++] = f;
			return;
		}
		if (size_ == kInline)
			heap_.assign(inline_.begin(), inline_.end());
		heap_.push_back(f);
		size_++;
	}
	void assign(std::size_t count, Field f)
	{
		clear();
		if (count > kInline) {
			heap_.assign(count, f);
			size_ = count;
			return;
		}
		std::fill_n(inline_.begin(), count, f);
		size_ = count;
	}
	void clear() noexcept
	{
		heap_.clear();
		size_ = 0;
	}

	friend bool operator==(const FieldList &a, const FieldList &b) noexcept
	{
		return std::equal(a.begin(), a.end(), b.begin(), b.end());
	}

private:
	std::array<Field, kInline> inline_{};
	std::size_t size_ = 0;
	std::vector<Field> heap_; ///< all the fields, once there are more than kInline
};

} // namespace gpmf
