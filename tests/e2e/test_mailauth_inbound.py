"""Mail authentication on the MX, end to end: SPF, DKIM (signed by dkimpy) and DMARC against local
zone data, one Authentication-Results field with forged ones removed, p=reject refused at SMTP
time, p=quarantine delivered to Junk, a trusted ARC sealer's word against a DMARC fail; and DKIM
signing of submitted mail, verified by dkimpy."""

import base64
import imaplib
import json
import re
import smtplib
import ssl
import subprocess
import unittest

import dkim
from aiosmtpd.controller import Controller

import test_outbound
from harness import SealboxTestCase, free_ports

HOST = "mail.example.test"


def rsa_key_pair():
    """A fresh RSA-2048 key: the PEM private key and the base64 p= of its DKIM record."""
    private = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                              "rsa_keygen_bits:2048"], capture_output=True, check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubout", "-outform", "DER"], input=private,
                         capture_output=True, check=True).stdout
    return private, base64.b64encode(der).decode()


def txt(name, text):
    """A local_data TXT record; strings of at most 255 octets (RFC 1035 §3.3)."""
    pieces = " ".join('"%s"' % text[i:i + 255] for i in range(0, len(text), 255))
    return "%s. TXT %s" % (name, pieces)


class InboundAuthenticationTest(SealboxTestCase):
    @classmethod
    def setUpClass(cls):
        cls.private_key, cls.public_key = rsa_key_pair()

    def setUp(self):
        super().setUp()
        self.sealbox("domain", "add", "example.test")
        self.add_account("alice@example.test", "alice-pw")
        records = [
            txt("good.test", "v=spf1 ip4:127.0.0.1 -all"),
            txt("_dmarc.good.test", "v=DMARC1; p=reject"),
            txt("sel._domainkey.good.test", "v=DKIM1; k=rsa; p=" + self.public_key),
            txt("forged.test", "v=spf1 -all"),
            txt("_dmarc.forged.test", "v=DMARC1; p=reject"),
            txt("junky.test", "v=spf1 -all"),
            txt("_dmarc.junky.test", "v=DMARC1; p=quarantine"),
            txt("arc._domainkey.lists.test", "v=DKIM1; k=rsa; p=" + self.public_key),
            "remote.test. MX 10 mx.remote.test.", "mx.remote.test. A 127.0.0.1",
        ]
        # What an alias forwards goes to this MX of remote.test.
        _, tls = test_outbound.server_tls(self.dir, "mx.remote.test")
        self.remote = test_outbound.RemoteServer()
        port = free_ports(1)[0]
        self.controller = Controller(self.remote, hostname="127.0.0.1", port=port, tls_context=tls)
        self.controller.start()
        self.addCleanup(self.controller.stop)
        with open(self.config, "a") as f:
            # Nothing leaves the machine: an upstream nobody listens on, and .test answered locally.
            f.write("\n[dns]\nupstream = [\"127.0.0.1@%d\"]\nlocal_zones = [\"test static\"]\n"
                    "local_data = %s\n" % (free_ports(1)[0], json.dumps(records)))
            f.write("\n[queue]\nremote_port = %d\n" % port)

    def send_mx(self, mail_from, message):
        with smtplib.SMTP("127.0.0.1", self.ports["smtp"], local_hostname="client.good.test") as s:
            s.sendmail(mail_from, ["alice@example.test"], message)

    def fetch_all(self, folder="INBOX"):
        imap = imaplib.IMAP4("127.0.0.1", self.ports["imap"])
        self.addCleanup(self.close_quietly, imap)
        imap.starttls(ssl_context=ssl._create_unverified_context())
        self.ok(imap.login("alice@example.test", "alice-pw"))
        self.ok(imap.select(folder))
        data = self.ok(imap.fetch("1:*", "(BODY.PEEK[])"))
        return [part[1] for part in data if isinstance(part, tuple)]

    def signed(self, sender, extra_headers=b""):
        message = (extra_headers + b"From: Sender <" + sender.encode() + b">\r\n"
                   b"To: alice@example.test\r\nSubject: authenticated\r\n"
                   b"Message-ID: <1@good.test>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\n"
                   b"Hello Alice.\r\n")
        signature = dkim.sign(message, b"sel", b"good.test", self.private_key,
                              include_headers=[b"from", b"to", b"subject", b"message-id", b"date"])
        return signature + message

    def test_good_mail_passes_everything_and_forged_results_are_removed(self):
        self.start_server()
        forged = (b"Authentication-Results: mail.example.test; dmarc=pass header.from=forged.test\r\n"
                  b"Authentication-Results: other.example; spf=pass smtp.mailfrom=x@good.test\r\n")
        self.send_mx("sender@good.test", self.signed("sender@good.test", forged))
        [message] = self.fetch_all()
        header = message.split(b"\r\n\r\n", 1)[0].decode()
        ours = re.findall(r"^Authentication-Results: mail\.example\.test;[^\r\n]*(?:\r\n[ \t][^\r\n]*)*",
                          header, re.M)
        self.assertEqual(len(ours), 1, header)
        results = re.sub(r"\s+", " ", ours[0])
        self.assertIn("spf=pass smtp.mailfrom=sender@good.test", results)
        self.assertRegex(results, r"dkim=pass header\.d=good\.test header\.i=@good\.test header\.s=sel "
                                  r"header\.a=rsa-sha256 header\.b=\S{8}")
        self.assertIn("dmarc=pass header.from=good.test", results)
        self.assertNotIn("forged.test", header)
        # Another server's results are not ours to remove.
        self.assertIn("Authentication-Results: other.example;", header)

    def test_forged_from_of_a_reject_domain_is_refused(self):
        self.start_server()
        message = (b"From: CEO <ceo@forged.test>\r\nTo: alice@example.test\r\nSubject: wire money\r\n"
                   b"\r\nNow.\r\n")
        with self.assertRaises(smtplib.SMTPDataError) as refused:
            self.send_mx("ceo@forged.test", message)
        self.assertEqual(refused.exception.smtp_code, 550)
        self.assertIn(b"5.7.1 Rejected by the DMARC policy of forged.test", refused.exception.smtp_error)
        # A valid signature of another domain does not align with From: still refused.
        with self.assertRaises(smtplib.SMTPDataError):
            self.send_mx("sender@good.test", self.signed("ceo@forged.test"))
        self.assertEqual(self.inbox("alice@example.test", "alice-pw"), 0)

    def test_quarantine_goes_to_junk(self):
        self.start_server()
        self.send_mx("x@junky.test", b"From: x@junky.test\r\nSubject: cheap\r\n\r\nbuy\r\n")
        self.assertEqual(self.inbox("alice@example.test", "alice-pw", "Junk"), 1)
        self.assertEqual(self.inbox("alice@example.test", "alice-pw"), 0)
        [message] = self.fetch_all("Junk")
        self.assertIn(b"dmarc=fail header.from=junky.test", message)

    def test_two_from_fields_are_refused(self):
        self.start_server()
        with self.assertRaises(smtplib.SMTPDataError) as refused:
            self.send_mx("sender@good.test",
                         b"From: a@good.test\r\nFrom: ceo@forged.test\r\nSubject: x\r\n\r\nx\r\n")
        self.assertIn(b"more than one From", refused.exception.smtp_error)

    def through_list(self):
        """good.test's signed mail as a mailing list at lists.test passes it on: the list checks
        it (DKIM and DMARC pass), tags the subject, which breaks good.test's signature, and
        seals what it sends with ARC (dkimpy, RFC 8617 §5.1)."""
        message = self.signed("sender@good.test")
        message = message.replace(b"Subject: authenticated", b"Subject: [list] authenticated")
        checked = (b"Authentication-Results: lists.test; dkim=pass header.d=good.test;"
                   b" dmarc=pass header.from=good.test\r\n" + message)
        seal = dkim.arc_sign(checked, b"arc", b"lists.test", self.private_key, b"lists.test",
                             include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
        self.assertEqual(len(seal), 3)
        return b"".join(seal) + message

    def test_a_trusted_arc_sealer_outweighs_a_dmarc_fail(self):
        with open(self.config, "a") as f:
            f.write('\n[mailauth]\narc_trusted_sealers = ["Lists.Test"]\n')
        self.start_server()
        self.send_mx("list-bounces@lists.test", self.through_list())
        [message] = self.fetch_all()
        header = re.sub(r"\s+", " ", message.split(b"\r\n\r\n", 1)[0].decode())
        self.assertIn("arc=pass", header)
        # What we found stays on record, with why it was not acted on.
        self.assertRegex(header, r"dmarc=fail reason=\"policy overridden: trusted ARC sealer "
                                 r"lists\.test saw dmarc=pass\" header\.from=good\.test")

    def test_an_untrusted_arc_sealer_changes_nothing(self):
        self.start_server()
        with self.assertRaises(smtplib.SMTPDataError) as refused:
            self.send_mx("list-bounces@lists.test", self.through_list())
        self.assertIn(b"5.7.1 Rejected by the DMARC policy of good.test",
                      refused.exception.smtp_error)

    def generate_keys(self):
        """`sealbox dkim generate example.test`; the two key records by name."""
        zone = self.sealbox("dkim", "generate", "example.test").stdout
        keys = {}
        for name, strings in re.findall(r'^(\S+)\.\t3600\tIN\tTXT\t(".*")$', zone, re.M):
            keys[name] = "".join(s.strip('"') for s in re.findall(r'"[^"]*"', strings))
        self.assertEqual(len(keys), 2, zone)
        return keys

    def test_forwarded_mail_is_arc_sealed_and_dkimpy_validates_the_chain(self):
        keys = self.generate_keys()
        keys["sel._domainkey.good.test"] = "v=DKIM1; k=rsa; p=" + self.public_key
        self.sealbox("alias", "add", "fwd@example.test", "carol@remote.test")
        self.start_server()
        with smtplib.SMTP("127.0.0.1", self.ports["smtp"], local_hostname="client.good.test") as s:
            s.sendmail("sender@good.test", ["fwd@example.test"], self.signed("sender@good.test"))
        forwarded = self.remote.wait_for(1)[0]["content"]
        self.assertTrue(forwarded.startswith(b"ARC-Seal: "), forwarded[:200])
        self.assertRegex(forwarded.split(b"\r\nARC-Message-Signature:")[0], rb"\bi=1;")
        self.assertIn(b"ARC-Authentication-Results: i=1; mail.example.test;", forwarded)

        def dns(name, timeout=5):
            return keys[name.decode().rstrip(".")].encode()

        cv, results, comment = dkim.arc_verify(forwarded, dnsfunc=dns)
        self.assertEqual(cv, b"pass", comment)
        # The sealed results say what we found: the original DKIM signature passed.
        aar = re.search(rb"ARC-Authentication-Results: i=1;(.*?)\r\n(?! )", forwarded, re.S).group(1)
        self.assertIn(b"dkim=pass header.d=good.test", re.sub(rb"\s+", b" ", aar))

    def test_submitted_mail_is_signed_twice_and_dkimpy_verifies_both(self):
        keys = self.generate_keys()
        self.start_server()
        with smtplib.SMTP("127.0.0.1", self.ports["submission"]) as s:
            s.starttls(context=ssl._create_unverified_context())
            s.login("alice@example.test", "alice-pw")
            s.sendmail("alice@example.test", ["alice@example.test"],
                       b"From: Alice <alice@example.test>\r\nTo: alice@example.test\r\n"
                       b"Subject: signed\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\nHi me.\r\n")
        [message] = self.fetch_all()
        self.assertEqual(message.count(b"DKIM-Signature:"), 2)

        def dns(name, timeout=5):
            return keys[name.decode().rstrip(".")].encode()

        verifier = dkim.DKIM(message)
        for index in range(2):
            self.assertTrue(verifier.verify(idx=index, dnsfunc=dns), "signature %d" % index)
        algorithms = sorted(re.findall(rb"a=(rsa-sha256|ed25519-sha256)", message))
        self.assertEqual(algorithms, [b"ed25519-sha256", b"rsa-sha256"])


if __name__ == "__main__":
    unittest.main()
