"""SimClock: the simulated clock the fakes, the handler tests and the benchmarks share."""

from __future__ import annotations

import threading

import pytest

from testsupport.fakes.clock import SimClock


def test_starts_where_told_and_reads_the_same_every_way() -> None:
    assert SimClock().now() == 0.0
    clock = SimClock(1_000.0)
    assert clock() == clock.now() == clock.t == 1_000.0
    assert clock.sleeps == []
    assert clock.invocation_end == 900.0


def test_advance_moves_time_and_returns_it_without_recording_a_sleep() -> None:
    clock = SimClock(1_000.0)
    assert clock.advance(29.5) == 1_029.5
    assert clock.advance(0) == 1_029.5
    assert clock() == 1_029.5
    assert clock.sleeps == []
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-0.1)
    assert clock() == 1_029.5


def test_sleep_moves_time_and_is_recorded_in_order() -> None:
    clock = SimClock()
    clock.sleep(2.0)
    clock.sleep(0.0)
    clock.sleep(0.5)
    assert clock.sleeps == [2.0, 0.0, 0.5]
    assert clock.t == 2.5
    with pytest.raises(ValueError, match="negative sleep"):
        clock.sleep(-1)
    assert (clock.t, clock.sleeps) == (2.5, [2.0, 0.0, 0.5])


def test_remaining_counts_down_to_a_settable_invocation_end() -> None:
    clock = SimClock(invocation_end=100.0)
    assert clock.remaining() == 100.0
    clock.sleep(60)
    assert clock.remaining() == 40.0
    clock.advance(50)
    assert clock.remaining() == -10.0  # past the end: negative, as the handler test expects
    clock.invocation_end = clock.t + 900
    assert clock.remaining() == 900.0


def test_t_can_be_set_forward_only() -> None:
    clock = SimClock(10.0)
    clock.t = max(clock.t, 25.0)
    assert clock() == 25.0
    clock.t = 25.0  # standing still is allowed
    with pytest.raises(ValueError, match="forward"):
        clock.t = 24.9
    assert clock.now() == 25.0
    assert clock.sleeps == []


def test_advances_from_many_threads_all_count() -> None:
    clock = SimClock()
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        for _ in range(1_000):
            clock.advance(1)
            clock.sleep(1)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock() == 16_000
    assert len(clock.sleeps) == 8_000
