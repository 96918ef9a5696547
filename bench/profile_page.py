"""Profile one page in-process with pyinstrument, on a benchmark database.

    .venv/bin/python bench/profile_page.py --db postgres --factor 1 /network --as coordinator

Prints pyinstrument's text report of the second request (the first warms up) and writes
the HTML report next to the results (bench/results/profile-<page>.html). `--as` is
anonymous, participant, staff or caseworker (the first municipality's), coordinator or
tutor.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402


def inner(path: str, who: str, out: str) -> None:
    import appside
    from pyinstrument import Profiler

    from civic_app import create_app

    app = create_app()
    headers = {"User-Agent": appside.USER_AGENT}
    client = app.test_client()
    if who != "anonymous":
        with app.app_context():
            name, _, value = appside.targets_for_profile(app)[who]["cookie"].partition("=")
        client.set_cookie(name, value)
    first = client.get(path, headers=headers)
    assert first.status_code == 200, first.status_code
    from sqlalchemy import event

    from civic_app.extensions import db

    timings: list[tuple[float, str]] = []
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        timings.append((time.perf_counter() - conn.info.pop("bench_started"), statement))

    profiler = Profiler(interval=0.0005)
    profiler.start()
    started, cpu = time.perf_counter(), time.process_time()
    client.get(path, headers=headers)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    profiler.stop()
    Path(out).write_text(profiler.output_html())
    print(f"{path}: {seconds * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU in the app process")
    print(profiler.output_text(color=False))
    total = sum(t for t, _s in timings)
    print(f"{len(timings)} statements, {total * 1000:.0f} ms in the database; the slowest:")
    for seconds_taken, statement in sorted(timings, reverse=True)[:6]:
        print(f"--- {seconds_taken * 1000:.0f} ms\n{statement[:1500]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--factor", type=int, default=1)
    who = ["anonymous", "participant", "staff", "coordinator", "caseworker", "tutor"]
    parser.add_argument("--as", dest="who", default="anonymous", choices=who)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        inner(args.path, args.who, args.out)
        return 0
    env = common.app_env(common.db_url(args.db, f"bench_f{args.factor}"))
    name = args.path.strip("/").replace("/", "_").replace(".", "_") or "home"
    out = common.BENCH / "results" / f"profile-{args.db}-f{args.factor}-{name}.html"
    out.parent.mkdir(exist_ok=True)
    print(
        common.python(
            env, "profile_page.py", args.path, "--as", args.who, "--inner", "--out", str(out)
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
