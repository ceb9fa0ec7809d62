#include "smtp/proto/reply_parser.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace sealbox::smtp {
namespace {

using Status = ReplyParser::Status;

// Feeds whole lines; the reply when the last one completes it, nullopt (and the reason) when
// any is refused or the reply is left unfinished.
std::optional<Reply> parse(const std::vector<std::string>& lines, std::string* error = nullptr,
                           ReplyLimits limits = {}) {
    ReplyParser parser(limits);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        Status status = parser.feed(lines[i]);
        if (status == Status::malformed) {
            if (error) {
                *error = parser.error();
            }
            return std::nullopt;
        }
        if (status == Status::complete) {
            EXPECT_EQ(i + 1, lines.size()) << "completed before its last line";
            return parser.take();
        }
    }
    return std::nullopt;
}

TEST(ReplyParser, SingleLineWithEnhancedCode) {
    auto reply = parse({"250 2.1.0 Sender OK"});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->code, 250);
    EXPECT_EQ(reply->enhanced, "2.1.0");
    EXPECT_EQ(reply->lines, std::vector<std::string>{"Sender OK"});
}

TEST(ReplyParser, MultilineTakesTheEnhancedCodeOffEveryLine) {
    auto reply = parse({"550-5.1.1 first", "550-5.1.1 second", "550 5.1.1 last"});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->code, 550);
    EXPECT_EQ(reply->enhanced, "5.1.1");
    EXPECT_EQ(reply->lines, (std::vector<std::string>{"first", "second", "last"}));
}

TEST(ReplyParser, WithoutEnhancedCode) {
    auto reply = parse({"250-mx.example.net Hello", "250-PIPELINING", "250 SIZE 1000"});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->enhanced, "");
    EXPECT_EQ(reply->lines,
              (std::vector<std::string>{"mx.example.net Hello", "PIPELINING", "SIZE 1000"}));
}

TEST(ReplyParser, CodeAloneAndEmptyText) {
    auto reply = parse({"250"});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->code, 250);
    EXPECT_EQ(reply->lines, std::vector<std::string>{""});
    reply = parse({"250-", "250 "});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->lines, (std::vector<std::string>{"", ""}));
    reply = parse({"221 2.0.0"});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->enhanced, "2.0.0");
    EXPECT_EQ(reply->lines, std::vector<std::string>{""});
}

TEST(ReplyParser, EnhancedCodeMustMatchTheClassAndStandAlone) {
    // RFC 3463 §2: the class is the basic code's first digit; a 3xx reply has none.
    auto reply = parse({"250 5.1.1 odd"});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->enhanced, "");
    EXPECT_EQ(reply->lines.front(), "5.1.1 odd");
    reply = parse({"354 2.0.0 go ahead"});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->enhanced, "");
    reply = parse({"250 2.1.0Sender"});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->enhanced, "");
    reply = parse({"250 2.1.0000 x"});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->enhanced, "");
    // A later line without the code keeps its text whole.
    reply = parse({"451-4.3.0 first", "451 later"});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->enhanced, "4.3.0");
    EXPECT_EQ(reply->lines, (std::vector<std::string>{"first", "later"}));
}

TEST(ReplyParser, RefusesWhatBreaksTheGrammar) {
    for (std::vector<std::string> lines : std::vector<std::vector<std::string>>{
             {""},
             {"25"},
             {"2x0 ok"},
             {"250ok"},
             {"250_ok"},
             {" 250 ok"},
             {"150 ok"},  // not an SMTP reply code (RFC 5321 §4.2)
             {"260 ok"},
             {"699 ok"},
             {"250-a", "251 b"},  // §4.2.1: one code for every line
             {"250-a", "garbage"},
         }) {
        std::string error;
        EXPECT_FALSE(parse(lines, &error)) << lines.back();
        EXPECT_FALSE(error.empty()) << lines.back();
    }
}

TEST(ReplyParser, BoundsLinesAndLength) {
    ReplyLimits limits{20, 3};
    EXPECT_TRUE(parse({"250 " + std::string(16, 'x')}, nullptr, limits));
    std::string error;
    EXPECT_FALSE(parse({"250 " + std::string(17, 'x')}, &error, limits));
    EXPECT_EQ(error, "reply line too long");
    EXPECT_TRUE(parse({"250-a", "250-b", "250 c"}, nullptr, limits));
    EXPECT_FALSE(parse({"250-a", "250-b", "250-c", "250 d"}, &error, limits));
    EXPECT_EQ(error, "reply has too many lines");
}

TEST(ReplyParser, StaysMalformedAndReadsTheNextReplyAfterTake) {
    ReplyParser parser;
    EXPECT_EQ(parser.feed("250-one"), Status::more);
    EXPECT_EQ(parser.feed("250 two"), Status::complete);
    EXPECT_EQ(parser.take().lines.size(), 2U);
    EXPECT_EQ(parser.feed("354 go"), Status::complete);
    Reply next = parser.take();
    EXPECT_EQ(next.code, 354);
    EXPECT_EQ(next.lines, std::vector<std::string>{"go"});
    EXPECT_EQ(parser.feed("nonsense"), Status::malformed);
    EXPECT_EQ(parser.feed("250 ok"), Status::malformed);
}

TEST(ReplyParser, ReadsBackWhatSerializeWrites) {
    Reply original{452, "4.5.3", {"Too many recipients", "try later"}};
    std::string wire = serialize(original);
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < wire.size();) {
        std::size_t end = wire.find("\r\n", at);
        lines.push_back(wire.substr(at, end - at));
        at = end + 2;
    }
    auto reply = parse(lines);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->code, original.code);
    EXPECT_EQ(reply->enhanced, original.enhanced);
    EXPECT_EQ(reply->lines, original.lines);
}

}  // namespace
}  // namespace sealbox::smtp
