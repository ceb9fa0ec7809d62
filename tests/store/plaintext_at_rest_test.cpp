// Nothing of a message is readable at rest, for mail delivered to an unlocked account (straight
// into the encrypted database) and to a locked one (sealed into the spool, then merged).

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <set>

#include "store/mail_store.h"
#include "support/temp_dir.h"

namespace sealbox::store {
namespace {

using sealbox::testing::TempDir;

std::string canary(const std::string& kind) {
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string out = kind;
    for (int i = 0; i < 20; ++i) {
        out += alphabet[randombytes_uniform(sizeof alphabet - 1)];
    }
    return out;
}

std::string base64(const std::string& in) {
    std::string out(sodium_base64_encoded_len(in.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(in.data()),
                      in.size(), sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();
    return out;
}

// Every form a canary could take on disk: itself (alphanumeric, so also its quoted-printable
// form), lower case, and base64 at the three possible alignments (the stable middle part).
std::set<std::string> forms(const std::string& c) {
    std::string lower = c;
    for (auto& ch : lower) {
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    std::set<std::string> out{c, lower};
    for (int pad = 0; pad < 3; ++pad) {
        std::string encoded = base64(std::string(static_cast<std::size_t>(pad), '\0') + c);
        out.insert(encoded.substr(pad ? 4 : 0, encoded.size() - (pad ? 8 : 4)));
    }
    return out;
}

std::vector<std::string> hits(const std::filesystem::path& dir, const std::vector<std::string>& canaries) {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        std::ifstream in(entry.path(), std::ios::binary);
        std::string data((std::istreambuf_iterator<char>(in)), {});
        for (const auto& c : canaries) {
            for (const auto& form : forms(c)) {
                if (data.find(form) != std::string::npos) {
                    found.push_back(entry.path().string() + ": " + form);
                }
            }
        }
    }
    return found;
}

std::string canary_message(const std::vector<std::string>& c) {
    std::string attachment = base64(std::string("attachment ") + c[5] + std::string(3000, 'z'));
    return "From: Sender <" + c[3] + "@remote.test>\r\n" + "To: \"" + c[4] +
           " Person\" <alice@example.test>\r\n" + "Subject: Report " + c[0] + "\r\n" +
           "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n"
           "--b1\r\nContent-Type: text/plain\r\n\r\nThe word is " + c[1] + ".\r\n"
           "--b1\r\nContent-Type: application/octet-stream\r\n"
           "Content-Disposition: attachment; filename=\"report-" + c[2] + ".bin\"\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n" + attachment + "\r\n--b1--\r\n";
}

TEST(PlaintextAtRest, NoCanaryInAnyFileForLockedOrUnlockedAccounts) {
    TempDir dir;
    StoreOptions options;
    options.data_dir = dir.path();
    options.password_params = {1, 8u << 20};
    std::vector<std::string> c;
    for (const char* kind : {"subject", "body", "filename", "sender", "display", "attached"}) {
        c.push_back(canary(kind));
    }
    std::string message = canary_message(c);
    {
        MailStore store(open_sqlite_directory(dir / "sealbox.db"), options);
        store.add_domain("example.test");
        store.create_account("alice@example.test", "pw");
        store.create_account("bob@example.test", "pw");
        auto alice = store.login("alice@example.test", "pw");  // unlocked: straight to the database
        auto results = store.deliver(message, {"alice@example.test", "bob@example.test"});
        ASSERT_TRUE(results[0].delivered && results[1].delivered);
        // While open (WAL and shared memory present) and after close.
        EXPECT_EQ(hits(dir.path(), c), std::vector<std::string>{});
        auto bob = store.login("bob@example.test", "pw");  // merges bob's spool
        EXPECT_EQ(bob->account().with_store([](MailboxStore& s) { return s.messages("INBOX").size(); }),
                  1u);
        EXPECT_EQ(alice->account().with_store([&](MailboxStore& s) { return s.read("INBOX", 1); }),
                  message);
    }
    EXPECT_EQ(hits(dir.path(), c), std::vector<std::string>{});

    // Control: the scan finds a canary that is written in the clear.
    std::ofstream(dir / "control") << "xx" << base64("y" + c[1]);
    EXPECT_EQ(hits(dir.path(), c).size(), 1u);
}

}  // namespace
}  // namespace sealbox::store
