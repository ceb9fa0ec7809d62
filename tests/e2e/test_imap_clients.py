"""Real IMAP clients from Debian, each configured as its user would, syncing a whole mailbox from
the real server and finding every message intact: mbsync (both ways), offlineimap3, getmail6 and
curl. SEALBOX_SYNC_MESSAGES sets the mailbox size: 500 under ctest, to stay inside CI's time;
run it by hand with a few thousand (docs/BENCHMARKS.md has such a run)."""

import glob
import hashlib
import imaplib
import os
import random
import re
import ssl
import subprocess
import unittest

from harness import SealboxTestCase

USER = "carol@example.test"
PASSWORD = "sync me if you can"
COUNT = int(os.environ.get("SEALBOX_SYNC_MESSAGES", "500"))


def no_verify():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def normalized(data):
    """Clients store messages with their own line endings; compare content, not line ends."""
    return hashlib.sha256(re.sub(rb"\r\n", b"\n", data)).hexdigest()


def make_messages(count):
    rng = random.Random(4)
    out = []
    for i in range(count):
        size = rng.choice([200, 2000, 20000])
        body = "".join(rng.choice("abcdefghij klmnop\n") for _ in range(size))
        if i % 5 == 0:
            message = (f"From: sender{i}@example.org\r\nTo: {USER}\r\nSubject: message {i}\r\n"
                       f"Message-ID: <m{i}@example.org>\r\nMIME-Version: 1.0\r\n"
                       f"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n"
                       f"Content-Type: text/plain\r\n\r\n{body}\r\n--b{i}\r\n"
                       f"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                       f"AAECAwQFBgcICQ==\r\n--b{i}--\r\n")
        else:
            message = (f"From: sender{i}@example.org\r\nTo: {USER}\r\nSubject: message {i}\r\n"
                       f"Message-ID: <m{i}@example.org>\r\n\r\n{body}\r\n")
        out.append(re.sub(r"\r?\n", "\r\n", message).encode())
    return out


def maildir_messages(path):
    files = [f for sub in ("cur", "new") for f in glob.glob(os.path.join(path, sub, "*"))]
    hashes = []
    for name in files:
        with open(name, "rb") as f:
            data = f.read()
        # Fields the clients add to what they store (mbsync's tracking id, getmail's origin
        # and Return-Path) are theirs, not the server's.
        for added in (rb"X-TUID: ", rb"X-getmail-retrieved-from-mailbox: ", rb"Return-Path: <unknown>"):
            data = re.sub(rb"(?m)^" + added + rb"[^\n]*\r?\n", b"", data, count=1)
        hashes.append(normalized(data))
    return sorted(hashes)


class TestImapClients(SealboxTestCase):
    def setUp(self):
        super().setUp()
        self.add_account(USER, PASSWORD)
        self.start_server()
        self.messages = make_messages(COUNT)
        self.expected = sorted(normalized(m) for m in self.messages)
        imap = self.imap()
        for m in self.messages:
            typ, data = imap.append("INBOX", None, None, m)
            self.assertEqual(typ, "OK", data)
        imap.logout()
        self.certificate = os.path.join(self.data, "tls", "self-signed.crt")

    def imap(self):
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.ports["imaps"], ssl_context=no_verify(), timeout=120)
        imap.login(USER, PASSWORD)
        return imap

    def run_client(self, args, timeout=600):
        proc = subprocess.run(args, capture_output=True, timeout=timeout)
        self.assertEqual(proc.returncode, 0,
                         f"{args[0]} failed:\n{proc.stdout.decode(errors='replace')[-3000:]}\n"
                         f"{proc.stderr.decode(errors='replace')[-3000:]}\n{self.read_log()[-3000:]}")
        return proc

    def test_every_client_syncs_the_whole_mailbox(self):
        # One mailbox, filled once, for every client: each sync must find all of it.
        for client in (self.curl_over_imaps, self.getmail6_over_imaps, self.offlineimap,
                       self.mbsync_both_ways):  # mbsync last: it changes the mailbox
            with self.subTest(client=client.__name__):
                client()

    def mbsync_both_ways(self):
        local = os.path.join(self.dir, "mbsync")
        os.makedirs(local)
        config = os.path.join(self.dir, "mbsyncrc")
        with open(config, "w") as f:
            f.write(f"""IMAPAccount sealbox
Host 127.0.0.1
Port {self.ports['imaps']}
User {USER}
Pass "{PASSWORD}"
SSLType IMAPS
CertificateFile {self.certificate}

IMAPStore remote
Account sealbox

MaildirStore local
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim

Channel sync
Far :remote:
Near :local:
Patterns *
Create Both
Expunge Both
SyncState *
""")
        self.run_client(["mbsync", "-c", config, "-a"])
        self.assertEqual(maildir_messages(os.path.join(local, "INBOX")), self.expected)
        for folder in ["Drafts", "Sent", "Junk", "Trash", "Archive"]:
            self.assertTrue(os.path.isdir(os.path.join(local, folder)), folder)

        # Back the other way: a message written locally, one flagged locally, a local folder.
        new = b"From: me@example.test\nSubject: written offline\n\nfrom the maildir\n"
        with open(os.path.join(local, "INBOX", "new", "1700000000.offline.host"), "wb") as f:
            f.write(new)
        flagged = sorted(glob.glob(os.path.join(local, "INBOX", "cur", "*")))[0]
        os.rename(flagged, flagged + ("F" if flagged.endswith(",S") or ":2," in flagged else ":2,F"))
        os.makedirs(os.path.join(local, "Offline", "cur"))
        os.makedirs(os.path.join(local, "Offline", "new"))
        os.makedirs(os.path.join(local, "Offline", "tmp"))
        self.run_client(["mbsync", "-c", config, "-a"])
        imap = self.imap()
        count = int(imap.select("INBOX")[1][0])
        self.assertEqual(count, COUNT + 1)
        typ, data = imap.search(None, "SUBJECT", '"written offline"')
        self.assertEqual(len(data[0].split()), 1)
        typ, data = imap.search(None, "FLAGGED")
        self.assertEqual(len(data[0].split()), 1)
        self.assertEqual(imap.status("Offline", "(MESSAGES)")[0], "OK")

        # A deletion on the server reaches the maildir.
        imap.store("1", "+FLAGS", r"(\Deleted)")
        imap.expunge()
        imap.logout()
        self.run_client(["mbsync", "-c", config, "-a"])
        self.assertEqual(len(maildir_messages(os.path.join(local, "INBOX"))), COUNT)

    def offlineimap(self):
        local = os.path.join(self.dir, "offlineimap")
        with open(self.certificate, "rb") as f:
            der = ssl.PEM_cert_to_DER_cert(f.read().decode())
        config = os.path.join(self.dir, "offlineimaprc")
        with open(config, "w") as f:
            f.write(f"""[general]
accounts = sealbox
metadata = {self.dir}/offlineimap-meta
ui = basic

[Account sealbox]
localrepository = local
remoterepository = remote

[Repository local]
type = Maildir
localfolders = {local}

[Repository remote]
type = IMAP
remotehost = 127.0.0.1
remoteport = {self.ports['imaps']}
remoteuser = {USER}
remotepass = {PASSWORD}
ssl = yes
cert_fingerprint = {hashlib.sha512(der).hexdigest()}
""")
        self.run_client(["offlineimap", "-c", config, "-o", "-u", "basic"])
        self.assertEqual(maildir_messages(os.path.join(local, "INBOX")), self.expected)

    def getmail6_over_imaps(self):
        local = os.path.join(self.dir, "getmail")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(local, sub))
        # getmail's Maildir delivery refuses to run as root (as tests do here), so each message
        # goes to a small program that stores it as it comes.
        mda = os.path.join(self.dir, "store.py")
        with open(mda, "w") as f:
            f.write("#!/usr/bin/python3\nimport sys, uuid\n"
                    "with open(sys.argv[1] + '/new/' + uuid.uuid4().hex, 'wb') as f:\n"
                    "    f.write(sys.stdin.buffer.read())\n")
        os.chmod(mda, 0o755)
        rc = os.path.join(self.dir, "getmailrc")
        with open(rc, "w") as f:
            f.write(f"""[retriever]
type = SimpleIMAPSSLRetriever
server = 127.0.0.1
port = {self.ports['imaps']}
username = {USER}
password = {PASSWORD}
mailboxes = ("INBOX",)

[destination]
type = MDA_external
path = {mda}
arguments = ("{local}",)
allow_root_commands = true

[options]
read_all = true
delete = false
delivered_to = false
received = false
verbose = 0
""")
        self.run_client(["getmail", "--getmaildir", self.dir, "--rcfile", rc])
        self.assertEqual(maildir_messages(local), self.expected)

    def curl_over_imaps(self):
        for uid in [1, COUNT // 2, COUNT]:
            proc = self.run_client(["curl", "--silent", "--show-error", "--insecure", "--user", f"{USER}:{PASSWORD}",
                                    f"imaps://127.0.0.1:{self.ports['imaps']}/INBOX;UID={uid}"])
            self.assertEqual(normalized(proc.stdout), normalized(self.messages[uid - 1]))
        proc = self.run_client(["curl", "--silent", "--insecure", "--user", f"{USER}:{PASSWORD}",
                                f"imaps://127.0.0.1:{self.ports['imaps']}/INBOX", "-X", "SEARCH SUBJECT \"message 7\""])
        self.assertIn(b"SEARCH", proc.stdout)


if __name__ == "__main__":
    unittest.main()
