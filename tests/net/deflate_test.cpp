#include "net/deflate.h"

#include <gtest/gtest.h>

#include <string>

namespace sealbox::net {
namespace {

std::string inflate_all(Deflate& d, std::string_view compressed) {
    d.feed(compressed);
    std::string out;
    while (d.has_pending()) {
        std::size_t before = out.size();
        EXPECT_TRUE(d.inflate_into(out, 1024));
        if (out.size() == before) {
            break;
        }
    }
    return out;
}

TEST(Deflate, EachWriteInflatesCompletelyOnArrival) {  // RFC 4978 §4: Z_SYNC_FLUSH
    Deflate server;
    Deflate client;
    std::string first = server.compress("* OK first\r\n");
    std::string second = server.compress("a1 OK second\r\n");
    EXPECT_EQ(inflate_all(client, first), "* OK first\r\n");
    EXPECT_EQ(inflate_all(client, second), "a1 OK second\r\n");
}

TEST(Deflate, LargeDataRoundTripsAndCompresses) {
    Deflate a;
    Deflate b;
    std::string text;
    for (int i = 0; i < 20000; ++i) {
        text += "* " + std::to_string(i) + " FETCH (FLAGS (\\Seen))\r\n";
    }
    std::string packed = a.compress(text);
    EXPECT_LT(packed.size(), text.size() / 4);
    EXPECT_EQ(inflate_all(b, packed), text);
}

TEST(Deflate, ABombInflatesInBoundedSteps) {
    Deflate a;
    Deflate b;
    std::string packed = a.compress(std::string(8 << 20, '\0'));
    EXPECT_LT(packed.size(), 64u << 10);
    b.feed(packed);
    std::string out;
    ASSERT_TRUE(b.inflate_into(out, 4096));
    EXPECT_EQ(out.size(), 4096u);
    EXPECT_TRUE(b.has_pending());
}

TEST(Deflate, GarbageIsAnError) {
    Deflate b;
    b.feed(std::string("\xff\xff\xff\xff not deflate at all", 24));
    std::string out;
    EXPECT_FALSE(b.inflate_into(out, 4096));
}

}  // namespace
}  // namespace sealbox::net
