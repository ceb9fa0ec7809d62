"""POP3 (RFC 1939) on "pop3" with STLS and on "pop3s" against the real binary, with Debian's
poplib, curl and getmail6; messages delivered over LMTP and compared byte for byte (by hash) with
what POP3 hands back."""

import base64
import hashlib
import os
import poplib
import smtplib
import ssl
import subprocess
import time
import unittest

from harness import SealboxTestCase

PASSWORD = "alice-pw"
USER = "alice@example.test"


def no_verify():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def sample(i):
    """A message with the lines POP3 must byte-stuff, 8-bit text, and a size that varies."""
    body = "".join(f"line {n} of message {i}\r\n" for n in range(i % 40))
    return (f"From: sender{i}@remote.test\r\nTo: {USER}\r\nSubject: pop3 test {i}\r\n"
            f"Message-ID: <{i}.pop3@remote.test>\r\n\r\n"
            f".starts with a dot\r\n..two dots\r\n.\r\nnot the end\r\n"
            f"caf\u00e9 \u2603 {i}\r\n{body}").encode()


def delivered_part(message, original, eol=b"\r\n"):
    """The original message within the delivered one, after checking that delivery added only
    trace fields above it (RFC 5321 §4.4)."""
    assert message.endswith(original), "message changed in the mailbox"
    added = message[:len(message) - len(original)].decode()
    for line in added.split(eol.decode())[:-1]:
        assert line.startswith(("Return-Path:", "Received:", " ", "\t")), line
    return message[len(message) - len(original):]


