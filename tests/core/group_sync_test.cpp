#include "core/group_sync.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/error.h"
#include "support/temp_dir.h"

namespace sealbox {
namespace {

TEST(GroupSync, ALoneWriterGetsItsOwnFlush) {
    testing::TempDir dir;
    GroupSync sync(dir.path());
    sync.wait_durable();
    sync.wait_durable();
    EXPECT_EQ(sync.flushes(), 2u);
}

// Many writers at once share flushes; every one of them returns.
TEST(GroupSync, ConcurrentWritersShareFlushes) {
    testing::TempDir dir;
    GroupSync sync(dir.path());
    constexpr int kThreads = 16;
    constexpr int kRounds = 20;
    std::atomic<int> returned = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kRounds; ++i) {
                sync.wait_durable();
                ++returned;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(returned, kThreads * kRounds);
    EXPECT_LT(sync.flushes(), static_cast<std::uint64_t>(kThreads * kRounds));
    EXPECT_GE(sync.flushes(), static_cast<std::uint64_t>(kRounds));
}

TEST(GroupSync, MissingDirectoryIsAnError) {
    EXPECT_THROW(GroupSync("/nonexistent/sealbox"), Error);
}

}  // namespace
}  // namespace sealbox
