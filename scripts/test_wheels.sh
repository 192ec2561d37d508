#!/usr/bin/env bash
# Installs the addons the way an Odoo user does who runs `pip install
# odoo-addon-tracelink_crm`: from their wheels alone, into a fresh virtual
# environment with Odoo 18 installed by pip from the same Odoo source the
# tests use, and no addons path pointing into this repository (Odoo finds
# wheel-installed addons under the odoo/addons folder of its own package).
# Then Odoo installs, in a new database without demo data, every addon that
# is not auto_install (tracelink_crm) and sale_mrp, which brings in the
# manufacturing glue by itself (auto_install).
#
# Checks, each printed as "ok" or "FAILED", then "wheels: N passed, N failed":
#   - one wheel per addon folder in dist/ (built first, scripts/dist.sh)
#   - the Python distributions the wheels declare (external_dependencies) are
#     there once the wheels are installed; the base environment leaves them
#     out, so they arrive with the wheels (unless another of Odoo's
#     requirements pulls one in, as zeep does requests)
#   - pip check; every addon is imported from the fresh environment
#   - Odoo marks every addon installed
#
# Cached under $TRACELINK_HOME/wheel-test so that a second run takes about as
# long as Odoo's install: a wheelhouse of Odoo's requirements (at the versions
# of the project's virtual environment, where the tests run) and Odoo built
# into a wheel (rebuilt when its source changes). The environment itself is
# made anew each run, and removed afterwards (TRACELINK_KEEP_WHEEL_ENV=1
# keeps it, in $TRACELINK_HOME/wheel-test/run).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e

