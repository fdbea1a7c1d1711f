#!/usr/bin/python3
"""Keep docs/design/pipeline.md true to the registered pipelines.

Each pipeline the document shows sits between `<!-- pipeline NAME -->` and
`<!-- end pipeline -->`, as a tree: one pass per line, the passes of a
nested pass manager indented under the op they run on. The tree is made from
what `weft-opt --pass-pipeline='builtin.module(NAME)' --dump-pass-pipeline`
prints (options left out).

  pipeline-doc.py --check DOC NAME=DUMP...   exit 1 if a tree differs
  pipeline-doc.py --write DOC NAME=DUMP...   rewrite the trees in DOC
"""
import re
import sys


def parse(text, i=0):
    """Parses `a{..},b(c,d)` from text[i:]; returns ([(name, children)], i)."""
    items = []
    while i < len(text) and text[i] != ")":
        m = re.match(r"[A-Za-z0-9_.\-]+", text[i:])
        if not m:
            raise ValueError(f"unexpected pipeline text at {text[i:i + 40]!r}")
        name = m.group(0)
        i += len(name)
        if i < len(text) and text[i] == "{":  # options: skip, braces nest
            depth = 0
            while True:
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
                if depth == 0:
                    break
        children = []
        if i < len(text) and text[i] == "(":
            children, i = parse(text, i + 1)
            i += 1  # ")"
        items.append((name, children))
        if i < len(text) and text[i] == ",":
            i += 1
    return items, i


def tree(dump):
    """The indented tree of a --dump-pass-pipeline output."""
    text = "".join(line.strip() for line in dump.splitlines()
                   if not line.startswith("Pass Manager"))
    items, _ = parse(text)
    lines = []

    def walk(nodes, depth):
        for name, children in nodes:
            lines.append("  " * depth + name)
            walk(children, depth + 1)
    walk(items, 0)
    return "\n".join(lines) + "\n"


def main():
    mode, doc_path, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
    doc = open(doc_path).read()
    status = 0
    for pair in pairs:
        name, dump_path = pair.split("=", 1)
        expected = "```text\n" + tree(open(dump_path).read()) + "```\n"
        pattern = re.compile(r"(<!-- pipeline %s -->\n)(.*?)(<!-- end pipeline -->)"
                             % re.escape(name), re.S)
        m = pattern.search(doc)
        if not m:
            print(f"{doc_path}: no block for pipeline {name}")
            status = 1
            continue
        if m.group(2) != expected:
            if mode == "--check":
                print(f"{doc_path}: pipeline {name} differs from the registered "
                      f"one; run scripts/pipeline-doc.py --write. Registered:\n"
                      + expected)
                status = 1
            doc = doc[:m.start(2)] + expected + doc[m.end(2):]
    if mode == "--write":
        open(doc_path, "w").write(doc)
    return status


if __name__ == "__main__":
    sys.exit(main())
