#!/usr/bin/python3
"""IMAP and POP3 load generator: one measurement per subcommand, one JSON result line on stdout.

    bench/imap_load.py --port 10993 --user u@bench.test --password pw populate 10000
    bench/imap_load.py ... fetch-headers | fetch-bodies | search-text WORD | mixed --clients 50
    bench/imap_load.py --pid PID ... idle-memory --connections 1000
    bench/imap_load.py --port 10995 ... pop3-retr 1000

Talks TLS from the first byte (IMAPS, POP3S; --plain for cleartext) without verifying the
certificate: it measures servers on loopback, it does not authenticate them. With --pid (the
server; for Dovecot its master process), the timed measurements also report the CPU time that the
server and this generator spent in their timed part, to tell a slow server from a saturated
generator or a busy machine. Progress goes to standard error. Everything is deterministic (--seed), so that two servers populated with the same
arguments hold the same messages and must give the same SEARCH hits and the same body bytes.
bench/compare_imap.sh runs every measurement against Sealbox and Dovecot.
"""

import argparse
import asyncio
import base64
import json
import os
import random
import re
import ssl
import statistics
import sys
import time

# A line that ends with a literal announcement: the octets follow it (RFC 9051 §4.3).
LITERAL_AT_END = re.compile(rb"\{(\d+)\}\r\n$")
STREAM_LIMIT = 64 << 20  # longest line or POP3 response the reader holds at once

# Words for subjects and bodies. None contains a needle below, so a needle's hits are exactly the
# messages it was put in.
WORDS = """the of and to in is that for it as was with be by on not he this are or his from at
which but have an they you were her she there been one all we their has would when if so no
what can more out up about into them some could time only new other than then now first may
these two over like after our also any most made work where through back years way much should
because each just those people how too little state good very make world still own see men long
here between both life being under never day same another know while last might great old year
off come since against go came right used take three states himself few house use during without
again place around however home small found thought went say part once general high upon school
every does got united left number course war until always away something fact though water less
public put think almost hand enough far took head yet government system better set told nothing
night end why called did eyes find going look asked later knew point next program city business
give group toward young days let room president side social given present several order national
possible rather second face per among form important often things looked early white case john
become large big need four within felt along children saw best church ever least power development
light thing seemed family interest want members mind country area others done turned although open
invoice meeting quarterly report schedule budget review draft contract shipment delivery agenda
minutes project release server backup archive deadline proposal estimate customer supplier""".split()
FIRST_NAMES = "alice bob carol dave erin frank grace heidi ivan judy mallory oscar peggy rupert sybil trent victor wendy".split()
LAST_NAMES = "smith jones brown taylor wilson davies evans thomas roberts walker wright hughes green hall".split()
DOMAINS = ["example.org", "example.net", "corp.example", "mail.example.com", "lists.example.org"]
# Words put into some message bodies only, with the share of messages that get them.
NEEDLES = {"kumquat": 0.02, "marmalade": 0.20}
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def result(measure, **fields):
    print(json.dumps({"measure": measure, **fields}), flush=True)


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def ms(seconds):
    return round(seconds * 1000, 3)


# --- Messages ------------------------------------------------------------------------------

def paragraph(rng, length, needles):
    """Text lines of about `length` octets, CRLF-terminated, with each needle once somewhere."""
    words = []
    size = 0
    while size < length:
        w = rng.choice(WORDS)
        words.append(w)
        size += len(w) + 1
    for needle in needles:
        words.insert(rng.randrange(len(words) + 1), needle)
    lines, line, width = [], [], 0
    for w in words:
        if line and width + len(w) > 72:
            lines.append(" ".join(line))
            line, width = [], 0
        line.append(w)
        width += len(w) + 1
    lines.append(" ".join(line))
    return "".join(x + "\r\n" for x in lines)


