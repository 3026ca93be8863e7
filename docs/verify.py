#!/usr/bin/env python3
"""Checks a Closed Set consent log export, or a performer's consent receipt, with nothing of
Closed Set running. docs/verify.md explains every rule this script applies.

    python3 docs/verify.py --key KEY export.jsonl
    python3 docs/verify.py --key KEY receipt.json [--export export.jsonl]

KEY is the log's published verifier key (name+keyid+base64), or a file holding it. Prints OK,
or each problem; the exit status is 0 or 1. Needs Python 3.8+ and the `cryptography` package
(Debian: python3-cryptography; elsewhere: pip install cryptography).
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import sys

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:
    sys.exit("verify.py needs the cryptography package: install python3-cryptography "
             "(Debian, Ubuntu) or run: pip install cryptography")

GENESIS = "0" * 64
EXPORT_FORMAT = "closedset-log-export-1"
RECEIPT_VERSION = "closedset-receipt-1"


def sha256(data):
    return hashlib.sha256(data).digest()


# ---- Keys and signed notes (C2SP signed-note, tlog-checkpoint) --------------------------------

def read_key(text):
    """A verifier key name+<8 hex key id>+<base64(0x01 || Ed25519 public key)>."""
    name, key_id, key = text.strip().split("+", 2)
    raw = base64.b64decode(key, validate=True)
    if len(raw) != 33 or raw[0] != 1:
        raise ValueError("not an Ed25519 verifier key")
    if sha256(name.encode() + b"\n" + raw)[:4].hex() != key_id:
        raise ValueError("the key id does not match the key")
    return {"name": name, "id": bytes.fromhex(key_id), "public": Ed25519PublicKey.from_public_bytes(raw[1:]),
            "text": text.strip()}


def open_checkpoint(note, key):
    """Returns (origin, size, root) of a checkpoint signed by `key`, or raises ValueError."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise ValueError("it is not a signed note")
    body, signatures = note[:split + 1], note[split + 2:]
    ours = None
    for line in signatures.splitlines():
        if not line.startswith("\u2014 ") or " " not in line[2:]:
            raise ValueError("it is not a signed note")
        name, sig = line[2:].split(" ", 1)
        sig = base64.b64decode(sig)
        if name == key["name"] and len(sig) == 68 and sig[:4] == key["id"]:
            ours = sig[4:]
    if ours is None:
        raise ValueError("it is not signed by this log's key")
    try:
        key["public"].verify(ours, body.encode())
    except InvalidSignature:
        raise ValueError("its signature does not match its text")
    lines = body.split("\n")
    origin, size, root = lines[0], lines[1], lines[2]
    if not size.isdigit() or (size != "0" and size.startswith("0")) or not origin:
        raise ValueError("its text is not a checkpoint")
    root = base64.b64decode(root)
    if len(root) != 32:
        raise ValueError("its text is not a checkpoint")
    return origin, int(size), root


# ---- Entries: canonical bytes, content hash, chained hash ------------------------------------

def canonical(e):
    """The entry's canonical bytes: compact JSON of these fields in this order."""
    fields = {k: e[k] for k in ("production_id", "seq", "event", "rider_id", "actor_user_id",
                                "occurred_at_us", "details")}
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def chained(prev_hash, content_hash):
    return hashlib.sha256((prev_hash + "\n" + content_hash).encode()).hexdigest()


def occurred_at(us):
    """RFC 3339 in UTC; the fraction only when not zero, without trailing zeros."""
    at = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=us)
    text = at.strftime("%Y-%m-%dT%H:%M:%S")
    if at.microsecond:
        text += ("." + "%06d" % at.microsecond).rstrip("0")
    return text + "Z"


def entry_problems(e, prev_hash):
    """What is wrong with one entry's hashes, first problem first, as sentences."""
    problems = []
    content = hashlib.sha256(canonical(e)).hexdigest()
    if content != e["content_hash"]:
        problems.append("its content no longer matches its hash")
    if e["prev_hash"] != prev_hash:
        problems.append("it does not follow the entry before it")
    if chained(prev_hash, content) != e["entry_hash"]:
        problems.append("its chained hash does not match")
    return problems


# ---- The Merkle tree (RFC 6962 / RFC 9162) ---------------------------------------------------

def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


