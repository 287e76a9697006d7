#!/usr/bin/env python3
"""Runs the commands of README.md and docs/*.md and compares what the docs show.

Usage: doccheck.py [--list] [--only FILE.md] [--keep]   (env ZONESIM: the binary; default build/sim/zonesim)

The syntax the docs use (tests/docs/README.md has the full description):

* Every ```sh block is run, command by command (a line; `\\` continues it; `# ...` lines are
  comments; a leading `$ ` is a prompt). Each command must exit 0, or the code a trailing comment
  names: `# exit 2` / `# exits 2`.
* In a block with `$ ` prompts, the lines after a command up to the next `$ ` are its expected
  output (stdout; write `2>&1` to include stderr); a command shown without output lines is not
  compared.
* ```python blocks are run with /usr/bin/python3 (state, such as files they write, carries over
  to later blocks of the same document); their output is not compared.
* An HTML comment right before a fenced block gives directives, one per line:
      <!-- doctest
      output of: zonesim run scenarios/demo.yaml -r 20 -q -o out/demo.h5
      mask: [0-9.]+ s$
      setup: zonesim run scenarios/demo.yaml -r 20 -q -o out/demo.h5
      -->
  `output of: CMD`: the block is the stdout of CMD. `mask: REGEX`: in the expected and the
  actual lines of this block, what REGEX matches is replaced by `<masked>` before comparing.
  `setup: CMD`: run CMD (unchecked output, exit 0) before the block.
* In expected output, a line that is `...` (indentation allowed) stands for any number of lines;
  trailing spaces are ignored.
* Commands that cannot run in a test are listed in tests/docs/skip.txt (a regular expression
  matched against the whole command, and the reason); an entry that matches nothing is an error.

Each document runs in its own scratch copy of the repository (scenarios/, analysis/, tests/,
benchmarks/, docs/), in document order, with the zonesim binary first on PATH.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("ZONESIM_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"
MASKED = "<masked>"
COPIED = ["scenarios", "analysis", "tests", "benchmarks", "docs", "README.md"]


class Step:
    def __init__(self, doc, line, kind, text, expected=None, exit_code=0, masks=(), checked=True, shown_at=None):
        self.doc, self.line, self.kind, self.text = doc, line, kind, text
        self.expected, self.exit_code, self.masks, self.checked = expected, exit_code, list(masks), checked
        self.shown_at = shown_at  # 0-based index of the first shown output line in the doc (for --update)

    def where(self):
        return f"{os.path.relpath(self.doc, SOURCE)}:{self.line}"


def documents():
    docs = [os.path.join(SOURCE, "README.md")] + sorted(glob.glob(os.path.join(SOURCE, "docs", "*.md")))
    return [d for d in docs if os.path.exists(d)]


def directives(lines, fence_index, doc=""):
    """The <!-- doctest ... --> comment right before line fence_index (blank lines allowed)."""
    i = fence_index - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    if i < 0 or not lines[i].strip().endswith("-->"):
        return {}
    end = i
    while i >= 0 and "<!--" not in lines[i]:
        i -= 1
    if i < 0:
        return {}
    body = "\n".join(lines[i:end + 1]).strip()
    if not body.startswith("<!-- doctest"):
        return {}
    body = body[len("<!-- doctest"):-len("-->")]
    out = {"output of": [], "mask": [], "setup": []}
    for raw in body.splitlines():
        raw = raw.strip()
        if not raw:
            continue
        key, sep, value = raw.partition(":")
        if not sep or key.strip() not in out:
            raise SystemExit(f"{os.path.relpath(doc, SOURCE)}:{fence_index}: unknown doctest directive {raw!r} "
                             "(output of, mask, setup)")
        out[key.strip()].append(value.strip())
    return out


def expected_exit(command):
    m = re.search(r"\bexits? (\d+)\b", command[len(strip_comment(command)):])
    return int(m.group(1)) if m else 0


def sh_commands(block):
    """(offset, command, output lines or None, offset of the output) of a sh block."""
    prompted = any(l.startswith("$ ") for l in block)
    steps, i = [], 0
    while i < len(block):
        line = block[i]
        start = i
        if prompted and not line.startswith("$ "):
            i += 1
            continue
        text = line[2:] if prompted else line
        while text.endswith("\\") and i + 1 < len(block):
            i += 1
            text = text + "\n" + (block[i][2:] if prompted and block[i].startswith("$ ") else block[i])
        i += 1
        output, output_at = None, i
        if prompted:
            output = []
            while i < len(block) and not block[i].startswith("$ "):
                output.append(block[i])
                i += 1
            if not any(l.strip() for l in output):
                output = None  # no output shown: not compared
        if text.strip() and not text.strip().startswith("#"):
            steps.append((start, text, output, output_at))
    return steps


def extract(doc):
    lines = open(doc, encoding="utf-8").read().splitlines()
    steps, i = [], 0
    while i < len(lines):
        m = re.match(r"^```\s*([\w-]*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        lang, start = m.group(1), i
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        block = lines[start + 1:j]
        d = directives(lines, start, doc)
        for cmd in d.get("setup", []):
            steps.append(Step(doc, start + 1, "sh", cmd, checked=False))
        if lang == "sh":
            for off, text, output, output_at in sh_commands(block):
                steps.append(Step(doc, start + 2 + off, "sh", text, output, expected_exit(text), d.get("mask", []),
                                  shown_at=start + 1 + output_at))
        elif lang == "python":
            steps.append(Step(doc, start + 2, "python", "\n".join(block) + "\n"))
        elif d.get("output of"):
            for cmd in d["output of"]:
                steps.append(Step(doc, start + 1, "sh", cmd, block, expected_exit(cmd), d.get("mask", []),
                                  shown_at=start + 1))
        i = j + 1
    return steps


def load_skips():
    skips = []
    for n, line in enumerate(open(os.path.join(HERE, "skip.txt"), encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        pattern, sep, reason = line.partition(" :: ")
        if not sep or not reason.strip():
            raise SystemExit(f"tests/docs/skip.txt:{n}: write PATTERN :: REASON")
        skips.append({"pattern": re.compile(pattern.strip(), re.S), "reason": reason.strip(), "line": n, "used": 0})
    return skips


def command_key(step):
    """The command without its trailing comment and surrounding space (what skip patterns see)."""
    if step.kind == "python":
        return step.text.strip()
    return re.sub(r"\s*\\\n\s*", " ", strip_comment(step.text)).strip()


def strip_comment(text):
    """A shell command without its trailing `# comment` (a # outside quotes after a space)."""
    quote, out = None, []
    for i, c in enumerate(text):
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or text[i - 1].isspace()):
            break
        out.append(c)
    return "".join(out)


