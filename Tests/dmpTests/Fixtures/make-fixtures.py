#!/usr/bin/env python3
"""Builds the committed fixtures of the `dmp` tool's tests. Run once; the bytes are committed.

Usage:
    python3 Tests/dmpTests/Fixtures/make-fixtures.py PATH/TO/dmp

Writes beside this script:
    history.jsonl   a scripted history (the expected outcomes are written by hand in ToolTests)
    fixture.key     a test signing key (not a secret: it signs test fixtures only)
    fixture.pub     its public key
    good.dmpj       the history executed, signed checkpoints: verifies
    torn.dmpj       good.dmpj plus a final commit cut short: an unsealed tail
    tampered.dmpj   good.dmpj with one byte changed inside the first batch: damage
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def nir(thirteen):
    """A NIR with its key (97 - n mod 97)."""
    number = int(thirteen.replace("2A", "19").replace("2B", "18"))
    return "NIR:" + thirteen + "%02d" % (97 - number % 97)


def rpps(ten):
    """A national id: 8 + an RPPS number with its Luhn check digit."""
    total = 0
    for index, digit in enumerate(reversed([int(c) for c in ten])):
        value = digit * 2 if index % 2 == 0 else digit
        total += value - 9 if value > 9 else value
    return "8" + ten + str((10 - total % 10) % 10)


def dossier_id(key):
    """The id of the dossier a creating command makes (Decider.derivedDossierID)."""
    raw = bytearray(hashlib.sha256(("dmp-dossier/" + key).encode()).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50
    raw[8] = (raw[8] & 0x3F) | 0x80
    h = raw.hex()
    return "%s-%s-%s-%s-%s" % (h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])


HOLDER = {"id": "holder", "role": "holder", "auth": "holder_login"}
GP = {"id": rpps("1000000001"), "role": "professional", "profession": "10", "practice": "standard",
      "structure": "750712184", "auth": "cps", "software": "CareSoft 4.2"}
CARDIOLOGIST = {"id": rpps("1000000002"), "role": "professional", "profession": "10", "practice": "standard",
                "structure": "690000001", "auth": "cps"}
EMERGENCY = {"id": rpps("1000000006"), "role": "professional", "profession": "10", "practice": "standard",
             "structure": "130786049", "auth": "e_cps", "software": "Urqual 3"}
MUTUELLE = {"id": "mutuelle-42", "role": "third_party", "auth": "structure_certificate"}
SYSTEM = {"id": "system", "role": "system", "auth": "system"}
DOSSIER = dossier_id("s-create")


def document(id, category, type_code, title, flags, sha_seed, at):
    return {"id": id, "typeCode": type_code, "category": category, "classCode": "11", "title": title,
            "createdAt": at, "actAt": at, "confidentiality": ["N"] + flags, "format": "application/pdf",
            "size": 48213, "sha256": hashlib.sha256(sha_seed.encode()).hexdigest()}


def command(key, actor, action, at, data=None, dossier=DOSSIER):
    line = {"key": key, "actor": actor}
    if dossier:
        line["dossier"] = dossier
    line["at"] = at
    line["action"] = action
    if data is not None:
        line["data"] = data
    return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def history():
    deposit = command("s-deposit-1", GP, "DepositDocument", "2026-03-02T09:10:00Z", {
        "document": document("DOC-1", "CPT_REND", "11488-4", "Consultation du 2 mars", [], "body 1",
                             "2026-03-02T09:05:00Z"),
        "mode": "normal"})
    lines = [
        command("s-create", HOLDER, "CreateDossier", "2026-03-02T09:00:00Z", {
            "identifier": nir("2850575056123"),
            "traits": {"birthName": "MARTIN", "firstNames": ["MARIE", "LOUISE"], "birthDate": "1985-05-12",
                       "sex": "F", "birthPlace": "75056"},
            "mode": "holder_request", "expressConsent": True}, dossier=None),
        deposit,
        command("s-deposit-2", GP, "DepositDocument", "2026-03-02T09:20:00Z", {
            "document": document("DOC-2", "BIOLOGIE", "11502-2", "Bilan biologique", ["INVISIBLE_PATIENT"],
                                 "body 2", "2026-03-02T09:15:00Z"),
            "mode": "normal"}),
        command("s-holder-read-2", HOLDER, "ConsultDocument", "2026-03-02T10:00:00Z",
                {"document": "DOC-2", "mode": "normal"}),
        command("s-mask-1", HOLDER, "MaskDocument", "2026-03-02T10:05:00Z", {"document": "DOC-1"}),
        deposit,
        command("s-cardio-read-1", CARDIOLOGIST, "ConsultDocument", "2026-03-03T08:30:00Z",
                {"document": "DOC-1", "mode": "normal"}),
        command("s-block-cardio", HOLDER, "Block", "2026-03-03T12:00:00Z",
                {"target": CARDIOLOGIST["id"], "targetKind": "professional",
                 "reason": "Je ne consulte plus ce cardiologue"}),
        command("s-cardio-list", CARDIOLOGIST, "ConsultDocumentList", "2026-03-04T08:30:00Z", {"mode": "normal"}),
        command("s-glass-read-2", EMERGENCY, "ConsultDocument", "2026-03-05T02:14:00+01:00",
                {"document": "DOC-2", "mode": "break_glass", "reason": "Patiente inconsciente aux urgences"}),
        command("s-mutuelle-list", MUTUELLE, "ConsultDocumentList", "2026-03-06T09:00:00Z", {"mode": "normal"}),
        command("s-tick-april", SYSTEM, "Tick", "2026-04-02T09:30:00Z", dossier=None),
        command("s-holder-read-2-again", HOLDER, "ConsultDocument", "2026-04-02T18:00:00Z",
                {"document": "DOC-2", "mode": "normal"}),
        command("s-bad-sha", GP, "DepositDocument", "2026-04-03T09:00:00Z", {
            "document": dict(document("DOC-3", "CPT_REND", "11488-4", "Erreur", [], "x", "2026-04-03T09:00:00Z"),
                             sha256="12ab"),
            "mode": "normal"}),
        command("s-late", HOLDER, "ConsultDocumentList", "2026-03-01T09:00:00Z", {"mode": "normal"}),
    ]
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    dmp = sys.argv[1]
    with open(os.path.join(HERE, "history.jsonl"), "w") as f:
        f.write(history())
    key = hashlib.sha256(b"dmp fixture signing key (test only)").hexdigest()
    write(os.path.join(HERE, "fixture.key"), key + "\n")
    good = os.path.join(HERE, "good.dmpj")
    for name in ["good.dmpj", "torn.dmpj", "tampered.dmpj"]:
        if os.path.exists(os.path.join(HERE, name)):
            os.remove(os.path.join(HERE, name))
    subprocess.run([dmp, "exec", good, os.path.join(HERE, "history.jsonl"), "--no-sync",
                    "--signing-key", os.path.join(HERE, "fixture.key")], stdout=subprocess.DEVNULL)
    # The public key, as `dmp demo` writes it: derived here with the tool's own verifier in mind.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives import serialization
    public = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(key)).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    write(os.path.join(HERE, "fixture.pub"), public.hex() + "\n")
    # Torn: one more commit, cut in its seal.
    torn = os.path.join(HERE, "torn.dmpj")
    shutil.copyfile(good, torn)
    extra = command("s-extra-list", HOLDER, "ConsultDocumentList", "2026-04-04T09:00:00Z", {"mode": "normal"})
    subprocess.run([dmp, "exec", torn, "-", "--no-sync"], input=(extra + "\n").encode(), stdout=subprocess.DEVNULL)
    size = os.path.getsize(torn)
    with open(torn, "r+b") as f:
        f.truncate(size - 20)
    # Tampered: one byte of the first batch's compressed data changed.
    tampered = os.path.join(HERE, "tampered.dmpj")
    shutil.copyfile(good, tampered)
    with open(tampered, "r+b") as f:
        header = f.read(8)
        first_batch = 8 + int.from_bytes(header[4:8], "little")
        offset = first_batch + 40
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0x20]))
    print("fixtures written; tampered byte at offset", offset)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
