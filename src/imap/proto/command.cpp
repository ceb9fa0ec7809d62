#include "imap/proto/command.h"

#include "imap/proto/chars.h"
#include "imap/proto/date_time.h"
#include "imap/proto/lexer.h"
#include "imap/proto/mailbox_name.h"

namespace sealbox::imap {
namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = chars::to_upper(c);
    }
    return out;
}

class Parser {
  public:
    Parser(std::string_view input, const ParseOptions& options)
        : input_(input), options_(options), lexer_(input, options.limits, options.utf8) {}

    TaggedCommand parse(std::string& tag) {
        tag = std::string(lexer_.tag());
        lexer_.sp();
        TaggedCommand out{tag, command()};
        lexer_.expect_end();
        return out;
    }

  private:
    Command command() {
        std::string name = upper(lexer_.atom());
        if (name == "CAPABILITY")
            return Capability{};
        if (name == "NOOP")
            return Noop{};
        if (name == "LOGOUT")
            return Logout{};
        if (name == "STARTTLS")
            return StartTls{};
        if (name == "NAMESPACE")
            return Namespace{};
        if (name == "IDLE")
            return Idle{};
        if (name == "CLOSE")
            return Close{};
        if (name == "UNSELECT")
            return Unselect{};
        if (name == "EXPUNGE")
            return Expunge{};
        if (name == "CHECK")
            return Check{};
        if (name == "ID")
            return id();
        if (name == "GETQUOTA") {
            lexer_.sp();
            return GetQuota{lexer_.astring()};
        }
        if (name == "GETQUOTAROOT")
            return GetQuotaRoot{spaced_mailbox()};
        if (name == "GETMETADATA")
            return get_metadata();
        if (name == "SETMETADATA")
            return set_metadata();
        if (name == "NOTIFY") {  // RFC 5465 §8
            lexer_.sp();
            return parse_notify(lexer_, [this](const std::string& w) { return decode_mailbox(w); });
        }
        if (name == "AUTHENTICATE")
            return authenticate();
        if (name == "LOGIN")
            return login();
        if (name == "ENABLE")
            return enable();
        if (name == "SELECT" || name == "EXAMINE")
            return select(name == "EXAMINE");
        if (name == "CREATE")
            return create();
        if (name == "DELETE")
            return Delete{spaced_mailbox()};
        if (name == "SUBSCRIBE")
            return Subscribe{spaced_mailbox()};
        if (name == "UNSUBSCRIBE")
            return Unsubscribe{spaced_mailbox()};
        if (name == "RENAME")
            return rename();
        if (name == "LIST")
            return list();
        if (name == "LSUB")
            return lsub();
        if (name == "STATUS")
            return status();
        if (name == "APPEND")
            return append();
        if (name == "UID")
            return uid();
        if (name == "COPY")
            return Copy{false, spaced_set(), spaced_mailbox()};
        if (name == "MOVE")
            return Move{false, spaced_set(), spaced_mailbox()};
        if (name == "STORE")
            return store(false);
        if (name == "FETCH")
            return fetch(false);
        if (name == "SEARCH")
            return search(false);
        if (name == "SORT")
            return sort(false);
        if (name == "THREAD")
            return thread(false);
        if (name == "COMPRESS") {  // compress = "COMPRESS" SP algorithm (RFC 4978 §5)
            lexer_.sp();
            return Compress{upper(lexer_.atom())};
        }
        throw SyntaxError("Unknown command " + name);
    }

    // mailbox = "INBOX" / astring, in modified UTF-7 or UTF-8 (RFC 9051 §9, §5.1).
    std::string decode_mailbox(const std::string& wire) {
        auto name = mailbox_from_wire(wire, options_.utf8);
        if (!name) {
            throw SyntaxError(options_.utf8 ? "Mailbox name is not valid UTF-8"
                                            : "Mailbox name is not valid modified UTF-7");
        }
        return *name;
    }
    std::string spaced_mailbox() {
        lexer_.sp();
        return decode_mailbox(lexer_.astring());
    }
    SequenceSet spaced_set() {
        lexer_.sp();
        return lexer_.sequence_set();
    }

