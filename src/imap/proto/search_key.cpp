#include "imap/proto/search_key.h"

#include <span>

#include "imap/proto/chars.h"

namespace sealbox::imap {
namespace {

using Kind = SearchKey::Kind;

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = chars::to_upper(c);
    }
    return out;
}

struct Word {
    std::string_view name;
    Kind kind;
};

constexpr Word kFlagKeys[] = {
    {"ALL", Kind::all},
    {"ANSWERED", Kind::answered},
    {"DELETED", Kind::deleted},
    {"DRAFT", Kind::draft},
    {"FLAGGED", Kind::flagged},
    {"SEEN", Kind::seen},
    {"RECENT", Kind::recent},
    {"NEW", Kind::new_},
    {"OLD", Kind::old},
    {"UNANSWERED", Kind::unanswered},
    {"UNDELETED", Kind::undeleted},
    {"UNDRAFT", Kind::undraft},
    {"UNFLAGGED", Kind::unflagged},
    {"UNSEEN", Kind::unseen},
};
constexpr Word kStringKeys[] = {
    {"BCC", Kind::bcc},         {"BODY", Kind::body}, {"CC", Kind::cc}, {"FROM", Kind::from},
    {"SUBJECT", Kind::subject}, {"TEXT", Kind::text}, {"TO", Kind::to},
};
constexpr Word kDateKeys[] = {
    {"BEFORE", Kind::before},          {"ON", Kind::on},          {"SINCE", Kind::since},
    {"SENTBEFORE", Kind::sent_before}, {"SENTON", Kind::sent_on}, {"SENTSINCE", Kind::sent_since},
};
constexpr Word kNumberKeys[] = {
    {"LARGER", Kind::larger},
    {"SMALLER", Kind::smaller},
    {"OLDER", Kind::older},
    {"YOUNGER", Kind::younger},
};

const Word* find(std::span<const Word> words, std::string_view name) {
    for (const Word& w : words) {
        if (w.name == name) {
            return &w;
        }
    }
    return nullptr;
}

std::optional<SearchDate> date_text(std::string_view t) {
    std::size_t dash1 = t.find('-');
    if (dash1 == std::string_view::npos || dash1 == 0 || dash1 > 2 || t.size() != dash1 + 9 ||
        t[dash1 + 4] != '-') {
        return std::nullopt;
    }
    SearchDate d;
    for (std::size_t i = 0; i < dash1; ++i) {
        if (!chars::is_digit(t[i])) {
            return std::nullopt;
        }
        d.day = d.day * 10 + (t[i] - '0');
    }
    static constexpr std::string_view kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                   "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    for (int m = 0; m < 12; ++m) {
        if (chars::iequals(t.substr(dash1 + 1, 3), kMonths[m])) {
            d.month = m + 1;
        }
    }
    for (char c : t.substr(dash1 + 5)) {
        if (!chars::is_digit(c)) {
            return std::nullopt;
        }
        d.year = d.year * 10 + (c - '0');
    }
    if (d.month == 0 || d.day < 1 || d.day > 31) {
        return std::nullopt;
    }
    return d;
}

// date = date-text / DQUOTE date-text DQUOTE (RFC 9051 §9)
SearchDate date(Lexer& lexer) {
    std::string text = lexer.peek() == '"' ? lexer.string() : std::string(lexer.atom());
    auto d = date_text(text);
    if (!d) {
        throw SyntaxError("Invalid date " + text);
    }
    return *d;
}

SearchKey key(Lexer& lexer);

// "(" search-key *(SP search-key) ")"
SearchKey group(Lexer& lexer) {
    SearchKey k;
    k.kind = Kind::all_of;
    lexer.open_paren();
    do {
        k.children.push_back(key(lexer));
    } while (lexer.take(' '));
    lexer.close_paren();
    return k;
}

// NOT and OR nest without parentheses; count them against the same depth limit.
class Nesting {
  public:
    explicit Nesting(Lexer& lexer) : lexer_(lexer) { lexer_.enter(); }
    ~Nesting() { lexer_.leave(); }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

  private:
    Lexer& lexer_;
};

SearchKey key(Lexer& lexer) {
    char c = lexer.peek();
    if (c == '(') {
        return group(lexer);
    }
    SearchKey k;
    if (chars::is_digit(c) || c == '*' || c == '$') {  // sequence-set
        k.kind = Kind::sequence;
        k.set = lexer.sequence_set();
        return k;
    }
    std::string name = upper(lexer.atom());
    if (const Word* w = find(kFlagKeys, name)) {
        k.kind = w->kind;
    } else if (const Word* w = find(kStringKeys, name)) {
        k.kind = w->kind;
        lexer.sp();
        k.value = lexer.astring();
    } else if (const Word* w = find(kDateKeys, name)) {
        k.kind = w->kind;
        lexer.sp();
        k.date = date(lexer);
    } else if (const Word* w = find(kNumberKeys, name)) {
        k.kind = w->kind;
        lexer.sp();
        // OLDER/YOUNGER take nz-number (RFC 5032 §3); LARGER/SMALLER number64.
        k.number = (k.kind == Kind::older || k.kind == Kind::younger) ? lexer.nz_number()
                                                                      : lexer.number64();
    } else if (name == "KEYWORD" || name == "UNKEYWORD") {
        k.kind = name == "KEYWORD" ? Kind::keyword : Kind::unkeyword;
        lexer.sp();
        k.value = std::string(lexer.atom());  // flag-keyword = atom
    } else if (name == "HEADER") {
        k.kind = Kind::header;
        lexer.sp();
        k.field = upper(lexer.astring());
        lexer.sp();
        k.value = lexer.astring();
    } else if (name == "UID") {
        k.kind = Kind::uid;
        lexer.sp();
        k.set = lexer.sequence_set();
    } else if (name == "MODSEQ") {  // RFC 7162 §3.1.5: [SP entry-name SP entry-type-req]
        k.kind = Kind::modseq;
        lexer.sp();
        if (lexer.peek() == '"') {
            k.field = lexer.string();
            lexer.sp();
            std::string type = upper(lexer.atom());
            if (type != "PRIV" && type != "SHARED" && type != "ALL") {
                throw SyntaxError("Invalid MODSEQ entry type " + type);
            }
            lexer.sp();
        }
        k.number = lexer.number64();
    } else if (name == "NOT") {
        Nesting nesting(lexer);
        k.kind = Kind::negation;
        lexer.sp();
        k.children.push_back(key(lexer));
    } else if (name == "OR") {
        Nesting nesting(lexer);
        k.kind = Kind::any_of;
        lexer.sp();
        k.children.push_back(key(lexer));
        lexer.sp();
        k.children.push_back(key(lexer));
    } else {
        throw SyntaxError("Unknown search key " + name);
    }
    return k;
}

}  // namespace

SearchKey parse_search_program(Lexer& lexer, std::optional<std::string>& charset) {
    SearchKey program;
    program.kind = Kind::all_of;
    std::size_t start = lexer.position();
    if (chars::is_atom_char(lexer.peek())) {
        std::string word = upper(lexer.atom());
        if (word == "CHARSET") {
            lexer.sp();
            charset = lexer.astring();  // charset = atom / quoted
            lexer.sp();
        } else {
            lexer.rewind(start);
        }
    }
    do {
        program.children.push_back(key(lexer));
    } while (lexer.take(' '));
    return program;
}

}  // namespace sealbox::imap
