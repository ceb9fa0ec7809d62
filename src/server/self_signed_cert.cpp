#include "server/self_signed_cert.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>

#include "core/error.h"

namespace sealbox::server {
namespace {

template <auto Free>
struct Deleter {
    template <typename T>
    void operator()(T* p) const {
        Free(p);
    }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509_free>>;
using File = std::unique_ptr<FILE, Deleter<std::fclose>>;

constexpr long kTenYears = 10L * 365 * 24 * 3600;

[[noreturn]] void fail(const std::string& what) {
    throw Error(ErrorCode::io, "self-signed certificate: " + what);
}

void add_extension(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) {
        fail("cannot build extension " + value);
    }
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

File open_for_writing(const std::filesystem::path& path, mode_t mode) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        fail("cannot create " + path.string());
    }
    return File(fdopen(fd, "w"));
}

}  // namespace

CertificatePaths ensure_self_signed_certificate(const std::filesystem::path& dir,
                                                const std::string& hostname) {
    CertificatePaths paths{dir / "self-signed.crt", dir / "self-signed.key"};
    if (std::filesystem::exists(paths.certificate) && std::filesystem::exists(paths.private_key)) {
        return paths;
    }
    std::filesystem::create_directories(dir);

    Key key(EVP_EC_gen("P-256"));
    if (!key) {
        fail("key generation failed");
    }
    Cert cert(X509_new());
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) {
        fail("no randomness");
    }
    serial[0] &= 0x7f;  // a positive serial number (RFC 5280 §4.1.2.2)
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), kTenYears);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("Sealbox self-signed"), -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(hostname.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    add_extension(cert.get(), NID_subject_alt_name, "DNS:" + hostname + ",IP:127.0.0.1,IP:::1");
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
        fail("signing failed");
    }

    {
        File f = open_for_writing(paths.private_key, 0600);
        if (!f ||
            PEM_write_PrivateKey(f.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
            fail("cannot write " + paths.private_key.string());
        }
    }
    {
        File f = open_for_writing(paths.certificate, 0644);
        if (!f || PEM_write_X509(f.get(), cert.get()) != 1) {
            fail("cannot write " + paths.certificate.string());
        }
    }
    return paths;
}

}  // namespace sealbox::server
