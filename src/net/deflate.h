#pragma once
// Raw DEFLATE in both directions of a connection, for IMAP COMPRESS=DEFLATE (RFC 4978): what
// is written is compressed and flushed at once (Z_SYNC_FLUSH, RFC 4978 §4), so a response is
// never held back; what is read is inflated in bounded steps, so a small input that inflates
// hugely (a "bomb") cannot fill memory in one go.

#include <zlib.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace sealbox::net {

class Deflate {
  public:
    Deflate();
    ~Deflate();
    Deflate(const Deflate&) = delete;
    Deflate& operator=(const Deflate&) = delete;

    // The compressed form of `data`, flushed so the peer can inflate all of it now.
    std::string compress(std::string_view data);

    // Queues octets read from the peer.
    void feed(std::string_view compressed);
    // Appends at most `limit` inflated octets to `out`; false when the input is not valid
    // DEFLATE data (the connection cannot continue).
    bool inflate_into(std::string& out, std::size_t limit);
    // Queued input that has not been inflated yet (the last call stopped at `limit`).
    bool has_pending() const { return !pending_.empty() || output_full_; }

  private:
    z_stream out_{};
    z_stream in_{};
    std::string pending_;
    bool output_full_ = false;
};

}  // namespace sealbox::net
