"""A multi-worker Odoo under load: salespeople over RPC, conversions racing
for the same cases, an e-conomic import meanwhile.

Run through the wrapper, which passes where Odoo and PostgreSQL are::

    bash scripts/bench.sh bench/bench_load.py

Makes a throwaway database with tracelink_crm and tracelink_economic (no demo
data), then, as an operator would:

- starts the local e-conomic stand-in of the tests
  (``tracelink_economic/tests/stand_ins/fake_economic.py``) with
  ``BENCH_ECONOMIC_CUSTOMERS`` customers (default 3,000) as an HTTP server,
  and points the company's e-conomic connection at it;
- makes ``BENCH_SALESPEOPLE`` salespeople (default 16; *Sales: User, own
  documents only*) and ``BENCH_RACERS`` other systems' users (default 6;
  *all documents*), ``BENCH_RACE_CASES`` won cases (default 8) for those to
  race on; lead enrichment off and the order confirmation not e-mailed on
  conversion, so the log shows only what needs attention (the e-mail's PDF
  has its own benchmark, bench_convert_order.py);
- starts Odoo as in production: ``BENCH_WORKERS`` HTTP workers (default 4),
  one cron worker, the websocket process (``--gevent-port``), on
  ``BENCH_PORT`` (default 8177) and the port after it;
- the administrator clicks *Import now* (the first page of 1,000 in an HTTP
  worker, the rest in the cron worker, page by page); meanwhile every
  salesperson, at once and without pause, ``BENCH_CASES`` times (default 3):
  creates a customer, a case for it, sets it Won and converts it to an order
  (the public API of the README's "Use from other systems"); and the racers
  all convert the same won case at the same moment, case after case;
- prints the calls per second, p50/p95/max latency per method and overall,
  the unexpected errors, and checks: every case there, exactly one confirmed
  order per converted case and no other order, every other convert attempt
  refused with a clear message (UserError: being converted right now, or
  already converted), all customers imported once each (no partner twice),
  the import's figures, no traceback nor ERROR line in the server log.
  Exit status 1 when a check fails.

``BENCH_RPC``: ``xmlrpc`` (default: ``/xmlrpc/2/object``, user and password
on every call, as the README's example) or ``jsonrpc`` (one
``/web/session/authenticate`` per client, then ``/web/dataset/call_kw`` with
its session). ``BENCH_KEEP_DB=1`` keeps the installed database as
``<prefix>_load_template`` and copies it for the next run (``createdb -T``)
instead of installing again; drop it with ``dropdb`` when done.
``BENCH_DB_PREFIX`` (default ``tracelink_bench``). The server log is
``var/bench-load-server.log``.

The same file is fed to ``odoo-bin shell`` for the set-up inside the database
(``BENCH_STEP=setup``).
"""

import importlib.util
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import xmlrpc.client
from collections import Counter, defaultdict

N_SALESPEOPLE = int(os.environ.get("BENCH_SALESPEOPLE", "16"))
N_RACERS = int(os.environ.get("BENCH_RACERS", "6"))
N_CASES = int(os.environ.get("BENCH_CASES", "3"))
N_RACE_CASES = int(os.environ.get("BENCH_RACE_CASES", "8"))
N_CUSTOMERS = int(os.environ.get("BENCH_ECONOMIC_CUSTOMERS", "3000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8177"))
RPC = os.environ.get("BENCH_RPC", "xmlrpc")
AUTH = os.environ.get("BENCH_AUTH", "password")
IMPORT_TIMEOUT = int(os.environ.get("BENCH_IMPORT_TIMEOUT", "900"))
APP_TOKEN = "bench-load-app-secret-token"
GRANT_TOKEN = "bench-load-agreement-grant-token"
PASSWORD = "bench-load-password-4711"
RESULT_MARK = "BENCH_SETUP "
# The refusals a racer may get: the case is locked by another conversion, or
# that conversion is done (crm.lead._lock_for_conversion, _check_convertible).
REFUSALS = re.compile(
    r"is being converted to an order right now|has already been converted"
)
# the checkout (the shell step, fed on stdin, has no __file__ and needs none)
REPO = os.path.dirname(os.path.dirname(os.path.abspath(globals().get("__file__", "."))))

