"""The scale data set's ground: sizes, names, the rows waiting to be inserted, bulk insert.

`flask seed scale` (`seeding.scale`) makes a large, realistic, deterministic data set.

Factor 1 is the programme's own size (18 municipalities, 3000 participants, 600 plans,
their projects, a year of weekly sessions, attendance, events and SMS); factor N is N
times that. Every value comes from `random.Random` seeded with the seed and the
municipality's number, and every date from the app clock's local day, so two runs on
the same day give the same rows. Rows are built as plain dicts with their primary keys
assigned here and inserted with Core `executemany`, one municipality at a time.
"""

import json
import math
import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from flask import current_app
from sqlalchemy import JSON, Integer, func, inspect, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from civic_app.extensions import db

#: What factor 1 means: the programme's targets.
MUNICIPALITIES, PARTICIPANTS, PLANS = 18, 3000, 600
DEFAULT_SEED = 2026
#: Addresses of the seeded staff, tutors and coordinator end with this.
EMAIL_DOMAIN = "scale.civic.local"
#: Seeded participants get +39 348 0000001, +39 348 0000002, ...
PHONE_PREFIX = "+39348"
CHUNK = 5000
MAX_FACTOR = 100
QUARTER = Decimal("0.25")

FIRST_NAMES = [
    "Aisha",
    "Omar",
    "Mariam",
    "Ibrahima",
    "Grace",
    "Samuel",
    "Nadia",
    "Karim",
    "Fatou",
    "Tesfaye",
    "Oksana",
    "Rahim",
    "Sadia",
    "Luis",
    "Joy",
    "Abdou",
    "Hana",
    "Mehdi",
    "Amadou",
    "Blessing",
    "Youssef",
    "Nasrin",
    "Olena",
    "Bilal",
    "Awa",
    "Daniel",
    "Salma",
    "Kofi",
]
LAST_NAMES = [
    "Diallo",
    "Rahman",
    "Haddad",
    "Traoré",
    "Okafor",
    "Kovalenko",
    "Benali",
    "Hossain",
    "Mensah",
    "Ndiaye",
    "Khan",
    "Bakr",
    "Sow",
    "Tesfay",
    "Ahmed",
    "Camara",
    "Mahmoud",
]
LANGUAGES = ["ar", "ar", "ar", "fr", "fr", "en", "en", "en", "bn", "ur", "uk", "es", "it"]
CITIZENSHIPS = ["NG", "SN", "BD", "PK", "MA", "TN", "EG", "UA", "AL", "GM", "ML", "CI", "GH"]


class ScaleError(Exception):
    """A reason not to seed, said in one sentence for the command line."""


@dataclass(frozen=True)
class Sizes:
    municipalities: int
    participants: int
    plans: int

    @classmethod
    def for_factor(cls, factor: float) -> "Sizes":
        if not (math.isfinite(factor) and 0 < factor <= MAX_FACTOR):
            raise ScaleError(f"--factor must be a number greater than 0 and at most {MAX_FACTOR}.")
        municipalities = max(1, round(MUNICIPALITIES * factor))
        participants = max(municipalities * 10, round(PARTICIPANTS * factor))
        return cls(municipalities, participants, min(participants, round(PLANS * factor)))


def by_threshold(roll: float, choices: list[tuple[float, object]], otherwise):
    """The first choice whose cumulative threshold `roll` (0 to 1) is under, else
    `otherwise`: `by_threshold(r, [(0.9, "a"), (0.97, "b")], "c")` is "a" 90 % of the time."""
    for threshold, choice in choices:
        if roll < threshold:
            return choice
    return otherwise


def split(total: int, weights: list[float]) -> list[int]:
    """`total` shared out in proportion to `weights`, exactly (largest remainders)."""
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


@dataclass
class Rows:
    """Rows waiting to be inserted, by table name, and the next id of each table."""

    tables: dict[str, list[dict]] = field(default_factory=dict)
    last_id: dict[str, int] = field(default_factory=dict)
    inserted: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, row: dict, *, with_id: bool = True) -> int | None:
        if with_id:
            row["id"] = self.last_id[table] = self.last_id.get(table, 0) + 1
        self.tables.setdefault(table, []).append(row)
        return row.get("id")

    def flush(self) -> None:
        """Insert what is waiting, parents before children: COPY on PostgreSQL, else
        executemany in chunks."""
        connection = db.session.connection()
        for table in db.metadata.sorted_tables:
            rows = self.tables.pop(table.name, None)
            if not rows:
                continue
            if connection.dialect.name == "postgresql":
                _copy(connection, table, rows)
            else:
                for start in range(0, len(rows), CHUNK):
                    connection.execute(table.insert(), rows[start : start + CHUNK])
            self.inserted[table.name] = self.inserted.get(table.name, 0) + len(rows)


