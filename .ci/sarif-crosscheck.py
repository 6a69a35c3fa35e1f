"""Reads flaskcheck's SARIF back with an independent reader (sarif-tools, from PyPI) and checks it
holds the same findings as flaskcheck's JSON output: same count, and the same rule, file, line,
severity and message for each.

    python .ci/sarif-crosscheck.py FLASKCHECK_BINARY LINT_ARGS...
"""

import collections
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse

from sarif import loader

LEVELS = {"high": "error", "medium": "warning", "low": "note"}


def lint(binary, output_format, args):
    completed = subprocess.run(
        [binary, "lint", "--quiet", "--output-format", output_format, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode not in (0, 1):
        sys.exit(f"flaskcheck exited with {completed.returncode}: {completed.stderr}")
    return completed.stdout


def main():
    binary, args = sys.argv[1], sys.argv[2:]
    findings = json.loads(lint(binary, "json", args))
    expected = collections.Counter(
        (f["code"], f["filename"], f["location"]["row"], LEVELS[f["severity"]], f["message"])
        for f in findings
    )

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "flaskcheck.sarif")
        with open(path, "w", encoding="utf-8") as out:
            out.write(lint(binary, "sarif", args))
        sarif = loader.load_sarif_file(path)
        records = sarif.get_records()
        actual = collections.Counter(
            (
                r["Code"],
                urllib.parse.unquote(r["Location"]),
                int(r["Line"]),
                r["Severity"],
                r["Description"],
            )
            for r in records
        )
        summary = subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), "sarif"), "summary", path],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    print(f"flaskcheck lint {' '.join(args)}")
    print(f"  json: {len(findings)} findings; sarif-tools reads {sarif.get_result_count()} results"
          f" from {', '.join(sarif.get_distinct_tool_names())}")
    print("  sarif summary:")
    for line in summary.strip().splitlines():
        print(f"    {line}".rstrip())
    if len(findings) != sarif.get_result_count() or expected != actual:
        print("  MISMATCH")
        for item in sorted((expected - actual).elements()):
            print(f"    only in JSON:  {item}")
        for item in sorted((actual - expected).elements()):
            print(f"    only in SARIF: {item}")
        sys.exit(1)
    print("  same findings")


if __name__ == "__main__":
    main()