# ----------------------------------------------------------------------------
# Inside the database (odoo-bin shell)
# ----------------------------------------------------------------------------


def setup(env):
    """Users, the e-conomic connection and the won cases to race on;
    committed. Prints what the driver needs after ``RESULT_MARK``."""
    env["ir.config_parameter"].set_param("crm.iap.lead.enrich.setting", "manual")
    enrich = env.ref("crm_iap_enrich.ir_cron_lead_enrichment", raise_if_not_found=False)
    if enrich:
        enrich.active = False
    company = env.company
    company.write(
        {
            "tracelink_order_auto_send": False,
            "country_id": env.ref("base.dk").id,
            "email": "salg@example.com",
        }
    )
    Users = env["res.users"].with_context(no_reset_password=True)

    def users(kind, count, group):
        return Users.create(
            [
                {
                    "name": f"Load {kind} {n:02d}",
                    "login": f"load-{kind}-{n:02d}",
                    "email": f"load-{kind}-{n:02d}@example.com",
                    "groups_id": [(6, 0, [env.ref(group).id])],
                    # an integration user: an API key and no password
                    **({} if AUTH == "apikey" else {"password": PASSWORD}),
                }
                for n in range(count)
            ]
        )

    salespeople = users("sales", N_SALESPEOPLE, "sales_team.group_sale_salesman")
    racers = users("racer", N_RACERS, "sales_team.group_sale_salesman_all_leads")
    secrets = {}
    for user in salespeople | racers:
        secrets[user.login] = (
            env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate(None, "Load benchmark", None)
            if AUTH == "apikey"
            else PASSWORD
        )
    Connection = env["tracelink.economic.connection"]
    connection = Connection.search([("company_id", "=", company.id)])
    vals = {
        "state": "enabled",
        "base_url": os.environ["BENCH_ECONOMIC_URL"],
        "app_secret_token": APP_TOKEN,
        "agreement_grant_token": GRANT_TOKEN,
        "timeout": 30,
    }
    if connection:
        connection.write(vals)
    else:
        connection = Connection.create({"company_id": company.id, **vals})
    partners = env["res.partner"].create(
        [
            {"name": f"Race customer {n:02d}", "is_company": True}
            for n in range(N_RACE_CASES)
        ]
    )
    cases = env["crm.lead"].create(
        [
            {
                "name": f"Race case {n:02d}",
                "type": "opportunity",
                "partner_id": partner.id,
                "expected_revenue": 10000 + n,
                "user_id": racers[0].id,
            }
            for n, partner in enumerate(partners)
        ]
    )
    cases.action_set_won()
    env.cr.commit()
    result = {
        "company_id": company.id,
        "connection_id": connection.id,
        "salespeople": salespeople.mapped("login"),
        "racers": racers.mapped("login"),
        "secrets": secrets,
        "race_cases": cases.ids,
    }
    print(RESULT_MARK + json.dumps(result))


# ----------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def odoo_command(db, *args):
    command = [os.environ["BENCH_PYTHON"], os.environ["BENCH_ODOO_BIN"], *args]
    command += [a for a in os.environ.get("BENCH_ODOO_ARGS", "").split("\n") if a]
    return [*command, "-d", db]


def psql_value(db, query):
    done = subprocess.run(
        ["psql", "-d", db, "-tAc", query], capture_output=True, check=False
    )
    return done.stdout.decode().strip() if not done.returncode else ""


