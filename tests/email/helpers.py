"""Synthetic messages and DKIM keys for the e-mail tests (no real people, no network)."""

from __future__ import annotations

import base64
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa


@dataclass(frozen=True)
class Key:
    private: bytes  # what dkimpy signs with
    record: str  # the DNS TXT record


def rsa_key(bits: int = 1024) -> Key:
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = private.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    der = private.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    return Key(pem, "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode())


def ed25519_key() -> Key:
    private = ed25519.Ed25519PrivateKey.generate()
    seed = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())
    public = private.public_key().public_bytes(serialization.Encoding.Raw,
                                               serialization.PublicFormat.Raw)
    return Key(base64.b64encode(seed), "v=DKIM1; k=ed25519; p=" +
               base64.b64encode(public).decode())


BASE = (
    "From: Pat Suspect <pat.suspect@example.org>\r\n"
    "To: Vic Tim <victim@example.net>\r\n"
    "Subject: Synthetic test message\r\n"
    "Date: Tue, 03 Mar 2026 22:15:00 +0100\r\n"
    "Message-ID: <test-1@example.org>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Bel me op 0470 12 34 56. Of mail naar pat.alt@example.org.\r\n"
)

RECEIVED = (
    "Received: from mail.example.org (mail.example.org [192.0.2.10])\r\n"
    "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n"
    "\tby mx.example.net (Postfix) with ESMTPS id 4Abc123\r\n"
    "\tfor <victim@example.net>; Tue,  3 Mar 2026 22:15:07 +0100 (CET)\r\n"
)
AUTH_OWN = ("Authentication-Results: mx.example.net; spf=pass "
            "smtp.mailfrom=bounce@example.org\r\n")


def signed(message: bytes, key: Key, domain: bytes = b"example.org",
           selector: bytes = b"s1", algorithm: bytes = b"rsa-sha256") -> bytes:
    import dkim

    header = dkim.sign(message, selector, domain, key.private, signature_algorithm=algorithm,
                       include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    return bytes(header) + message


def delivered(message: bytes) -> bytes:
    """As the recipient's server stores it: its Received and A-R lines on top."""
    return (AUTH_OWN + RECEIVED).encode() + message


@contextmanager
def loopback_dns(records: dict[str, str]) -> Iterator[tuple[str, int]]:
    """A real DNS server on 127.0.0.1 answering the given TXT records (name -> text),
    NXDOMAIN for every other name; yields its (address, port). Nothing leaves loopback."""
    import dns.message
    import dns.rcode
    import dns.rrset

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                wire, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            answer = dns.message.make_response(query)
            name = query.question[0].name.to_text().rstrip(".")
            if name in records:
                record = records[name]
                text = " ".join(f'"{record[i:i + 200]}"' for i in range(0, len(record), 200))
                answer.answer.append(dns.rrset.from_text(name + ".", 60, "IN", "TXT", text))
            else:
                answer.set_rcode(dns.rcode.NXDOMAIN)
            sock.sendto(answer.to_wire(), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()
    finally:
        stop.set()
        thread.join()
        sock.close()


@contextmanager
def resolving_through(address: tuple[str, int]) -> Iterator[list[str]]:
    """dnspython's default resolver pointed at ``address`` only; yields the names asked."""
    import dns.resolver

    asked: list[str] = []
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = [address[0]], address[1]
    resolve = resolver.resolve

    def counted(name: str, *args: object, **kwargs: object) -> object:
        asked.append(str(name))
        return resolve(name, *args, **kwargs)  # type: ignore[arg-type]

    resolver.resolve = counted  # type: ignore[method-assign,assignment]
    saved = dns.resolver.default_resolver
    dns.resolver.default_resolver = resolver
    try:
        yield asked
    finally:
        dns.resolver.default_resolver = saved
