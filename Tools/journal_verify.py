#!/usr/bin/env python3
"""Independent verifier for DMP journal files (format versions 1 and 2).

Written from Schemas/journal-format.md alone (no other source).  Standard library
only, plus the `cryptography` package for Ed25519 signature checks (imported only
when a public key is given).

Usage:
    python3 Tools/journal_verify.py JOURNAL [--public-key HEXFILE] [--records]

Prints one JSON object on stdout.  Exit status: 0 valid; 1 any verification
failure (a tail or damage, malformed_header and unsupported_algorithm included);
2 not_a_journal, newer_format_version, or a command-line error.

failure.check is always one of the names of the specification's table of
failure names (section 5), for the check the table gives: not_a_journal,
newer_format_version, malformed_header, unsupported_algorithm, unsealed_tail,
malformed_frame, chain_mismatch, checksum_mismatch, decompression_failed,
malformed_content, count_mismatch, sequence_gap, offset_mismatch,
time_reversed, attestation_mismatch, bad_signature.  failure.tail is the
section 5.1 classification; failure.unitStart is the normative location (the
start p of the unit in which the failure lies).

Version 2 journals carry an LZ4 dictionary in their header (section 2.1);
their data frames have FLG 0x69 and a dictionary id, and every block decodes
with the dictionary as its prefix (section 3.1).  The report then also gives
"dictionaryLength" and "dictionaryId" (the u32 of section 3.1); both are null
for version 1 and when the header fails.

A command-line problem is not a verification failure: the object then has
"failure": null and "error": {"name": "usage" | "file_not_found" |
"cannot_open", "message": ...}, exit status 2.

Choices made where the specification leaves room:
  * A header failure is never a tail; failure.unitStart and validEnd are 0
    for it.
  * failure.offset is the start of the frame being checked when the check
    failed: the header (0), the data frame (structure, content), the seal
    (seal shape, chain, seal fields), the checkpoint, or the unknown frame.
    A file that ends inside a frame names the start of that frame.
  * Section 5.1 (b): a seal's unitStart field is a candidate u when
    p <= unitStart <= offset(F), the bound the specification gives.
  * Version 2 header: when 70 + appLength > size, dictLength would lie past
    the start of the genesis; that is reported (malformed_header) before
    dictLength is read.  No dictLength could satisfy 70 + appLength +
    dictLength == size then, so the outcome is the one step 1 gives.
"""

import argparse
import base64
import hashlib
import io
import json
import os
import struct
import sys

# --------------------------------------------------------------------------
# Constants from the specification
# --------------------------------------------------------------------------

SKIPPABLE_MAGIC = 0x184D2A5D
SKIPPABLE_LOW, SKIPPABLE_HIGH = 0x184D2A50, 0x184D2A5F
LZ4_MAGIC = 0x184D2204
SKIPPABLE_MAGIC_BYTES = struct.pack("<I", SKIPPABLE_MAGIC)
LZ4_MAGIC_BYTES = struct.pack("<I", LZ4_MAGIC)

TAG_HEADER = b"DMJH"
TAG_SEAL = b"DMJS"
TAG_CHECKPOINT = b"DMJC"

SEAL_SIZE = 64            # payload bytes
SEAL_LEN = 8 + SEAL_SIZE  # 72
CKPT_SIZE = 188
CKPT_LEN = 8 + CKPT_SIZE  # 196
SEAL_PREFIX = SKIPPABLE_MAGIC_BYTES + struct.pack("<I", SEAL_SIZE) + TAG_SEAL
CKPT_PREFIX = SKIPPABLE_MAGIC_BYTES + struct.pack("<I", CKPT_SIZE) + TAG_CHECKPOINT
LINK_LEN = {SEAL_PREFIX: SEAL_LEN, CKPT_PREFIX: CKPT_LEN}

# Header payload size bounds by format version (section 2.1):
# version 1: 66 + appLength; version 2: 70 + appLength + dictLength.
HEADER_SIZE_BOUNDS = {1: (66, 322), 2: (71, 65862)}
HEADER_FIXED = 42         # frame bytes before `application`
APP_MAX = 256
DICT_MIN, DICT_MAX = 1, 65536
KNOWN_VERSION = 2
# The only `compression` value of each format version.
COMPRESSION_BY_VERSION = {1: 1, 2: 2}

GENESIS_PREFIX = b"dmp-journal/v1"
CHECKPOINT_MESSAGE_PREFIX = b"dmp-journal/v1/checkpoint"

LZ4_FLG = 0x68            # version 1: no dictionary id
LZ4_FLG_DICT = 0x69       # version 2: with the dictionary id
LZ4_DESCRIPTOR_LEN = 15   # magic, FLG, BD, content size, HC
LZ4_DESCRIPTOR_LEN_DICT = 19  # magic, FLG, BD, content size, dictionary id, HC
LZ4_WINDOW = 64 * 1024    # how far back a match offset can reach
LZ4_BLOCK_MAX = {0x40: 64 * 1024, 0x50: 256 * 1024, 0x60: 1024 * 1024, 0x70: 4 * 1024 * 1024}
MAX_CONTENT_SIZE = 64 * 1024 * 1024

