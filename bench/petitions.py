"""``python -m bench.petitions --letters N`` (``make bench-petitions``): the letters' register at scale, measured.

Issue 19, point 10: seed N synthetic letters on PostgreSQL (default 20,000; the issue's figure is 1,000,000:
``make bench-petitions LETTERS=1000000``) and time what an officer waits for, p50 and p95 against budgets of the same
kind as the tasks' (``bench/budgets.py``):

- the register list of one unit (``/don-thu/`` as a ward Secretary; and as Văn phòng filtered on one ward, on one
  ward and a topic) and of all units (``/don-thu/`` as Văn phòng) — through Django's test client, the whole
  middleware stack, view and template, in this process (no gunicorn, no network): ≤ 50 ms;
- a text search over the summaries (``summary ILIKE``, newest 50 first) — **the letters' list has no text search
  yet**: this row says what the obvious query costs, for whoever builds it (budget of the tasks' search, 150 ms);
- the duplicate lookup (``petitions.similar.SimilarityIndex`` over ``similar_store.SqlKeyStore``) — only when the
  keys' table ``petitions_letterkey`` exists (migration ``petitions 0004``, built apart); ``--no-keys`` leaves the
  step out, and without the table it is skipped and said so: ≤ 50 ms (point 5's target);
- the hot-spot dashboard is not built in this branch: its row says so (budget 300 ms).

The seed: the Huế demo's organisation (``load_demo_organisation``, through the services, once), then the letters
streamed with ``COPY`` (not through the services: a million rows through them would take hours), spread over ten
years to ``profile.TODAY``, 30 % received by the city office and 70 % by the 40 wards and communes, with summaries
from the demo's templates by topic, addresses under today's and former names, kinds, sources, signers and decisions
in the demo's proportions. Letters decided "handled" or "forwarded to a unit" have no task in the seed (their state
is then "forwarded": the list's join to the tasks is still made). Then the keys (optional, above) and ``ANALYZE``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg

from bench import db
from bench.stats import percentile

TODAY = datetime.date(2026, 11, 27)  # bench/profile (sauro.bench.profile.TODAY): the day the history ends
YEARS = 10
DEFAULT_DATABASE = "sauro_bench_petitions"
BUDGET_MS = {
    "list_unit": 50.0,
    "list_unit_office": 50.0,
    "list_commune_topic": 50.0,
    "list_all": 50.0,
    "search": 150.0,
    "duplicates": 50.0,
    "dashboard": 300.0,
}
SEARCH_TERM = "khu công nghiệp"
RUNS = 60
WARMUP = 3


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the seed -----------------------------------------------------------------------------------------------------


def _setup(database: str) -> None:
    os.environ["DATABASE_URL"] = db.database_url(database)
    os.environ.setdefault("SAURO_TODAY", TODAY.isoformat())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauro.settings")
    import django

    django.setup()


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


def letter_rows(n: int, seed: int) -> Iterator[dict[str, Any]]:
    """``n`` letters' columns, oldest first (ids follow the receipt dates, as in a real register)."""
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
    family = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
    middle = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quang", "Ngọc", "Xuân", "Đình", "Công")
    given = ("An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Lan", "Long", "Mai", "Nam", "Sơn")
    for received in days:
        commune = rng.choice(communes)
        kind_word, _, rest = commune.name.partition(" ")
        if commune.former and rng.random() < 0.4:
            place = f"Tổ {rng.randint(1, 22)}, {rng.choice(commune.former)}"
        else:
            place = f"Tổ {rng.randint(1, 22)}, {kind_word.lower()} {rest}, thành phố Huế"
        topic = rng.choices(topics, weights=topic_w)[0]
        kind, template = rng.choice(TEMPLATES[topic])
        summary = template.format(
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
        moment = datetime.datetime.combine(received, datetime.time(8, rng.randint(0, 59)), tzinfo=db_tz())
        yield {
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
        }


def db_tz() -> datetime.tzinfo:
    return datetime.timezone(datetime.timedelta(hours=7))


def seed_letters(database: str, n: int, seed: int) -> None:
    """Replace the register's letters (and anything pointing at them) with ``n`` synthetic ones, through COPY."""
    from sauro.petitions.models import Letter

    columns = [f.column for f in Letter._meta.concrete_fields if f.column != "id"]
    started = time.perf_counter()
    with db.connect(database) as conn:
        has_keys = db.table_exists(conn, "petitions_letterkey")
        tables = ["petitions_letter", "petitions_reception"] + (["petitions_letterkey"] if has_keys else [])
        conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
        with conn.cursor().copy(f"COPY petitions_letter ({', '.join(columns)}) FROM STDIN") as copy:
            for i, row in enumerate(letter_rows(n, seed), start=1):
                copy.write_row([row[c] for c in columns])
                if i % 100_000 == 0:
                    say(f"  {i:,} letters")
        conn.execute("ANALYZE petitions_letter")
    say(f"letters: {n:,} through COPY in {time.perf_counter() - started:.1f} s")


def seed_keys(database: str) -> bool:
    """The duplicate search's keys of every letter (``petitions_letterkey``), through COPY; False without the table."""
    from sauro.petitions.similar import LetterRecord, sketch

    with db.connect(database) as conn:
        if not db.table_exists(conn, "petitions_letterkey"):
            return False
        started = time.perf_counter()
        conn.execute("TRUNCATE petitions_letterkey")
        rows = conn.execute(
            "SELECT id, signer_name, address, summary, received_on, commune_id FROM petitions_letter ORDER BY id"
        )
        with psycopg.connect(db.database_url(database), autocommit=True) as out:
            with out.cursor().copy("COPY petitions_letterkey (letter_id, key) FROM STDIN") as copy:
                for n, (pk, name, address, summary, received, commune) in enumerate(rows, start=1):
                    record = LetterRecord(
                        id=pk, citizen=name, address=address, content=summary, received=received, commune=commune
                    )
                    for key in dict.fromkeys(sketch(record).keys):
                        copy.write_row((pk, key))
                    if n % 100_000 == 0:
                        say(f"  keys of {n:,} letters")
            out.execute("ANALYZE petitions_letterkey")
        say(f"keys: every letter's in {time.perf_counter() - started:.1f} s")
        return True


def letter_count(database: str) -> int:
    with db.connect(database) as conn:
        row = conn.execute("SELECT count(*) FROM petitions_letter").fetchone()
        return int(row[0]) if row else 0


# --- the measures ---------------------------------------------------------------------------------------------


def timed(run: Callable[[], object], runs: int) -> tuple[float, float]:
    for _ in range(WARMUP):
        run()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 50), percentile(samples, 95)


