import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { createMetrics } from '../../apps/api/src/platform/metrics.js';
import { WORKER_NODE_OPTIONS } from '../../apps/api/src/platform/worker-heap.js';

/**
 * What can be checked about deploy/ without a Docker engine. Each check returns the problems it
 * found (empty: fine); `npm run deploy:check` prints them and a vitest test keeps the cheap ones
 * true in CI.
 */

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEPLOY = join(ROOT, 'deploy');
export const PATHS = {
  compose: join(DEPLOY, 'docker-compose.yml'),
  dockerfile: join(DEPLOY, 'Dockerfile'),
  prometheus: join(DEPLOY, 'prometheus/prometheus.yml'),
  alerts: join(DEPLOY, 'prometheus/alerts.yml'),
  alertTests: join(DEPLOY, 'prometheus/alerts.test.yml'),
  dashboard: join(DEPLOY, 'grafana/dashboards/herald.json'),
  datasources: join(DEPLOY, 'grafana/provisioning/datasources/datasources.yml'),
  nginx: join(DEPLOY, 'nginx/nginx.conf'),
  workflow: join(ROOT, '.github/workflows/ci.yml'),
  ciRun: join(ROOT, '.ci/run'),
  readme: join(ROOT, 'README.md'),
  envExample: join(ROOT, '.env.example'),
  packageJson: join(ROOT, 'package.json'),
};

const read = (path: string) => readFileSync(path, 'utf8');
type Yaml = Record<string, unknown>;
const asRecord = (value: unknown): Yaml =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Yaml) : {};

/** YAML as Compose reads it: anchors resolved, `<<` merge keys applied. */
export function loadComposeFile(path = PATHS.compose): Yaml {
  return asRecord(parseYaml(read(path), { merge: true }));
}

// --- Compose ---------------------------------------------------------------------------------

/** The Compose Specification's JSON schema, as shipped (and used) by dclint. */
function composeSchema(): object {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dclint/package.json'));
  // Draft-07, Ajv's default, named by a URL Ajv does not know (https, no trailing #).
  const { $schema: _draft, ...schema } = JSON.parse(
    read(join(packageDir, 'schemas/compose.schema.json')),
  ) as Record<string, unknown>;
  return schema;
}

/** Herald processes: the services that run the Herald image. */
const heraldServices = (compose: Yaml) =>
  Object.entries(asRecord(compose.services)).filter(([, s]) =>
    String(asRecord(s).image ?? '').includes('herald'),
  );

const commandOf = (service: unknown) => {
  const command = asRecord(service).command;
  return Array.isArray(command) ? command.join(' ') : String(command ?? '');
};

export function checkCompose(path = PATHS.compose): string[] {
  const problems: string[] = [];
  const compose = loadComposeFile(path);
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const validate = ajv.compile(composeSchema());
  if (!validate(compose)) {
    for (const e of validate.errors ?? []) {
      problems.push(`compose schema: ${e.instancePath || '/'} ${e.message ?? ''}`.trim());
    }
  }

  const services = asRecord(compose.services);
  const volumes = asRecord(compose.volumes);
  for (const [name, raw] of Object.entries(services)) {
    const service = asRecord(raw);
    const image = String(service.image ?? '');
    // A floating tag changes what runs without a change here.
    if (!/:[^:/]+$/.test(image) || /:(latest|stable)$/.test(image)) {
      problems.push(`compose: ${name} image "${image}" needs an explicit version tag`);
    }
    for (const dependency of Object.keys(
      Array.isArray(service.depends_on)
        ? Object.fromEntries((service.depends_on as string[]).map((d) => [d, 1]))
        : asRecord(service.depends_on),
    )) {
      if (!(dependency in services))
        problems.push(`compose: ${name} depends on unknown ${dependency}`);
    }
    for (const mount of (service.volumes as unknown[] | undefined) ?? []) {
      const source = String(mount).split(':')[0]!;
      if (source.startsWith('.')) {
        // Docker creates a missing directory; a missing file would become one, silently.
        if (/\.[a-z]+$/.test(source) && !existsSync(join(dirname(path), source)))
          problems.push(`compose: ${name} mounts ${source}, which does not exist`);
      } else if (!(source in volumes)) {
        problems.push(`compose: ${name} mounts volume ${source}, which is not declared`);
      }
    }
  }

  // Every variable given to Herald is one config.ts reads (the root .env.example lists them all).
  const known = new Set(
    [...read(PATHS.envExample).matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!),
  );
  const herald = heraldServices(compose);
  if (herald.length === 0) problems.push('compose: no service runs the Herald image');
  for (const [name, service] of herald) {
    for (const key of Object.keys(asRecord(asRecord(service).environment))) {
      if (!known.has(key) && key !== 'NODE_OPTIONS')
        problems.push(`compose: ${name} sets ${key}, which Herald does not read (.env.example)`);
    }
  }

  const redisCommand = commandOf(services.redis);
  for (const flag of ['--appendonly yes', '--maxmemory-policy noeviction']) {
    if (!redisCommand.includes(flag))
      problems.push(`compose: redis must run with ${flag} (BullMQ)`);
  }
  const replicas = (service: unknown) => Number(asRecord(asRecord(service).deploy).replicas ?? 1);
  if (commandOf(services.api) !== 'serve --no-worker' || replicas(services.api) < 2)
    problems.push('compose: api must be `serve --no-worker` with at least 2 replicas');
  if (commandOf(services.worker) !== 'worker' || replicas(services.worker) < 2)
    problems.push('compose: worker must be `worker` with at least 2 replicas');
  const workerNodeOptions = asRecord(asRecord(services.worker).environment).NODE_OPTIONS;
  if (workerNodeOptions !== WORKER_NODE_OPTIONS)
    problems.push(
      `compose: worker must set NODE_OPTIONS to '${WORKER_NODE_OPTIONS}' (the heap bench:send measures)`,
    );
  if (commandOf(services.migrate) !== 'migrate')
    problems.push('compose: a one-shot `migrate` service must run before API and workers');
  return problems;
}

