#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""crashpt.py - crash-point replay of a 10+4 dm-ec volume (t_replay.sh,
t_initsync_cut.sh).

One dm-log-writes device logs the writes of all 14 members, so its log is
one total order of what the members completed (brd loaded with 56 disks
of 16 MiB by the caller):

  ect_base   linear: /dev/ram0..13, MEMBER sectors each, back to back
  ect_lgd    linear: /dev/ram14..27 whole (the log, 224 MiB)
  ect_lw     log-writes ect_base ect_lgd
  ect_m<i>   linear: ect_lw from i * MEMBER, MEMBER sectors (member i)
  ect_rt     linear: /dev/ram28..41, laid out as ect_base (replay target)
  ect_sn<i>  non-persistent snapshot of /dev/ram<28+i>, store /dev/ram<42+i>
  ect_tc     linear: ect_sn0..13, laid out as ect_base (torn entries)

  record --fs ext4|xfs --mode all|degraded|rebuild --dir D [--files N]
         [--seed S] [--missing I] [--opts 'OPT...']
      mkfs, mark "mkfs", then N files of known content, each fsynced (and
      its directory), each followed by a mark "f<n>". rebuild: member I is
      missing until a third of the files are written, then the table is
      reloaded with it and "rebuild I" (throttled) while writes go on.
      degraded: member I is missing throughout.
      D/manifest: "<mark> <sha256> <path> <sync_action>".
  replay --fs ... --mode ... --dir D [--torn T] [--seed S] [--missing I]
      Replays the log forward onto ect_rt, one mark at a time. A crash
      point is a mark, or, T times per interval between two marks, a torn
      point: the log cut at a random entry inside the interval, written
      into the snapshots (through ect_tc), not the targets. At each point:
      the volume assembles from the snapshots, sync_action returns to idle
      with no member 'a', the fs mounts, every file whose mark is at or
      before the point has its sha256, unmount, fsck -n is clean. One
      "ok"/"not ok" line per point.
  work --dir D --mnt MNT [--seed S]
      (t_powercut.sh) files under MNT until killed, each fsynced; a line
      in D/manifest after each fsync returned.
  isync-record --dir D [--seed S] [--rate KIB] [--writes N] [--gap SEC]
      (t_initsync_cut.sh) the members' data areas filled with random data,
      mark "fill"; a volume created on them without nosync (the initial
      sync runs at KIB/s), mark "created"; D/ref0 = what it holds; then
      up to N writes of 1..24 random sectors, half into stripes below
      the sync position, half above it, each flushed (fdatasync) and
      followed by a mark "w<n>", until the sync ends.
      D/manifest: "<mark> <sector> <sectors> below|above <stripe>".
  isync-replay --dir D [--seed S] [--marks P] [--below B] [--above A]
               [--random R]
      Crash points in log order: "created", P marks, and B + A torn
      points inside writes issued below / above the sync: the log cut
      inside the write's read-modify-write (after the first entry on its
      stripes' member chunks, before the last), else at a random entry;
      R more cut at a random entry between two marks (--random R).
      At each point (on snapshots, as replay): the saved resync_cp says
      on which side of the checkpoint the torn write is; the resync
      finishes, check counts 0 mismatches, the volume holds every write
      up to the mark before the point exactly and the torn one old or
      new per 4 KiB block.

