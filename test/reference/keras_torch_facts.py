"""Facts about the real Keras 3 (PyTorch backend) and PyTorch, for test/reference.test.mjs.

The course is TypeScript; this script is only the reference it is tested against. It reads
one JSON request on stdin (the shapes and initializer cases the Node test wants measured,
so that both sides bin their samples on the same edges) and prints one JSON object, the
facts, as the last line of stdout. Run it from the project root with KERAS_BACKEND=torch:

    echo '{"fans": [[3, 4]], "samples": []}' | KERAS_BACKEND=torch .venv/bin/python test/reference/keras_torch_facts.py

Nothing here compares random values bit for bit with the course (the generators differ):
it returns moments, ranges and histogram counts, and the Node test compares distributions.
"""

import inspect
import json
import math
import os
import re
import sys
import time
import types

STARTED = time.perf_counter()
MISSING_EXIT = 3


def fail_missing(what, error):
    sys.stderr.write(
        f"reference test: cannot import {what} ({error}). "
        "The project's test set-up (npm test, scripts/setup.mjs --test) installs "
        "requirements-test.txt into .venv; run it, or "
        ".venv/bin/pip install -r requirements-test.txt\n"
    )
    sys.exit(MISSING_EXIT)


os.environ.setdefault("KERAS_BACKEND", "torch")
try:
    import numpy as np
except ImportError as e:
    fail_missing("numpy", e)
try:
    import torch
except ImportError as e:
    fail_missing("torch (PyTorch)", e)
try:
    import keras
    from keras import initializers as KI
    from keras import layers as KL
    from keras.src.initializers.random_initializers import compute_fans
except ImportError as e:
    fail_missing("keras (Keras 3)", e)
IMPORT_SECONDS = round(time.perf_counter() - STARTED, 3)

# P(|z| >= 2) for a standard normal: the mass a cut at 2 std removes.
P_OUTSIDE_2 = math.erfc(2 / math.sqrt(2))


def stats(values, edges=None, cut=None, center=0.0):
    """Moments, range, histogram counts (bins [e_i, e_i+1) with two open outer bins) of a sample."""
    x = np.asarray(values, dtype=np.float64).ravel()
    mean = float(x.mean())
    d = x - mean
    m2 = float(np.mean(d * d))
    m4 = float(np.mean(d ** 4))
    out = {
        "n": int(x.size),
        "mean": mean,
        "std": math.sqrt(m2),
        "kurtosis": m4 / (m2 * m2) if m2 > 0 else None,
        "min": float(x.min()),
        "max": float(x.max()),
    }
    if edges is not None:
        e = np.asarray(edges, dtype=np.float64)
        # The same rule as the Node side: bin index = number of edges <= value.
        idx = np.searchsorted(e, x, side="right")
        out["counts"] = np.bincount(idx, minlength=e.size + 1).tolist()
    if cut is not None:
        # Values beyond center +- cut (float32 rounding allowed), and the range of the others.
        lo = np.float32(center - cut)
        hi = np.float32(center + cut)
        inside = (x >= lo) & (x <= hi)
        out["outside"] = int(x.size - inside.sum())
        out["insideMin"] = float(x[inside].min())
        out["insideMax"] = float(x[inside].max())
    return out


def keras_initializer(case):
    cls = getattr(KI, case["class"])
    config = dict(case.get("config", {}))
    if "seed" in inspect.signature(cls).parameters:  # Zeros, Ones, Constant take none
        config["seed"] = case["seed"]
    return cls(**config)


def orthogonality(w, gain):
    """Largest |W^T W - gain^2 I| (tall) or |W W^T - gain^2 I| (wide), W flattened to rows x cols."""
    w = np.asarray(w, dtype=np.float64)
    cols = w.shape[-1]
    m = w.reshape(-1, cols)
    rows = m.shape[0]
    g = m.T @ m if rows >= cols else m @ m.T
    k = min(rows, cols)
    diag = np.array([m[i, i] for i in range(k)])
    return {
        "rows": rows,
        "cols": cols,
        "error": float(np.abs(g - gain * gain * np.eye(k)).max()),
        "rms": float(np.sqrt(np.mean(m * m))),
        "mean": float(m.mean()),
        "maxAbs": float(np.abs(m).max()),
        # Sign-corrected QR gives a Haar-distributed Q: its diagonal has mean 0.
        "diagMean": float(diag.mean()),
        "diagCount": int(k),
    }


