#pragma once
// The certificate of the embedded default: made once on first start so TLS works out of the box.

#include <filesystem>
#include <string>

namespace sealbox::server {

struct CertificatePaths {
    std::filesystem::path certificate;
    std::filesystem::path private_key;
};

// Returns the existing pair under `dir`, or creates an ECDSA P-256 key and a self-signed
// certificate for `hostname` (and 127.0.0.1, ::1), valid for ten years; the key file is 0600.
CertificatePaths ensure_self_signed_certificate(const std::filesystem::path& dir,
                                                const std::string& hostname);

}  // namespace sealbox::server
