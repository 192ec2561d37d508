#!/usr/bin/env bash
# Takes the README's screenshots again, from the product database of make run
# (created or updated as make run does), in headless Chromium:
#   docs/cases.png docs/statuses.png docs/customers.png docs/case_tabs.png
#   docs/cvr_customer.png docs/order_confirmation.png (page 1 of the PDF)
#   TRACELINK_DB                 database (default tracelink_crm, as make run)
#   TRACELINK_SCREENSHOT_PORT    port of the short-lived Odoo server (default 8178)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$REPO_ROOT/scripts/bootstrap.sh" || { log "setup failed: see above"; exit 1; }

DB="${TRACELINK_DB:-tracelink_crm}"
PORT="${TRACELINK_SCREENSHOT_PORT:-8178}"
mkdir -p "$REPO_ROOT/var"

ensure_demo_db "$DB" || { log "the database could not be set up"; exit 1; }

serve_odoo "$DB" "$PORT" "$REPO_ROOT/var/screenshots.log" || exit 1

TRACELINK_URL="http://127.0.0.1:$PORT" TRACELINK_DOCS="$REPO_ROOT/docs" \
  "$VENV/bin/python" "$REPO_ROOT/scripts/screenshots.py"
