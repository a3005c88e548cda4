"""The code names the documents use exist, so a rename cannot leave a diagram or a table behind.

Checked in every document:

* a file named in inline code (`` `_retry.py` ``, `` `tinker_local/http/app.py` ``) exists (a path may be given
  from any folder level; names with placeholders such as ``<module>`` are skipped);
* a ``Class.member`` in inline code, where ``Class`` is one of our classes, names a method or attribute of it;
* a call in inline code (`` `poll_future(...)` ``) and every call in a mermaid diagram (``retry_call()``,
  ``TurnGate.wait(5)``) names a function or class defined in our code (the last dotted part is checked, and the
  class part too when it is one of ours).

"Our code" is ``tinker``, ``tinker_wire``, ``tinker_local``, ``tinker_cli``, the generated ``tinker_api``, the
mixins in ``openapi/python`` and the test toolkit; Python builtins and names under the few third-party modules
the documents show (``asyncio``, ``pytest``...) are accepted.
"""

from __future__ import annotations

import ast
import builtins
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .markdown import ROOT, doc_files, fenced_blocks, rel

SOURCES = ("tinker", "tinker_wire", "tinker_local", "tinker_cli", "generated/tinker_api", "openapi/python")
# Third-party and standard-library names the documents call (the check is about our names).
EXTERNAL_MODULES = frozenset({"asyncio", "concurrent", "httpx", "math", "os", "pytest", "json", "warnings", "git"})
EXTERNAL_NAMES = frozenset({"run_coroutine_threadsafe"})
_SKIP_FILES = {".git", "node_modules", ".mypy_cache", ".ruff_cache", "__pycache__", ".hypothesis"}

_INLINE = re.compile(r"`([^`\n]+)`")
_PY_FILE = re.compile(r"^[\w./-]+\.py$")
_MEMBER = re.compile(r"^([A-Z][A-Za-z0-9]*)\.(_{0,2}[a-z][A-Za-z0-9_]*)(?:\(\))?$")
_CALL = re.compile(r"(?<![\w.])((?:[A-Za-z_]\w*(?:\(\))?\.)*[A-Za-z_]\w*)\(")
_MATH = re.compile(r"[·−ℓ√²ⁿ]| = ")


@dataclass
class Index:
    names: set[str] = field(default_factory=set)
    members: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    bases: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    files: list[str] = field(default_factory=list)

    def has_member(self, cls: str, name: str) -> bool:
        """Whether ``cls`` (any of our classes of that name) or one of its bases defines ``name``."""
        seen: set[str] = set()
        todo = [cls]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            if name in self.members.get(current, ()):
                return True
            todo.extend(self.bases.get(current, ()))
        return False

    def file_exists(self, name: str) -> bool:
        name = name.lstrip("./")
        return any(f == name or f.endswith("/" + name) for f in self.files)


def _class_members(node: ast.ClassDef) -> set[str]:
    found: set[str] = set()
    for item in ast.walk(node):
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and item is not node:
            found.add(item.name)
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            found.add(item.target.id)
        elif isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name):
                    found.add(target.id)
        if isinstance(item, (ast.Assign, ast.AnnAssign)):
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "self":
                        found.add(sub.attr)
    return found


@functools.cache
def index() -> Index:
    idx = Index()
    for path in ROOT.rglob("*"):
        if path.is_file() and not _SKIP_FILES.intersection(path.relative_to(ROOT).parts):
            idx.files.append(rel(path))
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    idx.names.add(node.name)
                elif isinstance(node, ast.ClassDef):
                    idx.names.add(node.name)
                    idx.members[node.name] |= _class_members(node)
                    idx.bases[node.name].update(ast.unparse(b).rpartition(".")[2] for b in node.bases)
                elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    idx.names.update(t.id for t in targets if isinstance(t, ast.Name))
    return idx


def _check_call(dotted: str, idx: Index) -> str | None:
    parts = [p.removesuffix("()") for p in dotted.split(".")]
    if parts[0] in EXTERNAL_MODULES or parts[-1] in EXTERNAL_NAMES or hasattr(builtins, parts[-1]):
        return None
    if parts[-1] not in idx.names and not any(parts[-1] in m for m in idx.members.values()):
        return f"{dotted}(): no function or class named {parts[-1]!r}"
    if len(parts) >= 2 and parts[-2] in idx.members and not idx.has_member(parts[-2], parts[-1]):
        return f"{dotted}(): class {parts[-2]} has no member {parts[-1]!r}"
    return None


def problems_of(path: Path, idx: Index) -> list[str]:
    found: list[str] = []
    text = path.read_text(encoding="utf-8")
    mermaid = [b for b in fenced_blocks(path) if b.lang == "mermaid"]
    for block in mermaid:
        for offset, line in enumerate(block.code.splitlines()):
            for m in _CALL.finditer(line):
                problem = _check_call(m.group(1), idx)
                if problem:
                    found.append(f"{rel(path)}:{block.line + offset}: {problem}")
    code_lines = {b.line + i for b in fenced_blocks(path) for i in range(-1, len(b.code.splitlines()) + 1)}
    for number, line in enumerate(text.splitlines(), 1):
        if number in code_lines:
            continue
        for m in _INLINE.finditer(line):
            token = m.group(1).strip()
            where = f"{rel(path)}:{number}"
            if "<" in token or "*" in token or _MATH.search(token):
                continue
            if _PY_FILE.match(token):
                if not idx.file_exists(token):
                    found.append(f"{where}: no file {token}")
                continue
            member = _MEMBER.match(token)
            if member and member.group(1) in idx.members:
                cls, name = member.groups()
                if not idx.has_member(cls, name):
                    found.append(f"{where}: class {cls} has no member {name!r}")
                continue
            for call in _CALL.finditer(token):
                problem = _check_call(call.group(1), idx)
                if problem:
                    found.append(f"{where}: {problem}")
    return found


DOCUMENTS = doc_files()


@pytest.mark.parametrize("path", DOCUMENTS, ids=[rel(p) for p in DOCUMENTS])
def test_code_names_exist(path: Path) -> None:
    problems = problems_of(path, index())
    assert not problems, "names the code no longer has:\n" + "\n".join(problems)


def test_the_checker_sees_a_renamed_function(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "Use `poll_future()`, `Transport.call`, `tinker/_retry.py`.\n"
        "Not `pol_future()`, `Transport.cal`, `tinker/_retyr.py`.\n\n"
        "```mermaid\nsequenceDiagram\n    A->>B: retry_call() then TurnGate.wiat(5)\n```\n",
        encoding="utf-8",
    )
    problems = problems_of(doc, index())
    assert len(problems) == 4, problems
    assert all(("pol_future" in p or "cal'" in p or "_retyr" in p or "wiat" in p) for p in problems), problems
