"""The asyncio face of a session: the same invites, errors, retries and sign-in, awaited.

An AsyncSession wraps a Session: the shaping, the headers, the token provider, the recorder and
the throttle are that session's, so both faces send byte-identical requests and share one view
of Graph's limits. Only the Graph requests go through an httpx.AsyncClient; sign-in (msal, which
is synchronous) runs on a worker thread, once for any number of concurrent calls.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from bridge._http import DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, build_async_client, send_async
from bridge._operation import Operation, PlannedRequest
from bridge._session import DEFAULT_CONCURRENCY, Session, _still_running, connect

if TYPE_CHECKING:
    from bridge._bulk import AsyncInviteBatch
    from bridge._environments import Environment

__all__ = ["AsyncSession", "connect_async"]


async def connect_async(
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
) -> AsyncSession:
    """`bridge.connect` for asyncio: signs in (on a worker thread) and returns an AsyncSession.

    Usage:
    ```python
    async with await bridge.connect_async(environment="Sandbox") as session:
        op = await session.invite(call_id, body=params)
        async for result in session.invite_many(items, concurrency=32):
            ...
    ```

    Takes the same arguments as `bridge.connect` and raises the same errors.
    """
    session = await asyncio.to_thread(
        connect,
        environment,
        proxy=proxy,
        timeout=timeout,
        connect_timeout=connect_timeout,
        max_retry=max_retry,
        retry_delay=retry_delay,
        retries_time_limit=retries_time_limit,
        verbatim_undeclared_keys=verbatim_undeclared_keys,
        null_as_empty_string=null_as_empty_string,
        record=record,
        **credentials,
    )
    return AsyncSession(session)


class AsyncSession:
    """A connection to Graph for asyncio code: ``await session.invite(...)``.

    Made by `bridge.connect_async()`; close it with ``await session.aclose()`` or use it as an
    async context manager. Any number of tasks may use it at once.
    """

    def __init__(self, session: Session) -> None:
        self.session = session  # the synchronous face, sharing everything
        self.environment = session.environment
        self._client = build_async_client(**session._client_options)
        self._refreshing: asyncio.Lock | None = None

    async def aclose(self) -> None:
        """Closes both HTTP clients; later calls raise AuthError."""
        self.session.close()
        await self._client.aclose()

    async def __aenter__(self) -> AsyncSession:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def context(self) -> dict[str, Any]:
        """The Get-MgContext fields of this connection (no secrets)."""
        return self.session.context()

    def __repr__(self) -> str:
        return f"<AsyncSession of {self.session!r}>"

    async def invite(
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
        """`Session.invite`, awaited: the same arguments, request and errors."""
        session = self.session
        session._check_open()
        request, url, content = session._invite_request(
            call_id,
            body=body,
            participants=participants,
            client_context=client_context,
            additional_properties=additional_properties,
            input_object=input_object,
            api_version=api_version,
        )
        if what_if:
            return session._plan("POST", url, content, headers, request.body)
        token = await self._token()
        sent = session._headers(headers, True, token)
        response = await send_async(self._client, "POST", url, headers=sent, content=content)
        return session._operation(response, request.call_id, request.api_version)

    def invite_many(
        self,
        items: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        ordered: bool = True,
        on_send: Callable[[int, Any], None] | None = None,
    ) -> AsyncInviteBatch:
        """`Session.invite_many` on the event loop: ``async for result in
        session.invite_many(items, concurrency=32)``; items may also come from an async
        iterable."""
        from bridge._bulk import AsyncInviteBatch

        self.session._check_open()

        async def invite(**arguments: Any) -> Operation:
            operation = await self.invite(**arguments)
            assert isinstance(operation, Operation)  # items cannot ask for what_if
            return operation

        return AsyncInviteBatch(
            invite, items, concurrency=concurrency, ordered=ordered, on_send=on_send
        )

    async def get_operation(
        self,
        call_id: str,
        operation_id: str,
        *,
        api_version: str = "beta",
        headers: Mapping[str, Any] | None = None,
    ) -> Operation:
        """`Session.get_operation`, awaited."""
        self.session._check_open()
        url = self.session._operation_url(call_id, operation_id, api_version)
        return await self._get_operation(url, call_id, api_version, headers)

    async def wait_operation(
        self,
        call_id: str | Operation,
        operation_id: str | None = None,
        *,
        timeout: float = 30.0,
        interval: float = 1.0,
        api_version: str | None = None,
        on_poll: Callable[[Operation], None] | None = None,
    ) -> Operation:
        """`Session.wait_operation`, awaited: polls without blocking the event loop."""
        url, call_id, operation_id, api_version = self.session._poll_target(
            call_id, operation_id, api_version
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            operation = await self._get_operation(url, call_id, api_version)
            if on_poll is not None:
                on_poll(operation)
            if operation.done:
                return operation
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise _still_running(operation, call_id, operation_id, timeout)
            await asyncio.sleep(min(interval, remaining))

    async def _get_operation(
        self, url: str, call_id: str, api_version: str, headers: Mapping[str, Any] | None = None
    ) -> Operation:
        token = await self._token()
        response = await send_async(
            self._client, "GET", url, headers=self.session._headers(headers, False, token)
        )
        return self.session._operation(response, call_id, api_version)

    async def _token(self) -> str:
        """The access token; when it must be refreshed, one task does it on a worker thread
        while the others wait for that one refresh."""
        tokens = self.session._tokens
        token = tokens.current_token()
        if token is not None:
            return token
        if self._refreshing is None:
            self._refreshing = asyncio.Lock()
        async with self._refreshing:
            token = tokens.current_token()
            return token if token is not None else await asyncio.to_thread(tokens.token)
