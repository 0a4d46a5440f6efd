"""The lexical leg on its own thread and connection while the dense leg runs (issue 14, session 9): the same
results as one after the other, no hidden passage from either leg, the timeout fallback kept, the connection
closed after, and the legs one after the other where a second connection cannot be used."""

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.tests.factories import DepartmentFactory, UserFactory
from documents.models import ApprovalState, Document
from documents.tests.factories import document_manager, make_indexed_document
from search import services
from search.backends import postgres
from search.config import RetrievalConfig
from search.services import retrieve

QUERIES = ["리피토 시작 용량", "콜레스테롤 낮추는 약", "메트포르민 부작용은?", "항암 영업 전략", "단가표 공급가"]


def _config(*, parallel):
    return dataclasses.replace(RetrievalConfig.from_settings(), parallel_legs=parallel)


def _corpus():
    """Documents an L1 user of CARDIO may and may not see (level, department, approval), sharing words."""
    cardio, onco = DepartmentFactory(code="CARDIO"), DepartmentFactory(code="ONCO")
    visible = [
        make_indexed_document(["리피토(아토르바스타틴)는 LDL 콜레스테롤을 낮추는 스타틴입니다.",
                               "통상 시작 용량은 1일 1회 10mg입니다."], title="리피토 제품 정보", access_level=1),
        make_indexed_document(["메트포르민의 흔한 부작용은 위장 장애입니다."], title="메트포르민", access_level=1),
        make_indexed_document(["순환기 영업 전략: 리피토 처방 확대"], title="순환기 전략", access_level=1,
                              department=cardio),
    ]
    hidden = [
        make_indexed_document(["비공개 단가표: 리피토 공급가 인하, 시작 용량 변경 계획"], title="L2 단가표",
                              access_level=2),
        make_indexed_document(["L3 콜레스테롤 약 임상 중간 결과"], title="L3 임상", access_level=3),
        make_indexed_document(["항암 영업 전략: 리피토 병용"], title="항암부 전략", access_level=1, department=onco),
        make_indexed_document(["메트포르민 부작용 초안"], title="초안", access_level=1,
                              approval_state=ApprovalState.DRAFT),
    ]
    return cardio, visible, hidden


def _outcome(retrieval):
    return ([(h.chunk_id, h.score, h.dense_score, h.lexical_score) for h in retrieval.hits], retrieval.dense,
            retrieval.lexical)


class Recorder(list):
    """The thread each lexical leg ran on; `started` is set when one starts."""

    def __init__(self):
        super().__init__()
        self.started = threading.Event()


@pytest.fixture
def lexical_threads(monkeypatch):
    names, leg = Recorder(), postgres.lexical_leg

    def recorded(*args, **kwargs):
        names.append(threading.current_thread().name)
        names.started.set()
        return leg(*args, **kwargs)

    monkeypatch.setattr(postgres, "lexical_leg", recorded)
    return names


@pytest.fixture
def dense_waits_for_lexical(monkeypatch, lexical_threads):
    """On this small corpus the dense leg can end before the lexical thread picks its leg up, and the search then
    runs the leg itself (correct, but not the path under test): the dense leg waits until the lexical one started."""
    dense_leg = postgres.dense_leg

    def after_lexical_started(*args, **kwargs):
        lexical_threads.started.wait(timeout=10)
        lexical_threads.started.clear()
        return dense_leg(*args, **kwargs)

    monkeypatch.setattr(postgres, "dense_leg", after_lexical_started)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # migrations' rows come back
def test_parallel_legs_return_the_same_ids_scores_and_order_as_sequential_legs(lexical_threads,
                                                                              dense_waits_for_lexical):
    cardio, _visible, _hidden = _corpus()
    users = {"L1": UserFactory(access_level=1, department=cardio), "manager": document_manager(access_level=1)}

    for name, user in users.items():
        for query in QUERIES:
            sequential = retrieve(user=user, query=query, config=_config(parallel=False))
            parallel = retrieve(user=user, query=query, config=_config(parallel=True))

            assert _outcome(parallel) == _outcome(sequential), (name, query)
            assert sequential.hits, (name, query)
    assert {n.split("_")[0] for n in lexical_threads[1::2]} == {"lexical-leg"}  # the parallel runs, on the pool
    assert set(lexical_threads[0::2]) == {threading.current_thread().name}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # migrations' rows come back
