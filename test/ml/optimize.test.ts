import { it, describe } from "node:test";
import assert from "node:assert/strict";
import { lbfgs, type Objective } from "../../src/ml/optimize/lbfgs.ts";
import { newton } from "../../src/ml/optimize/newton.ts";
import { Matrix } from "../../src/index.ts";
import { pythonJson } from "../support/python.ts";

/** Rosenbrock's function, f(1, 1) = 0: curved and badly scaled, a classic line-search test. */
const rosenbrock: Objective = (x) => {
  const [a, b] = x;
  return Promise.resolve({
    f: 100 * (b - a * a) ** 2 + (1 - a) ** 2,
    g: Float64Array.of(-400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a)),
  });
};

describe("lbfgs and newton", () => {
  it("lbfgs minimises Rosenbrock's function to the gradient tolerance, in about as many iterations as SciPy's L-BFGS-B", async () => {
    const scipy = pythonJson<{ nit: number; x: number[] }>(
      `import json
from scipy.optimize import minimize, rosen, rosen_der
r = minimize(rosen, [-1.2, 1.0], jac=rosen_der, method="L-BFGS-B", options={"gtol": 1e-10, "ftol": 0, "maxiter": 1000})
print(json.dumps({"nit": int(r.nit), "x": r.x.tolist()}))`,
    );
    const r = await lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 1000, gtol: 1e-10, ftol: 0 });
    assert.ok(r.converged, r.message);
    assert.ok(Math.max(...r.g.map(Math.abs)) <= 1e-10);
    assert.ok(Math.abs(r.x[0] - 1) < 1e-9 && Math.abs(r.x[1] - 1) < 1e-9, `x ${Array.from(r.x).join(", ")}`);
    assert.ok(
      Math.abs(r.nIter - scipy.nit) <= 0.5 * scipy.nit,
      `${r.nIter} iterations vs SciPy's ${scipy.nit}`,
    );
  });

  it("lbfgs stops at maxIter without claiming convergence, and at once when the start is optimal", async () => {
    const r = await lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 3, gtol: 1e-10 });
    assert.equal(r.nIter, 3);
    assert.equal(r.converged, false);
    const at = await lbfgs(rosenbrock, Float64Array.of(1, 1), { maxIter: 10, gtol: 1e-8 });
    assert.equal(at.nIter, 0);
    assert.equal(at.nEval, 1);
  });

  it("newton solves a quadratic in one step (and one to confirm), and takes the minimum-norm step for a singular Hessian", async () => {
    // f = (x0 + x1 - 2)² / 2: singular Hessian [[1, 1], [1, 1]]; from 0 the minimum-norm optimum is (1, 1).
    const fun = (x: Float64Array) => {
      const r = x[0] + x[1] - 2;
      return Promise.resolve({
        f: (r * r) / 2,
        g: Float64Array.of(r, r),
        h: new Matrix(2, 2, Float64Array.of(1, 1, 1, 1)),
      });
    };
    const r = await newton(fun, new Float64Array(2), { maxIter: 10, tol: 1e-12, semidefinite: true });
    assert.ok(r.converged);
    // One step reaches it; the second confirms it (the Newton decrement of the step just taken, as scikit-learn).
    assert.equal(r.nIter, 2);
    assert.ok(
      Math.abs(r.x[0] - 1) < 1e-12 && Math.abs(r.x[1] - 1) < 1e-12,
      `x ${Array.from(r.x).join(", ")}`,
    );
  });
});
