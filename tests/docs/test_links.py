"""Every relative link and ``#anchor`` in the documents resolves, and the snippet markers are well formed."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

from .markdown import ROOT, anchors, doc_files, fenced_blocks, links, rel, slugify

DOCUMENTS = doc_files()
_EXTERNAL = ("http://", "https://", "mailto:")


def _problems(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for link in links(path):
        target = link.target
        if target.startswith(_EXTERNAL):
            continue
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / unquote(file_part)).resolve() if file_part else path
        if not dest.exists():
            found.append(f"{link.where}: {target}: no such file")
            continue
        if root not in dest.parents and dest != root:
            found.append(f"{link.where}: {target}: points outside the repository")
            continue
        if anchor:
            if dest.suffix != ".md":
                found.append(f"{link.where}: {target}: an anchor into a file that is not Markdown")
            elif anchor not in anchors(dest):
                found.append(f"{link.where}: {target}: {rel(dest)} has no heading with anchor #{anchor}")
    return found


@pytest.mark.parametrize("path", DOCUMENTS, ids=[rel(p) for p in DOCUMENTS])
def test_links_resolve(path: Path) -> None:
    problems = _problems(path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", DOCUMENTS, ids=[rel(p) for p in DOCUMENTS])
def test_snippet_markers_are_well_formed(path: Path) -> None:
    """A marker is ``no-run (REASON)`` with a reason, or ``continue`` after a Python block that runs."""
    problems = []
    previous_python = None
    for block in fenced_blocks(path):
        if block.marker:
            reason = block.no_run_reason
            if block.lang not in ("python", "py"):
                problems.append(f"{block.where}: a snippet marker before a {block.lang or 'plain'} block")
            elif reason is None and not block.continues:
                problems.append(f"{block.where}: unknown snippet marker {block.marker!r}")
            elif reason == "":
                problems.append(f"{block.where}: no-run needs a reason: <!-- snippet: no-run (why) -->")
            elif block.continues and previous_python is None:
                problems.append(f"{block.where}: continue, but no Python block comes before it")
            elif block.continues and previous_python is not None and previous_python.no_run_reason is not None:
                problems.append(f"{block.where}: continue after a block that does not run")
        if block.lang in ("python", "py"):
            previous_python = block
    assert not problems, "\n".join(problems)


def test_the_documents_link_to_each_other() -> None:
    """README.md is the entry point: every document in docs/ is reachable from it."""
    readme_targets = {unquote(link.target.partition("#")[0]) for link in links(ROOT / "README.md")}
    missing = [rel(p) for p in DOCUMENTS if p.parent.name == "docs" and rel(p) not in readme_targets]
    assert not missing, f"README.md does not link to {missing}"


@pytest.mark.parametrize(
    "heading, anchor",
    [
        ("Futures", "futures"),
        ("Sampling backpressure (429)", "sampling-backpressure-429"),
        ("The local server (`tinker_local/`)", "the-local-server-tinker_local"),
        ("sample_stream with cancel and fallback", "sample_stream-with-cancel-and-fallback"),
        ("What is extra", "what-is-extra"),
        ("[Linked](x.md) heading", "linked-heading"),
    ],
)
def test_anchors_follow_the_code_hosts_rule(heading: str, anchor: str) -> None:
    assert slugify(heading) == anchor


def test_the_link_checker_finds_broken_links(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("# Title\n\n[ok](#title) [bad](#nope) [gone](missing.md) `[code](skipped.md)`\n", encoding="utf-8")
    problems = _problems(doc, root=tmp_path)
    assert len(problems) == 2, problems
    assert any("#nope" in p for p in problems) and any("missing.md" in p for p in problems)