    // A parenthesized group kept as sent, for extension parameters parsed later; strings and
    // literals inside are skipped whole so a ")" in one does not end the group.
    std::string raw_group() {
        std::size_t start = lexer_.position();
        skip_group();
        return std::string(input_.substr(start, lexer_.position() - start));
    }
    void skip_group() {
        lexer_.open_paren();
        while (lexer_.peek() != ')' || lexer_.at_end()) {
            if (lexer_.at_end()) {
                throw SyntaxError("Unbalanced parentheses");
            }
            if (lexer_.peek() == '(') {
                skip_group();
            } else if (lexer_.next_is_string()) {
                lexer_.string();
            } else {
                lexer_.take(lexer_.peek());
            }
        }
        lexer_.close_paren();
    }

    // RFC 5464 §5: "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries
    GetMetadata get_metadata() {
        GetMetadata g;
        lexer_.sp();
        if (lexer_.peek() == '(') {
            read_metadata_options(lexer_, g);
            lexer_.sp();
        }
        g.mailbox = decode_mailbox(lexer_.astring());
        lexer_.sp();
        g.entries = read_metadata_entries(lexer_);
        return g;
    }
    // RFC 5464 §5: "SETMETADATA" SP mailbox SP entry-values
    SetMetadata set_metadata() {
        SetMetadata s;
        s.mailbox = spaced_mailbox();
        lexer_.sp();
        s.entries = read_metadata_values(lexer_);
        return s;
    }

