#!/usr/bin/env bash
# Runs every measurement of bench/imap_load.py against Sealbox and against Dovecot, both holding
# the same messages, on loopback in a scratch directory, and prints one table with the ratios.
#
#   bench/compare_imap.sh [BUILD_DIR]       (default: build; needs BUILD_DIR/sealbox)
#
# Environment: MESSAGES (10000) appended to each server, CLIENTS (50) and DURATION (30 seconds) of
# the mixed workload (DURATION, not SECONDS: bash owns that name; RATE commands per second per
# client for an open loop at the same offered load on both, 0 (default) for a closed loop),
# CONNECTIONS (1000) idle
# connections and LOGIN_CONNECTIONS (200 more, logged in while the others stay open; 0 skips that
# phase) for idle-memory (each LOGIN costs an Argon2id, and Dovecot runs its passwd-file logins
# one at a time, ~0.5 s each), POP3_MESSAGES (1000) retrieved over POP3, SEARCH_WORD (kumquat, in ~2% of the messages), RUNS
# (3) for the timings that take a median, SYSTEMS ("dovecot sealbox"), MEASURES (all, in the
# order below), DOVECOT_FORMAT (maildir; or sdbox, mdbox), KEEP=1 to keep the scratch
# directory, SEALBOX_BIN to take sealbox from elsewhere than BUILD_DIR, SEALBOX_WORKERS for
# server.worker_threads (4).
#
# Both servers: TLS on every connection (IMAPS, POP3S) with the same throwaway ECDSA P-256
# certificate; one account; passwords hashed with Argon2id at Sealbox's production parameters
# (t=3, 64 MiB, one lane) on both, no authentication cache, so every LOGIN pays one Argon2id.
# Sealbox always encrypts the mailbox at rest; Dovecot stores plain maildir files
# (mail_fsync = optimized, its default; DOVECOT_FORMAT picks a dbox format instead). Dovecot
# runs its login processes in "high-performance" mode (service_count = 0, a few processes
# serving many connections), the mode its documentation recommends for many users, and one imap
# process per logged-in connection, as it always does.
#
# Needs root (Dovecot starts as root and drops privileges; reading every Dovecot process's memory)
# and the packages of scripts/install-bench-deps.sh. Every server is a private instance with its
# own configuration and state under the scratch directory; nothing system-wide is read, started or
# stopped, and everything started here is stopped on exit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
sealbox=${SEALBOX_BIN:-$build/sealbox}
load=(/usr/bin/python3 "$root/bench/imap_load.py")
messages=${MESSAGES:-10000}
clients=${CLIENTS:-50}
duration=${DURATION:-30}
rate=${RATE:-0}
connections=${CONNECTIONS:-1000}
login_connections=${LOGIN_CONNECTIONS:-200}
pop3_messages=${POP3_MESSAGES:-1000}
dovecot_format=${DOVECOT_FORMAT:-maildir}
search_word=${SEARCH_WORD:-kumquat}
runs=${RUNS:-3}
systems=${SYSTEMS:-dovecot sealbox}
measures=${MEASURES:-fetch-headers fetch-bodies search-text pop3-retr mixed idle-memory}
domain=bench.test
user=bench@$domain
password=bench-password-0

[ "$(id -u)" -eq 0 ] || { echo "compare_imap.sh: run as root" >&2; exit 1; }
wants() { [[ " $systems " == *" $1 "* ]]; }
tools=(/usr/bin/python3 /usr/bin/openssl)
wants sealbox && tools+=("$sealbox")
wants dovecot && tools+=(/usr/sbin/dovecot /usr/lib/dovecot/imap /usr/lib/dovecot/pop3 /usr/bin/doveadm)
for tool in "${tools[@]}"; do
    [ -x "$tool" ] || { echo "compare_imap.sh: $tool missing (build it, or scripts/install-bench-deps.sh)" >&2; exit 1; }
done
# idle-memory holds both of its phases open at the end.
held=$((connections + login_connections))
# One descriptor per connection on both ends, plus the servers' own.
[ "$(ulimit -n)" -ge $((2 * held + 1000)) ] || ulimit -n $((2 * held + 1000))

