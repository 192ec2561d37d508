#!/usr/bin/env bash
# Sets up what is missing, then runs every test of the Tracelink addons:
#   1. lint (make lint: pre-commit with ruff, pylint-odoo, the OCA's checks)
#   2. tests without Odoo (pytest tests/)
#   3. Odoo tests on real Odoo 18 + PostgreSQL, in fresh databases dropped
#      afterwards: each addon installed alone with only its dependencies and
#      without demo data, its own tests (at install and post install) run
#      there by Odoo's runner (then Odoo's crm and sale_crm tests in the
#      tracelink_crm database); then one database with demo data and every
#      addon, where every addon's tests run again through pytest-odoo
#      (browser tours included), Odoo's sale_mrp tests, a multi-worker
#      server (scripts/test_multiworker.sh) and the scheduled actions run
#      twice at once (scripts/test_crons_twice.sh)
#   4. a database of release 18.0.1.1.0 (one addon) upgraded with
#      -u tracelink_crm, every figure compared (scripts/test_upgrade.sh; not
#      run without git history, e.g. a shallow clone: the summary says so)
#   5. the addons installed from their wheels alone (scripts/test_wheels.sh)
# Where Odoo cannot be set up, 1 and 2 still run and the summary says what was
# skipped and why. Exit status: 0 only when everything that ran passed.
#   TRACELINK_TEST_TAGS   restrict the Odoo tests (odoo-bin --test-tags syntax):
#                         an addon's own database runs only when the tags name
#                         it; the database of all addons runs them by Odoo's
#                         runner; Odoo's own suites, the multi-worker server,
#                         the scheduled actions twice at once, the upgrade
#                         and the wheels do not run
#   TRACELINK_SKIP_ODOO_SUITE=1   skip Odoo's own crm/sale_crm/sale_mrp tests
#   TRACELINK_MRP_FULL_SUITE=1    also run Odoo's mrp tests (long)
#   TRACELINK_SKIP_UPGRADE=1      skip the upgrade test
#   TRACELINK_SKIP_WHEELS=1       skip the wheel install test
#   TRACELINK_TEST_DB_PREFIX      names of the throwaway databases (default
#                                 tracelink_test: tracelink_test_cvr_<pid>, ...)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e

mapfile -t ADDONS < <(cd "$REPO_ROOT" && for m in */__manifest__.py; do dirname "$m"; done)
LOG_DIR="${TRACELINK_LOG_DIR:-$REPO_ROOT/var/test-logs}"
mkdir -p "$LOG_DIR"
summary=()
failed=0
passed_total=0
failed_total=0
skipped_total=0
note() { summary+=("$*"); }
count() {  # count <label> <passed> <failed> [skipped]
  passed_total=$((passed_total + $2)); failed_total=$((failed_total + $3))
  skipped_total=$((skipped_total + ${4:-0}))
  note "$1: $2 passed, $3 failed${4:+, $4 skipped}"
  [ "$3" -eq 0 ] || failed=1
}

bash "$REPO_ROOT/scripts/bootstrap.sh" 2> >(tee "$LOG_DIR/bootstrap.log" >&2)
boot=$?
PY="$VENV/bin/python"
if [ ! -x "$PY" ]; then
  log "no virtual environment could be built: falling back to $PYTHON"
  PY="$PYTHON"
fi

# 1. lint ---------------------------------------------------------------
# make lint: pre-commit on all files (.pre-commit-config.yaml: ruff,
# pylint-odoo, the OCA's checks), its hooks cached in ~/.cache/pre-commit.
if [ -x "$VENV/bin/pre-commit" ]; then
  t0=$SECONDS
  if (cd "$REPO_ROOT" && "$VENV/bin/pre-commit" run --all-files --show-diff-on-failure); then
    note "lint (pre-commit): clean ($((SECONDS - t0)) s)"
  else
    note "lint (pre-commit): problems found (see above)"; failed=1
  fi
else
  note "lint (pre-commit): NOT RUN (not installed)"; failed=1
fi

