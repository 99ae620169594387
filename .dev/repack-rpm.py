#!/usr/bin/env python3
"""Recompresses an .rpm's payload with xz -9 in place (usage: repack-rpm.py FILE).

The bundler's xz stream does not find the 6 MB font that both binaries hold
twice (19 MB); one xz -9 stream, whose 64 MiB window spans both, stores it
once (12 MB), as .dev/package.sh does for the .deb. Only the payload and the
digests that cover it change: the payload digest in the main header, and the
header digests, size and MD5 in the signature header. `rpm -K` checks them.
"""
import hashlib
import lzma
import struct
import sys

HEADER_MAGIC = b"\x8e\xad\xe8\x01\x00\x00\x00\x00"
LEAD_SIZE = 96
# Signature tags
SIG_SHA1, SIG_SHA256, SIG_SIZE, SIG_MD5, SIG_LONGSIZE = 269, 273, 1000, 1004, 5009
# Main header tags
PAYLOAD_DIGEST, PAYLOAD_COMPRESSOR = 5092, 1125


class Header:
    """One header structure: its index entries and data store, at `start`."""

    def __init__(self, blob, start):
        if blob[start:start + 8] != HEADER_MAGIC:
            sys.exit(f"not an rpm header at byte {start}")
        count, size = struct.unpack(">II", blob[start + 8:start + 16])
        self.start = start
        self.store = start + 16 + 16 * count
        self.end = self.store + size
        self.entries = {}
        for i in range(count):
            tag, kind, offset, n = struct.unpack(
                ">IIII", blob[start + 16 + 16 * i:start + 32 + 16 * i])
            self.entries[tag] = (kind, self.store + offset, n)

    def string(self, blob, tag):
        _, at, _ = self.entries[tag]
        return blob[at:blob.index(b"\0", at)]

    def put_string(self, blob, tag, value):
        _, at, _ = self.entries[tag]
        old = blob[at:blob.index(b"\0", at)]
        if len(old) != len(value):
            sys.exit(f"tag {tag}: length changes ({len(old)} → {len(value)})")
        blob[at:at + len(value)] = value

    def put_bytes(self, blob, tag, value):
        _, at, n = self.entries[tag]
        if n != len(value):
            sys.exit(f"tag {tag}: length changes")
        blob[at:at + n] = value

    def put_int(self, blob, tag, value, fmt):
        _, at, _ = self.entries[tag]
        blob[at:at + struct.calcsize(fmt)] = struct.pack(fmt, value)


def main(path):
    blob = bytearray(open(path, "rb").read())
    signature = Header(blob, LEAD_SIZE)
    header_start = (signature.end + 7) // 8 * 8
    header = Header(blob, header_start)
    if header.string(blob, PAYLOAD_COMPRESSOR) != b"xz":
        sys.exit("the payload is not xz")
    payload = lzma.decompress(bytes(blob[header.end:]))
    packed = lzma.compress(payload, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64,
                           preset=9)

    # The payload digest is an array of one hex string.
    header.put_string(blob, PAYLOAD_DIGEST, hashlib.sha256(packed).hexdigest().encode())
    head = bytes(blob[header.start:header.end])
    signature.put_string(blob, SIG_SHA1, hashlib.sha1(head).hexdigest().encode())
    if SIG_SHA256 in signature.entries:
        signature.put_string(blob, SIG_SHA256, hashlib.sha256(head).hexdigest().encode())
    if SIG_SIZE in signature.entries:
        signature.put_int(blob, SIG_SIZE, len(head) + len(packed), ">I")
    if SIG_LONGSIZE in signature.entries:
        signature.put_int(blob, SIG_LONGSIZE, len(head) + len(packed), ">Q")
    if SIG_MD5 in signature.entries:
        signature.put_bytes(blob, SIG_MD5, hashlib.md5(head + packed).digest())

    before = len(blob)
    with open(path, "wb") as f:
        f.write(blob[:header.end])
        f.write(packed)
    print(f"{path}: {before / 1e6:.1f} MB → {(header.end + len(packed)) / 1e6:.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1])
