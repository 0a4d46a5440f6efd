"""The query-vector cache is keyed by provider, model and dimension: a change of EMBEDDING_MODEL is a new entry."""

from search import services


class ModelNamingEmbedderDouble:
    """An embedding double whose vector says which EMBEDDING_MODEL embedded the query (read when it embeds)."""

    name = "e5"
    dimensions = 3

    def __init__(self, settings):
        self.settings = settings
        self.calls = 0

    def embed_query(self, text):
        self.calls += 1
        return [float(len(self.settings.EMBEDDING_MODEL)), float(len(text)), 1.0]


def test_same_query_under_two_models_gets_two_cache_entries_and_a_fresh_vector(settings, monkeypatch):
    double = ModelNamingEmbedderDouble(settings)
    monkeypatch.setattr(services, "get_provider", lambda: double)
    services._query_vector.cache_clear()
    try:
        settings.EMBEDDING_MODEL = "model-a"
        first = services._query_vector(*services.query_vector_key(), "리피토 용량")
        again = services._query_vector(*services.query_vector_key(), "리피토 용량")
        settings.EMBEDDING_MODEL = "the-other-model"
        second = services._query_vector(*services.query_vector_key(), "리피토 용량")
    finally:
        info = services._query_vector.cache_info()
        services._query_vector.cache_clear()

    assert first == again and double.calls == 2  # the repeat under model-a was a hit
    assert second != first and second[0] == len("the-other-model")
    assert info.currsize == 2


def test_the_key_names_provider_model_and_dimension(settings):
    settings.EMBEDDING_PROVIDER, settings.EMBEDDING_MODEL, settings.EMBEDDING_DIMENSIONS = "openai", "m", 768
    assert services.query_vector_key() == ("openai", "m", 768)
