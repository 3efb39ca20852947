"""DIDWW's client-side encryption of regulation documents, on the ``cryptography`` library.

DIDWW's spec says only: encrypt each file with one of ``/public_keys`` and send the fingerprint
of the key pair (``<fingerprint A>:::<fingerprint B>``) with the upload. The scheme below is
the one DIDWW's own SDKs implement (its Go SDK's ``EncryptWithKeys``): a random AES-256 key and
IV encrypt the file (CBC, PKCS#7 padding); the 48 bytes key‖IV are encrypted with RSA-OAEP
(SHA-256, MGF1-SHA-256) under each of the two public keys; the upload is
``RSA_A(key‖iv) ‖ RSA_B(key‖iv) ‖ AES(file)``. A key's fingerprint is the SHA-1 hex digest of
its DER (SubjectPublicKeyInfo) bytes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import MGF1, OAEP
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from didkit.errors import ResponseFormatError

from ._wire import PROVIDER

SEPARATOR = ":::"


def _oaep() -> OAEP:
    return OAEP(mgf=MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def load_key(pem: str) -> rsa.RSAPublicKey:
    """A PEM public key from ``/public_keys`` (a bare base64 body is taken too)."""
    text = pem.strip()
    if not text.startswith("-----BEGIN"):
        text = f"-----BEGIN PUBLIC KEY-----\n{text}\n-----END PUBLIC KEY-----"
    try:
        key = serialization.load_pem_public_key(text.encode())
    except ValueError:
        raise ResponseFormatError(
            "DIDWW field 'public_keys.data[].attributes.key' is not a PEM public key",
            provider=PROVIDER,
            field="public_keys.data[].attributes.key",
        ) from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise ResponseFormatError(
            "DIDWW field 'public_keys.data[].attributes.key' is not an RSA key",
            provider=PROVIDER,
            field="public_keys.data[].attributes.key",
        )
    return key


def fingerprint(keys: Sequence[rsa.RSAPublicKey]) -> str:
    """``SHA1(DER A):::SHA1(DER B)`` (hex), what ``encrypted_files[encryption_fingerprint]`` takes."""
    parts = []
    for key in keys:
        der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        parts.append(hashlib.sha1(der, usedforsecurity=False).hexdigest())
    return SEPARATOR.join(parts)


def encrypt(content: bytes, keys: Sequence[rsa.RSAPublicKey]) -> bytes:
    """``content`` as DIDWW takes it: one random AES-256-CBC key and IV, themselves encrypted
    under each key (RSA-OAEP SHA-256), in key order, before the ciphertext."""
    secret, iv = os.urandom(32), os.urandom(16)
    padder = padding.PKCS7(algorithms.AES.block_size).padder()
    padded = padder.update(content) + padder.finalize()
    encryptor = Cipher(algorithms.AES(secret), modes.CBC(iv)).encryptor()
    body = encryptor.update(padded) + encryptor.finalize()
    wrapped = b"".join(key.encrypt(secret + iv, _oaep()) for key in keys)
    return wrapped + body
