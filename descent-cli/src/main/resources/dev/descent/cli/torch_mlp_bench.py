"""The PyTorch side of `descent bench`: the tutorial's MLP trained with Adam on MNIST, timed per epoch.

Used only for side-by-side measurements (never at run time). Data come from the same IDX files as
Descent's run and are held in memory as tensors (a TensorDataset: PyTorch's fastest input path), so
the comparison is of the training loops. Driven one epoch at a time so that `descent bench` can
interleave it with the other sides: it prints a JSON "ready" line, then answers each command read
from standard input with one JSON line: "batch B" (a fresh model, Adam and loader for batch size B),
"epoch" (one pass: its seconds and mean loss), "quit".
"""
import gzip
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class MLP(nn.Module):
    def __init__(self, in_dim, out_dim, hidden_dims=(), use_bias=True):
        super().__init__()
        self.in_dim = in_dim
        dims = [in_dim] + list(hidden_dims) + [out_dim]
        layers = []
        for i in range(len(dims) - 1):
            if i > 0:
                layers.append(nn.ReLU())
            layers.append(nn.Linear(dims[i], dims[i + 1], bias=use_bias))
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        return F.log_softmax(self.main(x.view(-1, self.in_dim)), dim=1)


def main():
    images, labels, threads, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    n_train, classes, hidden = int(sys.argv[5]), int(sys.argv[6]), [int(h) for h in sys.argv[7].split(",") if h]
    torch.set_num_threads(threads)
    pixels = read_idx(images)
    in_dim = int(np.prod(pixels.shape[1:]))
    x = torch.from_numpy(pixels.astype(np.float32) / 255.0).view(len(pixels), -1)
    y = torch.from_numpy(read_idx(labels).astype(np.int64))
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(len(y), generator=g)[:n_train]
    train = torch.utils.data.TensorDataset(x[perm], y[perm])
    say({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()})
    bs, model, opt, loader = 0, None, None, None
    for line in sys.stdin:
        cmd = line.split()
        if cmd[0] == "batch":
            bs = int(cmd[1])
            torch.manual_seed(seed)
            model = MLP(in_dim, classes, hidden)
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)
            loader = torch.utils.data.DataLoader(train, batch_size=bs, shuffle=True, generator=torch.Generator().manual_seed(seed + 1))
            say({"batch": bs, "ready": True})
        elif cmd[0] == "epoch":
            t0 = time.perf_counter()
            total, n = 0.0, 0
            for xb, yb in loader:
                opt.zero_grad()
                loss = F.nll_loss(model(xb), yb)
                loss.backward()
                opt.step()
                total += loss.item()
                n += 1
            say({"batch": bs, "seconds": time.perf_counter() - t0, "loss": total / max(n, 1)})
        elif cmd[0] == "quit":
            return
        else:
            raise SystemExit("unknown command: " + line.strip())


def say(obj):
    print(json.dumps(obj), flush=True)


if __name__ == "__main__":
    main()
