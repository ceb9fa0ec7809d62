#pragma once
// Reading back what the server gzips (RFC 1952), as a report's recipient would.

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace sealbox::testing {

// Up to 1 MiB of output; gzip only, not zlib or raw deflate.
inline std::string gunzip(const std::string& data) {
    z_stream stream{};
    EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
    std::string out(1 << 20, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
    out.resize(stream.total_out);
    inflateEnd(&stream);
    return out;
}

}  // namespace sealbox::testing
