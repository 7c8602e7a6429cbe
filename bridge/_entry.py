"""The narrow boundary the PowerShell module calls: one JSON request in, one JSON reply out.

Both transports use it: in-process (pythonnet calls `dispatch` with the GIL held) and the
process transport (`mgbridge shim --stdio` feeds it one line at a time). A request is
`{"op": NAME, "args": {...}, "env": {...}}`; the reply is `{"ok": true, "result": ...}` or
`{"ok": false, "error": {"type", "message", ...}}`, plus `"log": [{"level", "message"}]` when
the arguments asked for `"log": "verbose"` or `"log": "debug"`. Nothing raised inside escapes.

`env` carries the variables of the PowerShell session that Python must see: on Linux, `$env:`
changes made inside pwsh never reach CPython's environment.

One connection per process, shared by every runspace, as the SDK's GraphSession is.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from bridge import _interrupt
from bridge._exceptions import AuthError, BodyError, BridgeError
from bridge._version import __version__

if TYPE_CHECKING:
    from bridge._retry import Throttle
    from bridge._session import Session

Operation = Callable[..., Any]

# The SDK's own words when a command needs a connection (ps-sdk-behavior.md §4.2).
NOT_CONNECTED = "Authentication needed. Please call Connect-MgGraph."

_session_lock = threading.Lock()
_session: Session | None = None


def _current_session() -> Session:
    session = _session
    if session is None:
        raise AuthError(NOT_CONNECTED, code="NotConnected")
    return session


def _hosting_info() -> dict[str, Any]:
    return {
        "bridge_version": __version__,
        "pid": os.getpid(),
        "executable": sys.executable,
        "python_version": platform.python_version(),
        "thread": threading.get_ident(),
    }


# Set-MgRequestContext's settings, as bridge.connect names them; they apply to the connection
# made next, and to the current one, which is made again with them.
_REQUEST_CONTEXT_DEFAULTS: dict[str, Any] = {
    "max_retry": 3,
    "retry_delay": 3.0,
    "retries_time_limit": 0,
    "timeout": 30.0,
}
_request_context: dict[str, Any] = dict(_REQUEST_CONTEXT_DEFAULTS)
_connect_options: dict[str, Any] = {}  # in memory only: to connect again with new settings


def _connect(**options: Any) -> dict[str, Any]:
    global _session, _connect_options
    from bridge._session import connect

    new = connect(**{**_request_context, **options})
    with _session_lock:
        old, _session, _connect_options = _session, new, options
    if old is not None:
        old.close()
    return new.context()


def _request_context_view() -> dict[str, Any]:
    return {
        "MaxRetry": _request_context["max_retry"],
        "RetryDelay": _request_context["retry_delay"],
        "RetriesTimeLimit": _request_context["retries_time_limit"],
        "ClientTimeout": _request_context["timeout"],
    }


def _set_request_context(**settings: Any) -> dict[str, Any]:
    global _request_context
    from bridge._retry import RetryPolicy

    wanted = {**_request_context, **{k: v for k, v in settings.items() if v is not None}}
    try:
        RetryPolicy(
            wanted["max_retry"], wanted["retry_delay"], time_limit=wanted["retries_time_limit"]
        )
    except ValueError as exc:
        raise BodyError(str(exc)) from None
    if not wanted["timeout"] > 0:
        raise BodyError(
            "must be more than 0 seconds", path="ClientTimeout", got=str(wanted["timeout"])
        )
    _request_context = wanted
    if _session is not None:
        _connect(**_connect_options)
    return _request_context_view()


def _disconnect() -> dict[str, Any]:
    global _session
    with _session_lock:
        old, _session = _session, None
        _connect_options.clear()
    if old is None:
        # Disconnect-MgGraph's message when nothing is connected.
        raise AuthError("No application to sign out from.", code="NotConnected")
    context = old.context()
    old.sign_out()
    return context


def _context() -> dict[str, Any] | None:
    session = _session
    return session.context() if session is not None else None


def _operation_reply(operation: Any, *, view_only: bool = False) -> dict[str, Any]:
    """The operation's Graph JSON, its view (the SDK output model's shape) and the response
    headers; with ``view_only`` (the PowerShell module, which shows only the view) without the
    Graph JSON, which would double what crosses the boundary and is decoded there."""
    from bridge._shape import powershell_view

    graph_json = operation.to_dict()
    view = powershell_view("inviteParticipantsOperation", graph_json, operation.api_version)
    headers = dict(operation.response_headers)
    if view_only:
        return {"view": view, "response_headers": headers}
    return {"operation": graph_json, "view": view, "response_headers": headers}


def _parse_json_items(items: Any, path: str = "Participants") -> Any:
    """The SDK's type converters accept JSON text for any nested model; so do the cmdlets."""
    if not isinstance(items, list):
        return items
    return [_parse_json_model(item, f"{path}[{index}]") for index, item in enumerate(items)]


