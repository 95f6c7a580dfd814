"""A clock for demos and simulations: time moves only when they move it."""
from __future__ import annotations

from datetime import datetime


class FastClock:
    """Starts at a given instant and only moves when the simulation moves it (never backwards)."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, value: datetime) -> None:
        self.now = max(self.now, value)
