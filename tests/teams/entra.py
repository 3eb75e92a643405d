"""A stand-in for Microsoft Entra's token endpoint, over HTTPS on 127.0.0.1, in its own thread:
the OpenID configuration MSAL discovers, and the client-credentials token endpoint. It counts
both, can hold token requests until released (Entra answering slowly), and can fail the first
few (Entra having a bad minute)."""

from __future__ import annotations

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import trustme


class EntraStandIn:
    def __init__(self, tenant: str, client_id: str, client_secret: str, token: str, ca_file: Path) -> None:
        self.tenant = tenant
        self.client_id = client_id
        self.client_secret = client_secret
        self.token = token
        self.discovery_requests = 0
        self.token_requests = 0
        self.refused_secrets = 0
        self.failures_left = 0
        self.holding = False
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._ca = trustme.CA()
        self._ca.cert_pem.write_to_path(str(ca_file))
        self.ca_file = ca_file
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def authority(self) -> str:
        """For TEAMS_LOGIN_URL."""
        return f"https://127.0.0.1:{self.port}/{self.tenant}"

    def hold(self, within: float = 15.0) -> None:
        """Token requests wait until `release()` (or `within` seconds, so a blocked caller recovers)."""
        self._release.clear()
        self.holding = True
        self._hold_for = within

    def release(self) -> None:
        self.holding = False
        self._release.set()

    def start(self) -> None:  # noqa: C901 - one HTTP handler class with a branch per Entra route
        entra = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.endswith("/.well-known/openid-configuration"):
                    with entra._lock:
                        entra.discovery_requests += 1
                    base = f"https://127.0.0.1:{entra.port}/{entra.tenant}"
                    self._json(
                        {
                            "issuer": f"{base}/v2.0",
                            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                            "token_endpoint": f"{base}/oauth2/v2.0/token",
                        }
                    )
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                with entra._lock:
                    entra.token_requests += 1
                    failing = entra.failures_left > 0
                    if failing:
                        entra.failures_left -= 1
                if entra.holding:
                    entra._release.wait(entra._hold_for)
                    entra.holding = False
                if failing:
                    self._json(
                        {"error": "temporarily_unavailable", "error_description": "try later"},
                        503,
                        {"Retry-After": "1"},
                    )
                    return
                if form.get("client_secret") != [entra.client_secret] or form.get("client_id") != [
                    entra.client_id
                ]:
                    with entra._lock:
                        entra.refused_secrets += 1
                    self._json({"error": "invalid_client", "error_description": "AADSTS7000215"}, 401)
                    return
                self._json({"token_type": "Bearer", "expires_in": 3599, "access_token": entra.token})

            def _json(
                self, body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._ca.issue_cert("127.0.0.1").configure_cert(context)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
