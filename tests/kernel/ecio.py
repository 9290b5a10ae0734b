#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ecio.py - data and metadata helpers for the dm-ec kernel tests.

Block I/O goes through O_DIRECT with page-aligned (mmap) buffers, so every
read reaches the target instead of the page cache. A reference copy of the
volume is kept in a plain file (on tmpfs).

  fill DEV REF [--seed S]                     sequential write of all of DEV
  randwrite DEV REF --chunk C --k K [--ops N] [--seed S] [--max-mib M]
                                              mixed random writes
  verify DEV REF [--start S --len L]          read DEV, compare with REF
  randread DEV REF [--count N] [--lbs B] [--chunk C]
                                              small reads at random offsets
  lostcheck DEV REF --chunk C --k K --n N --missing I,J,..
                                              chunk by chunk reads with more
                                              than m members gone
  sweep --name NAME --prefix "0 L ec K M C 0" --ref REF --sets "1,2;3"
        [--span-mib N] MEMBER=RAMDISK...
                                              for each failure set: create the
                                              volume with '-' there, verify,
                                              remove, restore the metadata areas
  meta-save [--sectors N] DIR DEV... / meta-restore DIR DEV... / meta-cmp DIR DEV...
  sb-dump DEV [--copy 0|1]                    superblock fields as key=value
  sb-set DEV --offset O --fmt F --value V [--copy 0|1|both] [--no-crc]
  sb-patch DEV NAME=VALUE...                  fields by name, both copies,
                                              crc fixed (see cmd_sb_patch)
  mkfiles DIR MANIFEST [--count N] [--seed S] files with a sha256sum manifest

Exit status: 0 success, 1 data mismatch / check failed, 2 I/O error or usage.
"""
import argparse
import errno
import mmap
import os
import random
import re
import struct
import subprocess
import sys
import hashlib



# The member layout's constants, read from the one place that defines
# them: include/uapi/linux/dm-ec-format.h (the kernel and ecctl build on it).
def _format_h():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                        'include', 'uapi', 'linux', 'dm-ec-format.h')
    consts = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'#define\s+DM_EC_(\w+)\s+(0x[0-9a-fA-F]+|[0-9]+)U?L*\b',
                         line)
            if m:
                consts[m.group(1)] = int(m.group(2), 0)
                continue
            m = re.match(r'#define\s+DM_EC_(\w+)\s+\(1U?L* << ([0-9]+)\)', line)
            if m:
                consts[m.group(1)] = 1 << int(m.group(2))
    return consts


FORMAT = _format_h()
SECTOR = 512
DATA_OFFSET = FORMAT['DATA_OFFSET']             # sectors
BITMAP_OFFSET = FORMAT['BITMAP_OFFSET']         # sectors
LOG_OFFSET = FORMAT['LOG_OFFSET']               # sectors
META_BYTES = DATA_OFFSET * SECTOR
SB_SIZE = FORMAT['SB_SIZE']
SB_COPIES = (FORMAT['SB0_SECTOR'], FORMAT['SB1_SECTOR'])    # sectors
SB_MAGIC = FORMAT['SB_MAGIC']
SB_F_CLEAN, SB_F_SYNCED = FORMAT['SB_F_CLEAN'], FORMAT['SB_F_SYNCED']
LOG_MAGIC = FORMAT['LOG_MAGIC']
LOG_F_FULL = FORMAT['LOG_F_FULL']
IO = 1 << 20


# The data layout, as dm_ec_member_of() / dm_ec_block_of() in
# include/uapi/linux/dm-ec-format.h: block b of stripe row lives on member
# (b + row) % n.
def member_of(row, b, n):
    return (b + row % n) % n


def block_of(row, member, n):
    return (member + n - row % n) % n


def out(msg):
    print(msg, flush=True)


def dev_bytes(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.lseek(fd, 0, os.SEEK_END)
    finally:
        os.close(fd)


class Direct:
    """An O_DIRECT block device with an aligned bounce buffer."""

    def __init__(self, path, write=False, size=8 << 20):
        flags = (os.O_RDWR if write else os.O_RDONLY) | os.O_DIRECT
        self.fd = os.open(path, flags)
        self.buf = mmap.mmap(-1, size)
        self.size = size

    def pread(self, n, off, boff=0):
        """n bytes at off; raises OSError on I/O error or short read."""
        mv = memoryview(self.buf)[boff:boff + n]
        got = os.preadv(self.fd, [mv], off)
        if got != n:
            raise OSError(errno.EIO, "short read %d of %d at %d" % (got, n, off))
        return bytes(mv)

    def pwrite(self, data, off, boff=0):
        """boff: start this far into the (page-aligned) buffer, so that the
        bio's first segment does not start at a page boundary."""
        n = len(data)
        self.buf[boff:boff + n] = data
        done = os.pwritev(self.fd, [memoryview(self.buf)[boff:boff + n]], off)
        if done != n:
            raise OSError(errno.EIO, "short write %d of %d at %d" % (done, n, off))

    def close(self):
        os.close(self.fd)
        self.buf.close()