def make_message(index, seed, recipient):
    """Message `index` of the deterministic set: (RFC 5322 octets, IMAP date-time, needles)."""
    rng = random.Random(f"{seed}-{index}")
    kind = rng.random()
    needles = [n for n, share in NEEDLES.items() if rng.random() < share]
    when = time.gmtime(1767225600 + index * 2237)  # from 2026-01-01, about 37 minutes apart
    date = (f"{DAYS[when.tm_wday]}, {when.tm_mday:02d} {MONTHS[when.tm_mon - 1]} {when.tm_year} "
            f"{when.tm_hour:02d}:{when.tm_min:02d}:{when.tm_sec:02d} +0000")
    internal = (f"{when.tm_mday:02d}-{MONTHS[when.tm_mon - 1]}-{when.tm_year} "
                f"{when.tm_hour:02d}:{when.tm_min:02d}:{when.tm_sec:02d} +0000")
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    subject = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize()
    if rng.random() < 0.3:
        subject = "Re: " + subject
    headers = [
        f"Return-Path: <{first}.{last}@{DOMAINS[index % len(DOMAINS)]}>",
        f"Received: from mx{index % 7}.example.net (mx{index % 7}.example.net [192.0.2.{index % 250 + 1}])"
        f"\r\n\tby mail.bench.test with ESMTPS id {index:08x}; {date}",
        f'From: "{first.capitalize()} {last.capitalize()}" <{first}.{last}@{DOMAINS[index % len(DOMAINS)]}>',
        f"To: <{recipient}>",
        f"Subject: {subject}",
        f"Date: {date}",
        f"Message-ID: <{index}.{seed}.{rng.getrandbits(48):012x}@{DOMAINS[index % len(DOMAINS)]}>",
        "MIME-Version: 1.0",
    ]
    if kind < 0.70:  # ~4 KiB of plain text
        headers += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 7bit"]
        body = paragraph(rng, rng.randint(3000, 4500), needles)
    elif kind < 0.95:  # ~32 KiB: text and HTML alternatives
        boundary = f"alt-{index:08d}"
        text = paragraph(rng, rng.randint(11000, 15000), needles)
        html = "<html><body>\r\n" + "".join(
            f"<p>{line}</p>\r\n" for line in paragraph(rng, rng.randint(13000, 17000), []).splitlines()
        ) + "</body></html>\r\n"
        headers.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        body = (f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}"
                f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}"
                f"--{boundary}--\r\n")
    else:  # ~256 KiB: a short text and a binary attachment
        boundary = f"mixed-{index:08d}"
        text = paragraph(rng, rng.randint(1500, 3000), needles)
        attachment = base64.encodebytes(rng.randbytes(rng.randint(170000, 200000)))
        attachment = attachment.decode().replace("\n", "\r\n")
        headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
        body = (f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}"
                f"--{boundary}\r\nContent-Type: application/pdf; name=\"report-{index}.pdf\"\r\n"
                f"Content-Disposition: attachment; filename=\"report-{index}.pdf\"\r\n"
                f"Content-Transfer-Encoding: base64\r\n\r\n{attachment}"
                f"--{boundary}--\r\n")
    octets = ("\r\n".join(headers) + "\r\n\r\n" + body).encode()
    return octets, internal, needles


# --- Connections ---------------------------------------------------------------------------

def tls_context():
    """One context for every connection, without CA certificates: loading them costs more than
    a handshake on loopback."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


TLS = tls_context()


async def open_stream(args):
    return await asyncio.open_connection(args.host, args.port, limit=STREAM_LIMIT,
                                         ssl=None if args.plain else TLS)


class ServerError(Exception):
    pass


def quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Imap:
    """One IMAP connection: sends tagged commands one at a time and reads their responses."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.tag = 0
        self.literal_plus = False

    @classmethod
    async def connect(cls, args):
        reader, writer = await open_stream(args)
        imap = cls(reader, writer)
        text, _ = await imap.read_response()
        if not text.startswith(b"* OK"):
            raise ServerError(f"greeting: {text[:200]!r}")
        return imap

    async def read_response(self):
        """One response line with its literals: (text without the literals, [literal octets])."""
        text, literals = b"", []
        while True:
            line = await self.reader.readuntil(b"\r\n")
            m = LITERAL_AT_END.search(line)
            if not m:
                return text + line, literals
            text += line[:m.start()]
            literals.append(await self.reader.readexactly(int(m.group(1))))

    async def command(self, command, literal=None):
        """Runs `command` (str); returns its untagged responses; raises ServerError unless OK.
        `literal`, if given, is sent as a literal at the end of the command (RFC 9051 §4.3,
        non-synchronizing with LITERAL+, RFC 7888)."""
        self.tag += 1
        tag = b"a%d" % self.tag
        head = tag + b" " + command.encode()
        if literal is None:
            self.writer.write(head + b"\r\n")
        elif self.literal_plus:
            self.writer.write(head + b" {%d+}\r\n" % len(literal) + literal + b"\r\n")
        else:
            self.writer.write(head + b" {%d}\r\n" % len(literal))
            await self.writer.drain()
            text, _ = await self.read_response()
            if not text.startswith(b"+"):
                raise ServerError(f"{command.split()[0]}: {text[:200]!r}")
            self.writer.write(literal + b"\r\n")
        await self.writer.drain()
        untagged = []
        while True:
            text, literals = await self.read_response()
            if text.startswith(tag + b" "):
                if not text.startswith(tag + b" OK"):
                    raise ServerError(f"{command.split()[0]}: {text[:200]!r}")
                return untagged
            untagged.append((text, literals))

    async def login(self, user, password):
        await self.command(f"LOGIN {quoted(user)} {quoted(password)}")
        caps = b" ".join(t for t, _ in await self.command("CAPABILITY")).upper().split()
        self.literal_plus = b"LITERAL+" in caps

    async def select(self, mailbox="INBOX"):
        """SELECT; returns the number of messages (EXISTS)."""
        exists = 0
        for text, _ in await self.command(f"SELECT {mailbox}"):
            m = re.match(rb"\* (\d+) EXISTS", text)
            if m:
                exists = int(m.group(1))
        return exists

    async def close(self):
        try:
            await asyncio.wait_for(self.command("LOGOUT"), 10)
        except (ServerError, OSError, asyncio.IncompleteReadError, asyncio.TimeoutError):
            pass
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (OSError, ssl.SSLError):
            pass


