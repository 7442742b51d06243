"""Every audit event in src/ names its action by the vocabulary (`Action.X`), never as a string
literal, and never gives its actor as a literal string: a renamed or misspelt action would
otherwise write a string no reader of the log knows. Read from the source with `ast`, so a call
added anywhere later is held to the same rule."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import kommunpris
from kommunpris.audit.vocabulary import Action

SOURCE = Path(kommunpris.__file__).parent
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _is_record_event(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Name) and func.id == "record_event") or (
        isinstance(func, ast.Attribute) and func.attr == "record_event"
    )


def _is_action_annotation(annotation: ast.expr | None) -> bool:
    return (isinstance(annotation, ast.Name) and annotation.id == "Action") or (
        isinstance(annotation, ast.Constant) and annotation.value == "Action"
    )


def _names_an_action(node: ast.expr, function: ast.AST | None) -> bool:
    """`Action.MEMBER`; either branch of `a if c else b` an action; or a local name that is a
    parameter annotated `Action`, or only ever assigned actions in its function."""
    if isinstance(node, ast.Attribute):
        return (
            isinstance(node.value, ast.Name)
            and node.value.id == "Action"
            and node.attr in Action.__members__
        )
    if isinstance(node, ast.IfExp):
        return _names_an_action(node.body, function) and _names_an_action(node.orelse, function)
    if isinstance(node, ast.Name) and isinstance(function, FUNCTIONS):
        arguments = function.args
        for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            if argument.arg == node.id:
                return _is_action_annotation(argument.annotation)
        values = [
            assignment.value
            for assignment in ast.walk(function)
            if isinstance(assignment, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == node.id for t in assignment.targets)
        ]
        return bool(values) and all(_names_an_action(v, None) for v in values)
    return False


def _holds_a_literal_string(node: ast.expr) -> bool:
    return any(
        isinstance(part, ast.JoinedStr)
        or (isinstance(part, ast.Constant) and isinstance(part.value, str))
        for part in ast.walk(node)
    )


def _calls_with_their_function(
    tree: ast.AST,
) -> Iterator[tuple[ast.Call, ast.AST | None]]:
    def visit(node: ast.AST, function: ast.AST | None) -> Iterator[tuple[ast.Call, ast.AST | None]]:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, FUNCTIONS) else function
            if isinstance(child, ast.Call) and _is_record_event(child):
                yield child, inner
            yield from visit(child, inner)

    yield from visit(tree, None)


def audit_calls_breaking_the_vocabulary(source: str, filename: str) -> tuple[int, list[str]]:
    """How many `record_event` calls the source holds, and a line for each that breaks the rule."""
    found, broken = 0, []
    for call, function in _calls_with_their_function(ast.parse(source, filename)):
        if function is not None and getattr(function, "name", "") == "record_event":
            continue
        found += 1
        where = f"{filename}:{call.lineno}"
        keywords = {k.arg: k.value for k in call.keywords}
        if None in keywords or call.args:
            broken.append(f"{where}: arguments the test cannot read (*args or **kwargs)")
            continue
        action = keywords.get("action")
        if action is None or not _names_an_action(action, function):
            shown = ast.unparse(action) if action is not None else "nothing"
            broken.append(f"{where}: action={shown} is not a member of Action")
        actor = keywords.get("actor")
        if actor is None or _holds_a_literal_string(actor):
            shown = ast.unparse(actor) if actor is not None else "nothing"
            broken.append(
                f"{where}: actor={shown} is a literal; use actor_label(...) or PUBLIC/SYSTEM/CLI"
            )
    return found, broken


def test_every_audit_event_in_src_names_its_action_and_actor_by_the_vocabulary() -> None:
    found, broken = 0, []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        count, problems = audit_calls_breaking_the_vocabulary(
            path.read_text("utf-8"), str(path.relative_to(SOURCE))
        )
        found += count
        broken += problems
    assert broken == []
    # The scan sees the calls it is about (66 when this test was written).
    assert found >= 60


def test_the_scan_catches_literals_and_unknown_members() -> None:
    source = """
def open_it(edition, actor):
    record_event(action="edition.opened", actor=actor_label(actor), target=t)
    record_event(action=Action.NO_SUCH_ACTION, actor=actor_label(actor), target=t)
    record_event(action=f"edition.{what}", actor=actor_label(actor), target=t)
    record_event(action=Action.EDITION_CREATED, actor="system", target=t)
    record_event(action=Action.EDITION_CREATED, actor=f"contact:{email}", target=t)
    record_event(**event)
    action = "edition.created" if edition else Action.EDITION_CREATED
    record_event(action=action, actor=SYSTEM, target=t)

def fine(edition, actor, action: Action, *, done: bool):
    record_event(action=action, actor=actor_label(actor), target=t)
    chosen = Action.EDITION_CREATED
    if done:
        chosen = Action.EDITION_NOMINATIONS_OPENED
    record_event(action=chosen, actor=SYSTEM, target=t)
    record_event(action=Action.EDITION_CREATED if done else chosen, actor=PUBLIC, target=t)
"""
    found, broken = audit_calls_breaking_the_vocabulary(source, "example.py")
    assert found == 10
    assert broken == [
        "example.py:3: action='edition.opened' is not a member of Action",
        "example.py:4: action=Action.NO_SUCH_ACTION is not a member of Action",
        "example.py:5: action=f'edition.{what}' is not a member of Action",
        "example.py:6: actor='system' is a literal; use actor_label(...) or PUBLIC/SYSTEM/CLI",
        "example.py:7: actor=f'contact:{email}' is a literal; use actor_label(...) or "
        "PUBLIC/SYSTEM/CLI",
        "example.py:8: arguments the test cannot read (*args or **kwargs)",
        "example.py:10: action=action is not a member of Action",
    ]
