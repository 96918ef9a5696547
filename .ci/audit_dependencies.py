"""Audit the installed Python packages with pip-audit; fail on any known vulnerability.

pip-audit exits 0 when it could not look a package up at all ("not found on PyPI"),
which would read as "no known vulnerabilities". This wrapper says loudly how many
packages were really audited. With no vulnerability data reachable (an offline
machine) it warns and passes, unless PIP_AUDIT_STRICT=1, which CI machines with
network access should set.

Settings: PIP_AUDIT_SERVICE (pypi, the default, or osv), PIP_AUDIT_IGNORE (space-
separated vulnerability ids accepted after review), PIP_AUDIT_STRICT.
"""

import json
import os
import subprocess  # noqa: S404 - runs pip-audit from this virtualenv
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main() -> int:
    strict = os.environ.get("PIP_AUDIT_STRICT", "") in {"1", "true", "yes"}
    service = os.environ.get("PIP_AUDIT_SERVICE", "pypi")
    command = [str(PIP_AUDIT), "--progress-spinner", "off", "--skip-editable", "-f", "json"]
    command += ["--vulnerability-service", service]
    for vuln in os.environ.get("PIP_AUDIT_IGNORE", "").split():
        command += ["--ignore-vuln", vuln]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stderr.strip()[-2000:], file=sys.stderr)
        return warn(f"pip-audit could not run against the {service} service.", strict)

    dependencies = report["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        return 1
    if audited == 0:
        return warn(
            f"pip-audit reached no vulnerability data ({service}): none of the "
            f"{len(dependencies)} installed packages was audited.",
            strict,
        )
    if skipped:
        names = ", ".join(d["name"] for d in skipped)
        print(f"pip-audit: {len(skipped)} packages could not be audited: {names}")
    print(f"pip-audit: {audited} packages audited, no known vulnerability.")
    return 0


def warn(message: str, strict: bool) -> int:
    banner = "!" * 78
    print(f"{banner}\nWARNING: {message}\nDependencies are NOT checked for known vulnerabilities.")
    print(f"Run `make security` where {os.environ.get('PIP_AUDIT_SERVICE', 'pypi')} is reachable.")
    print(banner)
    return 1 if strict else 0


if __name__ == "__main__":
    sys.exit(main())
