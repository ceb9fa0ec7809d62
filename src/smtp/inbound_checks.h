#pragma once
// Mail authentication of what the MX receives (SPF, DKIM, ARC, DMARC), as the session needs it:
// one verdict per message at the end of its data. The checks themselves (DNS, signatures) live
// behind this interface, in the server, so the session stays free of DNS and crypto and is tested
// against a fake.

#include <boost/asio/awaitable.hpp>
#include <string>

namespace sealbox::smtp {

struct InboundEnvelope {
    std::string client_ip;
    std::string helo;       // the EHLO/HELO argument as the client sent it
    std::string mail_from;  // the reverse-path; empty for <>
    // The domain of an alias through which a copy leaves for elsewhere: it seals that copy with
    // ARC (RFC 8617 §5.1) so that DMARC can still pass at the far end. Empty: nothing leaves.
    std::string forwarding_domain;
};

struct InboundVerdict {
    // What the receiver's policy makes of the DMARC result (RFC 7489 §6.6.4, §6.7).
    enum class Action { deliver, junk, reject };
    Action action = Action::deliver;
    std::string reason;  // reject: the reply text; never message content
    // The message as delivered: incoming fields that claim our authserv-id removed and our
    // Authentication-Results field prepended (RFC 8601 §5).
    std::string message;
    // The ARC set to prepend to `message` for the copies forwarded out; empty when not sealed.
    std::string forwarded_prefix;
};

class InboundChecks {
  public:
    virtual ~InboundChecks() = default;
    // Never fails for DNS trouble: that is a temperror result, and the message is delivered.
    virtual boost::asio::awaitable<InboundVerdict> check(InboundEnvelope envelope,
                                                         std::string message) = 0;
};

}  // namespace sealbox::smtp
