"""Structural check of a dosera FHIR bundle with the fhir.resources R4B models.

Usage: validate.py BUNDLE.json [BUNDLE.json ...]

The bundle is parsed as an R4B Bundle, then every entry's resource is parsed
again with the model class of its own resourceType, so an error inside an
entry names the entry. References of the form urn:uuid:... must point at an
entry's fullUrl. Exit status 0 when everything parses, 1 with the errors on
stderr otherwise, 2 on a usage error.
"""

import json
import sys

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle


def references(node):
    """Every `reference` string anywhere under node."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def check(data):
    """The list of problems found in a bundle (empty when it is valid)."""
    problems = []
    try:
        Bundle.model_validate(data)
    except Exception as err:  # pydantic.ValidationError and friends
        problems.append(f"Bundle: {err}")
    entries = data.get("entry") or []
    full_urls = {e.get("fullUrl") for e in entries if isinstance(e, dict)}
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            problems.append(f"entry {index}: no resource")
            continue
        kind = resource.get("resourceType")
        try:
            model = get_fhir_model_class(kind)
        except Exception as err:
            problems.append(f"entry {index}: unknown resourceType {kind!r}: {err}")
            continue
        try:
            model.model_validate(resource)
        except Exception as err:
            problems.append(f"entry {index} ({kind} {resource.get('id')}): {err}")
        for ref in references(resource):
            if ref.startswith("urn:uuid:") and ref not in full_urls:
                problems.append(f"entry {index} ({kind}): unresolved reference {ref}")
    return problems


def main(argv):
    if len(argv) < 2:
        print("usage: validate.py BUNDLE.json [BUNDLE.json ...]", file=sys.stderr)
        return 2
    failed = False
    for path in argv[1:]:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        problems = check(data)
        for p in problems:
            print(f"{path}: {p}", file=sys.stderr)
        if problems:
            failed = True
        else:
            print(f"ok: {path}: {len(data.get('entry') or [])} entries parsed as FHIR R4B resources")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
