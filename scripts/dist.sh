#!/usr/bin/env bash
# Builds one wheel per addon into dist/ (or $TRACELINK_DIST) with whool, the
# OCA's build backend: odoo-addon-<name>, its version from the manifest (plus
# .N, the commits since that version was set), its dependencies from
# `depends` (odoo==18.0.*, odoo-addon-*) and `external_dependencies`.
# An addon is any top-level folder with a __manifest__.py; one without a
# pyproject.toml gets whool's (`whool init`, as the pre-commit hook does).
# whool packages the files under git only: commit a new file to ship it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIST="${TRACELINK_DIST:-$REPO_ROOT/dist}"
mapfile -t ADDONS < <(cd "$REPO_ROOT" && for m in */__manifest__.py; do dirname "$m"; done)
[ ${#ADDONS[@]} -gt 0 ] || { log "no addon folder (*/__manifest__.py) in $REPO_ROOT"; exit 1; }
"$VENV/bin/whool" init "$REPO_ROOT"

mkdir -p "$DIST"
rm -f "$DIST"/odoo_addon_*.whl
# whool is in the project's venv (requirements-dev.txt): no isolated build
# environment to download it into every time.
for addon in "${ADDONS[@]}"; do
  if [ -z "$(git -C "$REPO_ROOT" ls-files -- "$addon/__manifest__.py")" ]; then
    log "$addon is not under git yet: whool would package none of its files"
    exit 1
  fi
  "$VENV/bin/python" -m pip --disable-pip-version-check wheel -q --no-deps \
    --no-build-isolation -w "$DIST" "$REPO_ROOT/$addon" || exit 1
done
ls -1 "$DIST"/odoo_addon_*.whl