class Pattern:
    """Pseudo-random data, every sector stamped with (write id, sector)."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.pool = self.rng.randbytes(4 << 20) * 3   # 12 MiB, > 8 MiB + 4 MiB
        self.wid = seed << 32

    def make(self, off, n):
        self.wid += 1
        p = self.rng.randrange(0, 4 << 20)
        b = bytearray(self.pool[p:p + n])
        stamp = struct.Struct('<QQ')
        for s in range(0, n, SECTOR):
            stamp.pack_into(b, s, self.wid, (off + s) // SECTOR)
        return b


def ref_open(ref, size):
    fd = os.open(ref, os.O_RDWR | os.O_CREAT, 0o644)
    if os.fstat(fd).st_size != size:
        os.ftruncate(fd, size)
    return fd


def cmd_fill(a):
    size = dev_bytes(a.dev)
    d = Direct(a.dev, write=True)
    r = ref_open(a.ref, size)
    pat = Pattern(a.seed)
    off = 0
    while off < size:
        n = min(IO * 4, size - off)
        data = pat.make(off, n)
        d.pwrite(data, off)
        os.pwrite(r, data, off)
        off += n
    os.fsync(d.fd)
    d.close()
    os.close(r)
    return 0


def cmd_randwrite(a):
    size = dev_bytes(a.dev)
    lbs = a.lbs
    chunk = a.chunk * SECTOR
    stripe = chunk * a.k
    maxb = min(a.max_mib << 20, size)
    d = Direct(a.dev, write=True, size=max(maxb, stripe * 3, 1 << 20) + 4096)
    r = ref_open(a.ref, size)
    pat = Pattern(a.seed)
    rng = random.Random(a.seed * 7 + 1)
    kinds = {}

    def blocks(lo, hi):
        return rng.randint(max(1, lo // lbs), max(1, hi // lbs)) * lbs

    def at(align, n):
        top = max(0, (size - n) // align)
        return rng.randint(0, top) * align

    for _ in range(a.ops):
        kind = rng.choice(['tiny', 'tiny', 'chunk', 'chunk_odd', 'stripe',
                           'stripe_odd', 'medium', 'medium', 'large'])
        if kind == 'tiny':
            n = blocks(lbs, 8 * lbs)
            off = at(lbs, n)
        elif kind == 'chunk':
            n = chunk
            off = at(chunk, n)
        elif kind == 'chunk_odd':
            n = max(lbs, chunk + rng.randint(-2, 2) * lbs)
            off = at(lbs, n)
        elif kind == 'stripe':
            n = stripe * rng.randint(1, 3)
            off = at(stripe, n)
        elif kind == 'stripe_odd':
            n = stripe + rng.randint(-3, 3) * lbs
            off = at(lbs, n)
        elif kind == 'medium':
            n = blocks(lbs, 1 << 20)
            off = at(lbs, n)
        else:
            n = blocks(1 << 20, maxb)
            off = at(lbs, n)
        n = min(n, size - off, maxb)
        if n <= 0:
            continue
        data = pat.make(off, n)
        # Buffers not page aligned too (as filesystems' metadata buffers).
        boff = rng.choice([0, 0, lbs, 4096 - lbs]) if lbs < 4096 and a.misalign else 0
        d.pwrite(data, off, boff)
        os.pwrite(r, data, off)
        kinds[kind] = kinds.get(kind, 0) + 1
        if boff:
            kinds['misaligned'] = kinds.get('misaligned', 0) + 1
    os.fsync(d.fd)
    d.close()
    os.close(r)
    out("# randwrite: " + " ".join("%s=%d" % kv for kv in sorted(kinds.items())))
    return 0


def verify(dev, ref, start=0, length=None, quiet=False):
    """0 equal, 1 mismatch, 2 I/O error; prints why."""
    size = dev_bytes(dev)
    if length is None:
        length = size - start
    d = Direct(dev)
    bad = 0
    first = None
    try:
        with open(ref, 'rb') as r:
            off = start
            end = start + length
            while off < end:
                n = min(IO, end - off)
                try:
                    got = d.pread(n, off)
                except OSError as e:
                    if not quiet:
                        out("# verify %s: read error at byte %d: %s" % (dev, off, e))
                    return 2
                r.seek(off)
                want = r.read(n)
                if got != want:
                    for s in range(0, n, SECTOR):
                        if got[s:s + SECTOR] != want[s:s + SECTOR]:
                            bad += 1
                            if first is None:
                                first = (off + s) // SECTOR
                off += n
    finally:
        d.close()
    if bad:
        if not quiet:
            out("# verify %s: %d sector(s) differ, first at volume sector %d"
                % (dev, bad, first))
        return 1
    return 0


def randread(dev, ref, count, seed, lbs=512, chunk=8, quiet=False):
    """Random reads, lbs..3 chunks long at lbs-aligned offsets, into
    buffers that do not always start at a page boundary. 0 equal,
    1 mismatch, 2 I/O error."""
    size = dev_bytes(dev)
    rng = random.Random(seed)
    cb = chunk * SECTOR
    d = Direct(dev, size=3 * cb + 8192)
    rc = 0
    try:
        with open(ref, 'rb') as r:
            for _ in range(count):
                n = rng.choice([lbs, lbs, 2 * lbs, cb, cb + lbs, 3 * cb,
                                rng.randint(1, 3 * cb // lbs) * lbs])
                n = min(n, 3 * cb)
                off = rng.randint(0, (size - n) // lbs) * lbs
                boff = rng.choice([0, lbs, 4096 - lbs]) if lbs < 4096 else 0
                try:
                    got = d.pread(n, off, boff)
                except OSError as e:
                    if not quiet:
                        out('# randread %s: error reading %d bytes at %d: %s'
                            % (dev, n, off, e))
                    return 2
                r.seek(off)
                if got != r.read(n):
                    if not quiet:
                        out('# randread %s: %d bytes at byte %d (buffer offset %d) differ'
                            % (dev, n, off, boff))
                    rc = 1
    finally:
        d.close()
    return rc


def cmd_randread(a):
    return randread(a.dev, a.ref, a.count, a.seed, a.lbs, a.chunk)


def cmd_verify(a):
    return verify(a.dev, a.ref, a.start * SECTOR,
                  None if a.len is None else a.len * SECTOR)


def cmd_lostcheck(a):
    """More than m members gone: every chunk whose data member is missing
    must fail with EIO; nothing may ever return wrong data."""
    size = dev_bytes(a.dev)
    chunk = a.chunk * SECTOR
    missing = set(int(x) for x in a.missing.split(',') if x != '')
    if a.mib:
        size = min(size, a.mib << 20)
    d = Direct(a.dev, size=chunk)
    c = dict(lost_eio=0, lost_ok=0, lost_wrong=0, lost_other=0,
             surv_eio=0, surv_ok=0, surv_wrong=0, surv_other=0)
    with open(a.ref, 'rb') as r:
        for off in range(0, size - size % chunk, chunk):
            vs = off // SECTOR
            s = vs // (a.k * a.chunk)
            b = (vs % (a.k * a.chunk)) // a.chunk
            lost = (b + s) % a.n in missing
            pre = 'lost_' if lost else 'surv_'
            try:
                got = d.pread(chunk, off)
            except OSError as e:
                c[pre + ('eio' if e.errno == errno.EIO else 'other')] += 1
                continue
            r.seek(off)
            if got == r.read(chunk):
                c[pre + 'ok'] += 1
            else:
                c[pre + 'wrong'] += 1
                if c[pre + 'wrong'] <= 3:
                    out("# lostcheck: wrong data at volume sector %d (%s)"
                        % (vs, pre[:-1]))
    d.close()
    out(" ".join("%s=%d" % kv for kv in sorted(c.items())))
    return 1 if c['lost_wrong'] or c['surv_wrong'] else 0


def restore_meta(ram, saved):
    """Put a member's metadata area back if it changed; True if it did."""
    d = Direct(ram, write=True, size=len(saved))
    try:
        if d.pread(len(saved), 0) == saved:
            return False
        d.pwrite(saved, 0)
        os.fsync(d.fd)
        return True
    finally:
        d.close()


