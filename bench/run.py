"""Page benchmark: the site under gunicorn on loopback, each page against a hello-world ceiling.

    .venv/bin/python bench/run.py --db postgres --factor 10 --duration 15

Seeds (or reuses) a benchmark database at the factor, starts gunicorn with
bench/wsgi_bench.py on a free loopback port, then for the ceiling (`/_bench/hello`)
and each page: a warm-up, then `--duration` seconds of `--connections` closed-loop
clients (bench/loadgen.py). The ceiling is measured first and last; each page's ratio
is its requests per second over the mean of the two. Prints a table and writes JSON to
bench/results/<timestamp>-<db>-f<factor>.json. See docs/benchmarks.md.

The public pages (marketplace, project) are driven anonymously, so they are what every
anonymous visitor gets: served from the process's cache (core/public_pages.py) once a
worker has rendered them; PUBLIC_PAGE_SECONDS=0 in the environment measures them
rendered each time. With `--revalidate` each of them is measured a second time
(`marketplace_304`, `project_304`) by clients that send back the last ETag they got for
the page (If-None-Match), as browsers revalidating their copy do: mostly 304s.
"""

import argparse
import json
import os
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import loadgen  # noqa: E402

#: Targets: at least this share of the ceiling (the public pages, issue #23; every page in
#: issue #10), and every page's p95 under this (issue #23; it was 100 ms in issue #10).
MIN_RATIO = 0.30
MAX_P95_MS = 50.0
PUBLIC_PAGES = ("marketplace", "project", "marketplace_304", "project_304")
#: The pages a browser revalidates (--revalidate), each measured again as "<page>_304".
REVALIDATED = ("marketplace", "project")
SUFFIX_304 = "_304"
#: Pages whose first requests compute what later ones reuse: the national figures are
#: computed once per worker (or once in Redis) and then cached, as the scheduler keeps them
#: in production; their warm-up lasts until that is done, whatever --warmup says.
WARMUP_AT_LEAST = {"national_dashboard": 30.0}
PAGES = [
    "marketplace",
    "project",
    "participant_home",
    "roster_get",
    "roster_post",
    "sms_inbound",
    "municipal_dashboard",
    "national_dashboard",
    "participant_events",
    "tutor_home",
    "staff_today",
    "case_list",
    "case",
    "intake",
    "housing_case",
    "housing_measures",
]


