"""The clinic's signing key as kept in the database: its PKCS#12 container sealed once more under
argon2id at the same cost as the sign-in hash (PKCS#12's own password derivation is ~80× cheaper
to guess), with AES-256-GCM. Containers kept by older versions (PKCS#12 alone) still open; they are
sealed at the next change of the manager's password."""

from __future__ import annotations

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import AuthError, StorageError
from app.storage.crypto import derive_key

PREFIX = "argon2id$"
_AAD = b"parvandeh-signing-key-v1"
WRONG = "رمز کلید امضا نادرست است."


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def seal(pkcs12: bytes, password: str) -> str:
    from app.services import accounts
    hasher = accounts._hasher  # sign-in's own cost, whatever it is set to
    kdf = {"name": "argon2id", "salt": _b64(os.urandom(16)), "time_cost": hasher.time_cost,
           "memory_cost": hasher.memory_cost, "parallelism": hasher.parallelism}
    nonce = os.urandom(12)
    data = AESGCM(derive_key(password, kdf)).encrypt(nonce, pkcs12, _AAD)
    return PREFIX + json.dumps({"kdf": kdf, "nonce": _b64(nonce), "data": _b64(data)})


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def unseal(stored: str, password: str) -> bytes:
    """The PKCS#12 container; AuthError for a wrong password."""
    if not is_sealed(stored):
        return base64.b64decode(stored)
    try:
        doc = json.loads(stored[len(PREFIX):])
        key = derive_key(password or "", doc["kdf"])
        return AESGCM(key).decrypt(base64.b64decode(doc["nonce"]), base64.b64decode(doc["data"]), _AAD)
    except InvalidTag:
        raise AuthError(WRONG, field="password") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise StorageError("کلید امضای ذخیره‌شده آسیب دیده است.") from exc
