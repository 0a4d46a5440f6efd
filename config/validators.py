"""Input bounds shared by API serializers."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2200, 1, 1, tzinfo=datetime.UTC)


def plausible_moment(value: datetime.datetime) -> None:
    """1900..2199: earlier times render in Seoul's local mean time (+08:27:52), which is not valid ISO 8601."""
    moment = value if timezone.is_aware(value) else timezone.make_aware(value)
    if not EARLIEST <= moment < LATEST:
        raise ValidationError(_("1900년 1월 1일부터 2199년 12월 31일 사이의 시각을 입력하세요."), code="out_of_range")