EXIT_VALID, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# The table of failure names (section 5).
FAILURE_NAMES = (
    "not_a_journal", "newer_format_version", "malformed_header", "unsupported_algorithm",
    "unsealed_tail", "malformed_frame", "chain_mismatch", "checksum_mismatch",
    "decompression_failed", "malformed_content", "count_mismatch", "sequence_gap",
    "offset_mismatch", "time_reversed", "attestation_mismatch", "bad_signature",
)

# Failures a crash can cause (section 5.1 step 1); all others are damage.
CRASH_CHECKS = frozenset(("unsealed_tail", "malformed_frame", "chain_mismatch"))

# --------------------------------------------------------------------------
# XXH32 (seed 0 by default), pure Python
# --------------------------------------------------------------------------

_P1 = 0x9E3779B1
_P2 = 0x85EBCA77
_P3 = 0xC2B2AE3D
_P4 = 0x27D4EB2F
_P5 = 0x165667B1
_M32 = 0xFFFFFFFF


def xxh32(data, seed=0):
    """XXH32 of `data` (bytes-like) with the given seed."""
    data = bytes(data) if not isinstance(data, (bytes, bytearray)) else data
    n = len(data)
    M = _M32
    P1, P2 = _P1, _P2
    i = 0
    if n >= 16:
        v1 = (seed + P1 + P2) & M
        v2 = (seed + P2) & M
        v3 = seed & M
        v4 = (seed - P1) & M
        stripes = n // 16
        words = struct.unpack_from("<%dI" % (stripes * 4), data, 0)
        for a, b, c, d in zip(words[0::4], words[1::4], words[2::4], words[3::4]):
            v1 = (v1 + a * P2) & M
            v1 = (((v1 << 13) | (v1 >> 19)) & M) * P1 & M
            v2 = (v2 + b * P2) & M
            v2 = (((v2 << 13) | (v2 >> 19)) & M) * P1 & M
            v3 = (v3 + c * P2) & M
            v3 = (((v3 << 13) | (v3 >> 19)) & M) * P1 & M
            v4 = (v4 + d * P2) & M
            v4 = (((v4 << 13) | (v4 >> 19)) & M) * P1 & M
        h = (((v1 << 1) | (v1 >> 31)) + ((v2 << 7) | (v2 >> 25))
             + ((v3 << 12) | (v3 >> 20)) + ((v4 << 18) | (v4 >> 14))) & M
        i = stripes * 16
    else:
        h = (seed + _P5) & M
    h = (h + n) & M
    while i + 4 <= n:
        (w,) = struct.unpack_from("<I", data, i)
        h = (h + w * _P3) & M
        h = (((h << 17) | (h >> 15)) & M) * _P4 & M
        i += 4
    while i < n:
        h = (h + data[i] * _P5) & M
        h = (((h << 11) | (h >> 21)) & M) * P1 & M
        i += 1
    h ^= h >> 15
    h = (h * P2) & M
    h ^= h >> 13
    h = (h * _P3) & M
    h ^= h >> 16
    return h


# --------------------------------------------------------------------------
# LZ4 block decompressor, pure Python
# --------------------------------------------------------------------------

class LZ4BlockError(ValueError):
    pass


def lz4_block_decompress(src, max_size, strict=True, dictionary=b""):
    """Decompress one independent LZ4 block.

    Sequence: token (high nibble literal length, low nibble match length - 4),
    literal length continuation bytes (255 means "more follow"), literals,
    2-byte little-endian offset, match length continuation bytes.  The last
    sequence holds only literals: the block ends right after them.  Raises
    LZ4BlockError for any malformed input or an output larger than max_size.
    Returns the block's output only (without the dictionary).

    dictionary: the prefix the block is decoded with (section 3.1, what
    LZ4_decompress_safe_usingDict does): a match offset may reach back before
    the block's first output byte into the last 64 KiB of the dictionary, as
    though the dictionary's bytes preceded the block's output.  Empty (the
    default): the block stands alone (section 3).

    strict: also enforce the end-of-block conditions of the LZ4 block format
    (the last 5 bytes of the output are literals; the last match starts at least
    12 bytes before the end), which section 3 requires.  strict=False exists
    only for the self-tests.
    """
    src = bytes(src)
    n = len(src)
    # The block's output is out[base:]; out[:base] is the dictionary's window.
    out = bytearray(bytes(dictionary)[-LZ4_WINDOW:])
    base = len(out)
    i = 0
    last_match_start = None
    while True:
        if i >= n:
            raise LZ4BlockError("block ends where a sequence token is expected")
        token = src[i]
        i += 1
        lit = token >> 4
        if lit == 15:
            while True:
                if i >= n:
                    raise LZ4BlockError("block ends inside a literal length")
                b = src[i]
                i += 1
                lit += b
                if b != 255:
                    break
        if i + lit > n:
            raise LZ4BlockError("literals run past the end of the block")
        if len(out) - base + lit > max_size:
            raise LZ4BlockError("decompressed block larger than the block maximum size")
        out += src[i:i + lit]
        i += lit
        if i == n:
            # last sequence: literals only
            if strict and last_match_start is not None:
                if lit < 5:
                    raise LZ4BlockError("end-of-block condition: the last sequence holds %d literals,"
                                        " fewer than 5" % lit)
                if last_match_start > len(out) - base - 12:
                    raise LZ4BlockError("end-of-block condition: the last match starts less than"
                                        " 12 bytes before the end of the block")
            break
        if i + 2 > n:
            raise LZ4BlockError("block ends inside a match offset")
        offset = src[i] | (src[i + 1] << 8)
        i += 2
        if offset == 0:
            raise LZ4BlockError("match offset 0")
        if offset > len(out):
            if base:
                raise LZ4BlockError("match offset %d points before the start of the block and its"
                                    " %d-byte dictionary window" % (offset, base))
            raise LZ4BlockError("match offset points before the start of the block")
        mlen = token & 15
        if mlen == 15:
            while True:
                if i >= n:
                    raise LZ4BlockError("block ends inside a match length")
                b = src[i]
                i += 1
                mlen += b
                if b != 255:
                    break
        mlen += 4
        if len(out) - base + mlen > max_size:
            raise LZ4BlockError("decompressed block larger than the block maximum size")
        last_match_start = len(out) - base
        start = len(out) - offset
        if mlen <= offset:
            out += out[start:start + mlen]
        else:
            # Overlapping copy.  Semantically byte by byte (out[k] = out[k - offset]);
            # copying the already available bytes in growing chunks gives exactly
            # the same result.  (A match that starts in the dictionary and runs on
            # into the block's output is the same copy.)
            while mlen > 0:
                chunk = out[start:start + min(mlen, len(out) - start)]
                out += chunk
                mlen -= len(chunk)
    return bytes(out[base:])


