"""The guard's vocabulary: the building blocks its patterns are made of (dates, ages,
names, family roles, schools and streets, case-record systems) and the words that are not
names, surnames or initials. app/guard/patterns.py combines them into patterns."""

from __future__ import annotations

import re

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# A whole calendar date: 03/02/2019, 3.2.19, 3-2-2019, 3rd February 2019, February 3, 2019.
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?{_MONTH}\.?,?[ \t]+\d{{4}}"
    rf"|{_MONTH}\.?[ \t]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]+\d{{4}})"
)
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen)"
)
_AGE_NUMBER = rf"(?:\d{{1,2}}|{_NUMBER_WORD})"
_CHILD_AGE = rf"(?:1[0-8]|[0-9]|{_NUMBER_WORD})"
_AGE_UNIT = r"(?:years?|yrs?|y/?o|months?|mths?|mnths?|m/o|weeks?|wks?|days?)"
_AGE_TAIL = rf"(?:[ \t]*{_AGE_UNIT}(?:[ \t\-]*old)?)?"
# After an age: not a time, a percentage, a sum, a range or "years in practice".
_NOT_AN_AGE_AFTER = (
    r"(?![ \t]*(?:%|per\b|pm\b|am\b|minutes?|mins?\b|hours?|hrs?\b|miles?|times\b|pounds"
    r"|[:.,/\-–]\d|to[ \t]+\d|or[ \t]+\d|years?[ \t]+(?:in|of|ago|qualified|experience|service)"
    r"|years['’]))"
)
_AGE_QUALIFIER = r"(?:(?:only|just|now|nearly|almost|still|about)[ \t]+)?"
_NAME_WORD = r"[A-Z](?:[a-z]+(?:[A-Z][a-z]+)?|['’][A-Z][a-z]+)(?:[-'’][A-Z]?[a-z]+)?"
_NAME = rf"{_NAME_WORD}[ \t]+{_NAME_WORD}"
_FIRST_NAME = r"(?<![\w’'.\-])(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
# What follows a full name and makes it "a name next to an age or date".
_AGE_AFTER_NAME = (
    rf"(?:[ \t]*\([ \t]*(?:aged?[ \t]*)?{_AGE_NUMBER}(?:[ \t]*(?:years?|yrs?|months?)"
    rf"(?:[ \t]*old)?)?[ \t]*\)"
    rf"|,?[ \t]+aged?[ \t]+{_AGE_NUMBER}\b"
    rf"|,?[ \t]+{_AGE_NUMBER}[ \t\-]*(?:years?|yrs?|months?)[ \t\-]*old\b"
    r"|,[ \t]*\d{1,2}[ \t]*,(?!\d))"
)
_DATE_AFTER_NAME = (
    rf"(?:[ \t]*\([ \t]*(?:born[ \t]+|b\.[ \t]*|DOB:?[ \t]*)?{_DATE}[ \t]*\)"
    rf"|,?[ \t]+(?:born(?:[ \t]+on)?|b\.|DOB:?)[ \t]*{_DATE})"
)
_AGE_BEFORE_NAME = rf"\b{_AGE_NUMBER}[ \t\-]+(?:year|month)[ \t\-]+old[ \t]+"

