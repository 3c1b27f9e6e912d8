"""DKIM keys from elsewhere, given on the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from spoorvast.errors import UserError
from spoorvast.importers.email.dns_keys import key_option
from tests.conftest import Cli
from tests.email.helpers import BASE, RECEIVED, Key, resolving_through, rsa_key, signed
from tests.email.helpers import loopback_dns as loopback_dns_server


@pytest.fixture(scope="module")
def rsa() -> Key:
    return rsa_key()


def test_add_with_a_dkim_key_file_checks_the_signature(case_vault: Path, cli: Cli,
                                                        tmp_path: Path, rsa: Key) -> None:
    path = tmp_path / "signed.eml"
    path.write_bytes(RECEIVED.encode() + signed(BASE.encode(), rsa))
    record = tmp_path / "s1.txt"
    record.write_text(rsa.record)
    assert cli("add", "--dkim-key", f"s1._domainkey.example.org={record}",
               str(path)).code == 0
    analysis = json.loads(cli("show", "--json", "1").out)["analysis"]
    assert analysis["analysis"]["dkim"][0]["status"] == "pass"
    assert analysis["analysis"]["dkim"][0]["key"]["outcome"] == "supplied"
    assert any(line.startswith("Authenticated: yes") for line in analysis["verdict"]["en"])
    # said plainly: a check with a key from elsewhere, not the provider's at delivery
    assert any(line.startswith("Keys were supplied by the person who added the message")
               and "not the same as the provider's check at delivery" in line
               for line in analysis["verdict"]["en"])
    assert any("controle door de provider bij de aflevering" in line
               for line in analysis["verdict"]["nl"])


def test_a_pem_public_key_file_is_read(tmp_path: Path, rsa: Key) -> None:
    private = serialization.load_pem_private_key(rsa.private, None)
    pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    path = tmp_path / "key.pem"
    path.write_bytes(pem)
    name, record = key_option(f"S1._domainkey.Example.org.={path}")
    assert name == "s1._domainkey.example.org"
    assert record == rsa.record


@pytest.mark.parametrize("value", ["s1.example.org=key.txt", "s1._domainkey.example.org=",
                                   "s1._domainkey.example.org=missing.txt"])
def test_a_bad_dkim_key_option_names_what_is_wrong(value: str) -> None:
    with pytest.raises(UserError):
        key_option(value)


@pytest.fixture
def loopback_dns(rsa: Key) -> Iterator[None]:
    """A real DNS server on 127.0.0.1 answering the one TXT record; nothing else."""
    with loopback_dns_server({"s1._domainkey.example.org": rsa.record}) as address, \
            resolving_through(address):
        yield


def test_add_with_dns_looks_keys_up_and_records_the_answer(
        case_vault: Path, cli: Cli, tmp_path: Path, rsa: Key, loopback_dns: None) -> None:
    path = tmp_path / "signed.eml"
    path.write_bytes(RECEIVED.encode() + signed(BASE.encode(), rsa))
    assert cli("add", "--dns", str(path)).code == 0
    analysis = json.loads(cli("show", "--json", "1").out)["analysis"]
    check = analysis["analysis"]["dkim"][0]
    assert check["status"] == "pass"
    assert (check["key"]["outcome"], check["key"]["record"]) == ("dns", rsa.record)
    assert any("looked up in DNS" in line for line in analysis["verdict"]["en"])


def test_without_dns_nothing_is_looked_up(case_vault: Path, cli: Cli, tmp_path: Path,
                                          rsa: Key, loopback_dns: None) -> None:
    path = tmp_path / "signed.eml"
    path.write_bytes(RECEIVED.encode() + signed(BASE.encode(), rsa))
    assert cli("add", str(path)).code == 0
    check = json.loads(cli("show", "--json", "1").out)["analysis"]["analysis"]["dkim"][0]
    assert (check["status"], check["key"]["outcome"]) == ("key-not-supplied", "not-asked")
