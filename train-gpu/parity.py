"""Parity of the PyTorch twin with the TypeScript engine on the same weights and inputs.

Reads the JSON of engine-forward.ts (inputs and the engine's outputs), loads the same model
folders with twin.load_model, runs the twin in float64 and float32 and writes a JSON report of
the largest absolute differences. Exit status 1 when one is 1e-4 or more.
With the dump folder as a fourth argument it also compares the twin's augmentation and
synthetic lesions (train.py) with augment.ts on the scripted draws the JSON carries.
Usage: python3 parity.py <modelsDir> <engine.json> <report.json> [dumpDir]
"""

import base64
import json
import math
import os
import sys

import numpy as np
import torch

import twin


def array(text):
    return np.frombuffer(base64.b64decode(text), dtype="<f4")


def twin_outputs(models_dir, ref, dtype):
    # each network with its own architecture: they may differ (groups: a fine-tuned diffusion
    # model at 8, a classifier at 32)
    dm, dp = twin.load_model(os.path.join(models_dir, "diffusion"), "diffusion")
    cm, cp = twin.load_model(os.path.join(models_dir, "classifier"), "classifier")
    dconfig, cconfig = dm["architecture"], cm["architecture"]
    dp = {k: v.to(dtype) for k, v in dp.items()}
    cp = {k: v.to(dtype) for k, v in cp.items()}
    x = torch.from_numpy(array(ref["input"]).copy()).to(dtype).reshape(ref["shape"])
    with torch.no_grad():
        eps = twin.noise_model(dp, dconfig, x, torch.tensor(ref["diffusionT"], dtype=dtype))
        logits = twin.classifier_logits(cp, cconfig, x, torch.tensor(ref["classifierT"], dtype=dtype))
    xg = x.clone().requires_grad_(True)
    t = torch.full((x.shape[0],), float(ref["gradientT"]), dtype=dtype)
    torch.log_softmax(twin.classifier_logits(cp, cconfig, xg, t), dim=1)[:, 0].sum().backward()
    return {"eps": eps, "logits": logits, "gradient": xg.grad}


def augmentation_diffs(dump_dir, cases):
    """Largest differences of the twin's augment_with / lesions_with from augment.ts."""
    import train

    data = train.load_data(dump_dir, "cpu")
    s = data["size"]
    worst_augment, worst_lesion = 0.0, 0.0
    for case in cases:
        pixels = data["healthy"][case["index"]][None]
        u = torch.tensor([case["augmentDraws"]], dtype=torch.float32)
        mine = train.augment_with(pixels, u).reshape(-1).numpy()
        worst_augment = max(worst_augment, float(np.max(np.abs(mine - array(case["augmented"])))))
        region = data["regions"][case["index"]][None]
        inside = torch.nonzero((region & (pixels > -0.3)).reshape(-1)).squeeze(1)
        if "lesionDraws" not in case:
            continue
        draws = case["lesionDraws"]
        centre = inside[int(math.floor(draws[0] * len(inside)))][None]
        texture = torch.full((1, s, s), math.sqrt(-2 * math.log(0.5)) * math.cos(math.pi))
        lesion = train.lesions_with(pixels, region, centre, torch.tensor([draws[1:]]), texture)
        engine = array(case["lesion"])
        worst_lesion = max(worst_lesion, float(np.max(np.abs(lesion.reshape(-1).numpy() - engine))))
    return {"augment.maxAbsDiff": worst_augment, "syntheticLesion.maxAbsDiff": worst_lesion}


def main():
    models_dir, ref_path, report_path = sys.argv[1:4]
    with open(ref_path) as f:
        ref = json.load(f)
    report = {"engineBackend": ref["backend"], "torch": torch.__version__}
    worst = 0.0
    for label, dtype in (("float32", torch.float32), ("float64", torch.float64)):
        outputs = twin_outputs(models_dir, ref, dtype)
        for name, value in outputs.items():
            engine = array(ref[name]).astype(np.float64)
            mine = value.detach().double().numpy().reshape(-1)
            diff = float(np.max(np.abs(engine - mine)))
            report[f"{name}.{label}.maxAbsDiff"] = diff
            report[f"{name}.maxAbs"] = float(np.max(np.abs(engine)))
            worst = max(worst, diff)
    if ref.get("augmentation") and len(sys.argv) > 4:
        diffs = augmentation_diffs(sys.argv[4], ref["augmentation"])
        report.update(diffs)
        worst = max(worst, *diffs.values())
    report["worstMaxAbsDiff"] = worst
    report["pass"] = worst < 1e-4
    with open(report_path, "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))
    sys.exit(0 if report["pass"] else 1)


if __name__ == "__main__":
    main()
