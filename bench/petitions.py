"""``python -m bench.petitions --letters N`` (``make bench-petitions``): the petitions register at scale, measured.

Issue 19, point 10: seed N synthetic letters on PostgreSQL (default 20,000; the issue's figure is 1,000,000:
``make bench-petitions LETTERS=1000000``) and time what an officer waits for, p50 and p95 against budgets of the same
kind as the tasks' (``bench/budgets.py``: a list 50 ms, a dashboard 300 ms):

- **the register lists** — the letters (``/don-thu/``: a ward Secretary's; Văn phòng's filtered on one ward, on the
  commune and a topic, and unfiltered) and the reception register (``/tiep-cong-dan/``: a ward's and Văn phòng's) —
  and the list's own query (``selectors.letter_page``) apart: 50 ms;
- **search**: the register's search box (``/don-thu/?q=khu công nghiệp``, Văn phòng's, the first 50 matches newest
  first: ``Letter.search_text``, folded, with its trigram index) on the tasks' search budget, 150 ms;
- **the duplicate lookup**: what the entry page proposes for a new letter (``selectors.likely_duplicates``, the
  service behind ``POST /api/v1/petitions/letters/duplicates``), for letters made from registered ones (half typed
  without diacritics), as Văn phòng (who sees every letter): 50 ms, point 5's target;
- **the hot-spot dashboard**: the dashboard's petitions cards (``/tong-hop/tiep-dan/``, the city Secretary's and a
  ward Secretary's) 300 ms, and the hot-spot list (``/diem-nong/``) 50 ms as a list;
- **the daily hot-spot scan** (``petitions.jobs.run_hotspot_scan``, in the daily pass) run again on a day already
  scanned, 30 s: a job, not a page, but it reads the whole live register every day (its first run, which raises the
  flags and notifies, is timed once at seeding and reported with the table).

Pages go through Django's test client in this process (the whole middleware stack, view and template, logged in with
the second factor passed; no gunicorn, no network). Beside the wall-clock p50 and p95 each row gives the p50 of this
process's CPU time: on a shared machine the wall-clock grows with the load, the CPU time much less.

The seed (kept in the database and reused: a second run with the same ``--letters`` and ``--seed`` measures at once;
``--reseed`` starts again): the Huế demo's organisation (``load_demo_organisation``, through the services, once), then
with ``COPY`` (not through the services: a million rows through them would take hours) the letters, spread over ten
years to ``profile.TODAY``, 30 % received by the city office and 70 % by the 40 wards and communes, with summaries
from the demo's templates by topic, addresses under today's and former names, kinds, sources, signers and decisions
in the demo's proportions (a denunciation's signer is left out of the letter's columns, as point 6 keeps it; the seed
encrypts none), each with its search text folded as ``Letter.save`` folds it (the trigram index built after the
load). Letters decided "handled" or "forwarded to a unit" have no task (their state is "forwarded": the list's join
to the tasks is still made). Then a visit of the reception register per ten letters, the duplicate
search's keys of every letter (``similar.sketch`` with the installation's secret, on every core; ``--no-keys`` leaves
them and the lookup out) and the first hot-spot scan. Each step records itself in the table ``bench_petitions_seed``,
so an interrupted seed resumes at the step it had not finished.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import multiprocessing
import os
import random
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg

from bench import db
from bench.stats import percentile

TODAY = datetime.date(2026, 11, 27)  # bench/profile (sauro.bench.profile.TODAY): the day the history ends
YEARS = 10
DEFAULT_DATABASE = "sauro_bench_petitions"
LETTERS_PER_VISIT = 10
# p95 budgets (ms), of the same kind as the tasks' (bench/budgets.py): a list 50, a search 150, a dashboard 300.
BUDGET_MS = {
    "letters_unit": 50.0,
    "letters_unit_office": 50.0,
    "letters_commune_topic": 50.0,
    "letters_all": 50.0,
    "letters_query": 50.0,
    "receptions_unit": 50.0,
    "receptions_all": 50.0,
    "search": 150.0,
    "duplicates": 50.0,
    "dashboard_city": 300.0,
    "dashboard_ward": 300.0,
    "hotspots": 50.0,
    # A daily job (the daily pass, before the morning digests): half a minute at the size leaves the pass its
    # other work and says the scan reads aggregates, not every letter one by one.
    "hotspot_scan": 30_000.0,
}
SEARCH_TERM = "khu công nghiệp"
RUNS = 60
SCAN_RUNS = 5
WARMUP = 3
DOCS_BEGIN = "<!-- bench-petitions: begin -->"
DOCS_END = "<!-- bench-petitions: end -->"
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quang", "Ngọc", "Xuân", "Đình", "Công")
GIVEN = ("An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Lan", "Long", "Mai", "Nam", "Sơn")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- setup and the seed's record of itself ----------------------------------------------------------------------


def _setup(database: str) -> None:
    os.environ["DATABASE_URL"] = db.database_url(database)
    os.environ.setdefault("SAURO_TODAY", TODAY.isoformat())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauro.settings")
    import django

    django.setup()


def seed_state(database: str) -> dict[str, str]:
    """The seed's steps done in ``database`` (step → what it was done for)."""
    with db.connect(database) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_petitions_seed (step text PRIMARY KEY, value text NOT NULL)")
        return dict(conn.execute("SELECT step, value FROM bench_petitions_seed").fetchall())


