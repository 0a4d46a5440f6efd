"""TEST DOUBLE for OpenSearch (no OpenSearch server can run on this machine).

A tiny local HTTP server that records every request (method, path, JSON/NDJSON body) and answers the
few endpoints the backend uses the way OpenSearch does: index exists/create/delete, _bulk, _search,
_delete_by_query and _cluster/health. It keeps indexed documents in memory; _search returns every stored
document of the index with descending scores (it does not evaluate queries: tests assert on the query
bodies it recorded, and the service re-applies the access rule in SQL when it loads hits).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class OpenSearchDouble:
    def __init__(self):
        self.requests: list[tuple[str, str, object]] = []
        self.indices: dict[str, dict] = {}  # name -> {"body": ..., "docs": {id: source}}
        self.fail = False
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                if not raw:
                    return None
                try:
                    return json.loads(raw)
                except json.JSONDecodeError:
                    return [json.loads(line) for line in raw.splitlines() if line.strip()]

            def _send(self, status, payload=None):
                data = json.dumps(payload if payload is not None else {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def _handle(self):
                body = self._body()
                path = self.path.split("?")[0]
                double.requests.append((self.command, self.path, body))
                if double.fail:
                    return self._send(503, {"error": "double set to fail"})
                status, payload = double.answer(self.command, path, body)
                self._send(status, payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, method, path, body):
        parts = [p for p in path.split("/") if p]
        if parts == ["_cluster", "health"]:
            return 200, {"status": "green"}
        if parts == ["_bulk"]:
            items = []
            for action, source in zip(body[::2], body[1::2]):
                meta = action["index"]
                self.indices.setdefault(meta["_index"], {"body": None, "docs": {}})["docs"][meta["_id"]] = source
                items.append({"index": {"_id": meta["_id"], "status": 201}})
            return 200, {"took": 1, "errors": False, "items": items}
        if len(parts) == 1:
            name = parts[0]
            if method == "HEAD":
                return (200 if name in self.indices else 404), {}
            if method == "PUT":
                self.indices[name] = {"body": body, "docs": {}}
                return 200, {"acknowledged": True, "index": name}
            if method == "DELETE":
                self.indices.pop(name, None)
                return 200, {"acknowledged": True}
        if len(parts) == 2 and parts[1] == "_search":
            docs = list(self.indices.get(parts[0], {"docs": {}})["docs"].items())
            hits = [{"_id": doc_id, "_score": 1.0 / (i + 1)} for i, (doc_id, _src) in enumerate(docs)]
            return 200, {"hits": {"total": {"value": len(hits)}, "hits": hits[: body.get("size", 10)]}}
        if len(parts) == 2 and parts[1] == "_delete_by_query":
            docs = self.indices.get(parts[0], {"docs": {}})["docs"]
            document_id = body["query"]["term"]["document_id"]
            doomed = [k for k, v in docs.items() if v["document_id"] == document_id]
            for key in doomed:
                del docs[key]
            return 200, {"deleted": len(doomed)}
        return 404, {"error": f"test double does not know {method} {path}"}

    def bodies(self, method, suffix):
        return [body for m, p, body in self.requests if m == method and p.split("?")[0].endswith(suffix)]
