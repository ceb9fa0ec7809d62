"""Sealbox's own MTA-STS policy (RFC 8461 §3.2) from the https listener: the policy for
mta-sts.<a domain it hosts>, as text/plain, and 404 for any other host or path."""

import http.client
import ssl
import unittest

from harness import SealboxTestCase


class MtaStsPolicyTest(SealboxTestCase):
    def setUp(self):
        super().setUp()
        with open(self.config, "a") as f:
            f.write('\n[mta_sts]\nmode = "enforce"\nmx = ["mail.example.test", "*.mx.example.test"]\n'
                    'max_age = "1d"\n')
        self.sealbox("domain", "add", "example.test")
        self.start_server()

    def get(self, host, path="/.well-known/mta-sts.txt"):
        # The self-signed certificate names mail.example.test, not mta-sts.*: not checked here.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", self.ports["https"], timeout=30,
                                                 context=context)
        try:
            connection.request("GET", path, headers={"Host": host})
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type"), response.read()
        finally:
            connection.close()

    def test_the_policy_of_a_hosted_domain(self):
        status, content_type, body = self.get("mta-sts.example.test")
        self.assertEqual(status, 200)
        self.assertEqual(content_type, "text/plain")
        self.assertEqual(body, b"version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\r\n"
                               b"mx: *.mx.example.test\r\nmax_age: 86400\r\n")

    def test_other_hosts_and_paths_get_404(self):
        self.assertEqual(self.get("mta-sts.elsewhere.test")[0], 404)
        self.assertEqual(self.get("example.test")[0], 404)
        self.assertEqual(self.get("mta-sts.example.test", "/")[0], 404)


if __name__ == "__main__":
    unittest.main()
