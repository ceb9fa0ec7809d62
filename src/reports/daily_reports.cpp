#include "reports/daily_reports.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "core/address.h"
#include "core/ascii.h"
#include "crypto/random.h"
#include "mailauth/dkim_keys/domain_signer.h"
#include "net/blocking.h"
#include "reports/destinations.h"
#include "reports/report_mail.h"

namespace sealbox::reports {
namespace asio = boost::asio;
namespace dmarc = mailauth::dmarc;

namespace {

std::string domain_of(std::string_view address) {
    auto at = address.rfind('@');
    return ascii_lower(at == std::string_view::npos ? address : address.substr(at + 1));
}

// "20261123.<random>": unique, and a dot-atom, as the Subject's msg-id needs.
std::string report_id(std::int64_t day) {
    std::time_t t = static_cast<std::time_t>(day * kDay);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}{:02}{:02}.{}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       crypto::random_hex(8));
}

std::string queue_id() {
    return "rpt" + crypto::random_hex(8);
}

class Run {
  public:
    Run(const ReportDependencies& deps, const ReportIdentity& identity, std::int64_t now)
        : deps_(deps), identity_(identity), now_(now), today_(day_number(now)) {}

    asio::awaitable<void> all() {
        co_await net::run_blocking(deps_.workers, [&] { deps_.store.prune(today_ - kKeepDays); });
        if (identity_.dmarc) {
            auto pending = co_await net::run_blocking(
                deps_.workers, [&] { return deps_.store.pending_dmarc(today_); });
            for (auto& report : pending) {
                try {
                    co_await dmarc_report(report);
                } catch (const std::exception& e) {
                    spdlog::warn("dmarc report for {}: {}", report.policy.domain, e.what());
                }
            }
        }
        if (identity_.tls) {
            auto pending = co_await net::run_blocking(
                deps_.workers, [&] { return deps_.store.pending_tls(today_); });
            for (auto& report : pending) {
                try {
                    co_await tls_report(report);
                } catch (const std::exception& e) {
                    spdlog::warn("tls report for {}: {}", report.domain, e.what());
                }
            }
        }
    }

  private:
    // On the worker pool.
    bool is_local(const std::string& domain) const {
        const std::string d = ascii_lower(domain);
        return d == ascii_lower(identity_.submitter) || d == domain_of(identity_.from) ||
               (deps_.is_local_domain && deps_.is_local_domain(d));
    }

    asio::awaitable<bool> local(std::string domain) {
        // Awaited into a variable: gcc 12 miscompiles `co_return co_await` (net/blocking.h).
        bool own = co_await net::run_blocking(deps_.workers, [&] { return is_local(domain); });
        co_return own;
    }

    // The day stays pending while its destinations may still be found.
    bool retry_later(std::int64_t day) const { return day >= today_ - kRetryDays; }

    asio::awaitable<void> dmarc_report(PendingDmarc pending) {
        const std::string domain = pending.policy.domain;
        const std::int64_t day = pending.day;
        const bool own = co_await local(domain);
        DmarcDestinations destinations;
        if (!own) {
            destinations = co_await dmarc_destinations(deps_.dns, deps_.suffixes, pending.policy);
            if (destinations.temporary_failure && retry_later(day)) {
                spdlog::info("dmarc report for {}: DNS failed for now; trying later", domain);
                co_return;
            }
            destinations.mail =
                co_await without_local(std::move(destinations.mail),
                                       [](const MailDestination& d) { return d.address.domain; });
        }
        auto claimed = co_await net::run_blocking(
            deps_.workers, [&] { return deps_.store.claim_dmarc(day, domain); });
        if (!claimed || claimed->rows.empty()) {
            co_return;
        }
        if (own || destinations.mail.empty()) {
            spdlog::info("dmarc report for {}: no destination; not sent", domain);
            co_return;
        }

        dmarc::ReportMetadata metadata{identity_.org_name, identity_.from, report_id(day),
                                       day * kDay, day * kDay + kDay - 1};
        ReportEmail email;
        email.from = identity_.from;
        for (const auto& d : destinations.mail) {
            email.to.push_back(d.address.str());
        }
        email.submitter = identity_.submitter;
        email.policy_domain = domain;
        email.report_id = metadata.report_id;
        email.org_name = identity_.org_name;
        email.begin = metadata.begin;
        email.now = now_;
        email.attachment =
            dmarc::gzip(dmarc::aggregate_report_xml(metadata, claimed->policy, claimed->rows));
        email.filename = dmarc::aggregate_report_filename(identity_.submitter, metadata, domain);
        std::string message = co_await signed_message(dmarc_report_email(email));

        OutgoingReport out{queue_id(), identity_.from, {}, std::move(message)};
        for (const auto& d : destinations.mail) {
            // RFC 7489 §6.2: no report larger than the URI's limit goes to it.
            if (d.max_size && out.content.size() > *d.max_size) {
                spdlog::info("dmarc report for {}: {} octets, over the {} limit of {}", domain,
                             out.content.size(), *d.max_size, d.address.domain);
                continue;
            }
            out.recipients.push_back(d.address.str());
        }
        co_await hand_over(std::move(out), "dmarc", domain);
    }

