from django.db import migrations


class Migration(migrations.Migration):
    """The lay-term lexicon (answers) and the lexical side table (search speed) were added side by side."""

    dependencies = [
        ("search", "0008_answer_lexicon_lay_terms"),
        ("search", "0008_lexical_passages"),
    ]

    operations = []
