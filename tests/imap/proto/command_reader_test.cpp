#include "imap/proto/command_reader.h"

#include <gtest/gtest.h>

#include "imap/proto/command.h"

namespace sealbox::imap {
namespace {

using Need = CommandReader::Need;

TEST(CommandReader, SingleLineIsComplete) {
    CommandReader r;
    EXPECT_EQ(r.feed_line("a1 NOOP"), Need::complete);
    EXPECT_EQ(r.command(), "a1 NOOP");
    EXPECT_EQ(r.tag(), "a1");
}

TEST(CommandReader, SynchronizingLiteralAsksForContinuation) {
    CommandReader r;
    ASSERT_EQ(r.feed_line("a LOGIN {4}"), Need::literal);
    EXPECT_TRUE(r.synchronizing());
    EXPECT_EQ(r.literal_remaining(), 4u);
    EXPECT_EQ(r.feed_literal("fr"), 2u);
    EXPECT_EQ(r.need(), Need::literal);
    EXPECT_EQ(r.feed_literal("edEXTRA"), 2u);
    EXPECT_EQ(r.need(), Need::line);
    EXPECT_EQ(r.feed_line(" secret"), Need::complete);
    EXPECT_EQ(r.command(), "a LOGIN {4}\r\nfred secret");
}

TEST(CommandReader, NonSynchronizingLiteral) {  // RFC 7888 §3
    CommandReader r;
    ASSERT_EQ(r.feed_line("a LOGIN {4+}"), Need::literal);
    EXPECT_FALSE(r.synchronizing());
}

TEST(CommandReader, ZeroLengthLiteralNeedsTheNextLine) {
    CommandReader r;
    EXPECT_EQ(r.feed_line("a LOGIN {0}"), Need::line);
    EXPECT_EQ(r.feed_line(" x"), Need::complete);
    EXPECT_EQ(r.command(), "a LOGIN {0}\r\n x");
}

TEST(CommandReader, TooBigSynchronizingLiteralIsRefusedBeforeItIsSent) {
    Limits limits;
    limits.max_literal = 100;
    CommandReader r(limits);
    EXPECT_EQ(r.feed_line("t7 APPEND INBOX {101}"), Need::error);
    EXPECT_EQ(r.error(), "Literal too big");
    EXPECT_EQ(r.tag(), "t7");
    EXPECT_FALSE(r.close_connection());  // the client waits for "+", so nothing is in flight
    r.reset();
    EXPECT_EQ(r.feed_line("t8 NOOP"), Need::complete);
}

TEST(CommandReader, TooBigNonSynchronizingLiteralClosesTheConnection) {
    Limits limits;
    limits.max_literal = 100;
    CommandReader r(limits);
    EXPECT_EQ(r.feed_line("t APPEND INBOX {101+}"), Need::error);
    EXPECT_TRUE(r.close_connection());
}

TEST(CommandReader, LiteralMinusBound) {  // RFC 7888 §4
    Limits limits;
    limits.max_non_sync_literal = 4096;
    CommandReader r(limits);
    EXPECT_EQ(r.feed_line("t APPEND INBOX {4097+}"), Need::error);
    EXPECT_TRUE(r.close_connection());
    r.reset();
    EXPECT_EQ(r.feed_line("t APPEND INBOX {4097}"), Need::literal);
}

TEST(CommandReader, HugeAnnouncementDoesNotOverflow) {
    CommandReader r;
    EXPECT_EQ(r.feed_line("t APPEND INBOX {99999999999999999999999999}"), Need::error);
    EXPECT_EQ(r.error(), "Literal too big");
}

TEST(CommandReader, LongLineAndLongCommand) {
    Limits limits;
    limits.max_line = 10;
    limits.max_command = 30;
    CommandReader r(limits);
    EXPECT_EQ(r.feed_line("a NOOP 12345"), Need::error);
    EXPECT_EQ(r.error(), "Command line too long");
    EXPECT_EQ(r.tag(), "a");
    r.reset();
    ASSERT_EQ(r.feed_line("a X {9}"), Need::literal);
    r.feed_literal("123456789");
    ASSERT_EQ(r.feed_line(" {9}"), Need::error);
    EXPECT_EQ(r.error(), "Command too long");
}

TEST(CommandReader, NotALiteralAnnouncement) {
    LiteralAnnouncement a;
    EXPECT_FALSE(find_literal_announcement("a NOOP {}", a));
    EXPECT_FALSE(find_literal_announcement("a NOOP 5}", a));
    EXPECT_FALSE(find_literal_announcement("a NOOP {+}", a));
    EXPECT_TRUE(find_literal_announcement("a APPEND x ~{5}", a));  // literal8, RFC 3516
    EXPECT_EQ(a.size, 5u);
}

TEST(CommandReader, InvalidTagIsEmpty) {
    CommandReader r;
    r.feed_line("a+b NOOP");
    EXPECT_EQ(r.tag(), "");
    r.reset();
    r.feed_line("NOOP");
    EXPECT_EQ(r.tag(), "");
}

TEST(CommandReader, LineFedWhileLiteralExpectedIsAnError) {
    CommandReader r;
    ASSERT_EQ(r.feed_line("a LOGIN {4}"), Need::literal);
    EXPECT_EQ(r.feed_line("b NOOP"), Need::error);
    EXPECT_TRUE(r.close_connection());
}

// The way a session drives it: lines and literal octets in, one parsed command out.
TEST(CommandReader, FramesWhatTheParserReads) {
    CommandReader r;
    ASSERT_EQ(r.feed_line("A003 APPEND saved-messages (\\Seen) {12}"), Need::literal);
    ASSERT_TRUE(r.synchronizing());
    r.feed_literal("Subject: hi\n");
    ASSERT_EQ(r.feed_line(" {3+}"), Need::literal);
    r.feed_literal("2nd");
    ASSERT_EQ(r.feed_line(""), Need::complete);
    ParseResult result = parse_command(r.command());
    ASSERT_TRUE(std::holds_alternative<TaggedCommand>(result));
    const auto& append = std::get<Append>(std::get<TaggedCommand>(result).command);
    ASSERT_EQ(append.messages.size(), 2u);
    EXPECT_EQ(append.messages[0].data, "Subject: hi\n");
    EXPECT_EQ(append.messages[1].data, "2nd");
}

}  // namespace
}  // namespace sealbox::imap
