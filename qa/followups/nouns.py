"""The words follow-ups are read with: kinds of things, the nouns that name them, question words,
and the verbs, prepositions and adverbs where a noun phrase ends.

Kept apart from the code that reads questions so the lists can grow without hiding the logic.
"""

from __future__ import annotations

from enum import Enum


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one string, to keep the lists readable."""
    return frozenset(words.split())


class Kind(Enum):
    """What sort of thing a mention is; decides which words can point back at it."""

    PERSON = "person"
    ORGANISATION = "organisation"
    PLACE = "place"
    THING = "thing"
    TIME = "time"
    AMOUNT = "amount"
    DESCRIPTION = "description"
    """A clause or a long phrase: an answer nothing points back at."""


# Nouns that say what kind of thing a question asks for ("which airline", "what year") and what
# a definite description ("the company", "the city") can point back at.
_CATEGORY_NOUNS: dict[Kind, frozenset[str]] = {
    Kind.PERSON: word_set(
        "person man woman star singer poet player quarterback president chief ceo leader actor "
        "actress bidder heir king queen emperor duke author writer chair founder official "
        "minister pilot teenager champion winner owner chemist scientist mvp captain coach"
    ),
    Kind.ORGANISATION: word_set(
        "company companies firm airline airlines retailer automaker network chain team group "
        "school college university body organisation organization channel party station service "
        "bank agency club band broadcaster consortium program programme project business brand "
        "carrier insurer"
    ),
    Kind.PLACE: word_set(
        "country countries nation city town state region island continent place area venue "
        "stadium county park river sea fort port capital village site duchy province"
    ),
    Kind.TIME: word_set("year date day month century time period decade season era"),
    Kind.AMOUNT: word_set("amount number percentage share price ratio sum figure cost rate total"),
    Kind.THING: word_set(
        "book play show series film movie song album product model treaty edict act law term word "
        "theorem test element gas drug card menu deal plan campaign auction lunch sale summit "
        "invitation war plot stock device vehicle car suv doctrine settlement"
    ),
    Kind.DESCRIPTION: word_set(
        "nationality religion position color colour kind type sort style genre role job language "
        "meaning"
    ),
}
KIND_OF_NOUN = {noun: kind for kind, nouns in _CATEGORY_NOUNS.items() for noun in nouns}
EVENT_NOUNS = word_set(
    "deal sale lunch auction campaign summit invitation claim merger split contract extension "
    "increase rise fall drop average"
)
"""Things that happen to someone: "the deal" is read as "the <topic> deal", not replaced."""
RELATIONAL_NOUNS = word_set("score result outcome population winner mvp model high low peak")
"""Things that belong to something: "the final score" is read as "the final score of <topic>"."""
BROADER = {
    "company": word_set(
        "airline retailer automaker chain network broadcaster carrier insurer bank firm brand "
        "business"
    ),
    "firm": word_set("airline retailer automaker chain insurer bank company"),
    "term": frozenset({"word"}),
    "word": frozenset({"term"}),
    "school": frozenset({"college", "university"}),
    "country": frozenset({"nation"}),
    "group": frozenset({"family", "consortium", "investors", "owners", "buyers"}),
    "nation": frozenset({"country"}),
}
"""Nouns that may point back at something introduced with a narrower one ("the company" at
the answer to "which airline")."""

QUESTION_WORDS = word_set("who whom whose what which when where why how")
AUXILIARIES = word_set(
    "did does do is was are were has have had will would can could should may might must 's"
)
DO_SUPPORT = word_set(
    "did does do didn't doesn't don't will would can could should may might must shall won't "
    "can't couldn't wouldn't shouldn't"
)
"""Auxiliaries that take a bare verb: after "when did the king ...", a verb follows the king."""
PREPOSITIONS = word_set(
    "about above across after against along among amongst around as at before behind below "
    "beneath beside besides between beyond by despite down during except for from in inside "
    "into like near of off on onto out outside over past per since than through throughout "
    "till to toward towards under underneath unlike until up upon via with within without worth"
)
"""Prepositions, and the particles of phrasal verbs ("hand over", "set up"): where a noun
phrase ends."""
ADVERBS = word_set(
    "so very too also then now still just ever never already yet again there here today "
    "yesterday tomorrow ago soon exactly almost quite rather instead else together apart abroad "
    "anyway always often sometimes not first next later earlier"
)
"""Adverbs: where a noun phrase ends, unless one comes right after "the" as an adjective
("the first woman", "the next match"). Those made with -ly are told by their ending."""
VERBS = word_set(
    "say says said happen happens happened occur occurs occurred become becomes became begin "
    "begins began go goes went get gets got give gives gave take takes took tell tells told know "
    "knows knew come comes came seem seems bring brings brought buy buys bought make makes sell "
    "sells send sends spend spends win wins grew write writes wrote speak speaks spoke choose "
    "chooses chose forget forgets forgot teach teaches taught wore threw sang swam die dies"
)
"""Verb forms seldom met inside a noun phrase: where one ends ("when did the king die?")."""
PARTICIPLES = word_set(
    "begun gone gotten given taken known seen built made found sold sent spent lost won grown "
    "written spoken chosen eaten forgotten hidden held kept led met paid thrown worn broken "
    "stolen fallen risen driven flown done shown torn sworn struck stuck beaten bitten blown "
    "caught dealt drawn drunk dug fed fled forbidden forgiven frozen fought hung heard laid lent "
    "meant ridden rung shaken sought slain stood sung sunk swept understood withdrawn woken "
    "undertaken overcome overseen overtaken shut put quit let"
)
"""Irregular participles: one may describe a noun ("the stolen car") but a phrase never ends
on one ("when was the car stolen?")."""
LY_NOUNS = word_set(
    "family supply assembly rally ally monopoly anomaly reply daily weekly monthly quarterly "
    "bully belly jelly lily folly tally holly gully butterfly elderly"
)
"""Words in -ly that are nouns, not adverbs: a phrase may end on one ("the royal family")."""
ING_NOUNS = word_set(
    "building meeting wedding ceiling painting hearing ruling funding spending morning evening "
    "setting feeling offering landing opening warning training housing recording shooting "
    "bombing uprising killing ending beginning clothing sibling crossing gathering listing "
    "rating ranking saving holding booking filing finding reading sitting standing earning "
    "lending borrowing pricing heading clearing dealing bidding signing marketing banking "
    "engineering lightning pudding darling"
)
"""Words in -ing that are nouns: "where is the new building?" ends on one, "why is the euro
falling?" does not."""
FEMININE = word_set(
    "she her hers sister mother wife daughter queen woman girl lady ms mrs miss actress"
)
MASCULINE = word_set("he him his brother father husband son king man boy mr sir actor")
KNOWN_PLACES = frozenset(
    name.replace("_", " ")
    for name in word_set(
        "afghanistan africa albania algeria america american_samoa amsterdam andorra angola "
        "anguilla antarctica argentina armenia aruba asia athens australia austria azerbaijan "
        "baghdad bahamas bahrain bangladesh barbados beijing belarus belfast belgium belize "
        "benin berlin bermuda bhutan birmingham bolivia boston botswana brazil britain "
        "british_virgin_islands brunei brussels budapest buenos_aires bulgaria burkina_faso "
        "burma burundi cairo california cambodia cameroon canada canary_islands cape_verde "
        "cardiff cayman_islands central_african_republic chad chicago chile china colombia "
        "comoros congo cook_islands copenhagen costa_rica croatia cuba curaçao cyprus "
        "czech_republic czechia côte_d’ivoire delhi denmark djibouti dominica "
        "dominican_republic dubai dublin ecuador edinburgh egypt el_salvador england "
        "equatorial_guinea eritrea estonia eswatini ethiopia europe falkland_islands "
        "faroe_islands fiji finland florida france french_guiana french_polynesia gabon "
        "gambia geneva georgia germany ghana gibraltar glasgow greece greenland grenada "
        "guadeloupe guam guatemala guernsey guinea guinea-bissau guyana haiti helsinki "
        "holland honduras hong_kong hungary iceland india indonesia iran iraq ireland "
        "isle_of_man israel istanbul italy ivory_coast jamaica japan jersey jerusalem "
        "johannesburg jordan kabul kazakhstan kenya kiev kiribati kosovo kuwait kyiv "
        "kyrgyzstan lagos laos latin_america latvia lebanon lesotho liberia libya "
        "liechtenstein lisbon lithuania liverpool london los_angeles luxembourg macau "
        "madagascar madrid malawi malaysia maldives mali malta manchester marshall_islands "
        "martinique mauritania mauritius mayotte melbourne mexico mexico_city michigan "
        "micronesia middle_east moldova monaco mongolia montenegro montreal montserrat "
        "morocco moscow mozambique mumbai myanmar nairobi namibia nauru nepal netherlands "
        "new_caledonia new_delhi new_jersey new_york new_zealand nicaragua niger nigeria niue "
        "north_america north_korea north_macedonia northern_mariana_islands norway oceania "
        "ohio oman oslo ottawa pakistan palau palestinian_territories panama papua_new_guinea "
        "paraguay paris peru philippines poland portugal prague puerto_rico qatar "
        "rio_de_janeiro riyadh romania rome russia rwanda réunion samoa san_francisco "
        "san_marino sao_paulo saudi_arabia scandinavia scotland senegal seoul serbia "
        "seychelles shanghai sierra_leone singapore sint_maarten slovakia slovenia "
        "solomon_islands somalia south_africa south_america south_korea south_sudan "
        "soviet_union spain sri_lanka st._barthélemy st._lucia st._martin stockholm sudan "
        "suriname sweden switzerland sydney syria taiwan tajikistan tanzania tehran tel_aviv "
        "texas thailand the_gulf the_netherlands the_us timor-leste togo tokyo tonga toronto "
        "tunisia turkey turkmenistan tuvalu türkiye u.s._virgin_islands uganda uk ukraine "
        "ulster united_arab_emirates united_kingdom united_states united_states_of_america "
        "uruguay us usa ussr uzbekistan vancouver vanuatu vatican_city venezuela vienna "
        "vietnam wales warsaw washington western_sahara yemen zambia zimbabwe zurich "
        "åland_islands"
    )
)
"""Countries, regions and big cities: named like a company or a thing, but never "the firm".
A name of several words is written with "_"."""
GIVEN_NAMES = word_set(
    "aaron adam adrian alan albert alex alexander alexis alice alistair amanda amy andrew "
    "andy angela angelino ann anna anne anthony antonio arnold arsene barack ben benjamin "
    "bernard bill bob boris brian bruce carl carlos caroline catherine charles charlie "
    "chris christine christopher chrystia claire colin daniel dave david deborah dennis "
    "diana donald douglas ed edward elizabeth emily emma eric francois frank gary geoff "
    "geoffrey george gerhard gordon graham harry helen henry hillary ian jack jacques james "
    "jane janet jason jean jeff jennifer jeremy jerry jim joe john jonathan jose joseph "
    "julia julie justin karen kate keith kelly ken kevin kofi larry laura lee linda lisa "
    "liz margaret maria mark martin mary matthew mervyn michael michelle mike nancy "
    "neil nicholas nick nicola nicolas oliver olivia pat patrick paul peter philip rachel "
    "ralph richard rob robert rod roger roman ronald rupert ryan sam sarah scott sean "
    "silvio simon stephen steve steven susan thomas tim timothy tom tony valerie victoria "
    "vladimir walter wayne william xi yasser"
)
"""First names: a name that opens with one is a person's, never "the firm" or "the company"."""
