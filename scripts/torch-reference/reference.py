#!/usr/bin/python3
"""PyTorch reference for Starling's Llama trainer (issue 4).

Defines the same Llama-family block model as dev.starling.llm.train.LlamaReference (RMSNorm,
rotary attention with adjacent-pair ("normal", llama) rope, grouped KV heads, causal mask, SwiGLU,
untied output, mean cross-entropy), draws a small random model and batch from a seeded generator,
and writes into one file: the hyperparameters, the initial weights, the tokens, the logits and loss
of the batch, every parameter gradient, and the losses of 10 AdamW steps (gradient accumulation over
2 micro-batches, global-norm clipping, warmup + cosine schedule).

Run with Debian's python3-torch:  /usr/bin/python3 scripts/torch-reference/reference.py OUT.bin
(install: apt-get install -y python3-torch libopenblas0-openmp)

File format "STRT" version 1, little-endian: magic b"STRT", u32 version, u32 entry count, then per
entry: u16 name length, UTF-8 name, u8 kind (0 = f32, 1 = i32, 2 = f64), u8 ndims, u32 dims[ndims],
then the elements row-major.
"""
import math
import struct
import sys

import torch
import torch.nn.functional as F

VERSION = 1
SEED = 20261129
DIM, LAYERS, HEADS, KV_HEADS, FFN, VOCAB = 32, 2, 4, 2, 48, 40
SEQ, BATCH, ACCUM = 16, 2, 2
RMS_EPS, THETA = 1e-5, 10000.0
MAX_LR, MIN_LR, WARMUP, TOTAL = 1e-2, 1e-3, 2, 10
BETA1, BETA2, ADAM_EPS, WEIGHT_DECAY, CLIP = 0.9, 0.95, 1e-8, 0.1, 1.0
INIT_STD = 0.2
HEAD_DIM = DIM // HEADS


def param_shapes():
    """(GGUF name, [rows, cols], decay) in the order of LlamaParameters.all()."""
    shapes = [("token_embd.weight", [VOCAB, DIM], True)]
    for l in range(LAYERS):
        b = f"blk.{l}."
        shapes += [
            (b + "attn_norm.weight", [1, DIM], False),
            (b + "attn_q.weight", [HEADS * HEAD_DIM, DIM], True),
            (b + "attn_k.weight", [KV_HEADS * HEAD_DIM, DIM], True),
            (b + "attn_v.weight", [KV_HEADS * HEAD_DIM, DIM], True),
            (b + "attn_output.weight", [DIM, HEADS * HEAD_DIM], True),
            (b + "ffn_norm.weight", [1, DIM], False),
            (b + "ffn_gate.weight", [FFN, DIM], True),
            (b + "ffn_up.weight", [FFN, DIM], True),
            (b + "ffn_down.weight", [DIM, FFN], True),
        ]
    shapes += [("output_norm.weight", [1, DIM], False), ("output.weight", [VOCAB, DIM], True)]
    return shapes


def rms_norm(x, w):  # x [..., dim], w [1, dim]
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + RMS_EPS) * w[0]


def rope_tables(seq):
    half = HEAD_DIM // 2
    freqs = torch.tensor([THETA ** (-2.0 * j / HEAD_DIM) for j in range(half)], dtype=torch.float64)
    angles = torch.arange(seq, dtype=torch.float64)[:, None] * freqs[None, :]  # [T][half]
    return angles.cos().float(), angles.sin().float()


def rope(x, cos, sin):  # x [B][T][H][hd]; pairs (2j, 2j+1) as llama.cpp's normal rope
    x0, x1 = x[..., 0::2], x[..., 1::2]  # [B][T][H][half]
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    return torch.stack((x0 * c - x1 * s, x0 * s + x1 * c), dim=-1).flatten(-2)


