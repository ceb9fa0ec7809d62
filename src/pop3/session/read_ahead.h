#pragma once
// RETR's read-ahead: a client downloading its mail asks for the messages one after another, and
// waits for each before asking for the next (RFC 1939 has no pipelining without RFC 2449's
// PIPELINING, which few clients use). While it takes in one message, the next is read from the
// store on the worker pool, so that its RETR is answered without waiting for the store.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "pop3/service.h"

namespace sealbox::pop3 {

class ReadAhead {
  public:
    // Messages larger than this are never read ahead: a session holds at most this much that
    // its client may never ask for.
    static constexpr std::uint64_t kMaxSize = 1 << 20;

    // Starts reading message `index` of `maildrop`, forgetting an earlier read that is over; does
    // nothing while one is still running, so that a session never has two. The maildrop must
    // stay until the read is over: settle() before letting it go.
    void start(boost::asio::thread_pool& pool, boost::asio::any_io_executor executor,
               Maildrop& maildrop, std::size_t index);
    // Message `index` if it is the one read ahead and the read succeeded (waiting for it to end);
    // nullopt otherwise, and the caller reads it itself (and reports why it cannot).
    boost::asio::awaitable<std::optional<std::string>> take(std::size_t index);
    // Waits for a read still running to end, and forgets it.
    boost::asio::awaitable<void> settle();

  private:
    struct Read;
    static boost::asio::awaitable<void> finished(Read& read);
    std::shared_ptr<Read> read_;
};

}  // namespace sealbox::pop3
