// The layers of docs/architecture.md, lowest first: a module imports only from its own layer or
// below. test/architecture.test.ts checks that the document lists these same layers.
const LAYERS = [
  { name: "secrets", path: "^src/secrets/" },
  { name: "errors", path: "^src/errors\\.ts$" },
  { name: "operations", path: "^src/operations/" },
  { name: "client", path: "^src/client/" },
  { name: "guard", path: "^src/guard/" },
  { name: "audit", path: "^src/audit/" },
  { name: "money", path: "^src/money/" },
  { name: "tools", path: "^src/tools/" },
  { name: "resources and prompts", path: "^src/(resources|prompts)/" },
  { name: "oauth", path: "^src/oauth/" },
  { name: "transports", path: "^src/transports/" },
  { name: "entry", path: "^src/(server|config|settings|runtime|build-server|server-deps|log)\\.ts$|^src/spec/" },
];
// The emulator stands beside the layers: it knows the domain, and only the entry starts it.
const SANDBOX = "^src/sandbox/";

const upward = LAYERS.flatMap((layer, i) =>
  LAYERS.slice(i + 1).map((above) => ({
    name: `layer-${layer.name.replace(/ /g, "-")}-imports-${above.name.replace(/ /g, "-")}`,
    comment: `${layer.name} is below ${above.name}: it may not import it`,
    severity: "error",
    from: { path: layer.path },
    to: { path: above.path },
  })),
);

module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    {
      name: "every-module-has-a-layer",
      comment: "a file under src/ outside every layer would escape the rule",
      severity: "error",
      from: { path: "^src/", pathNot: [...LAYERS.map((l) => l.path), SANDBOX] },
      to: {},
    },
    ...upward,
    {
      name: "sandbox-imports-only-the-domain",
      severity: "error",
      from: { path: SANDBOX },
      to: { path: "^src/", pathNot: [SANDBOX, "^src/(operations|secrets)/", "^src/errors\\.ts$"] },
    },
    {
      name: "only-the-entry-starts-the-sandbox",
      severity: "error",
      from: { path: "^src/", pathNot: [SANDBOX, LAYERS.at(-1).path] },
      to: { path: SANDBOX },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};

// Not a cruiser option: exported for the test that compares these layers with the document.
Object.defineProperty(module.exports, "LAYERS", { value: LAYERS, enumerable: false });
