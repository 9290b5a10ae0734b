#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""crashpt.py - crash-point replay of a 10+4 dm-ec volume (t_replay.sh).

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

Why every prefix of the one log is a state a power cut can leave: a
FUA write is logged when it completes, so a write issued after another
completed comes after it in the log; a write without FUA is logged at the
completion of the next flush that covers it, which is no earlier than it
may be assumed durable. A prefix keeps every FUA write completed before
the cut and a subset of the volatile ones. (Per-member logs cannot be cut
like this: they carry no order between members.)
"""
import argparse
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
    f = ecio.dm_status(name).split()
    return f[6], f[8]


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
    words = ' '.join(opts).split()
    return '0 %d ec %d %d %d %d%s %s' % (
        LEN, K, M, CHUNK, len(words), ''.join(' ' + w for w in words),
        ' '.join(devs))


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
    base = concat('ect_base', ['/dev/ram%d' % i for i in range(N)], MEMBER)
    lgd = log_create()
    lwd = ecio.dm_create('ect_lw', '0 %d log-writes %s %s' % (N * MEMBER, base, lgd))
    lw = [ecio.dm_create('ect_m%d' % i, '0 %d linear %s %d'
                         % (MEMBER, lwd, i * MEMBER)) for i in range(N)]
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
    for i in range(N):
        dm_remove_retry('ect_m%d' % i)
    for d in ('ect_lw', 'ect_base', 'ect_lgd'):
        dm_remove_retry(d)
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

    def check(self, desc, upto, members, cut=None, rebuild_live=False):
        """upto: index of the last mark in effect (0 = mkfs);
        members: slots present; cut: (from, to) torn entries of the log"""
        a = self.a
        snaps = {}
        vol = None
        mounted = False
        why = []
        nfiles = 0
        self.stats['points'] += 1
        self.t = time.time()
        try:
            for i in range(N):
                snaps[i] = ecio.dm_create('ect_sn%d' % i, '0 %d snapshot /dev/ram%d /dev/ram%d N 8'
                                          % (MEMBER, 2 * N + i, 3 * N + i))
            if cut:
                tc = concat('ect_tc', [snaps[i] for i in range(N)], MEMBER)
                try:
                    replay(self.log, tc, cut[0], cut[1])
                finally:
                    dm_remove_retry('ect_tc')
            self.lap('snap')
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
        except (OSError, RuntimeError) as e:
            why.append(str(e))
        finally:
            if mounted:
                run('umount', '-l', self.mnt)
            if vol:
                dm_remove_retry('ect_cp')
            for i in snaps:
                dm_remove_retry('ect_sn%d' % i)
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
    if a.mode == 'rebuild' and not s['rebuild']:
        say('not ok - %s rebuild: no crash point was inside the rebuild' % a.fs)
        return 1
    return 1 if s['bad'] else 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('cmd', choices=['record', 'replay', 'work'])
    p.add_argument('--fs', choices=['ext4', 'xfs'])
    p.add_argument('--mnt')
    p.add_argument('--mode', choices=['all', 'degraded', 'rebuild'], default='all')
    p.add_argument('--dir', required=True)
    p.add_argument('--files', type=int, default=8)
    p.add_argument('--torn', type=int, default=1)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--missing', type=int, default=5)
    p.add_argument('--opts', default='', help='extra table options of the recorded volume')
    a = p.parse_args()
    try:
        if a.cmd == 'work':
            return cmd_work(a)
        return cmd_record(a) if a.cmd == 'record' else cmd_replay(a)
    except (OSError, RuntimeError) as e:
        say('not ok - %s %s %s: %s' % (a.fs, a.mode, a.cmd, e))
        return 2


if __name__ == '__main__':
    sys.exit(main())
