#!/usr/bin/env python3
"""Validate JSON lines (journal records or `dmp exec` commands) against Schemas/.

Usage:
    python3 Tools/validate_schemas.py --events FILE... --commands FILE...
    lz4 -dc journal.dmpj | python3 Tools/validate_schemas.py --events -

Every run first checks the schemas themselves: each file is a valid draft 2020-12 schema
(`check_schema`), its `$id` matches its path, and every event type and every action has exactly
one current schema (the names are read from the Swift model when the sources are beside the
schemas, else from the enumerations of the common schemas). Then each line is validated with the
schema its `type` and `v` (events) or its `action` (commands) select, with a `referencing`
registry that resolves the `$ref`s to the common schemas.

Exit status: 0 when every schema and every line is valid; 1 when any is not (each problem is
printed as `FILE:LINE: PATH: MESSAGE`); 2 on bad usage or an unreadable file.

Needs the `jsonschema` package (4.18 or later, which brings `referencing`).
"""

import argparse
import json
import pathlib
import re
import sys

try:
    import jsonschema
    import referencing
except ImportError as error:  # pragma: no cover - depends on the machine
    sys.stderr.write(f"validate_schemas: {error}; install it with `python3 -m pip install jsonschema`\n")
    sys.exit(2)

Validator = jsonschema.Draft202012Validator

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCHEMA_SUFFIX = ".schema.json"
VERSIONED = re.compile(r"^(?P<name>[A-Za-z]+)\.v(?P<version>[0-9]+)\.schema\.json$")


class Problems:
    """Collects problems and prints each as it comes."""

    def __init__(self):
        self.count = 0

    def add(self, where, message):
        self.count += 1
        print(f"{where}: {message}")


# MARK: - Schemas


class Family:
    """The schemas of one directory: events or commands."""

    def __init__(self, directory, selector):
        self.directory = directory
        self.selector = selector  # "type" or "action"
        self.current = {}  # name -> schema
        self.versions = {}  # (name, version) -> schema
        self.common = None


def load_schemas(schemas, problems):
    """Reads, checks and registers every schema; returns the registry and the two families."""
    families = {
        "events": Family(schemas / "events", "type"),
        "commands": Family(schemas / "commands", "action"),
    }
    resources = []
    for kind, family in families.items():
        if not family.directory.is_dir():
            problems.add(str(family.directory), "missing schema directory")
            continue
        for path in sorted(family.directory.glob("*" + SCHEMA_SUFFIX)):
            try:
                schema = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                problems.add(str(path), f"not a JSON document: {error}")
                continue
            try:
                Validator.check_schema(schema)
            except jsonschema.SchemaError as error:
                problems.add(str(path), f"not a valid draft 2020-12 schema: {error.message}")
                continue
            expected_id = f"/schemas/{kind}/{path.name}"
            if not str(schema.get("$id", "")).endswith(expected_id):
                problems.add(str(path), f"$id {schema.get('$id')!r} does not end with {expected_id}")
            resources.append((schema["$id"], referencing.Resource.from_contents(schema)))
            if path.name == "common" + SCHEMA_SUFFIX:
                family.common = schema
                continue
            versioned = VERSIONED.match(path.name)
            if versioned:
                family.versions[(versioned["name"], int(versioned["version"]))] = schema
            else:
                family.current[path.name[: -len(SCHEMA_SUFFIX)]] = schema
    registry = referencing.Registry().with_resources(resources)
    return registry, families


def swift_names():
    """The event types and action names of the Swift model, when its sources are here."""
    event_source = ROOT / "Sources" / "DMP" / "Model" / "Event.swift"
    command_source = ROOT / "Sources" / "DMP" / "Model" / "Command.swift"
    if not (event_source.is_file() and command_source.is_file()):
        return None, None
    text = event_source.read_text(encoding="utf-8")
    match = re.search(r"allTypes: \[String\] = \[(.*?)\]", text, re.S)
    types = re.findall(r'"([A-Za-z]+)"', match.group(1)) if match else None
    text = command_source.read_text(encoding="utf-8")
    start = text.find("public enum Action")
    cases = re.findall(r"^\s*case (\w+)", text[start:], re.M) if start >= 0 else []
    actions = [name[0].upper() + name[1:] for name in cases] or None
    return types, actions


