#!/usr/bin/env bash
# Sets up what is missing, then starts Odoo 18 with the four Tracelink addons
# (tracelink_cvr, tracelink_economic, tracelink_crm and, with Manufacturing,
# tracelink_crm_mrp) and demo data on http://127.0.0.1:8069 (login admin,
# password admin).
#   TRACELINK_DB     database name (default tracelink_crm)
#   TRACELINK_PORT   HTTP port (default 8069)
# Extra arguments are passed to odoo-bin.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$REPO_ROOT/scripts/bootstrap.sh" || { log "setup failed: see above"; exit 1; }

DB="${TRACELINK_DB:-tracelink_crm}"
PORT="${TRACELINK_PORT:-8069}"
mapfile -t DB_ARGS < <(odoo_db_args)

ensure_demo_db "$DB" || { log "the database could not be set up"; exit 1; }
ensure_mrp_addon "$DB" || { log "Manufacturing could not be installed"; exit 1; }

log "Odoo runs on http://127.0.0.1:$PORT (login: admin, password: admin); Ctrl+C stops it"
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "${DB_ARGS[@]}" -d "$DB" --db-filter "^$DB\$" \
  --http-interface 127.0.0.1 --http-port "$PORT" "$@"
