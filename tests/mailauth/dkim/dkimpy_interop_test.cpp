// Interoperability with Debian's dkimpy (python3-dkim): Sealbox signs and dkimpy verifies, and
// dkimpy signs and Sealbox verifies, for RSA and Ed25519 (RFC 8463). Runs /usr/bin/python3 with
// dkimpy_interop.py; keys are served through dkimpy's dnsfunc= and FakeDns, never real DNS.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "core/base64.h"
#include "mailauth/dkim/sign.h"
#include "mailauth/dkim/test_support.h"
#include "mailauth/dkim/verify.h"
#include "mailauth/fake_dns.h"

namespace sealbox::mailauth::dkim {
namespace {

namespace fs = std::filesystem;
using mailauth::testing::FakeDns;
using namespace dkim::testing;

class DkimpyInterop : public ::testing::Test {
  protected:
    DkimpyInterop() {
        dir_ = fs::temp_directory_path() /
               ("sealbox-dkimpy-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    ~DkimpyInterop() override { fs::remove_all(dir_); }

    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    void write(const std::string& name, std::string_view content) const {
        std::ofstream(path(name), std::ios::binary) << content;
    }

    int python(const std::string& arguments) const {
        std::string script =
            std::string(SEALBOX_SOURCE_DIR) + "/tests/mailauth/dkim/dkimpy_interop.py";
        std::string command = "/usr/bin/python3 '" + script + "' " + arguments;
        int status = std::system(command.c_str());
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    // Sealbox signs; dkimpy must verify.
    void sealbox_signs(const SigningKey& key, const std::string& selector) {
        std::string message(sample_message);
        message =
            sign(parse_message(message), key,
                 {.domain = "example.org", .selector = selector, .timestamp = std::time(nullptr)}) +
            message;
        write("signed.eml", message);
        write("records.txt", selector + "._domainkey.example.org\t" + key.key_record() + "\n");
        EXPECT_EQ(python("verify '" + path("signed.eml") + "' '" + path("records.txt") + "'"), 0);

        // And dkimpy must notice tampering, or the check above proves nothing.
        message.replace(message.find("hungry"), 6, "angry!");
        write("tampered.eml", message);
        EXPECT_NE(python("verify '" + path("tampered.eml") + "' '" + path("records.txt") + "'"), 0);
    }

    // dkimpy signs with `key_file`; Sealbox must verify.
    void dkimpy_signs(const std::string& key_file, const std::string& algorithm,
                      const std::string& record, const std::string& canon) {
        write("message.eml", sample_message);
        ASSERT_EQ(python("sign '" + path("message.eml") + "' '" + key_file + "' " + algorithm +
                         " example.org py " + canon + " '" + path("out.eml") + "'"),
                  0);
        auto signed_message = read_file(path("out.eml"));
        FakeDns dns;
        dns.add_txt("py._domainkey.example.org", record);
        auto parsed = parse_message(signed_message);
        auto results = mailauth::testing::run(verify(parsed, dns, {.now = std::time(nullptr)}));
        ASSERT_EQ(results.size(), 1u);
        EXPECT_EQ(results[0].result, Result::pass) << canon << ": " << results[0].reason;
        EXPECT_EQ(results[0].algorithm, algorithm);

        signed_message.replace(signed_message.find("dinner"), 6, "lunch!");
        auto tampered = parse_message(signed_message);
        auto bad = mailauth::testing::run(verify(tampered, dns, {.now = std::time(nullptr)}));
        ASSERT_EQ(bad.size(), 1u);
        EXPECT_EQ(bad[0].result, Result::fail);
    }

  private:
    fs::path dir_;
};

TEST_F(DkimpyInterop, SealboxRsaSignatureVerifiesInDkimpy) {
    sealbox_signs(rsa_key(), "rsa");
}

TEST_F(DkimpyInterop, SealboxEd25519SignatureVerifiesInDkimpy) {
    sealbox_signs(ed25519_key(), "ed");
}

TEST_F(DkimpyInterop, DkimpyRsaSignatureVerifiesInSealbox) {
    auto pem = rsa_key().private_key();
    write("rsa.pem", {reinterpret_cast<const char*>(pem.data()), pem.size()});
    for (const auto* canon : {"relaxed/relaxed", "simple/simple", "relaxed/simple"}) {
        dkimpy_signs(path("rsa.pem"), "rsa-sha256", rsa_key().key_record(), canon);
    }
}

TEST_F(DkimpyInterop, DkimpyEd25519SignatureVerifiesInSealbox) {
    // dkimpy reads an Ed25519 private key as the base64 of its seed (RFC 8463 §A.2).
    auto seed = ed25519_key().private_key();
    write("ed.key", base64_encode({reinterpret_cast<const char*>(seed.data()), seed.size()}));
    for (const auto* canon : {"relaxed/relaxed", "simple/simple"}) {
        dkimpy_signs(path("ed.key"), "ed25519-sha256", ed25519_key().key_record(), canon);
    }
}

}  // namespace
}  // namespace sealbox::mailauth::dkim