# --------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------

class Failure(Exception):
    """A failed check: `check` is one of the names listed in the module doc."""

    def __init__(self, check, message, offset, exit_code=EXIT_FAILED):
        if check not in FAILURE_NAMES:
            raise ValueError("not a failure name of the specification: %r" % check)
        super().__init__(message)
        self.check = check
        self.message = message
        self.offset = offset
        self.exit_code = exit_code


def _u16(b, o):
    return struct.unpack_from("<H", b, o)[0]


def _u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def _u64(b, o):
    return struct.unpack_from("<Q", b, o)[0]


def _i64(b, o):
    return struct.unpack_from("<q", b, o)[0]


def _pread(f, offset, n):
    """Up to n bytes at offset (fewer at the end of the file)."""
    if n <= 0:
        return b""
    f.seek(offset)
    return f.read(n)


def _sha256_range(f, prefix, a, b):
    """SHA256(prefix || file[a ..< b])."""
    return _sha256_ranges(f, [prefix], a, b)[0]


def _sha256_ranges(f, prefixes, a, b, chunk=1 << 20):
    """[SHA256(prefix || file[a ..< b]) for each prefix], reading the range once."""
    hs = [hashlib.sha256(x) for x in prefixes]
    pos = a
    while pos < b:
        data = _pread(f, pos, min(chunk, b - pos))
        if not data:
            break  # the file shrank: the digests cannot match
        for x in hs:
            x.update(data)
        pos += len(data)
    return [x.digest() for x in hs]


# ---- The data-frame shape a header allows (sections 3, 3.1) -------------------

def dictionary_id(dictionary):
    """Section 3.1: the first 4 bytes of SHA256(dictionary), read as a
    little-endian u32."""
    return _u32(hashlib.sha256(bytes(dictionary)).digest(), 0)


class FrameShape:
    """The one data-frame shape of a journal, fixed by its header: version 1,
    FLG 0x68 and a 15-byte descriptor; version 2, FLG 0x69, a 19-byte
    descriptor whose dictionary id is the header's, and blocks decoded with the
    header's dictionary as their prefix."""

    __slots__ = ("flg", "descriptor_len", "dictionary", "dict_id")

    def __init__(self, dictionary=None):
        if dictionary is None:
            self.flg, self.descriptor_len = LZ4_FLG, LZ4_DESCRIPTOR_LEN
            self.dictionary, self.dict_id = b"", None
        else:
            self.flg, self.descriptor_len = LZ4_FLG_DICT, LZ4_DESCRIPTOR_LEN_DICT
            self.dictionary, self.dict_id = bytes(dictionary), dictionary_id(dictionary)


V1_SHAPE = FrameShape()


# ---- Header (section 2.1, section 5 step 1) ----------------------------------

