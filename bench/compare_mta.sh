#!/usr/bin/env bash
# Runs one inbound workload (bench/smtp_load) against Sealbox and against Postfix delivering
# through Dovecot's LMTP, all on loopback in a scratch directory, and prints a table.
#
#   bench/compare_mta.sh [BUILD_DIR]        (default: build; needs sealbox and bench/smtp_load)
#
# Environment: CONNECTIONS (8), MESSAGES (2000), SIZES ("4096 65536"), ACCOUNTS (10),
# ROUNDS (1), SYSTEMS (all five below, in this order), KEEP=1 to keep the scratch directory,
# SEALBOX_BIN and SMTP_LOAD_BIN to take the programs from elsewhere than BUILD_DIR,
# SEALBOX_WORKERS for Sealbox's server.worker_threads (4),
# PERF=cpu (perf record -g) or PERF=syscalls (perf trace -s) to profile each Sealbox run into
# the scratch directory (use with KEEP=1; both slow Sealbox down, so they are apart and their
# rates are not comparable; see docs/BENCHMARKS.md).
#
# Systems measured, interleaved so that background load hits them alike:
#   sealbox-smtp      Sealbox MX listener, accounts locked (sealed spool file per message)
#   sealbox-smtp-open Sealbox MX listener, accounts unlocked (insert into the encrypted mailbox)
#   postfix+dovecot   Postfix smtpd -> queue -> lmtp client -> Dovecot LMTP -> maildir
#   sealbox-lmtp      Sealbox LMTP listener, accounts locked
#   dovecot-lmtp      Dovecot LMTP -> maildir, no Postfix
# Sealbox and Dovecot answer after the message is durably in the mailbox; Postfix answers once
# the message is fsync'd in its queue, and delivers it afterwards. So the table has two rates:
# "accepted/s" from the replies, and "stored/s", messages over the time until the last one is
# in a mailbox (maildir files for Dovecot, spool files for locked Sealbox accounts).
#
# Needs root (Postfix and Dovecot start as root and drop privileges) and the packages of
# scripts/install-bench-deps.sh. Every server is a private instance with its own configuration
# and state under the scratch directory; nothing system-wide is read, started or stopped.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
sealbox=${SEALBOX_BIN:-$build/sealbox}
load=${SMTP_LOAD_BIN:-$build/bench/smtp_load}
connections=${CONNECTIONS:-8}
messages=${MESSAGES:-2000}
sizes=${SIZES:-4096 65536}
accounts=${ACCOUNTS:-10}
rounds=${ROUNDS:-1}
systems=${SYSTEMS:-sealbox-smtp postfix+dovecot sealbox-smtp-open sealbox-lmtp dovecot-lmtp}
domain=bench.test

