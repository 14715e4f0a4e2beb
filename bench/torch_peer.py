#!/usr/bin/env python3
"""PyTorch contender of the interleaved engine benchmark (bench/engine.bench.ts).

A PyTorch twin of Anomap's UNet and classifier (src-main/engine/nn/unet.ts) at the architecture
the benchmark sends, with random weights, answering one measurement at a time. The network code
is adapted from the lab's ../shared/bench/torch_reference.py. Run with Debian's PyTorch
(apt-get install -y python3-torch; /usr/bin/python3).

Requests are JSON lines on stdin; each answer is one stdout line starting with "@@bench ":
  {"type":"init","config":{...},"preset":{...},"threads":2}  -> ready: torch version, parameters
  {"type":"measure","measure":"forwardBatch8"}                -> time: milliseconds
  {"type":"finish"}                                           -> finished: peak RSS
"""
import json, math, os, resource, sys, time
import torch, torch.nn as nn, torch.nn.functional as F

REPLY_PREFIX = "@@bench "
BATCH = 8


def time_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    angles = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(angles), torch.sin(angles)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim, groups):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(groups, cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(tdim, cout)
        self.norm2, self.conv2 = nn.GroupNorm(groups, cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x))) + self.temb(F.silu(temb))[:, :, None, None]
        return self.skip(x) + self.conv2(F.silu(self.norm2(h)))


