#!/usr/bin/env python3
"""bench/gen_tree.py ENTRIES SEED - the benchmark tree, made in the current
directory as tree/ (built as tree.new/, renamed when complete), and
expected.json: what `hln count -r -j tree` must say of it.

ENTRIES entries (not counting tree/ itself): 10% directories nested up to
depth 6, names of 1 to ~200 bytes, most files empty or tiny (<= 4 KiB), ~10%
of the files with 2 or 3 names (some in other directories), a few symbolic
links (a quarter of them dangling).  The same ENTRIES and SEED make the
same tree.  bench/run.sh calls it (gen_tree) and stamps the result with
GEN_VERSION: change the tree here, bump GEN_VERSION there.
"""
import json, os, random, string, sys

entries, seed = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(seed)
ROOT = "tree.new"
MAXDEPTH = 6
ALPHA = string.ascii_lowercase * 4 + string.ascii_uppercase + string.digits * 2 + "_-.  "
EXTS = [".txt", ".c", ".h", ".jpg", ".png", ".json", ".md", ".o", ".py", ".log",
        ".tar.gz", ".html", ".conf", ".pdf"]
BUF = bytes(range(256)) * 16

used_names = []  # per directory: set of names taken


def new_name(d, ext=""):
    taken = used_names[d]
    while True:
        if rnd.random() < 0.01:
            n = rnd.randint(60, 200)
        else:
            n = max(1, min(60, int(rnd.lognormvariate(2.1, 0.5))))
        name = "".join(rnd.choices(ALPHA, k=n)).strip() + ext
        if name and name not in (".", "..") and name not in taken:
            taken.add(name)
            return name


ndirs = entries // 10
nsym = max(4, entries // 2000)
nnames = entries - ndirs - nsym  # names of regular files
nfiles = round(nnames / 1.15)
extra = nnames - nfiles  # second and third names
nlinked = min(nfiles, round(extra / 1.5))
nthree = extra - nlinked  # linked files with 3 names
assert 0 <= nthree <= nlinked

# directories: a depth of 1 to MAXDEPTH (most in the middle), each under a
# random earlier directory one level up
DEPTH_WEIGHTS = [0.003, 0.05, 0.15, 0.3, 0.3, 0.197]
paths, depth, at_depth = [ROOT], [0], [[0]] + [[] for _ in range(MAXDEPTH)]
used_names.append(set())
os.mkdir(ROOT)
for i in range(1, ndirs + 1):
    d = rnd.choices(range(1, MAXDEPTH + 1), DEPTH_WEIGHTS)[0]
    while not at_depth[d - 1]:
        d -= 1
    p = rnd.choice(at_depth[d - 1])
    used_names.append(set())
    paths.append(paths[p] + "/" + new_name(p))
    depth.append(d)
    at_depth[d].append(i)
    os.mkdir(paths[i])

ndir_total = len(paths)
linked = set(rnd.sample(range(nfiles), nlinked))
three = set(rnd.sample(sorted(linked), nthree))
apparent = used = linked_names = 0
files = []
for i in range(nfiles):
    d = rnd.randrange(ndir_total)
    r = rnd.random()
    size = 0 if r < 0.55 else rnd.randint(1, 128) if r < 0.85 else rnd.randint(129, 4096)
    ext = rnd.choice(EXTS) if rnd.random() < 0.6 else ""
    path = paths[d] + "/" + new_name(d, ext)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    if size:
        os.write(fd, BUF[:size])
    os.close(fd)
    files.append(path)
    names = 1
    if i in linked:
        for _ in range(2 if i in three else 1):
            ld = d if rnd.random() < 0.4 else rnd.randrange(ndir_total)
            os.link(path, paths[ld] + "/" + new_name(ld, ext))
            names += 1
        linked_names += names
    apparent += size * names
    used += size

for i in range(nsym):
    d = rnd.randrange(ndir_total)
    if i % 4 == 3:
        text = "no-such-file-" + str(i)  # dangling
    else:
        text = os.path.relpath(rnd.choice(files), paths[d])
    os.symlink(text, paths[d] + "/" + new_name(d))
    apparent += len(text.encode())
    used += len(text.encode())

os.rename(ROOT, "tree")
with open("expected.json", "w") as f:
    json.dump({"names": nnames + nsym, "files": nfiles + nsym,
               "linked": {"inodes": nlinked, "names": linked_names},
               "outside": 0, "apparent": apparent, "used": used,
               "saved": apparent - used, "freed": used}, f, sort_keys=True)
    f.write("\n")
