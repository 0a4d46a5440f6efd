"""An 18-document pharma set for retrieval through the upload API: product monographs and company rules.

Fourteen product monographs share one layout (sections 1-8 with the same headings, as real 허가사항 do), so
passages of different products look alike to the dense leg and only the product's name tells them apart;
four rule documents (promotion code, samples, adverse-event reporting, expenses) are long and cover many
topics. Formats vary (PDF, DOCX, Markdown, HTML, TXT). The products and figures are invented for the benchmark.
Each question names what it asks in the words a rep would use, not always the document's own.
"""

from long_documents import BenchDocument, BenchSet, wrap

# name, ingredient, class, indication, start dose, max dose, renal rule, contraindication, side effect, storage, price
PRODUCTS = [
    ("리피토정", "아토르바스타틴", "HMG-CoA 환원효소 억제제", "고콜레스테롤혈증", "1일 1회 10mg", "1일 80mg",
     "신장애 환자에서 용량 조절이 필요하지 않다", "활동성 간질환 환자와 임부", "근육통과 간 효소 상승",
     "실온(1~30℃)에서 습기를 피해", "10mg 1정 652원"),
    ("크레스토정", "로수바스타틴", "HMG-CoA 환원효소 억제제", "원발성 고콜레스테롤혈증", "1일 1회 5mg", "1일 20mg",
     "중증 신장애(크레아티닌 청소율 30mL/min 미만) 환자에게는 투여하지 않는다", "중증 신장애 환자와 임부",
     "근육병증과 단백뇨", "실온에서 빛을 피해", "10mg 1정 737원"),
    ("노바스크정", "암로디핀베실산염", "칼슘채널차단제", "고혈압과 협심증", "1일 1회 5mg", "1일 10mg",
     "신장애 환자도 통상 용량을 쓴다", "디히드로피리딘계에 과민증이 있는 환자", "말초 부종과 두통",
     "실온(1~30℃)에서", "5mg 1정 380원"),
    ("트윈스타정", "텔미사르탄·암로디핀", "안지오텐신 수용체 차단제 복합제", "본태성 고혈압", "1일 1회 40/5mg",
     "1일 80/10mg", "중등도 신장애 환자는 신중히 투여한다", "담도 폐쇄 환자와 임부", "어지러움과 말초 부종",
     "포장 그대로 실온에서", "40/5mg 1정 612원"),
    ("자누비아정", "시타글립틴", "DPP-4 억제제", "제2형 당뇨병", "1일 1회 100mg", "1일 100mg",
     "크레아티닌 청소율 30~45mL/min이면 1일 50mg, 30mL/min 미만이면 1일 25mg으로 줄인다",
     "제1형 당뇨병과 당뇨병성 케톤산증", "상기도 감염과 두통", "실온에서", "100mg 1정 583원"),
    ("다이아벡스정", "메트포르민염산염", "비구아니드계", "제2형 당뇨병", "1일 2회 500mg", "1일 2,550mg",
     "eGFR 30mL/min/1.73㎡ 미만이면 금기이다", "중증 신장애와 대사성 산증", "설사와 구역",
     "실온에서 밀폐하여", "500mg 1정 95원"),
    ("엘리퀴스정", "아픽사반", "항응고제(Xa 인자 억제제)", "비판막성 심방세동 환자의 뇌졸중 예방",
     "1일 2회 5mg", "1일 2회 5mg", "나이 80세 이상, 체중 60kg 이하, 혈청 크레아티닌 1.5mg/dL 이상 중 두 가지에 "
     "해당하면 1일 2회 2.5mg으로 감량한다", "활동성 출혈 환자", "출혈과 빈혈", "실온에서", "5mg 1정 1,177원"),
    ("플라빅스정", "클로피도그렐", "항혈소판제", "죽상동맥경화성 질환의 혈전 예방", "1일 1회 75mg", "1일 75mg",
     "신장애 환자는 경험이 적어 신중히 투여한다", "활동성 병적 출혈 환자", "출혈과 소화불량", "실온에서",
     "75mg 1정 1,030원"),
    ("넥시움정", "에스오메프라졸", "양성자펌프억제제", "위식도역류질환", "1일 1회 20mg", "1일 40mg",
     "신장애 환자는 용량 조절이 필요 없다", "아타자나비르를 복용 중인 환자", "두통과 복통", "실온에서 습기를 피해",
     "20mg 1정 1,050원"),
    ("세레브렉스캡슐", "세레콕시브", "COX-2 선택적 억제제", "골관절염과 류마티스관절염", "1일 1회 200mg",
     "1일 400mg", "중증 신장애 환자에게는 투여하지 않는다", "관상동맥 우회술 전후 통증과 설폰아미드 과민증",
     "소화불량과 부종", "실온에서", "200mg 1캡슐 436원"),
    ("리리카캡슐", "프레가발린", "항경련제(신경병증성 통증)", "말초 신경병증성 통증", "1일 150mg을 2~3회 나누어",
     "1일 600mg", "크레아티닌 청소율 60mL/min 미만이면 용량을 절반 이하로 줄인다", "이 약에 과민증이 있는 환자",
     "어지러움과 졸음", "실온에서", "75mg 1캡슐 523원"),
    ("아리셉트정", "도네페질", "아세틸콜린에스테라제 억제제", "알츠하이머형 치매", "1일 1회 5mg 취침 전",
     "1일 23mg", "신장애 환자는 용량 조절이 필요 없다", "피페리딘 유도체 과민증 환자", "구역과 불면",
     "실온에서", "5mg 1정 1,015원"),
    ("싱귤레어정", "몬테루카스트", "류코트리엔 수용체 길항제", "기관지 천식과 알레르기비염", "1일 1회 10mg 저녁",
     "1일 10mg", "신장애 환자는 용량 조절이 필요 없다", "이 약에 과민증이 있는 환자",
     "두통과 신경정신계 이상(악몽, 우울)", "실온에서 빛을 피해", "10mg 1정 596원"),
    ("타이레놀정", "아세트아미노펜", "해열진통제", "발열과 두통, 치통", "1회 500~1,000mg",
     "1일 4,000mg", "중증 신장애 환자는 투여 간격을 늘린다", "중증 간장애 환자", "드물게 간 손상",
     "실온에서", "500mg 1정 51원"),
]

