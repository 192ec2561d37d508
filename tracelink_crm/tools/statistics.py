"""Plain figures shared by the CRM statistics (report view, Won/Lost dialog,
the partner's smart button)."""


def win_rate(won, lost):
    """Won cases out of the won and lost ones, in percent; 0 without any."""
    won, lost = won or 0, lost or 0
    return 100.0 * won / (won + lost) if won + lost else 0.0
