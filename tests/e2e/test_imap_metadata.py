"""IMAP METADATA (RFC 5464) against the real binary with Debian's python3 imaplib (which has no
METADATA helpers: the commands go through _simple_command, literals through a raw socket):
mailbox and server annotations, DEPTH and MAXSIZE, removal with NIL, bad entry names, the size
limit, /private/specialuse, and values that survive a new login, RENAME and a server restart
but not DELETE."""

import imaplib
import os
import socket
import unittest

from harness import SealboxTestCase
from test_imap import PASSWORD, USER, no_verify

# RFC 5464 §4.2-4.3: valid in the authenticated and selected states.
for _name in ("GETMETADATA", "SETMETADATA"):
    imaplib.Commands[_name] = ("AUTH", "SELECTED")

SECRET = "a comment that must never reach the log 7c1e"


class MetadataTestCase(SealboxTestCase):
    def setUp(self):
        super().setUp()
        self.add_account(USER, PASSWORD)
        self.start_server()

    def connect(self):
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.ports["imaps"], ssl_context=no_verify(), timeout=60)
        self.addCleanup(self.close_quietly, imap)
        self.assertEqual(imap.login(USER, PASSWORD)[0], "OK")
        return imap

    def set(self, imap, mailbox, values):
        typ, data = imap._simple_command("SETMETADATA", mailbox, values)
        return typ, b" ".join(d for d in data if isinstance(d, bytes))

    def get(self, imap, *args):
        """(the METADATA responses as one bytes with literals inline, the METADATA response codes
        of the completion: imaplib files both under "METADATA")."""
        typ, data = imap._simple_command("GETMETADATA", *args)
        self.assertEqual(typ, "OK", data)
        responses, codes = b"", []
        for item in imap.untagged_responses.pop("METADATA", []):
            if isinstance(item, tuple):
                responses += item[0] + b"\r\n" + item[1]
            elif item.startswith(b"LONGENTRIES "):
                codes.append(item)
            else:
                responses += item
        return responses, codes

    def raw(self):
        sock = no_verify().wrap_socket(socket.create_connection(("127.0.0.1", self.ports["imaps"]), timeout=30),
                                       server_hostname="localhost")
        self.addCleanup(sock.close)
        reader = sock.makefile("rb")
        reader.readline()
        sock.sendall(f"l LOGIN {USER} {{{len(PASSWORD)}+}}\r\n{PASSWORD}\r\n".encode())
        while not reader.readline().startswith(b"l OK"):
            pass
        return sock, reader

    def until(self, reader, tag):
        lines = []
        while True:
            line = reader.readline()
            self.assertTrue(line, lines)
            lines.append(line)
            if line.startswith(tag + b" "):
                return b"".join(lines)