PRODUCT_FORMATS = ["pdf", "docx", "md", "html", "txt"]


def _monograph_sections(product) -> list[tuple[str, list[str]]]:
    name, ingredient, klass, indication, start, maximum, renal, contra, side, storage, price = product
    return [
        ("1. 제품 개요", [f"{name}은(는) {ingredient} 성분의 {klass}이다. 이 문서는 영업 담당자가 병원 방문 전에 "
                      f"확인할 허가사항과 영업 정보를 요약한다."]),
        ("2. 효능·효과", [f"{name}은(는) {indication}에 사용한다. 식이요법과 운동요법으로 충분하지 않을 때 "
                      f"함께 쓰는 것을 원칙으로 한다."]),
        ("3. 용법·용량", [f"통상 시작 용량은 {start}이며, 환자의 반응에 따라 조절한다. 최대 용량은 {maximum}이다.",
                      f"신장애 환자: {renal}."]),
        ("4. 금기", [f"다음 환자에게는 투여하지 않는다: {contra}."]),
        ("5. 이상반응", [f"흔한 이상반응은 {side}이다. 중대한 이상사례를 알게 되면 24시간 안에 안전관리팀에 보고한다."]),
        ("6. 보관 방법", [f"{storage} 보관한다. 어린이의 손이 닿지 않는 곳에 둔다."]),
        ("7. 보험 약가", [f"{price} (2026년 기준 상한금액)."]),
        ("8. 영업 포인트", [f"{name}의 경쟁 제품 대비 장점은 1일 투여 횟수와 복용 편의성이다. 디테일링 자료는 "
                       f"마케팅팀이 분기마다 갱신한다."]),
    ]


