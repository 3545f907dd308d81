// SPDX-License-Identifier: GPL-2.0-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse's record writers (GstGpmfParseWriters): tasks on helper threads, deliveries in order.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gstgpmfparse-writers.h"

namespace
{

// A task that takes a while, different for each index, so helpers finish out of order.
void busyFor(std::size_t index)
{
	std::this_thread::sleep_for(std::chrono::microseconds((index * 7919) % 400));
}

TEST(GpmfParseWriters, DeliversInSubmissionOrderWhateverTheTaskDurations)
{
	GstGpmfParseWriters writers;
	writers.setThreads(4);
	std::vector<std::size_t> delivered;
	std::mutex mutex;
	std::set<std::thread::id> writerThreads;
	for (std::size_t i = 0; i < 200; i++) {
		ASSERT_EQ(writers.makeRoom(), GST_FLOW_OK);
		writers.submit(
		    [i, &mutex, &writerThreads]() {
			    busyFor(i);
			    std::lock_guard lock(mutex);
			    writerThreads.insert(std::this_thread::get_id());
		    },
		    [i, &delivered]() {
			    delivered.push_back(i);
			    return GST_FLOW_OK;
		    });
	}
	ASSERT_EQ(writers.finish(), GST_FLOW_OK);
	ASSERT_EQ(delivered.size(), 200u);
	for (std::size_t i = 0; i < delivered.size(); i++)
		EXPECT_EQ(delivered[i], i);
	EXPECT_GE(writerThreads.size(), 2u) << "the helpers wrote some of the records";
}

TEST(GpmfParseWriters, HoldsAtMostCapacityPayloads)
{
	GstGpmfParseWriters writers;
	writers.setThreads(2);
	EXPECT_EQ(writers.capacity(), 8u);
	std::size_t submitted = 0, delivered = 0, most = 0;
	for (std::size_t i = 0; i < 100; i++) {
		ASSERT_EQ(writers.makeRoom(), GST_FLOW_OK);
		writers.submit([i]() { busyFor(i); }, [&delivered]() {
			delivered++;
			return GST_FLOW_OK;
		});
		submitted++;
		most = std::max(most, submitted - delivered);
	}
	EXPECT_LE(most, writers.capacity());
	ASSERT_EQ(writers.finish(), GST_FLOW_OK);
	EXPECT_EQ(delivered, 100u);

	writers.setThreads(64);
	EXPECT_EQ(writers.capacity(), 32u) << "4 per thread, 32 at most";
}

TEST(GpmfParseWriters, AFailedDeliveryDropsTheRestAndReturnsItsFlow)
{
	GstGpmfParseWriters writers;
	writers.setThreads(3);
	auto held = std::make_shared<int>(0); // what pending deliveries hold (buffers, snapshots)
	std::vector<std::size_t> delivered;
	for (std::size_t i = 0; i < 8; i++) {
		ASSERT_EQ(writers.makeRoom(), GST_FLOW_OK);
		writers.submit([i]() { busyFor(i); }, [i, held, &delivered]() {
			delivered.push_back(i);
			return i == 3 ? GST_FLOW_NOT_LINKED : GST_FLOW_OK;
		});
	}
	EXPECT_EQ(writers.finish(), GST_FLOW_NOT_LINKED);
	EXPECT_EQ(delivered, (std::vector<std::size_t>{0, 1, 2, 3}));
	EXPECT_EQ(held.use_count(), 1) << "the dropped deliveries are released";
	EXPECT_EQ(writers.finish(), GST_FLOW_OK) << "nothing is left";
}

TEST(GpmfParseWriters, DiscardWaitsForTasksRunningAndDeliversNothing)
{
	GstGpmfParseWriters writers;
	writers.setThreads(2);
	std::atomic<int> ended{ 0 };
	bool delivered = false;
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(writers.makeRoom(), GST_FLOW_OK);
		writers.submit(
		    [&ended]() {
			    std::this_thread::sleep_for(std::chrono::milliseconds(20));
			    ended++;
		    },
		    [&delivered]() {
			    delivered = true;
			    return GST_FLOW_OK;
		    });
	}
	std::this_thread::sleep_for(std::chrono::milliseconds(5)); // a helper has one by now
	writers.discard();
	const int endedAtDiscard = ended.load();
	EXPECT_GE(endedAtDiscard, 1) << "a task a helper had started was waited for";
	std::this_thread::sleep_for(std::chrono::milliseconds(60));
	EXPECT_EQ(ended.load(), endedAtDiscard) << "tasks not started were dropped, not run later";
	EXPECT_FALSE(delivered);
	EXPECT_EQ(writers.finish(), GST_FLOW_OK);
}

TEST(GpmfParseWriters, WithOneThreadTheCallerWritesWhenItDelivers)
{
	GstGpmfParseWriters writers;
	writers.setThreads(1);
	EXPECT_FALSE(writers.parallel());
	const std::thread::id caller = std::this_thread::get_id();
	std::thread::id writer;
	bool delivered = false;
	writers.submit([&writer]() { writer = std::this_thread::get_id(); }, [&delivered]() {
		delivered = true;
		return GST_FLOW_OK;
	});
	ASSERT_EQ(writers.finish(), GST_FLOW_OK);
	EXPECT_TRUE(delivered);
	EXPECT_EQ(writer, caller);
}

TEST(GpmfParseWriters, StopEndsTheHelpersAndTheyStartAgain)
{
	GstGpmfParseWriters writers;
	writers.setThreads(3);
	std::vector<int> delivered;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 10; i++) {
			ASSERT_EQ(writers.makeRoom(), GST_FLOW_OK);
			writers.submit([i]() { busyFor(std::size_t(i)); }, [i, &delivered]() {
				delivered.push_back(i);
				return GST_FLOW_OK;
			});
		}
		ASSERT_EQ(writers.finish(), GST_FLOW_OK);
		writers.stop();
	}
	EXPECT_EQ(delivered.size(), 30u);
}

} // namespace
