"""About 30 Korean documents written for this project, generated as real files at seed time.

Product information, dosing guides, SOPs, FAQs, a price list as a table, in PDF, DOCX (with a table),
HWP, HWPX, Markdown, HTML and TXT, at varied access levels and departments. Prices and internal figures
are invented for the demo. Each document is processed synchronously so the demo is searchable at once.
Idempotent: a document is recognised by `metadata.demo_key`.
"""

import time

from django.core.files.base import ContentFile

from accounts.demo import demo_user
from accounts.models import Department, User
from documents import filebuilders, services
from documents.models import Document
from documents.pipeline import run_pipeline

PM_EMAIL = "pm@demo.pharma.kr"
LIBRARIAN_EMAIL = "librarian@demo.pharma.kr"

LIPITOR_INFO = [
    "리피토정(아토르바스타틴칼슘)은 HMG-CoA 환원효소 억제제(스타틴)로, 간에서 콜레스테롤 합성을 억제하여 혈중 LDL 콜레스테롤을 낮춥니다.",
    "적응증은 원발성 고콜레스테롤혈증, 혼합형 이상지질혈증, 심혈관 질환 위험 감소입니다. 관상동맥 질환의 위험 인자가 여러 개인 환자에서 심근경색과 뇌졸중 위험을 줄이는 근거가 있습니다.",
    "함량은 10mg, 20mg, 40mg, 80mg 네 가지이며, 하루 중 아무 때나 음식과 관계없이 1일 1회 복용합니다.",
    "흔한 이상반응은 비인두염, 관절통, 설사, 근육통입니다. 원인 불명의 근육통이나 근력 약화가 있으면 즉시 의사와 상의하도록 안내합니다.",
]
LIPITOR_DOSING = [
    "리피토(아토르바스타틴)의 통상 시작 용량은 1일 1회 10mg 또는 20mg입니다. LDL 콜레스테롤을 45% 이상 낮춰야 하는 환자는 40mg으로 시작할 수 있습니다.",
    "용량 조절은 2~4주 간격으로 지질 검사를 한 뒤 시행하며, 최대 용량은 1일 80mg입니다.",
    "신장애 환자는 용량 조절이 필요하지 않습니다. 활동성 간질환 환자와 임부에게는 투여하지 않습니다.",
    "클래리스로마이신, 이트라코나졸 등 CYP3A4 강력 억제제와 함께 쓰면 근병증 위험이 커지므로 용량을 제한합니다.",
]


def _doc(key, title, fmt, paragraphs, *, level=1, department=None, approval="approved", metadata=None,
         table=None, pages=None):
    return {"key": key, "title": title, "format": fmt, "paragraphs": paragraphs, "level": level,
            "department": department, "approval": approval, "metadata": metadata or {}, "table": table,
            "pages": pages}


