#!/usr/bin/env python3
"""Validates findings documents (amplify.findings/4) against docs/findings.schema.json.

    python docs/check_schema.py docs/findings.schema.json reports/example/findings.json [more.json ...]

Needs the `jsonschema` package (pip install jsonschema). Prints one line per document, and every
violation with its JSON path; exits 0 when all documents are valid, 1 when one is not, 2 on a
usage error or an unreadable file. NaN and Infinity are refused as JSON (amplify writes null).
"""

import json
import sys

try:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
except ImportError:
    sys.exit("check_schema.py: the jsonschema package is missing; pip install jsonschema")


def refuse_constant(name):
    raise ValueError(f"{name} is not JSON (amplify writes a non-finite number as null)")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_constant=refuse_constant)


def where(error):
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        schema = load(argv[1])
        Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, SchemaError) as e:
        print(f"{argv[1]}: not a usable schema: {e}", file=sys.stderr)
        return 2
    validator = Draft202012Validator(schema)
    failed = False
    for path in argv[2:]:
        try:
            document = load(path)
        except (OSError, ValueError) as e:
            print(f"{path}: cannot read: {e}", file=sys.stderr)
            return 2
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            failed = True
            print(f"{path}: INVALID ({len(errors)} error(s))")
            for e in errors:
                print(f"  {where(e)}: {e.message}")
        else:
            print(f"{path}: valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
