#pragma once
// One conversation: the command loop and state machine in session.cpp, each command group's
// handler in its own file. Runs on the connection's strand, so nothing here needs a lock.

#include <boost/asio/awaitable.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/credentials.h"
#include "smtp/proto/command.h"
#include "smtp/proto/reply.h"
#include "smtp/session/from_field.h"
#include "smtp/session/handler.h"
#include "smtp/session/transaction.h"

namespace sealbox::smtp {

using net::Credentials;

class Session {
  public:
    Session(net::Connection& connection, std::shared_ptr<const SessionConfig> config,
            SessionServices services);
    boost::asio::awaitable<void> run();

  private:
    // session.cpp
    boost::asio::awaitable<void> dispatch(Command& command);
    void reply(Reply reply);
    void reply(int code, std::string enhanced, std::string text);
    // In LMTP, the answer to the end of a message is one reply per accepted recipient
    // (RFC 2033 §4.2); in SMTP it is one reply.
    void reply_per_recipient(const Reply& reply);
    void bad_command();
    boost::asio::awaitable<void> flush();
    boost::asio::awaitable<std::optional<net::Line>> next_line();
    boost::asio::awaitable<bool> read_more();
    std::uint64_t message_limit() const;
    bool lmtp() const { return config_->mode == Mode::lmtp; }
    bool submission() const {
        return config_->mode == Mode::submission || config_->mode == Mode::submissions;
    }
    bool extended() const { return hello_ && *hello_ != Hello::Kind::helo; }
    std::string client() const;  // the client address as logs may show it

    // hello.cpp
    boost::asio::awaitable<void> on_hello(const Hello& hello);
    std::vector<std::string> extensions() const;
    bool hello_required();

    // mail.cpp, rcpt.cpp
    boost::asio::awaitable<void> on_mail(const Mail& mail);
    std::optional<Reply> check_mail_params(const Mail& mail) const;
    boost::asio::awaitable<void> on_rcpt(const Rcpt& rcpt);

    // data.cpp, bdat.cpp
    boost::asio::awaitable<void> on_data();
    std::optional<Reply> data_refusal(bool chunk) const;
    boost::asio::awaitable<void> on_bdat(const Bdat& bdat);
    boost::asio::awaitable<bool> read_chunk(std::uint64_t size, bool keep);

    // deliver.cpp: what happens once a whole message is in
    boost::asio::awaitable<void> finish_message(std::string message);
    boost::asio::awaitable<std::optional<Reply>> accept_submission(std::string& message);
    boost::asio::awaitable<std::optional<Reply>> check_from_header(const FromField& from);
    boost::asio::awaitable<void> deliver_message(const std::string& id, std::string message,
                                                 const std::string& folder,
                                                 const OutboundMessage& outbound,
                                                 const std::string& forwarded_prefix);
    std::string received(const std::string& id) const;
    OutboundMessage outbound_message(const std::string& id) const;
    using Outcomes = std::map<std::string, DeliveryOutcome, std::less<>>;
    void reply_to_delivery(const std::string& id, const Outcomes& outcomes, bool queued,
                           std::size_t size);

    // inbound.cpp: mail authentication of what the MX receives
    bool checks_inbound() const;
    boost::asio::awaitable<InboundVerdict> authenticate_inbound(std::string message);

    // auth.cpp
    boost::asio::awaitable<void> on_auth(const Auth& auth);
    std::optional<Reply> auth_refusal() const;
    boost::asio::awaitable<std::optional<std::string>> auth_response(std::string_view challenge);
    boost::asio::awaitable<std::optional<std::string>> first_response(const Auth& auth,
                                                                      std::string_view challenge);
    boost::asio::awaitable<std::shared_ptr<Credentials>> read_plain(const Auth& auth);
    boost::asio::awaitable<std::shared_ptr<Credentials>> read_login(const Auth& auth);
    boost::asio::awaitable<void> check_password(std::shared_ptr<Credentials> credentials);

    // starttls.cpp
    boost::asio::awaitable<void> on_starttls();

    // misc.cpp: RSET, NOOP, QUIT, VRFY, EXPN, HELP
    void on_rset();
    void on_help();

    net::Connection& connection_;
    std::shared_ptr<const SessionConfig> config_;
    SessionServices services_;
    std::string output_;  // replies not sent yet (RFC 2920: sent when the client waits)
    bool closing_ = false;
    int bad_commands_ = 0;

    std::optional<Hello::Kind> hello_;
    std::string helo_name_;  // the hello argument when its syntax is valid, for Received:
    std::optional<std::string> account_;  // after AUTH
    std::optional<Transaction> transaction_;
};

}  // namespace sealbox::smtp
