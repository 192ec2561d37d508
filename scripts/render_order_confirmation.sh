#!/usr/bin/env bash
# Renders the order confirmation (tracelink_crm's QWeb report, through
# wkhtmltopdf) of a demo order of the README's run database to a PDF file and
# checks that it is a valid PDF of at least one page.
#   render_order_confirmation.sh [output.pdf]   (default var/order_confirmation.pdf)
#   TRACELINK_DB            database (default tracelink_crm, as make run); it is
#                           created with demo data, or updated, as make run does
#   TRACELINK_ORDER         order number to render (default: a demo order)
#   TRACELINK_RENDER_PORT   port of the short-lived Odoo server that serves the
#                           report styles to wkhtmltopdf (default 8179)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$REPO_ROOT/scripts/bootstrap.sh" || { log "setup failed: see above"; exit 1; }

DB="${TRACELINK_DB:-tracelink_crm}"
PORT="${TRACELINK_RENDER_PORT:-8179}"
OUT="$(realpath -m "${1:-$REPO_ROOT/var/order_confirmation.pdf}")"
mkdir -p "$(dirname "$OUT")" "$REPO_ROOT/var"
rm -f "$OUT"
mapfile -t DB_ARGS < <(odoo_db_args)

ensure_demo_db "$DB" || { log "the database could not be set up"; exit 1; }

serve_odoo "$DB" "$PORT" "$REPO_ROOT/var/render_order_confirmation.log" || exit 1

TRACELINK_REPORT_URL="http://127.0.0.1:$PORT" TRACELINK_PDF="$OUT" \
  odoo_bin shell "${DB_ARGS[@]}" -d "$DB" --no-http --log-level=warn \
  < "$REPO_ROOT/scripts/render_order_confirmation.py"

[ -s "$OUT" ] || { log "no PDF was written"; exit 1; }
if command -v pdfinfo >/dev/null; then
  pages="$(pdfinfo "$OUT" | awk '/^Pages:/ {print $2}')"
  [ "${pages:-0}" -ge 1 ] || { log "pdfinfo finds no page in $OUT"; exit 1; }
  log "pdfinfo: $OUT is a valid PDF of $pages page(s)"
fi