def _parse_json_model(value: Any, path: str) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError as exc:
        raise BodyError(f"is not valid JSON ({exc})", path=path, got="string") from None


def _parse_json_models(name: str, expanded: dict[str, Any]) -> dict[str, Any]:
    """JSON text given for a model-typed parameter of a command (one model, or each item of a
    list of them), parsed, as the SDK's type converters do."""
    from bridge._schema import COMMANDS, TYPES

    body_types = {c.body for c in COMMANDS.get(name, ()) if c.body}
    if len(body_types) != 1:
        return expanded
    declared = TYPES[body_types.pop()]
    parsed = {}
    for key, value in expanded.items():
        prop = declared.by_lower.get(str(key).lower())
        if prop is not None and prop.kind == "object":
            value = _parse_json_items(value, key) if prop.collection else value
            value = _parse_json_model(value, key)
        parsed[key] = value
    return parsed


def _invite(*, what_if: bool = False, view_only: bool = False, **arguments: Any) -> dict[str, Any]:
    if "participants" in arguments:
        arguments["participants"] = _parse_json_items(arguments["participants"])
    if what_if and _session is None:
        # -WhatIf works without a connection: the body is shaped and checked, nothing is sent.
        from bridge._shape import build_invite_request

        arguments.pop("headers", None)
        request = build_invite_request(**arguments)
        return {
            "plan": {"method": "POST", "url": request.path, "headers": {}, "body": request.body}
        }
    session = _current_session()
    if what_if:
        return {"plan": session.invite(what_if=True, **arguments).to_dict()}
    return _operation_reply(session.invite(**arguments), view_only=view_only)


class _FedBatch:
    """A batch of invites fed call by call (the PowerShell pipeline): items go into a queue that
    the batch reads as it has room, results are collected by a thread until taken."""

    def __init__(self, session: Session, concurrency: int) -> None:
        import queue

        self._items: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = object()
        self.batch = session.invite_many(
            iter(self._items.get, self._closed), concurrency=concurrency
        )
        self.throttle: Throttle = session._client_options["throttle"]
        self._ready = threading.Condition()
        self._results: list[dict[str, Any]] = []
        self.added = 0
        self.done = False
        self.failure: BaseException | None = None
        threading.Thread(target=self._collect, name="mgbridge-invite-batch", daemon=True).start()

    def add(self, items: list[Any]) -> None:
        for item in items:
            self._items.put(item)
        self.added += len(items)

    def close(self) -> None:
        self._items.put(self._closed)

    def take(self, wait_s: float) -> list[dict[str, Any]]:
        with self._ready:
            if not self._results and not self.done:
                self._ready.wait(wait_s)
            taken, self._results = self._results, []
        return taken

    def _collect(self) -> None:
        try:
            for result in self.batch:
                if result.operation is not None:
                    reply = {
                        "index": result.index,
                        "ok": True,
                        **_operation_reply(result.operation, view_only=True),
                    }
                else:
                    assert result.error is not None
                    reply = {"index": result.index, "ok": False, "error": result.error.to_dict()}
                with self._ready:
                    self._results.append(reply)
                    self._ready.notify_all()
        except BaseException as exc:  # a bug in the core: the next take reports it
            self.failure = exc
        with self._ready:
            self.done = True
            self._ready.notify_all()


_batches: dict[str, _FedBatch] = {}


def _invite_batch_start(*, concurrency: int) -> dict[str, Any]:
    import uuid

    batch_id = str(uuid.uuid4())
    _batches[batch_id] = _FedBatch(_current_session(), concurrency)
    return {"batch": batch_id}


def _fed_batch(batch: str) -> _FedBatch:
    fed = _batches.get(batch)
    if fed is None:
        raise BridgeError(f"No invite batch {batch!r}: it has ended or was never started.")
    return fed


def _invite_batch_add(*, batch: str, items: list[Any]) -> dict[str, Any]:
    fed = _fed_batch(batch)
    fed.add([_batch_item(item) for item in items])
    return {"added": fed.added}


def _batch_item(item: Any) -> Any:
    if isinstance(item, dict) and "participants" in item:
        return {**item, "participants": _parse_json_items(item["participants"])}
    return item


def _invite_batch_take(*, batch: str, wait_ms: int = 0, close: bool = False) -> dict[str, Any]:
    """The results ready (waiting up to ``wait_ms`` for one); ``close`` says no item follows.
    The reply's ``done`` is true once every item has its result; the batch is then forgotten."""
    fed = _fed_batch(batch)
    if close:
        fed.close()
    results = fed.take(wait_ms / 1000)
    done = fed.done and not fed._results
    if done:
        _batches.pop(batch, None)
        if fed.failure is not None:
            raise fed.failure
    return {
        "results": results,
        "added": fed.added,
        "started": fed.batch.started,
        "completed": fed.batch.completed,
        "paused_s": round(fed.throttle.pause_left(), 3),
        "done": done,
    }


