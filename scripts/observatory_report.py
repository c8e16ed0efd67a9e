"""Summarise the HTTP Observatory's JSON report (read from standard input)."""

import json
import sys

report = json.load(sys.stdin)
scan = report["scan"]
print(
    f"Grade {scan['grade']} (score {scan['score']}), "
    f"{scan['testsPassed']} of {scan['testsQuantity']} tests passed"
)
for name, test in report["tests"].items():
    mark = "pass" if test["pass"] else "FAIL"
    print(f"  {mark:4}  {name:34} {test['result']} ({test['scoreModifier']:+d})")
