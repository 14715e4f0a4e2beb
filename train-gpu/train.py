"""Trains Anomap's diffusion model and noise-aware classifier with the PyTorch twin (twin.py).

Mirrors src-main/engine/train: epsilon-prediction MSE with t uniform in [0, 1000) (the
classifier: cross-entropy with t in [0, 300)), linear betas 1e-4..0.02, Adam, EMA with the
(1 + step) / (10 + step) warm-up, the samplers of samplers.ts (fastMRI share 0.5 for the
diffusion model; for the classifier half healthy / half pathological, IXI share 0.2 of the
healthy draws, synthetic lesions for half of the positives) and the augmentation of augment.ts,
all drawn on the device. The slices come from dump-dataset.ts, i.e. from the engine's own
preprocessing; the classifier's held-out cases are never drawn. The time budget is split
between the two networks; the EMA weights are written in Anomap's model format to
<out>/diffusion and <out>/classifier about every minute, so a run cut short still leaves a
loadable model.
Usage: python3 train.py --data DIR --out DIR --minutes 8.5 [--steps N for a fixed-length run]
"""

import argparse
import gzip
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

import twin

CONFIG = {"imageSize": 64, "channels": [32, 64, 128], "resBlocks": 1, "attention": [False, False, True]}


def load_data(folder, device):
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    size = meta["imageSize"]

    def read(name, dtype, count):
        path = os.path.join(folder, name + ".gz")
        expected = count * size * size * np.dtype(dtype).itemsize
        with gzip.open(path, "rb") as f:
            raw = f.read(expected + 1)
        if len(raw) != expected:
            raise ValueError(f"{path}: {len(raw)} bytes unpacked, expected {expected}")
        array = np.frombuffer(raw, dtype=dtype).reshape(count, size, size)
        return torch.from_numpy(array.astype(np.float32)).to(device)

    healthy = read("healthy.f32", "<f4", len(meta["healthy"]))
    regions = read("lesion-region.u8", "u1", len(meta["healthy"])) > 0
    pathological = read("pathological.f32", "<f4", len(meta["pathological"]))
    flag = lambda cases, key, value: torch.tensor(
        [c[key] == value for c in cases], dtype=torch.bool, device=device
    )
    bank = None
    if os.path.exists(os.path.join(folder, "bank-base.i32.gz")):
        flat = lambda name, dtype: torch.from_numpy(
            np.frombuffer(gzip.open(os.path.join(folder, name + ".gz")).read(), dtype=dtype).astype(
                np.int64 if dtype == "<i4" else np.float32
            )
        )
        base, length = flat("bank-base.i32", "<i4"), flat("bank-length.i32", "<i4")
        index, value = flat("bank-index.i32", "<i4"), flat("bank-value.f32", "<f4")
        if int(length.sum()) != len(index) or len(index) != len(value) or int(base.max()) >= len(healthy):
            raise ValueError(f"{folder}: the synthetic bank's arrays do not fit each other")
        # The positives, whole: each base slice with its changed pixels written back.
        rows = torch.repeat_interleave(torch.arange(len(base)), length)
        positives = healthy.cpu()[base].reshape(len(base), -1).clone()
        positives[rows, index] = value
        bank = positives.reshape(len(base), size, size).to(device)
    return {
        "bank": bank,
        "meta": meta,
        "size": size,
        "healthy": healthy,
        "regions": regions,
        "pathological": pathological,
        "healthyFastMri": flag(meta["healthy"], "source", "fastMRI"),
        "healthyHeld": flag(meta["healthy"], "classifierHeldOut", True),
        "pathologicalHeld": flag(meta["pathological"], "classifierHeldOut", True),
    }


def pick(indices, count, gen):
    """`count` uniform draws from a 1-D tensor of indices."""
    return indices[torch.randint(len(indices), (count,), generator=gen, device=indices.device)]


def js_round(x):
    """Math.round: halves go up (torch.round would round them to even)."""
    return torch.floor(x + 0.5)