def _record(conn: psycopg.Connection, step: str, value: str) -> None:
    conn.execute(
        "INSERT INTO bench_petitions_seed (step, value) VALUES (%s, %s) ON CONFLICT (step) DO UPDATE SET value = %s",
        [step, value, value],
    )


def ensure_organisation() -> None:
    """The demo's units and accounts, through the services (a few seconds), unless they are there."""
    from django.db import transaction

    from sauro.demo.loader import demo_present, load_demo_organisation

    if demo_present():
        return
    started = time.perf_counter()
    with transaction.atomic():
        load_demo_organisation()
    say(f"organisation: the demo's units and accounts in {time.perf_counter() - started:.1f} s")


# --- the letters ----------------------------------------------------------------------------------------------------


def summary_of(rng: random.Random, template: str, place: str) -> str:
    """A demo template (``petitions_year.TEMPLATES``) filled in: figures, the place, a project, a nuisance, a river."""
    return template.format(
        n=rng.randint(12, 480),
        m=rng.randint(3, 60),
        year=rng.randint(1985, 2005),
        place=place,
        project="dự án " + rng.choice(("Vành đai 3", "An Vân Dương", "Bàu Vá", "Hương Sơ", "Thuận An")),
        nuisance=rng.choice(("khu công nghiệp Phú Bài", "cơ sở chế biến gỗ", "lò đốt rác", "trại chăn nuôi")),
        river=rng.choice(("sông Như Ý", "sông An Cựu", "sông Bồ", "phá Tam Giang")),
        office=rng.choice(("bộ phận một cửa", "công chức địa chính – xây dựng", "công an phường")),
        street=rng.choice(("Hùng Vương", "Lê Lợi", "Trần Phú", "Bà Triệu", "Tự Đức")),
    )


