"""The words the general rule reads (app/guard/people.py): the cues of a child or family, the
professional context that cancels them, and the shapes of tokens, sentences and ages."""

from __future__ import annotations

import re

from app.guard.names import NOT_NAMES
from app.guard.vocabulary import _NOT_A_SURNAME


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


LETTERS = r"A-Za-zÀ-ÖØ-öø-ÿ\u0100-\u024f"


TOKEN = re.compile(
    rf"\d+(?:[:.,/\-]\d+)*(?![{LETTERS}\d])|[{LETTERS}\d]+(?:[-'’/][{LETTERS}\d]+)*"
    r"|&|[^\s\w]"
)


POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$")


SENTENCE_END = re.compile(r"(?<!\b[DM]r)(?<!\bMrs)(?<!\bMs)(?<!\bal)(?<!\bSt)[.!?]+(?=\s|$)|\n")


NUMBER_WORD_LIST = """zero one two three four five six seven eight nine ten eleven twelve
    thirteen fourteen fifteen sixteen seventeen eighteen nineteen"""


NUMBER_WORDS = {word: value for value, word in enumerate(NUMBER_WORD_LIST.split())}


FAMILY_ROLES = _words(
    """mum mom mam mummy mother dad daddy father stepdad step-dad stepmum step-mum stepfather
    stepmother nan nana nanna nanny gran granny grandma grandmother grandad granddad grandpa
    grandfather aunt auntie aunty uncle brother sister bro sis cousin sibling siblings
    half-brother half-sister stepbrother stepsister son daughter baby twin twins boyfriend
    girlfriend bf gf partner fella bloke ex ex-partner fiance fiancé"""
)


CHILD_WORDS = _words(
    """boy girl lad lass child kid yp teen teenager toddler baby son daughter youngest eldest
    oldest middle"""
)


PLACEMENT = _words(
    """placed placement placements foster fostered fostering-placement residential resi
    kinship b&b hostel hotel adopters adopted adoption sgo semi semi-independent lodgings
    custody remanded secure yoi respite care-home"""
)


EVENTS = _words(
    """disclosed disclosure missing excluded exclusion arrested groomed grooming exploited
    exploitation trafficked abused assaulted protection removed absconded self-harm self-harms
    self-harming selfharm overdosed pregnant bruise bruises bruised injury injuries cla lac
    cin cp caseload sofa-surfing evicted neglected"""
)


# Words before a child word that make it about a particular child: "my yp", "our lad".
BEFORE_A_CHILD_WORD = frozenset({"my", "our", "a", "the", "little", "new"})


STREET_WORDS = _words(
    """street st road rd avenue ave lane ln crescent grove terrace gardens mews estate flats
    maisonettes bedsit"""
)


# Street names that are also everyday words count only capitalised ("Norbury Court").
CAPITALISED_STREET_WORDS = _words(
    """Close Drive Place Way Court Walk Row Square Rise Hill Green Parade Vale Fold Croft
    Mount Approach Boulevard Garth Chase Meadow Meadows Tower Towers House Heights"""
)


SCHOOL_WORDS = _words(
    """primary junior juniors infant infants academy high school pru college grammar
    secondary nursery"""
)


AT_WORDS = frozenset({"at", "from", "attends", "attending", "to", "in", "on", "off", "near"})


# A professional next to a name: a colleague, speaker, author or office, not a child.
PROFESSIONAL = _words(
    """dr prof professor cllr councillor judge justice rev sir dame lord lady mp dsl senco
    manager managers team teams mash duty service services unit council university
    speaker speakers presented present wrote lead writes chaired chair led
    author authors lecturer researcher headteacher head deputy principal officer
    practitioner colleague colleagues worker nqsw sw iro lado panel board director
    supervisor commissioner governor trainer facilitator consultant coordinator clinician
    nurse gp psychologist therapist paediatrician solicitor barrister cafcass educator tutor
    assessor administrator admin business training course ask camhs yot yos nspcc
    barnardos barnardo's edt research study report virtual session sessions talk webinar
    presentation podcast blog article paper book model framework"""
)


TITLES_BEFORE = _words(
    """dr prof professor cllr councillor judge justice rev sir dame lord lady ask thanks
    speaker keynote presented led chaired hosted delivered facilitated colleague colleagues
    manager tm supervisor student lead pe sw iro dsl senco"""
)


NOT_AN_AGE_AFTER = _words(
    """am pm minutes mins minute hours hrs hour miles percent per times points pounds cases
    children kids people families staff workers days day nights weeks months st nd rd th
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec to or pupils beds sessions hour-long
    referrals visits goals stone kg cm"""
)


