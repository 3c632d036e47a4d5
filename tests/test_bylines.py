"""Bylines: names printed in capitals keep the case they are written in; job titles, addresses,
guests and dates are no one; several people are split, the agency after them."""

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


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        # people before the agency printed after them, in the order of the byline
        ("By Karen Freifeld and Rich McKay Reuters", ["Karen Freifeld", "Rich McKay", "Reuters"]),
        ("By Jill Colvin, Colleen Long and Zeke Miller", ["Jill Colvin", "Colleen Long", "Zeke Miller"]),
        ("Reuters", ["Reuters"]),  # the agency alone is the credit
        # where the writer filed from
        ("Associated Press in Valencia", ["Associated Press"]),
        ("Jane Doe in Kyiv and Leo Park in New York", ["Jane Doe", "Leo Park"]),
        # "By" in other languages, or a label with its colon
        ("von Birgit Posselt", ["Birgit Posselt"]),
        ("Von Vanessa Franke", ["Vanessa Franke"]),
        ("von lupa", ["lupa"]),
        ("Por: Juan Pérez", ["Juan Pérez"]),
        ("Par Loïc Le Clerc", ["Loïc Le Clerc"]),
        ("Erstellt von Andri Bryner", ["Andri Bryner"]),
        ("Text und Interview: Harald Willenbrock", ["Harald Willenbrock"]),
        # ...but a name that opens with a particle keeps it
        ("von der Leyen", ["von der Leyen"]),
        ("Di Maria", ["Di Maria"]),
        # what follows the names: a separator, a date
        ("By Giovanni Gaggero | 12/10/2020", ["Giovanni Gaggero"]),
        ("Von Christian Thiele, 07. Dezember 2022", ["Christian Thiele"]),
        ("Posted by Anna Lee on March 3, 2020", ["Anna Lee"]),
        ("Jane Doe \u2014 Updated 2 hours ago", ["Jane Doe"]),
        # addresses, handles, domains and buttons name no one
        ("Jane Doe jane.doe@example.com", ["Jane Doe"]),
        ("newsroom@example.com", []),
        ("Deutsche Welle (www.dw.com)", ["Deutsche Welle"]),
        ("@NatGeoUK", []),
        ("mdr.de", []),
        ("Jane Doe \u00bb", ["Jane Doe"]),
        ("Follow", []),
        # guests, anonymous writers and CMS accounts, in any language
        ("Guest", []),
        ("Guest Author", []),
        ("Gastautor", []),
        ("Invitée", []),
        ("Anonymous", []),
        ("admin", []),
        # credentials go, a suffix stays with its name
        ("Michael L. Anderson, PhD", ["Michael L. Anderson"]),
        ("Martin Luther King, Jr.", ["Martin Luther King Jr."]),
        # an HTML entity the page escaped twice
        ("Redacci&oacute;n Central", ["Redacción Central"]),
    ],
)
def test_a_byline_gives_the_people_and_nothing_else(byline: str, names: list[str]) -> None:
    assert split_byline(byline) == names
