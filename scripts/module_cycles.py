#!/usr/bin/env python3
"""Fails if the Rust modules under a source directory import each other in
a cycle (through `crate::` or `super::` paths, outside `#[cfg(test)]`
modules). Each module is a file; `mod.rs` is its folder's module.

Usage: scripts/module_cycles.py SRC_DIR...
"""

import os
import re
import sys


def modules(root: str) -> dict:
    found = {}
    for directory, _, files in os.walk(root):
        for file in files:
            if not file.endswith(".rs"):
                continue
            relative = os.path.relpath(os.path.join(directory, file), root)[:-3]
            if relative.endswith("/mod"):
                relative = relative[:-4]
            name = "" if relative in ("lib", "main") else relative.replace("/", "::")
            with open(os.path.join(directory, file)) as source:
                # Tests may reach anywhere.
                found[name] = re.sub(r"#\[cfg\(test\)\]\s*mod tests \{.*", "", source.read(), flags=re.S)
    return found


def imports(found: dict) -> dict:
    def resolve(path: str):
        parts = path.split("::")
        for length in range(len(parts), 0, -1):
            candidate = "::".join(parts[:length])
            if candidate in found:
                return candidate
        return None

    edges = {}
    for name, text in found.items():
        parent = name.rsplit("::", 1)[0] if "::" in name else ""
        targets = {resolve(m.group(1)) for m in re.finditer(r"crate::((?:[a-z_0-9]+::)*[a-z_0-9]+)", text)}
        targets |= {
            resolve((parent + "::" if parent else "") + m.group(1))
            for m in re.finditer(r"super::((?:[a-z_0-9]+::)*[a-z_0-9]+)", text)
        }
        edges[name] = {target for target in targets if target is not None and target != name}
    return edges


def cycles(edges: dict) -> list:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    return found


def main() -> int:
    failed = False
    for root in sys.argv[1:]:
        for component in cycles(imports(modules(root))):
            print(f"{root}: modules import each other in a cycle: {', '.join(component)}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