def build_requests(targets: dict, host: str) -> dict[str, tuple[loadgen.MakeRequest, frozenset]]:
    """What each measured page sends: (request maker, expected statuses)."""
    from twilio.request_validator import RequestValidator

    agent = {"User-Agent": targets["user_agent"]}
    ok = frozenset({200})

    def cycling(items, make_one):
        prepared = [make_one(item) for item in items]
        return lambda conn, n: prepared[(conn + n * 7) % len(prepared)]

    made = {
        "hello": (lambda conn, n, r=loadgen.get("/_bench/hello", host, agent): r, ok),
        "marketplace": (lambda conn, n, r=loadgen.get("/projects", host, agent): r, ok),
    }
    if targets["projects"]:
        made["project"] = (
            cycling(targets["projects"], lambda pid: loadgen.get(f"/projects/{pid}", host, agent)),
            ok,
        )
    if targets["participants"]:
        made["participant_home"] = (
            cycling(
                targets["participants"],
                lambda p: loadgen.get("/me", host, agent | {"Cookie": p["cookie"]}),
            ),
            ok,
        )
    tutors = targets["tutors"]
    if tutors:
        made["roster_get"] = (
            cycling(
                tutors,
                lambda t: loadgen.get(
                    f"/tutor/sessions/{t['session_id']}", host, agent | {"Cookie": t["cookie"]}
                ),
            ),
            ok,
        )

        def roster_post(conn, n):
            # Each connection keeps to one roster; every post is a new submission (a new
            # key) that corrects every mark (present <-> late), with its reason.
            tutor = tutors[conn % len(tutors)]
            return loadgen.post(
                f"/tutor/sessions/{tutor['session_id']}",
                host,
                roster_form(tutor, "late" if n % 2 else "present"),
                agent | {"Cookie": tutor["cookie"]},
            )

        made["roster_post"] = (roster_post, frozenset({302}))
    if targets["phones"]:
        validator = RequestValidator(common.TWILIO_TOKEN)
        url = common.PUBLIC_BASE_URL + "/sms/inbound"
        phones = targets["phones"]
        run_id = secrets.token_hex(4)

        def inbound(conn, n):
            # A new MessageSid each time (a repeated one is answered without work); the
            # keyword asks for the person's hours, so the app reads and answers.
            params = {
                "MessageSid": f"SMbench{run_id}{conn:02d}{n:010d}",
                "AccountSid": "ACbench",
                "From": phones[(conn * 31 + n) % len(phones)],
                "To": "+15005550006",
                "Body": "ORE",
                "NumMedia": "0",
            }
            signature = validator.compute_signature(url, params)
            return loadgen.post(
                "/sms/inbound",
                host,
                urlencode(params).encode(),
                agent | {"X-Twilio-Signature": signature},
            )

        made["sms_inbound"] = (inbound, ok)
    if targets["staff"]:
        made["municipal_dashboard"] = (
            cycling(
                targets["staff"],
                lambda s: loadgen.get("/staff/reports", host, agent | {"Cookie": s["cookie"]}),
            ),
            ok,
        )
    # The other pages bench/inprocess.py measures: each person's GET with their cookie.
    personal = {
        "participant_events": ("participants", lambda p: "/events"),
        "tutor_home": ("tutors", lambda t: "/tutor"),
        "staff_today": ("staff", lambda s: "/staff/today"),
        "case_list": ("caseworkers", lambda c: "/cases"),
        "case": ("caseworkers", lambda c: f"/cases/{c['intake_id']}"),
        "intake": ("caseworkers", lambda c: "/cases/new"),
        "housing_case": ("caseworkers", lambda c: f"/cases/{c['intake_id']}/housing"),
        "housing_measures": ("caseworkers", lambda c: "/housing/measures"),
    }
    for page, (who, path) in personal.items():
        if targets.get(who):
            made[page] = (
                cycling(
                    targets[who],
                    lambda x, path=path: loadgen.get(
                        path(x), host, agent | {"Cookie": x["cookie"]}
                    ),
                ),
                ok,
            )
    if targets["coordinator"]:
        cookie = targets["coordinator"]["cookie"]
        made["national_dashboard"] = (
            lambda conn, n, r=loadgen.get("/network", host, agent | {"Cookie": cookie}): r,
            ok,
        )
    return made


def roster_form(tutor: dict, mark: str) -> bytes:
    fields = {
        "csrf_token": tutor["csrf"],
        "key": secrets.token_hex(16),
        "reason": "benchmark correction",
    }
    for person in tutor["participants"]:
        fields[f"mark-{person}"] = mark
        fields[f"hours-{person}"] = tutor["hours"]
    return urlencode(fields).encode()


