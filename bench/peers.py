#!/usr/bin/python3
"""NumPy and dask.array side of `npm run bench`.

Reads a JSON case list (the same one the TypeScript side runs), runs each case with NumPy and with
dask.array (threaded scheduler, `num_workers` = cores, chunks = the dsfabric block size) and prints one JSON
document on stdout:

    {"env": {...}, "results": [{"name": ..., "numpy": {...}, "dask": {...}}, ...]}

Each timing is a warm-up run followed by the median of `--repeats` runs; inputs are generated (and, for
dask, persisted) before the clock starts. Each timing also carries `peak_rss_bytes`, the process's peak RSS
over the timed runs (VmHWM, reset through /proc/self/clear_refs before each run), when that is writable.
A case a peer has no equivalent for (NumPy and `waves`) reports `{"error": "not applicable: ..."}`.
Progress goes to stderr.

Usage:
    /usr/bin/python3 bench/peers.py --cases cases.json [--repeats 3] [--cores 2]
    /usr/bin/python3 bench/peers.py --env-only
    (use `--cases -` to read the case list from stdin)
"""

import argparse
import contextlib
import gc
import io
import json
import os
import resource
import statistics
import sys
import time


def log(msg):
    print(f"[peers] {msg}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------------------
# Environment


def blas_info():
    """What BLAS NumPy uses: threadpoolctl when installed, else a summary of numpy.show_config()."""
    try:
        import threadpoolctl

        pools = [
            {
                "internal_api": p.get("internal_api"),
                "version": p.get("version"),
                "architecture": p.get("architecture"),
                "threading_layer": p.get("threading_layer"),
                "num_threads": p.get("num_threads"),
                "filepath": p.get("filepath"),
            }
            for p in threadpoolctl.threadpool_info()
            if p.get("user_api") == "blas"
        ]
        if pools:
            return {"source": "threadpoolctl", "pools": pools}
    except Exception:  # noqa: BLE001 - optional dependency, any failure means "not available"
        pass
    import numpy as np

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        np.show_config()
    return {"source": "numpy.show_config", "text": buf.getvalue()}


def environment(cores):
    import numpy as np

    env = {
        "python": sys.version.split()[0],
        "python_executable": sys.executable,
        "numpy": np.__version__,
        "cores_requested": cores,
        "cpu_count": os.cpu_count(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "unset"),
        "blas": blas_info(),
    }
    try:
        import dask

        env["dask"] = dask.__version__
    except Exception as e:  # noqa: BLE001
        env["dask"] = f"not available: {e}"
    try:
        import distributed

        env["distributed"] = distributed.__version__
    except Exception as e:  # noqa: BLE001
        env["distributed"] = f"not available: {e}"
    return env


def numpy_copy_bandwidth(n_bytes=256 << 20, reps=5):
    """Best-of-`reps` np.copyto of a large float64 array, in GB/s counting read + write bytes."""
    import numpy as np

    n = n_bytes // 8
    src = np.ones(n)
    dst = np.empty(n)
    dst[:] = 0.0  # touch pages before timing
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t0)
    del src, dst
    return 2 * n * 8 / best / 1e9


# ----------------------------------------------------------------------------------------------------------
# Cases


# What a case's last run said about itself (a solver's iterations), by case name; added to its timing.
NOTES = {}


class NotApplicable(Exception):
    """A case that a peer has no equivalent for (reported as its reason, not as a failure)."""