def augment(slices, gen):
    """augment.ts augmentSlice on a batch: flip, shift of up to 3 px, gain 1 +- 0.1, bg stays -1."""
    return augment_with(slices, torch.rand((slices.shape[0], 4), generator=gen, device=slices.device))


def augment_with(slices, u):
    """The augmentation given augmentSlice's four uniform draws per slice (flip, dx, dy, gain)."""
    b, s, _ = slices.shape
    dev = slices.device
    flip = u[:, 0] < 0.5
    dx = js_round((u[:, 1] * 2 - 1) * 3).long()
    dy = js_round((u[:, 2] * 2 - 1) * 3).long()
    gain = 1 + (u[:, 3] * 2 - 1) * 0.1
    grid = torch.arange(s, device=dev)
    sy = grid[None, :] - dy[:, None]
    sx = grid[None, :] - dx[:, None]
    valid = ((sy >= 0) & (sy < s))[:, :, None] & ((sx >= 0) & (sx < s))[:, None, :]
    sx = torch.where(flip[:, None], s - 1 - sx, sx).clamp(0, s - 1)
    sy = sy.clamp(0, s - 1)
    picked = slices[torch.arange(b, device=dev)[:, None, None], sy[:, :, None], sx[:, None, :]]
    out = ((picked + 1) * gain[:, None, None] - 1).clamp(-1, 1)
    return torch.where(valid, out, torch.full_like(out, -1))


def paste_lesions(pixels, regions, gen):
    """augment.ts pasteSyntheticLesion on a batch; returns the slices and which ones got one."""
    b = pixels.shape[0]
    dev = pixels.device
    inside = regions & (pixels > -0.3)
    ok = inside.flatten(1).sum(1) >= 50
    weights = inside.flatten(1).float() + (~ok)[:, None].float()  # any centre where none fits
    centre = torch.multinomial(weights, 1, generator=gen).squeeze(1)
    u = torch.rand((b, 5), generator=gen, device=dev)
    texture = torch.randn(pixels.shape, generator=gen, device=dev)
    return lesions_with(pixels, regions, centre, u, texture), ok


def lesions_with(pixels, regions, centre, u, texture):
    """The lesions given the centre pixel, the five uniform draws of pasteSyntheticLesion after
    it (rx, ry, angle, sign, magnitude) and the unit-gaussian texture per pixel."""
    s = pixels.shape[1]
    dev = pixels.device
    cx, cy = (centre % s).float(), torch.div(centre, s, rounding_mode="floor").float()
    rx, ry = 2 + u[:, 0] * 6, 2 + u[:, 1] * 6
    angle = u[:, 2] * math.pi
    contrast = torch.where(u[:, 3] < 0.5, -1.0, 1.0) * (0.3 + u[:, 4] * 0.6)
    grid = torch.arange(s, device=dev, dtype=torch.float32)
    x = grid[None, None, :] - cx[:, None, None]
    y = grid[None, :, None] - cy[:, None, None]
    cos, sin = torch.cos(angle)[:, None, None], torch.sin(angle)[:, None, None]
    uu = (x * cos + y * sin) / rx[:, None, None]
    vv = (-x * sin + y * cos) / ry[:, None, None]
    r2 = uu * uu + vv * vv
    window = (x >= -10) & (x < 10) & (y >= -10) & (y < 10)
    touch = window & (r2 < 1.5) & regions & (pixels > -0.5)
    weight = torch.where(r2 < 1, torch.ones_like(r2), (1.5 - r2) / 0.5)
    value = (pixels + weight * (contrast[:, None, None] + 0.05 * texture)).clamp(-1, 1)
    return torch.where(touch, value, pixels)


