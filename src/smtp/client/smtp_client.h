#pragma once
// The client half of SMTP, talking to one server: greeting, EHLO, STARTTLS and AUTH as the
// options ask, then any number of messages on the one connection, then QUIT. It decides nothing
// about queues, retries or bounces: it reports what the server said, and the caller decides.
//
// Every coroutine here must run on the executor given to connect() (a strand, when the
// io_context has several threads), one call at a time.

#include <openssl/ssl.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/client_connection.h"
#include "smtp/client/client_error.h"
#include "smtp/client/message.h"
#include "smtp/client/options.h"
#include "smtp/proto/extensions.h"
#include "smtp/proto/reply.h"

namespace sealbox::smtp::client {

class SmtpClient {
  public:
    // Connects, reads the greeting, says EHLO (HELO when EHLO gets a 5xx, RFC 5321 §3.2), does
    // STARTTLS as options.tls asks and then EHLO again (RFC 3207 §4.2), and AUTH when
    // credentials are given. Throws ClientError when any of that fails, after a polite QUIT if
    // the server is still listening; throws sealbox::Error(invalid_argument) for options that
    // cannot work (a bad helo_name, required_verified without tls_server_name).
    static boost::asio::awaitable<std::unique_ptr<SmtpClient>> connect(
        boost::asio::any_io_executor executor, boost::asio::ip::tcp::endpoint endpoint,
        ClientOptions options);

    ~SmtpClient();
    SmtpClient(const SmtpClient&) = delete;
    SmtpClient& operator=(const SmtpClient&) = delete;

    // One transaction: MAIL, RCPT for each recipient, DATA and the content. With PIPELINING
    // (RFC 2920) the commands up to DATA go in one write and the replies are read in order;
    // otherwise one at a time. A message this server cannot take as it is (over its SIZE,
    // 8-bit without 8BITMIME, SMTPUTF8 or REQUIRETLS needed and not offered) is refused here
    // without sending anything. Returns what the server said; throws ClientError when the
    // conversation broke off (network, timeout, garbled reply), after which the connection is
    // closed and every recipient without a 2xx final reply counts as not delivered (RFC 5321
    // §4.5.4.1 treats it like a 451). Throws sealbox::Error(invalid_argument) for a message
    // with no recipients, or DSN parameters that could never be sent.
    boost::asio::awaitable<MessageResult> send(const OutboundMessage& message);

    // QUIT (RFC 5321 §4.1.1.10) and close. Never throws: nothing depends on the answer.
    boost::asio::awaitable<void> quit();

    // Another send() may follow: the connection is open, in step, and the server did not say
    // it is closing (421).
    bool usable() const { return connection_->is_open(); }

    const Reply& greeting() const { return greeting_; }
    const Extensions& extensions() const { return extensions_; }  // after STARTTLS, the new ones
    bool esmtp() const { return esmtp_; }                         // EHLO worked
    bool authenticated() const { return authenticated_; }
    const boost::asio::ip::tcp::endpoint& remote() const { return connection_->remote_endpoint(); }

    bool is_tls() const { return connection_->is_tls(); }
    std::string tls_version() const { return connection_->tls_version(); }
    std::string tls_cipher() const { return connection_->tls_cipher(); }
    bool certificate_verified() const { return connection_->certificate_verified(); }
    // Why not ("hostname mismatch"), or empty.
    std::string verification_error() const { return connection_->verification_error(); }
    // The TLSA record that authenticated the server under TlsPolicy::dane, for the log.
    std::string dane_authority() const { return connection_->dane_authority(); }
    // The TLS session (null without TLS): the peer's certificate chain, for DANE.
    SSL* native_tls() { return connection_->native_tls(); }

  private:
    struct Transaction;

    SmtpClient(std::shared_ptr<net::ClientConnection> connection, ClientOptions options);

    // smtp_client.cpp: the conversation up to the first message
    boost::asio::awaitable<void> open();
    boost::asio::awaitable<void> hello();
    boost::asio::awaitable<void> start_tls();
    boost::asio::awaitable<Reply> read_reply(Stage stage, milliseconds timeout);
    boost::asio::awaitable<void> write(std::string_view bytes, Stage stage, milliseconds timeout);
    boost::asio::awaitable<Reply> command(std::string_view line, Stage stage, milliseconds timeout);
    ClientError io_failure(Stage stage, milliseconds timeout) const;
    [[noreturn]] void refused(Stage stage, const Reply& reply, bool tls_failure = false);
    [[noreturn]] void unexpected(Stage stage, const Reply& reply);
    bool succeeded(const Reply& reply, Stage stage);

    // auth.cpp
    boost::asio::awaitable<void> authenticate();
    boost::asio::awaitable<void> auth_plain(const Credentials& credentials);
    boost::asio::awaitable<void> auth_login(const Credentials& credentials);

    // send.cpp
    std::optional<Reply> local_refusal(const OutboundMessage& message) const;
    MailParams mail_params(const OutboundMessage& message) const;
    boost::asio::awaitable<void> reset();
    boost::asio::awaitable<void> envelope(Transaction& transaction);
    boost::asio::awaitable<void> data(Transaction& transaction);
    boost::asio::awaitable<void> send_content(std::string_view content);

    std::shared_ptr<net::ClientConnection> connection_;
    ClientOptions options_;
    Reply greeting_;
    Extensions extensions_;
    bool esmtp_ = false;
    bool authenticated_ = false;
    // The last transaction stopped between MAIL and its end: RSET before the next one.
    bool needs_reset_ = false;
};

}  // namespace sealbox::smtp::client
