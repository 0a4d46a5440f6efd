"""Search: the drug-name synonym dictionary, the query/response/feedback log (seed 002) and retention audits."""

import uuid
from datetime import timezone as dt_timezone

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.models import ProcessingStatus
from documents.visibility import Searchable, Visibility, searchable_states


class DrugSynonymGroup(models.Model):
    """One drug under all its names: brand, ingredient, Korean and English spellings."""

    name = models.CharField(_("대표 이름"), max_length=200, unique=True)
    note = models.CharField(_("메모"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    class Meta:
        verbose_name = _("약품 동의어 그룹")
        verbose_name_plural = _("약품 동의어 사전")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SynonymKind(models.TextChoices):
    BRAND = "brand", _("상품명")
    INGREDIENT = "ingredient", _("성분명")
    KOREAN = "korean", _("한글 표기")
    ENGLISH = "english", _("영문 표기")
    OTHER = "other", _("기타")


class DrugSynonym(models.Model):
    group = models.ForeignKey(DrugSynonymGroup, verbose_name=_("그룹"), on_delete=models.CASCADE,
                              related_name="terms")
    term = models.CharField(_("표기"), max_length=200)
    kind = models.CharField(_("종류"), max_length=12, choices=SynonymKind.choices, default=SynonymKind.OTHER)

    class Meta:
        verbose_name = _("동의어")
        verbose_name_plural = _("동의어")
        ordering = ["group", "term"]
        constraints = [
            models.UniqueConstraint(Lower("term"), name="search_synonym_term_ci_unique"),
        ]

    def __str__(self):
        return self.term


class SearchQuery(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("사용자"), on_delete=models.CASCADE,
                             related_name="search_queries", db_index=False)
    text = models.TextField(_("검색어"))
    session_id = models.CharField(_("세션 ID"), max_length=100, blank=True, default="")
    filters = models.JSONField(_("필터"), default=dict, blank=True)
    top_k = models.PositiveSmallIntegerField(_("요청 결과 수"), default=10)
    created_at = models.DateTimeField(_("검색 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("검색 기록")
        verbose_name_plural = _("검색 기록")
        ordering = ["-created_at"]
        permissions = [("use_retrieval_test", _("검색 테스트 화면 사용 (다른 사용자의 권한으로 검색)"))]
        indexes = [
            models.Index(fields=["user"], name="idx_search_queries_user_id"),
            models.Index(fields=["created_at"], name="idx_search_queries_timestamp"),
        ]

    def __str__(self):
        return self.text[:80]


class SearchResponse(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    query = models.OneToOneField(SearchQuery, verbose_name=_("검색"), on_delete=models.CASCADE,
                                 related_name="response")
    answer = models.TextField(_("답변"), blank=True, default="")
    # [{"n", "chunk_id", "document_id", "title", "page", "score"}]: what was returned, in order.
    sources = models.JSONField(_("출처"), default=list, blank=True)
    result_count = models.PositiveIntegerField(_("결과 수"), default=0)
    response_time_ms = models.PositiveIntegerField(_("응답 시간(ms)"))
    backend = models.CharField(_("검색 백엔드"), max_length=20, blank=True, default="postgres")
    created_at = models.DateTimeField(_("응답 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("검색 응답")
        verbose_name_plural = _("검색 응답")
        indexes = [models.Index(fields=["result_count"], name="idx_search_responses_count")]

    def __str__(self):
        return f"{self.query_id} ({self.result_count})"


class UserFeedback(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    query = models.ForeignKey(SearchQuery, verbose_name=_("검색"), on_delete=models.CASCADE,
                              related_name="feedback", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("사용자"), on_delete=models.CASCADE,
                             related_name="search_feedback", db_index=False)
    rating = models.PositiveSmallIntegerField(_("평점"))
    comment = models.TextField(_("의견"), blank=True, default="")
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    class Meta:
        verbose_name = _("사용자 피드백")
        verbose_name_plural = _("사용자 피드백")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="search_feedback_rating_1_5"),
            models.UniqueConstraint(fields=["query", "user"], name="search_feedback_one_per_user_query"),
        ]
        indexes = [
            models.Index(fields=["query"], name="idx_user_feedback_query_id"),
            models.Index(fields=["user"], name="idx_user_feedback_user_id"),
        ]

    def __str__(self):
        return f"{self.rating}/5"


class LexiconTerm(models.Model):
    """How many passages contain each lexeme of the chunk tsvectors: BM25's document frequencies.

    Kept exact by triggers on the chunk table (migration 0002), whatever writes the chunks (indexing, bulk
    loads, cascading deletes), so a query reads its words' frequencies with one primary-key lookup instead of
    counting matches through the GIN index (up to hundreds of milliseconds per common word at 1M passages).
    """

    term = models.TextField(_("낱말"), primary_key=True)
    passages = models.BigIntegerField(_("포함 조각 수"))

    class Meta:
        db_table = "search_lexicon_term"
        verbose_name = _("색인 낱말 통계")
        verbose_name_plural = _("색인 낱말 통계")

    def __str__(self):
        return f"{self.term} ({self.passages})"


class LexiconTotals(models.Model):
    """One row (id 1): passages with a tsvector and the sum of their lexeme counts (BM25's N and mean length).
    Maintained by the same triggers as LexiconTerm."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    passages = models.BigIntegerField(_("조각 수"), default=0)
    lexemes = models.BigIntegerField(_("낱말 수 합계"), default=0)

    class Meta:
        db_table = "search_lexicon_totals"
        verbose_name = _("색인 전체 통계")
        verbose_name_plural = _("색인 전체 통계")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="search_lexicon_totals_single_row")]


class AnswerAttribute(models.Model):
    """One thing a question can ask about a product or procedure (용량, 소아, 약가, 보고 기한, 견본품 …), for the
    answer composer: the words that ask it in a question and the words that state it in a document.

    An attribute with no evidence terms is only recognised (its words are not the question's subject) and is
    not required to be stated."""

    name = models.CharField(_("이름"), max_length=50, unique=True, help_text=_("답변에 쓰는 이름, 예: 소아 용량"))
    question_terms = ArrayField(
        models.CharField(max_length=50), verbose_name=_("질문 표현"),
        help_text=_("질문에서 이 항목을 묻는 표현, 쉼표로 구분 (예: 소아,어린이,아이). '~얼마'처럼 ~를 붙이면 "
                    "다른 항목을 묻지 않을 때만 이 항목으로 봅니다."))
    evidence_terms = ArrayField(
        models.CharField(max_length=50), verbose_name=_("문서 표현"), blank=True, default=list,
        help_text=_("문서가 이 항목을 말할 때 쓰는 표현, 쉼표로 구분. 're:'로 시작하면 정규식입니다. 비워 두면 인식만 하고 "
                    "근거로 요구하지 않습니다."))
    is_active = models.BooleanField(_("사용"), default=True)
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    class Meta:
        verbose_name = _("답변 항목 사전")
        verbose_name_plural = _("답변 항목 사전")
        ordering = ["name"]

    def __str__(self):
        return self.name


class LexiconPartitionQuerySet(models.QuerySet):
    def searched_by(self, user, *, include_drafts: bool = False):
        """The partitions whose passages `user`'s search may reach: the access rule of
        Document.objects.visible_to(user).searchable(), rendered on the partition columns from the same
        definition (documents.visibility: `Visibility.level_and_department_q`, `searchable_states`). Document
        managers see every document and get every searchable partition; others never one holding a document they
        cannot see, so BM25 statistics summed over these depend only on documents the user may see
        (search/tests/test_lexicon_partitions.py checks this against visible_to for a matrix of users).

        Own uploads above one's level or in another department are left out (they are not among the partitions
        of the rule); that only makes the statistics cover a little less than the user may see.
        """
        visibility = Visibility.for_user(user)
        if visibility.nothing:
            return self.none()
        today = timezone.now().astimezone(dt_timezone.utc).date()
        partitions = self.filter(Q(expires_on__isnull=True) | Q(expires_on__gt=today), status=ProcessingStatus.READY,
                                 approval_state__in=searchable_states(include_drafts=include_drafts))
        if visibility.everything:
            return partitions
        return partitions.filter(visibility.level_and_department_q())


class LexiconPartition(models.Model):
    """The passages of one visibility class of documents: access level x department x approval state x
    processing status x expiry date (UTC day of valid_until), with their count and lexeme total (BM25's N and
    mean length for that class).

    Kept exact by triggers on the chunk and document tables (migration 0003), like LexiconTerm. A search sums the
    partitions the user may search (`searched_by`), so nothing about a document they cannot see (its words,
    its length, that it exists) changes their scores, ranks or counts. A document expiring today already counts
    as expired (its day is not after today), so the statistics never include an expired document.
    """

    key = models.TextField(_("구분 키"), unique=True)
    access_level = models.PositiveSmallIntegerField(_("접근 등급"))
    # A plain id, no foreign key: statistics never stop a department from being deleted.
    department_id = models.BigIntegerField(_("부서 ID"), null=True)
    approval_state = models.CharField(_("승인 상태"), max_length=10)
    status = models.CharField(_("처리 상태"), max_length=12)
    expires_on = models.DateField(_("유효 기한(UTC 날짜)"), null=True)
    passages = models.BigIntegerField(_("조각 수"), default=0)
    lexemes = models.BigIntegerField(_("낱말 수 합계"), default=0)

    objects = LexiconPartitionQuerySet.as_manager()

    class Meta:
        db_table = "search_lexicon_partition"
        verbose_name = _("색인 통계 구분")
        verbose_name_plural = _("색인 통계 구분")

    def __str__(self):
        return self.key


class LexiconPartitionTerm(models.Model):
    """Passages of one partition that contain a lexeme (BM25's document frequency within the partition)."""

    pk = models.CompositePrimaryKey("term", "partition")
    term = models.TextField(_("낱말"))
    partition = models.ForeignKey(LexiconPartition, verbose_name=_("구분"), on_delete=models.CASCADE,
                                  db_constraint=False, db_index=False, related_name="terms")
    passages = models.BigIntegerField(_("포함 조각 수"))

    class Meta:
        db_table = "search_lexicon_partition_term"
        verbose_name = _("구분별 낱말 통계")
        verbose_name_plural = _("구분별 낱말 통계")

    def __str__(self):
        return f"{self.term} ({self.passages})"


class LexicalPassageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The rows of passages `user` may see: Document.objects.visible_to(user)'s rule (documents.visibility
        .Visibility, written once) rendered on this table's copy of the document's columns."""
        rule = Visibility.for_user(user)
        if rule.nothing:
            return self.none()
        return self if rule.everything else self.filter(rule.as_q())

    def searchable(self, *, include_drafts: bool = False):
        """Document.objects.searchable() on the same columns (documents.visibility.Searchable)."""
        return self.filter(Searchable.for_search(include_drafts=include_drafts).as_q())


class LexicalPassage(models.Model):
    """What the lexical leg scans: one narrow row per passage with a tsvector (`id` is the chunk's id), with the
    columns of its document that the access rule and `searchable()` read.

    The chunk rows carry the text and a 384-float embedding (~4 rows per 8 kB page), so scoring a few thousand
    matches read as many pages at random, and an L1 user's matches were all fetched before the join to documents
    dropped the two thirds they may not see (docs/notes/issue-14.md, sessions 7 and 8). Here the rule is a filter
    on the row itself and ~25 rows share a page.

    Kept exact by triggers (migration 0008): on the chunk table (insert, re-index, delete, truncate) and on the
    document table (a change of level, department, approval, status, expiry or uploader is copied to its
    passages; a deleted document takes them out). Nothing in Python writes it.
    """

    id = models.BigIntegerField(_("조각 ID"), primary_key=True)
    # No database constraint: the triggers keep the rows in step (a document deleted before its chunks, whose
    # foreign key is checked at commit, takes its rows out at once).
    document = models.ForeignKey("documents.Document", verbose_name=_("문서"), on_delete=models.DO_NOTHING,
                                 db_constraint=False, related_name="+")
    access_level = models.PositiveSmallIntegerField(_("접근 등급"))
    department_id = models.BigIntegerField(_("부서 ID"), null=True)
    approval_state = models.CharField(_("승인 상태"), max_length=10)
    status = models.CharField(_("처리 상태"), max_length=12)
    valid_until = models.DateTimeField(_("유효 기한"), null=True)
    uploaded_by_id = models.UUIDField(_("업로드한 사용자 ID"), null=True)
    search_vector = SearchVectorField(_("검색 벡터"))

    objects = LexicalPassageQuerySet.as_manager()

    class Meta:
        db_table = "search_lexical_passage"
        verbose_name = _("어휘 검색 조각")
        verbose_name_plural = _("어휘 검색 조각")
        # One GIN index per "at or below this level" (the rule's `access_level <= max_level`), so the planner
        # scans only the postings of the levels a user may see: a BitmapOr of the index of their level (the
        # rule's published part implies its predicate) and the uploader index (their own uploads).
        indexes = [
            GinIndex(fields=["search_vector"], name="idx_lexical_passage_vector"),
            GinIndex(fields=["search_vector"], name="idx_lexical_passage_l1", condition=Q(access_level__lte=1)),
            GinIndex(fields=["search_vector"], name="idx_lexical_passage_l2", condition=Q(access_level__lte=2)),
            models.Index(fields=["uploaded_by_id"], name="idx_lexical_passage_uploader"),
        ]

    def __str__(self):
        return str(self.id)
