"""A fictional Korean pharmaceutical sales organisation for `manage.py seed_demo` (idempotent, bulk inserts).

The products the demo documents talk about (리피토정, 노바스크정, 카듀엣정, 엘리퀴스정, 입랜스캡슐, 잴코리캡슐) are
products here too, bought by 한빛대학교병원; the other brands are invented; ingredients are real. PRODUCT_SYNONYMS lists (brand, ingredient_ko, ingredient_en) for a
search synonym dictionary.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_user
from accounts.models import AccessLevel, Department
from sales.models import (
    Assignment,
    Contact,
    Customer,
    CustomerType,
    DosageForm,
    Employee,
    Interaction,
    InteractionType,
    Position,
    Product,
    Region,
    SalesRecord,
    TherapeuticArea,
)
from sales.services import performance_refresh
from sales.validators import brn_check_digit

REP_EMAIL = "rep@demo.pharma.kr"
ONCO_REP_EMAIL = "rep2@demo.pharma.kr"
MANAGER_EMAIL = "manager@demo.pharma.kr"
FLAGSHIP_CUSTOMER = "한빛대학교병원"

A = TherapeuticArea
F = DosageForm
# code, Korean name, brand (English), ingredient (ko), ingredient (en), area, form, strength, unit price (KRW)
PRODUCTS = [
    ("P001", "리피토정", "Lipitor", "아토르바스타틴", "atorvastatin", A.CARDIOVASCULAR, F.TABLET, "20mg", 760),
    ("P002", "로수메드정", "Rosumed", "로수바스타틴", "rosuvastatin", A.CARDIOVASCULAR, F.TABLET, "10mg", 580),
    ("P003", "노바스크정", "Norvasc", "암로디핀", "amlodipine", A.CARDIOVASCULAR, F.TABLET, "5mg", 320),
    ("P004", "텔미원정", "Telmione", "텔미사르탄", "telmisartan", A.CARDIOVASCULAR, F.TABLET, "40mg", 520),
    ("P005", "발사로정", "Valsaro", "발사르탄", "valsartan", A.CARDIOVASCULAR, F.TABLET, "80mg", 480),
    ("P006", "클로피엔정", "Clopien", "클로피도그렐", "clopidogrel", A.CARDIOVASCULAR, F.TABLET, "75mg", 870),
    ("P007", "비소프롤정", "Bisoprol", "비소프롤롤", "bisoprolol", A.CARDIOVASCULAR, F.TABLET, "5mg", 210),
    ("P008", "에제틴정", "Ezetin", "에제티미브", "ezetimibe", A.CARDIOVASCULAR, F.TABLET, "10mg", 690),
    ("P009", "리바젠정", "Rivagen", "리바록사반", "rivaroxaban", A.CARDIOVASCULAR, F.TABLET, "20mg", 2400),
    ("P010", "엘리퀴스정", "Eliquis", "아픽사반", "apixaban", A.CARDIOVASCULAR, F.TABLET, "5mg", 1300),
    ("P011", "칸데원정", "Candeone", "칸데사르탄", "candesartan", A.CARDIOVASCULAR, F.TABLET, "8mg", 450),
    ("P012", "올메탄정", "Olmetan", "올메사르탄", "olmesartan", A.CARDIOVASCULAR, F.TABLET, "20mg", 500),
    ("P013", "글루코벨서방정", "Glucobel SR", "메트포르민", "metformin", A.DIABETES, F.TABLET, "500mg", 120),
    ("P014", "시타글로정", "Sitaglo", "시타글립틴", "sitagliptin", A.DIABETES, F.TABLET, "100mg", 780),
    ("P015", "다파진정", "Dapazin", "다파글리플로진", "dapagliflozin", A.DIABETES, F.TABLET, "10mg", 750),
    ("P016", "엠파원정", "Empaone", "엠파글리플로진", "empagliflozin", A.DIABETES, F.TABLET, "10mg", 760),
    ("P017", "리나젠정", "Linagen", "리나글립틴", "linagliptin", A.DIABETES, F.TABLET, "5mg", 760),
    ("P018", "글리메원정", "Glimeone", "글리메피리드", "glimepiride", A.DIABETES, F.TABLET, "2mg", 100),
    ("P019", "이마젠정", "Imagen", "이마티닙", "imatinib", A.ONCOLOGY, F.TABLET, "400mg", 11000),
    ("P020", "카페시원정", "Capecione", "카페시타빈", "capecitabine", A.ONCOLOGY, F.TABLET, "500mg", 1600),
    ("P021", "게피틴정", "Gefitin", "게피티니브", "gefitinib", A.ONCOLOGY, F.TABLET, "250mg", 19000),
    ("P022", "엘로틴정", "Elotin", "엘로티닙", "erlotinib", A.ONCOLOGY, F.TABLET, "150mg", 21000),
    ("P023", "레트로젠정", "Letrogen", "레트로졸", "letrozole", A.ONCOLOGY, F.TABLET, "2.5mg", 1500),
    ("P024", "타목센정", "Tamoxen", "타목시펜", "tamoxifen", A.ONCOLOGY, F.TABLET, "20mg", 300),
    ("P025", "옥살리주", "Oxali Inj.", "옥살리플라틴", "oxaliplatin", A.ONCOLOGY, F.INJECTION, "50mg", 85000),
    ("P026", "도세탁주", "Docetac Inj.", "도세탁셀", "docetaxel", A.ONCOLOGY, F.INJECTION, "20mg", 120000),
    ("P027", "젬시주", "Gemsi Inj.", "젬시타빈", "gemcitabine", A.ONCOLOGY, F.INJECTION, "1g", 45000),
    ("P028", "온단젠정", "Ondagen", "온단세트론", "ondansetron", A.ONCOLOGY, F.TABLET, "8mg", 2500),
    ("P029", "몬테원정", "Monteone", "몬테루카스트", "montelukast", A.RESPIRATORY, F.TABLET, "10mg", 480),
    ("P030", "부데에어흡입제", "Budeair", "부데소니드", "budesonide", A.RESPIRATORY, F.INHALER, "200mcg", 15000),
    ("P031", "살부에어흡입제", "Salbuair", "살부타몰", "salbutamol", A.RESPIRATORY, F.INHALER, "100mcg", 4000),
    ("P032", "에소메원정", "Esomeone", "에소메프라졸", "esomeprazole", A.GASTRO, F.TABLET, "40mg", 1200),
    ("P033", "란소캡슐", "Lanso", "란소프라졸", "lansoprazole", A.GASTRO, F.CAPSULE, "30mg", 900),
    ("P034", "레바원정", "Rebaone", "레바미피드", "rebamipide", A.GASTRO, F.TABLET, "100mg", 110),
    ("P035", "에스시탈정", "Escital", "에스시탈로프람", "escitalopram", A.CNS, F.TABLET, "10mg", 900),
    ("P036", "도네원정", "Doneone", "도네페질", "donepezil", A.CNS, F.TABLET, "5mg", 1100),
    ("P037", "프레가캡슐", "Prega", "프레가발린", "pregabalin", A.CNS, F.CAPSULE, "75mg", 600),
    ("P038", "아목클정", "Amocla", "아목시실린·클라불란산", "amoxicillin/clavulanate", A.ANTI_INFECTIVE, F.TABLET,
     "625mg", 550),
    ("P039", "레보플정", "Levofl", "레보플록사신", "levofloxacin", A.ANTI_INFECTIVE, F.TABLET, "500mg", 1000),
    ("P040", "셀레원캡슐", "Celeone", "셀레콕시브", "celecoxib", A.MUSCULOSKELETAL, F.CAPSULE, "200mg", 480),
    ("P041", "카듀엣정", "Caduet", "암로디핀·아토르바스타틴", "amlodipine/atorvastatin", A.CARDIOVASCULAR, F.TABLET,
     "5/10mg", 700),
    ("P042", "입랜스캡슐", "Ibrance", "팔보시클립", "palbociclib", A.ONCOLOGY, F.CAPSULE, "125mg", 160000),
    ("P043", "잴코리캡슐", "Xalkori", "크리조티닙", "crizotinib", A.ONCOLOGY, F.CAPSULE, "250mg", 95000),
]
# The products the demo documents (documents/demo.py) talk about: 한빛대학교병원 buys them, so that a question
# such as "한빛대학교병원 최근 리피토 실적" has records, and its last visit left a next action for the brief.
FLAGSHIP_PRODUCTS = {"CARDIO": ["P001", "P003", "P010", "P041"], "ONCO": ["P042", "P043"]}
FLAGSHIP_NEXT_ACTION = ("리피토정 20mg 처방 현황 논의, 약제부 단가 문의", "견적서 발송", 3)  # summary, action, due in days

# (brand, ingredient_ko, ingredient_en) for every demo product: input for a search synonym dictionary.
PRODUCT_SYNONYMS = [(row[1], row[3], row[4]) for row in PRODUCTS] + [(row[2], row[3], row[4]) for row in PRODUCTS]


def product_synonyms() -> list[tuple[str, str, str]]:
    return list(PRODUCT_SYNONYMS)


# Which products each sales division sells.
PORTFOLIO = {
    "CARDIO": {A.CARDIOVASCULAR, A.DIABETES},
    "ONCO": {A.ONCOLOGY},
    "PRIMARY": {A.RESPIRATORY, A.GASTRO, A.CNS, A.ANTI_INFECTIVE, A.MUSCULOSKELETAL, A.DIABETES},
}
SALES_DEPARTMENTS = ["CARDIO", "ONCO", "PRIMARY"]

SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민준", "서연", "지훈", "하은", "도윤", "수빈", "예준", "지민", "현우", "유진", "승현", "다은", "준혁", "지원",
         "태윤", "소영", "성민", "혜진", "동현", "은지", "재원", "보람", "우진", "미경", "상훈", "나연"]
PLACE_WORDS = ["한울", "새봄", "다솜", "푸른", "미래", "한마음", "늘푸른", "온누리", "은혜", "새빛", "참사랑", "하늘",
               "바른", "연세봄", "서해", "동원", "중앙", "세림", "명지샘", "고운", "누리", "가온", "햇살", "믿음",
               "성심", "한결", "드림", "소망", "단비", "청솔"]
REGION_WEIGHTS = {
    Region.SEOUL: 22, Region.GYEONGGI: 24, Region.BUSAN: 7, Region.DAEGU: 5, Region.INCHEON: 6, Region.GWANGJU: 3,
    Region.DAEJEON: 3, Region.ULSAN: 2, Region.SEJONG: 1, Region.GANGWON: 3, Region.CHUNGBUK: 3,
    Region.CHUNGNAM: 4, Region.JEONBUK: 3, Region.JEONNAM: 3, Region.GYEONGBUK: 4, Region.GYEONGNAM: 6,
    Region.JEJU: 1,
}
AREA_CODES = {Region.SEOUL: "02", Region.GYEONGGI: "031", Region.BUSAN: "051", Region.DAEGU: "053",
              Region.INCHEON: "032", Region.GWANGJU: "062", Region.DAEJEON: "042", Region.ULSAN: "052",
              Region.SEJONG: "044", Region.GANGWON: "033", Region.CHUNGBUK: "043", Region.CHUNGNAM: "041",
              Region.JEONBUK: "063", Region.JEONNAM: "061", Region.GYEONGBUK: "054", Region.GYEONGNAM: "055",
              Region.JEJU: "064"}
TYPE_WEIGHTS = {CustomerType.TERTIARY_HOSPITAL: 4, CustomerType.GENERAL_HOSPITAL: 10, CustomerType.HOSPITAL: 14,
                CustomerType.CLINIC: 42, CustomerType.PHARMACY: 25, CustomerType.WHOLESALER: 5}
CLINIC_SPECIALTIES = ["내과", "순환기내과", "가정의학과", "내분비내과", "이비인후과", "소화기내과", "정신건강의학과",
                      "정형외과"]
SUMMARIES = [
    "{product} 처방 현황 공유, 신규 환자 대상 처방 확대 논의",
    "{product} 임상 데이터 디테일링, 부작용 문의 응대",
    "약제위원회(DC) 상정 일정 확인, {product} 자료 전달",
    "{product} 재고 및 공급 일정 확인",
    "학술 심포지엄 초청, {product} 최신 가이드라인 소개",
    "경쟁품 대비 {product} 복약 순응도 자료 설명",
]
NEXT_ACTIONS = ["추가 임상 자료 전달", "DC 결과 확인", "샘플 요청 처리", "학술행사 참석 확인", "견적서 발송"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _brn(rng: random.Random) -> str:
    first = f"{rng.randint(101, 899)}{rng.randint(10, 99)}{rng.randint(10000, 99999)}"[:9]
    return first + str(brn_check_digit(first))


def _month_start(day: datetime.date, back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def _seed_products() -> list[Product]:
    """Created or brought up to date (names of an older demo database are renamed to the documents' products)."""
    existing = {p.code: p for p in Product.objects.filter(code__in=[row[0] for row in PRODUCTS])}
    fresh, changed = [], []
    for code, name, brand, ing_ko, ing_en, area, form, strength, price in PRODUCTS:
        fields = {"name": name, "name_en": brand, "ingredient": ing_ko, "ingredient_en": ing_en, "therapeutic_area": area,
                  "dosage_form": form, "strength": strength}
        product = existing.get(code)
        if product is None:
            fresh.append(Product(code=code, unit_price=Decimal(price), **fields,
                                 edi_code=f"6{int(code[1:]):04d}{int(code[1:]) * 37 % 10000:04d}",
                                 launch_date=datetime.date(2010 + int(code[1:]) % 14, int(code[1:]) % 12 + 1, 1)))
        elif any(getattr(product, key) != value for key, value in fields.items()):
            for key, value in fields.items():
                setattr(product, key, value)
            changed.append(product)
    Product.objects.bulk_create(fresh, ignore_conflicts=True)
    if changed:
        Product.objects.bulk_update(changed, ["name", "name_en", "ingredient", "ingredient_en", "therapeutic_area",
                                              "dosage_form", "strength"])
    return list(Product.objects.filter(code__in=[p[0] for p in PRODUCTS]))


def _seed_employees(rng: random.Random, today: datetime.date) -> dict[str, list[Employee]]:
    """Per sales division: a director, two team leads, thirteen reps; plus two sales-operations staff."""
    departments = {d.code: d for d in Department.objects.filter(code__in=SALES_DEPARTMENTS + ["SALESOPS"])}
    regions = list(REGION_WEIGHTS)
    reps: dict[str, list[Employee]] = {}
    number = 1000
    for code in SALES_DEPARTMENTS:
        department = departments[code]

        def hire(position, manager, region=""):
            nonlocal number
            number += 1
            return Employee.objects.create(
                employee_no=f"E{number}", name=_name(rng), department=department, position=position, manager=manager,
                region=region, territory=f"{region} {rng.randint(1, 3)}권역" if region else "",
                hire_date=today - datetime.timedelta(days=rng.randint(400, 6000)))

        director = hire(Position.DIRECTOR, None)
        leads = [hire(Position.TEAM_LEAD, director) for _ in range(2)]
        reps[code] = [
            hire(rng.choice([Position.STAFF, Position.SENIOR, Position.MANAGER]), leads[i % 2],
                 regions[i % len(regions)])
            for i in range(13)
        ]
    for _ in range(2):
        number += 1
        Employee.objects.create(employee_no=f"E{number}", name=_name(rng), department=departments["SALESOPS"],
                                position=Position.MANAGER, hire_date=today - datetime.timedelta(days=900))
    return reps


def _seed_customers(rng: random.Random) -> list[Customer]:
    regions, region_weights = list(REGION_WEIGHTS), list(REGION_WEIGHTS.values())
    types, type_weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    customers = [Customer(code="C00001", name=FLAGSHIP_CUSTOMER, customer_type=CustomerType.TERTIARY_HOSPITAL,
                          specialty="", region=Region.SEOUL, address="서울특별시 종로구 한빛로 101",
                          business_registration_number=_brn(rng), phone="02-740-1000")]
    for i in range(2, 501):
        kind = rng.choices(types, type_weights)[0]
        region = rng.choices(regions, region_weights)[0]
        word = rng.choice(PLACE_WORDS)
        specialty = ""
        if kind == CustomerType.TERTIARY_HOSPITAL:
            name = f"{word}대학교병원"
        elif kind == CustomerType.GENERAL_HOSPITAL:
            name = f"{word}{rng.choice(['종합병원', '의료원', '기독병원'])}"
        elif kind == CustomerType.HOSPITAL:
            name = f"{word}{rng.choice(['병원', '요양병원', '재활병원'])}"
        elif kind == CustomerType.CLINIC:
            specialty = rng.choice(CLINIC_SPECIALTIES)
            name = f"{word}{specialty}의원"
        elif kind == CustomerType.PHARMACY:
            name = f"{word}약국"
        else:
            name = f"{word}약품"
        customers.append(Customer(
            code=f"C{i:05d}", name=name, customer_type=kind, specialty=specialty, region=region,
            address=f"{Region(region).label} {word}로 {rng.randint(1, 300)}", business_registration_number=_brn(rng),
            phone=f"{AREA_CODES[region]}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"))
    return Customer.objects.bulk_create(customers, batch_size=1000)


def _seed_contacts(rng: random.Random, customers: list[Customer]) -> dict[int, list[Contact]]:
    contacts = []
    for customer in customers:
        for _ in range(rng.randint(1, 3)):
            if customer.customer_type == CustomerType.PHARMACY:
                title, specialty = "약국장", "약사"
            elif customer.customer_type == CustomerType.WHOLESALER:
                title, specialty = "구매팀장", "구매"
            elif customer.customer_type == CustomerType.CLINIC:
                title, specialty = "원장", customer.specialty
            else:
                title = rng.choice(["교수", "과장", "전문의", "약제부장"])
                specialty = "약제부" if title == "약제부장" else rng.choice(["순환기내과", "종양내과", "내분비내과",
                                                                         "호흡기내과", "소화기내과"])
            contacts.append(Contact(customer=customer, name=_name(rng), title=title, specialty=specialty))
    by_customer: dict[int, list[Contact]] = {}
    for contact in Contact.objects.bulk_create(contacts, batch_size=2000):
        by_customer.setdefault(contact.customer_id, []).append(contact)
    return by_customer


def _seed_activity(rng, today, reps, customers, products, contacts) -> tuple[int, int, int]:
    """A year of assignments, interactions and monthly sales lines."""
    year_ago = today - datetime.timedelta(days=365)
    by_area: dict[str, list[Product]] = {}
    for product in products:
        by_area.setdefault(product.therapeutic_area, []).append(product)
    portfolio = {code: [p for area in areas for p in by_area.get(area, [])] for code, areas in PORTFOLIO.items()}

    assignments, periods = [], []  # periods: (employee, customer, department code, start, end)
    for index, customer in enumerate(customers):
        if customer.customer_type in (CustomerType.TERTIARY_HOSPITAL, CustomerType.GENERAL_HOSPITAL):
            divisions = ["CARDIO", "ONCO"] + (["PRIMARY"] if index % 3 == 0 else [])
        elif customer.customer_type == CustomerType.CLINIC and customer.specialty in {"순환기내과", "내분비내과"}:
            divisions = ["CARDIO"]
        else:
            divisions = ["PRIMARY"] if index % 4 else ["CARDIO"]
        for division in divisions:
            pool = reps[division]
            rep = pool[0] if customer.name == FLAGSHIP_CUSTOMER else pool[index % len(pool)]
            if index % 10 == 7 and customer.name != FLAGSHIP_CUSTOMER:  # handed over half-way through the year
                previous = pool[(index + 1) % len(pool)]
                handover = today - datetime.timedelta(days=180)
                periods.append((previous, customer, division, year_ago, handover - datetime.timedelta(days=1)))
                periods.append((rep, customer, division, handover, None))
            else:
                periods.append((rep, customer, division, year_ago, None))
    for employee, customer, _division, start, end in periods:
        assignments.append(Assignment(employee=employee, customer=customer, start_date=start, end_date=end,
                                      is_primary=True))
    Assignment.objects.bulk_create(assignments, batch_size=2000)

    interactions, interaction_products, records = [], [], []
    types = list(InteractionType)
    for employee, customer, division, start, end in periods:
        end = end or today
        offered = portfolio[division]
        buys = rng.sample(offered, k=min(len(offered), rng.randint(2, 4)))
        if customer.name == FLAGSHIP_CUSTOMER and division in FLAGSHIP_PRODUCTS:
            buys = [p for p in offered if p.code in FLAGSHIP_PRODUCTS[division]]
        scale = {CustomerType.TERTIARY_HOSPITAL: 40, CustomerType.GENERAL_HOSPITAL: 20, CustomerType.WHOLESALER: 60,
                 CustomerType.HOSPITAL: 8, CustomerType.CLINIC: 3, CustomerType.PHARMACY: 4}[customer.customer_type]
        for back in range(12, -1, -1):
            month = _month_start(today, back)
            if month > end or _month_start(month, -1) <= start:
                continue
            for product in buys:
                day = min(month + datetime.timedelta(days=rng.randint(0, 27)), end)
                if day < start or day > today:
                    continue
                quantity = rng.randint(1, 10) * scale * (1 if product.unit_price > 10000 else 5)
                records.append(SalesRecord(employee=employee, customer=customer, product=product, sale_date=day,
                                           quantity=quantity, unit_price=product.unit_price,
                                           amount=product.unit_price * quantity))
            for _ in range(rng.choice([0, 1, 1, 2])):
                day = min(month + datetime.timedelta(days=rng.randint(0, 27)), end, today)
                if day < start:
                    continue
                moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 17),
                                                                                          rng.choice([0, 30]))))
                discussed = rng.sample(buys, k=min(len(buys), rng.randint(1, 2)))
                follow_up = rng.random() < 0.3
                people = contacts.get(customer.pk, [])
                interactions.append((Interaction(
                    employee=employee, customer=customer, contact=rng.choice(people) if people else None,
                    interaction_type=rng.choice(types), occurred_at=moment,
                    summary=rng.choice(SUMMARIES).format(product=discussed[0].name),
                    next_action=rng.choice(NEXT_ACTIONS) if follow_up else "",
                    next_action_due=day + datetime.timedelta(days=14) if follow_up else None), discussed))
    flagship = [(employee, customer) for employee, customer, division, _start, end in periods
                if customer.name == FLAGSHIP_CUSTOMER and division == "CARDIO" and end is None]
    for employee, customer in flagship[:1]:
        summary, action, due_in = FLAGSHIP_NEXT_ACTION
        lipitor = next(p for p in products if p.code == "P001")
        people = contacts.get(customer.pk, [])
        interactions.append((Interaction(
            employee=employee, customer=customer, contact=people[0] if people else None,
            interaction_type=InteractionType.VISIT,
            occurred_at=timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=1),
                                                                      datetime.time(15, 0))),
            summary=summary, next_action=action, next_action_due=today + datetime.timedelta(days=due_in)), [lipitor]))
    created = Interaction.objects.bulk_create([i for i, _ in interactions], batch_size=2000)
    through = Interaction.products.through
    for interaction, (_, discussed) in zip(created, interactions):
        interaction_products.extend(through(interaction_id=interaction.pk, product_id=p.pk) for p in discussed)
    through.objects.bulk_create(interaction_products, batch_size=5000)
    SalesRecord.objects.bulk_create(records, batch_size=5000)
    return len(assignments), len(created), len(records)


