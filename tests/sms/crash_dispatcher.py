"""A dispatcher that dies after handing a message over and before recording it.

Run by tests/sms/test_dispatcher_crash.py as its own process, then killed with SIGKILL
while the gateway call is "in flight": `python crash_dispatcher.py DATABASE_URL LOG`.
"""

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from civic_app import create_app  # noqa: E402
from civic_app.sms.dispatcher import dispatch_due  # noqa: E402
from civic_app.sms.gateways import SendResult  # noqa: E402
from config import TestingConfig  # noqa: E402


class HangingGateway:
    """Hands the message over (writes it down), then hangs until killed."""

    def __init__(self, log: Path):
        self.log = log

    def send(self, to: str, body: str, ref: int | None = None, **channel) -> SendResult:
        with self.log.open("a") as f:
            f.write(f"{to} {body}\n")
        time.sleep(600)
        return SendResult(sid="never")


if __name__ == "__main__":
    url, log = sys.argv[1], Path(sys.argv[2])
    app = create_app(type("Crash", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        dispatch_due(HangingGateway(log), datetime.now(UTC))
