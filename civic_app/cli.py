"""Command-line tools: `flask seed`, `flask users`, `flask translate`, `flask scheduler run`,
`flask backup`."""

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app

from civic_app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "civic_app" / "translations"
POT = TRANSLATIONS / "messages.pot"
#: The SMS/WhatsApp/voice texts: their own domain, `sms` (civic_app/sms/texts.py).
SMS_POT = TRANSLATIONS / "sms.pot"
SMS_TEXTS = ROOT / "civic_app" / "sms" / "texts.py"
DOMAINS = (("messages", POT), ("sms", SMS_POT))


def register_cli(app: Flask) -> None:
    app.cli.add_command(sms)
    app.cli.add_command(seed)
    app.cli.add_command(users)
    app.cli.add_command(translate)
    app.cli.add_command(scheduler)
    app.cli.add_command(backup)


@click.group(help="Fill the database.")
def seed():
    pass


@seed.command("network", help="Create the municipalities of the national network.")
def seed_network():
    from civic_app.core.network import ensure_network

    count = len(ensure_network())
    db.session.commit()
    click.echo(f"{count} municipalities in the network.")


@seed.command("demo", help="Create the network and demo accounts, and print how to log in.")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database has any account.")
def seed_demo(if_empty: bool):
    from civic_app.core.accounts import User
    from civic_app.core.clock import now
    from civic_app.core.network import ensure_network
    from civic_app.seeding.demo_casework import seed_demo_casework
    from civic_app.seeding.demo_events import seed_demo_events
    from civic_app.seeding.demo_history import seed_demo_history
    from civic_app.seeding.demo_housing import seed_demo_housing
    from civic_app.seeding.demo_people import seed_demo as make_demo
    from civic_app.seeding.demo_projects import seed_demo_projects

    has_users = db.session.scalar(db.select(User.id).limit(1)) is not None
    if not (if_empty and has_users):
        make_demo(current_app.config["DEMO_PASSWORD"])
        seed_demo_projects(ensure_network(), now())
        seed_demo_events(ensure_network(), now())
        seed_demo_history(ensure_network(), now())
        seed_demo_casework(ensure_network(), now(), current_app.config["DEMO_PASSWORD"])
        seed_demo_housing(ensure_network(), now())
        db.session.commit()
        click.echo("Demo data loaded.")
    else:
        click.echo("The database already has accounts: demo data not loaded again.")
    print_demo_logins()


@seed.command("scale", help="Fill an empty database with N times the programme's size.")
@click.option(
    "--factor",
    type=float,
    default=1.0,
    show_default=True,
    help="1 = 18 municipalities, 3000 participants, 600 plans and a year of activity.",
)
@click.option("--seed", "seed_value", type=int, default=2026, show_default=True,
              help="Random seed: the same seed gives the same data.")  # fmt: skip
@click.option("--force", is_flag=True, help="Delete everything in the database first.")
def seed_scale_command(factor: float, seed_value: int, force: bool):
    import time as clock_time

    from civic_app.core.clock import now
    from civic_app.seeding.bulk import (
        EMAIL_DOMAIN,
        ScaleError,
        Sizes,
        check_database,
        table_counts,
        wipe,
    )
    from civic_app.seeding.scale import seed_scale
    from civic_app.seeding.scale_casework import intake_total

    try:
        sizes = Sizes.for_factor(factor)
        check_database(force)
    except ScaleError as exc:
        raise click.UsageError(str(exc)) from None
    if force:
        wipe()
    password = current_app.config["DEMO_PASSWORD"]
    started = clock_time.monotonic()
    label = (
        f"Seeding {sizes.municipalities} municipalities, {sizes.participants} participants, "
        f"{sizes.plans} plans, {intake_total(factor, sizes.municipalities)} intakes"
    )
    with click.progressbar(length=sizes.municipalities, label=label, file=sys.stderr) as bar:
        seed_scale(factor, seed=seed_value, now=now(), password=password, progress=bar.update)
    elapsed = clock_time.monotonic() - started
    click.echo(f"Done in {elapsed:.1f} s.")
    for name, count in table_counts().items():
        if count:
            click.echo(f"  {name:<24} {count:>10}")
    click.echo(
        f"\nLogins (at /login), password {password}:\n"
        f"  coordinator@{EMAIL_DOMAIN}\n"
        f"  staff1.<slug>@{EMAIL_DOMAIN}, staff2.<slug>@{EMAIL_DOMAIN}   e.g. staff1.roma@...\n"
        f"  tutor1.<slug>@{EMAIL_DOMAIN} ...                       (slug: roma, milano-2, ...)\n"
        f"  caseworker1.<slug>@{EMAIL_DOMAIN}, caseworker2.<slug>@... (a psychologist)\n"
        "  housing (dwellings and measures): staff1.<slug>@... and caseworker1.<slug>@...\n"
        "  participants: +393480000001 ... (log in by SMS code at /login/phone)"
    )


