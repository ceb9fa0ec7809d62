// BODY and TEXT over the shared corpus of real messages: words taken from each message's
// searchable text are found through SearchSubject::text_matches in any case, and the recipe
// evaluate.h gives the store (an FTS5 trigram index of folded text, narrowed with instr) finds
// exactly the messages contains_text finds.

#include <glib.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "imap/search/evaluate.h"
#include "imap/search/fake_subject.h"

namespace sealbox::imap {
namespace {

using Kind = SearchKey::Kind;

std::vector<std::string> corpus() {
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(
             std::filesystem::path(SEALBOX_SHARED_DIR) / "conformance" / "corpus")) {
        if (entry.is_regular_file() && entry.path().extension() == ".eml") {
            paths.push_back(entry.path());
        }
    }
    std::sort(paths.begin(), paths.end());
    std::vector<std::string> messages;
    for (const auto& path : paths) {
        std::ifstream in(path, std::ios::binary);
        messages.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return messages;
}

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Up to `count` words of 4 to 24 octets, spread through the text. Cut at ASCII blanks, so each
// is whole UTF-8.
std::vector<std::string> words(const std::string& text, int count) {
    std::vector<std::string> out;
    for (int i = 1; i <= count; ++i) {
        std::size_t begin = text.size() * i / (count + 1);
        while (begin < text.size() && !is_blank(text[begin])) {
            ++begin;
        }
        while (begin < text.size() && is_blank(text[begin])) {
            ++begin;
        }
        std::size_t end = begin;
        while (end < text.size() && !is_blank(text[end])) {
            ++end;
        }
        if (end - begin >= 4 && end - begin <= 24) {
            out.push_back(text.substr(begin, end - begin));
        }
    }
    return out;
}

std::string upper(const std::string& text) {
    std::unique_ptr<char, decltype(&g_free)> up(
        g_utf8_strup(text.data(), static_cast<gssize>(text.size())), &g_free);
    return up.get();
}

SearchKey text_key(Kind kind, std::string value) {
    SearchKey k;
    k.kind = kind;
    k.value = std::move(value);
    return k;
}

class Corpus : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        for (std::string& raw : corpus()) {
            messages_.push_back(std::make_unique<FakeSubject>(std::move(raw)));
        }
    }
    static void TearDownTestSuite() { messages_.clear(); }

    static std::vector<std::unique_ptr<FakeSubject>> messages_;
};

std::vector<std::unique_ptr<FakeSubject>> Corpus::messages_;

TEST_F(Corpus, WordsOfEachMessageAreFoundInAnyCase) {
    ASSERT_GT(messages_.size(), 400u);
    int needles = 0;
    for (std::size_t i = 0; i < messages_.size(); ++i) {
        FakeSubject& message = *messages_[i];
        const mime::SearchableText& text = message.text();
        ASSERT_TRUE(g_utf8_validate_len(text.headers.data(), text.headers.size(), nullptr)) << i;
        ASSERT_TRUE(g_utf8_validate_len(text.body.data(), text.body.size(), nullptr)) << i;
        for (const std::string& word : words(text.body, 3)) {
            ++needles;
            EXPECT_TRUE(matches(text_key(Kind::body, word), message, 0, 1)) << i << " " << word;
            EXPECT_TRUE(matches(text_key(Kind::body, upper(word)), message, 0, 1)) << i;
            EXPECT_TRUE(matches(text_key(Kind::text, upper(word)), message, 0, 1)) << i;
        }
        for (const std::string& word : words(text.headers, 2)) {
            ++needles;
            EXPECT_TRUE(matches(text_key(Kind::text, upper(word)), message, 0, 1)) << i;
        }
        EXPECT_FALSE(matches(text_key(Kind::text, "zq-no-such-word-xv"), message, 0, 1)) << i;
    }
    EXPECT_GT(needles, 1000);
}

// The store's side, written as evaluate.h tells it, against contains_text on every message.
class FtsRecipe {
  public:
    FtsRecipe() {
        EXPECT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
        exec("CREATE VIRTUAL TABLE t USING fts5(headers, body, tokenize='trigram')");
    }
    ~FtsRecipe() { sqlite3_close(db_); }