def compare(step, actual):
    def mask(line):
        for m in step.masks:
            line = re.sub(m, MASKED, line)
        return line.rstrip()

    exp = [mask(l) for l in step.expected]
    act = [mask(l) for l in actual.splitlines()]
    while exp and not exp[-1]:
        exp.pop()
    while act and not act[-1]:
        act.pop()

    def match(e, a):
        if not e:
            return not a
        if e[0].strip() == "...":
            return any(match(e[1:], a[k:]) for k in range(len(a) + 1))
        return bool(a) and e[0] == a[0] and match(e[1:], a[1:])

    if match(exp, act):
        return None
    # The first line that differs, for the message.
    for k, e in enumerate(exp):
        if e.strip() == "...":
            break
        if k >= len(act) or act[k] != e:
            return f"line {k + 1}: expected {e!r}, got {act[k] if k < len(act) else '(end of output)'!r}"
    return "the output differs"


def updated_output(step, actual):
    """The doc's shown lines for step rewritten to the actual output, keeping one `...` abridgement
    (the head and tail around it are refreshed) and every shown line that still matches after
    masking (so elapsed times do not churn); None when the block needs a human."""
    def masked(line):
        for m in step.masks:
            line = re.sub(m, MASKED, line)
        return line.rstrip()

    def refresh(old, new):
        return [o if k < len(old) and masked(o) == masked(n) else n
                for k, (o, n) in enumerate(zip(old + [None] * len(new), new))]

    shown = list(step.expected)
    trailing = []
    while shown and not shown[-1].strip():
        trailing.insert(0, shown.pop())
    act = actual.splitlines()
    while act and not act[-1].strip():
        act.pop()
    dots = [k for k, l in enumerate(shown) if l.strip() == "..."]
    if not dots:
        return refresh(shown, act) + trailing
    if len(dots) > 1:
        return None
    k = dots[0]
    head, tail = shown[:k], shown[k + 1:]
    if len(head) + len(tail) > len(act):
        return None
    new_tail = act[len(act) - len(tail):] if tail else []
    return refresh(head, act[:len(head)]) + [shown[k]] + refresh(tail, new_tail) + trailing