work=$(mktemp -d /tmp/sealbox-imap.XXXXXX)
chmod 755 "$work"  # Dovecot's mail processes (user nobody) reach the maildir under it
sealbox_pid=

cleanup() {
    set +e
    [ -f "$work/dovecot/dovecot.conf" ] && /usr/sbin/dovecot -c "$work/dovecot/dovecot.conf" stop >/dev/null 2>&1
    if [ -n "$sealbox_pid" ]; then
        kill "$sealbox_pid" 2>/dev/null && wait "$sealbox_pid" 2>/dev/null
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        echo "kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "== $*" >&2; }

# Ports the kernel just handed out, all at once so that none repeats.
read -r -a ports <<<"$(python3 -c '
import socket
s = [socket.socket() for _ in range(4)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')"
declare -A imaps_port=([sealbox]=${ports[0]} [dovecot]=${ports[1]})
declare -A pop3s_port=([sealbox]=${ports[2]} [dovecot]=${ports[3]})
declare -A server_pid

wait_port() {
    for _ in $(seq 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "compare_imap.sh: nothing listens on port $1" >&2
    return 1
}

mkdir -p "$work/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=mail.$domain" -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" 2>/dev/null
chmod 644 "$work/tls/key.pem"  # throwaway; Dovecot's login processes read it via the master

# --- Sealbox: the imaps and pop3s listeners only, production Argon2id (the default)
start_sealbox() {
    local dir=$work/sealbox
    mkdir -p "$dir"
    {
        printf '[server]\nhostname = "mail.%s"\nworker_threads = %s\n\n' "$domain" "${SEALBOX_WORKERS:-4}"
        printf '[tls]\ncertificate = "%s"\nprivate_key = "%s"\n\n' "$work/tls/cert.pem" "$work/tls/key.pem"
        printf '[accounts]\ndefault_quota = 0\n\n'
        printf '[log]\nfile = "%s/serve.log"\n' "$dir"
        for name in smtp submission submissions lmtp imap pop3 https; do
            printf '\n[listeners.%s]\nenabled = false\n' "$name"
        done
        # Every client of the benchmark comes from 127.0.0.1; idle ones must not time out while
        # the others log in.
        printf '\n[listeners.imaps]\nport = %s\nmax_connections = %s\nmax_connections_per_ip = %s\nidle_timeout = "1h"\n' \
            "${imaps_port[sealbox]}" $((held + 100)) $((held + 100))
        printf '\n[listeners.pop3s]\nport = %s\n' "${pop3s_port[sealbox]}"
    } >"$dir/sealbox.toml"
    local run=("$sealbox" --config "$dir/sealbox.toml" --data-dir "$dir/data")
    "${run[@]}" domain add "$domain" >/dev/null
    echo "$password" | "${run[@]}" account add "$user" --password-stdin >/dev/null 2>&1
    "${run[@]}" serve >"$dir/stdout.log" 2>&1 &
    sealbox_pid=$!
    server_pid[sealbox]=$sealbox_pid
    wait_port "${imaps_port[sealbox]}"
}

# --- Dovecot: imap and pop3 over TLS, maildir owned by nobody, users from a passwd-file
start_dovecot() {
    local dir=$work/dovecot
    mkdir -p "$dir" "$work/mail/bench"
    chown nobody:nogroup "$work/mail/bench"
    # `doveadm pw -r 2` gives Argon2id t=3, m=64 MiB, p=1: Sealbox's production parameters.
    local hash
    hash=$(doveadm pw -s ARGON2ID -r 2 -p "$password")
    case $hash in *"\$m=65536,t=3,p=1\$"*) ;; *) echo "compare_imap.sh: unexpected Argon2id parameters: $hash" >&2; exit 1 ;; esac
    echo "$user:$hash:65534:65534::$work/mail/bench::" >"$dir/users"
    chmod 644 "$dir/users"
    cat >"$dir/dovecot.conf" <<EOF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
hostname = mail.$domain
ssl = required
ssl_cert = <$work/tls/cert.pem
ssl_key = <$work/tls/key.pem
mail_location = $dovecot_format:~/mail
first_valid_uid = 1
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=ARGON2ID $dir/users
}
userdb {
  driver = passwd-file
  args = $dir/users
}
default_process_limit = $((held + 500))
default_client_limit = $((2 * held + 1000))
# Above what every login process could ask of them (Dovecot warns otherwise).
service auth {
  client_limit = $((3 * (held + 500) + 100))
}
service anvil {
  client_limit = $((3 * (held + 500) + 100))
}
protocol imap {
  mail_max_userip_connections = $((held + 100))
}
protocol pop3 {
  mail_max_userip_connections = $((held + 100))
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${imaps_port[dovecot]}
    ssl = yes
  }
  service_count = 0
  process_min_avail = $(nproc)
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = ${pop3s_port[dovecot]}
    ssl = yes
  }
  service_count = 0
  process_min_avail = $(nproc)
}
EOF
    /usr/sbin/dovecot -c "$dir/dovecot.conf"
    wait_port "${imaps_port[dovecot]}"
    server_pid[dovecot]=$(cat "$dir/run/master.pid")
}