def measure(runs: int, with_keys: bool) -> list[tuple[str, str, float | None, float | None, str]]:
    """(scenario, what, p50, p95, note) for every scenario; p50/p95 None when it is not measured."""
    from django.test import Client

    from sauro.accounts.models import User
    from sauro.org.models import Unit
    from sauro.petitions.access import letters_visible_to
    from sauro.petitions.models import Letter

    office = User.objects.get(username="vanphong")
    ward = Unit.objects.get(code="P-PHUBAI")
    secretary = User.objects.get(username="phubai.bithu")
    results: list[tuple[str, str, float | None, float | None, str]] = []

    def page(user: User, path: str) -> Callable[[], object]:
        client = Client()
        client.force_login(user)

        def get() -> object:
            answer = client.get(path)
            if answer.status_code != 200:
                raise SystemExit(f"{path}: HTTP {answer.status_code}")
            return answer

        return get

    pages = [
        ("list_unit", "sổ đơn của một phường (Bí thư phường Phú Bài), trang đầu", secretary, "/don-thu/"),
        ("list_unit_office", "Văn phòng lọc một phường nhận đơn", office, f"/don-thu/?unit={ward.pk}"),
        (
            "list_commune_topic",
            "Văn phòng lọc nơi phát sinh và lĩnh vực",
            office,
            f"/don-thu/?commune={ward.pk}&topic=environment",
        ),
        ("list_all", "sổ đơn toàn thành phố (Văn phòng), trang đầu", office, "/don-thu/"),
    ]
    for key, what, user, path in pages:
        p50, p95 = timed(page(user, path), runs)
        results.append((key, f"{what} `{path}`", p50, p95, ""))
    # The list's own query (``selectors.letter_page``: visibility, state, one page of 50), without the page around it:
    # what grows with the register.
    from sauro.petitions.selectors import LetterFilters, letter_page

    queries = [
        ("list_unit", secretary, LetterFilters()),
        ("list_commune_topic", office, LetterFilters(commune_id=ward.pk, topic="environment")),
        ("list_all", office, LetterFilters()),
    ]
    for key, user, filters in queries:
        p50, p95 = timed(lambda u=user, f=filters: list(letter_page(user=u, filters=f).items), runs)
        results.append((key, "chỉ truy vấn của trang (selectors.letter_page)", p50, p95, "truy vấn"))

    def search() -> object:
        return list(
            letters_visible_to(office)
            .filter(summary__icontains=SEARCH_TERM)
            .order_by("-received_on", "-id")
            .values_list("id", "received_on", "summary")[:50]
        )

    p50, p95 = timed(search, runs)
    results.append(
        (
            "search",
            f"tìm “{SEARCH_TERM}” trong tóm tắt (ILIKE, 50 đơn mới nhất)",
            p50,
            p95,
            "chưa có ô tìm trong sổ đơn",
        )
    )

    from django.db import connection

    keyed = with_keys and "petitions_letterkey" in connection.introspection.table_names()
    if keyed:
        from sauro.petitions.similar import LetterRecord, SimilarityIndex
        from sauro.petitions.similar_store import SqlKeyStore

        def load(ids: Any) -> list[LetterRecord]:
            fields = ("id", "signer_name", "address", "summary", "received_on", "commune_id")
            return [
                LetterRecord(id=i, citizen=s, address=a, content=c, received=r, commune=m)
                for i, s, a, c, r, m in Letter.objects.filter(pk__in=list(ids)).values_list(*fields)
            ]

        index = SimilarityIndex(SqlKeyStore(load=load))
        picks = random.Random(7).sample(range(1, Letter.objects.count() + 1), k=min(runs + WARMUP, 500))
        queries = iter(load(picks) * 2)
        p50, p95 = timed(lambda: index.similar(next(queries)), runs)
        results.append(("duplicates", "đơn có thể trùng của một đơn (5 gợi ý)", p50, p95, ""))
    else:
        why = "bỏ qua (--no-keys)" if not with_keys else "chưa có bảng petitions_letterkey (migration 0004)"
        results.append(("duplicates", "đơn có thể trùng của một đơn (5 gợi ý)", None, None, why))
    results.append(("dashboard", "bảng điểm nóng toàn thành phố", None, None, "chưa xây dựng ở nhánh này"))
    return results


