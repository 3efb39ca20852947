"""An ``httpx`` transport (sync and async) that answers from an emulator in the same process."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import httpx

from ._messages import EmulatorRequest

if TYPE_CHECKING:
    from ._emulator import Dispatch, Emulator


def to_emulator_request(request: httpx.Request, body: bytes) -> EmulatorRequest:
    return EmulatorRequest(
        method=request.method,
        path=request.url.path,
        query=parse_qs(request.url.query.decode("ascii"), keep_blank_values=True),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=body,
    )


class EmulatorTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Give it to ``httpx.Client(transport=...)`` or ``httpx.AsyncClient(transport=...)``.

    Latency faults sleep through the emulator's ``sleep`` (sync) or ``asyncio.sleep`` (async);
    dropped connections raise the ``httpx`` error a real dropped connection raises.
    """

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def _finish(self, request: httpx.Request, dispatch: Dispatch) -> httpx.Response:
        if dispatch.timed_out:
            raise httpx.ReadTimeout("The read operation timed out", request=request)
        if dispatch.drop or dispatch.response is None:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        answer = dispatch.response
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body, request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        dispatch = self.emulator.dispatch(to_emulator_request(request, request.read()))
        if dispatch.latency:
            self.emulator.sleep(dispatch.latency)
        return self._finish(request, dispatch)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        dispatch = self.emulator.dispatch(to_emulator_request(request, await request.aread()))
        if dispatch.latency:
            await asyncio.sleep(dispatch.latency)
        return self._finish(request, dispatch)