def _parse_header(f, size):
    """Returns a dict; raises Failure."""
    first = _pread(f, 0, 14)
    if len(first) < 4 or first[:4] != SKIPPABLE_MAGIC_BYTES:
        raise Failure("not_a_journal", "the file does not start with the journal magic 0x184D2A5D",
                      0, exit_code=EXIT_USAGE)
    if len(first) < 14:
        raise Failure("malformed_header", "the file ends inside the header's first 14 bytes (%d present)"
                      % len(first), 0)
    if first[8:12] != TAG_HEADER:
        raise Failure("not_a_journal", "the first frame's tag is %r, not DMJH" % bytes(first[8:12]), 0,
                      exit_code=EXIT_USAGE)
    version = _u16(first, 12)
    if version > KNOWN_VERSION:
        raise Failure("newer_format_version",
                      "format version %d is newer than the highest version known (%d)"
                      % (version, KNOWN_VERSION), 0, exit_code=EXIT_USAGE)
    if version == 0:
        raise Failure("malformed_header", "format version 0 is invalid", 0)
    hsize = _u32(first, 4)
    size_min, size_max = HEADER_SIZE_BOUNDS[version]
    if not (size_min <= hsize <= size_max):
        raise Failure("malformed_header", "header payload size %d is outside %d..%d (format version %d)"
                      % (hsize, size_min, size_max, version), 0)
    frame = _pread(f, 0, 8 + hsize)
    if len(frame) != 8 + hsize:
        raise Failure("malformed_header", "the file ends inside the header frame (%d of %d bytes present)"
                      % (len(frame), 8 + hsize), 0)
    h0 = hashlib.sha256(GENESIS_PREFIX + frame[:-32]).digest()
    if frame[-32:] != h0:
        raise Failure("malformed_header", "the header's genesis value does not match its bytes", 0)
    if frame[14] != 1:
        raise Failure("unsupported_algorithm", "hashAlgorithm %d is not supported" % frame[14], 0)
    if frame[15] != COMPRESSION_BY_VERSION[version]:
        raise Failure("unsupported_algorithm", "compression %d is not supported in format version %d"
                      " (expected %d)" % (frame[15], version, COMPRESSION_BY_VERSION[version]), 0)
    app_length = _u16(frame, 40)
    dictionary = None
    if version == 1:
        if 66 + app_length != hsize:
            raise Failure("malformed_header",
                          "appLength %d does not match the header size %d" % (app_length, hsize), 0)
    else:
        if app_length > APP_MAX:
            raise Failure("malformed_header", "appLength %d is larger than %d" % (app_length, APP_MAX), 0)
        if 70 + app_length > hsize:
            raise Failure("malformed_header", "appLength %d leaves no room for dictLength in the header"
                          " size %d" % (app_length, hsize), 0)
        dict_at = HEADER_FIXED + app_length
        dict_length = _u32(frame, dict_at)
        if not (DICT_MIN <= dict_length <= DICT_MAX):
            raise Failure("malformed_header", "dictLength %d at header offset %d is outside %d..%d"
                          % (dict_length, dict_at, DICT_MIN, DICT_MAX), 0)
        if 70 + app_length + dict_length != hsize:
            raise Failure("malformed_header", "appLength %d and dictLength %d do not match the header"
                          " size %d" % (app_length, dict_length, hsize), 0)
        dictionary = bytes(frame[dict_at + 4:dict_at + 4 + dict_length])
    try:
        application = frame[HEADER_FIXED:HEADER_FIXED + app_length].decode("utf-8")
    except UnicodeDecodeError:
        raise Failure("malformed_header", "application is not valid UTF-8", 0)
    shape = V1_SHAPE if dictionary is None else FrameShape(dictionary)
    return {
        "version": version,
        "journal_id": frame[16:32],
        "created_at": _i64(frame, 32),
        "application": application,
        "end": 8 + hsize,
        "h0": h0,
        "shape": shape,
    }


# ---- Data frame structure (section 5 step 3, data frame check 1) --------------

def _data_structure(f, size, p, shape=V1_SHAPE):
    """Walk the data frame at p (its magic is known) without hashing or
    decompressing, in the journal's shape (V1_SHAPE, or the FrameShape of a
    version 2 header).  Returns (seal offset, descriptor bytes FLG..HC,
    blocks) with blocks a list of (data offset, length, stored); raises
    Failure (unsealed_tail or malformed_frame).  Each descriptor field is
    checked as soon as its bytes are present."""
    dlen = shape.descriptor_len
    d = _pread(f, p, dlen)

    def need(n, what):
        if len(d) < n:
            raise Failure("unsealed_tail", "the file ends inside the data frame's %s (%d of %d descriptor"
                          " bytes present)" % (what, len(d), dlen), p)

    need(5, "FLG byte")
    if d[4] != shape.flg:
        if shape.dict_id is None:
            expected = "0x%02X" % shape.flg
        else:
            expected = "0x%02X (format version 2: with a dictionary id)" % shape.flg
        raise Failure("malformed_frame", "data frame FLG is 0x%02X, expected %s" % (d[4], expected), p)
    need(6, "BD byte")
    bd = d[5]
    if bd not in LZ4_BLOCK_MAX:
        raise Failure("malformed_frame", "data frame BD is 0x%02X, expected 0x40, 0x50, 0x60 or 0x70" % bd, p)
    block_max = LZ4_BLOCK_MAX[bd]
    need(14, "content size")
    content_size = _u64(d, 6)
    if not (1 <= content_size <= MAX_CONTENT_SIZE):
        raise Failure("malformed_frame", "data frame content size %d is outside 1..%d"
                      % (content_size, MAX_CONTENT_SIZE), p)
    if shape.dict_id is not None:
        need(18, "dictionary id")
        dict_id = _u32(d, 14)
        if dict_id != shape.dict_id:
            raise Failure("malformed_frame", "data frame dictionary id is 0x%08X, the header's dictionary"
                          " has id 0x%08X" % (dict_id, shape.dict_id), p)
    need(dlen, "header checksum byte")
    pos = p + dlen
    blocks = []
    while True:
        hb = _pread(f, pos, 4)
        if len(hb) < 4:
            raise Failure("unsealed_tail", "the file ends inside the data frame (a block header or the"
                          " end mark was expected at offset %d)" % pos, p)
        v = _u32(hb, 0)
        pos += 4
        if v == 0:
            break  # end mark
        length = v & 0x7FFFFFFF
        if not (1 <= length <= block_max):
            raise Failure("malformed_frame", "block %d at offset %d has length %d, outside 1..%d"
                          % (len(blocks), pos - 4, length, block_max), p)
        if length > size - pos:
            raise Failure("unsealed_tail", "block %d at offset %d (%d bytes) runs past the end of the file"
                          % (len(blocks), pos - 4, length), p)
        blocks.append((pos, length, bool(v & 0x80000000)))
        pos += length
    return pos, bytes(d[4:dlen]), blocks