CACHE="$TRACELINK_HOME/wheel-test"
WORK="$CACHE/run"
DIST="${TRACELINK_DIST:-$REPO_ROOT/dist}"
DB="${TRACELINK_WHEEL_DB:-tracelink_wheels_$$}"
HELPER=("$VENV/bin/python" "$REPO_ROOT/scripts/wheel_metadata.py")
PIP=(-m pip --disable-pip-version-check -q)
passed=0
failed=0
finish() {
  dropdb --if-exists "$DB" >/dev/null 2>&1
  [ "${TRACELINK_KEEP_WHEEL_ENV:-0}" = 1 ] || rm -rf "$WORK"
  echo "wheels: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
trap finish EXIT
step() { log "wheels (${SECONDS}s): $*"; }
die() { echo "FAILED: $*"; failed=$((failed + 1)); exit 1; }

# --- the wheels -----------------------------------------------------------
step "building the addon wheels (scripts/dist.sh)"
mapfile -t ADDONS < <(cd "$REPO_ROOT" && for m in */__manifest__.py; do dirname "$m"; done)
bash "$REPO_ROOT/scripts/dist.sh" >/dev/null
mapfile -t WHEELS < <(ls "$DIST"/odoo_addon_*.whl 2>/dev/null)
one_wheel_per_addon() {
  local addon
  for addon in "${ADDONS[@]}"; do
    ls "$DIST/odoo_addon_${addon}-"*.whl >/dev/null 2>&1 || return 1
  done
  [ "${#WHEELS[@]}" -eq "${#ADDONS[@]}" ]
}
check "one wheel per addon (${ADDONS[*]}) in $DIST" one_wheel_per_addon
[ "$failed" -eq 0 ] || exit 1
mapfile -t ROOTS < <("${HELPER[@]}" roots "${WHEELS[@]}")
mapfile -t DEPS < <("${HELPER[@]}" deps "${WHEELS[@]}")

# --- cached: the versions, the wheelhouse, Odoo's wheel --------------------
mkdir -p "$CACHE/wheelhouse" "$CACHE/odoo"
# The exact versions of the project's venv (Odoo's pins, the project's lock)
# hold every install below: pip reaches for nothing newer.
"$VENV/bin/python" "${PIP[@]}" freeze --exclude-editable \
  | grep -Ev '^(-e |#)| @ ' > "$CACHE/constraints.txt"
"${HELPER[@]}" without "$ODOO_SRC/requirements.txt" "${DEPS[@]}" > "$CACHE/base-requirements.txt"
printf '%s\n' "${DEPS[@]}" > "$CACHE/wheel-requirements.txt"
want="$(cat "$ODOO_SRC/requirements.txt" "$CACHE/constraints.txt" "$CACHE/wheel-requirements.txt" | sha256sum | cut -c1-16)"
if [ "$(cat "$CACHE/wheelhouse/.stamp" 2>/dev/null)" != "$want" ]; then
  step "filling the wheelhouse $CACHE/wheelhouse (once per change of requirements)"
  # cbor2 5.4.2 (pinned by Odoo) needs pkg_resources to build, which
  # setuptools 70+ dropped: built against the project venv's setuptools.
  cbor2="$(grep -E '^cbor2==' "$CACHE/constraints.txt")"
  if [ -n "$cbor2" ] && ! ls "$CACHE/wheelhouse/${cbor2%%==*}-${cbor2##*==}-"*.whl >/dev/null 2>&1; then
    "$VENV/bin/python" "${PIP[@]}" wheel --no-deps --no-build-isolation \
      -w "$CACHE/wheelhouse" "$cbor2" || die "building $cbor2 into the wheelhouse"
  fi
  "$VENV/bin/python" "${PIP[@]}" wheel -w "$CACHE/wheelhouse" \
    --find-links "$CACHE/wheelhouse" -c "$CACHE/constraints.txt" \
    -r "$ODOO_SRC/requirements.txt" -r "$CACHE/wheel-requirements.txt" \
    || die "filling the wheelhouse"
  echo "$want" > "$CACHE/wheelhouse/.stamp"
fi
# Odoo's own setup.py, as `pip install $ODOO_SRC` runs it, on a copy (the
# build writes into the folder it builds, and the source is shared).
src_id="$(cd "$ODOO_SRC" && find . -path ./.git -prune -o -type f -not -name '*.pyc' \
  -printf '%P %s %T@\n' | LC_ALL=C sort | sha256sum | cut -c1-16)"
odoo_wheel="$(ls "$CACHE/odoo/$src_id"/odoo-*.whl 2>/dev/null | head -1)"
if [ -z "$odoo_wheel" ]; then
  step "building Odoo into a wheel from $ODOO_SRC (once per change of the source, a few minutes)"
  rm -rf "$CACHE/odoo" "$CACHE/odoo-src" && mkdir -p "$CACHE/odoo/$src_id"
  cp -a "$ODOO_SRC" "$CACHE/odoo-src" && find "$CACHE/odoo-src" -name __pycache__ -prune -exec rm -rf {} +
  "$VENV/bin/python" "${PIP[@]}" wheel --no-deps --no-build-isolation \
    -w "$CACHE/odoo/$src_id" "$CACHE/odoo-src" || die "building Odoo's wheel"
  rm -rf "$CACHE/odoo-src"
  odoo_wheel="$(ls "$CACHE/odoo/$src_id"/odoo-*.whl | head -1)"
fi

# --- a fresh environment: Odoo, then the addon wheels ------------------------
step "a fresh virtual environment in $WORK with Odoo from $odoo_wheel"
rm -rf "$WORK" && mkdir -p "$WORK/data"
"$PYTHON" -m venv "$WORK/venv" || die "$PYTHON -m venv"
FRESH="$WORK/venv/bin/python"
# what the wheels depend on is left out here, so that it must come with them
# (Odoo's wheel: --no-deps, its requirements come from requirements.txt)
"$FRESH" "${PIP[@]}" install --no-index --find-links "$CACHE/wheelhouse" \
  -c "$CACHE/constraints.txt" -r "$CACHE/base-requirements.txt" \
  || die "installing Odoo's requirements"
"$FRESH" "${PIP[@]}" install --no-index --no-deps --no-compile "$odoo_wheel" || die "installing Odoo's wheel"
absent_before=()
for dep in "${DEPS[@]}"; do
  "$FRESH" -c "import importlib.metadata as m, sys; m.version(sys.argv[1])" "$dep" \
    2>/dev/null || absent_before+=("$dep")
done

step "installing the wheels: ${WHEELS[*]##*/}"
check "pip installs the addon wheels (and what they depend on) with no index but the wheelhouse" \
  "$FRESH" "${PIP[@]}" install --no-index --find-links "$DIST" \
  --find-links "$CACHE/wheelhouse" -c "$CACHE/constraints.txt" "${WHEELS[@]}"
arrived_with_wheels() {  # every declared dependency is there now; say which came with the wheels
  local dep came
  for dep in "${DEPS[@]}"; do
    came="arrived with the wheels"
    if [[ " ${absent_before[*]} " != *" $dep "* ]]; then
      came="already there, as a dependency of Odoo's own requirements"
    fi
    "$FRESH" -c "import importlib.metadata as m, sys; print(sys.argv[1], m.version(sys.argv[1]), end=' ')" \
      "$dep" || return 1
    echo "($came)"
  done
}
check "the wheels' Python dependencies (${DEPS[*]:-none}) are installed" arrived_with_wheels
check "pip check" "$FRESH" "${PIP[@]}" check
addons_from_env() {
  "$FRESH" - "$WORK/venv" "${ADDONS[@]}" <<'PY'
import importlib.util
import sys

venv, addons = sys.argv[1], sys.argv[2:]
import odoo  # noqa: E402

for addon in addons:
    spec = importlib.util.find_spec(f"odoo.addons.{addon}")
    where = spec and spec.origin or "nowhere"
    print(addon, "from", where)
    if not where.startswith(venv):
        sys.exit(1)
PY
}
check "the addons are found in the odoo package of the fresh environment" addons_from_env

# --- Odoo installs them ----------------------------------------------------
INSTALL="$(IFS=,; echo "${ROOTS[*]},sale_mrp")"
step "Odoo from the fresh environment: -i $INSTALL in $DB (no addons path given)"
printf '[options]\n' > "$WORK/odoo.conf"
db_args=(--db_host "$PGHOST" --db_port "$PGPORT" --db_user "$PGUSER")
if [ -n "${PGPASSWORD:-}" ]; then db_args+=(--db_password "$PGPASSWORD"); fi
dropdb --if-exists "$DB" >/dev/null 2>&1
"$WORK/venv/bin/odoo" -c "$WORK/odoo.conf" "${db_args[@]}" -d "$DB" \
  --data-dir "$WORK/data" --no-http --without-demo=all --stop-after-init \
  --log-level=warn -i "$INSTALL" > "$WORK/odoo.log" 2>&1
odoo_rc=$?
grep -E "ERROR|CRITICAL|Traceback" "$WORK/odoo.log" | head -40
cp "$WORK/odoo.log" "${TRACELINK_LOG_DIR:-$REPO_ROOT/var/test-logs}/odoo-wheels.log" 2>/dev/null
check "odoo -i $INSTALL exits 0 (log: var/test-logs/odoo-wheels.log)" [ "$odoo_rc" -eq 0 ]
for addon in "${ADDONS[@]}"; do
  state="$(psql -d "$DB" -tAc "select state from ir_module_module where name = '$addon'" 2>/dev/null)"
  check "$addon is installed in $DB (state: ${state:-none})" [ "$state" = installed ]
done