def read_meta(ram, nbytes=META_BYTES):
    d = Direct(ram, size=nbytes)
    try:
        return d.pread(nbytes, 0)
    finally:
        d.close()


def snap_path(a, i):
    return os.path.join(a.dir, 'meta%d' % i)


def cmd_meta_save(a):
    os.makedirs(a.dir, exist_ok=True)
    for i, dev in enumerate(a.devs):
        with open(snap_path(a, i), 'wb') as f:
            f.write(read_meta(dev, a.sectors * SECTOR))
    return 0


def cmd_meta_restore(a):
    for i, dev in enumerate(a.devs):
        with open(snap_path(a, i), 'rb') as f:
            restore_meta(dev, f.read())
    return 0


def cmd_meta_cmp(a):
    """Exit 1 (naming them) if any device's start differs from its snapshot."""
    bad = []
    for i, dev in enumerate(a.devs):
        with open(snap_path(a, i), 'rb') as f:
            saved = f.read(a.sectors * SECTOR)
        now = read_meta(dev, len(saved))
        if now != saved:
            first = next(j for j in range(len(saved)) if now[j] != saved[j])
            bad.append('%s (first change at byte %d)' % (dev, first))
    if bad:
        out('changed: ' + ', '.join(bad))
        return 1
    return 0


