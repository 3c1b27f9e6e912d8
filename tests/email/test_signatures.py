"""DKIM and ARC verified by spoorvast itself, with keys supplied offline."""

from __future__ import annotations

import base64

import dkim
import pytest

from spoorvast.analysis.email.analyse import Options, analyse
from spoorvast.analysis.email.verdict import verdict
from tests.email.helpers import BASE, Key, delivered, ed25519_key, rsa_key, signed

ZONE = "Europe/Brussels"


@pytest.fixture(scope="module")
def rsa() -> Key:
    return rsa_key()


@pytest.fixture(scope="module")
def ed() -> Key:
    return ed25519_key()


def check(data: bytes, keys: dict[str, str] | None = None, resolver=None):  # type: ignore[no-untyped-def]
    return analyse(data, "0" * 64, Options(ZONE, keys=keys or {}, resolver=resolver))


def test_rsa_signature_passes_with_the_supplied_key(rsa: Key) -> None:
    data = delivered(signed(BASE.encode(), rsa))
    result = check(data, {"s1._domainkey.example.org": rsa.record})
    assert [(c.domain, c.selector, c.status) for c in result.dkim] == [
        ("example.org", "s1", "pass")]
    assert result.dkim[0].key is not None and result.dkim[0].key.outcome == "supplied"
    assert result.alignment.result == "pass" and result.alignment.reason == "dkim-aligned"
    assert verdict(result, "en", ZONE)[3].startswith("Authenticated: yes. A DKIM signature")


def test_two_signatures_rsa_and_ed25519_each_checked(rsa: Key, ed: Key) -> None:
    message = signed(BASE.encode(), rsa, b"example.org", b"s1")
    message = signed(message, ed, b"mailer.example.com", b"ed", b"ed25519-sha256")
    keys = {"s1._domainkey.example.org": rsa.record, "ed._domainkey.mailer.example.com":
            ed.record}
    result = check(delivered(message), keys)
    assert [(c.domain, c.algorithm, c.status) for c in result.dkim] == [
        ("mailer.example.com", "ed25519-sha256", "pass"), ("example.org", "rsa-sha256", "pass")]
    assert result.alignment.dkim_aligned == ("example.org",)


def test_changed_body_and_changed_header_are_told_apart(rsa: Key) -> None:
    data = delivered(signed(BASE.encode(), rsa))
    keys = {"s1._domainkey.example.org": rsa.record}
    body = check(data.replace(b"0470 12 34 56", b"0470 99 99 99"), keys)
    assert body.dkim[0].status == "body-changed"
    header = check(data.replace(b"Synthetic test message", b"Synthetic test massage"), keys)
    assert header.dkim[0].status == "fail"
    # the provider's SPF pass for example.org stays, but this copy no longer matches
    assert header.alignment.result == "unknown"
    assert header.alignment.reason == "spf-aligned-signature-broken"
    assert any(i.code == "dkim-fail" for i in header.indicators)


def test_without_key_and_without_dns_it_is_not_checked_not_forged(rsa: Key) -> None:
    from tests.email.helpers import RECEIVED

    result = check(RECEIVED.encode() + signed(BASE.encode(), rsa))
    assert result.dkim[0].status == "key-not-supplied"
    assert result.alignment.result == "unknown"
    assert result.alignment.reason == "unchecked-keys"
    text = " ".join(verdict(result, "en", ZONE))
    assert "does not mean they are forged" in text
    assert "may be forged" not in text


def test_a_key_no_longer_published_cannot_be_checked_any_more(rsa: Key) -> None:
    asked: list[str] = []

    def resolver(name: str) -> str | None:
        asked.append(name)
        return None

    result = check(delivered(signed(BASE.encode(), rsa)), resolver=resolver)
    assert asked == ["s1._domainkey.example.org"]
    assert result.dkim[0].status == "key-gone"
    assert result.dkim[0].key is not None and result.dkim[0].key.outcome == "not-published"
    nl = " ".join(verdict(result, "nl", ZONE))
    en = " ".join(verdict(result, "en", ZONE))
    assert "cannot be checked any more" in en
    assert nl != en


def test_dns_answers_are_recorded(rsa: Key) -> None:
    result = check(delivered(signed(BASE.encode(), rsa)),
                   resolver=lambda name: rsa.record)
    assert result.dkim[0].status == "pass"
    assert result.dkim[0].key is not None
    assert (result.dkim[0].key.outcome, result.dkim[0].key.record) == ("dns", rsa.record)


@pytest.mark.parametrize("ending", [b"\n", b"\r"])
def test_lf_and_cr_copies_verify_like_crlf(rsa: Key, ending: bytes) -> None:
    data = delivered(signed(BASE.encode(), rsa)).replace(b"\r\n", ending)
    result = check(data, {"s1._domainkey.example.org": rsa.record})
    assert result.dkim[0].status == "pass"


def test_signature_of_another_domain_is_not_aligned(rsa: Key) -> None:
    data = delivered(signed(BASE.encode(), rsa, b"bulk.example.com"))
    result = check(data, {"s1._domainkey.bulk.example.com": rsa.record})
    assert result.dkim[0].status == "pass"
    assert result.alignment.dkim_aligned == ()
    assert any(i.code == "dkim-not-aligned" for i in result.indicators)


def test_arc_chain_of_a_forwarder(rsa: Key) -> None:
    message = signed(BASE.encode(), rsa)
    message = (b"Authentication-Results: lists.example.com; dkim=pass "
               b"header.d=example.org\r\n" + message)
    arc = dkim.arc_sign(message, b"arc", b"lists.example.com", rsa.private,
                        b"lists.example.com")
    forwarded = delivered(b"".join(arc) + message)
    keys = {"arc._domainkey.lists.example.com": rsa.record,
            "s1._domainkey.example.org": rsa.record}
    result = check(forwarded, keys)
    assert result.arc is not None and result.arc.status == "pass"
    assert result.arc.instances[0][:3] == (1, True, True)
    without_key = check(forwarded, {"s1._domainkey.example.org": rsa.record})
    assert without_key.arc is not None and without_key.arc.status == "key-not-supplied"


