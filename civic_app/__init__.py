"""civic_app: civic-engagement programmes for migrants, run by Italian municipalities."""

import logging
import os
import re
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class=None, *, start_scheduler: bool = False) -> Flask:
    """Build the app for `config_class` (default: the class named by CIVIC_ENV).

    `start_scheduler`: this process serves the site (`make run` asks for it), so the
    periodic jobs run on one of its threads where SCHEDULER_IN_PROCESS says so. Nothing
    else starts them: not `wsgi:app` (gunicorn, and every `flask --app wsgi` command),
    not the tests.
    """
    from config import config_from_env

    config_class = config_class or config_from_env()
    problems = config_class.check()
    if problems:
        raise RuntimeError("civic_app will not start:\n- " + "\n- ".join(problems))

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    os.makedirs(app.instance_path, exist_ok=True)
    configure_logging(app)
    from civic_app.core.brand import init_brand

    init_brand(app)
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)

    init_extensions(app)
    from civic_app.core.inputs import register_input_checks

    register_input_checks(app)
    register_blueprints(app)
    register_template_helpers(app)

    from civic_app.core.errors import register_error_handlers

    register_error_handlers(app)

    from civic_app.cli import register_cli

    register_cli(app)

    if start_scheduler and app.config["SCHEDULER_IN_PROCESS"]:
        from civic_app.scheduler.runner import start_in_process

        start_in_process(app)
    return app


def configure_logging(app: Flask) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    # Our jobs log what they did; the libraries' per-run chatter is noise. SQLAlchemy's
    # engine would log every row read (names, phones) once the root logger is at DEBUG:
    # SQLALCHEMY_ECHO=true is the way to see the SQL (its values hidden: hide_parameters).
    for noisy in ("apscheduler", "alembic.runtime.plugins", "sqlalchemy.engine", "sqlalchemy.pool"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    requests_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, DropQueryStrings) for f in requests_log.filters):
        requests_log.addFilter(DropQueryStrings())