class Samplers:
    def __init__(self, data, fast_mri_share=0.5, ixi_share=0.2, synthetic_share=0.5):
        self.d = data
        fm, held = data["healthyFastMri"], data["healthyHeld"]
        idx = lambda mask: torch.nonzero(mask).squeeze(1)
        self.diff_fast, self.diff_other = idx(fm), idx(~fm)
        self.cls_fast, self.cls_other = idx(fm & ~held), idx(~fm & ~held)
        self.cls_path = idx(~data["pathologicalHeld"])
        self.fast_mri_share, self.ixi_share, self.synthetic_share = (
            fast_mri_share, ixi_share, synthetic_share,
        )

    def diffusion(self, n, gen):
        dev = self.d["healthy"].device
        from_fast = torch.rand(n, generator=gen, device=dev) < self.fast_mri_share
        index = torch.where(from_fast, pick(self.diff_fast, n, gen), pick(self.diff_other, n, gen))
        return augment(self.d["healthy"][index], gen)

    def classifier(self, n, gen):
        """Rows alternate healthy (0) / pathological (1) as classifierSampler does."""
        d, dev = self.d, self.d["healthy"].device
        half = n // 2
        from_ixi = torch.rand(half, generator=gen, device=dev) < self.ixi_share
        healthy_index = torch.where(from_ixi, pick(self.cls_other, half, gen), pick(self.cls_fast, half, gen))
        healthy = d["healthy"][healthy_index]
        if d["bank"] is not None:
            lesioned = d["bank"][torch.randint(len(d["bank"]), (half,), generator=gen, device=dev)]
            ok = torch.ones(half, dtype=torch.bool, device=dev)
        else:
            base = pick(self.cls_fast, half, gen)
            lesioned, ok = paste_lesions(d["healthy"][base], d["regions"][base], gen)
        synthetic = (torch.rand(half, generator=gen, device=dev) < self.synthetic_share) & ok
        real = d["pathological"][pick(self.cls_path, half, gen)]
        positive = torch.where(synthetic[:, None, None], lesioned, real)
        slices = torch.stack([healthy, positive], 1).reshape(2 * half, *healthy.shape[1:])
        labels = torch.arange(2 * half, device=dev) % 2
        return augment(slices, gen), labels


def noised(x0, max_t, alpha_bar, gen):
    n = x0.shape[0]
    t = torch.randint(max_t, (n,), generator=gen, device=x0.device)
    eps = torch.randn(x0.shape, generator=gen, device=x0.device)
    ab = alpha_bar[t][:, None, None, None]
    return (ab.sqrt() * x0 + (1 - ab).sqrt() * eps), t, eps


def learning_rate(peak, step, warmup, fraction):
    """Linear warm-up, then cosine decay to 10% of the peak over the time budget."""
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * (0.1 + 0.45 * (1 + math.cos(math.pi * min(fraction, 1.0))))


class Run:
    """One network's training: Adam, EMA, losses, periodic saves of the EMA weights."""

    def __init__(self, kind, params, args, training, out_dir, device_name):
        self.kind, self.args, self.training, self.out_dir = kind, args, training, out_dir
        self.params = {k: v.detach().clone().requires_grad_(True) for k, v in params.items()}
        self.ema = {k: v.detach().clone() for k, v in params.items()}
        fused = {"fused": True} if next(iter(params.values())).is_cuda else {}
        self.adam = torch.optim.Adam(list(self.params.values()), lr=args.lr, betas=(0.9, 0.999), eps=1e-8, **fused)
        self.losses, self.pending, self.step = [], [], 0
        self.started = time.time()
        self.device_name = device_name

    def update(self, loss, fraction):
        lr = learning_rate(self.args.lr, self.step, self.args.warmup, fraction)
        for group in self.adam.param_groups:
            group["lr"] = lr
        self.adam.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params.values(), self.args.clip)
        self.adam.step()
        d = min(self.args.ema, (1 + self.step) / (10 + self.step))
        with torch.no_grad():
            names = list(self.params)
            torch._foreach_mul_([self.ema[n] for n in names], d)
            torch._foreach_add_([self.ema[n] for n in names], [self.params[n].detach() for n in names], alpha=1 - d)
        self.pending.append(loss.detach())
        self.step += 1
        if len(self.pending) >= 50:
            self.losses.extend(torch.stack(self.pending).tolist())
            self.pending = []

    def final_loss(self):
        values = self.losses + torch.stack(self.pending).tolist() if self.pending else self.losses
        tail = values[-50:]
        return sum(tail) / max(len(tail), 1)

    def backend(self):
        if self.device_name == "cpu":
            return f"pytorch-cpu twin, torch {torch.__version__}"
        return f"pytorch-cuda ({self.device_name}) twin, torch {torch.__version__}, TF32 matmul"

    def save(self):
        training = dict(self.training)
        training.update(
            steps=self.step,
            batchSize=self.args.batch,
            learningRate=self.args.lr,
            learningRateSchedule=(
                f"linear warm-up over {self.args.warmup} steps, then cosine to 10% over the time budget"
            ),
            gradientClipNorm=self.args.clip,
            emaDecay=self.args.ema,
            seed=self.args.seed,
            backend=self.backend(),
            processes=1,
            trainer="train-gpu/train.py (PyTorch twin of src-main/engine/train)",
            wallSeconds=round(time.time() - self.started),
            finalLoss=self.final_loss(),
        )
        twin.save_model(self.out_dir, self.kind, CONFIG, self.ema, training)
        return training


