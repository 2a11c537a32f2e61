import { describe, expect, it } from "vitest";
import { IdTable } from "../src/index.js";

describe("IdTable", () => {
  it("gives positions in insertion order and reports the position of an id added again", () => {
    const table = new IdTable();
    expect([table.add("b"), table.add("a"), table.add(""), table.add("b")]).toEqual([-1, -1, -1, 0]);
    expect([table.size, table.indexOf("a"), table.indexOf(""), table.indexOf("c")]).toEqual([3, 1, 2, -1]);
    expect([table.has("b"), table.has("B"), table.at(1), table.at(3)]).toEqual([true, false, "a", undefined]);
    expect(table.ids()).toEqual(["b", "a", ""]);
  });

  it("keeps every id through its growth, and truncate undoes the last ones added, across a growth too", () => {
    const table = new IdTable();
    const ids = Array.from({ length: 100_000 }, (_, i) => `doc-${i}`);
    for (const id of ids.slice(0, 600)) table.add(id);
    // 600 → 100,000 ids: the slot table grows several times
    for (const id of ids.slice(600)) expect(table.add(id)).toBe(-1);
    table.truncate(600);
    expect([
      table.size,
      table.indexOf("doc-599"),
      table.indexOf("doc-600"),
      table.indexOf("doc-99999"),
    ]).toEqual([600, 599, -1, -1]);
    for (const [i, id] of ids.entries()) {
      const expected = i < 600 ? i : -1;
      if (table.indexOf(id) !== expected) throw new Error(`${id} at ${table.indexOf(id)}, not ${expected}`);
    }
    expect(table.add("doc-600")).toBe(-1);
    expect([table.indexOf("doc-600"), table.size]).toEqual([600, 601]);
    table.truncate(601);
    expect(table.size).toBe(601);
    expect(() => table.truncate(-1)).toThrow(RangeError);
  });

  it("frees the slots of truncated ids: rounds of adding and undoing never fill the table", () => {
    const table = new IdTable();
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 700; i++) table.add(`r${round}-${i}`);
      expect(table.indexOf(`r${round}-699`)).toBe(699);
      table.truncate(0);
    }
    expect([table.size, table.indexOf("r49-0")]).toEqual([0, -1]);
  });

  it("is built from distinct ids, naming the positions of a repeat", () => {
    expect(IdTable.from(["x", "y"]).ids()).toEqual(["x", "y"]);
    expect(() => IdTable.from(["x", "y", "x"])).toThrow(
      'id "x" is at positions 0 and 2 (ids must be distinct)',
    );
  });
});
