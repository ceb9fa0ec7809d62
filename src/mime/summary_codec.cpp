// serialize()/deserialize(): a version octet, then every field in declaration order. Integers and
// lengths are LEB128 varints; strings are a length and the octets; lists are a count and their
// elements; optionals and booleans are one octet, 0 or 1. Parts nest no deeper than summarize()
// makes them, so the decoder's recursion is bounded by kMaxDepth.

#include <string>

#include "core/error.h"
#include "mime/message_summary.h"

namespace sealbox::mime {

namespace {

constexpr std::uint8_t kVersion = 1;

class Writer {
  public:
    std::vector<std::uint8_t> take() { return std::move(out_); }

    void octet(std::uint8_t value) { out_.push_back(value); }
    void number(std::uint64_t value) {
        while (value >= 0x80) {
            out_.push_back(static_cast<std::uint8_t>(value | 0x80));
            value >>= 7;
        }
        out_.push_back(static_cast<std::uint8_t>(value));
    }
    void flag(bool value) { octet(value ? 1 : 0); }
    void text(const std::string& value) {
        number(value.size());
        out_.insert(out_.end(), value.begin(), value.end());
    }
    void texts(const std::vector<std::string>& values) {
        number(values.size());
        for (const std::string& value : values) {
            text(value);
        }
    }
    void params(const Parameters& values) {
        number(values.size());
        for (const auto& [name, value] : values) {
            text(name);
            text(value);
        }
    }
    void addresses(const std::vector<Address>& values) {
        number(values.size());
        for (const Address& address : values) {
            octet(static_cast<std::uint8_t>(address.kind));
            text(address.name);
            text(address.mailbox);
            text(address.host);
        }
    }
    void envelope(const Envelope& value) {
        text(value.date);
        text(value.subject);
        for (const auto* list :
             {&value.from, &value.sender, &value.reply_to, &value.to, &value.cc, &value.bcc}) {
            addresses(*list);
        }
        text(value.in_reply_to);
        text(value.message_id);
    }
    void part(const BodyPart& value) {
        text(value.type);
        text(value.subtype);
        params(value.params);
        text(value.content_id);
        text(value.description);
        text(value.encoding);
        text(value.md5);
        text(value.disposition);
        params(value.disposition_params);
        texts(value.language);
        text(value.location);
        for (std::uint64_t offset : {value.header_offset, value.header_size, value.body_offset,
                                     value.body_size, value.body_lines}) {
            number(offset);
        }
        flag(value.envelope.has_value());
        if (value.envelope) {
            envelope(*value.envelope);
        }
        number(value.children.size());
        for (const BodyPart& child : value.children) {
            part(child);
        }
    }

  private:
    std::vector<std::uint8_t> out_;
};

[[noreturn]] void corrupt(const char* what) {
    throw Error(ErrorCode::corrupt, std::string("message summary: ") + what);
}

class Reader {
  public:
    explicit Reader(std::span<const std::uint8_t> in) : in_(in) {}

    bool at_end() const { return pos_ == in_.size(); }

    std::uint8_t octet() {
        if (pos_ == in_.size()) {
            corrupt("truncated");
        }
        return in_[pos_++];
    }
    std::uint64_t number() {
        std::uint64_t value = 0;
        for (int shift = 0;; shift += 7) {
            const std::uint8_t next = octet();
            // The tenth octet may only carry the top bit of 64.
            if (shift == 63 && next > 1) {
                corrupt("number too large");
            }
            value |= static_cast<std::uint64_t>(next & 0x7f) << shift;
            if (!(next & 0x80)) {
                return value;
            }
        }
    }
    bool flag() {
        const std::uint8_t value = octet();
        if (value > 1) {
            corrupt("bad flag");
        }
        return value == 1;
    }
    // A count of elements that each take at least one octet, so no bogus count can make the
    // caller loop beyond the input's size. Lists still grow one decoded element at a time:
    // an element in memory is far larger than its octet.
    std::size_t count() {
        const std::uint64_t value = number();
        if (value > in_.size() - pos_) {
            corrupt("count beyond the input");
        }
        return static_cast<std::size_t>(value);
    }
    std::string text() {
        const std::size_t size = count();
        std::string value(reinterpret_cast<const char*>(in_.data() + pos_), size);
        pos_ += size;
        return value;
    }
    std::vector<std::string> texts() {
        std::vector<std::string> values;
        for (std::size_t n = count(); n > 0; --n) {
            values.push_back(text());
        }
        return values;
    }
    Parameters params() {
        Parameters values;
        for (std::size_t n = count(); n > 0; --n) {
            std::string name = text();
            values.emplace_back(std::move(name), text());
        }
        return values;
    }
    std::vector<Address> addresses() {
        std::vector<Address> values;
        for (std::size_t n = count(); n > 0; --n) {
            Address& address = values.emplace_back();
            const std::uint8_t kind = octet();
            if (kind > static_cast<std::uint8_t>(Address::Kind::group_end)) {
                corrupt("bad address kind");
            }
            address.kind = static_cast<Address::Kind>(kind);
            address.name = text();
            address.mailbox = text();
            address.host = text();
        }
        return values;
    }
    Envelope envelope() {
        Envelope value;
        value.date = text();
        value.subject = text();
        for (auto* list :
             {&value.from, &value.sender, &value.reply_to, &value.to, &value.cc, &value.bcc}) {
            *list = addresses();
        }
        value.in_reply_to = text();
        value.message_id = text();
        return value;
    }
    BodyPart part(int depth) {
        if (depth > kMaxDepth) {
            corrupt("parts nested too deeply");
        }
        BodyPart value;
        value.type = text();
        value.subtype = text();
        value.params = params();
        value.content_id = text();
        value.description = text();
        value.encoding = text();
        value.md5 = text();
        value.disposition = text();
        value.disposition_params = params();
        value.language = texts();
        value.location = text();
        for (std::uint64_t* offset : {&value.header_offset, &value.header_size, &value.body_offset,
                                      &value.body_size, &value.body_lines}) {
            *offset = number();
        }
        if (flag()) {
            value.envelope = envelope();
        }
        for (std::size_t n = count(); n > 0; --n) {
            value.children.push_back(part(depth + 1));
        }
        return value;
    }

  private:
    std::span<const std::uint8_t> in_;
    std::size_t pos_ = 0;
};

}  // namespace

std::vector<std::uint8_t> serialize(const MessageSummary& summary) {
    Writer writer;
    writer.octet(kVersion);
    writer.envelope(summary.envelope);
    writer.texts(summary.references);
    writer.flag(summary.has_attachment);
    writer.part(summary.root);
    return writer.take();
}

MessageSummary deserialize(std::span<const std::uint8_t> bytes) {
    Reader reader(bytes);
    if (reader.octet() != kVersion) {
        corrupt("unknown version");
    }
    MessageSummary summary;
    summary.envelope = reader.envelope();
    summary.references = reader.texts();
    summary.has_attachment = reader.flag();
    summary.root = reader.part(0);
    if (!reader.at_end()) {
        corrupt("trailing octets");
    }
    return summary;
}

}  // namespace sealbox::mime