CORPUS = [
    _doc("lipitor-info", "리피토정 제품 정보", "pdf", LIPITOR_INFO, metadata={"product": "리피토", "kind": "제품정보"},
         pages=[LIPITOR_INFO[:2], LIPITOR_INFO[2:]]),
    _doc("lipitor-dosing", "리피토 용법·용량 가이드", "docx", LIPITOR_DOSING, department="CARDIO",
         metadata={"product": "리피토", "kind": "용법용량"},
         table=[["함량", "시작 용량", "최대 용량"], ["10mg", "1일 1회 10mg", "80mg"], ["20mg", "1일 1회 20mg", "80mg"],
                ["40mg", "1일 1회 40mg", "80mg"]]),
    _doc("price-list-2025", "2025년 상반기 병원 공급 단가표", "docx", [
        "2025년 상반기 종합병원 공급 단가표입니다(데모용 가상 단가). 외부 반출을 금지합니다.",
        "단가는 부가세 별도이며 거래처별 계약 조건에 따라 달라질 수 있습니다."],
        level=3, department="SALESOPS", metadata={"kind": "단가표", "year": 2025},
        table=[["제품명", "성분", "함량", "포장", "공급 단가"], ["리피토정", "아토르바스타틴", "10mg", "30정", "15,300원"],
               ["리피토정", "아토르바스타틴", "20mg", "30정", "22,800원"], ["노바스크정", "암로디핀", "5mg", "30정", "9,600원"],
               ["카듀엣정", "암로디핀/아토르바스타틴", "5/10mg", "30정", "21,000원"],
               ["엘리퀴스정", "아픽사반", "5mg", "60정", "78,000원"]]),
    _doc("norvasc-info", "노바스크정 제품 정보", "hwpx", [
        "노바스크정(암로디핀베실산염)은 칼슘채널차단제로 고혈압과 협심증 치료에 쓰입니다.",
        "통상 1일 1회 5mg으로 시작하며 최대 10mg까지 증량할 수 있습니다. 고령자나 간기능 장애 환자는 2.5mg으로 시작합니다.",
        "흔한 이상반응은 말초 부종, 두통, 안면 홍조이며 용량 의존적으로 부종이 늘어납니다."],
        metadata={"product": "노바스크", "kind": "제품정보"},
        table=[["함량", "1일 용량", "비고"], ["2.5mg", "1회", "고령자 시작"], ["5mg", "1회", "통상 시작"], ["10mg", "1회", "최대"]]),
    _doc("caduet-faq", "카듀엣 자주 묻는 질문", "md", [
        "# 카듀엣 FAQ",
        "## 카듀엣은 어떤 약인가요?",
        "카듀엣정은 암로디핀과 아토르바스타틴을 한 정에 담은 복합제로, 고혈압과 이상지질혈증을 함께 가진 환자의 복약 부담을 줄입니다.",
        "## 리피토와 함께 복용해도 되나요?",
        "카듀엣에 아토르바스타틴이 이미 들어 있으므로 리피토와 중복 처방하지 않습니다.",
        "## 자몽 주스를 마셔도 되나요?",
        "자몽 주스를 하루 1.2리터 이상 마시면 아토르바스타틴 혈중 농도가 올라가므로 많이 마시지 않도록 안내합니다."],
        metadata={"product": "카듀엣", "kind": "FAQ"}),
    _doc("eliquis-dosing", "엘리퀴스 용량 감량 기준", "html", [
        "<h1>엘리퀴스(아픽사반) 용량 감량 기준</h1>",
        "<p>비판막성 심방세동 환자의 통상 용량은 1일 2회 5mg입니다.</p>",
        "<p>다음 세 가지 중 두 가지 이상에 해당하면 1일 2회 2.5mg으로 감량합니다: 80세 이상, 체중 60kg 이하, 혈청 크레아티닌 1.5mg/dL 이상.</p>",
        "<table><tr><th>기준</th><th>값</th></tr><tr><td>나이</td><td>80세 이상</td></tr><tr><td>체중</td><td>60kg 이하</td></tr>"
        "<tr><td>혈청 크레아티닌</td><td>1.5mg/dL 이상</td></tr></table>",
        "<script>console.log('tracking')</script>"],
        level=2, department="CARDIO", metadata={"product": "엘리퀴스", "kind": "용법용량"}),
    _doc("ibrance-summary", "입랜스 임상 요약(PALOMA-2)", "pdf", [
        "입랜스캡슐(팔보시클립)은 CDK4/6 억제제로 HR 양성, HER2 음성 진행성 유방암에 아로마타제 억제제와 병용합니다.",
        "PALOMA-2 연구에서 레트로졸 병용군의 무진행 생존기간 중앙값은 24.8개월로 위약 병용군 14.5개월보다 길었습니다.",
        "용법은 1일 1회 125mg을 21일 복용하고 7일 휴약하는 28일 주기입니다. 호중구 감소증이 가장 흔한 이상반응입니다."],
        level=2, department="ONCO", metadata={"product": "입랜스", "kind": "임상요약"}),
    _doc("xalkori-guide", "잴코리 복약 안내", "hwp", [
        "잴코리캡슐(크리조티닙)은 ALK 양성 또는 ROS1 양성 비소세포폐암 치료제입니다.",
        "1일 2회 250mg을 음식과 관계없이 복용합니다. 캡슐은 씹거나 부수지 않고 통째로 삼킵니다.",
        "시각 장애, 오심, 설사, 부종이 흔하며 간기능 검사를 치료 첫 2개월 동안 2주마다 시행합니다."],
        level=2, department="ONCO", metadata={"product": "잴코리", "kind": "복약안내"}),
    _doc("sop-sample", "견본품 배포 표준작업지침(SOP)", "docx", [
        "목적: 의약품 견본품 배포를 약사법과 공정경쟁규약에 맞게 관리한다.",
        "1. 견본품은 최소 포장 단위로 제공하며 '견본품' 표시가 있어야 한다.",
        "2. 배포 시 수령 의료인의 서명을 받고 영업지원팀 시스템에 48시간 이내 등록한다.",
        "3. 분기별 배포 수량은 제품당 의료기관별 한도를 넘을 수 없다."],
        department="SALESOPS", metadata={"kind": "SOP"},
        table=[["항목", "기준"], ["등록 기한", "배포 후 48시간"], ["서명", "수령 의료인 필수"], ["보관", "실온, 잠금 캐비닛"]]),
    _doc("sop-adverse-event", "이상사례 보고 SOP", "txt", [
        "이상사례 보고 표준작업지침",
        "영업 담당자가 의료진이나 환자로부터 이상사례를 들은 경우 24시간 이내에 메디컬팀 약물감시 담당자에게 보고한다.",
        "보고에는 환자 식별 정보(나이, 성별), 의심 약물, 이상사례 내용, 보고자 연락처의 네 가지 최소 정보가 포함되어야 한다.",
        "리피토 복용 후 근육통, 소변 색 변화가 보고되면 횡문근융해증 가능성을 고려해 긴급으로 보고한다."],
        metadata={"kind": "SOP"}),
    _doc("sop-visit-log", "영업 활동 기록 작성 지침", "md", [
        "# 영업 활동 기록 작성 지침",
        "방문 후 당일 안에 거래처, 면담자, 논의 제품, 다음 일정을 기록합니다.",
        "의약품 처방을 대가로 한 경제적 이익 제공은 기록 여부와 관계없이 금지됩니다.",
        "## 기록 예시",
        "한빛대학교병원 순환기내과 방문, 리피토 20mg 처방 현황 논의, 다음 주 학술 자료 전달 예정."],
        metadata={"kind": "SOP"}),
    _doc("statin-comparison", "스타틴 계열 비교 자료", "hwpx", [
        "스타틴은 강도에 따라 고강도, 중강도, 저강도로 나뉩니다.",
        "아토르바스타틴 40~80mg과 로수바스타틴 20mg은 LDL 콜레스테롤을 50% 이상 낮추는 고강도 요법입니다.",
        "아토르바스타틴 10~20mg은 중강도 요법으로 LDL 콜레스테롤을 30~50% 낮춥니다."],
        level=2, department="MEDICAL", metadata={"kind": "학술자료"},
        table=[["약물", "고강도", "중강도"], ["아토르바스타틴", "40~80mg", "10~20mg"], ["로수바스타틴", "20mg", "5~10mg"]]),
    _doc("lipid-guideline", "이상지질혈증 진료지침 요약", "txt", [
        "이상지질혈증 진료지침 요약(2022)",
        "관상동맥질환 환자의 LDL 콜레스테롤 목표는 55mg/dL 미만이며 기저치 대비 50% 이상 감소를 함께 권고한다.",
        "당뇨병 환자는 표적장기 손상이나 심혈관 위험인자가 있으면 LDL 콜레스테롤 70mg/dL 미만을 목표로 한다.",
        "스타틴으로 목표에 도달하지 못하면 에제티미브 병용을 고려한다."],
        department="MEDICAL", metadata={"kind": "학술자료"}),
    _doc("metformin-faq", "메트포르민 복약 FAQ", "html", [
        "<h2>메트포르민 복약 FAQ</h2>",
        "<p>메트포르민은 제2형 당뇨병의 1차 약제로, 식사와 함께 또는 식후에 복용해 위장 장애를 줄입니다.</p>",
        "<p>조영제 검사 전후에는 신기능에 따라 일시적으로 중단할 수 있습니다.</p>",
        "<p>eGFR 30 미만에서는 투여하지 않습니다.</p>"],
        department="PRIMARY", metadata={"product": "메트포르민", "kind": "FAQ"}),
    _doc("primary-otc-guide", "일반의약품 약국 영업 가이드", "md", [
        "# 일반의약품 약국 영업 가이드",
        "약국 방문은 오전 10시~11시 30분이 가장 여유롭습니다.",
        "진열 위치, 재고 수량, 경쟁 제품 가격을 함께 확인해 방문 기록에 남깁니다.",
        "감기약 성수기(11월~2월)에는 한 달 전부터 재고를 확인합니다."],
        department="PRIMARY", metadata={"kind": "영업가이드"}),
    _doc("marketing-campaign", "2025 심혈관 캠페인 메시지 가이드", "docx", [
        "핵심 메시지: '목표 LDL 달성은 용량 최적화부터' — 리피토 20mg 이상 처방 비율을 높이는 것이 목표입니다.",
        "허가 범위를 벗어난 효능·효과를 말하지 않으며, 비교 표현은 허가된 임상 근거로만 합니다.",
        "캠페인 기간은 2025년 3월부터 6월까지입니다."],
        level=2, department="MARKETING", approval="draft", metadata={"kind": "마케팅", "year": 2025}),
    _doc("marketing-old-campaign", "2023 노바스크 캠페인 자료(만료)", "txt", [
        "2023년 노바스크 캠페인 자료입니다. 현재는 사용하지 않습니다.",
        "혈압 목표 140/90mmHg 미만 달성을 강조했던 메시지입니다."],
        department="MARKETING", approval="expired", metadata={"kind": "마케팅", "year": 2023}),
    _doc("kol-meeting-notes", "순환기 KOL 자문회의 회의록", "hwp", [
        "일시: 2025년 2월 14일, 장소: 본사 대회의실",
        "참석: 한빛대학교병원 순환기내과 교수 2명, 메디컬팀, 순환기사업부",
        "논의: 고위험군의 LDL 목표 달성률이 낮으며, 아토르바스타틴 고용량 전환이 필요하다는 의견이 많았다.",
        "후속 조치: 고강도 스타틴 처방 근거 자료를 3월까지 정리한다."],
        level=3, department="CARDIO", metadata={"kind": "회의록"},
        table=[["후속 조치", "담당", "기한"], ["고강도 스타틴 근거 자료 정리", "메디컬팀", "3월 31일"],
               ["리피토 40mg 전환 사례 수집", "순환기사업부", "4월 15일"]]),
    _doc("onco-reimbursement", "항암제 급여 기준 안내", "pdf", [
        "입랜스는 HR 양성, HER2 음성 진행성 또는 전이성 유방암의 1차 내분비요법과 병용할 때 급여가 인정됩니다.",
        "잴코리는 ALK 양성 진행성 비소세포폐암에서 급여가 인정되며, ALK 검사 결과를 처방 시 첨부해야 합니다.",
        "급여 기준은 수시로 바뀌므로 최신 고시를 반드시 확인합니다."],
        department="ONCO", metadata={"kind": "급여기준"}),
    _doc("sales-target-2025", "2025년 지역별 영업 목표", "docx", [
        "2025년 지역별 매출 목표입니다(데모용 가상 수치). 담당 관리자만 열람합니다."],
        level=3, department="SALESOPS", metadata={"kind": "영업목표", "year": 2025},
        table=[["지역", "리피토", "노바스크", "엘리퀴스"], ["서울", "120억", "45억", "60억"], ["경기", "95억", "38억", "41억"],
               ["부산", "40억", "17억", "19억"]]),
    _doc("onboarding", "신입 영업사원 온보딩 안내", "md", [
        "# 신입 영업사원 온보딩",
        "첫 주에는 제품 교육(리피토, 노바스크, 카듀엣, 엘리퀴스)과 공정경쟁규약 교육을 이수합니다.",
        "둘째 주부터 선임과 함께 거래처를 방문하며, 방문 기록 작성법을 익힙니다.",
        "## 필수 시스템",
        "문서 검색과 챗봇에서 제품 자료를 찾고, 이상사례는 24시간 이내 보고합니다."],
        metadata={"kind": "안내"}),
    _doc("compliance-faq", "공정경쟁규약 FAQ", "html", [
        "<h1>공정경쟁규약 FAQ</h1>",
        "<p>Q. 제품설명회에서 식음료를 제공할 수 있나요? A. 1인당 10만원 이내에서 가능합니다.</p>",
        "<p>Q. 학회 참가비를 지원할 수 있나요? A. 학회 주최 측을 통한 지원만 가능하며 개별 지원은 금지됩니다.</p>",
        "<p>Q. 견본품은 얼마나 줄 수 있나요? A. 견본품 SOP의 분기 한도를 따릅니다.</p>"],
        metadata={"kind": "FAQ"}),
    _doc("storage-guide", "제품 보관 및 유통 관리 기준", "txt", [
        "모든 정제는 1~30℃ 실온에서 보관하며 직사광선과 습기를 피한다.",
        "입랜스캡슐은 원래 포장 그대로 보관한다.",
        "유효기간이 6개월 미만 남은 제품은 반품 절차를 영업지원팀과 협의한다."],
        department="SALESOPS", metadata={"kind": "유통"}),
    _doc("eliquis-info", "엘리퀴스정 제품 정보", "pdf", [
        "엘리퀴스정(아픽사반)은 직접 Xa 인자 억제제로 비판막성 심방세동 환자의 뇌졸중 및 전신 색전증 위험 감소에 쓰입니다.",
        "정기적인 혈액응고 검사(INR)가 필요하지 않으며 음식과 관계없이 복용합니다.",
        "수술 전에는 출혈 위험에 따라 24~48시간 전에 투여를 중단합니다."],
        department="CARDIO", metadata={"product": "엘리퀴스", "kind": "제품정보"}),
    _doc("lipitor-competitor", "리피토 경쟁 제품 대응 자료", "hwpx", [
        "제네릭 아토르바스타틴과 비교할 때 리피토는 대규모 임상 근거(ASCOT-LLA, SPARCL)를 보유한 오리지널 제품입니다.",
        "가격 비교 질문에는 단가표가 아닌 환자 본인부담 차이로 설명하며, 경쟁사 비방은 금지됩니다."],
        level=2, department="CARDIO", metadata={"product": "리피토", "kind": "경쟁대응"}),
    _doc("medical-inquiry", "의학 정보 문의 처리 절차", "md", [
        "# 의학 정보 문의 처리 절차",
        "의료진이 허가 범위 밖 사용에 대해 물으면 영업사원은 답하지 않고 메디컬팀에 문의를 전달합니다.",
        "메디컬팀은 5영업일 이내에 서면으로 답변합니다."],
        department="MEDICAL", metadata={"kind": "SOP"}),
    _doc("patient-leaflet-lipitor", "리피토 환자용 복약 안내문", "txt", [
        "리피토는 나쁜 콜레스테롤(LDL)을 낮추는 약입니다.",
        "매일 같은 시간에 1일 1회 복용하세요. 잊었을 때는 생각난 즉시 복용하되, 다음 복용 시간이 12시간 이내면 건너뜁니다.",
        "근육이 아프거나 힘이 빠지면 의사나 약사에게 알리세요."],
        metadata={"product": "리피토", "kind": "환자안내"}),
    _doc("hypertension-combo", "고혈압·이상지질혈증 동반 환자 처방 전략", "docx", [
        "고혈압 환자의 약 40%가 이상지질혈증을 함께 가지고 있습니다.",
        "암로디핀과 아토르바스타틴 복합제(카듀엣)는 복약 순응도를 높이는 선택지입니다."],
        level=2, department="CARDIO", metadata={"product": "카듀엣", "kind": "학술자료"},
        table=[["환자군", "권장 조합"], ["고혈압 단독", "노바스크 5mg"], ["고혈압+이상지질혈증", "카듀엣 5/10mg"]]),
    _doc("holiday-logistics", "명절 배송 일정 공지", "html", [
        "<p>설 연휴(1월 28일~30일)에는 배송이 중단됩니다. 1월 24일까지 주문을 마감합니다.</p>"],
        department="SALESOPS", metadata={"kind": "공지"}),
    _doc("training-quiz", "제품 교육 퀴즈 해설", "txt", [
        "문제 1. 리피토의 최대 1일 용량은? 정답: 80mg.",
        "문제 2. 엘리퀴스 감량 기준 세 가지는? 정답: 80세 이상, 체중 60kg 이하, 혈청 크레아티닌 1.5mg/dL 이상 중 두 가지.",
        "문제 3. 입랜스의 투여 주기는? 정답: 21일 복용, 7일 휴약."],
        metadata={"kind": "교육"}),
]


