"""Page chrome removal from text alone.

Scraped article text carries the page around the article: navigation menus, share buttons, "You might
also like" lists, teasers of other articles, cookie notices, signatures. :func:`clean_text` finds the
article in the text and keeps every paragraph of it:

1. Each paragraph gets a *kind* from its own evidence (:func:`classify_line`): finished prose, a short
   sentence, an item of a numbered list, a short line (heading, caption, menu entry…), a teaser of
   another article, page chrome with a named reason, or a marker that opens a section of other content
   ("Related articles", "Check Also", "Comments").
2. Prose paragraphs form clusters. A cluster carries on across a few short lines (a subheading, a photo
   credit, an ad slot); a run of short lines (a menu) or a section marker ends it.
3. The article is the heaviest cluster (characters of prose) plus the neighbouring clusters it reaches
   across a short box ("Related articles" and three headlines in the middle of a story), a standfirst
   directly above it, short finished sentences at its ends and numbered lists that continue it.
4. Inside the article only paragraphs with explicit chrome evidence are removed. On a flattened web
   page (the text has a menu: a long run of short entries) everything outside the article goes too.
   On text that is already an article's, short lines and prose around it stay unless a section
   marker or end-of-article evidence cuts them off ("Check Also" and its teaser), so a transcript's
   speaker names or a list at the end are never lost to position.

Recurring lines (the same line in several articles of one source) are learned by
:class:`CorpusProfiler` in a first pass over a run and count as chrome evidence.

The title line (the first heading-like paragraph of the text) is taken out of the body; the
:class:`Cleaner` stage stores it in ``article.input_meta["title_line"]`` and
:mod:`quotetrail.metadata` decides the title from it. Removed date lines ("7 Oct, 2016 12:29") go to
``article.boilerplate``, where the metadata stage reads them back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal
from urllib.parse import urlsplit

from .model import Article, Span
from .text import (
    TextLine,
    ends_sentence,
    ends_with_ellipsis,
    fold_line,
    line_hash,
    line_hashes,
    paragraph_lines,
    word_count,
)

LineKind = Literal["prose", "sentence", "listitem", "short", "teaser", "chrome", "section"]

# ---------------------------------------------------------------------------------------------------
# Vocabulary of page chrome
# ---------------------------------------------------------------------------------------------------

# Whole-line chrome: a short line that is nothing but a widget label, menu entry or notice. Grouped by
# the reason reported for it. Each pattern must match the entire lower-cased line, so a sentence that
# merely mentions "share" or "email" is never caught.
_WHOLE_LINE_CHROME: Final[dict[str, str]] = {
    "advertisement": r"""
        (?:advertisement|advert|advertising|ads?|sponsored(?:\ content)?|promoted(?:\ content)?
        |paid\ (?:content|post)|partner\ content)(?:\s*[:\-–—].*)?
        |(?:advertisement\s*)+|advertisement\ continue\ reading(?:\ the\ main\ story)?
        |story\ continue[sd]\ below|continue\ reading(?:\ (?:the\ main\ story|below|article))?
        |article\ continues\ (?:below|after\ (?:this\ )?(?:ad|advertisement))
        |scroll\ (?:down\ )?to\ continue(?:\ with\ content)?|skip\ (?:this\ )?ad
        |\[?pullquote\]?|\[/?caption[^\]]*\]
    """,
    "share-widget": r"""
        (?:(?:share|tweet|email|e-mail|mail|print|pin|save|like|comment|comments|copy\ link|copy\ url
            |url\ copied!?|facebook|twitter|linkedin|whatsapp|pinterest|reddit|tumblr|telegram|flipboard
            |messenger|sms|text|google\+?|vk|vkontakte|xing|pocket|share\ (?:this|on|via|with)\ ?\w*
            |share\ (?:this\ )?(?:article|story|post|page)|share\ close\ extra\ sharing\ options
            |show\ more\ sharing\ options|sharing\ options|opens\ in\ (?:a\ )?new\ window
            |post|send|report|flag|embed|\d+\ shares?|shares?|\d+)
           [\s|/·•,:]*){1,12}
    """,
    "navigation": r"""
        (?:home(?:\ page)?|menu|main\ menu|search(?:\ \S+)?|search\ query\ submit\ search|sections
        |section\ menu|skip\ to\ (?:main\ )?(?:content|navigation)(?:\ skip\ to\ site\ index)?|site\ index
        |log\ ?in|log\ ?out|sign\ ?in|sign\ ?out|sign\ ?up|register|subscribe|subscribe\ now
        |subscribe\ sign\ in|my\ account|account|profile|settings|back\ to\ top|return\ to\ top|top
        |go\ to\ home\ page|next|previous|prev|next\ (?:article|post|story)|previous\ (?:article|post|story)
        |more|show\ more|see\ more|load\ more|view\ all|see\ all|all|close|open|toggle\ navigation
        |loading(?:\.\.\.|…)?|(?:\w+\ )?edition|today'?s\ paper|e-?paper|newsletters?|rss(?:\ feeds?)?
        |sitemap|contact(?:\ us)?|about(?:\ us)?|careers|jobs|privacy(?:\ policy|\ notice)?
        |cookie\ (?:policy|settings|preferences)|terms(?:\ (?:of\ (?:use|service)|and\ conditions
        |&\ conditions))?|help|faq|feedback|advertise|advertise\ with\ us|corrections|archives?
        |watch\ live|live\ tv|listen|podcasts?|video|videos|photos?|gallery|photo\ gallery|image\ gallery
        |breaking(?:\ news)?|topics|tags?|menu\ sections|accept|ok|yes|no|or|and|follow\ us
        |connect\ with\ us|you\ are\ (?:here|at):?
        |[«»<>›‹→←↑↓|/\\\-–—•·*#_=~.,:;]+(?:\s+[«»<>›‹→←↑↓|/\\\-–—•·*#_=~.,:;]+)*)
        (?:\s*[»›>→«‹↑])?
    """,
    "comments": r"""
        \[?\s*(?:\d+\s+)?(?:comments?|responses?|replies)\s*(?:\(\d+\))?\s*\]?|view\ comments?
        |show\ comments?|hide\ comments?|post\ (?:a\ )?comment|add\ (?:a\ )?comment
        |top\ rated\ comments|newest\ comments|oldest\ comments|comment\ policy|reply|report\ abuse
        |rating:\ \d+\ votes?|\d+\ (?:likes?|votes?|points?)
        |(?:\d+|an?|one)\ ?(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|[smhdw])\ ago
        (?:\ at\ [\d:]+\s*(?:am|pm)?)?|(?:blog\ )?comments\ powered\ by\ \w+|\d+\ post\ comment.*|disqus
    """,
    "image-credit": r"""
        (?:photo|image|picture|pic|video|credit|caption|illustration|graphic|file\ photo)s?
        (?:\ credit)?\s*:\s*.{0,80}|image\ copyright\ .{0,60}|(?:image|photo)\ caption\ .{0,200}
        |(?:enlarge\ this\ image\ )?toggle\ caption
        \ .{0,120}|(?:image|photo|slide)\ \d+\ of\ /?\s*\d+|\d+\s*/\s*\d+|(?:slideshow|gallery)
        \s*\(\d+\ (?:images?|photos?)\)|(?:next|prev)\ image\ \d+\ of\ \d+|back\ to\ gallery
        |\(?(?:getty\ images|afp|reuters|ap\ photo|associated\ press|shutterstock|istock)[^.]{0,40}\)?
        |(?:photo|image|picture):?\ .{0,60}/(?:getty|afp|reuters|ap|epa|shutterstock).{0,40}
    """,
    "byline": r"""
        by|(?:staff|senior|chief|political|contributing)\ (?:writer|reporter|correspondent|editor)
        |opinion\ (?:columnist|contributor)|\w+\ correspondent|@\w{2,30}|[\w.+-]+@[\w-]+\.[\w.]+
        |biography\ .{2,60}|author\ (?:profile|bio)|about\ the\ author|more\ (?:articles\ )?by\ .{2,60}
    """,
    "reading-time": r"""
        \d+\s*(?:min(?:ute)?s?|m)\s*(?:read|reading|de\ leitura)|reading\ time:?.{0,20}
        |tempo\ de\ leitura:?.{0,20}|(?:est\.\ )?read\ time:?.{0,20}|text\ size|font\ size
    """,
    "inline-link": r"""
        (?:see\ more|read\ more|read\ also|also\ read|related|watch|listen|more|also\ see|see\ also
        |click\ here|read|recommended|next)\s*[:|»>]\s*.{3,200}|also\ on\ [\w-]+\.[a-z]{2,6}\b.{0,200}
        |read\ or\ share\ this\ story:.{0,200}
    """,
    "tags": r"""
        (?:tags?|topics?|filed\ under|categor(?:y|ies)|posted\ in|related\ (?:tags|topics)|keywords?
        |more\ (?:on|about))\s*:.{0,200}|tags\ .{2,200}
    """,
    "credit-line": r"""
        \(?(?:additional\ )?(?:reporting|writing|editing|compiled|research|translation|translated)
        \ (?:by|from)\ .{2,200}\)?\.?|sources?\s*:\s*[^.]{2,80}|contributing:\ .{2,120}
    """,
    "cookie-notice": r"""
        accept|accept\ all|reject\ all|allow\ (?:all\ )?cookies|manage\ (?:cookies|preferences|consent)
        |cookie\ settings|necessary|non-necessary|always\ enabled|necessary\ always\ enabled
        |privacy\ overview|privacy\ &\ cookies\ policy
    """,
}

# Markers that open a section of other content: whatever follows them up to the next run of prose is
# another article's teaser, a link list or a comment thread. "thread" markers also end the article
# (nothing after a comment thread is merged back into it); "related" boxes also sit mid-article.
_SECTION_MARKERS: Final[dict[str, str]] = {
    "related-links": r"""
        related(?:\ (?:articles?|stories|posts?|news|content|coverage|links?|reading|videos?|items?))?
        |you\ (?:might|may)\ (?:also\ )?(?:like|enjoy|be\ interested\ in)|we\ recommend
        |recommended(?:\ for\ you|\ stories|\ articles|\ reading)?|check\ also|see\ also
        |also\ (?:read|see|on\ \w+)|read\ (?:also|more|next)
        |more\ (?:news|stories|articles|headlines|to\ read|from\ [\w.&'\ -]{2,40}|in\ [\w.&'\ -]{2,40}
            |on\ this(?:\ (?:story|topic))?|like\ this|videos?)
        |(?:all|latest|top|popular|trending|breaking|other|recent|most\ recent)\ (?:news|stories|posts
            |articles|headlines|videos|now)|latest|trending
        |most\ (?:popular|read|viewed|shared|commented|discussed|emailed)(?:\ (?:articles|stories|videos
            |posts|news))?
        |popular\ (?:posts|stories|articles|now)|editor'?s\ picks?|don'?t\ miss|what\ to\ read\ next
        |further\ reading|in\ other\ news|up\ next|around\ the\ web|from\ (?:the\ )?(?:web|our\ partners)
        |sponsored\ (?:links|stories)|promoted\ stories
    """,
    "comment-thread": r"""
        post\ navigation|previous\ post|next\ post|comments?|\d+\ comments?|top\ rated\ comments
        |leave\ a\ (?:comment|reply)|join\ the\ (?:conversation|discussion)|have\ your\ say
        |tell\ us\ what\ you\ think.{0,20}
    """,
}

# Chrome inside a longer line: cookie and consent notices, copyright lines, subscription pitches. Each
# group has literal stems; a document is searched for the stems first (cheap ``in`` tests) and the
# pattern only runs on paragraphs that contain one, which keeps the cost off clean articles.
_EMBEDDED_CHROME: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "cookie-notice": (
        ("cookie",),
        r"""
        \b(?:we|this\ (?:web)?site|our\ (?:web)?site|this\ page)\ (?:uses?|may\ use)\ cookies
        |\bcookies?\ (?:policy|settings|preferences|consent)\b|\buse\ of\ cookies\b
        |\baccept(?:ing)?\ (?:all\ )?cookies|\bby\ (?:continuing|clicking|using)\b.{0,60}\bcookies
        |\byou\ agree\ to\ (?:our|the)\ use\ of\ cookies
        """,
    ),
    "copyright": (
        ("copyright", "©", "rights reserved"),
        r"""
        ^(?:copyright\b.{0,12}(?:©|\(c\)|(?:19|20)\d\d)|©|\(c\)\s*(?:19|20)\d\d)
        |\ball\ rights\ reserved\b|©\ ?(?:19|20)\d\d
        """,
    ),
    "newsletter": (
        (
            "newsletter",
            "inbox",
            "sign up",
            "signing up",
            "subscri",
            "click here",
            "follow us",
            "journalism",
            "alerts",
            "no spam",
            "join our",
            "with a friend",
            "with your friends",
        ),
        r"""
        \bsign\ up\ (?:for|to)\ (?:our|the|daily|free|\w+'s)?\s*(?:\S+\ ){0,3}(?:newsletters?|alerts|updates)
        |\bsubscribe\ to\ our\b|\bsubscribe\ to\ the\ (?:\w+\ ){0,3}(?:newsletters?|channel|podcast)
        |\b(?:delivered|straight|direct(?:ly)?|meet|hit|land\ in)\ (?:to\ |in\ |into\ )?your\ inbox\b
        |\bby\ signing\ up,?\ you\b|\bmanage\ newsletters\b
        |\bthanks?\ (?:you\ )?for\ (?:signing\ up|subscribing)\b
        |\bplease\ check\ the\ opt-in\b|\bsubscribe\ (?:now|today)\ for\b|\bunsubscribe\ at\ any\ time\b
        |\bclick\ here\ (?:to|for)\ (?:subscribe|get|download|read|sign|reprint)
        |\bfollow\ us\ on\ (?:facebook|twitter|instagram)|\bsupport\ (?:independent|our)\ journalism\b
        |\bthis\ (?:article|content|story)\ is\ (?:for|available\ to)\ subscribers\b
        |\b(?:successfully|succesfully|already)\ subscribed\b|\bactivate\ your\ subscription\b
        |\b(?:get|receive)\b.{0,40}\b(?:news\ )?alerts\b|\bno\ spam\b
        |\bjoin\ our\ (?:\w+\ ){0,2}(?:forums?|community|mailing\ list|newsletter)
        |\bshare\ (?:it|this(?:\ \w+)?)\ with\ (?:a\ friend|your\ friends)
        """,
    ),
    "page-notice": (
        ("javascript", "recaptcha", "feedback", "browser"),
        r"""
        \b(?:requires?|enable|turn\ on|needs?)\ javascript\b|\bjavascript\ (?:is\ )?(?:disabled|required)\b
        |\bprotected\ by\ recaptcha\b|\bgive\ us\ (?:your\ )?feedback\b
        |\b(?:update|upgrade)\ your\ browser\b|\byour\ browser\ (?:does\ not|doesn't)\ support\b
        """,
    ),
    "comment-policy": (
        ("respectful", "comments are", "required fields", "submitting content", "commenting"),
        r"""
        \b(?:please\ )?be\ respectful\b.{0,80}\bcomment
        |\bcomments?\ (?:are|is)\ (?:closed|moderated)\b|\byour\ email\ address\ will\ not\ be\ published\b
        |\brequired\ fields\ are\ marked\b|\bwhen\ submitting\ content\b|\bcommenting\ (?:guidelines|policy)\b
        """,
    ),
    "affiliate-notice": (
        ("something through", "commission", "affiliate", "share of the sale"),
        r"""
        \bif\ you\ (?:buy|purchase)\ something\ through\b|\bwe\ may\ (?:earn|receive)\ (?:a\ )?(?:commission
        |a\ share)|\baffiliate\ (?:links?|commission)\b|\bmay\ get\ a\ share\ of\ the\ sale\b
        """,
    ),
}


def _compile_whole_line(groups: dict[str, str]) -> re.Pattern[str]:
    parts = [f"(?P<{name.replace('-', '_')}>{pattern})" for name, pattern in groups.items()]
    # Widgets are often wrapped in brackets ("[ 167 comments ]") or closed by a colon or arrow.
    return re.compile(rf"^[\[(]?\s*(?:{'|'.join(parts)})\s*[:.!]?\s*[\])]?$", re.VERBOSE | re.IGNORECASE)


_WHOLE_LINE_RE: Final = _compile_whole_line(_WHOLE_LINE_CHROME)
_SECTION_RE: Final = _compile_whole_line(_SECTION_MARKERS)
_EmbeddedGroups = tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...]
_EMBEDDED: Final[_EmbeddedGroups] = tuple(
    (reason, stems, re.compile(pattern, re.VERBOSE | re.IGNORECASE))
    for reason, (stems, pattern) in _EMBEDDED_CHROME.items()
)
# Paragraphs longer than this are prose that may quote a notice (or a whole article flattened onto one
# line that ends with its footer), not the notice itself.
EMBEDDED_CHROME_MAX_WORDS = 120

# An icon sprite flattened to text: "icon bookmark-bicon bookmarkicon cameraicon checkicon chevron …".
_ICON_RE: Final = re.compile(r"icon[ \-]?[a-z]")
ICON_RUN_MIN = 5

# The desk's signature under a story: initials ("H.M", "A.K/M.S") or names joined by slashes
# ("Barry/H. Said / Hazem Sabbagh"), with no sentence in it.
_SIGNATURE_RE: Final = re.compile(
    r"""^(?:
        (?:[A-Z]\.?\s?){1,4}(?:\s*/\s*(?:[A-Z]\.?\s?){1,4})*
        |[A-Z][\w.'’-]*(?:\ [A-Z][\w.'’-]*){0,3}(?:\s*/\s*[A-Z][\w.'’-]*(?:\ [A-Z][\w.'’-]*){0,3}){1,4}
    )$""",
    re.VERBOSE,
)

# "By Sarah E. Needleman", "by Bryan DeArdo", "By Meg James Staff Writer": "by" and capitalised names.
_BYLINE_RE: Final = re.compile(
    r"^(?:by|written\ by|posted\ by|von|por|par|di|oleh)\s*:?\s+(?P<names>[^\s].{0,80})$", re.IGNORECASE
)
_BYLINE_CONNECTORS: Final = frozenset({"and", "&", "de", "da", "van", "von", "der", "al", "el", "bin", "|"})

# A line that is only a date and/or time, with an optional "Updated:"-style label.
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAYS = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday|sday)?\.?"
_TIME = r"\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:[a-z]{2,4}\b|gmt[+-]?\d*|utc[+-]?\d*)?"
_DATE_ONLY_RE: Final = re.compile(
    rf"""^(?:(?:last\ )?(?:updated|posted|published|first\ published|modified|date|created|released)
          (?:\ (?:on|at))?\s*:?\s*)?
        (?:{_WEEKDAYS},?\s*)?
        (?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s*(?:\d{{4}})?
          |{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s*(?:\d{{4}})?
          |\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|{_TIME})
        (?:[\s,|/@·•-]*(?:at\s+)?(?:{_TIME}|{_WEEKDAYS}|{_MONTHS}\s*\d{{1,2}},?\s*\d{{4}}|\d{{4}}))*
        [\s|/·•-]*$""",
    re.VERBOSE | re.IGNORECASE,
)

# Running text has a minority of capitalised words, in English, Romance languages and even German;
# lists of headlines and menus have a majority.
_CAPITALISED_RE: Final = re.compile(r"(?:^|\s)[\"'“‘(\[]?[A-Z]")
CAPITALISED_LIST_SHARE = 0.5
_DIGIT_RE: Final = re.compile(r"\d")
_SENTENCE_INSIDE_RE: Final = re.compile(r"[.!?;,][\"'”’)]?\s")
_BRACKET_TAG_RE: Final = re.compile(r"\[\s*[A-Z][A-Z ]{2,20}\]\s*\|?$")  # "… [ VIDEO]", "… [INSIGHT]|"

# Thresholds on words per paragraph. Set by inspecting the development half of the extraction
# benchmark (pages whose id starts with 0-7) and checked on the other half; see
# benchmarks/extraction.py for the scores.
PROSE_MIN_WORDS = 10  # a finished sentence this long is article prose
PROSE_UNFINISHED_MIN_WORDS = 25  # a paragraph this long is prose even without a final full stop
UNPUNCTUATED_LIST_MIN_WORDS = 40  # this long without a comma or full stop: headlines glued together
SENTENCE_MIN_WORDS = 4  # a finished sentence this long may close the article ("Please," he said.)
CHROME_SHORT_MAX_WORDS = 14  # whole-line chrome patterns are only tried on lines up to this long
# A line cut off with an ellipsis is a teaser of another article when it is teaser-sized; a longer one
# is an article paragraph cut short (a paywall), still prose.
TEASER_MIN_WORDS = 6
TEASER_MAX_WORDS = 80
HEADING_MAX_WORDS = 20
STANDFIRST_MIN_WORDS = 8
TITLE_MAX_WORDS = 30


def is_date_line(line: str) -> bool:
    """Whether a line is nothing but a date and/or time ("7 Oct, 2016 12:29", "Posted: March 3, 2016")."""
    return bool(_DIGIT_RE.search(line)) and _DATE_ONLY_RE.match(line.strip()) is not None


@dataclass(frozen=True, slots=True)
class LineVerdict:
    """What one paragraph looks like on its own: its kind and, for chrome, the named reason."""

    kind: LineKind
    reason: str | None = None


# Verdicts are immutable, so each possible one is built once: a frozen dataclass costs more to construct
# than most of the tests that decide it, and every paragraph of every article gets one.
_PROSE: Final = LineVerdict("prose")
_SENTENCE: Final = LineVerdict("sentence")
_SHORT: Final = LineVerdict("short")
_TEASER: Final = LineVerdict("teaser")
_CHROME: Final[dict[str, LineVerdict]] = {
    reason: LineVerdict("chrome", reason)
    for reason in (
        *_WHOLE_LINE_CHROME,
        *_EMBEDDED_CHROME,
        "date-line",
        "signature",
        "byline",
        "inline-link",
        "icon-sprite",
        "image-caption",
    )
}
# By the regex group name (underscores) that matched, as ``lastgroup`` reports it.
_WHOLE_LINE_VERDICTS: Final = {name.replace("-", "_"): _CHROME[name] for name in _WHOLE_LINE_CHROME}
_SECTION_VERDICTS: Final = {name.replace("-", "_"): LineVerdict("section", name) for name in _SECTION_MARKERS}


def _active_embedded(lowered: str) -> _EmbeddedGroups:
    """The embedded-chrome groups whose stems occur somewhere in the (lower-cased) text, each with only
    the stems that occur: a paragraph of the text cannot hold a stem the whole text lacks, so its own
    test (in _classify) need not look for the others."""
    active = []
    for reason, stems, pattern in _EMBEDDED:
        present = tuple(stem for stem in stems if stem in lowered)
        if present:
            active.append((reason, present, pattern))
    return tuple(active)


def _icon_run_start(line: str) -> int | None:
    """Offset where an icon-sprite run starts in a line, or None when the line has none."""
    if line.count("icon") < ICON_RUN_MIN:
        return None
    hits = [m.start() for m in _ICON_RE.finditer(line)]
    if len(hits) < ICON_RUN_MIN:
        return None
    first = hits[0]
    # Hits must be dense from there on: one every three words at least.
    if len(hits) * 3 < len(line[first:].split()):
        return None
    return first


# A photo caption ends with its credit: "… (Image: GETTY )", "… Photo: Damian Dovarganes, AP".
_CREDIT_WORDS: Final = frozenset({"image", "photo", "picture", "pic", "credit", "foto", "imagen", "bild"})
CAPTION_MAX_WORDS = 60
CREDIT_TAIL_CHARS = 80


def _ends_with_credit(line: str) -> bool:
    tail = line[-CREDIT_TAIL_CHARS:]
    colon = tail.rfind(":")
    if colon < 0:
        return False
    label = tail[:colon].rstrip().lower()
    if line.endswith(")"):
        label = label[label.rfind("(") + 1 :]
    elif "." in tail[colon:]:  # "Photo: X" closes the line; a sentence after the colon is prose
        return False
    words = label.split()
    return bool(words) and words[-1] in _CREDIT_WORDS


def _is_byline(line: str) -> bool:
    m = _BYLINE_RE.match(line)
    if m is None:
        return False
    # Every word after "by" starts with a capital, connectors aside: "By the end" is not a byline.
    tokens = [t for t in re.split(r"[\s,]+", m.group("names")) if t and t.lower() not in _BYLINE_CONNECTORS]
    return 0 < len(tokens) <= 8 and all(t[0].isupper() or not t[0].isalpha() for t in tokens)


def classify_line(line: str) -> LineVerdict:
    """The kind of one paragraph judged on its own text (``line`` stripped and non-empty)."""
    return _classify(line, word_count(line), _active_embedded(line.lower()), _icon_run_start(line))


def _classify(line: str, n_words: int, embedded: _EmbeddedGroups, icon_at: int | None) -> LineVerdict:
    if n_words <= CHROME_SHORT_MAX_WORDS:
        lowered = line.lower()
        section = _SECTION_RE.match(lowered)
        if section is not None and section.lastgroup is not None:
            return _SECTION_VERDICTS[section.lastgroup]
        whole = _WHOLE_LINE_RE.match(lowered)
        if whole is not None and whole.lastgroup is not None:
            return _WHOLE_LINE_VERDICTS[whole.lastgroup]
        if _DIGIT_RE.search(line) and _DATE_ONLY_RE.match(line):
            return _CHROME["date-line"]
        if n_words <= 6 and ("/" in line or "." in line) and _SIGNATURE_RE.match(line):
            return _CHROME["signature"]
        if _is_byline(line):
            return _CHROME["byline"]
        if _BRACKET_TAG_RE.search(line):
            return _CHROME["inline-link"]
    if icon_at == 0:
        return _CHROME["icon-sprite"]
    if n_words <= CAPTION_MAX_WORDS and _ends_with_credit(line):
        return _CHROME["image-caption"]
    if embedded and n_words <= EMBEDDED_CHROME_MAX_WORDS:
        lowered = line.lower()
        for reason, stems, pattern in embedded:
            for stem in stems:
                if stem in lowered:
                    if pattern.search(line):
                        return _CHROME[reason]
                    break
    if ends_with_ellipsis(line) and TEASER_MIN_WORDS <= n_words <= TEASER_MAX_WORDS:
        return _TEASER
    finished = ends_sentence(line)
    if n_words >= PROSE_MIN_WORDS and finished:
        return _PROSE
    if n_words >= PROSE_UNFINISHED_MIN_WORDS:
        capitalised = len(_CAPITALISED_RE.findall(line))
        if capitalised >= n_words * CAPITALISED_LIST_SHARE or (
            n_words >= UNPUNCTUATED_LIST_MIN_WORDS and not _SENTENCE_INSIDE_RE.search(line)
        ):
            return _TEASER
        return _PROSE
    if n_words >= SENTENCE_MIN_WORDS and finished:
        return _SENTENCE
    return _SHORT


# ---------------------------------------------------------------------------------------------------
# Finding the article among the paragraphs
# ---------------------------------------------------------------------------------------------------

# How much each kind of paragraph stretches the gap between two prose paragraphs, and how much gap a
# cluster survives: a heading or a photo credit inside an article costs 1, a menu of a dozen entries
# or a section marker ends the cluster. Comment-thread chrome (timestamps, votes) costs more so that a
# thread falls apart into single comments. Set on the development half of the extraction benchmark.
GAP_COST: Final[dict[str, float]] = {
    "short": 1.0,
    "chrome": 0.5,
    "teaser": 2.0,
    "section": 5.0,
    "sentence": 0.0,
    "listitem": 0.0,
}
COMMENT_CHROME_GAP_COST = 2.0
REPEATED_LINE_GAP_COST = 1.0
GAP_MAX = 4.0
# A cluster after end-of-article evidence (a comment-thread marker, a copyright line) that follows a
# comparable cluster (a comment thread after the article, a footer) has its weight scaled by this
# factor, "comparable" meaning at least this share of its weight.
AFTER_END_WEIGHT = 0.5
# Two clusters separated by a short box ("Related articles" and three headlines, a photo with its
# caption) are one article when the box costs at most MERGE_GAP_MAX (costs per paragraph below) and
# the other cluster has at least MERGE_MIN_WEIGHT characters of prose. Set on the development half of
# the extraction benchmark.
MERGE_GAP_MAX = 6.0
MERGE_GAP_COST: Final[dict[str, float]] = {
    "short": 1.0,
    "chrome": 0.5,
    "teaser": 1.0,
    "section": 2.0,
    "sentence": 0.5,
    "listitem": 0.5,
    "prose": 1.0,
}
MERGE_MIN_WEIGHT = 200.0
# Evidence in a gap that the article has ended: nothing is merged across it.
_END_REASONS: Final = frozenset(
    {"comment-thread", "comments", "copyright", "cookie-notice", "comment-policy"}
)

_NUMBERED_ITEM_RE: Final = re.compile(r"^\(?(\d{1,3})[.)]\s+\S")
NUMBERED_LIST_MIN_ITEMS = 3


@dataclass(slots=True)
class _Para:
    line: TextLine
    kind: LineKind
    reason: str | None
    words: int
    # The source's recurring-line test until the line has been tested (see `recurring`); None when there
    # is nothing to test (no corpus profile, or the line is chrome on its own evidence).
    recurring_test: Callable[[str], bool] | None = None
    known_recurring: bool = False

    @property
    def recurring(self) -> bool:
        """Whether the line recurs in other articles of the source. Tested when first asked: the test
        folds and hashes the line, and only short, sentence and teaser lines and the paragraphs at the
        article's edges are asked (long prose in between never is)."""
        if self.recurring_test is not None:
            self.known_recurring = self.recurring_test(self.line.text)
            self.recurring_test = None
        return self.known_recurring


@dataclass(slots=True)
class _Cluster:
    first: int
    last: int
    weight: float
    after_end: bool


def _paragraphs(text: str, is_recurring: Callable[[str], bool] | None) -> list[_Para]:
    embedded = _active_embedded(text.lower())
    # A line without "icon" has no icon sprite; most texts have none at all, so their lines skip the test.
    may_have_icons = "icon" in text
    out: list[_Para] = []
    for ln in paragraph_lines(text):
        cut = _icon_run_start(ln.text) if may_have_icons else None
        if not cut:  # the common case: one paragraph, no icon sprite glued to it
            n_words = word_count(ln.text)
            v = _classify(ln.text, n_words, embedded, cut)
            out.append(_Para(ln, v.kind, v.reason, n_words, is_recurring if v.kind != "chrome" else None))
            continue
        pieces = [ln]
        if cut:  # an icon sprite glued to the end of a paragraph: split it off
            head = ln.text[:cut].rstrip()
            pieces = [
                TextLine(ln.start, ln.start + len(head), head),
                TextLine(ln.start + cut, ln.end, ln.text[cut:]),
            ]
        for n, piece in enumerate(pieces):
            n_words = word_count(piece.text)
            icon_at = cut if len(pieces) == 1 else (0 if n else None)
            v = _classify(piece.text, n_words, embedded, icon_at)
            out.append(_Para(piece, v.kind, v.reason, n_words, is_recurring if v.kind != "chrome" else None))
    _mark_numbered_lists(out)
    if is_recurring is not None:
        _settle_recurring(out)
    if _is_page(out):
        _mark_repeated(out)
    return out


def _settle_recurring(paras: list[_Para]) -> None:
    """Lines seen in several articles of the source are chrome, except a template subheading ("What
    happens next") above body text; recurring prose is only trimmed at the article's edges."""
    for i, p in enumerate(paras):
        if p.kind not in ("short", "teaser", "sentence") or not p.recurring:
            continue
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        if not _is_heading(p, nxt):
            p.kind, p.reason = "chrome", "recurring-line"


def _mark_repeated(paras: list[_Para]) -> None:
    """On a flattened page, short lines that occur more than once are template: kickers, duplicated
    headlines. (Not in an article's own text, where a repeated line is a speaker's name or a refrain.)"""
    candidates = [p for p in paras if p.kind in ("short", "teaser")]
    keys = [p.line.text.lower() for p in candidates]
    if len(set(keys)) == len(keys):
        return
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    for p, key in zip(candidates, keys, strict=True):
        if counts[key] > 1:
            p.kind, p.reason = "chrome", "repeated-line"


def _mark_numbered_lists(paras: list[_Para]) -> None:
    """Short paragraphs numbered 1, 2, 3… in sequence are the items of a list in the article."""
    run: list[_Para] = []
    expected = 1
    for p in paras:
        m = _NUMBERED_ITEM_RE.match(p.line.text) if p.kind in ("short", "sentence", "teaser") else None
        number = int(m.group(1)) if m else None
        if number is not None and number in (expected, 1):
            if number == 1:
                _flush_list(run)
                run = []
            run.append(p)
            expected = number + 1
        elif p.kind != "chrome":
            _flush_list(run)
            run = []
            expected = 1
    _flush_list(run)


def _flush_list(run: list[_Para]) -> None:
    if len(run) >= NUMBERED_LIST_MIN_ITEMS:
        for p in run:
            p.kind = "listitem"


def _gap_cost(p: _Para) -> float:
    if p.reason == "comments":
        return COMMENT_CHROME_GAP_COST
    if p.reason == "repeated-line":
        return REPEATED_LINE_GAP_COST
    return GAP_COST[p.kind]


def _clusters(paras: list[_Para]) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    cur: _Cluster | None = None
    gap = 0.0
    seen_end = False
    for i, p in enumerate(paras):
        if p.kind == "prose":
            if cur is None or gap > GAP_MAX:
                cur = _Cluster(i, i, 0.0, seen_end)
                clusters.append(cur)
            cur.last = i
            cur.weight += len(p.line.text)
            gap = 0.0
        elif p.kind in ("sentence", "listitem") and cur is not None and gap <= GAP_MAX:
            cur.last = i
            cur.weight += len(p.line.text) / 2
            gap = 0.0
        else:
            gap += _gap_cost(p)
            if p.reason in _END_REASONS and clusters:
                seen_end = True
    return clusters


def _groups(paras: list[_Para], clusters: list[_Cluster]) -> list[_Cluster]:
    """Clusters joined across short boxes into candidate articles.

    Clusters too light to stand on their own (a teaser line between two boxes) neither join nor
    separate: they count as part of the gap and end up inside a group when it spans them.
    """
    heavy = [c for c in clusters if c.weight >= MERGE_MIN_WEIGHT] or clusters
    groups: list[_Cluster] = []
    for c in heavy:
        last = groups[-1] if groups else None
        if last is not None and _mergeable(paras[last.last + 1 : c.first]):
            last.last = c.last
        else:
            groups.append(_Cluster(c.first, c.last, 0.0, c.after_end))
    at = 0
    for g in groups:  # weigh each group with every cluster inside it, light ones included
        while at < len(clusters) and clusters[at].first <= g.last:
            if clusters[at].first >= g.first:
                g.weight += clusters[at].weight
            at += 1
    return groups


def _mergeable(gap: list[_Para]) -> bool:
    cost = 0.0
    for p in gap:
        if p.reason in _END_REASONS:
            return False
        cost += REPEATED_LINE_GAP_COST if p.reason == "repeated-line" else MERGE_GAP_COST[p.kind]
    return cost <= MERGE_GAP_MAX


def _best_group(groups: list[_Cluster]) -> _Cluster:
    """The heaviest group; one that comes after the end of a comparable group (a comment thread or a
    footer after the article) counts for less."""
    best, best_score = groups[0], groups[0].weight
    heaviest_before = groups[0].weight
    for g in groups[1:]:
        score = g.weight
        if g.after_end and heaviest_before >= g.weight * AFTER_END_WEIGHT:
            score *= AFTER_END_WEIGHT
        if score > best_score:
            best, best_score = g, score
        heaviest_before = max(heaviest_before, g.weight)
    return best


def _article_range(paras: list[_Para], clusters: list[_Cluster], title_at: int | None) -> tuple[int, int]:
    """First and last paragraph of the article."""
    best = _best_group(_groups(paras, clusters))
    first, last = best.first, best.last
    # A standfirst directly above the first paragraph belongs to the article.
    while first > 0 and first - 1 != title_at and _is_lead_in(paras[first - 1]):
        first -= 1
    # A paywall cuts the last paragraph short with an ellipsis: it is still the article's.
    if (
        last + 1 < len(paras)
        and paras[last + 1].kind == "teaser"
        and paras[last + 1].words >= PROSE_MIN_WORDS
    ):
        last += 1
    # Boilerplate that recurs across the source's articles is trimmed from both ends.
    while first < last and paras[first].recurring:
        first += 1
    while last > first and paras[last].recurring:
        last -= 1
    return first, last


def _is_lead_in(p: _Para) -> bool:
    lead_in_kind = p.kind in ("prose", "sentence") or (p.kind == "short" and p.words >= STANDFIRST_MIN_WORDS)
    return lead_in_kind and not p.recurring


def _looks_like_headline(line: str) -> bool:
    """Titles may end with a full stop but are mostly capitalised words ("Stealth Over Health: …")."""
    return len(_CAPITALISED_RE.findall(line)) >= word_count(line) * CAPITALISED_LIST_SHARE


TITLE_SEARCH_PARAS = 8  # the title is among the first paragraphs that are not chrome
# Characters past the hint's length at which a long paragraph is cut before folding (see _says_title):
# enough that the folded prefix is rarely shorter than the hint (whitespace runs shrink when folded).
TITLE_PREFIX_SLACK = 16


def _title_index(paras: list[_Para], title_hint: str | None) -> int | None:
    """The paragraph that is the article's title: the first one that is not chrome, if heading-like."""
    if title_hint:
        # The input names its title: the title line is the paragraph that says it, if any.
        hint = fold_line(title_hint)
        for i, p in enumerate(paras[:TITLE_SEARCH_PARAS]):
            if _says_title(p.line.text, hint):
                return i
        return None
    for i, p in enumerate(paras[:TITLE_SEARCH_PARAS]):
        if p.kind in ("chrome", "section"):
            continue
        if p.kind == "teaser" or p.words > TITLE_MAX_WORDS:
            return None
        if ends_sentence(p.line.text) and not _looks_like_headline(p.line.text):
            return None
        return i
    return None


def _says_title(text: str, hint: str) -> bool:
    """Whether a paragraph is the title ``hint`` (folded): the same line, or one of the two starts with
    the other and the paragraph is at least half as long.

    The first paragraphs are often long, and only their beginning can match, so a long paragraph is
    folded up to a space past the hint's length: folding treats text on either side of a space
    independently, so the folded paragraph starts with that folded prefix, a space and more text.
    """
    cut = text.find(" ", len(hint) + TITLE_PREFIX_SLACK)
    if cut > 0:
        prefix = fold_line(text[:cut])
        if len(prefix) >= len(hint):
            # The whole folded paragraph is longer than the hint and starts with ``prefix``.
            return prefix.startswith(hint)
    line = fold_line(text)
    return line == hint or (len(line) >= len(hint) // 2 and (line.startswith(hint) or hint.startswith(line)))


def _is_heading(p: _Para, nxt: _Para | None) -> bool:
    """An in-body subheading: a short line, not a sentence or a quote, followed by body text."""
    if p.kind != "short" or p.words > HEADING_MAX_WORDS or nxt is None:
        return False
    text = p.line.text
    if text[0] in "\"“‘'«" or ends_sentence(text) or text.endswith(("…", "...", ",", ";")):
        return False
    return nxt.kind in ("prose", "sentence", "listitem", "teaser")


# ---------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParagraphDecision:
    """One paragraph of the input and what the cleaner did with it, for inspection and tests."""

    start: int
    end: int
    text: str
    kind: LineKind
    keep: bool
    reason: str | None  # why it was removed ("navigation", "outside-article"…), or None when kept


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A line the cleaner took out of the body, with the evidence that condemned it."""

    text: str
    reason: str


@dataclass(slots=True)
class CleanResult:
    """What :func:`clean_text` found: the body and an account of everything it removed."""

    body: str
    paragraphs: list[Span] = field(default_factory=list)
    headings: list[Span] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)
    title_line: str | None = None


def explain(
    text: str, *, is_recurring: Callable[[str], bool] | None = None, title_hint: str | None = None
) -> list[ParagraphDecision]:
    """Every paragraph of ``text`` with its kind and whether the article keeps it (and why not)."""
    paras = _paragraphs(text, is_recurring)
    title_at = _mark_title(paras, title_hint)
    keep = _decide(paras, title_at, page=_is_page(paras))
    out: list[ParagraphDecision] = []
    for i, p in enumerate(paras):
        reason = None if keep[i] else _removal_reason(p)
        out.append(ParagraphDecision(p.line.start, p.line.end, p.line.text, p.kind, keep[i], reason))
    return out


def _removal_reason(p: _Para) -> str:
    if p.reason is not None:
        return p.reason
    return "outside-article"


def _mark_title(paras: list[_Para], title_hint: str | None) -> int | None:
    """Find the title and mark it as chrome, so that it never starts or joins the article."""
    title_at = _title_index(paras, title_hint)
    if title_at is not None:
        paras[title_at].kind = "chrome"
        paras[title_at].reason = "title"
    return title_at


# Text with a run of this many menu-like lines (short, unfinished, at most MENU_ENTRY_MAX_WORDS words)
# is a flattened web page. Calibrated on three corpora: 95% of the extraction benchmark's flattened
# pages have a run of 10 or more, while 99% of trafilatura's output for the same pages and of 3,000
# allsides articles have runs of 7 or fewer.
PAGE_MENU_RUN = 8
MENU_ENTRY_MAX_WORDS = 4


def _is_menu_like(p: _Para) -> bool:
    return (
        p.kind in ("short", "chrome", "section")
        and p.words <= MENU_ENTRY_MAX_WORDS
        and not ends_sentence(p.line.text)
    )


def _is_page(paras: list[_Para]) -> bool:
    """Whether the text is a whole flattened page (menus and all) rather than an article's text."""
    run = 0
    for p in paras:
        if _is_menu_like(p):
            run += 1
            if run >= PAGE_MENU_RUN:
                return True
        else:
            run = 0
    return False


def _decide(paras: list[_Para], title_at: int | None, *, page: bool) -> list[bool]:
    """Which paragraphs the article keeps.

    On a flattened page everything outside the article is removed. On text that is already an
    article (no menus), only explicit chrome is removed, plus whatever lies beyond a section marker or
    end-of-article evidence on the far side of the article ("Check Also" and its teaser); short lines
    around the article without such evidence (a transcript's speaker names, a list) stay.
    """
    keep = [False] * len(paras)
    clusters = _clusters(paras)
    if not clusters:
        first, last = len(paras), -1
    else:
        first, last = _article_range(paras, clusters, title_at)
    for i in range(first, last + 1):
        keep[i] = paras[i].kind not in ("chrome", "section")
    if page:
        return keep
    cut_before = max(
        (i for i in range(min(first, len(paras))) if _closes_section(paras[i], i, title_at)), default=-1
    )
    cut_after = min(
        (i for i in range(last + 1, len(paras)) if _closes_section(paras[i], i, None)), default=len(paras)
    )
    for i, p in enumerate(paras):
        if (cut_before < i < first or last < i < cut_after) and p.kind in (
            "prose",
            "sentence",
            "short",
            "listitem",
        ):
            keep[i] = True
    return keep


def _closes_section(p: _Para, i: int, title_at: int | None) -> bool:
    return i == title_at or p.kind == "section" or p.reason in _END_REASONS


def clean_text(
    text: str, *, is_recurring: Callable[[str], bool] | None = None, title_hint: str | None = None
) -> CleanResult:
    """Find the article in ``text``: its body (kept paragraphs joined by blank lines), paragraph and
    heading spans into that body, the removed lines with their reasons and the title line."""
    paras = _paragraphs(text, is_recurring)
    title_at = _mark_title(paras, title_hint)
    keep = _decide(paras, title_at, page=_is_page(paras))
    result = CleanResult(body="")
    kept = [i for i, k in enumerate(keep) if k]
    pieces: list[str] = []
    offset = 0
    for n, i in enumerate(kept):
        p = paras[i]
        if pieces:
            offset += 2
        span = Span(offset, offset + len(p.line.text), p.line.text)
        pieces.append(p.line.text)
        result.paragraphs.append(span)
        nxt = paras[kept[n + 1]] if n + 1 < len(kept) else None
        if n > 0 and _is_heading(p, nxt):
            result.headings.append(span)
        offset = span.end
    result.body = "\n\n".join(pieces)
    for i, p in enumerate(paras):
        if keep[i]:
            continue
        if i == title_at:
            result.title_line = p.line.text
        else:
            result.removed.append(RemovedLine(p.line.text, _removal_reason(p)))
    return result


def structure_spans(text: str, *, title_hint: str | None = None) -> tuple[list[Span], list[Span], str | None]:
    """Paragraphs and headings of a text kept as it is (no cleaning), and its title line if any.

    Used when an input must not be altered (benchmark texts whose offsets must line up): the title
    stays in the text and is neither a paragraph of the body nor a heading.
    """
    paras = _paragraphs(text, None)
    title_at = _mark_title(paras, title_hint)
    spans: list[Span] = []
    headings: list[Span] = []
    for i, p in enumerate(paras):
        span = Span(p.line.start, p.line.end, p.line.text)
        spans.append(span)
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        if i != title_at and i > 0 and _is_heading(p, nxt):
            headings.append(span)
    title = paras[title_at].line.text if title_at is not None else None
    return spans, headings, title


# ---------------------------------------------------------------------------------------------------
# Lines that recur across the articles of one source
# ---------------------------------------------------------------------------------------------------

# Only lines up to this long are counted: page chrome is short, and counting long prose would cost
# memory for nothing.
PROFILE_MAX_LINE_CHARS = 300
# A line is recurring when it appears in at least this many articles of a source, and in at least this
# share of them (so that a phrase common across a huge source is not enough on its own).
PROFILE_MIN_ARTICLES = 3
PROFILE_MIN_SHARE = 0.02
# The counting table is bounded: when it holds this many entries, entries seen once are dropped
# (lossy counting); a line that recurs is seen again soon after and survives.
PROFILE_MAX_ENTRIES = 400_000


def source_key(article: Article) -> str:
    """Which source an article belongs to: its outlet from the input, else URL domain, else its folder."""
    outlet = article.input_meta.get("outlet") or article.input_meta.get("sitename")
    if isinstance(outlet, str) and outlet.strip():
        return "outlet:" + fold_line(outlet)
    if article.url:
        host = urlsplit(article.url).hostname or ""
        if host:
            return "domain:" + host.removeprefix("www.")
    path = article.source.split("#", 1)[0].replace("\\", "/")
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    return "folder:" + folder


@dataclass(frozen=True, slots=True)
class CorpusProfile:
    """Lines known to recur across articles of one source (hashes of folded lines, per source)."""

    recurring: dict[str, frozenset[int]]

    def is_recurring(self, source: str, line: str) -> bool:
        lines = self.recurring.get(source)
        return lines is not None and len(line) <= PROFILE_MAX_LINE_CHARS and line_hash(line) in lines

    def checker(self, source: str) -> Callable[[str], bool] | None:
        """A per-line test for one source, or None when nothing recurs in it."""
        lines = self.recurring.get(source)
        if not lines:
            return None
        return lambda line: len(line) <= PROFILE_MAX_LINE_CHARS and line_hash(line) in lines


class CorpusProfiler:
    """First pass over a run's inputs: counts, per source, in how many articles each short line occurs.

    Memory stays bounded (see ``PROFILE_MAX_ENTRIES``) whatever the number of articles.
    """

    def __init__(self, max_entries: int = PROFILE_MAX_ENTRIES) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._articles: dict[str, int] = {}
        self._max_entries = max_entries

    def add(self, article: Article) -> None:
        source = source_key(article)
        self._articles[source] = self._articles.get(source, 0) + 1
        counts = self._counts
        for h in line_hashes(article.raw_text, PROFILE_MAX_LINE_CHARS):
            key = (source, h)
            counts[key] = counts.get(key, 0) + 1
        if len(counts) > self._max_entries:
            self._prune()

    def _prune(self) -> None:
        self._counts = {k: v for k, v in self._counts.items() if v > 1}
        if len(self._counts) > self._max_entries * 3 // 4:
            # Still too full: keep the most frequent lines only.
            ranked = sorted(self._counts.items(), key=lambda kv: kv[1], reverse=True)
            self._counts = dict(ranked[: self._max_entries // 2])

    def build(self) -> CorpusProfile:
        recurring: dict[str, set[int]] = {}
        for (source, h), n in self._counts.items():
            total = self._articles.get(source, 0)
            if n >= PROFILE_MIN_ARTICLES and n >= total * PROFILE_MIN_SHARE:
                recurring.setdefault(source, set()).add(h)
        return CorpusProfile({s: frozenset(v) for s, v in recurring.items()})


# ---------------------------------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------------------------------


class Cleaner:
    """Stage: removes page chrome from ``raw_text`` into ``body`` and finds paragraphs and headings.

    With ``article.clean`` False the body is ``raw_text`` unchanged (offsets of benchmark texts must
    line up) and only paragraphs, headings and the title line are computed. The title line goes to
    ``article.input_meta["title_line"]`` in both cases.
    """

    name = "clean"
    needs: tuple[str, ...] = ("raw_text", "clean", "html", "input_meta")
    adds: tuple[str, ...] = ("body", "boilerplate", "headings", "paragraphs")

    def __init__(self, profile: CorpusProfile | None = None) -> None:
        self.profile = profile

    def __call__(self, article: Article) -> Article:
        hint = article.input_meta.get("title")
        title_hint = hint if isinstance(hint, str) and hint.strip() else None
        if not article.clean:
            paragraphs, headings, title_line = structure_spans(article.raw_text, title_hint=title_hint)
            article.body = article.raw_text
            article.paragraphs = paragraphs
            article.headings = headings
            article.boilerplate = []
        else:
            checker = self.profile.checker(source_key(article)) if self.profile is not None else None
            result = clean_text(article.raw_text, is_recurring=checker, title_hint=title_hint)
            article.body = result.body
            article.paragraphs = result.paragraphs
            article.headings = result.headings
            article.boilerplate = [r.text for r in result.removed]
            title_line = result.title_line
        if title_line is not None:
            article.input_meta["title_line"] = title_line
        return article
