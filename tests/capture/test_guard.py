"""The network guard: file:, loopback, link-local and private targets are refused."""

from __future__ import annotations

import pytest

from spoorvast.capture.guard import TargetRefused, check_url, host_allowed

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


def test_subrequests_are_checked_per_host_once() -> None:
    calls: list[str] = []

    def resolve(host: str) -> list[str]:
        calls.append(host)
        return ["192.168.0.9"] if host == "router.example" else [PUBLIC]

    cache: dict[str, bool] = {}
    assert host_allowed("cdn.example", cache, resolve)
    assert not host_allowed("router.example", cache, resolve)
    assert not host_allowed("router.example", cache, resolve)
    assert calls == ["cdn.example", "router.example"]