# 2. tests without Odoo --------------------------------------------------
pytest_log="$LOG_DIR/pytest.log"
(cd "$REPO_ROOT" && "$PY" -m pytest tests -q -p no:cacheprovider -p no:odoo) 2>&1 | tee "$pytest_log"
pytest_rc=${PIPESTATUS[0]}
p=$(grep -Eo '[0-9]+ passed' "$pytest_log" | tail -1 | cut -d' ' -f1)
f=$(grep -Eo '[0-9]+ (failed|error)' "$pytest_log" | awk '{s+=$1} END {print s+0}')
s=$(grep -Eo '[0-9]+ skipped' "$pytest_log" | tail -1 | cut -d' ' -f1)
if [ "$pytest_rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then f=1; fi
count "pytest (no Odoo)" "${p:-0}" "${f:-0}" "${s:-0}"

# 3. Odoo tests ----------------------------------------------------------
skipped_notes=()
odoo_count() {  # odoo_count <label> <log>: counts from Odoo's closing test report
  local log="$2" line fails errors run skips
  line=$(grep -Eo '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$log" | tail -1)
  if [ -z "$line" ]; then
    count "$1 (no test report: Odoo did not start or install, see $log)" 0 1
    return
  fi
  read -r fails _ errors _ _ run _ <<<"$line"
  # a skipped test is logged by its own module (see test_logs)
  skips=$(grep -Ec '\.tests\.[A-Za-z0-9_.]+: skipped ' "$log")
  if [ "$run" -eq 0 ]; then errors=$((errors + 1)); fi
  count "$1" "$((run - fails - errors - skips))" "$((fails + errors))" "$skips"
  while IFS= read -r skip; do
    skipped_notes+=("$1: ${skip#*: skipped }")
  done < <(grep -E '\.tests\.[A-Za-z0-9_.]+: skipped ' "$log")
}

# test_logs <module>...: log handlers that show the INFO lines of those
# modules' tests, where Odoo reports a skipped test and why.
test_logs() {
  local module
  for module in "$@"; do printf -- '--log-handler=odoo.addons.%s.tests:INFO\n' "$module"; done
}

# odoo_at_install <label> <modules> <db> <log>: the at_install tests of some
# modules on the complete registry of <db> (scripts/odoo_suite.py), counted.
odoo_at_install() {
  local line p f s
  TRACELINK_SUITE_MODULES="$2" odoo_bin shell "${DB_ARGS[@]}" -d "$3" \
    --log-level=warn --log-handler=odoo.tests.result:INFO \
    < "$REPO_ROOT/scripts/odoo_suite.py" > "$4" 2>&1
  grep -E "ERROR|CRITICAL|FAIL|Traceback" "$4" | head -100
  line=$(grep -E '^odoo-at_install: ' "$4" | tail -1)
  if [ -n "$line" ]; then
    read -r _ p _ f _ s _ <<<"$line"
    count "$1" "$p" "$f" "$s"
  else
    count "$1 (runner broke, see $4)" 0 1
  fi
}

# odoo_tests <label> <db> <log> <odoo-bin options...>: one Odoo run, counted.
odoo_tests() {
  local label="$1" db="$2" log="$3"
  shift 3
  odoo_bin "${DB_ARGS[@]}" -d "$db" "${RUN[@]}" "$@" > "$log" 2>&1
  grep -E "ERROR|CRITICAL|FAIL|Traceback|odoo.tests.stats" "$log" | head -200
  odoo_count "$label" "$log"
}

# names_addon <addon>: true when TRACELINK_TEST_TAGS is unset or names it.
names_addon() {
  [ -z "${TRACELINK_TEST_TAGS:-}" ] || [[ ",$TRACELINK_TEST_TAGS" =~ [,/]$1([.:,]|$) ]]
}

# --- pytest-odoo ---------------------------------------------------------------
# pytest_odoo <label> <db> <addon folder>...: the Odoo tests of the addons
# (<addon>/tests) run by pytest-odoo against <db>, where they are installed,
# browser tours included (--odoo-http, on TRACELINK_TEST_PORT: conftest.py);
# counted from pytest's closing line, a skipped test as skipped. README
# "Tests with pytest-odoo" shows the same command for one test.
pytest_odoo() {
  local label="$1" db="$2" log="$LOG_DIR/pytest-odoo-$2.log" tests=() extra=() rc line p f e s
  local t0=$SECONDS
  shift 2
  for addon in "$@"; do tests+=("$addon/tests"); done
  extra=(--odoo-extra=db_host="$PGHOST" --odoo-extra=db_port="$PGPORT" --odoo-extra=db_user="$PGUSER")
  if [ -n "${PGPASSWORD:-}" ]; then extra+=(--odoo-extra=db_password="$PGPASSWORD"); fi
  log "pytest-odoo: ${tests[*]} against $db"
  (cd "$REPO_ROOT" && PYTHONPATH="$ODOO_SRC" TRACELINK_TEST_PORT="${TRACELINK_TEST_PORT:-8169}" \
    "$PY" -m pytest -p odoo -p no:cacheprovider -q -rfEs --odoo-database="$db" \
    --odoo-addons-path="$ODOO_SRC/odoo/addons,$REPO_ROOT" --odoo-http \
    --odoo-extra=http-interface=127.0.0.1 "${extra[@]}" "${tests[@]}") > "$log" 2>&1
  rc=$?
  grep -E '^(FAILED|ERROR|SKIPPED) ' "$log" | head -100
  line=$(grep -E '[0-9]+ (passed|failed|errors?|skipped).* in [0-9.]+s' "$log" | tail -1)
  p=$(grep -Eo '[0-9]+ passed' <<<"$line" | cut -d' ' -f1)
  f=$(grep -Eo '[0-9]+ failed' <<<"$line" | cut -d' ' -f1)
  e=$(grep -Eo '[0-9]+ errors?' <<<"$line" | cut -d' ' -f1)
  s=$(grep -Eo '[0-9]+ skipped' <<<"$line" | cut -d' ' -f1)
  f=$(( ${f:-0} + ${e:-0} ))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    label="$label (pytest exit $rc, see $log)"; f=1
  fi
  count "$label in $((SECONDS - t0)) s" "${p:-0}" "$f" "${s:-0}"
}
# --- end pytest-odoo -----------------------------------------------------------

if [ "$boot" -ne 0 ]; then
  n_odoo=$(cd "$REPO_ROOT" && grep -rhE '^\s+def test_' $(printf '%s/tests ' "${ADDONS[@]}") | wc -l)
  why=$(grep -h '^\[tracelink\]' "$LOG_DIR/bootstrap.log" | tail -2 | sed 's/^\[tracelink\] //' | paste -sd ';' -)
  note "Odoo tests: NOT RUN ($n_odoo tests of the Tracelink addons, and Odoo's crm, sale_crm and sale_mrp tests): Odoo 18.0 could not be set up: $why"
  skipped_total=$((skipped_total + n_odoo))
  failed=1
elif ! psql -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  note "Odoo tests: NOT RUN: PostgreSQL at $PGHOST:$PGPORT does not answer"
  failed=1
else
  DB_PREFIX="${TRACELINK_TEST_DB_PREFIX:-tracelink_test}"
  DBS=()
  trap 'for db in "${DBS[@]}"; do dropdb --if-exists "$db" >/dev/null 2>&1; done' EXIT
  mapfile -t DB_ARGS < <(odoo_db_args)
  RUN=(--stop-after-init --http-interface 127.0.0.1
       --http-port "${TRACELINK_TEST_PORT:-8169}"
       --log-level=warn --log-handler=odoo.tests.stats:INFO
       --log-handler=odoo.tests.result:INFO)
  suites=1
  if [ -n "${TRACELINK_TEST_TAGS:-}" ]; then
    suites=0
    note "Odoo's crm/sale_crm/sale_mrp tests: NOT RUN (targeted run: TRACELINK_TEST_TAGS set)"
  elif [ "${TRACELINK_SKIP_ODOO_SUITE:-0}" = 1 ]; then
    suites=0
    note "Odoo's crm/sale_crm/sale_mrp tests: NOT RUN (TRACELINK_SKIP_ODOO_SUITE=1)"
  fi

  # Each addon alone, with only its dependencies, without demo data: its
  # tests may count on nothing another addon brings.
  for addon in tracelink_cvr tracelink_economic tracelink_crm; do
    if ! names_addon "$addon"; then
      note "odoo $addon (alone): NOT RUN (TRACELINK_TEST_TAGS names other addons)"
      continue
    fi
    db="${DB_PREFIX}_${addon#tracelink_}_$$"
    DBS+=("$db")
    log "Odoo: installing $addon alone in $db and running its tests"
    mapfile -t logs < <(test_logs "$addon")
    odoo_tests "odoo $addon (alone)" "$db" "$LOG_DIR/odoo-$addon.log" \
      --without-demo=all -i "$addon" --test-enable \
      --test-tags "${TRACELINK_TEST_TAGS:-/$addon}" "${logs[@]}"
    if [ "$addon" = tracelink_crm ] && [ "$suites" = 1 ]; then
      log "Odoo: running Odoo's own crm and sale_crm tests with tracelink_crm installed"
      mapfile -t logs < <(test_logs crm sale_crm)
      odoo_tests "odoo crm+sale_crm post_install" "$db" "$LOG_DIR/odoo-crm-post.log" \
        --test-enable --test-tags /crm,/sale_crm "${logs[@]}"
      odoo_at_install "odoo crm+sale_crm at_install" crm,sale_crm "$db" \
        "$LOG_DIR/odoo-crm-at.log"
    fi
    dropdb --if-exists "$db" >/dev/null 2>&1
  done

  # Every addon together with demo data, as Odoo's own CI and the product
  # database of `make run` have them: every addon's tests again (no test may
  # depend on what else is in the database), through pytest-odoo as a
  # developer runs one of them (Odoo's runner for a targeted run); then
  # Odoo's own sale_mrp tests (and mrp's with TRACELINK_MRP_FULL_SUITE=1).
  ALL_DB="${DB_PREFIX}_all_$$"
  DBS+=("$ALL_DB")
  if [ -n "${TRACELINK_TEST_TAGS:-}" ]; then
    log "Odoo: installing ${ADDONS[*]} with demo data in $ALL_DB and running the tests named"
    mapfile -t logs < <(test_logs "${ADDONS[@]}")
    odoo_tests "odoo all addons (demo data)" "$ALL_DB" "$LOG_DIR/odoo-all-demo.log" \
      -i "$(IFS=,; echo "${ADDONS[*]}")" --test-enable \
      --test-tags "$TRACELINK_TEST_TAGS" "${logs[@]}"
  else
    log "Odoo: installing ${ADDONS[*]} with demo data in $ALL_DB"
    t0=$SECONDS
    odoo_bin "${DB_ARGS[@]}" -d "$ALL_DB" "${RUN[@]}" -i "$(IFS=,; echo "${ADDONS[*]}")" \
      > "$LOG_DIR/odoo-all-demo.log" 2>&1
    demo_rc=$?
    note "install of ${ADDONS[*]} with demo data: $((SECONDS - t0)) s"
    grep -E "ERROR|CRITICAL|Traceback" "$LOG_DIR/odoo-all-demo.log" | head -100
    not_installed=$(psql -d "$ALL_DB" -tAc "select string_agg(name, ' ') from ir_module_module
      where name in ('$(IFS=,; echo "${ADDONS[*]}" | sed "s/,/','/g")') and state != 'installed'" 2>&1)
    if [ "$demo_rc" -ne 0 ] || [ -n "$not_installed" ]; then
      count "pytest-odoo with demo data (install failed: ${not_installed:-exit $demo_rc}, see $LOG_DIR/odoo-all-demo.log)" 0 1
    else
      pytest_odoo "pytest-odoo ${ADDONS[*]} (demo data)" "$ALL_DB" "${ADDONS[@]}"
    fi
  fi
  if [ "$suites" = 1 ]; then
    mrp_suite=sale_mrp
    if [ "${TRACELINK_MRP_FULL_SUITE:-0}" = 1 ]; then mrp_suite=mrp,sale_mrp; fi
    log "Odoo: running Odoo's own $mrp_suite tests with every addon installed"
    # post_install tests only: this pass loads the modules one by one, and
    # at_install tests would run before the modules installed after theirs
    # (sale_stock's required fields missing); the shell runner below runs
    # them on the complete registry.
    mapfile -t logs < <(test_logs ${mrp_suite//,/ })
    odoo_tests "odoo $mrp_suite post_install" "$ALL_DB" "$LOG_DIR/odoo-mrp-post.log" \
      --test-enable --test-tags "post_install/${mrp_suite//,/,post_install/}" "${logs[@]}"
    odoo_at_install "odoo $mrp_suite at_install" "$mrp_suite" "$ALL_DB" \
      "$LOG_DIR/odoo-mrp-at.log"
  fi
  if [ -z "${TRACELINK_TEST_TAGS:-}" ]; then
    # --- multi-worker server (scripts/test_multiworker.sh) -----------------------
    # Odoo with 2 workers, a cron worker and the websocket process on the
    # database of all addons: a salesperson receives a case's assignment
    # live; the server log stays clean.
    # Ports: TRACELINK_TEST_PORT + 1 and + 2 (TRACELINK_MULTIWORKER_PORT and
    # TRACELINK_MULTIWORKER_GEVENT_PORT choose others).
    if bash "$REPO_ROOT/scripts/test_multiworker.sh" "$ALL_DB" > "$LOG_DIR/multiworker.log" 2>&1; then
      count "multi-worker server (websocket notification, clean log)" 1 0
    else
      grep '^\[multiworker\]' "$LOG_DIR/multiworker.log" | tail -8
      count "multi-worker server (see $LOG_DIR/multiworker.log)" 0 1
    fi
    # --- end multi-worker server ---------------------------------------------------
    # --- scheduled actions twice at once (scripts/test_crons_twice.sh) -----------
    # two cron workers run the e-conomic import and the CVR clean-ups at the
    # same moment on the database of all addons: no work done twice, nothing
    # failed.
    if bash "$REPO_ROOT/scripts/test_crons_twice.sh" "$ALL_DB" > "$LOG_DIR/crons-twice-run.log" 2>&1; then
      count "scheduled actions twice at once (no work done twice, nothing failed)" 1 0
    else
      grep '^\[crons-twice\]' "$LOG_DIR/crons-twice-run.log" | tail -8
      count "scheduled actions twice at once (see $LOG_DIR/crons-twice.log)" 0 1
    fi
    # --- end scheduled actions twice at once ----------------------------------------
  fi
  dropdb --if-exists "$ALL_DB" >/dev/null 2>&1

  # --- upgrade: a database of release 18.0.1.1.0 upgraded --------------------
  # scripts/test_upgrade.sh: the release's tracelink_crm from git history, a
  # database of it with data in two companies, -u tracelink_crm with the
  # checkout, every figure compared (about 3 minutes; TRACELINK_SKIP_UPGRADE=1
  # skips; NOT RUN without git history, e.g. in a shallow clone)
  if [ -n "${TRACELINK_TEST_TAGS:-}" ] || [ "${TRACELINK_SKIP_UPGRADE:-0}" = 1 ]; then
    note "upgrade from 18.0.1.1.0: NOT RUN (targeted run or TRACELINK_SKIP_UPGRADE=1)"
  else
    log "upgrade: a database of release 18.0.1.1.0 upgraded with -u tracelink_crm"
    t0=$SECONDS
    TRACELINK_LOG_DIR="$LOG_DIR" TRACELINK_UPGRADE_DB="${DB_PREFIX}_upgrade_$$" \
      bash "$REPO_ROOT/scripts/test_upgrade.sh" > "$LOG_DIR/upgrade.log" 2>&1
    grep -E '^(FAILED: |DIFFERS|\| .*\| (DIFFERS|FAILED) \|$)' "$LOG_DIR/upgrade.log"
    line=$(grep -E '^upgrade: ' "$LOG_DIR/upgrade.log" | tail -1)
    if [[ "$line" =~ ^upgrade:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
      count "upgrade from 18.0.1.1.0 (figures before and after) in $((SECONDS - t0)) s" \
        "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
    elif [[ "$line" =~ ^upgrade:\ NOT\ RUN ]]; then
      note "upgrade from 18.0.1.1.0: ${line#upgrade: }"
      skipped_total=$((skipped_total + 1))
    else
      count "upgrade from 18.0.1.1.0 (script broke, see $LOG_DIR/upgrade.log)" 0 1
    fi
  fi
  # --- end upgrade ------------------------------------------------------------

  # --- wheels: the addons installed from their wheels alone -------------------
  # scripts/test_wheels.sh: a fresh venv, Odoo from pip, the wheels of dist/,
  # odoo -i in a new database (about 3 minutes; TRACELINK_SKIP_WHEELS=1 skips)
  if [ -n "${TRACELINK_TEST_TAGS:-}" ] || [ "${TRACELINK_SKIP_WHEELS:-0}" = 1 ]; then
    note "wheels: NOT RUN (targeted run or TRACELINK_SKIP_WHEELS=1)"
  else
    log "wheels: installing the addons from their wheels into a fresh venv"
    t0=$SECONDS
    TRACELINK_LOG_DIR="$LOG_DIR" bash "$REPO_ROOT/scripts/test_wheels.sh" > "$LOG_DIR/wheels.log" 2>&1
    grep -E '^(ok|FAILED): ' "$LOG_DIR/wheels.log"
    line=$(grep -E '^wheels: [0-9]+ passed, [0-9]+ failed$' "$LOG_DIR/wheels.log" | tail -1)
    if [ -n "$line" ]; then
      read -r _ p _ f _ <<<"$line"
      count "wheels (fresh venv, Odoo and the addons from wheels) in $((SECONDS - t0)) s" "$p" "$f"
    else
      count "wheels (script broke, see $LOG_DIR/wheels.log)" 0 1
    fi
  fi
  # --- end wheels -------------------------------------------------------------
fi

echo
echo "==================== Tracelink test summary ===================="
for line in "${summary[@]}"; do echo "  $line"; done
for line in "${skipped_notes[@]}"; do echo "  skipped: $line"; done
echo "  logs: $LOG_DIR"
echo "total: $passed_total passed, $failed_total failed, $skipped_total skipped"
exit "$failed"