AGE_UNITS = frozenset({"yo", "y/o", "yrs", "yr", "years", "year", "yoa"})


AGE_LEADS = _words(
    """aged age is was 's turns turning turned now only just nearly almost who who's whos
    shes hes she's he's still are were both"""
)


NOT_AGE_YEARS = frozenset(
    {"ago", "experience", "qualified", "in", "of", "service", "later", "olds"}
)


YEAR_WORDS = frozenset({"year", "yr", "y"})


NOT_A_YEAR_GROUP_AFTER = _words(
    """team staff teacher teachers class pupils cohort parents lead leads group groups
    transition assembly students children sats"""
)


SURNAME_GROUPS = _words(
    """kids children twins family families boys girls siblings lot household brothers
    sisters clan youngsters"""
)


# Children's names that are also words, read as a name in "grace is 6" (no determiner).
CHILD_NAMES_THAT_ARE_WORDS = _words(
    """grace ruby jade ivy holly lily daisy poppy violet willow olive amber summer faith
    harmony liberty mason carter hunter parker taylor cooper sonny precious patience joy
    heather hazel autumn iris"""
)


DETERMINERS = _words("""the a an my our your his her their this that no any some of for""")


FAMILY_WORDS = _words(
    """children kids grandchildren grandkids grandson granddaughter nephew niece husband wife
    youngest eldest boys girls stepson stepdaughter"""
)


# A titled name then "says" ("Mrs Begum says"); other verbs alone are too weak ("Mr Cameron
# wants local authorities to ...").
A_PARENT_SAYS = frozenset({"says", "said", "rang"})


TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx"})


NOT_A_SURNAME_LOWER = frozenset(word.lower() for word in _NOT_A_SURNAME | NOT_NAMES) | _words(
    """local same other two three four five six older younger little young whole new
    foster looked adopted vulnerable affected missing other's same"""
)


ACRONYMS = _words(
    """UK EU GP PE IT TV ID MP AD HR CP LA SW DV OK NI BA MA PM AM QC KC UN US MD PA RE ED YP
    YJ EH FC KS PR LD SS CS OT CIN LAC CLA SGO PRU DSL MASH LADO NHS DOB BF GF IRO ABE CSE
    CCE UASC SEN SEND EHCP CAMHS NQSW ASYE BASW DFE DfE FGC PLO ICPC RCPC TAF EHA ASD ADHD
    SATS GCSE NEET HMRC BBC ITV OCD PTSD YOT YOS AP PPE SLT CPD CEO IDK TBH FYI ASAP"""
)


LABEL_WORDS = frozenset(
    {"child", "baby", "sibling", "case", "family", "mother", "father", "adult", "person"}
)


CITATION = re.compile(r"\((?:19|20)\d\d\w?\)|\bet al\b|\b(?:19|20)\d\d\)")


# Lower-case words with these endings are English words, not surnames ("the neediest
# families", "the younger children", "the looked-after kids").
ENGLISH_ENDING = re.compile(
    r"(?:est|er|ers|ing|ed|ly|ous|ful|ive|al|ic|less|able|ible|ent|ant|ary|ory|ish|ese|ian"
    r"|ean|ern|ese|ite|ist|ists)$"
)


ADJECTIVES = _words(
    """polish roma romanian irish traveller gypsy asian black white british syrian afghan
    eritrean kurdish somali pakistani indian bangladeshi nigerian muslim jewish catholic
    christian disabled unaccompanied kinship birth host separated known named following
    above leeds these those such"""
)


AGE_WITH_UNIT = re.compile(r"(1?\d)(?:yo|y/o|yrs?|years?)")


# Words after a name that make it a place or an organisation ("Holly Lodge", "the Johnson
# family hub", "Lewis Foundation").
ORGANISATION_AFTER = _words(
    """hub hubs foundation trust centre center project charity fund lodge house hall park
    farm academy school primary college church community road street lane avenue close
    drive way gardens nursery court"""
)


# Nouns for groups that an age range often follows ("the youth club, aged 11,").
GROUP_NOUNS = _words(
    """club class cohort session course scheme group team unit programme project
    population sample age band range bracket school home care"""
)


VERBS_BETWEEN = _words(
    """told tells tell said says asked rang saw sees seen met with to was is has had and"""
)


# Relatives called by role and name ("Grandad Sullivan", "Auntie Halima"); "Dad Matters"
# and "Mum's Net" are organisations, so not mum or dad.
RELATIVES_BY_NAME = _words(
    """grandad granddad grandpa grandma nan nana nanna nanny gran granny aunt auntie aunty
    uncle"""
)


POSSESSIVES = frozenset({"the", "her", "his", "their", "my", "our"})