    void add(std::int64_t id, const mime::SearchableText& text) {
        sqlite3_stmt* insert = prepare("INSERT INTO t(rowid, headers, body) VALUES (?, ?, ?)");
        sqlite3_bind_int64(insert, 1, id);
        bind_text(insert, 2, mime::fold_text(text.headers));
        bind_text(insert, 3, mime::fold_text(text.body));
        EXPECT_EQ(sqlite3_step(insert), SQLITE_DONE);
        sqlite3_finalize(insert);
    }

    std::set<std::int64_t> search(Kind kind, const std::string& needle) {
        const std::string folded = mime::fold_text(needle);
        const bool indexed = g_utf8_strlen(folded.data(), static_cast<gssize>(folded.size())) >= 3;
        const std::string in_body =
            indexed ? "SELECT rowid FROM t WHERE body MATCH ?1 AND instr(body, ?2) > 0"
                    : "SELECT rowid FROM t WHERE instr(body, ?2) > 0";
        const std::string in_headers =
            indexed ? "SELECT rowid FROM t WHERE headers MATCH ?1 AND instr(headers, ?2) > 0"
                    : "SELECT rowid FROM t WHERE instr(headers, ?2) > 0";
        sqlite3_stmt* query =
            prepare(kind == Kind::body ? in_body : in_body + " UNION " + in_headers);
        std::string phrase = "\"";
        for (char c : folded) {
            phrase += c == '"' ? std::string("\"\"") : std::string(1, c);
        }
        phrase += '"';
        bind_text(query, 1, phrase);
        bind_text(query, 2, folded);
        std::set<std::int64_t> rows;
        int step;
        while ((step = sqlite3_step(query)) == SQLITE_ROW) {
            rows.insert(sqlite3_column_int64(query, 0));
        }
        EXPECT_EQ(step, SQLITE_DONE) << sqlite3_errmsg(db_);
        sqlite3_finalize(query);
        return rows;
    }

  private:
    void exec(const char* sql) {
        EXPECT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), SQLITE_OK)
            << sqlite3_errmsg(db_);
    }
    sqlite3_stmt* prepare(const std::string& sql) {
        sqlite3_stmt* statement = nullptr;
        EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr), SQLITE_OK)
            << sqlite3_errmsg(db_);
        return statement;
    }
    static void bind_text(sqlite3_stmt* statement, int index, const std::string& text) {
        sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT);
    }

    sqlite3* db_ = nullptr;
};

TEST_F(Corpus, TheIndexRecipeFindsExactlyWhatContainsTextFinds) {
    FtsRecipe index;
    for (std::size_t i = 0; i < messages_.size(); ++i) {
        index.add(static_cast<std::int64_t>(i), messages_[i]->text());
    }
    // Words from an eighth of the messages (each needle is looked for in every message by
    // contains_text, which folds the whole text every time), and needles whose folding
    // SQLite's would get wrong or that are too short for trigrams.
    std::vector<std::string> needles = {"STRASSE", "Straße", "ΣΟΦΙΑ", "É",  "é",      "ab",
                                        "Ꭰ",       "the",    "ÜBER",  "\"", "of the", "ﬁ"};
    for (std::size_t i = 0; i < messages_.size(); i += 8) {
        for (const std::string& word : words(messages_[i]->text().body, 1)) {
            needles.push_back(upper(word));
        }
    }
    for (const std::string& needle : needles) {
        for (Kind kind : {Kind::body, Kind::text}) {
            std::set<std::int64_t> expected;
            for (std::size_t i = 0; i < messages_.size(); ++i) {
                if (messages_[i]->text_matches(kind, needle)) {
                    expected.insert(static_cast<std::int64_t>(i));
                }
            }
            EXPECT_EQ(index.search(kind, needle), expected)
                << needle << (kind == Kind::body ? " in BODY" : " in TEXT");
        }
    }
}

}  // namespace
}  // namespace sealbox::imap
