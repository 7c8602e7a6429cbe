"""Key material of a sandbox: created once per state folder, reused on later starts.

Files in the state folder (all 0600):

    sandbox-ca-key.pem        the CA key and certificate (the key never leaves this file)
    sandbox-ca.pem            the CA certificate alone: the ``ca_file`` clients trust
    sandbox-server.pem        the server key and certificate (SAN 127.0.0.1, ::1, localhost)
    sandbox-signing-key.pem   the key that signs access tokens
    sandbox-tenant.json       tenant and app ids, client secrets, the PFX password
    sandbox-app-bundle.pem    the default app's certificate key and certificate, from which
    sandbox-app.pem, sandbox-app-key.pem, sandbox-app.pfx are written for clients

Every file is created with a link from a complete temporary file, so sandboxes starting side by
side in one folder agree on the same material.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import secrets
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_VALIDITY = datetime.timedelta(days=3650)
_LOOPBACK_NAMES = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class AppCertificate:
    """The default app's client certificate, as files and thumbprints for clients."""

    cert_file: Path
    key_file: Path
    pfx_file: Path
    password: str
    certificate: x509.Certificate


@dataclass(frozen=True)
class Material:
    """Everything a sandbox needs from its state folder."""

    ca_file: Path
    server_file: Path
    signing_key: rsa.RSAPrivateKey
    tenant: dict[str, str]
    app_certificate: AppCertificate


def load_material(folder: Path, host: str) -> Material:
    """Creates what is missing in ``folder`` and loads it all; the server SAN covers ``host``."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    ca_key, ca_cert = _split_bundle(_create_once(folder / "sandbox-ca-key.pem", _make_ca))
    ca_file = folder / "sandbox-ca.pem"
    _write(ca_file, ca_cert.public_bytes(serialization.Encoding.PEM))

    server_file = folder / "sandbox-server.pem"
    server = _create_once(server_file, lambda: _make_server(ca_key, ca_cert, host))
    if not _server_fits(server, ca_cert, host):
        _write(server_file, _make_server(ca_key, ca_cert, host))

    signing_key = serialization.load_pem_private_key(
        _create_once(folder / "sandbox-signing-key.pem", _make_rsa_key), password=None
    )
    assert isinstance(signing_key, rsa.RSAPrivateKey)
    tenant = json.loads(_create_once(folder / "sandbox-tenant.json", _make_tenant))
    return Material(
        ca_file=ca_file,
        server_file=server_file,
        signing_key=signing_key,
        tenant=tenant,
        app_certificate=_app_certificate(folder, tenant["certificate_password"]),
    )


def thumbprints(cert: x509.Certificate) -> tuple[str, str]:
    """The SHA-1 and SHA-256 thumbprints of ``cert`` as upper-case hex (what msal is given)."""
    return (
        cert.fingerprint(hashes.SHA1()).hex().upper(),  # x5t is SHA-1 by definition
        cert.fingerprint(hashes.SHA256()).hex().upper(),
    )


def _create_once(path: Path, make: Callable[[], bytes]) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = make()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sandbox-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            os.link(tmp, path)
        except FileExistsError:  # another sandbox won the race: use its file
            return path.read_bytes()
    finally:
        os.unlink(tmp)
    return data


def _write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sandbox-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _pem_key(key: Any) -> bytes:
    return key.private_bytes(  # type: ignore[no-any-return]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _split_bundle(data: bytes) -> tuple[Any, x509.Certificate]:
    key = serialization.load_pem_private_key(data, password=None)
    return key, x509.load_pem_x509_certificate(data)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "mgbridge sandbox"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(subject: x509.Name, issuer: x509.Name, public_key: Any) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + _VALIDITY)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _make_ca() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    # A unique name per CA lets a server certificate tell which CA issued it.
    name = _name(f"mgbridge sandbox CA {uuid.uuid4().hex[:12]}")
    cert = (
        _builder(name, name, key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return _pem_key(key) + cert.public_bytes(serialization.Encoding.PEM)


def _san_entries(host: str) -> list[x509.GeneralName]:
    entries: list[x509.GeneralName] = []
    for name in dict.fromkeys((*_LOOPBACK_NAMES, host)):
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return entries


def _make_server(ca_key: Any, ca_cert: x509.Certificate, host: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        _builder(_name("mgbridge sandbox"), ca_cert.subject, key.public_key())
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(_san_entries(host)), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return _pem_key(key) + cert.public_bytes(serialization.Encoding.PEM)


def _server_fits(data: bytes, ca_cert: x509.Certificate, host: str) -> bool:
    cert = x509.load_pem_x509_certificate(data)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    names = {str(v) for v in san.get_values_for_type(x509.IPAddress)}
    names |= set(san.get_values_for_type(x509.DNSName))
    wanted = {str(ipaddress.ip_address(host)) if _is_ip(host) else host, *_LOOPBACK_NAMES}
    return cert.issuer == ca_cert.subject and wanted <= names


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _make_rsa_key() -> bytes:
    return _pem_key(rsa.generate_private_key(public_exponent=65537, key_size=2048))


def _make_tenant() -> bytes:
    tenant = {
        "tenant_id": str(uuid.uuid4()),
        "client_id": str(uuid.uuid4()),
        "client_secret": secrets.token_urlsafe(30),
        "no_role_client_id": str(uuid.uuid4()),
        "no_role_client_secret": secrets.token_urlsafe(30),
        "managed_identity_client_id": str(uuid.uuid4()),
        "managed_identity_header": secrets.token_urlsafe(24),
        "certificate_password": secrets.token_urlsafe(18),
    }
    return json.dumps(tenant, indent=2).encode()


def _make_app_bundle() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = _name("mgbridge sandbox app")
    cert = (
        _builder(name, name, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return _pem_key(key) + cert.public_bytes(serialization.Encoding.PEM)


def _app_certificate(folder: Path, password: str) -> AppCertificate:
    key, cert = _split_bundle(_create_once(folder / "sandbox-app-bundle.pem", _make_app_bundle))
    files = AppCertificate(
        cert_file=folder / "sandbox-app.pem",
        key_file=folder / "sandbox-app-key.pem",
        pfx_file=folder / "sandbox-app.pfx",
        password=password,
        certificate=cert,
    )
    _write(files.cert_file, cert.public_bytes(serialization.Encoding.PEM))
    _write(files.key_file, _pem_key(key))
    pfx = pkcs12.serialize_key_and_certificates(
        b"mgbridge sandbox app",
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(password.encode()),
    )
    _write(files.pfx_file, pfx)
    return files
