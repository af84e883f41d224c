"""A real OpenID provider in a second process for the single sign-on tests (tests/identity/provider:
django-oauth-toolkit with OpenID Connect). ``start`` migrates its own SQLite file, makes its signing key, serves it on a
free loopback port, and gives a handle to add people and the client; ``Browser`` plays the person's browser there."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.identity.slapd import free_port

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.identity.provider.settings"

SETUP = """
import sys
from django.contrib.auth.models import Group, User
from oauth2_provider.models import Application
kind = sys.argv[1]
if kind == "client":
    _, _, client_id, secret, redirect, logout = sys.argv
    Application.objects.update_or_create(client_id=client_id, defaults=dict(
        client_secret=secret, client_type="confidential", authorization_grant_type="authorization-code",
        redirect_uris=redirect, post_logout_redirect_uris=logout, skip_authorization=True, algorithm="RS256",
        name="Sáu Rõ"))
else:
    _, _, username, password, name, email, groups = sys.argv
    user, _ = User.objects.update_or_create(username=username, defaults=dict(first_name=name, email=email))
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=g)[0] for g in groups.split(",") if g])
"""


@dataclass
class Provider:
    issuer: str
    env: dict[str, str]

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def _run(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 — fixed argv, no shell
            [sys.executable, "-c", "import django; django.setup(); exec(open(0).read())", *args],
            input=SETUP,
            text=True,
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )

    def add_client(self, client_id: str, secret: str, redirect_uri: str, logout_uri: str) -> None:
        self._run("client", client_id, secret, redirect_uri, logout_uri)

    def add_person(self, username: str, password: str, name: str, email: str, groups: list[str]) -> None:
        self._run("person", username, password, name, email, ",".join(groups))


class Browser:
    """The person's browser at the provider: keeps its cookies, logs in on the provider's form when asked."""

    def __init__(self, username: str, password: str) -> None:
        self.session = requests.Session()
        self.username, self.password = username, password
        self.logins = 0

    def authorize(self, url: str) -> str:
        """Follow the authorization request at the provider (logging in if it asks) until it sends the browser back
        to the client; returns that URL (with the code and state)."""
        response = self.session.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 302 and "/login/" in response.headers["Location"]:
            login = requests.compat.urljoin(url, response.headers["Location"])
            form = self.session.get(login, timeout=10)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
            assert token, form.text
            nxt = re.search(r'name="next" value="([^"]*)"', form.text)
            posted = self.session.post(
                login,
                data={
                    "csrfmiddlewaretoken": token.group(1),
                    "username": self.username,
                    "password": self.password,
                    "next": html.unescape(nxt.group(1)) if nxt else "",
                },
                headers={"Referer": login},
                allow_redirects=False,
                timeout=10,
            )
            assert posted.status_code == 302, posted.text
            self.logins += 1
            response = self.session.get(
                requests.compat.urljoin(login, posted.headers["Location"]), allow_redirects=False, timeout=10
            )
        assert response.status_code == 302, response.text[:2000]
        return str(response.headers["Location"])

    def visit(self, url: str) -> requests.Response:
        return self.session.get(url, allow_redirects=False, timeout=10)


def start(workdir: Path) -> Iterator[Provider]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = workdir / "provider-key.pem"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    port = free_port()
    issuer = f"http://127.0.0.1:{port}/o"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "OIDC_PROVIDER_DB": str(workdir / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY_FILE": str(key_file),
        "OIDC_PROVIDER_ISSUER": issuer,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(  # noqa: S603 — fixed argv, no shell
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    log = (workdir / "provider.log").open("w")
    proc = subprocess.Popen(  # noqa: S603 — fixed argv, no shell
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        provider = Provider(issuer=issuer, env=env)
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(provider.discovery_url, timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(
                    "the OpenID provider did not start: " + (workdir / "provider.log").read_text()[-3000:]
                )
            time.sleep(0.2)
        yield provider
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
