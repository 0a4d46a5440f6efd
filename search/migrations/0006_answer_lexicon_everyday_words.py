from django.db import migrations

# How reps say symptoms and checks in everyday words, and how monographs write them (소변 볼 때 따갑다 → 요로 감염,
# 살이 찌다 → 체중 증가, 잠이 안 온다 → 불면, 뼈가 약해지다 → 골밀도 감소, 간 수치 → ALT/AST·아미노전이효소,
# 맥박이 느리다 → 서맥, 쥐가 나다 → 근육 경련), plus expiry dates (유효기간 is not 투여 기간).
# (name, question terms, evidence terms); an existing row only gains the terms it lacks, so admin edits stay.
# An evidence term written "!…" is a phrase in which the attribute's words do not count ("어린이의 손이 닿지 않는
# 곳에 보관" says nothing about children's doses).
WORD_AST_ALT = "re:(?<![a-z])(?:ast|alt)(?![a-z])"  # the liver enzymes, not the letters inside "atorvastatin"
ADDITIONS = [
    ("감염", ["염증", "감염", "따갑", "따끔", "고름", "소변 볼 때 아프", "소변볼 때 아프", "오줌 눌 때", "방광염"],
     ["감염", "방광염", "질염", "염증"]),
    ("체중", ["살이 찌", "살찌", "살 찌", "살이 빠", "살 빠", "체중", "몸무게", "뚱뚱"], ["체중"]),
    ("졸음", ["졸리", "졸려", "졸음", "졸린", "잠이 쏟", "나른", "잠이 와"], ["졸음", "졸림", "기면"]),
    ("불면", ["잠이 안", "잠을 못", "잠들기", "불면", "밤에 깨", "못 자", "잠이 안 와", "잠을 설"],
     ["불면", "잠들기", "수면", "악몽"]),
    ("뼈", ["뼈", "골다공", "골절", "골밀도"], ["골밀도", "골다공", "골절", "뼈"]),
    ("심장 박동", ["맥박", "심장이 느", "심장 박동", "두근거", "부정맥", "심박"], ["서맥", "맥박", "빈맥", "부정맥", "심장 전도", "심박"]),
    ("근육 경련", ["쥐가", "쥐 나", "쥐났", "경련", "근육이 떨"], ["경련"]),
    ("유효기간", ["유효기간", "유효 기간", "유통기한", "유통 기한", "사용기한", "사용 기한", "언제까지 쓸"],
     ["유효기간", "사용기한", "유통기한", "제조일로부터"]),
    # Extensions of the seeded rows.
    ("어지러움", ["핑 돌", "핑돌", "어질", "휘청", "빙글"], []),
    ("간기능", ["간 수치", "간효소", "간 효소", WORD_AST_ALT], [WORD_AST_ALT, "아미노전이효소", "간효소", "간 효소"]),
    ("근육통", ["다리가 쑤", "다리가 아프", "온몸이 쑤", "몸살"], []),
    ("소아", [], ["!어린이의 손", "!어린이 손", "!아이들 손", "!소아의 손"]),
    ("기한", ["안에", "이내"], []),
    ("투여 기간", [], ["re:\\d\\s*주", "re:\\d\\s*달"]),
    ("용량", ["간격", "투여 간격"], ["간격", "마다"]),
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


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0005_retention_audit_moves_to_core"),
    ]

    operations = [
        migrations.RunPython(add, migrations.RunPython.noop),
    ]
