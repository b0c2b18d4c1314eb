#!/usr/bin/python3
"""CI's summary of Meson testlog.json files (.ci/run).

  summary.py ALLOWED-SKIPS TESTLOG...

Prints each failed test's last words, each skipped test with its reason,
and the closing count. A test with TAP subtests (the per-build guest
groups, checks-*: tests/guest/checks.sh) counts each subtest as a test of
its own name: a skipped or failed subtest is named and judged like a test. Exits 1 when a test skipped for a reason that
ALLOWED-SKIPS does not accept: lines `TEST-REGEX<TAB>REASON-REGEX<TAB>why`
(both regexes must match: the test's name in full, its reason anywhere),
'#' comments. CI's machine has Debian's archive, sid and the host's BTF;
a test that skips there for their absence, or for "it did not happen this
time", hides a failure.
"""
import json
import os
import re
import sys


def reason(t):
    """The line a skipped test gave for its skip: the last line that says
    skip, else its last line."""
    out = (t.get('stdout') or '') + '\n' + (t.get('stderr') or '')
    lines = [l.strip() for l in out.splitlines() if l.strip()]
    for l in reversed(lines):
        if re.search(r'skip', l, re.I):
            return l[:300]
    return lines[-1][:300] if lines else '(no output)'


TAP_LINE = re.compile(r'^(not ok|ok) (\d+)(?: - ([^#]*?))?\s*(?:#\s*(.*))?$')


def subtests(t):
    """The TAP subtests in a test's stdout: (name, result, explanation)."""
    out = []
    for line in (t.get('stdout') or '').splitlines():
        m = TAP_LINE.match(line.strip())
        if not m:
            continue
        name = (m.group(3) or f'subtest {m.group(2)}').strip()
        note = (m.group(4) or '').strip()
        if m.group(1) == 'not ok':
            res = 'FAIL'
        elif re.match(r'skip\b', note, re.I):
            res, note = 'SKIP', re.sub(r'^skip\s*', '', note, flags=re.I)
        else:
            res = 'OK'
        out.append((name, res, note))
    return out


def allowed(path):
    rules = []
    if not os.path.exists(path):
        return rules
    for n, line in enumerate(open(path), 1):
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        parts = line.rstrip('\n').split('\t')
        if len(parts) < 3:
            print(f'ci: error: {path}:{n}: want TEST-REGEX<TAB>REASON-REGEX<TAB>why', file=sys.stderr)
            sys.exit(2)
        rules.append((re.compile(parts[0]), re.compile(parts[1]), parts[2]))
    return rules


def main(argv):
    if len(argv) < 2:
        print('summary.py: error: usage: summary.py ALLOWED-SKIPS TESTLOG...', file=sys.stderr)
        return 2
    rules = allowed(argv[0])
    res = {}
    for path in dict.fromkeys(argv[1:]):
        for line in open(path):
            if line.strip():
                t = json.loads(line)
                name = t['name'].split(' / ', 1)[-1]
                subs = subtests(t) if name.startswith('checks-') else []
                if not subs:
                    res[name] = t
                    continue
                # A group: each subtest a test; the group's own failure
                # (vm-run's verdict, e.g. a kernel problem) stays as well.
                for sub, r, note in subs:
                    res[sub] = {'name': sub, 'result': r,
                                'stdout': f'{note} (in {name})', 'stderr': ''}
                if t['result'] not in ('OK', 'SKIP'):
                    res[name] = t
    bad_skips = 0
    for name, t in res.items():
        if t['result'] not in ('OK', 'SKIP'):
            out = (t.get('stdout') or '') + (t.get('stderr') or '')
            tail = [l for l in out.splitlines() if l.strip()][-4:]
            print(f"ci: {t['result']} {name}:")
            for l in tail:
                print(f'ci:   {l[:300]}')
    skips = sorted(n for n, t in res.items() if t['result'] == 'SKIP')
    for name in skips:
        why = reason(res[name])
        rule = next((r for r in rules if r[0].fullmatch(name) and r[1].search(why)), None)
        if rule:
            print(f'ci: SKIP {name}: {why} (accepted: {rule[2]})')
        else:
            bad_skips += 1
            print(f'ci: SKIP {name}: {why} (not accepted in CI: see .ci/allowed-skips)')
    # No test is an expected failure any more (upstream's bugs are shown by
    # inverted tests): an EXPECTEDFAIL would be a mistake, counted as failed.
    ok = sum(t['result'] == 'OK' for t in res.values())
    if bad_skips:
        print(f'ci: {bad_skips} tests skipped for a reason CI does not accept')
    # The closing count, last: CI's log is judged by it.
    print(f'ci: {ok} passed, {len(res) - ok - len(skips)} failed, {len(skips)} skipped')
    return 1 if bad_skips else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
