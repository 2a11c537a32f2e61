import { nearestName } from "@xqg/core";
import {
  createLogger,
  explainEmptyInput,
  explainSystemError,
  isUserFacing,
  settings,
  UsageError,
} from "@xqg/pipeline";
import { cliVersion } from "../version.js";
import { helpText, parseFlags } from "./args.js";
import { COMMANDS } from "./commands.js";

export interface MainIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = [
    "xqg: the xQG experiment (cross-lingual dense retrieval with generated queries)",
    "",
    "Commands:",
  ];
  for (const [name, command] of Object.entries(COMMANDS))
    lines.push(`  ${name.padEnd(width)}  ${command.summary}`);
  lines.push(
    "",
    "Options:",
    "  --help, -h     this text",
    "  --version, -v  print the version of xqg",
    "",
    "Run `xqg <command> --help` for its flags.",
  );
  return `${lines.join("\n")}\n`;
}

/** The `xqg` command line; returns the exit code. A user mistake prints one line, never a stack trace. */
export async function main(
  argv: string[],
  io: MainIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    // no command is a usage error: the overview goes to stderr, exit 2
    io.stderr.write(overview());
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(overview());
    return 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    const near = nearestName(name, Object.keys(COMMANDS));
    io.stderr.write(
      `xqg: unknown command ${JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ""} (expected one of: ${Object.keys(COMMANDS).join(", ")})\n`,
    );
    return 2;
  }
  let flags: ReturnType<typeof parseFlags> | undefined;
  try {
    flags = parseFlags(name, rest, command.flags);
    if (flags.help) {
      io.stdout.write(helpText(name, command.summary, command.usage, command.flags));
      return 0;
    }
    const log = createLogger({
      quiet: flags.quiet,
      stream: io.stderr,
      tty: io.stderr === process.stderr ? undefined : false,
    });
    await command.run(flags, { log, stdout: io.stdout });
    return 0;
  } catch (thrown) {
    const byFlag = Object.entries(flags?.args ?? {}).map(([key, paths]) => [
      `--${settings.flagName(key)}`,
      paths,
    ]);
    const error = explainEmptyInput(thrown, Object.fromEntries(byFlag));
    const system = await explainSystemError(error);
    if (system !== undefined && !process.env["XQG_DEBUG"]) {
      io.stderr.write(`xqg: ${system}\n`);
      return 1;
    }
    if (isUserFacing(error) || (error instanceof Error && !process.env["XQG_DEBUG"])) {
      const hint = isUserFacing(error) ? "" : " (set XQG_DEBUG=1 for the stack trace)";
      io.stderr.write(`xqg: ${error.message}${hint}\n`);
      return error instanceof UsageError ? 2 : 1;
    }
    throw error;
  }
}
