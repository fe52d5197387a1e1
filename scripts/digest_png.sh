#!/usr/bin/env bash
# Render the HTML part of the organisers' digest to a PNG with headless Chromium, to see how
# it reads in a mail client. Not part of the test suite.
#
#   scripts/digest_png.sh OUT.png                      a realistic demo state (seeded in a temp dir)
#   scripts/digest_png.sh --config CFG [--now ISO] [--since ISO] OUT.png    the digest of a real config
#   --size 900,2200                                    a taller window (default 900,1400)
#
# Needs Debian's chromium (apt-get install -y chromium). Nothing is sent and no state is changed:
# the digest is built in memory (workflow.digest.build_digest) rather than through the CLI, so
# this works whether or not `callflow digest --print --html` exists yet.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="$here/.venv/bin/python"
config="" now="" since="" out="" size="900,1400"
while [ $# -gt 0 ]; do
    case "$1" in
        --config) config="$2"; shift 2 ;;
        --now) now="$2"; shift 2 ;;
        --since) since="$2"; shift 2 ;;
        --size) size="$2"; shift 2 ;;  # WIDTH,HEIGHT of the browser window
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        -*) echo "digest_png.sh: unknown option $1" >&2; exit 2 ;;
        *) out="$1"; shift ;;
    esac
done
if [ -z "$out" ]; then
    echo "usage: scripts/digest_png.sh [--config CFG] [--now ISO] [--since ISO] [--size W,H] OUT.png" >&2
    exit 2
fi
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    echo "digest_png.sh: chromium not found; install it with: apt-get install -y chromium" >&2
    exit 1
fi
if [ ! -x "$python" ]; then
    echo "digest_png.sh: no virtualenv at $here/.venv (see README: install)" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
html="$work/digest.html"

# The Python side writes the HTML; a demo state is seeded when no config is given.
CALLFLOW_ROOT="$here" DIGEST_CONFIG="$config" DIGEST_NOW="$now" DIGEST_SINCE="$since" DIGEST_WORK="$work" \
"$python" - "$html" <<'PY'
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from workflow.clock import parse_now
from workflow.config import load
from workflow.digest import build_digest
from workflow.lifecycle import new_record
from workflow.render import Renderer
from workflow.store import Store

root = Path(os.environ["CALLFLOW_ROOT"])
work = Path(os.environ["DIGEST_WORK"])


