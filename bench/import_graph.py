"""The project's import graph between apps, read with `ast`: edges that point upward, cycles between modules,
and function-local imports of project modules.

    python bench/import_graph.py            # summary
    python bench/import_graph.py --list     # also every upward edge and function-local import

The ladder (issue 13): core -> accounts -> sales, documents -> search -> chat; config is the project (settings,
URLs, shared API plumbing) and may import every app; bench/ and tests are not counted.
"""

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "accounts", "sales", "documents", "search", "chat"]
LEVEL = {"core": 0, "accounts": 1, "sales": 2, "documents": 2, "search": 3, "chat": 4}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files():
    for app in APPS + ["config"]:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).parts
            if "tests" in rel or "migrations" in rel or path.name.startswith("test_") or path.name == "conftest.py":
                continue
            yield path


def imports_of(path: Path):
    """(imported module, line, is function-local) for every import of a project module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    local_nodes = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            local_nodes.update(id(n) for n in ast.walk(node) if n is not node)
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            if name.split(".")[0] in APPS + ["config"]:
                yield name, node.lineno, id(node) in local_nodes
                if isinstance(node, ast.ImportFrom):
                    break  # one edge per statement (the module), submodule names only resolve the target


def resolve(name: str, modules: set[str]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    files = list(project_files())
    modules = {module_name(p) for p in files}
    graph = defaultdict(set)
    upward, local, sizes = [], [], {}
    for path in files:
        source = module_name(path)
        sizes[source] = sum(1 for _ in path.open(encoding="utf-8"))
        for name, line, is_local in imports_of(path):
            target = resolve(name, modules)
            if target is None or target == source:
                continue
            graph[source].add(target)
            src_app, dst_app = source.split(".")[0], target.split(".")[0]
            if src_app in LEVEL and dst_app in LEVEL and LEVEL[dst_app] > LEVEL[src_app]:
                upward.append((source, target, line, is_local))
            elif src_app in LEVEL and dst_app == "config":
                pass  # settings-level plumbing (config.exceptions, config.pagination): counted below
            if is_local:
                local.append((source, target, line))
    cycles = find_cycles(graph)
    config_edges = sorted({(s, t) for s, ts in graph.items() for t in ts
                           if s.split(".")[0] in LEVEL and t.startswith("config")})
    print(f"modules: {len(modules)}, lines: {sum(sizes.values())}, largest: "
          + ", ".join(f"{m} {n}" for m, n in sorted(sizes.items(), key=lambda kv: -kv[1])[:5]))
    print(f"edges between modules: {sum(len(t) for t in graph.values())}")
    print(f"upward edges (against core -> accounts -> sales/documents -> search -> chat): {len(upward)}")
    print(f"module cycles: {len(cycles)}")
    print(f"function-local imports of project modules: {len(local)}")
    print(f"app -> config edges: {len(config_edges)}")
    if args.list:
        for source, target, line, is_local in upward:
            print(f"  upward {source}:{line} -> {target}{' (local)' if is_local else ''}")
        for cycle in cycles:
            print("  cycle " + " -> ".join(cycle))
        for source, target, line in local:
            print(f"  local {source}:{line} -> {target}")
    return 0


def find_cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return result


if __name__ == "__main__":
    sys.exit(main())
