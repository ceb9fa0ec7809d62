#include "imap/session/session.h"

#include <spdlog/spdlog.h>

#include "core/log.h"

namespace sealbox::imap {
namespace asio = boost::asio;

namespace {

// Before login a literal can only carry a user name or password: keep what an anonymous
// client may make the server hold small.
constexpr std::uint64_t kMaxLiteralBeforeLogin = 8 * 1024;
// Room beside the message literals of one APPEND for its flags, dates and line ends.
constexpr std::uint64_t kAppendCommandRoom = 1024 * 1024;

}  // namespace

std::optional<Mode> mode_for_listener(std::string_view name) {
    if (name == "imap") {
        return Mode::imap;
    }
    if (name == "imaps") {
        return Mode::imaps;
    }
    return std::nullopt;
}

std::string busy_reply() {
    return status_response("*", Condition::bye, ResponseCode::simple("UNAVAILABLE"),
                           "Too many connections, try again later");
}

asio::awaitable<void> run_session(net::Connection& connection,
                                  std::shared_ptr<const SessionConfig> config,
                                  SessionServices services) {
    Session session(connection, std::move(config), services);
    co_await session.run();
}

net::SessionHandler session_handler(SessionConfig config, SessionServices services) {
    auto shared = std::make_shared<const SessionConfig>(std::move(config));
    return [shared, services](net::Connection& connection) {
        return run_session(connection, shared, services);
    };
}

Session::Session(net::Connection& connection, std::shared_ptr<const SessionConfig> config,
                 SessionServices services)
    : connection_(connection),
      config_(std::move(config)),
      services_(services),
      signal_(std::make_shared<ChangeSignal>(connection.executor())) {}

std::string Session::client() const {
    return loggable_ip(connection_.remote_ip());
}

Limits Session::limits() const {
    Limits l;
    l.max_line = config_->max_line_length;
    if (state_ == State::not_authenticated) {
        l.max_literal = kMaxLiteralBeforeLogin;
        l.max_command = 2 * kMaxLiteralBeforeLogin + l.max_line;
    } else {
        // RFC 7889: APPENDLIMIT is enforced when the literal is announced.
        l.max_literal = services_.mail.append_limit();
        l.max_command = l.max_literal + kAppendCommandRoom;
    }
    return l;
}

void Session::done(Condition condition, const ResponseCode& code, std::string_view text) {
    completion_ = status_response(tag_, condition, code, text);
}

void Session::bad(std::string_view text) {
    done(Condition::bad, text);
    bad_command();
}

// Malformed and out-of-state commands: a client that keeps sending them is broken or probing,
// and is cut off after listeners.NAME.max_bad_commands.
void Session::bad_command() {
    if (++bad_commands_ >= config_->max_bad_commands && !closing_) {
        spdlog::info("{}: closing the connection of {}: too many bad commands", config_->name,
                     client());
        closing_ = true;
    }
}

bool Session::require_authenticated() {
    if (state_ == State::authenticated || state_ == State::selected) {
        return true;
    }
    bad("Log in first");  // RFC 9051 §6: the command is not valid in this state
    return false;
}

bool Session::require_selected() {
    if (state_ == State::selected && selected_) {
        return true;
    }
    bad(state_ == State::not_authenticated ? "Log in first" : "No mailbox selected");
    return false;
}

// RFC 5530 response codes for what the store said.
void Session::fail(const Error& error, std::string_view mailbox_missing_code) {
    switch (error.code()) {
        case ErrorCode::not_found:
            done(Condition::no, ResponseCode::simple(mailbox_missing_code), "No such mailbox");
            return;
        case ErrorCode::already_exists:
            done(Condition::no, ResponseCode::simple("ALREADYEXISTS"), "Mailbox already exists");
            return;
        case ErrorCode::invalid_argument:
            done(Condition::no, ResponseCode::simple("CANNOT"), error.what());
            return;
        case ErrorCode::quota_exceeded:
            done(Condition::no, ResponseCode::simple("OVERQUOTA"), "Quota exceeded");
            return;
        case ErrorCode::io:
            spdlog::error("{}: session of {}: {}", config_->name, client(), error.what());
            done(Condition::no, ResponseCode::simple("UNAVAILABLE"),
                 "Temporary failure, try again later");
            return;
        default:
            spdlog::error("{}: session of {}: {}", config_->name, client(), error.what());
            done(Condition::no, ResponseCode::simple("SERVERBUG"), "Internal error");
    }
}

asio::awaitable<void> Session::flush() {
    if (!output_.empty()) {
        std::string data = std::move(output_);
        output_.clear();
        co_await connection_.write(data);
    }
}

asio::awaitable<void> Session::run() {
    // RFC 9051 §7.1.1: the greeting may carry the capabilities, saving a round trip.
    send(status_response("*", Condition::ok, ResponseCode::capability(capabilities()),
                         "Sealbox ready"));
    std::exception_ptr failure;
    try {
        while (!closing_) {
            auto text = co_await read_command();
            if (!text) {
                break;
            }
            if (!text->empty()) {
                co_await execute(*text);
            }
        }
        if (bad_commands_ >= config_->max_bad_commands) {
            send(status_response("*", Condition::bye, "Too many bad commands"));
        }
        if (!connection_.timed_out()) {
            co_await flush();
        }
    } catch (...) {
        failure = std::current_exception();
    }
    // The account is let go on a worker: unregistering the watch and ending the account's
    // session take the store's locks, which no I/O thread should wait for.
    if (account_) {
        auto release = [account = std::move(account_), watch = std::move(watch_)]() mutable {
            watch.reset();
            account.reset();
        };
        co_await net::run_blocking(services_.workers, std::move(release));
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
}

// One command and its literals, framed by CommandReader. nullopt: the client is gone or must
// be cut off; an empty string: the command was refused and answered already.
asio::awaitable<std::optional<std::string>> Session::read_command() {
    CommandReader reader(limits());
    for (;;) {
        switch (reader.need()) {
            case CommandReader::Need::line: {
                // Responses to pipelined commands go out once the server would wait for input.
                if (connection_.buffered().find('\n') == std::string_view::npos) {
                    co_await flush();
                }
                std::optional<net::Line> line;
                if (reader.command().empty() && notify_) {
                    // RFC 5465 §3: with NOTIFY on, updates go out while the client is quiet.
                    line = co_await read_line_pushing(false);
                } else {
                    line = co_await connection_.read_line(config_->max_line_length);
                }
                if (!line) {
                    closing_ = true;
                    co_return std::nullopt;
                }
                if (line->too_long) {
                    std::string tag = reader.tag();
                    send(status_response(tag.empty() ? "*" : tag, Condition::bad,
                                         "Command line too long"));
                    bad_command();
                    co_return std::string();
                }
                reader.feed_line(line->text);
                break;
            }
            case CommandReader::Need::literal: {
                bool complete = co_await read_literal(reader);
                if (!complete) {
                    closing_ = true;
                    co_return std::nullopt;
                }
                break;
            }
            case CommandReader::Need::complete:
                co_return std::string(reader.command());
            case CommandReader::Need::error: {
                std::string tag = reader.tag();
                tag = tag.empty() ? "*" : tag;
                // RFC 7889 §4 / RFC 9051 §7.1: a literal too big for the server is TOOBIG.
                bool too_big = reader.error().find("too big") != std::string::npos;
                send(too_big ? status_response(tag, Condition::no, ResponseCode::simple("TOOBIG"),
                                               reader.error())
                             : status_response(tag, Condition::bad, reader.error()));
                if (reader.close_connection()) {
                    // RFC 7888 §4: the refused {n+} literal is on its way and cannot be framed.
                    send(status_response("*", Condition::bye, "Cannot skip a refused literal"));
                    closing_ = true;
                    co_return std::nullopt;
                }
                if (!too_big) {
                    bad_command();
                }
                co_return std::string();
            }
        }
    }
}

// RFC 9051 §7.5: "+" before a synchronizing literal; RFC 7888 literals follow at once.
asio::awaitable<bool> Session::read_literal(CommandReader& reader) {
    if (reader.synchronizing()) {
        send(continuation("Ready"));
        co_await flush();
    }
    while (reader.need() == CommandReader::Need::literal) {
        if (!connection_.has_buffered_input()) {
            bool more = co_await connection_.fill();
            if (!more) {
                co_return false;
            }
        }
        connection_.consume(reader.feed_literal(connection_.buffered()));
    }
    co_return true;
}

asio::awaitable<void> Session::execute(const std::string& text) {
    auto parsed = parse_command(text, ParseOptions{limits(), utf8()});
    if (auto* error = std::get_if<ParseError>(&parsed)) {
        send(status_response(error->tag.empty() ? "*" : error->tag, Condition::bad, error->text));
        bad_command();
        co_return;
    }
    auto& command = std::get<TaggedCommand>(parsed);
    tag_ = command.tag;
    completion_.reset();
    try {
        co_await dispatch(command.command);
    } catch (const boost::system::system_error&) {
        throw;  // the client is gone; nothing to answer
    } catch (const Error& e) {
        fail(e);
    } catch (const std::exception& e) {
        spdlog::error("{}: session of {}: {}", config_->name, client(), e.what());
        done(Condition::no, ResponseCode::simple("SERVERBUG"), "Internal error");
    }
    // RFC 9051 §7: untagged updates go before the tagged response. §7.5.1: never EXPUNGE
    // during FETCH, STORE or SEARCH by message number, when the client cannot renumber.
    const Command& c = command.command;
    bool updates = !std::holds_alternative<Logout>(c) && !std::holds_alternative<Select>(c) &&
                   !std::holds_alternative<Close>(c) && !std::holds_alternative<Unselect>(c) &&
                   !std::holds_alternative<Idle>(c);
    if (updates && state_ == State::selected) {
        auto* fetch = std::get_if<Fetch>(&c);
        auto* store = std::get_if<Store>(&c);
        auto* search = std::get_if<Search>(&c);
        auto* sort = std::get_if<Sort>(&c);
        auto* thread = std::get_if<Thread>(&c);
        bool allow_expunge = !(fetch && !fetch->uid) && !(store && !store->uid) &&
                             !(search && !search->uid) && !(sort && !sort->uid) &&
                             !(thread && !thread->uid);
        try {
            co_await report_changes(allow_expunge);
        } catch (const boost::system::system_error&) {
            throw;
        } catch (const std::exception& e) {
            spdlog::warn("{}: session of {}: no updates: {}", config_->name, client(), e.what());
        }
    }
    if (updates && notify_) {
        co_await report_notifications();  // other mailboxes' changes (RFC 5465)
    }
    if (completion_) {
        send(*completion_);
    }
}

asio::awaitable<void> Session::dispatch(Command& command) {
    if (std::holds_alternative<Capability>(command)) {
        on_capability();
    } else if (std::holds_alternative<Noop>(command) || std::holds_alternative<Check>(command)) {
        done(Condition::ok, "NOOP completed");  // RFC 9051 §6.1.2; CHECK: RFC 3501 §6.4.1
    } else if (std::holds_alternative<Logout>(command)) {
        on_logout();
    } else if (auto* c = std::get_if<Id>(&command)) {
        on_id(*c);
    } else if (std::holds_alternative<StartTls>(command)) {
        co_await on_starttls();
    } else if (auto* c = std::get_if<Login>(&command)) {
        co_await on_login(*c);
    } else if (auto* c = std::get_if<Authenticate>(&command)) {
        co_await on_authenticate(*c);
    } else if (state_ == State::not_authenticated || state_ == State::logout) {
        bad("Log in first");  // everything below needs a login (RFC 9051 §3.1)
    } else if (auto* c = std::get_if<Enable>(&command)) {
        on_enable(*c);
    } else if (std::holds_alternative<Namespace>(command)) {
        on_namespace();
    } else if (auto* c = std::get_if<Select>(&command)) {
        co_await on_select(*c);
    } else if (std::holds_alternative<Close>(command)) {
        co_await on_close(true);
    } else if (std::holds_alternative<Unselect>(command)) {
        co_await on_close(false);
    } else if (auto* c = std::get_if<List>(&command)) {
        co_await on_list(*c);
    } else if (auto* c = std::get_if<Lsub>(&command)) {
        co_await on_lsub(*c);
    } else if (auto* c = std::get_if<Status>(&command)) {
        co_await on_status(*c);
    } else if (auto* c = std::get_if<Create>(&command)) {
        co_await on_create(*c);
    } else if (auto* c = std::get_if<Delete>(&command)) {
        co_await on_delete(*c);
    } else if (auto* c = std::get_if<Rename>(&command)) {
        co_await on_rename(*c);
    } else if (auto* c = std::get_if<Subscribe>(&command)) {
        co_await on_subscribe(c->mailbox, true);
    } else if (auto* c = std::get_if<Unsubscribe>(&command)) {
        co_await on_subscribe(c->mailbox, false);
    } else if (auto* c = std::get_if<Append>(&command)) {
        co_await on_append(*c);
    } else if (auto* c = std::get_if<GetQuotaRoot>(&command)) {
        co_await on_get_quota_root(*c);
    } else if (auto* c = std::get_if<GetQuota>(&command)) {
        co_await on_get_quota(*c);
    } else if (auto* c = std::get_if<GetMetadata>(&command)) {
        co_await on_get_metadata(*c);
    } else if (auto* c = std::get_if<SetMetadata>(&command)) {
        co_await on_set_metadata(*c);
    } else if (auto* c = std::get_if<Compress>(&command)) {
        co_await on_compress(*c);
    } else if (auto* c = std::get_if<Notify>(&command)) {
        co_await on_notify(*c);
    } else if (std::holds_alternative<Idle>(command)) {
        co_await on_idle();
    } else if (!require_selected()) {
        // everything below acts on the selected mailbox
    } else if (auto* c = std::get_if<Fetch>(&command)) {
        co_await on_fetch(*c);
    } else if (auto* c = std::get_if<Store>(&command)) {
        co_await on_store(*c);
    } else if (auto* c = std::get_if<Search>(&command)) {
        co_await on_search(*c);
    } else if (auto* c = std::get_if<Sort>(&command)) {
        co_await on_sort(*c);
    } else if (auto* c = std::get_if<Thread>(&command)) {
        co_await on_thread(*c);
    } else if (auto* c = std::get_if<Copy>(&command)) {
        co_await on_copy(c->set, c->uid, c->mailbox, false);
    } else if (auto* c = std::get_if<Move>(&command)) {
        co_await on_copy(c->set, c->uid, c->mailbox, true);
    } else if (auto* c = std::get_if<Expunge>(&command)) {
        co_await on_expunge(*c);
    }
}

// The UIDs a command's set names in the selected mailbox; nullopt (and BAD queued) for
// message numbers the client cannot know.
std::optional<std::vector<Uid>> Session::resolve(const SequenceSet& set, bool uid) {
    auto uids = selected_->resolve(set, uid, saved_search_);
    if (!uids) {
        bad("Invalid message sequence number");
    }
    return uids;
}

}  // namespace sealbox::imap
