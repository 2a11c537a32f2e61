;; The augmentation kernel, out[i] = keep·p[i] + alpha·s[i], in WebAssembly SIMD (4 float32 lanes).
;; Every multiply and add rounds to float32, as NumPy evaluates `(1 - alpha) * P + alpha * S` on float32
;; arrays; WebAssembly never fuses them into an FMA, so the result is bit-identical to NumPy's.
;; It also returns 1 when an output value is NaN or ±Infinity (exponent bits all ones), else 0: a non-finite
;; p or s always gives a non-finite output (0·Inf is NaN), so this one test, on values already in registers,
;; checks the inputs too.
;; Compiled into src/kernel/mix-wasm.ts by `pnpm --filter @xqg/fusion build:kernel`.
(module
  (memory (export "memory") 1)

  ;; out, p, s: byte offsets into memory; n: float32 values.
  (func (export "mix")
    (param $out i32) (param $p i32) (param $s i32) (param $n i32) (param $keep f32) (param $alpha f32)
    (result i32)
    (local $end i32) (local $vectorEnd i32) (local $keep4 v128) (local $alpha4 v128)
    (local $exponent4 v128) (local $bad4 v128) (local $r v128) (local $x f32) (local $bad i32)
    (local.set $keep4 (f32x4.splat (local.get $keep)))
    (local.set $alpha4 (f32x4.splat (local.get $alpha)))
    (local.set $exponent4 (i32x4.splat (i32.const 0x7f800000)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vectorEnd
      (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2))))
    ;; Two vectors per turn.
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $p) (local.get $vectorEnd)))
        (local.set $r
          (f32x4.add
            (f32x4.mul (local.get $keep4) (v128.load offset=0 (local.get $p)))
            (f32x4.mul (local.get $alpha4) (v128.load offset=0 (local.get $s)))))
        (v128.store offset=0 (local.get $out) (local.get $r))
        (local.set $bad4
          (v128.or (local.get $bad4)
            (i32x4.eq (v128.and (local.get $r) (local.get $exponent4)) (local.get $exponent4))))
        (local.set $r
          (f32x4.add
            (f32x4.mul (local.get $keep4) (v128.load offset=16 (local.get $p)))
            (f32x4.mul (local.get $alpha4) (v128.load offset=16 (local.get $s)))))
        (v128.store offset=16 (local.get $out) (local.get $r))
        (local.set $bad4
          (v128.or (local.get $bad4)
            (i32x4.eq (v128.and (local.get $r) (local.get $exponent4)) (local.get $exponent4))))
        (local.set $out (i32.add (local.get $out) (i32.const 32)))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (local.set $s (i32.add (local.get $s) (i32.const 32)))
        (br $vectors)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $x
          (f32.add
            (f32.mul (local.get $keep) (f32.load (local.get $p)))
            (f32.mul (local.get $alpha) (f32.load (local.get $s)))))
        (f32.store (local.get $out) (local.get $x))
        (local.set $bad
          (i32.or (local.get $bad)
            (i32.eq
              (i32.and (i32.reinterpret_f32 (local.get $x)) (i32.const 0x7f800000))
              (i32.const 0x7f800000))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (br $tail)))
    (i32.or (local.get $bad) (v128.any_true (local.get $bad4))))
)
