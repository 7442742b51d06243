"""The organiser's e-mail templates: a small, safe part of Django's template language, checked
before it is saved, rendered when a message is queued, and the platform's own texts written in it.

An organiser writes plain text with placeholders, `{{ municipality }}`, a few filters
(`{{ publish_at|date:"j F Y" }}`) and conditions (`{% if name %}…{% else %}…{% endif %}`).
Nothing else of the template language is allowed — no loops, no loading of tag libraries, no
other templates, no lookups into objects — and only the placeholders its message offers: so a
template can neither run away nor reach anything beyond the values the message is given.
Anything else is refused with the line and what to write instead, and nothing is saved.

The HTML part of a message written here is made from its text (`html_from_text`), so the two
always say the same. The platform's own texts (the `mail/<message>` templates of each app,
translated with gettext) are turned into this language per language by `default_source`, which
is what the organiser starts from and returns to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import (
    FilterExpression,
    Lexer,
    Node,
    TextNode,
    Token,
    TokenType,
    Variable,
    VariableNode,
)
from django.template.defaultfilters import register as builtin_filters
from django.template.defaulttags import CommentNode, IfNode
from django.template.loader import get_template
from django.templatetags.i18n import BlockTranslateNode
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000
# Filters an organiser may use: formatting only.
ALLOWED_FILTERS = (
    "date",
    "time",
    "default",
    "upper",
    "lower",
    "capfirst",
    "title",
    "pluralize",
    "yesno",
)
_FILTER_NAMES = {builtin_filters.filters[name]: name for name in ALLOWED_FILTERS}
_ALLOWED_TAGS = {"if", "elif", "else", "endif", "comment", "endcomment"}

# One engine for every organiser's template: no loaders (so no other template can be read), no
# libraries beyond Django's built-ins (so `{% load %}` finds nothing), text not escaped (the
# text part is plain text; the HTML part escapes it itself).
_ENGINE = Engine(loaders=[], libraries={}, autoescape=False, debug=False)


class TemplateProblem(ValueError):
    """What is wrong with an organiser's template, in words they can act on."""


@dataclass(frozen=True)
class Placeholder:
    """A value a message offers its template."""

    name: str
    description: StrOrPromise
    # A link that lets the reader in: built when the message is sent, never stored; it may not
    # be changed by filters, and a message may require it.
    is_link: bool = False
    required: bool = False


def _shown(expression: str) -> str:
    return "{{ " + expression + " }}"


def _tag(contents: str) -> str:
    return "{% " + contents + " %}"


def _problem(line: int | None, message: str) -> TemplateProblem:
    if line:
        return TemplateProblem(_("Line %(line)s: %(problem)s") % {"line": line, "problem": message})
    return TemplateProblem(message)


def _names(placeholders: Iterable[Placeholder]) -> str:
    return ", ".join(_shown(p.name) for p in placeholders)


def _check_tokens(source: str) -> None:
    """What the lexer shows: only the allowed tags, each `{% if %}` closed, no half-written
    placeholder left in the text."""
    open_ifs: list[Token] = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT:
            for half in ("{{", "}}", "{%", "%}"):
                if half in token.contents:
                    raise _problem(
                        token.lineno,
                        _(
                            "“%(half)s” is not closed or not opened. Write a placeholder as "
                            "{{ name }} and a condition as {%% if name %%} … {%% endif %%}."
                        )
                        % {"half": half},
                    )
            continue
        if token.token_type != TokenType.BLOCK:
            continue
        command = (token.split_contents() or [""])[0]
        if command not in _ALLOWED_TAGS:
            raise _problem(
                token.lineno,
                _(
                    "{%% %(tag)s %%} cannot be used in an e-mail template. Only placeholders "
                    "such as {{ name }} and conditions {%% if … %%} {%% else %%} {%% endif %%} "
                    "can."
                )
                % {"tag": command},
            )
        if command == "if":
            open_ifs.append(token)
        elif command in ("elif", "else", "endif") and not open_ifs:
            raise _problem(
                token.lineno,
                _("{%% %(tag)s %%} has no {%% if … %%} before it.") % {"tag": command},
            )
        elif command == "endif":
            open_ifs.pop()
    if open_ifs:
        raise _problem(
            open_ifs[-1].lineno,
            _("{%% %(tag)s %%} has no {%% endif %%} after it.") % {"tag": open_ifs[-1].contents},
        )


def _variables(expression: FilterExpression) -> Iterator[Variable]:
    if isinstance(expression.var, Variable) and expression.var.lookups is not None:
        yield expression.var
    for _func, args in expression.filters:
        for is_variable, arg in args:
            if is_variable and isinstance(arg, Variable) and arg.lookups is not None:
                yield arg


def _expressions_of_condition(condition: Any) -> Iterator[FilterExpression]:
    """The expressions in a parsed `{% if %}` condition (Django's smartif tree)."""
    if condition is None:
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        yield value
    for part in (getattr(condition, "first", None), getattr(condition, "second", None)):
        if part is not None:
            yield from _expressions_of_condition(part)


_ALLOWED_NODES = (TextNode, VariableNode, IfNode, CommentNode)


