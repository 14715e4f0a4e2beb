"""PyTorch twin of Anomap's networks (src-main/engine/nn) and its model format (engine/models.ts).

The weights stay in Anomap's own layout and names (conv [k, k, in, out], dense [in, out]), so
the converter in both directions is a plain read or write of weights.bin; the layers permute
them for PyTorch's NCHW kernels on the fly. Every layer follows layers.ts / unet.ts:
'same' padding as TensorFlow computes it (a stride-2 conv on an even size pads 0 before and 1
after), GroupNorm with eps 1e-5 and the architecture's `groups` (unset: 32 where every level allows it,
else 8), SiLU,
single-head attention with a residual, cos-then-sin time embedding of width channels[0],
skip concatenation [h, skip] and nearest-neighbour upsampling.
"""

import hashlib
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

PREPROCESSING = {
    "method": "pad-square-antialiased-linear-background-median-p99.5-v2",
    "imageSize": 64,
}
SCHEDULE = {"steps": 1000, "betaStart": 0.0001, "betaEnd": 0.02}


def groups_for(config):
    """unet.ts groupsFor: the architecture's own groups, else 32 where every level allows it, else 8."""
    if config.get("groups") is not None:
        return config["groups"]
    return 32 if min(config["channels"]) % 32 == 0 else 8


def same_pad(size, kernel, stride):
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def conv(p, name, x, stride=1):
    w = p[name + ".w"]
    k = w.shape[0]
    top, bottom = same_pad(x.shape[2], k, stride)
    left, right = same_pad(x.shape[3], k, stride)
    if top or bottom or left or right:
        x = F.pad(x, (left, right, top, bottom))
    return F.conv2d(x, w.permute(3, 2, 0, 1), p[name + ".b"], stride=stride)


def dense(p, name, x):
    return x @ p[name + ".w"] + p[name + ".b"]


def group_norm(p, name, x, groups):
    return F.group_norm(x, groups, p[name + ".gamma"], p[name + ".beta"], eps=1e-5)


def attention(p, name, x, groups):
    b, c, h, w = x.shape
    tokens = group_norm(p, name + ".norm", x, groups).flatten(2).transpose(1, 2)
    q, k, v = dense(p, name + ".qkv", tokens).split(c, dim=2)
    weights = torch.softmax((q @ k.transpose(1, 2)) / math.sqrt(c), dim=2)
    out = dense(p, name + ".out", weights @ v)
    return x + out.transpose(1, 2).reshape(b, c, h, w)


def time_embedding(t, dim):
    half = dim // 2
    dtype = t.dtype if t.is_floating_point() else torch.float32
    freqs = torch.exp(torch.arange(half, dtype=dtype, device=t.device) * (-math.log(10000) / half))
    angles = t.to(dtype)[:, None] * freqs[None, :]
    return torch.cat([torch.cos(angles), torch.sin(angles)], dim=1)


def res_block(p, ctx, name, x, out_channels):
    groups, temb = ctx
    h = conv(p, name + ".conv1", F.silu(group_norm(p, name + ".norm1", x, groups)))
    h = h + dense(p, name + ".temb", F.silu(temb))[:, :, None, None]
    h = conv(p, name + ".conv2", F.silu(group_norm(p, name + ".norm2", h, groups)))
    skip = x if x.shape[1] == out_channels else conv(p, name + ".skip", x)
    return skip + h


def level(p, ctx, name, x, out_channels, blocks, att):
    h = x
    for i in range(blocks):
        h = res_block(p, ctx, f"{name}.res{i}", h, out_channels)
        if att:
            h = attention(p, f"{name}.att{i}", h, ctx[0])
    return h


def encode(p, config, x, t):
    c0 = config["channels"][0]
    hidden = dense(p, "temb.1", time_embedding(t, c0))
    ctx = (groups_for(config), dense(p, "temb.2", F.silu(hidden)))
    h = conv(p, "stem", x)
    skips = []
    channels = config["channels"]
    for i, c in enumerate(channels):
        h = level(p, ctx, f"down{i}", h, c, config["resBlocks"], config["attention"][i])
        skips.append(h)
        if i < len(channels) - 1:
            h = conv(p, f"down{i}.pool", h, stride=2)
    h = level(p, ctx, "mid", h, channels[-1], 1, True)
    return ctx, h, skips