def sample_case(case):
    kind = case["kind"]
    if kind == "keras":
        w = np.asarray(keras_initializer(case)(tuple(case["shape"]), dtype="float32"))
        assert w.dtype == np.float32 and list(w.shape) == case["shape"], (w.dtype, w.shape)
        if case["class"] == "Orthogonal":
            return {"shape": list(w.shape), **orthogonality(w, case["config"].get("gain", 1.0))}
        return stats(w, case.get("edges"), case.get("cut"), case.get("center", 0.0))
    if kind == "torch-layer":
        # One layer, re-initialized `repeats` times by its own reset_parameters() (what its
        # constructor calls), to collect enough bias values; weights up to 1e6 of them.
        torch.manual_seed(case["seed"])
        if case["module"] == "Linear":
            layer = torch.nn.Linear(case["in"], case["out"])
        else:
            layer = torch.nn.Conv2d(case["in"], case["out"], case["kernel"])
        fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(layer.weight)
        # kaiming_uniform_(a=sqrt(5))'s bound, computed as torch computes it.
        gain = torch.nn.init.calculate_gain("leaky_relu", math.sqrt(5))
        bound = math.sqrt(3.0) * (gain / math.sqrt(fan_in))
        weights, biases = [], []
        for r in range(case["repeats"]):
            if r:
                layer.reset_parameters()
            if sum(w.size for w in weights) < 1_000_000:
                weights.append(layer.weight.detach().numpy().copy())
            biases.append(layer.bias.detach().numpy().copy())
        return {
            "weightShape": list(layer.weight.shape),
            "dtype": str(layer.weight.dtype),
            "fanIn": fan_in,
            "fanOut": fan_out,
            "bound": bound,
            "biasBound": 1 / math.sqrt(fan_in),
            "weight": stats(np.concatenate([w.ravel() for w in weights]), case.get("edges")),
            "bias": stats(np.concatenate(biases), case.get("biasEdges")),
        }
    if kind == "torch-init":
        torch.manual_seed(case["seed"])
        t = torch.empty(case["shape"])
        getattr(torch.nn.init, case["fn"])(t, **case.get("kwargs", {}))
        result = stats(t.numpy(), case.get("edges"), case.get("cut"))
        if t.dim() >= 2:
            result["fanIn"], result["fanOut"] = torch.nn.init._calculate_fan_in_and_fan_out(t)
        return result
    if kind == "torch-orthogonal":
        torch.manual_seed(case["seed"])
        t = torch.empty(case["shape"])
        torch.nn.init.orthogonal_(t, gain=case["gain"])
        return {"shape": list(t.shape), **orthogonality(t.numpy(), case["gain"])}
    if kind == "torch-embedding":
        torch.manual_seed(case["seed"])
        e = torch.nn.Embedding(case["num"], case["dim"])
        return stats(e.weight.detach().numpy(), case.get("edges"))
    raise ValueError(f"unknown case kind {kind}")


def truncation_constant():
    """Keras's hard-coded constant, read from its source, and the std of N(0,1) cut at +-2."""
    source_file = inspect.getsourcefile(KI.VarianceScaling)
    lines = [l.strip() for l in inspect.getsource(KI.VarianceScaling.__call__).splitlines() if "0.8796" in l]
    literal = lines[0].split("/")[-1].strip() if lines else None
    inside = math.erf(2 / math.sqrt(2))
    phi2 = math.exp(-2) / math.sqrt(2 * math.pi)
    return {
        "sourceFile": os.path.relpath(source_file, os.path.dirname(keras.__file__)),
        "sourceLines": lines,
        "literal": literal,
        "value": float(literal) if literal else None,
        # Var(z | |z| < c) = 1 - 2 c phi(c) / P(|z| < c), c = 2.
        "exact": math.sqrt(1 - 2 * 2 * phi2 / inside),
    }


def truncated_normal_quirk(n, seed):
    """Keras 3's torch truncated_normal draws 4 candidates and keeps the first inside (-2, 2);
    when none is, it keeps the first anyway. Count the values it returns beyond +-2."""
    x = np.asarray(keras.random.truncated_normal((n,), seed=seed), dtype=np.float64)
    beyond = np.abs(x) >= 2
    return {
        "n": n,
        "beyond": int(beyond.sum()),
        "largest": float(np.abs(x).max()),
        "pAllFourOutside": P_OUTSIDE_2 ** 4,
        "pOutside": P_OUTSIDE_2,
    }


def names(rows):
    """Each (class, snake-case string) of chapter 5's table: does the class exist, does the
    string resolve to it, and is the lower-case name an attribute too (an alias)?"""
    out = []
    for cls_name, string in rows:
        cls = getattr(KI, cls_name, None)
        try:
            gives = type(KI.get(string)).__name__
        except Exception as e:  # Keras 3.15: get('constant') raises KeyError('value')
            gives = f"error: {type(e).__name__}: {e}"
        alias = getattr(KI, string, None)
        out.append({
            "class": cls_name,
            "string": string,
            "classExists": inspect.isclass(cls),
            "stringGives": gives,
            "aliasIsClass": alias is cls and cls is not None,
        })
    return out


