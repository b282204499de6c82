"""Self-tests for journal_verify.py.

Run:  python3 -m unittest discover -s Tools -p 'test_*.py'

The journals used here are built by a tiny writer in this file, written from
Schemas/journal-format.md (uncompressed LZ4 blocks with bit 31 set, hand-made
compressed blocks, and frames made by the stock `lz4` tool when it is installed),
in format version 1 and, given a dictionary, version 2.
"""

import base64
import hashlib
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import journal_verify as jv  # noqa: E402

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

SCRIPT = os.path.join(HERE, "journal_verify.py")

SKIP = struct.pack("<I", 0x184D2A5D)
LZ4M = struct.pack("<I", 0x184D2204)
T0 = 1_700_000_000_000
HAVE_LZ4 = shutil.which("lz4") is not None


# --------------------------------------------------------------------------
# A tiny writer, from the specification
# --------------------------------------------------------------------------

def stored(data):
    """An uncompressed block (bit 31 set)."""
    return (True, bytes(data))


def compressed(data):
    """A hand-made compressed LZ4 block (raw block bytes)."""
    return (False, bytes(data))


def dict_id_of(dictionary):
    """Section 3.1: the first 4 bytes of SHA256(dictionary), little-endian."""
    return struct.unpack("<I", hashlib.sha256(dictionary).digest()[:4])[0]


def lz4_frame(content_size, blocks, bd=0x40, flg=0x68, block_checksums=False, dict_id=None):
    """A data frame; with dict_id, the 19-byte descriptor of version 2 (pass
    flg=0x69 for the required shape)."""
    desc = bytes([flg, bd]) + struct.pack("<Q", content_size)
    if dict_id is not None:
        desc += struct.pack("<I", dict_id)
    out = bytearray(LZ4M + desc + bytes([(jv.xxh32(desc) >> 8) & 0xFF]))
    for is_stored, data in blocks:
        out += struct.pack("<I", len(data) | (0x80000000 if is_stored else 0))
        out += data
        if block_checksums:
            out += struct.pack("<I", jv.xxh32(data))
    out += b"\0\0\0\0"
    return bytes(out)


def raw_public(key):
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def header_frame(app=b"dmp-events/1", created_at=T0, journal_id=bytes(range(16)), version=None,
                 hash_algorithm=1, compression=None, app_length=None, size=None, genesis=None,
                 dictionary=None, dict_length=None):
    """A header frame; the genesis value is computed unless given.  With a
    dictionary: the version 2 layout (dictLength, dictionary before the
    genesis), version 2 and compression 2 unless given; else version 1 and
    compression 1 unless given."""
    if version is None:
        version = 1 if dictionary is None else 2
    if compression is None:
        compression = 1 if dictionary is None else 2
    payload = (b"DMJH" + struct.pack("<HBB", version, hash_algorithm, compression) + journal_id
               + struct.pack("<qH", created_at, len(app) if app_length is None else app_length) + app)
    if dictionary is not None:
        payload += struct.pack("<I", len(dictionary) if dict_length is None else dict_length) + dictionary
    body = SKIP + struct.pack("<I", len(payload) + 32 if size is None else size) + payload
    h0 = hashlib.sha256(b"dmp-journal/v1" + body).digest()
    return body + (h0 if genesis is None else genesis)


class Writer:
    """Format version 1, or version 2 when given a dictionary: its data frames
    then have FLG 0x69 and the dictionary's id (section 3.1)."""

    def __init__(self, app=b"dmp-events/1", created_at=T0, journal_id=None, dictionary=None, **header_args):
        self.journal_id = journal_id or bytes(range(16))
        self.dictionary = dictionary
        self.dict_id = None if dictionary is None else dict_id_of(dictionary)
        self.buf = bytearray(header_frame(app, created_at, self.journal_id, dictionary=dictionary,
                                          **header_args))
        self.h = bytes(self.buf[-32:])
        self.header_end = len(self.buf)
        self.seq = 0
        self.time = created_at
        self.units = []  # (start, end, kind, last sequence after the unit)
        self.records = []

    def raw_unit(self, frame, nrecords, committed_at=None, first_sequence=None, count=None,
                 unit_start=None):
        """Append an arbitrary data frame and a seal chained over it."""
        start = len(self.buf)
        self.time = self.time + 1000 if committed_at is None else committed_at
        seal = (SKIP + struct.pack("<I", 64) + b"DMJS"
                + struct.pack("<QQIq", start if unit_start is None else unit_start,
                              self.seq + 1 if first_sequence is None else first_sequence,
                              nrecords if count is None else count, self.time))
        chain = hashlib.sha256(self.h + frame + seal).digest()
        self.buf += frame + seal + chain
        self.h = chain
        self.seq += nrecords
        self.units.append((start, len(self.buf), "seal", self.seq))
        return self

    def unit(self, records, blocks=None, bd=0x40, flg=None, content_size=None, dict_id="journal",
             **seal_args):
        """Append a data frame with `records` and its seal.  `blocks` (list of
        (stored, bytes)) must decompress to the records; default: one stored block.
        flg and dict_id default to the journal's shape (0x68 and no id in version
        1, 0x69 and the dictionary's id in version 2)."""
        content = b"".join(r + b"\n" for r in records)
        if blocks is None:
            blocks = [stored(content)]
        if flg is None:
            flg = 0x68 if self.dictionary is None else 0x69
        if dict_id == "journal":
            dict_id = self.dict_id
        frame = lz4_frame(len(content) if content_size is None else content_size, blocks, bd, flg,
                          dict_id=dict_id)
        self.records.extend(records)
        return self.raw_unit(frame, len(records), **seal_args)

    def checkpoint(self, key, signed_at=None, key_id=None, bad_signature=False, sequence=None,
                   attested=None, unit_start=None):
        start = len(self.buf)
        self.time = self.time + 1000 if signed_at is None else signed_at
        kid = key_id if key_id is not None else hashlib.sha256(raw_public(key)).digest()
        seq = self.seq if sequence is None else sequence
        att = self.h if attested is None else attested
        msg = (b"dmp-journal/v1/checkpoint" + self.journal_id + struct.pack("<Q", seq)
               + att + struct.pack("<q", self.time) + kid)
        assert len(msg) == 121
        sig = bytearray(key.sign(msg))
        if bad_signature:
            sig[10] ^= 0x01
        body = (SKIP + struct.pack("<I", 188) + b"DMJC"
                + struct.pack("<QQ", start if unit_start is None else unit_start, seq)
                + att + struct.pack("<q", self.time) + kid + bytes(sig))
        assert len(body) == 196 - 32
        chain = hashlib.sha256(self.h + body).digest()
        self.buf += body + chain
        self.h = chain
        self.units.append((start, len(self.buf), "checkpoint", self.seq))
        return self

    def bytes(self):
        return bytes(self.buf)


# Hand-made compressed blocks -------------------------------------------------

# "hello hello hello world!\n": literals "hello ", match offset 6 length 12
# (overlapping copy), then the last sequence with literals "world!\n".
HELLO_BLOCK = bytes([0x68]) + b"hello " + b"\x06\x00" + bytes([0x70]) + b"world!\n"
HELLO_CONTENT = b"hello hello hello world!\n"

# 300 'x' then "\n": literal "x", match offset 1 length 295 (295-4 = 291 =
# 15 + 255 + 21: match length continuation), last literals "xxxx\n" (the LZ4
# end-of-block conditions: at least 5 final literals, last match starting at
# least 12 bytes before the end).
XRUN_BLOCK = bytes([0x1F]) + b"x" + b"\x01\x00" + bytes([255, 21]) + bytes([0x50]) + b"xxxx\n"
XRUN_CONTENT = b"x" * 300 + b"\n"

# 300 literal bytes (15 + 255 + 30: literal length continuation).
LONGLIT_DATA = bytes((i * 7 + 1) % 256 for i in range(300)).replace(b"\n", b"-")
LONGLIT_BLOCK = bytes([0xF0, 255, 30]) + LONGLIT_DATA


# Well-formed except for the LZ4 end-of-block condition (4 final literals).
SHORT_TAIL_BLOCK = bytes([0x26]) + b"ab\x02\x00" + bytes([0x40]) + b"abc\n"
SHORT_TAIL_CONTENT = b"ab" * 7 + b"c\n"

# An LZ4 frame magic as record text (no 0x0A).
LZM_TEXT = LZ4M + b"\x68"


def build_small(key):
    """A small journal (< 2 KiB): header, three data units (stored blocks,
    hand-made compressed blocks, a record split across two stored blocks),
    two signed checkpoints; it ends with a checkpoint after a seal."""
    w = Writer()
    w.unit([b'{"e":1}', b"", b"alpha"])
    w.unit([b"hello hello hello world!", b"x" * 300],
           blocks=[compressed(HELLO_BLOCK), compressed(XRUN_BLOCK)])
    w.checkpoint(key)
    w.unit([b"split-record", b"last"], blocks=[stored(b"split-"), stored(b"record\nlast\n")])
    w.checkpoint(key)
    return w


def build_small_data_end(key):
    """A small journal that ends with a data unit after a checkpoint."""
    w = Writer(app=b"")
    w.unit([b"one", b"two"])
    w.checkpoint(key)
    w.unit([b"hello hello hello world!"], blocks=[compressed(HELLO_BLOCK)])
    w.checkpoint(key)
    w.unit([b"three", b"four", b"five"], blocks=[stored(b"three\nfo"), stored(b"ur\nfive\n")])
    return w


def build_seal_seal(key):
    """A small journal whose last two units are data units."""
    return Writer().unit([b"a" * 20]).checkpoint(key).unit([b"b"]).unit([b"c", b"d"])


def flip(data, pos, bit):
    b = bytearray(data)
    b[pos] ^= 1 << bit
    return bytes(b)