def noise_model(p, config, x, t):
    """eps_theta(x_t, t) on NCHW [B, 1, S, S]."""
    ctx, h, skips = encode(p, config, x, t)
    for i in range(len(config["channels"]) - 1, -1, -1):
        c = config["channels"][i]
        h = level(
            p, ctx, f"up{i}", torch.cat([h, skips[i]], 1), c, config["resBlocks"],
            config["attention"][i],
        )
        if i > 0:
            h = conv(p, f"up{i}.unpool", F.interpolate(h, scale_factor=2, mode="nearest"))
    return conv(p, "out", F.silu(group_norm(p, "out.norm", h, ctx[0])))


def classifier_logits(p, config, x, t):
    """Logits of p(y | x_t, t), y = 0 healthy, 1 pathological: [B, 1, S, S] -> [B, 2]."""
    ctx, h, _ = encode(p, config, x, t)
    pooled = F.silu(group_norm(p, "head.norm", h, ctx[0])).mean(dim=(2, 3))
    return dense(p, "head.out", pooled)


def forward(kind, p, config, x, t):
    return noise_model(p, config, x, t) if kind == "diffusion" else classifier_logits(p, config, x, t)


def expected_shapes(kind, config):
    """Every weight's name and shape, as createModelParams builds them."""
    shapes = {}
    c0 = config["channels"][0]
    shapes["temb.1.w"], shapes["temb.1.b"] = [c0, 4 * c0], [4 * c0]
    shapes["temb.2.w"], shapes["temb.2.b"] = [4 * c0, 4 * c0], [4 * c0]

    def conv_shape(name, cin, cout, k=3):
        shapes[name + ".w"], shapes[name + ".b"] = [k, k, cin, cout], [cout]

    def norm_shape(name, c):
        shapes[name + ".gamma"], shapes[name + ".beta"] = [c], [c]

    def res_shape(name, cin, cout):
        norm_shape(name + ".norm1", cin)
        conv_shape(name + ".conv1", cin, cout)
        shapes[name + ".temb.w"], shapes[name + ".temb.b"] = [4 * c0, cout], [cout]
        norm_shape(name + ".norm2", cout)
        conv_shape(name + ".conv2", cout, cout)
        if cin != cout:
            conv_shape(name + ".skip", cin, cout, 1)

    def level_shape(name, cin, cout, blocks, att):
        for i in range(blocks):
            res_shape(f"{name}.res{i}", cin if i == 0 else cout, cout)
            if att:
                norm_shape(f"{name}.att{i}.norm", cout)
                shapes[f"{name}.att{i}.qkv.w"] = [cout, 3 * cout]
                shapes[f"{name}.att{i}.qkv.b"] = [3 * cout]
                shapes[f"{name}.att{i}.out.w"] = [cout, cout]
                shapes[f"{name}.att{i}.out.b"] = [cout]

    chans, blocks = config["channels"], config["resBlocks"]
    conv_shape("stem", 1, c0)
    prev = c0
    for i, c in enumerate(chans):
        level_shape(f"down{i}", prev, c, blocks, config["attention"][i])
        prev = c
        if i < len(chans) - 1:
            conv_shape(f"down{i}.pool", c, c)
    level_shape("mid", prev, prev, 1, True)
    if kind == "classifier":
        norm_shape("head.norm", prev)
        shapes["head.out.w"], shapes["head.out.b"] = [prev, 2], [2]
        return shapes
    h = prev
    for i in range(len(chans) - 1, -1, -1):
        level_shape(f"up{i}", h + chans[i], chans[i], blocks, config["attention"][i])
        h = chans[i]
        if i > 0:
            conv_shape(f"up{i}.unpool", h, h)
    norm_shape("out.norm", h)
    conv_shape("out", h, 1)
    return shapes