def print_demo_logins() -> None:
    from civic_app.seeding.demo_casework import DEMO_CASEWORKERS
    from civic_app.seeding.demo_housing import HOUSING_ACCOUNTS
    from civic_app.seeding.demo_people import DEMO_PEOPLE

    password = current_app.config["DEMO_PASSWORD"]
    click.echo("\nDemo logins")
    click.echo(f"  staff, tutors, coordinator, caseworkers (at /login), password {password}:")
    for role, slug, _first, _last, email, _phone, _lang in DEMO_PEOPLE:
        if email:
            click.echo(f"    {role.value:<12} {slug or 'national':<9} {email}")
    for slug, _first, _last, email, profession in DEMO_CASEWORKERS:
        click.echo(f"    {'caseworker':<12} {slug:<9} {email}  ({profession})")
    click.echo(f"  housing (dwellings and measures): {', '.join(HOUSING_ACCOUNTS)}")
    click.echo("  participants (at /login/phone; read the code on /dev/phone):")
    for role, slug, first, _last, email, phone, lang in DEMO_PEOPLE:
        if not email:
            click.echo(f"    {role.value:<12} {slug:<9} {phone}  ({first}, {lang})")


@click.group(help="Manage accounts.")
def users():
    pass


@users.command("create", help="Create a staff, tutor or coordinator account (asks the password).")
@click.option("--role", type=click.Choice(["staff", "tutor", "coordinator"]), required=True)
@click.option("--email", required=True)
@click.option("--first-name", required=True)
@click.option("--last-name", default="")
@click.option("--municipality", "slug", help="Slug of the municipality (not for coordinators).")
@click.password_option()
def users_create(role, email, first_name, last_name, slug, password):
    from civic_app.core.accounts import User
    from civic_app.core.models import Municipality
    from civic_app.core.permissions import Role
    from civic_app.people.operations import set_password

    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("not an email address", param_hint="--email")
    if len(password) < 12:
        raise click.BadParameter("use at least 12 characters", param_hint="password")
    municipality = None
    if role != "coordinator":
        if not slug:
            raise click.UsageError("--municipality is needed for staff and tutors.")
        municipality = db.session.scalar(db.select(Municipality).where(Municipality.slug == slug))
        if municipality is None:
            raise click.BadParameter(f"no municipality {slug!r}", param_hint="--municipality")
    if db.session.scalar(db.select(User.id).where(User.email == email)) is not None:
        raise click.UsageError("An account with this email exists already.")
    user = User(
        role=Role(role),
        email=email,
        first_name=first_name,
        last_name=last_name or None,
        municipality=municipality,
    )
    set_password(user, password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} account {user.id}.")


def _account(email: str):
    from civic_app.core.accounts import User

    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.BadParameter("no account with this email", param_hint="EMAIL")
    return user


@users.command("disable", help="Disable an account; its open sessions end at once.")
@click.argument("email")
def users_disable(email):
    from civic_app.core.audit import record

    user = _account(email)
    user.is_active_account = False  # rotates the session token (people.models)
    record("account.disabled", user)
    db.session.commit()
    click.echo(f"Disabled account {user.id}.")


@users.command("enable", help="Enable a disabled account again.")
@click.argument("email")
def users_enable(email):
    from civic_app.core.audit import record

    user = _account(email)
    user.is_active_account = True
    record("account.enabled", user)
    db.session.commit()
    click.echo(f"Enabled account {user.id}.")


@users.command("reset-totp", help="Remove an account's second factor (a lost phone).")
@click.argument("email")
def users_reset_totp(email):
    from civic_app.core.audit import record
    from civic_app.people.totp import reset_totp

    user = _account(email)
    reset_totp(user)
    record("auth.totp_reset", user)
    db.session.commit()
    click.echo(f"Second factor removed from account {user.id}; it logs in with the password.")


@click.group(help="Extract, update and compile the interface translations.")
def translate():
    pass


def _pybabel(*args: str) -> None:
    command = [str(Path(sys.executable).parent / "pybabel"), *args]
    if subprocess.call(command, cwd=ROOT):  # noqa: S603 - fixed arguments
        raise click.ClickException("pybabel " + " ".join(args[:2]) + " failed")