def seed(store: Store, tz) -> None:
    """A plausible morning: applications over two weeks, answers, a question, trouble."""

    def t(day: int, hh: int, mm: int = 0) -> str:
        return datetime(2022, 3, day, hh, mm, tzinfo=tz).isoformat()

    def person(email, name, state, applied, events=(), flags=(), **extra):
        rec = new_record(email, name, datetime.fromisoformat(applied))
        rec.update(state=state, applied_at=applied, flags=list(flags), **extra)
        rec["history"] = [{"at": applied, "event": "application", "detail": "new → applied", "by": "survey"}]
        rec["history"] += [{"at": a, "event": e, "detail": d, "by": b} for a, e, d, b in events]
        store.applicants.put(rec)

    people = [
        ("maria.keller@probation.example.de", "Maria Keller", "confirmed", t(1, 9, 12),
         [(t(9, 10, 4), "mail", "intent confirm", "mail"), (t(9, 10, 4), "confirm", "invited → confirmed", "mail")]),
        ("jonas.peeters@exit-flanders.example.be", "Jonas Peeters", "confirmed", t(1, 10, 3),
         [(t(9, 11), "mail", "intent confirm", "mail"), (t(9, 11), "confirm", "invited → confirmed", "mail")]),
        ("a.nowak@example.pl", "Agnieszka Nowak", "invited", t(1, 14, 40), []),
        ("l.rossi@example.it", "Lucia Rossi", "confirmed", t(2, 8, 55),
         [(t(13, 9, 40), "mail", "intent confirm", "mail"), (t(13, 9, 40), "confirm", "invited → confirmed", "mail")]),
        ("henrik.larsen@example.dk", "Henrik Larsen", "declined", t(2, 16, 20),
         [(t(13, 11, 5), "mail", "intent decline", "mail"), (t(13, 11, 5), "decline", "invited → declined", "mail")]),
        ("sofia.garcia@example.es", "Sofía García", "selected", t(3, 9, 30), []),
        ("e.dubois@example.fr", "Élodie Dubois", "waitlisted", t(4, 15, 0), []),
        ("k.schmidt@example.at", "Katharina Schmidt", "waitlisted", t(7, 10, 30), []),
        ("p.jansen@example.nl", "Pieter Jansen", "waitlisted", t(8, 13, 45), []),
        ("m.horvat@example.hr", "Marko Horvat", "rejected", t(8, 17, 5), []),
        ("anna.berg@example.se", "Anna Berg", "applied", t(9, 9, 0), []),
        ("r.costa@example.pt", "Rui Costa", "withdrawn", t(10, 11, 20),
         [(t(13, 16, 30), "mail", "intent withdraw", "mail"), (t(13, 16, 30), "withdraw", "applied → withdrawn", "mail")]),
        ("j.novak@example.cz", "Jan Novák", "applied", t(10, 22, 50), []),
    ]
    for email, name, state, applied, events in people:
        person(email, name, state, applied, events)
    person("o.petrenko@example.org", "Olena Petrenko", "applied", t(13, 8, 20), flags=("late", "needs_attention"))
    store.applicants.get("o.petrenko@example.org")["history"][0]["detail"] = "new → applied; late"
    person("t.murphy@example.ie", "Tom Murphy", "invited", t(4, 12, 10),
           [(t(13, 14, 2), "bounce", "550 5.1.1 <t.murphy@example.ie>: mailbox unavailable", "mail")],
           flags=("bounced", "needs_attention"))
    rec = new_record("david.okafor@example.org", "David Okafor", datetime.fromisoformat(t(13, 10, 15)))
    rec.update(state="inquired", flags=["needs_attention"], attention={
        "at": t(13, 10, 15), "intent": "question",
        "subject": "Question about the sessions",
        "snippet": "Dear contact person, I work in a women's shelter and would like to join, but I can only "
                   "attend the first afternoon. Would it still make sense to apply? Kind regards, David",
    })
    rec["history"] = [
        {"at": t(13, 10, 15), "event": "mail", "detail": "intent question (needs attention)", "by": "mail"},
        {"at": t(13, 10, 15), "event": "inquiry", "detail": "new → inquired", "by": "mail"},
    ]
    store.applicants.put(rec)

    def entry(ident, kind, to, name, status, error=None):
        store.outbox.put({"id": ident, "key": f"{kind}:{to}:{ident}", "kind": kind, "to": to, "to_name": name,
                          "status": status, "created": t(13, 9), "last_error": error, "sent_at": None})

    entry(41, "invitation", "t.murphy@example.ie", "Tom Murphy", "failed",
          "550 5.1.1 <t.murphy@example.ie>: mailbox unavailable")
    entry(44, "selection", "sofia.garcia@example.es", "Sofía García", "awaiting_approval")
    entry(45, "promotion", "e.dubois@example.fr", "Élodie Dubois", "awaiting_approval")
    store.messages.put({"key": "q1", "at": t(14, 3, 12), "kind": "unparseable", "rule": "builtin:parse",
                        "intent": "none", "disposition": "quarantine", "applicant": None,
                        "reason": "no usable From header; MIME structure broken"})
    store.meta["rejected_commands"] = [
        {"at": t(13, 19, 2), "sender": "someone@example.net", "reason": "not an organiser address"}]


config_arg = os.environ["DIGEST_CONFIG"]
if config_arg:
    cfg = load(Path(config_arg))
else:
    # The shipped example event, with its state in the temp dir.
    data = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    data["mailbox"] = {"backend": "maildir", "path": str(work / "mail")}
    data["smtp"] = {"backend": "maildir", "path": str(work / "outgoing")}
    data["storage"] = {"path": str(work / "state.json")}
    data.setdefault("paths", {})["templates"] = str(root / "templates")
    (work / "config.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    cfg = load(work / "config.yaml")
tz = cfg.event.tz
store = Store(cfg.storage.path)
if not config_arg:
    seed(store, tz)
now_text = os.environ["DIGEST_NOW"] or (None if config_arg else "2022-03-14T08:00")
now = parse_now(now_text, tz) if now_text else datetime.now(tz)
since = parse_now(os.environ["DIGEST_SINCE"], tz) if os.environ["DIGEST_SINCE"] else now - timedelta(days=1)
subject, _, html = build_digest(cfg, store, Renderer(cfg), now, since, "0123456789abcdef0123")
Path(sys.argv[1]).write_text(html, encoding="utf-8")
print(f"Subject: {subject}", file=sys.stderr)
PY

# Offline and private: no network helpers, a throw-away profile.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars \
    --screenshot="$(realpath -m "$out")" --window-size="$size" "file://$html" 2>"$work/chromium.log" || {
    echo "digest_png.sh: chromium failed:" >&2
    tail -5 "$work/chromium.log" >&2
    exit 1
}
echo "wrote $out"
