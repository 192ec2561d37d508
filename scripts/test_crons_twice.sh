#!/usr/bin/env bash
# The Tracelink scheduled actions run twice at once on one database
# (scripts/crons_twice.py, fed to odoo-bin shell): two cron workers run the
# e-conomic import of 2,500 customers from the local e-conomic stand-in, the
# CVR clean-ups and the CVR watch (on the cvrapi.dk stand-in) at the same
# moment, without the job lock Odoo's cron
# takes, so that only the addons' own locks keep the work from being done
# twice. Passes when no partner, page or row was handled twice and nothing
# failed (no ERROR line, no traceback).
#   bash scripts/test_crons_twice.sh [DB]
# DB: a test database with tracelink_economic installed (scripts/test.sh
# passes its own; what the test makes is committed there, so once per
# database); without it, or when the addon is not installed there, a fresh
# database is made (about a minute) and dropped afterwards.
# Exit status 0 when everything held. Log: var/test-logs/crons-twice.log.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e

LOG_DIR="${TRACELINK_LOG_DIR:-$REPO_ROOT/var/test-logs}"
LOGFILE="$LOG_DIR/crons-twice.log"
mkdir -p "$LOG_DIR"
mapfile -t DB_ARGS < <(odoo_db_args)
say() { printf '[crons-twice] %s\n' "$*"; }

DB="${1:-}"
OWN_DB=""
trap '[ -z "$OWN_DB" ] || dropdb --if-exists "$OWN_DB" >/dev/null 2>&1' EXIT
if [ -z "$DB" ] || [ "$(module_state "$DB" tracelink_economic)" != installed ]; then
  OWN_DB="${TRACELINK_TEST_DB_PREFIX:-tracelink_test}_crons_$$"
  DB="$OWN_DB"
  say "installing tracelink_economic in a fresh database $DB"
  odoo_bin "${DB_ARGS[@]}" -d "$DB" -i tracelink_economic --without-demo=all \
    --stop-after-init --no-http --log-level=warn > "$LOG_DIR/crons-twice-install.log" 2>&1 \
    || { say "FAILED: tracelink_economic could not be installed (see $LOG_DIR/crons-twice-install.log)"; exit 1; }
fi

say "two cron workers at once on $DB"
odoo_bin shell "${DB_ARGS[@]}" -d "$DB" --no-http --log-level=warn \
  < "$REPO_ROOT/scripts/crons_twice.py" > "$LOGFILE" 2>&1
grep '^\[crons-twice\]' "$LOGFILE"
if grep -q '^\[crons-twice\] passed' "$LOGFILE" && ! grep -q 'Traceback' "$LOGFILE"; then
  exit 0
fi
say "FAILED (log: $LOGFILE)"
grep -n -m 20 -E 'Traceback|ERROR|CRITICAL' "$LOGFILE"
exit 1
