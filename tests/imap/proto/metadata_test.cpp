// RFC 5464 METADATA on the wire: GETMETADATA and SETMETADATA as parse_command() reads them,
// entry names (§3.2), DEPTH (§4.2.2) and the METADATA response (§4.4.1).

#include "imap/proto/metadata.h"

#include <gtest/gtest.h>

#include "imap/proto/command.h"
#include "imap/proto/parse_test_helpers.h"
#include "imap/proto/response.h"

namespace sealbox::imap {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;

bool refused(std::string_view input) {
    return std::holds_alternative<ParseError>(parse_command(input));
}

using Entries = std::vector<std::string>;

TEST(Metadata, GetWithOneEntryOrAList) {
    auto g = parse_as<GetMetadata>("a GETMETADATA \"\" /shared/comment");
    EXPECT_EQ(g.mailbox, "");
    EXPECT_EQ(g.entries, Entries{"/shared/comment"});
    EXPECT_FALSE(g.max_size);
    EXPECT_EQ(g.depth, MetadataDepth::zero);  // §4.2.2: no DEPTH is DEPTH 0

    g = parse_as<GetMetadata>("a getmetadata inbox (/Shared/Comment /PRIVATE/comment)");
    EXPECT_EQ(g.mailbox, "INBOX");
    EXPECT_EQ(g.entries, (Entries{"/shared/comment", "/private/comment"}));  // case-insensitive

    g = parse_as<GetMetadata>("a GETMETADATA {5}\r\nWork/ {15}\r\n/private/a/b/cd");
    EXPECT_EQ(g.mailbox, "Work/");
    EXPECT_EQ(g.entries, Entries{"/private/a/b/cd"});
}

TEST(Metadata, GetOptionsComeBeforeTheMailbox) {  // §4.2.1-2, errata 2785
    auto g = parse_as<GetMetadata>("a GETMETADATA (MAXSIZE 1024 DEPTH infinity) \"\" (/private)");
    EXPECT_EQ(g.max_size, 1024u);
    EXPECT_EQ(g.depth, MetadataDepth::infinity);
    EXPECT_EQ(g.entries, Entries{"/private"});  // a scope is a valid root
    g = parse_as<GetMetadata>("a GETMETADATA (depth 1) INBOX /shared");
    EXPECT_EQ(g.depth, MetadataDepth::one);
    EXPECT_FALSE(g.max_size);
    EXPECT_EQ(parse_as<GetMetadata>("a GETMETADATA (MAXSIZE 0) INBOX /shared").max_size, 0u);

    for (auto bad : {
             "a GETMETADATA INBOX",                                       // no entries
             "a GETMETADATA INBOX ()",                                    // empty list
             "a GETMETADATA () INBOX /shared/comment",                    // empty options
             "a GETMETADATA INBOX (MAXSIZE 10) /shared/comment",          // options after
             "a GETMETADATA (FOO 1) INBOX /shared/comment",               // unknown option
             "a GETMETADATA (MAXSIZE) INBOX /shared/comment",             // no value
             "a GETMETADATA (MAXSIZE -1) INBOX /shared/comment",          // not a number
             "a GETMETADATA (MAXSIZE \"10\") INBOX /shared/comment",      // quoted
             "a GETMETADATA (MAXSIZE 4294967296) INBOX /shared/comment",  // over 32 bits
             "a GETMETADATA (MAXSIZE 1 MAXSIZE 2) INBOX /shared",         // repeated
             "a GETMETADATA (DEPTH 0 DEPTH 1) INBOX /shared",             // repeated
             "a GETMETADATA (DEPTH 2) INBOX /shared",                     // not 0, 1, infinity
             "a GETMETADATA (INBOX) /shared/comment",                     // a list as mailbox
             "a GETMETADATA INBOX ((/shared/comment))",                   // nested list
             "a GETMETADATA INBOX /shared/comment extra",                 // trailing words
             "a GETMETADATA INBOX /shared/a /shared/b",                   // two without a list
             "a GETMETADATA \"&Jjo!\" /shared/comment",                   // bad modified UTF-7
             "a GETMETADATA INBOX ~{15}\r\n/shared/comment",              // literal8 name
         }) {
        EXPECT_TRUE(refused(bad)) << bad;
    }
}

TEST(Metadata, EntryNames) {  // §3.2: a BAD in any command
    EXPECT_EQ(metadata_entry_name("/Private/Vendor/X.Y/z-1", false), "/private/vendor/x.y/z-1");
    EXPECT_EQ(metadata_entry_name("/shared/comment", false), "/shared/comment");
    EXPECT_EQ(metadata_entry_name("/shared", true), "/shared");
    EXPECT_EQ(metadata_entry_name("/PRIVATE", true), "/private");
    for (std::string_view bad :
         {"/shared", "/private", "", "/", "shared/comment", "/comment", "/sharedx/comment",
          "/privatex", "/shared//comment", "/shared/comment/", "/shared/*", "/shared/%",
          "/shared/a\x01", "/shared/\x7f", "/shared/\xc3\xa9"}) {
        EXPECT_FALSE(metadata_entry_name(bad, false)) << bad;
    }
    EXPECT_FALSE(metadata_entry_name("/", true));
    EXPECT_FALSE(metadata_entry_name("/shared/", true));
    for (auto bad :
         {"a GETMETADATA INBOX shared/comment", "a GETMETADATA INBOX /shared//comment",
          "a GETMETADATA INBOX /shared/comment/", "a GETMETADATA (DEPTH infinity) INBOX /",
          "a GETMETADATA INBOX \"/shared/*\"", "a GETMETADATA INBOX \"/shared/%\"",
          "a GETMETADATA INBOX {9}\r\n/shared/\x01", "a GETMETADATA INBOX {10}\r\n/shared/\xc3\xa9",
          "a GETMETADATA INBOX /comment", "a SETMETADATA INBOX (/shared \"x\")"}) {
        EXPECT_TRUE(refused(bad)) << bad;
    }
}

TEST(Metadata, SetValuesAsStringsLiteralsLiteral8OrNil) {  // §4.3, §5 value = nstring / literal8
    auto s = parse_as<SetMetadata>(
        "a SETMETADATA INBOX (/private/Comment \"My \\\"own\\\" comment\" /shared/comment NIL "
        "/shared/x {4}\r\na\r\nb /shared/bin ~{3}\r\na\0b /shared/empty \"\")"sv);
    EXPECT_EQ(s.mailbox, "INBOX");
    std::vector<MetadataEntry> expected = {
        {"/private/comment", "My \"own\" comment"},
        {"/shared/comment", std::nullopt},
        {"/shared/x", "a\r\nb"},
        {"/shared/bin", std::string("a\0b", 3)},
        {"/shared/empty", ""},  // an empty value is a value, not a removal
    };
    EXPECT_EQ(s.entries, expected);
    EXPECT_EQ(parse_as<SetMetadata>("a SETMETADATA \"\" (/shared/admin \"mailto:a@b\")").mailbox,
              "");
    // A literal8 value is octets; bare line ends are kept.
    EXPECT_EQ(
        *parse_as<SetMetadata>("a SETMETADATA INBOX (/shared/c ~{3}\r\na\nb)").entries.at(0).value,
        "a\nb");

    for (auto bad : {
             "a SETMETADATA INBOX /shared/comment \"x\"",      // not a list
             "a SETMETADATA INBOX ()",                         // empty list
             "a SETMETADATA INBOX (/shared/comment)",          // no value
             "a SETMETADATA INBOX (/shared/comment value)",    // an atom is no value
             "a SETMETADATA INBOX (/shared/comment (x))",      // nor is a list
             "a SETMETADATA INBOX ((/shared/comment) \"x\")",  // a list is no name
             "a SETMETADATA INBOX (/shared/comment \"x\"",     // unclosed
             "a SETMETADATA \"&Jjo!\" (/shared/comment \"x\")",
             "a SETMETADATA INBOX (/shared/comment {3}\r\na\nb)",  // §3.2: CRLF line ends
             "a SETMETADATA INBOX (/shared/comment {3}\r\na\rb)",
             "a SETMETADATA INBOX (/shared/comment {2}\r\na\r)",
         }) {
        EXPECT_TRUE(refused(bad)) << bad;
    }
    EXPECT_TRUE(refused("a SETMETADATA INBOX (/shared/comment {3}\r\na\0b)"sv));  // needs literal8
}

TEST(Metadata, DepthSelectsWhatIsBelowAnEntry) {  // §4.2.2
    using D = MetadataDepth;
    EXPECT_TRUE(metadata_entry_within("/private/a", "/private/a", D::zero));
    EXPECT_FALSE(metadata_entry_within("/private/a/b", "/private/a", D::zero));
    EXPECT_TRUE(metadata_entry_within("/private/a/b", "/private/a", D::one));
    EXPECT_FALSE(metadata_entry_within("/private/a/b/c", "/private/a", D::one));
    EXPECT_TRUE(metadata_entry_within("/private/a/b/c", "/private/a", D::infinity));
    EXPECT_TRUE(metadata_entry_within("/private/a", "/private", D::one));
    EXPECT_FALSE(metadata_entry_within("/private/ab", "/private/a", D::infinity));
    EXPECT_FALSE(metadata_entry_within("/shared/a", "/private", D::infinity));
    EXPECT_FALSE(metadata_entry_within("/private", "/private/a", D::infinity));
}

TEST(Metadata, ResponseQuotesOrUsesLiterals) {  // §4.4.1
    std::vector<MetadataEntry> entries = {
        {"/private/comment", "My \"comment\""},
        {"/shared/missing", std::nullopt},
        {"/shared/lines", "a\r\nb"},
        {"/shared/bin", std::string("a\0b", 3)},
    };
    EXPECT_EQ(metadata_response("", entries, false),
              "* METADATA \"\" (/private/comment \"My \\\"comment\\\"\" /shared/missing NIL "
              "/shared/lines {4}\r\na\r\nb /shared/bin ~{3}\r\na\0b)\r\n"s);
    std::vector<MetadataEntry> one = {{"/shared/c", "caf\xc3\xa9"}};
    EXPECT_EQ(metadata_response("Déjà vu", one, false),
              "* METADATA \"D&AOk-j&AOA- vu\" (/shared/c {5}\r\ncaf\xc3\xa9)\r\n");
    EXPECT_EQ(metadata_response("Déjà vu", one, true),
              "* METADATA \"Déjà vu\" (/shared/c \"caf\xc3\xa9\")\r\n");
    EXPECT_EQ(metadata_response("INBOX", one, false).substr(0, 17), "* METADATA INBOX ");
}

TEST(Metadata, ResponseCodes) {  // §4.2.1, §4.3
    EXPECT_EQ(status_response("a", Condition::ok, ResponseCode::metadata_long_entries(2000), "x"),
              "a OK [METADATA LONGENTRIES 2000] x\r\n");
    EXPECT_EQ(status_response("a", Condition::no, ResponseCode::metadata_max_size(1024), "x"),
              "a NO [METADATA MAXSIZE 1024] x\r\n");
    EXPECT_EQ(status_response("a", Condition::no, ResponseCode::metadata_too_many(), "x"),
              "a NO [METADATA TOOMANY] x\r\n");
}

}  // namespace
}  // namespace sealbox::imap
