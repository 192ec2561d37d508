"""A salesperson's live notification through a multi-worker Odoo.

Run by scripts/test_multiworker.sh against a server started with ``--workers``
and a gevent (websocket) port, on a database with tracelink_crm installed:

1. as the administrator (XML-RPC): a salesperson who handles notifications in
   Odoo (``notification_type`` inbox) and a sales manager;
2. the salesperson logs in over HTTP (``/web/session/authenticate``), opens
   the websocket on the gevent port with that session and subscribes as
   Odoo's web client does (bus_service.js / websocket_worker.js: version from
   the session info, ``subscribe`` with no extra channels; the server adds the
   user's own partner channel);
3. the manager (XML-RPC) creates a case assigned to the salesperson: mail's
   auto-subscription posts "You have been assigned to ..." and, for an inbox
   user, sends it on the user's bus channel as ``mail.message/inbox``;
4. that notification, naming the case, must arrive over the websocket.

Prints what it does; exit status 0 when the notification arrived, 1 otherwise.
"""

import argparse
import json
import secrets
import sys
import time
import xmlrpc.client

import requests
import websocket

ASSIGNED = "mail.message/inbox"


def log(message):
    print(f"[multiworker] {message}", flush=True)


class Rpc:
    """execute_kw as one user."""

    def __init__(self, url, db, login, password):
        self.db, self.password = db, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise SystemExit(f"{login} could not log in over XML-RPC")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


def group_id(admin, xmlid):
    module, name = xmlid.split(".")
    [data] = admin(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        fields=["res_id"],
    )
    return data["res_id"]


def create_user(admin, role, group, tag):
    login = f"multiworker-{role}-{tag}"
    password = secrets.token_urlsafe(16)
    admin(
        "res.users",
        "create",
        {
            "name": f"Multi-worker {role} {tag}",
            "login": login,
            "email": f"{login}@example.com",
            "password": password,
            "groups_id": [(6, 0, [group_id(admin, group)])],
            "notification_type": "inbox",
        },
    )
    return login, password


def http_login(url, db, login, password):
    """A logged-in HTTP session and its session info, as the web client has."""
    session = requests.Session()
    answer = session.post(
        f"{url}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"db": db, "login": login, "password": password},
        },
        timeout=60,
    )
    answer.raise_for_status()
    body = answer.json()
    if "error" in body:
        raise SystemExit(f"HTTP login failed: {body['error']['data']['message']}")
    return session, body["result"]


def open_websocket(url, ws_url, session, info):
    ws = websocket.create_connection(
        f"{ws_url}/websocket?version={info['websocket_worker_version']}",
        cookie=f"session_id={session.cookies['session_id']}",
        origin=url,
        timeout=30,
    )
    ws.send(
        json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}})
    )
    return ws


def names_case(notification, case_id, case_name):
    """Whether a bus notification is the assignment message of this case."""
    message = notification.get("message", {})
    if message.get("type") != ASSIGNED:
        return False
    for msg in message.get("payload", {}).get("mail.message", []):
        if msg.get("model") == "crm.lead" and msg.get("res_id") == case_id:
            return case_name in (msg.get("subject") or "")
    return False


def wait_for_assignment(ws, case_id, case_name, timeout):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        ws.settimeout(max(deadline - time.monotonic(), 0.1))
        try:
            frame = ws.recv()
        except websocket.WebSocketTimeoutException:
            break
        for notification in json.loads(frame) if frame else []:
            kind = notification.get("message", {}).get("type")
            seen.append(kind)
            if names_case(notification, case_id, case_name):
                return notification, seen
    return None, seen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="http://host:http-port")
    parser.add_argument("--ws-url", required=True, help="ws://host:gevent-port")
    parser.add_argument("--db", required=True)
    parser.add_argument("--admin-login", default="admin")
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()

    tag = f"{int(time.time())}-{secrets.token_hex(3)}"
    admin = Rpc(args.url, args.db, args.admin_login, args.admin_password)
    sales_login, sales_password = create_user(
        admin, "salesperson", "sales_team.group_sale_salesman", tag
    )
    manager_login, manager_password = create_user(
        admin, "manager", "sales_team.group_sale_manager", tag
    )
    salesperson = Rpc(args.url, args.db, sales_login, sales_password)
    manager = Rpc(args.url, args.db, manager_login, manager_password)
    log(f"users {sales_login} (salesperson) and {manager_login} (sales manager)")

    session, info = http_login(args.url, args.db, sales_login, sales_password)
    log(f"{sales_login} logged in over HTTP (uid {info['uid']})")
    ws = open_websocket(args.url, args.ws_url, session, info)
    log(f"websocket open on {args.ws_url}, subscribed")
    try:
        case_name = f"Multi-worker assignment {tag}"
        case_id = manager(
            "crm.lead",
            "create",
            {"name": case_name, "type": "opportunity", "user_id": salesperson.uid},
        )
        log(f"case {case_id} assigned to {sales_login} by {manager_login}")
        notification, seen = wait_for_assignment(ws, case_id, case_name, args.timeout)
    finally:
        ws.close()
    if notification is None:
        log(
            f"FAIL: no {ASSIGNED} notification of case {case_id} within "
            f"{args.timeout:.0f} s (received: {seen or 'nothing'})"
        )
        return 1
    log(f"ok: {ASSIGNED} notification {notification['id']} of case {case_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