def extract_messages(output: Path = POT) -> None:
    """Collect every `_()` / `_l()` string of the code and templates into `output`."""
    _pybabel("-q", "extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "-o", str(output), ".")  # fmt: skip


def extract_sms(output: Path = SMS_POT) -> None:
    """Collect the SMS texts (`sms_text(key, italian)`: msgctxt key, msgid the Italian
    text, with their TRANSLATORS: budget notes) into `output`, in source order."""
    _pybabel("-q", "extract", "--no-default-keywords", "-k", "sms_text:1c,2",
             "-c", "TRANSLATORS:", "--no-location", "--project", "civic_app SMS",
             "-o", str(output), str(SMS_TEXTS.relative_to(ROOT)))  # fmt: skip


@translate.command("extract", help="Collect the strings into messages.pot and sms.pot.")
def translate_extract():
    extract_messages()
    extract_sms()


@translate.command("update", help="Extract, then merge new strings into every catalog.")
def translate_update():
    translate_extract.callback()
    for domain, pot in DOMAINS:
        _pybabel("update", "-D", domain, "-i", str(pot), "-d", str(TRANSLATIONS),
                 "--no-fuzzy-matching", "--ignore-obsolete")  # fmt: skip


@translate.command("init", help="Start a language's catalogs (web and SMS).")
@click.argument("language")
def translate_init(language):
    for domain, pot in DOMAINS:
        _pybabel("init", "-D", domain, "-i", str(pot), "-d", str(TRANSLATIONS), "-l", language)


@translate.command("compile", help="Compile the catalogs of both domains (.po -> .mo).")
def translate_compile():
    for domain, _pot in DOMAINS:
        _pybabel("compile", "-D", domain, "-d", str(TRANSLATIONS))


@click.group(help="Periodic jobs.")
def scheduler():
    pass


@scheduler.command("run", help="Run the periodic jobs in this process until stopped.")
def scheduler_run():
    from civic_app.scheduler.runner import run_blocking

    run_blocking(current_app._get_current_object())


@click.group(help="SMS tools.")
def sms():
    pass


@sms.command("templates", help="What each SMS template costs, per language, with typical values.")
def sms_templates():
    from civic_app.sms.costs import template_costs

    click.echo(
        f"{'template':<28} {'lang':<4} {'encoding':<8} {'chars':>5} {'units':>5} "
        f"{'segments':>8} {'budget':>6}"
    )
    for row in template_costs():
        click.echo(
            f"{row.template:<28} {row.language:<4} {row.encoding:<8} {row.characters:>5} "
            f"{row.units:>5} {row.segments:>8} {row.budget:>6}"
            + ("  OVER BUDGET" if row.over_budget else "")
        )


sms.add_command(sms_templates, "segments")  # its former name


@sms.command("dispatch", help="Send the SMS that are due now, once (the scheduler does it too).")
def sms_dispatch():
    from civic_app.jobs import JOBS
    from civic_app.scheduler.jobs import run_job

    job = next(j for j in JOBS if j.id == "dispatch_outbox")
    click.echo(run_job(current_app._get_current_object(), job) or "nothing due")


@click.group(help="Back up the database and restore a backup into an empty database.")
def backup():
    pass


@backup.command("create", help="Back up the database, while the site serves, into one file.")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_create(path: Path | None):
    from civic_app.core.backup import BackupError, create_backup, default_path, shown
    from civic_app.core.clock import now

    url = db.engine.url
    if path is None:
        folder = Path(current_app.instance_path) / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        path = default_path(folder, url, now())
    click.echo(f"Backing up {shown(url)} into {path} ...")
    try:
        made = create_backup(url.render_as_string(hide_password=False), path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    found = made.inventory
    click.echo(
        f"Done in {made.seconds:.1f} s: {made.size / 1_000_000:.1f} MB, {len(found.tables)} "
        f"tables, {found.rows:,} rows. Manifest: {made.manifest_path}"
    )


@backup.command("restore", help="Restore a backup into an empty database and check it.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--to", "target", metavar="DATABASE_URL",
    help="The empty database to restore into (default: the configured DATABASE_URL).",
)  # fmt: skip
def backup_restore(path: Path, target: str | None):
    from sqlalchemy.engine import make_url

    from civic_app.core.backup import BackupError, restore_backup, shown
    from config import with_driver

    if target is None:
        target = db.engine.url.render_as_string(hide_password=False)
        db.engine.dispose()  # the restore needs the database to itself
    target = with_driver(target)
    try:
        url = make_url(target)
    except Exception as error:  # noqa: BLE001 - a mistyped URL, said plainly
        raise click.ClickException(f"Not a database URL: {error}") from error
    click.echo(f"Restoring {path} into {shown(url)} ...")
    try:
        restored, checked = restore_backup(path, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Restored: {len(restored.tables)} tables, {restored.rows:,} rows"
        + (", as in the manifest." if checked else "; no manifest beside the file to check.")
    )
    click.echo("Then run `flask db upgrade` (nothing to do if the backup is from this version).")
