from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def brn_check_digit(first_nine: str) -> int:
    """The 10th digit of a Korean business registration number (사업자등록번호) for its first nine."""
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, BRN_WEIGHTS)) + (digits[8] * 5) // 10
    return (10 - total % 10) % 10


def validate_business_registration_number(value: str) -> None:
    if not value:
        return
    number = value.replace("-", "")
    if len(number) != 10 or not (number.isascii() and number.isdigit()):
        raise ValidationError(_("사업자등록번호는 숫자 10자리여야 합니다."), code="brn_format")
    if brn_check_digit(number[:9]) != int(number[9]):
        raise ValidationError(_("사업자등록번호의 검증 번호가 맞지 않습니다."), code="brn_checksum")
