"""Reference vectors for Adafactor, computed from the algorithm as torch.optim.Adafactor's
documentation (PyTorch 2.5) states it, with row and column *sums* and in float64, on the problem
of the golden optim/adam.json case (same MLP, parameters, inputs and targets). PyTorch 1.13 has no
Adafactor, so this is an independent statement of the documented algorithm, not a copy of the
implementation. Writes adafactor.json and adafactor_maximize.json in the golden optim schema.

    python3 adafactor_reference.py PATH/TO/golden/optim/adam.json
"""
import json
import math
import sys

import torch


def tensor(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def loss_of(params, names, x, y):
    h = x
    n_layers = len(names) // 2
    for i in range(n_layers):
        h = h @ params[names[2 * i]].T + params[names[2 * i + 1]]
        if i < n_layers - 1:
            h = torch.relu(h)
    return torch.nn.functional.nll_loss(torch.log_softmax(h, dim=1), y)


def rms(t):
    return t.pow(2).mean().sqrt().item()


def run(problem, options, steps, maximize):
    lr = options["lr"]
    tau = options.get("beta2_decay", -0.8)
    eps1, eps2 = options.get("eps", [None, 1e-3])
    eps1 = torch.finfo(torch.float32).eps if eps1 is None else eps1
    d = options.get("d", 1.0)
    wd = options.get("weight_decay", 0.0)
    names = list(problem["params"].keys())
    params = {n: torch.tensor(problem["params"][n]["data"], dtype=torch.float64).reshape(problem["params"][n]["shape"]) for n in names}
    x = torch.tensor(problem["inputs"]["data"], dtype=torch.float64).reshape(problem["inputs"]["shape"])
    y = torch.tensor(problem["targets"])
    R = {n: None for n in names}
    C = {n: None for n in names}
    V = {n: None for n in names}
    out = []
    for t in range(1, steps + 1):
        for p in params.values():
            p.requires_grad_(True)
        loss = loss_of(params, names, x, y)
        grads = torch.autograd.grad(loss, [params[n] for n in names])
        new = {}
        with torch.no_grad():
            for n, g in zip(names, grads):
                theta = params[n].detach()
                G = -g if maximize else g
                beta2_hat = 1 - t ** tau
                rho = min(lr, 1 / math.sqrt(t))
                alpha = max(eps2, rms(theta)) * rho
                theta = theta - lr * wd * theta
                if G.dim() > 1:
                    rows, cols = G.shape
                    if R[n] is None:
                        R[n] = torch.zeros(rows, dtype=torch.float64)
                        C[n] = torch.zeros(cols, dtype=torch.float64)
                    R[n] = beta2_hat * R[n] + (1 - beta2_hat) * (G * G) @ torch.ones(cols, dtype=torch.float64)
                    C[n] = beta2_hat * C[n] + (1 - beta2_hat) * torch.ones(rows, dtype=torch.float64) @ (G * G)
                    Vhat = torch.outer(R[n], C[n]) / max(R[n].sum().item(), eps1)
                else:
                    if V[n] is None:
                        V[n] = torch.zeros_like(G)
                    V[n] = beta2_hat * V[n] + (1 - beta2_hat) * G * G
                    Vhat = V[n]
                U = G / torch.clamp(Vhat.sqrt(), min=eps1)
                Uhat = U / max(1.0, rms(U) / d)
                new[n] = theta - alpha * Uhat
        out.append({"loss_before": loss.item(), "params": {n: tensor(new[n]) for n in names}})
        params = new
    return out


def main():
    problem = json.load(open(sys.argv[1]))
    cases = {
        "adafactor": {"lr": 0.5, "weight_decay": 0.1},
        "adafactor_maximize": {"lr": 0.05, "beta2_decay": -0.5, "eps": [1e-6, 1e-2], "d": 2.0, "maximize": True},
    }
    for name, options in cases.items():
        opts = dict(options)
        maximize = opts.get("maximize", False)
        case = {
            "optimizer": {"name": "Adafactor", "options": opts, "documented_algorithm": True},
            "model": problem["model"],
            "params": problem["params"],
            "inputs": problem["inputs"],
            "targets": problem["targets"],
            "steps": run(problem, opts, 6, maximize),
        }
        with open(name + ".json", "w") as f:
            json.dump(case, f)


if __name__ == "__main__":
    main()
