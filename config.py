"""Settings for civic_app, read from the environment.

`CIVIC_ENV` picks the class (development, testing, production; production when
unset, so that a server started without it refuses a default secret key).
"""

import json
import os
import re
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused by ProductionConfig


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value.strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from exc


def env_json(name: str, default):
    """A JSON value (WHATSAPP_TEMPLATES, VOICE_LANGUAGES ...); `default` when unset."""
    value = env_str(name)
    if value is None:
        return default
    try:
        return json.loads(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be JSON, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    value = env_str(name, default) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


def with_driver(url: str) -> str:
    """`url`, with plain `postgres://` or `postgresql://` mapped to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url(default: str) -> str:
    """`DATABASE_URL`, with plain `postgresql://` mapped to the psycopg 3 driver."""
    return with_driver(env_str("DATABASE_URL", default))


#: Distinct characters a production secret key has at least. Not 16: the hex keys the
#: refusal suggests have 16 symbols only, and a quarter of 64-digit ones miss one of them;
#: fewer than 10 in a random hex key of 32 digits or more happens about once in 10,000.
MIN_SECRET_DISTINCT = 10


def is_guessable(key: str) -> bool:
    """A key with too little variety: few distinct characters, or a short pattern repeated
    ("aaaa…", "abcdabcd…", "0123456789abcdef" twice)."""
    if len(set(key)) < MIN_SECRET_DISTINCT:
        return True
    for period in range(1, len(key) // 2 + 1):
        if all(key[i] == key[i % period] for i in range(period, len(key))):
            return True
    return False


class Config:
    ENV_NAME = "base"
    SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{BASE_DIR / 'instance' / 'civic_app.db'}")
    #: hide_parameters: a database error (logged with its SQL) never shows the values,
    #: which may be names and phone numbers.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    #: console (log + dev outbox), fake (tests) or twilio.
    SMS_BACKEND = env_str("SMS_BACKEND", "console")
    TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
    TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
    TWILIO_MESSAGING_SERVICE_SID = env_str("TWILIO_MESSAGING_SERVICE_SID")
    TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER")
    #: The WhatsApp sender ("+14155238886"); unset: the Messaging Service's WhatsApp sender.
    TWILIO_WHATSAPP_FROM = env_str("TWILIO_WHATSAPP_FROM")
    #: Content templates for business-initiated WhatsApp messages outside the 24-hour
    #: window, per kind and language: {"reminder": {"it": "HX…", "en": "HX…"}, …}.
    #: Each has one variable, {{1}}: the text as the SMS says it (sms/window.py).
    WHATSAPP_TEMPLATES = env_json("WHATSAPP_TEMPLATES", {})
    #: Estimated prices (euro) for the costs by channel on the dashboard: an SMS segment,
    #: a WhatsApp template message (it opens a paid conversation), a WhatsApp message
    #: inside the window, a call.
    PRICE_SMS_SEGMENT = env_str("PRICE_SMS_SEGMENT", "0.075")
    PRICE_WHATSAPP_TEMPLATE = env_str("PRICE_WHATSAPP_TEMPLATE", "0.05")
    PRICE_WHATSAPP_SESSION = env_str("PRICE_WHATSAPP_SESSION", "0.005")
    PRICE_VOICE_CALL = env_str("PRICE_VOICE_CALL", "0.10")
    #: Where the twilio gateway sends what it would send to https://api.twilio.com, e.g. a
    #: staging mock of Twilio's API ("http://twilio-mock:4010"); unset: Twilio itself.
    TWILIO_API_BASE_URL = env_str("TWILIO_API_BASE_URL")
    #: Public base URL Twilio calls back on (status callbacks, signature checks).
    PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL")
    #: How many proxies in front of the app set X-Forwarded-* (ProxyFix).
    PROXY_COUNT = env_int("PROXY_COUNT", 0)
    #: Messages the dispatcher sends per second at most.
    SMS_RATE_PER_SECOND = env_int("SMS_RATE_PER_SECOND", 10)
    SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 6)

    #: Country calling codes we send SMS to, e.g. "39,33,212"; empty: every country.
    SMS_ALLOWED_COUNTRY_CODES = env_list("SMS_ALLOWED_COUNTRY_CODES", "")
    SMS_CODES_PER_COUNTRY = env_str("SMS_CODES_PER_COUNTRY", "200 per hour")
    SMS_DAILY_BUDGET = env_str("SMS_DAILY_BUDGET", "5000 per day")
    SMS_JOINS_PER_NUMBER = env_str("SMS_JOINS_PER_NUMBER", "3 per day")

    REDIS_URL = env_str("REDIS_URL")
    RATELIMIT_STORAGE_URI = env_str("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"

    TIMEZONE = env_str("TIMEZONE", "Europe/Rome")
    BABEL_DEFAULT_LOCALE = "it"
    BABEL_DEFAULT_TIMEZONE = env_str("TIMEZONE", "Europe/Rome")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "civic_app" / "translations")
    #: The web speaks the eight SMS languages; Arabic and Urdu right to left.
    LANGUAGES = ["it", "en", "fr", "ar", "es", "bn", "ur", "uk"]
    RTL_LANGUAGES = ["ar", "ur"]
    DEFAULT_PHONE_REGION = env_str("DEFAULT_PHONE_REGION", "IT")

    LOGIN_CODE_TTL_SECONDS = 600
    LOGIN_CODE_MAX_ATTEMPTS = 5
    #: Codes one phone number may request in 15 minutes, and in a day.
    LOGIN_CODES_PER_NUMBER_15MIN = env_int("LOGIN_CODES_PER_NUMBER_15MIN", 3)
    LOGIN_CODES_PER_NUMBER_DAY = env_int("LOGIN_CODES_PER_NUMBER_DAY", 10)
    LOGIN_RATE_LIMIT_PER_IP = env_str("LOGIN_RATE_LIMIT_PER_IP", "10 per minute;100 per hour")
    #: Per IP on the last sign-up step (a desk's wifi may sign up many people in an hour).
    SIGNUP_RATE_LIMIT_PER_IP = env_str("SIGNUP_RATE_LIMIT_PER_IP", "10 per minute;100 per hour")
    #: Second-factor codes one pending login may try (counted in the shared storage).
    TOTP_ATTEMPTS_LIMIT = env_str("TOTP_ATTEMPTS_LIMIT", "5 per 15 minutes")
    #: Per IP on Twilio's webhooks (Twilio calls from many addresses; this stops floods).
    WEBHOOK_RATE_LIMIT = env_str("WEBHOOK_RATE_LIMIT", "1200 per minute")
    #: A Redis outage must not turn every limited page into a 500: each worker counts
    #: in its own memory until Redis is back.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: A Redis that does not answer (a host gone, not only a refused port) costs a request
    #: one second at most, not a TCP timeout.
    RATELIMIT_STORAGE_OPTIONS = {"socket_timeout": 1, "socket_connect_timeout": 1}

    #: The largest request body, in bytes: a 413 page past it. No form takes files; the
    #: largest (a project in four languages, a roster of hundreds) is well under 100 KB.
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 1024 * 1024)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    SESSION_COOKIE_NAME = "civic_session"
    # Flask-Login's remember-me cookie is not used; if it ever is, it gets the same flags.
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    #: Staff, tutors and coordinators: logged out after this long without a request ...
    SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
    #: ... and this long after logging in, whatever they do.
    SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
    #: Participants log in with an SMS code on their own phone: longer limits (see
    #: docs/security.md), so that reading "when is my next shift" does not cost an SMS.
    PARTICIPANT_SESSION_IDLE_MINUTES = env_int("PARTICIPANT_SESSION_IDLE_MINUTES", 7 * 24 * 60)
    PARTICIPANT_SESSION_ABSOLUTE_HOURS = env_int("PARTICIPANT_SESSION_ABSOLUTE_HOURS", 30 * 24)
    #: How long the browser keeps a participant's cookie (staff cookies end with the
    #: browser); the limits above are what the server enforces.
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=PARTICIPANT_SESSION_IDLE_MINUTES)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    #: Coordinators must turn on the second factor (TOTP) before anything else.
    REQUIRE_TOTP_FOR_COORDINATORS = env_bool("REQUIRE_TOTP_FOR_COORDINATORS", False)
    #: Strict-Transport-Security max-age; 0 sends no header (production sets a year).
    HSTS_SECONDS = env_int("HSTS_SECONDS", 0)

    #: Minutes a person on the waitlist has to take a place freed by a NO.
    OFFER_MINUTES = env_int("OFFER_MINUTES", 120)
    #: Calls (sms/voice.py): per language, the <Say> language and voice of Twilio's
    #: text-to-speech; a language without one is called only where VOICE_RECORDINGS has
    #: its recording, and otherwise gets SMS. JSON in the environment.
    VOICE_LANGUAGES = env_json(
        "VOICE_LANGUAGES",
        {
            "it": ["it-IT", "Polly.Bianca"],
            "en": ["en-GB", "Polly.Amy"],
            "fr": ["fr-FR", "Polly.Lea"],
            "ar": ["arb", "Polly.Zeina"],
            "es": ["es-ES", "Polly.Lucia"],
            "bn": ["bn-IN", "Google.bn-IN-Standard-A"],
            "ur": ["ur-IN", "Google.ur-IN-Standard-A"],
            "uk": ["uk-UA", "Google.uk-UA-Standard-A"],
        },
    )
    #: Recorded audio played instead of the spoken text: {what: {language: URL}}, `what`
    #: a kind of call (reminder, offer ...) or a voice text (voice_press, voice_sorry ...).
    VOICE_RECORDINGS = env_json("VOICE_RECORDINGS", {})
    #: How many times a call nobody answered (no-answer, busy) is tried again, and after
    #: how many minutes (never in the quiet hours); then one SMS, with VOICE_FALLBACK_SMS.
    VOICE_MAX_ATTEMPTS = env_int("VOICE_MAX_ATTEMPTS", 2)
    VOICE_RETRY_MINUTES = env_int("VOICE_RETRY_MINUTES", 30)
    VOICE_FALLBACK_SMS = env_bool("VOICE_FALLBACK_SMS", True)
    #: The number calls come from (a Messaging Service cannot call); default the SMS one.
    VOICE_FROM_NUMBER = env_str("VOICE_FROM_NUMBER")
    #: Days an SMS body is kept (the row, its status and cost stay).
    SMS_BODY_RETENTION_DAYS = env_int("SMS_BODY_RETENTION_DAYS", 180)
    #: Months after a plan ends before its participant is pseudonymised; for a participant
    #: who never had a signed plan, months after their last sign of life.
    RETENTION_MONTHS = env_int("RETENTION_MONTHS", 24)
    #: Days after a person's last case was closed before they are pseudonymised (none of
    #: their cases open, no plan open or ended within RETENTION_MONTHS).
    CASEWORK_RETENTION_DAYS = env_int("CASEWORK_RETENTION_DAYS", 730)
    #: The programme's vulnerability categories staff may record (codes, comma list).
    VULNERABILITY_CATEGORIES = tuple(
        env_list(
            "VULNERABILITY_CATEGORIES",
            "trafficking_victim,unaccompanied_minor_adult,disability,single_parent",
        )
    )
    #: How long a scheduler's lease lasts without renewal (SQLite), and how often it checks.
    SCHEDULER_LEASE_SECONDS = env_int("SCHEDULER_LEASE_SECONDS", 30)
    SCHEDULER_POLL_SECONDS = float(env_str("SCHEDULER_POLL_SECONDS", "5"))
    #: Run the periodic jobs inside the web process (the embedded default).
    SCHEDULER_IN_PROCESS = env_bool("SCHEDULER_IN_PROCESS", False)
    #: Dev outbox and phone simulator pages.
    DEV_TOOLS = env_bool("DEV_TOOLS", False)
    #: The programme's three targets, shown against the network's progress: people taken
    #: in charge and referred, people in housing measures, individual plans signed.
    TARGET_TAKEN_IN_CHARGE = env_int("TARGET_TAKEN_IN_CHARGE", 3000)
    TARGET_HOUSED = env_int("TARGET_HOUSED", 500)
    TARGET_PLANS = env_int("TARGET_PLANS", 600)
    #: The fund's reporting periods, "2026-S1=2026-01-01..2026-06-30;..." (default:
    #: the semesters of this year and the two before).
    REPORTING_PERIODS = env_str("REPORTING_PERIODS", "")
    #: Reports read the monthly attendance summary for whole months (raw rows only for a
    #: period's partial first and last months); off: every figure from the raw rows.
    ATTENDANCE_SUMMARY = env_bool("ATTENDANCE_SUMMARY", True)
    #: Aggregates shown to coordinators: a count of people below this reads "<5".
    SUPPRESS_BELOW = env_int("SUPPRESS_BELOW", 5)
    #: Seconds the coordinator's national figures are reused (reports/cache.py); 0: off.
    NATIONAL_CACHE_SECONDS = env_int("NATIONAL_CACHE_SECONDS", 300)
    #: Seconds the marketplace and project pages anonymous visitors see are reused, by
    #: this process and by a proxy (core/public_pages.py): how stale they may be; 0: off.
    PUBLIC_PAGE_SECONDS = env_int("PUBLIC_PAGE_SECONDS", 30)
    #: Casework worklist: a referral still proposed, sent or accepted with no news for
    #: this many days is listed as "no news".
    CASEWORK_STALE_DAYS = env_int("CASEWORK_STALE_DAYS", 14)
    #: ... and a person with an open case not seen for this many days.
    CASEWORK_NOT_SEEN_DAYS = env_int("CASEWORK_NOT_SEEN_DAYS", 30)
    #: Hours before a referral's appointment its SMS reminder goes out (0: none).
    CASEWORK_APPOINTMENT_REMINDER_HOURS = env_int("CASEWORK_APPOINTMENT_REMINDER_HOURS", 24)
    #: The brand (civic_app/core/brand.py): the programme's name on pages, certificates and
    #: exports; the network's, in the footer and on certificates; the name SMS are signed
    #: with (16 plain characters at most; BRAND_NAME when unset); a logo under static/
    #: (svg, png, webp or jpg, 20 KB at most); the colour of the header, buttons and links,
    #: and of their hover (#rrggbb; a darker BRAND_COLOR when unset). Unset: today's look.
    BRAND_NAME = env_str("BRAND_NAME", "civic_app")
    BRAND_NETWORK = env_str("BRAND_NETWORK")
    SMS_BRAND = env_str("SMS_BRAND")
    BRAND_LOGO = env_str("BRAND_LOGO")
    BRAND_COLOR = env_str("BRAND_COLOR")
    BRAND_COLOR_DARK = env_str("BRAND_COLOR_DARK")
    #: Password of every demo account made by `flask seed demo`.
    DEMO_PASSWORD = env_str("DEMO_PASSWORD", "civic-demo-2026")

    @classmethod
    def check(cls) -> list[str]:
        """Problems that must stop the app from starting (empty when fine)."""
        return []


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SCHEDULER_IN_PROCESS = env_bool("SCHEDULER_IN_PROCESS", True)
    DEV_TOOLS = env_bool("DEV_TOOLS", True)


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = database_url("sqlite:///" + str(BASE_DIR / "instance" / "test.db"))
    SMS_BACKEND = "fake"
    #: The fake gateway also writes what it takes to this file (tests with processes).
    FAKE_SMS_LOG = env_str("FAKE_SMS_LOG")
    #: Seconds the fake gateway takes to answer, after taking a message.
    FAKE_SMS_LATENCY = float(env_str("FAKE_SMS_LATENCY", "0"))
    SCHEDULER_IN_PROCESS = False
    DEV_TOOLS = True
    RATELIMIT_STORAGE_URI = "memory://"
    NATIONAL_CACHE_SECONDS = 0  # every test sees the figures of its own data
    PUBLIC_PAGE_SECONDS = 0  # likewise its pages; the cache's own tests turn it on
    DEMO_PASSWORD = "demo-password"  # noqa: S105
    # Tests see today's look whatever the shell exports; a test configures its brand.
    BRAND_NAME, BRAND_NETWORK, SMS_BRAND, BRAND_LOGO = "civic_app", None, None, None
    BRAND_COLOR = BRAND_COLOR_DARK = None
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - fast hashing, in tests only


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"
    HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600)

    @classmethod
    def check(cls) -> list[str]:
        problems = []
        if not cls.SECRET_KEY or cls.SECRET_KEY == DEV_SECRET_KEY or len(cls.SECRET_KEY) < 32:
            problems.append(
                "SECRET_KEY is missing, the development default, or shorter than 32 characters: "
                'set it to a long random value (python -c "import secrets; '
                'print(secrets.token_hex(32))").'
            )
        elif is_guessable(cls.SECRET_KEY):
            problems.append(
                "SECRET_KEY has too little variety (few distinct characters, or a short "
                'pattern repeated): set it to a long random value (python -c "import secrets; '
                'print(secrets.token_hex(32))").'
            )
        if env_bool("FLASK_DEBUG") or getattr(cls, "DEBUG", False):
            problems.append("Debug mode is on: unset FLASK_DEBUG in production.")
        if not (cls.SESSION_COOKIE_SECURE and cls.REMEMBER_COOKIE_SECURE):
            problems.append(
                "SESSION_COOKIE_SECURE is off: login cookies would travel over plain http."
            )
        if cls.DEV_TOOLS:
            problems.append(
                "DEV_TOOLS is on: the dev outbox and phone simulator are not for production."
            )
        if cls.SMS_BACKEND == "twilio" and not (
            cls.TWILIO_ACCOUNT_SID
            and cls.TWILIO_AUTH_TOKEN
            and (cls.TWILIO_MESSAGING_SERVICE_SID or cls.TWILIO_FROM_NUMBER)
        ):
            problems.append(
                "SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
                "TWILIO_MESSAGING_SERVICE_SID (or TWILIO_FROM_NUMBER)."
            )
        for key in ("PRICE_SMS_SEGMENT", "PRICE_WHATSAPP_TEMPLATE", "PRICE_WHATSAPP_SESSION",
                    "PRICE_VOICE_CALL"):  # fmt: skip
            if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", getattr(cls, key) or ""):
                problems.append(f"{key} must be a price in euro such as 0.05.")
        templates = cls.WHATSAPP_TEMPLATES
        if not isinstance(templates, dict) or not all(
            isinstance(by_language, dict)
            and all(isinstance(sid, str) and re.fullmatch(r"HX[0-9a-fA-F]{32}", sid)
                    for sid in by_language.values())
            for by_language in templates.values()
        ):  # fmt: skip
            problems.append(
                'WHATSAPP_TEMPLATES must be JSON such as {"reminder": {"it": "HX…"}} '
                "(content template SIDs: HX and 32 hex digits)."
            )
        if cls.TWILIO_API_BASE_URL and not cls.TWILIO_API_BASE_URL.startswith(
            ("http://", "https://")
        ):
            problems.append(
                "TWILIO_API_BASE_URL must be an http:// or https:// URL (or unset for Twilio)."
            )
        return problems


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = (env_str("CIVIC_ENV", "production") or "production").lower()
    if name not in CONFIGS:
        raise RuntimeError(f"CIVIC_ENV must be one of {', '.join(CONFIGS)}; got {name!r}.")
    return CONFIGS[name]
