"""Lines that are a site talking about itself, not the article: known by their words.

Every news site ends its paragraphs with the same few kinds of line: a label ("Advertisement"),
a link to another story ("Read more: ...", "Lea también: ..."), an invitation (a newsletter,
a social network, an app, a membership), a comment box, a date, reading time or tag line, an
image credit. They are written alike on every site, in each language, so one list serves any
page; these patterns name no site. Each is tried on a whole block of at most ``_LONGEST``
characters: a paragraph of the article that mentions a newsletter is longer than a promo.
"""

from __future__ import annotations

import re

__all__ = ["is_date_line", "is_promo"]

#: The longest block a promo pattern is tried on: promo lines are a sentence or two.
_LONGEST = 320

# "Read also" labels that open a link to another story, in the languages of the sites read.
_READ_ALSO = (
    r"read (?:also|more|next)|also read|see (?:also|more)|related(?: articles?| stories| coverage)?|"
    r"more|also|you (?:may|might) also like|most read|recommended|trending|don'?t miss|explore further|"
    r"lea(?: también| más)?|lee (?:también|más)|le puede interesar|te puede interesar|vea también|mira|"
    r"lire aussi|à lire aussi|voir aussi|lesen sie (?:auch|mehr)|mehr zum thema|zum weiterlesen|"
    r"auch interessant|weitere (?:artikel|beiträge|themen|informationen)|leia também|veja também|"
    r"leggi anche|lees ook|czytaj (?:też|także|więcej)"
)
_SOCIAL = r"twitter|facebook|instagram|telegram|youtube|whatsapp|tiktok|linkedin|threads|bluesky"

# Lines known by how they open: labels, "read also" links, invitations, comment boxes, reading
# time, tag and credit lines. One pattern, tried at the line's start only.
_OPENING = re.compile(
    "|".join(
        (
            # a label alone
            r"(?:advertisement|ad|anzeige|werbung|publicidad|publicité|sponsored|share|share this(?: \w+)?|"
            r"teilen|compartir|partager|tweet|e-?mail|print)$",
            rf"(?:{_READ_ALSO})\s*(?:[:>»|]|\.\.\.|…|$)",
            # invitations: newsletters, social networks, memberships
            r"thank(?:s| you) for (?:signing up|subscribing)",
            rf"(?:follow|folgen sie|síguenos|suivez[- ]nous|seguici|segui|siga)\b(?!-).{{0,120}}"
            rf"(?:\b(?:{_SOCIAL})\b|@\w|https?://|\bus\b)",
            r"subscribe\b",
            # comment boxes
            r"(?:tell us what you think|leave a (?:comment|reply)|join the conversation|"
            r"(?:(?:view|show|no|keine|\d+) )?(?:comments?|kommentare?|comentarios?|commentaires?)"
            r"(?:\s+yet)?\s*(?:[(:]|\d*$))",
            r"(?:you are|sie sind|du bist) (?:currently |aktuell |derzeit )?(?:not|nicht) "
            r"(?:logged in|signed in|eingeloggt|angemeldet)",
            r"(?:click here|have a (?:news )?tip\b)",
            # reading time, tags and categories
            r"(?:reading time|lesezeit|tempo de leitura|tiempo de lectura|temps de lecture)\b",
            r"\d+\s*(?:min(?:ute)?s?\.?)\s*(?:read|lesezeit)$",
            r"(?:tags?|schlagw(?:ö|oe)rter|stichw(?:ö|oe)rter|etiquetas|filed under|kategorien?|"
            r"categor(?:y|ies)|catégories?|categorías?|themen|temas)\s*:",
            # image credits and copyright lines
            r"\(?(?:photo|image|picture|credit|source|foto|bild(?:er)?|quelle|fuente|fonte|"
            r"crédits?(?: photos?)?)s?\s*(?::|©|by\b)",
            r"(?:©|copyright\b)",
            # a reprint notice where a paywall keeps the article
            r"this (?:copy|article) is for your personal,? non-?commercial use only",
        )
    ),
    re.I,
)
# Lines known by words anywhere in them: newsletter sign-ups and launches, channels and apps,
# memberships, cookie notices, login prompts. Each holds a word of _ANYWHERE_WORDS, which one
# cheap search looks for first (most lines hold none), in the lowered line: re.IGNORECASE made
# that search six times slower.
_ANYWHERE = (
    re.compile(r"\b(?:sign(?:ing)? up|subscrib(?:e|ing))\b.{0,80}\b(?:newsletters?|inbox|e-?mails?)\b", re.I),
    re.compile(r"\bnewsletters?\b.{0,80}\b(?:sign(?:ing)? up|subscrib(?:e|ing))\b", re.I),
    re.compile(r"\berror processing your subscription\b", re.I),
    re.compile(r"\bby (?:signing up|subscribing)\b.{0,40}\b(?:consent|agree)", re.I),
    re.compile(r"\b(?:will soon launch|is launching)\b.{0,80}\bnewsletter\b", re.I),
    re.compile(rf"\b(?:canal|channel|kanal|chaîne)\b.{{0,20}}\b(?:{_SOCIAL})\b", re.I),
    re.compile(r"\bapps?\b.{0,40}\b(?:ios|iphone)\b.{0,20}\bandroid\b", re.I),
    re.compile(r"\b(?:become a member|hazte miembro|werden sie mitglied|devenez membre)\b", re.I),
    re.compile(
        r"\b(?:we use|this (?:web)?site uses|nous utilisons|wir (?:verwenden|nutzen)|utilizamos|usamos)\b"
        r".{0,30}\bcookies\b",
        re.I,
    ),
    re.compile(r"\b(?:logged in|log in|eingeloggt|angemeldet)\b.{0,60}\b(?:comment|kommentar)", re.I),
)
_ANYWHERE_WORDS = re.compile(
    r"sign|subscri|newsletter|inbox|launch|canal|channel|kanal|chaîne|android|member|miembro|mitglied|"
    r"membre|cookie|log|eingeloggt|angemeldet"
)


