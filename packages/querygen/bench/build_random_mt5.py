"""Builds a random-weight mT5-shaped seq2seq model in Optimum's ONNX layouts, for @xqg/querygen benchmarks.

The network follows mT5's structure (T5 RMS layer norm, unscaled dot-product attention with relative
position buckets computed once per stack, gated-GELU feed-forward, shared input embeddings, untied lm_head,
decoder start = pad) so that its cost profile is the real one. It writes:

  encoder_model.onnx            input_ids, attention_mask -> last_hidden_state
  decoder_model.onnx            no cache: input_ids [B, T] -> logits, present.N.{decoder,encoder}.{key,value}
  decoder_with_past_model.onnx  one token plus past_key_values.* -> logits, present.N.decoder.*
  decoder_model_merged.onnx     both behind one If on use_cache_branch; the cache branch returns empty
                                present.N.encoder.* tensors, as Optimum's merged decoders do
  config.json, generation_config.json

Weights are random (seeded). Never committed: the benchmark builds it into its ignored cache on first use.
Run with Debian's PyTorch: /usr/bin/python3 build_random_mt5.py --out DIR [--preset mt5-small|tiny].
"""

import argparse
import hashlib
import json
import math
import os
import sys

import onnx
import onnx.numpy_helper
import torch
from onnx import helper
from torch import nn

PRESETS = {
    # google/mt5-small's shape
    "mt5-small": dict(vocab_size=250112, d_model=512, d_kv=64, d_ff=1024, num_layers=8, num_decoder_layers=8, num_heads=6),
    # a small model for quick checks of the builder and the TypeScript runtime
    "tiny": dict(vocab_size=512, d_model=32, d_kv=8, d_ff=48, num_layers=2, num_decoder_layers=2, num_heads=4),
}
BUCKETS = 32
MAX_DISTANCE = 128
EPS = 1e-6
OPSET = 14


def relative_bucket(relative_position, bidirectional):
    buckets = torch.zeros_like(relative_position)
    num_buckets = BUCKETS
    if bidirectional:
        num_buckets //= 2
        buckets = buckets + (relative_position > 0).long() * num_buckets
        distance = relative_position.abs()
    else:
        distance = -torch.clamp(relative_position, max=0)
    max_exact = num_buckets // 2
    is_small = distance < max_exact
    large = max_exact + (
        torch.log(distance.float().clamp(min=1) / max_exact) / math.log(MAX_DISTANCE / max_exact) * (num_buckets - max_exact)
    ).long()
    large = torch.clamp(large, max=num_buckets - 1)
    return buckets + torch.where(is_small, distance, large)


class RmsNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * self.weight


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        inner = c["num_heads"] * c["d_kv"]
        self.h, self.dk = c["num_heads"], c["d_kv"]
        self.q = nn.Linear(c["d_model"], inner, bias=False)
        self.k = nn.Linear(c["d_model"], inner, bias=False)
        self.v = nn.Linear(c["d_model"], inner, bias=False)
        self.o = nn.Linear(inner, c["d_model"], bias=False)

    def heads(self, x):
        return x.view(x.shape[0], -1, self.h, self.dk).transpose(1, 2)

    def project_kv(self, x):
        return self.heads(self.k(x)), self.heads(self.v(x))

    def forward(self, x, key, value, bias):
        q = self.heads(self.q(x))
        scores = torch.matmul(q, key.transpose(-1, -2)) + bias  # T5 does not scale by 1/sqrt(d_kv)
        weights = torch.softmax(scores.float(), dim=-1)
        out = torch.matmul(weights, value).transpose(1, 2).reshape(x.shape[0], -1, self.h * self.dk)
        return self.o(out)


class FeedForward(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wi_0 = nn.Linear(c["d_model"], c["d_ff"], bias=False)
        self.wi_1 = nn.Linear(c["d_model"], c["d_ff"], bias=False)
        self.wo = nn.Linear(c["d_ff"], c["d_model"], bias=False)

    def forward(self, x):
        gate = self.wi_0(x)
        gelu = 0.5 * gate * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (gate + 0.044715 * gate.pow(3))))
        return self.wo(gelu * self.wi_1(x))