# --- One measurement: imap_load.py's JSON line, tagged with the system, into results.jsonl
results=$work/results.jsonl
: >"$results"

measure() {  # measure SYSTEM MEASURE [arguments...]
    local system=$1 name=$2
    shift 2
    local port=${imaps_port[$system]}
    [ "$name" = pop3-retr ] && port=${pop3s_port[$system]}
    log "$name: $system"
    local out
    out=$("${load[@]}" --port "$port" --user "$user" --password "$password" \
        --pid "${server_pid[$system]}" "$name" "$@") ||
        { echo "compare_imap.sh: $name against $system failed" >&2; return 1; }
    echo "$out" | sed 's/^/   /' >&2
    echo "$out" | python3 -c 'import json, sys; r = json.loads(sys.stdin.read()); r["system"] = sys.argv[1]; print(json.dumps(r))' \
        "$system" >>"$results"
}

arguments() {  # arguments NAME: those of one measurement, from the knobs
    case $1 in
        fetch-headers) echo --runs "$runs" ;;
        fetch-bodies) ;;
        search-text) echo "$search_word" --runs "$runs" ;;
        pop3-retr) echo "$pop3_messages" ;;
        mixed) echo --clients "$clients" --seconds "$duration" --rate "$rate" ;;
        idle-memory) echo --connections "$connections" --login-connections "$login_connections" ;;
        *) echo "compare_imap.sh: unknown measure $1" >&2; exit 1 ;;
    esac
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(findmnt -no FSTYPE -T "$work") at $work"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "workload: $messages messages, Dovecot $dovecot_format, $clients clients for ${duration}s, $connections idle connections ($login_connections logged in), search '$search_word', $runs runs"

wants dovecot && { log "starting Dovecot"; start_dovecot; }
wants sealbox && { log "starting Sealbox"; start_sealbox; }
for system in $systems; do
    measure "$system" populate "$messages"
