"""Bylines: names printed in capitals keep the case they are written in; job titles are no one."""

from __future__ import annotations

import pytest

from crawler.extract.bylines import restore_case, split_byline


@pytest.mark.parametrize(
    ("printed", "written"),
    [
        ("AMANDA SEITZ", "Amanda Seitz"),
        ("JOHN MCDONALD", "John McDonald"),
        ("CONOR O'BRIEN", "Conor O'Brien"),
        ("LOTTE VAN AALST", "Lotte van Aalst"),
        ("VAN DER BERG", "van der Berg"),  # a particle before another keeps its small letter
        ("DU BIN", "Du Bin"),  # a particle opening the name alone is a name
        ("JEAN-PAUL ROUX", "Jean-Paul Roux"),
        ("J.R. MOEHRINGER", "J.R. Moehringer"),
        ("MARTIN LUTHER KING JR.", "Martin Luther King Jr."),
        ("HENRY FORD III", "Henry Ford III"),
        ("CNN NEWSOURCE", "CNN Newsource"),  # no vowel: an acronym
        ("THE ASSOCIATED PRESS", "The Associated Press"),
        # the writer's own case, and one-word agencies, are left alone
        ("Lena McKay", "Lena McKay"),
        ("joost de Wit", "joost de Wit"),
        ("AFP", "AFP"),
        ("REUTERS", "REUTERS"),
    ],
)
def test_names_in_capitals_are_written_in_their_case(printed: str, written: str) -> None:
    assert restore_case(printed) == written


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Jane Doe, AP Technology Writer", ["Jane Doe"]),
        ("By BARBARA ORTUTAY AP Technology Writer", ["BARBARA ORTUTAY"]),  # the title with no comma
        ("By MATT O'BRIEN and DEV OKONJO, AP Science Writers", ["MATT O'BRIEN", "DEV OKONJO"]),
        ("Jane Doe, Staff Reporter", ["Jane Doe"]),
        ("Staff Reporter", []),
        ("Associated Press Writer", []),
        ("Nora Vasquez, CNNMoney Staff Writer", ["Nora Vasquez"]),
        # a surname that is a word is not a title: only an agency or a rank opens one after a name
        ("Anna Baker and Tom Cook", ["Anna Baker", "Tom Cook"]),
        ("Priya Raman, The Canadian Press", ["Priya Raman", "The Canadian Press"]),
        # a credit in running text is left to the site that prints it
        ("Guardian staff reporter", ["Guardian staff reporter"]),
    ],
)
def test_job_titles_are_never_authors(byline: str, names: list[str]) -> None:
    assert split_byline(byline) == names
