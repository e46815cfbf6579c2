#!/usr/bin/env python3
"""bench/gen_pairs.py PAIRS - the create --batch benchmark's input, made in
the current directory: bsrc/ with PAIRS empty files in directories of 100,
pairs.tsv (TARGET<TAB>LINK_NAME, for hln create --batch) and pairs.txt
(TARGET LINK_NAME, for xargs -n 2 ln) linking every one of them into bdst/
(names without blanks, for xargs).  bench/run.sh calls it (gen_pairs).
"""
import os, sys

n = int(sys.argv[1])
tsv, txt = [], []
for i in range(n):
    d = "bsrc.new/d%03d" % (i // 100)
    if i % 100 == 0:
        os.makedirs(d)
    t = "%s/file-%06d.dat" % (d, i)
    os.close(os.open(t, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    t = t.replace("bsrc.new/", "bsrc/", 1)
    link = "bdst/link-%06d.dat" % i
    tsv.append(t + "\t" + link + "\n")
    txt.append(t + " " + link + "\n")
os.rename("bsrc.new", "bsrc")
with open("pairs.tsv", "w") as f:
    f.writelines(tsv)
with open("pairs.txt", "w") as f:
    f.writelines(txt)
