"""The networkx peer of `make bench-lineage`.

    python3 nx_ancestors.py EDGES.tsv REPS NODE [NODE ...]

Loads the edge list (one `from<TAB>to` per line, `#` lines skipped) into a networkx DiGraph,
then runs `nx.ancestors(G, node)` REPS times per node. Prints each node's closure (the node and
its ancestors, as `strata lineage +NODE --ids` selects it) to stdout, one id per line, and one
JSON line of timings (milliseconds) to stderr.
"""
import json
import sys
import time

t0 = time.perf_counter()
import networkx as nx  # noqa: E402  (timed: importing networkx is part of the process)

t_import = time.perf_counter()
path, reps, nodes = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
G = nx.DiGraph()
with open(path, encoding="utf-8") as f:
    G.add_edges_from(line.rstrip("\n").split("\t") for line in f if not line.startswith("#"))
t_load = time.perf_counter()
timings = {"import_ms": (t_import - t0) * 1000, "load_ms": (t_load - t_import) * 1000,
           "nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "ancestors_ms": {}, "count": {}}
out = []
for node in nodes:
    ms = []
    for _ in range(reps):
        a0 = time.perf_counter()
        up = nx.ancestors(G, node)
        ms.append((time.perf_counter() - a0) * 1000)
    timings["ancestors_ms"][node] = ms
    timings["count"][node] = len(up) + 1
    out.append("\n".join(sorted(up | {node})))
sys.stdout.write("\n".join(out) + "\n")
sys.stdout.flush()
timings["total_ms"] = (time.perf_counter() - t0) * 1000
sys.stderr.write(json.dumps(timings) + "\n")
