import { afterEach, describe, expect, it } from "vitest";
import { PASSWORD_ENV, parseQueueUrl } from "../src/connection.js";

describe("parseQueueUrl", () => {
  const saved = process.env[PASSWORD_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[PASSWORD_ENV];
    else process.env[PASSWORD_ENV] = saved;
  });

  it("reads host, port (6379 by default), database and TLS", () => {
    delete process.env[PASSWORD_ENV];
    expect(parseQueueUrl("redis://10.0.0.5:6380/2")).toEqual({
      display: "redis://10.0.0.5:6380/2",
      options: { host: "10.0.0.5", port: 6380, db: 2 },
      passwordFrom: undefined,
    });
    expect(parseQueueUrl("rediss://queue.example").options).toEqual({
      host: "queue.example",
      port: 6379,
      db: 0,
      tls: {},
    });
    expect(parseQueueUrl("redis://[::1]:7000").options.host).toBe("::1");
  });

  it("takes the password from the URL (which wins) or from $XQG_REDIS_PASSWORD, and never shows it", () => {
    process.env[PASSWORD_ENV] = "from-env";
    const fromEnv = parseQueueUrl("redis://h:6379");
    expect(fromEnv.options.password).toBe("from-env");
    expect(fromEnv.passwordFrom).toBe("$XQG_REDIS_PASSWORD");
    expect(fromEnv.display).toBe("redis://h:6379");
    const fromUrl = parseQueueUrl("redis://user:s%40cret@h:6379/1");
    expect(fromUrl.options).toMatchObject({ username: "user", password: "s@cret" });
    expect(fromUrl.passwordFrom).toBe("the URL");
    expect(fromUrl.display).toBe("redis://user:***@h:6379/1");
  });

  it("refuses what is not a Redis URL in one line naming where it came from, the password masked", () => {
    expect(() => parseQueueUrl("h:6379")).toThrow(
      '--queue: expected redis://[user:password@]HOST:PORT[/DB] (or rediss:// for TLS), got "h:6379"',
    );
    expect(() => parseQueueUrl("http://:pw@h:80", "queue in x.yaml")).toThrow(
      'queue in x.yaml: expected redis://[user:password@]HOST:PORT[/DB] (or rediss:// for TLS), got "http://:***@h"',
    );
    expect(() => parseQueueUrl("redis://h:6379/zero")).toThrow(
      '--queue: the database after the port must be a number (e.g. /0), got "/zero"',
    );
  });
});
