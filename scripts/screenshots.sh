#!/usr/bin/env bash
# Takes the README's screenshots again, from the product database of make run
# (created or updated as make run does, Manufacturing included), in headless
# Chromium, into docs/:
#   cases.png statuses.png customers.png case_tabs.png cvr_customer.png
#   order_confirmation.png (page 1 of the PDF)      group "cases"
#   economic_connection.png                         group "economic"
#   case_production.png                             group "production"
#   apps.png apps_tracelink_crm.png (Odoo's Apps)   group "apps"
# then brings the addons' copies of them and their Apps pages up to date
# (scripts/addon_readme.py) before the Apps screenshots, which show them.
#   TRACELINK_SCREENSHOTS        the groups to take (default: all four)
#   TRACELINK_DB                 database (default tracelink_crm, as make run)
#   TRACELINK_SCREENSHOT_PORT    port of the short-lived Odoo server (default 8178)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$REPO_ROOT/scripts/bootstrap.sh" || { log "setup failed: see above"; exit 1; }

DB="${TRACELINK_DB:-tracelink_crm}"
PORT="${TRACELINK_SCREENSHOT_PORT:-8178}"
SHOTS="${TRACELINK_SCREENSHOTS:-cases economic production apps}"
mkdir -p "$REPO_ROOT/var"

ensure_demo_db "$DB" || { log "the database could not be set up"; exit 1; }
ensure_mrp_addon "$DB" || { log "Manufacturing could not be installed"; exit 1; }

serve_odoo "$DB" "$PORT" "$REPO_ROOT/var/screenshots.log" || exit 1

shoot() {
  TRACELINK_SCREENSHOTS="$1" TRACELINK_URL="http://127.0.0.1:$PORT" \
    TRACELINK_DOCS="$REPO_ROOT/docs" "$VENV/bin/python" "$REPO_ROOT/scripts/screenshots.py"
}
screens=() apps=""
for group in $SHOTS; do
  if [ "$group" = apps ]; then apps=1; else screens+=("$group"); fi
done
if [ ${#screens[@]} -gt 0 ]; then shoot "${screens[*]}"; fi
"$VENV/bin/python" "$REPO_ROOT/scripts/addon_readme.py"  # says what it brought up to date
if [ -n "$apps" ]; then shoot apps; fi