def _copy(connection, table, rows: list[dict]) -> None:
    """COPY the rows in (several times faster than executemany), with the columns' own
    bind conversions (UTC datetimes, enums as strings, JSON)."""
    names = list(rows[0])
    processors = [
        json.dumps
        if isinstance(table.c[name].type, JSON)
        else table.c[name].type.bind_processor(connection.dialect)
        for name in names
    ]
    columns = ", ".join(f'"{name}"' for name in names)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    value if process is None or value is None else process(value)
                    for process, value in zip(processors, row.values(), strict=True)
                ]
            )


@dataclass
class Context:
    """What every municipality's rows need to know."""

    seed: int
    today: date
    zone: object
    password_hash: str
    rows: Rows
    consent_texts: dict
    phone_counter: int = 0
    segments: dict = field(default_factory=dict)
    #: Casework (scale_casework): the network-wide services' ids, the in-care phones given.
    casework: dict = field(default_factory=dict)

    def utc(self, day: date, at: time) -> datetime:
        from civic_app.core.timeutil import local_to_utc

        return local_to_utc(day, at, self.zone)

    @property
    def cutoff(self) -> datetime:
        """Sessions and events before the start of today are past (they have attendance)."""
        return self.utc(self.today, time(0))

    def token(self, rng: random.Random) -> str:
        return f"{rng.getrandbits(128):032x}"


def check_database(force: bool) -> None:
    """:raise ScaleError: when the schema is missing, or there is data and not `force`."""
    from civic_app.core.accounts import User
    from civic_app.core.models import Municipality

    try:
        found = db.session.scalar(select(Municipality.id).limit(1)) or db.session.scalar(
            select(User.id).limit(1)
        )
    except (OperationalError, ProgrammingError):
        db.session.rollback()
        raise ScaleError("The database has no tables: run `flask db upgrade` first.") from None
    if found is None:
        return
    if not force:
        raise ScaleError(
            "The database is not empty: use an empty database, or --force to delete "
            "everything in it first."
        )
    if current_app.config.get("ENV_NAME") == "production":
        raise ScaleError("Refusing --force with the production configuration.")


def wipe() -> None:
    """Delete every row of every table (the schema and its version stay)."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.session.get_bind().dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


def user_row(ctx, role, municipality_id, first, last, *, at, email=None, phone=None, **kw):
    """Every column of a user, so that all rows of the table have the same keys."""
    row = {
        "role": role,
        "municipality_id": municipality_id,
        "first_name": first,
        "last_name": last,
        "email": email,
        "password_hash": ctx.password_hash if email else None,
        "phone": phone,
        "preferred_language": "it",
        "is_active_account": True,
        # Secret: never derived from the seed (it is what the login cookie names).
        "session_token": secrets.token_urlsafe(24),
        "last_login_at": None,
        "calendar_token": None,
        "signed_up_via": None,
        "referral_source": None,
        "sectors_of_interest": "",
        "sms_opt_out_at": None,
        "pending_review": False,
        "erased_at": None,
        "sex": None,
        "birth_year": None,
        "citizenship": None,
        "vulnerabilities": "",
        "totp_secret": None,
        "totp_enabled_at": None,
        "grants": "",
        "profession": None,
        "created_at": at,
        "updated_at": at,
    }
    row.update(kw)
    return row


def stamp(row: dict, at: datetime) -> dict:
    """`row` created (and last updated) at `at`."""
    row["created_at"] = row["updated_at"] = at
    return row


def after_bulk_insert() -> None:
    """Move PostgreSQL's id sequences past the ids given here; refresh planner statistics."""
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        for table in db.metadata.sorted_tables:
            column = table.c.get("id")
            if column is None or not isinstance(column.type, Integer) or not column.primary_key:
                continue
            db.session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:name, 'id'), "  # noqa: S608 - our names
                    f'COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table.name}"'
                ),
                {"name": f'"{table.name}"'},
            )
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def table_counts() -> dict[str, int]:
    """Rows per table (for the summary and the tests)."""
    names = set(inspect(db.session.get_bind()).get_table_names())
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in db.metadata.sorted_tables
        if t.name in names
    }