class Pop3Test(SealboxTestCase):
    def setUp(self):
        super().setUp()
        self.add_account(USER, PASSWORD)
        self.add_account("bob@example.test", "bob-pw")
        self.start_server()

    def deliver(self, messages, to=USER):
        with smtplib.LMTP("127.0.0.1", self.ports["lmtp"], timeout=60) as lmtp:
            lmtp.ehlo("mta.example.test")
            for m in messages:
                self.assertEqual(lmtp.sendmail("sender@remote.test", [to], m), {})

    def pop3(self):
        """Logged in on the plain port after STLS."""
        p = poplib.POP3("127.0.0.1", self.ports["pop3"], timeout=30)
        try:
            p.stls(context=no_verify())
            p.user(USER)
            p.pass_(PASSWORD)
        except poplib.error_proto:
            p.close()
            raise
        return p

    def retr(self, p, n):
        _, lines, _ = p.retr(n)
        return b"\r\n".join(lines) + b"\r\n"

    def uidls(self, p):
        return [line.split()[1] for line in p.uidl()[1]]

    def test_stls_then_user_pass_retr_top_uidl(self):
        messages = [sample(i) for i in range(3)]
        self.deliver(messages)
        p = poplib.POP3("127.0.0.1", self.ports["pop3"], timeout=30)
        capa = p.capa()
        self.assertIn("STLS", capa)
        self.assertNotIn("USER", capa)
        self.assertNotIn("SASL", capa)
        # No password in the clear, not even a user name.
        with self.assertRaises(poplib.error_proto) as refused:
            p.user(USER)
        self.assertIn(b"STLS", refused.exception.args[0])
        p.stls(context=no_verify())
        capa = p.capa()
        self.assertEqual(capa["SASL"], ["PLAIN"])
        for name in ["USER", "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"]:
            self.assertIn(name, capa)
        self.assertNotIn("STLS", capa)
        p.user(USER)
        self.assertTrue(p.pass_(PASSWORD).startswith(b"+OK"))
        count, size = p.stat()
        self.assertEqual(count, 3)
        listed = [int(line.split()[1]) for line in p.list()[1]]
        self.assertEqual(sum(listed), size)
        for n, original in enumerate(messages, start=1):
            got = self.retr(p, n)
            self.assertEqual(len(got), listed[n - 1])
            self.assertEqual(sha256(delivered_part(got, original)), sha256(original))
        _, top, _ = p.top(3, 1)
        header = self.retr(p, 3).split(b"\r\n\r\n", 1)[0]
        self.assertEqual(b"\r\n".join(top), header + b"\r\n\r\n.starts with a dot")
        uidls = self.uidls(p)
        self.assertEqual(len(set(uidls)), 3)
        self.assertTrue(p.quit().startswith(b"+OK"))
        self.stop_server()
        self.assertEqual(self.inbox(USER, PASSWORD), 3)
        log = self.read_log()
        self.assertNotIn(PASSWORD, log)
        self.assertNotIn("pop3 test", log)

    def test_uidl_is_stable_across_a_restart(self):
        self.deliver([sample(i) for i in range(3)])
        p = self.pop3()
        before = self.uidls(p)
        p.quit()
        self.stop_server()
        self.start_server()
        self.deliver([sample(3)])
        p = self.pop3()
        after = self.uidls(p)
        p.quit()
        self.assertEqual(after[:3], before)
        self.assertNotIn(after[3], before)
        self.stop_server()

    def test_dele_quit_removes_and_a_dropped_connection_removes_nothing(self):
        messages = [sample(i) for i in range(4)]
        self.deliver(messages)
        p = self.pop3()
        uidls = self.uidls(p)
        p.dele(1)
        with self.assertRaises(poplib.error_proto):
            p.dele(1)  # already marked
        p.file.close()
        p.sock.close()  # gone without QUIT: no UPDATE state (RFC 1939 §6)

        p = self.login_when_free()
        self.assertEqual(p.stat()[0], 4)
        p.dele(1)
        p.dele(2)
        self.assertEqual(p.stat()[0], 2)
        p.rset()
        self.assertEqual(p.stat()[0], 4)
        p.dele(2)
        self.assertTrue(p.quit().startswith(b"+OK"))

        p = self.login_when_free()
        self.assertEqual(self.uidls(p), [uidls[0]] + uidls[2:])
        self.assertEqual(sha256(delivered_part(self.retr(p, 2), messages[2])), sha256(messages[2]))
        p.quit()
        self.stop_server()
        self.assertEqual(self.inbox(USER, PASSWORD), 3)

    def login_when_free(self):
        """The server lets go of a dropped session's maildrop once it notices the close."""
        deadline = time.time() + 10
        while True:
            try:
                return self.pop3()
            except poplib.error_proto as e:
                if b"[IN-USE]" not in e.args[0] or time.time() > deadline:
                    raise
                time.sleep(0.1)

    def test_second_session_gets_in_use_and_wrong_password_gets_auth(self):
        first = self.pop3()
        second = poplib.POP3("127.0.0.1", self.ports["pop3"], timeout=30)
        second.stls(context=no_verify())
        second.user(USER)
        with self.assertRaises(poplib.error_proto) as in_use:
            second.pass_(PASSWORD)
        self.assertTrue(in_use.exception.args[0].startswith(b"-ERR [IN-USE]"))
        second.user(USER)
        with self.assertRaises(poplib.error_proto) as wrong:
            second.pass_("wrong")
        self.assertTrue(wrong.exception.args[0].startswith(b"-ERR [AUTH]"))
        # SASL PLAIN (RFC 5034) for another account, with an initial response.
        token = base64.b64encode(b"\0bob@example.test\0bob-pw").decode()
        self.assertTrue(second._shortcmd("AUTH PLAIN " + token).startswith(b"+OK Logged in"))
        second.quit()
        first.quit()
        self.stop_server()

    def test_pop3s_with_poplib_and_curl(self):
        messages = [sample(i) for i in range(2)]
        self.deliver(messages)
        p = poplib.POP3_SSL("127.0.0.1", self.ports["pop3s"], timeout=30, context=no_verify())
        self.assertNotIn("STLS", p.capa())
        p.user(USER)
        p.pass_(PASSWORD)
        self.assertEqual(p.stat()[0], 2)
        p.quit()
        curl = subprocess.run(["curl", "--silent", "--show-error", "--insecure", "--max-time", "60",
                               f"pop3s://127.0.0.1:{self.ports['pop3s']}/2", "-u",
                               f"{USER}:{PASSWORD}"], capture_output=True, timeout=90)
        self.assertEqual(curl.returncode, 0, curl.stderr)
        self.assertEqual(sha256(delivered_part(curl.stdout, messages[1])), sha256(messages[1]))
        self.stop_server()

    def test_getmail6_fetches_a_few_hundred_messages_intact(self):
        messages = [sample(i) for i in range(300)]
        self.deliver(messages)
        # getmail's own Maildir delivery refuses to run as root, so each message goes to a
        # small program (MDA_external) that stores it as it comes.
        out = os.path.join(self.dir, "fetched")
        os.makedirs(out)
        mda = os.path.join(self.dir, "store.py")
        with open(mda, "w") as f:
            f.write("#!/usr/bin/python3\nimport sys, uuid\n"
                    "with open(sys.argv[1] + '/' + uuid.uuid4().hex, 'wb') as f:\n"
                    "    f.write(sys.stdin.buffer.read())\n")
        os.chmod(mda, 0o755)
        rc = os.path.join(self.dir, "getmailrc")
        with open(rc, "w") as f:
            f.write(f"""[retriever]
type = SimplePOP3SSLRetriever
server = 127.0.0.1
port = {self.ports['pop3s']}
username = {USER}
password = {PASSWORD}

[destination]
type = MDA_external
path = {mda}
arguments = ("{out}",)
allow_root_commands = true

[options]
read_all = true
delete = true
delivered_to = false
received = false
verbose = 0
""")
        getmail = subprocess.run(["getmail", "--getmaildir", self.dir, "--rcfile", rc],
                                 capture_output=True, timeout=240)
        self.assertEqual(getmail.returncode, 0, getmail.stdout + getmail.stderr)
        fetched = []
        for name in os.listdir(out):
            with open(os.path.join(out, name), "rb") as f:
                fetched.append(f.read())
        self.assertEqual(len(fetched), 300)
        # getmail hands the message on with LF line ends, as Unix mail tools expect.
        originals = {sha256(m.replace(b"\r\n", b"\n")) for m in messages}
        got = {sha256(delivered_part(m, m[m.index(b"From: sender"):], b"\n")) for m in fetched}
        self.assertEqual(got, originals)
        # delete = true: the messages went at QUIT.
        p = self.pop3()
        self.assertEqual(p.stat(), (0, 0))
        p.quit()
        self.stop_server()


if __name__ == "__main__":
    unittest.main()