def train_network(run, sample_loss, seconds, max_steps, log, save_every):
    """Steps until the time share (or max_steps) is spent, saving the EMA weights every minute."""
    end = time.time() + seconds
    last_save = time.time()
    while run.step < max_steps and time.time() < end:
        if max_steps == math.inf:
            fraction = 1 - (end - time.time()) / seconds
        else:
            fraction = run.step / max_steps
        run.update(sample_loss(), fraction)
        if run.step % 200 == 0:
            seconds_so_far = round(time.time() - run.started, 1)
            log({"net": run.kind, "step": run.step, "loss": run.final_loss(), "seconds": seconds_so_far})
        if time.time() - last_save > save_every:
            run.save()
            last_save = time.time()
    return run.save()


def held_out_auroc(params, data, alpha_bar):
    """AUROC of p(pathological) on the classifier's held-out cases at t = 0 and t = 100 (fixed noise)."""
    x = torch.cat([data["healthy"][data["healthyHeld"]], data["pathological"][data["pathologicalHeld"]]])
    n_h = int(data["healthyHeld"].sum())
    gen = torch.Generator(device=x.device)
    gen.manual_seed(12345)
    out = {}
    with torch.no_grad():
        for t in (0, 100):
            ab = alpha_bar[t]
            xt = ab.sqrt() * x + (1 - ab).sqrt() * torch.randn(x.shape, generator=gen, device=x.device)
            logits = twin.classifier_logits(params, CONFIG, xt[:, None], torch.full((len(x),), t, device=x.device))
            p = torch.softmax(logits, 1)[:, 1]
            neg, pos = p[:n_h], p[n_h:]
            wins = (pos[:, None] > neg[None, :]).float() + 0.5 * (pos[:, None] == neg[None, :]).float()
            out[f"t{t}"] = float(wins.mean())
    return out


def train_classifier_selected(run, sample_loss, seconds, max_steps, log, args, data, alpha_bar):
    """Trains like train_network, and keeps the EMA weights with the best mean held-out AUROC
    (t = 0 and 100): the classifier overfits its 26 real positives within minutes."""
    end = time.time() + seconds
    best = {"score": -1.0, "step": 0, "auroc": None, "ema": None}
    while run.step < max_steps and time.time() < end:
        fraction = 1 - (end - time.time()) / seconds if max_steps == math.inf else run.step / max_steps
        run.update(sample_loss(), fraction)
        if run.step % args.eval_every == 0:
            auroc = held_out_auroc(run.ema, data, alpha_bar)
            score = (auroc["t0"] + auroc["t100"]) / 2
            log({"net": run.kind, "step": run.step, "loss": run.final_loss(), "heldOutAuroc": auroc, "seconds": round(time.time() - run.started, 1)})
            if score > best["score"]:
                best = {"score": score, "step": run.step, "auroc": auroc, "ema": {k: v.clone() for k, v in run.ema.items()}}
    if best["ema"] is not None:
        run.ema = best["ema"]
    run.training["selectedStep"] = best["step"]
    run.training["selectedBy"] = "best mean held-out AUROC at t = 0 and 100 (26 healthy + 6 pathological held-out cases), evaluated every %d steps" % args.eval_every
    run.training["heldOutAuroc"] = best["auroc"]
    return run.save()


