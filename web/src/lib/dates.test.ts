import { describe, expect, it } from "vitest";
import { beijingDate, daysLeft, dueDay, dueState, formatDate, formatDateTime, formatDue } from "./dates";

describe("formatDate", () => {
  it("writes a date the Chinese way without leading zeros", () => {
    expect(formatDate("2026-07-03")).toBe("2026年7月3日");
  });
  it("reads an instant in Beijing time", () => {
    // 16:30 UTC on 2 July is already 3 July in Beijing.
    expect(formatDate("2026-07-02T16:30:00Z")).toBe("2026年7月3日");
    expect(formatDateTime("2026-07-02T16:30:00Z")).toBe("2026年7月3日 00:30");
  });
  it("shows a dash for nothing or garbage", () => {
    expect(formatDate(null)).toBe("—");
    expect(formatDate("not a date")).toBe("—");
  });
});

describe("due dates", () => {
  it("reads 24:00 (00:00 next day in Beijing) as the day itself", () => {
    expect(dueDay("2026-07-03T16:00:00Z")).toBe("2026-07-03");
    expect(formatDue("2026-07-03T16:00:00Z")).toBe("2026年7月3日");
  });
  it("shows a cut-off time within the day", () => {
    expect(formatDue("2026-07-03T09:00:00Z")).toBe("2026年7月3日 17:00");
  });
});

describe("dueState", () => {
  it("takes overdue from the server", () => {
    expect(dueState("2026-07-01T01:59:59Z", true, "2026-07-03")).toBe("overdue");
  });
  it("marks due within the soon window", () => {
    expect(dueState("2026-07-03T09:00:00Z", false, "2026-07-03")).toBe("soon");
    expect(dueState("2026-07-03T16:00:00Z", false, "2026-07-03")).toBe("soon"); // 24:00 on 3 July
    expect(dueState("2026-07-03T16:30:00Z", false, "2026-07-03")).toBe("normal"); // 00:30 on 4 July
  });
  it("has no state without a due date", () => {
    expect(dueState(null, false, "2026-07-03")).toBe("none");
  });
});

describe("beijing dates", () => {
  it("counts days left from the Beijing date", () => {
    expect(beijingDate("2026-06-30T17:00:00Z")).toBe("2026-07-01");
    expect(daysLeft("2026-07-06", new Date("2026-06-30T17:00:00Z"))).toBe(5);
  });
});
