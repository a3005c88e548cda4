"""Reading the repository's Markdown documents: fenced blocks, snippet markers, headings and links.

The documents are ``README.md``, ``ARCHITECTURE.md``, ``CONTRIBUTING.md``, ``CHANGELOG.md`` and ``docs/*.md``.

Snippet markers (CONTRIBUTING.md, "Documentation"): an HTML comment on the last non-blank line before a fenced
``python`` block.

* ``<!-- snippet: no-run (REASON) -->``: the block is not run; REASON says why (e.g. it needs a real API key)
  and must not be empty.
* ``<!-- snippet: continue -->``: the block continues the file's previous Python block; both run in order in one
  interpreter, sharing their names (a fragment that uses what the block before it defined).

Every other Python block runs on its own, as a fresh program.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DOCS",
    "ROOT",
    "Block",
    "Chain",
    "Link",
    "anchors",
    "chains",
    "doc_files",
    "fenced_blocks",
    "links",
    "rel",
    "slugify",
]

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
_TOP_LEVEL = ("README.md", "ARCHITECTURE.md", "CONTRIBUTING.md", "CHANGELOG.md")

_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
_MARKER = re.compile(r"^\s*<!--\s*snippet:\s*(?P<body>.*?)\s*-->\s*$")
_NO_RUN = re.compile(r"^no-run\s*\((?P<reason>.*)\)$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_INLINE_CODE = re.compile(r"`+[^`]*`+")
_HTML_ID = re.compile(r"<a\s+(?:name|id)=\"(?P<id>[^\"]+)\"")


def doc_files() -> list[Path]:
    """Every Markdown document the docs tests cover, top-level ones first."""
    top = [ROOT / name for name in _TOP_LEVEL if (ROOT / name).exists()]
    return top + sorted(DOCS.glob("*.md"))


def rel(path: Path) -> str:
    """``path`` relative to the repository root (as given when it lies elsewhere)."""
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()


@dataclass(frozen=True)
class Block:
    """One fenced code block: where it starts (1-based line of its first code line), its info string, its code
    and the snippet marker before it (``""`` when there is none)."""

    path: Path
    line: int
    lang: str
    code: str
    marker: str

    @property
    def where(self) -> str:
        return f"{rel(self.path)}:{self.line}"

    @property
    def no_run_reason(self) -> str | None:
        """The reason of a ``no-run`` marker (``""`` when the parentheses are empty); None without one."""
        m = _NO_RUN.match(self.marker)
        return m.group("reason").strip() if m else None

    @property
    def continues(self) -> bool:
        return self.marker == "continue"


def _lines_outside_fences(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) of every line that is not inside a fenced block (fence lines included)."""
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        m = _FENCE.match(line)
        if fence is None:
            if m:
                fence = m.group("fence")
            else:
                yield number, line
        elif m and m.group("fence")[0] == fence[0] and len(m.group("fence")) >= len(fence) and not m.group("info"):
            fence = None


def fenced_blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a document, in order. An unclosed fence is an error (it would hide the rest)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, indent, info = m.group("fence"), len(m.group("indent")), m.group("info").lower()
        marker = ""
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0:
            mm = _MARKER.match(lines[j])
            marker = mm.group("body") if mm else ""
        body: list[str] = []
        k = i + 1
        while k < len(lines):
            close = _FENCE.match(lines[k])
            if (
                close
                and close.group("fence")[0] == fence[0]
                and len(close.group("fence")) >= len(fence)
                and not close.group("info")
            ):
                break
            body.append(lines[k][indent:] if lines[k][:indent].strip() == "" else lines[k])
            k += 1
        else:
            raise ValueError(f"{rel(path)}:{i + 1}: the fence {fence} is never closed")
        blocks.append(Block(path, i + 2, info, "\n".join(body) + "\n", marker))
        i = k + 1
    return blocks


@dataclass(frozen=True)
class Chain:
    """Python blocks that run together in one interpreter: a block and the ``continue`` blocks after it."""

    blocks: tuple[Block, ...]

    @property
    def where(self) -> str:
        return self.blocks[0].where

    @property
    def skip_reason(self) -> str | None:
        return self.blocks[0].no_run_reason


def chains(paths: list[Path]) -> list[Chain]:
    """The runnable units of ``paths``' Python blocks (marker errors are reported by the docs tests)."""
    out: list[Chain] = []
    for path in paths:
        current: list[Block] = []
        for block in fenced_blocks(path):
            if block.lang not in ("python", "py"):
                continue
            if block.continues and current:
                current.append(block)
                continue
            if current:
                out.append(Chain(tuple(current)))
            current = [block]
        if current:
            out.append(Chain(tuple(current)))
    return out


def slugify(heading: str) -> str:
    """The anchor a code host gives a heading: its text without markup, lower case, punctuation dropped except
    ``-`` and ``_``, spaces as ``-``."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link counts with its text
    text = text.replace("`", "")
    text = re.sub(r"<[^>]+>", "", text)
    text = text.strip().lower()
    kept = []
    for ch in text:
        if ch in "-_ " or ch.isalnum() or unicodedata.category(ch).startswith("M"):
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor a link may name in ``path``: its headings (repeats numbered ``-1``, ``-2``...) and explicit
    ``<a id=...>``/``<a name=...>`` targets."""
    found: set[str] = set()
    counts: dict[str, int] = {}
    for _, line in _lines_outside_fences(path.read_text(encoding="utf-8")):
        m = _HEADING.match(line)
        if m:
            base = slugify(m.group("text"))
            n = counts.get(base, 0)
            counts[base] = n + 1
            found.add(base if n == 0 else f"{base}-{n}")
        found.update(h.group("id") for h in _HTML_ID.finditer(line))
    return found


@dataclass(frozen=True)
class Link:
    path: Path
    line: int
    target: str

    @property
    def where(self) -> str:
        return f"{rel(self.path)}:{self.line}"


def links(path: Path) -> list[Link]:
    """Inline Markdown links outside code (fenced blocks and inline code spans are skipped)."""
    found: list[Link] = []
    for number, line in _lines_outside_fences(path.read_text(encoding="utf-8")):
        prose = _INLINE_CODE.sub("", line)
        found.extend(Link(path, number, m.group("target")) for m in _LINK.finditer(prose))
    return found
