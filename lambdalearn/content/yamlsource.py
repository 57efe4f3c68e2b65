"""YAML loading that remembers where every value came from.

`yaml.safe_load` forgets line numbers and silently keeps the last of two duplicate keys. Authors need both:
"quizzes/x.yaml:14: questions[ff-03].answer: ..." is only possible if each value knows its line. We compose
the node tree with the safe loader (so the semantics stay exactly those of `safe_load`) and walk it once,
recording the line of each path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lambdalearn.content.problems import Problem

PathKey = tuple[Any, ...]
# libyaml's safe loader has the same semantics as yaml.SafeLoader and is about ten times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlSource:
    """A parsed YAML document plus the 1-based line of every mapping key and sequence item in it."""

    path: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line(self, *path: Any) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        key: PathKey = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)


class YamlError(Exception):
    """The text is not valid YAML; carries the located problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def parse_yaml(
    text: str, path: str, line_offset: int = 0, loader_class: type = _SafeLoader
) -> tuple[YamlSource, list[Problem]]:
    """Parse `text` with safe_load semantics; returns the source and any duplicate-key problems.

    Raises YamlError for a syntax error, located by line and column. `line_offset` shifts reported lines
    (front matter starts below the opening `---`). `loader_class` may extend the safe loader with tags (the
    CloudFormation short forms such as `!Ref`).
    """
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        problems: list[Problem] = []
        lines: dict[PathKey, int] = {}
        if node is not None:
            _walk(loader, node, (), lines, problems, path, line_offset)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        column = (mark.column + 1) if mark else 1
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlError(Problem(path, line, "", f"YAML syntax error at column {column}: {reason}")) from None
    except yaml.YAMLError as exc:
        raise YamlError(Problem(path, 1 + line_offset, "", f"YAML error: {exc}")) from None
    finally:
        loader.dispose()
    return YamlSource(path, data, lines), problems


def load_mapping_file(path: Path, rel: str, problems: list[Problem], expected: str) -> YamlSource | None:
    """Parse the YAML file at `path` (shown as `rel`), which must hold a mapping; None when it cannot be used.

    Syntax errors, encoding errors, duplicate keys and a non-mapping document all go to `problems`;
    `expected` names the keys the author should write, for that last message.
    """
    try:
        source, found = parse_yaml(path.read_text(encoding="utf-8"), rel)
    except YamlError as exc:
        problems.append(exc.problem)
        return None
    except UnicodeDecodeError:
        problems.append(Problem(rel, 0, "", "not UTF-8 text"))
        return None
    problems.extend(found)
    if not isinstance(source.data, dict):
        problems.append(Problem(rel, 1, "", f"expected a mapping with {expected}"))
        return None
    return source


def _walk(
    loader: Any,
    node: yaml.Node,
    path: PathKey,
    lines: dict[PathKey, int],
    problems: list[Problem],
    file: str,
    offset: int,
) -> None:
    lines[path] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = loader.construct_object(key_node)
            key_line = key_node.start_mark.line + 1 + offset
            if key in seen and key != "<<":
                problems.append(
                    Problem(file, key_line, format_field((*path, key)), f"duplicate key (first at line {seen[key]})")
                )
            seen.setdefault(key, key_line)
            _walk(loader, value_node, (*path, key), lines, problems, file, offset)
            lines[(*path, key)] = key_line
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _walk(loader, child, (*path, index), lines, problems, file, offset)


def format_field(path: PathKey) -> str:
    """`("questions", 2, "answer")` -> `questions[2].answer`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