class Frontier:
    """The roots of the perfect subtrees of the tree so far, largest first."""

    def __init__(self):
        self.size, self.stack = 0, []

    def push(self, leaf):
        size = self.size
        while size & 1:
            leaf = node_hash(self.stack.pop(), leaf)
            size >>= 1
        self.stack.append(leaf)
        self.size += 1

    def root(self):
        if not self.stack:
            return sha256(b"")
        root = self.stack[-1]
        for left in reversed(self.stack[:-1]):
            root = node_hash(left, root)
        return root


def included(leaf, index, size, root, path):
    """RFC 9162 section 2.1.3.2: does `path` (nearest sibling first) lead from leaf to root?"""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash(leaf)
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


# ---- An export -------------------------------------------------------------------------------

def export_lines(path):
    """The export's lines as (line number, JSON object), one at a time."""
    with open(path, encoding="utf-8") as f:
        for number, text in enumerate(f, 1):
            if text.strip():
                try:
                    yield number, json.loads(text)
                except ValueError:
                    raise ValueError("line %d is not JSON" % number)


def check_export(path, key, problems, at_size=None, seqs=()):
    """Checks an export, reading it twice so that memory stays flat however long the log.
    Returns its origin, its root at `at_size` and its entries at `seqs` (for a receipt)."""
    # First pass: the header and the checkpoints, which must be known before any entry.
    header, checkpoints = None, {}  # size -> [(id, signed root)]
    for number, line in export_lines(path):
        if header is None:
            if number != 1 or line.get("type") != "log":
                raise ValueError("line 1 is not the log header: this is not a log export")
            header = line
        elif line.get("type") == "checkpoint":
            checkpoints.setdefault(line["size"], []).append(line)
    if header is None:
        raise ValueError("the file is empty: this is not a log export")
    if header["format"] != EXPORT_FORMAT:
        raise ValueError("the export's format is %r; this script reads %s" % (header["format"], EXPORT_FORMAT))
    if header["verifier_key"].strip() != key["text"]:
        problems.append("the export names the key %s, not the log's key given" % header["verifier_key"])
    production = header["production_id"]
    origin = "%s/production/%d" % (key["name"], production)
    if header["origin"] != origin:
        problems.append("the export names its log %r, but production %d's log is %r"
                        % (header["origin"], production, origin))
    signed = {}  # size -> [(id, root)] of the checkpoints whose signature holds
    for size, lines in sorted(checkpoints.items()):
        for c in lines:
            try:
                signed_origin, signed_size, root = open_checkpoint(c["note"], key)
            except ValueError as why:
                problems.append("checkpoint %d (size %d): %s" % (c["id"], size, why))
                continue
            if signed_origin != origin:
                problems.append("checkpoint %d names another log (%s), not this production's"
                                % (c["id"], signed_origin))
            elif signed_size != size:
                problems.append("checkpoint %d: its stored size %d is not the size it signed (%d)"
                                % (c["id"], size, signed_size))
            else:
                signed.setdefault(size, []).append((c["id"], root))

    # Second pass: the entries, in order, through the chain and the tree.
    found = {"origin": header["origin"], "root": sha256(b"") if at_size == 0 else None, "entries": {}}
    tree, prev, broken = Frontier(), GENESIS, False
    for number, e in export_lines(path):
        if e.get("type") != "entry":
            continue
        if not broken:
            if e["seq"] != tree.size + 1 or e["production_id"] != production:
                wrong = ["an entry is missing or out of order before this one"]
            else:
                wrong = entry_problems(e, prev)
            if wrong:
                problems.append("chain BROKEN at entry %d (position %d in its chain): %s"
                                % (e["consent_event_id"], e["seq"], wrong[0]))
                broken = True
        if e["occurred_at"] != occurred_at(e["occurred_at_us"]):
            problems.append("entry %d (position %d): its occurred_at %s is not the instant its hash "
                            "covers (%s)" % (e["consent_event_id"], e["seq"], e["occurred_at"],
                                             occurred_at(e["occurred_at_us"])))
        prev = e["entry_hash"]
        tree.push(leaf_hash(canonical(e)))
        if tree.size in seqs:
            found["entries"][tree.size] = e
        if tree.size == at_size:
            found["root"] = tree.root()
        for cid, root in signed.get(tree.size, []):
            if tree.root() != root:
                problems.append("checkpoint %d signed a root for the first %d entries that they no "
                                "longer have: the log was changed or rewritten after it was signed"
                                % (cid, tree.size))
    for size in sorted(checkpoints):
        for c in checkpoints[size] if size > tree.size else []:
            problems.append("checkpoint %d signed a log of %d entries, but only %d remain: entries "
                            "were cut off the end" % (c["id"], size, tree.size))
    return found


