"""Write the public module paths ``tinker/types/<module>.py`` for the generated model modules.

Run by ./codegen.sh after the generator: ``python openapi/python/public_modules.py GENERATED_MODELS TYPES_DIR``.
Each file re-exports one ``tinker_api.models.<module>`` by name, so ``from tinker.types.<module> import X``
is the generated class, for Python and for type checkers alike. A module written by hand (a file without
the header below) is left alone; it must re-export the generated names itself (tests/types checks it).
Files are formatted by the pinned ruff, as the rest of the repository. With ``--check`` nothing is written
and the exit status says whether the files are current.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
from pathlib import Path

HEADER = '"""Public path of the generated `tinker_api.models.{module}` (written by codegen.sh; do not edit)."""'
RUFF = ["--isolated", "--line-length", "120"]


def expected(models: Path, types_dir: Path) -> dict[str, str | None]:
    """File name -> wanted text before formatting (None: a stale generated file to delete)."""
    out: dict[str, str | None] = {}
    for source in sorted(models.glob("*.py")):
        module = source.stem
        if module.startswith("_"):
            continue
        target = types_dir / f"{module}.py"
        if target.exists() and not target.read_text(encoding="utf-8").startswith(HEADER.format(module=module)):
            continue  # hand-written
        names = exported(source)
        out[target.name] = "\n".join(
            [
                HEADER.format(module=module),
                "",
                "from __future__ import annotations",
                "",
                f"from tinker_api.models.{module} import {', '.join(names)}",
                "",
                f"__all__ = {names!r}",
                "",
            ]
        )
    for target in sorted(types_dir.glob("*.py")):
        if target.name not in out and target.read_text(encoding="utf-8").startswith(HEADER.format(module=target.stem)):
            out[target.name] = None
    return out


def exported(source: Path) -> list[str]:
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return sorted(ast.literal_eval(node.value))
    raise SystemExit(f"{source}: no literal __all__")


def formatted(texts: dict[str, str]) -> dict[str, str]:
    """The texts as the pinned ruff leaves them (import order, sorted __all__, layout)."""
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in texts.items():
            Path(tmp, name).write_text(text, encoding="utf-8")
        if texts:
            subprocess.run(["ruff", "check", *RUFF, "--fix-only", "-q", "--select", "I,RUF022", tmp], check=True)
            subprocess.run(["ruff", "format", *RUFF, "-q", tmp], check=True)
        return {name: Path(tmp, name).read_text(encoding="utf-8") for name in texts}


def main() -> None:
    models, types_dir = Path(sys.argv[1]), Path(sys.argv[2])
    check = "--check" in sys.argv[3:]
    wanted = expected(models, types_dir)
    texts = formatted({name: text for name, text in wanted.items() if text is not None})
    stale = []
    for name, text in wanted.items():
        target = types_dir / name
        if text is None:
            stale.append(name)
            if not check:
                target.unlink()
        elif not target.exists() or target.read_text(encoding="utf-8") != texts[name]:
            stale.append(name)
            if not check:
                target.write_text(texts[name], encoding="utf-8")
    if check and stale:
        print("codegen.sh: tinker/types public module paths differ: " + ", ".join(stale), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
