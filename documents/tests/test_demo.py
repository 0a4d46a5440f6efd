import io
from collections import Counter

import pytest

from documents.demo import CORPUS, build_file, seed
from documents.detection import detect_type
from documents.extraction import extract
from documents.models import Document


def test_demo_corpus_has_about_thirty_documents_in_every_promised_format():
    formats = Counter(item["format"] for item in CORPUS)

    assert 28 <= len(CORPUS) <= 35
    assert {"pdf", "docx", "hwpx", "hwp", "txt", "md", "html"} <= set(formats)
    assert any(item["format"] == "docx" and item["table"] for item in CORPUS)
    assert {item["level"] for item in CORPUS} == {1, 2, 3}
    assert len({item["department"] for item in CORPUS}) >= 6
    assert sum("리피토" in " ".join(item["paragraphs"]) for item in CORPUS) >= 5


@pytest.mark.parametrize("item", [i for i in CORPUS if i["format"] in {"pdf", "docx", "hwpx", "hwp"}],
                         ids=lambda i: i["key"])
def test_each_generated_binary_demo_file_is_recognised_and_yields_its_text(item):
    name, content = build_file(item)

    detected = detect_type(io.BytesIO(content), name)
    text = "\n".join(s.text for s in extract(io.BytesIO(content), detected.document_type).segments)

    assert detected.document_type.lower() == item["format"]
    assert item["paragraphs"][-1][:15] in text.replace("\n", "")


@pytest.mark.django_db
def test_seed_is_idempotent_and_makes_documents_searchable(monkeypatch):
    from accounts.demo import seed as seed_accounts
    from documents import demo

    monkeypatch.setattr(demo, "CORPUS", [i for i in CORPUS if i["key"] in {"lipitor-info", "price-list-2025"}])
    out = io.StringIO()
    seed_accounts(stdout=out)

    seed(stdout=out)
    seed(stdout=out)

    assert Document.objects.filter(status="ready").count() == 2
    assert "0 demo documents added" in out.getvalue().splitlines()[-1]
    price_list = Document.objects.get(metadata__demo_key="price-list-2025")
    assert price_list.access_level == 3 and "리피토정 | 아토르바스타틴 | 10mg | 30정 | 15,300원" in price_list.content