def test_authentication_results_trusted_only_from_the_recipients_authserv_id() -> None:
    forged = ("Authentication-Results: mx.example.net; dkim=pass header.d=bank.example; "
              "dmarc=pass header.from=bank.example\r\n")
    data = delivered((forged + BASE).encode())
    result = check(data)
    trusted = [(h.authserv_id, h.position, h.trusted) for h in result.auth_results]
    # the recipient's own header (above its Received line) is trusted; the copy the
    # sender wrote below it, with the same authserv-id, is not
    assert trusted == [("mx.example.net", 0, True), ("mx.example.net", 2, False)]
    assert result.alignment.spf_result == "pass"
    assert result.alignment.reported_dmarc is None
    assert any(i.code == "auth-results-below-handover" for i in result.indicators)


def test_a_header_right_below_the_hand_over_line_is_never_trusted() -> None:
    from tests.email.helpers import AUTH_OWN, RECEIVED

    data = (RECEIVED + AUTH_OWN + BASE).encode()
    result = check(data)
    assert [(h.position, h.trusted) for h in result.auth_results] == [(1, False)]
    assert result.alignment.result == "unknown"
    other = check((RECEIVED + BASE.replace("MIME", AUTH_OWN + "MIME", 1)).encode())
    assert [h.trusted for h in other.auth_results] == [False]


def _openssl_rsa_512(tmp_path) -> Key:  # type: ignore[no-untyped-def]
    """cryptography refuses to make keys under 1024 bits; the real openssl does."""
    import base64
    import subprocess

    from cryptography.hazmat.primitives import serialization

    pem = subprocess.run(["openssl", "genrsa", "-traditional", "512"], check=True,
                         capture_output=True).stdout
    public = serialization.load_pem_private_key(pem, None).public_key()
    der = public.public_bytes(serialization.Encoding.DER,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    return Key(pem, "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode())


def test_a_valid_signature_with_a_512_bit_key_is_named_weak_not_forged(tmp_path) -> None:  # type: ignore[no-untyped-def]
    weak = _openssl_rsa_512(tmp_path)
    result = check(delivered(signed(BASE.encode(), weak)).replace(
        b"spf=pass", b"spf=softfail"), {"s1._domainkey.example.org": weak.record})
    assert (result.dkim[0].status, result.dkim[0].detail) == ("weak-key", "512-bit")
    assert (result.alignment.result, result.alignment.reason) == (
        "unknown", "signature-inconclusive")
    text = " ".join(verdict(result, "en", ZONE))
    assert "forged" not in text.replace("does not mean it is forged", "")


def test_a_pre_standard_signature_is_named_so(rsa: Key) -> None:
    data = delivered(signed(BASE.encode(), rsa)).replace(b"v=1; a=rsa", b"v=0.5; a=rsa", 1)
    result = check(data, {"s1._domainkey.example.org": rsa.record})
    assert result.dkim[0].status == "pre-standard"


def test_an_unusable_ed25519_key_is_not_called_forged(ed: Key) -> None:
    data = delivered(signed(BASE.encode(), ed, algorithm=b"ed25519-sha256"))
    short = "v=DKIM1; k=ed25519; p=" + base64.b64encode(b"\1" * 31).decode()
    result = check(data, {"s1._domainkey.example.org": short})
    assert result.dkim[0].status == "key-invalid"
    assert not any(i.code == "dkim-fail" for i in result.indicators)
    assert "forged" not in " ".join(verdict(result, "en", ZONE)).replace(
        "does not mean", "")


@pytest.mark.parametrize(("written", "decoded"), [
    (b"pat=40example.org", "pat@example.org"),
    (b"p=3Dt@mail.example.org", "p=t@mail.example.org"),
])
def test_a_quoted_printable_identity_is_decoded_and_verifies(rsa: Key, written: bytes,
                                                              decoded: str) -> None:
    """RFC 6376 §2.11: i= is dkim-quoted-printable; a valid signature with an encoded
    i= verifies, and the identity is the decoded one."""
    import dkim

    message = BASE.encode()
    header = dkim.sign(message, b"s1", b"example.org", rsa.private, identity=written,
                       include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    assert b"i=" + written in bytes(header).replace(b"\r\n ", b"")
    result = check(delivered(bytes(header) + message), {"s1._domainkey.example.org":
                                                         rsa.record})
    assert (result.dkim[0].status, result.dkim[0].identity) == ("pass", decoded)
    assert result.alignment.reason == "dkim-aligned"


def test_a_decoded_identity_outside_the_signing_domain_is_malformed(rsa: Key) -> None:
    import dkim

    message = BASE.encode()
    header = dkim.sign(message, b"s1", b"example.org", rsa.private,
                       identity=b"pat=40evil.example.org",
                       include_headers=[b"from", b"to", b"subject", b"date"])
    forged = bytes(header).replace(b"pat=40evil.example.org", b"pat=40evil=2Eexample.net")
    result = check(delivered(forged + message), {"s1._domainkey.example.org": rsa.record})
    assert result.dkim[0].identity == "pat@evil.example.net"
    assert result.dkim[0].status == "malformed"


def test_the_providers_quoted_printable_header_i_is_decoded() -> None:
    from spoorvast.analysis.email.signatures import qp_decoded

    assert qp_decoded("pat=40exa mple.org") == "pat@example.org"
    assert qp_decoded("=E2=82=AC=3D") == "€="
