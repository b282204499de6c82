#!/usr/bin/env python3
"""Independent verifier for DMP journal files (format version 1).

Written from Schemas/journal-format.md alone (no other source).  Standard library
only, plus the `cryptography` package for Ed25519 signature checks (imported only
when a public key is given).

Usage:
    python3 Tools/journal_verify.py JOURNAL [--public-key HEXFILE] [--records]

Prints one JSON object on stdout.  Exit status: 0 valid, 1 verification failed
(an unsealed tail included), 2 usage error, missing file, not a journal, or a
newer format version.

Choices made where the specification is silent or ambiguous (see the report that
came with this file):
  * failure.offset is the offset of the first byte of the frame being checked
    when the check failed (header: 0; data frame: its magic; seal / checkpoint:
    its magic; "seal expected" / truncation: where the missing frame should start).
  * Header checks follow the section 2.1 version rule (magic, tag, formatVersion
    before the v1 size range), so a later version with another header size is
    still reported as a newer version.
  * A failure in the header is never a tail (it is not part of a unit).
  * Tail versus damage compares the start of the failing unit with F.
  * Section 5.1 step 1 additionally requires the final link's unitStart to lie
    in the file: a checkpoint's unitStart must be its own offset, a seal's must
    be at or after the end of the header and before the seal.
  * Errors found while decompressing a block are reported only after the whole
    frame has been parsed (block sizes, block checksums, end mark), following
    the order "parse ..., decompress it, check its content" of section 5.
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

TAG_HEADER = b"DMJH"
TAG_SEAL = b"DMJS"
TAG_CHECKPOINT = b"DMJC"

SEAL_SIZE = 64            # payload bytes
SEAL_LEN = 8 + SEAL_SIZE  # 72
CKPT_SIZE = 188
CKPT_LEN = 8 + CKPT_SIZE  # 196
SEAL_PREFIX = struct.pack("<II", SKIPPABLE_MAGIC, SEAL_SIZE) + TAG_SEAL
CKPT_PREFIX = struct.pack("<II", SKIPPABLE_MAGIC, CKPT_SIZE) + TAG_CHECKPOINT

HEADER_MIN_SIZE = 34
HEADER_MAX_SIZE = 290
MAX_APP_LENGTH = 256
KNOWN_VERSION = 1

GENESIS_PREFIX = b"dmp-journal/v1"
CHECKPOINT_MESSAGE_PREFIX = b"dmp-journal/v1/checkpoint"

LZ4_FLG = 0x78
LZ4_BLOCK_MAX = {0x40: 64 * 1024, 0x50: 256 * 1024, 0x60: 1024 * 1024, 0x70: 4 * 1024 * 1024}
MAX_CONTENT_SIZE = 64 * 1024 * 1024

EXIT_VALID, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

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


def lz4_block_decompress(src, max_size, strict=True):
    """Decompress one independent LZ4 block.

    Sequence: token (high nibble literal length, low nibble match length - 4),
    literal length continuation bytes (255 means "more follow"), literals,
    2-byte little-endian offset, match length continuation bytes.  The last
    sequence holds only literals: the block ends right after them.  Raises
    LZ4BlockError for any malformed input or an output larger than max_size.

    strict: also enforce the end-of-block conditions of the LZ4 block format
    (the last 5 bytes are literals; the last match starts at least 12 bytes
    before the end of the block), which the journal specification does not
    mention; see the report.  The reference decoder rejects such blocks when
    its output buffer is exactly the block's size, and the reference encoder
    never produces them.
    """
    src = bytes(src)
    n = len(src)
    out = bytearray()
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
        if len(out) + lit > max_size:
            raise LZ4BlockError("decompressed block larger than the block maximum size")
        out += src[i:i + lit]
        i += lit
        if i == n:
            # last sequence: literals only
            if strict and last_match_start is not None:
                if lit < 5:
                    raise LZ4BlockError("end-of-block condition: the last sequence holds %d literals,"
                                        " fewer than 5" % lit)
                if last_match_start > len(out) - 12:
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
        if len(out) + mlen > max_size:
            raise LZ4BlockError("decompressed block larger than the block maximum size")
        last_match_start = len(out)
        start = len(out) - offset
        if mlen <= offset:
            out += out[start:start + mlen]
        else:
            # Overlapping copy.  Semantically byte by byte (out[k] = out[k - offset]);
            # copying the already available bytes in growing chunks gives exactly
            # the same result.
            while mlen > 0:
                chunk = out[start:start + min(mlen, len(out) - start)]
                out += chunk
                mlen -= len(chunk)
    return bytes(out)


# --------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------

class Failure(Exception):
    """A failed check.  unit_start is None for header failures."""

    def __init__(self, check, message, offset, unit_start=None, exit_code=EXIT_FAILED):
        super().__init__(message)
        self.check = check
        self.message = message
        self.offset = offset
        self.unit_start = unit_start
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
    f.seek(offset)
    return f.read(n)


class _Reader:
    """Sequential reader with a position; reads past the end are failures."""

    def __init__(self, f, size, pos):
        self.f = f
        self.size = size
        self.pos = pos
        f.seek(pos)

    def available(self):
        return self.size - self.pos

    def read(self, n, frame_offset, unit_start, what):
        if n > self.size - self.pos:
            raise Failure("truncated",
                          "file ends inside %s (needs %d bytes at offset %d, %d present)"
                          % (what, n, self.pos, self.size - self.pos),
                          frame_offset, unit_start)
        b = self.f.read(n)
        if len(b) != n:
            raise Failure("truncated", "file shrank while reading %s" % what,
                          frame_offset, unit_start)
        self.pos += n
        return b


def _parse_header(f, size):
    """Section 5 step 1.  Returns a dict; raises Failure."""
    first = _pread(f, 0, 14)
    magic_bytes = struct.pack("<I", SKIPPABLE_MAGIC)
    if size < 8:
        if first[:4] != magic_bytes[:len(first[:4])]:
            raise Failure("not_a_journal", "the file does not start with the journal magic 0x184D2A5D",
                          0, exit_code=EXIT_USAGE)
        raise Failure("header_truncated", "the file is shorter than 8 bytes", 0)
    if first[:4] != magic_bytes:
        raise Failure("not_a_journal", "the file does not start with the journal magic 0x184D2A5D",
                      0, exit_code=EXIT_USAGE)
    hsize = _u32(first, 4)
    # Version rule (section 2.1): magic, then tag, then formatVersion.
    if hsize < 6:
        raise Failure("header_size", "header payload size %d is outside 34..290" % hsize, 0)
    if size < 14:
        raise Failure("header_truncated", "the file ends inside the header frame", 0)
    if first[8:12] != TAG_HEADER:
        raise Failure("header_tag", "the first frame's tag is %r, not DMJH" % first[8:12], 0)
    version = _u16(first, 12)
    if version > KNOWN_VERSION:
        raise Failure("newer_version",
                      "format version %d is newer than the highest version known (%d)"
                      % (version, KNOWN_VERSION), 0, exit_code=EXIT_USAGE)
    if version == 0:
        raise Failure("bad_version", "format version 0 is invalid", 0)
    if not (HEADER_MIN_SIZE <= hsize <= HEADER_MAX_SIZE):
        raise Failure("header_size", "header payload size %d is outside 34..290" % hsize, 0)
    if 8 + hsize > size:
        raise Failure("header_truncated", "the file ends inside the header frame", 0)
    frame = _pread(f, 0, 8 + hsize)
    if len(frame) != 8 + hsize:
        raise Failure("header_truncated", "the file ends inside the header frame", 0)
    payload = frame[8:]
    hash_alg = payload[6]
    compression = payload[7]
    if hash_alg != 1:
        raise Failure("unsupported_hash", "hashAlgorithm %d is not supported" % hash_alg, 0)
    if compression != 1:
        raise Failure("unsupported_compression", "compression %d is not supported" % compression, 0)
    journal_id = payload[8:24]
    created_at = _i64(payload, 24)
    app_length = _u16(payload, 32)
    if 34 + app_length != hsize:
        raise Failure("app_length",
                      "appLength %d does not match the header size %d" % (app_length, hsize), 0)
    try:
        application = payload[34:34 + app_length].decode("utf-8")
    except UnicodeDecodeError:
        raise Failure("application_utf8", "application is not valid UTF-8", 0)
    h0 = hashlib.sha256(GENESIS_PREFIX + frame).digest()
    return {
        "version": version,
        "journal_id": journal_id,
        "created_at": created_at,
        "application": application,
        "end": 8 + hsize,
        "h0": h0,
    }


# ---- Section 5.1: final unit start -----------------------------------------

def _link_at(f, size, offset, header_end):
    """The link frames at `offset` that are well-formed by magic, size and tag
    (a list of 0, 1 or, for forged bytes, 2 entries), each as
    (kind, length, last_sequence, first_sequence, unit_start)."""
    out = []
    for kind, prefix, length in (("seal", SEAL_PREFIX, SEAL_LEN), ("checkpoint", CKPT_PREFIX, CKPT_LEN)):
        if offset < header_end or offset < 0 or offset + length > size:
            continue
        b = _pread(f, offset, length)
        if len(b) != length or b[:12] != prefix:
            continue
        unit_start = _u64(b, 12)
        if kind == "seal":
            first = _u64(b, 20)
            count = _u32(b, 28)
            out.append((kind, length, first + count - 1, first, unit_start))
        else:
            seq = _u64(b, 20)
            out.append((kind, length, seq, None, unit_start))
    return out


def _final_link(f, size, header_end):
    """Section 5.1 step 1: a well-formed seal in the last 72 bytes, else a
    well-formed checkpoint in the last 196 bytes."""
    for prefix, length in ((SEAL_PREFIX, SEAL_LEN), (CKPT_PREFIX, CKPT_LEN)):
        start = size - length
        if start < header_end:
            continue
        for link in _link_at(f, size, start, header_end):
            if link[1] == length:
                return start, link
    return None


def _backward_search(f, size, header_end, chunk_size=1 << 20):
    """Section 5.1 step 2: the end of the well-formed link frame prefix nearest
    the end of the file whose frame lies in the file, starts at or after the
    end of the header and ends before the end of the file; None if none."""
    # A candidate starting at c is acceptable if c >= header_end and c + len < size.
    hi = size - 1 - SEAL_LEN + 12  # no prefix may end later than this (seal is the shorter frame)
    lo_limit = header_end
    if hi - lo_limit < 12:
        return None
    end = hi
    while end - lo_limit >= 12:
        start = max(lo_limit, end - chunk_size)
        buf = _pread(f, start, end - start)
        best = None
        for prefix, length in ((SEAL_PREFIX, SEAL_LEN), (CKPT_PREFIX, CKPT_LEN)):
            pos = len(buf)
            while True:
                k = buf.rfind(prefix, 0, pos)
                if k < 0:
                    break
                c = start + k
                if c + length < size:
                    if best is None or c > best[0]:
                        best = (c, length)
                    break
                pos = k + 11  # look further back (allow overlaps)
                if pos <= 0:
                    break
        if best is not None:
            return best[0] + best[1]
        if start == lo_limit:
            break
        end = start + 11  # overlap so that a prefix spanning the cut is seen
    return None


def final_unit_start(f, size, header_end):
    """F of section 5.1."""
    header_end = max(0, min(header_end, size))
    final = _final_link(f, size, header_end)
    if final is not None:
        link_start, (kind, _length, last_seq, first_seq, u) = final
        if kind == "seal":
            in_range = header_end <= u < link_start
            wanted_prev = first_seq - 1
        else:
            in_range = u == link_start
            wanted_prev = last_seq
        plausible = False
        if in_range:
            if u == header_end:
                plausible = (kind == "seal" and first_seq == 1) or (kind == "checkpoint" and last_seq == 0)
            else:
                for plen in (SEAL_LEN, CKPT_LEN):
                    for link in _link_at(f, size, u - plen, header_end):
                        if link[1] == plen and link[2] == wanted_prev:
                            plausible = True
        if plausible:
            return u
    found = _backward_search(f, size, header_end)
    return header_end if found is None else found


# ---- Forward pass ------------------------------------------------------------

def _verify_data_unit(r, p, h, last_seq, last_time, want_records):
    """One data frame and its seal (section 5 step 3, first case).
    Returns (chain, count, committed_at, records or None)."""
    hasher = hashlib.sha256(h)

    def take(n, what):
        b = r.read(n, p, p, what)
        hasher.update(b)
        return b

    hasher.update(struct.pack("<I", LZ4_MAGIC))  # read by the caller
    flg = take(1, "the data frame descriptor")[0]
    if flg != LZ4_FLG:
        raise Failure("lz4_flg", "data frame FLG is 0x%02X, expected 0x78" % flg, p, p)
    bd = take(1, "the data frame descriptor")[0]
    if bd not in LZ4_BLOCK_MAX:
        raise Failure("lz4_bd", "data frame BD is 0x%02X, expected 0x40, 0x50, 0x60 or 0x70" % bd, p, p)
    block_max = LZ4_BLOCK_MAX[bd]
    cs_bytes = take(8, "the data frame content size")
    content_size = _u64(cs_bytes, 0)
    if not (1 <= content_size <= MAX_CONTENT_SIZE):
        raise Failure("content_size", "data frame content size %d is outside 1..67108864" % content_size, p, p)
    hc = take(1, "the data frame header checksum")[0]
    expected_hc = (xxh32(bytes([flg, bd]) + cs_bytes) >> 8) & 0xFF
    if hc != expected_hc:
        raise Failure("header_checksum",
                      "data frame header checksum is 0x%02X, expected 0x%02X" % (hc, expected_hc), p, p)

    total = 0
    newlines = 0
    last_byte = None
    decompress_error = None
    records = [] if want_records else None
    partial = bytearray()
    block_index = 0
    while True:
        block_off = r.pos
        bsize = _u32(take(4, "a data block size"), 0)
        if bsize == 0:
            break  # end mark
        stored = bool(bsize & 0x80000000)
        length = bsize & 0x7FFFFFFF
        if not (1 <= length <= block_max):
            raise Failure("block_size",
                          "block %d at offset %d has length %d, outside 1..%d"
                          % (block_index, block_off, length, block_max), p, p)
        if length + 4 > r.available():
            raise Failure("truncated",
                          "block %d at offset %d (%d bytes and checksum) runs past the end of the file"
                          % (block_index, block_off, length), p, p)
        data = take(length, "a data block")
        checksum = _u32(take(4, "a block checksum"), 0)
        if checksum != xxh32(data):
            raise Failure("block_checksum",
                          "block %d at offset %d has a wrong XXH32 checksum" % (block_index, block_off), p, p)
        if decompress_error is None:
            if stored:
                plain = data
            else:
                try:
                    plain = lz4_block_decompress(data, block_max)
                except LZ4BlockError as e:
                    decompress_error = "block %d at offset %d: %s" % (block_index, block_off, e)
                    plain = None
            if plain is not None:
                total += len(plain)
                if total > content_size:
                    decompress_error = ("decompressed content is larger than the content size %d"
                                        % content_size)
                elif plain:
                    newlines += plain.count(b"\n")
                    last_byte = plain[-1]
                    if records is not None:
                        parts = plain.split(b"\n")
                        if len(parts) == 1:
                            partial += parts[0]
                        else:
                            records.append(bytes(partial + parts[0]))
                            records.extend(parts[1:-1])
                            partial = bytearray(parts[-1])
        block_index += 1

    if decompress_error is not None:
        if decompress_error.startswith("decompressed content is larger"):
            raise Failure("content_size_mismatch", decompress_error, p, p)
        raise Failure("decompress", "LZ4 " + decompress_error, p, p)
    if total != content_size:
        raise Failure("content_size_mismatch",
                      "decompressed content is %d bytes, content size says %d" % (total, content_size), p, p)
    if last_byte != 0x0A:
        raise Failure("final_newline", "decompressed content does not end with 0x0A", p, p)

    # The seal must follow immediately.
    s = r.pos
    if r.available() == 0:
        raise Failure("truncated", "the file ends after a data frame with no seal", s, p)
    magic = _u32(r.read(4, s, p, "the seal"), 0)
    if magic != SKIPPABLE_MAGIC:
        raise Failure("seal_expected", "a seal must follow the data frame; found magic 0x%08X" % magic, s, p)
    ssize = _u32(r.read(4, s, p, "the seal"), 0)
    if ssize != SEAL_SIZE:
        raise Failure("seal_expected",
                      "a seal must follow the data frame; found a skippable frame of size %d" % ssize, s, p)
    tag = r.read(4, s, p, "the seal")
    if tag != TAG_SEAL:
        raise Failure("seal_expected", "a seal must follow the data frame; found tag %r" % tag, s, p)
    rest = r.read(SEAL_LEN - 12, s, p, "the seal")
    seal = struct.pack("<II", magic, ssize) + tag + rest
    hasher.update(seal[:SEAL_LEN - 32])
    unit_start = _u64(seal, 12)
    first_seq = _u64(seal, 20)
    count = _u32(seal, 28)
    committed_at = _i64(seal, 32)
    chain = seal[40:72]
    if unit_start != p:
        raise Failure("unit_start", "seal unitStart is %d, the data frame starts at %d" % (unit_start, p), s, p)
    if first_seq != last_seq + 1:
        raise Failure("first_sequence",
                      "seal firstSequence is %d, expected %d" % (first_seq, last_seq + 1), s, p)
    if count != newlines:
        raise Failure("count", "seal count is %d, the data frame holds %d records" % (count, newlines), s, p)
    if committed_at < last_time:
        raise Failure("time_order",
                      "seal committedAt %d is before the previous time %d" % (committed_at, last_time), s, p)
    computed = hasher.digest()
    if chain != computed:
        raise Failure("chain", "seal chain value does not match the computed chain", s, p)
    return computed, count, committed_at, records


def _verify_checkpoint(r, p, h, last_seq, last_time, journal_id, public_key, key_id):
    """A checkpoint unit (section 5 step 3, second case); the magic, size and
    tag have been read and checked by the caller.  Returns (chain, sequence,
    signed_at, verified)."""
    rest = r.read(CKPT_LEN - 12, p, p, "the checkpoint")
    frame = CKPT_PREFIX + rest
    unit_start = _u64(frame, 12)
    sequence = _u64(frame, 20)
    attested = frame[28:60]
    signed_at = _i64(frame, 60)
    kid = frame[68:100]
    signature = frame[100:164]
    chain = frame[164:196]
    if unit_start != p:
        raise Failure("unit_start", "checkpoint unitStart is %d, the checkpoint starts at %d" % (unit_start, p), p, p)
    if sequence != last_seq:
        raise Failure("sequence", "checkpoint sequence is %d, expected %d" % (sequence, last_seq), p, p)
    if attested != h:
        raise Failure("attested", "checkpoint attested value is not the chain value before it", p, p)
    if signed_at < last_time:
        raise Failure("time_order",
                      "checkpoint signedAt %d is before the previous time %d" % (signed_at, last_time), p, p)
    computed = hashlib.sha256(h + frame[:CKPT_LEN - 32]).digest()
    if chain != computed:
        raise Failure("chain", "checkpoint chain value does not match the computed chain", p, p)
    verified = False
    if public_key is not None and kid == key_id:
        message = (CHECKPOINT_MESSAGE_PREFIX + journal_id + struct.pack("<Q", sequence) + attested
                   + struct.pack("<q", signed_at) + kid)
        from cryptography.exceptions import InvalidSignature
        try:
            public_key.verify(signature, message)
        except InvalidSignature:
            raise Failure("bad_signature", "checkpoint signature does not verify with the given key", p, p)
        verified = True
    return computed, sequence, signed_at, verified


def _empty_result():
    return {
        "valid": False,
        "formatVersion": None,
        "journalId": None,
        "application": None,
        "lastSequence": 0,
        "head": None,
        "units": 0,
        "seals": 0,
        "checkpoints": 0,
        "checkpointsVerified": 0,
        "lastSignedSequence": None,
        "failure": None,
        "finalUnitStart": 0,
    }


def _failure_dict(fail, sequence, tail):
    return {"offset": fail.offset, "sequence": sequence, "check": fail.check,
            "message": fail.message, "tail": tail}


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

    # Header.
    try:
        header = _parse_header(f, size)
    except Failure as fail:
        # F is computed anyway, with the header size field when it can be read.
        head8 = _pread(f, 0, 8)
        if len(head8) == 8 and _u32(head8, 0) == SKIPPABLE_MAGIC:
            header_end = min(size, 8 + _u32(head8, 4))
        else:
            header_end = min(size, 8)
        res["finalUnitStart"] = final_unit_start(f, size, header_end)
        if fail.check == "newer_version":
            res["formatVersion"] = _u16(_pread(f, 12, 2), 0)
        res["failure"] = _failure_dict(fail, 0, False)
        if records is not None:
            res["records"] = []
        return res, fail.exit_code

    res["formatVersion"] = header["version"]
    res["journalId"] = header["journal_id"].hex()
    res["application"] = header["application"]
    F = final_unit_start(f, size, header["end"])
    res["finalUnitStart"] = F

    h = header["h0"]
    p = header["end"]
    last_seq = 0
    last_time = header["created_at"]
    r = _Reader(f, size, p)
    try:
        while p < size:
            magic = _u32(r.read(4, p, p, "a frame magic"), 0)
            if magic == LZ4_MAGIC:
                h, count, last_time, recs = _verify_data_unit(r, p, h, last_seq, last_time, want_records)
                last_seq += count
                res["seals"] += 1
                if records is not None:
                    records.extend(recs)
            elif magic == SKIPPABLE_MAGIC:
                fsize = _u32(r.read(4, p, p, "a frame size"), 0)
                if fsize < 4:
                    raise Failure("malformed_frame",
                                  "skippable frame of size %d has no tag" % fsize, p, p)
                tag = r.read(4, p, p, "a frame tag")
                if tag == TAG_CHECKPOINT:
                    if fsize != CKPT_SIZE:
                        raise Failure("malformed_frame",
                                      "checkpoint frame has size %d, expected 188" % fsize, p, p)
                    h, seq, last_time, ok = _verify_checkpoint(
                        r, p, h, last_seq, last_time, header["journal_id"], public_key, key_id)
                    res["checkpoints"] += 1
                    if ok:
                        res["checkpointsVerified"] += 1
                        res["lastSignedSequence"] = seq
                elif tag == TAG_SEAL:
                    raise Failure("malformed_frame", "a seal with no data frame before it", p, p)
                elif tag == TAG_HEADER:
                    raise Failure("malformed_frame", "a second header", p, p)
                else:
                    raise Failure("unknown_frame", "unknown frame tag %r" % tag, p, p)
            elif SKIPPABLE_LOW <= magic <= SKIPPABLE_HIGH:
                raise Failure("unknown_frame", "unknown skippable frame magic 0x%08X" % magic, p, p)
            else:
                raise Failure("malformed_frame", "unexpected magic 0x%08X" % magic, p, p)
            res["units"] += 1
            p = r.pos
    except Failure as fail:
        tail = fail.unit_start is not None and fail.unit_start >= F
        res["failure"] = _failure_dict(fail, last_seq, tail)
        res["lastSequence"] = last_seq
        res["head"] = h.hex()
        if records is not None:
            res["records"] = [base64.b64encode(x).decode("ascii") for x in records]
        return res, fail.exit_code

    res["valid"] = True
    res["lastSequence"] = last_seq
    res["head"] = h.hex()
    if records is not None:
        res["records"] = [base64.b64encode(x).decode("ascii") for x in records]
    return res, EXIT_VALID


def verify_bytes(data, public_key_bytes=None, want_records=False):
    """Convenience wrapper for in-memory journals."""
    return verify(io.BytesIO(data), len(data), public_key_bytes, want_records)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def _usage_result(check, message):
    res = _empty_result()
    res["failure"] = {"offset": 0, "sequence": 0, "check": check, "message": message, "tail": False}
    return res


class _ArgParser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(json.dumps(_usage_result("usage", message)))
        sys.exit(EXIT_USAGE)


def main(argv=None):
    ap = _ArgParser(description="Verify a DMP journal file (format version 1).")
    ap.add_argument("journal", help="the .dmpj file")
    ap.add_argument("--public-key", metavar="HEXFILE",
                    help="file holding the 32-byte Ed25519 public key as 64 hex characters")
    ap.add_argument("--records", action="store_true",
                    help="also print every record (base64) under \"records\"")
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
        print(json.dumps(_usage_result("missing_file", "no such file: %s" % args.journal)))
        return EXIT_USAGE
    except OSError as e:
        print(json.dumps(_usage_result("missing_file", "cannot open %s: %s" % (args.journal, e))))
        return EXIT_USAGE
    with f:
        size = os.fstat(f.fileno()).st_size
        res, status = verify(f, size, key, args.records)
    print(json.dumps(res))
    return status


if __name__ == "__main__":
    sys.exit(main())
