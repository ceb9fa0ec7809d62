#include "server/serve.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "dns/resolver.h"
#include "imap/session/handler.h"
#include "mtasts/source.h"
#include "net/auth_throttle.h"
#include "net/listener.h"
#include "net/rate_limit.h"
#include "net/tls.h"
#include "pop3/session/handler.h"
#include "queue/delivery_agent.h"
#include "queue/queue_store.h"
#include "reports/report_store.h"
#include "server/demo_account.h"
#include "server/imap_mail_service.h"
#include "server/inbound_checks.h"
#include "server/mta_sts_listener.h"
#include "server/pop3_mail_service.h"
#include "server/report_service.h"
#include "server/self_signed_cert.h"
#include "server/smtp_mail_service.h"
#include "smtp/session/handler.h"

namespace sealbox::server {
namespace {

constexpr auto kIdleSweepInterval = std::chrono::seconds(30);

// Loads the certificate once at start, so that a bad path or key is an error now, not at the
// first client's handshake.
std::shared_ptr<net::TlsContextProvider> make_tls(const Config& config) {
    CertificatePaths paths{config.tls.certificate, config.tls.private_key};
    if (paths.certificate.empty()) {
        paths =
            ensure_self_signed_certificate(config.server.data_dir / "tls", config.server.hostname);
    }
    auto tls = std::make_shared<net::TlsContextProvider>(
        net::TlsFiles{paths.certificate, paths.private_key, config.tls.min_version});
    spdlog::info("TLS certificate {}", paths.certificate.string());
    return tls;
}

// SIGHUP: a renewed certificate is used by new connections; open ones keep theirs.
void reload_tls_on_sighup(boost::asio::signal_set& hup, net::TlsContextProvider& tls) {
    hup.async_wait([&hup, &tls](const boost::system::error_code& ec, int) {
        if (ec) {
            return;
        }
        try {
            tls.reload();
            spdlog::info("SIGHUP: TLS certificate reloaded");
        } catch (const std::exception& e) {
            spdlog::error("SIGHUP: TLS certificate not reloaded, keeping the old one: {}",
                          e.what());
        }
        reload_tls_on_sighup(hup, tls);
    });
}

smtp::SessionConfig smtp_session_config(const Config& config, const std::string& name,
                                        smtp::Mode mode) {
    const ListenerConfig& listener = config.listeners.at(name);
    smtp::SessionConfig c;
    c.name = name;
    c.mode = mode;
    c.hostname = config.server.hostname;
    c.max_line_length = static_cast<std::size_t>(listener.max_line_length);
    c.max_bad_commands = listener.max_bad_commands;
    c.max_recipients =
        static_cast<std::size_t>(mode == smtp::Mode::submission || mode == smtp::Mode::submissions
                                     ? config.submission.recipients_per_message
                                     : config.smtp.max_recipients);
    c.max_message_size = config.delivery.max_message_size;
    c.bare_line_endings = config.smtp.normalize_bare_line_endings ? smtp::BareLineEndings::normalize
                                                                  : smtp::BareLineEndings::reject;
    return c;
}

// "pop3" offers STLS (RFC 2595 §4), "pop3s" is TLS from the start (RFC 8314 §3.3).
std::unique_ptr<net::Listener> pop3_listener(boost::asio::io_context& io, const Config& config,
                                             const std::string& name,
                                             std::shared_ptr<net::TlsContextProvider> tls,
                                             pop3::SessionServices services) {
    const ListenerConfig& listener = config.listeners.at(name);
    pop3::SessionConfig c;
    c.name = name;
    c.hostname = config.server.hostname;
    c.max_line_length = static_cast<std::size_t>(listener.max_line_length);
    c.max_bad_commands = listener.max_bad_commands;
    c.idle_timeout = listener.idle_timeout;
    net::ListenerSpec spec{name, listener, name == "pop3s", pop3::busy_response()};
    return std::make_unique<net::Listener>(io, std::move(spec), std::move(tls),
                                           pop3::session_handler(std::move(c), services));
}

// "imap" offers STARTTLS and no login before it (RFC 9051 §6.2.1), "imaps" is TLS from the
// start (RFC 8314 §3.3).
std::unique_ptr<net::Listener> imap_listener(boost::asio::io_context& io, const Config& config,
                                             const std::string& name, imap::Mode mode,
                                             std::shared_ptr<net::TlsContextProvider> tls,
                                             imap::SessionServices services) {
    const ListenerConfig& listener = config.listeners.at(name);
    imap::SessionConfig c;
    c.name = name;
    c.mode = mode;
    // RFC 7162 §4: command lines of at least 8192 octets.
    c.max_line_length = static_cast<std::size_t>(std::max(listener.max_line_length, 8192));
    c.max_bad_commands = listener.max_bad_commands;
    // RFC 9051 §5.4: at least 30 minutes after login, whatever the listener's idle timeout.
    c.authenticated_idle_timeout =
        std::max<std::chrono::milliseconds>(listener.idle_timeout, std::chrono::minutes(30));
    net::ListenerSpec spec{name, listener, mode == imap::Mode::imaps, imap::busy_reply()};
    return std::make_unique<net::Listener>(io, std::move(spec), std::move(tls),
                                           imap::session_handler(std::move(c), services));
}

// The first line of the file, so that the configuration itself holds no password.
std::string read_password_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line) || line.empty()) {
        throw Error(ErrorCode::config,
                    "relay.password_file: cannot read a password from " + path.string());
    }
    return line;
}

