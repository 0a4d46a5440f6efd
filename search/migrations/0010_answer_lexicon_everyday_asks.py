from django.db import migrations

# What reps and patients ask in everyday words that no earlier row knew: taking too much (두 알 먹었어), splitting or
# crushing tablets (쪼개, 가루로), sunlight (햇볕), who to ask (누구한테), approval (허락), penalties (걸리면),
# leaving or leave (그만두, 휴직), limits (얼마까지), returns (반품), supply (품절, 단종), records (입력), gifts (선물),
# who pays (누가 부담), papers to hand in (서류); and more lay words for rows that exist (뱃속, 꼬마, 까먹,
# 같이 드셔도, 그만 먹, 첫 주).
# (name, question terms, evidence terms); an existing row only gains the terms it lacks, so admin edits stay.
# Evidence terms of three letters or more also ask (search/question.py), so long ones are chosen to be asks too.
ADDITIONS = [
    ("과량 복용", ["과량", "과다 복용", "많이 먹었", "더 먹었", "두 번 먹었", "두 알 먹", "두 알을 먹", "한꺼번에",
               "실수로 더", "너무 많이 먹", "많이 드셨"],
     ["과량", "과다", "초과 복용"]),
    ("분할·분쇄", ["쪼개", "잘라", "자르", "갈아", "가루", "부숴", "부수", "반으로", "씹어", "씹으", "씹어도", "녹여",
              "통째로", "못 삼키", "삼키기 어려", "삼키기 힘", "삼키기 힘들"],
     ["분할", "쪼개", "분쇄", "부수", "가루", "씹", "통째로", "그대로 삼키"]),
    ("광과민", ["햇볕", "햇빛", "자외선", "일광", "광과민", "피부가 타"], ["광과민", "햇빛", "햇볕", "자외선", "일광"]),
    ("문의처", ["누구한테", "누구에게", "어디에 물어", "어디로 연락", "어디에 연락", "어디에 문의", "어디로 문의", "문의",
             "담당 부서", "어느 팀", "어느 부서", "연락처", "담당자", "어디에 신고", "어디로 보내", "어디에 제출",
             "어디에 내"],
     ["문의", "팀", "부서", "내선", "연락", "담당", "센터"]),
    ("승인", ["허락", "승인", "결재", "허가", "사전 신고", "미리 신고", "미리 보고"], ["승인", "결재", "허가", "심의", "사전"]),
    ("징계", ["걸리면", "어기면", "위반하면", "위반 시", "처벌", "징계", "잘리", "잘려", "제재", "안 지키면", "지키지 않으면"],
     ["징계", "제재", "회부", "처분", "해고", "감봉", "견책", "정직"]),
    ("퇴사", ["그만두", "그만 두", "퇴사", "퇴직", "관두", "회사를 나가"], ["퇴사", "퇴직", "재직"]),
    ("휴직", ["휴직", "육아휴직", "병가", "출산휴가", "휴가 중"], ["휴직", "병가", "휴가"]),
    ("한도", ["한도", "얼마까지", "최대 얼마", "상한액", "만원까지", "얼마 이내", "얼마나 쓸", "얼마 넘"],
     ["한도", "이내", "까지", "초과", "넘지", "넘기지", "re:\\d[\\d,.]*\\s*(?:만\\s*)?원"]),
    ("반품", ["반품", "돌려보내", "반송", "교환해", "교환 가능", "교환이 되", "교환 돼"], ["반품", "교환", "회수", "반송"]),
    ("공급", ["품절", "단종", "공급 중단", "공급 재개", "공급이", "공급 상태", "공급되", "재입고", "물량", "언제 들어와",
            "구할 수", "구하기", "출고"],
     ["공급", "품절", "출고", "재개", "할당", "입고", "중단"]),
    ("기록·입력", ["시스템에 올", "시스템에 입력", "입력", "등록해", "기록해", "기록을", "적어야", "남겨야", "올려야"],
     ["입력", "등록", "기록", "작성", "남기"]),
    ("선물·기념품", ["선물", "기념품", "상품권", "경품", "사은품"], ["기념품", "선물", "판촉물", "상품권"]),
    ("비용 부담", ["누가 내", "누가 부담", "누가 물어", "자기 돈", "사비", "회사가 내", "회사에서 내", "부담해", "부담하"],
     ["부담", "지급", "회사가"]),
    ("제출 서류", ["서류", "뭘 내야", "무엇을 내야", "뭐 내야", "영수증", "증빙"],
     ["서류", "영수증", "신청서", "증빙", "보고서", "제출"]),
    ("성상", ["색깔", "무슨 색", "어떤 색", "색이", "모양", "생김새", "어떻게 생겼", "성상", "각인"],
     ["성상", "색", "원형", "타원형", "장방형", "각인"]),
    ("저혈당", ["저혈당", "당이 떨어", "당 떨어", "식은땀", "손이 떨"], ["저혈당"]),
    ("저혈압", ["저혈압", "혈압이 떨어", "혈압이 너무 낮", "일어날 때 어지", "일어설 때 어지"], ["저혈압", "혈압 저하", "기립"]),
    ("임부", ["뱃속", "배 속", "임신부", "입덧", "아기 낳", "애 낳", "아이 낳", "젖을 먹", "젖 물리", "애가 생", "아기가 생",
            "아이가 생", "애기가 생", "임신이 되", "임신 가능"], []),
    ("소아", ["꼬마", "어린애", "어린 애", "중학생", "고등학생", "영유아", "신생아", "미취학", "아기한테", "아기에게",
            "아기가 먹", "애기한테", "애기가"], []),
    ("고령자", ["노년", "노약자", "70대", "80대", "90대", "나이가 많", "늙", "고령층"], []),
    ("간기능", ["간이 약", "간염", "간경화", "간경변", "지방간"], ["간경변"]),
    ("복용 누락", ["까먹", "깜박", "빼먹", "못 먹었", "안 먹었", "건너뛰"], []),
    ("상호작용", ["같이 드", "함께 드", "같이 마", "함께 마", "섞어", "다른 약이랑", "다른 약과", "약이랑 같이", "같이 써",
              "겹쳐"], []),
    ("부작용", ["몸에 안 좋", "이상한 증상", "탈 나", "탈이 나", "몸이 이상"], []),
    ("중단", ["그만 먹", "그만 복용", "안 먹어도 되"], []),
    ("투여 기간", ["얼마나 오래", "평생", "계속 먹어야", "언제까지 복용"], []),
    ("시작 용량", ["첫 주", "첫날", "처음엔"], ["첫 주", "1주", "첫째 주"]),
    ("금기", ["먹으면 안 되는", "드시면 안 되는", "복용하면 안 되는", "쓰면 안 되는"], []),
    ("식음료", ["밥값", "점심", "저녁 식사", "식사비", "커피값", "음료수"], []),
    ("기한", ["언제 내", "늦어도"], []),
    ("최대 용량", [], ["넘기지", "넘어서는 안"]),
    ("경조사", ["경조사", "축의금", "부의금", "조의금", "결혼식", "장례식", "돌잔치", "화환", "조화"],
     ["경조사", "화환", "축의", "조의", "조화"]),
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
    dependencies = [("search", "0009_merge_lay_terms_and_lexical_passages")]

    operations = [migrations.RunPython(add, remove)]
