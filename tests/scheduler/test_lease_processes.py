"""Two `flask scheduler run` processes: one acts, the other waits and takes over when it dies."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask_migrate import upgrade

from civic_app import create_app
from civic_app.extensions import db
from civic_app.scheduler.models import JobRun
from config import TestingConfig

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, own_session):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lease.db'}"
    return request.getfixturevalue("empty_postgresql")


def start_scheduler(url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "CIVIC_ENV": "testing",
        "DATABASE_URL": url,
        "SCHEDULER_LEASE_SECONDS": "4",
        "SCHEDULER_POLL_SECONDS": "0.5",
    }
    return subprocess.Popen(  # noqa: S603 - our own command
        [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "scheduler", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def acting(app) -> set[str]:
    with app.app_context():
        instances = set(db.session.scalars(db.select(JobRun.instance).distinct()))
        db.session.remove()
        return instances


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_one_scheduler_acts_and_the_other_takes_over_within_a_minute(database):
    app = create_app(type("Lease", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": database}))
    with app.app_context():
        upgrade()
    first = start_scheduler(database)
    second = None
    try:
        assert wait_until(lambda: acting(app), 30), "no scheduler ever ran a job"
        [first_name] = acting(app)
        assert first_name.endswith(f":{first.pid}")
        second = start_scheduler(database)
        time.sleep(8)  # plenty of job runs (dispatch every 5 s) ...
        assert acting(app) == {first_name}  # ... all by the first: the second waits
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = time.monotonic()
        assert wait_until(lambda: len(acting(app)) == 2, 60), "nobody took over"
        assert time.monotonic() - killed_at < 60
        assert any(name.endswith(f":{second.pid}") for name in acting(app))
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
        with app.app_context():
            db.engine.dispose()
