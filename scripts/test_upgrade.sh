#!/usr/bin/env bash
# The upgrade from release 18.0.1.1.0, when tracelink_crm was one addon (CVR
# register and e-conomic inside), to the checkout: a database of that
# release upgraded with `-u tracelink_crm` keeps every figure.
#   1. the release's tracelink_crm from git history (the last commit on the
#      first-parent line of HEAD whose tracelink_crm/__manifest__.py says
#      18.0.1.1.0 and that has no tracelink_cvr yet; TRACELINK_UPGRADE_FROM
#      names another commit), `git archive`d into a temporary folder
#   2. a new database with it (no demo data), filled through its ORM by
#      scripts/upgrade_old_data.py: two companies, their settings, an
#      e-conomic import under way, companies with CVR data and e-conomic
#      numbers (own and shared), open, Won, Lost and archived cases, orders
#   3. the figures of scripts/upgrade_figures.py read (before)
#   4. odoo-bin -u tracelink_crm with the checkout's addons; its log must
#      hold no error
#   5. the figures read again (after) and compared: the table, each row
#      counted
#   6. a copy of the database as installed (e-conomic never used) upgraded
#      too: tracelink_economic stays out, e-conomic's columns and scheduled
#      import go, and the log holds no error
#   7. a new installation of tracelink_crm and tracelink_economic: the
#      upgraded database has exactly its external ids (every record moved to
#      its addon, none left behind, none made twice)
# The last line: "upgrade: N passed, N failed".
# Without git history to find the release in (a shallow clone, no .git),
# the last line is "upgrade: NOT RUN (<why>)" and the exit status 0.
# About three minutes on a 2-core machine.
#   TRACELINK_UPGRADE_DB   the throwaway database (default tracelink_upgrade_<pid>;
#                          its copy without e-conomic is <it>_plain, the new
#                          installation <it>_new)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e

DB="${TRACELINK_UPGRADE_DB:-tracelink_upgrade_$$}"
PLAIN_DB="${DB}_plain"
FRESH_DB="${DB}_new"
LOG_DIR="${TRACELINK_LOG_DIR:-$REPO_ROOT/var/test-logs}"
OLD="$(mktemp -d)"
passed=0
failed=0
mkdir -p "$LOG_DIR"
finish() {
  dropdb --if-exists "$DB" >/dev/null 2>&1
  dropdb --if-exists "$PLAIN_DB" >/dev/null 2>&1
  dropdb --if-exists "$FRESH_DB" >/dev/null 2>&1
  rm -rf "$OLD"
}
trap finish EXIT
not_run() { echo "upgrade: NOT RUN ($*)"; exit 0; }
step() { log "upgrade (${SECONDS}s): $*"; }

# --- 1. the release in git history ----------------------------------------
git -C "$REPO_ROOT" rev-parse --git-dir >/dev/null 2>&1 || not_run "no git repository"
[ "$(git -C "$REPO_ROOT" rev-parse --is-shallow-repository)" = false ] \
  || not_run "a shallow clone: release 18.0.1.1.0 is not in its history"
release_commit() {
  local commit
  for commit in $(git -C "$REPO_ROOT" rev-list --first-parent HEAD); do
    git -C "$REPO_ROOT" cat-file -e "$commit:tracelink_cvr/__manifest__.py" 2>/dev/null \
      && continue
    if git -C "$REPO_ROOT" show "$commit:tracelink_crm/__manifest__.py" 2>/dev/null \
      | grep -q '"version": "18.0.1.1.0"'; then
      echo "$commit"; return 0
    fi
  done
  return 1
}
FROM="${TRACELINK_UPGRADE_FROM:-$(release_commit)}"
[ -n "$FROM" ] || not_run "release 18.0.1.1.0 of tracelink_crm is not in the history of HEAD"
git -C "$REPO_ROOT" archive "$FROM" tracelink_crm | tar -x -C "$OLD" \
  || not_run "git archive $FROM failed"
step "release 18.0.1.1.0: commit $(git -C "$REPO_ROOT" rev-parse --short "$FROM")"

mapfile -t NEW_ARGS < <(odoo_db_args)
OLD_ARGS=()
for arg in "${NEW_ARGS[@]}"; do
  OLD_ARGS+=("${arg/"$REPO_ROOT"/$OLD}")
done
shell() {  # shell <args...> < script: odoo-bin shell on $DB
  odoo_bin shell "$@" -d "$DB" --no-http --log-level=warn
}
figures() {  # figures <before|after> <addons args...>
  local side="$1"; shift
  TRACELINK_UPGRADE_SIDE="$side" TRACELINK_UPGRADE_OUT="$LOG_DIR/upgrade-$side.json" \
    shell "$@" < "$REPO_ROOT/scripts/upgrade_figures.py" > "$LOG_DIR/upgrade-figures-$side.log" 2>&1 \
    && [ -s "$LOG_DIR/upgrade-$side.json" ]
}
clean_log() { ! grep -E "ERROR|CRITICAL|Traceback" "$1"; }

