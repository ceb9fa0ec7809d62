// MAIL (RFC 5321 §4.1.1.2) and its parameters: SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8
// (RFC 6531), RET and ENVID (RFC 3461), REQUIRETLS (RFC 8689), AUTH (RFC 4954 §5).

#include <spdlog/spdlog.h>

#include "net/blocking.h"
#include "smtp/session/address.h"
#include "smtp/session/session.h"

namespace sealbox::smtp {
namespace asio = boost::asio;

std::optional<Reply> Session::check_mail_params(const Mail& mail) const {
    const MailParams& p = mail.params;
    if (p.body == Body::binary_mime) {
        // BINARYMIME is not advertised (RFC 3030 §3), so this BODY value is not understood.
        return Reply{555, "5.5.4", {"BODY=BINARYMIME is not supported"}};
    }
    if (p.requiretls && !connection_.is_tls()) {
        // RFC 8689 §4.1: REQUIRETLS is offered only over TLS; elsewhere it is an unknown
        // parameter (RFC 5321 §4.1.1.11).
        return Reply{555, "5.5.4", {"REQUIRETLS needs a TLS connection"}};
    }
    if (p.size && *p.size > message_limit()) {
        // RFC 1870 §6
        return Reply{552, "5.3.4", {"Message size exceeds fixed maximum message size"}};
    }
    if (mail.from && mail.from->has_utf8 && !p.smtputf8) {
        // RFC 6531 §3.5
        return Reply{553, "5.6.7", {"Non-ASCII address needs the SMTPUTF8 parameter"}};
    }
    return std::nullopt;
}

asio::awaitable<void> Session::on_mail(const Mail& mail) {
    if (hello_required()) {
        co_return;
    }
    if (transaction_) {
        reply(503, "5.5.1", "Nested MAIL command");  // RFC 5321 §4.1.4
        bad_command();
        co_return;
    }
    if (submission() && !account_) {
        // RFC 4954 §6; before TLS the client learns from EHLO that it must start TLS first.
        reply(530, "5.7.0", "Authentication required");
        co_return;
    }
    if (auto refusal = check_mail_params(mail)) {
        reply(std::move(*refusal));
        co_return;
    }
    // RFC 6409 §6.1: a submission server may insist that the sender is the user's own. The null
    // reverse-path stays allowed (notifications); the From: field is checked after the data.
    if (account_ && mail.from) {
        MailAddress address = lookup_address(*mail.from);
        bool owned = mail.from->domain_kind == DomainKind::name &&
                     co_await net::run_blocking(services_.workers, [&] {
                         return services_.mail.may_send_as(*account_, address);
                     });
        if (!owned) {
            spdlog::info("{}: {} ({}) may not send as {}", config_->name, *account_, client(),
                         mail.from->str());
            reply(553, "5.7.1", "Sender address not owned by the authenticated user");
            co_return;
        }
    }
    bool allowed = !account_ || co_await net::run_blocking(services_.workers, [&] {
        return services_.mail.may_submit_now(*account_);
    });
    if (!allowed) {
        spdlog::info("{}: {} ({}) reached its hourly sending limit", config_->name, *account_,
                     client());
        reply(450, "4.7.1", "Hourly sending limit reached, try again later");
        co_return;
    }
    transaction_.emplace();
    transaction_->sender = mail.from;
    transaction_->params = mail.params;
    reply(250, "2.1.0", "Sender OK");
}

}  // namespace sealbox::smtp