def letter_rows(n: int, seed: int) -> Iterator[dict[str, Any]]:
    """``n`` letters' columns, oldest first (ids follow the receipt dates, as in a real register)."""
    from sauro.common.text import search_text
    from sauro.demo.petitions_year import (
        FORWARDERS,
        OUTSIDE_BODIES,
        SOURCE_WEIGHTS,
        TEMPLATES,
        TOPIC_WEIGHTS,
        _communes,
        _lower_kinds,
    )
    from sauro.org.models import Unit
    from sauro.petitions.choices import Decision, LetterKind, PetitionKind, SignerKind, Topic
    from sauro.petitions.identity_keys import is_protected_kind
    from sauro.petitions.models import Letter
    from sauro.petitions.rules import kept_for_information

    rng = random.Random(seed)
    units = dict(Unit.objects.filter(valid_to__isnull=True).values_list("code", "pk"))
    communes = [c for c in _communes() if c.code in units]
    office = units["VPTU"]
    topics, topic_w = list(TOPIC_WEIGHTS), list(TOPIC_WEIGHTS.values())
    sources, source_w = list(SOURCE_WEIGHTS), list(SOURCE_WEIGHTS.values())
    first = TODAY - datetime.timedelta(days=365 * YEARS)
    span = (TODAY - first).days
    days = sorted(first + datetime.timedelta(days=rng.randrange(span + 1)) for _ in range(n))
    family, middle, given = FAMILY, MIDDLE, GIVEN
    for received in days:
        commune = rng.choice(communes)
        kind_word, _, rest = commune.name.partition(" ")
        if commune.former and rng.random() < 0.4:
            place = f"Tổ {rng.randint(1, 22)}, {rng.choice(commune.former)}"
        else:
            place = f"Tổ {rng.randint(1, 22)}, {kind_word.lower()} {rest}, thành phố Huế"
        topic = rng.choices(topics, weights=topic_w)[0]
        kind, template = rng.choice(TEMPLATES[topic])
        summary = summary_of(rng, template, place)
        roll = rng.random()
        signer_kind = (
            SignerKind.ONE
            if roll < 0.8
            else SignerKind.SEVERAL
            if roll < 0.9
            else SignerKind.ANONYMOUS
            if roll < 0.98
            else SignerKind.FALSE_NAME
        )
        name = "" if signer_kind == SignerKind.ANONYMOUS else f"{rng.choice(family)} {rng.choice(middle)} "
        name += rng.choice(given) if name else ""
        source = rng.choices(sources, weights=source_w)[0]
        at_office = rng.random() < 0.3
        unit = office if at_office else units[commune.code]
        main_kind = ""
        if kind == LetterKind.KHIEU_NAI_1 and rng.random() < 0.15:
            kind, main_kind = LetterKind.MIXED, PetitionKind.KHIEU_NAI_1
        decision, decided_on, forward_unit, forward_body, document = "", None, None, "", ""
        if (TODAY - received).days > 10:
            kept = kept_for_information(
                kind=kind,
                main_kind=main_kind,
                signer_kind=signer_kind,
                topic=topic,
                against_party_member=topic == Topic.PARTY_MEMBERS,
            )
            roll = rng.random()
            decided_on = received + datetime.timedelta(days=rng.randint(1, 5))
            if kept:
                decision = Decision.KEEP
            elif roll < 0.38:
                decision = Decision.FORWARD if at_office else Decision.HANDLE
                forward_unit = units[commune.code] if at_office else None
                document = f"{rng.randint(1, 900)}-CV/VPTU" if at_office else ""
            elif roll < 0.5:
                decision, forward_body = Decision.FORWARD, OUTSIDE_BODIES[1]
                document = f"{rng.randint(1, 900)}-CV/ĐU"
            elif roll < 0.9:
                decision, document = Decision.GUIDE, f"{rng.randint(1, 900)}-HD/ĐU"
            else:
                decision = Decision.KEEP
        if is_protected_kind(kind):
            # A denouncer's name and address are kept apart, encrypted (point 6): the letter's columns are empty. The
            # seed encrypts none (the duplicate lookup then reads an empty sender for them, in the same one query).
            name = ""
        moment = datetime.datetime.combine(received, datetime.time(8, rng.randint(0, 59)), tzinfo=db_tz())
        row: dict[str, Any] = {
            "unit_id": unit,
            "incoming_number": "",
            "source": source,
            "forwarded_by": rng.choice(FORWARDERS) if source == "forwarded" else "",
            "signer_kind": signer_kind,
            "signer_count": rng.randint(2, 12) if signer_kind == SignerKind.SEVERAL else 1,
            "signer_name": name,
            "signer_address": place if name else "",
            "kind": kind,
            "main_kind": main_kind,
            "summary": summary,
            "topic": topic,
            "subject_unit_id": None,
            "against_party_member": topic == Topic.PARTY_MEMBERS,
            "address": place if rng.random() < 0.9 else _lower_kinds(commune.name),
            "commune_id": units[commune.code],
            "received_on": received,
            "accepted_on": None,
            "complexity": "normal",
            "remote": commune.code.startswith("X-A") and rng.random() < 0.5,
            "eligible": True,
            "in_competence": True,
            "decision": decision,
            "decided_on": decided_on,
            "forward_unit_id": forward_unit,
            "forward_body": forward_body,
            "document_number": document,
            "decision_note": "",
            "task_id": None,
            "created_by_id": None,
            "created_at": moment,
            "updated_at": moment,
            "version": 1,
            "hotspot_marks": "",
            "repeat_of_id": None,
        }
        # The register's search text, as ``Letter.save`` folds it (``common.text.search_text``).
        row["search_text"] = search_text(*(row[name] for name in Letter.SEARCHED_FIELDS))
        yield row


def db_tz() -> datetime.tzinfo:
    return datetime.timezone(datetime.timedelta(hours=7))


