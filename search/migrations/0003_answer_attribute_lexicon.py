import django.contrib.postgres.fields
from django.db import migrations, models

# The attributes a rep asks about, with everyday paraphrases (콩팥 → 신장/신기능, 샘플 → 견본품). Admins extend
# them in 검색 › 답변 항목 사전. (name, question terms, evidence terms); no evidence terms = recognised only;
# a question term written "~얼마" counts only when no other attribute is asked ("시작 용량은 얼마인가요?");
# an evidence term written "re:…" is a regular expression ("re:\d[\d,.]*\s*(?:만\s*)?원": an amount in won).
ATTRIBUTES = [
    ("시작 용량", ["시작 용량", "시작용량", "초회", "처음 먹", "처음 복용", "처음에", "시작", "첫 용량"],
     ["시작", "초회", "처음"]),
    ("최대 용량", ["최대", "최고 용량", "상한", "최대한", "제일 많이", "가장 많이", "최고"], ["최대", "최고", "넘지", "초과", "까지"]),
    ("용량", ["용량", "용법", "복용량", "투여량", "몇 mg", "몇mg", "몇 밀리", "얼마나 먹", "얼마나 복용", "몇 알", "몇 정",
            "몇 번", "먹는 법", "어떻게 먹", "복용법", "투여 방법", "복용 방법", "먹어야", "드셔야", "쓰나요", "주기"],
     ["용량", "mg", "1일", "1회", "복용", "투여", "휴약", "주기"]),
    ("감량", ["감량", "줄이", "줄여", "낮춰", "낮추", "덜 먹", "감소"], ["감량", "줄이", "낮추", "감소", "2.5mg"]),
    ("신기능", ["신기능", "신장", "콩팥", "신장애", "신부전", "크레아티닌", "egfr", "투석", "crcl"],
     ["신기능", "신장", "신장애", "신부전", "크레아티닌", "egfr", "crcl", "투석"]),
    ("간기능", ["간기능", "간 기능", "간장애", "간질환", "간수치", "간이 안 좋", "간이 나쁜", "간 검사"],
     ["간기능", "간 기능", "간장애", "간질환", "간수치", "간기능 검사"]),
    ("금기", ["금기", "투여하면 안", "쓰면 안", "먹으면 안 되는 사람", "복용하면 안 되는 사람", "처방하면 안", "투여 금지",
            "쓰지 말아야"], ["금기", "투여하지 않", "사용하지 않", "복용하지 않", "금지"]),
    ("임부", ["임부", "임신", "임산부", "수유", "모유", "가임"], ["임부", "임신", "수유", "가임"]),
    ("소아", ["소아", "어린이", "아이", "청소년", "미성년", "유아", "아동"], ["소아", "어린이", "청소년", "18세 미만", "아동"]),
    ("고령자", ["고령", "노인", "어르신", "65세", "75세", "80세", "나이 많"], ["고령", "노인", "65세", "75세", "80세"]),
    ("부작용", ["부작용", "이상반응", "이상 반응", "안 좋은 반응", "문제 생기"], ["이상반응", "부작용", "이상사례"]),
    ("상호작용", ["상호작용", "같이 먹", "함께 먹", "같이 복용", "함께 복용", "같이 쓰", "함께 쓰", "병용", "자몽", "같이 처방",
              "함께 처방", "중복 처방"], ["상호작용", "병용", "함께", "억제제", "자몽", "중복"]),
    ("보관", ["보관", "저장", "냉장", "실온", "온도", "어디에 두", "습기"], ["보관", "저장", "냉장", "실온", "℃", "차광", "습기"]),
    ("약가", ["약가", "보험약가", "가격", "~얼마", "단가", "공급가", "~값", "비용"],
     ["약가", "re:\\d[\\d,.]*\\s*(?:만\\s*)?원", "단가", "가격", "공급가"]),
    ("보험코드", ["edi", "보험코드", "급여코드", "보험 코드", "청구코드", "청구 코드"], ["edi", "보험코드", "코드"]),
    ("급여 기준", ["급여", "보험 적용", "보험 되", "보험이 되", "건강보험", "삭감"], ["급여", "보험", "인정"]),
    ("기한", ["기한", "언제까지", "몇 시간 안", "몇 시간 이내", "며칠 안", "며칠 이내", "며칠 내", "마감", "몇 시간 내",
            "얼마 안에", "얼마 만에"], ["이내", "기한", "까지", "마감", "시간", "영업일", "당일", "안에", "즉시"]),
    ("적응증", ["적응증", "효능", "효과", "어디에 쓰", "무슨 약", "어떤 약", "용도", "어떤 병", "무슨 병", "어떤 환자", "쓰는 약"],
     ["적응증", "치료", "쓰입니다", "쓰는", "효능", "위험 감소", "환자"]),
    ("작용 기전", ["기전", "작용 원리", "어떻게 작용", "원리", "계열"], ["억제", "차단", "기전", "계열"]),
    ("함량", ["함량", "규격", "몇 mg짜리", "몇mg짜리", "어떤 용량이 있", "제형"], ["함량", "mg", "규격"]),
    ("견본품", ["견본품", "견본", "샘플"], ["견본품", "견본", "샘플"]),
    ("식음료", ["식음료", "식사 제공", "밥", "식대", "접대", "음료", "다과", "간식", "커피", "식사를 제공", "식사 대접"],
     ["식음료", "식사", "음식물", "다과"]),
    ("복용 시점", ["식후", "식전", "공복", "음식과", "식사와", "밥이랑", "밥과", "언제 먹", "아무 때나", "시간에"],
     ["음식", "식사", "식후", "식전", "공복", "시간"]),
    ("중단", ["중단", "끊", "멈추", "휴약", "쉬어야", "중지"], ["중단", "휴약", "중지", "끊"]),
    ("복용 누락", ["잊", "깜빡", "빠뜨", "놓쳤", "놓친", "거르"], ["잊", "놓친", "건너", "생각난"]),
    ("이상사례 보고", ["이상사례", "부작용 신고", "부작용 보고", "약물감시"], ["이상사례", "약물감시"]),
    ("조영제 검사", ["조영제", "ct 찍", "ct찍", "ct 검사", "ct 촬영", "씨티", "조영 검사", "mri"], ["조영제"]),
    ("절차", ["절차", "어떻게 해야", "방법", "순서", "처리", "어떻게 하"], []),
]