def _invite_batch_stop(*, batch: str) -> dict[str, Any]:
    """Starts no further invite of the batch (those in flight finish) and forgets it."""
    fed = _batches.pop(batch, None)
    if fed is not None:
        fed.batch.stop()
        fed.close()
    return {"stopped": fed is not None}


def _command(
    *,
    name: str,
    what_if: bool = False,
    **arguments: Any,
) -> dict[str, Any]:
    """A command of the calls family (Session.command), its result given as the SDK's output
    objects would hold it: `views` (one per object or item, None for a count or no content),
    `type` (the Graph type, to name the output's model), `count`, `next_link` and
    `response_headers`."""
    if isinstance(arguments.get("expanded"), dict):
        arguments["expanded"] = _parse_json_models(name, arguments["expanded"])
    if what_if and _session is None:
        # -WhatIf works without a connection: the request is shaped and checked, nothing is sent.
        from bridge._shape import build_command_request

        arguments.pop("headers", None)
        for unused in ("all_pages", "page_size"):
            arguments.pop(unused, None)
        request = build_command_request(name, **arguments)
        method = request.command.method
        return {
            "plan": {"method": method, "url": request.path, "headers": {}, "body": request.body}
        }
    from bridge._operation import PlannedRequest
    from bridge._shape import powershell_view

    result = _current_session().command(name, what_if=what_if, **arguments)
    if isinstance(result, PlannedRequest):
        return {"plan": result.to_dict()}

    command = result.command
    value = result.value
    items = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
    types = [_output_type(command.response, item) for item in items]
    views = [
        powershell_view(type_name, item, command.api_version) if isinstance(item, dict) else item
        for type_name, item in zip(types, items, strict=True)
    ]
    return {
        "type": command.response,
        "returns": command.returns,
        "types": types,
        "views": views if command.returns in {"object", "collection"} else None,
        "value": value if command.returns == "count" else None,
        "count": result.count,
        "next_link": result.next_link,
        "response_headers": dict(result.response_headers),
    }


def _output_type(declared: str | None, item: Any) -> str:
    """The type an output object is named for: the declared response type, or the type derived
    from it that the item's @odata.type names (an invite's operation read back is an
    inviteParticipantsOperation, not only a commsOperation)."""
    from bridge._schema import ODATA_TYPES, TYPES

    base = declared if declared is not None and declared in TYPES else "entity"
    named = item.get("@odata.type") if isinstance(item, dict) else None
    derived = ODATA_TYPES.get(named) if isinstance(named, str) else None
    if derived is not None and derived.is_a(TYPES[base]):
        return derived.name
    return base


