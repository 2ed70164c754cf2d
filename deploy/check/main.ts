import {
  checkAlertRules,
  checkCompose,
  checkDashboard,
  checkDockerfile,
  checkWorkflow,
  metricsWithoutPanel,
  runNginxTest,
  runPromtool,
} from './deploy-check.js';

/**
 * npm run deploy:check — everything about deploy/ that can be checked without a Docker engine.
 * Exits 1 when a check fails; a tool that is not installed is reported as skipped.
 */

let failed = false;
const report = (name: string, problems: string[]) => {
  failed ||= problems.length > 0;
  process.stdout.write(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${name}\n`);
  for (const problem of problems) process.stdout.write(`       ${problem}\n`);
};

report('compose file against the Compose Specification schema, and its wiring', checkCompose());
report(
  'Dockerfile: build steps are the commands of .ci/run and README; runtime image',
  checkDockerfile(),
);
report(
  'Grafana dashboard: PromQL parses, every metric is one Herald exports',
  await checkDashboard(),
);
report(
  'Prometheus alert rules: PromQL parses, every metric is one Herald exports',
  await checkAlertRules(),
);
report('GitHub Actions workflow runs .ci/run with postgres and redis services', checkWorkflow());
for (const result of [...runPromtool(), runNginxTest()]) {
  if (result.ok === null) {
    process.stdout.write(`skip ${result.tool}: ${result.output}\n`);
    continue;
  }
  report(result.tool, result.ok ? [] : result.output.split('\n'));
}
const unshown = await metricsWithoutPanel();
if (unshown.length > 0)
  process.stdout.write(`note Herald metrics no panel shows: ${unshown.join(', ')}\n`);

process.exitCode = failed ? 1 : 0;
