from django.apps import AppConfig
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _


def _reset_embedding_provider(*, setting, **kwargs):
    if setting.startswith("EMBEDDING_"):
        from documents.embeddings import reset_provider_cache

        reset_provider_cache()


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("문서")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from documents import checks  # noqa: F401  (registers the embedding dimension check)

        setting_changed.connect(_reset_embedding_provider, dispatch_uid="documents_reset_embedding_provider")