async def logged_in(args):
    imap = await Imap.connect(args)
    await imap.login(args.user, args.password)
    return imap


# --- CPU time ------------------------------------------------------------------------------

def tree_cpu_seconds(root):
    """User + system CPU time of the process tree, with the time of the children each member has
    reaped (cutime, cstime): Dovecot's imap processes exit at LOGOUT and their time moves into the
    master's. Threads are counted in their process."""
    total = 0
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue  # exited meanwhile: its time is in its parent's cutime
        fields = stat[stat.rindex(")") + 2:].split()
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime (proc(5))
    return total / os.sysconf("SC_CLK_TCK")


class CpuClock:
    """CPU time of the server (when --pid names it) and of this generator over the timed parts of
    a measurement, started and stopped around each of them."""

    def __init__(self, pid):
        self.pid = pid
        self.server = self.client = 0.0

    def start(self):
        self.server_start = tree_cpu_seconds(self.pid) if self.pid else 0.0
        self.client_start = time.process_time()

    def stop(self):
        self.client += time.process_time() - self.client_start
        if self.pid:
            self.server += tree_cpu_seconds(self.pid) - self.server_start

    def fields(self, runs=1):
        """Milliseconds per run."""
        cpu = {"client_cpu_ms": ms(self.client / runs)}
        if self.pid:
            cpu["server_cpu_ms"] = ms(self.server / runs)
        return cpu


# --- Measurements --------------------------------------------------------------------------

async def populate(args):
    """APPENDs messages 0..count-1 of the deterministic set over several connections. They are
    made before the clock starts, so that the rate is the server's and not the generator's."""
    recipient = args.user if "@" in args.user else f"{args.user}@bench.test"
    log(f"populate: making {args.count} messages")
    messages = [make_message(i, args.seed, recipient) for i in range(args.count)]
    hits = {n: sum(1 for _, _, needles in messages if n in needles) for n in NEEDLES}
    next_message = iter(enumerate(messages))

    async def worker():
        imap = await logged_in(args)
        for i, (octets, internal, _) in next_message:
            await imap.command(f'APPEND {args.mailbox} "{internal}"', octets)
            if (i + 1) % 1000 == 0:
                log(f"populate: {i + 1} appended")
        await imap.close()

    cpu = CpuClock(args.pid)
    cpu.start()
    start = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(args.connections)))
    elapsed = time.monotonic() - start
    cpu.stop()
    result("populate", messages=args.count, bytes=sum(len(m[0]) for m in messages),
           seconds=round(elapsed, 3), messages_per_s=round(args.count / elapsed, 1),
           connections=args.connections, expected_hits=hits, **cpu.fields())


