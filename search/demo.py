"""Demo data for search: the drug-name synonym dictionary (brand = English brand = ingredient = Korean ingredient)."""

from search.models import DrugSynonym, DrugSynonymGroup, SynonymKind

# (Korean brand, English brand, ingredient (English), ingredient (Korean), extra spellings)
DRUGS = [
    ("리피토", "Lipitor", "atorvastatin", "아토르바스타틴", []),
    ("크레스토", "Crestor", "rosuvastatin", "로수바스타틴", []),
    ("조코", "Zocor", "simvastatin", "심바스타틴", []),
    ("노바스크", "Norvasc", "amlodipine", "암로디핀", []),
    ("코자", "Cozaar", "losartan", "로사르탄", []),
    ("디오반", "Diovan", "valsartan", "발사르탄", []),
    ("미카르디스", "Micardis", "telmisartan", "텔미사르탄", []),
    ("플라빅스", "Plavix", "clopidogrel", "클로피도그렐", []),
    ("엘리퀴스", "Eliquis", "apixaban", "아픽사반", []),
    ("자렐토", "Xarelto", "rivaroxaban", "리바록사반", []),
    ("아스피린프로텍트", "Aspirin Protect", "acetylsalicylic acid", "아세틸살리실산", ["아스피린", "aspirin"]),
    ("다이아벡스", "Diabex", "metformin", "메트포르민", ["글루코파지", "Glucophage"]),
    ("자누비아", "Januvia", "sitagliptin", "시타글립틴", []),
    ("트라젠타", "Trajenta", "linagliptin", "리나글립틴", []),
    ("자디앙", "Jardiance", "empagliflozin", "엠파글리플로진", []),
    ("포시가", "Forxiga", "dapagliflozin", "다파글리플로진", []),
    ("아마릴", "Amaryl", "glimepiride", "글리메피리드", []),
    ("넥시움", "Nexium", "esomeprazole", "에스오메프라졸", []),
    ("타이레놀", "Tylenol", "acetaminophen", "아세트아미노펜", ["paracetamol", "파라세타몰"]),
    ("리리카", "Lyrica", "pregabalin", "프레가발린", []),
    ("아리셉트", "Aricept", "donepezil", "도네페질", []),
    ("비리어드", "Viread", "tenofovir", "테노포비르", []),
    ("바라크루드", "Baraclude", "entecavir", "엔테카비르", []),
    ("글리벡", "Gleevec", "imatinib", "이매티닙", ["Glivec"]),
    ("허셉틴", "Herceptin", "trastuzumab", "트라스투주맙", []),
    ("키트루다", "Keytruda", "pembrolizumab", "펨브롤리주맙", []),
    ("비아그라", "Viagra", "sildenafil", "실데나필", []),
    # The other products of the demo documents (documents/demo.py), also sold in the demo sales data.
    ("카듀엣", "Caduet", "amlodipine/atorvastatin", "암로디핀·아토르바스타틴", []),
    ("입랜스", "Ibrance", "palbociclib", "팔보시클립", []),
    ("잴코리", "Xalkori", "crizotinib", "크리조티닙", []),
]


def seed(*, stdout) -> dict:
    created_terms = 0
    for brand_ko, brand_en, ingredient_en, ingredient_ko, extra in DRUGS:
        group, _created = DrugSynonymGroup.objects.get_or_create(name=brand_ko, defaults={
            "note": f"{brand_en} ({ingredient_en})"})
        terms = [(brand_ko, SynonymKind.BRAND), (brand_en, SynonymKind.ENGLISH), (ingredient_en, SynonymKind.INGREDIENT),
                 (ingredient_ko, SynonymKind.KOREAN)] + [(term, SynonymKind.OTHER) for term in extra]
        for term, kind in terms:
            if not DrugSynonym.objects.filter(term__iexact=term).exists():
                DrugSynonym.objects.create(group=group, term=term, kind=kind)
                created_terms += 1
    stdout.write(f"search: {len(DRUGS)} drug synonym groups ({created_terms} new terms)")
    return {"logins": []}
