"""Encrypted backup container: a password-derived key and chunked AES-256-GCM.

Layout of an encrypted file:

    MAGIC (8 bytes)  b"PRVDBAK\\x01"
    header length    4 bytes, big-endian
    header           UTF-8 JSON: kdf (name, parameters, salt), cipher, chunk size,
                     nonce prefix, key check
    header digest    SHA-256 of everything above (32 bytes)
    records          each = AES-256-GCM(chunk) + 16-byte tag

Every chunk except the last holds exactly `chunk_size` plain bytes; the last holds fewer (maybe
none). Nonce = 8-byte random prefix + 4-byte big-endian chunk counter, so chunks cannot be
reordered. Associated data = header digest + one byte (1 on the last chunk, 0 otherwise), so the
header cannot be swapped and a file cut at a chunk boundary is caught.

The reader is seekable: it decrypts (and authenticates) one chunk at a time on demand, so a zip
of several GB inside can be opened with zipfile without decrypting it to disk or memory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import struct
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import AuthError, StorageError

MAGIC = b"PRVDBAK\x01"
MAGIC_FAMILY = MAGIC[:7]  # same family, other version byte = a newer format
DEFAULT_CHUNK_SIZE = 1024 * 1024
TAG_SIZE = 16
DIGEST_SIZE = 32
KEY_CHECK_LABEL = b"parvandeh backup key check"

# Defaults for new files. Argon2id follows RFC 9106's second recommended option (64 MiB);
# scrypt n=2**15, r=8, p=1 stays readable and writable for older or slower machines.
DEFAULT_KDF = "argon2id"
ARGON2_PARAMS = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
SCRYPT_PARAMS = {"n": 2**15, "r": 8, "p": 1}

# A damaged or hostile header must not make us allocate gigabytes or spin for hours.
MAX_HEADER_SIZE = 64 * 1024
MAX_ARGON2_MEMORY_KIB = 1024 * 1024
MAX_ARGON2_TIME = 20
MAX_SCRYPT_N = 2**20
MIN_CHUNK, MAX_CHUNK = 4096, 16 * 1024 * 1024

MSG_DAMAGED = "فایل پشتیبان آسیب دیده است"
MSG_WRONG_PASSWORD = "رمز پشتیبان نادرست است"
MSG_PASSWORD_REQUIRED = "این پشتیبان رمز دارد؛ رمز پشتیبان را وارد کنید"
MSG_NEWER = "این پشتیبان با نسخه جدیدتری از برنامه ساخته شده است"

# Frozen forever: changing this mapping would make old backups impossible to open. It lets a
# password typed on an Arabic keyboard layout or with Persian digits open the same file.
_PASSWORD_MAP = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک"}
    | {chr(0x06F0 + i): str(i) for i in range(10)}
    | {chr(0x0660 + i): str(i) for i in range(10)}
)


class PasswordRequired(AuthError):
    """The backup is encrypted and no password was given; the UI should ask for one."""


def normalize_password(password: str) -> bytes:
    return unicodedata.normalize("NFC", password).translate(_PASSWORD_MAP).encode("utf-8")


def derive_key(password: str, kdf: dict) -> bytes:
    """A 32-byte key from the password and the kdf description stored in the header."""
    secret = normalize_password(password)
    salt = _b64decode(kdf.get("salt"))
    name = kdf.get("name")
    try:
        if name == "argon2id":
            t, m, p = int(kdf["time_cost"]), int(kdf["memory_cost"]), int(kdf["parallelism"])
            if not (1 <= t <= MAX_ARGON2_TIME and 8 <= m <= MAX_ARGON2_MEMORY_KIB and 1 <= p <= 16):
                raise StorageError(MSG_DAMAGED)
            return hash_secret_raw(secret, salt, t, m, p, 32, Type.ID)
        if name == "scrypt":
            n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
            if not (2 <= n <= MAX_SCRYPT_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
                raise StorageError(MSG_DAMAGED)
            return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32)
    except (KeyError, TypeError, ValueError) as exc:
        raise StorageError(MSG_DAMAGED) from exc
    raise StorageError(MSG_NEWER)  # a kdf we do not know was chosen by a later version


def key_check(key: bytes) -> str:
    # Tells a wrong password apart from a damaged file before any chunk is decrypted.
    return hmac.new(key, KEY_CHECK_LABEL, hashlib.sha256).hexdigest()


def new_kdf(name: str = DEFAULT_KDF) -> dict:
    salt = base64.b64encode(os.urandom(16)).decode("ascii")
    if name == "argon2id":
        return {"name": name, "salt": salt, **ARGON2_PARAMS}
    if name == "scrypt":
        return {"name": name, "salt": salt, **SCRYPT_PARAMS}
    raise ValueError(f"unknown kdf {name!r}")


def _b64decode(value) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (TypeError, ValueError) as exc:
        raise StorageError(MSG_DAMAGED) from exc


def _nonce(prefix: bytes, counter: int) -> bytes:
    if counter >= 2**32:
        raise StorageError("فایل پشتیبان بیش از اندازه بزرگ است")
    return prefix + struct.pack(">I", counter)


def _aad(digest: bytes, final: bool) -> bytes:
    return digest + (b"\x01" if final else b"\x00")


@dataclass(frozen=True)
class Header:
    fields: dict
    digest: bytes
    data_offset: int  # where the first record starts

    @property
    def chunk_size(self) -> int:
        return self.fields["chunk_size"]

    @property
    def nonce_prefix(self) -> bytes:
        return _b64decode(self.fields["nonce_prefix"])


def write_header(out: BinaryIO, key: bytes, kdf: dict, chunk_size: int) -> Header:
    fields = {
        "format": "parvandeh-backup-encrypted",
        "cipher": "AES-256-GCM",
        "kdf": kdf,
        "chunk_size": chunk_size,
        "nonce_prefix": base64.b64encode(os.urandom(8)).decode("ascii"),
        "key_check": key_check(key),
    }
    body = json.dumps(fields, sort_keys=True).encode("utf-8")
    head = MAGIC + struct.pack(">I", len(body)) + body
    digest = hashlib.sha256(head).digest()
    out.write(head + digest)
    return Header(fields, digest, len(head) + DIGEST_SIZE)


def read_header(f: BinaryIO) -> Header:
    """Reads and checks the header; raises StorageError if it is cut off or altered."""
    f.seek(0)
    start = f.read(12)
    if len(start) < 12 or start[:8] != MAGIC:
        if start[:7] == MAGIC_FAMILY:
            raise StorageError(MSG_NEWER)
        raise StorageError(MSG_DAMAGED)
    (length,) = struct.unpack(">I", start[8:])
    if length > MAX_HEADER_SIZE:
        raise StorageError(MSG_DAMAGED)
    body = f.read(length)
    digest = f.read(DIGEST_SIZE)
    if len(body) != length or hashlib.sha256(start + body).digest() != digest:
        raise StorageError(MSG_DAMAGED)
    try:
        fields = json.loads(body.decode("utf-8"))
        chunk_size = fields["chunk_size"]
        if fields["cipher"] != "AES-256-GCM" or not isinstance(fields["kdf"], dict):
            raise StorageError(MSG_NEWER)
        if not (isinstance(chunk_size, int) and MIN_CHUNK <= chunk_size <= MAX_CHUNK):
            raise StorageError(MSG_DAMAGED)
        if len(_b64decode(fields["nonce_prefix"])) != 8:
            raise StorageError(MSG_DAMAGED)
    except (ValueError, KeyError, TypeError) as exc:
        raise StorageError(MSG_DAMAGED) from exc
    return Header(fields, digest, 12 + length + DIGEST_SIZE)


def unlock(header: Header, password: str | None) -> bytes:
    """The key for this file, or AuthError if the password is missing or wrong."""
    if password is None or password == "":
        raise PasswordRequired(MSG_PASSWORD_REQUIRED)
    key = derive_key(password, header.fields["kdf"])
    if not hmac.compare_digest(key_check(key), str(header.fields.get("key_check"))):
        raise AuthError(MSG_WRONG_PASSWORD)
    return key


class EncryptingWriter(io.RawIOBase):
    """A write-only stream: plain bytes in, encrypted records out. close() writes the last chunk.

    It has no tell()/seek(), so zipfile treats it as unseekable and streams into it.
    """

    def __init__(self, out: BinaryIO, password: str, *, kdf_name: str | None = None,
                 chunk_size: int | None = None):
        super().__init__()
        chunk_size = chunk_size or DEFAULT_CHUNK_SIZE
        kdf = new_kdf(kdf_name or DEFAULT_KDF)
        self.key = derive_key(password, kdf)
        self._out = out
        self._header = write_header(out, self.key, kdf, chunk_size)
        self._aes = AESGCM(self.key)
        self._prefix = self._header.nonce_prefix
        self._chunk = chunk_size
        self._buf = bytearray()
        self._counter = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buf += data
        # Full chunks go out at once, so the final chunk is always shorter than chunk_size
        # (maybe empty): that is how the reader knows where records end.
        while len(self._buf) >= self._chunk:
            self._emit(bytes(self._buf[: self._chunk]), final=False)
            del self._buf[: self._chunk]
        return len(data)

    def _emit(self, plain: bytes, *, final: bool) -> None:
        nonce = _nonce(self._prefix, self._counter)
        self._out.write(self._aes.encrypt(nonce, plain, _aad(self._header.digest, final)))
        self._counter += 1

    def close(self) -> None:
        """Writes the final chunk. Call it only when everything was written."""
        if not self.closed:
            self._emit(bytes(self._buf), final=True)
            self._buf.clear()
        super().close()

    def discard(self) -> None:
        """Closes without a final chunk, after a failure (the file is deleted anyway)."""
        self._buf.clear()
        super().close()


class DecryptingReader(io.RawIOBase):
    """A seekable read-only view of the plain bytes; each chunk is authenticated when read."""

    def __init__(self, f: BinaryIO, header: Header, key: bytes):
        super().__init__()
        self._f = f
        self._header = header
        self._aes = AESGCM(key)
        self._prefix = header.nonce_prefix
        self._chunk = header.chunk_size
        self._record = self._chunk + TAG_SIZE
        f.seek(0, os.SEEK_END)
        body = f.tell() - header.data_offset
        full, rest = divmod(body, self._record)
        if body < 0 or rest < TAG_SIZE:  # the last record is always present and shorter
            raise StorageError(MSG_DAMAGED)
        self._records = full + 1
        self.size = full * self._chunk + rest - TAG_SIZE
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None
        self._plain_chunk(self._records - 1)  # proves the end is really the end

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise OSError("negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer) -> int:
        # Fills the whole buffer across chunk boundaries: zipfile treats a short read of a
        # header as a truncated file.
        view, filled = memoryview(buffer).cast("B"), 0
        while filled < len(view) and self._pos < self.size:
            index, skip = divmod(self._pos, self._chunk)
            plain = self._plain_chunk(index)
            n = min(len(view) - filled, len(plain) - skip)
            view[filled : filled + n] = plain[skip : skip + n]
            filled += n
            self._pos += n
        return filled

    def _plain_chunk(self, index: int) -> bytes:
        if self._cached and self._cached[0] == index:
            return self._cached[1]
        final = index == self._records - 1
        self._f.seek(self._header.data_offset + index * self._record)
        record = self._f.read(self._record)
        try:
            plain = self._aes.decrypt(_nonce(self._prefix, index), record, _aad(self._header.digest, final))
        except InvalidTag as exc:
            raise StorageError(MSG_DAMAGED) from exc
        self._cached = (index, plain)
        return plain

    def authenticate_all(self) -> None:
        """Checks every chunk, including bytes no zip member covers."""
        for index in range(self._records):
            self._plain_chunk(index)
