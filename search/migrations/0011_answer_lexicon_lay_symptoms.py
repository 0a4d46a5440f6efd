from django.db import migrations

# How patients and reps describe what monographs name (a consumer-health vocabulary, written by kind rather than
# from one question): swelling (코끼리처럼, 벌에 쏘인 듯), a round face on steroids (달덩이), dry or blurred eyes
# (모래 들어간 듯), restlessness (서성거리다), compulsive gambling or shopping (경마, 홈쇼핑), falls (넘어지다),
# dialysis (피를 거르다), surgery (배를 열다), urinating often, drinking water, smoking, rashes (오돌토돌) and
# blisters (recognised only); and of the work: social media (인스타), journals (저널), translating (우리말로), foreign bodies in a
# pack (쇳조각), discoloured tablets (누렇게), out of stock (물건이 없다), juniors (후배), maternity leave.
# (name, question terms, evidence terms); an existing row only gains the terms it lacks, so admin edits stay.
# Evidence terms of three letters or more also ask (search/question.py).
ADDITIONS = [
    ("부종", ["코끼리", "벌에 쏘인", "입술이 부", "얼굴이 부", "눈두덩", "다리가 굵", "발목이 굵"], ["혈관부종", "부어", "부기"]),
    ("쿠싱 증상", ["달덩이", "보름달", "얼굴이 둥글", "얼굴이 동그", "얼굴이 빵빵", "얼굴에 살"],
     ["쿠싱", "만월", "얼굴이 둥글", "달덩이"]),
    ("눈 증상", ["눈이 뻑뻑", "눈이 건조", "모래 들어", "모래가 들어", "눈이 침침", "눈이 흐릿", "눈앞이 흐", "시야가 흐",
               "눈이 시리"],
     ["안구건조", "눈물", "시야", "시력", "안구"]),
    ("좌불안석", ["서성", "안절부절", "가만히 못", "가만히 있지 못", "가만히 있질 못", "들썩", "좌불안석"],
     ["좌불안석", "정좌불능", "안절부절", "가만히 있지 못"]),
    ("충동 조절", ["도박", "경마", "카지노", "홈쇼핑", "쇼핑", "사들", "충동", "과소비", "돈을 막 쓰", "폭식"],
     ["충동", "도박", "쇼핑", "과소비", "폭식"]),
    ("낙상", ["넘어지", "넘어질", "넘어졌", "넘어져", "비틀", "중심을 못", "균형을 못", "균형을 잃"],
     ["낙상", "넘어", "운동실조", "균형"]),
    ("신기능", ["피 거르", "피를 거르", "기계로 피"], []),
    ("수술", ["수술", "배 여는", "배를 여", "배를 열", "칼 대", "개복", "전신마취", "마취"],
     ["수술", "마취", "시술", "우회술"]),
    ("배뇨", ["소변이 자주", "소변 자주", "화장실을 자주", "화장실 자주", "오줌이 자주", "소변이 안 나", "소변 보기 힘",
            "소변을 못", "오줌이 안 나"],
     ["배뇨", "빈뇨", "요폐", "소변"]),
    ("수분 섭취", ["물을 많이", "물 많이", "물을 충분", "물을 얼마나", "수분"], ["수분", "물을", "소변량"]),
    ("흡연", ["담배", "흡연", "피워도", "피우"], ["흡연", "담배"]),
    ("발진", ["오돌토돌", "울긋불긋", "붉은 게", "빨간 게", "좁쌀", "붉게 올라", "빨갛게 올라", "피부가 벗겨"],
     ["피부 반응", "피부 발진"]),
    # Recognised, not required: a blister tells the situation ("입술에 물집 잡힌 애가 먹어도 돼?" asks the child dose).
    ("물집", ["물집", "수포"], []),
    ("심장 박동", ["맥이 느", "느리게 뛰", "천천히 뛰", "심장이 빨리", "가슴이 두근"], []),
    ("근육통", ["뻐근", "결리"], []),
    ("설사·구역", ["메슥", "느글", "헛구역"], []),
    ("고령자", ["여든", "일흔", "아흔", "팔순", "칠순"], []),
    ("졸음", ["몽롱", "멍하"], []),
    ("SNS", ["인스타", "인스타그램", "페이스북", "페북", "블로그", "유튜브", "틱톡", "카톡 프로필", "프로필 사진", "피드",
             "sns", "소셜 미디어"],
     ["sns", "소셜", "블로그", "개인 계정"]),
    ("학술 자료", ["저널", "논문", "학술지", "페이퍼"], ["학술지", "논문", "학술 자료"]),
    ("번역·요약", ["우리말로", "한글로", "한국어로", "번역", "요약"], ["번역", "요약"]),
    ("공급", ["물건 없", "물건이 없", "재고 없", "재고가 없", "약이 없", "안 들어와", "결품", "동났"], []),
    ("이물", ["쇳조각", "이물", "머리카락", "벌레", "뭐가 들어", "뭔가 들어", "이상한 게 들어", "끼어 있", "섞여 있"], ["이물"]),
    ("변색·파손", ["누렇게", "누래", "색이 변", "변색", "색이 바래", "얼룩", "깨져", "부서져", "금이 가"],
     ["변색", "깨짐", "파손", "품질"]),
    ("휴직", ["애 낳고 쉬", "아기 낳고 쉬", "출산하고 쉬"], []),
    ("동행 교육", ["후배", "신입을 데리고", "데리고 다니", "멘토", "동행"], ["멘토", "동행", "신입"]),
    ("대상자 호칭", ["사장님", "약국장"], []),
]


def add(apps, schema_editor):
    AnswerAttribute = apps.get_model("search", "AnswerAttribute")
    for name, question_terms, evidence_terms in ADDITIONS:
        row, created = AnswerAttribute.objects.get_or_create(
            name=name, defaults={"question_terms": question_terms, "evidence_terms": evidence_terms})
        if created:
            continue
        row.question_terms = list(row.question_terms) + [t for t in question_terms if t not in row.question_terms]
        row.evidence_terms = list(row.evidence_terms) + [t for t in evidence_terms if t not in row.evidence_terms]
        row.save(update_fields=["question_terms", "evidence_terms"])


def remove(apps, schema_editor):
    AnswerAttribute = apps.get_model("search", "AnswerAttribute")
    for name, question_terms, evidence_terms in ADDITIONS:
        row = AnswerAttribute.objects.filter(name=name).first()
        if row is None:
            continue
        row.question_terms = [t for t in row.question_terms if t not in question_terms]
        row.evidence_terms = [t for t in row.evidence_terms if t not in evidence_terms]
        if row.question_terms:
            row.save(update_fields=["question_terms", "evidence_terms"])
        else:
            row.delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0010_answer_lexicon_everyday_asks")]

    operations = [migrations.RunPython(add, remove)]
