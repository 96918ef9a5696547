"""The case page names the person's language and shows the day met in the page's format."""

from datetime import date


def test_the_case_page_shows_a_language_name_and_a_local_date(
    client, login_as, caseworker, create_case
):
    intake = create_case(preferred_language="bn", met_on=date(2026, 3, 2))
    login_as(caseworker)
    page = client.get(f"/cases/{intake.id}").get_data(as_text=True)
    assert "2 marzo 2026" in page
    assert "2026-03-02" not in page.replace('datetime="2026-03-02', "")
    assert "Bengalese" in page
