#include "smtp/proto/data_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace sealbox::smtp {
namespace {

using namespace std::string_literals;

struct Outcome {
    std::string out;
    std::size_t consumed = 0;
    bool done = false;
    bool bare_cr = false;
    bool bare_lf = false;
    bool size_exceeded = false;
    bool accepted = false;
    std::uint64_t size = 0;
    std::size_t longest_line = 0;

    bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
    return os << "consumed=" << o.consumed << " done=" << o.done << " cr=" << o.bare_cr
              << " lf=" << o.bare_lf << " big=" << o.size_exceeded << " ok=" << o.accepted
              << " size=" << o.size << " longest=" << o.longest_line
              << " out.size()=" << o.out.size();
}

// Feeds input in chunks of the given sizes (the last chunk takes the rest), stopping at done
// as a session would; consumed counts octets taken from the whole input.
Outcome feed_chunks(std::string_view input, const std::vector<std::size_t>& sizes,
                    DataReaderOptions options = {}) {
    DataReader reader(options);
    Outcome o;
    std::size_t pos = 0;
    std::size_t k = 0;
    while (pos < input.size() && !reader.done()) {
        std::size_t n =
            k < sizes.size() ? std::min(sizes[k], input.size() - pos) : input.size() - pos;
        ++k;
        FeedResult r = reader.feed(std::span<const char>(input.data() + pos, n), o.out);
        EXPECT_LE(r.consumed, n);
        EXPECT_EQ(r.done, reader.done());
        if (!r.done) {
            EXPECT_EQ(r.consumed, n) << "a reader that is not done takes everything";
        }
        pos += r.consumed;
    }
    o.consumed = pos;
    o.done = reader.done();
    o.bare_cr = reader.saw_bare_cr();
    o.bare_lf = reader.saw_bare_lf();
    o.size_exceeded = reader.size_exceeded();
    o.accepted = reader.accepted();
    o.size = reader.message_size();
    o.longest_line = reader.longest_line();
    return o;
}

Outcome feed_whole(std::string_view input, DataReaderOptions options = {}) {
    return feed_chunks(input, {}, options);
}

Outcome feed_bytewise(std::string_view input, DataReaderOptions options = {}) {
    return feed_chunks(input, std::vector<std::size_t>(input.size(), 1), options);
}

const DataReaderOptions kReject{BareLineEndings::reject};
const DataReaderOptions kNormalize{BareLineEndings::normalize};

TEST(DataReader, NormalMessage) {
    const std::string msg = "Subject: hi\r\n\r\nbody line\r\n";
    Outcome o = feed_whole(msg + ".\r\n");
    EXPECT_TRUE(o.done);
    EXPECT_TRUE(o.accepted);
    EXPECT_EQ(o.out, msg);
    EXPECT_EQ(o.consumed, msg.size() + 3);
    EXPECT_EQ(o.size, msg.size());
    EXPECT_FALSE(o.bare_cr || o.bare_lf || o.size_exceeded);
}

TEST(DataReader, EmptyMessage) {
    Outcome o = feed_whole(".\r\n");
    EXPECT_TRUE(o.done);
    EXPECT_TRUE(o.accepted);
    EXPECT_EQ(o.out, "");
    EXPECT_EQ(o.consumed, 3u);
}

TEST(DataReader, DotStuffingIsRemoved) {
    EXPECT_EQ(feed_whole("..\r\n.\r\n").out, ".\r\n");
    EXPECT_EQ(feed_whole("..leading\r\n.\r\n").out, ".leading\r\n");
    EXPECT_EQ(feed_whole("...\r\n.\r\n").out, "..\r\n");
    EXPECT_EQ(feed_whole("a\r\n..\r\nb\r\n.\r\n").out, "a\r\n.\r\nb\r\n");
    // RFC 5321 §4.5.2: any line starting with "." and holding more loses the first dot.
    EXPECT_EQ(feed_whole(".x\r\n.\r\n").out, "x\r\n");
    // Dots elsewhere are text.
    EXPECT_EQ(feed_whole("a.\r\na.b\r\n .\r\n.\r\n").out, "a.\r\na.b\r\n .\r\n");
}

TEST(DataReader, LeftoverIsNotConsumed) {
    // Pipelining: the commands after the terminator are the session's.
    const std::string input = "line\r\n.\r\nQUIT\r\n";
    Outcome o = feed_whole(input);
    EXPECT_TRUE(o.done);
    EXPECT_EQ(o.out, "line\r\n");
    EXPECT_EQ(input.substr(o.consumed), "QUIT\r\n");

    DataReader reader;
    std::string out;
    EXPECT_EQ(reader.feed(std::span<const char>(input), out).consumed, 9u);
    // Once done, nothing more is taken.
    FeedResult again = reader.feed(std::span<const char>(input), out);
    EXPECT_EQ(again.consumed, 0u);
    EXPECT_TRUE(again.done);
}

TEST(DataReader, NotDoneUntilTheFinalLf) {
    DataReader reader;
    std::string out;
    for (std::string_view part : {"abc\r", "\n", ".", "\r"}) {
        FeedResult r = reader.feed(std::span<const char>(part), out);
        EXPECT_FALSE(r.done) << part;
        EXPECT_EQ(r.consumed, part.size());
    }
    FeedResult r = reader.feed(std::span<const char>("\nNEXT", 5), out);
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.consumed, 1u);
    EXPECT_EQ(out, "abc\r\n");
}

