"""Long multi-page documents built from whole KorQuAD 1.0 dev articles, for retrieval through the upload API.

Each article's paragraphs are laid out as PDF pages the way a printed document looks: lines of at most
LINE_CHARS characters broken at spaces, at most PAGE_LINES lines a page, a paragraph continuing on the next
page when it does not fit. Two sets share these pages (and so their passages and embeddings):

- "pages": every page is its own one-page PDF named by a number (like an OCR'd page of a scanned binder,
  the AutoRAG-ko situation: long pages, titles that say nothing). A question's relevant documents are the
  pages its paragraph is printed on.
- "articles": every article is one multi-page PDF titled with the article's title. A question's relevant
  document is its article.

Questions are the same 1,000 sampled KorQuAD questions as the in-process benchmark (bench/korquad.py), or
those of them about the first N articles when a run is limited to N articles (embedding every passage of all
140 articles with e5 takes over an hour on two shared cores).
"""

from dataclasses import dataclass, field

import korquad

LINE_CHARS, PAGE_LINES = 45, 46


@dataclass
class BenchDocument:
    key: str
    title: str
    filename: str
    pages: list[str]
    paragraphs: set[int] = field(default_factory=set)
    content: bytes = b""  # the file itself, when it is not a PDF of `pages`
    mime: str = ""


@dataclass
class BenchSet:
    name: str
    documents: list[BenchDocument]
    questions: list[str]
    relevant: list[set[str]]  # document keys per question


def wrap(paragraph: str, width: int = LINE_CHARS) -> list[str]:
    lines, current = [], ""
    for word in paragraph.split():
        while len(word) > width:  # a very long token is cut, as a typesetter would
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def _article_pages(paragraph_ids: list[int], paragraphs: list[str]) -> list[tuple[str, set[int]]]:
    """(page text, paragraphs printed on it) for one article."""
    pages, lines, on_page = [], [], set()
    for pid in paragraph_ids:
        for line in wrap(paragraphs[pid]):
            if len(lines) >= PAGE_LINES:
                pages.append(("\n".join(lines), on_page))
                lines, on_page = [], set()
            lines.append(line)
            on_page.add(pid)
    if lines:
        pages.append(("\n".join(lines), on_page))
    return pages


def _articles(titles, limit):
    articles: dict[str, list[int]] = {}
    for pid, title in enumerate(titles):
        if title in articles or len(articles) < limit:
            articles.setdefault(title, []).append(pid)
    return articles


def _questions(questions, relevant_paragraph, documents_of):
    """The sampled questions about the chosen articles, with their relevant document keys."""
    kept = [(q, documents_of[pid]) for q, pid in zip(questions, relevant_paragraph, strict=True) if pid in documents_of]
    return [q for q, _d in kept], [d for _q, d in kept]


def build(name: str, articles_limit: int = 140) -> BenchSet:
    paragraphs, titles, questions, relevant_paragraph = korquad.load()
    articles = _articles(titles, articles_limit)
    documents = []
    for article_number, (title, pids) in enumerate(articles.items()):
        pages = _article_pages(pids, paragraphs)
        if name == "articles":
            documents.append(BenchDocument(key=f"a{article_number}", title=title,
                                           filename=f"article-{article_number:03d}.pdf",
                                           pages=[text for text, _p in pages], paragraphs=set(pids)))
        elif name == "pages":
            for text, on_page in pages:
                number = len(documents)
                documents.append(BenchDocument(key=f"p{number}", title=f"스캔 문서 {number:04d}",
                                               filename=f"scan-{number:04d}.pdf", pages=[text], paragraphs=on_page))
        else:
            raise ValueError(name)
    documents_of: dict[int, set[str]] = {}
    for document in documents:
        for pid in document.paragraphs:
            documents_of.setdefault(pid, set()).add(document.key)
    kept_questions, relevant = _questions(questions, relevant_paragraph, documents_of)
    return BenchSet(name=name, documents=documents, questions=kept_questions, relevant=relevant)


def korquad_paragraphs(articles_limit: int = 140) -> BenchSet:
    """KorQuAD as it is: each distinct paragraph one TXT document titled with its article's title."""
    paragraphs, titles, questions, relevant_paragraph = korquad.load()
    articles = _articles(titles, articles_limit)
    documents = [BenchDocument(key=f"k{pid}", title=titles[pid], filename=f"korquad-{pid:03d}.txt",
                               pages=[paragraphs[pid]], paragraphs={pid})
                 for pids in articles.values() for pid in pids]
    kept_questions, relevant = _questions(questions, relevant_paragraph,
                                          {pid: {f"k{pid}"} for pids in articles.values() for pid in pids})
    return BenchSet(name="korquad", documents=documents, questions=kept_questions, relevant=relevant)


def load_set(name: str, articles_limit: int = 140) -> BenchSet:
    """`articles_limit`: only the first N articles of the dev file and the sampled questions about them."""
    if name == "pharma":
        import pharma_documents

        return pharma_documents.build()
    if name == "korquad":
        return korquad_paragraphs(articles_limit)
    return build(name, articles_limit)


if __name__ == "__main__":
    for set_name in ("pages", "articles"):
        bench_set = build(set_name)
        sizes = sorted(sum(len(p) for p in d.pages) for d in bench_set.documents)
        print(set_name, len(bench_set.documents), "documents; characters p50", sizes[len(sizes) // 2],
              "max", sizes[-1], "; pages", sum(len(d.pages) for d in bench_set.documents))