def check_coverage(families, problems):
    """Every event type and action has a current schema, and nothing else has one."""
    types, actions = swift_names()
    for family, names, source, definition in (
        (families["events"], types, "EventPayload.allTypes", "eventType"),
        (families["commands"], actions, "Command.Action", "action"),
    ):
        listed = None
        if family.common is not None:
            listed = family.common.get("$defs", {}).get(definition, {}).get("enum")
        if listed is None:
            problems.add(str(family.directory / "common.schema.json"), f"no $defs/{definition} enumeration")
            listed = []
        if names is not None and names != listed:
            problems.add(
                str(family.directory / "common.schema.json"),
                f"$defs/{definition} {listed} differs from {source} {names}",
            )
        expected = set(names if names is not None else listed)
        for name in sorted(expected - set(family.current)):
            problems.add(str(family.directory), f"no schema for {name} ({name}.schema.json)")
        for name in sorted(set(family.current) - expected):
            problems.add(str(family.directory / (name + SCHEMA_SUFFIX)), f"{name} is not a known {family.selector}")
        for name, schema in family.current.items():
            const = schema.get("properties", {}).get(family.selector, {}).get("const")
            if const != name:
                problems.add(str(family.directory / (name + SCHEMA_SUFFIX)), f"{family.selector} const is {const!r}")


# MARK: - Lines


def refuse_duplicates(pairs):
    """Builds an object, refusing a key given twice (the codecs refuse it too)."""
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key {key!r} given twice")
        result[key] = value
    return result


def refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def schema_for(instance, family):
    """The schema a line selects, or an error message."""
    if not isinstance(instance, dict):
        return None, "expected a JSON object"
    name = instance.get(family.selector)
    if not isinstance(name, str):
        return None, f"{family.selector}: missing or not a string"
    if family.selector == "type":
        version = instance.get("v")
        if not isinstance(version, int) or isinstance(version, bool):
            return None, "v: missing or not an integer"
        schema = family.current.get(name)
        if schema is not None and schema.get("properties", {}).get("v", {}).get("const") == version:
            return schema, None
        schema = family.versions.get((name, version))
        if schema is not None:
            return schema, None
        if name not in family.current:
            return None, f"type: unknown event type {name!r}"
        return None, f"v: no schema for version {version} of {name}"
    schema = family.current.get(name)
    if schema is None:
        return None, f"action: unknown action {name!r}"
    return schema, None


def path_of(error):
    """The dotted path of a validation error, as the Swift codecs name fields."""
    parts = []
    for part in error.absolute_path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "(record)"


def validate_lines(name, stream, family, registry, problems):
    """Validates every non-empty line of a stream; returns the number of lines read."""
    validators = {}
    count = 0
    for number, raw in enumerate(stream, start=1):
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        count += 1
        where = f"{name}:{number}"
        try:
            instance = json.loads(line, object_pairs_hook=refuse_duplicates, parse_constant=refuse_constant)
        except ValueError as error:
            problems.add(where, f"not a JSON object: {error}")
            continue
        schema, message = schema_for(instance, family)
        if schema is None:
            problems.add(where, message)
            continue
        validator = validators.get(schema["$id"])
        if validator is None:
            validator = Validator(schema, registry=registry, format_checker=Validator.FORMAT_CHECKER)
            validators[schema["$id"]] = validator
        errors = sorted(validator.iter_errors(instance), key=lambda error: list(map(str, error.absolute_path)))
        for error in errors:
            problems.add(where, f"{path_of(error)}: {error.message} ({schema['$id'].rsplit('/', 1)[-1]})")
    return count


def open_input(name):
    if name == "-":
        return sys.stdin
    return open(name, encoding="utf-8")


def main(arguments):
    parser = argparse.ArgumentParser(
        description="Validate JSON lines of events or commands against Schemas/ (JSON Schema draft 2020-12)."
    )
    parser.add_argument("--events", nargs="+", default=[], metavar="FILE", help="files of journal records ('-': stdin)")
    parser.add_argument("--commands", nargs="+", default=[], metavar="FILE", help="files of `dmp exec` commands")
    parser.add_argument("--schemas", default=str(ROOT / "Schemas"), metavar="DIR", help="the schema directory")
    options = parser.parse_args(arguments)

    problems = Problems()
    registry, families = load_schemas(pathlib.Path(options.schemas), problems)
    check_coverage(families, problems)

    counts = {"events": 0, "commands": 0}
    for kind, names in (("events", options.events), ("commands", options.commands)):
        for name in names:
            try:
                with open_input(name) as stream:
                    counts[kind] += validate_lines(name, stream, families[kind], registry, problems)
            except (OSError, UnicodeDecodeError) as error:
                sys.stderr.write(f"validate_schemas: cannot read {name}: {error}\n")
                return 2
    schemas = sum(len(family.current) + len(family.versions) for family in families.values())
    summary = f"{counts['events']} event lines, {counts['commands']} command lines, {schemas} schemas"
    if problems.count:
        sys.stderr.write(f"validate_schemas: {problems.count} problem(s) in {summary}\n")
        return 1
    sys.stderr.write(f"validate_schemas: all valid: {summary}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