def _walk(nodes: Iterable[Node]) -> Iterator[tuple[Node, list[FilterExpression]]]:
    """Every node with the expressions it evaluates."""
    for node in nodes:
        if isinstance(node, IfNode):
            expressions = [
                e
                for condition, _n in node.conditions_nodelists
                for e in _expressions_of_condition(condition)
            ]
            yield node, expressions
            for _condition, nodelist in node.conditions_nodelists:
                yield from _walk(nodelist)
        elif isinstance(node, VariableNode):
            yield node, [node.filter_expression]
        else:
            yield node, []


def _line(node: Node) -> int | None:
    token = getattr(node, "token", None)
    return getattr(token, "lineno", None)


def compile_template(source: str, placeholders: Sequence[Placeholder]) -> Template:
    """The template, checked: raises TemplateProblem naming the line and the fix."""
    _check_tokens(source)
    try:
        template = Template(source, engine=_ENGINE)
    except TemplateSyntaxError as exc:
        raise _problem(
            None, _("The template cannot be read: %(problem)s") % {"problem": exc}
        ) from None
    known = {p.name: p for p in placeholders}
    for node, expressions in _walk(template.nodelist):
        if not isinstance(node, _ALLOWED_NODES):  # the lexer's check lets no other tag through
            raise _problem(_line(node), _("This part cannot be used in an e-mail template."))
        for expression in expressions:
            for _func, _args in expression.filters:
                if _func not in _FILTER_NAMES:
                    raise _problem(
                        _line(node),
                        _(
                            "The filter in “%(expression)s” cannot be used. Filters that can: "
                            "%(allowed)s."
                        )
                        % {"expression": expression.token, "allowed": ", ".join(ALLOWED_FILTERS)},
                    )
            for variable in _variables(expression):
                lookups = variable.lookups or ()
                name = lookups[0] if lookups else ""
                if name not in known:
                    raise _problem(
                        _line(node),
                        _(
                            "{{ %(name)s }} is not a placeholder of this message. "
                            "Placeholders: %(known)s."
                        )
                        % {"name": variable.var, "known": _names(placeholders)},
                    )
                if len(lookups) > 1:
                    raise _problem(
                        _line(node),
                        _("Write the placeholder {{ %(name)s }} alone, without “.%(rest)s”.")
                        % {"name": name, "rest": ".".join(lookups[1:])},
                    )
                if known[name].is_link and expression.filters and isinstance(node, VariableNode):
                    raise _problem(
                        _line(node),
                        _(
                            "{{ %(name)s }} is a link made when the message is sent: write it "
                            "without filters."
                        )
                        % {"name": name},
                    )
    return template


def used_placeholders(template: Template) -> set[str]:
    """The placeholders a compiled template shows or tests."""
    return {
        variable.lookups[0]
        for _node, expressions in _walk(template.nodelist)
        for expression in expressions
        for variable in _variables(expression)
        if variable.lookups
    }


@dataclass(frozen=True)
class CheckedTemplate:
    subject: Template
    body: Template


def check(*, subject: str, body: str, placeholders: Sequence[Placeholder]) -> CheckedTemplate:
    """A message's subject and body, checked together; raises TemplateProblem."""
    subject, body = normalised(subject), normalised(body)
    if not subject.strip():
        raise TemplateProblem(_("The subject is empty. Write what the message is about."))
    if "\n" in subject.strip():
        raise TemplateProblem(_("The subject is one line: remove the line breaks."))
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise TemplateProblem(
            _("The subject is %(length)s characters long; at most %(limit)s fit.")
            % {"length": len(subject), "limit": SUBJECT_MAX_LENGTH}
        )
    if not body.strip():
        raise TemplateProblem(_("The text is empty. Write the message."))
    if len(body) > BODY_MAX_LENGTH:
        raise TemplateProblem(
            _("The text is %(length)s characters long; at most %(limit)s fit.")
            % {"length": len(body), "limit": BODY_MAX_LENGTH}
        )
    try:
        checked_subject = compile_template(subject, placeholders)
    except TemplateProblem as exc:
        raise TemplateProblem(_("In the subject: %(problem)s") % {"problem": exc}) from None
    try:
        checked_body = compile_template(body, placeholders)
    except TemplateProblem as exc:
        raise TemplateProblem(_("In the text: %(problem)s") % {"problem": exc}) from None
    used = used_placeholders(checked_body) | used_placeholders(checked_subject)
    for placeholder in placeholders:
        if placeholder.required and placeholder.name not in used:
            raise TemplateProblem(
                _(
                    "The text must contain {{ %(name)s }}: %(description)s Put it on a line "
                    "of its own where the reader should find it."
                )
                % {"name": placeholder.name, "description": placeholder.description}
            )
    return CheckedTemplate(subject=checked_subject, body=checked_body)


