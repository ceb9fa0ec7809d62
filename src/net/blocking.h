#pragma once
// Runs blocking work (SQLite, Argon2id, fsync) on the worker pool and resumes the calling
// coroutine on its own executor when it is done; exceptions travel back to the caller.
//
// Plain handlers, no coroutine lambda: gcc 12 destroys the captures of a coroutine lambda run by
// co_spawn twice under load (found with valgrind: a shared_ptr captured by the work was released
// twice). The work, and everything it captured, is destroyed on the worker before the caller
// resumes.

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace sealbox::net {

// What blocking work came to: its value, or the exception it threw.
template <typename Result>
struct Outcome {
    std::exception_ptr error;
    std::optional<Result> value;
};

template <>
struct Outcome<void> {
    std::exception_ptr error;
};

// Runs `work` on `pool`, then hands its Outcome to `done` on `executor`; for work started without
// waiting for it (a read ahead of need). run_blocking() is this, awaited.
template <typename Work, typename Executor, typename Done>
void run_on(boost::asio::thread_pool& pool, Work work, Executor executor, Done done) {
    boost::asio::post(pool, [work = std::move(work), executor, done = std::move(done)]() mutable {
        using Result = std::invoke_result_t<Work&>;
        Outcome<Result> outcome;
        try {
            Work local = std::move(work);  // destroyed here, on the worker
            if constexpr (std::is_void_v<Result>) {
                local();
            } else {
                outcome.value.emplace(local());
            }
        } catch (...) {
            outcome.error = std::current_exception();
        }
        boost::asio::post(executor,
                          [done = std::move(done), outcome = std::move(outcome)]() mutable {
                              done(std::move(outcome));
                          });
    });
}

template <typename Work>
boost::asio::awaitable<std::invoke_result_t<Work&>> run_blocking(boost::asio::thread_pool& pool,
                                                                 Work work) {
    using Result = std::invoke_result_t<Work&>;
    auto executor = co_await boost::asio::this_coro::executor;
    auto initiate = [&pool, executor](auto handler, Work w) {
        run_on(pool, std::move(w), executor,
               [handler = std::move(handler)](Outcome<Result> outcome) mutable {
                   std::move(handler)(std::move(outcome));
               });
    };
    // Awaited into a variable: gcc 12 miscompiles `co_return co_await`.
    Outcome<Result> outcome =
        co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable),
                                             void(Outcome<Result>)>(
            std::move(initiate), boost::asio::use_awaitable, std::move(work));
    if (outcome.error) {
        std::rethrow_exception(outcome.error);
    }
    if constexpr (!std::is_void_v<Result>) {
        Result value = std::move(*outcome.value);
        co_return value;
    }
}

}  // namespace sealbox::net