def build_file(item) -> tuple[str, bytes]:
    """(file name, bytes) for one corpus entry, in its declared format."""
    fmt, paragraphs, title = item["format"], item["paragraphs"], item["title"]
    if fmt == "pdf":
        pages = item["pages"] or [paragraphs]
        return f"{title}.pdf", filebuilders.pdf_bytes(["\n".join(_wrap(p) for p in page) for page in pages])
    if fmt == "docx":
        return f"{title}.docx", filebuilders.docx_bytes(paragraphs, table=item["table"], heading=title)
    if fmt == "hwpx":
        return f"{title}.hwpx", filebuilders.hwpx_bytes([[title, *paragraphs]], table=item["table"])
    if fmt == "hwp":
        return f"{title}.hwp", filebuilders.hwp_bytes([[title, *paragraphs]], table=item["table"])
    if fmt == "html":
        return f"{title}.html", ("<html><body>" + "".join(paragraphs) + "</body></html>").encode()
    if fmt == "md":
        return f"{title}.md", "\n\n".join(paragraphs).encode()
    return f"{title}.txt", "\n".join(paragraphs).encode("cp949" if item["key"].startswith("sop") else "utf-8")


def _wrap(text: str, width: int = 42) -> str:
    """Break a paragraph into PDF lines (the page is about 42 Korean characters wide)."""
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def seed(*, stdout) -> dict:
    departments = {d.code: d for d in Department.objects.all()}
    admin = User.objects.filter(is_superuser=True).order_by("created_at").first()
    pm = demo_user(email=PM_EMAIL, name="박제품", department=departments.get("MARKETING"), access_level=2)
    librarian = demo_user(email=LIBRARIAN_EMAIL, name="이사서", department=departments.get("SALESOPS"),
                          access_level=3, is_staff=True)
    existing = set(Document.objects.filter(metadata__has_key="demo_key").values_list("metadata__demo_key", flat=True))
    started, created, passages = time.perf_counter(), 0, 0
    for item in CORPUS:
        if item["key"] in existing:
            continue
        name, content = build_file(item)
        uploader = pm if item["department"] == "MARKETING" else (admin or librarian)
        document = services.document_create(
            uploaded_by=uploader, file=ContentFile(content, name=name), title=item["title"],
            access_level=item["level"], department=departments.get(item["department"]),
            metadata={**item["metadata"], "demo_key": item["key"]}, approval_state=item["approval"], enqueue=False)
        run_pipeline(document.pk)
        passages += document.chunks.count()
        created += 1
    failed = Document.objects.filter(metadata__has_key="demo_key", status="failed").count()
    stdout.write(f"documents: {created} demo documents added ({passages} passages, "
                 f"{time.perf_counter() - started:.1f}s), {len(CORPUS) - created} already present, {failed} failed")
    return {"logins": [(PM_EMAIL, "제품 담당 (마케팅팀, L2)"),
                       (LIBRARIAN_EMAIL, "문서 관리자 (영업지원팀, L3)")]}