    asio::awaitable<void> tls_report(PendingTls pending) {
        const std::string domain = pending.domain;
        const std::int64_t day = pending.day;
        const bool own = co_await local(domain);
        TlsDestinations destinations;
        if (!own) {
            destinations = co_await tls_destinations(deps_.dns, domain);
            if (destinations.temporary_failure && retry_later(day)) {
                spdlog::info("tls report for {}: DNS failed for now; trying later", domain);
                co_return;
            }
            destinations.mail = co_await without_local(
                std::move(destinations.mail), [](const MailAddress& a) { return a.domain; });
        }
        auto claimed = co_await net::run_blocking(
            deps_.workers, [&] { return deps_.store.claim_tls(day, domain); });
        if (!claimed || claimed->empty()) {
            co_return;
        }
        if (own || (destinations.mail.empty() && destinations.https.empty())) {
            co_return;  // most domains publish no _smtp._tls record
        }

        TlsReportMetadata metadata{identity_.org_name, identity_.from, report_id(day), day * kDay,
                                   day * kDay + kDay - 1};
        const std::string report = dmarc::gzip(tls_report_json(metadata, domain, *claimed));
        for (const auto& url : destinations.https) {
            if (!deps_.post) {
                continue;
            }
            std::string error = co_await deps_.post(url, report);
            if (error.empty()) {
                spdlog::info("tls report for {}: posted to {}", domain, url);
            } else {
                spdlog::warn("tls report for {}: POST to {} failed: {}", domain, url, error);
            }
        }
        if (destinations.mail.empty()) {
            co_return;
        }
        ReportEmail email;
        email.from = identity_.from;
        for (const auto& a : destinations.mail) {
            email.to.push_back(a.str());
        }
        email.submitter = identity_.submitter;
        email.policy_domain = domain;
        email.report_id = metadata.report_id;
        email.org_name = identity_.org_name;
        email.begin = metadata.begin;
        email.now = now_;
        email.attachment = report;
        email.filename = tls_report_filename(identity_.submitter, domain, metadata);
        // Built apart: gcc 12 destroys temporaries made in braces inside co_await twice.
        std::string message = co_await signed_message(tls_report_email(email));
        OutgoingReport out{queue_id(), identity_.from, email.to, std::move(message)};
        co_await hand_over(std::move(out), "tls", domain);
    }

    // Destinations at our own domains are dropped (is_local may block: on the worker pool).
    template <typename Destination, typename DomainOf>
    asio::awaitable<std::vector<Destination>> without_local(std::vector<Destination> destinations,
                                                            DomainOf domain_in) {
        co_await net::run_blocking(deps_.workers, [&] {
            std::erase_if(destinations,
                          [&](const Destination& d) { return is_local(domain_in(d)); });
        });
        co_return destinations;
    }

    // RFC 8460 §5.3 (and good practice for DMARC reports): DKIM-signed by the From domain.
    asio::awaitable<std::string> signed_message(std::string message) {
        if (!deps_.keys) {
            co_return message;
        }
        const std::string from_domain = domain_of(identity_.from);
        std::string out = co_await net::run_blocking(deps_.workers, [&] {
            return mailauth::dkim_keys::sign_for_domain(*deps_.keys, message, from_domain, now_) +
                   message;
        });
        co_return out;
    }

    asio::awaitable<void> hand_over(OutgoingReport out, std::string_view kind,
                                    const std::string& domain) {
        if (out.recipients.empty()) {
            co_return;
        }
        const std::size_t recipients = out.recipients.size();
        co_await net::run_blocking(deps_.workers, [&] { deps_.send(out); });
        spdlog::info("{} report for {} queued as {} for {} recipient(s)", kind, domain,
                     out.queue_id, recipients);
    }

    const ReportDependencies& deps_;
    const ReportIdentity& identity_;
    const std::int64_t now_;
    const std::int64_t today_;
};

}  // namespace

ReportIdentity report_identity(const Config& config) {
    ReportIdentity identity;
    identity.submitter = config.server.hostname;
    identity.org_name =
        config.reports.org_name.empty() ? config.server.hostname : config.reports.org_name;
    identity.from =
        config.reports.from.empty() ? "postmaster@" + config.server.hostname : config.reports.from;
    identity.dmarc = config.reports.dmarc;
    identity.tls = config.reports.tls;
    return identity;
}

asio::awaitable<void> send_due_reports(const ReportDependencies& deps,
                                       const ReportIdentity& identity, std::int64_t now) {
    Run run(deps, identity, now);
    co_await run.all();
}

}  // namespace sealbox::reports
