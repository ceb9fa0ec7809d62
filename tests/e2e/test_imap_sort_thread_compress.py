"""SORT, THREAD (RFC 5256, RFC 5957 SORT=DISPLAY) and COMPRESS=DEFLATE (RFC 4978) against the
real binary with Debian's python3 imaplib: a small mailbox of conversations with chosen dates,
names, encoded subjects, sizes and Message-ID/References chains, sorted and threaded as a mail
client shows them; then a compressed session that must see exactly the bytes an uncompressed
one sees."""

import imaplib
import re
import smtplib
import unittest
import zlib

from harness import SealboxTestCase
from imapdata import parse_fetch
from test_imap import PASSWORD, USER, no_verify

# msn, From, Subject, Date (None: no Date field), INTERNALDATE (None: delivered by LMTP, so
# "now", after all the others), Message-ID, thread fields, body octets.
#   Base subjects (RFC 5256 §2.1): "project kickoff" (1-3), "lunch plans" (4-5), "budget" (6-8).
#   Sent dates in UTC (§2.2): 6 < 1 < 2 < 3 < 4 (its INTERNALDATE) < 5 < 7 < 8; message 2's
#   local time (08:00 -0300) reads earlier than message 1's (09:00 +0000) but is later.
MESSAGES = [
    (1, '"Carol X" <carol@example.org>', "Project kickoff", "Mon, 01 Jan 2024 09:00:00 +0000",
     "05-Jan-2024 10:00:00 +0000", "<p1@example.org>", "", 4000),
    (2, '"Alice A" <zed@example.org>', "Re: Project kickoff", "Mon, 01 Jan 2024 08:00:00 -0300",
     "02-Jan-2024 10:00:00 +0000", "<p2@example.org>",
     "In-Reply-To: <p1@example.org>\r\nReferences: <p1@example.org>\r\n", 1600),
    # "Re: Fwd: Project kickoff", encoded (RFC 2047).
    (3, "bob@example.org", "=?UTF-8?B?UmU6IEZ3ZDogUHJvamVjdCBraWNrb2Zm?=",
     "Tue, 02 Jan 2024 08:00:00 -0500", "01-Jan-2024 10:00:00 +0000", "<p3@example.org>",
     "References: <p1@example.org> <p2@example.org>\r\n", 2400),
    (4, "=?ISO-8859-1?Q?=C9mile?= <emile@example.org>", "Lunch plans", None,
     "03-Jan-2024 12:00:00 +0000", "<l1@example.org>", "", 5600),
    # Only In-Reply-To links it (REFERENCES step 1.A).
    (5, '"Dave D" <dave@example.org>', "[Fwd: RE: Lunch plans]", "Wed, 03 Jan 2024 15:00:00 +0000",
     "04-Jan-2024 10:00:00 +0000", "<l2@example.org>", "In-Reply-To: <l1@example.org>\r\n", 800),
    (6, '"Frank" <frank@example.org>', "Budget", "Sun, 31 Dec 2023 23:00:00 +0000",
     "06-Jan-2024 10:00:00 +0000", "<b1@example.org>", "", 3200),
    # Answers an original that is not in the mailbox: joined to 6 by subject (step 5).
    (7, '"Grace" <grace@example.org>', "Re: Budget", "Thu, 04 Jan 2024 09:00:00 +0000",
     "07-Jan-2024 10:00:00 +0000", "<b2@example.org>", "References: <b0@example.org>\r\n", 4800),
    (8, '"Heidi" <heidi@example.org>', "Re: Budget (fwd)", "Fri, 05 Jan 2024 09:00:00 +0000",
     None, "<b3@example.org>", "References: <b0@example.org> <b2@example.org>\r\n", 0),
]


