"""The national dashboard and the fund's XLSX export, one request at a time.

    .venv/bin/python bench/dashboards.py --db postgres --factor 10 [--runs 7] [--profile DIR]

Seeds (or reuses) the factor's database like bench/run.py, starts gunicorn (one sync
worker) on loopback, sends one warm-up then `--runs` sequential requests per page as the
coordinator, and reports the median and the spread. The national figures are computed
at every request (NATIONAL_CACHE_SECONDS=0) unless `--cache` is given. Targets, computed,
on PostgreSQL at factor 10: /network under 300 ms, /network/fund.xlsx under 1 s.
`--profile DIR` also profiles one request of each page in-process with pyinstrument
(DIR/<page>.html/.txt), with the same cache setting.
"""

import argparse
import http.client
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

TARGET_MS = 300.0
#: The targets per page (the municipal dashboard has its own, in bench/inprocess.py).
TARGETS_MS = {"national_dashboard": TARGET_MS, "fund_xlsx": 1000.0}
PAGES = {
    "municipal_dashboard": "/staff/reports",
    "national_dashboard": "/network",
    "fund_xlsx": "/network/fund.xlsx",
}


def timed(port: int, path: str, cookie: str, agent: str) -> tuple[float, int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie, "User-Agent": agent})
    response = conn.getresponse()
    body = response.read()
    seconds = time.perf_counter() - started
    conn.close()
    return seconds, response.status, len(body)


def profile(out_dir: str) -> None:
    """In-process (the app's environment): one profiled request of each page."""
    from pyinstrument import Profiler

    from civic_app import create_app

    sys.path.insert(0, str(common.BENCH))
    import appside

    app = create_app()
    with app.app_context():
        targets = appside.targets_for_profile(app)
    for page, path in PAGES.items():
        who = targets["staff"] if page == "municipal_dashboard" else targets["coordinator"]
        client = app.test_client()
        name, _, value = who["cookie"].partition("=")
        client.set_cookie(name, value)
        headers = {"User-Agent": appside.USER_AGENT}
        client.get(path, headers=headers)  # warm
        profiler = Profiler()
        profiler.start()
        response = client.get(path, headers=headers)
        profiler.stop()
        assert response.status_code == 200, (page, response.status_code)
        out = Path(out_dir) / page
        out.with_suffix(".html").write_text(profiler.output_html())
        out.with_suffix(".txt").write_text(profiler.output_text(color=False))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", help="directory for pyinstrument reports")
    parser.add_argument(
        "--cache",
        action="store_true",
        help="keep the national cache on (default: off, the figures computed every time)",
    )
    parser.add_argument("--inner-profile", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner_profile:
        profile(args.inner_profile)
        return 0

    url, data_set = common.seed(args.db, f"bench_f{args.factor}", args.factor)
    env = common.app_env(url, NATIONAL_CACHE_SECONDS="300" if args.cache else "0")
    targets = json.loads(common.python(env, "appside.py", "targets"))
    port = common.free_port()
    server = common.start_gunicorn(env, port, workers=1, log=common.BENCH / "results" / "g.log")
    results = {}
    try:
        for page, path in PAGES.items():
            who = targets["staff"][0] if page == "municipal_dashboard" else targets["coordinator"]
            timed(port, path, who["cookie"], targets["user_agent"])
            runs = [
                timed(port, path, who["cookie"], targets["user_agent"]) for _ in range(args.runs)
            ]
            statuses = {status for _s, status, _n in runs}
            ms = sorted(s * 1000 for s, _status, _n in runs)
            results[page] = {
                "path": path,
                "median_ms": round(common.median(ms), 1),
                "min_ms": round(ms[0], 1),
                "max_ms": round(ms[-1], 1),
                "runs": len(ms),
                "statuses": sorted(statuses),
                "bytes": runs[-1][2],
            }
    finally:
        common.stop(server)
    met_each = {
        page: results[page]["median_ms"] < target and results[page]["statuses"] == [200]
        for page, target in TARGETS_MS.items()
    }
    met = all(met_each.values())
    report = {
        "db": args.db,
        "factor": args.factor,
        "data_set": data_set,
        "counts": targets["counts"],
        "pages": results,
        "national_cache": bool(args.cache),
        "targets_ms": TARGETS_MS,
        "targets_met": met_each,
        "target_met": met,
        "machine": common.machine(),
    }
    for page, r in results.items():
        print(
            f"{args.db} f{args.factor} {page:<20} median {r['median_ms']:8.1f} ms "
            f"(min {r['min_ms']:.1f}, max {r['max_ms']:.1f}, {r['runs']} runs, "
            f"{r['bytes']} bytes, status {r['statuses']})"
        )
    cache = "cache on" if args.cache else "computed, cache off"
    for page, target in TARGETS_MS.items():
        print(f"{page} < {target:.0f} ms ({cache}): {'met' if met_each[page] else 'MISSED'}")
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    common.write_json(
        common.BENCH / "results" / f"{stamp}-dashboards-{args.db}-f{args.factor}.json", report
    )
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        common.python(env, "dashboards.py", "--inner-profile", str(Path(args.profile).resolve()))
        print(f"profiles in {args.profile}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