TEST(DataReader, EveryTwoAndThreeWaySplitGivesTheSameResult) {
    const std::string input = "Hello\r\n..dots\r\n.x\r\nend\r\n.\r\nNEXT\r\n";
    for (auto options : {kReject, kNormalize}) {
        const Outcome whole = feed_whole(input, options);
        ASSERT_TRUE(whole.done);
        ASSERT_EQ(whole.out, "Hello\r\n.dots\r\nx\r\nend\r\n");
        ASSERT_EQ(whole.consumed, input.size() - 6);
        for (std::size_t a = 0; a <= input.size(); ++a) {
            EXPECT_EQ(feed_chunks(input, {a}, options), whole) << a;
            for (std::size_t b = 0; a + b <= input.size(); ++b) {
                EXPECT_EQ(feed_chunks(input, {a, b}, options), whole) << a << "," << b;
            }
        }
        EXPECT_EQ(feed_bytewise(input, options), whole);
    }
}

// Payloads from the SMTP smuggling research (CVE-2023-51764, -51765, -51766): line endings
// that some server once took as the end of data. None may end the message here.
const std::vector<std::string> kSmugglingEnds = {
    "\n.\n"s,         "\n.\r\n"s,       "\r.\r"s,     "\r.\r\n"s,       "\r\n.\r"s,
    "\r\n.\n"s,       "\n.\r"s,         "\r.\n"s,     "\r\r\n.\r\r\n"s, "\r\n.\r\r\n"s,
    "\r\n\x00.\r\n"s, "\r\n.\x00\r\n"s, "\n\n.\n\n"s, "\r\n..\r\n"s,
    "\r\r\n.\r\n"s,  // a real end: it contains <CRLF>.<CRLF>
};

std::string smuggle(const std::string& end) {
    return "From: a@example.org\r\n\r\nhello" + end +
           "MAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\n"
           "From: ceo@example.com\r\n\r\nsmuggled\r\n.\r\nQUIT\r\n";
}

bool contains_real_terminator(const std::string& s) {
    return s.find("\r\n.\r\n") != std::string::npos;
}

TEST(DataReader, SmugglingPayloadsNeverEndTheMessage) {
    for (const std::string& end : kSmugglingEnds) {
        const std::string input = smuggle(end);
        const std::string prefix = "From: a@example.org\r\n\r\nhello" + end;
        // Where the data must really end: the first <CRLF>.<CRLF>.
        const std::size_t real_end = input.find("\r\n.\r\n") + 5;
        for (auto options : {kReject, kNormalize}) {
            Outcome o = feed_whole(input, options);
            EXPECT_TRUE(o.done);
            EXPECT_EQ(o.consumed, real_end) << testing::PrintToString(end);
            if (!contains_real_terminator(prefix)) {
                EXPECT_EQ(input.substr(o.consumed), "QUIT\r\n") << testing::PrintToString(end);
            }
            EXPECT_EQ(feed_bytewise(input, options), o) << testing::PrintToString(end);
        }
    }
}

