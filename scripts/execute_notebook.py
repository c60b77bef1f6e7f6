"""Executes one notebook with the tslab kernel and writes the executed copy.

    .venv/bin/python scripts/execute_notebook.py IN.ipynb OUT.ipynb

with the project's Python environment, whose Jupyter has the tslab kernel (npm start
makes it; scripts/build-site.mjs runs this for every chapter).

Exit status 0 on success; 1 when a cell fails, after printing the notebook, the
cell's number and the error text. tslab reports a failed cell with an empty
error (nbconvert shows "<Error>:"), so the text is taken from the cell's stderr.
"""
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def error_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename', '')}: {out.get('evalue', '')}".strip(": "))
            parts.extend(out.get("traceback", []))
    return "\n".join(p for p in parts if p.strip()) or "(the kernel gave no error text)"


def kernel_cpu(client):
    """CPU seconds (user and system, every thread) of the kernel and its child processes so far,
    from /proc (Linux); None where that cannot be read. TensorFlow's threads count: this is
    the machine time a cell cost, which a shared machine's wall clock does not tell."""
    try:
        pid = client.km.provisioner.process.pid
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        todo = [pid]
        while todo:
            p = todo.pop()
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            for task in os.listdir(f"/proc/{p}/task"):
                try:
                    with open(f"/proc/{p}/task/{task}/children") as f:
                        todo.extend(int(c) for c in f.read().split())
                except OSError:
                    pass
        return total / ticks
    except Exception:
        return None


def main(src, dst):
    nb = nbformat.read(src, as_version=4)
    timings = []

    client = NotebookClient(
        nb,
        kernel_name="tslab",
        timeout=int(os.environ.get("CELL_TIMEOUT", "900")),
        startup_timeout=120,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(src))}},
    )

    original = client.async_execute_cell
    cpu_seconds = []

    async def timed(cell, cell_index, *args, **kwargs):
        start = time.perf_counter()
        cpu_start = kernel_cpu(client)
        try:
            return await original(cell, cell_index, *args, **kwargs)
        finally:
            if cell.cell_type == "code":
                timings.append((cell_index + 1, time.perf_counter() - start))
                cpu_end = kernel_cpu(client)
                if cpu_start is not None and cpu_end is not None:
                    cpu_seconds.append(cpu_end - cpu_start)

    client.async_execute_cell = timed
    name = os.path.basename(src)
    try:
        client.execute()
    except CellExecutionError:
        index = timings[-1][0] if timings else 0
        cell = nb.cells[index - 1]
        print(f"\n{name}: cell {index} failed:\n", file=sys.stderr)
        print("".join(cell.source), file=sys.stderr)
        print("\n--- error ---\n" + error_text(cell), file=sys.stderr)
        return 1
    nbformat.write(nb, dst)
    # One line per notebook: total time and the slowest cells, for the build log.
    slowest = sorted(timings, key=lambda t: -t[1])[:3]
    total = sum(t for _, t in timings)
    cpu = f" ({sum(cpu_seconds):.1f} s of the kernel's CPU)" if len(cpu_seconds) == len(timings) else ""
    print(f"{name}: {total:.1f} s in {len(timings)} cells{cpu}; slowest: "
          + ", ".join(f"cell {i} {t:.1f} s" for i, t in slowest))
    if os.environ.get("CELL_TIMINGS"):
        # Every code cell's seconds, and the kernel's CPU seconds over it where /proc has them.
        cells = [{"cell": i, "seconds": round(t, 3)} for i, t in timings]
        if len(cpu_seconds) == len(timings):
            for c, s in zip(cells, cpu_seconds):
                c["cpu"] = round(s, 3)
        with open(os.environ["CELL_TIMINGS"], "w") as f:
            json.dump({"notebook": name, "cells": cells}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
