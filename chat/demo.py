"""Demo conversation for the rep: one answered question and a follow-up (idempotent)."""

from accounts.models import User
from chat import answering
from chat.models import ChatSession
from chat.services import session_create

DEMO_TITLE = "데모: 리피토 문의"
QUESTIONS = ["리피토 시작 용량은 얼마인가요?", "그 약 부작용은?", "한빛대학교병원 최근 방문 내역"]


def seed(*, stdout) -> dict:
    rep = User.objects.filter(email__iexact="rep@demo.pharma.kr").first()
    if rep is None:
        stdout.write("chat: no rep@demo.pharma.kr, no demo conversation")
        return {"logins": []}
    if not ChatSession.objects.filter(owner=rep, title=DEMO_TITLE).exists():
        session = session_create(owner=rep, title=DEMO_TITLE)
        for question in QUESTIONS:
            answering.answer(session=session, user=rep, question=question)
    stdout.write(f"chat: demo conversation '{DEMO_TITLE}' for rep@demo.pharma.kr "
                 "(try GET /api/chat/briefing/?customer=<한빛대학교병원 id>)")
    return {"logins": []}