def seed_letters(database: str, n: int, seed: int) -> None:
    """Replace the register (letters, visits and everything pointing at them: keys, links, hot spots, identities,
    intake) with ``n`` synthetic letters, through COPY, in one transaction with the seed's record."""
    from sauro.petitions.models import Letter

    columns = [str(f.column) for f in Letter._meta.concrete_fields if f.column != "id"]
    started = time.perf_counter()
    with psycopg.connect(db.database_url(database)) as conn:  # one transaction: all the letters or none
        conn.execute("DELETE FROM bench_petitions_seed")
        conn.execute("TRUNCATE petitions_letter, petitions_reception, petitions_hotspot RESTART IDENTITY CASCADE")
        # The search's trigram index (migration petitions 0008) is built once after the load, not row by row.
        trigram = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'petitions_letter' "
            "AND indexdef LIKE '%gin_trgm_ops%'"
        ).fetchall()
        for name, _definition in trigram:
            conn.execute(f'DROP INDEX "{name}"')
        with conn.cursor().copy(f"COPY petitions_letter ({', '.join(columns)}) FROM STDIN") as copy:
            for i, row in enumerate(letter_rows(n, seed), start=1):
                copy.write_row([row[c] for c in columns])
                if i % 100_000 == 0:
                    say(f"  {i:,} letters")
        # The rows' deferred foreign-key checks first (as the commit would run them): PostgreSQL builds no index on a
        # table with pending trigger events.
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in trigram:
            conn.execute(definition)
        _record(conn, "letters", f"{n}:{seed}")
    with db.connect(database) as conn:
        conn.execute("VACUUM ANALYZE petitions_letter")
    say(f"letters: {n:,} through COPY in {time.perf_counter() - started:.1f} s")


# --- the reception register ---------------------------------------------------------------------------------------


def visit_rows(n: int, seed: int) -> Iterator[dict[str, Any]]:
    """``n`` visits over the same ten years, oldest first: 30 % at the city office, 70 % at the wards and communes;
    one in twenty a group (5 to 30 people), whose recent ones the hot-spot scan flags as crowds."""
    from sauro.demo.petitions_year import TEMPLATES, TOPIC_WEIGHTS, _communes
    from sauro.org.models import Unit
    from sauro.petitions.choices import Competence, Guidance, LetterKind, ReceiverKind
    from sauro.petitions.identity_keys import is_protected_kind

    rng = random.Random(seed + 1)
    units = dict(Unit.objects.filter(valid_to__isnull=True).values_list("code", "pk"))
    communes = [c for c in _communes() if c.code in units]
    topics, topic_w = list(TOPIC_WEIGHTS), list(TOPIC_WEIGHTS.values())
    first = TODAY - datetime.timedelta(days=365 * YEARS)
    span = (TODAY - first).days
    days = sorted(first + datetime.timedelta(days=rng.randrange(span + 1)) for _ in range(n))
    guidance = list(Guidance.values)
    for received in days:
        commune = rng.choice(communes)
        kind, template = rng.choice(TEMPLATES[rng.choices(topics, weights=topic_w)[0]])
        kind_word, _, rest = commune.name.partition(" ")
        place = f"Tổ {rng.randint(1, 22)}, {kind_word.lower()} {rest}, thành phố Huế"
        summary = summary_of(rng, template, place)
        group = rng.random() < 0.05
        protected = is_protected_kind(kind) or kind == LetterKind.MIXED
        name = "" if protected else f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        moment = datetime.datetime.combine(received, datetime.time(8, rng.randint(0, 59)), tzinfo=db_tz())
        yield {
            "unit_id": units["VPTU"] if rng.random() < 0.3 else units[commune.code],
            "received_on": received,
            "receiver_kind": ReceiverKind.OFFICE,
            "receiving_leader_id": None,
            "reception_day_id": None,
            "citizen_name": name,
            "citizen_address": place if name else "",
            "id_number": "",
            "people_count": rng.randint(5, 30) if group else 1,
            "is_group": group,
            "representatives": "",
            "summary": summary,
            "kind": kind,
            "handled_by": "",
            "competence": rng.choice(Competence.values),
            "guidance": rng.choice(guidance),
            "document_number": "",
            "outcome": "",
            "commune_id": units[commune.code],
            "letter_id": None,
            "created_by_id": None,
            "created_at": moment,
            "updated_at": moment,
            "version": 1,
        }


