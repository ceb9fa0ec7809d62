#pragma once
// One POP3 conversation: the command loop and the AUTHORIZATION/TRANSACTION states (RFC 1939 §3)
// in session.cpp, each command group's handler in its own file. Runs on the connection's strand,
// so nothing here needs a lock.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/credentials.h"
#include "pop3/proto/command.h"
#include "pop3/proto/response.h"
#include "pop3/session/handler.h"
#include "pop3/session/read_ahead.h"

namespace sealbox::pop3 {

using net::Credentials;

class Session {
  public:
    Session(net::Connection& connection, std::shared_ptr<const SessionConfig> config,
            SessionServices services);
    boost::asio::awaitable<void> run();

  private:
    // session.cpp
    boost::asio::awaitable<void> command_loop();
    boost::asio::awaitable<void> dispatch(Command& command);
    bool allowed_in_state(const Command& command) const;
    void respond(std::string response) { output_ += response; }
    void bad_command(std::string_view text);
    boost::asio::awaitable<void> flush();
    boost::asio::awaitable<std::optional<net::Line>> next_line();
    boost::asio::awaitable<void> release_maildrop();
    std::string client() const;  // the client address as logs may show it
    bool logged_in() const { return maildrop_ != nullptr; }

    // auth.cpp: USER/PASS (RFC 1939 §7) and AUTH PLAIN (RFC 5034)
    bool refuse_without_tls();
    void on_user(const User& user);
    boost::asio::awaitable<void> on_pass(const Pass& pass);
    boost::asio::awaitable<void> on_auth(const Auth& auth);
    void on_auth_list();
    boost::asio::awaitable<std::optional<std::string>> sasl_response(const Auth& auth);
    boost::asio::awaitable<void> log_in(std::shared_ptr<Credentials> credentials);
    boost::asio::awaitable<bool> wait_out_throttle(const std::string& user);
    void enter_transaction(Login login);

    // capa.cpp and stls.cpp
    void on_capa();
    boost::asio::awaitable<void> on_stls();

    // maildrop.cpp: STAT, LIST, UIDL, DELE, RSET (RFC 1939 §5, §7)
    std::optional<std::size_t> message_index(std::uint32_t number);
    std::uint64_t octets_left() const;
    std::size_t messages_left() const;
    void on_stat();
    void on_list(const List& list);
    void on_uidl(const Uidl& uidl);
    void on_dele(const Dele& dele);
    void on_rset();

    // retrieve.cpp: RETR and TOP
    boost::asio::awaitable<void> on_retr(const Retr& retr);
    boost::asio::awaitable<void> on_top(const Top& top);
    boost::asio::awaitable<std::optional<std::string>> read_message(std::size_t index);
    void read_ahead_after(std::size_t index);
    boost::asio::awaitable<void> send_message(std::string_view status, std::string_view message);

    // update.cpp: QUIT (RFC 1939 §6)
    boost::asio::awaitable<void> on_quit();

    net::Connection& connection_;
    std::shared_ptr<const SessionConfig> config_;
    SessionServices services_;
    std::string output_;  // responses not sent yet (RFC 2449 §6.6: sent when the client waits)
    bool closing_ = false;
    int bad_commands_ = 0;

    std::optional<std::string> user_;     // after USER, until PASS
    std::unique_ptr<Maildrop> maildrop_;  // TRANSACTION state
    std::string account_;
    std::vector<bool> deleted_;  // by index into maildrop_->entries(): marked by DELE
    ReadAhead read_ahead_;       // reads maildrop_: settled before it goes
};

}  // namespace sealbox::pop3
