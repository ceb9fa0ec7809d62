// ENVELOPE (RFC 9051 §7.5.2) from the summary's envelope.

#include "imap/message/render.h"
#include "imap/message/write_fields.h"

namespace sealbox::imap {

namespace {

// address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")" (RFC 9051 §9). A NIL
// host marks a group, so a mailbox without a domain gets "" rather than NIL. Source routes
// (addr-adl) are obsolete and not kept.
void write_address(std::string& out, const mime::Address& address, bool utf8) {
    using Kind = mime::Address::Kind;
    switch (address.kind) {
        case Kind::group_start:  // RFC 9051 §7.5.2: (NIL NIL "group name" NIL)
            out += "(NIL NIL ";
            write_field(out, address.mailbox, utf8);
            out += " NIL)";
            return;
        case Kind::group_end:
            out += "(NIL NIL NIL NIL)";
            return;
        case Kind::mailbox:
            out += '(';
            write_nil_if_empty(out, address.name, utf8);
            out += " NIL ";
            write_field(out, address.mailbox, utf8);
            out += ' ';
            write_field(out, address.host, utf8);
            out += ')';
            return;
    }
}

// env-from etc.: "(" 1*address ")" / nil
void write_addresses(std::string& out, const std::vector<mime::Address>& addresses, bool utf8) {
    if (addresses.empty()) {
        out += "NIL";
        return;
    }
    out += '(';
    for (const mime::Address& address : addresses) {
        write_address(out, address, utf8);
    }
    out += ')';
}

}  // namespace

void write_envelope(std::string& out, const mime::Envelope& envelope, bool utf8) {
    // RFC 9051 §7.5.2: an absent or empty Sender or Reply-To is reported as the From value.
    const auto& sender = envelope.sender.empty() ? envelope.from : envelope.sender;
    const auto& reply_to = envelope.reply_to.empty() ? envelope.from : envelope.reply_to;
    out += '(';
    write_nil_if_empty(out, envelope.date, utf8);
    out += ' ';
    write_nil_if_empty(out, envelope.subject, utf8);
    for (const auto* list :
         {&envelope.from, &sender, &reply_to, &envelope.to, &envelope.cc, &envelope.bcc}) {
        out += ' ';
        write_addresses(out, *list, utf8);
    }
    out += ' ';
    write_nil_if_empty(out, envelope.in_reply_to, utf8);
    out += ' ';
    write_nil_if_empty(out, envelope.message_id, utf8);
    out += ')';
}

}  // namespace sealbox::imap
