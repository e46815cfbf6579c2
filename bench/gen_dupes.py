#!/usr/bin/env python3
"""bench/gen_dupes.py - the tree of the dedupe rows (SPEC.md "Performance").

    python3 bench/gen_dupes.py FILES BYTES SETS SEED

makes dtree/ (under the current directory, through dtree.new/) holding
FILES regular files of BYTES bytes in all, about 1,000 directories two
levels deep, and dexpected.json: what `hln dedupe -j dtree` must say.

  - SETS sets of identical files, of 2 (most), 3, 4 or 6 copies, spread
    over different directories;
  - a decoy beside one set in four: the same size as the set's files, the
    same bytes but one, changed in the first, the middle or the last byte
    (in turn), so only a full comparison tells it apart;
  - the rest are unique files; some share a size with others by chance.

Sizes are drawn from a long-tailed distribution (most files a few KiB, a
few MiB) and scaled to BYTES.  Contents are slices of a random pool, each
(offset, size) used once, so files that are meant to differ do.  The same
arguments make the same tree.
"""
import json
import os
import random
import shutil
import sys


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: gen_dupes.py FILES BYTES SETS SEED")
    nfiles, nbytes, nsets, seed = (int(a) for a in sys.argv[1:])
    rnd = random.Random(seed)
    pool_size = 32 << 20
    pool = rnd.randbytes(pool_size)

    copies = [rnd.choices([2, 3, 4, 6], [60, 25, 10, 5])[0] for _ in range(nsets)]
    ndecoys = nsets // 4
    nunique = nfiles - sum(copies) - ndecoys
    if nunique < 0:
        sys.exit("gen_dupes.py: too many sets for FILES")

    # one size per content (set, decoy's own, unique), long-tailed
    def draw():
        return max(1, int(rnd.lognormvariate(8.6, 1.3)))

    set_sizes = [draw() for _ in range(nsets)]
    uniq_sizes = [draw() for _ in range(nunique)]
    raw = sum(s * c for s, c in zip(set_sizes, copies))
    raw += sum(set_sizes[i] for i in range(ndecoys)) + sum(uniq_sizes)
    scale = nbytes / raw
    limit = pool_size // 2
    set_sizes = [min(limit, max(1, int(s * scale))) for s in set_sizes]
    uniq_sizes = [min(limit, max(1, int(s * scale))) for s in uniq_sizes]

    used = set()

    def content(size):
        while True:
            off = rnd.randrange(0, pool_size - size + 1)
            if (off, size) not in used:
                used.add((off, size))
                return pool[off:off + size]

    dirs = ["d%02d/e%02d" % (a, b) for a in range(32) for b in range(32)]
    if os.path.exists("dtree.new"):
        shutil.rmtree("dtree.new")
    for d in dirs:
        os.makedirs(os.path.join("dtree.new", d))
    counter = [0]

    def put(data):
        counter[0] += 1
        path = os.path.join("dtree.new", rnd.choice(dirs), "f%06d" % counter[0])
        with open(path, "wb") as f:
            f.write(data)

    merged = freed = 0
    for i, (size, k) in enumerate(zip(set_sizes, copies)):
        data = content(size)
        for _ in range(k):
            put(data)
        merged += k - 1
        freed += (k - 1) * size
        if i < ndecoys:
            b = bytearray(data)
            at = (0, size // 2, size - 1)[i % 3]
            b[at] ^= 0x5A
            put(bytes(b))
    for size in uniq_sizes:
        put(content(size))

    if os.path.exists("dtree"):
        shutil.rmtree("dtree")
    os.rename("dtree.new", "dtree")
    files = counter[0]
    with open("dexpected.json", "w") as f:
        json.dump({"files": files, "sets": nsets, "merged": merged,
                   "names": merged, "freed": freed,
                   "skipped": {"metadata": 0, "outside": 0, "changed": 0,
                               "error": 0}}, f, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