async def fetch_headers(args):
    """What a client does on opening a mailbox: connect, LOGIN, SELECT, then the summary of every
    message (FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)); each phase timed, median of runs."""
    phases = {"connect": [], "login": [], "select": [], "fetch": [], "total": []}
    cpu = CpuClock(args.pid)  # of the FETCH alone: LOGIN's Argon2id would drown it
    count = 0
    for _ in range(args.runs):
        t0 = time.monotonic()
        imap = await Imap.connect(args)
        t1 = time.monotonic()
        await imap.login(args.user, args.password)
        t2 = time.monotonic()
        exists = await imap.select(args.mailbox)
        cpu.start()
        t3 = time.monotonic()
        responses = await imap.command("FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)") if exists else []
        t4 = time.monotonic()
        cpu.stop()
        await imap.close()
        count = sum(1 for text, _ in responses if b" FETCH " in text)
        for name, seconds in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0)):
            phases[name].append(seconds)
    result("fetch-headers", messages=count, runs=args.runs,
           **{f"{name}_ms": ms(statistics.median(v)) for name, v in phases.items()},
           **cpu.fields(args.runs))


async def fetch_bodies(args):
    """Every message's full text (FETCH n:m BODY.PEEK[]) in batches over one connection."""
    imap = await logged_in(args)
    exists = await imap.select(args.mailbox)
    octets = messages = 0
    cpu = CpuClock(args.pid)
    cpu.start()
    start = time.monotonic()
    for first in range(1, exists + 1, args.batch):
        last = min(exists, first + args.batch - 1)
        for text, literals in await imap.command(f"FETCH {first}:{last} BODY.PEEK[]"):
            if b" FETCH " in text and literals:
                messages += 1
                octets += len(literals[-1])
    elapsed = time.monotonic() - start
    cpu.stop()
    await imap.close()
    result("fetch-bodies", messages=messages, bytes=octets, seconds=round(elapsed, 3),
           mb_per_s=round(octets / 1e6 / elapsed, 2), messages_per_s=round(messages / elapsed, 1),
           batch=args.batch, **cpu.fields())


async def search_text(args):
    """SEARCH TEXT word (RFC 9051 §6.4.4: header or body contains it), median of runs."""
    imap = await logged_in(args)
    await imap.select(args.mailbox)
    times, hits = [], None
    cpu = CpuClock(args.pid)
    for _ in range(args.runs):
        cpu.start()
        start = time.monotonic()
        responses = await imap.command(f"SEARCH TEXT {quoted(args.word)}")
        times.append(time.monotonic() - start)
        cpu.stop()
        found = [text.split()[2:] for text, _ in responses if text.startswith(b"* SEARCH")]
        hits = sum(len(f) for f in found)
    await imap.close()
    result("search-text", word=args.word, hits=hits, runs=args.runs,
           median_ms=ms(statistics.median(times)), runs_ms=[ms(t) for t in times],
           **cpu.fields(args.runs))


async def mixed(args):
    """Clients logged in at once, each looping SELECT / UID FETCH of a random message's body /
    UID STORE +FLAGS (\\Seen) / NOOP for a fixed time; throughput and latency per operation.
    With --rate, each client issues its commands on a fixed schedule (an open loop) instead of
    as soon as the last one is answered, so that two servers are compared at the same offered
    load; a command's latency then runs from when it was due, so that a server that falls
    behind is not flattered by the commands it delayed (coordinated omission)."""
    gate = asyncio.Semaphore(args.login_concurrency)

    async def setup():
        async with gate:
            imap = await logged_in(args)
            await imap.select(args.mailbox)
            return imap

    log(f"mixed: logging in {args.clients} clients")
    clients = await asyncio.gather(*(setup() for _ in range(args.clients)))
    uids = []
    for text, _ in await clients[0].command("UID SEARCH ALL"):
        if text.startswith(b"* SEARCH"):
            uids += [int(u) for u in text.split()[2:]]
    if not uids:
        raise ServerError("mixed: the mailbox is empty")
    latencies = {"select": [], "fetch": [], "store": [], "noop": []}
    errors = {"count": 0}
    deadline = time.monotonic() + args.seconds

    async def loop(n, imap):
        rng = random.Random(f"{args.seed}-client-{n}")
        ops = [("select", lambda: f"SELECT {args.mailbox}"),
               ("fetch", lambda: f"UID FETCH {rng.choice(uids)} BODY.PEEK[]"),
               ("store", lambda: f"UID STORE {rng.choice(uids)} +FLAGS (\\Seen)"),
               ("noop", lambda: "NOOP")]
        interval = 1.0 / args.rate if args.rate else 0.0
        # Clients start spread over one interval, not all at once.
        due = time.monotonic() + interval * rng.random()
        while time.monotonic() < deadline:
            for name, command in ops:
                if interval:
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
                    start, due = due, due + interval
                else:
                    start = time.monotonic()
                try:
                    await imap.command(command())
                except ServerError as e:
                    errors["count"] += 1
                    log(f"mixed: {e}")
                    continue
                latencies[name].append(time.monotonic() - start)

    log(f"mixed: running {args.seconds} s")
    cpu = CpuClock(args.pid)
    cpu.start()
    start = time.monotonic()
    await asyncio.gather(*(loop(n, c) for n, c in enumerate(clients)))
    elapsed = time.monotonic() - start
    cpu.stop()
    await asyncio.gather(*(c.close() for c in clients))
    total = sum(len(v) for v in latencies.values())
    result("mixed", clients=args.clients, rate=args.rate, seconds=round(elapsed, 3), ops=total,
           ops_per_s=round(total / elapsed, 1), errors=errors["count"],
           **{f"{name}_p50_ms": ms(percentile(v, 50) or 0) for name, v in latencies.items()},
           **{f"{name}_p99_ms": ms(percentile(v, 99) or 0) for name, v in latencies.items()},
           **{f"{name}_ops": len(v) for name, v in latencies.items()}, **cpu.fields())