[ "$(id -u)" -eq 0 ] || { echo "compare_mta.sh: run as root" >&2; exit 1; }
for tool in "$sealbox" "$load" /usr/sbin/postfix /usr/sbin/dovecot; do
    [ -x "$tool" ] || { echo "compare_mta.sh: $tool missing (build it, or scripts/install-bench-deps.sh)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/sealbox-compare.XXXXXX)
chmod 755 "$work"  # Postfix's lmtp client (user postfix) reaches Dovecot's socket under it
sealbox_pids=()

cleanup() {
    set +e
    [ -f "$work/postfix/etc/main.cf" ] && /usr/sbin/postfix -c "$work/postfix/etc" stop >/dev/null 2>&1
    [ -f "$work/dovecot/dovecot.conf" ] && /usr/sbin/dovecot -c "$work/dovecot/dovecot.conf" stop >/dev/null 2>&1
    for pid in "${sealbox_pids[@]}"; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
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
s = [socket.socket() for _ in range(8)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')"
port_smtp=${ports[0]} port_lmtp=${ports[1]} port_submission=${ports[2]}
port_open_smtp=${ports[3]} port_open_lmtp=${ports[4]} port_open_submission=${ports[5]}
port_postfix=${ports[6]} port_dovecot=${ports[7]}

wait_port() {
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "compare_mta.sh: nothing listens on port $1" >&2
    return 1
}

count_files() {  # count_files DIR PATTERN: regular files under DIR whose path matches PATTERN
    find "$1" -type f -path "$2" 2>/dev/null | wc -l
}

# --- Sealbox: two instances, one whose accounts stay locked and one whose accounts are unlocked
start_sealbox() {  # start_sealbox NAME SMTP LMTP SUBMISSION
    local dir=$work/$1
    mkdir -p "$dir"
    {
        printf '[server]\nhostname = "mx.%s"\nworker_threads = %s\n\n' "$domain" "${SEALBOX_WORKERS:-4}"
        # Delivery never runs Argon2id; cheap parameters only make account creation fast.
        printf '[accounts]\nargon2_opslimit = 1\nargon2_memlimit = "8M"\nunlock_idle = "2h"\n\n'
        printf '[log]\nfile = "%s/serve.log"\n' "$dir"
        for name in submissions imap imaps pop3 pop3s https; do
            printf '\n[listeners.%s]\nenabled = false\n' "$name"
        done
        printf '\n[listeners.smtp]\nport = %s\n' "$2"
        printf '\n[listeners.lmtp]\nport = %s\n' "$3"
        printf '\n[listeners.submission]\nport = %s\n' "$4"
    } >"$dir/sealbox.toml"
    local run=("$sealbox" --config "$dir/sealbox.toml" --data-dir "$dir/data")
    "${run[@]}" domain add "$domain" >/dev/null
    for i in $(seq 0 $((accounts - 1))); do
        echo "password-$i" | "${run[@]}" account add "user$i@$domain" --password-stdin >/dev/null 2>&1
    done
    "${run[@]}" serve >"$dir/stdout.log" 2>&1 &
    sealbox_pids+=($!)
    last_sealbox_pid=$!
    wait_port "$2"
}

# A submission login (STARTTLS, AUTH PLAIN) unlocks an account for accounts.unlock_idle.
unlock_accounts() {  # unlock_accounts SUBMISSION_PORT
    python3 - "$1" "$accounts" "$domain" <<'EOF'
import smtplib, ssl, sys
port, count, domain = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
for i in range(count):
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
        s.starttls(context=context)
        s.login(f"user{i}@{domain}", f"password-{i}")
EOF
}

# --- Dovecot: LMTP only, maildirs owned by nobody, default mail_fsync (optimized)
start_dovecot() {
    local dir=$work/dovecot
    mkdir -p "$dir" "$work/mail"
    chown nobody:nogroup "$work/mail"
    cat >"$dir/dovecot.conf" <<EOF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = lmtp
listen = 127.0.0.1
ssl = no
hostname = lmtp.$domain
mail_location = maildir:~/Maildir
first_valid_uid = 1
passdb {
  driver = static
  args = nopassword=y
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$work/mail/%d/%n allow_all_users=yes
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
  inet_listener lmtp {
    address = 127.0.0.1
    port = $port_dovecot
  }
}
EOF
    /usr/sbin/dovecot -c "$dir/dovecot.conf"
    wait_port "$port_dovecot"
}

# --- Postfix: smtpd on a loopback port, virtual mailboxes handed to Dovecot over LMTP
start_postfix() {
    # Postfix makes the queue's subdirectories and the data directory with the owners it
    # wants; the configuration directory is apart from them, as postfix check wants it all
    # owned by root.
    local dir=$work/postfix etc=$work/postfix/etc
    mkdir -p "$etc" "$dir/queue"
    for i in $(seq 0 $((accounts - 1))); do
        echo "user$i@$domain ok"
    done >"$etc/vmailbox"
    cat >"$etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.$domain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
biff = no
append_dot_mydomain = no
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains = $domain
virtual_mailbox_maps = texthash:$etc/vmailbox
virtual_transport = lmtp:unix:$work/dovecot/run/lmtp
message_size_limit = 52428800
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
EOF
    # The services of Debian's master.cf that a receiving and LMTP-delivering Postfix uses,
    # none chrooted (the queue is not where the chroot files would be).
    cat >"$etc/master.cf" <<EOF
127.0.0.1:$port_postfix inet n - n - - smtpd
pickup     unix n - n 60 1 pickup
cleanup    unix n - n - 0 cleanup
qmgr       unix n - n 300 1 qmgr
rewrite    unix - - n - - trivial-rewrite
bounce     unix - - n - 0 bounce
defer      unix - - n - 0 bounce
trace      unix - - n - 0 bounce
verify     unix - - n - 1 verify
flush      unix n - n 1000? 0 flush
proxymap   unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp       unix - - n - - smtp
relay      unix - - n - - smtp
showq      unix n - n - - showq
error      unix - - n - - error
retry      unix - - n - - error
discard    unix - - n - - discard
lmtp       unix - - n - - lmtp
anvil      unix - - n - 1 anvil
scache     unix - - n - 1 scache
postlog    unix-dgram n - n - 1 postlogd
EOF
    /usr/sbin/postfix -c "$etc" start >/dev/null 2>&1 || { tail -5 "$dir/maillog" >&2; return 1; }
    wait_port "$port_postfix"
}

# --- One measurement
results=$work/results.tsv
: >"$results"

now() { date +%s.%N; }

# measure ROUND SIZE SYSTEM PORT PID STORED_DIR STORED_PATTERN [smtp_load options...]
# STORED_DIR empty: the replies already mean stored. PID: the server to profile, or -.
measure() {
    local round=$1 size=$2 system=$3 port=$4 pid=$5 stored_dir=$6 pattern=$7
    shift 7
    local before=0
    [ -n "$stored_dir" ] && before=$(count_files "$stored_dir" "$pattern")
    log "round $round, $size bytes: $system"
    local profilers=()
    local name=$work/perf-$system-$size-$round
    if [ "$pid" != - ]; then
        case ${PERF:-} in
            cpu) perf record -q -g -p "$pid" -o "$name.data" 2>/dev/null & profilers+=($!) ;;
            syscalls) perf trace -s -p "$pid" -o "$name.syscalls.txt" 2>/dev/null & profilers+=($!) ;;
        esac
        [ ${#profilers[@]} -eq 0 ] || sleep 1  # attached before the load starts
    fi
    local start out
    start=$(now)
    out=$("$load" --port "$port" --connections "$connections" --messages "$messages" --size "$size" \
        --recipients "user{0..$((accounts - 1))}@$domain" "$@" 2>&1) || true
    for p in "${profilers[@]}"; do
        kill -INT "$p" && wait "$p" || true
    done
    echo "$out" | sed 's/^/   /' >&2
    local line
    line=$(echo "$out" | grep '^result ') || { echo "compare_mta.sh: smtp_load failed" >&2; return 1; }
    declare -A r
    for kv in ${line#result }; do r[${kv%%=*}]=${kv#*=}; done
    local stored=${r[accepted]}
    if [ -n "$stored_dir" ]; then
        local target=$((before + r[accepted])) deadline=$(($(date +%s) + 600)) n
        while n=$(count_files "$stored_dir" "$pattern"); [ "$n" -lt "$target" ]; do
            [ "$(date +%s)" -lt "$deadline" ] || { echo "compare_mta.sh: only $((n - before)) stored" >&2; break; }
            sleep 0.05
        done
        stored=$((n - before))
    fi
    # Messages in a mailbox over the time from starting smtp_load until the last one landed.
    local stored_rate
    stored_rate=$(python3 -c "print(f'{$stored / ($(now) - $start):.1f}')")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$size" "$system" "${r[rate]}" \
        "$stored_rate" "${r[p50_ms]}" "${r[p90_ms]}" "${r[p99_ms]}" "${r[max_ms]}" "${r[errors]}" >>"$results"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(findmnt -no FSTYPE -T "$work") at $work"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "workload: $connections connections, $messages messages per run, sizes $sizes, $accounts accounts, $rounds round(s)"

wants() { [[ " $systems " == *" $1 "* ]]; }
if wants sealbox-smtp || wants sealbox-lmtp; then
    log "starting Sealbox (accounts locked)"
    start_sealbox sealbox "$port_smtp" "$port_lmtp" "$port_submission"
    pid_locked=$last_sealbox_pid
fi
if wants sealbox-smtp-open; then
    log "starting Sealbox (accounts unlocked)"
    start_sealbox sealbox-open "$port_open_smtp" "$port_open_lmtp" "$port_open_submission"
    pid_open=$last_sealbox_pid
    unlock_accounts "$port_open_submission"
fi
if wants postfix+dovecot || wants dovecot-lmtp; then
    log "starting Dovecot"
    start_dovecot
fi
if wants postfix+dovecot; then
    log "starting Postfix"
    start_postfix
fi

spool_pattern='*/spool/*.sealed'
maildir_pattern='*/Maildir/*/*'
for round in $(seq "$rounds"); do
    for size in $sizes; do
        for system in $systems; do
            case $system in
                sealbox-smtp) measure "$round" "$size" "$system" "$port_smtp" "$pid_locked" "$work/sealbox/data" "$spool_pattern" ;;
                postfix+dovecot) measure "$round" "$size" "$system" "$port_postfix" - "$work/mail" "$maildir_pattern" ;;
                sealbox-smtp-open) measure "$round" "$size" "$system" "$port_open_smtp" "$pid_open" "" "" ;;
                sealbox-lmtp) measure "$round" "$size" "$system" "$port_lmtp" "$pid_locked" "$work/sealbox/data" "$spool_pattern" --lmtp ;;
                dovecot-lmtp) measure "$round" "$size" "$system" "$port_dovecot" - "$work/mail" "$maildir_pattern" --lmtp ;;
                *) echo "compare_mta.sh: unknown system $system" >&2; exit 1 ;;
            esac
        done
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" <<'EOF'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
print()
print("| round | size | system | accepted/s | stored/s | p50 ms | p90 ms | p99 ms | max ms | errors |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
by = {(r[0], r[1], r[2]): r for r in rows}
print()
print("| round | size | ratio | accepted/s | stored/s | p50 latency |")
print("|---|---|---|---|---|---|")
pairs = [("sealbox-smtp", "postfix+dovecot"), ("sealbox-smtp-open", "postfix+dovecot"),
         ("sealbox-lmtp", "dovecot-lmtp")]
for (rnd, size, system), r in by.items():
    for mine, peer in pairs:
        if system != mine or (rnd, size, peer) not in by:
            continue
        p = by[(rnd, size, peer)]
        ratio = lambda i: f"{float(r[i]) / float(p[i]):.2f}" if float(p[i]) else "-"
        print(f"| {rnd} | {size} | {mine} / {peer} | {ratio(3)} | {ratio(4)} | {ratio(5)} |")
EOF
