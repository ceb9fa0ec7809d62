// Strict base64 for SASL: what every AUTHENTICATE/AUTH exchange decodes with.
#include "core/base64.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sealbox {
namespace {

TEST(Base64, RoundTripsAndRefusesNonCanonicalInput) {
    const std::vector<std::string> samples{"",     "f",     "fo",     "foo",
                                           "foob", "fooba", "foobar", std::string("\0\xff\x80", 3)};
    for (const auto& s : samples) {
        EXPECT_EQ(base64_decode(base64_encode(s)), s);
    }
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64_decode("Zm8="), "fo");
    for (const char* bad : {"Zm8", "Zm8==", "Z===", "Zm9=Zm9v", "Zm!v", "Zm9=", "Zh=="}) {
        EXPECT_FALSE(base64_decode(bad)) << bad;
    }
}

TEST(Base64, RefusesBytesOutsideTheAlphabet) {
    // libsodium 1.0.18 alone decodes these four bytes to "\xff\xff\xff".
    EXPECT_FALSE(base64_decode("\xba\x8d\xfe\xc3"));
    EXPECT_FALSE(base64_decode("Zm9v\xb0\xb0\xb0\xb0"));
    EXPECT_FALSE(base64_decode("Zm9v Zm9v"));
}

}  // namespace
}  // namespace sealbox
