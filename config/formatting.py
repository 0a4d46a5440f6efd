"""How people read amounts and times here: `1,234,567원`, Asia/Seoul local time."""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone


def won(amount: Decimal | int | float | None) -> str:
    if amount is None:
        return "-"
    return f"{Decimal(amount):,.0f}원"


def man_won(amount: Decimal | int | float | None) -> str:
    """Short form for chart labels: 12,345,678 → `1,235만`."""
    if amount is None:
        return "-"
    return f"{Decimal(amount) / 10000:,.0f}만"


def local_time(moment: datetime | str | None, *, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """An aware datetime (or its ISO string, as stored in JSON) in the local time zone (settings.TIME_ZONE)."""
    if not moment:
        return "-"
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime(fmt)