CHILD_ADJECTIVES = _words(
    """eldest youngest oldest middle older younger little big baby twin teenage"""
)


INTRODUCING_WORDS = _words(
    """boy girl lad son daughter baby newborn toddler infant teen teenager yp grandson
    granddaughter nephew niece stepson stepdaughter brother sister"""
)


INTRODUCING_OR_ADJECTIVE = INTRODUCING_WORDS | CHILD_ADJECTIVES


REASONS = {
    "age": ("first_name_with_age", "a first name next to an age"),
    "adult_age": ("first_name_with_age", "a relative's name next to their role and age"),
    "year": ("first_name_with_age", "a first name next to a school year"),
    "school": ("child_school", "a child's name next to a named school"),
    "home": ("home_area", "a name next to where a family lives (street, estate, flats)"),
    "placement": ("name_with_event", "a first name next to a placement"),
    "event": ("name_with_event", "a first name next to a safeguarding event"),
    "family": ("name_introduced", "a name next to a family role"),
    "introduced": ("name_introduced", "a child's name introduced in the text"),
    "surname": ("family_surname", "a family's surname"),
    "initials": ("initials_with_age", "initials next to an age or placement"),
    "nickname": ("name_introduced", "a nickname next to an age"),
    "full_age": ("name_with_age", "a full name next to an age"),
    "sentence": (
        "name_with_event",
        "a first name in the same sentence as a child's age, school year or event",
    ),
}


FAMILY_CONTEXT = FAMILY_ROLES | FAMILY_WORDS | EVENTS | PLACEMENT


# Phrases that introduce a name or a nickname: "known as Lulu", "goes by Bex", "nicknamed
# Tiny", "we call him Mo", "a lad called Corey", "her name is Kasia".
INTRODUCING_PHRASES = (
    ("known", "as"),
    ("goes", "by"),
    ("nicknamed",),
    ("called",),
    ("named",),
    ("name", "is"),
    ("name's",),
    ("names",),
    ("call", "him"),
    ("call", "her"),
    ("calls", "him"),
    ("calls", "her"),
)


# Events strong enough to make initials or a nickname a child's ("JK disclosed"); "the DLA
# caseload" is not one.
EVENTS_FOR_INITIALS = _words(
    """disclosed missing excluded arrested groomed exploited absconded remanded placed
    placement foster resi residential kinship"""
)


# --- the sentence and the grammar of a person (people_grammar.py) ---------------------------

# A school year written as one token: "y10", "yr9", "year8", "p4".
YEAR_GROUP = re.compile(r"(?:y|yr|year)(?:1[0-3]|[1-9])|p[1-7]")


# Verbs after an age that make the number a person's age: "ruby 13 has been", "Yusra 15
# refuses", "giorgi 17 arrived", "kacper 8 and his sister".
VERBS_AFTER_AN_AGE = _words(
    """has had is was refuses refused wont won't doesnt doesn't didnt didn't cant can't says
    said told tells disclosed went goes got came comes arrived lives living keeps kept been
    still now ran runs hit hits needs wants wanted who whos who's and lives stays staying
    attends missing excluded placed"""
)


# Verbs a person does, after a lower-case name that is also a word ("blessing told her
# teacher"): counted only with a child's context elsewhere in the sentence.
PERSON_VERBS = _words(
    """disclosed told tells said says keeps refuses refused ran hit cried screamed went has
    hasnt hasn't was is wont won't doesnt doesn't didnt didn't came comes lives stays
    attends admitted alleged"""
)


# Events that tie a name to a child anywhere in the sentence, however far away.
SENTENCE_EVENTS = _words(
    """disclosed disclosure absconded absconding charged excluded exclusion arrested groomed
    grooming exploited exploitation trafficked abused assaulted remanded placed placement
    self-harming selfharming self-harm pregnant bruises bruising fgm cse cce"""
)


# Words that make a whole sentence about professionals, so a name in it is not a child's.
SENTENCE_PROFESSIONAL = _words(
    """dr prof professor presented presenting presents wrote writes speaker speakers keynote
    university council councillor cllr conference webinar workshop workshops seminar author
    authors researcher researchers lecture lecturer chaired colleague colleagues iro dsl
    senco headteacher ofsted minister secretary mp supervision supervisor shadowed shadowing
    joint legal"""
)


# Citations and case law in a sentence: "et al", "[2013]", "UKSC".
CITATION_WORDS = _words("""al ukhl uksc ewca ewfc ewhc civ fam""")


# Work done by a professional, before "by" and a name: "a great talk by Helen".
WORK_BEFORE_BY = _words(
    """talk session training presentation webinar workshop book article paper podcast blog
    course led presented chaired written run delivered hosted facilitated keynote"""
)