// --- Dockerfile ------------------------------------------------------------------------------

export interface DockerStage {
  name: string;
  from: string;
  instructions: { keyword: string; args: string }[];
}

/** Stages and instructions, with `\` continuations joined and comments dropped. */
export function parseDockerfile(text: string): {
  args: Map<string, string>;
  stages: DockerStage[];
} {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  const stages: DockerStage[] = [];
  for (const line of lines) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const k = keyword.toUpperCase();
    if (k === 'FROM') {
      const [, from = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest) ?? [];
      stages.push({ name: name ?? String(stages.length), from, instructions: [] });
    } else if (stages.length === 0 && k === 'ARG') {
      const [name = '', value = ''] = rest.split('=');
      args.set(name, value);
    } else {
      stages.at(-1)?.instructions.push({ keyword: k, args: rest.replace(/\s+/g, ' ') });
    }
  }
  return { args, stages };
}

/** Shell commands a file runs: .ci/run's lines and the README's ```sh blocks, `&&` split. */
export function documentedCommands(): Set<string> {
  const commands = new Set<string>();
  const add = (line: string) => {
    for (const part of line.split('&&')) {
      const command = part.replace(/\s+#.*$/, '').trim();
      if (command) commands.add(command);
    }
  };
  for (const line of read(PATHS.ciRun).split('\n')) add(line);
  for (const block of read(PATHS.readme).matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) add(line);
  }
  return commands;
}

export function checkDockerfile(path = PATHS.dockerfile): string[] {
  const problems: string[] = [];
  const { args, stages } = parseDockerfile(read(path));
  const documented = documentedCommands();
  const runs = (stage: DockerStage | undefined) =>
    (stage?.instructions ?? [])
      .filter((i) => i.keyword === 'RUN')
      .flatMap((i) => i.args.split('&&').map((c) => c.trim()));

  const build = stages.find((s) => s.name === 'build');
  if (!build) problems.push('Dockerfile: no `build` stage');
  for (const command of runs(build)) {
    if (!documented.has(command))
      problems.push(`Dockerfile: build step \`${command}\` is not a command of .ci/run or README`);
  }
  if (!runs(build).includes('npm run build'))
    problems.push('Dockerfile: the build stage must run `npm run build`');
  const ciInstall = [...documented].find((c) => c.startsWith('npm ci'));
  if (!ciInstall || !runs(build).includes(ciInstall))
    problems.push(
      `Dockerfile: the build stage must install as CI does (\`${ciInstall ?? 'npm ci'}\`)`,
    );

  const runtime = stages.at(-1);
  if (!runtime || runtime === build) {
    problems.push('Dockerfile: needs a runtime stage after the build stage');
    return problems;
  }
  const installs = stages.flatMap(runs).filter((c) => c.startsWith('npm ci') && c !== ciInstall);
  if (installs.length === 0 || !installs.every((c) => c.includes('--omit=dev')))
    problems.push('Dockerfile: the runtime dependencies must be installed with --omit=dev');
  const copiedFromBuild = runtime.instructions
    .filter((i) => i.keyword === 'COPY' && i.args.includes('--from=build'))
    .map((i) => i.args);
  for (const needed of ['apps/api/dist', 'apps/api/drizzle', 'apps/dashboard/dist']) {
    if (!copiedFromBuild.some((a) => a.includes(needed)))
      problems.push(`Dockerfile: the runtime stage must copy ${needed} from the build stage`);
  }
  const last = (keyword: string) =>
    runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args ?? '';
  const user = last('USER');
  if (!user || user === 'root' || user === '0')
    problems.push('Dockerfile: must run as a non-root USER');
  if (!last('HEALTHCHECK').includes('/health/live'))
    problems.push('Dockerfile: HEALTHCHECK must call /health/live');
  if (!/\b3000\b/.test(last('EXPOSE'))) problems.push('Dockerfile: must EXPOSE 3000');
  if (last('ENTRYPOINT').replace(/\s/g, '') !== '["node","apps/api/dist/main.js"]')
    problems.push('Dockerfile: ENTRYPOINT must be ["node", "apps/api/dist/main.js"]');
  if (last('CMD').replace(/\s/g, '') !== '["serve"]')
    problems.push('Dockerfile: CMD must be ["serve"]');

  // The base image's Node must satisfy package.json engines.
  const engines = (JSON.parse(read(PATHS.packageJson)) as { engines?: { node?: string } }).engines;
  const minMajor = Number(/(\d+)/.exec(engines?.node ?? '')?.[1] ?? 0);
  for (const stage of stages) {
    const image = stage.from.replace(/\$\{(\w+)\}/g, (_m, name: string) => args.get(name) ?? '');
    const major = Number(/^node:(\d+)/.exec(image)?.[1] ?? NaN);
    if (Number.isNaN(major))
      problems.push(`Dockerfile: stage ${stage.name} is not based on a node image (${image})`);
    else if (major < minMajor)
      problems.push(`Dockerfile: ${image} is older than engines.node ${engines?.node ?? ''}`);
  }
  return problems;
}

