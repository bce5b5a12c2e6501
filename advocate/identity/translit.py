"""Fold a name to a script-neutral "skeleton", so Шахноза, Shaxnoza and Shakhnoza compare equal.

The same Uzbek name is written in Uzbek Cyrillic, Uzbek Latin, Russian Cyrillic and the Latin of
Russian documents. ``skeleton(word)`` rewrites one word as plain lowercase Latin with the variant
spellings folded together; two spellings of a name match when their skeletons are equal.

Folding table, applied in this order:

1. Unicode NFKC (fullwidth letters, ligatures), then casefold (so ``ЖАСУР`` = ``жасур``).
2. Apostrophes dropped: ' ʻ ʼ ‘ ’ ` ´ ʹ ʾ ʿ — so Oʻ = O' = O` = O‘ = O’ = O and Gʻ = G; the
   soft hyphen and zero-width (non-)joiners are dropped too.
3. Cyrillic to Latin, letter by letter::

       а a   б b   в v   г g   ғ g   д d   е e   ё yo  ж j   з z   и i   й y   к k   қ k
       л l   м m   н n   о o   ў o   п p   р r   с s   т t   у u   ф f   х h   ҳ h   ц ts
       ч ch  ш sh  щ shch  ъ -  ы y   ь -   э e   ю yu  я ya
       (Kazakh, Tajik, Ukrainian extras: ә a  ө o  ү u  ұ u  ң ng  һ h  і i  ї yi  є ye  ґ g
       ҷ j  ӣ i  ӯ u)

4. Latin letters with marks: ş sh, ç ch, ğ g, ı i (the 1990s Uzbek Latin); any other mark is
   stripped (ö o, é e).
5. Variant spellings folded (regular-expression replacements, in this order)::

       dzh, zh, dj -> j    Ж = J = Zh, Дж = Dj = Dzh
       gh          -> g    Ғ = Gʻ = Gh
       kh, x       -> h    Х = X = Kh = H, Ҳ = H
       q           -> k    Қ = Q = K
       w           -> v
       ye          -> e    Е = E = Ye, Э = E
       doubled letters -> one   Sayyora = Sayora, Muhammad = Muhamad
       iy          -> i    Зиёда = Ziyoda (ziyoda -> zioda), Мария = Mariya = Maria
       y not before a, e, o, u -> i    Й, Ы = Y = I: Евгений = Evgeniy = Evgeny; Рыков = Rikov
       doubled letters -> one (again, for the ii the step above can make)

   Kept as they are: sh, ch, ts, shch, yo, yu, ya (Ш Ч Ц Щ Ё Ю Я).

Variants that letter folding cannot derive (Russian paperwork writing Ўктам as "Уктам", or
Ғуломов as "Гулямов") are not guessed: they belong in the identity record's "other spellings".
"""

from __future__ import annotations

import re
import unicodedata

# Uzbek writes oʻ/gʻ and the tutuq belgisi with any of these; all count as the same (absent) mark.
APOSTROPHES = "'\u02bb\u02bc\u2018\u2019`\u00b4\u02b9\u02be\u02bf"
# Invisible characters that can sit inside a word without splitting it.
JOINERS = "\u00ad\u200c\u200d"

_DROP = str.maketrans(dict.fromkeys(APOSTROPHES + JOINERS, ""))

_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo",
        "ж": "j", "з": "z", "и": "i", "й": "y", "к": "k", "қ": "k", "л": "l", "м": "m",
        "н": "n", "о": "o", "ў": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "h", "ҳ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
        "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
        "ә": "a", "ө": "o", "ү": "u", "ұ": "u", "ң": "ng", "һ": "h", "і": "i", "ї": "yi",
        "є": "ye", "ґ": "g", "ҷ": "j", "ӣ": "i", "ӯ": "u",
    }
)  # fmt: skip

_MARKED_LATIN = str.maketrans({"ş": "sh", "ç": "ch", "ğ": "g", "ı": "i"})

_VARIANTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("dzh|zh|dj"), "j"),
    (re.compile("gh"), "g"),
    (re.compile("kh|x"), "h"),
    (re.compile("q"), "k"),
    (re.compile("w"), "v"),
    (re.compile("ye"), "e"),
)
_DOUBLE = re.compile(r"(.)\1+")
_IY = re.compile("iy")
_Y_AS_I = re.compile("y(?![aeou])")


def collapse_doubles(folded: str) -> str:
    """Reduce every run of one repeated letter to a single letter."""
    return _DOUBLE.sub(r"\1", folded)


def skeleton(word: str) -> str:
    """The folded Latin skeleton of one word (see the module docstring for the table)."""
    text = unicodedata.normalize("NFKC", word).casefold().translate(_DROP)
    text = text.translate(_CYRILLIC).translate(_MARKED_LATIN)
    # Decompose and keep only letters and digits: strips accents, combining marks, stray spaces.
    text = "".join(c for c in unicodedata.normalize("NFD", text) if c.isalnum()).lower()
    for pattern, replacement in _VARIANTS:
        text = pattern.sub(replacement, text)
    text = collapse_doubles(text)
    text = _Y_AS_I.sub("i", _IY.sub("i", text))
    return collapse_doubles(text)
