#include "core/group_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace sealbox {
namespace {

constexpr std::size_t kFailuresKept = 64;

}  // namespace

GroupSync::GroupSync(const std::filesystem::path& directory)
    : fd_(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ < 0) {
        throw Error(ErrorCode::io,
                    "cannot open " + directory.string() + ": " + std::strerror(errno));
    }
}

GroupSync::~GroupSync() {
    ::close(fd_);
}

void GroupSync::wait_durable() {
    std::unique_lock lock(mutex_);
    const std::uint64_t ticket = ++requested_;
    while (durable_ < ticket) {
        if (flushing_) {
            // That flush may have started before this writer's writes; wait for it and look again.
            done_.wait(lock);
            continue;
        }
        flushing_ = true;
        const std::uint64_t first = durable_ + 1;
        const std::uint64_t covered = requested_;  // their writes completed before their tickets
        lock.unlock();
        int error = ::syncfs(fd_) == 0 ? 0 : errno;
        lock.lock();
        flushing_ = false;
        durable_ = covered;
        ++flushes_;
        if (error != 0) {
            failures_.push_back({first, covered, std::strerror(error)});
            if (failures_.size() > kFailuresKept) {
                failures_.pop_front();
            }
        }
        done_.notify_all();
    }
    for (const auto& f : failures_) {
        if (ticket >= f.first && ticket <= f.last) {
            throw Error(ErrorCode::io, "cannot flush the data directory to disk: " + f.what);
        }
    }
}

std::uint64_t GroupSync::flushes() const {
    std::lock_guard lock(mutex_);
    return flushes_;
}

}  // namespace sealbox
