// COMPRESS=DEFLATE (RFC 4978): from the end of the tagged OK on, every octet either way is raw
// DEFLATE (net::Connection does the work). Offered after login only, as RFC 4978 §3 allows it
// in the authenticated and selected states.

#include "imap/session/session.h"

namespace sealbox::imap {

boost::asio::awaitable<void> Session::on_compress(const Compress& compress) {
    if (compress.mechanism != "DEFLATE") {
        bad("Unknown compression mechanism");  // RFC 4978 §3: BAD for an unknown argument
        co_return;
    }
    if (connection_.compressed()) {
        // RFC 4978 §3 and RFC 5530 §3: compression cannot be layered on itself.
        done(Condition::no, ResponseCode::simple("COMPRESSIONACTIVE"), "DEFLATE is active already");
        co_return;
    }
    // RFC 4978 §3: the OK goes out uncompressed; compression starts right after its CRLF, and
    // whatever the client sent after the command is compressed already.
    send(status_response(tag_, Condition::ok, "DEFLATE active"));
    co_await flush();
    connection_.start_compression();
}

}  // namespace sealbox::imap
