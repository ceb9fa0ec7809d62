#pragma once
// One IMAP conversation (RFC 9051, RFC 3501 until the client enables IMAP4rev2): the command
// loop and states in session.cpp, each command group's handler in its own file. Runs on the
// connection's strand, so nothing here needs a lock; every store call goes to the worker pool.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "imap/proto/command.h"
#include "imap/proto/command_reader.h"
#include "imap/proto/response.h"
#include "imap/session/handler.h"
#include "imap/session/notifications.h"
#include "imap/session/selected.h"
#include "net/blocking.h"

namespace sealbox::imap {

// Set from any thread by the account's watch() callback; the timer wakes an IDLE, or the
// NOTIFY pusher between commands.
struct ChangeSignal {
    explicit ChangeSignal(boost::asio::any_io_executor executor) : timer(std::move(executor)) {}
    std::atomic<bool> changed = false;
    std::atomic<bool> mailboxes_changed = false;  // for NOTIFY's other mailboxes (RFC 5465)
    boost::asio::steady_timer timer;
};

class Session {
  public:
    Session(net::Connection& connection, std::shared_ptr<const SessionConfig> config,
            SessionServices services);
    boost::asio::awaitable<void> run();

  private:
    enum class State { not_authenticated, authenticated, selected, logout };

    // session.cpp
    boost::asio::awaitable<std::optional<std::string>> read_command();
    boost::asio::awaitable<bool> read_literal(CommandReader& reader);
    boost::asio::awaitable<void> execute(const std::string& text);
    boost::asio::awaitable<void> dispatch(Command& command);
    Limits limits() const;
    bool utf8() const { return rev2_ || utf8_accept_; }
    void send(std::string_view data) { output_ += data; }
    void done(Condition condition, const ResponseCode& code, std::string_view text);
    void done(Condition condition, std::string_view text) { done(condition, {}, text); }
    void bad(std::string_view text);  // a BAD that counts toward max_bad_commands
    void bad_command();
    bool require_authenticated();
    bool require_selected();
    void fail(const Error& error, std::string_view mailbox_missing_code = "NONEXISTENT");
    boost::asio::awaitable<void> flush();
    std::string client() const;

    // misc.cpp: CAPABILITY, NOOP, CHECK, LOGOUT, NAMESPACE, ID
    std::vector<std::string> capabilities() const;
    void on_capability();
    void on_logout();
    void on_namespace();
    void on_id(const Id& id);

    // auth.cpp: STARTTLS, LOGIN, AUTHENTICATE
    boost::asio::awaitable<void> on_starttls();
    bool login_refused();
    boost::asio::awaitable<void> on_login(Login& login);
    boost::asio::awaitable<void> on_authenticate(const Authenticate& authenticate);
    boost::asio::awaitable<void> check_password(std::string user, std::string password);

    // enable.cpp
    void on_enable(const Enable& enable);

    // select.cpp: SELECT, EXAMINE, CLOSE, UNSELECT
    boost::asio::awaitable<void> on_select(const Select& select);
    boost::asio::awaitable<void> on_close(bool expunge);
    void deselect();

    // updates.cpp: what others changed in the selected mailbox (RFC 9051 §7.5.1, §5.2)
    // report_flags false: flag changes wait for the next call that reports them.
    boost::asio::awaitable<void> report_changes(bool allow_expunge, bool report_flags = true);
    // Returns the UIDs that arrived.
    std::vector<Uid> apply_changes(const MailboxChanges& changes, bool allow_expunge,
                                   bool report_flags);
    void report_deferred_flags();
    void report_expunges();
    void mark_changed() { signal_->changed = true; }
    std::string flags_fetch(std::uint32_t msn, const MessageMeta& meta, bool with_uid) const;

    // list.cpp: LIST, LSUB; status.cpp: STATUS
    boost::asio::awaitable<void> on_list(const List& list);
    boost::asio::awaitable<void> on_lsub(const Lsub& lsub);
    boost::asio::awaitable<void> on_status(const Status& status);
    std::string status_response_line(std::string_view mailbox, const MailboxStatus& status,
                                     const std::vector<StatusItem>& items);

    // mailbox.cpp: CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE
    boost::asio::awaitable<void> on_create(const Create& create);
    boost::asio::awaitable<void> on_delete(const Delete& remove);
    boost::asio::awaitable<void> on_rename(const Rename& rename);
    boost::asio::awaitable<void> on_subscribe(const std::string& mailbox, bool subscribe);