# --- 2. a database of the release -------------------------------------------
dropdb --if-exists "$DB" >/dev/null 2>&1
dropdb --if-exists "$PLAIN_DB" >/dev/null 2>&1
dropdb --if-exists "$FRESH_DB" >/dev/null 2>&1
rm -f "$LOG_DIR"/upgrade-{before,after}.json
step "installing release 18.0.1.1.0 of tracelink_crm in $DB"
odoo_bin "${OLD_ARGS[@]}" -d "$DB" -i tracelink_crm --without-demo=all --no-http \
  --stop-after-init --log-level=warn > "$LOG_DIR/upgrade-install.log" 2>&1
check "release 18.0.1.1.0 installed" [ "$(module_state "$DB" tracelink_crm)" = installed ]
[ "$failed" -eq 0 ] || { echo "upgrade: $passed passed, $failed failed"; exit 1; }
# a copy as it is installed: a database that never used e-conomic
createdb -T "$DB" "$PLAIN_DB"
step "its data, through its ORM (scripts/upgrade_old_data.py)"
shell "${OLD_ARGS[@]}" < "$REPO_ROOT/scripts/upgrade_old_data.py" \
  > "$LOG_DIR/upgrade-data.log" 2>&1
check "the release's data made (see $LOG_DIR/upgrade-data.log)" grep -q '^made ' "$LOG_DIR/upgrade-data.log"

# --- 3.-5. figures, upgrade, figures -------------------------------------------
step "figures before"
check "figures read before the upgrade" figures before "${OLD_ARGS[@]}"
step "odoo-bin -u tracelink_crm with the checkout"
odoo_bin "${NEW_ARGS[@]}" -d "$DB" -u tracelink_crm --no-http --stop-after-init \
  --log-level=warn > "$LOG_DIR/upgrade-update.log" 2>&1
check "-u tracelink_crm ran without an error (see $LOG_DIR/upgrade-update.log)" \
  clean_log "$LOG_DIR/upgrade-update.log"
step "figures after"
check "figures read after the upgrade" figures after "${NEW_ARGS[@]}"
if [ -s "$LOG_DIR/upgrade-before.json" ] && [ -s "$LOG_DIR/upgrade-after.json" ]; then
  "$VENV/bin/python" "$REPO_ROOT/scripts/upgrade_figures.py" \
    "$LOG_DIR/upgrade-before.json" "$LOG_DIR/upgrade-after.json" > "$LOG_DIR/upgrade-figures.md"
  cat "$LOG_DIR/upgrade-figures.md"
  read -r _ p _ f _ < <(grep -E '^figures: [0-9]+ passed, [0-9]+ failed$' "$LOG_DIR/upgrade-figures.md")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1}))
fi

# --- 6. without e-conomic ------------------------------------------------------
step "-u tracelink_crm on a database that never used e-conomic"
odoo_bin "${NEW_ARGS[@]}" -d "$PLAIN_DB" -u tracelink_crm --no-http --stop-after-init \
  --log-level=warn > "$LOG_DIR/upgrade-plain.log" 2>&1
check "without e-conomic: -u tracelink_crm ran without an error (see $LOG_DIR/upgrade-plain.log)" \
  clean_log "$LOG_DIR/upgrade-plain.log"
check "without e-conomic: tracelink_cvr installed, tracelink_economic not" \
  [ "$(module_state "$PLAIN_DB" tracelink_cvr) $(module_state "$PLAIN_DB" tracelink_economic)" \
    = "installed uninstalled" ]
check "without e-conomic: no e-conomic column left, nor its scheduled import" \
  [ "$(psql -d "$PLAIN_DB" -tAc "SELECT
      (SELECT count(*) FROM information_schema.columns WHERE column_name LIKE 'economic%'
        AND table_name IN ('res_partner', 'res_company'))
      + (SELECT count(*) FROM ir_model_data WHERE name = 'ir_cron_economic_import_customers')")" = 0 ]

# --- 7. the external ids of a new installation -----------------------------------
step "a new installation of tracelink_crm and tracelink_economic, to compare"
odoo_bin "${NEW_ARGS[@]}" -d "$FRESH_DB" -i tracelink_crm,tracelink_economic \
  --without-demo=all --no-http --stop-after-init --log-level=warn \
  > "$LOG_DIR/upgrade-fresh.log" 2>&1
external_ids() {
  psql -d "$1" -tAc "SELECT module || '.' || name || ' ' || model FROM ir_model_data
    WHERE module LIKE 'tracelink%' ORDER BY 1"
}
same_external_ids() {
  diff <(external_ids "$DB") <(external_ids "$FRESH_DB") > "$LOG_DIR/upgrade-external-ids.diff" \
    && [ "$(module_state "$FRESH_DB" tracelink_economic)" = installed ]
}
check "the upgraded database has the external ids of a new installation, no more, no fewer (see $LOG_DIR/upgrade-external-ids.diff)" \
  same_external_ids

echo "upgrade: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
