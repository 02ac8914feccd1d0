#!/usr/bin/env python3
"""A/B check of two turbo servers of bench/app.py: the same routes measured
on each, alternating (old first in even rounds, new first in odd ones),
every response checked (bench/check.lua). For a change to the request path:
build the commit before it from a separate clone, then compare.

Usage:
  git clone . /tmp/before && (cd /tmp/before && git checkout <commit> &&
      TURBO_CACHE_DIR=/tmp/before-cache cargo run -q --release -p turbo-codegen -- build bench/app.py -o /tmp/old-server)
  cargo run -q --release -p turbo-codegen -- build bench/app.py -o /tmp/new-server
  python3 bench/ab.py /tmp/old-server /tmp/new-server [--rounds 4] [--duration 8]
Needs: wrk, taskset.
"""

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import start, wait_ready, wrk_raw  # noqa: E402

PATHS = {
    "sync": ("/items/42?q=hello", '{"item_id":42,"q":"hello"}'),
    "root": ("/", '{"message":"Hello, World"}'),
    "deps": ("/deps?q=hello&limit=5", '{"q":"hello","skip":0,"limit":5,"env":"bench"}'),
    "deps_yield": ("/deps-yield?q=hello&limit=5", '{"q":"hello","skip":0,"limit":5,"open":true}'),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=int, default=8)
    args = parser.parse_args()
    servers = {"old": args.old, "new": args.new}
    results = {(server, path): [] for server in servers for path in PATHS}
    for round_index in range(args.rounds):
        order = ["old", "new"] if round_index % 2 == 0 else ["new", "old"]
        for name in order:
            port = 8950 + round_index
            process = start([servers[name], "--port", str(port)])
            try:
                wait_ready(port)
                for path_name, (path, body) in PATHS.items():
                    rps = wrk_raw(port, path, body, args.duration)
                    results[(name, path_name)].append(rps)
                    print(f"round {round_index + 1}: {name} {path_name} {rps:,.0f} req/s", flush=True)
            finally:
                process.terminate()
                process.wait()
    for path_name in PATHS:
        old = statistics.median(results[("old", path_name)])
        new = statistics.median(results[("new", path_name)])
        print(f"{path_name}: old {old:,.0f} new {new:,.0f} new/old {new / old:.3f}")


if __name__ == "__main__":
    main()