# Capitalised words that make a "full name" an organisation, a law or a document instead.
_NOT_A_NAME_WORDS = """
    The A An In On At Of For And Or But To By From With This That These Those Our Your
    Their His Her Its We They He She It Mr Mrs Ms Miss Dr Prof Professor Sir Dame Lord Lady
    Council City County Borough District Metropolitan Act Acts Bill Law Regulations Rules
    Section Schedule Article Part Chapter Paragraph Appendix Table Figure Page Report Review
    Inquiry Serious Case University College School Academy Trust Foundation Service
    Services Team Board Partnership Authority Authorities Department Ministry Office Court
    Courts Tribunal Police Health Hospital Clinic Centre Center Unit Group Network Forum
    Ofsted Government Parliament House Children Childrens Children’s Children's Social Work
    Care Safeguarding Family Families Practice Standards Framework Guidance Policy Strategy
    Conference Week Day Month Year Annual Quarter Award Awards Programme Project Campaign
    Matters Magazine News Blog Issue Edition Volume Yorkshire Humber England Wales Scotland
    Ireland Britain British English National Regional Local North South East West Northern
    Southern Eastern Western Street Road Lane Avenue January February March April May June
    July August September October November December Monday Tuesday Wednesday Thursday
    Friday Saturday Sunday Christmas Easter Covid Level Stage Key Grade Year Plan Order
    Orders Assessment Protection Plan Conference Panel Committee Summit Institute
"""
NOT_A_NAME = frozenset(_NOT_A_NAME_WORDS.split())
# Words that make "the X children" a description, not a family's surname.
_DESCRIPTIONS = """Polish Roma Romanian Irish Traveller Travellers Gypsy Asian Black White British
    Syrian Afghan Eritrean Kurdish Somali Pakistani Indian Bangladeshi Nigerian Muslim
    Jewish Catholic Christian Looked Disabled Younger Older Other Same Local Vulnerable
    Unaccompanied Adopted Foster Kinship Both Two Three Four Five Six Many Several Most
    Some All Affected Missing Exploited Identified Referred Young Little Small Whole Wider
    Extended Birth Host Separated Known Named Those These Following Above Same Leeds"""
_NOT_A_SURNAME = NOT_A_NAME | frozenset(_DESCRIPTIONS.split())

_STREET_SUFFIX = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Crescent|Cres|Grove|Terrace"
    r"|Place|Pl|Way|Court|Ct|Gardens|Gdns|Walk|Row|Mews|Square|Sq|Rise|Hill|Green|Parade"
    r"|Vale|Fold|Croft|Mount|Approach|Boulevard|Wynd|Garth|Chase|Meadows?|Moor)"
)
_SCHOOL_WORD = (
    r"(?:(?i:primary|juniors?|infants?|academy|high|school)|College|Grammar|Secondary|PRU"
    r"|Nursery|Catholic|RC|C[ \t]?of[ \t]?E|CE)"
)
# Case-record systems, in any case ("look up mosaic 2283341"), but the short acronyms only
# in capitals.
_SYSTEM_IN_ANY_CASE = (
    r"[Mm]osaic|MOSAIC|LCS|lcs|[Ee]clipse|ECLIPSE|[Ll]iquid[ \t]?[Ll]ogic|LIQUIDLOGIC"
    r"|[Cc]are[ \t]?[Ff]irst|CAREFIRST|[Cc]ontrOCC|[Ff]rameworki|[Aa]zeus"
)
_CASE_SYSTEM_NAME = rf"(?:{_SYSTEM_IN_ANY_CASE}|LL|ICS)"
_CASE_SYSTEM = (
    rf"(?:{_SYSTEM_IN_ANY_CASE}|LL|Paris|ICS|SystmOne|EMIS|[Cc]ase|[Cc]lient|[Pp]erson"
    r"|[Cc]hild|[Ff]amily|[Rr]eferral|[Rr]ecord)"
)
# Words near a phone number or address that make it an office, not a home.
_PUBLIC_PLACE = re.compile(
    r"\b(?:Council|Town[ \t]+Hall|City[ \t]+Hall|Civic|MASH|Front[ \t]+Door|College|University"
    r"|Campus|Hospital|Library|[Oo]ffices?|headquarters|[Vv]enue|[Cc]onference|[Tt]raining"
    r"|[Ff]ront[ \t]+[Dd]oor"
    r"|Hall|Centre|Center|Quarter|Police|Courts?|Justice|Tribunal|[Uu]nit|Trust|NHS|Partnership|House|Chambers|Hub"
    r"|[Hh]ub|School|Academy|[Dd]uty|[Tt]eam|[Hh]elpline|[Ll]ine|[Rr]eferrals?|LADO|[Ss]witchboard"
    r"|[Rr]eception|[Ss]ervice|[Ee]nquiries|Parking|Museum|Armouries|Stadium|Hotel"
    r"|Contact[ \t]+(?:Point|Centre|Team)|Access[ \t]+Point|Gateway|Desk)\b"
)
# Words around a name that make it a professional, not a child or family member.
_PROFESSIONAL_BEFORE = re.compile(
    r"(?:\b(?:Dr|Prof|Professor|Cllr|Councillor|Judge|Justice|Rev|Sir|Dame|Lord|Lady|"
    r"[Ss]peaker|[Kk]eynote|[Cc]haired[ \t]+by|[Ll]ed[ \t]+by|[Pp]resented[ \t]+by|"
    r"[Tt]hanks[ \t]+to|[Aa]sk)\.?[ \t]+(?:[A-Z][a-z]+[ \t]+)?)$"
)
_PERSON_NEARBY = re.compile(
    r"\b(?:he|she|they|his|her|their|child|children|kids?|boys?|girls?|lads?|sons?|daughters?"
    r"|baby|teens?|teenagers?|yp"
    r"|babies|family|mum|dad|nan|grandparents?|siblings?|lives?|living|year-old|young"
    r"[ \t]+(?:person|people|man|woman))\b|['’]re\b",
    re.IGNORECASE,
)
_ACRONYMS = """UK EU GP PE IT TV ID MP AD HR CP LA SW DV OK NI BA MA PM AM QC KC UN US MD PA RE ED
    YP YJ EH FC KS PR LD SS CS OT"""
