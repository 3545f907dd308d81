#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Validates NDJSON records (and the examples of docs/json-contract.md) against docs/gpmf.schema.json.
#
#   tests/check_schema.py [--schema docs/gpmf.schema.json] [--docs docs/json-contract.md] [FILE.ndjson ...]
#
# FILE "-" reads standard input. Records can come from any producer, e.g. the core tests:
#   GPMF_RECORDS_DUMP=/tmp/records.ndjson build/tests/core-tests --gtest_filter='*Record*'
#   tests/check_schema.py /tmp/records.ndjson
# Exit status: 0 all valid, 1 some record invalid, 77 (meson's "skipped") without python3-jsonschema.

import argparse
import json
import pathlib
import re
import sys

try:
    import jsonschema
except ImportError:
    print('python3-jsonschema is not installed: skipped', file=sys.stderr)
    sys.exit(77)

ROOT = pathlib.Path(__file__).resolve().parent.parent


def doc_examples(path):
    """The ```json blocks of a Markdown file; each line of a block is one record."""
    text = path.read_text(encoding='utf-8')
    for block in re.finditer(r'```json\n(.*?)```', text, re.S):
        line_no = text.count('\n', 0, block.start(1)) + 1
        for offset, line in enumerate(block.group(1).splitlines()):
            if line.strip():
                yield f'{path.name}:{line_no + offset}', line


def reject_constant(name):
    raise ValueError(f'{name} is not JSON')


def ndjson_lines(name):
    stream = sys.stdin if name == '-' else open(name, encoding='utf-8')
    with stream:
        for number, line in enumerate(stream, 1):
            if line.strip():
                yield f'{name}:{number}', line


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--schema', type=pathlib.Path, default=ROOT / 'docs' / 'gpmf.schema.json')
    parser.add_argument('--docs', type=pathlib.Path, action='append', default=[],
                        help='Markdown file whose ```json blocks hold example records')
    parser.add_argument('files', nargs='*', help='NDJSON files ("-" for standard input)')
    args = parser.parse_args()
    if not args.docs and not args.files:
        args.docs = [ROOT / 'docs' / 'json-contract.md']

    schema = json.loads(args.schema.read_text(encoding='utf-8'))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    # One validator per record type, for precise messages (a failed oneOf only says "no branch").
    branches = {kind: validator_class({'$schema': schema['$schema'], '$defs': schema['$defs'],
                                       '$ref': f'#/$defs/{kind}'})
                for kind in ('header', 'payload', 'summary')}

    sources = [doc_examples(path) for path in args.docs] + [ndjson_lines(name) for name in args.files]
    checked = failed = 0
    counts = {}
    for source in sources:
        for where, line in source:
            checked += 1
            try:
                record = json.loads(line, parse_constant=reject_constant)
            except ValueError as error:
                failed += 1
                print(f'{where}: not JSON: {error}')
                continue
            errors = list(validator.iter_errors(record))
            if errors:
                failed += 1
                kind = record.get('type') if isinstance(record, dict) else None
                if kind in branches:
                    errors = list(branches[kind].iter_errors(record)) or errors
                best = jsonschema.exceptions.best_match(errors)
                path = '/'.join(str(p) for p in best.absolute_path)
                print(f'{where}: {best.message} (at /{path})')
                continue
            kind = record.get('type', '?')
            counts[kind] = counts.get(kind, 0) + 1

    summary = ', '.join(f'{n} {kind}' for kind, n in sorted(counts.items()))
    print(f'{checked} records checked, {failed} invalid ({summary or "none valid"})')
    return 1 if failed or checked == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
