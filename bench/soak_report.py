"""bench/soak.py's verdict: the checks, the printed summary and the JSON file."""

import time
from collections import Counter

import common
import loadgen

#: A process started during the run (or that took over) is read from this long after.
SETTLE_SECONDS = 20
#: Below this share of the asked rate the load was not the steady one the run claims.
MIN_RATE_SHARE = 0.9


def report(*, args, timeline, outcome, found, memory, window, traffic) -> int:
    kinds = by_kind(outcome)
    asked = sum(traffic.values()) * 2
    achieved = sum(s["rps"] for s in kinds.values())
    low, high = window
    counts = Counter()
    for result in outcome.values():
        for at, what in result.failures:
            where = "in" if low <= at <= high else "out"
            what = "5xx" if what.isdigit() and int(what) >= 500 else what
            counts[f"{what} {where}"] += 1
    errors = sum(sum(r.errors.values()) for r in outcome.values())
    unexpected = sum(r.unexpected for r in outcome.values())
    sms_answered = sum(r.statuses[200] for name, r in outcome.items() if name.startswith("sms"))
    checked = {n: m for n, m in memory.items() if m["growth_mb"] is not None}
    grown = {n: m["growth_mb"] for n, m in checked.items() if m["growth_mb"] > args.max_growth_mb}
    first_reading = min((m["first_read_at"] for m in memory.values()), default=0)
    workers_later = {
        n for n, m in memory.items() if "worker" in n and m["first_read_at"] > first_reading
    }
    checks = {
        "no 5xx outside the Redis window": counts["5xx out"] == 0,
        "no 5xx inside the Redis window either": counts["5xx in"] == 0,
        "no connection error": errors == 0,
        "every answer as expected (200; 302 for a roster post)": unexpected == 0,
        f"steady rate: at least {MIN_RATE_SHARE:.0%} of the asked one": achieved
        >= MIN_RATE_SHARE * asked,
        "every due reminder queued": found["missing"] == 0 and found["expected_reminders"] > 0,
        "no reminder queued twice": found["doubled"] == 0,
        "queued = sent, but at most one caught mid-send by the kill": found["outbound_queued"]
        == found["outbound_sent"] + found["outbound_mid_send"]
        and found["outbound_mid_send"] <= 1
        and not found["outbound_other"],
        "one reply to each inbound SMS": found["inbound_without_reply"] == 0
        and found["inbound_with_replies_twice"] == 0,
        "one inbound row per webhook answered": found["inbound"] == sms_answered,
        "messages sent after the kill and after the Redis restart": found["sent_after_kill"] > 0
        and found["sent_after_redis_restart"] > 0,
        "rate-limit counters in the restarted Redis": found["limit_keys"] > 0,
        f"RSS growth <= {args.max_growth_mb:.0f} MB per process": not grown and bool(checked),
        "no gunicorn worker replaced": not workers_later,
    }
    passed = all(checks.values())
    data = {
        "when": timeline.get("load_started"),
        "settings": {
            "duration": args.duration,
            "rate_per_instance": args.rate,
            "spacing": args.spacing,
            "max_growth_mb": args.max_growth_mb,
            "traffic_per_instance": traffic,
        },
        "machine": common.machine(),
        "timeline": timeline,
        "requests": {
            "asked_rps": round(asked, 1),
            "achieved_rps": round(achieved, 1),
            "by_kind": kinds,
            "by_instance": {name: r.summary() for name, r in outcome.items()},
            "failures": counts,
            "failures_first_100": sorted(f for r in outcome.values() for f in r.failures)[:100],
            "window": {"from": low, "to": high},
        },
        "messages": found,
        "memory": memory,
        "checks": checks,
        "passed": passed,
    }
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out = common.BENCH / "results" / f"{stamp}-soak.json"
    common.write_json(out, data)
    show(data, window, grown, workers_later)
    print(f"written {out.relative_to(common.ROOT)}")
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


