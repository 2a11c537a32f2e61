/** Line logs and progress for the stages; everything goes to stderr so stdout stays for results. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  progress(label: string, total: number | undefined, unit: string): Progress;
}

export interface Progress {
  tick(count?: number): void;
  /**
   * Replaces the rate and ETA the bar computes from its own count with `text` (e.g. an estimate made from other
   * facts), and shows it as a tick would.
   */
  note?(text: string): void;
  done(): void;
}

export interface LoggerOptions {
  quiet?: boolean;
  /** Draw bars (default: stderr is a terminal). */
  tty?: boolean;
  stream?: NodeJS.WritableStream;
  /** Milliseconds between plain progress lines when not on a terminal. */
  interval?: number;
  now?: () => number;
}

const SILENT_PROGRESS: Progress = { tick() {}, done() {} };

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? (process.stderr.isTTY === true && stream === process.stderr);
  const now = options.now ?? Date.now;
  const interval = options.interval ?? 5000;
  const write = (line: string): void => {
    stream.write(`${line}\n`);
  };
  return {
    info(message) {
      if (!options.quiet) write(`xqg: ${message}`);
    },
    warn(message) {
      write(`xqg: warning: ${message}`);
    },
    progress(label, total, unit) {
      if (options.quiet) return SILENT_PROGRESS;
      const start = now();
      let count = 0;
      let last = start;
      let noted: string | undefined;
      const line = (): string => {
        if (noted !== undefined)
          return `${count}${total === undefined ? "" : `/${total}`} ${unit} (${noted})`;
        const seconds = (now() - start) / 1000;
        const rate = seconds > 0 ? count / seconds : 0;
        const of = total === undefined ? "" : `/${total}`;
        const eta = total !== undefined && rate > 0 ? `, ETA ${formatDuration((total - count) / rate)}` : "";
        return `${count}${of} ${unit} (${formatRate(rate)} ${unit}/s${eta})`;
      };
      const bar = (): string => {
        if (total === undefined || total === 0) return "";
        const width = 24;
        const filled = Math.min(width, Math.round((count / total) * width));
        return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] `;
      };
      const show = (): void => {
        const t = now();
        if (tty) {
          if (t - last >= 100 || count === total) {
            last = t;
            stream.write(`\r\x1b[2K${label} ${bar()}${line()}`);
          }
        } else if (t - last >= interval) {
          last = t;
          write(`xqg: ${label}: ${line()}`);
        }
      };
      return {
        tick(n = 1) {
          count += n;
          show();
        },
        note(text) {
          noted = text;
          show();
        },
        done() {
          const seconds = (now() - start) / 1000;
          const summary = `${label}: ${count} ${unit} in ${formatDuration(seconds)}`;
          if (tty) stream.write(`\r\x1b[2K${summary}\n`);
          else write(`xqg: ${summary}`);
        },
      };
    },
  };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  // Round once, at the precision shown, then split: rounding the parts separately prints "1m60s" for 119.6.
  const tenths = Math.round(seconds * 10) / 10;
  if (tenths < 10) return `${tenths.toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

function formatRate(rate: number): string {
  return rate >= 100 ? rate.toFixed(0) : rate.toFixed(1);
}
