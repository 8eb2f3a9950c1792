#!/usr/bin/env python3
"""Many small files in deep folders: 100,000 files of 40 B-2 KiB in 100,000 folders (deterministic).

Usage: gen_small.py TARGET_DIR [--seed N] [--files N]

Folders form a tree 4 levels deep under TARGET_DIR (fan-out 18: d00/d07/d12/d03/...), and each folder holds one file
on average: text lines from a small vocabulary (compressible, as config files and small sources are), one in five
files random bytes. Sizes are uniform in 40-2,048 bytes. The same seed gives the same tree byte for byte.
"""
import os
import random
import sys


def main():
    args = sys.argv[1:]
    opts = {"--seed": 1, "--files": 100_000}
    for k in list(opts):
        if k in args:
            i = args.index(k)
            opts[k] = int(args[i + 1])
            del args[i:i + 2]
    root = args[0]
    rng = random.Random(opts["--seed"])
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))) for _ in range(400)]
    fan = 18
    for n in range(opts["--files"]):
        # Folder n (one per file): its path is n written in base 18, four digits, one folder per digit.
        digits = []
        m = n
        for _ in range(4):
            digits.append(m % fan)
            m //= fan
        folder = os.path.join(root, *("d%02d" % d for d in reversed(digits)))
        os.makedirs(folder, exist_ok=True)
        size = rng.randint(40, 2048)
        if rng.random() < 0.2:
            data = rng.randbytes(size)
            name = "blob-%d.bin" % n
        else:
            text = []
            length = 0
            while length < size:
                line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 12))) + "\n"
                text.append(line)
                length += len(line)
            data = "".join(text).encode()[:size]
            name = "conf-%d.txt" % n
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
