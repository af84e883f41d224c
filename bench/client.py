"""A small HTTP client as a browser or an integration would use the product: one keep-alive connection, a cookie
jar, the real login form (CSRF cookie and token, POST), and API bearer tokens issued by ``POST /api/v1/auth/token``.

gunicorn's sync workers close the connection after each response; ``http.client`` then reconnects on the next
request by itself, so the time measured includes a TCP connect on loopback, as a real client's would.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

LOGIN_PATH = "/dang-nhap/"
TOKEN_PATH = "/api/v1/auth/token"  # noqa: S105 — a URL, not a secret
DEFAULT_TIMEOUT = 180.0
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


class ClientError(Exception):
    """A request that did not get the answer the benchmark expects (status, body); always a failure."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def query(params: dict[str, Any] | list[tuple[str, Any]]) -> str:
    """A query string; list values repeat the parameter (``state=a&state=b``); ``None`` values are left out."""
    items = params.items() if isinstance(params, dict) else params
    pairs: list[tuple[str, str]] = []
    for key, value in items:
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        pairs += [(key, str(v)) for v in values]
    return urlencode(pairs)


class HttpClient:
    """One sequential client: a keep-alive ``HTTPConnection`` (re-opened when the server closes it) and cookies."""

    def __init__(self, base_url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.token: str | None = None
        self._conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def close(self) -> None:
        self._conn.close()

    # --- requests --------------------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        bearer: bool = False,
    ) -> Response:
        """Send one request and read the whole body; the time is from sending to the last byte read."""
        sent = {"Host": f"{self.host}:{self.port}", "Accept-Encoding": "identity", "User-Agent": "sauro-bench"}
        if bearer:
            if not self.token:
                raise ClientError("no API token: call issue_token() first")
            sent["Authorization"] = f"Bearer {self.token}"
        elif self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self._conn.request(method, path, body=body, headers=sent)
                raw = self._conn.getresponse()
                data = raw.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle kept-alive connection just as we reused it: once more, on a new one.
                self._conn.close()
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            break
        response_headers = {k.lower(): v for k, v in raw.getheaders()}
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                self._store_cookie(value)
        if raw.will_close:
            self._conn.close()
        return Response(status=raw.status, headers=response_headers, body=data, seconds=seconds)

    def _store_cookie(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str, *, bearer: bool = False) -> Response:
        return self.request("GET", path, bearer=bearer)

    def post_form(self, path: str, fields: dict[str, str], *, referer: str | None = None) -> Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if referer:
            headers["Referer"] = referer
        return self.request("POST", path, body=urlencode(fields).encode(), headers=headers)

    def post_json(self, path: str, payload: Any, *, bearer: bool = True) -> Response:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if not bearer and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        return self.request("POST", path, body=body, headers=headers, bearer=bearer)

    # --- authentication ------------------------------------------------------------------------------------------

    def login(self, username: str, password: str) -> None:
        """Through the login page, as a browser: GET it (CSRF cookie and form token), POST the form, follow."""
        page = self.get(LOGIN_PATH)
        if page.status != 200:
            raise ClientError(f"GET {LOGIN_PATH}: {page.status}")
        found = _CSRF_INPUT.search(page.text)
        if not found or "csrftoken" not in self.cookies:
            raise ClientError("login page without a CSRF token or cookie")
        answer = self.post_form(
            LOGIN_PATH,
            {"csrfmiddlewaretoken": found.group(1), "username": username, "password": password, "next": "/"},
            referer=f"http://{self.host}:{self.port}{LOGIN_PATH}",
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise ClientError(f"login as {username} refused ({answer.status}): wrong password, or locked out?")

    def issue_token(self, username: str, password: str, name: str = "sauro-bench") -> None:
        """A personal API token, as an integration gets one (``POST /api/v1/auth/token``)."""
        answer = self.post_json(TOKEN_PATH, {"username": username, "password": password, "name": name}, bearer=False)
        if answer.status != 201:
            raise ClientError(f"POST {TOKEN_PATH} as {username}: {answer.status} {answer.text[:200]}")
        self.token = str(answer.json()["token"])

    def revoke_token(self) -> None:
        """Revoke the token in use (``DELETE /api/v1/auth/token``), so a run leaves no live credential behind."""
        if self.token:
            self.request("DELETE", TOKEN_PATH, bearer=True)
            self.token = None
