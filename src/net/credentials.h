#pragma once
// What every protocol's login handles alike: the user name and password a client sent, wiped
// once checked, and the form of a user name fit for logs and the auth throttle's key.

#include <string>
#include <string_view>

namespace sealbox::net {

// A password held for one check, wiped when the check is done with it.
struct Credentials {
    std::string user;
    std::string password;
    Credentials() = default;
    Credentials(const Credentials&) = delete;
    ~Credentials();
};

// A user name as the client typed it may hold anything, line ends included: lower-cased, cut
// short and stripped of control characters.
std::string loggable_user(std::string_view user);

}  // namespace sealbox::net
