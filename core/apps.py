from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: what every app uses (capability predicates, ...). Imports no app above it."""

    name = "core"
    verbose_name = _("공통")
