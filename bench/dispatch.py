"""The SMS dispatcher's throughput with the fake gateway.

    .venv/bin/python bench/dispatch.py --db sqlite --messages 20000 --processes 1
    .venv/bin/python bench/dispatch.py --db postgres --messages 20000 --processes 4
    .venv/bin/python bench/dispatch.py --db sqlite --channel voice

Builds a fresh database (bench_dispatch) with the network, 2,000 participants and
`--messages` due reminders in the outbox, then starts `--processes` dispatcher
processes that wait for a common start signal and call `dispatch_due` (the function
the scheduler's dispatch job calls, unthrottled: rate 0) back to back until nothing is
left. Reports messages per second from the start signal to the last process done, and
checks that every message was handed to the gateway exactly once: the gateways' own
counts add up to the number of messages, every row is `sent` after one attempt, and
every provider id is distinct. `--channel` puts the reminders on that channel (calls,
WhatsApp): the rows are the same, the fake gateway takes each as the Twilio gateway would
hand it on; the cost of the provider itself is not measured.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

TARGET_PER_SECOND = 1000.0


def build(messages: int, channel: str = "sms") -> None:
    from datetime import timedelta

    from civic_app.core.accounts import User
    from civic_app.core.clock import now
    from civic_app.core.models import Municipality
    from civic_app.core.permissions import Role
    from civic_app.extensions import db
    from civic_app.sms.models import Direction, Message, Status

    moment = now()
    # The dispatcher holds what is not urgent during a municipality's quiet hours: the
    # benchmark measures sending, at whatever hour it runs, so its municipalities have none.
    db.session.execute(db.update(Municipality).values(quiet_start="00:00", quiet_end="00:00"))
    places = list(db.session.scalars(db.select(Municipality.id).order_by(Municipality.id)))
    db.session.execute(
        db.insert(User),
        [
            {
                "role": Role.PARTICIPANT,
                "municipality_id": places[i % len(places)],
                "first_name": f"Bench{i}",
                "phone": f"+39348{i:07d}",
            }
            for i in range(2000)
        ],
    )
    people = db.session.execute(db.select(User.id, User.phone, User.municipality_id)).all()
    body = "Promemoria: turno mar 10/03 09:00, Cura del parco, via Roma 1. Rispondi 1 se vieni."
    rows = [
        {
            "direction": Direction.OUT,
            "status": Status.QUEUED,
            "phone": people[i % len(people)].phone,
            "user_id": people[i % len(people)].id,
            "municipality_id": people[i % len(people)].municipality_id,
            "body": body,
            "kind": "reminder",
            "channel": channel,
            "urgent": False,
            "idempotency_key": f"bench:{i}",
            "segments": 1,
            "attempts": 0,
            "needs_attention": False,
            "next_attempt_at": moment - timedelta(minutes=1),
            "created_at": moment,
            "updated_at": moment,
        }
        for i in range(messages)
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(db.insert(Message), rows[start : start + 5000])
    db.session.commit()


def worker(batch: int, profile: str | None = None) -> None:
    """One dispatcher process: ready, wait for "go", drain, report."""
    from civic_app import create_app
    from civic_app.core.clock import now
    from civic_app.extensions import db
    from civic_app.sms.dispatcher import dispatch_due
    from civic_app.sms.gateways import get_gateway

    app = create_app()
    with app.app_context():
        gateway = get_gateway()
        db.session.execute(db.text("SELECT 1"))  # connect before the clock starts
        db.session.commit()
        print("ready", flush=True)
        sys.stdin.readline()
        profiler = None
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
        started, cpu = time.time(), time.process_time()
        rounds = 0
        while True:
            sent = dispatch_due(gateway, now(), limit=batch, rate_per_second=0)
            rounds += 1
            if sent == 0:
                break
        ended, cpu = time.time(), time.process_time() - cpu
        if profiler is not None:
            profiler.stop()
            Path(profile).write_text(profiler.output_html())
            Path(profile).with_suffix(".txt").write_text(profiler.output_text(color=False))
        print(
            json.dumps(
                {
                    "started": started,
                    "ended": ended,
                    "sent": len(gateway.sent),
                    "sids": len({sid for _to, _body, sid in gateway.sent}),
                    "rounds": rounds,
                    "cpu_seconds": cpu,
                }
            ),
            flush=True,
        )


def check(messages: int) -> dict:
    from civic_app import create_app
    from civic_app.extensions import db
    from civic_app.sms.models import Message, Status

    app = create_app()
    with app.app_context():
        by_status = dict(
            db.session.execute(
                db.select(Message.status, db.func.count(Message.id)).group_by(Message.status)
            ).all()
        )
        return {
            "statuses": {str(k): v for k, v in by_status.items()},
            "sent_once": db.session.scalar(
                db.select(db.func.count(Message.id)).where(
                    Message.status == Status.SENT, Message.attempts == 1
                )
            ),
            "distinct_sids": db.session.scalar(
                db.select(db.func.count(db.distinct(Message.provider_sid)))
            ),
        }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--batch", type=int, default=500, help="dispatch_due's limit per run")
    parser.add_argument("--profile", help="pyinstrument report of the (first) dispatcher")
    parser.add_argument("--channel", choices=["sms", "voice", "whatsapp"], default="sms",
                        help="the channel of the queued reminders")  # fmt: skip
    parser.add_argument("--role", choices=["build", "worker", "check"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role == "build":
        from civic_app import create_app

        with create_app().app_context():
            build(args.messages, args.channel)
        return 0
    if args.role == "worker":
        worker(args.batch, args.profile)
        return 0
    if args.role == "check":
        print(json.dumps(check(args.messages)))
        return 0

    if args.db == "sqlite" and args.processes > 1:
        print("note: several dispatchers on SQLite take turns on the write lock", flush=True)
    url = common.recreate_database(args.db, "bench_dispatch")
    env = common.app_env(url)
    common.flask(env, "db", "upgrade", quiet=True)
    common.flask(env, "seed", "network", quiet=True)
    common.python(env, "dispatch.py", "--role", "build", "--messages", str(args.messages),
                  "--channel", args.channel)  # fmt: skip
    workers = [
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                str(common.BENCH / "dispatch.py"),
                "--role",
                "worker",
                "--batch",
                str(args.batch),
                *(["--profile", args.profile] if args.profile and n == 0 else []),
            ],
            env=env,
            cwd=common.ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(args.processes)
    ]
    for process in workers:
        assert process.stdout.readline().strip() == "ready"
    go = time.time()
    for process in workers:
        process.stdin.write("go\n")
        process.stdin.flush()
    reports = []
    for process in workers:
        out, _ = process.communicate(timeout=3600)
        reports.append(json.loads(out.strip().splitlines()[-1]))
    seconds = max(r["ended"] for r in reports) - go
    checked = json.loads(common.python(env, "dispatch.py", "--role", "check").strip())
    handed = sum(r["sent"] for r in reports)
    exactly_once = (
        handed == args.messages
        and checked["sent_once"] == args.messages
        and checked["distinct_sids"] == args.messages
    )
    rate = args.messages / seconds
    result = {
        "db": args.db,
        "channel": args.channel,
        "processes": args.processes,
        "messages": args.messages,
        "batch": args.batch,
        "seconds": round(seconds, 2),
        "per_second": round(rate, 1),
        "per_process": [r["sent"] for r in reports],
        "app_cpu_seconds": round(sum(r["cpu_seconds"] for r in reports), 2),
        "per_app_cpu_second": round(args.messages / sum(r["cpu_seconds"] for r in reports), 1),
        "handed_to_gateways": handed,
        "check": checked,
        "exactly_once": exactly_once,
        "target_per_second": TARGET_PER_SECOND,
        "target_met": exactly_once and rate >= TARGET_PER_SECOND,
        "load_average_at_end": list(os.getloadavg()),
    }
    print(
        f"{args.db}, {args.channel}, {args.processes} dispatcher(s): {args.messages} messages "
        f"in {seconds:.1f} s "
        f"= {rate:.0f} msg/s (per process {result['per_process']}; "
        f"{result['per_app_cpu_second']:.0f} per dispatcher CPU second); exactly once: "
        f"{'yes' if exactly_once else 'NO ' + json.dumps(checked)}; target >= "
        f"{TARGET_PER_SECOND:.0f} msg/s: {'met' if result['target_met'] else 'MISSED'}"
    )
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    name = f"{stamp}-dispatch-{args.db}-{args.channel}-p{args.processes}.json"
    common.write_json(common.BENCH / "results" / name, result)
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
