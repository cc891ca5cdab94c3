#!/usr/bin/env python3
"""Generates data/fang-cases/cases.tsv: the defanged -> fanged cases of
ioc-fanger's test suite and of iocextract's README, for secsearch's refang
test.

Sources (downloaded by this script with pip, pinned; or given with --fanger /
--iocextract as an unpacked sdist directory or an sdist .tar.gz):

* ioc-fanger 5.1.1 sdist, tests/*.py (MIT, Floyd Hightower): every
  `assert ioc_fanger.fang(X) == Y` (also through a variable, a fixture or a
  pytest.mark.parametrize table, and conftest's DEFANG_TO_FANG_PAIRS /
  ALREADY_FANGED_STRINGS). Calls of `defang()` and the CLI tests (which join
  the same pairs) are skipped. Read with `ast`, nothing of it is run.
* iocextract 1.16.1 sdist, README.md (GPL-2.0, InQuest): the "Defanged |
  Refanged" rows of the IPv4, e-mail and URL tables. Skipped: the three
  encoded URL rows (hex, URL-encoded, base64: decoding, not refanging).
  iocextract adds `http://` to a URL that had no scheme; the expected value
  here does not (secsearch refangs, it does not invent a scheme).

Output, one case a line, UTF-8, `#` comment lines at the top:

    source<TAB>defanged<TAB>expected<TAB>kind

* source: `ioc-fanger:<test function>` or `iocextract-readme:<table>/<technique>`
* kind: `fang` (the defanged text must become `expected`) or `keep` (a "must
  not fang" case: the text must stay as it is; `expected` is then `=`)
* defanged / expected are escaped: `\\\\` is a backslash, `\\t` a tab, `\\n` a
  newline (some cases span lines; several hold backslashes: `example\\.com`).

    python3 data/fang-cases/gen.py            # writes data/fang-cases/cases.tsv
    python3 data/fang-cases/gen.py --score    # also runs ioc_fanger.fang() on
                                              # every case (pip install ioc-fanger==5.1.1)
"""
from __future__ import annotations

import argparse
import ast
import glob
import os
import re
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FANGER = "ioc-fanger==5.1.1"
IOCEXTRACT = "iocextract==1.16.1"


def sdist_dir(spec: str, given: str | None, tmp: str) -> str:
    """An unpacked sdist directory: given, or downloaded with pip."""
    path = given
    if path is None:
        d = os.path.join(tmp, spec.split("==")[0])
        subprocess.run([sys.executable, "-m", "pip", "download", spec, "--no-deps",
                        "--no-binary", ":all:", "-q", "-d", d], check=True)
        path = glob.glob(os.path.join(d, "*.tar.gz"))[0]
    if os.path.isdir(path):
        return path
    out = os.path.join(tmp, os.path.basename(path) + ".x")
    with tarfile.open(path) as t:
        t.extractall(out, filter="data")
    (top,) = os.listdir(out)
    return os.path.join(out, top)


# ---------------------------------------------------------------- ioc-fanger


class Fang:
    """The value of `ioc_fanger.fang(x)`, bound to a variable."""

    def __init__(self, arg: str):
        self.arg = arg


def is_fang_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "fang" and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "ioc_fanger")


