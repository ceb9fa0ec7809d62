"""NOTIFY (RFC 5465) against the real binary: one session asks to be told of changes and then
only reads its socket, with no IDLE and no command, while another client (imaplib) and an LMTP
delivery change the account. The watcher must hear of each change with the right numbers and
names, hear nothing once it says NOTIFY NONE, and be refused events the server does not tell."""

import imaplib
import re
import smtplib
import socket
import time
import unittest

from harness import SealboxTestCase
from test_imap import PASSWORD, USER, no_verify, simple_message

PUSH_TIMEOUT = 10  # seconds to wait for a pushed response before the test fails


class Watcher:
    """A raw IMAP session over TLS whose pushed lines are read one at a time."""

    def __init__(self, test, port):
        sock = socket.create_connection(("127.0.0.1", port), timeout=PUSH_TIMEOUT)
        self.sock = no_verify().wrap_socket(sock, server_hostname="localhost")
        test.addCleanup(self.sock.close)
        self.reader = self.sock.makefile("rb")
        self.test = test
        self.reader.readline()  # greeting

    def line(self):
        try:
            got = self.reader.readline()
        except socket.timeout:
            self.test.fail("nothing pushed within %d s" % PUSH_TIMEOUT)
        self.test.assertTrue(got.endswith(b"\r\n"), got)
        return got[:-2].decode()

    def command(self, text):
        """Sends a command; returns its untagged lines and its tagged one."""
        tag = text.split()[0]
        self.sock.sendall(text.encode() + b"\r\n")
        lines = []
        while True:
            lines.append(self.line())
            if lines[-1].startswith(tag + " "):
                return lines[:-1], lines[-1]

    def expect(self, *patterns):
        """The next pushed lines, each matching its pattern in turn."""
        got = []
        for pattern in patterns:
            got.append(self.line())
            self.test.assertRegex(got[-1], "^" + pattern + "$", got)
        return got

    def until(self, pattern, allowed):
        """Pushed lines up to one matching pattern; those before must match `allowed`."""
        while True:
            got = self.line()
            if re.fullmatch(pattern, got):
                return got
            self.test.assertRegex(got, "^" + allowed + "$")


