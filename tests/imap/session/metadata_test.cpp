// GETMETADATA and SETMETADATA (RFC 5464) against the fake account.

#include "imap/session/fixture.h"

namespace sealbox::imap::test {
namespace {

using namespace std::string_literals;

TEST_F(SessionTest, MetadataIsAdvertisedAfterLogin) {  // RFC 5464 §1
    start();
    Client c = connect();
    EXPECT_THAT(c.cmd("CAPABILITY"), Not(HasSubstr("METADATA")));
    EXPECT_EQ(c.cmd("GETMETADATA \"\" /shared/comment"), "a BAD Log in first");
    EXPECT_EQ(c.cmd("SETMETADATA INBOX (/shared/comment \"x\")"), "a BAD Log in first");
    std::string login = c.cmd("LOGIN alice@example.test alice-pw");
    EXPECT_THAT(login, HasSubstr(" METADATA "));
    EXPECT_THAT(login, HasSubstr(" METADATA-SERVER"));
}

TEST_F(SessionTest, MetadataSetGetAndRemove) {  // §4.2, §4.3
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("SETMETADATA INBOX (/private/comment \"My own comment\" /Shared/Comment "
                    "{4+}\r\nA\r\nB)"),
              "a OK SETMETADATA completed");
    EXPECT_EQ(c.cmd("GETMETADATA INBOX (/shared/comment /private/comment)"),
              "* METADATA INBOX (/shared/comment {4}\r\nA\r\nB /private/comment \"My own "
              "comment\")\na OK GETMETADATA completed");
    // An entry without a value reads as NIL; asking twice names it once.
    EXPECT_EQ(c.cmd("GETMETADATA inbox (/private/nothing /private/nothing)"),
              "* METADATA INBOX (/private/nothing NIL)\na OK GETMETADATA completed");
    // NIL removes; the other entry stays; removing what is not there is no error.
    EXPECT_EQ(c.cmd("SETMETADATA INBOX (/private/comment NIL /private/never NIL)"),
              "a OK SETMETADATA completed");
    EXPECT_EQ(c.cmd("GETMETADATA INBOX (/private/comment /shared/comment)"),
              "* METADATA INBOX (/private/comment NIL /shared/comment {4}\r\nA\r\nB)\n"
              "a OK GETMETADATA completed");
    // Another session of the same user sees the same.
    Client other = logged_in();
    EXPECT_THAT(other.cmd("GETMETADATA INBOX /shared/comment"), HasSubstr("{4}\r\nA\r\nB)"));
}

TEST_F(SessionTest, MetadataOfTheServerIsApartFromMailboxes) {  // §3.2.1, mailbox ""
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("SETMETADATA \"\" (/shared/comment \"server\")"), "a OK SETMETADATA completed");
    EXPECT_EQ(c.cmd("GETMETADATA \"\" /shared/comment"),
              "* METADATA \"\" (/shared/comment \"server\")\na OK GETMETADATA completed");
    EXPECT_EQ(c.cmd("GETMETADATA INBOX /shared/comment"),
              "* METADATA INBOX (/shared/comment NIL)\na OK GETMETADATA completed");
    EXPECT_EQ(c.cmd("GETMETADATA Nope /shared/comment"), "a NO [NONEXISTENT] No such mailbox");
    EXPECT_EQ(c.cmd("SETMETADATA Nope (/shared/comment \"x\")"),
              "a NO [NONEXISTENT] No such mailbox");
}

TEST_F(SessionTest, MetadataDepthAndMaxSize) {  // §4.2.1-2
    start();
    Client c = logged_in();
    ASSERT_EQ(c.cmd("SETMETADATA INBOX (/private/filters/values/small \"5000\" "
                    "/private/filters/values/big \"a much longer value\" "
                    "/private/filters/values/big/deeper \"x\" /shared/other \"y\")"),
              "a OK SETMETADATA completed");
    // DEPTH 0: the entry itself, which has no value.
    EXPECT_EQ(c.cmd("GETMETADATA INBOX /private/filters/values"),
              "* METADATA INBOX (/private/filters/values NIL)\na OK GETMETADATA completed");
    EXPECT_EQ(c.cmd("GETMETADATA (DEPTH 1) INBOX (/private/filters/values)"),
              "* METADATA INBOX (/private/filters/values/big \"a much longer value\" "
              "/private/filters/values/small \"5000\")\na OK GETMETADATA completed");
    EXPECT_EQ(c.cmd("GETMETADATA (DEPTH infinity) INBOX /private"),
              "* METADATA INBOX (/private/filters/values/big \"a much longer value\" "
              "/private/filters/values/big/deeper \"x\" /private/filters/values/small "
              "\"5000\")\na OK GETMETADATA completed");
    // A scope with nothing below it answers nothing but OK.
    EXPECT_EQ(c.cmd("GETMETADATA \"\" /private"), "a OK GETMETADATA completed");
    // MAXSIZE leaves out longer values and names the longest of them.
    EXPECT_EQ(c.cmd("GETMETADATA (MAXSIZE 4 DEPTH infinity) INBOX (/private /shared)"),
              "* METADATA INBOX (/private/filters/values/big/deeper \"x\" "
              "/private/filters/values/small \"5000\" /shared/other \"y\")\n"
              "a OK [METADATA LONGENTRIES 19] GETMETADATA completed");
    EXPECT_EQ(c.cmd("GETMETADATA (MAXSIZE 1) INBOX /private/filters/values/small"),
              "a OK [METADATA LONGENTRIES 4] GETMETADATA completed");
}