TEST(DataReader, SmugglingUnderRejectIsReported) {
    for (const std::string& end : kSmugglingEnds) {
        const bool has_bare = [&] {
            for (std::size_t i = 0; i < end.size(); ++i) {
                if (end[i] == '\r' && (i + 1 == end.size() || end[i + 1] != '\n')) {
                    return true;
                }
                if (end[i] == '\n' && (i == 0 || end[i - 1] != '\r')) {
                    return true;
                }
            }
            return false;
        }();
        Outcome o = feed_whole(smuggle(end), kReject);
        EXPECT_EQ(o.bare_cr || o.bare_lf, has_bare) << testing::PrintToString(end);
        EXPECT_EQ(o.accepted, !has_bare) << testing::PrintToString(end);
        if (has_bare) {
            DataReader reader(kReject);
            std::string out;
            std::string input = smuggle(end);
            reader.feed(std::span<const char>(input), out);
            auto reply = reader.error_reply();
            ASSERT_TRUE(reply);
            EXPECT_EQ(serialize(*reply), "550 5.6.0 Bare CR or LF in message data\r\n");
        }
    }
}

TEST(DataReader, SmugglingUnderNormalizeLeavesOnlyCrlf) {
    for (const std::string& end : kSmugglingEnds) {
        Outcome o = feed_whole(smuggle(end), kNormalize);
        EXPECT_TRUE(o.accepted) << testing::PrintToString(end);
        for (std::size_t i = 0; i < o.out.size(); ++i) {
            if (o.out[i] == '\r') {
                ASSERT_LT(i + 1, o.out.size());
                EXPECT_EQ(o.out[i + 1], '\n') << testing::PrintToString(end);
            } else if (o.out[i] == '\n') {
                EXPECT_TRUE(i > 0 && o.out[i - 1] == '\r') << testing::PrintToString(end);
            }
        }
    }
}

TEST(DataReader, BareLfAndCrPolicies) {
    Outcome lf_reject = feed_whole("a\nb\r\n.\r\n", kReject);
    EXPECT_TRUE(lf_reject.done);
    EXPECT_TRUE(lf_reject.bare_lf);
    EXPECT_FALSE(lf_reject.bare_cr);
    EXPECT_FALSE(lf_reject.accepted);

    Outcome lf_normalize = feed_whole("a\nb\r\n.\r\n", kNormalize);
    EXPECT_TRUE(lf_normalize.accepted);
    EXPECT_TRUE(lf_normalize.bare_lf);
    EXPECT_EQ(lf_normalize.out, "a\r\nb\r\n");

    Outcome cr_reject = feed_whole("a\rb\r\n.\r\n", kReject);
    EXPECT_TRUE(cr_reject.bare_cr);
    EXPECT_FALSE(cr_reject.accepted);

    Outcome cr_normalize = feed_whole("a\rb\r\n.\r\n", kNormalize);
    EXPECT_TRUE(cr_normalize.accepted);
    EXPECT_EQ(cr_normalize.out, "a\r\nb\r\n");

    // CR CR LF is a bare CR followed by a real line end.
    EXPECT_EQ(feed_whole("a\r\r\nb\r\n.\r\n", kNormalize).out, "a\r\n\r\nb\r\n");
    // A dot after a bare line end is unstuffed like any line start, but cannot terminate.
    EXPECT_EQ(feed_whole("a\n..b\r\n.\r\n", kNormalize).out, "a\r\n.b\r\n");
    EXPECT_EQ(feed_whole("a\n.\r\nb\r\n.\r\n", kNormalize).out, "a\r\n.\r\nb\r\n");
    Outcome soft = feed_whole("\n.\n.\r\n", kNormalize);
    EXPECT_FALSE(soft.done);
    EXPECT_EQ(soft.out, "\r\n.\r\n.\r\n");
}

TEST(DataReader, RejectKeepsConsumingToTheRealEnd) {
    const std::string input = "bad\nline\r\nmore text\r\n.\r\nRSET\r\n";
    Outcome o = feed_whole(input, kReject);
    EXPECT_TRUE(o.done);
    EXPECT_EQ(input.substr(o.consumed), "RSET\r\n");
    EXPECT_EQ(o.out, "bad") << "output stops at the violation";
}