def init_params(kind, config, generator, device="cpu"):
    """A fresh network: He-normal weights (fan-in k*k*in or in), zero biases, unit gains."""
    params = {}
    for name, shape in sorted(expected_shapes(kind, config).items()):
        if name.endswith(".gamma"):
            value = torch.ones(shape)
        elif name.endswith(".w"):
            fan_in = int(np.prod(shape[:-1]))
            value = torch.randn(shape, generator=generator) * math.sqrt(2 / fan_in)
        else:
            value = torch.zeros(shape)
        params[name] = value.to(device)
    return params


def load_model(folder, expected_kind=None):
    """Reads manifest.json + weights.bin (checking size, sha256, names and shapes)."""
    manifest_path = os.path.join(folder, "manifest.json")
    with open(manifest_path) as f:
        manifest = json.load(f)
    if manifest.get("format") != "anomap-model" or manifest.get("formatVersion") != 1:
        raise ValueError(f"{manifest_path}: not an Anomap model manifest")
    if expected_kind and manifest["kind"] != expected_kind:
        raise ValueError(f"{manifest_path}: expected {expected_kind}, found {manifest['kind']}")
    index = manifest["weights"]
    weights_path = os.path.join(folder, index["file"])
    with open(weights_path, "rb") as f:
        data = f.read()
    if len(data) != index["bytes"] or hashlib.sha256(data).hexdigest() != index["sha256"]:
        raise ValueError(f"{weights_path}: checksum does not match its manifest")
    expected = expected_shapes(manifest["kind"], manifest["architecture"])
    params = {}
    for entry in index["tensors"]:
        name, shape, offset = entry["name"], entry["shape"], entry["offset"]
        if expected.get(name) != shape:
            raise ValueError(f"{weights_path}: weight {name} {shape} does not fit the architecture")
        size = int(np.prod(shape))
        if offset + 4 * size > len(data):
            raise ValueError(f"{weights_path}: weight {name} runs past the end of the file")
        values = np.frombuffer(data, dtype="<f4", count=size, offset=offset).reshape(shape)
        params[name] = torch.from_numpy(values.copy())
    missing = sorted(set(expected) - set(params))
    if missing:
        raise ValueError(f"{weights_path}: {len(missing)} weights missing ({missing[0]}, ...)")
    return manifest, params


def save_model(folder, kind, config, params, training, preprocessing=None):
    """Writes weights.bin (names sorted, float32 little-endian) then manifest.json, each atomically."""
    os.makedirs(folder, exist_ok=True)
    expected = expected_shapes(kind, config)
    if set(expected) != set(params):
        raise ValueError(f"{folder}: the weights do not match the {kind} architecture")
    tensors, chunks, offset = [], [], 0
    for name in sorted(params):
        array = params[name].detach().float().cpu().numpy().astype("<f4")
        if list(array.shape) != expected[name]:
            raise ValueError(f"{folder}: weight {name} has shape {list(array.shape)}")
        tensors.append({"name": name, "shape": list(array.shape), "offset": offset})
        chunks.append(array.tobytes())
        offset += array.nbytes
    data = b"".join(chunks)
    write_atomically(os.path.join(folder, "weights.bin"), data)
    manifest = {
        "format": "anomap-model",
        "formatVersion": 1,
        "kind": kind,
        "architecture": config,
        "preprocessing": preprocessing or dict(PREPROCESSING, imageSize=config["imageSize"]),
        "schedule": SCHEDULE,
        "training": training,
        "weights": {
            "file": "weights.bin",
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "tensors": tensors,
        },
    }
    write_atomically(
        os.path.join(folder, "manifest.json"), (json.dumps(manifest, indent=2) + "\n").encode()
    )
    return manifest


def write_atomically(path, data):
    temporary = path + ".partial"
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


def alpha_bar(steps=1000, beta_start=1e-4, beta_end=0.02):
    """alpha_bar_t = prod_{i<=t} (1 - beta_i), linear betas, in float64 as schedule.ts."""
    betas = beta_start + (beta_end - beta_start) * np.arange(steps) / (steps - 1)
    return np.cumprod(1 - betas)
