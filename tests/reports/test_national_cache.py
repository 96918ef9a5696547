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

    def as_of(page: str) -> str:  # the sentence only: the rest holds a timed CSRF token
        return page.split('id="figures-as-of"')[1].split("</p>")[0]

    assert as_of(again) == as_of(first)


def test_with_the_cache_off_every_request_computes(app, known):
    assert app.config["NATIONAL_CACHE_SECONDS"] == 0
    calls = []
    with app.app_context():
        for _ in range(2):
            value, _at = cache.cached(("k",), lambda: calls.append(1) or len(calls))
    assert calls == [1, 1] and value == 2


def test_the_page_itself_is_rendered_once_per_language_while_its_figures_are_kept(
    app, client, login_as, create_user, known, cached_for_a_while
):
    from flask import template_rendered

    bodies = []

    def rendered(_app, template, context, **_extra):
        if template.name == "reports/_national_body.html":
            bodies.append(context["period"])

    with template_rendered.connected_to(rendered, app):
        login_as(create_user(Role.COORDINATOR))
        first = client.get("/network", query_string=Q1)
        second = client.get("/network", query_string=Q1)
        login_as(create_user(Role.COORDINATOR, preferred_language="en"))
        english = client.get("/network", query_string=Q1)
    assert first.status_code == second.status_code == english.status_code == 200
    assert len(bodies) == 2  # Italian once, English once
    assert first.get_data(as_text=True).count("<h1>") == 1
    assert "Cruscotto della rete nazionale" in second.get_data(as_text=True)
    assert "Cruscotto della rete nazionale" not in english.get_data(as_text=True)


def test_the_scheduler_keeps_the_default_figures_ready(
    app, client, login_as, create_user, known, count_queries, cached_for_a_while
):
    from civic_app.jobs import JOBS
    from civic_app.scheduler.jobs import run_job

    job = next(j for j in JOBS if j.id == "warm_national_figures")
    assert job.seconds < 300  # refreshed before the default cache lifetime lapses
    login_as(create_user(Role.COORDINATOR))
    cold = count_queries("/network")  # computes the default period's figures
    cache.clear()
    assert "national figures ready for" in run_job(app, job)
    warm = count_queries("/network")  # the job computed them: the page reads none
    assert warm < cold
    assert warm == count_queries("/network")


def test_the_warming_job_does_nothing_without_a_cache(app, known):
    from civic_app.jobs import JOBS
    from civic_app.scheduler.jobs import run_job

    job = next(j for j in JOBS if j.id == "warm_national_figures")
    assert run_job(app, job) == ""


def test_with_redis_a_worker_reads_an_entry_once_then_uses_its_own_copy(app, monkeypatch):
    import redis

    from tests.conftest import reachable_redis

    url = reachable_redis("redis://127.0.0.1:6379/14")
    client = redis.Redis.from_url(url)
    client.flushdb()
    monkeypatch.setitem(app.config, "NATIONAL_CACHE_SECONDS", 300)
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    cache.clear()
    computed = []
    with app.app_context():
        value, at = cache.cached(("memo",), lambda: computed.append(1) or {"n": 1})
        assert client.keys("civic:national:*")  # shared with the other workers
        cache.clear()  # another worker: nothing in its memory yet
        reads = []
        real_get = client.get

        def counting_get(name):
            reads.append(name)
            return real_get(name)

        monkeypatch.setattr(cache._redis(), "get", counting_get)
        for _ in range(3):
            again, again_at = cache.cached(("memo",), lambda: computed.append(1) or {"n": 2})
        assert (again, again_at) == (value, at) and computed == [1]
        assert len(reads) == 1  # read from Redis once, then from the process's memo
        refreshed, _ = cache.cached(("memo",), lambda: {"n": 3}, refresh=True)
        assert refreshed == {"n": 3}
        cache.clear()
        assert cache.cached(("memo",), lambda: {"n": 4})[0] == {"n": 3}  # the refresh is shared
    cache.clear()
    client.flushdb()
