"""The periodic jobs start in a web process only where the site is served and asks for
them (`make run`), never in a command: not under `flask …`, not under `python -m flask …`
(which the old check, sniffing argv[0] for "flask", took for a server)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVED = "civic_app:create_app(start_scheduler=True)"
#: Run in `flask shell`: the names of the process's threads once the app is built.
PRINT_THREADS = "import threading; print('THREADS', sorted(t.name for t in threading.enumerate()))"


def threads_under(command: list[str], tmp_path) -> list[str]:
    env = {
        **os.environ,
        "CIVIC_ENV": "development",  # SCHEDULER_IN_PROCESS on, as in a checkout
        "SCHEDULER_IN_PROCESS": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "SMS_BACKEND": "console",
    }
    env.pop("FLASK_APP", None)
    done = subprocess.run(
        command, input=PRINT_THREADS + "\n", capture_output=True, text=True, cwd=ROOT, env=env,
        timeout=120,
    )  # fmt: skip
    found = re.search(r"THREADS (\[.*\])", done.stdout)
    assert found, done.stdout + done.stderr
    return eval(found.group(1))  # noqa: S307 - a list of names we printed ourselves


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "flask", "--app", "wsgi", "shell"],
        [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "shell"],
        [sys.executable, "-m", "flask", "shell"],  # FLASK_APP=wsgi from .flaskenv
    ],
    ids=["python -m flask --app wsgi", "flask --app wsgi", "python -m flask (.flaskenv)"],
)
def test_a_command_starts_no_scheduler(command, tmp_path):
    assert "scheduler" not in threads_under(command, tmp_path)


def test_the_app_make_run_serves_starts_the_scheduler(tmp_path):
    threads = threads_under([sys.executable, "-m", "flask", "--app", SERVED, "shell"], tmp_path)
    assert "scheduler" in threads


def test_make_run_serves_that_app():
    makefile = (ROOT / "Makefile").read_text()
    assert f"SERVED_APP := {SERVED}" in makefile
    assert re.search(r"flask --app '\$\(SERVED_APP\)' run", makefile)


def test_building_the_app_as_wsgi_and_the_cli_do_starts_no_scheduler(tmp_path, own_session):
    from civic_app import create_app
    from config import TestingConfig

    config = type(
        "Embedded",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "SCHEDULER_IN_PROCESS": True},
    )
    app = create_app(config)
    assert "civic_scheduler" not in app.extensions
