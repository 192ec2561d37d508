#!/usr/bin/env bash
# Runs a benchmark script (bench/*.py, fed to `odoo-bin shell`) on a throwaway
# database with tracelink_crm and tracelink_economic installed (no demo data;
# BENCH_ADDONS names other addons), then drops it.
#   bash scripts/bench.sh bench/bench_status_totals.py
# bench/bench_vs_core.py makes its own two databases (Odoo's crm + sale_crm
# only, and tracelink_crm) and prints one table comparing them:
#   bash scripts/bench.sh bench/bench_vs_core.py
# bench/bench_load.py makes its own database and starts a multi-worker server
# on it (BENCH_PORT and the port after it, default 8177 and 8178):
#   bash scripts/bench.sh bench/bench_load.py
# Environment variables are passed through (e.g. BENCH_CASES=10000;
# BENCH_DB_PREFIX names the throwaway databases, default tracelink_bench;
# BENCH_PORT the port of the server a benchmark rendering PDFs gets).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

script="${1:?usage: scripts/bench.sh bench/<name>.py}"
[ -f "$script" ] || { log "no such benchmark: $script"; exit 2; }
bash "$REPO_ROOT/scripts/bootstrap.sh" || { log "setup failed: see above"; exit 1; }

if [ "$(basename "$script")" = bench_vs_core.py ] || [ "$(basename "$script")" = bench_load.py ]; then
  # builds its own databases (and server) and drops them
  BENCH_PYTHON="$VENV/bin/python" BENCH_ODOO_BIN="$ODOO_SRC/odoo-bin" \
    BENCH_ODOO_ARGS="$(odoo_db_args)" exec "$VENV/bin/python" "$script"
fi

DB="${BENCH_DB_PREFIX:-tracelink_bench}_$$"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1' EXIT
mapfile -t DB_ARGS < <(odoo_db_args)
ADDONS="${BENCH_ADDONS:-tracelink_crm,tracelink_economic}"
log "installing $ADDONS in $DB"
odoo_bin "${DB_ARGS[@]}" -d "$DB" -i "$ADDONS" --without-demo=all \
  --stop-after-init --log-level=warn
# A benchmark that renders PDFs (it reads BENCH_REPORT_URL) gets the database
# served for wkhtmltopdf's report styles, on BENCH_PORT (default 8177).
if grep -q BENCH_REPORT_URL "$script"; then
  serve_odoo "$DB" "${BENCH_PORT:-8177}" "$REPO_ROOT/var/bench_server.log" || exit 1
  trap 'kill "$ODOO_SERVER_PID" 2>/dev/null; wait "$ODOO_SERVER_PID" 2>/dev/null
        dropdb --if-exists "$DB" >/dev/null 2>&1' EXIT
  export BENCH_REPORT_URL="http://127.0.0.1:${BENCH_PORT:-8177}"
fi
log "running $script"
odoo_bin shell "${DB_ARGS[@]}" -d "$DB" --log-level=warn < "$script"
