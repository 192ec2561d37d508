#!/usr/bin/env bash
# Odoo as production runs it: 2 HTTP workers, a cron worker and the websocket
# (gevent) process, on a database with tracelink_crm. A salesperson logs in
# over HTTP, opens the websocket and must receive the bus notification of a
# case a sales manager assigns to them (scripts/multiworker_client.py); then
# the server's log of the run must show all processes started and hold no
# traceback, no DistributionNotFound, no ERROR or CRITICAL line.
#   bash scripts/test_multiworker.sh [DB]
# DB: a database with tracelink_crm installed (scripts/test.sh passes its own);
# without it, or when the addon is not installed there, a fresh database is
# made (about two minutes) and dropped afterwards. The server is stopped on
# exit, whatever happens.
#   TRACELINK_MULTIWORKER_PORT         HTTP port (default TRACELINK_TEST_PORT + 1,
#                                      or 8170)
#   TRACELINK_MULTIWORKER_GEVENT_PORT  websocket port (default HTTP port + 1)
#   TRACELINK_MULTIWORKER_TIMEOUT      seconds to wait for the server to answer
#                                      and for the notification (default 120, 60)
# Exit status 0 when everything held. Log: var/test-logs/odoo-multiworker.log.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e

PORT="${TRACELINK_MULTIWORKER_PORT:-$((${TRACELINK_TEST_PORT:-8169} + 1))}"
GEVENT_PORT="${TRACELINK_MULTIWORKER_GEVENT_PORT:-$((PORT + 1))}"
START_TIMEOUT="${TRACELINK_MULTIWORKER_TIMEOUT:-120}"
LOG_DIR="${TRACELINK_LOG_DIR:-$REPO_ROOT/var/test-logs}"
LOGFILE="$LOG_DIR/odoo-multiworker.log"
mkdir -p "$LOG_DIR"
mapfile -t DB_ARGS < <(odoo_db_args)

say() { printf '[multiworker] %s\n' "$*"; }
# the server log's errors (at most 20 lines)
log_errors() {
  grep -nE 'Traceback|DistributionNotFound|^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' \
    "$LOGFILE" 2>/dev/null | head -20
}
fail() { say "FAIL: $*"; log_errors; exit 1; }

DB="${1:-}"
OWN_DB=""
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    # the server's own process group: its workers and the websocket process
    kill -KILL -- "-$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  if [ -n "$OWN_DB" ]; then dropdb --if-exists "$OWN_DB" >/dev/null 2>&1; fi
}
trap cleanup EXIT

installed="$(psql -d "${DB:-postgres}" -tAc \
  "select state from ir_module_module where name='tracelink_crm'" 2>/dev/null || true)"
if [ -z "$DB" ] || [ "$installed" != installed ]; then
  OWN_DB="tracelink_test_mw_$$"
  DB="$OWN_DB"
  say "installing tracelink_crm in a fresh database $DB"
  odoo_bin "${DB_ARGS[@]}" -d "$DB" -i tracelink_crm --without-demo=all \
    --stop-after-init --http-port "$PORT" --log-level=warn > "$LOG_DIR/odoo-multiworker-install.log" 2>&1 \
    || fail "tracelink_crm could not be installed (see $LOG_DIR/odoo-multiworker-install.log)"
fi

say "starting Odoo on $DB: 2 workers, 1 cron worker, HTTP 127.0.0.1:$PORT, websocket :$GEVENT_PORT"
# its own process group (setsid), so that the workers and the websocket
# process it forks are stopped with it
setsid "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "${DB_ARGS[@]}" -d "$DB" --db-filter "^$DB\$" \
  --http-interface 127.0.0.1 --http-port "$PORT" --gevent-port "$GEVENT_PORT" \
  --workers 2 --max-cron-threads 1 --log-level=info > "$LOGFILE" 2>&1 &
SERVER_PID=$!

deadline=$((SECONDS + START_TIMEOUT))
until curl -fs -o /dev/null --max-time 10 "http://127.0.0.1:$PORT/web/health" \
    && curl -fs -o /dev/null --max-time 10 "http://127.0.0.1:$GEVENT_PORT/websocket/health"; do
  kill -0 "$SERVER_PID" 2>/dev/null || fail "Odoo stopped at start (see $LOGFILE)"
  [ "$SECONDS" -lt "$deadline" ] || fail "Odoo did not answer within $START_TIMEOUT s (see $LOGFILE)"
  sleep 1
done

client_rc=0
"$VENV/bin/python" "$REPO_ROOT/scripts/multiworker_client.py" \
  --url "http://127.0.0.1:$PORT" --ws-url "ws://127.0.0.1:$GEVENT_PORT" --db "$DB" \
  --timeout "${TRACELINK_MULTIWORKER_NOTIFY_TIMEOUT:-60}" || client_rc=$?

cleanup
SERVER_PID=""

problems=()
[ "$client_rc" -eq 0 ] || problems+=("the salesperson did not receive the assignment over the websocket")
[ "$(grep -c 'Worker WorkerHTTP ([0-9]*) alive' "$LOGFILE")" -ge 2 ] \
  || problems+=("fewer than 2 HTTP workers started")
grep -q 'Worker WorkerCron ([0-9]*) alive' "$LOGFILE" || problems+=("no cron worker started")
grep -q "Evented Service (longpolling) running on 127.0.0.1:$GEVENT_PORT" "$LOGFILE" \
  || problems+=("no websocket process started")
bad="$(log_errors)"
[ -z "$bad" ] || problems+=("the server log holds errors:
$bad")
if [ ${#problems[@]} -gt 0 ]; then
  for p in "${problems[@]}"; do say "FAIL: $p"; done
  say "server log: $LOGFILE"
  exit 1
fi
say "passed: notification received over the websocket, log clean ($LOGFILE)"
