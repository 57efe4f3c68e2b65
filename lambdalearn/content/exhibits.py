"""Exhibits: the log excerpt, REPORT line, error payload, policy, template or metric table a question shows.

Exam questions often hand the candidate an artefact to read before the question. An exhibit is verbatim
text shown monospaced above the prompt; its kind says how to check it (a policy must be JSON, a template
YAML) and how to colour it. Kept apart from `questions.py` so the graders stay free of parsing concerns.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass


EXHIBIT_KINDS = ("log", "report", "error", "policy", "template", "metrics", "code")
MAX_EXHIBIT_COLUMNS = 100
# Tab is refused as well: it renders at a different width in every terminal, so columns would not line up.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# Pygments lexer names for the kinds whose text has a syntax; the others are shown as they are.
SYNTAX_OF_KIND = {"error": "json", "policy": "json", "template": "yaml", "code": "python"}


@dataclass(frozen=True)
class Exhibit:
    kind: str
    text: str
    title: str | None = None

    @property
    def heading(self) -> str:
        """The caption every front end shows: `Exhibit · policy · Resource-based policy of orders`."""
        return "Exhibit · " + self.kind + (f" · {self.title}" if self.title else "")


@functools.cache
def _template_loader() -> type:
    """Safe YAML plus CloudFormation's short-form intrinsic functions (!Ref, !GetAtt, !Sub, ...). Built on first
    use: a start answered by the pack cache never imports the YAML parser."""
    import yaml

    class TemplateLoader(yaml.SafeLoader):
        pass

    def intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> object:
        if isinstance(node, yaml.ScalarNode):
            return {tag_suffix: loader.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {tag_suffix: loader.construct_sequence(node, deep=True)}
        return {tag_suffix: loader.construct_mapping(node, deep=True)}

    TemplateLoader.add_multi_constructor("!", intrinsic)
    return TemplateLoader


def exhibit_problems(kind: str, text: str) -> list[tuple[int, str]]:
    """What is wrong with an exhibit's text, as (line within the text, 1-based, message); empty when sound."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        bad = _CONTROL.search(line)
        if bad:
            name = "a tab" if bad.group() == "\t" else f"control character U+{ord(bad.group()):04X}"
            found.append((number, f"{name} at column {bad.start() + 1}; exhibits are shown verbatim, use plain spaces"))
        elif len(line) > MAX_EXHIBIT_COLUMNS:
            found.append((number, f"line is {len(line)} columns wide; wrap it at {MAX_EXHIBIT_COLUMNS} so it fits the screen"))
    if found:
        return found
    syntax = SYNTAX_OF_KIND.get(kind)
    if kind in ("policy", "error"):
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            found.append((exc.lineno, f"{'an' if kind == 'error' else 'a'} {kind} exhibit must be JSON: {exc.msg} at column {exc.colno}"))
    elif syntax == "yaml":
        import yaml

        try:
            yaml.load(text, Loader=_template_loader())  # noqa: S506 - a safe loader with only tag constructors added
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            reason = exc.problem or exc.context or "invalid YAML"
            found.append(((mark.line + 1) if mark else 1, f"a template exhibit must be YAML: {reason}"))
    return found