def test_l1_user_gets_no_hidden_passage_from_either_parallel_leg(lexical_threads, dense_waits_for_lexical):
    cardio, visible, hidden = _corpus()
    user = UserFactory(access_level=1, department=cardio)
    hidden_chunks = set(Document.objects.filter(pk__in=[d.pk for d in hidden]).values_list("chunks__id", flat=True))

    for query in QUERIES:
        retrieval = retrieve(user=user, query=query, config=_config(parallel=True))

        returned = {cid for cid, _s in retrieval.dense + retrieval.lexical} | {h.chunk_id for h in retrieval.hits}
        assert returned and not returned & hidden_chunks, query
        assert {h.document_id for h in retrieval.hits} <= {d.id for d in visible}
    assert all(name.startswith("lexical-leg") for name in lexical_threads)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # migrations' rows come back
def test_a_timed_out_parallel_lexical_leg_answers_with_the_dense_leg_alone(monkeypatch, caplog):
    _corpus()

    def timed_out(*args, **kwargs):
        raise postgres.LexicalTimeout("lexical leg over 300 ms")

    monkeypatch.setattr(postgres, "lexical_leg", timed_out)

    retrieval = retrieve(user=UserFactory(access_level=1), query="리피토 시작 용량", config=_config(parallel=True))

    assert retrieval.lexical == [] and retrieval.dense and retrieval.hits
    assert "Lexical leg timed out" in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # migrations' rows come back
def test_the_lexical_legs_connection_is_closed_after_the_search():
    """CONN_MAX_AGE = 0 in the test settings: the worker thread's connection goes when its leg ends, as a request's
    does (with a pool it would go back to the pool)."""
    _corpus()

    def backends():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")
            return cursor.fetchone()[0]

    before = backends()
    for query in QUERIES:
        retrieve(user=UserFactory(access_level=1), query=query, config=_config(parallel=True))

    assert backends() == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # migrations' rows come back
def test_with_every_lexical_thread_busy_the_search_runs_the_leg_itself(monkeypatch, lexical_threads):
    _corpus()
    user = UserFactory(access_level=1)
    busy, release = ThreadPoolExecutor(max_workers=1), threading.Event()
    busy.submit(release.wait)
    monkeypatch.setattr(services, "_lexical_threads", busy)
    try:
        parallel = retrieve(user=user, query="리피토 시작 용량", config=_config(parallel=True))
    finally:
        release.set()
        busy.shutdown()

    assert lexical_threads == [threading.current_thread().name]
    assert _outcome(parallel) == _outcome(retrieve(user=user, query="리피토 시작 용량",
                                                   config=_config(parallel=False)))


@pytest.mark.django_db
def test_inside_a_transaction_the_legs_run_one_after_the_other_on_its_connection(lexical_threads):
    """Another connection would not see the caller's uncommitted rows (here: the test's own documents)."""
    make_indexed_document(["리피토 시작 용량은 10mg입니다."], title="리피토", access_level=1)

    retrieval = retrieve(user=UserFactory(access_level=1), query="리피토 시작 용량", config=_config(parallel=True))

    assert retrieval.lexical and retrieval.hits[0].document_title == "리피토"
    assert lexical_threads == [threading.current_thread().name]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # migrations' rows come back
def test_a_query_with_a_code_runs_the_dense_leg_among_the_lexical_passages(monkeypatch, lexical_threads):
    make_indexed_document(["ATV10 제품 설명: 리피토 10mg 정제"], title="코드 문서", access_level=1,
                          metadata={"product_code": "ATV10"})
    make_indexed_document(["리피토 일반 안내"], title="일반", access_level=1)
    among = []
    dense_leg = postgres.dense_leg

    def recorded(*args, **kwargs):
        among.append(kwargs.get("among"))
        return dense_leg(*args, **kwargs)

    monkeypatch.setattr(postgres, "dense_leg", recorded)

    retrieval = retrieve(user=UserFactory(access_level=1), query="ATV10 리피토", config=_config(parallel=True))

    assert retrieval.lexical_query.required
    assert among == [[cid for cid, _s in retrieval.lexical]] and among[0]
    assert lexical_threads == [threading.current_thread().name]