_INITIALS_NOT = frozenset(_ACRONYMS.split())
# Lower-case words after a first name that make it a sentence, not a surname.
_NOT_SURNAMES_IN_LOWER_CASE = """and but who was is are has had have with from aged age says
    said told year years the our their his her its now just only nearly"""
_NOT_A_LOWER_CASE_SURNAME = frozenset(_NOT_SURNAMES_IN_LOWER_CASE.split())

# Children whose deaths led to published national reviews: named in training and research,
# they are public cases, not people a member supports ("Victoria Climbié was 8").
PUBLIC_CASE = re.compile(
    r"\b(?:Victoria[ \t]+Climbi[eé]|Climbi[eé]|Peter[ \t]+Connelly|Baby[ \t]+P(?:eter)?\b"
    r"|Daniel[ \t]+Pelka|Arthur[ \t]+Labinjo-Hughes|Star[ \t]+Hobson|Khyra[ \t]+Ishaq"
    r"|Hamzah[ \t]+Khan|Jasmine[ \t]+Beckford|Maria[ \t]+Colwell|Kimberley[ \t]+Carlile"
    r"|Tyra[ \t]+Henry|Ainlee[ \t]+(?:Walker|Labonte)|Keanu[ \t]+Williams|Ellie[ \t]+Butler"
    r"|Logan[ \t]+Mwangi|Finley[ \t]+Boden|Sara[ \t]+Sharif|Child[ \t]+Q\b|James[ \t]+Bulger"
    r"|Holly[ \t]+Wells|Jessica[ \t]+Chapman)",
    re.IGNORECASE,
)
# Roles after a name or a school that make the person a professional ("Claire at Westfield
# Primary, the DSL").
PROFESSIONAL_ROLE = re.compile(
    r"\b(?:DSL|SENCO|SENCo|head(?:teacher)?|deputy|teachers?|nurse|mentor|staff|governors?"
    r"|manager|lead|worker|TA|chair|officer|counsellor|principal|tutor|coach|volunteer|GP"
    r"|councillor|MP|minister|judge|magistrate|secretary|school|schools|government)\b",
    re.IGNORECASE,
)
