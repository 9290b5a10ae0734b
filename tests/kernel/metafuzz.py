#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""metafuzz.py - superblock, bitmap and partial-parity log corruption against
volumes with known data (tests/kernel/t_metafuzz.sh sets them up and runs
this once).

  metafuzz.py --iters N --seed S --len L --k K --m M --chunk C
              --data-sectors D --vol A:REF:MEMBER=RAM,... --vol B:REF:...
              [--logvol C:REF:MEMBER=DEV,... --log-chunk C --log-missing I
               --log-share F]

A and B have the same geometry. Each of their iterations starts from the
saved member images, corrupts superblocks, bitmaps, checkpoints, member
sizes or the member order, creates a volume from a table naming members
of A and/or B through the DM ioctls and judges the outcome:

  refused    the create failed and the kernel log names a member (index
             and the device in that slot) and a cause; never for
             checkpoints alone (they only say how much work is left);
  assembled  every present member belongs to one volume (A or B), the
             superblocks the kernel wrote carry its UUID, and the data reads
             back identical to that volume's reference copy. EIO is allowed
             only while the status shows more than m members unusable.
             Odd checkpoints: the work must finish first (all members A).

A share F of the iterations (LogFuzz) goes to C instead, whose members'
logs hold genuine entries written while member I was missing: entries
mutated, CLEAN cleared so that replay runs, then assembled with member I
absent, back (stale, rebuilt), or with other members absent. The model
(LogFuzz.judge_slot, from Documentation/format.md) classes every changed
slot: ignored (magic, gen, uuid or crc wrong), out of range (must be
named by member and slot in the kernel log, and nothing else may be),
torn (data_crc), FULL, or valid. The volume must assemble and read back
exactly (EIO only with more than m members absent or stale), except
that a valid entry the fuzz changed or crafted may
rewrite its stripe's parity: pages may then differ only in the data
blocks of that stripe whose members are absent or rebuilding, inside the
entry's sectors; when no such block exists, a full resync must leave
parity that reads back exactly with m members absent.

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
META = ecio.LOG_OFFSET      # superblocks + bitmap: what the fuzz changes
BM_OFF, BM_END = ecio.BITMAP_OFFSET, ecio.LOG_OFFSET   # bitmap sectors
FIELDS = ecio.SB_FIELDS


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