def seed_visits(database: str, n: int, seed: int) -> None:
    from sauro.petitions.models import Reception

    columns = [str(f.column) for f in Reception._meta.concrete_fields if f.column != "id"]
    started = time.perf_counter()
    with psycopg.connect(db.database_url(database)) as conn:
        conn.execute("TRUNCATE petitions_reception RESTART IDENTITY CASCADE")
        conn.execute("DELETE FROM bench_petitions_seed WHERE step = 'scan'")  # its crowd flags came from the visits
        with conn.cursor().copy(f"COPY petitions_reception ({', '.join(columns)}) FROM STDIN") as copy:
            for row in visit_rows(n, seed):
                copy.write_row([row[c] for c in columns])
        _record(conn, "visits", str(n))
    with db.connect(database) as conn:
        conn.execute("VACUUM ANALYZE petitions_reception")
    say(f"visits: {n:,} through COPY in {time.perf_counter() - started:.1f} s")


# --- the duplicate search's keys ----------------------------------------------------------------------------------

KEY_BATCH = 2_000
_SECRET = b""


def _keys_init(secret: bytes) -> None:
    global _SECRET
    _SECRET = secret


def _keys_of(rows: list[tuple[Any, ...]]) -> list[tuple[int, int]]:
    """Each letter's keys as ``duplicates.letter_record`` and ``letter_keys_refresh`` make them: the sender's address,
    else the place's; the summary as subject and content; the letter's commune."""
    from sauro.petitions.similar import LetterRecord, sketch

    out: list[tuple[int, int]] = []
    for pk, name, signer_address, address, summary, received, commune in rows:
        record = LetterRecord(
            id=pk,
            citizen=name,
            address=signer_address or address,
            subject=summary,
            content=summary,
            received=received,
            commune=commune,
        )
        out.extend((pk, key) for key in dict.fromkeys(sketch(record, secret=_SECRET).keys))
    return out


def keys_version() -> str:
    """What the keys were computed with: the scheme and a fingerprint of the secret (keys of another are useless)."""
    from sauro.petitions.duplicates import similarity_secret
    from sauro.petitions.similar import SCHEME

    return f"{SCHEME}:{hashlib.sha256(similarity_secret()).hexdigest()[:12]}"


def _batches(cursor: Any) -> Iterator[list[tuple[Any, ...]]]:
    while rows := cursor.fetchmany(KEY_BATCH):
        yield rows


def seed_keys(database: str, processes: int | None = None) -> None:
    """Every letter's keys (``petitions_letterkey``), computed on every core, written with COPY; the table's indexes
    are built after the load."""
    from sauro.petitions.duplicates import similarity_secret

    started = time.perf_counter()
    total = letter_count(database)
    workers = processes or os.cpu_count() or 1
    # One transaction writes the keys and the record of the step (``out``); another reads the letters (``source``).
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    # The workers are started before any connection is opened: none is shared with them.
    pool = context.Pool(workers, initializer=_keys_init, initargs=(similarity_secret(),))
    with pool, psycopg.connect(db.database_url(database)) as out, psycopg.connect(db.database_url(database)) as source:
        out.execute("TRUNCATE petitions_letterkey RESTART IDENTITY")
        indexes = out.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'petitions_letterkey' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))"
        ).fetchall()
        for name, _definition in indexes:
            out.execute(f'DROP INDEX "{name}"')
        superuser = out.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
        if superuser and superuser[0]:
            out.execute("SET LOCAL session_replication_role = replica")  # no foreign-key check per row
        reader = source.cursor(name="letters")  # server-side: a million letters are not held in memory
        reader.execute(
            "SELECT id, signer_name, signer_address, address, summary, received_on, commune_id "
            "FROM petitions_letter ORDER BY id"
        )
        done = 0
        with out.cursor().copy("COPY petitions_letterkey (letter_id, key) FROM STDIN") as copy:
            for keys in pool.imap(_keys_of, _batches(reader), chunksize=1):
                for row in keys:
                    copy.write_row(row)
                done += KEY_BATCH
                if done % 100_000 == 0:
                    say(f"  keys of {done:,} / {total:,} letters")
        reader.close()
        for _name, definition in indexes:
            out.execute(definition)
        _record(out, "keys", keys_version())
    with db.connect(database) as conn:
        conn.execute("VACUUM ANALYZE petitions_letterkey")
    say(f"keys: every letter's on {workers} processes in {time.perf_counter() - started:.1f} s")


def letter_count(database: str) -> int:
    with db.connect(database) as conn:
        row = conn.execute("SELECT count(*) FROM petitions_letter").fetchone()
        return int(row[0]) if row else 0


# --- the first hot-spot scan --------------------------------------------------------------------------------------


