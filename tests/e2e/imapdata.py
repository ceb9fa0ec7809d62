"""Reads IMAP response data (RFC 9051 §9) the way a client does, for the end-to-end tests:
imaplib hands back untagged responses as bytes, with each literal as a (prefix, octets) tuple."""

import re


class ParseError(Exception):
    pass


def flatten(data):
    """imaplib's response list (bytes and (prefix, literal) tuples) as one byte string in which
    each literal is replaced by a marker we can find again, plus the literals in order."""
    text = b""
    literals = []
    for item in data:
        if isinstance(item, tuple):
            prefix, literal = item
            text += re.sub(rb"~?\{\d+\+?\}$", b"", prefix) + b"\x00%d\x00" % len(literals)
            literals.append(literal)
        elif item is not None:
            text += item
    return text, literals


class Reader:
    def __init__(self, text, literals=()):
        self.text = text
        self.pos = 0
        self.literals = list(literals)

    def skip_spaces(self):
        while self.pos < len(self.text) and self.text[self.pos:self.pos + 1] == b" ":
            self.pos += 1

    def value(self):
        """One value: a parenthesized list (as a Python list), NIL (None), a quoted string or
        literal (bytes), or an atom/number (str)."""
        self.skip_spaces()
        if self.pos >= len(self.text):
            raise ParseError("unexpected end")
        c = self.text[self.pos:self.pos + 1]
        if c == b"(":
            self.pos += 1
            items = []
            while True:
                self.skip_spaces()
                if self.text[self.pos:self.pos + 1] == b")":
                    self.pos += 1
                    return items
                items.append(self.value())
        if c == b'"':
            out = b""
            self.pos += 1
            while True:
                ch = self.text[self.pos:self.pos + 1]
                if ch == b"":
                    raise ParseError("unterminated quoted string")
                self.pos += 1
                if ch == b"\\":
                    out += self.text[self.pos:self.pos + 1]
                    self.pos += 1
                elif ch == b'"':
                    return out
                else:
                    out += ch
        if c == b"\x00":
            end = self.text.index(b"\x00", self.pos + 1)
            index = int(self.text[self.pos + 1:end])
            self.pos = end + 1
            return self.literals[index]
        if c == b"{":
            end = self.text.index(b"}", self.pos)
            size = int(self.text[self.pos + 1:end].rstrip(b"+"))
            start = self.text.index(b"\n", end) + 1
            self.pos = start + size
            return self.text[start:start + size]
        m = re.compile(rb"[^ ()\x00\"\[]+(\[[^\]]*\](<\d+>)?)?").match(self.text, self.pos)
        if not m:
            raise ParseError(f"unexpected {self.text[self.pos:self.pos + 20]!r}")
        self.pos = m.end()
        word = m.group(0).decode()
        return None if word == "NIL" else word


def parse_fetch(data):
    """{sequence number: {ITEM: value}} from imaplib's FETCH response data."""
    text, literals = flatten(data)
    out = {}
    reader = Reader(text, literals)
    while True:
        reader.skip_spaces()
        if reader.pos >= len(text):
            return out
        number = reader.value()
        items = reader.value()
        if not isinstance(items, list) or len(items) % 2:
            raise ParseError(f"bad FETCH items for {number}: {items!r}")
        out.setdefault(int(number), {}).update(
            {items[i].upper(): items[i + 1] for i in range(0, len(items), 2)})


def leaf_parts(structure, number=""):
    """[(part number, body structure)] for every leaf of a BODYSTRUCTURE (RFC 9051 §6.4.5
    numbering: a non-multipart message's only part is 1; message/rfc822 parts count as leaves)."""
    if isinstance(structure[0], list):  # multipart: the children, then the subtype and extensions
        out = []
        children = []
        for item in structure:  # the children come first, then the subtype string
            if not isinstance(item, list):
                break
            children.append(item)
        for i, child in enumerate(children, 1):
            out += leaf_parts(child, f"{number}.{i}" if number else str(i))
        return out
    return [(number or "1", structure)]