# ---- Units (section 5 step 3) ----------------------------------------------------

def _verify_data_unit(f, size, p, h, last_seq, last_time, want_records, shape=V1_SHAPE):
    """A data frame and its seal, checks 1 to 5 in order.  Returns (end of
    the unit, chain, count, committed_at, content or None)."""
    # 1. Structure.
    s, desc, blocks = _data_structure(f, size, p, shape)
    # 2. Seal shape.
    if SEAL_LEN > size - s:
        raise Failure("unsealed_tail", "the file ends inside the seal after the data frame (%d of 72 bytes)"
                      % (size - s), s)
    seal = _pread(f, s, SEAL_LEN)
    if seal[:4] != SKIPPABLE_MAGIC_BYTES:
        raise Failure("malformed_frame", "a seal must follow the data frame; found magic 0x%08X"
                      % _u32(seal, 0), s)
    if _u32(seal, 4) != SEAL_SIZE:
        raise Failure("malformed_frame", "a seal must follow the data frame; found a frame of size %d"
                      % _u32(seal, 4), s)
    if seal[8:12] != TAG_SEAL:
        raise Failure("malformed_frame", "a seal must follow the data frame; found tag %r" % seal[8:12], s)
    # 3. Chain.
    chain = _sha256_range(f, h, p, s + SEAL_LEN - 32)
    if chain != seal[40:72]:
        raise Failure("chain_mismatch", "the seal's chain value does not match the computed chain", s)
    # 4. Content.
    # desc is FLG, BD, content size (, dictionary id), HC.
    expected_hc = (xxh32(desc[:-1]) >> 8) & 0xFF
    if desc[-1] != expected_hc:
        raise Failure("checksum_mismatch", "data frame header checksum is 0x%02X, expected 0x%02X"
                      % (desc[-1], expected_hc), p)
    block_max = LZ4_BLOCK_MAX[desc[1]]
    content_size = _u64(desc, 2)
    total = 0
    newlines = 0
    last_byte = None
    content = bytearray() if want_records else None
    for i, (off, length, is_stored) in enumerate(blocks):
        data = _pread(f, off, length)
        if is_stored:
            plain = data
        else:
            try:
                plain = lz4_block_decompress(data, block_max, dictionary=shape.dictionary)
            except LZ4BlockError as e:
                raise Failure("decompression_failed", "LZ4 block %d at offset %d: %s" % (i, off - 4, e), p)
            if not plain:
                raise Failure("decompression_failed", "LZ4 block %d at offset %d decompresses to 0 bytes"
                              % (i, off - 4), p)
        total += len(plain)
        if total > content_size:
            raise Failure("decompression_failed", "decompressed content is larger than the content size %d"
                          % content_size, p)
        newlines += plain.count(b"\n")
        last_byte = plain[-1]
        if content is not None:
            content += plain
    if total != content_size:
        raise Failure("decompression_failed", "decompressed content is %d bytes, content size says %d"
                      % (total, content_size), p)
    if last_byte != 0x0A:
        raise Failure("malformed_content", "decompressed content does not end with 0x0A", p)
    # 5. Seal fields.
    unit_start = _u64(seal, 12)
    first_seq = _u64(seal, 20)
    count = _u32(seal, 28)
    committed_at = _i64(seal, 32)
    if unit_start != p:
        raise Failure("offset_mismatch", "seal unitStart is %d, the data frame starts at %d" % (unit_start, p), s)
    if first_seq != last_seq + 1:
        raise Failure("sequence_gap", "seal firstSequence is %d, expected %d" % (first_seq, last_seq + 1), s)
    if count < 1 or count != newlines:
        raise Failure("count_mismatch", "seal count is %d, the data frame holds %d records"
                      % (count, newlines), s)
    if committed_at < last_time:
        raise Failure("time_reversed", "seal committedAt %d is before the previous time %d"
                      % (committed_at, last_time), s)
    return s + SEAL_LEN, chain, count, committed_at, content