def _get_operation(
    *,
    call_id: str,
    operation_id: str,
    api_version: str = "beta",
    headers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    operation = _current_session().get_operation(
        call_id, operation_id, api_version=api_version, headers=headers
    )
    return _operation_reply(operation)


def _environments() -> list[dict[str, Any]]:
    from bridge._environments import list_environments

    return [environment.to_dict() for environment in list_environments()]


def _add_environment(*, name: str, graph_endpoint: str, login_endpoint: str) -> dict[str, Any]:
    from bridge._environments import add_environment

    return add_environment(name, graph_endpoint, login_endpoint).to_dict()


def _sandbox_start(**options: Any) -> dict[str, Any]:
    from bridge._sandbox_process import start_sandbox_process

    return start_sandbox_process(**options)


def _sandbox_stop(*, state_file: str | None = None) -> dict[str, Any]:
    from bridge._sandbox_process import stop_sandbox_process

    return stop_sandbox_process(state_file)


def _sandbox_request(
    *, method: str, path: str, body: Any = None, state_file: str | None = None
) -> Any:
    from bridge._sandbox_process import admin_request

    return admin_request(method, path, body, state_file)


def _transcript_diff(
    *,
    reference: str,
    difference: str,
    ignore: list[str] | None = None,
    headers: list[str] | None = None,
) -> dict[str, Any]:
    from bridge._transcript_diff import compare

    result = compare(reference, difference, ignore=ignore or (), headers=headers or ())
    return {**result.to_dict(), "text": result.text()}


def _doctor(*, powershell: dict[str, Any] | None = None) -> dict[str, Any]:
    from bridge._doctor import diagnose

    return {"checks": [check.to_dict() for check in diagnose(powershell)]}


OPERATIONS: dict[str, Operation] = {
    "hosting_info": _hosting_info,
    "connect": _connect,
    "disconnect": _disconnect,
    "context": _context,
    "request_context": _request_context_view,
    "set_request_context": _set_request_context,
    "invite": _invite,
    "invite_batch_start": _invite_batch_start,
    "invite_batch_add": _invite_batch_add,
    "invite_batch_take": _invite_batch_take,
    "invite_batch_stop": _invite_batch_stop,
    "get_operation": _get_operation,
    "command": _command,
    "environments": _environments,
    "add_environment": _add_environment,
    "sandbox_start": _sandbox_start,
    "sandbox_stop": _sandbox_stop,
    "sandbox_request": _sandbox_request,
    "transcript_diff": _transcript_diff,
    "doctor": _doctor,
}

# Warnings are always collected: the cmdlets show them with Write-Warning.
_LOG_LEVELS = {"verbose": logging.INFO, "debug": logging.DEBUG}


class _ThreadLogCollector(logging.Handler):
    """Collects the records of one thread: several runspaces may call at the same time."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.thread = threading.get_ident()
        self.lines: list[dict[str, str]] = []

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread == self.thread and super().filter(record)

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            level = "warning"
        elif record.levelno >= logging.INFO:
            level = "verbose"
        else:
            level = "debug"
        self.lines.append({"level": level, "message": record.getMessage()})


_levels_lock = threading.Lock()
_active_levels: list[int] = []
_level_before = logging.NOTSET
_logger = logging.getLogger("bridge")
# Each thread's collector, kept between its calls: making a logging.Handler registers it
# module-wide under logging's lock, which every call would otherwise pay for. Kept by thread id,
# not in a threading.local: the host's calls come from PowerShell threads whose Python thread
# state (and with it a threading.local) lasts one call.
_idle_collectors: dict[int, _ThreadLogCollector] = {}


def _thread_collector(level: int) -> _ThreadLogCollector:
    # Popped while in use: a nested call on this thread gets a collector of its own.
    collector = _idle_collectors.pop(threading.get_ident(), None)
    if collector is None:
        return _ThreadLogCollector(level)
    collector.setLevel(level)
    collector.lines = []
    return collector


def _keep_collector(collector: _ThreadLogCollector) -> None:
    if len(_idle_collectors) >= 256:  # threads come and go: keep only recent ones
        _idle_collectors.clear()
    _idle_collectors[collector.thread] = collector


@contextmanager
def _collect_log(wanted: str | None) -> Iterator[list[dict[str, str]]]:
    level = _LOG_LEVELS.get(wanted or "", logging.WARNING)
    logger = _logger
    collector = _thread_collector(level)
    logger.addHandler(collector)
    if level >= logging.WARNING:
        # Warnings pass the logger's default level; nothing to lower.
        try:
            yield collector.lines
        finally:
            logger.removeHandler(collector)
            _keep_collector(collector)
        return
    # The logger's own level gates records before any handler sees them; it is lowered only
    # while some call collects verbose or debug lines, so other calls pay nothing for them.
    global _level_before
    with _levels_lock:
        if not _active_levels:
            _level_before = logger.level
        _active_levels.append(level)
        logger.setLevel(min(_active_levels))
    try:
        yield collector.lines
    finally:
        logger.removeHandler(collector)
        _keep_collector(collector)
        with _levels_lock:
            _active_levels.remove(level)
            logger.setLevel(min(_active_levels, default=_level_before))


def _apply_environment(env: dict[str, str | None]) -> None:
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        elif os.environ.get(name) != value:
            os.environ[name] = value


# The in-process host's watcher calls this when PowerShell stops a running call.
stop = _interrupt.stop


def dispatch(request_json: str, stop_token: int | None = None) -> str:
    """Runs one request and returns its JSON reply; never raises.

    ``stop_token`` names the call for `bridge._interrupt.stop` (the in-process host's watcher).
    """
    log: list[dict[str, str]] = []
    opened = _interrupt.enter(stop_token)
    try:
        request = json.loads(request_json)
        _apply_environment(request.get("env") or {})
        arguments = dict(request.get("args") or {})
        operation = OPERATIONS.get(request["op"])
        if operation is None:
            raise BridgeError(f"Unknown operation {request['op']!r}.")
        with _collect_log(arguments.pop("log", None)) as log:
            result = operation(**arguments)
        reply: dict[str, Any] = {"ok": True, "result": result}
    except BridgeError as exc:
        reply = {"ok": False, "error": exc.to_dict()}
    except BaseException as exc:  # a stopped call (CallStopped) included
        reply = {
            "ok": False,
            "error": {
                "type": type(exc).__name__,
                "message": str(exc) or type(exc).__name__,
                "traceback": traceback.format_exc(),
            },
        }
    finally:
        _interrupt.leave(stop_token, opened)
    if log:
        reply["log"] = log
    return json.dumps(reply)
