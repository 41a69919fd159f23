#!/usr/bin/env python3
"""Writes assets/fonts/unifont-titles.hex: the GNU Unifont glyphs (16 px tall)
of printable ASCII and of every character in the shipped lessons' titles and
step titles, for presentation mode's big titles (src/ui/present/glyphs.rs).

Run after changing a title:  python3 tools/unifont_subset.py [UNIFONT_HEX]
(UNIFONT_HEX defaults to Debian's /usr/share/unifont/unifont.hex, package
`unifont`). A test fails when a shipped title has a character missing here.
The glyphs are GNU Unifont's, used under the SIL Open Font License 1.1: keep
assets/fonts/NOTICE.md and assets/fonts/OFL-1.1.txt beside the subset.
"""
import glob
import os
import sys
import tomllib

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unifont/unifont.hex"

wanted = {chr(c) for c in range(0x20, 0x7F)}
for path in sorted(glob.glob(os.path.join(root, "lessons", "*.toml"))):
    with open(path, "rb") as f:
        lesson = tomllib.load(f)
    titles = [lesson.get("title", {})] + [s.get("title", {}) for s in lesson.get("steps", [])]
    for title in titles:
        for text in title.values():
            wanted |= set(text)

glyphs = {}
with open(source, encoding="ascii") as f:
    for line in f:
        code, bits = line.strip().split(":")
        if chr(int(code, 16)) in wanted:
            glyphs[int(code, 16)] = bits

out = os.path.join(root, "assets", "fonts", "unifont-titles.hex")
with open(out, "w", encoding="ascii") as f:
    for code in sorted(glyphs):
        f.write(f"{code:04X}:{glyphs[code]}\n")
missing = sorted(c for c in wanted if ord(c) not in glyphs and not c.isspace())
print(f"{len(glyphs)} glyphs written to {out}; not in Unifont: {missing}")
