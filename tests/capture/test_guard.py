"""The network guard: file:, loopback, link-local and private targets are refused."""

from __future__ import annotations

import pytest

from spoorvast.capture.guard import (
    PUBLIC_ONLY,
    Policy,
    TargetRefused,
    check_url,
    parse_origins,
    visit_policy,
)

PUBLIC = "93.184.215.14"


def fake(*addresses: str):  # type: ignore[no-untyped-def]
    return lambda host: list(addresses)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://example.org/", "javascript:alert(1)", "http://",
    "http://127.0.0.1/", "http://127.8.9.1:8080/x", "http://[::1]/", "http://10.0.0.5/",
    "http://172.16.3.4/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data",
    "http://[fe80::1]/", "http://100.64.0.1/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/",
    "http://224.0.0.1/", "http://[fc00::1]/",
])
def test_refused(url: str) -> None:
    with pytest.raises(TargetRefused):
        check_url(url, resolve=fake(PUBLIC))


def test_every_resolved_address_is_checked() -> None:
    with pytest.raises(TargetRefused, match=r"10\.1\.2\.3"):
        check_url("https://mixed.example/", resolve=fake(PUBLIC, "10.1.2.3"))
    assert check_url("https://public.example/", resolve=fake(PUBLIC)) == [PUBLIC]


def test_override_allows_private_but_never_other_schemes() -> None:
    assert check_url("http://127.0.0.1:9/", allow_private=True) == ["127.0.0.1"]
    with pytest.raises(TargetRefused):
        check_url("file:///etc/passwd", allow_private=True)


def test_unknown_name_is_a_clear_refusal() -> None:
    def fails(host: str) -> list[str]:
        raise OSError("no such name")

    with pytest.raises(TargetRefused, match="could not be found"):
        check_url("https://no-such-name.invalid/", resolve=fails)


def test_a_public_start_gets_no_allowance_whatever_the_options() -> None:
    origins = ("http://127.0.0.1:8000",)
    assert visit_policy("https://public.example/", True, origins,
                        fake(PUBLIC)) == PUBLIC_ONLY
    assert not PUBLIC_ONLY.allows("127.0.0.1", 8000)
    assert PUBLIC_ONLY.allows(PUBLIC, 443)


def test_test_only_origins_allow_exactly_their_loopback_port() -> None:
    policy = visit_policy("http://127.0.0.1:8000/page", False,
                          ("http://127.0.0.1:8000",), fake())
    assert policy == Policy(origins=frozenset({("127.0.0.1", 8000)}))
    assert policy.allows("127.0.0.1", 8000)
    for address, port in (("127.0.0.1", 8001), ("10.0.0.5", 8000), ("::1", 8000),
                          ("192.168.1.1", 80), ("169.254.169.254", 80)):
        assert not policy.allows(address, port)


def test_test_only_origins_are_loopback_literals_only() -> None:
    assert parse_origins(["http://localhost:8000", "http://10.0.0.5:80",
                          "http://[::1]:9000", "http://127.0.0.1"]) == frozenset(
        {("::1", 9000), ("127.0.0.1", 80)})
    with pytest.raises(TargetRefused):  # an origin not listed is refused as a start
        visit_policy("http://127.0.0.1:8001/", False, ("http://127.0.0.1:8000",), fake())
    with pytest.raises(TargetRefused):  # a name is not a listed origin
        visit_policy("http://localhost:8000/", False, ("http://127.0.0.1:8000",),
                     fake("127.0.0.1"))


def test_allow_private_holds_only_for_a_private_start() -> None:
    assert visit_policy("http://192.168.1.1/", True, (), fake()) == Policy(private=True)
    with pytest.raises(TargetRefused):
        visit_policy("http://192.168.1.1/", False, (), fake())
