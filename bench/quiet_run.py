"""Every benchmark of docs/benchmarks.md, one after the other, on a machine left to itself.

    .venv/bin/python bench/quiet_run.py [--quick] [--only NAME,NAME]

Runs, in this order: the pages in-process on PostgreSQL at factor 10 (public-page cache
on, then off), the pages over HTTP at factor 10 (with the public pages' 304s), SQLite
and PostgreSQL at factor 1 with 4 workers, the national figures and the fund's XLSX
computed, the reminder sweep and the dispatcher on each channel. Each step's output goes
to bench/results/quiet-<UTC time>/<step>.txt, with the load average before it; a step
that fails is reported and the others still run. The machine must be quiet: the script
waits (up to two minutes) for the one-minute load average to fall below 0.5 before the
first step and says so in each file when it did not. `--quick` runs fewer requests
(a check of the script itself, not figures to publish).
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = str(HERE.parent / ".venv" / "bin" / "python")


def steps(quick: bool) -> list[tuple[str, list[str], dict]]:
    repeat = "20" if quick else "100"
    duration = "2" if quick else "8"
    runs = "2" if quick else "5"
    public = "marketplace,project"
    return [
        ("inprocess-pg-f10", ["inprocess.py", "--db", "postgres", "--factor", "10",
                              "--repeat", repeat], {}),
        ("inprocess-pg-f10-no-page-cache", ["inprocess.py", "--db", "postgres", "--factor",
                                            "10", "--repeat", repeat, "--pages", public],
         {"PUBLIC_PAGE_SECONDS": "0"}),
        ("http-pg-f10", ["run.py", "--db", "postgres", "--factor", "10", "--workers", "4",
                         "--duration", duration, "--revalidate"], {}),
        ("http-sqlite-f1-4-workers", ["run.py", "--db", "sqlite", "--factor", "1",
                                      "--workers", "4", "--duration", duration],
         {"PUBLIC_PAGE_SECONDS": "0"}),
        ("http-pg-f1-4-workers", ["run.py", "--db", "postgres", "--factor", "1",
                                  "--workers", "4", "--duration", duration],
         {"PUBLIC_PAGE_SECONDS": "0"}),
        ("dashboards-pg-f10", ["dashboards.py", "--db", "postgres", "--factor", "10",
                               "--runs", runs], {}),
        ("sweep-pg", ["sweep.py", "--db", "postgres",
                      *(["--reminders", "10000"] if quick else [])], {}),
        *[
            (f"dispatch-pg-{channel}", ["dispatch.py", "--db", "postgres", "--channel", channel,
                                        *(["--messages", "2000"] if quick else [])], {})
            for channel in ("sms", "whatsapp", "voice")
        ],
    ]  # fmt: skip


def load() -> float:
    return os.getloadavg()[0]


def wait_for_quiet(limit: float = 0.5, patience: float = 120) -> bool:
    deadline = time.monotonic() + patience
    while load() >= limit and time.monotonic() < deadline:
        time.sleep(5)
    return load() < limit


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="", help="comma list of step names")
    args = parser.parse_args(argv)
    wanted = {name for name in args.only.split(",") if name}
    folder = HERE / "results" / f"quiet-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    folder.mkdir(parents=True)
    quiet = wait_for_quiet()
    failed = []
    for name, command, extra in steps(args.quick):
        if wanted and name not in wanted:
            continue
        before = load()
        header = f"# {' '.join(command)} {extra or ''}\n# load average before: {before:.2f}"
        if not quiet:
            header += " (the machine was not quiet when the run began)"
        print(f"== {name} (load {before:.2f})", flush=True)
        started = time.monotonic()
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [PYTHON, *command],
            cwd=HERE,
            env=os.environ | extra,
            capture_output=True,
            text=True,
        )
        took = time.monotonic() - started
        body = f"{header}\n# took {took:.0f} s, exit {done.returncode}\n{done.stdout}"
        if done.returncode:
            body += f"\n# stderr (last lines)\n{done.stderr[-4000:]}"
            failed.append(name)
        (folder / f"{name}.txt").write_text(body)
        print(done.stdout[-3000:], flush=True)
    print(f"results: {folder}")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