Why every prefix of the one log is a state a power cut can leave: a
FUA write is logged when it completes, so a write issued after another
completed comes after it in the log; a write without FUA is logged at the
completion of the next flush that covers it, which is no earlier than it
may be assumed durable. A prefix keeps every FUA write completed before
the cut and a subset of the volatile ones. (Per-member logs cannot be cut
like this: they carry no order between members.)
"""
import argparse
import contextlib
import hashlib
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecio  # noqa: E402  (dm ioctls)

N = 14
K, M, CHUNK = 10, 4, 8
LEN = 40 * 2048                    # volume sectors
MEMBER = ecio.DATA_OFFSET + LEN // K
LWREPLAY = os.environ.get('LWREPLAY', 'build/tests/lwreplay')
REBUILD_RATE = 256                 # KiB/s while recording


def run(*cmd, env=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run(list(cmd), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True,
                       env=e)
    return p.returncode, p.stdout.strip()


def say(msg):
    sys.stdout.write(msg + '\n')
    sys.stdout.flush()


def status(name):
    """(health, action) of an ec volume"""
    st = ecio.ec_status(name)
    return st['health'], st['action']


def wait_sync(name, tmo=180):
    t0 = time.time()
    while True:
        h, act = status(name)
        if act == 'idle' and 'a' not in h:
            return True, h
        if time.time() - t0 > tmo:
            return False, '%s %s' % (h, act)
        time.sleep(0.2)


def mkfs(fs, dev):
    if fs == 'ext4':
        return run('mkfs.ext4', '-q', '-F', '-E', 'nodiscard', dev)
    # mkfs.xfs refuses < 300 MB unless it believes it runs under fstests
    return run('mkfs.xfs', '-q', '-f', '-K', dev,
               env={'TEST_DIR': '1', 'TEST_DEV': '1', 'QA_CHECK_FS': '1'})


def fsck(fs, dev):
    if fs == 'ext4':
        return run('e2fsck', '-fn', dev)
    return run('xfs_repair', '-n', dev)


def ec_table(devs, opts=()):
    return ecio.ec_table(LEN, K, M, CHUNK, opts, devs)


def dm_remove_retry(name):
    for _ in range(50):
        try:
            ecio.dm_remove(name)
            return
        except OSError:
            time.sleep(0.1)
    ecio.dm_remove(name)


# --- record ------------------------------------------------------------------
LOG_DISK = 16384 * 2                # sectors of one log RAM disk


def concat(name, devs, seg):
    """linear device over devs, seg sectors of each, back to back"""
    return ecio.dm_create(name, '\n'.join(
        '%d %d linear %s 0' % (i * seg, seg, d) for i, d in enumerate(devs)))


def log_create():
    return concat('ect_lgd', ['/dev/ram%d' % (N + i) for i in range(N)], LOG_DISK)


def log_stack():
    """ect_base, ect_lgd, ect_lw and the members ect_m<i> on it"""
    base = concat('ect_base', ['/dev/ram%d' % i for i in range(N)], MEMBER)
    lgd = log_create()
    lwd = ecio.dm_create('ect_lw', '0 %d log-writes %s %s' % (N * MEMBER, base, lgd))
    return [ecio.dm_create('ect_m%d' % i, '0 %d linear %s %d'
                           % (MEMBER, lwd, i * MEMBER)) for i in range(N)]


def log_unstack():
    for i in range(N):
        dm_remove_retry('ect_m%d' % i)
    for d in ('ect_lw', 'ect_base', 'ect_lgd'):
        dm_remove_retry(d)


def log_mark(name):
    """A mark in the log; after an fsync, every write the fsync made
    durable is before it."""
    ecio.dm_message('ect_lw', 'mark ' + name)


def file_data(seed, n):
    rng = random.Random(seed * 100003 + n)
    size = rng.choice([1, 511, 4096, 4097, 12288]) if rng.random() < 0.3 \
        else rng.randint(1, 96 << 10)
    return rng.randbytes(size)


def fsync_path(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def cmd_record(a):
    mnt = os.path.join(a.dir, 'mnt')
    os.makedirs(mnt, exist_ok=True)
    lw = log_stack()
    miss = a.missing if a.mode in ('degraded', 'rebuild') else -1
    devs = ['-' if i == miss else lw[i] for i in range(N)]
    opts = ['nosync'] + a.opts.split()
    vol = ecio.dm_create('ect_rv', ec_table(devs, opts))
    rc, out = mkfs(a.fs, vol)
    if rc:
        say('# mkfs: ' + out)
        return 1
    rc, out = run('mount', '-t', a.fs, vol, mnt)
    if rc:
        say('# mount: ' + out)
        return 1
    os.sync()
    log_mark('mkfs')
    lines = []
    t0 = time.time()
    rebuild_at = a.files // 3 if a.mode == 'rebuild' else -1
    for n in range(a.files):
        if n == rebuild_at:
            devs[miss] = lw[miss]
            ecio.dm_load('ect_rv', ec_table(devs, a.opts.split() + [
                'rebuild %d' % miss, 'max_rebuild_rate %d' % REBUILD_RATE]))
            ecio.dm_resume('ect_rv')
        d = os.path.join(mnt, 'd%d' % (n % 4))
        if not os.path.isdir(d):
            os.mkdir(d)
            fsync_path(mnt)
        rel = 'd%d/f%04d' % (n % 4, n)
        data = file_data(a.seed, n)
        with open(os.path.join(mnt, rel), 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        fsync_path(d)
        mark = 'f%04d' % n
        log_mark(mark)
        act = status('ect_rv')[1]
        lines.append('%s %s %s %s\n' % (mark, hashlib.sha256(data).hexdigest(), rel, act))
    say('# recorded %d files in %.1f s' % (a.files, time.time() - t0))
    with open(os.path.join(a.dir, 'manifest'), 'w') as f:
        f.writelines(lines)
    rc, out = run('umount', mnt)
    if rc:
        say('# umount: ' + out)
        return 1
    dm_remove_retry('ect_rv')
    log_unstack()
    return 0


def cmd_work(a):
    """Files of known content until killed, each fsynced with its
    directory; a manifest line ("<sha256> <path>") once the fsync returned."""
    man = os.open(os.path.join(a.dir, 'manifest'), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    n = 0
    while True:
        d = os.path.join(a.mnt, 'd%d' % (n % 4))
        if not os.path.isdir(d):
            os.mkdir(d)
            fsync_path(a.mnt)
        rel = 'd%d/f%05d' % (n % 4, n)
        data = file_data(a.seed, n)
        with open(os.path.join(a.mnt, rel), 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        fsync_path(d)
        os.write(man, ('%s  %s\n' % (hashlib.sha256(data).hexdigest(), rel)).encode())
        n += 1


# --- initial sync under read-modify-writes (t_initsync_cut.sh) ---------------
ROWS = LEN // (K * CHUNK)           # stripes; each is CHUNK sectors of a member
SYNC_RATE = 128                     # KiB/s of member sectors: ~32 s per sync
BLOCK = 8                           # sectors judged old-or-new together (4 KiB)


def isync_data(seed, n, nsec):
    return random.Random(seed * 1000003 + n).randbytes(nsec * ecio.SECTOR)


def isync_manifest(a):
    """[(mark, sector, nsec, side)] of the writes, in issue order"""
    ws = []
    with open(os.path.join(a.dir, 'manifest')) as f:
        for ln in f:
            w = ln.split()
            ws.append((w[0], int(w[1]), int(w[2]), w[3]))
    return ws


def sync_row(name):
    """(action, stripes the running sync has passed)"""
    st = ecio.ec_status(name)
    return st['action'], st['sync_done'] * ROWS // max(st['sync_total'], 1)


def cmd_isync_record(a):
    """Members full of random data, a volume created on them without
    nosync (so the initial sync runs, throttled), and small unaligned
    writes of random data, half of them below the sync position, half
    above it, each flushed and followed by a mark, until the sync ends
    or a.writes are done."""
    rng = random.Random(a.seed)
    lw = log_stack()
    for i in range(N):
        d = ecio.Direct(lw[i], write=True, size=1 << 20)
        r = random.Random(a.seed * 7919 + i)
        for off in range(0, LEN // K * ecio.SECTOR, 1 << 20):
            d.pwrite(r.randbytes(1 << 20), ecio.DATA_OFFSET * ecio.SECTOR + off)
        os.fsync(d.fd)
        d.close()
    log_mark('fill')
    vol = ecio.dm_create('ect_rv', ec_table(lw, ['max_rebuild_rate %d' % a.rate]))
    log_mark('created')
    # what the volume holds before the first write (the data chunks of
    # the garbage), the reference of every crash point
    d = ecio.Direct(vol, size=1 << 20)
    with open(os.path.join(a.dir, 'ref0'), 'wb') as f:
        for off in range(0, LEN * ecio.SECTOR, 1 << 20):
            f.write(d.pread(1 << 20, off))
    d.close()
    w = ecio.Direct(vol, write=True, size=1 << 20)
    lines = []
    t0 = time.time()
    n = 0
    act = 'resync'
    while n < a.writes:
        act, row = sync_row('ect_rv')
        if act != 'resync':
            break
        if row >= 8 and rng.random() < 0.5:
            side, r = 'below', rng.randrange(0, row // 2)
        elif row + 8 < ROWS:
            side, r = 'above', rng.randrange(row + 8, ROWS)
        else:
            break
        nsec = rng.randint(1, 24)
        sector = min(r * K * CHUNK + rng.randrange(K * CHUNK), LEN - nsec)
        w.pwrite(isync_data(a.seed, n, nsec), sector * ecio.SECTOR,
                 boff=rng.choice([0, 512, 3584]))
        os.fdatasync(w.fd)
        mark = 'w%04d' % n
        log_mark(mark)
        lines.append('%s %d %d %s %d\n' % (mark, sector, nsec, side, row))
        n += 1
        time.sleep(a.gap)
    w.close()
    below = sum(1 for ln in lines if ' below ' in ln)
    say('# recorded %d writes (%d below the sync position) in %.1f s, sync %s at the end'
        % (n, below, time.time() - t0, act))
    with open(os.path.join(a.dir, 'manifest'), 'w') as f:
        f.writelines(lines)
    dm_remove_retry('ect_rv')
    log_unstack()
    if not below or below == n:
        say('# writes on one side of the sync position only')
        return 1
    return 0


# --- replay --------------------------------------------------------------------
class Log:
    def __init__(self, path):
        self.path = path
        rc, out = run(LWREPLAY, 'list', path)
        if rc:
            raise RuntimeError('lwreplay list %s: %s' % (path, out))
        self.marks = {}
        self.flushes = []
        for ln in out.splitlines():
            w = ln.split()
            if w[0] == 'entries':
                self.entries = int(w[1])
            elif w[0] == 'mark':
                self.marks[w[2]] = int(w[1])
            elif w[0] == 'flush':
                self.flushes.append(int(w[1]))


def replay(log, target, lo, hi):
    """write entries [lo, hi) of the log onto target; raises on failure"""
    if hi <= lo:
        return
    rc, out = run(LWREPLAY, 'replay', log.path, target, str(lo), str(hi))
    if rc:
        raise RuntimeError('lwreplay: ' + out)


@contextlib.contextmanager
def point_members(log, cut=None):
    """The members at a crash point: a non-persistent snapshot of each
    replay target (ect_sn<i> of /dev/ram<2N+i>, store /dev/ram<3N+i>),
    with the log entries [cut[0], cut[1]) replayed into them through
    ect_tc when cut is given. Yields {slot: device}; the snapshots go on
    exit, so remove what was stacked on them first."""
    snaps = {}
    try:
        for i in range(N):
            snaps[i] = ecio.dm_create('ect_sn%d' % i, '0 %d snapshot /dev/ram%d /dev/ram%d N 8'
                                      % (MEMBER, 2 * N + i, 3 * N + i))
        if cut:
            tc = concat('ect_tc', [snaps[i] for i in range(N)], MEMBER)
            try:
                replay(log, tc, cut[0], cut[1])
            finally:
                dm_remove_retry('ect_tc')
        yield snaps
    finally:
        for i in snaps:
            dm_remove_retry('ect_sn%d' % i)


class Point:
    def __init__(self, a, log, manifest):
        self.a, self.log, self.manifest = a, log, manifest
        self.mnt = os.path.join(a.dir, 'cmnt')
        os.makedirs(self.mnt, exist_ok=True)
        self.stats = {'points': 0, 'bad': 0, 'files': 0, 'mismatch': 0,
                      'resync': 0, 'rebuild': 0, 'named_rebuild': 0}
        self.times = {}
        self.t = time.time()

    def lap(self, what):
        t = time.time()
        self.times[what] = self.times.get(what, 0) + t - self.t
        self.t = t

    def verify(self, snaps, desc, upto, members, rebuild_live, why):
        """assemble the point's members, let the sync finish, mount, compare
        the files up to mark upto, fsck; problems go to why; returns the
        number of files compared"""
        a = self.a
        vol = None
        mounted = False
        nfiles = 0
        try:
            devs = [snaps[i] if i in members else '-' for i in range(N)]
            try:
                vol = ecio.dm_create('ect_cp', ec_table(devs))
            except OSError as e:
                if not rebuild_live:
                    raise
                # the returning member's superblock was not written yet
                vol = ecio.dm_create('ect_cp', ec_table(devs, ['rebuild %d' % a.missing]))
                self.stats['named_rebuild'] += 1
                say('# %s: assembled only with "rebuild %d" (%s)' % (desc, a.missing, e))
            self.lap('assemble')
            h0, act0 = status('ect_cp')
            if act0 in ('resync', 'rebuild'):
                self.stats[act0] += 1
            done, st = wait_sync('ect_cp')
            if not done:
                why.append('sync did not finish: ' + st)
            self.lap('sync')
            rc, out = run('mount', '-t', a.fs, vol, self.mnt)
            self.lap('mount')
            if rc:
                why.append('mount: ' + out[-300:])
            else:
                mounted = True
                for mark, sha, rel, _act in self.manifest[:upto]:
                    nfiles += 1
                    try:
                        with open(os.path.join(self.mnt, rel), 'rb') as f:
                            got = hashlib.sha256(f.read()).hexdigest()
                    except OSError as e:
                        got = str(e)
                    if got != sha:
                        self.stats['mismatch'] += 1
                        why.append('%s (%s) %s' % (rel, mark, 'wrong content' if len(got) == 64 else got))
                self.lap('files')
                rc, out = run('umount', self.mnt)
                mounted = rc != 0
                self.lap('umount')
                if rc:
                    why.append('umount: ' + out)
                else:
                    rc, out = fsck(a.fs, vol)
                    self.lap('fsck')
                    if rc:
                        why.append('fsck -n exit %d: %s' % (rc, ' | '.join(out.splitlines()[-4:])))
        finally:
            if mounted:
                run('umount', '-l', self.mnt)
            if vol:
                dm_remove_retry('ect_cp')
        return nfiles

    def check(self, desc, upto, members, cut=None, rebuild_live=False):
        """upto: index of the last mark in effect (0 = mkfs);
        members: slots present; cut: (from, to) torn entries of the log"""
        why = []
        nfiles = 0
        self.stats['points'] += 1
        self.t = time.time()
        try:
            with point_members(self.log, cut) as snaps:
                self.lap('snap')
                nfiles = self.verify(snaps, desc, upto, members, rebuild_live, why)
        except (OSError, RuntimeError) as e:
            why.append(str(e))
        self.lap('teardown')
        self.stats['files'] += nfiles
        if why:
            self.stats['bad'] += 1
            say('not ok - %s' % desc)
            for w in why[:8]:
                say('#     %s' % w)
        else:
            say('ok - %s: %d files' % (desc, nfiles))


def cmd_replay(a):
    rng = random.Random(a.seed)
    t0 = time.time()
    manifest = []
    with open(os.path.join(a.dir, 'manifest')) as f:
        for ln in f:
            manifest.append(ln.split())
    names = ['mkfs'] + [m[0] for m in manifest]
    miss = a.missing if a.mode in ('degraded', 'rebuild') else -1
    log = Log(log_create())
    rt = concat('ect_rt', ['/dev/ram%d' % (2 * N + i) for i in range(N)], MEMBER)
    absent = [n for n in names + ['dm-log-writes-end'] if n not in log.marks]
    if absent:
        say('not ok - the log lacks marks %s' % absent[:3])
        return 1
    say('# log: %d entries, %d flushes' % (log.entries, len(log.flushes)))
    # rebuild: the member joins after the mark before the reload
    joined = len(names)
    if a.mode == 'rebuild':
        joined = a.files // 3
    pt = Point(a, log, manifest)
    cur = 0
    t_replay = 0
    for k, name in enumerate(names):
        # at the mark before the reload the member is not back yet
        members = [i for i in range(N) if i != miss or k > joined]
        rb = a.mode == 'rebuild' and k > joined
        # advance the replay target to this mark
        t1 = time.time()
        replay(log, rt, cur, log.marks[name])
        t_replay += time.time() - t1
        cur = log.marks[name]
        pt.check('%s %s: mark %s' % (a.fs, a.mode, name), k, members, rebuild_live=rb)
        if k + 1 == len(names):
            break
        nxt = log.marks[names[k + 1]]
        if a.mode == 'rebuild' and k == joined:
            members = [i for i in range(N)]
            rb = True
        # torn points inside (name, next mark): the log cut at distinct
        # random entries after the mark (entry cur is the mark itself)
        span = list(range(cur + 2, nxt))
        for to in sorted(rng.sample(span, min(a.torn, len(span)))):
            pt.check('%s %s: torn after %s (cut at +%d of %d)' %
                     (a.fs, a.mode, name, to - cur - 1, nxt - cur - 1),
                     k, members, cut=(cur, to), rebuild_live=rb)
    s = pt.stats
    say('# summary %s %s: points=%d bad=%d files_checked=%d mismatches=%d '
        'resync=%d rebuild=%d named_rebuild=%d time=%.0fs' %
        (a.fs, a.mode, s['points'], s['bad'], s['files'], s['mismatch'],
         s['resync'], s['rebuild'], s['named_rebuild'], time.time() - t0))
    say('# seconds: replay %.0f %s' % (t_replay, ' '.join(
        '%s %.0f' % kv for kv in sorted(pt.times.items()))))
    # Inside the rebuild: the marks at which the recording saw it running
    # (the manifest's sync_action). The counts above are what status
    # showed right after assembly, which a fast rebuild of what was left
    # may already have finished (seen with --smp 1 on Debian's kernel).
    inside = sum(1 for m in manifest if m[3] == 'rebuild')
    if a.mode == 'rebuild':
        say('# %s rebuild: %d marks inside the rebuild' % (a.fs, inside))
        if not inside:
            say('not ok - %s rebuild: no crash point was inside the rebuild' % a.fs)
            return 1
    return 1 if s['bad'] else 0


def saved_sb(devs):
    """the newest valid superblock copy among devs, as a dict"""
    best = None
    for dev in devs:
        for c in (0, 1):
            v = ecio.sb_dict(ecio.read_sb(dev, c))
            if v['magic'] == ecio.SB_MAGIC and (not best or v['events'] > best['events']):
                best = v
    return best


def wait_check(name, tmo=180):
    """run check to its end; (done, mismatch_cnt)"""
    ecio.dm_message(name, 'check')
    t0 = time.time()
    while status(name)[1] != 'check' and time.time() - t0 < 10:
        time.sleep(0.05)
    done, _st = wait_sync(name, tmo)
    return done, ecio.ec_status(name)['mismatch']


def isync_check(a, log, stats, desc, ref, cut=None, torn=None):
    """ref: what the volume holds at the point; torn: (sector, new
    bytes) of the write in flight at the cut, each 4 KiB block of it old
    (ref) or new"""
    vol = None
    why = []
    stats['points'] += 1
    try:
        with point_members(log, cut) as snaps:
            try:
                sb = saved_sb([snaps[i] for i in range(N)])
                cp = sb['resync_cp'] if sb and not sb['flags'] & ecio.SB_F_SYNCED else -1
                if torn and cp >= 0:
                    last_row = (torn[0] + len(torn[1]) // ecio.SECTOR - 1) // (K * CHUNK)
                    where = 'below' if (last_row + 1) * CHUNK <= cp else 'above'
                    stats['torn_' + where] += 1
                    desc += ', the write %s the saved checkpoint %d' % (where, cp)
                else:
                    desc += ', saved checkpoint %d' % cp
                vol = ecio.dm_create('ect_cp', ec_table([snaps[i] for i in range(N)]))
                done, st = wait_sync('ect_cp')
                if not done:
                    why.append('sync did not finish: ' + st)
                done, mism = wait_check('ect_cp')
                if not done:
                    why.append('check did not finish')
                if mism:
                    stats['mismatch'] += 1
                    why.append('check: mismatch_cnt %d' % mism)
                d = ecio.Direct(vol, size=1 << 20)
                got = bytearray()
                for off in range(0, LEN * ecio.SECTOR, 1 << 20):
                    got += d.pread(1 << 20, off)
                d.close()
                lo = hi = 0
                if torn:
                    bs = BLOCK * ecio.SECTOR
                    lo = torn[0] * ecio.SECTOR // bs * bs
                    hi = -(-(torn[0] * ecio.SECTOR + len(torn[1])) // bs) * bs
                    new = bytearray(ref[lo:hi])
                    o = torn[0] * ecio.SECTOR - lo
                    new[o:o + len(torn[1])] = torn[1]
                    nnew = 0
                    for b in range(lo, hi, bs):
                        g = got[b:b + bs]
                        if g == new[b - lo:b - lo + bs]:
                            nnew += 1
                        elif g != ref[b:b + bs]:
                            why.append('block at byte %d of the write in flight: neither old nor new' % b)
                    desc += ', %d of %d blocks new' % (nnew, (hi - lo) // bs)
                if got[:lo] != ref[:lo] or got[hi:] != ref[hi:]:
                    bad = next(i for i in range(0, LEN * ecio.SECTOR, 4096)
                               if (i < lo or i >= hi) and got[i:i + 4096] != ref[i:i + 4096])
                    why.append('volume differs from the acknowledged writes, first at byte %d' % bad)
            finally:
                if vol:
                    dm_remove_retry('ect_cp')
    except (OSError, RuntimeError) as e:
        why.append(str(e))
    if why:
        stats['bad'] += 1
        say('not ok - %s' % desc)
        for w in why[:8]:
            say('#     %s' % w)
    else:
        say('ok - %s' % desc)


def rmw_cut(log, lo, hi, sector, nsec):
    """an entry index in (lo, hi] cutting inside the write: after the
    first member write of its stripes, before the last; None if there
    are fewer than two"""
    rows = set(range(sector // (K * CHUNK), (sector + nsec - 1) // (K * CHUNK) + 1))
    rc, out = run(LWREPLAY, 'dump', log.path, str(lo), str(hi))
    if rc:
        raise RuntimeError('lwreplay dump: ' + out)
    idx = []
    for ln in out.splitlines():
        w = ln.split()
        s = int(w[1]) % MEMBER
        if int(w[2]) and 'M' not in w[3] and s >= ecio.DATA_OFFSET and \
                (s - ecio.DATA_OFFSET) // CHUNK in rows:
            idx.append(int(w[0]))
    if len(idx) < 2:
        return None
    return random.Random(lo).randint(idx[0] + 1, idx[-1]), len(idx)


def cmd_isync_replay(a):
    rng = random.Random(a.seed)
    t0 = time.time()
    ws = isync_manifest(a)
    log = Log(log_create())
    rt = concat('ect_rt', ['/dev/ram%d' % (2 * N + i) for i in range(N)], MEMBER)
    absent = [n for n in ['fill', 'created'] + [w[0] for w in ws] if n not in log.marks]
    if absent:
        say('not ok - the log lacks marks %s' % absent[:3])
        return 1
    say('# log: %d entries, %d flushes, %d writes' % (log.entries, len(log.flushes), len(ws)))
    with open(os.path.join(a.dir, 'ref0'), 'rb') as f:
        ref = bytearray(f.read())
    # crash points: ('mark', j) after write j is acknowledged (-1: right
    # after the create), ('torn', j) inside write j
    below = [j for j, w in enumerate(ws) if w[3] == 'below' and j >= len(ws) // 3]
    above = [j for j, w in enumerate(ws) if w[3] == 'above' and j > 0]
    pts = {('mark', -1)}
    pts |= {('mark', len(ws) * (i + 1) // (a.marks + 1)) for i in range(a.marks)}
    pts |= {('torn', j) for j in rng.sample(below, min(a.below, len(below)))}
    pts |= {('torn', j) for j in rng.sample(above, min(a.above, len(above)))}
    anyw = [j for j in range(1, len(ws)) if ('torn', j) not in pts]
    pts |= {('cut', j) for j in rng.sample(anyw, min(a.random, len(anyw)))}
    stats = {'points': 0, 'bad': 0, 'mismatch': 0, 'torn_below': 0, 'torn_above': 0}
    cur = 0
    applied = -1

    def advance(j):
        nonlocal cur, applied
        to = log.marks[ws[j][0]] if j >= 0 else log.marks['created']
        replay(log, rt, cur, to)
        cur = to
        while applied < j:
            applied += 1
            _m, sector, nsec, _side = ws[applied]
            o = sector * ecio.SECTOR
            ref[o:o + nsec * ecio.SECTOR] = isync_data(a.seed, applied, nsec)

    for kind, j in sorted(pts, key=lambda p: (p[1] - (p[0] != 'mark'), p[0])):
        if kind == 'mark':
            advance(j)
            isync_check(a, log, stats, 'mark %s' % (ws[j][0] if j >= 0 else 'created'), ref)
            continue
        advance(j - 1)
        mark, sector, nsec, side = ws[j]
        nxt = log.marks[mark]
        rc = rmw_cut(log, cur + 1, nxt, sector, nsec) if kind == 'torn' else None
        if rc:
            to, nw = rc
            how = 'inside its read-modify-write (entry +%d of %d, %d member writes)' % (
                to - cur - 1, nxt - cur - 1, nw)
        else:
            to = rng.randint(cur + 1, nxt)
            how = 'at entry +%d of %d' % (to - cur - 1, nxt - cur - 1)
        isync_check(a, log, stats, '%s: %s (%d sectors at %d, issued %s the sync) cut %s'
                    % (kind, mark, nsec, sector, side, how), ref, cut=(cur, to),
                    torn=(sector, isync_data(a.seed, j, nsec)))
    s = stats
    say('# summary: points=%d bad=%d mismatch=%d torn_below_cp=%d torn_above_cp=%d time=%.0fs'
        % (s['points'], s['bad'], s['mismatch'], s['torn_below'], s['torn_above'],
           time.time() - t0))
    if a.below and not s['torn_below']:
        say('not ok - no torn point below the saved checkpoint')
        return 1
    if a.above and not s['torn_above']:
        say('not ok - no torn point above the saved checkpoint')
        return 1
    return 1 if s['bad'] else 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('cmd', choices=['record', 'replay', 'work', 'isync-record', 'isync-replay'])
    p.add_argument('--fs', choices=['ext4', 'xfs'])
    p.add_argument('--mnt')
    p.add_argument('--mode', choices=['all', 'degraded', 'rebuild'], default='all')
    p.add_argument('--dir', required=True)
    p.add_argument('--files', type=int, default=8)
    p.add_argument('--torn', type=int, default=1)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--missing', type=int, default=5)
    p.add_argument('--opts', default='', help='extra table options of the recorded volume')
    p.add_argument('--rate', type=int, default=SYNC_RATE, help='isync: KiB/s of the initial sync')
    p.add_argument('--writes', type=int, default=400, help='isync: at most this many writes')
    p.add_argument('--gap', type=float, default=0.05, help='isync: seconds between writes')
    p.add_argument('--marks', type=int, default=2, help='isync: crash points at marks')
    p.add_argument('--below', type=int, default=4, help='isync: torn writes issued below the sync')
    p.add_argument('--above', type=int, default=2, help='isync: torn writes issued above it')
    p.add_argument('--random', type=int, default=2, help='isync: cuts at a random entry of a write')
    a = p.parse_args()
    try:
        if a.cmd == 'work':
            return cmd_work(a)
        if a.cmd.startswith('isync-'):
            return cmd_isync_record(a) if a.cmd == 'isync-record' else cmd_isync_replay(a)
        return cmd_record(a) if a.cmd == 'record' else cmd_replay(a)
    except (OSError, RuntimeError) as e:
        say('not ok - %s %s %s: %s' % (a.fs, a.mode, a.cmd, e))
        return 2


if __name__ == '__main__':
    sys.exit(main())
