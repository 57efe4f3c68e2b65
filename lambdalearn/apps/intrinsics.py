"""CloudFormation's intrinsic functions as a local app needs them: `Ref`, `Fn::GetAtt`, `Fn::Sub` (and `Fn::Join`).

A template wires its resources together with these (`Queue: !GetAtt Orders.Arn`); resolving them gives the
names and ARNs the local services are keyed by. Anything else (`Fn::If`, `Fn::ImportValue`, ...) is reported
as unsupported rather than passed on half-resolved. The short YAML forms (`!Ref X`, `!GetAtt A.B`) are read by
`CfnLoader` into the long forms first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class CfnLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader plus CloudFormation's short forms: `!Ref X` -> {"Ref": "X"}, `!Sub s` -> {"Fn::Sub": s}."""


def _construct_short_form(loader: yaml.Loader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


CfnLoader.add_multi_constructor("!", _construct_short_form)


class ResolveError(ValueError):
    """An intrinsic that cannot be resolved; the message says why (the caller adds where)."""


@dataclass
class Identity:
    """What `!Ref` and `!GetAtt` give for one resource: its Ref value and its attributes."""

    ref: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Resolver:
    """Resolves intrinsics against the template's parameters, pseudo parameters and resource identities."""

    parameters: dict[str, Any]
    identity_of: Callable[[str], Identity | None]

    def resolve(self, value: Any) -> Any:
        """`value` with every supported intrinsic replaced by its value; raises ResolveError."""
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, argument), = value.items()
            if key == "Ref":
                return self._ref(argument)
            if key == "Fn::GetAtt":
                return self._get_att(argument)
            if key == "Fn::Sub":
                return self._sub(argument)
            if key == "Fn::Join":
                return self._join(argument)
            if key.startswith("Fn::") or key == "Condition":
                raise ResolveError(f"{key} is not supported locally (supported: Ref, Fn::GetAtt, Fn::Sub, Fn::Join)")
        return {key: self.resolve(item) for key, item in value.items()}

    def _ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            raise ResolveError("Ref needs the name of a parameter or resource")
        if name in self.parameters:
            return self.parameters[name]
        identity = self.identity_of(name)
        if identity is None:
            raise ResolveError(f"Ref to {name!r}: no such resource or parameter")
        return identity.ref

    def _get_att(self, argument: Any) -> str:
        if not (isinstance(argument, list) and len(argument) == 2 and all(isinstance(part, str) for part in argument)):
            raise ResolveError("Fn::GetAtt needs [LogicalId, Attribute]")
        logical_id, attribute = argument
        identity = self.identity_of(logical_id)
        if identity is None:
            raise ResolveError(f"GetAtt {logical_id}.{attribute}: no such resource")
        if attribute not in identity.attributes:
            known = ", ".join(sorted(identity.attributes)) or "none"
            raise ResolveError(f"GetAtt {logical_id}.{attribute}: unknown attribute (known: {known})")
        return identity.attributes[attribute]

    def _sub(self, argument: Any) -> str:
        variables: dict[str, Any] = {}
        if isinstance(argument, list):
            if len(argument) != 2 or not isinstance(argument[1], dict):
                raise ResolveError("Fn::Sub needs a string or [string, {variables}]")
            argument, variables = argument[0], {name: self.resolve(item) for name, item in argument[1].items()}
        if not isinstance(argument, str):
            raise ResolveError("Fn::Sub needs a string")

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                return str(self._get_att(name.split(".", 1)))
            return str(self._ref(name))

        return _SUB_VARIABLE.sub(replace, argument).replace("${!", "${")

    def _join(self, argument: Any) -> str:
        if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], list)):
            raise ResolveError("Fn::Join needs [delimiter, [values]]")
        return str(argument[0]).join(str(self.resolve(item)) for item in argument[1])