RULE_DOCUMENTS = [
    ("공정경쟁규약 실무 안내", [
        ("1. 목적", ["이 안내는 의약품 거래에 관한 공정경쟁규약을 영업 현장에서 지키기 위한 기준을 정한다."]),
        ("2. 식음료 제공", ["제품설명회에서 제공하는 식음료는 1인당 10만 원 이내로 하고, 월 4회를 넘지 않는다."]),
        ("3. 기념품", ["기념품은 1만 원 이하의 회사 로고가 새겨진 물품만 줄 수 있다."]),
        ("4. 학술대회 지원", ["학회 참가 지원은 학회를 통해서만 하고 개인에게 직접 지급하지 않는다."]),
        ("5. 위반 시 조치", ["규약 위반이 확인되면 준법감시팀이 조사하고 인사위원회에 회부한다."]),
    ]),
    ("견본품 제공 규정", [
        ("1. 적용 범위", ["이 규정은 의료인에게 제공하는 견본품(샘플)의 신청, 출고, 기록에 적용한다."]),
        ("2. 제공 한도", ["견본품은 최소 포장 단위로 제품별 연 10개를 넘지 않게 제공한다."]),
        ("3. 신청 절차", ["담당자는 영업지원 시스템에서 견본품을 신청하고 팀장 승인 후 물류팀이 출고한다."]),
        ("4. 기록 보관", ["견본품 제공 내역은 5년 동안 보관하고 분기마다 준법감시팀이 점검한다."]),
    ]),
    ("이상사례 보고 절차서", [
        ("1. 목적", ["의약품 이상사례를 알게 된 임직원이 보고하는 방법과 기한을 정한다."]),
        ("2. 보고 대상", ["환자, 의료인, 약사에게서 들은 모든 이상사례와 제품 품질 불만을 보고 대상으로 한다."]),
        ("3. 보고 기한", ["중대한 이상사례는 알게 된 때부터 24시간 안에, 그 밖의 이상사례는 영업일 기준 3일 안에 "
                      "안전관리팀에 보고한다."]),
        ("4. 보고 방법", ["사내 안전성 보고 양식을 작성해 전자우편으로 보내고 원본은 1년간 보관한다."]),
    ]),
    ("영업 경비 정산 지침", [
        ("1. 적용 대상", ["이 지침은 영업 담당자의 출장비, 교통비, 접대비 정산에 적용한다."]),
        ("2. 교통비", ["자가용 이용 시 1km당 250원을 지급하고 톨게이트 비용은 영수증으로 정산한다."]),
        ("3. 정산 기한", ["경비는 사용한 달의 다음 달 5일까지 전자결재로 청구한다."]),
        ("4. 법인카드", ["법인카드는 업무 목적에만 쓰고 개인 용도로 쓴 금액은 즉시 반납한다."]),
    ]),
]

# (question, key of the document that answers it)
QUESTIONS = [
    ("리피토 최대 용량은 얼마인가요?", "리피토정"), ("아토르바스타틴 보관은 어떻게 하나요", "리피토정"),
    ("리피토정 보험약가", "리피토정"),
    ("크레스토 신장 기능이 나쁜 환자에게 써도 되나요", "크레스토정"), ("로수바스타틴 시작 용량", "크레스토정"),
    ("크레스토 흔한 부작용", "크레스토정"),
    ("노바스크 부종 이상반응", "노바스크정"), ("암로디핀 단일제 약가", "노바스크정"),
    ("노바스크 협심증에도 쓰나요", "노바스크정"),
    ("트윈스타 40/5mg 보험약가", "트윈스타정"), ("텔미사르탄 암로디핀 복합제 금기", "트윈스타정"),
    ("트윈스타 최대 1일 용량", "트윈스타정"),
    ("자누비아 콩팥 기능 저하 환자 용량", "자누비아정"), ("시타글립틴 금기 환자", "자누비아정"),
    ("자누비아정 보관 방법", "자누비아정"),
    ("다이아벡스 신기능 금기 기준", "다이아벡스정"), ("메트포르민 위장관 부작용", "다이아벡스정"),
    ("다이아벡스 최대 용량", "다이아벡스정"),
    ("엘리퀴스 감량 기준 세 가지", "엘리퀴스정"), ("아픽사반 출혈 환자 투여", "엘리퀴스정"),
    ("엘리퀴스 약가", "엘리퀴스정"),
    ("플라빅스 용량", "플라빅스정"), ("클로피도그렐 금기", "플라빅스정"), ("플라빅스정 보험 상한금액", "플라빅스정"),
    ("넥시움 아타자나비르 병용", "넥시움정"), ("에스오메프라졸 역류성 식도염 용량", "넥시움정"),
    ("넥시움 보관", "넥시움정"),
    ("세레브렉스 관상동맥 우회술 금기", "세레브렉스캡슐"), ("세레콕시브 하루 최대 용량", "세레브렉스캡슐"),
    ("세레브렉스 약가", "세레브렉스캡슐"),
    ("리리카 신장애 용량 조절", "리리카캡슐"), ("프레가발린 졸음 어지러움", "리리카캡슐"),
    ("리리카 신경병증성 통증 시작 용량", "리리카캡슐"),
    ("아리셉트 언제 복용하나요", "아리셉트정"), ("도네페질 최대 용량 23mg", "아리셉트정"),
    ("아리셉트 부작용 불면", "아리셉트정"),
    ("싱귤레어 악몽 우울 이상반응", "싱귤레어정"), ("몬테루카스트 복용 시간", "싱귤레어정"),
    ("싱귤레어 알레르기비염 효능", "싱귤레어정"),
    ("타이레놀 하루 최대 복용량", "타이레놀정"), ("아세트아미노펜 간장애 금기", "타이레놀정"),
    ("타이레놀정 약가", "타이레놀정"),
    ("제품설명회 식음료 한도", "공정경쟁규약 실무 안내"), ("의사에게 줄 수 있는 기념품 금액", "공정경쟁규약 실무 안내"),
    ("학회 참가비 개인 지원 가능 여부", "공정경쟁규약 실무 안내"),
    ("샘플 연간 제공 한도", "견본품 제공 규정"), ("견본품 신청은 어디서 하나요", "견본품 제공 규정"),
    ("샘플 제공 기록 보관 기간", "견본품 제공 규정"),
    ("중대한 이상사례 보고 기한", "이상사례 보고 절차서"), ("부작용 보고 양식 원본 보관", "이상사례 보고 절차서"),
    ("품질 불만도 보고해야 하나요", "이상사례 보고 절차서"),
    ("자가용 출장 교통비 km당 금액", "영업 경비 정산 지침"), ("경비 청구 마감일", "영업 경비 정산 지침"),
    ("법인카드 개인 사용 시 처리", "영업 경비 정산 지침"),
]