class TestMetadata(MetadataTestCase):
    def test_capabilities_after_login(self):
        imap = self.connect()
        caps = imap.capability()[1][0].decode().upper().split()
        self.assertIn("METADATA", caps)
        self.assertIn("METADATA-SERVER", caps)

    def test_set_get_and_remove_with_nil(self):
        imap = self.connect()
        self.assertEqual(self.set(imap, "INBOX", f'(/private/comment "{SECRET}" /shared/comment "Shared")')[0],
                         "OK")
        got, _ = self.get(imap, "INBOX", "(/private/comment /shared/comment)")
        self.assertEqual(got, f'INBOX (/private/comment "{SECRET}" /shared/comment "Shared")'.encode())
        # Entry names are case-insensitive (§3.2).
        got, _ = self.get(imap, "INBOX", "/PRIVATE/Comment")
        self.assertIn(SECRET.encode(), got)
        self.assertEqual(self.set(imap, "INBOX", "(/private/comment NIL)")[0], "OK")
        got, _ = self.get(imap, "INBOX", "(/private/comment /shared/comment)")
        self.assertEqual(got, b'INBOX (/private/comment NIL /shared/comment "Shared")')
        # Selected state too, and the other mailboxes have none.
        self.assertEqual(imap.select("INBOX")[0], "OK")
        got, _ = self.get(imap, "Drafts", "/shared/comment")
        self.assertEqual(got, b"Drafts (/shared/comment NIL)")
        self.assertNotIn(SECRET, self.read_log())

    def test_server_annotations_use_the_empty_mailbox_name(self):
        imap = self.connect()
        self.assertEqual(self.set(imap, '""', '(/shared/comment "Our server" /private/vendor/x/y "z")')[0], "OK")
        got, _ = self.get(imap, '""', "/shared/comment")
        self.assertEqual(got, b'"" (/shared/comment "Our server")')
        got, _ = self.get(imap, "INBOX", "/shared/comment")
        self.assertEqual(got, b"INBOX (/shared/comment NIL)")
        got, _ = self.get(imap, "(DEPTH infinity)", '""', "(/private /shared)")
        self.assertEqual(got, b'"" (/private/vendor/x/y "z" /shared/comment "Our server")')

    def test_depth_and_maxsize(self):
        imap = self.connect()
        self.assertEqual(self.set(imap, "INBOX", '(/private/filters/values/small "By default, small" '
                                                 '/private/filters/values/big "a value longer than twenty" '
                                                 '/private/filters/values/big/deeper "d")')[0], "OK")
        got, codes = self.get(imap, "(DEPTH 1)", "INBOX", "(/private/filters/values)")
        self.assertEqual(codes, [])
        self.assertEqual(got, b'INBOX (/private/filters/values/big "a value longer than twenty" '
                              b'/private/filters/values/small "By default, small")')
        got, _ = self.get(imap, "(DEPTH infinity)", "INBOX", "/private/filters")
        self.assertIn(b'/private/filters/values/big/deeper "d"', got)
        got, codes = self.get(imap, "(MAXSIZE 20 DEPTH infinity)", "INBOX", "/private")
        self.assertEqual(got, b'INBOX (/private/filters/values/big/deeper "d" '
                              b'/private/filters/values/small "By default, small")')
        self.assertEqual(codes, [b"LONGENTRIES 26"])

    def test_bad_entry_names_and_syntax_get_bad(self):
        imap = self.connect()
        # Eight BADs: the tenth would close the connection (listeners.NAME.max_bad_commands).
        for args in [("INBOX", "/comment"), ("INBOX", '"/shared/*"'), ("INBOX", "/shared//x"),
                     ("INBOX", "(MAXSIZE 1)", "/shared/x"), ("(DEPTH 2)", "INBOX", "/shared")]:
            with self.assertRaises(imaplib.IMAP4.error, msg=args):
                imap._simple_command("GETMETADATA", *args)
        for values in ['(/shared "x")', '(/shared/x value)', '/shared/x "y"']:
            with self.assertRaises(imaplib.IMAP4.error, msg=values):
                imap._simple_command("SETMETADATA", "INBOX", values)
        self.assertEqual(imap.noop()[0], "OK")
        typ, text = self.set(imap, "Nope", '(/shared/comment "x")')
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NONEXISTENT]", text)

    def test_too_large_value_is_refused_and_literals_carry_any_octet(self):
        sock, reader = self.raw()
        big = b"x" * (64 * 1024 + 1)
        sock.sendall(b"a SETMETADATA INBOX (/private/big {%d+}\r\n%s)\r\n" % (len(big), big))
        self.assertRegex(self.until(reader, b"a"), rb"a NO \[METADATA MAXSIZE 65536\]")
        # Nothing of the refused command was stored (§4.3).
        sock.sendall(b"b GETMETADATA INBOX /private/big\r\n")
        self.assertIn(b"(/private/big NIL)", self.until(reader, b"b"))
        # literal8 for octets with NUL; the answer uses literal8 too.
        binary = b"\x00\x01binary\xff\r\n\n"
        sock.sendall(b"c SETMETADATA INBOX (/shared/bin ~{%d+}\r\n%s /shared/max {%d+}\r\n%s)\r\n"
                     % (len(binary), binary, len(big) - 1, big[1:]))
        self.assertIn(b"c OK", self.until(reader, b"c"))
        sock.sendall(b"d GETMETADATA INBOX (/shared/bin)\r\n")
        self.assertEqual(self.until(reader, b"d"),
                         b"* METADATA INBOX (/shared/bin ~{%d}\r\n%s)\r\nd OK GETMETADATA completed\r\n"
                         % (len(binary), binary))

    def test_special_use_is_shown_and_read_only(self):
        imap = self.connect()
        got, _ = self.get(imap, "Trash", "/private/specialuse")
        self.assertEqual(got, b'Trash (/private/specialuse "\\\\Trash")')
        typ, text = self.set(imap, "Trash", '(/private/specialuse "\\\\Archive")')
        self.assertEqual(typ, "NO")
        self.assertIn(b"[CANNOT]", text)

    def test_rename_keeps_and_delete_drops(self):
        imap = self.connect()
        self.assertEqual(imap.create("Work/Reports")[0], "OK")
        self.assertEqual(self.set(imap, "Work/Reports", '(/private/comment "quarterly")')[0], "OK")
        self.assertEqual(imap.rename("Work", "Job")[0], "OK")
        got, _ = self.get(imap, "Job/Reports", "/private/comment")
        self.assertEqual(got, b'Job/Reports (/private/comment "quarterly")')
        typ, text = self.set(imap, "Work/Reports", '(/private/comment "x")')
        self.assertEqual(typ, "NO")
        self.assertEqual(imap.delete("Job/Reports")[0], "OK")
        self.assertEqual(imap.create("Job/Reports")[0], "OK")
        got, _ = self.get(imap, "Job/Reports", "/private/comment")
        self.assertEqual(got, b"Job/Reports (/private/comment NIL)")

    def test_values_survive_a_new_login_and_a_restart(self):
        imap = self.connect()
        self.assertEqual(self.set(imap, "INBOX", f'(/private/comment "{SECRET}")')[0], "OK")
        self.assertEqual(self.set(imap, '""', '(/shared/admin "mailto:postmaster@example.test")')[0], "OK")
        imap.logout()
        expected_inbox = f'INBOX (/private/comment "{SECRET}")'.encode()
        expected_server = b'"" (/shared/admin "mailto:postmaster@example.test")'
        imap = self.connect()
        self.assertEqual(self.get(imap, "INBOX", "/private/comment")[0], expected_inbox)
        imap.logout()
        self.stop_server()
        self.start_server()
        imap = self.connect()
        self.assertEqual(self.get(imap, "INBOX", "/private/comment")[0], expected_inbox)
        self.assertEqual(self.get(imap, '""', "/shared/admin")[0], expected_server)
        self.assertNotIn(SECRET, self.read_log())
        # At rest the value is encrypted like the mail.
        for path in self.data_files():
            with open(path, "rb") as f:
                self.assertNotIn(SECRET.encode(), f.read(), path)

    def data_files(self):
        for root, _, files in os.walk(self.data):
            for name in files:
                yield os.path.join(root, name)


if __name__ == "__main__":
    unittest.main()
