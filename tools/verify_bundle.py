#!/usr/bin/env python3
"""Reference verifier for ASN evidence bundles (asn-evidence-bundle, formatVersion 1).

Written from docs/integrity.md and docs/bundle.md alone (not from the TypeScript code).
Needs Python 3.8+ and `cryptography` (any version >= 3.x; only long-standing APIs are used).

    python3 tools/verify_bundle.py BUNDLE.zip [--server-key FILE_OR_64HEX ...] [--json]
    python3 tools/verify_bundle.py --canonicalize FILE.json   # RFC 8785 bytes on stdout

Exit codes: 0 valid, 1 invalid, 2 usage error or unreadable file.
"""

import argparse
import base64
import hashlib
import io
import json
import os
import re
import struct
import sys
import unicodedata
import zipfile

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
except ImportError:  # pragma: no cover
    sys.stderr.write("verify_bundle.py needs the 'cryptography' package "
                     "(Debian: apt install python3-cryptography; pip install cryptography)\n")
    sys.exit(2)


# ---------------------------------------------------------------------------------------------
# JSON: strict parsing (I-JSON), canonical form (RFC 8785), value equality
# ---------------------------------------------------------------------------------------------

class JsonError(ValueError):
    pass


def _no_dup_pairs(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise JsonError("duplicate member name %s" % json.dumps(k))
        obj[k] = v
    return obj


def _bad_constant(name):
    raise JsonError("%s is not JSON" % name)


def _parse_int(s):
    n = int(s)
    # ECMAScript has only doubles: integers beyond 2^53 are what JSON.parse makes of them.
    if -(2 ** 53) < n < 2 ** 53:
        return n
    return float(s)


def parse_json(data):
    """Parse JSON bytes (UTF-8, no BOM) or str; refuse duplicate names, NaN/Infinity."""
    if isinstance(data, (bytes, bytearray)):
        if data[:3] == b"\xef\xbb\xbf":
            raise JsonError("starts with a byte order mark")
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as e:
            raise JsonError("not UTF-8: %s" % e)
    try:
        return json.loads(data, object_pairs_hook=_no_dup_pairs, parse_constant=_bad_constant,
                          parse_int=_parse_int)
    except JsonError:
        raise
    except (ValueError, RecursionError) as e:
        raise JsonError(str(e))


def _is_surrogate(ch):
    return 0xD800 <= ord(ch) <= 0xDFFF


_ESC = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _canon_string(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in _ESC:
            out.append(_ESC[ch])
        elif o < 0x20:
            out.append("\\u%04x" % o)
        elif 0xD800 <= o <= 0xDFFF:
            raise JsonError("lone surrogate U+%04X cannot be canonicalised" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def es_number(x):
    """ECMAScript Number::toString(10) of a double (RFC 8785 section 3.2.2.3)."""
    if isinstance(x, bool):
        raise JsonError("boolean is not a number")
    if isinstance(x, int):
        try:
            x = float(x)
        except OverflowError:
            raise JsonError("number out of range")
    if x != x or x in (float("inf"), float("-inf")):
        raise JsonError("NaN/Infinity cannot be canonicalised")
    if x == 0:
        return "0"  # also -0
    if x < 0:
        return "-" + es_number(-x)
    # repr() gives the shortest digit string that round-trips (same as ECMAScript's k minimal).
    r = repr(x)
    if "e" in r:
        mant, exp = r.split("e")
        exp = int(exp)
    else:
        mant, exp = r, 0
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    digits = ip + fp
    n = len(ip) + exp          # value = 0.digits * 10^n
    while digits.startswith("0"):
        digits = digits[1:]
        n -= 1
    digits = digits.rstrip("0")
    k = len(digits)            # value = digits * 10^(n-k)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    es = ("+" if e >= 0 else "-") + str(abs(e))
    if k == 1:
        return digits + "e" + es
    return digits[0] + "." + digits[1:] + "e" + es


def _utf16_key(k):
    return k.encode("utf-16-be")


def _canon(v, out):
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, (int, float)):
        out.append(es_number(v))
    elif isinstance(v, str):
        out.append(_canon_string(v))
    elif isinstance(v, (list, tuple)):
        out.append("[")
        for i, item in enumerate(v):
            if i:
                out.append(",")
            _canon(item, out)
        out.append("]")
    elif isinstance(v, dict):
        for k in v:
            if not isinstance(k, str):
                raise JsonError("member name is not a string")
            if any(_is_surrogate(c) for c in k):
                raise JsonError("lone surrogate in a member name")
        out.append("{")
        for i, k in enumerate(sorted(v, key=_utf16_key)):
            if i:
                out.append(",")
            out.append(_canon_string(k))
            out.append(":")
            _canon(v[k], out)
        out.append("}")
    else:
        raise JsonError("not a JSON value: %r" % type(v))


def canonicalize(v):
    """RFC 8785 canonical JSON of a parsed value, as UTF-8 bytes."""
    out = []
    _canon(v, out)
    return "".join(out).encode("utf-8")


def json_equal(a, b):
    """Equality of JSON values (member order irrelevant, 1 == 1.0, true != 1)."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) or isinstance(b, (int, float)):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and a == b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if isinstance(a, list) or isinstance(b, list):
        return (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
                and all(json_equal(x, y) for x, y in zip(a, b)))
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(json_equal(a[k], b[k]) for k in a)
    return False


_MISSING = object()


def json_diff(a, b, path="", out=None, limit=20):
    """Paths where two JSON values differ: [(path, a_value, b_value)]."""
    if out is None:
        out = []
    if len(out) >= limit:
        return out
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            p = (path + "." + k) if path else k
            json_diff(a.get(k, _MISSING), b.get(k, _MISSING), p, out, limit)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            json_diff(x, y, "%s[%d]" % (path, i), out, limit)
        return out
    if a is _MISSING or b is _MISSING or not json_equal(a, b):
        out.append((path or "(whole value)", a, b))
    return out


# ---------------------------------------------------------------------------------------------
# Output hygiene
# ---------------------------------------------------------------------------------------------

_UNSAFE_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
                           "\ud800-\udfff]")


def esc(s):
    """Make text from the bundle safe for a terminal (control and bidi characters escaped)."""
    if not isinstance(s, str):
        s = str(s)
    return _UNSAFE_CHARS.sub(lambda m: "\\u%04x" % ord(m.group(0)), s)


def show(v, maxlen=120):
    """A JSON value shown briefly and safely."""
    if v is _MISSING:
        return "(absent)"
    try:
        t = json.dumps(v, ensure_ascii=False)
    except (TypeError, ValueError):
        t = repr(v)
    if len(t) > maxlen:
        t = t[:maxlen] + "…"
    return esc(t)


# ---------------------------------------------------------------------------------------------
# Keys and signatures
# ---------------------------------------------------------------------------------------------

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def b64url_decode(s):
    if not isinstance(s, str) or not _B64URL.match(s) or len(s) % 4 == 1:
        raise ValueError("not base64url without padding")
    raw = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    # refuse non-canonical encodings (spare bits set), so one key has one spelling
    if base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") != s:
        raise ValueError("non-canonical base64url")
    return raw


def jwk_thumbprint(jwk):
    """RFC 7638 thumbprint of a P-256 JWK as 64 lower-case hex digits (docs/integrity.md s.1)."""
    if not isinstance(jwk, dict):
        raise ValueError("public key is not a JWK object")
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ValueError("public key is not an EC P-256 JWK")
    x, y = jwk.get("x"), jwk.get("y")
    if not isinstance(x, str) or not isinstance(y, str):
        raise ValueError("public key lacks x/y")
    s = '{"crv":"P-256","kty":"EC","x":"%s","y":"%s"}' % (x, y)
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def jwk_public_key(jwk):
    jwk_thumbprint(jwk)  # shape check
    x = b64url_decode(jwk["x"])
    y = b64url_decode(jwk["y"])
    if len(x) != 32 or len(y) != 32:
        raise ValueError("P-256 coordinates must be 32 bytes")
    nums = ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"),
                                         ec.SECP256R1())
    return nums.public_key()  # ValueError when the point is not on the curve


def es256_verify(jwk, signature_b64, data):
    """True when signature_b64 (raw r||s, base64url) is a valid ES256 signature of data."""
    try:
        pub = jwk_public_key(jwk)
        raw = b64url_decode(signature_b64)
        if len(raw) != 64:
            return False
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        pub.verify(der, data, ec.ECDSA(hashes.SHA256()))
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def sha256_hex(b):
    return hashlib.sha256(b).hexdigest()


def utf8(s):
    """UTF-8 bytes of a string from the bundle; None when it holds a lone surrogate."""
    try:
        return s.encode("utf-8")
    except UnicodeEncodeError:
        return None


# ---------------------------------------------------------------------------------------------
# A tiny JSON-Schema subset validator (only the keywords docs/*.schema.json use)
# ---------------------------------------------------------------------------------------------

def _type_ok(v, t):
    if t == "object":
        return isinstance(v, dict)
    if t == "array":
        return isinstance(v, list)
    if t == "string":
        return isinstance(v, str)
    if t == "null":
        return v is None
    if t == "boolean":
        return isinstance(v, bool)
    if t == "integer":
        return isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer()
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return True


def _utf16_len(s):
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def schema_errors(v, s, path="", out=None, limit=10):
    if out is None:
        out = []
    if len(out) >= limit or not isinstance(s, dict):
        return out
    where = path or "(root)"
    if "anyOf" in s:
        if not any(not schema_errors(v, sub, path, [], 1) for sub in s["anyOf"]):
            out.append("%s: no alternative of anyOf matches (value %s)" % (where, show(v, 60)))
        return out
    t = s.get("type")
    if t is not None:
        types = t if isinstance(t, list) else [t]
        if not any(_type_ok(v, x) for x in types):
            out.append("%s: expected %s, found %s" % (where, "/".join(types), show(v, 60)))
            return out
    if "const" in s and not json_equal(v, s["const"]):
        out.append("%s: must be %s" % (where, show(s["const"])))
    if "enum" in s and not any(json_equal(v, e) for e in s["enum"]):
        out.append("%s: %s is not one of %s" % (where, show(v, 60), show(s["enum"], 200)))
    if isinstance(v, str):
        if "maxLength" in s and _utf16_len(v) > s["maxLength"]:
            out.append("%s: longer than %d" % (where, s["maxLength"]))
        if "minLength" in s and _utf16_len(v) < s["minLength"]:
            out.append("%s: shorter than %d" % (where, s["minLength"]))
        if "pattern" in s and not re.search(s["pattern"], v, re.ASCII):
            out.append("%s: %s does not match the required pattern" % (where, show(v, 60)))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if "minimum" in s and v < s["minimum"]:
            out.append("%s: below %s" % (where, s["minimum"]))
        if "maximum" in s and v > s["maximum"]:
            out.append("%s: above %s" % (where, s["maximum"]))
        if "exclusiveMinimum" in s and v <= s["exclusiveMinimum"]:
            out.append("%s: must be above %s" % (where, s["exclusiveMinimum"]))
    if isinstance(v, list):
        if "maxItems" in s and len(v) > s["maxItems"]:
            out.append("%s: more than %d items" % (where, s["maxItems"]))
        if "items" in s:
            for i, item in enumerate(v):
                schema_errors(item, s["items"], "%s[%d]" % (path, i), out, limit)
    if isinstance(v, dict):
        for r in s.get("required", []):
            if r not in v:
                out.append("%s: %s is required" % (where, r))
        props = s.get("properties", {})
        for k, item in v.items():
            p = (path + "." + k) if path else k
            if k in props:
                schema_errors(item, props[k], p, out, limit)
            elif isinstance(s.get("additionalProperties"), dict):
                schema_errors(item, s["additionalProperties"], p, out, limit)
            if isinstance(s.get("propertyNames"), dict):
                schema_errors(k, s["propertyNames"], p + " (name)", out, limit)
    return out


def load_manifest_schema():
    here = os.path.dirname(os.path.abspath(__file__))
    p = os.path.join(here, "..", "docs", "bundle-manifest.schema.json")
    try:
        with open(p, "rb") as f:
            return parse_json(f.read())
    except (OSError, JsonError):
        return None


# ---------------------------------------------------------------------------------------------
# ZIP reading
# ---------------------------------------------------------------------------------------------

MAX_TOTAL = 4 * 1024 ** 3
MAX_FILES = 65535
MiB = 1024 ** 2


def size_cap(name):
    if name.endswith(".png"):
        return 256 * MiB
    if name.endswith("/record.json"):
        return 4 * MiB
    if name == "signature.json":
        return 1 * MiB
    if name.endswith("/source.html"):
        return 16 * MiB
    return 512 * MiB  # manifest.json, evidence.csv, report.html, SHA256SUMS


_DRIVE = re.compile(r"^[A-Za-z]:")
_CTRL = re.compile("[\x00-\x1f\x7f-\x9f]")


def unsafe_reason(name):
    if name == "":
        return "empty name"
    if _CTRL.search(name):
        return "control character in the name"
    if "\\" in name:
        return "backslash in the name"
    if name.startswith("/"):
        return "absolute path"
    if _DRIVE.match(name):
        return "drive letter"
    if len(name.encode("utf-8", "surrogatepass")) > 255:
        return "name longer than 255 bytes"
    segs = name.split("/")
    if any(s == ".." for s in segs):
        return "'..' in the path (zip slip)"
    if any(s == "." for s in segs):
        return "'.' segment in the path"
    if name.endswith("/"):
        segs = segs[:-1]  # a folder entry: judged by the caller (only the bundle's own folders, empty)
    if any(s == "" for s in segs):
        return "empty path segment"
    return None


def check_zip_container(path, problems):
    """Refuse multi-part and ZIP64 archives and overlapping entries (zipfile itself checks CRCs,
    local/central name agreement and sizes)."""
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            tail_len = min(size, 65535 + 22)
            f.seek(size - tail_len)
            tail = f.read(tail_len)
    except OSError as e:
        problems.add(None, "zip_invalid", "cannot read the file: %s" % e)
        return
    i = tail.rfind(b"PK\x05\x06")
    if i < 0 or len(tail) - i < 22:
        return  # zipfile will report it
    disk, cd_disk, n_disk, n_total = struct.unpack("<HHHH", tail[i + 4:i + 12])
    if disk != 0 or cd_disk != 0 or n_disk != n_total:
        problems.add(None, "zip_invalid", "multi-part (split) ZIP archives are refused")
    if i >= 20 and tail[i - 20:i - 16] == b"PK\x06\x07":
        problems.add(None, "zip_invalid", "ZIP64 archives are refused")


def check_overlaps(path, infos, problems):
    try:
        with open(path, "rb") as f:
            spans = []
            for info in infos:
                f.seek(info.header_offset)
                h = f.read(30)
                if len(h) < 30 or h[:4] != b"PK\x03\x04":
                    problems.add(None, "zip_invalid", "no local header for %s" % esc(info.filename))
                    continue
                n, m = struct.unpack("<HH", h[26:30])
                end = info.header_offset + 30 + n + m + info.compress_size
                spans.append((info.header_offset, end, info.filename))
            spans.sort()
            for (s1, e1, n1), (s2, e2, n2) in zip(spans, spans[1:]):
                if s2 < e1:
                    problems.add(None, "zip_invalid", "entries %s and %s overlap"
                                 % (esc(n1), esc(n2)))
    except OSError as e:
        problems.add(None, "zip_invalid", "cannot read the file: %s" % e)


def read_member(zf, info, problems):
    cap = size_cap(info.filename)
    if info.file_size > cap:
        problems.add(None, "zip_invalid", "%s declares %d bytes, more than the %d allowed"
                     % (esc(info.filename), info.file_size, cap))
        return None
    try:
        buf = io.BytesIO()
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                buf.write(chunk)
                if buf.tell() > info.file_size or buf.tell() > cap:
                    problems.add(None, "zip_invalid", "%s inflates beyond its declared size"
                                 % esc(info.filename))
                    return None
        data = buf.getvalue()
        if len(data) != info.file_size:
            problems.add(None, "zip_invalid", "%s: size differs from the ZIP directory"
                         % esc(info.filename))
            return None
        return data
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
            EOFError, OSError, ValueError) as e:
        # CRC errors, a local header naming another file, truncation, encryption, unknown method
        problems.add(None, "zip_invalid", "%s cannot be read: %s" % (esc(info.filename), esc(e)))
        return None
    except Exception as e:  # zlib.error and friends
        problems.add(None, "zip_invalid", "%s cannot be read: %s" % (esc(info.filename), esc(e)))
        return None


# ---------------------------------------------------------------------------------------------
# Problems and report
# ---------------------------------------------------------------------------------------------

class Problems:
    def __init__(self):
        self.items = []
        self.names = {}

    def add(self, record_id, code, message):
        self.items.append({"record": record_id, "code": code, "message": message})

    def for_record(self, record_id):
        return [p for p in self.items if p["record"] == record_id]

    def label(self, record_id):
        if record_id is None:
            return "bundle"
        name = self.names.get(record_id)
        if isinstance(name, str) and name:
            return "record %s (ASN %s)" % (esc(record_id), esc(name))
        return "record %s" % esc(record_id)


UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
LEGACY_VERSION = re.compile(r"0\.1\.[0-9]+")  # used with fullmatch: ^0\.1\.[0-9]+$ exactly
EDIT_SECTIONS = ("subject", "violation", "post", "comment")
NULL_FIELDS = {
    "post": ("id", "url", "authorName", "authorUrl", "text", "postedAt", "postedAtLabel", "mediaType"),
    "comment": ("id", "url", "parentId", "authorName", "authorUrl", "text", "postedAt", "postedAtLabel"),
}
FIXED_FILES = ("manifest.json", "SHA256SUMS", "evidence.csv", "report.html")


def custody_hash_input(e, legacy):
    """Canonical bytes hashed and signed for one custody entry (docs/integrity.md s.3)."""
    if legacy:
        obj = {"recordId": e.get("recordId"), "at": e.get("at"), "action": e.get("action"),
               "actor": e.get("actor"), "details": e.get("details"), "prevHash": e.get("prevHash")}
    else:
        obj = {"recordId": e.get("recordId"), "at": e.get("at"), "action": e.get("action"),
               "actor": e.get("actor"), "details": e.get("details"),
               "bundleSha256": e.get("bundleSha256"), "prevHash": e.get("prevHash"),
               "keyId": e.get("keyId")}
    return canonicalize(obj)


class KeyRing:
    """keyId -> JWK, only for keys whose id is their thumbprint."""

    def __init__(self):
        self.keys = {}

    def add(self, key_id, jwk):
        try:
            if jwk_thumbprint(jwk) != key_id:
                return False
            jwk_public_key(jwk)
        except ValueError:
            return False
        self.keys[key_id] = {"kty": "EC", "crv": "P-256", "x": jwk["x"], "y": jwk["y"]}
        return True

    def get(self, key_id):
        return self.keys.get(key_id)

    def copy(self):
        other = KeyRing()
        other.keys = dict(self.keys)
        return other


def add_key_list(ring, lst, problems, rid, where):
    """Add a key list [{keyId, publicKey}] (manifest.keys, an import entry's details.keys) to the
    ring. Every listed key's id must be its thumbprint: `key_invalid` otherwise
    (docs/integrity.md s.4, "Precise points")."""
    if not isinstance(lst, list):
        problems.add(rid, "key_invalid", "%s is not a list of {keyId, publicKey}" % where)
        return
    for i, item in enumerate(lst):
        if not isinstance(item, dict) or "keyId" not in item or "publicKey" not in item:
            problems.add(rid, "key_invalid", "%s[%d] is not {keyId, publicKey}: %s"
                         % (where, i, show(item, 70)))
            continue
        kid, jwk = item.get("keyId"), item.get("publicKey")
        if not isinstance(kid, str) or not ring.add(kid, jwk):
            problems.add(rid, "key_invalid",
                         "%s[%d]: key id %s is not the thumbprint of its public key (or the key "
                         "is not a valid P-256 key)" % (where, i, show(kid, 70)))


# ---------------------------------------------------------------------------------------------
# The strict rule for one record (docs/integrity.md s.4, items 1-4)
# ---------------------------------------------------------------------------------------------

def check_record(rec, entries, base_ring, problems, trusted_kids, info):
    """base_ring: manifest.keys and signature.json's key. This record's attestation key and the
    details.keys of its import entries are added to a copy (docs/integrity.md s.4, "Key lookup")."""
    rid = rec.get("id")
    ring = base_ring.copy()
    info.update({"id": rid, "name": (rec.get("subject") or {}).get("name")
                 if isinstance(rec.get("subject"), dict) else None,
                 "captureKeyId": None, "extensionVersion": None, "legacyEntries": 0,
                 "signedEntries": 0, "custody": [e.get("action") for e in entries],
                 "edits": 0, "receipts": []})

    # 1. attestation -----------------------------------------------------------------------
    att = rec.get("attestation")
    payload_obj = None
    payload_bytes = None
    capture_kid = None
    if att is None:
        problems.add(rid, "unsigned", "no capture signature (attestation): the record cannot be "
                     "shown to be what was captured")
    elif not isinstance(att, dict):
        problems.add(rid, "signature_invalid", "attestation is not an object")
    else:
        ok = True
        pk = att.get("publicKey")
        kid = att.get("keyId")
        if att.get("alg") != "ES256":
            problems.add(rid, "signature_invalid", "attestation.alg is %s, not ES256"
                         % show(att.get("alg")))
            ok = False
        try:
            tp = jwk_thumbprint(pk)
            jwk_public_key(pk)
        except ValueError as e:
            problems.add(rid, "signature_invalid", "attestation.publicKey: %s" % esc(e))
            tp, ok = None, False
        if tp is not None and tp != kid:
            problems.add(rid, "signature_invalid", "attestation.keyId %s is not the thumbprint of "
                         "attestation.publicKey (%s)" % (show(kid, 70), tp))
            ok = False
        elif tp is not None:
            ring.add(kid, pk)  # a key lookup source, whether or not the capture signature holds
        payload = att.get("payload")
        if not isinstance(payload, str):
            problems.add(rid, "signature_invalid", "attestation.payload is not a string")
            ok = False
        else:
            payload_bytes = utf8(payload)
            if payload_bytes is None:
                problems.add(rid, "signature_invalid", "attestation.payload holds a lone surrogate")
                ok = False
        if ok and not es256_verify(pk, att.get("signature"), payload_bytes):
            problems.add(rid, "signature_invalid", "the capture signature does not verify with "
                         "key %s: the signed payload was altered or signed by another key" % kid[:16])
            ok = False
        if payload_bytes is not None:
            try:
                payload_obj = parse_json(payload_bytes)
            except JsonError as e:
                problems.add(rid, "signature_invalid", "attestation.payload is not JSON: %s" % esc(e))
                ok = False
            if payload_obj is not None and not isinstance(payload_obj, dict):
                problems.add(rid, "signature_invalid", "attestation.payload is not a JSON object")
                payload_obj, ok = None, False
        if payload_obj is not None:
            ss_p = payload_obj.get("screenshot")
            ss_r = rec.get("screenshot")
            bind = [("id", payload_obj.get("id"), rid),
                    ("capturedAt", payload_obj.get("capturedAt"), rec.get("capturedAt")),
                    ("screenshot.sha256", ss_p.get("sha256") if isinstance(ss_p, dict) else None,
                     ss_r.get("sha256") if isinstance(ss_r, dict) else None)]
            for name, pv, rv in bind:
                if pv is None or not json_equal(pv, rv):
                    problems.add(rid, "signature_invalid", "the signed capture is about another "
                                 "record: its %s is %s, the record's is %s" % (name, show(pv), show(rv)))
                    ok = False
            try:
                if canonicalize(payload_obj) != payload_bytes:
                    info.setdefault("warnings", []).append(
                        "attestation.payload is not in canonical form (the signature covers its "
                        "exact bytes, so this is not an error)")
            except JsonError:
                pass
            if "attestation" in payload_obj:
                problems.add(rid, "signature_invalid", "the signed payload contains an attestation")
                ok = False
        if ok:
            capture_kid = kid
        if payload_obj is not None:
            client = payload_obj.get("client")
            info["extensionVersion"] = client.get("extensionVersion") if isinstance(client, dict) else None
        info["captureKeyId"] = kid if isinstance(kid, str) else None

    legacy_ok = isinstance(info["extensionVersion"], str) and bool(LEGACY_VERSION.fullmatch(info["extensionVersion"]))
    info["legacyRecord"] = legacy_ok

    # 2. custody ---------------------------------------------------------------------------
    # import entries bring the previous bundle's keys
    for e in entries:
        if e.get("action") == "import" and isinstance(e.get("details"), dict) \
                and "keys" in e["details"]:
            add_key_list(ring, e["details"]["keys"], problems, rid, "import entry details.keys")

    custody_ok = True
    cmsgs = []

    def cadd(code, msg):
        cmsgs.append((code, msg))

    if not entries:
        cadd("custody_missing", "no custody log for this record")
        custody_ok = False
    elif entries[0].get("action") != "capture":
        cadd("custody_broken", "the custody log starts with %s, not capture"
                     % show(entries[0].get("action")))
        custody_ok = False

    holder = capture_kid     # unsigned (0.1.0) entries never change it
    seen_signed = False
    prev_hash = None
    for i, e in enumerate(entries):
        n = i + 1
        act = e.get("action")
        where = "custody entry %d (%s)" % (n, show(act))
        has_kid, has_sig = "keyId" in e, "sig" in e
        legacy = not has_kid and not has_sig
        if prev_hash is _MISSING:
            pass  # the previous entry has no hash: already reported
        elif e.get("prevHash", _MISSING) is _MISSING or not json_equal(e.get("prevHash"), prev_hash):
            cadd("custody_broken", "%s: prevHash %s does not link to the previous "
                         "entry's hash %s (entry removed, inserted or reordered)"
                         % (where, show(e.get("prevHash", _MISSING), 70), show(prev_hash, 70)))
            custody_ok = False
        h = e.get("hash")
        try:
            hin = custody_hash_input(e, legacy)
        except JsonError as ex:
            cadd("custody_broken", "%s cannot be canonicalised: %s" % (where, esc(ex)))
            custody_ok = False
            hin = None
        if not isinstance(h, str) or not _HEX64.match(h):
            cadd("custody_broken", "%s has no hash" % where)
            custody_ok = False
        elif hin is not None and sha256_hex(hin) != h:
            cadd("custody_broken", "%s: hash does not match its content (the entry "
                         "was altered)" % where)
            custody_ok = False
        prev_hash = h if isinstance(h, str) else _MISSING

        if legacy:
            info["legacyEntries"] += 1
            if not legacy_ok:
                cadd("custody_broken", "%s is not signed (no keyId/sig); unsigned "
                     "entries are accepted only for records whose signed capture says version "
                     "0.1.x, %s" % (where, "this one says %s" % show(info["extensionVersion"])
                                    if payload_obj is not None else "and this record has no valid "
                                    "capture signature"))
                custody_ok = False
            elif seen_signed:
                cadd("custody_broken", "%s is unsigned but follows a signed entry"
                             % where)
                custody_ok = False
            continue

        seen_signed = True
        info["signedEntries"] += 1
        kid = e.get("keyId")
        if not has_kid or not has_sig or not isinstance(kid, str) or not isinstance(e.get("sig"), str):
            cadd("custody_broken", "%s lacks keyId or sig" % where)
            custody_ok = False
            continue
        jwk = ring.get(kid)
        if jwk is None:
            cadd("custody_broken", "%s is signed by key %s, whose public key is found "
                 "nowhere (manifest.keys, attestation.publicKey, signature.json, import entries' "
                 "details.keys)" % (where, esc(kid[:16])))
            custody_ok = False
        elif hin is not None and not es256_verify(jwk, e.get("sig"), hin):
            cadd("custody_broken", "%s: signature does not verify with key %s"
                         % (where, esc(kid[:16])))
            custody_ok = False
        # holder rule
        if i == 0 and act == "capture":
            if capture_kid is not None and kid != capture_kid:
                cadd("custody_foreign_key", "%s is signed by %s, not by the capture "
                             "key %s" % (where, esc(kid[:16]), capture_kid[:16]))
                custody_ok = False
        elif act == "import":
            holder = kid
        elif holder is not None and kid != holder:
            cadd("custody_foreign_key", "%s is signed by %s, but the record is held by "
                         "%s (only an import entry changes the holder)"
                         % (where, esc(kid[:16]), holder[:16]))
            custody_ok = False
    seen_codes = {}
    for code, msg in cmsgs:
        seen_codes.setdefault(code, []).append(msg)
    for code, msgs in seen_codes.items():
        more = ""
        if len(msgs) > 1:
            more = " (and %d more: %s)" % (len(msgs) - 1, "; ".join(msgs[1:4]) + ("; …" if len(msgs) > 4 else ""))
        problems.add(rid, code, msgs[0] + more)
    info["holderKeyId"] = holder
    info["custodyOk"] = custody_ok

    # 3. edits replayed -------------------------------------------------------------------
    if payload_obj is not None:
        state = json.loads(json.dumps(payload_obj))  # deep copy
        replay_ok = True
        for i, e in enumerate(entries):
            if e.get("action") != "edit":
                continue
            where = "custody entry %d (edit)" % (i + 1)
            d = e.get("details")
            changes = d.get("changes") if isinstance(d, dict) else None
            if not isinstance(changes, list):
                problems.add(rid, "edit_log_mismatch", "%s has no details.changes list" % where)
                replay_ok = False
                continue
            for c in changes:
                info["edits"] += 1
                # path, from and to must be present (null is a value, absent is not)
                if not isinstance(c, dict) or not isinstance(c.get("path"), str) \
                        or "from" not in c or "to" not in c:
                    problems.add(rid, "edit_log_mismatch", "%s: malformed change %s (path, from "
                                 "and to must be present)" % (where, show(c)))
                    replay_ok = False
                    continue
                path = c["path"]
                parts = path.split(".")
                if len(parts) != 2 or parts[0] not in EDIT_SECTIONS:
                    problems.add(rid, "edit_log_mismatch", "%s: path %s is not section.key (exactly "
                                 "one dot) with section subject, violation, post or comment"
                                 % (where, show(path)))
                    replay_ok = False
                    continue
                sec, key = parts
                obj = state.get(sec)
                if obj is None and sec in NULL_FIELDS:
                    obj = {f: None for f in NULL_FIELDS[sec]}
                    state[sec] = obj
                if not isinstance(obj, dict):
                    problems.add(rid, "edit_log_mismatch", "%s: %s is not an object in the signed "
                                 "capture" % (where, esc(sec)))
                    replay_ok = False
                    continue
                cur = obj.get(key)
                if not json_equal(cur, c["from"]):
                    problems.add(rid, "edit_log_mismatch", "%s: %s was %s at that point, but the "
                                 "edit says it was %s" % (where, esc(path), show(cur), show(c["from"])))
                    replay_ok = False
                obj[key] = c["to"]
                fs = state.get("fieldSources")
                if not isinstance(fs, dict):
                    fs = {}
                    state["fieldSources"] = fs
                fs[path] = "user"
        current = {k: v for k, v in rec.items() if k != "attestation"}
        if not json_equal(state, current):
            diffs = json_diff(state, current)
            parts = ["%s: signed capture + logged edits give %s, the record has %s"
                     % (esc(p), show(a), show(b)) for p, a, b in diffs]
            problems.add(rid, "content_differs", "the record differs from what was signed at "
                         "capture plus the logged edits: " + "; ".join(parts))
            replay_ok = False
        info["replayOk"] = replay_ok

    # 4. receipts --------------------------------------------------------------------------
    for i, e in enumerate(entries):
        # docs/integrity.md rule 4: the extension keeps receipts in `sync` entries, the server's
        # own export in its `import` entry
        if e.get("action") not in ("sync", "import") or not isinstance(e.get("details"), dict) \
                or "receipt" not in e["details"]:
            continue
        where = "receipt in custody entry %d (%s)" % (i + 1, e.get("action"))
        rc = e["details"]["receipt"]
        rinfo = {"entry": i + 1, "valid": False, "trusted": False}
        info["receipts"].append(rinfo)
        if not isinstance(rc, dict):
            problems.add(rid, "receipt_invalid", "%s is not an object" % where)
            continue
        sk = rc.get("serverKey")
        try:
            skid = jwk_thumbprint(sk)
            jwk_public_key(sk)
        except ValueError as ex:
            problems.add(rid, "receipt_invalid", "%s: serverKey: %s" % (where, esc(ex)))
            continue
        rinfo["serverKeyId"] = skid
        bad = []
        if rc.get("format") != "asn-evidence-receipt":
            bad.append("format is %s" % show(rc.get("format")))
        if not json_equal(rc.get("version"), 1):
            bad.append("version is %s" % show(rc.get("version")))
        if "kid" in sk and sk.get("kid") != skid:
            bad.append("serverKey.kid %s is not its thumbprint %s" % (show(sk.get("kid"), 70), skid))
        if "alg" in sk and sk.get("alg") != "ES256":
            bad.append("serverKey.alg is %s" % show(sk.get("alg")))
        pl = rc.get("payload")
        pl_bytes = utf8(pl) if isinstance(pl, str) else None
        if pl_bytes is None:
            bad.append("payload is not a string")
        elif not es256_verify(sk, rc.get("signature"), pl_bytes):
            bad.append("the server's signature does not verify with key %s" % skid[:16])
        body = None
        if pl_bytes is not None:
            try:
                body = parse_json(pl_bytes)
            except JsonError as ex:
                bad.append("payload is not JSON: %s" % esc(ex))
            if body is not None and not isinstance(body, dict):
                bad.append("payload is not an object")
                body = None
        if body is not None:
            if body.get("type") != "asn-evidence-receipt":
                bad.append("payload.type is %s" % show(body.get("type")))
            if not json_equal(body.get("v"), 1):
                bad.append("payload.v is %s" % show(body.get("v")))
            if body.get("serverKeyId") != skid:
                bad.append("payload.serverKeyId %s is not the server key's id %s"
                           % (show(body.get("serverKeyId"), 70), skid))
        if bad:
            problems.add(rid, "receipt_invalid", "%s: %s" % (where, "; ".join(bad)))
            continue
        rinfo["valid"] = True
        for k in ("receivedAt", "monitor", "installationKeyId", "uploaderKeyId", "custodyLength",
                  "custodyHead"):
            rinfo[k] = body.get(k)
        mism = []
        ss = rec.get("screenshot") if isinstance(rec.get("screenshot"), dict) else {}
        full = ss.get("full") if isinstance(ss.get("full"), dict) else None
        src = rec.get("source") if isinstance(rec.get("source"), dict) else None
        expect = [("recordId", rid),
                  ("capturedSha256", sha256_hex(payload_bytes) if payload_bytes is not None else None),
                  ("screenshotSha256", ss.get("sha256")),
                  ("fullSha256", full.get("sha256") if full else None),
                  ("sourceSha256", src.get("sha256") if src else None),
                  ("installationKeyId", info["captureKeyId"])]
        for k, want in expect:
            if k not in body or not json_equal(body.get(k), want):
                mism.append("%s is %s, expected %s" % (k, show(body.get(k, _MISSING), 70), show(want, 70)))
        head, length = body.get("custodyHead"), body.get("custodyLength")
        if isinstance(length, float) and length.is_integer():
            length = int(length)  # a JSON number: 2.0 is 2
        if not (isinstance(length, int) and not isinstance(length, bool) and 1 <= length <= i
                and isinstance(head, str) and entries[length - 1].get("hash") == head):
            mism.append("custodyHead %s / custodyLength %s is not an earlier entry of this log"
                        % (show(head, 70), show(body.get("custodyLength", _MISSING))))
        else:
            # when the entry at custodyLength is signed, uploaderKeyId must be its keyId
            at_len = entries[length - 1]
            if "keyId" in at_len or "sig" in at_len:
                if not json_equal(body.get("uploaderKeyId", _MISSING), at_len.get("keyId")):
                    mism.append("uploaderKeyId is %s, but entry %d (custodyLength) is signed by %s"
                                % (show(body.get("uploaderKeyId", _MISSING), 70), length,
                                   show(at_len.get("keyId"), 70)))
        if mism:
            problems.add(rid, "receipt_mismatch", "%s does not describe this record: %s"
                         % (where, "; ".join(mism)))
            rinfo["valid"] = False
        rinfo["trusted"] = rinfo["valid"] and skid in trusted_kids
    # A record without a receipt is not invalid (it was not synced); without a valid receipt
    # from a trusted server key, its capture time and sender rest on the bundle alone.
    info["restsOnBundleAlone"] = not any(r.get("trusted") for r in info["receipts"])


# ---------------------------------------------------------------------------------------------
# The bundle
# ---------------------------------------------------------------------------------------------

def verify_bundle(path, trusted_kids):
    problems = Problems()
    notes = []       # human-readable OK lines
    records_out = []
    result = {"problems": problems, "notes": notes, "records": records_out, "files": 0,
              "signed": None}

    check_zip_container(path, problems)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        problems.add(None, "zip_invalid", "not a readable ZIP archive (truncated download?): %s" % esc(e))
        return result
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_FILES:
            problems.add(None, "zip_invalid", "more than %d files" % MAX_FILES)
            return result
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL:
            problems.add(None, "zip_invalid", "declared total size %d exceeds 4 GiB" % total)
            return result
        check_overlaps(path, infos, problems)

        # names
        files = {}
        folded = {}
        folders = []
        for info in infos:
            name = info.filename
            why = unsafe_reason(name)
            if why:
                problems.add(None, "unsafe_name", "%s: %s" % (show(name), why))
                continue
            if name in files:
                problems.add(None, "unsafe_name", "%s appears more than once" % show(name))
                continue
            f = unicodedata.normalize("NFC", name).casefold()
            if f in folded:
                problems.add(None, "unsafe_name", "%s and %s differ only in case or Unicode form"
                             % (show(name), show(folded[f])))
                continue
            folded[f] = name
            if info.flag_bits & 0x1:
                problems.add(None, "zip_invalid", "%s is encrypted" % show(name))
                continue
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                problems.add(None, "zip_invalid", "%s uses compression method %d"
                             % (show(name), info.compress_type))
                continue
            if name.endswith("/") and info.file_size == 0:
                folders.append(info)  # a folder entry (zip -r, Python's zipfile): judged below
                continue
            files[name] = info
        # Folder entries hold no data: those of the bundle's own folders are ignored, any other
        # (an empty folder that is not part of the bundle) is a problem; their bytes are still read.
        for info in folders:
            if not any(n.startswith(info.filename) for n in files):
                problems.add(None, "extra_file", "%s is an empty folder that does not belong in the bundle"
                             % show(info.filename))
            elif read_member(zf, info, problems) not in (None, b""):
                problems.add(None, "extra_file", "%s is a folder with content" % show(info.filename))
        result["files"] = len(infos) - len(folders)

        data = {}

        def get(name):
            if name not in data:
                data[name] = read_member(zf, files[name], problems) if name in files else None
            return data[name]

        # manifest -------------------------------------------------------------------------
        manifest = None
        mraw = get("manifest.json")
        if mraw is None:
            if "manifest.json" not in files:
                problems.add(None, "manifest_invalid", "manifest.json is missing: this is not an "
                             "evidence bundle")
        else:
            try:
                manifest = parse_json(mraw)
            except JsonError as e:
                problems.add(None, "manifest_invalid", "manifest.json is not valid JSON: %s" % esc(e))
        if manifest is not None:
            if not isinstance(manifest, dict):
                problems.add(None, "manifest_invalid", "manifest.json is not a JSON object")
                manifest = None
            elif manifest.get("format") != "asn-evidence-bundle":
                problems.add(None, "manifest_invalid", "manifest.json has format %s: not an "
                             "asn-evidence-bundle manifest" % show(manifest.get("format")))
                manifest = None
            elif not json_equal(manifest.get("formatVersion"), 1):
                fv = manifest.get("formatVersion")
                if isinstance(fv, (int, float)) and not isinstance(fv, bool) and fv > 1:
                    why = "newer than this verifier knows (1): use a newer verifier"
                else:
                    why = "not the version this verifier knows (1)"
                problems.add(None, "manifest_invalid", "formatVersion %s is %s" % (show(fv), why))
                manifest = None
        records = []
        custody = []
        if manifest is not None:
            schema = load_manifest_schema()
            if schema is not None:
                for msg in schema_errors(manifest, schema):
                    problems.add(None, "manifest_invalid", "manifest.json: %s" % msg)
            recs = manifest.get("records")
            cus = manifest.get("custody")
            if not isinstance(recs, list) or not all(isinstance(r, dict) for r in recs):
                problems.add(None, "manifest_invalid", "manifest.records is not a list of objects")
                recs = []
            if not isinstance(cus, list) or not all(isinstance(c, dict) for c in cus):
                problems.add(None, "manifest_invalid", "manifest.custody is not a list of objects")
                cus = []
            seen = set()
            for r in recs:
                rid = r.get("id")
                if not isinstance(rid, str) or not UUID_RE.match(rid):
                    problems.add(None, "manifest_invalid", "a record has an invalid id %s" % show(rid))
                    continue
                if rid in seen:
                    problems.add(rid, "manifest_invalid", "record id %s appears twice" % esc(rid))
                    continue
                seen.add(rid)
                subj = r.get("subject")
                problems.names[rid] = subj.get("name") if isinstance(subj, dict) else None
                records.append(r)
            custody = cus
            cb = manifest.get("createdBy")
            notes.append("manifest.json: asn-evidence-bundle formatVersion 1, %d records, created %s "
                         "by %s, extension %s" % (len(records), show(manifest.get("createdAt")),
                                                  show(cb.get("name") if isinstance(cb, dict) else None),
                                                  show(manifest.get("extensionVersion"))))

        # SHA256SUMS ---------------------------------------------------------------------------
        sums_raw = get("SHA256SUMS")
        listed = {}
        if sums_raw is None:
            if "SHA256SUMS" not in files:
                problems.add(None, "file_missing", "SHA256SUMS is missing")
        else:
            try:
                text = sums_raw.decode("utf-8")
            except UnicodeDecodeError:
                text = None
                problems.add(None, "sums_syntax", "SHA256SUMS is not UTF-8")
            if text is not None:
                lines = text.split("\n")
                if lines and lines[-1] == "":
                    lines.pop()
                for ln, line in enumerate(lines, 1):
                    m = re.match(r"^([0-9a-fA-F]{64}) [ *](.+)$", line)
                    if not m:
                        problems.add(None, "sums_syntax", "SHA256SUMS line %d is malformed: %s"
                                     % (ln, show(line)))
                        continue
                    h, name = m.group(1).lower(), m.group(2)
                    if name in listed:
                        problems.add(None, "sums_syntax", "SHA256SUMS lists %s twice" % show(name))
                        continue
                    if name in ("SHA256SUMS", "signature.json"):
                        problems.add(None, "sums_syntax", "SHA256SUMS must not list %s" % esc(name))
                        continue
                    listed[name] = h
                bad = 0
                for name, h in listed.items():
                    if name not in files:
                        problems.add(None, "listed_missing", "SHA256SUMS lists %s, which is not in "
                                     "the bundle" % show(name))
                        bad += 1
                        continue
                    b = get(name)
                    if b is not None and sha256_hex(b) != h:
                        problems.add(_owner(name), "hash_mismatch", "%s: SHA-256 is %s, SHA256SUMS "
                                     "says %s (the file was changed)" % (esc(name), sha256_hex(b), h))
                        bad += 1
                for name in files:
                    if name not in listed and name not in ("SHA256SUMS", "signature.json"):
                        problems.add(_owner(name), "not_listed", "%s is not listed in SHA256SUMS"
                                     % show(name))
                        bad += 1
                if not bad:
                    notes.append("SHA256SUMS: %d files listed, every hash matches" % len(listed))

        # layout ---------------------------------------------------------------------------------
        expected = set(FIXED_FILES)
        for f in FIXED_FILES:
            if f not in files and f not in ("manifest.json", "SHA256SUMS"):
                problems.add(None, "file_missing", "%s is missing" % f)
        if "signature.json" in files:
            expected.add("signature.json")
        for r in records:
            rid = r["id"]
            base = "evidence/%s/" % rid
            expected.add(base + "screenshot.png")
            expected.add(base + "record.json")
            ss = r.get("screenshot")
            if isinstance(ss, dict) and isinstance(ss.get("full"), dict):
                expected.add(base + "full.png")
            if isinstance(r.get("source"), dict):
                expected.add(base + "source.html")
        if manifest is not None:
            for name in files:
                if name not in expected:
                    problems.add(_owner(name), "extra_file", "%s does not belong in the bundle"
                                 % show(name))

        # per record files -------------------------------------------------------------------
        for r in records:
            rid = r["id"]
            base = "evidence/%s/" % rid
            ss = r.get("screenshot") if isinstance(r.get("screenshot"), dict) else {}
            pairs = [("screenshot.png", ss.get("sha256"), "screenshot_mismatch",
                      "record.screenshot.sha256")]
            if isinstance(ss.get("full"), dict):
                pairs.append(("full.png", ss["full"].get("sha256"), "screenshot_mismatch",
                              "record.screenshot.full.sha256"))
            elif base + "full.png" in files:
                pass  # reported as extra_file
            if isinstance(r.get("source"), dict):
                pairs.append(("source.html", r["source"].get("sha256"), "source_mismatch",
                              "record.source.sha256"))
            for fname, want, code, field in pairs:
                p = base + fname
                if p not in files:
                    problems.add(rid, code, "%s is missing" % p)
                    continue
                b = get(p)
                if b is None:
                    continue
                got = sha256_hex(b)
                if got != want:
                    problems.add(rid, code, "%s has SHA-256 %s, but %s is %s"
                                 % (p, got, field, show(want, 70)))
            p = base + "record.json"
            if p not in files:
                problems.add(rid, "record_mismatch", "%s is missing" % p)
            else:
                b = get(p)
                if b is not None:
                    try:
                        rj = parse_json(b)
                        if not json_equal(rj, r):
                            diffs = json_diff(r, rj)
                            problems.add(rid, "record_mismatch", "%s differs from the record in "
                                         "manifest.json: %s" % (p, "; ".join(
                                             "%s: manifest %s, record.json %s" % (esc(q), show(a), show(c))
                                             for q, a, c in diffs)))
                    except JsonError as e:
                        problems.add(rid, "record_mismatch", "%s is not valid JSON: %s" % (p, esc(e)))

        # keys: manifest.keys and signature.json's publicKey; each record adds its attestation key
        # and its import entries' details.keys (check_record) --------------------------------------
        ring = KeyRing()
        if manifest is not None and "keys" in manifest:
            add_key_list(ring, manifest["keys"], problems, None, "manifest.keys")

        # bundle signature (parsed now: its key may sign export entries) ---------------------------
        sig = None
        sig_kid = None
        sig_ok = False
        if "signature.json" in files:
            sraw = get("signature.json")
            if sraw is not None:
                try:
                    sig = parse_json(sraw)
                except JsonError as e:
                    problems.add(None, "bundle_signature_invalid", "signature.json is not JSON: %s" % esc(e))
            if sig is not None:
                bad = []
                if not isinstance(sig, dict):
                    bad.append("not an object")
                    sig = None
                else:
                    if sig.get("format") != "asn-evidence-bundle-signature":
                        bad.append("format is %s" % show(sig.get("format")))
                    if not json_equal(sig.get("version"), 1):
                        bad.append("version is %s" % show(sig.get("version")))
                    if sig.get("alg") != "ES256":
                        bad.append("alg is %s" % show(sig.get("alg")))
                    if sig.get("signedFile") != "SHA256SUMS":
                        bad.append("signedFile is %s" % show(sig.get("signedFile")))
                    try:
                        tp = jwk_thumbprint(sig.get("publicKey"))
                        jwk_public_key(sig.get("publicKey"))
                        if tp != sig.get("keyId"):
                            bad.append("keyId %s is not the thumbprint of publicKey (%s)"
                                       % (show(sig.get("keyId"), 70), tp))
                        else:
                            sig_kid = tp
                            ring.add(sig_kid, sig["publicKey"])  # a key lookup source
                    except ValueError as e:
                        bad.append("publicKey: %s" % esc(e))
                    if sums_raw is not None:
                        if sig.get("signedSha256") != sha256_hex(sums_raw):
                            bad.append("signedSha256 is not the SHA-256 of SHA256SUMS")
                        if sig_kid and not es256_verify(sig["publicKey"], sig.get("signature"), sums_raw):
                            bad.append("the signature over SHA256SUMS does not verify with key %s"
                                       % sig_kid[:16])
                    else:
                        bad.append("there is no SHA256SUMS to check it against")
                if bad:
                    problems.add(None, "bundle_signature_invalid", "signature.json: " + "; ".join(bad))
                else:
                    sig_ok = True
                    if manifest is not None and sig.get("createdAt") != manifest.get("createdAt"):
                        notes.append("note: signature.json createdAt %s differs from manifest "
                                     "createdAt %s" % (show(sig.get("createdAt")), show(manifest.get("createdAt"))))
        result["signed"] = sig_ok
        result["bundleKeyId"] = sig_kid if sig_ok else None

        # custody per record ------------------------------------------------------------------
        by_rec = {}
        rec_ids = {r["id"] for r in records}
        for i, e in enumerate(custody):
            rid = e.get("recordId")
            if rid not in rec_ids:
                problems.add(rid if isinstance(rid, str) else None, "custody_broken",
                             "manifest.custody[%d] belongs to %s, which is not a record of this "
                             "bundle" % (i, show(rid, 70)))
                continue
            by_rec.setdefault(rid, []).append(e)

        for r in records:
            rid = r["id"]
            entries = by_rec.get(rid, [])
            info = {}
            check_record(r, entries, ring, problems, trusted_kids, info)
            records_out.append(info)
            if manifest is not None and isinstance(manifest.get("keys"), list):
                listed_kids = {k.get("keyId") for k in manifest["keys"] if isinstance(k, dict)}
                signers = {info.get("captureKeyId")} | {e.get("keyId") for e in entries if "sig" in e}
                missing = sorted(k for k in signers if isinstance(k, str) and k not in listed_kids)
                if missing:
                    info.setdefault("warnings", []).append(
                        "manifest.keys does not list signing key(s) %s" % ", ".join(esc(k[:16]) for k in missing))

            if manifest is None:
                continue
            # rule 5: every log ends with an export entry signed by the bundle key
            # (custody_foreign_key otherwise), whose at/actor are the manifest's createdAt /
            # createdBy.name (manifest_forged otherwise)
            last = entries[-1] if entries else None
            cb = manifest.get("createdBy") if isinstance(manifest.get("createdBy"), dict) else {}
            if sig is not None:
                if last is None or last.get("action") != "export":
                    problems.add(rid, "custody_foreign_key", "the custody log does not end with "
                                 "an export entry signed by the bundle key (it ends with %s)"
                                 % (show(last.get("action")) if last is not None else "nothing"))
                else:
                    signed = isinstance(last.get("sig"), str) and isinstance(last.get("keyId"), str)
                    if not signed:
                        problems.add(rid, "custody_foreign_key", "the custody log ends with an "
                                     "export entry that is not signed, not one signed by the "
                                     "bundle key")
                    elif sig_kid is not None and last.get("keyId") != sig_kid:
                        problems.add(rid, "custody_foreign_key", "the custody log's export entry "
                                     "is signed by %s, the bundle by %s: the log does not end "
                                     "with an export signed by the bundle key"
                                     % (esc(last.get("keyId")[:16]), sig_kid[:16]))
                    if signed:
                        why = []
                        if last.get("at") != manifest.get("createdAt"):
                            why.append("the export entry's at %s is not the manifest's createdAt %s"
                                       % (show(last.get("at")), show(manifest.get("createdAt"))))
                        if not json_equal(last.get("actor"), cb.get("name")):
                            why.append("the export entry's actor %s is not the manifest's "
                                       "createdBy.name %s" % (show(last.get("actor")), show(cb.get("name"))))
                        if why:
                            problems.add(rid, "manifest_forged", "the manifest's 'created by/at' "
                                         "differs from the signed export entry: " + "; ".join(why))
            else:
                # rule 6: unsigned bundle only for intact 0.1.0 records
                if not info.get("legacyRecord") or info.get("signedEntries", 0) > 0:
                    if info.get("extensionVersion") is None:
                        why = "it has no valid capture signature saying which version captured it"
                    elif not info.get("legacyRecord"):
                        why = "its signed capture says version %s, not 0.1.x" % show(info.get("extensionVersion"))
                    else:
                        why = "its custody log has signed entries"
                    problems.add(rid, "bundle_unsigned", "the bundle has no signature.json, which "
                                 "is accepted only for 0.1.0 records: %s" % why)
                if last is not None and (last.get("action") != "export"
                                         or last.get("at") != manifest.get("createdAt")
                                         or not json_equal(last.get("actor"), cb.get("name"))):
                    info.setdefault("warnings", []).append(
                        "the last custody entry is not an export at the manifest's createdAt by "
                        "createdBy.name (not checkable without signature.json)")
    return result


def _owner(name):
    m = re.match(r"^evidence/([^/]+)/", name)
    return m.group(1) if m else None


# ---------------------------------------------------------------------------------------------
# Server keys
# ---------------------------------------------------------------------------------------------

def load_server_key(arg):
    """A 64-hex key id, or a JSON file holding a JWK or {"serverKey": JWK}. Returns the key id."""
    a = arg.strip()
    if re.match(r"^[0-9a-fA-F]{64}$", a) and not os.path.exists(arg):
        return a.lower()
    try:
        with open(arg, "rb") as f:
            obj = parse_json(f.read())
    except OSError as e:
        raise ValueError("cannot read %s: %s" % (arg, e))
    except JsonError as e:
        raise ValueError("%s is not JSON: %s" % (arg, e))
    if isinstance(obj, dict) and isinstance(obj.get("serverKey"), dict):
        obj = obj["serverKey"]
    if not isinstance(obj, dict):
        raise ValueError("%s holds neither a JWK nor {\"serverKey\": JWK}" % arg)
    tp = jwk_thumbprint(obj)
    jwk_public_key(obj)
    if "kid" in obj and obj["kid"] != tp:
        raise ValueError("%s: kid %s is not the key's thumbprint %s" % (arg, obj["kid"], tp))
    return tp


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="verify_bundle.py",
        description="Verify an ASN evidence bundle (docs/integrity.md, docs/bundle.md).")
    ap.add_argument("bundle", nargs="?", help="the bundle ZIP")
    ap.add_argument("--server-key", action="append", default=[], metavar="FILE_OR_64HEX",
                    help="trusted server key: JSON file (JWK or {\"serverKey\": JWK}) or 64-hex kid")
    ap.add_argument("--json", action="store_true", help="print a JSON object instead of text")
    ap.add_argument("--canonicalize", metavar="FILE",
                    help="print the RFC 8785 canonical UTF-8 bytes of a JSON file and exit")
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0

    if args.canonicalize is not None:
        try:
            with open(args.canonicalize, "rb") as f:
                raw = f.read()
        except OSError as e:
            sys.stderr.write("cannot read %s: %s\n" % (args.canonicalize, e))
            return 2
        try:
            out = canonicalize(parse_json(raw))
        except JsonError as e:
            sys.stderr.write("cannot canonicalise: %s\n" % e)
            return 1
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
        return 0

    if not args.bundle:
        ap.print_usage(sys.stderr)
        return 2
    if not os.path.isfile(args.bundle) or not os.access(args.bundle, os.R_OK):
        sys.stderr.write("cannot read %s\n" % args.bundle)
        return 2
    trusted = set()
    for k in args.server_key:
        try:
            trusted.add(load_server_key(k))
        except ValueError as e:
            sys.stderr.write("--server-key: %s\n" % e)
            return 2

    res = verify_bundle(args.bundle, trusted)
    problems = res["problems"]
    ok = not problems.items

    if args.json:
        out = {"ok": ok, "problems": problems.items, "records": res["records"],
               "signed": res["signed"], "bundleKeyId": res.get("bundleKeyId"),
               "files": res["files"]}
        sys.stdout.write(json.dumps(out, ensure_ascii=True, indent=2) + "\n")
        return 0 if ok else 1

    w = sys.stdout.write
    w("Bundle: %s\n" % esc(os.path.basename(args.bundle)))
    for n in res["notes"]:
        w("[OK] %s\n" % n)
    for p in problems.for_record(None):
        w("PROBLEM [%s] bundle: %s\n" % (p["code"], p["message"]))
    for info in res["records"]:
        rid = info.get("id")
        lbl = problems.label(rid)
        rp = problems.for_record(rid)
        status = "OK" if not rp else "INVALID"
        acts = ", ".join(esc(a) if isinstance(a, str) else show(a) for a in info.get("custody", []))
        ck = info.get("captureKeyId")
        w("%s: %s - captured by installation %s (extension %s); custody: %s; %d signed, %d unsigned "
          "0.1.0 entries; %d edits replayed\n"
          % (lbl, status, esc(ck[:16]) if isinstance(ck, str) else "?", show(info.get("extensionVersion")),
             acts or "(none)", info.get("signedEntries", 0), info.get("legacyEntries", 0),
             info.get("edits", 0)))
        for p in rp:
            w("PROBLEM [%s] %s: %s\n" % (p["code"], lbl, p["message"]))
        for wn in info.get("warnings", []):
            w("  note: %s\n" % wn)
        recs = [r for r in info.get("receipts", []) if r.get("valid")]
        for r in recs:
            w("  %s: signed by installation %s, received by server %s at %s from monitor %s (%s)\n"
              % (lbl, esc(str(r.get("installationKeyId"))[:16]), esc(str(r.get("serverKeyId"))[:16]),
                 esc(str(r.get("receivedAt"))), esc(str(r.get("monitor"))),
                 "trusted" if r.get("trusted") else "NOT trusted"))
        if info.get("restsOnBundleAlone", True):
            if not info.get("receipts"):
                why = "no server receipt (not synced; this is not an error)"
            elif not recs:
                why = "no valid server receipt"
            elif trusted:
                why = "no receipt from a trusted server key"
            else:
                why = "the server key is NOT confirmed as trusted (give it with --server-key)"
            w("  %s: %s: its capture time and sender rest on this bundle alone\n" % (lbl, why))
    for p in problems.items:
        if p["record"] is not None and p["record"] not in {i.get("id") for i in res["records"]}:
            w("PROBLEM [%s] %s: %s\n" % (p["code"], problems.label(p["record"]), p["message"]))
    if res["signed"]:
        w("Bundle signature: signature.json verifies, exported by installation %s\n"
          % res["bundleKeyId"][:16])
    elif res["signed"] is None or res["signed"] is False:
        if not any(p["code"] == "bundle_signature_invalid" for p in problems.items):
            w("Bundle signature: none (no signature.json); %s\n"
              % ("a 0.1.0 bundle: its integrity rests on the hashes alone; compare the ZIP's "
                 "SHA-256 with the one the sender recorded" if ok else "see the problems above"))
    if trusted:
        w("Trusted server key(s): %s\n" % ", ".join(k[:16] for k in sorted(trusted)))
    w("%d problem(s), %d record(s), %d file(s)\n" % (len(problems.items), len(res["records"]), res["files"]))
    w("RESULT: %s\n" % ("VALID" if ok else "INVALID"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
