"""A throw-away CA + TSA certificate and RFC 3161 tokens made with ``openssl ts`` (shared
by the capture and dossier tests)."""

from __future__ import annotations

import hashlib
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _run(*args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(args, input=data, check=True, capture_output=True).stdout


def make_pki(folder: Path, name: str = "Synthetic TSA") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=Synthetic Test Root CA", "-keyout", str(folder / "ca.key"),
         "-out", str(folder / "ca.pem"), "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    _run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
         "-keyout", str(folder / "tsa.key"), "-out", str(folder / "tsa.csr"))
    (folder / "ext.cnf").write_text("extendedKeyUsage=critical,timeStamping\n"
                                    "keyUsage=critical,digitalSignature\n")
    _run("openssl", "x509", "-req", "-in", str(folder / "tsa.csr"), "-CA",
         str(folder / "ca.pem"), "-CAkey", str(folder / "ca.key"), "-CAcreateserial",
         "-days", "2", "-extfile", str(folder / "ext.cnf"), "-out", str(folder / "tsa.pem"))
    (folder / "serial").write_text("01\n")
    (folder / "tsa.cnf").write_text(TSA_CONFIG.format(dir=folder))
    return folder


def token(folder: Path, data: bytes) -> bytes:
    """A DER TimeStampResp over SHA-256(data), with the signer certificate included."""
    query = _run("openssl", "ts", "-query", "-digest", hashlib.sha256(data).hexdigest(),
                 "-sha256", "-cert")
    return _run("openssl", "ts", "-reply", "-config", str(folder / "tsa.cnf"), "-queryfile",
                "/dev/stdin", "-signer", str(folder / "tsa.pem"), "-inkey",
                str(folder / "tsa.key"), "-chain", str(folder / "ca.pem"), data=query)


def chain(folder: Path) -> bytes:
    return (folder / "tsa.pem").read_bytes() + (folder / "ca.pem").read_bytes()


def tsa_server(folder: Path) -> ThreadingHTTPServer:
    """An RFC 3161 authority on 127.0.0.1 (a free port): ``openssl ts -reply`` with the
    keys of :func:`make_pki` answers each query. Stop it with shutdown()/server_close()."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers["Content-Length"]))
            done = subprocess.run(
                ["openssl", "ts", "-reply", "-config", str(folder / "tsa.cnf"),
                 "-queryfile", "/dev/stdin", "-signer", str(folder / "tsa.pem"),
                 "-inkey", str(folder / "tsa.key"), "-chain", str(folder / "ca.pem")],
                input=query, capture_output=True, check=True)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(done.stdout)))
            self.end_headers()
            self.wfile.write(done.stdout)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
