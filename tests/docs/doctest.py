#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs the commands of README.md and docs/*.md and compares what they print with what the
pages show. The conventions are in docs/contributing.md ("Commands in the pages are tested").

  doctest.py --source-dir SRC --build-dir BUILD --samples DIR [PAGE.md...]
  doctest.py --count [PAGE.md...]          how many blocks run, and how many are illustrations
  doctest.py --self-test ...               the doc test's own test (see self_test())

A fenced block whose info string holds the word `doctest` runs; `illustration` marks one that
does not (a display, a network, a build, hours); every other shell block (sh, bash, console,
shell) must carry one of the two words, so that no command escapes by being forgotten. Code in
other languages (json, c, python, text...) is free.

Each page runs in a scratch folder of its own, holding a symlink to every sample (hero7.mp4,
karma.mp4, hero5-track.bin...) and the names the page gives in an HTML comment
`<!-- doctest-files: GX010001.MP4=hero7.mp4 ... -->`, with the environment of
`meson devenv -C BUILD` (the build's tools on PATH, the plugin on GST_PLUGIN_PATH): the reader's
`meson devenv -C ~/gst-gpmf/build -w .`. `~/gst-gpmf/build` and `~/gst-gpmf` in a command stand
for the build and source directories. Blocks run in page order; files they write stay for the
blocks after them, nothing else does (each block is a new bash).

A block whose lines start with `$ ` is a transcript: each command (with its continuation lines
after a trailing backslash) must exit 0 and print (stdout and stderr) exactly the lines after
it, up to the next `$ `. Any other block is a script, run with `set -e`; when the next block
is fenced `text doctest-output`, the script's output must be that block. A `pycon doctest`
block runs its `>>> ` statements as the interactive interpreter does, in `/usr/bin/python3` or
the command of `<!-- doctest-python: COMMAND -->`, each against the lines below it. In shown output, `…`
stands for any run of characters within a line, and a line holding only `…` for any number of
lines; trailing spaces are ignored.

Exit status: 0 all pass, 1 a block failed (page:line and a diff on stderr), 2 usage, 77 the
samples are missing (a failure under CI=true).
"""

import argparse
import difflib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

SHELL_LANGUAGES = {"sh", "bash", "console", "shell", "shell-session"}
ELLIPSIS = "…"
COMMAND_TIMEOUT = 600  # seconds, per block
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
FILES_DIRECTIVE = re.compile(r"<!--\s*doctest-files:(.*?)-->", re.S)
PYTHON_DIRECTIVE = re.compile(r"<!--\s*doctest-python:(.*?)-->", re.S)


@dataclass
class Block:
    page: str
    line: int  # 1-based line of the opening fence
    language: str
    words: list
    lines: list  # the block's content lines
    output: "Block | None" = None  # the `text doctest-output` block that follows, if any

    @property
    def runs(self):
        return "doctest" in self.words

    @property
    def illustration(self):
        return "illustration" in self.words

    def option(self, name):
        for w in self.words:
            if w.startswith(name + "="):
                return w.split("=", 1)[1]
        return None


@dataclass
class Page:
    path: str
    blocks: list = field(default_factory=list)
    files: dict = field(default_factory=dict)  # name in the scratch folder -> sample name
    python: str = "/usr/bin/python3"  # the command that starts the page's Python (pycon blocks)
    errors: list = field(default_factory=list)


def parse_page(path, text=None):
    if text is None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    page = Page(path)
    for m in FILES_DIRECTIVE.finditer(text):
        for pair in m.group(1).split():
            name, _, target = pair.partition("=")
            if not target:
                page.errors.append((text.count("\n", 0, m.start()) + 1, f"doctest-files: '{pair}' is not NAME=SAMPLE"))
            page.files[name] = target
    for m in PYTHON_DIRECTIVE.finditer(text):
        page.python = m.group(1).strip()
    lines = text.split("\n")
    i = 0
    previous = None  # the last block, while only blank lines follow it
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            if lines[i].strip():
                previous = None
            i += 1
            continue
        indent, fence, info = m.groups()
        start = i
        body = []
        i += 1
        while i < len(lines):
            close = FENCE.match(lines[i])
            if close and close.group(2)[0] == fence[0] and len(close.group(2)) >= len(fence) \
                    and not close.group(3).strip():
                break
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            i += 1
        else:
            page.errors.append((start + 1, "the block is never closed"))
        i += 1
        words = info.split()
        block = Block(path, start + 1, words[0] if words else "", words[1:], body)
        if "doctest-output" in block.words:
            if previous is None or not previous.runs or previous.output is not None:
                page.errors.append((block.line, "a doctest-output block must come right after "
                                                "a doctest block (blank lines only between)"))
            else:
                previous.output = block
            previous = None
            continue
        if block.runs and block.illustration:
            page.errors.append((block.line, "a block is either doctest or illustration"))
        if block.language in SHELL_LANGUAGES and not block.runs and not block.illustration:
            page.errors.append((block.line, f"shell block without `doctest` or `illustration` "
                               f"in its info string (```{block.language} doctest, or ```{block.language} "
                               "illustration when CI cannot run it)"))
        page.blocks.append(block)
        previous = block
    return page


# --- Shown output against real output --------------------------------------------------------

def expected_pattern(expected_lines):
    """A regex for the shown lines: `…` matches any run of characters in a line, a line of only
    `…` any number of lines."""
    parts = []
    for line in expected_lines:
        line = line.rstrip()
        if line.strip() == ELLIPSIS:
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append("[^\n]*?".join(re.escape(piece) for piece in line.split(ELLIPSIS)) + r"\n")
    return re.compile("".join(parts))


def normalise(text):
    lines = [line.rstrip() for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def output_matches(expected_lines, actual_text):
    actual = normalise(actual_text)
    subject = "".join(line + "\n" for line in actual)
    return expected_pattern(expected_lines).fullmatch(subject) is not None


def line_matches(expected, actual):
    return expected_pattern([expected]).fullmatch(actual + "\n") is not None


def diff(expected_lines, actual_text):
    """A unified diff in which the shown lines that match (elisions included) are shown as
    printed, so that only the lines that differ stand out."""
    actual = normalise(actual_text)
    shown = []
    j = 0
    for i, line in enumerate(expected_lines):
        if line.strip() == ELLIPSIS:
            following = next((e for e in expected_lines[i + 1:] if e.strip() != ELLIPSIS), None)
            while j < len(actual) and not (following is not None and line_matches(following, actual[j])):
                shown.append(actual[j])
                j += 1
            continue
        if j < len(actual) and line_matches(line, actual[j]):
            shown.append(actual[j])
        else:
            shown.append(line.rstrip())
        j += 1
    return "".join(difflib.unified_diff([line + "\n" for line in shown], [line + "\n" for line in actual],
                                        "shown on the page", "printed", n=2))


# --- Running ---------------------------------------------------------------------------------

@dataclass
class Step:
    line: int  # page line of the command
    command: str
    expected: "list | None"  # None: output not compared


def transcript_steps(block):
    steps = []
    current = None
    continuing = False
    for k, line in enumerate(block.lines):
        number = block.line + 1 + k
        if continuing:
            current.command += "\n" + line
            continuing = line.endswith("\\")
        elif line.startswith("$ ") or line == "$":
            current = Step(number, line[2:], [])
            steps.append(current)
            continuing = line.endswith("\\")
        elif current is None:
            if line.strip():
                return None, f"{block.page}:{number}: output before the first `$ ` command"
        else:
            current.expected.append(line)
    while steps and steps[-1].expected and not steps[-1].expected[-1].strip():
        steps[-1].expected.pop()
    return steps, None


def pycon_steps(block):
    """`>>> ` statements (with their `... ` continuation lines) and the output below each."""
    steps = []
    current = None
    for k, line in enumerate(block.lines):
        number = block.line + 1 + k
        if line.startswith(">>> ") or line == ">>>":
            current = Step(number, line[4:], [])
            steps.append(current)
        elif current is not None and not current.expected and (line.startswith("... ") or line == "..."):
            current.command += "\n" + line[4:]
        elif current is None:
            if line.strip():
                return None, f"{block.page}:{number}: output before the first `>>> ` statement"
        else:
            current.expected.append(line)
    for st in steps:
        while st.expected and not st.expected[-1].strip():
            st.expected.pop()
    return steps, None


# Runs the statements of a pycon block as the interactive interpreter does (expressions echo
# their repr, an exception prints its traceback), each output followed by a mark.
PYCON_DRIVER = r"""
import io, json, sys, traceback
statements = json.load(open(sys.argv[1]))
namespace = {"__name__": "__main__"}
out = sys.stdout
for source in statements:
    buffer = io.StringIO()
    sys.stdout = sys.stderr = buffer
    try:
        exec(compile(source + "\n", "<stdin>", "single"), namespace)
    except SystemExit:
        raise
    except BaseException:
        kind, value, tb = sys.exc_info()
        buffer.write("Traceback (most recent call last):\n")
        buffer.write("".join(traceback.format_list(traceback.extract_tb(tb)[1:])))
        buffer.write("".join(traceback.format_exception_only(kind, value)))
    finally:
        sys.stdout, sys.stderr = out, sys.__stderr__
    out.write(buffer.getvalue() + MARK + "\n")
    out.flush()
"""


def substitute(command, source_dir, build_dir):
    # Longest first: ~/gst-gpmf/build is the build directory, ~/gst-gpmf the source tree
    # (not ~/gst-gpmf/build-release, nor ~/gst-gpmf-env).
    command = re.sub(r"~/gst-gpmf/build(?![\w.-])", lambda _: shlex.quote(build_dir), command)
    return re.sub(r"~/gst-gpmf(?![\w.-])", lambda _: shlex.quote(source_dir), command)


MARK = "\x1edoctest-step\x1e"


def run_bash(script, cwd, env):
    """bash -c SCRIPT in its own process group, which a timeout ends whole (a pipeline's
    programs too, which would otherwise keep the output pipe open)."""
    p = subprocess.Popen(["bash", "-c", script], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=COMMAND_TIMEOUT)
        return p.returncode, out.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        return None, out.decode("utf-8", "replace") + f"\n(timed out after {COMMAND_TIMEOUT} s)\n"


class Runner:
    def __init__(self, args, env, out=sys.stdout, err=sys.stderr):
        self.args = args
        self.env = env
        self.out = out
        self.err = err
        self.failures = 0

    def fail(self, where, what, text=""):
        self.failures += 1
        self.err.write(f"FAIL {where}: {what}\n")
        if text:
            self.err.write(text if text.endswith("\n") else text + "\n")

    def scratch_for(self, page, root):
        folder = tempfile.mkdtemp(prefix=os.path.basename(page.path).replace(".md", "") + "-", dir=root)
        for name in sorted(os.listdir(self.args.samples)):
            source = os.path.join(self.args.samples, name)
            if os.path.isfile(source):
                os.symlink(source, os.path.join(folder, name))
        for name, target in page.files.items():
            source = os.path.join(self.args.samples, target)
            if not os.path.exists(source):
                self.fail(page.path, f"doctest-files: {name}={target}: no sample {target}")
                continue
            os.makedirs(os.path.dirname(os.path.join(folder, name)) or folder, exist_ok=True)
            os.symlink(source, os.path.join(folder, name))
        return folder

    def run_page(self, page, root, last_block=None):
        for line, message in page.errors:
            self.fail(f"{page.path}:{line}", message)
        folder = self.scratch_for(page, root)
        ran = 0
        for number, block in enumerate(page.blocks, 1):
            if last_block is not None and number > last_block:
                break
            if not block.runs:
                continue
            needs = block.option("needs")
            missing = [p for p in (needs.split(",") if needs else []) if shutil.which(p, path=self.env["PATH"]) is None]
            if missing:
                message = f"{block.page}:{block.line}: needs {', '.join(missing)}, not installed"
                if os.environ.get("CI") == "true":
                    self.fail(f"{block.page}:{block.line}", message)
                else:
                    self.err.write(f"SKIP {message}\n")
                continue
            ran += 1
            self.run_block(block, folder, page.python)
        return ran

    def run_pycon(self, block, folder, python):
        src, build = self.args.source_dir, self.args.build_dir
        steps, error = pycon_steps(block)
        if error:
            self.fail(error.split(": ", 1)[0], error.split(": ", 1)[1])
            return
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as driver, \
                tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as statements:
            driver.write(PYCON_DRIVER.replace("MARK", repr(MARK)))
            json.dump([st.command for st in steps], statements)
        try:
            command = f"{substitute(python, src, build)} {shlex.quote(driver.name)} {shlex.quote(statements.name)}"
            status, printed = run_bash(command, folder, self.env)
        finally:
            os.unlink(driver.name)
            os.unlink(statements.name)
        chunks = printed.split(MARK + "\n")
        for k, st in enumerate(steps):
            where = f"{block.page}:{st.line}"
            if k + 1 >= len(chunks):
                self.fail(where, f"`{st.command}` did not finish (Python exited {status})", chunks[-1])
                return
            if not output_matches(st.expected, chunks[k]):
                self.fail(where, f"`{st.command}` printed something else than the page shows",
                          diff(st.expected, chunks[k]))

    def run_block(self, block, folder, python="/usr/bin/python3"):
        src, build = self.args.source_dir, self.args.build_dir
        if block.language == "pycon":
            self.run_pycon(block, folder, python)
            return
        if any(line.startswith("$ ") for line in block.lines):
            if block.output is not None:
                self.fail(f"{block.page}:{block.line}", "a transcript shows its output itself: no doctest-output block")
            steps, error = transcript_steps(block)
            if error:
                self.fail(error.split(": ", 1)[0], error.split(": ", 1)[1])
                return
            script = ["exec 2>&1"]
            for s in steps:
                script.append(substitute(s.command, src, build))
                script.append(f"printf '{MARK}%d\\n' $?")
            status, printed = run_bash("\n".join(script) + "\n", folder, self.env)
            chunks = printed.split(MARK)
            for k, s in enumerate(steps):
                where = f"{block.page}:{s.line}"
                if k + 1 >= len(chunks):
                    self.fail(where, f"`{s.command}` did not finish (the shell stopped, status {status})",
                              chunks[-1] if k + 1 == len(chunks) else "")
                    return
                text = chunks[k]
                if k > 0:  # the previous mark's status line
                    text = text.split("\n", 1)[1] if "\n" in text else ""
                rc = chunks[k + 1].split("\n", 1)[0]
                if rc != "0":
                    self.fail(where, f"`{s.command}` exited {rc}", text)
                elif not output_matches(s.expected, text):
                    self.fail(where, f"`{s.command}` printed something else than the page shows",
                              diff(s.expected, text))
            return
        script = "set -e\n" + substitute("\n".join(block.lines), src, build) + "\n"
        status, printed = run_bash(script, folder, self.env)
        where = f"{block.page}:{block.line}"
        if status != 0:
            self.fail(where, f"the block exited {status}", printed)
        elif block.output is not None and not output_matches(block.output.lines, printed):
            self.fail(f"{block.page}:{block.output.line}", "the output of the block above is not what the page shows",
                      diff(block.output.lines, printed))


def devenv(build_dir):
    """The environment of `meson devenv -C BUILD`, as meson itself gives it."""
    meson = shutil.which("meson")
    if meson is None:
        sys.exit("doctest: meson is not on PATH")
    dump = subprocess.run([meson, "devenv", "-C", build_dir, "--dump"], check=True, stdout=subprocess.PIPE,
                          text=True).stdout
    env_text = subprocess.run(["bash", "-c", dump + "\nenv -0"], check=True, stdout=subprocess.PIPE,
                              env=os.environ).stdout
    env = {}
    for item in env_text.split(b"\0"):
        if b"=" in item:
            k, _, v = item.partition(b"=")
            env[k.decode()] = v.decode()
    # The reader's shell: not meson test's extra variables, no colours, one locale.
    env.pop("MALLOC_PERTURB_", None)
    # meson test puts the build's library folders first: the reader's shell has no such thing.
    paths = [p for p in env.get("LD_LIBRARY_PATH", "").split(":")
             if p and not os.path.abspath(p).startswith(os.path.abspath(build_dir) + os.sep)]
    if paths:
        env["LD_LIBRARY_PATH"] = ":".join(paths)
    else:
        env.pop("LD_LIBRARY_PATH", None)
    env["LC_ALL"] = "C.UTF-8"
    for name in ("COLUMNS", "LINES"):  # pandas and numpy lay out for 80 columns, as in a pipe
        env.pop(name, None)
    return env


def default_pages(source_dir):
    docs = os.path.join(source_dir, "docs")
    return [os.path.join(source_dir, "README.md")] + sorted(
        os.path.join(docs, f) for f in os.listdir(docs) if f.endswith(".md"))


def relative(path, source_dir):
    rel = os.path.relpath(path, source_dir)
    return path if rel.startswith("..") else rel


def count(pages, out):
    total_run = total_ill = 0
    for page in pages:
        run = sum(b.runs for b in page.blocks)
        ill = sum(b.illustration for b in page.blocks)
        outputs = sum(b.runs and (b.output is not None or any(line.startswith(("$ ", ">>> ")) for line in b.lines))
                      for b in page.blocks)
        total_run += run
        total_ill += ill
        out.write(f"{page.path}: {run} run ({outputs} with shown output), {ill} illustrations\n")
    out.write(f"total: {total_run} run, {total_ill} illustrations\n")


# --- The doc test's own test -----------------------------------------------------------------

def self_test(args, env):
    """The matcher on made-up cases, then a real page with one character of its shown output
    changed: the doc test must fail there, naming the page and the command's line, with a diff;
    the unchanged copy must pass."""
    import io
    problems = []
    cases = [
        (["a", "b"], "a\nb\n", True),
        (["a", "b"], "a\nb", True),
        (["a", "b"], "a\nc\n", False),
        (["a", "b"], "a\nb\nc\n", False),
        (["a", "b", "c"], "a\nb\n", False),
        (["a…z"], "abcz\n", True),
        (["a…z"], "az\n", True),
        (["a…z"], "ab\ncz\n", False),
        (["a", "…", "z"], "a\nz\n", True),
        (["a", "…", "z"], "a\n1\n2\nz\n", True),
        (["a", "…", "z"], "a\n1\n2\ny\n", False),
        (["x  "], "x\n", True),
        (["x"], "x   \n", True),
        (["x"], "X\n", False),
        (["(a.b)*"], "(a.b)*\n", True),
        (["(a.b)*"], "(aXb)\n", False),
        ([], "", True),
        ([], "x\n", False),
    ]
    for expected, actual, want in cases:
        if output_matches(expected, actual) != want:
            problems.append(f"matcher: {expected!r} against {actual!r} should be {want}")

    # Each kind of block on a made-up page: what passes, and each failure at its line.
    made_up = "\n".join([
        "<!-- doctest-files: X.MP4=hero7.mp4 -->",   # 1
        "```sh doctest",                             # 2
        "echo hello",
        "ls X.MP4",
        "```",
        "",
        "```text doctest-output",                    # 7
        "hello",
        "X.MP4",
        "```",
        "",
        "```console doctest",                        # 12
        "$ false",                                   # 13: exits 1
        "$ echo a",                                  # 14: prints a, not b
        "b",
        "$ printf 'x\\ny\\n' \\",                  # 16: a continued command
        "    | tail -n 1",
        "y",
        "```",
        "",
        "```pycon doctest",                          # 21
        ">>> 1 + 1",
        "2",
        ">>> for i in range(2):",                    # 24
        "...     print(i)",
        "...",
        "0",
        "1",
        '>>> print("x")',                            # 29: prints x, not y
        "y",
        "```",
        "",
        "```sh",                                     # 33: neither doctest nor illustration
        "echo unmarked",
        "```",
        "",
    ])
    with tempfile.TemporaryDirectory(prefix="doctest-self-") as tmp:
        page_path = os.path.join(tmp, "made-up.md")
        with open(page_path, "w", encoding="utf-8") as f:
            f.write(made_up)
        err = io.StringIO()
        runner = Runner(args, env, out=io.StringIO(), err=err)
        runner.run_page(parse_page(page_path), tmp)
        report = err.getvalue()
        failed_at = sorted(int(m) for m in re.findall(r"^FAIL [^\n]*made-up\.md:(\d+):", report, re.M))
        if failed_at != [13, 14, 29, 33]:
            problems.append(f"the made-up page should fail at lines 13, 14, 29 and 33, and failed at "
                            f"{failed_at}:\n{report}")

    # The first digit of a shown output line of docs/cli.md, outside any elision.
    source = os.path.join(args.source_dir, "docs", "cli.md")
    with open(source, encoding="utf-8") as f:
        lines = f.read().split("\n")
    target = None
    for number, block in enumerate(parse_page(source).blocks, 1):
        if block.runs and any(line.startswith("$ ") for line in block.lines):
            for step in transcript_steps(block)[0]:
                for k, shown in enumerate(step.expected):
                    m = re.search(r"[0-9]", shown.split(ELLIPSIS)[0])
                    if m:
                        target = (number, step, step.line + 1 + k, m.start())
                        break
                if target:
                    break
        if target:
            break
    if target is None:
        problems.append(f"{source}: no shown output with a digit to change")
    else:
        number, step, index, column = target  # index: 1-based line of the shown output
        shown = lines[index - 1]
        changed = shown[:column] + ("1" if shown[column] != "1" else "2") + shown[column + 1:]
        with tempfile.TemporaryDirectory(prefix="doctest-self-") as tmp:
            copy = os.path.join(tmp, "cli.md")
            for text, name in ((shown, "unchanged"), (changed, "changed")):
                with open(copy, "w", encoding="utf-8") as f:
                    f.write("\n".join(lines[:index - 1] + [text] + lines[index:]))
                err = io.StringIO()
                runner = Runner(args, env, out=io.StringIO(), err=err)
                runner.run_page(parse_page(copy), tmp, last_block=number)
                report = err.getvalue()
                if name == "unchanged":
                    if runner.failures:
                        problems.append(f"the unchanged copy of {source} failed:\n{report}")
                    continue
                where = f"FAIL {copy}:{step.line}: "
                if runner.failures != 1 or where not in report or f"-{changed.rstrip()}\n" not in report \
                        or f"+{shown.rstrip()}\n" not in report:
                    problems.append(f"{source}:{index} with one character changed should fail once at "
                                    f"{copy}:{step.line} with a diff; the doc test said:\n{report}")
                else:
                    print(f"{source}:{index} with {shown[column]!r} changed to {changed[column]!r} fails as "
                          f"it should:\n{report}", end="")
    for p in problems:
        sys.stderr.write(f"FAIL self-test: {p}\n")
    if not problems:
        print("self-test: ok")
    return 1 if problems else 0


def main():
    sys.stdout.reconfigure(line_buffering=True)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pages", nargs="*", help="pages to test (default: README.md and docs/*.md)")
    ap.add_argument("--source-dir", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    ap.add_argument("--build-dir")
    ap.add_argument("--samples", default=os.environ.get("GPMF_SAMPLES_DIR"),
                    help="the samples folder (default: GPMF_SAMPLES_DIR, else ../shared/samples beside the source tree)")
    ap.add_argument("--count", action="store_true", help="count the blocks that run and the illustrations")
    ap.add_argument("--self-test", action="store_true", help="check that the doc test catches a changed output")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folders (their path is printed)")
    args = ap.parse_args()
    args.source_dir = os.path.abspath(args.source_dir)
    if not args.samples:
        args.samples = os.path.join(os.path.dirname(args.source_dir), "shared", "samples")
    paths = [os.path.abspath(p) for p in args.pages] or default_pages(args.source_dir)
    if args.count:
        pages = [parse_page(p) for p in paths]
        for page in pages:
            page.path = relative(page.path, args.source_dir)
        count(pages, sys.stdout)
        return 0
    if not args.build_dir:
        ap.error("--build-dir is needed to run the pages")
    args.build_dir = os.path.abspath(args.build_dir)
    if not args.samples or not os.path.isdir(args.samples):
        message = f"doctest: no samples folder ({args.samples}): set GPMF_SAMPLES_DIR"
        if os.environ.get("CI") == "true":
            sys.stderr.write(message + "\n")
            return 1
        print(message + "; skipped")
        return 77
    args.samples = os.path.abspath(args.samples)
    env = devenv(args.build_dir)
    if args.self_test:
        return self_test(args, env)
    root = tempfile.mkdtemp(prefix="gpmf-doctest-")
    runner = Runner(args, env)
    try:
        for path in paths:
            page = parse_page(path)
            page.path = relative(path, args.source_dir)
            for b in page.blocks:
                b.page = page.path
            before = runner.failures
            ran = runner.run_page(page, root)
            ill = sum(b.illustration for b in page.blocks)
            state = "ok" if runner.failures == before else f"{runner.failures - before} failed"
            print(f"{page.path}: {ran} blocks run, {ill} illustrations: {state}")
    finally:
        if args.keep:
            print(f"scratch folders kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    if runner.failures:
        sys.stderr.write(f"{runner.failures} failure(s): the pages and the tools disagree\n")
    return 1 if runner.failures else 0


if __name__ == "__main__":
    sys.exit(main())