def run_checked(command, **kwargs):
    done = subprocess.run(command, capture_output=True, check=False, **kwargs)
    if done.returncode:
        out = (done.stdout + done.stderr).decode()
        for line in out.splitlines()[-40:]:
            sys.stderr.write(line[:400] + "\n")
        raise SystemExit(f"failed: {' '.join(command[:4])} ...")
    return done.stdout.decode()


# Odoo's default data folder (scripts/lib.sh sets no other)
FILESTORE = os.path.expanduser("~/.local/share/Odoo/filestore")


def copy_database(template, db):
    """``createdb -T`` and the template's filestore (menu icons, assets)."""
    run_checked(["createdb", "-T", template, db])
    if os.path.isdir(os.path.join(FILESTORE, template)):
        shutil.copytree(os.path.join(FILESTORE, template), os.path.join(FILESTORE, db))


def drop_database(db):
    subprocess.run(["dropdb", "--if-exists", db], check=False)
    shutil.rmtree(os.path.join(FILESTORE, db), ignore_errors=True)


def make_database(prefix):
    """A database with the addons installed: installed now, or copied from
    the kept template."""
    db = f"{prefix}_load_{os.getpid()}"
    template = f"{prefix}_load_template"
    keep = os.environ.get("BENCH_KEEP_DB") == "1"
    addons = "tracelink_crm,tracelink_economic"
    if (
        keep
        and psql_value(
            template, "SELECT state FROM ir_module_module WHERE name = 'tracelink_crm'"
        )
        == "installed"
    ):
        log(f"copying {template} to {db}")
        copy_database(template, db)
        return db
    target = template if keep else db
    log(f"installing {addons} in {target} (about two minutes)")
    run_checked(
        odoo_command(
            target,
            "-i",
            addons,
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
            "--http-port",
            str(PORT),
        )
    )
    if keep:
        copy_database(template, db)
    return db


