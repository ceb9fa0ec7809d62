"""The administrator's command line: every subcommand, its output and its errors."""

import re
import unittest

from harness import SealboxTestCase

RECOVERY_KEY = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{1,4}){12}$")


class HelpTest(SealboxTestCase):
    def test_every_command_has_help(self):
        for args in [(), ("domain",), ("account",), ("alias",), ("config",), ("serve",), ("deliver",),
                     ("mailbox",), ("mailbox", "count"),
                     ("account", "passwd"), ("account", "recover"), ("alias", "add")]:
            out = self.sealbox(*args, "--help", config=False).stdout
            self.assertIn("Usage", out, args)

    def test_no_command_is_an_error(self):
        proc = self.sealbox(check=False)
        self.assertNotEqual(proc.returncode, 0)

    def test_unknown_command_is_an_error(self):
        proc = self.sealbox("frobnicate", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("frobnicate", proc.stderr + proc.stdout)


class DomainTest(SealboxTestCase):
    def test_add_list_remove(self):
        self.sealbox("domain", "add", "Example.ORG")
        self.sealbox("domain", "add", "second.test")
        self.assertEqual(self.sealbox("domain", "list").stdout.split(), ["example.org", "second.test"])
        self.sealbox("domain", "remove", "example.org")
        self.assertEqual(self.sealbox("domain", "list").stdout.split(), ["second.test"])

    def test_errors(self):
        self.sealbox("domain", "add", "example.org")
        dup = self.sealbox("domain", "add", "example.org", check=False)
        self.assertEqual(dup.returncode, 1)
        self.assertIn("already exists", dup.stderr)
        bad = self.sealbox("domain", "add", "not a domain", check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("not a valid domain", bad.stderr)
        missing = self.sealbox("domain", "remove", "nowhere.test", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("no such domain", missing.stderr)

    def test_domain_with_accounts_is_kept(self):
        self.add_account("alice@example.org", "pw")
        proc = self.sealbox("domain", "remove", "example.org", check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("remove them first", proc.stderr)


class AccountTest(SealboxTestCase):
    def test_add_prints_only_the_recovery_key_on_stdout(self):
        key = self.add_account("alice@example.org", "secret one")
        self.assertRegex(key, RECOVERY_KEY)
        listing = self.sealbox("account", "list").stdout
        self.assertIn("alice@example.org", listing)
        self.assertIn("quota 1.0G", listing)

    def test_quota_option(self):
        self.sealbox("domain", "add", "example.org")
        self.sealbox("account", "add", "bob@example.org", "--quota", "10M", "--password-stdin", stdin="pw\n")
        self.assertIn("quota 10.0M", self.sealbox("account", "list", "example.org").stdout)
        bad = self.sealbox("account", "add", "carol@example.org", "--quota", "lots", "--password-stdin",
                           stdin="pw\n", check=False)
        self.assertEqual(bad.returncode, 1)

    def test_add_errors(self):
        self.add_account("alice@example.org", "pw")
        cases = [
            (("account", "add", "alice@example.org", "--password-stdin"), "pw\n", "already exists"),
            (("account", "add", "bob@unknown.test", "--password-stdin"), "pw\n", "no such domain"),
            (("account", "add", "not-an-address", "--password-stdin"), "pw\n", "not a valid address"),
            (("account", "add", "bob@example.org", "--password-stdin"), "", "no input"),
            (("account", "add", "bob@example.org", "--password-stdin"), "\n", "must not be empty"),
            (("account", "add", "bob@example.org"), "pw\n", "not a terminal"),
        ]
        for args, stdin, message in cases:
            proc = self.sealbox(*args, stdin=stdin, check=False)
            self.assertEqual(proc.returncode, 1, args)
            self.assertIn(message, proc.stderr, args)
            self.assertEqual(proc.stdout, "", args)

    def test_passwd_needs_the_current_password(self):
        self.add_account("alice@example.org", "old")
        wrong = self.sealbox("account", "passwd", "alice@example.org", "--password-stdin",
                             stdin="bad\nnew\n", check=False)
        self.assertEqual(wrong.returncode, 1)
        self.assertIn("authentication failed", wrong.stderr)
        self.sealbox("account", "passwd", "alice@example.org", "--password-stdin", stdin="old\nnew\n")
        again = self.sealbox("account", "passwd", "alice@example.org", "--password-stdin",
                             stdin="old\nnewer\n", check=False)
        self.assertEqual(again.returncode, 1)
        self.sealbox("account", "passwd", "alice@example.org", "--password-stdin", stdin="new\nnewer\n")

    def test_recover_with_the_recovery_key(self):
        key = self.add_account("alice@example.org", "forgotten")
        self.sealbox("account", "recover", "alice@example.org", "--stdin", stdin=key.lower() + "\nfresh\n")
        self.sealbox("account", "passwd", "alice@example.org", "--password-stdin", stdin="fresh\nagain\n")
        wrong = self.sealbox("account", "recover", "alice@example.org", "--stdin",
                             stdin="AAAA-" + key[5:] + "\nx\n", check=False)
        self.assertEqual(wrong.returncode, 1)

    def test_reset_warns_and_gives_a_new_recovery_key(self):
        key = self.add_account("alice@example.org", "forgotten")
        proc = self.sealbox("account", "passwd", "alice@example.org", "--reset", "--password-stdin",
                            stdin="brand new\n")
        self.assertIn("WARNING", proc.stderr)
        self.assertIn("destroyed", proc.stderr)
        new_key = proc.stdout.strip()
        self.assertRegex(new_key, RECOVERY_KEY)
        self.assertNotEqual(new_key, key)
        old = self.sealbox("account", "recover", "alice@example.org", "--stdin", stdin=key + "\nx\n", check=False)
        self.assertEqual(old.returncode, 1)
        self.sealbox("account", "passwd", "alice@example.org", "--password-stdin", stdin="brand new\nb\n")

    def test_remove(self):
        self.add_account("alice@example.org", "pw")
        self.sealbox("account", "remove", "alice@example.org")
        self.assertNotIn("alice", self.sealbox("account", "list").stdout)
        again = self.sealbox("account", "remove", "alice@example.org", check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn("no such account", again.stderr)


class AliasTest(SealboxTestCase):
    def test_add_list_remove_and_catch_all(self):
        self.add_account("alice@example.org", "pw")
        self.sealbox("alias", "add", "info@example.org", "alice@example.org")
        self.sealbox("alias", "add", "@example.org", "alice@example.org")
        self.sealbox("alias", "add", "fwd@example.org", "someone@elsewhere.test")
        self.assertEqual(self.sealbox("alias", "list").stdout.splitlines(), [
            "@example.org -> alice@example.org",
            "fwd@example.org -> someone@elsewhere.test",
            "info@example.org -> alice@example.org",
        ])
        self.sealbox("alias", "remove", "@example.org")
        self.assertNotIn("@example.org ->", self.sealbox("alias", "list").stdout.splitlines()[0][:13])

    def test_errors(self):
        self.add_account("alice@example.org", "pw")
        for args, message in [
            (("alias", "add", "x@example.org", "nobody@example.org"), "no such recipient"),
            (("alias", "add", "x@unknown.test", "alice@example.org"), "no such domain"),
            (("alias", "add", "alice@example.org", "x@elsewhere.test"), "is an account"),
            (("alias", "remove", "none@example.org"), "no such alias"),
        ]:
            proc = self.sealbox(*args, check=False)
            self.assertEqual(proc.returncode, 1, args)
            self.assertIn(message, proc.stderr, args)


class ConfigCheckTest(SealboxTestCase):
    def test_good_and_bad_files(self):
        self.assertIn("configuration OK", self.sealbox("config", "check").stdout)
        with open(self.config, "a") as f:
            f.write("\n[accounts]\nunknown_key = 1\n")
        proc = self.sealbox("config", "check", check=False)
        self.assertEqual(proc.returncode, 1)

    def test_unknown_key_names_key_and_line(self):
        with open(self.config, "w") as f:
            f.write("[server]\nhostname = \"x\"\n\n[log]\nlevle = \"info\"\n")
        proc = self.sealbox("config", "check", check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("levle", proc.stderr)
        self.assertIn(":5", proc.stderr)

    def test_missing_file(self):
        proc = self.sealbox("--config", "/nonexistent/sealbox.toml", "config", "check", config=False, check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("/nonexistent/sealbox.toml", proc.stderr)


class DeliverTest(SealboxTestCase):
    MESSAGE = b"From: bob@remote.test\r\nTo: alice@example.org\r\nSubject: hi\r\n\r\nhello\r\n"

    def test_exit_codes_follow_sysexits(self):
        self.add_account("alice@example.org", "pw")
        self.sealbox("deliver", "alice@example.org", stdin=self.MESSAGE)
        self.sealbox("deliver", "alice+tag@example.org", stdin=self.MESSAGE)
        unknown = self.sealbox("deliver", "nobody@example.org", stdin=self.MESSAGE, check=False)
        self.assertEqual(unknown.returncode, 67)
        self.assertIn("no such recipient", unknown.stderr)
        self.assertIn(f"used {2 * len(self.MESSAGE)}B", self.sealbox("account", "list").stdout)

    def test_quota_full_is_a_temporary_failure(self):
        self.sealbox("domain", "add", "example.org")
        self.sealbox("account", "add", "tiny@example.org", "--quota", "100", "--password-stdin", stdin="pw\n")
        proc = self.sealbox("deliver", "tiny@example.org", stdin=self.MESSAGE * 3, check=False)
        self.assertEqual(proc.returncode, 75)
        self.assertIn("full", proc.stderr)


if __name__ == "__main__":
    unittest.main()