def run_cli(*args):
    p = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, timeout=60)
    return p.returncode, json.loads(p.stdout)


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.key = Ed25519PrivateKey.generate()
        cls.pub = raw_public(cls.key)
        cls.other = Ed25519PrivateKey.generate()
        cls.w = build_small(cls.key)
        cls.data = cls.w.bytes()
        cls.tmp = tempfile.mkdtemp(prefix="jv-test-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def keyfile(self, raw, name="key.hex"):
        return self.write(name, ("  " + raw.hex() + "\n").encode())

    def check_fail(self, data, check, tail=None, key=None, status=1, unit_start=None):
        res, st = jv.verify_bytes(data, self.pub if key is None else key)
        self.assertFalse(res["valid"], res)
        self.assertEqual((st, res["failure"]["check"]), (status, check), res)
        if tail is not None:
            self.assertEqual(res["failure"]["tail"], tail, res)
        if unit_start is not None:
            self.assertEqual(res["failure"]["unitStart"], unit_start, res)
            self.assertEqual(res["validEnd"], unit_start, res)
        return res

    def every_header_flip_detected(self, data, check_status=False):
        """Every flipped bit of a header-only journal is a damaged header (or not a journal, or a
        newer version where the version bytes are), never a tail."""
        for pos in range(len(data)):
            for bit in range(8):
                res, status = jv.verify_bytes(flip(data, pos, bit))
                self.assertFalse(res["valid"], (pos, bit))
                if check_status:
                    self.assertIn(status, (1, 2), (pos, bit))
                self.assertFalse(res["failure"]["tail"])
                check = res["failure"]["check"]
                if pos < 4 or 8 <= pos < 12:
                    self.assertEqual(check, "not_a_journal")
                elif pos in (12, 13):
                    self.assertIn(check, ("newer_format_version", "malformed_header"))
                else:
                    self.assertEqual(check, "malformed_header", (pos, bit))


# --------------------------------------------------------------------------
# Primitives
# --------------------------------------------------------------------------

class TestPrimitives(unittest.TestCase):
    def test_xxh32_vectors(self):
        self.assertEqual(jv.xxh32(b""), 0x02CC5D05)
        self.assertEqual(jv.xxh32(b"a"), 0x550D7456)
        self.assertEqual(jv.xxh32(b"abc"), 0x32D153FF)
        self.assertEqual(jv.xxh32(b"Nobody inspects the spammish repetition"), 0xE2293B2F)
        self.assertEqual(jv.xxh32(b"", 1), 0x0B2CB792)

    def test_lz4_hand_made(self):
        self.assertEqual(jv.lz4_block_decompress(HELLO_BLOCK, 65536), HELLO_CONTENT)
        self.assertEqual(jv.lz4_block_decompress(XRUN_BLOCK, 65536), XRUN_CONTENT)
        self.assertEqual(jv.lz4_block_decompress(LONGLIT_BLOCK, 65536), LONGLIT_DATA)
        # offset 2 overlapping copy: "ab" then 10 more, then "abcde"
        self.assertEqual(jv.lz4_block_decompress(bytes([0x26]) + b"ab\x02\x00" + bytes([0x50]) + b"abcde",
                                                 100), b"ab" * 6 + b"abcde")

    def test_lz4_end_of_block_conditions(self):
        short_tail = bytes([0x26]) + b"ab\x02\x00" + bytes([0x40]) + b"abcd"   # 4 final literals
        late_match = bytes([0x80]) + b"abcdefgh" + b"\x08\x00" + bytes([0x50]) + b"vwxyz"
        # late_match: the match starts at 8, the block is 8 + 4 + 5 = 17 bytes: 17 - 8 < 12
        for blk in (short_tail, late_match):
            with self.assertRaises(jv.LZ4BlockError):
                jv.lz4_block_decompress(blk, 1000)
            jv.lz4_block_decompress(blk, 1000, strict=False)  # well-formed otherwise

    def test_lz4_errors(self):
        bad = [
            b"",                                    # no token
            bytes([0x50]) + b"abc",                 # literals past the end
            bytes([0x11]) + b"a\x00\x00\x00",       # offset 0
            bytes([0x11]) + b"a\x02\x00\x00",       # offset before start
            bytes([0x11]) + b"a\x01",               # cut offset
            bytes([0xF0]) + b"\xff",                # cut literal length
            bytes([0x1F]) + b"a\x01\x00\xff",       # cut match length
        ]
        for b in bad:
            with self.assertRaises(jv.LZ4BlockError, msg=b.hex()):
                jv.lz4_block_decompress(b, 1000)
        with self.assertRaises(jv.LZ4BlockError):
            jv.lz4_block_decompress(XRUN_BLOCK, 100)  # larger than the maximum


class TestBackwardSearch(unittest.TestCase):
    def brute_links(self, data, lo):
        out = []
        for c in range(len(data) - 1, lo - 1, -1):
            for prefix, length in ((jv.SEAL_PREFIX, 72), (jv.CKPT_PREFIX, 196)):
                if data[c:c + 12] == prefix and c + length <= len(data):
                    out.append((c, prefix))
        return out

    def test_link_scan_against_brute_force(self):
        rng = random.Random(7)
        for trial in range(300):
            parts = []
            for _ in range(rng.randint(0, 6)):
                parts.append(bytes(rng.randrange(256) for _ in range(rng.randint(0, 120))))
                parts.append(rng.choice([jv.SEAL_PREFIX, jv.CKPT_PREFIX, jv.SEAL_PREFIX[:7]]))
            parts.append(bytes(rng.randrange(256) for _ in range(rng.randint(0, 250))))
            data = b"".join(parts)
            lo = rng.randint(0, 40)
            for chunk in (13, 20, 64, 1 << 20):
                got = list(jv._backward_links(io.BytesIO(data), len(data), lo, chunk_size=chunk))
                self.assertEqual(got, self.brute_links(data, lo), (trial, chunk))

    def test_consistent_unit_chunking(self):
        key = Ed25519PrivateKey.generate()
        w = build_small(key)
        data = w.bytes()
        for p in (w.header_end, w.units[2][0], w.units[-1][0], w.units[-1][0] + 1):
            expected = jv.later_consistent_unit(io.BytesIO(data), len(data), p)
            for chunk in (13, 50, 200):
                self.assertEqual(jv.later_consistent_unit(io.BytesIO(data), len(data), p, chunk_size=chunk),
                                 expected)
        f = io.BytesIO(data)
        self.assertEqual(jv.later_consistent_unit(f, len(data), w.header_end),
                         (w.units[-1][0], w.units[-1][0], "stored"))
        self.assertIsNone(jv.later_consistent_unit(f, len(data), w.units[-1][0] + 1))

    def test_magic_index_against_brute_force(self):
        # Rule 2 (b): every LZ4 magic at or after p, each with the end of its
        # structure walk; starts(c) yields exactly the magics whose walk ends at c.
        rng = random.Random(11)
        frames = [lz4_frame(2, [stored(b"a\n")]), lz4_frame(300, [stored(b"x" * 150), stored(b"y" * 150)]),
                  lz4_frame(5, [stored(b"\x04\x22\x4d\x18\n")]), LZ4M + b"\x68\x40", LZ4M]
        for trial in range(200):
            parts = []
            for _ in range(rng.randint(0, 6)):
                parts.append(bytes(rng.randrange(256) for _ in range(rng.randint(0, 60))))
                parts.append(rng.choice(frames))
            parts.append(bytes(rng.randrange(256) for _ in range(rng.randint(0, 60))))
            data = b"".join(parts)
            lo = rng.randint(0, 30)
            f = io.BytesIO(data)
            walks = {}
            for m in range(lo, len(data)):
                if data[m:m + 4] == LZ4M:
                    walks[m] = jv._data_walk_end(f, len(data), m)
            ends = set(e for e in walks.values() if e is not None)
            for chunk in (7, 50, 1 << 20):
                index = jv._MagicIndex(f, len(data), lo, chunk)
                for c in sorted(ends | {len(data), 0}, reverse=True):
                    self.assertEqual(sorted(index.starts(c)), sorted(m for m, e in walks.items() if e == c),
                                     (trial, chunk, c))


# --------------------------------------------------------------------------
# Valid journals
# --------------------------------------------------------------------------

class TestValid(Base):
    def test_small_is_small(self):
        self.assertLess(len(self.data), 2048)

    def test_valid_with_key(self):
        res, status = jv.verify_bytes(self.data, self.pub, want_records=True)
        self.assertEqual(status, 0, res)
        self.assertTrue(res["valid"])
        self.assertIsNone(res["failure"])
        self.assertEqual(res["formatVersion"], 1)
        self.assertEqual(res["journalId"], bytes(range(16)).hex())
        self.assertEqual(res["application"], "dmp-events/1")
        self.assertEqual(res["lastSequence"], 7)
        self.assertEqual(res["head"], self.w.h.hex())
        self.assertEqual((res["units"], res["seals"], res["checkpoints"]), (5, 3, 2))
        self.assertEqual(res["checkpointsVerified"], 2)
        self.assertEqual(res["lastSignedSequence"], 7)
        self.assertEqual(res["validEnd"], len(self.data))
        self.assertNotIn("finalUnitStart", res)
        self.assertEqual([base64.b64decode(r) for r in res["records"]], self.w.records)

    def test_other_shapes(self):
        for w in (build_small_data_end(self.key), build_seal_seal(self.key)):
            res, status = jv.verify_bytes(w.bytes(), self.pub, want_records=True)
            self.assertEqual(status, 0, res)
            self.assertEqual(res["lastSequence"], w.seq)
            self.assertEqual([base64.b64decode(r) for r in res["records"]], w.records)

    def test_valid_without_key_is_not_checked(self):
        res, status = jv.verify_bytes(self.data)
        self.assertEqual(status, 0)
        self.assertEqual(res["checkpoints"], 2)
        self.assertEqual(res["checkpointsVerified"], 0)
        self.assertIsNone(res["lastSignedSequence"])

    def test_wrong_key_is_not_checked(self):
        res, status = jv.verify_bytes(self.data, raw_public(self.other))
        self.assertEqual(status, 0)
        self.assertEqual(res["checkpointsVerified"], 0)
        self.assertIsNone(res["lastSignedSequence"])

    def test_foreign_key_id_is_not_checked(self):
        w = Writer().unit([b"a"]).checkpoint(self.key, key_id=b"\x42" * 32)
        res, status = jv.verify_bytes(w.bytes(), self.pub)
        self.assertEqual(status, 0, res)
        self.assertEqual(res["checkpoints"], 1)
        self.assertEqual(res["checkpointsVerified"], 0)

    def test_rfc8032_key(self):
        # The key of the worked example (RFC 8032 test 1): keyId = SHA256(public key).
        sk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        pub = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        self.assertEqual(raw_public(sk), pub)
        w = Writer(app=b"example/1", created_at=1767225600000)
        w.unit([b'{"n":1}', b'{"n":2}'], committed_at=1767225600000)
        w.checkpoint(sk, signed_at=1767225600000)
        res, status = jv.verify_bytes(w.bytes(), pub)
        self.assertEqual(status, 0, res)
        self.assertEqual((res["checkpointsVerified"], res["lastSignedSequence"]), (1, 2))

    def test_header_only(self):
        w = Writer(app=b"")
        self.assertEqual(w.header_end, 74)
        res, status = jv.verify_bytes(w.bytes())
        self.assertEqual(status, 0, res)
        self.assertEqual(res["lastSequence"], 0)
        self.assertEqual(res["units"], 0)
        self.assertEqual(res["head"], w.h.hex())
        self.assertEqual(res["validEnd"], 74)
        w = Writer(app="é".encode() * 128)  # appLength 256: the largest header
        self.assertEqual(w.header_end, 330)
        self.assertEqual(jv.verify_bytes(w.bytes())[1], 0)

    def test_checkpoint_first_and_consecutive(self):
        w = Writer().checkpoint(self.key).checkpoint(self.key).unit([b"r"])
        res, status = jv.verify_bytes(w.bytes(), self.pub)
        self.assertEqual(status, 0, res)
        self.assertEqual(res["lastSignedSequence"], 0)

    def test_same_times_are_accepted(self):
        w = Writer().unit([b"a"], committed_at=T0).checkpoint(self.key, signed_at=T0).unit([b"b"], committed_at=T0)
        self.assertEqual(jv.verify_bytes(w.bytes(), self.pub)[1], 0)

    def test_multi_block_frames(self):
        recs = [(b"record %06d " % i) + b"y" * (i % 97) for i in range(4000)]
        content = b"".join(r + b"\n" for r in recs)
        blocks = [stored(content[i:i + 65536]) for i in range(0, len(content), 65536)]
        self.assertGreater(len(blocks), 2)
        w = Writer().unit(recs, blocks=blocks).unit([b"z"], bd=0x70)
        # 301 literal bytes: 15 + 255 + 31.
        w.unit([LONGLIT_DATA], blocks=[compressed(bytes([0xF0, 255, 31]) + LONGLIT_DATA + b"\n")])
        res, status = jv.verify_bytes(w.bytes(), want_records=True)
        self.assertEqual(status, 0, res)
        self.assertEqual([base64.b64decode(r) for r in res["records"]], w.records)

    def lz4_tool_frame(self, content, name):
        src = self.write(name + ".txt", content)
        dst = os.path.join(self.tmp, name + ".lz4")
        subprocess.run(["lz4", "-q", "-f", "--no-frame-crc", "--content-size", "-B4", src, dst],
                       check=True, timeout=30)
        with open(dst, "rb") as f:
            return f.read()

    @unittest.skipUnless(HAVE_LZ4, "the lz4 command is not installed")
    def test_stock_lz4_reads_the_file(self):
        # lz4 -dc prints exactly the records of a journal with several data
        # frames (FLG 0x68), checkpoints in between; lz4 -t accepts the file.
        for i, w in enumerate((self.w, build_small_data_end(self.key))):
            path = self.write("small%d.dmpj" % i, w.bytes())
            out = subprocess.run(["lz4", "-dc", path], capture_output=True, timeout=30)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(out.stdout, b"".join(r + b"\n" for r in w.records))
            self.assertEqual(subprocess.run(["lz4", "-t", path], capture_output=True).returncode, 0)

    @unittest.skipUnless(HAVE_LZ4, "the lz4 command is not installed")
    def test_frames_from_stock_lz4(self):
        # Data frames compressed by the stock tool in the required shape, three
        # units and a checkpoint; both lz4 -dc and the verifier read them.
        w = Writer()
        for n in range(3):
            recs = [b"event %d.%d: %s" % (n, i, b"payload " * (i % 13)) for i in range(1000 + 700 * n)]
            frame = self.lz4_tool_frame(b"".join(r + b"\n" for r in recs), "plain%d" % n)
            self.assertEqual(frame[4:6], b"\x68\x40")
            self.assertFalse(frame[15 + 3] & 0x80, "expected a compressed first block")
            w.raw_unit(frame, len(recs))
            w.records.extend(recs)
            if n == 1:
                w.checkpoint(self.key)
        res, status = jv.verify_bytes(w.bytes(), self.pub, want_records=True)
        self.assertEqual(status, 0, res)
        self.assertEqual([base64.b64decode(r) for r in res["records"]], w.records)
        self.assertEqual(res["head"], w.h.hex())
        path = self.write("tool.dmpj", w.bytes())
        out = subprocess.run(["lz4", "-dc", path], capture_output=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, b"".join(r + b"\n" for r in w.records))


# --------------------------------------------------------------------------
# The header
# --------------------------------------------------------------------------

class TestHeader(Base):
    def test_check_order(self):
        good = header_frame()
        cases = [
            (b"", "not_a_journal", 2),
            (good[:3], "not_a_journal", 2),
            (b"\x04\x22\x4d\x18" + good[4:], "not_a_journal", 2),
            (good[:4], "malformed_header", 1),
            (good[:13], "malformed_header", 1),
            (good[:8] + b"DMJX\x01", "malformed_header", 1),                      # 14 bytes before the tag
            (good[:8] + b"DMJX" + good[12:], "not_a_journal", 2),
            (header_frame(version=3), "newer_format_version", 2),
            # a later version may change the size: still a newer version
            (header_frame(version=3, size=1000), "newer_format_version", 2),
            (header_frame(version=3, size=70000), "newer_format_version", 2),
            (header_frame(version=3)[:14], "newer_format_version", 2),
            (header_frame(version=0), "malformed_header", 1),
            (header_frame(size=65), "malformed_header", 1),
            (header_frame(size=323), "malformed_header", 1),
            (good[:-1], "malformed_header", 1),
            (good[:-1] + bytes([good[-1] ^ 1]), "malformed_header", 1),          # genesis
            (header_frame(hash_algorithm=2), "unsupported_algorithm", 1),
            (header_frame(compression=0), "unsupported_algorithm", 1),
            # genesis checked before the algorithms
            (header_frame(hash_algorithm=2, genesis=good[-32:]), "malformed_header", 1),
            (header_frame(app_length=5), "malformed_header", 1),
            (header_frame(app=b"\xff\xfe"), "malformed_header", 1),
        ]
        for data, check, status in cases:
            with self.subTest(data=data[:16].hex(), check=check):
                res = self.check_fail(data, check, tail=False, status=status)
                self.assertEqual((res["failure"]["offset"], res["failure"]["unitStart"], res["validEnd"]),
                                 (0, 0, 0))
                if check == "newer_format_version":
                    self.assertEqual(res["formatVersion"], 3)

    def test_header_only_every_flip_detected(self):
        self.every_header_flip_detected(Writer(app=b"abc").bytes(), check_status=True)


# --------------------------------------------------------------------------
# Damage and tails
# --------------------------------------------------------------------------

class TestDamage(Base):
    def every_flip(self, w):
        data = w.bytes()
        final_start = w.units[-1][0]
        problems = []
        checks = set()
        for pos in range(len(data)):
            for bit in range(8):
                res, status = jv.verify_bytes(flip(data, pos, bit), self.pub)
                if res["valid"] or status == 0:
                    problems.append((pos, bit, "not detected"))
                    continue
                fail = res["failure"]
                checks.add(fail["check"])
                if fail["tail"] != (pos >= final_start):
                    problems.append((pos, bit, "tail=%s" % fail["tail"], fail["check"], fail["message"]))
                if status not in (1, 2) or (status == 2 and pos >= w.header_end):
                    problems.append((pos, bit, "status %d" % status))
                if fail["unitStart"] != res["validEnd"] or fail["unitStart"] > pos:
                    problems.append((pos, bit, "unitStart", fail["unitStart"], res["validEnd"]))
                if fail["tail"] and fail["unitStart"] != final_start:
                    problems.append((pos, bit, "tail at", fail["unitStart"]))
        self.assertEqual(problems, [])
        return checks

    def test_every_bit_flip_is_detected(self):
        checks = self.every_flip(self.w)
        self.assertLessEqual({"malformed_header", "malformed_frame", "chain_mismatch"}, checks)

    def test_every_bit_flip_ending_with_data(self):
        self.every_flip(build_small_data_end(self.key))

    def test_every_truncation_point(self):
        for w in (self.w, build_small_data_end(self.key)):
            self.every_cut(w)

    def every_cut(self, w):
        """Every prefix of w's file: valid at unit boundaries, else a header
        failure or an unsealed tail of the unit the cut falls in."""
        data = w.bytes()
        boundaries = {w.header_end: 0}
        for start, end, kind, seq in w.units:
            boundaries[end] = seq
        for cut in range(len(data) + 1):
            res, status = jv.verify_bytes(data[:cut], self.pub)
            with self.subTest(cut=cut):
                if cut in boundaries:
                    self.assertEqual(status, 0, res)
                    self.assertEqual(res["lastSequence"], boundaries[cut])
                    self.assertEqual(res["validEnd"], cut)
                    continue
                fail = res["failure"]
                self.assertFalse(res["valid"])
                if cut < w.header_end:
                    self.assertFalse(fail["tail"])
                    self.assertEqual((status, fail["check"]),
                                     (2, "not_a_journal") if cut < 4 else (1, "malformed_header"))
                    continue
                self.assertEqual(status, 1, res)
                unit = next(u for u in w.units if u[0] < cut < u[1])
                prev_seq = max([0] + [u[3] for u in w.units if u[1] <= unit[0]])
                self.assertTrue(fail["tail"], res)
                self.assertEqual(fail["check"], "unsealed_tail")
                self.assertEqual((fail["unitStart"], res["validEnd"]), (unit[0], unit[0]))
                self.assertEqual(fail["sequence"], prev_seq)
                self.assertEqual(res["lastSequence"], prev_seq)

    def test_previous_link_prefix_flip_is_damage(self):
        # A flipped bit in the magic, size or tag of the link frame just before
        # the final unit: the final unit is whole and self-consistent, so the
        # failing unit was acknowledged (section 5.1 rule 2 (b)).
        for w in (self.w, build_small_data_end(self.key), build_seal_seal(self.key)):
            data = w.bytes()
            prev = w.units[-2]
            link = prev[1] - (72 if prev[2] == "seal" else 196)
            for pos in range(link, link + 12):
                for bit in range(8):
                    res = self.check_fail(flip(data, pos, bit), "malformed_frame", tail=False,
                                          unit_start=prev[0])
                    self.assertEqual(res["failure"]["offset"], link)

    def test_flip_in_earlier_unit_is_damage(self):
        start = self.w.units[0][0]
        res = self.check_fail(flip(self.data, start + 20, 3), "chain_mismatch", tail=False,
                              unit_start=start)
        self.assertEqual(res["failure"]["offset"], self.w.units[0][1] - 72)  # the seal
        self.assertEqual(res["failure"]["sequence"], 0)
        self.assertIn("damage: the unit's structure leads to a link frame", res["failure"]["message"])
        # A flip in the first seal's magic: rule (a) does not apply, rule (b) does.
        res = self.check_fail(flip(self.data, self.w.units[0][1] - 72, 0), "malformed_frame", tail=False)
        self.assertIn("self-consistent unit starting at %d" % self.w.units[-1][0], res["failure"]["message"])

    def test_flip_in_final_unit_is_tail(self):
        start = self.w.units[-1][0]
        res = self.check_fail(flip(self.data, start + 100, 0), "chain_mismatch", tail=True, unit_start=start)
        self.assertEqual(res["failure"]["sequence"], 7)
        self.assertEqual(res["lastSequence"], 7)
        self.assertEqual(res["head"], self.data[self.w.units[-2][1] - 32:self.w.units[-2][1]].hex())

    def test_rule_a_structure_leads_past_the_failing_unit(self):
        # The failing unit's chain is wrong, and the next commit is torn (no
        # self-consistent later unit): its structure proves a later write.
        w = Writer().unit([b"a" * 50]).unit([b"b" * 50]).unit([b"c" * 50])
        data = w.bytes()
        s1 = w.units[1][0]
        torn = flip(data, s1 + 30, 2)[:w.units[2][0] + 40]
        self.check_fail(torn, "chain_mismatch", tail=False, unit_start=s1)
        # Only the unit's own bytes, or its seal cut: a tail.
        self.check_fail(torn[:w.units[2][0]], "chain_mismatch", tail=True, unit_start=s1)
        self.check_fail(torn[:w.units[2][0] - 1], "unsealed_tail", tail=True, unit_start=s1)
        # A checkpoint with a wrong chain followed by a torn unit.
        w = Writer().unit([b"a"]).checkpoint(self.key).unit([b"b" * 50])
        c = w.units[1][0]
        data = flip(w.bytes(), c + 120, 0)
        self.check_fail(data[:w.units[2][0] + 30], "chain_mismatch", tail=False, unit_start=c)
        self.check_fail(data[:w.units[2][0]], "chain_mismatch", tail=True, unit_start=c)

    def test_zero_filled_tail(self):
        res = self.check_fail(self.data + b"\0" * 4096, "malformed_frame", tail=True, unit_start=len(self.data))
        self.assertEqual(res["failure"]["offset"], len(self.data))

    def test_out_of_order_persisted_final_unit(self):
        # The final unit's seal reached the disk but a page in its data frame did not.
        w = Writer().unit([b"a" * 100]).unit([b"b" * 3000])
        data = bytearray(w.bytes())
        s = w.units[-1][0]
        data[s + 500:s + 1500] = b"\0" * 1000
        self.check_fail(bytes(data), "chain_mismatch", tail=True, unit_start=s)
        # ... or its block header was zeroed: zero is the end mark.
        data = bytearray(w.bytes())
        data[s + 15:s + 19] = b"\0" * 4
        self.check_fail(bytes(data), "malformed_frame", tail=True, unit_start=s)

    def test_inserted_foreign_frame_is_damage(self):
        w = build_seal_seal(self.key)
        data = w.bytes()
        foreign = struct.pack("<II", 0x184D2A50, 5) + b"hello"
        for i, unit in enumerate(w.units[:-1]):
            at = unit[1]
            bad = data[:at] + foreign + data[at:]
            # Just before the final unit too: that unit chains from h (rule 2 (b), prev = h).
            res = self.check_fail(bad, "malformed_frame", tail=False, unit_start=at)
            if i == len(w.units) - 2:
                self.assertIn("prev = h", res["failure"]["message"])
        # A foreign frame after the end is a tail.
        self.check_fail(data + foreign, "malformed_frame", tail=True, unit_start=len(data))
        # Inside the final unit: a tail.
        s = w.units[-1][0]
        self.check_fail(data[:s + 15] + foreign + data[s + 15:], "malformed_frame", tail=True, unit_start=s)

    def test_removed_bytes_found_by_lz4_magic(self):
        # One byte removed inside the first unit: every later seal's unitStart
        # is stale, the nearest LZ4 magic still finds the final unit.
        w = Writer().unit([b"a" * 40]).unit([b"b" * 40]).unit([b"c" * 40])
        data = w.bytes()
        s0 = w.units[0][0]
        bad = data[:s0 + 30] + data[s0 + 31:]
        res, status = jv.verify_bytes(bad)
        self.assertEqual(status, 1)
        self.assertFalse(res["failure"]["tail"], res)
        self.assertEqual(jv.later_consistent_unit(io.BytesIO(bad), len(bad), s0),
                         (w.units[2][0] - 1, w.units[2][1] - 73, "stored"))

    # ---- Rule 2 (b): a seal's unit start found from an LZ4 frame magic ------------

    def big_unit(self, w, byte, size=1100 * 1024):
        rec = bytes([byte]) * size
        content = rec + b"\n"
        blocks = [stored(content[i:i + 65536]) for i in range(0, len(content), 65536)]
        return w.unit([rec], blocks=blocks)

    def test_byte_inserted_before_two_large_units_is_damage(self):
        # One byte inserted into the first unit, followed by two units of
        # 1.1 MiB each: every later unitStart field is stale, and the final
        # unit's LZ4 magic lies more than 1 MiB before its seal.
        w = Writer().unit([b"a" * 40])
        self.big_unit(w, ord("b"))
        self.big_unit(w, ord("c"))
        data = w.bytes()
        s0 = w.units[0][0]
        bad = data[:s0 + 30] + b"!" + data[s0 + 30:]
        res = self.check_fail(bad, "malformed_frame", tail=False, unit_start=s0)
        self.assertEqual(res["failure"]["offset"], s0)
        final, seal = w.units[-1][0] + 1, w.units[-1][1] - 72 + 1
        self.assertGreater(seal - final, 1024 * 1024)
        self.assertEqual(jv.later_consistent_unit(io.BytesIO(bad), len(bad), s0), (final, seal, "stored"))
        # The same with the byte removed instead.
        bad = data[:s0 + 30] + data[s0 + 31:]
        self.check_fail(bad, "malformed_frame", tail=False, unit_start=s0)
        # Cut inside the final unit, the damage is still proven by the middle unit.
        self.check_fail(bad[:-100], "malformed_frame", tail=False, unit_start=s0)
        # Without the inserted byte, cut inside the final unit: a tail.
        self.check_fail(data[:-100], "unsealed_tail", tail=True, unit_start=w.units[-1][0])

    def test_lz4_magics_inside_later_records_are_damage(self):
        # Five LZ4 frame magics inside the records of the final unit (and of the
        # middle one), between its seal and its real start.
        magic_rec = b"id " + b" ".join([LZM_TEXT] * 5)
        w = Writer().unit([b"a" * 40]).unit([magic_rec, b"m"]).unit([b"r1", magic_rec, b"r2", magic_rec])
        data = w.bytes()
        self.assertEqual(data[w.units[-1][0]:].count(LZ4M), 11)
        s0 = w.units[0][0]
        bad = data[:s0 + 30] + b"!" + data[s0 + 30:]
        self.check_fail(bad, "malformed_frame", tail=False, unit_start=s0)
        self.assertEqual(jv.later_consistent_unit(io.BytesIO(bad), len(bad), s0),
                         (w.units[-1][0] + 1, w.units[-1][1] - 72 + 1, "stored"))

    def test_magic_inside_a_unit_with_the_same_walk_end(self):
        # A magic inside the final unit's first stored block starts a frame
        # whose one block runs to the outer frame's end mark: its walk ends at
        # the same seal, but the unit does not start there; the real start,
        # further back, is still found.
        tail_rec = b"tail\n"
        pad = b"z" * 40
        inner_desc = bytes([0x68, 0x40]) + struct.pack("<Q", 1)
        inner_head = LZ4M + inner_desc + bytes([(jv.xxh32(inner_desc) >> 8) & 0xFF])
        # inner block length: the rest of block A (pad), block B's header and data
        inner = inner_head + struct.pack("<I", len(pad) + 4 + len(tail_rec))
        block_a = b"rec " + inner + pad
        self.assertNotIn(b"\n", block_a)
        w = Writer().unit([b"a" * 40]).unit([b"b"])
        w.unit([block_a + b"tail"], blocks=[stored(block_a), stored(tail_rec)])
        data = w.bytes()
        fs, seal = w.units[-1][0], w.units[-1][1] - 72
        m = data.index(inner_head, fs + 4)
        f = io.BytesIO(data)
        self.assertEqual((jv._data_walk_end(f, len(data), m), jv._data_walk_end(f, len(data), fs)), (seal, seal))
        s0 = w.units[0][0]
        bad = data[:s0 + 30] + b"!" + data[s0 + 30:]
        self.check_fail(bad, "malformed_frame", tail=False, unit_start=s0)
        self.assertEqual(jv.later_consistent_unit(io.BytesIO(bad), len(bad), s0), (fs + 1, seal + 1, "stored"))

    def test_frame_inserted_before_the_final_unit_is_damage(self):
        # A whole LZ4 data frame (no seal) inserted just before the final unit,
        # and other foreign bytes before a final checkpoint: the final unit
        # chains from h (prev = h).
        w = build_seal_seal(self.key)
        data = w.bytes()
        at = w.units[-1][0]
        extra = lz4_frame(2, [stored(b"x\n")])
        bad = data[:at] + extra + data[at:]
        res = self.check_fail(bad, "malformed_frame", tail=False, unit_start=at)
        self.assertEqual(res["failure"]["offset"], at + len(extra))  # where the seal was expected
        self.assertEqual(jv.later_consistent_unit(io.BytesIO(bad), len(bad), at, data[at - 32:at]),
                         (at + len(extra), len(bad) - 72, "h"))
        w = Writer().unit([b"a"]).unit([b"b"]).checkpoint(self.key)
        data = w.bytes()
        at = w.units[-1][0]
        for extra in (b"\0" * 4096, lz4_frame(2, [stored(b"x\n")]), b"\x01\x02\x03\x04"):
            bad = data[:at] + extra + data[at:]
            res = self.check_fail(bad, "malformed_frame", tail=False, unit_start=at)
            self.assertIn("prev = h", res["failure"]["message"])
        # The same bytes appended after the end: a tail.
        self.check_fail(data + b"\0" * 4096, "malformed_frame", tail=True, unit_start=len(data))

    def test_rule_2b_seal_candidates_need_the_exact_end(self):
        # A whole, chained final unit whose seal names a wrong unitStart and
        # whose data frame is followed by junk before the seal: no walk from a
        # magic ends at the seal, so the malformed frame at p is a tail.
        w = Writer().unit([b"a"])
        p = len(w.bytes())
        frame = lz4_frame(2, [stored(b"b\n")]) + b"junk"
        w.raw_unit(frame, 1, unit_start=p + 1)
        self.check_fail(w.bytes(), "malformed_frame", tail=True, unit_start=p)
        # The same unit with unitStart = p: the field names it (prev = h).
        w = Writer().unit([b"a"]).raw_unit(frame, 1)
        self.check_fail(w.bytes(), "malformed_frame", tail=False, unit_start=p)

    def test_unit_embedded_in_a_torn_final_commit_is_damage(self):
        # Specification behaviour (see the report): a record may hold bytes that
        # form a self-consistent checkpoint, chained over the 32 record bytes
        # before it.  If the commit holding that record is torn, rule 2 (b)
        # finds the embedded checkpoint and calls the torn commit damage.
        for attempt in range(1000):
            before = bytes(range(0x20, 0x40))
            body = (jv.CKPT_PREFIX + struct.pack("<QQ", 0, 0) + b"\x11" * 32
                    + struct.pack("<q", T0 + attempt) + b"\x22" * 32 + b"\x33" * 64)
            fake = body + hashlib.sha256(before + body).digest()
            if b"\n" not in fake:
                break
        rec = b"user text " + before + fake + b" more text"
        w = Writer().unit([b"a"]).unit([rec])
        data = w.bytes()
        s = w.units[-1][0]
        self.assertEqual(jv.verify_bytes(data)[1], 0)
        torn = data[:-10]
        res = self.check_fail(torn, "unsealed_tail", tail=False, unit_start=s)
        self.assertIn("self-consistent unit starting at %d" % data.index(fake), res["failure"]["message"])
        # Torn before the embedded bytes: a tail.
        self.check_fail(data[:data.index(fake) + 100], "unsealed_tail", tail=True, unit_start=s)

    def test_semantic_checks_are_damage_even_in_the_final_unit(self):
        other = Ed25519PrivateKey.generate()
        cases = [
            (Writer().unit([b"a"]).unit([b"b"], first_sequence=3), "sequence_gap"),
            (Writer().unit([b"a"]).unit([b"b", b"c"], count=1), "count_mismatch"),
            (Writer().unit([b"a"], count=0), "count_mismatch"),
            (Writer().unit([b"a"], unit_start=0), "offset_mismatch"),
            (Writer().unit([b"a"]).unit([b"b"], committed_at=T0 - 1), "time_reversed"),
            (Writer().unit([b"a"], committed_at=T0 - 1), "time_reversed"),
            (Writer().unit([b"a"]).checkpoint(self.key, signed_at=T0 - 5), "time_reversed"),
            (Writer().unit([b"a"]).checkpoint(self.key, sequence=0), "sequence_gap"),
            (Writer().unit([b"a"]).checkpoint(self.key, attested=b"\0" * 32), "attestation_mismatch"),
            (Writer().unit([b"a"]).checkpoint(self.key, unit_start=5), "offset_mismatch"),
            (Writer().unit([b"a"]).checkpoint(self.key, bad_signature=True), "bad_signature"),
            (Writer().unit([b"a"], blocks=[stored(b"a\nb")], content_size=3), "malformed_content"),
            (Writer().unit([b"a"], content_size=3), "decompression_failed"),
            (Writer().unit([b"ab"], blocks=[compressed(bytes([0x11]) + b"a\x05\x00" + bytes([0x10]) + b"\n")]),
             "decompression_failed"),
            (Writer().unit([b"abcdef"], blocks=[compressed(bytes([0x00])), stored(b"abcdef\n")]),
             "decompression_failed"),  # a compressed block with no output
            (Writer().unit([SHORT_TAIL_CONTENT[:-1]], blocks=[compressed(SHORT_TAIL_BLOCK)]),
             "decompression_failed"),  # end-of-block condition: 4 final literals
        ]
        for w, check in cases:
            with self.subTest(check=check):
                self.check_fail(w.bytes(), check, tail=False, unit_start=w.units[-1][0])
        # A wrong HC byte in an otherwise well-formed, chained frame.
        w = Writer().unit([b"a"])
        frame = bytearray(lz4_frame(2, [stored(b"a\n")]))
        frame[14] ^= 0xFF
        w.raw_unit(bytes(frame), 1)
        self.check_fail(w.bytes(), "checksum_mismatch", tail=False, unit_start=w.units[-1][0])

    def test_rule_1_after_the_chain_matched(self):
        # A final unit whose chain matches but whose seal names a wrong
        # unitStart: rule 1 alone makes it damage.
        big = b"r" * (200 * 1024)
        blocks = [stored(big[i:i + 65536]) for i in range(0, len(big), 65536)] + [stored(b"\n")]
        w = Writer().unit([b"a"]).unit([big], blocks=blocks, unit_start=7)
        self.check_fail(w.bytes(), "offset_mismatch", tail=False, unit_start=w.units[-1][0])

    def test_rule_2b_needs_u_at_or_after_p(self):
        # A forged seal after junk that closes a self-consistent "unit" starting
        # before p (at the last verified unit): it proves nothing about p.
        w = Writer().unit([b"a"]).unit([b"b"])
        u = w.units[1][0]
        junk = b"\x01\x02\x03\x04junk"
        body = SKIP + struct.pack("<I", 64) + b"DMJS" + struct.pack("<QQIq", u, 2, 1, T0 + 5000)
        prev = w.bytes()[u - 32:u]
        data = w.bytes() + junk
        data += body + hashlib.sha256(prev + data[u:] + body).digest()
        self.assertEqual(jv.later_consistent_unit(io.BytesIO(data), len(data), u),
                         (u, len(w.bytes()) + len(junk), "h"))
        self.check_fail(data, "malformed_frame", tail=True, unit_start=len(w.bytes()))

    def test_old_layout_is_malformed(self):
        # The FLG 0x78 layout (block checksums) of the first draft is gone.
        w = Writer().unit([b"a"])
        frame = lz4_frame(2, [stored(b"a\n")], flg=0x78, block_checksums=True)
        w.raw_unit(frame, 1)
        # A whole, chained unit: the file proves it was written (rule 2 (b), u = p).
        self.check_fail(w.bytes(), "malformed_frame", tail=False, unit_start=w.units[-1][0])
        for flg in (0x60, 0x48, 0x6C, 0x69, 0x78):
            self.check_fail(Writer().unit([b"a"], flg=flg).bytes(), "malformed_frame")

    def test_frame_structure(self):
        w = Writer().unit([b"a"])
        base = w.bytes()
        p = len(base)
        good = lz4_frame(2, [stored(b"a\n")])
        cases = [
            (base + good[:4] + b"\x68\x30" + good[6:], "malformed_frame"),        # BD
            (base + lz4_frame(0, [stored(b"a\n")]), "malformed_frame"),             # content size 0
            (base + lz4_frame(64 * 2 ** 20 + 1, [stored(b"a\n")]), "malformed_frame"),
            (base + lz4_frame(70000, [stored(b"a" * 65537)]), "malformed_frame"),   # block > 64 KiB
            (base + good[:15] + struct.pack("<I", 0x80000000) + good[15:], "malformed_frame"),  # length 0
            (base + good + SKIP + struct.pack("<I", 64) + b"DMJC" + b"\0" * 60, "malformed_frame"),
            (base + good + struct.pack("<II", 0x184D2A5D, 188) + b"DMJC" + b"\0" * 184, "malformed_frame"),
            (base + good + b"\0" * 71, "unsealed_tail"),
            (base + good[:10], "unsealed_tail"),
            (base + base[-72:], "malformed_frame"),                             # seal without data
            (base + base[:w.header_end], "malformed_frame"),                    # second header
            (base + struct.pack("<II", 0x184D2A50, 4) + b"abcd", "malformed_frame"),
            (base + SKIP + struct.pack("<I", 4) + b"XXXX", "malformed_frame"),
            (base + SKIP + struct.pack("<I", 100) + b"DMJC" + b"\0" * 100, "malformed_frame"),
            (base + SKIP + struct.pack("<I", 188) + b"DMJC" + b"\0" * 100, "unsealed_tail"),
            (base + SKIP + b"\xbc\0\0", "unsealed_tail"),
            (base + b"\x01\x02\x03\x04", "malformed_frame"),
            (base + b"\x04\x22\x4d", "unsealed_tail"),
        ]
        for data, check in cases:
            with self.subTest(data=data[p:p + 16].hex()):
                res = self.check_fail(data, check, tail=True, unit_start=p)
                self.assertEqual(res["lastSequence"], 1)


# --------------------------------------------------------------------------
# Format version 2: the header's dictionary (sections 2.1, 3.1)
# --------------------------------------------------------------------------

# A small dictionary of typical records (no 0x0A in it, so that a match
# copied from it adds no record boundary).
DICT = (b'{"type":"vitals","patient":"p-0001","heartRate":72} '
        b'{"type":"note","patient":"p-0001","text":"the same words, the same words"}')

# A block whose first sequence is a match of the dictionary's first 48 bytes:
# at output position 0, offset len(DICT) reaches the dictionary's first byte.
DICT_PREFIX_LEN = DICT.index(b'"heartRate":') + len(b'"heartRate":')
DICT_MATCH_BLOCK = (bytes([0x0F]) + struct.pack("<H", len(DICT)) + bytes([DICT_PREFIX_LEN - 4 - 15])
                    + bytes([0x50]) + b"100}\n")
DICT_MATCH_CONTENT = DICT[:DICT_PREFIX_LEN] + b"100}\n"

# A match that starts in the dictionary's last 4 bytes and runs on into the
# block's own output (overlapping): literal "[", offset 5, length 14, then
# the last literals " end\n".
DICT_CROSS_BLOCK = bytes([0x1A]) + b"[" + b"\x05\x00" + bytes([0x50]) + b" end\n"


def _dict_cross_content():
    """What DICT_CROSS_BLOCK decodes to, byte by byte (out[k] = out[k - offset])."""
    out = bytearray(DICT + b"[")
    for _ in range(14):
        out.append(out[-5])
    return bytes(out[len(DICT):]) + b" end\n"


DICT_CROSS_CONTENT = _dict_cross_content()


def build_v2_small(key, dictionary=DICT):
    """A small version 2 journal: stored blocks, hand-made blocks that
    reference the dictionary, a record split across blocks, two checkpoints."""
    w = Writer(dictionary=dictionary)
    w.unit([b'{"e":1}', b"", b"alpha"])
    w.unit([DICT_MATCH_CONTENT[:-1], DICT_CROSS_CONTENT[:-1]],
           blocks=[compressed(DICT_MATCH_BLOCK), compressed(DICT_CROSS_BLOCK)])
    w.checkpoint(key)
    w.unit([b"split-record", b"last"], blocks=[stored(b"split-"), stored(b"record\nlast\n")])
    w.checkpoint(key)
    w.unit([b"hello hello hello world!"], blocks=[compressed(HELLO_BLOCK)])
    return w


def header_dictionary(data):
    """The dictionary bytes of a version 2 file: dictLength at header offset
    42 + appLength, the dictionary after it (section 3.1)."""
    app_length = struct.unpack_from("<H", data, 40)[0]
    (dict_length,) = struct.unpack_from("<I", data, 42 + app_length)
    return data[46 + app_length:46 + app_length + dict_length]


class TestVersion2(Base):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.w2 = build_v2_small(cls.key)
        cls.data2 = cls.w2.bytes()

    def test_v2_dictionary_decoder(self):
        self.assertEqual(jv.lz4_block_decompress(DICT_MATCH_BLOCK, 65536, dictionary=DICT), DICT_MATCH_CONTENT)
        self.assertEqual(jv.lz4_block_decompress(DICT_CROSS_BLOCK, 65536, dictionary=DICT), DICT_CROSS_CONTENT)
        self.assertTrue(DICT_CROSS_CONTENT.startswith(b'[ds"}[ds"}['), DICT_CROSS_CONTENT)
        # Without the dictionary the offsets point before the start of the block.
        for blk in (DICT_MATCH_BLOCK, DICT_CROSS_BLOCK):
            with self.assertRaises(jv.LZ4BlockError):
                jv.lz4_block_decompress(blk, 65536)
        # One byte further back than the dictionary's first byte.
        too_far = bytes([0x0F]) + struct.pack("<H", len(DICT) + 1) + bytes([29]) + bytes([0x50]) + b"100}\n"
        with self.assertRaises(jv.LZ4BlockError):
            jv.lz4_block_decompress(too_far, 65536, dictionary=DICT)
        # The block maximum counts the block's output only, not the dictionary.
        self.assertEqual(len(jv.lz4_block_decompress(DICT_MATCH_BLOCK, len(DICT_MATCH_CONTENT), dictionary=DICT)),
                         len(DICT_MATCH_CONTENT))
        with self.assertRaises(jv.LZ4BlockError):
            jv.lz4_block_decompress(DICT_MATCH_BLOCK, len(DICT_MATCH_CONTENT) - 1, dictionary=DICT)
        # The end-of-block conditions still hold with a dictionary.
        short_tail = bytes([0x0F]) + struct.pack("<H", len(DICT)) + bytes([29]) + bytes([0x40]) + b"100\n"
        with self.assertRaises(jv.LZ4BlockError):
            jv.lz4_block_decompress(short_tail, 65536, dictionary=DICT)
        # A 64 KiB dictionary: offset 65535 at output position 0 reaches its byte 1.
        big = bytes((i * 31 + 7) % 251 for i in range(65536))
        blk = bytes([0x00 | 4]) + struct.pack("<H", 65535) + bytes([0x50]) + b"xyz!\n"
        self.assertEqual(jv.lz4_block_decompress(blk, 65536, dictionary=big), big[1:9] + b"xyz!\n")

    def test_v2_valid_with_stored_blocks(self):
        w = Writer(dictionary=DICT)
        w.unit([b'{"e":1}', b"", b"alpha"]).checkpoint(self.key)
        w.unit([b"split-record", b"last"], blocks=[stored(b"split-"), stored(b"record\nlast\n")])
        recs = [(b"record %06d " % i) + b"y" * (i % 97) for i in range(2000)]
        content = b"".join(r + b"\n" for r in recs)
        w.unit(recs, blocks=[stored(content[i:i + 65536]) for i in range(0, len(content), 65536)])
        w.checkpoint(self.key)
        data = w.bytes()
        self.assertEqual(data[w.header_end + 4], 0x69)
        res, status = jv.verify_bytes(data, self.pub, want_records=True)
        self.assertEqual(status, 0, res)
        self.assertTrue(res["valid"])
        self.assertEqual(res["formatVersion"], 2)
        self.assertEqual((res["dictionaryLength"], res["dictionaryId"]), (len(DICT), dict_id_of(DICT)))
        self.assertEqual(res["lastSequence"], w.seq)
        self.assertEqual((res["units"], res["seals"], res["checkpoints"], res["checkpointsVerified"]), (5, 3, 2, 2))
        self.assertEqual(res["head"], w.h.hex())
        self.assertEqual(res["validEnd"], len(data))
        self.assertEqual([base64.b64decode(r) for r in res["records"]], w.records)
        # The header: 70 + appLength + dictLength, the genesis over all of it.
        self.assertEqual(w.header_end, 8 + 70 + len(b"dmp-events/1") + len(DICT))
        self.assertEqual(header_dictionary(data), DICT)
        self.assertEqual(data[w.header_end - 32:w.header_end],
                         hashlib.sha256(b"dmp-journal/v1" + data[:w.header_end - 32]).digest())
        # Header only, the smallest (71) and the largest (65,862) header payloads.
        for app, dictionary in ((b"", b"d"), ("é".encode() * 128, bytes(range(256)) * 256)):
            w = Writer(app=app, dictionary=dictionary)
            self.assertIn(w.header_end - 8, (71, 65862))
            res, status = jv.verify_bytes(w.bytes())
            self.assertEqual((status, res["dictionaryLength"], res["units"]), (0, len(dictionary), 0), res)

    def test_v2_compressed_block_references_the_dictionary(self):
        res, status = jv.verify_bytes(self.data2, self.pub, want_records=True)
        self.assertEqual(status, 0, res)
        self.assertEqual(res["formatVersion"], 2)
        self.assertEqual([base64.b64decode(r) for r in res["records"]], self.w2.records)
        self.assertIn(DICT[:DICT_PREFIX_LEN] + b"100}", [base64.b64decode(r) for r in res["records"]])
        # The same frames in a version 1 journal (no dictionary): the matches
        # point before the start of the block.
        w = Writer().unit([DICT_MATCH_CONTENT[:-1]], blocks=[compressed(DICT_MATCH_BLOCK)])
        self.check_fail(w.bytes(), "decompression_failed", tail=False, unit_start=w.header_end)
        # A version 2 journal with another dictionary: the match copies other
        # bytes, the content holds other records (the chain still matches).
        other = b"X" * len(DICT)
        w = Writer(dictionary=other).unit([DICT_MATCH_CONTENT[:-1]], blocks=[compressed(DICT_MATCH_BLOCK)])
        res, status = jv.verify_bytes(w.bytes(), want_records=True)
        self.assertEqual(status, 0, res)
        self.assertEqual(base64.b64decode(res["records"][0]), b"X" * DICT_PREFIX_LEN + b"100}")

    def test_v2_match_before_the_dictionary_is_decompression_failed(self):
        too_far = bytes([0x0F]) + struct.pack("<H", len(DICT) + 1) + bytes([29]) + bytes([0x50]) + b"100}\n"
        w = Writer(dictionary=DICT).unit([b"a"]).unit([DICT_MATCH_CONTENT[:-1]], blocks=[compressed(too_far)])
        res = self.check_fail(w.bytes(), "decompression_failed", tail=False, unit_start=w.units[-1][0])
        self.assertIn("dictionary", res["failure"]["message"])

    def lz4_tool_dict_frame(self, content, dict_path, name):
        """Blocks compressed by the stock tool with the dictionary, in a frame
        of the version 2 shape.  The stock tool writes no dictionary id (FLG
        0x68), so the descriptor is rebuilt with it; the blocks are the tool's."""
        src = self.write(name + ".txt", content)
        dst = os.path.join(self.tmp, name + ".lz4")
        subprocess.run(["lz4", "-q", "-f", "-D", dict_path, "--no-frame-crc", "--content-size", "-B4", "-BI",
                        src, dst], check=True, timeout=30)
        with open(dst, "rb") as f:
            tool = f.read()
        self.assertEqual(tool[:4], LZ4M)
        self.assertEqual(tool[4:6], b"\x68\x40")  # independent blocks, content size, no checksums, no dict id
        self.assertEqual(struct.unpack_from("<Q", tool, 6)[0], len(content))
        blocks, pos = [], 15
        while True:
            (v,) = struct.unpack_from("<I", tool, pos)
            pos += 4
            if v == 0:
                break
            length = v & 0x7FFFFFFF
            blocks.append((bool(v & 0x80000000), tool[pos:pos + length]))
            pos += length
        self.assertEqual(pos, len(tool))  # no content checksum
        with open(dict_path, "rb") as f:
            dictionary = f.read()
        frame = lz4_frame(len(content), blocks, flg=0x69, dict_id=dict_id_of(dictionary))
        return frame, blocks

    @unittest.skipUnless(HAVE_LZ4, "the lz4 command is not installed")
    def test_v2_frames_from_stock_lz4_with_dictionary(self):
        # One encoded sample of each event type as the dictionary, as the
        # reference store does; small frames (a few records) and a large one
        # (several independent 64 KiB blocks, each decoded with the dictionary).
        types = [b"vitals", b"note", b"medication", b"allergy", b"lab", b"visit"]
        sample = lambda t, i: (b'{"type":"%s","patient":"p-%04d","at":"2026-01-01T00:00:%02dZ","body":'
                               b'{"value":%d,"unit":"mmHg","text":"routine check, no change"}}' % (t, i, i % 60, i))
        dictionary = b"\n".join(sample(t, 0) for t in types)
        w = Writer(dictionary=dictionary)
        dict_path = self.write("dict.bin", header_dictionary(w.bytes()))
        needs_dict = 0
        for n, count in enumerate((1, 12, 3000)):
            recs = [sample(types[(n + i) % len(types)], 1000 * n + i) for i in range(count)]
            frame, blocks = self.lz4_tool_dict_frame(b"".join(r + b"\n" for r in recs), dict_path, "dict%d" % n)
            self.assertEqual(frame[4], 0x69)
            self.assertEqual(struct.unpack_from("<I", frame, 14)[0], dict_id_of(dictionary))
            self.assertFalse(blocks[0][0], "expected a compressed first block")
            if count > 1000:
                self.assertGreater(len(blocks), 2)
            for is_stored, data in blocks:
                if not is_stored:
                    try:
                        jv.lz4_block_decompress(data, 65536)
                    except jv.LZ4BlockError:
                        needs_dict += 1
            w.raw_unit(frame, len(recs))
            w.records.extend(recs)
            if n == 1:
                w.checkpoint(self.key)
        self.assertGreaterEqual(needs_dict, 3)  # blocks that reference the dictionary
        res, status = jv.verify_bytes(w.bytes(), self.pub, want_records=True)
        self.assertEqual(status, 0, res)
        self.assertEqual([base64.b64decode(r) for r in res["records"]], w.records)
        self.assertEqual(res["head"], w.h.hex())
        # lz4 -dc -D prints exactly the records of the whole journal.
        path = self.write("tool-v2.dmpj", w.bytes())
        out = subprocess.run(["lz4", "-dc", "-D", dict_path, path], capture_output=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, b"".join(r + b"\n" for r in w.records))

    @unittest.skipUnless(HAVE_LZ4, "the lz4 command is not installed")
    def test_v2_stock_lz4_reads_the_file_with_the_dictionary(self):
        # Hand-made blocks that reference the dictionary, FLG 0x69 frames
        # between checkpoints: lz4 -dc -D prints exactly the records.
        dict_path = self.write("small-dict.bin", header_dictionary(self.data2))
        path = self.write("small-v2.dmpj", self.data2)
        out = subprocess.run(["lz4", "-dc", "-D", dict_path, path], capture_output=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, b"".join(r + b"\n" for r in self.w2.records))
        status, res = run_cli(path, "--public-key", self.keyfile(self.pub), "--records")
        self.assertEqual((status, res["formatVersion"], res["dictionaryLength"]), (0, 2, len(DICT)), res)
        self.assertEqual(b"".join(base64.b64decode(r) + b"\n" for r in res["records"]), out.stdout)

    def test_v2_header_checks(self):
        good = header_frame(dictionary=DICT)
        app = b"dmp-events/1"
        at = 42 + len(app)  # dictLength
        cases = [
            ("dictLength 0", header_frame(dictionary=DICT, dict_length=0), "malformed_header", 1),
            ("dictLength 0, no dictionary", header_frame(dictionary=b""), "malformed_header", 1),
            ("dictLength 65537", header_frame(dictionary=DICT, dict_length=65537), "malformed_header", 1),
            ("dictLength too large for the size", header_frame(dictionary=DICT, dict_length=len(DICT) + 1),
             "malformed_header", 1),
            ("dictLength too small for the size", header_frame(dictionary=DICT, dict_length=len(DICT) - 1),
             "malformed_header", 1),
            ("size 70", header_frame(dictionary=DICT, size=70), "malformed_header", 1),
            ("size 65863", header_frame(dictionary=DICT, size=65863), "malformed_header", 1),
            ("appLength 257", header_frame(app="é".encode() * 128 + b"x", dictionary=DICT), "malformed_header", 1),
            ("appLength past dictLength", header_frame(app=b"", app_length=200, dictionary=b"d" * 10),
             "malformed_header", 1),
            ("application not UTF-8", header_frame(app=b"\xff\xfe", dictionary=DICT), "malformed_header", 1),
            ("cut in the dictionary", good[:at + 10], "malformed_header", 1),
            ("cut in the genesis", good[:-1], "malformed_header", 1),
            ("compression 1", header_frame(dictionary=DICT, compression=1), "unsupported_algorithm", 1),
            ("compression 0", header_frame(dictionary=DICT, compression=0), "unsupported_algorithm", 1),
            ("hashAlgorithm 2", header_frame(dictionary=DICT, hash_algorithm=2), "unsupported_algorithm", 1),
            # the genesis is checked before the algorithms
            ("compression 1, old genesis", header_frame(dictionary=DICT, compression=1, genesis=good[-32:]),
             "malformed_header", 1),
            ("version 3", header_frame(dictionary=DICT, version=3), "newer_format_version", 2),
        ]
        for name, data, check, status in cases:
            with self.subTest(name):
                res = self.check_fail(data, check, tail=False, status=status)
                self.assertEqual((res["failure"]["offset"], res["failure"]["unitStart"], res["validEnd"]),
                                 (0, 0, 0))
                self.assertEqual((res["dictionaryLength"], res["dictionaryId"]), (None, None))

    def test_v2_dictionary_byte_flipped_is_malformed_header(self):
        w = Writer(dictionary=DICT).unit([b"a"])
        d0 = w.header_end - 32 - len(DICT)
        self.assertEqual(w.bytes()[d0:d0 + len(DICT)], DICT)
        for pos in (d0, d0 + len(DICT) // 2, d0 + len(DICT) - 1):
            res = self.check_fail(flip(w.bytes(), pos, 4), "malformed_header", tail=False, unit_start=0)
            self.assertIn("genesis", res["failure"]["message"])

    def test_v2_header_with_compression_1_is_unsupported_algorithm(self):
        res = self.check_fail(Writer(dictionary=DICT, compression=1).unit([b"a"]).bytes(),
                              "unsupported_algorithm", tail=False, unit_start=0)
        self.assertIn("compression 1", res["failure"]["message"])
        # ... and compression 2 in a version 1 header.
        self.check_fail(Writer(compression=2).unit([b"a"]).bytes(), "unsupported_algorithm", tail=False)
        status, res = run_cli(self.write("v2-compression-1.dmpj", Writer(dictionary=DICT, compression=1).bytes()))
        self.assertEqual((status, res["failure"]["check"]), (1, "unsupported_algorithm"))

    def test_v2_dict_length_0_is_malformed_header(self):
        res = self.check_fail(Writer(dictionary=DICT, dict_length=0).bytes(), "malformed_header", tail=False)
        self.assertIn("dictLength 0", res["failure"]["message"])

    def test_v2_header_only_every_flip_detected(self):
        self.every_header_flip_detected(Writer(app=b"abc", dictionary=b"dictionary bytes").bytes())

    def test_v2_flg_0x68_is_malformed_frame(self):
        w = Writer(dictionary=DICT).unit([b"a"])
        p = len(w.bytes())
        # The version 1 shape (15-byte descriptor, no id), whole and chained.
        w.raw_unit(lz4_frame(2, [stored(b"b\n")]), 1)
        res = self.check_fail(w.bytes(), "malformed_frame", unit_start=p)
        self.assertIn("FLG is 0x68, expected 0x69", res["failure"]["message"])
        # FLG 0x68 with the 19-byte descriptor, and other FLG values.
        for flg in (0x68, 0x60, 0x6D, 0x79, 0x49):
            with self.subTest(flg=flg):
                self.check_fail(Writer(dictionary=DICT).unit([b"a"], flg=flg).bytes(), "malformed_frame")

    def test_v2_wrong_dictionary_id_is_malformed_frame(self):
        right = dict_id_of(DICT)
        for wrong in (right ^ 1, right ^ 0x80000000, 0, dict_id_of(DICT + b" ")):
            with self.subTest(dict_id=wrong):
                w = Writer(dictionary=DICT).unit([b"a"]).unit([b"b"], dict_id=wrong)
                res = self.check_fail(w.bytes(), "malformed_frame", unit_start=w.units[-1][0])
                self.assertIn("dictionary id is 0x%08X" % wrong, res["failure"]["message"])
                # A whole, chained unit: the file proves it was written (rule 2 (b), u = p).
                self.assertFalse(res["failure"]["tail"])
        # The id of version 2 is the first 4 bytes of SHA256(dictionary), little-endian.
        self.assertEqual(jv.dictionary_id(DICT), int.from_bytes(hashlib.sha256(DICT).digest()[:4], "little"))

    def test_v2_cut_inside_the_descriptor_is_unsealed_tail(self):
        w = Writer(dictionary=DICT).unit([b"a"]).unit([b"bc"])
        data = w.bytes()
        p = w.units[-1][0]
        for cut in range(p + 1, p + 19):
            with self.subTest(cut=cut - p):
                res = self.check_fail(data[:cut], "unsealed_tail", tail=True, unit_start=p)
                self.assertEqual(res["lastSequence"], 1)
        # Each field is checked as soon as its bytes are present: a wrong
        # dictionary id is malformed from its 4th byte on, not before.
        bad = Writer(dictionary=DICT).unit([b"a"]).unit([b"bc"], dict_id=dict_id_of(DICT) ^ 0x01000000).bytes()
        for cut in range(p + 14, p + 21):
            with self.subTest(bad_id_cut=cut - p):
                self.check_fail(bad[:cut], "unsealed_tail" if cut < p + 18 else "malformed_frame",
                                tail=True, unit_start=p)
        # A wrong FLG is malformed from byte 5 on.
        self.check_fail(data[:p + 4] + b"\x68", "malformed_frame", tail=True, unit_start=p)

    def test_v2_every_truncation_point(self):
        # A cut in the last unit is a tail, on version 2 as on version 1.
        TestDamage.every_cut(self, self.w2)

    def test_v2_every_bit_flip_is_detected(self):
        # An earlier unit damaged is damage, the final unit a tail.
        checks = TestDamage.every_flip(self, self.w2)
        self.assertLessEqual({"malformed_header", "malformed_frame", "chain_mismatch"}, checks)

    def test_v2_damaged_earlier_unit_is_damage(self):
        # Rule 2 (a) on version 2: the failing unit's structure (19-byte
        # descriptor, dictionary id) leads to a seal before the end of a file
        # whose next commit is torn.
        w = Writer(dictionary=DICT).unit([b"a" * 50]).unit([b"b" * 50]).unit([b"c" * 50])
        data = w.bytes()
        s1 = w.units[1][0]
        torn = flip(data, s1 + 30, 2)[:w.units[2][0] + 40]
        res = self.check_fail(torn, "chain_mismatch", tail=False, unit_start=s1)
        self.assertIn("the unit's structure leads to a link frame", res["failure"]["message"])
        f = io.BytesIO(torn)
        shape = jv.FrameShape(DICT)
        self.assertEqual(jv._structural_link_end(f, len(torn), s1, shape), w.units[1][1])
        self.assertIsNone(jv._structural_link_end(f, len(torn), s1))  # the version 1 shape does not walk it
        self.check_fail(torn[:w.units[2][0]], "chain_mismatch", tail=True, unit_start=s1)
        # Rule 2 (b) on version 2: a byte removed inside the first unit makes
        # every later unitStart stale; the walk from the final unit's LZ4 magic,
        # in the header's shape, finds it.
        s0 = w.units[0][0]
        bad = data[:s0 + 30] + data[s0 + 31:]
        res = self.check_fail(bad, "malformed_frame", tail=False, unit_start=s0)
        found = (w.units[2][0] - 1, w.units[2][1] - 73, "stored")
        self.assertEqual(jv.later_consistent_unit(io.BytesIO(bad), len(bad), s0, shape=shape), found)
        self.assertIsNone(jv.later_consistent_unit(io.BytesIO(bad), len(bad), s0))
        # The final unit cut: a tail.
        self.check_fail(data[:-100], "unsealed_tail", tail=True, unit_start=w.units[-1][0])

    def test_format_version_3_is_newer_format_version(self):
        for data in (header_frame(version=3), header_frame(version=3, dictionary=DICT),
                     header_frame(version=3, size=70000)[:20],
                     Writer(version=3, dictionary=DICT).unit([b"a"]).bytes()):
            res = self.check_fail(data, "newer_format_version", tail=False, status=2)
            self.assertEqual(res["formatVersion"], 3)
        self.assertEqual(jv.KNOWN_VERSION, 2)
        status, res = run_cli(self.write("v3.dmpj", header_frame(version=3, dictionary=DICT)))
        self.assertEqual((status, res["failure"]["check"], res["formatVersion"]), (2, "newer_format_version", 3))


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

class TestCommandLine(Base):
    def test_valid_cli(self):
        path = self.write("ok.dmpj", self.data)
        status, res = run_cli(path, "--public-key", self.keyfile(self.pub), "--records")
        self.assertEqual(status, 0, res)
        self.assertEqual(res["checkpointsVerified"], 2)
        self.assertEqual([base64.b64decode(r) for r in res["records"]], self.w.records)
        keys = ["valid", "formatVersion", "journalId", "application", "dictionaryLength", "dictionaryId",
                "lastSequence", "head", "units", "seals", "checkpoints", "checkpointsVerified",
                "lastSignedSequence", "failure", "validEnd", "records"]
        self.assertEqual(list(res), keys)
        self.assertEqual((res["dictionaryLength"], res["dictionaryId"]), (None, None))  # version 1
        self.assertEqual(res["validEnd"], len(self.data))

    def test_damaged_cli(self):
        path = self.write("bad.dmpj", flip(self.data, self.w.units[0][0] + 30, 1))
        status, res = run_cli(path)
        self.assertEqual(status, 1)
        self.assertFalse(res["valid"])
        self.assertEqual(list(res["failure"]), ["offset", "sequence", "check", "message", "tail", "unitStart"])
        self.assertEqual((res["failure"]["unitStart"], res["validEnd"]), (self.w.header_end, self.w.header_end))

    def test_tail_cli(self):
        path = self.write("tail.dmpj", self.data[:-1])
        status, res = run_cli(path, "--records")
        self.assertEqual(status, 1)
        self.assertTrue(res["failure"]["tail"])
        self.assertEqual(res["validEnd"], self.w.units[-1][0])
        self.assertEqual(len(res["records"]), 7)

    def test_exit_2(self):
        w = Writer(version=3).unit([b"a"])
        status, res = run_cli(self.write("v3.dmpj", w.bytes()))
        self.assertEqual((status, res["failure"]["check"], res["formatVersion"]), (2, "newer_format_version", 3))
        status, res = run_cli(self.write("text.txt", b"hello, world\n"))
        self.assertEqual((status, res["failure"]["check"]), (2, "not_a_journal"))
        status, res = run_cli(os.path.join(self.tmp, "does-not-exist.dmpj"))
        self.assertEqual((status, res["failure"], res["error"]["name"]), (2, None, "file_not_found"))

    def test_exit_1_for_header_problems(self):
        status, res = run_cli(self.write("alg.dmpj", Writer(hash_algorithm=2).bytes()))
        self.assertEqual((status, res["failure"]["check"]), (1, "unsupported_algorithm"))
        status, res = run_cli(self.write("cut.dmpj", self.data[:50]))
        self.assertEqual((status, res["failure"]["check"]), (1, "malformed_header"))

    def test_usage(self):
        p = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        path = self.write("ok2.dmpj", self.data)
        badkey = self.write("bad.hex", b"xyz")
        status, res = run_cli(path, "--public-key", badkey)
        self.assertEqual((status, res["failure"], res["error"]["name"]), (2, None, "usage"))
        p = subprocess.run([sys.executable, SCRIPT, path, "--bogus"], capture_output=True, text=True, timeout=60)
        self.assertEqual((p.returncode, json.loads(p.stdout)["error"]["name"]), (2, "usage"))


# --------------------------------------------------------------------------
# The specification itself: the failure names and the worked example (section 8)
# --------------------------------------------------------------------------

SPEC = os.path.join(HERE, os.pardir, "Schemas", "journal-format.md")


def read_spec():
    with open(SPEC, encoding="utf-8") as f:
        return f.read()


def parse_worked_example(text, version=1):
    """The worked example between its markers (section 8, or 8.1 for version
    2): (file bytes, field annotations as (offset, bytes, text), the lz4 -dc
    output, the stated size, the signed message, the head)."""
    if version == 1:
        begin, end = "<!-- example:begin -->", "<!-- example:end -->"
    else:
        begin, end = "<!-- example-v2:begin -->", "<!-- example-v2:end -->"
    assert text.count(begin) == 1 and text.count(end) == 1, "the example markers must appear once each"
    block = text[text.index(begin) + len(begin):text.index(end)]
    size = int(re.search(r"The whole file is (\d+) bytes", block).group(1))
    printed = re.search(r"`lz4 -dc(?: -D dictionary\.bin)?` prints `([^`]*)`", block).group(1)
    printed = printed.encode("utf-8").replace(b"\\n", b"\n")
    fences = re.findall(r"```\n(.*?)```", block, re.S)
    assert len(fences) == 2, len(fences)
    listing, message = fences
    data = bytearray()
    fields = []
    for line in listing.splitlines():
        if not line.strip() or line.startswith("offset"):
            continue
        m = re.match(r"^([0-9a-f]{6})  ((?:[0-9a-f]{2} )*[0-9a-f]{2})(?: {2,}(.*))?$", line)
        assert m, "cannot parse listing line %r" % line
        offset, raw = int(m.group(1), 16), bytes.fromhex(m.group(2))
        assert offset == len(data), "line %r: offset 0x%x, expected 0x%x" % (line, offset, len(data))
        if m.group(3):
            fields.append([offset, bytearray(raw), m.group(3)])
        else:  # a continuation of the previous field
            fields[-1][1] += raw
        data += raw
    head = re.search(r"The head of the journal[^`]*`([0-9a-f]{64})`", block, re.S).group(1)
    return (bytes(data), [(o, bytes(b), t) for o, b, t in fields], printed, size,
            bytes.fromhex(message.strip()), bytes.fromhex(head))


RFC8032_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"


class TestSpecification(Base):
    def test_failure_names_table(self):
        # Every name the verifier emits is in the table of section 5, and the
        # table holds nothing the verifier does not know.
        text = read_spec()
        table = text[text.index("**Failure names.**"):text.index("### 5.1")]
        names = re.findall(r"^\| `([a-z_]+)` \|", table, re.M)
        self.assertEqual(len(names), len(set(names)))
        self.assertEqual(set(names), set(jv.FAILURE_NAMES))
        with self.assertRaises(ValueError):
            jv.Failure("file_not_found", "x", 0)
        # Every name passed to Failure in the verifier's source is in the table.
        with open(os.path.join(HERE, "journal_verify.py"), encoding="utf-8") as f:
            source = f.read()
        used = set(re.findall(r'Failure\(\s*"([a-z_]+)"', source))
        self.assertEqual(used, set(names))

    def test_worked_example(self):
        data, fields, printed, size, message, head = parse_worked_example(read_spec())
        self.assertEqual(len(data), size)
        self.assertEqual(len(data), 427)
        pub = bytes.fromhex(RFC8032_PUBLIC)
        sk = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(RFC8032_SECRET))
        self.assertEqual(raw_public(sk), pub)
        # The verifier accepts it, with the key, and reads the records lz4 -dc prints.
        res, status = jv.verify_bytes(data, pub, want_records=True)
        self.assertEqual(status, 0, res)
        self.assertTrue(res["valid"])
        self.assertEqual(res["formatVersion"], 1)
        self.assertEqual(res["journalId"], bytes(range(16)).hex())
        self.assertEqual(res["application"], "example/1")
        self.assertEqual((res["lastSequence"], res["units"], res["seals"], res["checkpoints"]), (2, 2, 1, 1))
        self.assertEqual((res["checkpointsVerified"], res["lastSignedSequence"]), (1, 2))
        self.assertEqual(res["head"], head.hex())
        self.assertEqual(res["validEnd"], 427)
        records = [base64.b64decode(r) for r in res["records"]]
        self.assertEqual(b"".join(r + b"\n" for r in records), printed)
        note = b'"note":"the same words, the same words, the same words"}'
        self.assertEqual(records, [b'{"n":1,' + note, b'{"n":2,' + note])
        # Without the key: valid, the checkpoint not checked.
        res, status = jv.verify_bytes(data)
        self.assertEqual((status, res["checkpointsVerified"], res["lastSignedSequence"]), (0, 0, None))
        # The signed message, rebuilt from the checkpoint's fields, is the one shown,
        # and the signature verifies over it.
        ck = 0xE7
        self.assertEqual(data[ck:ck + 12], jv.CKPT_PREFIX)
        rebuilt = jv.checkpoint_message(data[16:32], struct.unpack_from("<Q", data, ck + 20)[0],
                                        data[ck + 28:ck + 60], struct.unpack_from("<q", data, ck + 60)[0],
                                        data[ck + 68:ck + 100])
        self.assertEqual(len(message), 121)
        self.assertEqual(rebuilt, message)
        self.assertEqual(data[ck + 68:ck + 100], hashlib.sha256(pub).digest())
        sk.public_key().verify(data[ck + 100:ck + 164], message)
        # Ed25519 is deterministic: the RFC 8032 key signs the message to the stored signature.
        self.assertEqual(sk.sign(message), data[ck + 100:ck + 164])
        # The head is the checkpoint's chain value, the last 32 bytes.
        self.assertEqual(data[-32:], head)
        # The annotations: "name = N" fields hold N (little-endian), and the
        # two chain values are the formulas they name.
        checked = 0
        for offset, raw, text in fields:
            m = re.search(r"= (\d+)\b(?! *\.\.)", text)
            if m and "SHA256" not in text:
                self.assertEqual(int.from_bytes(raw, "little"), int(m.group(1)), (hex(offset), text))
                checked += 1
        self.assertGreaterEqual(checked, 14)
        h0 = hashlib.sha256(b"dmp-journal/v1" + data[:51]).digest()
        self.assertEqual(data[51:83], h0)
        self.assertEqual(data[0xC7:0xE7], hashlib.sha256(h0 + data[83:199]).digest())
        self.assertEqual(head, hashlib.sha256(data[0xC7:0xE7] + data[231:395]).digest())
        # One compressed block, made by liblz4.
        self.assertEqual(struct.unpack_from("<I", data, 0x62)[0], 53)
        # Every flipped bit is detected.
        for pos in range(len(data)):
            res, status = jv.verify_bytes(flip(data, pos, pos % 8), pub)
            self.assertFalse(res["valid"], pos)

    def test_worked_example_version_2(self):
        data, fields, printed, size, message, head = parse_worked_example(read_spec(), version=2)
        self.assertEqual(len(data), size)
        pub = bytes.fromhex(RFC8032_PUBLIC)
        res, status = jv.verify_bytes(data, pub, want_records=True)
        self.assertEqual(status, 0, res)
        self.assertTrue(res["valid"])
        self.assertEqual((res["formatVersion"], res["dictionaryLength"]), (2, 64))
        self.assertEqual((res["lastSequence"], res["checkpointsVerified"]), (2, 1))
        self.assertEqual(res["head"], head.hex())
        records = [base64.b64decode(r) for r in res["records"]]
        self.assertEqual(b"".join(r + b"\n" for r in records), printed)
        # The dictionary id shown is the first 4 bytes of SHA256(dictionary), and the
        # numeric annotations hold their values.
        by_text = {t: raw for _, raw, t in fields}
        dictionary = by_text["header: dictionary"]
        ids = [raw for _, raw, t in fields if t.startswith("data frame: dictionary id")]
        self.assertEqual(ids, [hashlib.sha256(dictionary).digest()[:4]])
        self.assertEqual(jv.dictionary_id(dictionary), struct.unpack("<I", ids[0])[0])
        for offset, raw, text in fields:
            m = re.search(r"= (\d+)\b(?! *\.\.)", text)
            if m and "SHA256" not in text:
                self.assertEqual(int.from_bytes(raw, "little"), int(m.group(1)), (hex(offset), text))
        # The block cannot be decoded without the dictionary: its first match reaches into it.
        block = [raw for _, raw, t in fields if t == "data frame: block data"][0]
        with self.assertRaises(jv.LZ4BlockError):
            jv.lz4_block_decompress(block, 64 * 1024)
        self.assertEqual(jv.lz4_block_decompress(block, 64 * 1024, dictionary=dictionary), printed)
        # Every flipped bit is detected.
        for pos in range(len(data)):
            res, status = jv.verify_bytes(flip(data, pos, pos % 8), pub)
            self.assertFalse(res["valid"], pos)

    @unittest.skipUnless(HAVE_LZ4, "the lz4 command is not installed")
    def test_worked_example_version_2_with_stock_lz4(self):
        data, fields, printed, _, _, _ = parse_worked_example(read_spec(), version=2)
        path = self.write("example-v2.dmpj", data)
        dictionary = self.write("dictionary.bin", [raw for _, raw, t in fields if t == "header: dictionary"][0])
        out = subprocess.run(["lz4", "-dc", "-D", dictionary, path], capture_output=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, printed)

    @unittest.skipUnless(HAVE_LZ4, "the lz4 command is not installed")
    def test_worked_example_with_stock_lz4(self):
        data, _, printed, _, _, _ = parse_worked_example(read_spec())
        path = self.write("example.dmpj", data)
        out = subprocess.run(["lz4", "-dc", path], capture_output=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, printed)
        status, res = run_cli(path, "--public-key", self.keyfile(bytes.fromhex(RFC8032_PUBLIC), "rfc.hex"),
                              "--records")
        self.assertEqual((status, res["checkpointsVerified"]), (0, 1), res)
        self.assertEqual(b"".join(base64.b64decode(r) + b"\n" for r in res["records"]), out.stdout)


if __name__ == "__main__":
    unittest.main()
