"""YAML loading that remembers where every value came from.

`yaml.safe_load` forgets line numbers and silently keeps the last of two duplicate keys. Authors need both:
"quizzes/x.yaml:14: questions[ff-03].answer: ..." is only possible if each value knows its line. We compose
the node tree with the safe loader (so the semantics stay exactly those of `safe_load`) and walk it once,
recording the line of each path.

The text may be hostile: a few hundred bytes of nested aliases ("billion laughs") expand to billions of
values for whoever walks the result. The walk visits each node once, measures the document as if every alias
were expanded, and refuses it beyond `MAX_VALUES` values or `MAX_DEPTH` levels; an alias that contains itself
is refused too. Scalars with an explicit tag that does not fit (`!!int abc`) become located problems.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lambdalearn.content.packfiles import read_pack_text
from lambdalearn.content.problems import Problem
from lambdalearn.textsafe import control_characters, control_refusal

PathKey = tuple[Any, ...]
MAX_VALUES = 100_000  # values in the document with every alias expanded (the largest bundled deck: ~3,000)
MAX_DEPTH = 64
_MERGE_TAG = "tag:yaml.org,2002:merge"  # `<<: *base`, resolved by the constructor, not a value of its own
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
            _Walk(loader, lines, problems, path, line_offset).visit(node, (), 0)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        column = (mark.column + 1) if mark else 1
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlError(Problem(path, line, "", f"YAML syntax error at column {column}: {reason}")) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: say which, on its line
        line = text.count("\n", 0, exc.position) + 1 + line_offset
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise YamlError(Problem(path, line, "", f"YAML does not allow the character U+{code:04X}")) from None
    except yaml.YAMLError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise YamlError(Problem(path, 1 + line_offset, "", f"YAML error: {reason}")) from None
    except RecursionError:  # the pure-Python composer recurses once per level
        raise YamlError(Problem(path, 1 + line_offset, "", f"document refused: nested deeper than {MAX_DEPTH} levels")) from None
    finally:
        loader.dispose()
    return YamlSource(path, data, lines), problems


def load_mapping_file(path: Path, rel: str, problems: list[Problem], expected: str) -> YamlSource | None:
    """Parse the YAML file at `path` (shown as `rel`), which must hold a mapping; None when it cannot be used.

    Syntax errors, encoding errors, duplicate keys and a non-mapping document all go to `problems`;
    `expected` names the keys the author should write, for that last message.
    """
    text = read_pack_text(path, rel, problems)
    if text is None:
        return None
    try:
        source, found = parse_yaml(text, rel)
    except YamlError as exc:
        problems.append(exc.problem)
        return None
    problems.extend(found)
    if not isinstance(source.data, dict):
        problems.append(Problem(rel, 1, "", f"expected a mapping with {expected}"))
        return None
    return source


class _Walk:
    """One pass over the node tree: lines of every path, duplicate keys, bad tags, size and depth limits."""

    def __init__(self, loader: Any, lines: dict[PathKey, int], problems: list[Problem], file: str, offset: int):
        self.loader, self.lines, self.problems, self.file, self.offset = loader, lines, problems, file, offset
        self.expanded: dict[int, int] = {}  # id(node) -> its value count with aliases expanded
        self.open: set[int] = set()  # the nodes being visited: meeting one again is a self-containing alias

    def visit(self, node: yaml.Node, path: PathKey, depth: int) -> int:
        """Record `node` under `path`; return its value count with aliases expanded (each node walked once)."""
        line = node.start_mark.line + 1 + self.offset
        self.lines[path] = line
        known = self.expanded.get(id(node))
        if known is not None:
            return known
        if id(node) in self.open:
            self._refuse(path, line, "an alias that contains itself")
        if depth > MAX_DEPTH:
            self._refuse(path, line, f"nested deeper than {MAX_DEPTH} levels")
        self.open.add(id(node))
        size = 1
        if isinstance(node, yaml.MappingNode):
            size += self._mapping(node, path, depth)
        elif isinstance(node, yaml.SequenceNode):
            for index, child in enumerate(node.value):
                size += self.visit(child, (*path, index), depth + 1)
        else:
            value = self._scalar(node, path, line)
            found = control_characters(value) if isinstance(value, str) else []
            if found:
                self.problems.append(Problem(self.file, line, format_field(path), control_refusal(found)))
        self.open.discard(id(node))
        if size > MAX_VALUES:
            self._refuse(path, line, f"more than {MAX_VALUES:,} values once its aliases are expanded")
        self.expanded[id(node)] = size
        return size

    def _mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> int:
        size = 0
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key_line = key_node.start_mark.line + 1 + self.offset
            key = "<<" if key_node.tag == _MERGE_TAG else self._scalar(key_node, path, key_line)
            if not isinstance(key, Hashable):  # `? !!set`: construct_document refuses it at its line
                continue
            if key in seen and key != "<<":
                self.problems.append(Problem(self.file, key_line, format_field((*path, key)),
                                             f"duplicate key (first at line {seen[key]})"))
            seen.setdefault(key, key_line)
            size += 1 + self.visit(value_node, (*path, key), depth + 1)
            self.lines[(*path, key)] = key_line
        return size

    def _scalar(self, node: yaml.ScalarNode, path: PathKey, line: int) -> Any:
        """Construct one scalar now, so a tag that does not fit its text is reported at its line."""
        try:
            return self.loader.construct_object(node)
        except yaml.YAMLError:
            raise
        except Exception as error:  # the safe constructors raise ValueError, KeyError, ... on bad tagged text
            tag = node.tag.rsplit(":", 1)[-1]
            raise YamlError(Problem(self.file, line, format_field(path),
                                    f"{node.value[:40]!r} is not a valid !!{tag} ({type(error).__name__})")) from None

    def _refuse(self, path: PathKey, line: int, why: str) -> None:
        raise YamlError(Problem(self.file, line, format_field(path), f"document refused: {why}"))


def format_field(path: PathKey) -> str:
    """`("questions", 2, "answer")` -> `questions[2].answer`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