# ---- A receipt -------------------------------------------------------------------------------

def check_receipt(receipt, key, problems):
    """Checks a receipt on its own; returns its checkpoint (origin, size, root) or None."""
    if receipt.get("version") != RECEIPT_VERSION:
        problems.append("it is not a %s receipt" % RECEIPT_VERSION)
    if receipt["log"]["verifier_key"].strip() != key["text"]:
        problems.append("it names a different key from this log's")
    try:
        checkpoint = open_checkpoint(receipt["checkpoint"], key)
    except ValueError as why:
        problems.append("its checkpoint: %s" % why)
        return None
    origin, size, root = checkpoint
    if origin != receipt["log"]["origin"]:
        problems.append("its checkpoint is of another log")
    rider = receipt["rider"]
    if hashlib.sha256(rider["text"].encode("utf-8")).hexdigest() != rider["text_sha256"]:
        problems.append("the rider text is not the text whose hash it gives")
    if not receipt["events"]:
        problems.append("it holds no events")
    for e in receipt["events"]:
        at = "event %d (%s)" % (e["seq"], e["event"])
        problems.extend("%s: %s" % (at, why) for why in entry_problems(e, e["prev_hash"]))
        if e["occurred_at"] != occurred_at(e["occurred_at_us"]):
            problems.append("%s: its occurred_at is not the instant its hash covers" % at)
        if origin != "%s/production/%d" % (key["name"], e["production_id"]):
            problems.append("%s: it is of another production than the checkpoint's" % at)
        if e["rider_id"] != rider["rider_id"]:
            problems.append("%s: it is about another rider" % at)
        details = json.loads(e["details"])
        if isinstance(details, dict) and details.get("text_sha256", rider["text_sha256"]) != rider["text_sha256"]:
            problems.append("%s: it is about a different text" % at)
        try:
            path = [bytes.fromhex(h) for h in e["inclusion_proof"]]
        except ValueError:
            path = None
        if path is None or e["seq"] < 1 or not included(canonical(e), e["seq"] - 1, size, root, path):
            problems.append("%s: it is not in the signed log" % at)
    return checkpoint


def receipt_against_export(receipt, checkpoint, path, key, problems):
    """The export verifies, the receipt's log is a prefix of it, and its events are the export's."""
    origin, size, root = checkpoint
    seqs = {e["seq"] for e in receipt["events"]}
    export = check_export(path, key, problems, at_size=size, seqs=seqs)
    if export["origin"] != origin:
        problems.append("the export is of another log (%s)" % export["origin"])
    elif export["root"] is None:
        problems.append("the export holds fewer entries than the %d the receipt's checkpoint signed"
                        % size)
    elif export["root"] != root:
        problems.append("the export's first %d entries are not the log the receipt's checkpoint "
                        "signed: the log was changed or rewritten since" % size)
    for e in receipt["events"]:
        mine = {k: v for k, v in e.items() if k != "inclusion_proof"}
        theirs = {k: v for k, v in export["entries"].get(e["seq"], {}).items() if k != "type"}
        if mine != theirs:
            problems.append("event %d (%s) is not the export's entry at that position"
                            % (e["seq"], e["event"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--key", required=True, help="the log's verifier key, or a file holding it")
    parser.add_argument("--export", help="with a receipt: the log export to check it against")
    parser.add_argument("file", help="a log export (.jsonl) or a receipt (.json)")
    args = parser.parse_args()
    key_text = open(args.key).read() if os.path.isfile(args.key) else args.key
    try:
        key = read_key(key_text)
    except ValueError as why:
        sys.exit("--key: %s" % why)

    problems = []
    try:
        with open(args.file, encoding="utf-8") as f:
            first = f.readline()
        try:
            kind = json.loads(first).get("type")
        except ValueError:
            kind = None  # a receipt written over several lines
        if kind == "log":
            if args.export:
                sys.exit("--export goes with a receipt, not with an export")
            check_export(args.file, key, problems)
        else:
            with open(args.file, encoding="utf-8") as f:
                receipt = json.load(f)
            checkpoint = check_receipt(receipt, key, problems)
            if args.export and checkpoint:
                receipt_against_export(receipt, checkpoint, args.export, key, problems)
    except (KeyError, TypeError, AttributeError) as why:
        problems.append("it is not well formed: a field is missing or of the wrong kind (%s)" % why)
    except ValueError as why:
        problems.append(str(why))
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
