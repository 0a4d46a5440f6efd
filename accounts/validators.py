"""Password rules for company accounts, on top of Django's validators (AUTH_PASSWORD_VALIDATORS)."""

import re

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Common substitutions: "Passw0rd!" is "password" with a digit and a symbol.
_LEET = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})


class DisguisedCommonPasswordValidator:
    """Refuse a common password disguised with capitals, digit/symbol substitutions or a number/symbol suffix."""

    def __init__(self):
        self.common = CommonPasswordValidator().passwords

    def _candidates(self, password: str) -> set[str]:
        lowered = password.lower().strip()
        letters_only = re.sub(r"[^a-z]", "", lowered)
        stem = re.sub(r"[\d\W_]+$", "", lowered)  # "password2025!" -> "password"
        return {lowered.translate(_LEET), letters_only, stem, stem.translate(_LEET),
                re.sub(r"[^a-z]", "", lowered.translate(_LEET))} - {""}

    def validate(self, password, user=None):
        if any(candidate in self.common for candidate in self._candidates(password)):
            raise ValidationError(
                _("흔한 비밀번호를 숫자·기호로 바꾼 형태입니다(예: Passw0rd!). 추측하기 어려운 단어 조합을 쓰세요."),
                code="password_too_common")

    def get_help_text(self):
        return _("흔한 비밀번호를 대문자·숫자·기호로 바꾼 형태는 쓸 수 없습니다.")
