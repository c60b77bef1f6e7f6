"""Executes one notebook with the tslab kernel and writes the executed copy.

    .venv/bin/python scripts/execute_notebook.py IN.ipynb OUT.ipynb

with the project's Python environment, whose Jupyter has the tslab kernel (npm start
makes it; scripts/build-site.mjs runs this for every chapter).

Exit status 0 on success; 1 when a cell fails, after printing the notebook, the
cell's number and the error text. tslab reports a failed cell with an empty
error (nbconvert shows "<Error>:"), so the text is taken from the cell's stderr.
"""
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

    async def timed(cell, cell_index, *args, **kwargs):
        start = time.perf_counter()
        try:
            return await original(cell, cell_index, *args, **kwargs)
        finally:
            if cell.cell_type == "code":
                timings.append((cell_index + 1, time.perf_counter() - start))

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
    print(f"{name}: {total:.1f} s in {len(timings)} cells; slowest: "
          + ", ".join(f"cell {i} {t:.1f} s" for i, t in slowest))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
