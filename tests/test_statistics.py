from tracelink_crm.tools.statistics import win_rate


def test_win_rate():
    assert win_rate(2, 1) == 200 / 3
    assert win_rate(0, 3) == 0.0
    assert win_rate(4, 0) == 100.0


def test_win_rate_without_closed_cases_is_zero():
    assert win_rate(0, 0) == 0.0
    assert win_rate(None, None) == 0.0
