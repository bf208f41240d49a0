"""The house rule "dependencies point down, no import circles", checked.

    python3 xtask/imports.py crates/files-cli/src

Builds a crate's module graph from its `crate::`, `super::`, `self::` and
child-module paths (outside comments and `#[cfg(test)]` modules; `mod`
declarations are not imports), then reports every module that imports from one
of its ancestors and every circle between modules. Exits 1 if it found any.
A heuristic over the text, not a Rust parser: good enough for this tree."""
import os, re, sys
root = sys.argv[1]
mods = {}
for dp, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith('.rs'): continue
        p = os.path.join(dp, f); rel = os.path.relpath(p, root)[:-3].split(os.sep)
        if rel in (['main'], ['lib']): continue  # crate roots: not modules
        if rel[-1] == 'mod': rel = rel[:-1]
        mods[tuple(rel)] = p
def strip_tests(text):
    out = []; skip = 0; depth = 0; pending = False
    for line in text.split('\n'):
        s = line.strip()
        if skip:
            depth += line.count('{') - line.count('}')
            if depth <= 0: skip = 0
            continue
        if s.startswith('#[cfg(test)]'): pending = True; continue
        if pending and s.startswith('mod ') and s.endswith('{'):
            skip = 1; depth = 1; pending = False; continue
        pending = False
        if s.startswith('//'): continue
        out.append(line)
    return '\n'.join(out)
def resolve(path):
    for n in range(len(path), 0, -1):
        if tuple(path[:n]) in mods: return tuple(path[:n])
    return ()
edges = {m: set() for m in mods}
for m, p in mods.items():
    text = strip_tests(open(p).read())
    # expand `use a::{b, c::d}` one level
    def expand(mt):
        head, _, rest = mt.group(1).partition('{')
        head = head.strip().rstrip(':')
        names = [head + '::' + n.strip() for n in rest.rstrip('}').split(',') if n.strip()] if rest else [head]
        return '\n'.join(' ' + n for n in names)
    text = re.sub(r'\buse\s+([^;]+);', expand, text, flags=re.S)
    kids = {k[-1] for k in mods if k[:-1] == m}
    refs = re.findall(r'\b((?:crate|super|self)(?:::\w+)+)', text)
    refs += ['self::' + r for r in re.findall(r'(?<![:\w])(\w+(?:::\w+)+)', text) if r.split('::')[0] in kids]
    for ref in refs:
        parts = ref.split('::')
        here = list(m) if p.endswith('mod.rs') else list(m)
        if parts[0] == 'crate': path = parts[1:]
        else:
            base = list(m)
            while parts and parts[0] in ('super', 'self'):
                if parts.pop(0) == 'super': base = base[:-1]
            path = base + parts
        t = resolve(path)
        if t and t != m: edges[m].add(t)
bad = 0
for m, ts in sorted(edges.items()):
    for t in sorted(ts):
        if m[:len(t)] == t:
            print('from above:', '::'.join(m), '->', '::'.join(t)); bad += 1
# cycles (Tarjan)
idx = {}; low = {}; stack = []; on = set(); sccs = []; i = [0]
sys.setrecursionlimit(10000)
def sc(v):
    idx[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in idx: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], idx[w])
    if low[v] == idx[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v: break
        if len(c) > 1: sccs.append(c)
for v in edges:
    if v not in idx: sc(v)
for c in sccs:
    print('circle:', ' <-> '.join('::'.join(x) for x in c)); bad += 1
print(f'{len(mods)} modules, {sum(map(len, edges.values()))} edges, {bad} problems')
sys.exit(1 if bad else 0)