def mask_bias(mask):
    """[B, S] 1/0 mask -> additive [B, 1, 1, S] bias."""
    return (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min


class EncoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm1, self.attn, self.norm2, self.ff = RmsNorm(c["d_model"]), Attention(c), RmsNorm(c["d_model"]), FeedForward(c)

    def forward(self, x, bias):
        h = self.norm1(x)
        k, v = self.attn.project_kv(h)
        x = x + self.attn(h, k, v, bias)
        return x + self.ff(self.norm2(x))


class DecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm1, self.self_attn = RmsNorm(c["d_model"]), Attention(c)
        self.norm2, self.cross_attn = RmsNorm(c["d_model"]), Attention(c)
        self.norm3, self.ff = RmsNorm(c["d_model"]), FeedForward(c)

    def forward(self, x, self_kv, self_bias, cross_kv, cross_bias):
        h = self.norm1(x)
        k, v = self.self_attn.project_kv(h)
        if self_kv is not None:
            k, v = torch.cat([self_kv[0], k], dim=2), torch.cat([self_kv[1], v], dim=2)
        x = x + self.self_attn(h, k, v, self_bias)
        x = x + self.cross_attn(self.norm2(x), cross_kv[0], cross_kv[1], cross_bias)
        return x + self.ff(self.norm3(x)), (k, v)


class T5(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.shared = nn.Embedding(c["vocab_size"], c["d_model"])
        self.enc_bias = nn.Embedding(BUCKETS, c["num_heads"])
        self.dec_bias = nn.Embedding(BUCKETS, c["num_heads"])
        self.encoder = nn.ModuleList(EncoderLayer(c) for _ in range(c["num_layers"]))
        self.decoder = nn.ModuleList(DecoderLayer(c) for _ in range(c["num_decoder_layers"]))
        self.enc_norm, self.dec_norm = RmsNorm(c["d_model"]), RmsNorm(c["d_model"])
        self.lm_head = nn.Linear(c["d_model"], c["vocab_size"], bias=False)

    def encode(self, input_ids, attention_mask):
        x = self.shared(input_ids)
        n = input_ids.shape[1]
        pos = torch.arange(n, device=input_ids.device)
        rel = relative_bucket(pos[None, :] - pos[:, None], bidirectional=True)
        bias = self.enc_bias(rel).permute(2, 0, 1)[None] + mask_bias(attention_mask)
        for layer in self.encoder:
            x = layer(x, bias)
        return self.enc_norm(x)

    def decode(self, input_ids, encoder_attention_mask, cross, past):
        """cross: per layer (k, v); past: per layer (k, v) or None. Returns logits and new self (k, v)."""
        x = self.shared(input_ids)
        t = input_ids.shape[1]
        past_len = past[0][0].shape[2] if past is not None else 0
        query = torch.arange(t, device=input_ids.device) + past_len
        memory = torch.arange(t + past_len, device=input_ids.device)
        rel = relative_bucket(memory[None, :] - query[:, None], bidirectional=False)
        causal = (memory[None, :] > query[:, None]).float() * torch.finfo(torch.float32).min
        self_bias = (self.dec_bias(rel).permute(2, 0, 1) + causal)[None]
        cross_bias = mask_bias(encoder_attention_mask)
        presents = []
        for i, layer in enumerate(self.decoder):
            x, kv = layer(x, None if past is None else past[i], self_bias, cross[i], cross_bias)
            presents.append(kv)
        return self.lm_head(self.dec_norm(x)), presents

    def cross_kv(self, encoder_hidden_states):
        return [layer.cross_attn.project_kv(encoder_hidden_states) for layer in self.decoder]


class EncoderGraph(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m.encode(input_ids, attention_mask)


class DecoderGraph(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, encoder_attention_mask, encoder_hidden_states):
        cross = self.m.cross_kv(encoder_hidden_states)
        logits, presents = self.m.decode(input_ids, encoder_attention_mask, cross, None)
        out = [logits]
        for (k, v), (ck, cv) in zip(presents, cross):
            out += [k, v, ck, cv]
        return tuple(out)


class DecoderWithPastGraph(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, encoder_attention_mask, *past):
        self_past = [(past[4 * i], past[4 * i + 1]) for i in range(len(past) // 4)]
        cross = [(past[4 * i + 2], past[4 * i + 3]) for i in range(len(past) // 4)]
        logits, presents = self.m.decode(input_ids, encoder_attention_mask, cross, self_past)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


def kv_names(prefix, layers, with_encoder=True):
    names = []
    for i in range(layers):
        names += [f"{prefix}.{i}.decoder.key", f"{prefix}.{i}.decoder.value"]
        if with_encoder:
            names += [f"{prefix}.{i}.encoder.key", f"{prefix}.{i}.encoder.value"]
    return names


def export(module, args, path, inputs, outputs, axes):
    torch.onnx.export(
        module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
        opset_version=OPSET, do_constant_folding=True,
    )


def export_all(model, c, out):
    L = c["num_decoder_layers"]
    ids = torch.randint(2, 100, (2, 7))
    mask = torch.ones(2, 7, dtype=torch.long)
    export(
        EncoderGraph(model), (ids, mask), os.path.join(out, "encoder_model.onnx"),
        ["input_ids", "attention_mask"], ["last_hidden_state"],
        {"input_ids": {0: "batch_size", 1: "encoder_sequence_length"},
         "attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
         "last_hidden_state": {0: "batch_size", 1: "encoder_sequence_length"}},
    )
    hidden = model.encode(ids, mask)
    dec_ids = torch.zeros(2, 3, dtype=torch.long)
    presents = kv_names("present", L)
    axes = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
            "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
            "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
            "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    for name in presents:
        axes[name] = {0: "batch_size", 2: "encoder_sequence_length" if ".encoder." in name else "decoder_sequence_length"}
    export(DecoderGraph(model), (dec_ids, mask, hidden), os.path.join(out, "decoder_model.onnx"),
           ["input_ids", "encoder_attention_mask", "encoder_hidden_states"], ["logits", *presents], axes)
    past_values = DecoderGraph(model)(dec_ids, mask, hidden)[1:]
    pasts = kv_names("past_key_values", L)
    out_names = kv_names("present", L, with_encoder=False)
    axes = {"input_ids": {0: "batch_size"},
            "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
            "logits": {0: "batch_size"}}
    for name in pasts:
        axes[name] = {0: "batch_size", 2: "encoder_sequence_length_out" if ".encoder." in name else "past_decoder_sequence_length"}
    for name in out_names:
        axes[name] = {0: "batch_size", 2: "past_decoder_sequence_length + 1"}
    export(DecoderWithPastGraph(model), (dec_ids[:, :1], mask, *past_values),
           os.path.join(out, "decoder_with_past_model.onnx"),
           ["input_ids", "encoder_attention_mask", *pasts], ["logits", *out_names], axes)


def tensor_key(t):
    """Content identity of an initializer: the two exports name their constant-folded copies differently."""
    data = onnx.numpy_helper.to_array(t).tobytes()
    return hashlib.sha256(f"{t.data_type}:{list(t.dims)}:".encode() + data).hexdigest()


def branch(graph, prefix, keep, initializer_names, outputs):
    """Turns a whole graph into an If branch: outer-scope inputs/initializers keep their names, every other
    value gets `prefix`, and the branch outputs are `outputs` (name -> local value, or None for empty)."""
    rename = lambda name: name if (not name or name in keep or name in initializer_names) else prefix + name
    nodes = []
    for node in graph.node:
        copy = onnx.NodeProto()
        copy.CopyFrom(node)
        copy.name = prefix + node.name
        del copy.input[:]
        copy.input.extend(rename(i) for i in node.input)
        del copy.output[:]
        copy.output.extend(rename(o) for o in node.output)
        nodes.append(copy)
    out_infos = []
    for name, local in outputs:
        branch_name = f"{prefix}out/{name}"
        if local is None:
            empty = helper.make_tensor(branch_name + "/value", onnx.TensorProto.FLOAT, [0], [])
            nodes.append(helper.make_node("Constant", [], [branch_name], value=empty))
        else:
            nodes.append(helper.make_node("Identity", [rename(local)], [branch_name]))
        out_infos.append(helper.make_tensor_value_info(branch_name, onnx.TensorProto.FLOAT, None))
    return helper.make_graph(nodes, prefix.rstrip("/"), [], out_infos)


def merge(out, L):
    no_cache = onnx.load(os.path.join(out, "decoder_model.onnx"))
    with_cache = onnx.load(os.path.join(out, "decoder_with_past_model.onnx"))
    initializers, canonical = [], {}
    for model, tag in ((no_cache, "nc"), (with_cache, "wc")):
        for init in model.graph.initializer:
            key = tensor_key(init)
            if key not in canonical:
                canonical[key] = f"shared/{tag}/{init.name}"
                copy = onnx.TensorProto()
                copy.CopyFrom(init)
                copy.name = canonical[key]
                initializers.append(copy)
        renames = {init.name: canonical[tensor_key(init)] for init in model.graph.initializer}
        for node in model.graph.node:
            for i, name in enumerate(node.input):
                if name in renames:
                    node.input[i] = renames[name]
        del model.graph.initializer[:]
    shared = {t.name for t in initializers}
    inputs = ["input_ids", "encoder_attention_mask", "encoder_hidden_states", *kv_names("past_key_values", L)]
    names = ["logits", *kv_names("present", L)]
    else_branch = branch(no_cache.graph, "no_cache/", set(inputs), shared, [(n, n) for n in names])
    then_branch = branch(with_cache.graph, "cache/", set(inputs), shared,
                         [(n, None if ".encoder." in n else n) for n in names])
    graph_inputs = [i for i in no_cache.graph.input] + [i for i in with_cache.graph.input if i.name.startswith("past_key_values")]
    graph_inputs.append(helper.make_tensor_value_info("use_cache_branch", onnx.TensorProto.BOOL, [1]))
    graph_outputs = [helper.make_tensor_value_info(n, onnx.TensorProto.FLOAT, None) for n in names]
    node = helper.make_node("If", ["use_cache_branch"], names, name="optimum::if", then_branch=then_branch, else_branch=else_branch)
    graph = helper.make_graph([node], "merged_decoder", graph_inputs, graph_outputs, initializers)
    merged = helper.make_model(graph, opset_imports=no_cache.opset_import, producer_name="xqg-bench")
    path = os.path.join(out, "decoder_model_merged.onnx")
    large = sum(len(t.raw_data) for t in initializers) > 1 << 30
    if large:
        onnx.save_model(merged, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location="decoder_model_merged.onnx.data", size_threshold=1024)
    else:
        onnx.save_model(merged, path)


def write_configs(c, out):
    config = {
        "architectures": ["MT5ForConditionalGeneration"], "model_type": "mt5", "is_encoder_decoder": True,
        **c, "relative_attention_num_buckets": BUCKETS, "relative_attention_max_distance": MAX_DISTANCE,
        "feed_forward_proj": "gated-gelu", "tie_word_embeddings": False, "layer_norm_epsilon": EPS,
        "decoder_start_token_id": 0, "eos_token_id": 1, "pad_token_id": 0,
    }
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(out, "generation_config.json"), "w") as f:
        json.dump({"decoder_start_token_id": 0, "eos_token_id": 1, "pad_token_id": 0}, f, indent=2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="mt5-small")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep-split", action="store_true", help="keep decoder_model + decoder_with_past_model")
    args = parser.parse_args()
    c = PRESETS[args.preset]
    torch.manual_seed(args.seed)
    model = T5(c).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" not in name:
                p.normal_(0.0, 1.0 if name.startswith("shared") or "bias" in name else p.shape[-1] ** -0.5)
    tmp = args.out + ".partial"
    os.makedirs(tmp, exist_ok=True)
    with torch.no_grad():
        export_all(model, c, tmp)
        merge(tmp, c["num_decoder_layers"])
    write_configs(c, tmp)
    if not args.keep_split:
        for name in ("decoder_model.onnx", "decoder_with_past_model.onnx"):
            os.remove(os.path.join(tmp, name))
    os.replace(tmp, args.out)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