def checkpoint_message(journal_id, sequence, attested, signed_at, key_id):
    """The 121-byte message a checkpoint signs (section 2.3)."""
    return (CHECKPOINT_MESSAGE_PREFIX + bytes(journal_id) + struct.pack("<Q", sequence) + bytes(attested)
            + struct.pack("<q", signed_at) + bytes(key_id))


def _verify_checkpoint(f, size, p, h, last_seq, last_time, journal_id, public_key, key_id):
    """A checkpoint unit (its magic and tag are known).  Returns (chain,
    sequence, signed_at, verified with the key)."""
    fsize = _u32(_pread(f, p + 4, 4), 0)
    if fsize != CKPT_SIZE:
        raise Failure("malformed_frame", "checkpoint frame has size %d, expected 188" % fsize, p)
    if CKPT_LEN > size - p:
        raise Failure("unsealed_tail", "the file ends inside the checkpoint (%d of 196 bytes)" % (size - p), p)
    frame = _pread(f, p, CKPT_LEN)
    chain = hashlib.sha256(h + frame[:CKPT_LEN - 32]).digest()
    if chain != frame[164:196]:
        raise Failure("chain_mismatch", "the checkpoint's chain value does not match the computed chain", p)
    unit_start = _u64(frame, 12)
    sequence = _u64(frame, 20)
    attested = frame[28:60]
    signed_at = _i64(frame, 60)
    kid = frame[68:100]
    signature = frame[100:164]
    if unit_start != p:
        raise Failure("offset_mismatch", "checkpoint unitStart is %d, the checkpoint starts at %d"
                      % (unit_start, p), p)
    if sequence != last_seq:
        raise Failure("sequence_gap", "checkpoint sequence is %d, expected %d" % (sequence, last_seq), p)
    if attested != h:
        raise Failure("attestation_mismatch", "checkpoint attested value is not the chain value before it", p)
    if signed_at < last_time:
        raise Failure("time_reversed", "checkpoint signedAt %d is before the previous time %d"
                      % (signed_at, last_time), p)
    verified = False
    if public_key is not None and kid == key_id:
        message = checkpoint_message(journal_id, sequence, attested, signed_at, kid)
        from cryptography.exceptions import InvalidSignature
        try:
            public_key.verify(signature, message)
        except InvalidSignature:
            raise Failure("bad_signature", "checkpoint signature does not verify with the given key", p)
        verified = True
    return chain, sequence, signed_at, verified


# ---- Section 5.1: unsealed tail versus damage ------------------------------------

def _data_walk_end(f, size, m, shape=V1_SHAPE):
    """The structure walk of rule 2 (a) for a data frame at m (its magic is
    known), in the journal's shape: the offset just after its end mark if the
    frame passes the structure checks of step 3.1, else None.  The caller
    checks the seal prefix that must follow."""
    try:
        s, _, _ = _data_structure(f, size, m, shape)
    except Failure:
        return None
    return s


def _structural_link_end(f, size, p, shape=V1_SHAPE):
    """Rule 2 (a): the end of the link frame that the structure of the unit at
    p leads to, or None: a data frame passing the structure checks (in the
    journal's shape) followed by the 12-byte seal prefix (the seal's end), or
    the 12-byte checkpoint prefix at p (the checkpoint's end).  The caller
    checks that it ends before EOF."""
    head = _pread(f, p, 12)
    if head[:4] == LZ4_MAGIC_BYTES:
        s = _data_walk_end(f, size, p, shape)
        if s is not None and _pread(f, s, 12) == SEAL_PREFIX:
            return s + SEAL_LEN
        return None
    if head == CKPT_PREFIX:
        return p + CKPT_LEN
    return None


def _backward_find(f, lo, hi, needle, chunk_size=1 << 20):
    """Offsets c with lo <= c < hi where `needle` starts (it may extend past
    hi), nearest hi first."""
    n = len(needle)
    end = hi
    while end > lo:
        start = max(lo, end - chunk_size)
        buf = _pread(f, start, end - start + n - 1)
        k = end - start
        while True:
            j = buf.rfind(needle, 0, k + n - 1)  # occurrences starting before k
            if j < 0:
                break
            yield start + j
            k = j
        end = start


def _backward_links(f, size, lo, chunk_size=1 << 20):
    """Offsets c >= lo of well-formed link frame prefixes whose whole frame
    lies in the file, nearest the end of the file first; yields (c, prefix)."""
    # candidate starts are < size - 72 + 1 (a seal is the shortest link)
    for c in _backward_find(f, lo, size - SEAL_LEN + 1, SKIPPABLE_MAGIC_BYTES, chunk_size):
        prefix = _pread(f, c, 12)
        if prefix in LINK_LEN and c + LINK_LEN[prefix] <= size:
            yield c, prefix


