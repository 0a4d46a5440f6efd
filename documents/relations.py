"""Links from a document to sales entities (customers, products, interactions, sales records).

The API, filters, admin and services iterate over `RELATIONS`, so a fifth relation is one entry here
plus its many-to-many field on Document.
"""

from django.utils.translation import gettext_lazy as _

from documents.models import Document

# Document field -> (query parameter, label)
RELATIONS = {
    "customers": ("customer", _("관련 거래처")),
    "products": ("product", _("관련 제품")),
    "interactions": ("interaction", _("관련 영업활동")),
    "sales_records": ("sales_record", _("관련 판매실적")),
}


def relation_fields() -> list[str]:
    return list(RELATIONS)


def related_queryset(field_name: str, user=None):
    """The objects `user` may link or filter by: the related model's visible_to(user) when it has one."""
    manager = Document._meta.get_field(field_name).related_model._default_manager
    queryset = manager.all()
    if user is not None and hasattr(queryset, "visible_to"):
        queryset = queryset.visible_to(user)
    return queryset