// --- Metrics: dashboard and alert rules --------------------------------------------------------

/** Every series name Herald's /metrics can expose, histograms expanded, plus Prometheus' own. */
export async function exportedMetricNames(): Promise<Set<string>> {
  const names = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
  for (const metric of await createMetrics().registry.getMetricsAsJSON()) {
    names.add(metric.name);
    // Typed as a numeric enum by prom-client; at run time `type` is the name.
    if (String(metric.type) === 'histogram')
      for (const s of ['_bucket', '_sum', '_count']) names.add(metric.name + s);
    if (String(metric.type) === 'summary')
      for (const s of ['_sum', '_count']) names.add(metric.name + s);
  }
  return names;
}

/** Metric names a PromQL expression reads; throws on a syntax error. */
export function metricNamesIn(expr: string): string[] {
  // Grafana's interval variables are not PromQL; any duration stands in for them.
  const promql = expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m');
  const tree = promqlParser.parse(promql);
  const names: string[] = [];
  let error: number | undefined;
  tree.iterate({
    enter(node) {
      if (node.type.isError) error ??= node.from;
      if (node.name === 'VectorSelector') {
        const identifier = node.node.getChild('Identifier');
        if (identifier) names.push(promql.slice(identifier.from, identifier.to));
      }
    },
  });
  if (error !== undefined) throw new Error(`PromQL syntax error at ${error}: ${expr}`);
  return names;
}

interface DashboardPanel {
  title?: string;
  type?: string;
  datasource?: { uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
  panels?: DashboardPanel[];
  gridPos?: { x: number; y: number; w: number; h: number };
}

export async function checkDashboard(path = PATHS.dashboard): Promise<string[]> {
  const problems: string[] = [];
  const exported = await exportedMetricNames();
  const dashboard = JSON.parse(read(path)) as {
    uid?: string;
    title?: string;
    panels?: DashboardPanel[];
  };
  if (!dashboard.uid || !dashboard.title) problems.push('dashboard: needs a uid and a title');
  const provisioned = new Set(
    (
      (parseYaml(read(PATHS.datasources)) as { datasources?: { uid: string }[] }).datasources ?? []
    ).map((d) => d.uid),
  );
  const panels = (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
  const graphs = panels.filter((p) => p.type !== 'row');
  if (graphs.length === 0) problems.push('dashboard: has no panels');
  for (const panel of graphs) {
    const where = `dashboard panel "${panel.title ?? '?'}"`;
    if (!panel.targets?.length) problems.push(`${where}: no query`);
    for (const target of panel.targets ?? []) {
      const uid = target.datasource?.uid ?? panel.datasource?.uid;
      if (!uid || !provisioned.has(uid))
        problems.push(`${where}: datasource ${uid ?? '(none)'} is not provisioned`);
      try {
        for (const name of metricNamesIn(target.expr ?? '')) {
          if (!exported.has(name))
            problems.push(`${where}: ${name} is not a metric Herald exports`);
        }
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
      }
    }
  }
  const boxes = panels.filter((p) => p.gridPos);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!.gridPos!;
      const b = boxes[j]!.gridPos!;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
        problems.push(`dashboard: "${boxes[i]!.title ?? ''}" overlaps "${boxes[j]!.title ?? ''}"`);
    }
  }
  return problems;
}