def message_bytes(sender, subject, date, message_id, thread_fields, body_octets):
    date_field = f"Date: {date}\r\n" if date else ""
    body = "".join(f"line {i:05d} of the text\r\n" for i in range(body_octets // 25))
    return (f"From: {sender}\r\nTo: {USER}\r\nSubject: {subject}\r\n{date_field}"
            f"Message-ID: {message_id}\r\n{thread_fields}MIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=us-ascii\r\n\r\n{body}").encode()


def numbers(data):
    return [int(n) for n in data[0].split()] if data and data[0] else []


class DeflatedImap:
    """Makes an imaplib connection speak raw DEFLATE (RFC 4978 §4: wbits -15, each write
    flushed with Z_SYNC_FLUSH), counting what crosses the wire."""

    def __init__(self, imap):
        self.imap = imap
        self.file = imap.file
        self.inflater = zlib.decompressobj(-15)
        self.deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.pending = b""
        self.wire_in = 0
        self.plain_in = 0
        imap.file = self
        imap.send = self.send

    def send(self, data):
        self.imap.sock.sendall(self.deflater.compress(data) + self.deflater.flush(zlib.Z_SYNC_FLUSH))

    def _fill(self):
        chunk = self.file.read1(65536)
        if not chunk:
            raise imaplib.IMAP4.abort("connection closed")
        self.wire_in += len(chunk)
        plain = self.inflater.decompress(chunk)
        self.plain_in += len(plain)
        self.pending += plain

    def readline(self, limit=-1):
        while b"\n" not in self.pending:
            self._fill()
        end = self.pending.index(b"\n") + 1
        line, self.pending = self.pending[:end], self.pending[end:]
        return line

    def read(self, size):
        while len(self.pending) < size:
            self._fill()
        data, self.pending = self.pending[:size], self.pending[size:]
        return data

    def close(self):
        self.file.close()


class TestSortThreadCompress(SealboxTestCase):
    @classmethod
    def setUpClass(cls):
        imaplib.Commands.setdefault("COMPRESS", ("AUTH", "SELECTED"))

    def setUp(self):
        super().setUp()
        self.add_account(USER, PASSWORD)
        self.start_server()
        imap = self.connect()
        # One message first, then expunged: UIDs (2-9) differ from message numbers (1-8).
        self.ok(imap.append("INBOX", None, None, b"Subject: gone\r\n\r\ngone\r\n"))
        self.ok(imap.select("INBOX"))
        self.ok(imap.store("1", "+FLAGS", r"(\Deleted)"))
        self.ok(imap.expunge())
        self.raw = {}
        for msn, sender, subject, date, internal, message_id, fields, size in MESSAGES:
            raw = message_bytes(sender, subject, date, message_id, fields, size)
            self.raw[msn] = raw
            if internal:
                self.ok(imap.append("INBOX", None, f'"{internal}"', raw))
            else:
                with smtplib.LMTP("127.0.0.1", self.ports["lmtp"]) as lmtp:
                    lmtp.sendmail("heidi@example.org", [USER], raw)
        imap.logout()

    def connect(self):
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.ports["imaps"], ssl_context=no_verify(), timeout=60)
        self.addCleanup(self.close_quietly, imap)
        self.ok(imap.login(USER, PASSWORD))
        return imap

    def selected(self):
        imap = self.connect()
        self.ok(imap.select("INBOX"))
        return imap

    def sort(self, imap, criteria, *search, charset="UTF-8"):
        return numbers(self.ok(imap.sort(criteria, charset, *search)))

    def test_capabilities(self):
        imap = self.connect()
        caps = self.ok(imap.capability())[0].decode().upper().split()
        for cap in ["SORT", "SORT=DISPLAY", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES",
                    "COMPRESS=DEFLATE"]:
            self.assertIn(cap, caps)

    def test_sort_by_each_key(self):
        imap = self.selected()
        self.assertEqual(self.sort(imap, "(ARRIVAL)", "ALL"), [3, 2, 4, 5, 1, 6, 7, 8])
        self.assertEqual(self.sort(imap, "(DATE)", "ALL"), [6, 1, 2, 3, 4, 5, 7, 8])
        # FROM sorts by the local part of the address (RFC 5256 §3).
        self.assertEqual(self.sort(imap, "(FROM)", "ALL"), [3, 1, 5, 4, 6, 7, 8, 2])
        # DISPLAYFROM by the decoded name, or the address when there is none (RFC 5957 §3):
        # "Alice A", bob@example.org, "Carol X", ... and "Émile" last (i;ascii-casemap).
        self.assertEqual(self.sort(imap, "(DISPLAYFROM)", "ALL"), [2, 3, 1, 5, 6, 7, 8, 4])
        self.assertEqual(self.sort(imap, "(SUBJECT)", "ALL"), [6, 7, 8, 4, 5, 1, 2, 3])
        self.assertEqual(self.sort(imap, "(SIZE)", "ALL"), [8, 5, 2, 3, 6, 1, 7, 4])
        # All To: fields are equal: the message number decides, as for CC (empty everywhere).
        self.assertEqual(self.sort(imap, "(TO)", "ALL"), list(range(1, 9)))
        self.assertEqual(self.sort(imap, "(CC)", "ALL"), list(range(1, 9)))
        # SIZE agrees with what FETCH says of each message.
        sizes = parse_fetch(self.ok(imap.fetch("1:*", "(RFC822.SIZE)")))
        by_size = sorted(sizes, key=lambda n: (int(sizes[n]["RFC822.SIZE"]), n))
        self.assertEqual(self.sort(imap, "(SIZE)", "ALL"), by_size)

    def test_sort_reverse_several_keys_uid_and_search(self):
        imap = self.selected()
        self.assertEqual(self.sort(imap, "(REVERSE DATE)", "ALL"), [8, 7, 5, 4, 3, 2, 1, 6])
        self.assertEqual(self.sort(imap, "(REVERSE SIZE)", "ALL"), [4, 7, 1, 6, 3, 2, 5, 8])
        self.assertEqual(self.sort(imap, "(SUBJECT REVERSE DATE)", "ALL"), [8, 7, 6, 5, 4, 3, 2, 1])
        self.assertEqual(self.sort(imap, "(REVERSE SUBJECT ARRIVAL)", "ALL"), [3, 2, 1, 4, 5, 6, 7, 8])
        self.assertEqual(numbers(self.ok(imap.uid("SORT", "(DATE)", "UTF-8", "ALL"))),
                         [7, 2, 3, 4, 5, 6, 8, 9])
        # INTERNALDATE on or after 3 January: 4, 5, 1, 6, 7 and 8, in sent order.
        self.assertEqual(self.sort(imap, "(DATE)", "SINCE", "3-Jan-2024"), [6, 1, 4, 5, 7, 8])
        # The encoded subject of message 3 is searched decoded.
        self.assertEqual(self.sort(imap, "(REVERSE DATE)", "SUBJECT", "kickoff"), [3, 2, 1])
        self.assertEqual(numbers(self.ok(imap.uid("SORT", "(SIZE)", "US-ASCII", "UID", "5:*"))),
                         [9, 6, 7, 8, 5])
        # A UTF-8 search string, sent as a literal, finds the decoded display name.
        imap.literal = "Émile".encode()
        self.assertEqual(self.sort(imap, "(ARRIVAL)", "FROM"), [4])
        self.assertEqual(self.sort(imap, "(DATE)", "SUBJECT", "nothing-like-this"), [])

    def test_sort_refusals(self):
        imap = self.selected()
        typ, data = imap.sort("(DATE)", "KOI8-X", "ALL")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[BADCHARSET", data[0])
        with self.assertRaisesRegex(imaplib.IMAP4.error, "Unknown sort key"):
            imap.sort("(SENDER)", "UTF-8", "ALL")
        with self.assertRaisesRegex(imaplib.IMAP4.error, "Unknown threading algorithm"):
            imap.thread("X-GUESS", "UTF-8", "ALL")
        # The session goes on.
        self.assertEqual(self.sort(imap, "(DATE)", "1"), [1])

    def test_thread_ordered_subject(self):
        imap = self.selected()
        # RFC 5256 §3: one thread per base subject, its messages in sent order under the first;
        # threads in the order of their first messages.
        self.assertEqual(self.ok(imap.thread("ORDEREDSUBJECT", "UTF-8", "ALL")),
                         [b"(6 (7)(8))(1 (2)(3))(4 5)"])
        self.assertEqual(self.ok(imap.uid("THREAD", "ORDEREDSUBJECT", "UTF-8", "ALL")),
                         [b"(7 (8)(9))(2 (3)(4))(5 6)"])

    def test_thread_references(self):
        imap = self.selected()
        # 1 <- 2 <- 3 by References; 4 <- 5 by In-Reply-To alone; 7 answers a missing original,
        # 8 answers 7, and 7 joins 6 by subject as the "Re:" of the original (step 5.C).
        self.assertEqual(self.ok(imap.thread("REFERENCES", "UTF-8", "ALL")),
                         [b"(6 7 8)(1 2 3)(4 5)"])
        self.assertEqual(self.ok(imap.uid("THREAD", "REFERENCES", "UTF-8", "ALL")),
                         [b"(7 8 9)(2 3 4)(5 6)"])
        # Without message 2, 3 still hangs under 1 through its References.
        self.assertEqual(self.ok(imap.thread("REFERENCES", "UTF-8", "NOT", "2")),
                         [b"(6 7 8)(1 3)(4 5)"])

    def test_compressed_session_sees_the_same_bytes(self):
        plain = self.selected()
        expected = self.ok(plain.fetch("1:*", "(UID RFC822.SIZE ENVELOPE BODY.PEEK[])"))

        imap = self.connect()
        typ, data = imap._simple_command("COMPRESS", "DEFLATE")
        self.assertEqual(typ, "OK", data)  # RFC 4978 §3: the OK itself is not compressed
        wire = DeflatedImap(imap)
        self.ok(imap.select("INBOX"))
        fetched = self.ok(imap.fetch("1:*", "(UID RFC822.SIZE ENVELOPE BODY.PEEK[])"))
        self.assertEqual(fetched, expected)
        bodies = parse_fetch(fetched)
        for msn, raw in self.raw.items():
            if msn != 8:  # 8 came through LMTP, which adds trace fields
                self.assertEqual(bodies[msn]["BODY[]"], raw)
        self.assertLess(wire.wire_in * 3, wire.plain_in)  # the text compresses well

        # Commands travel compressed too: a large APPEND comes back byte for byte.
        big = message_bytes('"Ivan" <ivan@example.org>', "Compressed upload",
                            "Sat, 06 Jan 2024 09:00:00 +0000", "<c1@example.org>", "", 200000)
        self.ok(imap.append("INBOX", None, None, big))
        self.ok(imap.noop())
        self.assertEqual(parse_fetch(self.ok(imap.fetch("9", "(BODY.PEEK[])")))[9]["BODY[]"], big)
        self.assertEqual(self.sort(imap, "(REVERSE SIZE)", "ALL")[0], 9)

        # No second layer (RFC 4978 §3), and no more offering it.
        typ, data = imap._simple_command("COMPRESS", "DEFLATE")
        self.assertEqual(typ, "NO")
        self.assertIn(b"COMPRESSIONACTIVE", data[0])
        self.assertNotIn("COMPRESS=DEFLATE", self.ok(imap.capability())[0].decode().upper())
        typ, _ = imap.logout()
        self.assertEqual(typ, "BYE")

    def test_compress_refusals(self):
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.ports["imaps"], ssl_context=no_verify(), timeout=60)
        self.addCleanup(self.close_quietly, imap)
        self.assertNotIn("COMPRESS=DEFLATE", imap.capabilities)
        imap.state = "AUTH"  # imaplib would not send it before login; the server must refuse
        with self.assertRaisesRegex(imaplib.IMAP4.error, "Log in first"):
            imap._simple_command("COMPRESS", "DEFLATE")
        imap.state = "NONAUTH"
        self.ok(imap.login(USER, PASSWORD))
        with self.assertRaisesRegex(imaplib.IMAP4.error, "Unknown compression mechanism"):
            imap._simple_command("COMPRESS", "LZMA")
        self.ok(imap.select("INBOX"))  # still speaking in the clear
        self.assertEqual(self.sort(imap, "(DATE)", "ALL"), [6, 1, 2, 3, 4, 5, 7, 8])


if __name__ == "__main__":
    unittest.main()
