"""Who may see which document: the rule written once, rendered for each place that applies it.

Two values, each with two renderers that say the same thing:

- `Visibility.for_user(user, now=None)`: the access rule of `Document.objects.visible_to(user)`.
  Nobody (anonymous or inactive): nothing. Document managers (superusers and `documents.manage_documents`,
  core.capabilities.is_document_manager): everything. Everyone else:

      (approval_state in published_states AND not expired at `now` AND access_level <= max_level
       AND (no department OR department = the user's))
      OR uploaded_by = the user            (an uploader always sees what they sent, in any state)

- `Searchable.for_search(include_drafts=..., now=None)`: what search adds on top of the access rule
  (`Document.objects.searchable()`): fully processed (status ready), not expired, and approved, or also
  draft / pending when the search asked for drafts (who may ask: core.capabilities.can_search_drafts).

Renderers: `as_q()` is the SQL (a Q over Document's fields), `as_opensearch_clauses()` the same condition as a
list of OpenSearch filter clauses over the fields of the index document `search.backends.opensearch` builds
(`document_source`). The clauses use only term, terms, range, exists, match_none and bool
(filter / should / must_not / minimum_should_match); search/tests/test_visibility_matrix.py evaluates them over
the index documents and checks that they pick exactly the documents the SQL picks.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from core.capabilities import is_document_manager
from documents.choices import ApprovalState, ProcessingStatus

NOTHING, EVERYTHING, RULE = "nothing", "everything", "rule"

PUBLISHED_STATES = (ApprovalState.APPROVED.value,)
DRAFT_STATES = (ApprovalState.APPROVED.value, ApprovalState.DRAFT.value, ApprovalState.PENDING.value)


def searchable_states(*, include_drafts: bool) -> tuple[str, ...]:
    """Approval states a search reaches: approved, plus draft and pending when drafts were asked for."""
    return DRAFT_STATES if include_drafts else PUBLISHED_STATES


def unexpired_q(now: datetime) -> Q:
    return Q(valid_until__isnull=True) | Q(valid_until__gt=now)


def _unexpired_clause(now: datetime) -> dict:
    return {"bool": {"should": [{"bool": {"must_not": [{"exists": {"field": "valid_until"}}]}},
                                {"range": {"valid_until": {"gt": now.isoformat()}}}],
                     "minimum_should_match": 1}}


def _keyword(value) -> str:
    """Index keyword fields hold ids and levels as strings (see search.backends.opensearch.document_source)."""
    return str(value)


@dataclass(frozen=True)
class Visibility:
    """The access rule for one user at one moment (see the module docstring)."""

    scope: str  # NOTHING, EVERYTHING or RULE
    now: datetime = field(default_factory=timezone.now)
    published_states: tuple[str, ...] = PUBLISHED_STATES
    max_level: int = 0
    department_id: int | None = None
    uploader_id: int | None = None

    @classmethod
    def for_user(cls, user, *, now: datetime | None = None) -> "Visibility":
        now = now or timezone.now()
        if user is None or not user.is_authenticated or not user.is_active:
            return cls(scope=NOTHING, now=now)
        if is_document_manager(user):
            return cls(scope=EVERYTHING, now=now)
        return cls(scope=RULE, now=now, max_level=int(user.access_level), department_id=user.department_id,
                   uploader_id=user.pk)

    @property
    def nothing(self) -> bool:
        return self.scope == NOTHING

    @property
    def everything(self) -> bool:
        return self.scope == EVERYTHING

    # -- SQL ---------------------------------------------------------------------------------------------------
    def as_q(self) -> Q:
        if self.nothing:
            return Q(pk__in=[])
        if self.everything:
            return Q()
        published = Q(approval_state__in=self.published_states) & unexpired_q(self.now)
        return Q(self.level_and_department_q(), published) | Q(uploaded_by_id=self.uploader_id)

    def level_and_department_q(self) -> Q:
        """The level and department part of the rule, on any model with `access_level` and `department_id`
        columns: documents here, the lexicon's visibility classes in search.models.LexiconPartition."""
        department = Q(department_id__isnull=True)
        if self.department_id is not None:
            department |= Q(department_id=self.department_id)
        return Q(department, access_level__lte=self.max_level)

    # -- OpenSearch --------------------------------------------------------------------------------------------
    def as_opensearch_clauses(self) -> list[dict]:
        if self.nothing:
            return [{"match_none": {}}]
        if self.everything:
            return []
        department = [{"bool": {"must_not": [{"exists": {"field": "department_id"}}]}}]
        if self.department_id is not None:
            department.append({"term": {"department_id": _keyword(self.department_id)}})
        published = {"bool": {"filter": [
            {"terms": {"approval_state": list(self.published_states)}},
            _unexpired_clause(self.now),
            # access_level is a keyword field: "at or below" is the explicit list of levels 1..max_level.
            {"terms": {"access_level": [_keyword(level) for level in range(1, self.max_level + 1)]}},
            {"bool": {"should": department, "minimum_should_match": 1}},
        ]}}
        own = {"term": {"uploaded_by": _keyword(self.uploader_id)}}
        return [{"bool": {"should": [published, own], "minimum_should_match": 1}}]


@dataclass(frozen=True)
class Searchable:
    """What search adds to the access rule: processed, unexpired, in the searched approval states."""

    states: tuple[str, ...] = PUBLISHED_STATES
    now: datetime = field(default_factory=timezone.now)

    @classmethod
    def for_search(cls, *, include_drafts: bool = False, now: datetime | None = None) -> "Searchable":
        return cls(states=searchable_states(include_drafts=include_drafts), now=now or timezone.now())

    def as_q(self) -> Q:
        return Q(unexpired_q(self.now), approval_state__in=self.states, status=ProcessingStatus.READY)

    def as_opensearch_clauses(self) -> list[dict]:
        return [
            {"term": {"status": ProcessingStatus.READY.value}},
            {"terms": {"approval_state": list(self.states)}},
            _unexpired_clause(self.now),
        ]