# The words of a date line ("Updated: Tue., Nov. 19, 2019 at 3:05 p.m. EST", "Aktualisiert am
# 23.10.2018, 14:30 Uhr"): month and day names, their abbreviations, and what is said around them.
_DATE_WORDS = frozenset(
    word
    for line in (
        "january february march april may june july august september october november december",
        "jan feb mar apr jun jul aug sep sept oct nov dec",
        "monday tuesday wednesday thursday friday saturday sunday",
        "mon tue tues wed thu thur thurs fri sat sun",
        "januar februar märz mai juni juli oktober dezember jänner",
        "montag dienstag mittwoch donnerstag freitag samstag sonntag",
        "janvier février mars avril juin juillet août septembre octobre novembre décembre",
        "lundi mardi mercredi jeudi vendredi samedi dimanche",
        "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre",
        "lunes martes miércoles jueves viernes sábado domingo",
        "janeiro fevereiro março maio junho julho setembro outubro novembro dezembro",
        "segunda terça quarta quinta sexta feira",
        "updated update published posted modified last release date time on at by",
        "aktualisiert veröffentlicht veröffentlichung letzte änderung aktualisierung stand am um uhr",
        "publié le mis à jour actualizado publicado el de às atualizado em",
        "am pm a m p est edt pst pdt cst cdt gmt utc bst cet cest et pt",
    )
    for word in line.split()
)
_WORDS = re.compile(r"[^\W_]+")
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})\b|\b\d{4}-\d{2}-\d{2}\b")
#: The longest block read as a date line.
_LONGEST_DATE_LINE = 80


def is_date_line(text: str) -> bool:
    """Whether a block is only a date, a time, or the label of one ("Last modified:"): the page's
    metadata, not its article."""
    if len(text) > _LONGEST_DATE_LINE:
        return False
    words = _WORDS.findall(text.casefold())
    if not all(word.isdigit() or word in _DATE_WORDS for word in words):
        return False
    # Numbers alone are a date only in a date's shape: "5.000" or "2/5" are a table's cells.
    return not all(word.isdigit() for word in words) or _NUMERIC_DATE.search(text) is not None


def is_promo(text: str) -> bool:
    """Whether a whole block is one of the lines sites add to every article (see the module's doc)."""
    if len(text) > _LONGEST:
        return False
    if _OPENING.match(text):
        return True
    lowered = text.lower()
    return _ANYWHERE_WORDS.search(lowered) is not None and any(pattern.search(text) for pattern in _ANYWHERE)