TEST(DataReader, SizeLimit) {
    DataReaderOptions limited{BareLineEndings::reject, 10};
    Outcome at_limit = feed_whole("12345678\r\n.\r\n", limited);
    EXPECT_TRUE(at_limit.accepted);
    EXPECT_EQ(at_limit.out, "12345678\r\n");

    const std::string big = "123456789\r\nmore and more\r\n.\r\nQUIT\r\n";
    Outcome over = feed_whole(big, limited);
    EXPECT_TRUE(over.done);
    EXPECT_TRUE(over.size_exceeded);
    EXPECT_FALSE(over.accepted);
    EXPECT_EQ(over.size, 26u);
    EXPECT_EQ(over.out, "123456789\r");  // the first max_size octets, however fed
    EXPECT_EQ(big.substr(over.consumed), "QUIT\r\n");
    EXPECT_EQ(feed_bytewise(big, limited), over);

    DataReader reader(limited);
    std::string out;
    reader.feed(std::span<const char>(big), out);
    ASSERT_TRUE(reader.error_reply());
    EXPECT_EQ(serialize(*reader.error_reply()),
              "552 5.3.4 Message size exceeds fixed maximum message size\r\n");

    DataReader fine;
    fine.feed(std::span<const char>(".\r\n", 3), out);
    EXPECT_FALSE(fine.error_reply());

    // Nothing to answer before the data has ended, even when the limit is already passed.
    DataReader early(limited);
    early.feed(std::span<const char>(big.data(), 20), out);
    EXPECT_TRUE(early.size_exceeded());
    EXPECT_FALSE(early.error_reply());
}

TEST(DataReader, LongestLine) {
    std::string input = std::string(10, 'a') + "\r\n" + std::string(998, 'b') + "\r\n" + "." +
                        std::string(998, 'c') + "\r\n.\r\n";
    Outcome o = feed_whole(input);
    EXPECT_EQ(o.longest_line, 1000u);  // the transparency dot does not count
    EXPECT_EQ(feed_whole(std::string(1000, 'x') + "\r\n.\r\n").longest_line, 1002u);
    EXPECT_EQ(feed_whole(".\r\n").longest_line, 0u);
}

TEST(DataReader, RandomSplitsMatchWholeFeeding) {
    std::mt19937 rng(20240101);
    std::vector<std::string> inputs = {
        "a\r\n.\r\n",
        "..\r\n...\r\n.\r\n",
        "x\ry\nz\r\n.\r\n",
        "\r\n.\r\n",
        "\r.\r\n.\r\n",
        "line\r\n.\r",
        std::string("bin\0ary\r\n.\r\n", 13),
    };
    for (const std::string& end : kSmugglingEnds) {
        inputs.push_back(smuggle(end));
    }
    // Random octets from a small alphabet hit the interesting states often.
    const std::string alphabet = "\r\n.a";
    for (int i = 0; i < 200; ++i) {
        std::string s;
        std::size_t len = rng() % 40;
        for (std::size_t k = 0; k < len; ++k) {
            s.push_back(alphabet[rng() % alphabet.size()]);
        }
        inputs.push_back(s);
    }
    for (const std::string& input : inputs) {
        for (auto options :
             {kReject, kNormalize, DataReaderOptions{BareLineEndings::normalize, 5}}) {
            const Outcome whole = feed_whole(input, options);
            const std::size_t real = input.rfind(".\r\n", 0) == 0 ? 3
                                     : input.find("\r\n.\r\n") == std::string::npos
                                         ? std::string::npos
                                         : input.find("\r\n.\r\n") + 5;
            EXPECT_EQ(whole.done, real != std::string::npos) << testing::PrintToString(input);
            if (real != std::string::npos) {
                EXPECT_EQ(whole.consumed, real) << testing::PrintToString(input);
            }
            EXPECT_EQ(feed_bytewise(input, options), whole) << testing::PrintToString(input);
            for (int trial = 0; trial < 10; ++trial) {
                std::vector<std::size_t> sizes;
                for (std::size_t total = 0; total < input.size();) {
                    sizes.push_back(rng() % 7);
                    total += sizes.back();
                }
                EXPECT_EQ(feed_chunks(input, sizes, options), whole)
                    << testing::PrintToString(input);
            }
        }
    }
}

}  // namespace
}  // namespace sealbox::smtp
