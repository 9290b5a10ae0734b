#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mkimg.py - dm-ec member images as regular files, for ecctl tests on the host.

  mkimg.py build DIR K M CHUNK ROWS [--seed S] [--unsynced] [--events E]
                [--sb-version 1|2 [--name N] [--host H]]
      DIR/m<i>.img for i < K+M: superblock copies 0 and 1, random volume data
      (DIR/data.bin, K * ROWS * CHUNK sectors) striped with rotating parity
      as Documentation/format.md describes, parity from the Cauchy matrix.
      Images are sparse: the metadata area between the superblocks and the
      data area is left as a hole.
  mkimg.py set IMG FIELD VALUE [--copy 0|1|both] [--no-crc]
      Change one superblock field (a name from FIELDS, "member_state.<i>" or
      "raw.<offset>.<fmt>") and rewrite the crc unless --no-crc.
  mkimg.py get IMG FIELD [--copy 0|1]
  mkimg.py gpt IMG [--mib N]
      A GPT partition table (one Linux partition) on a new IMG of N MiB.
"""
import argparse
import os
import random
import struct
import sys

# CRC-32C, the superblock layout and the format's constants (read from
# include/uapi/linux/dm-ec-format.h): tests/kernel/ecio.py's.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'kernel'))
import ecio  # noqa: E402

SECTOR = ecio.SECTOR
SB_SIZE = ecio.SB_SIZE
SB_COPIES = ecio.SB_COPIES
DATA_OFFSET = ecio.DATA_OFFSET
SB_MAGIC = ecio.SB_MAGIC
F_CLEAN, F_SYNCED = ecio.SB_F_CLEAN, ecio.SB_F_SYNCED

crc32c = ecio.CRC_STYLES['crc32c']
# the superblock's numeric fields (name: (offset, struct format)), from ecio
FIELDS = {f: v for f, v in ecio.SB_FIELDS.items() if not v[1].endswith('s')}


# GF(2^8), polynomial 0x11d
EXP, LOG = [0] * 512, [0] * 256
_x = 1
for _i in range(255):
    EXP[_i] = _x
    LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11d
for _i in range(255, 512):
    EXP[_i] = EXP[_i - 255]


def gf_mul(a, b):
    return 0 if a == 0 or b == 0 else EXP[LOG[a] + LOG[b]]


def gf_inv(a):
    return EXP[255 - LOG[a]]


def mul_table(c):
    return bytes(gf_mul(c, x) for x in range(256))


def xor(a, b):
    return (int.from_bytes(a, 'little') ^ int.from_bytes(b, 'little')).to_bytes(len(a), 'little')


def cmd_build(a):
    k, m, chunk, rows = a.k, a.m, a.chunk, a.rows
    n = k + m
    rng = random.Random(a.seed)
    cb = chunk * SECTOR
    data = rng.randbytes(k * rows * cb)
    os.makedirs(a.dir, exist_ok=True)
    with open(os.path.join(a.dir, 'data.bin'), 'wb') as f:
        f.write(data)
    array_uuid = rng.randbytes(16)
    uuids = [rng.randbytes(16) for _ in range(n)]
    tables = {}
    for p in range(k, n):
        for j in range(k):
            c = gf_inv(p ^ j)
            tables[(p, j)] = mul_table(c)
    files = [open(os.path.join(a.dir, 'm%d.img' % i), 'wb') for i in range(n)]
    for s in range(rows):
        blocks = [data[(s * k + b) * cb:(s * k + b + 1) * cb] for b in range(k)]
        for p in range(k, n):
            acc = bytes(cb)
            for j in range(k):
                acc = xor(acc, blocks[j].translate(tables[(p, j)]))
            blocks.append(acc)
        for b in range(n):
            f = files[(b + s) % n]
            f.seek((DATA_OFFSET + s * chunk) * SECTOR)
            f.write(blocks[b])
    flags = F_CLEAN | (0 if a.unsynced else F_SYNCED)
    for i in range(n):
        fields = {
            'magic': SB_MAGIC, 'version': a.sb_version, 'flags': flags,
            'member_index': i, 'k': k, 'm': m, 'chunk_sectors': chunk,
            'data_offset': DATA_OFFSET, 'data_sectors': rows * chunk,
            'events': a.events, 'ctime': 1700000000, 'utime': 1700000001,
            'resync_cp': 0 if a.unsynced else rows * chunk, 'rebuild_cp': 0,
            'region_sectors': 8192, 'bitmap_sectors': 1,
            'bitmap_offset': ecio.BITMAP_OFFSET, 'log_offset': ecio.LOG_OFFSET,
            'log_sectors': DATA_OFFSET - ecio.LOG_OFFSET, 'log_gen': 1,
        }
        blk = bytearray(SB_SIZE)
        for name, val in fields.items():
            off, fmt = FIELDS[name]
            struct.pack_into('<' + fmt, blk, off, val)
        blk[16:32] = array_uuid
        blk[32:48] = uuids[i]
        for j, u in enumerate(uuids):
            blk[288 + 16 * j:304 + 16 * j] = u
        if a.sb_version >= 2:
            ecio.sb_put(blk, 'name', a.name.encode())
            ecio.sb_put(blk, 'host', a.host.encode())
        struct.pack_into('<I', blk, 4092, crc32c(bytes(blk[:4092])))
        f = files[i]
        for c in SB_COPIES:
            f.seek(c * SECTOR)
            f.write(blk)
        f.truncate((DATA_OFFSET + rows * chunk) * SECTOR)
        f.close()
    return 0


def field_spec(name):
    if name.startswith('member_state.'):
        return 256 + int(name.split('.')[1]), 'B'
    if name.startswith('raw.'):
        _, off, fmt = name.split('.')
        return int(off, 0), fmt
    return FIELDS[name]


def cmd_set(a):
    copies = (0, 1) if a.copy == 'both' else (int(a.copy),)
    off, fmt = field_spec(a.field)
    with open(a.img, 'r+b') as f:
        for c in copies:
            f.seek(SB_COPIES[c] * SECTOR)
            blk = bytearray(f.read(SB_SIZE))
            struct.pack_into('<' + fmt, blk, off, int(a.value, 0))
            if not a.no_crc:
                struct.pack_into('<I', blk, 4092, crc32c(bytes(blk[:4092])))
            f.seek(SB_COPIES[c] * SECTOR)
            f.write(blk)
    return 0


def cmd_get(a):
    off, fmt = field_spec(a.field)
    with open(a.img, 'rb') as f:
        f.seek(SB_COPIES[int(a.copy)] * SECTOR)
        blk = f.read(SB_SIZE)
    print(struct.unpack_from('<' + fmt, blk, off)[0])
    return 0


def cmd_gpt(a):
    """A GPT (protective MBR, primary and backup header and entries, one
    Linux partition) on an image of a.mib MiB, as fdisk would write it:
    what libblkid reports as PTTYPE=gpt."""
    import uuid
    import zlib
    n = a.mib * 2048
    img = bytearray(n * SECTOR)
    img[446 + 4] = 0xee
    struct.pack_into('<II', img, 446 + 8, 1, min(n - 1, 0xffffffff))
    img[510:512] = b'\x55\xaa'
    ents = bytearray(128 * 128)
    ents[0:16] = uuid.UUID('0fc63daf-8483-4772-8e79-3d69d8477de4').bytes_le
    ents[16:32] = uuid.UUID(int=random.Random(a.seed).getrandbits(128)).bytes_le
    struct.pack_into('<QQ', ents, 32, 2048, n - 2048)
    disk = uuid.UUID(int=random.Random(a.seed + 1).getrandbits(128)).bytes_le

    def header(lba, alt, entries):
        h = bytearray(92)
        h[0:8] = b'EFI PART'
        struct.pack_into('<IIIIQQQQ', h, 8, 0x10000, 92, 0, 0, lba, alt, 34, n - 34)
        h[56:72] = disk
        struct.pack_into('<QIII', h, 72, entries, 128, 128, zlib.crc32(ents))
        struct.pack_into('<I', h, 16, zlib.crc32(h))
        return h
    img[SECTOR:SECTOR + 92] = header(1, n - 1, 2)
    img[2 * SECTOR:2 * SECTOR + len(ents)] = ents
    img[(n - 33) * SECTOR:(n - 33) * SECTOR + len(ents)] = ents
    img[(n - 1) * SECTOR:(n - 1) * SECTOR + 92] = header(n - 1, 1, n - 33)
    with open(a.img, 'wb') as f:
        f.write(img)
    return 0


def cmd_md(a):
    """An md RAID member: a version 1.2 superblock (4 KiB into the device,
    checksum right) of a 2-disk RAID1, on an image of a.mib MiB: what
    libblkid reports as TYPE=linux_raid_member."""
    n = a.mib * 2048
    img = bytearray(n * SECTOR)
    rng = random.Random(a.seed)
    max_dev = 2
    sb = bytearray(256 + 2 * max_dev)
    struct.pack_into('<IIII', sb, 0, 0xa92b4efc, 1, 0, 0)
    sb[16:32] = bytes(rng.getrandbits(8) for _ in range(16))
    sb[32:40] = b'host:md0'
    struct.pack_into('<QIIQII', sb, 64, 1700000000, 1, 0, n - 2048, 0, 2)
    struct.pack_into('<QQQQ', sb, 128, 2048, n - 2048, 8, 0)
    struct.pack_into('<I', sb, 160, 0)
    sb[168:184] = bytes(rng.getrandbits(8) for _ in range(16))
    struct.pack_into('<QQQ', sb, 192, 1700000000, 1, 0xffffffffffffffff)
    struct.pack_into('<I', sb, 220, max_dev)
    struct.pack_into('<HH', sb, 256, 0, 1)
    csum = sum(struct.unpack_from('<%dI' % (len(sb) // 4), sb))
    csum = (csum & 0xffffffff) + (csum >> 32)
    struct.pack_into('<I', sb, 216, csum & 0xffffffff)
    img[4096:4096 + len(sb)] = sb
    with open(a.img, 'wb') as f:
        f.write(img)
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    b = sub.add_parser('build')
    b.add_argument('dir')
    for x in ('k', 'm', 'chunk', 'rows'):
        b.add_argument(x, type=int)
    b.add_argument('--seed', type=int, default=1)
    b.add_argument('--events', type=int, default=5)
    b.add_argument('--unsynced', action='store_true')
    b.add_argument('--sb-version', type=int, default=1,
                   help='1: the first format (the default: old images), 2: name and host')
    b.add_argument('--name', default='vol')
    b.add_argument('--host', default='host1')
    s = sub.add_parser('set')
    s.add_argument('img')
    s.add_argument('field')
    s.add_argument('value')
    s.add_argument('--copy', default='both')
    s.add_argument('--no-crc', action='store_true')
    g = sub.add_parser('get')
    g.add_argument('img')
    g.add_argument('field')
    g.add_argument('--copy', default='0')
    t = sub.add_parser('gpt')
    t.add_argument('img')
    t.add_argument('--mib', type=int, default=16)
    t.add_argument('--seed', type=int, default=1)
    t = sub.add_parser('md')
    t.add_argument('img')
    t.add_argument('--mib', type=int, default=16)
    t.add_argument('--seed', type=int, default=1)
    a = p.parse_args()
    return {'build': cmd_build, 'set': cmd_set, 'get': cmd_get,
            'gpt': cmd_gpt, 'md': cmd_md}[a.cmd](a)


if __name__ == '__main__':
    sys.exit(main())