def prime_rosters(targets: dict, port: int) -> None:
    """Send each roster once, one after the other, so that the measured posts are all
    corrections (two first submissions at once would race to insert the same marks)."""
    import http.client

    for tutor in targets["tutors"]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "POST",
            f"/tutor/sessions/{tutor['session_id']}",
            body=roster_form(tutor, "present"),
            headers={
                "Cookie": tutor["cookie"],
                "User-Agent": targets["user_agent"],
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = conn.getresponse()
        response.read()
        if response.status != 302:
            raise SystemExit(
                f"roster {tutor['session_id']}: the first submission answered "
                f"{response.status}, not a redirect: the benchmark cannot post rosters"
            )
        conn.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--duration", type=float, default=10, help="seconds measured per page")
    parser.add_argument("--warmup", type=float, default=2, help="seconds before measuring")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--pages", default=",".join(PAGES), help="comma list of pages")
    parser.add_argument("--reseed", action="store_true", help="seed again even if cached")
    parser.add_argument(
        "--revalidate",
        action="store_true",
        help="measure the public pages again with If-None-Match (the last ETag)",
    )
    args = parser.parse_args(argv)

    name = f"bench_f{args.factor}"
    url, data_set = common.seed(args.db, name, args.factor, reseed=args.reseed)
    env = common.app_env(url)
    targets = json.loads(common.python(env, "appside.py", "targets"))
    port = common.free_port()
    host = f"127.0.0.1:{port}"
    log = common.BENCH / "results" / "gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    server = common.start_gunicorn(
        env,
        port,
        workers=args.workers,
        threads=args.threads,
        worker_class=args.worker_class,
        log=log,
    )
    results: dict[str, dict] = {}
    try:
        makers = build_requests(targets, host)
        if "roster_post" in makers:
            prime_rosters(targets, port)
        wanted = [p for p in args.pages.split(",") if p]
        measured = []
        for page in (p for p in wanted if p in makers):
            measured.append(page)
            if args.revalidate and page in REVALIDATED:
                measured.append(page + SUFFIX_304)
        order = ["hello", *measured, "hello_end"]
        for page in order:
            revalidate = page.endswith(SUFFIX_304)
            base = page.removesuffix(SUFFIX_304)
            make, expect = makers["hello" if page == "hello_end" else base]
            if revalidate:
                expect = expect | {304}
            result = loadgen.drive(
                page,
                make,
                port=port,
                connections=args.connections,
                duration=args.duration,
                warmup=max(args.warmup, WARMUP_AT_LEAST.get(page, 0)),
                expect=expect,
                revalidate=revalidate,
            )
            results[page] = result.summary()
            print(f"  {page:<20} {result.rps:8.1f} req/s  p95 {result.ms(95):7.1f} ms", flush=True)
        missing = [p for p in wanted if p not in makers]
    finally:
        common.stop(server)

    # The mean of the two ceilings (a run where the last one got no answer uses the first).
    ceilings = [results[h]["rps"] for h in ("hello", "hello_end") if results[h]["requests"]]
    ceiling = sum(ceilings) / len(ceilings) if ceilings else 0.0
    for page, summary in results.items():
        summary["ratio"] = round(summary["rps"] / ceiling, 3) if ceiling else None
        if page.startswith("hello"):
            continue
        clean = summary["unexpected"] == 0 and not summary["errors"]
        summary["ratio_met"] = summary["ratio"] >= MIN_RATIO and clean
        summary["p95_met"] = summary["p95_ms"] < MAX_P95_MS and clean
        summary["target_met"] = summary["p95_met"] and (
            summary["ratio_met"] or page not in PUBLIC_PAGES
        )
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "db": args.db,
        "factor": args.factor,
        "data_set": data_set,
        "counts": targets["counts"],
        "settings": {
            "duration": args.duration,
            "warmup": args.warmup,
            "connections": args.connections,
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": args.worker_class,
            "revalidate": args.revalidate,
            "public_page_seconds": os.environ.get("PUBLIC_PAGE_SECONDS", "30 (default)"),
        },
        "machine": common.machine(),
        "ceiling_rps": round(ceiling, 1),
        "pages": results,
        "not_measured": missing,
    }
    print_table(report)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = common.BENCH / "results" / f"{stamp}-{args.db}-f{args.factor}.json"
    common.write_json(out, report)
    print(f"\nwritten {out.relative_to(common.ROOT)}")
    return 0


def print_table(report: dict) -> None:
    print(
        f"\n{report['db']}, factor {report['factor']} ({report['data_set']}; "
        f"{report['counts']}), {report['settings']['connections']} connections, "
        f"gunicorn {report['settings']['workers']}x{report['settings']['worker_class']}"
    )
    header = (
        f"{'page':<20} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'ratio':>6}"
        f"  ratio ok  p95 ok"
    )
    print(header)
    print("-" * len(header))
    for page, s in report["pages"].items():
        if page.startswith("hello"):
            met = ""
        else:
            ratio_ok = "yes" if s["ratio_met"] else ("NO" if page in PUBLIC_PAGES else "no")
            met = f"{ratio_ok:>8}  {'yes' if s['p95_met'] else 'NO':>6}"
        bad = f"  ({s['unexpected']} unexpected {s['statuses']})" if s["unexpected"] else ""
        errors = f"  errors {s['errors']}" if s["errors"] else ""
        print(
            f"{page:<20} {s['rps']:8.1f} {s['p50_ms']:8.1f} {s['p95_ms']:8.1f} "
            f"{s['p99_ms']:8.1f} {s['ratio']:6.2f}{met}{bad}{errors}"
        )
    if report["not_measured"]:
        print(f"not measured (nothing to drive in this data set): {report['not_measured']}")
    print(
        f"targets: ratio >= {MIN_RATIO:.0%} of the ceiling for the public pages (NO when"
        f" missed; no for the others, whose target it is not), p95 < {MAX_P95_MS:.0f} ms for all"
    )


if __name__ == "__main__":
    sys.exit(main())