def value(node: ast.AST, env: dict):
    """A small evaluator: constants, names, + and *, str.strip / str.join."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env.get(node.id)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [value(e, env) for e in node.elts]
    if isinstance(node, ast.BinOp):
        a, b = value(node.left, env), value(node.right, env)
        if a is None or b is None:
            return None
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Mult):
            return a * b
    if isinstance(node, ast.Call) and is_fang_call(node):
        arg = value(node.args[0], env)
        return Fang(arg) if isinstance(arg, str) else None
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "strip" and not node.args):
        v = value(node.func.value, env)
        return v.strip() if isinstance(v, str) else None
    return None


def fanger_cases(root: str) -> list[tuple[str, str, str]]:
    tests = os.path.join(root, "tests")
    module_env: dict = {}
    conftest = ast.parse(open(os.path.join(tests, "conftest.py"), encoding="utf-8").read())
    for st in conftest.body:
        if isinstance(st, (ast.Assign, ast.AnnAssign)):
            tgt = st.targets[0] if isinstance(st, ast.Assign) else st.target
            if isinstance(tgt, ast.Name) and st.value is not None:
                try:
                    module_env[tgt.id] = ast.literal_eval(st.value)
                except ValueError:
                    pass
    cases: list[tuple[str, str, str]] = []
    for path in sorted(glob.glob(os.path.join(tests, "test_*.py"))):
        if path.endswith("_cli.py"):
            continue  # the CLI tests join the conftest pairs already taken
        tree = ast.parse(open(path, encoding="utf-8").read())
        env0 = dict(module_env)
        for st in tree.body:
            if isinstance(st, ast.Assign) and isinstance(st.targets[0], ast.Name):
                v = value(st.value, env0)
                if v is not None:
                    env0[st.targets[0].id] = v
        fixtures: dict[str, object] = {}
        funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        for fn in funcs:
            if any("fixture" in ast.unparse(d) for d in fn.decorator_list):
                for st in fn.body:
                    if isinstance(st, ast.Return) and st.value is not None:
                        fixtures[fn.name] = value(st.value, env0)
        for fn in funcs:
            if not fn.name.startswith("test"):
                continue
            params = [a.arg for a in fn.args.args]
            rows: list[dict] = [{}]
            for d in fn.decorator_list:
                if isinstance(d, ast.Call) and "parametrize" in ast.unparse(d.func):
                    names = [s.strip() for s in value(d.args[0], env0).split(",")]
                    table = value(d.args[1], env0)
                    if table is None:  # test_redos: timing only, no expected value
                        print(f"skipped {os.path.basename(path)}:{fn.name} (no literal table)",
                              file=sys.stderr)
                        table = []
                    rows = [dict(zip(names, r if len(names) > 1 else [r])) for r in table]
            for row in rows:
                env = dict(env0)
                for p in params:
                    if p in fixtures:
                        env[p] = fixtures[p]
                env.update(row)
                for st in fn.body:
                    walk_stmt(st, env, fn.name, cases)
    return cases


def walk_stmt(st: ast.stmt, env: dict, name: str, cases: list) -> None:
    if isinstance(st, ast.Assign) and isinstance(st.targets[0], ast.Name):
        env[st.targets[0].id] = value(st.value, env)
    elif isinstance(st, ast.Assert) and isinstance(st.test, ast.Compare):
        c = st.test
        if len(c.ops) == 1 and isinstance(c.ops[0], ast.Eq):
            left, right = value(c.left, env), value(c.comparators[0], env)
            if isinstance(left, Fang) and isinstance(right, str):
                cases.append((f"ioc-fanger:{name}", left.arg, right))
    elif isinstance(st, (ast.With, ast.For, ast.If)):
        for s in st.body:
            walk_stmt(s, env, name, cases)


# ---------------------------------------------------------------- iocextract


def md_cell(s: str) -> str:
    s = s.strip()
    if s.startswith("`") and s.endswith("`"):
        return s[1:-1]
    return re.sub(r"\\(.)", r"\1", s)  # markdown escapes outside code spans


def iocextract_cases(root: str) -> list[tuple[str, str, str]]:
    text = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    cases = []
    table = None
    for line in text.splitlines():
        m = re.match(r"For (IPv4 addresses|email addresses|URLs), the following", line)
        if m:
            table = {"IPv4 addresses": "ipv4", "email addresses": "email", "URLs": "url"}[m.group(1)]
            continue
        if table and line.startswith("|"):
            cells = [c for c in line.strip().strip("|").split("|")]
            if len(cells) != 3 or set(cells[1].strip()) <= {"-"} or cells[1].strip() == "Defanged":
                continue
            tech = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", cells[0]).replace("`", "").strip()
            if tech.endswith("encoded"):
                continue
            d, f = md_cell(cells[1]), md_cell(cells[2])
            if table == "url" and not re.match(r"(?i)^(h..ps?|ftp)", d) and f.startswith("http://"):
                f = f[len("http://"):]
            cases.append((f"iocextract-readme:{table}/{tech}", d, f))
        elif table and line.strip() and not line.startswith("|"):
            if not line.startswith("For "):
                table = None
    return cases


# ---------------------------------------------------------------- output


def esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fanger", help="ioc-fanger sdist (dir or .tar.gz); default: pip download")
    ap.add_argument("--iocextract", help="iocextract sdist (dir or .tar.gz); default: pip download")
    ap.add_argument("--out", default=os.path.join(HERE, "cases.tsv"))
    ap.add_argument("--score", action="store_true", help="run ioc_fanger.fang() on every case")
    ap.add_argument("--skip-iocextract", action="store_true",
                    help="leave out iocextract's README rows (GPL-2.0 source)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fc = fanger_cases(sdist_dir(FANGER, args.fanger, tmp))
        ic = [] if args.skip_iocextract else iocextract_cases(sdist_dir(IOCEXTRACT, args.iocextract, tmp))
    seen = set()
    rows = []
    for src, d, f in fc + ic:
        if (d, f) in seen:
            continue  # the same pair asserted twice (hxxp://example[.]com)
        seen.add((d, f))
        kind = "keep" if d == f else "fang"
        rows.append((src, d, "=" if kind == "keep" else f, kind))
    nf = sum(r[3] == "fang" for r in rows)
    nk = len(rows) - nf
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write(
            "# Defanged indicator cases for secsearch's refang test.\n"
            "# GENERATED by `python3 data/fang-cases/gen.py`; do not edit.\n"
            f"# Sources: {FANGER} sdist tests/ (MIT, (c) Floyd Hightower) and\n"
            f"# {IOCEXTRACT} sdist README.md tables (GPL-2.0, (c) InQuest; short factual\n"
            "# examples quoted with their source named). See data/LICENSES.md.\n"
            "# Format: source<TAB>defanged<TAB>expected<TAB>kind; kind fang|keep; expected `=`\n"
            "# for keep (the text must not change); \\\\ \\t \\n \\r are escapes.\n"
            "# Expected values are the peers' own: where ioc-fanger's text output drops a\n"
            "# bracket or parenthesis next to a URL, so does the expected value here.\n"
            f"# {len(rows)} cases: {nf} fang, {nk} keep ({len(fc)} ioc-fanger assertions,"
            f" {len(ic)} iocextract README rows, duplicates removed).\n")
        for r in rows:
            out.write("\t".join((r[0], esc(r[1]), esc(r[2]), r[3])) + "\n")
    print(f"{args.out}: {len(rows)} cases ({nf} fang, {nk} keep)")
    if args.score:
        import ioc_fanger
        ok = {"fang": 0, "keep": 0}
        bad = []
        for src, d, f, kind in rows:
            want = d if kind == "keep" else f
            got = ioc_fanger.fang(d)
            if got == want:
                ok[kind] += 1
            else:
                bad.append((src, d, want, got))
        print(f"ioc_fanger.fang(): fang {ok['fang']}/{nf}, keep {ok['keep']}/{nk}, "
              f"all {ok['fang'] + ok['keep']}/{len(rows)}")
        for src, d, want, got in bad:
            print(f"  MISS {src}: {d!r} -> {got!r} (want {want!r})")


if __name__ == "__main__":
    main()
