#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""metafuzz.py - superblock and bitmap corruption against two volumes with
known data (tests/kernel/t_metafuzz.sh sets them up and runs this once).

  metafuzz.py --iters N --seed S --save DIR --len L --k K --m M --chunk C
              --region R --vol A:REF:MEMBER=RAM,... --vol B:REF:MEMBER=RAM,...

Both volumes have the same geometry. Each iteration starts from the saved
member images, corrupts superblocks, bitmaps, member sizes or the member
order (see MUTATIONS), creates a volume from a table naming members of A
and/or B through the DM ioctls and judges the outcome:

  refused    the create failed and the kernel log names a member (index
             and the device in that slot) and a cause;
  assembled  every present member belongs to one volume (A or B), the
             superblocks the kernel wrote carry its UUID, and the data reads
             back identical to that volume's reference copy. EIO is allowed
             only while the status shows more than m members unusable.

Anything else is a failure ("FAIL ..." line). A volume assembled from
members of both A and B is always a failure. Exit status 0 when all
iterations passed, 1 otherwise. One "# ..." summary line per outcome class
and the refusal reasons seen, numbers folded.
"""
import argparse
import collections
import os
import random
import re
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecio  # noqa: E402

SECTOR = 512
META = 2048                 # superblocks + bitmap: what the fuzz changes
BM_OFF, BM_END = 16, 2048   # bitmap sectors
FIELDS = {                  # name: (offset, struct format)
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
    'reserved1': (800, '16s'), 'crc': (4092, 'I'),
}


def out(msg):
    print(msg, flush=True)


class Kmsg:
    """The kernel log records appended since the last mark()."""

    def __init__(self):
        try:
            self.fd = os.open('/dev/kmsg', os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            self.fd = None

    def mark(self):
        if self.fd is not None:
            os.lseek(self.fd, 0, os.SEEK_END)

    def lines(self):
        res = []
        while self.fd is not None:
            try:
                rec = os.read(self.fd, 8192)
            except BlockingIOError:
                break
            except BrokenPipeError:
                continue
            txt = rec.decode(errors='replace')
            res.append(txt.split(';', 1)[-1].split('\n', 1)[0])
        return res


def crc_fix(blk):
    struct.pack_into('<I', blk, 4092,
                     ecio.CRC_STYLES['crc32c'](bytes(blk[:4092])))


def dev_name(path):
    """MAJ:MIN of a device: the name dm-ec prints for a member."""
    st = os.stat(path)
    return '%d:%d' % (os.major(st.st_rdev), os.minor(st.st_rdev))


class Member:
    def __init__(self, vol, idx, path, ram):
        self.vol, self.idx, self.path, self.ram = vol, idx, path, ram
        self.name = dev_name(path)
        self.sectors = ecio.dev_bytes(path) // SECTOR
        self.image = None           # metadata + data, as saved

    def label(self):
        return '%s%d' % (self.vol, self.idx)


class Fuzz:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.k, self.m, self.chunk = a.k, a.m, a.chunk
        self.n = a.k + a.m
        self.vols = {}
        self.refs = {}
        for spec in a.vol:
            name, ref, members = spec.split(':', 2)
            mems = []
            for i, pair in enumerate(members.split(',')):
                path, ram = pair.split('=')
                mems.append(Member(name, i, path, ram))
            self.vols[name] = mems
            self.refs[name] = ref
        self.kmsg = Kmsg()
        self.touched = set()
        self.stats = collections.Counter()
        self.reasons = collections.Counter()
        self.examples = {}
        self.fails = 0
        self.uuid = {}
        for name, mems in self.vols.items():
            for mb in mems:
                mb.image = ecio.read_meta(mb.ram, (8192 + a.data_sectors) * SECTOR)
            self.uuid[name] = bytes(mems[0].image[16:32])
        self.full = {mb.ram: mb.sectors for ms in self.vols.values() for mb in ms}

    # -- members -------------------------------------------------------
    def restore(self, mb, data=False):
        n = len(mb.image) if data else META * SECTOR
        ecio.restore_meta(mb.ram, mb.image[:n])

    def resize(self, mb, sectors):
        """Swap the member's dm-linear for a shorter one (or back)."""
        name = os.path.basename(mb.path)
        table = '0 %d linear %s 0' % (sectors, mb.ram)
        ecio.dm_ioctl(ecio.DM_DEV_SUSPEND, name, flags=ecio.DM_SUSPEND_FLAG)
        try:
            ecio.dm_load(name, table)
        finally:
            ecio.dm_resume(name)

    def sb(self, mb, copy):
        return bytearray(ecio.read_sb(mb.ram, copy))

    def put_sb(self, mb, copy, blk):
        self.touched.add(mb)
        ecio.write_sb(mb.ram, copy, blk)

    # -- mutations -----------------------------------------------------
    def mutate_field(self, mb, desc):
        """A random field (or byte) of one or both copies; crc fixed or not."""
        rng = self.rng
        copies = rng.choice([(0,), (1,), (0, 1), (0, 1)])
        fix = rng.random() < 0.75
        if rng.random() < 0.8:
            field = rng.choice(list(FIELDS))
            off, fmt = FIELDS[field]
            size = struct.calcsize('<' + fmt)
        else:
            field = 'byte'
            off, size = rng.randrange(0, 4096), 1
        how = rng.choice(['flip', 'flip', 'flip', 'zero', 'ones', 'random',
                          'small', 'plus1', 'minus1'])
        for c in copies:
            blk = self.sb(mb, c)
            val = int.from_bytes(blk[off:off + size], 'little')
            if how == 'flip':
                val ^= 1 << rng.randrange(size * 8)
            elif how == 'zero':
                val = 0
            elif how == 'ones':
                val = (1 << size * 8) - 1
            elif how == 'random':
                val = rng.getrandbits(size * 8)
            elif how == 'small':
                val = rng.randrange(0, 40)
            elif how == 'plus1':
                val = (val + 1) % (1 << size * 8)
            else:
                val = (val - 1) % (1 << size * 8)
            if field in ('member_state', 'member_uuids') and size > 4 and how != 'flip':
                # one slot's entry only
                if field == 'member_state':
                    s = rng.randrange(self.n)
                    blk[off + s] = rng.choice([0, 1, 2, 3, rng.randrange(256)])
                else:
                    s = rng.randrange(self.n)
                    blk[off + 16 * s:off + 16 * s + 16] = rng.randbytes(16)
            else:
                blk[off:off + size] = val.to_bytes(size, 'little')
            if fix and field != 'crc':
                crc_fix(blk)
            self.put_sb(mb, c, blk)
        desc.append('%s: %s %s of copy %s%s' % (mb.label(), how, field,
                    '+'.join(map(str, copies)), ' (crc fixed)' if fix else ''))

    def mutate_version(self, mb, desc):
        v = self.rng.choice([0, 2, 3, 0xffffffff, 0x100])
        copies = self.rng.choice([(0,), (1,), (0, 1), (0, 1), (0, 1)])
        for c in copies:
            blk = self.sb(mb, c)
            struct.pack_into('<I', blk, 8, v)
            crc_fix(blk)
            self.put_sb(mb, c, blk)
        desc.append('%s: version %d in copy %s' % (mb.label(), v,
                    '+'.join(map(str, copies))))

    def one_copy_bad(self, mb, desc):
        """One copy garbage or torn; the other good: must assemble."""
        c = self.rng.randrange(2)
        blk = self.sb(mb, c)
        how = self.rng.choice(['garbage', 'torn', 'crc', 'zero'])
        if how == 'garbage':
            blk[:] = self.rng.randbytes(4096)
        elif how == 'torn':
            cut = self.rng.randrange(1, 4096)
            blk[cut:] = bytes(4096 - cut)
        elif how == 'crc':
            blk[self.rng.randrange(4092)] ^= 1 << self.rng.randrange(8)
        else:
            blk[:] = bytes(4096)
        self.put_sb(mb, c, blk)
        desc.append('%s: copy %d %s' % (mb.label(), c, how))

    def older_copy(self, mb, desc):
        """Copy 1 newer (events + 1) than copy 0 with a changed state."""
        blk = self.sb(mb, 1)
        ev = struct.unpack_from('<Q', blk, 80)[0]
        struct.pack_into('<Q', blk, 80, ev + 1)
        if self.rng.random() < 0.5:
            blk[256 + self.rng.randrange(self.n)] = self.rng.choice([1, 2, 3])
        if self.rng.random() < 0.5:
            struct.pack_into('<I', blk, 12,
                             struct.unpack_from('<I', blk, 12)[0] & ~1)
        crc_fix(blk)
        self.put_sb(mb, 1, blk)
        desc.append('%s: copy 1 newer (events+1), state/flags changed' % mb.label())

    def bitmap_garbage(self, mb, desc):
        rng = self.rng
        nsec = rng.choice([1, 1, 8, rng.randrange(1, BM_END - BM_OFF)])
        first = BM_OFF + rng.randrange(0, BM_END - BM_OFF - nsec + 1)
        if rng.random() < 0.3:
            first = BM_OFF
        self.touched.add(mb)
        d = ecio.Direct(mb.ram, write=True, size=nsec * SECTOR)
        how = rng.choice(['random', 'ones', 'zero'])
        data = {'random': lambda: rng.randbytes(nsec * SECTOR),
                'ones': lambda: b'\xff' * nsec * SECTOR,
                'zero': lambda: bytes(nsec * SECTOR)}[how]()
        d.pwrite(data, first * SECTOR)
        d.close()
        desc.append('%s: bitmap sectors %d..%d %s' % (mb.label(), first,
                    first + nsec - 1, how))

    def unclean(self, mb, desc):
        """Clear the CLEAN flag (both copies, crc fixed): resync by bitmap."""
        for c in (0, 1):
            blk = self.sb(mb, c)
            struct.pack_into('<I', blk, 12,
                             struct.unpack_from('<I', blk, 12)[0] & ~1)
            crc_fix(blk)
            self.put_sb(mb, c, blk)
        desc.append('%s: CLEAN cleared' % mb.label())

    # -- one iteration -------------------------------------------------
    def iteration(self, it):
        rng = self.rng
        desc = []
        self.touched = set()
        main = rng.choice(sorted(self.vols))
        other = [v for v in sorted(self.vols) if v != main][0]
        slots = list(self.vols[main])
        kind = rng.choice(['field', 'field', 'field', 'field', 'version',
                           'copy', 'copy', 'older', 'bitmap', 'bitmap',
                           'truncate', 'swap', 'mix', 'mix', 'missing',
                           'combo', 'combo'])
        resized = []
        kinds = [kind] if kind != 'combo' else \
            rng.sample(['field', 'version', 'copy', 'older', 'bitmap',
                        'truncate', 'swap', 'mix', 'missing', 'unclean'], 2)
        opts = []
        for kd in kinds:
            # members still in the table (an earlier kind may have left
            # slots missing)
            here = [x for x in slots if x is not None]
            if not here:
                continue
            mb = rng.choice(here)
            if kd == 'field':
                for _ in range(rng.choice([1, 1, 1, 2])):
                    self.mutate_field(rng.choice(here), desc)
            elif kd == 'version':
                self.mutate_version(mb, desc)
            elif kd == 'copy':
                for x in rng.sample(here, rng.randint(1, len(here))):
                    self.one_copy_bad(x, desc)
            elif kd == 'older':
                self.older_copy(mb, desc)
            elif kd in ('bitmap', 'unclean'):
                for x in rng.sample(here, rng.randint(1, len(here))):
                    self.bitmap_garbage(x, desc)
                if kd == 'unclean' or rng.random() < 0.5:
                    for x in here:
                        self.unclean(x, desc)
            elif kd == 'truncate':
                full = self.full[mb.ram]
                size = rng.choice([rng.randrange(8192, full),
                                   full - rng.randrange(1, 64),
                                   8192 + rng.randrange(0, 64),
                                   rng.randrange(16, 8192)])
                self.resize(mb, size)
                resized.append(mb)
                desc.append('%s: truncated to %d of %d sectors' % (mb.label(),
                            size, full))
            elif kd == 'swap':
                i, j = rng.sample(range(self.n), 2)
                if isinstance(slots[i], Member) and isinstance(slots[j], Member):
                    slots[i], slots[j] = slots[j], slots[i]
                    desc.append('slots %d and %d swapped' % (i, j))
                if rng.random() < 0.3:
                    opts += ['rebuild', str(i)]
            elif kd == 'mix':
                for s in rng.sample(range(self.n), rng.randint(1, self.n - 1)):
                    slots[s] = self.vols[other][s] if rng.random() < 0.8 else \
                        self.vols[other][rng.randrange(self.n)]
                desc.append('mixed with %s: %s' % (other, ' '.join(
                    x.label() if x else '-' for x in slots)))
            elif kd == 'missing':
                for s in rng.sample(range(self.n), rng.randint(1, self.m + 1)):
                    slots[s] = None
                desc.append('missing: %s' % ' '.join(
                    x.label() if x else '-' for x in slots))
        if not opts and rng.random() < 0.1:
            s = rng.randrange(self.n)
            if slots[s] is not None:
                opts += ['rebuild', str(s)]
        table = '0 %d ec %d %d %d %d%s %s' % (
            self.a.len, self.k, self.m, self.chunk, len(opts),
            ''.join(' ' + o for o in opts),
            ' '.join(x.path if x else '-' for x in slots))
        why = self.judge(it, slots, table, desc, kinds, opts)
        # put everything back
        for mb in resized:
            self.resize(mb, self.full[mb.ram])
        return why

    def judge(self, it, slots, table, desc, kinds, opts):
        name = 'ecmf'
        self.kmsg.mark()
        t0 = time.monotonic()
        try:
            dev = ecio.dm_create(name, table)
        except OSError as e:
            el = time.monotonic() - t0
            lines = self.kmsg.lines()
            return self.refused(it, slots, table, desc, kinds, e, lines, el)
        busy = True
        try:
            return self.assembled(it, slots, table, desc, kinds, opts, dev)
        finally:
            try:
                st = ecio.dm_status(name).split()
                # nothing but superblocks written: healthy, idle, never synced
                busy = len(st) < 8 or set(st[6]) != {'A'} or st[8] != 'idle' \
                    or not st[7].startswith('0/')
            except OSError:
                pass
            try:
                ecio.dm_remove(name)
            except OSError as e:
                self.fail(it, table, desc, 'remove failed: %s' % e)
            present = [x for x in slots if x is not None]
            for mb in set(present) | self.touched:
                self.restore(mb, data=busy)
            if busy:
                self.stats['data areas put back (a sync ran)'] += 1

    def refused(self, it, slots, table, desc, kinds, err, lines, el):
        present = [x for x in slots if x is not None]
        # a refused table writes nothing: put back what the fuzz changed
        for mb in set(present) | self.touched:
            self.restore(mb)
        reason = None
        for ln in lines:
            # "member I (MAJ:MIN) why" or, for the table's own words,
            # "member I: device WORD why"
            mt = re.search(r'ec: (member (\d+) \(([^)]*)\) .*)$', ln) or \
                re.search(r'ec: (member (\d+): device (\S+) .*)$', ln)
            if mt:
                reason = mt
                break
        if reason is None:
            return self.fail(it, table, desc,
                             'refused (%s) without a reason naming a member in the kernel log: %s'
                             % (err.strerror, ' | '.join(l for l in lines if 'ec' in l)[-400:]))
        idx, dname = int(reason.group(2)), reason.group(3)
        if idx >= self.n or slots[idx] is None or \
                dname not in (slots[idx].name, slots[idx].path):
            return self.fail(it, table, desc,
                             'reason names member %d (%s), not the device in that slot (%s): %s'
                             % (idx, dname, slots[idx].name if idx < self.n and slots[idx] else '-',
                                reason.group(1)))
        # Mixed volumes, swapped slots, another version: refusal is right.
        text = re.sub(r'\d+', '#', re.sub(r'\([^)]*\)', '()', reason.group(1)))
        self.reasons[text] += 1
        self.examples.setdefault(text, reason.group(1))
        self.stats['refused'] += 1
        self.stats['refused:' + '+'.join(kinds)] += 1
        return None

    def assembled(self, it, slots, table, desc, kinds, opts, dev):
        present = [x for x in slots if x is not None]
        vols = set(x.vol for x in present)
        if len(vols) > 1:
            return self.fail(it, table, desc,
                             'assembled from members of %s' % ' and '.join(sorted(vols)))
        for i, x in enumerate(slots):
            if x is not None and x.idx != i and not ('rebuild' in opts and
                                                     opts[opts.index('rebuild') + 1] == str(i)):
                return self.fail(it, table, desc,
                                 'assembled with %s in slot %d' % (x.label(), i))
        vol = vols.pop()
        st = ecio.dm_status('ecmf').split()
        health = st[6] if len(st) > 6 else ''
        # the kernel wrote superblocks at resume to the usable members
        # (unless more than m are lost: then it leaves them as they are,
        # and a fuzzed copy may still be there): a copy must say which
        # volume
        for i, x in enumerate(slots):
            if x is None or i >= len(health) or health[i] not in 'Aa':
                continue
            uuids = [bytes(ecio.read_sb(x.ram, c)[16:32]) for c in (0, 1)]
            if self.uuid[vol] not in uuids:
                return self.fail(it, table, desc,
                                 '%s carries a UUID that is not %s\'s after assembly'
                                 % (x.label(), vol))
        unusable = sum(1 for c in health if c in 'D-')
        alive = [c for c in health if c in 'Aa']
        if 'A' in alive:    # not a resync: 'a' members are rebuilding
            unusable += alive.count('a')
        elif 'rebuild' in opts:
            # no member in sync (a resync is due): the member named by
            # "rebuild" is still rebuilding all the same
            r = int(opts[opts.index('rebuild') + 1])
            if r < len(health) and health[r] == 'a':
                unusable += 1
        v = ecio.verify(dev, self.refs[vol], quiet=True)
        if v == 1:
            ecio.verify(dev, self.refs[vol])
            return self.fail(it, table, desc, 'WRONG DATA from the assembled volume (%s)'
                             % ' '.join(st[3:]))
        if v == 2:
            if unusable > self.m:
                self.stats['assembled, data lost (EIO, status says so)'] += 1
                return None
            return self.fail(it, table, desc, 'read error with health %s (%s)'
                             % (health, ' '.join(st[3:])))
        self.stats['assembled'] += 1
        self.stats['assembled:' + '+'.join(kinds)] += 1
        if 'D' in health or '-' in health or 'a' in health:
            self.stats['assembled, not all A at first'] += 1
        return None

    def fail(self, it, table, desc, why):
        self.fails += 1
        out('FAIL iteration %d: %s' % (it, why))
        out('#   table: %s' % table)
        for d in desc:
            out('#   %s' % d)
        return why

    def run(self):
        t0 = time.monotonic()
        for it in range(self.a.iters):
            self.iteration(it)
            if (it + 1) % 50 == 0:
                out('# %d iterations, %.0f s' % (it + 1, time.monotonic() - t0))
        out('# seed %d: %d iterations in %.1f s, %d failed' % (
            self.a.seed, self.a.iters, time.monotonic() - t0, self.fails))
        for k, v in sorted(self.stats.items()):
            if v:
                out('#   %-50s %d' % (k, v))
        out('# refusal reasons (numbers as #):')
        for k, v in self.reasons.most_common():
            out('#   %5d  %s' % (v, self.examples[k]))
        # every member as saved at the start
        bad = []
        for ms in self.vols.values():
            for mb in ms:
                now = ecio.read_meta(mb.ram, len(mb.image))
                if now[META * SECTOR:] != mb.image[META * SECTOR:]:
                    bad.append(mb.label())
        if bad:
            out('FAIL data areas changed after the fuzz: %s' % ' '.join(bad))
            self.fails += 1
        return 1 if self.fails else 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--iters', type=int, default=300)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--len', type=int, required=True)
    p.add_argument('--k', type=int, required=True)
    p.add_argument('--m', type=int, required=True)
    p.add_argument('--chunk', type=int, required=True)
    p.add_argument('--data-sectors', type=int, required=True)
    p.add_argument('--vol', action='append', required=True,
                   help='NAME:REF:member=ram,...')
    a = p.parse_args()
    return Fuzz(a).run()


if __name__ == '__main__':
    sys.exit(main())
