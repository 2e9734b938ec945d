"""Receiving clinics' signed PDFs: verified, read, and stored, or refused with the reason and kept aside.

A file is accepted only when its signature is intact, nothing follows it, and its signer's
certificate is one the office registered (app.printing.verify with that certificate as the
trusted one); when the data embedded in it names that same clinic, a contract the office holds
with it, and a month that has ended inside the contract; and when it is neither a file already
received nor a second report for a month that only a correction citing the current one may replace.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.office.models import OfficeClinic, OfficeContract, OfficeDocument, OfficeRefusal
from app.office.registry import OfficeContext
from app.office.storage import RECEIVED_DIR, REFUSED_DIR
from app.persian import format_month, month_bounds, normalize_identifier, to_persian_digits

MONTHLY_FORMAT, INVOICE_FORMAT = "parvandeh.monthly_report", "parvandeh.invoice"

MSG_DUPLICATE = "تکراری: همین فایل پیش‌تر دریافت شده است ({id})"
MSG_SAME_ID = "شناسه {id} پیش‌تر با محتوای دیگری دریافت شده است؛ سند دیگری با همان شناسه پذیرفته نمی‌شود"
MSG_FOREIGN = "امضاکننده کلینیک ثبت‌شده‌ای در این اداره نیست (گواهی ناشناخته)"
MSG_NO_DATA = "داده پیوست (JSON) گزارش در فایل نیست؛ فقط گزارش‌ها و صورتحساب‌های امضاشده پرونده پذیرفته می‌شوند"
MSG_BAD_DATA = "داده پیوست گزارش خوانده نشد"
MSG_DRAFT = "این سند پیش‌نویس است، نه گزارش امضاشده"
MSG_OTHER_CLINIC = "داده گزارش به نام کلینیک دیگری است (پروانه {licence})؛ با گواهی امضاکننده نمی‌خواند"
MSG_NO_CONTRACT = "قرارداد {number} برای این کلینیک در اداره ثبت نشده است"
MSG_OUTSIDE_CONTRACT = "ماه گزارش ({month}) در دوره قرارداد {number} نیست"
MSG_UNFINISHED = "ماه گزارش ({month}) هنوز تمام نشده است؛ گزارش ماه تمام‌نشده پذیرفته نمی‌شود"
MSG_ALREADY = ("برای {month} قرارداد {number} پیش‌تر {kind} {id} رسیده است؛ "
               "فقط اصلاحیه‌ای که آن را نام ببرد جایگزینش می‌شود")
MSG_WRONG_TARGET = "این اصلاحیه جایگزین {cited} است، ولی سند کنونی {month} {current} است"
MSG_UNREADABLE = "فایل خوانده نشد: {error}"

KIND_LABELS = {"monthly": "گزارش عملکرد", "invoice": "صورتحساب"}


@dataclass(frozen=True)
class Receipt:
    """One line of the answer: a file, accepted or not, and why, in Persian."""

    file: str
    accepted: bool
    message: str
    document_id: str = ""
    duplicate: bool = False

    def line(self) -> str:
        mark = "پذیرفته شد" if self.accepted else "پذیرفته نشد"
        return f"{self.file}: {mark} — {self.message}"


@dataclass(frozen=True)
class _Read:
    """What a verified file says about itself."""

    kind: str
    document_id: str
    licence: str
    contract_number: str
    year: int
    month: int
    correction_number: int
    replaces: str
    cites_report: str
    figures: dict
    details: dict


class Refused(Exception):
    def __init__(self, message: str, duplicate: bool = False):
        super().__init__(message)
        self.message, self.duplicate = message, duplicate


def pdf_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, and every PDF inside the folders named (sorted, so runs repeat)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
        else:
            found.append(path)
    return found


BATCH = 25  # files stored per transaction: one commit and one round of fsyncs for the lot


def receive_files(ctx: OfficeContext, paths: Iterable[str | Path],
                  progress: Optional[Callable[[int, int], None]] = None,
                  cancelled: Optional[Callable[[], bool]] = None, *, jobs: int = 1) -> list[Receipt]:
    """Every file verified and read, then stored or refused, in the order given.

    With jobs > 1 the verification runs in that many processes; each worker hands back the very
    bytes it verified, so a file changed meanwhile is not stored unverified. Storing stays in this
    process, BATCH files per transaction: the kept copies are flushed to disk before the
    transaction that records them commits, so a record never names a file a power cut lost."""
    from app.office import access, fastpdf
    access.require(ctx, access.RECEIVE)
    fastpdf.install()
    files = pdf_files(paths)
    trusted, known = _trusted(ctx), _known_digests(ctx)
    receipts: list[Receipt] = []
    for batch in _batches(_outcomes(files, trusted, known, jobs), BATCH):
        receipts += _settle_batch(ctx, batch)
        if progress:
            progress(len(receipts), len(files))
        if cancelled and cancelled():
            break
    accepted = sum(r.accepted for r in receipts)
    access.audit(ctx, "receive", f"{accepted} accepted, {len(receipts) - accepted} refused of {len(files)} files")
    return receipts


def _batches(items, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _outcomes(files: list[Path], trusted: dict[str, int], known: frozenset, jobs: int):
    """(path, examine's answer) in the order of `files`."""
    if jobs <= 1 or len(files) < 2:
        for path in files:
            yield path, examine(path, trusted, known)
        return
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(jobs, initializer=_worker_setup, initargs=(trusted, known)) as pool:
        yield from zip(files, pool.map(_worker_examine, files, chunksize=8))


_WORKER: dict = {}


def _worker_setup(trusted: dict[str, int], known: frozenset) -> None:
    """Each worker gets the trusted certificates and known files once, not with every file."""
    from app.office import fastpdf
    fastpdf.install()
    _WORKER.update(trusted=trusted, known=known)


def _worker_examine(path: Path) -> tuple:
    return examine(path, _WORKER["trusted"], _WORKER["known"])


def _trusted(ctx: OfficeContext) -> dict[str, int]:
    """Fingerprint -> clinic id of every registered clinic."""
    with ctx.db.read() as session:
        return dict(session.execute(select(OfficeClinic.fingerprint, OfficeClinic.id)).all())


def _known_digests(ctx: OfficeContext) -> frozenset:
    """The SHA-256 of every file already accepted: the same file again is refused before the costly
    verification (storing checks again, in its transaction, so this is only a shortcut)."""
    with ctx.db.read() as session:
        return frozenset(session.scalars(select(OfficeDocument.file_sha256)).all())


def examine(path: Path, trusted: dict[str, int], known: frozenset = frozenset()) -> tuple:
    """(data, digest, signature, read) for a file that passed, or (data, digest, Refused) — no database."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return None, "", Refused(MSG_UNREADABLE.format(error=exc.strerror or exc))
    digest = hashlib.sha256(data).hexdigest()
    if digest in known:
        return data, digest, Refused(MSG_DUPLICATE.format(id="؟"), duplicate=True)  # named when stored
    try:
        return data, digest, _verified_clinic(data, trusted), read_embedded(data)
    except Refused as refusal:
        return data, digest, refusal


def _settle_batch(ctx: OfficeContext, batch: list[tuple[Path, tuple]]) -> list[Receipt]:
    """A batch stored in one transaction; if anything but a refusal goes wrong, file by file, so
    one bad file costs only itself (and an error on a single file is raised, as before)."""
    written: list[Path] = []
    try:
        with ctx.db.transaction() as session:
            receipts = [_settle(ctx, session, path, outcome, written) for path, outcome in batch]
            _flush_to_disk(written)
        return receipts
    except Exception:
        if len(batch) == 1:
            raise
        return [receipt for item in batch for receipt in _settle_batch(ctx, [item])]


def _settle(ctx: OfficeContext, session: Session, path: Path, outcome: tuple, written: list[Path]) -> Receipt:
    data, digest, *found = outcome
    try:
        if isinstance(found[0], Refused):
            if found[0].duplicate:
                _duplicate_or_conflict(session, digest, None)  # names the document received before
            raise found[0]
        return _store(ctx, session, path, data, digest, found[0], found[1], written)
    except Refused as refusal:
        if data is not None:
            _refuse(ctx, session, path, data, digest, refusal.message, written)
        return Receipt(str(path), False, refusal.message, duplicate=refusal.duplicate)


def receive_one(ctx: OfficeContext, path: Path, trusted: Optional[dict[str, int]] = None) -> Receipt:
    from app.office import access
    access.require(ctx, access.RECEIVE)
    trusted = _trusted(ctx) if trusted is None else trusted
    return _settle_batch(ctx, [(Path(path), examine(path, trusted, _known_digests(ctx)))])[0]


def _flush_to_disk(paths: list[Path]) -> None:
    """fsync every kept copy, several at once: the disk journal commits them together."""
    if not paths:
        return
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(min(8, len(paths))) as pool:
        list(pool.map(_fsync, paths))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _verified_clinic(data: bytes, trusted: dict[str, int]):
    """The registered clinic that signed this file (and the signature's facts), or a refusal with
    verify's own reasons. `ok` and `trusted` are verify's verdict: whatever it refuses, so do we."""
    from app.printing.verify import MSG_UNTRUSTED, verify_pdf
    result = verify_pdf(data, trusted_certs=list(trusted))
    if result.ok and result.trusted:
        return trusted[result.certificate_fingerprint], result.signer_name or "", result.signing_time
    if result.ok:
        raise Refused(MSG_FOREIGN)
    problems = [p for p in result.problems if p != MSG_UNTRUSTED and not p.startswith("امضاکننده ناشناخته")]
    raise Refused("؛ ".join(dict.fromkeys(problems)) or "امضای فایل معتبر نیست")


def read_embedded(data: bytes) -> _Read:
    from app.printing.embed import list_embedded_files
    try:
        files = list_embedded_files(data)
    except Exception:
        raise Refused(MSG_NO_DATA) from None
    for name, blob in files.items():
        if not name.lower().endswith(".json"):
            continue
        try:
            document = json.loads(blob.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Refused(MSG_BAD_DATA) from None
        if isinstance(document, dict) and document.get("format") in (MONTHLY_FORMAT, INVOICE_FORMAT):
            try:
                return _parse(document)
            except (KeyError, TypeError, ValueError, AttributeError):
                raise Refused(MSG_BAD_DATA) from None
    raise Refused(MSG_NO_DATA)


def _parse(doc: dict) -> _Read:
    if doc.get("draft"):
        raise Refused(MSG_DRAFT)
    contract, clinic = doc["contract"], doc["clinic"]
    common = dict(licence=normalize_identifier(str(clinic["licence_number"])),
                  contract_number=normalize_identifier(str(contract["number"])),
                  year=int(doc["year"]), month=int(doc["month"]),
                  correction_number=int(doc.get("correction_number") or 0),
                  replaces=str(doc.get("replaces_report_id") or doc.get("replaces_id") or ""))
    if not 1 <= common["month"] <= 12:
        raise ValueError("month")
    if doc["format"] == MONTHLY_FORMAT:
        return _monthly(doc, contract, common)
    return _invoice(doc, contract, common)


def _monthly(doc: dict, contract: dict, common: dict) -> _Read:
    s = doc["summary"]
    clients = int(doc.get("clients") or 0)
    by_kind = {str(k): int(v) for k, v in s["services_by_kind"].items()}
    payable = doc.get("payable_case_months")
    figures = dict(
        clients=clients, active_at_start=int(s["active_at_start"]), active_at_end=int(s["active_at_end"]),
        new_files=int(s["new"]), closed_files=int(s["closed"]), returned_files=int(s["returned"]),
        total_services=sum(by_kind.values()), home_visits=int(s["home_visits"]),
        reviews_done=int(s["reviews_done"]), reviews_due=int(s["reviews_due"]),
        abuse_concerns=len(s.get("abuse_concerns") or []), referrals=int(s.get("referrals") or 0),
        payable_case_months=int(payable) if payable is not None else min(clients, int(contract["capacity"])),
        fee_rials=int(contract["fee_per_case_month_rials"]), amount_rials=0)
    details = {"services_by_kind": by_kind,
               "services_by_mode": {str(k): int(v) for k, v in s["services_by_mode"].items()},
               "contract": contract, "clinic_name": doc["clinic"].get("name", "")}
    return _Read("monthly", str(doc["report_id"]), cites_report="", figures=figures, details=details, **common)


def _invoice(doc: dict, contract: dict, common: dict) -> _Read:
    payable = int(doc["payable_case_months"])
    fee = int(doc.get("fee_rials") or contract["fee_per_case_month_rials"])
    total = doc.get("total_rials")
    figures = dict(payable_case_months=payable, fee_rials=fee,
                   amount_rials=int(total) if total is not None else payable * fee)
    document_id = str(doc.get("invoice_id") or doc["document_id"])
    return _Read("invoice", document_id, cites_report=str(doc.get("cites_report_id") or doc.get("report_id") or ""), figures=figures,
                 details={"contract": contract, "clinic_name": doc["clinic"].get("name", "")}, **common)


# -- storing --------------------------------------------------------------------------------------------

def _store(ctx: OfficeContext, session: Session, path: Path, data: bytes, digest: str, signature, read: _Read,
           written: list[Path]) -> Receipt:
    """Every check first (a refusal changes nothing), then the copy kept and the record added."""
    clinic_id, signer_name, signed_at = signature
    _duplicate_or_conflict(session, digest, read)
    contract = _checked_contract(ctx, session, clinic_id, read)
    current = _current(session, contract.id, read)
    replaced = _replaced(current, read)
    clinic = session.get(OfficeClinic, clinic_id)
    stored = _keep(ctx.data_dir, RECEIVED_DIR, _received_name(clinic.licence, read), data, written)
    document = OfficeDocument(
        document_id=read.document_id, kind=read.kind, clinic_id=clinic_id, contract_id=contract.id,
        year=read.year, month=read.month, current=True, correction_number=read.correction_number,
        replaces_id=replaced.id if replaced else None, replaces_document_id=read.replaces,
        cites_report_id=read.cites_report, file_sha256=digest, stored_path=stored,
        signer_name=signer_name[:200], signed_at=signed_at, received_at=ctx.now(), received_by=ctx.user_name,
        details_json=json.dumps(read.details, ensure_ascii=False), **read.figures)
    if replaced is not None:
        replaced.current = False
        session.flush()  # one current document per month, before its successor is added
    session.add(document)
    session.flush()  # the next file of the batch sees this one (duplicates, corrections)
    return Receipt(str(path), True, _accepted_text(read, clinic.name, replaced), read.document_id)


def _checked_contract(ctx: OfficeContext, session: Session, clinic_id: int, read: _Read) -> OfficeContract:
    clinic = session.get(OfficeClinic, clinic_id)
    if read.licence != clinic.licence:
        raise Refused(MSG_OTHER_CLINIC.format(licence=read.licence))
    contract = session.scalar(select(OfficeContract).where(OfficeContract.clinic_id == clinic_id,
                                                           OfficeContract.number == read.contract_number))
    if contract is None:
        raise Refused(MSG_NO_CONTRACT.format(number=read.contract_number))
    start, end = month_bounds(read.year, read.month)
    month = format_month(read.year, read.month)
    if (contract.start_date and end < contract.start_date) or (contract.end_date and start > contract.end_date):
        raise Refused(MSG_OUTSIDE_CONTRACT.format(month=month, number=contract.number))
    if end >= ctx.today():
        raise Refused(MSG_UNFINISHED.format(month=month))
    return contract


def _duplicate_or_conflict(session: Session, digest: str, read: Optional[_Read]) -> None:
    same_file = session.scalar(select(OfficeDocument.document_id).where(OfficeDocument.file_sha256 == digest))
    if same_file is not None:
        raise Refused(MSG_DUPLICATE.format(id=same_file), duplicate=True)
    if read is None:
        return
    if session.scalar(select(OfficeDocument.id).where(OfficeDocument.document_id == read.document_id)) is not None:
        raise Refused(MSG_SAME_ID.format(id=read.document_id), duplicate=True)


def _current(session: Session, contract_id: int, read: _Read) -> Optional[OfficeDocument]:
    return session.scalar(select(OfficeDocument).where(
        OfficeDocument.contract_id == contract_id, OfficeDocument.kind == read.kind,
        OfficeDocument.year == read.year, OfficeDocument.month == read.month, OfficeDocument.current.is_(True)))


def _replaced(current: Optional[OfficeDocument], read: _Read) -> Optional[OfficeDocument]:
    """The document a correction replaces; a refusal when the month has one and this does not cite it.

    A correction whose original never reached the office stands on its own (nothing to replace)."""
    if current is None:
        return None
    month = format_month(read.year, read.month)
    kind = KIND_LABELS[read.kind]
    if not read.correction_number or not read.replaces:
        raise Refused(MSG_ALREADY.format(month=month, number=read.contract_number, kind=kind,
                                         id=current.document_id), duplicate=True)
    if read.replaces != current.document_id:
        raise Refused(MSG_WRONG_TARGET.format(cited=read.replaces, month=month, current=current.document_id))
    return current


def _accepted_text(read: _Read, clinic_name: str, replaced: Optional[OfficeDocument]) -> str:
    what = f"{KIND_LABELS[read.kind]} {format_month(read.year, read.month)} «{clinic_name}» ({read.document_id})"
    if replaced is not None:
        return f"{what}، اصلاحیه شماره {to_persian_digits(read.correction_number)} به جای {replaced.document_id}"
    return what


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _received_name(licence: str, read: _Read) -> str:
    return f"{_UNSAFE.sub('-', licence)}/{read.year}-{read.month:02d}/{_UNSAFE.sub('-', read.document_id)}.pdf"


def _keep(data_dir: Path, folder: str, relative: str, data: bytes, written: list[Path]) -> str:
    """Written beside and renamed, so a name in the folder is always a whole file; flushed to disk
    (_flush_to_disk) with the rest of its batch before the record naming it commits."""
    target = Path(data_dir) / folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    written.append(target)
    return str(Path(folder) / relative)


def _refuse(ctx: OfficeContext, session: Session, path: Path, data: bytes, digest: str, reason: str,
            written: list[Path]) -> None:
    stamp = ctx.now().strftime("%Y%m%d-%H%M%S")
    name = _UNSAFE.sub("-", Path(path).name)[-120:] or "file.pdf"
    kept = _keep(ctx.data_dir, REFUSED_DIR, f"{stamp}-{digest[:8]}-{name}", data, written)
    session.add(OfficeRefusal(file_name=str(path), file_sha256=digest, reason=reason, kept_path=kept,
                              received_at=ctx.now(), received_by=ctx.user_name))


def stored_file(data_dir: Path, stored_path: str) -> Path:
    return Path(data_dir) / stored_path
