"""Property tests of the stale-claim rule (issue #17 point 7, docs/reliability.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from billabex_core.domain.claims import Claimer, claim_is_stale, parse_claimer

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
ages = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=2))
timeouts = st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(hours=2))
alive = st.sampled_from([True, False, None])


@given(age=ages, timeout=timeouts, claimer_alive=alive)
def test_a_live_fresh_claim_is_never_recovered(age, timeout, claimer_alive) -> None:
    stale = claim_is_stale(claimed_at=NOW - age, claimer_alive=claimer_alive, now=NOW, timeout=timeout)
    if claimer_alive is not False and age < timeout:
        assert not stale  # a slow delivery is left alone, whatever the machine
    if claimer_alive is False or age >= timeout:
        assert stale  # a dead process's claim, or one past the timeout, is recovered


@given(timeout=timeouts, claimer_alive=alive)
def test_a_claim_without_a_time_is_stale(timeout, claimer_alive) -> None:
    assert claim_is_stale(claimed_at=None, claimer_alive=claimer_alive, now=NOW, timeout=timeout)


@given(
    host=st.text(st.characters(blacklist_characters="\x00"), min_size=1, max_size=30),
    pid=st.integers(0, 2**31),
    run=st.text("0123456789abcdef", min_size=1, max_size=32),
)
def test_claimer_round_trip(host, pid, run) -> None:
    assert parse_claimer(str(Claimer(host, pid, run))) == Claimer(host, pid, run)


def test_foreign_claims_are_not_parsed() -> None:
    assert parse_claimer(None) is None
    assert parse_claimer("") is None
    assert parse_claimer("web-1") is None
    assert parse_claimer("web-1:notapid:abc") is None