def normalised(text: str) -> str:
    """Line endings as the browser sends them, made one."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(checked: CheckedTemplate, context: Mapping[str, Any], *, language: str) -> Rendered:
    """The message as sent: subject on one line, the text, and HTML made from the text."""
    with translation.override(language):
        subject = " ".join(checked.subject.render(Context(dict(context))).split())
        text = checked.body.render(Context(dict(context))).strip("\n") + "\n"
    return Rendered(subject=subject, text=text, html=html_from_text(text, subject, language))


# Web addresses and the markers that links to be built at sending stand on (mail.services).
_LINK = re.compile(r"(https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]|\[\[link-[0-9a-f]{16}\]\])")
_PARAGRAPH = "<p>{}</p>"


def _linked(line: str) -> str:
    parts = _LINK.split(line)
    return "".join(
        f'<a href="{escape(part)}">{escape(part)}</a>' if index % 2 else escape(part)
        for index, part in enumerate(parts)
    )


def html_from_text(text: str, subject: str, language: str) -> str:
    """The HTML part of a message the organiser wrote: the same words, paragraphs as written,
    web addresses as links, in the look of the platform's own messages."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    body = "\n".join(
        _PARAGRAPH.format("<br>\n".join(_linked(line) for line in p.split("\n")))
        for p in paragraphs
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}">\n<head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>\n"
        '<body style="font-family: Arial, Helvetica, sans-serif; color: #1c2430; '
        'line-height: 1.5; max-width: 40rem;">\n'
        f"{body}\n</body>\n</html>\n"
    )


# --- the platform's own texts, written in the organiser's language ---------------------------


class Untranslatable(LookupError):
    """A platform template uses something the organiser's language has no way to say."""


def _source_of_tokens(tokens: Iterable[Token]) -> str:
    out = []
    for token in tokens:
        if token.token_type == TokenType.TEXT:
            out.append(token.contents)
        elif token.token_type == TokenType.VAR:
            out.append(_shown(token.contents))
        elif token.token_type == TokenType.BLOCK:
            out.append(_tag(token.contents))
    return "".join(out)


def _i18n_node(tokens: list[Token]) -> Node:
    template = Template("{% load i18n %}" + _source_of_tokens(tokens))
    return template.nodelist[-1]


def _blocktranslate_source(node: BlockTranslateNode) -> str:
    """One `{% blocktranslate %}` in the active language, its values as placeholders."""
    if node.asvar:
        raise Untranslatable("{% blocktranslate … as … %}")
    expressions = {name: value.token for name, value in node.extra_context.items()}
    if node.countervar and node.counter is not None:
        expressions[node.countervar] = node.counter.token

    def placed(message: str) -> str:
        names = re.findall(r"%\((\w+)\)s", message)
        return message % {name: _shown(expressions.get(name, name)) for name in names}

    singular, _vars = node.render_token_list(node.singular)
    context = node.message_context.var if node.message_context else None
    if node.plural and node.counter is not None:
        plural, _plural_vars = node.render_token_list(node.plural)
        if context:
            one = translation.npgettext(context, singular, plural, 1)
            many = translation.npgettext(context, singular, plural, 2)
        else:
            one = translation.ngettext(singular, plural, 1)
            many = translation.ngettext(singular, plural, 2)
        counter = node.counter.token
        return (
            _tag(f"if {counter} == 1") + placed(one) + "{% else %}" + placed(many) + "{% endif %}"
        )
    text = translation.pgettext(context, singular) if context else translation.gettext(singular)
    return placed(text)


def default_source(template_name: str, *, language: str) -> str:
    """A platform template (`mail/<message>.txt` or `.subject.txt`) as the organiser's text in
    `language`: its translations written out, its placeholders and conditions kept."""
    source = get_template(template_name).template.source  # type: ignore[attr-defined]
    tokens = Lexer(source).tokenize()
    out: list[str] = []
    index = 0
    with translation.override(language):
        while index < len(tokens):
            token = tokens[index]
            index += 1
            if token.token_type == TokenType.TEXT:
                out.append(token.contents)
            elif token.token_type == TokenType.VAR:
                out.append(_shown(token.contents))
            elif token.token_type == TokenType.BLOCK:
                command = token.split_contents()[0]
                if command in ("load", "autoescape", "endautoescape"):
                    continue
                if command in ("if", "elif", "else", "endif"):
                    out.append(_tag(token.contents))
                elif command in ("translate", "trans"):
                    out.append(_i18n_node([token]).render(Context({})))
                elif command in ("blocktranslate", "blocktrans"):
                    block = [token]
                    while not tokens[index].contents.startswith(("endblocktrans",)):
                        block.append(tokens[index])
                        index += 1
                    block.append(tokens[index])
                    index += 1
                    node = _i18n_node(block)
                    assert isinstance(node, BlockTranslateNode)
                    out.append(_blocktranslate_source(node))
                else:
                    raise Untranslatable(f"{template_name}: {{% {command} %}}")
    return "".join(out)


def default_subject_and_body(message: str, *, language: str) -> tuple[str, str]:
    """The platform's own subject and text of `message` in `language`, as the organiser edits
    them."""
    subject = " ".join(default_source(f"mail/{message}.subject.txt", language=language).split())
    body = default_source(f"mail/{message}.txt", language=language).strip("\n") + "\n"
    return subject, body
