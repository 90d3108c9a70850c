from capture.screen import Cadence, Reason


def cadence():
    return Cadence(interval_s=2.0, max_interval_s=30.0, keyframe_s=300.0)


def test_first_grab_is_due_immediately():
    assert cadence().due(0.0) is Reason.FIRST


def test_unchanged_screen_backs_off_to_the_ceiling():
    c = cadence()
    t = 0.0
    c.grabbed(t, changed=True, kept=True)
    gaps = []
    for _ in range(12):
        nxt = t + c.next_in(t)
        assert c.due(nxt - 0.01) is None
        assert c.due(nxt) is Reason.INTERVAL
        gaps.append(nxt - t)
        t = nxt
        c.grabbed(t, changed=False, kept=False)
    assert gaps[0] == 2.0 and gaps[1] == 3.0  # 2, 3, 4.5, ...
    assert all(b >= a for a, b in zip(gaps, gaps[1:]))
    assert max(gaps) == 30.0


def test_a_change_resets_the_interval():
    c = cadence()
    c.grabbed(0, changed=True, kept=True)
    for t in (2, 5, 9.5):
        c.grabbed(t, changed=False, kept=False)
    assert c.current > 2.0
    c.grabbed(20, changed=True, kept=True)
    assert c.current == 2.0 and c.due(22) is Reason.INTERVAL


def test_window_switch_is_due_at_once():
    c = cadence()
    c.grabbed(0, changed=True, kept=True)
    assert c.due(0.3) is None
    assert c.due(0.3, window_changed=True) is Reason.WINDOW


def test_keyframe_is_forced_even_when_backed_off():
    c = Cadence(interval_s=2.0, max_interval_s=600.0, keyframe_s=60.0)
    c.grabbed(0, changed=True, kept=True)
    t = 0.0
    reasons = []
    while t < 200:
        t += 0.5
        r = c.due(t)
        if r:
            reasons.append((t, r))
            c.grabbed(t, changed=False, kept=r is Reason.KEYFRAME)
    keys = [t for t, r in reasons if r is Reason.KEYFRAME]
    assert keys[:3] == [60.0, 120.0, 180.0]


def test_restart_grabs_at_next_chance_at_base_rate():
    c = cadence()
    c.grabbed(0, changed=False, kept=True)
    c.grabbed(3, changed=False, kept=False)
    c.restart()
    assert c.due(3.1) is Reason.FIRST and c.current == 2.0
