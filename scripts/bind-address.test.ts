import { describe, expect, it } from "vitest";
import { chooseBindAddress, extractHostnameArgument } from "./bind-address.mjs";

describe("chooseBindAddress", () => {
  it("binds an open app to the loopback interface and says so", () => {
    const result = chooseBindAddress({ authToken: undefined, requested: undefined });
    expect(result.hostname).toBe("127.0.0.1");
    expect(result.notice).toContain("OPEN");
    expect(chooseBindAddress({ authToken: "  ", requested: undefined }).hostname).toBe("127.0.0.1");
  });

  it("allows other loopback names for an open app", () => {
    expect(chooseBindAddress({ authToken: undefined, requested: "localhost" }).hostname).toBe("localhost");
    expect(chooseBindAddress({ authToken: undefined, requested: "::1" }).hostname).toBe("::1");
  });

  it.each(["0.0.0.0", "::", "192.168.1.20", "example.org"])("refuses %s without AUTH_TOKEN", (requested) => {
    const result = chooseBindAddress({ authToken: undefined, requested });
    expect(result.hostname).toBeUndefined();
    expect(result.error).toContain("AUTH_TOKEN is not set");
  });

  it("serves the network with AUTH_TOKEN, or the host asked for", () => {
    expect(chooseBindAddress({ authToken: "a-long-enough-token", requested: undefined }).hostname).toBe("0.0.0.0");
    expect(chooseBindAddress({ authToken: "a-long-enough-token", requested: "10.0.0.5" }).hostname).toBe("10.0.0.5");
  });
});

describe("extractHostnameArgument", () => {
  it("takes every spelling of the hostname option out of the arguments", () => {
    expect(extractHostnameArgument(["--port", "4000", "-H", "0.0.0.0"])).toEqual({ hostname: "0.0.0.0", rest: ["--port", "4000"] });
    expect(extractHostnameArgument(["--hostname=::", "-p", "1"])).toEqual({ hostname: "::", rest: ["-p", "1"] });
    expect(extractHostnameArgument(["--hostname", "a", "--hostname", "b"])).toEqual({ hostname: "b", rest: [] });
    expect(extractHostnameArgument([])).toEqual({ hostname: undefined, rest: [] });
  });
});
