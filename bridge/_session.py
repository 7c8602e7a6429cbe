"""A signed-in connection to Graph (or the sandbox), and the invite operation itself."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, overload
from urllib.parse import quote, urlencode

import httpx

from bridge import _interrupt
from bridge._exceptions import AuthError, BodyError, TransportError
from bridge._http import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT,
    SDK_VERSION,
    build_client,
    redact_headers,
    send,
)
from bridge._operation import Operation, PlannedRequest
from bridge._retry import RetryPolicy, Throttle
from bridge._transcript import Recorder

if TYPE_CHECKING:
    from bridge._auth import TokenProvider
    from bridge._bulk import InviteBatch
    from bridge._environments import Environment
    from bridge._resources import ApiVersion, Calls
    from bridge._schema import Command
    from bridge._shape import InviteRequest

__all__ = ["CommandResult", "Session", "connect"]

API_VERSIONS = ("beta", "v1.0")
DEFAULT_CONCURRENCY = 8
UNDECLARED_KEYS_ENV = "MGBRIDGE_UNDECLARED_KEYS"
NULL_STRINGS_ENV = "MGBRIDGE_NULL_STRINGS"


def connect(
    environment: str | Environment = "Global",
    *,
    proxy: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    max_retry: int = 3,
    retry_delay: float = 3.0,
    retries_time_limit: float | None = None,
    verbatim_undeclared_keys: bool | None = None,
    null_as_empty_string: bool | None = None,
    record: str | os.PathLike[str] | None = None,
    **credentials: Any,
) -> Session:
    """Signs in and returns a Session: one keep-alive HTTPS client and one token provider.

    Usage:
    ```python
    with bridge.connect(environment="Sandbox") as session:
        op = session.invite(call_id, body=params)
    ```

    **Parameters:**
    * **environment** - `Global`, `USGov`, `USGovDoD`, `China`, `Sandbox`, a custom environment's
      name, or an Environment.
    * **proxy** - an `http://` or `https://` proxy URL; environment proxy variables are not read.
    * **timeout** / **connect_timeout** - seconds to wait for a response / for a connection.
    * **max_retry**, **retry_delay**, **retries_time_limit** - the retry policy (as the SDK's
      `Set-MgRequestContext`): up to 10 retries of 429/503/504, base delay up to 180 s, and an
      overall limit in seconds (None or 0: none).
    * **verbatim_undeclared_keys** - send undeclared keys of open types in the caller's casing,
      as the SDK does, instead of lower camelCase. By default it is on when the environment
      variable `MGBRIDGE_UNDECLARED_KEYS` is `verbatim`, so PowerShell scripts and the CLI can
      switch it too.
    * **null_as_empty_string** - send a string (or enum) property given as None as `""`, as the
      SDK does, instead of leaving it out. By default it is on when the environment variable
      `MGBRIDGE_NULL_STRINGS` is `empty`.
    * **record** - append every Graph request sent (and every -WhatIf plan) to this transcript
      file, as JSON Lines without credentials (see `bridge.compare_transcripts`). By default the
      file the environment variable `MGBRIDGE_RECORD` names at each request, if any.
    * **credentials** - sign-in options (client_id, tenant_id, client_secret, certificate,
      access_token, managed_identity, ...); with `Sandbox` and none, the sandbox's default app.
    """
    from bridge._auth import sign_in  # msal is imported only when someone signs in
    from bridge._environments import get_environment

    env = get_environment(environment)
    if timeout <= 0 or connect_timeout <= 0:
        raise BodyError("timeouts must be positive", path="timeout")
    try:
        policy = RetryPolicy(max_retry, retry_delay, time_limit=retries_time_limit or None)
    except ValueError as exc:
        raise BodyError(str(exc)) from None
    recorder = Recorder(record)
    client_options: dict[str, Any] = {
        "ca_file": env.ca_file,
        "proxy": proxy,
        "timeout": timeout,
        "connect_timeout": connect_timeout,
        "retry": policy,
        "recorder": recorder,
        "throttle": Throttle(),
    }
    client = build_client(**client_options)
    try:
        tokens = sign_in(env, client, **credentials)
    except BaseException:
        client.close()
        raise
    if verbatim_undeclared_keys is None:
        verbatim_undeclared_keys = os.environ.get(UNDECLARED_KEYS_ENV, "").lower() == "verbatim"
    if null_as_empty_string is None:
        null_as_empty_string = os.environ.get(NULL_STRINGS_ENV, "").lower() == "empty"
    return Session(
        env,
        client,
        tokens,
        verbatim_undeclared_keys=verbatim_undeclared_keys,
        null_as_empty_string=null_as_empty_string,
        client_options=client_options,
    )


class Session:
    """A connection to Graph: invites participants and reads the operations they create.

    Made by `bridge.connect()`. Thread-safe as far as httpx.Client is; close it when done (or
    use it as a context manager).
    """

    def __init__(
        self,
        environment: Environment,
        client: httpx.Client,
        tokens: TokenProvider,
        *,
        verbatim_undeclared_keys: bool = False,
        null_as_empty_string: bool = False,
        client_options: Mapping[str, Any] | None = None,
    ) -> None:
        # Imported here, once per session, so that `import bridge` stays light.
        from bridge._shape import build_command_request, build_invite_request, check_id

        self.environment = environment
        self._client = client
        self._tokens = tokens
        self._build_invite_request = build_invite_request
        self._build_command_request = build_command_request
        self._check_id = check_id
        self._verbatim = verbatim_undeclared_keys
        self._null_strings = null_as_empty_string
        # How the client was built, so that an asyncio client can be built alike (same
        # recorder and throttle: one session, one view of Graph's limits).
        self._client_options = dict(client_options or {})
        self._recorder: Recorder = self._client_options.setdefault("recorder", Recorder())
        self._graph_root = environment.graph_endpoint.rstrip("/")
        self._closed = False
        self._sleep: Callable[[float], None] = _interrupt.sleep
        self._clock: Callable[[], float] = time.monotonic

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the HTTP client; later calls raise AuthError. Cached tokens are kept."""
        if not self._closed:
            self._closed = True
            self._client.close()

    def sign_out(self) -> None:
        """Disconnects: forgets the token (in CurrentUser scope, deletes the cached one too)
        and closes the HTTP client, as Disconnect-MgGraph does."""
        self._tokens.sign_out()
        self.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def context(self) -> dict[str, Any]:
        """The Get-MgContext fields of this connection (no secrets)."""
        self._check_open()
        return self._tokens.context()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<Session environment={self.environment.name!r} {state}>"

    # -- invite -----------------------------------------------------------------------------

    @overload
    def invite(
        self,
        call_id: str | None = None,
        *,
        body: Mapping[str, Any] | str | None = None,
        participants: list[Any] | None = None,
        client_context: str | None = None,
        additional_properties: Mapping[str, Any] | None = None,
        input_object: Mapping[str, Any] | None = None,
        api_version: str = "beta",
        headers: Mapping[str, Any] | None = None,
        what_if: Literal[False] = False,
    ) -> Operation: ...

    @overload
    def invite(
        self,
        call_id: str | None = None,
        *,
        body: Mapping[str, Any] | str | None = None,
        participants: list[Any] | None = None,
        client_context: str | None = None,
        additional_properties: Mapping[str, Any] | None = None,
        input_object: Mapping[str, Any] | None = None,
        api_version: str = "beta",
        headers: Mapping[str, Any] | None = None,
        what_if: Literal[True],
    ) -> PlannedRequest: ...

    def invite(
        self,
        call_id: str | None = None,
        *,
        body: Mapping[str, Any] | str | None = None,
        participants: list[Any] | None = None,
        client_context: str | None = None,
        additional_properties: Mapping[str, Any] | None = None,
        input_object: Mapping[str, Any] | None = None,
        api_version: str = "beta",
        headers: Mapping[str, Any] | None = None,
        what_if: bool = False,
    ) -> Operation | PlannedRequest:
        """Invites participants to a call: POST /communications/calls/{id}/participants/invite.

        Give either ``body`` (the cmdlet's -BodyParameter: a dict in any key casing, or JSON
        text) or the expanded ``participants``/``client_context``/``additional_properties``;
        and either ``call_id`` or ``input_object`` (``{"CallId": ...}``). ``headers`` are added
        to the request. With ``what_if`` nothing is sent (no token either) and the
        PlannedRequest is returned. Raises BodyError before sending anything, GraphError for an
        error answer (after retries), TransportError when no answer arrived.
        """
        self._check_open()
        request, url, content = self._invite_request(
            call_id,
            body=body,
            participants=participants,
            client_context=client_context,
            additional_properties=additional_properties,
            input_object=input_object,
            api_version=api_version,
        )
        if what_if:
            return self._plan("POST", url, content, headers, request.body)
        response = send(
            self._client, "POST", url, headers=self._headers(headers, True), content=content
        )
        return self._operation(response, request.call_id, request.api_version)

    def invite_many(
        self,
        items: Iterable[Mapping[str, Any]],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        ordered: bool = True,
        on_send: Callable[[int, Any], None] | None = None,
    ) -> InviteBatch:
        """Invites for many items at once, at most ``concurrency`` in flight, all paced by the
        session's one throttle (a 429 pauses them all for its Retry-After).

        Each item holds `invite`'s keyword arguments (``{"call_id": ..., "body": {...}}``); items
        are read as they are needed, so a generator can feed millions. Iterate the result for one
        InviteResult per item, in the items' order (``ordered``) or as they complete; a failed
        item is a result with its error, not an exception. An invite throttled past its retries
        is sent again later, never dropped; one that may have reached Graph is never sent twice.
        ``stop()`` on the batch ends it after the invites in flight. ``on_send(index, item)`` is
        called (on a worker thread) just before an item is sent: a caller that must survive being
        killed records it, so that an item sent without a recorded result is never sent again.
        """
        from bridge._bulk import InviteBatch

        self._check_open()
        return InviteBatch(
            self.invite, items, concurrency=concurrency, ordered=ordered, on_send=on_send
        )

    # -- the calls family ---------------------------------------------------------------------

    @property
    def calls(self) -> Calls:
        """The calls of Graph beta as a navigable resource: ``session.calls.create(body)``,
        ``session.calls[call_id].participants.list()``, ``.mute(...)``; ``session.v1.calls`` for
        v1.0."""
        from bridge._resources import Calls

        return Calls(self, "beta")

    @property
    def v1(self) -> ApiVersion:
        """The v1.0 API: ``session.v1.calls``."""
        from bridge._resources import ApiVersion

        return ApiVersion(self, "v1.0")

    def command(
        self,
        name: str,
        *,
        ids: Mapping[str, Any] | None = None,
        input_object: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | str | None = None,
        expanded: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        all_pages: bool = False,
        page_size: int | None = None,
        headers: Mapping[str, Any] | None = None,
        what_if: bool = False,
    ) -> CommandResult | PlannedRequest:
        """Runs a command of the calls family by the SDK's name, e.g.
        ``session.command("Invoke-MgBetaMuteCommunicationCallParticipant", ids={"CallId": c,
        "ParticipantId": p}, body={"ClientContext": "..."})``.

        ``ids`` (the SDK's parameter names) choose the operation (list or get); ``input_object``
        holds them instead. ``body`` is -BodyParameter, ``expanded`` the body's properties as
        parameters; ``query`` OData options (``top``, ``filter``, ``select``, ``count``, ...).
        A list returns its first page, or with ``all_pages`` every page (``page_size`` items
        each), or with ``top`` up to that many items across pages. With ``what_if`` nothing is
        sent. Errors as for `invite`.
        """
        self._check_open()
        request = self._build_command_request(
            name,
            ids=ids,
            input_object=input_object,
            body=body,
            expanded=expanded,
            query=query,
            verbatim_undeclared_keys=self._verbatim,
            null_as_empty_string=self._null_strings,
        )
        command = request.command
        params = dict(request.query)
        # $top asks for that many items, across pages if need be; -All for every page, each of
        # page_size items.
        top = int(params["$top"]) if "$top" in params else None
        if all_pages and page_size and top is None and command.returns == "collection":
            params["$top"] = str(page_size)
        url = self._graph_root + request.path
        if params:
            url += "?" + urlencode(params, quote_via=quote, safe="$,")
        content = None
        if request.body is not None:
            content = json.dumps(request.body, ensure_ascii=False, separators=(",", ":")).encode()
        if what_if:
            return self._plan(command.method, url, content, headers, request.body)
        response = send(
            self._client,
            command.method,
            url,
            headers=self._headers(headers, content is not None),
            content=content,
        )
        if command.returns == "nothing" or response.status_code == 204:
            return CommandResult(command, None, response.headers)
        if command.returns == "count":
            return CommandResult(command, _count(response), response.headers)
        data = _json_object(response)
        if command.returns == "object":
            return CommandResult(command, data, response.headers)
        items = list(_page_items(data, response))
        count = data.get("@odata.count")
        link = data.get("@odata.nextLink")
        while isinstance(link, str) and (len(items) < top if top is not None else all_pages):
            # Follow nextLink only within this session's Graph root: the token goes with it.
            if not link.startswith(self._graph_root + "/"):
                break
            response = send(self._client, "GET", link, headers=self._headers(headers, False))
            data = _json_object(response)
            items.extend(_page_items(data, response))
            link = data.get("@odata.nextLink")
        if top is not None:
            del items[top:]
        return CommandResult(command, items, response.headers, count=count, next_link=link)

    # -- operations -------------------------------------------------------------------------

    def get_operation(
        self,
        call_id: str,
        operation_id: str,
        *,
        api_version: str = "beta",
        headers: Mapping[str, Any] | None = None,
    ) -> Operation:
        """Reads an operation: GET /communications/calls/{id}/operations/{operationId}."""
        self._check_open()
        url = self._operation_url(call_id, operation_id, api_version)
        return self._get_operation(url, call_id, api_version, headers)

    def _get_operation(
        self, url: str, call_id: str, api_version: str, headers: Mapping[str, Any] | None = None
    ) -> Operation:
        response = send(self._client, "GET", url, headers=self._headers(headers, False))
        return self._operation(response, call_id, api_version)

    def wait_operation(
        self,
        call_id: str | Operation,
        operation_id: str | None = None,
        *,
        timeout: float = 30.0,
        interval: float = 1.0,
        api_version: str | None = None,
        on_poll: Callable[[Operation], None] | None = None,
    ) -> Operation:
        """Polls an operation until it is completed or failed, and returns it.

        Takes ``(call_id, operation_id)`` or the Operation an invite returned (its call and
        version are then reused). ``on_poll`` sees every state read. Raises TransportError
        (``may_have_been_processed`` true) when ``timeout`` seconds pass first: the operation
        may still finish.
        """
        url, call_id, operation_id, api_version = self._poll_target(
            call_id, operation_id, api_version
        )
        deadline = self._clock() + timeout
        while True:
            operation = self._get_operation(url, call_id, api_version)
            if on_poll is not None:
                on_poll(operation)
            if operation.done:
                return operation
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise _still_running(operation, call_id, operation_id, timeout)
            self._sleep(min(interval, remaining))

    # -- helpers ----------------------------------------------------------------------------

    def _poll_target(
        self, call_id: str | Operation, operation_id: str | None, api_version: str | None
    ) -> tuple[str, str, str, str]:
        """What `wait_operation` polls: the URL, call id, operation id and version."""
        location = ""
        if isinstance(call_id, Operation):
            operation = call_id
            call_id, operation_id = operation.call_id, operation_id or operation.id
            api_version = api_version or operation.api_version
            # Follow Location only within this session's Graph root: the token goes with it.
            if operation.location.startswith(self._graph_root + "/"):
                location = operation.location
        api_version = api_version or "beta"
        self._check_open()
        operation_id = operation_id or ""
        url = location or self._operation_url(call_id, operation_id, api_version)
        return url, call_id, operation_id, api_version

    def _invite_request(
        self, call_id: str | None, **arguments: Any
    ) -> tuple[InviteRequest, str, bytes]:
        """The invite shaped for the wire: the request, its URL and its JSON body."""
        request = self._build_invite_request(
            call_id,
            verbatim_undeclared_keys=self._verbatim,
            null_as_empty_string=self._null_strings,
            **arguments,
        )
        url = self._graph_root + request.path
        content = json.dumps(request.body, ensure_ascii=False, separators=(",", ":")).encode()
        return request, url, content

    def _plan(
        self,
        method: str,
        url: str,
        content: bytes | None,
        headers: Mapping[str, Any] | None,
        body: dict[str, Any] | None,
    ) -> PlannedRequest:
        """The request built exactly as it would be sent (client defaults included), not sent,
        and without a token."""
        planned = self._client.build_request(
            method,
            url,
            content=content,
            headers=self._headers(headers, content is not None, "<redacted>"),
        )
        self._recorder.record(planned, None, planned=True)
        shown = {k.decode("latin-1"): v.decode("latin-1") for k, v in planned.headers.raw}
        return PlannedRequest(method, url, redact_headers(shown), body)

    def _check_open(self) -> None:
        if self._closed:
            raise AuthError("This session is closed; connect again.", code="SessionClosed")

    def _headers(
        self, extra: Mapping[str, Any] | None, has_body: bool, token: str | None = None
    ) -> dict[str, str]:
        headers = {
            "Authorization": "Bearer " + (token or self._tokens.token()),
            "Accept": "application/json",
            "SdkVersion": SDK_VERSION,
            "client-request-id": str(uuid.uuid4()),
        }
        if has_body:
            headers["Content-Type"] = "application/json"
        if extra:
            _merge_headers(headers, extra)
        return headers

    def _operation_url(self, call_id: str, operation_id: str, api_version: str) -> str:
        if api_version not in API_VERSIONS:
            raise BodyError(
                f"must be one of {', '.join(API_VERSIONS)}", path="ApiVersion", got=api_version
            )
        call_id = self._check_id(call_id, "CallId")
        operation_id = self._check_id(operation_id, "OperationId", "operation id")
        return (
            f"{self._graph_root}/{api_version}/communications/calls/{quote(call_id, safe='')}"
            f"/operations/{quote(operation_id, safe='')}"
        )

    @staticmethod
    def _operation(response: httpx.Response, call_id: str, api_version: str) -> Operation:
        data = _json_object(response)
        return Operation(
            data,
            call_id=call_id,
            api_version=api_version,
            location=response.headers.get("Location", ""),
            response_headers=response.headers,
        )


