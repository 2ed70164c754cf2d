import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkAlertRules,
  checkCompose,
  checkDashboard,
  checkDockerfile,
  checkWorkflow,
  metricNamesIn,
  PATHS,
} from './deploy-check.js';

/**
 * The cheap half of `npm run deploy:check` (promtool and nginx are left to that command): the
 * deploy files stay valid and keep matching the code as both change. Each check is also shown
 * to catch the mistake it exists for, on a broken copy.
 */

const dir = mkdtempSync(join(tmpdir(), 'herald-deploy-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of `path` with `from` replaced by `to`, beside the original's relative paths. */
function brokenCopy(path: string, from: string | RegExp, to: string, name = 'broken'): string {
  const text = readFileSync(path, 'utf8');
  const changed = text.replace(from, to);
  expect(changed, `the fixture edit must apply to ${path}`).not.toBe(text);
  const copy = join(
    path.endsWith('docker-compose.yml') ? join(PATHS.compose, '..') : dir,
    `${name}-${Date.now()}-${path.split('/').at(-1)!}`,
  );
  writeFileSync(copy, changed);
  return copy;
}

describe('deploy/docker-compose.yml', () => {
  it('is valid against the Compose Specification and wires Herald the way the docs say', () => {
    expect(checkCompose()).toEqual([]);
  });

  it('catches an unknown key, a missing volume, a misspelt variable and a Redis that evicts', () => {
    const cases: [string | RegExp, string, RegExp][] = [
      [
        '    restart: unless-stopped\n    environment:\n      POSTGRES_USER',
        '    restart: unless-stopped\n    restrat: always\n    environment:\n      POSTGRES_USER',
        /compose schema: \/services\/postgres must NOT have additional properties/,
      ],
      [
        '      - uploads:/data/uploads\n    depends_on: *herald-depends\n    # Requests',
        '      - upload:/data/uploads\n    depends_on: *herald-depends\n    # Requests',
        /api mounts volume upload, which is not declared/,
      ],
      [
        '  OTEL_EXPORTER_OTLP_ENDPOINT:',
        '  OTEL_ENDPOINT:',
        /sets OTEL_ENDPOINT, which Herald does not read/,
      ],
      ['- noeviction', '- allkeys-lru', /redis must run with --maxmemory-policy noeviction/],
      [
        'image: postgres:16',
        'image: postgres',
        /postgres image "postgres" needs an explicit version tag/,
      ],
    ];
    for (const [from, to, expected] of cases) {
      const copy = brokenCopy(PATHS.compose, from, to, '.check');
      try {
        expect(checkCompose(copy).join('\n')).toMatch(expected);
      } finally {
        rmSync(copy);
      }
    }
  });
});

describe('deploy/Dockerfile', () => {
  it('builds with the commands CI and the README run, and runs as a non-root user with a healthcheck', () => {
    expect(checkDockerfile()).toEqual([]);
  });

  it('catches a build step CI does not run, a root runtime, dev dependencies in the image', () => {
    const cases: [string | RegExp, string, RegExp][] = [
      [
        'RUN npm run build',
        'RUN npm run build:fast',
        /build step `npm run build:fast` is not a command of .ci\/run or README/,
      ],
      ['RUN npm ci --no-audit --no-fund', 'RUN npm install', /must install as CI does/],
      ['USER node', 'USER root', /non-root USER/],
      ['npm ci --omit=dev --workspace apps/api', 'npm ci --workspace apps/api', /--omit=dev/],
      [
        'ARG NODE_IMAGE=node:22-bookworm-slim',
        'ARG NODE_IMAGE=node:18-bookworm-slim',
        /node:18-bookworm-slim is older than engines.node/,
      ],
      [
        'COPY --from=build /app/apps/api/drizzle ./apps/api/drizzle\n',
        '',
        /must copy apps\/api\/drizzle/,
      ],
    ];
    for (const [from, to, expected] of cases) {
      expect(checkDockerfile(brokenCopy(PATHS.dockerfile, from, to)).join('\n')).toMatch(expected);
    }
  });
});

describe('Grafana dashboard and Prometheus alerts', () => {
  it('query only metrics Herald exports, in PromQL that parses', async () => {
    expect(await checkDashboard()).toEqual([]);
    expect(await checkAlertRules()).toEqual([]);
  });

  it('cover HTTP, queues, sends by sender, opens and clicks, and event ingestion', () => {
    const dashboard = readFileSync(PATHS.dashboard, 'utf8');
    for (const metric of [
      'http_request_duration_seconds_bucket',
      'herald_queue_jobs',
      'herald_jobs_total',
      'herald_messages_total',
      'herald_tracking_hits_total',
      'herald_events_ingested_total',
    ]) {
      expect(dashboard).toContain(metric);
    }
    expect(dashboard).toMatch(
      /sum by \(sender_id\) \(rate\(herald_messages_total\{outcome=\\"sent\\"\}/,
    );
  });

  it('catches a metric Herald does not export, a syntax error and an unknown datasource', async () => {
    expect(
      (
        await checkDashboard(
          brokenCopy(
            PATHS.dashboard,
            'herald_messages_total{outcome',
            'herald_mesages_total{outcome',
          ),
        )
      ).join('\n'),
    ).toMatch(/herald_mesages_total is not a metric Herald exports/);
    expect(
      (
        await checkDashboard(
          brokenCopy(
            PATHS.dashboard,
            'sum by (type) (rate(herald_tracking_hits_total',
            'sum by (type (rate(herald_tracking_hits_total',
          ),
        )
      ).join('\n'),
    ).toMatch(/PromQL syntax error/);
    expect(
      (
        await checkDashboard(brokenCopy(PATHS.dashboard, /"uid": "prometheus"/g, '"uid": "prom"'))
      ).join('\n'),
    ).toMatch(/datasource prom is not provisioned/);
    expect(
      (
        await checkAlertRules(
          brokenCopy(
            PATHS.alerts,
            'herald_jobs_total{state="failed"}',
            'herald_job_total{state="failed"}',
          ),
        )
      ).join('\n'),
    ).toMatch(/HeraldJobsDeadLettered: herald_job_total is not a metric Herald exports/);
  });

  it('reads metric names out of PromQL, not out of label values or functions', () => {
    expect(
      metricNamesIn(
        'sum by (le) (rate(http_request_duration_seconds_bucket{route=~"/t/.*"}[$__rate_interval])) / on() group_left max(herald_queue_jobs{state="rate"})',
      ),
    ).toEqual(['http_request_duration_seconds_bucket', 'herald_queue_jobs']);
    expect(() => metricNamesIn('sum(rate(x[5m])')).toThrow(/syntax error/);
  });
});

describe('.github/workflows/ci.yml', () => {
  it('runs .ci/run with PostgreSQL and Redis services', () => {
    expect(checkWorkflow()).toEqual([]);
    expect(
      checkWorkflow(brokenCopy(PATHS.workflow, 'image: redis:7', 'image: valkey/valkey:8')),
    ).toEqual(['workflow: job test has no redis service']);
  });
});
