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
# The pinned environment (scripts/lock.sh makes it, bootstrap.sh installs it).
LOCK="$REPO_ROOT/requirements.lock"
# Source releases whose build needs an older setuptools than the one the
# environment runs on (build-constraints.txt says why): each is built once, in
# pip's isolated build environment held back by build-constraints.txt, into
# $WHEELHOUSE and installed from there as a wheel.
OLD_SETUPTOOLS_BUILDS=(cbor2)
WHEELHOUSE="$TRACELINK_HOME/wheels"
# wkhtmltopdf with patched Qt, installed by bootstrap.sh when the system one
# is not; Odoo finds it first on PATH.
WKHTMLTOX="$TRACELINK_HOME/wkhtmltox"
export PATH="$WKHTMLTOX/bin:$PATH"
export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-$(id -un)}"

log() { printf '[tracelink] %s\n' "$*" >&2; }

# check <what> <command...>: one named check of a test script, printed as
# "ok: <what>" or "FAILED: <what>" and counted in the script's $passed and
# $failed.
check() {
  local what="$1"; shift
  if "$@"; then
    echo "ok: $what"; passed=$((${passed:-0} + 1))
  else
    echo "FAILED: $what"; failed=$((${failed:-0} + 1))
  fi
}

# build_helper_wheels <python> <requirement files>: the wheels of
# OLD_SETUPTOOLS_BUILDS at the versions these files ask for, unless built.
build_helper_wheels() {
  local py="$1" name spec; shift
  for name in "${OLD_SETUPTOOLS_BUILDS[@]}"; do
    spec="$("$py" "$REPO_ROOT/scripts/lock.py" requirement "$name" "$@")" || return 1
    [ -n "$spec" ] || continue
    "$py" -m pip --disable-pip-version-check -q wheel --no-deps \
      --build-constraint "$REPO_ROOT/build-constraints.txt" \
      --find-links "$WHEELHOUSE" -w "$WHEELHOUSE" "$spec" || {
      log "could not build $spec (with build-constraints.txt)"; return 1; }
  done
}

odoo_bin() { "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "$@"; }

# Odoo's command line options shared by the run and test scripts.
odoo_db_args() {
  local args=(--db_host "$PGHOST" --db_port "$PGPORT" --db_user "$PGUSER")
  if [ -n "${PGPASSWORD:-}" ]; then args+=(--db_password "$PGPASSWORD"); fi
  args+=(--addons-path "$ODOO_SRC/odoo/addons,$REPO_ROOT")
  printf '%s\n' "${args[@]}"
}

# product_company_step DB STEP: scripts/product_company.py, for the product
# database only (tests install the addon on a database of their own).
product_company_step() {
  local args
  mapfile -t args < <(odoo_db_args)
  TRACELINK_PRODUCT_STEP="$2" odoo_bin shell "${args[@]}" -d "$1" --no-http \
    --log-level=warn < "$REPO_ROOT/scripts/product_company.py"
}

# The addons of the product; make run installs them all (tracelink_crm_mrp
# with Manufacturing, by ensure_mrp_addon).
PRODUCT_ADDONS="tracelink_cvr,tracelink_economic,tracelink_crm,tracelink_crm_economic"

# module_state DB NAME: installed, uninstalled, ... or nothing (no database).
module_state() {
  psql -d "$1" -tAc "select state from ir_module_module where name='$2'" 2>/dev/null || true
}

# ensure_demo_db DB: the database of the product, with the Tracelink addons
# and demo data; created (about a minute) or brought up to date with the
# checkout.
ensure_demo_db() {
  local db="$1" args missing=() addon
  mapfile -t args < <(odoo_db_args)
  if [ "$(module_state "$db" tracelink_crm)" != "installed" ]; then
    log "creating database $db with the Tracelink addons and demo data (about two minutes)"
    # A Danish company before accounting is installed, so that it gets
    # Denmark's chart of accounts (l10n_dk) and DKK.
    odoo_bin "${args[@]}" -d "$db" -i base --load-language=da_DK \
      --stop-after-init --log-level=warn
    product_company_step "$db" company
    odoo_bin "${args[@]}" -d "$db" -i "$PRODUCT_ADDONS,l10n_dk" \
      --stop-after-init --log-level=warn
    product_company_step "$db" demo
  else
    for addon in ${PRODUCT_ADDONS//,/ }; do
      [ "$(module_state "$db" "$addon")" = "installed" ] || missing+=("$addon")
    done
    log "updating the Tracelink addons in database $db"
    odoo_bin "${args[@]}" -d "$db" -u "$PRODUCT_ADDONS" \
      ${missing[@]:+-i "$(IFS=,; echo "${missing[*]}")"} --stop-after-init --log-level=warn
  fi
}

# serve_odoo DB PORT LOG: a short-lived Odoo server on 127.0.0.1:PORT for
# scripts that need one (wkhtmltopdf's report styles, the screenshots); it is
# stopped when the calling script exits. Returns once the server answers.
serve_odoo() {
  local db="$1" port="$2" logfile="$3" args
  mapfile -t args < <(odoo_db_args)
  log "starting Odoo on 127.0.0.1:$port (log: $logfile)"
  "$VENV/bin/python" "$ODOO_SRC/odoo-bin" "${args[@]}" -d "$db" --db-filter "^$db\$" \
    --http-interface 127.0.0.1 --http-port "$port" --max-cron-threads 0 \
    --log-level=warn >"$logfile" 2>&1 &
  ODOO_SERVER_PID=$!
  trap 'kill "$ODOO_SERVER_PID" 2>/dev/null; wait "$ODOO_SERVER_PID" 2>/dev/null' EXIT
  for _ in $(seq 60); do
    if curl -fs -o /dev/null "http://127.0.0.1:$port/web/login"; then
      # one static file first: wkhtmltopdf's parallel requests for the report
      # styles must not be the first to make the server list the addons
      curl -fs -o /dev/null "http://127.0.0.1:$port/web/static/img/favicon.ico" || true
      return 0
    fi
    kill -0 "$ODOO_SERVER_PID" 2>/dev/null || { log "Odoo did not start: see $logfile"; return 1; }
    sleep 1
  done
  log "Odoo did not answer within a minute: see $logfile"
  return 1
}

# --- Manufacturing ------------------------------------------------------------
# ensure_mrp_addon DB: Manufacturing (mrp, sale_mrp) and the glue addon
# tracelink_crm_mrp, with its demo data, in the product database, so that
# `make run` shows a won case becoming a manufacturing order. Installed once;
# ensure_demo_db's update of the Tracelink addons updates it afterwards.
ensure_mrp_addon() {
  local db="$1" args
  mapfile -t args < <(odoo_db_args)
  if [ "$(module_state "$db" tracelink_crm_mrp)" != "installed" ]; then
    log "installing Manufacturing and tracelink_crm_mrp in database $db (a few minutes)"
    odoo_bin "${args[@]}" -d "$db" -i tracelink_crm_mrp --stop-after-init --log-level=warn
    # the Danish company again (other apps' demo renames it), their products
    # with 25 % moms, make to order turned on
    product_company_step "$db" demo
  fi
}