def seed(apps, schema_editor):
    AnswerAttribute = apps.get_model("search", "AnswerAttribute")
    for name, question_terms, evidence_terms in ATTRIBUTES:
        AnswerAttribute.objects.get_or_create(name=name, defaults={"question_terms": question_terms,
                                                                   "evidence_terms": evidence_terms})


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0002_lexicon_statistics"),
    ]

    operations = [
        migrations.CreateModel(
            name="AnswerAttribute",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="답변에 쓰는 이름, 예: 소아 용량", max_length=50, unique=True,
                                          verbose_name="이름")),
                ("question_terms", django.contrib.postgres.fields.ArrayField(
                    base_field=models.CharField(max_length=50),
                    help_text="질문에서 이 항목을 묻는 표현, 쉼표로 구분 (예: 소아,어린이,아이). '~얼마'처럼 ~를 붙이면 다른 항목을 묻지 않을 때만 이 항목으로 봅니다.", size=None,
                    verbose_name="질문 표현")),
                ("evidence_terms", django.contrib.postgres.fields.ArrayField(
                    base_field=models.CharField(max_length=50), blank=True, default=list,
                    help_text="문서가 이 항목을 말할 때 쓰는 표현, 쉼표로 구분. 're:'로 시작하면 정규식입니다. 비워 두면 인식만 하고 근거로 요구하지 않습니다.",
                    size=None, verbose_name="문서 표현")),
                ("is_active", models.BooleanField(default=True, verbose_name="사용")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="수정 시각")),
            ],
            options={"verbose_name": "답변 항목 사전", "verbose_name_plural": "답변 항목 사전", "ordering": ["name"]},
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
