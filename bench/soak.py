"""A soak run: the production topology under a steady mixed load, with a scheduler killed
and Redis restarted during it.

    .venv/bin/python bench/soak.py [--duration 900] [--rate 15] [--max-growth-mb 25]

Starts, over one PostgreSQL database (bench_soak), on loopback only:
- its own Redis (redis-server on a free port, no persistence), the REDIS_URL of every
  process below;
- two gunicorn instances (`wsgi:app`, 2 sync workers each), as bench/topology.py does;
- two schedulers (bench/scheduler_bench.py: the reminder sweep every 5 s): the acting
  one is SIGKILLed at 30 % of the run, and a replacement starts 5 s later (as systemd
  would restart it); it waits while the other acts.
At 60 % of the run Redis is stopped (SIGTERM) and started again, empty, on the same port
10 s later. The database holds topology.py's sessions (a 2-hour reminder falls due
every few seconds of the run) and bench/soak_app.py's rosters, open now, of four tutors.
Both instances get the same steady load, `--rate` requests per second each: public
pages (marketplace, project pages, health), a participant's home, a staff member's
reports, a tutor's roster read and posted (a correction with a new key each time; the
CSRF token is taken from the roster page), and signed inbound SMS (the HOURS keyword,
which queues a reply). Then it checks, and prints PASS or FAIL (exit 1):
- no 5xx and no connection error, counted inside the Redis window (from the stop to
  10 s after it is back) and outside it: both must be 0, since the app falls back to
  memory without Redis (civic_app/core/redis_health.py); every answer as expected;
- after the dispatcher has drained: every outbound message queued was sent, but at most
  one caught mid-send by the kill (topology.py says why); every due reminder queued,
  none twice per participant and session; one reply to each inbound SMS, and one inbound
  row for each webhook answered; messages still sent after the kill and the restart;
- memory: each process's RSS (VmRSS of every gunicorn master and worker, scheduler and
  Redis) between its first reading after the warm-up (a process started later, and the
  scheduler that took over: 20 s after that) and its last, grows by at most
  --max-growth-mb; no gunicorn worker replaced.
Prints a summary and writes bench/results/<timestamp>-soak.json (the processes' logs in
bench/results/soak/). Every process started here is stopped on exit (also on Ctrl+C).
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import loadgen  # noqa: E402
import run as pages  # noqa: E402
import soak_report  # noqa: E402
import topology  # noqa: E402

DATABASE = "bench_soak"
AGENT = {"User-Agent": "civic-bench/1"}  # the one appside.py's logins were issued for
#: Each kind of request: share of the rate, connections per instance, expected status.
TRAFFIC = {
    "pages": (0.40, 2, 200),
    "participant": (0.10, 1, 200),
    "staff": (0.05, 1, 200),
    "roster_get": (0.10, 1, 200),
    "roster_post": (0.10, 1, 302),
    "sms_inbound": (0.25, 1, 200),
}
TUTORS = 4
REDIS_DOWN_SECONDS = 10
#: After Redis is back: each process tries it again within RETRY_SECONDS (5 s).
WINDOW_AFTER = 10
SAMPLE_SECONDS = 15


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=900, help="seconds of load")
    parser.add_argument("--rate", type=float, default=15, help="requests/s per instance")
    parser.add_argument("--spacing", type=float, default=6, help="seconds between due sessions")
    parser.add_argument("--max-growth-mb", type=float, default=25, help="RSS bound per process")
    parser.add_argument("--role", choices=["build", "facts"], help=argparse.SUPPRESS)
    parser.add_argument("--args", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role:
        import soak_app

        from civic_app import create_app

        with create_app().app_context():
            extra = json.loads(args.args)
            out = soak_app.build(**extra) if args.role == "build" else soak_app.facts(**extra)
        print(json.dumps(out, default=str))
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    soak = Soak(args)
    try:
        return soak.run()
    finally:
        for process in soak.processes:
            common.stop(process)


class Soak:
    def __init__(self, args):
        self.args = args
        self.processes: list[subprocess.Popen] = []
        self.logs = common.BENCH / "results" / "soak"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.timeline: dict[str, str] = {}
        #: name -> (pid, seconds into the load it started at, or 0); readings per name
        self.tracked: dict[str, tuple[int, float]] = {}
        self.readings: dict[str, list[tuple[float, float]]] = {}

    # --- processes ------------------------------------------------------------------

    def start_redis(self) -> subprocess.Popen:
        command = ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        process = subprocess.Popen(  # noqa: S603
            command, stdout=(self.logs / "redis.log").open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        deadline = time.monotonic() + 20
        while self.redis_cli("PING") != "PONG":
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"FAIL: redis-server on port {self.redis_port} did not start")
            time.sleep(0.1)
        return process

    def redis_cli(self, *words: str) -> str:
        result = subprocess.run(  # noqa: S603
            ["redis-cli", "-p", str(self.redis_port), *words],  # noqa: S607
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        return result.stdout.strip()

    def track(self, name: str, pid: int, since: float = 0.0) -> None:
        self.tracked[name] = (pid, since)

    def sample(self, at: float) -> None:
        for n, master in enumerate(self.webs):
            for pid in common.children(master.pid):
                self.tracked.setdefault(f"web{n + 1} worker {pid}", (pid, 0.0))
        for name, (pid, _since) in self.tracked.items():
            mb = common.rss_mb(pid)
            if mb is not None:
                self.readings.setdefault(name, []).append((round(at, 1), round(mb, 1)))

    # --- the run ----------------------------------------------------------------------

    def run(self) -> int:
        args = self.args
        self.redis_port = common.free_port()
        url = common.recreate_database("postgres", DATABASE)
        env = common.app_env(
            url,
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            BENCH_SWEEP_SECONDS=str(topology.SWEEP_SECONDS),
            SCHEDULER_POLL_SECONDS=str(topology.POLL_SECONDS),
            SMS_RATE_PER_SECOND=str(topology.RATE),
        )
        self.env = env
        self.redis = self.start_redis()
        common.flask(env, "db", "upgrade", quiet=True)
        common.flask(env, "seed", "network", quiet=True)
        # Sessions fall due from 10 s after the build until 30 s before the load ends.
        extra = {"duration": args.duration - 90, "spacing": args.spacing, "tutors": TUTORS}
        built = json.loads(
            common.python(env, "soak.py", "--role", "build", "--args", json.dumps(extra))
        )
        print(f"[soak] {built['sessions']} sessions, one due every {args.spacing:.0f} s")
        ports = [common.free_port(), common.free_port()]
        self.webs = []
        for n, port in enumerate(ports):
            log = self.logs / f"web{n + 1}.log"
            log.write_text("")
            web = common.start_gunicorn(env, port, workers=2, app="wsgi:app", log=log)
            self.processes.append(web)
            self.webs.append(web)
            self.track(f"web{n + 1} master", web.pid)
        print(f"[soak] web on :{ports[0]} and :{ports[1]}, Redis on :{self.redis_port}")
        self.schedulers = []
        for n in range(2):
            self.start_scheduler(n + 1)
            time.sleep(2)  # the first one started acts
        acting = topology.wait_acting(self.schedulers, timeout=30)
        print(f"[soak] scheduler pid {acting[0].pid} acts, the other waits")
        self.track("redis", self.redis.pid)
        tutors = read_rosters(built["tutors"], ports[0])
        pages.prime_rosters({"tutors": tutors, "user_agent": AGENT["User-Agent"]}, ports[0])

        outcome: dict[str, loadgen.Result] = {}
        threads = []
        for n, port in enumerate(ports):
            mine = tutors[n * TUTORS // 2 : (n + 1) * TUTORS // 2]  # no roster posted twice at once
            for kind, spec in traffic(port, built, tutors, mine, args.rate).items():
                threads.append(
                    threading.Thread(
                        target=self.drive, args=(outcome, f"{kind} :{port}", port, *spec),
                        daemon=True,  # Ctrl+C does not wait for the load
                    )
                )  # fmt: skip
        warmup = min(60.0, max(10.0, args.duration / 10))
        steps = sorted(
            [
                (args.duration * 0.3, self.kill_scheduler),
                (args.duration * 0.3 + 5, lambda: self.start_scheduler(3)),
                (args.duration * 0.6, self.stop_redis),
                (args.duration * 0.6 + REDIS_DOWN_SECONDS, self.restart_redis),
            ],
            key=lambda step: step[0],
        )
        self.began = time.monotonic()
        self.timeline["load_started"] = now_iso()
        for thread in threads:
            thread.start()
        next_sample = warmup
        while (at := self.elapsed()) < args.duration:
            if steps and at >= steps[0][0]:
                steps.pop(0)[1]()
            elif at >= next_sample:
                self.sample(at)
                next_sample += SAMPLE_SECONDS
            else:
                time.sleep(0.2)
        for thread in threads:
            thread.join(timeout=120)
        self.sample(self.elapsed())
        self.timeline["load_ended"] = now_iso()
        print("[soak] load ended; waiting for the dispatcher to drain")
        drained = self.drain()
        checked_at = datetime.now(UTC)
        found = json.loads(
            common.python(
                env, "soak.py", "--role", "facts", "--args",
                json.dumps({
                    "checked_at": checked_at.isoformat(),
                    "killed_at": self.timeline["scheduler_killed"],
                    "starts_after": built["starts_after"],
                    "redis_back_at": self.timeline["redis_back"],
                }),
            )
        )  # fmt: skip
        limit_keys = self.redis_cli("--scan", "--pattern", "LIMIT*").split()
        return soak_report.report(
            args=args,
            timeline=self.timeline,
            outcome=outcome,
            found=found | {"drained_in_seconds": drained, "limit_keys": len(limit_keys)},
            memory=soak_report.memory(self.readings, self.tracked, warmup),
            window=(self.redis_down - 1, self.redis_back + WINDOW_AFTER),
            traffic={k: v[0] * args.rate for k, v in TRAFFIC.items()},
        )

    def drive(self, outcome, name, port, make, connections, rate, expect) -> None:
        outcome[name] = loadgen.drive(
            name, make, port=port, connections=connections, duration=self.args.duration,
            warmup=0, expect=frozenset({expect}), rate=rate,
        )  # fmt: skip

    def elapsed(self) -> float:
        return time.monotonic() - self.began

    def start_scheduler(self, n: int) -> None:
        process = topology.start_scheduler(self.env, self.logs / f"scheduler{n}.log")
        self.processes.append(process)
        self.schedulers.append((process, self.logs / f"scheduler{n}.log"))
        self.track(f"scheduler{n}", process.pid, self.elapsed() if n > 2 else 0.0)
        if n > 2:
            self.timeline["scheduler_replacement_started"] = now_iso()
            print(f"[soak] {self.elapsed():5.0f} s replacement scheduler pid {process.pid}")

    def kill_scheduler(self) -> None:
        live = [s for s in self.schedulers if s[0].poll() is None]
        acting = topology.wait_acting(live, timeout=10)
        os.killpg(acting[0].pid, signal.SIGKILL)
        acting[0].wait()
        self.timeline["scheduler_killed"] = now_iso()
        print(f"[soak] {self.elapsed():5.0f} s SIGKILL to the acting scheduler {acting[0].pid}")
        others = [s for s in live if s[0] is not acting[0]]
        took_over = topology.wait_acting(others, timeout=topology.POLL_SECONDS * 3)
        self.timeline["scheduler_took_over"] = now_iso()
        # Its memory is compared from after it took over: acting loads what waiting did not.
        name = next(n for n, (pid, _) in self.tracked.items() if pid == took_over[0].pid)
        self.track(name, took_over[0].pid, self.elapsed())
        print(f"[soak] {self.elapsed():5.0f} s scheduler pid {took_over[0].pid} took over")

    def stop_redis(self) -> None:
        self.redis_down = time.time()
        common.stop(self.redis)
        self.timeline["redis_stopped"] = now_iso()
        print(f"[soak] {self.elapsed():5.0f} s Redis stopped")

    def restart_redis(self) -> None:
        self.redis = self.start_redis()
        self.redis_back = time.time()
        self.timeline["redis_back"] = now_iso()
        self.track("redis (restarted)", self.redis.pid, self.elapsed())
        print(f"[soak] {self.elapsed():5.0f} s Redis started again, pid {self.redis.pid}")

    def drain(self, timeout: float = 120) -> float:
        """Seconds until no outbound message is queued, twice in a row after two sweeps."""
        started = time.monotonic()
        time.sleep(topology.SWEEP_SECONDS * 2 + 5)
        empty = 0
        query = "SELECT count(*) FROM message WHERE direction = 'out' AND status = 'queued'"
        while empty < 2 and time.monotonic() - started < timeout:
            empty = empty + 1 if common.sql_value(DATABASE, query) == "0" else 0
            time.sleep(topology.POLL_SECONDS)
        return round(time.monotonic() - started, 1)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def read_rosters(tutors: list[dict], port: int) -> list[dict]:
    """Each tutor opens the roster page once; the form's CSRF token is taken from it."""
    import http.client

    for tutor in tutors:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "GET", f"/tutor/sessions/{tutor['session_id']}",
            headers=AGENT | {"Cookie": tutor["cookie"]},
        )  # fmt: skip
        response = conn.getresponse()
        page = response.read().decode()
        conn.close()
        found = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page)
        if response.status != 200 or not found:
            raise SystemExit(f"roster {tutor['session_id']}: {response.status}, no CSRF token")
        tutor["csrf"] = found.group(1)
    return tutors


