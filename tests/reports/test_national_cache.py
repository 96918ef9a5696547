"""The coordinator's figures are reused for NATIONAL_CACHE_SECONDS (reports/cache.py)."""

import pytest

from civic_app.core.permissions import Role
from civic_app.reports import cache
from tests.reports.conftest import Q1


@pytest.fixture
def cached_for_a_while(app, monkeypatch):
    monkeypatch.setitem(app.config, "NATIONAL_CACHE_SECONDS", 300)
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    cache.clear()
    yield
    cache.clear()


def test_the_national_page_reuses_its_figures_and_says_when_they_were_made(
    client, login_as, create_user, known, count_queries, cached_for_a_while
):
    login_as(create_user(Role.COORDINATOR))
    first = client.get("/network", query_string=Q1).get_data(as_text=True)
    assert 'id="figures-as-of"' in first
    computed = count_queries("/network?" + "&".join(f"{k}={v}" for k, v in Q1.items()))
    cache.clear()
    recomputed = count_queries("/network?" + "&".join(f"{k}={v}" for k, v in Q1.items()))
    assert computed < recomputed  # the second request of a period reads no figures
    again = client.get("/network", query_string=Q1).get_data(as_text=True)
    assert again.split('id="figures-as-of"')[1] == first.split('id="figures-as-of"')[1]


def test_with_the_cache_off_every_request_computes(app, known):
    assert app.config["NATIONAL_CACHE_SECONDS"] == 0
    calls = []
    with app.app_context():
        for _ in range(2):
            value, _at = cache.cached(("k",), lambda: calls.append(1) or len(calls))
    assert calls == [1, 1] and value == 2
