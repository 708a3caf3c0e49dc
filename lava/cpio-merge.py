#!/usr/bin/env python3
"""cpio-merge.py IN OUT: rewrite an initramfs made of several concatenated
newc archives (as tools/vm/mkinitramfs.sh writes: a small hand-made one
for /dev/console, then cpio(1)'s) as ONE newc archive, with the same
meaning as the kernel's unpacker gives the original: entries in order, a
later entry of the same name replacing an earlier one.

Why: LAVA applies its test overlay to a "cpio.newc" image by extracting
it with `cpio --extract --file IMAGE`, which stops at the first archive's
trailer, and packing the result again; a concatenated initramfs would lose
everything after its first part.  Needs no root rights (nothing is
extracted).  Exit status 1 on a malformed archive or a hard link (which
newc shares between entries and this tool does not carry over).
"""
import sys

MAGIC = b"070701"
HDR = 110


def pad4(n):
    return (4 - n % 4) % 4


def read_entries(data):
    """Yield (name, fields, body) for every entry of every archive."""
    off = 0
    n = len(data)
    while off < n:
        # zero padding between archives (and after the last one)
        if data[off] == 0:
            off += 1
            continue
        if data[off:off + 6] != MAGIC:
            raise ValueError("offset %d: not a newc header" % off)
        hdr = data[off:off + HDR]
        if len(hdr) < HDR:
            raise ValueError("offset %d: truncated header" % off)
        fields = [int(hdr[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        namesize, filesize = fields[11], fields[6]
        noff = off + HDR
        name = data[noff:noff + namesize - 1]
        if len(name) != namesize - 1 or data[noff + namesize - 1] != 0:
            raise ValueError("offset %d: bad name" % off)
        doff = noff + namesize + pad4(HDR + namesize)
        body = data[doff:doff + filesize]
        if len(body) != filesize:
            raise ValueError("entry %r: truncated data" % name)
        off = doff + filesize + pad4(filesize)
        if name == b"TRAILER!!!":
            continue
        yield name, fields, body


def entry(name, fields, body, ino):
    """One newc entry; fields as read, with a new inode number."""
    f = list(fields)
    f[0] = ino
    f[6] = len(body)
    f[11] = len(name) + 1
    hdr = MAGIC + b"".join(b"%08X" % v for v in f)
    out = hdr + name + b"\0" + b"\0" * pad4(HDR + len(name) + 1)
    return out + body + b"\0" * pad4(len(body))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: cpio-merge.py IN OUT\n")
        return 2
    with open(argv[1], "rb") as fh:
        data = fh.read()
    order = []
    last = {}
    try:
        for name, fields, body in read_entries(data):
            mode, nlink = fields[1], fields[4]
            if (mode & 0o170000) == 0o100000 and nlink > 1:
                raise ValueError("entry %r: hard link (nlink %d)" % (name, nlink))
            key = name[2:] if name.startswith(b"./") else name
            if key not in last:
                order.append(key)
            last[key] = (fields, body)
    except ValueError as exc:
        sys.stderr.write("cpio-merge: %s: %s\n" % (argv[1], exc))
        return 1
    with open(argv[2], "wb") as out:
        size = 0
        for ino, key in enumerate(order, start=1):
            fields, body = last[key]
            chunk = entry(key, fields, body, ino)
            out.write(chunk)
            size += len(chunk)
        trailer = entry(b"TRAILER!!!", [0] * 4 + [1] + [0] * 8, b"", 0)
        out.write(trailer)
        size += len(trailer)
        out.write(b"\0" * ((512 - size % 512) % 512))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