def first_scan(database: str) -> None:
    """The daily scan on the benchmark day, once: it raises (and notifies) the register's flags."""
    from sauro.petitions.jobs import run_hotspot_scan

    started = time.perf_counter()
    result = run_hotspot_scan(TODAY)
    seconds = time.perf_counter() - started
    with db.connect(database) as conn:
        _record(conn, "scan", json.dumps({"seconds": round(seconds, 2), **result}))
    say(f"hot spots: the first scan raised {result['raised']} flags in {seconds:.1f} s")


def ensure_seed(database: str, letters: int, seed: int, *, keys: bool, reseed: bool) -> dict[str, str]:
    """Seed what is missing (everything after the letters when they are seeded again); the record of the steps."""
    state = seed_state(database)
    if reseed or state.get("letters") != f"{letters}:{seed}" or letter_count(database) != letters:
        seed_letters(database, letters, seed)
        state = seed_state(database)
    visits = max(1, letters // LETTERS_PER_VISIT)
    if state.get("visits") != str(visits):
        seed_visits(database, visits, seed)
    if keys and state.get("keys") != keys_version():
        seed_keys(database)
    if "scan" not in seed_state(database):
        first_scan(database)
    return seed_state(database)


# --- the measures ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One measured scenario: wall-clock p50 and p95, this process's CPU time p50 (ms); None when not measured."""

    key: str
    what: str
    p50: float | None = None
    p95: float | None = None
    cpu50: float | None = None
    runs: int = 0
    note: str = ""

    @property
    def budget(self) -> float:
        return BUDGET_MS[self.key]

    @property
    def over(self) -> bool:
        return self.p95 is not None and self.p95 > self.budget


def timed(key: str, what: str, run: Callable[[], object], runs: int, *, warmup: int = WARMUP, note: str = "") -> Row:
    for _ in range(warmup):
        run()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return Row(key, what, percentile(wall, 50), percentile(wall, 95), percentile(cpu, 50), runs, note)


def _fold(text: str) -> str:
    """The text typed without diacritics (đ as d), as an officer in a hurry types it."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def duplicate_queries(n: int, seed: int) -> list[tuple[int, dict[str, Any]]]:
    """``n`` letters being entered, each made from a registered one (the id it should find): its signer, addresses,
    commune and summary, the summary typed without diacritics for every other one, received a few days later."""
    from sauro.petitions.models import Letter

    rng = random.Random(seed)
    top = Letter.objects.order_by("-id").values_list("id", flat=True).first() or 0
    picks = rng.sample(range(1, top + 1), k=min(n, top))
    fields = ("id", "signer_name", "signer_address", "address", "summary", "commune_id", "received_on")
    out: list[tuple[int, dict[str, Any]]] = []
    for i, (pk, name, signer_address, address, summary, commune, received) in enumerate(
        Letter.objects.filter(pk__in=picks).order_by("id").values_list(*fields)
    ):
        typed = {
            "signer_name": name,
            "signer_address": signer_address,
            "address": address,
            "summary": _fold(summary) if i % 2 else summary,
            "commune_id": commune,
            "received_on": received + datetime.timedelta(days=rng.randint(1, 20)),
        }
        out.append((pk, typed))
    rng.shuffle(out)
    return out


def measure(runs: int, *, with_keys: bool, scan_runs: int = SCAN_RUNS) -> list[Row]:
    """Every scenario of the table, in its order."""
    from django.test import Client

    from sauro.accounts.models import User
    from sauro.common import clock
    from sauro.identity import twofactor
    from sauro.org.models import Unit
    from sauro.petitions.jobs import run_hotspot_scan
    from sauro.petitions.selectors import LetterFilters, letter_page, likely_duplicates

    office = User.objects.get(username="vanphong")
    secretary = User.objects.get(username="bithu")
    ward = Unit.objects.get(code="P-PHUBAI")
    ward_secretary = User.objects.get(username="phubai.bithu")
    rows: list[Row] = []

    def page(user: User, path: str) -> Callable[[], object]:
        client = Client()
        client.force_login(user)
        session = client.session  # the second factor passed, as after a real login (identity.twofactor)
        session[twofactor.SESSION_KEY] = {"required": True, "at": int(clock.now().timestamp()), "method": "bench"}
        session.save()

        def get() -> object:
            answer = client.get(path)
            if answer.status_code != 200:
                raise SystemExit(f"{path} ({user.username}): HTTP {answer.status_code}")
            return answer

        return get

    pages = [
        ("letters_unit", "sổ đơn của một phường (Bí thư phường Phú Bài), trang đầu", ward_secretary, "/don-thu/"),
        ("letters_unit_office", "Văn phòng lọc một phường nhận đơn", office, f"/don-thu/?unit={ward.pk}"),
        (
            "letters_commune_topic",
            "Văn phòng lọc nơi phát sinh và lĩnh vực",
            office,
            f"/don-thu/?commune={ward.pk}&topic=environment",
        ),
        ("letters_all", "sổ đơn toàn thành phố (Văn phòng), trang đầu", office, "/don-thu/"),
        (
            "receptions_unit",
            "sổ tiếp công dân của một phường (Bí thư phường Phú Bài)",
            ward_secretary,
            "/tiep-cong-dan/",
        ),
        ("receptions_all", "sổ tiếp công dân toàn thành phố (Văn phòng)", office, "/tiep-cong-dan/"),
        ("dashboard_city", "thẻ đơn thư của bảng tổng hợp, Bí thư Thành ủy", secretary, "/tong-hop/tiep-dan/"),
        (
            "dashboard_ward",
            "thẻ đơn thư của bảng tổng hợp, Bí thư phường Phú Bài",
            ward_secretary,
            "/tong-hop/tiep-dan/",
        ),
        ("hotspots", "danh sách điểm nóng còn cảnh báo (Văn phòng)", office, "/diem-nong/"),
    ]
    for key, what, user, path in pages:
        rows.append(timed(key, f"{what} `{path}`", page(user, path), runs))
    # The list's own query (visibility, derived state, one keyset page of 50), without the page around it.
    rows.append(
        timed(
            "letters_query",
            "chỉ truy vấn của sổ đơn toàn thành phố (`selectors.letter_page`)",
            lambda: list(letter_page(user=office, filters=LetterFilters()).items),
            runs,
        )
    )

    # The register's search box, typed with its diacritics (folded like the stored text: ``common.text``), as
    # Văn phòng (who sees every letter): the page, its first 50 matches newest first, the words marked.
    rows.append(
        timed(
            "search",
            f"ô tìm kiếm của sổ đơn toàn thành phố (Văn phòng), trang đầu `/don-thu/?q={SEARCH_TERM}`",
            page(office, f"/don-thu/?{urlencode({'q': SEARCH_TERM})}"),
            runs,
        )
    )

    what = "đơn có thể trùng của đơn đang vào sổ (`selectors.likely_duplicates`, 5 gợi ý, Văn phòng)"
    if with_keys:
        queries = duplicate_queries(runs + WARMUP, seed=7)
        found: list[bool] = []
        pending = iter(queries * 2)

        def lookup() -> object:
            source, typed = next(pending)
            proposals = likely_duplicates(typed, office)
            found.append(any(p.letter_id == source for p in proposals))
            return proposals

        row = timed("duplicates", what, lookup, min(runs, len(queries) - WARMUP) if queries else 0)
        share = sum(found) / len(found) if found else 0.0
        rows.append(replace(row, note=f"đơn gốc trong 5 gợi ý: {share:.0%}"))
    else:
        rows.append(Row("duplicates", what, note="bỏ qua (--no-keys)"))

    rows.append(
        timed(
            "hotspot_scan",
            "quét điểm nóng hằng ngày (`petitions.jobs.run_hotspot_scan`), ngày đã quét",
            lambda: run_hotspot_scan(TODAY),
            scan_runs,
            warmup=1,
            note="việc chạy hằng ngày",
        )
    )
    order = list(BUDGET_MS)
    return sorted(rows, key=lambda r: order.index(r.key))


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| scenario | what | p50 ms | p95 ms | CPU p50 ms | budget p95 ms | |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        if r.p50 is None or r.p95 is None:
            lines.append(f"| {r.key} | {r.what} | – | – | – | {r.budget:,.0f} | {r.note} |")
            continue
        verdict = "**vượt**" if r.over else "đạt"
        lines.append(
            f"| {r.key} | {r.what} | {r.p50:,.1f} | {r.p95:,.1f} | {r.cpu50 or 0:,.1f} | {r.budget:,.0f} | "
            f"{verdict}{'; ' + r.note if r.note else ''} |"
        )
    return "\n".join(lines)


def header(args: argparse.Namespace, state: dict[str, str], load: tuple[float, float]) -> str:
    """Which command, which data, which machine (with its speed on the tasks' bench's reference workloads)."""
    with db.connect(args.database) as conn:
        machine = db.machine(conn, args.database)
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM petitions_letter), (SELECT count(*) FROM petitions_reception), "
            "(SELECT count(*) FROM petitions_letterkey), (SELECT count(*) FROM petitions_hotspot "
            "WHERE ended_on IS NULL)"
        ).fetchone()
    letters, visits, keys, spots = counts or (0, 0, 0, 0)
    scan = json.loads(state.get("scan", "{}"))
    return "\n".join(
        [
            f"`make bench-petitions LETTERS={args.letters}` on {datetime.date.today():%d/%m/%Y} — database "
            f"{args.database}: {letters:,} letters, {visits:,} visits, {keys:,} duplicate keys, {spots:,} open hot "
            f"spots (the first scan raised {scan.get('raised', '?')} in {scan.get('seconds', '?')} s); "
            f"{args.runs} timed runs a scenario after {WARMUP} warm-up ({SCAN_RUNS} for the scan), in-process "
            "(Django test client, no gunicorn).",
            "",
            f"Machine: {machine.cores} cores ({machine.cpu}), {machine.ram_mb / 1024:.1f} GB RAM, PostgreSQL "
            f"{machine.postgresql} (shared_buffers {machine.shared_buffers}), Python {machine.python}. Speed: "
            f"reference Python loop {machine.python_reference_ms:.0f} ms, reference SQL {machine.sql_reference_ms:.0f} "
            f"ms (best of {db.REFERENCE_RUNS}, lower is faster; `make bench` prints the same). Load average "
            f"{load[0]:.1f} before the measures, {load[1]:.1f} after.",
        ]
    )


def write_docs(path: Path, text: str) -> None:
    """Replace the generated section of ``path`` (between the markers) with ``text``."""
    doc = path.read_text(encoding="utf-8")
    if DOCS_BEGIN not in doc or DOCS_END not in doc:
        raise SystemExit(f"{path}: no section {DOCS_BEGIN} … {DOCS_END}")
    before, rest = doc.split(DOCS_BEGIN, 1)
    _old, after = rest.split(DOCS_END, 1)
    path.write_text(f"{before}{DOCS_BEGIN}\n{text}\n{DOCS_END}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench-petitions", description="Đo sổ đơn thư với nhiều đơn.")
    parser.add_argument("--letters", type=int, default=20_000, help="Số đơn tổng hợp (mặc định 20.000).")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help=f"Cơ sở dữ liệu (mặc định {DEFAULT_DATABASE}).")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=RUNS, help=f"Số lần đo mỗi kịch bản (mặc định {RUNS}).")
    parser.add_argument("--no-keys", action="store_true", help="Không tạo khóa tìm đơn trùng, không đo tìm đơn trùng.")
    parser.add_argument("--reseed", action="store_true", help="Nạp lại đơn dù đã đủ số lượng.")
    parser.add_argument("--seed-only", action="store_true", help="Chỉ nạp dữ liệu, không đo.")
    parser.add_argument(
        "--write-docs", type=Path, metavar="FILE", help="Ghi bảng kết quả vào FILE (giữa hai dấu bench-petitions)."
    )
    args = parser.parse_args(argv)

    created = db.ensure_database(args.database)
    say(f"database {args.database}{' (created)' if created else ''}")
    _setup(args.database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages as production serves them
    ensure_organisation()
    state = ensure_seed(args.database, args.letters, args.seed, keys=not args.no_keys, reseed=args.reseed)
    if args.seed_only:
        return 0
    load_before = os.getloadavg()[0]
    rows = measure(args.runs, with_keys=not args.no_keys)
    text = f"{header(args, state, (load_before, os.getloadavg()[0]))}\n\n{table(rows)}"
    over = [r.key for r in rows if r.over]
    text += "\n\n" + ("Đạt mọi ngân sách đã đo." if not over else "Vượt ngân sách: " + ", ".join(over) + ".")
    print(text)
    results = Path("bench/results")
    results.mkdir(parents=True, exist_ok=True)
    (results / f"petitions-{args.letters}.json").write_text(
        json.dumps(
            {"rows": [asdict(r) for r in rows], "budgets": BUDGET_MS, "text": text}, ensure_ascii=False, indent=1
        ),
        encoding="utf-8",
    )
    if args.write_docs:
        write_docs(args.write_docs, text)
        say(f"written into {args.write_docs}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