def held_out_accuracy(params, data, alpha_bar, gen):
    """Accuracy and mean log-loss of the classifier on its held-out cases at t = 0, 100, 200."""
    x = torch.cat([data["healthy"][data["healthyHeld"]], data["pathological"][data["pathologicalHeld"]]])
    y = torch.cat([
        torch.zeros(int(data["healthyHeld"].sum()), dtype=torch.long, device=x.device),
        torch.ones(int(data["pathologicalHeld"].sum()), dtype=torch.long, device=x.device),
    ])
    out = {}
    with torch.no_grad():
        for t in (0, 100, 200):
            ab = alpha_bar[t]
            xt = ab.sqrt() * x + (1 - ab).sqrt() * torch.randn(x.shape, generator=gen, device=x.device)
            logits = twin.classifier_logits(params, CONFIG, xt[:, None], torch.full((len(x),), t, device=x.device))
            out[f"t{t}"] = {
                "accuracy": float((logits.argmax(1) == y).float().mean()),
                "logLoss": float(F.cross_entropy(logits, y)),
                "healthy": int((y == 0).sum()), "pathological": int((y == 1).sum()),
            }
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--minutes", type=float, default=8.5)
    parser.add_argument("--steps", type=int, default=0, help="fixed steps per network (a test run)")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=4e-4)
    parser.add_argument("--warmup", type=int, default=250)
    parser.add_argument("--clip", type=float, default=1.0)
    parser.add_argument("--ema", type=float, default=0.9995)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--diffusion-share", type=float, default=0.65)
    parser.add_argument("--save-every", type=float, default=60)
    parser.add_argument("--classifier-only", action="store_true", help="skip the diffusion model")
    parser.add_argument("--init-from", default="", help="Anomap diffusion model whose encoder starts the classifier")
    parser.add_argument("--synthetic-share", type=float, default=0.5)
    parser.add_argument("--classifier-lr", type=float, default=0)
    parser.add_argument("--eval-every", type=int, default=250, help="held-out AUROC of the EMA classifier every N steps; the best is kept")
    parser.add_argument("--groups", type=int, default=0,
                        help="GroupNorm groups at every level (unet.ts groupsFor; 0: 32 where every level allows it, else 8). "
                             "8 lets the 32-channel top level see t")
    args = parser.parse_args()
    if args.groups:
        CONFIG["groups"] = args.groups
    t0 = time.time()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    device_name = torch.cuda.get_device_name() if device == "cuda" else "cpu"
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(args.seed)
    gen = torch.Generator(device=device)
    gen.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    log_path = os.path.join(args.out, "log.jsonl")

    def log(entry):
        line = json.dumps(entry)
        print(line, flush=True)
        with open(log_path, "a") as f:
            f.write(line + "\n")

    data = load_data(args.data, device)
    meta = data["meta"]
    samplers = Samplers(data, synthetic_share=args.synthetic_share)
    alpha_bar = torch.tensor(twin.alpha_bar(), dtype=torch.float32, device=device)
    budget = args.minutes * 60 - (time.time() - t0) - 20
    max_steps = args.steps if args.steps > 0 else math.inf
    log({"device": device_name, "torch": torch.__version__, "budgetSeconds": round(budget)})

    n_fast = int(data["healthyFastMri"].sum())
    diff_training = {
        "manifest": meta["manifest"], "split": "train", "images": len(meta["healthy"]),
        "fastMriShare": 0.5, "fastMRI": n_fast, "IXI": len(meta["healthy"]) - n_fast,
        "maxTimestep": 1000,
    }
    cpu_gen = torch.Generator().manual_seed(args.seed)
    if args.classifier_only:
        if args.init_from.endswith(".npz"):  # encoder weights only, float16 (the upload is capped)
            diff_ema = {k: torch.from_numpy(v.astype(np.float32)).to(device) for k, v in np.load(args.init_from).items()}
            diff_summary = {"initFrom": args.init_from}
        else:
            diff_manifest, diff_params = twin.load_model(args.init_from, "diffusion")
            if twin.groups_for(diff_manifest["architecture"]) != twin.groups_for(CONFIG):
                raise SystemExit(f"{args.init_from}: its GroupNorm groups differ from --groups; give the same")
            diff_ema = {k: v.to(device) for k, v in diff_params.items()}
            diff_summary = {"initFrom": args.init_from, **diff_manifest.get("training", {})}
    else:
        diff_ema, diff_summary = train_diffusion(args, data, samplers, alpha_bar, gen, cpu_gen, device, device_name, budget, max_steps, log, diff_training)
    classifier_stage(args, data, samplers, alpha_bar, gen, cpu_gen, device, device_name, max_steps, log, t0, meta, diff_ema, diff_summary)


