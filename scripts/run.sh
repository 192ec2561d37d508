#!/usr/bin/env bash
# Sets up what is missing, then starts Odoo 18 with tracelink_crm and demo
# data on http://127.0.0.1:8069 (login admin, password admin).
#   TRACELINK_DB     database name (default tracelink_crm)
#   TRACELINK_PORT   HTTP port (default 8069)
# Extra arguments are passed to odoo-bin.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$REPO_ROOT/scripts/bootstrap.sh" || { log "setup failed: see above"; exit 1; }

DB="${TRACELINK_DB:-tracelink_crm}"
PORT="${TRACELINK_PORT:-8069}"
mapfile -t DB_ARGS < <(odoo_db_args)

installed="$(psql -d "$DB" -tAc "select state from ir_module_module where name='tracelink_crm'" 2>/dev/null || true)"
if [ "$installed" != "installed" ]; then
  log "creating database $DB with tracelink_crm and demo data (about a minute)"
  odoo_bin "${DB_ARGS[@]}" -d "$DB" -i tracelink_crm \
    --load-language=da_DK --stop-after-init --log-level=warn
else
  log "updating tracelink_crm in database $DB"
  odoo_bin "${DB_ARGS[@]}" -d "$DB" -u tracelink_crm --stop-after-init --log-level=warn
fi

log "Odoo runs on http://127.0.0.1:$PORT (login: admin, password: admin); Ctrl+C stops it"
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "${DB_ARGS[@]}" -d "$DB" --db-filter "^$DB\$" \
  --http-interface 127.0.0.1 --http-port "$PORT" "$@"
