#include "net/deflate.h"

#include "core/error.h"

namespace sealbox::net {
namespace {

// RFC 4978 §4: raw DEFLATE (RFC 1951), no zlib or gzip header; a negative window size asks
// zlib for exactly that. 15 is the largest window, which any peer's data may use.
constexpr int kRawWindowBits = -15;

}  // namespace

Deflate::Deflate() {
    if (deflateInit2(&out_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kRawWindowBits, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        throw Error(ErrorCode::internal, "deflateInit2 failed");
    }
    if (inflateInit2(&in_, kRawWindowBits) != Z_OK) {
        deflateEnd(&out_);
        throw Error(ErrorCode::internal, "inflateInit2 failed");
    }
}

Deflate::~Deflate() {
    deflateEnd(&out_);
    inflateEnd(&in_);
}

std::string Deflate::compress(std::string_view data) {
    std::string out;
    out_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    out_.avail_in = static_cast<uInt>(data.size());
    do {
        std::size_t used = out.size();
        std::size_t room = deflateBound(&out_, out_.avail_in) + 64;
        out.resize(used + room);
        out_.next_out = reinterpret_cast<Bytef*>(out.data() + used);
        out_.avail_out = static_cast<uInt>(room);
        deflate(&out_, Z_SYNC_FLUSH);  // cannot fail with valid state and output room
        out.resize(used + room - out_.avail_out);
    } while (out_.avail_in > 0 || out_.avail_out == 0);
    return out;
}

void Deflate::feed(std::string_view compressed) {
    pending_.append(compressed);
}

bool Deflate::inflate_into(std::string& out, std::size_t limit) {
    std::size_t used = out.size();
    out.resize(used + limit);
    in_.next_in = reinterpret_cast<Bytef*>(pending_.data());
    in_.avail_in = static_cast<uInt>(pending_.size());
    in_.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    in_.avail_out = static_cast<uInt>(limit);
    int rc = inflate(&in_, Z_SYNC_FLUSH);
    // With the output full, zlib may still hold inflated octets even after all the input.
    output_full_ = in_.avail_out == 0;
    out.resize(used + limit - in_.avail_out);
    pending_.erase(0, pending_.size() - in_.avail_in);
    // Z_BUF_ERROR only means no progress was possible yet; Z_STREAM_END would be a peer that
    // ended the stream, after which nothing more may come.
    return rc == Z_OK || rc == Z_BUF_ERROR;
}

}  // namespace sealbox::net
