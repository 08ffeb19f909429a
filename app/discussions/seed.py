"""The six starting categories and a few demo threads by the demo people (app/demo.py), for
``portal seed``. Idempotent: categories are matched by name and threads by title."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.discussions.markdown import render_markdown
from app.discussions.models import Category, Post, Reaction, Thread, ThreadFollow
from app.members.models import Member
from app.members.reference_data import slugify
from app.topics.models import Topic

STARTING_CATEGORIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Practice questions",
        "Ask colleagues across the region how they approach a piece of practice.",
        ("Child protection", "Neglect", "Court work"),
    ),
    (
        "Research and evidence",
        "Papers, briefings and what the evidence says; academics and practitioners together.",
        (),
    ),
    (
        "Newly qualified and ASYE",
        "For students and newly qualified social workers in their assessed first year.",
        ("Newly qualified and ASYE",),
    ),
    (
        "Workforce and wellbeing",
        "Caseloads, supervision, recruitment, retention and looking after ourselves.",
        ("Supervision and reflective practice", "Workforce resilience"),
    ),
    (
        "Policy and legislation",
        "Statutory guidance, new legislation and what they mean in practice.",
        (),
    ),
    (
        "Events and learning",
        "Workshops, conferences, the Festival of Social Work and CPD opportunities.",
        (),
    ),
)


@dataclass(frozen=True)
class DemoThread:
    category: str
    title: str
    author_email: str
    body: str
    is_question: bool = False
    replies: tuple[tuple[str, str], ...] = ()
    accepted_reply: int | None = None  # index into replies
    pinned: bool = False


DEMO_THREADS = (
    DemoThread(
        "Newly qualified and ASYE",
        "How did you manage your first month of caseload as an ASYE?",
        "chloe.barker@wakefield.gov.uk",
        "I start my assessed and supported year in September in a family support team. "
        "Everyone says the first month is the hardest.\n\n"
        "**What helped you most?** Protected caseloads, shadowing, something else?",
        is_question=True,
        replies=(
            (
                "gareth.evans@hull.gov.uk",
                "Ask for your caseload to build gradually and hold your manager to it: in Hull "
                "we aim for no more than 12 children in the first three months.\n\n"
                "Book reflective supervision every fortnight and keep a simple log of what you "
                "learned from each visit; it becomes your ASYE portfolio.",
            ),
            (
                "priya.shah@bradford.gov.uk",
                "Shadow as many different visits as you can in the first fortnight, including "
                "a strategy meeting and a return interview. It makes the processes real.",
            ),
        ),
        accepted_reply=0,
    ),
    DemoThread(
        "Workforce and wellbeing",
        "Keeping caseloads manageable: what has worked in your authority?",
        "tom.hargreaves@sheffield.gov.uk",
        "Caseloads were about 18 children per worker when the regional campaign began. "
        "Bradford shared how partners help prioritise referrals so that caseloads do not "
        '"go to the ceiling".\n\n'
        "What are other authorities doing now? Front door triage, multi-agency "
        "information sharing, protected ASYE caseloads?",
        replies=(
            (
                "amara.okafor@leeds.gov.uk",
                "In Leeds the multi-agency front door shares information with police and "
                "health visitors before a case is allocated, which has cut re-referrals.",
            ),
        ),
        pinned=True,
    ),
    DemoThread(
        "Research and evidence",
        "Neglect and family poverty: recent evidence worth reading",
        "h.moss@york.ac.uk",
        "I am collecting recent studies on the links between family poverty and neglect "
        "referrals for a briefing to the region.\n\n"
        "- What do you use in assessments?\n"
        "- Has anyone used a poverty-aware practice framework?\n\n"
        "Suggestions welcome; I will post the briefing in the resource library.",
    ),
    DemoThread(
        "Practice questions",
        "Return home interviews after missing episodes: who does them in your area?",
        "priya.shah@bradford.gov.uk",
        "We are reviewing how return home interviews are offered after a young person has "
        "been missing. Are they done by an independent provider, by the allocated worker, "
        "or by an exploitation team? What makes young people actually talk?",
        is_question=True,
    ),
    DemoThread(
        "Events and learning",
        "Festival of Social Work: sessions you would like next year",
        "amara.okafor@leeds.gov.uk",
        "The Festival of Social Work conferences celebrate and educate. Planning has started "
        "for next year: which keynotes and workshops would you like to see?",
    ),
)


def _ensure_categories(db: Session) -> dict[str, Category]:
    existing = {category.name: category for category in db.execute(select(Category)).scalars()}
    topics = {topic.name: topic for topic in db.execute(select(Topic)).scalars()}
    for position, (name, description, topic_names) in enumerate(STARTING_CATEGORIES, start=1):
        if name in existing:
            continue
        category = Category(
            name=name,
            slug=slugify(name),
            description=description,
            position=position * 10,
            topics=[topics[topic] for topic in topic_names if topic in topics],
        )
        db.add(category)
        existing[name] = category
    db.flush()
    return existing


def seed_discussions(db: Session) -> int:
    """Create the starting categories and the demo threads whose authors exist; returns
    how many threads were created. Run it after the demo people are seeded."""
    categories = _ensure_categories(db)
    people = {
        member.email: member
        for member in db.execute(select(Member).where(Member.email.is_not(None))).scalars()
    }
    titles = set(db.execute(select(Thread.title)).scalars())
    created = 0
    start = utcnow() - timedelta(days=len(DEMO_THREADS) * 2)
    for index, demo in enumerate(DEMO_THREADS):
        author = people.get(demo.author_email)
        if demo.title in titles or author is None:
            continue
        repliers = [people.get(email) for email, _ in demo.replies]
        if any(person is None for person in repliers):
            continue
        opened = start + timedelta(days=index * 2)
        category = categories[demo.category]
        thread = Thread(
            category_id=category.id,
            author_id=author.id,
            title=demo.title,
            group_id=category.group_id,
            is_question=demo.is_question,
            is_pinned=demo.pinned,
            last_post_number=1 + len(demo.replies),
            reply_count=len(demo.replies),
            created_at=opened,
            last_post_at=opened + timedelta(hours=3 * len(demo.replies)),
        )
        db.add(thread)
        db.flush()
        texts = [
            (author, demo.body),
            *zip(repliers, (body for _, body in demo.replies), strict=True),
        ]
        posts = []
        for number, (person, body) in enumerate(texts, start=1):
            post = Post(
                thread_id=thread.id,
                number=number,
                author_id=person.id if person else None,
                body_markdown=body,
                body_html=render_markdown(body),
                created_at=opened + timedelta(hours=3 * (number - 1)),
            )
            db.add(post)
            posts.append(post)
        db.flush()
        db.add(ThreadFollow(member_id=author.id, thread_id=thread.id))
        if demo.accepted_reply is not None:
            accepted = posts[demo.accepted_reply + 1]
            thread.accepted_post_id = accepted.id
            db.add(Reaction(post_id=accepted.id, member_id=author.id, kind="helpful"))
            db.add(Reaction(post_id=accepted.id, member_id=author.id, kind="thanks"))
        created += 1
    db.flush()
    return created
