#include "imap/proto/mailbox_name.h"

#include <gtest/gtest.h>

namespace sealbox::imap {
namespace {

TEST(MailboxName, Rfc3501Example) {  // RFC 3501 §5.1.3
    std::string utf8 = "~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E";
    EXPECT_EQ(mutf7_encode(utf8), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    EXPECT_EQ(mutf7_decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-"), utf8);
}

TEST(MailboxName, AmpersandAndAccents) {
    EXPECT_EQ(mutf7_encode("A&B"), "A&-B");
    EXPECT_EQ(mutf7_decode("A&-B"), "A&B");
    EXPECT_EQ(mutf7_encode("Entw\xC3\xBCrfe"), "Entw&APw-rfe");
    EXPECT_EQ(mutf7_decode("Entw&APw-rfe"), "Entw\xC3\xBCrfe");
}

TEST(MailboxName, AstralPlaneUsesSurrogatePairs) {
    std::string emoji = "\xF0\x9F\x98\x80";  // U+1F600
    std::string wire = mutf7_encode(emoji);
    EXPECT_EQ(wire, "&2D3eAA-");
    EXPECT_EQ(mutf7_decode(wire), emoji);
}

TEST(MailboxName, RejectsInvalidModifiedUtf7) {
    for (const char* bad : {"&", "&U,BTFw", "&AGE-",  // "a" must not be encoded
                            "&U,BTFw-&ZeVnLIqe-",     // adjacent runs
                            "&2D0-",                  // lone high surrogate
                            "&U,BTFx-",               // non-zero padding bits
                            "&*-", "caf\xC3\xA9", "tab\there"}) {
        EXPECT_FALSE(mutf7_decode(bad)) << bad;
    }
}

TEST(MailboxName, FromWireByMode) {
    EXPECT_EQ(mailbox_from_wire("inbox", false), "INBOX");
    EXPECT_EQ(mailbox_from_wire("InBoX", true), "INBOX");
    EXPECT_EQ(mailbox_from_wire("caf\xC3\xA9", true), "caf\xC3\xA9");
    EXPECT_FALSE(mailbox_from_wire("caf\xC3\xA9", false));
    EXPECT_FALSE(mailbox_from_wire("bad\xC3", true));
    EXPECT_EQ(mailbox_to_wire("caf\xC3\xA9", false), "caf&AOk-");
    EXPECT_EQ(mailbox_to_wire("caf\xC3\xA9", true), "caf\xC3\xA9");
}

TEST(MailboxName, Utf8Validation) {
    EXPECT_TRUE(valid_utf8("plain"));
    EXPECT_TRUE(valid_utf8("\xE2\x82\xAC"));
    EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong
    EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(valid_utf8("\xE2\x82"));          // truncated
}

}  // namespace
}  // namespace sealbox::imap
