"""Check the locked runtime dependencies for known vulnerabilities with pip-audit.

Fails when pip-audit reports a vulnerability. When the vulnerability service cannot be reached
(every dependency skipped), says so plainly and exits 0 unless --strict: an audit that could not
run is not a pass, but it is not a finding either.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    strict = "--strict" in sys.argv
    result = subprocess.run(
        [sys.executable, "-m", "pip_audit", "-r", str(ROOT / "requirements" / "base.txt"),
         "--format", "json", "--progress-spinner", "off"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stdout + result.stderr)
        print("pip-audit did not produce a report.")
        return 1
    deps = report.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if d.get("skip_reason")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    audited = len(deps) - len(skipped)
    print(
        f"pip-audit: {audited} of {len(deps)} locked dependencies audited, {len(vulnerable)} vulnerable."
    )
    if vulnerable:
        return 1
    if skipped:
        print(
            f"{len(skipped)} could not be audited ({skipped[0]['skip_reason']}). The vulnerability "
            "service is probably unreachable from this machine; run `make audit` where it is."
        )
        return 1 if strict else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
