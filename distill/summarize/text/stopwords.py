"""Stop words per language, plus the words of spoken English that carry no topic."""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The set of whitespace-separated words of a text."""
    return frozenset(text.split())


_set = word_set


_EN = _set(
    """
a about above after again against all almost along already also although always am among an and
another any anybody anyone anything anyway anywhere are aren't around as at away back be became
because become becomes been before being below beside besides between beyond both but by can
can't cannot could couldn't did didn't do does doesn't doing don't done down during each either
else enough etc even ever every everybody everyone everything everywhere except few for from
further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
him himself his how how's however i i'd i'll i'm i've if in indeed instead into is isn't it it's
its itself just least less let let's may maybe me might mine more most mostly much must mustn't my
myself neither never nevertheless next no nobody none nor not nothing now nowhere of off often on
once one ones only onto or other others otherwise ought our ours ourselves out over own per perhaps
please quite rather really same several shall shan't she she'd she'll she's should shouldn't since
so some somebody someone something sometimes somewhat somewhere still such than that that's the
their theirs them themselves then there there's therefore these they they'd they'll they're
they've this those though through throughout thus to together too toward towards under unless
until up upon us very via was wasn't we we'd we'll we're we've were weren't what what's whatever
when when's whenever where where's whereas wherever whether which while who who's whoever whole
whom whose why why's will with within without won't would wouldn't yet you you'd you'll you're
you've your yours yourself yourselves
"""
)

# Conversation glue: frequent in speech, never what a talk is about.
SPOKEN_STOPWORDS = _set(
    """
yeah yep yup nope okay ok oh ah alright right well like actually basically literally
gonna wanna gotta kinda sorta dunno ain't y'know cause 'cause cos
thing things stuff lot lots bit kind sort sorts kinds way ways
know knew known think thought thinking mean means meant guess suppose say says said saying
get gets got getting gotten go goes going gone went come comes came coming
want wants wanted see seen saw look looks looked looking tell told talk talking talked
make makes made making take takes took taken put puts give gives gave given
sure good great nice fine cool true probably definitely certainly obviously totally exactly
pretty fairly sort-of kind-of just even still already really very
hey hi hello bye thanks thank please sorry
ones two three first second last new old big small little
today now yesterday tomorrow
huh er
id need needs needed try tried trying use used using
able lots whatever anyway anyways somehow
particularly especially usually generally simply clearly specifically essentially completely
entirely honestly hopefully eventually finally mainly nearly typically suddenly apparently
presumably necessarily slightly largely explain explains explained explaining
yes no not
"""
)

_ES = _set(
    """
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
ella ellas ellos en entre era eran es esa esas ese eso esos esta estaba estado estamos estan
estar este esto estos fue fueron ha hay la las le les lo los mas me mi mis mucho muy más nada ni
no nos nosotros o otra otro para pero poco por porque que quien se ser si sin sobre son su sus
también te tiene todo todos tu un una uno unos y ya yo él es está están qué
"""
)
_FR = _set(
    """
a ai au aux avec avoir c ce cela ces cet cette comme dans de des du elle elles en est et être eu
il ils je la le les leur leurs lui ma mais me même mes moi mon ne nos notre nous on ou où par pas
pour qu que qui sa se ses son sont sur ta te tes toi ton tu un une vos votre vous y était été
c'est n'est j'ai qu'il plus tout très bien aussi
"""
)
_DE = _set(
    """
aber alle als also am an auch auf aus bei bin bis bist da damit dann das dass dem den der des die
dies diese dieser dieses doch du durch ein eine einem einen einer eines er es für hat hatte
haben ich ihr im in ist ja kann kein keine mit nach nicht noch nur oder schon sehr sich sie sind
so um und uns unter vom von vor war waren was weil wenn werden wie wir wird wo zu zum zur über
"""
)
_IT = _set(
    """
a ad al alla alle anche che chi ci come con da dal dalla dei del della delle di e è ed gli ha
hanno i il in io la le lei li lo loro lui ma mi molto ne nel nella noi non o per perché più
quello questa questo se si sono su sua suo tra tu un una uno vi
"""
)
_PT = _set(
    """
a ao aos as até com como da das de dela dele do dos e ela ele eles em entre era essa esse esta
este eu foi isso isto já mais mas me muito na nas não no nos o os ou para pela pelo por que
quando se sem ser seu sua são também te tem um uma você é está
"""
)
_NL = _set(
    """
aan al als bij dan dat de der die dit door een en er had heb heeft het hij hoe ik in is ja je
kan maar me met mij na naar niet nog nu of om ons ook op over te tot uit van veel voor was wat
we wel werd wie wij worden zal ze zich zijn zo zou
"""
)

STOPWORDS: dict[str, frozenset[str]] = {
    "en": _EN,
    "es": _ES,
    "fr": _FR,
    "de": _DE,
    "it": _IT,
    "pt": _PT,
    "nl": _NL,
}
