;; The augmentation kernel, out[i] = keep·p[i] + alpha·s[i], in WebAssembly SIMD (4 float32 lanes).
;; Every multiply and add rounds to float32, as NumPy evaluates `(1 - alpha) * P + alpha * S` on float32
;; arrays; WebAssembly never fuses them into an FMA, so the result is bit-identical to NumPy's.
;; Compiled into src/kernel/mix-wasm.ts by `pnpm --filter @xqg/fusion build:kernel`.
(module
  (memory (export "memory") 1)

  ;; out, p, s: byte offsets into memory; n: float32 values.
  (func (export "mix")
    (param $out i32) (param $p i32) (param $s i32) (param $n i32) (param $keep f32) (param $alpha f32)
    (local $end i32) (local $vectorEnd i32) (local $keep4 v128) (local $alpha4 v128)
    (local.set $keep4 (f32x4.splat (local.get $keep)))
    (local.set $alpha4 (f32x4.splat (local.get $alpha)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vectorEnd
      (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2))))
    ;; Two vectors per turn.
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $p) (local.get $vectorEnd)))
        (v128.store offset=0 (local.get $out)
          (f32x4.add
            (f32x4.mul (local.get $keep4) (v128.load offset=0 (local.get $p)))
            (f32x4.mul (local.get $alpha4) (v128.load offset=0 (local.get $s)))))
        (v128.store offset=16 (local.get $out)
          (f32x4.add
            (f32x4.mul (local.get $keep4) (v128.load offset=16 (local.get $p)))
            (f32x4.mul (local.get $alpha4) (v128.load offset=16 (local.get $s)))))
        (local.set $out (i32.add (local.get $out) (i32.const 32)))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (local.set $s (i32.add (local.get $s) (i32.const 32)))
        (br $vectors)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $p) (local.get $end)))
        (f32.store (local.get $out)
          (f32.add
            (f32.mul (local.get $keep) (f32.load (local.get $p)))
            (f32.mul (local.get $alpha) (f32.load (local.get $s)))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (br $tail))))
)
