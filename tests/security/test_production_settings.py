"""Production cookies and settings; the security checks that CI runs; the documentation."""

import importlib.util
import json
import secrets
import subprocess
from pathlib import Path

import pytest

from civic_app import create_app
from config import Config, ProductionConfig

ROOT = Path(__file__).resolve().parents[2]


def production(**overrides):
    values = {"SECRET_KEY": secrets.token_hex(32), "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    values |= overrides
    return type("Prod", (ProductionConfig,), values)


def test_production_cookies_are_secure_http_only_and_same_site():
    app = create_app(production())
    for cookie in ("SESSION", "REMEMBER"):
        assert app.config[f"{cookie}_COOKIE_SECURE"] is True
        assert app.config[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert app.config[f"{cookie}_COOKIE_SAMESITE"] == "Lax"
    # And the browser is told so.
    response = app.test_client().get("/login")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("civic_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_cookies_without_the_secure_flag():
    with pytest.raises(RuntimeError, match="SESSION_COOKIE_SECURE"):
        create_app(production(SESSION_COOKIE_SECURE=False))


def test_the_session_limits_have_the_documented_defaults():
    assert (Config.SESSION_IDLE_MINUTES, Config.SESSION_ABSOLUTE_HOURS) == (30, 12)
    assert Config.PARTICIPANT_SESSION_IDLE_MINUTES == 7 * 24 * 60
    assert Config.PARTICIPANT_SESSION_ABSOLUTE_HOURS == 30 * 24
    assert Config.REQUIRE_TOTP_FOR_COORDINATORS is False
    # The browser keeps a participant's cookie as long as the server would accept it.
    assert Config.PERMANENT_SESSION_LIFETIME.total_seconds() == 7 * 24 * 3600
    assert ProductionConfig.HSTS_SECONDS >= 365 * 24 * 3600


def test_ci_runs_bandit_and_pip_audit_once():
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\nsecurity:")[1].split("\n\n")[0]
    assert "bandit" in target and "--severity-level high" in target
    assert ".ci/audit_dependencies.py" in target
    ci = (ROOT / ".ci" / "run").read_text()
    assert [line.strip() for line in ci.splitlines()].count("make security") == 1


@pytest.fixture
def audit_script(monkeypatch):
    """The pip-audit wrapper, with pip-audit's answer made up by the test."""
    spec = importlib.util.spec_from_file_location(
        "audit_dependencies", ROOT / ".ci" / "audit_dependencies.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def answer(dependencies):
        stdout = json.dumps({"dependencies": dependencies, "fixes": []})
        result = subprocess.CompletedProcess([], 1, stdout=stdout, stderr="")
        monkeypatch.setattr(module.subprocess, "run", lambda *a, **kw: result)

    module.answer = answer
    return module


def test_a_known_vulnerability_fails_the_audit(audit_script, capsys):
    audit_script.answer(
        [
            {"name": "flask", "version": "3.1.3", "vulns": []},
            {"name": "jinja2", "version": "2.0", "vulns": [{"id": "PYSEC-1", "fix_versions": []}]},
        ]
    )
    assert audit_script.main() == 1
    assert "VULNERABLE jinja2 2.0: PYSEC-1" in capsys.readouterr().out


def test_an_audit_that_reached_no_data_says_so_and_fails_only_when_strict(
    audit_script, capsys, monkeypatch
):
    audit_script.answer([{"name": "flask", "skip_reason": "Dependency not found on PyPI"}])
    assert audit_script.main() == 0
    assert "NOT checked for known vulnerabilities" in capsys.readouterr().out
    monkeypatch.setenv("PIP_AUDIT_STRICT", "1")
    assert audit_script.main() == 1


def test_a_clean_audit_passes(audit_script, capsys):
    audit_script.answer([{"name": "flask", "version": "3.1.3", "vulns": []}])
    assert audit_script.main() == 0
    assert "1 packages audited" in capsys.readouterr().out


def test_the_security_document_is_linked():
    doc = ROOT / "docs" / "security.md"
    text = doc.read_text()
    for topic in ("Threat model", "Retention", "Who sees what", "subject access", "erasure"):
        assert topic.lower() in text.lower(), topic
    assert "docs/security.md" in (ROOT / "README.md").read_text()
    assert "security.md" in (ROOT / "docs" / "architecture.md").read_text()