InboundCheckOptions inbound_check_options(const Config& config) {
    const MailAuthConfig& c = config.mailauth;
    InboundCheckOptions o;
    o.authserv_id = c.authserv_id.empty() ? config.server.hostname : c.authserv_id;
    o.hostname = config.server.hostname;
    o.spf = c.spf;
    o.dkim = c.dkim;
    o.arc = c.arc;
    o.dmarc = c.dmarc;
    o.dmarc_reject = c.dmarc_reject;
    o.dmarc_quarantine = c.dmarc_quarantine;
    o.trusted_arc_sealers = c.arc_trusted_sealers;
    return o;
}

queue::AgentOptions agent_options(const Config& config) {
    queue::AgentOptions o;
    o.hostname = config.server.hostname;
    o.retry.first_retry =
        std::chrono::duration_cast<std::chrono::seconds>(config.queue.first_retry);
    o.retry.max_interval =
        std::chrono::duration_cast<std::chrono::seconds>(config.queue.max_retry_interval);
    o.retry.max_age = std::chrono::duration_cast<std::chrono::seconds>(config.queue.max_age);
    o.retry.delay_warning =
        std::chrono::duration_cast<std::chrono::seconds>(config.queue.delay_warning);
    o.max_connections = config.queue.max_connections;
    o.max_connections_per_domain = config.queue.max_connections_per_domain;
    o.remote_port = config.queue.remote_port;
    o.require_tls = config.queue.require_tls;
    o.dane = config.queue.dane && config.dns.dnssec;
    o.timeouts.connect = config.queue.connect_timeout;
    o.tls_context = net::make_client_tls_context(config.relay.ca_file);
    if (!config.relay.host.empty()) {
        queue::SmartHost relay{config.relay.host, config.relay.port, std::nullopt};
        if (!config.relay.username.empty()) {
            relay.auth = smtp::client::Credentials{config.relay.username,
                                                   read_password_file(config.relay.password_file)};
        }
        o.relay = std::move(relay);
    }
    return o;
}

// Delivery reports go straight into the sender's mailbox; Return-Path <> marks them as
// notifications that must never be answered (RFC 5321 §4.5.5).
queue::ReportSink report_sink(store::MailStore& store) {
    return [&store](const std::string& account, const std::string& report) {
        auto results = store.deliver("Return-Path: <>\r\n" + report, {account});
        if (results.empty() || !results.front().delivered) {
            throw Error(ErrorCode::io, "delivery report for " + account + " not delivered: " +
                                           (results.empty() ? "" : results.front().message));
        }
    };
}

// Reports never go to our own domains: a report delivered here would be reported on again.
ReportServiceOptions report_service_options(store::MailStore& store) {
    ReportServiceOptions options;
    options.is_local_domain = [&store](std::string_view domain) {
        return store.directory().find_domain(domain).has_value();
    };
    return options;
}

// Inbound DMARC results for the aggregate reports, recorded on the worker pool (the session calls
// this on its I/O thread); a failure to record loses one row of a report, never the message.
DmarcRecorder dmarc_recorder(boost::asio::thread_pool& workers, reports::ReportStore& reports) {
    return [&workers, &reports](mailauth::dmarc::PublishedPolicy policy,
                                mailauth::dmarc::ReportRow row) {
        reports::DmarcObservation observation{std::time(nullptr), std::move(policy),
                                              std::move(row)};
        boost::asio::post(workers, [&reports, observation = std::move(observation)] {
            try {
                reports.record_dmarc(observation);
            } catch (const std::exception& e) {
                spdlog::warn("DMARC report row for {} not recorded: {}", observation.policy.domain,
                             e.what());
            }
        });
    };
}

