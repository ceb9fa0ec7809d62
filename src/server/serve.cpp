#include "server/serve.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <thread>
#include <vector>

#include "core/log.h"
#include "server/demo_account.h"
#include "server/self_signed_cert.h"

namespace sealbox::server {
namespace {

constexpr auto kIdleSweepInterval = std::chrono::seconds(30);

// Loads the certificate once at start, so that a bad path or key is an error now, not at the
// first client's handshake.
void check_tls(const Config& config) {
    CertificatePaths paths{config.tls.certificate, config.tls.private_key};
    if (paths.certificate.empty()) {
        paths = ensure_self_signed_certificate(config.server.data_dir / "tls", config.server.hostname);
    }
    try {
        boost::asio::ssl::context tls(boost::asio::ssl::context::tls_server);
        tls.use_certificate_chain_file(paths.certificate.string());
        tls.use_private_key_file(paths.private_key.string(), boost::asio::ssl::context::pem);
    } catch (const std::exception& e) {
        throw Error(ErrorCode::config, "TLS certificate " + paths.certificate.string() + ": " + e.what());
    }
    spdlog::info("TLS certificate {}", paths.certificate.string());
}

}  // namespace

int serve(const Config& config, store::MailStore& store) {
    init_logging(config.log);
    check_tls(config);
    ensure_demo_account(config, store);

    boost::asio::io_context io(config.server.io_threads);
    boost::asio::thread_pool workers(config.server.worker_threads);

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (!ec) {
            spdlog::info("signal {}: shutting down", signal);
            io.stop();
        }
    });

    // Keys of accounts nobody uses leave memory after accounts.unlock_idle.
    boost::asio::steady_timer sweep(io);
    std::function<void()> schedule_sweep = [&] {
        sweep.expires_after(kIdleSweepInterval);
        sweep.async_wait([&](const boost::system::error_code& ec) {
            if (ec) {
                return;
            }
            boost::asio::post(workers, [&] {
                if (auto closed = store.close_idle(std::chrono::steady_clock::now())) {
                    spdlog::info("locked {} idle account(s)", closed);
                }
            });
            schedule_sweep();
        });
    };
    schedule_sweep();

    for (const auto& [name, listener] : config.listeners) {
        if (listener.enabled) {
            spdlog::info("listener {} ({}:{}) is not built yet; not started", name,
                         listener.address, listener.port);
        }
    }
    spdlog::info("sealbox serving; data in {}", config.server.data_dir.string());

    std::vector<std::thread> threads;
    for (int i = 1; i < config.server.io_threads; ++i) {
        threads.emplace_back([&io] { io.run(); });
    }
    io.run();
    for (auto& t : threads) {
        t.join();
    }
    workers.join();
    spdlog::info("sealbox stopped");
    return 0;
}

}  // namespace sealbox::server
