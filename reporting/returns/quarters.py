"""Calendar quarters, written 2026Q1."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_MONTHS = ("January", "April", "July", "October")
_ENDS = ("March", "June", "September", "December")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a quarter such as 2026Q1")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def latest_complete(cls, today: dt.date) -> Quarter:
        return cls.containing(today).previous()

    @classmethod
    def recent(cls, today: dt.date, count: int = 8) -> list[Quarter]:
        """The last `count` complete quarters, newest first."""
        quarters = [cls.latest_complete(today)]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous())
        return quarters

    def previous(self) -> Quarter:
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        following = (
            dt.date(self.year + 1, 1, 1)
            if self.number == 4
            else dt.date(self.year, 3 * self.number + 1, 1)
        )
        return following - dt.timedelta(days=1)

    def is_complete(self, today: dt.date) -> bool:
        return self.end < today

    @property
    def label(self) -> str:
        return f"{_MONTHS[self.number - 1]} to {_ENDS[self.number - 1]} {self.year}"

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"