def dmsetup(*args):
    p = subprocess.run(['dmsetup'] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    return p.returncode, p.stdout.strip()


# --- device-mapper ioctls (no dmsetup fork per operation) -------------------
DM_IOCTL_SIZE = 312
DM_HDR = struct.Struct('<3IIIIiIII Q128s129s7s')
assert DM_HDR.size == DM_IOCTL_SIZE
DM_SPEC = struct.Struct('<QQiI16s')
DM_SUSPEND_FLAG = 1 << 1
DM_STATUS_TABLE_FLAG = 1 << 4
DM_BUFFER_FULL_FLAG = 1 << 8
DM_DEV_CREATE, DM_DEV_REMOVE, DM_DEV_SUSPEND, DM_TABLE_LOAD, DM_TABLE_STATUS, \
    DM_TARGET_MSG = 3, 4, 6, 9, 12, 14
DM_NAMES = {DM_DEV_CREATE: 'create', DM_DEV_REMOVE: 'remove',
            DM_DEV_SUSPEND: 'suspend/resume', DM_TABLE_LOAD: 'load',
            DM_TABLE_STATUS: 'status', DM_TARGET_MSG: 'message'}


def _dm_nr(nr):
    return (3 << 30) | (DM_IOCTL_SIZE << 16) | (0xfd << 8) | nr


class DMError(OSError):
    pass


class FailNth:
    """Fault injection by count (/proc/thread-self/fail-nth, kernels with
    CONFIG_FAULT_INJECTION): the n-th fault-injection site this thread
    passes in the kernel fails (every kmalloc, page allocation, ... that
    the armed injectors consider), then none. Armed only around the ioctl
    itself, so the injected failure lands in the kernel's handling of it
    (dm core, the target's constructor, preresume, message), never in
    this process's own loading or in the root filesystem. n carries over
    several ioctls: `left` is what is left of it, 0 once it has fired."""

    def __init__(self, n):
        self.left = n
        self.fired_in = None
        self.fd = os.open('/proc/thread-self/fail-nth', os.O_RDWR)

    def arm(self):
        if self.left:
            os.pwrite(self.fd, b'%d' % self.left, 0)

    def disarm(self, what):
        if not self.left:
            return
        left = int(os.pread(self.fd, 32, 0))
        os.pwrite(self.fd, b'0', 0)
        if left == 0:
            self.fired_in = what
        self.left = left

    def close(self):
        os.close(self.fd)


FAIL_NTH = None		# a FailNth armed around every dm ioctl, or None


def dm_ioctl(nr, name, flags=0, payload=b'', target_count=0, size=16384):
    import fcntl
    buf = bytearray(max(size, DM_IOCTL_SIZE + len(payload)))
    DM_HDR.pack_into(buf, 0, 4, 0, 0, len(buf), DM_IOCTL_SIZE, target_count, 0,
                     flags, 0, 0, 0, name.encode(), b'', b'')
    buf[DM_IOCTL_SIZE:DM_IOCTL_SIZE + len(payload)] = payload
    fd = os.open('/dev/mapper/control', os.O_RDWR)
    try:
        if FAIL_NTH:
            FAIL_NTH.arm()
        try:
            fcntl.ioctl(fd, _dm_nr(nr), buf, True)
        finally:
            if FAIL_NTH:
                FAIL_NTH.disarm(DM_NAMES.get(nr, str(nr)))
    except OSError as e:
        raise DMError(e.errno, 'dm ioctl %s on %s: %s' %
                      (DM_NAMES.get(nr, nr), name, os.strerror(e.errno)))
    finally:
        os.close(fd)
    return buf


def dm_load(name, table):
    """Load a table (lines of "start len type params") as the inactive table."""
    payload = b''
    lines = [ln for ln in table.splitlines() if ln.strip()]
    for ln in lines:
        start, length, ttype, params = ln.split(None, 3)
        p = params.encode() + b'\0'
        p += b'\0' * (-(DM_SPEC.size + len(p)) % 8)
        payload += DM_SPEC.pack(int(start), int(length), 0,
                                DM_SPEC.size + len(p), ttype.encode()) + p
    dm_ioctl(DM_TABLE_LOAD, name, payload=payload, target_count=len(lines))


def dm_resume(name):
    dm_ioctl(DM_DEV_SUSPEND, name, flags=0)


def dm_create(name, table):
    """Create and activate; returns the /dev/dm-N path."""
    buf = dm_ioctl(DM_DEV_CREATE, name)
    dev = DM_HDR.unpack_from(buf, 0)[10]
    minor = (dev & 0xff) | ((dev >> 12) & ~0xff)
    try:
        dm_load(name, table)
        dm_resume(name)
    except OSError:
        dm_remove(name)
        raise
    return '/dev/dm-%d' % minor


def dm_remove(name):
    dm_ioctl(DM_DEV_REMOVE, name)


def dm_status(name, table=False):
    buf = dm_ioctl(DM_TABLE_STATUS, name,
                   flags=DM_STATUS_TABLE_FLAG if table else 0)
    h = DM_HDR.unpack_from(buf, 0)
    start_off, count = h[4], h[5]
    lines = []
    off = start_off
    for _ in range(count):
        s, ln, _st, nxt, tt = DM_SPEC.unpack_from(buf, off)
        p = bytes(buf[off + DM_SPEC.size:]).split(b'\0', 1)[0].decode()
        lines.append('%d %d %s %s' % (s, ln, tt.rstrip(b'\0').decode(), p))
        off = start_off + nxt
    return '\n'.join(lines)


def ec_table(length, k, m, chunk, opts, devs):
    """An ec table line: OPTS are words or strings of words (counted)."""
    words = ' '.join(opts).split()
    return '0 %d ec %d %d %d %d%s %s' % (
        length, k, m, chunk, len(words), ''.join(' ' + w for w in words),
        ' '.join(devs))


def ec_status(name):
    """The status line of ec volume name (Documentation/admin-guide.md,
    "Status") as a dict: k m n health sync_done sync_total action
    mismatch codec."""
    f = dm_status(name).split()
    done, total = (int(x) for x in f[7].split('/'))
    return {'k': int(f[3]), 'm': int(f[4]), 'n': int(f[5]), 'health': f[6],
            'sync_done': done, 'sync_total': total, 'action': f[8],
            'mismatch': int(f[9]), 'codec': f[10]}


def dm_message(name, msg):
    p = struct.pack('<Q', 0) + msg.encode() + b'\0'
    dm_ioctl(DM_TARGET_MSG, name, payload=p)


def cmd_dm(a):
    if a.fail_nth is not None:
        return cmd_dm_fail_nth(a)
    if a.op == 'create':
        out(dm_create(a.name, a.arg))
    elif a.op == 'remove':
        dm_remove(a.name)
    elif a.op == 'reload':
        dm_load(a.name, a.arg)
        dm_resume(a.name)
    elif a.op == 'status':
        out(dm_status(a.name))
    elif a.op == 'table':
        out(dm_status(a.name, table=True))
    elif a.op == 'message':
        dm_message(a.name, a.arg)
    return 0


def cmd_dm_fail_nth(a):
    """dm create|reload|message with --fail-nth N: the device (for create)
    is made without injection, then the table load and resume (or the
    message) run with fail-nth N. Prints "fail-nth N: fired in WHAT" or
    "fail-nth N: not fired, L left" and, when an ioctl failed, its error;
    exits 0 when everything worked, 1 when an ioctl failed. A create that
    failed leaves no device behind (as dmsetup create)."""
    global FAIL_NTH
    if a.op not in ('create', 'reload', 'message'):
        out('# ecio dm: --fail-nth only with create, reload or message')
        return 2
    if a.op == 'create':
        dm_ioctl(DM_DEV_CREATE, a.name)
    FAIL_NTH = fn = FailNth(a.fail_nth)
    rc = 0
    try:
        if a.op == 'message':
            dm_message(a.name, a.arg)
        else:
            dm_load(a.name, a.arg)
            dm_resume(a.name)
    except OSError as e:
        out('# %s' % e)
        rc = 1
    finally:
        FAIL_NTH = None
        fn.close()
    if rc and a.op == 'create':
        try:
            dm_remove(a.name)
        except OSError as e:
            out('# remove after the failed create: %s' % e)
    if fn.fired_in:
        out('fail-nth %d: fired in %s' % (a.fail_nth, fn.fired_in))
    else:
        out('fail-nth %d: not fired, %d left' % (a.fail_nth, fn.left))
    return rc


def cmd_sweep(a):
    """One line per failure set: 'ok SET' or 'fail SET reason'. Members are
    given as 'member_dev=ram_dev'. After each set the volume is removed and
    every member's metadata area is put back as it was, so each set starts
    from the same clean, in-sync state (a member left out by one set is not
    stale for the next)."""
    pairs = [x.split('=', 1) for x in a.members]
    n = len(pairs)
    saved = [read_meta(ram) for _, ram in pairs]
    nfail = 0
    size = os.path.getsize(a.ref)
    span = min(size, a.span_mib << 20) if a.span_mib else size
    step = 1 << 20

    def restore():
        for i, (_, ram) in enumerate(pairs):
            restore_meta(ram, saved[i])

    for nset, spec in enumerate(a.sets.split(';')):
        # A window of the volume per set, moving 1 MiB on each time.
        start = (nset * step) % (size - span + step) if span < size else 0
        start = min(start, size - span)
        missing = sorted(int(x) for x in spec.split(',') if x != '')
        label = ','.join(str(x) for x in missing)
        table = a.prefix + ' ' + ' '.join(
            '-' if i in missing else pairs[i][0] for i in range(n))
        why = None
        try:
            dev = dm_create(a.name, table)
        except OSError as e:
            why = 'create failed: %s' % e
        else:
            try:
                f = dm_status(a.name).split()
                want = ''.join('-' if i in missing else 'A' for i in range(n))
                if len(f) < 7 or f[6] != want:
                    why = 'status %r, health should be %s' % (' '.join(f), want)
                else:
                    v = verify(dev, a.ref, start, span, quiet=True)
                    if v:
                        why = 'data differs' if v == 1 else 'read error'
                        why += ' in bytes %d..%d' % (start, start + span)
                        verify(dev, a.ref, start, span)
                    elif a.randreads:
                        v = randread(dev, a.ref, a.randreads, nset, a.lbs,
                                     a.chunk)
                        if v:
                            why = 'small random reads: ' + \
                                ('data differs' if v == 1 else 'read error')
            finally:
                try:
                    dm_remove(a.name)
                except OSError as e:
                    why = (why or '') + ' remove failed: %s' % e
        restore()
        if why:
            nfail += 1
            out('fail %s %s' % (label, why))
        else:
            out('ok %s' % label)
    return 1 if nfail else 0


# --- superblock ------------------------------------------------------------
# Every field of a superblock (Documentation/format.md, "Superblock"),
# name: (offset, struct format); metafuzz.py and tests/user/mkimg.py use it.
SB_FIELDS = {
    'magic': (0, 'Q'), 'version': (8, 'I'), 'flags': (12, 'I'),
    'array_uuid': (16, '16s'), 'member_uuid': (32, '16s'),
    'member_index': (48, 'I'), 'k': (52, 'I'), 'm': (56, 'I'),
    'chunk_sectors': (60, 'I'), 'data_offset': (64, 'Q'),
    'data_sectors': (72, 'Q'), 'events': (80, 'Q'), 'ctime': (88, 'Q'),
    'utime': (96, 'Q'), 'resync_cp': (104, 'Q'), 'rebuild_cp': (112, 'Q'),
    'region_sectors': (120, 'I'), 'bitmap_sectors': (124, 'I'),
    'bitmap_offset': (128, 'Q'), 'log_offset': (136, 'Q'),
    'log_sectors': (144, 'Q'), 'log_gen': (152, 'Q'),
    'reserved0': (160, '96s'),
    'member_state': (256, '32s'), 'member_uuids': (288, '512s'),
    'name': (800, '128s'), 'host': (928, '80s'),
    'reserved1': (1008, '3084s'), 'crc': (4092, 'I'),
}
SB_STATE = SB_FIELDS['member_state'][0]    # member_state[i] is this + i

# A partial-parity log entry's header (Documentation/format.md, "Log").
LOG_FIELDS = {
    'magic': (0, 'Q'), 'gen': (8, 'Q'), 'seq': (16, 'Q'), 'stripe': (24, 'Q'),
    'array_uuid': (32, '16s'), 'first_sector': (48, 'I'),
    'nr_sectors': (52, 'I'), 'written': (56, 'I'), 'parity': (60, 'I'),
    'flags': (64, 'I'), 'data_crc0': (68, 'I'), 'data_crc1': (72, 'I'),
    'data_crc2': (76, 'I'), 'data_crc3': (80, 'I'), 'reserved': (84, '4008s'),
    'crc': (4092, 'I'),
}


def field_get(fields, blk, name):
    off, fmt = fields[name]
    return struct.unpack_from('<' + fmt, blk, off)[0]


def field_put(fields, blk, name, value):
    off, fmt = fields[name]
    struct.pack_into('<' + fmt, blk, off, value)


def sb_get(blk, name):
    return field_get(SB_FIELDS, blk, name)


def sb_put(blk, name, value):
    field_put(SB_FIELDS, blk, name, value)


_CRC_T = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC_T.append(_c)


def crc32c_raw(data, crc):
    t = _CRC_T
    for b in data:
        crc = t[(crc ^ b) & 0xff] ^ (crc >> 8)
    return crc


# The contract says "crc32c of bytes 0..4091"; accept the usual spellings
# and keep whichever the superblock uses when rewriting one.
CRC_STYLES = {
    'crc32c': lambda d: crc32c_raw(d, 0xffffffff) ^ 0xffffffff,
    'kernel-crc32c(~0)': lambda d: crc32c_raw(d, 0xffffffff),
    'kernel-crc32c(0)': lambda d: crc32c_raw(d, 0),
}


def crc_style(blk):
    stored = struct.unpack_from('<I', blk, 4092)[0]
    for name, f in CRC_STYLES.items():
        if f(blk[:4092]) == stored:
            return name
    return None


def read_sb(dev, copy):
    d = Direct(dev, size=SB_SIZE)
    try:
        return d.pread(SB_SIZE, SB_COPIES[copy] * SECTOR)
    finally:
        d.close()


def write_sb(dev, copy, blk):
    d = Direct(dev, write=True, size=SB_SIZE)
    d.pwrite(bytes(blk), SB_COPIES[copy] * SECTOR)
    os.fsync(d.fd)
    d.close()


def sb_dict(blk):
    """Every field of a superblock but the reserved ones, by name."""
    return {name: struct.unpack_from('<' + fmt, blk, off)[0]
            for name, (off, fmt) in SB_FIELDS.items()
            if not name.startswith('reserved')}


def crc_fix(blk, style='crc32c'):
    """The crc of a 4 KiB superblock or log entry: bytes 0..4091."""
    struct.pack_into('<I', blk, 4092, CRC_STYLES[style](bytes(blk[:4092])))


def cmd_sb_dump(a):
    blk = read_sb(a.dev, a.copy)
    v = {}
    for name, (off, fmt) in SB_FIELDS.items():
        if name.startswith('reserved') or name in ('crc', 'member_uuids'):
            continue
        val = struct.unpack_from('<' + fmt, blk, off)[0]
        if name in ('name', 'host'):
            val = val.split(b'\0', 1)[0].decode(errors='replace')
        v[name] = val.hex() if isinstance(val, bytes) else val
    v['magic_ok'] = int(v['magic'] == SB_MAGIC)
    v['magic'] = '%#x' % v['magic']
    v['crc_style'] = crc_style(blk) or 'bad'
    _, ufmt = SB_FIELDS['member_uuids']
    uuids = struct.unpack_from('<' + ufmt, blk, SB_FIELDS['member_uuids'][0])[0]
    v['member_uuids'] = ','.join(uuids[16 * i:16 * i + 16].hex() for i in range(32))
    v['reserved_zero'] = int(not any(
        any(struct.unpack_from('<' + fmt, blk, off)[0])
        for name, (off, fmt) in SB_FIELDS.items() if name.startswith('reserved')))
    for key, val in v.items():
        print('%s=%s' % (key, val))
    return 0


def cmd_sb_patch(a):
    """NAME=VALUE... into both copies (crc fixed): NAME is a superblock
    field or member_state.I; bitmap0=V writes the first bitmap byte;
    log=FIRST,NR,WRITTEN,PARITY writes a log entry for stripe 0 with
    those fields (this volume's gen and uuid, crc fixed) into slot 0."""
    kv = dict(x.split('=', 1) for x in a.fields)
    for c in (0, 1):
        blk = bytearray(read_sb(a.dev, c))
        for name, val in kv.items():
            if name.startswith('member_state.'):
                blk[SB_STATE + int(name.split('.')[1])] = int(val, 0)
            elif name in SB_FIELDS and SB_FIELDS[name][1].endswith('s'):
                # a string field: the bytes of VALUE (0: all zero)
                n = struct.calcsize(SB_FIELDS[name][1])
                sb_put(blk, name, b'' if val == '0' else val.encode()[:n])
            elif name in SB_FIELDS:
                sb_put(blk, name, int(val, 0))
            elif name not in ('bitmap0', 'log'):
                out('# sb-patch: no superblock field %s' % name)
                return 2
        crc_fix(blk)
        write_sb(a.dev, c, blk)
    d = Direct(a.dev, write=True, size=SB_SIZE)
    if 'bitmap0' in kv:
        b = bytearray(d.pread(SB_SIZE, BITMAP_OFFSET * SECTOR))
        b[0] = int(kv['bitmap0'], 0)
        d.pwrite(bytes(b), BITMAP_OFFSET * SECTOR)
    if 'log' in kv:
        first, nr, written, parity = (int(x, 0) for x in kv['log'].split(','))
        e = bytearray(SB_SIZE)
        for name, val in (('magic', LOG_MAGIC), ('gen', sb_get(blk, 'log_gen')),
                          ('seq', 1), ('stripe', 0),
                          ('array_uuid', sb_get(blk, 'array_uuid')),
                          ('first_sector', first), ('nr_sectors', nr),
                          ('written', written), ('parity', parity)):
            field_put(LOG_FIELDS, e, name, val)
        crc_fix(e)
        d.pwrite(bytes(e), LOG_OFFSET * SECTOR)
    os.fsync(d.fd)
    d.close()
    return 0


def cmd_sb_set(a):
    copies = (0, 1) if a.copy == 'both' else (int(a.copy),)
    for c in copies:
        blk = bytearray(read_sb(a.dev, c))
        style = crc_style(blk)
        struct.pack_into('<' + a.fmt, blk, a.offset, int(a.value, 0))
        if not a.no_crc:
            if style is None:
                out('# sb-set: copy %d has no valid crc to keep' % c)
                return 1
            crc_fix(blk, style)
        write_sb(a.dev, c, blk)
    return 0


def cmd_mkfiles(a):
    rng = random.Random(a.seed)
    pool = rng.randbytes(1 << 20) * 2
    lines = []
    for i in range(a.count):
        sub = 'd%02d/e%d' % (i % 37, i % 5)
        os.makedirs(os.path.join(a.dir, sub), exist_ok=True)
        rel = '%s/f%05d' % (sub, i)
        # mostly small files, a few larger ones
        n = rng.choice([0, 1, 100, 511, 512, 4095, 4096, 4097]) \
            if rng.random() < 0.3 else rng.randint(1, 24 << 10)
        if rng.random() < 0.02:
            n = rng.randint(256 << 10, 1 << 20)
        p = rng.randrange(0, 1 << 20)
        data = pool[p:p + n]
        with open(os.path.join(a.dir, rel), 'wb') as f:
            f.write(data)
        lines.append('%s  %s\n' % (hashlib.sha256(data).hexdigest(), rel))
    with open(a.manifest, 'w') as f:
        f.writelines(lines)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sp = p.add_subparsers(dest='cmd', required=True)

    s = sp.add_parser('fill')
    s.add_argument('dev')
    s.add_argument('ref')
    s.add_argument('--seed', type=int, default=1)
    s.set_defaults(f=cmd_fill)

    s = sp.add_parser('randwrite')
    s.add_argument('dev')
    s.add_argument('ref')
    s.add_argument('--chunk', type=int, required=True)
    s.add_argument('--k', type=int, required=True)
    s.add_argument('--ops', type=int, default=200)
    s.add_argument('--seed', type=int, default=2)
    s.add_argument('--lbs', type=int, default=512)
    s.add_argument('--max-mib', type=int, default=8)
    s.add_argument('--misalign', type=int, default=1,
                   help='also use buffers starting inside a page (default 1)')
    s.set_defaults(f=cmd_randwrite)

    s = sp.add_parser('verify')
    s.add_argument('dev')
    s.add_argument('ref')
    s.add_argument('--start', type=int, default=0)
    s.add_argument('--len', type=int)
    s.set_defaults(f=cmd_verify)

    s = sp.add_parser('randread')
    s.add_argument('dev')
    s.add_argument('ref')
    s.add_argument('--count', type=int, default=500)
    s.add_argument('--seed', type=int, default=1)
    s.add_argument('--lbs', type=int, default=512)
    s.add_argument('--chunk', type=int, default=8)
    s.set_defaults(f=cmd_randread)

    s = sp.add_parser('lostcheck')
    s.add_argument('dev')
    s.add_argument('ref')
    s.add_argument('--chunk', type=int, required=True)
    s.add_argument('--k', type=int, required=True)
    s.add_argument('--n', type=int, required=True)
    s.add_argument('--missing', required=True)
    s.add_argument('--mib', type=int, default=0, help='only the first MiB')
    s.set_defaults(f=cmd_lostcheck)

    s = sp.add_parser('sweep')
    s.add_argument('--name', required=True)
    s.add_argument('--prefix', required=True)
    s.add_argument('--ref', required=True)
    s.add_argument('--sets', required=True)
    s.add_argument('--span-mib', type=int, default=0,
                   help='verify a window of this size per set (0: all)')
    s.add_argument('--randreads', type=int, default=0,
                   help='and this many small random reads per set')
    s.add_argument('--lbs', type=int, default=512)
    s.add_argument('--chunk', type=int, default=8)
    s.add_argument('members', nargs='+', help='member_dev=ram_dev')
    s.set_defaults(f=cmd_sweep)

    for name, f in (('meta-save', cmd_meta_save), ('meta-restore', cmd_meta_restore),
                    ('meta-cmp', cmd_meta_cmp)):
        s = sp.add_parser(name)
        s.add_argument('--sectors', type=int, default=DATA_OFFSET,
                       help='how much of each device to save or compare')
        s.add_argument('dir')
        s.add_argument('devs', nargs='+')
        s.set_defaults(f=f)

    s = sp.add_parser('sb-dump')
    s.add_argument('dev')
    s.add_argument('--copy', type=int, default=0, choices=(0, 1))
    s.set_defaults(f=cmd_sb_dump)

    s = sp.add_parser('sb-set')
    s.add_argument('dev')
    s.add_argument('--offset', type=int, required=True)
    s.add_argument('--fmt', default='I')
    s.add_argument('--value', required=True)
    s.add_argument('--copy', default='both', choices=('0', '1', 'both'))
    s.add_argument('--no-crc', action='store_true')
    s.set_defaults(f=cmd_sb_set)

    s = sp.add_parser('sb-patch')
    s.add_argument('dev')
    s.add_argument('fields', nargs='+')
    s.set_defaults(f=cmd_sb_patch)

    s = sp.add_parser('mkfiles')
    s.add_argument('dir')
    s.add_argument('manifest')
    s.add_argument('--count', type=int, default=3000)
    s.add_argument('--seed', type=int, default=3)
    s.set_defaults(f=cmd_mkfiles)

    s = sp.add_parser('dm')
    s.add_argument('op', choices=('create', 'remove', 'reload', 'status',
                                  'table', 'message'))
    s.add_argument('name')
    s.add_argument('arg', nargs='?', default='')
    s.add_argument('--fail-nth', type=int, metavar='N',
                   help='fail the N-th fault-injection site of the load and '
                   'resume (or message) ioctls (debug kernel)')
    s.set_defaults(f=cmd_dm)

    s = sp.add_parser('serve', help='run commands read from stdin, one per '
                      'line: "<token> <shell words>"; each answer ends with "<token> <rc>"')
    s.set_defaults(f=None)

    def run(argv):
        try:
            a = p.parse_args(argv)
        except SystemExit as e:
            return e.code if isinstance(e.code, int) else 2
        if a.f is None:
            return serve(run)
        try:
            return a.f(a)
        except OSError as e:
            out('# ecio %s: %s' % (a.cmd, e))
            return 2
    return run(sys.argv[1:])


def serve(run):
    """Each request is "<token> <command words>"; the answer is the
    command's output, then "<token> <exit status>"."""
    import shlex
    for line in sys.stdin:
        tok, _, rest = line.strip().partition(' ')
        try:
            argv = shlex.split(rest)
        except ValueError as e:
            out('# ecio serve: %s' % e)
            rc = 2
        else:
            rc = run(argv) if argv else 0
        sys.stderr.flush()
        out('%s %d' % (tok, rc or 0))
    return 0


if __name__ == '__main__':
    sys.exit(main())