crc_fix = ecio.crc_fix
sb_get, sb_put = ecio.sb_get, ecio.sb_put


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
                mb.image = ecio.read_meta(mb.ram, (ecio.DATA_OFFSET + a.data_sectors) * SECTOR)
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
                          'small', 'plus1', 'minus1', 'extreme'])
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
            elif how == 'extreme':
                val = extreme(size, rng)
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
        v = self.rng.choice([0, 3, 4, 0xffffffff, 0x100])
        copies = self.rng.choice([(0,), (1,), (0, 1), (0, 1), (0, 1)])
        for c in copies:
            blk = self.sb(mb, c)
            sb_put(blk, 'version', v)
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
        sb_put(blk, 'events', sb_get(blk, 'events') + 1)
        if self.rng.random() < 0.5:
            blk[ecio.SB_STATE + self.rng.randrange(self.n)] = self.rng.choice([1, 2, 3])
        if self.rng.random() < 0.5:
            sb_put(blk, 'flags', sb_get(blk, 'flags') & ~ecio.SB_F_CLEAN)
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

    def checkpoint(self, here, desc):
        """resync_cp/rebuild_cp odd (unaligned, past the end, 2^64-1) on
        every member, a slot rebuilding, crc fixed: must assemble, finish
        and read back exactly."""
        rng = self.rng
        ds = self.a.data_sectors

        def cp():
            return rng.choice([rng.randrange(1, ds), rng.randrange(ds // 8) * 8 + 1,
                               ds, ds + 1, ds + rng.randrange(1, 1 << 20),
                               (1 << 64) - 1, 1 << 63, (1 << 64) - 4096,
                               1 << 32, 0])
        rcp, bcp = cp(), cp()
        slot = rng.randrange(self.n)
        synced = rng.random() < 0.6
        for mb in here:
            for c in (0, 1):
                blk = self.sb(mb, c)
                sb_put(blk, 'resync_cp', rcp)
                sb_put(blk, 'rebuild_cp', bcp)
                blk[ecio.SB_STATE + slot] = 2
                if not synced:
                    sb_put(blk, 'flags', sb_get(blk, 'flags') & ~ecio.SB_F_SYNCED)
                crc_fix(blk)
                self.put_sb(mb, c, blk)
        desc.append('resync_cp %#x rebuild_cp %#x, slot %d rebuilding%s, on %s'
                    % (rcp, bcp, slot, '' if synced else ', SYNCED cleared',
                       ' '.join(x.label() for x in here)))

    def geometry(self, here, desc):
        """A layout field at an extreme on one member or all (crc fixed):
        refused naming the member, or assembled exact."""
        rng = self.rng
        field = rng.choice(['data_sectors', 'data_offset', 'chunk_sectors',
                            'region_sectors', 'bitmap_sectors', 'bitmap_offset',
                            'log_offset', 'log_sectors'])
        off, fmt = FIELDS[field]
        size = struct.calcsize('<' + fmt)
        val = extreme(size, rng)
        which = here if rng.random() < 0.5 else [rng.choice(here)]
        for mb in which:
            for c in (0, 1):
                blk = self.sb(mb, c)
                blk[off:off + size] = val.to_bytes(size, 'little')
                crc_fix(blk)
                self.put_sb(mb, c, blk)
        desc.append('%s %#x on %s (crc fixed)' % (field, val, ' '.join(
            x.label() for x in which)))

    def unclean(self, mb, desc):
        """Clear the CLEAN flag (both copies, crc fixed): resync by bitmap."""
        for c in (0, 1):
            blk = self.sb(mb, c)
            sb_put(blk, 'flags', sb_get(blk, 'flags') & ~ecio.SB_F_CLEAN)
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
                           'checkpoint', 'geometry', 'combo', 'combo'])
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
            elif kd == 'checkpoint':
                self.checkpoint(here, desc)
            elif kd == 'geometry':
                self.geometry(here, desc)
            elif kd in ('bitmap', 'unclean'):
                for x in rng.sample(here, rng.randint(1, len(here))):
                    self.bitmap_garbage(x, desc)
                if kd == 'unclean' or rng.random() < 0.5:
                    for x in here:
                        self.unclean(x, desc)
            elif kd == 'truncate':
                full = self.full[mb.ram]
                doff = ecio.DATA_OFFSET
                size = rng.choice([rng.randrange(doff, full),
                                   full - rng.randrange(1, 64),
                                   doff + rng.randrange(0, 64),
                                   rng.randrange(16, doff)])
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
        table = ecio.ec_table(self.a.len, self.k, self.m, self.chunk, opts,
                              [x.path if x else '-' for x in slots])
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
        nmiss = sum(1 for x in slots if x is None)
        for ln in lines if reason is None and ' rebuild ' in table else []:
            # a table-level refusal: "rebuild" with more than m members
            # out of sync (the ones missing here and the one named)
            mt = re.search(r'ec: rebuild: (\d+) members failed, missing or rebuilding: '
                           r'more than m = (\d+)', ln)
            if mt and int(mt.group(2)) == self.m and \
                    int(mt.group(1)) > self.m and int(mt.group(1)) >= nmiss + 1:
                self.stats['refused: rebuild with more than m out of sync'] += 1
                return None
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
        if kinds == ['checkpoint']:
            return self.fail(it, table, desc, 'odd checkpoints refused: %s'
                             % reason.group(1))
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
        if kinds == ['checkpoint']:
            # the work the checkpoints describe must finish
            t0 = time.monotonic()
            while True:
                st = ecio.dm_status('ecmf').split()
                if st[8] == 'idle' and 'a' not in st[6]:
                    break
                if time.monotonic() - t0 > 120:
                    return self.fail(it, table, desc, 'odd checkpoints: sync did not finish (%s)'
                                     % ' '.join(st[3:]))
                time.sleep(0.05)
            health = st[6]
            if set(health) != {'A'}:
                return self.fail(it, table, desc, 'odd checkpoints: health %s after the sync'
                                 % health)
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
        self.log = LogFuzz(self, self.a) if self.a.logvol else None
        self.secs, self.nits = collections.Counter(), collections.Counter()
        for it in range(self.a.iters):
            t1 = time.monotonic()
            if self.log and self.rng.random() < self.a.log_share:
                cls = 'log volume'
                try:
                    self.log.iteration(it)
                except OSError as e:
                    self.fail(it, '-', [], 'log iteration: %s' % e)
                    self.log.restore()
            else:
                cls = 'A/B'
                self.iteration(it)
            self.secs[cls] += time.monotonic() - t1
            self.nits[cls] += 1
            if (it + 1) % 50 == 0:
                out('# %d iterations, %.0f s' % (it + 1, time.monotonic() - t0))
        out('# seed %d: %d iterations in %.1f s, %d failed' % (
            self.a.seed, self.a.iters, time.monotonic() - t0, self.fails))
        for cls in sorted(self.nits):
            out('#   %s: %d iterations, %.2f s each' % (
                cls, self.nits[cls], self.secs[cls] / self.nits[cls]))
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
        for mb in self.log.mems if self.log else []:
            if ecio.read_meta(mb.ram, len(mb.image)) != mb.image:
                bad.append(mb.label())
        if bad:
            out('FAIL data areas changed after the fuzz: %s' % ' '.join(bad))
            self.fails += 1
        return 1 if self.fails else 0


