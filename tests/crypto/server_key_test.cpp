#include "crypto/server_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "core/error.h"
#include "support/temp_dir.h"

namespace sealbox::crypto {
namespace {

using testing::TempDir;

TEST(ServerKey, CreatedOncePrivateAndStable) {
    TempDir dir;
    auto path = dir / "server.key";
    SecretBytes first = load_server_key(path, true);
    EXPECT_EQ(first.size(), kServerKeyBytes);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    SecretBytes again = load_server_key(path, true);
    EXPECT_TRUE(equal(first.bytes(), again.bytes()));
}

TEST(ServerKey, MissingWithoutCreateIsAnError) {
    TempDir dir;
    EXPECT_THROW(load_server_key(dir / "absent.key", false), Error);
}

TEST(ServerKey, WrongSizeOrModeIsRefused) {
    TempDir dir;
    auto path = dir / "server.key";
    { std::ofstream(path) << "short"; }
    ::chmod(path.c_str(), 0600);
    try {
        load_server_key(path, false);
        FAIL() << "a short key file was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::config);
        EXPECT_NE(std::string(e.what()).find("exactly 32 bytes"), std::string::npos);
    }
    load_server_key(dir / "good.key", true);
    ::chmod((dir / "good.key").c_str(), 0644);
    try {
        load_server_key(dir / "good.key", false);
        FAIL() << "a world-readable key file was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos);
    }
}

}  // namespace
}  // namespace sealbox::crypto
