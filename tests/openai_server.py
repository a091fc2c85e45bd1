"""A real chat-completions server on 127.0.0.1 for tests, with scripted behaviour.

``ChatServer`` listens on a random port (threading ``http.server``) and answers
``POST /v1/chat/completions`` from a queue of ``Reply`` objects, or from a
handler that reads the ``Request`` (for instance to copy sentences out of the
numbered sources in the prompt). Every request is recorded. A ``Reply`` can
set the status, headers, finish reason, token counts, a raw body, or a delay
to provoke a client timeout.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SOURCE_BLOCK = re.compile(
    r'<source id="(?P<id>S\d+)">\noutlet: (?P<outlet>[^\n]*)\ndate: (?P<date>[^\n]*)\n'
    r"title: (?P<title>[^\n]*)\ntext:\n(?P<text>.*?)\n</source>",
    re.DOTALL,
)


@dataclass
class Reply:
    """One scripted answer. ``raw`` replaces the whole body; ``delay`` sleeps first."""

    content: str = ""
    status: int = 200
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    prompt_tokens: int = 100
    completion_tokens: int = 20
    raw: bytes | None = None
    delay: float = 0.0

    @classmethod
    def json(cls, data: object, **kwargs: Any) -> Reply:
        return cls(json.dumps(data), **kwargs)


@dataclass(frozen=True)
class Source:
    """A source block as the model sees it in the prompt."""

    id: str
    outlet: str
    date: str
    title: str
    text: str


@dataclass(frozen=True)
class Request:
    """A request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, str]]:
        return list(self.body.get("messages", []))

    @property
    def prompt(self) -> str:
        """The system and user messages, joined."""
        return "\n\n".join(m["content"] for m in self.messages)

    @property
    def kind(self) -> str:
        """``outline``, ``section`` or ``revision``, from the JSON form the request asks for."""
        if '"revisions"' in self.prompt:
            return "revision"
        if '"sections"' in self.prompt:
            return "outline"
        return "section"

    def sources(self) -> list[Source]:
        return [Source(**m.groupdict()) for m in SOURCE_BLOCK.finditer(self.prompt)]


Handler = Callable[[Request], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (after a timeout) is expected here, not an error to print."""


class ChatServer:
    """Scripted chat-completions server; use ``running()`` or ``start``/``stop``."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.replies: deque[Reply] = deque()
        self.handler: Handler | None = None
        self.errors: list[Exception] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler_class(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with ``replies``, in order (before any handler)."""
        self.replies.extend(replies)

    def answer(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self.replies:
                return self.replies.popleft()
        if self.handler is not None:
            try:
                return self.handler(request)
            except Exception as error:  # a broken test handler must fail its test
                self.errors.append(error)
                return Reply(status=500, raw=b'{"error": {"message": "handler failed"}}')
        return Reply(status=500, raw=b'{"error": {"message": "no scripted reply"}}')

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@contextmanager
def running() -> Iterator[ChatServer]:
    server = ChatServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _handler_class(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class ChatHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``server.requests`` instead."""

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            reply = server.answer(request)
            if reply.delay and server.stopping.wait(reply.delay):
                return
            payload = reply.raw
            if payload is None:
                payload = json.dumps(
                    {
                        "id": "chatcmpl-test",
                        "object": "chat.completion",
                        "model": body.get("model"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": reply.content},
                                "finish_reason": reply.finish_reason,
                            }
                        ],
                        "usage": {
                            "prompt_tokens": reply.prompt_tokens,
                            "completion_tokens": reply.completion_tokens,
                            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
                        },
                    }
                ).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (a timeout test); nothing to answer

    return ChatHandler
