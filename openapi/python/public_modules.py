"""Write the public module paths ``tinker/types/<module>.py`` for the generated model modules.

Run by ./codegen.sh after the generator: ``python openapi/python/public_modules.py GENERATED_MODELS TYPES_DIR``.
Each file re-exports one ``tinker_api.models.<module>`` by name, so ``from tinker.types.<module> import X``
is the generated class, for Python and for type checkers alike. A module written by hand (a file without
the header below) is left alone; it must re-export the generated names itself (tests/types checks it).
With ``--check`` nothing is written and the exit status says whether the files are current.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

HEADER = '"""Public path of the generated `tinker_api.models.{module}` (written by codegen.sh; do not edit)."""'


def expected(models: Path, types_dir: Path) -> dict[Path, str | None]:
    """Path -> wanted text (None: a stale generated file to delete)."""
    out: dict[Path, str | None] = {}
    for source in sorted(models.glob("*.py")):
        module = source.stem
        if module.startswith("_"):
            continue
        target = types_dir / f"{module}.py"
        if target.exists() and not target.read_text(encoding="utf-8").startswith(HEADER.format(module=module)):
            continue  # hand-written
        names = exported(source)
        lines = [HEADER.format(module=module), "", "from __future__ import annotations", ""]
        lines += [f"from tinker_api.models.{module} import {name} as {name}" for name in names]
        lines += ["", f"__all__ = {names!r}", ""]
        out[target] = "\n".join(lines)
    for target in sorted(types_dir.glob("*.py")):
        if target not in out and target.read_text(encoding="utf-8").startswith(HEADER.format(module=target.stem)):
            out[target] = None
    return out


def exported(source: Path) -> list[str]:
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return sorted(ast.literal_eval(node.value))
    raise SystemExit(f"{source}: no literal __all__")


def main() -> None:
    models, types_dir = Path(sys.argv[1]), Path(sys.argv[2])
    check = "--check" in sys.argv[3:]
    stale = []
    for target, text in expected(models, types_dir).items():
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(target)
        if check:
            continue
        if text is None:
            target.unlink()
        else:
            target.write_text(text, encoding="utf-8")
    if check and stale:
        print("codegen.sh: public module paths differ: " + ", ".join(str(p) for p in stale), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
