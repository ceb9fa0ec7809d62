// AUTH (RFC 4954) for a smart host: PLAIN (RFC 4616), or LOGIN where only that is offered.
// Credentials go over TLS only, and the copies made here are wiped once sent.

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "smtp/client/smtp_client.h"

namespace sealbox::smtp::client {
namespace asio = boost::asio;

namespace {

// Holds a secret on the wire's way out; wiped when done with.
class Secret {
  public:
    explicit Secret(std::string text) : text_(std::move(text)) {}
    ~Secret() { OPENSSL_cleanse(text_.data(), text_.size()); }
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    const std::string& str() const { return text_; }

  private:
    std::string text_;
};

// RFC 4954 §4: the SASL exchange travels in base64, one line each way.
std::string base64_line(std::string_view raw) {
    std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(raw.data()),
                            static_cast<int>(raw.size()));
    out.resize(static_cast<std::size_t>(n));
    return out + "\r\n";
}

}  // namespace

asio::awaitable<void> SmtpClient::authenticate() {
    // RFC 4954 §4 and RFC 8314 §3: a password never crosses the network in the clear, whatever
    // the TLS policy said.
    if (!is_tls()) {
        throw ClientError(Failure{Stage::auth, "credentials are only ever sent over TLS",
                                  std::nullopt, true, false, true});
    }
    Credentials credentials = std::move(*options_.auth);
    options_.auth.reset();
    std::exception_ptr failure;
    try {
        if (extensions_.offers_auth("PLAIN")) {
            co_await auth_plain(credentials);
        } else if (extensions_.offers_auth("LOGIN")) {
            co_await auth_login(credentials);
        } else {
            throw ClientError(Failure{Stage::auth,
                                      "the server offers no AUTH mechanism Sealbox has "
                                      "(PLAIN, LOGIN)",
                                      std::nullopt, true, false, false});
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
    Secret token(std::string(1, '\0') + credentials.user + '\0' + credentials.password);
    Secret line("AUTH PLAIN " + base64_line(token.str()));
    Reply reply = co_await command(line.str(), Stage::auth, options_.timeouts.command);
    if (!succeeded(reply, Stage::auth)) {
        refused(Stage::auth, reply);
    }
}

// LOGIN: no RFC, but widely offered: 334 for the user name, 334 for the password, each base64.
asio::awaitable<void> SmtpClient::auth_login(const Credentials& credentials) {
    Reply reply = co_await command("AUTH LOGIN\r\n", Stage::auth, options_.timeouts.command);
    for (const std::string* field : {&credentials.user, &credentials.password}) {
        if (reply.code != 334) {
            if (succeeded(reply, Stage::auth)) {
                unexpected(Stage::auth, reply);  // done before the password was asked for
            }
            refused(Stage::auth, reply);
        }
        Secret line(base64_line(*field));
        reply = co_await command(line.str(), Stage::auth, options_.timeouts.command);
    }
    if (!succeeded(reply, Stage::auth)) {
        refused(Stage::auth, reply);
    }
}

}  // namespace sealbox::smtp::client
