"""Documents attached to a completed step: the signed Carta de Compromiso, a consent form.

Kept in the database (table ``document``), not in a folder: a document then belongs to the
transaction that records it (with its ``document_attached`` event, or neither), is in every
backup of the cases it belongs to, is served by any app server without a shared disk, and is
reached only through its case, so the one access policy guards it. The limits keep that
affordable: :data:`MAX_BYTES` per file, :data:`MAX_PER_STEP` per step, and only the types
:data:`TYPES` recognises by their first bytes (what the browser says the type is, and the
file's extension, are not believed). Nothing is ever replaced or deleted: a wrong document
is followed by the right one, both in the history.
"""

import hashlib
import re
import unicodedata
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import Actor
from ..core.errors import FieldError, NotFound
from ..persistence import audit
from ..persistence.models import Case, Document
from ..persistence.uow import command
from .corrections import completion_event

MAX_BYTES = 5 * 1024 * 1024
MAX_PER_STEP = 10
KINDS = ("carta_compromiso", "consentimiento", "otro")
TYPES = ((b"%PDF-", "application/pdf", "pdf"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
         (b"\xff\xd8\xff", "image/jpeg", "jpg"))
ATTACHED = "document_attached"
COMMAND = "attach_document"


def sniffed(content: bytes) -> tuple[str, str] | None:
    """The (content type, extension) ``content`` starts like, or None for any other file."""
    for magic, content_type, extension in TYPES:
        if content.startswith(magic):
            return content_type, extension
    return None


def safe_filename(name: str | None, extension: str) -> str:
    """``name`` reduced to letters, digits, dots, dashes and underscores, with the extension
    of its real type (so a served name never says another type)."""
    plain = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", re.split(r"[/\\]", plain)[-1])
    stem = (base.rsplit(".", 1)[0] if "." in base else base).strip("._-")[:120]
    return f"{stem or 'documento'}.{extension}"


@command
def attach_document(session: Session, task_id: str, kind: str, filename: str | None,
                    content: bytes, actor: Actor, now: datetime | None = None) -> Document:
    """Attach ``content`` to the completed step ``task_id``.

    :class:`NotFound` unless the step was completed and the actor sees its case;
    :class:`NotAllowed` unless the actor wrote the step, holds the case or supervises its
    territory (``policy.attach_not_allowed``); :class:`InvalidInput` (nothing written) for
    an empty, too large or unrecognised file, an unknown kind, or a step that has its
    :data:`MAX_PER_STEP` documents already.
    """
    with clock.frozen_at(now) as moment:
        completion = completion_event(session, task_id)
        if completion is None:
            raise NotFound(f"no completed task {task_id}", code="task.not_found", task=task_id)
        case = session.get(Case, completion.case_id)
        policy.require(session, actor, policy.ATTACH_DOCUMENT,
                       policy.Authored(case, completion.actor))
        found = sniffed(content or b"")
        errors = _errors(session, task_id, kind, content or b"", found)
        inputs.refuse_if(COMMAND, errors)
        content_type, extension = found
        document = Document(case_id=case.id, task_id=task_id, kind=kind,
                            filename=safe_filename(filename, extension),
                            content_type=content_type, size=len(content),
                            sha256=hashlib.sha256(content).hexdigest(),
                            uploaded_by=actor.id, uploaded_at=moment, content=content)
        session.add(document)
        session.flush()
        title = completion.title or completion.bpmn_id
        event = audit.record(session, case.id, ATTACHED, actor.id, moment, title=title,
                             data={"document": document.id, "task": task_id, "kind": kind,
                                   "filename": document.filename, "sha256": document.sha256},
                             params={"step": title, "name": document.filename})
        event.task_id, event.bpmn_id = completion.task_id, completion.bpmn_id
        return document


def _errors(session: Session, task_id: str, kind: str, content: bytes,
            found: tuple | None) -> list[FieldError]:
    errors = []
    if kind not in KINDS:
        errors.append(FieldError("kind", "enum", "Tipo de documento desconocido.", list(KINDS)))
    if not content:
        errors.append(FieldError("file", "required", "Elija un archivo."))
    elif len(content) > MAX_BYTES:
        errors.append(FieldError("file", "size", "Archivo demasiado grande.", MAX_BYTES))
    elif found is None:
        errors.append(FieldError("file", "file_type", "Solo PDF, PNG o JPEG.",
                                 ["PDF", "PNG", "JPEG"]))
    count = session.scalar(select(func.count(Document.id)).where(Document.task_id == task_id))
    if (count or 0) >= MAX_PER_STEP:
        errors.append(FieldError("file", "maxItems", "Este paso ya tiene el máximo de "
                                 "documentos.", MAX_PER_STEP))
    return errors


def documents_of(session: Session, task_id: str, actor: Actor) -> list[Document]:
    """The documents of step ``task_id`` (without their content), oldest first; none unless
    ``actor`` sees its case."""
    completion = completion_event(session, task_id)
    if completion is None or not policy.may(session, actor, policy.SEE_CASE,
                                            session.get(Case, completion.case_id)):
        return []
    return list(session.scalars(select(Document).where(Document.task_id == task_id)
                                .order_by(Document.id)))


def document(session: Session, document_id: int, actor: Actor) -> Document:
    """The document with its content, if ``actor`` may see its case; else :class:`NotFound`."""
    found = session.get(Document, document_id) if inputs.is_database_id(document_id) else None
    if found is None or not policy.may(session, actor, policy.SEE_CASE,
                                       session.get(Case, found.case_id)):
        raise NotFound(f"no document {document_id}", code="document.not_found",
                       document=str(document_id))
    return found