def variance_scaling_configs():
    out = {}
    for name in ["GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform", "VarianceScaling"]:
        init = getattr(KI, name)()
        out[name] = {
            "isVarianceScaling": isinstance(init, KI.VarianceScaling),
            "scale": init.scale,
            "mode": init.mode,
            "distribution": init.distribution,
        }
    out["normalMeans"] = KI.VarianceScaling(distribution="normal").distribution
    return out


def option_defaults():
    return {
        "RandomNormal": KI.RandomNormal().get_config(),
        "RandomUniform": KI.RandomUniform().get_config(),
        "TruncatedNormal": KI.TruncatedNormal().get_config(),
        "Orthogonal": KI.Orthogonal().get_config(),
        "uniformString": {"class": type(KI.get("uniform")).__name__, **KI.get("uniform").get_config()},
        "normalString": {"class": type(KI.get("normal")).__name__, **KI.get("normal").get_config()},
    }


def cls_name(init):
    return type(init).__name__


def layer_defaults():
    out = {}
    dense = KL.Dense(3)
    out["Dense"] = {
        "kernel": cls_name(dense.kernel_initializer),
        "bias": cls_name(dense.bias_initializer),
        "weightsBeforeBuild": len(dense.weights),
    }
    dense.build((None, 4))
    out["Dense"]["kernelShape"] = list(dense.kernel.shape)
    out["Dense"]["kernelPath"] = dense.kernel.path
    out["Dense"]["biasValues"] = np.asarray(dense.bias).tolist()
    conv = KL.Conv2D(8, 3)
    conv.build((None, 10, 10, 4))
    out["Conv2D"] = {"kernel": cls_name(conv.kernel_initializer), "bias": cls_name(conv.bias_initializer),
                     "kernelShape": list(conv.kernel.shape)}
    conv1 = KL.Conv1D(8, 5)
    out["Conv1D"] = {"kernel": cls_name(conv1.kernel_initializer), "bias": cls_name(conv1.bias_initializer)}
    for layer_cls in (KL.SimpleRNN, KL.LSTM, KL.GRU):
        layer = layer_cls(4)
        layer.build((None, 3, 2))
        cell = layer.cell
        out[layer_cls.__name__] = {
            "kernel": cls_name(cell.kernel_initializer),
            "recurrent": cls_name(cell.recurrent_initializer),
            "bias": cls_name(cell.bias_initializer),
            "unitForgetBias": getattr(cell, "unit_forget_bias", None),
            "biasValues": np.asarray(cell.bias).ravel().tolist(),
        }
    return out


def recurrent_blocks(units):
    """A recurrent kernel is [N, gates * N]; Keras orthogonalizes the whole of it. Singular
    values of the whole and of each gate's N x N block."""
    out = {}
    for layer_cls, gates in ((KL.SimpleRNN, 1), (KL.LSTM, 4), (KL.GRU, 3)):
        layer = layer_cls(units)
        layer.build((None, 5, 3))
        u = np.asarray(layer.cell.recurrent_kernel, dtype=np.float64)
        whole = np.linalg.svd(u, compute_uv=False)
        blocks = []
        for g in range(gates):
            s = np.linalg.svd(u[:, g * units:(g + 1) * units], compute_uv=False)
            blocks.append({"meanSquare": float(np.mean(s * s)), "min": float(s.min()), "max": float(s.max())})
        out[layer_cls.__name__] = {
            "shape": list(u.shape),
            "gates": gates,
            "wholeMin": float(whole.min()),
            "wholeMax": float(whole.max()),
            "blocks": blocks,
        }
    return out


def seeding():
    """Keras 3: does one initializer instance give the same values on every call?"""
    def same_twice(init):
        return bool(np.array_equal(np.asarray(init((64, 64))), np.asarray(init((64, 64)))))

    def shared_by_two_layers(init):
        a, b = KL.Dense(64, kernel_initializer=init), KL.Dense(64, kernel_initializer=init)
        a.build((None, 64))
        b.build((None, 64))
        return bool(np.array_equal(np.asarray(a.kernel), np.asarray(b.kernel)))

    def default_layers():
        a, b = KL.Dense(64), KL.Dense(64)
        a.build((None, 64))
        b.build((None, 64))
        return bool(np.array_equal(np.asarray(a.kernel), np.asarray(b.kernel)))

    doc = inspect.getdoc(KI.HeNormal) or ""
    return {
        "seededSameTwice": same_twice(KI.HeNormal(seed=42)),
        "unseededSameTwice": same_twice(KI.HeNormal()),
        "seededSharedIdentical": shared_by_two_layers(KI.HeNormal(seed=42)),
        "unseededSharedIdentical": shared_by_two_layers(KI.HeNormal()),
        "defaultLayersIdentical": default_layers(),
        "docWarns": "same random values" in " ".join(doc.split()) and "multiple calls" in doc,
        "docSentence": next((s.strip() for s in " ".join(doc.split()).split(". ") if "same random values" in s), None),
    }


