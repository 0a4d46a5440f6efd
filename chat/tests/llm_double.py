"""A test double for an OpenAI-compatible chat-completions server (no LLM server runs here).

It speaks the wire format of POST /v1/chat/completions: a JSON reply for `stream: false` and
Server-Sent Events (`data: {chunk}` ... `data: [DONE]`) for `stream: true`, including a final usage
chunk. `mode` scripts what goes wrong: "ok", "error" (HTTP 500), "slow" (answers after `delay`
seconds), "cut" (the stream stops half-way without [DONE]), "garbage" (a non-JSON event).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeLLMServer:
    def __init__(self):
        self.mode = "ok"
        self.delay = 0.0
        self.answer_pieces = ["리피토의 통상 시작 용량은 ", "1일 1회 10mg입니다", " [1]."]
        self.condensed = ""
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if server.mode == "error":
                    self._send(500, "application/json", b'{}')
                    return
                self._send(200, "application/json", b'{"object": "list", "data": [{"id": "test-double-model"}]}')

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if server.mode == "slow":
                    time.sleep(server.delay)
                if server.mode == "error":
                    self._send(500, "application/json", b'{"error": {"message": "model crashed"}}')
                    return
                if not body.get("stream"):
                    reply = {"id": "c1", "object": "chat.completion", "model": body["model"],
                             "choices": [{"index": 0, "finish_reason": "stop",
                                          "message": {"role": "assistant", "content": server.condensed}}],
                             "usage": {"prompt_tokens": 50, "completion_tokens": 8, "total_tokens": 58}}
                    self._send(200, "application/json", json.dumps(reply).encode())
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = server.answer_pieces
                if server.mode == "cut":
                    pieces = pieces[: max(1, len(pieces) // 2)]
                for piece in pieces:
                    self._event({"id": "c2", "object": "chat.completion.chunk", "model": body["model"],
                                 "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
                if server.mode == "cut":
                    return
                if server.mode == "garbage":
                    self.wfile.write(b"data: {not json\n\n")
                    return
                self._event({"id": "c2", "object": "chat.completion.chunk", "model": body["model"],
                             "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                self._event({"id": "c2", "object": "chat.completion.chunk", "model": body["model"], "choices": [],
                             "usage": {"prompt_tokens": 321, "completion_tokens": 17, "total_tokens": 338}})
                self.wfile.write(b"data: [DONE]\n\n")

            def _event(self, payload):
                self.wfile.write(f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()

            def _send(self, status, content_type, payload):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def generation_prompts(self) -> list[str]:
        """The user prompts of the streaming (answer) requests received."""
        return [r["body"]["messages"][-1]["content"] for r in self.requests if r["body"].get("stream")]