TEST_F(SessionTest, MetadataValuesKeepEveryOctet) {  // §5: value = nstring / literal8
    start();
    Client c = logged_in();
    ASSERT_EQ(c.cmd("SETMETADATA INBOX (/shared/bin ~{5+}\r\na\0b\nc "
                    "/shared/text {5+}\r\ncaf\xc3\xa9 /shared/empty \"\")"s),
              "a OK SETMETADATA completed");
    EXPECT_EQ(c.cmd("GETMETADATA INBOX (/shared/bin /shared/text /shared/empty)"),
              "* METADATA INBOX (/shared/bin ~{5}\r\na\0b\nc /shared/text "
              "{5}\r\ncaf\xc3\xa9 /shared/empty \"\")\na OK GETMETADATA completed"s);
    c.cmd("ENABLE UTF8=ACCEPT");
    EXPECT_THAT(c.cmd("GETMETADATA INBOX /shared/text"), HasSubstr("\"caf\xc3\xa9\""));
}

TEST_F(SessionTest, MetadataBadEntryNamesAreBad) {  // §3.2
    start();
    Client c = logged_in();
    for (auto bad : {"GETMETADATA INBOX /comment", "GETMETADATA INBOX \"/shared/*\"",
                     "GETMETADATA INBOX /shared//x", "GETMETADATA INBOX /shared/x/",
                     "SETMETADATA INBOX (/private \"x\")", "SETMETADATA INBOX (/shared/a\"x\")",
                     "SETMETADATA INBOX (/shared/a {3+}\r\na\nb)"}) {
        EXPECT_THAT(c.cmd(bad), StartsWith("a BAD ")) << bad;
    }
    EXPECT_EQ(c.cmd("NOOP"), "a OK NOOP completed");
}

TEST_F(SessionTest, MetadataSpecialUseIsShownAndReadOnly) {  // RFC 6154 §4
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("GETMETADATA Trash /private/specialuse"),
              "* METADATA Trash (/private/specialuse \"\\\\Trash\")\na OK GETMETADATA completed");
    EXPECT_EQ(c.cmd("GETMETADATA INBOX /private/specialuse"),
              "* METADATA INBOX (/private/specialuse NIL)\na OK GETMETADATA completed");
    EXPECT_THAT(c.cmd("SETMETADATA INBOX (/private/comment \"x\" /private/specialuse "
                      "\"\\\\Archive\")"),
                StartsWith("a NO [CANNOT] "));
    // Nothing of a refused command is applied (§4.3).
    EXPECT_THAT(c.cmd("GETMETADATA INBOX /private/comment"), HasSubstr("/private/comment NIL"));
    EXPECT_THAT(c.cmd("SETMETADATA Trash (/private/specialuse NIL)"), StartsWith("a NO [CANNOT] "));
    // On the server it is an entry like any other.
    EXPECT_EQ(c.cmd("SETMETADATA \"\" (/private/specialuse \"x\")"), "a OK SETMETADATA completed");
}

TEST_F(SessionTest, MetadataLimits) {  // §4.3 MAXSIZE and TOOMANY, all or nothing
    SessionConfig config;
    config.max_metadata_value = 8;
    config.metadata_limits.max_entries = 2;
    config.metadata_limits.max_total_bytes = 19;
    start(Mode::imaps, config);
    Client c = logged_in();
    EXPECT_EQ(c.cmd("SETMETADATA INBOX (/shared/a \"12345678\" /shared/b \"123456789\")"),
              "a NO [METADATA MAXSIZE 8] Value too large");
    EXPECT_EQ(c.cmd("SETMETADATA INBOX (/shared/a \"1\" /shared/b \"2\" /shared/c \"3\")"),
              "a NO [METADATA TOOMANY] Too many entries");
    EXPECT_EQ(c.cmd("GETMETADATA (DEPTH 1) INBOX /shared"), "a OK GETMETADATA completed");
    EXPECT_EQ(c.cmd("SETMETADATA INBOX (/shared/a \"1\" /shared/b \"2\")"),
              "a OK SETMETADATA completed");
    // Replacing or removing is fine at the limit; the server's entries count apart.
    EXPECT_EQ(c.cmd("SETMETADATA INBOX (/shared/a NIL /shared/c \"3\")"),
              "a OK SETMETADATA completed");
    EXPECT_EQ(c.cmd("SETMETADATA \"\" (/shared/a \"1\" /shared/b \"2\")"),
              "a OK SETMETADATA completed");
    // The account's values together: 4 octets stored, 16 more would pass 19.
    EXPECT_EQ(c.cmd("SETMETADATA Trash (/shared/a \"12345678\" /shared/b \"12345678\")"),
              "a NO [OVERQUOTA] No room left for annotations in this account");
    EXPECT_EQ(c.cmd("SETMETADATA Trash (/shared/a \"12345678\")"), "a OK SETMETADATA completed");
}

}  // namespace
}  // namespace sealbox::imap::test