done
# Interleaved, and who goes first alternates, so that background load and warm caches hit both.
read -r -a order <<<"$systems"
for name in $measures; do
    for system in "${order[@]}"; do
        # shellcheck disable=SC2046  # arguments are words without spaces
        measure "$system" "$name" $(arguments "$name") || true  # the table shows "-"
    done
    [ ${#order[@]} -lt 2 ] || order=("${order[1]}" "${order[0]}")
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
by = {(r["system"], r["measure"]): r for r in rows}
systems = list(dict.fromkeys(r["system"] for r in rows))

def get(r, path):
    for key in path.split("."):
        r = r.get(key) if isinstance(r, dict) else None
    return r

# (measure, field, label, better): "high"/"low" is better; "same" must agree between servers;
# "info" is not the server's own figure (the load generator's CPU time).
metrics = [
    ("populate", "messages_per_s", "APPEND, messages/s (4 connections)", "high"),
    ("populate", "bytes", "message octets appended", "same"),
    ("populate", "server_cpu_ms", "APPEND, server CPU, ms", "low"),
    ("fetch-headers", "connect_ms", "connect + TLS + greeting, ms", "low"),
    ("fetch-headers", "login_ms", "LOGIN (+ CAPABILITY), ms", "low"),
    ("fetch-headers", "select_ms", "SELECT INBOX, ms", "low"),
    ("fetch-headers", "fetch_ms", "FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE), ms", "low"),
    ("fetch-headers", "total_ms", "whole fetch-headers session, ms", "low"),
    ("fetch-headers", "messages", "messages listed", "same"),
    ("fetch-headers", "server_cpu_ms", "FETCH 1:* summary, server CPU, ms", "low"),
    ("fetch-headers", "client_cpu_ms", "FETCH 1:* summary, load generator CPU, ms", "info"),
    ("fetch-bodies", "mb_per_s", "FETCH BODY.PEEK[] of all, MB/s", "high"),
    ("fetch-bodies", "bytes", "body octets fetched", "same"),
    ("fetch-bodies", "seconds", "FETCH BODY.PEEK[] of all, s", "low"),
    ("fetch-bodies", "server_cpu_ms", "FETCH BODY.PEEK[] of all, server CPU, ms", "low"),
    ("fetch-bodies", "client_cpu_ms", "FETCH BODY.PEEK[] of all, load generator CPU, ms", "info"),
    ("search-text", "median_ms", "SEARCH TEXT, ms (median)", "low"),
    ("search-text", "hits", "SEARCH TEXT hits", "same"),
    ("search-text", "server_cpu_ms", "SEARCH TEXT, server CPU, ms (mean)", "low"),
    ("pop3-retr", "login_ms", "POP3 greeting + USER/PASS, ms", "low"),
    ("pop3-retr", "messages_per_s", "POP3 RETR, messages/s", "high"),
    ("pop3-retr", "mb_per_s", "POP3 RETR, MB/s", "high"),
    ("pop3-retr", "bytes", "POP3 octets retrieved", "same"),
    ("pop3-retr", "seconds", "POP3 RETR of all, s", "low"),
    ("pop3-retr", "server_cpu_ms", "POP3 RETR of all, server CPU, ms", "low"),
    ("pop3-retr", "client_cpu_ms", "POP3 RETR of all, load generator CPU, ms", "info"),
    ("mixed", "ops_per_s", "mixed, operations/s", "high"),
    ("mixed", "errors", "mixed, errors", "low"),
    ("mixed", "server_cpu_ms", "mixed, server CPU, ms", "low"),
    ("mixed", "client_cpu_ms", "mixed, load generator CPU, ms", "info"),
]
for op in ("select", "fetch", "store", "noop"):
    metrics += [("mixed", f"{op}_p50_ms", f"mixed {op} p50, ms", "low"),
                ("mixed", f"{op}_p99_ms", f"mixed {op} p99, ms", "low")]
for phase, label in (("greeting", "after greeting"), ("selected", "after LOGIN+SELECT")):
    metrics += [("idle-memory", f"{phase}.rss_kib_per_conn", f"RSS per idle connection {label}, KiB", "low"),
                ("idle-memory", f"{phase}.pss_kib_per_conn", f"PSS per idle connection {label}, KiB", "low"),
                ("idle-memory", f"{phase}.baseline_rss_kib", f"RSS before opening them, KiB", "low"),
                ("idle-memory", f"{phase}.connections", f"connections held {label}", "same")]

print()
print("| measurement | " + " | ".join(systems) + (" | sealbox / dovecot | better |" if len(systems) == 2 else " |"))
print("|---|" + "---|" * len(systems) + ("---|---|" if len(systems) == 2 else ""))
for measure, field, label, better in metrics:
    values = [get(by.get((s, measure), {}), field) for s in systems]
    if all(v is None for v in values):
        continue
    cells = ["-" if v is None else f"{v:,}" if isinstance(v, int) else f"{v:,.1f}" for v in values]
    line = f"| {label} | " + " | ".join(cells) + " |"
    if len(systems) == 2:
        mine, peer = by.get(("sealbox", measure), {}), by.get(("dovecot", measure), {})
        a, b = get(mine, field), get(peer, field)
        if better == "same":
            line += " " + ("agree" if a == b else "**differ**") + " | |"
        else:
            line += f" {a / b:.2f} |" if a is not None and b else " - |"
            line += {"high": " higher |", "low": " lower |"}.get(better, " |")
    print(line)
EOF
