"""Sale orders as invoices in e-conomic: the draft made once per order, its
booking and its payment state read back."""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.tracelink_cvr.tools.exceptions import (
    NotFound,
    ServiceError,
    ServiceTimeout,
    ServiceUnavailable,
)

from ..tools.economic_invoice import (
    booked_status,
    draft_invoice_body,
    invoice_reference,
    name_key,
    numbers_by_name,
)
from .tracelink_economic_connection import synced_field

_logger = logging.getLogger(__name__)

# Who may send orders to e-conomic (the accounting groups imply the invoicing
# one); everyone who reads the order sees its invoice state.
SEND_GROUPS = "sales_team.group_sale_manager,account.group_account_invoice"
# Order fields whose change replaces the order's draft in e-conomic.
UPDATE_FIELDS = {
    "order_line",
    "partner_id",
    "partner_invoice_id",
    "payment_term_id",
    "client_order_ref",
    "currency_id",
}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    economic_invoice_state = synced_field(
        fields.Selection,
        selection=[
            ("draft", "Draft"),
            ("booked", "Booked"),
            ("partial", "Partly Paid"),
            ("paid", "Paid"),
            ("overdue", "Overdue"),
        ],
        string="e-conomic Invoice",
        tracking=True,
        index="btree_not_null",
        help="The order's invoice in e-conomic: a draft, booked, partly paid, "
        "paid, or overdue (past its due date and not paid).",
    )
    economic_draft_number = synced_field(fields.Integer, string="e-conomic Draft No.")
    economic_invoice_number = synced_field(
        fields.Integer,
        string="e-conomic Invoice No.",
        index="btree_not_null",
        help="Number of the booked invoice in e-conomic.",
    )
    economic_due_date = synced_field(fields.Date, string="e-conomic Due Date")
    economic_remainder = synced_field(
        fields.Monetary,
        string="e-conomic Remainder",
        help="What the customer still owes on the booked invoice.",
    )
    economic_invoice_error = synced_field(
        fields.Text,
        string="e-conomic Error",
        help="Why the order could not go to e-conomic; Send to e-conomic tries again.",
    )
    economic_invoice_enabled = fields.Boolean(
        string="e-conomic Invoicing", compute="_compute_economic_invoice_enabled"
    )
    economic_fully_delivered = fields.Boolean(
        compute="_compute_economic_fully_delivered"
    )

    @api.depends("company_id")
    def _compute_economic_invoice_enabled(self):
        Connection = self.env["tracelink.economic.connection"].sudo()
        enabled = Connection.search(
            [("state", "=", "enabled"), ("invoice_enabled", "=", True)]
        ).company_id
        for order in self:
            order.economic_invoice_enabled = order.company_id in enabled

    @api.depends("order_line.qty_delivered", "order_line.product_uom_qty")
    def _compute_economic_fully_delivered(self):
        for order in self:
            lines = order.order_line.filtered(
                lambda line: not line.display_type and line.product_uom_qty > 0
            )
            order.economic_fully_delivered = bool(lines) and all(
                line.qty_delivered >= line.product_uom_qty for line in lines
            )

    def action_confirm(self):
        res = super().action_confirm()
        for order in self:
            if order._economic_connection().invoice_trigger == "confirm":
                order._economic_send_noted()
        return res

    def write(self, vals):
        res = super().write(vals)
        # a draft follows its order until it is booked: replaced by the order
        # as it is now (PUT sends the whole document); a refusal refuses the change
        if not UPDATE_FIELDS.isdisjoint(vals):
            for order in self.sudo().filtered(
                lambda o: o.economic_invoice_state == "draft" and o.state == "sale"
            ):
                connection = order._economic_require_connection()
                with connection._user_errors(), connection._get_client() as client:
                    body = order._economic_draft_body(connection, client)
                    client.replace_draft_invoice(order.economic_draft_number, body)
        return res

    def _action_cancel(self):
        # an order invoiced in e-conomic: a draft is deleted there first (a
        # refusal stops the cancellation); a booked invoice cannot be undone
        # from Odoo, it takes a credit note in e-conomic
        for order in self.filtered("economic_invoice_state"):
            order._economic_cancel()
        return super()._action_cancel()

    def action_economic_send(self):
        """Make the order's invoice draft (and book it, as set), or try again
        after a refusal."""
        self.ensure_one()
        self.check_access("write")
        if not self.env.user.has_groups(SEND_GROUPS):
            raise AccessError(
                self.env._(
                    "Only sales managers and accounting users may send orders "
                    "to e-conomic."
                )
            )
        if self.state != "sale":
            raise UserError(
                self.env._("Only a confirmed order can be sent to e-conomic.")
            )
        if self.economic_invoice_state:
            raise UserError(
                self.env._(
                    "%(order)s is already in e-conomic; Refresh reads its state.",
                    order=self.name,
                )
            )
        connection = self._economic_require_connection()
        if not self._economic_send_noted():
            error = self.economic_invoice_error
            return connection._notification(error, "danger", reload=True)
        message = self.env._(
            "%(order)s is in e-conomic: %(state)s.",
            order=self.name,
            state=self._economic_state_label(),
        )
        return connection._notification(message, "success", reload=True)

    def action_economic_refresh(self):
        """Read the order's invoice in e-conomic again (found by the order's
        reference, whether booked from Odoo or in e-conomic)."""
        self.ensure_one()
        self.check_access("write")
        connection = self._economic_require_connection()
        try:
            with connection._user_errors(), connection._get_client() as client:
                drafts, booked = client.find_invoices_by_reference(self.name)
        except UserError as error:
            return connection._notification(error.args[0], "danger", reload=True)
        if booked:
            self.sudo()._economic_apply_booked(self.company_id, booked)
        elif drafts:
            self._economic_set_draft(
                max(draft.get("draftInvoiceNumber") or 0 for draft in drafts)
            )
        elif self.economic_invoice_state == "draft":
            # the bookkeeper deleted the draft: the order may be sent again
            self.sudo().write(
                {"economic_invoice_state": False, "economic_draft_number": 0}
            )
            self._economic_note(
                self.env._("The invoice draft is no longer in e-conomic.")
            )
        if not self.economic_invoice_state:
            message = self.env._("%s has no invoice in e-conomic.", self.name)
        else:
            message = self.env._(
                "%(order)s in e-conomic: %(state)s.",
                order=self.name,
                state=self._economic_state_label(),
            )
        return connection._notification(message, "info", reload=True)

    def _economic_state_label(self):
        state = self._fields["economic_invoice_state"]
        label = state.convert_to_export(self.economic_invoice_state, self)
        number = self.economic_invoice_number or self.economic_draft_number
        return f"{label} ({number})" if number else label

    def _economic_note(self, body):
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _economic_note_error(self, message):
        _logger.info("e-conomic: order %s: %s", self.id, message)
        self.sudo().economic_invoice_error = message
        self._economic_note(Markup("<p>%s</p>") % message)

    def _economic_set_draft(self, number, note=None):
        """The order's draft in e-conomic is ``number`` (0: it has none)."""
        self.sudo().write(
            {
                "economic_invoice_state": "draft" if number else False,
                "economic_draft_number": number,
                "economic_invoice_error": False,
            }
        )
        if note:
            self._economic_note(note)

    def _economic_connection(self):
        return self.env["tracelink.economic.connection"]._for_invoices(self.company_id)

    def _economic_require_connection(self):
        connection = self._economic_connection()
        if not connection:
            raise UserError(
                self.env._(
                    "Invoices in e-conomic are not turned on for %(company)s "
                    "(Contacts > Configuration > e-conomic).",
                    company=self.company_id.name,
                )
            )
        return connection

    def _economic_send_noted(self):
        """Make the draft; a refusal is noted on the order and nothing of the
        draft is kept. True when it was made."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._economic_send()
        except UserError as error:
            self._economic_note_error(
                self.env._("The order could not go to e-conomic: %s", error.args[0])
            )
            return False
        return True

    def _economic_send(self):
        """``POST /invoices/drafts`` once, with the order's Idempotency-Key:
        after no answer, the draft is looked up by the order's reference
        before it is sent again. Booked at once when the connection says so."""
        connection = self._economic_require_connection()
        order = self.sudo()
        with connection._user_errors(), connection._get_client() as client:
            body = order._economic_draft_body(connection, client)
            key = connection._invoice_idempotency_key(f"sale.order:{order.id}")
            try:
                draft = client.create_draft_invoice(body, idempotency_key=key)
            except (ServiceTimeout, ServiceUnavailable) as error:
                _logger.warning(
                    "e-conomic: draft of order %s got no answer (%s); looking it "
                    "up before trying again",
                    order.id,
                    error,
                )
                drafts, _booked = client.find_invoices_by_reference(order.name)
                if not drafts:
                    drafts = [client.create_draft_invoice(body, idempotency_key=key)]
                draft = drafts[0]
            number = draft["draftInvoiceNumber"]
            order._economic_set_draft(
                number,
                self.env._(
                    "Invoice draft %(number)s made in e-conomic.", number=number
                ),
            )
            if connection.invoice_booking != "draft":
                order._economic_book(connection, client, number)

    def _economic_draft_body(self, connection, client):
        """The draft of the order as it is now; a customer e-conomic lacks is
        found or created there first."""
        partner = self.partner_invoice_id.commercial_partner_id
        customer_number = partner._economic_link(connection)[0]
        lines = self._economic_lines(connection, client)
        head = self._economic_head(connection, client, customer_number)
        try:
            return draft_invoice_body(head, lines)
        except ValueError as error:
            raise UserError(
                self.env._(
                    "%(order)s cannot go to e-conomic: %(error)s.",
                    order=self.name,
                    error=error,
                )
            ) from error

    def _economic_cancel(self):
        if self.economic_invoice_state != "draft":
            raise UserError(
                self.env._(
                    "%(order)s is invoiced in e-conomic (invoice %(number)s, "
                    "booked): booking cannot be undone. Make a credit note for "
                    "it in e-conomic, then cancel the order.",
                    order=self.name,
                    number=self.economic_invoice_number,
                )
            )
        connection = self._economic_require_connection()
        number = self.economic_draft_number
        with connection._user_errors(), connection._get_client() as client:
            try:
                client.delete_draft_invoice(number)
            except NotFound:
                _logger.info("e-conomic: draft %s of order %s gone", number, self.id)
        self._economic_set_draft(
            0,
            self.env._("Invoice draft %(number)s deleted in e-conomic.", number=number),
        )

    def _economic_book(self, connection, client, draft_number):
        """Book the draft; a refusal leaves the draft for the bookkeeper."""
        key = f"sale.order:{self.id}:book:{draft_number}"
        try:
            invoice = client.book_invoice(
                draft_number,
                send_by="ean" if connection.invoice_booking == "book_ean" else "none",
                idempotency_key=connection._invoice_idempotency_key(key),
            )
        except ServiceError as error:
            self._economic_note_error(
                self.env._(
                    "The invoice draft %(number)s is in e-conomic, but booking it "
                    "failed: %(error)s",
                    number=draft_number,
                    error=connection._error_message(error),
                )
            )
            return
        self._economic_apply_booked(self.company_id, [invoice])

    def _economic_head(self, connection, client, customer_number):
        commercial = self.partner_invoice_id.commercial_partner_id
        country = self.partner_invoice_id.country_id
        lang = self.company_id.partner_id.lang or self.env.lang
        vat_zone = connection._customer_defaults({"country_id": country.id})["vat_zone"]
        # the e-conomic payment terms named like the order's, else the default
        terms = connection.payment_terms
        if name := name_key(self.payment_term_id.name):
            found = client.iter_collection("/payment-terms")
            terms = numbers_by_name(found, "paymentTermsNumber").get(name, terms)
        return {
            "currency": self.currency_id.name,
            "customer_number": customer_number,
            "date": fields.Date.context_today(self),
            "layout": connection.invoice_layout_id.number,
            "payment_terms": terms,
            "vat_zone": vat_zone,
            "reference": self.name,
            "heading": self.client_order_ref,
            "recipient": {
                "name": commercial.name,
                "address": connection._customer_data(commercial)["street"],
                "zip": commercial.zip,
                "city": commercial.city,
                "country": country.with_context(lang=lang).name,
                "ean": commercial.economic_ean,
            },
        }

    def _economic_lines(self, connection, client):
        lines = self.order_line.sorted(lambda line: (line.sequence, line.id))
        products = lines.filtered(lambda line: not line.display_type).product_id
        if not products:
            raise UserError(self.env._("%s has no lines to invoice.", self.name))
        numbers = self._economic_product_numbers(connection, client, products)
        units = numbers_by_name(client.iter_collection("/units"), "unitNumber")
        plain = []
        for line in lines:
            if line.display_type:
                plain.append({"kind": "text", "description": line.name})
                continue
            plain.append(
                {
                    "kind": "product",
                    "product_number": numbers[line.product_id],
                    "description": line.name,
                    "quantity": line.product_uom_qty,
                    "price_unit": line.price_unit,
                    "discount": line.discount,
                    "subtotal": line.price_subtotal,
                    "unit_number": units.get(name_key(line.product_uom.name)),
                }
            )
        return plain

    def _economic_product_numbers(self, connection, client, products):
        """``{product: e-conomic product number}``: its internal reference
        when e-conomic has it (or after creating it), else the default."""
        default = (connection.invoice_default_product or "").strip()
        codes = [p.default_code for p in products if p.default_code]
        found = client.find_products([*codes, default])
        creating = connection.invoice_product_mode == "create"
        numbers = {}
        for product in products:
            code = (product.default_code or "").strip()
            if code and code not in found and creating:
                client.create_product(
                    {
                        "productNumber": code,
                        "name": product.name[:300],
                        "salesPrice": round(product.lst_price, 2),
                        "productGroup": {
                            "productGroupNumber": connection.invoice_product_group
                        },
                    },
                    idempotency_key=connection._invoice_idempotency_key(
                        f"product:{code}"
                    ),
                )
            elif code not in found:
                if default not in found:
                    raise UserError(
                        self.env._(
                            "%(product)s is not in e-conomic (its internal "
                            "reference is the e-conomic product number) and no "
                            "default product of e-conomic is set. Give it the "
                            "number of an e-conomic product, or set a default "
                            "product in Contacts > Configuration > e-conomic.",
                            product=product.display_name,
                        )
                    )
                code = default
            numbers[product] = code
        return numbers

    @api.model
    def _economic_apply_booked(self, company, invoices):
        """Write the state of booked invoices on the orders of ``company``
        they name by reference, the latest invoice of each."""
        by_reference = {
            invoice_reference(invoice): invoice
            for invoice in sorted(
                invoices, key=lambda invoice: invoice.get("bookedInvoiceNumber") or 0
            )
        }
        by_reference.pop("", None)
        if not by_reference:
            return self.browse()
        orders = self.sudo().search(
            [("company_id", "=", company.id), ("name", "in", list(by_reference))]
        )
        today = fields.Date.context_today(self)
        for order in orders:
            state, values = booked_status(by_reference[order.name], today)
            vals = {
                "economic_invoice_state": state,
                "economic_invoice_number": values["number"],
                "economic_due_date": values["due_date"],
                "economic_remainder": values["remainder"],
                "economic_draft_number": 0,
                "economic_invoice_error": False,
            }
            changed = {
                key: value
                for key, value in vals.items()
                if order[key] != value and (order[key] or value)
            }
            if changed:
                order.write(changed)
        return orders
