"""Writes test/fixtures/torch-twin: a tiny random diffusion model saved by the twin's converter,
the head of a classifier that shares its encoder, and the twin's outputs on seeded inputs
(computed in float64), so that a vitest test (test/engine/torchTwin.test.ts) can check the
engine against PyTorch where CI has no PyTorch. Every weight is random, gains and biases too,
so no layer hides behind a zero or a one. Channels [8, 16]: 8 GroupNorm groups, so the second
level has 2 channels per group (with 1 per group GroupNorm removes the time embedding, which a
per-channel constant, and a fixture could not tell the timestep code from a wrong one).
Usage: python3 make_fixture.py <outDir>
"""

import base64
import hashlib
import json
import os
import sys

import torch

import twin

CONFIG = {"imageSize": 32, "channels": [8, 16], "resBlocks": 1, "attention": [False, True]}
DIFFUSION_T = [0, 250, 999]
CLASSIFIER_T = [3, 120, 299]
GRADIENT_T = 100


def random_params(kind, gen):
    params = twin.init_params(kind, CONFIG, gen)
    for name, value in params.items():
        if not name.endswith(".w"):
            params[name] = value + 0.1 * torch.randn(value.shape, generator=gen)
    return params


def b64(tensor):
    return base64.b64encode(tensor.detach().float().numpy().astype("<f4").tobytes()).decode()


def main():
    out = sys.argv[1]
    gen = torch.Generator().manual_seed(1)
    diffusion = random_params("diffusion", gen)
    head = {k: v for k, v in random_params("classifier", gen).items() if k.startswith("head.")}
    head["head.out.w"] = head["head.out.w"] * 10  # logits of a few units, not a few hundredths
    classifier = {k: diffusion[k] for k in twin.expected_shapes("classifier", CONFIG) if k in diffusion}
    classifier.update(head)
    training = {"note": "random weights of the PyTorch twin's parity fixture (train-gpu/make_fixture.py)"}
    twin.save_model(os.path.join(out, "diffusion"), "diffusion", CONFIG, diffusion, training)
    x = torch.randn((3, 1, 32, 32), generator=gen).double()
    d64 = {k: v.double() for k, v in diffusion.items()}
    c64 = {k: v.double() for k, v in classifier.items()}
    with torch.no_grad():
        eps = twin.noise_model(d64, CONFIG, x, torch.tensor(DIFFUSION_T, dtype=torch.float64))
        logits = twin.classifier_logits(c64, CONFIG, x, torch.tensor(CLASSIFIER_T, dtype=torch.float64))
    xg = x.clone().requires_grad_(True)
    t = torch.full((3,), float(GRADIENT_T), dtype=torch.float64)
    torch.log_softmax(twin.classifier_logits(c64, CONFIG, xg, t), dim=1)[:, 0].sum().backward()
    reference = {
        "producedBy": f"train-gpu/make_fixture.py, torch {torch.__version__}, float64",
        # The twin this fixture was made with: test/engine/torchTwin.test.ts fails when twin.py
        # changes and the fixture is not made again.
        "twinSha256": hashlib.sha256(open(twin.__file__, "rb").read()).hexdigest(),
        "shape": [3, 32, 32, 1],
        "input": b64(x),
        "classifierHead": {k: {"shape": list(v.shape), "values": b64(v)} for k, v in sorted(head.items())},
        "diffusionT": DIFFUSION_T,
        "classifierT": CLASSIFIER_T,
        "gradientT": GRADIENT_T,
        "eps": b64(eps),
        "logits": b64(logits),
        "gradient": b64(xg.grad),
    }
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")
    print(f"{out}: logits {logits.numpy().round(4).tolist()}, |eps| max {float(eps.abs().max()):.3f}")


if __name__ == "__main__":
    main()