def numpy_case(case, seed):
    """Returns (prepare, run): prepare() builds inputs, run(inputs) does the timed work."""
    import numpy as np

    n, m = case["shape"]
    kind = case["kind"]

    def rand(shape, s):
        return np.random.default_rng(s).random(shape)

    if kind == "elementwise":
        return (
            lambda: (rand((n, m), seed), rand((n, m), seed + 1)),
            lambda xy: np.sqrt((xy[0] + xy[1]) * 2),
        )
    if kind == "chain-sum":
        return (
            lambda: (rand((n, m), seed), rand((n, m), seed + 1)),
            lambda xy: np.sqrt((xy[0] + xy[1]) * 2).sum(),
        )
    if kind == "sum":
        axis = case.get("axis")
        return (lambda: (rand((n, m), seed),), lambda xs: xs[0].sum(axis=axis))
    if kind == "collect":
        # NumPy's array is already gathered: the equivalent is a copy into a new array.
        return (lambda: (rand((n, m), seed),), lambda xs: xs[0].copy())
    if kind in ("transpose", "transpose-collect"):
        return (lambda: (rand((n, m), seed),), lambda xs: np.ascontiguousarray(xs[0].T))
    if kind == "rechunk":
        # NumPy has no blocks: the dense equivalent of moving every element once is a full copy.
        return (lambda: (rand((n, m), seed),), lambda xs: xs[0].copy())
    if kind == "matmul":
        k = case["inner"]
        return (
            lambda: (rand((n, k), seed), rand((k, m), seed + 1)),
            lambda ab: ab[0] @ ab[1],
        )
    if kind == "gram":
        c = float(case["scalar"])
        rounds = int(case["rounds"])

        def gram(xs):
            for _ in range(rounds):
                g = (xs[0] * c).T @ xs[0]
            return g

        return (lambda: (rand((n, m), seed),), gram)
    if kind == "waves":
        raise NotApplicable("NumPy has no tasks: waves measures a scheduler's per-task cost")
    if kind == "kmeans":
        from sklearn.cluster import KMeans

        k, iterations = int(case["clusters"]), int(case["rounds"])
        init = np.array([[((i * 7 + j * 3) % 10) / 10 for j in range(m)] for i in range(k)])
        return (
            lambda: (rand((n, m), seed),),
            lambda xs: KMeans(n_clusters=k, init=init, n_init=1, max_iter=iterations, tol=0, algorithm="lloyd").fit(xs[0]),
        )
    if kind == "logistic-regression":
        from sklearn.linear_model import LogisticRegression

        def fit(xy):
            model = LogisticRegression().fit(xy[0], xy[1])
            NOTES[case["name"]] = f"LogisticRegression() lbfgs, n_iter_ {int(model.n_iter_[0])}"
            return model

        y_file = case["file"][: -len(".npy")] + ".y.npy"
        return (lambda: (np.load(case["file"]), np.load(y_file).ravel()), fit)
    if kind == "pca":
        from sklearn.decomposition import PCA

        k = int(case["components"])
        return (lambda: (rand((n, m), seed),), lambda xs: PCA(n_components=k).fit(xs[0]))
    if kind == "linear-regression":
        from sklearn.linear_model import LinearRegression

        return (
            lambda: (rand((n, m), seed), rand((n, 1), seed + 1)),
            lambda xy: LinearRegression().fit(xy[0], xy[1]),
        )
    if kind == "load-csv":
        return (lambda: (case["file"],), lambda f: np.loadtxt(f[0], delimiter=","))
    if kind == "load-npy":
        return (lambda: (case["file"],), lambda f: np.load(f[0]))
    if kind == "load-svmlight":
        from sklearn.datasets import load_svmlight_file

        return (lambda: (case["file"],), lambda f: load_svmlight_file(f[0]))
    if kind == "sparse-matmul":
        from sklearn.datasets import load_svmlight_file

        k = int(case["denseCols"])
        return (
            lambda: (load_svmlight_file(case["file"])[0].tocsr(), rand((m, k), seed)),
            lambda xw: xw[0] @ xw[1],
        )
    raise ValueError(f"unknown case kind {kind!r}")


def dask_case(case, seed, cores):
    import dask.array as da
    import numpy as np

    n, m = case["shape"]
    block = tuple(case["block"])
    kind = case["kind"]
    opts = {"scheduler": "threads", "num_workers": cores}

    def rand(shape, s):
        return da.random.RandomState(s).random_sample(shape, chunks=block).persist(**opts)

    def materialise(a):
        # Chunk-wise transposes are views; force contiguous blocks so the work is really done.
        return a.map_blocks(np.ascontiguousarray, dtype=a.dtype).persist(**opts)

    if kind == "elementwise":
        return (
            lambda: (rand((n, m), seed), rand((n, m), seed + 1)),
            lambda xy: da.sqrt((xy[0] + xy[1]) * 2).persist(**opts),
        )
    if kind == "chain-sum":
        return (
            lambda: (rand((n, m), seed), rand((n, m), seed + 1)),
            lambda xy: da.sqrt((xy[0] + xy[1]) * 2).sum().compute(**opts),
        )
    if kind == "sum":
        axis = case.get("axis")
        if axis is None:
            return (lambda: (rand((n, m), seed),), lambda xs: xs[0].sum().compute(**opts))
        return (lambda: (rand((n, m), seed),), lambda xs: xs[0].sum(axis=axis).persist(**opts))
    if kind == "collect":
        return (lambda: (rand((n, m), seed),), lambda xs: xs[0].compute(**opts))
    if kind == "transpose":
        return (lambda: (rand((n, m), seed),), lambda xs: materialise(xs[0].T))
    if kind == "transpose-collect":
        # compute() concatenates the transposed chunks into one new C-contiguous array.
        return (lambda: (rand((n, m), seed),), lambda xs: xs[0].T.compute(**opts))
    if kind == "rechunk":
        target = tuple(case["rechunkTo"])
        return (lambda: (rand((n, m), seed),), lambda xs: materialise(xs[0].rechunk(target)))
    if kind == "matmul":
        k = case["inner"]
        return (
            lambda: (rand((n, k), seed), rand((k, m), seed + 1)),
            lambda ab: (ab[0] @ ab[1]).persist(**opts),
        )
    if kind == "gram":
        c = float(case["scalar"])
        rounds = int(case["rounds"])

        def gram(xs):
            for _ in range(rounds):
                g = ((xs[0] * c).T @ xs[0]).compute(**opts)
            return g

        return (lambda: (rand((n, m), seed),), gram)
    if kind == "waves":
        waves = int(case["rounds"])

        def run_waves(ys):
            y = ys[0]
            for _ in range(waves):
                y = (y + 1).persist(**opts)
            return y

        return (lambda: (rand((n, m), seed),), run_waves)
    if kind == "load-csv":
        # pandas, not dask: the issue's peer for text is pandas' C parser (one thread).
        import pandas as pd

        return (lambda: (case["file"],), lambda f: pd.read_csv(f[0], header=None).to_numpy())
    if kind == "load-npy":
        return (
            lambda: (case["file"],),
            lambda f: da.from_array(np.load(f[0], mmap_mode="r"), chunks=block).persist(**opts),
        )
    if kind in ("linear-regression", "kmeans", "logistic-regression", "pca"):
        raise NotApplicable("no dask-ml here; the peer is scikit-learn (numpy column)")
    if kind in ("load-svmlight", "sparse-matmul"):
        raise NotApplicable("dask has no svmlight reader; the peer is scikit-learn / scipy (numpy column)")
    raise ValueError(f"unknown case kind {kind!r}")


