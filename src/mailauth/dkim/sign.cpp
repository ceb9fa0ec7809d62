#include "mailauth/dkim/sign.h"

#include <algorithm>
#include <array>

#include "core/ascii.h"
#include "core/base64.h"
#include "core/error.h"
#include "mailauth/dkim/signature.h"
#include "mailauth/dkim/syntax.h"
#include "smtp/proto/chars.h"

namespace sealbox::mailauth::dkim {

namespace {

using smtp::chars::iequals;

constexpr std::size_t max_line = 78;  // RFC 5322 §2.1.1: lines SHOULD NOT exceed 78 characters

// Signed once more than they occur (over-signed), so none can be added.
constexpr std::array<std::string_view, 7> over_signed = {"from", "to",         "cc",      "subject",
                                                         "date", "message-id", "reply-to"};
// Signed as often as they occur.
constexpr std::array<std::string_view, 6> signed_when_present = {
    "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
    // List-* (RFC 2369, RFC 2919, RFC 8058) are matched by prefix below.
    "list-"};

// Writes a field's words, folding with CRLF SP before a word that would pass the line limit.
class FoldedWriter {
  public:
    explicit FoldedWriter(std::string_view name)
        : out_(std::string(name) + ":"), column_(out_.size()) {}

    void word(std::string_view text, bool space_before) {
        bool too_long = column_ + (space_before ? 1 : 0) + text.size() > max_line;
        if ((too_long || break_next_) && column_ > 1) {
            out_ += "\r\n ";
            column_ = 1;
        } else if (space_before) {
            out_ += ' ';
            ++column_;
        }
        out_ += text;
        column_ += text.size();
        break_next_ = false;
    }

    // The next word starts a line of its own.
    void break_line() { break_next_ = true; }

    // A value that may break anywhere (base64): fills each line up to the limit.
    void filler(std::string_view text) {
        while (!text.empty()) {
            if (column_ >= max_line) {
                out_ += "\r\n ";
                column_ = 1;
            }
            auto take = std::min(text.size(), max_line - column_);
            out_ += text.substr(0, take);
            column_ += take;
            text.remove_prefix(take);
        }
    }

    const std::string& text() const { return out_; }

  private:
    std::string out_;
    std::size_t column_;
    bool break_next_ = false;
};

// "name=value;" as words, the value broken after each ":" (h= lists); the last tag of the field
// has no ";".
void write_tag(FoldedWriter& writer, std::string_view name, std::string_view value, bool last) {
    std::string first = std::string(name) + "=";
    bool space_before = true;
    while (true) {
        auto colon = value.find(':');
        auto piece = value.substr(0, colon == std::string_view::npos ? value.npos : colon + 1);
        value.remove_prefix(piece.size());
        std::string word = first + std::string(piece) + (value.empty() && !last ? ";" : "");
        writer.word(word, space_before);
        first.clear();
        space_before = false;
        if (value.empty()) {
            return;
        }
    }
}

}  // namespace

std::vector<std::string> headers_to_sign(const std::vector<HeaderField>& headers) {
    std::vector<std::string> names;
    for (auto name : over_signed) {
        auto count = std::ranges::count_if(
            headers, [&](const HeaderField& field) { return iequals(field.name, name); });
        names.insert(names.end(), static_cast<std::size_t>(count) + 1, std::string(name));
    }
    for (const auto& field : headers) {
        auto name = ascii_lower(field.name);
        bool wanted = std::ranges::any_of(signed_when_present, [&](std::string_view signed_name) {
            return signed_name.ends_with('-')
                       ? name.starts_with(signed_name) && name.size() > signed_name.size()
                       : name == signed_name;
        });
        if (wanted) {
            names.push_back(std::move(name));
        }
    }
    return names;
}

std::string write_signed_field(std::string_view name,
                               const std::vector<std::pair<std::string, std::string>>& tags,
                               const std::vector<const HeaderField*>& selected, Canon header_canon,
                               const SigningKey& key) {
    auto b_tag = std::ranges::find_if(tags, [](const auto& tag) { return tag.first == "b"; });
    auto write = [&](std::string_view signature) {
        FoldedWriter writer(name);
        for (auto tag = tags.begin(); tag != tags.end(); ++tag) {
            bool last = tag + 1 == tags.end() && b_tag != tags.end();
            if (tag != b_tag) {
                write_tag(writer, tag->first, tag->second, last);
                continue;
            }
            // On a line of its own, so that where the other tags fold does not depend on it.
            writer.break_line();
            writer.word("b=" + std::string(signature) + (last ? "" : ";"), true);
            writer.break_line();
        }
        if (b_tag == tags.end()) {
            writer.word("b=", true);
            writer.filler(signature);
        }
        return writer.text();
    };
    // §3.7: the field is hashed as it will be sent, with b= empty.
    auto digest = hash_headers(selected, write("") + "\r\n", header_canon);
    return write(base64_encode(key.sign(digest))) + "\r\n";
}

std::string sign(const Message& message, const SigningKey& key, const SignOptions& options) {
    if (!is_domain_name(options.domain) || !is_selector(options.selector)) {
        throw Error(ErrorCode::invalid_argument, "DKIM domain or selector is not a name");
    }
    if (std::ranges::none_of(message.headers, [](const HeaderField& field) {
            return iequals(field.name, "from");
        })) {
        throw Error(ErrorCode::invalid_argument, "message has no From field to sign");
    }
    auto names = headers_to_sign(message.headers);
    std::string h;
    for (const auto& n : names) {
        h += (h.empty() ? "" : ":") + n;
    }
    auto body = hash_body(message.body, Canon::relaxed, std::nullopt);
    auto algorithm = key.type() == KeyType::rsa ? Algorithm::rsa_sha256 : Algorithm::ed25519_sha256;
    std::vector<std::pair<std::string, std::string>> tags = {
        {"v", "1"},
        {"a", std::string(to_string(algorithm))},
        {"c", "relaxed/relaxed"},
        {"d", options.domain},
        {"s", options.selector},
        {"t", std::to_string(options.timestamp)},
        {"h", h},
        {"bh",
         base64_encode({reinterpret_cast<const char*>(body.digest.data()), body.digest.size()})},
    };
    return write_signed_field("DKIM-Signature", tags, select_headers(message.headers, names),
                              Canon::relaxed, key);
}

}  // namespace sealbox::mailauth::dkim
