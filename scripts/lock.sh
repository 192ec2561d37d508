#!/usr/bin/env bash
# Makes requirements.lock: every distribution of the virtual environment,
# resolved by pip from Odoo 18.0's requirements.txt (the source bootstrap.sh
# uses), requirements.txt and requirements-dev.txt, plus pip itself, for the
# python of the venv (CPython 3.11). Run it after changing a requirements file,
# then commit requirements.lock; the next `make run` or `make test` installs it.
#   bash scripts/lock.sh             keeps every version the lock pins where the
#                                    requirement files allow it: a new package
#                                    comes in at its newest fitting version
#   bash scripts/lock.sh --upgrade   re-resolves everything to the newest
#                                    versions the requirement files allow
# Resolving needs the package index and Odoo's source (ODOO_SRC); it installs
# nothing into the project's venv (a throwaway venv resolves).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

upgrade=0
case "${1:-}" in
  --upgrade) upgrade=1 ;;
  "") ;;
  *) log "usage: bash scripts/lock.sh [--upgrade]"; exit 2 ;;
esac
[ -f "$ODOO_SRC/requirements.txt" ] || {
  log "no Odoo source at $ODOO_SRC: run scripts/bootstrap.sh first, or set ODOO_SRC"; exit 1; }
FILES=("$ODOO_SRC/requirements.txt" "$REPO_ROOT/requirements.txt"
  "$REPO_ROOT/requirements-dev.txt")

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -m venv "$tmp/venv"
py="$tmp/venv/bin/python"
pip=("$py" -m pip --disable-pip-version-check -q)
args=(pip)
for f in "${FILES[@]}"; do args+=(-r "$f"); done
if [ "$upgrade" = 0 ] && [ -f "$LOCK" ]; then
  "${pip[@]}" install "$(grep -iE '^pip==' "$LOCK")"
  args+=(-c "$LOCK")
else
  "${pip[@]}" install --upgrade pip
fi
mkdir -p "$WHEELHOUSE"
build_helper_wheels "$py" "${FILES[@]}"

log "resolving ${FILES[*]}"
if ! "${pip[@]}" install --dry-run --ignore-installed --find-links "$WHEELHOUSE" \
    --report "$tmp/report.json" "${args[@]}" >/dev/null; then
  if [ "$upgrade" = 0 ]; then
    log "the requirement files and the current pins conflict (see above): bash scripts/lock.sh --upgrade"
  fi
  exit 1
fi
[ -f "$LOCK" ] && cp "$LOCK" "$tmp/old.lock" || : > "$tmp/old.lock"
"$py" "$REPO_ROOT/scripts/lock.py" write "$tmp/report.json" "$LOCK"
"$py" "$REPO_ROOT/scripts/lock.py" check "$LOCK" "${FILES[@]}"
changes="$(diff <(grep '==' "$tmp/old.lock") <(grep '==' "$LOCK") | grep '^[<>]' || true)"
if [ -n "$changes" ]; then
  log "requirements.lock: $(grep -c '==' "$LOCK") distributions; changes (< before, > now):"
  echo "$changes" >&2
else
  log "requirements.lock: $(grep -c '==' "$LOCK") distributions, unchanged"
fi