def load_fake_economic():
    # loaded from its file: importing the addon's tests package would need Odoo
    path = os.path.join(
        REPO, "tracelink_economic", "tests", "stand_ins", "fake_economic.py"
    )
    spec = importlib.util.spec_from_file_location("fake_economic", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FakeEconomic


def run_setup(db, economic_url):
    env = dict(os.environ, BENCH_STEP="setup", BENCH_ECONOMIC_URL=economic_url)
    with open(__file__, "rb") as script:
        out = run_checked(
            odoo_command(db, "shell", "--log-level=warn", "--no-http"),
            stdin=script,
            env=env,
        )
    line = next(line for line in out.splitlines() if line.startswith(RESULT_MARK))
    return json.loads(line[len(RESULT_MARK) :])


class Server:
    """Odoo as in production, in a process group of its own."""

    def __init__(self, db, logfile):
        self.db, self.logfile = db, logfile
        self.url = f"http://127.0.0.1:{PORT}"
        self.process = None

    def start(self):
        command = odoo_command(
            self.db,
            "--db-filter",
            f"^{self.db}$",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(PORT),
            "--gevent-port",
            str(PORT + 1),
            "--workers",
            str(WORKERS),
            "--max-cron-threads",
            "1",
            "--db_maxconn",
            "16",
            "--log-level=info",
        )
        log(
            f"starting Odoo: {WORKERS} workers, 1 cron worker, websocket :{PORT + 1}"
            f" (log: {self.logfile})"
        )
        with open(self.logfile, "wb") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        import requests  # noqa: PLC0415 (the shell step does not need it)

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"Odoo stopped at start: see {self.logfile}")
            try:
                if requests.get(f"{self.url}/web/health", timeout=5).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise SystemExit(f"Odoo did not answer within 120 s: see {self.logfile}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(self.process.pid, 9)
            except ProcessLookupError:
                pass
            self.process.wait()


class CallError(Exception):
    """A refused or failed call: ``kind`` is the exception's class name."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind, self.message = kind, message


FAULT_KINDS = {2: "UserError", 3: "AccessDenied", 4: "AccessError"}


class XmlRpcClient:
    """``execute_kw`` with login and password on every call."""

    def __init__(self, url, db, login, password):
        self.db, self.password = db, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise SystemExit(f"{login} could not log in")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")

    def __call__(self, model, method, *args, **kwargs):
        try:
            return self.models.execute_kw(
                self.db, self.uid, self.password, model, method, list(args), kwargs
            )
        except xmlrpc.client.Fault as fault:
            # /xmlrpc/2: a UserError is fault 2 with its message, anything
            # unexpected fault 1 with the server's traceback
            kind = FAULT_KINDS.get(fault.faultCode, f"Fault {fault.faultCode}")
            raise CallError(kind, fault.faultString) from None


class JsonRpcClient:
    """One session per client: logged in once, then ``call_kw``."""

    def __init__(self, url, db, login, password):
        import requests  # noqa: PLC0415

        self.url = url
        self.session = requests.Session()
        answer = self.post(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )
        if not answer.get("uid"):
            raise SystemExit(f"{login} could not log in")

    def post(self, path, params):
        response = self.session.post(
            f"{self.url}{path}",
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=600,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            data = body["error"].get("data", {})
            kind = data.get("name", "Error").rsplit(".", 1)[-1]
            raise CallError(kind, data.get("message", body["error"].get("message")))
        return body["result"]

    def __call__(self, model, method, *args, **kwargs):
        return self.post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )


CLIENTS = {"xmlrpc": XmlRpcClient, "jsonrpc": JsonRpcClient}


class Recorder:
    """Every timed call: (label, seconds, error kind or None)."""

    def __init__(self):
        self.calls = []
        self.unexpected = []
        self.lock = threading.Lock()

    def call(self, client, label, model, method, *args, expect_refusal=False, **kw):
        start = time.perf_counter()
        error = None
        try:
            return client(model, method, *args, **kw)
        except CallError as exc:
            error = exc
            raise
        except Exception as exc:  # noqa: BLE001 (transport errors count too)
            error = CallError(type(exc).__name__, str(exc))
            raise error from exc
        finally:
            elapsed = time.perf_counter() - start
            with self.lock:
                self.calls.append((label, elapsed, error and error.kind))
                if error and not expect_refusal:
                    self.unexpected.append(f"{label}: {error.kind}: {error.message}")


def salesperson(server, db, login, secret, recorder, start, results):
    client = CLIENTS[RPC](server.url, db, login, secret)
    start.wait()
    for n in range(N_CASES):
        try:
            partner_id = recorder.call(
                client,
                "create customer",
                "res.partner",
                "create",
                {
                    "name": f"{login} customer {n}",
                    "is_company": True,
                    "email": f"{login}-{n}@example.com",
                },
            )
            case_id = recorder.call(
                client,
                "create case",
                "crm.lead",
                "create",
                {
                    "name": f"{login} case {n}",
                    "type": "opportunity",
                    "partner_id": partner_id,
                    "expected_revenue": 25000 + n,
                },
            )
            results["cases"].append(case_id)
            recorder.call(client, "set Won", "crm.lead", "action_set_won", [case_id])
            action = recorder.call(
                client, "convert", "crm.lead", "action_convert_to_order", [case_id]
            )
            results["converted"][case_id].append(action["res_id"])
        except CallError:
            continue  # noted by the recorder


def racer(server, db, login, secret, recorder, start, barriers, case_ids, outcomes):
    client = CLIENTS[RPC](server.url, db, login, secret)
    start.wait()
    for barrier, case_id in zip(barriers, case_ids, strict=True):
        barrier.wait()
        try:
            action = recorder.call(
                client,
                "racing convert",
                "crm.lead",
                "action_convert_to_order",
                [case_id],
                expect_refusal=True,
            )
            outcomes[case_id].append(("order", action["res_id"]))
        except CallError as error:
            outcomes[case_id].append((error.kind, error.message))


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def figures(label, durations):
    p50, p95 = statistics.median(durations), percentile(durations, 0.95)
    return (
        f"  {label:<16} {len(durations):>5} calls  p50 {p50:6.3f} s"
        f"  p95 {p95:6.3f} s  max {max(durations):6.3f} s"
    )


def wait_for_import(db, connection_id):
    deadline = time.monotonic() + IMPORT_TIMEOUT
    while time.monotonic() < deadline:
        state = psql_value(
            db,
            "SELECT import_started IS NULL AND last_import IS NOT NULL, "
            f"coalesce(import_error, '') FROM tracelink_economic_connection "
            f"WHERE id = {connection_id}",
        )
        if state.startswith("t|") or state.split("|", 1)[-1]:
            return
        time.sleep(2)


def check(db, setup_result, results, outcomes, logfile, import_figures):
    """The checks; a list of failures (empty: all held)."""
    failures = []
    cases = results["cases"] + setup_result["race_cases"]
    ids = ",".join(map(str, cases)) or "0"
    there = psql_value(
        db,
        "SELECT count(*), count(*) FILTER (WHERE stage.is_won) FROM crm_lead lead "
        f"JOIN crm_stage stage ON stage.id = lead.stage_id WHERE lead.id IN ({ids})",
    )
    if there != f"{len(cases)}|{len(cases)}":
        failures.append(f"cases there|won: {there}, not {len(cases)}")
    expected = N_SALESPEOPLE * N_CASES
    if len(results["cases"]) != expected:
        failures.append(f"cases made: {len(results['cases'])} of {expected}")
    rows = psql_value(
        db,
        "SELECT opportunity_id, state, count(*) FROM sale_order "
        f"WHERE opportunity_id IN ({ids}) GROUP BY 1, 2",
    )
    orders = Counter()
    for row in filter(None, rows.splitlines()):
        case_id, state, count = row.split("|")
        orders[int(case_id), state] += int(count)
    for case_id in cases:
        confirmed = orders.pop((case_id, "sale"), 0)
        if confirmed != 1:
            failures.append(f"case {case_id}: {confirmed} confirmed orders")
    if orders:
        failures.append(f"other orders of the cases: {dict(orders)}")
    for case_id, order_ids in results["converted"].items():
        if len(order_ids) != 1:
            failures.append(f"case {case_id} converted {len(order_ids)} times")
    for case_id in setup_result["race_cases"]:
        got = outcomes[case_id]
        made = [o for o in got if o[0] == "order"]
        refused = [o for o in got if o[0] == "UserError" and REFUSALS.search(o[1])]
        if len(got) != N_RACERS or len(made) != 1 or len(refused) != N_RACERS - 1:
            failures.append(f"race on case {case_id}: {got}")
    numbers = psql_value(
        db,
        "SELECT count(*), count(DISTINCT economic_customer_number->>"
        f"'{setup_result['company_id']}') FROM res_partner "
        f"WHERE economic_customer_number->>'{setup_result['company_id']}' IS NOT NULL",
    )
    if numbers != f"{N_CUSTOMERS}|{N_CUSTOMERS}":
        failures.append(
            f"e-conomic customers (partners|numbers): {numbers}, not {N_CUSTOMERS}"
        )
    if (
        import_figures.get("import_created") != N_CUSTOMERS
        or import_figures.get("import_error")
        or not import_figures.get("done")
    ):
        failures.append(f"import: {import_figures}")
    bad, _conflicts = read_log(logfile)
    if bad:
        failures.append("server log: " + " | ".join(bad[:5]))
    return failures


# A query failing on a conflict with another transaction, which Odoo logs as
# "bad query" and then retries the whole call (odoo.service.model: "...
# tries left, try again"): counted, not a fault.
CONFLICT = re.compile(
    r"^ERROR: (could not serialize access|deadlock detected|could not obtain lock)"
)
LOG_LINE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
TABLE = re.compile(r'(?:UPDATE|FROM|INTO)\s+"?(\w+)"?')


def read_log(logfile):
    """The server log's faults (tracebacks, ERROR and CRITICAL lines other
    than retried conflicts) and ``Counter`` of the conflicts by table."""
    with open(logfile, encoding="utf-8", errors="replace") as server_log:
        lines = server_log.read().splitlines()
    bad, conflicts = [], Counter()
    for index, line in enumerate(lines):
        if "Traceback" in line:
            bad.append(line)
        elif LOG_LINE.search(line):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if "bad query" in line and CONFLICT.search(following):
                table = TABLE.search(line)
                conflicts[table.group(1) if table else "?"] += 1
            else:
                bad.append(line[:300])
    return bad, conflicts


# Odoo's request log line ends with the request's queries, their time and
# the rest of its time (Python): "POST /xmlrpc/2/object HTTP/1.1" 200 - 46 0.2 1.1
REQUEST = re.compile(
    r'"POST (/xmlrpc/2/object|/web/dataset/call_kw/\S*) HTTP[^"]*" 200 - '
    r"(\d+) ([\d.]+) ([\d.]+)"
)


def server_times(logfile):
    """Per RPC call, as the server logged it: (calls, queries, SQL seconds,
    other seconds), averaged."""
    with open(logfile, encoding="utf-8", errors="replace") as server_log:
        rows = [
            tuple(map(float, match.groups()[1:]))
            for match in map(REQUEST.search, server_log)
            if match
        ]
    if not rows:
        return 0, 0.0, 0.0, 0.0
    return (len(rows), *(sum(column) / len(rows) for column in zip(*rows, strict=True)))


def import_state(db, connection_id):
    row = psql_value(
        db,
        "SELECT import_created, coalesce(import_error, ''), "
        "import_started IS NULL AND last_import IS NOT NULL "
        f"FROM tracelink_economic_connection WHERE id = {connection_id}",
    )
    created, error, done = (row.split("|") + ["", "", ""])[:3]
    return {
        "import_created": int(created or 0),
        "import_error": error,
        "done": done == "t",
    }


def drive():
    if RPC not in CLIENTS or AUTH not in ("password", "apikey"):
        raise SystemExit("BENCH_RPC: xmlrpc or jsonrpc; BENCH_AUTH: password or apikey")
    if RPC == "jsonrpc" and AUTH == "apikey":
        raise SystemExit("an API key logs in over XML-RPC only (BENCH_RPC=xmlrpc)")
    prefix = os.environ.get("BENCH_DB_PREFIX", "tracelink_bench")
    os.makedirs(os.path.join(REPO, "var"), exist_ok=True)
    logfile = os.path.join(REPO, "var", "bench-load-server.log")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the stand-in's
    fake = load_fake_economic()(APP_TOKEN, GRANT_TOKEN)
    fake.add_customers(N_CUSTOMERS)
    economic = fake.start_server()
    db = make_database(prefix)
    server = Server(db, logfile)
    try:
        log(f"setting up {db}: users, e-conomic connection, won cases to race on")
        setup_result = run_setup(db, economic.url_for("/"))
        server.start()
        recorder = Recorder()
        results = {"cases": [], "converted": defaultdict(list)}
        outcomes = defaultdict(list)
        secrets = setup_result["secrets"]
        clients = N_SALESPEOPLE + N_RACERS
        start = threading.Barrier(clients + 1)
        barriers = [threading.Barrier(N_RACERS) for _ in setup_result["race_cases"]]
        threads = [
            threading.Thread(
                target=salesperson,
                args=(server, db, login, secrets[login], recorder, start, results),
            )
            for login in setup_result["salespeople"]
        ] + [
            threading.Thread(
                target=racer,
                args=(
                    server,
                    db,
                    login,
                    secrets[login],
                    recorder,
                    start,
                    barriers,
                    setup_result["race_cases"],
                    outcomes,
                ),
            )
            for login in setup_result["racers"]
        ]
        log(f"{clients} clients logging in ({RPC})")
        for thread in threads:
            thread.start()
        admin = CLIENTS[RPC](server.url, db, "admin", "admin")
        start.wait()
        load_before = os.getloadavg()[0]
        began = time.perf_counter()
        log(
            f"load: {N_SALESPEOPLE} salespeople x {N_CASES} cases, {N_RACERS} racers x "
            f"{N_RACE_CASES} cases, e-conomic import of {N_CUSTOMERS} customers"
        )
        import_answer = recorder.call(
            admin,
            "Import now",
            "tracelink.economic.connection",
            "action_import_now",
            [setup_result["connection_id"]],
        )
        for thread in threads:
            thread.join()
        load_time = time.perf_counter() - began
        load_after = os.getloadavg()[0]
        log("clients done; waiting for the import to finish")
        wait_for_import(db, setup_result["connection_id"])
        import_time = time.perf_counter() - began
        import_figures = import_state(db, setup_result["connection_id"])
    finally:
        server.stop()
        economic.stop()
    try:
        failures = check(db, setup_result, results, outcomes, logfile, import_figures)
    finally:
        drop_database(db)

    durations = [elapsed for _label, elapsed, _error in recorder.calls]
    by_label = defaultdict(list)
    for label, elapsed, _error in recorder.calls:
        by_label[label].append(elapsed)
    auth = "session" if RPC == "jsonrpc" else AUTH
    print(
        f"Load: {WORKERS} HTTP workers + 1 cron worker, {RPC} ({auth}), "
        f"{N_SALESPEOPLE} salespeople x {N_CASES} cases, {N_RACERS} racers x "
        f"{N_RACE_CASES} cases, e-conomic import of {N_CUSTOMERS} customers; "
        f"{os.cpu_count()} CPU, load average {load_before:.1f} at the start, "
        f"{load_after:.1f} at the end"
    )
    print(
        f"  calls: {len(durations)} in {load_time:.1f} s = "
        f"{len(durations) / load_time:.1f} calls/s; "
        f"unexpected errors: {len(recorder.unexpected)}"
    )
    print(figures("all calls", durations))
    calls, queries, sql, other = server_times(logfile)
    print(
        f"  server time per call ({calls} calls, Odoo's request log): "
        f"{queries:.0f} queries, {sql:.3f} s in SQL, {other:.3f} s in Python"
    )
    for label in sorted(by_label):
        print(figures(label, by_label[label]))
    params = import_answer.get("params", {}) if isinstance(import_answer, dict) else {}
    print(
        f"  e-conomic import: {import_figures['import_created']} created, done "
        f"{import_time:.1f} s after Import now ({params.get('message', '')})"
    )
    _bad, conflicts = read_log(logfile)
    tables = ", ".join(f"{table} {n}" for table, n in conflicts.most_common())
    print(
        f"  conflicts between transactions retried by Odoo: {sum(conflicts.values())}"
        + (f" ({tables})" if tables else "")
    )
    races = sum(len(v) for v in outcomes.values())
    refused = sum(1 for v in outcomes.values() for o in v if o[0] != "order")
    print(
        f"  race: {races} convert attempts on {len(outcomes)} cases, "
        f"{races - refused} orders, {refused} refused"
    )
    for line in recorder.unexpected[:10]:
        print(f"  error: {line[:300]}")
    if failures:
        for failure in failures:
            print(f"CHECK FAILED: {failure[:600]}")
        raise SystemExit(1)
    print(
        "checks: every case there, one order per converted case, every other "
        "attempt refused clearly, all customers imported once, server log clean"
    )


if "env" in globals():  # fed to odoo-bin shell
    {"setup": setup}[os.environ["BENCH_STEP"]](globals()["env"])
elif __name__ == "__main__":
    drive()
