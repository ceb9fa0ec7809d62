#pragma once
// Runs blocking work (SQLite, Argon2id, fsync) on the worker pool and resumes the calling
// coroutine on its own executor when it is done; exceptions travel back to the caller.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>

namespace sealbox::net {

template <typename Work>
boost::asio::awaitable<std::invoke_result_t<Work>> run_blocking(boost::asio::thread_pool& pool,
                                                                Work work) {
    using Result = std::invoke_result_t<Work>;
    co_return co_await boost::asio::co_spawn(
        pool,
        [work = std::move(work)]() mutable -> boost::asio::awaitable<Result> {
            if constexpr (std::is_void_v<Result>) {
                work();
                co_return;
            } else {
                co_return work();
            }
        },
        boost::asio::use_awaitable);
}

}  // namespace sealbox::net
