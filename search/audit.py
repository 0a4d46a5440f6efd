"""Who may audit what in the admin's search and chat logs (README "Who sees what").

- Superusers audit everything.
- A staff user with the model's view permission (an auditor) sees their own logs and those of the active,
  non-superuser users of their own department at or below their own access level. An auditor without a
  department sees only their own.
- Within those logs, a source the auditor could not open themselves (a document outside
  `Document.objects.visible_to(auditor)`, a CRM record outside the sales `visible_to(auditor)`) is replaced by
  a notice, and so is an answer built on such a source (the answer quotes its sources).
- System traces not linked to a chat message (document processing, imports) and the index-word list are for
  superusers only.

The rules are querysets (applied in SQL) plus `redacting(queryset, viewer, redact)`, which hands the admin
objects with hidden content already replaced.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.capabilities import audits_everyone
from documents.models import Document
from sales.models import Interaction
from sales.querysets import sales_scope

REDACTED_SOURCE = _("(볼 수 없는 자료라 가렸습니다)")
REDACTED_ANSWER = _("(볼 수 없는 자료를 바탕으로 한 답변이라 내용을 가렸습니다)")


def auditable_users(viewer):
    """Users whose search and chat logs `viewer` may read (superusers: everyone)."""
    users = get_user_model().objects.all()
    if audits_everyone(viewer):
        return users
    own = Q(pk=viewer.pk)
    if viewer.department_id is None:
        return users.filter(own)
    peers = Q(department_id=viewer.department_id, access_level__lte=viewer.access_level, is_superuser=False)
    return users.filter(own | peers)


def _hidden_document_ids(viewer, document_ids: set[str]) -> set[str]:
    if audits_everyone(viewer) or not document_ids:
        return set()
    visible = {str(pk) for pk in Document.objects.visible_to(viewer).filter(pk__in=document_ids)
               .values_list("pk", flat=True)}
    return document_ids - visible


def _hidden_interaction_ids(viewer, interaction_ids: set[int]) -> set[int]:
    if audits_everyone(viewer) or not interaction_ids:
        return set()
    visible = set(Interaction.objects.visible_to(viewer).filter(pk__in=interaction_ids).values_list("pk", flat=True))
    return interaction_ids - visible


class SourceRedactor:
    """Decides, for one batch of source lists, which sources the viewer may not read (two queries per batch)."""

    def __init__(self, viewer, source_lists):
        document_ids, interaction_ids = set(), set()
        for sources in source_lists:
            for source in sources or []:
                if source.get("document_id"):
                    document_ids.add(str(source["document_id"]))
                if source.get("record_type") == "interaction" and source.get("record_id"):
                    interaction_ids.add(int(source["record_id"]))
        self.viewer = viewer
        self.sees_all_sales = sales_scope(viewer).everything
        self.hidden_documents = _hidden_document_ids(viewer, document_ids)
        self.hidden_interactions = _hidden_interaction_ids(viewer, interaction_ids)

    def is_hidden(self, source: dict) -> bool:
        if audits_everyone(self.viewer):
            return False
        if source.get("document_id"):
            return str(source["document_id"]) in self.hidden_documents
        if source.get("record_type") == "interaction":
            return int(source.get("record_id") or 0) in self.hidden_interactions
        if source.get("record_type") or source.get("kind") == "crm":
            return not self.sees_all_sales  # sales summaries: figures of a whole department's records
        return False

    def redact(self, sources) -> tuple[list, bool]:
        """(sources with hidden ones replaced, whether any was hidden)."""
        shown, any_hidden = [], False
        for source in sources or []:
            if self.is_hidden(source):
                any_hidden = True
                shown.append({"n": source.get("n"), "redacted": True, "notice": str(REDACTED_SOURCE)})
            else:
                shown.append(source)
        return shown, any_hidden


def redacting(queryset, *, viewer, sources_of, redact):
    """`queryset` whose objects come out with hidden content replaced.

    `sources_of(obj)` gives an object's source list; `redact(obj, redactor)` replaces what must not be shown.
    Superusers get the queryset unchanged.
    """
    if audits_everyone(viewer):
        return queryset
    base = queryset._iterable_class

    class RedactingIterable(base):
        def __iter__(self):
            objects = list(super().__iter__())
            redactor = SourceRedactor(viewer, [sources_of(obj) for obj in objects])
            for obj in objects:
                redact(obj, redactor)
                yield obj

    redacted = queryset._chain()
    redacted._iterable_class = RedactingIterable
    return redacted
