"""An HTTPS origin on 127.0.0.1 named ``www.synthetic.test``, with a test CA made here
(``cryptography``), that remembers the request headers it was sent."""

from __future__ import annotations

import base64
import datetime
import hashlib
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "www.synthetic.test"
PAGE = (b"<!doctype html><html><head><title>Synthetic TLS page</title></head>"
        b"<body><p>TLS-PAGE-TEXT of a synthetic account.</p></body></html>")


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


class TlsSite:
    def __init__(self, folder: Path) -> None:
        now = datetime.datetime.now(datetime.UTC)
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        self.ca = self._cert(_name("Synthetic Capture Root CA"), self.ca_key.public_key(),
                             now, ca=True)
        key = ec.generate_private_key(ec.SECP256R1())
        self.leaf = self._cert(_name(HOST), key.public_key(), now, ca=False)
        chain, private = folder / "chain.pem", folder / "key.pem"
        chain.write_bytes(self.leaf.public_bytes(serialization.Encoding.PEM)
                          + self.ca.public_bytes(serialization.Encoding.PEM))
        private.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                              serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
        self.seen: list[dict[str, str]] = []
        self.server = self._serve(chain, private)

    def _cert(self, subject: x509.Name, public: ec.EllipticCurvePublicKey,
              now: datetime.datetime, ca: bool) -> x509.Certificate:
        builder = (x509.CertificateBuilder().subject_name(subject)
                   .issuer_name(_name("Synthetic Capture Root CA")).public_key(public)
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(hours=1))
                   .not_valid_after(now + datetime.timedelta(days=2))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), True))
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(HOST)]), False)
        return builder.sign(self.ca_key, hashes.SHA256())

    def _serve(self, chain: Path, private: Path) -> ThreadingHTTPServer:
        seen = self.seen

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append({k.lower(): v for k, v in self.headers.items()})
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                self.wfile.write(PAGE)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(chain, private)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    @property
    def url(self) -> str:
        return f"https://{HOST}:{self.server.server_address[1]}/post/1"

    @property
    def spki_flag(self) -> str:
        """Chromium accepts chains through this CA (and no other change of trust)."""
        spki = self.ca.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        digest = base64.b64encode(hashlib.sha256(spki).digest()).decode()
        return f"--ignore-certificate-errors-spki-list={digest}"

    def fingerprint(self, cert: x509.Certificate) -> str:
        return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def resolve(host: str) -> list[str]:
    """The test's own resolver: the synthetic name is 127.0.0.1."""
    if host in (HOST, "127.0.0.1"):
        return ["127.0.0.1"]
    raise OSError("unknown synthetic name")
