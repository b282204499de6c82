#!/usr/bin/env python3
"""Validates `dmp` JSON output against its schema in Schemas/cli/.

Usage:
    dmp stats journal.dmpj --format json | python3 validate_cli_output.py stats
    dmp exec journal.dmpj history.jsonl | python3 validate_cli_output.py exec --lines

Reads one JSON document from stdin (or one per line with --lines) and validates it against
Schemas/cli/<name>.schema.json, resolving references to Schemas/cli/ and Schemas/events/.
Exit status: 0 valid; 1 invalid (each problem printed); 2 bad usage or missing jsonschema.
"""

import json
import pathlib
import sys

try:
    import jsonschema
    import referencing
except ImportError as error:  # pragma: no cover
    sys.stderr.write(f"validate_cli_output: {error}\n")
    sys.exit(2)

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent / "Schemas"


def registry():
    resources = []
    for directory in ["cli", "events"]:
        for path in sorted((ROOT / directory).glob("*.schema.json")):
            schema = json.loads(path.read_text(encoding="utf-8"))
            resources.append((schema["$id"], referencing.Resource.from_contents(schema)))
    return referencing.Registry().with_resources(resources)


def main():
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(arguments) != 1:
        sys.exit(__doc__)
    schema = json.loads((ROOT / "cli" / f"{arguments[0]}.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, registry=registry())
    text = sys.stdin.read()
    documents = [line for line in text.splitlines() if line.strip()] if "--lines" in sys.argv else [text]
    if not documents:
        print("no JSON to validate")
        sys.exit(1)
    problems = 0
    for number, document in enumerate(documents, 1):
        try:
            value = json.loads(document)
        except ValueError as error:
            print(f"document {number}: not JSON: {error}")
            problems += 1
            continue
        for error in validator.iter_errors(value):
            print(f"document {number}: {'/'.join(str(p) for p in error.absolute_path)}: {error.message}")
            problems += 1
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