def snippets(blocks, completed):
    """Chapter 5's Keras lines. The seed's blocks, quoted as printed, run one after another with
    `tf.keras` standing for Keras 3 (`tf` is a namespace whose `keras` is the keras module); then
    the last block again with `initializer` corrected to `initializers`, to see what else it
    lacks. And the chapter's completed snippet, run as it is."""
    def run(code, namespace):
        try:
            exec(code, namespace)
            return "ok"
        except Exception as e:  # what the chapter says about each block
            return f"{type(e).__name__}: {e}"

    namespace = {"tf": types.SimpleNamespace(keras=keras)}
    seed = [run(b, namespace) for b in blocks]
    seed_fixed = run(re.sub(r"\binitializer\.", "initializers.", blocks[-1]), namespace)
    done = {}
    completed_ran = run(completed, done)
    model = done.get("model")
    dense = model.layers[0] if completed_ran == "ok" and model is not None and model.layers else None
    return {
        "seedBlocks": seed,
        "seedLastWithInitializers": seed_fixed,
        "completed": completed_ran,
        "completedLayer": None if dense is None else {
            "class": type(dense).__name__,
            "kernelInitializer": cls_name(dense.kernel_initializer),
            "kernelShape": list(dense.kernel.shape),
            "activation": dense.activation.__name__,
        },
    }


def class_identifier():
    """A layer given an initializer class (he_normal without the call) makes its own instance."""
    a = KL.Dense(64, kernel_initializer=KI.he_normal)
    b = KL.Dense(64, kernel_initializer=KI.he_normal)
    a.build((None, 64))
    b.build((None, 64))
    return {
        "getGives": cls_name(KI.get(KI.he_normal)),
        "layersIdentical": bool(np.array_equal(np.asarray(a.kernel), np.asarray(b.kernel))),
        "untruncatedDistribution": KI.VarianceScaling(distribution="untruncated_normal").distribution,
    }


def gains(slopes):
    g = torch.nn.init.calculate_gain
    return {
        "linear": g("linear"),
        "conv2d": g("conv2d"),
        "sigmoid": g("sigmoid"),
        "tanh": g("tanh"),
        "relu": g("relu"),
        "selu": g("selu"),
        "leakyReluDefault": g("leaky_relu"),
        "leakyRelu": [[a, g("leaky_relu", a)] for a in slopes],
    }


def main():
    request = json.load(sys.stdin)
    np.random.seed(0)
    timings = {}

    def timed(name, fn, *args):
        started = time.perf_counter()
        result = fn(*args)
        timings[name] = round(time.perf_counter() - started, 3)
        return result

    facts = {
        "versions": {
            "keras": keras.__version__,
            "torch": torch.__version__,
            "numpy": np.__version__,
            "python": sys.version.split()[0],
            "backend": keras.backend.backend(),
        },
        "fans": [{"shape": s, "keras": list(compute_fans(tuple(s)))} for s in request["fans"]],
        "samples": {c["id"]: timed(c["id"], sample_case, c) for c in request["samples"]},
        "truncationConstant": truncation_constant(),
        "truncatedNormalQuirk": timed("quirk", truncated_normal_quirk, request["quirkDraws"], 11),
        "names": names(request["names"]),
        "hasSingularModule": hasattr(keras, "initializer"),
        "heNormalCallable": cls_name(KI.he_normal()),
        "varianceScaling": variance_scaling_configs(),
        "optionDefaults": option_defaults(),
        "layerDefaults": timed("layers", layer_defaults),
        "recurrentBlocks": timed("recurrent blocks", recurrent_blocks, request["recurrentUnits"]),
        "seeding": timed("seeding", seeding),
        "snippets": timed("snippets", snippets, request["snippets"]["seedBlocks"], request["snippets"]["completed"]),
        "classIdentifier": class_identifier(),
        "gains": gains(request["leakySlopes"]),
    }
    facts["timings"] = {"import": IMPORT_SECONDS, **timings, "total": round(time.perf_counter() - STARTED, 3)}
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
