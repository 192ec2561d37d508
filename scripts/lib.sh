# shellcheck shell=bash
# Shared settings for the tracelink_crm scripts. Sourced, never run.
#
# Everything installed lives outside the checkout, in a cache folder, so a
# fresh clone reuses it and the second run is fast:
#   TRACELINK_HOME   cache folder (default ~/.cache/tracelink_crm)
#   ODOO_SRC         a local Odoo 18.0 Community source folder (the one with
#                    odoo-bin); when unset, $TRACELINK_HOME/odoo-18.0 is used,
#                    and cloned from Odoo's public repository if missing
#   ODOO_GIT_URL     where to clone from (default https://github.com/odoo/odoo)
#   PGHOST PGPORT PGUSER PGPASSWORD   the PostgreSQL server (default 127.0.0.1:5432)

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRACELINK_HOME="${TRACELINK_HOME:-$HOME/.cache/tracelink_crm}"
ODOO_SRC="${ODOO_SRC:-$TRACELINK_HOME/odoo-18.0}"
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo}"
ODOO_NIGHTLY_URL="${ODOO_NIGHTLY_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
VENV="${TRACELINK_VENV:-$TRACELINK_HOME/venv-py311}"
PYTHON="${PYTHON:-python3.11}"
export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-$(id -un)}"

log() { printf '[tracelink] %s\n' "$*" >&2; }

odoo_bin() { "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "$@"; }

# Odoo's command line options shared by the run and test scripts.
odoo_db_args() {
  local args=(--db_host "$PGHOST" --db_port "$PGPORT" --db_user "$PGUSER")
  if [ -n "${PGPASSWORD:-}" ]; then args+=(--db_password "$PGPASSWORD"); fi
  args+=(--addons-path "$ODOO_SRC/odoo/addons,$REPO_ROOT")
  printf '%s\n' "${args[@]}"
}

# The addons of the demo database of `make run`. Manufacturing: the glue
# addon tracelink_crm_mrp brings mrp and sale_mrp with it, so the demo shows a
# won case becoming a manufacturing order.
DEMO_ADDONS="${TRACELINK_DEMO_ADDONS:-tracelink_crm,tracelink_crm_mrp}"

# ensure_demo_db DB: the database of the product, with tracelink_crm and demo
# data; created (about a minute) or brought up to date with the checkout.
ensure_demo_db() {
  local db="$1" installed args
  mapfile -t args < <(odoo_db_args)
  # up to date only when every addon of DEMO_ADDONS is installed
  installed="$(psql -d "$db" -tA -v addons="$DEMO_ADDONS" 2>/dev/null <<'SQL' || true
SELECT count(*) = cardinality(string_to_array(:'addons', ','))
  FROM ir_module_module
 WHERE state = 'installed' AND name = ANY(string_to_array(:'addons', ','))
SQL
)"
  if [ "$installed" != "t" ]; then
    log "installing $DEMO_ADDONS with demo data in database $db (a few minutes)"
    odoo_bin "${args[@]}" -d "$db" -i "$DEMO_ADDONS" \
      --load-language=da_DK --stop-after-init --log-level=warn
  else
    log "updating $DEMO_ADDONS in database $db"
    odoo_bin "${args[@]}" -d "$db" -u "$DEMO_ADDONS" --stop-after-init --log-level=warn
  fi
}