def _pages(sections, per_page: int) -> list[str]:
    lines = [line for heading, paragraphs in sections for text in (heading, *paragraphs) for line in wrap(text)]
    blocks = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    return ["\n".join(block) for block in blocks]


def render(title: str, sections, fmt: str) -> tuple[str, bytes, str]:
    """(file name, bytes, MIME type) of a document with a title line and numbered sections."""
    from documents.filebuilders import docx_bytes, pdf_bytes

    if fmt == "pdf":
        return f"{title}.pdf", pdf_bytes(_pages([(title, []), *sections], 14)), "application/pdf"
    if fmt == "docx":
        paragraphs = [line for heading, body in sections for line in (heading, *body)]
        return f"{title}.docx", docx_bytes(paragraphs, heading=title), \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if fmt == "md":
        text = f"# {title}\n\n" + "\n\n".join(f"## {heading}\n\n" + "\n\n".join(body) for heading, body in sections)
        return f"{title}.md", text.encode(), "text/markdown"
    if fmt == "html":
        body = "".join(f"<h2>{heading}</h2>" + "".join(f"<p>{p}</p>" for p in paras) for heading, paras in sections)
        return f"{title}.html", f"<html><body><h1>{title}</h1>{body}</body></html>".encode(), "text/html"
    text = "\n".join([title, *(line for heading, body in sections for line in (heading, *body))])
    return f"{title}.txt", text.encode(), "text/plain"


def build() -> BenchSet:
    documents = []
    for number, product in enumerate(PRODUCTS):
        title = f"{product[0]} 제품 정보"
        name, content, mime = render(title, _monograph_sections(product), PRODUCT_FORMATS[number % 5])
        documents.append(BenchDocument(key=product[0], title=title, filename=name, pages=[], content=content,
                                       mime=mime))
    for number, (title, sections) in enumerate(RULE_DOCUMENTS):
        name, content, mime = render(title, sections, PRODUCT_FORMATS[(number + 2) % 5])
        documents.append(BenchDocument(key=title, title=title, filename=name, pages=[], content=content, mime=mime))
    keys = {document.key for document in documents}
    assert all(key in keys for _q, key in QUESTIONS)
    return BenchSet(name="pharma", documents=documents, questions=[q for q, _k in QUESTIONS],
                    relevant=[{key} for _q, key in QUESTIONS])
