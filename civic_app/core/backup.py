"""Backups that restore: `flask backup create` and `flask backup restore`.

A backup is one file and a manifest beside it (`<file>.manifest.json`). The manifest
gives every table's row count and a checksum of the attendance and the messages, taken
from the same moment as the backup itself:

- SQLite: the online backup API of `sqlite3` copies the database while the site keeps
  serving (the write-ahead log lets writers go on); the copy is a single file (journal
  mode DELETE), and the manifest is read from the copy.
- PostgreSQL: `pg_dump -Fc` in a snapshot exported by a repeatable-read transaction,
  which also counts the rows, so the file and its manifest see the same commits.

A restore goes into an empty database only (nothing there can be overwritten), with
the `sqlite3` backup API or `pg_restore`, then checks the restored tables against the
manifest. Passwords never reach a command line or a message: `pg_dump` and
`pg_restore` get theirs through the environment.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore, with fixed arguments
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

#: Tables whose every row goes into the manifest's checksum, not only their count.
CHECKSUMMED = ("attendance", "message")
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why, for a person."""


@dataclass
class Inventory:
    """What a database holds: rows per table, checksums of the CHECKSUMMED tables."""

    tables: dict[str, int] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)
    revision: str | None = None

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def as_dict(self) -> dict:
        return {"tables": self.tables, "checksums": self.checksums, "revision": self.revision}

    def differences(self, other: "Inventory") -> list[str]:
        """One line per table whose count or checksum is not the same in `other`."""
        lines = []
        for name in sorted(set(self.tables) | set(other.tables)):
            mine, theirs = self.tables.get(name), other.tables.get(name)
            if mine != theirs:
                lines.append(f"{name}: {mine} rows in the backup, {theirs} restored")
        for name in sorted(set(self.checksums) | set(other.checksums)):
            if self.checksums.get(name) != other.checksums.get(name):
                lines.append(f"{name}: the checksum of its rows differs")
        if self.revision != other.revision:
            lines.append(
                f"schema revision: {self.revision} in the backup, {other.revision} restored"
            )
        return lines


@dataclass
class Backup:
    path: Path
    manifest_path: Path
    inventory: Inventory
    size: int
    seconds: float


