#!/usr/bin/env bash
# Installs the Debian 12 packages that only bench/compare_mta.sh and bench/compare_imap.sh need:
# the peers Sealbox is measured against (Postfix, Dovecot's LMTP, IMAP and POP3 servers) and perf
# to see where the time goes. None of them is needed to build, test or run Sealbox, so they stay
# out of install-deps.sh.
# Postfix is installed unconfigured and no service is started: the benchmark runs private
# instances with their own configuration directories.
set -euo pipefail

# "No configuration" leaves /etc/postfix/main.cf absent, so no system-wide Postfix runs.
if ! dpkg-query -W -f='${Status}' postfix 2>/dev/null | grep -q "install ok installed"; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
fi
exec "$(dirname "$0")/install-deps.sh" postfix dovecot-core dovecot-lmtpd dovecot-imapd dovecot-pop3d \
    linux-perf
