#!/usr/bin/env bash
# Exports the translatable terms of every Tracelink addon from a throwaway
# database with all of them installed:
#   bash scripts/i18n.sh        -> <addon>/i18n/<addon>.pot for each addon,
#                                  merged into <addon>/i18n/da.po (msgmerge;
#                                  terms gone from the addon are dropped)
#   bash scripts/i18n.sh tracelink_cvr   the same for the addons named only
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$REPO_ROOT/scripts/bootstrap.sh" || exit 1
ALL_ADDONS=(tracelink_cvr tracelink_economic tracelink_crm tracelink_crm_mrp tracelink_crm_economic)
if [ "$#" -gt 0 ]; then ADDONS=("$@"); else ADDONS=("${ALL_ADDONS[@]}"); fi
DB="tracelink_i18n_$$"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1' EXIT
mapfile -t DB_ARGS < <(odoo_db_args)
odoo_bin "${DB_ARGS[@]}" -d "$DB" -i "$(IFS=,; echo "${ALL_ADDONS[*]}")" \
  --without-demo=all --stop-after-init --log-level=warn
for addon in "${ADDONS[@]}"; do
  I18N="$REPO_ROOT/$addon/i18n"
  mkdir -p "$I18N"
  odoo_bin "${DB_ARGS[@]}" -d "$DB" --modules="$addon" \
    --i18n-export="$I18N/$addon.pot" --stop-after-init --log-level=warn
  if [ -f "$I18N/da.po" ]; then
    msgmerge --quiet --update --backup=none --no-fuzzy-matching "$I18N/da.po" "$I18N/$addon.pot"
    # terms no screen shows any more leave the translation
    msgattrib --no-obsolete --output-file="$I18N/da.po" "$I18N/da.po"
  else
    msginit --no-translator --locale=da_DK --input="$I18N/$addon.pot" --output-file="$I18N/da.po"
  fi
  log "wrote $I18N/$addon.pot and $I18N/da.po"
done
