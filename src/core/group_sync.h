#pragma once
// Group commit: writers that need their writes durable before they answer (a 250 to SMTP) write
// without syncing and then wait here; one of them, the leader, flushes the whole file system
// with syncfs(2) for everyone waiting, and writers arriving meanwhile share the next flush. N
// concurrent deliveries then cost one flush, not N fsyncs of file and directory, and a lone
// delivery costs one flush, as before. syncfs covers file data, renames and SQLite WAL frames
// alike, on the file system of the directory given at construction: everything that must be
// durable lives there (the data directory is one file system).

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <utility>

namespace sealbox {

class GroupSync {
  public:
    // Throws Error(io) when `directory` cannot be opened.
    explicit GroupSync(const std::filesystem::path& directory);
    ~GroupSync();
    GroupSync(const GroupSync&) = delete;
    GroupSync& operator=(const GroupSync&) = delete;

    // Returns once every write this thread completed before the call is durable; blocks for at
    // most about two flushes. Throws Error(io) when the flush that covers them fails: the writes
    // may or may not be on disk, and must not be acknowledged.
    void wait_durable();

    std::uint64_t flushes() const;  // how many flushes ran, for tests and metrics

  private:
    struct Failure {
        std::uint64_t first, last;  // the tickets whose flush failed
        std::string what;
    };

    int fd_ = -1;
    mutable std::mutex mutex_;
    std::condition_variable done_;
    std::uint64_t requested_ = 0;  // tickets handed out
    std::uint64_t durable_ = 0;    // every ticket up to this one was covered by a flush
    bool flushing_ = false;
    std::uint64_t flushes_ = 0;
    std::deque<Failure> failures_;  // the recent ones, for waiters that wake late
};

}  // namespace sealbox