def _link_logins() -> list[tuple[str, str]]:
    cardio = Department.objects.get(code="CARDIO")
    onco = Department.objects.get(code="ONCO")
    rep = Employee.objects.filter(department=cardio, position__in=[Position.STAFF, Position.SENIOR,
                                                                     Position.MANAGER]).order_by("employee_no").first()
    onco_rep = Employee.objects.filter(department=onco, position__in=[Position.STAFF, Position.SENIOR,
                                                                        Position.MANAGER]).order_by("employee_no").first()
    director = Employee.objects.filter(department=cardio, position=Position.DIRECTOR).order_by("employee_no").first()
    logins = [
        (REP_EMAIL, rep, cardio, AccessLevel.L1, f"L1 영업사원 {rep.name} (순환기, {FLAGSHIP_CUSTOMER} 담당)"),
        (ONCO_REP_EMAIL, onco_rep, onco, AccessLevel.L1, f"L1 영업사원 {onco_rep.name} (항암)"),
        (MANAGER_EMAIL, director, cardio, AccessLevel.L3, f"L3 본부장 {director.name} (순환기사업부 전체)"),
    ]
    result = []
    for email, employee, department, level, role in logins:
        user = demo_user(email=email, name=employee.name, department=department, access_level=level)
        if employee.user_id != user.pk:
            Employee.objects.filter(user=user).exclude(pk=employee.pk).update(user=None)
            employee.user = user
            employee.save(update_fields=["user"])
        result.append((email, role))
    return result


def seed(*, stdout) -> dict:
    today = timezone.localdate()
    rng = random.Random(3)
    products = _seed_products()
    if Customer.objects.filter(code="C00001").exists():
        stdout.write("sales: demo data already present")
    else:
        with transaction.atomic():
            reps = _seed_employees(rng, today)
            customers = _seed_customers(rng)
            contacts = _seed_contacts(rng, customers)
            n_assign, n_inter, n_sales = _seed_activity(rng, today, reps, customers, products, contacts)
        stdout.write(f"sales: {Employee.objects.count()} employees, {len(customers)} customers, "
                     f"{sum(map(len, contacts.values()))} contacts, {len(products)} products, {n_assign} assignments, "
                     f"{n_inter} interactions, {n_sales} sales records")
    logins = _link_logins()
    performance_refresh(concurrently=False)
    return {"logins": logins}
