#pragma once
// One exception type for every layer; protocol sessions map ErrorCode to their own reply codes.

#include <stdexcept>
#include <string>

namespace sealbox {

enum class ErrorCode {
    invalid_argument,  // bad input from a caller or an administrator
    not_found,         // no such domain, account, alias, mailbox or message
    already_exists,
    auth_failed,       // wrong password or recovery key; never says which part was wrong
    quota_exceeded,
    corrupt,           // stored data failed authentication or a structural check
    io,                // the operating system refused a read, write or fsync
    config,            // the configuration file is invalid
    internal,
};

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ErrorCode code() const noexcept { return code_; }

private:
    ErrorCode code_;
};

}  // namespace sealbox
