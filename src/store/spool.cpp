#include "store/spool.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>

#include "core/durable_file.h"
#include "core/error.h"
#include "crypto/aead.h"

namespace sealbox::store {
namespace {

constexpr std::string_view kMagic = "SBXSPOOL1";
constexpr std::string_view kSuffix = ".sealed";

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) {
        out.push_back(static_cast<std::uint8_t>(v >> (i * 8)));
    }
}

void put_bytes(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) {
    put_u64(out, bytes.size());
    out.insert(out.end(), bytes.begin(), bytes.end());
}

std::span<const std::uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

class Reader {
  public:
    Reader(std::span<const std::uint8_t> in, const std::string& name) : in_(in), name_(name) {}

    std::uint64_t u64() {
        need(8);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) {
            v = (v << 8) | in_[pos_++];
        }
        return v;
    }

    std::span<const std::uint8_t> bytes() {
        std::uint64_t n = u64();
        need(n);
        auto out = in_.subspan(pos_, n);
        pos_ += n;
        return out;
    }

    void need(std::uint64_t n) const {
        if (n > in_.size() - pos_) {
            throw Error(ErrorCode::corrupt, "spool entry " + name_ + " is malformed");
        }
    }

  private:
    std::span<const std::uint8_t> in_;
    const std::string& name_;
    std::size_t pos_ = 0;
};

// Nanoseconds since the epoch, strictly increasing within this process, so names sort in
// arrival order even when two messages arrive in the same clock tick.
std::uint64_t arrival_stamp() {
    static std::atomic<std::uint64_t> last{0};
    auto now = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
    std::uint64_t prev = last.load();
    std::uint64_t next;
    do {
        next = std::max(now, prev + 1);
    } while (!last.compare_exchange_weak(prev, next));
    return next;
}

}  // namespace

Spool::Spool(std::filesystem::path dir, std::string account_key_id)
    : dir_(std::move(dir)), key_id_(std::move(account_key_id)) {}

std::string Spool::context(const std::string& name) const {
    return "sealbox/v1/spool/" + key_id_ + "/" + name;
}

std::string Spool::append(std::span<const std::uint8_t> public_key, const SpoolEntry& entry) {
    std::filesystem::create_directories(dir_);
    std::string name =
        fmt::format("{:020}-{:08x}{}", arrival_stamp(), randombytes_random(), kSuffix);

    std::vector<std::uint8_t> plain;
    plain.reserve(entry.raw.size() + entry.summary.size() + entry.mailbox.size() + 64);
    put_u64(plain, static_cast<std::uint64_t>(entry.internal_date));
    put_bytes(plain, as_bytes(entry.mailbox));
    put_bytes(plain, entry.summary);
    put_bytes(plain, as_bytes(entry.raw));

    std::vector<std::uint8_t> file(kMagic.begin(), kMagic.end());
    auto sealed = crypto::seal_to_public_key(public_key, plain, context(name));
    sodium_memzero(plain.data(), plain.size());
    file.insert(file.end(), sealed.begin(), sealed.end());
    write_file_atomically(dir_ / name, file);  // the caller makes it durable (GroupSync)
    return name;
}

std::vector<std::string> Spool::pending() const {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
        std::string name = e.path().filename().string();
        if (name.front() != '.' && name.ends_with(kSuffix)) {
            names.push_back(std::move(name));
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

SpoolEntry Spool::open(const std::string& name, const crypto::UnlockedKeys& keys) const {
    auto file = read_file(dir_ / name);
    if (file.size() < kMagic.size() ||
        std::memcmp(file.data(), kMagic.data(), kMagic.size()) != 0) {
        throw Error(ErrorCode::corrupt, "spool entry " + name + " has no Sealbox header");
    }
    std::vector<std::uint8_t> plain;
    try {
        plain = crypto::open_from_public_key(keys.public_key, keys.secret_key,
                                             std::span(file).subspan(kMagic.size()), context(name));
    } catch (const Error&) {
        throw Error(ErrorCode::corrupt, "spool entry " + name + " failed authentication");
    }
    Reader r(plain, name);
    SpoolEntry entry;
    entry.internal_date = static_cast<std::int64_t>(r.u64());
    auto mailbox = r.bytes();
    entry.mailbox.assign(mailbox.begin(), mailbox.end());
    auto summary = r.bytes();
    entry.summary.assign(summary.begin(), summary.end());
    auto raw = r.bytes();
    entry.raw.assign(raw.begin(), raw.end());
    sodium_memzero(plain.data(), plain.size());
    return entry;
}

void Spool::remove(const std::vector<std::string>& names) {
    if (names.empty()) {
        return;
    }
    for (const auto& name : names) {
        std::error_code ec;
        std::filesystem::remove(dir_ / name, ec);
    }
    sync_directory(dir_);
}

}  // namespace sealbox::store