class _MagicIndex:
    """Rule 2 (b), seals: the offsets m >= p holding an LZ4 frame magic, each
    with the end of its structure walk, found lazily from the end of the file
    backwards (each magic is walked once), in the journal's shape."""

    def __init__(self, f, size, p, chunk_size, shape=V1_SHAPE):
        self.f, self.size, self.shape = f, size, shape
        self.by_end = {}  # end of the walk (the seal's offset) -> [m, ...]
        self.scan = _backward_find(f, p, size, LZ4_MAGIC_BYTES, chunk_size)
        self.done = False

    def _next(self):
        """Walks the next magic further back; returns (m, walk end) or None
        when every magic at or after p has been walked."""
        if self.done:
            return None
        for m in self.scan:
            end = _data_walk_end(self.f, self.size, m, self.shape)
            if end is not None:
                self.by_end.setdefault(end, []).append(m)
            return m, end
        self.done = True
        return None

    def starts(self, c):
        """Every m >= p whose structure walk ends at c (the seal at c then
        ends exactly at the end of F), those already walked first."""
        for m in list(self.by_end.get(c, ())):
            yield m
        while True:
            nxt = self._next()
            if nxt is None:
                return
            if nxt[1] == c:
                yield nxt[0]


def later_consistent_unit(f, size, p, h=None, chunk_size=1 << 20, shape=V1_SHAPE):
    """Rule 2 (b): searching from the end of the file backwards, the first
    well-formed link frame F that closes a self-consistent unit starting at u,
    p <= u <= offset(F).  h: the chain value after the last unit that verified
    (default: the 32 bytes before p, which it is when p is the end of a
    verified unit or of the header).  shape: the journal's data-frame shape,
    for the structure walks from LZ4 magics.  Returns (u, offset of F,
    "stored" or "h": which `prev` matched) or None."""
    if h is None:
        h = _pread(f, p - 32, 32)
    magics = None
    for c, prefix in _backward_links(f, size, p, chunk_size):
        end = c + LINK_LEN[prefix]
        stored = _pread(f, end - 32, 32)
        if prefix == CKPT_PREFIX:
            candidates = iter((c,))
        else:
            field = _u64(_pread(f, c + 12, 8), 0)
            if magics is None:
                magics = _MagicIndex(f, size, p, chunk_size, shape)
            candidates = magics.starts(c)
            if p <= field <= c:
                candidates = _chain_first(field, candidates)
        for u in candidates:
            before = _pread(f, u - 32, 32)  # h0 when u is the end of the header
            prevs = [h] if before == h else [before, h]
            for prev, digest in zip(prevs, _sha256_ranges(f, prevs, u, end - 32)):
                if digest == stored:
                    return u, c, ("h" if prev == h else "stored")
    return None


def _chain_first(first, rest):
    yield first
    for x in rest:
        if x != first:
            yield x


def classify(f, size, p, h, check, shape=V1_SHAPE):
    """Section 5.1 for a failure `check` in the unit at p (after the header);
    h is the chain value after the last unit that verified; shape is the
    journal's data-frame shape (from its header).  Returns (tail, reason)."""
    if check not in CRASH_CHECKS:
        return False, "damage: the failure was found after the unit's chain matched"
    end = _structural_link_end(f, size, p, shape)
    if end is not None and end < size:
        return False, ("damage: the unit's structure leads to a link frame that ends at %d,"
                       " before the end of the file" % end)
    later = later_consistent_unit(f, size, p, h, shape=shape)
    if later is not None:
        return False, ("damage: the link frame at %d closes a self-consistent unit starting at %d"
                       " (prev = %s)" % (later[1], later[0],
                                         "h" if later[2] == "h" else "the 32 bytes before it"))
    return True, "unsealed or cut tail: bytes from %d on were never acknowledged" % p


# ---- The whole file -----------------------------------------------------------

def _empty_result():
    return {
        "valid": False,
        "formatVersion": None,
        "journalId": None,
        "application": None,
        "dictionaryLength": None,
        "dictionaryId": None,
        "lastSequence": 0,
        "head": None,
        "units": 0,
        "seals": 0,
        "checkpoints": 0,
        "checkpointsVerified": 0,
        "lastSignedSequence": None,
        "failure": None,
        "validEnd": 0,
    }


def _failure_dict(check, message, offset, sequence, tail, unit_start):
    return {"offset": offset, "sequence": sequence, "check": check, "message": message,
            "tail": tail, "unitStart": unit_start}


def _split_records(content):
    return content.split(b"\n")[:-1]


