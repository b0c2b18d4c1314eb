#!/usr/bin/env python3
"""Shell lint for the whole tree, TAP output (tests/meson.build: `shellcheck`
and `pipefail-readers`).

  shell_lint.py SRCDIR files       the shell files of the tree, one a line
  shell_lint.py SRCDIR shellcheck  shellcheck -S warning over all of them
  shell_lint.py SRCDIR pipefail    the early-exit reader check below

The shell files: every file git tracks (every file, outside a checkout)
that ends in .sh, starts with a sh/bash/busybox-sh #! line, or declares
`# shellcheck shell=...` (the libraries that scripts source).

The pipefail check. Under `set -o pipefail` a pipeline's status is that of
its last command to fail; a reader that exits before its writer has written
everything (grep -q, grep -m, grep -l, head, sed ...q, awk ...exit, read,
cmp) makes the writer's next write() raise SIGPIPE, and the pipeline
returns 141 or not depending on which process the scheduler ran first.
`apt-cache show P | grep -q '^Package:'` failed so in 9 of 20 runs. The
check flags every such reader that stands after a `|` in a bash file (all
of them run under pipefail or are sourced by scripts that do) and in a sh
file that sets pipefail itself. What to write instead: the producer's own
exit status, the output captured first (`out=$(cmd)` then `grep -q x
<<<"$out"` or a `case`), or a reader that drains its input (`sed -n 1p`
instead of `head -n 1`). shellcheck has no such rule.

Each mode first runs its instrument on a small file that must be flagged
(the positive control: a check that reads zero findings is only worth
something when it reads non-zero on a known-bad input), then on the tree.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SHEBANG = re.compile(r'^#!\s*(?:/usr)?/bin/(?:env\s+)?(?:bash|sh|busybox\s+sh|dash|ash)\b')
DIRECTIVE = re.compile(r'^#\s*shellcheck\s+shell=(\w+)', re.M)


def shell_of(path):
    """'bash', 'sh' or None: the dialect a file is written in."""
    try:
        with open(path, 'rb') as f:
            head = f.read(4096)
    except OSError:
        return None
    if b'\0' in head:
        return None
    text = head.decode('utf-8', 'replace')
    first = text.split('\n', 1)[0]
    if SHEBANG.match(first):
        return 'bash' if 'bash' in first else 'sh'
    m = DIRECTIVE.search(text)
    if m:
        return 'bash' if m.group(1) == 'bash' else 'sh'
    if path.endswith('.sh'):
        return 'sh'
    return None


def tree_files(src):
    try:
        out = subprocess.run(['git', '-C', src, 'ls-files', '-z'], check=True,
                             capture_output=True).stdout.decode()
        names = [n for n in out.split('\0') if n]
    except (OSError, subprocess.CalledProcessError):
        names = []
        for root, dirs, files in os.walk(src):
            dirs[:] = [d for d in dirs if d not in ('.git', 'build') and not d.startswith('build-')]
            names += [os.path.relpath(os.path.join(root, f), src) for f in files]
    return sorted(names)


def shell_files(src):
    res = []
    for name in tree_files(src):
        path = os.path.join(src, name)
        if os.path.isfile(path) and not os.path.islink(path):
            kind = shell_of(path)
            if kind:
                res.append((name, kind))
    return res


# --- the pipefail check -------------------------------------------------------

HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")
SETS_PIPEFAIL = re.compile(r'^\s*set\s+(?:-[a-zA-Z]*\s+)*-[a-zA-Z]*o\s+pipefail|^\s*set\s+-o\s+pipefail', re.M)


def logical_lines(text):
    """(first line number, text) of each command line: comments removed,
    heredoc bodies skipped, quoted newlines kept inside their line, lines
    ending in |, ||, && or \\ joined with the next."""
    out, buf, q = [], [], None
    lineno, start, n, j = 1, 1, len(text), 0
    heredocs = []
    while j < n:
        c = text[j]
        if q and c == '\n':
            lineno += 1
        if q == "'":
            if c == "'":
                q = None
        elif q == '"':
            if c == '\\':
                buf.append(text[j:j + 2])
                lineno += text[j:j + 2].count('\n')
                j += 2
                continue
            if c == '"':
                q = None
        elif c in '\'"':
            q = c
        elif c == '\\':
            if text[j + 1:j + 2] == '\n':
                buf.append(' ')
                lineno += 1
                j += 2
                continue
            buf.append(text[j:j + 2])
            j += 2
            continue
        elif c == '#' and (j == 0 or text[j - 1] in ' \t\n;('):
            while j < n and text[j] != '\n':
                j += 1
            continue
        elif c == '<' and text.startswith('<<', j) and not text.startswith('<<<', j):
            m = HEREDOC.match(text, j)
            if m:
                heredocs.append(m.group(2))
        elif c == '\n':
            lineno += 1
            line = ''.join(buf)
            if heredocs:
                # The bodies start on the next line: skip each to its terminator.
                k = j + 1
                for end in heredocs:
                    while k < n:
                        e = text.find('\n', k)
                        e = n if e < 0 else e
                        body_line = text[k:e]
                        k = e + 1
                        lineno += 1
                        if body_line.strip() == end:
                            break
                heredocs = []
                j = k
                if re.search(r'(\||&&)\s*$', line):
                    continue
                out.append((start, line))
                buf, start = [], lineno
                continue
            if re.search(r'(\||&&)\s*$', line):
                buf.append(' ')
                j += 1
                continue
            out.append((start, line))
            buf, start = [], lineno
            j += 1
            continue
        buf.append(c)
        j += 1
    if buf:
        out.append((start, ''.join(buf)))
    return out


def unquoted(line, j=0):
    """(index, char) of each character of line from j on that stands
    outside quotes and is not escaped."""
    q, n = None, len(line)
    while j < n:
        c = line[j]
        if q:
            if c == '\\' and q == '"':
                j += 2
                continue
            if c == q:
                q = None
        elif c in '\'"':
            q = c
        elif c == '\\':
            j += 2
            continue
        else:
            yield j, c
        j += 1


def matching_paren(line, j):
    """Index of the ) that closes the ( at j (quote-aware)."""
    depth = 0
    for k, c in unquoted(line, j):
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
            if depth == 0:
                return k
    return len(line)


def split_substitutions(line):
    """(the line with each $(...) body replaced by a placeholder, the
    bodies): command substitutions, also those inside double quotes. The
    bodies are looked at on their own (see command_texts)."""
    res, bodies, j, q = [], [], 0, None
    while j < len(line):
        c = line[j]
        if q == "'":
            if c == "'":
                q = None
        elif c == '\\':
            res.append(line[j:j + 2])
            j += 2
            continue
        elif c == '$' and line.startswith('$(', j) and not line.startswith('$((', j):
            k = matching_paren(line, j + 1)
            bodies.append(line[j + 2:k])
            res.append('$(_)')
            j = k + 1
            continue
        elif c == '"':
            q = None if q == '"' else '"'
        elif c == "'" and q is None:
            q = "'"
        res.append(c)
        j += 1
    return ''.join(res), bodies


def command_texts(line):
    """The line's own commands, then those of each $(...) in it, nested
    ones too, each with its substitutions made opaque."""
    top, bodies = split_substitutions(line)
    yield top
    for body in bodies:
        yield from command_texts(body)


def pipe_segments(line):
    """The text after each pipe `|` (not `||`) of a command line, up to the
    next command separator outside quotes."""
    segs = []
    for j, c in unquoted(line):
        if c == '|' and line[j + 1:j + 2] != '|' and (j == 0 or line[j - 1] != '|'):
            segs.append(segment_from(line, j + 1))
    return segs


def segment_from(line, j):
    depth, end = 0, len(line)
    for k, c in unquoted(line, j):
        if c == '(':
            depth += 1
        elif c == ')':
            if depth == 0:
                end = k
                break
            depth -= 1
        elif c in ';|&' and depth == 0:
            end = k
            break
    return line[j:end].strip()


READER = re.compile(r'''^(?:
    (?:command\s+)?grep\b(?=.*?(?:\s-[A-Za-z]*[qlLm]|\s--(?:quiet|silent|max-count|files-with)))
  | head\b
  | sed\b(?=.*?(?:[;{}\s/'0-9$]q(?:\s*[0-9]*\s*)?(?:[;}'"\s]|$)|\bQ\b))
  | awk\b(?=.*\bexit\b)
  | \{?\s*read\b
  | while\s+(?:IFS=\S*\s+)?read\b(?=.*\bbreak\b)
  | cmp\b
)''', re.X)


CASE_PATTERN = re.compile(r'^\s*(?:case\s+\S+\s+in\s+)?\(?[^()$;`]*\|[^()$;`]*\)')


def early_exit_readers(text, kind):
    """[(line, reader)]: early-exit readers behind a pipe in a file that
    runs under pipefail (every bash file; a sh file that sets it)."""
    if kind != 'bash' and not SETS_PIPEFAIL.search(text):
        return []
    hits = []
    for lineno, line in logical_lines(text):
        # A case pattern's `|` separates alternatives, not commands.
        for part in command_texts(line):
            part = CASE_PATTERN.sub('', part, count=1)
            for seg in pipe_segments(part):
                if READER.match(seg):
                    hits.append((lineno, seg.split(None, 1)[0], seg))
    return hits


# A control: each line must be flagged, and none of the safe ones below it.
KNOWN_BAD = r'''#!/usr/bin/env bash
set -euo pipefail
apt-cache show "$p" 2>/dev/null | grep -q '^Package:'
x=$(sed -n 's/a/b/p' f | head -n 1)
dpkg-query -W "$p" |
	grep -q installed
ls | grep -m1 x
seq 10 | awk '{ exit }'
seq 3 | sed -n '/2/{p;q}'
seq 3 | { read -r a; echo "$a"; }
'''
KNOWN_BAD_COUNT = 7
KNOWN_GOOD = r'''#!/usr/bin/env bash
set -euo pipefail
out=$(apt-cache show "$p" 2>/dev/null) && grep -q '^Package:' <<<"$out"
x=$(sed -n 's/a/b/p;q' f)
y=$(seq 3 | sed -n 1p)
z=$(seq 3 | grep -c x || true)
grep -q x f || [ -n "$y" ]
echo "${#z}" # a comment | grep -q x
cat <<'EOF'
a | grep -q b
EOF
case $x in a | head) ;; esac
'''


def check_pipefail(src, files):
    print('1..2')
    bad = early_exit_readers(KNOWN_BAD, 'bash')
    good = early_exit_readers(KNOWN_GOOD, 'bash')
    if len(bad) != KNOWN_BAD_COUNT or good:
        print(f'not ok 1 - control: the check flags {len(bad)} of the {KNOWN_BAD_COUNT} '
              f'known-bad pipelines and {len(good)} safe ones (want {KNOWN_BAD_COUNT} and 0)')
        for ln, r, seg in bad + good:
            print(f'# line {ln}: {seg}')
        print('not ok 2 - the tree # SKIP the control failed')
        return 1
    print(f'ok 1 - control: all {KNOWN_BAD_COUNT} known-bad pipelines flagged, no safe one')
    found = []
    for name, kind in files:
        with open(os.path.join(src, name), encoding='utf-8', errors='replace') as f:
            for ln, reader, seg in early_exit_readers(f.read(), kind):
                found.append(f'{name}:{ln}: `| {seg[:70]}`: {reader} may exit before its writer')
    if found:
        print(f'not ok 2 - {len(found)} early-exit readers behind a pipe under pipefail '
              '(SIGPIPE makes the pipeline fail at random; see tests/shell_lint.py)')
        for line in found:
            print('# ' + line)
        return 1
    print(f'ok 2 - no early-exit reader behind a pipe in {len(files)} shell files')
    return 0


def check_shellcheck(src, files):
    print('1..2')
    sc = shutil.which('shellcheck')
    if not sc:
        print('# shellcheck is not installed (scripts/setup installs it)')
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        bad = os.path.join(tmp, 'bad.sh')
        with open(bad, 'w') as f:
            f.write('#!/bin/bash\ncd /tmp\nx= 1\n')
        r = subprocess.run([sc, '-S', 'warning', '-f', 'gcc', bad], capture_output=True, text=True)
        codes = set(re.findall(r'\[(SC\d+)\]', r.stdout))
    if r.returncode == 0 or not {'SC2164', 'SC1007'} <= codes:
        print(f'not ok 1 - control: shellcheck did not flag a known-bad file (exit {r.returncode}, {sorted(codes)})')
        return 1
    print('ok 1 - control: shellcheck flags a known-bad file (SC1007, SC2164)')
    r = subprocess.run([sc, '-x', '-S', 'warning', '-f', 'gcc'] + [n for n, _ in files],
                       cwd=src, capture_output=True, text=True)
    findings = [l for l in r.stdout.splitlines() if l.strip()]
    if r.returncode != 0 or findings:
        print(f'not ok 2 - shellcheck -S warning: {len(findings)} findings in {len(files)} shell files')
        for l in findings + r.stderr.splitlines():
            print('# ' + l)
        return 1
    print(f'ok 2 - shellcheck -S warning is clean over {len(files)} shell files')
    return 0


def main(argv):
    if len(argv) != 3 or argv[2] not in ('files', 'shellcheck', 'pipefail'):
        print('shell_lint.py: error: usage: shell_lint.py SRCDIR files|shellcheck|pipefail', file=sys.stderr)
        return 2
    src = argv[1]
    if not os.path.isdir(src):
        print(f'shell_lint.py: error: {src}: no such directory', file=sys.stderr)
        return 2
    files = shell_files(src)
    if argv[2] == 'files':
        for name, kind in files:
            print(f'{name} {kind}')
        return 0
    if argv[2] == 'shellcheck':
        return check_shellcheck(src, files)
    return check_pipefail(src, files)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
