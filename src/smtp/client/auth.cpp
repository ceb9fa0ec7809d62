// AUTH (RFC 4954) for a smart host: PLAIN (RFC 4616), or LOGIN where only that is offered.
// Credentials go over TLS only, and the copies made here are wiped once sent.

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "smtp/client/smtp_client.h"

namespace sealbox::smtp::client {
namespace asio = boost::asio;

namespace {

// A buffer for a secret on its way out: its room is reserved up front, so that no reallocation
// leaves a copy behind, and it is wiped when done with.
class Secret {
  public:
    explicit Secret(std::size_t room) { text_.reserve(room); }
    ~Secret() { OPENSSL_cleanse(text_.data(), text_.size()); }
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    std::string& text() { return text_; }

  private:
    std::string text_;
};

// RFC 4954 §4: the SASL exchange travels in base64, one line each way.
std::size_t base64_line_room(std::size_t raw) {
    return 4 * ((raw + 2) / 3) + 3;  // EVP_EncodeBlock's NUL, then CRLF in its place
}

void append_base64_line(std::string_view raw, std::string& out) {
    std::size_t at = out.size();
    out.resize(at + base64_line_room(raw.size()));
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + at),
                            reinterpret_cast<const unsigned char*>(raw.data()),
                            static_cast<int>(raw.size()));
    out.resize(at + static_cast<std::size_t>(n));
    out += "\r\n";
}

}  // namespace

asio::awaitable<void> SmtpClient::authenticate() {
    // RFC 4954 §4 and RFC 8314 §3: a password never crosses the network in the clear, whatever
    // the TLS policy said.
    if (!is_tls()) {
        throw ClientError(Failure{.stage = Stage::auth,
                                  .detail = "credentials are only ever sent over TLS",
                                  .tls_failure = true});
    }
    // The options' copy goes now; the one used here is wiped below, however AUTH ends.
    Credentials credentials = *options_.auth;
    OPENSSL_cleanse(options_.auth->password.data(), options_.auth->password.size());
    options_.auth.reset();
    std::exception_ptr failure;
    try {
        if (extensions_.offers_auth("PLAIN")) {
            co_await auth_plain(credentials);
        } else if (extensions_.offers_auth("LOGIN")) {
            co_await auth_login(credentials);
        } else {
            throw ClientError(Failure{
                .stage = Stage::auth,
                .detail = "the server offers no AUTH mechanism Sealbox has (PLAIN, LOGIN)"});
        }
    } catch (...) {
        failure = std::current_exception();
    }
    OPENSSL_cleanse(credentials.password.data(), credentials.password.size());
    if (failure) {
        std::rethrow_exception(failure);
    }
    authenticated_ = true;
}

asio::awaitable<void> SmtpClient::auth_plain(const Credentials& credentials) {
    // RFC 4616 §2: message = [authzid] NUL authcid NUL passwd, sent as the initial response.
    Secret token(2 + credentials.user.size() + credentials.password.size());
    token.text() += '\0';
    token.text() += credentials.user;
    token.text() += '\0';
    token.text() += credentials.password;
    constexpr std::string_view kVerb = "AUTH PLAIN ";
    Secret line(kVerb.size() + base64_line_room(token.text().size()));
    line.text() += kVerb;
    append_base64_line(token.text(), line.text());
    Reply reply = co_await command(line.text(), Stage::auth, options_.timeouts.command);
    if (!succeeded(reply, Stage::auth)) {
        refused(Stage::auth, reply);
    }
}

// LOGIN: no RFC, but widely offered: 334 for the user name, 334 for the password, each base64.
asio::awaitable<void> SmtpClient::auth_login(const Credentials& credentials) {
    Reply reply = co_await command("AUTH LOGIN\r\n", Stage::auth, options_.timeouts.command);
    for (int step = 0; step < 2; ++step) {
        if (reply.code != 334) {
            if (succeeded(reply, Stage::auth)) {
                unexpected(Stage::auth, reply);  // done before the password was asked for
            }
            refused(Stage::auth, reply);
        }
        const std::string& field = step == 0 ? credentials.user : credentials.password;
        Secret line(base64_line_room(field.size()));
        append_base64_line(field, line.text());
        reply = co_await command(line.text(), Stage::auth, options_.timeouts.command);
    }
    if (!succeeded(reply, Stage::auth)) {
        refused(Stage::auth, reply);
    }
}

}  // namespace sealbox::smtp::client