export async function checkAlertRules(path = PATHS.alerts): Promise<string[]> {
  const problems: string[] = [];
  const exported = await exportedMetricNames();
  const rules = (
    (parseYaml(read(path)) as { groups?: { rules?: { alert?: string; expr?: string }[] }[] })
      .groups ?? []
  ).flatMap((g) => g.rules ?? []);
  if (rules.length === 0) problems.push('alerts: no rules');
  for (const rule of rules) {
    try {
      for (const name of metricNamesIn(rule.expr ?? '')) {
        if (!exported.has(name))
          problems.push(`alert ${rule.alert ?? '?'}: ${name} is not a metric Herald exports`);
      }
    } catch (error) {
      problems.push(`alert ${rule.alert ?? '?'}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** Herald metrics no panel shows: not an error, a hint for whoever adds a metric. */
export async function metricsWithoutPanel(path = PATHS.dashboard): Promise<string[]> {
  const text = read(path);
  const base = (await createMetrics().registry.getMetricsAsJSON())
    .map((m) => m.name)
    .filter((n) => n.startsWith('herald_') || n.startsWith('http_'));
  return base.filter((name) => !text.includes(name));
}

// --- CI workflow ------------------------------------------------------------------------------

export function checkWorkflow(path = PATHS.workflow): string[] {
  const problems: string[] = [];
  const workflow = asRecord(parseYaml(read(path)));
  const jobs = Object.entries(asRecord(workflow.jobs));
  const test = jobs.find(([, job]) =>
    JSON.stringify(asRecord(job).steps ?? []).includes('bash .ci/run'),
  );
  if (!test) return ['workflow: no job runs `bash .ci/run`'];
  const [name, job] = test;
  const services = asRecord(asRecord(job).services);
  const image = (s: unknown) => String(asRecord(s).image ?? '');
  if (!Object.values(services).some((s) => image(s).startsWith('postgres:')))
    problems.push(`workflow: job ${name} has no postgres service`);
  if (!Object.values(services).some((s) => image(s).startsWith('redis:')))
    problems.push(`workflow: job ${name} has no redis service`);
  return problems;
}

// --- External tools, when installed -------------------------------------------------------------

export interface ToolResult {
  tool: string;
  /** null: the tool is not installed here. */
  ok: boolean | null;
  output: string;
}

const hasTool = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

export function runPromtool(): ToolResult[] {
  if (!hasTool('promtool')) {
    return [
      {
        tool: 'promtool',
        ok: null,
        output:
          'promtool is not installed (apt-get install prometheus): Prometheus config not checked',
      },
    ];
  }
  const run = (args: string[]): ToolResult => {
    const result = spawnSync('promtool', args, { encoding: 'utf8' });
    return {
      tool: `promtool ${args.join(' ')}`,
      ok: result.status === 0,
      output: `${result.stdout}${result.stderr}`.trim(),
    };
  };
  const results = [run(['check', 'config', PATHS.prometheus])];
  if (existsSync(PATHS.alertTests)) results.push(run(['test', 'rules', PATHS.alertTests]));
  return results;
}

/**
 * nginx -t on a copy where the parts only Docker can resolve (the `api` service name, the
 * `resolve` flag of nginx >= 1.27.3) stand replaced by a local address, and the log by a file.
 */
export function runNginxTest(): ToolResult {
  if (!hasTool('nginx')) {
    return {
      tool: 'nginx -t',
      ok: null,
      output: 'nginx is not installed (apt-get install nginx-light): proxy config not checked',
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'herald-nginx-'));
  try {
    const copy = join(dir, 'nginx.conf');
    writeFileSync(
      copy,
      read(PATHS.nginx)
        .replace(/server api:3000 resolve/g, 'server 127.0.0.1:3000')
        // Node's child stdio are sockets, which /dev/stdout cannot be opened on.
        .replace(/\/dev\/stdout/g, join(dir, 'access.log')),
    );
    const result = spawnSync('nginx', ['-t', '-c', copy, '-g', `pid ${join(dir, 'nginx.pid')};`], {
      encoding: 'utf8',
    });
    return {
      tool: 'nginx -t',
      ok: result.status === 0,
      output: `${result.stdout}${result.stderr}`.trim(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
