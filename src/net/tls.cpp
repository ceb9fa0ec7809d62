#include "net/tls.h"

#include <openssl/ssl.h>

#include "core/error.h"

namespace sealbox::net {
namespace ssl = boost::asio::ssl;

namespace {

// TLS 1.2 suites (TLS 1.3 suites are all AEAD and forward-secret already): ECDHE only, AEAD only.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// An outbound connection also offers forward-secret suites that older mail servers still need:
// where the peer has nothing better, the alternative is cleartext (RFC 7435 §1), not these.
constexpr const char* kClientExtraCiphers =
    ":DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA";

constexpr const char* kSystemCaDirectory = "/etc/ssl/certs";

}  // namespace

std::shared_ptr<ssl::context> make_server_tls_context(const TlsFiles& files) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* native = context->native_handle();
    int min_version = files.min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
    SSL_CTX_set_min_proto_version(native, min_version);
    SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION |
                                    SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
    if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
        throw Error(ErrorCode::internal, "OpenSSL refused the TLS 1.2 cipher list");
    }
    try {
        context->use_certificate_chain_file(files.certificate.string());
    } catch (const std::exception& e) {
        throw Error(ErrorCode::config,
                    "TLS certificate " + files.certificate.string() + ": " + e.what());
    }
    try {
        context->use_private_key_file(files.private_key.string(), ssl::context::pem);
    } catch (const std::exception& e) {
        throw Error(ErrorCode::config,
                    "TLS private key " + files.private_key.string() + ": " + e.what());
    }
    if (SSL_CTX_check_private_key(native) != 1) {
        throw Error(ErrorCode::config, "TLS private key " + files.private_key.string() +
                                           " does not match " + files.certificate.string());
    }
    return context;
}

std::shared_ptr<ssl::context> make_client_tls_context(const std::filesystem::path& ca_file) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    SSL_CTX* native = context->native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    const std::string ciphers = std::string(kTls12Ciphers) + kClientExtraCiphers;
    if (SSL_CTX_set_cipher_list(native, ciphers.c_str()) != 1) {
        throw Error(ErrorCode::internal, "OpenSSL refused the TLS 1.2 client cipher list");
    }
    // Outbound DANE (RFC 7672) is switched on per connection, with that connection's TLSA
    // records; this only prepares the context's shared state for it.
    if (SSL_CTX_dane_enable(native) <= 0) {
        throw Error(ErrorCode::internal, "OpenSSL cannot enable DANE");
    }
    // The hashed directory is read certificate by certificate when a chain needs one, so a
    // context costs little until it verifies something.
    int loaded = ca_file.empty() ? SSL_CTX_load_verify_dir(native, kSystemCaDirectory)
                                 : SSL_CTX_load_verify_file(native, ca_file.c_str());
    if (loaded != 1) {
        throw Error(ErrorCode::config,
                    "TLS CA certificates " +
                        (ca_file.empty() ? std::string(kSystemCaDirectory) : ca_file.string()) +
                        " cannot be loaded");
    }
    return context;
}

TlsContextProvider::TlsContextProvider(TlsFiles files)
    : files_(std::move(files)), context_(make_server_tls_context(files_)) {}

std::shared_ptr<ssl::context> TlsContextProvider::current() const {
    std::lock_guard lock(mutex_);
    return context_;
}

void TlsContextProvider::reload() {
    auto fresh = make_server_tls_context(files_);
    std::lock_guard lock(mutex_);
    context_ = std::move(fresh);
}

}  // namespace sealbox::net