class CommandResult:
    """What a command of the calls family returned.

    ``value`` is the Graph JSON object, the list of items of a list (every page asked for), the
    count of a ``$count`` command, or None when Graph answered 204. ``type`` names the Graph type
    of the object or items; ``count`` is ``@odata.count`` when the count was asked for;
    ``next_link`` the link to the pages not read.
    """

    __slots__ = ("command", "count", "next_link", "response_headers", "value")

    def __init__(
        self,
        command: Command,
        value: Any,
        response_headers: Mapping[str, str],
        *,
        count: int | None = None,
        next_link: str | None = None,
    ) -> None:
        self.command = command
        self.value = value
        self.response_headers = response_headers
        self.count = count
        self.next_link = next_link

    @property
    def type(self) -> str | None:
        return self.command.response

    def __repr__(self) -> str:
        return f"CommandResult({self.command.name!r}, {self.value!r})"


def _still_running(
    operation: Operation, call_id: str, operation_id: str, timeout: float
) -> TransportError:
    return TransportError(
        f"Operation {operation_id} of call {call_id} is still {operation.status} "
        f"after {timeout:g} s; it may still complete.",
        may_have_been_processed=True,
    )


def _json_object(response: httpx.Response) -> dict[str, Any]:
    content = response.content
    try:
        data = json.loads(content) if content else {}
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise TransportError(
            f"{response.request.method} {response.request.url}: the {response.status_code} "
            "response is not a JSON object; the request was processed.",
            may_have_been_processed=True,
        )
    return data


def _page_items(data: dict[str, Any], response: httpx.Response) -> list[Any]:
    items = data.get("value")
    if not isinstance(items, list):
        raise TransportError(
            f"GET {response.request.url}: the response holds no list of items (value).",
            may_have_been_processed=True,
        )
    return items


def _count(response: httpx.Response) -> int:
    text = response.text.strip().lstrip("\ufeff")
    if not text.isdigit():
        raise TransportError(
            f"GET {response.request.url}: the count is not a number: {text[:40]!r}",
            may_have_been_processed=True,
        )
    return int(text)


def _merge_headers(headers: dict[str, str], extra: Mapping[str, Any]) -> None:
    """Adds the caller's headers (values as text, as the cmdlets' -Headers), replacing ours
    whatever their casing; Authorization stays the session's."""
    lower = {name.lower(): name for name in headers}
    for name, value in extra.items():
        if value is None:
            continue
        key = str(name).lower()
        if key == "authorization":
            raise BodyError(
                "Authorization is set by the session; sign in with the credential instead",
                path="Headers",
            )
        if key in lower:
            del headers[lower[key]]
        headers[str(name)] = str(value)
