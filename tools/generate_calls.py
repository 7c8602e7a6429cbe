"""Generates the calls family's description table from Graph's OpenAPI description.

Two steps, one command each:

    python tools/generate_calls.py --from-openapi BETA.yml V1.yml   # needs PyYAML
    python tools/generate_calls.py                                   # from the checked-in subsets
    python tools/generate_calls.py --check                           # exit 1 if anything differs

The first reduces the SDK's `openApiDocs/{beta,v1.0}/CloudCommunications.yml` (the files the
Microsoft Graph PowerShell SDK is generated from) to what the calls family reaches: every path
under `/communications/calls` and the components those paths reach, as JSON in
`tools/openapi/` (values copied, nothing rewritten; `supplement.json` there adds the few types
the description leaves to another SDK module). The second turns the subsets into
`bridge/_calls.json`, the compact table that the core reads (commands, paths, methods, parameter
sets, request and response types, and every type they reach), and into the PowerShell commands
and their help (`tools/calls_powershell.py`). `--check` is what the test suite runs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SUBSETS = {
    version: ROOT / "tools" / "openapi" / f"calls.{version}.json" for version in ("beta", "v1.0")
}
SUPPLEMENT = ROOT / "tools" / "openapi" / "supplement.json"
TABLE = ROOT / "bridge" / "_calls.json"
SOURCE = {
    "repository": "microsoftgraph/msgraph-sdk-powershell",
    "commit": "005aefc4c3ace1b4590efd9fd33fbd00178a07b4",
    "files": {
        "beta": "openApiDocs/beta/CloudCommunications.yml",
        "v1.0": "openApiDocs/v1.0/CloudCommunications.yml",
    },
}
CALLS_ROOT = "/communications/calls"
SCHEMA_PREFIX = "#/components/schemas/"
GRAPH_NAMESPACE = "microsoft.graph."
# Types derived from a reached type are kept: they are what @odata.type selects in a body
# (communicationsIdentitySet for identitySet, ...). Not for entity, from which every entity type
# of the file derives: the ones the calls family uses are reached through its paths.
UNFOLLOWED_BASES = {"microsoft.graph.entity"}

# The SDK's verbs for CRUD operation ids (AutoRest PowerShell) and for the first word of an action.
CRUD_VERBS = {
    "List": "Get",
    "Get": "Get",
    "Create": "New",
    "Update": "Update",
    "Delete": "Remove",
    "Set": "Set",
}
ACTION_VERBS = {
    "add": "Add",
    "cancel": "Stop",
    "change": "Rename",
    "send": "Send",
    "start": "Start",
    "stop": "Stop",
    "transfer": "Move",
    "update": "Update",
}
# Where the SDK's directives name a command otherwise than the rule above.
NAME_OVERRIDES = {"communication.call.participant_muteAll": ("Invoke", "MuteAll", "")}
# Where an operation's description says something else than what it does: the invite's is the
# participant delete's (Graph's documentation bug, also on the SDK's help page).
DESCRIPTION_CORRECTIONS = {
    "communication.call.participant_invite": "Invite participants to the active call. For more "
    "information about how to handle operations, see commsOperation.",
}
# OData query options, as the SDK's parameters name them.
QUERY_PARAMETERS = {
    "$top": "Top",
    "$skip": "Skip",
    "$search": "Search",
    "$filter": "Filter",
    "$count": "Count",
    "$orderby": "Sort",
    "$select": "Property",
    "$expand": "ExpandProperty",
}
FORMATS = {
    ("integer", "int32"): "int32",
    ("integer", "int64"): "int64",
    ("integer", None): "int64",
    ("integer", "int16"): "int32",
    ("integer", "uint8"): "int32",
    ("integer", "int8"): "int32",
    ("number", "double"): "double",
    ("number", "float"): "double",
    ("number", "decimal"): "double",
    ("number", None): "double",
    ("string", None): "string",
    ("string", "date-time"): "date-time",
    ("string", "date"): "date",
    ("string", "time"): "time",
    ("string", "duration"): "duration",
    ("string", "uuid"): "uuid",
    ("string", "base64url"): "base64",
    ("boolean", None): "boolean",
}


# -- step 1: the subset of the description ---------------------------------------------------


def subset(document: dict[str, Any]) -> dict[str, Any]:
    """The paths under /communications/calls and every component they reach, in source order."""
    paths = {
        p: item
        for p, item in document["paths"].items()
        if p == CALLS_ROOT or p.startswith(CALLS_ROOT + "/")
    }
    components = document.get("components", {})
    derived: dict[str, list[str]] = {}
    for name, schema in components.get("schemas", {}).items():
        base = _base_ref(schema)
        if base is not None and base.removeprefix(SCHEMA_PREFIX) not in UNFOLLOWED_BASES:
            derived.setdefault(base, []).append(SCHEMA_PREFIX + name)
    reached: dict[str, set[str]] = {}
    pending = list(_refs(paths))
    while pending:
        ref = pending.pop()
        _, _, section, name = ref.split("/", 3)
        if name in reached.setdefault(section, set()):
            continue
        reached[section].add(name)
        pending.extend(_refs(components[section][name]))
        pending.extend(derived.get(ref, ()))
    kept = {
        section: {name: node for name, node in nodes.items() if name in reached.get(section, ())}
        for section, nodes in components.items()
        if section in reached
    }
    return {
        "openapi": document["openapi"],
        "info": document["info"],
        "servers": document["servers"],
        "paths": paths,
        "components": kept,
    }


def _base_ref(schema: Any) -> str | None:
    parts = schema.get("allOf") if isinstance(schema, dict) else None
    return parts[0].get("$ref") if parts else None


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


# -- step 2: the table ------------------------------------------------------------------------


def table(subsets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    commands = []
    types = {}
    for version, document in subsets.items():
        reader = _Reader(document)
        for path, item in document["paths"].items():
            shared = item.get("parameters", [])
            for method in ("get", "post", "patch", "put", "delete"):
                if method in item:
                    commands.append(reader.command(version, path, method, item[method], shared))
        reader.finish()
        types[version] = reader.types
    return {"source": SOURCE, "commands": commands, "types": types}


class _Reader:
    """Reads one version's subset: its operations into commands, its schemas into types."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.components = document["components"]
        self.types: dict[str, Any] = {}
        for name, schema in self.components["schemas"].items():
            self.types[_short(name)] = self.schema_type(schema)
        for name, described in list(self.types.items()):
            if "base" in described:
                self.types[described["base"]].setdefault("derived", []).append(name)

    def finish(self) -> None:
        for described in self.types.values():
            if "derived" in described:
                described["derived"].sort()
        self.types = dict(sorted(self.types.items()))

    # -- types --

    def schema_type(self, schema: dict[str, Any]) -> dict[str, Any]:
        if "enum" in schema:
            return {
                "enum": list(schema["enum"]),
                "flags": bool(schema.get("x-ms-enum-flags", {}).get("isFlags")),
            }
        base = None
        own = schema
        if "allOf" in schema:
            parts = schema["allOf"]
            base = _short(parts[0]["$ref"].removeprefix(SCHEMA_PREFIX))
            own = parts[1] if len(parts) > 1 else {}
        properties = {name: self.property(prop) for name, prop in own.get("properties", {}).items()}
        out: dict[str, Any] = {}
        if base:
            out["base"] = base
        out["open"] = "additionalProperties" in own or "additionalProperties" in schema
        out["properties"] = properties
        if own.get("description") or schema.get("description"):
            out["description"] = own.get("description") or schema.get("description")
        return out

    def property(self, prop: dict[str, Any]) -> list[Any]:
        """[type expression, description]; "[x]" is a collection of x."""
        return [self.type_expression(prop), _clean(prop.get("description", ""))]

    def type_expression(self, prop: dict[str, Any]) -> str:
        if "$ref" in prop:
            return _short(prop["$ref"].removeprefix(SCHEMA_PREFIX))
        for key in ("anyOf", "oneOf"):
            if key in prop:
                options = [
                    o for o in prop[key] if not (o.get("type") == "object" and o.get("nullable"))
                ]
                refs = [
                    o for o in options if "$ref" in o and not o["$ref"].endswith("ReferenceNumeric")
                ]
                numbers = [o for o in options if o.get("type") == "number"]
                if numbers:
                    return FORMATS[("number", numbers[0].get("format"))]
                if len(refs) == 1:
                    return _short(refs[0]["$ref"].removeprefix(SCHEMA_PREFIX))
                if len(options) == 1:
                    return self.type_expression(options[0])
                return "json"
        kind = prop.get("type")
        if kind == "array":
            return "[" + self.type_expression(prop.get("items", {})) + "]"
        if kind == "object" or kind is None:
            return "json"
        return FORMATS.get((kind, prop.get("format")), FORMATS[(kind, None)])

    # -- commands --

    def command(
        self, version: str, path: str, method: str, operation: dict[str, Any], shared: list[Any]
    ) -> dict[str, Any]:
        operation_id = operation["operationId"]
        parameters = [self.resolve(p) for p in [*shared, *operation.get("parameters", [])]]
        ids = [p["name"] for p in parameters if p["in"] == "path"]
        query = [p["name"] for p in parameters if p["in"] == "query"]
        headers = [p["name"] for p in parameters if p["in"] == "header"]
        verb, variant, noun = _name_parts(operation_id, operation.get("x-ms-docs-operation-type"))
        prefix = "MgBeta" if version == "beta" else "Mg"
        command: dict[str, Any] = {
            "name": f"{verb}-{prefix}{noun}",
            "api_version": version,
            "operation_id": operation_id,
            "variant": variant,
            "method": method.upper(),
            "path": path,
            "ids": [[name, _pascal_id(name)] for name in ids],
        }
        body = operation.get("requestBody")
        if body is not None:
            schema = self.resolve(body)["content"]["application/json"]["schema"]
            command["body"] = self.body_type(schema, operation_id)
            command["body_required"] = bool(self.resolve(body).get("required"))
        command.update(self.response(operation, operation_id))
        if query:
            command["query"] = query
        if headers:
            command["headers"] = headers
        command["summary"] = _clean(operation.get("summary", ""))
        description = DESCRIPTION_CORRECTIONS.get(operation_id) or operation.get("description")
        if description:
            command["description"] = _clean(description)
        url = (operation.get("externalDocs") or {}).get("url")
        if url:
            command["doc_url"] = url
        return command

    def body_type(self, schema: dict[str, Any], operation_id: str) -> str:
        if "$ref" in schema:
            return _short(schema["$ref"].removeprefix(SCHEMA_PREFIX))
        # An action's parameters: an inline object, named as the SDK's body model is.
        name = operation_id.rsplit("_", 1)[1] + "PostRequestBody"
        self.types[name] = self.schema_type(schema)
        return name

    def response(self, operation: dict[str, Any], operation_id: str) -> dict[str, Any]:
        answer = operation["responses"].get("2XX") or operation["responses"].get("200") or {}
        answer = self.resolve(answer)
        content = answer.get("content") or {}
        if "text/plain" in content:
            return {"response": "int32", "returns": "count"}
        if "application/json" not in content:
            return {"returns": "nothing"}
        schema = self.resolve(content["application/json"]["schema"])
        if "$ref" in schema:
            schema_name = schema["$ref"].removeprefix(SCHEMA_PREFIX)
            target = self.components["schemas"][schema_name]
            value = _collection_value(target)
            if value is not None:
                return {
                    "response": _short(value),
                    "returns": "collection",
                    "pageable": "x-ms-pageable" in operation,
                }
            return {"response": _short(schema_name), "returns": "object"}
        value_items = schema.get("properties", {}).get("value", {})
        if value_items.get("type") == "array":
            return {
                "response": self.type_expression(value_items["items"]),
                "returns": "collection",
                "pageable": "x-ms-pageable" in operation,
            }
        name = operation_id.rsplit("_", 1)[1] + "Response"
        self.types[name] = self.schema_type(schema)
        return {"response": name, "returns": "object"}

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node and not node["$ref"].startswith(SCHEMA_PREFIX):
            _, _, section, name = node["$ref"].split("/", 3)
            node = self.components[section][name]
        return node


