"""A participant's own copy, as Italian-locale Excel opens it: `;`, a BOM, no formula."""

import csv
import io


def test_my_data_in_the_italian_csv_is_semicolon_separated_and_never_a_formula(
    client, db, login_as, create_participant
):
    person = create_participant(first_name="x;=2*3;", preferred_language="it")
    login_as(person)
    page = client.get("/me/data").get_data(as_text=True)
    assert "sep=semicolon" in page
    response = client.get("/me/data.csv?sep=semicolon")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) > 1 and all(len(row) > 1 for row in rows if row)
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in "=+-@" and cell]