def traffic(port: int, built: dict, tutors: list[dict], mine: list[dict], rate: float) -> dict:
    """Per kind of request: (request maker, connections, requests/s, expected status)."""
    from twilio.request_validator import RequestValidator

    host = f"127.0.0.1:{port}"

    def cycling(made: list[bytes]):
        return lambda conn, n: made[(conn + n) % len(made)]

    def cookie(who: dict) -> dict:
        return AGENT | {"Cookie": who["cookie"]}

    def roster_post(conn: int, n: int) -> bytes:
        # Alternates between the instance's rosters; every post corrects every mark.
        tutor = mine[n % len(mine)]
        mark = "late" if (n // len(mine)) % 2 else "present"
        path = f"/tutor/sessions/{tutor['session_id']}"
        return loadgen.post(path, host, pages.roster_form(tutor, mark), cookie(tutor))

    validator = RequestValidator(common.TWILIO_TOKEN)
    url = common.PUBLIC_BASE_URL + "/sms/inbound"
    run_id = f"{int(time.time()) % 100000:05d}{port}"

    def sms(conn: int, n: int) -> bytes:
        params = {
            "MessageSid": f"SMsoak{run_id}{conn:02d}{n:08d}",
            "From": built["phones"][(conn * 31 + n * 7) % len(built["phones"])],
            "To": "+15005550006",
            "Body": "ORE",
        }
        signature = {"X-Twilio-Signature": validator.compute_signature(url, params)}
        return loadgen.post("/sms/inbound", host, urlencode(params).encode(), AGENT | signature)

    projects = [f"/projects/{pid}" for pid in built["projects"][:6]]
    makers = {
        "pages": cycling(
            [loadgen.get(p, host, AGENT) for p in ["/projects", "/healthz", *projects]]
        ),
        "participant": cycling(
            [loadgen.get("/me", host, cookie(p)) for p in built["participants"]]
        ),
        "staff": cycling([loadgen.get("/staff/reports", host, cookie(s)) for s in built["staff"]]),
        "roster_get": cycling(
            [loadgen.get(f"/tutor/sessions/{t['session_id']}", host, cookie(t)) for t in tutors]
        ),
        "roster_post": roster_post,
        "sms_inbound": sms,
    }
    return {
        kind: (makers[kind], connections, share * rate, expect)
        for kind, (share, connections, expect) in TRAFFIC.items()
    }


if __name__ == "__main__":
    sys.exit(main())