def verify(f, size=None, public_key_bytes=None, want_records=False):
    """Verify the journal in binary file object `f` (seekable).  Returns
    (result dict, exit status).  public_key_bytes: 32 raw Ed25519 bytes or None."""
    if size is None:
        f.seek(0, os.SEEK_END)
        size = f.tell()
    res = _empty_result()
    records = [] if want_records else None
    public_key = None
    key_id = None
    if public_key_bytes is not None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        public_key = Ed25519PublicKey.from_public_bytes(bytes(public_key_bytes))
        key_id = hashlib.sha256(bytes(public_key_bytes)).digest()

    def finish(status):
        if records is not None:
            res["records"] = [base64.b64encode(x).decode("ascii") for x in records]
        return res, status

    try:
        header = _parse_header(f, size)
    except Failure as fail:
        if fail.check == "newer_format_version":
            res["formatVersion"] = _u16(_pread(f, 12, 2), 0)
        res["failure"] = _failure_dict(fail.check, fail.message, fail.offset, 0, False, 0)
        return finish(fail.exit_code)

    res["formatVersion"] = header["version"]
    res["journalId"] = header["journal_id"].hex()
    res["application"] = header["application"]
    shape = header["shape"]
    if shape.dict_id is not None:
        res["dictionaryLength"] = len(shape.dictionary)
        res["dictionaryId"] = shape.dict_id
    h = header["h0"]
    p = header["end"]
    last_seq = 0
    last_time = header["created_at"]
    try:
        while p < size:
            head = _pread(f, p, 12)
            if len(head) < 4:
                raise Failure("unsealed_tail", "the file ends inside a frame magic (%d bytes left)"
                              % len(head), p)
            magic = _u32(head, 0)
            if magic == LZ4_MAGIC:
                end, h, count, last_time, content = _verify_data_unit(f, size, p, h, last_seq, last_time,
                                                                      want_records, shape)
                last_seq += count
                res["seals"] += 1
                if records is not None:
                    records.extend(_split_records(content))
            elif magic == SKIPPABLE_MAGIC:
                if len(head) < 12:
                    raise Failure("unsealed_tail", "the file ends inside a frame's size or tag", p)
                tag = head[8:12]
                if tag == TAG_CHECKPOINT:
                    h, seq, last_time, ok = _verify_checkpoint(
                        f, size, p, h, last_seq, last_time, header["journal_id"], public_key, key_id)
                    end = p + CKPT_LEN
                    res["checkpoints"] += 1
                    if ok:
                        res["checkpointsVerified"] += 1
                        res["lastSignedSequence"] = seq
                elif tag == TAG_SEAL:
                    raise Failure("malformed_frame", "a seal with no data frame before it", p)
                elif tag == TAG_HEADER:
                    raise Failure("malformed_frame", "a second header", p)
                else:
                    raise Failure("malformed_frame", "unknown frame tag %r" % bytes(tag), p)
            elif SKIPPABLE_LOW <= magic <= SKIPPABLE_HIGH:
                raise Failure("malformed_frame", "unknown skippable frame magic 0x%08X" % magic, p)
            else:
                raise Failure("malformed_frame", "unexpected magic 0x%08X" % magic, p)
            res["units"] += 1
            p = end
    except Failure as fail:
        tail, reason = classify(f, size, p, h, fail.check, shape)
        res["failure"] = _failure_dict(fail.check, fail.message + "; " + reason, fail.offset,
                                       last_seq, tail, p)
        res["lastSequence"] = last_seq
        res["head"] = h.hex()
        res["validEnd"] = p
        return finish(fail.exit_code)

    res["valid"] = True
    res["lastSequence"] = last_seq
    res["head"] = h.hex()
    res["validEnd"] = p
    return finish(EXIT_VALID)


def verify_bytes(data, public_key_bytes=None, want_records=False):
    """Convenience wrapper for in-memory journals."""
    return verify(io.BytesIO(data), len(data), public_key_bytes, want_records)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def _usage_result(name, message):
    """A command-line problem (not a verification failure)."""
    res = _empty_result()
    res["error"] = {"name": name, "message": message}
    return res


class _ArgParser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(json.dumps(_usage_result("usage", message)))
        sys.exit(EXIT_USAGE)


def main(argv=None):
    ap = _ArgParser(description="Verify a DMP journal file (format versions 1 and 2).")
    ap.add_argument("journal", help="the .dmpj file")
    ap.add_argument("--public-key", metavar="HEXFILE",
                    help="file holding the 32-byte Ed25519 public key as 64 hex characters")
    ap.add_argument("--records", action="store_true",
                    help="also print every record of the verified units (base64) under \"records\"")
    args = ap.parse_args(argv)

    key = None
    if args.public_key is not None:
        try:
            with open(args.public_key, "r", encoding="ascii") as kf:
                text = kf.read().strip()
            if len(text) != 64:
                raise ValueError("expected 64 hex characters, found %d characters" % len(text))
            key = bytes.fromhex(text)
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
            Ed25519PublicKey.from_public_bytes(key)
        except (OSError, ValueError, UnicodeDecodeError) as e:
            print(json.dumps(_usage_result("usage", "bad public key file: %s" % e)))
            return EXIT_USAGE

    try:
        f = open(args.journal, "rb")
    except FileNotFoundError:
        print(json.dumps(_usage_result("file_not_found", "no such file: %s" % args.journal)))
        return EXIT_USAGE
    except OSError as e:
        print(json.dumps(_usage_result("cannot_open", "cannot open %s: %s" % (args.journal, e))))
        return EXIT_USAGE
    with f:
        size = os.fstat(f.fileno()).st_size
        res, status = verify(f, size, key, args.records)
    print(json.dumps(res))
    return status


if __name__ == "__main__":
    sys.exit(main())