    Authenticate authenticate() {
        Authenticate a;
        lexer_.sp();
        a.mechanism = upper(lexer_.atom());
        if (lexer_.take(' ')) {  // RFC 4959 §3: initial-response = base64 / "="
            if (lexer_.take('=')) {
                a.initial_response = "";
            } else {
                a.initial_response = base64();
            }
        }
        return a;
    }
    std::string base64() {
        // base64 = *(4base64-char) [base64-terminal] (RFC 9051 §9)
        std::size_t start = lexer_.position();
        std::string out;
        while (true) {
            char c = lexer_.peek();
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || chars::is_digit(c) ||
                  c == '+' || c == '/' || c == '=')) {
                break;
            }
            out += c;
            lexer_.take(c);
        }
        std::size_t pad = out.find('=');
        if (out.empty() || out.size() % 4 != 0 ||
            (pad != std::string::npos &&
             (pad + 2 < out.size() || out.find_first_not_of('=', pad) != std::string::npos))) {
            throw SyntaxError("Invalid base64 at position " + std::to_string(start));
        }
        return out;
    }

    Login login() {
        Login l;
        lexer_.sp();
        l.user = lexer_.astring();
        lexer_.sp();
        l.password = lexer_.astring();
        return l;
    }

    // RFC 2971 §4: "ID" SP ("(" *(string SP nstring) ")" / nil); at most 30 pairs (§3.3).
    Id id() {
        Id out;
        lexer_.sp();
        if (lexer_.peek() != '(') {
            if (upper(lexer_.atom()) != "NIL") {
                throw SyntaxError("ID expects a list or NIL");
            }
            return out;
        }
        lexer_.open_paren();
        while (lexer_.peek() != ')') {
            if (!out.fields.empty()) {
                lexer_.sp();
            }
            if (out.fields.size() == 30) {
                throw SyntaxError("Too many ID fields");
            }
            std::string field = lexer_.string();
            lexer_.sp();
            std::string value;
            if (lexer_.nstring(value)) {
                out.fields.emplace_back(std::move(field), std::move(value));
            } else {
                out.fields.emplace_back(std::move(field), std::nullopt);
            }
        }
        lexer_.close_paren();
        return out;
    }

    Enable enable() {  // "ENABLE" 1*(SP capability)
        Enable e;
        do {
            lexer_.sp();
            e.capabilities.push_back(upper(lexer_.atom()));
        } while (lexer_.peek() == ' ');
        return e;
    }

    Select select(bool read_only) {
        Select s;
        s.read_only = read_only;
        s.mailbox = spaced_mailbox();
        if (lexer_.take(' ')) {
            s.raw_parameters = raw_group();
        }
        return s;
    }

    Create create() {
        Create c;
        c.mailbox = spaced_mailbox();
        if (lexer_.take(' ')) {
            c.raw_parameters = raw_group();
        }
        return c;
    }

    Rename rename() {
        Rename r;
        r.from = spaced_mailbox();
        r.to = spaced_mailbox();
        return r;
    }

    // list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]
    List list() {
        List l;
        lexer_.sp();
        if (lexer_.peek() == '(') {
            l.raw_selection = raw_group();
            lexer_.sp();
        }
        l.reference = decode_mailbox(lexer_.astring());
        lexer_.sp();
        if (lexer_.peek() == '(') {  // patterns (RFC 5258 §3)
            lexer_.open_paren();
            do {
                l.patterns.push_back(decode_mailbox(lexer_.list_mailbox()));
            } while (lexer_.take(' '));
            lexer_.close_paren();
        } else {
            l.patterns.push_back(decode_mailbox(lexer_.list_mailbox()));
        }
        if (lexer_.take(' ')) {
            if (upper(lexer_.atom()) != "RETURN") {
                throw SyntaxError("Expected RETURN");
            }
            lexer_.sp();
            l.raw_return = raw_group();
        }
        return l;
    }

    Lsub lsub() {
        Lsub l;
        l.reference = spaced_mailbox();
        lexer_.sp();
        l.pattern = decode_mailbox(lexer_.list_mailbox());
        return l;
    }

    // status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"
    Status status() {
        Status s;
        s.mailbox = spaced_mailbox();
        lexer_.sp();
        lexer_.open_paren();
        do {
            std::string item = upper(lexer_.atom());
            if (item == "MESSAGES")
                s.items.push_back(StatusItem::messages);
            else if (item == "UIDNEXT")
                s.items.push_back(StatusItem::uid_next);
            else if (item == "UIDVALIDITY")
                s.items.push_back(StatusItem::uid_validity);
            else if (item == "UNSEEN")
                s.items.push_back(StatusItem::unseen);
            else if (item == "DELETED")
                s.items.push_back(StatusItem::deleted);
            else if (item == "SIZE")
                s.items.push_back(StatusItem::size);
            else if (item == "RECENT")
                s.items.push_back(StatusItem::recent);
            else if (item == "HIGHESTMODSEQ")
                s.items.push_back(StatusItem::highest_modseq);
            else if (item == "APPENDLIMIT")
                s.items.push_back(StatusItem::append_limit);
            else if (item == "MAILBOXID")
                s.items.push_back(StatusItem::mailbox_id);
            else
                throw SyntaxError("Unknown STATUS item " + item);
        } while (lexer_.take(' '));
        lexer_.close_paren();
        return s;
    }

    // flag-list = "(" [flag *(SP flag)] ")"
    std::vector<std::string> flag_list() {
        std::vector<std::string> flags;
        lexer_.open_paren();
        if (lexer_.peek() == ')') {
            lexer_.close_paren();
            return flags;
        }
        do {
            flags.push_back(lexer_.flag());
        } while (lexer_.take(' '));
        lexer_.close_paren();
        return flags;
    }

    // append = "APPEND" SP mailbox 1*append-message (RFC 3502 §6);
    // append-message = [SP flag-list] [SP date-time] SP (literal / literal8)
    Append append() {
        Append a;
        a.mailbox = spaced_mailbox();
        do {
            lexer_.sp();
            AppendMessage m;
            if (lexer_.peek() == '(') {
                m.flags = flag_list();
                lexer_.sp();
            }
            if (lexer_.peek() == '"') {
                std::string date = lexer_.string();
                if (!valid_date_time(date)) {
                    throw SyntaxError("Invalid date-time");
                }
                m.date_time = date;
                lexer_.sp();
            }
            if (lexer_.peek() == 'U' || lexer_.peek() == 'u') {
                m.data = utf8_append_data(m.binary);
            } else {
                if (!lexer_.next_is_string() || lexer_.peek() == '"') {
                    throw SyntaxError("APPEND needs the message as a literal");
                }
                m.data = lexer_.string(true, &m.binary);
            }
            a.messages.push_back(std::move(m));
        } while (lexer_.peek() == ' ');
        return a;
    }

    // RFC 6855 §4: append-data =/ "UTF8" SP "(" literal8 ")", a message whose header may hold
    // UTF-8; only once UTF8=ACCEPT (or IMAP4rev2) lets the client send UTF-8.
    std::string utf8_append_data(bool& binary) {
        if (upper(lexer_.atom()) != "UTF8") {
            throw SyntaxError("APPEND needs the message as a literal");
        }
        if (!options_.utf8) {
            throw SyntaxError("APPEND UTF8 needs ENABLE UTF8=ACCEPT");
        }
        lexer_.sp();
        lexer_.open_paren();
        if (lexer_.peek() != '~') {
            throw SyntaxError("APPEND UTF8 needs the message as a literal8");
        }
        std::string data = lexer_.string(true, &binary);
        lexer_.close_paren();
        return data;
    }

    // uid = "UID" SP (copy / move / fetch / search / store / uid-expunge), and sort and thread
    // (RFC 5256 §5)
    Command uid() {
        lexer_.sp();
        std::string name = upper(lexer_.atom());
        if (name == "COPY")
            return Copy{true, spaced_set(), spaced_mailbox()};
        if (name == "MOVE")
            return Move{true, spaced_set(), spaced_mailbox()};
        if (name == "STORE")
            return store(true);
        if (name == "FETCH")
            return fetch(true);
        if (name == "EXPUNGE")
            return Expunge{spaced_set()};
        if (name == "SEARCH")
            return search(true);
        if (name == "SORT")
            return sort(true);
        if (name == "THREAD")
            return thread(true);
        throw SyntaxError("Unknown UID command " + name);
    }

    // store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags
    Store store(bool uid) {
        Store s;
        s.uid = uid;
        s.set = spaced_set();
        lexer_.sp();
        if (lexer_.peek() == '(') {  // RFC 7162 §3.1.3: "(UNCHANGEDSINCE mod-sequence-valzer)"
            lexer_.open_paren();
            if (upper(lexer_.atom()) != "UNCHANGEDSINCE") {
                throw SyntaxError("Unknown STORE modifier");
            }
            lexer_.sp();
            s.unchanged_since = lexer_.number64();
            lexer_.close_paren();
            lexer_.sp();
        }
        // store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
        if (lexer_.take('+')) {
            s.mode = Store::Mode::add;
        } else if (lexer_.take('-')) {
            s.mode = Store::Mode::remove;
        }
        std::string item = upper(lexer_.atom());
        if (item == "FLAGS.SILENT") {
            s.silent = true;
        } else if (item != "FLAGS") {
            throw SyntaxError("Expected FLAGS, +FLAGS or -FLAGS");
        }
        lexer_.sp();
        if (lexer_.peek() == '(') {
            s.flags = flag_list();
        } else {
            do {
                s.flags.push_back(lexer_.flag());
            } while (lexer_.take(' '));
        }
        return s;
    }

    // fetch = "FETCH" SP sequence-set SP (macro / fetch-att / "(" ... ")") [fetch-modifiers]
    Fetch fetch(bool uid) {
        Fetch f;
        f.uid = uid;
        f.set = spaced_set();
        lexer_.sp();
        f.attributes = parse_fetch_attributes(lexer_);
        if (lexer_.take(' ')) {  // RFC 7162 §3.1.4.1, §3.2.6
            lexer_.open_paren();
            do {
                std::string modifier = upper(lexer_.atom());
                if (modifier == "CHANGEDSINCE") {
                    lexer_.sp();
                    f.changed_since = lexer_.nz_number64();
                } else if (modifier == "VANISHED") {
                    f.vanished = true;
                } else {
                    throw SyntaxError("Unknown FETCH modifier " + modifier);
                }
            } while (lexer_.take(' '));
            lexer_.close_paren();
        }
        return f;
    }

    // search = "SEARCH" [search-return-opts] SP search-program
    Search search(bool uid) {
        Search s;
        s.uid = uid;
        lexer_.sp();
        std::size_t start = lexer_.position();
        if (chars::is_atom_char(lexer_.peek()) && upper(lexer_.atom()) == "RETURN") {
            s.return_given = true;
            lexer_.sp();
            lexer_.open_paren();
            while (lexer_.peek() != ')') {
                std::string option = upper(lexer_.atom());
                if (option != "MIN" && option != "MAX" && option != "ALL" && option != "COUNT" &&
                    option != "SAVE") {
                    throw SyntaxError("Unknown SEARCH return option " + option);
                }
                s.return_options.push_back(option);
                if (!lexer_.take(' ')) {
                    break;
                }
            }
            lexer_.close_paren();
            lexer_.sp();
        } else {
            lexer_.rewind(start);
        }
        s.criteria = parse_search_program(lexer_, s.charset);
        return s;
    }

    // sort = ["UID" SP] "SORT" SP sort-criteria SP search-criteria (RFC 5256 §5);
    // sort-criteria = "(" sort-criterion *(SP sort-criterion) ")";
    // sort-criterion = ["REVERSE" SP] sort-key
    Sort sort(bool uid) {
        Sort s;
        s.uid = uid;
        lexer_.sp();
        lexer_.open_paren();
        do {
            SortCriterion criterion;
            std::string key = upper(lexer_.atom());
            if (key == "REVERSE") {
                criterion.reverse = true;
                lexer_.sp();
                key = upper(lexer_.atom());
            }
            criterion.key = sort_key(key);
            s.criteria.push_back(criterion);
        } while (lexer_.take(' '));
        lexer_.close_paren();
        lexer_.sp();
        s.charset = search_criteria(s.search);
        return s;
    }
    static SortKey sort_key(const std::string& key) {
        if (key == "ARRIVAL")
            return SortKey::arrival;
        if (key == "CC")
            return SortKey::cc;
        if (key == "DATE")
            return SortKey::date;
        if (key == "FROM")
            return SortKey::from;
        if (key == "SIZE")
            return SortKey::size;
        if (key == "SUBJECT")
            return SortKey::subject;
        if (key == "TO")
            return SortKey::to;
        if (key == "DISPLAYFROM")  // RFC 5957 §3
            return SortKey::display_from;
        if (key == "DISPLAYTO")
            return SortKey::display_to;
        throw SyntaxError("Unknown sort key " + key);
    }

    // thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria (RFC 5256 §5)
    Thread thread(bool uid) {
        Thread t;
        t.uid = uid;
        lexer_.sp();
        std::string algorithm = upper(lexer_.atom());
        if (algorithm == "ORDEREDSUBJECT") {
            t.algorithm = ThreadAlgorithm::ordered_subject;
        } else if (algorithm == "REFERENCES") {
            t.algorithm = ThreadAlgorithm::references;
        } else {
            throw SyntaxError("Unknown threading algorithm " + algorithm);
        }
        lexer_.sp();
        t.charset = search_criteria(t.search);
        return t;
    }

    // search-criteria = charset 1*(SP search-key): the charset SEARCH makes optional is
    // required here (RFC 5256 §3), so a second CHARSET is just an unknown search key.
    std::string search_criteria(SearchKey& keys) {
        std::string charset = lexer_.astring();  // charset = atom / quoted
        if (lexer_.at_end()) {
            throw SyntaxError("Expected a charset, then search keys");
        }
        lexer_.sp();
        std::optional<std::string> second_charset;
        keys = parse_search_program(lexer_, second_charset);
        if (second_charset) {
            throw SyntaxError("Unknown search key CHARSET");
        }
        return charset;
    }

    std::string_view input_;
    const ParseOptions& options_;
    Lexer lexer_;
};

}  // namespace

ParseResult parse_command(std::string_view input, const ParseOptions& options) {
    std::string tag;
    try {
        Parser parser(input, options);
        return parser.parse(tag);
    } catch (const SyntaxError& e) {
        return ParseError{tag, e.what()};
    }
}

}  // namespace sealbox::imap