def memory(readings: dict, tracked: dict, warmup: float) -> dict:
    """Per process: its readings, the first after its warm-up, the last, the growth.

    `readings`: name -> [(seconds into the load, MB)]; `tracked`: name -> (pid, seconds
    into the load it started or took over at, or 0 for from the start)."""
    out = {}
    for name, values in readings.items():
        pid, since = tracked[name]
        settled = warmup if not since else since + SETTLE_SECONDS
        usable = [r for r in values if r[0] >= settled - 1]
        first, last = (usable[0], usable[-1]) if usable else (None, None)
        out[name] = {
            "pid": pid,
            "start_mb": first and first[1],
            "end_mb": last and last[1],
            "growth_mb": round(last[1] - first[1], 1) if usable else None,
            "first_read_at": values[0][0],
            "start_read_at": first and first[0],
            "last_read_at": values[-1][0],
            "readings": values,
        }
    return out


def by_kind(outcome: dict[str, loadgen.Result]) -> dict[str, dict]:
    """The two instances' results of each kind together (their latencies merged)."""
    merged: dict[str, loadgen.Result] = {}
    for name, result in outcome.items():
        kind = name.split()[0]
        into = merged.setdefault(kind, loadgen.Result(name=kind, seconds=result.seconds))
        into.latencies.extend(result.latencies)
        into.statuses.update(result.statuses)
        into.errors.update(result.errors)
        into.unexpected += result.unexpected
        into.seconds = max(into.seconds, result.seconds)
    for result in merged.values():
        result.latencies.sort()
    return {kind: r.summary() for kind, r in merged.items()}


def show(data: dict, window, grown: dict, replaced: set) -> None:
    requests, found = data["requests"], data["messages"]
    print(f"\nrequests ({data['settings']['duration']:.0f} s, both instances)")
    print(f"{'kind':<13}{'requests':>9}{'req/s':>7}{'p50 ms':>8}{'p95 ms':>8}  statuses, errors")
    total = 0
    for kind, s in requests["by_kind"].items():
        total += s["requests"]
        print(
            f"{kind:<13}{s['requests']:>9}{s['rps']:>7.1f}{s['p50_ms']:>8.1f}{s['p95_ms']:>8.1f}"
            f"  {s['statuses']} {s['errors'] or ''}"
        )
    print(
        f"{'all':<13}{total:>9}{requests['achieved_rps']:>7.1f}  (asked "
        f"{requests['asked_rps']:.1f} req/s)"
    )
    low, high = window
    span = "-".join(time.strftime("%H:%M:%S", time.gmtime(t)) for t in window)
    failures = requests["failures"]
    print(
        f"5xx: {failures['5xx in']} in the Redis window ({span} UTC, {high - low:.0f} s), "
        f"{failures['5xx out']} outside it; other failures {dict(failures) or 'none'}"
    )
    print(
        f"\nmessages: {found['outbound_queued']} queued, {found['outbound_sent']} sent, "
        f"{found['outbound_mid_send']} caught mid-send by the kill, other "
        f"{found['outbound_other'] or 'none'}; drained in {found['drained_in_seconds']} s"
    )
    for kind, statuses in found["outbound_by_kind"].items():
        print(f"  {kind:<12} {statuses}")
    print(
        f"  reminders: {found['expected_reminders']} due, {found['queued_reminders']} queued, "
        f"{found['missing']} missing, {found['doubled']} twice; inbound SMS {found['inbound']}, "
        f"without a reply {found['inbound_without_reply']}, "
        f"replied twice {found['inbound_with_replies_twice']}"
    )
    print(f"  sweeps by scheduler: {found['sweeps_by_instance']}")
    bound = data["settings"]["max_growth_mb"]
    print(f"\nmemory (RSS, MB; bound: growth <= {bound:.0f} MB per process)")
    print(f"{'process':<24}{'pid':>8}{'start':>8}{'end':>8}{'growth':>8}  compared (s in)")
    for name, m in data["memory"].items():
        if m["growth_mb"] is None:
            print(f"{name:<24}{m['pid']:>8}  (no reading after its warm-up)")
            continue
        flag = "  OVER" if name in grown else ""
        print(
            f"{name:<24}{m['pid']:>8}{m['start_mb']:>8.1f}{m['end_mb']:>8.1f}"
            f"{m['growth_mb']:>+8.1f}  {m['start_read_at']:.0f}-{m['last_read_at']:.0f}{flag}"
        )
    if replaced:
        print(f"workers that appeared during the run (a worker was replaced): {sorted(replaced)}")
    print()
    for name, ok in data["checks"].items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
