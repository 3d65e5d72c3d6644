"""Pure: the one place where report numbers are rounded and written out.

A rate is rounded once, to one decimal of a percent (three decimals of the fraction), half
up on the decimal value Python prints for it, so 0.3075 shows as 30.8 % everywhere: in CSV
text, in the XLSX cell (the rounded fraction under a ``0.0%`` format), in HTML, in the
chart labels, in JSON ``value`` and in the notice. Every rate states its base: the share of
all probes, of sent probes, of delivered probes or of charged probes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

DASH = "–"
BASES = ("probes", "sent", "delivered", "charged")
BASE_LABELS = {
    "probes": ("占全部探测", "of all probes"),
    "sent": ("占已发送", "of sent"),
    "delivered": ("占已送达", "of delivered"),
    "charged": ("占计入考核的探测", "of charged probes"),
}


def permille(share: float) -> int:
    """A share 0-1 in tenths of a percent, rounded half up (0.3075 -> 308)."""
    return int((Decimal(repr(share)) * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate_value(share: float | None) -> float | None:
    """The rounded share every format stores (0.30749 -> 0.307); None stays None."""
    return None if share is None else permille(share) / 1000


def percent(share: float | None) -> str:
    """"30.8%" from a share (the same rounding as :func:`rate_value`); a dash for None."""
    if share is None:
        return DASH
    p = permille(share)
    sign = "-" if p < 0 else ""
    return f"{sign}{abs(p) // 10}.{abs(p) % 10}%"


def number(value: float | None, digits: int = 1) -> str:
    """A plain number with ``digits`` decimals, rounded half up; a dash for None."""
    if value is None:
        return DASH
    quantum = Decimal(1).scaleb(-digits)
    return str(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def round_number(value: float | None, digits: int = 2) -> float | None:
    """The stored form of a plain number (scores, hours), rounded half up."""
    return None if value is None else float(number(value, digits))


def base_label(base: str, lang: str) -> str:
    """"占已发送" / "of sent"."""
    zh, en = BASE_LABELS[base]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class Rate:
    """A share with what it is a share of: ``numerator`` of ``denominator`` ``base``."""

    numerator: int
    denominator: int
    base: str

    @property
    def share(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def value(self) -> float | None:
        return rate_value(self.share)

    def text(self) -> str:
        return percent(self.share)

    def to_dict(self) -> dict[str, Any]:
        """Schema 2's rate object: ``{value, base, numerator, denominator}``."""
        return {"value": self.value, "base": self.base, "numerator": self.numerator,
                "denominator": self.denominator}


def rate_object(numerator: int, denominator: int, base: str) -> dict[str, Any]:
    """The JSON form of a rate (for writers that add rates of their own)."""
    if base not in BASES:
        raise ValueError(f"unknown rate base {base!r}; one of {', '.join(BASES)}")
    return Rate(numerator, denominator, base).to_dict()
