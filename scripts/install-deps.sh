#!/usr/bin/env bash
# Installs the Debian 12 packages Sealbox needs to build, test and run, and any packages named as
# arguments (install-bench-deps.sh); skips what is present.
set -euo pipefail

packages=(
    "$@"
    build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev
    libboost1.81-dev libboost-json1.81-dev libssl-dev libsodium-dev libsqlite3-dev libtomlplusplus-dev
    libspdlog-dev libfmt-dev libcli11-dev libgmime-3.0-dev libunbound-dev libidn2-dev zlib1g-dev dns-root-data publicsuffix
    libgtest-dev libgmock-dev libbenchmark-dev
    isync offlineimap3
    python3 python3-aiosmtpd python3-dkim python3-authres python3-yaml swaks libnet-ssleay-perl openssl sqlite3 curl getmail6
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
