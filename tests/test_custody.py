"""The hash chain (pure functions), with hypothesis."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from spoorvast.model.custody import GENESIS, chain_next, check_chain, entry_hash

payloads = st.dictionaries(st.text(max_size=8), st.one_of(
    st.none(), st.booleans(), st.integers(-(2**53) + 1, 2**53 - 1), st.text(max_size=20),
    st.floats(allow_nan=False, allow_infinity=False)), max_size=5)


def build(n: int, payload: dict[str, object] | None = None) -> list:
    entries, head = [], None
    for i in range(n):
        head = chain_next(head, "case-1", "item.added", f"E-{i:04d}", payload or {"i": i},
                          "owner")
        entries.append(head)
    return entries


@given(st.lists(payloads, min_size=1, max_size=8))
def test_a_built_chain_checks_clean(items: list[dict[str, object]]) -> None:
    entries, head = [], None
    for payload in items:
        head = chain_next(head, "vault", "x", "s", payload, "owner")
        entries.append(head)
    assert entries[0].prev_hash == GENESIS
    assert list(check_chain(entries)) == []


@given(st.integers(min_value=0, max_value=4))
def test_any_removed_entry_but_the_last_is_detected(index: int) -> None:
    entries = build(6)
    del entries[index]
    assert list(check_chain(entries)) != []


def test_a_removed_last_entry_needs_the_recorded_head() -> None:
    # the chain alone cannot tell; storage keeps the head (verify's head-mismatch)
    entries = build(6)
    assert list(check_chain(entries[:-1])) == []


@given(st.integers(min_value=0, max_value=5), st.text(min_size=1, max_size=5))
def test_any_edited_field_is_detected(index: int, text: str) -> None:
    entries = build(6)
    entries[index] = replace(entries[index], subject=entries[index].subject + text)
    assert [p.code for p in check_chain(entries)] == ["hash-mismatch"]


def test_swapped_entries_are_detected() -> None:
    entries = build(4)
    entries[1], entries[2] = entries[2], entries[1]
    assert list(check_chain(entries))


def test_hash_is_over_canonical_json() -> None:
    entry = build(1, {"b": 1, "a": "é"})[0]
    assert entry.hash == entry_hash(entry)
    reordered = replace(entry, payload={"a": "é", "b": 1})
    assert entry_hash(reordered) == entry.hash


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**53) + 1, 2**53 - 1),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(st.characters(max_codepoint=0xD7FF),
                                                    max_size=6), inner, max_size=4)),
    max_leaves=12)


@given(json_values)
def test_fast_canonical_form_is_exactly_rfc8785(value: object) -> None:
    import rfc8785

    from spoorvast.model.custody import canonical

    assert canonical(value) == rfc8785.dumps(value)


def test_floats_next_to_integers_and_inside_strings_are_rendered_the_jcs_way() -> None:
    """canonical() writes values without floats once, as orjson writes them; a float
    anywhere (after an integer, nested, at the top) must still be found."""
    import rfc8785

    from spoorvast.model.custody import canonical

    for value in ([1, 1e16], {"a": [2, [3, 1.0]]}, 1e-7, {"s": "x:1.5,", "n": 7},
                  {"k": [-0.0, 5]}, [{"a": 1}, 2e21]):
        assert canonical(value) == rfc8785.dumps(value)


def _holds_float(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_holds_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_float(v) for v in value)
    return False


@given(json_values)
def test_a_float_is_always_found_and_strings_never_raise_a_false_alarm(value: object) -> None:
    """The float check reads only what lies outside the strings (a backslash: all of
    it); it must never miss a float, which would write a float the orjson way."""
    import orjson

    from spoorvast.model.custody import _has_float

    text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    if _holds_float(value):
        assert _has_float(text)
    elif b"\\" not in text and text[:1] in b"{[\"tfn":
        assert not _has_float(text)


def test_floats_beside_quotes_backslashes_and_time_stamps_are_found() -> None:
    import orjson
    import rfc8785

    from spoorvast.model.custody import _has_float, canonical

    for value in ({"a": 'x"y', "b": 1.5}, {"a": "\\", "b": [2, 0.1]}, ['"', 3e-9, "\\\""],
                  {"at": "2026-12-08T03:45:15.123456+00:00", "v": {"f": 2.5}},
                  {"": 1e16}, [{"\"": "\\"}, -0.0]):
        assert _has_float(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))
        assert canonical(value) == rfc8785.dumps(value)
    for value in ({"at": "2026-12-08T03:45:15.123456+00:00", "n": 12},
                  {"t": True, "f": False, "z": None, "s": "1.5e3"}):
        assert not _has_float(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))