def apply_updates(doc, updates):
    lines = open(doc, encoding="utf-8").read().split("\n")
    for at, count, new in sorted(updates, key=lambda u: -u[0]):
        lines[at:at + count] = new
    open(doc, "w", encoding="utf-8").write("\n".join(lines))


def scratch_copy():
    d = tempfile.mkdtemp(prefix="zonesim-doctest-")
    for name in COPIED:
        src = os.path.join(SOURCE, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(d, name), symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "node_modules", "out", "build*"))
        elif os.path.exists(src):
            shutil.copy(src, d)
    return d


def run_step(step, cwd, env):
    if step.kind == "python":
        argv = [PYTHON, "-c", step.text]
    else:
        argv = ["bash", "-c", "set -o pipefail\n" + step.text]
    try:
        p = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=240,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return 124, "", "timed out after 240 s"
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--list", action="store_true", help="print the steps and whether each runs")
    ap.add_argument("--only", help="only this document (file name)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directories")
    ap.add_argument("--update", action="store_true",
                    help="rewrite the shown outputs that differ with the actual outputs (review the diff!)")
    args = ap.parse_args()
    zonesim = os.path.abspath(os.environ.get("ZONESIM") or os.path.join(SOURCE, "build", "sim", "zonesim"))
    if not os.access(zonesim, os.X_OK):
        raise SystemExit(f"no zonesim binary at {zonesim} (set ZONESIM)")
    skips = load_skips()
    failures, ran, skipped = [], 0, 0
    t0 = time.time()
    for doc in documents():
        steps = extract(doc)
        if args.only and os.path.basename(doc) != args.only:
            for s in steps:  # mark skip entries as used so --only does not report them
                for sk in skips:
                    if sk["pattern"].fullmatch(command_key(s)):
                        sk["used"] += 1
            continue
        if not steps:
            continue
        cwd = scratch_copy()
        updates = {}
        env = dict(os.environ, PATH=os.path.dirname(zonesim) + os.pathsep + os.environ.get("PATH", ""),
                   PYTHONPATH=os.path.join(cwd, "analysis"), MPLBACKEND="Agg", ZONESIM=zonesim,
                   LC_ALL="C.UTF-8", COLUMNS="100")
        env.pop("ZONESIM_PYTHON", None)
        for s in steps:
            key = command_key(s)
            skip = next((sk for sk in skips if sk["pattern"].fullmatch(key)), None)
            if skip:
                skip["used"] += 1
                skipped += 1
                if args.list:
                    print(f"SKIP {s.where()}: {key.splitlines()[0]}  ({skip['reason']})")
                continue
            if args.list:
                print(f"RUN  {s.where()}: {key.splitlines()[0]}" + ("  [output compared]" if s.expected is not None else ""))
                continue
            t = time.time()
            code, out, err = run_step(s, cwd, env)
            ran += 1
            label = key.splitlines()[0]
            print(f"{time.time() - t:6.2f} s  {s.where()}: {label}", flush=True)
            if not s.checked:
                if code != 0:
                    failures.append(f"{s.where()}: setup `{label}` exited {code}\n{err[-2000:]}")
                continue
            if code != s.exit_code:
                failures.append(f"{s.where()}: `{label}` exited {code}, the doc expects {s.exit_code}\n"
                                f"stderr:\n{err[-2000:]}")
                continue
            if s.expected is not None:
                problem = compare(s, out)
                if problem and args.update and s.shown_at is not None and s.shown_at not in updates:
                    new = updated_output(s, out)
                    if new is not None:
                        updates[s.shown_at] = (s.shown_at, len(s.expected), new)
                        print(f"         updated the shown output of {s.where()}")
                        continue
                if problem:
                    failures.append(f"{s.where()}: the output of `{label}` differs from the doc: {problem}\n"
                                    f"--- actual stdout ---\n{out[-3000:]}")
        if updates:
            apply_updates(doc, updates.values())
        if args.keep:
            print(f"(kept {cwd})")
        else:
            shutil.rmtree(cwd, ignore_errors=True)
    if not args.only:
        for sk in skips:
            if not sk["used"]:
                failures.append(f"tests/docs/skip.txt:{sk['line']}: `{sk['pattern'].pattern}` matches no documented "
                                "command; remove it")
    if args.list:
        return 0
    print(f"\n{ran} commands run, {skipped} skipped (tests/docs/skip.txt), {time.time() - t0:.1f} s")
    for f in failures:
        print("\nFAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
