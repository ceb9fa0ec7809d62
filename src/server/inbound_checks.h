#pragma once
// The mail authentication of inbound mail the MX session asks for (smtp::InboundChecks): SPF
// (RFC 7208), DKIM (RFC 6376), ARC (RFC 8617), DMARC (RFC 7489) and one Authentication-Results
// field (RFC 8601) with their results, the action the DMARC policy asks for, and an ARC Set on
// the copies an alias forwards out. DNS through mailauth::DnsLookup;
// the hashing and signature checks run on the worker pool, never on an I/O thread.

#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <string>
#include <vector>

#include "mailauth/arc/validate.h"
#include "mailauth/dkim_keys/key_store.h"
#include "mailauth/dmarc/evaluate.h"
#include "mailauth/dmarc/public_suffix.h"
#include "mailauth/dmarc/report.h"
#include "mailauth/dns_lookup.h"
#include "mailauth/spf/check_host.h"
#include "smtp/inbound_checks.h"

namespace sealbox::server {

struct InboundCheckOptions {
    std::string authserv_id;  // ours, in Authentication-Results (RFC 8601 §2.5)
    std::string hostname;     // the SPF "r" macro (RFC 7208 §7.3)
    bool spf = true;
    bool dkim = true;
    bool arc = true;
    bool dmarc = true;
    bool dmarc_reject = true;      // refuse p=reject failures
    bool dmarc_quarantine = true;  // p=quarantine failures to Junk
    // ARC sealers (ARC-Seal d=, lower case) whose ARC-Authentication-Results saying dmarc=pass
    // outweigh our own DMARC fail (RFC 8617 §7.2.1).
    std::vector<std::string> trusted_arc_sealers;
};

// What SPF checked and found (RFC 7208 §2.3, §2.4).
struct SpfCheck {
    mailauth::spf::Outcome outcome;
    bool helo_identity = false;  // the reverse-path was empty: the HELO identity was checked
    std::string domain;          // the domain whose policy it was
};

// Every DMARC-evaluated message whose policy asks for aggregate reports (rua=), for the report
// store. Called on an I/O thread: must not block.
using DmarcRecorder =
    std::function<void(mailauth::dmarc::PublishedPolicy, mailauth::dmarc::ReportRow)>;

class InboundAuthentication final : public smtp::InboundChecks {
  public:
    InboundAuthentication(mailauth::DnsLookup& dns, boost::asio::thread_pool& workers,
                          const mailauth::dmarc::PublicSuffixList& suffixes,
                          InboundCheckOptions options, mailauth::dkim_keys::KeyStore* dkim_keys,
                          DmarcRecorder record_dmarc = {});

    boost::asio::awaitable<smtp::InboundVerdict> check(smtp::InboundEnvelope envelope,
                                                       std::string message) override;

  private:
    // What SPF, DKIM and ARC found, for DMARC to weigh.
    struct Authenticated {
        const SpfCheck& spf;
        const mailauth::dmarc::AuthenticatedIdentifiers& identifiers;
        const mailauth::dkim::Message& parsed;
        const mailauth::arc::Validation& arc;
    };

    boost::asio::awaitable<void> check_dmarc(const smtp::InboundEnvelope& envelope,
                                             const std::string& message,
                                             const Authenticated& authenticated,
                                             std::vector<mailauth::MethodResult>& results,
                                             smtp::InboundVerdict& verdict);
    void record(const mailauth::dmarc::MessageVerdict& dmarc_verdict,
                const Authenticated& authenticated, const smtp::InboundEnvelope& envelope,
                mailauth::dmarc::Policy applied, const std::string& arc_override_comment);

    mailauth::DnsLookup& dns_;
    boost::asio::thread_pool& workers_;
    const mailauth::dmarc::PublicSuffixList& suffixes_;
    InboundCheckOptions options_;
    mailauth::dkim_keys::KeyStore* dkim_keys_;  // seals forwarded mail (ARC); null: not sealed
    DmarcRecorder record_dmarc_;
};

}  // namespace sealbox::server
