#!/usr/bin/env bash
# Exports tracelink_crm's translatable terms from a throwaway database:
#   bash scripts/i18n.sh        -> tracelink_crm/i18n/tracelink_crm.pot
#                                  and merges them into i18n/da.po (msgmerge;
#                                  terms gone from the addon are dropped)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$REPO_ROOT/scripts/bootstrap.sh" || exit 1
DB="tracelink_i18n_$$"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1' EXIT
mapfile -t DB_ARGS < <(odoo_db_args)
I18N="$REPO_ROOT/tracelink_crm/i18n"
mkdir -p "$I18N"
odoo_bin "${DB_ARGS[@]}" -d "$DB" -i tracelink_crm --without-demo=all \
  --stop-after-init --log-level=warn
odoo_bin "${DB_ARGS[@]}" -d "$DB" --modules=tracelink_crm \
  --i18n-export="$I18N/tracelink_crm.pot" --stop-after-init --log-level=warn
if [ -f "$I18N/da.po" ]; then
  msgmerge --quiet --update --backup=none --no-fuzzy-matching "$I18N/da.po" "$I18N/tracelink_crm.pot"
  # terms no screen shows any more leave the translation
  msgattrib --no-obsolete --output-file="$I18N/da.po" "$I18N/da.po"
else
  msginit --no-translator --locale=da_DK --input="$I18N/tracelink_crm.pot" --output-file="$I18N/da.po"
fi
log "wrote $I18N/tracelink_crm.pot and $I18N/da.po"
