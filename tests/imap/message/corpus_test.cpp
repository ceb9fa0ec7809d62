// Every message of the shared conformance corpus, and hostile shapes: the rendered structure
// parses by RFC 9051 §9, has one body per summarized part, and every section is the octets at
// the offsets the summary recorded.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "imap/message/body_parser.h"
#include "imap/message/render.h"

namespace sealbox::imap {
namespace {

using Text = Section::Text;

bool is_encapsulated(const mime::BodyPart& part) {
    return part.type == "message" && (part.subtype == "rfc822" || part.subtype == "global");
}

// Body productions the structure should hold: one per summarized part, plus the empty stand-in
// written where the grammar needs a body the summary lacks (a multipart without parts, an
// unparsed message/rfc822).
int expected_bodies(const mime::BodyPart& part) {
    int count = 1;
    if ((part.is_multipart() || is_encapsulated(part)) && part.children.empty()) {
        ++count;
    }
    for (const mime::BodyPart& child : part.children) {
        count += expected_bodies(child);
    }
    return count;
}

struct Numbered {
    std::vector<std::uint32_t> number;
    const mime::BodyPart* part;
};

void number_part(const mime::BodyPart& part, std::vector<std::uint32_t> number,
                 std::vector<Numbered>& out);

// The parts of the body of `owner` (a message's root part or a multipart), numbered as
// RFC 9051 §6.4.5's example lists them.
void number_body(const mime::BodyPart& owner, const std::vector<std::uint32_t>& prefix,
                 std::vector<Numbered>& out) {
    if (!owner.is_multipart()) {
        std::vector<std::uint32_t> number = prefix;
        number.push_back(1);
        out.push_back({number, &owner});
        if (is_encapsulated(owner) && !owner.children.empty()) {
            number_body(owner.children.front(), number, out);
        }
        return;
    }
    for (std::uint32_t i = 0; i < owner.children.size(); ++i) {
        std::vector<std::uint32_t> number = prefix;
        number.push_back(i + 1);
        number_part(owner.children[i], number, out);
    }
}

void number_part(const mime::BodyPart& part, std::vector<std::uint32_t> number,
                 std::vector<Numbered>& out) {
    out.push_back({number, &part});
    if (part.is_multipart()) {
        number_body(part, number, out);
    } else if (is_encapsulated(part) && !part.children.empty()) {
        number_body(part.children.front(), number, out);
    }
}

// The checks the corpus and the hostile inputs share.
void check_message(const std::string& raw) {
    const mime::MessageSummary summary = mime::summarize(raw);
    for (bool utf8 : {false, true}) {
        std::string envelope;
        write_envelope(envelope, summary.envelope, utf8);
        EXPECT_NO_THROW(test::BodyParser(envelope, true, utf8).envelope_only()) << envelope;
        for (bool extensible : {false, true}) {
            std::string structure;
            write_body_structure(structure, summary.root, extensible, utf8);
            int bodies = 0;
            EXPECT_NO_THROW(bodies = test::BodyParser(structure, extensible, utf8).body_only())
                << structure;
            EXPECT_EQ(bodies, expected_bodies(summary.root)) << structure;
        }
    }

    EXPECT_EQ(section_content(raw, summary, Section{}), raw);
    EXPECT_EQ(section_content(raw, summary, Section{{}, Text::header, {}}) +
                  section_content(raw, summary, Section{{}, Text::text, {}}),
              raw);

    std::vector<Numbered> parts;
    number_body(summary.root, {}, parts);
    for (const Numbered& numbered : parts) {
        const mime::BodyPart& part = *numbered.part;
        ASSERT_EQ(find_part(summary.root, numbered.number), &part);
        // BODY[n.MIME] + BODY[n] is the part as it stands in the message.
        const std::string whole =
            section_content(raw, summary, Section{numbered.number, Text::mime, {}}) +
            section_content(raw, summary, Section{numbered.number, Text::all, {}});
        EXPECT_EQ(whole, raw.substr(part.header_offset, part.header_size + part.body_size));
        if (is_encapsulated(part) && !part.children.empty()) {
            EXPECT_EQ(section_content(raw, summary, Section{numbered.number, Text::header, {}}) +
                          section_content(raw, summary, Section{numbered.number, Text::text, {}}),
                      section_content(raw, summary, Section{numbered.number, Text::all, {}}));
        }
        const std::optional<std::string> binary = binary_content(raw, summary, numbered.number);
        EXPECT_EQ(binary.has_value(), binary_size(raw, summary, numbered.number).has_value());
    }
    // A part one past the last of each level does not exist.
    for (const Numbered& numbered : parts) {
        std::vector<std::uint32_t> beyond = numbered.number;
        beyond.back() += 100000;
        EXPECT_EQ(section_content(raw, summary, Section{beyond, Text::all, {}}), "");
    }
}

TEST(Corpus, EveryMessageRendersConsistently) {
    const std::filesystem::path corpus = SEALBOX_SHARED_DIR "/conformance/corpus";
    if (!std::filesystem::is_directory(corpus)) {
        GTEST_SKIP() << corpus << " is absent";
    }
    int messages = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus)) {
        if (entry.path().extension() != ".eml") {
            continue;
        }
        SCOPED_TRACE(entry.path().string());
        std::ifstream file(entry.path(), std::ios::binary);
        check_message(std::string{std::istreambuf_iterator<char>(file), {}});
        ++messages;
    }
    EXPECT_GT(messages, 400);
}

// Each hostile input is checked in full and must not take long even on a busy machine.
class Hostile : public ::testing::Test {
  protected:
    void check(const std::string& raw) {
        const auto start = std::chrono::steady_clock::now();
        check_message(raw);
        EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    }
};

TEST_F(Hostile, ThousandNestedMultiparts) {
    std::string raw;
    for (int level = 0; level < 1000; ++level) {
        raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(level) + "\r\n\r\n--b" +
               std::to_string(level) + "\r\n";
    }
    raw += "\r\ninnermost\r\n";
    check(raw);
}

TEST_F(Hostile, ThousandNestedMessages) {
    std::string raw;
    for (int level = 0; level < 1000; ++level) {
        raw +=
            "Subject: level " + std::to_string(level) + "\r\nContent-Type: message/rfc822\r\n\r\n";
    }
    raw += "Subject: innermost\r\n\r\nbody\r\n";
    check(raw);
}

TEST_F(Hostile, MissingClosingBoundary) {
    check(
        "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\none\r\n--x\r\n"
        "Content-Type: message/rfc822\r\n\r\nSubject: cut\r\n");
}

TEST_F(Hostile, HugeHeader) {
    std::string raw;
    for (int field = 0; field < 100000; ++field) {
        raw += "X-Field-" + std::to_string(field) + ": value\r\n folded\r\n";
    }
    raw += "Subject: " + std::string(1 << 20, 'a') + "\r\n\r\nbody";
    check(raw);
    const mime::MessageSummary summary = mime::summarize(raw);
    EXPECT_EQ(section_content(raw, summary, Section{{}, Text::header_fields, {"X-FIELD-99999"}}),
              "X-Field-99999: value\r\n folded\r\n\r\n");
}

TEST_F(Hostile, ManyEmptyParts) {
    std::string raw = "Content-Type: multipart/mixed; boundary=p\r\n\r\n";
    for (int part = 0; part < 20000; ++part) {
        raw += "--p\r\n";
    }
    check(raw);
}

}  // namespace
}  // namespace sealbox::imap
