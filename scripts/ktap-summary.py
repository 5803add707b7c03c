#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count results in the TAP output of run_kselftest.sh.

A test program's own KTAP subtests are counted when it has them; a program
that failed as a whole counts as at least one failure even if all of its
reported subtests passed (it crashed or timed out). Prints one line per
failure and, last, 'passed failed skipped' as three numbers.
"""
import re
import sys

top = re.compile(r'^(not ok|ok) \d+ (.*?)(?:\s+#\s*(SKIP|TIMEOUT|exit=\d+).*)?$')
sub = re.compile(r'^#\s+(not ok|ok) \d+ (.*?)(?:\s+#\s*(SKIP|XFAIL).*)?$')

passed = failed = skipped = 0
cur = {'p': 0, 'f': 0, 's': 0, 'names': []}
failures = []


def flush(result, name, directive):
    global passed, failed, skipped
    p, f, s = cur['p'], cur['f'], cur['s']
    failures.extend(f'{name}: {n}' for n in cur['names'])
    if result == 'not ok' and directive != 'SKIP' and f == 0:
        f = 1
        failures.append(f'{name}: failed as a whole')
    if p + f + s == 0:
        if directive == 'SKIP':
            s = 1
        elif result == 'ok':
            p = 1
    passed += p
    failed += f
    skipped += s


for line in open(sys.argv[1], errors='replace'):
    line = line.rstrip('\n')
    m = sub.match(line)
    if m:
        res, name, directive = m.groups()
        # only the program's own plan-level results: skip deeper nesting
        if line.startswith('#   ') or line.startswith('# #'):
            continue
        if directive in ('SKIP',):
            cur['s'] += 1
        elif res == 'ok' or directive == 'XFAIL':
            cur['p'] += 1
        else:
            cur['f'] += 1
            cur['names'].append(name)
        continue
    m = top.match(line)
    if m:
        res, name, directive = m.groups()
        flush(res, name, directive)
        cur = {'p': 0, 'f': 0, 's': 0, 'names': []}

for f in failures:
    print('FAIL', f)
print(passed, failed, skipped)
