"""Cost of each benchmarked page in-process: no server, no load generator, no network.

    .venv/bin/python bench/inprocess.py --db postgres --factor 10 [--repeat 200] [--profile P]

Runs the app's WSGI callable through Flask's test client against a benchmark database
(seeded by bench/run.py or bench/common.seed), `--repeat` times per page after a
warm-up, and prints the mean and median milliseconds per request, the SQL statements per
request, the median CPU time per request (time.process_time: the app's own work, not
waiting on the database), and each page's cost in hello-world requests (median over
median: the same ratio bench/run.py measures under load, without the noise of the
client sharing the cores) beside its target (issue 23) and whether it is met. `--profile`
writes a cProfile dump of that page (bench/results/inprocess-<page>.prof) and prints its
top functions. "in DB", "Jinja" and "other" split the mean: time inside SQL statements,
inside templates, and the rest (routing, sessions, the view, building ORM objects). The
national dashboard is served from its snapshot (reports/network.py); bench/dashboards.py
measures computing it. Read-only except roster_post and sms_inbound, which write as in run.py.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

#: Plain HTTP on loopback, as under gunicorn (the test client would use https from
#: PREFERRED_URL_SCHEME, and Flask-WTF then insists on a Referer).
BASE = "http://127.0.0.1"


#: The most hello requests each page may cost (issue 23): participant, tutor and public
#: pages and the webhook 10, staff and coordinator pages (dashboards included) 20.
TARGETS = {
    "marketplace": 10, "project": 10, "participant_home": 10, "participant_events": 10,
    "tutor_home": 10, "roster_get": 10, "roster_post": 10, "sms_inbound": 10,
    "municipal_dashboard": 20, "national_dashboard": 20, "staff_today": 20,
    "case_list": 20, "case": 20, "intake": 20, "housing_case": 20, "housing_measures": 20,
}  # fmt: skip


def inner(repeat: int, pages: list[str], profile: str | None) -> dict:
    import cProfile
    import pstats
    import secrets
    import time
    from urllib.parse import urlencode

    import appside
    from sqlalchemy import event
    from twilio.request_validator import RequestValidator

    from civic_app import create_app
    from civic_app.extensions import db

    targets = appside.targets()
    app = create_app()

    @app.route("/_bench/hello")
    def bench_hello():
        return "hello"

    agent = {"User-Agent": targets["user_agent"]}
    client = app.test_client(use_cookies=False)
    validator = RequestValidator(common.TWILIO_TOKEN)
    run_id = secrets.token_hex(4)

    def get(path, cookie=None):
        headers = dict(agent)
        if cookie:
            headers["Cookie"] = cookie
        return lambda n: client.get(path, headers=headers, base_url=BASE)

    def cycling(items, make):
        made = [make(item) for item in items]
        return lambda n: made[n % len(made)](n)

    def roster_post(n):
        tutor = targets["tutors"][n % len(targets["tutors"])]
        fields = {"csrf_token": tutor["csrf"], "key": secrets.token_hex(16), "reason": "bench"}
        for person in tutor["participants"]:
            fields[f"mark-{person}"] = "late" if (n // len(targets["tutors"])) % 2 else "present"
            fields[f"hours-{person}"] = tutor["hours"]
        return client.post(
            f"/tutor/sessions/{tutor['session_id']}",
            data=fields,
            headers=agent | {"Cookie": tutor["cookie"]},
            base_url=BASE,
        )

    def inbound(n):
        params = {
            "MessageSid": f"SMinproc{run_id}{n:010d}",
            "AccountSid": "ACbench",
            "From": targets["phones"][(n * 31) % len(targets["phones"])],
            "To": "+15005550006",
            "Body": "ORE",
            "NumMedia": "0",
        }
        signature = validator.compute_signature(common.PUBLIC_BASE_URL + "/sms/inbound", params)
        return client.post(
            "/sms/inbound",
            data=urlencode(params),
            content_type="application/x-www-form-urlencoded",
            headers=agent | {"X-Twilio-Signature": signature},
            base_url=BASE,
        )

    made = {
        "hello": (get("/_bench/hello"), 200),
        # the layout alone (the home page: base.html, no query): the floor of every page
        "layout": (get("/"), 200),
        "marketplace": (get("/projects"), 200),
        "project": (cycling(targets["projects"], lambda p: get(f"/projects/{p}")), 200),
        "participant_home": (
            cycling(targets["participants"], lambda p: get("/me", p["cookie"])),
            200,
        ),
        "roster_get": (
            cycling(
                targets["tutors"],
                lambda t: get(f"/tutor/sessions/{t['session_id']}", t["cookie"]),
            ),
            200,
        ),
        "roster_post": (roster_post, 302),
        "sms_inbound": (inbound, 200),
        "municipal_dashboard": (
            cycling(targets["staff"], lambda s: get("/staff/reports", s["cookie"])),
            200,
        ),
        "national_dashboard": (get("/network", targets["coordinator"]["cookie"]), 200),
        "participant_events": (
            cycling(targets["participants"], lambda p: get("/events", p["cookie"])),
            200,
        ),
        "tutor_home": (cycling(targets["tutors"], lambda t: get("/tutor", t["cookie"])), 200),
        "staff_today": (
            cycling(targets["staff"], lambda s: get("/staff/today", s["cookie"])),
            200,
        ),
        "case_list": (cycling(targets["caseworkers"], lambda c: get("/cases", c["cookie"])), 200),
        "case": (
            cycling(targets["caseworkers"], lambda c: get(f"/cases/{c['intake_id']}", c["cookie"])),
            200,
        ),
        "intake": (
            cycling(targets["caseworkers"], lambda c: get("/cases/new", c["cookie"])),
            200,
        ),
        "housing_case": (
            cycling(
                targets["caseworkers"],
                lambda c: get(f"/cases/{c['intake_id']}/housing", c["cookie"]),
            ),
            200,
        ),
        "housing_measures": (
            cycling(targets["caseworkers"], lambda c: get("/housing/measures", c["cookie"])),
            200,
        ),
    }
    # Where each request's time goes: statements and the time spent in them (the
    # database's answer and the driver; turning rows into objects comes after and is in
    # "other"), and the time inside templates (Jinja, macros, Babel's formatting there).
    statements, db_seconds, template_seconds = [0], [0.0], [0.0]
    from flask import before_render_template, template_rendered

    with app.app_context():

        def before(conn, *_args):
            statements[0] += 1
            conn.info["bench_started"] = time.perf_counter()

        def after(conn, *_args):
            db_seconds[0] += time.perf_counter() - conn.info.pop("bench_started")

        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
    rendering: list[float] = []

    def template_started(*_args, **_kwargs):
        rendering.append(time.perf_counter())

    def template_done(*_args, **_kwargs):
        started = rendering.pop()
        if not rendering:  # an included template is inside its parent's time
            template_seconds[0] += time.perf_counter() - started

    before_render_template.connect(template_started, app)
    template_rendered.connect(template_done, app)
    results = {}
    for page in ["hello", "layout", *pages]:
        call, status = made[page]
        for n in range(min(repeat, 20)):
            # warm-up numbers of their own: an SMS whose MessageSid was seen is not answered
            response = call(1_000_000 + n)
            if response.status_code != status:
                body = response.get_data(as_text=True)[:3000]
                raise SystemExit(f"{page}: {response.status_code} instead of {status}: {body}")
        timings, cpu = [], []
        statements[0], db_seconds[0], template_seconds[0] = 0, 0.0, 0.0
        profiler = cProfile.Profile() if page == profile else None
        if profiler:
            profiler.enable()
        for n in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            call(n)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        if profiler:
            profiler.disable()
            out = common.BENCH / "results" / f"inprocess-{page}.prof"
            out.parent.mkdir(exist_ok=True)
            profiler.dump_stats(out)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
        timings.sort()
        cpu.sort()
        results[page] = {
            "mean_ms": sum(timings) / len(timings),
            "median_ms": common.percentile(timings, 50),
            "cpu_ms": common.percentile(cpu, 50),
            "statements": statements[0] / repeat,
            "db_ms": db_seconds[0] * 1000 / repeat,
            "template_ms": template_seconds[0] * 1000 / repeat,
        }
        row = results[page]
        row["other_ms"] = max(0.0, row["mean_ms"] - row["db_ms"] - row["template_ms"])
    hello = results["hello"]["median_ms"]
    for name, page in results.items():
        page["hello_requests"] = page["median_ms"] / hello
        page["target"] = TARGETS.get(name)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--pages",
        default="marketplace,project,participant_home,participant_events,tutor_home,"
        "roster_get,roster_post,sms_inbound,municipal_dashboard,national_dashboard,staff_today,"
        "case_list,case,intake,housing_case,housing_measures",
    )
    parser.add_argument("--profile", help="a page to profile with cProfile")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    pages = [p for p in args.pages.split(",") if p]
    if args.inner:
        json.dump(inner(args.repeat, pages, args.profile), sys.stdout)
        return 0
    url, _ = common.seed(args.db, f"bench_f{args.factor}", args.factor)
    env = common.app_env(url)
    extra = ["--repeat", str(args.repeat), "--pages", ",".join(pages)]
    if args.profile:
        extra += ["--profile", args.profile]
    results = json.loads(common.python(env, "inprocess.py", "--inner", *extra))
    print(
        f"{'page':<22}{'mean ms':>9}{'median':>9}{'CPU ms':>8}{'SQL':>6}{'in DB':>7}"
        f"{'Jinja':>7}{'other':>7}{'× hello':>9}{'target':>8}  met"
    )
    for page, row in results.items():
        target = row["target"]
        met = "" if target is None else ("yes" if row["hello_requests"] <= target else "no")
        print(
            f"{page:<22}{row['mean_ms']:>9.2f}{row['median_ms']:>9.2f}{row['cpu_ms']:>8.2f}"
            f"{row['statements']:>6.1f}{row['db_ms']:>7.2f}{row['template_ms']:>7.2f}"
            f"{row['other_ms']:>7.2f}{row['hello_requests']:>9.1f}"
            f"{(f'{target}×' if target else ''):>8}  {met}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