def reset_peak_rss():
    """Resets the kernel's RSS high-water mark (VmHWM); False where /proc/self/clear_refs is not writable."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss_bytes():
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def time_case(prepare, run, repeats):
    inputs = prepare()
    peaks = []
    try:
        out = run(inputs)  # warm-up
        del out
        gc.collect()
        samples = []
        for _ in range(repeats):
            watched = reset_peak_rss()
            t0 = time.perf_counter()
            out = run(inputs)
            samples.append((time.perf_counter() - t0) * 1e3)
            if watched:
                peaks.append(peak_rss_bytes())
            del out
            gc.collect()
    finally:
        del inputs
        gc.collect()
    timing = {"samples_ms": samples, "median_ms": statistics.median(samples), "min_ms": min(samples)}
    if peaks and all(p is not None for p in peaks):
        timing["peak_rss_bytes"] = max(peaks)
    return timing


def run_cases(cases, repeats, cores, peers):
    results = []
    for case in cases:
        entry = {"name": case["name"]}
        seed = int(case.get("seed", 42))
        for peer in peers:
            log(f"{case['name']}: {peer} ...")
            try:
                if peer == "numpy":
                    prepare, run = numpy_case(case, seed)
                else:
                    prepare, run = dask_case(case, seed, cores)
                entry[peer] = time_case(prepare, run, repeats)
                if case["name"] in NOTES:
                    entry[peer]["note"] = NOTES.pop(case["name"])
                log(f"{case['name']}: {peer} median {entry[peer]['median_ms']:.1f} ms")
            except NotApplicable as e:
                entry[peer] = {"error": f"not applicable: {e}"}
                log(f"{case['name']}: {peer}: {entry[peer]['error']}")
            except Exception as e:  # noqa: BLE001 - report per case, never abort the run
                entry[peer] = {"error": f"{type(e).__name__}: {e}"}
                log(f"{case['name']}: {peer} failed: {entry[peer]['error']}")
            gc.collect()
        results.append(entry)
    return results


def limit_blas_threads(cores):
    """Pin NumPy's BLAS to `cores` threads (same cores as dsfabric) when threadpoolctl is available."""
    try:
        import threadpoolctl

        return threadpoolctl.threadpool_limits(limits=cores, user_api="blas")
    except Exception:  # noqa: BLE001
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", help="JSON file with the case list, or - for stdin")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--peers", default="numpy,dask", help="comma-separated subset of numpy,dask")
    ap.add_argument("--env-only", action="store_true", help="print the environment and exit")
    args = ap.parse_args()

    limiter = limit_blas_threads(args.cores)
    env = environment(args.cores)
    if args.env_only:
        json.dump({"env": env}, sys.stdout)
        print()
        return
    if not args.cases:
        ap.error("--cases is required unless --env-only")

    if args.cases == "-":
        cases = json.load(sys.stdin)
    else:
        with open(args.cases, encoding="utf-8") as f:
            cases = json.load(f)

    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    env["numpy_copy_gbs"] = numpy_copy_bandwidth()
    results = run_cases(cases, max(1, args.repeats), args.cores, peers)
    env["max_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    json.dump({"env": env, "results": results}, sys.stdout)
    print()
    del limiter


if __name__ == "__main__":
    main()
