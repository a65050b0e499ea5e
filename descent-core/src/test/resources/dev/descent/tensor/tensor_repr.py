"""Writes tensor_repr.json: PyTorch 1.13's repr of float32 tensors, for TensorFormatTest.

Run with Debian's python3-torch: python3 tensor_repr.py > tensor_repr.json
Each case: shape, flat float32 data, requires_grad, an optional op applied first ("mul2": x * 2, whose
repr carries grad_fn), the print options, and the repr PyTorch prints.
"""
import json
import math

import torch

OPTION_KEYS = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")


def case(name, t, requires_grad=False, op=None, **options):
    torch.set_printoptions(profile="default")
    torch.set_printoptions(**options)
    t = t.to(torch.float32)
    x = t.clone().requires_grad_(requires_grad)
    shown = x * 2 if op == "mul2" else x
    text = repr(shown)
    torch.set_printoptions(profile="default")
    for k in options:
        assert k in OPTION_KEYS, k
    data = [v if math.isfinite(v) else str(v) for v in t.reshape(-1).tolist()]
    return {"name": name, "shape": list(t.shape), "data": data, "requires_grad": requires_grad,
            "op": op, "options": options, "repr": text}


g = torch.Generator().manual_seed(2021)
cases = [
    case("matrix", torch.randn(2, 3, generator=g)),
    case("matrix requires_grad", torch.randn(2, 3, generator=g), requires_grad=True),
    case("weight summarised", (torch.rand(10, 150, generator=g) * 2 - 1) / 28, requires_grad=True),
    case("bias", (torch.rand(10, generator=g) * 2 - 1) / 28, requires_grad=True),
    case("scalar", torch.tensor(2.302585)),
    case("integral scalar requires_grad", torch.tensor(1.0), requires_grad=True),
    case("integral", torch.tensor([1.0, 2.0, -3.0, 10.0])),
    case("zeros", torch.zeros(2, 2)),
    case("large integral", torch.tensor([1e9, 1.0, 3.0])),
    case("tiny", torch.tensor([1e-5, 0.5, -2.0])),
    case("wide range", torch.tensor([1500.0, 0.5, 1.25])),
    case("negative zero rounding", torch.tensor([-0.00004, 0.5, 0.25])),
    case("non-finite", torch.tensor([float("nan"), float("inf"), -float("inf"), 1.5, 0.0])),
    case("non-finite integral", torch.tensor([float("nan"), 2.0, -float("inf")])),
    case("3-d", torch.randn(2, 3, 4, generator=g)),
    case("long vector wraps", torch.randn(100, generator=g)),
    case("long vector summarised", torch.randn(1200, generator=g)),
    case("3-d summarised", torch.randn(7, 4, 40, generator=g)),
    case("empty", torch.zeros(0)),
    case("empty matrix", torch.zeros(0, 3)),
    case("half to even", torch.tensor([0.125, 0.375, 1.5, -0.625]), precision=2),
    case("precision 2", torch.randn(3, 3, generator=g), precision=2),
    case("sci on", torch.randn(2, 2, generator=g), sci_mode=True),
    case("sci off", torch.tensor([1e-6, 1.0]), sci_mode=False),
    case("threshold and edge items", torch.arange(40.0).reshape(4, 10), threshold=10, edgeitems=2),
    case("narrow lines", torch.randn(12, generator=g), linewidth=40),
    case("grad_fn", torch.randn(3, generator=g), requires_grad=True, op="mul2"),
    case("suffix on a new line", torch.randn(6, generator=g), requires_grad=True, linewidth=60),
]
print(json.dumps({"torch": torch.__version__, "cases": cases}, indent=1, separators=(",", ": ")).replace(",\n  ", ", "))