def process_tree(root):
    """PID `root` and all its descendants (for Dovecot: master, login, imap, auth processes)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def memory(root):
    """Summed VmRSS and Pss (KiB) of the process tree. RSS counts shared pages in every process;
    PSS divides them among the sharers, so PSS is the fair sum for a multi-process server."""
    rss = pss = 0
    pids = process_tree(root)
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                rss += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
            with open(f"/proc/{pid}/smaps_rollup") as f:
                pss += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass  # exited meanwhile, or a kernel thread
    return {"rss_kib": rss, "pss_kib": pss, "processes": len(pids)}


async def idle_memory(args):
    """Server memory per idle connection: N connections that only read the greeting, then, with
    those still open, M more that LOGIN and SELECT; each phase above the baseline measured just
    before opening its connections. Closing the first ones before the second phase would let a
    single-process server reuse the heap they freed, and show its logged-in sessions as free."""
    gate = asyncio.Semaphore(args.concurrency)
    report = {}

    async def hold(login):
        async with gate:
            imap = await Imap.connect(args)
            if login:
                await imap.login(args.user, args.password)
                await imap.select(args.mailbox)
            return imap

    phases = [("greeting", False)] + ([("selected", True)] if args.login_connections else [])
    held = []
    for phase, login in phases:
        count = args.login_connections if login else args.connections
        await asyncio.sleep(args.settle)
        before = memory(args.pid)
        log(f"idle-memory: opening {count} connections ({phase}), baseline {before}")
        start = time.monotonic()
        outcomes = await asyncio.gather(*(hold(login) for _ in range(count)), return_exceptions=True)
        opened = [c for c in outcomes if isinstance(c, Imap)]
        failed = [o for o in outcomes if not isinstance(o, Imap)]
        if failed:
            log(f"idle-memory: {len(failed)} failed, first: {failed[0]!r}")
        setup = time.monotonic() - start
        await asyncio.sleep(args.settle)
        after = memory(args.pid)
        report[phase] = {
            "connections": len(opened), "failed": len(failed), "setup_s": round(setup, 1),
            "baseline_rss_kib": before["rss_kib"], "rss_kib": after["rss_kib"],
            "baseline_pss_kib": before["pss_kib"], "pss_kib": after["pss_kib"],
            "processes": after["processes"],
            "rss_kib_per_conn": round((after["rss_kib"] - before["rss_kib"]) / max(1, len(opened)), 1),
            "pss_kib_per_conn": round((after["pss_kib"] - before["pss_kib"]) / max(1, len(opened)), 1),
        }
        log(f"idle-memory: {phase}: {report[phase]}")
        held += opened
    for c in held:  # closed abruptly, as idle clients vanish; LOGOUT would take as long
        c.writer.close()
    await asyncio.sleep(0)
    result("idle-memory", pid=args.pid, **report)


async def pop3_retr(args):
    """POP3: USER/PASS, then RETR one after another (RFC 1939 §7) of the messages that populate
    made first (0..count-1). Concurrent APPENDs leave them in a different order on each server,
    so they are found by their Message-ID with TOP n 0 (RFC 1939 §7) before the clock starts."""
    reader, writer = await open_stream(args)
    message_id = re.compile(rb"^Message-ID: <(\d+)\." + re.escape(args.seed.encode()) + rb"\.",
                            re.IGNORECASE | re.MULTILINE)

    async def multiline(text):  # a command with a multi-line answer; the answer (RFC 1939 §3)
        writer.write(text.encode() + b"\r\n")
        await writer.drain()
        response = await reader.readuntil(b"\r\n.\r\n")
        if not response.startswith(b"+OK"):
            raise ServerError(f"{text}: {response[:200]!r}")
        return response

    async def line():
        text = await reader.readuntil(b"\r\n")
        if not text.startswith(b"+OK"):
            raise ServerError(f"pop3: {text[:200]!r}")
        return text

    async def command(text):
        writer.write(text.encode() + b"\r\n")
        await writer.drain()
        return await line()

    t0 = time.monotonic()
    await line()
    await command(f"USER {args.user}")
    await command(f"PASS {args.password}")
    login = time.monotonic() - t0
    stored = int((await command("STAT")).split()[1])
    wanted = []
    for n in range(1, stored + 1):
        if len(wanted) == args.count:
            break
        m = message_id.search(await multiline(f"TOP {n} 0"))
        if m and int(m.group(1)) < args.count:
            wanted.append(n)
    count = len(wanted)
    octets = 0
    cpu = CpuClock(args.pid)
    cpu.start()
    start = time.monotonic()
    for n in wanted:
        response = await multiline(f"RETR {n}")
        octets += len(response) - response.index(b"\r\n") - 5
    elapsed = time.monotonic() - start
    cpu.stop()
    await command("QUIT")
    writer.close()
    result("pop3-retr", messages=count, bytes=octets, login_ms=ms(login), seconds=round(elapsed, 3),
           messages_per_s=round(count / elapsed, 1), mb_per_s=round(octets / 1e6 / elapsed, 2),
           **cpu.fields())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=10993)
    parser.add_argument("--plain", action="store_true", help="no TLS (imap/pop3 without STARTTLS)")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--mailbox", default="INBOX")
    parser.add_argument("--seed", default="sealbox-bench", help="of the message set and of choices")
    parser.add_argument("--pid", type=int, help="the server (Dovecot: its master process), for its CPU time and memory")
    sub = parser.add_subparsers(dest="measure", required=True)
    p = sub.add_parser("populate", help="APPEND COUNT messages")
    p.add_argument("count", type=int)
    p.add_argument("--connections", type=int, default=4)
    p = sub.add_parser("fetch-headers", help="connect, LOGIN, SELECT, FETCH 1:* summary")
    p.add_argument("--runs", type=int, default=3)
    p = sub.add_parser("fetch-bodies", help="FETCH BODY.PEEK[] of every message")
    p.add_argument("--batch", type=int, default=100)
    p = sub.add_parser("search-text", help="SEARCH TEXT WORD")
    p.add_argument("word")
    p.add_argument("--runs", type=int, default=3)
    p = sub.add_parser("mixed", help="concurrent SELECT/FETCH/STORE/NOOP clients")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--rate", type=float, default=0,
                   help="commands per second per client (open loop); 0: each as soon as the last is answered")
    p.add_argument("--login-concurrency", type=int, default=8)
    p = sub.add_parser("idle-memory", help="server memory per idle connection")
    p.add_argument("--connections", type=int, default=1000)
    p.add_argument("--login-connections", type=int,
                   help="logged-in phase size, on top of the first (default: --connections; 0 skips it)")
    p.add_argument("--concurrency", type=int, default=16, help="connections being set up at once")
    p.add_argument("--settle", type=float, default=5, help="seconds to wait before each reading")
    p = sub.add_parser("pop3-retr", help="POP3 RETR of COUNT messages (point --port at POP3S)")
    p.add_argument("count", type=int)
    args = parser.parse_args()
    if args.measure == "idle-memory":
        if args.pid is None:
            parser.error("idle-memory needs --pid")
        if args.login_connections is None:
            args.login_connections = args.connections
    run = {"populate": populate, "fetch-headers": fetch_headers, "fetch-bodies": fetch_bodies,
           "search-text": search_text, "mixed": mixed, "idle-memory": idle_memory,
           "pop3-retr": pop3_retr}[args.measure]
    try:
        asyncio.run(run(args))
    except (ServerError, OSError, asyncio.IncompleteReadError) as e:
        log(f"imap_load.py {args.measure}: {e!r}")
        sys.exit(1)


if __name__ == "__main__":
    main()
