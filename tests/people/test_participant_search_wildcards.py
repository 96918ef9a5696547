"""Staff's participant search: `%` and `_` are characters, not "anyone"."""

import pytest


@pytest.mark.parametrize("wildcard", ["%", "_", "%%", "a%a", "_m"])
def test_wildcards_in_the_participant_search_find_no_one(
    client, login_as, staff, create_participant, wildcard
):
    create_participant(first_name="Amina", last_name="Diallo")
    create_participant(first_name="Yusuf", last_name="Karimi")
    login_as(staff)
    page = client.post_form("/staff/participants", {"q": wildcard}).get_data(as_text=True)
    assert "Amina" not in page and "Yusuf" not in page
    assert "0 partecipanti" in page


def test_a_name_with_an_underscore_is_found_by_it(client, login_as, staff, create_participant):
    create_participant(first_name="Amina_2")
    create_participant(first_name="Amina")
    login_as(staff)
    page = client.post_form("/staff/participants", {"q": "a_2"}).get_data(as_text=True)
    assert "Amina_2" in page and "1 partecipante" in page


def test_the_participant_pager_is_the_shared_one_and_posts_the_search(
    client, login_as, staff, create_participant
):
    for n in range(26):
        create_participant(first_name=f"Amina{n:02d}")
    login_as(staff)
    page = client.post_form("/staff/participants", {"q": "amina"}).get_data(as_text=True)
    pager = page[
        page.index('<nav class="pager"') : page.index("</nav>", page.index('class="pager"'))
    ]
    assert "Pagina 1 di 2" in pager
    assert '<form method="post" action="/staff/participants"' in pager
    assert 'name="csrf_token"' in pager and '<input type="hidden" name="page" value="2">' in pager
    assert "href=" not in pager  # no link carries the name
    past_the_end = client.post_form("/staff/participants", {"q": "amina", "page": "99"})
    assert "Pagina 2 di 2" in past_the_end.get_data(as_text=True)
    huge = client.post_form("/staff/participants", {"q": "amina", "page": str(10**30)})
    assert huge.status_code == 200 and "Pagina 2 di 2" in huge.get_data(as_text=True)
