"""dkimpy's side of the DKIM interop test (dkimpy_interop_test.cpp).

  dkimpy_interop.py verify MESSAGE RECORDS   exit 0 when dkimpy verifies every DKIM-Signature
  dkimpy_interop.py sign MESSAGE KEY ALGORITHM DOMAIN SELECTOR CANON OUTPUT
                                               writes MESSAGE signed by dkimpy to OUTPUT

RECORDS holds "name<TAB>TXT record" lines, served through dnsfunc= (no real DNS).
"""
import sys

import dkim


def verify(message_path, records_path):
    records = {}
    with open(records_path, encoding="ascii") as f:
        for line in f:
            name, record = line.rstrip("\n").split("\t", 1)
            records[name.lower()] = record.encode("ascii")

    def dnsfunc(name, timeout=5):
        return records.get(name.decode("ascii").rstrip(".").lower())

    with open(message_path, "rb") as f:
        message = f.read()
    d = dkim.DKIM(message)
    count = sum(1 for name, _ in d.headers if name.lower() == b"dkim-signature")
    if count == 0:
        print("no DKIM-Signature", file=sys.stderr)
        return 1
    for index in range(count):
        try:
            ok = d.verify(idx=index, dnsfunc=dnsfunc)
        except dkim.DKIMException as e:
            ok = False
            print("dkimpy: %s" % e, file=sys.stderr)
        if not ok:
            print("dkimpy rejects signature %d" % index, file=sys.stderr)
            return 1
    return 0


def sign(message_path, key_path, algorithm, domain, selector, canon, output_path):
    with open(message_path, "rb") as f:
        message = f.read()
    with open(key_path, "rb") as f:
        key = f.read()
    header, body = canon.split("/")
    signature = dkim.sign(
        message,
        selector.encode("ascii"),
        domain.encode("ascii"),
        key,
        signature_algorithm=algorithm.encode("ascii"),
        canonicalize=(header.encode("ascii"), body.encode("ascii")),
        include_headers=[b"from", b"to", b"subject", b"date", b"message-id"],
    )
    with open(output_path, "wb") as f:
        f.write(signature + message)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "verify":
        sys.exit(verify(*sys.argv[2:4]))
    sys.exit(sign(*sys.argv[2:9]))
