"""Ask `aws-sam-translator` (the library behind `sam build` and the CloudFormation transform) about a template.

SAM knows every event type's properties and refuses, say, `Queuex` under an SQS event; we report what it
refuses at the line of the resource it names, in its own words. It is imported here only, when a template is
checked, so start-up never pays for it. Local code and layer folders are not S3 URIs, which SAM would refuse before
deployment packages them, so they are swapped for a placeholder first.
"""

from __future__ import annotations

import copy
import logging
import re
from pathlib import Path
from typing import Any

from lambdalearn.apps.model import REGION
from lambdalearn.content.problems import Problem
from lambdalearn.content.yamlsource import YamlSource

_RESOURCE_ID = re.compile(r"Resource with id \[([^\]]+)\] is invalid\. ?")
_PLACEHOLDER_CODE = "s3://lambdalearn-local/code.zip"


def sam_problems(data: dict[str, Any], source: YamlSource, path: Path) -> list[Problem]:
    """SAM's own errors for this template, located at the resource (or event) they name."""
    import boto3
    from samtranslator.model.exceptions import InvalidDocumentException, InvalidTemplateException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    logging.getLogger("samtranslator").setLevel(logging.ERROR)  # it warns about metrics it never publishes
    template = _packaged(data)
    if "Transform" not in template:
        return []  # plain CloudFormation: nothing for SAM to say
    translator = Translator(managed_policy_map={}, sam_parser=Parser(), boto_session=boto3.session.Session(region_name=REGION))
    try:
        translator.translate(template, parameter_values={})
    except InvalidDocumentException as error:
        return [_located(cause.message, data, source) for cause in error.causes]
    except InvalidTemplateException as error:
        return [Problem(source.path, 1, "", f"SAM: {error.message}")]
    except Exception as error:  # noqa: BLE001 - the translator has no narrower contract; keep its words
        return [Problem(source.path, 1, "", f"SAM could not read the template: {error}")]
    return []


def _packaged(data: dict[str, Any]) -> dict[str, Any]:
    """The template as `sam package` would leave it: local CodeUri, ContentUri and a state machine's
    DefinitionUri replaced by an S3 URI."""
    template = copy.deepcopy(data)
    for spec in (template.get("Resources") or {}).values():
        packaged = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}
        if isinstance(spec, dict) and spec.get("Type") in packaged:
            key = packaged[spec["Type"]]
            properties = spec.setdefault("Properties", {}) or {}
            if not str(properties.get(key, "")).startswith("s3://"):
                properties[key] = _PLACEHOLDER_CODE
        if isinstance(spec, dict) and spec.get("Type") == "AWS::Serverless::StateMachine":
            properties = spec.get("Properties") or {}
            if isinstance(properties.get("DefinitionUri"), str) and not properties["DefinitionUri"].startswith("s3://"):
                properties["DefinitionUri"] = "s3://lambdalearn-local/definition.asl.json"
    globals_function = (template.get("Globals") or {}).get("Function")
    if isinstance(globals_function, dict) and "CodeUri" in globals_function:
        globals_function["CodeUri"] = _PLACEHOLDER_CODE
    return template


def _located(message: str, data: dict[str, Any], source: YamlSource) -> Problem:
    """SAM names resources by logical id, events as FunctionId + EventName; find the line of either."""
    match = _RESOURCE_ID.match(message)
    where: tuple[Any, ...] = ()
    if match:
        logical_id = match.group(1)
        message = message[match.end():]
        where = _where(logical_id, data)
    text = f"SAM: {message}"
    field = ".".join(str(part) for part in where)
    return Problem(source.path, source.line(*where) if where else 1, field, text)


def _where(logical_id: str, data: dict[str, Any]) -> tuple[Any, ...]:
    resources = data.get("Resources") or {}
    if logical_id in resources:
        return ("Resources", logical_id)
    for function_id, spec in resources.items():
        events = ((spec or {}).get("Properties") or {}).get("Events") if isinstance(spec, dict) else None
        for event_name in events or {}:
            if logical_id == f"{function_id}{event_name}":
                return ("Resources", function_id, "Properties", "Events", event_name)
    return ()
