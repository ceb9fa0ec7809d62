"""`sealbox dkim` and `sealbox dns`: keys made, rotated and kept encrypted; the records to publish
and their check against DNS (local zone data of the resolver, nothing leaves the machine)."""

import json
import os
import re
import unittest

from harness import SealboxTestCase, free_ports

TXT_LINE = re.compile(r'^(sb\d{6}[re]\d*)\._domainkey\.example\.test\.\t3600\tIN\tTXT\t(".*")$', re.M)


class DkimDnsTest(SealboxTestCase):
    def setUp(self):
        super().setUp()
        self.sealbox("domain", "add", "example.test")

    def published(self, text):
        return {selector: "".join(s.strip('"') for s in re.findall(r'"[^"]*"', strings))
                for selector, strings in TXT_LINE.findall(text)}

    def test_generate_rotate_list_remove(self):
        made = self.published(self.sealbox("dkim", "generate", "example.test").stdout)
        self.assertEqual(len(made), 2)
        rsa = next(s for s in made if s.endswith("r"))
        self.assertTrue(made[rsa].startswith("v=DKIM1; k=rsa; p=MIIBIjAN"))
        self.assertEqual(self.sealbox("dkim", "generate", "example.test", check=False).returncode, 1)

        rotated = self.published(self.sealbox("dkim", "rotate", "example.test").stdout)
        self.assertEqual(len(rotated), 2)
        self.assertFalse(set(rotated) & set(made))
        listing = self.sealbox("dkim", "list", "example.test").stdout
        self.assertEqual(self.published(listing), {**made, **rotated})
        self.assertEqual(listing.count(" retired "), 2)
        self.assertEqual(listing.count(" active "), 2)

        self.sealbox("dkim", "remove", "example.test", rsa)
        self.assertNotIn(rsa, self.published(self.sealbox("dkim", "list", "example.test").stdout))
        self.assertEqual(self.sealbox("dkim", "list", "other.test", check=False).returncode, 1)

        # Nothing of a private key on disk (the database is encrypted page by page).
        for name in os.listdir(self.data):
            path = os.path.join(self.data, name)
            if name.startswith("dkim.db") and os.path.isfile(path):
                with open(path, "rb") as f:
                    content = f.read()
                self.assertNotIn(b"PRIVATE KEY", content)
                self.assertNotIn(b"example.test", content)

    def test_dns_prints_the_zone_and_check_compares_it(self):
        self.sealbox("dkim", "generate", "example.test")
        zone = self.sealbox("dns", "example.test").stdout
        self.assertIn("example.test.\t3600\tIN\tMX\t10 mail.example.test.\n", zone)
        self.assertIn('example.test.\t3600\tIN\tTXT\t"v=spf1 mx -all"\n', zone)
        self.assertIn('_dmarc.example.test.\t3600\tIN\tTXT\t"v=DMARC1; p=quarantine; '
                      'rua=mailto:dmarc-reports@example.test"\n', zone)
        self.assertIn("_imaps._tcp.example.test.\t3600\tIN\tSRV\t0 1 %d mail.example.test.\n"
                      % self.ports["imaps"], zone)
        self.assertEqual(len(self.published(zone)), 2)
        records = [line for line in zone.splitlines() if line and not line.startswith(";")]

        # Publish everything but DMARC, and a different SPF record.
        served = [r for r in records if not r.startswith(("_dmarc.", "example.test.\t3600\tIN\tTXT"))]
        served += ['example.test. IN TXT "v=spf1 a -all"', "mail.example.test. IN A 192.0.2.1"]
        with open(self.config, "a") as f:
            f.write("\n[dns]\nupstream = [\"127.0.0.1@%d\"]\nlocal_zones = [\"test static\"]\n"
                    "local_data = %s\n" % (free_ports(1)[0], json.dumps(served)))
        check = self.sealbox("dns", "check", "example.test", check=False)
        self.assertEqual(check.returncode, 1, check.stderr)
        lines = check.stdout.splitlines()
        self.assertIn("OK            example.test MX", lines)
        self.assertIn("MISSING       _dmarc.example.test TXT", lines)
        self.assertIn("DIFFERENT     example.test TXT", lines)
        self.assertIn("              DNS: v=spf1 a -all", lines)
        self.assertEqual(len([l for l in lines if re.match(r"OK +sb\d{6}[re]\._domainkey", l)]), 2)
        # The SRV records were published as printed; pop3 and imap are on in this config.
        self.assertIn("OK            _imaps._tcp.example.test SRV", lines)
        self.assertIn("OK            _pop3._tcp.example.test SRV", lines)

    def test_dns_of_a_domain_not_ours_is_refused(self):
        proc = self.sealbox("dns", "elsewhere.test", check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("elsewhere.test", proc.stderr)


if __name__ == "__main__":
    unittest.main()
