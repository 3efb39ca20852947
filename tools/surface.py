"""The provider surface, generated from its one declaration: ``NumberProvider`` in
``didkit/protocol.py``.

Every operation a provider offers is declared once, by hand, as a member of ``NumberProvider``
(its signature and its documentation). This module writes everything that follows from that
declaration, into regions that `cog <https://nedbatchelder.com/code/cog/>`_ owns:

* ``AsyncNumberProvider`` (the same members as coroutines and async iterators);
* ``SURFACE``, the table the broker runs providers by (each operation's result type, whether it
  is a listing, whether it buys);
* the sync and async shells of ``SyncProvider`` and ``AsyncProvider``, whose bodies only hand
  the call to ``_ProviderCore._plan_<name>`` (written once) and run what it planned.

Regenerate after changing the protocol: ``cog -r -I tools didkit/protocol.py didkit/_providers.py``.
``.ci/run`` and ``tests/core/test_core_surface.py`` run ``cog --check``: a hand edit to a generated
region, or a protocol change without regeneration, fails them.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

PROTOCOL = Path(__file__).resolve().parents[1] / "didkit" / "protocol.py"
LINE_LENGTH = 120

#: Members of ``NumberProvider`` that are not operations: each shell writes its own.
LIFECYCLE = frozenset({"name", "capabilities", "close", "__enter__", "__exit__"})

#: What the signatures cannot say. Operations that buy: a result of the wrong type from one of
#: them leaves the purchase's outcome unknown (the broker must not buy again).
BUYS = frozenset({"purchase", "purchase_offers"})
#: Operations that still take carrier names as keywords (deprecated): the shells accept
#: ``**legacy`` and pass it on; the protocol does not declare it.
LEGACY_KEYWORDS = frozenset({"list_numbers", "update_number"})


@dataclass(frozen=True)
class Member:
    """One operation of the protocol."""

    name: str
    arguments: ast.arguments
    returns: ast.expr
    doc: str

    @property
    def is_listing(self) -> bool:
        return isinstance(self.returns, ast.Subscript) and ast.unparse(self.returns.value) == "Iterator"

    @property
    def result(self) -> str:
        """The type a result (or each item of a listing) must be an instance of."""
        annotation = self.returns.slice if self.is_listing else self.returns  # type: ignore[attr-defined]
        if isinstance(annotation, ast.Subscript):
            annotation = annotation.value
        text = ast.unparse(annotation)
        return "type(None)" if text == "None" else text

    def parameters(self, *, legacy: bool) -> list[str]:
        args = self.arguments
        texts: list[str] = []
        positional = args.args[1:]  # self
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        for arg, default in zip(positional, defaults, strict=True):
            texts.append(_parameter(arg, default))
        if args.kwonlyargs:
            texts.append("*")
            keywords = zip(args.kwonlyargs, args.kw_defaults, strict=True)
            texts.extend(_parameter(arg, default) for arg, default in keywords)
        if legacy and self.name in LEGACY_KEYWORDS:
            texts.append("**legacy: Any")
        return texts

    def call_arguments(self, *, legacy: bool) -> str:
        args = self.arguments
        passed = [arg.arg for arg in args.args[1:]]
        passed += [f"{arg.arg}={arg.arg}" for arg in args.kwonlyargs]
        if legacy and self.name in LEGACY_KEYWORDS:
            passed.append("**legacy")
        return ", ".join(passed)

    def annotation(self, *, asynchronous: bool) -> str:
        text = ast.unparse(self.returns)
        if asynchronous and self.is_listing:
            return "Async" + text
        return text


def _parameter(arg: ast.arg, default: ast.expr | None) -> str:
    text = arg.arg
    if arg.annotation is not None:
        text += f": {ast.unparse(arg.annotation)}"
        if default is not None:
            text += f" = {ast.unparse(default)}"
    elif default is not None:
        text += f"={ast.unparse(default)}"
    return text


def members() -> list[Member]:
    """The operations ``NumberProvider`` declares, in declaration order."""
    tree = ast.parse(PROTOCOL.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "NumberProvider":
            found = []
            for item in node.body:
                if not isinstance(item, ast.FunctionDef) or item.name in LIFECYCLE:
                    continue
                if item.returns is None:
                    raise SystemExit(f"NumberProvider.{item.name} has no return annotation")
                found.append(Member(item.name, item.args, item.returns, ast.get_docstring(item) or ""))
            return found
    raise SystemExit(f"no NumberProvider in {PROTOCOL}")


def _signature(prefix: str, member: Member, annotation: str, *, legacy: bool, indent: str) -> list[str]:
    parameters = ["self", *member.parameters(legacy=legacy)]
    one_line = f"{indent}{prefix} {member.name}({', '.join(parameters)}) -> {annotation}:"
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    lines = [f"{indent}{prefix} {member.name}("]
    lines += [f"{indent}    {parameter}," for parameter in parameters]
    lines.append(f"{indent}) -> {annotation}:")
    return lines


def _docstring(doc: str, indent: str) -> list[str]:
    if not doc:
        return []
    lines = doc.splitlines()
    if len(lines) == 1 and len(indent) + len(lines[0]) + 6 <= LINE_LENGTH:
        return [f'{indent}"""{lines[0]}"""']
    body = textwrap.indent("\n".join(lines), indent).splitlines()
    body[0] = f'{indent}"""{lines[0]}'
    body[-1] += '"""'
    return [line.rstrip() for line in body]


