"""Builds a random-weight encoder shaped like bert-base-multilingual-cased (12 layers, hidden 768, 12 heads,
intermediate 3072, vocab 119,547, 512 positions) for throughput benchmarks, into an ignored cache directory (node_modules/.cache/xqg-bench).
Reuses the fixture builder's BertModel and ONNX export (tooling/fixtures/builder). Its tokenizer.json is the
tiny-bert WordPiece tokenizer padded with [unusedN] tokens to mBERT's vocabulary size, so inputs tokenise the
same way as the fixture while the embedding matrix and graph have mBERT's shapes.

usage: /usr/bin/python3 build_mbert_base.py <tiny-bert dir> <out dir>
"""

import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tooling", "fixtures", "builder"))

from bert_model import BertModel, init_weights  # noqa: E402
from build_bert import export_onnx  # noqa: E402

CONFIG = {
    "architectures": ["BertModel"],
    "model_type": "bert",
    "vocab_size": 119547,
    "hidden_size": 768,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "intermediate_size": 3072,
    "hidden_act": "gelu",
    "max_position_embeddings": 512,
    "type_vocab_size": 2,
    "layer_norm_eps": 1e-12,
    "pad_token_id": 0,
    "initializer_range": 0.02,
}


def main(tiny_dir, out_dir):
    torch.manual_seed(20230505)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(tiny_dir, "tokenizer.json"), encoding="utf-8") as f:
        tokenizer = json.load(f)
    vocab = tokenizer["model"]["vocab"]
    for i in range(CONFIG["vocab_size"] - len(vocab)):
        vocab[f"[unused{i}]"] = len(vocab)
    model = BertModel(CONFIG)
    init_weights(model, CONFIG["initializer_range"])
    model.eval()
    with torch.no_grad():
        export_onnx(model, os.path.join(out_dir, "model.onnx"))
    for name, data in (("tokenizer.json", tokenizer), ("config.json", CONFIG)):
        tmp = os.path.join(out_dir, name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
        os.replace(tmp, os.path.join(out_dir, name))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
