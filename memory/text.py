"""Words, for questions and evidence: one tokeniser, one stemmer, the stop words and the
calendar's names. The reader, the answerer, query analysis and retrieval use these and no
copies of their own.

The stemmer is the English Snowball (Porter 2) stemmer from the `snowballstemmer` package
("meeting" -> "meet", "installed" -> "instal", "deliveries" -> "deliveri"): it conflates
the forms of a word without the false matches of a fixed-length prefix ("instance" and
"installed" both became "insta" with the five-letter cut used before). Tokens holding a
digit ("4471", "v2.3") are kept whole.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

# Function words: noise in a query (the store's FTS query drops the same set).
STOPWORDS = frozenset("""a an and are as at be been but by can could did do does for from
had has have how i if in into is it its me my of on or our so than that the their them
then there these they this to was we were what when where which who whom why will with
would you your yours he she his her him hers about after before did does done just also
any some""".split())

# ... and the words that make a question a question, not what it is about.
QUESTION_WORDS = STOPWORDS | frozenset(
    {"much", "many", "long", "time", "tonight", "today", "yesterday", "around", "which",
     "whose", "should", "does", "now", "did", "my", "what", "when", "where", "who", "how"})

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A month's name or its three-letter form ("Mar", "march"), for regular expressions.
MONTH_RE = "|".join(MONTHS + tuple(m[:3] for m in MONTHS))

_WORD = re.compile(r"[a-z0-9]+(?:[.,:'][a-z0-9]+)*")
_STEMMER = snowballstemmer.stemmer("english")


def words(text: str) -> list[str]:
    """Lower-case tokens; a number keeps its inner punctuation ("14:20", "1,299.00")."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case word; a token with a digit is kept whole."""
    if any(ch.isdigit() for ch in word):
        return word
    return _STEMMER.stemWord(word.replace("'", ""))


def content_words(text: str) -> list[str]:
    """The words of `text` that say what it is about (no question or function words)."""
    return [w for w in words(text) if w not in QUESTION_WORDS and len(w) > 1]


def stems(text: str) -> set[str]:
    return {stem(w) for w in words(text)}


def coverage(question: str, text: str) -> float:
    """Share of the question's content words (stemmed) present in `text`."""
    return share_in({stem(w) for w in content_words(question)}, text)


def share_in(asked: set[str], text: str) -> float:
    """Share of the stems `asked` present in `text` (0 when none are asked)."""
    return len(asked & stems(text)) / len(asked) if asked else 0.0


def month_index(name: str) -> int:
    """1-12 for a month's name or its first three letters."""
    return [m[:3] for m in MONTHS].index(name.lower()[:3]) + 1
