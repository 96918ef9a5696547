"""The production topology on one machine, and a scheduler failover under load.

    .venv/bin/python bench/topology.py [--duration 90] [--kill-after 35]

Starts, over one PostgreSQL database (bench_topology):
- two gunicorn instances (2 sync workers each) on two loopback ports, with Redis
  (REDIS_URL=redis://127.0.0.1:6379/<--redis-db>) as the shared rate-limit storage;
- two scheduler processes (bench/scheduler_bench.py: `flask scheduler run` with the
  reminder sweep every 5 s instead of 300 s): one takes the PostgreSQL advisory lock
  and acts, the other waits.
The database holds sessions whose 2-hour reminders fall due every few seconds during
the run (the municipalities remind only at 2 h, and have no quiet hours, so that every
reminder is also sent at once). A mixed load (marketplace, project pages, health, the
signed inbound SMS webhook) runs against both instances while the script SIGKILLs the
acting scheduler. Then it checks, and prints PASS or FAIL (exit 1):
- every reminder due before the end (minus one sweep and one takeover) was queued, and
  none twice (per participant, session and kind), and all were sent but at most one:
  the message the killed scheduler had handed to the gateway and not yet recorded,
  which stays `sending` (then `unknown`) and is never sent again, by design;
- reminders were still queued and sent after the kill, by the other scheduler (the
  batch the killed dispatcher had reserved is sent once its claim lapses, within 10 s);
- both web instances answered every request (no error, no unexpected status);
- the rate-limit counters are in Redis.
Every process started here is stopped on exit (also on Ctrl+C).
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import loadgen  # noqa: E402

PER_SESSION = 5
SWEEP_SECONDS = 5
POLL_SECONDS = 5
RATE = 100


def build(duration: float, spacing: float) -> dict:
    """Inside the app: participants, one project per municipality, and sessions whose
    2-hour reminder falls due every `spacing` seconds from 10 s after now."""
    from civic_app.core.accounts import User
    from civic_app.core.clock import now
    from civic_app.core.models import Municipality
    from civic_app.core.permissions import Role
    from civic_app.core.timeutil import to_local
    from civic_app.extensions import db
    from civic_app.projects.models import (
        Enrolment,
        EnrolmentStatus,
        Project,
        ProjectSession,
        ProjectStatus,
    )

    moment = now()
    db.session.execute(
        db.update(Municipality).values(reminder_hours="2", quiet_start="00:00", quiet_end="00:00")
    )
    places = list(db.session.scalars(db.select(Municipality).order_by(Municipality.id)))
    today = to_local(moment).date()
    count = int((duration + 60) / spacing)
    projects = []
    for n, place in enumerate(places):
        project = Project(
            municipality_id=place.id,
            title=f"Cura del parco {n}",
            description="Pulizia e cura delle aiuole.",
            sector="green",
            status=ProjectStatus.PUBLISHED,
            address=f"Via del Parco {n}",
            capacity=50,
            start_date=today - timedelta(days=30),
            end_date=today + timedelta(days=60),
        )
        db.session.add(project)
        projects.append(project)
    db.session.flush()
    people = []
    for i in range(len(places) * PER_SESSION):
        place = places[i % len(places)]
        person = User(
            role=Role.PARTICIPANT,
            municipality_id=place.id,
            first_name=f"Topo{i}",
            phone=f"+39349{i:07d}",
            preferred_language=("it", "en", "fr", "ar")[i % 4],
        )
        db.session.add(person)
        people.append(person)
    db.session.flush()
    for i, person in enumerate(people):
        db.session.add(
            Enrolment(
                project_id=projects[i % len(places)].id,
                municipality_id=person.municipality_id,
                participant_id=person.id,
                status=EnrolmentStatus.ACCEPTED,
                requested_at=moment - timedelta(days=5),
            )
        )
    for k in range(count):
        project = projects[k % len(projects)]
        starts = moment + timedelta(hours=2, seconds=10 + k * spacing)
        db.session.add(
            ProjectSession(
                project_id=project.id,
                municipality_id=project.municipality_id,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                local_weekday=to_local(starts).weekday(),
            )
        )
    db.session.commit()
    return {
        "sessions": count,
        "participants": len(people),
        "phones": [p.phone for p in people],
        "projects": [p.id for p in projects],
    }


def facts(checked_at: str, killed_at: str, starts_after: str | None = None) -> dict:
    """Inside the app: what the schedulers did (for the sessions `build` made: those that
    start after `starts_after`, when other sessions were added)."""
    from civic_app.extensions import db
    from civic_app.projects.models import Enrolment, EnrolmentStatus, ProjectSession
    from civic_app.scheduler.models import JobRun
    from civic_app.sms.models import Message, Status

    checked = datetime.fromisoformat(checked_at)
    killed = datetime.fromisoformat(killed_at)
    # Due early enough for a sweep to have seen it, even across the takeover.
    due_by = checked - timedelta(seconds=SWEEP_SECONDS + POLL_SECONDS + SWEEP_SECONDS + 5)
    query = db.select(ProjectSession.id, ProjectSession.project_id).where(
        ProjectSession.starts_at <= due_by + timedelta(hours=2)
    )
    if starts_after:
        query = query.where(ProjectSession.starts_at > datetime.fromisoformat(starts_after))
    sessions = db.session.execute(query).all()
    enrolled: dict[int, set[int]] = {}
    for project_id, user_id in db.session.execute(
        db.select(Enrolment.project_id, Enrolment.participant_id).where(
            Enrolment.status == EnrolmentStatus.ACCEPTED
        )
    ):
        enrolled.setdefault(project_id, set()).add(user_id)
    expected = {(sid, uid) for sid, pid in sessions for uid in enrolled.get(pid, ())}
    reminders = db.session.execute(
        db.select(
            Message.subject_id, Message.user_id, Message.status, Message.created_at,
            Message.sent_at,
        ).where(Message.kind == "reminder")
    ).all()  # fmt: skip
    seen: dict[tuple[int, int], int] = {}
    for subject_id, user_id, *_rest in reminders:
        seen[(subject_id, user_id)] = seen.get((subject_id, user_id), 0) + 1
    missing = expected - set(seen)
    doubled = {k: n for k, n in seen.items() if n > 1}
    unsent = [
        str(status)
        for s, u, status, _c, _t in reminders
        if (s, u) in expected and status != Status.SENT
    ]
    after_kill_queued = sum(1 for *_k, _s, created, _t in reminders if created > killed)
    after_kill_sent = sum(1 for *_k, _s, _c, sent in reminders if sent and sent > killed)
    runs = db.session.execute(
        db.select(JobRun.instance, db.func.count(JobRun.id))
        .where(JobRun.job_id == "send_reminders")
        .group_by(JobRun.instance)
    ).all()
    return {
        "due_sessions": len(sessions),
        "expected_reminders": len(expected),
        "queued_reminders": len(reminders),
        "missing": len(missing),
        "doubled": len(doubled),
        "due_but_not_sent": len(unsent),
        #: Handed to the gateway by the scheduler killed at that moment: never sent again
        #: (`sending`, later `unknown`, shown to staff), by design of the dispatcher.
        "caught_mid_send_by_the_kill": sum(1 for s in unsent if s in ("sending", "unknown")),
        "queued_after_kill": after_kill_queued,
        "sent_after_kill": after_kill_sent,
        "sweeps_by_instance": {instance: n for instance, n in runs},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=90, help="seconds of load")
    parser.add_argument("--kill-after", type=float, default=35, help="seconds into the load")
    parser.add_argument("--spacing", type=float, default=4, help="seconds between due sessions")
    parser.add_argument("--redis-db", type=int, default=7)
    parser.add_argument("--connections", type=int, default=4, help="per web instance")
    parser.add_argument("--role", choices=["build", "facts"], help=argparse.SUPPRESS)
    parser.add_argument("--args", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role:
        from civic_app import create_app

        with create_app().app_context():
            extra = json.loads(args.args)
            out = build(**extra) if args.role == "build" else facts(**extra)
        print(json.dumps(out, default=str))
        return 0
    return run(args)


def run(args) -> int:
    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    url = common.recreate_database("postgres", "bench_topology")
    env = common.app_env(
        url,
        REDIS_URL=redis_url,
        BENCH_SWEEP_SECONDS=str(SWEEP_SECONDS),
        SCHEDULER_POLL_SECONDS=str(POLL_SECONDS),
        SMS_RATE_PER_SECOND=str(RATE),
    )
    subprocess.run(  # noqa: S603
        ["redis-cli", "-u", redis_url, "FLUSHDB"],  # noqa: S607
        check=True,
        stdout=subprocess.DEVNULL,
    )
    common.flask(env, "db", "upgrade", quiet=True)
    common.flask(env, "seed", "network", quiet=True)
    built = json.loads(
        common.python(
            env,
            "topology.py",
            "--role",
            "build",
            "--args",
            json.dumps({"duration": args.duration, "spacing": args.spacing}),
        )
    )
    print(f"[topology] {built['sessions']} sessions, one due every {args.spacing:.0f} s")
    logs = common.BENCH / "results" / "topology"
    logs.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen] = []

    def cleanup():
        for process in processes:
            common.stop(process)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        ports = [common.free_port(), common.free_port()]
        for n, port in enumerate(ports):
            processes.append(
                common.start_gunicorn(
                    env, port, workers=2, app="wsgi:app", log=logs / f"web{n + 1}.log"
                )
            )
        print(f"[topology] web instances on 127.0.0.1:{ports[0]} and 127.0.0.1:{ports[1]}")
        schedulers = []
        for n in range(2):
            log = logs / f"scheduler{n + 1}.log"
            process = start_scheduler(env, log)
            processes.append(process)
            schedulers.append((process, log))
            time.sleep(2)  # the first one started acts
        acting = wait_acting(schedulers, timeout=30)
        print(f"[topology] scheduler pid {acting[0].pid} acts, the other waits")

        outcome: dict[int, loadgen.Result] = {}
        threads = [
            threading.Thread(
                target=lambda port=port: outcome.__setitem__(
                    port, mixed_load(port, built, args.duration, args.connections)
                )
            )
            for port in ports
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.kill_after)
        killed_at = datetime.now(UTC)
        os.killpg(acting[0].pid, signal.SIGKILL)
        acting[0].wait()
        print(f"[topology] {killed_at:%H:%M:%S} SIGKILL to the acting scheduler {acting[0].pid}")
        others = [s for s in schedulers if s[0] is not acting[0]]
        took_over = wait_acting(others, timeout=POLL_SECONDS * 3)
        print(f"[topology] scheduler pid {took_over[0].pid} took over")
        for thread in threads:
            thread.join()
        # The last due reminders need one more sweep and send; the batch the killed
        # dispatcher had reserved (still queued) waits for its claim to lapse, at most
        # CLAIM_SECONDS after the kill (renewed while sending, sms/claims.py).
        lapse = killed_at + timedelta(seconds=4 + SWEEP_SECONDS * 2 + 5)
        time.sleep(max(SWEEP_SECONDS * 2 + 5, (lapse - datetime.now(UTC)).total_seconds()))
        checked_at = datetime.now(UTC)
        found = json.loads(
            common.python(
                env,
                "topology.py",
                "--role",
                "facts",
                "--args",
                json.dumps(
                    {"checked_at": checked_at.isoformat(), "killed_at": killed_at.isoformat()}
                ),
            )
        )
        redis_keys = subprocess.run(  # noqa: S603
            ["redis-cli", "-u", redis_url, "--scan", "--pattern", "LIMIT*"],  # noqa: S607
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout.split()
    finally:
        cleanup()

    web = {port: result.summary() for port, result in outcome.items()}
    checks = {
        "every due reminder queued": found["missing"] == 0 and found["expected_reminders"] > 0,
        "no reminder queued twice": found["doubled"] == 0,
        # One dispatcher sends one message at a time: the kill may catch at most one
        # between "handed to the gateway" and "answer recorded"; none may stay queued.
        "every due reminder sent (but one caught mid-send)": found["due_but_not_sent"]
        == found["caught_mid_send_by_the_kill"]
        and found["caught_mid_send_by_the_kill"] <= 1,
        "reminders queued after the kill": found["queued_after_kill"] > 0,
        "reminders sent after the kill": found["sent_after_kill"] > 0,
        "both schedulers swept": len(found["sweeps_by_instance"]) == 2,
        "web instances answered every request": all(
            s["requests"] > 0 and s["unexpected"] == 0 and not s["errors"] for s in web.values()
        ),
        "rate-limit counters in Redis": bool(redis_keys),
    }
    report = {"found": found, "web": web, "checks": checks, "redis_keys": len(redis_keys)}
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    common.write_json(common.BENCH / "results" / f"{stamp}-topology.json", report)
    print(json.dumps(found, indent=2))
    for port, s in web.items():
        print(
            f"web :{port}: {s['requests']} requests, {s['rps']} req/s, p95 {s['p95_ms']} ms, "
            f"statuses {s['statuses']}, errors {s['errors']}"
        )
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    passed = all(checks.values())
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


def start_scheduler(env: dict, log: Path) -> subprocess.Popen:
    """bench/scheduler_bench.py in its own process group, its output in `log` (emptied)."""
    log.write_text("")
    return subprocess.Popen(  # noqa: S603
        [sys.executable, str(common.BENCH / "scheduler_bench.py")],
        env=env, cwd=common.ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def wait_acting(schedulers, timeout: float):
    """The scheduler whose log says it acts (`scheduler host:pid acts`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process, log in schedulers:
            if process.poll() is None and re.search(rf":{process.pid} acts", log.read_text()):
                return process, log
        time.sleep(0.5)
    raise SystemExit("FAIL: no scheduler took the lease in time")


def mixed_load(port: int, built: dict, duration: float, connections: int) -> loadgen.Result:
    from twilio.request_validator import RequestValidator

    host = f"127.0.0.1:{port}"
    agent = {"User-Agent": "civic-bench/1"}
    pages = [
        loadgen.get("/projects", host, agent),
        loadgen.get("/healthz", host, agent),
        *[loadgen.get(f"/projects/{pid}", host, agent) for pid in built["projects"][:5]],
    ]
    validator = RequestValidator(common.TWILIO_TOKEN)
    url = common.PUBLIC_BASE_URL + "/sms/inbound"

    def make(conn: int, n: int) -> bytes:
        if n % 4 == 3:  # one request in four is an SMS (HOURS keyword) from a participant
            params = {
                "MessageSid": f"SMtopo{port}{conn:02d}{n:010d}",
                "From": built["phones"][(conn + n) % len(built["phones"])],
                "To": "+15005550006",
                "Body": "ORE",
            }
            return loadgen.post(
                "/sms/inbound",
                host,
                urlencode(params).encode(),
                agent | {"X-Twilio-Signature": validator.compute_signature(url, params)},
            )
        return pages[(conn + n) % len(pages)]

    return loadgen.drive(
        f"web:{port}", make, port=port, connections=connections, duration=duration, warmup=0
    )


if __name__ == "__main__":
    sys.exit(main())
