"""Take the README's screenshots in headless Chromium.

Run by scripts/screenshots.sh, which starts Odoo on the product database and
passes its address in TRACELINK_URL and the output folder in TRACELINK_DOCS.
Drives Chromium over its DevTools protocol (websocket-client): logs in as
admin, opens each screen, hides notifications, and writes a PNG per screen;
page 1 of an order confirmation is fetched as PDF through the same session
and turned into a PNG with pdftoppm. TRACELINK_SCREENSHOTS names the groups
to take (SHOTS below; all of them by default): the case screens, the
e-conomic connection, a case in production (Manufacturing), and Odoo's Apps
with the addons and the Apps page of tracelink_crm.
"""

import base64
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

URL = os.environ["TRACELINK_URL"]
DOCS = os.environ["TRACELINK_DOCS"]
CHROMIUM = os.environ.get("TRACELINK_CHROMIUM", "/usr/bin/chromium")
DEBUG_PORT = int(os.environ.get("TRACELINK_CHROMIUM_PORT", "9239"))
WIDTH, HEIGHT = 1400, 860
APPS_PAGE_HEIGHT = 2400  # an addon's Apps page: its top, cover and description
ACTION = "/odoo/action-tracelink_crm."


class Browser:
    """The few DevTools calls the screenshots need."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="tracelink-chromium-")
        self.process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--window-size={WIDTH},{HEIGHT}",
                f"--remote-debugging-port={DEBUG_PORT}",
                f"--user-data-dir={self.profile}",
                "--lang=da-DK",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ids = itertools.count(1)
        self.socket = websocket.create_connection(self._page_socket(), timeout=60)
        self.call("Page.enable")
        self.call("Runtime.enable")

    def _page_socket(self):
        for _ in range(50):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{DEBUG_PORT}/json", timeout=2
                ) as answer:
                    pages = [p for p in json.load(answer) if p["type"] == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("chromium did not start")

    def call(self, method, **params):
        call_id = next(self.ids)
        self.socket.send(
            json.dumps({"id": call_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, selector, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(f"!!document.querySelector({json.dumps(selector)})"):
                return
            time.sleep(0.3)
        raise RuntimeError(f"{selector} did not appear")

    def open(self, path, selector):
        self.call("Page.navigate", url=URL + path)
        self.wait_for(selector)
        time.sleep(1.5)  # charts animate, lazy images load

    def resize(self, height):
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def shot(self, name, height=None):
        """The window as a PNG in docs/; with height, a window that tall
        (for a page longer than the screen), back to the usual afterwards."""
        # no stray notifications (e.g. the e-conomic import, tips)
        self.evaluate(
            "document.querySelectorAll('.o_notification_manager > *')"
            ".forEach((n) => n.remove())"
        )
        if height:
            self.resize(height)
            time.sleep(1.5)  # the web client lays out again, images load
        data = self.call("Page.captureScreenshot", format="png")["data"]
        if height:
            self.resize(HEIGHT)
        path = os.path.join(DOCS, name)
        with open(path, "wb") as png:
            png.write(base64.b64decode(data))
        print(f"screenshot: {path}")

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def rpc(browser, model, method, *args, **kwargs):
    payload = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs,
            },
        }
    )
    answer = browser.evaluate(
        "fetch('/web/dataset/call_kw', {method: 'POST', "
        "headers: {'Content-Type': 'application/json'}, "
        f"body: {json.dumps(payload)}}})"
        ".then((r) => r.json())"
    )
    if "error" in answer:
        raise RuntimeError(answer["error"]["data"]["message"])
    return answer["result"]


def login(browser):
    browser.open("/web/login", "input[name=login]")
    browser.evaluate(
        "document.querySelector('input[name=login]').value = 'admin';"
        "document.querySelector('input[name=password]').value = 'admin';"
        "document.querySelector('form.oe_login_form').submit();"
    )
    time.sleep(3)


def xmlid_res_id(browser, xmlid):
    module, name = xmlid.split(".")
    [data] = rpc(
        browser,
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        fields=["res_id"],
    )
    return data["res_id"]


def shoot_case_screens(browser):
    browser.open(ACTION + "crm_lead_action_case", ".o_list_view .o_data_row")
    browser.shot("cases.png")
    browser.open(
        ACTION + "tracelink_crm_case_report_action_status",
        ".o_graph_renderer canvas",
    )
    browser.shot("statuses.png")
    browser.open(ACTION + "tracelink_crm_case_report_action_customer", ".o_pivot table")
    browser.shot("customers.png")

    [case] = rpc(
        browser,
        "crm.lead",
        "search_read",
        [("sale_order_id", "!=", False)],
        fields=["id", "sale_order_id"],
        limit=1,
    )
    browser.open(
        f"{ACTION}crm_lead_action_case/{case['id']}", ".o_form_view .o_notebook"
    )
    browser.evaluate(
        "[...document.querySelectorAll('.o_notebook .nav-link')]"
        ".find((tab) => tab.textContent.includes('(')).click()"
    )
    time.sleep(1)
    browser.shot("case_tabs.png")

    browser.evaluate(
        "odoo.__WOWL_DEBUG__.root.env.services.action"
        ".doAction('tracelink_cvr.tracelink_cvr_customer_wizard_action')"
    )
    browser.wait_for(".modal .o_form_view")
    time.sleep(1)
    browser.shot("cvr_customer.png")
    return case["sale_order_id"][0]


def shoot_order_confirmation(browser, order_id):
    """Page 1 of the order's confirmation PDF, fetched through the session."""
    pdf = browser.evaluate(
        "fetch('/report/pdf/tracelink_crm.report_sale_order_confirmation/"
        f"{order_id}').then((r) => r.blob())"
        ".then((blob) => new Promise((done) => {"
        "const reader = new FileReader();"
        "reader.onload = () => done(reader.result.split(',')[1]);"
        "reader.readAsDataURL(blob); }))"
    )
    with tempfile.TemporaryDirectory() as tmp:
        pdf_path = os.path.join(tmp, "order.pdf")
        with open(pdf_path, "wb") as out:
            out.write(base64.b64decode(pdf))
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                pdf_path,
                os.path.join(DOCS, "order_confirmation"),
            ],
            check=True,
        )
    print(f"screenshot: {os.path.join(DOCS, 'order_confirmation.png')}")


