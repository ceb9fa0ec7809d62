// One delivery task: the messages of several jobs to one destination domain, over one
// connection where the server allows it.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <ctime>
#include <functional>

#include "dns/mail_hosts.h"
#include "mtasts/source.h"
#include "net/blocking.h"
#include "queue/delivery_agent.h"
#include "queue/outcome.h"
#include "queue/transport_security.h"
#include "smtp/client/smtp_client.h"

namespace sealbox::queue {
namespace asio = boost::asio;
using smtp::client::ClientError;
using smtp::client::SmtpClient;
using smtp::client::TlsPolicy;

namespace {

// RFC 5321 §5.1 asks to try several addresses; more than this only delays the verdict.
constexpr int kMaxAddressesTried = 10;

struct Route {
    std::vector<dns::MailHost> hosts;
    // When there is no host to try: the verdict for every recipient.
    std::optional<Attempt> verdict;
};

std::string reply_text(const smtp::Reply& reply) {
    std::string out = std::to_string(reply.code);
    if (!reply.enhanced.empty()) {
        out += " " + reply.enhanced;
    }
    if (!reply.lines.empty()) {
        out += " " + reply.lines.front();
    }
    return out;
}

Attempt verdict(Attempt::Result result, std::string reply) {
    Attempt a;
    a.result = result;
    a.reply = std::move(reply);
    return a;
}

// A connection-level failure as a recipient's fate: only a server's 5xx is final.
Attempt from_failure(const smtp::client::Failure& f, const std::string& host) {
    Attempt a;
    a.remote_host = f.reply ? host : "";
    if (f.reply) {
        a.reply = reply_text(*f.reply);
        // A 5xx greeting or EHLO means "not here" (RFC 5321 §3.1): other hosts may differ,
        // and the next attempt tries them all again.
        bool refused_at_connect =
            f.stage == smtp::client::Stage::greeting || f.stage == smtp::client::Stage::hello;
        a.result =
            f.temporary || refused_at_connect ? Attempt::Result::deferred : Attempt::Result::failed;
        if (refused_at_connect && !f.temporary) {
            a.reply = "4.4.0 " + host + " refused service: " + a.reply;
            a.remote_host.clear();
        }
    } else {
        a.result = Attempt::Result::deferred;
        a.reply =
            fmt::format("{} {} ({}: {})", f.tls_failure ? "4.7.5" : "4.4.1",
                        f.timed_out ? "timed out" : "could not talk to the server", host, f.detail);
    }
    return a;
}

struct Connected {
    std::unique_ptr<SmtpClient> client;
    std::string host;
    std::optional<Attempt> failure;  // the last one, when no host would talk
};

using NoteTls = std::function<void(TlsOutcome)>;

// How a task connects, the same for every message it carries.
struct ConnectPlan {
    smtp::client::ClientOptions options;  // the base: TLS policy, names, timeouts
    int port = 25;
    bool dane = false;                  // RFC 7672 checks of MX hosts
    std::optional<mtasts::Policy> sts;  // the domain's RFC 8461 policy, if it has one
    NoteTls note;                       // each TLS outcome
};

// Every address of every host in order, until one talks (RFC 5321 §5.1), each host with the
// TLS it needs (transport_security.h).
asio::awaitable<Connected> connect_first(asio::any_io_executor executor, dns::Resolver& resolver,
                                         const std::vector<dns::MailHost>& hosts,
                                         const ConnectPlan& plan) {
    Connected out;
    int tried = 0;
    const auto& note = plan.note;
    for (const auto& host : hosts) {
        HostSecurity security =
            co_await host_security(resolver, host, plan.dane, plan.sts ? &*plan.sts : nullptr,
                                   plan.options.tls, plan.port);
        TlsOutcome outcome{.mx_host = host.name, .policy = security.policy};
        outcome.policy_strings = tlsrpt_policy_strings(security, plan.sts ? &*plan.sts : nullptr);
        if (security.refusal) {
            out.failure = verdict(Attempt::Result::deferred, *security.refusal);
            spdlog::info("outbound {}: {}", host.name, *security.refusal);
            outcome.result = security.refusal_result;
            outcome.detail = *security.refusal;
            note(std::move(outcome));
            continue;
        }
        for (const auto& address : host.addresses) {
            // No server listens there; an MX pointing at them is a mistake or a trap.
            if (address.is_unspecified() || address.is_multicast()) {
                continue;
            }
            if (tried++ >= kMaxAddressesTried) {
                co_return out;
            }
            auto options = plan.options;
            options.tls_server_name = host.name;
            options.tls = security.tls;
            options.dane = security.dane;
            outcome.address = address.to_string();
            for (int pass = 0; pass < 2; ++pass) {
                outcome.result = TlsOutcome::Result::success;
                outcome.detail.clear();
                try {
                    out.client = co_await SmtpClient::connect(
                        executor, {address, static_cast<std::uint16_t>(plan.port)}, options);
                    out.host = host.name;
                    outcome.tls = out.client->is_tls();
                    outcome.detail = out.client->dane_authority();
                    if (security.sts_testing) {
                        // RFC 8461 §5: testing mode delivers anyway, and reports what failed.
                        if (!security.sts_testing_failure.empty()) {
                            outcome.result = TlsOutcome::Result::validation_failure;
                            outcome.detail = security.sts_testing_failure;
                        } else if (!outcome.tls) {
                            outcome.result = TlsOutcome::Result::starttls_not_supported;
                        } else if (!out.client->certificate_verified()) {
                            outcome.detail = out.client->verification_error();
                            outcome.result = certificate_result(outcome.detail);
                        }
                    }
                    note(std::move(outcome));
                    co_return out;
                } catch (const ClientError& e) {
                    out.failure = from_failure(e.failure(), host.name);
                    spdlog::info("outbound {} [{}]: {}", host.name, address.to_string(),
                                 out.failure->reply);
                    outcome.result = tls_result(e.failure(), security.policy);
                    if (outcome.result != TlsOutcome::Result::success) {
                        outcome.detail = e.failure().detail;
                        note(outcome);
                    }
                    // RFC 7435 §4: a failed opportunistic handshake may be retried in the
                    // clear; a policy that requires TLS never is (RFC 7672 §2.2 for DANE).
                    if (!e.failure().tls_failure || options.tls != TlsPolicy::opportunistic) {
                        break;
                    }
                    options.tls = TlsPolicy::none;
                }
            }
        }
    }
    co_return out;
}

bool same_host(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// RFC 5321 §5.1: when this server is one of the MX hosts, only those more preferred may be
// tried, else the message would loop back here.
std::vector<dns::MailHost> without_hosts_after_us(std::vector<dns::MailHost> hosts,
                                                  const std::string& hostname) {
    auto us = std::find_if(hosts.begin(), hosts.end(),
                           [&](const dns::MailHost& h) { return same_host(h.name, hostname); });
    hosts.erase(us, hosts.end());
    return hosts;
}

Attempt for_recipient(const Attempt& a, std::int64_t recipient_id) {
    Attempt copy = a;
    copy.recipient_id = recipient_id;
    return copy;
}

// The hosts to try for `domain`: the smart host, or its MX hosts (RFC 5321 §5.1).
asio::awaitable<Route> find_route(dns::Resolver& resolver, const AgentOptions& options,
                                  std::string domain) {
    Route route;
    try {
        if (options.relay) {
            asio::ip::tcp::resolver system(co_await asio::this_coro::executor);
            auto results = co_await system.async_resolve(
                options.relay->host, std::to_string(options.relay->port), asio::use_awaitable);
            dns::MailHost host;
            host.name = options.relay->host;
            for (const auto& r : results) {
                host.addresses.push_back(r.endpoint().address());
            }
            route.hosts.push_back(std::move(host));
            co_return route;
        }
        auto found = co_await dns::find_mail_hosts(resolver, domain);
        using R = dns::MailHostsResult;
        switch (found.result) {
            case R::ok:
                route.hosts = without_hosts_after_us(std::move(found.hosts), options.hostname);
                if (route.hosts.empty()) {
                    route.verdict = verdict(Attempt::Result::failed,
                                            "5.4.6 " + domain + " lists this server as its MX");
                }
                break;
            case R::null_mx:  // RFC 7505 §4.2
                route.verdict = verdict(Attempt::Result::failed,
                                        "5.1.10 " + domain + " accepts no mail (null MX)");
                break;
            case R::no_such_domain:
                route.verdict =
                    verdict(Attempt::Result::failed, "5.1.2 " + domain + ": " + found.detail);
                break;
            case R::no_mail_hosts:
                route.verdict =
                    verdict(Attempt::Result::failed, "5.4.4 " + domain + ": " + found.detail);
                break;
            case R::temporary:
                route.verdict =
                    verdict(Attempt::Result::deferred, "4.4.3 " + domain + ": " + found.detail);
                break;
        }
    } catch (const std::exception& e) {
        route.verdict = verdict(Attempt::Result::deferred,
                                "4.4.3 cannot find the servers of " + domain + ": " + e.what());
    }
    co_return route;
}

smtp::client::OutboundMessage outbound(const Message& m, std::string_view content) {
    smtp::client::OutboundMessage out;
    out.reverse_path = m.envelope.sender;
    out.content = content;
    out.eight_bit = m.envelope.eight_bit;
    out.smtputf8 = m.envelope.smtputf8;
    out.requiretls = m.envelope.requiretls;
    if (!m.envelope.envid.empty()) {
        out.envid = m.envelope.envid;
    }
    if (m.envelope.return_headers_only) {
        out.ret = smtp::Ret::hdrs;
    }
    for (const auto& r : m.recipients) {
        smtp::client::OutboundRecipient rcpt{r.address, std::nullopt, std::nullopt};
        // RFC 3461 §4.1: pass on what the sender asked for.
        bool never = !r.notify.success && !r.notify.failure && !r.notify.delay;
        rcpt.notify = smtp::Notify{never, r.notify.success, r.notify.failure, r.notify.delay};
        if (auto semicolon = r.orcpt.find(';'); semicolon != std::string::npos) {
            rcpt.orcpt = smtp::Orcpt{r.orcpt.substr(0, semicolon), r.orcpt.substr(semicolon + 1)};
        }
        out.recipients.push_back(std::move(rcpt));
    }
    return out;
}

// One message over `link`, connecting first when it has no usable client; what became of each
// of the message's recipients.
asio::awaitable<std::vector<Attempt>> send_message(Connected& link, dns::Resolver& resolver,
                                                   const Route& route, const ConnectPlan& plan,
                                                   const Message& m, std::string_view content) {
    std::vector<Attempt> attempts;
    auto all = [&](const Attempt& a) {
        for (const auto& r : m.recipients) {
            attempts.push_back(for_recipient(a, r.id));
        }
    };
    if (route.verdict) {
        all(*route.verdict);
        co_return attempts;
    }
    if (!link.client || !link.client->usable()) {
        link =
            co_await connect_first(co_await asio::this_coro::executor, resolver, route.hosts, plan);
        if (!link.client) {
            all(link.failure.value_or(
                verdict(Attempt::Result::deferred, "4.4.4 no address to connect to")));
            co_return attempts;
        }
    }
    try {
        auto result = co_await link.client->send(outbound(m, content));
        for (std::size_t i = 0; i < m.recipients.size(); ++i) {
            const auto& rr = result.recipients.at(i);
            Attempt a;
            a.recipient_id = m.recipients[i].id;
            a.reply = reply_text(rr.reply);
            a.remote_host = rr.local ? "" : link.host;
            a.result = rr.reply.code < 300   ? Attempt::Result::delivered
                       : rr.reply.code < 500 ? Attempt::Result::deferred
                                             : Attempt::Result::failed;
            a.relayed = !result.dsn_supported;
            attempts.push_back(std::move(a));
        }
    } catch (const ClientError& e) {
        all(from_failure(e.failure(), link.host));
        link.client.reset();
    }
    co_return attempts;
}

// How this task connects to `domain`: the configured TLS policy, DANE, and the domain's
// MTA-STS policy (RFC 8461 §5), looked up once for every message of the task. A policy cache
// that fails sets route.verdict: whether a policy applies is then unknown, so nothing goes.
asio::awaitable<ConnectPlan> plan_connections(const AgentOptions& options,
                                              const std::string& domain, Route& route) {
    ConnectPlan plan;
    plan.options.helo_name = options.hostname;
    plan.options.timeouts = options.timeouts;
    plan.options.tls_context = options.tls_context;
    if (options.relay) {
        plan.options.tls = TlsPolicy::required_verified;
        plan.options.auth = options.relay->auth;
    } else {
        plan.options.tls = options.require_tls ? TlsPolicy::required : TlsPolicy::opportunistic;
    }
    plan.port = options.relay ? options.relay->port : options.remote_port;
    plan.dane = options.dane && !options.relay;  // a smart host is verified by its name
    plan.note = [domain, sink = options.tls_outcomes](TlsOutcome o) {
        o.domain = domain;
        o.time = std::time(nullptr);
        spdlog::info("outbound tls {} {}{}: policy {} result {}{}{}", o.domain, o.mx_host,
                     o.address.empty() ? "" : " [" + o.address + "]", to_string(o.policy),
                     to_string(o.result), o.tls ? " over TLS" : "",
                     o.detail.empty() ? "" : " (" + o.detail + ")");
        if (sink) {
            sink(o);
        }
    };
    if (!options.mta_sts || options.relay || route.verdict || domain.starts_with('[')) {
        co_return plan;
    }
    try {
        mtasts::Lookup lookup = co_await options.mta_sts->policy_for(domain);
        plan.sts = std::move(lookup.policy);
        if (lookup.fetch_problem != mtasts::FetchProblem::none) {
            plan.note(TlsOutcome{.policy = TlsOutcome::Policy::sts,
                                 .result = sts_fetch_result(lookup.fetch_problem),
                                 .detail = lookup.fetch_error});
        }
    } catch (const std::exception& e) {
        route.verdict = verdict(Attempt::Result::deferred,
                                "4.7.5 MTA-STS policy of " + domain + ": " + e.what());
    }
    co_return plan;
}

}  // namespace

asio::awaitable<void> DeliveryAgent::deliver(std::string domain, std::vector<Job> jobs) {
    Route route = co_await find_route(resolver_, options_, domain);
    ConnectPlan plan = co_await plan_connections(options_, domain, route);

    Connected link;
    for (auto& job : jobs) {
        const Message& m = job.message;
        try {
            // Needed for a report even when nothing is sent.
            std::string content =
                co_await net::run_blocking(workers_, [&] { return queue_.content(m.id); });
            auto attempts = co_await send_message(link, resolver_, route, plan, m, content);
            co_await record(m, attempts, content);
        } catch (const std::exception& e) {
            // The queue keeps the message as it was; it is tried again at the next poll.
            spdlog::error("outbound {}: {}", m.envelope.queue_id, e.what());
        }
    }
    if (link.client) {
        co_await link.client->quit();
    }
    finished(domain, jobs);
}

asio::awaitable<void> DeliveryAgent::record(const Message& m, const std::vector<Attempt>& attempts,
                                            const std::string& content) {
    const std::int64_t now = std::time(nullptr);
    Decision decision = decide(m, attempts, options_.retry, now, options_.hostname);
    for (const auto& a : attempts) {
        const char* what = a.result == Attempt::Result::delivered  ? "delivered"
                           : a.result == Attempt::Result::deferred ? "deferred"
                                                                   : "failed";
        spdlog::info("outbound {}: {} ({})", m.envelope.queue_id, what, a.reply);
    }
    co_await net::run_blocking(workers_, [&] {
        if (decision.report) {
            // Before the queue forgets the message, so a crash repeats the report at worst,
            // and never loses it.
            reports_(m.envelope.account, build_dsn(*decision.report, content));
        }
        queue_.update(decision.updates);
        queue_.forget_if_finished(m.id);
    });
}

}  // namespace sealbox::queue
