"""A real OpenLDAP server (Debian's ``slapd``) for the directory tests: a generated configuration and tree on a free
loopback port, StartTLS with a certificate made for the run, the ppolicy overlay so an entry can be locked.

CI installs ``slapd`` (.ci/run); without it the tests are skipped, except under ``CI=true`` where it is a failure."""

from __future__ import annotations

import datetime
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ldap3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SLAPD = Path(os.environ.get("SAURO_SLAPD", "/usr/sbin/slapd"))
SCHEMA = Path("/etc/ldap/schema")
MODULES = Path("/usr/lib/ldap")
SUFFIX = "dc=hue,dc=vn"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PW = "quan-tri-thu-nghiem"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
SERVICE_DN = f"uid=sauro-sync,{PEOPLE}"
SERVICE_PW = "dong-bo-thu-nghiem"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_file.chmod(0o600)
    return cert_file, key_file


@dataclass
class Directory:
    """The running server: its URL, CA file, and an administrator's connection to change the tree."""

    url: str
    ca_file: Path

    def admin(self) -> ldap3.Connection:
        return ldap3.Connection(ldap3.Server(self.url), ROOT_DN, ROOT_PW, auto_bind=True)

    def add_person(self, uid: str, name: str, password: str, mail: str = "") -> str:
        dn = f"uid={uid},{PEOPLE}"
        attrs = {"cn": name, "sn": name.split()[-1], "uid": uid, "userPassword": password}
        if mail:
            attrs["mail"] = mail
        with self.admin() as c:
            assert c.add(dn, ["inetOrgPerson"], attrs), c.result
        return dn

    def add_group(self, cn: str, members: list[str]) -> str:
        dn = f"cn={cn},{GROUPS}"
        with self.admin() as c:
            assert c.add(dn, ["groupOfNames"], {"cn": cn, "member": members or [ROOT_DN]}), c.result
        return dn

    def set_members(self, group_dn: str, members: list[str]) -> None:
        with self.admin() as c:
            assert c.modify(group_dn, {"member": [(ldap3.MODIFY_REPLACE, members or [ROOT_DN])]}), c.result

    def lock(self, dn: str) -> None:
        """Lock the entry as the password policy does (``pwdAccountLockedTime``, permanent)."""
        with self.admin() as c:
            assert c.modify(dn, {"pwdAccountLockedTime": [(ldap3.MODIFY_REPLACE, ["000001010000Z"])]}), c.result

    def delete(self, dn: str) -> None:
        with self.admin() as c:
            assert c.delete(dn), c.result


CONFIG = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
include {schema}/nis.schema
modulepath {modules}
moduleload back_mdb
moduleload ppolicy
pidfile {run}/slapd.pid
argsfile {run}/slapd.args
TLSCertificateFile {cert}
TLSCertificateKeyFile {key}
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_pw}
directory {run}/db
overlay ppolicy
access to attrs=userPassword by anonymous auth by self write by * none
access to * by * read
"""


def start(workdir: Path) -> Iterator[Directory]:
    """Start slapd in ``workdir``, load the base tree, yield it, stop it."""
    (workdir / "db").mkdir(parents=True)
    cert, key = _certificate(workdir)
    conf = workdir / "slapd.conf"
    conf.write_text(
        CONFIG.format(
            schema=SCHEMA,
            modules=MODULES,
            run=workdir,
            cert=cert,
            key=key,
            suffix=SUFFIX,
            root_dn=ROOT_DN,
            root_pw=ROOT_PW,
        )
    )
    port = free_port()
    url = f"ldap://localhost:{port}"
    proc = subprocess.Popen(  # noqa: S603 — fixed argv, no shell
        [str(SLAPD), "-f", str(conf), "-h", f"ldap://127.0.0.1:{port}/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                    raise RuntimeError(f"slapd did not start: {err[-2000:]}") from None
                time.sleep(0.1)
        directory = Directory(url=url, ca_file=cert)
        with directory.admin() as c:
            assert c.add(SUFFIX, ["dcObject", "organization"], {"dc": "hue", "o": "Thành ủy Huế"}), c.result
            assert c.add(PEOPLE, ["organizationalUnit"], {"ou": "people"}), c.result
            assert c.add(GROUPS, ["organizationalUnit"], {"ou": "groups"}), c.result
        directory.add_person("sauro-sync", "Tài khoản đồng bộ", SERVICE_PW)
        yield directory
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(workdir / "db", ignore_errors=True)