// A report goes out through the queue like any message, with no account: a report about a
// report is never sent (RFC 3461 §6.2).
std::function<void(const reports::OutgoingReport&)> queue_report(queue::QueueStore& queue,
                                                                 queue::DeliveryAgent& agent) {
    return [&queue, &agent](const reports::OutgoingReport& report) {
        queue::Envelope envelope;
        envelope.queue_id = report.queue_id;
        envelope.sender = report.sender;
        std::vector<queue::Recipient> recipients;
        for (const auto& address : report.recipients) {
            queue::Recipient recipient;
            recipient.address = address;
            recipients.push_back(std::move(recipient));
        }
        queue.enqueue(envelope, recipients, report.content, std::time(nullptr));
        agent.wake();
    };
}

}  // namespace

int serve(const Config& config, store::MailStore& store) {
    init_logging(config.log);
    auto tls = make_tls(config);
    ensure_demo_account(config, store);

    boost::asio::io_context io(config.server.io_threads);
    boost::asio::thread_pool workers(config.server.worker_threads);
    net::AuthThrottle throttle;  // shared by every protocol: one guesser, one budget
    auto queue = queue::open_queue_store(config, true);
    dns::Resolver resolver(io.get_executor(), config.dns);
    auto outbound = agent_options(config);
    auto policy_cache = config.queue.mta_sts ? mtasts::open_policy_cache(config) : nullptr;
    if (policy_cache) {
        outbound.mta_sts = std::make_shared<mtasts::PolicySource>(
            resolver, workers, *policy_cache,
            mtasts::FetchOptions{net::make_client_tls_context(config.queue.mta_sts_ca_file),
                                 config.queue.mta_sts_port});
    }
    auto report_store = reports::open_report_store(config, true);
    if (config.reports.tls) {
        outbound.tls_outcomes = tls_outcome_sink(workers, *report_store);
    }
    queue::DeliveryAgent agent(io, workers, *queue, resolver, report_sink(store),
                               std::move(outbound));
    net::RateLimit submissions(config.submission.messages_per_hour, std::chrono::hours(1));
    auto dkim_keys = mailauth::dkim_keys::open_key_store(config, true);
    StoreMailService mail(
        store, *queue, [&agent] { agent.wake(); }, submissions,
        config.mailauth.dkim_sign ? dkim_keys.get() : nullptr);
    mailauth::ResolverLookup mailauth_dns(resolver);
    InboundAuthentication inbound(
        mailauth_dns, workers, mailauth::dmarc::PublicSuffixList::system(),
        inbound_check_options(config), dkim_keys.get(),
        config.reports.dmarc ? dmarc_recorder(workers, *report_store) : DmarcRecorder{});
    ReportService report_service(io, workers, config, *report_store, mailauth_dns, dkim_keys.get(),
                                 queue_report(*queue, agent), report_service_options(store));
    StoreMaildropService maildrops(store);
    StoreImapService imap_mail(store);

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (!ec) {
            spdlog::info("signal {}: shutting down", signal);
            io.stop();
        }
    });
    boost::asio::signal_set hup(io, SIGHUP);
    reload_tls_on_sighup(hup, *tls);

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

    std::vector<std::unique_ptr<net::Listener>> listeners;
    std::unique_ptr<mtasts::PolicyServer> policy_server;
    for (const auto& [name, listener] : config.listeners) {
        if (!listener.enabled) {
            continue;
        }
        if (name == "https") {
            policy_server = mta_sts_server(io, workers, config, listener, tls, store);
            continue;
        }
        if (auto imap_mode = imap::mode_for_listener(name)) {
            listeners.push_back(imap_listener(io, config, name, *imap_mode, tls,
                                              {imap_mail, workers, throttle, tls}));
            continue;
        }
        if (pop3::is_pop3_listener(name)) {
            listeners.push_back(
                pop3_listener(io, config, name, tls, {maildrops, workers, throttle, tls}));
            continue;
        }
        auto mode = smtp::mode_for_listener(name);
        if (!mode) {
            spdlog::info("listener {} ({}:{}) is not built yet; not started", name,
                         listener.address, listener.port);
            continue;
        }
        net::ListenerSpec spec{name, listener, *mode == smtp::Mode::submissions,
                               smtp::busy_reply()};
        // STARTTLS is offered on every plain SMTP port, LMTP included (RFC 2033 allows it).
        smtp::SessionServices services{mail, workers, throttle, tls,
                                       *mode == smtp::Mode::smtp ? &inbound : nullptr};
        listeners.push_back(std::make_unique<net::Listener>(
            io, std::move(spec), tls,
            smtp::session_handler(smtp_session_config(config, name, *mode), services)));
    }
    // Started only once every port is bound, so a port in use stops the start cleanly.
    for (auto& listener : listeners) {
        listener->start();
    }
    if (policy_server) {
        policy_server->start();
    }
    agent.start();
    report_service.start();
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
