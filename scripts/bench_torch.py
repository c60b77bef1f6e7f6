"""PyTorch's time for the benchmark's signal-propagation pass, for comparison (npm run bench).

    .venv/bin/python scripts/bench_torch.py ROUNDS

The same pass as signalPropagation's benchmark rows: 50 layers of width 512, a batch of
1024, float32, kernels drawn from the layer's init (Glorot normal for tanh, He normal for
relu) before the pass, and each layer's mean and variance taken on the way, as the course's
engine records them. "forward + backward" sends a standard normal gradient back from the
output through autograd, as the engine does, and takes each layer's gradient moments too.
Drawing the kernels is not timed (the engine draws them on a second thread).

Each pass is timed at one thread and at all of the machine's threads, in rounds (every
variant once per round, in turn, after a warm-up), and printed as one JSON object.
"""
import json
import math
import os
import sys
import time

import torch

L, N, B = 50, 512, 1024


def kernels(activation, gen):
    std = math.sqrt(2.0 / (N + N)) if activation == "tanh" else math.sqrt(2.0 / N)
    return [torch.randn(N, N, generator=gen) * std for _ in range(L)]


def forward(x, ws, act, stats):
    h = x
    for w in ws:
        z = h @ w
        h = act(z)
        stats.append(torch.stack([h.mean(), h.var(unbiased=False)]))
    return h


def run(activation, backward, ws, x, g):
    act = torch.tanh if activation == "tanh" else torch.relu
    stats = []
    if not backward:
        with torch.no_grad():
            forward(x, ws, act, stats)
        return torch.stack(stats).tolist()
    pre = []
    h = x
    for w in ws:
        z = h @ w
        z.retain_grad()
        pre.append(z)
        h = act(z)
        stats.append(torch.stack([h.mean().detach(), h.var(unbiased=False).detach()]))
    h.backward(g)
    grads = [torch.stack([z.grad.mean(), z.grad.var(unbiased=False)]) for z in pre]
    return torch.stack(stats + grads).tolist()


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    cores = os.cpu_count() or 1
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(B, N, generator=gen)
    g = torch.randn(B, N, generator=gen)
    variants = []
    for activation in ("tanh", "relu"):
        ws = kernels(activation, gen)
        for backward in (False, True):
            for threads in sorted({1, cores}):
                variants.append({"activation": activation, "backward": backward, "threads": threads, "ws": ws})
    times = [[] for _ in variants]
    for r in range(rounds + 1):
        for i, v in enumerate(variants):
            torch.set_num_threads(v["threads"])
            ws = [w.requires_grad_(v["backward"]) for w in v["ws"]]
            t0 = time.perf_counter()
            run(v["activation"], v["backward"], ws, x, g)
            if r > 0:  # round 0 warms up
                times[i].append(time.perf_counter() - t0)
    out = {"torch": torch.__version__, "cores": cores, "layers": L, "width": N, "batch": B, "rows": []}
    for v, t in zip(variants, times):
        t.sort()
        out["rows"].append({"activation": v["activation"], "backward": v["backward"], "threads": v["threads"],
                            "median": t[len(t) // 2], "min": t[0], "runs": len(t)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
