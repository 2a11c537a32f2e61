# Independent reference for test/parity.test.ts, computed with NumPy in float32.
# Run: /usr/bin/python3 packages/fusion/test/parity-reference.py   (NumPy 1.24.2, Debian python3-numpy; legacy value-based casting: a Python
# float alpha becomes float32 before it multiplies a float32 array)
import numpy as np

f32 = np.float32
P = np.array([[0.1, -0.2, 0.3, 0.7], [1.5, 0.25, -3.1, 0.01], [0.33, 0.66, 0.99, -0.5]], dtype=f32)
# (passage index, language, query embedding) in arrival order
Q = [
    (0, "ar", [0.11, 0.12, 0.13, 0.14]),
    (1, "ar", [-0.9, 0.8, -0.7, 0.6]),
    (0, "ar", [0.21, -0.22, 0.23, -0.24]),
    (0, "bn", [1.01, 2.02, -3.03, 4.04]),
    (1, "ko", [0.5, 0.25, 0.125, 0.0625]),
]
langs = ["ar", "bn", "ko"]


def stacked(rows):
    return np.array(rows, dtype=f32).reshape(-1, 4)


# The official code's Σq for one passage: its query embeddings stacked, summed over axis 0.
S = np.stack([stacked([q for i, _, q in Q if i == p]).sum(axis=0, dtype=f32) for p in range(3)])
S_lang = {l: np.stack([stacked([q for i, ll, q in Q if i == p and ll == l]).sum(axis=0, dtype=f32) for p in range(3)]) for l in langs}
counts = np.array([sum(1 for i, _, _ in Q if i == p) for p in range(3)], dtype=f32)
counts_lang = {l: np.array([sum(1 for i, ll, _ in Q if i == p and ll == l) for p in range(3)], dtype=f32) for l in langs}


def show(name, x):
    print(f"{name}: [{', '.join(repr(float(v)) for v in np.asarray(x, dtype=f32).ravel())}]")


def renorm(x):
    norms = np.sqrt((x.astype(np.float64) ** 2).sum(axis=1)).astype(f32)
    return x / norms[:, None]


show("S", S)
show("counts", counts)
# Every path at the paper's α, two awkward ones (not exact in binary; 1/3 not even in decimal) and 0.5. At 0.5
# the scaling by α is exact, so a mistake in the order of operations (α·(S/c) vs (α·S)/c) only shows elsewhere.
with np.errstate(invalid="ignore", divide="ignore"):
    mean = np.nan_to_num(S / counts[:, None])
weighted = sum(w * S_lang[l] for l, w in (("ar", 1.0), ("bn", 0.5)))
for label, alpha in (("0.01", 0.01), ("0.3", 0.3), ("1/3", 1 / 3), ("0.5", 0.5)):
    show(f"sum alpha={label}", (1 - alpha) * P + alpha * S)
    show(f"mean alpha={label}", (1 - alpha) * P + alpha * mean)
    show(f"weights ar=1 bn=0.5 alpha={label}", (1 - alpha) * P + alpha * weighted)
    show(f"languages [ko] alpha={label}", (1 - alpha) * P + alpha * S_lang["ko"])
    show(f"renormalize alpha={label}", renorm((1 - alpha) * P + alpha * S))

# float16 storage (encode.dtype: float16): P read from float16, fused in float32, written back as float16.
P16 = P.astype(np.float16)
for label, alpha in (("0.01", 0.01), ("1/3", 1 / 3)):
    show(f"float16 P, float16 out, sum alpha={label}", ((1 - alpha) * P16.astype(f32) + alpha * S).astype(np.float16))
    show(f"float16 P, float32 out, sum alpha={label}", (1 - alpha) * P16.astype(f32) + alpha * S)
