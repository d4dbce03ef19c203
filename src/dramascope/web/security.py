"""Who may write, how much they may upload, and where an upload may land on disk.

Reading is public; writing (ingest upload, index run) needs the workspace's ``api_token`` as a bearer
token, compared in constant time. Uploads are streamed to a fresh temporary folder under a sanitised
name and cut off at ``max_upload_bytes``: nothing in a request ever picks a path on the server.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from fastapi import HTTPException, Request, UploadFile, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from dramascope.errors import DramaScopeError
from dramascope.ingest.readers import FORMAT_OF_EXTENSION

bearer = HTTPBearer(auto_error=False, description="The workspace's api_token (dramascope.toml)")

# What an upload may be is what the ingest readers read: the one list, kept by the readers.
UPLOAD_SUFFIXES = FORMAT_OF_EXTENSION
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._\-\u4e00-\u9fff]+")
CHUNK = 1 << 20


def check_token(credentials: HTTPAuthorizationCredentials | None, expected: str) -> None:
    """401 without a bearer token, 403 with a wrong one."""
    if credentials is None or not credentials.credentials:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "this endpoint writes: send the workspace api_token "
                            "as 'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"})
    if not secrets.compare_digest(credentials.credentials.encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "invalid api token")


def safe_filename(name: str | None) -> str:
    """Keep only the last path component, with characters that are harmless on every file system."""
    base = (name or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("_", base).strip("._") or "upload"
    return cleaned[:100]


def upload_format(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                            f"file {filename!r}: unsupported type {suffix or '(none)'}; "
                            f"accepted: {', '.join(sorted(UPLOAD_SUFFIXES))}")
    return UPLOAD_SUFFIXES[suffix]


def check_declared_size(request: Request, limit: int) -> None:
    """Refuse early when the client declares a body larger than the limit (413)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:  # multipart framing slack
        raise HTTPException(413,
                            f"upload larger than the workspace limit of {limit} bytes")


def check_upload_names(uploads: list[UploadFile]) -> None:
    """Before anything is stored: every file has a type the readers read (415) and its own name (400)."""
    if not uploads:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "no file in the request")
    seen: set[str] = set()
    for upload in uploads:
        name = safe_filename(upload.filename)
        upload_format(name)
        if name in seen:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, f"two files in the request are named {name!r}: "
                                "rename one (each file is ingested under its own name)")
        seen.add(name)


def without_folder(exc: DramaScopeError, folder: str | Path) -> DramaScopeError:
    """The same error with the server's temporary folder taken out of its message (clients see file names)."""
    import copy

    message = str(exc)
    for prefix in sorted({str(Path(folder)), str(Path(folder).resolve())}, key=len, reverse=True):
        message = message.replace(prefix + "/", "").replace(prefix, "")
    clean = copy.copy(exc)
    clean.args = (message,)
    if getattr(clean, "file", None):
        clean.file = Path(clean.file).name
    return clean


async def save_upload(upload: UploadFile, folder: Path, limit: int) -> Path:
    """Stream an upload into ``folder`` under a safe name; 413 as soon as it exceeds ``limit`` bytes."""
    name = safe_filename(upload.filename)
    upload_format(name)
    target = (folder / name).resolve()
    if target.parent != folder.resolve():  # cannot happen after safe_filename; kept as a guard
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "invalid file name")
    written = 0
    with target.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise HTTPException(413,
                                    f"file {name!r} is larger than the workspace limit of {limit} bytes")
            out.write(chunk)
    return target
