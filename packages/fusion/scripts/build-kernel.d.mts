/** kernel/mix.wat compiled to WebAssembly bytes. */
export function compileKernel(): Promise<Buffer>;
/** The TypeScript module that carries those bytes (src/kernel/mix-wasm.ts). */
export function kernelSource(bytes: Buffer): string;
