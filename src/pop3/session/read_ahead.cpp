#include "pop3/session/read_ahead.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/blocking.h"

namespace sealbox::pop3 {
namespace asio = boost::asio;

// Shared by the session and the read's completion, which runs on the session's executor: no lock.
struct ReadAhead::Read {
    explicit Read(asio::any_io_executor executor, std::size_t index)
        : index(index), woken(std::move(executor), asio::steady_timer::time_point::max()) {}

    std::size_t index;
    bool done = false;
    std::optional<std::string> message;  // empty when the read failed
    asio::steady_timer woken;            // cancelled when the read is done
};

asio::awaitable<void> ReadAhead::finished(Read& read) {
    while (!read.done) {
        boost::system::error_code cancelled;  // how the read's end wakes us
        co_await read.woken.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
    }
}

void ReadAhead::start(asio::thread_pool& pool, asio::any_io_executor executor, Maildrop& maildrop,
                      std::size_t index) {
    if (read_ && !read_->done) {
        return;
    }
    read_ = std::make_shared<Read>(executor, index);
    auto work = [&maildrop, index] { return maildrop.retrieve(index); };
    net::run_on(pool, std::move(work), executor, [read = read_](net::Outcome<std::string> outcome) {
        // A failed read is not reported here: the RETR that wanted it reads again and
        // answers with the reason.
        read->message = std::move(outcome.value);
        read->done = true;
        read->woken.cancel();
    });
}

asio::awaitable<std::optional<std::string>> ReadAhead::take(std::size_t index) {
    if (!read_ || read_->index != index) {
        if (read_ && read_->done) {
            read_.reset();
        }
        co_return std::nullopt;
    }
    std::shared_ptr<Read> read = read_;
    co_await finished(*read);
    read_.reset();
    std::optional<std::string> message = std::move(read->message);
    co_return message;
}

asio::awaitable<void> ReadAhead::settle() {
    std::shared_ptr<Read> read = std::move(read_);
    if (read) {
        co_await finished(*read);
    }
}

}  // namespace sealbox::pop3
