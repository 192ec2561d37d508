#!/usr/bin/env bash
# Sets up what is missing, then starts Odoo 18 with the four Tracelink addons
# (tracelink_cvr, tracelink_economic, tracelink_crm and, with Manufacturing,
# tracelink_crm_mrp) and demo data on http://127.0.0.1:8069 (login admin,
# password admin).
#   TRACELINK_DB     database name (default tracelink_crm)
#   TRACELINK_PORT   HTTP port (default 8069)
#   TRACELINK_WORKERS=N   run as in production (README, Production): N HTTP
#                    worker processes, a cron worker and the websocket (gevent)
#                    process; without it, Odoo's single-process mode
#   TRACELINK_CRON_WORKERS   cron workers with TRACELINK_WORKERS (default 1)
#   TRACELINK_GEVENT_PORT    websocket port with TRACELINK_WORKERS (default
#                    TRACELINK_PORT + 3, as Odoo's 8072 beside 8069)
# Extra arguments are passed to odoo-bin.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$REPO_ROOT/scripts/bootstrap.sh" || { log "setup failed: see above"; exit 1; }

DB="${TRACELINK_DB:-tracelink_crm}"
PORT="${TRACELINK_PORT:-8069}"
if [ -n "${TRACELINK_WORKERS:-}" ] && ! [[ "$TRACELINK_WORKERS" =~ ^[1-9][0-9]*$ ]]; then
  log "TRACELINK_WORKERS=$TRACELINK_WORKERS: give the number of HTTP workers (1 or more)"
  exit 1
fi
mapfile -t DB_ARGS < <(odoo_db_args)

ensure_demo_db "$DB" || { log "the database could not be set up"; exit 1; }
ensure_mrp_addon "$DB" || { log "Manufacturing could not be installed"; exit 1; }

MODE=()
if [ -n "${TRACELINK_WORKERS:-}" ]; then
  GEVENT_PORT="${TRACELINK_GEVENT_PORT:-$((PORT + 3))}"
  MODE=(--workers "$TRACELINK_WORKERS" --max-cron-threads "${TRACELINK_CRON_WORKERS:-1}"
    --gevent-port "$GEVENT_PORT")
  log "$TRACELINK_WORKERS HTTP workers, ${TRACELINK_CRON_WORKERS:-1} cron worker(s), websocket on 127.0.0.1:$GEVENT_PORT:"
  log "live updates need a proxy that sends /websocket there (README, Production)"
fi
log "Odoo runs on http://127.0.0.1:$PORT (login: admin, password: admin); Ctrl+C stops it"
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "${DB_ARGS[@]}" -d "$DB" --db-filter "^$DB\$" \
  --http-interface 127.0.0.1 --http-port "$PORT" "${MODE[@]}" "$@"