class Attention(nn.Module):
    def __init__(self, c, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c)
        self.qkv, self.out = nn.Conv2d(c, 3 * c, 1), nn.Conv2d(c, c, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(b, 3, c, h * w).unbind(1)
        attn = torch.softmax(q.transpose(1, 2) @ k / math.sqrt(c), dim=-1)
        return x + self.out((v @ attn.transpose(1, 2)).reshape(b, c, h, w))


class Level(nn.Module):
    def __init__(self, cin, cout, n, att, tdim, groups):
        super().__init__()
        self.blocks = nn.ModuleList(
            [ResBlock(cin if i == 0 else cout, cout, tdim, groups) for i in range(n)]
        )
        self.att = nn.ModuleList([Attention(cout, groups) if att else nn.Identity() for _ in range(n)])

    def forward(self, x, temb):
        for block, att in zip(self.blocks, self.att):
            x = att(block(x, temb))
        return x


class UNet(nn.Module):
    """Encoder-decoder with skips; with head='classifier' only the encoder plus pooling."""

    def __init__(self, config, head="noise"):
        super().__init__()
        ch, att, blocks = config["channels"], config["attention"], config["resBlocks"]
        tdim = ch[0] * 4
        groups = 32 if min(ch) % 32 == 0 else 8  # groupsFor() in unet.ts
        self.ch, self.head = ch, head
        self.temb = nn.Sequential(nn.Linear(ch[0], tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.stem = nn.Conv2d(1, ch[0], 3, padding=1)
        self.down, self.pool = nn.ModuleList(), nn.ModuleList()
        c = ch[0]
        for i, co in enumerate(ch):
            self.down.append(Level(c, co, blocks, att[i], tdim, groups))
            c = co
            last = i == len(ch) - 1
            self.pool.append(nn.Identity() if last else nn.Conv2d(c, c, 3, stride=2, padding=1))
        self.mid = Level(c, c, 1, True, tdim, groups)
        if head == "classifier":
            self.out = nn.Sequential(
                nn.GroupNorm(groups, c), nn.SiLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 2)
            )
            return
        self.up, self.unpool = nn.ModuleList(), nn.ModuleList()
        for i in reversed(range(len(ch))):
            self.up.append(Level(c + ch[i], ch[i], blocks, att[i], tdim, groups))
            c = ch[i]
            self.unpool.append(nn.Conv2d(c, c, 3, padding=1) if i > 0 else nn.Identity())
        self.out = nn.Sequential(nn.GroupNorm(groups, c), nn.SiLU(), nn.Conv2d(c, 1, 3, padding=1))

    def forward(self, x, t):
        temb = self.temb(time_embedding(t, self.ch[0]))
        h, skips = self.stem(x), []
        for level, pool in zip(self.down, self.pool):
            h = level(h, temb)
            skips.append(h)
            h = pool(h)
        h = self.mid(h, temb)
        if self.head == "classifier":
            return self.out(h)
        for level, unpool, i in zip(self.up, self.unpool, reversed(range(len(self.ch)))):
            h = level(torch.cat([h, skips[i]], 1), temb)
            if i > 0:
                h = unpool(F.interpolate(h, scale_factor=2, mode="nearest"))
        return self.out(h)


class Bench:
    """The fixed inputs and networks every measurement reuses, as engineWorker.ts keeps them."""

    def __init__(self, config, preset):
        torch.manual_seed(0)
        size = config["imageSize"]
        self.preset = preset
        self.alpha_bar = torch.cumprod(1 - torch.linspace(1e-4, 0.02, 1000), 0)
        self.unet, self.classifier = UNet(config).eval(), UNet(config, "classifier").eval()
        self.trained = UNet(config)
        self.adam = torch.optim.Adam(self.trained.parameters(), lr=1e-4)
        self.x1, self.x8 = torch.randn(1, 1, size, size), torch.randn(BATCH, 1, size, size)
        self.train_x, self.train_noise = torch.rand(BATCH, 1, size, size) * 2 - 1, torch.randn(BATCH, 1, size, size)
        self.train_t = torch.arange(BATCH) * 100
        self.slices = torch.rand(BATCH, 1, size, size) * 2 - 1

    def forward(self, x):
        with torch.no_grad():
            self.unet(x, torch.full((x.shape[0],), 500))

    def train_step(self):
        self.adam.zero_grad()
        F.mse_loss(self.trained(self.train_x, self.train_t), self.train_noise).backward()
        self.adam.step()

    def move(self, x0, eps, t):
        ab = self.alpha_bar[t]
        return ab.sqrt() * x0 + (1 - ab).sqrt() * eps

    def predict_x0(self, x, eps, t):
        ab = self.alpha_bar[t]
        return (x - (1 - ab).sqrt() * eps) / ab.sqrt()

    def healthy_gradient(self, x, t):
        with torch.enable_grad():
            xin = x.detach().requires_grad_(True)
            logp = F.log_softmax(self.classifier(xin, t), dim=-1)[:, 0].sum()
            return torch.autograd.grad(logp, xin)[0]

    def reconstruct(self, encoding):
        """ddim.ts: DDIM inversion (no clipping) or q_sample with one noise image, then guided DDIM."""
        level, stride, scale = self.preset["noiseLevel"], self.preset["stride"], self.preset["guidanceScale"]
        ts = list(range(0, level + 1, stride))
        x, n = self.slices, self.slices.shape[0]
        with torch.no_grad():
            if encoding == "ddim":
                for t_from, t_to in zip(ts[:-1], ts[1:]):
                    eps = self.unet(x, torch.full((n,), t_from))
                    x = self.move(self.predict_x0(x, eps, t_from), eps, t_to)
            else:
                x = self.move(x, torch.randn(1, 1, *x.shape[2:]).expand_as(x), ts[-1])
        for t_from, t_to in zip(ts[::-1][:-1], ts[::-1][1:]):
            tt = torch.full((n,), t_from)
            grad = self.healthy_gradient(x, tt) if scale != 0 else 0
            with torch.no_grad():
                eps = self.unet(x, tt) - scale * (1 - self.alpha_bar[t_from]).sqrt() * grad
                x = self.move(self.predict_x0(x, eps, t_from).clamp(-1, 1), eps, t_to)
        return x


MEASURES = {
    "forwardBatch1": lambda b: b.forward(b.x1),
    "forwardBatch8": lambda b: b.forward(b.x8),
    "trainStepBatch8": lambda b: b.train_step(),
    "reconstructDdimBatch8": lambda b: b.reconstruct("ddim"),
    "reconstructNoiseBatch8": lambda b: b.reconstruct("noise"),
}


def answer(bench, request):
    kind = request.get("type")
    if kind == "init":
        torch.set_num_threads(int(request["threads"]))
        bench = Bench(request["config"], request["preset"])
        count = lambda net: sum(p.numel() for p in net.parameters())
        return bench, {
            "type": "ready",
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "ompWaitPolicy": os.environ.get("OMP_WAIT_POLICY"),
            "parameters": {"unet": count(bench.unet), "classifier": count(bench.classifier)},
        }
    if bench is None:
        raise ValueError(f"'{kind}' before 'init'")
    if kind == "finish":
        # ru_maxrss is in kilobytes on Linux.
        return bench, {"type": "finished", "peakRssMegabytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    measure = MEASURES.get(request.get("measure"))
    if measure is None:
        raise ValueError(f"unknown measure {request.get('measure')!r}")
    started, cpu = time.perf_counter(), time.process_time()
    measure(bench)
    return bench, {
        "type": "time",
        "milliseconds": (time.perf_counter() - started) * 1000,
        "cpuMilliseconds": (time.process_time() - cpu) * 1000,  # all of this process's threads
    }


def serve():
    bench = None
    for line in sys.stdin:
        if not line.strip():
            continue
        request = {}
        try:
            request = json.loads(line)
            bench, reply = answer(bench, request)
        except Exception as error:  # the coordinator reports it and stops
            reply = {"type": "error", "message": f"{type(error).__name__}: {error}"}
        sys.stdout.write(REPLY_PREFIX + json.dumps(reply) + "\n")
        sys.stdout.flush()
        if request.get("type") == "finish":
            break


if __name__ == "__main__":
    serve()