class TestNotify(SealboxTestCase):
    def setUp(self):
        super().setUp()
        self.add_account(USER, PASSWORD)
        self.start_server()

    def other_client(self):
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.ports["imaps"], ssl_context=no_verify(), timeout=60)
        self.addCleanup(imap.shutdown)
        self.assertEqual(imap.login(USER, PASSWORD)[0], "OK")
        return imap

    def watcher(self):
        w = Watcher(self, self.ports["imaps"])
        untagged, tagged = w.command(f'a LOGIN "{USER}" "{PASSWORD}"')
        self.assertRegex(tagged, r"^a OK \[CAPABILITY [^\]]* NOTIFY[ \]]")
        return w

    def deliver(self, message):
        with smtplib.LMTP("127.0.0.1", self.ports["lmtp"]) as lmtp:
            lmtp.sendmail("bob@example.org", [USER], message)

    def test_changes_are_pushed_without_idle(self):
        a = self.watcher()
        self.assertEqual(a.command("s SELECT INBOX")[1], "s OK [READ-WRITE] SELECT completed")
        untagged, tagged = a.command(
            "n NOTIFY SET (SELECTED (MessageNew (UID FLAGS) MessageExpunge FlagChange)) "
            "(PERSONAL (MessageNew MessageExpunge MailboxName SubscriptionChange))")
        self.assertEqual((untagged, tagged), ([], "n OK NOTIFY completed"))
        b = self.other_client()

        # A message appended to the selected mailbox: EXISTS, then the fetch attributes asked for.
        self.ok(b.append("INBOX", r"(\Flagged)", None, simple_message("first")))
        a.expect(r"\* 1 EXISTS", r"\* 1 FETCH \(UID 1 FLAGS \(\\Flagged\)\)")

        # Another mailbox: created (LIST; the store subscribes new mailboxes), then a message in
        # it (STATUS).
        self.ok(b.create("Work"))
        a.expect(r'\* LIST \(\\Subscribed\) "/" Work')
        self.ok(b.append("Work", None, None, simple_message("work item")))
        a.expect(r"\* STATUS Work \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+\)")

        # A flag change in the selected mailbox.
        self.ok(b.select("INBOX"))
        self.ok(b.store("1", "+FLAGS", r"(\Seen)"))
        flags = a.expect(r"\* 1 FETCH \(FLAGS \(.*\)\)")[0]
        self.assertEqual(set(re.search(r"FLAGS \(([^)]*)\)", flags).group(1).split()), {"\\Flagged", "\\Seen"})

        # Renamed, unsubscribed, subscribed, deleted: LIST each time (RFC 5465 §5.4-5.5).
        self.ok(b.rename("Work", "Projects"))
        a.expect(r'\* LIST \(\\Subscribed\) "/" Projects \("OLDNAME" \(Work\)\)')
        self.ok(b.unsubscribe("Projects"))
        a.expect(r'\* LIST \(\) "/" Projects')
        self.ok(b.subscribe("Projects"))
        a.expect(r'\* LIST \(\\Subscribed\) "/" Projects')
        self.ok(b.delete("Projects"))
        a.expect(r'\* LIST \(\\NonExistent\) "/" Projects')

        # An expunge (the flag change before it may be told first, or not at all).
        self.ok(b.store("1", "+FLAGS", r"(\Deleted)"))
        self.ok(b.expunge())
        a.until(r"\* 1 EXPUNGE", r"\* 1 FETCH \(FLAGS \(.*\)\)")

        # A delivery by LMTP is pushed like any other arrival.
        self.deliver(simple_message("by lmtp"))
        a.expect(r"\* 1 EXISTS", r"\* 1 FETCH \(UID 2 FLAGS \(\)\)")

        # Nothing arrives unasked once NOTIFY NONE is in force: what changes comes after a
        # command, as the base protocol has it.
        self.assertEqual(a.command("m NOTIFY NONE"), ([], "m OK NOTIFY completed"))
        self.ok(b.append("INBOX", None, None, simple_message("quiet")))
        self.ok(b.create("Quiet"))
        self.deliver(simple_message("quiet too"))
        time.sleep(0.5)
        untagged, tagged = a.command("o NOOP")
        self.assertEqual((untagged, tagged), (["* 3 EXISTS"], "o OK NOOP completed"))

    def test_status_at_once_and_other_mailboxes_only_when_asked(self):
        b = self.other_client()
        self.ok(b.create("Lists"))
        self.ok(b.append("Lists", None, None, simple_message("digest")))
        a = self.watcher()
        untagged, tagged = a.command("n NOTIFY SET STATUS (MAILBOXES Lists (MessageNew MessageExpunge FlagChange))")
        self.assertEqual(tagged, "n OK NOTIFY completed")
        self.assertEqual(len(untagged), 1, untagged)
        self.assertRegex(untagged[0], r"^\* STATUS Lists \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+ HIGHESTMODSEQ \d+\)$")
        modseq = int(re.search(r"HIGHESTMODSEQ (\d+)", untagged[0]).group(1))

        # A flag change in Lists, then a delivery to INBOX, which the filter does not name: only
        # the first is told.
        self.ok(b.select("Lists"))
        self.ok(b.store("1", "+FLAGS", r"(\Answered)"))
        self.deliver(simple_message("not watched"))
        pushed = a.expect(r"\* STATUS Lists \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+ HIGHESTMODSEQ \d+\)")[0]
        self.assertGreater(int(re.search(r"HIGHESTMODSEQ (\d+)", pushed).group(1)), modseq)
        time.sleep(0.5)
        self.assertEqual(a.command("o NOOP"), ([], "o OK NOOP completed"))

    def test_unsupported_events_and_bad_syntax(self):
        a = self.watcher()
        untagged, tagged = a.command("n NOTIFY SET (PERSONAL (MessageNew MessageExpunge AnnotationChange))")
        self.assertEqual(tagged, "n NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName "
                                 "SubscriptionChange)] Unsupported NOTIFY event")
        untagged, tagged = a.command("n NOTIFY SET (SELECTED (MessageNew))")
        self.assertEqual(tagged, "n BAD MessageNew and MessageExpunge must be given together")
        untagged, tagged = a.command("n NOTIFY SET (MAILBOXES NoSuchBox (MessageNew MessageExpunge))")
        self.assertEqual(tagged, "n OK NOTIFY completed")  # RFC 5465 §6: unknown names are fine


if __name__ == "__main__":
    unittest.main()
