#pragma once
// Server TLS settings, loaded from the configured (or self-signed) certificate and swapped
// atomically on reload, so new handshakes use the new certificate and open connections keep
// theirs.

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace sealbox::net {

struct TlsFiles {
    std::filesystem::path certificate;
    std::filesystem::path private_key;
    std::string min_version = "1.2";  // "1.2" or "1.3"
};

// TLS 1.2 and 1.3 only, forward-secret AEAD suites only, server preference, no compression,
// no renegotiation, no session tickets (their key would outlive the process in no way we
// control). Throws Error(config) naming the file when the certificate or key cannot be used.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const TlsFiles& files);

// Outbound TLS, for the SMTP client: TLS 1.2 and 1.3 only, forward-secret suites only, no
// compression, no renegotiation. Trusts the system CA store (/etc/ssl/certs) or, when ca_file
// is given, only the certificates in that PEM file (tests, a private smart host). Whether a
// connection insists on a valid certificate is chosen per connection (ClientConnection::
// handshake), so one context serves opportunistic and verified delivery alike. Throws
// Error(config) when the CA file cannot be read.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(
    const std::filesystem::path& ca_file = {});

class TlsContextProvider {
public:
    explicit TlsContextProvider(TlsFiles files);
    std::shared_ptr<boost::asio::ssl::context> current() const;
    // Loads the files again; on failure keeps the old context and rethrows.
    void reload();

private:
    TlsFiles files_;
    mutable std::mutex mutex_;
    std::shared_ptr<boost::asio::ssl::context> context_;
};

}  // namespace sealbox::net