def shoot_economic_connection(browser):
    """The company's e-conomic connection; a disabled one with e-conomic's
    demo tokens while the shot is taken when the company has none."""
    [user] = rpc(
        browser,
        "res.users",
        "search_read",
        [("login", "=", "admin")],
        fields=["company_id"],
    )
    company_id = user["company_id"][0]
    model = "tracelink.economic.connection"
    found = rpc(browser, model, "search", [("company_id", "=", company_id)])
    connection_id = (
        found[0]
        if found
        else rpc(
            browser,
            model,
            "create",
            {
                "company_id": company_id,
                "app_secret_token": "demo",
                "agreement_grant_token": "demo",
            },
        )
    )
    try:
        browser.open(
            "/odoo/action-tracelink_economic.tracelink_economic_connection_action/"
            f"{connection_id}",
            ".o_form_view .o_form_sheet",
        )
        # the company's name from its start, no caret in it
        browser.evaluate(
            "document.activeElement.blur();"
            "document.querySelectorAll('input').forEach((i) => { i.scrollLeft = 0; })"
        )
        browser.shot("economic_connection.png")
    finally:
        if not found:
            rpc(browser, model, "unlink", [connection_id])


def shoot_case_production(browser):
    """A converted case of the Manufacturing demo: its production and lines."""
    case_id = xmlid_res_id(browser, "tracelink_crm_mrp.crm_lead_frames_demo")
    browser.open(f"{ACTION}crm_lead_action_case/{case_id}", ".o_form_view .o_notebook")
    browser.evaluate(
        "document.querySelector('.o_notebook .nav-link[name=internal_notes]').click()"
    )
    browser.wait_for(".o_tracelink_case_lines .o_data_row")
    time.sleep(1)
    # tall enough for the Production button at the top and the lines below
    bottom = browser.evaluate(
        "document.querySelector('.o_tracelink_case_lines').getBoundingClientRect().bottom"
    )
    browser.shot("case_production.png", height=max(HEIGHT, int(bottom) + 40))


def shoot_apps(browser):
    """Odoo's Apps: the addons found by name, then one addon's page."""
    browser.open("/odoo/apps", ".o_modules_kanban .o_kanban_record")
    # every module, not only applications: drop the default "Apps" filter
    browser.evaluate(
        "document.querySelector('.o_searchview_facet .o_facet_remove').click()"
    )
    time.sleep(1)
    browser.evaluate("document.querySelector('.o_searchview_input').focus()")
    browser.call("Input.insertText", text="tracelink")
    time.sleep(0.5)
    for kind in ("keyDown", "keyUp"):
        browser.call(
            "Input.dispatchKeyEvent",
            type=kind,
            key="Enter",
            code="Enter",
            windowsVirtualKeyCode=13,
        )
    browser.wait_for(
        ".o_modules_kanban .o_kanban_record:not(.o_kanban_ghost):nth-child(4)"
    )
    time.sleep(1.5)
    browser.evaluate("document.activeElement.blur()")
    browser.shot("apps.png")

    [module] = rpc(
        browser,
        "ir.module.module",
        "search_read",
        [("name", "=", "tracelink_crm")],
        fields=["id"],
    )
    browser.open(
        f"/odoo/apps/{module['id']}", ".o_module_form .oe_styling_v8 figure img"
    )
    browser.shot("apps_tracelink_crm.png", height=APPS_PAGE_HEIGHT)


SHOTS = {
    # name: the PNGs it writes into docs/
    "cases": "cases statuses customers case_tabs cvr_customer order_confirmation",
    "economic": "economic_connection",
    "production": "case_production",
    "apps": "apps apps_tracelink_crm",
}


def main():
    chosen = os.environ.get("TRACELINK_SCREENSHOTS", " ".join(SHOTS)).split()
    unknown = set(chosen) - set(SHOTS)
    if unknown:
        raise SystemExit(
            f"TRACELINK_SCREENSHOTS: unknown {' '.join(sorted(unknown))}; "
            f"choose from {' '.join(SHOTS)}"
        )
    os.makedirs(DOCS, exist_ok=True)
    browser = Browser()
    order_id = None
    try:
        browser.resize(HEIGHT)
        login(browser)
        if "cases" in chosen:
            order_id = shoot_case_screens(browser)
        if "economic" in chosen:
            shoot_economic_connection(browser)
        if "production" in chosen:
            shoot_case_production(browser)
        if "apps" in chosen:
            shoot_apps(browser)
        if order_id:
            shoot_order_confirmation(browser, order_id)
    finally:
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
