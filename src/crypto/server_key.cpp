#include "crypto/server_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/durable_file.h"
#include "core/error.h"

namespace sealbox::crypto {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
    throw Error(ErrorCode::config, "server key " + path.string() + ": " + what);
}

}  // namespace

SecretBytes load_server_key(const std::filesystem::path& path, bool create) {
    if (create && !std::filesystem::exists(path)) {
        SecretBytes key = SecretBytes::random(kServerKeyBytes);
        write_file_durably(path, key.bytes());  // created 0600
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        fail(path, std::strerror(errno));
    }
    struct stat st {};
    SecretBytes key(kServerKeyBytes);
    ssize_t n = -1;
    if (::fstat(fd, &st) == 0 && (st.st_mode & 077) == 0 &&
        st.st_size == static_cast<off_t>(kServerKeyBytes)) {
        n = ::read(fd, key.data(), key.size());
    }
    ::close(fd);
    if ((st.st_mode & 077) != 0) {
        fail(path, "readable by others; chmod 600 it");
    }
    if (n != static_cast<ssize_t>(kServerKeyBytes)) {
        fail(path, "must hold exactly " + std::to_string(kServerKeyBytes) + " bytes");
    }
    return key;
}

}  // namespace sealbox::crypto
