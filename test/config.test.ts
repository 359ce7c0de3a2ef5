import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors.js";
import { DEFAULT_API_URL, FLAGS, HELP, parseConfig, v1EndpointFor } from "../src/config.js";
import { SETTINGS } from "../src/settings.js";

const KEY = { REVCENT_API_KEY: "k-123" };

describe("parseConfig", () => {
  it("has the documented defaults", () => {
    const c = parseConfig([], KEY);
    expect(c).toMatchObject({
      command: "serve",
      apiUrl: DEFAULT_API_URL,
      profile: "operator",
      toolsets: null,
      tools: [],
      denyTools: [],
      readOnly: false,
      toolsMode: "static",
      transport: "stdio",
      port: 3000,
      host: "127.0.0.1",
      sandbox: false,
      logLevel: "info",
    });
  });

  it("takes flags over environment over defaults", () => {
    const env = {
      ...KEY,
      REVCENT_PROFILE: "readonly",
      REVCENT_TOOLSETS: "sales",
      REVCENT_READ_ONLY: "true",
      REVCENT_API_URL: "http://env",
    };
    const c = parseConfig(
      ["--profile", "operator", "--toolsets", "customers, trials", "--api-url", "http://flag"],
      env,
    );
    expect(c.profile).toBe("operator");
    expect(c.toolsets).toEqual(["customers", "trials"]);
    expect(c.apiUrl).toBe("http://flag");
    expect(c.readOnly).toBe(true);
  });

  it("without a key or --sandbox, says how to fix it in one line", () => {
    expect(() => parseConfig([], {})).toThrow(ConfigError);
    expect(() => parseConfig([], {})).toThrow(/REVCENT_API_KEY.*--sandbox/);
    expect(parseConfig(["--sandbox"], {}).sandbox).toBe(true);
    expect(parseConfig([], { REVCENT_SANDBOX: "1" }).sandbox).toBe(true);
    expect(parseConfig(["sandbox"], {}).command).toBe("sandbox");
    expect(parseConfig(["sandbox"], {}).port).toBe(4010);
  });

  it("rejects unknown values naming the flag and what is allowed", () => {
    expect(() => parseConfig(["--profile", "root"], KEY)).toThrow(
      /--profile must be one of operator, readonly, support; got "root"/,
    );
    expect(() => parseConfig(["--tools-mode", "fancy"], KEY)).toThrow(/--tools-mode must be one of static/);
    expect(() => parseConfig(["--port", "70000"], KEY)).toThrow(/--port/);
    expect(() => parseConfig(["--bogus"], KEY)).toThrow(/bogus/);
    expect(() => parseConfig([], { ...KEY, REVCENT_READ_ONLY: "maybe" })).toThrow(
      /REVCENT_READ_ONLY must be true or false/,
    );
  });

  it("never accepts the API key as a flag", () => {
    expect(() => parseConfig(["--api-key", "secret"], {})).toThrow(ConfigError);
  });
});

describe("the V1 endpoint", () => {
  it("is the V2 base's sibling /v1 unless given; nothing is derived from a base that does not end in /v2", () => {
    expect(v1EndpointFor(DEFAULT_API_URL, undefined)).toBe("https://api.revcent.com/v1");
    expect(v1EndpointFor("http://127.0.0.1:4010/v2/", undefined)).toBe("http://127.0.0.1:4010/v1");
    expect(v1EndpointFor("https://proxy.example/revcent/v2", undefined)).toBe("https://proxy.example/revcent/v1");
    expect(v1EndpointFor("https://proxy.example/revcent", undefined)).toBeUndefined();
    expect(v1EndpointFor("not a url", undefined)).toBeUndefined();
    expect(v1EndpointFor("https://proxy.example/revcent", "https://v1.example/rpc")).toBe("https://v1.example/rpc");
  });

  it("refuses an --api-url or --api-v1-url that is not an http(s) URL, naming the flag", () => {
    expect(() => parseConfig(["--api-v1-url", "htps//typo"], KEY)).toThrow(
      /^--api-v1-url: "htps\/\/typo" is not an http\(s\) URL/,
    );
    expect(() => parseConfig(["--api-url", "ftp://host/v2"], KEY)).toThrow(
      /^--api-url: "ftp:\/\/host\/v2" is not an http\(s\) URL/,
    );
    expect(() => parseConfig([], { ...KEY, REVCENT_API_V1_URL: "not a url" })).toThrow(ConfigError);
  });

  it("is read from --api-v1-url over REVCENT_API_V1_URL", () => {
    expect(parseConfig([], KEY).apiV1Url).toBeUndefined();
    expect(parseConfig([], { ...KEY, REVCENT_API_V1_URL: "https://env/v1" }).apiV1Url).toBe("https://env/v1");
    expect(
      parseConfig(["--api-v1-url", "https://flag/v1"], { ...KEY, REVCENT_API_V1_URL: "https://env/v1" }).apiV1Url,
    ).toBe("https://flag/v1");
  });
});

describe("--help", () => {
  it("describes every flag the parser accepts in its list of flags", () => {
    const flags = HELP.slice(HELP.indexOf("Flags"));
    for (const name of Object.keys(FLAGS)) expect(flags, name).toMatch(new RegExp(`--${name}(?![\\w-])`));
  });
});

describe("the settings table", () => {
  it("sets every Config field from exactly one setting (the guard through its mode)", () => {
    const config = parseConfig([], { REVCENT_API_KEY: "k" });
    const fromTable = SETTINGS.map((s) => (s.key === "guardMode" ? "guard" : s.key));
    expect(new Set(fromTable).size, "a field set by two settings").toBe(fromTable.length);
    expect([...fromTable, "command"].sort()).toEqual(Object.keys(config).sort());
  });

  it("names each flag and each variable once", () => {
    const flags = SETTINGS.flatMap((s) => (s.flag ? [s.flag] : []));
    const envs = SETTINGS.flatMap((s) => (s.env ? [s.env] : []));
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(envs).size).toBe(envs.length);
  });
});
