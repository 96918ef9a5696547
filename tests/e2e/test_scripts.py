"""Right in every script, in a real browser at phone width: on an Arabic page a phone number
typed into its field reads left to right ("+39 347 111 0009", never "0009 111 347 39+"),
and the certificate's Italian page prints an Arabic name shaped and in order (drawn by
Poppler when it is installed). Screenshots: scripts-phone-input-ar.png,
scripts-certificate-it.png, scripts-certificate-ar.png."""

import shutil
import subprocess

import pytest

from civic_app.core.accounts import User
from civic_app.extensions import db
from civic_app.reports.certificates import render_pdf
from civic_app.reports.models import Certificate
from tests.conftest import IN_CI
from tests.e2e.conftest import PHONE

TYPED = "+39 347 111 0009"


@pytest.fixture
def live_app(seeded_site, own_session):
    return seeded_site[0]


@pytest.fixture
def arabic_phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ar")
    page = context.new_page()
    yield page
    context.close()


def test_a_phone_number_typed_on_an_arabic_page_reads_left_to_right(
    live_app, arabic_phone, screenshots_dir
):
    page = arabic_phone
    page.goto(f"{live_app.config['LIVE_URL']}/login/phone")
    assert page.get_attribute("html", "dir") == "rtl"
    page.fill("#phone", TYPED)
    assert page.input_value("#phone") == TYPED
    assert page.eval_on_selector("#phone", "e => getComputedStyle(e).direction") == "ltr"
    # ... and it keeps to the page's side, like every field of a right-to-left form
    assert page.eval_on_selector("#phone", "e => getComputedStyle(e).textAlign") == "right"
    # The label's direction is the page's; the "+33" of the hint is isolated left to right.
    assert page.eval_on_selector("label[for=phone]", "e => getComputedStyle(e).direction") == "rtl"
    assert page.eval_on_selector(".hint bdi", "e => e.textContent") == "+33"
    assert page.eval_on_selector(".hint bdi", "e => getComputedStyle(e).direction") == "ltr"
    # Where the "+" is drawn: left of the digits (it would be right of them in an rtl box).
    plus_left_of_digits = page.evaluate(
        """() => {
            const bdi = document.querySelector('.hint bdi');
            const range = document.createRange();
            range.setStart(bdi.firstChild, 0); range.setEnd(bdi.firstChild, 1);
            const plus = range.getBoundingClientRect();
            range.setStart(bdi.firstChild, 1); range.setEnd(bdi.firstChild, 3);
            return plus.right <= range.getBoundingClientRect().left + 0.5;
        }"""
    )
    assert plus_left_of_digits
    page.screenshot(path=str(screenshots_dir / "scripts-phone-input-ar.png"), full_page=True)


@pytest.mark.skipif(
    not IN_CI and not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) not installed"
)
def test_the_certificate_pages_drawn(live_app, screenshots_dir, tmp_path):
    with live_app.app_context():
        certificate = db.session.scalar(db.select(Certificate).order_by(Certificate.id))
        person = db.session.get(User, certificate.participant_id)
        person.preferred_language = "ar"
        db.session.commit()
        with live_app.test_request_context():
            data = render_pdf(certificate, "ليلى حداد", certificate.issued_by.display_name)
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(data)
    for number, language in ((1, "it"), (2, "ar")):
        target = screenshots_dir / f"scripts-certificate-{language}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", str(number), "-l", str(number), "-singlefile",
             str(pdf), str(target)],
            check=True,
        )  # fmt: skip
        assert (screenshots_dir / f"scripts-certificate-{language}.png").stat().st_size > 10_000