def train_diffusion(args, data, samplers, alpha_bar, gen, cpu_gen, device, device_name, budget, max_steps, log, diff_training):
    diff = Run("diffusion", twin.init_params("diffusion", CONFIG, cpu_gen, device), args, diff_training,
               os.path.join(args.out, "diffusion"), device_name)

    def diffusion_loss():
        x0 = samplers.diffusion(args.batch, gen)[:, None]
        xt, t, eps = noised(x0, 1000, alpha_bar, gen)
        return F.mse_loss(twin.noise_model(diff.params, CONFIG, xt, t), eps)

    diff_summary = train_network(
        diff, diffusion_loss, budget * args.diffusion_share, max_steps, log, args.save_every
    )
    log({"net": "diffusion", "done": diff_summary})
    return diff.ema, diff_summary


def classifier_stage(args, data, samplers, alpha_bar, gen, cpu_gen, device, device_name, max_steps, log, t0, meta, diff_ema, diff_summary):

    held_h, held_p = int(data["healthyHeld"].sum()), int(data["pathologicalHeld"].sum())
    cls_training = {
        "manifest": meta["manifest"],
        "healthy": (
            f"train split, {len(samplers.cls_fast) + len(samplers.cls_other)} images "
            f"({len(samplers.cls_fast)} fastMRI), IXI share 0.2"
        ),
        "pathological": (
            f"classifier_train split, {len(samplers.cls_path)} images, synthetic share {args.synthetic_share}"
            + (f" from a bank of {len(data['bank'])} engine-made anomalies (5 kinds)" if data["bank"] is not None else "")
        ),
        "heldOut": held_h + held_p,
        "initialisedFrom": args.init_from or "the diffusion model of the same run (EMA weights, encoder)",
        "testImagesUsed": 0,
        "maxTimestep": 300,
    }
    init = twin.init_params("classifier", CONFIG, cpu_gen, device)
    for name in init:
        if name in diff_ema and diff_ema[name].shape == init[name].shape:
            init[name] = diff_ema[name].clone()
    if args.classifier_lr > 0:
        args.lr = args.classifier_lr
    cls = Run("classifier", init, args, cls_training, os.path.join(args.out, "classifier"), device_name)

    def classifier_loss():
        x0, labels = samplers.classifier(args.batch, gen)
        xt, t, _ = noised(x0[:, None], 300, alpha_bar, gen)
        return F.cross_entropy(twin.classifier_logits(cls.params, CONFIG, xt, t), labels)

    remaining = args.minutes * 60 - (time.time() - t0) - 25
    cls_summary = train_classifier_selected(cls, classifier_loss, remaining, max_steps, log, args, data, alpha_bar)
    log({"net": "classifier", "done": cls_summary})
    summary = {
        "diffusion": diff_summary,
        "classifier": cls_summary,
        "classifierHeldOut": held_out_accuracy(cls.ema, data, alpha_bar, gen),
        "totalSeconds": round(time.time() - t0, 1),
    }
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    log({"summary": summary["classifierHeldOut"], "totalSeconds": summary["totalSeconds"]})


if __name__ == "__main__":
    main()
