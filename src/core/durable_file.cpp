#include "core/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "core/error.h"

namespace sealbox {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
    throw Error(ErrorCode::io, what + " " + path.string() + ": " + std::strerror(errno));
}

class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const { return fd_; }

  private:
    int fd_;
};

}  // namespace

void sync_directory(const std::filesystem::path& dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) {
        fail("cannot open directory", dir);
    }
    if (::fsync(fd.get()) != 0) {
        fail("cannot fsync directory", dir);
    }
}

namespace {

void write_then_rename(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                       bool sync) {
    std::filesystem::path tmp = path.parent_path() / ("." + path.filename().string() + ".tmp");
    {
        Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        if (fd.get() < 0) {
            fail("cannot create", tmp);
        }
        std::size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                fail("cannot write", tmp);
            }
            done += static_cast<std::size_t>(n);
        }
        if (sync && ::fsync(fd.get()) != 0) {
            fail("cannot fsync", tmp);
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        fail("cannot rename to", path);
    }
    if (sync) {
        sync_directory(path.parent_path());
    }
}

}  // namespace

void write_file_durably(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
    write_then_rename(path, bytes, true);
}

void write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
    write_then_rename(path, bytes, false);
}

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCode::io, "cannot read " + path.string());
    }
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

}  // namespace sealbox