# -- the partial-parity log (the third volume, C) --------------------------
LOG_OFF, LOG_END = ecio.LOG_OFFSET, ecio.DATA_OFFSET   # log area, sectors
LOG_MAGIC = ecio.LOG_MAGIC
LOG_FULL = ecio.LOG_F_FULL
LOG_FIELDS = ecio.LOG_FIELDS
EXTREMES = [0, 1, 1 << 31, 1 << 32, 3 << 32, 1 << 63, (1 << 64) - 4096,
            (1 << 64) - 1, (1 << 32) - 8, (1 << 32) - 0x80]


def crc32c(data):
    return ecio.CRC_STYLES['crc32c'](data)


def extreme(size, rng):
    return rng.choice(EXTREMES) % (1 << size * 8)


class LogFuzz:
    """Log iterations on volume C: genuine entries (written while member D
    was missing) mutated, CLEAN cleared so that replay runs at assembly,
    and the outcome judged against a model of the documented rules."""

    def __init__(self, fz, a):
        self.fz, self.rng = fz, fz.rng
        self.k, self.m, self.n = a.k, a.m, a.k + a.m
        self.chunk = a.log_chunk
        self.slice = min(self.chunk, 128)
        self.rows = a.data_sectors // self.chunk
        self.slot_sectors = 8 + self.slice
        self.nslots = min(0xffff, (LOG_END - LOG_OFF) // self.slot_sectors)
        self.len = self.k * a.data_sectors
        self.dead = a.log_missing           # member D: missing while written
        name, self.ref, members = a.logvol.split(':', 2)
        self.mems = []
        for i, pair in enumerate(members.split(',')):
            path, ram = pair.split('=')
            self.mems.append(Member(name, i, path, ram))
        nbytes = (ecio.DATA_OFFSET + a.data_sectors) * SECTOR
        for mb in self.mems:
            mb.image = ecio.read_meta(mb.ram, nbytes)
        sb = self.mems[(self.dead + 1) % self.n].image
        self.gen = sb_get(sb, 'log_gen')
        self.uuid = sb_get(sb, 'array_uuid')
        with open(self.ref, 'rb') as f:
            self.refdata = f.read()
        # the genuine entries: (member, slot)
        self.genuine = [(i, s) for i in range(self.n) for s in range(self.nslots)
                        if struct.unpack_from('<Q', self.slot(i, s))[0] == LOG_MAGIC]
        self.partial = [(i, s) for i, s in self.genuine
                        if not struct.unpack_from('<I', self.slot(i, s), 64)[0] & LOG_FULL]
        per = collections.Counter(i for i, _ in self.genuine)
        out('# log volume: chunk %d, %d stripes, %d slots of %d sectors; entries per member: %s; log_gen %d'
            % (self.chunk, self.rows, self.nslots, self.slot_sectors,
               ' '.join('%d:%d' % (i, per[i]) for i in range(self.n)), self.gen)
            + ', %d with partial parity' % len(self.partial))
        if len(self.genuine) < 4:
            fz.fail(-1, '-', [], 'the log volume holds only %d log entries' % len(self.genuine))

    # geometry (format.md, "Data layout")
    def member_of(self, row, b):
        return ecio.member_of(row, b, self.n)

    def block_of(self, row, mem):
        return ecio.block_of(row, mem, self.n)

    def slot_off(self, s):
        return (LOG_OFF + s * self.slot_sectors) * SECTOR

    def slot(self, i, s, img=None):
        img = self.mems[i].image if img is None else img
        o = self.slot_off(s)
        return img[o:o + self.slot_sectors * SECTOR]

    # -- the model: what replay may do with a slot ----------------------
    def judge_slot(self, i, s, blk):
        """None (ignored silently), 'range' (ignored with a warning naming
        member and slot), 'torn' (partial parity does not match data_crc),
        'full' (valid, restores nothing) or 'valid'."""
        magic, gen, seq, row = struct.unpack_from('<QQQQ', blk, 0)
        first, nr, written, parity, flags = struct.unpack_from('<IIIII', blk, 48)
        if magic != LOG_MAGIC or gen != self.gen or bytes(blk[32:48]) != self.uuid or \
                struct.unpack_from('<I', blk, 4092)[0] != crc32c(bytes(blk[:4092])):
            return None
        b = self.block_of(row, i) if row < self.rows else 0
        pmask = ((1 << self.n) - 1) & ~((1 << self.k) - 1)
        if row >= self.rows or first % 8 or nr % 8 or nr == 0 or \
                first >= self.chunk or nr > self.chunk - first or \
                first // self.slice * self.slice + self.slice < first + nr or \
                b < self.k or not parity & (1 << b) or parity & ~pmask or \
                written & ~((1 << self.k) - 1) or flags & ~LOG_FULL:
            return 'range'
        if flags & LOG_FULL:
            return 'full'
        dcrc = struct.unpack_from('<I', blk, 68 + 4 * (b - self.k))[0]
        if crc32c(bytes(blk[4096:4096 + nr * SECTOR])) != dcrc:
            return 'torn'
        return 'valid'

    # -- mutations of the in-memory log areas ---------------------------
    def pick(self, logs, partial=False):
        """A genuine entry (partial: one with partial parity, if any)."""
        cands = self.partial if partial and self.partial else self.genuine
        i, s = self.rng.choice(cands)
        return i, s, self.get(logs, i, s)

    def get(self, logs, i, s):
        if (i, s) not in logs:
            logs[(i, s)] = bytearray(self.slot(i, s))
        return logs[(i, s)]

    def fix_crc(self, blk):
        struct.pack_into('<I', blk, 4092, crc32c(bytes(blk[:4092])))

    def fix_dcrc(self, blk, i):
        row, = struct.unpack_from('<Q', blk, 24)
        nr, = struct.unpack_from('<I', blk, 52)
        b = self.block_of(row % (1 << 64), i)
        if self.k <= b < self.n and nr <= self.slice:
            struct.pack_into('<I', blk, 68 + 4 * (b - self.k),
                             crc32c(bytes(blk[4096:4096 + nr * SECTOR])))

    def m_field(self, logs, desc):
        rng = self.rng
        i, s, blk = self.pick(logs)
        field = rng.choice(list(LOG_FIELDS))
        off, fmt = LOG_FIELDS[field]
        size = struct.calcsize('<' + fmt)
        if field == 'reserved':
            off, size = 84 + rng.randrange(4008), 1
        how = rng.choice(['flip', 'flip', 'zero', 'ones', 'random', 'plus1',
                          'minus1', 'extreme', 'extreme'])
        val = int.from_bytes(blk[off:off + size], 'little')
        top = 1 << size * 8
        if field in ('first_sector', 'nr_sectors') and how == 'extreme':
            first, nr = rng.choice([(0xFFFFFF80, 0x80), (0xFFFFFFF8, 8),
                                    (0, self.chunk + 8), (self.chunk - 8, 16),
                                    (self.slice - 8, 16), (self.chunk, 8),
                                    (0, 0), (8, 0xFFFFFFF8), (4, 8), (0, 4),
                                    (0, self.slice), (self.chunk - 8, 8)])
            struct.pack_into('<II', blk, 48, first, nr)
            how = 'first/nr %#x/%#x' % (first, nr)
        else:
            val = {'flip': lambda: val ^ (1 << rng.randrange(size * 8)),
                   'zero': lambda: 0, 'ones': lambda: top - 1,
                   'random': lambda: rng.getrandbits(size * 8),
                   'plus1': lambda: (val + 1) % top,
                   'minus1': lambda: (val - 1) % top,
                   'extreme': lambda: extreme(size, rng)}[how]()
            if field == 'stripe' and how == 'extreme':
                val = rng.choice([self.rows, self.rows - 1, self.rows + 1, val])
            row, = struct.unpack_from('<Q', blk, 24)
            own = 1 << self.block_of(row, i)
            pmask = ((1 << self.n) - 1) & ~((1 << self.k) - 1)
            if field == 'parity' and how == 'extreme':
                # this member's bit left out, a data block or one past n
                val = rng.choice([pmask & ~own, 0, own | 1, own | 1 << self.n,
                                  own | 1 << 31])
            if field == 'written' and how == 'extreme':
                val = rng.choice([1 << self.k, own, (1 << self.k) - 1,
                                  1 << 31, (1 << self.n) - 1])
            blk[off:off + size] = val.to_bytes(size, 'little')
        fix = field != 'crc' and rng.random() < 0.75
        if fix:
            self.fix_crc(blk)
        desc.append('C%d slot %d: %s %s%s' % (i, s, how, field,
                    ' (crc fixed)' if fix else ''))

    def m_range(self, logs, desc):
        """One range rule broken in a genuine entry, everything else left
        valid (crc fixed, the stripe's block of this member unchanged):
        replay must ignore it with a warning. Without the weight of this
        kind a kernel that dropped one rule (own parity bit, stripe past
        the end) went unnoticed in make check's rounds."""
        rng = self.rng
        i, s, blk = self.pick(logs)
        row, = struct.unpack_from('<Q', blk, 24)
        first, nr, written, parity, flags = struct.unpack_from('<IIIII', blk, 48)
        b = self.block_of(row, i)
        pmask = ((1 << self.n) - 1) & ~((1 << self.k) - 1)
        rule = rng.choice(['stripe end', 'stripe far', 'own parity bit',
                           'parity data bit', 'written past k', 'flags',
                           'past the chunk', 'nr 0', 'unaligned',
                           'across a slice'])
        if rule == 'stripe end':        # same block of this member
            row += self.n * (-(-(self.rows - row) // self.n) + rng.randrange(3))
        elif rule == 'stripe far':
            row += self.n * ((((1 << 64) - 1 - row) // self.n) - rng.randrange(4))
        elif rule == 'own parity bit':
            parity = (pmask | parity) & ~(1 << b)
            if rng.random() < 0.5:
                parity &= ~pmask | (1 << rng.randrange(self.k, self.n))
                parity &= ~(1 << b)
        elif rule == 'parity data bit':
            parity |= 1 << rng.randrange(self.k)
        elif rule == 'written past k':
            written |= 1 << rng.randrange(self.k, 32)
        elif rule == 'flags':
            flags |= 1 << rng.randrange(32) & ~LOG_FULL or 1 << 31
        elif rule == 'past the chunk':
            first, nr = self.chunk - 8, rng.choice([16, 0x10000 - 8])
        elif rule == 'nr 0':
            nr = 0
        elif rule == 'unaligned':
            first += rng.choice([1, 4, 7]) if rng.random() < 0.5 else 0
            nr += 0 if first % 8 else rng.choice([1, 4])
        else:
            first, nr = self.slice - 8, 16
        struct.pack_into('<Q', blk, 24, row % (1 << 64))
        struct.pack_into('<IIIII', blk, 48, first % (1 << 32), nr % (1 << 32),
                         written % (1 << 32), parity % (1 << 32), flags % (1 << 32))
        self.fix_crc(blk)
        desc.append('C%d slot %d: range: %s (stripe %d sectors %d+%d written %#x parity %#x flags %#x)'
                    % (i, s, rule, row % (1 << 64), first, nr, written, parity, flags))

    def m_gen(self, logs, desc):
        i, s, blk = self.pick(logs)
        d = self.rng.choice([1, -1])
        struct.pack_into('<Q', blk, 8, (self.gen + d) % (1 << 64))
        self.fix_crc(blk)
        desc.append('C%d slot %d: gen log_gen%+d (crc fixed)' % (i, s, d))

    def m_seq(self, logs, desc):
        rng = self.rng
        i, s, blk = self.pick(logs)
        same = [x for x in self.genuine if x[0] == i and x[1] != s]
        if same and rng.random() < 0.6:
            s2 = rng.choice(same)[1]
            blk2 = self.get(logs, i, s2)
            a, b = blk[16:24], blk2[16:24]
            blk[16:24], blk2[16:24] = b, a
            self.fix_crc(blk)
            self.fix_crc(blk2)
            desc.append('C%d: seq of slots %d and %d swapped (crc fixed)' % (i, s, s2))
        else:
            v = rng.choice([0, 1, (1 << 64) - 1, 1 << 63])
            struct.pack_into('<Q', blk, 16, v)
            self.fix_crc(blk)
            desc.append('C%d slot %d: seq %#x (crc fixed)' % (i, s, v))

    def m_pp(self, logs, desc):
        rng = self.rng
        i, s, blk = self.pick(logs, partial=True)
        nr, = struct.unpack_from('<I', blk, 52)
        n = max(1, min(nr, self.slice)) * SECTOR
        for _ in range(rng.randint(1, 4)):
            blk[4096 + rng.randrange(n)] ^= 1 << rng.randrange(8)
        fix = rng.random() < 0.5
        if fix:
            self.fix_dcrc(blk, i)
            self.fix_crc(blk)
        desc.append('C%d slot %d: partial parity bytes flipped%s' % (
            i, s, ' (data_crc and crc fixed)' if fix else ''))

    def m_copy(self, logs, desc, present):
        rng = self.rng
        i, s, blk = self.pick(logs)
        j = rng.choice(present)
        t = rng.randrange(self.nslots)
        if (j, t) == (i, s):
            return
        dst = self.get(logs, j, t)
        dst[:] = blk
        how = 'as is'
        if rng.random() < 0.5:
            # made valid for the target where it can be: its block a parity
            row, = struct.unpack_from('<Q', dst, 24)
            b = self.block_of(row, j)
            if b >= self.k:
                par, = struct.unpack_from('<I', dst, 60)
                struct.pack_into('<I', dst, 60, par | 1 << b)
                self.fix_dcrc(dst, j)
                self.fix_crc(dst)
                how = 'made valid there'
        desc.append('C%d slot %d copied to C%d slot %d (%s)' % (i, s, j, t, how))

    def m_craft(self, logs, desc, present):
        """A new entry valid by every rule, random partial parity."""
        rng = self.rng
        j = rng.choice(present)
        rows = [r for r in range(self.rows) if self.block_of(r, j) >= self.k]
        row = rng.choice(rows)
        b = self.block_of(row, j)
        sl = rng.randrange(self.chunk // self.slice) * self.slice
        first = sl + 8 * rng.randrange(self.slice // 8)
        nr = 8 * rng.randint(1, (sl + self.slice - first) // 8)
        t = rng.randrange(self.nslots)
        blk = self.get(logs, j, t)
        blk[:] = bytes(len(blk))
        written = rng.getrandbits(self.k)
        flags = LOG_FULL if rng.random() < 0.15 else 0
        struct.pack_into('<QQQQ', blk, 0, LOG_MAGIC, self.gen,
                         rng.choice([rng.getrandbits(64), rng.randrange(1 << 20)]), row)
        blk[32:48] = self.uuid
        struct.pack_into('<IIIII', blk, 48, first, nr, written, 1 << b, flags)
        blk[4096:4096 + nr * SECTOR] = rng.randbytes(nr * SECTOR)
        self.fix_dcrc(blk, j)
        self.fix_crc(blk)
        desc.append('C%d slot %d: crafted valid entry stripe %d sectors %d+%d written %#x%s'
                    % (j, t, row, first, nr, written, ' FULL' if flags else ''))

    def m_garbage(self, logs, desc, present):
        rng = self.rng
        j = rng.choice(present)
        t = rng.randrange(self.nslots)
        blk = self.get(logs, j, t)
        blk[:4096] = rng.randbytes(4096)
        how = 'random header'
        if rng.random() < 0.6:
            struct.pack_into('<QQ', blk, 0, LOG_MAGIC, self.gen)
            blk[32:48] = self.uuid
            if rng.random() < 0.5:
                blk[84:4092] = bytes(4008)
                struct.pack_into('<Q', blk, 24, rng.randrange(self.rows * 2))
            self.fix_crc(blk)
            how = 'random fields with magic, gen, uuid (crc fixed)'
        desc.append('C%d slot %d: %s' % (j, t, how))

    # -- one log iteration ------------------------------------------------
    def put_slots(self, logs):
        for (i, s), blk in logs.items():
            d = ecio.Direct(self.mems[i].ram, write=True, size=len(blk))
            d.pwrite(bytes(blk), self.slot_off(s))
            os.fsync(d.fd)
            d.close()

    def set_flags(self, mb, clear, resync_cp=None):
        for c in (0, 1):
            blk = bytearray(ecio.read_sb(mb.ram, c))
            sb_put(blk, 'flags', sb_get(blk, 'flags') & ~clear)
            if resync_cp is not None:
                sb_put(blk, 'resync_cp', resync_cp)
            crc_fix(blk)
            ecio.write_sb(mb.ram, c, blk)

    def table(self, absent):
        return ecio.ec_table(self.len, self.k, self.m, self.chunk, (),
                             ['-' if i in absent else mb.path
                              for i, mb in enumerate(self.mems)])

    def wait_idle(self, name, tmo=120):
        t0 = time.monotonic()
        while time.monotonic() - t0 < tmo:
            st = ecio.dm_status(name).split()
            if st[8] == 'idle' and 'a' not in st[6]:
                return st
            time.sleep(0.05)
        return None

    def compare(self, dev):
        """Volume pages that differ from the reference, or None on EIO."""
        d = ecio.Direct(dev, size=self.len * SECTOR)
        try:
            got = d.pread(self.len * SECTOR, 0)
        except OSError:
            return None
        finally:
            d.close()
        ref = self.refdata
        if got == ref:
            return []
        return [p for p in range(0, len(ref), 4096)
                if got[p:p + 4096] != ref[p:p + 4096]]

    def iteration(self, it):
        fz, rng = self.fz, self.rng
        desc = []
        r = rng.random()
        others = [i for i in range(self.n) if i != self.dead]
        if r < 0.45:
            absent = {self.dead}
        elif r < 0.7:
            absent = set()
        elif r < 0.85:
            absent = {self.dead, rng.choice(others)}
        else:
            absent = set(rng.sample(others, rng.randint(1, self.m)))
        present = [i for i in range(self.n) if i not in absent]
        logs = {}
        kinds = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            kd = rng.choice(['field'] * 5 + ['range'] * 4 +
                            ['gen', 'seq', 'pp', 'pp', 'copy', 'copy', 'craft',
                             'garbage'])
            kinds.append(kd)
            if kd in ('copy', 'craft', 'garbage'):
                getattr(self, 'm_' + kd)(logs, desc, present)
            else:
                getattr(self, 'm_' + kd)(logs, desc)
        desc.append('absent: %s' % (' '.join('C%d' % i for i in sorted(absent)) or 'none')
                    + (' (C%d stale: rebuilt)' % self.dead if self.dead not in absent else ''))
        self.put_slots(logs)
        for mb in self.mems:
            self.set_flags(mb, 1)           # CLEAN cleared: replay runs
        # the model
        warn, crafted = set(), []
        for (i, s), blk in sorted(logs.items()):
            if i not in present:
                continue
            v = self.judge_slot(i, s, blk)
            fz.stats['log slot: %s' % v] += 1
            if v == 'range':
                warn.add((i, s))
            elif v == 'valid' and bytes(blk) != self.slot(i, s):
                row, = struct.unpack_from('<Q', blk, 24)
                first, nr = struct.unpack_from('<II', blk, 48)
                crafted.append((i, s, row, first, nr))
        table = self.table(absent)
        name = 'ecmflog'
        fz.kmsg.mark()
        try:
            dev = ecio.dm_create(name, table)
        except OSError as e:
            self.restore()
            return fz.fail(it, table, desc, 'log volume refused (%s): %s' % (
                e.strerror, ' | '.join(fz.kmsg.lines())[-300:]))
        try:
            return self.judge(it, name, dev, table, desc, absent, present,
                              warn, crafted, kinds)
        finally:
            try:
                ecio.dm_remove(name)
            except OSError:
                pass
            self.restore()

    def restore(self):
        for mb in self.mems:
            ecio.restore_meta(mb.ram, mb.image)

    def judge(self, it, name, dev, table, desc, absent, present, warn, crafted, kinds):
        fz = self.fz
        st = ecio.dm_status(name).split()
        health = st[6]
        unusable = set(absent) | {i for i, c in enumerate(health) if c != 'A'}
        if self.dead not in absent:
            unusable.add(self.dead)
        allowed = set()
        for (i, s, row, first, nr) in crafted:
            for b in range(self.k):
                if self.member_of(row, b) in unusable:
                    base = (row * self.k + b) * self.chunk
                    allowed.update(range((base + first) * SECTOR,
                                         (base + first + nr) * SECTOR, 4096))
        diff = self.compare(dev)
        lost = len(absent) + (self.dead not in absent) > self.m
        if diff is None:
            if lost:
                # more than m members absent or stale: EIO is right
                fz.stats['log: more than m absent or stale, EIO'] += 1
                return None
            return fz.fail(it, table, desc, 'log volume: read error with %d members absent (health %s)'
                           % (len(absent), health))
        bad = [p for p in diff if p not in allowed]
        if bad:
            return fz.fail(it, table, desc,
                           'log volume: WRONG DATA in %d pages (first at volume sector %d, stripe %d) outside the stripes of valid crafted entries %s'
                           % (len(bad), bad[0] // SECTOR,
                              bad[0] // SECTOR // (self.k * self.chunk),
                              [c[2] for c in crafted]))
        lines = fz.kmsg.lines()
        seen = set()
        for ln in lines:
            mt = re.search(r'log: member (\d+) \(([^)]*)\) slot (\d+): entry out of range', ln)
            if mt:
                i, s = int(mt.group(1)), int(mt.group(3))
                if mt.group(2) != self.mems[i].name:
                    return fz.fail(it, table, desc, 'log warning names member %d as %s, not %s'
                                   % (i, mt.group(2), self.mems[i].name))
                seen.add((i, s))
        if warn - seen:
            return fz.fail(it, table, desc, 'no warning naming member and slot for out-of-range entries %s'
                           % sorted(warn - seen))
        if seen - warn:
            return fz.fail(it, table, desc, 'warnings for entries the documented rules accept %s'
                           % sorted(seen - warn))
        fz.stats['log: assembled, exact%s' % (' outside crafted stripes' if allowed else '')] += 1
        if diff:
            fz.stats['log: crafted entry changed data of its stripe'] += 1
        if warn:
            fz.stats['log: out-of-range entries named'] += 1
        for kd in kinds:
            fz.stats['log kind: ' + kd] += 1
        if not crafted or allowed or lost or len(absent) >= self.m:
            return None
        # A crafted entry rewrote parity nobody read through: a resync must
        # make it right again, checked by reading with m members absent.
        if self.wait_idle(name) is None:
            return fz.fail(it, table, desc, 'log volume: sync did not finish')
        ecio.dm_remove(name)
        for i in present:
            self.set_flags(self.mems[i], 2, resync_cp=0)   # SYNCED cleared
        ecio.dm_create(name, table)
        if self.wait_idle(name) is None:
            return fz.fail(it, table, desc, 'log volume: resync did not finish')
        ecio.dm_remove(name)
        gone = set(absent)
        row = crafted[0][2]
        for b in range(self.k):
            if len(gone) < self.m:
                gone.add(self.member_of(row, b))
        t2 = self.table(gone)
        dev = ecio.dm_create(name, t2)
        diff = self.compare(dev)
        if diff:
            return fz.fail(it, t2, desc, 'log volume: after a resync, %d pages wrong with %s absent (first at volume sector %d)'
                           % (len(diff), sorted(gone), diff[0] // SECTOR))
        if diff is None:
            return fz.fail(it, t2, desc, 'log volume: read error after the resync with %s absent' % sorted(gone))
        fz.stats['log: resynced after a crafted entry, exact with m absent'] += 1
        return None


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
    p.add_argument('--logvol', help='NAME:REF:member=dev,... (log volume)')
    p.add_argument('--log-chunk', type=int, default=64)
    p.add_argument('--log-missing', type=int, default=0)
    p.add_argument('--log-share', type=float, default=0.3,
                   help='share of the iterations on the log volume')
    a = p.parse_args()
    return Fuzz(a).run()


if __name__ == '__main__':
    sys.exit(main())
