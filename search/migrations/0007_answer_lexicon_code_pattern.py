from django.db import migrations

# An EDI (보험) code is nine digits: a table row continued in the next passage, without its header row
# ("200mg | 97/103mg | 2,040원 | 657301200"), still states the code. An existing row only gains the term.
CODE_OF_NINE_DIGITS = "re:(?<!\\d)\\d{9}(?!\\d)"


def add(apps, schema_editor):
    AnswerAttribute = apps.get_model("search", "AnswerAttribute")
    row = AnswerAttribute.objects.filter(name="보험코드").first()
    if row is not None and CODE_OF_NINE_DIGITS not in row.evidence_terms:
        row.evidence_terms = list(row.evidence_terms) + [CODE_OF_NINE_DIGITS]
        row.save(update_fields=["evidence_terms"])


def remove(apps, schema_editor):
    AnswerAttribute = apps.get_model("search", "AnswerAttribute")
    row = AnswerAttribute.objects.filter(name="보험코드").first()
    if row is not None and CODE_OF_NINE_DIGITS in row.evidence_terms:
        row.evidence_terms = [t for t in row.evidence_terms if t != CODE_OF_NINE_DIGITS]
        row.save(update_fields=["evidence_terms"])


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0006_answer_lexicon_everyday_words"),
    ]

    operations = [
        migrations.RunPython(add, remove),
    ]