    // fetch.cpp, store.cpp, search.cpp, copy_move.cpp, expunge.cpp, append.cpp, quota.cpp
    boost::asio::awaitable<void> on_fetch(const Fetch& fetch);
    // FETCH responses for messages of the selected mailbox, written batch by batch; false when
    // BINARY met a part it cannot decode. may_set_seen: BODY[] and the like set \Seen.
    boost::asio::awaitable<bool> fetch_messages(const std::vector<Uid>& uids,
                                                const std::vector<FetchAttribute>& attributes,
                                                std::optional<ModSeq> changed_since,
                                                bool may_set_seen);
    boost::asio::awaitable<void> on_store(const Store& store);
    boost::asio::awaitable<void> on_search(Search& search);
    // Search keys as the store takes them: text in UTF-8, message numbers and "$" as UID sets.
    // nullopt, with NO [BADCHARSET] queued, for a charset that cannot be converted.
    std::optional<SearchKey> uid_criteria(SearchKey criteria,
                                          const std::optional<std::string>& charset);
    boost::asio::awaitable<void> on_copy(const SequenceSet& set, bool uid,
                                         const std::string& target, bool move);
    boost::asio::awaitable<void> on_expunge(const Expunge& expunge);
    boost::asio::awaitable<void> on_append(Append& append);
    boost::asio::awaitable<void> on_get_quota_root(const GetQuotaRoot& command);
    boost::asio::awaitable<void> on_get_quota(const GetQuota& command);
    std::optional<std::vector<Uid>> resolve(const SequenceSet& set, bool uid);

    // metadata.cpp: GETMETADATA, SETMETADATA (RFC 5464)
    boost::asio::awaitable<void> on_get_metadata(const GetMetadata& command);
    boost::asio::awaitable<void> on_set_metadata(const SetMetadata& command);

    // idle.cpp
    boost::asio::awaitable<void> on_idle();
    // A line from the client while a second coroutine pushes updates (IDLE's, or NOTIFY's
    // between commands) as the store reports them.
    boost::asio::awaitable<std::optional<net::Line>> read_line_pushing(bool idle);
    boost::asio::awaitable<void> pusher(bool idle);
    bool updates_waiting(bool idle) const;
    boost::asio::awaitable<void> push_updates(bool idle);

    // notify.cpp: NOTIFY (RFC 5465)
    boost::asio::awaitable<void> on_notify(const Notify& notify);
    bool pushes_selected() const;  // NOTIFY's SELECTED group asks for message events
    boost::asio::awaitable<void> report_notifications();  // other mailboxes' changes
    boost::asio::awaitable<void> fetch_arrivals(const std::vector<Uid>& arrived);
    void send_notification(const MailboxNotification& notification);
    void notification_overflow();

    // sort_thread.cpp: SORT, THREAD (RFC 5256); compress.cpp: COMPRESS (RFC 4978)
    boost::asio::awaitable<void> on_sort(const Sort& sort);
    boost::asio::awaitable<void> on_thread(const Thread& thread);
    boost::asio::awaitable<void> on_compress(const Compress& compress);

    net::Connection& connection_;
    std::shared_ptr<const SessionConfig> config_;
    SessionServices services_;
    std::string output_;  // responses not sent yet
    std::string tag_;     // of the command being executed
    std::optional<std::string> completion_;
    State state_ = State::not_authenticated;
    bool closing_ = false;
    int bad_commands_ = 0;

    // Enabled by ENABLE (RFC 5161), or CONDSTORE by its first use (RFC 7162 §3.1).
    bool rev2_ = false;
    bool utf8_accept_ = false;  // RFC 6855
    bool condstore_ = false;
    bool qresync_ = false;

    std::shared_ptr<Account> account_;
    std::shared_ptr<ChangeSignal> signal_;
    std::unique_ptr<Watch> watch_;  // declared after account_: unregisters first
    std::optional<SelectedMailbox> selected_;
    std::vector<Uid> saved_search_;  // RFC 5182 SEARCHRES "$"

    std::optional<ActiveNotify> notify_;  // RFC 5465; empty: NOTIFY NONE
    bool push_stop_ = false;
};

}  // namespace sealbox::imap
