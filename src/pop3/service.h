#pragma once
// What a POP3 session needs from the rest of the server, and nothing more. Every call blocks
// (SQLite, Argon2id): the session makes it through net::run_blocking on the worker pool. Narrow
// on purpose, so that the session is tested against a fake.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::pop3 {

// One message of the maildrop as it was at login: RFC 1939 §5 numbers messages for the whole
// session, so the list never changes under the client.
struct MaildropEntry {
    // RFC 1939 §7 UIDL: 1 to 70 octets in 0x21-0x7E, the same for this message in every session.
    std::string unique_id;
    std::uint64_t size = 0;  // octets, as RETR sends them before byte-stuffing
};

// A logged-in session's hold on the account's INBOX. Holding it is holding the exclusive lock
// of RFC 1939 §8; destroying it releases the lock and deletes nothing (a session that never
// reached UPDATE leaves the maildrop as it was, RFC 1939 §6).
class Maildrop {
  public:
    virtual ~Maildrop() = default;

    virtual const std::vector<MaildropEntry>& entries() const = 0;
    // The message at `index` (0-based into entries()), raw. Throws sealbox::Error(not_found)
    // when it is gone (removed through another protocol), sealbox::Error otherwise.
    virtual std::string retrieve(std::size_t index) = 0;
    // RFC 1939 §6 UPDATE: removes these messages for good, all or none. Throws sealbox::Error.
    virtual void remove(const std::vector<std::size_t>& indexes) = 0;
};

struct Login {
    enum class Status {
        ok,
        bad_credentials,  // wrong user or password: the same answer either way
        in_use,           // right password, but another POP3 session holds the maildrop
    };
    Status status = Status::bad_credentials;
    std::string account;                 // the account address, when ok or in_use
    std::unique_ptr<Maildrop> maildrop;  // when ok
};

class MaildropService {
  public:
    virtual ~MaildropService() = default;
    // Checks the password and, when it is right, takes the maildrop's lock and lists its INBOX.
    // Throws sealbox::Error for anything but a wrong user or password.
    virtual Login login(std::string_view user, std::string_view password) = 0;
};

}  // namespace sealbox::pop3
