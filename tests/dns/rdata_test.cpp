#include "dns/rdata.h"

#include <gtest/gtest.h>

#include <vector>

namespace sealbox::dns {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes name(std::initializer_list<std::string> labels) {
    Bytes out;
    for (const auto& label : labels) {
        out.push_back(static_cast<std::uint8_t>(label.size()));
        out.insert(out.end(), label.begin(), label.end());
    }
    out.push_back(0);
    return out;
}

Bytes concat(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

TEST(Rdata, Mx) {
    auto mx = parse_mx(concat({0x01, 0x02}, name({"mx", "example", "org"})));
    ASSERT_TRUE(mx);
    EXPECT_EQ(mx->preference, 258);
    EXPECT_EQ(mx->exchange, "mx.example.org");
    auto null_mx = parse_mx(Bytes{0, 0, 0});  // RFC 7505
    ASSERT_TRUE(null_mx);
    EXPECT_EQ(null_mx->exchange, ".");
}

TEST(Rdata, Srv) {  // RFC 2782
    auto srv = parse_srv(concat({0, 5, 0, 10, 0x03, 0xe1}, name({"mail", "example", "org"})));
    ASSERT_TRUE(srv);
    EXPECT_EQ(srv->priority, 5);
    EXPECT_EQ(srv->weight, 10);
    EXPECT_EQ(srv->port, 993);
    EXPECT_EQ(srv->target, "mail.example.org");
    auto none = parse_srv(Bytes{0, 0, 0, 0, 0, 0, 0});  // RFC 6186 §4: "." not offered
    ASSERT_TRUE(none);
    EXPECT_EQ(none->target, ".");
    EXPECT_FALSE(parse_srv(Bytes{0, 0, 0, 0, 0, 0}));
    EXPECT_FALSE(parse_srv(Bytes{0, 0, 0, 0, 0, 0, 0, 0}));        // bytes after the name
    EXPECT_FALSE(parse_srv(Bytes{0, 0, 0, 0, 0, 0, 0xc0, 0x0c}));  // a compression pointer
}

TEST(Rdata, MxRefusesWhatDoesNotFit) {
    Bytes good = concat({0, 10}, name({"mx", "example"}));
    EXPECT_FALSE(parse_mx(Bytes{}));
    EXPECT_FALSE(parse_mx(Bytes{0, 10}));
    EXPECT_FALSE(parse_mx(concat(good, {0})));  // bytes after the name
    Bytes cut(good.begin(), good.end() - 1);    // no root label
    EXPECT_FALSE(parse_mx(cut));
    EXPECT_FALSE(parse_mx(Bytes{0, 10, 0xc0, 0x0c}));      // a compression pointer
    EXPECT_FALSE(parse_mx(Bytes{0, 10, 0x41, 'a', 0}));    // extended label type
    EXPECT_FALSE(parse_mx(Bytes{0, 10, 9, 'a', 'b', 0}));  // label longer than the data
    EXPECT_FALSE(parse_mx(concat({0, 1}, name({std::string(64, 'a')}))));  // RFC 1035 §2.3.4
    EXPECT_TRUE(parse_mx(concat({0, 1}, name({std::string(63, 'a')}))));
}

TEST(Rdata, NamesLongerThan255OctetsAreRefused) {
    std::string label(63, 'a');
    // 4 labels of 63 + their length octets + the root = 257 octets.
    EXPECT_FALSE(parse_ptr(name({label, label, label, label})));
    // 3 of 63 and one of 61: 255 octets exactly.
    EXPECT_TRUE(parse_ptr(name({label, label, label, std::string(61, 'b')})));
}

// RFC 1035 §5.1: a label holding '.', '\' or an unprintable byte is written escaped, so that
// the text names the same labels.
TEST(Rdata, EscapesWhatPresentationFormCannotShowPlainly) {
    auto ptr = parse_ptr(name({"a.b", "c\\d", std::string("e\0 f", 4), "\xff"}));
    ASSERT_TRUE(ptr);
    EXPECT_EQ(*ptr, "a\\.b.c\\\\d.e\\000\\032f.\\255");
}

TEST(Rdata, Addresses) {
    EXPECT_EQ(parse_a(Bytes{192, 0, 2, 1})->to_string(), "192.0.2.1");
    EXPECT_FALSE(parse_a(Bytes{192, 0, 2}));
    EXPECT_FALSE(parse_a(Bytes{192, 0, 2, 1, 0}));
    Bytes v6(16, 0);
    v6[0] = 0x20;
    v6[1] = 0x01;
    v6[2] = 0x0d;
    v6[3] = 0xb8;
    v6[15] = 1;
    EXPECT_EQ(parse_aaaa(v6)->to_string(), "2001:db8::1");
    v6.pop_back();
    EXPECT_FALSE(parse_aaaa(v6));
}

TEST(Rdata, TxtJoinsItsStrings) {
    Bytes rdata{7, 'v', '=', 's', 'p', 'f', '1', ' ', 4, '-', 'a', 'l', 'l', 0};
    EXPECT_EQ(parse_txt(rdata), "v=spf1 -all");
    EXPECT_EQ(parse_txt(Bytes{0}), "");
    EXPECT_FALSE(parse_txt(Bytes{}));
    EXPECT_FALSE(parse_txt(Bytes{5, 'a', 'b'}));
    EXPECT_FALSE(parse_txt(Bytes{1, 'a', 3, 'b'}));
}

TEST(Rdata, Tlsa) {
    auto tlsa = parse_tlsa(Bytes{3, 1, 1, 0xab, 0xcd});
    ASSERT_TRUE(tlsa);
    EXPECT_EQ(tlsa->usage, 3);
    EXPECT_EQ(tlsa->selector, 1);
    EXPECT_EQ(tlsa->matching_type, 1);
    EXPECT_EQ(tlsa->data, (Bytes{0xab, 0xcd}));
    EXPECT_FALSE(parse_tlsa(Bytes{3, 1}));
}

}  // namespace
}  // namespace sealbox::dns