def manifest_of(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def shown(url: URL) -> str:
    """The database's address as it may be printed: never with its password."""
    return url.render_as_string(hide_password=True)


def inventory(conn: Connection) -> Inventory:
    """Count every table's rows and checksum the CHECKSUMMED ones, on `conn`'s snapshot."""
    found = Inventory()
    names = sorted(inspect(conn).get_table_names())
    for name in names:
        quoted = conn.dialect.identifier_preparer.quote(name)
        found.tables[name] = conn.execute(text(f"SELECT count(*) FROM {quoted}")).scalar_one()  # noqa: S608 - table names from the schema
        if name in CHECKSUMMED:
            digest = hashlib.sha256()
            rows = conn.execution_options(stream_results=True, yield_per=5000).execute(
                text(f"SELECT * FROM {quoted} ORDER BY id")  # noqa: S608 - as above
            )
            for row in rows:
                digest.update(repr(tuple(row)).encode())
                digest.update(b"\n")
            found.checksums[name] = digest.hexdigest()
    if "alembic_version" in names:
        found.revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return found


def default_path(folder: Path, url: URL, now: datetime) -> Path:
    suffix = ".sqlite3" if url.get_backend_name() == "sqlite" else ".dump"
    return folder / f"civic_app-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}{suffix}"


def create_backup(database_url: str, path: Path) -> Backup:
    """Back up the database at `database_url` into `path` (not yet existing) and write its
    manifest. The file appears only once complete (written beside it, then renamed)."""
    url = make_url(database_url)
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new file name.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    partial = path.with_name(path.name + ".partial")
    started = time.monotonic()
    try:
        if url.get_backend_name() == "sqlite":
            found = _sqlite_backup(url, partial)
        elif url.get_backend_name() == "postgresql":
            found = _postgres_backup(url, partial)
        else:
            raise BackupError(f"No backup for {url.get_backend_name()} databases.")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    manifest = {
        "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": url.get_backend_name(),
        "file": path.name,
        "sha256": _file_digest(path),
        **found.as_dict(),
    }
    manifest_path = manifest_of(path)
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return Backup(path, manifest_path, found, path.stat().st_size, time.monotonic() - started)


def restore_backup(path: Path, database_url: str) -> tuple[Inventory, bool]:
    """Restore the backup at `path` into the empty database at `database_url`, then check
    it against the manifest beside the file. Returns what the restored database holds and
    whether there was a manifest to check it against."""
    url = make_url(database_url)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    kind = _kind_of(path)
    backend = url.get_backend_name()
    if kind != backend:
        raise BackupError(
            f"{path.name} is a backup of a {NAMES[kind]} database; it restores into "
            f"{NAMES[kind]} only, not into {shown(url)}."
        )
    manifest = _read_manifest(path)
    if manifest is not None and manifest.get("sha256") != _file_digest(path):
        raise BackupError(f"{path.name} is not the file its manifest describes (damaged?).")
    if backend == "sqlite":
        _sqlite_restore(path, url)
    else:
        _postgres_restore(path, url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            restored = inventory(conn)
    finally:
        engine.dispose()
    if manifest is not None:
        expected = Inventory(manifest["tables"], manifest["checksums"], manifest.get("revision"))
        wrong = expected.differences(restored)
        if wrong:
            raise BackupError(
                "The restored database does not match the backup's manifest:\n  "
                + "\n  ".join(wrong)
            )
    return restored, manifest is not None


# -- SQLite ------------------------------------------------------------------------------


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database has nothing to back up or restore into.")
    return Path(url.database)


def _sqlite_backup(url: URL, partial: Path) -> Inventory:
    source_path = _sqlite_file(url)
    if not source_path.is_file():
        raise BackupError(f"No database at {source_path}.")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(partial)
    try:
        source.execute("PRAGMA busy_timeout=5000")
        source.backup(target)  # one step: a consistent copy; writers go on meanwhile
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        target.commit()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy {source_path}: {error}") from error
    finally:
        target.close()
        source.close()
    engine = create_engine(f"sqlite:///{partial}")
    try:
        with engine.connect() as conn:
            return inventory(conn)
    finally:
        engine.dispose()


def _sqlite_restore(path: Path, url: URL) -> None:
    target_path = _sqlite_file(url)
    if target_path.exists():
        _refuse_if_not_empty(url)
    elif not target_path.parent.is_dir():
        raise BackupError(f"The folder {target_path.parent} does not exist.")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not restore {path.name}: {error}") from error
    finally:
        target.close()
        source.close()


# -- PostgreSQL --------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt install postgresql-client).")
    return found


def _pg_environment(url: URL) -> dict[str, str]:
    """libpq's environment for `url`: the password travels here, never in arguments."""
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[key] = str(value)
    return env


def _run(command: list[str], url: URL, what: str) -> None:
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        command, env=_pg_environment(url), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(
            f"{what} failed: " + (detail[-1] if detail else f"exit {done.returncode}")
        )


def _postgres_backup(url: URL, partial: Path) -> Inventory:
    pg_dump = _pg_tool("pg_dump")
    engine = create_engine(url)
    try:
        conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        with conn, conn.begin():
            conn.execute(text("SET TRANSACTION READ ONLY"))
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            _run(
                [pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot}", f"--file={partial}"],
                url, "pg_dump",
            )  # fmt: skip
            return inventory(conn)
    except SQLAlchemyError as error:
        raise BackupError(f"Could not reach {shown(url)}: {error.__class__.__name__}") from error
    finally:
        engine.dispose()


def _postgres_restore(path: Path, url: URL) -> None:
    pg_restore = _pg_tool("pg_restore")
    _refuse_if_not_empty(url)
    _run(
        [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         f"--dbname={url.database}", str(path)],
        url, "pg_restore",
    )  # fmt: skip


# -- both --------------------------------------------------------------------------------


def _refuse_if_not_empty(url: URL) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
    except SQLAlchemyError as error:
        raise BackupError(
            f"Could not open {shown(url)} ({error.__class__.__name__}): create the empty "
            "database first (PostgreSQL: createdb NAME)."
        ) from error
    finally:
        engine.dispose()
    if tables:
        raise BackupError(
            f"{shown(url)} already has {len(tables)} tables. A backup is restored into an "
            "empty database only, so that nothing in it is overwritten: create a new one, "
            "restore into it, then point DATABASE_URL at it."
        )


def _kind_of(path: Path) -> str:
    with path.open("rb") as file:
        head = file.read(len(SQLITE_HEADER))
    if head.startswith(SQLITE_HEADER):
        return "sqlite"
    if head.startswith(PG_DUMP_HEADER):
        return "postgresql"
    raise BackupError(f"{path.name} is not a civic_app backup (neither SQLite nor pg_dump -Fc).")


def _read_manifest(path: Path) -> dict | None:
    manifest_path = manifest_of(path)
    if not manifest_path.is_file():
        return None
    try:
        manifest = json.loads(manifest_path.read_text())
        if not isinstance(manifest.get("tables"), dict):
            raise ValueError("no tables")
    except (ValueError, OSError) as error:
        raise BackupError(f"The manifest {manifest_path.name} cannot be read: {error}") from error
    return manifest


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