def forward(p, tokens):  # tokens [B][T] -> logits [B][T][V]
    b, t = tokens.shape
    cos, sin = rope_tables(t)
    x = p["token_embd.weight"][tokens]  # [B][T][dim]
    mask = torch.full((t, t), float("-inf")).triu(1)  # [T][T] causal
    for l in range(LAYERS):
        w = lambda n: p[f"blk.{l}.{n}.weight"]
        h = rms_norm(x, w("attn_norm"))
        q = (h @ w("attn_q").T).view(b, t, HEADS, HEAD_DIM)
        k = (h @ w("attn_k").T).view(b, t, KV_HEADS, HEAD_DIM)
        v = (h @ w("attn_v").T).view(b, t, KV_HEADS, HEAD_DIM)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        group = HEADS // KV_HEADS
        k = k.repeat_interleave(group, dim=2)  # query head i reads KV head i // group
        v = v.repeat_interleave(group, dim=2)
        q, k, v = (z.transpose(1, 2) for z in (q, k, v))  # [B][H][T][hd]
        scores = q @ k.transpose(-1, -2) / math.sqrt(HEAD_DIM) + mask
        att = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, HEADS * HEAD_DIM)
        x = x + att @ w("attn_output").T
        h = rms_norm(x, w("ffn_norm"))
        x = x + (F.silu(h @ w("ffn_gate").T) * (h @ w("ffn_up").T)) @ w("ffn_down").T
    return rms_norm(x, p["output_norm.weight"]) @ p["output.weight"].T


def loss_of(p, tokens, targets):
    logits = forward(p, tokens)
    return F.cross_entropy(logits.reshape(-1, VOCAB), targets.reshape(-1)), logits


def lr_at(step):
    if step < WARMUP:
        return MAX_LR * (step + 1) / WARMUP
    progress = (step - WARMUP) / (TOTAL - WARMUP)
    return MIN_LR + 0.5 * (MAX_LR - MIN_LR) * (1 + math.cos(math.pi * progress))


def main(out_path):
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(SEED)
    entries = []
    shapes = param_shapes()
    init = {}
    for name, shape, _ in shapes:
        if name.endswith("norm.weight"):
            init[name] = 1 + 0.1 * torch.randn(shape, generator=g)
        else:
            std = INIT_STD / math.sqrt(2 * LAYERS) if name.endswith(("attn_output.weight", "ffn_down.weight")) else INIT_STD
            init[name] = std * torch.randn(shape, generator=g)
    data = torch.randint(0, VOCAB, (ACCUM * BATCH, SEQ + 1), generator=g)
    tokens, targets = data[:, :-1].contiguous(), data[:, 1:].contiguous()  # [ACCUM·B][T]

    entries.append(("config", 1, torch.tensor([DIM, LAYERS, HEADS, KV_HEADS, FFN, VOCAB, SEQ, BATCH, ACCUM, 0, 0])))
    entries.append(("hyper", 2, torch.tensor([RMS_EPS, THETA, MAX_LR, MIN_LR, WARMUP, TOTAL, BETA1, BETA2,
                                              ADAM_EPS, WEIGHT_DECAY, CLIP], dtype=torch.float64)))
    entries.append(("tokens", 1, tokens))
    entries.append(("targets", 1, targets))
    for name, _, _ in shapes:
        entries.append(("init/" + name, 0, init[name]))

    # one pass over the whole batch: logits, loss, gradients of the mean loss
    p = {n: t.clone().requires_grad_(True) for n, t in init.items()}
    loss, logits = loss_of(p, tokens, targets)
    loss.backward()
    entries.append(("logits", 0, logits.detach().reshape(-1, VOCAB)))
    entries.append(("loss", 2, torch.tensor([loss.item()], dtype=torch.float64)))
    for name, _, _ in shapes:
        entries.append(("grad/" + name, 0, p[name].grad))

    # 10 AdamW steps: accumulation over ACCUM micro-batches, clip, warmup + cosine
    p = {n: t.clone().requires_grad_(True) for n, t in init.items()}
    decay = [p[n] for n, _, d in shapes if d]
    no_decay = [p[n] for n, _, d in shapes if not d]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=MAX_LR, betas=(BETA1, BETA2), eps=ADAM_EPS, foreach=False)
    losses, norms = [], []
    for step in range(TOTAL):
        opt.zero_grad(set_to_none=False)
        total = 0.0
        for a in range(ACCUM):
            rows = slice(a * BATCH, (a + 1) * BATCH)
            l, _ = loss_of(p, tokens[rows], targets[rows])
            (l / ACCUM).backward()
            total += l.item() / ACCUM
        norms.append(torch.nn.utils.clip_grad_norm_([p[n] for n, _, _ in shapes], CLIP).item())
        for group in opt.param_groups:
            group["lr"] = lr_at(step)
        opt.step()
        losses.append(total)
    entries.append(("adamw_losses", 2, torch.tensor(losses, dtype=torch.float64)))
    entries.append(("adamw_grad_norms", 2, torch.tensor(norms, dtype=torch.float64)))
    for name, _, _ in shapes:
        entries.append(("final/" + name, 0, p[name].detach()))
    write(out_path, entries)
    print(f"wrote {out_path}: loss {loss.item():.6f}, AdamW losses {[round(x, 4) for x in losses]}, grad norms {[round(x, 3) for x in norms]}")


