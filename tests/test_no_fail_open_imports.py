"""Protections fail closed: no ``except ImportError`` around the project's own modules
(issue 14, finding 9). If scrubbing, rate limiting or triage could not be imported,
the code must fail loudly, not carry on without them."""

from __future__ import annotations

import ast

from helpline.common.testing import REPO_DIR


def _guards_project_module(handler_try: ast.Try) -> bool:
    for node in ast.walk(ast.Module(body=handler_try.body, type_ignores=[])):
        if isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").startswith(
                "helpline")):
            return True
        if isinstance(node, ast.Import) and any(a.name.startswith("helpline") for a in node.names):
            return True
    return False


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    names = []
    if isinstance(handler.type, ast.Tuple):
        names = [getattr(e, "id", getattr(e, "attr", "")) for e in handler.type.elts]
    elif handler.type is not None:
        names = [getattr(handler.type, "id", getattr(handler.type, "attr", ""))]
    return bool({"ImportError", "ModuleNotFoundError"} & set(names))


def test_no_except_import_error_around_project_modules():
    found = []
    for path in sorted((REPO_DIR / "helpline").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Try) and any(_catches_import_error(h) for h in node.handlers):
                if _guards_project_module(node):
                    found.append(f"{path.relative_to(REPO_DIR)}:{node.lineno}")
    assert not found, "fail-open imports of the project's own modules:\n" + "\n".join(found)
