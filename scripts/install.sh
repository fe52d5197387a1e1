#!/usr/bin/env bash
# Idempotent setup for development and CI (Debian 12, root or sudo, no stdin needed):
#   1. Dovecot (IMAP + LMTP) for the real-server tests, only when it is missing;
#   2. the project venv in .venv;
#   3. an editable install of the project with its test extra.
# Safe to run before every test run: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'install.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Run a command as root: directly, or via sudo (non-interactive when there is no terminal, so CI fails
# fast with a clear message instead of hanging on a password prompt).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        if [ -t 0 ]; then
            sudo "$@"
        else
            sudo -n "$@" || die "'sudo -n $*' failed (no passwordless sudo?); run this script as root once"
        fi
    else
        die "need root to run '$*' (not root and sudo is not installed); run this script as root once"
    fi
}

# /usr/sbin is not on a normal user's PATH on Debian, so look there too.
have_dovecot() { command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; }
have_imap() { [ -x /usr/lib/dovecot/imap ] || [ -x /usr/libexec/dovecot/imap ]; }

packages=()
if ! have_dovecot || ! have_imap; then
    packages+=(dovecot-imapd dovecot-lmtpd)
fi
# A fresh Debian image may lack python3 or its venv module (ensurepip ships in python3-venv).
if [ ! -x .venv/bin/python ]; then
    if ! command -v python3 >/dev/null 2>&1; then
        packages+=(python3 python3-venv)
    elif ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
        packages+=(python3-venv)
    fi
fi

if [ "${#packages[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "missing ${packages[*]} and apt-get is not available; install them by hand"
    log "installing ${packages[*]}"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}"
    have_dovecot || die "dovecot still not found after installing ${packages[*]}"
    # The tests start their own Dovecot instances (own config, ports, base_dir) and never need the system
    # service. Debian's postinst may start it on machines where invoke-rc.d allows that; it does not
    # interfere (ports 143/993, /run/dovecot), but a mail server nobody asked for should not keep running.
    if [[ " ${packages[*]} " == *" dovecot-imapd "* ]]; then
        if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
            as_root systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
        elif [ -e /run/dovecot/master.pid ] && command -v service >/dev/null 2>&1; then
            as_root service dovecot stop >/dev/null 2>&1 || true
        fi
    fi
fi

if [ ! -x .venv/bin/python ]; then
    log "creating .venv"
    python3 -m venv .venv
fi

# pip install is the slow part (resolver, editable build); redo it only when pyproject.toml changed or the
# project is not installed in the venv. Editable means source changes need no reinstall.
stamp=.venv/.callflow-install-stamp
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ] \
    || ! .venv/bin/python -c 'import importlib.metadata as m; m.version("callflow")' >/dev/null 2>&1; then
    log "installing the project and its test extra into .venv"
    PIP_DISABLE_PIP_VERSION_CHECK=1 .venv/bin/pip install -e '.[test]'
    printf '%s\n' "$want" >"$stamp"
fi