def write(path, entries):
    fmt = {0: ("<f", torch.float32), 1: ("<i", torch.int32), 2: ("<d", torch.float64)}
    with open(path, "wb") as f:
        f.write(b"STRT" + struct.pack("<II", VERSION, len(entries)))
        for name, kind, t in entries:
            raw = name.encode("utf-8")
            t = t.detach().to(fmt[kind][1]).contiguous()
            f.write(struct.pack("<H", len(raw)) + raw + struct.pack("<BB", kind, t.dim()))
            f.write(struct.pack("<%dI" % t.dim(), *t.shape))
            f.write(t.numpy().astype(fmt[kind][0]).tobytes())


def timing(argv):
    """--time DIM LAYERS HEADS KV_HEADS FFN VOCAB SEQ BATCH STEPS: median AdamW step of random data, untied.

    Threads: torch.set_num_threads(OMP_NUM_THREADS or 2). Prints one line
    'torch tokens/s X median_ms Y threads T tokens/cpu-s Z median_cpu_ms W' (CPU: time.process_time of the process)."""
    global DIM, LAYERS, HEADS, KV_HEADS, FFN, VOCAB, HEAD_DIM
    import os
    import time
    DIM, LAYERS, HEADS, KV_HEADS, FFN, VOCAB, seq, batch, steps = (int(a) for a in argv)
    HEAD_DIM = DIM // HEADS
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    g = torch.Generator().manual_seed(SEED)
    p = {}
    for name, shape, _ in param_shapes():
        init = torch.ones(shape) if name.endswith("norm.weight") else 0.02 * torch.randn(shape, generator=g)
        p[name] = init.requires_grad_(True)
    opt = torch.optim.AdamW(list(p.values()), lr=1e-3, betas=(BETA1, BETA2), eps=ADAM_EPS, weight_decay=WEIGHT_DECAY)
    data = torch.randint(0, VOCAB, (batch, seq + 1), generator=g)
    times = []
    cpu_times = []
    for _ in range(steps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss, _ = loss_of(p, data[:, :-1], data[:, 1:])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(p.values()), CLIP)
        opt.step()
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)

    def median_after_warm_up(xs):
        warm = sorted(xs[1:] if len(xs) > 1 else xs)
        return warm[len(warm) // 2]
    median = median_after_warm_up(times)
    cpu_median = median_after_warm_up(cpu_times)
    print(f"torch tokens/s {batch * seq / median:.1f} median_ms {median * 1000:.1f} threads {torch.get_num_threads()}"
          f" tokens/cpu-s {batch * seq / cpu_median:.1f} median_cpu_ms {cpu_median * 1000:.1f}")


if __name__ == "__main__":
    if len(sys.argv) == 11 and sys.argv[1] == "--time":
        timing(sys.argv[2:])
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    else:
        sys.exit("usage: reference.py OUT.bin | reference.py --time DIM LAYERS HEADS KV_HEADS FFN VOCAB SEQ BATCH STEPS")