def _collection_value(schema: dict[str, Any]) -> str | None:
    """The item type of a `...CollectionResponse` schema, else None."""
    parts = schema.get("allOf", [schema])
    for part in parts:
        value = part.get("properties", {}).get("value")
        if value and value.get("type") == "array" and "$ref" in value.get("items", {}):
            return str(value["items"]["$ref"].removeprefix(SCHEMA_PREFIX))
    return None


def _name_parts(operation_id: str, operation_type: str | None) -> tuple[str, str, str]:
    """(verb, parameter-set variant, noun) of the SDK command for an operation id, e.g.
    communication.call.participant_invite -> (Invoke, Invite, CommunicationCallParticipant)."""
    group, _, operation = operation_id.partition("_")
    subject = "".join(_pascal(part) for part in group.split("."))
    if operation_id in NAME_OVERRIDES:
        verb, first, rest = NAME_OVERRIDES[operation_id]
        return verb, first, first + subject + rest
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", operation)
    head = words[0]
    if operation_type != "action" and operation_type != "function" and _pascal(head) in CRUD_VERBS:
        noun = subject + "".join(_pascal(w) for w in words[1:])
        return CRUD_VERBS[_pascal(head)], _pascal(head), _singular(noun)
    rest = _singular("".join(_pascal(w) for w in words[1:]))
    verb = ACTION_VERBS.get(head.lower())
    if verb is not None:
        return verb, _pascal(head), subject + rest
    return "Invoke", _pascal(head), _pascal(head) + subject + rest