def table(results: list[tuple[str, str, float | None, float | None, str]], header: str) -> str:
    lines = [
        header,
        "",
        "| scenario | what | p50 ms | p95 ms | budget ms | |",
        "|---|---|---:|---:|---:|---|",
    ]
    for key, what, p50, p95, note in results:
        budget = BUDGET_MS[key]
        if p50 is None or p95 is None:
            lines.append(f"| {key} | {what} | – | – | {budget:.0f} | {note} |")
            continue
        verdict = "đạt" if p95 <= budget else "**vượt**"
        if note == "truy vấn":
            verdict, note = "(phần truy vấn)", ""
        lines.append(
            f"| {key} | {what} | {p50:.1f} | {p95:.1f} | {budget:.0f} | {verdict}{'; ' + note if note else ''} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench-petitions", description="Đo sổ đơn thư với nhiều đơn.")
    parser.add_argument("--letters", type=int, default=20_000, help="Số đơn tổng hợp (mặc định 20.000).")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help=f"Cơ sở dữ liệu (mặc định {DEFAULT_DATABASE}).")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=RUNS, help=f"Số lần đo mỗi kịch bản (mặc định {RUNS}).")
    parser.add_argument("--no-keys", action="store_true", help="Không tạo khóa tìm đơn trùng, không đo tìm đơn trùng.")
    parser.add_argument("--reseed", action="store_true", help="Nạp lại đơn dù đã đủ số lượng.")
    args = parser.parse_args(argv)

    created = db.ensure_database(args.database)
    say(f"database {args.database}{' (created)' if created else ''}")
    _setup(args.database)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages as production serves them
    ensure_organisation()
    if args.reseed or letter_count(args.database) != args.letters:
        seed_letters(args.database, args.letters, args.seed)
        if not args.no_keys and not seed_keys(args.database):
            say("keys: no table petitions_letterkey in this schema (migration petitions 0004): step left out")
    results = measure(args.runs, with_keys=not args.no_keys)
    with db.connect(args.database) as conn:
        machine = db.machine(conn, args.database)
    load = os.getloadavg()
    header = (
        f"`make bench-petitions LETTERS={args.letters}` — {letter_count(args.database):,} letters, "
        f"{args.runs} timed runs each (after {WARMUP} warm-up), in-process (Django test client, no gunicorn).\n"
        f"Machine: {machine.cores} cores ({machine.cpu}), {machine.ram_mb / 1024:.1f} GB RAM, PostgreSQL "
        f"{machine.postgresql}, Python {machine.python}; load average {load[0]:.1f} (shared machine)."
    )
    print(table(results, header))
    over = [
        key for key, _w, _p50, p95, note in results if p95 is not None and p95 > BUDGET_MS[key] and note != "truy vấn"
    ]
    print("\n" + ("Đạt mọi ngân sách đã đo." if not over else "Vượt ngân sách: " + ", ".join(over)))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
