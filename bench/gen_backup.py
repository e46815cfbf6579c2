#!/usr/bin/env python3
"""bench/gen_backup.py SRC DAYS - an rsnapshot-style backup, made in the
current directory as backup/ (built as backup.new/, renamed when complete):
backup/day.1 is a copy of the real tree SRC (its directories, names and
symbolic links; regular files empty, as only names and links matter to
`hln list`), and each next day.N is `cp -al` of the day before with a few
hundred files replaced (a new inode under the same name), as a nightly
rsnapshot leaves them.  So every name of day.N has links in the other days.
Sockets, fifos and devices of SRC are left out; unreadable parts too.
"""
import os
import random
import subprocess
import sys

src, days = sys.argv[1], int(sys.argv[2])
ROOT = "backup.new"
REPLACED = 300  # files replaced each day
rnd = random.Random(1)

os.mkdir(ROOT)
first = os.path.join(ROOT, "day.1")
files = []
for dirpath, dirnames, filenames in os.walk(src, onerror=lambda e: None):
    rel = os.path.relpath(dirpath, src)
    out = os.path.normpath(os.path.join(first, rel))
    os.makedirs(out, exist_ok=True)
    for name in filenames + [d for d in dirnames
                             if os.path.islink(os.path.join(dirpath, d))]:
        p = os.path.join(dirpath, name)
        q = os.path.join(out, name)
        try:
            st = os.lstat(p)
            if os.path.islink(p):
                os.symlink(os.readlink(p), q)
            elif os.path.isfile(p) and not os.path.islink(p):
                os.close(os.open(q, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
                files.append(os.path.relpath(q, first))
        except OSError:
            pass
    # never descend into a symlink to a directory
    dirnames[:] = [d for d in dirnames
                   if not os.path.islink(os.path.join(dirpath, d))]

for day in range(2, days + 1):
    prev = os.path.join(ROOT, "day.%d" % (day - 1))
    cur = os.path.join(ROOT, "day.%d" % day)
    subprocess.run(["cp", "-al", prev, cur], check=True)
    for rel in rnd.sample(files, min(REPLACED, len(files))):
        p = os.path.join(cur, rel)
        os.unlink(p)
        with open(p, "w") as f:
            f.write("changed on day %d\n" % day)

os.rename(ROOT, "backup")