def _singular(noun: str) -> str:
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith("s") and not noun.endswith(("ss", "us", "is")):
        return noun[:-1]
    return noun


def _pascal(word: str) -> str:
    return word[:1].upper() + word[1:]


def _pascal_id(name: str) -> str:
    """call-id -> CallId, commsOperation-id -> CommsOperationId."""
    return "".join(_pascal(part) for part in name.split("-"))


def _short(schema_name: str) -> str:
    return schema_name.removeprefix(GRAPH_NAMESPACE)


def _clean(text: str) -> str:
    return " ".join(str(text).split())


# -- files --------------------------------------------------------------------------------------


def _dump(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def outputs() -> dict[Path, str]:
    """Every generated file and its text, from the checked-in subsets."""
    from calls_powershell import powershell_files  # beside this file

    subsets = {
        version: json.loads(path.read_text(encoding="utf-8")) for version, path in SUBSETS.items()
    }
    supplement = json.loads(SUPPLEMENT.read_text(encoding="utf-8"))["schemas"]
    for document in subsets.values():
        schemas = document["components"]["schemas"]
        schemas.update({name: schema for name, schema in supplement.items() if name not in schemas})
    described = table(subsets)
    files = {TABLE: _dump(described)}
    files.update(powershell_files(described))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--from-openapi",
        nargs=2,
        metavar=("BETA_YML", "V1_YML"),
        type=Path,
        help="reduce the SDK's full descriptions to the checked-in subsets first",
    )
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 when a generated file differs"
    )
    args = parser.parse_args(argv)
    if args.from_openapi:
        import yaml  # only this step reads YAML

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        for version, source in zip(("beta", "v1.0"), args.from_openapi, strict=True):
            document = yaml.load(source.read_text(encoding="utf-8"), Loader=loader)
            SUBSETS[version].parent.mkdir(parents=True, exist_ok=True)
            SUBSETS[version].write_text(_dump(subset(document)), encoding="utf-8")
    stale = []
    for path, text in outputs().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(
            "out of date (run python tools/generate_calls.py):", *stale, sep="\n  ", file=sys.stderr
        )
        return 1
    for path in stale:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
