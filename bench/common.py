"""What the benchmark scripts share: the environment, the databases, gunicorn, timing maths."""

import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
SQLITE_DIR = Path(os.environ.get("BENCH_SQLITE_DIR", "/tmp/bench"))  # noqa: S108
PG_ADMIN = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
#: Signs the benchmark's Twilio webhooks; never a real token.
TWILIO_TOKEN = "bench-twilio-auth-token"  # noqa: S105
PUBLIC_BASE_URL = "https://bench.civic.invalid"
SECRET_KEY = "bench-secret-key-" + "x" * 40  # noqa: S105 - benchmark databases only


def db_url(db: str, name: str) -> str:
    if db == "postgres":
        return f"{PG_ADMIN}/{name}"
    SQLITE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{SQLITE_DIR / name}.db"


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of every process of a benchmark: production settings, fake SMS.

    Production is what is measured (no debug, no dev tools). The rate limits that would
    throttle a load generator on one IP are raised (the webhook's especially); login
    pages are not driven, so their limits stay. Staff sessions get a long idle limit so
    that a long run is not logged out half-way.
    """
    env = dict(os.environ)
    env.pop("FLASK_DEBUG", None)
    env.update(
        CIVIC_ENV="production",
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=database_url,
        SMS_BACKEND="fake",
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        PUBLIC_BASE_URL=PUBLIC_BASE_URL,
        WEBHOOK_RATE_LIMIT="1000000 per minute",
        SMS_DAILY_BUDGET="10000000 per day",
        SMS_CODES_PER_COUNTRY="10000000 per hour",
        SESSION_IDLE_MINUTES="600",
        SCHEDULER_IN_PROCESS="0",
        FLASK_APP="wsgi",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def flask(env: dict, *args: str, check: bool = True, quiet: bool = False):
    out = subprocess.DEVNULL if quiet else None
    return subprocess.run(  # noqa: S603 - fixed arguments
        [str(VENV_BIN / "flask"), *args], env=env, cwd=ROOT, check=check, stdout=out
    )


def python(env: dict, script: str, *args: str) -> str:
    """Run a bench/ helper with the app's environment; returns its stdout."""
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, str(BENCH / script), *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return result.stdout


# --- databases -----------------------------------------------------------------------


def _psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(  # noqa: S603
        ["psql", f"{PG_ADMIN}/{database}", "-tAc", sql],  # noqa: S607
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return result.stdout.strip()


def sql_value(name: str, sql: str) -> str:
    """The first value `sql` returns in the benchmark database `name` (PostgreSQL)."""
    _check_name(name)
    return _psql(sql, name)


def recreate_database(db: str, name: str) -> str:
    """An empty database `name` (PostgreSQL bench_* or a SQLite file); returns its URL."""
    if db == "postgres":
        _check_name(name)
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _psql(f"CREATE DATABASE {name}")
    else:
        path = SQLITE_DIR / f"{name}.db"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        _marker(name).unlink(missing_ok=True)
    return db_url(db, name)


def _check_name(name: str) -> None:
    if not re.fullmatch(r"bench_[a-z0-9_]+", name):
        raise ValueError(f"benchmark databases are called bench_*: {name!r}")


def _marker(name: str) -> Path:
    return SQLITE_DIR / f"{name}.seeded"


def seeded_as(db: str, name: str) -> str | None:
    """What the database was seeded with (e.g. "scale 10"), or None."""
    if db == "postgres":
        _check_name(name)
        query = "SELECT coalesce(shobj_description(oid, 'pg_database'), '-') FROM pg_database"
        row = _psql(f"{query} WHERE datname = '{name}'")  # noqa: S608 - a checked bench_* name
        return row if row and row != "-" else None
    marker = _marker(name)
    return marker.read_text().strip() if marker.exists() else None


def mark_seeded(db: str, name: str, what: str) -> None:
    if db == "postgres":
        _psql(f"COMMENT ON DATABASE {name} IS '{what}'")
    else:
        _marker(name).write_text(what + "\n")


def has_scale_seed(env: dict) -> bool:
    result = subprocess.run(  # noqa: S603
        [str(VENV_BIN / "flask"), "seed", "--help"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    return " scale " in result.stdout


def seed(db: str, name: str, factor: int, *, reseed: bool = False) -> tuple[str, str]:
    """A database seeded at `factor` (reused when it already is); returns (url, data set)."""
    url = db_url(db, name)
    env = app_env(url)
    what = f"scale {factor}" if has_scale_seed(env) else "demo"
    if not reseed and seeded_as(db, name) == what:
        # A reused database follows the code: its schema is brought up to the head.
        flask(env, "db", "upgrade", quiet=True)
        print(f"[bench] {name}: already seeded ({what}), reused", flush=True)
        return url, what
    url = recreate_database(db, name)
    env = app_env(url)
    started = time.monotonic()
    print(f"[bench] {name}: migrating and seeding ({what}) ...", flush=True)
    flask(env, "db", "upgrade", quiet=True)
    if what == "demo":
        flask(env, "seed", "demo", quiet=True)
    else:
        flask(env, "seed", "scale", "--factor", str(factor), quiet=True)
    mark_seeded(db, name, what)
    print(f"[bench] {name}: seeded in {time.monotonic() - started:.0f} s", flush=True)
    return url, what


# --- gunicorn -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    env: dict,
    port: int,
    *,
    workers: int,
    threads: int = 1,
    worker_class: str = "sync",
    app: str = "bench.wsgi_bench:app",
    log: Path | None = None,
) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--backlog",
        "256",
        # A national dashboard at factor 10 under 8 clients takes longer than the default 30 s.
        "--timeout",
        "300",
        "--log-level",
        "warning",
        app,
    ]
    if log:
        Path(log).parent.mkdir(parents=True, exist_ok=True)
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603
        command, env=env, cwd=ROOT, stdout=out, stderr=out, start_new_session=True
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", process, timeout=300)
    except BaseException:
        stop(process)
        raise
    return process


def wait_http(url: str, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def stop(process: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 15) -> None:
    """Stop a process we started, with its children (its own process group)."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- processes ------------------------------------------------------------------------


def rss_mb(pid: int) -> float | None:
    """A process's resident memory (VmRSS) in MiB, or None once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def children(pid: int) -> list[int]:
    """The direct children of a process (e.g. gunicorn's workers): every /proc/<n>/stat
    whose parent is `pid` (the kernel may lack /proc/<pid>/task/*/children)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if len(fields) > 1 and fields[1] == str(pid):
            found.append(int(stat.parent.name))
    return sorted(found)


# --- numbers --------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation between the closest ranks.

    Same definition as numpy's default ("linear"); `sorted_values` must be sorted.
    """
    if not sorted_values:
        return math.nan
    if len(sorted_values) == 1:
        return sorted_values[0]
    rank = (len(sorted_values) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def median(values: list[float]) -> float:
    return percentile(sorted(values), 50)


def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    pg = shutil.which("psql") and _try(lambda: _psql("SHOW server_version"))
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "python": sys.version.split()[0],
        "postgresql": pg or "?",
        "load_average_at_start": os.getloadavg(),
    }


def _try(func):
    try:
        return func()
    except Exception:
        return None


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