def _statement(text: str, indent: str) -> list[str]:
    """``return outer(inner(args))``, wrapped the way ruff formats it when it is too long."""
    if len(indent) + len(text) <= LINE_LENGTH:
        return [indent + text]
    outer, _, rest = text.partition("(")
    inner = rest[:-1]
    deeper = indent + "    "
    if len(deeper) + len(inner) <= LINE_LENGTH:
        return [f"{indent}{outer}(", deeper + inner, f"{indent})"]
    call, _, arguments = inner.partition("(")
    lines = [f"{indent}{outer}(", f"{deeper}{call}("]
    lines += [f"{deeper}    {argument}," for argument in arguments[:-1].split(", ")]
    return [*lines, f"{deeper})", f"{indent})"]


def _emit(lines: list[str]) -> None:
    import cog  # available only while cog runs this module

    cog.outl("\n".join(lines))


def async_protocol() -> None:
    """The operations of ``AsyncNumberProvider``."""
    lines: list[str] = []
    for member in members():
        prefix = "def" if member.is_listing else "async def"
        signature = _signature(prefix, member, member.annotation(asynchronous=True), legacy=False, indent="    ")
        signature[-1] += " ..."
        lines += ["", *signature]
    _emit([*lines[1:], ""])


def surface_table() -> None:
    """``SURFACE``: each operation's name, result type, and whether it lists or buys."""
    lines = ["SURFACE: Mapping[str, SurfaceMember] = {"]
    for member in members():
        lines.append(
            f'    "{member.name}": SurfaceMember("{member.name}", {member.result}, '
            f"listing={member.is_listing}, buys={member.name in BUYS}),"
        )
    lines.append("}")
    _emit(lines)


def shells(*, asynchronous: bool) -> None:
    """The operations of ``SyncProvider`` (or ``AsyncProvider``): each plans once, then runs."""
    lines: list[str] = []
    for member in members():
        arguments = member.call_arguments(legacy=True)
        plan = f"self._plan_{member.name}({arguments})"
        if member.is_listing:
            prefix, body = "def", f"return self._list({plan})"
        elif asynchronous:
            prefix, body = "async def", f"return await self._call({plan})"
        else:
            prefix, body = "def", f"return self._call({plan})"
        annotation = member.annotation(asynchronous=asynchronous)
        lines += ["", *_signature(prefix, member, annotation, legacy=True, indent="    ")]
        lines += _docstring(member.doc, "        ")
        lines += _statement(body, "        ")
    _emit([*lines[1:], ""])
