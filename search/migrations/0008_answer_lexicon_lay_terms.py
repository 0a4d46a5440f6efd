from django.db import migrations

# How reps and patients say what monographs and procedures write (눈이 노래졌다 → 황달·간기능, 무서운 꿈 → 악몽,
# 변이 묽다 → 설사, 이 뽑기 → 발치·치과 시술, 가족 → 가족·보호자, 미리 먹다 → 예방, 뭘로 바꿔 → 대체,
# 찍히다 → 불이익, 돈을 안 주다 → 연체, 돌려줘 → 환불, 잃어버리다 → 분실, 술값 → 주류).
# (name, question terms, evidence terms); an existing row only gains the terms it lacks, so admin edits stay.
ADDITIONS = [
    ("설사·구역", ["변이 묽", "묽은 변", "묽어", "물설사", "속이 울렁", "토하", "토했"], []),
    ("불면", ["무서운 꿈", "나쁜 꿈", "악몽", "꿈을 꾸", "꿈 꾸"], []),
    ("간기능", ["눈이 노래", "눈이 노랗", "피부가 노래", "피부가 노랗", "황달", "소변 색이 진", "소변이 진"],
     ["황달", "짙은 소변"]),
    ("소아", ["애가", "애한테", "애는", "애들", "초등학생"], []),
    ("고령자", ["연세", "나이 드신"], []),
    # Who the question is about, not what it asks: recognised (so they are not taken for names), never required.
    ("대상자 호칭", ["할머니", "할아버지", "와이프", "남편", "아내", "배우자", "부모", "자녀", "아들", "딸"], []),
    ("이상사례 보고", ["부작용 들으", "부작용을 들", "부작용 알게", "부작용을 알게", "부작용 얘기", "부작용을 전해"], []),
    ("복통", ["윗배", "명치"], []),
    ("복용 시점", ["복용 시간", "먹는 시간", "복용 시각", "몇 시에"], []),
    ("신경정신 증상", ["예민", "신경질", "짜증", "불안", "우울", "이상행동", "헛것", "공격적"],
     ["신경정신", "이상행동", "불안", "우울", "초조", "공격"]),
    ("효과 발현", ["효과는 언제", "언제쯤 효과", "효과가 나타", "언제부터 효과", "효과를 보", "효과 보", "효과가 나", "효과 나"],
     ["효과", "개선", "발현"]),
    ("운전", ["운전", "차 몰", "차를 몰", "몰아도", "기계 조작", "기계를 다루"], ["운전", "기계 조작", "기계를 조작"]),
    ("치과 시술", ["이 뽑", "이를 뽑", "발치", "치과", "임플란트", "잇몸 수술"], ["발치", "치과", "시술"]),
    ("대체 품목", ["뭘로 바꿔", "무엇으로 바꿔", "뭐로 바꿔", "대체", "대신할", "대신 쓸", "대신 먹", "어떤 제품으로",
               "무슨 제품으로", "다른 제품으로", "어떤 약으로", "다른 약으로"],
     ["대체", "대신", "전환", "바꿔"]),
    ("가족·보호자", ["가족", "보호자"],
     ["가족", "배우자", "보호자", "제3자", "다른 사람", "본인 외"]),
    ("예방", ["미리 먹", "예방", "안 걸리", "옮지 않"], ["예방"]),
    ("불이익", ["불이익", "보복", "찍혀", "찍히", "손해 보", "손해를 보"], ["불이익", "보복", "인사상"]),
    ("연체", ["연체", "안 주면", "안 갚", "못 받", "미수", "늦게 주"], ["연체", "미수", "기한을 넘", "넘긴"]),
    ("환불", ["돌려줘", "돌려받", "환불", "돈은 언제", "돈을 언제"], ["환불", "정산", "지급", "보상", "반환"]),
    ("분실", ["잃어버", "분실", "도난", "잃었", "없어졌"], ["분실", "잃어버", "도난"]),
    ("주류", ["술값", "술은", "술도", "음주", "주류", "술 마", "술을 마"], ["주류", "음주", "술값"]),
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
            row.delete()  # a row this migration created


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0007_answer_lexicon_code_pattern"),
    ]

    operations = [
        migrations.RunPython(add, remove),
    ]