class DropQueryStrings(logging.Filter):
    """The development server's request log, without query strings (a staff search may
    carry a name or a number there)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args and isinstance(args[0], str) and "?" in args[0]:
            line = re.sub(r"\?.*?(?= HTTP/\S+$|$)", "?…", args[0])
            record.args = (line, *args[1:])
        return True


def init_extensions(app: Flask) -> None:
    from civic_app.core.clock import SystemClock
    from civic_app.core.i18n import select_locale, select_timezone
    from civic_app.core.sqlite import sqlite_transactions
    from civic_app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from civic_app.jobs import JOBS
    from civic_app.sms.gateways import build_gateway

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sqlite_transactions(db.engine)  # readers in parallel (core/sqlite.py)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "people.login_phone"
    # "basic": a phone that moves from wifi to 4G changes IP and must stay logged in;
    # server-side session tokens are what end a session.
    login_manager.session_protection = "basic"

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Accedi per vedere questa pagina.")

    @login_manager.user_loader
    def load_user(token: str):
        from civic_app.core.accounts import User

        return db.session.scalar(
            db.select(User).where(User.session_token == token, User.is_active_account.is_(True))
        )

    app.extensions["civic_clock"] = SystemClock()
    app.extensions["civic_jobs"] = JOBS
    app.extensions["civic_sms_gateway"] = build_gateway(app.config)


def register_blueprints(app: Flask) -> None:
    from civic_app import (
        attendance,
        casework,
        conversation,
        core,
        events,
        housing,
        people,
        plans,
        projects,
        reports,
        scheduler,
        sms,
    )

    # The views register their routes on the blueprints when imported; importing them
    # here, not in the packages, keeps models and operations importable on their own.
    from civic_app.attendance import offline_views as _offline_views  # noqa: F401
    from civic_app.attendance import staff_views as _attendance_staff_views  # noqa: F401
    from civic_app.attendance import views as _attendance_views  # noqa: F401
    from civic_app.casework import case_views as _case_views  # noqa: F401
    from civic_app.casework import directory_views as _directory_views  # noqa: F401
    from civic_app.casework import intake_views as _intake_views  # noqa: F401
    from civic_app.casework import note_views as _note_views  # noqa: F401
    from civic_app.casework import referral_views as _referral_views  # noqa: F401
    from civic_app.casework import team_views as _team_views  # noqa: F401
    from civic_app.conversation import views as _conversation_views  # noqa: F401
    from civic_app.conversation import voice_views as _voice_views  # noqa: F401
    from civic_app.core import views as _core_views  # noqa: F401
    from civic_app.events import edit_views as _event_edit_views  # noqa: F401
    from civic_app.events import views as _event_views  # noqa: F401
    from civic_app.housing import views as _housing_views  # noqa: F401
    from civic_app.people import account_views as _account_views  # noqa: F401
    from civic_app.people import me_views as _me_views  # noqa: F401
    from civic_app.people import rights_views as _rights_views  # noqa: F401
    from civic_app.people import staff_views as _people_staff_views  # noqa: F401
    from civic_app.people import today_views as _today_views  # noqa: F401
    from civic_app.people import views as _people_views  # noqa: F401
    from civic_app.plans import views as _plan_views  # noqa: F401
    from civic_app.projects import staff_views as _staff_views  # noqa: F401
    from civic_app.projects import views as _project_views  # noqa: F401
    from civic_app.reports import certificate_views as _certificate_views  # noqa: F401
    from civic_app.reports import network_views as _network_views  # noqa: F401
    from civic_app.reports import views as _report_views  # noqa: F401
    from civic_app.scheduler import views as _scheduler_views  # noqa: F401
    from civic_app.sms import inbox as _sms_inbox  # noqa: F401
    from civic_app.sms import views as _sms_views  # noqa: F401
    from civic_app.sms import voice_status as _voice_status  # noqa: F401
    from civic_app.sms import webhooks as _sms_webhooks  # noqa: F401

    app.register_blueprint(attendance.bp)
    app.register_blueprint(casework.bp)
    app.register_blueprint(conversation.bp)
    app.register_blueprint(core.bp)
    app.register_blueprint(events.bp)
    app.register_blueprint(housing.bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(plans.bp)
    app.register_blueprint(projects.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(scheduler.bp)
    app.register_blueprint(sms.bp)


def register_template_helpers(app: Flask) -> None:
    from civic_app.core import labels
    from civic_app.core.i18n import (
        LANGUAGE_NAMES,
        by_sex,
        comma,
        current_language,
        format_hours,
        in_language,
        isolate_numbers,
        join_list,
        local_date,
        local_datetime,
        ltr,
        text_direction,
    )
    from civic_app.core.permissions import Role
    from civic_app.core.phones import display_phone
    from civic_app.core.security import register_security_headers
    from civic_app.projects.forms import SPOKEN_LANGUAGES

    @app.context_processor
    def layout_values():
        return {
            "lang": current_language(),
            "text_dir": text_direction(),
            "language_names": LANGUAGE_NAMES,
            "Role": Role,
            "spoken_languages": dict(SPOKEN_LANGUAGES),
        }

    from civic_app.projects.models import TRANSLATED_LANGUAGES

    rtl = app.config["RTL_LANGUAGES"]
    #: The languages staff translate projects and events into: code, own name, direction.
    app.jinja_env.globals["translation_languages"] = [
        (code, LANGUAGE_NAMES[code], "rtl" if code in rtl else "ltr")
        for code in TRANSLATED_LANGUAGES
    ]

    # A phone number on a page is isolated left to right (<bdi dir="ltr">) wherever it is.
    app.jinja_env.filters["phone"] = lambda e164: ltr(display_phone(e164))
    app.jinja_env.filters["ltr"] = ltr
    app.jinja_env.filters["isolate_numbers"] = isolate_numbers
    app.jinja_env.filters["join_list"] = join_list  # "a, b e c"; "a، b و c" in Arabic
    app.jinja_env.filters["in_language"] = in_language
    app.jinja_env.filters["datetime"] = local_datetime  # "، " for a comma in Arabic
    app.jinja_env.filters["date_format"] = local_date
    app.jinja_env.filters["format_hours"] = format_hours
    app.jinja_env.filters["language_name"] = labels.language_name
    app.jinja_env.filters["month_label"] = labels.month_label
    app.jinja_env.globals["code_label"] = labels.label  # a code's label, or the code
    app.jinja_env.globals["code_labels"] = {
        "channel": labels.SIGNUP_CHANNEL_LABELS,
        "referral": labels.REFERRAL_LABELS,
        "purpose": labels.CONSENT_PURPOSE_LABELS,
        "method": labels.CONSENT_METHOD_LABELS,
    }
    app.jinja_env.globals["comma"] = comma  # ", " or "، " between two parts of a sentence
    app.jinja_env.globals["by_sex"] = by_sex  # texts that agree with the person

    register_security_headers(app)
