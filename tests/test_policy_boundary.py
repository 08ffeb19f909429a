"""Access decisions live in app/policy/ and nowhere else.

Outside app/policy/, no Python module reads a member's ``is_admin``, ``is_staff`` or
``is_moderator`` and none compares a ``.role`` with a ``MemberRole``/``GroupRole``
constant; no template reads those flags or compares a ``.role`` with a role name. A view
asks the policy and hands the template ``may_*`` values; a service calls a ``check_*``
function; a search document carries fields and the policy decides.

Writes stay allowed (``Member(is_admin=True)``, ``member.is_admin = True``,
``.values(is_admin=...)``): setting a role is not deciding with it. So do the modules that
define the columns (models.py) and the fields (schemas). The seed and demo modules are
scanned like the rest: they pass as long as they only construct rows.

This test reads files and imports nothing from the application.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
TEMPLATES = ROOT / "templates"

ROLE_FLAGS = frozenset({"is_admin", "is_staff", "is_moderator"})
ROLE_ENUMS = frozenset({"MemberRole", "GroupRole"})
COMPARISONS = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)

DEFINING_MODULES = frozenset({"models.py", "schemas.py", "admin_schemas.py"})
"""They define the columns and fields the flags live in."""


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _is_role_constant(node: ast.expr) -> bool:
    """``MemberRole.X`` / ``GroupRole.X``, or a tuple/list/set of them."""
    if isinstance(node, ast.Attribute):
        return isinstance(node.value, ast.Name) and node.value.id in ROLE_ENUMS
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return bool(node.elts) and all(_is_role_constant(element) for element in node.elts)
    return False


def _is_role_read(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "role"


def python_offences(source: str) -> list[tuple[int, str]]:
    """(line, what) for each role flag read and each role comparison in ``source``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ROLE_FLAGS
            and isinstance(node.ctx, ast.Load)
        ):
            found.append((node.lineno, f"reads .{node.attr}"))
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for op, left, right in zip(node.ops, sides[:-1], sides[1:], strict=True):
                if not isinstance(op, COMPARISONS):
                    continue
                if (_is_role_read(left) and _is_role_constant(right)) or (
                    _is_role_read(right) and _is_role_constant(left)
                ):
                    found.append((node.lineno, "compares .role with a role constant"))
    return sorted(found)


_TEMPLATE_CODE = re.compile(r"{{(.*?)}}|{%(.*?)%}", re.DOTALL)
_TEMPLATE_COMMENT = re.compile(r"{#.*?#}", re.DOTALL)
_FLAG = re.compile(r"\b(is_admin|is_staff|is_moderator)\b")
_STRING = r"""(?:"[^"]*"|'[^']*')"""
_ROLE = r"\.role(?:\.value)?"
_OPERATOR = r"(?:==|!=|\bnot\s+in\b|\bin\b)"
_ROLE_COMPARISON = re.compile(
    rf"{_ROLE}\s*{_OPERATOR}\s*[\[(]?\s*{_STRING}|{_STRING}\s*[\])]?\s*{_OPERATOR}\s*\S*{_ROLE}\b"
)


def template_offences(source: str) -> list[tuple[int, str]]:
    """(line, what) for each role flag read, and each ``.role`` compared with a role name,
    inside ``{{ }}`` or ``{% %}``."""
    source = _TEMPLATE_COMMENT.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), source)
    found: list[tuple[int, str]] = []
    for block in _TEMPLATE_CODE.finditer(source):
        code = block.group()
        for pattern, what in ((_FLAG, "reads {}"), (_ROLE_COMPARISON, "compares .role: {}")):
            for match in pattern.finditer(code):
                line = source.count("\n", 0, block.start() + match.start()) + 1
                found.append((line, what.format(match.group().strip())))
    return sorted(found)


def _exempt(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.startswith("app/policy/") or name in DEFINING_MODULES


def _all_offences() -> dict[str, list[tuple[int, str]]]:
    found: dict[str, list[tuple[int, str]]] = {}
    for file in sorted(APP.rglob("*.py")):
        path = _relative(file)
        if not _exempt(path):
            found[path] = python_offences(file.read_text(encoding="utf-8"))
    for file in sorted(TEMPLATES.rglob("*.html")):
        found[_relative(file)] = template_offences(file.read_text(encoding="utf-8"))
    return {path: offences for path, offences in found.items() if offences}


def test_no_access_decision_outside_the_policy() -> None:
    offenders = [
        f"{path}:{line}: {what}"
        for path, offences in _all_offences().items()
        for line, what in offences
    ]
    assert not offenders, (
        "Access decisions outside app/policy/ (ask a policy function; templates get may_* "
        "values from the view):\n" + "\n".join(offenders)
    )


# --- the scanner itself ---------------------------------------------------------------------


def test_reads_and_role_comparisons_are_flagged() -> None:
    source = """
if member.is_admin or viewer.is_staff:
    pass
ok = [m for m in members if m.is_moderator]
owner = membership.role == GroupRole.OWNER
staff = GroupRole.MODERATOR != target.role
either = membership.role in (GroupRole.OWNER, GroupRole.MODERATOR)
"""
    assert [line for line, _what in python_offences(source)] == [2, 2, 4, 5, 6, 7]


def test_writes_and_definitions_are_allowed() -> None:
    source = """
member = Member(display_name="Ada", is_admin=True, is_moderator=flag)
member.is_admin = True
setattr(member, "is_moderator", False)
statement = update(Member).values(is_admin=False)
same_name = membership.role == new_role
label = role.value
"""
    assert python_offences(source) == []


def test_template_reads_are_flagged_and_data_is_not() -> None:
    source = """{% if member.is_admin %}x{% endif %}
{{ "yes" if subject.is_staff else "no" }}
{# member.is_admin in a comment is fine #}
<p>is_admin outside a tag is text</p>
{% if page.membership.role.value == "owner" %}o{% endif %}
{{ "an" if "owner" == membership.role else "a" }}
{{ subject.role.value | capitalize }}
{% if role == subject.role %} selected{% endif %}
{% if may_use_admin_only_pages %}links{% endif %}"""
    assert [line for line, _what in template_offences(source)] == [1, 2, 5, 6]
