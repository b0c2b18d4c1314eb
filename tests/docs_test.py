#!/usr/bin/python3
"""The docs' links resolve and their commands run as written.

For README.md, docs/*.md and the per-folder READMEs: every relative link
names a file or directory that exists (and, for a link to a Markdown
heading, a heading that exists); every command in a code block (fenced or
indented) that starts with scripts/ names an executable script whose
--help lists each --flag the command uses. Usage: docs_test.py SOURCE_ROOT
"""
import glob
import os
import re
import subprocess
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "."
docs = ["README.md", "results/README.md", "kmod/README.md", "bpf/README.md",
        "kmod/upstream-7.2/README"] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
docs = [os.path.relpath(os.path.join(root, d), root) if not os.path.isabs(d) else os.path.relpath(d, root)
        for d in docs]
failures = []
checked_links = checked_cmds = 0
help_cache = {}
flags_cache = {}


def anchors(path):
    """GitHub's heading anchors of a Markdown file."""
    out = set()
    in_code = False
    for line in open(path, encoding="utf-8"):
        if line.startswith("```"):
            in_code = not in_code
        if in_code:
            continue
        m = re.match(r"^#+\s+(.*)", line)
        if m:
            a = m.group(1).strip().lower()
            a = re.sub(r"[^\w\- ]", "", a).replace(" ", "-")
            out.add(a)
    return out


def code_lines(path):
    """Lines of fenced and indented code blocks."""
    in_fence = False
    prev_blank = True
    in_indent = False
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            yield line
        elif line.startswith("    ") and (prev_blank or in_indent) and not line.lstrip().startswith(("-", "|")):
            in_indent = True
            yield line.strip()
        else:
            in_indent = in_indent and line.strip() == ""
        prev_blank = line.strip() == ""


def accepted_flags(script):
    """The flags a script parses: its case labels (shell) or its option
    string literals (Python), read from its code, never its comments."""
    if script not in flags_cache:
        src = open(os.path.join(root, script), encoding="utf-8").read()
        first = src.split("\n", 1)[0]
        code = "\n".join(l for l in src.splitlines() if not l.lstrip().startswith("#"))
        if "python" in first:
            found = set(re.findall(r"""['"](--[a-z][a-z0-9-]*)['"=]""", code))
        else:
            found = set()
            for label in re.findall(r"(?m)^\s*(-[-a-zA-Z0-9]+(?:\s*\|\s*-[-a-zA-Z0-9=*]+)*)\)", code):
                found.update(f.strip().rstrip("=*") for f in label.split("|"))
        flags_cache[script] = found
    return flags_cache[script]


def help_text(script):
    if script not in help_cache:
        res = subprocess.run([os.path.join(root, script), "--help"], capture_output=True, text=True,
                             timeout=60, cwd=root)
        help_cache[script] = (res.returncode, res.stdout + res.stderr)
    return help_cache[script]


def check_segment(doc, seg):
    """Problems of one command of a doc: the script runs --help, and knows
    and parses each of its own flags."""
    words = seg.split()
    script = words[0]
    if not os.access(os.path.join(root, script), os.X_OK):
        return [f"{doc}: `{seg.strip()}`: {script} is not an executable script"]
    rc, helptext = help_text(script)
    if rc != 0:
        return [f"{doc}: {script} --help exited {rc}"]
    out = []
    # After a bare "--" come another program's arguments (vm-run's guest
    # command): only the script's own flags are its to know.
    own = re.split(r"\s--(?:\s|$)", seg, maxsplit=1)[0]
    for flag in re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", own):
        if flag not in helptext:
            out.append(f"{doc}: `{seg.strip()}`: {script} --help does not know {flag}")
        elif flag not in accepted_flags(script):
            out.append(f"{doc}: `{seg.strip()}`: {script} does not parse {flag}")
    return out


# The control: a flag that kernel-build's help mentions (another script's)
# but kernel-build rejects must be flagged, and one it parses must not.
if not check_segment("(control)", "scripts/kernel-build --module patched") or \
        check_segment("(control)", "scripts/kernel-build --kernel 7.2 rust"):
    failures.append("control: scripts/kernel-build --module is not flagged, or --kernel is")

for doc in docs:
    path = os.path.join(root, doc)
    if not os.path.exists(path):
        failures.append(f"{doc}: missing")
        continue
    text = open(path, encoding="utf-8").read()
    # Links: [text](target) and ![alt](target), outside code.
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", prose):
        if re.match(r"^(https?:|mailto:)", target):
            continue
        checked_links += 1
        file_part, _, anchor = target.partition("#")
        dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
        if not os.path.exists(dest):
            failures.append(f"{doc}: link to {target}: no such file")
            continue
        if anchor and dest.endswith(".md") and anchor not in anchors(dest):
            failures.append(f"{doc}: link to {target}: no such heading")
    # Commands: every segment of a code line that starts with scripts/.
    for line in code_lines(path):
        for seg in re.split(r"&&|\|\||;|\|", line):
            seg = re.sub(r"^\s*sudo\s+", "", seg)
            words = seg.split()
            if not words or not words[0].startswith("scripts/"):
                continue
            checked_cmds += 1
            failures.extend(check_segment(doc, seg))

if failures:
    print("\n".join(failures))
    print(f"docs_test: {len(failures)} problems ({checked_links} links, {checked_cmds} commands checked)")
    sys.exit(1)
print(f"docs_test: {checked_links} links and {checked_cmds} commands in {len(docs)} files check out")
